//! `diff` of two generated files of a few thousand communes, checked against `check` of each side:
//! the same summaries, the same verdicts per commune and set, and the indicators that turned are
//! exactly those whose status `check` gives as pass on one side and fail on the other, with the
//! values `check` read. `diff` keeps each side compactly and explains an indicator again only when it
//! changed; `check` evaluates every row whole: they must agree.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::common::{BASE, json, write};

/// A deterministic sequence (the same files on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A value near `base`: the other verdict or none for a verdict; a whole number or one decimal
/// near a number (percentages at most 100), or none.
fn near(base: &str, rng: &mut Lcg) -> String {
    if base == "Đạt" {
        return ["Không đạt", "Đạt", ""][rng.next(3) as usize].to_string();
    }
    if rng.next(12) == 0 {
        return String::new();
    }
    let v: f64 = base.replace(',', ".").parse().expect("a number in BASE");
    let factor = [0.5, 0.8, 0.95, 1.0, 1.05, 1.2][rng.next(6) as usize];
    let mut x = v * factor;
    if v <= 100.0 {
        x = x.min(100.0);
    }
    if base.contains(',') {
        format!("{:.1}", x).replace('.', ",")
    } else {
        format!("{}", x.round() as i64)
    }
}

/// A commune file of `codes` in `year`, each commune's values drawn near [`BASE`] (one in 25
/// changed), from `seed`.
fn file(codes: &[String], year: i32, seed: u64) -> String {
    let mut out = String::from("ma_xa;ten_xa;huyen;nam");
    for (col, _) in BASE {
        out.push(';');
        out.push_str(col);
    }
    out.push('\n');
    for code in codes {
        // Each commune its own draw: the same commune gets the same values from the same seed.
        let n: u64 = code
            .bytes()
            .fold(seed, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
        let mut rng = Lcg(n);
        out.push_str(&format!("{code};Xã {code};Cao Lộc;{year}"));
        // One commune in seven earns 50 million on both sides: kiểu mẫu in 2023 (≥ 49,5), not in
        // 2024 (≥ 52,8), the threshold alone turning it.
        let fifty = code.bytes().map(u64::from).sum::<u64>() % 7 == 0;
        for (col, v) in BASE {
            out.push(';');
            if *col == "10" && fifty {
                out.push_str("50");
            } else if rng.next(25) == 0 {
                out.push_str(&near(v, &mut rng));
            } else {
                out.push_str(v);
            }
        }
        out.push('\n');
    }
    out
}

/// Each commune of a `check --format json` document by code.
fn by_code(doc: &Value) -> BTreeMap<String, &Value> {
    doc["communes"]
        .as_array()
        .expect("communes")
        .iter()
        .map(|c| (c["code"].as_str().expect("code").to_string(), c))
        .collect()
}

/// A commune's sets by id, and each (set, indicator code) with its JSON, from `check`.
fn indicators(c: &Value) -> BTreeMap<(String, String), &Value> {
    let mut out = BTreeMap::new();
    for s in c["sets"].as_array().expect("sets") {
        let set = s["set"].as_str().expect("set id").to_string();
        let criteria = s["criteria"]
            .as_array()
            .or_else(|| c["criteria"].as_array())
            .expect("criteria");
        for cr in criteria {
            for i in cr["indicators"].as_array().expect("indicators") {
                let code = i["code"].as_str().expect("code").to_string();
                out.insert((set.clone(), code), i);
            }
        }
    }
    out
}

fn set<'a>(c: &'a Value, id: &str) -> &'a Value {
    c["sets"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["set"] == id))
        .unwrap_or_else(|| panic!("no set {id}"))
}

fn judged(status: &Value) -> bool {
    status == "pass" || status == "fail"
}

