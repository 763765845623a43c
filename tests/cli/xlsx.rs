//! Excel workbooks in: the same verdicts as the equivalent CSV, cells named as Excel names them.

use rust_xlsxwriter::{Format, Workbook};

use crate::common::{BASE, Commune, csv, json, run, write};

/// The communes as an .xlsx that a commune officer would type: percentages typed as fractions and
/// shown with a % format, other numbers sometimes stored as text, a merged title row above the header.
fn workbook(path: &std::path::Path, communes: &[Commune]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let pct = Format::new().set_num_format("0.0%");
    // A title merged across the table, as offices print them: not the header, so not refused.
    ws.merge_range(
        0,
        0,
        0,
        7,
        "BẢNG TỰ ĐÁNH GIÁ TIÊU CHÍ NÔNG THÔN MỚI",
        &Format::new(),
    )
    .unwrap();
    let header: Vec<&str> = ["ma_xa", "ten_xa", "huyen", "nam"]
        .into_iter()
        .chain(BASE.iter().map(|(c, _)| *c))
        .collect();
    for (j, h) in header.iter().enumerate() {
        ws.write_string(2, j as u16, *h).unwrap();
    }
    let pct_cols = ["2.2", "2.4", "11", "16"];
    for (i, c) in communes.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, c.code).unwrap();
        ws.write_string(r, 1, c.name).unwrap();
        ws.write_string(r, 2, "Cao Lộc").unwrap();
        ws.write_number(r, 3, c.year as f64).unwrap();
        for (j, (col, v)) in BASE.iter().enumerate() {
            let v = c.set.iter().find(|(k, _)| k == col).map_or(*v, |(_, v)| *v);
            let cell = 4 + j as u16;
            match v.replace(',', ".").parse::<f64>() {
                Ok(n) if pct_cols.contains(col) => ws
                    .write_number_with_format(r, cell, n / 100.0, &pct)
                    .map(|_| ()),
                // every other number stored as text, as pasted from another program
                Ok(_) if j % 2 == 0 => ws.write_string(r, cell, v).map(|_| ()),
                Ok(n) => ws.write_number(r, cell, n).map(|_| ()),
                Err(_) => ws.write_string(r, cell, v).map(|_| ()),
            }
            .unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn an_xlsx_gives_the_same_verdicts_as_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let communes = [
        Commune {
            code: "A",
            name: "Gia Cát",
            year: 2024,
            set: &[],
        },
        Commune {
            code: "B",
            name: "Tân Liên",
            year: 2024,
            set: &[("2.2", "66,8")],
        },
        Commune {
            code: "C",
            name: "Hợp Thành",
            year: 2024,
            set: &[("11", "14"), ("17.8", "")],
        },
    ];
    let x = dir.path().join("xa.xlsx");
    workbook(&x, &communes);
    let c = write(dir.path(), "xa.csv", &csv(&communes));
    let (code_x, from_x) = json(&["check", x.to_str().unwrap(), "--format", "json"]);
    let (code_c, from_c) = json(&["check", &c, "--format", "json"]);
    assert_eq!(code_x, code_c);
    let levels = |d: &serde_json::Value| -> Vec<(String, serde_json::Value, serde_json::Value)> {
        d["communes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["code"].as_str().unwrap().to_string(),
                    c["level_reached"].clone(),
                    c["criteria_met"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(levels(&from_x), levels(&from_c));
    // 66,8 % typed as 0.668 with a % format is read as 66.8, short by 3.2 points.
    let b = crate::common::commune(&from_x, "B");
    let i22 = crate::common::indicator(b, "xa-ntm", "2.2");
    assert_eq!(i22["value"], 66.8);
    assert!((i22["gap"].as_f64().unwrap() - 3.2).abs() < 1e-9);
    // The row numbers are the workbook's: the header is on row 3, so A is on row 4.
    assert_eq!(crate::common::commune(&from_x, "A")["line"], 4);
}

#[test]
fn a_bad_cell_is_named_as_excel_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("xa.xlsx");
    workbook(
        &x,
        &[Commune {
            code: "A",
            name: "Gia Cát",
            year: 2024,
            set: &[("1.2", "có lẽ")],
        }],
    );
    let (code, _, err) = run(&["check", x.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 65);
    // 1.2 is the 6th column (F), the commune on row 4.
    assert!(
        err.contains(
            "xa.xlsx:4: error: cell Sheet1!F4, column 1.2: not a Đạt/Không đạt value; found «có lẽ»"
        ),
        "{err}"
    );
}

#[test]
fn a_missing_sheet_and_a_merged_header_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let x = dir.path().join("xa.xlsx");
    workbook(
        &x,
        &[Commune {
            code: "A",
            name: "Gia Cát",
            year: 2024,
            set: &[],
        }],
    );
    let (code, _, err) = run(&[
        "check",
        x.to_str().unwrap(),
        "--sheet",
        "Xã",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 65);
    assert!(err.contains("no sheet «Xã» (there are: Sheet1)"), "{err}");

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.merge_range(0, 4, 0, 5, "2.1", &Format::new()).unwrap();
    for (j, h) in ["ma_xa", "ten_xa", "huyen", "nam"].iter().enumerate() {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    let m = dir.path().join("merged.xlsx");
    wb.save(&m).unwrap();
    let (code, _, err) = run(&["check", m.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 65);
    assert!(
        err.contains("the header row has merged cells (Sheet1!E1:F1)"),
        "{err}"
    );

    // The same, with rows of data under the merged title: none of them is scored.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (j, h) in ["ma_xa", "ten_xa", "huyen", "nam"].iter().enumerate() {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    ws.merge_range(0, 4, 0, 5, "2.2", &Format::new()).unwrap();
    ws.write_string(0, 6, "2.4").unwrap();
    for r in 1..200u32 {
        ws.write_string(r, 0, format!("X{r}")).unwrap();
        ws.write_string(r, 1, "Gia Cát").unwrap();
        ws.write_string(r, 2, "Cao Lộc").unwrap();
        ws.write_number(r, 3, 2024.0).unwrap();
        for c in 4..7 {
            ws.write_number(r, c, 90.0).unwrap();
        }
    }
    let m = dir.path().join("merged-data.xlsx");
    wb.save(&m).unwrap();
    let (code, out, err) = run(&["check", m.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 65, "{out}");
    assert!(
        err.contains("the header row has merged cells (Sheet1!E1:F1)"),
        "{err}"
    );
    assert!(!out.contains("X1"), "{out}");
}

/// A workbook of one commune that meets every level, every cell written as text.
fn one_commune() -> Workbook {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let text = csv(&[Commune {
        code: "A",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    }]);
    for (r, line) in text.lines().enumerate() {
        for (c, f) in line.split(';').enumerate() {
            ws.write_string(r as u32, c as u16, f).unwrap();
        }
    }
    wb
}

#[test]
fn a_stray_cell_far_away_does_not_blow_up_the_sheet() {
    // One commune, and a stray note in the very last cell of the sheet (XFD1048576).
    let dir = tempfile::tempdir().unwrap();
    let mut wb = one_commune();
    let ws = wb.worksheet_from_index(0).unwrap();
    ws.write_string(1_048_575, 16_383, "ghi chú").unwrap();
    let stray = dir.path().join("stray.xlsx");
    wb.save(&stray).unwrap();
    let (code, doc) = json(&["check", stray.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(doc["communes"][0]["level_reached"], "kieu-mau");
}

/// The workbook at `from` with every occurrence of `what` in its sheet's XML replaced by `with`,
/// written to `to` (a sheet no Excel writes, for the cases Excel's own writer cannot make).
fn edit_sheet(from: &std::path::Path, to: &std::path::Path, what: &str, with: &str) {
    edit_sheet_all(from, to, &[(what, with)]);
}

/// The same, with each replacement of `edits` made in turn.
fn edit_sheet_all(from: &std::path::Path, to: &std::path::Path, edits: &[(&str, &str)]) {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut part = zin.by_index(i).unwrap();
        let name = part.name().unwrap().into_owned();
        let mut data = Vec::new();
        part.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut text = String::from_utf8(data).unwrap();
            for (what, with) in edits {
                text = text.replace(what, with);
            }
            data = text.into_bytes();
        }
        zout.start_file(name, options).unwrap();
        zout.write_all(&data).unwrap();
    }
    zout.finish().unwrap();
}

#[test]
fn a_note_in_excels_last_column_is_read_past_and_a_cell_beyond_it_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = one_commune();
    let ws = wb.worksheet_from_index(0).unwrap();
    // A note in the header row's last column (XFD): the header is 16,384 columns wide.
    ws.write_string(0, 16_383, "ghi chú").unwrap();
    let far = dir.path().join("far.xlsx");
    wb.save(&far).unwrap();
    let (code, doc) = json(&["check", far.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(doc["communes"][0]["level_reached"], "kieu-mau");

    // One column further is not a sheet Excel writes: refused, with the place.
    let beyond = dir.path().join("beyond.xlsx");
    edit_sheet(&far, &beyond, "r=\"XFD1\"", "r=\"XFE1\"");
    let (code, out, err) = run(&["check", beyond.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 65, "{out}");
    assert!(
        err.contains("has a cell outside Excel's range (column 16385, row 1"),
        "{err}"
    );
}

#[test]
fn a_cell_reference_calamine_cannot_count_refuses_the_sheet_without_a_panic() {
    // Found by the xlsx fuzz target: calamine's column arithmetic overflows on a reference of seven
    // letters or more. ntm refuses the sheet (never a panic, never the value read at a wrapped column).
    let dir = tempfile::tempdir().unwrap();
    let mut wb = one_commune();
    let good = dir.path().join("good.xlsx");
    wb.save(&good).unwrap();
    let bad = dir.path().join("bad.xlsx");
    edit_sheet(&good, &bad, "r=\"B2\"", "r=\"ADDDDDDD2\"");
    for (lang, words) in [
        (
            "en",
            "is damaged: the Excel reader (calamine) stopped part way",
        ),
        ("vi", "hỏng: thư viện đọc Excel (calamine) dừng giữa chừng"),
    ] {
        let (code, out, err) = run(&["check", bad.to_str().unwrap(), "--lang", lang]);
        assert_eq!(code, 65, "{out}{err}");
        assert!(err.contains(words), "{err}");
        assert!(err.contains("bad.xlsx"), "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("overflow"),
            "{err}"
        );
    }
}

/// A number shown with a percent sign its format quotes or escapes (`0.0 "%"`, `0.0\%`) is shown
/// as it is, not times 100: 0.9 so formatted reads 0,9 %, never 90 % (a false Đạt at ≥ 70 %). It
/// cannot be told from a fraction typed for 90 %, so it is refused with that question.
#[test]
fn a_quoted_percent_sign_in_a_format_is_not_a_percentage() {
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("quoted", "0.0 \"%\""),
        ("escaped", "0.0\\%"),
        ("real", "0.0%"),
    ] {
        let x = dir.path().join(format!("{name}.xlsx"));
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        let header: Vec<&str> = ["ma_xa", "ten_xa", "huyen", "nam"]
            .into_iter()
            .chain(BASE.iter().map(|(c, _)| *c))
            .collect();
        for (j, h) in header.iter().enumerate() {
            ws.write_string(0, j as u16, *h).unwrap();
        }
        for (j, v) in ["06235", "Gia Cát", "Cao Lộc", "2024"].iter().enumerate() {
            ws.write_string(1, j as u16, *v).unwrap();
        }
        for (j, (col, v)) in BASE.iter().enumerate() {
            let cell = 4 + j as u16;
            if *col == "2.2" {
                let f = Format::new().set_num_format(format);
                ws.write_number_with_format(1, cell, 0.9, &f).unwrap();
            } else {
                ws.write_string(1, cell, *v).unwrap();
            }
        }
        wb.save(&x).unwrap();
        let (code, doc) = json(&[
            "check",
            x.to_str().unwrap(),
            "--level",
            "xa-ntm",
            "--format",
            "json",
        ]);
        if name == "real" {
            // 0.9 under 0.0% is 90 %: read, and 2.2 (≥ 70 %) passes.
            assert_eq!(code, 0, "{name}: {}", doc["problems"]);
            assert_eq!(doc["communes"][0]["qualified"], true, "{name}");
        } else {
            assert_eq!(code, 65, "{name}: {}", doc["problems"]);
            assert_eq!(doc["communes"].as_array().map(Vec::len), Some(0), "{name}");
            assert_eq!(doc["unscored"][0]["code"], "06235", "{name}");
        }
    }
}

/// The communes of `csv` text written cell by cell as text, each row at the row `at` gives for its
/// line (the header is line 0).
fn sheet_of(text: &str, at: impl Fn(usize) -> u32) -> Workbook {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (i, line) in text.lines().enumerate() {
        for (c, f) in line.split(';').enumerate() {
            ws.write_string(at(i), c as u16, f).unwrap();
        }
    }
    wb
}

const GIA_CAT: Commune = Commune {
    code: "06235",
    name: "Gia Cát",
    year: 2024,
    set: &[],
};
const HOP_THANH: Commune = Commune {
    code: "06226",
    name: "Hợp Thành",
    year: 2024,
    set: &[],
};
const TAN_LIEN: Commune = Commune {
    code: "06229",
    name: "Tân Liên",
    year: 2024,
    set: &[],
};

/// Each row not scored as (row, its reasons in English).
fn unscored(doc: &serde_json::Value) -> Vec<(u64, String)> {
    doc["unscored"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let reasons: Vec<&str> = u["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["en"].as_str().unwrap())
                .collect();
            (u["line"].as_u64().unwrap(), reasons.join(" | "))
        })
        .collect()
}

fn scored(doc: &serde_json::Value) -> Vec<(String, u64)> {
    doc["communes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_string(),
                c["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Rows 1–2 of the first sheet made the titles offices print above a table (a merged cell, a
/// heading, a form number, a year in words); the sheet, to write on.
fn titled(wb: &mut Workbook) -> &mut rust_xlsxwriter::Worksheet {
    let ws = wb.worksheet_from_index(0).unwrap();
    ws.merge_range(0, 0, 0, 2, "UBND HUYỆN CAO LỘC", &Format::new())
        .unwrap();
    ws.write_string(0, 4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
        .unwrap();
    ws.write_string(1, 0, "Mã số: 01").unwrap();
    ws.write_string(1, 3, "Năm 2024").unwrap();
    ws
}

/// A commune's row above the header (its code and year filled) is listed as not scored, with its
/// place; the titles above the header (merged, or in two cells, or with «Năm 2024») stay quiet.
#[test]
fn a_communes_row_above_the_header_is_listed_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let text = csv(&[HOP_THANH, GIA_CAT]);
    // Titles on rows 1–2, Hợp Thành on row 3, the header on row 4, Gia Cát on row 5.
    let mut wb = sheet_of(&text, |i| [3, 2, 4][i]);
    let ws = titled(&mut wb);
    // The year as Excel stores a number typed in.
    ws.write_number(2, 3, 2024.0).unwrap();
    let x = dir.path().join("above.xlsx");
    wb.save(&x).unwrap();
    let (code, doc) = json(&["check", x.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 65, "{}", doc["problems"]);
    assert_eq!(scored(&doc), [("06235".to_string(), 5)]);
    let un = unscored(&doc);
    assert_eq!(un.len(), 1, "{un:?}");
    assert_eq!(un[0].0, 3);
    assert!(
        un[0].1.contains(
            "row 3 is above the header row (row 4) but holds a unit's data (cell Sheet1!A3 code «06226», cell Sheet1!D3 year 2024): it is not scored"
        ),
        "{un:?}"
    );
    let (_, _, err) = run(&["check", x.to_str().unwrap()]);
    assert!(
        err.contains("above.xlsx:3: lỗi: dòng 3 nằm trên dòng tiêu đề (dòng 4) nhưng có số liệu của một đơn vị (ô Sheet1!A3 mã «06226», ô Sheet1!D3 năm 2024)"),
        "{err}"
    );

    // The titles alone, the commune below: nothing to say.
    let mut wb = sheet_of(&csv(&[GIA_CAT]), |i| [3, 4][i]);
    titled(&mut wb);
    let t = dir.path().join("titles.xlsx");
    wb.save(&t).unwrap();
    let (code, doc) = json(&["check", t.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{}", doc["problems"]);
    assert_eq!(scored(&doc), [("06235".to_string(), 5)]);
    assert_eq!(unscored(&doc), []);
}

/// Two `<row r="2">`, or two cells of one address: the row is refused (neither value taken), its
/// cell named; the rows after it are read. A row met again after a later one is refused too.
#[test]
fn a_row_or_cell_written_twice_is_refused_not_picked() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.xlsx");
    sheet_of(&csv(&[GIA_CAT, HOP_THANH, TAN_LIEN]), |i| i as u32)
        .save(&good)
        .unwrap();
    let (code, doc) = json(&["check", good.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{}", doc["problems"]);
    assert_eq!(scored(&doc).len(), 3);

    // Row 3 (Hợp Thành) written as a second row 2.
    let duprow = dir.path().join("duprow.xlsx");
    edit_sheet_all(
        &good,
        &duprow,
        &[
            ("<row r=\"3\"", "<row r=\"2\""),
            ("3\" t=\"s\"", "2\" t=\"s\""),
        ],
    );
    // Gia Cát's 2.1 (column G) written again over its 1.2 (column F).
    let dupcell = dir.path().join("dupcell.xlsx");
    edit_sheet(&good, &dupcell, "r=\"G2\"", "r=\"F2\"");
    // Tân Liên's row 4 written as row 2, after row 3.
    let back = dir.path().join("back.xlsx");
    edit_sheet_all(
        &good,
        &back,
        &[
            ("<row r=\"4\"", "<row r=\"2\""),
            ("4\" t=\"s\"", "2\" t=\"s\""),
        ],
    );
    for (file, left, line, words) in [
        (
            &duprow,
            vec![("06229".to_string(), 4)],
            2,
            "sheet «Sheet1» is damaged: cell Sheet1!A2 appears twice («06235», then «06226»; two cells with one address, or row 2 written twice): row 2 is not scored, neither value is taken",
        ),
        (
            &dupcell,
            vec![("06226".to_string(), 3), ("06229".to_string(), 4)],
            2,
            "cell Sheet1!F2 appears twice («Đạt», then «100»",
        ),
        (
            &back,
            vec![("06235".to_string(), 2), ("06226".to_string(), 3)],
            2,
            "sheet «Sheet1» is damaged: row 2 (cell Sheet1!A2) comes after row 3, rows must come in order, each once (row 2 written twice?): row 2 at this place is not scored",
        ),
    ] {
        let (code, doc) = json(&["check", file.to_str().unwrap(), "--format", "json"]);
        assert_eq!(code, 65, "{file:?}: {}", doc["problems"]);
        assert_eq!(scored(&doc), left, "{file:?}");
        let un = unscored(&doc);
        assert_eq!(un.len(), 1, "{file:?}: {un:?}");
        assert_eq!(un[0].0, line, "{file:?}");
        assert!(un[0].1.contains(words), "{file:?}: {un:?}");
    }
    let (_, _, err) = run(&["check", dupcell.to_str().unwrap()]);
    assert!(
        err.contains("trang tính «Sheet1» hỏng: ô Sheet1!F2 có hai lần («Đạt» rồi «100»"),
        "{err}"
    );
}

/// A code stored as a number under a format of zeros (6235 shown as 06235 by `00000`) is read as
/// Excel shows it, so that it is the commune 06235 of every other file; under another format, and
/// in any column but the code's, a number is read as it stands.
#[test]
fn a_code_stored_as_a_number_is_read_as_its_zeros_format_shows_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = sheet_of(&csv(&[GIA_CAT, HOP_THANH, TAN_LIEN]), |i| i as u32);
    let ws = wb.worksheet_from_index(0).unwrap();
    let zeros = Format::new().set_num_format("00000");
    ws.write_number_with_format(1, 0, 6235.0, &zeros).unwrap();
    ws.write_number(2, 0, 6226.0).unwrap();
    ws.write_number_with_format(3, 0, 6229.0, &Format::new().set_num_format("0"))
        .unwrap();
    // 2.2 (≥ 70 %) holds 90 under `00000`: a scored value, read as the number 90.
    let at = 4 + BASE.iter().position(|(c, _)| *c == "2.2").unwrap() as u16;
    ws.write_number_with_format(1, at, 90.0, &zeros).unwrap();
    let x = dir.path().join("zeros.xlsx");
    wb.save(&x).unwrap();
    let (code, doc) = json(&["check", x.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        scored(&doc),
        [
            ("06235".to_string(), 2),
            ("6226".to_string(), 3),
            ("6229".to_string(), 4)
        ],
        "{}",
        doc["problems"]
    );
    let gia_cat = crate::common::commune(&doc, "06235");
    assert_eq!(
        crate::common::indicator(gia_cat, "xa-ntm", "2.2")["value"],
        90.0
    );
    assert_eq!(gia_cat["level_reached"], "kieu-mau");
    // The codes not padded are not in the list of units (a note), nothing else.
    assert_eq!(code, 0, "{}", doc["problems"]);
}
