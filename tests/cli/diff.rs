//! `ntm diff`: two hand-made years of communes. Every expected level, value and threshold is worked
//! out from the reference (../shared/reference/ntm-criteria.md §3–§4), not read from the program:
//! xã NTM 2.2 ≥ 70, 11 ≤ 13, 15.1 ≥ 95, 17.10 ≥ 30, income (10) ≥ 39 in 2023 and ≥ 42 in 2024;
//! nâng cao 17.2 (column 17.10) ≥ 50, nc9 ≥ 80.
//!
//! Every commune below has nc9 = 70 (< 80), so it fails nâng cao in both years and its level is
//! xã NTM or none: the changes under test are at xã NTM unless said.

use serde_json::Value;

use crate::common::{Commune, commune, csv, json, md_cells, run, write};

mod bad_input;
mod district;
mod generated;
mod map;

const NC9: (&str, &str) = ("nc9", "70");

/// A (06001) gains xã NTM: 2.2 = 65 < 70 in 2023, 75 in 2024.
/// B (06002) loses it through 15.1 alone: 96 → 94,5 (< 95).
/// C (06003) keeps xã NTM while nâng cao 17.2 turns: 17.10 = 55 → 45 (≥ 30 for xã NTM, < 50 for nâng cao).
/// D (06004) is only in 2024, E (06005) only in 2023, both xã NTM.
/// F (06006) has the same income 40,5 in both years: ≥ 39 (2023), < 42 (2024).
/// `text` (a header, then rows of 2023 and 2024) as two files' texts: its rows of 2023, its rows of
/// 2024, each under the header.
fn by_year(text: &str) -> (String, String) {
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let (mut y2023, mut y2024) = (header.clone() + "\n", header + "\n");
    for l in lines {
        let side = if l.contains(";2023;") {
            &mut y2023
        } else {
            &mut y2024
        };
        side.push_str(l);
        side.push('\n');
    }
    (y2023, y2024)
}

fn two_years() -> String {
    csv(&[
        Commune {
            code: "06001",
            name: "Phú Xá",
            year: 2023,
            set: &[NC9, ("2.2", "65")],
        },
        Commune {
            code: "06001",
            name: "Phú Xá",
            year: 2024,
            set: &[NC9, ("2.2", "75")],
        },
        Commune {
            code: "06002",
            name: "Thạch Đạn",
            year: 2023,
            set: &[NC9, ("15.1", "96")],
        },
        Commune {
            code: "06002",
            name: "Thạch Đạn",
            year: 2024,
            set: &[NC9, ("15.1", "94,5")],
        },
        Commune {
            code: "06003",
            name: "Yên Trạch",
            year: 2023,
            set: &[NC9, ("17.10", "55")],
        },
        Commune {
            code: "06003",
            name: "Yên Trạch",
            year: 2024,
            set: &[NC9, ("17.10", "45")],
        },
        Commune {
            code: "06004",
            name: "Hồng Phong",
            year: 2024,
            set: &[NC9],
        },
        Commune {
            code: "06005",
            name: "Song Giáp",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06006",
            name: "Lộc Yên",
            year: 2023,
            set: &[NC9, ("10", "40,5")],
        },
        Commune {
            code: "06006",
            name: "Lộc Yên",
            year: 2024,
            set: &[NC9, ("10", "40,5")],
        },
    ])
}

fn fixture(dir: &tempfile::TempDir) -> String {
    write(dir.path(), "xa.csv", &two_years())
}

fn diff_json(args: &[&str]) -> Value {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let (code, doc) = json(&all);
    assert_eq!(code, 0, "{doc}");
    doc
}

/// The flip of indicator `code` of set `set` in a commune (or part) of a diff document.
fn flip<'a>(c: &'a Value, set: &str, code: &str) -> &'a Value {
    c["flipped"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["set"] == set && f["code"] == code))
        .unwrap_or_else(|| panic!("no flip {set}:{code} in {c}"))
}

fn flips(c: &Value) -> usize {
    c["flipped"].as_array().map_or(0, Vec::len)
}

