//! The raw-parse baseline of `bench/run.sh`: the floor for any CSV tool.
//!
//! Reads a commune file with the csv crate set up as ntm reads it (64 KiB buffer, delimiter detected
//! from the first line, rows of any length, `#` comments, UTF-8 checked), and touches every field
//! (its length and first byte), so that no work can be skipped. Prints counts and a checksum.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: csv-baseline FILE");
        return ExitCode::from(64);
    };
    match run(&path) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("csv-baseline: {path}: {e}");
            ExitCode::from(65)
        }
    }
}

fn run(path: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut input = BufReader::with_capacity(1 << 16, File::open(path)?);
    let delimiter = detect_delimiter(input.fill_buf()?);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(input);
    let mut record = csv::StringRecord::new();
    let (mut rows, mut fields, mut bytes, mut check) = (0u64, 0u64, 0u64, 0u64);
    while reader.read_record(&mut record)? {
        rows += 1;
        for field in record.iter() {
            fields += 1;
            bytes += field.len() as u64;
            check = check
                .wrapping_mul(31)
                .wrapping_add(u64::from(field.as_bytes().first().copied().unwrap_or(0)));
        }
    }
    Ok(format!(
        "{rows} rows, {fields} fields, {bytes} bytes, checksum {check:016x}"
    ))
}

/// The most frequent of `;`, `,` and tab on the first line outside quotes (`,` if none).
fn detect_delimiter(start: &[u8]) -> u8 {
    let line = start.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &c in line {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}
