//! Thresholds by commune group (nhóm xã, the 2026–2030 layout) and `criteria diff`, on the test fixture
//! tests/fixtures/criteria: two versions of an INVENTED set (not 51/2025/QĐ-TTg's figures).
//!
//! v2026-demo, xa-ntm (every figure made up):
//!   2.1 roads ≥ nhóm 1: 90 %, nhóm 2: 80 %, nhóm 3: 60 % in 2026–2027 and 70 % from 2028
//!   3.1 income ≥ nhóm 1: 70 (2026–2027), 80 (from 2028); nhóm 2: 60; nhóm 3: 50
//!   5.1 schools ≥ 70 % (every group); 6.1 poverty ≤ nhóm 1: 1 %, 2: 2 %, 3: 4 %; 6.2 ≤ 5 %
//! xa-hien-dai requires xa-ntm: HĐ.1 income ≥ 1.2 × xa-ntm 3.1 of the commune's group; HĐ.2 Đạt.

use std::path::Path;

use serde_json::Value;

use crate::common::{commune, indicator, json, md_cells, run, write};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(rel: &str) -> String {
    format!("{FIXTURES}/{rel}")
}

/// `ntm --criteria v2026-demo check FILE --format json`: (exit code, document, stderr).
fn check(file: &str, lang: &str) -> (i32, Value, String) {
    let v = fixture("criteria/v2026-demo");
    let (code, out, err) = run(&[
        "--criteria",
        &v,
        "check",
        file,
        "--format",
        "json",
        "--lang",
        lang,
    ]);
    let doc = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, crate::common::nested(doc), err)
}

/// An indicator of xa-ntm (the target set: the commune's own criteria).
fn xa<'a>(doc: &'a Value, code: &str, ind: &str) -> &'a Value {
    commune(doc, code)["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["indicators"].as_array().unwrap())
        .find(|i| i["code"] == ind)
        .unwrap_or_else(|| panic!("no {code} {ind}"))
}

#[test]
fn each_group_is_scored_against_its_own_threshold() {
    let (code, doc, _) = check(&fixture("data/nhom-xa-2026.csv"), "en");
    // T1, T4, T6 fail: exit 1.
    assert_eq!(code, 1);
    // (commune, group, year): 2.1 status, threshold used, gap; 3.1 threshold.
    let cases = [
        // nhóm 1: 85 < 90, short by 5; income 75 ≥ 70 (2027: the 2026 value).
        ("T1", "fail", 90.0, Some(5.0), 70.0),
        // nhóm 2: 85 ≥ 80; 73 ≥ 60.
        ("T2", "pass", 80.0, None, 60.0),
        // nhóm 3 in 2027: 65 ≥ 60; 52 ≥ 50.
        ("T3", "pass", 60.0, None, 50.0),
        // nhóm 3 in 2029: 65 < 70 (dated within the group, from 2028), short by 5.
        ("T4", "fail", 70.0, Some(5.0), 50.0),
        // written «Nhóm 2»: 79 < 80, short by 1; 60 ≥ 60.
        ("T6", "fail", 80.0, Some(1.0), 60.0),
    ];
    for (c, status, threshold, gap, income) in cases {
        let i = xa(&doc, c, "2.1");
        assert_eq!(i["status"], status, "{c}: {i}");
        assert_eq!(i["threshold"], threshold, "{c}: {i}");
        assert_eq!(i["gap"].as_f64(), gap, "{c}: {i}");
        assert_eq!(xa(&doc, c, "3.1")["threshold"], income, "{c}");
        assert_eq!(xa(&doc, c, "3.1")["status"], "pass", "{c}");
    }
    assert_eq!(xa(&doc, "T2", "2.1")["threshold_group"], "2");
    assert_eq!(xa(&doc, "T6", "2.1")["threshold_group"], "2");
    assert_eq!(xa(&doc, "T4", "2.1")["threshold_dated"], 2028);
    // Poverty ≤ the group's figure: 1 ≤ 1 (nhóm 1), 1.5 ≤ 2 (nhóm 2), 3.9 ≤ 4 (nhóm 3).
    for (c, t) in [("T1", 1.0), ("T2", 2.0), ("T3", 4.0)] {
        assert_eq!(xa(&doc, c, "6.1")["threshold"], t, "{c}");
        assert_eq!(xa(&doc, c, "6.1")["status"], "pass", "{c}");
    }
    // The prerequisite set derives its income threshold from the group's: 1.2 × 60 = 72 ≤ 73 for T2;
    // 1.2 × 50 = 60 > 52 for T3, short by 8; 1.2 × 70 = 84 for T1.
    let hd = |c: &str| indicator(commune(&doc, c), "xa-hien-dai", "HĐ.1").clone();
    assert_eq!(
        (hd("T2")["status"].clone(), hd("T2")["threshold"].clone()),
        ("pass".into(), 72.0.into())
    );
    assert_eq!(hd("T3")["threshold"], 60.0);
    assert_eq!(hd("T3")["gap"], 8.0);
    assert_eq!(hd("T1")["threshold"], 84.0);
    let level = |c: &str| commune(&doc, c)["level_reached"].clone();
    assert_eq!(level("T2"), "xa-hien-dai");
    assert_eq!(level("T3"), "xa-ntm");
    assert_eq!(level("T1"), Value::Null);
}

