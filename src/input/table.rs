//! A data file (CSV as Excel exports it) read into rows of cells, with every problem collected.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::cell::{self, Cell};
use super::record::{Fields, Rec, Records};
use crate::criteria::{Kind, Version};
use crate::diag::Problem;
use crate::i18n::Text;

/// The identifying columns of a unit's row: `ma_xa, ten_xa, huyen, nam` for communes.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub code: &'static str,
    pub name: &'static str,
    /// The column naming the parent unit (the commune's district), if any.
    pub parent: Option<&'static str>,
    pub year: &'static str,
}

impl Layout {
    pub const COMMUNE: Layout = Layout {
        code: "ma_xa",
        name: "ten_xa",
        parent: Some("huyen"),
        year: "nam",
    };
    pub const DISTRICT: Layout = Layout {
        code: "ma_huyen",
        name: "ten_huyen",
        parent: None,
        year: "nam",
    };

    fn meta(&self) -> Vec<&'static str> {
        let mut m = vec![self.code, self.name, self.year];
        m.extend(self.parent);
        m
    }
}

/// One unit (commune or district) in one year.
#[derive(Debug, Clone)]
pub struct Row {
    /// The physical line of the file (1-based), as the user sees it in an editor.
    pub line: usize,
    pub code: String,
    pub name: String,
    pub parent: String,
    pub year: i32,
    /// One cell per column of [`Dataset::columns`].
    pub cells: Vec<Cell>,
}

/// A data file read against a criteria version.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub file: String,
    /// The input column ids the version knows, in the version's order; `cells` follow this order.
    pub columns: Vec<String>,
    /// The kind of each column.
    pub kinds: Vec<Kind>,
    /// Whether the file has each column at all.
    pub present: Vec<bool>,
    pub rows: Vec<Row>,
    /// Every problem found, errors and notes, in file order.
    pub problems: Vec<Problem>,
}

impl Dataset {
    pub fn column_index(&self, id: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == id)
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Read a whole data file. `keep` decides, from code, name and year, which rows are kept; problems
/// are reported only for kept rows (and for the header). `used` lists the columns the chosen sets read.
pub fn read_file(
    path: &Path,
    version: &Version,
    layout: Layout,
    used: &[&str],
    keep: &dyn Fn(&str, &str, i32) -> bool,
) -> Dataset {
    collect(Reader::open(path, version, layout, used, keep))
}

/// Read data given as text (for tests).
pub fn read_str(
    file: &str,
    text: &str,
    version: &Version,
    layout: Layout,
    used: &[&str],
) -> Dataset {
    let all = |_: &str, _: &str, _: i32| true;
    collect(Reader::from_reader(
        file,
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        version,
        layout,
        used,
        &all,
    ))
}

fn collect(mut reader: Reader) -> Dataset {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for r in reader.by_ref() {
        problems.extend(r.problems);
        rows.extend(r.row);
    }
    let mut ds = reader.head;
    ds.problems.extend(problems);
    ds.rows = rows;
    ds
}

/// One row read: the row (unless it could not be read) and its problems.
pub struct RowRead {
    pub row: Option<Row>,
    pub problems: Vec<Problem>,
    /// A row whose code and year could be read but some cell could not: not evaluated, but a
    /// district counts it as a commune whose result is unknown.
    pub rejected: Option<Row>,
}

/// A data file read one row at a time, so that a run keeps only what it needs of each row.
pub struct Reader<'k> {
    /// The file's header as read: columns, kinds, which are present, and the header's problems
    /// (its `rows` stay empty).
    pub head: Dataset,
    records: Option<Records>,
    map: Option<HeaderMap>,
    layout: Layout,
    keep: &'k dyn Fn(&str, &str, i32) -> bool,
    /// The lines of the (code, year) keys read so far, by a 64-bit hash of the key: a few bytes a
    /// row and no allocation per row, so that long files do not fragment memory.
    seen: HashMap<u64, usize>,
}

