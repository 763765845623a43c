//! Malformed inputs (the corpus in `tests/malformed/`, and a few generated here because of their
//! size): each gets a message that names the file, and the line where there is one, and the
//! documented exit code (65 unreadable data, 78 bad criteria), never a panic.
//!
//! A test that shows a defect still open in `src/` is marked `#[ignore = "bug: …"]` until it is fixed.

use std::path::Path;
use std::process::Command;

const DATA: i32 = 65;
const CRITERIA: i32 = 78;

/// Run `ntm` from the crate root (so that messages show `tests/malformed/…`): (exit code, stdout, stderr).
fn ntm(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run ntm");
    let code = out.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        code != 101 && !stderr.contains("panicked"),
        "ntm {args:?} panicked (exit {code}):\n{}",
        head(&stderr)
    );
    (code, stdout, stderr)
}

/// The first lines of a long output, for assertion messages.
fn head(s: &str) -> String {
    s.lines().take(12).collect::<Vec<_>>().join("\n")
}

/// `check FILE` in English and in Vietnamese, as a table and as JSON: the same exit code each time,
/// JSON output that parses, and the English stderr returned for the caller's assertions.
fn check(file: &str) -> (i32, String, String) {
    let (code, out, err) = ntm(&["check", file, "--lang", "en", "--format", "csv"]);
    let (vi, _, vi_err) = ntm(&["check", file]);
    assert_eq!(
        vi,
        code,
        "{file}: exit code in Vietnamese\n{}",
        head(&vi_err)
    );
    let (js, json, _) = ntm(&["check", file, "--format", "json"]);
    assert_eq!(js, code, "{file}: exit code with --format json");
    if !json.trim().is_empty() {
        serde_json::from_str::<serde_json::Value>(&json)
            .unwrap_or_else(|e| panic!("{file}: --format json is not JSON ({e})"));
    }
    (code, out, err)
}

/// Asserts that some error line of `err` is located at `file:line` and contains every `words`.
fn error_at(err: &str, file: &str, line: usize, words: &[&str]) {
    let at = format!("{file}:{line}:");
    // The words are looked for after the location: the file name itself may contain one.
    let found = err.lines().any(|l| {
        l.strip_prefix(&at)
            .is_some_and(|m| m.contains("error:") && words.iter().all(|w| m.contains(w)))
    });
    assert!(found, "no error at {at} with {words:?} in:\n{}", head(err));
}

fn corpus(name: &str) -> String {
    format!("tests/malformed/data/{name}")
}

#[test]
fn a_truncated_row_names_its_line_and_the_rows_before_it_are_still_scored() {
    let f = corpus("truncated-row.csv");
    let (code, out, err) = check(&f);
    assert_eq!(code, DATA, "{}", head(&err));
    error_at(&err, &f, 3, &["fields"]);
    assert!(
        out.contains("06501"),
        "the readable row is reported:\n{out}"
    );
}

#[test]
fn a_short_row_gets_one_message_in_the_language_asked() {
    let f = corpus("truncated-row.csv");
    let (_, _, err) = check(&f);
    let at = format!("{f}:3:");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with(&at)).collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(!lines[0].contains(" ô»"), "{}", lines[0]);
}

#[test]
fn a_row_cut_in_its_last_cell_names_its_line() {
    let f = corpus("truncated-cell.csv");
    let (code, out, err) = check(&f);
    assert_eq!(code, DATA);
    error_at(&err, &f, 3, &["fields"]);
    assert!(out.contains("06501"), "{out}");
}

#[test]
fn utf16_exports_with_a_byte_order_mark_are_named_as_such() {
    for name in ["utf16le-bom.csv", "utf16be-bom.csv"] {
        let f = corpus(name);
        let (code, _, err) = check(&f);
        assert_eq!(code, DATA, "{name}");
        error_at(&err, &f, 1, &["UTF-16", "CSV UTF-8"]);
    }
}

#[test]

fn utf16_without_a_byte_order_mark_is_named_as_such() {
    let f = corpus("utf16le-no-bom.csv");
    let (code, _, err) = check(&f);
    assert_eq!(code, DATA);
    error_at(&err, &f, 1, &["UTF-16"]);
    assert!(!err.contains('\0'), "NUL bytes on stderr");
}