#[test]
fn a_row_without_its_group_is_unknown_never_failed_and_said_so() {
    let file = fixture("data/nhom-xa-2026.csv");
    let (_, doc, err) = check(&file, "en");
    // T5's values meet every group's threshold, T7's none: neither is guessed.
    for c in ["T5", "T7"] {
        for ind in ["2.1", "3.1", "6.1"] {
            let i = xa(&doc, c, ind);
            assert_eq!(i["status"], "missing", "{c} {ind}: {i}");
            assert_eq!(i["threshold"], Value::Null, "{c} {ind}");
        }
        // Thresholds common to every group are scored as usual.
        assert_eq!(xa(&doc, c, "5.1")["status"], "pass", "{c}");
        assert_eq!(xa(&doc, c, "6.2")["status"], "pass", "{c}");
        assert_eq!(commune(&doc, c)["qualified"], Value::Null, "{c}");
        assert_eq!(commune(&doc, c)["level_reached"], Value::Null, "{c}");
        assert_eq!(
            indicator(commune(&doc, c), "xa-hien-dai", "HĐ.1")["status"],
            "missing"
        );
    }
    assert!(
        err.contains(&format!(
            "{file}:8: note: column nhom_xa: commune T5 (Xã Thử Năm) has no commune group: the indicators whose threshold depends on the group are treated as missing (unknown, not failed); found «»; expected a group: 1, 2, 3"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:10: note: column nhom_xa: commune T7 (Xã Thử Bảy)"
        )),
        "{err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.contains("nhom_xa")).count(),
        2,
        "{err}"
    );
    let (_, _, err) = check(&file, "vi");
    assert!(
        err.contains(&format!(
            "{file}:8: lưu ý: cột nhom_xa: xã T5 (Xã Thử Năm) không ghi nhóm xã: các chỉ tiêu có ngưỡng theo nhóm được coi là thiếu số liệu"
        )),
        "{err}"
    );
    // The appraisal list says what is missing: the group, not the value.
    let v = fixture("criteria/v2026-demo");
    let (_, out, _) = run(&[
        "--criteria",
        &v,
        "check",
        &file,
        "--commune",
        "T5",
        "--lang",
        "en",
    ]);
    assert!(
        out.contains("indicator 2.1: Share of commune roads hardened (test) — commune group missing (column nhom_xa)"),
        "{out}"
    );
}

#[test]
fn a_group_the_set_does_not_declare_is_a_cell_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "bad.csv",
        "ma_xa;ten_xa;huyen;nam;nhom_xa;1.1;2.1;3.1;5.1;6.1;6.2;hd2\nA1;Xã A;H;2027;4;Đạt;85;73;72;1,5;3;Đạt\nA2;Xã B;H;2027;2;Đạt;85;73;72;1,5;3;Đạt\n",
    );
    let (code, doc, err) = check(&file, "en");
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains(&format!(
            "{file}:2: error: column nhom_xa: not a commune group of the criteria; found «4»; expected one of the groups 1, 2, 3 (written «2» or «Nhóm 2»), or empty when not known"
        )),
        "{err}"
    );
    // The row is listed as not scored; the other is scored.
    assert_eq!(doc["unscored"][0]["code"], "A1");
    assert_eq!(doc["communes"].as_array().unwrap().len(), 1);
}