impl<'k> Reader<'k> {
    /// Open a file: its header is read at once (see [`Reader::head`]), its rows as they are asked for.
    pub fn open(
        path: &Path,
        version: &Version,
        layout: Layout,
        used: &[&str],
        keep: &'k dyn Fn(&str, &str, i32) -> bool,
    ) -> Self {
        Reader::open_sheet(path, None, version, layout, used, keep)
    }

    /// [`Reader::open`], naming the sheet to read when the file is an Excel workbook (default: the first).
    pub fn open_sheet(
        path: &Path,
        sheet: Option<&str>,
        version: &Version,
        layout: Layout,
        used: &[&str],
        keep: &'k dyn Fn(&str, &str, i32) -> bool,
    ) -> Self {
        let shown = path.display().to_string();
        if super::xlsx::is_workbook(path) {
            let records = super::xlsx::records(path, sheet, &shown);
            return Reader::from_records(&shown, records, version, layout, used, keep);
        }
        match std::fs::File::open(path) {
            Ok(f) => Reader::from_reader(&shown, Box::new(f), version, layout, used, keep),
            Err(e) => {
                let mut r = Reader::empty(&shown, version, layout, keep);
                r.head.problems.push(Problem::error(
                    "io",
                    &shown,
                    Text::new(
                        format!("không đọc được tệp: {e}"),
                        format!("cannot read the file: {e}"),
                    ),
                ));
                r
            }
        }
    }

    fn empty(
        file: &str,
        version: &Version,
        layout: Layout,
        keep: &'k dyn Fn(&str, &str, i32) -> bool,
    ) -> Self {
        Reader {
            head: empty_dataset(file, version),
            records: None,
            map: None,
            layout,
            keep,
            seen: HashMap::new(),
        }
    }

    /// Read from any byte source (a file, or bytes in memory).
    pub fn from_reader(
        file: &str,
        source: Box<dyn Read>,
        version: &Version,
        layout: Layout,
        used: &[&str],
        keep: &'k dyn Fn(&str, &str, i32) -> bool,
    ) -> Self {
        let mut r = Reader::empty(file, version, layout, keep);
        let mut buf = BufReader::with_capacity(1 << 16, source);
        let start = match buf.fill_buf() {
            Ok(b) => b.to_vec(),
            Err(e) => {
                r.head.problems.push(Problem::error(
                    "io",
                    file,
                    Text::new(
                        format!("không đọc được tệp: {e}"),
                        format!("cannot read the file: {e}"),
                    ),
                ));
                return r;
            }
        };
        // UTF-16, with its byte order mark or without (then every other byte of ASCII text is zero).
        let sample = &start[..start.len().min(200)];
        let zeros = |parity: usize| {
            sample
                .iter()
                .skip(parity)
                .step_by(2)
                .filter(|b| **b == 0)
                .count()
        };
        let utf16 = start.starts_with(&[0xFF, 0xFE])
            || start.starts_with(&[0xFE, 0xFF])
            || (sample.len() >= 8 && (zeros(0) * 3 > sample.len() || zeros(1) * 3 > sample.len()));
        if utf16 {
            r.head.problems.push(
                Problem::error(
                    "encoding",
                    file,
                    Text::new(
                        "tệp được lưu dạng UTF-16 (Unicode text): trong Excel hãy lưu lại dạng «CSV UTF-8»",
                        "the file is UTF-16 (Unicode text): save it from Excel as «CSV UTF-8»",
                    ),
                )
                .at(1, None),
            );
            return r;
        }
        if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
            buf.consume(3);
        }
        let delimiter = detect_delimiter(&String::from_utf8_lossy(&start));
        let source: Box<dyn Read> = Box::new(BlankLines::new(buf));
        let shown = file.to_string();
        let records = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(source)
            .into_records()
            // Comment lines (`# …`) are skipped here rather than by the csv reader, whose line
            // count does not include the lines it skips.
            .filter(|r| !matches!(r, Ok(rec) if rec.get(0).is_some_and(|f| f.trim_start().starts_with('#'))))
            .map(move |r| match r {
                Ok(rec) => Ok(Rec {
                    line: rec.position().map_or(0, |p| p.line() as usize),
                    fields: Fields::Csv(rec),
                }),
                Err(e) => Err(Box::new(csv_problem(&shown, &e))),
            });
        r.start(Box::new(records), version, used);
        r
    }

    /// Read the header from `records`, then leave the rows to the iterator.
    fn start(&mut self, mut records: Records, version: &Version, used: &[&str]) {
        let file = self.head.file.clone();
        // A spreadsheet may have title rows above the header: the header is the row naming the
        // code column; without one, the first row.
        let mut skipped = Vec::new();
        let header = loop {
            match records.next() {
                Some(Ok(h)) if h.is_blank() => continue,
                Some(Ok(h)) => {
                    let names_code = (0..h.len()).any(|i| {
                        h.get(i)
                            .is_some_and(|f| cell::fold(f).replace(' ', "_") == self.layout.code)
                    });
                    if names_code || matches!(h.fields, Fields::Csv(_)) || skipped.len() >= 20 {
                        break Some(h);
                    }
                    skipped.push(h);
                }
                Some(Err(e)) => {
                    self.head.problems.push(*e);
                    return;
                }
                None => break skipped.drain(..).next(),
            }
        };
        let Some(header) = header else {
            self.head.problems.push(Problem::error(
                "empty",
                &file,
                Text::new(
                    "tệp rỗng: cần một dòng tiêu đề",
                    "the file is empty: a header line is expected",
                ),
            ));
            return;
        };
        self.map = map_header(&header, &mut self.head, self.layout, used, version);
        if self.map.is_some() {
            self.records = Some(records);
        }
    }

    /// Rows of a spreadsheet already turned into records (see [`super::xlsx`]).
    pub fn from_records(
        file: &str,
        records: Result<Records, Box<Problem>>,
        version: &Version,
        layout: Layout,
        used: &[&str],
        keep: &'k dyn Fn(&str, &str, i32) -> bool,
    ) -> Self {
        let mut r = Reader::empty(file, version, layout, keep);
        match records {
            Ok(records) => r.start(records, version, used),
            Err(p) => r.head.problems.push(*p),
        }
        r
    }
}

