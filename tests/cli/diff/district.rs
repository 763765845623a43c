//! `ntm diff --districts`: districts compared between two years. Every expected verdict, value and
//! threshold is worked out from the reference (../shared/reference/ntm-criteria.md §2.7, §3, §5), not
//! read from the program: huyện NTM needs H0.1 (share of communes at xã NTM) ≥ 100 %, H0.2 (share at
//! nâng cao) ≥ 10 %, and every district criterion (10, numbered 0–9), e.g. 8 clean water h8 ≥ 35 %.
//! Communes: xã NTM 15.1 ≥ 95 %, income (10) ≥ 39 in 2023 and ≥ 42 in 2024, nâng cao income ≥ 45 / 48.
//! The common BASE commune meets every commune level in both years; DISTRICT_BASE every district one.
//!
//! The districts of the files written here have their own codes (`H180`…): their shares are over the
//! communes in the file, which is what these tests compare. Shares over a district's xã in the
//! official list are tested in `units.rs`.

use serde_json::Value;

use super::diff_json;
use crate::common::{Commune, DistrictRow, commune, csv_in, districts_csv, md_cells, run, write};

fn c<'a>(code: &'a str, name: &'a str, year: i32, set: &'a [(&'a str, &'a str)]) -> Commune<'a> {
    Commune {
        code,
        name,
        year,
        set,
    }
}

fn district<'a>(doc: &'a Value, code: &str) -> &'a Value {
    doc["districts"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == code))
        .unwrap_or_else(|| panic!("no district {code} in {doc}"))
}

fn flips(d: &Value) -> Vec<&str> {
    d["flipped"].as_array().map_or(Vec::new(), |f| {
        f.iter().filter_map(|f| f["code"].as_str()).collect()
    })
}

fn flip<'a>(d: &'a Value, code: &str) -> &'a Value {
    d["flipped"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == code))
        .unwrap_or_else(|| panic!("no flip {code} in {d}"))
}

fn blocking(d: &Value, side: &str) -> Vec<String> {
    d[format!("blocking_communes_{side}")]
        .as_array()
        .map_or(Vec::new(), |b| {
            b.iter()
                .map(|b| format!("{} {}", b["code"].as_str().unwrap_or(""), b["set"]))
                .collect()
        })
}

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");

