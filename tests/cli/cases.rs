//! `ntm test`: the shipped expert cases (tests/cases/) all pass; a failing case prints what was
//! expected, what came out and why; an unreadable case file names file, line and column.

use std::path::Path;

use crate::common::{run, write};

/// The shipped case files, as the shell expands `tests/cases/*.toml`.
fn shipped() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("tests/cases exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

/// A case file over the shipped xã NTM defaults, with `cases` appended.
fn with_xa_defaults(cases: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/xa-ntm.toml");
    let text = std::fs::read_to_string(path).expect("read xa-ntm.toml");
    let defaults = text.split("[[case]]").next().expect("defaults part");
    format!("{defaults}\n{cases}")
}

#[test]
fn every_shipped_case_passes() {
    let files = shipped();
    // One `[[case]]` header per case: every one of them must have run and passed.
    let count: usize = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .filter(|l| l.trim() == "[[case]]")
                .count()
        })
        .sum();
    assert!(files.len() >= 4 && count >= 30, "{files:?}: {count}");
    let mut args = vec!["test", "--lang", "en"];
    args.extend(files.iter().map(String::as_str));
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains(&format!("{count} test cases: {count} passed, 0 failed")),
        "{out}"
    );
    assert_eq!(out.matches('✓').count(), count, "{out}");
    assert!(!out.contains('✗') && err.is_empty(), "{out}\n{err}");
    // A folder reads the same files.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let (code, out_dir, _) = run(&["test", "--lang", "en", &dir.display().to_string()]);
    assert_eq!((code, out_dir.matches('✓').count()), (0, count));
}

#[test]
fn a_failing_case_prints_expected_actual_and_the_explanation() {
    // 2.2 ≥ 70 % (reference §3): 66,8 % fails, 3,2 short; this case wrongly expects a pass.
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "sai.toml",
        &with_xa_defaults(
            r#"
[[case]]
name = "đường thôn 66,8 % mà mong đợi đạt"
inputs = { "2.2" = "66,8" }
  [case.expect]
  qualified = true
  indicators = { "2.2" = "pass" }

[[case]]
name = "đúng"
inputs = { "2.2" = "66,8" }
  [case.expect]
  indicators = { "2.2" = "fail" }
"#,
        ),
    );
    let (code, out, _) = run(&["test", &f, "--lang", "en"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("✗ đường thôn 66,8 % mà mong đợi đạt"), "{out}");
    assert!(out.contains("✓ đúng"), "{out}");
    assert!(out.contains("sai.toml:"), "{out}");
    assert!(
        out.contains("qualifies at xa-ntm: expected Met; actual Not met"),
        "{out}"
    );
    assert!(
        out.contains("indicator 2.2: expected Pass; actual Fail"),
        "{out}"
    );
    assert!(
        out.contains(
            "2.2: 66.8 %; needs ≥ 70 %*; Fail, short by 3.2 percentage points; unverified"
        ),
        "{out}"
    );
    assert!(out.contains("source: 318/QĐ-TTg, annex I, 2.2"), "{out}");
    assert!(out.contains("2 test cases: 1 passed, 1 failed"), "{out}");

    let (code, out, _) = run(&["test", &f]);
    assert_eq!(code, 1);
    assert!(
        out.contains("chỉ tiêu 2.2: mong đợi Đạt; kết quả Không đạt"),
        "{out}"
    );
    assert!(out.contains("Giải thích:"), "{out}");
    assert!(
        out.contains("Tổng cộng 2 ca kiểm thử: 1 đạt, 1 không đạt"),
        "{out}"
    );
}

#[test]
fn a_wrong_dated_threshold_shows_the_year_of_the_value_used() {
    // Income: 39 in 2023, 42 in 2024 (reference §3); a case expecting 42 in 2023 fails.
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "nam.toml",
        &with_xa_defaults(
            "[[case]]\nname = \"ngưỡng 2023\"\nyear = 2023\n  [case.expect]\n  threshold = { \"10\" = 42 }\n",
        ),
    );
    let (code, out, _) = run(&["test", &f, "--lang", "en"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("threshold 10: expected 42; actual 39"),
        "{out}"
    );
    assert!(
        out.contains("needs ≥ 39 million VND/person/year (2023)*"),
        "{out}"
    );
}

#[test]
fn an_unreadable_case_file_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let typo = write(
        dir.path(),
        "typo.toml",
        "[[case]]\nname = \"a\"\nset = \"xa-ntm\"\nyear = 2024\n  [case.expect]\n  qualifed = true\n",
    );
    let (code, out, err) = run(&["test", &typo, "--lang", "en"]);
    assert_eq!(code, 65, "{out}\n{err}");
    assert!(
        err.contains("typo.toml:6:3: error: invalid case file: unknown field `qualifed`"),
        "{err}"
    );
    let text = with_xa_defaults(
        "[[case]]\nname = \"b\"\ninputs = { \"2.2\" = \"khoảng 70\" }\nexpect = { qualified = true }\n",
    );
    let line = text.lines().position(|l| l.contains("khoảng 70")).unwrap() + 1;
    let bad = write(dir.path(), "bad.toml", &text);
    let (code, _, err) = run(&["test", &bad]);
    assert_eq!(code, 65);
    assert!(
        err.contains(&format!(
            "bad.toml:{line}:20: lỗi: cột 2.2: không đọc được tỷ lệ phần trăm; gặp «khoảng 70»"
        )),
        "{err}"
    );
    // The cases of a good file still run and are reported.
    let good = shipped().into_iter().find(|f| f.ends_with("kieu-mau.toml"));
    let (code, out, _) = run(&["test", &bad, &good.unwrap(), "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(out.contains("8 test cases: 8 passed, 0 failed"), "{out}");
}

#[test]
fn bad_criteria_exit_78_and_a_missing_file_66() {
    let dir = tempfile::tempdir().unwrap();
    let crit = dir.path().join("v1");
    std::fs::create_dir(&crit).unwrap();
    write(&crit, "a.toml", "[set]\nid = \"a\"\n");
    let case = shipped().remove(0);
    let (code, _, err) = run(&["test", &case, "--criteria", &crit.display().to_string()]);
    assert_eq!(code, 78, "{err}");
    let (code, out, err) = run(&["test", "khong-co.toml", "--lang", "en"]);
    assert_eq!(code, 66);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("no such file: «khong-co.toml»"), "{err}");
}