impl Iterator for Reader<'_> {
    type Item = RowRead;

    fn next(&mut self) -> Option<RowRead> {
        loop {
            let records = self.records.as_mut()?;
            let map = self.map.as_ref()?;
            let rec = match records.next()? {
                Ok(r) => r,
                Err(problem) => {
                    // A file in another encoding fails on every line: say it once and stop.
                    if problem.kind == "encoding" {
                        self.records = None;
                    }
                    return Some(RowRead {
                        row: None,
                        problems: vec![*problem],
                        rejected: None,
                    });
                }
            };
            if rec.is_blank() {
                continue;
            }
            if let Some(read) = read_row(
                &rec,
                map,
                &self.head,
                self.layout,
                self.keep,
                &mut self.seen,
            ) {
                return Some(read);
            }
        }
    }
}

/// A dataset of `file` with no row yet: every column the version knows, none present, and the kind
/// of each (a number where the version does not say), as a data file read against it would have them.
pub(crate) fn empty_dataset(file: &str, version: &Version) -> Dataset {
    let columns: Vec<String> = version
        .all_columns()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let kinds = columns
        .iter()
        .map(|c| version.column(c).map_or(Kind::Num, |k| k.kind))
        .collect();
    Dataset {
        file: file.to_string(),
        present: vec![false; columns.len()],
        columns,
        kinds,
        rows: Vec::new(),
        problems: Vec::new(),
    }
}

/// Where each header field goes.
struct HeaderMap {
    meta: HashMap<&'static str, usize>,
    /// (field position, dataset column index)
    cells: Vec<(usize, usize)>,
    width: usize,
}

