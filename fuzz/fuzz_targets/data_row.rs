//! Fuzz target: reading commune data, from the bytes of a file to a scored row.
//!
//! The first input byte picks the shape: even, the rest is a whole file (any encoding, any delimiter,
//! any header); odd, the rest follows a full, valid header so that the fuzzer spends its time on data
//! rows and cells. Every row read is prechecked, and the first four are evaluated against the bundled commune sets, and the
//! rest is also fed to `cell::parse` for each kind. Nothing may panic or hang; problems are fine.

#![no_main]

use std::io::Cursor;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use ntm::criteria::catalog::Catalog;
use ntm::criteria::{Kind, Version};
use ntm::eval::{Evaluator, NoDerived, Options};
use ntm::i18n::Lang;
use ntm::input::Layout;
use ntm::input::cell;
use ntm::input::table::Reader;

static CATALOG: LazyLock<Catalog> =
    LazyLock::new(|| Catalog::bundled().expect("the bundled criteria load"));

static HEADER: LazyLock<String> = LazyLock::new(|| {
    let version = &CATALOG.versions[0];
    let cols = Version::columns_of(&version.commune_chain());
    format!("ma_xa;ten_xa;huyen;nam;{}\n", cols.join(";"))
});

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let version = &CATALOG.versions[0];
    let sets = version.commune_chain();
    let used = Version::columns_of(&sets);
    let bytes = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let mut b = HEADER.as_bytes().to_vec();
        b.extend_from_slice(rest);
        b
    };
    let keep = |_: &str, _: &str, _: i32| true;
    let reader = Reader::from_reader(
        "fuzz.csv",
        Box::new(Cursor::new(bytes)),
        version,
        Layout::COMMUNE,
        &used,
        &keep,
    );
    let head = reader.head.clone();
    for p in &head.problems {
        let _ = p.render(Lang::En);
    }
    let options = Options {
        nearest_year: mode & 2 != 0,
        thresholds_of: None,
    };
    let ev = Evaluator::new(version, sets.clone(), &head, options);
    // Evaluation is the costly part: score the first rows only, read every row.
    for (i, read) in reader.enumerate() {
        for p in &read.problems {
            let _ = p.render(Lang::Vi);
        }
        if let Some(row) = read.row {
            for p in ev.precheck_row(&head.file, &row, Layout::COMMUNE.year) {
                let _ = p.render(Lang::En);
            }
            if i < 4 {
                let _ = ev.evaluate(&row, &NoDerived);
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(rest) {
        for kind in [Kind::Bool, Kind::Pct, Kind::Num] {
            let _ = cell::parse(text, kind);
        }
        let _ = cell::number(text);
    }
});
