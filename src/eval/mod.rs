//! Evaluation: a unit's data against criteria sets, giving a status for every check, indicator,
//! criterion and set, the level reached along the chain of sets, and recognition readiness.

pub mod diff;
pub mod district;
pub mod facts;
pub mod name;
pub mod needs;
pub mod plan;
pub mod summary;
pub mod view;

use std::collections::HashMap;

use serde::Serialize;

use crate::criteria::diff::input_name;
use crate::criteria::threshold::Unresolved;
use crate::criteria::{Check, CriteriaSet, Indicator, Input, Kind, Op, Resolved, Version};
use crate::diag::Problem;
use crate::i18n::Text;
use crate::input::{Cell, Dataset, Row, Value};
pub use name::Name;

/// The status of a check or an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Missing,
    NotApplicable,
    /// A context value, shown but not judged.
    Info,
}

/// The verdict on a criterion, a set or a unit: missing data gives `Unknown`, never `Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Unknown,
}

impl Status {
    /// The status as in JSON and CSV output (`pass`, `not_applicable`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Missing => "missing",
            Status::NotApplicable => "not_applicable",
            Status::Info => "info",
        }
    }
}

impl Verdict {
    /// All of several verdicts: any fail fails, else any unknown is unknown.
    pub fn all(items: impl IntoIterator<Item = Verdict>) -> Verdict {
        let mut out = Verdict::Pass;
        for v in items {
            match v {
                Verdict::Fail => return Verdict::Fail,
                Verdict::Unknown => out = Verdict::Unknown,
                Verdict::Pass => {}
            }
        }
        out
    }

