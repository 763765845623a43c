//! Reading a sheet of an Excel workbook (`.xlsx`) as records, with the same column ids and reading
//! rules as CSV. Each cell keeps its type: a number stays a number (a percentage format is applied:
//! 0.855 shown as 85,5 % is read as 85.5), a date, an error or a formula without a stored result is
//! named as such and refused by the cell reader, never read as the number behind it. Cells are named
//! as in Excel (`Sheet1!F12`).
//!
//! calamine opens the workbook (its sheets, styles, dates); the cells of a plain sheet are read by a
//! byte scanner of ntm's own (`cells`), several times faster than calamine's reader and giving the
//! very same cells, which hands the rest of the sheet over to calamine at the first thing it is not
//! certain calamine reads as it would.
//!
//! What is read is bounded: the workbook's parts are checked against their declared sizes before any
//! is unpacked (a small file can hold gigabytes of text), and a cell longer than Excel itself allows is
//! refused.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::TryRecvError;

use calamine::{DataRef, Reader as _, SheetVisible, Xlsx, XlsxError};

use super::record::{Fields, Rec, Records, Typed, column_letters};

mod cells;
mod merges;
mod parts;
use crate::diag::Problem;
use crate::i18n::Text;

/// The most non-empty cells read from one sheet (about 50,000 communes of 100 columns).
const MAX_CELLS: usize = 5_000_000;
/// The largest part of a workbook unpacked (a sheet, the shared strings), and all of them together.
const MAX_PART: u64 = 256 << 20;
const MAX_TOTAL: u64 = 512 << 20;
/// Excel's columns (A to XFD) and rows.
const MAX_COLUMNS: u32 = 16_384;
const MAX_ROWS: u32 = 1_048_576;
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

/// The records of `sheet` (or the first visible sheet) of the workbook at `path`: the sheet that
/// [`look_ahead`] opened with the same arguments, if the file has not changed since, else opened now.
pub fn records(path: &Path, sheet: Option<&str>, file: &str) -> Result<Sheet, Box<Problem>> {
    if let Some(ahead) = Opened::of(path, sheet, file).and_then(|k| k.take()) {
        return Ok(Sheet {
            records: Box::new(ahead.seen.into_iter().chain(ahead.rest)),
            notes: ahead.notes,
        });
    }
    open(path, sheet, file, true)
}

/// Look at the first records of a sheet before it is read (to learn its year): `look` is given each
/// record in turn, at most `most` of them, until it returns what it looks for or a record cannot be
/// read. The sheet is opened as [`records`] opens it, and is kept open with the records looked at,
/// for the [`records`] that follows with the same arguments: the workbook is opened, its shared
/// strings read and its sheet unpacked once, not once for the look and again for the run.
pub fn look_ahead<T>(
    path: &Path,
    sheet: Option<&str>,
    file: &str,
    most: usize,
    mut look: impl FnMut(&Rec) -> Option<T>,
) -> Option<T> {
    let key = Opened::of(path, sheet, file);
    let mut ahead = match key.as_ref().and_then(Opened::take) {
        Some(a) => a,
        None => {
            let s = open(path, sheet, file, true).ok()?;
            Ahead {
                seen: Vec::new(),
                rest: s.records,
                notes: s.notes,
            }
        }
    };
    // Records looked at are kept for the run, up to a bound: past it, the look goes on without
    // keeping them, and the run opens the sheet again.
    let mut keep = key.is_some();
    let mut spare: Option<Item> = None;
    let mut looked = 0;
    let found = loop {
        if looked == most {
            break None;
        }
        let item = if looked < ahead.seen.len() {
            &ahead.seen[looked]
        } else {
            let Some(item) = ahead.rest.next() else {
                break None;
            };
            if keep && ahead.seen.len() < KEEP_AHEAD {
                ahead.seen.push(item);
                &ahead.seen[looked]
            } else {
                keep = false;
                ahead.seen.clear();
                &*spare.insert(item)
            }
        };
        looked += 1;
        match item {
            Ok(rec) => {
                if let Some(t) = look(rec) {
                    break Some(t);
                }
            }
            Err(_) => break None,
        }
    };
    if let (true, Some(key)) = (keep, key) {
        key.keep(ahead);
    }
    found
}

/// The most records [`look_ahead`] keeps for the run.
const KEEP_AHEAD: usize = 1024;

/// A sheet opened by [`look_ahead`]: the records it looked at, the rest as the reading thread sends
/// them, and the notes of the opening.
struct Ahead {
    seen: Vec<Item>,
    rest: Records,
    notes: Vec<Problem>,
}

/// Which sheet [`look_ahead`] opened: the file as it was ([`FileState`]: another file put in its
/// place is another key), the sheet asked and the file's name in messages.
///
/// [`FileState`]: crate::input::files::FileState
#[derive(PartialEq)]
struct Opened {
    state: crate::input::files::FileState,
    sheet: Option<String>,
    file: String,
}

