//! A commune's name is data, never a formula: CSV fields that a spreadsheet would run (`=…`, `+…`,
//! `-…`, `@…`, a leading tab or carriage return) get a leading `'`, numbers stay numbers; the Excel
//! workbook stores such a name as text; the HTML report escapes it.

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{Commune, csv, run, write};

/// The names that spreadsheets would take for formulas, and one that HTML would take for markup.
const NAMES: [&str; 7] = [
    "=HYPERLINK(\"http://x\",\"bấm\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rXuống dòng",
    "<script>alert(1)</script>",
];

const CODES: [&str; 7] = ["C1", "C2", "C3", "C4", "C5", "C6", "C7"];

/// A data file with those names (CSV-quoted: a carriage return would end the line otherwise), in
/// `years`; the commune C1 fails 2.2 in 2024 only.
fn data(dir: &tempfile::TempDir, years: &[i32]) -> String {
    let mut communes = Vec::new();
    for &year in years {
        for (code, name) in CODES.iter().zip(NAMES) {
            communes.push(Commune {
                code,
                name,
                year,
                set: if *code == "C1" && year == 2024 {
                    &[("2.2", "66,8")]
                } else {
                    &[]
                },
            });
        }
    }
    let text = csv(&communes);
    // Quote the names (as Excel would): the helper writes fields as they are.
    let text = NAMES.iter().fold(text, |t, n| {
        t.replace(
            &format!(";{n};"),
            &format!(";\"{}\";", n.replace('"', "\"\"")),
        )
    });
    write(dir.path(), "xa.csv", &text)
}

/// Every field of a CSV text.
fn fields(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

/// No field starts with what a spreadsheet would run, unless it is a plain number.
fn assert_no_formula(text: &str) {
    for row in fields(text) {
        for f in row {
            let number = f.trim_start_matches(['-', '+']).replace([',', '.'], "");
            let plain = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
            assert!(
                plain || !f.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a field a spreadsheet would run: {f:?}\n{text}"
            );
        }
    }
}

#[test]
fn check_csv_neutralises_formulas_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir, &[2024]);
    let (code, out, err) = run(&["check", &f, "--format", "csv"]);
    assert_eq!(code, 1, "{err}");
    assert_no_formula(&out);
    let rows = fields(&out);
    let name_of = |code: &str| {
        rows.iter()
            .find(|r| r[0] == code)
            .unwrap_or_else(|| panic!("no row {code}: {out}"))[1]
            .clone()
    };
    assert_eq!(name_of("C1"), "'=HYPERLINK(\"http://x\",\"bấm\")");
    assert_eq!(name_of("C2"), "'+cmd|' /C calc'!A0");
    assert_eq!(name_of("C3"), "'-2+3");
    assert_eq!(name_of("C4"), "'@SUM(A1)");
    assert_eq!(name_of("C7"), "<script>alert(1)</script>");
    // The detail form (one row per check) too.
    let (code, out, err) = run(&["check", &f, "--format", "csv", "--explain"]);
    assert_eq!(code, 1, "{err}");
    assert_no_formula(&out);
    let rows = fields(&out);
    assert!(
        rows.iter()
            .any(|r| r[0] == "C1" && r[1] == "'=HYPERLINK(\"http://x\",\"bấm\")"),
        "{out}"
    );
}

#[test]
fn diff_csv_neutralises_formulas_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir, &[2023, 2024]);
    let (code, out, err) = run(&["diff", &f, "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert_no_formula(&out);
    let rows = fields(&out);
    let c1 = rows
        .iter()
        .find(|r| r[0] == "C1")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(c1[1], "'=HYPERLINK(\"http://x\",\"bấm\")");
    assert!(rows.iter().any(|r| r[1] == "'@SUM(A1)"), "{out}");
}

#[test]
fn the_workbook_stores_such_names_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir, &[2024]);
    let out = dir.path().join("bao-cao.xlsx");
    let (code, _, err) = run(&["check", &f, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let summary = wb.worksheet_range("Tổng hợp").unwrap();
    let formulas = wb.worksheet_formula("Tổng hợp").unwrap();
    let row = (0..summary.height() as u32)
        .find(|r| summary.get_value((*r, 0)) == Some(&Data::String("C1".into())))
        .expect("a row for C1");
    assert_eq!(
        summary.get_value((row, 1)),
        Some(&Data::String(NAMES[0].into())),
        "the name, as a string"
    );
    assert!(
        formulas.get_value((row, 1)).is_none_or(|f| f.is_empty()),
        "no formula in the name's cell"
    );
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula anywhere"
    );
}

#[test]
fn the_html_report_escapes_such_names() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir, &[2024]);
    let (code, html, err) = run(&["check", &f, "--format", "html"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        html.contains("=HYPERLINK(&quot;http://x&quot;,&quot;bấm&quot;)"),
        "{html}"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script"), "no markup from a name");
}
