//! `ntm check --districts`: huyện NTM from the district's own indicators and its communes' results.
//! Expected verdicts are worked out from the reference (§2.7, §5): every commune meets xã NTM, at
//! least 10 % meet nâng cao, and every district criterion passes.
//!
//! The district codes here are the files' own (`H1`…), not official ones: the shares are over the
//! communes in the commune file. Counting over a district's xã in the official list is in `units.rs`.

use crate::common::{Commune, DistrictRow, csv_in, districts_csv, json, problems_of, run, write};

const NC_FAILS: &[(&str, &str)] = &[("nc5", "40")]; // nâng cao criterion 5: 40 % < 50 %

fn district<'a>(doc: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    doc["districts"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == code))
        .unwrap_or_else(|| panic!("no district {code} in {doc}"))
}

fn files(
    dir: &tempfile::TempDir,
    communes: &[(&str, &Commune)],
    districts: &[DistrictRow],
) -> (String, String) {
    (
        write(dir.path(), "xa.csv", &csv_in(communes)),
        write(dir.path(), "huyen.csv", &districts_csv(districts)),
    )
}

#[test]
fn a_district_whose_communes_and_indicators_all_pass_qualifies() {
    // 3 communes, all xã NTM (100 %), 1 of 3 at nâng cao (33 % ≥ 10 %); every district indicator passes.
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        Commune {
            code: "X1",
            name: "Gia Cát",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "X2",
            name: "Tân Liên",
            year: 2024,
            set: NC_FAILS,
        },
        Commune {
            code: "X3",
            name: "Hợp Thành",
            year: 2024,
            set: NC_FAILS,
        },
    );
    let (xa, huyen) = files(
        &dir,
        &[("Cao Lộc", &a), ("cao loc", &b), ("Huyện Cao Lộc", &c)],
        &[("H1", "Huyện Cao Lộc", 2024, &[])],
    );
    let (code, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let d = district(&doc, "H1");
    assert_eq!(d["qualified"], true);
    assert_eq!(d["communes_total"], 3);
    assert_eq!(d["communes_ntm"], 3);
    assert_eq!(d["share_ntm"], 100.0);
    assert_eq!(d["criteria_met"], 10);
    assert_eq!(d["criteria_total"], 10);
    let h02 = &d["criteria"][0]["indicators"][1];
    assert_eq!(h02["code"], "H0.2");
    assert!((h02["value"].as_f64().unwrap() - 100.0 / 3.0).abs() < 1e-9);
    assert_eq!(d["blocking_communes"].as_array().unwrap().len(), 0);
}

#[test]
fn a_district_held_back_by_one_commune_names_it() {
    // Chi Lăng: 2 communes; Y2 has 2.2 = 66 % (< 70): 18/19, so 50 % at xã NTM < 100 %.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        Commune {
            code: "Y1",
            name: "Quang Lang",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "Y2",
            name: "Vân An",
            year: 2024,
            set: &[("2.2", "66")],
        },
    );
    let (xa, huyen) = files(
        &dir,
        &[("Chi Lăng", &a), ("Chi Lăng", &b)],
        &[("H2", "Huyện Chi Lăng", 2024, &[])],
    );
    let (code, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let d = district(&doc, "H2");
    assert_eq!(d["qualified"], false);
    assert_eq!(d["share_ntm"], 50.0);
    assert_eq!(d["criteria_met"], 9, "criterion 0 fails on H0.1 only");
    let blocking = d["blocking_communes"].as_array().unwrap();
    assert_eq!(blocking.len(), 1);
    assert_eq!(blocking[0]["code"], "Y2");
    assert_eq!(blocking[0]["criteria_met"], 18);
    assert_eq!(blocking[0]["status"], "fail");
    let (_, out, _) = run(&["check", &xa, "--districts", &huyen, "--level", "huyen-ntm"]);
    assert!(
        out.contains("xã chưa đạt xã NTM: Vân An (Y2, 18/19 tiêu chí)"),
        "{out}"
    );
}