/// Tests that open sheets through [`look_ahead`] (here and in `input::table`) share the one sheet
/// kept open: they take this first, one at a time.
#[cfg(test)]
pub(crate) static KEPT_SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The one sheet kept open by [`look_ahead`] for the [`records`] that follows (a newer one replaces
/// it; dropping it stops its reading thread).
static KEPT: std::sync::Mutex<Option<(Opened, Ahead)>> = std::sync::Mutex::new(None);

impl Opened {
    fn of(path: &Path, sheet: Option<&str>, file: &str) -> Option<Self> {
        Some(Opened {
            state: crate::input::files::FileState::of(path)?,
            sheet: sheet.map(str::to_string),
            file: file.to_string(),
        })
    }

    /// The sheet kept open under this key, taken out.
    fn take(&self) -> Option<Ahead> {
        let mut slot = KEPT.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_some_and(|(k, _)| k == self) {
            slot.take().map(|(_, a)| a)
        } else {
            None
        }
    }

    fn keep(self, ahead: Ahead) {
        let old = KEPT
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace((self, ahead));
        drop(old);
    }
}

/// The records of the sheet read again, to look through its cells (for the file's decimal mark)
/// after [`records`] has begun: the header's merged cells, checked by that first reading before any
/// row, are not looked for again, so that no row waits for them.
pub fn rescan(path: &Path, sheet: Option<&str>) -> Option<Records> {
    open(path, sheet, "", false).ok().map(|s| s.records)
}

fn open(
    path: &Path,
    sheet: Option<&str>,
    file: &str,
    merged_header: bool,
) -> Result<Sheet, Box<Problem>> {
    let fail = |vi: String, en: String| Box::new(Problem::error("xlsx", file, Text::new(vi, en)));
    bounded(path, file)?;
    // What the fast cell reader needs is read meanwhile.
    let prepared = {
        let at = path.to_path_buf();
        std::thread::Builder::new()
            .name("xlsx-parts".into())
            .spawn(move || prepare(&at))
            .ok()
    };
    let seeks = Seeks::default();
    let opened = File::open(path)
        .map_err(XlsxError::Io)
        .and_then(|f| Xlsx::new(Tracked::new(BufReader::new(f), seeks.clone())));
    let wb: Xlsx<Tracked> = opened.map_err(|e| {
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
    // The rows are read as they are asked for, by a thread that owns the workbook: the sheet is never
    // held whole. At most a few dozen rows wait between the two.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Item>>(4);
    let file = file.to_string();
    let at = path.to_path_buf();
    std::thread::Builder::new()
        .name(READER_THREAD.into())
        .spawn(move || {
            let mut out = Out::new(tx);
            let sheet = name.clone();
            let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let how = How {
                    path: at,
                    seeks,
                    prepared,
                    merged_header,
                };
                stream(wb, how, name, &file, &mut out)
            }));
            // calamine can panic on a malformed sheet (a cell reference of seven letters overflows
            // its column number; ntm builds calamine with overflow checks even in release, so that
            // such a reference stops here instead of landing on another cell). The rows already sent
            // stand; the error says the sheet was not read to the end, never cut short in silence.
            if read.is_err() {
                out.send(Err(Box::new(Problem::error(
                    "xlsx",
                    &file,
                    Text::new(
                        format!("trang tính «{sheet}» hỏng: thư viện đọc Excel (calamine) dừng giữa chừng, trang không đọc hết được (ô có địa chỉ sai?). Hãy mở tệp bằng Excel và lưu lại"),
                        format!("sheet «{sheet}» is damaged: the Excel reader (calamine) stopped part way, the sheet could not be read to the end (a malformed cell reference?). Open the file in Excel and save it again"),
                    ),
                ))));
            }
        })
        .map_err(|e| {
            fail(
                format!("không đọc được tệp Excel: {e}"),
                format!("cannot read the Excel file: {e}"),
            )
        })?;
    Ok(Sheet {
        records: Box::new(rx.into_iter().flatten()),
        notes,
    })
}

/// How a sheet is read besides by calamine: the workbook's path, calamine's seeks in it (which tell
/// the sheet's part), the parts read for the fast reader, whether the header is checked for merged
/// cells.
struct How {
    path: std::path::PathBuf,
    seeks: Seeks,
    prepared: Option<std::thread::JoinHandle<Prepared>>,
    merged_header: bool,
}

/// The name of the thread that reads a sheet: a panic there (in calamine) is reported as a refused
/// sheet, so the program's panic hook may keep quiet about it.
pub const READER_THREAD: &str = "ntm-xlsx-reader";

/// One row of cells as read: (column, type, text).
type Cells = Vec<(u32, Typed, String)>;

/// A row as read, or why it is refused (its cells not each in their own place).
type Row = Result<Cells, Box<Problem>>;

/// The most rows held above the header until it is found (`input::table` takes a header within the
/// first 21 rows): past them, rows go on without waiting for one.
const ABOVE: usize = 32;

/// The identifying columns of the header row: its code columns and its year column, and its
/// non-empty cells.
#[derive(Default)]
struct Named {
    code: Vec<u32>,
    year: Option<u32>,
    filled: usize,
}

impl Named {
    fn of(cells: &Cells) -> Self {
        let text = |(_, t, _): &&(u32, Typed, String)| *t == Typed::Text;
        Named {
            code: cells
                .iter()
                .filter(|c| text(c) && is_code_header(&c.2))
                .map(|c| c.0)
                .collect(),
            year: cells
                .iter()
                .find(|c| text(c) && super::header::is_year(&c.2))
                .map(|c| c.0),
            filled: cells.iter().filter(|c| !c.2.trim().is_empty()).count(),
        }
    }
}

/// A cell as a message shows it.
fn shown(t: &Typed, v: &str) -> String {
    match t {
        Typed::Number { value, .. } => super::record::number_text(*value),
        _ => v.to_string(),
    }
}

/// Why row `r` (0-based), above the header row `h`, is refused, if it holds a unit's data.
///
/// The rule: a row above the header holds a unit's data when it has a cell in a code column and,
/// - the header having a year column, a year (a whole number from 1900 to 2200) in that column;
/// - else, cells under at least half of the header's named columns (and at least three).
///
/// A title, merged or not, fills one cell or two and never holds a bare year: it goes on, and the
/// table skips it as before. A commune's row there would be skipped with it, in silence.
fn above_header(
    cells: &Cells,
    r: u32,
    h: u32,
    named: &Named,
    sheet: &str,
    file: &str,
) -> Option<Box<Problem>> {
    let at = |c: u32| {
        cells
            .iter()
            .find(|x| x.0 == c)
            .filter(|x| x.1 != Typed::Text || !x.2.trim().is_empty())
    };
    let code = named.code.iter().find_map(|&c| at(c))?;
    let cell = |c: u32| format!("{sheet}!{}{}", column_letters(c as usize), r + 1);
    let (vi_year, en_year) = match named.year {
        Some(y) => {
            let year = at(y).and_then(|(_, t, v)| match t {
                Typed::Number { value, .. } => Some(*value),
                Typed::Text => v.trim().parse::<f64>().ok(),
                _ => None,
            });
            let year = year.filter(|y| y.fract() == 0.0 && (1900.0..=2200.0).contains(y))?;
            (
                format!(", ô {} năm {year}", cell(y)),
                format!(", cell {} year {year}", cell(y)),
            )
        }
        None => {
            let filled = cells
                .iter()
                .filter(|c| !shown(&c.1, &c.2).trim().is_empty());
            if filled.count() * 2 < named.filled.max(6) {
                return None;
            }
            (String::new(), String::new())
        }
    };
    let found = shown(&code.1, &code.2);
    Some(Box::new(
        Problem::error(
            "above-header",
            file,
            Text::new(
                format!(
                    "dòng {} nằm trên dòng tiêu đề (dòng {}) nhưng có số liệu của một đơn vị (ô {} mã «{found}»{vi_year}): dòng này không được chấm; hãy chuyển nó xuống dưới dòng tiêu đề",
                    r + 1,
                    h + 1,
                    cell(code.0)
                ),
                format!(
                    "row {} is above the header row (row {}) but holds a unit's data (cell {} code «{found}»{en_year}): it is not scored; move it below the header row",
                    r + 1,
                    h + 1,
                    cell(code.0)
                ),
            ),
        )
        .at(r as usize + 1, None)
        .found(found),
    ))
}

