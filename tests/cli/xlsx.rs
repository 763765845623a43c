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
            data = String::from_utf8(data)
                .unwrap()
                .replace(what, with)
                .into_bytes();
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