#[test]
fn chi_lang_over_its_official_xa_then_over_the_files_communes() {
    // samples/README.md: the sample has 8 of Chi Lăng's 18 xã (official list, units/lang-son). Over
    // the official list, 2023 fails H0.1 through Vân Thủy (06472, 12.2 alone) whatever the 10 xã
    // without data hold; 2024 has the 8 at xã NTM but 10 xã without data: unknown, never qualified.
    let communes = format!("{SAMPLES}/communes-chi-lang.csv");
    let districts = format!("{SAMPLES}/districts.csv");
    let doc = diff_json(&[
        &communes,
        "--from",
        "2023",
        "--to",
        "2024",
        "--districts",
        &districts,
    ]);
    let d = district(&doc, "187");
    assert_eq!(d["in"], "both");
    assert_eq!(d["qualified_before"], false);
    assert_eq!(d["qualified_after"], Value::Null);
    assert_eq!(d["change"], "unknown");
    assert_eq!(
        (&d["communes_before"], &d["communes_after"]),
        (&18.into(), &18.into())
    );
    assert_eq!(d["communes_over_after"]["basis"], "official_list");
    let missing = d["missing_communes_after"].as_array().unwrap();
    assert_eq!(missing.len(), 10);
    assert_eq!(missing[0]["code"], "06475");
    assert_eq!(missing[0]["name"], "Xã Gia Lộc");
    assert_eq!(blocking(d, "before"), vec!["06472 \"xa-ntm\""]);
    // Cao Lộc has no commune in this commune file: its 20 xã are all missing on both sides.
    let cl = district(&doc, "183");
    assert_eq!(cl["communes_ntm_after"], 0);
    assert_eq!(cl["missing_communes_after"].as_array().unwrap().len(), 20);
    assert_eq!(cl["qualified_before"], Value::Null, "nothing fails in 2023");

    // The district file with codes of its own: the shares are over the 8 communes of the commune
    // file, as before the lists were known. In 2023 7/8 = 87,5 % < 100 % (H0.1) and only criterion 0
    // fails: 9/10; in 2024 all 8 meet it (100 %), 2 of 8 are nâng cao (25 % ≥ 10 %), every district
    // indicator passes: huyện NTM, 10/10.
    let dir = tempfile::tempdir().unwrap();
    let own = std::fs::read_to_string(&districts)
        .unwrap()
        .replace("\n183;", "\nH183;")
        .replace("\n187;", "\nH187;");
    let districts = write(dir.path(), "huyen-own.csv", &own);
    let doc = diff_json(&[
        &communes,
        "--from",
        "2023",
        "--to",
        "2024",
        "--districts",
        &districts,
    ]);
    let d = district(&doc, "H187");
    assert_eq!(d["communes_over_after"]["basis"], "file");
    assert_eq!(d["communes_over_after"]["code_not_in_list"], true);
    assert_eq!(d["level_before"], Value::Null);
    assert_eq!(d["level_after"], "huyen-ntm");
    assert_eq!(d["change"], "gained");
    assert_eq!(d["qualified_before"], false);
    assert_eq!(d["qualified_after"], true);
    assert_eq!(d["criteria_met_before"], 9);
    assert_eq!(d["criteria_met_after"], 10);
    assert_eq!(d["share_ntm_before"], 87.5);
    assert_eq!(d["share_ntm_after"], 100.0);
    assert_eq!(d["communes_before"], 8);
    assert_eq!(flips(d), vec!["H0.1"]);
    let h01 = flip(d, "H0.1");
    assert_eq!(h01["from"], "fail");
    assert_eq!(h01["to"], "pass");
    assert_eq!(h01["value_before"], 87.5);
    assert_eq!(h01["value_after"], 100.0);
    assert_eq!(h01["threshold_before"], 100.0);
    assert_eq!(h01["threshold_after"], 100.0);
    assert_eq!(blocking(d, "before"), vec!["06472 \"xa-ntm\""]);
    assert!(blocking(d, "after").is_empty());
    assert_eq!(
        doc["district_comparison"]["summary"]["levels"][0]["gained"],
        1
    );
    // Cao Lộc has no commune in this commune file: its shares are unknown on both sides.
    let cl = district(&doc, "H183");
    assert_eq!(cl["share_ntm_before"], Value::Null);
    assert_eq!(cl["communes_after"], 0);
    assert_eq!(
        cl["qualified_before"],
        Value::Null,
        "H0.1 and h5.3 unknown, nothing fails"
    );

    // The same with two commune files and two district files, one year each.
    let dir = tempfile::tempdir().unwrap();
    let split = |path: &str, year_col: usize, name: &str, year: &str| {
        let text = std::fs::read_to_string(path).unwrap();
        let mut out = String::new();
        for (i, l) in text.lines().filter(|l| !l.starts_with('#')).enumerate() {
            if i == 0 || l.split(';').nth(year_col) == Some(year) {
                out.push_str(l);
                out.push('\n');
            }
        }
        write(dir.path(), name, &out)
    };
    let (x23, x24) = (
        split(&communes, 3, "xa-2023.csv", "2023"),
        split(&communes, 3, "xa-2024.csv", "2024"),
    );
    let (h23, h24) = (
        split(&districts, 2, "huyen-2023.csv", "2023"),
        split(&districts, 2, "huyen-2024.csv", "2024"),
    );
    let doc = diff_json(&[&x23, &x24, "--districts", &h23, &h24]);
    let d = district(&doc, "H187");
    assert_eq!(d["change"], "gained");
    assert_eq!(flip(d, "H0.1")["value_before"], 87.5);
    assert!(
        doc["district_comparison"]["before"]["file"]
            .as_str()
            .unwrap()
            .ends_with("huyen-2023.csv")
    );
}