#[test]
fn a_windows_1258_export_is_named_at_its_first_bad_line() {
    let f = corpus("windows-1258.csv");
    let (code, _, err) = check(&f);
    assert_eq!(code, DATA);
    // The header is ASCII; the first accented letter is on line 2.
    error_at(&err, &f, 2, &["not UTF-8", "Windows-1258", "CSV UTF-8"]);
}

#[test]
fn a_character_split_by_a_delimiter_is_not_utf8_and_the_row_before_is_scored() {
    let f = corpus("split-character.csv");
    let (code, out, err) = check(&f);
    assert_eq!(code, DATA);
    error_at(&err, &f, 3, &["not UTF-8"]);
    let rows = csv_rows(&out);
    assert!(
        rows.iter().any(|(code, _, _)| code == "06235"),
        "row 2 scored:\n{out}"
    );
    assert!(
        !rows.iter().any(|(code, _, _)| code == "06244"),
        "row 3 not scored:\n{out}"
    );
}

#[test]
fn binary_junk_and_a_compressed_file_are_refused_with_one_message() {
    for name in ["binary-junk.bin", "gzip.csv"] {
        let f = corpus(name);
        let (code, _, err) = check(&f);
        assert_eq!(code, DATA, "{name}");
        error_at(&err, &f, 1, &["not UTF-8"]);
        assert!(
            err.lines().count() <= 3,
            "{name}: one message, not one per line:\n{}",
            head(&err)
        );
    }
}

#[test]
fn empty_files_say_a_header_is_expected() {
    for name in ["empty.csv", "bom-only.csv"] {
        let f = corpus(name);
        let (code, _, err) = check(&f);
        assert_eq!(code, DATA, "{name}");
        assert!(
            err.contains(&format!("{f}: error:")) && err.contains("header"),
            "{name}:\n{err}"
        );
    }
}

#[test]
fn a_missing_code_column_is_named() {
    let f = corpus("no-code-column.csv");
    let (code, _, err) = check(&f);
    assert_eq!(code, DATA);
    error_at(&err, &f, 1, &["ma_xa"]);
}

#[test]
fn nul_bytes_in_a_row_name_its_line() {
    let f = corpus("nul-bytes.csv");
    let (code, out, err) = check(&f);
    assert_eq!(code, DATA);
    error_at(&err, &f, 3, &[]);
    assert!(out.contains("06501"), "{out}");
}

#[test]
fn a_quote_left_open_names_the_line_where_it_opens() {
    let f = corpus("open-quote.csv");
    let (code, _, err) = check(&f);
    assert_eq!(code, DATA);
    error_at(&err, &f, 2, &[]);
}

#[test]

fn a_quote_left_open_is_called_an_open_quote() {
    let f = corpus("open-quote.csv");
    let (_, _, err) = check(&f);
    error_at(&err, &f, 2, &["quote"]);
}

/// A 16 MiB cell in a percentage column.
fn huge_cell(dir: &Path) -> String {
    let mut text =
        String::from("ma_xa;ten_xa;huyen;nam;1.1;2.2;10\n06501;Gia Cát;Cao Lộc;2024;Đạt;");
    text.push_str(&"9".repeat(16 << 20));
    text.push_str(";45\n06502;Hợp Thành;Cao Lộc;2024;Đạt;75;45\n");
    let f = dir.join("huge-cell.csv");
    std::fs::write(&f, text).unwrap();
    f.display().to_string()
}

#[test]
fn a_huge_cell_is_refused_on_its_line_and_the_next_row_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    let f = huge_cell(dir.path());
    let (code, out, err) = ntm(&["check", &f, "--lang", "en", "--format", "csv"]);
    assert_eq!(code, DATA);
    error_at(&err, &f, 2, &["2.2"]);
    assert!(out.contains("06502"), "{out}");
}

#[test]

fn a_huge_cell_is_not_echoed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let f = huge_cell(dir.path());
    let (_, _, err) = ntm(&["check", &f, "--lang", "en"]);
    assert!(
        err.len() < 64 << 10,
        "{} bytes on stderr for one bad cell",
        err.len()
    );
}

#[test]
fn a_hundred_thousand_columns_most_of_them_blank_are_read() {
    // What Excel exports from a sheet formatted far to the right: the real columns, then empty ones.
    let dir = tempfile::tempdir().unwrap();
    let blank = ";".repeat(100_000 - 7);
    let text = format!(
        "ma_xa;ten_xa;huyen;nam;1.1;2.2;10{blank}\n06501;Gia Cát;Cao Lộc;2024;Đạt;85,5;45{blank}\n"
    );
    let f = dir.path().join("wide.csv");
    std::fs::write(&f, text).unwrap();
    let f = f.display().to_string();
    let (code, out, err) = ntm(&["check", &f, "--lang", "en", "--format", "csv"]);
    // The other columns are absent: the commune is unknown (2) or fails, never an error.
    assert!(code == 1 || code == 2, "exit {code}:\n{}", head(&err));
    assert!(out.contains("06501"), "{out}");
    assert!(err.lines().count() < 20, "{}", head(&err));
}

