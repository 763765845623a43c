//! Fuzz target: reading an Excel workbook (.xlsx) of commune data, from its bytes to scored rows.
//!
//! Two modes, by the input's first bytes:
//! - a zip archive (`PK\x03\x04`): the input is the whole workbook;
//! - anything else: the first byte picks a part of a valid workbook (sheet1.xml, sharedStrings.xml,
//!   styles.xml, workbook.xml; see `workbooks::PARTS`) and the rest is that part's text, zipped again
//!   with the template's other parts, so that the fuzzer works on the XML rather than on the zip's
//!   checksums and offsets.
//!
//! The bytes are written to a file named `*.xlsx`, opened with `Reader::open` against the bundled
//! commune schema, once with the default options (the first visible sheet) and once with `--sheet
//! Sheet1`, and read to the end with `read_into`. Every problem is rendered, every row prechecked; the
//! first two rows are scored both ways, the explained evaluation and the compiled plan, which must
//! agree. Nothing may panic, hang or blow memory. Inputs of known defects are skipped (see
//! `far_reference`).

#![no_main]

use std::io::{Cursor, Read, Write};
use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ntm::criteria::catalog::Catalog;
use ntm::criteria::{Schema, Version};
use ntm::eval::plan::{Compact, Plan};
use ntm::eval::{Evaluator, NoDerived, Options};
use ntm::i18n::Lang;
use ntm::input::Layout;
use ntm::input::table::{ReadOptions, Reader, RowRead};
use zip::write::SimpleFileOptions;

mod plan_check;
mod workbooks;

static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::bundled().expect("the bundled criteria load"));

fn version() -> &'static Version {
    &CATALOG.versions[0]
}

static SCHEMA: LazyLock<Schema> = LazyLock::new(|| Schema::of(version()));

/// The file the input is written to: one per process, removed after each input.
static PATH: LazyLock<PathBuf> =
    LazyLock::new(|| std::env::temp_dir().join(format!("ntm-fuzz-{}.xlsx", std::process::id())));

/// The parts of the template workbook, in their order in the archive.
static TEMPLATE: LazyLock<Vec<(String, Vec<u8>)>> = LazyLock::new(|| {
    let (_, bytes) = workbooks::seeds().swap_remove(0);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("the template is a zip");
    (0..zip.len())
        .map(|i| {
            let mut part = zip.by_index(i).expect("a part of the template");
            let mut data = Vec::new();
            part.read_to_end(&mut data).expect("the template unpacks");
            (part.name().expect("a part's name").into_owned(), data)
        })
        .collect()
});

/// The template with `part` replaced by `text`.
fn with_part(part: &str, text: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in TEMPLATE.iter() {
        zip.start_file(name.as_str(), options).expect("a zip entry");
        let data = if name == part { text } else { data };
        zip.write_all(data).expect("a zip entry written");
    }
    zip.finish().expect("the zip closes").into_inner()
}

fuzz_target!(|data: &[u8]| {
    if !*KNOWN && far_reference(data) {
        return;
    }
    let bytes = match data.split_first() {
        None => return,
        Some(_) if data.starts_with(b"PK\x03\x04") => data.to_vec(),
        Some((&mode, rest)) => with_part(workbooks::PARTS[usize::from(mode) % 4], rest),
    };
    std::fs::write(&*PATH, &bytes).expect("the fuzz file is written");
    for sheet in [None, Some("Sheet1".to_string())] {
        read(&ReadOptions {
            sheet,
            ..ReadOptions::default()
        });
    }
    // Left behind only by an input that crashes (`cargo fuzz tmin` runs one process per attempt).
    let _ = std::fs::remove_file(&*PATH);
});

/// `NTM_FUZZ_KNOWN=1` feeds the inputs of known defects too (to check a fix on their artifacts).
static KNOWN: LazyLock<bool> = LazyLock::new(|| std::env::var_os("NTM_FUZZ_KNOWN").is_some());

