//! Never a false Đạt: a value that could change a verdict is read exactly or refused (exit 65) with a
//! message naming the file, the line or Excel cell, the column, what was found and what was expected;
//! and no row leaves a report in silence.

use std::io::{Read, Write};

use rust_xlsxwriter::{Format, Workbook};
use serde_json::Value;

use crate::common::{BASE, Commune, csv, json, run, write};

fn commune<'a>(code: &'a str, set: &'a [(&'a str, &'a str)]) -> Commune<'a> {
    Commune {
        code,
        name: code,
        year: 2024,
        set,
    }
}

/// The codes of the communes scored in a JSON report.
fn scored(doc: &Value) -> Vec<String> {
    doc["communes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

/// The codes and lines of the rows a JSON report lists as not scored.
fn unscored(doc: &Value) -> Vec<(String, u64)> {
    doc["unscored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["code"].as_str().unwrap().to_string(),
                u["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn an_income_typed_in_dong_is_refused_never_passed() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "xa.csv",
        &csv(&[
            commune("A", &[("10", "42.500.000")]),
            commune("B", &[("10", "38000000")]),
            commune("C", &[]),
        ]),
    );
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 65);
    assert_eq!(scored(&doc), ["C"]);
    assert_eq!(unscored(&doc), [("A".into(), 2), ("B".into(), 3)]);
    let (_, _, err) = run(&["check", &f]);
    assert!(
        err.contains("xa.csv:2: lỗi: cột 10: nằm ngoài khoảng giá trị hợp lý của cột (1–1000 triệu đồng/người/năm): có vẻ đã ghi bằng đồng"),
        "{err}"
    );
    assert!(
        err.contains("gặp «42.500.000»; cần một số từ 1 đến 1000 triệu đồng/người/năm"),
        "{err}"
    );
    let (_, _, err) = run(&["check", &f, "--lang", "en"]);
    assert!(
        err.contains("xa.csv:3: error: column 10: outside the column's plausible values (1–1000 million VND/person/year): looks like đồng"),
        "{err}"
    );
    // Below the range the hint (a value written in đồng) is not the likely mistake: not said.
    let low = write(
        dir.path(),
        "thap.csv",
        &csv(&[commune("D", &[("10", "0,5")])]),
    );
    let (code, _, err) = run(&["check", &low]);
    assert_eq!(code, 65);
    assert!(
        err.contains("thap.csv:2: lỗi: cột 10: nằm ngoài khoảng giá trị hợp lý của cột (1–1000 triệu đồng/người/năm); gặp «0,5»"),
        "{err}"
    );
}

#[test]
fn a_percentage_written_as_a_fraction_is_refused_and_with_a_percent_sign_read_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "xa.csv",
        &csv(&[commune("A", &[("11", "0,15")])]),
    );
    let (code, _, err) = run(&["check", &f, "--format", "json"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("xa.csv:2: lỗi: cột 11: «0,15» đọc được hai cách: tỷ lệ ghi dạng phân số (15 %) hay đúng là dưới 1 %?"),
        "{err}"
    );
    // 15 % of poverty fails ≤ 13; read as 0,15 % it would pass: the % sign is the only safe reading.
    let f = write(
        dir.path(),
        "pct.csv",
        &csv(&[
            commune("A", &[("11", "0,15%")]),
            commune("B", &[("11", "15")]),
        ]),
    );
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 1);
    let a = crate::common::commune(&doc, "A");
    assert_eq!(crate::common::indicator(a, "xa-ntm", "11")["value"], 0.15);
    let b = crate::common::commune(&doc, "B");
    assert_eq!(
        crate::common::indicator(b, "xa-ntm", "11")["status"],
        "fail"
    );
}

