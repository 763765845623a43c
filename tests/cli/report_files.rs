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
    // Criteria met are numbers (shown 19/19 by their format), so that they sort and sum.
    assert_eq!(cell(1, 4), Data::Float(19.0));
    assert_eq!(cell(1, 7), Data::String("NTM kiểu mẫu".into()));
    assert_eq!(cell(2, 4), Data::Float(18.0));
    assert_eq!(cell(2, 8), Data::String("xã NTM: 2".into()));
    // B's own sheet: 2.2 fails first, short by 3,2 points: value, threshold and gap are numbers in
    // the data's own unit (percent: 66.8, not 0.668).
    let b = wb.worksheet_range("B Tân Liên 2024").unwrap();
    let row = (0..b.height())
        .find(|r| b.get((*r, 2)) == Some(&Data::String("2.2".into())))
        .expect("a row for 2.2");
    assert_eq!(b.get((row, 4)), Some(&Data::Float(66.8)));
    assert_eq!(b.get((row, 5)), Some(&Data::Float(70.0)));
    assert_eq!(b.get((row, 6)), Some(&Data::String("Không đạt".into())));
    assert_eq!(b.get((row, 7)), Some(&Data::Float(3.2)));
    // Then what is still needed, as the terminal lists it.
    let title = (0..b.height())
        .find(|r| {
            b.get((*r, 0))
                == Some(&Data::String(
                    "Còn cần để đạt Xã đạt chuẩn nông thôn mới:".into(),
                ))
        })
        .expect("a «Còn cần» list");
    assert_eq!(b.get((title + 2, 0)), Some(&Data::Float(1.0)));
    assert_eq!(b.get((title + 2, 2)), Some(&Data::String("2.2".into())));
    assert_eq!(b.get((title + 2, 7)), Some(&Data::Float(3.2)));
    // Every sheet prints on A4 with its header repeated and the page number in the footer.
    let xml = zip_entry(&out, "xl/worksheets/sheet2.xml");
    assert!(xml.contains("paperSize=\"9\""), "{xml}");
    // Every column on the width of one page (fitToWidth 1 is the default, not written).
    assert!(xml.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{xml}");
    assert!(xml.contains("fitToHeight=\"0\""), "{xml}");
    assert!(xml.contains("orientation=\"landscape\""), "{xml}");
    assert!(xml.contains("&amp;P/&amp;N"), "{xml}");
    assert!(xml.contains(crate::common::DATE_VI), "{xml}");
    let names = zip_entry(&out, "xl/workbook.xml");
    assert!(names.contains("_xlnm.Print_Titles"), "{names}");
}

