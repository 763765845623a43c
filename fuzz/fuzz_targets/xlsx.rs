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
//! agree. Nothing may panic, hang or blow memory, with one exception: calamine's own overflow on a
//! far cell reference, which ntm catches and reports (see `calamine_overflow`).

#![no_main]

use std::io::{Cursor, Read, Write};
use std::panic::PanicHookInfo;
use std::path::PathBuf;
use std::sync::{LazyLock, Once};

use libfuzzer_sys::fuzz_target;
use ntm::criteria::catalog::Catalog;
use ntm::criteria::{Schema, Version};
use ntm::eval::plan::{Compact, Plan};
use ntm::eval::{Evaluator, NoDerived, Options};
use ntm::i18n::Lang;
use ntm::input::Layout;
use ntm::input::table::{ReadOptions, Reader, RowRead};
use ntm::input::xlsx::READER_THREAD;
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
    HOOK.call_once(tolerate_calamine_overflow);
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

static HOOK: Once = Once::new();

/// libFuzzer's panic hook (set by libfuzzer-sys before the first input) aborts on every panic, even one
/// that is caught; this one lets a single kind through, `calamine_overflow`, and hands every other
/// panic on to it.
fn tolerate_calamine_overflow() {
    let libfuzzer = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !calamine_overflow(info) {
            libfuzzer(info)
        }
    }));
}

/// calamine's defect, not ntm's, which ntm handles: calamine 0.38.0 works out a cell reference's
/// column and row in unchecked `u32` (`get_row_and_optional_column`), so that seven letters, or a
/// row number past 4,294,967,295, overflow (`seeds/xlsx/calamine-cell-ref-overflow`; upstream
/// tafia/calamine#709). With overflow checks (cargo fuzz's build, and ntm's release profile for
/// calamine) that is a panic, which ntm's sheet-reading thread catches and reports as a refused
/// sheet (`main` keeps it quiet). So a panic passes only if it is an arithmetic overflow, raised in
/// calamine's code, in that thread: any other panic, ntm's own code in that thread included, still
/// aborts.
fn calamine_overflow(info: &PanicHookInfo) -> bool {
    let in_reader = std::thread::current().name() == Some(READER_THREAD);
    let in_calamine = info
        .location()
        .is_some_and(|at| at.file().contains("/calamine-"));
    let overflow = info
        .payload_as_str()
        .is_some_and(|m| m.starts_with("attempt to ") && m.ends_with(" with overflow"));
    in_reader && in_calamine && overflow
}

fn read(options: &ReadOptions) {
    let version = version();
    let sets = version.commune_chain();
    let used = Version::columns_of(&sets);
    let keep = |_: usize, _: &str, _: &str, _: i32| true;
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
            plan_check::same_verdicts(&explained, &plan, &compact, &sets, (row, &head));
        }
    }
}
