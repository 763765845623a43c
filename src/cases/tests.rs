//! Case files read against the bundled criteria: what loads, what is refused and where, and what a
//! run compares. Figures are from ../shared/reference/ntm-criteria.md §3–§5.

use super::*;
use crate::criteria::catalog::Catalog;
use crate::i18n::Lang;

/// A commune meeting every xã NTM indicator in 2024 except where a case says otherwise.
const XA: &str = r#"
[defaults]
set = "xa-ntm"
year = 2024
[defaults.inputs]
"1.1" = "Đạt"
"1.2" = "Đạt"
"2.1" = "100"
"2.2" = "90"
"2.3a" = "100"
"2.3b" = "80"
"2.4" = "75"
"3.1" = "85"
"3.2a" = "Đạt"
"3.2b" = 75
"4.1" = "Đạt"
"4.2" = "99"
"5a" = "100"
"5b" = "75"
"5n" = 4
"6.1" = "Đạt"
"6.2" = "Đạt"
"6.3" = "100"
"7" = "Đạt"
"8.1" = "Đạt"
"8.2" = "Đạt"
"8.3" = "Đạt"
"8.4" = "Đạt"
"9.1" = 0
"9.2" = "90"
"10" = "55"
"11" = "3,5"
"12.1" = "95"
"12.2" = "75"
"12.3" = "30"
"13.1" = "Đạt"
"13.2" = "Đạt"
"13.3" = "Đạt"
"13.4" = "Đạt"
"13.5" = "Đạt"
"14.1a" = "Đạt"
"14.1b" = "99"
"14.2" = "90"
"15.1" = "96"
"15.2" = "Đạt"
"15.3" = "20"
"15.4" = "60"
"16" = "95"
"17.1a" = "98"
"17.1b" = "60"
"17.2" = "100"
"17.3" = "Đạt"
"17.4" = 3
"17.5" = "Đạt"
"17.6" = "Đạt"
"17.7" = "80"
"17.8" = "70"
"17.9" = "100"
"17.10" = "55"
"17.11" = "60"
"18.1" = "Đạt"
"18.2" = "Đạt"
"18.3" = "Đạt"
"18.4" = "Đạt"
"18.5" = "Đạt"
"18.6" = "Đạt"
"19.1" = "Đạt"
"19.2" = "Đạt"
"#;

fn catalog() -> Catalog {
    Catalog::bundled().expect("bundled criteria load")
}

fn load_str(cat: &Catalog, cases: &str) -> Loaded {
    load("t.toml", &format!("{XA}{cases}"), cat, None)
}

/// The line of the first occurrence of `needle` in the full file text.
fn line_of(cases: &str, needle: &str) -> usize {
    let full = format!("{XA}{cases}");
    let at = full.find(needle).expect("needle in text");
    crate::diag::line_col(&full, at).0
}

fn outcomes(cases: &str) -> Vec<(String, Vec<Mismatch>)> {
    let cat = catalog();
    let loaded = load_str(&cat, cases);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded
        .cases
        .iter()
        .map(|c| {
            let o = run(c, &cat);
            (c.name.clone(), o.mismatches)
        })
        .collect()
}

#[test]
fn a_right_expectation_passes_and_a_wrong_one_names_expected_and_actual() {
    // 2.2 ≥ 70 %: 66,8 % fails, 3,2 short. The second case expects the opposite.
    let out = outcomes(
        r#"
[[case]]
name = "right"
inputs = { "2.2" = "66,8" }
expect = { qualified = false, level = "none", indicators = { "2.2" = "fail" }, gap = { "2.2" = 3.2 } }
[[case]]
name = "wrong"
inputs = { "2.2" = "66,8" }
expect = { qualified = true, indicators = { "2.2" = "pass" }, gap = { "2.2" = 3.0 } }
"#,
    );
    assert!(out[0].1.is_empty(), "{:?}", out[0].1);
    let wrong = &out[1].1;
    assert_eq!(wrong.len(), 3, "{wrong:?}");
    assert_eq!(wrong[0].item, Item::Qualified);
    assert_eq!(wrong[0].expected, Got::Verdict(Verdict::Pass));
    assert_eq!(wrong[0].actual, Got::Verdict(Verdict::Fail));
    assert_eq!(wrong[1].actual, Got::Status(Status::Fail));
    assert!(matches!(wrong[2].actual, Got::Number(Some(g)) if (g - 3.2).abs() < 1e-9));
}

