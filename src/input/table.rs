//! A data file (CSV as Excel exports it) read into rows of cells, with every problem collected.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use super::cell::{self, Cell, Decimal};
use super::header::{Named, Names};
use super::number::{self, Mark, Reading};
use super::record::{CsvRecord, Fields, Rec, Records};
use super::seen::Seen;
use super::xlsx::{self, Sniffed};
use crate::criteria::{ColumnSpec, GROUP_COLUMN, Group, Kind, Schema, Version, find_group};
use crate::diag::Problem;
use crate::i18n::{Lang, Text};

/// The identifying columns of a unit's row: `ma_xa, ten_xa, huyen, nam` for communes.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub code: &'static str,
    pub name: &'static str,
    /// The column naming the parent unit (the commune's district), if any.
    pub parent: Option<&'static str>,
    pub year: &'static str,
    /// Whether rows carry a commune group (`nhom_xa`) when the version's thresholds vary by group.
    pub groups: bool,
}

impl Layout {
    pub const COMMUNE: Layout = Layout {
        code: "ma_xa",
        name: "ten_xa",
        parent: Some("huyen"),
        year: "nam",
        groups: true,
    };
    pub const DISTRICT: Layout = Layout {
        code: "ma_huyen",
        name: "ten_huyen",
        parent: None,
        year: "nam",
        groups: false,
    };

    pub(crate) fn meta(&self) -> Vec<&'static str> {
        let mut m = vec![self.code, self.name, self.year];
        m.extend(self.parent);
        m
    }
}

/// One unit (commune or district) in one year.
#[derive(Debug, Clone, Default)]
pub struct Row {
    /// The physical line of the file (1-based), as the user sees it in an editor.
    pub line: usize,
    pub code: String,
    pub name: String,
    pub parent: String,
    pub year: i32,
    /// The commune group (`nhom_xa`), when the version's thresholds vary by group and the row gives
    /// it: one of the version's group ids.
    pub group: Option<String>,
    /// One cell per column of [`Dataset::columns`].
    pub cells: Vec<Cell>,
    /// What the row's "not applicable" cells hold as typed (`N/A`, `–`), by column index, for
    /// messages: a "not applicable" where none is allowed is quoted as the user wrote it.
    pub written: Vec<(usize, String)>,
}

/// A data file read against a criteria version.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub file: String,
    /// The input column ids the version knows, in the version's order; `cells` follow this order.
    pub columns: Vec<String>,
    /// What each column holds: kind, unit, plausible values.
    pub specs: Vec<ColumnSpec>,
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

/// How to read a data file, beyond what the file says itself.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The sheet of a workbook (default: the first visible one).
    pub sheet: Option<String>,
    /// The decimal mark of the file's numbers, when the user says (default: the file's own, see
    /// [`super::number`]).
    pub decimal: Option<Mark>,
}

/// Read a whole data file. `keep` decides, from code, name and year, which rows are kept; problems
/// are reported only for kept rows (and for the header). `used` lists the columns the chosen sets read.
pub fn read_file(
    path: &Path,
    options: &ReadOptions,
    schema: &Schema,
    layout: Layout,
    used: &[&str],
    keep: &(dyn Fn(usize, &str, &str, i32) -> bool + Sync),
) -> Dataset {
    read_file_listing(path, options, schema, layout, used, keep).0
}

/// [`read_file`], with what will not be scored of it, as every report lists it: each row that could
/// not be read, or the whole file.
pub fn read_file_listing(
    path: &Path,
    options: &ReadOptions,
    schema: &Schema,
    layout: Layout,
    used: &[&str],
    keep: &(dyn Fn(usize, &str, &str, i32) -> bool + Sync),
) -> (Dataset, Vec<Unscored>) {
    let reader = Reader::open(path, options, schema, layout, used, keep);
    let mut unscored: Vec<Unscored> = reader.unreadable().into_iter().collect();
    let ds = collect_into(reader, &mut unscored);
    (ds, unscored)
}

/// Read data given as text (for tests).
pub fn read_str(
    file: &str,
    text: &str,
    version: &Version,
    layout: Layout,
    used: &[&str],
) -> Dataset {
    let all = |_: usize, _: &str, _: &str, _: i32| true;
    collect(Reader::from_reader(
        file,
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        &Schema::of(version),
        layout,
        used,
        &all,
    ))
}

fn collect(reader: Reader) -> Dataset {
    collect_into(reader, &mut Vec::new())
}

/// Every row of `reader`, and to `unscored` each that could not be read.
fn collect_into(mut reader: Reader, unscored: &mut Vec<Unscored>) -> Dataset {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut read = RowRead::default();
    while reader.read_into(&mut read) {
        problems.append(&mut read.problems);
        unscored.extend(read.unscored.take());
        if let Some(row) = read.row() {
            rows.push(row.clone());
        }
    }
    let mut ds = reader.head;
    ds.problems.extend(problems);
    ds.rows = rows;
    ds
}

/// One row read: the row, whether it could be read, and its problems. A run reads every row into the
/// same `RowRead` ([`Reader::read_into`]): its strings and cells are reused, row after row.
#[derive(Debug, Default)]
pub struct RowRead {
    pub row: Row,
    pub state: RowState,
    pub problems: Vec<Problem>,
    /// A row that will not be scored, as every report lists it.
    pub unscored: Option<Unscored>,
}

/// Whether a row could be read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RowState {
    /// Every cell read: the row can be scored.
    #[default]
    Read,
    /// Its code and year could be read but some cell could not: not scored, but a district counts
    /// it as a commune whose result is unknown.
    Rejected,
    /// Not even its code and year: nothing of it can be used.
    Unreadable,
}

impl RowRead {
    /// The row, when it can be scored.
    pub fn row(&self) -> Option<&Row> {
        (self.state == RowState::Read).then_some(&self.row)
    }

    /// The row, when its cells could not all be read.
    pub fn rejected(&self) -> Option<&Row> {
        (self.state == RowState::Rejected).then_some(&self.row)
    }
}

/// A row of a data file that could not be scored: where it is, which unit it names as far as it can be
/// read, and why. Every report lists these, so that no row leaves a report in silence.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Unscored {
    pub file: String,
    pub line: usize,
    pub code: String,
    pub name: String,
    /// The commune's district, as the row names it.
    pub parent: String,
    pub year: Option<i32>,
    /// Why, one reason per problem (the messages of the errors reported for the row).
    pub reasons: Vec<Text>,
}

impl Unscored {
    /// Whether the whole file could not be read (no line to name).
    pub fn whole_file(&self) -> bool {
        self.line == 0
    }

    /// Where it is, as a reader looks for it: `file:line`, or the file alone when the whole file
    /// could not be read.
    pub fn place(&self, file: &str) -> String {
        if self.whole_file() {
            file.to_string()
        } else {
            format!("{file}:{}", self.line)
        }
    }

    /// A row of `file` that the checks after reading refuse (`problems`: its errors).
    pub fn of_row(file: &str, row: &Row, problems: &[Problem]) -> Self {
        Unscored {
            file: file.to_string(),
            line: row.line,
            code: row.code.clone(),
            name: row.name.clone(),
            parent: row.parent.clone(),
            year: Some(row.year),
            reasons: reasons(problems),
        }
    }
}

