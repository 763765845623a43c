//! `ntm check`: hand-checked communes, one per level and outcome. Every expected figure is worked out
//! from the reference thresholds (TDMNPB, 2024 unless said), not read from the program.

use crate::common::{Commune, commune, csv, indicator, json, run, set, write};

fn file(dir: &tempfile::TempDir, communes: &[Commune]) -> String {
    write(dir.path(), "xa.csv", &csv(communes))
}

#[test]
fn a_commune_meeting_every_set_reaches_kieu_mau() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06001",
            name: "Gia Cát",
            year: 2024,
            set: &[],
        }],
    );
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 0);
    let c = commune(&doc, "06001");
    assert_eq!(c["level_reached"], "kieu-mau");
    assert_eq!(c["criteria_met"], 19);
    assert_eq!(c["criteria_total"], 19);
    assert_eq!(c["qualified"], true);
    assert_eq!(c["line"], 2);
    // KM.2: 55 against 1.10 × 48 = 52.8 (nâng cao 2024), derived, not copied.
    let km2 = indicator(c, "kieu-mau", "KM.2");
    assert_eq!(km2["status"], "pass");
    assert_eq!(km2["threshold"], 52.8);
    assert_eq!(km2["verified"], false);
}

#[test]
fn xa_ntm_qualifies_and_nang_cao_fails_by_one_indicator() {
    // nc2.2 = 84 < 85: nâng cao criterion 2 fails, 18/19; the commune stays at xã NTM.
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06002",
            name: "Tân Liên",
            year: 2024,
            set: &[("nc2.2", "84")],
        }],
    );
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "nang-cao"]);
    assert_eq!(code, 1, "nâng cao was asked and is not met");
    let c = commune(&doc, "06002");
    assert_eq!(c["level_reached"], "xa-ntm");
    assert_eq!(c["qualified"], false);
    assert_eq!(c["criteria_met"], 18);
    let nc22 = indicator(c, "nang-cao", "2.2");
    assert_eq!(nc22["status"], "fail");
    assert_eq!(nc22["value"], 84.0);
    assert_eq!(nc22["threshold"], 85.0);
    assert_eq!(nc22["gap"], 1.0);
    // The same file at level xa-ntm: qualified, exit 0.
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    assert_eq!(code, 0);
    assert_eq!(commune(&doc, "06002")["qualified"], true);
}

#[test]
fn xa_ntm_fails_by_one_indicator_with_its_gap() {
    // 2.2 = 66,8 % against ≥ 70: short by 3.2 percentage points; criterion 2 fails; 18/19.
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06003",
            name: "Yên Trạch",
            year: 2024,
            set: &[("2.2", "66,8%")],
        }],
    );
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    assert_eq!(code, 1);
    let c = commune(&doc, "06003");
    assert_eq!(c["qualified"], false);
    assert_eq!(c["level_reached"], serde_json::Value::Null);
    assert_eq!(c["criteria_met"], 18);
    let i = indicator(c, "xa-ntm", "2.2");
    assert_eq!(i["status"], "fail");
    assert_eq!(i["value"], 66.8);
    assert_eq!(i["threshold"], 70.0);
    assert!((i["gap"].as_f64().unwrap() - 3.2).abs() < 1e-9);
    assert_eq!(i["verified"], false);
    // The table says it in Vietnamese with a decimal comma.
    let (_, out, _) = run(&["check", &f, "--commune", "06003", "--level", "xa-ntm"]);
    assert!(out.contains("còn thiếu 3,2 điểm %"), "{out}");
    assert!(
        out.contains("Còn cần để đạt Xã đạt chuẩn nông thôn mới"),
        "{out}"
    );
    let (_, out, _) = run(&[
        "check",
        &f,
        "--commune",
        "Yên Trạch",
        "--level",
        "xa-ntm",
        "--lang",
        "en",
    ]);
    assert!(out.contains("short by 3.2 percentage points"), "{out}");
}