    pub fn as_bool(self) -> Option<bool> {
        match self {
            Verdict::Pass => Some(true),
            Verdict::Fail => Some(false),
            Verdict::Unknown => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// The column read, or what was derived (`meets:nang-cao`).
    pub input: Name,
    pub status: Status,
    pub value: Option<Value>,
    pub kind: Kind,
    pub op: Option<Op>,
    pub threshold: Option<Resolved>,
    /// How far the value is from the threshold, in the value's unit, when it fails.
    pub gap: Option<f64>,
    pub verified: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorResult {
    pub code: Name,
    pub status: Status,
    pub verified: bool,
    pub checks: Vec<CheckResult>,
}

impl IndicatorResult {
    /// The first judged check that fails, else the first judged one.
    pub fn main_check(&self) -> Option<&CheckResult> {
        self.checks
            .iter()
            .find(|c| c.status == Status::Fail)
            .or_else(|| self.checks.iter().find(|c| c.status == Status::Missing))
            .or_else(|| self.checks.iter().find(|c| c.status != Status::Info))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionResult {
    pub number: String,
    pub status: Verdict,
    pub indicators: Vec<IndicatorResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SetResult {
    pub set: String,
    /// The set's own criteria.
    pub status: Verdict,
    /// The set's criteria and its prerequisites: whether the unit qualifies at this level.
    pub qualified: Verdict,
    /// Prerequisites that are not met (`Fail`) or not known (`Unknown`).
    pub prerequisites: Vec<(String, Verdict)>,
    pub criteria_met: usize,
    pub criteria_total: usize,
    pub criteria: Vec<CriterionResult>,
    /// The year whose thresholds were used (differs from the data year only with `--nearest-year`).
    pub threshold_year: i32,
}

impl SetResult {
    /// Criteria that fail, then those unknown.
    pub fn failing(&self) -> impl Iterator<Item = &CriterionResult> {
        self.criteria.iter().filter(|c| c.status == Verdict::Fail)
    }
}

/// Recognition readiness (18/2022/QĐ-TTg): beyond the criteria.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// The set whose recognition conditions were checked (the level reached, or the level asked).
    pub set: String,
    /// `None` when the data carry none of the columns: not assessed.
    pub conditions: Option<Verdict>,
    /// Ready to be proposed: qualified at `set` and the conditions met.
    pub ready: Option<Verdict>,
    pub indicators: Vec<IndicatorResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitResult {
    /// The criteria version that scored it (the one in force for its year).
    pub version: String,
    pub code: String,
    pub name: String,
    pub parent: String,
    pub year: i32,
    pub line: usize,
    pub sets: Vec<SetResult>,
    /// The highest level qualified at, along the chain.
    pub level_reached: Option<String>,
    pub readiness: Option<Readiness>,
}

impl UnitResult {
    pub fn set(&self, id: &str) -> Option<&SetResult> {
        self.sets.iter().find(|s| s.set == id)
    }
}

/// Values the engine derives rather than reads, for the unit evaluated: for a district, its
/// communes' results.
pub trait Derived {
    /// The share (%) of the unit's communes meeting `set`, as the range `(lowest, highest)` that the
    /// communes with missing data leave open (equal when every commune is known); `None` when the unit
    /// has no commune.
    fn share_meeting(&self, set: &str) -> Option<(f64, f64)>;

    /// The lowest value of `column` among the unit's communes, or `None` when it has no commune or
    /// one of them has no value.
    fn min_over_communes(&self, _column: &str) -> Option<f64> {
        None
    }
}

/// Commune evaluation derives nothing beyond `meets`.
pub struct NoDerived;

impl Derived for NoDerived {
    fn share_meeting(&self, _: &str) -> Option<(f64, f64)> {
        None
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Reuse the nearest year's thresholds for a data year outside a set's validity.
    pub nearest_year: bool,
    /// Score every row with this year's thresholds instead of its own year's (`diff --same-year`).
    pub thresholds_of: Option<i32>,
}

/// A unit's cell at each position of its file's columns (`None` past its cells).
pub type CellAt<'a> = &'a dyn Fn(usize) -> Option<Cell>;

/// A unit as the checks of an indicator read it, known by its cells: the cell at each position of
/// the evaluator's columns, its data year, its commune group, and whether it qualifies at a set of
/// the chain (what the `meets:` inputs read; `None` when not known).
pub struct Cells<'r> {
    pub at: CellAt<'r>,
    pub year: i32,
    pub group: Option<&'r str>,
    pub meets: &'r dyn Fn(&str) -> Option<Verdict>,
}

/// A unit's cells read for one set: with the year whose thresholds score it, and what is derived
/// for the unit.
struct Reading<'r> {
    cells: &'r Cells<'r>,
    year: i32,
    derived: &'r dyn Derived,
}

/// What a check's input holds for a unit: a cell, or a share that the communes with missing data
/// leave open between two ends.
enum Held {
    Cell(Cell),
    Range(f64, f64),
}

/// What the input of a check holds for the unit `r` reads, `column` being where the check reads
/// its column among the unit's cells ([`Evaluator::column`]), if it reads one the file has.
fn input_cell(input: &Input, column: Option<usize>, r: &Reading<'_>) -> Held {
    let cell = match input {
        Input::Column(_) => column.and_then(r.cells.at),
        Input::Meets(set) => Some(meets_cell((r.cells.meets)(set))),
        Input::MinOverCommunes(col) => r
            .derived
            .min_over_communes(col)
            .map(|v| Cell::Value(Value::Num(v))),
        Input::ShareOfCommunesMeeting(set) => match r.derived.share_meeting(set) {
            None => None,
            Some((low, high)) if (high - low).abs() < 1e-9 => Some(Cell::Value(Value::Num(low))),
            Some((low, high)) => return Held::Range(low, high),
        },
    };
    Held::Cell(cell.unwrap_or(Cell::Missing))
}

/// What explaining one indicator needs of its definition for every unit ([`Evaluator::prepare`]):
/// its code's name, and per check its input's name and the column it reads, if the file has it.
#[derive(Debug, Clone)]
pub struct Prepared {
    code: Name,
    inputs: Vec<(Name, Option<usize>)>,
}

impl Prepared {
    /// The indicator's code.
    pub fn code(&self) -> &Name {
        &self.code
    }

    /// Where check `c` of the indicator reads its column among a unit's cells ([`Evaluator::column`]),
    /// if it reads one the file has.
    pub fn column(&self, c: usize) -> Option<usize> {
        self.inputs.get(c).and_then(|(_, col)| *col)
    }
}

/// Evaluates rows of one dataset against a list of sets (given in chain order: prerequisites first).
pub struct Evaluator<'a> {
    version: &'a Version,
    sets: Vec<&'a CriteriaSet>,
    /// Each column's position, by name: looked up for every check explained.
    columns: HashMap<&'a str, usize, crate::Quick>,
    column_names: Vec<&'a str>,
    present: Vec<bool>,
    options: Options,
    /// Per column: the indicator that forbids `KAD` in it (read by an indicator that is not «if
    /// any», and by none that is), if any.
    na_forbidden: Vec<Option<&'a str>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(
        version: &'a Version,
        sets: Vec<&'a CriteriaSet>,
        ds: &'a Dataset,
        options: Options,
    ) -> Self {
        // The first column of a name, as `Dataset::column_index` finds it (the reader refuses a
        // header that repeats one).
        let mut columns: HashMap<&str, usize, crate::Quick> = HashMap::default();
        for (i, c) in ds.columns.iter().enumerate() {
            columns.entry(c.as_str()).or_insert(i);
        }
        let column_names: Vec<&str> = ds.columns.iter().map(String::as_str).collect();
        let mut na_forbidden: Vec<Option<&str>> = vec![None; column_names.len()];
        let mut optional = vec![false; column_names.len()];
        for set in &sets {
            for ind in set.indicators().chain(set.recognition.iter()) {
                for check in &ind.checks {
                    let Some(i) = check
                        .input
                        .column()
                        .and_then(|c| column_names.iter().position(|n| *n == c))
                    else {
                        continue;
                    };
                    if !ind.optional && na_forbidden[i].is_none() {
                        na_forbidden[i] = Some(ind.code.as_str());
                    }
                }
            }
        }
        // A column read by an «if any» indicator of a commune set may say KAD everywhere.
        for set in &sets {
            for ind in set.indicators().filter(|i| i.optional) {
                for c in ind.checks.iter().filter_map(|c| c.input.column()) {
                    if let Some(i) = column_names.iter().position(|n| *n == c) {
                        optional[i] = true;
                    }
                }
            }
        }
        for (f, o) in na_forbidden.iter_mut().zip(&optional) {
            if *o {
                *f = None;
            }
        }
        Evaluator {
            version,
            sets,
            columns,
            column_names,
            present: ds.present.clone(),
            options,
            na_forbidden,
        }
    }

    /// Problems the data cause before any verdict: a year outside a set's validity, `KAD` where the
    /// indicator may not be not applicable.
    pub fn precheck(&self, ds: &Dataset, year_column: &str) -> Vec<Problem> {
        ds.rows
            .iter()
            .flat_map(|row| self.precheck_row(&ds.file, row, year_column))
            .collect()
    }

    /// [`Evaluator::precheck`] for one row of `file`.
    pub fn precheck_row(&self, file: &str, row: &Row, year_column: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        {
            let year = self.options.thresholds_of.unwrap_or(row.year);
            for set in &self.sets {
                if !set.covers(year) {
                    let range = format!("{}–{}", set.valid_from, set.valid_to);
                    let p = if self.options.nearest_year {
                        Problem::warning(
                            "year-outside",
                            file,
                            Text::new(
                                format!(
                                    "năm {} ngoài thời hạn của bộ {} ({range}): dùng ngưỡng của năm gần nhất",
                                    year, set.id
                                ),
                                format!(
                                    "year {} is outside set {}'s validity ({range}): the nearest year's thresholds are used",
                                    year, set.id
                                ),
                            ),
                        )
                    } else {
                        Problem::error(
                            "year-outside",
                            file,
                            Text::new(
                                format!("năm {} ngoài thời hạn hiệu lực của bộ {}", year, set.id),
                                format!("year {} is outside the validity of set {}", year, set.id),
                            ),
                        )
                        .found(year.to_string())
                        .expected(Text::new(
                            format!("một năm trong {range}, hoặc --nearest-year để dùng ngưỡng năm gần nhất"),
                            format!("a year in {range}, or --nearest-year to reuse the nearest year's thresholds"),
                        ))
                    };
                    problems.push(p.at(row.line, None).field(year_column));
                    break;
                }
            }
            // Most rows have no "not applicable" cell at all.
            if row.cells.contains(&Cell::NotApplicable) {
                for (i, code) in self.na_forbidden.iter().enumerate() {
                    let Some(code) = code else { continue };
                    if row.cells.get(i) != Some(&Cell::NotApplicable) {
                        continue;
                    }
                    problems.push(
                        Problem::error(
                            "not-applicable",
                            file,
                            Text::new(
                                format!("chỉ tiêu {code} không được ghi «không áp dụng» (chỉ các chỉ tiêu «nếu có»)"),
                                format!("indicator {code} cannot be marked not applicable (only «if any» indicators can)"),
                            ),
                        )
                        .at(row.line, None)
                        .field(self.column_names[i])
                        // As typed: `N/A`, `-`, `—` are read as "not applicable" too.
                        .found(
                            row.written
                                .iter()
                                .find(|(j, _)| *j == i)
                                .map_or("KAD", |(_, t)| t.as_str()),
                        )
                        .expected(Text::new("một giá trị", "a value")),
                    );
                }
            }
        }
        problems
    }

    pub fn version(&self) -> &'a Version {
        self.version
    }

    fn cell(&self, row: &Row, col: &str) -> Cell {
        self.cell_in(&|i| row.cells.get(i).copied(), col)
    }

    /// The cell of column `col` among a row's cells, `cell_at` giving the cell at each position
    /// (missing when the file has no such column).
    fn cell_in(&self, cell_at: CellAt<'_>, col: &str) -> Cell {
        self.columns
            .get(col)
            .and_then(|i| cell_at(*i))
            .unwrap_or(Cell::Missing)
    }

    /// Where this evaluator reads column `col` among a row's cells, if the file has it (its first
    /// column of that name, as `Dataset::column_index` finds it): what [`Prepared::column`] gives
    /// for each check that reads a column.
    pub fn column(&self, col: &str) -> Option<usize> {
        self.columns.get(col).copied()
    }

    /// Evaluate one unit against every set, in order.
    pub fn evaluate(&self, row: &Row, derived: &dyn Derived) -> UnitResult {
        let mut sets: Vec<SetResult> = Vec::with_capacity(self.sets.len());
        for set in &self.sets {
            let r = self.evaluate_set(set, row, derived, &sets);
            sets.push(r);
        }
        let chain: Vec<&str> = self.sets.iter().map(|s| s.id.as_str()).collect();
        let level_reached = chain
            .iter()
            .rev()
            .find(|id| {
                sets.iter()
                    .any(|s| s.set == **id && s.qualified == Verdict::Pass)
            })
            .map(|s| s.to_string());
        let readiness = self.readiness(row, &sets, level_reached.as_deref(), derived);
        UnitResult {
            version: self.version.id.clone(),
            code: row.code.clone(),
            name: row.name.clone(),
            parent: row.parent.clone(),
            year: row.year,
            line: row.line,
            sets,
            level_reached,
            readiness,
        }
    }

    /// What [`Evaluator::explain_cells`] needs of indicator `ind` for every unit, found once: its
    /// code's and its checks' input names, and the column each check reads.
    pub fn prepare(&self, ind: &Indicator) -> Prepared {
        Prepared {
            code: Name::from(ind.code.as_str()),
            inputs: ind
                .checks
                .iter()
                .map(|c| {
                    let column = c.input.column().and_then(|col| self.column(col));
                    (Name::from(input_name(&c.input)), column)
                })
                .collect(),
        }
    }

    /// One indicator of `set` explained (its checks' values, thresholds and statuses, as
    /// [`Evaluator::evaluate`] gives them) for a unit known by its cells alone, deriving nothing
    /// ([`NoDerived`]); `prepared` is what [`Evaluator::prepare`] found of `ind`. Only the cells
    /// the indicator reads are asked for. Its names are shared by every result, and no column is
    /// looked for by its name but those a threshold's condition reads.
    pub fn explain_cells(
        &self,
        set: &CriteriaSet,
        ind: &Indicator,
        prepared: &Prepared,
        cells: &Cells<'_>,
    ) -> IndicatorResult {
        let r = Reading {
            cells,
            year: self.threshold_year(set, cells.year),
            derived: &NoDerived,
        };
        self.indicator_with(ind, prepared, &r)
    }

    /// Indicator `ind` explained for the unit `r` reads.
    fn indicator(&self, ind: &Indicator, r: &Reading<'_>) -> IndicatorResult {
        self.indicator_with(ind, &self.prepare(ind), r)
    }

    /// Indicator `ind` explained for the unit `r` reads, given what [`Evaluator::prepare`] found
    /// of it.
    fn indicator_with(
        &self,
        ind: &Indicator,
        prepared: &Prepared,
        r: &Reading<'_>,
    ) -> IndicatorResult {
        let checks = ind
            .checks
            .iter()
            .zip(&prepared.inputs)
            .map(|(c, (name, col))| self.check(c, ind.optional, name.clone(), *col, r))
            .collect();
        indicator_result(ind, prepared.code.clone(), checks)
    }

    /// The year whose thresholds score `set` for a row of `year`.
    pub fn threshold_year(&self, set: &CriteriaSet, year: i32) -> i32 {
        self.options
            .thresholds_of
            .unwrap_or(year)
            .clamp(set.valid_from, set.valid_to)
    }

    /// `row` read for `set` ([`Reading`]: its cells, the year whose thresholds score the set, what
    /// is derived), handed to `f`; `done`: the sets scored before, for the inputs that say whether
    /// one is met.
    fn reading_row<T>(
        &self,
        set: &CriteriaSet,
        row: &Row,
        derived: &dyn Derived,
        done: &[SetResult],
        f: impl FnOnce(&Reading) -> T,
    ) -> T {
        let meets = |id: &str| done.iter().find(|s| s.set == id).map(|s| s.qualified);
        let cells = Cells {
            at: &|i| row.cells.get(i).copied(),
            year: row.year,
            group: row.group.as_deref(),
            meets: &meets,
        };
        f(&Reading {
            cells: &cells,
            year: self.threshold_year(set, row.year),
            derived,
        })
    }

    fn evaluate_set(
        &self,
        set: &CriteriaSet,
        row: &Row,
        derived: &dyn Derived,
        done: &[SetResult],
    ) -> SetResult {
        let (criteria, threshold_year) = self.reading_row(set, row, derived, done, |r| {
            let criteria: Vec<CriterionResult> = set
                .criteria
                .iter()
                .map(|c| {
                    let indicators: Vec<IndicatorResult> =
                        c.indicators.iter().map(|i| self.indicator(i, r)).collect();
                    CriterionResult {
                        number: c.number.clone(),
                        status: verdict_of(&indicators),
                        indicators,
                    }
                })
                .collect();
            (criteria, r.year)
        });
        let status = Verdict::all(criteria.iter().map(|c| c.status));
        // Prerequisites on the same unit; a district set's commune sets are its share conditions.
        let prerequisites: Vec<(String, Verdict)> = set
            .requires
            .iter()
            .filter(|r| self.version.set(r).is_some_and(|p| p.level == set.level))
            .map(|r| {
                let v = done
                    .iter()
                    .find(|s| &s.set == r)
                    .map_or(Verdict::Unknown, |s| s.qualified);
                (r.clone(), v)
            })
            .collect();
        let qualified =
            Verdict::all(std::iter::once(status).chain(prerequisites.iter().map(|p| p.1)));
        SetResult {
            set: set.id.clone(),
            status,
            qualified,
            prerequisites: prerequisites
                .into_iter()
                .filter(|p| p.1 != Verdict::Pass)
                .collect(),
            criteria_met: criteria
                .iter()
                .filter(|c| c.status == Verdict::Pass)
                .count(),
            criteria_total: criteria.len(),
            criteria,
            threshold_year,
        }
    }

    /// A check (of an «if any» indicator when `optional`) explained for the unit `r` reads: its
    /// input, named `input`, read at `column` when it reads one of the file's columns
    /// ([`input_cell`]).
    fn check(
        &self,
        check: &Check,
        optional: bool,
        input: Name,
        column: Option<usize>,
        r: &Reading<'_>,
    ) -> CheckResult {
        match input_cell(&check.input, column, r) {
            Held::Cell(cell) => self.judge(check, optional, input, cell, r),
            Held::Range(low, high) => self.share_range(check, input, low, high, r.year),
        }
    }

    /// A check whose input (named `input`) holds `cell`, judged for the unit `r` reads (its other
    /// cells read by the thresholds that depend on another column).
    fn judge(
        &self,
        check: &Check,
        optional: bool,
        input: Name,
        cell: Cell,
        r: &Reading<'_>,
    ) -> CheckResult {
        let (year, group, cell_at) = (r.year, r.cells.group, r.cells.at);
        let mut out = CheckResult {
            input,
            status: Status::Missing,
            value: None,
            kind: check.kind,
            op: check.op,
            threshold: None,
            gap: None,
            verified: check.verified,
        };
        // The threshold is shown even when the value is missing.
        if let (Some(t), false) = (&check.threshold, check.context) {
            let lookup = |col: &str| match self.cell_in(cell_at, col) {
                Cell::Value(v) => v.as_num(),
                _ => None,
            };
            match t.resolve_in(year, group, self.version, &lookup) {
                Ok(r) => out.threshold = Some(r),
                Err(Unresolved::MissingCondition(_)) => {}
                Err(_) => {}
            }
        }
        // A context value is shown, never judged: its absence matters only through the thresholds
        // that read it.
        if check.context {
            out.status = Status::Info;
        }
        let value = match cell {
            Cell::Missing => return out,
            Cell::NotApplicable => {
                out.status = if optional || check.context {
                    Status::NotApplicable
                } else {
                    Status::Missing
                };
                return out;
            }
            Cell::Value(v) => v,
        };
        out.value = Some(value);
        if check.context {
            out.status = Status::Info;
            return out;
        }
        out.status = match (value, check.op, &out.threshold) {
            (Value::Bool(b), _, _) => {
                if b {
                    Status::Pass
                } else {
                    Status::Fail
                }
            }
            (Value::Num(v), Some(op), Some(t)) => {
                if op.holds(v, t.value) {
                    Status::Pass
                } else {
                    out.gap = Some(op.shortfall(v, t.value));
                    Status::Fail
                }
            }
            // The condition that picks the threshold cannot be read (5n missing): the verdict is still
            // known when the value meets every possible threshold, or none of them.
            (Value::Num(v), Some(op), None) => match &check.threshold {
                // The unit's commune group is not known and the threshold depends on it: whatever
                // the groups' values, the verdict waits for the group (never a fail).
                Some(t) if group.is_none() && t.by_group(self.version) => Status::Missing,
                Some(t) => {
                    let all = t.candidates_in(year, group, self.version);
                    if !all.is_empty() && all.iter().all(|c| op.holds(v, *c)) {
                        Status::Pass
                    } else if !all.is_empty() && all.iter().all(|c| !op.holds(v, *c)) {
                        out.gap = all
                            .iter()
                            .map(|c| op.shortfall(v, *c))
                            .min_by(f64::total_cmp);
                        Status::Fail
                    } else {
                        Status::Missing
                    }
                }
                None => Status::Missing,
            },
            _ => Status::Missing,
        };
        out
    }

    /// A share left open by communes with missing data: it passes or fails only when both ends of
    /// the range agree, and is missing otherwise.
    fn share_range(
        &self,
        check: &Check,
        input: Name,
        low: f64,
        high: f64,
        year: i32,
    ) -> CheckResult {
        let threshold = check
            .threshold
            .as_ref()
            .and_then(|t| t.resolve(year, self.version, &|_| None).ok());
        let (status, value, gap) = match (check.op, &threshold) {
            (Some(op), Some(t)) => match (op.holds(low, t.value), op.holds(high, t.value)) {
                (true, true) => (Status::Pass, Some(low), None),
                // Fails however the missing communes turn out; the value shown is the known share.
                (false, false) => (Status::Fail, Some(low), Some(op.shortfall(low, t.value))),
                _ => (Status::Missing, None, None),
            },
            _ => (Status::Missing, None, None),
        };
        CheckResult {
            input,
            status,
            value: value.map(Value::Num),
            kind: check.kind,
            op: check.op,
            threshold,
            gap,
            verified: check.verified,
        }
    }

    fn readiness(
        &self,
        row: &Row,
        sets: &[SetResult],
        reached: Option<&str>,
        derived: &dyn Derived,
    ) -> Option<Readiness> {
        // The level the unit is proposed at: the level reached, else the first of the chain.
        let id = reached.or_else(|| self.sets.first().map(|s| s.id.as_str()))?;
        let set = self.sets.iter().find(|s| s.id == id)?;
        let qualified = sets
            .iter()
            .find(|s| s.set == id)
            .map_or(Verdict::Unknown, |s| s.qualified);
        // Not assessed when the file has none of the columns, or this row leaves them all empty.
        let any_present = set
            .recognition
            .iter()
            .flat_map(|i| i.checks.iter())
            .filter_map(|c| c.input.column())
            .any(|c| {
                self.columns
                    .get(c)
                    .is_some_and(|i| self.present.get(*i) == Some(&true))
                    && self.cell(row, c) != Cell::Missing
            });
        let indicators: Vec<IndicatorResult> = self.reading_row(set, row, derived, sets, |r| {
            set.recognition
                .iter()
                .map(|i| self.indicator(i, r))
                .collect()
        });
        let conditions = any_present.then(|| verdict_of(&indicators));
        Some(Readiness {
            set: id.to_string(),
            conditions,
            ready: conditions.map(|c| Verdict::all([qualified, c])),
            indicators,
        })
    }
}

/// The verdict of indicators taken together: failed when one fails, unknown when one is missing,
/// else met.
fn verdict_of(indicators: &[IndicatorResult]) -> Verdict {
    Verdict::all(indicators.iter().map(|i| match i.status {
        Status::Fail => Verdict::Fail,
        Status::Missing => Verdict::Unknown,
        _ => Verdict::Pass,
    }))
}

/// An indicator's result from its checks': failed when one fails, not applicable when an «if any»
/// indicator's check is, missing when one is missing (context values are not judged), else passed.
fn indicator_result(ind: &Indicator, code: Name, checks: Vec<CheckResult>) -> IndicatorResult {
    // The statuses judged (context values are not).
    let has = |s: Status| checks.iter().any(|c| c.status == s);
    let status = if has(Status::Fail) {
        Status::Fail
    } else if ind.optional && has(Status::NotApplicable) {
        Status::NotApplicable
    } else if has(Status::Missing) || has(Status::NotApplicable) {
        // KAD on an indicator that cannot be not applicable is reported by `precheck`.
        Status::Missing
    } else {
        Status::Pass
    };
    IndicatorResult {
        code,
        status,
        verified: ind.verified(),
        checks,
    }
}

/// What a `meets:` input reads: whether the unit qualifies at the set, missing when not known.
fn meets_cell(v: Option<Verdict>) -> Cell {
    match v {
        Some(Verdict::Pass) => Cell::Value(Value::Bool(true)),
        Some(Verdict::Fail) => Cell::Value(Value::Bool(false)),
        _ => Cell::Missing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The evaluator finds a column where the file's dataset does, the first of its name, even in
    /// a header that repeats one (which the reader refuses): the store reads a check's cell where
    /// the explained evaluation does.
    #[test]
    fn a_column_is_found_where_the_dataset_finds_it() {
        let catalog = crate::criteria::catalog::Catalog::bundled().expect("bundled criteria");
        let version = catalog.for_year(2024).expect("a version for 2024");
        let columns: Vec<String> = ["5n", "10", "5n", "10", "2.2"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let ds = Dataset {
            file: "x.csv".into(),
            present: vec![true; columns.len()],
            columns,
            specs: Vec::new(),
            rows: Vec::new(),
            problems: Vec::new(),
        };
        let ev = Evaluator::new(version, version.commune_chain(), &ds, Options::default());
        for c in ["5n", "10", "2.2", "nc2.2"] {
            assert_eq!(ev.column(c), ds.column_index(c), "{c}");
        }
        let ind = version
            .commune_chain()
            .iter()
            .flat_map(|s| s.indicators())
            .find(|i| i.checks.iter().any(|c| c.input.column() == Some("5n")))
            .expect("an indicator reading 5n");
        let prepared = ev.prepare(ind);
        let at = ind
            .checks
            .iter()
            .position(|c| c.input.column() == Some("5n"))
            .expect("its check");
        assert_eq!(prepared.column(at), Some(0));
        assert_eq!(prepared.column(ind.checks.len()), None);
    }
}