/// The reasons a row is not scored: its errors, each said once.
fn reasons(problems: &[Problem]) -> Vec<Text> {
    let mut out: Vec<Text> = Vec::new();
    for p in problems.iter().filter(|p| p.is_error()) {
        let mut t = p.message.clone();
        if let Some(f) = &p.field {
            t = Text::new(format!("{f}: {}", t.vi), format!("{f}: {}", t.en));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// A data file read one row at a time, so that a run keeps only what it needs of each row.
pub struct Reader<'k> {
    /// The file's header as read: columns, kinds, which are present, and the header's problems
    /// (its `rows` stay empty).
    pub head: Dataset,
    records: Option<Records>,
    map: Option<HeaderMap>,
    layout: Layout,
    keep: &'k (dyn Fn(usize, &str, &str, i32) -> bool + Sync),
    /// The (code, year) keys read so far, with the line of each: at most 16 bytes a row, and no
    /// allocation per row.
    seen: Seen,
    /// A regular CSV file's size and its first rows' widths, from which [`Seen`] is told how many
    /// keys to expect, once (see [`Seen::expect`]).
    sizing: Option<Sizing>,
    /// The decimal mark of the file's numbers, once known (given, or shown by a number).
    decimal: Decimal,
    /// Reads the file again from its start, to look for its decimal mark when a number reads two
    /// ways before any has shown it; `None` once looked (or for text given in memory).
    rescan: Option<Box<dyn Fn() -> Option<Records> + Send>>,
    /// The field separator of a CSV file (for the likely cause of a row of the wrong width).
    delimiter: Option<u8>,
}

impl<'k> Reader<'k> {
    /// Open a file: its header is read at once (see [`Reader::head`]), its rows as they are asked for.
    /// What the file is comes from its first bytes, not its name: a workbook (.xlsx), an old .xls
    /// (refused, with what to do), or text read as CSV.
    pub fn open(
        path: &Path,
        options: &ReadOptions,
        schema: &Schema,
        layout: Layout,
        used: &[&str],
        keep: &'k (dyn Fn(usize, &str, &str, i32) -> bool + Sync),
    ) -> Self {
        let shown = path.display().to_string();
        // A pipe or a device is read once, as text: its first bytes cannot be looked at and read again.
        let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let sniffed = if regular {
            xlsx::sniff(path)
        } else {
            Sniffed::Text
        };
        let mut r = match (sniffed, xlsx::is_workbook(path) && regular) {
            (Sniffed::Zip, _) => {
                let sheet = options.sheet.clone();
                let opened = xlsx::records(path, sheet.as_deref(), &shown);
                let mut notes = Vec::new();
                let records = opened.map(|s| {
                    notes = s.notes;
                    s.records
                });
                let mut r = Reader::from_records(&shown, records, schema, layout, used, keep);
                r.head.problems.splice(0..0, notes);
                let owned = path.to_path_buf();
                r.rescan = Some(Box::new(move || xlsx::rescan(&owned, sheet.as_deref())));
                r
            }
            (Sniffed::OldExcel, _) => Reader::refused(
                &shown,
                schema,
                layout,
                keep,
                Text::new(
                    "tệp là sổ Excel 97–2003 (.xls), ntm chưa đọc định dạng này: trong Excel chọn Lưu thành (Save As) «Sổ làm việc Excel (*.xlsx)» hoặc «CSV UTF-8»",
                    "the file is an Excel 97–2003 workbook (.xls), which ntm does not read: in Excel, Save As «Excel Workbook (*.xlsx)» or «CSV UTF-8»",
                ),
            ),
            (Sniffed::Text, true) => Reader::refused(
                &shown,
                schema,
                layout,
                keep,
                Text::new(
                    "tệp mang đuôi sổ Excel nhưng là văn bản (có lẽ là CSV được đổi tên): đổi đuôi thành .csv, hoặc mở trong Excel rồi lưu dạng .xlsx",
                    "the file is named like an Excel workbook but holds text (a renamed CSV?): rename it to .csv, or open it in Excel and save it as .xlsx",
                ),
            ),
            (Sniffed::Text, false) => match std::fs::File::open(path) {
                Ok(f) => {
                    let mut r =
                        Reader::from_reader(&shown, Box::new(f), schema, layout, used, keep);
                    let owned = path.to_path_buf();
                    if regular {
                        r.sizing = std::fs::metadata(path).ok().map(|m| Sizing {
                            file: m.len(),
                            rows: 0,
                            bytes: 0,
                        });
                        r.rescan = Some(Box::new(move || {
                            let f = std::fs::File::open(&owned).ok()?;
                            csv_source("", Box::new(f)).ok().map(|(records, _)| records)
                        }));
                    }
                    r
                }
                Err(e) => Reader::refused(
                    &shown,
                    schema,
                    layout,
                    keep,
                    Text::new(
                        format!("không đọc được tệp: {e}"),
                        format!("cannot read the file: {e}"),
                    ),
                ),
            },
        };
        if let Some(mark) = options.decimal {
            r.decimal = Decimal {
                mark: Some(mark),
                from: Text::new("--decimal", "--decimal"),
            };
        }
        r
    }

    /// The file cannot be read at all (not a table, no header, an encoding it does not use…): no row
    /// will come. [`Unscored::file`] says so in the reports.
    pub fn unreadable(&self) -> Option<Unscored> {
        if self.map.is_some() {
            return None;
        }
        let errors: Vec<Problem> = self
            .head
            .problems
            .iter()
            .filter(|p| p.is_error())
            .cloned()
            .collect();
        Some(Unscored {
            file: self.head.file.clone(),
            line: errors.iter().find_map(|p| p.line).unwrap_or(0),
            code: String::new(),
            name: String::new(),
            parent: String::new(),
            year: None,
            reasons: reasons(&errors),
        })
    }

    /// A file that cannot be read at all, and why.
    fn refused(
        file: &str,
        schema: &Schema,
        layout: Layout,
        keep: &'k (dyn Fn(usize, &str, &str, i32) -> bool + Sync),
        why: Text,
    ) -> Self {
        let mut r = Reader::empty(file, schema, layout, keep);
        r.head.problems.push(Problem::error("io", file, why));
        r
    }

    fn empty(
        file: &str,
        schema: &Schema,
        layout: Layout,
        keep: &'k (dyn Fn(usize, &str, &str, i32) -> bool + Sync),
    ) -> Self {
        Reader {
            head: empty_dataset(file, schema),
            records: None,
            map: None,
            layout,
            keep,
            seen: Seen::new(),
            sizing: None,
            decimal: Decimal::default(),
            rescan: None,
            delimiter: None,
        }
    }

    /// Read from any byte source (a file, or bytes in memory).
    pub fn from_reader(
        file: &str,
        source: Box<dyn Read + Send>,
        schema: &Schema,
        layout: Layout,
        used: &[&str],
        keep: &'k (dyn Fn(usize, &str, &str, i32) -> bool + Sync),
    ) -> Self {
        let mut r = Reader::empty(file, schema, layout, keep);
        match csv_source(file, source) {
            Ok((records, delimiter)) => {
                r.delimiter = Some(delimiter);
                r.start(records, schema, used);
            }
            Err(p) => r.head.problems.push(*p),
        }
        r
    }

    /// Read the header from `records`, then leave the rows to the iterator.
    fn start(&mut self, mut records: Records, schema: &Schema, used: &[&str]) {
        let file = self.head.file.clone();
        let layout = self.layout;
        let names = Names::new(schema, layout, layout.groups && !schema.groups.is_empty());
        // Whether a row names the code column: by its id, or by a label only.
        let names_code = |h: &Rec, by_id: bool| {
            (0..h.len()).any(|i| {
                h.get(i).is_some_and(|f| {
                    let m = if by_id {
                        names.meta_by_id(f)
                    } else {
                        names.meta(f)
                    };
                    m == Some(layout.code)
                })
            })
        };
        // A spreadsheet may have title rows above the header: the header is the row naming the
        // code column; without one, the first row. A row of labels right above a row of ids (as the
        // Excel template has) is a title row too.
        let mut skipped = Vec::new();
        let header = loop {
            match records.next() {
                Some(Ok(h)) if h.is_blank() => continue,
                Some(Ok(h)) => {
                    if names_code(&h, true) || matches!(h.fields, Fields::Csv(_)) {
                        break Some(h);
                    }
                    if names_code(&h, false) {
                        let (next, rest) = next_row(records);
                        records = rest;
                        match next {
                            Some(Ok(ids)) if names_code(&ids, true) => break Some(ids),
                            next => {
                                records = put_back(next, records);
                                break Some(h);
                            }
                        }
                    }
                    if skipped.len() >= 20 {
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
        self.map = map_header(&header, &mut self.head, layout, used, schema, &names);
        let Some(map) = &self.map else { return };
        // A second header row right below the header (the labels under the ids, or the ids under the
        // labels): its code and year cells name the code and year columns. It holds no commune.
        let (next, rest) = next_row(records);
        records = rest;
        let second = next
            .as_ref()
            .and_then(|r| r.as_ref().ok())
            .is_some_and(|r| {
                let at = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or("");
                names.meta(at(map.code)) == Some(layout.code)
                    && names.meta(at(map.year)) == Some(layout.year)
            });
        if let (true, Some(Ok(r))) = (second, &next) {
            self.head.problems.push(
                Problem::warning(
                    "header-row",
                    &file,
                    Text::new(
                        format!(
                            "dòng {} là dòng tiêu đề thứ hai (tên các cột), không phải số liệu: bỏ qua",
                            r.line
                        ),
                        format!(
                            "line {} is a second header row (the columns' names), not data: skipped",
                            r.line
                        ),
                    ),
                )
                .at(r.line, None)
                .found(at_row(r, map.code)),
            );
        } else {
            records = put_back(next, records);
        }
        self.records = Some(records);
    }

    /// Rows of a spreadsheet already turned into records (see [`super::xlsx`]).
    pub fn from_records(
        file: &str,
        records: Result<Records, Box<Problem>>,
        schema: &Schema,
        layout: Layout,
        used: &[&str],
        keep: &'k (dyn Fn(usize, &str, &str, i32) -> bool + Sync),
    ) -> Self {
        let mut r = Reader::empty(file, schema, layout, keep);
        match records {
            Ok(records) => r.start(records, schema, used),
            Err(p) => r.head.problems.push(*p),
        }
        r
    }
}

impl Iterator for Reader<'_> {
    type Item = RowRead;

    fn next(&mut self) -> Option<RowRead> {
        let mut read = RowRead::default();
        self.read_into(&mut read).then_some(read)
    }
}

impl Reader<'_> {
    /// Read the next row kept into `out` (its buffers reused); `false` at the end of the file.
    pub fn read_into(&mut self, out: &mut RowRead) -> bool {
        out.problems.clear();
        out.unscored = None;
        // Nothing of the row read before stays: a row that cannot be read leaves it empty (its
        // buffers kept), whatever row the buffers last held.
        let row = &mut out.row;
        row.line = 0;
        row.year = 0;
        row.group = None;
        for s in [&mut row.code, &mut row.name, &mut row.parent] {
            s.clear();
        }
        row.cells.clear();
        row.written.clear();
        loop {
            let Some(records) = self.records.as_mut() else {
                return false;
            };
            let rec = match records.next() {
                None => return false,
                Some(Ok(r)) => r,
                Some(Err(problem)) => {
                    // A file in another encoding fails on every line: say it once and stop.
                    if problem.kind == "encoding" {
                        self.records = None;
                    }
                    out.unscored = problem.line.map(|line| Unscored {
                        file: self.head.file.clone(),
                        line,
                        code: String::new(),
                        name: String::new(),
                        parent: String::new(),
                        year: None,
                        reasons: reasons(std::slice::from_ref(&problem)),
                    });
                    out.problems.push(*problem);
                    out.state = RowState::Unreadable;
                    return true;
                }
            };
            if rec.is_blank() {
                continue;
            }
            if self.read_row(&rec, out) {
                return true;
            }
        }
    }

    /// Read `rec` into `out`; `false` when the row is not kept (another year, another commune).
    fn read_row(&mut self, rec: &Rec, out: &mut RowRead) -> bool {
        let Some(map) = self.map.as_ref() else {
            return false;
        };
        let (layout, file) = (self.layout, self.head.file.as_str());
        let line = rec.line;
        let field = |at: Option<usize>| at.and_then(|i| rec.get(i)).unwrap_or("").trim();
        let year_raw = field(map.year);
        let year = year_raw
            .parse::<i32>()
            .ok()
            .filter(|y| (1900..=2200).contains(y));
        let (code, name) = (field(map.code), field(map.name));
        if let Some(y) = year
            && !(self.keep)(line, code, name, y)
        {
            return false;
        }
        let row = &mut out.row;
        row.line = line;
        for (s, v) in [
            (&mut row.code, code),
            (&mut row.name, name),
            (&mut row.parent, field(map.parent)),
        ] {
            s.clear();
            s.push_str(v);
        }
        let problems = &mut out.problems;
        let mut ok = true;
        // A row of the wrong width cannot be read cell by cell: every cell after the shift would be
        // reported. One message, with the likely cause.
        // A spreadsheet's row may end early (its cells stand in their columns): only a CSV shifts.
        let shifted = match rec.fields {
            Fields::Csv(_) => rec.len() != map.width,
            Fields::Cells { .. } => rec.len() > map.width,
        };
        if shifted {
            problems.push(width_problem(rec, map.width, self.delimiter, file));
            ok = false;
        }
        // Where an identifying cell stands, as Excel names it.
        let meta_cell = |at: Option<usize>| at.and_then(|i| rec.cell_ref(i));
        if code.is_empty() {
            let mut p = Problem::error(
                "missing-code",
                file,
                Text::new("thiếu mã đơn vị", "missing unit code"),
            )
            .at(line, None)
            .field(layout.code)
            .found("")
            .expected(Text::new("mã xã/huyện", "a commune/district code"));
            p.cell = meta_cell(map.code);
            problems.push(p);
            ok = false;
        }
        let unscored = |problems: &[Problem], row: &Row, year: Option<i32>| Unscored {
            file: file.to_string(),
            line,
            code: row.code.clone(),
            name: row.name.clone(),
            parent: row.parent.clone(),
            year,
            reasons: reasons(problems),
        };
        let Some(year) = year else {
            // A short row has no year cell: its width was reported already.
            if ok || !year_raw.is_empty() {
                let mut p = Problem::error(
                    "bad-year",
                    file,
                    Text::new("năm đánh giá không hợp lệ", "invalid assessment year"),
                )
                .at(line, None)
                .field(layout.year)
                .found(year_raw)
                .expected(Text::new("một năm, ví dụ 2024", "a year, e.g. 2024"));
                p.cell = meta_cell(map.year);
                problems.push(p);
            }
            out.unscored = Some(unscored(problems, row, None));
            out.state = RowState::Unreadable;
            return true;
        };
        row.year = year;
        if let (Some(sizing), Fields::Csv(r)) = (&mut self.sizing, &rec.fields)
            && let Some(rows) = sizing.add(r.width())
        {
            self.seen.expect(rows);
            self.sizing = None;
        }
        if !code.is_empty()
            && let Some(first) = self.seen.insert(code, year, line)
        {
            let mut p = Problem::error(
                "duplicate-row",
                file,
                Text::new(
                    format!("mã {code} năm {year} đã có ở dòng {first}"),
                    format!("code {code}, year {year} is already at line {first}"),
                ),
            )
            .at(line, None)
            .field(layout.code)
            .found(code)
            .expected(Text::new(
                "một dòng cho mỗi xã và năm",
                "one row per unit and year",
            ));
            p.cell = meta_cell(map.code);
            problems.push(p);
            ok = false;
        }
        row.group = if shifted {
            None
        } else {
            let (group, p) = read_group(
                &map.groups,
                map.group.is_some(),
                field(map.group),
                file,
                line,
                (code, name),
            );
            if let Some(mut p) = p {
                p.cell = meta_cell(map.group);
                ok &= !p.is_error();
                problems.push(p);
            }
            group
        };
        row.cells.clear();
        row.cells.resize(self.head.columns.len(), Cell::Missing);
        row.written.clear();
        let positions = if shifted { &[][..] } else { &map.slots[..] };
        // The CSV fields walked once in order (`positions` go left to right), not looked up one by one.
        let mut fields = rec.csv_fields();
        let mut next = 0;
        // The columns whose value this row refuses already (a cell not read, copies that differ).
        let mut refused: Vec<usize> = Vec::new();
        for &(pos, idx, ref quick, copy) in positions {
            let text = fields.as_mut().and_then(|f| {
                let t = f.nth(pos.checked_sub(next)?);
                next = pos + 1;
                t
            });
            let cell = if let Some(r) =
                text.and_then(|text| cell::quick(text, quick, self.decimal.mark))
            {
                if let (Some(m), None) = (r.shows, self.decimal.mark) {
                    self.decimal = shown_at(m, rec, pos);
                }
                r.cell
            } else {
                let spec = &self.head.specs[idx];
                let raw = rec.raw(pos);
                let mut read = cell::parse(raw, spec, &self.decimal);
                if matches!(&read, Err(e) if e.ambiguous) && self.decimal.mark.is_none() {
                    // A number that reads two ways before any has shown the file's decimal mark: look
                    // for the first that shows it, anywhere in the file.
                    if let Some(rescan) = self.rescan.take()
                        && let Some(found) = find_mark(rescan(), map, &self.head.specs)
                    {
                        self.decimal = found;
                    }
                    read = cell::parse(raw, spec, &self.decimal);
                }
                match read {
                    Ok(r) => {
                        if let (Some(m), None) = (r.shows, self.decimal.mark) {
                            self.decimal = shown_at(m, rec, pos);
                        }
                        if r.cell == Cell::NotApplicable && copy.is_none() {
                            row.written.push((idx, raw.shown()));
                        }
                        r.cell
                    }
                    Err(e) => {
                        let mut p = Problem::error("bad-cell", file, e.message)
                            .at(line, None)
                            .field(self.head.columns[idx].clone())
                            .found(raw.shown())
                            .expected(e.expected);
                        p.cell = rec.cell_ref(pos);
                        problems.push(p);
                        ok = false;
                        if !refused.contains(&idx) {
                            refused.push(idx);
                        }
                        continue;
                    }
                }
            };
            let Some(c) = copy.and_then(|c| map.copies.get(c)) else {
                row.cells[idx] = cell;
                continue;
            };
            // A later copy of a column named twice: it must say what the first says, or neither is
            // believed. Once per column and row: a copy that could not be read, or copies found to
            // differ, were reported already.
            if cell != row.cells[idx] && !refused.contains(&idx) {
                let column = &self.head.columns[idx];
                problems.push(copies_differ(rec, pos, c, column, file));
                refused.push(idx);
                ok = false;
            }
        }
        if ok {
            out.state = RowState::Read;
        } else {
            out.unscored = Some(unscored(problems, row, Some(year)));
            out.state = RowState::Rejected;
        }
        true
    }
}

/// A row whose two copies of `column` (the later at field `pos`, `copy`) hold different values: which
/// is right cannot be told, so the row is not scored.
fn copies_differ(rec: &Rec, pos: usize, copy: &ColumnCopy, column: &str, file: &str) -> Problem {
    let first = rec.raw(copy.first).shown();
    let this = rec.raw(pos).shown();
    let (a, b) = (&copy.first_place, &copy.place);
    let mut p = Problem::error(
        "duplicate-column",
        file,
        Text::new(
            format!(
                "cột có hai bản ghi khác nhau: cột {a} ghi «{first}», cột {b} ghi «{this}»; không biết giá trị nào đúng nên dòng không được chấm"
            ),
            format!(
                "the column is in the file twice with different values: column {a} holds «{first}», column {b} holds «{this}»; which is right cannot be told, so the row is not scored"
            ),
        ),
    )
    .at(rec.line, None)
    .field(column)
    .found(this)
    .expected(Text::new(
        format!("«{first}» như ở cột {a}: hai bản của một cột phải ghi như nhau"),
        format!("«{first}» as in column {a}: both copies of a column must agree"),
    ));
    p.cell = rec.cell_ref(pos);
    p
}

/// The row's commune group from its `nhom_xa` cell, when the version declares groups (`groups`): a
/// group the version does not declare is an error; an empty cell a warning, the row's group-dependent
/// checks being then missing. `present`: whether the file has the column (else the header said so once).
fn read_group(
    groups: &[Group],
    present: bool,
    raw: &str,
    file: &str,
    line: usize,
    (code, name): (&str, &str),
) -> (Option<String>, Option<Problem>) {
    if groups.is_empty() || !present {
        return (None, None);
    }
    let list = groups
        .iter()
        .map(|g| g.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if raw.is_empty() {
        let p = Problem::warning(
            "missing-group",
            file,
            Text::new(
                format!("xã {code} ({name}) không ghi nhóm xã: các chỉ tiêu có ngưỡng theo nhóm được coi là thiếu số liệu (chưa đủ dữ liệu, không tính là không đạt)"),
                format!("commune {code} ({name}) has no commune group: the indicators whose threshold depends on the group are treated as missing (unknown, not failed)"),
            ),
        )
        .at(line, None)
        .field(GROUP_COLUMN)
        .found("")
        .expected(Text::new(format!("một nhóm: {list}"), format!("a group: {list}")));
        return (None, Some(p));
    }
    match find_group(groups, raw) {
        Some(g) => (Some(g.id.clone()), None),
        None => {
            let p = Problem::error(
                "bad-group",
                file,
                Text::new(
                    "nhóm xã không có trong bộ tiêu chí",
                    "not a commune group of the criteria",
                ),
            )
            .at(line, None)
            .field(GROUP_COLUMN)
            .found(raw)
            .expected(Text::new(
                format!(
                    "một trong các nhóm {list} (ghi «2» hoặc «Nhóm 2»), hoặc để trống nếu chưa biết"
                ),
                format!(
                    "one of the groups {list} (written «2» or «Nhóm 2»), or empty when not known"
                ),
            ));
            (None, Some(p))
        }
    }
}

/// Where the file showed its decimal mark: `dòng 7: «85,5»` (or the Excel cell).
fn shown_at(mark: Mark, rec: &Rec, pos: usize) -> Decimal {
    let text = rec.get(pos).unwrap_or("").trim();
    let (vi, en) = match rec.cell_ref(pos) {
        Some(cell) => (
            format!("ô {cell}: «{text}»"),
            format!("cell {cell}: «{text}»"),
        ),
        None => (
            format!("dòng {}: «{text}»", rec.line),
            format!("line {}: «{text}»", rec.line),
        ),
    };
    Decimal {
        mark: Some(mark),
        from: Text::new(vi, en),
    }
}

/// The first number of the file (after its header) that shows which decimal mark the file uses.
fn find_mark(records: Option<Records>, map: &HeaderMap, specs: &[ColumnSpec]) -> Option<Decimal> {
    let numeric: Vec<usize> = map
        .slots
        .iter()
        .filter(|(_, idx, _, _)| specs[*idx].kind != Kind::Bool)
        .map(|(pos, _, _, _)| *pos)
        .collect();
    for rec in records?.map_while(Result::ok) {
        if rec.line <= map.line {
            continue;
        }
        for &pos in &numeric {
            let Some(text) = rec.get(pos) else { continue };
            let digits = text.trim().trim_end_matches('%').trim_end();
            if let Ok(Reading::Exact {
                shows: Some(mark), ..
            }) = number::read(digits)
                && matches!(rec.raw(pos), cell::Raw::Text(_))
            {
                return Some(shown_at(mark, &rec, pos));
            }
        }
    }
    None
}

/// A row with more or fewer fields than the header, and the likely cause.
fn width_problem(rec: &Rec, width: usize, delimiter: Option<u8>, file: &str) -> Problem {
    // A field running over several lines: a quote opened and never closed.
    let open_quote = (0..rec.len()).any(|i| rec.get(i).is_some_and(|f| f.contains('\n')));
    let n = rec.len();
    let (message, expected) = if open_quote {
        (
            Text::new(
                "dấu ngoặc kép (\") mở ở dòng này không được đóng: các dòng sau bị gộp vào một ô",
                "a quote (\") opened on this line is never closed: the lines after it ran into one cell",
            ),
            Text::new(format!("{width} ô"), format!("{width} fields")),
        )
    } else if delimiter == Some(b',') && n > width {
        (
            Text::new(
                format!(
                    "dòng có {n} ô nhưng dòng tiêu đề có {width} cột: có lẽ do số thập phân viết bằng dấu phẩy (85,5) trong tệp phân cách bằng dấu phẩy, mỗi dấu phẩy tách thêm một ô; không ô nào của dòng được đọc"
                ),
                format!(
                    "the row has {n} fields but the header has {width} columns: probably decimal commas (85,5) in a comma-separated file, each comma splitting a cell in two; no cell of the row was read"
                ),
            ),
            Text::new(
                format!(
                    "{width} ô: lưu lại tệp với dấu chấm phẩy (;) làm dấu phân cách, hoặc đặt các số trong ngoặc kép (\"85,5\"), hoặc dùng dấu chấm thập phân (85.5)"
                ),
                format!(
                    "{width} fields: save the file with semicolons (;) between fields, or quote the numbers (\"85,5\"), or use decimal points (85.5)"
                ),
            ),
        )
    } else {
        (
            Text::new(
                format!(
                    "dòng có {n} ô nhưng dòng tiêu đề có {width} cột: các ô bị lệch cột, không ô nào của dòng được đọc"
                ),
                format!(
                    "the row has {n} fields but the header has {width} columns: its cells are out of line, none of them was read"
                ),
            ),
            Text::new(format!("{width} ô"), format!("{width} fields")),
        )
    };
    Problem::error("row-width", file, message)
        .at(rec.line, None)
        .found(n.to_string())
        .expected(expected)
}

/// A dataset of `file` with no row yet: every column of the schema, none present, with its spec, as a
/// data file read against it would have them.
pub(crate) fn empty_dataset(file: &str, schema: &Schema) -> Dataset {
    Dataset {
        file: file.to_string(),
        present: vec![false; schema.ids.len()],
        columns: schema.ids.clone(),
        specs: schema.specs.clone(),
        rows: Vec::new(),
        problems: Vec::new(),
    }
}

/// A later copy of a column named twice in the header.
struct ColumnCopy {
    /// The field position of the column's first copy.
    first: usize,
    /// Where the first copy and this one stand, as the user sees them (Excel letter or field number).
    first_place: String,
    place: String,
}

/// Where each header field goes.
struct HeaderMap {
    /// Where the identifying columns are (looked up once here, not per row).
    code: Option<usize>,
    name: Option<usize>,
    parent: Option<usize>,
    year: Option<usize>,
    group: Option<usize>,
    /// The version's commune groups (empty when its thresholds do not vary by group).
    groups: Vec<Group>,
    /// (field position, dataset column index, what [`cell::quick`] needs of the column's spec, and
    /// for a column's second or later copy its place in `copies`)
    slots: Vec<(usize, usize, cell::QuickSpec, Option<usize>)>,
    /// The later copies of a column the header names more than once: each is read and must agree
    /// with the first, or the row is not scored.
    copies: Vec<ColumnCopy>,
    width: usize,
    /// The header's own line.
    line: usize,
}

fn map_header(
    header: &Rec,
    ds: &mut Dataset,
    layout: Layout,
    used: &[&str],
    schema: &Schema,
    names: &Names,
) -> Option<HeaderMap> {
    let file = ds.file.clone();
    let hline = header.line;
    // The header's problems, put in order at the end: what stops the file first, then the notes.
    let mut problems: Vec<Problem> = Vec::new();
    let finish = |ds: &mut Dataset, mut problems: Vec<Problem>| {
        problems.sort_by_key(|p| !p.is_error());
        ds.problems.extend(problems);
    };
    let mut meta = HashMap::new();
    let mut cells = Vec::new();
    let mut copies: Vec<ColumnCopy> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut unused = Vec::new();
    let mut duplicate_meta = false;
    // Where each column was found, for a column named twice.
    let mut first_at: HashMap<usize, usize> = HashMap::new();
    // The commune group is the row's identity too, when thresholds vary by group (commune files).
    let groups = match layout.groups {
        true => schema.groups.clone(),
        false => Vec::new(),
    };
    // A header field's place as the user sees it: the Excel column letter, or the field's number.
    let place = |i: usize| {
        header
            .cell_ref(i)
            .map(|r| {
                r.rsplit('!')
                    .next()
                    .unwrap_or(&r)
                    .trim_end_matches(|c: char| c.is_ascii_digit())
                    .to_string()
            })
            .unwrap_or_else(|| (i + 1).to_string())
    };
    for (pos, raw) in (0..header.len()).filter_map(|i| header.get(i).map(|f| (i, f))) {
        if let Some(m) = names.meta(raw) {
            if let Some(first) = meta.insert(m, pos) {
                // Which would win is an accident of the file's order: a 2024 row scored as 2023.
                problems.push(
                    Problem::error(
                        "duplicate-column",
                        &file,
                        Text::new(
                            format!("cột định danh {m} xuất hiện hai lần trong dòng tiêu đề (cột {} và cột {})", place(first), place(pos)),
                            format!("the identifying column {m} appears twice in the header (columns {} and {})", place(first), place(pos)),
                        ),
                    )
                    .at(hline, None)
                    .field(m)
                    .found(raw.trim())
                    .expected(Text::new("mỗi cột định danh một lần", "each identifying column once")),
                );
                duplicate_meta = true;
            }
            continue;
        }
        if raw.trim().is_empty() {
            continue;
        }
        let idx = match names.column(raw) {
            Named::Column(idx) => idx,
            Named::Unknown => {
                unknown.push(raw.trim().to_string());
                continue;
            }
            Named::Ambiguous(cols) => {
                problems.push(ambiguous(&file, hline, raw, &cols, names, used));
                continue;
            }
            Named::Conflict(by_code, by_label) => {
                problems.push(conflict(
                    &file, hline, raw, &by_code, &by_label, names, used,
                ));
                continue;
            }
        };
        if let Some(&first) = first_at.get(&idx) {
            let (a, b) = (place(first), place(pos));
            // Which copy would be read is an accident of the file's order: both are read, and a row
            // whose copies differ is not scored (see `Reader::read_row`).
            let read = used.contains(&ds.columns[idx].as_str());
            let message = if read {
                Text::new(
                    format!(
                        "cột xuất hiện hai lần trong dòng tiêu đề (cột {a} và cột {b}): cả hai được đọc, dòng nào hai cột ghi khác nhau thì không được chấm"
                    ),
                    format!(
                        "the column appears twice in the header (columns {a} and {b}): both are read, and a row where they differ is not scored"
                    ),
                )
            } else {
                Text::new(
                    format!(
                        "cột xuất hiện hai lần trong dòng tiêu đề (cột {a} và cột {b}); cột không dùng ở mức đánh giá đã chọn"
                    ),
                    format!(
                        "the column appears twice in the header (columns {a} and {b}); it is not used at the chosen level"
                    ),
                )
            };
            problems.push(
                Problem::error("duplicate-column", &file, message)
                    .at(hline, None)
                    .field(ds.columns[idx].clone())
                    .found(raw.trim())
                    .expected(Text::new("mỗi mã cột một lần", "each column id once")),
            );
            if read {
                copies.push(ColumnCopy {
                    first,
                    first_place: a,
                    place: b,
                });
                cells.push((pos, idx, Some(copies.len() - 1)));
            }
            continue;
        }
        first_at.insert(idx, pos);
        ds.present[idx] = true;
        if used.contains(&ds.columns[idx].as_str()) {
            cells.push((pos, idx, None));
        } else {
            unused.push(ds.columns[idx].clone());
        }
    }
    unknown_notes(&mut problems, &file, hline, &unknown, names, used);
    if !unused.is_empty() {
        problems.push(
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
    if duplicate_meta {
        finish(ds, problems);
        return None;
    }
    if !missing_meta.is_empty() {
        let listed = |lang: Lang| {
            missing_meta
                .iter()
                .map(|m| format!("{m} ({})", meta_title(m, lang)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let all = |lang: Lang| {
            layout
                .meta()
                .iter()
                .map(|m| format!("{m} ({})", meta_title(m, lang)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        problems.push(
            Problem::error(
                "missing-column",
                &file,
                Text::new(
                    format!(
                        "thiếu cột bắt buộc: {}; tệp không đọc được",
                        listed(Lang::Vi)
                    ),
                    format!(
                        "required column missing: {}; the file cannot be read",
                        listed(Lang::En)
                    ),
                ),
            )
            .at(hline, None)
            .expected(Text::new(
                format!(
                    "dòng tiêu đề có các cột {}, ghi bằng mã hoặc bằng nhãn",
                    all(Lang::Vi)
                ),
                format!(
                    "a header with the columns {}, by id or by label",
                    all(Lang::En)
                ),
            )),
        );
        finish(ds, problems);
        return None;
    }
    // Recognition columns may be absent: readiness is then "not assessed".
    let recognition: Vec<&str> = schema.recognition.iter().map(String::as_str).collect();
    let absent: Vec<&str> = used
        .iter()
        .copied()
        .filter(|u| ds.column_index(u).is_some_and(|i| !ds.present[i]) && !recognition.contains(u))
        .collect();
    if !absent.is_empty() && absent.len() < used.len() {
        problems.push(
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
    if !groups.is_empty() && !meta.contains_key(GROUP_COLUMN) {
        let list = groups
            .iter()
            .map(|g| g.id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        problems.push(
            Problem::warning(
                "absent-column",
                &file,
                Text::new(
                    format!("tệp không có cột {GROUP_COLUMN} (nhóm xã): ở mọi dòng, các chỉ tiêu có ngưỡng theo nhóm được coi là thiếu số liệu"),
                    format!("the file has no {GROUP_COLUMN} column (commune group): on every row, the indicators whose threshold depends on the group are treated as missing"),
                ),
            )
            .at(hline, None)
            .expected(Text::new(
                format!("một cột {GROUP_COLUMN} ghi nhóm của mỗi xã: {list}"),
                format!("a {GROUP_COLUMN} column giving each commune's group: {list}"),
            )),
        );
    }
    finish(ds, problems);
    Some(HeaderMap {
        code: meta.get(layout.code).copied(),
        name: meta.get(layout.name).copied(),
        parent: layout.parent.and_then(|p| meta.get(p).copied()),
        year: meta.get(layout.year).copied(),
        group: meta.get(GROUP_COLUMN).copied(),
        groups,
        slots: cells
            .iter()
            .map(|&(pos, idx, copy)| (pos, idx, cell::QuickSpec::of(&ds.specs[idx]), copy))
            .collect(),
        copies,
        width: header.len(),
        line: hline,
    })
}

/// The next record that is not blank (or a problem), and the records after it.
fn next_row(mut records: Records) -> (Option<Result<Rec, Box<Problem>>>, Records) {
    loop {
        match records.next() {
            Some(Ok(r)) if r.is_blank() => continue,
            next => return (next, records),
        }
    }
}

/// `records` with `next` in front again.
fn put_back(next: Option<Result<Rec, Box<Problem>>>, records: Records) -> Records {
    match next {
        Some(r) => Box::new(std::iter::once(r).chain(records)),
        None => records,
    }
}

/// Field `i` of a record, trimmed (empty when there is none).
fn at_row(r: &Rec, i: Option<usize>) -> String {
    i.and_then(|i| r.get(i)).unwrap_or("").trim().to_string()
}

/// How an identifying column is called in a message: `mã xã` / `commune code`.
fn meta_title(id: &str, lang: Lang) -> &'static str {
    match id {
        "ma_xa" => lang.pick("mã xã", "commune code"),
        "ma_huyen" => lang.pick("mã huyện", "district code"),
        "ten_xa" => lang.pick("tên xã", "commune name"),
        "ten_huyen" => lang.pick("tên huyện", "district name"),
        "huyen" => lang.pick("huyện", "district"),
        "nam" => lang.pick("năm đánh giá", "assessment year"),
        GROUP_COLUMN => lang.pick("nhóm xã", "commune group"),
        _ => "",
    }
}

/// `3.2b và nc3.3`, `5a, 5b và 5n`.
fn joined(ids: &[&str], and: &str) -> String {
    match ids {
        [] => String::new(),
        [one] => (*one).to_string(),
        [head @ .., last] => format!("{} {and} {last}", head.join(", ")),
    }
}

/// A header that names several columns: refused, never guessed. An error when the run reads one of
/// them (a value would go into one column or the other), a note otherwise (neither is read anyway).
fn ambiguous(
    file: &str,
    line: usize,
    raw: &str,
    cols: &[usize],
    names: &Names,
    used: &[&str],
) -> Problem {
    let ids: Vec<&str> = cols.iter().map(|i| names.id(*i)).collect();
    let (vi, en) = (joined(&ids, "hoặc"), joined(&ids, "or"));
    let examples = |or: &str| {
        ids.iter()
            .take(2)
            .map(|id| format!("«{id} …»"))
            .collect::<Vec<_>>()
            .join(&format!(" {or} "))
    };
    let message = Text::new(
        format!(
            "tiêu đề này có thể là cột {vi}: ntm không đoán, cột không được đọc (các chỉ tiêu này được coi là thiếu số liệu)"
        ),
        format!(
            "this header could be column {en}: ntm does not guess, the column is not read (these indicators are treated as missing)"
        ),
    );
    let p = if ids.iter().any(|id| used.contains(id)) {
        Problem::error("ambiguous-column", file, message)
    } else {
        Problem::warning("ambiguous-column", file, message)
    };
    p.at(line, None).field(raw.trim()).expected(Text::new(
        format!("mã cột ở đầu tiêu đề, ví dụ {}", examples("hoặc")),
        format!(
            "the column id at the start of the header, e.g. {}",
            examples("or")
        ),
    ))
}

/// A header whose code and label name different columns (`1.1 – ` and the name of nâng cao's 1.1):
/// which one was meant cannot be told.
fn conflict(
    file: &str,
    line: usize,
    raw: &str,
    by_code: &[usize],
    by_label: &[usize],
    names: &Names,
    used: &[&str],
) -> Problem {
    let code: Vec<&str> = by_code.iter().map(|i| names.id(*i)).collect();
    let label: Vec<&str> = by_label.iter().map(|i| names.id(*i)).collect();
    let message = Text::new(
        format!(
            "mã ở đầu tiêu đề chỉ cột {} nhưng nhãn sau nó là tên của cột {}: ntm không đoán, cột không được đọc",
            joined(&code, "hoặc"),
            joined(&label, "hoặc")
        ),
        format!(
            "the code at the start of the header names column {} but the label after it is the name of column {}: ntm does not guess, the column is not read",
            joined(&code, "or"),
            joined(&label, "or")
        ),
    );
    let p = if code.iter().chain(&label).any(|id| used.contains(id)) {
        Problem::error("ambiguous-column", file, message)
    } else {
        Problem::warning("ambiguous-column", file, message)
    };
    p.at(line, None).field(raw.trim()).expected(Text::new(
        "mã và nhãn của cùng một cột, hoặc chỉ mã cột",
        "the id and the label of one column, or the id alone",
    ))
}

/// The notes for the header fields that name no column: one for each that looks like a column (with
/// the likely column), then one for all the others.
fn unknown_notes(
    problems: &mut Vec<Problem>,
    file: &str,
    line: usize,
    unknown: &[String],
    names: &Names,
    used: &[&str],
) {
    // A note for each of the first that look like a column; the others in one line.
    const HINTED: usize = 20;
    const LISTED: usize = 10;
    let mut others: Vec<&str> = Vec::new();
    let mut hinted = 0;
    for raw in unknown {
        let suggestion = (hinted < HINTED)
            .then(|| names.suggest(raw, used))
            .flatten();
        let Some(s) = suggestion else {
            others.push(raw);
            continue;
        };
        hinted += 1;
        let ids: Vec<&str> = s.ids.iter().map(String::as_str).collect();
        let (mut vi, mut en) = (
            format!(
                "cột không thuộc bộ tiêu chí nào, bỏ qua; có phải cột {}?",
                joined(&ids, "hay")
            ),
            format!(
                "column not read by any criteria set, ignored; did you mean column {}?",
                joined(&ids, "or")
            ),
        );
        if let Some(title) = &s.title {
            vi.push_str(&format!(" («{}»)", title.vi));
            en.push_str(&format!(" («{}»)", title.get(Lang::En)));
        }
        problems.push(
            Problem::warning("unknown-column", file, Text::new(vi, en))
                .at(line, None)
                .field(raw.as_str()),
        );
    }
    match others.as_slice() {
        [] => {}
        [one] => problems.push(
            Problem::warning(
                "unknown-column",
                file,
                Text::new(
                    "cột không thuộc bộ tiêu chí nào, bỏ qua",
                    "column not read by any criteria set, ignored",
                ),
            )
            .at(line, None)
            .field(*one),
        ),
        many => {
            let shown: Vec<String> = many.iter().take(LISTED).map(|r| format!("«{r}»")).collect();
            let more = many.len().saturating_sub(LISTED);
            let (tail_vi, tail_en) = if more > 0 {
                (format!(" và {more} cột khác"), format!(" and {more} more"))
            } else {
                (String::new(), String::new())
            };
            problems.push(
                Problem::warning(
                    "unknown-columns",
                    file,
                    Text::new(
                        format!(
                            "{} cột không thuộc bộ tiêu chí nào, bỏ qua: {}{tail_vi}",
                            many.len(),
                            shown.join(", ")
                        ),
                        format!(
                            "{} columns not read by any criteria set, ignored: {}{tail_en}",
                            many.len(),
                            shown.join(", ")
                        ),
                    ),
                )
                .at(line, None),
            );
        }
    }
}

/// Normalises line ends to `\n` (Excel writes `\r\n`), takes comment lines (`# …`, outside quoted
/// fields) out, and puts a space on every empty line, so that the csv reader, which counts `\r\n` and
/// skipped empty lines unreliably, reports the physical line of every record. A comment line becomes
/// an empty line: a quote inside it opens nothing, and the lines after it keep their numbers. (A cell
/// quoted over several lines gets `\n` line ends, and a space on an empty line inside it.)
///
/// Runs of ordinary bytes are copied whole (found with `memchr`); only line ends, quotes and the start
/// of a line are looked at one byte at a time.
struct BlankLines<R> {
    inner: R,
    delimiter: u8,
    chunk: Box<[u8]>,
    at_line_start: bool,
    pending_cr: bool,
    quote: Quoting,
    in_comment: bool,
    /// Spaces at the start of a line, held until the line shows whether it is a comment.
    leading: usize,
    /// The last byte written, to tell whether a quote opens a field.
    last: u8,
    out: Vec<u8>,
    pos: usize,
}

/// Where the text stands with respect to quoted fields.
#[derive(Clone, Copy, PartialEq)]
enum Quoting {
    Outside,
    Inside,
    /// A quote inside a quoted field: the field's end, or the first half of `""`.
    Closing,
}

impl<R: Read> BlankLines<R> {
    fn new(inner: R, delimiter: u8) -> Self {
        BlankLines {
            inner,
            delimiter,
            chunk: vec![0u8; 1 << 16].into_boxed_slice(),
            at_line_start: true,
            pending_cr: false,
            quote: Quoting::Outside,
            in_comment: false,
            leading: 0,
            last: b'\n',
            out: Vec::with_capacity(1 << 16),
            pos: 0,
        }
    }

    fn push(&mut self, b: u8) {
        self.out.push(b);
        self.last = b;
        self.at_line_start = false;
    }

    fn newline(&mut self) {
        self.in_comment = false;
        self.flush_leading();
        if self.at_line_start {
            self.out.push(b' ');
        }
        self.out.push(b'\n');
        self.last = b'\n';
        self.at_line_start = true;
        if self.quote == Quoting::Closing {
            self.quote = Quoting::Outside;
        }
    }

    fn flush_leading(&mut self) {
        for _ in 0..std::mem::take(&mut self.leading) {
            self.push(b' ');
        }
    }

    fn byte(&mut self, b: u8) {
        if self.in_comment {
            return;
        }
        if self.at_line_start && self.quote == Quoting::Outside {
            match b {
                b' ' => {
                    self.leading += 1;
                    return;
                }
                b'#' => {
                    self.in_comment = true;
                    self.leading = 0;
                    return;
                }
                _ => self.flush_leading(),
            }
        }
        self.quote = match (self.quote, b) {
            // A quote opens a field only at the field's start.
            (Quoting::Outside, b'"') if self.last == self.delimiter || self.last == b'\n' => {
                Quoting::Inside
            }
            (Quoting::Outside, _) => Quoting::Outside,
            (Quoting::Inside, b'"') => Quoting::Closing,
            (Quoting::Inside, _) => Quoting::Inside,
            (Quoting::Closing, b'"') => Quoting::Inside,
            (Quoting::Closing, _) => Quoting::Outside,
        };
        self.push(b);
    }

    fn fill(&mut self) -> std::io::Result<bool> {
        let mut chunk = std::mem::take(&mut self.chunk);
        let read = self.inner.read(&mut chunk);
        let n = match read {
            Ok(n) => n,
            Err(e) => {
                self.chunk = chunk;
                return Err(e);
            }
        };
        self.out.clear();
        self.pos = 0;
        if n == 0 {
            self.chunk = chunk;
            if self.pending_cr {
                self.pending_cr = false;
                self.newline();
            }
            self.flush_leading();
            return Ok(!self.out.is_empty());
        }
        let buf = &chunk[..n];
        let mut i = 0;
        while i < n {
            if self.pending_cr {
                self.pending_cr = false;
                self.newline();
                if buf[i] == b'\n' {
                    i += 1;
                    continue;
                }
            }
            // Within a line (not its start, not a comment), bytes up to the next line end or quote
            // are copied as they are.
            if !self.at_line_start && !self.in_comment && self.quote != Quoting::Closing {
                let rest = &buf[i..];
                let k = memchr::memchr3(b'\r', b'\n', b'"', rest).unwrap_or(rest.len());
                if k > 0 {
                    self.out.extend_from_slice(&rest[..k]);
                    self.last = rest[k - 1];
                    i += k;
                    continue;
                }
            } else if self.in_comment {
                let rest = &buf[i..];
                let k = memchr::memchr2(b'\r', b'\n', rest).unwrap_or(rest.len());
                if k > 0 {
                    i += k;
                    continue;
                }
            }
            match buf[i] {
                b'\r' => self.pending_cr = true,
                b'\n' => self.newline(),
                b => self.byte(b),
            }
            i += 1;
        }
        self.chunk = chunk;
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

/// How many rows a CSV file holds, from its size and the width of its first rows.
struct Sizing {
    file: u64,
    rows: u64,
    bytes: u64,
}

impl Sizing {
    /// Rows looked at before the file's rows are counted from its size.
    const SAMPLE: u64 = 1000;
    /// The most rows an estimate gives: first rows much shorter than the rest (blank cells at the
    /// top of a large file) would otherwise have the set made many times too large at once, before
    /// a row shows it. Two million keys are about 28 MB; more rows than that grow the set as they
    /// come (the province has a few hundred communes a year).
    const MOST: u64 = 2_000_000;

    /// Note a row `width` bytes wide; after [`Sizing::SAMPLE`] rows, the rows the file holds at
    /// that width, at most [`Sizing::MOST`] (an estimate: it only sizes the duplicate-key set).
    fn add(&mut self, width: usize) -> Option<usize> {
        self.rows += 1;
        self.bytes += width as u64;
        (self.rows == Sizing::SAMPLE).then(|| {
            let rows = self.file / (self.bytes / self.rows).max(1);
            usize::try_from(rows.min(Sizing::MOST)).unwrap_or(0)
        })
    }
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

/// The records of CSV text as Excel saves it: UTF-8 with or without a byte order mark, `,` `;` or tab
/// between fields (found from the first line that is not a comment), `\r\n` or `\n`, comment lines
/// (`# …`) taken out before the fields are split (a quote in a comment opens nothing). UTF-16 is
/// refused with what to do.
fn csv_source(file: &str, source: Box<dyn Read + Send>) -> Result<(Records, u8), Box<Problem>> {
    let mut buf = BufReader::with_capacity(1 << 16, source);
    let start = match buf.fill_buf() {
        Ok(b) => b.to_vec(),
        Err(e) => {
            return Err(Box::new(Problem::error(
                "io",
                file,
                Text::new(
                    format!("không đọc được tệp: {e}"),
                    format!("cannot read the file: {e}"),
                ),
            )));
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
        return Err(Box::new(
            Problem::error(
                "encoding",
                file,
                Text::new(
                    "tệp được lưu dạng UTF-16 (Unicode text): trong Excel hãy lưu lại dạng «CSV UTF-8»",
                    "the file is UTF-16 (Unicode text): save it from Excel as «CSV UTF-8»",
                ),
            )
            .at(1, None),
        ));
    }
    let bom = start.starts_with(&[0xEF, 0xBB, 0xBF]);
    if bom {
        buf.consume(3);
    }
    let text = String::from_utf8_lossy(&start[if bom { 3 } else { 0 }..]).into_owned();
    let delimiter = detect_delimiter(&text);
    let source: Box<dyn Read + Send> = Box::new(BlankLines::new(buf, delimiter));
    let shown = file.to_string();
    let records = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(source)
        .into_byte_records()
        .map(move |r| match r {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line() as usize);
                // Fields are read as text, so the whole record must be UTF-8 (checked once, fast).
                match CsvRecord::checked(rec) {
                    Some(rec) => Ok(Rec {
                        line,
                        fields: Fields::Csv(rec),
                    }),
                    None => Err(Box::new(not_utf8(&shown).at(line, None))),
                }
            }
            Err(e) => Err(Box::new(csv_problem(&shown, &e))),
        });
    Ok((super::ahead::records_ahead(Box::new(records)), delimiter))
}

fn detect_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
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

/// A file in another encoding than UTF-8 (Vietnamese files are often in Windows-1258, TCVN3 or VNI).
fn not_utf8(file: &str) -> Problem {
    Problem::error(
        "encoding",
        file,
        Text::new(
            "tệp không phải UTF-8 (có thể là Windows-1258, TCVN3 hay VNI): trong Excel hãy lưu lại dạng «CSV UTF-8»",
            "the file is not UTF-8 (perhaps Windows-1258, TCVN3 or VNI): save it from Excel as «CSV UTF-8»",
        ),
    )
}

fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    if let csv::ErrorKind::Utf8 { pos, .. } = e.kind() {
        let mut p = not_utf8(file);
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

/// The year of the first data row of `sheet` (a workbook's; the first visible one when `None`), to
/// pick a criteria version before reading the file properly. A workbook's sheet stays open for the run
/// that reads it next ([`xlsx::look_ahead`]).
pub fn first_year(path: &Path, sheet: Option<&str>) -> Option<i32> {
    // A pipe is read once, by the run itself.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    // Only the start of the file is read: the data file may be large. The year column is found in the
    // first record that has one (the header), the year in the first record after it that gives one.
    let mut pos = None;
    let mut year = |r: &Rec| match pos {
        None => {
            pos = (0..r.len()).find(|i| r.get(*i).is_some_and(super::header::is_year));
            None
        }
        Some(p) => r.get(p).and_then(|y| y.trim().parse().ok()),
    };
    const MOST: usize = 10_000;
    match xlsx::sniff(path) {
        // Named as the run names it, so that the run reads on from what was looked at here.
        Sniffed::Zip => xlsx::look_ahead(path, sheet, &path.display().to_string(), MOST, year),
        Sniffed::OldExcel => None,
        Sniffed::Text => csv_source("", Box::new(std::fs::File::open(path).ok()?))
            .ok()?
            .0
            .map_while(Result::ok)
            .take(MOST)
            .find_map(|r| year(&r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_year_is_read_from_the_sheet_the_run_reads() {
        // first_year keeps the sheet it opens, in the one place the xlsx tests look at.
        let _serial = crate::input::xlsx::KEPT_SERIAL
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        for (name, year) in [("A", 2023.0), ("B", 2024.0)] {
            let ws = wb.add_worksheet().set_name(name).unwrap();
            ws.write_string(0, 0, "ma_xa").unwrap();
            ws.write_string(0, 1, "nam").unwrap();
            ws.write_string(1, 0, "X1").unwrap();
            ws.write_number(1, 1, year).unwrap();
        }
        wb.save(&path).unwrap();
        assert_eq!(first_year(&path, None), Some(2023));
        assert_eq!(first_year(&path, Some("A")), Some(2023));
        assert_eq!(first_year(&path, Some("B")), Some(2024));
        assert_eq!(first_year(&path, Some("C")), None);
        let csv = dir.path().join("c.csv");
        std::fs::write(&csv, "# note\nma_xa;nam\nX1;\nX2;2022\n").unwrap();
        assert_eq!(first_year(&csv, None), Some(2022));
    }

    #[test]
    fn a_file_is_sized_from_its_first_rows_within_a_bound() {
        let sized = |file: u64, width: usize| {
            let mut s = Sizing {
                file,
                rows: 0,
                bytes: 0,
            };
            (1..Sizing::SAMPLE).for_each(|_| assert_eq!(s.add(width), None));
            s.add(width)
        };
        assert_eq!(sized(55_000_000, 550), Some(100_000));
        // 5 GB whose first rows are 95 separators: 52 million rows by them, held to the bound.
        assert_eq!(sized(5_000_000_000, 95), Some(2_000_000));
    }

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
