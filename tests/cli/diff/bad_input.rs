//! `ntm diff` on bad input: unreadable rows and wrong command lines never panic, and say what to do.

use serde_json::Value;

use super::two_years;
use crate::common::{Commune, commune, csv, run, write};

#[test]
fn an_unreadable_row_is_reported_and_its_commune_not_shown_as_one_sided() {
    let dir = tempfile::tempdir().unwrap();
    let text = two_years().replacen(
        "06002;Thạch Đạn;Cao Lộc;2024;Đạt",
        "06002;Thạch Đạn;Cao Lộc;2024;có lẽ",
        1,
    );
    let f = write(dir.path(), "xa.csv", &text);
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
