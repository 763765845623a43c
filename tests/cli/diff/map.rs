//! `ntm diff --map`: communes merged or renamed between the two sides, and bad map files.

use serde_json::Value;

use super::{NC9, diff_json, fixture, flip};
use crate::common::{Commune, commune, csv, run, write};

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
    let n = commune(&doc, "06030");
    assert_eq!(n["in"], "both");
    assert_eq!(n["merged"], true);
    assert_eq!(
        n["level_before"],
        Value::Null,
        "a merged commune has no single result before"
    );
    assert_eq!(n["level_after"], "xa-ntm");
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
    assert_eq!(r["change"], "unchanged");
    let s = &doc["summary"];
    assert_eq!(
        (
            s["merged"].as_u64(),
            s["renamed"].as_u64(),
            s["only_old"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    // Parts are not added up into the gained/lost counts.
    assert_eq!(s["levels"][0]["gained"], 0);
    let (code, out, err) = run(&["diff", &f, "--map", &m]);
    assert_eq!(code, 0, "an unmatched map line is a note, not an error");
    assert!(
        err.contains("map.csv:5: lưu ý: cột ma_xa_cu: không có xã mã 06023 ở bên cũ"),
        "{err}"
    );
    assert!(out.contains("(không có ở bên cũ)"), "{out}");
    assert!(out.contains("Sáp nhập: so sánh từng phần"), "{out}");
    assert!(out.contains("↳ 06022"), "{out}");
    assert!(out.contains("không cộng dồn"), "{out}");
    assert!(out.contains("06040 → 06041"), "{out}");
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
fn a_commune_merged_into_one_that_keeps_its_code_and_a_code_moved_away() {
    // 06050 merged into 06051, which keeps its code: 06051's parts are itself and 06050 (a code the
    // map does not list as old keeps its code). 06051 failed 11 in 2023 (14 % > 13 %).
    // 06052 became 06053; a new commune now holds the code 06052: it is new, not 06052's successor.
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
        "ma_xa_cu;ma_xa_moi\n06050;06051\n06052;06053\n",
    );
    let doc = diff_json(&[&f, "--map", &m]);
    let n = commune(&doc, "06051");
    assert_eq!(n["merged"], true);
    let parts: Vec<(&str, &str)> = n["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["code"].as_str().unwrap(), p["change"].as_str().unwrap()))
        .collect();
    assert_eq!(parts, vec![("06051", "gained"), ("06050", "unchanged")]);
    assert_eq!(commune(&doc, "06053")["old_code"], "06052");
    assert_eq!(commune(&doc, "06052")["in"], "new");
    assert_eq!(commune(&doc, "06052")["name"], "Xã mới");
    assert_eq!(doc["summary"]["only_old"], 0);
}
