//! Reading a sheet of an Excel workbook (`.xlsx`) as records, with the same column ids and reading
//! rules as CSV. Numbers stored as text are read as text is; a number shown as a percentage
//! (0.855 formatted `0.0%`) is read as 85.5; cells are named as in Excel (`Sheet1!F12`).

use std::path::Path;

use calamine::{Data, Reader as _, Xlsx, open_workbook};

use super::record::{Fields, Rec, Records, column_letters};
use crate::diag::Problem;
use crate::i18n::Text;

/// The most non-empty cells read from one sheet (about 50,000 communes of 100 columns).
const MAX_CELLS: usize = 5_000_000;

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
    // Read the cells that hold something, one by one: a stray cell far away (XFD1048576) must not
    // make a dense sheet of billions of cells.
    let mut cells: Vec<((u32, u32), Data)> = Vec::new();
    {
        let unreadable = |e: calamine::XlsxError| {
            fail(
                format!("không đọc được trang tính «{name}»: {e}"),
                format!("cannot read sheet «{name}»: {e}"),
            )
        };
        let mut reader = wb.worksheet_cells_reader(&name).map_err(unreadable)?;
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let value: Data = cell.get_value().clone().into();
            if !matches!(value, Data::Empty) {
                cells.push((cell.get_position(), value));
            }
            if cells.len() > MAX_CELLS {
                return Err(fail(
                    format!(
                        "trang tính «{name}» có hơn {MAX_CELLS} ô có dữ liệu: hãy chia nhỏ tệp"
                    ),
                    format!(
                        "sheet «{name}» has more than {MAX_CELLS} non-empty cells: split the file"
                    ),
                ));
            }
        }
    }
    cells.sort_by_key(|(pos, _)| *pos);
    // Styles tell which numbers are shown as percentages; without them, numbers are read as they are.
    let styles = wb.worksheet_style(&name).ok();
    let merged = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let Some(col0) = cells.iter().map(|((_, c), _)| *c).min() else {
        return Ok(Box::new(std::iter::empty()));
    };
    // The header row (the one naming the code column) sets the width; cells right of it are ignored.
    let header_row = cells
        .iter()
        .find(|(_, v)| is_code_header(&text(v, false)))
        .map(|((r, _), _)| *r);
    let width = |row: u32| {
        cells
            .iter()
            .filter(|((r, _), _)| *r == row)
            .map(|((_, c), _)| c + 1 - col0)
            .max()
            .unwrap_or(0)
    };
    let fixed_width = header_row.map(width);
    let mut recs = Vec::new();
    let mut k = 0;
    while k < cells.len() {
        let r = cells[k].0.0;
        let end = k + cells[k..]
            .iter()
            .take_while(|((row, _), _)| *row == r)
            .count();
        let own = cells[k..end]
            .iter()
            .map(|((_, c), _)| c + 1 - col0)
            .max()
            .unwrap_or(0);
        let n = fixed_width.unwrap_or(own) as usize;
        let mut values = vec![String::new(); n];
        let refs: Vec<String> = (0..n)
            .map(|j| format!("{name}!{}{}", column_letters(col0 as usize + j), r + 1))
            .collect();
        while k < cells.len() && cells[k].0.0 == r {
            let ((_, c), v) = &cells[k];
            let j = (c - col0) as usize;
            if j < n {
                let percent = styles
                    .as_ref()
                    .and_then(|s| s.get((r, *c)))
                    .and_then(|st| st.number_format.as_ref())
                    .is_some_and(|f| f.format_code.contains('%'));
                values[j] = text(v, percent);
            }
            k += 1;
        }
        recs.push((r, values, refs));
    }
    // Merged cells in the header row cannot be told apart: refuse them with their place.
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