#[test]
fn one_missing_cell_makes_the_commune_unknown_not_failed() {
    // 17.8 empty: criterion 17 unknown; 18 criteria met; qualified null; exit 2.
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06004",
            name: "Thụy Hùng",
            year: 2024,
            set: &[("17.8", "")],
        }],
    );
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    assert_eq!(code, 2);
    let c = commune(&doc, "06004");
    assert_eq!(c["qualified"], serde_json::Value::Null);
    assert_eq!(c["criteria_met"], 18);
    assert_eq!(indicator(c, "xa-ntm", "17.8")["status"], "missing");
    assert_eq!(set(c, "xa-ntm")["status"], "unknown");
    let (_, out, _) = run(&["check", &f, "--level", "xa-ntm"]);
    assert!(out.contains("Chưa đủ dữ liệu"), "{out}");
    assert!(out.contains("thiếu số liệu: 17"), "{out}");
}

#[test]
fn a_not_applicable_indicator_is_skipped() {
    // 13.4 "nếu có" = KAD: skipped; criterion 13 passes on the other four; 19/19.
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06005",
            name: "Hợp Thành",
            year: 2024,
            set: &[("13.4", "KAD"), ("nc5", "40")],
        }],
    );
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    assert_eq!(code, 0);
    let c = commune(&doc, "06005");
    assert_eq!(indicator(c, "xa-ntm", "13.4")["status"], "not_applicable");
    assert_eq!(c["criteria_met"], 19);
    assert_eq!(c["qualified"], true);
}

#[test]
fn nang_cao_reached_when_only_kieu_mau_fails() {
    // km3 = 0 smart villages (≥ 1 needed): kiểu mẫu fails KM.3; level nâng cao.
    // Income 50: ≥ 48 (nâng cao 2024) but < 52.8 (kiểu mẫu): KM.2 short by 2.8.
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[
            Commune {
                code: "06006",
                name: "Phú Xá",
                year: 2024,
                set: &[("km3", "0")],
            },
            Commune {
                code: "06007",
                name: "Hồng Phong",
                year: 2024,
                set: &[("10", "50")],
            },
        ],
    );
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "kieu-mau"]);
    assert_eq!(code, 1);
    for code in ["06006", "06007"] {
        let c = commune(&doc, code);
        assert_eq!(c["level_reached"], "nang-cao", "{code}");
        assert_eq!(c["criteria_met"], 3, "{code}: 3 of 4 kiểu mẫu conditions");
        assert_eq!(c["criteria_total"], 4);
    }
    let km2 = indicator(commune(&doc, "06007"), "kieu-mau", "KM.2");
    assert_eq!(km2["status"], "fail");
    assert!((km2["gap"].as_f64().unwrap() - 2.8).abs() < 1e-9);
    assert_eq!(
        indicator(commune(&doc, "06006"), "kieu-mau", "KM.3")["status"],
        "fail"
    );
}

#[test]
fn nang_cao_and_kieu_mau_unknown_through_one_missing_cell() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[
            Commune {
                code: "06008",
                name: "Gia Cát",
                year: 2024,
                set: &[("nc9", "")],
            },
            Commune {
                code: "06009",
                name: "Tân Liên",
                year: 2024,
                set: &[("km4", "")],
            },
        ],
    );
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "kieu-mau"]);
    assert_eq!(code, 2);
    let a = commune(&doc, "06008");
    assert_eq!(a["level_reached"], "xa-ntm");
    assert_eq!(set(a, "nang-cao")["qualified"], serde_json::Value::Null);
    assert_eq!(a["qualified"], serde_json::Value::Null);
    let b = commune(&doc, "06009");
    assert_eq!(b["level_reached"], "nang-cao");
    assert_eq!(b["qualified"], serde_json::Value::Null);
}

#[test]
fn a_missed_prerequisite_blocks_the_level_and_is_named() {
    // Every nâng cao criterion passes but xã NTM fails on 11 (poverty 14 % > 13 %): not nâng cao.
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06010",
            name: "Xuất Lễ",
            year: 2024,
            set: &[("11", "14")],
        }],
    );
    let (code, doc) = json(&["check", &f, "--format", "json", "--level", "nang-cao"]);
    assert_eq!(code, 1);
    let c = commune(&doc, "06010");
    let nc = set(c, "nang-cao");
    assert_eq!(nc["qualified"], false);
    assert_eq!(nc["prerequisites_unmet"][0]["set"], "xa-ntm");
    assert_eq!(nc["prerequisites_unmet"][0]["status"], "fail");
    assert_eq!(c["level_reached"], serde_json::Value::Null);
    let (_, out, _) = run(&["check", &f, "--commune", "06010", "--level", "nang-cao"]);
    assert!(
        out.contains("điều kiện tiên quyết xa-ntm: Chưa đạt"),
        "{out}"
    );
}