#[test]
fn a_file_without_the_group_column_says_so_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "no-group.csv",
        "ma_xa;ten_xa;huyen;nam;1.1;2.1;3.1;5.1;6.1;6.2;hd2\nA1;Xã A;H;2027;Đạt;85;73;72;1,5;3;Đạt\nA2;Xã B;H;2027;Đạt;85;73;72;1,5;3;Đạt\n",
    );
    let (code, doc, err) = check(&file, "en");
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err.lines().filter(|l| l.contains("nhom_xa")).count(),
        1,
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:1: note: the file has no nhom_xa column (commune group)"
        )),
        "{err}"
    );
    assert_eq!(xa(&doc, "A2", "2.1")["status"], "missing");
}

/// A copy of the v2026-demo fixture in `dir/v2026-demo`, with `(file, from, to)` edits.
fn variant(dir: &Path, edits: &[(&str, &str, &str)]) -> String {
    let src = fixture("criteria/v2026-demo");
    let dst = dir.join("v2026-demo");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let mut text = std::fs::read_to_string(&p).unwrap();
        for (_, from, to) in edits.iter().filter(|(f, _, _)| *f == name) {
            assert!(text.contains(from), "{name} has no «{from}»");
            text = text.replacen(from, to, 1);
        }
        std::fs::write(dst.join(&name), text).unwrap();
    }
    dst.display().to_string()
}

/// `file:line:col:` of `token` within the line holding `context`.
fn at(v: &str, file: &str, context: &str, token: &str) -> String {
    let text = std::fs::read_to_string(format!("{v}/{file}")).unwrap();
    let off = text.find(context).unwrap() + context.find(token).unwrap();
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("{v}/{file}:{line}:{col}:")
}

