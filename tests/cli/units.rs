//! The official lists of Lạng Sơn's administrative units (units/lang-son/, docs/units.md) in `check`
//! and `diff`: codes and names checked (warnings only), a district's shares over every xã of its
//! official list, and the merger of 1/7/2025 through `--map lang-son-2025`.
//!
//! The facts used here are written out by hand from units/lang-son/2024-12-01.toml and
//! conversion-2025-07-01.toml (so a change of the data shows as a failure): huyện Cao Lộc (183) had
//! 20 xã and 2 thị trấn (Đồng Đăng 06184, Cao Lộc 06187) before the merger; Xã Bằng Mạc (06475) was
//! formed on 1/7/2025 from Gia Lộc (06475), Bằng Hữu (06487), Thượng Cường (06490) and Bằng Mạc
//! (06493) of huyện Chi Lăng; Bính Xá (06622, Đình Lập) was divided between the new Xã Đình Lập
//! (06613) and Xã Kiên Mộc (06625).

use serde_json::Value;

use crate::common::{Commune, DistrictRow, csv_in, districts_csv, json, run, write};

/// The 20 xã of huyện Cao Lộc in the list in force from 1/12/2024.
const CAO_LOC_XA: [(&str, &str); 20] = [
    ("06190", "Bảo Lâm"),
    ("06193", "Thanh Lòa"),
    ("06196", "Cao Lâu"),
    ("06199", "Thạch Đạn"),
    ("06202", "Xuất Lễ"),
    ("06205", "Hồng Phong"),
    ("06208", "Thụy Hùng"),
    ("06211", "Lộc Yên"),
    ("06214", "Phú Xá"),
    ("06217", "Bình Trung"),
    ("06220", "Hải Yến"),
    ("06223", "Hòa Cư"),
    ("06226", "Hợp Thành"),
    ("06232", "Công Sơn"),
    ("06235", "Gia Cát"),
    ("06238", "Mẫu Sơn"),
    ("06241", "Xuân Long"),
    ("06244", "Tân Liên"),
    ("06247", "Yên Trạch"),
    ("06250", "Tân Thành"),
];

const CAO_LOC: DistrictRow = ("183", "Huyện Cao Lộc", 2024, &[]);

/// Communes of `year` meeting every commune level (the common BASE), in huyện Cao Lộc.
fn communes<'a>(list: &[(&'a str, &'a str)], year: i32) -> Vec<Commune<'a>> {
    list.iter()
        .map(|(code, name)| Commune {
            code,
            name,
            year,
            set: &[],
        })
        .collect()
}

fn commune_file(
    dir: &tempfile::TempDir,
    name: &str,
    communes: &[Commune],
    district: &str,
) -> String {
    let placed: Vec<(&str, &Commune)> = communes.iter().map(|c| (district, c)).collect();
    write(dir.path(), name, &csv_in(&placed))
}

fn district<'a>(doc: &'a Value, code: &str) -> &'a Value {
    doc["districts"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["code"] == code))
        .unwrap_or_else(|| panic!("no district {code} in {doc}"))
}

fn diff_commune<'a>(doc: &'a Value, code: &str) -> &'a Value {
    doc["communes"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["code"] == code))
        .unwrap_or_else(|| panic!("no commune {code} in {doc}"))
}