#[test]
fn income_uses_the_threshold_of_each_rows_year() {
    // 40 triệu: ≥ 39 in 2023 (pass), < 42 in 2024 (fail, short by 2).
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[
            Commune {
                code: "06011",
                name: "Cao Lâu",
                year: 2023,
                set: &[("10", "40")],
            },
            Commune {
                code: "06011",
                name: "Cao Lâu",
                year: 2024,
                set: &[("10", "40")],
            },
        ],
    );
    let (_, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    let rows = doc["communes"].as_array().unwrap();
    let y2023 = rows.iter().find(|c| c["year"] == 2023).unwrap();
    let y2024 = rows.iter().find(|c| c["year"] == 2024).unwrap();
    assert_eq!(indicator(y2023, "xa-ntm", "10")["status"], "pass");
    assert_eq!(indicator(y2023, "xa-ntm", "10")["threshold"], 39.0);
    assert_eq!(indicator(y2024, "xa-ntm", "10")["status"], "fail");
    assert_eq!(indicator(y2024, "xa-ntm", "10")["gap"], 2.0);
    // --year keeps one year only.
    let (_, doc) = json(&[
        "check", &f, "--format", "json", "--year", "2023", "--level", "xa-ntm",
    ]);
    assert_eq!(doc["communes"].as_array().unwrap().len(), 1);
    assert_eq!(doc["communes"][0]["qualified"], true);
}

#[test]
fn the_school_threshold_depends_on_the_number_of_schools() {
    // 5b = 60 %: passes the 50 % rule with 3 schools, fails the 70 % rule with 4 (short by 10).
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[
            Commune {
                code: "06012",
                name: "Bình Trung",
                year: 2024,
                set: &[("5b", "60"), ("5n", "3")],
            },
            Commune {
                code: "06013",
                name: "Lộc Yên",
                year: 2024,
                set: &[("5b", "60"), ("5n", "4")],
            },
        ],
    );
    let (_, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    let three = indicator(commune(&doc, "06012"), "xa-ntm", "5");
    assert_eq!(three["status"], "pass");
    let four = indicator(commune(&doc, "06013"), "xa-ntm", "5");
    assert_eq!(four["status"], "fail");
    assert_eq!(four["threshold"], 70.0);
    assert_eq!(four["gap"], 10.0);
}

#[test]
fn a_compound_indicator_needs_all_its_parts() {
    // 2.3a = 100 % clean (≥ 100) but 2.3b = 45 % hardened (< 50): 2.3 fails, short by 5.
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06014",
            name: "Thạch Đạn",
            year: 2024,
            set: &[("2.3b", "45")],
        }],
    );
    let (_, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    let i = indicator(commune(&doc, "06014"), "xa-ntm", "2.3");
    assert_eq!(i["status"], "fail");
    assert_eq!(i["checks"][0]["status"], "pass");
    assert_eq!(i["checks"][1]["status"], "fail");
    assert_eq!(i["gap"], 5.0);
}

