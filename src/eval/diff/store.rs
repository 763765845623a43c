//! One side of a comparison held compactly, so that two files of 100,000 communes compare in bounded
//! memory: per unit only what the comparison reads — its code, name, district, line and year; each
//! set's verdicts, each criterion's verdict and each indicator's status (a byte each); and the row's
//! cells packed (a tag byte, then a number in 2, 4 or 8 bytes, checked to give back the very value
//! read). No full result is held: an indicator is explained again from the packed cells, by the same
//! evaluator, only when the comparison shows it ([`Detailed::explain`]).
//!
//! The statuses come from the compiled plan ([`crate::eval::plan::Compact`]), which gives exactly the
//! explained evaluation's (a property test checks it), or from the explained result when the plan
//! cannot compile.

use super::Side;
use crate::criteria::{CriteriaSet, Version};
use crate::eval::plan::Compact;
use crate::eval::view::{Detailed, SetBrief, UnitView};
use crate::eval::{
    Cells, Evaluator, IndicatorResult, Name, Options, Prepared, Status, UnitResult, Verdict,
};
use crate::input::{Cell, Dataset, Row, Value};

/// The units of one side, compactly.
#[derive(Debug)]
pub struct Store {
    /// The file the units come from: its name and columns (the cells follow them). Its rows stay
    /// empty.
    pub head: Dataset,
    /// The chain's sizes: sets, criteria, indicators (of the criteria; recognition is not kept).
    sets: usize,
    criteria: usize,
    indicators: usize,
    /// Code, name and district of each unit, one after another.
    text: String,
    ends: Vec<usize>,
    lines: Vec<usize>,
    years: Vec<i32>,
    /// 0: no commune group; else 1 + its index in `group_names` (4 bytes a unit: a file may name
    /// as many groups as its criteria define, and none is ever dropped).
    groups: Vec<u32>,
    group_names: Vec<String>,
    /// Per unit, [`Store::stride`] bytes: the level reached, the readiness (set, conditions, ready),
    /// each set's status and qualified verdict, each criterion's verdict, each indicator's status;
    /// in blocks of [`Store::per_block`] units, each allocated once at its full size: a store of
    /// 100,000 communes grows by blocks, never by copying (and briefly doubling) all it holds.
    verdicts: Vec<Vec<u8>>,
    /// The packed cells of every unit, in blocks of at least [`BLOCK`] bytes each allocated once,
    /// and where each unit's are: its block, start and end.
    cells: Vec<Vec<u8>>,
    cell_spans: Vec<(usize, usize, usize)>,
    /// A row's cells packed, and its verdicts, before they are copied to their blocks.
    scratch: Vec<u8>,
    unit_verdicts: Vec<u8>,
}

/// A unit a store cannot keep: its commune group would be one past the `u32::MAX` groups a store
/// tells apart (never silently kept without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyGroups;

/// The number a unit keeps for the group at `index` among a store's groups (0 is no group), if
/// there is one.
fn group_number(index: usize) -> Option<u32> {
    index.checked_add(1).and_then(|n| u32::try_from(n).ok())
}

/// The size of a block of a store's bytes.
const BLOCK: usize = 1 << 20;

const NONE: u8 = u8::MAX;
/// The bytes before the sets' (level reached, readiness), and per set (status, qualified, criteria
/// met in four bytes: exact for any set a criteria file can hold, never saturated).
const HEAD: usize = 4;
const SET: usize = 6;

fn verdict_byte(v: Verdict) -> u8 {
    match v {
        Verdict::Pass => 0,
        Verdict::Fail => 1,
        Verdict::Unknown => 2,
    }
}

fn verdict_of(b: u8) -> Verdict {
    match b {
        0 => Verdict::Pass,
        1 => Verdict::Fail,
        _ => Verdict::Unknown,
    }
}

fn opt_verdict_byte(v: Option<Verdict>) -> u8 {
    v.map_or(NONE, verdict_byte)
}

fn opt_verdict_of(b: u8) -> Option<Verdict> {
    (b != NONE).then(|| verdict_of(b))
}

fn status_byte(s: Status) -> u8 {
    match s {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::Missing => 2,
        Status::NotApplicable => 3,
        Status::Info => 4,
    }
}

fn status_of(b: u8) -> Status {
    match b {
        0 => Status::Pass,
        1 => Status::Fail,
        2 => Status::Missing,
        3 => Status::NotApplicable,
        _ => Status::Info,
    }
}

fn index_byte(i: Option<usize>) -> u8 {
    i.and_then(|i| u8::try_from(i).ok())
        .filter(|i| *i != NONE)
        .unwrap_or(NONE)
}

/// Exactly `n` bytes to `out`: the first `n` of `bytes`, then `pad` for those it lacks.
fn push_run(out: &mut Vec<u8>, bytes: impl Iterator<Item = u8>, n: usize, pad: u8) {
    let start = out.len();
    out.extend(bytes.take(n));
    out.resize(start + n, pad);
}

