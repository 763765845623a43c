//! Snapshot tests (insta) of every output format on the samples: a change in what a report says, or
//! how, shows as a diff of a file under tests/cli/snapshots/. Accept an intended change with
//! `INSTA_UPDATE=always cargo test --test cli snapshots` (or `cargo insta review`), and read the diff.

use std::process::Command;

/// Run `ntm` from the crate root (paths in reports read `samples/…`): stdout, then stderr after a
/// marker line when there is any, then the exit code.
fn ntm(args: &[&str]) -> String {
    ntm_at(args, None)
}

/// As [`ntm`], with the width a terminal would give (`COLUMNS`).
fn ntm_at(args: &[&str], columns: Option<usize>) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ntm"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env("NTM_DATE", "2025-07-01")
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(w) = columns {
        cmd.env("COLUMNS", w.to_string());
    }
    let out = cmd.output().expect("run ntm");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    if !err.is_empty() {
        text.push_str("\n----- stderr -----\n");
        text.push_str(&err);
    }
    text.push_str(&format!(
        "\n----- exit {} -----\n",
        out.status.code().unwrap_or(-1)
    ));
    text
}

/// A report written with `-o` to a temporary file, read back as text.
fn to_file(args: &[&str], ext: &str) -> (String, std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("report.{ext}"));
    let mut all: Vec<&str> = args.to_vec();
    let p = path.to_str().unwrap().to_string();
    all.extend(["-o", &p]);
    let log = ntm(&all).replace(&p, "REPORT");
    (log, path, dir)
}

/// Every sheet of a workbook as tab-separated text, cell by cell.
fn workbook_text(path: &std::path::Path) -> String {
    use calamine::{Reader as _, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names() {
        out.push_str(&format!("=== {name}\n"));
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(|c| format!("{c:?}")).collect();
            out.push_str(&cells.join("\t"));
            out.push('\n');
        }
    }
    out
}

macro_rules! snap {
    ($name:literal, $args:expr) => {
        insta::assert_snapshot!($name, ntm($args));
    };
}

#[test]
fn check_batch_in_each_text_format() {
    snap!(
        "check_table",
        &["check", "samples/communes.csv", "--year", "2024"]
    );
    snap!(
        "check_table_en",
        &[
            "check",
            "samples/communes.csv",
            "--year",
            "2024",
            "--lang",
            "en"
        ]
    );
    snap!(
        "check_md",
        &["check", "samples/communes.csv", "--format", "md"]
    );
    snap!(
        "check_csv",
        &["check", "samples/communes.csv", "--format", "csv"]
    );
    snap!(
        "check_json",
        &[
            "check",
            "samples/communes.csv",
            "--year",
            "2024",
            "--format",
            "json"
        ]
    );
    snap!(
        "check_summary",
        &["check", "samples/communes.csv", "--summary"]
    );
    snap!(
        "check_level_nang_cao",
        &[
            "check",
            "samples/communes.csv",
            "--level",
            "nang-cao",
            "--year",
            "2023"
        ]
    );
}

#[test]
fn check_one_commune_in_each_text_format() {
    snap!(
        "commune_table",
        &[
            "check",
            "samples/communes.csv",
            "--commune",
            "Gia Cát",
            "--year",
            "2024"
        ]
    );
    snap!(
        "commune_explain",
        &[
            "check",
            "samples/communes.csv",
            "--explain",
            "--commune",
            "06211"
        ]
    );
    snap!(
        "commune_md",
        &[
            "check",
            "samples/communes.csv",
            "--commune",
            "06211",
            "--format",
            "md",
            "--year",
            "2024"
        ]
    );
    snap!(
        "commune_csv",
        &[
            "check",
            "samples/communes.csv",
            "--commune",
            "06211",
            "--format",
            "csv",
            "--year",
            "2024"
        ]
    );
}

#[test]
fn check_with_districts() {
    snap!(
        "districts_table",
        &[
            "check",
            "samples/communes.csv",
            "samples/communes-chi-lang.csv",
            "--districts",
            "samples/districts.csv",
        ]
    );
    snap!(
        "district_detail",
        &[
            "check",
            "samples/communes-chi-lang.csv",
            "--districts",
            "samples/districts.csv",
            "--level",
            "huyen-ntm",
            "--year",
            "2024",
        ]
    );
    snap!(
        "districts_json",
        &[
            "check",
            "samples/communes-chi-lang.csv",
            "--districts",
            "samples/districts.csv",
            "--format",
            "json",
            "--year",
            "2024",
        ]
    );
    snap!(
        "districts_csv",
        &[
            "check",
            "samples/communes-chi-lang.csv",
            "--districts",
            "samples/districts.csv",
            "--format",
            "csv",
        ]
    );
}

