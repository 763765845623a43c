//! `ntm diff` on bad input: unreadable rows and wrong command lines never panic, and say what to do.

use serde_json::Value;

use super::{by_year, two_years};
use crate::common::{Commune, commune, csv, ntm, problems_of, run, write};

/// [`two_years`] with Thạch Đạn's 2024 row unreadable (1.1 holds «có lẽ», line 5), written in
/// `dir`.
fn with_an_unreadable_row(dir: &tempfile::TempDir) -> String {
    let text = two_years().replacen(
        "06002;Thạch Đạn;Cao Lộc;2024;Đạt",
        "06002;Thạch Đạn;Cao Lộc;2024;có lẽ",
        1,
    );
    write(dir.path(), "xa.csv", &text)
}

#[test]
fn an_unreadable_row_is_reported_and_its_commune_not_shown_as_one_sided() {
    let dir = tempfile::tempdir().unwrap();
    let f = with_an_unreadable_row(&dir);
    let (code, out, err) = run(&["diff", &f, "--format", "json"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("xa.csv:5: lỗi: cột 1.1: không đọc được giá trị Đạt/Không đạt; gặp «có lẽ»"),
        "{err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(
        doc["communes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["code"] != "06002"),
        "{doc}"
    );
    assert_eq!(doc["skipped"][0]["code"], "06002");
    assert_eq!(doc["skipped"][0]["side"], "new");
    assert_eq!(commune(&doc, "06001")["change"], "gained");
}

#[test]
fn usage_errors_say_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let y2022 = csv(&[Commune {
        code: "06001",
        name: "Phú Xá",
        year: 2022,
        set: &[],
    }]);
    let mut text = two_years();
    text.push_str(y2022.lines().nth(1).unwrap());
    let f = write(dir.path(), "three.csv", &text);
    let (code, _, err) = run(&["diff", &f]);
    assert_eq!(code, 64);
    assert!(
        err.contains("có các năm 2022, 2023, 2024: chọn hai năm bằng --from và --to"),
        "{err}"
    );
    let (code, _, err) = run(&["diff", &f, "--from", "2023", "--to", "2023"]);
    assert_eq!(code, 64);
    assert!(err.contains("--from và --to cùng là 2023"), "{err}");
    let (code, _, err) = run(&["diff", &f, "--from", "2023", "--to", "2025"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("không có dòng nào năm 2025 (có: 2022, 2023, 2024)"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "diff",
        &f,
        "--from",
        "2023",
        "--to",
        "2024",
        "--same-year",
        "2030",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 64);
    assert!(
        err.contains("--same-year 2030 is outside set xa-ntm's validity (2022–2025)"),
        "{err}"
    );
    let (code, _, err) = run(&["diff", &f, "--level", "huyen"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("mức «huyen» không phải bộ tiêu chí của lang-son-2024"),
        "{err}"
    );
    let (code, _, _) = run(&["diff", &f, "--format", "xml"]);
    assert_eq!(code, 64);
    let (code, _, err) = run(&[
        "diff",
        &dir.path().join("none.csv").display().to_string(),
        "--from",
        "2023",
        "--to",
        "2024",
    ]);
    assert_eq!(code, 66);
    assert!(err.contains("lỗi: không có tệp «"), "{err}");
    assert!(err.contains("none.csv»"), "{err}");
}

/// Two files, neither year given: each side's year is read from its file's first row, and the read
/// that scores the file confirms that no later row gives another. A file whose last row is of
/// another year is refused as a file of two years is, on either side, and nothing else is said.
#[test]
fn a_file_whose_later_rows_give_another_year_is_refused_on_either_side() {
    let dir = tempfile::tempdir().unwrap();
    let (y2023, y2024) = by_year(&two_years());
    let last_2023 = y2023.lines().last().unwrap().to_string() + "\n";
    let last_2024 = y2024.lines().last().unwrap().to_string() + "\n";
    let (o, n) = (
        write(dir.path(), "xa-2023.csv", &y2023),
        write(dir.path(), "xa-2024.csv", &y2024),
    );
    let o_late = write(dir.path(), "cu.csv", &(y2023.clone() + &last_2024));
    let n_late = write(dir.path(), "moi.csv", &(y2024.clone() + &last_2023));
    // The two files as they are compare.
    let (code, _, err) = run(&["diff", &o, &n, "--summary"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(&["diff", &o_late, &n]);
    assert_eq!((code, out.as_str()), (64, ""));
    assert_eq!(
        err.trim_end(),
        format!("ntm: lỗi: tệp {o_late} có các năm 2023, 2024: chọn một năm bằng --from")
    );
    let (code, out, err) = run(&["diff", &o, &n_late, "--lang", "en"]);
    assert_eq!((code, out.as_str()), (64, ""));
    assert_eq!(
        err.trim_end(),
        format!("ntm: error: {n_late} holds the years 2023, 2024: pick one with --to")
    );
    // The year given keeps that year's rows of the file, as before.
    let (code, _, err) = run(&["diff", &o, &n_late, "--to", "2024", "--summary"]);
    assert_eq!(code, 0, "{err}");
    // The command line is checked before the files are read: an output file that exists is
    // refused first, whatever years the files hold.
    let exists = write(dir.path(), "ra.json", "{}");
    let (code, _, err) = run(&["diff", &o_late, &n, "-o", &exists]);
    assert_eq!(code, 64);
    assert!(
        err.contains("ra.json đã có: thêm --force để thay thế"),
        "{err}"
    );
    assert!(!err.contains("có các năm"), "{err}");
    assert_eq!(std::fs::read_to_string(&exists).unwrap(), "{}");
}

#[test]
fn a_summary_in_a_format_without_one_is_refused_before_any_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none.csv");
    let none = none.to_str().unwrap();
    let (code, _, err) = run(&["diff", none, none, "--summary", "--format", "csv"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("--summary chỉ có ở dạng table, md hoặc json"),
        "{err}"
    );
}

/// Standard input (a pipe) can be read only once: its years are not read beforehand, which would
/// leave nothing for the comparison ("empty file"). It is refused with what to give, and compared
/// when its year is given.
#[test]
fn standard_input_is_compared_when_its_year_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let text = two_years();
    let (_, y2024) = by_year(&text);
    let n = write(dir.path(), "xa-2024.csv", &y2024);
    let stdin = |args: &[&str]| {
        let out = ntm().args(args).write_stdin(text.clone()).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = stdin(&["diff", "/dev/stdin", &n]);
    assert_eq!((code, out.as_str()), (Some(64), ""), "{err}");
    assert_eq!(
        err.trim_end(),
        "ntm: lỗi: «/dev/stdin» không phải tệp thường (ống dẫn, đầu vào chuẩn…) nên chỉ đọc được một lần: không đọc trước năm của nó được, hãy cho năm bằng --from"
    );
    // A device reads the same again: /dev/null is an empty file, not a pipe.
    #[cfg(unix)]
    {
        let (code, _, err) = run(&["diff", "/dev/null", &n]);
        assert_eq!(code, 65, "{err}");
        assert!(err.contains("/dev/null: lỗi: tệp rỗng"), "{err}");
    }
    let (code, _, err) = stdin(&["diff", "/dev/stdin", "--lang", "en"]);
    assert_eq!(code, Some(64));
    assert!(err.contains("give them with --from, --to"), "{err}");
    // With its year, it is read once and compared.
    let (code, out, err) = stdin(&[
        "diff",
        "/dev/stdin",
        &n,
        "--from",
        "2023",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(commune(&doc, "06001")["change"], "gained");
    let (code, out, err) = stdin(&[
        "diff",
        "/dev/stdin",
        "--from",
        "2023",
        "--to",
        "2024",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(commune(&doc, "06002")["change"], "lost");
}

/// Two side files of [`two_years`], Thạch Đạn's 2023 row (line 3 of the old file) giving `year`,
/// compared 2023 → 2024 as JSON: exit code, report, messages.
fn thach_dan_in(dir: &tempfile::TempDir, year: &str) -> (i32, Value, String) {
    let (y2023, y2024) = by_year(&two_years());
    let changed = y2023.replacen(
        "06002;Thạch Đạn;Cao Lộc;2023;",
        &format!("06002;Thạch Đạn;Cao Lộc;{year};"),
        1,
    );
    assert_ne!(changed, y2023);
    let old = write(dir.path(), "cu.csv", &changed);
    let new = write(dir.path(), "moi.csv", &y2024);
    let (code, out, err) = run(&[
        "diff", &old, &new, "--from", "2023", "--to", "2024", "--format", "json",
    ]);
    (code, serde_json::from_str(&out).unwrap(), err)
}

/// Two files, each one side: a row of another year (a year mistyped) is not compared, and the
/// warning names its file, line, code and what year was expected; never dropped in silence.
#[test]
fn a_row_of_another_year_in_a_sides_file_is_named_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let (code, doc, err) = thach_dan_in(&dir, "2024");
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("cu.csv:3: lưu ý: cột nam: 1 dòng năm 2024 không được so sánh: tệp này được đọc cho năm 2023: dòng 3 (06002 Thạch Đạn)"),
        "{err}"
    );
    assert!(err.contains("cần năm 2023"), "{err}");
    let warned = problems_of(&doc, "other-year");
    assert_eq!(warned.len(), 1, "{doc}");
    assert_eq!(warned[0]["line"], 3);
    assert_eq!(warned[0]["found"], "2024");
    assert!(
        warned[0]["file"].as_str().unwrap().ends_with("cu.csv"),
        "{doc}"
    );
    // Not compared: Thạch Đạn is only on the new side.
    assert_eq!(commune(&doc, "06002")["change"], "new");
}

/// A row whose year cannot be read may be of either side: its commune is not compared, never
/// shown as «new» because its old row went unread.
#[test]
fn a_row_whose_year_is_unreadable_keeps_its_commune_out_of_the_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let (code, doc, err) = thach_dan_in(&dir, "2O23");
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains("cu.csv:3: lỗi: cột nam: năm đánh giá không hợp lệ; gặp «2O23»"),
        "{err}"
    );
    assert!(
        doc["communes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["code"] != "06002"),
        "{doc}"
    );
    // 06004 alone is new (it has no 2023 row); 06002 is not.
    assert_eq!(doc["summary"]["only_new"], 1, "{}", doc["summary"]);
    assert_eq!(doc["skipped"][0]["code"], "06002");
    assert_eq!(doc["skipped"][0]["side"], "old");
}

/// Codes that differ only by leading zeros (a spreadsheet kept the code as a number on one side)
/// are read as written, so not compared; a warning says which and how to mend the file.
#[test]
fn codes_apart_only_by_leading_zeros_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (y2023, y2024) = by_year(&two_years());
    let stripped = y2023.replace("\n06", "\n6");
    assert_ne!(stripped, y2023);
    let old = write(dir.path(), "cu.csv", &stripped);
    let new = write(dir.path(), "moi.csv", &y2024);
    let (code, out, err) = run(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("xã có mã chỉ khác nhau ở số 0 đầu giữa hai bên (6001 ↔ 06001"),
        "{err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let warned = problems_of(&doc, "code-zeros");
    assert_eq!(warned.len(), 1, "{}", doc["problems"]);
    assert_eq!(warned[0]["expected"]["vi"], "mã như bên kia: 6001");
    // The same files with their zeros: no warning.
    let (_, _, err) = run(&["diff", &write(dir.path(), "cu2.csv", &y2023), &new]);
    assert!(!err.contains("số 0 đầu"), "{err}");
}

/// The same code under two names (a file's own codes given to other communes another year):
/// compared as one, and said, at the new side's row; a name written with its type, another case
/// or without marks is the same name.
#[test]
fn the_same_code_under_another_name_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (y2023, y2024) = by_year(&two_years());
    let renamed =
        y2024
            .replacen(";Phú Xá;", ";Hợp Thành;", 1)
            .replacen(";Thạch Đạn;", ";XÃ THACH DAN;", 1);
    let old = write(dir.path(), "cu.csv", &y2023);
    let new = write(dir.path(), "moi.csv", &renamed);
    let (code, _, err) = run(&["diff", &old, &new]);
    assert_eq!(code, 0, "{err}");
    let warned: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("hai dòng được so sánh như một xã"))
        .collect();
    assert_eq!(warned.len(), 1, "{err}");
    assert!(
        warned[0].contains("moi.csv:2: lưu ý: cột ten_xa: mã 06001 là «Phú Xá» ở ")
            && warned[0].contains("cu.csv:2 nhưng «Hợp Thành» ở đây"),
        "{err}"
    );
}

/// The CSV lists a commune not compared because a row of it could not be read, as every other
/// format does: one row, `change` = `not_compared`, `in` the side of that row.
#[test]
fn the_csv_lists_a_commune_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let f = with_an_unreadable_row(&dir);
    let (code, out, err) = run(&["diff", &f, "--format", "csv"]);
    assert_eq!(code, 65, "{err}");
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let header = r.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = r
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[0] == "06002")
        .collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(&rows[0][at("change")], "not_compared");
    assert_eq!(&rows[0][at("in")], "new");
}
