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

/// A long table is written in pages of 1000 rows, each under its own header, so that its memory
/// does not grow with the file; no row is lost, none is repeated, their order is kept, and what
/// follows the table (summaries, the last line) comes once, after the last page.
#[test]
fn a_long_table_comes_in_pages_of_a_thousand_rows() {
    let dir = tempfile::tempdir().unwrap();
    let codes: Vec<String> = (0..2345).map(|i| format!("P{i:05}")).collect();
    let communes: Vec<Commune> = codes
        .iter()
        .map(|code| Commune {
            code,
            name: "Gia Cát",
            year: 2024,
            set: &[],
        })
        .collect();
    let f = write(dir.path(), "xa.csv", &csv(&communes));
    for (format, header) in [("table", "Mã "), ("md", "| Mã |")] {
        let (code, out, err) = run(&["check", &f, "--format", format]);
        assert_eq!(code, 0, "{err}");
        let headers = out
            .lines()
            .filter(|l| l.trim_start().starts_with(header))
            .count();
        assert_eq!(headers, 3, "{format}: 1000 + 1000 + 345 rows\n{out}");
        let mut last = 0;
        for c in &codes {
            let at: Vec<usize> = out.match_indices(c.as_str()).map(|(i, _)| i).collect();
            assert_eq!(at.len(), 1, "{format}: {c} is written once");
            assert!(at[0] > last, "{format}: {c} in its place");
            last = at[0];
        }
        assert_eq!(out.matches("Kết luận:").count(), 1, "{format}");
        assert!(
            out.rfind("Kết luận:").unwrap() > last,
            "{format}: the conclusion after the last row"
        );
    }
}