#[test]
fn a_commune_gains_xa_ntm() {
    let dir = tempfile::tempdir().unwrap();
    let doc = diff_json(&[&fixture(&dir), "--from", "2023", "--to", "2024"]);
    let a = commune(&doc, "06001");
    assert_eq!(a["in"], "both");
    assert_eq!(a["level_before"], Value::Null);
    assert_eq!(a["level_after"], "xa-ntm");
    assert_eq!(a["change"], "gained");
    assert_eq!(a["criteria_met_before"], 18);
    assert_eq!(a["criteria_met_after"], 19);
    assert_eq!(a["criteria_met_diff"], 1);
    assert_eq!(flips(a), 1);
    let f = flip(a, "xa-ntm", "2.2");
    assert_eq!(f["from"], "fail");
    assert_eq!(f["to"], "pass");
    assert_eq!(f["value_before"], 65.0);
    assert_eq!(f["value_after"], 75.0);
    assert_eq!(f["threshold_before"], 70.0);
    assert_eq!(f["threshold_after"], 70.0);
    assert_eq!(f["cause"], "data");
}

#[test]
fn a_commune_loses_xa_ntm_through_one_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let doc = diff_json(&[&fixture(&dir), "--from", "2023", "--to", "2024"]);
    let b = commune(&doc, "06002");
    assert_eq!(b["level_before"], "xa-ntm");
    assert_eq!(b["level_after"], Value::Null);
    assert_eq!(b["change"], "lost");
    assert_eq!(b["criteria_met_before"], 19);
    assert_eq!(b["criteria_met_after"], 18);
    // 15.1 is read by xã NTM and by nâng cao (both ≥ 95): it turns in both sets, nothing else does.
    assert_eq!(flips(b), 2);
    for set in ["xa-ntm", "nang-cao"] {
        let f = flip(b, set, "15.1");
        assert_eq!(f["from"], "pass");
        assert_eq!(f["to"], "fail");
        assert_eq!(f["value_before"], 96.0);
        assert_eq!(f["value_after"], 94.5);
        assert_eq!(f["threshold_after"], 95.0);
        assert_eq!(f["verified"], false);
    }
    let xa = &b["sets"][0];
    assert_eq!(xa["set"], "xa-ntm");
    assert_eq!(xa["qualified_before"], true);
    assert_eq!(xa["qualified_after"], false);
    assert_eq!(xa["criteria_lost"], serde_json::json!(["15"]));
}

#[test]
fn a_commune_keeps_its_level_while_an_indicator_flips() {
    let dir = tempfile::tempdir().unwrap();
    let doc = diff_json(&[&fixture(&dir), "--from", "2023", "--to", "2024"]);
    let c = commune(&doc, "06003");
    assert_eq!(c["level_before"], "xa-ntm");
    assert_eq!(c["level_after"], "xa-ntm");
    assert_eq!(c["change"], "unchanged");
    assert_eq!(c["criteria_met_diff"], 0);
    assert_eq!(flips(c), 1, "17.10 = 45 still meets xã NTM's ≥ 30");
    let f = flip(c, "nang-cao", "17.2");
    assert_eq!(f["input"], "17.10");
    assert_eq!(
        (f["from"].as_str(), f["to"].as_str()),
        (Some("pass"), Some("fail"))
    );
    assert_eq!(f["value_before"], 55.0);
    assert_eq!(f["value_after"], 45.0);
    assert_eq!(f["threshold_before"], 50.0);
}

#[test]
fn communes_on_one_side_only_are_listed_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let doc = diff_json(&[&fixture(&dir), "--from", "2023", "--to", "2024"]);
    let d = commune(&doc, "06004");
    assert_eq!(d["in"], "new");
    assert_eq!(d["level_before"], Value::Null);
    assert_eq!(d["level_after"], "xa-ntm");
    assert_eq!(d["change"], "new");
    assert_eq!(d["relation"], "new");
    assert_eq!(
        (d["status_before"].as_str(), d["status_after"].as_str()),
        (Some("absent"), Some("reached"))
    );
    assert_eq!(d["criteria_met_after"], 19);
    let e = commune(&doc, "06005");
    assert_eq!(e["in"], "old");
    assert_eq!(e["change"], "gone");
    assert_eq!(e["level_before"], "xa-ntm");
    assert_eq!(e["level_after"], Value::Null);
    assert_eq!(e["status_after"], "absent");
    // Each side's communes once: 2023 A B C E F, 2024 A B C D F.
    let s = &doc["summary"];
    assert_eq!(s["units_before"], 5);
    assert_eq!(s["units_after"], 5);
    assert_eq!(s["both"], 4);
    assert_eq!(s["only_new"], 1);
    assert_eq!(s["only_old"], 1);
    let (_, out, _) = run(&["diff", &fixture(&dir)]);
    let row = |code: &str| out.lines().find(|l| l.contains(code)).unwrap();
    assert!(
        row("06004").contains("Mới: chỉ có ở bên mới (2024)"),
        "{out}"
    );
    assert!(
        row("06005").contains("Không còn: chỉ có ở bên cũ (2023)"),
        "{out}"
    );
    assert!(
        out.contains("Bên cũ (2023): 5 xã; bên mới (2024): 5 xã. 4 xã có ở cả hai bên (so sánh một-một); 1 chỉ có ở bên cũ (2023); 1 chỉ có ở bên mới (2024)."),
        "{out}"
    );
    let (_, out, _) = run(&["diff", &fixture(&dir), "--lang", "en"]);
    assert!(out.contains("New: only in the new side (2024)"), "{out}");
    assert!(out.contains("Gone: only in the old side (2023)"), "{out}");
}