#[test]
fn numbers_follow_one_decimal_mark_per_file_and_what_reads_two_ways_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // No number in this file shows its decimal mark (11 is 3, not 3,5): 42.000 is 42 or 42 000.
    let f = write(
        dir.path(),
        "ambiguous.csv",
        &csv(&[commune("A", &[("11", "3"), ("10", "42.000")])]),
    );
    let (code, _, err) = run(&["check", &f, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("ambiguous.csv:2: error: column 10: «42.000» reads two ways (42 or 42000) and no number in the file shows whether the decimal mark is a comma or a point; found «42.000»"),
        "{err}"
    );
    assert!(err.contains("--decimal comma"), "{err}");
    // Told it is a decimal point, 42.000 is 42: read, scored, meets 42 exactly.
    let (code, doc) = json(&["check", &f, "--decimal", "point", "--format", "json"]);
    assert_eq!(code, 0, "{doc}");
    let a = crate::common::commune(&doc, "A");
    assert_eq!(crate::common::indicator(a, "xa-ntm", "10")["value"], 42.0);
    // A later row shows a decimal comma (60,5): 42.000 is then 42 000, out of range for an income.
    let f = write(
        dir.path(),
        "comma.csv",
        &csv(&[
            commune("A", &[("11", "3"), ("10", "42.000")]),
            commune("B", &[("11", "3"), ("15.4", "60,5")]),
        ]),
    );
    let (code, _, err) = run(&["check", &f]);
    assert_eq!(code, 65);
    assert!(
        err.contains("comma.csv:2: lỗi: cột 10: nằm ngoài khoảng giá trị hợp lý"),
        "{err}"
    );
    // 85.5 in a file whose numbers use a decimal comma contradicts it; the message says where the
    // file showed its mark.
    let f = write(
        dir.path(),
        "mixed.csv",
        &csv(&[
            commune("A", &[("15.4", "60,5")]),
            commune("B", &[("15.4", "60.5")]),
        ]),
    );
    let (code, _, err) = run(&["check", &f, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("mixed.csv:3: error: column 15.4: «60.5» does not follow the file's numbers: the file uses a decimal comma (85,5) (line 2: «3,5»)"),
        "{err}"
    );
    // Digits split by a space, and a thousands-grouped income, are refused too.
    let f = write(
        dir.path(),
        "space.csv",
        &csv(&[
            commune("A", &[("10", "4 2")]),
            commune("B", &[("10", "42.000.000")]),
        ]),
    );
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 65);
    assert!(scored(&doc).is_empty());
    let (_, _, err) = run(&["check", &f, "--lang", "en"]);
    assert!(
        err.contains("space.csv:2: error: column 10: a number whose separators follow no rule"),
        "{err}"
    );
    assert!(err.contains("found «4 2»"), "{err}");
}

#[test]
fn a_quote_in_a_comment_line_swallows_no_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv(&[
        commune("A", &[]),
        commune("B", &[("2.2", "66,8")]),
        commune("C", &[]),
    ]);
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "# ghi chú;\"xã X đang rà soát");
    let f = write(dir.path(), "xa.csv", &(lines.join("\n") + "\n"));
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 1, "B fails 2.2");
    assert_eq!(scored(&doc), ["A", "B", "C"]);
    // Lines keep their numbers: B is on line 4, after the comment.
    assert_eq!(crate::common::commune(&doc, "B")["line"], 4);
}

#[test]
fn a_byte_order_mark_before_a_comment_line_still_finds_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}# Ghi chú của huyện\n{}", csv(&[commune("A", &[])]));
    let f = write(dir.path(), "xa.csv", &text);
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(scored(&doc), ["A"]);
}

#[test]
fn a_repeated_identifying_column_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv(&[commune("A", &[])]);
    let mut lines = text.lines();
    let header = format!("{};nam", lines.next().unwrap());
    let row = format!("{};2023", lines.next().unwrap());
    let f = write(dir.path(), "xa.csv", &format!("{header}\n{row}\n"));
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 65);
    assert!(scored(&doc).is_empty());
    let (_, _, err) = run(&["check", &f, "--lang", "en"]);
    let last = BASE.len() + 5;
    assert!(
        err.contains(&format!("xa.csv:1: error: column nam: the identifying column nam appears twice in the header (columns 4 and {last})")),
        "{err}"
    );
    // The file is listed as not scored in the report.
    assert_eq!(doc["unscored"][0]["line"], 1);
}

