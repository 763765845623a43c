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

use crate::criteria::{Check, CriteriaSet, Criterion, Indicator, Kind, Op, Resolved, Version};
use crate::eval::district::{
    Blocking as DistrictBlocking, DistrictResult, MissingCommune, ShareOutcome,
};
use crate::eval::needs::{Need, still_needed};
use crate::eval::view::UnitView;
use crate::eval::{
    CheckResult, CriterionResult, IndicatorResult, SetResult, Status, UnitResult, Verdict,
};
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

/// Whether a unit's name already says what it is (`Xã Gia Cát`, `Phường …`, `Huyện …`), so that a
/// title does not say it twice.
pub fn name_has_kind(name: &str) -> bool {
    let folded = crate::input::cell::fold(name);
    [
        "xa ",
        "phuong ",
        "thi tran ",
        "huyen ",
        "thanh pho ",
        "thi xa ",
    ]
    .iter()
    .any(|p| folded.starts_with(p))
}

/// The code of check `k` (reading `input`) of indicator `code`: the code, plus what its input column
/// adds to it when the indicator has several checks (`17.1b`; `nc3.2a` → `3.2a`; `2.3·2` when the
/// column does not name the code).
pub fn check_code(code: &str, input: &str, several: bool, k: usize) -> String {
    match input.find(code) {
        _ if !several => code.to_string(),
        Some(at) => format!("{code}{}", &input[at + code.len()..]),
        None => format!("{code}·{}", k + 1),
    }
}

// One line per unit: what the compact verdicts and the explained result both answer.

/// The level a unit reached, or why none.
#[derive(Debug, Clone, Copy)]
pub enum Level<'a> {
    Reached(SetRef<'a>),
    /// No level: the verdict on the first set of the chain (`None` when no set was scored).
    None(Option<Verdict>),
}

impl<'a> Level<'a> {
    pub fn of(rep: &'a CheckReport, r: &'a dyn UnitView) -> Self {
        match r.level_reached() {
            Some(id) => Level::Reached(rep.set_ref(id)),
            None => Level::None((r.sets() > 0).then(|| r.set(0).qualified)),
        }
    }
}

/// A criterion named by its number, with its definition when the report holds it.
#[derive(Debug, Clone, Copy)]
pub struct CriterionRef<'a> {
    pub number: &'a str,
    pub def: Option<&'a Criterion>,
}

/// What keeps a unit from its next level: the first set of the chain it does not qualify at, its
/// criteria not met and unknown, and its prerequisites not met.
#[derive(Debug, Clone)]
pub struct Blocking<'a> {
    pub set: SetRef<'a>,
    pub failing: Vec<CriterionRef<'a>>,
    pub unknown: Vec<CriterionRef<'a>>,
    pub prerequisites: Vec<&'a str>,
}

impl<'a> Blocking<'a> {
    /// `None` when the unit qualifies at every set scored.
    pub fn of(rep: &'a CheckReport, r: &'a dyn UnitView) -> Option<Self> {
        let next = (0..r.sets()).find(|i| r.set(*i).qualified != Verdict::Pass)?;
        let set = rep.set_ref(r.set(next).id);
        let criteria: Vec<(&str, Verdict)> = (0..r.set(next).total)
            .map(|k| r.criterion(next, k))
            .collect();
        let with = |v: Verdict| -> Vec<CriterionRef<'a>> {
            criteria
                .iter()
                .filter(|c| c.1 == v)
                .map(|c| CriterionRef {
                    number: c.0,
                    def: set
                        .def
                        .and_then(|d| d.criteria.iter().find(|x| x.number == c.0)),
                })
                .collect()
        };
        Some(Blocking {
            set,
            failing: with(Verdict::Fail),
            unknown: with(Verdict::Unknown),
            prerequisites: r
                .prerequisites(next)
                .into_iter()
                .filter(|p| p.1 == Verdict::Fail)
                .map(|p| p.0)
                .collect(),
        })
    }
}