#[test]
fn the_batch_table_counts_groups_levels_and_criteria() {
    // Four communes: 19 (kiểu mẫu), 18 (2.2 fails), 17 (2.2 and 10 fail), 13 (six criteria fail).
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[
            Commune {
                code: "A",
                name: "Một",
                year: 2024,
                set: &[],
            },
            Commune {
                code: "B",
                name: "Hai",
                year: 2024,
                set: &[("2.2", "60")],
            },
            Commune {
                code: "C",
                name: "Ba",
                year: 2024,
                set: &[("2.2", "60"), ("10", "30")],
            },
            Commune {
                code: "D",
                name: "Bốn",
                year: 2024,
                set: &[
                    ("2.2", "60"),
                    ("10", "30"),
                    ("11", "20"),
                    ("16", "50"),
                    ("7", "Không đạt"),
                    ("1.1", "Chưa đạt"),
                ],
            },
        ],
    );
    let (code, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(code, 1);
    let s = &doc["summaries"][0];
    let counts: Vec<u64> = s["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [1, 2, 1, 0, 0]);
    assert_eq!(s["average_criteria_met"], (19 + 18 + 17 + 13) as f64 / 4.0);
    assert_eq!(s["levels"][0]["qualified"], 1);
    assert_eq!(s["levels"][0]["not_qualified"], 3);
    assert_eq!(s["levels"][2]["qualified"], 1);
    // criterion 2 passed by 1 commune of 4, criterion 1 by 3.
    assert_eq!(s["criteria_passed"][1][1], 1);
    assert_eq!(s["criteria_passed"][0][1], 3);
    let (_, out, _) = run(&["check", &f]);
    // A derived figure has one decimal (16,75 in the JSON).
    assert!(out.contains("bình quân 16,8 tiêu chí"), "{out}");
    assert!(out.contains("xã NTM: 1, 2, 7, 10, 11, 16"), "{out}");
}

#[test]
fn recognition_readiness_is_assessed_only_when_its_columns_are_there() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06015",
            name: "Hải Yến",
            year: 2024,
            set: &[],
        }],
    );
    let (_, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(commune(&doc, "06015")["recognition"]["assessed"], false);
    // Add the three columns: debt outstanding, so not ready although kiểu mẫu is met.
    let text = std::fs::read_to_string(&f).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[0].push_str(";no_xdcb;hai_long;an_ninh");
    lines[1].push_str(";Không đạt;92;Đạt");
    let f2 = write(dir.path(), "ready.csv", &(lines.join("\n") + "\n"));
    let (_, doc) = json(&["check", &f2, "--format", "json"]);
    let r = &commune(&doc, "06015")["recognition"];
    assert_eq!(r["assessed"], true);
    assert_eq!(r["set"], "kieu-mau");
    assert_eq!(r["ready"], false);
    assert_eq!(r["indicators"][0]["status"], "fail");
}

#[test]
fn explain_shows_the_comparison_dated_value_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06016",
            name: "Công Sơn",
            year: 2024,
            set: &[],
        }],
    );
    let (_, out, _) = run(&[
        "check",
        &f,
        "--explain",
        "--level",
        "xa-ntm",
        "--lang",
        "en",
    ]);
    assert!(out.contains("55 ≥ 42; value dated 2024"), "{out}");
    assert!(out.contains("318/QĐ-TTg, annex I, 10"), "{out}");
    assert!(out.contains("unverified"), "{out}");
}