fn map_header(
    header: &Rec,
    ds: &mut Dataset,
    layout: Layout,
    used: &[&str],
    version: &Version,
) -> Option<HeaderMap> {
    let file = ds.file.clone();
    let hline = header.line;
    let mut meta = HashMap::new();
    let mut cells = Vec::new();
    let mut unknown = Vec::new();
    let mut unused = Vec::new();
    for (pos, raw) in (0..header.len()).filter_map(|i| header.get(i).map(|f| (i, f))) {
        let folded = cell::fold(raw).replace(' ', "_");
        if let Some(m) = layout.meta().into_iter().find(|m| *m == folded) {
            meta.insert(m, pos);
            continue;
        }
        if raw.trim().is_empty() {
            continue;
        }
        let id = column_id(raw);
        match ds.columns.iter().position(|c| c.to_lowercase() == id) {
            Some(idx) => {
                if ds.present[idx] {
                    ds.problems.push(
                        Problem::error(
                            "duplicate-column",
                            &file,
                            Text::new(
                                "cột xuất hiện hai lần trong dòng tiêu đề",
                                "the column appears twice in the header",
                            ),
                        )
                        .at(hline, None)
                        .field(ds.columns[idx].clone())
                        .found(raw.trim())
                        .expected(Text::new("mỗi mã cột một lần", "each column id once")),
                    );
                    continue;
                }
                ds.present[idx] = true;
                if used.contains(&ds.columns[idx].as_str()) {
                    cells.push((pos, idx));
                } else {
                    unused.push(ds.columns[idx].clone());
                }
            }
            None => unknown.push((raw.trim().to_string(), id)),
        }
    }
    let known: Vec<String> = ds
        .columns
        .iter()
        .cloned()
        .chain(layout.meta().iter().map(|m| m.to_string()))
        .collect();
    // A note (with a hint) for each of the first unknown columns; the rest are counted in one line.
    const NOTED: usize = 20;
    if unknown.len() > NOTED {
        ds.problems.push(
            Problem::warning(
                "unknown-columns",
                &file,
                Text::new(
                    format!(
                        "còn {} cột khác không thuộc bộ tiêu chí nào, bỏ qua",
                        unknown.len() - NOTED
                    ),
                    format!(
                        "{} more columns not read by any criteria set, ignored",
                        unknown.len() - NOTED
                    ),
                ),
            )
            .at(hline, None),
        );
    }
    for (raw, id) in unknown.into_iter().take(NOTED) {
        let mut p = Problem::warning(
            "unknown-column",
            &file,
            Text::new(
                "cột không thuộc bộ tiêu chí nào, bỏ qua",
                "column not read by any criteria set, ignored",
            ),
        )
        .at(hline, None)
        .field(raw);
        if let Some(hint) = nearest(&id, &known) {
            p = p.expected(Text::new(
                format!("có phải là {hint}?"),
                format!("did you mean {hint}?"),
            ));
        }
        ds.problems.push(p);
    }
    if !unused.is_empty() {
        ds.problems.push(
            Problem::warning(
                "unused-column",
                &file,
                Text::new(
                    format!(
                        "các cột không dùng ở mức đánh giá đã chọn, bỏ qua: {}",
                        unused.join(", ")
                    ),
                    format!(
                        "columns not used at the chosen level, ignored: {}",
                        unused.join(", ")
                    ),
                ),
            )
            .at(hline, None),
        );
    }
    let mut missing_meta = Vec::new();
    for m in [layout.code, layout.year] {
        if !meta.contains_key(m) {
            missing_meta.push(m);
        }
    }
    if !missing_meta.is_empty() {
        ds.problems.push(
            Problem::error(
                "missing-column",
                &file,
                Text::new(
                    format!("thiếu cột bắt buộc: {}", missing_meta.join(", ")),
                    format!("required column missing: {}", missing_meta.join(", ")),
                ),
            )
            .at(hline, None)
            .expected(Text::new(
                format!("dòng tiêu đề có cột {}", layout.meta().join(", ")),
                format!("a header with the columns {}", layout.meta().join(", ")),
            )),
        );
        return None;
    }
    // Recognition columns may be absent: readiness is then "not assessed".
    let recognition: Vec<&str> = version
        .sets
        .iter()
        .flat_map(|s| s.recognition.iter().flat_map(|i| i.checks.iter()))
        .filter_map(|c| c.input.column())
        .collect();
    let absent: Vec<&str> = used
        .iter()
        .copied()
        .filter(|u| ds.column_index(u).is_some_and(|i| !ds.present[i]) && !recognition.contains(u))
        .collect();
    if !absent.is_empty() && absent.len() < used.len() {
        ds.problems.push(
            Problem::warning(
                "absent-column",
                &file,
                Text::new(
                    format!(
                        "tệp không có các cột sau, coi là thiếu số liệu: {}",
                        absent.join(", ")
                    ),
                    format!(
                        "the file has no column for these, treated as missing data: {}",
                        absent.join(", ")
                    ),
                ),
            )
            .at(hline, None),
        );
    }
    Some(HeaderMap {
        meta,
        cells,
        width: header.len(),
    })
}