#[test]
fn missing_data_on_either_side_makes_the_change_unknown_never_kept() {
    // 06101: 2.2 blank in 2023 (xã NTM unknown, nothing of it fails), 65 < 70 in 2024 (not met).
    // 06102: the reverse. 06103: blank both years. 06104: xã NTM both years, nc9 blank in 2023
    // (nâng cao unknown), 70 < 80 in 2024: the level held may have been nâng cao.
    let dir = tempfile::tempdir().unwrap();
    let data = csv(&[
        Commune {
            code: "06101",
            name: "Vân Thủy",
            year: 2023,
            set: &[NC9, ("2.2", "")],
        },
        Commune {
            code: "06101",
            name: "Vân Thủy",
            year: 2024,
            set: &[NC9, ("2.2", "65")],
        },
        Commune {
            code: "06102",
            name: "Hữu Kiên",
            year: 2023,
            set: &[NC9, ("2.2", "65")],
        },
        Commune {
            code: "06102",
            name: "Hữu Kiên",
            year: 2024,
            set: &[NC9, ("2.2", "")],
        },
        Commune {
            code: "06103",
            name: "Liên Sơn",
            year: 2023,
            set: &[NC9, ("2.2", "")],
        },
        Commune {
            code: "06103",
            name: "Liên Sơn",
            year: 2024,
            set: &[NC9, ("2.2", "")],
        },
        Commune {
            code: "06104",
            name: "Vân An",
            year: 2023,
            set: &[("nc9", "")],
        },
        Commune {
            code: "06104",
            name: "Vân An",
            year: 2024,
            set: &[NC9],
        },
    ]);
    let f = write(dir.path(), "xa.csv", &data);
    let doc = diff_json(&[&f]);
    let standing = |code: &str| {
        let c = commune(&doc, code);
        (
            c["status_before"].as_str().unwrap().to_string(),
            c["status_after"].as_str().unwrap().to_string(),
            c["change"].as_str().unwrap().to_string(),
        )
    };
    let own = |a: &str, b: &str| (a.to_string(), b.to_string(), "unknown".to_string());
    assert_eq!(standing("06101"), own("unknown", "not_met"));
    assert_eq!(standing("06102"), own("not_met", "unknown"));
    assert_eq!(standing("06103"), own("unknown", "unknown"));
    assert_eq!(standing("06104"), own("reached_higher_unknown", "reached"));
    assert_eq!(commune(&doc, "06104")["level_before"], "xa-ntm");
    // Per level: xã NTM unknown → fail, fail → unknown and unknown on both sides (06101, 06102,
    // 06103: whether it gained or lost the level is not known, as its change «Chưa rõ» says);
    // nâng cao unknown → fail (06104).
    assert_eq!(doc["summary"]["levels"][0]["unknown"], 3);
    assert_eq!(doc["summary"]["levels"][1]["unknown"], 1);
    let (code, out, _) = run(&["diff", &f, "--format", "md"]);
    assert_eq!(code, 0);
    let row = |code: &str| out.lines().find(|l| l.contains(code)).unwrap().to_string();
    for (code, before, after) in [
        ("06101", "Chưa đủ dữ liệu", "Chưa đạt"),
        ("06102", "Chưa đạt", "Chưa đủ dữ liệu"),
        ("06104", "xã NTM (NTM nâng cao: Chưa đủ dữ liệu)", "xã NTM"),
    ] {
        let r = row(code);
        assert!(
            r.contains(&format!("| {before} |")) && r.contains(&format!("| {after} |")),
            "{r}"
        );
        assert!(r.contains("Chưa rõ (thiếu số liệu)"), "{r}");
        assert!(!r.contains("Giữ nguyên"), "{r}");
    }
    let (_, out, _) = run(&["diff", &f, "--format", "csv"]);
    let l = out.lines().find(|l| l.starts_with("06101,")).unwrap();
    assert!(
        l.starts_with("06101,Vân Thủy,both,,,,,unknown,unknown,not_met,same,"),
        "{l}"
    );
}

