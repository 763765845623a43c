//! Headers people actually write: the template's labels alone, labels with or without diacritics, a
//! code before a label; a hint by label for a header nothing matched; a header that could name two
//! columns refused; the blocking error first; a "not applicable" quoted as typed.

use rust_xlsxwriter::Workbook;
use serde_json::Value;

use crate::common::{BASE, json, run, without_own_codes_note, write};

/// A commune's values, by column id: BASE, with 3.1 and 3.2b failing xã NTM while nâng cao's
/// columns of the same names (nc3.1, nc3.3) pass, so that a value read into the wrong one of two
/// columns with one name changes the verdict.
fn value(id: &str) -> String {
    match id {
        "ma_xa" => "X01".into(),
        "ten_xa" => "Gia Cát".into(),
        "huyen" => "Cao Lộc".into(),
        "nam" => "2024".into(),
        "no_xdcb" | "an_ninh" => "Đạt".into(),
        "hai_long" => "91".into(),
        "3.1" => "70".into(),
        "3.2b" => "40".into(),
        other => BASE
            .iter()
            .find(|(c, _)| *c == other)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default(),
    }
}

/// The template's id row and label row (the comment mark taken off), as CSV lines.
fn template(args: &[&str]) -> (String, String) {
    let mut all = vec!["template", "--year", "2024"];
    all.extend(args);
    let (code, out, err) = run(&all);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    let ids = lines.next().unwrap().to_string();
    let labels = lines.next().unwrap();
    let labels = labels.strip_prefix("# ").unwrap_or(labels).to_string();
    (ids, labels)
}

/// One row of values for the template's ids.
fn row(ids: &str) -> String {
    ids.split(';').map(value).collect::<Vec<_>>().join(";")
}

/// What a check reports of a file: exit code, communes and summaries, and the rows not scored.
fn verdicts(path: &str, extra: &[&str]) -> (i32, Value, Value, Value) {
    let mut args = vec!["check", path, "--format", "json"];
    args.extend(extra);
    let (code, doc) = json(&args);
    (
        code,
        doc["communes"].clone(),
        doc["summaries"].clone(),
        doc["unscored"].clone(),
    )
}

/// The values an indicator of a commune's report read: one for each of its checks.
fn values(commune: &Value, set: &str, code: &str) -> Vec<Value> {
    let ind = crate::common::indicator(commune, set, code);
    match ind["checks"].as_array() {
        Some(checks) => checks.iter().map(|k| k["value"].clone()).collect(),
        None => vec![ind["value"].clone()],
    }
}

#[test]
fn a_file_headed_by_the_template_labels_alone_is_scored_like_one_headed_by_ids() {
    for lang in ["vi", "en"] {
        let (ids, labels) = template(&["--lang", lang]);
        let data = row(&ids);
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let by_ids = write(a.path(), "xa.csv", &format!("{ids}\n{data}\n"));
        let by_labels = write(b.path(), "xa.csv", &format!("{labels}\n{data}\n"));
        // A file of its own codes gets one note for it, and nothing else here.
        let (code, err_ids) = {
            let (c, _, e) = run(&["check", &by_ids]);
            (c, without_own_codes_note(&e))
        };
        let (code_l, _, err_l) = run(&["check", &by_labels]);
        let err_l = without_own_codes_note(&err_l);
        assert_eq!(err_l, err_ids, "{lang}: the same messages");
        assert_eq!(err_l, "", "{lang}: no warning at all");
        assert_eq!(code_l, code, "{lang}");
        let expected = verdicts(&by_ids, &[]);
        let got = verdicts(&by_labels, &[]);
        assert_eq!(got, expected, "{lang}");
        // 3.1 and nc3.1 have one name: each value went to its own column.
        let c = &got.1[0];
        let first = |set: &str, code: &str| values(c, set, code)[0].clone();
        assert_eq!(first("xa-ntm", "3.1"), Value::from(70.0), "{lang}");
        assert_eq!(first("nang-cao", "3.1"), Value::from(85.0), "{lang}");
        assert_eq!(first("nang-cao", "3.3"), Value::from(75.0), "{lang}");
    }
}