fn read_row(
    rec: &Rec,
    map: &HeaderMap,
    ds: &Dataset,
    layout: Layout,
    keep: &dyn Fn(&str, &str, i32) -> bool,
    seen: &mut HashMap<u64, usize>,
) -> Option<RowRead> {
    let file = ds.file.clone();
    let line = rec.line;
    let mut problems = Vec::new();
    let get = |m: &str| {
        map.meta
            .get(m)
            .and_then(|i| rec.get(*i))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let code = get(layout.code);
    let name = get(layout.name);
    let parent = layout.parent.map(get).unwrap_or_default();
    let year_raw = get(layout.year);
    let year = year_raw
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=2200).contains(y));
    if let Some(y) = year
        && !keep(&code, &name, y)
    {
        return None;
    }
    let mut ok = true;
    if rec.len() != map.width {
        // A field running over several lines: a quote opened and never closed.
        let open_quote = (0..rec.len()).any(|i| rec.get(i).is_some_and(|f| f.contains('\n')));
        let message = if open_quote {
            Text::new(
                "dấu ngoặc kép (\") mở ở dòng này không được đóng: các dòng sau bị gộp vào một ô",
                "a quote (\") opened on this line is never closed: the lines after it ran into one cell",
            )
        } else {
            Text::new(
                format!(
                    "dòng có {} ô nhưng dòng tiêu đề có {} cột",
                    rec.len(),
                    map.width
                ),
                format!(
                    "the row has {} fields but the header has {} columns",
                    rec.len(),
                    map.width
                ),
            )
        };
        problems.push(
            Problem::error("row-width", &file, message)
                .at(line, None)
                .found(rec.len().to_string())
                .expected(Text::new(
                    format!("{} ô", map.width),
                    format!("{} fields", map.width),
                )),
        );
        ok = false;
    }
    // Where an identifying cell stands, as Excel names it.
    let meta_cell = |m: &str| {
        map.meta
            .get(m)
            .and_then(|i| rec.cell_ref(*i))
            .map(String::from)
    };
    if code.is_empty() {
        let mut p = Problem::error(
            "missing-code",
            &file,
            Text::new("thiếu mã đơn vị", "missing unit code"),
        )
        .at(line, None)
        .field(layout.code)
        .found("")
        .expected(Text::new("mã xã/huyện", "a commune/district code"));
        p.cell = meta_cell(layout.code);
        problems.push(p);
        ok = false;
    }
    let Some(year) = year else {
        // A short row has no year cell: its width was reported already.
        if !ok && year_raw.is_empty() {
            return Some(RowRead {
                row: None,
                problems,
                rejected: None,
            });
        }
        let mut p = Problem::error(
            "bad-year",
            &file,
            Text::new("năm đánh giá không hợp lệ", "invalid assessment year"),
        )
        .at(line, None)
        .field(layout.year)
        .found(year_raw)
        .expected(Text::new("một năm, ví dụ 2024", "a year, e.g. 2024"));
        p.cell = meta_cell(layout.year);
        problems.push(p);
        return Some(RowRead {
            row: None,
            problems,
            rejected: None,
        });
    };
    if !code.is_empty()
        && let Some(first) = seen.insert(key_hash(&code, year), line)
    {
        let mut p = Problem::error(
            "duplicate-row",
            &file,
            Text::new(
                format!("mã {code} năm {year} đã có ở dòng {first}"),
                format!("code {code}, year {year} is already at line {first}"),
            ),
        )
        .at(line, None)
        .field(layout.code)
        .found(code.clone())
        .expected(Text::new(
            "một dòng cho mỗi xã và năm",
            "one row per unit and year",
        ));
        p.cell = meta_cell(layout.code);
        problems.push(p);
        ok = false;
    }
    let mut cells = vec![Cell::Missing; ds.columns.len()];
    for &(pos, idx) in &map.cells {
        let raw = rec.get(pos).unwrap_or("");
        match cell::parse(raw, ds.kinds[idx]) {
            Ok(c) => cells[idx] = c,
            Err(e) => {
                let mut p = Problem::error("bad-cell", &file, e.message)
                    .at(line, None)
                    .field(ds.columns[idx].clone())
                    .found(raw.trim())
                    .expected(e.expected);
                p.cell = rec.cell_ref(pos).map(String::from);
                problems.push(p);
                ok = false;
            }
        }
    }
    let row = Row {
        line,
        code,
        name,
        parent,
        year,
        cells,
    };
    let (row, rejected) = if ok {
        (Some(row), None)
    } else {
        (None, Some(row))
    };
    Some(RowRead {
        row,
        problems,
        rejected,
    })
}