/// The tags of a packed cell.
const MISSING: u8 = 0;
const NOT_APPLICABLE: u8 = 1;
const FALSE: u8 = 2;
const TRUE: u8 = 3;
/// A number that is exactly `k / 100` for a `k` of 2 or 4 bytes (most data: `87`, `42,5`, `3,25`).
const CENTI16: u8 = 4;
const CENTI32: u8 = 5;
/// Any other number, as its 8 bytes.
const F64: u8 = 6;

/// Pack a row's cells, each exactly: a number is kept in hundredths only when dividing them by 100
/// gives back the very same value.
pub fn pack(cells: &[Cell], out: &mut Vec<u8>) {
    for c in cells {
        match c {
            Cell::Missing => out.push(MISSING),
            Cell::NotApplicable => out.push(NOT_APPLICABLE),
            Cell::Value(Value::Bool(false)) => out.push(FALSE),
            Cell::Value(Value::Bool(true)) => out.push(TRUE),
            Cell::Value(Value::Num(v)) => {
                let mut bytes = [0u8; 9];
                let n = match hundredths(*v).map(|k| (k, i16::try_from(k))) {
                    Some((_, Ok(k))) => {
                        bytes[0] = CENTI16;
                        bytes[1..3].copy_from_slice(&k.to_le_bytes());
                        3
                    }
                    Some((k, Err(_))) => {
                        bytes[0] = CENTI32;
                        bytes[1..5].copy_from_slice(&k.to_le_bytes());
                        5
                    }
                    None => {
                        bytes[0] = F64;
                        bytes[1..9].copy_from_slice(&v.to_le_bytes());
                        9
                    }
                };
                out.extend_from_slice(&bytes[..n]);
            }
        }
    }
}

/// The `k` whose `k / 100` is `v`, bit for bit (not -0.0, not a value with more decimals), if
/// there is one in an `i32`. At most one `k` can be (each step of one hundredth moves the quotient
/// by far more than its rounding), and `v × 100` lands within a fraction of a unit of it: it is
/// the product cut to an integer, or the next integer away from zero. (Rounding the product would
/// find the same `k`, but costs a call where the processor has no rounding instruction.)
fn hundredths(v: f64) -> Option<i32> {
    let t = v * 100.0;
    // Saturating: a NaN is 0, and what is out of range is refused below.
    let cut = t as i64;
    let next = if t < 0.0 {
        cut.saturating_sub(1)
    } else {
        cut.saturating_add(1)
    };
    let gives_v = |k: i64| {
        i32::try_from(k)
            .ok()
            .filter(|k| (f64::from(*k) / 100.0).to_bits() == v.to_bits())
    };
    gives_v(cut).or_else(|| gives_v(next))
}

/// The cells packed by [`pack`], each as it was.
#[cfg(test)]
pub fn unpack(mut bytes: &[u8], out: &mut Vec<Cell>) {
    out.clear();
    while let Some((cell, rest)) = next_cell(bytes) {
        out.push(cell);
        bytes = rest;
    }
}

/// Where packed cell `c` starts, going on from cell `from` (which starts at byte `at`) when
/// `from <= c`, else from the first: each cell is [`cell_len`] bytes after the one before, so
/// reaching a cell unpacks none of those before it. `None` past the cells.
fn cell_start(bytes: &[u8], c: usize, (from, at): (usize, usize)) -> Option<usize> {
    let (mut k, mut at) = if from <= c { (from, at) } else { (0, 0) };
    while k < c {
        at += cell_len(*bytes.get(at)?);
        k += 1;
    }
    (at < bytes.len()).then_some(at)
}

/// The bytes of a packed cell whose tag is `tag`: the tag's and its number's. [`next_cell`]
/// reads that many, and [`cell_start`] steps over that many.
fn cell_len(tag: u8) -> usize {
    usize::from(CELL_LEN[usize::from(tag)])
}

/// [`cell_len`] of each tag, built from [`tag_len`]: stepping over cells is one of the diff's
/// hottest loops, and there a lookup costs a third fewer instructions than the `match`.
const CELL_LEN: [u8; 256] = {
    let mut len = [0; 256];
    let mut tag = 0;
    while tag < 256 {
        len[tag] = tag_len(tag as u8);
        tag += 1;
    }
    len
};

/// The bytes of a packed cell by its tag: the one place that says it.
const fn tag_len(tag: u8) -> u8 {
    match tag {
        MISSING | NOT_APPLICABLE | FALSE | TRUE => 1,
        CENTI16 => 3,
        CENTI32 => 5,
        _ => 9,
    }
}

fn next_cell(bytes: &[u8]) -> Option<(Cell, &[u8])> {
    let (&tag, rest) = bytes.split_first()?;
    let (b, rest) = rest.split_at_checked(cell_len(tag) - 1)?;
    let num = |v: f64| Cell::Value(Value::Num(v));
    Some((
        match tag {
            MISSING => Cell::Missing,
            NOT_APPLICABLE => Cell::NotApplicable,
            FALSE => Cell::Value(Value::Bool(false)),
            TRUE => Cell::Value(Value::Bool(true)),
            CENTI16 => num(f64::from(i16::from_le_bytes(b.try_into().ok()?)) / 100.0),
            CENTI32 => num(f64::from(i32::from_le_bytes(b.try_into().ok()?)) / 100.0),
            _ => num(f64::from_le_bytes(b.try_into().ok()?)),
        },
        rest,
    ))
}