#[test]
fn same_year_and_the_default_disagree_on_the_income_threshold_alone() {
    // Lộc Yên: 40,5 both years. Own years: ≥ 39 passes in 2023, ≥ 42 fails in 2024: lost, because
    // of the threshold. Both with 2024's: fails both, unchanged. Both with 2023's: passes both.
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(&dir);
    let own = diff_json(&[&f]);
    assert_eq!(own["thresholds"], "own_year");
    assert_eq!(own["threshold_year_before"], 2023);
    assert_eq!(own["threshold_year_after"], 2024);
    let c = commune(&own, "06006");
    assert_eq!(c["change"], "lost");
    assert_eq!(flips(c), 1);
    let inc = flip(c, "xa-ntm", "10");
    assert_eq!(inc["value_before"], 40.5);
    assert_eq!(inc["value_after"], 40.5);
    assert_eq!(inc["threshold_before"], 39.0);
    assert_eq!(inc["threshold_after"], 42.0);
    assert_eq!(inc["cause"], "threshold");
    assert_eq!(own["summary"]["threshold_only"], 1);

    let same = diff_json(&[&f, "--same-year", "2024"]);
    assert_eq!(same["thresholds"], "same_year");
    assert_eq!(same["threshold_year_before"], 2024);
    assert_eq!(same["threshold_year_after"], 2024);
    let c = commune(&same, "06006");
    assert_eq!(c["change"], "unchanged");
    assert_eq!(c["level_before"], Value::Null);
    assert_eq!(c["level_after"], Value::Null);
    assert_eq!(flips(c), 0);
    let old_thresholds = diff_json(&[&f, "--same-year", "2023"]);
    let c = commune(&old_thresholds, "06006");
    assert_eq!(
        (c["level_before"].as_str(), c["level_after"].as_str()),
        (Some("xa-ntm"), Some("xa-ntm"))
    );

    // The report says why, and which thresholds were used.
    let (_, out, _) = run(&["diff", &f]);
    assert!(
        out.contains("chỉ do ngưỡng (năm 2023 → 2024), cùng giá trị"),
        "{out}"
    );
    assert!(out.contains("≥ 39 triệu đồng/người/năm (2023)*"), "{out}");
    assert!(out.contains("≥ 42 triệu đồng/người/năm (2024)*"), "{out}");
    assert!(out.contains("chạy lại với --same-year 2024"), "{out}");
    let (_, out, _) = run(&["diff", &f, "--same-year", "2024", "--lang", "en"]);
    assert!(
        out.contains("both sides scored with year 2024's thresholds (--same-year 2024), so every change below comes from the data"),
        "{out}"
    );
    assert!(!out.contains("threshold only"), "{out}");
}