/// Known defects, left out until they are fixed (unless `NTM_FUZZ_KNOWN` is set): a cell reference
/// beyond column 2048 (`CZT`) or a row number beyond `u32`, in an attribute `r`, `ref` or `sqref` of
/// the input's text.
/// - calamine 0.38's `get_row_and_optional_column` multiplies without checking: 7 letters or more
///   overflow `u32` (a panic with overflow checks, a wrong place without): see
///   `artifacts/xlsx/calamine-cell-ref-overflow`.
/// - ntm's `xlsx::records` makes each row as wide as its farthest cell (`vec![String::new(); n]`
///   and one reference string per column): a cell at `ZZZZZZ1` asks for 7.7 GB, see
///   `artifacts/xlsx/far-cell-row-oom`. Within Excel's columns it is slow instead: a header cell at
///   XFD makes every row 16,384 values and reference strings (`format!`), and 200 rows take 18 s
///   under ASan, past `-timeout=10`: `artifacts/xlsx/wide-header-row-slow` (19 KB). At 2,048
///   columns, a timeout would need an input longer than `-max_len`.
///
/// Only the text of the input is looked at: a compressed part is not unpacked.
fn far_reference(data: &[u8]) -> bool {
    let names_a_reference = |before: &[u8]| {
        let name = before.trim_ascii_end();
        name.ends_with(b"r") || name.ends_with(b"ref")
    };
    data.iter().enumerate().any(|(i, &b)| {
        if b != b'=' || !names_a_reference(&data[..i]) {
            return false;
        }
        let value = data[i + 1..].trim_ascii_start();
        let Some((&quote, value)) = value.split_first() else {
            return false;
        };
        if quote != b'"' && quote != b'\'' {
            return false;
        }
        let end = value
            .iter()
            .position(|&c| c == quote)
            .unwrap_or(value.len());
        value[..end]
            .split(|c| *c == b':' || c.is_ascii_whitespace())
            .any(too_far)
    })
}

/// Whether a cell reference (`XFD1048576`) is past column 2048 or past `u32` rows.
fn too_far(reference: &[u8]) -> bool {
    let letters = reference
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let column = reference[..letters].iter().fold(0u64, |n, c| {
        n.saturating_mul(26)
            .saturating_add(u64::from(c.to_ascii_uppercase() - b'A' + 1))
    });
    let row = reference[letters..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .fold(0u64, |n, c| {
            n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
        });
    column > 2_048 || row > u64::from(u32::MAX)
}

fn read(options: &ReadOptions) {
    let version = version();
    let sets = version.commune_chain();
    let used = Version::columns_of(&sets);
    let keep = |_: &str, _: &str, _: i32| true;
    let mut reader = Reader::open(&PATH, options, &SCHEMA, Layout::COMMUNE, &used, &keep);
    let head = reader.head.clone();
    for p in &head.problems {
        let _ = p.render(Lang::En);
    }
    let _ = reader.unreadable();
    let ev = Evaluator::new(version, sets.clone(), &head, Options::default());
    let mut compact = Compact::default();
    let mut read = RowRead::default();
    let mut scored = 0;
    while reader.read_into(&mut read) {
        for p in &read.problems {
            let _ = p.render(Lang::Vi);
        }
        let Some(row) = read.row() else {
            continue;
        };
        for p in ev.precheck_row(&head.file, row, Layout::COMMUNE.year) {
            let _ = p.render(Lang::En);
        }
        if scored < 2 {
            scored += 1;
            let explained = ev.evaluate(row, &NoDerived);
            let group = row.group.as_deref();
            let plan = Plan::compile(
                version,
                &sets,
                &head.columns,
                &head.present,
                row.year,
                group,
            )
            .expect("the commune chain compiles");
            plan.score(row, &mut compact);
            plan_check::same_statuses(&explained, &compact, &plan, &sets, (row, &head));
        }
    }
}