/// The refusal of the row of the cell at `pos`: met again (`earlier`: what the first one held), or
/// after a later row (`earlier` `None`; `last`: the row met before).
fn misplaced_cell(
    pos: (u32, u32),
    last: Option<(u32, u32)>,
    earlier: Option<String>,
    now: String,
    sheet: &str,
    file: &str,
) -> Box<Problem> {
    let r = pos.0 + 1;
    let cell = format!("{sheet}!{}{r}", column_letters(pos.1 as usize));
    let (vi, en) = match earlier {
        Some(first) => (
            format!(
                "trang tính «{sheet}» hỏng: ô {cell} có hai lần («{first}» rồi «{now}»; hai ô cùng một địa chỉ, hoặc dòng {r} được ghi hai lần): dòng {r} không được chấm, không lấy giá trị nào trong hai; hãy sửa tệp"
            ),
            format!(
                "sheet «{sheet}» is damaged: cell {cell} appears twice («{first}», then «{now}»; two cells with one address, or row {r} written twice): row {r} is not scored, neither value is taken; fix the file"
            ),
        ),
        None => {
            let after = last.map_or(0, |l| l.0 + 1);
            (
                format!(
                    "trang tính «{sheet}» hỏng: dòng {r} (ô {cell}) đứng sau dòng {after}, các dòng phải theo thứ tự, mỗi dòng một lần (dòng {r} được ghi hai lần?): dòng {r} ở chỗ này không được chấm; hãy sửa tệp"
                ),
                format!(
                    "sheet «{sheet}» is damaged: row {r} (cell {cell}) comes after row {after}, rows must come in order, each once (row {r} written twice?): row {r} at this place is not scored; fix the file"
                ),
            )
        }
    };
    Box::new(
        Problem::error("xlsx-cell", file, Text::new(vi, en))
            .at(r as usize, None)
            .found(now),
    )
}

/// The digits of a number format made of zeros only (`00000`: 5), the format Excel shows a code's
/// leading zeros with.
fn zeros_format(code: &str) -> Option<usize> {
    (!code.is_empty() && code.len() <= 30 && code.bytes().all(|b| b == b'0')).then_some(code.len())
}

/// A whole number from 0 as Excel shows it under a format of `digits` zeros (6235 under `00000`:
/// `06235`); `None` for any other number, read as it stands.
fn padded(f: f64, digits: usize) -> Option<String> {
    (f.fract() == 0.0 && (0.0..1e15).contains(&f)).then(|| format!("{:0digits$}", f as u64))
}

