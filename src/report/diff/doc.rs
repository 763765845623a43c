//! A `diff` report as a sequence of pieces (headings, prose, tables of ready-made cells), built once
//! from the comparison and then written as a text table, Markdown or HTML: every format says the
//! same thing, and none of them computes anything.
//!
//! The tables of one row per unit, or per indicator that changed, are not held: their pieces name
//! the table ([`Big`]) and its rows are made from the comparison's units when the table is written
//! ([`Rows`]). A text table, whose columns are as wide as their widest cell, is measured in a first
//! pass over every such table at once, then written row by row; Markdown and HTML in one pass.

use std::io::{self, Write};

use std::collections::HashMap;

use super::{Quick, Row, block};
use crate::report::grid::{self, Grid, Tint};
use crate::report::{Format, Style};

/// A table made from the comparison's units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Big {
    /// One row per unit (and per old commune of a merged one).
    Communes,
    /// One row per indicator that turned.
    Flips,
    /// One row per indicator judged on one side only.
    OneSided,
}

impl Big {
    const ALL: [Big; 3] = [Big::Communes, Big::Flips, Big::OneSided];

    fn at(self) -> usize {
        match self {
            Big::Communes => 0,
            Big::Flips => 1,
            Big::OneSided => 2,
        }
    }
}

/// Where the rows of the [`Big`] tables come from.
pub(super) trait Rows {
    /// Each row of table `kind`, in order.
    fn each(&self, kind: Big, f: &mut dyn FnMut(Row) -> io::Result<()>) -> io::Result<()>;
    /// Every row of the tables in `kinds`, in one pass over the units (to measure them), each to
    /// `keep` as a row or as its cells.
    fn all(&self, kinds: &[Big], keep: &mut dyn Keep);
    /// How many rows table `kind` has, as far as known beforehand (to hold them without growing).
    fn count(&self, _kind: Big) -> usize {
        0
    }
    /// The legend written under table `kind` once its rows are written (its title, header and
    /// rows), if it has one.
    fn legend(&self, _kind: Big) -> Option<(String, Vec<String>, Vec<Row>)> {
        None
    }
}