/// Readiness to be proposed for recognition, and what keeps a unit from it.
#[derive(Debug, Clone)]
pub struct Readiness<'a> {
    /// `None`: not assessed.
    pub ready: Option<Verdict>,
    /// The level the unit is proposed at and whether it qualifies at it.
    pub level: Option<ReadyLevel<'a>>,
    /// The recognition conditions' verdict, and which of them are open.
    pub conditions: Option<(Verdict, Conditions<'a>)>,
}

#[derive(Debug, Clone, Copy)]
pub struct ReadyLevel<'a> {
    pub set: SetRef<'a>,
    pub qualified: Verdict,
    /// Criteria met out of the set's, in a unit's own report when not all are met.
    pub criteria: Option<(usize, usize)>,
}

/// Which recognition conditions are open.
#[derive(Debug, Clone)]
pub enum Conditions<'a> {
    /// Only their verdict is known (one line per unit).
    Verdict,
    /// Each one, in a unit's own report.
    Named {
        failing: Vec<ConditionRef<'a>>,
        missing: Vec<ConditionRef<'a>>,
    },
}

/// A recognition condition named by its code, with its definition when the report holds it.
#[derive(Debug, Clone, Copy)]
pub struct ConditionRef<'a> {
    pub code: &'a str,
    pub def: Option<&'a Indicator>,
}

impl<'a> Readiness<'a> {
    /// From the verdicts only (one line per unit).
    pub fn brief(rep: &'a CheckReport, r: &'a dyn UnitView) -> Self {
        let (set, conditions) = r.recognition().unwrap_or(("", None));
        Readiness {
            ready: r.ready(),
            level: (!set.is_empty()).then(|| ReadyLevel {
                set: rep.set_ref(set),
                qualified: r.qualified(set),
                criteria: None,
            }),
            conditions: conditions.map(|c| (c, Conditions::Verdict)),
        }
    }

    /// For one unit's own report: the level's criteria counted, the open conditions named.
    pub fn explained(rep: &'a CheckReport, u: &'a UnitResult) -> Self {
        let Some(rd) = &u.readiness else {
            return Readiness::brief(rep, u);
        };
        let def = rep.set_def(&rd.set);
        let named = |st: Status| -> Vec<ConditionRef<'a>> {
            rd.indicators
                .iter()
                .filter(|i| i.status == st)
                .map(|i| ConditionRef {
                    code: &i.code,
                    def: def.and_then(|d| d.recognition.iter().find(|x| x.code == i.code)),
                })
                .collect()
        };
        Readiness {
            ready: u.ready(),
            level: u.set(&rd.set).map(|s| ReadyLevel {
                set: rep.set_ref(&rd.set),
                qualified: s.qualified,
                criteria: (s.status != Verdict::Pass).then_some((s.criteria_met, s.criteria_total)),
            }),
            conditions: rd.conditions.map(|c| {
                (
                    c,
                    Conditions::Named {
                        failing: named(Status::Fail),
                        missing: named(Status::Missing),
                    },
                )
            }),
        }
    }
}

// One unit's explained result, as its own report shows it.

/// The set results of a unit as every format shows them.
#[derive(Debug, Clone)]
pub struct SetView<'a> {
    pub result: &'a SetResult,
    pub set: SetRef<'a>,
    /// Prerequisites not met or not known.
    pub prerequisites: Vec<(SetRef<'a>, Verdict)>,
    /// The year of the thresholds used, when the set does not cover the unit's year (`--nearest-year`).
    pub nearest_year: Option<i32>,
    /// Every check of the set: failing criteria first, within each the failing indicators first.
    pub rows: Vec<CheckRow<'a>>,
}