#[test]
fn lint_refuses_a_group_without_a_threshold_and_an_unknown_group() {
    // Each version folder is clean (the two cover the same years: together, lint refuses them).
    for v in ["criteria/v2026-demo", "criteria/v2026-demo-amended"] {
        let (code, out, err) = run(&["criteria", "lint", &fixture(v)]);
        assert_eq!(code, 0, "{out}{err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let missing = r#"threshold = { nhom = { "1" = 1, "2" = 2 } }"#;
    let unknown = r#"threshold = { nhom = { "1" = 90, "2" = 80, "3" = { 2026 = 60, 2028 = 70 }, "4" = 50 } }"#;
    let v = variant(
        dir.path(),
        &[
            (
                "xa-ntm.toml",
                r#"threshold = { nhom = { "1" = 1, "2" = 2, "3" = 4 } }"#,
                missing,
            ),
            (
                "xa-ntm.toml",
                r#"threshold = { nhom = { "1" = 90, "2" = 80, "3" = { 2026 = 60, 2028 = 70 } } }"#,
                unknown,
            ),
        ],
    );
    let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
    assert_eq!(code, 78, "{err}");
    let here = at(&v, "xa-ntm.toml", missing, "nhom");
    assert!(
        err.contains(&format!(
            "{here} error: indicator 6.1: no threshold for group 3: communes of that group could not be scored; expected a threshold for every group: 1, 2, 3"
        )),
        "{here}\n{err}"
    );
    let here = at(&v, "xa-ntm.toml", unknown, "\"4\"");
    assert!(
        err.contains(&format!(
            "{here} error: indicator 2.1: group «4» is not one of the groups [set] declares; expected one of the groups 1, 2, 3"
        )),
        "{here}\n{err}"
    );
    let (_, _, err) = run(&["criteria", "lint", &v]);
    assert!(
        err.contains("lỗi: chỉ tiêu 6.1: không có ngưỡng cho nhóm 3: xã thuộc nhóm đó sẽ không chấm được; cần một ngưỡng cho mỗi nhóm: 1, 2, 3"),
        "{err}"
    );
    // Sets of one version declare the same groups.
    let dir = tempfile::tempdir().unwrap();
    let v = variant(
        dir.path(),
        &[(
            "xa-hien-dai.toml",
            r#"  { id = "3", name = "Nhóm 3 (thử): xã vùng khó khăn", name_en = "Group 3 (test): communes in difficult areas" },
"#,
            "",
        )],
    );
    let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
    assert_eq!(code, 78, "{err}");
    assert!(
        err.contains("set xa-ntm declares the groups 1, 2, 3, but set xa-hien-dai (")
            && err.contains(": the nhom_xa column has one meaning; expected the groups 1, 2, in the same order, in every set of the version"),
        "{err}"
    );
}

#[test]
fn show_puts_the_groups_thresholds_side_by_side() {
    let v = fixture("criteria/v2026-demo");
    let (code, out, _) = run(&["--criteria", &v, "criteria", "show", "xa-ntm"]);
    assert_eq!(code, 0);
    let header = out.lines().find(|l| l.contains("Chỉ tiêu")).unwrap();
    assert!(
        header.contains("  Nhóm 1  ")
            && header.contains("  Nhóm 2  ")
            && header.contains("  Nhóm 3  "),
        "{header}"
    );
    let (_, md, _) = run(&[
        "--criteria",
        &v,
        "criteria",
        "show",
        "xa-ntm",
        "--format",
        "md",
    ]);
    let cells = md
        .lines()
        .map(md_cells)
        .find(|c| c.len() > 4 && c[1] == "2.1")
        .unwrap();
    assert_eq!(
        cells[4..7],
        ["≥ 90 %*", "≥ 80 %*", "≥ 60 (2026) · 70 (2028) %*"],
        "{cells:?}"
    );
    // A threshold common to every group repeats in each column.
    let row = out.lines().find(|l| l.contains("  5.1  ")).unwrap();
    assert_eq!(row.matches("≥ 70 %*").count(), 3, "{row}");
    assert!(
        out.contains("Nhóm xã (cột nhom_xa): 1 = Nhóm 1 (thử): xã ven đô thị"),
        "{out}"
    );
    let (_, doc) = json(&[
        "--criteria",
        &v,
        "criteria",
        "show",
        "xa-hien-dai",
        "--year",
        "2029",
        "--format",
        "json",
    ]);
    let check = &doc["criteria"][0]["indicators"][0]["checks"][0];
    // 1.2 × 80 (nhóm 1 from 2028), 1.2 × 60, 1.2 × 50.
    assert_eq!(check["by_group"]["1"]["threshold"], 96.0);
    assert_eq!(check["by_group"]["2"]["threshold"], 72.0);
    assert_eq!(check["by_group"]["3"]["threshold"], 60.0);
    assert_eq!(doc["groups"][2]["id"], "3");
    assert_eq!(
        doc["groups"][2]["name_en"],
        "Group 3 (test): communes in difficult areas"
    );
}

#[test]
fn the_template_has_a_group_column_only_when_thresholds_vary_by_group() {
    let v = fixture("criteria/v2026-demo");
    let (code, out, _) = run(&["--criteria", &v, "template", "--year", "2027"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("ma_xa;ten_xa;huyen;nam;nhom_xa;1.1;2.1;"),
        "{out}"
    );
    assert!(out.contains(";Nhóm xã (1, 2, 3);"), "{out}");
    let (_, out, _) = run(&["template", "--year", "2024"]);
    assert!(!out.contains("nhom_xa"), "{out}");
}

#[test]
fn expert_cases_give_the_commune_group() {
    let v = fixture("criteria/v2026-demo");
    let cases = fixture("cases/v2026-demo.toml");
    let (code, out, err) = run(&["--criteria", &v, "test", &cases]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("6 đạt, 0 không đạt"), "{out}");
    // The same inputs in another group fail: the cases do test the groups.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&cases)
        .unwrap()
        .replacen("group = 2\n", "group = 1\n", 1);
    let moved = write(dir.path(), "moved.toml", &text);
    let (code, out, _) = run(&["--criteria", &v, "test", &moved, "--lang", "en"]);
    assert_eq!(code, 1, "{out}");
    let bad = write(
        dir.path(),
        "bad.toml",
        "[[case]]\nname = \"x\"\nset = \"xa-ntm\"\nyear = 2027\ngroup = 4\n  [case.expect]\n  qualified = true\n",
    );
    let (code, _, err) = run(&["--criteria", &v, "test", &bad, "--lang", "en"]);
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains(&format!("{bad}:5:9: error: group: not a commune group of the criteria; found «4»; expected one of the groups 1, 2, 3")),
        "{err}"
    );
}

#[test]
fn diff_lists_every_kind_of_change_between_two_versions() {
    let dir = fixture("criteria");
    // Two version folders…
    let (old, new) = (
        fixture("criteria/v2026-demo"),
        fixture("criteria/v2026-demo-amended"),
    );
    let (code, doc) = json(&["criteria", "diff", &old, &new, "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(doc["old"]["version"], "v2026-demo");
    assert_eq!(doc["new"]["version"], "v2026-demo-amended");
    let changes = doc["changes"].as_array().unwrap();
    assert_eq!(doc["count"], changes.len());
    let find = |kind: &str, ind: &str| -> Vec<&Value> {
        changes
            .iter()
            .filter(|c| c["kind"] == kind && (ind.is_empty() || c["indicator"] == ind))
            .collect()
    };
    let one = |kind: &str, ind: &str| -> &Value {
        let found = find(kind, ind);
        assert_eq!(found.len(), 1, "{kind} {ind}: {found:?}");
        found[0]
    };
    // Removed, added, renamed (same code), recoded (same name).
    assert_eq!(
        one("indicator_removed", "1.1")["old"],
        "Có quy hoạch chung xã (thử)"
    );
    assert_eq!(
        one("indicator_added", "7.1")["new"],
        "Có điểm truy cập Internet công cộng (thử)"
    );
    assert_eq!(one("indicator_added", "1.2")["criterion"], "1");
    assert_eq!(one("criterion_added", "")["criterion"], "7");
    let renamed = one("indicator_renamed", "6.1");
    assert_eq!(
        (renamed["old"].as_str(), renamed["new"].as_str()),
        (
            Some("Tỷ lệ hộ nghèo (thử)"),
            Some("Tỷ lệ hộ nghèo đa chiều (thử)")
        )
    );
    let recoded = one("indicator_recoded", "5.2");
    assert_eq!(recoded["old_indicator"], "5.1");
    // Thresholds per year and group: 2.1 nhóm 3 from 2028, 3.1 nhóm 2 every year.
    let t = one("threshold_changed", "2.1");
    assert_eq!(t["groups"], serde_json::json!(["3"]));
    assert_eq!(t["years"], serde_json::json!([2028, 2030]));
    assert_eq!(
        (t["old"].as_f64(), t["new"].as_f64()),
        (Some(70.0), Some(75.0))
    );
    let t = find("threshold_changed", "3.1");
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!(t[0]["groups"], serde_json::json!(["2"]));
    assert_eq!(t[0]["years"], serde_json::json!([2026, 2030]));
    // A derived threshold follows its factor (1.2 → 1.25) and its base, group by group.
    let hd: Vec<(Value, Value, Value, Value)> = find("threshold_changed", "HĐ.1")
        .iter()
        .map(|c| {
            (
                c["groups"].clone(),
                c["years"].clone(),
                c["old"].clone(),
                c["new"].clone(),
            )
        })
        .collect();
    assert_eq!(
        hd,
        [
            (
                serde_json::json!(["1"]),
                serde_json::json!([2026, 2027]),
                84.0.into(),
                87.5.into()
            ),
            (
                serde_json::json!(["1"]),
                serde_json::json!([2028, 2030]),
                96.0.into(),
                100.0.into()
            ),
            (
                serde_json::json!(["2"]),
                serde_json::json!([2026, 2030]),
                72.0.into(),
                81.25.into()
            ),
            (
                serde_json::json!(["3"]),
                serde_json::json!([2026, 2030]),
                60.0.into(),
                62.5.into()
            ),
        ]
    );
    let op = one("op_changed", "6.2");
    assert_eq!(
        (op["old"].as_str(), op["new"].as_str()),
        (Some("≤"), Some("<"))
    );
    let src = one("source_changed", "2.1");
    assert_eq!(
        (src["old"].as_str(), src["new"].as_str()),
        (
            Some("THU-01/2026, 2.1"),
            Some("THU-02/2026, 2.1; sửa đổi thử")
        )
    );
    let ver = one("verified_changed", "3.1");
    assert_eq!(
        (ver["old"].as_bool(), ver["new"].as_bool()),
        (Some(false), Some(true))
    );
    let decisions: Vec<&Value> = changes
        .iter()
        .filter(|c| c["kind"] == "set_changed" && c["field"] == "decision_date")
        .collect();
    assert_eq!(decisions.len(), 2, "{decisions:?}");
    // Nothing else: every change is one of those above.
    assert_eq!(changes.len(), 20, "{changes:#?}");

    // …or two version ids of a --criteria folder: the table says the same, one row per change.
    let (code, out, _) = run(&[
        "--criteria",
        &dir,
        "criteria",
        "diff",
        "v2026-demo",
        "v2026-demo-amended",
        "--lang",
        "en",
        "--format",
        "md",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains(": 20 change(s)"), "{out}");
    // The table row of a change to an indicator.
    let row = |kind: &str, ind: &str| -> Vec<String> {
        out.lines()
            .map(md_cells)
            .find(|cells| cells.len() == 9 && cells[1] == kind && cells[3] == ind)
            .unwrap_or_else(|| panic!("no «{kind}» of {ind}:\n{out}"))
    };
    assert_eq!(
        row("threshold changed", "2.1"),
        [
            "xa-ntm",
            "threshold changed",
            "2",
            "2.1",
            "2.1",
            "3",
            "2028–2030",
            "70",
            "75"
        ]
    );
    assert_eq!(
        row("indicator recoded (same name)", "5.2")[7..],
        ["5.1", "5.2"]
    );
    assert_eq!(
        row("indicator renamed", "6.1")[7..],
        ["Tỷ lệ hộ nghèo (thử)", "Tỷ lệ hộ nghèo đa chiều (thử)"]
    );
    assert_eq!(row("comparison changed", "6.2")[7..], ["≤", "<"]);
    assert_eq!(row("source changed", "2.1")[2], "2");
    assert_eq!(row("verified flag changed", "3.1")[7..], ["false", "true"]);
    assert_eq!(row("indicator removed", "1.1")[2], "1");
    assert_eq!(row("indicator added", "7.1")[2], "7");
    let (_, md, _) = run(&[
        "--criteria",
        &dir,
        "criteria",
        "diff",
        "v2026-demo",
        "v2026-demo-amended",
        "--format",
        "md",
    ]);
    assert!(
        md.contains("| xa-ntm | đổi ngưỡng | 2 | 2.1 | 2.1 | 3 | 2028–2030 | 70 | 75 |"),
        "{md}"
    );
}

#[test]
fn diff_takes_folders_and_sets_and_exits_like_diff() {
    let (old, new) = (
        fixture("criteria/v2026-demo"),
        fixture("criteria/v2026-demo-amended"),
    );
    // Folders, one set each.
    let (code, doc) = json(&[
        "criteria",
        "diff",
        &format!("{old}:xa-hien-dai"),
        &format!("{new}:xa-hien-dai"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert!(
        doc["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["set"] == "xa-hien-dai")
    );
    assert_eq!(doc["new"]["set"], "xa-hien-dai");
    // A version against itself: no difference, exit 0.
    let (code, out, _) = run(&["criteria", "diff", &old, &old, "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(out.contains("no difference"), "{out}");
    let (code, out, _) = run(&["criteria", "diff", "lang-son-2024", "lang-son-2024"]);
    assert_eq!(
        (code, out.contains("không có thay đổi")),
        (0, true),
        "{out}"
    );
    // Usage errors: an unknown version or set, a folder of several versions.
    for (a, b) in [
        ("nope", "lang-son-2024"),
        ("lang-son-2024:nope", "lang-son-2024"),
        (&fixture("criteria"), "lang-son-2024"),
    ] {
        let (code, _, err) = run(&["criteria", "diff", a, b]);
        assert_eq!(code, 64, "{a} {b}: {err}");
    }
    // A bad criteria folder.
    let dir = tempfile::tempdir().unwrap();
    let v = variant(dir.path(), &[("xa-ntm.toml", "\"3\" = 4 }", "\"4\" = 4 }")]);
    let (code, _, err) = run(&["criteria", "diff", &v, &old]);
    assert_eq!(code, 78, "{err}");
}
