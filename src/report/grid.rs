//! Text tables sized to the width they get.
//!
//! A [`Grid`] keeps its cells in one buffer (a few bytes of bookkeeping a cell: 200,000 communes of
//! a dozen columns hold in tens of megabytes) and lays them out only when rendered, once every width
//! is known. At a given width it never breaks a word or a number: a column that may wrap does so
//! between words, and is never made narrower than its longest word; headers wrap the same way. When
//! even that does not fit, a column marked to spill leaves the table and is listed below it, each
//! value after the row's first cells. Columns marked as constant are left out when every row has the
//! same value, which is said once above the table. Without a width (a file, a pipe), each row is one
//! line.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

/// The colour of a cell on a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tint {
    Green,
    Red,
    Yellow,
}

impl Tint {
    fn code(self) -> &'static str {
        match self {
            Tint::Green => "32",
            Tint::Red => "31",
            Tint::Yellow => "33",
        }
    }
}

/// How a column is laid out.
#[derive(Debug, Clone)]
pub struct Column {
    header: String,
    right: bool,
    wrap: bool,
    constant: bool,
    spill: bool,
    group: bool,
    key: bool,
}

impl Column {
    pub fn new(header: impl Into<String>) -> Self {
        Column {
            header: header.into(),
            right: false,
            wrap: false,
            constant: false,
            spill: false,
            group: false,
            key: false,
        }
    }

    /// Aligned to the right (numbers, `19/19`).
    pub fn right(mut self) -> Self {
        self.right = true;
        self
    }

    /// May wrap between words.
    pub fn wrap(mut self) -> Self {
        self.wrap = true;
        self
    }

    /// Left out, and said once above the table, when every row has the same value.
    pub fn constant(mut self) -> Self {
        self.constant = true;
        self
    }

    /// Not a column on a terminal: a value heads the rows from its own row on, on a line of its own
    /// (the criterion above its indicators). Markdown keeps it as a column.
    pub fn group(mut self) -> Self {
        self.group = true;
        self
    }

    /// Names the row in the lists below the table (by default, the first two columns shown).
    pub fn key(mut self) -> Self {
        self.key = true;
        self
    }

    /// Listed below the table instead of in it when the width is too small for it (implies `wrap`).
    pub fn spill(mut self) -> Self {
        self.spill = true;
        self.wrap = true;
        self
    }
}

/// The space between two columns.
const GAP: usize = 2;
/// The narrowest a spilling column may become before it goes below the table.
const SPILL_MIN: usize = 24;

/// A table of text cells.
#[derive(Debug, Clone)]
pub struct Grid {
    cols: Vec<Column>,
    /// Every cell's text, one after another, row by row.
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
    tints: Vec<Option<Tint>>,
    /// Per column: the widest cell, the widest word, and whether every row so far has the same value.
    widest: Vec<usize>,
    longest_word: Vec<usize>,
    same: Vec<bool>,
    hidden: Vec<bool>,
    /// Per column: every non-empty cell so far is a number (`7`, `19/19`, `85,5 %`).
    numeric: Vec<bool>,
    /// Columns made by [`Grid::plain`]: aligned right when all numbers.
    auto: bool,
    rows: usize,
    /// A line said right under the table (what the cells mean).
    note: Option<String>,
    /// Whether the rows are kept (else only the first, and what every row measures: see
    /// [`Grid::measuring`]).
    hold: bool,
}

/// A grid laid out for a width: what [`Grid::render`] writes, and what a table too long to hold is
/// written with, row by row ([`Grid::start`], [`Grid::row`]).
#[derive(Debug, Clone)]
pub struct Laid {
    width: Option<usize>,
    color: bool,
    groups: Vec<usize>,
    shown: Vec<usize>,
    widths: Vec<usize>,
    spilled: Vec<usize>,
    /// Too many columns for the width: each row as a block.
    records: bool,
    /// The lines of the header (plain, every cell to the left) and of the rows.
    head: Line,
    body: Line,
}

impl Grid {
    pub fn new(cols: Vec<Column>) -> Self {
        let n = cols.len();
        Grid {
            cols,
            text: String::new(),
            ends: Vec::new(),
            tints: Vec::new(),
            widest: vec![0; n],
            longest_word: vec![0; n],
            same: vec![true; n],
            hidden: vec![false; n],
            numeric: vec![true; n],
            auto: false,
            rows: 0,
            note: None,
            hold: true,
        }
    }

    /// A grid that measures its rows without keeping them (only the first): for a table too long to
    /// hold, measured in a first pass over its rows, then written row by row in a second
    /// ([`Grid::start`], [`Grid::row`], [`Grid::end`]) exactly as [`Grid::render`] would write it.
    /// Its spilling columns stay in the table (they could not be listed below it).
    pub fn measuring(mut self) -> Self {
        self.hold = false;
        self
    }

    /// A table of plain columns: each may wrap, and is aligned right when all its cells are numbers.
    pub fn plain(header: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let mut g = Grid::new(header.into_iter().map(|h| Column::new(h).wrap()).collect());
        g.auto = true;
        g
    }