/// A cell of a [`Big`] table handed over to be kept ([`Keep::cells`]).
pub(super) enum Cell<'a> {
    /// Its text and colour.
    Text(&'a str, Option<Tint>),
    /// The text and colour `make` gives, made only the first time the column meets `key` (the
    /// same key always makes the same text): a row of a million repeats its set, indicator,
    /// thresholds and most of its values, which are then neither formatted nor hashed as text again.
    Keyed([u64; 4], &'a mut dyn FnMut() -> (String, Option<Tint>)),
    /// The cell of the row above in this column (the rows of a unit repeat its code and name),
    /// not compared with it again; empty on a table's first row.
    Above,
}

/// Where [`Rows::all`] puts the rows it makes.
pub(super) trait Keep {
    /// A row of table `kind`.
    fn row(&mut self, kind: Big, row: Row);
    /// A row of table `kind`, cell by cell.
    fn cells(&mut self, kind: Big, cells: &mut [Cell<'_>]);
}

/// The [`Big`] tables measured and kept ([`Held`]) by [`Doc::write_text`].
struct Kept<'a> {
    grids: &'a mut [Option<Grid>; 3],
    held: &'a mut [Held; 3],
}

impl Keep for Kept<'_> {
    fn row(&mut self, kind: Big, row: Row) {
        if let Some(g) = self.grids[kind.at()].as_mut() {
            self.held[kind.at()].add(g, row);
        }
    }

    fn cells(&mut self, kind: Big, cells: &mut [Cell<'_>]) {
        if let Some(g) = self.grids[kind.at()].as_mut() {
            self.held[kind.at()].add_cells(g, cells);
        }
    }
}

/// One piece of the report.
pub(super) enum Piece {
    /// The report's title.
    Title(String),
    /// A section's heading (the summary, the districts).
    Section(String),
    /// Prose, as lines each ending in `\n` (a leading `\n` is a blank line in text).
    Text(String),
    /// A table, with its title if any.
    Table {
        title: Option<String>,
        header: Vec<String>,
        rows: Vec<Row>,
    },
    /// A table whose rows are made when it is written.
    Units {
        title: Option<String>,
        header: Vec<String>,
        kind: Big,
    },
}

/// The report, in order.
#[derive(Default)]
pub(super) struct Doc(pub(super) Vec<Piece>);

impl Doc {
    pub(super) fn title(&mut self, t: impl Into<String>) {
        self.0.push(Piece::Title(t.into()));
    }

    pub(super) fn section(&mut self, t: impl Into<String>) {
        self.0.push(Piece::Section(t.into()));
    }

    pub(super) fn text(&mut self, t: impl Into<String>) {
        self.0.push(Piece::Text(t.into()));
    }

    pub(super) fn table(&mut self, title: Option<&str>, header: Vec<String>, rows: Vec<Row>) {
        self.0.push(Piece::Table {
            title: title.map(str::to_string),
            header,
            rows,
        });
    }

    pub(super) fn units(&mut self, title: Option<&str>, header: Vec<String>, kind: Big) {
        self.0.push(Piece::Units {
            title: title.map(str::to_string),
            header,
            kind,
        });
    }

    /// The report as a text table or Markdown, to `out`.
    pub(super) fn write_text(
        self,
        format: Format,
        style: &Style,
        rows: &dyn Rows,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let md = format == Format::Md;
        // A text table's columns are as wide as their widest cell: its rows are made once, kept as
        // their distinct cells ([`Held`]) and measured by them, then written.
        let mut grids: [Option<Grid>; 3] = [None, None, None];
        let mut held: [Held; 3] = Default::default();
        if !md {
            for p in &self.0 {
                if let Piece::Units { header, kind, .. } = p {
                    grids[kind.at()] = Some(units_grid(header.clone()));
                    held[kind.at()].start(header.len(), rows.count(*kind));
                }
            }
            let kinds: Vec<Big> = Big::ALL
                .into_iter()
                .filter(|k| grids[k.at()].is_some())
                .collect();
            if !kinds.is_empty() {
                rows.all(
                    &kinds,
                    &mut Kept {
                        grids: &mut grids,
                        held: &mut held,
                    },
                );
            }
            for (g, h) in grids.iter_mut().zip(&held) {
                if let Some(g) = g {
                    g.counted(h.rows);
                }
            }
        }
        for p in self.0 {
            match p {
                Piece::Title(t) if md => write!(out, "## {t}\n\n")?,
                Piece::Title(t) => writeln!(out, "{t}")?,
                Piece::Section(t) if md => write!(out, "\n## {t}\n")?,
                Piece::Section(t) => write!(out, "\n{t}\n")?,
                Piece::Text(t) => out.write_all(t.as_bytes())?,
                Piece::Table {
                    title,
                    header,
                    rows,
                } => {
                    out.write_all(block(format, style, title.as_deref(), header, rows).as_bytes())?
                }
                Piece::Units {
                    title,
                    header,
                    kind,
                } if md => {
                    if let Some(t) = title {
                        write!(out, "\n### {t}\n")?;
                    }
                    out.write_all(b"\n")?;
                    out.write_all(md_line(&header).as_bytes())?;
                    writeln!(out, "|{}", "---|".repeat(header.len()))?;
                    rows.each(kind, &mut |row| {
                        let cells: Vec<String> = row.into_iter().map(|c| c.0).collect();
                        out.write_all(md_line(&cells).as_bytes())
                    })?;
                    if let Some((t, h, r)) = rows.legend(kind) {
                        out.write_all(block(format, style, Some(&t), h, r).as_bytes())?;
                    }
                }
                Piece::Units { title, kind, .. } => {
                    if let Some(t) = title {
                        write!(out, "\n{t}\n")?;
                    }
                    let Some(grid) = grids[kind.at()].as_ref() else {
                        continue;
                    };
                    let (laid, head) = grid.start(style.width.map(usize::from), style.color);
                    out.write_all(head.as_bytes())?;
                    // Lines are gathered and written a block at a time.
                    let mut lines: Vec<u8> = Vec::new();
                    let mut flush = |lines: &mut Vec<u8>| -> io::Result<()> {
                        if lines.len() >= 1 << 16 {
                            out.write_all(lines)?;
                            lines.clear();
                        }
                        Ok(())
                    };
                    let mut h = std::mem::take(&mut held[kind.at()]);
                    h.kept();
                    if let Some(line) = grid.line_of(&laid) {
                        // One line a row (no width): written from the cells as kept, measured and
                        // laid out once.
                        let h = h.lay(line);
                        for r in 0..h.rows {
                            h.write_row(r, &mut lines);
                            flush(&mut lines)?;
                        }
                    } else {
                        let (mut cells, mut wrapped) = (Vec::new(), String::new());
                        for r in 0..h.rows {
                            cells.clear();
                            cells.extend(h.row(r));
                            wrapped.clear();
                            grid.row(&laid, &cells, &mut wrapped);
                            lines.extend_from_slice(wrapped.as_bytes());
                            flush(&mut lines)?;
                        }
                    }
                    out.write_all(&lines)?;
                    out.write_all(grid.end(&laid).as_bytes())?;
                    if let Some((t, h, r)) = rows.legend(kind) {
                        out.write_all(block(format, style, Some(&t), h, r).as_bytes())?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The rows of a [`Big`] table, kept as ids of their distinct cells: a table of 100,000 communes has
/// a million rows of indicators, whose cells (a set, an indicator, a value, a threshold, a
/// direction) repeat. The cells of a row's first two columns (a code and a name) are kept as they
/// come, once for the rows of a unit that repeat them; so is a long cell (a unit's list of the
/// indicators that turned), which seldom repeats.
///
/// Its ids take four bytes each up to the id `MOST`, eight from the first id past it ([`Ids`]): up
/// to the largest four bytes hold, except in a test that makes them outgrow four bytes sooner.
struct Held<const MOST: u32 = { u32::MAX }> {
    columns: usize,
    rows: usize,
    /// Per row, the id of each of its `columns` cells.
    ids: Ids,
    /// Each cell's text, width on a terminal and colour, by id.
    texts: Texts,
    /// What finds a column's cells again, by column.
    found: Vec<Found>,
}

/// The rows of a [`Held`] table laid out for a line ([`Held::lay`]): each distinct cell is its
/// piece of a row's line, and a row's line is its cells' pieces ([`LaidRows::write_row`]).
struct LaidRows {
    columns: usize,
    rows: usize,
    /// Per row, the id of each of its `columns` cells (as [`Held::ids`]).
    ids: Ids,
    /// Every cell's piece, one after another, and where each starts, by id (each ends where the
    /// next starts).
    pieces: Vec<u8>,
    starts: Vec<usize>,
    /// The columns a line shows, in order.
    order: Vec<usize>,
}

impl<const MOST: u32> Default for Held<MOST> {
    fn default() -> Self {
        Held {
            columns: 0,
            rows: 0,
            ids: Ids::Narrow(Vec::new()),
            texts: Texts::default(),
            found: Vec::new(),
        }
    }
}

/// The ids of the rows' cells: four bytes each while every id fits, eight once one does not.
enum Ids {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl Ids {
    fn len(&self) -> usize {
        match self {
            Ids::Narrow(v) => v.len(),
            Ids::Wide(v) => v.len(),
        }
    }

    fn get(&self, k: usize) -> Option<usize> {
        match self {
            Ids::Narrow(v) => v.get(k).map(|&id| id.at()),
            Ids::Wide(v) => v.get(k).map(|&id| id.at()),
        }
    }

    fn reserve_exact(&mut self, n: usize) {
        match self {
            Ids::Narrow(v) => v.reserve_exact(n),
            Ids::Wide(v) => v.reserve_exact(n),
        }
    }

    /// Add `id`: in four bytes while it is at most `MOST` ([`Held`]).
    #[inline]
    fn push<const MOST: u32>(&mut self, id: usize) {
        match self {
            Ids::Narrow(v) => match u32::try_from(id) {
                Ok(narrow) if narrow <= MOST => v.push(narrow),
                _ => self.widen(id),
            },
            Ids::Wide(v) => v.push(id),
        }
    }

    /// Too many distinct cells for four bytes: every id takes eight from `id` on.
    #[cold]
    fn widen(&mut self, id: usize) {
        if let Ids::Narrow(v) = self {
            let mut wide = Vec::with_capacity(v.capacity().max(v.len() + 1));
            wide.extend(v.iter().map(|&id| id.at()));
            *self = Ids::Wide(wide);
        }
        if let Ids::Wide(v) = self {
            v.push(id);
        }
    }
}

/// An id as [`Ids`] keeps it.
trait Id: Copy {
    fn at(self) -> usize;
}

impl Id for u32 {
    #[inline]
    fn at(self) -> usize {
        self as usize
    }
}

impl Id for usize {
    #[inline]
    fn at(self) -> usize {
        self
    }
}

/// What finds the cells of one column again: by key ([`Cell::Keyed`]), with the last key met and
/// its cell (rows of one unit or indicator repeat them); by text, one map a colour ([`tint_at`]).
#[derive(Default)]
struct Found {
    keyed: HashMap<Key, usize, Quick>,
    last: Option<([u64; 4], usize)>,
    known: [HashMap<String, usize, Quick>; 4],
}

/// Which of [`Found::known`] keeps the cells of colour `t`.
fn tint_at(t: Option<Tint>) -> usize {
    match t {
        None => 0,
        Some(Tint::Green) => 1,
        Some(Tint::Red) => 2,
        Some(Tint::Yellow) => 3,
    }
}

/// Whether two keys are the same, word by word without a branch.
fn same_key(a: &[u64; 4], b: &[u64; 4]) -> bool {
    ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0
}

/// Where a kept cell's text starts in [`Texts::text`] (each ends where the next cell's starts), its
/// width on a terminal ([`grid::cell_width`]), its column and
/// its colour.
struct Stored {
    start: usize,
    width: usize,
    /// A table has a handful of columns.
    column: u32,
    tint: Option<Tint>,
}

/// The texts of the kept cells, one after another, and where each is ([`Stored`]).
#[derive(Default)]
struct Texts {
    text: String,
    cells: Vec<Stored>,
}

impl Texts {
    /// Cell `id`.
    fn cell(&self, id: usize) -> (&str, Option<Tint>) {
        let Some(c) = self.cells.get(id) else {
            return ("", None);
        };
        let end = self.cells.get(id + 1).map_or(self.text.len(), |c| c.start);
        (self.text.get(c.start..end).unwrap_or_default(), c.tint)
    }

    /// Keep a new cell of column `j`, measured with `grid` (once): its text as a table shows it (a
    /// line break is a space, [`grid::one_line`]), with its width.
    fn keep(&mut self, grid: &mut Grid, j: usize, s: &str, t: Option<Tint>) -> usize {
        let start = self.text.len();
        self.text.push_str(&grid::one_line(s));
        let text = &self.text[start..];
        let (width, word) = grid::cell_widths(text);
        grid.measured(j, text, width, word);
        self.cells.push(Stored {
            start,
            width,
            column: u32::try_from(j).unwrap_or(u32::MAX),
            tint: t,
        });
        self.cells.len() - 1
    }
}

/// The key of a [`Cell::Keyed`], hashed word by word: an array hashes as its bytes, which cost more
/// than keeping the rest of the row.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Key([u64; 4]);

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for w in self.0 {
            state.write_u64(w);
        }
    }
}

/// A cell longer than this is kept as it comes, not looked for among the column's cells.
const LONG: usize = 64;

impl<const MOST: u32> Held<MOST> {
    /// Ready to keep the rows of a table of `columns` columns, about `rows` of them.
    fn start(&mut self, columns: usize, rows: usize) {
        self.columns = columns;
        self.ids.reserve_exact(rows.saturating_mul(columns));
        self.found = (0..columns).map(|_| Found::default()).collect();
    }

    /// The id of cell `j` of the row above the row starting at `at` (not the first).
    fn above(&self, at: usize, j: usize) -> usize {
        self.ids.get(at - self.columns + j).unwrap_or_default()
    }

    /// Keep a row handed over cell by cell: as [`Held::add`] keeps it, a keyed cell made only when its
    /// column has not met its key yet.
    fn add_cells(&mut self, grid: &mut Grid, cells: &mut [Cell<'_>]) {
        if self.rows == 0 {
            // The first row is the grid's own (Grid::push): made whole.
            let row: Row = cells
                .iter_mut()
                .map(|c| match c {
                    Cell::Text(s, t) => (s.to_string(), *t),
                    Cell::Keyed(_, make) => make(),
                    Cell::Above => (String::new(), None),
                })
                .collect();
            self.add(grid, row);
            return;
        }
        let at = self.ids.len();
        for j in 0..self.columns {
            let id = match cells.get_mut(j) {
                None => self.text_id(grid, at, j, "", None),
                Some(Cell::Text(s, t)) => self.text_id(grid, at, j, *s, *t),
                Some(Cell::Above) => self.above(at, j),
                Some(Cell::Keyed(key, make)) => {
                    let Some(found) = self.found.get_mut(j) else {
                        let (s, t) = make();
                        self.ids.push::<MOST>(self.texts.keep(grid, j, &s, t));
                        continue;
                    };
                    match found.last {
                        Some((k, id)) if same_key(&k, key) => id,
                        _ => {
                            let id = match found.keyed.get(&Key(*key)) {
                                Some(&id) => id,
                                None => {
                                    // Its key stands for its text: the cell is kept and measured
                                    // once, not also looked for by text (most values of a million
                                    // rows are distinct: a second table of them would double its
                                    // memory).
                                    let (s, t) = make();
                                    let id = self.texts.keep(grid, j, &s, t);
                                    found.keyed.insert(Key(*key), id);
                                    id
                                }
                            };
                            found.last = Some((*key, id));
                            id
                        }
                    }
                }
            };
            self.ids.push::<MOST>(id);
        }
        self.rows += 1;
    }

    /// The id of cell `(s, t)` in column `j` of the row starting at `at`: as on the row above (a
    /// unit's rows repeat its code and name, often its set), else a code, a name or a long cell
    /// kept anew, else the column's cell of that text (kept and measured with `grid` when new).
    fn text_id<S>(&mut self, grid: &mut Grid, at: usize, j: usize, s: S, t: Option<Tint>) -> usize
    where
        S: AsRef<str> + Into<String>,
    {
        let text = s.as_ref();
        if self.rows > 0 {
            let above = self.above(at, j);
            if self.texts.cell(above) == (text, t) {
                return above;
            }
        }
        if j < 2 || text.len() > LONG {
            return self.texts.keep(grid, j, text, t);
        }
        let Some(found) = self.found.get_mut(j) else {
            return self.texts.keep(grid, j, text, t);
        };
        let known = &mut found.known[tint_at(t)];
        if let Some(&id) = known.get(text) {
            return id;
        }
        let id = self.texts.keep(grid, j, text, t);
        known.insert(s.into(), id);
        id
    }

    /// Keep `row`, measuring each cell not seen yet in its column with `grid`.
    fn add(&mut self, grid: &mut Grid, row: Row) {
        if self.rows == 0 {
            grid.push(row.iter().map(|(s, t)| (s.as_str(), *t)));
        }
        let at = self.ids.len();
        let mut row = row.into_iter();
        for j in 0..self.columns {
            let (s, t) = row.next().unwrap_or_default();
            let id = self.text_id(grid, at, j, s, t);
            self.ids.push::<MOST>(id);
        }
        self.rows += 1;
    }

    /// The cells of row `r`.
    fn row(&self, r: usize) -> impl Iterator<Item = (&str, Option<Tint>)> + '_ {
        (r * self.columns..(r + 1) * self.columns)
            .map(|k| self.texts.cell(self.ids.get(k).unwrap_or_default()))
    }

    /// Every row is kept: what finds a cell by its text or key is let go (it is as large as the
    /// table's distinct cells, and the table is written next).
    fn kept(&mut self) {
        self.found = Vec::new();
    }

    /// Lay every kept cell out for `line`, once: each becomes its piece of a row's line
    /// ([`grid::Line::piece`]), which [`LaidRows::write_row`] copies. The texts are let go.
    fn lay(self, line: &grid::Line) -> LaidRows {
        let place: Vec<Option<usize>> = (0..self.columns).map(|j| line.place(j)).collect();
        let place = |c: &Stored| place.get(c.column as usize).copied().flatten();
        let texts = &self.texts;
        let size = (0..texts.cells.len())
            .map(|id| {
                let c = &texts.cells[id];
                place(c).map_or(0, |k| {
                    line.piece_len(k, texts.cell(id).0.len(), c.tint, c.width)
                })
            })
            .sum();
        let mut pieces = Vec::with_capacity(size);
        let mut starts = Vec::with_capacity(texts.cells.len());
        for (id, c) in texts.cells.iter().enumerate() {
            starts.push(pieces.len());
            if let Some(k) = place(c) {
                line.piece(k, texts.cell(id).0, c.tint, c.width, &mut pieces);
            }
        }
        LaidRows {
            columns: self.columns,
            rows: self.rows,
            ids: self.ids,
            pieces,
            starts,
            order: line.shown().collect(),
        }
    }
}

impl LaidRows {
    /// Row `r`'s line, appended to `out`, from its cells' pieces.
    fn write_row(&self, r: usize, out: &mut Vec<u8>) {
        let start = out.len();
        match &self.ids {
            Ids::Narrow(ids) => self.write_pieces(ids, r, out),
            Ids::Wide(ids) => self.write_pieces(ids, r, out),
        }
        grid::Line::end(out, start);
    }

    /// The pieces of row `r`'s cells, their ids in `ids` (four or eight bytes each).
    #[inline]
    fn write_pieces<I: Id>(&self, ids: &[I], r: usize, out: &mut Vec<u8>) {
        let at = r * self.columns;
        if let Some(ids) = ids.get(at..at + self.columns) {
            for &j in &self.order {
                let id = ids.get(j).map_or(usize::MAX, |&id| id.at());
                out.extend_from_slice(self.piece(id));
            }
        }
    }

    /// Cell `id`'s piece (none for an id not kept).
    #[inline]
    fn piece(&self, id: usize) -> &[u8] {
        let end = self.pieces.len();
        let start = self.starts.get(id).map_or(end, |&s| s);
        let end = self.starts.get(id + 1).map_or(end, |&s| s);
        self.pieces.get(start..end).unwrap_or_default()
    }
}

/// The grid of a [`Big`] table, measuring its rows: laid out as [`block`] lays out a table.
fn units_grid(header: Vec<String>) -> Grid {
    let mut g = Grid::plain(header).measuring();
    // The code and the name of a commune or district stay on one line.
    g.keep(0);
    g.keep(1);
    g
}

/// One line of a Markdown table, as [`crate::report::md_table`] writes it.
fn md_line(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| crate::report::md_cell(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows kept by their distinct cells, some handed over by key or as the row above, are written
    /// as a grid holding every row writes them, byte for byte; a key's cell is made once.
    #[test]
    fn a_table_kept_by_its_distinct_cells_is_written_as_its_rows() {
        let header = ["Mã", "Xã", "Giá trị", "Ghi chú"];
        let long =
            "xã NTM ↓2.1 ↑2.4 ↓4.2 ↓5 ↓6.1 ↓6.3 ↓7 ↑8.3 ↓9.2 ↓10 ↓11 ↓13.4 ↑14.1 ↓14.2 ↓15.3";
        let rows: Vec<[(&str, Option<Tint>); 4]> = vec![
            [
                ("06501", None),
                ("Gia Cát", None),
                ("85,5 %", None),
                ("", None),
            ],
            [
                ("06501", None),
                ("Gia Cát", None),
                ("Đạt", Some(Tint::Green)),
                (long, None),
            ],
            [
                ("06512", None),
                ("Công\nSơn", None),
                ("85,5 %", None),
                (long, None),
            ],
            [
                ("06512", None),
                ("Công\nSơn", None),
                ("Đạt", Some(Tint::Green)),
                ("x ", None),
            ],
            [
                ("06513", None),
                ("Tân", None),
                ("12", None),
                ("hai\ndòng", Some(Tint::Red)),
            ],
        ];
        let mut all = Grid::plain(header);
        all.keep(0);
        all.keep(1);
        for r in &rows {
            all.push(r.iter().copied());
        }
        // Ids of four bytes, and ids that outgrow them (here past the id 3, or 0: a table of more
        // than four billion distinct cells would): the same lines.
        for (color, wide, (head, kept, laid_rows, widened)) in [
            (false, false, keep::<{ u32::MAX }>(&header, &rows, false)),
            (true, false, keep::<{ u32::MAX }>(&header, &rows, true)),
            (false, true, keep::<3>(&header, &rows, false)),
            (true, true, keep::<0>(&header, &rows, true)),
        ] {
            assert_eq!(widened, wide);
            let (all_laid, all_head) = all.start(None, color);
            assert_eq!(head, all_head);
            for (r, row) in rows.iter().enumerate() {
                let (mut want, mut got, mut again) = (String::new(), Vec::new(), String::new());
                all.row(&all_laid, row, &mut want);
                laid_rows.write_row(r, &mut got);
                assert_eq!(String::from_utf8(got).unwrap(), want, "row {r}");
                all.row(&all_laid, &kept[r], &mut again);
                assert_eq!(again, want, "row {r}");
            }
        }
    }

    /// Each row's cells, as kept.
    type KeptCells = Vec<Vec<(String, Option<Tint>)>>;

    /// The rows kept by a [`Held`] whose ids outgrow four bytes past the id `MOST`, some handed
    /// over by key or as the row above, laid out with colours or not: the header, the cells as
    /// kept, the rows laid out, and whether the ids outgrew four bytes.
    fn keep<const MOST: u32>(
        header: &[&str],
        rows: &[[(&str, Option<Tint>); 4]],
        color: bool,
    ) -> (String, KeptCells, LaidRows, bool) {
        let mut grid = units_grid(header.iter().map(|h| h.to_string()).collect());
        let mut held = Held::<MOST>::default();
        held.start(header.len(), rows.len());
        let mut made = 0;
        for (i, r) in rows.iter().enumerate() {
            if i == 4 {
                // A row handed over whole.
                let row: Row = r.iter().map(|(s, t)| (s.to_string(), *t)).collect();
                held.add(&mut grid, row);
                continue;
            }
            let (value, tint) = r[2];
            let mut make = || {
                made += 1;
                (value.to_string(), tint)
            };
            let mut cells = [
                if i % 2 == 1 {
                    Cell::Above
                } else {
                    Cell::Text(r[0].0, None)
                },
                if i % 2 == 1 {
                    Cell::Above
                } else {
                    Cell::Text(r[1].0, None)
                },
                Cell::Keyed([u64::from(tint.is_some()), 0, 0, 0], &mut make),
                Cell::Text(r[3].0, r[3].1),
            ];
            held.add_cells(&mut grid, &mut cells);
        }
        grid.counted(held.rows);
        // The first row is made whole (not kept by its key); then each key once: "Đạt" on the
        // second row, found again on the fourth; "85,5 %" on the third.
        assert_eq!(made, 3);
        let widened = matches!(held.ids, Ids::Wide(_));
        held.kept();
        let (laid, head) = grid.start(None, color);
        let line = grid.line_of(&laid).unwrap();
        // The cells as kept, then laid out as pieces of a line.
        let kept = (0..rows.len())
            .map(|r| held.row(r).map(|(s, t)| (s.to_string(), t)).collect())
            .collect();
        (head, kept, held.lay(line), widened)
    }
}
