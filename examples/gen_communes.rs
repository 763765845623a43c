//! Synthetic commune files for benchmarks:
//! `cargo run --release --example gen_communes -- ROWS [--seed N] [--year YEAR] > file.csv`.
//!
//! Every column the bundled commune sets read (the full xã NTM, nâng cao and kiểu mẫu column set), as
//! Excel exports it (`;`, decimal comma, `Đạt`/`Không đạt`, `KAD`, a `%` sign on some percentages).
//! Communes come in three kinds so that every verdict occurs: strong ones whose values nearly all pass
//! every level, middling ones, and weak ones with values spread over the column's plausible range;
//! 0.2 % of cells are empty and 10 % of «if any» cells are `KAD`. Every value is one ntm reads: within
//! the column's plausible range (whole numbers for counts), a decimal comma with one or two digits
//! after it (never 42,000, which reads two ways), and a percentage under 1 always with its `%` sign
//! (0,5 alone could be a fraction). Rows cycle through 2022–2025, or all carry `--year`. Deterministic
//! (a fixed LCG): the same arguments give the same file; another `--seed` gives other values for the
//! same communes (two sides of `ntm diff`).

use std::io::{BufWriter, Write};

use ntm::criteria::{Kind, Op};

/// A column, the values that pass every check reading it in every year (`pass`, `[low, high]`), and
/// the values ntm accepts in it (`range`, from the criteria's plausible bounds).
struct Column<'a> {
    id: &'a str,
    kind: Kind,
    optional: bool,
    pass: (f64, f64),
    range: (f64, f64),
    whole: bool,
}

/// `ROWS [--seed N] [--year YEAR]`; a bad argument ends the program with exit 64 (usage).
fn args() -> (usize, u64, Option<i32>) {
    let mut rows = 1000;
    let mut seed = 0x2024_0617;
    let mut year = None;
    let mut it = std::env::args().skip(1);
    let usage = || -> ! {
        eprintln!("usage: gen_communes ROWS [--seed N] [--year YEAR]");
        std::process::exit(64)
    };
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seed" => {
                seed = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage())
            }
            "--year" => {
                year = Some(
                    it.next()
                        .and_then(|v| v.parse().ok())
                        .unwrap_or_else(|| usage()),
                )
            }
            _ => rows = a.parse().unwrap_or_else(|_| usage()),
        }
    }
    (rows, seed, year)
}

fn main() {
    let (rows, seed, year) = args();
    let catalog = match ntm::criteria::catalog::Catalog::bundled() {
        Ok(c) => c,
        Err(_) => std::process::exit(78),
    };
    let Some(version) = catalog.versions.first() else {
        std::process::exit(78);
    };
    let chain = version.commune_chain();
    let mut cols: Vec<Column> = Vec::new();
    for set in &chain {
        for ind in set.indicators() {
            for c in &ind.checks {
                let Some(id) = c.input.column() else { continue };
                let i = match cols.iter().position(|k| k.id == id) {
                    Some(i) => i,
                    None => {
                        let Some(spec) = version.column_spec(id) else {
                            continue;
                        };
                        let p = spec.plausible;
                        // Spread values over the plausible range, but no wider than 0–100 (percentages)
                        // or 0–80 (numbers: a count up to 5000 is plausible, not typical).
                        let cap: f64 = if c.kind == Kind::Pct { 100.0 } else { 80.0 };
                        let range = (p.min, p.max.min(cap.max(p.min)));
                        cols.push(Column {
                            id,
                            kind: c.kind,
                            optional: ind.optional,
                            pass: range,
                            range,
                            whole: p.whole,
                        });
                        cols.len() - 1
                    }
                };
                let (Some(t), Some(op)) = (&c.threshold, c.op) else {
                    continue;
                };
                for year in set.valid_from..=set.valid_to {
                    // Both cases of a conditional threshold (5b: 50 % or 70 % by the number of schools).
                    for cond in [0.0, 10.0] {
                        let Ok(r) = t.resolve(year, version, &|_| Some(cond)) else {
                            continue;
                        };
                        let (low, high) = &mut cols[i].pass;
                        match op {
                            Op::Ge => *low = low.max(r.value),
                            Op::Gt => *low = low.max(r.value + 0.1),
                            Op::Le | Op::Lt => *high = high.min(r.value),
                            Op::Eq => (*low, *high) = (r.value, r.value),
                        }
                    }
                }
            }
        }
    }
    for c in &mut cols {
        // Passing values stay plausible: a threshold above the plausible maximum is met at it.
        let (low, high) = c.pass;
        let (min, max) = c.range;
        let low = low.clamp(min, max);
        c.pass = (low, high.max(low).min(max));
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut seed: u64 = seed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let header: Vec<&str> = cols.iter().map(|c| c.id).collect();
    let _ = writeln!(out, "ma_xa;ten_xa;huyen;nam;{}", header.join(";"));
    let mut line = String::new();
    for i in 0..rows {
        // The share of a commune's values that pass: strong 40 %, middling 30 %, weak 30 % of communes.
        let strength = match next() {
            r if r < 0.4 => 0.998,
            r if r < 0.7 => 0.97,
            _ => 0.6,
        };
        line.clear();
        line.push_str(&format!(
            "X{i:07};Xã {i};Huyện {};{}",
            i % 200,
            year.unwrap_or(2022 + (i % 4) as i32)
        ));
        for c in &cols {
            let r = next();
            let good = next() < strength;
            line.push(';');
            if r < 0.002 {
                continue;
            }
            if c.optional && r < 0.1 {
                line.push_str("KAD");
                continue;
            }
            let (low, high) = if good { c.pass } else { c.range };
            let x = next();
            match c.kind {
                Kind::Bool => line.push_str(if good || x < 0.5 {
                    "Đạt"
                } else {
                    "Không đạt"
                }),
                Kind::Pct => {
                    let v = ((low + (high - low) * x) * 10.0).round() / 10.0;
                    line.push_str(&format!("{v:.1}").replace('.', ","));
                    // As Excel exports a cell formatted as a percentage: 15 % of them; and always under
                    // 1 %, where a bare 0,5 would read as a fraction.
                    if (v > 0.0 && v < 1.0) || r > 0.85 {
                        line.push('%');
                    }
                }
                Kind::Num => {
                    // A passing value within 20 units of the threshold, a failing one anywhere.
                    let span = if good {
                        (high - low).min(20.0)
                    } else {
                        high - low
                    };
                    let v = low + span * x;
                    let counts = low.fract() == 0.0
                        && high.fract() == 0.0
                        && high - low < 100.0
                        && high < 1e6;
                    if c.whole || counts {
                        // Counts (schools, houses, villages): whole numbers.
                        line.push_str(&format!("{}", v.round() as i64));
                    } else {
                        line.push_str(&format!("{v:.2}").replace('.', ","));
                    }
                }
            }
        }
        let _ = writeln!(out, "{line}");
    }
}