/// District H180 (two communes, both at every commune level in both years) loses huyện NTM through
/// clean water alone: h8 = 40 % ≥ 35 in 2023, 30 % < 35 in 2024.
fn losing_files(dir: &tempfile::TempDir) -> (String, String) {
    let communes = [
        c("X1", "Gia Cát", 2023, &[]),
        c("X2", "Hợp Thành", 2023, &[]),
        c("X1", "Gia Cát", 2024, &[]),
        c("X2", "Hợp Thành", 2024, &[]),
    ];
    let placed: Vec<(&str, &Commune)> = communes.iter().map(|c| ("Cao Lộc", c)).collect();
    let rows: [DistrictRow; 2] = [
        ("H180", "Huyện Cao Lộc", 2023, &[]),
        ("H180", "Huyện Cao Lộc", 2024, &[("h8", "30")]),
    ];
    (
        write(dir.path(), "xa.csv", &csv_in(&placed)),
        write(dir.path(), "huyen.csv", &districts_csv(&rows)),
    )
}

#[test]
fn a_district_loses_huyen_ntm_through_one_district_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let (xa, huyen) = losing_files(&dir);
    let doc = diff_json(&[&xa, "--districts", &huyen]);
    let d = district(&doc, "H180");
    assert_eq!(d["level_before"], "huyen-ntm");
    assert_eq!(d["level_after"], Value::Null);
    assert_eq!(d["change"], "lost");
    assert_eq!(d["criteria_met_before"], 10);
    assert_eq!(d["criteria_met_after"], 9);
    assert_eq!(d["share_ntm_before"], 100.0);
    assert_eq!(d["share_ntm_after"], 100.0);
    assert_eq!(flips(d), vec!["8"], "H0.1 and H0.2 stay at 100 %");
    let f = flip(d, "8");
    assert_eq!(f["from"], "pass");
    assert_eq!(f["to"], "fail");
    assert_eq!(f["value_before"], 40.0);
    assert_eq!(f["value_after"], 30.0);
    assert_eq!(f["threshold_before"], 35.0);
    assert_eq!(f["threshold_after"], 35.0);
    assert_eq!(f["cause"], "data");
    assert!(blocking(d, "after").is_empty(), "no commune holds it back");
    assert_eq!(
        doc["district_comparison"]["summary"]["levels"][0]["lost"],
        1
    );
    assert_eq!(
        doc["district_comparison"]["levels_before"][0]["qualified"],
        1
    );
    assert_eq!(
        doc["district_comparison"]["levels_after"][0]["qualified"],
        0
    );
}

/// District 181: Y1 meets every level in both years; Y2 meets xã NTM in 2023 and loses it in 2024
/// through health insurance, 15.1 = 94,5 % < 95. H0.1: 2/2 = 100 % → 1/2 = 50 % (< 100);
/// H0.2 stays ≥ 10 % (2/2, then Y1 alone: 50 %).
fn h01_files(dir: &tempfile::TempDir) -> (String, String) {
    let communes = [
        c("Y1", "Quang Lang", 2023, &[]),
        c("Y2", "Vân An", 2023, &[]),
        c("Y1", "Quang Lang", 2024, &[]),
        c("Y2", "Vân An", 2024, &[("15.1", "94,5")]),
    ];
    let placed: Vec<(&str, &Commune)> = communes.iter().map(|c| ("Chi Lăng", c)).collect();
    let rows: [DistrictRow; 2] = [
        ("H181", "Huyện Chi Lăng", 2023, &[]),
        ("H181", "Huyện Chi Lăng", 2024, &[]),
    ];
    (
        write(dir.path(), "xa.csv", &csv_in(&placed)),
        write(dir.path(), "huyen.csv", &districts_csv(&rows)),
    )
}