/// Normalises line ends to `\n` (Excel writes `\r\n`) and puts a space on every empty line, so
/// that the csv reader, which counts `\r\n` and skipped empty lines unreliably, reports the physical
/// line of every record. (A cell quoted over several lines gets `\n` line ends, and a space on an
/// empty line inside it.)
struct BlankLines<R> {
    inner: R,
    at_line_start: bool,
    pending_cr: bool,
    out: Vec<u8>,
    pos: usize,
}

impl<R: Read> BlankLines<R> {
    fn new(inner: R) -> Self {
        BlankLines {
            inner,
            at_line_start: true,
            pending_cr: false,
            out: Vec::new(),
            pos: 0,
        }
    }

    fn newline(&mut self) {
        if self.at_line_start {
            self.out.push(b' ');
        }
        self.out.push(b'\n');
        self.at_line_start = true;
    }

    fn fill(&mut self) -> std::io::Result<bool> {
        let mut chunk = [0u8; 1 << 14];
        let n = self.inner.read(&mut chunk)?;
        self.out.clear();
        self.pos = 0;
        if n == 0 {
            if self.pending_cr {
                self.pending_cr = false;
                self.newline();
            }
            return Ok(!self.out.is_empty());
        }
        for &b in &chunk[..n] {
            if self.pending_cr {
                self.pending_cr = false;
                self.newline();
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' => self.pending_cr = true,
                b'\n' => self.newline(),
                _ => {
                    self.out.push(b);
                    self.at_line_start = false;
                }
            }
        }
        Ok(true)
    }
}