/// One check of a set, as evaluated and as defined.
#[derive(Debug, Clone)]
pub struct CheckRow<'a> {
    /// The position of its criterion in the set.
    pub criterion: usize,
    pub criterion_result: &'a CriterionResult,
    pub criterion_def: &'a Criterion,
    /// The first row of its criterion, in the order shown.
    pub first_of_criterion: bool,
    pub indicator: &'a IndicatorResult,
    pub indicator_def: &'a Indicator,
    /// The position of the check in its indicator.
    pub k: usize,
    pub check: &'a CheckResult,
    pub def: &'a Check,
    /// The status shown: the check's own, or not applicable when its indicator is.
    pub status: Status,
    pub value: Figure<'a>,
    pub requirement: Requirement<'a>,
    pub gap: Gap<'a>,
    /// The year whose thresholds were used.
    pub threshold_year: i32,
}

impl CheckRow<'_> {
    /// The check's code: the indicator's, plus what its column adds when it has several (`2.3b`).
    pub fn code(&self) -> String {
        check_code(
            &self.indicator.code,
            &self.check.input,
            self.indicator.checks.len() > 1,
            self.k,
        )
    }
}

impl<'a> SetView<'a> {
    pub fn of(
        rep: &'a CheckReport,
        version: &'a Version,
        u: &UnitResult,
        set: &'a SetResult,
    ) -> Self {
        let def = rep.set_def(&set.set);
        SetView {
            result: set,
            set: rep.set_ref(&set.set),
            prerequisites: set
                .prerequisites
                .iter()
                .map(|(p, v)| (rep.set_ref(p), *v))
                .collect(),
            nearest_year: def
                .filter(|d| !d.covers(u.year))
                .map(|_| set.threshold_year),
            rows: def.map_or_else(Vec::new, |d| rows(d, version, set)),
        }
    }
}

/// The checks of `set` (defined by `def`) in the order shown: failing criteria first, then unknown,
/// then met; within a criterion, failing indicators, then missing, then the others, then those not
/// applicable.
fn rows<'a>(def: &'a CriteriaSet, version: &'a Version, set: &'a SetResult) -> Vec<CheckRow<'a>> {
    let rank_v = |v: Verdict| match v {
        Verdict::Fail => 0,
        Verdict::Unknown => 1,
        Verdict::Pass => 2,
    };
    let rank_s = |s: Status| match s {
        Status::Fail => 0,
        Status::Missing => 1,
        Status::NotApplicable => 3,
        _ => 2,
    };
    let mut criteria: Vec<_> = set.criteria.iter().zip(&def.criteria).enumerate().collect();
    criteria.sort_by_key(|(_, (c, _))| rank_v(c.status));
    let mut rows = Vec::new();
    for (at, (c, cdef)) in criteria {
        let mut inds: Vec<&IndicatorResult> = c.indicators.iter().collect();
        inds.sort_by_key(|i| rank_s(i.status));
        let mut first = true;
        for ind in inds {
            let Some(idef) = def.indicator(&ind.code) else {
                continue;
            };
            for (k, ch) in ind.checks.iter().enumerate() {
                let Some(chdef) = idef.checks.get(k) else {
                    continue;
                };
                rows.push(CheckRow {
                    criterion: at,
                    criterion_result: c,
                    criterion_def: cdef,
                    first_of_criterion: first,
                    indicator: ind,
                    indicator_def: idef,
                    k,
                    check: ch,
                    def: chdef,
                    status: if ind.status == Status::NotApplicable && ch.status != Status::Info {
                        Status::NotApplicable
                    } else {
                        ch.status
                    },
                    value: Figure::of(ch.value, chdef),
                    requirement: Requirement::of(ch, chdef, version, set.threshold_year),
                    gap: Gap::of(ch, chdef),
                    threshold_year: set.threshold_year,
                });
                first = false;
            }
        }
    }
    rows
}

