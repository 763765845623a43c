//! The compiled plan: a chain of sets compiled for one data year into flat tables (column positions
//! resolved, thresholds resolved for the year, conditional thresholds as precomputed branches), and
//! the compact verdicts of a row scored with it: statuses by position, criteria met, level reached,
//! readiness. Scoring a row allocates nothing: the [`Compact`] buffers are reused row after row.
//!
//! It gives exactly the statuses of the explained evaluation ([`super::Evaluator::evaluate`], checked
//! by a property test); the explained result (values, gaps, dated thresholds, sources) is built only
//! for the outputs that show it.

use std::ops::Range;

use super::facts::Fact;
use super::{Status, Verdict};
use crate::criteria::{CriteriaSet, Indicator, Input, Op, Threshold, Version};
use crate::i18n::Text;
use crate::input::{Cell, Row, Value};

/// Where a check's value comes from.
#[derive(Debug, Clone, Copy)]
enum Source {
    /// A cell of the row.
    Cell(usize),
    /// Whether the unit qualifies at an earlier set of the chain (its position).
    Meets(usize),
    /// A column the data does not have, or a set outside the chain: always missing.
    Missing,
}

/// How a check's value is judged, for the year compiled.
#[derive(Debug, Clone)]
enum Rule {
    /// Đạt / Không đạt.
    Bool,
    /// Compared with a threshold.
    Cmp(Op, f64),
    /// A threshold chosen by conditions on other cells, each `(cell, op, value, threshold)`, else
    /// `otherwise`; `candidates` are every threshold it can take (for a condition left unknown).
    When(Box<When>),
    /// No single threshold (none for the year, or one per commune group and the row's group unknown
    /// or not declared): judged only when the value meets every threshold it could be, or none.
    Open(Op, Box<[f64]>),
    /// Read and shown, never judged.
    Context,
}

/// A conditional threshold compiled (kept out of line: most checks are plain comparisons).
#[derive(Debug, Clone)]
struct When {
    op: Op,
    cases: Vec<(Option<usize>, Op, f64, f64)>,
    otherwise: Option<f64>,
    candidates: Vec<f64>,
}

#[derive(Debug, Clone)]
struct Check {
    source: Source,
    rule: Rule,
}

#[derive(Debug, Clone)]
struct Ind {
    optional: bool,
    checks: Range<usize>,
}

#[derive(Debug, Clone)]
struct Set {
    criteria: Range<usize>,
    /// Prerequisites of the same level, by their position in the chain (`None`: not in the chain).
    prerequisites: Vec<Option<usize>>,
    /// The recognition conditions, as indicators.
    recognition: Range<usize>,
    /// The recognition columns present in the file.
    recognition_cells: Vec<usize>,
}

/// A chain of sets compiled for one data year and one file's columns.
#[derive(Debug, Clone)]
pub struct Plan {
    sets: Vec<Set>,
    /// Per criterion, its indicators.
    criteria: Vec<Range<usize>>,
    indicators: Vec<Ind>,
    checks: Vec<Check>,
}

/// The verdicts of one row, by position in the plan. Reused from row to row.
#[derive(Debug, Clone, Default)]
pub struct Compact {
    pub checks: Vec<Status>,
    pub indicators: Vec<Status>,
    pub criteria: Vec<Verdict>,
    /// Per set of the chain: its own criteria, and with its prerequisites.
    pub status: Vec<Verdict>,
    pub qualified: Vec<Verdict>,
    pub met: Vec<usize>,
    /// The highest set of the chain qualified at.
    pub level: Option<usize>,
    /// Recognition: the set whose conditions were checked, whether they hold (`None`: not assessed),
    /// and whether the unit is ready to be proposed.
    pub readiness: Option<(usize, Option<Verdict>, Option<Verdict>)>,
    /// Per criterion, its set; per set, its criteria (ranges into `criteria`).
    pub set_criteria: Vec<Range<usize>>,
}

impl Compact {
    /// Become a copy of `o`, reusing this one's allocations.
    pub fn copy_from(&mut self, o: &Compact) {
        // Every field named: a field added to `Compact` must be copied here too.
        let Compact {
            checks,
            indicators,
            criteria,
            status,
            qualified,
            met,
            level,
            readiness,
            set_criteria,
        } = o;
        self.checks.clone_from(checks);
        self.indicators.clone_from(indicators);
        self.criteria.clone_from(criteria);
        self.status.clone_from(status);
        self.qualified.clone_from(qualified);
        self.met.clone_from(met);
        self.level = *level;
        self.readiness = *readiness;
        self.set_criteria.clone_from(set_criteria);
    }

