//! Fuzz target: reading commune data, from the bytes of a file to a scored row.
//!
//! The first input byte picks the shape: even, the rest is a whole file (any encoding, any delimiter,
//! any header); odd, the rest follows a full, valid header so that the fuzzer spends its time on data
//! rows and cells. Bit 1 turns on `--nearest-year`, bit 2 scores with another year's thresholds
//! (`diff --same-year`), the year taken from bits 3–5. Every row read is prechecked; the first four are
//! scored both ways, the explained evaluation and the compiled plan, which must give the same statuses.
//! The rest of the input is also fed to `number::read` and to `cell::parse` for each kind and decimal
//! mark. Nothing may panic or hang; problems are fine.

#![no_main]

use std::io::Cursor;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ntm::criteria::catalog::Catalog;
use ntm::criteria::{ColumnSpec, Kind, Plausible, Schema, Version};
use ntm::eval::plan::{Compact, Plan};
use ntm::eval::{Evaluator, NoDerived, Options};
use ntm::i18n::{Lang, Text};
use ntm::input::Layout;
use ntm::input::cell::{self, Decimal, Raw};
use ntm::input::number::{self, Mark};
use ntm::input::table::{Reader, RowRead};

mod plan_check;

static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::bundled().expect("the bundled criteria load"));

fn version() -> &'static Version {
    &CATALOG.versions[0]
}

static SCHEMA: LazyLock<Schema> = LazyLock::new(|| Schema::of(version()));

static HEADER: LazyLock<String> = LazyLock::new(|| {
    let cols = Version::columns_of(&version().commune_chain());
    format!("ma_xa;ten_xa;huyen;nam;{}\n", cols.join(";"))
});

/// The column specs `cell::parse` is tried with: the plain one of each kind, and every distinct spec of
/// the bundled columns (units, whole numbers, bounds with a hint).
static SPECS: LazyLock<Vec<ColumnSpec>> = LazyLock::new(|| {
    let mut specs: Vec<ColumnSpec> = [Kind::Bool, Kind::Pct, Kind::Num]
        .into_iter()
        .map(|kind| ColumnSpec {
            kind,
            unit: None,
            plausible: Plausible::of_kind(kind),
        })
        .collect();
    for s in &SCHEMA.specs {
        if !specs.contains(s) {
            specs.push(s.clone());
        }
    }
    specs
});

static DECIMALS: LazyLock<[Decimal; 3]> = LazyLock::new(|| {
    let with = |mark| Decimal {
        mark: Some(mark),
        from: Text::new("fuzz", "fuzz"),
    };
    [Decimal::default(), with(Mark::Comma), with(Mark::Point)]
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let version = version();
    let sets = version.commune_chain();
    let used = Version::columns_of(&sets);
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let mut b = HEADER.as_bytes().to_vec();
        b.extend_from_slice(rest);
        b
    };
    let keep = |_: usize, _: &str, _: &str, _: i32| true;
    let mut reader = Reader::from_reader(
        "fuzz.csv",
        Box::new(Cursor::new(bytes)),
        &SCHEMA,
        Layout::COMMUNE,
        &used,
        &keep,
    );
    let head = reader.head.clone();
    for p in &head.problems {
        let _ = p.render(Lang::En);
    }
    let _ = reader.unreadable();
    let options = Options {
        nearest_year: mode & 2 != 0,
        thresholds_of: (mode & 4 != 0).then(|| 2019 + i32::from((mode >> 3) & 7)),
    };
    let ev = Evaluator::new(version, sets.clone(), &head, options);
    let mut compact = Compact::default();
    let mut read = RowRead::default();
    // Evaluation is the costly part: score the first rows only, read every row.
    let mut scored = 0;
    while reader.read_into(&mut read) {
        for p in &read.problems {
            let _ = p.render(Lang::Vi);
        }
        if let Some(u) = &read.unscored {
            let _ = u.reasons.len();
        }
        let Some(row) = read.row() else {
            continue;
        };
        let pre = ev.precheck_row(&head.file, row, Layout::COMMUNE.year);
        for p in &pre {
            let _ = p.render(Lang::En);
        }
        if scored < 4 {
            scored += 1;
            let explained = ev.evaluate(row, &NoDerived);
            let year = options.thresholds_of.unwrap_or(row.year);
            let group = row.group.as_deref();
            // The commune chain reads no district's derived value: it always compiles.
            let plan = Plan::compile(version, &sets, &head.columns, &head.present, year, group)
                .expect("the commune chain compiles");
            plan.score(row, &mut compact);
            plan_check::same_verdicts(&explained, &plan, &compact, &sets, (row, &head));
        }
    }
    let text = String::from_utf8_lossy(rest);
    cells(&text, rest);
});

/// The input as one cell, read every way a cell is read.
fn cells(text: &str, bytes: &[u8]) {
    let trimmed = text.trim();
    for s in [text, trimmed, trimmed.trim_end_matches('%')] {
        if let Ok(reading) = number::read(s) {
            for mark in [None, Some(Mark::Comma), Some(Mark::Point)] {
                let _ = reading.under(mark);
            }
        }
    }
    // A spreadsheet's typed cells: a number (shown as a percentage or not), a date, an error, a
    // formula, a logical value. The number is taken from the first eight bytes.
    let mut eight = [0u8; 8];
    let n = bytes.len().min(8);
    eight[..n].copy_from_slice(&bytes[..n]);
    let value = f64::from_le_bytes(eight);
    let raws = [
        Raw::Text(text),
        Raw::Number {
            value,
            percent: false,
        },
        Raw::Number {
            value,
            percent: true,
        },
        Raw::Date(value),
        Raw::Error(text),
        Raw::Formula(text),
        Raw::Bool(value.is_sign_negative()),
    ];
    for raw in raws {
        let _ = raw.shown();
        for spec in SPECS.iter() {
            for decimal in DECIMALS.iter() {
                if let Err(e) = cell::parse(raw, spec, decimal) {
                    let _ = (e.message.get(Lang::En), e.expected.get(Lang::Vi));
                }
            }
        }
    }
}