#[test]
fn h01_flips_when_one_commune_loses_xa_ntm() {
    let dir = tempfile::tempdir().unwrap();
    let (xa, huyen) = h01_files(&dir);
    let doc = diff_json(&[&xa, "--from", "2023", "--to", "2024", "--districts", &huyen]);
    assert_eq!(commune(&doc, "Y2")["change"], "lost");
    let d = district(&doc, "H181");
    assert_eq!(d["change"], "lost");
    assert_eq!(d["criteria_met_before"], 10);
    assert_eq!(d["criteria_met_after"], 9);
    assert_eq!(d["share_ntm_before"], 100.0);
    assert_eq!(d["share_ntm_after"], 50.0);
    assert_eq!(d["communes_ntm_after"], 1);
    assert_eq!(flips(d), vec!["H0.1"]);
    let f = flip(d, "H0.1");
    assert_eq!(
        (f["from"].as_str(), f["to"].as_str()),
        (Some("pass"), Some("fail"))
    );
    assert_eq!(f["value_before"], 100.0);
    assert_eq!(f["value_after"], 50.0);
    assert_eq!(f["threshold_after"], 100.0);
    assert!(blocking(d, "before").is_empty());
    assert_eq!(blocking(d, "after"), vec!["Y2 \"xa-ntm\""]);
    let b = &d["blocking_communes_after"][0];
    assert_eq!(b["name"], "Vân An");
    assert_eq!(b["criteria_met"], 18);
    assert_eq!(b["status"], "fail");
}

#[test]
fn same_year_scores_the_districts_communes_with_one_years_thresholds() {
    // Z2's income is 40,5 in both years: xã NTM in 2023 (≥ 39), not in 2024 (< 42). With each
    // year's thresholds the district's H0.1 turns 100 % → 50 %; with 2024's for both, Z2 fails
    // both years, H0.1 is 50 % on both sides and nothing turns.
    let dir = tempfile::tempdir().unwrap();
    let communes = [
        c("Z1", "Hòa Bình", 2023, &[]),
        c("Z2", "Lộc Yên", 2023, &[("10", "40,5")]),
        c("Z1", "Hòa Bình", 2024, &[]),
        c("Z2", "Lộc Yên", 2024, &[("10", "40,5")]),
    ];
    let placed: Vec<(&str, &Commune)> = communes.iter().map(|c| ("Bắc Sơn", c)).collect();
    let rows: [DistrictRow; 2] = [
        ("H184", "Bắc Sơn", 2023, &[]),
        ("H184", "Bắc Sơn", 2024, &[]),
    ];
    let xa = write(dir.path(), "xa.csv", &csv_in(&placed));
    let huyen = write(dir.path(), "huyen.csv", &districts_csv(&rows));
    let own = diff_json(&[&xa, "--districts", &huyen]);
    let d = district(&own, "H184");
    assert_eq!(d["change"], "lost");
    assert_eq!(flip(d, "H0.1")["value_after"], 50.0);
    let same = diff_json(&[&xa, "--districts", &huyen, "--same-year", "2024"]);
    assert_eq!(
        same["district_comparison"]["before"]["threshold_year"],
        2024
    );
    let d = district(&same, "H184");
    assert_eq!(d["change"], "unchanged");
    assert_eq!(d["share_ntm_before"], 50.0);
    assert_eq!(d["share_ntm_after"], 50.0);
    assert!(flips(d).is_empty(), "{d}");
    assert_eq!(blocking(d, "before"), vec!["Z2 \"xa-ntm\""]);
}