#[test]
fn a_district_failing_its_own_indicator_fails() {
    // Lộc Bình: its communes all pass, but h7.1 household waste 75 % < 80 %: criterion 7 fails.
    let dir = tempfile::tempdir().unwrap();
    let a = Commune {
        code: "Z1",
        name: "Tú Đoạn",
        year: 2024,
        set: &[],
    };
    let (xa, huyen) = files(
        &dir,
        &[("Lộc Bình", &a)],
        &[("H3", "Lộc Bình", 2024, &[("h7.1", "75")])],
    );
    let (code, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let d = district(&doc, "H3");
    assert_eq!(d["qualified"], false);
    assert_eq!(d["blocking_communes"].as_array().unwrap().len(), 0);
    let c7 = d["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "7")
        .unwrap();
    assert_eq!(c7["status"], "fail");
    assert_eq!(c7["indicators"][0]["gap"], 5.0);
    let (_, out, _) = run(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--lang",
        "en",
    ]);
    assert!(out.contains("district criteria: 7"), "{out}");
}

#[test]
fn missing_data_makes_a_district_unknown() {
    // Văn Quan: one commune has 17.8 empty (xã NTM unknown): the share is 50–100 %, not known.
    // Bắc Sơn: no commune in the file at all. Both unknown, exit 2.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        Commune {
            code: "V1",
            name: "Tri Lễ",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "V2",
            name: "Văn An",
            year: 2024,
            set: &[("17.8", "")],
        },
    );
    let (xa, huyen) = files(
        &dir,
        &[("Văn Quan", &a), ("Văn Quan", &b)],
        &[("H4", "Văn Quan", 2024, &[]), ("H5", "Bắc Sơn", 2024, &[])],
    );
    let (code, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let d = district(&doc, "H4");
    assert_eq!(d["qualified"], serde_json::Value::Null);
    assert_eq!(d["criteria"][0]["indicators"][0]["status"], "missing");
    assert_eq!(d["blocking_communes"][0]["status"], "unknown");
    let empty = district(&doc, "H5");
    assert_eq!(empty["qualified"], serde_json::Value::Null);
    assert_eq!(empty["communes_total"], 0);
}

#[test]
fn level_all_scores_communes_and_districts_and_summarises_by_district() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        Commune {
            code: "X1",
            name: "Gia Cát",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "Y1",
            name: "Quang Lang",
            year: 2024,
            set: NC_FAILS,
        },
        Commune {
            code: "Y2",
            name: "Vân An",
            year: 2024,
            set: &[("2.2", "66")],
        },
    );
    let (xa, huyen) = files(
        &dir,
        &[("Cao Lộc", &a), ("Chi Lăng", &b), ("Chi Lăng", &c)],
        &[("H1", "Cao Lộc", 2024, &[]), ("H2", "Chi Lăng", 2024, &[])],
    );
    let (code, doc) = json(&["check", &xa, "--districts", &huyen, "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(doc["communes"].as_array().unwrap().len(), 3);
    assert_eq!(doc["communes"][0]["level_reached"], "kieu-mau");
    assert_eq!(district(&doc, "H1")["qualified"], true);
    assert_eq!(district(&doc, "H2")["qualified"], false);
    let summaries = doc["summaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 3, "whole file, then each district");
    assert_eq!(summaries[0]["district"], serde_json::Value::Null);
    assert_eq!(summaries[0]["units"], 3);
    let chi_lang = summaries
        .iter()
        .find(|s| s["district"] == "Chi Lăng")
        .unwrap();
    assert_eq!(chi_lang["units"], 2);
    assert_eq!(chi_lang["share_meeting_base"], 50.0);
    assert_eq!(chi_lang["average_criteria_met"], 18.5);
    let (_, out, _) = run(&["check", &xa, "--districts", &huyen]);
    assert!(out.contains("Tổng hợp theo huyện, năm 2024"), "{out}");
    assert!(out.contains("Toàn bộ tệp"), "{out}");
}

#[test]
fn a_commune_outside_the_district_file_is_reported_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        Commune {
            code: "X1",
            name: "Gia Cát",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "W1",
            name: "Hữu Lân",
            year: 2024,
            set: &[],
        },
    );
    let (xa, huyen) = files(
        &dir,
        &[("Cao Lộc", &a), ("Lộc Bình", &b)],
        &[("H1", "Cao Lộc", 2024, &[])],
    );
    let (_, doc) = json(&["check", &xa, "--districts", &huyen, "--format", "json"]);
    assert_eq!(doc["communes"].as_array().unwrap().len(), 2);
    let (_, _, err) = run(&["check", &xa, "--districts", &huyen, "--lang", "en"]);
    assert!(err.contains("xa.csv:3: note: column huyen: district «Lộc Bình» of commune W1 is not in the district file"), "{err}");
}

