//! `ntm criteria list|show|lint` and loading another criteria folder.

use std::path::Path;

use crate::common::{Commune, csv, json, run, write};

#[test]
fn list_gives_the_four_sets_with_the_references_counts() {
    let (code, doc) = json(&["criteria", "list", "--format", "json"]);
    assert_eq!(code, 0);
    let v = &doc["versions"][0];
    assert_eq!(v["id"], "lang-son-2024");
    let sets = v["sets"].as_array().unwrap();
    let count = |id: &str| {
        sets.iter()
            .find(|s| s["id"] == id)
            .map(|s| s["criteria"].clone())
            .unwrap()
    };
    assert_eq!(count("xa-ntm"), 19);
    assert_eq!(count("nang-cao"), 19);
    assert_eq!(count("kieu-mau"), 4);
    // 9 district criteria plus the commune-share condition (criterion 0).
    assert_eq!(count("huyen-ntm"), 10);
    let xa = sets.iter().find(|s| s["id"] == "xa-ntm").unwrap();
    assert_eq!(xa["decision"], "1062/QĐ-UBND");
    assert_eq!(xa["decision_date"], "2024-06-17");
    assert_eq!(xa["valid_from"], 2022);
    assert_eq!(xa["valid_to"], 2025);
    assert_eq!(xa["indicators"], 57);
    assert!(xa["unverified"].as_u64().unwrap() > 0);
    let nc = sets.iter().find(|s| s["id"] == "nang-cao").unwrap();
    assert_eq!(nc["requires"][0], "xa-ntm");
}

fn check_of<'a>(doc: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["indicators"].as_array().unwrap())
        .find(|i| i["code"] == code)
        .map(|i| &i["checks"][0])
        .unwrap_or_else(|| panic!("no {code}"))
}

#[test]
fn show_gives_the_years_thresholds_and_marks_unverified_ones() {
    let (_, doc) = json(&[
        "criteria", "show", "xa-ntm", "--year", "2024", "--format", "json",
    ]);
    assert_eq!(check_of(&doc, "10")["threshold"], 42.0);
    assert_eq!(check_of(&doc, "10")["verified"], false);
    assert_eq!(check_of(&doc, "2.2")["threshold"], 70.0);
    assert_eq!(check_of(&doc, "2.2")["verified"], false);
    assert_eq!(check_of(&doc, "3.1")["threshold"], 80.0);
    assert_eq!(check_of(&doc, "3.1")["verified"], true);
    let (_, doc) = json(&[
        "criteria", "show", "xa-ntm", "--year", "2023", "--format", "json",
    ]);
    assert_eq!(check_of(&doc, "10")["threshold"], 39.0);
    let (_, doc) = json(&[
        "criteria", "show", "kieu-mau", "--year", "2024", "--format", "json",
    ]);
    assert_eq!(check_of(&doc, "KM.2")["threshold"], 52.8);

    let (code, out, _) = run(&["criteria", "show", "xa-ntm", "--year", "2024"]);
    assert_eq!(code, 0);
    assert!(out.contains("≥ 42 triệu đồng/người/năm (2024)*"), "{out}");
    assert!(out.contains("≥ 70 %*"), "{out}");
    let line31 = out.lines().find(|l| l.contains("  3.1  ")).unwrap();
    assert!(
        line31.contains("≥ 80 % ") && !line31.contains("80 %*"),
        "{line31}"
    );
    assert!(line31.contains("318/QĐ-TTg, PL I, 3.1"), "{line31}");
    let (_, out, _) = run(&[
        "criteria", "show", "kieu-mau", "--year", "2024", "--lang", "en",
    ]);
    assert!(out.contains("≥ 52.8 million VND/person/year"), "{out}");
}

