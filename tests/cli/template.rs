//! `ntm template`: a data-entry file that, once filled, loads with no warning and scores.

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::Workbook;

use crate::common::{BASE, json, run, write};

/// The value of BASE for a column, or a recognition value.
fn value(id: &str) -> String {
    match id {
        "ma_xa" => "06235".into(), // Xã Gia Cát, huyện Cao Lộc, in the official list
        "ten_xa" => "Gia Cát".into(),
        "huyen" => "Cao Lộc".into(),
        "nam" => "2024".into(),
        "no_xdcb" | "an_ninh" => "Đạt".into(),
        "hai_long" => "91".into(),
        other => BASE
            .iter()
            .find(|(c, _)| *c == other)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default(),
    }
}

#[test]
fn a_filled_csv_template_loads_without_warnings_and_scores() {
    let (code, out, err) = run(&["template", "--year", "2024"]);
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    let ids: Vec<&str> = lines.next().unwrap().split(';').collect();
    assert_eq!(&ids[..5], ["ma_xa", "ten_xa", "huyen", "nam", "1.1"]);
    assert!(ids.contains(&"nc2.2") && ids.contains(&"km4") && ids.contains(&"hai_long"));
    let labels = lines.next().unwrap();
    assert!(labels.starts_with("# Mã;"), "{labels}");
    assert!(
        labels.contains("[triệu đồng/người/năm; yêu cầu ≥ 42 triệu đồng/người/năm (2024)*]"),
        "{labels}"
    );
    // Fill one row and load it.
    let filled = format!(
        "{out}{}\n",
        ids.iter().map(|id| value(id)).collect::<Vec<_>>().join(";")
    );
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "filled.csv", &filled);
    let (code, _, err) = run(&["check", &f]);
    assert_eq!(err, "", "no warning at all");
    assert_eq!(code, 0);
    let (_, doc) = json(&["check", &f, "--format", "json"]);
    assert_eq!(doc["communes"][0]["level_reached"], "kieu-mau");
    assert_eq!(doc["communes"][0]["recognition"]["ready"], true);
}

#[test]
fn the_xlsx_template_has_labels_ids_notes_and_validation_and_loads_once_filled() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("mau.xlsx");
    let (code, _, err) = run(&[
        "template",
        "--level",
        "xa-ntm",
        "--year",
        "2023",
        "-o",
        t.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut wb: Xlsx<_> = open_workbook(&t).unwrap();
    let sheet = wb.worksheet_range("Số liệu").unwrap();
    assert_eq!(sheet.get((1, 0)), Some(&Data::String("ma_xa".into())));
    let ids: Vec<String> = (0..sheet.width())
        .filter_map(|c| sheet.get((1, c)).map(|d| d.to_string()))
        .collect();
    assert!(!ids.contains(&"nc2.2".to_string()), "xa-ntm only");
    let income = ids.iter().position(|i| i == "10").unwrap();
    assert!(
        sheet
            .get((0, income))
            .unwrap()
            .to_string()
            .contains("≥ 39 triệu đồng/người/năm (2023)")
    );
    // Data validation and notes are in the sheet's XML.
    let zip = std::fs::read(&t).unwrap();
    let text = String::from_utf8_lossy(&zip);
    assert!(text.contains("xl/comments1.xml"), "notes on the ids");
    drop(text);
    // "Fill" it as Excel would keep it: the two header rows, then a row of values.
    let filled = dir.path().join("filled.xlsx");
    let mut out = Workbook::new();
    let ws = out.add_worksheet();
    for (c, id) in ids.iter().enumerate() {
        let label = sheet.get((0, c)).unwrap().to_string();
        ws.write_string(0, c as u16, label).unwrap();
        ws.write_string(1, c as u16, id).unwrap();
        ws.write_string(2, c as u16, value(id)).unwrap();
    }
    out.save(&filled).unwrap();
    let (code, _, err) = run(&[
        "check",
        filled.to_str().unwrap(),
        "--level",
        "xa-ntm",
        "--year",
        "2024",
    ]);
    assert_eq!(err, "", "no warning at all");
    assert_eq!(code, 0);
}