    /// Where these verdicts differ from the explained result of the same row (`chain`: the sets
    /// compiled, in order), if anywhere: the first difference, named. The compiled plan and the
    /// explained evaluation are two roads to one verdict; `ntm test` and the property tests hold
    /// them to it.
    pub fn disagreement(&self, r: &super::UnitResult, chain: &[&CriteriaSet]) -> Option<Text> {
        let differ = |what: &str, plan: String, explained: String| {
            Some(Text::new(
                format!("{what}: kế hoạch biên dịch cho {plan}, đánh giá chi tiết cho {explained}"),
                format!(
                    "{what}: the compiled plan gives {plan}, the explained evaluation {explained}"
                ),
            ))
        };
        let (mut checks, mut inds, mut crits) = (Vec::new(), Vec::new(), Vec::new());
        for s in &r.sets {
            for cr in &s.criteria {
                crits.push((format!("{} {}", s.set, cr.number), cr.status));
                for i in &cr.indicators {
                    inds.push((format!("{} {}", s.set, i.code), i.status));
                    checks.extend(
                        i.checks
                            .iter()
                            .map(|c| (format!("{} {}", s.set, c.input), c.status)),
                    );
                }
            }
        }
        if let Some(rd) = &r.readiness {
            for i in &rd.indicators {
                inds.push((format!("{} {}", rd.set, i.code), i.status));
                checks.extend(
                    i.checks
                        .iter()
                        .map(|c| (format!("{} {}", rd.set, c.input), c.status)),
                );
            }
        }
        let lists = [
            ("check", self.checks.len(), checks.len()),
            ("indicator", self.indicators.len(), inds.len()),
            ("criterion", self.criteria.len(), crits.len()),
            ("set", self.status.len(), r.sets.len()),
        ];
        for (what, plan, explained) in lists {
            if plan != explained {
                return differ(&format!("{what}s"), plan.to_string(), explained.to_string());
            }
        }
        for ((what, e), p) in checks.iter().zip(&self.checks) {
            if p != e {
                return differ(what, format!("{p:?}"), format!("{e:?}"));
            }
        }
        for ((what, e), p) in inds.iter().zip(&self.indicators) {
            if p != e {
                return differ(what, format!("{p:?}"), format!("{e:?}"));
            }
        }
        for ((what, e), p) in crits.iter().zip(&self.criteria) {
            if p != e {
                return differ(what, format!("{p:?}"), format!("{e:?}"));
            }
        }
        for (i, s) in r.sets.iter().enumerate() {
            let plan = (
                self.status.get(i).copied(),
                self.qualified.get(i).copied(),
                self.met.get(i).copied(),
            );
            let explained = (Some(s.status), Some(s.qualified), Some(s.criteria_met));
            if plan != explained {
                return differ(&s.set, format!("{plan:?}"), format!("{explained:?}"));
            }
        }
        let id = |i: Option<usize>| i.and_then(|i| chain.get(i)).map(|s| s.id.as_str());
        let level = r.level_reached.as_deref();
        if id(self.level) != level || self.level.is_some() != level.is_some() {
            return differ(
                "level",
                format!("{:?}", id(self.level)),
                format!("{level:?}"),
            );
        }
        let plan = self.readiness.map(|(i, c, ready)| (id(Some(i)), c, ready));
        let explained = r
            .readiness
            .as_ref()
            .map(|x| (Some(x.set.as_str()), x.conditions, x.ready));
        if plan != explained {
            return differ("readiness", format!("{plan:?}"), format!("{explained:?}"));
        }
        None
    }
}

