//! What the terminal shows around the verdicts: the last line says what the exit code means, and
//! tables keep to the width they are given (COLUMNS) — see also `snapshots::tables_fit_80_and_120_columns`.

use crate::common::{Commune, csv, run, write};

#[test]
fn the_last_line_says_what_the_exit_code_means() {
    let (code, out, _) = run(&["check", "samples/communes.csv", "--year", "2024"]);
    assert_eq!(code, 1);
    assert_eq!(
        out.trim_end().lines().last(),
        Some("Kết luận: 5/13 xã chưa đạt xã NTM, 1 chưa đủ dữ liệu (mã thoát 1).")
    );
    let (code, out, _) = run(&[
        "check",
        "samples/communes.csv",
        "--year",
        "2024",
        "--commune",
        "06235",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out.trim_end().lines().last(),
        Some("Conclusion: 1/1 commune(s) meet NTM commune (exit code 0).")
    );
    // Only unknowns: exit 2, said as such.
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "xa.csv",
        &csv(&[Commune {
            code: "A",
            name: "Gia Cát",
            year: 2024,
            set: &[("2.2", "")],
        }]),
    );
    let (code, out, _) = run(&["check", &f]);
    assert_eq!(code, 2);
    assert!(
        out.contains("Kết luận: 1/1 xã chưa đủ dữ liệu để kết luận xã NTM"),
        "{out}"
    );
    // Districts are held to the district level, and said so.
    let (code, out, _) = run(&[
        "check",
        "samples/communes.csv",
        "samples/communes-chi-lang.csv",
        "--districts",
        "samples/districts.csv",
        "--level",
        "huyen-ntm",
        "--year",
        "2024",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        out.trim_end().lines().last(),
        Some("Kết luận: 1/2 huyện chưa đạt huyện NTM, 1 chưa đủ dữ liệu (mã thoát 1).")
    );
}

#[test]
fn columns_sets_the_width_even_in_a_pipe() {
    let wide = crate::common::ntm()
        .args(["check", "samples/communes.csv", "--year", "2024"])
        .env("COLUMNS", "60")
        .output()
        .unwrap();
    let out = String::from_utf8(wide.stdout).unwrap();
    for l in out.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(l) <= 60,
            "a line wider than 60:\n{l}"
        );
    }
    // What did not fit in the table is listed below it, not lost.
    assert!(
        out.contains("• 06238 Mẫu Sơn — xã NTM: 2, 5, 9, 10, 11, 17"),
        "{out}"
    );
}
