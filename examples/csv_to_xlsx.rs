//! The same data as an Excel workbook, for the benchmark of reading .xlsx against CSV:
//! `cargo run --release --example csv_to_xlsx -- IN.csv OUT.xlsx`.
//!
//! Reads a `;`-separated file with decimal commas (examples/gen_communes.rs) and writes one sheet with
//! the cells typed as a person's workbook has them: numbers as numbers (`85,5` → 85.5), a percentage
//! with its `%` as a number formatted as a percentage (`85,5%` → 0.855, shown 85.5%), everything
//! else (codes, names, Đạt/Không đạt, KAD) as text, empty cells left out. Exit 64 on bad arguments,
//! 66 when IN cannot be read, 73 when OUT cannot be written.

use rust_xlsxwriter::{Format, Workbook};

/// `85,5` → 85.5, `85,5%` → (0.855, percent); anything but digits with at most one decimal comma → None.
fn number(cell: &str) -> Option<(f64, bool)> {
    let (digits, percent) = match cell.strip_suffix('%') {
        Some(d) => (d.trim_end(), true),
        None => (cell, false),
    };
    let ok = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == ',')
        && digits.matches(',').count() <= 1
        && !digits.starts_with(',')
        && !digits.ends_with(',');
    if !ok {
        return None;
    }
    let v: f64 = digits.replace(',', ".").parse().ok()?;
    Some(if percent {
        (v / 100.0, true)
    } else {
        (v, false)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: csv_to_xlsx IN.csv OUT.xlsx");
        std::process::exit(64);
    };
    let mut reader = match csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_path(input)
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("csv_to_xlsx: {input}: {e}");
            std::process::exit(66);
        }
    };
    let mut workbook = Workbook::new();
    let percent = Format::new().set_num_format("0.0%");
    let sheet = workbook.add_worksheet();
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                eprintln!("csv_to_xlsx: {input}: {e}");
                std::process::exit(66);
            }
        }
        for (col, cell) in record.iter().enumerate() {
            let col = col as u16;
            // The header row stays text (column ids such as 1.1 are names, not numbers).
            let written = match (row > 0).then(|| number(cell)).flatten() {
                Some((v, true)) => sheet.write_number_with_format(row, col, v, &percent),
                Some((v, false)) => sheet.write_number(row, col, v),
                None if cell.is_empty() => continue,
                None => sheet.write_string(row, col, cell),
            };
            if let Err(e) = written {
                eprintln!("csv_to_xlsx: {output}: row {}: {e}", row + 1);
                std::process::exit(73);
            }
        }
        row += 1;
    }
    if let Err(e) = workbook.save(output) {
        eprintln!("csv_to_xlsx: {output}: {e}");
        std::process::exit(73);
    }
}