#[test]
fn the_districts_section_in_table_csv_and_markdown_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (xa, huyen) = h01_files(&dir);
    let (code, out, _) = run(&["diff", &xa, "--districts", &huyen]);
    assert_eq!(code, 0);
    let section = out
        .split("So sánh kết quả huyện: 2023")
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    let row = section.lines().find(|l| l.contains("H181")).unwrap();
    for part in [
        "Huyện Chi Lăng",
        "huyện NTM",
        "Chưa đạt",
        "Xuống mức",
        "10/10 → 9/10 (−1)",
        "2/2 (100 %) → 1/2 (50 %)",
        "↓H0.1",
        "H0.1: Vân An (Y2, 18/19 tiêu chí)",
    ] {
        assert!(row.contains(part), "{part} in {row}");
    }
    let flip_row = section
        .lines()
        .find(|l| l.contains("H181") && l.contains("H0.1") && l.contains("Đạt → Không đạt"))
        .unwrap();
    let legend = section
        .split("Các chỉ tiêu trong bảng trên")
        .nth(1)
        .unwrap();
    assert!(
        legend
            .lines()
            .any(|l| l.contains("H0.1") && l.contains("Tỷ lệ xã trên địa bàn huyện")),
        "{legend}"
    );
    assert!(
        flip_row.contains("100 %")
            && flip_row.contains("50 %")
            && flip_row.contains("≥ 100 %")
            && flip_row.contains("↓ Đạt → Không đạt"),
        "{flip_row}"
    );
    assert!(
        section.contains("huyện NTM: 1 huyện đạt (2023) → 0 (2024); lên mức 0, mất mức 1"),
        "{section}"
    );
    let (_, out, _) = run(&["diff", &xa, "--districts", &huyen, "--lang", "en"]);
    let row = out
        .lines()
        .find(|l| l.contains("H181") && l.contains("Lost"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(row.contains("H0.1: Vân An (Y2, 18/19 criteria)"), "{row}");

    let (_, out, _) = run(&["diff", &xa, "--districts", &huyen, "--format", "csv"]);
    let header = out.lines().next().unwrap();
    assert!(
        header.ends_with(
            ",cause,unit,share_ntm_before,share_ntm_after,blocking_communes_before,blocking_communes_after"
        ),
        "{header}"
    );
    let l = out.lines().find(|l| l.starts_with("H181,")).unwrap();
    assert_eq!(
        l,
        "H181,Huyện Chi Lăng,both,,,huyen-ntm,,lost,reached,not_met,same,,10,9,2023,2024,flip,huyen-ntm,0,H0.1,share_of_communes_meeting:xa-ntm,pass,fail,100,50,100,100,data,district,100,50,,Y2"
    );
    let l = out.lines().find(|l| l.starts_with("Y1,")).unwrap();
    assert!(l.ends_with(",commune,,,,"), "{l}");

    let (_, out, _) = run(&["diff", &xa, "--districts", &huyen, "--format", "md"]);
    assert!(out.contains("\n## So sánh kết quả huyện: 2023"), "{out}");
    assert!(
        out.contains(
            "| H181 | Huyện Chi Lăng | huyện NTM | Chưa đạt | Xuống mức | 10/10 → 9/10 (−1) |"
        ),
        "{out}"
    );
}

#[test]
fn district_input_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (xa, huyen) = h01_files(&dir);
    // An unreadable district row: reported with its line and column, left out of the comparison.
    let text = std::fs::read_to_string(&huyen).unwrap().replacen(
        "181;Huyện Chi Lăng;2024;100",
        "181;Huyện Chi Lăng;2024;có lẽ",
        1,
    );
    let bad = write(dir.path(), "huyen-bad.csv", &text);
    let (code, out, err) = run(&["diff", &xa, "--districts", &bad, "--format", "json"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("huyen-bad.csv:3: lỗi: cột h0.3: không đọc được tỷ lệ phần trăm; gặp «có lẽ»"),
        "{err}"
    );
    assert!(
        !err.contains("unknown-district") && !err.contains("không có trong tệp huyện"),
        "{err}"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["districts"].as_array().map(Vec::len), Some(0));
    assert_eq!(doc["district_comparison"]["skipped"][0]["code"], "H181");
    assert_eq!(doc["district_comparison"]["skipped"][0]["side"], "new");
    assert_eq!(
        commune(&doc, "Y2")["change"],
        "lost",
        "communes still compared"
    );

    // A commune whose district is not in the district file: a note naming its line, exit 0.
    let other = districts_csv(&[
        ("H182", "Huyện Lộc Bình", 2023, &[]),
        ("H182", "Huyện Lộc Bình", 2024, &[]),
    ]);
    let other = write(dir.path(), "huyen-khac.csv", &other);
    let (code, _, err) = run(&["diff", &xa, "--districts", &other, "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(
        err.contains("xa.csv:2: note: column huyen: district «Chi Lăng» of commune Y1 is not in the district file"),
        "{err}"
    );

    // A district file without one of the years compared; a district level without district data.
    let only_2023 = districts_csv(&[("H181", "Huyện Chi Lăng", 2023, &[])]);
    let only_2023 = write(dir.path(), "huyen-2023.csv", &only_2023);
    let (code, _, err) = run(&["diff", &xa, "--districts", &only_2023]);
    assert_eq!(code, 64);
    assert!(
        err.contains("huyen-2023.csv: không có dòng nào năm 2024 (có: 2023)"),
        "{err}"
    );
    let (code, _, err) = run(&["diff", &xa, "--level", "huyen-ntm"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("mức «huyen-ntm» là bộ cấp huyện: cần --districts TỆP_HUYỆN"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "diff",
        &xa,
        "--districts",
        &dir.path().join("none.csv").display().to_string(),
    ]);
    assert_eq!(code, 66);
    assert!(err.contains("lỗi: không có tệp «"), "{err}");
    assert!(err.contains("none.csv»"), "{err}");
}

#[test]
fn the_district_level_alone_compares_the_communes_it_needs() {
    // --level huyen-ntm: the communes are scored at xã NTM and nâng cao (what H0.1 and H0.2 need),
    // not at kiểu mẫu.
    let dir = tempfile::tempdir().unwrap();
    let (xa, huyen) = losing_files(&dir);
    let doc = diff_json(&[&xa, "--districts", &huyen, "--level", "huyen-ntm"]);
    let sets: Vec<&str> = doc["sets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(sets, vec!["xa-ntm", "nang-cao"]);
    assert_eq!(commune(&doc, "X1")["level_after"], "nang-cao");
    assert_eq!(district(&doc, "H180")["change"], "lost");
}

/// Every label a district can get, through the binary. Districts 185–188 have no commune in the
/// commune file, so H0.1 is unknown for them and nothing else decides unless a district indicator
/// fails: h8 = 30 < 35 makes "chưa đạt", a full row "chưa đủ dữ liệu".
/// - 180 (two communes meeting every level, every indicator met): huyện NTM both years: Giữ nguyên.
/// - 185: chưa đủ dữ liệu (2023) → chưa đạt (2024): Chưa rõ. 186: the reverse: Chưa rõ.
/// - 187: only in 2023: Không còn. 188: only in 2024: Mới.
#[test]
fn every_kind_of_district_change_is_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let communes = [
        c("X1", "Gia Cát", 2023, &[]),
        c("X2", "Hợp Thành", 2023, &[]),
        c("X1", "Gia Cát", 2024, &[]),
        c("X2", "Hợp Thành", 2024, &[]),
    ];
    let placed: Vec<(&str, &Commune)> = communes.iter().map(|c| ("Cao Lộc", c)).collect();
    let rows: [DistrictRow; 8] = [
        ("H180", "Huyện Cao Lộc", 2023, &[]),
        ("H180", "Huyện Cao Lộc", 2024, &[]),
        ("H185", "Huyện Bình Gia", 2023, &[]),
        ("H185", "Huyện Bình Gia", 2024, &[("h8", "30")]),
        ("H186", "Huyện Đình Lập", 2023, &[("h8", "30")]),
        ("H186", "Huyện Đình Lập", 2024, &[]),
        ("H187", "Huyện Văn Quan", 2023, &[]),
        ("H188", "Huyện Hữu Lũng", 2024, &[]),
    ];
    let xa = write(dir.path(), "xa.csv", &csv_in(&placed));
    let huyen = write(dir.path(), "huyen.csv", &districts_csv(&rows));
    let doc = diff_json(&[&xa, "--districts", &huyen]);
    let got = |code: &str| {
        let d = district(&doc, code);
        format!(
            "{} {} {}",
            d["status_before"].as_str().unwrap(),
            d["status_after"].as_str().unwrap(),
            d["change"].as_str().unwrap()
        )
    };
    assert_eq!(got("H180"), "reached reached unchanged");
    assert_eq!(got("H185"), "unknown not_met unknown");
    assert_eq!(got("H186"), "not_met unknown unknown");
    assert_eq!(got("H187"), "unknown absent gone");
    assert_eq!(got("H188"), "absent unknown new");
    let s = &doc["district_comparison"]["summary"];
    assert_eq!(s["levels"][0]["unknown"], 2, "185 and 186");
    assert_eq!(
        (s["units_before"].as_u64(), s["units_after"].as_u64()),
        (Some(4), Some(4))
    );

    let (code, out, _) = run(&["diff", &xa, "--districts", &huyen, "--format", "md"]);
    assert_eq!(code, 0);
    let section = out.split("So sánh kết quả huyện").nth(1).unwrap();
    let row = |code: &str| {
        section
            .lines()
            .map(md_cells)
            .find(|c| c.first().is_some_and(|c| c == code))
            .unwrap_or_else(|| panic!("{code} in {section}"))
    };
    for (code, before, after, label) in [
        ("H180", "huyện NTM", "huyện NTM", "Giữ nguyên"),
        (
            "H185",
            "Chưa đủ dữ liệu",
            "Chưa đạt",
            "Chưa rõ (thiếu số liệu)",
        ),
        (
            "H186",
            "Chưa đạt",
            "Chưa đủ dữ liệu",
            "Chưa rõ (thiếu số liệu)",
        ),
        (
            "H187",
            "Chưa đủ dữ liệu",
            "—",
            "Không còn: chỉ có ở bên cũ (2023)",
        ),
        (
            "H188",
            "—",
            "Chưa đủ dữ liệu",
            "Mới: chỉ có ở bên mới (2024)",
        ),
    ] {
        let cells = row(code);
        assert_eq!(cells[2..5], [before, after, label], "{cells:?}");
    }
    assert!(
        section
            .contains("huyện NTM: 1 huyện đạt (2023) → 1 (2024); lên mức 0, mất mức 0, chưa rõ 2."),
        "{section}"
    );
    let (_, out, _) = run(&["diff", &xa, "--districts", &huyen, "--lang", "en"]);
    let r = out
        .lines()
        .find(|l| l.starts_with("H185"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(r.contains("Unknown (missing data)"), "{r}");
    let (_, out, _) = run(&["diff", &xa, "--districts", &huyen, "--format", "csv"]);
    let l = out.lines().find(|l| l.starts_with("H185,")).unwrap();
    assert!(
        l.starts_with("H185,Huyện Bình Gia,both,,,,,unknown,unknown,not_met,same,"),
        "{l}"
    );
    let l = out.lines().find(|l| l.starts_with("H188,")).unwrap();
    assert!(
        l.starts_with("H188,Huyện Hữu Lũng,new,,,,,new,absent,unknown,new,"),
        "{l}"
    );
}

/// A map with districts: 2023 X1 (every level) and X2 (fails 15.1: 94,5 < 95) in district 180;
/// 2024: X3 is X1 and X2 merged, meeting every level. The district's communes count once per side:
/// 2 then (1 at xã NTM: H0.1 50 %), 1 now (100 %); the merged commune's before is X2's "not met".
#[test]
fn merged_communes_count_once_in_their_districts_share() {
    let dir = tempfile::tempdir().unwrap();
    let communes = [
        c("X1", "Gia Cát", 2023, &[]),
        c("X2", "Hợp Thành", 2023, &[("15.1", "94,5")]),
        c("X3", "Gia Cát", 2024, &[]),
    ];
    let placed: Vec<(&str, &Commune)> = communes.iter().map(|c| ("Cao Lộc", c)).collect();
    let rows: [DistrictRow; 2] = [
        ("H180", "Huyện Cao Lộc", 2023, &[]),
        ("H180", "Huyện Cao Lộc", 2024, &[]),
    ];
    let xa = write(dir.path(), "xa.csv", &csv_in(&placed));
    let huyen = write(dir.path(), "huyen.csv", &districts_csv(&rows));
    let m = write(dir.path(), "map.csv", "ma_xa_cu;ma_xa_moi\nX1;X3\nX2;X3\n");
    let (code, out, err) = run(&[
        "diff",
        &xa,
        "--districts",
        &huyen,
        "--map",
        &m,
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let x3 = commune(&doc, "X3");
    assert_eq!(x3["relation"], "merged");
    assert_eq!(x3["status_before"], "not_met");
    assert_eq!(x3["change"], "gained");
    let s = &doc["summary"];
    assert_eq!(
        (s["units_before"].as_u64(), s["units_after"].as_u64()),
        (Some(2), Some(1))
    );
    let d = district(&doc, "H180");
    assert_eq!(
        (d["communes_before"].as_u64(), d["communes_after"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(d["share_ntm_before"], 50.0);
    assert_eq!(d["share_ntm_after"], 100.0);
    assert_eq!(d["change"], "gained");
    assert_eq!(flips(d), vec!["H0.1"]);
}