#[test]
fn a_hundred_thousand_copies_of_one_column_are_refused_on_the_header_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "ma_xa;ten_xa;huyen;nam{}\n06501;Gia Cát;Cao Lộc;2024{}\n",
        ";2.2".repeat(100_000),
        ";75".repeat(100_000)
    );
    let f = dir.path().join("copies.csv");
    std::fs::write(&f, text).unwrap();
    let f = f.display().to_string();
    let (code, _, err) = ntm(&["check", &f, "--lang", "en", "--format", "csv"]);
    assert_eq!(code, DATA);
    error_at(&err, &f, 1, &["2.2", "twice"]);
}

#[test]

fn a_hundred_thousand_unknown_columns_are_summarised_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
    let text = format!(
        "ma_xa;ten_xa;huyen;nam;{}\n06501;Gia Cát;Cao Lộc;2024;{}\n",
        names.join(";"),
        vec!["x"; 100_000].join(";")
    );
    let f = dir.path().join("wide.csv");
    std::fs::write(&f, text).unwrap();
    let f = f.display().to_string();
    let (code, _, err) = ntm(&["check", &f, "--lang", "en", "--format", "csv"]);
    assert_eq!(code, 2, "{}", head(&err));
    assert!(
        err.lines().count() < 100,
        "{} lines on stderr",
        err.lines().count()
    );
}

// ---------------------------------------------------------------- criteria files

/// `criteria lint DIR` and `check --criteria DIR` on a valid data file: both exit 78, and an error
/// line starts with `DIR/lang-son-2024/{at}` (`xa-ntm.toml:60:`, or "" for any file) and contains
/// every `words`.
fn bad_criteria(case: &str, at: &str, words: &[&str]) -> String {
    let dir = format!("tests/malformed/criteria/{case}");
    let (code, _, err) = ntm(&["criteria", "lint", &dir, "--lang", "en"]);
    assert_eq!(code, CRITERIA, "lint {case}:\n{}", head(&err));
    let at = format!("{dir}/lang-son-2024/{at}");
    assert!(
        err.lines().any(|l| l.starts_with(&at)
            && l.contains("error:")
            && words.iter().all(|w| l[at.len()..].contains(w))),
        "lint {case}: no error at {at} with {words:?}:\n{}",
        head(&err)
    );
    let (code, _, err2) = ntm(&[
        "check",
        "--criteria",
        &dir,
        "tests/malformed/criteria/data.csv",
    ]);
    assert_eq!(code, CRITERIA, "check --criteria {case}:\n{}", head(&err2));
    err
}

/// The rows of a `--format csv` report: (code, line, qualified).
fn csv_rows(out: &str) -> Vec<(String, String, String)> {
    out.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), f[4].to_string(), f[6].to_string())
        })
        .collect()
}

#[test]
fn values_that_could_change_a_verdict_are_refused_never_guessed() {
    // (file, line, words of the message); the row is listed as not scored, the others are scored.
    let cases: [(&str, usize, &[&str]); 5] = [
        (
            "income-in-dong.csv",
            3,
            &["column 10", "looks like đồng", "«42.500.000»"],
        ),
        (
            "fraction-percent.csv",
            3,
            &["column 2.2", "reads two ways", "(88.5 %)"],
        ),
        (
            "ambiguous-thousands.csv",
            3,
            &["column 10", "(42 or 42000)", "--decimal"],
        ),
        (
            "spaced-digits.csv",
            2,
            &["column 10", "separators follow no rule", "«4 2»"],
        ),
        (
            "shifted-decimal-commas.csv",
            2,
            &["10 fields", "7 columns", "decimal commas"],
        ),
    ];
    for (name, line, words) in cases {
        let f = corpus(name);
        let (code, out, err) = check(&f);
        assert_eq!(code, DATA, "{name}: {}", head(&err));
        error_at(&err, &f, line, words);
        let rows = csv_rows(&out);
        let refused: Vec<&(String, String, String)> =
            rows.iter().filter(|r| r.2 == "not_scored").collect();
        assert_eq!(refused.len(), 1, "{name}: {out}");
        assert_eq!(refused[0].1, line.to_string(), "{name}");
        assert!(
            !rows.iter().any(|r| r.2 == "true"),
            "{name}: nothing qualifies"
        );
    }
}

