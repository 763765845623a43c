//! Reading a sheet of an Excel workbook (`.xlsx`) as records, with the same column ids and reading
//! rules as CSV. Each cell keeps its type: a number stays a number (a percentage format is applied:
//! 0.855 shown as 85,5 % is read as 85.5), a date, an error or a formula without a stored result is
//! named as such and refused by the cell reader, never read as the number behind it. Cells are named
//! as in Excel (`Sheet1!F12`).
//!
//! What is read is bounded: the workbook's parts are checked against their declared sizes before any
//! is unpacked (a small file can hold gigabytes of text), and a cell longer than Excel itself allows is
//! refused.

use std::io::Read;
use std::path::Path;

use calamine::{DataRef, Reader as _, SheetVisible, Xlsx, open_workbook};

use super::record::{Fields, Rec, Records, Typed, column_letters};
use crate::diag::Problem;
use crate::i18n::Text;

/// The most non-empty cells read from one sheet (about 50,000 communes of 100 columns).
const MAX_CELLS: usize = 5_000_000;
/// The largest part of a workbook unpacked (a sheet, the shared strings), and all of them together.
const MAX_PART: u64 = 256 << 20;
const MAX_TOTAL: u64 = 512 << 20;
/// Excel's own limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// What a file is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A zip archive: an Excel workbook (.xlsx, .xlsm), or another zipped document.
    Zip,
    /// An OLE2 compound file: an Excel 97–2003 workbook (.xls).
    OldExcel,
    /// Anything else: read as text (CSV).
    Text,
}

/// What the file at `path` is, from its first bytes (`Text` when it cannot be read: the CSV reader
/// then says why).
pub fn sniff(path: &Path) -> Sniffed {
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path)
        .and_then(|mut f| {
            let mut n = 0;
            while n < head.len() {
                match f.read(&mut head[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok(n)
        })
        .unwrap_or(0);
    match &head[..n] {
        [b'P', b'K', 3, 4, ..] => Sniffed::Zip,
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] => Sniffed::OldExcel,
        _ => Sniffed::Text,
    }
}

/// Whether a path names a workbook by its extension.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm" | "xls"))
}

/// Records of a workbook, with the notes about how it was read (which sheet, of how many).
pub struct Sheet {
    pub records: Records,
    pub notes: Vec<Problem>,
}