#[test]
fn a_workbook_headed_by_the_template_labels_alone_is_read() {
    let (ids, labels) = template(&["--level", "xa-ntm"]);
    // The labels as Excel holds them (the CSV quotes taken off).
    let labels: Vec<String> = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(labels.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let ids: Vec<&str> = ids.split(';').collect();
    assert_eq!(labels.len(), ids.len());
    let dir = tempfile::tempdir().unwrap();
    let book = |name: &str, header: &[String]| {
        let path = dir.path().join(name);
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, (h, id)) in header.iter().zip(&ids).enumerate() {
            ws.write_string(0, c as u16, h).unwrap();
            ws.write_string(1, c as u16, value(id)).unwrap();
        }
        wb.save(&path).unwrap();
        path.to_str().unwrap().to_string()
    };
    let by_labels = book("labels.xlsx", &labels);
    let id_row: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    let by_ids = book("ids.xlsx", &id_row);
    let (code, out, err) = run(&["check", &by_labels, "--level", "xa-ntm"]);
    assert_eq!(without_own_codes_note(&err), "", "no warning at all");
    assert!(out.contains("X01"), "{out}");
    let (code_ids, _, _) = run(&["check", &by_ids, "--level", "xa-ntm"]);
    assert_eq!(code, code_ids);
    assert_eq!(
        verdicts(&by_labels, &["--level", "xa-ntm"]),
        verdicts(&by_ids, &["--level", "xa-ntm"])
    );
}

#[test]
fn natural_labels_with_or_without_diacritics_name_their_columns() {
    let dir = tempfile::tempdir().unwrap();
    let header = [
        "Mã xã",
        "Tên xã",
        "Huyện",
        "Năm",
        "Tỷ lệ đường thôn, liên thôn được cứng hóa, đảm bảo ô tô đi lại thuận tiện quanh năm",
        "thu nhap binh quan dau nguoi khu vuc nong thon",
        "Chỉ tiêu 11 - Nghèo đa chiều",
        "2.3 – Tỷ lệ đường ngõ, xóm sạch và đảm bảo đi lại thuận tiện quanh năm — trong đó cứng hóa",
    ];
    let text = format!(
        "{}\nX01;Gia Cát;Cao Lộc;2024;66;41;14;48\n",
        header.join(";")
    );
    let f = write(dir.path(), "tay.csv", &text);
    let (_, doc) = json(&["check", &f, "--level", "xa-ntm", "--format", "json"]);
    let c = &doc["communes"][0];
    let value = |code: &str| values(c, "xa-ntm", code);
    assert_eq!(value("2.2"), [Value::from(66.0)]);
    assert_eq!(value("10"), [Value::from(41.0)]);
    assert_eq!(value("11"), [Value::from(14.0)]);
    // 2.3's second check (2.3b, "trong đó cứng hóa") and not its first.
    assert_eq!(value("2.3"), [Value::Null, Value::from(48.0)]);
    let (_, _, err) = run(&["check", &f, "--level", "xa-ntm"]);
    assert!(!err.contains("không thuộc bộ tiêu chí"), "{err}");
    assert!(!err.contains("thiếu cột bắt buộc"), "{err}");
}

