//! Small valid workbooks of commune data, made with rust_xlsxwriter: the seeds of the `xlsx` target
//! (`cargo +nightly run --example xlsx_seeds` writes them to `seeds/xlsx/`) and the template its part mode
//! puts the fuzzed text into. Not a fuzz target itself: a module of the `xlsx` target and the example.

use ntm::criteria::catalog::Catalog;
use ntm::criteria::{Kind, Version};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet, XlsxError};

/// The parts of a workbook that the part mode can replace, by the input's first byte (modulo 4).
pub const PARTS: [&str; 4] = [
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/workbook.xml",
];

/// The columns of the bundled commune chain, each with its kind.
fn columns() -> Vec<(String, Kind)> {
    let catalog = Catalog::bundled().expect("the bundled criteria load");
    let version = &catalog.versions[0];
    let chain = version.commune_chain();
    Version::columns_of(&chain)
        .into_iter()
        .map(|c| {
            let kind = version.column(c).map_or(Kind::Num, |k| k.kind);
            (c.to_string(), kind)
        })
        .collect()
}

/// What a workbook holds beyond the plain data sheet.
#[derive(Clone, Copy, PartialEq)]
enum Twist {
    None,
    HiddenFirstSheet,
    Date,
    Formula,
    MergedHeader,
}

/// A commune officer's sheet: a title row, a blank row, the header, then `rows` communes; percentages
/// typed as fractions under a % format, every other number stored as text.
fn data_sheet(ws: &mut Worksheet, twist: Twist, rows: u32) -> Result<(), XlsxError> {
    let pct = Format::new().set_num_format("0.0%");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let columns = columns();
    ws.write_string(0, 0, "BẢNG TỰ ĐÁNH GIÁ TIÊU CHÍ NÔNG THÔN MỚI")?;
    let ids = ["ma_xa", "ten_xa", "huyen", "nam"];
    for (j, h) in ids.iter().enumerate() {
        ws.write_string(2, j as u16, *h)?;
    }
    for (j, (c, _)) in columns.iter().enumerate() {
        ws.write_string(2, 4 + j as u16, c)?;
    }
    if twist == Twist::MergedHeader {
        let (a, b) = (&columns[0].0, &columns[1].0);
        ws.merge_range(2, 4, 2, 5, &format!("{a} {b}"), &Format::new())?;
    }
    let names = ["Gia Cát", "Tân Liên", "Hợp Thành", "Hòa Cư"];
    for i in 0..rows {
        let r = 3 + i;
        ws.write_string(r, 0, format!("0650{i}"))?;
        ws.write_string(r, 1, names[i as usize % names.len()])?;
        ws.write_string(r, 2, "Cao Lộc")?;
        ws.write_number(r, 3, f64::from(2023 + i % 2))?;
        for (j, (_, kind)) in columns.iter().enumerate() {
            let col = 4 + j as u16;
            let n = (j as u32 * 7 + i * 13) % 40;
            match kind {
                Kind::Bool if n % 9 == 0 => ws.write_string(r, col, "Không đạt")?,
                Kind::Bool if n % 11 == 0 => ws.write_boolean(r, col, true)?,
                Kind::Bool => ws.write_string(r, col, "Đạt")?,
                Kind::Pct => {
                    ws.write_number_with_format(r, col, f64::from(60 + n) / 100.0, &pct)?
                }
                Kind::Num if j % 2 == 0 => ws.write_string(r, col, format!("{}", n % 9))?,
                Kind::Num => ws.write_number(r, col, f64::from(n % 9))?,
            };
        }
    }
    match twist {
        // A percentage typed as a date (Excel turns 1.5 into the 1st of May), and a date as a year.
        Twist::Date => {
            let d = ExcelDateTime::from_ymd(2024, 5, 1)?;
            ws.write_datetime_with_format(3, 4 + 1, &d, &date)?;
            ws.write_datetime_with_format(4, 3, &d, &date)?;
        }
        // A formula with its result stored, and one without (as written by programs that do not
        // compute formulas).
        Twist::Formula => {
            ws.write_formula(3, 4 + 2, Formula::new("=1+1").set_result("2"))?;
            ws.write_formula(4, 4 + 2, "=F4*2")?;
            ws.write_formula(4, 4 + 3, Formula::new("=1/0").set_result("#DIV/0!"))?;
        }
        _ => {}
    }
    Ok(())
}

fn book(twist: Twist, rows: u32) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    if twist == Twist::HiddenFirstSheet {
        let mut hidden = Worksheet::new();
        hidden.set_name("Ẩn")?;
        hidden.write_string(0, 0, "ma_xa")?;
        hidden.write_string(1, 0, "X-hidden")?;
        hidden.set_hidden(true);
        wb.push_worksheet(hidden);
        let mut ws = Worksheet::new();
        ws.set_name("Dữ liệu")?;
        data_sheet(&mut ws, twist, rows)?;
        ws.set_active(true);
        wb.push_worksheet(ws);
    } else {
        data_sheet(wb.add_worksheet(), twist, rows)?;
    }
    let book = wb.save_to_buffer()?;
    Ok(match twist {
        // rust_xlsxwriter always stores a result (0 by default): take it out, as programs that do not
        // compute formulas leave it.
        Twist::Formula => patched(&book, PARTS[0], "<f>F4*2</f><v>0</v>", "<f>F4*2</f>"),
        _ => book,
    })
}

/// `book` with `from` replaced by `to` in its part `name`.
fn patched(book: &[u8], name: &str, from: &str, to: &str) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut zip = zip::ZipArchive::new(Cursor::new(book)).expect("a workbook is a zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("a part");
        let part_name = part.name().expect("a part's name").into_owned();
        let mut data = Vec::new();
        part.read_to_end(&mut data).expect("a part unpacks");
        if part_name == name {
            let text = String::from_utf8(data).expect("XML is UTF-8");
            assert!(text.contains(from), "{name} holds {from}");
            data = text.replace(from, to).into_bytes();
        }
        out.start_file(part_name, options).expect("a zip entry");
        out.write_all(&data).expect("a zip entry written");
    }
    out.finish().expect("the zip closes").into_inner()
}

/// The seed workbooks, by name. The first is the template of the part mode.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    [
        ("data.xlsx", Twist::None, 3),
        ("hidden-first-sheet.xlsx", Twist::HiddenFirstSheet, 2),
        ("date.xlsx", Twist::Date, 2),
        ("formula.xlsx", Twist::Formula, 2),
        ("merged-header.xlsx", Twist::MergedHeader, 1),
    ]
    .into_iter()
    .map(|(name, twist, rows)| (name, book(twist, rows).expect("a seed workbook")))
    .collect()
}