/// A recognition condition of a unit, with its first check's value and requirement.
#[derive(Debug, Clone)]
pub struct ConditionRow<'a> {
    pub result: &'a IndicatorResult,
    pub def: &'a Indicator,
    /// `None` when the condition has no check.
    pub first: Option<(Figure<'a>, Requirement<'a>)>,
}

impl<'a> ConditionRow<'a> {
    /// The conditions assessed for `u`; `None` when they were not (the data carry none of their
    /// columns) or the report does not hold their set.
    pub fn of(rep: &'a CheckReport, u: &'a UnitResult) -> Option<Vec<Self>> {
        let rd = u.readiness.as_ref().filter(|r| r.conditions.is_some())?;
        let def = rep.set_def(&rd.set)?;
        let rows = rd
            .indicators
            .iter()
            .filter_map(|ind| {
                let idef = def.recognition.iter().find(|i| i.code == ind.code)?;
                Some(ConditionRow {
                    result: ind,
                    def: idef,
                    first: match (ind.checks.first(), idef.checks.first()) {
                        (Some(ch), Some(cd)) => Some((
                            Figure::of(ch.value, cd),
                            Requirement::of(ch, cd, rep.version, u.year),
                        )),
                        _ => None,
                    },
                })
            })
            .collect();
        Some(rows)
    }
}

/// "Still needed": what stands between a unit and its next level, in the order of
/// [`still_needed`] (by impact).
#[derive(Debug, Clone)]
pub struct NeedsView<'a> {
    /// The next level; `None` when every level evaluated is met.
    pub next: Option<SetRef<'a>>,
    /// The next level's prerequisites not met.
    pub prerequisites: Vec<SetRef<'a>>,
    pub items: Vec<NeedRow<'a>>,
}

/// One open check of the next level.
#[derive(Debug, Clone)]
pub struct NeedRow<'a> {
    pub need: Need,
    /// The check's code (`17.1b`).
    pub code: String,
    pub indicator_def: Option<&'a Indicator>,
    /// The check as evaluated and as defined, when found.
    pub check: Option<(&'a CheckResult, &'a Check)>,
    /// Its value, requirement and gap, when the check is found.
    pub figures: Option<Figures<'a>>,
    /// Whether its indicator has several checks.
    pub several: bool,
    pub what: NeedWhat,
}

/// A check's value, what it requires and how far the value is from it.
#[derive(Debug, Clone, Copy)]
pub struct Figures<'a> {
    pub value: Figure<'a>,
    pub requirement: Requirement<'a>,
    pub gap: Gap<'a>,
}

/// What is open about a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeedWhat {
    /// The value is there; its threshold waits for the commune's group.
    GroupMissing,
    /// No value in its column.
    DataMissing,
    /// The value does not meet the requirement (the row's figures say by how much).
    NotMet,
    /// Its definition is not in the report.
    Unknown,
}

impl<'a> NeedsView<'a> {
    pub fn of(rep: &'a CheckReport, u: &'a UnitResult) -> Self {
        let needs = still_needed(u);
        let Some(next) = needs.next_level.as_deref() else {
            return NeedsView {
                next: None,
                prerequisites: Vec::new(),
                items: Vec::new(),
            };
        };
        let next_set = u.set(next);
        let prerequisites = next_set
            .into_iter()
            .flat_map(|s| &s.prerequisites)
            .filter(|(_, v)| *v == Verdict::Fail)
            .map(|(p, _)| rep.set_ref(p))
            .collect();
        let items = needs.items.iter().map(|n| need_row(rep, u, n)).collect();
        NeedsView {
            next: next_set.map(|s| rep.set_ref(&s.set)),
            prerequisites,
            items,
        }
    }
}