#[test]
fn comment_lines_neither_swallow_rows_nor_hide_the_delimiter() {
    let f = corpus("comment-quote.csv");
    let (code, out, err) = check(&f);
    assert_ne!(code, DATA, "{}", head(&err));
    let lines: Vec<String> = csv_rows(&out).into_iter().map(|r| r.1).collect();
    assert_eq!(lines, ["2", "4", "5"], "{out}");
    let f = corpus("bom-comment.csv");
    let (code, out, err) = check(&f);
    assert_ne!(code, DATA, "{}", head(&err));
    assert_eq!(csv_rows(&out)[0].1, "3", "{out}");
}

#[test]
fn a_repeated_identifying_column_refuses_the_file_and_says_so() {
    let f = corpus("repeated-year-column.csv");
    let (code, out, err) = check(&f);
    assert_eq!(code, DATA);
    error_at(&err, &f, 1, &["nam", "twice", "columns 4 and 8"]);
    assert_eq!(
        csv_rows(&out),
        [(String::new(), "1".into(), "not_scored".into())]
    );
}

#[test]
fn an_old_xls_and_a_renamed_csv_say_what_they_are() {
    let f = corpus("old-excel.xls");
    let (code, _, err) = check(&f);
    assert_eq!(code, DATA);
    assert!(
        err.contains("Excel 97–2003 workbook (.xls)") && err.contains("CSV UTF-8"),
        "{err}"
    );
    let f = corpus("renamed-csv.xlsx");
    let (code, _, err) = check(&f);
    assert_eq!(code, DATA);
    assert!(
        err.contains("a renamed CSV?") && !err.contains("EOCD"),
        "{err}"
    );
    // The report names the file alone (no line 0) and prints no empty table.
    for lang in ["vi", "en"] {
        let (_, out, _) = ntm(&["check", &f, "--lang", lang]);
        let first = out.lines().next().unwrap_or("");
        assert!(
            first == "Không chấm được đơn vị nào." || first == "No unit could be scored.",
            "{out}"
        );
        assert!(out.contains(&format!("\n{f}  ")), "{out}");
        assert!(!out.contains(":0 ") && !out.contains("Mức đạt"), "{out}");
        assert!(
            out.contains("1 tệp không đọc được")
                || out.contains("1 file(s) that could not be read"),
            "{out}"
        );
    }
}

#[test]
fn the_corpus_base_criteria_are_valid() {
    let dir = "tests/malformed/criteria/valid";
    let (code, _, err) = ntm(&["criteria", "lint", dir]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = ntm(&[
        "check",
        "--criteria",
        dir,
        "tests/malformed/criteria/data.csv",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("X1,"), "{out}");
}

#[test]
fn a_cycle_of_prerequisites_is_refused() {
    let err = bad_criteria("requires-cycle", "", &["cycle"]);
    assert!(
        err.contains("xa-ntm") && err.contains("kieu-mau") && err.contains("nang-cao"),
        "{err}"
    );
}

#[test]
fn a_set_requiring_itself_is_refused() {
    bad_criteria("requires-self", "", &["cycle"]);
}

#[test]

fn a_set_requiring_itself_is_reported_where_it_is_written() {
    bad_criteria("requires-self", "xa-ntm.toml:11:", &["cycle"]);
}

#[test]

fn a_cycle_of_derived_thresholds_is_refused() {
    bad_criteria("threshold-from-cycle", "", &["threshold_from"]);
}

#[test]
fn a_year_of_the_window_without_a_threshold_is_refused() {
    bad_criteria("year-gap", "xa-ntm.toml:62:", &["2022"]);
}

#[test]
fn a_misspelled_key_is_refused() {
    bad_criteria("unknown-key", "xa-ntm.toml:24:", &["treshold"]);
}

#[test]
fn truncated_utf16_and_binary_criteria_files_are_refused_with_a_location() {
    bad_criteria("truncated", "xa-ntm.toml:37:", &[]);
    bad_criteria("utf16", "xa-ntm.toml:1:", &[]);
    bad_criteria("binary-junk", "xa-ntm.toml:1:", &[]);
}