/// The records of `sheet` (or the first visible sheet) of the workbook at `path`.
pub fn records(path: &Path, sheet: Option<&str>, file: &str) -> Result<Sheet, Box<Problem>> {
    let fail = |vi: String, en: String| Box::new(Problem::error("xlsx", file, Text::new(vi, en)));
    bounded(path, file)?;
    let mut wb: Xlsx<_> = open_workbook(path).map_err(|e| {
        fail(
            format!("không mở được tệp Excel (.xlsx): {e}"),
            format!("cannot open the Excel (.xlsx) file: {e}"),
        )
    })?;
    let meta = wb.sheets_metadata().to_vec();
    let names: Vec<String> = meta.iter().map(|s| s.name.clone()).collect();
    let mut notes = Vec::new();
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
        None => {
            let visible = meta
                .iter()
                .find(|s| s.visible == SheetVisible::Visible)
                .ok_or_else(|| {
                    fail(
                        "tệp Excel không có trang tính nào đang hiện".into(),
                        "the workbook has no visible sheet".into(),
                    )
                })?;
            let hidden: Vec<&str> = meta
                .iter()
                .take_while(|s| s.name != visible.name)
                .map(|s| s.name.as_str())
                .collect();
            if names.len() > 1 {
                let (vi_hidden, en_hidden) = if hidden.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!(" (bỏ qua trang ẩn {} đứng trước)", hidden.join(", ")),
                        format!(
                            " (skipping the hidden sheet {} before it)",
                            hidden.join(", ")
                        ),
                    )
                };
                notes.push(Problem::warning(
                    "sheet",
                    file,
                    Text::new(
                        format!(
                            "sổ có {} trang tính ({}): đọc trang «{}», trang đầu tiên đang hiện{vi_hidden}; chọn trang khác bằng --sheet",
                            names.len(),
                            names.join(", "),
                            visible.name
                        ),
                        format!(
                            "the workbook has {} sheets ({}): reading «{}», the first visible one{en_hidden}; pick another with --sheet",
                            names.len(),
                            names.join(", "),
                            visible.name
                        ),
                    ),
                ));
            }
            visible.name.clone()
        }
    };
    let unreadable = |e: calamine::XlsxError| {
        fail(
            format!("không đọc được trang tính «{name}»: {e}"),
            format!("cannot read sheet «{name}»: {e}"),
        )
    };
    // Read the cells that hold something, one by one: a stray cell far away (XFD1048576) must not
    // make a dense sheet of billions of cells. Cells present but empty may be formulas whose result
    // the file does not store: their places are kept to look for formulas afterwards.
    let mut cells: Vec<((u32, u32), Typed, String)> = Vec::new();
    let mut blank: Vec<(u32, u32)> = Vec::new();
    {
        let mut reader = wb.worksheet_cells_reader(&name).map_err(unreadable)?;
        let percent: Vec<bool> = reader
            .styles()
            .iter()
            .map(|st| {
                st.number_format
                    .as_ref()
                    .is_some_and(|f| f.format_code.contains('%'))
            })
            .collect();
        while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(unreadable)? {
            let pos = cell.get_position();
            let pct = percent.get(style).copied().unwrap_or(false);
            let (typed, text) = match cell.get_value() {
                DataRef::Empty => {
                    blank.push(pos);
                    continue;
                }
                DataRef::String(s) => (Typed::Text, s.clone()),
                DataRef::SharedString(s) => (Typed::Text, s.to_string()),
                DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => (Typed::Text, s.clone()),
                DataRef::Float(f) => number(*f, pct),
                DataRef::Int(i) => number(*i as f64, pct),
                DataRef::Bool(b) => (Typed::Bool(*b), (if *b { "TRUE" } else { "FALSE" }).into()),
                DataRef::DateTime(d) => (Typed::Date(d.as_f64()), d.as_f64().to_string()),
                DataRef::Error(e) => (Typed::Error, e.to_string()),
            };
            if text.chars().count() > MAX_CELL_CHARS {
                return Err(Box::new(
                    Problem::error(
                        "xlsx-cell",
                        file,
                        Text::new(
                            format!(
                                "ô {name}!{}{} dài hơn {MAX_CELL_CHARS} ký tự, giới hạn của chính Excel: tệp không phải bảng số liệu xã",
                                column_letters(pos.1 as usize),
                                pos.0 + 1
                            ),
                            format!(
                                "cell {name}!{}{} is longer than {MAX_CELL_CHARS} characters, Excel's own limit: the file is not a table of commune data",
                                column_letters(pos.1 as usize),
                                pos.0 + 1
                            ),
                        ),
                    )
                    .at(pos.0 as usize + 1, None),
                ));
            }
            cells.push((pos, typed, text));
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
    if !blank.is_empty() {
        // Only files written by programs that do not compute formulas have such cells: look once.
        let mut reader = wb.worksheet_cells_reader(&name).map_err(unreadable)?;
        blank.sort_unstable();
        while let Some(f) = reader.next_formula().map_err(unreadable)? {
            if !f.get_value().is_empty() && blank.binary_search(&f.get_position()).is_ok() {
                cells.push((f.get_position(), Typed::Formula, f.get_value().clone()));
            }
        }
    }
    cells.sort_by_key(|(pos, _, _)| *pos);
    let merged = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let Some(col0) = cells.iter().map(|((_, c), _, _)| *c).min() else {
        return Ok(Sheet {
            records: Box::new(std::iter::empty()),
            notes,
        });
    };
    // The header row (the one naming the code column) sets the width; cells right of it are ignored.
    let header_row = cells
        .iter()
        .find(|(_, t, v)| *t == Typed::Text && is_code_header(v))
        .map(|((r, _), _, _)| *r);
    let width = |row: u32| {
        cells
            .iter()
            .filter(|((r, _), _, _)| *r == row)
            .map(|((_, c), _, _)| c + 1 - col0)
            .max()
            .unwrap_or(0)
    };
    let fixed_width = header_row.map(width);
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
    // Rows are built as they are asked for, from the cells in row order.
    let mut cells = cells.into_iter().peekable();
    let records = std::iter::from_fn(move || {
        let ((r, _), _, _) = cells.peek()?;
        let r = *r;
        let mut row = Vec::new();
        while let Some(c) = cells.next_if(|((row, _), _, _)| *row == r) {
            row.push(c);
        }
        let own = row
            .iter()
            .map(|((_, c), _, _)| c + 1 - col0)
            .max()
            .unwrap_or(0);
        let n = fixed_width.unwrap_or(own) as usize;
        let mut values = vec![String::new(); n];
        let mut typed = vec![Typed::Text; n];
        for ((_, c), t, v) in row {
            let j = (c - col0) as usize;
            if j < n {
                values[j] = v;
                typed[j] = t;
            }
        }
        let name = name.clone();
        let refs = (0..n)
            .map(|j| format!("{name}!{}{}", column_letters(col0 as usize + j), r + 1))
            .collect();
        Some(Ok(Rec {
            line: r as usize + 1,
            fields: Fields::Cells {
                values,
                typed,
                refs,
            },
        }))
    });
    Ok(Sheet {
        records: Box::new(records),
        notes,
    })
}

/// A number cell: its value, and its text as a header or a code would be read from it.
fn number(f: f64, percent: bool) -> (Typed, String) {
    let text = if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    };
    (Typed::Number { value: f, percent }, text)
}