#[test]
fn the_summary_counts_levels_groups_and_averages_then_and_now() {
    // 2023: A 18, B 19, C 19, E 19, F 19 → groups 19: 4, 15–18: 1; average 94/5 = 18.8.
    // 2024: A 19, B 18, C 19, D 19, F 18 → groups 19: 3, 15–18: 2; average 93/5 = 18.6.
    // Compared one to one (A, B, C, F): xã NTM gained by A, lost by B and F.
    let dir = tempfile::tempdir().unwrap();
    let doc = diff_json(&[&fixture(&dir)]);
    let s = &doc["summary"];
    let groups = |side: &str| -> Vec<u64> {
        s[side]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["count"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(groups("before"), vec![4, 1, 0, 0, 0]);
    assert_eq!(groups("after"), vec![3, 2, 0, 0, 0]);
    assert!((s["before"]["average_criteria_met"].as_f64().unwrap() - 18.8).abs() < 1e-9);
    assert!((s["after"]["average_criteria_met"].as_f64().unwrap() - 18.6).abs() < 1e-9);
    let xa = &s["levels"][0];
    assert_eq!(
        (
            xa["set"].as_str(),
            xa["gained"].as_u64(),
            xa["lost"].as_u64()
        ),
        (Some("xa-ntm"), Some(1), Some(2))
    );
    assert_eq!(s["levels"][1]["gained"], 0);
    // Lost once each: xã NTM 10 (F) and 15 (B), nâng cao 15 (B) and 17 (C); gained: xã NTM 2 (A).
    let crit: Vec<(String, u64, u64)> = s["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                format!(
                    "{}:{}",
                    c["set"].as_str().unwrap(),
                    c["number"].as_str().unwrap()
                ),
                c["lost"].as_u64().unwrap(),
                c["gained"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = [
        ("xa-ntm:10", 1, 0),
        ("xa-ntm:15", 1, 0),
        ("nang-cao:15", 1, 0),
        ("nang-cao:17", 1, 0),
        ("xa-ntm:2", 0, 1),
    ];
    let expect: Vec<(String, u64, u64)> = expect
        .iter()
        .map(|(k, l, g)| (k.to_string(), *l, *g))
        .collect();
    assert_eq!(crit, expect);
    let (_, out, _) = run(&["diff", &fixture(&dir)]);
    assert!(
        out.contains("Bình quân tiêu chí xã NTM/xã: 18,8 (2023) → 18,6 (2024), −0,2"),
        "{out}"
    );
    assert!(out.contains("Tiêu chí bị mất nhiều nhất"), "{out}");
}

#[test]
fn two_files_compare_like_one_file_with_two_years() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(&dir);
    let (old, new) = by_year(&two_years());
    let o = write(dir.path(), "xa-2023.csv", &old);
    let n = write(dir.path(), "xa-2024.csv", &new);
    let one = diff_json(&[&f]);
    let two = diff_json(&[&o, &n]);
    assert_eq!(two["before"]["file"], o.as_str());
    assert_eq!(two["after"]["year"], 2024);
    for code in ["06001", "06002", "06003", "06004", "06005", "06006"] {
        let (a, b) = (commune(&one, code), commune(&two, code));
        for key in [
            "in",
            "level_before",
            "level_after",
            "change",
            "criteria_met_before",
            "criteria_met_after",
            "flipped",
        ] {
            assert_eq!(a[key], b[key], "{code} {key}");
        }
    }
}

#[test]
fn the_level_option_limits_the_chain() {
    // --level xa-ntm: C's nâng cao flip is out of scope, B's 15.1 turns once.
    let dir = tempfile::tempdir().unwrap();
    let doc = diff_json(&[&fixture(&dir), "--level", "xa-ntm"]);
    assert_eq!(doc["sets"].as_array().unwrap().len(), 1);
    assert_eq!(flips(commune(&doc, "06003")), 0);
    assert_eq!(flips(commune(&doc, "06002")), 1);
    assert_eq!(commune(&doc, "06002")["change"], "lost");
}

#[test]
fn table_csv_and_markdown_say_the_same_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(&dir);
    let (code, out, _) = run(&["diff", &f]);
    assert_eq!(code, 0);
    assert!(out.contains("Mức 2023"), "{out}");
    let row = out.lines().find(|l| l.contains("06002")).unwrap();
    assert!(
        row.contains("xã NTM") && row.contains("Chưa đạt") && row.contains("Xuống mức"),
        "{row}"
    );
    assert!(
        row.contains("19 → 18 (−1)") && row.contains("xã NTM ↓15.1"),
        "{row}"
    );
    // The table of indicators that turned names each by its code; the legend under it says what
    // the indicator is about, once.
    let flip_row = out
        .lines()
        .find(|l| l.contains("06002") && l.contains("15.1") && l.contains("Đạt → Không đạt"))
        .unwrap();
    assert!(!flip_row.contains("bảo hiểm y tế"), "{flip_row}");
    let legend = out.split("Các chỉ tiêu trong bảng trên").nth(1).unwrap();
    let named = |set: &str| {
        legend
            .lines()
            .filter(|l| l.starts_with(set) && l.contains(" 15.1 "))
            .collect::<Vec<_>>()
    };
    let ntm = named("xã NTM ");
    assert!(
        ntm.len() == 1 && ntm[0].ends_with("Tỷ lệ người dân tham gia bảo hiểm y tế"),
        "{legend}"
    );
    assert_eq!(named("NTM nâng cao ").len(), 1, "{legend}");
    assert!(
        flip_row.contains("96 %") && flip_row.contains("94,5 %") && flip_row.contains("≥ 95 %*"),
        "{flip_row}"
    );
    assert!(
        flip_row.contains("↓ Đạt → Không đạt") && flip_row.contains("số liệu"),
        "{flip_row}"
    );
    let (_, out, _) = run(&["diff", &f, "--lang", "en"]);
    let row = out.lines().find(|l| l.contains("06001")).unwrap();
    assert!(
        row.contains("Gained") && row.contains("18 → 19 (+1)"),
        "{row}"
    );
    assert!(out.contains("94.5 %"), "{out}");

    let (_, out, _) = run(&["diff", &f, "--format", "csv"]);
    let mut lines = out.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("code,name,in,old_code,part_of,level_before,level_after,change")
    );
    let l = out.lines().find(|l| l.starts_with("06006,")).unwrap();
    assert_eq!(
        l,
        "06006,Lộc Yên,both,,,xa-ntm,,lost,reached,not_met,same,,19,18,2023,2024,flip,xa-ntm,10,10,10,pass,fail,40.5,40.5,39,42,threshold"
    );
    let l = out.lines().find(|l| l.starts_with("06004,")).unwrap();
    assert!(
        l.starts_with("06004,Hồng Phong,new,,,,xa-ntm,new,absent,reached,new,,,19,,2024,"),
        "{l}"
    );

    let (_, out, _) = run(&["diff", &f, "--format", "md"]);
    assert!(out.starts_with("## So sánh kết quả xã: 2023"), "{out}");
    assert!(out.contains("| 06003 | Yên Trạch | xã NTM | xã NTM | Giữ nguyên | 19 → 19 (±0) | NTM nâng cao ↓17.2 |"), "{out}");
}