#[test]
fn cao_loc_had_20_xa_in_2024_and_its_towns_are_not_counted() {
    let dir = tempfile::tempdir().unwrap();
    // The 20 xã, all meeting every level, and the thị trấn Đồng Đăng (not one of the district's xã).
    let mut all = communes(&CAO_LOC_XA, 2024);
    all.push(Commune {
        code: "06184",
        name: "Đồng Đăng",
        year: 2024,
        set: &[("2.2", "50")],
    });
    let xa = commune_file(&dir, "xa.csv", &all, "Cao Lộc");
    let huyen = write(dir.path(), "huyen.csv", &districts_csv(&[CAO_LOC]));
    let (code, out, err) = run(&[
        "check",
        &xa,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    assert_eq!(code, 0, "{err}");
    let d = district(&doc, "183");
    assert_eq!(d["communes_total"], 20);
    assert_eq!(d["communes_ntm"], 20);
    assert_eq!(d["qualified"], true);
    assert_eq!(d["communes_over"]["basis"], "official_list");
    assert_eq!(d["communes_over"]["list"], "2024-12-01");
    assert_eq!(d["communes_over"]["listed_xa"], 20);
    assert_eq!(d["missing_communes"].as_array().unwrap().len(), 0);
    // Đồng Đăng fails 2.2 but does not hold the district back: it is a thị trấn, said once.
    assert!(
        err.contains("xa.csv:22: lưu ý: cột ma_xa: xã 06184 (Đồng Đăng) ghi thuộc Huyện Cao Lộc năm 2024: 06184 Thị trấn Đồng Đăng là thị trấn, không tính vào các xã của huyện"),
        "{err}"
    );
    // Official codes and names: no other warning about them (the columns of other levels are).
    let about_units: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("các cột không dùng ở mức đánh giá đã chọn"))
        .collect();
    assert_eq!(about_units.len(), 1, "{err}");
}

/// Cao Lộc's 2024 files with Tân Thành (06250) left out: 19 of its 20 xã.
fn nineteen(dir: &tempfile::TempDir) -> (String, String) {
    let xa = commune_file(dir, "xa.csv", &communes(&CAO_LOC_XA[..19], 2024), "Cao Lộc");
    let huyen = write(dir.path(), "huyen.csv", &districts_csv(&[CAO_LOC]));
    (xa, huyen)
}

#[test]
fn nineteen_of_cao_locs_20_xa_cannot_make_it_qualify() {
    let dir = tempfile::tempdir().unwrap();
    let (xa, huyen) = nineteen(&dir);
    let args = ["check", &xa, "--districts", &huyen, "--level", "huyen-ntm"];
    let (code, doc) = json(&[&args[..], &["--format", "json"]].concat());
    // Every xã in the file meets every level: only the missing one keeps it from qualifying.
    assert_eq!(code, 2, "unknown, never qualified");
    let d = district(&doc, "183");
    assert_eq!(d["qualified"], Value::Null);
    assert_eq!(d["communes_total"], 20);
    assert_eq!(d["communes_ntm"], 19);
    assert_eq!(d["share_ntm"], 95.0);
    assert_eq!(
        d["missing_communes"],
        serde_json::json!([{ "code": "06250", "name": "Xã Tân Thành" }])
    );
    let h01 = &d["criteria"][0]["indicators"][0];
    assert_eq!(h01["code"], "H0.1");
    assert_eq!(h01["status"], "missing", "95–100 %: unknown");
    assert_eq!(d["recognition"]["ready"], Value::Null);

    // Every format names the missing xã and says the district is unknown.
    let (_, table, _) = run(&args);
    let row = table
        .lines()
        .find(|l| l.contains("Huyện Cao Lộc"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains("Chưa đủ dữ liệu"), "{row}");
    assert!(
        row.contains("Thiếu số liệu 1/20 xã của huyện theo danh sách từ 01/12/2024"),
        "{row}"
    );
    assert!(row.contains("06250 Xã Tân Thành"), "{row}");
    let (_, en, _) = run(&[&args[..], &["--lang", "en"]].concat());
    assert!(
        en.contains("No data for 1 of the district's 20 xã in the official list from 01/12/2024"),
        "{en}"
    );
    let (_, md, _) = run(&[&args[..], &["--format", "md"]].concat());
    let row = md.lines().find(|l| l.starts_with("| 183 |")).unwrap();
    assert!(
        row.contains("| Chưa đủ dữ liệu |") && row.contains("06250 Xã Tân Thành"),
        "{row}"
    );
    let (_, csv, _) = run(&[&args[..], &["--format", "csv"]].concat());
    let row = csv.lines().find(|l| l.starts_with("183,")).unwrap();
    // 9 of 10 district criteria met, the verdict empty (unknown), the missing xã named.
    assert!(
        row.contains(",9,10,,Thiếu số liệu 1/20 xã") && row.contains("06250 Xã Tân Thành"),
        "{row}"
    );
    let html = dir.path().join("r.html");
    run(&[&args[..], &["-o", html.to_str().unwrap()]].concat());
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("06250 Xã Tân Thành"), "html");
    let xlsx = dir.path().join("r.xlsx");
    run(&[&args[..], &["-o", xlsx.to_str().unwrap()]].concat());
    let sheet = huyen_sheet(&xlsx);
    let row = sheet.iter().find(|r| r[0] == "183").expect("district row");
    assert_eq!(row[6], "Chưa đủ dữ liệu", "{row:?}");
    assert!(row[7].contains("06250 Xã Tân Thành"), "{row:?}");

    // The district detail says what the shares are over.
    let (_, detail, _) = run(&[&args[..], &["--commune", "06190"]].concat());
    assert!(
        detail.contains("Tính trên 20 xã của huyện theo danh sách đơn vị hành chính từ 01/12/2024 (không tính thị trấn, phường)"),
        "{detail}"
    );
}

/// The district sheet of a check workbook, cell by cell.
fn huyen_sheet(path: &std::path::Path) -> Vec<Vec<String>> {
    use calamine::{Reader as _, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range("Huyện").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn a_mistyped_code_and_a_wrong_name_are_named_and_the_verdicts_stand() {
    let dir = tempfile::tempdir().unwrap();
    let right = commune_file(&dir, "dung.csv", &communes(&CAO_LOC_XA, 2024), "Cao Lộc");
    let mut list = CAO_LOC_XA;
    list[0] = ("06191", "Bảo Lâm"); // 06190 mistyped
    list[2] = ("06196", "Cao Lâm"); // Cao Lâu misspelt
    let wrong = commune_file(&dir, "sai.csv", &communes(&list, 2024), "Cao Lộc");
    let (code_right, out_right, err_right) = run(&["check", &right]);
    let (code, out, err) = run(&["check", &wrong]);
    assert_eq!(err_right, "", "official codes and names: nothing to say");
    assert_eq!(code, code_right, "warnings only");
    assert_eq!(code, 0);
    assert_eq!(
        out.replace("06191", "06190").replace("Cao Lâm", "Cao Lâu"),
        out_right,
        "the same report but for the two cells"
    );
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with(&format!("{wrong}:2: lưu ý: cột ma_xa: mã 06191 (Bảo Lâm, năm 2024) không có trong danh sách từ 01/12/2024")),
        "{err}"
    );
    assert!(
        lines[0].contains("gần nhất theo mã: 06190 Xã Bảo Lâm (Huyện Cao Lộc)"),
        "{err}"
    );
    assert!(
        lines[0].contains("theo tên «Bảo Lâm»: 06190 Xã Bảo Lâm (Huyện Cao Lộc)"),
        "{err}"
    );
    assert!(lines[0].contains("lưu ý, không đổi kết quả chấm"), "{err}");
    assert!(
        lines[1].starts_with(&format!("{wrong}:4: lưu ý: cột ten_xa: tên xã khác danh sách: mã 06196 là Xã Cao Lâu trong danh sách từ 01/12/2024")),
        "{err}"
    );
    assert!(lines[1].ends_with("gặp «Cao Lâm»; cần Xã Cao Lâu"), "{err}");
    // 2024 began before the list of 1/12/2024: said once, at the end.
    assert!(
        lines[2].starts_with(&format!(
            "{wrong}: lưu ý: ntm không có danh sách nào trước 01/12/2024"
        )),
        "{err}"
    );
    assert_eq!(lines.len(), 3, "{err}");
    let (_, _, en) = run(&["check", &wrong, "--lang", "en"]);
    assert!(
        en.contains("code 06191 (Bảo Lâm, year 2024) is not in the list in force from 01/12/2024"),
        "{en}"
    );
    // With the district: Bảo Lâm (06190) has no row, so Cao Lộc cannot qualify.
    let huyen = write(dir.path(), "huyen.csv", &districts_csv(&[CAO_LOC]));
    let (code, doc) = json(&[
        "check",
        &wrong,
        "--districts",
        &huyen,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        district(&doc, "183")["missing_communes"][0]["code"],
        "06190"
    );
}

#[test]
fn a_file_of_its_own_codes_gets_one_note_and_is_matched_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let own: Vec<(String, &str)> = CAO_LOC_XA
        .iter()
        .enumerate()
        .map(|(i, (_, name))| (format!("CL{:02}", i + 1), *name))
        .collect();
    let list: Vec<(&str, &str)> = own.iter().map(|(c, n)| (c.as_str(), *n)).collect();
    let xa = commune_file(&dir, "xa.csv", &communes(&list[..19], 2024), "Cao Lộc");
    let (code, _, err) = run(&["check", &xa]);
    assert_eq!(code, 0);
    assert_eq!(
        err,
        format!(
            "{xa}: lưu ý: cột ma_xa: tệp dùng mã xã riêng: chỉ 0/19 dòng có mã trong danh sách đơn vị hành chính tỉnh Lạng Sơn của năm mình, nên không đối chiếu từng mã, tên với danh sách; xã của một huyện có mã trong danh sách được nhận theo tên\n"
        )
    );
    // The district's code is official: its xã are recognised by name, Tân Thành is missing.
    let huyen = write(dir.path(), "huyen.csv", &districts_csv(&[CAO_LOC]));
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
    let d = district(&doc, "183");
    assert_eq!(d["communes_total"], 20);
    assert_eq!(d["communes_ntm"], 19);
    assert_eq!(d["missing_communes"][0]["name"], "Xã Tân Thành");
    // A district code of its own: today's shares over the file's communes, and said so.
    let own_d = write(
        dir.path(),
        "huyen-rieng.csv",
        &districts_csv(&[("CL", "Huyện Cao Lộc", 2024, &[])]),
    );
    let (code, doc) = json(&[
        "check",
        &xa,
        "--districts",
        &own_d,
        "--level",
        "huyen-ntm",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    let d = district(&doc, "CL");
    assert_eq!(d["communes_total"], 19);
    assert_eq!(d["qualified"], true);
    assert_eq!(d["communes_over"]["basis"], "file");
    assert_eq!(d["communes_over"]["code_not_in_list"], true);
    let (_, out, _) = run(&["check", &xa, "--districts", &own_d, "--level", "huyen-ntm"]);
    assert!(
        out.contains("Tỷ lệ tính trên các xã có trong tệp số liệu xã (mã huyện không có trong danh sách đơn vị hành chính chính thức)"),
        "{out}"
    );
}

/// A copy of the bundled criteria whose sets say they are `province`'s.
fn criteria_of(dir: &tempfile::TempDir, province: &str) -> String {
    let root = dir.path().join("tieu-chi");
    let version = root.join("lang-son-2024");
    std::fs::create_dir_all(&version).unwrap();
    let bundled = concat!(env!("CARGO_MANIFEST_DIR"), "/criteria/lang-son-2024");
    for f in std::fs::read_dir(bundled).unwrap() {
        let f = f.unwrap().path();
        let text = std::fs::read_to_string(&f).unwrap().replace(
            "province = \"Lạng Sơn\"",
            &format!("province = \"{province}\""),
        );
        std::fs::write(version.join(f.file_name().unwrap()), text).unwrap();
    }
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/criteria/periods.toml"),
        root.join("periods.toml"),
    )
    .unwrap();
    root.display().to_string()
}

#[test]
fn another_provinces_criteria_get_one_note_and_no_unit_checks() {
    let dir = tempfile::tempdir().unwrap();
    let (xa, huyen) = nineteen(&dir);
    let mut list = CAO_LOC_XA;
    list[0] = ("06191", "Bảo Lâm");
    let wrong = commune_file(&dir, "sai.csv", &communes(&list, 2024), "Cao Lộc");
    let criteria = criteria_of(&dir, "Cao Bằng");
    let (code, _, err) = run(&["--criteria", &criteria, "check", &wrong]);
    assert_eq!(code, 0);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("lưu ý: bộ tiêu chí của tỉnh Cao Bằng: ntm không có danh sách đơn vị hành chính chính thức của tỉnh này"),
        "{err}"
    );
    // The district's shares are over the file's 19 communes, as before the lists were known.
    let (code, doc) = json(&[
        "--criteria",
        &criteria,
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
    let d = district(&doc, "183");
    assert_eq!(d["communes_total"], 19);
    assert_eq!(d["communes_over"]["basis"], "file");
    assert_eq!(d["communes_over"]["code_not_in_list"], false);
    // The same criteria saying they are Lạng Sơn's: the lists apply.
    let ours = tempfile::tempdir().unwrap();
    let criteria = criteria_of(&ours, "tỉnh Lạng Sơn");
    let (code, _, err) = run(&["--criteria", &criteria, "check", &wrong]);
    assert_eq!(code, 0);
    assert!(
        err.contains("mã 06191 (Bảo Lâm, năm 2024) không có trong danh sách"),
        "{err}"
    );
}

#[test]
fn the_lists_load_from_a_folder_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("lang-son");
    std::fs::create_dir(&folder).unwrap();
    for f in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/units/lang-son")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, folder.join(f.file_name().unwrap())).unwrap();
    }
    let units = folder.display().to_string();
    let (xa, huyen) = nineteen(&dir);
    let (code, doc) = json(&[
        "--units",
        &units,
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
    assert_eq!(
        district(&doc, "183")["missing_communes"][0]["code"],
        "06250"
    );
    // -o never writes over a file of the lists it read.
    let list = folder.join("2025-07-01.toml");
    let before = std::fs::read(&list).unwrap();
    let target = list.display().to_string();
    let (code, _, err) = run(&[
        "--units", &units, "--lang", "en", "check", &xa, "-o", &target, "--force",
    ]);
    assert_eq!(code, 64, "{err}");
    assert!(err.contains("is an input file"), "{err}");
    assert_eq!(std::fs::read(&list).unwrap(), before);
    // A folder with a unit of an unknown type: refused, file, line and value named.
    let edition = folder.join("2024-12-01.toml");
    let text = std::fs::read_to_string(&edition).unwrap().replace(
        "  { code = \"06250\", type = \"xã\", name = \"Tân Thành\" },\n",
        "  { code = \"06250\", type = \"xa\", name = \"Tân Thành\" },\n",
    );
    std::fs::write(&edition, text).unwrap();
    let (code, _, err) = run(&["--units", &units, "check", &xa]);
    assert_eq!(code, 78, "{err}");
    assert!(err.contains("2024-12-01.toml:"), "{err}");
    assert!(err.contains("«xa»"), "{err}");
}

/// The four xã of huyện Chi Lăng in 2024 that became Xã Bằng Mạc (06475) on 1/7/2025, and a 2025
/// file of Xã Bằng Mạc.
fn bang_mac(dir: &tempfile::TempDir) -> (String, String) {
    let old = [
        ("06475", "Gia Lộc"),
        ("06487", "Bằng Hữu"),
        ("06490", "Thượng Cường"),
        ("06493", "Bằng Mạc"),
    ];
    let old = commune_file(dir, "xa-2024.csv", &communes(&old, 2024), "Chi Lăng");
    let new = commune_file(
        dir,
        "xa-2025.csv",
        &communes(&[("06475", "Bằng Mạc")], 2025),
        "",
    );
    (old, new)
}

#[test]
fn bang_mac_2025_against_its_four_former_xa_through_the_shipped_conversion() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = bang_mac(&dir);
    let (code, out, err) = run(&[
        "diff",
        &old,
        &new,
        "--map",
        "lang-son-2025",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err, "",
        "every former xã is in the old file: nothing to say"
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let s = &doc["summary"];
    assert_eq!(
        (&s["units_before"], &s["units_after"], &s["both"]),
        (&4.into(), &1.into(), &1.into()),
        "one commune compared, on both sides"
    );
    assert_eq!(
        (&s["only_old"], &s["only_new"]),
        (&0.into(), &0.into()),
        "none lost"
    );
    assert_eq!((&s["merged"], &s["merged_from"]), (&1.into(), &4.into()));
    let c = diff_commune(&doc, "06475");
    assert_eq!(c["relation"], "merged");
    let parts: Vec<(&str, &str, &str)> = c["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap(),
                p["official_name"].as_str().unwrap(),
                p["level_before"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        parts,
        [
            ("06475", "Xã Gia Lộc", "kieu-mau"),
            ("06487", "Xã Bằng Hữu", "kieu-mau"),
            ("06490", "Xã Thượng Cường", "kieu-mau"),
            ("06493", "Xã Bằng Mạc", "kieu-mau"),
        ]
    );
    assert!(
        doc["map"]
            .as_str()
            .unwrap()
            .starts_with("lang-son-2025 (units/lang-son/conversion-2025-07-01.toml)"),
        "{}",
        doc["map"]
    );
    // A printed report names the conversion and its file, without the file's folders.
    let html = dir.path().join("so-sanh.html");
    let (_, _, err) = run(&[
        "diff",
        &old,
        &new,
        "--map",
        "lang-son-2025",
        "-o",
        html.to_str().unwrap(),
    ]);
    let page = std::fs::read_to_string(&html).unwrap_or_else(|e| panic!("{e}: {err}"));
    assert!(
        page.contains("theo tệp: lang-son-2025 (conversion-2025-07-01.toml)"),
        "{page}"
    );
    // The table names each former xã with its level.
    let (_, table, _) = run(&["diff", &old, &new, "--map", "lang-son-2025"]);
    assert!(
        table.contains("NTM kiểu mẫu ← 06475 Gia Lộc: NTM kiểu mẫu; 06487 Bằng Hữu: NTM kiểu mẫu; 06490 Thượng Cường: NTM kiểu mẫu; 06493 Bằng Mạc: NTM kiểu mẫu"),
        "{table}"
    );

    // Without Thượng Cường in the old file, it is still named, as missing: the before is unknown.
    let three = commune_file(
        &dir,
        "ba-xa-2024.csv",
        &communes(
            &[
                ("06475", "Gia Lộc"),
                ("06487", "Bằng Hữu"),
                ("06493", "Bằng Mạc"),
            ],
            2024,
        ),
        "Chi Lăng",
    );
    let (_, table, err) = run(&["diff", &three, &new, "--map", "lang-son-2025"]);
    assert!(
        table.contains("06490 Xã Thượng Cường (không có ở bên cũ)"),
        "{table}"
    );
    assert!(
        err.contains("lưu ý: không có 06490 Xã Thượng Cường ở bên cũ (bảng chuyển đổi: 06490 Xã Thượng Cường → 06475 Xã Bằng Mạc)"),
        "{err}"
    );
}

#[test]
fn across_the_merger_without_a_map_the_reused_codes_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = bang_mac(&dir);
    let (code, _, err) = run(&["diff", &old, &new]);
    assert_eq!(code, 0);
    assert_eq!(
        err,
        format!(
            "{new}: lưu ý: bên cũ (năm 2024) theo danh sách đơn vị hành chính từ 01/12/2024, bên mới (năm 2025) theo danh sách từ 01/07/2025: các xã đã được sắp xếp lại (1672/NQ-UBTVQH15) và một số mã được dùng lại cho đơn vị khác; trong số liệu, 1 mã như thế, ví dụ 06475 (Xã Gia Lộc → Xã Bằng Mạc); so theo mã là so hai xã khác nhau. Dùng --map lang-son-2025 để so theo bảng chuyển đổi\n"
        )
    );
    // No reused code in the data: the warning names none.
    let other = commune_file(
        &dir,
        "khac-2025.csv",
        &communes(&[("06184", "Đồng Đăng")], 2025),
        "",
    );
    let (_, _, err) = run(&["diff", &old, &other, "--lang", "en"]);
    assert!(
        err.contains("some codes were reused for other units; comparing by code"),
        "{err}"
    );
    assert!(!err.contains("e.g."), "{err}");
    // Two years of the same list: nothing to say; a map file still works as before.
    let map = write(
        dir.path(),
        "map.csv",
        "ma_xa_cu;ma_xa_moi\n06487;06475\n06490;06475\n06493;06475\n",
    );
    let (code, out, err) = run(&["diff", &old, &new, "--map", &map, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["summary"]["merged_from"], 4);
    // A name that is neither a file nor a shipped conversion: the error says which exist.
    let (code, _, err) = run(&["diff", &old, &new, "--map", "lang-son-2052"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("bảng chuyển đổi có sẵn: lang-son-2025"),
        "{err}"
    );
}

#[test]
fn a_divided_former_xa_is_shown_in_each_new_xa_marked() {
    // Bính Xá (06622, huyện Đình Lập) was divided between Xã Đình Lập (06613) and Xã Kiên Mộc (06625).
    let dir = tempfile::tempdir().unwrap();
    let old = commune_file(
        &dir,
        "xa-2024.csv",
        &communes(&[("06622", "Bính Xá")], 2024),
        "Đình Lập",
    );
    let new = commune_file(
        &dir,
        "xa-2025.csv",
        &communes(&[("06613", "Đình Lập"), ("06625", "Kiên Mộc")], 2025),
        "",
    );
    let (code, out, err) = run(&[
        "diff",
        &old,
        &new,
        "--map",
        "lang-son-2025",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    for (code, other) in [("06613", "06625"), ("06625", "06613")] {
        let c = diff_commune(&doc, code);
        let part = c["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["code"] == "06622")
            .unwrap_or_else(|| panic!("{c}"));
        assert_eq!(part["split"], true, "{part}");
        assert_eq!(part["found"], true);
        assert_eq!(part["also_in"], serde_json::json!([other]));
    }
    assert_eq!(doc["summary"]["split"], 1);
    assert_eq!(
        doc["summary"]["units_before"], 1,
        "counted once on the old side"
    );
    let (_, table, _) = run(&["diff", &old, &new, "--map", "lang-son-2025"]);
    assert!(
        table.contains("Bính Xá (tách một phần, phần khác vào 06625)"),
        "{table}"
    );
}
