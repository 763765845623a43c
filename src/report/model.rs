//! The result model of a `check` report: what every format (table, Markdown, CSV, JSON, HTML,
//! Excel) renders, built once here from the results of `eval` and the criteria definitions.
//!
//! Everything is typed: a value is a number, a yes/no or unknown, with its unit; a requirement is
//! a comparison and a resolved threshold (with what it was derived from), or the rule as the
//! criteria state it; a gap is a number and a direction; statuses and verdicts are the enums of
//! `eval`; labels and sources are references to the definitions. No string here is meant to be
//! read back: a renderer only turns these into words ([`super::text`], `i18n`) and never compares
//! words to decide anything. Verdicts, gaps, levels and district shares come from `eval`; the
//! model only picks and orders them.

use crate::criteria::{Check, CriteriaSet, Kind, Op, Resolved, Version};
use crate::eval::{CheckResult, Status, UnitResult, Verdict};
use crate::i18n::{Lang, Text};
use crate::input::Value;

/// What a `check` run is about: the criteria, the level asked and how to show results.
#[derive(Clone)]
pub struct CheckReport<'a> {
    /// The version heading the report (in force for the year asked, or the data's first year).
    pub version: &'a Version,
    /// The sets evaluated, prerequisites first.
    pub sets: Vec<&'a CriteriaSet>,
    /// The level asked (`xa-ntm`…, or `all`).
    pub level: String,
    /// The set whose verdict answers "qualified" (the level asked; the first of the chain for `all`).
    pub target: String,
    pub file: String,
    /// The data files as named on the command line (a printed report shows their names only).
    pub files: Vec<String>,
    /// The date of the run, for the reports an office prints and files (HTML, Excel).
    pub date: Option<super::print::RunDate>,
    /// Only the communes asked for (`--commune`): a printed report has no summary page then.
    pub picked: bool,
    /// Show every indicator with its comparison, dated value and source.
    pub explain: bool,
    /// One report per unit (appraisal preparation) rather than one table.
    pub detail: bool,
    /// Only the summaries, no row per unit.
    pub summary_only: bool,
    /// The district sets evaluated (empty without a district file).
    pub district_sets: Vec<&'a CriteriaSet>,
    /// Every version rows may be scored by, with what the level means in it; a unit is shown with
    /// its own version's definitions ([`CheckReport::for_version`]).
    pub versions: Vec<VersionSets<'a>>,
}

/// What the level asked means in one version.
#[derive(Clone)]
pub struct VersionSets<'a> {
    pub version: &'a Version,
    pub sets: Vec<&'a CriteriaSet>,
    pub district_sets: Vec<&'a CriteriaSet>,
    pub target: String,
}

impl<'a> CheckReport<'a> {
    /// The report as seen by a unit scored with version `id`: that version's sets and thresholds.
    pub fn for_version(&self, id: &str) -> std::borrow::Cow<'_, CheckReport<'a>> {
        match self.versions.iter().find(|v| v.version.id == id) {
            Some(v) if v.version.id != self.version.id => std::borrow::Cow::Owned(CheckReport {
                version: v.version,
                sets: v.sets.clone(),
                district_sets: v.district_sets.clone(),
                target: v.target.clone(),
                ..self.clone()
            }),
            _ => std::borrow::Cow::Borrowed(self),
        }
    }
}

impl CheckReport<'_> {
    /// Whether the unit qualifies at the level asked.
    pub fn qualified(&self, r: &UnitResult) -> Verdict {
        r.set(&self.target)
            .map_or(Verdict::Unknown, |s| s.qualified)
    }

    /// A set of the report, commune or district, by id.
    pub fn set_def(&self, id: &str) -> Option<&CriteriaSet> {
        self.sets
            .iter()
            .chain(&self.district_sets)
            .copied()
            .find(|s| s.id == id)
    }

    /// A set named by id, with its definition when the report holds it.
    pub fn set_ref<'s>(&'s self, id: &'s str) -> SetRef<'s> {
        SetRef {
            id,
            def: self.set_def(id),
        }
    }

    /// Check `i` of indicator (or recognition condition) `indicator` of set `set`.
    pub fn check_def(&self, set: &str, indicator: &str, i: usize) -> Option<&Check> {
        self.set_def(set)
            .and_then(|s| {
                s.indicator(indicator)
                    .or_else(|| s.recognition.iter().find(|r| r.code == indicator))
            })
            .and_then(|ind| ind.checks.get(i))
    }

    /// The sets of the report, commune then district.
    pub fn all_sets(&self) -> impl Iterator<Item = &CriteriaSet> {
        self.sets.iter().chain(&self.district_sets).copied()
    }

    /// How many thresholds behind the report's verdicts are not checked against the decision's
    /// text, and how many there are.
    pub fn unverified(&self) -> (usize, usize) {
        let unverified = self.all_sets().map(|s| s.unverified_count()).sum();
        let total = self.all_sets().map(|s| s.checks().count()).sum();
        (unverified, total)
    }
}