#[test]
fn the_sample_district_over_2023_and_2024() {
    // samples/README.md: outcomes worked out by hand from the reference thresholds.
    let f = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/communes.csv");
    let doc = diff_json(&[f, "--from", "2023", "--to", "2024"]);
    assert_eq!(
        commune(&doc, "06214")["change"],
        "gained",
        "Phú Xá gains xã NTM"
    );
    assert_eq!(commune(&doc, "06214")["level_after"], "xa-ntm");
    let td = commune(&doc, "06199");
    assert_eq!(td["change"], "lost");
    assert_eq!(flip(td, "xa-ntm", "15.1")["value_after"], 94.1);
    let yt = commune(&doc, "06247");
    assert_eq!(yt["change"], "unchanged");
    let f17 = flip(yt, "nang-cao", "17.2");
    assert_eq!(
        (f17["value_before"].as_f64(), f17["value_after"].as_f64()),
        (Some(52.0), Some(46.0))
    );
    let ly = commune(&doc, "06211");
    assert_eq!(ly["change"], "lost");
    assert_eq!(flip(ly, "xa-ntm", "10")["cause"], "threshold");
    assert_eq!(
        commune(&doc, "06235")["level_after"],
        "kieu-mau",
        "Gia Cát rises to kiểu mẫu"
    );
    let doc = diff_json(&[f, "--same-year", "2024"]);
    assert_eq!(
        commune(&doc, "06211")["change"],
        "unchanged",
        "Lộc Yên: 40,5 < 42 in both"
    );
}

/// 2.3 has two checks (2.3a ≥ 100 %, 2.3b ≥ 50 %); only 2.3b turns. The narrow table names the
/// check that turned (`2.3b`, as the check reports name it), not only the indicator, and the legend
/// says what that check is about, once.
#[test]
fn the_check_that_turned_is_named_when_an_indicator_has_several() {
    let dir = tempfile::tempdir().unwrap();
    let rows = csv(&[
        Commune {
            code: "06001",
            name: "Phú Xá",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06001",
            name: "Phú Xá",
            year: 2024,
            set: &[NC9, ("2.3b", "40")],
        },
    ]);
    let f = write(dir.path(), "xa.csv", &rows);
    let (code, out, _) = run(&["diff", &f, "--level", "xa-ntm"]);
    assert_eq!(code, 0, "{out}");
    let (table, legend) = out.split_once("Các chỉ tiêu trong bảng trên").unwrap();
    let flips: Vec<&str> = table
        .lines()
        .filter(|l| l.contains("06001") && l.contains("Đạt → Không đạt"))
        .collect();
    assert!(
        flips.len() == 1 && flips[0].contains(" 2.3b ") && flips[0].contains("40 %"),
        "{table}"
    );
    let named: Vec<&str> = legend.lines().filter(|l| l.contains(" 2.3b ")).collect();
    assert_eq!(named.len(), 1, "{legend}");
}

