//! `ntm criteria lint`: the rules that keep a criteria file from silently changing verdicts. Each test
//! edits a copy of the bundled version and checks each problem's `file:line:col`, message and expectation.

use std::path::Path;

use crate::common::{Commune, csv, run, write};

const BUNDLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/criteria/lang-son-2024");

/// A copy of the bundled version in `dir/v`, with each `(file, from, to)` edit applied once.
fn variant(dir: &Path, edits: &[(&str, &str, &str)]) -> String {
    let dst = dir.join("v");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(BUNDLED).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let mut text = std::fs::read_to_string(&p)
            .unwrap()
            .replace("version = \"lang-son-2024\"", "version = \"v\"");
        for (file, from, to) in edits.iter().filter(|(f, _, _)| *f == name) {
            assert!(
                text.contains(from),
                "{file} has no «{from}»: the fixture moved"
            );
            text = text.replacen(from, to, 1);
        }
        std::fs::write(dst.join(&name), text).unwrap();
    }
    dst.display().to_string()
}

/// `ntm criteria lint V` in `lang`: (exit code, stderr).
fn lint(v: &str, lang: &str) -> (i32, String) {
    let (code, _, err) = run(&["criteria", "lint", v, "--lang", lang]);
    (code, err)
}

/// `file:line:col:` of `token` inside `context`, which must occur once in the version's `file`.
fn at(v: &str, file: &str, context: &str, token: &str) -> String {
    let text = std::fs::read_to_string(format!("{v}/{file}")).unwrap();
    assert_eq!(text.matches(context).count(), 1, "«{context}» in {file}");
    let off = text.find(context).unwrap() + context.find(token).unwrap();
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("{file}:{line}:{col}:")
}

/// The problem reported at `loc`: exactly one line of stderr.
fn line_at<'a>(err: &'a str, loc: &str) -> &'a str {
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(loc)).collect();
    assert_eq!(lines.len(), 1, "one problem at {loc}:\n{err}");
    lines[0]
}

#[test]
fn a_criterion_without_indicators_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let v = variant(
        dir.path(),
        &[(
            "xa-ntm.toml",
            "[[recognition]]",
            "[[criterion]]\nnumber = \"20\"\nname = \"Trống\"\n\n[[recognition]]",
        )],
    );
    let loc = at(&v, "xa-ntm.toml", "number = \"20\"", "\"20\"");
    let (code, err) = lint(&v, "vi");
    assert_eq!(code, 78, "{err}");
    assert!(
        line_at(&err, &loc).ends_with(
            "lỗi: tiêu chí 20 không có chỉ tiêu nào: sẽ đạt với mọi xã; cần ít nhất một [[criterion.indicator]]"
        ),
        "{err}"
    );
    let (_, err) = lint(&v, "en");
    assert!(
        line_at(&err, &loc).ends_with(
            "error: criterion 20 has no indicator: it would pass for every commune; expected at least one [[criterion.indicator]]"
        ),
        "{err}"
    );
}

#[test]
fn threshold_from_needs_a_finite_positive_factor() {
    for (written, shown) in [("0", "0"), ("-1.1", "-1.1"), ("nan", "NaN"), ("inf", "inf")] {
        let dir = tempfile::tempdir().unwrap();
        let to = format!("factor = {written} }}");
        let v = variant(dir.path(), &[("kieu-mau.toml", "factor = 1.10 }", &to)]);
        let (code, err) = lint(&v, "en");
        assert_eq!(code, 78, "factor {written}: {err}");
        let line = line_at(&err, &at(&v, "kieu-mau.toml", &to, written));
        assert!(
            line.ends_with(&format!(
                "indicator KM.2: threshold_from.factor = {shown} cannot be used; expected a finite number greater than 0 (1.10 for 110 %)"
            )),
            "{line}"
        );
    }
}