/// `xa.csv` with column 10 given a second time at the end of the header, holding `second[i]` on
/// commune `i`'s row (A, B, C: first copy 56,84 on every row, the commune's income).
fn with_income_twice(dir: &std::path::Path, second: &[&str]) -> (String, usize, usize) {
    let set = [("10", "56,84")];
    let codes = ["A", "B", "C"];
    let communes: Vec<Commune> = codes[..second.len()]
        .iter()
        .map(|c| commune(c, &set))
        .collect();
    let text = csv(&communes);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let first = header.split(';').position(|h| h == "10").unwrap() + 1;
    let last = header.split(';').count() + 1;
    let mut out = format!("{header};10\n");
    for (row, v) in lines.zip(second) {
        out.push_str(&format!("{row};{v}\n"));
    }
    (write(dir, "xa.csv", &out), first, last)
}

#[test]
fn a_repeated_indicator_column_whose_copies_disagree_leaves_the_row_unscored() {
    let dir = tempfile::tempdir().unwrap();
    // A's copies agree, B's disagree, C's second is empty.
    let (f, first, last) = with_income_twice(dir.path(), &[" 56,84 ", "30", ""]);
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 65, "{doc}");
    assert_eq!(scored(&doc), ["A"]);
    assert_eq!(unscored(&doc), [("B".to_string(), 3), ("C".to_string(), 4)]);
    let reason = doc["unscored"][0]["reasons"][0]["en"].as_str().unwrap();
    assert_eq!(
        reason,
        format!(
            "10: the column is in the file twice with different values: column {first} holds «56,84», column {last} holds «30»; which is right cannot be told, so the row is not scored"
        )
    );
    let (_, _, err) = run(&["check", &f, "--lang", "en"]);
    assert!(
        err.contains(&format!("xa.csv:3: error: column 10: the column is in the file twice with different values: column {first} holds «56,84», column {last} holds «30»; which is right cannot be told, so the row is not scored; found «30»; expected «56,84» as in column {first}: both copies of a column must agree")),
        "{err}"
    );
    assert!(
        err.contains(&format!("xa.csv:1: error: column 10: the column appears twice in the header (columns {first} and {last}): both are read, and a row where they differ is not scored")),
        "{err}"
    );
    // Every report lists B as not scored, with the reason, and never as a commune that passes.
    for ext in ["csv", "html"] {
        let out = dir.path().join(format!("out.{ext}"));
        let (code, _, _) = run(&["check", &f, "--lang", "en", "-o", out.to_str().unwrap()]);
        assert_eq!(code, 65);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains(&format!("column {last} holds «30»")),
            "{ext}: {text}"
        );
    }
    let x = dir.path().join("out.xlsx");
    let (code, _, _) = run(&["check", &f, "-o", x.to_str().unwrap()]);
    assert_eq!(code, 65);
    use calamine::{Reader as _, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&x).unwrap();
    let sheet = wb.worksheet_range("Không chấm được").unwrap();
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        cells
            .iter()
            .any(|c| c.contains(&format!("cột {first} ghi «56,84», cột {last} ghi «30»"))),
        "{cells:?}"
    );
}