impl<R: Read> Read for BlankLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.out.len() {
            if !self.fill()? {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn key_hash(code: &str, year: i32) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    code.hash(&mut h);
    year.hash(&mut h);
    h.finish()
}

/// The column id of a header field: its first word, without trailing punctuation, lower-case
/// (`2.2 Đường thôn…` → `2.2`, `NC2.2.` → `nc2.2`).
pub fn column_id(raw: &str) -> String {
    let first = raw.split_whitespace().next().unwrap_or("");
    first.trim_end_matches(['.', ':', '-', ')']).to_lowercase()
}

/// The nearest known id, if close enough to be a likely typo.
pub fn nearest(id: &str, known: &[String]) -> Option<String> {
    // Letters typed for look-alike digits (O for 0, l or I for 1) cost nothing.
    let plain = |s: &str| -> String {
        s.to_lowercase()
            .chars()
            .map(|c| match c {
                'o' => '0',
                'l' | 'i' => '1',
                c => c,
            })
            .collect()
    };
    let typed = plain(id);
    // A known id that starts with what was typed (`ma` for `ma_xa`) is the likeliest.
    if typed.chars().count() >= 2
        && let Some(k) = known.iter().find(|k| plain(k).starts_with(&typed))
    {
        return Some(k.clone());
    }
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&typed, &plain(k)), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3) && *d < k.len().max(id.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

fn detect_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in first.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in counts.iter_mut() {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    if let csv::ErrorKind::Utf8 { pos, .. } = e.kind() {
        let mut p = Problem::error(
            "encoding",
            file,
            Text::new(
                "tệp không phải UTF-8 (có thể là Windows-1258, TCVN3 hay VNI): trong Excel hãy lưu lại dạng «CSV UTF-8»",
                "the file is not UTF-8 (perhaps Windows-1258, TCVN3 or VNI): save it from Excel as «CSV UTF-8»",
            ),
        );
        if let Some(pos) = pos {
            p = p.at(pos.line() as usize, None);
        }
        return p;
    }
    let line = e.position().map(|p| p.line() as usize);
    let mut p = Problem::error(
        "csv",
        file,
        Text::new(
            format!("không đọc được dòng CSV: {e}"),
            format!("unreadable CSV line: {e}"),
        ),
    );
    if let Some(line) = line {
        p = p.at(line, None);
    }
    p
}

/// The year of the first data row, to pick a criteria version before reading the file properly.
pub fn first_year(path: &Path) -> Option<i32> {
    // Only the start of the file is read: the data file may be large.
    let records: Records = if super::xlsx::is_workbook(path) {
        super::xlsx::records(path, None, "").ok()?
    } else {
        let mut buf = BufReader::with_capacity(1 << 16, std::fs::File::open(path).ok()?);
        let start = String::from_utf8_lossy(buf.fill_buf().ok()?).into_owned();
        if start.starts_with('\u{feff}') {
            buf.consume(3);
        }
        Box::new(
            csv::ReaderBuilder::new()
                .delimiter(detect_delimiter(&start))
                .has_headers(false)
                .flexible(true)
                .comment(Some(b'#'))
                .from_reader(buf)
                .into_records()
                .map_while(Result::ok)
                .map(|r| {
                    Ok(Rec {
                        line: 0,
                        fields: Fields::Csv(r),
                    })
                }),
        )
    };
    let mut records = records.map_while(Result::ok).take(10_000);
    let pos = records.by_ref().find_map(|h| {
        (0..h.len()).find(|i| {
            h.get(*i)
                .is_some_and(|f| cell::fold(f).replace(' ', "_") == "nam")
        })
    })?;
    records.find_map(|r| r.get(pos).and_then(|y| y.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_give_their_id() {
        assert_eq!(column_id("2.2 Đường thôn, liên thôn"), "2.2");
        assert_eq!(column_id(" NC2.2. Đường"), "nc2.2");
        assert_eq!(column_id("17.10"), "17.10");
    }

    #[test]
    fn typos_get_a_hint() {
        let known: Vec<String> = ["2.2", "2.3a", "17.10", "ten_xa", "km3"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(nearest("2.22", &known).as_deref(), Some("2.2"));
        assert_eq!(nearest("17.1O", &known).as_deref(), Some("17.10"));
        assert_eq!(nearest("ten_x", &known).as_deref(), Some("ten_xa"));
        assert_eq!(nearest("ghi_chu", &known), None);
        let known: Vec<String> = ["5a", "ma_xa", "17.1a", "17.10"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(nearest("ma", &known).as_deref(), Some("ma_xa"));
        assert_eq!(nearest("17.1O", &known).as_deref(), Some("17.10"));
    }

    #[test]
    fn delimiters_are_detected() {
        assert_eq!(detect_delimiter("ma_xa;ten_xa;nam\n"), b';');
        assert_eq!(detect_delimiter("ma_xa,ten_xa,nam\n"), b',');
        assert_eq!(detect_delimiter("\"a;b\",c,d\n"), b',');
    }
}