#[test]
fn csv_and_markdown_outputs_carry_the_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[
            Commune {
                code: "A",
                name: "Một",
                year: 2024,
                set: &[],
            },
            Commune {
                code: "B",
                name: "Hai",
                year: 2024,
                set: &[("2.2", "60")],
            },
        ],
    );
    let (_, out, _) = run(&["check", &f, "--format", "csv"]);
    let mut rows = out.lines();
    assert!(
        rows.next()
            .unwrap()
            .starts_with("code,name,district,year,line,level_reached,qualified,xa-ntm_met")
    );
    assert!(
        rows.next()
            .unwrap()
            .starts_with("A,Một,Cao Lộc,2024,2,kieu-mau,true,19,19,true")
    );
    assert!(
        rows.next()
            .unwrap()
            .starts_with("B,Hai,Cao Lộc,2024,3,,false,18,19,false")
    );
    let (_, out, _) = run(&["check", &f, "--format", "md"]);
    assert!(
        out.contains("| A | Một | Cao Lộc | 2024 | 19/19 |"),
        "{out}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let communes: Vec<Commune> = (0..300)
        .map(|_| Commune {
            code: "X",
            name: "x",
            year: 2024,
            set: &[],
        })
        .collect();
    // Distinct codes so that no row is a duplicate.
    let text = csv(&communes);
    let text: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                l.replacen("X;", &format!("X{i};"), 1)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let f = write(dir.path(), "many.csv", &text);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ntm"))
        .args(["check", &f, "--format", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // close the pipe before it writes
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_sample_district_matches_its_hand_worked_outcomes() {
    // samples/README.md: outcomes worked out by hand from the reference thresholds.
    let f = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/communes.csv");
    let (code, doc) = json(&["check", f, "--format", "json", "--year", "2024"]);
    assert_eq!(code, 1);
    let expect = [
        ("06235", Some("kieu-mau")),
        ("06226", Some("nang-cao")),
        ("06223", Some("nang-cao")),
        ("06247", Some("xa-ntm")),
        ("06220", Some("xa-ntm")),
        ("06199", None),
        ("06217", None),
        ("06211", None),
        ("06238", None),
    ];
    for (code, level) in expect {
        assert_eq!(
            commune(&doc, code)["level_reached"].as_str(),
            level,
            "{code}"
        );
    }
    assert_eq!(
        commune(&doc, "06241")["qualified"],
        serde_json::Value::Null,
        "Xuân Long: 12.3 and 17.8 empty"
    );
    assert_eq!(commune(&doc, "06238")["criteria_met"], 13);
    assert_eq!(
        commune(&doc, "06244")["recognition"]["ready"],
        false,
        "Tân Liên: outstanding debt"
    );
    assert_eq!(commune(&doc, "06235")["recognition"]["ready"], true);
    assert_eq!(
        commune(&doc, "06232")["recognition"]["assessed"],
        false,
        "Công Sơn: recognition cells left blank"
    );
    let s = &doc["summaries"][0];
    assert_eq!(s["average_criteria_met"], 18.0);
    assert_eq!(s["levels"][0]["qualified"], 7);
    // 2023: Lộc Yên's 40,5 met 39; Phú Xá had 17/19.
    let (_, doc) = json(&["check", f, "--format", "json", "--year", "2023"]);
    assert_eq!(commune(&doc, "06211")["level_reached"], "xa-ntm");
    assert_eq!(commune(&doc, "06214")["criteria_met"], 17);
}

#[test]
fn a_missing_school_count_leaves_the_verdict_open_only_when_it_matters() {
    // 5n empty: the 5b threshold is 50 or 70. 40 % fails both (short by 10 at best), 80 % passes
    // both, 60 % depends on the count: missing.
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[
            Commune {
                code: "A",
                name: "a",
                year: 2024,
                set: &[("5n", ""), ("5b", "40")],
            },
            Commune {
                code: "B",
                name: "b",
                year: 2024,
                set: &[("5n", ""), ("5b", "80")],
            },
            Commune {
                code: "C",
                name: "c",
                year: 2024,
                set: &[("5n", ""), ("5b", "60")],
            },
        ],
    );
    let (_, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    let i = |code: &str| indicator(commune(&doc, code), "xa-ntm", "5").clone();
    assert_eq!(i("A")["status"], "fail");
    assert_eq!(i("A")["checks"][1]["gap"], 10.0);
    assert_eq!(i("B")["status"], "pass");
    assert_eq!(i("C")["status"], "missing");
    assert_eq!(commune(&doc, "C")["qualified"], serde_json::Value::Null);
}

#[test]
fn a_value_just_under_its_threshold_never_reads_as_meeting_it() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "A",
            name: "a",
            year: 2024,
            set: &[("2.2", "69,999")],
        }],
    );
    let (_, out, _) = run(&["check", &f, "--commune", "A", "--level", "xa-ntm"]);
    assert!(out.contains("69,999 %"), "{out}");
    assert!(out.contains("còn thiếu 0,001 điểm %"), "{out}");
}

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/communes.csv");

#[test]
fn not_ready_says_which_level_or_condition_is_missing() {
    // Bình Trung 06217 meets every recognition condition but 18/19 criteria of xã NTM.
    let (_, out, _) = run(&["check", SAMPLES, "--year", "2024", "--commune", "06217"]);
    assert!(
        out.contains(
            "Đủ điều kiện đề nghị công nhận (xã NTM): Chưa: chưa đạt xã NTM (18/19 tiêu chí)\n"
        ),
        "{out}"
    );
    // Tân Liên 06244 reached xã NTM; a condition holds it back, named.
    let (_, out, _) = run(&["check", SAMPLES, "--year", "2024", "--commune", "06244"]);
    assert!(
        out.contains(
            "Chưa: chưa đạt điều kiện «Không có nợ đọng xây dựng cơ bản của Chương trình»"
        ),
        "{out}"
    );
    // Xuân Long 06241: missing data leaves it open.
    let (_, out, _) = run(&["check", SAMPLES, "--year", "2024", "--commune", "06241"]);
    assert!(
        out.contains("Chưa rõ: xã NTM (17/19 tiêu chí) thiếu số liệu"),
        "{out}"
    );
    // The batch says it briefly, the same way in English.
    let (_, out, _) = run(&["check", SAMPLES, "--year", "2024", "--format", "md"]);
    assert!(out.contains("| Chưa: chưa đạt xã NTM |"), "{out}");
    assert!(out.contains("| Chưa: điều kiện chưa đạt |"), "{out}");
    let (_, out, _) = run(&[
        "check", SAMPLES, "--year", "2024", "--format", "md", "--lang", "en",
    ]);
    assert!(out.contains("| Not ready: not at NTM commune |"), "{out}");
    assert!(out.contains("| Not ready: conditions not met |"), "{out}");
}