/// One file of an .xlsx (a zip), as text.
fn zip_entry(path: &std::path::Path, name: &str) -> String {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn with_commune_the_workbook_has_only_its_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir);
    let out = dir.path().join("b.xlsx");
    let (code, _, err) = run(&["check", &f, "--commune", "B", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), ["B Tân Liên 2024"]);
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
    // A workbook needs a file; a PDF is refused and the printable HTML named instead.
    let (code, _, err) = run(&[
        "diff", f, "--from", "2023", "--to", "2024", "--format", "xlsx", "--lang", "en",
    ]);
    assert_eq!(code, 64);
    assert!(
        err.contains("the xlsx format needs an output file"),
        "{err}"
    );
    let pdf = dir.path().join("so-sanh.pdf");
    let (code, _, err) = run(&[
        "diff",
        f,
        "--from",
        "2023",
        "--to",
        "2024",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(code, 64);
    assert!(err.contains("so-sanh.html"), "{err}");
    assert!(!pdf.exists());
}

#[test]
fn the_diff_workbook_holds_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let f = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/communes.csv");
    let out = dir.path().join("so-sanh.xlsx");
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
    let mut wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "So sánh xã",
            "Chỉ tiêu đổi trạng thái",
            "Chỉ chấm một bên",
            "Tổng hợp"
        ]
    );
    // Thạch Đạn 06199 lost xã NTM: 19 → 18 criteria, −1, as numbers.
    let s = wb.worksheet_range("So sánh xã").unwrap();
    let row = (0..s.height())
        .find(|r| s.get((*r, 0)) == Some(&Data::String("06199".into())))
        .expect("a row for 06199");
    assert_eq!(s.get((row, 4)), Some(&Data::String("Xuống mức".into())));
    assert_eq!(s.get((row, 5)), Some(&Data::Float(19.0)));
    assert_eq!(s.get((row, 6)), Some(&Data::Float(18.0)));
    assert_eq!(s.get((row, 7)), Some(&Data::Float(-1.0)));
    // Its 15.1 turned: 95,6 % → 94,1 % against ≥ 95 % on both sides.
    let t = wb.worksheet_range("Chỉ tiêu đổi trạng thái").unwrap();
    let row = (0..t.height())
        .find(|r| {
            t.get((*r, 0)) == Some(&Data::String("06199".into()))
                && t.get((*r, 2)) == Some(&Data::String("xã NTM".into()))
        })
        .expect("06199's xã NTM flip");
    assert_eq!(t.get((row, 3)), Some(&Data::String("15.1".into())));
    assert_eq!(t.get((row, 5)), Some(&Data::Float(95.6)));
    assert_eq!(t.get((row, 6)), Some(&Data::Float(94.1)));
    assert_eq!(t.get((row, 7)), Some(&Data::Float(95.0)));
    assert_eq!(t.get((row, 8)), Some(&Data::Float(95.0)));
    // The summary's counts: 9 communes at xã NTM in 2023, 7 in 2024.
    let s = wb.worksheet_range("Tổng hợp").unwrap();
    let row = (0..s.height())
        .find(|r| s.get((*r, 0)) == Some(&Data::String("xã NTM".into())))
        .expect("the xã NTM row");
    assert_eq!(s.get((row, 1)), Some(&Data::Float(9.0)));
    assert_eq!(s.get((row, 2)), Some(&Data::Float(7.0)));
}

/// The workbook's document properties say it was created on the run's date, not at the clock's
/// time: a report made again with the same `NTM_DATE` is the same bytes (README), for `check`,
/// `diff` and the Excel template alike.
#[test]
fn an_xlsx_report_made_again_on_the_same_date_is_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir);
    let samples = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/communes.csv");
    let created = |path: &std::path::Path| {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut xml)
            .unwrap();
        xml
    };
    for (name, args) in [
        ("check", vec!["check", f.as_str()]),
        (
            "diff",
            vec!["diff", samples, "--from", "2023", "--to", "2024"],
        ),
        ("template", vec!["template"]),
    ] {
        let out = |k: usize| dir.path().join(format!("{name}-{k}.xlsx"));
        for k in [1, 2] {
            let path = out(k);
            let (code, _, err) = run(&[&args[..], &["-o", path.to_str().unwrap()]].concat());
            assert!(code == 0 || code == 1, "{name}: {err}");
        }
        let xml = created(&out(1));
        assert!(
            xml.contains(">2025-07-01T00:00:00Z</dcterms:created>"),
            "{name}: {xml}"
        );
        assert_eq!(
            std::fs::read(out(1)).unwrap(),
            std::fs::read(out(2)).unwrap(),
            "{name}"
        );
    }
}

/// A file whose extension names another format than the one written is refused, nothing written:
/// Markdown in a .xlsx would open as a broken workbook. Any text may go to a .txt.
#[test]
fn an_output_file_named_for_another_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(&dir);
    for (name, format) in [
        ("bao-cao.xlsx", "md"),
        ("bao-cao.json", "csv"),
        ("mau.json", ""),
    ] {
        let out = dir.path().join(name);
        let mut args = if name.starts_with("mau") {
            vec!["template"]
        } else {
            vec!["check", f.as_str(), "--format", format]
        };
        args.extend(["-o", out.to_str().unwrap(), "--lang", "en"]);
        let (code, _, err) = run(&args);
        assert_eq!(code, 64, "{name}: {err}");
        assert!(err.contains("has the extension of the"), "{name}: {err}");
        assert!(!out.exists(), "{name}");
    }
    let txt = dir.path().join("bao-cao.txt");
    let (code, _, err) = run(&["check", &f, "--format", "md", "-o", txt.to_str().unwrap()]);
    assert!(code <= 2, "{err}");
    assert!(std::fs::read_to_string(&txt).unwrap().contains('|'));
}
