//! `ntm diff --map`: communes merged or renamed between the two sides, and bad map files.

use serde_json::Value;

use super::{NC9, diff_json, fixture, flip};
use crate::common::{Commune, commune, csv, run, without_own_codes_note, write};

#[test]
fn a_merged_commune_is_compared_part_by_part_through_a_map() {
    // 2023: 06021 meets xã NTM; 06022 fails 11 (poverty 14 % > 13 %), 18/19; 06040 meets it.
    // 2024: 06030 is 06021 + 06022 merged, and meets xã NTM; 06041 is 06040 renamed.
    let dir = tempfile::tempdir().unwrap();
    let data = csv(&[
        Commune {
            code: "06021",
            name: "Tân Thành",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06022",
            name: "Xuân Long",
            year: 2023,
            set: &[NC9, ("11", "14")],
        },
        Commune {
            code: "06040",
            name: "Thụy Hùng",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06030",
            name: "Tân Thành",
            year: 2024,
            set: &[NC9],
        },
        Commune {
            code: "06041",
            name: "Thụy Hùng",
            year: 2024,
            set: &[NC9],
        },
    ]);
    let f = write(dir.path(), "xa.csv", &data);
    let m = write(
        dir.path(),
        "map.csv",
        "ma_xa_cu,ma_xa_moi\n06021,06030\n06022,06030\n06040,06041\n06023,06030\n",
    );
    let doc = diff_json(&[&f, "--map", &m]);
    assert_eq!(doc["merged_compared"], "part_by_part");
    assert_eq!(doc["merged_before"], "lowest");
    let n = commune(&doc, "06030");
    assert_eq!(n["in"], "both");
    assert_eq!(n["merged"], true);
    assert_eq!(n["relation"], "merged");
    // Its before is the lowest level of its old communes: 06022 failed xã NTM, so "not met"; the
    // merged commune meets it now: gained.
    assert_eq!(n["level_before"], Value::Null);
    assert_eq!(n["status_before"], "not_met");
    assert_eq!(n["level_after"], "xa-ntm");
    assert_eq!(n["change"], "gained");
    let parts = n["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 3);
    // 06023 is in the map but not in the 2023 data: listed, with nothing to compare.
    assert_eq!(parts[2]["code"], "06023");
    assert_eq!(parts[2]["found"], false);
    assert_eq!(parts[2]["change"], Value::Null);
    assert_eq!(parts[0]["code"], "06021");
    assert_eq!(parts[0]["level_before"], "xa-ntm");
    assert_eq!(parts[0]["change"], "unchanged");
    assert_eq!(parts[1]["code"], "06022");
    assert_eq!(parts[1]["level_before"], Value::Null);
    assert_eq!(parts[1]["change"], "gained");
    assert_eq!(parts[1]["criteria_met_before"], 18);
    let p = flip(&parts[1], "xa-ntm", "11");
    assert_eq!(
        (p["value_before"].as_f64(), p["value_after"].as_f64()),
        (Some(14.0), Some(3.5))
    );
    assert_eq!(p["threshold_after"], 13.0);
    let r = commune(&doc, "06041");
    assert_eq!(r["old_code"], "06040");
    assert_eq!(r["relation"], "renamed");
    assert_eq!(r["change"], "unchanged");
    let s = &doc["summary"];
    assert_eq!(
        (
            s["merged"].as_u64(),
            s["merged_from"].as_u64(),
            s["renamed"].as_u64(),
            s["only_old"].as_u64()
        ),
        (Some(1), Some(2), Some(1), Some(0))
    );
    // Each side's communes once: 06021, 06022, 06040 then; 06030, 06041 now.
    assert_eq!(s["units_before"], 3);
    assert_eq!(s["units_after"], 2);
    assert_eq!(s["before"]["units"], 3);
    assert_eq!(s["after"]["units"], 2);
    // The merged commune counts once among those gaining xã NTM (its parts are not added up).
    assert_eq!(s["levels"][0]["gained"], 1);
    let (code, out, err) = run(&["diff", &f, "--map", &m]);
    assert_eq!(code, 0, "an unmatched map line is a note, not an error");
    assert!(
        err.contains("map.csv:5: lưu ý: cột ma_xa_cu: không có xã mã 06023 ở bên cũ"),
        "{err}"
    );
    let row = out.lines().find(|l| l.starts_with("06030")).unwrap();
    assert!(
        row.contains(
            "Chưa đạt ← 06021 Tân Thành: xã NTM; 06022 Xuân Long: Chưa đạt; 06023 (không có ở bên cũ)"
        ) && row.contains("Lên mức"),
        "{row}"
    );
    assert!(out.contains("↳ 06022"), "{out}");
    assert!(out.contains("không cộng dồn"), "{out}");
    assert!(out.contains("06040 → 06041"), "{out}");
    assert!(
        out.contains("Bên cũ (2023): 3 xã; bên mới (2024): 2 xã. 1 xã có ở cả hai bên (so sánh một-một, trong đó 1 xã đổi mã); 1 xã mới sáp nhập hoặc tách từ 2 xã cũ;"),
        "{out}"
    );
    // Without the map, the old communes are only in the old side.
    let doc = diff_json(&[&f]);
    assert_eq!(commune(&doc, "06021")["in"], "old");
    assert_eq!(commune(&doc, "06030")["in"], "new");
}

#[test]
fn a_bad_map_line_is_reported_with_file_and_line_and_the_rest_still_used() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture(&dir);
    let m = write(
        dir.path(),
        "map.csv",
        "ma_xa_cu;ma_xa_moi\n06005;06004\n06099;\n06098;06097\n",
    );
    let (code, out, err) = run(&["diff", &f, "--map", &m, "--format", "json"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("map.csv:3: lỗi: cột ma_xa_moi: thiếu mã xã"),
        "{err}"
    );
    assert!(
        err.contains("map.csv:4: lưu ý: cột ma_xa_cu: không có xã mã 06098 ở bên cũ"),
        "{err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    // Line 2 is used: 06005 (2023) is followed to 06004 (2024).
    assert_eq!(commune(&doc, "06004")["old_code"], "06005");
    assert_eq!(commune(&doc, "06004")["change"], "unchanged");
    let (code, _, err) = run(&[
        "diff",
        &f,
        "--map",
        &write(dir.path(), "m2.csv", "cu,moi\n1,2\n"),
    ]);
    assert_eq!(code, 65);
    assert!(
        err.contains("m2.csv:1: lỗi: thiếu cột bắt buộc: ma_xa_cu"),
        "{err}"
    );
}

#[test]
fn a_commune_merged_into_one_that_keeps_its_code_and_a_reused_code() {
    // 06050 merged into 06051, which keeps its code: 06051's parts are itself and 06050 (a code the
    // map does not list as old keeps its code). 06051 failed 11 in 2023 (14 % > 13 %).
    // 06052 became 06053, and the code 06052 now names a commune made of 06054: a reused code,
    // which the map says with the line 06054;06052.
    let dir = tempfile::tempdir().unwrap();
    let data = csv(&[
        Commune {
            code: "06050",
            name: "Hải Yến",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06051",
            name: "Hòa Cư",
            year: 2023,
            set: &[NC9, ("11", "14")],
        },
        Commune {
            code: "06052",
            name: "Bảo Lâm",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06054",
            name: "Cao Lâu",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06051",
            name: "Hòa Cư",
            year: 2024,
            set: &[NC9],
        },
        Commune {
            code: "06052",
            name: "Xã mới",
            year: 2024,
            set: &[NC9],
        },
        Commune {
            code: "06053",
            name: "Bảo Lâm",
            year: 2024,
            set: &[NC9],
        },
    ]);
    let f = write(dir.path(), "xa.csv", &data);
    let m = write(
        dir.path(),
        "map.csv",
        "ma_xa_cu;ma_xa_moi\n06050;06051\n06052;06053\n06054;06052\n",
    );
    let (code, out, err) = run(&["diff", &f, "--map", &m, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(without_own_codes_note(&err), "");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let n = commune(&doc, "06051");
    assert_eq!(n["merged"], true);
    let parts: Vec<(&str, &str)> = n["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap(), p["change"].as_str().unwrap()))
        .collect();
    assert_eq!(parts, vec![("06051", "gained"), ("06050", "unchanged")]);
    assert_eq!(
        n["change"], "gained",
        "the lowest before (06051, not met) → xã NTM"
    );
    assert_eq!(commune(&doc, "06053")["old_code"], "06052");
    let reused = commune(&doc, "06052");
    assert_eq!(reused["old_code"], "06054");
    assert_eq!(reused["name"], "Xã mới");
    assert_eq!(reused["name_before"], "Cao Lâu");
    assert_eq!(doc["summary"]["only_old"], 0);
    assert_eq!(doc["summary"]["only_new"], 0);
    assert_eq!(doc["summary"]["units_before"], 4);
    assert_eq!(doc["summary"]["units_after"], 3);
}

/// 2023: 06021 Tân Thành (xã NTM), 06022 Xuân Long (fails 11). The map merges both into 06030, but
/// the 2024 data still holds 06021 and 06022 beside 06030.
fn stale_merge(dir: &tempfile::TempDir) -> (String, String) {
    let data = csv(&[
        Commune {
            code: "06021",
            name: "Tân Thành",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06022",
            name: "Xuân Long",
            year: 2023,
            set: &[NC9, ("11", "14")],
        },
        Commune {
            code: "06030",
            name: "Tân Thành",
            year: 2024,
            set: &[NC9],
        },
        Commune {
            code: "06021",
            name: "Tân Thành",
            year: 2024,
            set: &[NC9],
        },
        Commune {
            code: "06022",
            name: "Xuân Long",
            year: 2024,
            set: &[NC9],
        },
    ]);
    (
        write(dir.path(), "xa.csv", &data),
        write(
            dir.path(),
            "map.csv",
            "ma_xa_cu,ma_xa_moi\n06021,06030\n06022,06030\n06022,06030\n",
        ),
    )
}

#[test]
fn old_communes_merged_away_but_still_on_the_new_side_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (f, m) = stale_merge(&dir);
    let (code, out, err) = run(&["diff", &f, "--map", &m, "--format", "json"]);
    assert_eq!(code, 65, "{err}");
    // One error per old code, on its first line, with the data line that contradicts it.
    assert!(
        err.contains("map.csv:2: lỗi: cột ma_xa_cu: xã mã 06021 được chuyển vào 06030 nhưng vẫn là một xã ở bên mới (số liệu bên mới, dòng 5: Tân Thành)"),
        "{err}"
    );
    assert!(
        err.contains("map.csv:3: lỗi: cột ma_xa_cu: xã mã 06022 được chuyển vào 06030"),
        "{err}"
    );
    assert!(err.contains("gặp «06022»; cần dòng 06022;06022"), "{err}");
    // The same pair twice: a note, the line ignored.
    assert!(
        err.contains("map.csv:4: lưu ý: dòng trùng với dòng 3, bỏ qua"),
        "{err}"
    );
    assert_eq!(err.matches("lỗi").count(), 2, "{err}");
    // The report is still written, the map followed as written; every commune counts once on its
    // side: 2 then, 3 now (not "1 on both sides").
    let doc: Value = serde_json::from_str(&out).unwrap();
    let s = &doc["summary"];
    assert_eq!(
        (
            s["units_before"].as_u64(),
            s["units_after"].as_u64(),
            s["merged"].as_u64(),
            s["merged_from"].as_u64(),
            s["only_new"].as_u64()
        ),
        (Some(2), Some(3), Some(1), Some(2), Some(2))
    );
    assert_eq!(commune(&doc, "06021")["change"], "new");
    let conflicts: Vec<u64> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "map-conflict")
        .filter_map(|p| p["line"].as_u64())
        .collect();
    assert_eq!(conflicts, vec![2, 3]);
    let (code, _, err) = run(&["diff", &f, "--map", &m, "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("map.csv:2: error: column ma_xa_cu: commune 06021 is sent to 06030 but is still a commune of the new side"),
        "{err}"
    );
    // Saying that 06021 kept its code for part of it (a split) settles it.
    let fixed = write(
        dir.path(),
        "map-ok.csv",
        "ma_xa_cu,ma_xa_moi\n06021,06030\n06021,06021\n06022,06030\n06022,06022\n",
    );
    let (code, _, err) = run(&["diff", &f, "--map", &fixed]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(without_own_codes_note(&err), "");
}

/// 2023: 06060 Bằng Hữu (xã NTM) is split between 06070 and 06071; 06061 Gia Lộc (fails 11) joins
/// 06070; 06062 Thượng Cường (xã NTM) joins 06071. 2024: both new communes meet xã NTM.
fn split_files(dir: &tempfile::TempDir) -> (String, String) {
    let data = csv(&[
        Commune {
            code: "06060",
            name: "Bằng Hữu",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06061",
            name: "Gia Lộc",
            year: 2023,
            set: &[NC9, ("11", "14")],
        },
        Commune {
            code: "06062",
            name: "Thượng Cường",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06070",
            name: "Bằng Mạc",
            year: 2024,
            set: &[NC9],
        },
        Commune {
            code: "06071",
            name: "Chi Lăng",
            year: 2024,
            set: &[NC9],
        },
    ]);
    (
        write(dir.path(), "xa.csv", &data),
        write(
            dir.path(),
            "map.csv",
            "ma_xa_cu;ma_xa_moi\n06060;06070\n06061;06070\n06060;06071\n06062;06071\n",
        ),
    )
}

#[test]
fn a_split_commune_appears_in_each_new_one_and_counts_once() {
    let dir = tempfile::tempdir().unwrap();
    let (f, m) = split_files(&dir);
    let doc = diff_json(&[&f, "--map", &m]);
    let a = commune(&doc, "06070");
    let parts = a["parts"].as_array().unwrap();
    assert_eq!(parts[0]["code"], "06060");
    assert_eq!(parts[0]["split"], true);
    assert_eq!(parts[0]["also_in"], serde_json::json!(["06071"]));
    assert_eq!(parts[1]["split"], false);
    // 06061 failed xã NTM: the lowest before is "not met".
    assert_eq!(a["status_before"], "not_met");
    assert_eq!(a["change"], "gained");
    let b = commune(&doc, "06071");
    assert_eq!(b["parts"][0]["code"], "06060");
    assert_eq!(b["parts"][0]["also_in"], serde_json::json!(["06070"]));
    // Both old communes of 06071 met xã NTM (and failed nâng cao): kept.
    assert_eq!(b["level_before"], "xa-ntm");
    assert_eq!(b["change"], "unchanged");
    // 3 old communes (06060 once), 2 new ones; 06060's result counts once in the old side's measures.
    let s = &doc["summary"];
    assert_eq!(
        (
            s["units_before"].as_u64(),
            s["units_after"].as_u64(),
            s["merged"].as_u64(),
            s["merged_from"].as_u64(),
            s["split"].as_u64()
        ),
        (Some(3), Some(2), Some(2), Some(3), Some(1))
    );
    assert_eq!(s["before"]["units"], 3);
    assert_eq!(s["before"]["levels"][0]["qualified"], 2);
    assert_eq!(s["levels"][0]["gained"], 1);

    // The table and Markdown name each old commune with its code, name and level.
    let (code, out, _) = run(&["diff", &f, "--map", &m]);
    assert_eq!(code, 0);
    let row = out.lines().find(|l| l.starts_with("06070")).unwrap();
    assert!(
        row.contains("Chưa đạt ← 06060 Bằng Hữu: xã NTM (tách một phần, phần khác vào 06071); 06061 Gia Lộc: Chưa đạt"),
        "{row}"
    );
    assert!(row.contains("Lên mức"), "{row}");
    let part = out.lines().find(|l| l.contains("↳ 06060")).unwrap();
    assert!(
        part.contains("Bằng Hữu (tách một phần, phần khác vào"),
        "{part}"
    );
    assert!(
        out.contains("Bên cũ (2023): 3 xã; bên mới (2024): 2 xã. 0 xã có ở cả hai bên (so sánh một-một); 2 xã mới sáp nhập hoặc tách từ 3 xã cũ (1 xã cũ bị tách);"),
        "{out}"
    );
    assert!(out.contains("chỉ được đếm một lần ở bên cũ"), "{out}");
    let (_, out, _) = run(&["diff", &f, "--map", &m, "--lang", "en"]);
    assert!(
        out.contains("None ← 06060 Bằng Hữu: NTM commune (split, part of it, other parts in 06071); 06061 Gia Lộc: None"),
        "{out}"
    );
    assert!(
        out.contains("Old side (2023): 3 communes; new side (2024): 2."),
        "{out}"
    );
    let (_, out, _) = run(&["diff", &f, "--map", &m, "--format", "md"]);
    assert!(
        out.contains("| 06071 | Chi Lăng | xã NTM ← 06060 Bằng Hữu: xã NTM (tách một phần, phần khác vào 06070); 06062 Thượng Cường: xã NTM | xã NTM | Giữ nguyên |"),
        "{out}"
    );

    // CSV: the merged row lists its old communes; each part row says whether it is split.
    let (_, out, _) = run(&["diff", &f, "--map", &m, "--format", "csv"]);
    let l = out.lines().find(|l| l.starts_with("06070,")).unwrap();
    assert!(
        l.starts_with("06070,Bằng Mạc,both,,,,xa-ntm,gained,not_met,reached,merged,06060 Bằng Hữu: xa-ntm (split); 06061 Gia Lộc: not_met,"),
        "{l}"
    );
    let parts: Vec<&str> = out.lines().filter(|l| l.starts_with("06060,")).collect();
    assert_eq!(parts.len(), 2, "{out}");
    for (p, of) in parts.iter().zip(["06070", "06071"]) {
        assert!(
            p.starts_with(&format!("06060,Bằng Hữu,both,,{of},xa-ntm,xa-ntm,")),
            "{p}"
        );
        assert!(p.contains(",split_part,"), "{p}");
    }
}

#[test]
fn a_merged_commune_with_an_old_one_lacking_data_is_unknown_before() {
    // 06080 met xã NTM; 06081 has no figure for 2.2 (xã NTM unknown) and fails nâng cao (nc9 70):
    // the lowest before is unknown, so the move to xã NTM is "Chưa rõ", not "Giữ nguyên".
    let dir = tempfile::tempdir().unwrap();
    let data = csv(&[
        Commune {
            code: "06080",
            name: "Hòa Bình",
            year: 2023,
            set: &[NC9],
        },
        Commune {
            code: "06081",
            name: "Vân An",
            year: 2023,
            set: &[NC9, ("2.2", "")],
        },
        Commune {
            code: "06080",
            name: "Hòa Bình",
            year: 2024,
            set: &[NC9],
        },
    ]);
    let f = write(dir.path(), "xa.csv", &data);
    let m = write(dir.path(), "map.csv", "ma_xa_cu,ma_xa_moi\n06081,06080\n");
    let doc = diff_json(&[&f, "--map", &m]);
    let n = commune(&doc, "06080");
    assert_eq!(n["status_before"], "unknown");
    assert_eq!(n["level_before"], Value::Null);
    assert_eq!(n["change"], "unknown");
    assert_eq!(doc["summary"]["levels"][0]["unknown"], 1);
    let (code, out, _) = run(&["diff", &f, "--map", &m]);
    assert_eq!(code, 0);
    let row = out.lines().find(|l| l.starts_with("06080")).unwrap();
    assert!(
        row.contains("Chưa đủ dữ liệu ← 06080 Hòa Bình: xã NTM; 06081 Vân An: Chưa đủ dữ liệu")
            && row.contains("Chưa rõ (thiếu số liệu)"),
        "{row}"
    );
}