#[test]
fn still_needed_names_the_sub_indicator_that_falls_short() {
    // Mẫu Sơn 06238: of 17.1, the clean-water share (17.1b) is short, the hygienic one is met.
    let (_, out, _) = run(&["check", SAMPLES, "--year", "2024", "--commune", "06238"]);
    assert!(
        out.contains("TC 17 / chỉ tiêu 17.1b: Tỷ lệ hộ được sử dụng nước sinh hoạt hợp vệ sinh và nước sạch theo quy chuẩn (trong đó nước sạch) — hiện 28 %"),
        "{out}"
    );
    // An indicator with one check keeps its code.
    assert!(out.contains("TC 10 / chỉ tiêu 10: Thu nhập"), "{out}");
    let (_, out, _) = run(&[
        "check",
        SAMPLES,
        "--year",
        "2024",
        "--commune",
        "06238",
        "--lang",
        "en",
    ]);
    assert!(out.contains("Crit. 17 / indicator 17.1b:"), "{out}");
}

/// 5b's threshold depends on 5n (70 % with more than 3 schools, else 50 %). With 5n empty and 5b
/// at 80 % (meeting both), 5b passes, and its threshold is said to be open: `null` among the
/// commune's own thresholds, never the definition's threshold for the year (the one when no case
/// holds), which it was not judged against. Read from the document as written, then as spelled out.
#[test]
fn an_open_conditional_threshold_is_null_in_json_not_the_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let f = file(
        &dir,
        &[Commune {
            code: "06001",
            name: "Gia Cát",
            year: 2024,
            set: &[("5n", ""), ("5b", "80")],
        }],
    );
    let (_, out, err) = run(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    let raw: serde_json::Value = serde_json::from_str(&out).expect(&err);
    let set = &raw["communes"][0]["sets"]["xa-ntm"];
    assert!(set["not_passed"]["checks"].get("5b").is_none(), "{set}");
    assert_eq!(
        set["thresholds"].get("5b"),
        Some(&serde_json::Value::Null),
        "{set}"
    );
    let (_, doc) = json(&["check", &f, "--format", "json", "--level", "xa-ntm"]);
    let c = commune(&doc, "06001");
    let five = indicator(c, "xa-ntm", "5");
    let b = five["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|k| k["input"] == "5b"))
        .expect("5b");
    assert_eq!(
        (&b["status"], &b["threshold"]),
        (&"pass".into(), &serde_json::Value::Null),
        "{b}"
    );
}

/// With several files, a row not scored names its file in the CSV too (its line alone would not
/// say which).
#[test]
fn the_csv_names_the_file_of_a_row_not_scored_when_there_are_several() {
    let dir = tempfile::tempdir().unwrap();
    let bad = |code: &'static str| {
        csv(&[Commune {
            code,
            name: "Gia Cát",
            year: 2024,
            set: &[("2.2", "nhiều")],
        }])
    };
    let a = write(dir.path(), "xa-a.csv", &bad("A1"));
    let b = write(dir.path(), "xa-b.csv", &bad("B1"));
    let (code, out, _) = run(&["check", &a, &b, "--format", "csv"]);
    assert_eq!(code, 65);
    for (code, file) in [("A1", &a), ("B1", &b)] {
        let line = out.lines().find(|l| l.starts_with(code)).unwrap();
        assert!(line.contains(&format!("{file}: ")), "{line}");
    }
    // One file: its rows' reasons as before.
    let (_, out, _) = run(&["check", &a, "--format", "csv"]);
    let line = out.lines().find(|l| l.starts_with("A1")).unwrap();
    assert!(!line.contains("xa-a.csv"), "{line}");
}