#[test]
fn derive_meets_names_another_set_of_the_same_level() {
    let dir = tempfile::tempdir().unwrap();
    let to = "meets = \"kieu-mau\"";
    let v = variant(dir.path(), &[("kieu-mau.toml", "meets = \"nang-cao\"", to)]);
    let (code, err) = lint(&v, "en");
    assert_eq!(code, 78, "{err}");
    let line = line_at(&err, &at(&v, "kieu-mau.toml", to, "\"kieu-mau\""));
    assert!(
        line.contains("indicator KM.1: derive.meets names its own set kieu-mau: the value would always be missing; expected a commune set ("),
        "{line}"
    );

    let dir = tempfile::tempdir().unwrap();
    let to = "meets = \"huyen-ntm\"";
    let v = variant(dir.path(), &[("kieu-mau.toml", "meets = \"nang-cao\"", to)]);
    let (code, err) = lint(&v, "vi");
    assert_eq!(code, 78, "{err}");
    let line = line_at(&err, &at(&v, "kieu-mau.toml", to, "\"huyen-ntm\""));
    assert!(
        line.contains("chỉ tiêu KM.1: derive.meets chỉ đến huyen-ntm, một bộ cấp huyện, nhưng bộ này là bộ cấp xã; cần một bộ tiêu chí cấp xã (nang-cao, xa-ntm)"),
        "{line}"
    );
}

#[test]
fn share_of_communes_meeting_names_a_commune_set() {
    let dir = tempfile::tempdir().unwrap();
    let to = "share_of_communes_meeting = \"huyen-ntm\"";
    let v = variant(
        dir.path(),
        &[(
            "huyen-ntm.toml",
            "share_of_communes_meeting = \"xa-ntm\"",
            to,
        )],
    );
    let (code, err) = lint(&v, "en");
    assert_eq!(code, 78, "{err}");
    let line = line_at(&err, &at(&v, "huyen-ntm.toml", to, "\"huyen-ntm\""));
    assert!(
        line.contains("derive.share_of_communes_meeting names huyen-ntm, a district set, but the share is counted over the district's communes; expected a commune set (kieu-mau, nang-cao, xa-ntm)"),
        "{line}"
    );
}

#[test]
fn progress_groups_decrease_from_at_most_the_criteria_to_zero() {
    let dir = tempfile::tempdir().unwrap();
    let v = variant(
        dir.path(),
        &[(
            "xa-ntm.toml",
            "progress_groups = [19, 15, 10, 5, 0]",
            "progress_groups = [20, 15, 15, 5, 1]",
        )],
    );
    let (code, err) = lint(&v, "en");
    assert_eq!(code, 78, "{err}");
    let expected = "expected lower bounds decreasing from at most 19 (the number of criteria) to 0, such as [19, 15, 10, 5, 0]";
    for (context, token, message) in [
        (
            "[20, 15",
            "20",
            "progress_groups starts at 20 but the set has 19 criteria",
        ),
        (
            ", 15, 5",
            "15",
            "progress_groups is not strictly decreasing: 15 follows 15",
        ),
        (
            "5, 1]",
            "1",
            "progress_groups ends at 1 instead of 0: units meeting fewer criteria fall in no group",
        ),
    ] {
        let line = line_at(&err, &at(&v, "xa-ntm.toml", context, token));
        assert!(line.ends_with(&format!("{message}; {expected}")), "{line}");
    }
    assert_eq!(err.matches("progress_groups").count(), 3, "{err}");
}

#[test]
fn threshold_when_needs_finite_numbers_and_a_numeric_column() {
    let dir = tempfile::tempdir().unwrap();
    let to = "value = nan, threshold = inf";
    let v = variant(
        dir.path(),
        &[("xa-ntm.toml", "value = 3, threshold = 70", to)],
    );
    let (code, err) = lint(&v, "en");
    assert_eq!(code, 78, "{err}");
    let line = line_at(&err, &at(&v, "xa-ntm.toml", to, "nan"));
    assert!(
        line.ends_with("indicator 5: threshold_when.value = NaN is not a finite number; expected a finite number"),
        "{line}"
    );
    let line = line_at(&err, &at(&v, "xa-ntm.toml", to, "inf"));
    assert!(
        line.ends_with("indicator 5: threshold_when.threshold = inf is not a finite number; expected a finite number"),
        "{line}"
    );

    // The condition's column 5n made a Đạt/Không đạt column: the condition could never be evaluated.
    let dir = tempfile::tempdir().unwrap();
    let v = variant(
        dir.path(),
        &[(
            "xa-ntm.toml",
            "kind = \"num\"\n  unit = \"trường\"",
            "kind = \"bool\"\n  unit = \"trường\"",
        )],
    );
    let (code, err) = lint(&v, "en");
    assert_eq!(code, 78, "{err}");
    let line = line_at(&err, &at(&v, "xa-ntm.toml", "{ column = \"5n\"", "\"5n\""));
    assert!(
        line.ends_with("indicator 5: threshold_when compares column 5n (kind = \"bool\", Đạt/Không đạt) with a number; expected a column of kind \"pct\" or \"num\""),
        "{line}"
    );
}