impl Store {
    /// An empty store for units scored along `sets` (chain order), read from the file `head` says.
    pub fn new(mut head: Dataset, sets: &[&CriteriaSet]) -> Self {
        head.rows = Vec::new();
        let criteria = sets.iter().map(|s| s.criteria.len()).sum();
        let indicators = sets
            .iter()
            .flat_map(|s| &s.criteria)
            .map(|c| c.indicators.len())
            .sum();
        Store {
            head,
            sets: sets.len(),
            criteria,
            indicators,
            text: String::new(),
            ends: Vec::new(),
            lines: Vec::new(),
            years: Vec::new(),
            groups: Vec::new(),
            group_names: Vec::new(),
            verdicts: Vec::new(),
            cells: Vec::new(),
            cell_spans: Vec::new(),
            scratch: Vec::new(),
            unit_verdicts: Vec::new(),
        }
    }

    fn stride(&self) -> usize {
        HEAD + SET * self.sets + self.criteria + self.indicators
    }

    /// The units of a block of verdicts.
    fn per_block(&self) -> usize {
        (BLOCK / self.stride()).max(1)
    }

    /// The verdicts of the unit being kept, to their block (a new one when the last is full), each
    /// unit's exactly [`Store::stride`] bytes (cut, or padded with unknown verdicts and missing
    /// statuses).
    fn keep_verdicts(&mut self) {
        let (n, size) = (self.stride(), self.per_block() * self.stride());
        if self.verdicts.last().is_none_or(|b| b.len() + n > size) {
            self.verdicts.push(Vec::with_capacity(size));
        }
        self.unit_verdicts.resize(n, verdict_byte(Verdict::Unknown));
        if let Some(b) = self.verdicts.last_mut() {
            b.extend_from_slice(&self.unit_verdicts);
        }
        self.unit_verdicts.clear();
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The number a unit of commune `group` keeps: 0 for none, else [`group_number`] of the
    /// group's index (a group not seen before added); [`TooManyGroups`], the store as it was, when
    /// there is none.
    fn group_of(&mut self, group: Option<&str>) -> Result<u32, TooManyGroups> {
        let Some(g) = group else {
            return Ok(0);
        };
        let (i, new) = match self.group_names.iter().position(|n| n == g) {
            Some(i) => (i, false),
            None => (self.group_names.len(), true),
        };
        let n = group_number(i).ok_or(TooManyGroups)?;
        if new {
            self.group_names.push(g.to_string());
        }
        Ok(n)
    }

    /// Keep a row's code, name, district, line, year, group and cells; [`TooManyGroups`] (nothing
    /// kept) when its group cannot be.
    fn push_row(&mut self, row: &Row) -> Result<(), TooManyGroups> {
        let group = self.group_of(row.group.as_deref())?;
        for s in [&row.code, &row.name, &row.parent] {
            self.text.push_str(s);
            self.ends.push(self.text.len());
        }
        self.lines.push(row.line);
        self.years.push(row.year);
        self.groups.push(group);
        self.scratch.clear();
        pack(&row.cells, &mut self.scratch);
        let need = self.scratch.len();
        if self
            .cells
            .last()
            .is_none_or(|b| b.capacity() - b.len() < need)
        {
            self.cells.push(Vec::with_capacity(BLOCK.max(need)));
        }
        let at = self.cells.len() - 1;
        let block = &mut self.cells[at];
        let start = block.len();
        block.extend_from_slice(&self.scratch);
        self.cell_spans.push((at, start, block.len()));
        Ok(())
    }

    /// Keep a row scored by a compiled plan (`c`: its compact verdicts along the store's chain);
    /// [`TooManyGroups`] (nothing kept) when its group cannot be.
    pub fn push_compact(&mut self, row: &Row, c: &Compact) -> Result<(), TooManyGroups> {
        self.push_row(row)?;
        let readiness = match c.readiness {
            Some((at, conditions, ready)) => (Some(at), conditions, ready),
            None => (None, None, None),
        };
        self.push_head(c.level, readiness);
        for i in 0..self.sets {
            let s = c.status.get(i).copied().unwrap_or(Verdict::Unknown);
            let q = c.qualified.get(i).copied().unwrap_or(Verdict::Unknown);
            let met = c.met.get(i).copied().unwrap_or(0);
            self.push_set(s, q, met);
        }
        // The plan lists the criteria's indicators first, then the recognition conditions (cut).
        self.push_verdicts(c.criteria.iter().copied(), c.indicators.iter().copied());
        self.keep_verdicts();
        Ok(())
    }

    /// Keep a row scored by the explained evaluation (when its chain has no compiled plan);
    /// [`TooManyGroups`] (nothing kept) when its group cannot be.
    pub fn push_result(&mut self, row: &Row, r: &UnitResult) -> Result<(), TooManyGroups> {
        self.push_row(row)?;
        let level = r
            .level_reached
            .as_deref()
            .and_then(|l| r.sets.iter().position(|s| s.set == l));
        let readiness = match &r.readiness {
            Some(x) => (
                r.sets.iter().position(|s| s.set == x.set),
                x.conditions,
                x.ready,
            ),
            None => (None, None, None),
        };
        self.push_head(level, readiness);
        // One block a set of the chain, as push_compact keeps them: a unit's bytes never shift.
        for i in 0..self.sets {
            match r.sets.get(i) {
                Some(s) => self.push_set(s.status, s.qualified, s.criteria_met),
                None => self.push_set(Verdict::Unknown, Verdict::Unknown, 0),
            }
        }
        let criteria = || r.sets.iter().take(self.sets).flat_map(|s| &s.criteria);
        self.push_verdicts(
            criteria().map(|c| c.status),
            criteria().flat_map(|c| &c.indicators).map(|i| i.status),
        );
        self.keep_verdicts();
        Ok(())
    }

    /// The bytes before the sets': the level reached (its position in the chain), and the
    /// readiness (the set checked, the conditions, ready), [`NONE`] for what there is not.
    fn push_head(
        &mut self,
        level: Option<usize>,
        (at, conditions, ready): (Option<usize>, Option<Verdict>, Option<Verdict>),
    ) {
        self.unit_verdicts.extend([
            index_byte(level),
            index_byte(at),
            opt_verdict_byte(conditions),
            opt_verdict_byte(ready),
        ]);
    }

    /// The bytes after the sets': each criterion's verdict along the chain, then each of its
    /// criteria's indicators' status, exactly as many as the chain has: cut, or padded with
    /// unknown verdicts and missing statuses past what is given.
    fn push_verdicts(
        &mut self,
        criteria: impl Iterator<Item = Verdict>,
        indicators: impl Iterator<Item = Status>,
    ) {
        let (nc, ni) = (self.criteria, self.indicators);
        let out = &mut self.unit_verdicts;
        push_run(
            out,
            criteria.map(verdict_byte),
            nc,
            verdict_byte(Verdict::Unknown),
        );
        push_run(
            out,
            indicators.map(status_byte),
            ni,
            status_byte(Status::Missing),
        );
    }

    fn push_set(&mut self, status: Verdict, qualified: Verdict, met: usize) {
        // A set's criteria are counted in a `usize`; more than `u32::MAX` of them would not fit
        // in memory as definitions, so the count is kept whole.
        let met = u32::try_from(met).unwrap_or(u32::MAX).to_le_bytes();
        self.unit_verdicts
            .extend([verdict_byte(status), verdict_byte(qualified)]);
        self.unit_verdicts.extend(met);
    }

    fn text_of(&self, i: usize, field: usize) -> &str {
        let k = 3 * i + field;
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        self.text.get(start..self.ends[k]).unwrap_or("")
    }

    pub fn code(&self, i: usize) -> &str {
        self.text_of(i, 0)
    }

    pub fn name(&self, i: usize) -> &str {
        self.text_of(i, 1)
    }

    pub fn parent(&self, i: usize) -> &str {
        self.text_of(i, 2)
    }

    pub fn line(&self, i: usize) -> usize {
        self.lines[i]
    }

    pub fn year(&self, i: usize) -> i32 {
        self.years[i]
    }

    /// Unit `i`'s commune group, when its row gives one.
    pub fn group(&self, i: usize) -> Option<&str> {
        let g = usize::try_from(self.groups[i]).ok()?;
        g.checked_sub(1)
            .and_then(|g| self.group_names.get(g))
            .map(String::as_str)
    }

    fn packed(&self, i: usize) -> &[u8] {
        let (block, start, end) = self.cell_spans[i];
        &self.cells[block][start..end]
    }

    fn verdicts_of(&self, i: usize) -> &[u8] {
        let (n, per) = (self.stride(), self.per_block());
        let at = (i % per) * n;
        &self.verdicts[i / per][at..at + n]
    }
}

/// A store read along one side's version and sets: the units as a comparison reads them.
pub struct StoreSide<'a> {
    store: &'a Store,
    version: &'a Version,
    sets: Vec<&'a CriteriaSet>,
    ev: Evaluator<'a>,
    /// Per set, its first criterion; per criterion (across the chain), its first indicator.
    crit0: Vec<usize>,
    ind0: Vec<usize>,
    /// Per indicator (across the chain), what [`Evaluator::explain_cells`] needs of it, found once
    /// for every unit: among it, the column each of its checks reads ([`Prepared::column`]).
    prepared: Vec<Prepared>,
    /// The names the results hold, shared by every unit: per set its id, per criterion (across the
    /// chain) its number.
    set_names: Vec<Name>,
    criterion_names: Vec<Name>,
    /// Per set, where its indicators are among the chain's (start, end).
    set_indicators: Vec<(usize, usize)>,
    /// Per set, its prerequisites of the same level, each with its position in the chain if
    /// there (what [`UnitView::prerequisites`] reads, found once).
    prerequisites: Vec<Vec<(&'a str, Option<usize>)>>,
}

impl<'a> StoreSide<'a> {
    /// `sets` must be the chain the store's units were scored along.
    pub fn new(
        store: &'a Store,
        version: &'a Version,
        sets: Vec<&'a CriteriaSet>,
        options: Options,
    ) -> Self {
        let mut crit0 = Vec::new();
        let mut ind0 = Vec::new();
        let mut set_indicators = Vec::new();
        let (mut c, mut k) = (0, 0);
        for s in &sets {
            let from = k;
            crit0.push(c);
            c += s.criteria.len();
            for cr in &s.criteria {
                ind0.push(k);
                k += cr.indicators.len();
            }
            set_indicators.push((from, k));
        }
        let ev = Evaluator::new(version, sets.clone(), &store.head, options);
        let prepared = sets
            .iter()
            .flat_map(|s| s.indicators())
            .map(|i| ev.prepare(i))
            .collect();
        let set_names = sets.iter().map(|s| Name::from(s.id.as_str())).collect();
        let criterion_names = sets
            .iter()
            .flat_map(|s| &s.criteria)
            .map(|c| Name::from(c.number.as_str()))
            .collect();
        let prerequisites = sets
            .iter()
            .enumerate()
            .map(|(i, set)| {
                set.requires
                    .iter()
                    .filter(|r| version.set(r).is_some_and(|p| p.level == set.level))
                    .map(|r| (r.as_str(), sets[..i].iter().position(|s| &s.id == r)))
                    .collect()
            })
            .collect();
        StoreSide {
            ev,
            prepared,
            set_names,
            criterion_names,
            prerequisites,
            store,
            version,
            sets,
            crit0,
            ind0,
            set_indicators,
        }
    }