    /// Like [`Grid::plain`] for columns made by hand: a column of numbers is aligned right, an empty
    /// one left out.
    pub fn auto(mut self) -> Self {
        self.auto = true;
        self
    }

    /// The table laid out for `style`'s width and colours.
    pub fn text(&self, style: &super::Style) -> String {
        self.render(style.width.map(usize::from), style.color)
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// A line said right under the table, before any column listed below it.
    pub fn note(&mut self, text: impl Into<String>) {
        self.note = Some(text.into());
    }

    /// Column `j` does not wrap (a name, a code).
    pub fn keep(&mut self, j: usize) {
        if let Some(c) = self.cols.get_mut(j) {
            c.wrap = false;
        }
    }

    /// Leave column `j` out of the table, whatever its cells.
    pub fn hide(&mut self, j: usize) {
        if let Some(h) = self.hidden.get_mut(j) {
            *h = true;
        }
    }

    /// Add a row: one cell per column (missing cells are empty, extra ones dropped).
    pub fn push<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = (S, Option<Tint>)>) {
        let n = self.cols.len();
        let mut cells = cells.into_iter();
        for j in 0..n {
            let (s, tint) = match cells.next() {
                Some((s, t)) => (Some(s), t),
                None => (None, None),
            };
            let cell = one_line(s.as_ref().map_or("", |s| s.as_ref()));
            let (w, word) = widths(&cell);
            self.measured(j, &cell, w, word);
            if self.hold || self.rows == 0 {
                self.text.push_str(&cell);
                self.ends.push(self.text.len());
                self.tints.push(tint);
            }
        }
        self.rows += 1;
    }

    /// For a measuring grid ([`Grid::measuring`]) whose first row was pushed: measure `cell` as a
    /// cell of column `j` of a later row, without the row. Measuring the same cell twice measures it
    /// once: a table whose cells repeat is measured by its distinct cells, then told how many rows
    /// it has ([`Grid::counted`]). Its width, as [`cell_width`] says it once its line breaks are
    /// spaces.
    #[cfg(test)]
    pub fn measure(&mut self, j: usize, cell: &str) -> usize {
        let cell = one_line(cell);
        let (w, word) = widths(&cell);
        self.measured(j, &cell, w, word);
        w
    }

    /// [`Grid::measure`] for a cell without line breaks whose widths are known: `w` its width
    /// ([`cell_width`]) and `word` its widest word's, as [`cell_widths`] gives them.
    pub fn measured(&mut self, j: usize, cell: &str, w: usize, word: usize) {
        if j >= self.cols.len() {
            return;
        }
        self.widest[j] = self.widest[j].max(w);
        self.longest_word[j] = self.longest_word[j].max(word);
        if self.numeric[j] && !cell.is_empty() && !is_number(cell) {
            self.numeric[j] = false;
        }
        if self.rows > 0 && self.same[j] {
            self.same[j] = self.cell(0, j) == cell;
        }
    }

    /// For a grid measured by [`Grid::measure`]: it has `rows` rows.
    pub fn counted(&mut self, rows: usize) {
        self.rows = self.rows.max(rows);
    }