impl Plan {
    /// Compile `sets` (in chain order) of `version` for `year` (the thresholds' year of each set is
    /// `year` clamped to the set's validity, as the explained evaluation does), for a file whose
    /// columns are `columns` (present or not: `present`). `None` when a set reads a district's
    /// derived value (those are scored by the explained evaluation).
    pub fn compile(
        version: &Version,
        sets: &[&CriteriaSet],
        columns: &[String],
        present: &[bool],
        year: i32,
        group: Option<&str>,
    ) -> Option<Plan> {
        let cell = |c: &str| columns.iter().position(|k| k == c);
        let mut plan = Plan {
            sets: Vec::new(),
            criteria: Vec::new(),
            indicators: Vec::new(),
            checks: Vec::new(),
        };
        for set in sets {
            let y = year.clamp(set.valid_from, set.valid_to);
            let c0 = plan.criteria.len();
            for c in &set.criteria {
                let i0 = plan.indicators.len();
                for ind in &c.indicators {
                    plan.compile_indicator(version, sets, ind, (y, group), &cell)?;
                }
                plan.criteria.push(i0..plan.indicators.len());
            }
            let criteria = c0..plan.criteria.len();
            let r0 = plan.indicators.len();
            for ind in &set.recognition {
                plan.compile_indicator(version, sets, ind, (y, group), &cell)?;
            }
            let recognition_cells = set
                .recognition
                .iter()
                .flat_map(|i| i.checks.iter())
                .filter_map(|c| c.input.column())
                .filter_map(&cell)
                .filter(|i| present.get(*i) == Some(&true))
                .collect();
            let prerequisites = set
                .requires
                .iter()
                .filter(|r| version.set(r).is_some_and(|p| p.level == set.level))
                .map(|r| sets.iter().position(|s| &s.id == r))
                .collect();
            plan.sets.push(Set {
                criteria,
                prerequisites,
                recognition: r0..plan.indicators.len(),
                recognition_cells,
            });
        }
        Some(plan)
    }

    fn compile_indicator(
        &mut self,
        version: &Version,
        sets: &[&CriteriaSet],
        ind: &Indicator,
        (year, group): (i32, Option<&str>),
        cell: &dyn Fn(&str) -> Option<usize>,
    ) -> Option<()> {
        let k0 = self.checks.len();
        for c in &ind.checks {
            let source = match &c.input {
                Input::Column(col) => cell(col).map_or(Source::Missing, Source::Cell),
                Input::Meets(s) => sets
                    .iter()
                    .position(|x| &x.id == s)
                    .map_or(Source::Missing, Source::Meets),
                Input::ShareOfCommunesMeeting(_) | Input::MinOverCommunes(_) => return None,
            };
            // With the group unknown, a threshold by group waits for it (never a fail).
            let candidates = |t: &Threshold| {
                if group.is_none() && t.by_group(version) {
                    Vec::new()
                } else {
                    t.candidates_in(year, group, version)
                }
            };
            let rule = match (c.context, c.op, &c.threshold) {
                (true, _, _) => Rule::Context,
                (false, None, _) => Rule::Bool,
                (false, Some(op), None) => Rule::Open(op, Box::new([])),
                (false, Some(op), Some(t @ Threshold::When { cases, otherwise })) => {
                    Rule::When(Box::new(When {
                        op,
                        cases: cases
                            .iter()
                            .map(|k| (cell(&k.column), k.op, k.value, k.threshold))
                            .collect(),
                        otherwise: otherwise
                            .resolve_in(year, group, version, &|_| None)
                            .ok()
                            .map(|r| r.value),
                        candidates: candidates(t),
                    }))
                }
                (false, Some(op), Some(t)) => match t.resolve_in(year, group, version, &|_| None) {
                    Ok(r) => Rule::Cmp(op, r.value),
                    Err(_) => Rule::Open(op, candidates(t).into_boxed_slice()),
                },
            };
            self.checks.push(Check { source, rule });
        }
        self.indicators.push(Ind {
            optional: ind.optional,
            checks: k0..self.checks.len(),
        });
        Some(())
    }

    /// Score `row`, into `out` (its buffers reused).
    pub fn score(&self, row: &Row, out: &mut Compact) {
        out.checks.clear();
        out.indicators.clear();
        out.criteria.clear();
        out.status.clear();
        out.qualified.clear();
        out.met.clear();
        out.set_criteria.clear();
        out.level = None;
        for (si, set) in self.sets.iter().enumerate() {
            let c0 = out.criteria.len();
            let mut met = 0;
            for ci in set.criteria.clone() {
                let mut v = Verdict::Pass;
                for ii in self.criteria[ci].clone() {
                    let s = self.indicator(ii, row, out);
                    v = and(v, s);
                }
                met += usize::from(v == Verdict::Pass);
                out.criteria.push(v);
            }
            let status = all(&out.criteria[c0..]);
            let mut qualified = status;
            for p in &set.prerequisites {
                let pv = p
                    .and_then(|i| out.qualified.get(i).copied())
                    .unwrap_or(Verdict::Unknown);
                qualified = all(&[qualified, pv]);
            }
            out.set_criteria.push(c0..out.criteria.len());
            out.status.push(status);
            out.qualified.push(qualified);
            out.met.push(met);
            if qualified == Verdict::Pass {
                out.level = Some(si);
            }
        }
        // Readiness: at the level reached, else the first of the chain.
        out.readiness = None;
        let Some(at) = out.level.or((!self.sets.is_empty()).then_some(0)) else {
            return;
        };
        let set = &self.sets[at];
        let any_present = set
            .recognition_cells
            .iter()
            .any(|i| !matches!(row.cells.get(*i), None | Some(Cell::Missing)));
        let mut conditions = Verdict::Pass;
        for ii in set.recognition.clone() {
            let s = self.indicator(ii, row, out);
            conditions = and(conditions, s);
        }
        let conditions = any_present.then_some(conditions);
        let ready = conditions.map(|c| all(&[out.qualified[at], c]));
        out.readiness = Some((at, conditions, ready));
    }