#[test]
fn a_header_nothing_matched_is_told_the_column_its_label_names() {
    let dir = tempfile::tempdir().unwrap();
    let text = "ma_xa;ten_xa;huyen;nam;Thu nhập bình quân đầu người;thu nhap;2.22\n\
                X01;Gia Cát;Cao Lộc;2024;55;55;90\n";
    let f = write(dir.path(), "goiy.csv", text);
    let (_, _, err) = run(&["check", &f, "--level", "xa-ntm"]);
    assert!(
        err.contains(
            "goiy.csv:1: lưu ý: cột Thu nhập bình quân đầu người: cột không thuộc bộ tiêu chí nào, bỏ qua; có phải cột 10?"
        ),
        "{err}"
    );
    assert!(
        err.contains("cột thu nhap: cột không thuộc bộ tiêu chí nào, bỏ qua; có phải cột 10?"),
        "{err}"
    );
    assert!(
        err.contains("cột 2.22: cột không thuộc bộ tiêu chí nào, bỏ qua; có phải cột 2.2?"),
        "{err}"
    );
    assert!(
        !err.contains("h1"),
        "no district column for a commune: {err}"
    );
    let (_, _, err) = run(&["check", &f, "--level", "xa-ntm", "--lang", "en"]);
    assert!(
        err.contains(
            "goiy.csv:1: note: column Thu nhập bình quân đầu người: column not read by any criteria set, ignored; did you mean column 10? («Average income per person»)"
        ),
        "{err}"
    );
}

#[test]
fn a_label_that_names_two_columns_is_refused_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let text = "ma_xa;ten_xa;huyen;nam;Tỷ lệ diện tích đất sản xuất nông nghiệp được tưới và tiêu nước chủ động\n\
                X01;Gia Cát;Cao Lộc;2024;85\n";
    let f = write(dir.path(), "hai.csv", text);
    let (code, _, err) = run(&["check", &f, "--level", "xa-ntm"]);
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains("hai.csv:1: lỗi: cột Tỷ lệ diện tích đất sản xuất nông nghiệp được tưới và tiêu nước chủ động: tiêu đề này có thể là cột 3.1 hoặc nc3.1: ntm không đoán"),
        "{err}"
    );
    let (code, _, err) = run(&["check", &f, "--level", "xa-ntm", "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("this header could be column 3.1 or nc3.1: ntm does not guess"),
        "{err}"
    );
    // The value went into neither column: 3.1 is missing, not met.
    let (_, doc) = json(&["check", &f, "--level", "xa-ntm", "--format", "json"]);
    assert_eq!(values(&doc["communes"][0], "xa-ntm", "3.1"), [Value::Null]);
}

#[test]
fn a_code_with_several_columns_or_a_code_and_label_that_disagree_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "ma_xa;ten_xa;huyen;nam;5 - Trường học;10 – Tỷ lệ nghèo đa chiều giai đoạn 2021–2025\n\
                X01;Gia Cát;Cao Lộc;2024;100;3\n";
    let f = write(dir.path(), "ma.csv", text);
    let (code, _, err) = run(&["check", &f, "--lang", "en"]);
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains("column 5 - Trường học: this header could be column 5a, 5b, 5n or nc5"),
        "{err}"
    );
    assert!(
        err.contains("the code at the start of the header names column 10 but the label after it is the name of column 11"),
        "{err}"
    );
}

#[test]
fn the_missing_code_column_is_said_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut header = vec!["Số TT", "Tên xã", "Huyện", "Năm"];
    let extra: Vec<String> = (1..=25).map(|i| format!("Ghi chú {i}")).collect();
    header.extend(extra.iter().map(String::as_str));
    header.push("2.22");
    let text = format!("{}\n1;Gia Cát;Cao Lộc;2024\n", header.join(";"));
    let f = write(dir.path(), "thieu.csv", &text);
    let (code, _, err) = run(&["check", &f]);
    assert_eq!(code, 65, "{err}");
    let first = err.lines().next().unwrap_or("");
    assert!(
        first.starts_with("thieu.csv:1: lỗi: thiếu cột bắt buộc: ma_xa (mã xã)")
            || first.contains("/thieu.csv:1: lỗi: thiếu cột bắt buộc: ma_xa (mã xã)"),
        "{err}"
    );
    // The notes follow: the hinted one, then one line for all the others.
    assert!(
        err.contains("cột 2.22: cột không thuộc bộ tiêu chí nào, bỏ qua; có phải cột 2.2?"),
        "{err}"
    );
    assert!(
        err.contains("26 cột không thuộc bộ tiêu chí nào, bỏ qua: «Số TT», «Ghi chú 1»"),
        "{err}"
    );
    assert!(err.contains("và 16 cột khác"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.contains("lưu ý")).count(),
        2,
        "{err}"
    );
}