/// Refuse a workbook whose parts, unpacked, would be larger than any table of communes: their sizes
/// are declared in the archive, and the unzipping refuses a part that runs past its declared size.
fn bounded(path: &Path, file: &str) -> Result<(), Box<Problem>> {
    let fail = |vi: String, en: String| Box::new(Problem::error("xlsx", file, Text::new(vi, en)));
    let f = std::fs::File::open(path).map_err(|e| {
        fail(
            format!("không đọc được tệp: {e}"),
            format!("cannot read the file: {e}"),
        )
    })?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(|e| {
        fail(
            format!("tệp không phải sổ Excel .xlsx hợp lệ (bị hỏng hoặc bị cắt): {e}"),
            format!("the file is not a valid .xlsx workbook (damaged or cut short): {e}"),
        )
    })?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(|e| {
            fail(
                format!("tệp Excel bị hỏng: {e}"),
                format!("the Excel file is damaged: {e}"),
            )
        })?;
        let size = part.size();
        let part_name = part.name().map(|n| n.into_owned()).unwrap_or_default();
        total = total.saturating_add(size);
        if size > MAX_PART || total > MAX_TOTAL {
            let mib = |b: u64| b >> 20;
            return Err(fail(
                format!(
                    "tệp Excel khi giải nén quá lớn (phần {} là {} MiB; giới hạn {} MiB mỗi phần, {} MiB cả tệp): không phải một bảng số liệu xã",
                    part_name,
                    mib(size),
                    mib(MAX_PART),
                    mib(MAX_TOTAL)
                ),
                format!(
                    "the Excel file is too large once unpacked (part {} is {} MiB; the limits are {} MiB a part, {} MiB in all): not a table of commune data",
                    part_name,
                    mib(size),
                    mib(MAX_PART),
                    mib(MAX_TOTAL)
                ),
            ));
        }
    }
    Ok(())
}

fn is_code_header(f: &str) -> bool {
    matches!(
        super::cell::fold(f).replace(' ', "_").as_str(),
        "ma_xa" | "ma_huyen"
    )
}