/// A set named by its id, with its definition when the report holds it (for its names).
#[derive(Debug, Clone, Copy)]
pub struct SetRef<'a> {
    pub id: &'a str,
    pub def: Option<&'a CriteriaSet>,
}

impl SetRef<'_> {
    /// The short name (`xã NTM`), or the id when the report does not hold the set.
    pub fn short_name(&self, lang: Lang) -> String {
        self.def
            .map_or(self.id.to_string(), |s| s.short_name.get(lang).to_string())
    }

    /// The full name, or the id.
    pub fn name(&self, lang: Lang) -> String {
        self.def
            .map_or(self.id.to_string(), |s| s.name.get(lang).to_string())
    }
}

/// The unit of a check's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit<'a> {
    /// A percentage: gaps are in percentage points.
    Percent,
    /// The unit the criteria declare (`triệu đồng/người/năm`).
    Named(&'a Text),
    /// None (a count, a yes/no).
    None,
}

impl<'a> Unit<'a> {
    pub fn of(check: &'a Check) -> Unit<'a> {
        match (check.kind, &check.unit) {
            (Kind::Pct, _) => Unit::Percent,
            (Kind::Num, Some(u)) => Unit::Named(u),
            _ => Unit::None,
        }
    }
}

/// A value as read, with its unit: a number, a yes/no, or unknown (`None`: no value).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure<'a> {
    pub value: Option<Value>,
    pub unit: Unit<'a>,
}

impl<'a> Figure<'a> {
    pub fn of(value: Option<Value>, check: &'a Check) -> Figure<'a> {
        Figure {
            value,
            unit: Unit::of(check),
        }
    }
}

/// What a check requires, as evaluated for one unit.
#[derive(Debug, Clone, Copy)]
pub enum Requirement<'a> {
    /// The threshold resolved for the unit: a comparison and a value, with what the value comes
    /// from (derivation, group, dated year, case) in `threshold`.
    Resolved {
        op: Op,
        threshold: &'a Resolved,
        unit: Unit<'a>,
        verified: bool,
    },
    /// A yes/no check: `Đạt`.
    Met,
    /// A context value, read for a threshold, not judged.
    Context,
    /// No threshold resolved for the unit (its group not known, the year not covered): the rule as
    /// the criteria state it for `year`.
    Stated {
        check: &'a Check,
        year: i32,
        version: &'a Version,
    },
}

impl<'a> Requirement<'a> {
    /// The requirement of check `def` as evaluated in `ch`, with the thresholds of `year`.
    pub fn of(ch: &'a CheckResult, def: &'a Check, version: &'a Version, year: i32) -> Self {
        match (ch.op, &ch.threshold) {
            (Some(op), Some(threshold)) => Requirement::Resolved {
                op,
                threshold,
                unit: Unit::of(def),
                verified: def.verified,
            },
            _ if def.context => Requirement::Context,
            _ if def.op.is_none() || def.threshold.is_none() => Requirement::Met,
            _ => Requirement::Stated {
                check: def,
                year,
                version,
            },
        }
    }
}

/// How far a failing value is from its threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gap<'a> {
    /// Not failing, or no figure to give.
    None,
    /// A yes/no check that fails.
    NotMet,
    /// Below a minimum by `amount` (in `unit`; percentage points for a percentage).
    Short { amount: f64, unit: Unit<'a> },
    /// Above a maximum by `amount`.
    Over { amount: f64, unit: Unit<'a> },
}

impl<'a> Gap<'a> {
    pub fn of(r: &CheckResult, check: &'a Check) -> Gap<'a> {
        let Some(amount) = r.gap else {
            return match r.status {
                Status::Fail if r.kind == Kind::Bool => Gap::NotMet,
                _ => Gap::None,
            };
        };
        let unit = Unit::of(check);
        match r.op {
            Some(Op::Le) | Some(Op::Lt) => Gap::Over { amount, unit },
            _ => Gap::Short { amount, unit },
        }
    }

    /// Whether there is a figure to show (short or over by an amount).
    pub fn is_amount(&self) -> bool {
        matches!(self, Gap::Short { .. } | Gap::Over { .. })
    }
}