#[test]
fn an_identifying_column_cannot_be_read_as_an_indicator() {
    // Case and accents do not matter: the data reader folds them when it matches the header.
    for column in ["nam", "MA_XA", "tên_huyện"] {
        let dir = tempfile::tempdir().unwrap();
        let to = format!("column = \"{column}\"");
        let v = variant(dir.path(), &[("xa-ntm.toml", "column = \"2.2\"", &to)]);
        let (code, err) = lint(&v, "en");
        assert_eq!(code, 78, "{column}: {err}");
        let line = line_at(&err, &at(&v, "xa-ntm.toml", &to, "\""));
        assert!(
            line.ends_with(&format!("indicator 2.2: column {column} is an identifying column (ma_xa, ten_xa, huyen, nam, ma_huyen, ten_huyen, nhom_xa), read as the unit's metadata: the indicator would always be missing; expected an indicator column id (2.2, nc2.2, km3…)")),
            "{line}"
        );
    }
}

#[test]
fn a_commune_set_cannot_require_a_district_set() {
    let dir = tempfile::tempdir().unwrap();
    let to = "requires = [\"huyen-ntm\"]";
    let v = variant(
        dir.path(),
        &[
            ("xa-ntm.toml", "requires = []", to),
            // No cycle: the district set no longer requires the commune sets.
            (
                "huyen-ntm.toml",
                "requires = [\"xa-ntm\", \"nang-cao\"]",
                "requires = []",
            ),
        ],
    );
    let loc = at(&v, "xa-ntm.toml", to, "\"huyen-ntm\"");
    let message = "commune set xa-ntm cannot require huyen-ntm, a district set; expected a commune set (kieu-mau, nang-cao)";
    let (code, err) = lint(&v, "en");
    assert_eq!(code, 78, "{err}");
    assert!(line_at(&err, &loc).ends_with(message), "{err}");

    // `check` used to panic on such a version (exit 101), then failed as "cannot write the report:
    // no commune set to evaluate" (exit 65); it is refused as bad criteria, located.
    let data = write(
        dir.path(),
        "xa.csv",
        &csv(&[Commune {
            code: "A",
            name: "a",
            year: 2024,
            set: &[],
        }]),
    );
    let (code, _, err) = run(&[
        "--criteria",
        &v,
        "check",
        &data,
        "--level",
        "xa-ntm",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 78, "{err}");
    assert!(line_at(&err, &loc).ends_with(message), "{err}");
}

#[test]
fn validity_years_are_plausible_and_a_typo_gives_one_problem() {
    let dir = tempfile::tempdir().unwrap();
    let v = variant(
        dir.path(),
        &[
            ("xa-ntm.toml", "valid_from = 2022", "valid_from = 202"),
            ("xa-ntm.toml", "valid_to = 2025", "valid_to = 20250"),
        ],
    );
    let (code, err) = lint(&v, "en");
    assert_eq!(code, 78, "{err}");
    for (key, year) in [("valid_from", "202"), ("valid_to", "20250")] {
        let ctx = format!("{key} = {year}\n");
        let line = line_at(&err, &at(&v, "xa-ntm.toml", &ctx, year));
        assert!(
            line.ends_with(&format!(
                "{key} = {year} is outside the years allowed; expected a year from 1900 to 2200"
            )),
            "{line}"
        );
    }
    // The dated thresholds are not each reported as lacking a value for the year 202.
    assert!(err.contains(": 2 problem(s)"), "{err}");
}

#[test]
fn nan_and_infinite_thresholds_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let v = variant(
        dir.path(),
        &[
            ("xa-ntm.toml", "threshold = 70", "threshold = nan"),
            (
                "xa-ntm.toml",
                "threshold = { 2022 = 36",
                "threshold = { 2022 = inf",
            ),
        ],
    );
    let (code, err) = lint(&v, "en");
    assert_eq!(code, 78, "{err}");
    let line = line_at(&err, &at(&v, "xa-ntm.toml", "threshold = nan", "nan"));
    assert!(
        line.ends_with(
            "indicator 2.2: threshold = NaN is not a finite number; expected a finite number"
        ),
        "{line}"
    );
    // A dated threshold is located at the very value.
    let line = line_at(&err, &at(&v, "xa-ntm.toml", "{ 2022 = inf", "inf"));
    assert!(
        line.ends_with(
            "indicator 10: threshold = inf is not a finite number; expected a finite number"
        ),
        "{line}"
    );
    assert!(!err.contains("out of range"), "{err}");
}

