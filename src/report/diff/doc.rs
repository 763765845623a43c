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
                    let h = &mut held[kind.at()];
                    h.columns = header.len();
                    h.ids
                        .reserve_exact(rows.count(*kind).saturating_mul(header.len()));
                    h.last = vec![None; header.len()];
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
                    let mut lines = String::new();
                    let mut cells: Vec<(&str, Option<Tint>)> = Vec::new();
                    let mut measured: Vec<(&str, Option<Tint>, usize)> = Vec::new();
                    let h = &held[kind.at()];
                    for r in 0..h.rows {
                        measured.clear();
                        measured.extend(h.measured_row(r));
                        if !grid.row_measured(&laid, &measured, &mut lines) {
                            cells.clear();
                            cells.extend(measured.iter().map(|(s, t, _)| (*s, *t)));
                            grid.row(&laid, &cells, &mut lines);
                        }
                        if lines.len() >= 1 << 16 {
                            out.write_all(lines.as_bytes())?;
                            lines.clear();
                        }
                    }
                    out.write_all(lines.as_bytes())?;
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
/// come, once for the rows of a unit that repeat them.
#[derive(Default)]
struct Held {
    columns: usize,
    rows: usize,
    /// Per row, the id of each of its `columns` cells.
    ids: Vec<u32>,
    /// Each cell's text (where it ends in `text`) and colour, by id.
    text: String,
    cells: Vec<(usize, Option<Tint>)>,
    /// Each cell's width on a terminal, by id.
    widths: Vec<usize>,
    /// The distinct cells of the other columns, by column.
    known: HashMap<(usize, Option<Tint>, String), u32, Quick>,
    /// The cells handed over by key ([`Cell::Keyed`]), by column and key; and per column the last
    /// key met and its cell (rows of one unit or indicator repeat them).
    keyed: HashMap<(usize, [u64; 4]), u32, Quick>,
    last: Vec<Option<([u64; 4], u32)>>,
}

impl Held {
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
                })
                .collect();
            self.add(grid, row);
            return;
        }
        let at = self.ids.len();
        for j in 0..self.columns {
            let id = match cells.get_mut(j) {
                None => self.text_id(grid, at, j, "", None),
                Some(Cell::Text(s, t)) => self.text_id(grid, at, j, s, *t),
                Some(Cell::Keyed(key, make)) => match self.last.get(j) {
                    Some(Some((k, id))) if k == key => *id,
                    _ => {
                        let id = match self.keyed.get(&(j, *key)) {
                            Some(&id) => id,
                            None => {
                                // Its key stands for its text: the cell is kept and measured
                                // once, not also looked for by text (most values of a million rows
                                // are distinct: a second table of them would double its memory).
                                let (s, t) = make();
                                grid.measure(j, &s);
                                let id = self.keep(&s, t);
                                self.keyed.insert((j, *key), id);
                                id
                            }
                        };
                        if let Some(l) = self.last.get_mut(j) {
                            *l = Some((*key, id));
                        }
                        id
                    }
                },
            };
            self.ids.push(id);
        }
        self.rows += 1;
    }

    /// The id of cell `(s, t)` in column `j` of the row starting at `at` (not the first): as on the
    /// row above, else a code or name kept anew, else the column's cell of that text.
    fn text_id(&mut self, grid: &mut Grid, at: usize, j: usize, s: &str, t: Option<Tint>) -> u32 {
        let above = self.ids[at - self.columns + j];
        if self.cell(above) == (s, t) {
            return above;
        }
        if j < 2 {
            grid.measure(j, s);
            return self.keep(s, t);
        }
        let key = (j, t, s.to_string());
        match self.known.get(&key) {
            Some(&id) => id,
            None => {
                grid.measure(j, s);
                let id = self.keep(s, t);
                self.known.insert(key, id);
                id
            }
        }
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
            // As on the row above (a unit's rows repeat its code and name, often its set), or new.
            let above = (self.rows > 0)
                .then(|| self.ids[at - self.columns + j])
                .filter(|&id| self.cell(id) == (s.as_str(), t));
            let id = if let Some(id) = above {
                id
            } else if j < 2 {
                grid.measure(j, &s);
                self.keep(&s, t)
            } else {
                let key = (j, t, s);
                match self.known.get(&key) {
                    Some(&id) => id,
                    None => {
                        grid.measure(j, &key.2);
                        let id = self.keep(&key.2, t);
                        self.known.insert(key, id);
                        id
                    }
                }
            };
            self.ids.push(id);
        }
        self.rows += 1;
    }

    /// Keep a cell's text as a table shows it (a line break is a space, as [`Grid::row`] makes it),
    /// with its width.
    fn keep(&mut self, s: &str, t: Option<Tint>) -> u32 {
        let start = self.text.len();
        if s.contains(['\n', '\r']) {
            self.text.push_str(&s.replace(['\n', '\r'], " "));
        } else {
            self.text.push_str(s);
        }
        self.widths.push(grid::cell_width(&self.text[start..]));
        self.cells.push((self.text.len(), t));
        u32::try_from(self.cells.len() - 1).unwrap_or(u32::MAX)
    }

    /// The cells of row `r` with their widths.
    fn measured_row(&self, r: usize) -> impl Iterator<Item = (&str, Option<Tint>, usize)> + '_ {
        self.ids[r * self.columns..(r + 1) * self.columns]
            .iter()
            .map(|&id| {
                let (s, t) = self.cell(id);
                (s, t, self.widths[id as usize])
            })
    }

    fn cell(&self, id: u32) -> (&str, Option<Tint>) {
        let id = id as usize;
        let start = id.checked_sub(1).map_or(0, |p| self.cells[p].0);
        let (end, t) = self.cells[id];
        (&self.text[start..end], t)
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
    let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let cells: Vec<String> = cells.iter().map(|c| esc(c)).collect();
    format!("| {} |\n", cells.join(" | "))
}