#[test]
fn a_repeated_indicator_column_in_a_workbook_names_the_cells_of_both_copies() {
    let dir = tempfile::tempdir().unwrap();
    let (f, first, last) = with_income_twice(dir.path(), &["56,84", "30"]);
    // The Excel letters of a 1-based field number: 30 → AD.
    let letters = |n: usize| {
        let (mut n, mut out) = (n, String::new());
        while n > 0 {
            out.insert(0, char::from(b'A' + ((n - 1) % 26) as u8));
            n = (n - 1) / 26;
        }
        out
    };
    let (a, b) = (letters(first), letters(last));
    assert_eq!(a, "AD");
    let x = dir.path().join("xa.xlsx");
    workbook_from(&x, "Xã", &std::fs::read_to_string(&f).unwrap(), |_| {});
    let (code, doc) = json(&["check", x.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 65, "{doc}");
    assert_eq!(scored(&doc), ["A"]);
    assert_eq!(unscored(&doc), [("B".to_string(), 3)]);
    let (_, _, err) = run(&["check", x.to_str().unwrap(), "--lang", "en"]);
    assert!(
        err.contains(&format!("xa.xlsx:3: error: cell Xã!{b}3, column 10: the column is in the file twice with different values: column {a} holds «56.84», column {b} holds «30»; which is right cannot be told, so the row is not scored; found «30»; expected «56.84» as in column {a}")),
        "{err}"
    );
}

#[test]
fn the_same_file_given_twice_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "xa.csv",
        &csv(&[commune("A", &[]), commune("B", &[])]),
    );
    let again = dir.path().join(".").join("xa.csv");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&f, &link).unwrap();
    let (code, out, err) = run(&[
        "check",
        &f,
        again.to_str().unwrap(),
        link.to_str().unwrap(),
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(scored(&doc), ["A", "B"]);
    assert_eq!(doc["summaries"][0]["units"], 2);
    assert!(
        err.contains(&format!(
            "link.csv: note: the same file as {f} (given before): read once"
        )),
        "{err}"
    );
}

#[test]
fn a_row_shifted_by_decimal_commas_gets_one_message_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    // Comma-separated, with decimal commas left unquoted: every 85,5 splits into two fields.
    let text = csv(&[commune("A", &[]), commune("B", &[("2.2", "66,8")])]).replace(';', ",");
    let f = write(dir.path(), "xa.csv", &text);
    let (code, _, err) = run(&["check", &f]);
    assert_eq!(code, 65);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("lỗi")).collect();
    // One message per row (both rows hold 11 = 3,5), nothing per cell.
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].contains("xa.csv:2: lỗi: dòng có")
            && lines[0].contains(
                "có lẽ do số thập phân viết bằng dấu phẩy (85,5) trong tệp phân cách bằng dấu phẩy"
            ),
        "{err}"
    );
    assert!(lines[1].contains("xa.csv:3:"), "{err}");
}

#[test]
fn rows_not_scored_are_listed_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "xa.csv",
        &csv(&[
            commune("A", &[]),
            Commune {
                code: "B",
                name: "Hồng Phong",
                year: 2024,
                set: &[("10", "42.500.000")],
            },
        ]),
    );
    // Table and Markdown: a section after the results.
    for format in ["table", "md"] {
        let (code, out, _) = run(&["check", &f, "--format", format]);
        assert_eq!(code, 65);
        assert!(
            out.contains("Dòng không chấm được (không tính vào kết quả và tổng hợp): 1 dòng"),
            "{out}"
        );
        let row = out.lines().find(|l| l.contains("Hồng Phong")).unwrap();
        assert!(
            row.contains("xa.csv:3") && row.contains("10: nằm ngoài khoảng"),
            "{row}"
        );
    }
    // Summary only: still listed.
    let (_, out, _) = run(&["check", &f, "--summary"]);
    assert!(out.contains("Hồng Phong"), "{out}");
    // CSV: a row saying not_scored, with the reason.
    let (_, out, _) = run(&["check", &f, "--format", "csv"]);
    let row = out.lines().find(|l| l.starts_with("B,")).unwrap();
    assert!(
        row.contains(",not_scored,") && row.contains("nằm ngoài khoảng"),
        "{row}"
    );
    // JSON: the documented "unscored" field.
    let (_, doc) = json(&["check", &f, "--format", "json"]);
    let u = &doc["unscored"][0];
    assert_eq!(
        (u["code"].as_str(), u["line"].as_u64()),
        (Some("B"), Some(3))
    );
    assert_eq!(u["year"], 2024);
    assert!(u["reasons"][0]["vi"].as_str().unwrap().contains("đồng"));
    // HTML and Excel reports written to files.
    let html = dir.path().join("r.html");
    let (code, _, _) = run(&["check", &f, "-o", html.to_str().unwrap()]);
    assert_eq!(code, 65);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Dòng không chấm được") && page.contains("Hồng Phong"));
    let x = dir.path().join("r.xlsx");
    run(&["check", &f, "-o", x.to_str().unwrap()]);
    use calamine::{Reader as _, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(&x).unwrap();
    let sheet = wb.worksheet_range("Không chấm được").unwrap();
    let cells: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(cells.iter().any(|c| c == "Hồng Phong"), "{cells:?}");
    assert!(cells.iter().any(|c| c.contains("đồng")), "{cells:?}");
}

