//! Reading a sheet of an Excel workbook (`.xlsx`) as records, with the same column ids and reading
//! rules as CSV. Numbers stored as text are read as text is; a number shown as a percentage
//! (0.855 formatted `0.0%`) is read as 85.5; cells are named as in Excel (`Sheet1!F12`).

use std::path::Path;

use calamine::{Data, Reader as _, Xlsx, open_workbook};

use super::record::{Fields, Rec, Records, column_letters};
use crate::diag::Problem;
use crate::i18n::Text;

/// Whether a path names a workbook this module reads.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm"))
}

/// The records of `sheet` (or the first sheet) of the workbook at `path`.
pub fn records(path: &Path, sheet: Option<&str>, file: &str) -> Result<Records, Box<Problem>> {
    let fail = |vi: String, en: String| Box::new(Problem::error("xlsx", file, Text::new(vi, en)));
    let mut wb: Xlsx<_> = open_workbook(path).map_err(|e| {
        fail(
            format!("không mở được tệp Excel: {e}"),
            format!("cannot open the Excel file: {e}"),
        )
    })?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                fail(
                    format!("không có trang tính «{s}» (có: {})", names.join(", ")),
                    format!("no sheet «{s}» (there are: {})", names.join(", ")),
                )
            })?,
        None => names.first().cloned().ok_or_else(|| {
            fail(
                "tệp Excel không có trang tính nào".into(),
                "the workbook has no sheet".into(),
            )
        })?,
    };
    let range = wb.worksheet_range(&name).map_err(|e| {
        fail(
            format!("không đọc được trang tính «{name}»: {e}"),
            format!("cannot read sheet «{name}»: {e}"),
        )
    })?;
    // Styles tell which numbers are shown as percentages; without them, numbers are read as they are.
    let styles = wb.worksheet_style(&name).ok();
    let merged = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let Some((row0, col0)) = range.start() else {
        return Ok(Box::new(std::iter::empty()));
    };
    let mut recs = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let r = row0 + i as u32;
        let mut values = Vec::with_capacity(row.len());
        let mut refs = Vec::with_capacity(row.len());
        for (j, cell) in row.iter().enumerate() {
            let c = col0 + j as u32;
            let percent = styles
                .as_ref()
                .and_then(|s| s.get((r, c)))
                .and_then(|st| st.number_format.as_ref())
                .is_some_and(|f| f.format_code.contains('%'));
            values.push(text(cell, percent));
            refs.push(format!("{name}!{}{}", column_letters(c as usize), r + 1));
        }
        recs.push((r, values, refs));
    }
    // Merged cells in the header row cannot be told apart: refuse them with their place.
    let header_row = recs
        .iter()
        .find(|(_, v, _)| v.iter().any(|f| is_code_header(f)))
        .map(|(r, _, _)| *r);
    if let Some(hr) = header_row
        && let Some(m) = merged
            .iter()
            .find(|m| m.start.0 <= hr && hr <= m.end.0 && m.start.1 != m.end.1)
    {
        let span = format!(
            "{}{}:{}{}",
            column_letters(m.start.1 as usize),
            m.start.0 + 1,
            column_letters(m.end.1 as usize),
            m.end.0 + 1
        );
        return Err(Box::new(Problem::error(
            "merged-header",
            file,
            Text::new(
                format!("dòng tiêu đề có ô gộp ({name}!{span}): mỗi cột cần tiêu đề riêng (mã chỉ tiêu); hãy bỏ gộp ô"),
                format!("the header row has merged cells ({name}!{span}): each column needs its own header (the indicator id); unmerge them"),
            ),
        )
        .at(hr as usize + 1, None)));
    }
    Ok(Box::new(recs.into_iter().map(|(r, values, refs)| {
        Ok(Rec {
            line: r as usize + 1,
            fields: Fields::Cells { values, refs },
        })
    })))
}

fn is_code_header(f: &str) -> bool {
    matches!(
        super::cell::fold(f).replace(' ', "_").as_str(),
        "ma_xa" | "ma_huyen"
    )
}

/// A cell as text, as the CSV reader would see it.
fn text(cell: &Data, percent: bool) -> String {
    let num = |f: f64| {
        let f = if percent { f * 100.0 } else { f };
        // Round away binary noise (0.855 × 100 = 85.49999999999999).
        let f = (f * 1e9).round() / 1e9;
        if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", f as i64)
        } else {
            format!("{f}")
        }
    };
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => num(*f),
        Data::Int(i) => num(*i as f64),
        Data::Bool(b) => (if *b { "yes" } else { "no" }).to_string(),
        Data::DateTime(d) => format!("{d}"),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}