    fn cell(&self, row: usize, col: usize) -> &str {
        let k = row * self.cols.len() + col;
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start..self.ends[k]]
    }

    fn tint(&self, row: usize, col: usize) -> Option<Tint> {
        self.tints[row * self.cols.len() + col]
    }

    /// The table as Markdown: every column, one line per row.
    pub fn markdown(&self) -> String {
        let esc = super::md_cell;
        let mut out = String::new();
        let shown: Vec<usize> = (0..self.cols.len()).filter(|&j| !self.hidden[j]).collect();
        let header: Vec<String> = shown.iter().map(|&j| esc(&self.cols[j].header)).collect();
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(shown.len()));
        for r in 0..self.rows {
            let cells: Vec<String> = shown.iter().map(|&j| esc(self.cell(r, j))).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
        if let Some(note) = &self.note {
            let _ = writeln!(out, "\n{note}");
        }
        out
    }

    /// The table as text, at most `width` columns wide when given (one line per row otherwise),
    /// coloured with ANSI codes when `color`.
    pub fn render(&self, width: Option<usize>, color: bool) -> String {
        let (laid, mut out) = self.start(width, color);
        for r in 0..self.stored() {
            let n = self.cols.len();
            let cells: Vec<(&str, Option<Tint>)> =
                (0..n).map(|j| (self.cell(r, j), self.tint(r, j))).collect();
            self.row_lines(&laid, &cells, &mut out);
        }
        out.push_str(&self.end(&laid));
        out
    }

    /// The rows kept.
    fn stored(&self) -> usize {
        if self.hold { self.rows } else { 0 }
    }

    /// The layout for `width`, and what comes before the rows: the constant columns' line, the
    /// header and its rule.
    pub fn start(&self, width: Option<usize>, color: bool) -> (Laid, String) {
        let mut out = String::new();
        // Constant columns, said once above.
        let elided: Vec<usize> = (0..self.cols.len())
            .filter(|&j| self.cols[j].constant && self.same[j] && self.rows > 1 && !self.hidden[j])
            .collect();
        if !elided.is_empty() {
            let said: Vec<String> = elided
                .iter()
                .filter(|&&j| !self.cell(0, j).is_empty())
                .map(|&j| format!("{}: {}", self.cols[j].header, self.cell(0, j)))
                .collect();
            if !said.is_empty() {
                let line = said.join(" · ");
                out.push_str(&wrap_text(&line, width.unwrap_or(usize::MAX)).join("\n"));
                out.push('\n');
            }
        }
        let groups: Vec<usize> = (0..self.cols.len())
            .filter(|&j| self.cols[j].group && !self.hidden[j])
            .collect();
        // A plain table leaves out a column with nothing in it.
        let empty = |j: usize| self.auto && self.rows > 0 && self.widest[j] == 0;
        let mut shown: Vec<usize> = (0..self.cols.len())
            .filter(|&j| {
                !elided.contains(&j) && !self.hidden[j] && !groups.contains(&j) && !empty(j)
            })
            .collect();
        let (widths, spilled) = loop {
            let widths = self.layout(&shown, width);
            let spill = shown.iter().zip(&widths).find(|(j, w)| {
                let c = &self.cols[**j];
                c.spill && **w < SPILL_MIN.min(self.widest[**j].max(1)) && shown.len() > 2
            });
            match spill {
                Some((&j, _)) if width.is_some() && self.hold => shown.retain(|&k| k != j),
                _ => {
                    let spilled: Vec<usize> = (0..self.cols.len())
                        .filter(|&j| {
                            !shown.contains(&j)
                                && !elided.contains(&j)
                                && !self.hidden[j]
                                && !groups.contains(&j)
                                && !empty(j)
                        })
                        .collect();
                    break (widths, spilled);
                }
            }
        };
        // Too many columns for the width, even each at its longest word: one block per row instead.
        let records = width.is_some_and(|w| {
            widths.iter().sum::<usize>() + GAP * widths.len().saturating_sub(1) > w
        });
        let line = |right: &dyn Fn(usize) -> bool, color| Line {
            cols: shown
                .iter()
                .zip(&widths)
                .map(|(&j, &w)| (j, w, right(j)))
                .collect(),
            color,
        };
        let (head, body) = (line(&|_| false, false), line(&|j| self.right(j), color));
        let laid = Laid {
            width,
            color,
            groups,
            shown,
            widths,
            spilled,
            records,
            head,
            body,
        };
        if records {
            return (laid, out);
        }
        // The header, wrapped, then a rule under each column.
        let heads: Vec<Vec<String>> = laid
            .shown
            .iter()
            .zip(&laid.widths)
            .map(|(&j, &w)| wrap_text(&self.cols[j].header, w))
            .collect();
        let height = heads.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            laid.head.write(&mut out, |k, _| {
                (heads[k].get(line).map_or("", String::as_str), None)
            });
        }
        let rule: Vec<String> = laid.widths.iter().map(|w| "─".repeat(*w)).collect();
        let _ = writeln!(out, "{}", rule.join(&" ".repeat(GAP)));
        (laid, out)
    }

    /// One row laid out as [`Grid::start`] says, appended to `out`: the cells of every column (the
    /// row as [`Grid::push`] takes it).
    pub fn row<S: AsRef<str>>(&self, laid: &Laid, cells: &[(S, Option<Tint>)], out: &mut String) {
        let n = self.cols.len();
        let mut fixed: Vec<(std::borrow::Cow<str>, Option<Tint>)> = Vec::with_capacity(n);
        for j in 0..n {
            let (s, t) = cells.get(j).map_or(("", None), |(s, t)| (s.as_ref(), *t));
            fixed.push((one_line(s), t));
        }
        let cells: Vec<(&str, Option<Tint>)> =
            fixed.iter().map(|(s, t)| (s.as_ref(), *t)).collect();
        self.row_lines(laid, &cells, out);
    }

    /// The line each row is written on when the layout gives a row one line (no width, no group,
    /// not records), to write it from cells already measured ([`Line::piece`]); `None` otherwise.
    pub fn line_of<'l>(&self, laid: &'l Laid) -> Option<&'l Line> {
        if laid.records || laid.width.is_some() || !laid.groups.is_empty() {
            return None;
        }
        Some(&laid.body)
    }

    /// What comes after the rows: the note, and the columns listed below the table.
    pub fn end(&self, laid: &Laid) -> String {
        let mut out = String::new();
        if laid.records {
            return out;
        }
        let width = laid.width;
        if let Some(note) = &self.note {
            out.push_str(&wrap_text(note, width.unwrap_or(usize::MAX)).join("\n"));
            out.push('\n');
        }
        // Columns that did not fit: below, each value after the row's first cells.
        for &j in &laid.spilled {
            let title = format!("{}:", self.cols[j].header);
            let _ = writeln!(
                out,
                "\n{}",
                wrap_text(&title, width.unwrap_or(usize::MAX)).join("\n")
            );
            let mut keys: Vec<usize> = (0..self.cols.len()).filter(|&k| self.cols[k].key).collect();
            if keys.is_empty() {
                keys = laid.shown.iter().copied().take(2).collect();
            }
            for r in 0..self.stored() {
                let v = self.cell(r, j);
                if v.is_empty() {
                    continue;
                }
                let key: Vec<&str> = keys.iter().map(|&k| self.cell(r, k)).collect();
                let item = format!("{} — {v}", key.join(" "));
                let lines = wrap_text(&item, width.map_or(usize::MAX, |w| w.saturating_sub(4)));
                for (i, l) in lines.iter().enumerate() {
                    let lead = if i == 0 { "  • " } else { "    " };
                    let _ = writeln!(out, "{lead}{l}");
                }
            }
        }
        out
    }

    /// The lines of one row (`cells`: one per column, as pushed).
    fn row_lines(&self, laid: &Laid, cells: &[(&str, Option<Tint>)], out: &mut String) {
        let (width, color) = (laid.width, laid.color);
        if laid.records {
            self.record(out, laid, cells);
            return;
        }
        for &g in &laid.groups {
            let (head, tint) = cells[g];
            if head.is_empty() {
                continue;
            }
            for l in wrap_text(head, width.unwrap_or(usize::MAX)) {
                match tint.filter(|_| color) {
                    Some(t) => {
                        let _ = writeln!(out, "\x1b[{}m{l}\x1b[0m", t.code());
                    }
                    None => {
                        let _ = writeln!(out, "{l}");
                    }
                }
            }
        }
        // Without a width, each row is one line.
        if width.is_none() {
            laid.body.write(out, |_, j| cells[j]);
            return;
        }
        let wrapped: Vec<Vec<String>> = laid
            .shown
            .iter()
            .zip(&laid.widths)
            .map(|(&j, &w)| wrap_text(cells[j].0, w))
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            laid.body.write(out, |k, j| {
                (wrapped[k].get(line).map_or("", String::as_str), cells[j].1)
            });
        }
    }

    /// A row as a block: its first cells on one line, then each other cell under its header.
    fn record(&self, out: &mut String, laid: &Laid, cells: &[(&str, Option<Tint>)]) {
        let (Some(width), color) = (laid.width, laid.color) else {
            return;
        };
        let mut keys: Vec<usize> = laid
            .shown
            .iter()
            .copied()
            .filter(|&k| self.cols[k].key)
            .collect();
        if keys.is_empty() {
            keys = laid.shown.iter().copied().take(2).collect();
        }
        for &g in &laid.groups {
            let head = cells[g].0;
            if !head.is_empty() {
                let _ = writeln!(out, "{}", fit(head, width));
            }
        }
        let key: Vec<&str> = keys.iter().map(|&k| cells[k].0).collect();
        let _ = writeln!(out, "{}", fit(&format!("• {}", key.join(" · ")), width));
        for &j in laid.shown.iter().filter(|j| !keys.contains(j)) {
            let (v, tint) = cells[j];
            if v.is_empty() {
                continue;
            }
            let v = match tint.filter(|_| color) {
                Some(t) => format!("\x1b[{}m{v}\x1b[0m", t.code()),
                None => v.to_string(),
            };
            let _ = writeln!(
                out,
                "{}",
                fit(&format!("  - {}: {v}", self.cols[j].header), width)
            );
        }
    }

    /// Whether the cells of column `j` are aligned right in the rows (not in the header).
    fn right(&self, j: usize) -> bool {
        // In a plain table the first column names the row (a code, a year): never to the right.
        self.cols[j].right || (self.auto && self.numeric[j] && j > 0)
    }

    /// The width of each shown column: each its widest cell and header when that fits; else headers
    /// wrap, then the wrapping columns are narrowed, the widest first, never under their longest word.
    fn layout(&self, shown: &[usize], width: Option<usize>) -> Vec<usize> {
        let head_word = |j: usize| {
            self.cols[j]
                .header
                .split(' ')
                .map(str::width)
                .max()
                .unwrap_or(0)
        };
        let natural: Vec<usize> = shown
            .iter()
            .map(|&j| self.widest[j].max(self.cols[j].header.width()))
            .collect();
        let Some(width) = width else {
            return natural;
        };
        let gaps = GAP * shown.len().saturating_sub(1);
        let avail = width.saturating_sub(gaps);
        if natural.iter().sum::<usize>() <= avail {
            return natural;
        }
        // Headers wrap first.
        let mut widths: Vec<usize> = shown
            .iter()
            .map(|&j| self.widest[j].max(head_word(j)))
            .collect();
        // Then the wrapping columns, never under their longest word: each keeps its floor and gets
        // a share of what is left in proportion to what it lacks (a long text more than a short one).
        let floor: Vec<usize> = shown
            .iter()
            .zip(&widths)
            .map(|(&j, &w)| {
                if self.cols[j].wrap {
                    self.longest_word[j].max(head_word(j)).min(w)
                } else {
                    w
                }
            })
            .collect();
        if widths.iter().sum::<usize>() > avail {
            let spare = avail.saturating_sub(floor.iter().sum());
            let lack: Vec<usize> = widths.iter().zip(&floor).map(|(w, f)| w - f).collect();
            let total: usize = lack.iter().sum();
            for k in 0..widths.len() {
                widths[k] = floor[k] + (spare * lack[k]).checked_div(total).unwrap_or(0);
            }
            // What rounding leaves goes to the columns that lack the most.
            let mut left = avail.saturating_sub(widths.iter().sum());
            let mut order: Vec<usize> = (0..widths.len()).collect();
            order.sort_by_key(|&k| std::cmp::Reverse(lack[k]));
            for k in order {
                if left == 0 {
                    break;
                }
                if floor[k] + lack[k] > widths[k] {
                    widths[k] += 1;
                    left -= 1;
                }
            }
        }
        widths
    }
}