#[test]
fn a_second_header_row_under_the_ids_is_skipped_with_a_note() {
    let (ids, labels) = template(&["--level", "xa-ntm"]);
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "hai-dong.csv",
        &format!("{ids}\n{labels}\n{}\n", row(&ids)),
    );
    let (code, out, err) = run(&["check", &f, "--level", "xa-ntm", "--lang", "en"]);
    assert!(
        err.contains("hai-dong.csv:2: note: line 2 is a second header row (the columns' names), not data: skipped; found «Code»")
            || err.contains("hai-dong.csv:2: note: line 2 is a second header row (the columns' names), not data: skipped; found «Mã»"),
        "{err}"
    );
    assert_eq!(without_own_codes_note(&err).lines().count(), 1, "{err}");
    assert!(out.contains("X01"), "{out}");
    assert_ne!(code, 65);
}

#[test]
fn a_not_applicable_where_none_is_allowed_is_quoted_as_typed() {
    for typed in ["N/A", "–", "—"] {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("ma_xa;ten_xa;huyen;nam;2.2\nX01;Gia Cát;Cao Lộc;2024;{typed}\n");
        let f = write(dir.path(), "kad.csv", &text);
        let (code, _, err) = run(&["check", &f, "--level", "xa-ntm", "--lang", "en"]);
        assert_eq!(code, 65, "{err}");
        assert!(
            err.contains(&format!(
                "kad.csv:2: error: column 2.2: indicator 2.2 cannot be marked not applicable (only «if any» indicators can); found «{typed}»"
            )),
            "{typed}: {err}"
        );
    }
    // A hyphen alone in a number's column may be Excel's accounting 0: refused as such, whether
    // the indicator may be not applicable or not.
    let dir = tempfile::tempdir().unwrap();
    for (col, value) in [("2.2", " - "), ("11", "-")] {
        let text = format!("ma_xa;ten_xa;huyen;nam;{col}\nX01;Gia Cát;Cao Lộc;2024;{value}\n");
        let f = write(dir.path(), "kad.csv", &text);
        let (code, _, err) = run(&["check", &f, "--level", "xa-ntm", "--lang", "en"]);
        assert_eq!(code, 65, "{err}");
        assert!(
            err.contains(&format!(
                "kad.csv:2: error: column {col}: «-» in a number column: it may be 0 (Excel's accounting format shows 0 as «-») or not applicable; found «-»; expected 0 if it is zero, or KAD when not applicable"
            )),
            "{col}: {err}"
        );
    }
}

/// A header whose code names one column and whose label is plainly another's (`10` followed by
/// 11's name, a column shifted when the sheet was edited) is not read as the code's column with
/// the other's values: refused, the column not read. A label in other words for the code's own
/// column is read.
#[test]
fn a_code_followed_by_another_columns_label_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    for (header, conflict) in [
        ("10 Tỷ lệ nghèo đa chiều", true),
        ("10 - Thu nhập bình quân đầu người", false),
        ("10 Thu nhập (triệu đồng)", false),
    ] {
        let text = format!("ma_xa;ten_xa;huyen;nam;{header}\nX01;Gia Cát;Cao Lộc;2024;12\n");
        let f = write(dir.path(), "nhan.csv", &text);
        let (code, _, err) = run(&["check", &f, "--level", "xa-ntm", "--lang", "en"]);
        let said = err.contains(
            "the code at the start of the header names column 10 but the label after it is the name of column 11",
        );
        assert_eq!(said, conflict, "{header}: {err}");
        if conflict {
            assert_eq!(code, 65, "{header}: {err}");
        }
    }
}
