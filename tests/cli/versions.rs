//! The version follows each row's year: a file holding 2023 and 2024 rows, with one criteria version
//! covering 2022–2023 and another 2024–2025, has each row scored by the version in force for its year.

use std::path::Path;

use serde_json::Value;

use crate::common::{Commune, csv, json, run, write};

const BUNDLED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/criteria/lang-son-2024");

/// A copy of the bundled sets as version `id`, valid `from`–`to`, with `edits` applied to xa-ntm.toml.
fn version(root: &Path, id: &str, from: i32, to: i32, edits: &[(&str, &str)]) {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(BUNDLED).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let mut text = std::fs::read_to_string(&p)
            .unwrap()
            .replace(
                "version = \"lang-son-2024\"",
                &format!("version = \"{id}\""),
            )
            .replace("valid_from = 2022", &format!("valid_from = {from}"))
            .replace("valid_to = 2025", &format!("valid_to = {to}"));
        if name == "xa-ntm.toml" {
            for (a, b) in edits {
                assert!(text.contains(a), "no «{a}»");
                text = text.replacen(a, b, 1);
            }
        }
        std::fs::write(dir.join(&name), text).unwrap();
    }
}

/// `old` (2022–2023, village roads ≥ 70 %) and `new` (2024–2025, village roads ≥ 75 %).
fn two_versions(root: &Path) -> String {
    version(root, "old", 2022, 2023, &[]);
    version(
        root,
        "new",
        2024,
        2025,
        &[(
            "  op = \">=\"\n  threshold = 70\n",
            "  op = \">=\"\n  threshold = 75\n",
        )],
    );
    root.display().to_string()
}

fn commune(doc: &Value, year: i64) -> &Value {
    doc["communes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["year"] == year)
        .unwrap_or_else(|| panic!("no commune of {year} in {doc}"))
}

#[test]
fn each_row_is_scored_by_the_version_in_force_for_its_year() {
    let dir = tempfile::tempdir().unwrap();
    let criteria = two_versions(&dir.path().join("criteria"));
    let (code, err) = {
        let (c, _, e) = run(&["criteria", "lint", &criteria]);
        (c, e)
    };
    assert_eq!(code, 0, "{err}");
    // 72 % of village roads: enough in 2023 (≥ 70), short of 2024's 75 by 3.
    let data = write(
        dir.path(),
        "xa.csv",
        &csv(&[
            Commune {
                code: "A",
                name: "A",
                year: 2023,
                set: &[("2.2", "72")],
            },
            Commune {
                code: "A",
                name: "A",
                year: 2024,
                set: &[("2.2", "72")],
            },
        ]),
    );
    let (code, doc) = json(&["check", &data, "--criteria", &criteria, "--format", "json"]);
    assert_eq!(code, 1, "{doc}");
    let y2023 = commune(&doc, 2023);
    assert_eq!(y2023["criteria_version"], "old");
    assert_eq!(y2023["level_reached"], "kieu-mau");
    let y2024 = commune(&doc, 2024);
    assert_eq!(y2024["criteria_version"], "new");
    assert_eq!(y2024["level_reached"], Value::Null);
    let i22 = crate::common::indicator(y2024, "xa-ntm", "2.2");
    assert_eq!(
        (i22["threshold"].as_f64(), i22["gap"].as_f64()),
        (Some(75.0), Some(3.0))
    );
    // The table says which version scored a commune when it is not the one heading the report.
    let (_, out, _) = run(&[
        "check",
        &data,
        "--criteria",
        &criteria,
        "--commune",
        "A",
        "--year",
        "2023",
    ]);
    assert!(out.contains("≥ 70 %"), "{out}");
}

#[test]
fn a_year_no_version_covers_says_what_applies_and_nearest_year_says_what_it_reuses() {
    let dir = tempfile::tempdir().unwrap();
    let criteria = two_versions(&dir.path().join("criteria"));
    let data = write(
        dir.path(),
        "xa.csv",
        &csv(&[
            Commune {
                code: "A",
                name: "A",
                year: 2024,
                set: &[],
            },
            Commune {
                code: "A",
                name: "A",
                year: 2026,
                set: &[],
            },
        ]),
    );
    let (code, out, err) = run(&[
        "check",
        &data,
        "--criteria",
        &criteria,
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 65, "{err}");
    assert!(
        err.contains("xa.csv:3: error: column nam: no criteria version covers 2026 (there are: new 2024–2025, old 2022–2023); 2026 falls under 51/2025/QĐ-TTg (2026–2030), and no criteria file of it is loaded"),
        "{err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["unscored"][0]["year"], 2026);
    assert_eq!(doc["communes"].as_array().unwrap().len(), 1);
    // With --nearest-year, 2026 is scored by the nearest version, new, with its 2025 thresholds,
    // and a note says so: never a silent crossing.
    let (code, out, err) = run(&[
        "check",
        &data,
        "--criteria",
        &criteria,
        "--format",
        "json",
        "--nearest-year",
        "--lang",
        "en",
    ]);
    assert_ne!(code, 65, "{err}");
    assert!(
        err.contains("as --nearest-year asks, rows of 2026 are scored with version new and its nearest year's thresholds"),
        "{err}"
    );
    let doc: Value = crate::common::nested(serde_json::from_str(&out).unwrap());
    let y2026 = commune(&doc, 2026);
    assert_eq!(y2026["criteria_version"], "new");
    assert_eq!(crate::common::set(y2026, "xa-ntm")["threshold_year"], 2025);
}

#[test]
fn diff_says_which_version_scored_each_side_and_same_year_separates_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let criteria = two_versions(&dir.path().join("criteria"));
    // The same 72 % in both years: met under old (≥ 70), short under new (≥ 75).
    let data = write(
        dir.path(),
        "xa.csv",
        &csv(&[
            Commune {
                code: "A",
                name: "A",
                year: 2023,
                set: &[("2.2", "72")],
            },
            Commune {
                code: "A",
                name: "A",
                year: 2024,
                set: &[("2.2", "72")],
            },
        ]),
    );
    let (code, doc) = json(&["diff", &data, "--criteria", &criteria, "--format", "json"]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["before"]["criteria_version"], "old");
    assert_eq!(doc["after"]["criteria_version"], "new");
    let (_, out, _) = run(&["diff", &data, "--criteria", &criteria, "--lang", "en"]);
    assert!(
        out.contains("criteria version old → new")
            && out.contains("the old side scored with old (year 2023's thresholds), the new side with new (year 2024's)")
            && out.contains("--same-year 2024 scores both sides with new"),
        "{out}"
    );
    // Both sides with new's 2024 thresholds: the data did not change, so neither does the level.
    let (code, doc) = json(&[
        "diff",
        &data,
        "--criteria",
        &criteria,
        "--same-year",
        "2024",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{doc}");
    assert_eq!(doc["before"]["criteria_version"], "new");
    assert_eq!(doc["after"]["criteria_version"], "new");
    let unit = &doc["communes"][0];
    assert_eq!(unit["change"], "unchanged", "{unit}");
    // Without it, the level is lost: by the criteria, not the data.
    let (_, doc) = json(&["diff", &data, "--criteria", &criteria, "--format", "json"]);
    assert_eq!(doc["communes"][0]["change"], "lost", "{doc}");
}