/// The line of a row of a grid laid out one line a row ([`Grid::line_of`]), written from its cells
/// already measured: per column shown, the cell's place in the row, the column's width and whether
/// it is aligned right. It writes what [`Grid::row`] writes, byte for byte, without going back to
/// the grid for each cell: a table of a million rows is written with a few copies a cell.
#[derive(Debug, Clone)]
pub struct Line {
    cols: Vec<(usize, usize, bool)>,
    color: bool,
}

impl Line {
    /// The columns shown, in the order of the line.
    pub fn shown(&self) -> impl Iterator<Item = usize> + '_ {
        self.cols.iter().map(|c| c.0)
    }

    /// The place of column `j` among the columns shown, if it is shown.
    pub fn place(&self, j: usize) -> Option<usize> {
        self.cols.iter().position(|c| c.0 == j)
    }

    /// A whole line, appended to `out`: the `k`th column shown (column `j`) has the cell (its text,
    /// without line breaks, and its tint) that `cell(k, j)` gives.
    pub fn write<'t>(
        &self,
        out: &mut impl Sink,
        mut cell: impl FnMut(usize, usize) -> (&'t str, Option<Tint>),
    ) {
        let start = out.written();
        for (k, &(j, _, _)) in self.cols.iter().enumerate() {
            let (text, tint) = cell(k, j);
            self.put(k, text, tint, || width(text), out);
        }
        Line::end(out, start);
    }

    /// What a cell adds to a row's line as the `k`th column shown (its text, without line breaks,
    /// its tint and its width, [`cell_width`]): the gap before it, its padding and its text,
    /// coloured. A row's line is the pieces of its cells one after another, ended by
    /// [`Line::end`]: what [`Line::write`] writes, byte for byte.
    pub fn piece(
        &self,
        k: usize,
        text: &str,
        tint: Option<Tint>,
        shown: usize,
        out: &mut impl Sink,
    ) {
        self.put(k, text, tint, || shown, out);
    }

    /// [`Line::piece`], the text's width measured only when the column pads it.
    #[inline]
    fn put(
        &self,
        k: usize,
        text: &str,
        tint: Option<Tint>,
        shown: impl FnOnce() -> usize,
        out: &mut impl Sink,
    ) {
        let Some((before, after)) = self.room(k, shown) else {
            return;
        };
        spaces(out, before);
        match self.code(tint, text.len()) {
            Some(code) => {
                out.put("\x1b[");
                out.put(code);
                out.put("m");
                out.put(text);
                out.put(RESET);
            }
            None => out.put(text),
        }
        spaces(out, after);
    }

    /// The length of [`Line::piece`] for a text of `len` bytes.
    pub fn piece_len(&self, k: usize, len: usize, tint: Option<Tint>, shown: usize) -> usize {
        let Some((before, after)) = self.room(k, || shown) else {
            return 0;
        };
        let codes = self.code(tint, len).map_or(0, |code| {
            "\x1b[".len() + code.len() + "m".len() + RESET.len()
        });
        before + codes + len + after
    }

    /// The spaces before and after the text of a cell `shown()` wide as the `k`th column shown: the
    /// gap between columns, and the padding to the column's width (before the text when aligned
    /// right; none after the last column's).
    #[inline]
    fn room(&self, k: usize, shown: impl FnOnce() -> usize) -> Option<(usize, usize)> {
        let &(_, w, right) = self.cols.get(k)?;
        let gap = if k > 0 { GAP } else { 0 };
        let padded = right || k + 1 != self.cols.len();
        let pad = if padded { w.saturating_sub(shown()) } else { 0 };
        Some(if right { (gap + pad, 0) } else { (gap, pad) })
    }

    /// The colour code a cell of `len` bytes is written in, if any (on a terminal, not empty).
    fn code(&self, tint: Option<Tint>, len: usize) -> Option<&'static str> {
        tint.filter(|_| self.color && len > 0).map(Tint::code)
    }

    /// End the line of pieces ([`Line::piece`]) that starts at `start` in `out`: without the
    /// spaces it ends with, then a line break.
    #[inline]
    pub fn end(out: &mut impl Sink, start: usize) {
        out.end_line(start);
    }
}

