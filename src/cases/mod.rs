//! Test cases written by domain experts (`ntm test`): a name, a set, a year, the inputs of one commune
//! (or one district and its communes), and the outcome expected: the level reached, whether the unit
//! qualifies, and the status of criteria and indicators, their gaps and thresholds.
//!
//! A case file is TOML, read strictly ([`load`]: every problem with file, line and column); the inputs
//! go through the same cell parsing as CSV data, and are scored by the same pipeline as `ntm check`
//! ([`run`]: [`pipeline::check::run`](crate::pipeline::check::run) over rows given inline). [`render`]
//! turns outcomes into text. The format is in docs/cases-format.md.

mod expect;
mod parse;
pub mod render;
mod run;

use crate::criteria::catalog::Catalog;
use crate::diag::Problem;
use crate::eval::{Status, UnitResult, Verdict};
use crate::input::{Dataset, Row};

pub use run::run;

/// What an expectation names: a criterion, an indicator, or one check of an indicator, in one set.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// As written in the case file (`2.2`, `xa-ntm:2.2`, `2.3/2.3b`).
    pub written: String,
    pub set: String,
    /// The criterion number or the indicator code.
    pub code: String,
    /// For `gap` and `threshold`: the index of the check within the indicator.
    pub check: usize,
}

/// The outcome a case expects; only what is listed is compared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Expect {
    /// The level reached: a set id, or `None` for "none".
    pub level: Option<Option<String>>,
    /// Whether the unit qualifies at the case's set.
    pub qualified: Option<Verdict>,
    pub criteria: Vec<(Key, Verdict)>,
    pub indicators: Vec<(Key, Status)>,
    pub gap: Vec<(Key, f64)>,
    pub threshold: Vec<(Key, f64)>,
    /// Input columns whose values must be refused (out of their plausible range, unreadable): the
    /// row is then not scored, so nothing else is expected of it.
    pub refused: Vec<String>,
}

/// One case, read and checked against its criteria version, ready to run.
#[derive(Debug, Clone)]
pub struct Case {
    pub file: String,
    /// Line of the case's `name` in the file.
    pub line: usize,
    pub name: String,
    /// The set the case is about (`xa-ntm`, `huyen-ntm`…).
    pub set: String,
    pub version: String,
    pub year: i32,
    pub expect: Expect,
    /// The sets evaluated on the unit, prerequisites first (the case's set last).
    pub sets: Vec<String>,
    /// District cases: the commune sets evaluated on each commune.
    pub commune_sets: Vec<String>,
    /// The version's columns, kinds and which the case gives (no rows).
    data: Dataset,
    unit: Row,
    /// District cases: its communes (possibly none); `None` for a commune case.
    communes: Option<Vec<Row>>,
    /// The inputs the case expects refused, as they were: column and why (`None` when it was read).
    refusals: Vec<(String, Option<crate::i18n::Text>)>,
}

impl Case {
    pub fn is_district(&self) -> bool {
        self.communes.is_some()
    }
}

/// A case file read: the cases that can run, and the problems of those that cannot.
#[derive(Debug, Default)]
pub struct Loaded {
    pub cases: Vec<Case>,
    pub problems: Vec<Problem>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }
}

/// Read the case file `file` (named so in messages) whose text is `src`. Each case picks its criteria
/// version from `catalog`: the one named by `version`, else the one covering the case's year.
pub fn load(file: &str, src: &str, catalog: &Catalog, version: Option<&str>) -> Loaded {
    parse::load(file, src, catalog, version)
}

/// What one expectation is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Level,
    Qualified,
    Criterion(Key),
    Indicator(Key),
    Gap(Key),
    Threshold(Key),
    /// An input expected to be refused.
    Refused(String),
    /// The compiled plan (the road `ntm check` takes for summaries and the batch table) against
    /// the explained evaluation: they must agree on every verdict.
    Engine,
    /// The pipeline of `ntm check` scoring the case's rows: it must score them (what it refuses
    /// was refused when the case file was read, so this only fails if the two disagree).
    Pipeline,
}

/// An expected or actual outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Got {
    Level(Option<String>),
    Verdict(Verdict),
    Status(Status),
    /// A gap or a threshold; `None` when there is none (missing value, unresolved threshold).
    Number(Option<f64>),
    /// An input refused (why), or read (`None`).
    Refused(Option<crate::i18n::Text>),
    /// The two roads to a verdict agree (`None`), or where they differ.
    Agree(Option<crate::i18n::Text>),
    /// The unit scored (`None`), or why not.
    Scored(Option<crate::i18n::Text>),
}

/// An expectation that did not hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub item: Item,
    pub expected: Got,
    pub actual: Got,
}

/// A case run: the unit's result, its communes' results (district cases), and what differed.
#[derive(Debug, Clone)]
pub struct Outcome<'c> {
    pub case: &'c Case,
    pub unit: UnitResult,
    pub communes: Vec<UnitResult>,
    pub mismatches: Vec<Mismatch>,
}

impl Outcome<'_> {
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty()
    }
}

/// Two figures are the same when they agree to two decimals, as every report prints them
/// (a gap of 33.333333 matches an expected 33.33).
pub fn same_number(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 0.005 + 1e-9
}

#[cfg(test)]
mod tests;