#[test]
fn several_commune_files_are_read_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let a = Commune {
        code: "X1",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    };
    let b = Commune {
        code: "Y1",
        name: "Quang Lang",
        year: 2024,
        set: &[],
    };
    let f1 = write(dir.path(), "cao-loc.csv", &csv_in(&[("Cao Lộc", &a)]));
    let f2 = write(dir.path(), "chi-lang.csv", &csv_in(&[("Chi Lăng", &b)]));
    let (code, doc) = json(&["check", &f1, &f2, "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(doc["communes"].as_array().unwrap().len(), 2);
    // The same commune in both files is an error naming both places.
    let f3 = write(dir.path(), "again.csv", &csv_in(&[("Cao Lộc", &a)]));
    let (code, _, err) = run(&["check", &f1, &f3, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("again.csv:2: error: column ma_xa: code X1, year 2024 is already at"),
        "{err}"
    );
}

#[test]
fn a_row_refused_for_two_reasons_is_one_row_not_scored() {
    // The second file repeats X1 of the first and marks 2.2 not applicable, which it cannot be: one
    // row not scored, with both reasons, not two.
    let dir = tempfile::tempdir().unwrap();
    let a = Commune {
        code: "X1",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    };
    let again = Commune {
        set: &[("2.2", "KAD")],
        ..a
    };
    let f1 = write(dir.path(), "cao-loc.csv", &csv_in(&[("Cao Lộc", &a)]));
    let f2 = write(dir.path(), "again.csv", &csv_in(&[("Cao Lộc", &again)]));
    let (code, doc) = json(&["check", &f1, &f2, "--format", "json", "--lang", "en"]);
    assert_eq!(code, 65);
    let unscored = doc["unscored"].as_array().unwrap();
    assert_eq!(unscored.len(), 1, "{unscored:?}");
    let reasons = unscored[0]["reasons"].to_string();
    assert!(
        reasons.contains("cannot be marked not applicable"),
        "{reasons}"
    );
    assert!(reasons.contains("is already at"), "{reasons}");
    assert_eq!(doc["communes"].as_array().unwrap().len(), 1);
}

#[test]
fn a_district_level_needs_a_district_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = Commune {
        code: "X1",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    };
    let xa = write(dir.path(), "xa.csv", &csv_in(&[("Cao Lộc", &a)]));
    let (code, _, err) = run(&["check", &xa, "--level", "huyen-ntm", "--lang", "en"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("level «huyen-ntm» is a district set: it needs --districts"),
        "{err}"
    );
}

#[test]
fn a_bad_district_cell_is_named_like_a_commune_cell() {
    let dir = tempfile::tempdir().unwrap();
    let a = Commune {
        code: "X1",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    };
    let (xa, huyen) = files(
        &dir,
        &[("Cao Lộc", &a)],
        &[("H1", "Cao Lộc", 2024, &[("h8", "bốn mươi")])],
    );
    let (code, _, err) = run(&["check", &xa, "--districts", &huyen, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("huyen.csv:2: error: column h8: not a percentage; found «bốn mươi»"),
        "{err}"
    );
}

#[test]
fn communes_naming_their_district_by_code_or_by_name_are_all_counted() {
    // Y01 names the district by its code, Y02 and Y03 by its name; Y02 and Y03 fail 2.2 (66 < 70):
    // 1 of 3 communes at xã NTM (33 %), not 1 of 1.
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        Commune {
            code: "Y01",
            name: "Một",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "Y02",
            name: "Hai",
            year: 2024,
            set: &[("2.2", "66")],
        },
        Commune {
            code: "Y03",
            name: "Ba",
            year: 2024,
            set: &[("2.2", "66")],
        },
    );
    let (xa, huyen) = files(
        &dir,
        &[("888", &a), ("Huyện Y", &b), ("huyen y", &c)],
        &[("888", "Huyện Y", 2024, &[])],
    );
    let (code, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let d = district(&doc, "888");
    assert_eq!(d["communes_total"], 3);
    assert_eq!(d["communes_ntm"], 1);
    assert_eq!(d["qualified"], false);
}

#[test]
fn a_commune_whose_row_cannot_be_read_makes_its_district_unknown_not_qualified() {
    // Z02's row has an unreadable cell: it is not scored, but the district cannot be said to have
    // all its communes at xã NTM.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        Commune {
            code: "Z01",
            name: "Một",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "Z02",
            name: "Hai",
            year: 2024,
            set: &[("nc9", "8O")],
        },
    );
    let (xa, huyen) = files(
        &dir,
        &[("Z", &a), ("Z", &b)],
        &[("Z", "Huyện Z", 2024, &[])],
    );
    let (code, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 65);
    let d = district(&doc, "Z");
    assert_eq!(d["communes_total"], 2);
    assert_eq!(d["qualified"], serde_json::Value::Null);
}

#[test]
fn a_district_is_ready_for_recognition_only_if_every_commune_is_satisfied() {
    // Reference §5b: satisfaction ≥ 90 % for the district and ≥ 80 % in each commune. The district says
    // 95 %, but commune W0 says 60 %: not ready, although huyện NTM is met.
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        Commune {
            code: "W0",
            name: "Một",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "W1",
            name: "Hai",
            year: 2024,
            set: &[],
        },
    );
    let mut lines: Vec<String> = csv_in(&[("W", &a), ("W", &b)])
        .lines()
        .map(String::from)
        .collect();
    lines[0].push_str(";no_xdcb;hai_long;an_ninh");
    lines[1].push_str(";Đạt;60;Đạt");
    lines[2].push_str(";Đạt;85;Đạt");
    let xa = write(dir.path(), "xa.csv", &(lines.join("\n") + "\n"));
    let mut d: Vec<String> = districts_csv(&[("W", "Huyện W", 2024, &[])])
        .lines()
        .map(String::from)
        .collect();
    d[0].push_str(";no_xdcb;hai_long;an_ninh");
    d[1].push_str(";Đạt;95;Đạt");
    let huyen = write(dir.path(), "huyen.csv", &(d.join("\n") + "\n"));
    let (_, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    let w = district(&doc, "W");
    assert_eq!(w["qualified"], true);
    assert_eq!(w["recognition"]["ready"], false);
    let each = w["recognition"]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "hai_long_xa")
        .unwrap();
    assert_eq!(each["value"], 60.0);
    assert_eq!(each["status"], "fail");
    // With W0 at 80 %, ready.
    let xa2 = write(
        dir.path(),
        "xa2.csv",
        &(lines.join("\n").replace(";Đạt;60;Đạt", ";Đạt;80;Đạt") + "\n"),
    );
    let (_, doc) = json(&[
        "check",
        &xa2,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(district(&doc, "W")["recognition"]["ready"], true);
}

#[test]
fn missing_district_data_is_named_in_every_format() {
    // Every commune qualifies (both shares hold), but h0.4 (satisfaction) is blank: criterion 0,
    // which holds the shares, is unknown for the district's own data. The table, Markdown and the
    // printable report all say which criterion lacks data, not only that the district is unknown.
    let dir = tempfile::tempdir().unwrap();
    let a = Commune {
        code: "Z1",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    };
    let (xa, huyen) = files(
        &dir,
        &[("Cao Lộc", &a)],
        &[("H1", "Huyện Cao Lộc", 2024, &[("h0.4", "")])],
    );
    let args = ["check", &xa, "--districts", &huyen, "--level", "huyen-ntm"];
    let (code, doc) = json(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 2, "unknown, not failed: {doc}");
    let d = district(&doc, "H1");
    assert_eq!(d["criteria"][0]["status"], "unknown");
    assert_eq!(d["criteria"][0]["indicators"][0]["status"], "pass");
    for format in ["table", "md", "html"] {
        let (code, out, err) = run(&[&args[..], &["--format", format]].concat());
        assert_eq!(code, 2, "{format}: {err}");
        assert!(
            out.contains("thiếu số liệu huyện: 0"),
            "{format} does not say that criterion 0 lacks data:\n{out}"
        );
    }
}

#[test]
fn district_rows_that_cannot_be_scored_are_listed_like_communes() {
    // H2's year has no criteria version, H1 cannot be read (a percentage in words), H3 is scored:
    // the first two are listed with the communes' rows not scored, in the file's order, in every
    // format, not only reported as errors.
    let dir = tempfile::tempdir().unwrap();
    let a = Commune {
        code: "X1",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    };
    let (xa, huyen) = files(
        &dir,
        &[("Cao Lộc", &a)],
        &[
            ("H2", "Lộc Bình", 2019, &[]),
            ("H1", "Cao Lộc", 2024, &[("h8", "bốn mươi")]),
            ("H3", "Văn Lãng", 2024, &[]),
        ],
    );
    let (code, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 65);
    let unscored = doc["unscored"].as_array().unwrap();
    let codes: Vec<&str> = unscored.iter().filter_map(|u| u["code"].as_str()).collect();
    assert_eq!(codes, ["H2", "H1"], "{unscored:?}");
    assert!(
        unscored[1]["reasons"]
            .to_string()
            .contains("not a percentage")
    );
    assert!(
        unscored[0]["reasons"].to_string().contains("2019"),
        "{:?}",
        unscored[0]
    );
    assert!(
        doc["districts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "H3")
    );
    let (code, out, err) = run(&["check", &xa, "--districts", &huyen, "--lang", "en"]);
    assert_eq!(code, 65);
    // In the text report's table of rows not scored, in the file's order.
    let listed: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|first| first.ends_with("huyen.csv:2") || first.ends_with("huyen.csv:3"))
        .collect();
    assert_eq!(listed.len(), 2, "{out}");
    assert!(
        listed[0].ends_with(":2") && listed[1].ends_with(":3"),
        "{out}"
    );
    // X1 names Cao Lộc, whose row is in the file but could not be read: it is not told that its
    // district is missing from the file.
    assert!(!err.contains("counts for no district"), "{err}");
}

#[test]
fn json_communes_written_in_batches_stay_in_file_order_before_the_districts() {
    // 2,000 communes: more than the JSON writer's batches in flight (256 × 3), so that they are
    // written by its thread in several rounds; every seventh fails xã NTM on 2.2 (66 % < 70 %).
    // The communes must come back whole, in the file's order, each with its own verdict, and the
    // district after all of them (the last batch written before it).
    let dir = tempfile::tempdir().unwrap();
    let codes: Vec<String> = (0..2000).map(|i| format!("X{i:04}")).collect();
    let names: Vec<String> = (0..2000).map(|i| format!("Xã số {i}")).collect();
    let communes: Vec<Commune> = (0..2000)
        .map(|i| Commune {
            code: &codes[i],
            name: &names[i],
            year: 2024,
            set: if i % 7 == 0 { &[("2.2", "66")] } else { &[] },
        })
        .collect();
    let placed: Vec<(&str, &Commune)> = communes.iter().map(|c| ("Cao Lộc", c)).collect();
    let (xa, huyen) = files(&dir, &placed, &[("H1", "Huyện Cao Lộc", 2024, &[])]);
    // Read as written (not spelled out by `json`, which takes long for 2,000 communes).
    let (_, out, _) = run(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let got = doc["communes"].as_array().expect("communes");
    assert_eq!(got.len(), 2000);
    for (i, c) in got.iter().enumerate() {
        assert_eq!(c["code"], codes[i].as_str(), "commune {i}");
        assert_eq!(c["name"], names[i].as_str(), "commune {i}");
        assert_eq!(c["line"], i + 2, "commune {i}");
        assert_eq!(c["sets"]["xa-ntm"]["qualified"], i % 7 != 0, "commune {i}");
    }
    let d = district(&doc, "H1");
    assert_eq!(d["communes_total"], 2000);
    assert_eq!(d["communes_ntm"], 2000 - 2000usize.div_ceil(7));
}

/// A commune of 2024 (or `year`) with the values that differ from the base.
fn xa<'a>(code: &'a str, name: &'a str, year: i32, set: &'a [(&'a str, &'a str)]) -> Commune<'a> {
    Commune {
        code,
        name,
        year,
        set,
    }
}

/// A commune whose district cell is empty (a file of after 1 July 2025, when districts were
/// abolished, or a cell left blank) is counted once in the summary, by `check` and `diff` alike;
/// it was counted twice, its empty district taken for the whole file.
#[test]
fn communes_of_no_district_are_counted_once_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        xa("Y1", "Hợp Thành", 2024, &[]),
        xa("Y2", "Vân An", 2024, &[]),
        xa("Y3", "Gia Cát", 2024, &[]),
    );
    let none = write(dir.path(), "none.csv", &csv_in(&[("", &a), ("", &b)]));
    let (_, doc) = json(&["check", &none, "--summary", "--format", "json"]);
    let summaries = doc["summaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 1, "{}", doc["summaries"]);
    assert_eq!(summaries[0]["units"], 2, "{}", doc["summaries"]);
    let xa_ntm = &summaries[0]["levels"][0];
    assert_eq!(xa_ntm["qualified"], 2, "{}", doc["summaries"]);
    // Some with a district, some without: the whole file counts each once.
    let mixed = write(
        dir.path(),
        "mixed.csv",
        &csv_in(&[("", &a), ("Cao Lộc", &b), ("Chi Lăng", &c)]),
    );
    let (_, doc) = json(&["check", &mixed, "--summary", "--format", "json"]);
    let summaries = doc["summaries"].as_array().unwrap();
    assert_eq!(summaries[0]["district"], serde_json::Value::Null);
    assert_eq!(summaries[0]["units"], 3, "{}", doc["summaries"]);
    assert_eq!(
        summaries.len(),
        3,
        "the whole file, then Cao Lộc and Chi Lăng: {}",
        doc["summaries"]
    );
    // diff: each side's summary counts its communes once.
    let before: Vec<Commune> = [&a, &b]
        .iter()
        .map(|c| xa(c.code, c.name, 2023, &[]))
        .collect();
    let placed: Vec<(&str, &Commune)> = before.iter().map(|c| ("", c)).collect();
    let old = write(dir.path(), "old.csv", &csv_in(&placed));
    let (_, doc) = json(&["diff", &old, &none, "--format", "json"]);
    let s = &doc["summary"];
    assert_eq!(
        (s["units_before"].as_u64(), s["units_after"].as_u64()),
        (Some(2), Some(2))
    );
    let side = |k: &str| s[k]["units"].as_u64();
    assert_eq!((side("before"), side("after")), (Some(2), Some(2)), "{s}");
}