/// What ends a coloured cell: back to the terminal's colours.
const RESET: &str = "\x1b[0m";

/// What the lines of a table are written to: a `String`, or bytes gathered to be written.
pub trait Sink {
    /// How many bytes are written.
    fn written(&self) -> usize;
    /// Append `s`.
    fn put(&mut self, s: &str);
    /// End the line that starts at `start`: without the spaces it ends with ([`kept`]), then a
    /// line break.
    fn end_line(&mut self, start: usize);
}

/// Where the line that starts at `start` in `text` ends without the spaces it ends with.
#[inline]
fn kept(text: &[u8], start: usize) -> usize {
    text.get(start..)
        .and_then(|line| line.iter().rposition(|&b| b != b' '))
        .map_or(start, |p| start + p + 1)
}

impl Sink for String {
    #[inline]
    fn written(&self) -> usize {
        self.len()
    }

    #[inline]
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }

    #[inline]
    fn end_line(&mut self, start: usize) {
        // Right after a character that is not a space: a character's end.
        let kept = kept(self.as_bytes(), start);
        self.truncate(kept);
        self.push('\n');
    }
}

impl Sink for Vec<u8> {
    #[inline]
    fn written(&self) -> usize {
        self.len()
    }

    #[inline]
    fn put(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }

    #[inline]
    fn end_line(&mut self, start: usize) {
        let kept = kept(self, start);
        self.truncate(kept);
        self.push(b'\n');
    }
}