#[test]
fn a_compound_indicator_names_its_check_and_a_conditional_threshold_reads_its_column() {
    // 2.3: a ≥ 100, b ≥ 50 (b = 45 short by 5); 5: b ≥ 70 when 5n > 3, else 50.
    let cat = catalog();
    let cases = r#"
[[case]]
name = "x"
inputs = { "2.3b" = "45", "5n" = 3, "5b" = "60" }
expect = { gap = { "2.3/2.3b" = 5, "2.3/2.3a" = 0 }, threshold = { "5/5b" = 50, "xa-ntm:10" = 42 } }
"#;
    let loaded = load_str(&cat, cases);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let e = &loaded.cases[0].expect;
    let b = e.gap.iter().find(|(k, _)| k.written == "2.3/2.3b").unwrap();
    assert_eq!((b.0.code.as_str(), b.0.check), ("2.3", 1));
    assert_eq!(e.threshold[1].0.set, "xa-ntm");
    let out = outcomes(cases);
    assert!(out[0].1.is_empty(), "{:?}", out[0].1);
}

#[test]
fn the_same_income_passes_in_2023_and_fails_in_2024() {
    // Income ≥ 39 in 2023, ≥ 42 in 2024 (dated thresholds): 40 passes, then fails short by 2.
    let out = outcomes(
        r#"
[[case]]
name = "2023"
year = 2023
inputs = { "10" = 40 }
expect = { qualified = true, threshold = { "10" = 39 } }
[[case]]
name = "2024"
inputs = { "10" = 40 }
expect = { qualified = true, threshold = { "10" = 39 } }
"#,
    );
    assert!(out[0].1.is_empty(), "{:?}", out[0].1);
    let m = &out[1].1;
    assert_eq!(m.len(), 2, "{m:?}");
    assert_eq!(m[1].actual, Got::Number(Some(42.0)));
}

#[test]
fn numbers_agree_to_two_decimals() {
    assert!(same_number(33.333333, 33.33));
    assert!(same_number(0.05, 0.05));
    assert!(!same_number(3.2, 3.21));
    assert!(!same_number(52.7, 52.8));
}

#[test]
fn a_misspelled_key_is_refused_with_its_line_and_column() {
    let cases = "\n[[case]]\nname = \"a\"\n  [case.expect]\n  qualifed = true\n";
    let loaded = load_str(&catalog(), cases);
    assert!(loaded.cases.is_empty());
    let p = &loaded.problems[0];
    assert_eq!(p.kind, "unknown-key");
    assert_eq!((p.line, p.col), (Some(line_of(cases, "qualifed")), Some(3)));
    assert!(p.message.en.contains("qualifed"), "{p:?}");
}

#[test]
fn bad_inputs_and_keys_are_each_located_and_the_case_is_not_run() {
    let cases = r#"
[[case]]
name = "bad"
inputs = { "2.2" = "khoảng 70", "2.22" = "1", "2.1" = "KAD", "nc2.2" = "90" }
expect = { indicators = { "2.9" = "fail" }, gap = { "2.3" = 1 }, qualified = "maybe" }
"#;
    let loaded = load_str(&catalog(), cases);
    assert!(loaded.cases.is_empty());
    let kinds: Vec<&str> = loaded.problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            "bad-cell",
            "unknown-column",
            "not-applicable",
            "unused-input",
            "case-key",
            "case-key",
            "case-expect"
        ],
        "{:?}",
        loaded.problems
    );
    let line = line_of(cases, "khoảng 70");
    assert!(loaded.problems[..4].iter().all(|p| p.line == Some(line)));
    assert_eq!(loaded.problems[0].found.as_deref(), Some("khoảng 70"));
    assert_eq!(
        loaded.problems[1].expected.as_ref().map(|t| t.en.as_str()),
        Some("did you mean 2.2?")
    );
}

#[test]
fn a_case_without_expectations_or_with_a_year_out_of_range_is_refused() {
    let cases = r#"
[[case]]
name = "nothing"
expect = {}
[[case]]
name = "old"
year = 2019
expect = { qualified = true }
"#;
    let loaded = load_str(&catalog(), cases);
    assert!(loaded.cases.is_empty());
    assert_eq!(loaded.problems[0].kind, "case-expect");
    assert_eq!(loaded.problems[1].kind, "year-outside");
    assert_eq!(loaded.problems[1].line, Some(line_of(cases, "2019")));
}