    pub fn store(&self) -> &'a Store {
        self.store
    }
}

impl Side for StoreSide<'_> {
    fn len(&self) -> usize {
        self.store.len()
    }
    fn code(&self, i: usize) -> &str {
        self.store.code(i)
    }
    fn name(&self, i: usize) -> &str {
        self.store.name(i)
    }
    fn line(&self, i: usize) -> usize {
        self.store.line(i)
    }
    fn unit(&self, i: usize) -> Box<dyn Detailed + '_> {
        Box::new(StoreUnit {
            side: self,
            i,
            verdicts: self.store.verdicts_of(i),
            last: std::cell::Cell::new((0, 0)),
        })
    }
}

/// One unit of a store, as a comparison reads it.
pub struct StoreUnit<'s, 'a> {
    side: &'s StoreSide<'a>,
    i: usize,
    verdicts: &'s [u8],
    /// The last cell read of the row's packed cells, and where it starts: a cell is unpacked
    /// only when read (an indicator explained reads a few of the row's, mostly in the columns'
    /// order), the next one found going on from there.
    last: std::cell::Cell<(usize, usize)>,
}

impl StoreUnit<'_, '_> {
    fn set_verdicts(&self, i: usize) -> (Verdict, Verdict) {
        let at = HEAD + SET * i;
        (
            verdict_of(self.verdicts[at]),
            verdict_of(self.verdicts[at + 1]),
        )
    }