/// `n` spaces, appended to `out`.
#[inline]
fn spaces(out: &mut impl Sink, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.put(&SPACES[..k]);
        n -= k;
    }
}

/// `s` as a cell of a table shows it: a line break inside a cell would break the row, so each is a
/// space (a copy only when there is one).
#[inline]
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    let b = s.as_bytes();
    // Most cells are a few bytes, looked at faster one by one than by memchr's setup.
    let broken = if b.len() < 32 {
        b.iter().any(|&c| c == b'\n' || c == b'\r')
    } else {
        memchr::memchr2(b'\n', b'\r', b).is_some()
    };
    if broken {
        std::borrow::Cow::Owned(s.replace(['\n', '\r'], " "))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The width of a cell on a terminal: one column a character for text made only of characters that
/// take one column each and join no other (printable ASCII, Latin letters with their diacritics
/// precomposed as Vietnamese writes them, dashes, arrows, operators); else as `unicode-width` says.
fn width(s: &str) -> usize {
    scan::<false>(s).0
}

/// The width of a cell without line breaks on a terminal, as a table lays it out
/// ([`Line::write`]).
pub fn cell_width(s: &str) -> usize {
    width(s)
}

/// The width of a cell without line breaks on a terminal and of its widest word (words are split
/// at each space), as [`cell_width`] says them.
pub fn cell_widths(s: &str) -> (usize, usize) {
    widths(s)
}

/// The width of `s` and of its widest word (words are split at each space), in one pass over its
/// bytes: a character is decoded only when it is not ASCII.
fn widths(s: &str) -> (usize, usize) {
    scan::<true>(s)
}

/// [`widths`], the widest word's only with `WORDS` (else 0): without it, what counts words is left
/// out of the pass.
#[inline]
fn scan<const WORDS: bool>(s: &str) -> (usize, usize) {
    let b = s.as_bytes();
    let (mut all, mut word, mut longest) = (0, 0, 0);
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        if x == b' ' {
            longest = longest.max(word);
            word = 0;
            i += 1;
        } else if x.is_ascii() {
            if !(0x21..0x7F).contains(&x) {
                return widths_of_any::<WORDS>(s);
            }
            word += 1;
            i += 1;
        } else {
            // The character's code from its two or three bytes (`s` is UTF-8); none of four is
            // one column here.
            let next = |k: usize| b.get(i + k).map_or(0, |&y| u32::from(y & 0x3F));
            let (c, n) = if x < 0xE0 {
                ((u32::from(x & 0x1F) << 6) | next(1), 2)
            } else if x < 0xF0 {
                ((u32::from(x & 0x0F) << 12) | (next(1) << 6) | next(2), 3)
            } else {
                return widths_of_any::<WORDS>(s);
            };
            if !one_column_code(c) {
                return widths_of_any::<WORDS>(s);
            }
            word += 1;
            i += n;
        }
        all += 1;
    }
    (all, longest.max(word))
}

/// [`scan`] of a text with a character that is not one column.
fn widths_of_any<const WORDS: bool>(s: &str) -> (usize, usize) {
    let word = || s.split(' ').map(str::width).max().unwrap_or(0);
    (s.width(), if WORDS { word() } else { 0 })
}

/// Whether the character of code `c` is one column wide and joins no other ([`width`]).
fn one_column_code(c: u32) -> bool {
    matches!(c,
        0x20..=0x7E | 0xA0..=0xAC | 0xAE..=0x2FF | 0x1E00..=0x1EFF
        | 0x2010..=0x2027 | 0x2190..=0x21FF | 0x2200..=0x22FF | 0x2500..=0x257F)
}

/// A number as tables show them: `7`, `19/19`, `85,5 %`, `-2,3`, `≥ 70 %`.
fn is_number(s: &str) -> bool {
    let s = s.trim_start_matches(['≥', '≤', '>', '<', '=', '+', '-', '−', ' ']);
    s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | '/' | '%' | ' '))
}

