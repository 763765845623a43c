//! `ntm template`: an empty data-entry file whose columns are exactly the inputs the chosen sets read,
//! in criterion order, each with its label, unit and requirement for the year.
//!
//! CSV: the id header, then a second header row of labels written as a comment (`# …`), which the
//! reader skips. Each label starts with its column's id (`10 – Thu nhập bình quân…`): a file headed by
//! the labels alone is read like one headed by the ids. Excel: a row of labels above the id header (the reader skips title rows), a note on
//! each id, and data validation: a list for Đạt/Không đạt cells, 0–100 for percentages, ≥ 0 for numbers.

use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, FormatAlign, Note, XlsxError};

use super::text;
use crate::criteria::{CriteriaSet, GROUP_COLUMN, Kind, Version};
use crate::i18n::Lang;
use crate::input::Layout;

/// One column of the template.
pub struct Column {
    pub id: String,
    pub label: String,
    pub kind: Kind,
    /// "nếu có": may be KAD.
    pub optional: bool,
}

/// The columns for `sets` (and their recognition conditions), with labels for `year`.
pub fn columns(
    version: &Version,
    sets: &[&CriteriaSet],
    layout: Layout,
    year: i32,
    lang: Lang,
) -> Vec<Column> {
    let meta = |id: &str, vi: &str, en: &str| Column {
        id: id.to_string(),
        label: lang.pick(vi, en).to_string(),
        kind: Kind::Num,
        optional: false,
    };
    let mut cols = vec![
        meta(layout.code, "Mã", "Code"),
        meta(layout.name, "Tên", "Name"),
    ];
    if let Some(p) = layout.parent {
        cols.push(meta(p, "Huyện", "District"));
    }
    cols.push(meta(layout.year, "Năm đánh giá", "Assessment year"));
    // The commune group, when thresholds vary by group.
    let groups = version.groups();
    if layout.groups && !groups.is_empty() {
        let ids = groups
            .iter()
            .map(|g| g.id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        cols.push(meta(
            GROUP_COLUMN,
            &format!("Nhóm xã ({ids})"),
            &format!("Commune group ({ids})"),
        ));
    }
    for set in sets {
        for ind in set.indicators().chain(set.recognition.iter()) {
            for check in &ind.checks {
                let Some(id) = check.input.column() else {
                    continue;
                };
                if cols.iter().any(|c| c.id == id) {
                    continue;
                }
                let mut label = ind.name.get(lang).to_string();
                let part = text::label(check, lang);
                if !part.is_empty() {
                    label = format!("{label} — {part}");
                }
                let unit = text::unit(check, lang);
                let rule = text::rule(check, Some(year), version, lang);
                let hint = match check.kind {
                    Kind::Bool => lang.pick("Đạt/Không đạt", "Đạt/Không đạt").to_string(),
                    _ => unit,
                };
                cols.push(Column {
                    id: id.to_string(),
                    // The id first: a file headed by this row alone names each column by its id,
                    // even where two sets give an indicator the same name (3.1 and nc3.1).
                    label: format!(
                        "{id} – {label} [{hint}; {} {rule}]",
                        lang.pick("yêu cầu", "requirement")
                    ),
                    kind: check.kind,
                    optional: ind.optional,
                });
            }
        }
    }
    cols
}

/// The CSV template: ids, then the labels as a comment row.
pub fn csv(cols: &[Column]) -> String {
    let ids: Vec<String> = cols.iter().map(|c| c.id.clone()).collect();
    let labels: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == 0 {
                format!("# {}", c.label)
            } else {
                c.label.clone()
            }
        })
        .collect();
    let mut w = super::CsvWriter::with_delimiter(Vec::new(), b';');
    let _ = w.write_record(&ids);
    let _ = w.write_record(&labels);
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

/// The Excel template's bytes, created on `date` (see [`super::xlsx_cells::dated_workbook`]): the
/// same template with the same `NTM_DATE` is the same bytes.
pub fn xlsx(
    cols: &[Column],
    lang: Lang,
    date: Option<super::print::RunDate>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = super::xlsx_cells::dated_workbook(date);
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("Số liệu", "Data"))?;
    let label_fmt = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_italic();
    let id_fmt = Format::new()
        .set_bold()
        .set_background_color(rust_xlsxwriter::Color::RGB(0xDDEBF7));
    let rows = 500u32; // data rows with validation
    for (j, c) in cols.iter().enumerate() {
        let col = j as u16;
        ws.write_string_with_format(0, col, &c.label, &label_fmt)?;
        ws.write_string_with_format(1, col, &c.id, &id_fmt)?;
        ws.insert_note(1, col, &Note::new(&c.label).set_author("ntm"))?;
        ws.set_column_width(col, if j < 4 { 14.0 } else { 16.0 })?;
        // Identifying columns, and numbers that may be KAD ("nếu có"), take any text.
        if j < 4 || c.id == GROUP_COLUMN || (c.optional && c.kind != Kind::Bool) {
            continue;
        }
        let validation = match c.kind {
            Kind::Bool => {
                let mut list = vec!["Đạt", "Không đạt"];
                if c.optional {
                    list.push("KAD");
                }
                DataValidation::new().allow_list_strings(&list)?
            }
            Kind::Pct => {
                DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            }
            Kind::Num => DataValidation::new()
                .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
        };
        let validation = validation.set_error_message(lang.pick(
            "Giá trị không hợp lệ cho chỉ tiêu này (xem dòng 1)",
            "Invalid value for this indicator (see row 1)",
        ))?;
        ws.add_data_validation(2, col, rows + 1, col, &validation)?;
    }
    ws.set_row_height(0, 90)?;
    ws.set_freeze_panes(2, 2)?;
    wb.save_to_buffer()
}