#[test]
fn show_unverified_lists_only_unverified_figures() {
    let (_, doc) = json(&[
        "criteria",
        "show",
        "xa-ntm",
        "--unverified",
        "--format",
        "json",
    ]);
    let checks: Vec<&serde_json::Value> = doc["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["indicators"].as_array().unwrap())
        .flat_map(|i| i["checks"].as_array().unwrap())
        .collect();
    assert!(!checks.is_empty());
    assert!(checks.iter().all(|c| c["verified"] == false));
    let (_, doc_all) = json(&["criteria", "list", "--format", "json"]);
    let xa = doc_all["versions"][0]["sets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "xa-ntm")
        .unwrap()
        .clone();
    assert_eq!(
        checks.len() as u64,
        xa["unverified"].as_u64().unwrap(),
        "every unverified figure listed"
    );
    let (_, out, _) = run(&["criteria", "show", "xa-ntm", "--unverified"]);
    assert!(out.contains("  2.2  "), "2.2 is unverified: {out}");
    assert!(!out.contains("  3.1  "), "3.1 is verified: {out}");
}

/// A copy of the bundled version in `dir/<name>`, with `edit` applied to one file.
fn copy_version(dir: &Path, name: &str, file: &str, edit: impl Fn(String) -> String) -> String {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("criteria/lang-son-2024");
    let dst = dir.join(name);
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        let mut text = std::fs::read_to_string(&p).unwrap();
        text = text.replace(
            "version = \"lang-son-2024\"",
            &format!("version = \"{name}\""),
        );
        if p.file_name().unwrap() == file {
            text = edit(text);
        }
        std::fs::write(dst.join(p.file_name().unwrap()), text).unwrap();
    }
    dst.display().to_string()
}

#[test]
fn lint_is_clean_on_the_bundled_criteria() {
    let (code, out, err) = run(&[
        "criteria",
        "lint",
        concat!(env!("CARGO_MANIFEST_DIR"), "/criteria"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("4 bộ tiêu chí, không có lỗi"), "{out}");
}

#[test]
fn lint_names_file_and_line_of_a_misspelled_key() {
    let dir = tempfile::tempdir().unwrap();
    let v = copy_version(dir.path(), "v2", "xa-ntm.toml", |t| {
        t.replacen("threshold = 70", "treshold = 70", 1)
    });
    let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
    assert_eq!(code, 78);
    let line = std::fs::read_to_string(format!("{v}/xa-ntm.toml"))
        .unwrap()
        .lines()
        .position(|l| l.contains("treshold"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("xa-ntm.toml:{line}:")), "{err}");
    assert!(err.contains("unknown field `treshold`"), "{err}");
}

#[test]
fn lint_names_a_duplicate_indicator_code() {
    let dir = tempfile::tempdir().unwrap();
    let v = copy_version(dir.path(), "v2", "xa-ntm.toml", |t| {
        t.replacen("code = \"2.4\"", "code = \"2.2\"", 1)
    });
    let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
    assert_eq!(code, 78);
    let text = std::fs::read_to_string(format!("{v}/xa-ntm.toml")).unwrap();
    let second = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("code = \"2.2\""))
        .nth(1)
        .unwrap()
        .0
        + 1;
    assert!(err.contains(&format!("xa-ntm.toml:{second}:")), "{err}");
    assert!(err.contains("duplicate indicator code 2.2"), "{err}");
}

#[test]
fn lint_names_a_year_without_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let v = copy_version(dir.path(), "v2", "xa-ntm.toml", |t| {
        t.replacen("2022 = 36, ", "", 1)
    });
    let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
    assert_eq!(code, 78);
    assert!(err.contains("xa-ntm.toml:"), "{err}");
    assert!(
        err.contains("year 2022 is in the validity window but has no threshold"),
        "{err}"
    );
}

#[test]
fn lint_finds_a_missing_prerequisite_a_cycle_and_a_column_with_two_meanings() {
    let dir = tempfile::tempdir().unwrap();
    let v = copy_version(dir.path(), "v2", "kieu-mau.toml", |t| {
        t.replacen(
            "requires = [\"nang-cao\"]",
            "requires = [\"nang-cao-x\"]",
            1,
        )
    });
    let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
    assert_eq!(code, 78);
    assert!(
        err.contains("kieu-mau.toml:") && err.contains("no set «nang-cao-x» in this version"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let v = copy_version(dir.path(), "v3", "xa-ntm.toml", |t| {
        t.replacen("requires = []", "requires = [\"kieu-mau\"]", 1)
    });
    let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
    assert_eq!(code, 78);
    assert!(err.contains("prerequisites form a cycle"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let v = copy_version(dir.path(), "v4", "nang-cao.toml", |t| {
        // nâng cao reads column 16 (cultured villages, %) as a number of villages.
        let at = t.find("column = \"16\"").unwrap();
        let (head, tail) = t.split_at(at);
        format!(
            "{head}{}",
            tail.replacen("kind = \"pct\"", "kind = \"num\"\n  unit = \"thôn\"", 1)
        )
    });
    let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
    assert_eq!(code, 78);
    assert!(err.contains("column 16 is given two meanings"), "{err}");
}

#[test]
fn lint_refuses_an_unknown_comparison_and_kind() {
    for (name, from, to, said) in [
        ("v2", "op = \">=\"", "op = \"=>\"", "=>"),
        ("v3", "kind = \"bool\"", "kind = \"yesno\"", "yesno"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let v = copy_version(dir.path(), name, "xa-ntm.toml", |t| t.replacen(from, to, 1));
        let (code, _, err) = run(&["criteria", "lint", &v, "--lang", "en"]);
        assert_eq!(code, 78);
        assert!(err.contains(said), "{err}");
        let line = std::fs::read_to_string(format!("{v}/xa-ntm.toml"))
            .unwrap()
            .lines()
            .position(|l| l.contains(to))
            .unwrap()
            + 1;
        assert!(err.contains(&format!("xa-ntm.toml:{line}:")), "{err}");
    }
}

#[test]
fn a_second_version_folder_changes_a_figure_without_code() {
    // 2.2 raised from 70 to 75 in a copy: a commune at 72 % passes the bundled set and fails the copy.
    let dir = tempfile::tempdir().unwrap();
    let v = copy_version(dir.path(), "lang-son-2024-sua", "xa-ntm.toml", |t| {
        t.replacen("threshold = 70", "threshold = 75", 1)
    });
    let (code, doc) = json(&[
        "--criteria",
        &v,
        "criteria",
        "show",
        "xa-ntm",
        "--year",
        "2024",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(check_of(&doc, "2.2")["threshold"], 75.0);
    assert_eq!(doc["version"], "lang-son-2024-sua");

    let data = write(
        dir.path(),
        "xa.csv",
        &csv(&[Commune {
            code: "A",
            name: "a",
            year: 2024,
            set: &[("2.2", "72")],
        }]),
    );
    let (code, doc) = json(&["check", &data, "--level", "xa-ntm", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(doc["criteria_version"], "lang-son-2024");
    let (code, doc) = json(&[
        "--criteria",
        &v,
        "check",
        &data,
        "--level",
        "xa-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(doc["criteria_version"], "lang-son-2024-sua");

    // Several versions side by side: pick one by id.
    let (code, doc) = json(&[
        "--criteria",
        dir.path().to_str().unwrap(),
        "--criteria-version",
        "lang-son-2024-sua",
        "criteria",
        "show",
        "xa-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(check_of(&doc, "2.2")["threshold"], 75.0);
}

#[test]
fn the_binary_works_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = crate::common::ntm()
        .current_dir(dir.path())
        .args(["criteria", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("lang-son-2024"));
}

#[test]
fn prose_is_in_one_language_and_names_no_ids() {
    // A source's note is given in both languages (`note`, `note_en`): each run shows its own.
    let (code, vi, _) = run(&["criteria", "show", "xa-ntm", "--year", "2024"]);
    assert_eq!(code, 0);
    let line11 = vi.lines().find(|l| l.contains("211/QĐ-TTg")).unwrap();
    assert!(
        line11.contains("đã thay đổi cách tính tỷ lệ nghèo"),
        "{line11}"
    );
    assert!(!vi.contains("changed how the rate is counted"), "{vi}");
    let (_, en, _) = run(&[
        "criteria", "show", "xa-ntm", "--year", "2024", "--lang", "en",
    ]);
    assert!(
        en.contains("211/QĐ-TTg changed how the rate is counted"),
        "{en}"
    );
    assert!(!en.contains("đã thay đổi cách tính"), "{en}");
    // No temporary house may remain: `= 0 nhà`, not `≤ 0 nhà`.
    let line91 = vi.lines().find(|l| l.contains("  9.1  ")).unwrap();
    assert!(
        line91.contains("= 0 nhà") && !line91.contains("≤ 0"),
        "{line91}"
    );
    // A derived threshold names the level it comes from, not its id.
    let (_, km, _) = run(&["criteria", "show", "kieu-mau"]);
    let km2 = km.lines().find(|l| l.starts_with("KM.2  ")).unwrap();
    assert!(
        km2.contains("≥ 1,1 × mức NTM nâng cao, chỉ tiêu 10"),
        "{km2}"
    );
    assert!(!km2.contains("nang-cao"), "{km2}");
}
