//! Synthetic commune files for benchmarks: `cargo run --release --example gen_communes -- ROWS > file.csv`.
//!
//! Every column the bundled commune sets read, with values spread around their thresholds so that the
//! file exercises passes, failures, missing cells and not-applicable ones. Deterministic (a fixed LCG).

use std::io::{BufWriter, Write};

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
    let mut cols: Vec<(&str, ntm::criteria::Kind, bool)> = Vec::new();
    for set in version.commune_chain() {
        for ind in set.indicators() {
            for c in &ind.checks {
                if let Some(col) = c.input.column()
                    && !cols.iter().any(|(k, _, _)| *k == col)
                {
                    cols.push((col, c.kind, ind.optional));
                }
            }
        }
    }
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut seed: u64 = 0x2024_0617;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let header: Vec<&str> = cols.iter().map(|c| c.0).collect();
    let _ = writeln!(out, "ma_xa;ten_xa;huyen;nam;{}", header.join(";"));
    for i in 0..rows {
        let mut line = format!("X{i:07};Xã {i};Huyện {};{}", i % 200, 2022 + (i % 4));
        for (col, kind, optional) in &cols {
            let r = next();
            let cell = if r < 0.002 {
                String::new()
            } else if *optional && r < 0.1 {
                "KAD".into()
            } else {
                match kind {
                    ntm::criteria::Kind::Bool => {
                        (if r < 0.95 { "Đạt" } else { "Không đạt" }).into()
                    }
                    ntm::criteria::Kind::Pct => {
                        format!("{:.1}", 40.0 + 60.0 * next()).replace('.', ",")
                    }
                    ntm::criteria::Kind::Num if *col == "10" => {
                        format!("{:.2}", 35.0 + 25.0 * next()).replace('.', ",")
                    }
                    ntm::criteria::Kind::Num if *col == "9.1" => {
                        (if r < 0.9 { "0" } else { "2" }).into()
                    }
                    ntm::criteria::Kind::Num => format!("{}", (1.0 + 80.0 * next()) as u32),
                }
            };
            line.push(';');
            line.push_str(&cell);
        }
        let _ = writeln!(out, "{line}");
    }
}