#[test]
fn references_to_a_set_whose_file_failed_are_not_reported_again() {
    // A misspelled key (the file does not parse) and a percentage over 100 (it parses, then fails):
    // either way xa-ntm.toml has one problem and the sets requiring xa-ntm none.
    for (from, to) in [
        ("threshold = 70", "thresold = 70"),
        ("threshold = 70", "threshold = 170"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let v = variant(dir.path(), &[("xa-ntm.toml", from, to)]);
        let (code, err) = lint(&v, "en");
        assert_eq!(code, 78, "{err}");
        assert!(!err.contains("no set «xa-ntm»"), "{err}");
        assert!(err.contains(": 1 problem(s)"), "{err}");
    }
    // A set that really is missing is still named.
    let dir = tempfile::tempdir().unwrap();
    let v = variant(
        dir.path(),
        &[
            ("xa-ntm.toml", "threshold = 70", "thresold = 70"),
            (
                "kieu-mau.toml",
                "requires = [\"nang-cao\"]",
                "requires = [\"nang-cao\", \"xa-ntm-x\"]",
            ),
        ],
    );
    let (_, err) = lint(&v, "en");
    assert!(err.contains("no set «xa-ntm-x» in this version"), "{err}");
    assert!(!err.contains("no set «xa-ntm» "), "{err}");
}

#[test]
fn an_unknown_key_is_explained_in_vietnamese_with_the_nearest_key() {
    let dir = tempfile::tempdir().unwrap();
    let v = variant(
        dir.path(),
        &[("xa-ntm.toml", "threshold = 70", "thresold = 70")],
    );
    let loc = at(&v, "xa-ntm.toml", "thresold = 70", "thresold");
    let (code, err) = lint(&v, "vi");
    assert_eq!(code, 78, "{err}");
    let line = line_at(&err, &loc);
    assert!(
        line.ends_with("lỗi: khóa «thresold» không hợp lệ ở đây; các khóa được phép: column, derive, label, label_en, kind, unit, unit_en, op, plausible, threshold, threshold_from, threshold_when, context, verified, note, note_en. Có phải ý bạn là «threshold»?"),
        "{line}"
    );
    let (_, err) = lint(&v, "en");
    assert!(
        line_at(&err, &loc).contains(
            "error: invalid criteria file: unknown field `thresold`, expected one of `column`, `derive`"
        ),
        "{err}"
    );
}

/// An edit of a bundled file: (file, from, to).
type Edit<'a> = (&'a str, &'a str, &'a str);

/// A bad edit and what lint says of it: (what, edits, file, context of the problem's place, its
/// token, the message).
type BadEdit<'a> = (&'a str, &'a [Edit<'a>], &'a str, &'a str, &'a str, &'a str);