fn need_row<'a>(rep: &'a CheckReport, u: &'a UnitResult, n: &Need) -> NeedRow<'a> {
    let set = u.set(&n.set);
    let ind = set
        .and_then(|s| s.criteria.iter().find(|c| c.number == n.criterion))
        .and_then(|c| c.indicators.iter().find(|x| x.code == n.indicator));
    let k = ind
        .and_then(|ind| ind.checks.iter().position(|c| c.input == n.input))
        .unwrap_or(0);
    let several = ind.is_some_and(|ind| ind.checks.len() > 1);
    let check = ind
        .and_then(|ind| ind.checks.get(k))
        .zip(rep.check_def(&n.set, &n.indicator, k));
    let what = match (n.status, check) {
        (Status::Missing, Some((ch, def)))
            if ch.value.is_some()
                && ch.threshold.is_none()
                && def
                    .threshold
                    .as_ref()
                    .is_some_and(|t| t.by_group(rep.version)) =>
        {
            NeedWhat::GroupMissing
        }
        (Status::Missing, _) => NeedWhat::DataMissing,
        (_, Some(_)) => NeedWhat::NotMet,
        _ => NeedWhat::Unknown,
    };
    let year = set.map_or(u.year, |s| s.threshold_year);
    let figures = check.map(|(ch, def)| Figures {
        value: Figure::of(ch.value, def),
        requirement: Requirement::of(ch, def, rep.version, year),
        gap: Gap::of(ch, def),
    });
    NeedRow {
        need: n.clone(),
        code: if ind.is_some() {
            check_code(&n.indicator, &n.input, several, k)
        } else {
            n.indicator.clone()
        },
        indicator_def: rep.set_def(&n.set).and_then(|s| s.indicator(&n.indicator)),
        check,
        figures,
        several,
        what,
    }
}

// A district: its communes' part in its verdict.

/// A district's result as the formats show it: what its shares of communes rest on, the
/// conditions on its communes that do not hold, and its own criteria not met.
#[derive(Debug, Clone)]
pub struct DistrictView<'a> {
    pub result: &'a DistrictResult,
    pub basis: Basis<'a>,
    /// The conditions on its communes that do not hold (none said when it has no commune).
    pub open: Vec<OpenShare<'a>>,
    /// Its criteria not met, beyond those its shares of communes already say.
    pub own_failing: Vec<&'a str>,
    /// Its criteria unknown, beyond those whose share of communes is itself unknown.
    pub own_unknown: Vec<&'a str>,
}

/// What the shares of a district rest on, when the reader must know it.
#[derive(Debug, Clone, Copy)]
pub enum Basis<'a> {
    /// Nothing to add: every commune counted.
    Complete,
    /// Xã of the official list (from `from`) have no row: the district is unknown at best.
    Missing {
        from: &'a str,
        communes: &'a [MissingCommune],
        total: usize,
    },
    /// Shares over the file's communes only: the district code is not in the official list.
    FileOnly,
}

/// A condition on a district's communes that does not hold, and the communes that keep it from
/// holding (when it needs every commune).
#[derive(Debug, Clone)]
pub struct OpenShare<'a> {
    pub share: &'a ShareOutcome,
    pub set: SetRef<'a>,
    pub blocking: Vec<&'a DistrictBlocking>,
}

impl<'a> DistrictView<'a> {
    pub fn of(rep: &'a CheckReport, d: &'a DistrictResult) -> Self {
        let basis = if !d.missing_communes.is_empty() {
            Basis::Missing {
                from: d.over.list_from.as_deref().unwrap_or(""),
                communes: &d.missing_communes,
                total: d.communes_total,
            }
        } else if d.over.code_not_in_list {
            Basis::FileOnly
        } else {
            Basis::Complete
        };
        let open = if d.communes_total == 0 {
            Vec::new()
        } else {
            d.shares
                .iter()
                .filter(|s| s.needed_more > 0)
                .map(|sh| OpenShare {
                    share: sh,
                    set: rep.set_ref(&sh.set),
                    blocking: d
                        .blocking_communes
                        .iter()
                        .filter(|b| b.set == sh.set)
                        .collect(),
                })
                .collect()
        };
        let shared = |c: &CriterionResult| {
            d.shares
                .iter()
                .any(|sh| c.indicators.iter().any(|i| i.code == sh.indicator))
        };
        let share_unknown = |c: &CriterionResult| {
            d.shares.iter().any(|sh| {
                c.indicators
                    .iter()
                    .any(|i| i.code == sh.indicator && i.status == Status::Missing)
            })
        };
        let criteria = || d.unit.sets.iter().flat_map(|s| s.criteria.iter());
        DistrictView {
            result: d,
            basis,
            open,
            own_failing: criteria()
                .filter(|c| c.status == Verdict::Fail && !shared(c))
                .map(|c| c.number.as_str())
                .collect(),
            own_unknown: criteria()
                .filter(|c| c.status == Verdict::Unknown && !share_unknown(c))
                .map(|c| c.number.as_str())
                .collect(),
        }
    }

