//! Fuzz target: loading a criteria version from TOML text, then using what loaded.
//!
//! The input is split on lines `%%%%` into up to four files of one version folder `lang-son-2024`, so
//! that references between sets (`requires`, `threshold_from`, `derive`) and their cycles are reached.
//! When the loader accepts a version, every threshold is resolved for every year of its set's window
//! (and one year either side), and a one-row data file is read and evaluated against the commune
//! chain, by the explained evaluation and by the compiled plan, which must give the same statuses.
//! Nothing may panic or hang; a refused file must come with problems.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ntm::criteria::Kind;
use ntm::criteria::load::load_version;
use ntm::eval::plan::{Compact, Plan};
use ntm::eval::{Evaluator, NoDerived, Options};
use ntm::i18n::Lang;
use ntm::input::{Layout, read_str};

mod plan_check;

const FOLDER: &str = "lang-son-2024";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let files: Vec<(String, String)> = text
        .split("\n%%%%\n")
        .take(4)
        .enumerate()
        .map(|(i, t)| (format!("criteria/{FOLDER}/f{i}.toml"), t.to_string()))
        .collect();
    let version = match load_version(FOLDER, "fuzz", &files) {
        Ok(v) => v,
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused version names no problem");
            for p in &problems {
                let _ = p.render(Lang::En);
            }
            return;
        }
    };
    let _ = version.validity();
    let _ = version.all_columns();
    for set in &version.sets {
        let _ = version.closure(&set.id);
        // Resolve every threshold over the window; a huge window is sampled at its ends.
        let years: Vec<i32> = if set.valid_to.saturating_sub(set.valid_from) <= 40 {
            (set.valid_from.saturating_sub(1)..=set.valid_to.saturating_add(1)).collect()
        } else {
            vec![set.valid_from, set.valid_to]
        };
        for check in set
            .checks()
            .chain(set.recognition.iter().flat_map(|i| i.checks.iter()))
        {
            if let Some(t) = &check.threshold {
                for &y in &years {
                    for v in [None, Some(0.0), Some(3.0), Some(4.0), Some(1e300)] {
                        let _ = t.resolve(y, &version, &|_| v);
                    }
                }
            }
        }
    }
    // One data row with a plausible value in every column, evaluated against the commune chain.
    let chain = version.commune_chain();
    let Some(first) = chain.first() else {
        return;
    };
    let cols = version.all_columns();
    let mut csv = format!("ma_xa;ten_xa;huyen;nam;{}\n", cols.join(";"));
    csv.push_str(&format!("X1;Xã;Huyện;{}", first.valid_from));
    for c in &cols {
        let cell = match version.column(c).map(|k| k.kind) {
            Some(Kind::Bool) => "Đạt",
            Some(Kind::Pct) => "75,5",
            _ => "3",
        };
        csv.push(';');
        csv.push_str(cell);
    }
    csv.push('\n');
    let used = ntm::criteria::Version::columns_of(&chain);
    let ds = read_str("fuzz.csv", &csv, &version, Layout::COMMUNE, &used);
    for nearest_year in [false, true] {
        let ev = Evaluator::new(
            &version,
            chain.clone(),
            &ds,
            Options {
                nearest_year,
                thresholds_of: None,
            },
        );
        for row in &ds.rows {
            let _ = ev.precheck_row(&ds.file, row, "nam");
            let explained = ev.evaluate(row, &NoDerived);
            // The compiled plan agrees with the explained evaluation (`None`: a set reads a district's
            // derived value, scored the explained way only).
            let group = row.group.as_deref();
            if let Some(plan) =
                Plan::compile(&version, &chain, &ds.columns, &ds.present, row.year, group)
            {
                let mut compact = Compact::default();
                plan.score(row, &mut compact);
                plan_check::same_verdicts(&explained, &plan, &compact, &chain, (row, &ds));
            }
        }
    }
});
