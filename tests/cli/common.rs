//! Shared helpers: running the binary and building commune data files.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// The date every test run is made on (printed reports carry it): the same bytes whatever the day.
pub const DATE: &str = "2025-07-01";
/// [`DATE`] as a Vietnamese report prints it.
pub const DATE_VI: &str = "01/07/2025";

pub fn ntm() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ntm"));
    cmd.env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env("NTM_DATE", DATE)
        .env_remove("SOURCE_DATE_EPOCH");
    cmd
}

/// Run `ntm` with `args`; return (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = ntm().args(args).output().expect("run ntm");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Standard error without the one note a commune file of its own codes gets (`own-codes`, see
/// docs/units.md): the files these tests write use codes of their own.
pub fn without_own_codes_note(err: &str) -> String {
    err.lines()
        .filter(|l| {
            !l.contains("tệp dùng mã xã riêng") && !l.contains("uses its own commune codes")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

pub fn json(args: &[&str]) -> (i32, Value) {
    let (code, out, err) = run(args);
    let v = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {out}\nstderr: {err}"));
    (code, nested(v))
}

/// A `check --format json` document (schema 2) with each unit's verdicts spelled out in full from
/// what it carries and the definitions at the top, as a consumer reads them (docs/json.md): every
/// set as `sets[]` with its criteria, indicators and checks, each with its status (a status
/// absent from `not_passed` is a pass), value, op, threshold (the unit's own, else the
/// definition's for the set's `threshold_year`) and gap; `still_needed` as items. The facts the
/// tests assert on are read through this, so a fact the document lost fails them. Other documents
/// are returned as they are.
pub fn nested(mut doc: Value) -> Value {
    if doc["schema_version"] != 2 || doc.get("definitions").is_none() {
        return doc;
    }
    let defs = doc["definitions"].clone();
    let target = doc["target"].clone();
    for list in ["communes", "districts"] {
        if let Some(units) = doc.get_mut(list).and_then(Value::as_array_mut) {
            for u in units.iter_mut() {
                let d = &defs[u["criteria_version"].as_str().unwrap_or_default()];
                // A district's criteria are its own set's: the last of its chain.
                let own = match list {
                    "districts" => u["sets"]
                        .as_object()
                        .and_then(|s| s.keys().next_back())
                        .map_or(Value::Null, |k| Value::String(k.clone())),
                    _ => target.clone(),
                };
                *u = unit_nested(u, d, &own);
            }
        }
    }
    doc
}

/// A set's list of what did not pass (`checks`, `indicators`): absent from it means passed, so a
/// set without the list at all is a document that lost it, not one where everything passed.
fn not_passed<'a>(set: &'a Value, part: &str) -> &'a serde_json::Map<String, Value> {
    set["not_passed"][part].as_object().unwrap_or_else(|| {
        panic!("a set without not_passed.{part} (all would read as passed): {set}")
    })
}

fn unit_nested(u: &Value, defs: &Value, target: &Value) -> Value {
    let mut out = u.clone();
    let obj = out.as_object_mut().unwrap();
    let values = &u["values"];
    let check = |set: &Value, def: &Value, key: &str, year: &Value, own: &Value| {
        let d = &def["checks"][key];
        let input = d["input"].as_str().unwrap_or(key);
        let status = not_passed(set, "checks")
            .get(key)
            .cloned()
            .unwrap_or_else(|| serde_json::json!("pass"));
        let threshold = own["thresholds"]
            .get(key)
            .cloned()
            .or_else(|| {
                d["thresholds"]
                    .get(year.to_string().trim_matches('"'))
                    .cloned()
            })
            .unwrap_or(Value::Null);
        // A threshold by group: the group's, and the year of its dated value.
        let group = &d["threshold_by_group"][u["group"].as_str().unwrap_or("")];
        let y = year.to_string();
        let y = y.trim_matches('"');
        let threshold = match (&threshold, own["thresholds"].get(key)) {
            (Value::Null, _) | (_, None) if !group.is_null() && d.get("context").is_none() => {
                group["thresholds"].get(y).cloned().unwrap_or(threshold)
            }
            _ => threshold,
        };
        serde_json::json!({
            "threshold_group": if group.is_null() { Value::Null } else { u["group"].clone() },
            "threshold_dated": group["dated"].get(y).cloned().unwrap_or(Value::Null),
            "input": input,
            "status": status,
            "value": values.get(input).cloned().unwrap_or(Value::Null),
            "op": d.get("op").cloned().unwrap_or(Value::Null),
            "threshold": threshold,
            "gap": own["gaps"].get(key).cloned().unwrap_or(Value::Null),
            "verified": d["verified"],
            "threshold_case": own["threshold_cases"].get(key).cloned().unwrap_or(Value::Null),
        })
    };
    let indicator = |set: &Value, def: &Value, code: &str, year: &Value| {
        let d = &def["indicators"][code];
        let checks: Vec<Value> = d["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|k| check(set, def, k.as_str().unwrap(), year, set))
            .collect();
        let main = checks
            .iter()
            .find(|c| c["status"] == "fail")
            .or_else(|| checks.iter().find(|c| c["status"] == "missing"))
            .or_else(|| checks.iter().find(|c| c["status"] != "info"))
            .cloned()
            .unwrap_or(Value::Null);
        let mut i = serde_json::json!({
            "code": code,
            "status": not_passed(set, "indicators").get(code).cloned()
                .unwrap_or_else(|| serde_json::json!("pass")),
            "value": main["value"],
            "op": main["op"],
            "threshold": main["threshold"],
            "gap": main["gap"],
            "verified": d["verified"],
            "threshold_group": main["threshold_group"],
            "threshold_dated": main["threshold_dated"],
        });
        if checks.len() > 1 {
            i["checks"] = Value::Array(checks);
        }
        i
    };
    let mut sets = Vec::new();
    for (id, s) in u["sets"].as_object().into_iter().flatten() {
        let def = &defs[id];
        let year = &s["threshold_year"];
        let criteria: Vec<Value> = def["criteria"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                let number = c["number"].as_str().unwrap();
                serde_json::json!({
                    "number": number,
                    "status": s["not_passed"]["criteria"].get(number).cloned()
                        .unwrap_or_else(|| serde_json::json!("pass")),
                    "indicators": c["indicators"].as_array().into_iter().flatten()
                        .map(|i| indicator(s, def, i.as_str().unwrap(), year))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        let prerequisites: Vec<Value> = s["prerequisites_unmet"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(p, v)| serde_json::json!({"set": p, "status": v}))
            .collect();
        if id == target {
            obj.insert("criteria".into(), Value::Array(criteria.clone()));
        }
        sets.push(serde_json::json!({
            "set": id,
            "status": s["status"],
            "qualified": s.get("qualified").cloned().unwrap_or(Value::Null),
            "prerequisites_unmet": prerequisites,
            "criteria_met": s["criteria_met"],
            "criteria_total": s["criteria_total"],
            "threshold_year": s["threshold_year"],
            "criteria": criteria,
        }));
    }
    obj.insert("sets".into(), Value::Array(sets));
    for k in ["qualified", "level_reached"] {
        obj.entry(k).or_insert(Value::Null);
    }
    if let Some(r) = u.get("recognition") {
        let set = r["set"].as_str().unwrap();
        let def = &defs[set]["recognition"];
        let year = &u["sets"][set]["threshold_year"];
        let indicators: Vec<Value> = def["indicators"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(code, _)| indicator(r, def, code, year))
            .collect();
        obj.insert(
            "recognition".into(),
            serde_json::json!({
                "set": set,
                "assessed": r["assessed"],
                "conditions": r.get("conditions").cloned().unwrap_or(Value::Null),
                "ready": r.get("ready").cloned().unwrap_or(Value::Null),
                "indicators": indicators,
            }),
        );
    }
    let needs = &u["still_needed"];
    let items: Vec<Value> = needs["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|k| {
            let set = needs["set"].as_str().unwrap();
            let s = &u["sets"][set];
            let key = k.as_str().unwrap();
            let c = check(s, &defs[set], key, &s["threshold_year"], s);
            serde_json::json!({
                "set": set,
                "indicator": defs[set]["checks"][key]["indicator"],
                "input": c["input"],
                "status": c["status"],
                "gap": c["gap"],
            })
        })
        .collect();
    obj.insert(
        "still_needed".into(),
        serde_json::json!({"next_level": needs.get("set").cloned().unwrap_or(Value::Null), "items": items}),
    );
    out
}

/// A commune that meets every criterion of xã NTM, nâng cao and kiểu mẫu in 2024, each value chosen
/// by hand against the reference (../shared/reference/ntm-criteria.md §3–§4), with its margin:
/// income 55 ≥ 52.8 (kiểu mẫu 2024 = 1.10 × 48), poverty 3.5 ≤ 13, 2.2 = 90 ≥ 70, nc2.2 = 90 ≥ 85, …
pub const BASE: &[(&str, &str)] = &[
    ("1.1", "Đạt"),
    ("1.2", "Đạt"),
    ("2.1", "100"),
    ("2.2", "90"),
    ("2.3a", "100"),
    ("2.3b", "80"),
    ("2.4", "75"),
    ("3.1", "85"),
    ("3.2a", "Đạt"),
    ("3.2b", "75"),
    ("4.1", "Đạt"),
    ("4.2", "99"),
    ("5a", "100"),
    ("5b", "75"),
    ("5n", "4"),
    ("6.1", "Đạt"),
    ("6.2", "Đạt"),
    ("6.3", "100"),
    ("7", "Đạt"),
    ("8.1", "Đạt"),
    ("8.2", "Đạt"),
    ("8.3", "Đạt"),
    ("8.4", "Đạt"),
    ("9.1", "0"),
    ("9.2", "90"),
    ("10", "55"),
    ("11", "3,5"),
    ("12.1", "95"),
    ("12.2", "75"),
    ("12.3", "30"),
    ("13.1", "Đạt"),
    ("13.2", "Đạt"),
    ("13.3", "Đạt"),
    ("13.4", "Đạt"),
    ("13.5", "Đạt"),
    ("14.1a", "Đạt"),
    ("14.1b", "99"),
    ("14.2", "90"),
    ("15.1", "96"),
    ("15.2", "Đạt"),
    ("15.3", "20"),
    ("15.4", "60"),
    ("16", "95"),
    ("17.1a", "98"),
    ("17.1b", "60"),
    ("17.2", "100"),
    ("17.3", "Đạt"),
    ("17.4", "3"),
    ("17.5", "Đạt"),
    ("17.6", "Đạt"),
    ("17.7", "80"),
    ("17.8", "70"),
    ("17.9", "100"),
    ("17.10", "55"),
    ("17.11", "60"),
    ("18.1", "Đạt"),
    ("18.2", "Đạt"),
    ("18.3", "Đạt"),
    ("18.4", "Đạt"),
    ("18.5", "Đạt"),
    ("18.6", "Đạt"),
    ("19.1", "Đạt"),
    ("19.2", "Đạt"),
    ("nc1.1", "Đạt"),
    ("nc1.2", "Đạt"),
    ("nc2.1", "100"),
    ("nc2.2", "90"),
    ("nc2.3", "80"),
    ("nc2.4", "75"),
    ("nc3.1", "85"),
    ("nc3.2", "15"),
    ("nc3.3", "75"),
    ("nc4.1", "Đạt"),
    ("nc5", "60"),
    ("nc6", "Đạt"),
    ("nc7", "Đạt"),
    ("nc8.1", "Đạt"),
    ("nc8.2", "Đạt"),
    ("nc9", "85"),
    ("nc13", "Đạt"),
    ("nc14", "Đạt"),
    ("nc18", "Đạt"),
    ("nc19", "Đạt"),
    ("km3", "1"),
    ("km4", "1"),
];

/// One commune: code, name, year and the values that differ from [`BASE`].
pub struct Commune<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub year: i32,
    pub set: &'a [(&'a str, &'a str)],
}

/// A semicolon-separated file as a Vietnamese Excel exports it, every commune in Cao Lộc.
pub fn csv(communes: &[Commune]) -> String {
    let placed: Vec<(&str, &Commune)> = communes.iter().map(|c| ("Cao Lộc", c)).collect();
    csv_in(&placed)
}

/// The same, each commune in the district given with it.
pub fn csv_in(communes: &[(&str, &Commune)]) -> String {
    let mut out = String::from("ma_xa;ten_xa;huyen;nam");
    for (col, _) in BASE {
        out.push(';');
        out.push_str(col);
    }
    out.push('\n');
    for (district, c) in communes {
        out.push_str(&format!("{};{};{district};{}", c.code, c.name, c.year));
        for (col, v) in BASE {
            let v = c.set.iter().find(|(k, _)| k == col).map_or(*v, |(_, v)| *v);
            out.push(';');
            out.push_str(v);
        }
        out.push('\n');
    }
    out
}

/// A district meeting every district indicator of huyện NTM (reference §5), each with its margin:
/// h0.4 satisfaction 92 ≥ 90, h5.3 schools 65 ≥ 60, h7.1 waste 85 ≥ 80, h8 water 40 ≥ 35.
pub const DISTRICT_BASE: &[(&str, &str)] = &[
    ("h0.3", "100"),
    ("h0.4", "92"),
    ("h1", "Đạt"),
    ("h2.1", "100"),
    ("h2.2", "100"),
    ("h2.4", "Đạt"),
    ("h3", "Đạt"),
    ("h4", "Đạt"),
    ("h5.1", "Đạt"),
    ("h5.2", "Đạt"),
    ("h5.3", "65"),
    ("h6", "Đạt"),
    ("h7.1", "85"),
    ("h7.2", "100"),
    ("h8", "40"),
    ("h9", "Đạt"),
];

/// A district row: code, name, year, values that differ from [`DISTRICT_BASE`].
pub type DistrictRow<'a> = (&'a str, &'a str, i32, &'a [(&'a str, &'a str)]);

/// A district file.
pub fn districts_csv(rows: &[DistrictRow]) -> String {
    let mut out = String::from("ma_huyen;ten_huyen;nam");
    for (col, _) in DISTRICT_BASE {
        out.push(';');
        out.push_str(col);
    }
    out.push('\n');
    for (code, name, year, set) in rows {
        out.push_str(&format!("{code};{name};{year}"));
        for (col, v) in DISTRICT_BASE {
            let v = set.iter().find(|(k, _)| k == col).map_or(*v, |(_, v)| *v);
            out.push(';');
            out.push_str(v);
        }
        out.push('\n');
    }
    out
}

/// The problems of a JSON report of `kind`.
pub fn problems_of<'a>(doc: &'a Value, kind: &str) -> Vec<&'a Value> {
    doc["problems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["kind"] == kind)
        .collect()
}

pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p.display().to_string()
}