/// Each edit that would change verdicts in silence is refused by `lint` with its own message, at the
/// place of the edit, naming the indicators involved; and `check` refuses to use the folder.
#[test]
fn edits_that_would_silently_change_verdicts_each_fail_with_their_own_message() {
    let cases: [BadEdit; 6] = [
        (
            "two keys naming one year",
            &[(
                "xa-ntm.toml",
                "threshold = { 2022 = 36, 2023 = 39, 2024 = 42, 2025 = 45 }",
                "threshold = { 2022 = 36, 2023 = 39, 2024 = 42, 2025 = 45, \"2024 \" = 20 }",
            )],
            "xa-ntm.toml",
            "threshold = { 2022 = 36, 2023 = 39, 2024 = 42, 2025 = 45, \"2024 \" = 20 }",
            "\"2024 \"",
            "indicator 10: the keys «2024» and «2024 » both name year 2024",
        ),
        (
            "threshold_from of another unit",
            &[(
                "nang-cao.toml",
                "  column = \"nc9\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold = 80",
                "  column = \"nc9\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold_from = { set = \"nang-cao\", indicator = \"10\", factor = 1.0 }",
            )],
            "nang-cao.toml",
            "threshold_from = { set = \"nang-cao\", indicator = \"10\", factor = 1.0 }",
            "{",
            "threshold_from of nang-cao 9 (pct) takes the threshold of nang-cao 10 (num (triệu đồng/người/năm)): another kind or unit",
        ),
        (
            "threshold_from of an indicator with several checks",
            &[(
                "nang-cao.toml",
                "  column = \"nc9\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold = 80",
                "  column = \"nc9\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold_from = { set = \"xa-ntm\", indicator = \"17.1\", factor = 1.0 }",
            )],
            "nang-cao.toml",
            "threshold_from = { set = \"xa-ntm\", indicator = \"17.1\", factor = 1.0 }",
            "{",
            "threshold_from of nang-cao 9: indicator xa-ntm 17.1 has 2 thresholds (several checks): which one is meant is unknown",
        ),
        (
            "threshold_from of a conditional threshold",
            &[
                (
                    "nang-cao.toml",
                    "  column = \"nc5\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold = 50",
                    "  column = \"nc5\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold = 50\n  threshold_when = [{ column = \"nc5\", op = \">\", value = 90, threshold = 60 }]",
                ),
                (
                    "nang-cao.toml",
                    "  column = \"nc9\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold = 80",
                    "  column = \"nc9\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold_from = { set = \"nang-cao\", indicator = \"5\", factor = 1.0 }",
                ),
            ],
            "nang-cao.toml",
            "threshold_from = { set = \"nang-cao\", indicator = \"5\", factor = 1.0 }",
            "{",
            "threshold_from of nang-cao 9: the threshold of nang-cao 5 depends on a condition (threshold_when), which would be dropped",
        ),
        (
            "a factor giving an impossible threshold",
            &[(
                "nang-cao.toml",
                "  column = \"nc9\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold = 80",
                "  column = \"nc9\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold_from = { set = \"xa-ntm\", indicator = \"2.2\", factor = 1.5 }",
            )],
            "nang-cao.toml",
            "threshold_from = { set = \"xa-ntm\", indicator = \"2.2\", factor = 1.5 }",
            "{",
            "indicator 9: the 2022 threshold is 105 (computed by threshold_from), outside the plausible values of column nc9 (0–100)",
        ),
        (
            "a threshold outside its column's plausible values",
            &[(
                "xa-ntm.toml",
                "  op = \">=\"\n  threshold = 2\n",
                "  op = \">=\"\n  threshold = 600\n",
            )],
            "xa-ntm.toml",
            "threshold = 600",
            "600",
            "indicator 17.4: the 2022 threshold is 600, outside the plausible values of column 17.4 (0–500)",
        ),
    ];
    for (what, edits, file, context, token, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let v = variant(dir.path(), edits);
        let loc = at(&v, file, context, token);
        let (code, err) = lint(&v, "en");
        assert_eq!(code, 78, "{what}: {err}");
        let line = line_at(&err, &loc);
        assert!(line.contains(message), "{what}: {line}");
        let (code, _) = lint(&v, "vi");
        assert_eq!(code, 78, "{what}");
        // check refuses the folder too, rather than score with it.
        let data = write(
            dir.path(),
            "xa.csv",
            &csv(&[Commune {
                code: "A",
                name: "A",
                year: 2024,
                set: &[],
            }]),
        );
        let (code, _, err) = run(&["check", &data, "--criteria", &v]);
        assert_eq!(code, 78, "{what}: {err}");
    }
}

#[test]
fn two_versions_covering_one_year_are_refused_by_lint_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("all");
    for name in ["a-2024", "b-2024"] {
        let sub = tempfile::tempdir().unwrap();
        let v = variant(sub.path(), &[]);
        let dst = root.join(name);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(&v).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p)
                .unwrap()
                .replace("version = \"v\"", &format!("version = \"{name}\""));
            std::fs::write(dst.join(p.file_name().unwrap()), text).unwrap();
        }
    }
    let root = root.display().to_string();
    let (code, err) = lint(&root, "en");
    assert_eq!(code, 78, "{err}");
    assert!(
        err.contains(
            "two criteria versions both cover 2022–2025: a-2024 (2022–2025) and b-2024 (2022–2025)"
        ),
        "{err}"
    );
    let data = write(
        dir.path(),
        "xa.csv",
        &csv(&[Commune {
            code: "A",
            name: "A",
            year: 2024,
            set: &[],
        }]),
    );
    let (code, _, err) = run(&["check", &data, "--criteria", &root, "--lang", "en"]);
    assert_eq!(code, 64, "{err}");
    assert!(
        err.contains("year 2024 is covered by several criteria versions (a-2024, b-2024)")
            && err.contains("--criteria-version"),
        "{err}"
    );
    // Named, it is used.
    let (code, _, err) = run(&[
        "check",
        &data,
        "--criteria",
        &root,
        "--criteria-version",
        "b-2024",
    ]);
    assert_eq!(code, 0, "{err}");
}