#[test]
fn the_summary_alone_counts_the_moves_and_the_indicators_that_turned() {
    // A gained xã NTM, B and F lost it, C kept it, D is new, E gone (see `two_years`). Turned: A's
    // 2.2 up; B's 15.1 down in xã NTM; F's income (10) down by the threshold alone (40,5 against 39
    // then 42).
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(&dir);
    let doc = diff_json(&[&f, "--summary"]);
    assert!(doc.get("communes").is_none(), "{doc}");
    let c = &doc["counts"];
    let ch = &c["changes"];
    let moves: Vec<u64> = ["gained", "lost", "unchanged", "unknown", "new", "gone"]
        .iter()
        .map(|k| ch[k].as_u64().unwrap())
        .collect();
    assert_eq!(moves, [1, 2, 1, 0, 1, 1]);
    let turns = |set: &str, code: &str| -> (u64, u64, u64) {
        let t = c["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["set"] == set && t["code"] == code)
            .unwrap_or_else(|| panic!("no {set}:{code} in {c}"));
        let n = |k: &str| t[k].as_u64().unwrap();
        (n("up"), n("down"), n("threshold_only"))
    };
    assert_eq!(turns("xa-ntm", "2.2"), (1, 0, 0));
    assert_eq!(turns("xa-ntm", "15.1"), (0, 1, 0));
    assert_eq!(turns("xa-ntm", "10"), (0, 1, 1));
    // The same counts as the full report's rows, indicator by indicator.
    let full = diff_json(&[&f]);
    let mut rows: std::collections::BTreeMap<(String, String), (u64, u64)> = Default::default();
    for u in full["communes"].as_array().unwrap() {
        for fl in u["flipped"].as_array().into_iter().flatten() {
            let e = rows
                .entry((fl["set"].to_string(), fl["code"].to_string()))
                .or_default();
            if fl["to"] == "pass" {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    let counted: std::collections::BTreeMap<(String, String), (u64, u64)> = c["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                (t["set"].to_string(), t["code"].to_string()),
                (t["up"].as_u64().unwrap(), t["down"].as_u64().unwrap()),
            )
        })
        .collect();
    assert_eq!(counted, rows);
    let total: u64 = rows.values().map(|(u, d)| u + d).sum();
    assert_eq!(c["indicators_turned"].as_u64(), Some(total));
    assert_eq!(doc["summary"], full["summary"]);

    let (code, out, _) = run(&["diff", &f, "--summary"]);
    assert_eq!(code, 0);
    let row = |label: &str| {
        out.lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label} in {out}"))
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    };
    assert_eq!(row("Lên mức "), "1");
    assert_eq!(row("Xuống mức "), "2");
    assert_eq!(row("Giữ nguyên "), "1");
    assert_eq!(row("Mới: chỉ có ở bên mới (2024)"), "1");
    assert_eq!(row("Không còn: chỉ có ở bên cũ (2023)"), "1");
    assert!(
        out.contains(&format!(
            "Tổng cộng: {total} lượt chỉ tiêu đổi trạng thái; 0 lượt chỉ tiêu chỉ chấm được ở một bên"
        )),
        "{out}"
    );
    // No row per commune.
    assert!(!out.contains("Phú Xá"), "{out}");
    let (_, en, _) = run(&["diff", &f, "--summary", "--lang", "en"]);
    assert!(
        en.contains(&format!("In all: {total} indicator turns")),
        "{en}"
    );
    assert!(
        en.lines()
            .any(|l| l.starts_with("Gained ") && l.ends_with(" 1")),
        "{en}"
    );

    // The summary has no CSV, HTML or Excel form: refused before anything is read or written.
    for format in ["csv", "html"] {
        let (code, out, err) = run(&["diff", &f, "--summary", "--format", format]);
        assert_eq!(code, 64, "{format}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("--summary"), "{err}");
    }
    // Nor is an Excel file begun for it.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("so-sanh.xlsx");
    let (code, _, err) = run(&["diff", &f, "--summary", "-o", xlsx.to_str().unwrap()]);
    assert_eq!(code, 64, "{err}");
    assert!(err.contains("--summary"), "{err}");
    assert!(!xlsx.exists());
}

#[test]
fn district_notes_come_in_each_district_file_order_whatever_order_the_sides_are_read_in() {
    // The district file lists 183, 187, 181 in 2023 and 187, 181, 183 in 2024; the comparison reads
    // the old side in the new side's order, and two threads read the sides. Each side's notes on
    // communes come in its rows' order, run after run.
    let dir = env!("CARGO_MANIFEST_DIR");
    let xa = format!("{dir}/tests/fixtures/data/xa-ba-huyen.csv");
    let huyen = format!("{dir}/tests/fixtures/data/huyen-doi-thu-tu.csv");
    let order = |err: &str, year: &str| -> Vec<String> {
        err.lines()
            .filter(|l| l.contains(&format!("in {year}:")))
            .filter_map(|l| l.split(" names ").nth(1))
            .filter_map(|l| l.split(" in ").next())
            .map(String::from)
            .fold(Vec::new(), |mut seen, d| {
                if seen.last() != Some(&d) {
                    seen.push(d);
                }
                seen
            })
    };
    let mut first = None;
    for _ in 0..5 {
        let (code, _, err) = run(&["diff", &xa, "--districts", &huyen, "--lang", "en"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            order(&err, "2023"),
            ["Huyện Cao Lộc", "Huyện Chi Lăng", "Huyện Bình Gia"],
            "{err}"
        );
        assert_eq!(
            order(&err, "2024"),
            ["Huyện Chi Lăng", "Huyện Bình Gia", "Huyện Cao Lộc"],
            "{err}"
        );
        // And the same words each time.
        assert!(first.get_or_insert_with(|| err.clone()) == &err);
    }
}

/// The rows of the table titled `title` in a text report: each cell cut at its column, as the
/// line of `─` under the header marks them (every character here takes one column).
fn text_table(out: &str, title: &str) -> Vec<Vec<String>> {
    let mut lines = out.lines().skip_while(|l| !l.starts_with(title)).skip(2);
    let Some(rule) = lines.next() else {
        return Vec::new();
    };
    let rule: Vec<char> = rule.chars().collect();
    let mut columns = Vec::new();
    let mut start = None;
    for (i, c) in rule.iter().chain([&' ']).enumerate() {
        match (c == &'─', start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                columns.push(s);
                start = None;
            }
            _ => {}
        }
    }
    lines
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let chars: Vec<char> = l.chars().collect();
            columns
                .iter()
                .enumerate()
                .map(|(k, &s)| {
                    let end = columns.get(k + 1).copied().unwrap_or(chars.len());
                    let cell: String = chars[s.min(chars.len())..end.min(chars.len())]
                        .iter()
                        .collect();
                    cell.trim().to_string()
                })
                .collect()
        })
        .collect()
}