    /// Whether it has no commune in the commune file.
    pub fn no_commune(&self) -> bool {
        self.result.communes_total == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::catalog::Catalog;
    use crate::eval::{Evaluator, NoDerived, Options};
    use crate::input::{Layout, read_str};

    const SAMPLES: &str = include_str!("../../samples/communes.csv");

    /// The sample communes of 2024 scored against the bundled commune chain, and the report of
    /// `all` over it.
    fn scored(code: &str, test: impl FnOnce(&CheckReport, &UnitResult)) {
        let catalog = Catalog::bundled().unwrap();
        let v = catalog.versions.first().unwrap();
        let chain = v.commune_chain();
        let cols = Version::columns_of(&chain);
        let ds = read_str("communes.csv", SAMPLES, v, Layout::COMMUNE, &cols);
        let ev = Evaluator::new(v, chain.clone(), &ds, Options::default());
        let row = ds
            .rows
            .iter()
            .find(|r| r.code == code && r.year == 2024)
            .unwrap();
        let unit = ev.evaluate(row, &NoDerived);
        let rep = CheckReport {
            version: v,
            sets: chain.clone(),
            level: "all".into(),
            target: chain[0].id.clone(),
            file: "communes.csv".into(),
            files: vec!["communes.csv".into()],
            date: None,
            picked: false,
            explain: false,
            detail: true,
            summary_only: false,
            district_sets: Vec::new(),
            versions: Vec::new(),
        };
        test(&rep, &unit);
    }

    fn first_set<'a>(rep: &'a CheckReport, u: &'a UnitResult) -> SetView<'a> {
        SetView::of(rep, rep.version, u, &u.sets[0])
    }

    #[test]
    fn failing_checks_come_first_typed() {
        // Lộc Yên 2024: income 40,5 < 42 (criterion 10), every other criterion of xã NTM met.
        scored("06211", |rep, u| {
            let set = first_set(rep, u);
            let row = &set.rows[0];
            assert_eq!(row.criterion_result.number, "10");
            assert!(row.first_of_criterion);
            assert_eq!(row.status, Status::Fail);
            assert_eq!(row.value.value, Some(Value::Num(40.5)));
            assert!(matches!(row.value.unit, Unit::Named(_)));
            match row.requirement {
                Requirement::Resolved { op, threshold, .. } => {
                    assert_eq!((op, threshold.value), (Op::Ge, 42.0));
                }
                other => panic!("not resolved: {other:?}"),
            }
            match row.gap {
                Gap::Short { amount, .. } => assert!((amount - 1.5).abs() < 1e-9),
                other => panic!("no gap: {other:?}"),
            }
            // Criteria in the order shown: the failing one, then the met ones in the set's order.
            let order: Vec<&str> = set
                .rows
                .iter()
                .filter(|r| r.first_of_criterion)
                .map(|r| r.criterion_result.number.as_str())
                .collect();
            assert_eq!(order[..3], ["10", "1", "2"]);
            // A yes/no check requires Đạt and has no gap.
            let yes_no = set.rows.iter().find(|r| r.indicator.code == "1.1").unwrap();
            assert!(matches!(yes_no.requirement, Requirement::Met));
            assert_eq!(yes_no.gap, Gap::None);
            assert_eq!(yes_no.value.value, Some(Value::Bool(true)));
        });
    }

    #[test]
    fn still_needed_carries_the_figures_of_each_check() {
        scored("06211", |rep, u| {
            let needs = NeedsView::of(rep, u);
            assert_eq!(needs.next.map(|s| s.id), Some("xa-ntm"));
            let n = &needs.items[0];
            assert_eq!((n.need.criterion.as_str(), n.code.as_str()), ("10", "10"));
            assert_eq!(n.what, NeedWhat::NotMet);
            let f = n.figures.unwrap();
            assert_eq!(f.value.value, Some(Value::Num(40.5)));
            assert!(f.gap.is_amount());
        });
    }

    #[test]
    fn missing_data_is_unknown_and_named_as_such() {
        // Xuân Long 2024: 12.3 and 17.8 blank, nothing fails at xã NTM.
        scored("06241", |rep, u| {
            assert!(matches!(
                Level::of(rep, u),
                Level::None(Some(Verdict::Unknown))
            ));
            let b = Blocking::of(rep, u).unwrap();
            assert_eq!(b.set.id, "xa-ntm");
            assert!(b.failing.is_empty());
            let unknown: Vec<&str> = b.unknown.iter().map(|c| c.number).collect();
            assert_eq!(unknown, ["12", "17"]);
            assert!(b.unknown.iter().all(|c| c.def.is_some()));
            let needs = NeedsView::of(rep, u);
            let what: Vec<(&str, NeedWhat)> = needs
                .items
                .iter()
                .map(|n| (n.need.input.as_str(), n.what))
                .collect();
            assert_eq!(
                what,
                [
                    ("12.3", NeedWhat::DataMissing),
                    ("17.8", NeedWhat::DataMissing)
                ]
            );
        });
    }

    #[test]
    fn readiness_names_the_conditions_not_met() {
        // Tân Liên 2024: xã NTM, but the "no basic-construction debt" condition is not met.
        scored("06244", |rep, u| {
            let r = Readiness::explained(rep, u);
            assert_eq!(r.ready, Some(Verdict::Fail));
            let level = r.level.unwrap();
            assert_eq!((level.set.id, level.qualified), ("xa-ntm", Verdict::Pass));
            assert_eq!(level.criteria, None, "all criteria met: no count");
            match r.conditions {
                Some((Verdict::Fail, Conditions::Named { failing, missing })) => {
                    let codes: Vec<&str> = failing.iter().map(|c| c.code).collect();
                    assert_eq!(codes, ["no_xdcb"]);
                    assert!(missing.is_empty());
                }
                other => panic!("{other:?}"),
            }
            let brief = Readiness::brief(rep, u);
            assert!(matches!(
                brief.conditions,
                Some((Verdict::Fail, Conditions::Verdict))
            ));
            let conditions = ConditionRow::of(rep, u).unwrap();
            assert_eq!(conditions.len(), 3);
            assert!(conditions.iter().all(|c| matches!(
                c.first,
                Some((_, Requirement::Resolved { .. } | Requirement::Met))
            )));
        });
    }

    #[test]
    fn codes_of_compound_checks() {
        assert_eq!(check_code("17.1", "17.1b", true, 1), "17.1b");
        assert_eq!(check_code("3.2", "nc3.2a", true, 0), "3.2a");
        assert_eq!(check_code("2.3", "duong", true, 1), "2.3·2");
        assert_eq!(check_code("2.3", "2.3a", false, 0), "2.3");
        assert!(name_has_kind("Xã Gia Cát"));
        assert!(name_has_kind("Thị trấn Đồng Đăng"));
        assert!(!name_has_kind("Gia Cát"));
    }
}