/// A district counted over the commune file (its code not an official one): a commune naming no
/// district of the district file (a misspelt name, an empty cell) may be its, so the district does
/// not qualify without it: unknown, with a warning naming the commune, never Đạt.
#[test]
fn a_commune_of_a_misspelt_district_keeps_a_district_counted_over_the_file_from_qualifying() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        xa("V1", "Tri Lễ", 2024, &[]),
        xa("V2", "Văn An", 2024, &[]),
        // Income below xã NTM's: it fails xã NTM.
        xa("V3", "Yên Phúc", 2024, &[("10", "20")]),
    );
    let args = |xa: &str, huyen: &str| {
        let (code, doc) = json(&[
            "check",
            xa,
            "--districts",
            huyen,
            "--level",
            "huyen-ntm",
            "--format",
            "json",
        ]);
        (code, doc)
    };
    for (place, qualified) in [
        ("Văn Quan.", serde_json::Value::Null),
        ("", serde_json::Value::Null),
        ("Văn Quan", serde_json::Value::Bool(false)),
    ] {
        let (xa, huyen) = files(
            &dir,
            &[("Văn Quan", &a), ("Văn Quan", &b), (place, &c)],
            &[("H4", "Văn Quan", 2024, &[])],
        );
        let (code, doc) = args(&xa, &huyen);
        let d = district(&doc, "H4");
        assert_eq!(d["qualified"], qualified, "«{place}»: {d}");
        let warned = problems_of(&doc, "unplaced-communes");
        if place == "Văn Quan" {
            assert_eq!(code, 1);
            assert!(warned.is_empty(), "{warned:?}");
        } else {
            assert_eq!(code, 2, "«{place}»");
            assert_eq!(warned.len(), 1, "«{place}»: {}", doc["problems"]);
            assert_eq!(warned[0]["line"], 4);
            assert!(
                warned[0]["message"]["vi"]
                    .as_str()
                    .unwrap()
                    .contains("V3 (Yên Phúc)"),
                "{}",
                warned[0]
            );
        }
    }
}