/// The rows of the Markdown table under the heading `### {title}`.
fn md_table(out: &str, title: &str) -> Vec<Vec<String>> {
    out.lines()
        .skip_while(|l| !l.starts_with(&format!("### {title}")))
        .skip(4)
        .take_while(|l| l.starts_with('|'))
        .map(md_cells)
        .collect()
}

#[test]
fn the_text_table_of_indicators_that_turned_says_what_the_markdown_one_says() {
    // The text table keeps its cells by key (set, check, value, threshold, direction, cause), the
    // Markdown table writes each row whole: the same rows, cell for cell.
    let dir = env!("CARGO_MANIFEST_DIR");
    let title = "Chỉ tiêu đổi trạng thái (Đạt ↔ Không đạt)";
    for file in [
        "samples/communes.csv",
        "tests/fixtures/data/xa-ba-huyen.csv",
    ] {
        let path = format!("{dir}/{file}");
        let args = ["diff", &path, "--from", "2023", "--to", "2024"];
        let (code, text, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        let (code, md, err) = run(&[&args[..], &["--format", "md"]].concat());
        assert_eq!(code, 0, "{err}");
        let (t, m) = (text_table(&text, title), md_table(&md, title));
        assert!(t.len() >= 2 && t[0].len() == 10, "{file}: {t:?}\n{text}");
        assert_eq!(t, m, "{file}");
    }
}