/// `text` in lines at most `width` wide, broken between words; a word wider than the line is cut
/// (only when no width is enough for it).
pub fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let need = if line.is_empty() {
            word.width()
        } else {
            line.width() + 1 + word.width()
        };
        if need <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if word.width() <= width {
            line.push_str(word);
        } else {
            for ch in word.chars() {
                let w = unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
                if line.width() + w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(ch);
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The width of a line as a terminal shows it: colour codes (`ESC [ … m`) take no room.
pub fn shown_width(line: &str) -> usize {
    if !line.contains('\x1b') {
        return line.width();
    }
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain.width()
}

/// `text` with every line wider than `width` wrapped between words, continuation lines indented
/// like the line's text (after its bullet, if any). Lines that fit (the tables) are left as they are.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if shown_width(line) <= width {
            out.push_str(line);
            continue;
        }
        let body = line.trim_start_matches(' ');
        let mut indent = line.len() - body.len();
        for bullet in ["- ", "• ", "* "] {
            if body.starts_with(bullet) {
                indent += bullet.chars().count();
            }
        }
        let lead = &line[..line.len() - body.len()];
        // Every line wrapped to the room after the continuation indent (the first a little short).
        let room = width.saturating_sub(indent).max(20);
        for (k, l) in wrap_text(body, room).iter().enumerate() {
            if k == 0 {
                out.push_str(lead);
            } else {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(l);
        }
    }
    out
}

/// A writer that fits the prose it is given to a width (see [`fit`]), line by line.
pub struct Fit<W: std::io::Write> {
    inner: W,
    width: usize,
    pending: Vec<u8>,
}

impl<W: std::io::Write> Fit<W> {
    pub fn new(inner: W, width: usize) -> Self {
        Fit {
            inner,
            width,
            pending: Vec::new(),
        }
    }

    fn write_lines(&mut self, upto: usize) -> std::io::Result<()> {
        let lines: Vec<u8> = self.pending.drain(..upto).collect();
        let text = String::from_utf8_lossy(&lines);
        self.inner.write_all(fit(&text, self.width).as_bytes())
    }
}