/// Read the sheet's cells in order and send its rows to `tx` (until the receiver stops asking).
///
/// Rows go as soon as they are complete, with two exceptions, so that they still go in order and each
/// cell is named for what it is. Until the merged ranges are known (from `merges`), rows wait: a header
/// row with merged cells is refused. And cells present but empty may be formulas whose result the file
/// does not store, which only a pass over the formulas tells: from such a row on, rows wait for that
/// second look.
fn stream(mut wb: Xlsx<Tracked>, how: How, name: String, file: &str, tx: &mut Out) {
    let How {
        path,
        seeks,
        prepared,
        merged_header,
    } = how;
    let path = path.as_path();
    let fail = |vi: String, en: String| Box::new(Problem::error("xlsx", file, Text::new(vi, en)));
    let unreadable = |e: calamine::XlsxError| {
        fail(
            format!("không đọc được trang tính «{name}»: {e}"),
            format!("cannot read sheet «{name}»: {e}"),
        )
    };
    let sheet: Arc<str> = name.as_str().into();
    let mut header: Option<(u32, u32)> = None; // (row, width)
    // The header's code columns (`ma_xa`, `ma_huyen`) and year column, once it is known.
    let mut named = Named::default();
    // Rows above the header, held until it is known (at most `ABOVE` of them, `None` once they no
    // longer are): a row of a unit's data there is refused, not left for a title (see `above_header`).
    let mut above: Option<Vec<(u32, Row)>> = Some(Vec::new());
    let mut refused_above: Vec<Box<Problem>> = Vec::new();
    let mut waiting: Vec<(u32, Row)> = Vec::new();
    // Where the cells stand: the last row met and its rightmost cell so far, and the refusal of a row
    // whose cells are not each in their own place (see `misplaced`).
    let mut last_at: Option<(u32, u32)> = None;
    let mut misplaced: Option<(u32, Box<Problem>)> = None;
    let mut blank: Vec<(u32, u32)> = Vec::new();
    let mut wait = false;
    let mut count = 0usize;
    let is_1904 = wb.has_1904_epoch();
    let mut pending;
    {
        // calamine opens the sheet first (and refuses its start, if it must); which part of the archive
        // it opened is told by where it went in the file.
        seeks.record(true);
        let (percent, calamine_styles, mut slow) = match wb.worksheet_cells_reader(&name) {
            Ok(r) => {
                let styles = r.styles();
                let pair = (
                    styles
                        .iter()
                        .map(|st| {
                            st.number_format
                                .as_ref()
                                .is_some_and(|f| parts::scales_by_100(&f.format_code))
                        })
                        .collect::<Vec<bool>>(),
                    styles
                        .iter()
                        .map(|st| {
                            st.number_format
                                .as_ref()
                                .map(|f| (f.format_id, f.format_code.clone()))
                        })
                        .collect::<Vec<_>>(),
                );
                (pair.0, pair.1, r)
            }
            Err(e) => {
                seeks.record(false);
                tx.send(Err(unreadable(e)));
                return;
            }
        };
        let offsets = seeks.record(false);
        // For each style, the digits of its number format when it is only zeros (`00000`).
        let zeros: Vec<Option<usize>> = calamine_styles
            .iter()
            .map(|f| f.as_ref().and_then(|(_, code)| zeros_format(code)))
            .collect();
        // The sheet is unpacked by a thread of its own, its bytes going to the fast cell reader here.
        let (merges_tx, merges) = std::sync::mpsc::sync_channel(1);
        let (piece_tx, pieces) = std::sync::mpsc::sync_channel(AHEAD);
        let (back, free) = std::sync::mpsc::channel();
        let prepared = prepared.and_then(|h| h.join().ok()).flatten();
        let fast = fast_parts(path, &offsets, &calamine_styles, prepared);
        // Meanwhile another thread finds the merged ranges, which the sheet lists after its rows: it
        // unpacks the sheet on its own, to its end, keeping nothing but the list, so that they are known
        // long before the cells are all read (the rows wait for them, see above).
        let (at, sheet_name) = (path.to_path_buf(), name.clone());
        let entry = fast.as_ref().map(|f| f.2);
        // They are found once a run for a file: reading the start of the file for its year, then the
        // file, need not unpack it twice for them.
        let known = entry
            .filter(|_| merged_header)
            .and_then(|e| merges::Known::of(path, e));
        if !merged_header {
            drop(merges_tx);
        } else if let Some(found) = known.as_ref().and_then(merges::Known::get) {
            let _ = merges_tx.send(found);
        } else {
            let _ = std::thread::Builder::new()
                .name("xlsx-merges".into())
                .spawn(move || {
                    let found = match entry {
                        Some(entry) => merges::of_entry(&at, entry),
                        None => merges::of_sheet(&at, &sheet_name),
                    };
                    if let Some(k) = known {
                        k.keep(found.clone());
                    }
                    merges_tx.send(found)
                });
        }
        let unpacking = match &fast {
            Some((_, _, entry)) => {
                let (at, entry) = (path.to_path_buf(), *entry);
                std::thread::Builder::new()
                    .name("xlsx-unpack".into())
                    .spawn(move || unpack(&at, entry, piece_tx, free))
                    .is_ok()
            }
            None => false,
        };
        // The merged ranges, until they are known.
        pending = Some(merges);
        let fast_cells = match (&fast, unpacking) {
            (Some((strings, dates, _)), true) => {
                cells::Cells::new(cells::Feed::new(pieces, back), strings, dates, is_1904)
            }
            _ => None,
        };
        // calamine's reader, opened above, reads the cells the fast one does not.
        let mut source = match fast_cells {
            Some(c) => Source::Fast(c),
            None => Source::Slow(0),
        };
        let mut row: Option<(u32, Cells)> = None;
        // The cells of the row before.
        let mut last = 0usize;
        loop {
            let next = loop {
                match &mut source {
                    Source::Fast(c) => match c.next() {
                        cells::Step::Cell(pos, value, style) => break Some((pos, value, style)),
                        cells::Step::End => break None,
                        cells::Step::Bail => {
                            // calamine reads the rest, from the cell not read here.
                            source = Source::Slow(c.given());
                        }
                    },
                    Source::Slow(skip) => match slow.next_cell_with_style_id() {
                        Ok(Some((cell, style))) => {
                            if *skip > 0 {
                                *skip -= 1;
                                continue;
                            }
                            break Some((cell.get_position(), cell.get_value().clone(), style));
                        }
                        Ok(None) => break None,
                        Err(e) => {
                            tx.send(Err(unreadable(e)));
                            return;
                        }
                    },
                }
            };
            let at = next.as_ref().map(|(p, _, _)| p.0);
            // A row is complete when the next cell is on another row (or there is none).
            if row.as_ref().is_some_and(|(r, _)| Some(*r) != at)
                && let Some((r, cells)) = row.take()
            {
                last = cells.len();
                let row_read: Row = match misplaced.take() {
                    Some((mr, p)) if mr == r => Err(p),
                    _ => Ok(cells),
                };
                let is_header = header.is_none()
                    && row_read.as_ref().is_ok_and(|cells| {
                        cells
                            .iter()
                            .any(|(_, t, v)| *t == Typed::Text && is_code_header(v))
                    });
                if let (true, Ok(cells)) = (is_header, &row_read) {
                    let width = cells.iter().map(|(c, _, _)| c + 1).max().unwrap_or(0);
                    header = Some((r, width));
                    named = Named::of(cells);
                    // The rows held above it: a unit's data is refused there, titles go on.
                    for (a, held) in above.take().unwrap_or_default() {
                        match held {
                            Ok(cells) => match above_header(&cells, a, r, &named, &name, file) {
                                Some(p) => refused_above.push(p),
                                None => waiting.push((a, Ok(cells))),
                            },
                            Err(p) => waiting.push((a, Err(p))),
                        }
                    }
                }
                let past_header = header.is_some_and(|(h, _)| r > h);
                // This row's empty cells, if any, are the last ones met.
                if past_header && blank.last().is_some_and(|(br, _)| *br == r) {
                    wait = true;
                }
                match above.as_mut() {
                    Some(held) if header.is_none() && held.len() < ABOVE => {
                        held.push((r, row_read));
                    }
                    Some(_) if header.is_none() => {
                        // No header in sight: the rows held go on as they would have.
                        waiting.extend(above.take().unwrap_or_default());
                        waiting.push((r, row_read));
                    }
                    _ => waiting.push((r, row_read)),
                }
                if let Some(rx) = &pending {
                    // Past a few hundred rows, wait for the merged ranges rather than hold more rows
                    // (and leave the core to the thread that looks for them).
                    let got = if waiting.len() >= HOLD {
                        rx.recv().map_err(|_| TryRecvError::Disconnected)
                    } else {
                        rx.try_recv()
                    };
                    match got {
                        Ok(spans) => {
                            pending = None;
                            if let Err(p) = header_unmerged(spans, header, &name, file) {
                                tx.send(Err(p));
                                return;
                            }
                        }
                        Err(TryRecvError::Empty) => {}
                        Err(TryRecvError::Disconnected) => pending = None,
                    }
                }
                if pending.is_none() && !wait {
                    for (r, row) in waiting.drain(..) {
                        if !tx.send(row.map(|cells| record(&sheet, r, cells, header))) {
                            return;
                        }
                    }
                }
            }
            let Some((pos, value, style)) = next else {
                break;
            };
            // Past Excel's last column (XFD) or row: not a sheet Excel wrote (and a row that wide
            // would be made of millions of empty cells).
            if pos.1 >= MAX_COLUMNS || pos.0 >= MAX_ROWS {
                tx.send(Err(fail(
                    format!(
                        "trang tính «{name}» có ô ngoài phạm vi của Excel (cột thứ {}, dòng {}; Excel có tối đa {MAX_COLUMNS} cột, {MAX_ROWS} dòng): tệp bị hỏng hoặc không do Excel tạo",
                        u64::from(pos.1) + 1,
                        u64::from(pos.0) + 1
                    ),
                    format!(
                        "sheet «{name}» has a cell outside Excel's range (column {}, row {}; Excel has at most {MAX_COLUMNS} columns, {MAX_ROWS} rows): the file is damaged or was not written by Excel",
                        u64::from(pos.1) + 1,
                        u64::from(pos.0) + 1
                    ),
                )));
                return;
            }
            // Each cell in its own place: rows in order, and a cell once. A row met after a later
            // one, or a cell met twice (two cells of one address, or one row written twice), leave
            // a row whose value cannot be told without picking one: that row is refused.
            let again = match last_at {
                Some((lr, _)) if pos.0 < lr => Some(None),
                Some((lr, lc)) if pos.0 == lr && pos.1 <= lc => {
                    let earlier = row
                        .as_ref()
                        .filter(|(r, _)| *r == pos.0)
                        .and_then(|(_, cells)| cells.iter().find(|c| c.0 == pos.1))
                        .map(|(_, t, v)| shown(t, v))
                        .or_else(|| {
                            blank
                                .iter()
                                .rev()
                                .take_while(|b| b.0 == pos.0)
                                .any(|b| *b == pos)
                                .then(String::new)
                        });
                    earlier.map(Some)
                }
                _ => None,
            };
            last_at = Some(match last_at {
                Some((lr, lc)) if pos.0 == lr => (lr, lc.max(pos.1)),
                Some((lr, lc)) if pos.0 < lr => (lr, lc),
                _ => pos,
            });
            let pct = percent.get(style).copied().unwrap_or(false);
            // A number in a code column shown with a format of zeros only (`00000`) is the code
            // Excel shows, leading zeros and all: 6235 under `00000` is 06235. Only there: a code is
            // text, whatever the cell stores; every other number is read as it stands.
            let code_digits = named
                .code
                .contains(&pos.1)
                .then(|| zeros.get(style).copied().flatten())
                .flatten()
                .filter(|_| header.is_some_and(|(h, _)| pos.0 > h));
            let empty = matches!(value, DataRef::Empty);
            let (typed, text) = match value {
                DataRef::Empty => (Typed::Text, String::new()),
                DataRef::String(s) => (Typed::Text, s),
                DataRef::SharedString(s) => (Typed::Text, s.to_string()),
                DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => (Typed::Text, s),
                DataRef::Float(f) => code_digits
                    .and_then(|n| padded(f, n))
                    .map_or_else(|| number(f, pct), |t| (Typed::Text, t)),
                DataRef::Int(i) => code_digits
                    .and_then(|n| padded(i as f64, n))
                    .map_or_else(|| number(i as f64, pct), |t| (Typed::Text, t)),
                DataRef::Bool(b) => (Typed::Bool(b), (if b { "TRUE" } else { "FALSE" }).into()),
                DataRef::DateTime(d) => (Typed::Date(d.as_f64()), d.as_f64().to_string()),
                DataRef::Error(e) => (Typed::Error, e.to_string()),
            };
            if let Some(earlier) = again
                && misplaced.as_ref().is_none_or(|(mr, _)| *mr != pos.0)
            {
                misplaced = Some((
                    pos.0,
                    misplaced_cell(pos, last_at, earlier, shown(&typed, &text), &name, file),
                ));
            }
            if empty {
                blank.push(pos);
                continue;
            }
            if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
                tx.send(Err(Box::new(
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
                )));
                return;
            }
            count += 1;
            if count > MAX_CELLS {
                tx.send(Err(fail(
                    format!(
                        "trang tính «{name}» có hơn {MAX_CELLS} ô có dữ liệu: hãy chia nhỏ tệp"
                    ),
                    format!(
                        "sheet «{name}» has more than {MAX_CELLS} non-empty cells: split the file"
                    ),
                )));
                return;
            }
            match &mut row {
                Some((r, cells)) if *r == pos.0 => cells.push((pos.1, typed, text)),
                _ => {
                    // Made as long as the row before: rows are alike, and a row grown a cell at a
                    // time is copied six times over at a hundred cells.
                    let mut cells = Vec::with_capacity(last);
                    cells.push((pos.1, typed, text));
                    row = Some((pos.0, cells));
                }
            }
        }
    }
    // Rows held for a header that never came go on as they would have.
    waiting.splice(0..0, above.take().unwrap_or_default());
    // Merged cells in the header row cannot be told apart: refuse them with their place.
    if let Some(rx) = pending
        && let Err(p) = header_unmerged(rx.recv().ok().flatten(), header, &name, file)
    {
        tx.send(Err(p));
        return;
    }
    // Cells present but empty in the rows waiting: formulas whose result the file does not store?
    let waiting_blank: Vec<(u32, u32)> = blank
        .into_iter()
        .filter(|(r, _)| waiting.iter().any(|(w, _)| w == r))
        .collect();
    if !waiting_blank.is_empty()
        && let Ok(mut reader) = wb.worksheet_cells_reader(&name)
    {
        while let Ok(Some(f)) = reader.next_formula() {
            let pos = f.get_position();
            if f.get_value().is_empty() || waiting_blank.binary_search(&pos).is_err() {
                continue;
            }
            if let Some((_, Ok(cells))) = waiting.iter_mut().find(|(r, _)| *r == pos.0) {
                cells.push((pos.1, Typed::Formula, f.get_value().clone()));
                cells.sort_by_key(|c| c.0);
            }
        }
    }
    for (r, row) in waiting {
        if !tx.send(row.map(|cells| record(&sheet, r, cells, header))) {
            return;
        }
    }
    // The rows of a unit's data above the header, last: each is listed as a row not scored. Before
    // the header they would stop the file at its start, and right after it stand where a second
    // header row is looked for.
    for p in refused_above {
        if !tx.send(Err(p)) {
            return;
        }
    }
}

