//! Bad input never panics: every problem names the file, the line and the column, and says what
//! was found and what was expected; an unreadable cell exits 65 after the report.

use crate::common::{BASE, Commune, csv, json, run, write};

fn with(set: &'static [(&'static str, &'static str)]) -> String {
    csv(&[Commune {
        code: "06001",
        name: "Gia Cát",
        year: 2024,
        set,
    }])
}

#[test]
fn an_unreadable_cell_names_line_column_value_and_expectation() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "bad.csv", &with(&[("2.2", "khoảng 70")]));
    let (code, _, err) = run(&["check", &f]);
    assert_eq!(code, 65);
    assert!(
        err.contains("bad.csv:2: lỗi: cột 2.2: không đọc được tỷ lệ phần trăm; gặp «khoảng 70»"),
        "{err}"
    );
    assert!(err.contains("cần một số từ 0 đến 100"), "{err}");
    let (_, _, err) = run(&["check", &f, "--lang", "en"]);
    assert!(
        err.contains("bad.csv:2: error: column 2.2: not a percentage; found «khoảng 70»"),
        "{err}"
    );
}

#[test]
fn every_bad_cell_is_reported_not_just_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv(&[
        Commune {
            code: "A",
            name: "a",
            year: 2024,
            set: &[("2.2", "120")],
        },
        Commune {
            code: "B",
            name: "b",
            year: 2024,
            set: &[("9.1", "-1"), ("1.1", "có lẽ")],
        },
        Commune {
            code: "C",
            name: "c",
            year: 2024,
            set: &[],
        },
    ]);
    let f = write(dir.path(), "bad.csv", &text);
    let (code, doc) = json(&["check", &f, "--format", "json", "--lang", "en"]);
    assert_eq!(code, 65);
    let (_, _, err) = run(&["check", &f, "--lang", "en"]);
    assert!(
        err.contains("bad.csv:2: error: column 2.2: percentage outside 0–100; found «120»"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:3: error: column 9.1: negative number; found «-1»"),
        "{err}"
    );
    assert!(
        err.contains("bad.csv:3: error: column 1.1: not a Đạt/Không đạt value; found «có lẽ»"),
        "{err}"
    );
    // The readable commune is still reported.
    assert_eq!(doc["communes"].as_array().unwrap().len(), 1);
    assert_eq!(doc["communes"][0]["code"], "C");
}

#[test]
fn an_unknown_column_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let text = with(&[]).replacen(";2.2;", ";2.22;", 1);
    let f = write(dir.path(), "typo.csv", &text);
    let (code, _, err) = run(&["check", &f, "--level", "xa-ntm", "--lang", "en"]);
    assert!(err.contains("typo.csv:1: note: column 2.22: column not read by any criteria set, ignored; did you mean column 2.2?"), "{err}");
    // 2.2 itself is then missing: unknown, not failed.
    assert_eq!(code, 2);
    assert!(err.contains("treated as missing data: 2.2"), "{err}");
}

#[test]
fn a_duplicate_commune_and_year_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv(&[
        Commune {
            code: "06001",
            name: "Gia Cát",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "06001",
            name: "Gia Cát",
            year: 2024,
            set: &[],
        },
    ]);
    let f = write(dir.path(), "dup.csv", &text);
    let (code, _, err) = run(&["check", &f, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("dup.csv:3: error: column ma_xa: code 06001, year 2024 is already at line 2"),
        "{err}"
    );
}

#[test]
fn excel_exports_are_read_bom_semicolons_decimal_commas_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = with(&[
        ("2.2", "85,5 %"),
        ("10", "45,36"),
        ("1.1", "x"),
        ("1.2", "CÓ"),
    ]);
    text = text.replacen(";2.2;", ";2.2 Đường thôn, liên thôn;", 1);
    let f = write(dir.path(), "excel.csv", &format!("\u{feff}{text}"));
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    assert_eq!(code, 0);
    let c = &doc["communes"][0];
    assert_eq!(crate::common::indicator(c, "xa-ntm", "2.2")["value"], 85.5);
    assert_eq!(crate::common::indicator(c, "xa-ntm", "10")["value"], 45.36);
    // The same file with commas: values quoted as Excel does.
    let header: Vec<&str> = std::iter::once("ma_xa,ten_xa,huyen,nam")
        .chain(BASE.iter().map(|(c, _)| *c))
        .collect();
    let row: Vec<String> = std::iter::once("06001,Gia Cát,Cao Lộc,2024".to_string())
        .chain(BASE.iter().map(|(c, v)| {
            if *c == "11" {
                "\"3,5\"".to_string()
            } else {
                v.to_string()
            }
        }))
        .collect();
    let f = write(
        dir.path(),
        "comma.csv",
        &format!("{}\n{}\n", header.join(","), row.join(",")),
    );
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(
        crate::common::indicator(&doc["communes"][0], "xa-ntm", "11")["value"],
        3.5
    );
}