impl<W: std::io::Write> std::io::Write for Fit<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last) = self.pending.iter().rposition(|&b| b == b'\n') {
            self.write_lines(last + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let n = self.pending.len();
        if n > 0 {
            self.write_lines(n)?;
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for Fit<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Grid {
        let mut g = Grid::new(vec![
            Column::new("Mã"),
            Column::new("Xã").wrap(),
            Column::new("Huyện").constant(),
            Column::new("xã NTM").right(),
            Column::new("Tiêu chí còn thiếu (mức tiếp theo)").spill(),
        ]);
        g.push([
            ("06501", None),
            ("Gia Cát", None),
            ("Cao Lộc", None),
            ("19/19", Some(Tint::Green)),
            ("", None),
        ]);
        g.push([
            ("06512", None),
            ("Công Sơn", None),
            ("Cao Lộc", None),
            ("17/19", Some(Tint::Red)),
            ("xã NTM: 13, 17; thiếu số liệu: 2, 5, 9, 10, 11", None),
        ]);
        g
    }

    #[test]
    fn a_measured_row_is_the_row_as_written_from_its_cells() {
        // Right-aligned, numeric (auto) and left columns, tints on and off, wide characters, an
        // empty last cell: a measured line writes what row writes, byte for byte.
        let mut g = Grid::new(vec![
            Column::new("Mã"),
            Column::new("Tên xã"),
            Column::new("Số").right(),
            Column::new("Tỷ lệ"),
            Column::new("Ghi chú"),
        ])
        .auto();
        let rows: [[(&str, Option<Tint>); 5]; 4] = [
            [
                ("06501", None),
                ("Gia Cát", Some(Tint::Green)),
                ("19", None),
                ("85,5", Some(Tint::Red)),
                ("", None),
            ],
            [
                ("6", None),
                ("Xã 漢字 dài hơn", None),
                ("7", Some(Tint::Green)),
                ("100", None),
                ("còn thiếu 2.2", Some(Tint::Red)),
            ],
            [
                ("06512", Some(Tint::Red)),
                ("", Some(Tint::Green)),
                ("", None),
                ("3", None),
                ("x", None),
            ],
            // A text ending with a space, then nothing: the line ends without spaces.
            [
                ("06513", None),
                ("Tân ", Some(Tint::Red)),
                ("", None),
                ("", None),
                ("", None),
            ],
        ];
        for r in &rows {
            g.push(r.iter().copied());
        }
        for color in [false, true] {
            let (laid, _) = g.start(None, color);
            for r in &rows {
                let mut row = String::new();
                g.row(&laid, r, &mut row);
                let line = g.line_of(&laid).unwrap();
                // The line from its cells' pieces, each made on its own.
                let mut pieces = b"before".to_vec();
                for (k, j) in line.shown().enumerate() {
                    let (s, t) = r[j];
                    let at = pieces.len();
                    line.piece(k, s, t, cell_width(s), &mut pieces);
                    assert_eq!(
                        pieces.len() - at,
                        line.piece_len(k, s.len(), t, cell_width(s))
                    );
                }
                Line::end(&mut pieces, 6);
                assert_eq!(String::from_utf8(pieces).unwrap(), format!("before{row}"));
            }
        }
        let (mut plain, mut tinted) = (String::new(), String::new());
        let laid = g.start(None, false).0;
        g.row(&laid, &rows[1], &mut plain);
        let laid = g.start(None, true).0;
        g.row(&laid, &rows[1], &mut tinted);
        assert_eq!(plain, "6      Xã 漢字 dài hơn   7    100  còn thiếu 2.2\n");
        assert!(tinted.contains("\x1b[32m7\x1b[0m"), "{tinted:?}");
    }

    #[test]
    fn a_cell_measured_has_the_width_it_is_written_with() {
        let mut g = Grid::plain(["a", "b"]).measuring();
        g.push([("x", None), ("y", None)]);
        for s in [
            "",
            "Tân Thành",
            "≥ 42 triệu đồng/người/năm",
            "Xã 漢字",
            "hai\ndòng",
        ] {
            assert_eq!(g.measure(1, s), cell_width(&s.replace('\n', " ")), "{s:?}");
            assert_eq!(g.measure(7, s), cell_width(&s.replace('\n', " ")), "{s:?}");
        }
    }

    #[test]
    fn a_constant_column_is_said_once_above() {
        let out = sample().render(None, false);
        let mut lines = out.lines();
        assert_eq!(lines.next(), Some("Huyện: Cao Lộc"));
        assert!(!out.contains("Cao Lộc  "), "{out}");
        assert!(
            out.contains("06512  Công Sơn   17/19  xã NTM: 13, 17;"),
            "{out}"
        );
    }

    #[test]
    fn no_line_is_wider_than_asked_and_no_word_is_cut() {
        let g = sample();
        for width in [30, 40, 60, 80] {
            let out = g.render(Some(width), false);
            for l in out.lines() {
                assert!(l.width() <= width, "{width}: «{l}»\n{out}");
            }
            for word in ["Công", "Sơn", "17/19", "thiếu", "10,", "11"] {
                assert!(out.contains(word), "{width}: {word} missing\n{out}");
            }
        }
    }

    #[test]
    fn a_column_too_narrow_goes_below_the_table() {
        let out = sample().render(Some(40), false);
        assert!(
            out.contains("Tiêu chí còn thiếu (mức tiếp theo):\n  • 06512 Công Sơn — xã NTM: 13,"),
            "{out}"
        );
        let wide = sample().render(Some(100), false);
        assert!(!wide.contains("  • "), "{wide}");
    }

    #[test]
    fn numbers_are_aligned_right_and_coloured_on_a_terminal() {
        let mut g = Grid::new(vec![Column::new("Số xã đạt").right()]);
        g.push([("7", Some(Tint::Green))]);
        let out = g.render(None, true);
        assert!(out.contains("        \x1b[32m7\x1b[0m"), "{out:?}");
    }

    #[test]
    fn a_character_counted_as_one_column_is_one_column() {
        let simple: Vec<char> = (0..0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| one_column_code(*c as u32))
            .collect();
        for c in &simple {
            assert_eq!(c.to_string().width(), 1, "U+{:04X}", *c as u32);
        }
        // Strings of them: no sequence joins them.
        let mut x: u64 = 7;
        for _ in 0..2000 {
            let s: String = (0..12)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    simple[(x >> 33) as usize % simple.len()]
                })
                .collect();
            assert_eq!(width(&s), s.width(), "{s:?}");
            let words = s.split(' ').map(UnicodeWidthStr::width).max().unwrap_or(0);
            assert_eq!(widths(&s), (s.width(), words), "{s:?}");
        }
        for s in [
            "Xã Bằng Hữu",
            "↑ Không đạt → Đạt",
            "≥ 42 triệu đồng/người/năm (2024)",
            "─",
            "—",
            "日本 các",
            "",
            "  a  bc ",
        ] {
            assert_eq!(width(s), s.width(), "{s}");
            let words = s.split(' ').map(UnicodeWidthStr::width).max().unwrap_or(0);
            assert_eq!(widths(s), (s.width(), words), "{s}");
        }
    }

    #[test]
    fn wrapping_breaks_between_words() {
        assert_eq!(wrap_text("NTM nâng cao", 8), vec!["NTM nâng", "cao"]);
        assert_eq!(wrap_text("", 5), vec![""]);
        assert_eq!(wrap_text("abcdefgh", 3), vec!["abc", "def", "gh"]);
    }

    #[test]
    fn prose_is_fitted_and_tables_left_alone() {
        let text = "Mã  Xã\nLưu ý: 84/95 ngưỡng dùng trong kết luận chưa được đối chiếu với văn bản\n  - một dòng có gạch đầu dòng rất dài, dài hơn chiều rộng cho phép\n";
        let out = fit(text, 30);
        assert!(out.starts_with("Mã  Xã\nLưu ý: 84/95 ngưỡng dùng"), "{out}");
        for l in out.lines() {
            assert!(l.width() <= 30, "{l}");
        }
        assert!(
            out.contains("\n  - một dòng có gạch đầu\n    dòng"),
            "{out}"
        );
        assert!(out.ends_with('\n'));
        assert_eq!(shown_width("\x1b[32m19/19\x1b[0m"), 5);
    }

    #[test]
    fn markdown_has_every_column() {
        let md = sample().markdown();
        assert!(md.starts_with("| Mã | Xã | Huyện | xã NTM |"), "{md}");
        assert!(
            md.contains("| 06501 | Gia Cát | Cao Lộc | 19/19 |  |"),
            "{md}"
        );
    }
}