/// Where the cells come from: the fast reader (`cells`), or calamine's, which skips the cells the
/// fast one already gave.
enum Source<'a> {
    Fast(cells::Cells<'a>),
    Slow(usize),
}

/// The most rows held while the merged ranges are looked for: then the reader waits for them.
const HOLD: usize = 512;

/// Pieces of the unpacked sheet that may wait for the cell reader: 8 of 256 KiB.
const AHEAD: usize = 8;
const PIECE: usize = 256 << 10;
/// Room before each piece for what the cell reader has left of the one before (a tag cut in two),
/// so that the piece need not be copied after it.
const ROOM: usize = 4 << 10;

/// The file offsets calamine seeks to while they are recorded: the part it opens starts at one.
#[derive(Clone, Default)]
struct Seeks(Arc<std::sync::Mutex<Option<Vec<u64>>>>);

impl Seeks {
    /// Start (`true`) or stop recording; the offsets recorded so far.
    fn record(&self, on: bool) -> Vec<u64> {
        let mut log = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let was = log.take().unwrap_or_default();
        if on {
            *log = Some(Vec::new());
        }
        was
    }
}

/// The workbook file as calamine reads it, with its seeks recorded when asked ([`Seeks`]).
pub struct Tracked {
    inner: BufReader<File>,
    seeks: Seeks,
}