    fn set_met(&self, i: usize) -> usize {
        let at = HEAD + SET * i + 2;
        let met = self.verdicts[at..at + 4]
            .try_into()
            .map_or(0, u32::from_le_bytes);
        usize::try_from(met).unwrap_or(usize::MAX)
    }

    /// Where the criteria's verdicts start among the unit's bytes (after the head and the sets').
    fn criteria_base(&self) -> usize {
        HEAD + SET * self.side.sets.len()
    }

    /// Where the indicators' statuses start (after the criteria's verdicts).
    fn indicators_base(&self) -> usize {
        self.criteria_base() + self.side.store.criteria
    }

    fn criterion_at(&self, i: usize, k: usize) -> usize {
        self.side.crit0[i] + k
    }

    fn indicator_at(&self, i: usize, k: usize, j: usize) -> usize {
        self.side.ind0[self.criterion_at(i, k)] + j
    }

    /// The row's cell at position `c` of the file's columns (`None` past its cells), as the
    /// evaluator reads it.
    fn cell(&self, c: usize) -> Option<Cell> {
        let bytes = self.side.store.packed(self.i);
        let at = cell_start(bytes, c, self.last.get())?;
        self.last.set((c, at));
        next_cell(bytes.get(at..)?).map(|(cell, _)| cell)
    }

    /// The unit's commune group, when its row gives one.
    fn group(&self) -> Option<&str> {
        self.side.store.group(self.i)
    }

    fn criterion_verdict(&self, c: usize) -> Verdict {
        verdict_of(self.verdicts[self.criteria_base() + c])
    }