/// A workbook with the communes of `csv_text` on a sheet `name` (numbers as numbers), then `more`.
fn workbook_from(
    path: &std::path::Path,
    name: &str,
    csv_text: &str,
    more: impl FnOnce(&mut Workbook),
) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    for (r, line) in csv_text.lines().enumerate() {
        for (c, f) in line.split(';').enumerate() {
            match f.replace(',', ".").parse::<f64>() {
                Ok(n) if r > 0 && c >= 3 => ws.write_number(r as u32, c as u16, n),
                _ => ws.write_string(r as u32, c as u16, f),
            }
            .unwrap();
        }
    }
    more(&mut wb);
    wb.save(path).unwrap();
}

/// The column letter of an input column in [`csv`]'s layout (ma_xa, ten_xa, huyen, nam, then BASE).
fn letter(column: &str) -> String {
    let i = 4 + BASE.iter().position(|(c, _)| *c == column).unwrap();
    let mut s = String::new();
    let mut n = i;
    loop {
        s.insert(0, (b'A' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

#[test]
fn an_excel_date_an_error_or_a_formula_without_result_is_refused_by_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("xa.xlsx");
    let text = csv(&[commune("A", &[]), commune("B", &[]), commune("C", &[])]);
    workbook_from(&x, "Xã", &text, |wb| {
        let ws = wb.worksheet_from_name("Xã").unwrap();
        let date = Format::new().set_num_format("dd/mm/yyyy");
        // Excel turned 1.5 typed in 2.2 into the 1st of May 2024 (serial 45413).
        let c = 4 + BASE.iter().position(|(c, _)| *c == "2.2").unwrap() as u16;
        ws.write_number_with_format(1, c, 45413.0, &date).unwrap();
        // An error value in 2.4, and a formula in 4.2 whose result is stripped below.
        let c24 = 4 + BASE.iter().position(|(c, _)| *c == "2.4").unwrap() as u16;
        ws.write_formula(2, c24, "=1/0").unwrap();
        let c42 = 4 + BASE.iter().position(|(c, _)| *c == "4.2").unwrap() as u16;
        ws.write_formula(3, c42, "=SUM(A1:A2)").unwrap();
    });
    // rust_xlsxwriter stores 0 as every formula's result: keep it as #DIV/0! for the first formula,
    // and drop it for the second, as a program that does not compute formulas would.
    rewrite_part(&x, "xl/worksheets/sheet1.xml", |xml| {
        xml.replace("<f>1/0</f><v>0</v>", "<f>1/0</f><v>#DIV/0!</v>")
            .replace("<f>SUM(A1:A2)</f><v>0</v>", "<f>SUM(A1:A2)</f>")
    });
    rewrite_part(&x, "xl/worksheets/sheet1.xml", |xml| {
        // An error value is written with t="e".
        let at = xml.find("<f>1/0</f>").unwrap();
        let start = xml[..at].rfind("<c ").unwrap();
        let mut out = xml.to_string();
        out.insert_str(start + 3, "t=\"e\" ");
        out
    });
    let (code, doc) = json(&["check", x.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 65);
    assert!(scored(&doc).is_empty(), "{doc}");
    let (_, _, err) = run(&["check", x.to_str().unwrap(), "--lang", "en"]);
    let h = letter("2.2");
    assert!(
        err.contains(&format!("xa.xlsx:2: error: cell Xã!{h}2, column 2.2: the cell holds the date 01/05/2024 (Excel turns numbers such as 1.5 into dates)")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "cell Xã!{}3, column 2.4: the cell shows the formula error #DIV/0!",
            letter("2.4")
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("cell Xã!{}4, column 4.2: the cell has the formula «=SUM(A1:A2)» but the file stores no result for it", letter("4.2"))),
        "{err}"
    );
}

/// Replace one part of a zip archive (an .xlsx) by `edit` of its text.
fn rewrite_part(path: &std::path::Path, part: &str, edit: impl Fn(&str) -> String) {
    let bytes = std::fs::read(path).unwrap();
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            data = edit(&String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

#[test]
fn the_first_visible_sheet_is_read_and_the_choice_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("xa.xlsx");
    let old = csv(&[commune("OLD", &[("2.2", "10")])]);
    let now = csv(&[commune("A", &[])]);
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("Cũ").unwrap();
        for (r, line) in old.lines().enumerate() {
            for (c, f) in line.split(';').enumerate() {
                ws.write_string(r as u32, c as u16, f).unwrap();
            }
        }
        ws.set_hidden(true);
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("Xã").unwrap();
        for (r, line) in now.lines().enumerate() {
            for (c, f) in line.split(';').enumerate() {
                ws.write_string(r as u32, c as u16, f).unwrap();
            }
        }
        ws.set_active(true);
    }
    wb.save(&x).unwrap();
    let (code, out, err) = run(&[
        "check",
        x.to_str().unwrap(),
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(scored(&doc), ["A"]);
    assert!(
        err.contains("the workbook has 2 sheets (Cũ, Xã): reading «Xã», the first visible one (skipping the hidden sheet Cũ before it)"),
        "{err}"
    );
}

#[test]
fn a_workbook_too_large_once_unpacked_is_refused_before_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("xa.xlsx");
    workbook_from(&x, "Xã", &csv(&[commune("A", &[])]), |_| {});
    // Declare the shared strings 1.5 GB once unpacked, as a 1.5 MB file holding one huge cell does.
    let mut bytes = std::fs::read(&x).unwrap();
    let name = b"xl/sharedStrings.xml";
    let huge: u32 = 1_500_000_000;
    let mut patched = 0;
    for (sig, size_at, name_at) in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)] {
        let mut i = 0;
        while let Some(p) = bytes[i..].windows(4).position(|w| w == sig) {
            let h = i + p;
            if bytes[h + name_at..].starts_with(name) {
                bytes[h + size_at..h + size_at + 4].copy_from_slice(&huge.to_le_bytes());
                patched += 1;
            }
            i = h + 4;
        }
    }
    assert_eq!(patched, 2);
    std::fs::write(&x, bytes).unwrap();
    let (code, out, err) = run(&[
        "check",
        x.to_str().unwrap(),
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 65);
    assert!(
        err.contains(
            "the Excel file is too large once unpacked (part xl/sharedStrings.xml is 1430 MiB"
        ),
        "{err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(scored(&doc).is_empty());
}

#[test]
fn an_old_xls_and_a_renamed_csv_are_named_for_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend([0u8; 504]);
    let xls = dir.path().join("xa.xls");
    std::fs::write(&xls, &ole).unwrap();
    let (code, _, err) = run(&["check", xls.to_str().unwrap()]);
    assert_eq!(code, 65);
    assert!(
        err.contains("tệp là sổ Excel 97–2003 (.xls), ntm chưa đọc định dạng này: trong Excel chọn Lưu thành (Save As) «Sổ làm việc Excel (*.xlsx)» hoặc «CSV UTF-8»"),
        "{err}"
    );
    let renamed = write(dir.path(), "xa.xlsx", &csv(&[commune("A", &[])]));
    let (code, _, err) = run(&["check", &renamed, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("the file is named like an Excel workbook but holds text (a renamed CSV?)"),
        "{err}"
    );
    assert!(!err.contains("EOCD"), "{err}");
}