impl Tracked {
    fn new(inner: BufReader<File>, seeks: Seeks) -> Self {
        Tracked { inner, seeks }
    }
}

impl Read for Tracked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf)
    }
}

impl std::io::Seek for Tracked {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        if let std::io::SeekFrom::Start(n) = pos
            && let Some(log) = self
                .seeks
                .0
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_mut()
        {
            log.push(n);
        }
        self.inner.seek(pos)
    }
}

/// The parts the fast cell reader needs besides the sheet, as read by [`parts`]: the shared strings,
/// and for each style whether it is a date and its number format. `None` when they are not read
/// exactly as calamine reads them.
type Prepared = Option<(Vec<String>, Vec<parts::StyleRead>)>;

/// Read the [`Prepared`] parts of the workbook at `path` (while calamine opens it).
fn prepare(path: &Path) -> Prepared {
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    let cache = parts::path_cache(&zip);
    let xl = parts::xl_path(&mut zip, &cache)?;
    let styles = parts::styles(&mut zip, &cache, &xl)?;
    let strings = parts::shared_strings(&mut zip, &cache, &xl)?;
    Some((strings, styles))
}

/// What the fast cell reader needs: the shared strings, which styles are dates, and the index in the
/// archive of the sheet's part (the one part that starts where calamine went to open the sheet).
/// `None` when any of it is not read exactly as calamine reads it: the cells are then calamine's.
fn fast_parts(
    path: &Path,
    offsets: &[u64],
    calamine_styles: &[Option<(Option<u32>, String)>],
    prepared: Prepared,
) -> Option<(Vec<String>, Vec<parts::IsDate>, usize)> {
    let (strings, styles) = prepared?;
    if styles.len() != calamine_styles.len()
        || styles
            .iter()
            .zip(calamine_styles)
            .any(|((_, mine), theirs)| mine != theirs)
    {
        return None;
    }
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    let mut found = None;
    for i in 0..zip.len() {
        let start = zip.by_index_raw(i).ok()?.header_start();
        if offsets.contains(&start) {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    Some((
        strings,
        styles.into_iter().map(|(d, _)| d).collect(),
        found?,
    ))
}

/// Unpack part `entry` of the workbook at `path` for the cell reader (`pieces`, valid UTF-8 cut
/// between characters; [`cells::Piece::Broken`] where it stops being so, or cannot be unpacked),
/// until the reader stops taking them. Pieces come back through `free` to be filled again.
fn unpack(
    path: &Path,
    entry: usize,
    pieces: std::sync::mpsc::SyncSender<cells::Piece>,
    free: std::sync::mpsc::Receiver<Vec<u8>>,
) {
    let Some(mut part) = File::open(path)
        .ok()
        .and_then(|f| zip::ZipArchive::new(BufReader::new(f)).ok())
    else {
        let _ = pieces.send(cells::Piece::Broken);
        return;
    };
    let Ok(mut part) = part.by_index(entry) else {
        let _ = pieces.send(cells::Piece::Broken);
        return;
    };
    // Bytes of a character cut at the end of the last piece, to go first in the next.
    let mut tail: Vec<u8> = Vec::new();
    loop {
        let mut buf = free
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(ROOM + PIECE + 4));
        buf.clear();
        buf.resize(ROOM, 0);
        buf.extend_from_slice(&tail);
        let old = buf.len();
        buf.resize(old + PIECE, 0);
        // The piece is filled (the unpacker gives a few KiB at a time).
        let mut n = 0;
        while old + n < buf.len() {
            match part.read(&mut buf[old + n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    let _ = pieces.send(cells::Piece::Broken);
                    return;
                }
            }
        }
        buf.truncate(old + n);
        if n == 0 {
            if !tail.is_empty() {
                let _ = pieces.send(cells::Piece::Broken);
            }
            return;
        }
        let mut broken = false;
        match simdutf8::compat::from_utf8(&buf[ROOM..]) {
            Ok(_) => tail.clear(),
            Err(e) => {
                let good = ROOM + e.valid_up_to();
                if e.error_len().is_none() {
                    tail = buf[good..].to_vec();
                } else {
                    broken = true;
                }
                buf.truncate(good);
            }
        }
        if pieces.send(cells::Piece::Bytes(buf, ROOM)).is_err() {
            return;
        }
        if broken {
            let _ = pieces.send(cells::Piece::Broken);
            return;
        }
    }
}

type Item = Result<Rec, Box<Problem>>;

/// Where the reading thread sends rows: in batches, so that the two threads do not wake each other
/// for every row (an eighth of the time at 20,000 rows, one row at a time). The last batch goes when
/// it is dropped.
struct Out {
    tx: std::sync::mpsc::SyncSender<Vec<Item>>,
    batch: Vec<Item>,
}

impl Out {
    const BATCH: usize = 256;

    fn new(tx: std::sync::mpsc::SyncSender<Vec<Item>>) -> Self {
        Out {
            tx,
            batch: Vec::with_capacity(Self::BATCH),
        }
    }

    /// Queue one item; `false` once the receiver has stopped asking.
    fn send(&mut self, item: Item) -> bool {
        self.batch.push(item);
        self.batch.len() < Self::BATCH || self.flush()
    }

    fn flush(&mut self) -> bool {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(Self::BATCH));
        batch.is_empty() || self.tx.send(batch).is_ok()
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Refuse a header row (`header`: row, width) that merged ranges cross: which column a merged title
/// belongs to cannot be told.
fn header_unmerged(
    spans: Option<Vec<merges::Span>>,
    header: Option<(u32, u32)>,
    sheet: &str,
    file: &str,
) -> Result<(), Box<Problem>> {
    let (Some(spans), Some((hr, _))) = (spans, header) else {
        return Ok(());
    };
    let Some((start, end)) = spans
        .into_iter()
        .find(|(s, e)| s.0 <= hr && hr <= e.0 && s.1 != e.1)
    else {
        return Ok(());
    };
    let span = format!(
        "{}{}:{}{}",
        column_letters(start.1 as usize),
        start.0 + 1,
        column_letters(end.1 as usize),
        end.0 + 1
    );
    Err(Box::new(
        Problem::error(
            "merged-header",
            file,
            Text::new(
                format!("dòng tiêu đề có ô gộp ({sheet}!{span}): mỗi cột cần tiêu đề riêng (mã chỉ tiêu); hãy bỏ gộp ô"),
                format!("the header row has merged cells ({sheet}!{span}): each column needs its own header (the indicator id); unmerge them"),
            ),
        )
        .at(hr as usize + 1, None),
    ))
}

/// A record of row `r`, from column A to its last cell, and no further right than the header row
/// once it is known (cells right of it ignored). A cell left of that and absent is empty: a
/// spreadsheet's cells stand in their columns, a short row is not shifted.
fn record(sheet: &Arc<str>, r: u32, cells: Cells, header: Option<(u32, u32)>) -> Rec {
    let own = cells.iter().map(|(c, _, _)| c + 1).max().unwrap_or(0);
    let n = header.map_or(own, |(_, w)| w.min(own)) as usize;
    let values = vec![std::cell::OnceCell::new(); n];
    let mut typed = vec![Typed::Text; n];
    for (c, t, v) in cells {
        let j = c as usize;
        if j < n {
            // A number's text is made when asked for (`Rec::get`).
            if !matches!(t, Typed::Number { .. }) {
                let _ = values[j].set(v);
            }
            typed[j] = t;
        }
    }
    Rec {
        line: r as usize + 1,
        fields: Fields::Cells {
            values,
            typed,
            sheet: sheet.clone(),
            col0: 0,
        },
    }
}

/// A number cell: its value; its text is made only when asked for (`Rec::get`).
fn number(f: f64, percent: bool) -> (Typed, String) {
    (Typed::Number { value: f, percent }, String::new())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook of two sheets, «A» and «B»: a header `ma_xa, nam`, then `rows` rows of year
    /// `year_a` in A, and one row of year 2024 in B.
    fn workbook(path: &Path, rows: u32, year_a: f64) {
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (name, n, year) in [("A", rows, year_a), ("B", 1, 2024.0)] {
            let ws = wb.add_worksheet().set_name(name).unwrap();
            ws.write_string(0, 0, "ma_xa").unwrap();
            ws.write_string(0, 1, "nam").unwrap();
            for r in 1..=n {
                ws.write_string(r, 0, format!("X{r}")).unwrap();
                ws.write_number(r, 1, year).unwrap();
            }
        }
        wb.save(path).unwrap();
    }

    /// Each record as (line, its cells as text), and whether the reading ended on an error.
    fn read(records: Records) -> Vec<Result<(usize, Vec<String>), String>> {
        records
            .map(|r| match r {
                Ok(r) => Ok((
                    r.line,
                    (0..r.len())
                        .map(|i| r.get(i).unwrap_or("").to_string())
                        .collect(),
                )),
                Err(p) => Err(format!("{p:?}")),
            })
            .collect()
    }

    use super::KEPT_SERIAL as SERIAL;

    fn year(r: &Rec) -> Option<f64> {
        r.get(1).and_then(|y| y.parse().ok())
    }

    #[test]
    fn a_sheet_looked_at_is_read_on_from_where_it_was_not_opened_again() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.xlsx");
        workbook(&path, 3000, 2023.0);
        let fresh = read(open(&path, Some("A"), "w.xlsx", true).unwrap().records);
        assert_eq!(fresh.len(), 3001);
        assert_eq!(
            look_ahead(&path, Some("A"), "w.xlsx", 10, year),
            Some(2023.0)
        );
        // Kept open for the run that reads the same sheet under the same name, and taken by it.
        let key = Opened::of(&path, Some("A"), "w.xlsx").unwrap();
        assert!(
            KEPT.lock()
                .unwrap()
                .as_ref()
                .is_some_and(|(k, a)| *k == key && a.seen.len() == 2)
        );
        assert_eq!(
            read(records(&path, Some("A"), "w.xlsx").unwrap().records),
            fresh
        );
        assert!(key.take().is_none());
        let ahead = |sheet| look_ahead(&path, Some(sheet), "w.xlsx", 10, year);
        let run = || read(records(&path, Some("A"), "w.xlsx").unwrap().records);
        // Looked at twice before the run (the records looked at are looked at again).
        assert_eq!((ahead("A"), ahead("A")), (Some(2023.0), Some(2023.0)));
        assert_eq!(run(), fresh);
        // The other sheet is opened afresh, and not handed to a run of the first.
        assert_eq!(ahead("B"), Some(2024.0));
        assert_eq!(run(), fresh);
        // At most `most` records are looked at.
        assert_eq!(look_ahead(&path, Some("A"), "w.xlsx", 1, year), None);
    }

    // Off Unix a file's identity is its canonical path, the same for a file renamed over it.
    #[cfg(unix)]
    #[test]
    fn a_file_put_in_place_of_the_one_looked_at_is_another_even_with_its_length_and_time() {
        let dir = tempfile::tempdir().unwrap();
        let (path, copy) = (dir.path().join("w.xlsx"), dir.path().join("copy.xlsx"));
        std::fs::write(&path, b"PK old").unwrap();
        std::fs::write(&copy, b"PK new").unwrap();
        let when = std::fs::metadata(&path).unwrap().modified().unwrap();
        let f = std::fs::File::options().write(true).open(&copy).unwrap();
        f.set_modified(when).unwrap();
        drop(f);
        let before = Opened::of(&path, None, "w.xlsx").unwrap();
        let merged_before = merges::Known::of(&path, 0).unwrap();
        // As `cp -p` then `mv` leave it: the same path, length and time, another file.
        std::fs::rename(&copy, &path).unwrap();
        let after = Opened::of(&path, None, "w.xlsx").unwrap();
        // Neither the kept sheet nor the merged ranges found in it are taken for the new file.
        assert!(merges::Known::of(&path, 0).unwrap() != merged_before);
        let (b, a) = (&before.state, &after.state);
        assert_eq!((b.len, b.modified), (a.len, a.modified));
        assert!(before != after);
    }

    #[test]
    fn only_a_format_of_zeros_pads_a_whole_number() {
        assert_eq!(zeros_format("00000"), Some(5));
        for other in ["", "0.0", "#,##0", "00000;-00000", "@", "0%"] {
            assert_eq!(zeros_format(other), None, "{other}");
        }
        assert_eq!(padded(6235.0, 5).as_deref(), Some("06235"));
        assert_eq!(padded(123456.0, 5).as_deref(), Some("123456"));
        for not in [6235.5, -6235.0, 1e16, f64::NAN] {
            assert_eq!(padded(not, 5), None, "{not}");
        }
    }

    #[test]
    fn above_the_header_a_units_data_is_refused_and_a_title_is_not() {
        let text = |c: u32, v: &str| (c, Typed::Text, v.to_string());
        let num = |c: u32, v: f64| {
            (
                c,
                Typed::Number {
                    value: v,
                    percent: false,
                },
                String::new(),
            )
        };
        let head: Cells = ["ma_xa", "ten_xa", "huyen", "Năm", "1.1", "1.2"]
            .iter()
            .enumerate()
            .map(|(c, h)| text(c as u32, h))
            .collect();
        let named = Named::of(&head);
        assert_eq!((named.code.as_slice(), named.year), (&[0][..], Some(3)));
        let refused = |cells: Cells| above_header(&cells, 0, 1, &named, "S", "f.xlsx").is_some();
        assert!(refused(vec![text(0, "06226"), num(3, 2024.0)]));
        assert!(refused(vec![num(0, 6226.0), text(3, " 2024 ")]));
        // Titles: one cell, two, a year in words, a code with no year.
        assert!(!refused(vec![text(0, "BẢNG TỰ ĐÁNH GIÁ")]));
        assert!(!refused(vec![text(0, "UBND HUYỆN"), text(3, "CỘNG HÒA")]));
        assert!(!refused(vec![text(0, "Mã số: 01"), text(3, "Năm 2024")]));
        assert!(!refused(vec![text(0, "06226"), text(1, "Hợp Thành")]));
        assert!(!refused(vec![text(1, "Hợp Thành"), num(3, 2024.0)]));
        // No year column: a row filling half the named columns, its code among them.
        let named = Named::of(&head[..3].to_vec());
        let refused = |cells: Cells| above_header(&cells, 0, 1, &named, "S", "f.xlsx").is_some();
        assert!(refused(vec![
            text(0, "06226"),
            text(1, "Hợp Thành"),
            text(2, "Cao Lộc")
        ]));
        assert!(!refused(vec![text(0, "UBND HUYỆN"), text(2, "CỘNG HÒA")]));
    }

    #[test]
    fn a_sheet_changed_since_it_was_looked_at_is_read_as_it_is_now() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.xlsx");
        workbook(&path, 5, 2023.0);
        assert_eq!(look_ahead(&path, None, "w.xlsx", 10, year), Some(2023.0));
        workbook(&path, 7, 2022.0);
        let now = read(records(&path, None, "w.xlsx").unwrap().records);
        assert_eq!(now.len(), 8);
        assert_eq!(now[1], Ok((2, vec!["X1".to_string(), "2022".to_string()])));
    }
}