    fn qualified_at(&self, id: &str) -> Option<Verdict> {
        self.side
            .sets
            .iter()
            .position(|s| s.id == id)
            .map(|i| self.set_verdicts(i).1)
    }
}

impl UnitView for StoreUnit<'_, '_> {
    fn version(&self) -> &str {
        &self.side.version.id
    }
    fn code(&self) -> &str {
        self.side.store.code(self.i)
    }
    fn name(&self) -> &str {
        self.side.store.name(self.i)
    }
    fn parent(&self) -> &str {
        self.side.store.parent(self.i)
    }
    fn year(&self) -> i32 {
        self.side.store.year(self.i)
    }
    fn line(&self) -> usize {
        self.side.store.line(self.i)
    }
    fn sets(&self) -> usize {
        self.side.sets.len()
    }
    fn set(&self, i: usize) -> SetBrief<'_> {
        let set = self.side.sets[i];
        let (status, qualified) = self.set_verdicts(i);
        SetBrief {
            id: &set.id,
            status,
            qualified,
            met: self.set_met(i),
            total: set.criteria.len(),
        }
    }
    fn criterion(&self, i: usize, k: usize) -> (&str, Verdict) {
        (
            &self.side.sets[i].criteria[k].number,
            self.criterion_verdict(self.criterion_at(i, k)),
        )
    }
    fn prerequisites(&self, i: usize) -> Vec<(&str, Verdict)> {
        self.side.prerequisites[i]
            .iter()
            .map(|(r, at)| {
                let v = at.map_or(Verdict::Unknown, |j| self.set_verdicts(j).1);
                (*r, v)
            })
            .filter(|(_, v)| *v != Verdict::Pass)
            .collect()
    }
    fn level_reached(&self) -> Option<&str> {
        let l = self.verdicts[0];
        (l != NONE)
            .then(|| self.side.sets.get(usize::from(l)))
            .flatten()
            .map(|s| s.id.as_str())
    }
    fn ready(&self) -> Option<Verdict> {
        opt_verdict_of(self.verdicts[3])
    }
    fn assessed(&self) -> bool {
        self.verdicts[1] != NONE && self.verdicts[2] != NONE
    }
    fn recognition(&self) -> Option<(&str, Option<Verdict>)> {
        let at = self.verdicts[1];
        let set = (at != NONE)
            .then(|| self.side.sets.get(usize::from(at)))
            .flatten()?;
        Some((set.id.as_str(), opt_verdict_of(self.verdicts[2])))
    }
    fn qualified(&self, id: &str) -> Verdict {
        self.qualified_at(id).unwrap_or(Verdict::Unknown)
    }
    fn value(&self, column: &str) -> Option<f64> {
        match self.cell(self.side.ev.column(column)?) {
            Some(Cell::Value(Value::Num(n))) => Some(n),
            _ => None,
        }
    }
}