#[test]
fn check_reports_to_files() {
    let (log, path, _dir) = to_file(&["check", "samples/communes.csv", "--year", "2024"], "html");
    insta::assert_snapshot!("check_html_log", log);
    insta::assert_snapshot!("check_html", std::fs::read_to_string(path).unwrap());
    let (log, path, _dir) = to_file(&["check", "samples/communes.csv", "--year", "2024"], "xlsx");
    insta::assert_snapshot!("check_xlsx_log", log);
    insta::assert_snapshot!("check_xlsx", workbook_text(&path));
}

#[test]
fn diff_reports_to_files() {
    let args = [
        "diff",
        "samples/communes.csv",
        "--from",
        "2023",
        "--to",
        "2024",
    ];
    let (log, path, _dir) = to_file(&args, "html");
    insta::assert_snapshot!("diff_html_log", log);
    insta::assert_snapshot!("diff_html", std::fs::read_to_string(path).unwrap());
    let (log, path, _dir) = to_file(&args, "xlsx");
    insta::assert_snapshot!("diff_xlsx_log", log);
    insta::assert_snapshot!("diff_xlsx", workbook_text(&path));
    let districts = [
        "diff",
        "samples/communes-chi-lang.csv",
        "--from",
        "2023",
        "--to",
        "2024",
        "--districts",
        "samples/districts.csv",
    ];
    let (_, path, _dir) = to_file(&districts, "xlsx");
    insta::assert_snapshot!("diff_districts_xlsx", workbook_text(&path));
}

#[test]
fn diff_in_each_format() {
    let args = [
        "diff",
        "samples/communes.csv",
        "--from",
        "2023",
        "--to",
        "2024",
    ];
    snap!("diff_table", &args);
    let with = |f: &'static str| {
        let mut a = args.to_vec();
        a.extend(["--format", f]);
        a
    };
    snap!("diff_md", &with("md"));
    snap!("diff_csv", &with("csv"));
    snap!("diff_json", &with("json"));
    snap!(
        "diff_summary",
        &["diff", "samples/communes.csv", "--summary"]
    );
    snap!(
        "diff_summary_en",
        &["diff", "samples/communes.csv", "--summary", "--lang", "en"]
    );
    snap!(
        "diff_same_year",
        &["diff", "samples/communes.csv", "--same-year", "2024"]
    );
    snap!(
        "diff_districts",
        &[
            "diff",
            "samples/communes-chi-lang.csv",
            "--from",
            "2023",
            "--to",
            "2024",
            "--districts",
            "samples/districts.csv",
        ]
    );
}

#[test]
fn criteria_in_each_format() {
    snap!("criteria_list", &["criteria", "list"]);
    snap!(
        "criteria_show",
        &["criteria", "show", "xa-ntm", "--year", "2024"]
    );
    snap!(
        "criteria_show_md",
        &["criteria", "show", "kieu-mau", "--format", "md"]
    );
    snap!(
        "criteria_show_json",
        &[
            "criteria", "show", "nang-cao", "--year", "2023", "--format", "json"
        ]
    );
    snap!(
        "criteria_unverified",
        &["criteria", "show", "huyen-ntm", "--unverified"]
    );
}

#[test]
fn expert_cases() {
    snap!("test_cases", &["test", "tests/cases/xa-ntm.toml"]);
}

/// The tables at the width of a terminal: 80 and 120 columns, no line wider (counted in characters
/// as a terminal shows them). That no word or number is broken is the layout's own unit test
/// (src/report/grid.rs).
#[test]
fn tables_fit_80_and_120_columns() {
    use unicode_width::UnicodeWidthStr;
    let runs: [(&str, &[&str]); 4] = [
        (
            "batch",
            &["check", "samples/communes.csv", "--year", "2024"],
        ),
        (
            "commune",
            &[
                "check",
                "samples/communes.csv",
                "--year",
                "2024",
                "--commune",
                "06244",
            ],
        ),
        (
            "criteria_show",
            &["criteria", "show", "xa-ntm", "--year", "2024"],
        ),
        ("diff", &["diff", "samples/communes.csv"]),
    ];
    for width in [80usize, 120] {
        for (name, args) in runs {
            let out = ntm_at(args, Some(width));
            let stdout = out.split("\n----- ").next().unwrap_or_default();
            for line in stdout.lines() {
                assert!(
                    line.width() <= width,
                    "{name} at {width}: a line of {} columns:\n{line}",
                    line.width()
                );
            }
            insta::assert_snapshot!(format!("{name}_{width}"), out);
        }
    }
}