/// Two district rows of one name and other codes (two Châu Thành): a commune naming that name may
/// be of either, so neither counts it as its own, and neither qualifies without it; naming a code
/// places it.
#[test]
fn communes_naming_a_name_two_districts_share_are_counted_by_neither() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        xa("V1", "Gia Cát", 2024, &[]),
        xa("V2", "Gia Cát", 2024, &[]),
    );
    let rows: &[DistrictRow] = &[("H4", "Văn Quan", 2024, &[]), ("H5", "Văn Quan", 2024, &[])];
    for (places, qualified) in [
        (["Văn Quan", "Văn Quan"], serde_json::Value::Null),
        (["H4", "H4"], serde_json::Value::Bool(true)),
    ] {
        let (xa, huyen) = files(&dir, &[(places[0], &a), (places[1], &b)], rows);
        let (_, doc) = json(&[
            "check",
            &xa,
            "--districts",
            &huyen,
            "--level",
            "huyen-ntm",
            "--format",
            "json",
        ]);
        assert_eq!(
            district(&doc, "H4")["qualified"],
            qualified,
            "{places:?}: {}",
            doc["districts"]
        );
        if qualified.is_null() {
            assert_eq!(district(&doc, "H5")["qualified"], serde_json::Value::Null);
            assert!(
                doc["problems"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["kind"] == "unplaced-communes"),
                "{}",
                doc["problems"]
            );
        }
    }
}