impl Detailed for StoreUnit<'_, '_> {
    fn threshold_year(&self, i: usize) -> i32 {
        self.side.ev.threshold_year(self.side.sets[i], self.year())
    }
    fn criteria(&self, i: usize) -> usize {
        self.side.sets[i].criteria.len()
    }
    fn indicators(&self, i: usize, k: usize) -> usize {
        self.side.sets[i].criteria[k].indicators.len()
    }
    fn indicator(&self, i: usize, k: usize, j: usize) -> (&str, Status) {
        (
            &self.side.sets[i].criteria[k].indicators[j].code,
            self.indicator_status(i, k, j),
        )
    }
    fn checks(&self, i: usize, k: usize, j: usize) -> usize {
        self.side.sets[i].criteria[k].indicators[j].checks.len()
    }
    fn input_value(&self, i: usize, k: usize, j: usize, c: usize) -> Option<Option<Value>> {
        if c >= self.checks(i, k, j) {
            return None;
        }
        let col = self.side.prepared[self.indicator_at(i, k, j)].column(c)?;
        Some(match self.cell(col) {
            Some(Cell::Value(v)) => Some(v),
            _ => None,
        })
    }
    fn criterion_bytes(&self, i: usize) -> Option<&[u8]> {
        let start = self.criteria_base() + self.criterion_at(i, 0);
        self.verdicts.get(start..start + self.criteria(i))
    }
    fn indicator_bytes(&self, i: usize) -> Option<&[u8]> {
        let (start, end) = *self.side.set_indicators.get(i)?;
        let base = self.indicators_base();
        self.verdicts.get(base + start..base + end)
    }
    fn indicator_status(&self, i: usize, k: usize, j: usize) -> Status {
        let at = self.indicator_at(i, k, j);
        let base = self.indicators_base();
        status_of(self.verdicts[base + at])
    }
    fn set_name(&self, i: usize) -> Name {
        self.side.set_names[i].clone()
    }
    fn criterion_name(&self, i: usize, k: usize) -> Name {
        self.side.criterion_names[self.criterion_at(i, k)].clone()
    }
    fn indicator_name(&self, i: usize, k: usize, j: usize) -> Name {
        self.side.prepared[self.indicator_at(i, k, j)]
            .code()
            .clone()
    }
    fn explain(&self, i: usize, k: usize, j: usize) -> IndicatorResult {
        let set = self.side.sets[i];
        let ind = &set.criteria[k].indicators[j];
        let prepared = &self.side.prepared[self.indicator_at(i, k, j)];
        let cells = Cells {
            at: &|c| self.cell(c),
            year: self.year(),
            group: self.group(),
            meets: &|id| self.qualified_at(id),
        };
        self.side.ev.explain_cells(set, ind, prepared, &cells)
    }
    fn definition(&self, i: usize) -> Option<&CriteriaSet> {
        Some(self.side.sets[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of a file of no columns and no rows.
    fn empty_head() -> Dataset {
        Dataset {
            file: "x.csv".into(),
            columns: Vec::new(),
            specs: Vec::new(),
            present: Vec::new(),
            rows: Vec::new(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn units_kept_across_several_blocks_come_back_each_as_kept() {
        let catalog = crate::criteria::catalog::Catalog::bundled().expect("bundled criteria");
        let version = catalog.for_year(2024).expect("a version for 2024");
        let sel = crate::criteria::select::Selection::of(version, "all", false).expect("all");
        let head = empty_head();
        let mut store = Store::new(head, &sel.communes);
        // Enough units for three blocks of verdicts and more, and cells (9 bytes each) for three
        // blocks of cells.
        let n = 3 * store.per_block() + 7;
        let m = 3 * BLOCK / n / 9 + 1;
        let value = |i: usize| i as f64 + 1.0 / 3.0;
        for i in 0..n {
            let row = Row {
                line: i + 2,
                code: i.to_string(),
                cells: vec![Cell::Value(Value::Num(value(i))); m],
                ..Row::default()
            };
            let c = Compact {
                met: vec![i % 20; sel.communes.len()],
                ..Compact::default()
            };
            assert_eq!(store.push_compact(&row, &c), Ok(()));
        }
        assert!(store.verdicts.len() > 3, "{}", store.verdicts.len());
        assert!(store.cells.len() > 2, "{}", store.cells.len());
        assert!(store.verdicts.iter().all(|b| b.capacity() <= BLOCK));
        let mut back = Vec::new();
        for i in 0..n {
            assert_eq!(store.code(i), i.to_string());
            assert_eq!(store.line(i), i + 2);
            unpack(store.packed(i), &mut back);
            assert_eq!(back.len(), m);
            assert_eq!(back[m - 1], Cell::Value(Value::Num(value(i))));
            let v = store.verdicts_of(i);
            assert_eq!(v.len(), store.stride());
            assert_eq!(
                u32::from_le_bytes([v[HEAD + 2], v[HEAD + 3], v[HEAD + 4], v[HEAD + 5]]) as usize,
                i % 20
            );
        }
    }

    /// A store tells apart more commune groups than a `u16` holds: the unit whose group is the
    /// 65,536th keeps it (a store of 2 bytes a unit made it «no group»); past `u32::MAX` groups a
    /// unit is refused, never kept without its group.
    #[test]
    fn a_unit_keeps_its_group_past_65535_groups() {
        let head = empty_head();
        let mut store = Store::new(head, &[]);
        let c = Compact::default();
        // 65,535 groups seen before (filled in directly: looking each up among the others as
        // rows bring them would take long), then rows of a new group, of the last seen, and of none.
        store.group_names = (0..usize::from(u16::MAX))
            .map(|g| format!("g{g}"))
            .collect();
        for (i, group) in [Some("new"), Some("g65534"), Some("new"), None]
            .into_iter()
            .enumerate()
        {
            let row = Row {
                line: i + 2,
                code: i.to_string(),
                group: group.map(String::from),
                ..Row::default()
            };
            assert_eq!(store.push_compact(&row, &c), Ok(()));
        }
        assert_eq!(store.group_names.len(), 65_536);
        assert_eq!(store.groups, [65_536, 65_535, 65_536, 0]);
        let groups: Vec<Option<&str>> = (0..store.len()).map(|i| store.group(i)).collect();
        assert_eq!(groups, [Some("new"), Some("g65534"), Some("new"), None]);
        // The last number a store has, and none past it.
        let last = usize::try_from(u32::MAX).expect("a usize holds a u32");
        assert_eq!(group_number(last - 1), Some(u32::MAX));
        assert_eq!(group_number(last), None);
        assert_eq!(group_number(usize::MAX), None);
    }

    /// A unit kept from the compiled plan's verdicts and the same unit kept from its explained
    /// result are the same bytes: both ways fill the same layout.
    #[test]
    fn a_unit_kept_from_its_plan_is_kept_as_from_its_result() {
        use crate::criteria::Version;
        use crate::eval::NoDerived;
        use crate::eval::plan::Plan;
        use crate::input::Layout;
        let catalog = crate::criteria::catalog::Catalog::bundled().expect("bundled criteria");
        let version = catalog.for_year(2024).expect("a version for 2024");
        let sel = crate::criteria::select::Selection::of(version, "all", false).expect("all");
        let cols = Version::columns_of(&sel.communes);
        let text = include_str!("../../../samples/communes.csv");
        let ds = crate::input::read_str("communes.csv", text, version, Layout::COMMUNE, &cols);
        let ev = Evaluator::new(version, sel.communes.clone(), &ds, Options::default());
        let (mut planned, mut explained) = (
            Store::new(ds.clone(), &sel.communes),
            Store::new(ds.clone(), &sel.communes),
        );
        let mut c = Compact::default();
        for row in &ds.rows {
            let plan = Plan::compile(
                version,
                &sel.communes,
                &ds.columns,
                &ds.present,
                row.year,
                row.group.as_deref(),
            )
            .expect("the plan compiles");
            plan.score(row, &mut c);
            assert_eq!(planned.push_compact(row, &c), Ok(()));
            assert_eq!(
                explained.push_result(row, &ev.evaluate(row, &NoDerived)),
                Ok(())
            );
        }
        assert!(planned.len() > 5);
        for i in 0..planned.len() {
            assert_eq!(planned.verdicts_of(i), explained.verdicts_of(i), "unit {i}");
        }
    }

    proptest::proptest! {
        /// A number is kept in hundredths exactly when rounding its product by 100 gives them
        /// back: the short way finds the same hundredths, or none, as rounding does.
        #[test]
        fn hundredths_are_those_rounding_finds(
            k in proptest::num::i64::ANY,
            scale in 0u32..6,
            bits in proptest::num::u64::ANY,
            nudge in -2i64..=2,
        ) {
            let by_rounding = |v: f64| {
                let k = (v * 100.0).round();
                let k = (k.abs() <= f64::from(i32::MAX)).then_some(k as i32);
                k.filter(|k| (f64::from(*k) / 100.0).to_bits() == v.to_bits())
            };
            // Hundredths of every size, their neighbours one bit away, and any double at all.
            let k = k >> (10 * scale);
            let v = k as f64 / 100.0;
            let near = f64::from_bits(v.to_bits().wrapping_add_signed(nudge));
            for v in [v, -v, near, f64::from_bits(bits)] {
                proptest::prop_assert_eq!(hundredths(v), by_rounding(v), "{:e}", v);
            }
        }
    }

    #[test]
    fn packed_cells_come_back_exactly() {
        let values = [
            0.0,
            -0.0,
            87.0,
            42.5,
            3.25,
            0.1,
            0.07,
            327.67,
            327.68,
            -12.34,
            1234567.89,
            21474836.47,
            21474836.48,
            1e-9,
            1.0 / 3.0,
            f64::MAX,
            1e300,
        ];
        let mut cells = vec![
            Cell::Missing,
            Cell::NotApplicable,
            Cell::Value(Value::Bool(true)),
            Cell::Value(Value::Bool(false)),
        ];
        cells.extend(values.iter().map(|v| Cell::Value(Value::Num(*v))));
        let mut packed = Vec::new();
        pack(&cells, &mut packed);
        let mut back = Vec::new();
        unpack(&packed, &mut back);
        assert_eq!(back.len(), cells.len());
        // Each cell read alone, found from the first or from any cell before it, is the one
        // unpacked in order; there is none past the last.
        let n = cells.len();
        let read = |c: usize, from: (usize, usize)| {
            let at = cell_start(&packed, c, from);
            format!(
                "{:?}",
                at.and_then(|at| next_cell(&packed[at..])).map(|x| x.0)
            )
        };
        for (c, cell) in back.iter().enumerate() {
            let expect = format!("{:?}", Some(cell));
            assert_eq!(read(c, (0, 0)), expect, "cell {c}");
            for from in [0, c / 2, c.saturating_sub(1), c] {
                let at = cell_start(&packed, from, (0, 0)).expect("a cell");
                assert_eq!(read(c, (from, at)), expect, "cell {c} from {from}");
            }
            // From a cell after it: from the first again.
            if let Some(at) = cell_start(&packed, c + 1, (0, 0)) {
                assert_eq!(read(c, (c + 1, at)), expect, "cell {c} from {}", c + 1);
            }
        }
        assert_eq!(read(n, (0, 0)), "None");
        assert_eq!(read(n + 3, (0, 0)), "None");
        for (a, b) in cells.iter().zip(&back) {
            match (a, b) {
                (Cell::Value(Value::Num(x)), Cell::Value(Value::Num(y))) => {
                    assert_eq!(x.to_bits(), y.to_bits(), "{x} came back as {y}")
                }
                _ => assert_eq!(a, b),
            }
        }
        // Hundredths take 2 or 4 bytes; a third, 8.
        let size = |v: f64| {
            let mut p = Vec::new();
            pack(&[Cell::Value(Value::Num(v))], &mut p);
            p.len()
        };
        assert_eq!(size(42.5), 3);
        assert_eq!(size(1234567.89), 5);
        assert_eq!(size(1.0 / 3.0), 9);
        assert_eq!(size(-0.0), 9);
    }
}