#[test]
fn a_district_case_scores_its_communes_and_explains_the_share() {
    // H0.1 ≥ 100 %: one commune of two fails 2.2 (66,8 < 70): 50 %, short by 50.
    let cat = catalog();
    let commune: String = XA.split("[defaults.inputs]").nth(1).unwrap().to_string();
    let src = format!(
        r#"
[defaults]
set = "huyen-ntm"
year = 2024
[defaults.inputs]
"h1" = "Đạt"
[defaults.commune_inputs]{commune}
[[case]]
name = "d"
communes = [{{ name = "Xã A" }}, {{ name = "Xã B", inputs = {{ "2.2" = "66,8" }} }}]
expect = {{ qualified = true, gap = {{ "H0.1" = 50 }} }}
"#
    );
    let loaded = load("d.toml", &src, &cat, None);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let case = &loaded.cases[0];
    assert!(case.is_district());
    assert_eq!(case.commune_sets, ["xa-ntm", "nang-cao"]);
    let v = cat.version(&case.version).unwrap();
    let o = run(case, &cat);
    // Other district indicators are missing, but a failing one decides: not qualified (§2.3).
    assert_eq!(o.mismatches.len(), 1, "{:?}", o.mismatches);
    assert_eq!(o.mismatches[0].actual, Got::Verdict(Verdict::Fail));
    let text = render::outcome(&o, v, Lang::En);
    assert!(text.contains("✗ d"), "{text}");
    assert!(
        text.contains("Xã A: Met (19/19); Xã B: Not met (18/19)"),
        "{text}"
    );
    assert!(text.contains("short by 50 percentage points"), "{text}");
}

#[test]
fn a_failure_is_rendered_with_the_dated_threshold_verified_flag_and_source() {
    let cat = catalog();
    let loaded = load_str(
        &cat,
        "[[case]]\nname = \"c\"\nyear = 2023\ninputs = { \"10\" = \"38,5\" }\nexpect = { qualified = true }\n",
    );
    let case = &loaded.cases[0];
    let v = cat.version(&case.version).unwrap();
    let text = render::outcome(&run(case, &cat), v, Lang::Vi);
    assert!(
        text.contains("đạt chuẩn xa-ntm: mong đợi Đạt; kết quả Chưa đạt"),
        "{text}"
    );
    assert!(
        text.contains("10: 38,5 triệu đồng/người/năm; cần ≥ 39 triệu đồng/người/năm (2023)*; Không đạt, còn thiếu 0,5 triệu đồng/người/năm; chưa đối chiếu"),
        "{text}"
    );
    assert!(text.contains("nguồn: 318/QĐ-TTg, PL I, 10"), "{text}");
    assert_eq!(
        render::summary(3, 1, Lang::Vi),
        "Tổng cộng 4 ca kiểm thử: 3 đạt, 1 không đạt\n"
    );
}

/// A commune case of the base row expecting xã NTM, which passes as it is: the tests below change
/// it after reading, where the case file's own checks no longer look.
fn passing_case(cat: &Catalog) -> Case {
    let loaded = load_str(
        cat,
        "[[case]]\nname = \"c\"\nexpect = { qualified = true }\n",
    );
    let case = loaded.cases[0].clone();
    assert!(run(&case, cat).passed());
    case
}

#[test]
fn a_row_the_pipeline_does_not_score_fails_the_case_and_says_why() {
    // A case's rows are checked when the file is read, so the pipeline scores them; a row changed
    // after (1990: no set of the version is valid then) is refused by the pipeline's own checks,
    // and the case fails on it rather than on an empty result.
    let cat = catalog();
    let mut case = passing_case(&cat);
    case.unit.year = 1990;
    let o = run(&case, &cat);
    assert_eq!(o.mismatches.len(), 1, "{:?}", o.mismatches);
    assert_eq!(o.mismatches[0].item, Item::Pipeline);
    assert!(
        matches!(&o.mismatches[0].actual, Got::Scored(Some(why)) if why.en.contains("1990")),
        "{:?}",
        o.mismatches[0]
    );
    let v = cat.version(&case.version).unwrap();
    let text = render::outcome(&o, v, Lang::En);
    assert!(
        text.contains("the pipeline of ntm check: expected scored; actual not scored: "),
        "{text}"
    );
    assert!(!text.contains("Explanation"), "{text}");
}

#[test]
fn an_error_left_in_a_commune_cases_table_fails_the_case() {
    // What reading found in a case's table is reported by the pipeline as a file's is: an error
    // left there (put after reading here) fails a commune case, as it already failed a district
    // case (whose table the pipeline reads as the district's).
    let cat = catalog();
    let mut case = passing_case(&cat);
    let error = crate::diag::Problem::error(
        "test",
        "cases.toml",
        crate::i18n::Text::new("lỗi để lại", "an error left"),
    );
    case.data.problems.push(error);
    let o = run(&case, &cat);
    assert_eq!(o.mismatches.len(), 1, "{:?}", o.mismatches);
    assert!(
        matches!(&o.mismatches[0].actual, Got::Scored(Some(why)) if why.en == "an error left"),
        "{:?}",
        o.mismatches[0]
    );
}