    /// An indicator's status (pushed to `out.indicators`, its checks to `out.checks`), as the
    /// criterion's verdict sees it.
    #[inline(always)]
    fn indicator(&self, ii: usize, row: &Row, out: &mut Compact) -> Status {
        let ind = &self.indicators[ii];
        // The statuses seen, one bit each.
        let mut seen = 0u8;
        for k in ind.checks.clone() {
            let s = self.check(k, ind.optional, row, out);
            out.checks.push(s);
            seen |= 1 << s as u8;
        }
        let has = |s: Status| seen & (1 << s as u8) != 0;
        let (fail, na, missing) = (
            has(Status::Fail),
            has(Status::NotApplicable),
            has(Status::Missing),
        );
        let status = if fail {
            Status::Fail
        } else if ind.optional && na {
            Status::NotApplicable
        } else if missing || na {
            Status::Missing
        } else {
            Status::Pass
        };
        out.indicators.push(status);
        status
    }

    #[inline(always)]
    fn check(&self, k: usize, optional: bool, row: &Row, out: &Compact) -> Status {
        let c = &self.checks[k];
        let context = matches!(c.rule, Rule::Context);
        let cell = match c.source {
            Source::Cell(i) => row.cells.get(i).copied().unwrap_or(Cell::Missing),
            Source::Meets(i) => match out.qualified.get(i) {
                Some(Verdict::Pass) => Cell::Value(Value::Bool(true)),
                Some(Verdict::Fail) => Cell::Value(Value::Bool(false)),
                _ => Cell::Missing,
            },
            Source::Missing => Cell::Missing,
        };
        let value = match cell {
            Cell::Missing if context => return Status::Info,
            Cell::Missing => return Status::Missing,
            Cell::NotApplicable if optional || context => return Status::NotApplicable,
            Cell::NotApplicable => return Status::Missing,
            Cell::Value(v) => v,
        };
        if context {
            return Status::Info;
        }
        let pass = |b: bool| if b { Status::Pass } else { Status::Fail };
        match (value, &c.rule) {
            (Value::Bool(b), _) => pass(b),
            (Value::Num(v), Rule::Cmp(op, t)) => pass(op.holds(v, *t)),
            (Value::Num(v), Rule::When(w)) => {
                let When {
                    op,
                    cases,
                    otherwise,
                    candidates,
                } = &**w;
                let num = |i: Option<usize>| match i.and_then(|i| row.cells.get(i)) {
                    Some(Cell::Value(Value::Num(n))) => Some(*n),
                    _ => None,
                };
                // The first case whose condition holds, else `otherwise`; a condition that cannot be
                // read (or no threshold for the year) leaves the threshold open.
                let mut threshold = *otherwise;
                for (cell, cop, value, t) in cases {
                    match num(*cell) {
                        None => {
                            threshold = None;
                            break;
                        }
                        Some(x) if cop.holds(x, *value) => {
                            threshold = Some(*t);
                            break;
                        }
                        Some(_) => {}
                    }
                }
                match threshold {
                    Some(t) => pass(op.holds(v, t)),
                    None if !candidates.is_empty()
                        && candidates.iter().all(|t| op.holds(v, *t)) =>
                    {
                        Status::Pass
                    }
                    None if !candidates.is_empty()
                        && candidates.iter().all(|t| !op.holds(v, *t)) =>
                    {
                        Status::Fail
                    }
                    None => Status::Missing,
                }
            }
            (Value::Num(v), Rule::Open(op, candidates)) => open(v, *op, candidates),
            (Value::Num(_), _) => Status::Missing,
        }
    }