/// The commune `code` of a `check --format json` document.
pub fn commune<'a>(doc: &'a Value, code: &str) -> &'a Value {
    doc["communes"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["code"] == code))
        .unwrap_or_else(|| panic!("no commune {code} in {doc}"))
}

/// The indicator `code` of set `set` of a commune of a JSON document (the target set's criteria are
/// the commune's top-level `criteria`, the others' are under `sets[]`).
pub fn indicator<'a>(commune: &'a Value, set: &str, code: &str) -> &'a Value {
    commune["sets"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["set"] == set))
        .and_then(|s| {
            s["criteria"]
                .as_array()
                .or_else(|| commune["criteria"].as_array())
        })
        .and_then(|cs| {
            cs.iter()
                .flat_map(|c| c["indicators"].as_array().into_iter().flatten())
                .find(|i| i["code"] == code)
        })
        .unwrap_or_else(|| panic!("no indicator {set}:{code}"))
}

/// The set result `set` of a commune.
pub fn set<'a>(commune: &'a Value, set: &str) -> &'a Value {
    commune["sets"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["set"] == set))
        .unwrap_or_else(|| panic!("no set {set}"))
}

/// The cells of a Markdown table line (`| a | b |`), trimmed; empty when the line is not a row.
pub fn md_cells(line: &str) -> Vec<String> {
    let Some(inner) = line
        .trim()
        .strip_prefix('|')
        .and_then(|l| l.strip_suffix('|'))
    else {
        return Vec::new();
    };
    inner.split(" | ").map(|c| c.trim().to_string()).collect()
}
