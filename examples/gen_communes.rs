//! Synthetic commune files for benchmarks: `cargo run --release --example gen_communes -- ROWS > file.csv`.
//!
//! Every column the bundled commune sets read (the full xã NTM, nâng cao and kiểu mẫu column set), as
//! Excel exports it (`;`, decimal comma, `Đạt`/`Không đạt`, `KAD`). Communes come in three kinds so
//! that every verdict occurs: strong ones whose values nearly all pass every level, middling ones, and
//! weak ones with values spread over the whole range; 0.2 % of cells are empty and 10 % of «if any»
//! cells are `KAD`. Deterministic (a fixed LCG): the same ROWS give the same file.

use std::io::{BufWriter, Write};

use ntm::criteria::{Kind, Op};

/// A column and the values that pass every check reading it, in every year: `[low, high]`.
struct Column<'a> {
    id: &'a str,
    kind: Kind,
    optional: bool,
    pass: (f64, f64),
}

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
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
                        let max = if c.kind == Kind::Pct { 100.0 } else { 80.0 };
                        cols.push(Column {
                            id,
                            kind: c.kind,
                            optional: ind.optional,
                            pass: (0.0, max),
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
        let (low, high) = c.pass;
        let max = if c.kind == Kind::Pct { 100.0 } else { f64::MAX };
        c.pass = (low.min(max), high.max(low).min(max));
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut seed: u64 = 0x2024_0617;
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
            2022 + (i % 4)
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
            let (low, high) = c.pass;
            let x = next();
            match c.kind {
                Kind::Bool => line.push_str(if good || x < 0.5 {
                    "Đạt"
                } else {
                    "Không đạt"
                }),
                Kind::Pct => {
                    let v = if good {
                        low + (high - low) * x
                    } else {
                        100.0 * x
                    };
                    line.push_str(&format!("{v:.1}").replace('.', ","));
                }
                Kind::Num => {
                    let v = if good {
                        low + (high - low).min(20.0) * x
                    } else {
                        80.0 * x
                    };
                    if low.fract() == 0.0 && high.fract() == 0.0 && high - low < 100.0 && high < 1e6
                    {
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