    /// The facts of each check of `row` (value, threshold, case, gap), in the order of
    /// `compact.checks`, `compact` being this plan's verdicts on `row` ([`Plan::score`]); into `out`,
    /// its buffer reused. What a report shows beyond the statuses, without the explained evaluation.
    pub fn facts(&self, row: &Row, compact: &Compact, out: &mut Vec<Fact>) {
        out.clear();
        let mut at = 0;
        let mut push = |k: usize, out: &mut Vec<Fact>| {
            let status = compact.checks.get(at).copied().unwrap_or(Status::Missing);
            at += 1;
            out.push(self.fact(k, status, row, compact));
        };
        for set in &self.sets {
            for ci in set.criteria.clone() {
                for ii in self.criteria[ci].clone() {
                    for k in self.indicators[ii].checks.clone() {
                        push(k, out);
                    }
                }
            }
        }
        if let Some((r, _, _)) = compact.readiness
            && let Some(set) = self.sets.get(r)
        {
            for ii in set.recognition.clone() {
                for k in self.indicators[ii].checks.clone() {
                    push(k, out);
                }
            }
        }
    }

    /// Check `k`'s facts, its status being `status`.
    fn fact(&self, k: usize, status: Status, row: &Row, compact: &Compact) -> Fact {
        let c = &self.checks[k];
        let value = match c.source {
            Source::Cell(i) => match row.cells.get(i) {
                Some(Cell::Value(v)) => Some(*v),
                _ => None,
            },
            Source::Meets(i) => match compact.qualified.get(i) {
                Some(Verdict::Pass) => Some(Value::Bool(true)),
                Some(Verdict::Fail) => Some(Value::Bool(false)),
                _ => None,
            },
            Source::Missing => None,
        };
        let num = |i: Option<usize>| match i.and_then(|i| row.cells.get(i)) {
            Some(Cell::Value(Value::Num(n))) => Some(*n),
            _ => None,
        };
        // The threshold resolved for this row (as the explained evaluation resolves it, value or
        // not), and the thresholds it could be when none did.
        let (op, threshold, case, open): (Option<Op>, Option<f64>, Option<usize>, &[f64]) =
            match &c.rule {
                Rule::Cmp(op, t) => (Some(*op), Some(*t), None, &[]),
                Rule::When(w) => {
                    let mut chosen = Some((w.otherwise, w.cases.len()));
                    for (n, (cell, cop, value, t)) in w.cases.iter().enumerate() {
                        match num(*cell) {
                            None => {
                                chosen = None;
                                break;
                            }
                            Some(x) if cop.holds(x, *value) => {
                                chosen = Some((Some(*t), n));
                                break;
                            }
                            Some(_) => {}
                        }
                    }
                    match chosen {
                        Some((Some(t), n)) => (Some(w.op), Some(t), Some(n), &[]),
                        _ => (Some(w.op), None, None, &w.candidates[..]),
                    }
                }
                Rule::Open(op, candidates) => (Some(*op), None, None, &candidates[..]),
                Rule::Bool | Rule::Context => (None, None, None, &[]),
            };
        let gap = match (status, value, op) {
            (Status::Fail, Some(Value::Num(v)), Some(op)) => match threshold {
                Some(t) => Some(op.shortfall(v, t)),
                None => open
                    .iter()
                    .map(|t| op.shortfall(v, *t))
                    .min_by(f64::total_cmp),
            },
            _ => None,
        };
        Fact {
            status,
            value,
            threshold,
            case,
            gap,
        }
    }

    /// How many sets the plan scores.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }
}

/// A value judged against every threshold it could have: known only when they all agree.
fn open(v: f64, op: Op, candidates: &[f64]) -> Status {
    if candidates.is_empty() {
        Status::Missing
    } else if candidates.iter().all(|t| op.holds(v, *t)) {
        Status::Pass
    } else if candidates.iter().all(|t| !op.holds(v, *t)) {
        Status::Fail
    } else {
        Status::Missing
    }
}

/// A criterion's verdict after one more indicator: any fail fails, else any missing is unknown.
#[inline]
fn and(v: Verdict, s: Status) -> Verdict {
    match (v, s) {
        (Verdict::Fail, _) | (_, Status::Fail) => Verdict::Fail,
        (_, Status::Missing) => Verdict::Unknown,
        (v, _) => v,
    }
}

fn all(items: &[Verdict]) -> Verdict {
    Verdict::all(items.iter().copied())
}