#[test]
fn utf16_and_legacy_encodings_are_refused_with_advice() {
    let dir = tempfile::tempdir().unwrap();
    let text = with(&[]);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend(u.to_le_bytes());
    }
    let p = dir.path().join("u16.csv");
    std::fs::write(&p, utf16).unwrap();
    let (code, _, err) = run(&["check", p.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("u16.csv:1: error: the file is UTF-16"),
        "{err}"
    );
    // Windows-1258-like bytes on line 2.
    let mut bytes = b"ma_xa;ten_xa;huyen;nam\n06001;X\xe3 A;Cao L\xf4c;2024\n".to_vec();
    bytes.push(b'\n');
    let p = dir.path().join("cp1258.csv");
    std::fs::write(&p, bytes).unwrap();
    let (code, _, err) = run(&["check", p.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("cp1258.csv:2: error: the file is not UTF-8"),
        "{err}"
    );
}

#[test]
fn a_year_outside_the_sets_validity_is_an_error_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "y.csv",
        &csv(&[Commune {
            code: "A",
            name: "a",
            year: 2026,
            set: &[],
        }]),
    );
    let (code, _, err) = run(&["check", &f, "--lang", "en"]);
    assert_eq!(code, 65);
    // The message says what applies in 2026 (51/2025/QĐ-TTg), that no file of it is loaded, and how to go on.
    assert!(err.contains("y.csv:2: error: column nam: no criteria version covers 2026 (there are: lang-son-2024 2022–2025); 2026 falls under 51/2025/QĐ-TTg (2026–2030), and no criteria file of it is loaded: the new xã NTM set, signed 29 December 2025, in force 15 February 2026"), "{err}");
    assert!(err.contains("found «2026»; expected a year a loaded criteria version covers (add one with --criteria), or --nearest-year"), "{err}");
    let (code, doc) = json(&["check", &f, "--format", "json", "--nearest-year"]);
    assert_eq!(code, 0);
    // 2025's thresholds: kiểu mẫu income 1.10 × 52 = 57.2 > 55, so the commune stays at nâng cao.
    let c = &doc["communes"][0];
    assert_eq!(c["level_reached"], "nang-cao");
    assert_eq!(crate::common::set(c, "xa-ntm")["threshold_year"], 2025);
    let (_, _, err) = run(&["check", &f, "--nearest-year", "--lang", "en"]);
    assert!(
        err.contains("the nearest year's thresholds are used"),
        "{err}"
    );
}

#[test]
fn not_applicable_is_refused_where_the_indicator_is_not_optional() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "kad.csv", &with(&[("2.2", "KAD")]));
    let (code, _, err) = run(&["check", &f, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("kad.csv:2: error: column 2.2: indicator 2.2 cannot be marked not applicable"),
        "{err}"
    );
}

#[test]
fn a_row_of_the_wrong_width_and_a_missing_code_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = with(&[]);
    text.push_str("06002;Tân Liên;Cao Lộc;2024;Đạt\n");
    text.push_str(&with(&[]).lines().nth(1).unwrap().replacen("06001", "", 1));
    text.push('\n');
    let f = write(dir.path(), "w.csv", &text);
    let (code, _, err) = run(&["check", &f, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("w.csv:3: error: the row has 5 fields but the header has"),
        "{err}"
    );
    assert!(
        err.contains("w.csv:4: error: column ma_xa: missing unit code"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_64() {
    let (code, _, err) = run(&["check"]);
    assert_eq!(code, 64, "{err}");
    let (code, _, err) = run(&["check", "x.csv", "--level", "tinh"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("mức «tinh» không phải bộ tiêu chí của lang-son-2024 (có: xa-ntm, nang-cao, kieu-mau, all; với --districts: huyen-ntm)"),
        "{err}"
    );
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("65  dữ liệu không đọc được\n"), "{out}");
    let (code, out, _) = run(&["--help", "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(out.contains("65  unreadable data\n"), "{out}");
}

#[test]
fn a_missing_file_is_no_input() {
    // EX_NOINPUT, the path named, and no empty table on standard output.
    let (code, out, err) = run(&["check", "/nonexistent/xa.csv", "--lang", "en"]);
    assert_eq!(code, 66);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("ntm: error: no such file: «/nonexistent/xa.csv»"),
        "{err}"
    );
}

#[test]
fn lines_are_physical_after_comments_blank_lines_and_crlf() {
    // Header on line 3 (after a comment), then a comment, a blank line, X1 on line 6, a blank line,
    // X2 on line 8; with Windows line ends, as Excel writes them.
    let text = with(&[("2.2", "abc")]);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let row = lines.next().unwrap();
    let body = format!(
        "# số liệu minh họa\r\n\r\n{header}\r\n# ghi chú\r\n\r\n{row}\r\n\r\n{}\r\n",
        row.replacen("06001", "06002", 1)
    );
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "crlf.csv", &body);
    let (code, _, err) = run(&["check", &f, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(err.contains("crlf.csv:6: error: column 2.2"), "{err}");
    assert!(err.contains("crlf.csv:8: error: column 2.2"), "{err}");
}
