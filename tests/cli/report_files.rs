//! Reports written to files: `-o` with the format from the extension, whole or not at all, never over
//! an input, replaced only with `--force`; the Excel workbook read back.

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{Commune, csv, run, write};

fn data(dir: &tempfile::TempDir) -> String {
    write(
        dir.path(),
        "xa.csv",
        &csv(&[
            Commune {
                code: "A",
                name: "Gia Cát",
                year: 2024,
                set: &[],
            },
            Commune {
                code: "B",
                name: "Tân Liên",
                year: 2024,
                set: &[("2.2", "66,8")],
            },
        ]),
    )
}

#[test]
fn the_xlsx_report_carries_the_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir);
    let out = dir.path().join("bao-cao.xlsx");
    let (code, stdout, _) = run(&["check", &f, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "B does not qualify");
    assert!(stdout.is_empty());
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    let names = wb.sheet_names();
    assert_eq!(names[0], "Tổng hợp");
    assert!(names.iter().any(|n| n == "B Tân Liên 2024"), "{names:?}");
    let summary = wb.worksheet_range("Tổng hợp").unwrap();
    let cell = |r: usize, c: usize| summary.get((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(cell(1, 0), Data::String("A".into()));
    assert_eq!(cell(1, 4), Data::String("19/19".into()));
    assert_eq!(cell(1, 7), Data::String("NTM kiểu mẫu".into()));
    assert_eq!(cell(2, 4), Data::String("18/19".into()));
    assert_eq!(cell(2, 8), Data::String("xã NTM: 2".into()));
    // B's own sheet: 2.2 fails first, short by 3,2 points.
    let b = wb.worksheet_range("B Tân Liên 2024").unwrap();
    let row = (0..b.height())
        .find(|r| b.get((*r, 2)) == Some(&Data::String("2.2".into())))
        .expect("a row for 2.2");
    assert_eq!(b.get((row, 6)), Some(&Data::String("Không đạt".into())));
    assert_eq!(
        b.get((row, 7)),
        Some(&Data::String("còn thiếu 3,2 điểm %".into()))
    );
}

#[test]
fn an_output_file_is_written_whole_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir);
    let out = dir.path().join("kq.json");
    let (code, _, _) = run(&["check", &f, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        doc["communes"].as_array().unwrap().len(),
        2,
        "json from the .json extension"
    );
    // Existing: refused without --force, and left as it was.
    std::fs::write(&out, "cũ").unwrap();
    let (code, _, err) = run(&["check", &f, "-o", out.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 64);
    assert!(err.contains("already exists: add --force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "cũ");
    let (code, _, _) = run(&["check", &f, "-o", out.to_str().unwrap(), "--force"]);
    assert_eq!(code, 1);
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
    // The input itself: refused even with --force.
    let before = std::fs::read_to_string(&f).unwrap();
    let (code, _, err) = run(&["check", &f, "-o", &f, "--force", "--lang", "en"]);
    assert_eq!(code, 64);
    assert!(err.contains("is an input file"), "{err}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), before);
    // A failed run leaves no file behind.
    let none = dir.path().join("none.csv");
    let (code, _, _) = run(&["check", "/nonexistent.csv", "-o", none.to_str().unwrap()]);
    assert_eq!(code, 66);
    assert!(!none.exists());
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(
        left.iter()
            .all(|n| !n.to_string_lossy().contains(".ntm-tmp-")),
        "{left:?}"
    );
}

#[test]
fn xlsx_needs_an_output_file_and_summary_prints_only_the_measures() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir);
    let (code, _, err) = run(&["check", &f, "--format", "xlsx", "--lang", "en"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("the xlsx format needs an output file"),
        "{err}"
    );
    let (_, out, _) = run(&["check", &f, "--summary"]);
    assert!(
        out.contains("Tổng hợp năm 2024: 2 xã; bình quân 18,5 tiêu chí"),
        "{out}"
    );
    assert!(!out.contains("Tân Liên"), "no row per commune: {out}");
}

#[test]
fn diff_writes_to_a_file_too_and_refuses_formats_it_does_not_have() {
    let dir = tempfile::tempdir().unwrap();
    let f = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/communes.csv");
    let out = dir.path().join("so-sanh.md");
    let (code, stdout, err) = run(&[
        "diff",
        f,
        "--from",
        "2023",
        "--to",
        "2024",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(md.contains("| 06199 | Thạch Đạn |"), "{md}");
    let (code, _, err) = run(&[
        "diff", f, "--from", "2023", "--to", "2024", "--format", "xlsx", "--lang", "en",
    ]);
    assert_eq!(code, 64);
    assert!(
        err.contains("diff writes a table, json, csv or md"),
        "{err}"
    );
}