#[test]
fn a_diff_of_two_generated_files_agrees_with_check_of_each() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    let codes: Vec<String> = (0..n).map(|i| format!("X{i:05}")).collect();
    // The old side has 20 communes the new one lacks, and lacks 10 it has; the new file lists its
    // communes in another order.
    let mut old_codes = codes.clone();
    old_codes.extend((0..20).map(|i| format!("G{i:03}")));
    let mut new_codes: Vec<String> = codes[..n - 10].to_vec();
    new_codes.extend((0..10).map(|i| format!("N{i:03}")));
    new_codes.reverse();
    let old = write(dir.path(), "old.csv", &file(&old_codes, 2023, 1));
    let new = write(dir.path(), "new.csv", &file(&new_codes, 2024, 2));

    let (code, diff) = json(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(code, 0, "{diff}");
    // Nothing refused: the only notes say the files use codes of their own.
    let problems = diff["problems"].as_array().expect("problems");
    assert!(
        problems.iter().all(|p| p["kind"] == "own-codes"),
        "{problems:?}"
    );
    let (c_old, check_old) = json(&["check", &old, "--level", "all", "--format", "json"]);
    let (c_new, check_new) = json(&["check", &new, "--level", "all", "--format", "json"]);
    assert!(c_old <= 2 && c_new <= 2, "{c_old} {c_new}");

    // The programme's measures of each side are check's.
    let s = &diff["summary"];
    for (side, check) in [("before", &check_old), ("after", &check_new)] {
        let theirs = &check["summaries"][0];
        for key in [
            "units",
            "levels",
            "groups",
            "criteria_passed",
            "average_criteria_met",
            "unknown",
        ] {
            assert_eq!(s[side][key], theirs[key], "{side}: {key}");
        }
    }
    assert_eq!(s["units_before"], n + 20);
    assert_eq!(s["units_after"], n);
    assert_eq!(s["both"], n - 10);
    assert_eq!(
        (s["only_old"].as_u64(), s["only_new"].as_u64()),
        (Some(30), Some(10))
    );

    let (olds, news) = (by_code(&check_old), by_code(&check_new));
    let communes = diff["communes"].as_array().expect("communes");
    assert_eq!(communes.len(), n + 30);
    // The new side's order, then the old side's communes it lacks.
    assert_eq!(communes[0]["code"], new_codes[0].as_str());
    assert_eq!(communes[n]["code"], "X01990");
    let (mut flips, mut one_sided, mut changed) = (0, 0, 0);
    for c in communes.iter().filter(|c| c["in"] == "both") {
        let code = c["code"].as_str().unwrap();
        let (b, a) = (olds[code], news[code]);
        assert_eq!(c["level_before"], b["level_reached"], "{code}");
        assert_eq!(c["level_after"], a["level_reached"], "{code}");
        assert_eq!(c["line_before"], b["line"], "{code}");
        assert_eq!(c["line_after"], a["line"], "{code}");
        for sd in c["sets"].as_array().expect("sets") {
            let id = sd["set"].as_str().unwrap();
            let (sb, sa) = (set(b, id), set(a, id));
            assert_eq!(sd["qualified_before"], sb["qualified"], "{code} {id}");
            assert_eq!(sd["qualified_after"], sa["qualified"], "{code} {id}");
            assert_eq!(sd["criteria_met_before"], sb["criteria_met"], "{code} {id}");
            assert_eq!(sd["criteria_met_after"], sa["criteria_met"], "{code} {id}");
        }
        // The indicators that turned, and those judged on one side only: exactly check's.
        let (ib, ia) = (indicators(b), indicators(a));
        let mut turned = BTreeSet::new();
        let mut one_side = BTreeSet::new();
        for (key, x) in &ib {
            let y = ia[key];
            let (p, q) = (&x["status"], &y["status"]);
            if p == q {
                continue;
            }
            if judged(p) && judged(q) {
                turned.insert(key.clone());
            } else if judged(p) || judged(q) {
                one_side.insert(key.clone());
            }
        }
        let listed = |field: &str| -> BTreeSet<(String, String)> {
            c[field]
                .as_array()
                .expect("list")
                .iter()
                .map(|f| {
                    (
                        f["set"].as_str().unwrap().into(),
                        f["code"].as_str().unwrap().into(),
                    )
                })
                .collect()
        };
        assert_eq!(listed("flipped"), turned, "{code}");
        assert_eq!(listed("not_compared"), one_side, "{code}");
        for f in c["flipped"].as_array().unwrap() {
            let key = (
                f["set"].as_str().unwrap().to_string(),
                f["code"].as_str().unwrap().to_string(),
            );
            // One check: the values and thresholds check shows.
            if f.get("checks").is_none() {
                assert_eq!(f["value_before"], ib[&key]["value"], "{code} {key:?}");
                assert_eq!(f["value_after"], ia[&key]["value"], "{code} {key:?}");
                assert_eq!(f["from"], ib[&key]["status"], "{code} {key:?}");
                assert_eq!(f["to"], ia[&key]["status"], "{code} {key:?}");
            }
        }
        flips += turned.len();
        one_sided += one_side.len();
        changed += usize::from(c["change"] != "unchanged");
    }
    // The flips the threshold alone caused: counted by the summary without explaining the others.
    let threshold_only = communes
        .iter()
        .flat_map(|c| c["flipped"].as_array().unwrap())
        .filter(|f| f["cause"] == "threshold")
        .count();
    assert_eq!(s["threshold_only"], threshold_only);
    assert!(threshold_only > 100, "{threshold_only}");
    // The files are made so that there is something to compare.
    assert!(
        flips > 1000 && one_sided > 100 && changed > 500,
        "{flips} {one_sided} {changed}"
    );

    // The table says the same counts, and lists every commune once.
    let (code, table, _) = crate::common::run(&["diff", &old, &new, "--lang", "en"]);
    assert_eq!(code, 0);
    let rows = table
        .lines()
        .filter(|l| l.starts_with('X') || l.starts_with('G') || l.starts_with('N'))
        .filter(|l| !l.contains(" → "))
        .count();
    assert!(rows >= n + 30, "{rows}");
    assert!(
        table.contains(&format!(
            "Old side (2023): {} communes; new side (2024): {n}.",
            n + 20
        )),
        "{}",
        table
            .lines()
            .find(|l| l.starts_with("Old side"))
            .unwrap_or("")
    );
}
