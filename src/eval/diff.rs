//! Comparing two evaluations of the same units (two years of one file, or two files): the level
//! reached then and now, the criteria met, the indicators that turned pass→fail or fail→pass with
//! both values and thresholds, and the programme's measures on each side.
//!
//! Units are matched by code; a [`CodeMap`] follows communes that were merged, split or renamed
//! (see [`map`] for what a map says and the checks it must pass). A merged commune's *before* is the
//! set of its old communes: each is listed with its own result and compared with the new commune
//! (never added up), and the merged commune's before-level is the lowest level among them
//! ([`LevelStatus::lowest`]): the level every one of them held, never more. An old commune split
//! between several new ones appears in each of them, marked as split; in the totals every unit
//! counts once on its own side ([`DiffSummary`]).
//!
//! Each side hands out its units ([`Side`]): communes from a compact [`store`], districts scored on
//! demand ([`RowSide`], see [`district`]). The comparison keeps one small entry per unit of the
//! report; a unit (a [`UnitDiff`]) is built when it is read ([`Diff::units`]), an indicator that
//! changed being explained only then, so that no full result of either side is ever held.
//! Nothing here prints: `report::diff` renders a [`Diff`].

mod delta;
pub mod district;
pub mod map;
mod status;
pub mod store;
mod summary;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use serde::Serialize;

use delta::Depth;
pub use delta::{delta, level_change};
pub use map::CodeMap;
pub use status::{LevelStatus, label};

use super::summary::{Summary, SummaryBuilder};
use super::view::{Detailed, UnitView};
use super::{IndicatorResult, Name, SetResult, UnitResult, Verdict};
use crate::Quick;
use crate::criteria::CriteriaSet;
use crate::diag::Problem;
use crate::input::Row;

/// Where a unit was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    Both,
    /// Only in the old side (or its new code is not in the new side).
    Old,
    /// Only in the new side.
    New,
}

/// How the level held moved between the two sides (see [`label`] for every pair of standings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Lên mức: the level after is surely higher.
    Gained,
    /// Xuống mức: the level after is surely lower.
    Lost,
    /// Giữ nguyên: both levels are known and the same.
    Unchanged,
    /// Chưa rõ: missing data on one side or both leaves the move open.
    Unknown,
    /// Mới: on the new side only.
    New,
    /// Không còn: on the old side only.
    Gone,
}

/// How a unit of the report is tied to the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// The same code on both sides.
    Same,
    /// One old commune, another code (through the map).
    Renamed,
    /// Several old communes (whole or split) became this one.
    Merged,
    /// This commune took part of one old commune, split between several new ones.
    Split,
    /// On the new side only.
    New,
    /// On the old side only.
    Gone,
}

/// What changed behind a flip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cause {
    /// The value changed, the threshold did not.
    Data,
    /// Same value, another threshold (the year's figure, or a condition such as the number of schools).
    Threshold,
    Both,
}

/// An indicator judged on both sides, passing on one and failing on the other.
#[derive(Debug, Clone)]
pub struct Flip {
    pub set: Name,
    pub criterion: Name,
    pub before: IndicatorResult,
    pub after: IndicatorResult,
    /// The check (index in both indicators' checks) whose turn explains the flip.
    pub check: usize,
    pub cause: Cause,
}

impl Flip {
    pub fn code(&self) -> &str {
        &self.before.code
    }

    pub fn check_before(&self) -> Option<&super::CheckResult> {
        self.before.checks.get(self.check)
    }

    pub fn check_after(&self) -> Option<&super::CheckResult> {
        self.after.checks.get(self.check)
    }
}

/// An indicator whose status changed but that is judged on one side only (missing data or not
/// applicable on the other, or absent from it): not a flip.
#[derive(Debug, Clone)]
pub struct NotCompared {
    pub set: Name,
    pub code: String,
    pub before: Option<IndicatorResult>,
    pub after: Option<IndicatorResult>,
}

/// One set on both sides.
#[derive(Debug, Clone, Serialize)]
pub struct SetDelta {
    pub set: String,
    pub qualified_before: super::Verdict,
    pub qualified_after: super::Verdict,
    pub criteria_met_before: usize,
    pub criteria_met_after: usize,
    /// Criteria that passed and now fail, and the reverse.
    pub criteria_lost: Vec<String>,
    pub criteria_gained: Vec<String>,
}

/// What changed between one old result and one new result.
#[derive(Debug, Clone)]
pub struct Delta {
    pub change: Change,
    pub sets: Vec<SetDelta>,
    pub flipped: Vec<Flip>,
    pub not_compared: Vec<NotCompared>,
}

/// An old commune that is part of a merged one, compared with the new commune.
#[derive(Debug, Clone)]
pub struct Part {
    pub code: String,
    /// `None` when the map names it but the old side has no such commune.
    pub before: Option<UnitResult>,
    /// Its standing (unknown when it is missing from the old side).
    pub status: LevelStatus,
    pub delta: Option<Delta>,
    /// The old commune was split between several new ones (tách một phần): this one has a part.
    pub split: bool,
    /// The other new communes that took a part of it (map order).
    pub also_in: Vec<String>,
    /// Its official name with its type (`Xã Bằng Hữu`), when the map is a shipped conversion: it names
    /// the old commune even when the old side has no row for it.
    pub official_name: Option<String>,
}

/// One unit of the report. `before` and `after` are snapshots: the unit's results without the
/// per-criterion detail (`sets[].criteria` is empty); what changed is in `delta`.
#[derive(Debug, Clone)]
pub struct UnitDiff {
    /// The new code; the old code for a unit only in the old side.
    pub code: String,
    pub presence: Presence,
    pub relation: Relation,
    /// `None` for a merged commune: see `parts`.
    pub before: Option<UnitResult>,
    pub after: Option<UnitResult>,
    /// The standing on each side; a merged commune's before is the lowest of its parts'.
    pub status: (LevelStatus, LevelStatus),
    /// The label of the move from `status.0` to `status.1`.
    pub change: Change,
    /// One old result against one new result (same code, or renamed through the map).
    pub delta: Option<Delta>,
    /// A merged (or split) commune: its old communes, each compared with the new commune.
    pub parts: Vec<Part>,
    /// A merged commune's before verdict per set (chain order): met when every part met it, failed
    /// when one failed, unknown otherwise. Empty for other units (see `delta`).
    pub merged_before: Vec<(String, Verdict)>,
}

impl UnitDiff {
    /// Whether the unit's before side is a set of old communes (merged, or part of a split one).
    pub fn merged(&self) -> bool {
        !self.parts.is_empty()
    }

    /// The old code of a commune renamed through the map.
    pub fn renamed_from(&self) -> Option<&str> {
        match (&self.before, &self.after) {
            (Some(b), Some(a)) if b.code != a.code => Some(&b.code),
            _ => None,
        }
    }

    pub fn name(&self) -> &str {
        self.after
            .as_ref()
            .or(self.before.as_ref())
            .map_or("", |r| r.name.as_str())
    }
}

/// Per level: communes that gained it, lost it, or whose change is unknown (missing data).
#[derive(Debug, Clone, Serialize)]
pub struct LevelDelta {
    pub set: String,
    pub gained: usize,
    pub lost: usize,
    pub unknown: usize,
}

/// Per criterion: communes that lost it (passed then, fail now) and that gained it.
#[derive(Debug, Clone, Serialize)]
pub struct CriterionDelta {
    pub set: String,
    pub number: String,
    pub lost: usize,
    pub gained: usize,
}

/// The comparison's totals. Every unit counts once on its own side, however it is tied to the other:
/// `units_before = (both − merged) + merged_from + only_old` and `units_after = both + only_new`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DiffSummary {
    /// The programme's measures on each side, over every unit of that side (each once).
    pub before: Option<Summary>,
    pub after: Option<Summary>,
    /// Per level, over the new side's units that have a before (a merged commune against the lowest
    /// level of its old communes).
    pub levels: Vec<LevelDelta>,
    /// Criteria that changed, the most often lost first; over the units compared one to one.
    pub criteria: Vec<CriterionDelta>,
    /// Units compared on each side (units whose row could not be read are left out).
    pub units_before: usize,
    pub units_after: usize,
    /// New units with a before: compared one to one, or merged.
    pub both: usize,
    pub only_old: usize,
    pub only_new: usize,
    /// New units whose before is a set of old communes (merged, or part of a split one).
    pub merged: usize,
    /// The old communes in them, each counted once (even when split between several).
    pub merged_from: usize,
    /// Old communes split between several new ones.
    pub split: usize,
    pub renamed: usize,
    /// Flips with the same value on both sides: the threshold alone changed.
    pub threshold_only: usize,
}

/// How many units of the report moved each way, each unit once (a merged commune once, its old
/// communes not again): what `diff --summary` counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    pub gained: usize,
    pub lost: usize,
    pub unchanged: usize,
    pub unknown: usize,
    pub new: usize,
    pub gone: usize,
}

impl ChangeCounts {
    /// The count of units labelled `c`.
    pub fn of(&self, c: Change) -> usize {
        match c {
            Change::Gained => self.gained,
            Change::Lost => self.lost,
            Change::Unchanged => self.unchanged,
            Change::Unknown => self.unknown,
            Change::New => self.new,
            Change::Gone => self.gone,
        }
    }

    fn add(&mut self, c: Change) {
        let n = match c {
            Change::Gained => &mut self.gained,
            Change::Lost => &mut self.lost,
            Change::Unchanged => &mut self.unchanged,
            Change::Unknown => &mut self.unknown,
            Change::New => &mut self.new,
            Change::Gone => &mut self.gone,
        };
        *n += 1;
    }
}

/// How often one indicator turned, over every unit and every old commune of a merged one (the rows
/// of the table of indicators that turned that name it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorTurns {
    pub set: String,
    pub code: String,
    /// Turned fail → pass, and pass → fail.
    pub up: usize,
    pub down: usize,
    /// Of those, how many with the same value on both sides (the threshold alone turned it).
    pub threshold_only: usize,
}

/// One side of a comparison: its units (one per code), each handed out as a [`Detailed`] view —
/// scored on demand ([`RowSide`], the few rows of a district file) or read from a compact store
/// ([`store::StoreSide`], the communes). A side is read from several threads at once (the
/// summary counted in parts, a report's units built ahead of their writing): `Sync`.
pub trait Side: Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn code(&self, i: usize) -> &str;
    fn name(&self, i: usize) -> &str;
    fn line(&self, i: usize) -> usize;
    /// Unit `i`.
    fn unit(&self, i: usize) -> Box<dyn Detailed + '_>;
}

/// Rows scored on demand, each once, in the order the comparison first asks for them.
pub struct RowSide<'a> {
    rows: Vec<&'a Row>,
    score: &'a (dyn Fn(&Row) -> UnitResult + Sync),
    done: Vec<OnceLock<UnitResult>>,
}

impl<'a> RowSide<'a> {
    pub fn new(rows: Vec<&'a Row>, score: &'a (dyn Fn(&Row) -> UnitResult + Sync)) -> Self {
        let done = rows.iter().map(|_| OnceLock::new()).collect();
        RowSide { rows, score, done }
    }

    /// Unit `i`'s full result.
    pub fn result(&self, i: usize) -> &UnitResult {
        self.done[i].get_or_init(|| (self.score)(self.rows[i]))
    }
}

impl Side for RowSide<'_> {
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn code(&self, i: usize) -> &str {
        &self.rows[i].code
    }
    fn name(&self, i: usize) -> &str {
        &self.rows[i].name
    }
    fn line(&self, i: usize) -> usize {
        self.rows[i].line
    }
    fn unit(&self, i: usize) -> Box<dyn Detailed + '_> {
        Box::new(self.result(i))
    }
}

/// How a new unit is tied to the old side, found once; the units of the report are built from it
/// when they are read ([`Diff::units`]).
#[derive(Debug, Clone)]
enum Entry {
    /// One old unit, one new unit: the same code, or renamed through the map.
    Pair {
        old: usize,
        new: usize,
    },
    New(usize),
    Gone(usize),
    /// A new unit whose before is a set of old communes (`parts` in [`Diff::parts`]).
    Merged {
        new: usize,
        relation: Relation,
        parts: Range<usize>,
    },
}

/// An old commune of a merged (or split) one, as the map ties it.
#[derive(Debug, Clone)]
struct PartLink {
    code: String,
    /// `None` when the map names it but the old side has no such commune.
    old: Option<usize>,
    split: bool,
    also_in: Vec<String>,
    official_name: Option<String>,
}

/// How much of each unit is built: everything, or what one line per unit shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The indicators that turned with both sides' checks (values, thresholds) and the cause.
    Full,
    /// The indicators that turned and those judged on one side only, by code and status alone:
    /// their `checks` are empty, the turning check is the first and the cause is `Data`. What the
    /// one-line-per-unit tables read, without evaluating anything again.
    Brief,
}

/// The whole comparison: the two sides joined, and the summary. The units are built one at a time
/// when they are read ([`Diff::units`]), from the sides the comparison borrows; none is held.
pub struct Diff<'s> {
    pub summary: DiffSummary,
    /// The year whose thresholds scored each side (from its first unit), when it has one.
    pub threshold_years: (Option<i32>, Option<i32>),
    /// Map lines that matched nothing (warnings).
    pub problems: Vec<Problem>,
    /// The districts compared, when district files were given (set by the caller: [`district`]).
    pub districts: Option<district::DistrictsDiff>,
    /// How many indicators turned, and were judged on one side only, over every unit and every
    /// old commune of a merged one (the rows of the reports' tables of them).
    pub flipped: usize,
    pub not_compared: usize,
    /// The units of the report by how their level moved.
    pub changes: ChangeCounts,
    /// Per indicator that turned somewhere, how often (the sets' and criteria's order).
    pub turns: Vec<IndicatorTurns>,
    chain: Vec<String>,
    old: &'s dyn Side,
    new: &'s dyn Side,
    entries: Vec<Entry>,
    parts: Vec<PartLink>,
}

impl<'s> Diff<'s> {
    /// Units of the report.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The units of the report, in order (the new side's, then those only in the old side), each
    /// built when it is reached.
    pub fn units(&self) -> impl Iterator<Item = UnitDiff> + '_ {
        self.entries.iter().map(|e| self.unit(e, Depth::Full))
    }

    /// The units tied one to one under the same code whose names differ on the two sides, case,
    /// marks, punctuation and a leading type aside, as (old index, new index): a file's own codes given to other
    /// communes another year compare two communes as one.
    pub fn names_differ(&self) -> Vec<(usize, usize)> {
        let (old, new) = (self.old, self.new);
        self.picked(|e| match *e {
            Entry::Pair { old: i, new: j } => Some((i, j)),
            _ => None,
        })
        .into_iter()
        .filter(|&(i, j)| {
            let (a, b) = (old.name(i), new.name(j));
            old.code(i) == new.code(j)
                && a != b
                && !a.trim().is_empty()
                && !b.trim().is_empty()
                && !crate::units::names::same_name(a, b)
        })
        .collect()
    }

    /// A unit only in the old side and one only in the new whose codes differ only by leading
    /// zeros (`6235`, `06235`: a spreadsheet that stored the code as a number), as (old index, new
    /// index): never compared as one (a code is read as written), said instead.
    pub fn zeros_apart(&self) -> Vec<(usize, usize)> {
        use crate::units::names::{padded, zeros_missing};
        let (old, new) = (self.old, self.new);
        let gone = self.picked(|e| match *e {
            Entry::Gone(i) => Some(i),
            _ => None,
        });
        let came = self.picked(|e| match *e {
            Entry::New(j) => Some(j),
            _ => None,
        });
        // Most comparisons have no code short of its zeros: nothing is padded then.
        let short = |side: &dyn Side, k: &[usize]| k.iter().any(|&i| zeros_missing(side.code(i)));
        if gone.is_empty() || came.is_empty() || !(short(old, &gone) || short(new, &came)) {
            return Vec::new();
        }
        let by_padded: HashMap<String, usize> =
            gone.iter().map(|&i| (padded(old.code(i)), i)).collect();
        came.iter()
            .filter_map(|&j| by_padded.get(&padded(new.code(j))).map(|&i| (i, j)))
            .collect()
    }

    /// What `pick` takes of each entry of the report, in order.
    fn picked<T>(&self, pick: impl Fn(&Entry) -> Option<T>) -> Vec<T> {
        self.entries.iter().filter_map(pick).collect()
    }

    /// The units with `detail`.
    pub fn units_with(&self, detail: Detail) -> impl Iterator<Item = UnitDiff> + '_ {
        self.entries
            .iter()
            .map(move |e| self.unit(e, detail.into()))
    }

    /// Unit `k` of the report (in the order of [`Diff::units`]) with `detail`.
    pub fn unit_at(&self, k: usize, detail: Detail) -> UnitDiff {
        self.unit(&self.entries[k], detail.into())
    }

    /// The old side's units in the report's order (the new side's order, each new unit's old
    /// communes in map order, then those only in the old side), then the rest (units left out of
    /// the matching), in the side's order.
    pub fn old_order(&self) -> Vec<usize> {
        let mut seen = vec![false; self.old.len()];
        let mut out = Vec::with_capacity(self.old.len());
        let mut visit = |i: usize, out: &mut Vec<usize>| {
            if !seen[i] {
                seen[i] = true;
                out.push(i);
            }
        };
        for e in &self.entries {
            match e {
                Entry::Pair { old, .. } | Entry::Gone(old) => visit(*old, &mut out),
                Entry::Merged { parts, .. } => {
                    for p in &self.parts[parts.clone()] {
                        if let Some(i) = p.old {
                            visit(i, &mut out);
                        }
                    }
                }
                Entry::New(_) => {}
            }
        }
        for i in 0..self.old.len() {
            visit(i, &mut out);
        }
        out
    }

    fn unit(&self, e: &Entry, detail: Depth) -> UnitDiff {
        let chain: Vec<&str> = self.chain.iter().map(String::as_str).collect();
        let chain = chain.as_slice();
        match e {
            Entry::Pair { old, new } => {
                let (b, a) = (self.old.unit(*old), self.new.unit(*new));
                let status = (
                    LevelStatus::of(chain, Some(view(&*b))),
                    LevelStatus::of(chain, Some(view(&*a))),
                );
                let relation = if b.code() == a.code() {
                    Relation::Same
                } else {
                    Relation::Renamed
                };
                let delta = delta::delta_with(chain, &*b, &*a, detail);
                UnitDiff {
                    code: a.code().to_string(),
                    presence: Presence::Both,
                    relation,
                    change: delta.change,
                    status,
                    delta: Some(delta),
                    before: Some(snapshot_at(&*b, detail)),
                    after: Some(snapshot_at(&*a, detail)),
                    parts: Vec::new(),
                    merged_before: Vec::new(),
                }
            }
            Entry::New(j) => one_side(chain, &*self.new.unit(*j), Presence::New, detail),
            Entry::Gone(i) => one_side(chain, &*self.old.unit(*i), Presence::Old, detail),
            Entry::Merged {
                new,
                relation,
                parts,
            } => {
                let a = self.new.unit(*new);
                let parts: Vec<Part> = self.parts[parts.clone()]
                    .iter()
                    .map(|p| {
                        let b = p.old.map(|i| self.old.unit(i));
                        Part {
                            code: p.code.clone(),
                            status: b.as_ref().map_or(LevelStatus::unknown(chain.len()), |b| {
                                LevelStatus::of(chain, Some(view(&**b)))
                            }),
                            delta: b
                                .as_ref()
                                .map(|b| delta::delta_with(chain, &**b, &*a, detail)),
                            before: b.as_ref().map(|b| snapshot(&**b)),
                            split: p.split,
                            also_in: p.also_in.clone(),
                            official_name: p.official_name.clone(),
                        }
                    })
                    .collect();
                let merged_before = chain
                    .iter()
                    .enumerate()
                    .map(|(k, id)| {
                        let each = parts.iter().map(|p| match &p.before {
                            Some(b) => status::verdicts(chain, b)
                                .nth(k)
                                .unwrap_or(Verdict::Unknown),
                            None => Verdict::Unknown,
                        });
                        (id.to_string(), all_of(each))
                    })
                    .collect();
                let status = (
                    LevelStatus::lowest(parts.iter().map(|p| p.status)),
                    LevelStatus::of(chain, Some(view(&*a))),
                );
                UnitDiff {
                    code: a.code().to_string(),
                    presence: Presence::Both,
                    relation: *relation,
                    change: label(status.0, status.1).unwrap_or(Change::Unknown),
                    status,
                    before: None,
                    after: Some(snapshot(&*a)),
                    delta: None,
                    parts,
                    merged_before,
                }
            }
        }
    }
}

/// A unit's view as its verdicts alone.
fn view<'a>(d: &'a (dyn Detailed + 'a)) -> &'a (dyn UnitView + 'a) {
    d
}

/// [`snapshot`], or for the summary's count ([`Depth::Causes`]) of a unit compared one to one or on
/// one side only, only its code: all the count reads of it (a merged commune's, whose sets the
/// count reads, is always whole).
fn snapshot_at(r: &dyn Detailed, detail: Depth) -> UnitResult {
    if detail != Depth::Causes {
        return snapshot(r);
    }
    UnitResult {
        version: String::new(),
        code: r.code().to_string(),
        name: String::new(),
        parent: String::new(),
        year: r.year(),
        line: r.line(),
        sets: Vec::new(),
        level_reached: None,
        readiness: None,
    }
}

/// A unit's results without the per-criterion detail (what [`UnitDiff::before`] and `after` hold).
pub fn snapshot(r: &dyn Detailed) -> UnitResult {
    let sets = (0..r.sets())
        .map(|i| {
            let s = r.set(i);
            SetResult {
                set: s.id.to_string(),
                status: s.status,
                qualified: s.qualified,
                prerequisites: r
                    .prerequisites(i)
                    .into_iter()
                    .map(|(p, v)| (p.to_string(), v))
                    .collect(),
                criteria_met: s.met,
                criteria_total: s.total,
                criteria: Vec::new(),
                threshold_year: r.threshold_year(i),
            }
        })
        .collect();
    UnitResult {
        version: r.version().to_string(),
        code: r.code().to_string(),
        name: r.name().to_string(),
        parent: r.parent().to_string(),
        year: r.year(),
        line: r.line(),
        sets,
        level_reached: r.level_reached().map(String::from),
        readiness: None,
    }
}

/// Compare the old side with the new one. `sets` are the sets evaluated, in chain order. Units whose
/// code is in `skip` (their row on one side could not be read) are left out of the matching, so that
/// they are not reported as present on one side only; a new unit's readable row still counts in its
/// side's summary. The map is checked against both sides first ([`CodeMap::check`]): its problems are
/// in [`Diff::problems`], and the map is followed as written.
///
/// The sides are tied in one pass, in the report's order; then each unit is counted (the summary,
/// in parts on several threads when there are many: [`Diff::count`]), a unit compared one to one
/// without being built; [`Diff::units`] and [`Diff::try_each_unit`] build the units for the
/// reports. Memory holds one small entry per unit.
pub fn compare<'s>(
    sets: &[&CriteriaSet],
    old: &'s dyn Side,
    new: &'s dyn Side,
    map: &CodeMap,
    skip: &HashSet<&str>,
) -> Diff<'s> {
    let builder = || sets.first().map(|base| SummaryBuilder::new(base, sets));
    // Most comparisons skip nothing: then no code is hashed to be looked for.
    let skipped = |code: &str| !skip.is_empty() && skip.contains(code);
    let by_code: HashMap<&str, usize, Quick> = (0..old.len())
        .filter(|i| !skipped(old.code(*i)))
        .map(|i| (old.code(i), i))
        .collect();
    let problems = map.check(old, new, skip);
    let mut diff = Diff {
        summary: DiffSummary::default(),
        threshold_years: (None, None),
        problems,
        districts: None,
        flipped: 0,
        not_compared: 0,
        changes: ChangeCounts::default(),
        turns: Vec::new(),
        chain: sets.iter().map(|s| s.id.clone()).collect(),
        old,
        new,
        entries: Vec::new(),
        parts: Vec::new(),
    };
    let (old_summary, new_summary) = std::thread::scope(|s| {
        // Each side's own summary, beside the tying: every unit of the new side, and of the old
        // side every unit the tying reads (all those not skipped).
        let summaries = s.spawn(|| {
            let (mut o, mut n) = (builder(), builder());
            if let Some(n) = n.as_mut() {
                (0..new.len()).for_each(|j| n.add(&*new.unit(j)));
            }
            if let Some(o) = o.as_mut() {
                (0..old.len())
                    .filter(|i| !skipped(old.code(*i)))
                    .for_each(|i| o.add(&*old.unit(i)));
            }
            (o, n)
        });
        tie(&mut diff, map, &by_code, &skipped);
        match summaries.join() {
            Ok(both) => both,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let mut acc = diff.count(sets);
    let before = old_summary.and_then(|b| b.finish().into_iter().next());
    let after = new_summary.and_then(|b| b.finish().into_iter().next());
    (diff.flipped, diff.not_compared) = (acc.flipped, acc.not_compared);
    diff.changes = acc.changes;
    diff.turns = acc.turns();
    let mut summary = acc.finish(before, after);
    (summary.units_before, summary.units_after) =
        (diff.summary.units_before, diff.summary.units_after);
    diff.summary = summary;
    diff
}

/// Tie each new unit to the old side (one pair, several old communes, or none), in the new side's
/// order, then list the old units tied to none; and find the year whose thresholds scored each side
/// (its first unit's, in that order).
fn tie(
    diff: &mut Diff,
    map: &CodeMap,
    by_code: &HashMap<&str, usize, Quick>,
    skipped: &dyn Fn(&str) -> bool,
) {
    let (old, new) = (diff.old, diff.new);
    let mut old_year = None;
    let mut first_old = |i: usize| {
        if old_year.is_none() {
            let b = old.unit(i);
            if b.sets() > 0 {
                old_year = Some(b.threshold_year(0));
            }
        }
    };
    let mut used = vec![false; old.len()];
    let mut units_after = 0;
    for j in 0..new.len() {
        let code = new.code(j);
        if diff.threshold_years.1.is_none() {
            let a = new.unit(j);
            if a.sets() > 0 {
                diff.threshold_years.1 = Some(a.threshold_year(0));
            }
        }
        if skipped(code) {
            continue;
        }
        units_after += 1;
        let e = match_new(map, by_code, &mut diff.parts, new, j);
        match &e {
            Entry::Pair { old, .. } => {
                first_old(*old);
                used[*old] = true;
            }
            Entry::Merged { parts, .. } => {
                for i in diff.parts[parts.clone()].iter().filter_map(|p| p.old) {
                    first_old(i);
                    used[i] = true;
                }
            }
            _ => {}
        }
        diff.entries.push(e);
    }
    let mut units_before = 0;
    for (i, used) in used.into_iter().enumerate() {
        if skipped(old.code(i)) {
            continue;
        }
        units_before += 1;
        if used {
            continue;
        }
        first_old(i);
        diff.entries.push(Entry::Gone(i));
    }
    diff.threshold_years.0 = old_year;
    (diff.summary.units_before, diff.summary.units_after) = (units_before, units_after);
}

impl Diff<'_> {
    /// The summary's counts over every unit of the report: a unit compared one to one counted as
    /// the comparison walks its two sides (nothing built: [`summary::Acc::add_pair`]), the others
    /// (merged, new, gone) built to the depth the count reads and dropped. Many units are counted
    /// in parts, on threads of their own, and the parts added up: every count is a sum or a set,
    /// the same in any order. The sides have scored each unit before (the pass that ties them), so
    /// no unit is first scored here.
    fn count<'c>(&self, sets: &[&'c CriteriaSet]) -> summary::Acc<'c> {
        self.count_in(sets, parts_for(self.entries.len()))
    }

    /// [`Diff::count`] in `parts` parts.
    fn count_in<'c>(&self, sets: &[&'c CriteriaSet], parts: usize) -> summary::Acc<'c> {
        let chain: Vec<&str> = self.chain.iter().map(String::as_str).collect();
        let count = |entries: &[Entry]| {
            let mut acc = summary::Acc::new(sets);
            for e in entries {
                match e {
                    // Most units: counted as the comparison walks them, nothing built.
                    Entry::Pair { old, new } => {
                        acc.add_pair(&chain, &*self.old.unit(*old), &*self.new.unit(*new));
                    }
                    _ => acc.add(&self.unit(e, Depth::Causes)),
                }
            }
            acc
        };
        if parts < 2 {
            return count(&self.entries);
        }
        let chunk = self.entries.len().div_ceil(parts).max(1);
        std::thread::scope(|s| {
            let mut chunks = self.entries.chunks(chunk);
            let first = chunks.next().unwrap_or_default();
            let others: Vec<_> = chunks.map(|c| s.spawn(move || count(c))).collect();
            let mut acc = count(first);
            for h in others {
                match h.join() {
                    Ok(part) => acc.merge(part),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            acc
        })
    }
}

impl Diff<'_> {
    /// Each unit with `detail`, in order, handed to `f` as it is built; the first error `f` returns
    /// stops the building and is returned. With many units they are built on a thread of their
    /// own, in batches a few ahead of `f`, so that building a unit (explaining its indicators that
    /// turned) and what `f` does with it (laying out its rows) run side by side; each batch goes
    /// back to that thread to be freed, where it was allocated (freeing a unit on another thread
    /// costs several times more).
    pub fn try_each_unit<E>(
        &self,
        detail: Detail,
        mut f: impl FnMut(&UnitDiff) -> Result<(), E>,
    ) -> Result<(), E> {
        if parts_for(self.entries.len()) < 2 {
            return self.units_with(detail).try_for_each(|u| f(&u));
        }
        self.each_unit_ahead(detail, BATCH, f)
    }

    /// [`Diff::try_each_unit`] for an `f` that cannot fail.
    pub fn each_unit(&self, detail: Detail, mut f: impl FnMut(&UnitDiff)) {
        let done = self.try_each_unit(detail, |u| {
            f(u);
            Ok::<_, std::convert::Infallible>(())
        });
        let Ok(()) = done;
    }

    /// [`Diff::try_each_unit`] on a thread of its own, in batches of `batch` units.
    fn each_unit_ahead<E>(
        &self,
        detail: Detail,
        batch: usize,
        mut f: impl FnMut(&UnitDiff) -> Result<(), E>,
    ) -> Result<(), E> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<UnitDiff>>(AHEAD);
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Vec<UnitDiff>>();
        std::thread::scope(|s| {
            let builder = s.spawn(move || {
                for entries in self.entries.chunks(batch.max(1)) {
                    done_rx.try_iter().for_each(drop);
                    let batch = entries.iter().map(|e| self.unit(e, detail.into()));
                    // An error: `f` has stopped and the receiver is gone.
                    if tx.send(batch.collect()).is_err() {
                        break;
                    }
                }
                drop(tx);
                // Until the reader is done with the last batches.
                done_rx.iter().for_each(drop);
            });
            let out = rx.iter().try_for_each(|batch| {
                batch.iter().try_for_each(&mut f)?;
                // The builder is still waiting for batches to free until `done_tx` goes.
                let _ = done_tx.send(batch);
                Ok(())
            });
            drop((rx, done_tx));
            if let Err(panic) = builder.join() {
                std::panic::resume_unwind(panic);
            }
            out
        })
    }
}

/// Units per batch handed from the thread building them to the one reading them, and how many
/// batches may wait ([`Diff::try_each_unit`]).
const BATCH: usize = 32;
const AHEAD: usize = 4;

/// Units are built in parts on several threads only when each part has this many: below it, a
/// thread costs more than it saves.
const PART: usize = 2048;

/// How many parts `n` units are built in: one per core the process may use, each of at least
/// [`PART`] units.
fn parts_for(n: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    cores.min(n / PART).max(1)
}

/// How a new unit is tied to the old side.
fn match_new(
    map: &CodeMap,
    by_code: &HashMap<&str, usize, Quick>,
    parts: &mut Vec<PartLink>,
    new: &dyn Side,
    j: usize,
) -> Entry {
    let new_code = new.code(j);
    let codes = old_codes(map, new_code, by_code);
    let found: Vec<(String, Option<usize>)> = codes
        .into_iter()
        .map(|c| {
            let i = by_code.get(c.as_str()).copied();
            (c, i)
        })
        .collect();
    let split = |code: &str| map.news_of(code).len() > 1;
    let any_found = found.iter().any(|f| f.1.is_some());
    match found.as_slice() {
        [(code, Some(i))] if !split(code) => Entry::Pair { old: *i, new: j },
        _ if any_found => {
            let relation = if found.len() > 1 {
                Relation::Merged
            } else {
                Relation::Split
            };
            let start = parts.len();
            for (code, old) in found {
                let news = map.news_of(&code);
                parts.push(PartLink {
                    split: news.len() > 1,
                    also_in: news
                        .into_iter()
                        .filter(|n| *n != new_code)
                        .map(String::from)
                        .collect(),
                    official_name: map.old_name(&code).map(String::from),
                    code,
                    old,
                });
            }
            Entry::Merged {
                new: j,
                relation,
                parts: start..parts.len(),
            }
        }
        _ => Entry::New(j),
    }
}

/// Met when every verdict is, failed when one is, unknown otherwise.
fn all_of(verdicts: impl Iterator<Item = Verdict>) -> Verdict {
    verdicts.fold(Verdict::Pass, |acc, v| match (acc, v) {
        (Verdict::Fail, _) | (_, Verdict::Fail) => Verdict::Fail,
        (Verdict::Unknown, _) | (_, Verdict::Unknown) => Verdict::Unknown,
        _ => Verdict::Pass,
    })
}

/// The old codes of a new code: those the map sends to it, and its own code when the old side has
/// it and the map does not send it elsewhere.
fn old_codes(map: &CodeMap, new: &str, old_by: &HashMap<&str, usize, Quick>) -> Vec<String> {
    let mut olds: Vec<String> = map.olds_of(new).into_iter().map(String::from).collect();
    if !map.lists_old(new) && old_by.contains_key(new) && !olds.iter().any(|o| o == new) {
        olds.insert(0, new.to_string());
    }
    olds
}

fn one_side(chain: &[&str], r: &dyn Detailed, presence: Presence, detail: Depth) -> UnitDiff {
    let old = presence == Presence::Old;
    let held = LevelStatus::of(chain, Some(view(r)));
    let r = snapshot_at(r, detail);
    let status = if old {
        (held, LevelStatus::Absent)
    } else {
        (LevelStatus::Absent, held)
    };
    UnitDiff {
        code: r.code.clone(),
        presence,
        relation: if old { Relation::Gone } else { Relation::New },
        change: if old { Change::Gone } else { Change::New },
        status,
        before: old.then(|| r.clone()),
        after: (!old).then_some(r),
        delta: None,
        parts: Vec::new(),
        merged_before: Vec::new(),
    }
}

/// One side of the comparison: the file, the data year, and the year whose thresholds scored it.
#[derive(Debug, Clone)]
pub struct SideInfo {
    pub file: String,
    pub year: i32,
    pub threshold_year: i32,
    /// The criteria version that scored the side (the one in force for its year, or for
    /// `--same-year`).
    pub version: String,
}

/// The district part of a comparison: the district sets and each side's district file.
pub struct DistrictInfo<'a> {
    /// The district sets evaluated, prerequisites first.
    pub sets: Vec<&'a CriteriaSet>,
    pub before: SideInfo,
    pub after: SideInfo,
    /// Districts left out because their row on one side could not be read: `(code, side)`.
    pub skipped: Vec<(String, Presence)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::Version;
    use crate::criteria::catalog::Catalog;
    use crate::criteria::select::Selection;
    use crate::eval::{Evaluator, NoDerived, Options};
    use crate::input::{Cell, Layout, Value};

    /// A row standing for a commune: its code and name, and (in `year`) its line.
    fn row(code: &str, line: usize) -> Row {
        Row {
            line,
            code: code.to_string(),
            name: format!("Xã {code}"),
            parent: "Cao Lộc".into(),
            year: 2024,
            ..Row::default()
        }
    }

    /// A result along `chain` with each level's verdict (no criterion detail).
    fn result(r: &Row, chain: &[&str], verdicts: &[Verdict]) -> UnitResult {
        UnitResult {
            version: "v".into(),
            code: r.code.clone(),
            name: r.name.clone(),
            parent: r.parent.clone(),
            year: r.year,
            line: r.line,
            sets: chain
                .iter()
                .zip(verdicts)
                .map(|(id, v)| SetResult {
                    set: id.to_string(),
                    status: *v,
                    qualified: *v,
                    prerequisites: Vec::new(),
                    criteria_met: 0,
                    criteria_total: 0,
                    criteria: Vec::new(),
                    threshold_year: 2024,
                })
                .collect(),
            level_reached: None,
            readiness: None,
        }
    }

    fn rows(codes: &[&str]) -> Vec<Row> {
        codes
            .iter()
            .enumerate()
            .map(|(i, c)| row(c, i + 2))
            .collect()
    }

    /// Each code's verdicts: `P` pass, `F` fail, `U` unknown, one letter per level.
    fn verdicts(code: &str, table: &[(&str, &str)]) -> Vec<Verdict> {
        let spec = table
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("FFF", |x| x.1);
        spec.chars()
            .map(|c| match c {
                'P' => Verdict::Pass,
                'F' => Verdict::Fail,
                _ => Verdict::Unknown,
            })
            .collect()
    }

    /// Compare `old` with `new` (codes, each with its verdicts in `table`) through `map` and `skip`,
    /// and hand the comparison to `check`.
    fn compared(
        old: &[&str],
        new: &[&str],
        table: &[(&str, &str)],
        map: &str,
        skip: &[&str],
        check: impl FnOnce(&Diff),
    ) {
        let of = |r: &Row| verdicts(&r.code, table);
        compared_by(old, new, &of, map, skip, |d, _| check(d));
    }

    /// [`compared`], each row's verdicts given by `of`; `check` also gets the sets compared.
    fn compared_by(
        old: &[&str],
        new: &[&str],
        of: &(dyn Fn(&Row) -> Vec<Verdict> + Sync),
        map: &str,
        skip: &[&str],
        check: impl FnOnce(&Diff, &[&CriteriaSet]),
    ) {
        let catalog = Catalog::bundled().expect("bundled criteria load");
        let version = catalog.for_year(2024).expect("a version for 2024");
        let sel = Selection::of(version, "all", false).expect("level all");
        let chain: Vec<&str> = sel.communes.iter().map(|s| s.id.as_str()).collect();
        let score = |r: &Row| result(r, &chain, &of(r));
        let (old_rows, new_rows) = (rows(old), rows(new));
        let old = RowSide::new(old_rows.iter().collect(), &score);
        let new = RowSide::new(new_rows.iter().collect(), &score);
        let (map, problems) = if map.is_empty() {
            (CodeMap::none(), Vec::new())
        } else {
            CodeMap::parse("m.csv", map.as_bytes())
        };
        assert!(problems.is_empty(), "{problems:?}");
        let skip: HashSet<&str> = skip.iter().copied().collect();
        check(
            &compare(&sel.communes, &old, &new, &map, &skip),
            &sel.communes,
        );
    }

    /// Sixty communes before, their levels drawn from their line (so a code moves between the
    /// sides): two merged into one, one split in two, one renamed, one skipped, some on one side
    /// only; the comparison handed to `check`.
    fn with_every_move(check: impl FnOnce(&Diff, &[&CriteriaSet])) {
        let old: Vec<String> = (0..60).map(|i| format!("O{i}")).collect();
        let mut new: Vec<String> = (5..63).map(|i| format!("O{i}")).collect();
        new.extend(["M", "S1", "S2", "R"].map(String::from));
        let map = "ma_xa_cu,ma_xa_moi\nO0,M\nO1,M\nO2,S1\nO2,S2\nO3,R\n";
        let letters = ["PPF", "PFF", "FFF", "UUU", "PPP", "PUF", "FUU"];
        let of = |r: &Row| verdicts("", &[("", letters[(r.line * 5 + r.code.len()) % 7])]);
        let (old, new): (Vec<&str>, Vec<&str>) = (
            old.iter().map(String::as_str).collect(),
            new.iter().map(String::as_str).collect(),
        );
        compared_by(&old, &new, &of, map, &["O9"], check);
    }

    #[test]
    fn counted_in_parts_and_built_ahead_as_in_one_pass() {
        with_every_move(|d, sets| {
            let whole = format!("{:?}", d.count_in(sets, 1).finish(None, None));
            for parts in [2, 3, 7, 200] {
                let mut acc = d.count_in(sets, parts);
                let turns = acc.turns();
                assert_eq!(
                    format!("{:?}", acc.finish(None, None)),
                    whole,
                    "{parts} parts"
                );
                assert_eq!(turns, d.turns);
            }
            // Every kind of move is there to be counted.
            let c = &d.changes;
            assert!(
                [c.gained, c.lost, c.unchanged, c.unknown, c.new, c.gone]
                    .iter()
                    .all(|n| *n > 0),
                "{c:?}"
            );
            assert!(d.summary.merged > 0 && d.summary.split > 0 && d.summary.renamed > 0);

            let one_pass: Vec<String> = d.units().map(|u| format!("{u:?}")).collect();
            for batch in [1, 4, 64] {
                let mut ahead = Vec::new();
                let done = d.each_unit_ahead(Detail::Full, batch, |u| {
                    ahead.push(format!("{u:?}"));
                    Ok::<_, ()>(())
                });
                assert_eq!(
                    (done, ahead.len()),
                    (Ok(()), one_pass.len()),
                    "batches of {batch}"
                );
                let differs = one_pass.iter().zip(&ahead).position(|(x, y)| x != y);
                assert_eq!(
                    differs, None,
                    "batches of {batch}: the first unit that differs"
                );
            }
            // The first error stops the reading, and is what comes back.
            let mut read = 0;
            let stopped = d.each_unit_ahead(Detail::Brief, 2, |_| {
                read += 1;
                if read == 5 { Err(read) } else { Ok(()) }
            });
            assert_eq!((stopped, read), (Err(5), 5));
        });
    }

    /// The summary counted over every unit built to the count's depth: what [`Diff::count`] did
    /// before it counted the units compared one to one as the comparison walks them.
    fn counted_built(d: &Diff, sets: &[&CriteriaSet]) -> (String, Vec<IndicatorTurns>) {
        let mut acc = summary::Acc::new(sets);
        for e in &d.entries {
            acc.add(&d.unit(e, Depth::Causes));
        }
        let turns = acc.turns();
        (format!("{:?}", acc.finish(None, None)), turns)
    }

    fn counted_walked(d: &Diff, sets: &[&CriteriaSet]) -> (String, Vec<IndicatorTurns>) {
        let mut acc = d.count_in(sets, 1);
        let turns = acc.turns();
        (format!("{:?}", acc.finish(None, None)), turns)
    }

    #[test]
    fn units_compared_one_to_one_count_as_walked_as_when_built() {
        // The sample communes of 2023 against those of 2024, scored along the real criteria and
        // kept in stores as `diff` keeps them: indicators turn, by their data and by a threshold
        // that rose with the year.
        let catalog = Catalog::bundled().expect("bundled criteria load");
        let version = catalog.for_year(2024).expect("a version for 2024");
        let sel = Selection::of(version, "all", false).expect("level all");
        let cols = Version::columns_of(&sel.communes);
        let text = include_str!("../../samples/communes.csv");
        let ds = crate::input::read_str("communes.csv", text, version, Layout::COMMUNE, &cols);
        let ev = Evaluator::new(version, sel.communes.clone(), &ds, Options::default());
        // The communes of 2024 with some cells changed besides (halved, turned, emptied), so that
        // indicators also turn inside criteria whose verdict stays.
        let before: Vec<Row> = ds.rows.iter().filter(|r| r.year == 2023).cloned().collect();
        let mut after: Vec<Row> = ds.rows.iter().filter(|r| r.year == 2024).cloned().collect();
        for (n, r) in after.iter_mut().enumerate() {
            for (c, cell) in r.cells.iter_mut().enumerate() {
                *cell = match (*cell, (3 * n + 7 * c) % 13) {
                    (Cell::Value(Value::Num(x)), 0 | 1) => Cell::Value(Value::Num(x / 2.0)),
                    (Cell::Value(Value::Bool(b)), 0 | 1) => Cell::Value(Value::Bool(!b)),
                    (_, 2) => Cell::Missing,
                    (cell, _) => cell,
                };
            }
        }
        assert!(before.len() > 5 && after.len() > 5);
        let store = |rows: &[Row]| {
            let mut st = store::Store::new(ds.clone(), &sel.communes);
            for r in rows {
                assert_eq!(st.push_result(r, &ev.evaluate(r, &NoDerived)), Ok(()));
            }
            st
        };
        let (kept_before, kept_after) = (store(&before), store(&after));
        let side =
            |st| store::StoreSide::new(st, version, sel.communes.clone(), Options::default());
        let (old, new) = (side(&kept_before), side(&kept_after));
        let d = compare(&sel.communes, &old, &new, &CodeMap::none(), &HashSet::new());
        assert_eq!(
            counted_walked(&d, &sel.communes),
            counted_built(&d, &sel.communes)
        );
        assert!(
            d.flipped > 0 && d.summary.threshold_only > 0,
            "{:?}",
            d.summary
        );
        assert!(
            d.summary
                .criteria
                .iter()
                .any(|c| c.lost > 0 && c.gained > 0)
        );
        // The same rows scored whole, compared criterion by criterion and indicator by indicator
        // (by number and code, every one read): the same changes as the stores', which pass
        // over what kept its bytes.
        let score = |r: &Row| ev.evaluate(r, &NoDerived);
        let (old_rows, new_rows) = (
            RowSide::new(before.iter().collect(), &score),
            RowSide::new(after.iter().collect(), &score),
        );
        let whole = compare(
            &sel.communes,
            &old_rows,
            &new_rows,
            &CodeMap::none(),
            &HashSet::new(),
        );
        let deltas =
            |d: &Diff| -> Vec<String> { d.units().map(|u| format!("{:?}", u.delta)).collect() };
        assert_eq!(deltas(&d), deltas(&whole));

        // Rows scored whole (their results are not tied to a definition: the walk finds each
        // criterion and indicator by its number and code), and units merged, split, renamed,
        // new and gone.
        with_every_move(|d, sets| {
            assert_eq!(counted_walked(d, sets), counted_built(d, sets));
            assert!(d.summary.renamed > 0 && d.summary.both > 0);
        });
    }

    fn codes(d: &Diff) -> Vec<(String, Presence, Change)> {
        d.units().map(|u| (u.code, u.presence, u.change)).collect()
    }

    #[test]
    fn units_are_matched_by_code_whatever_their_order() {
        // Each code scores the same on both sides.
        let table = [("A", "PPF"), ("C", "FFF"), ("D", "PFF")];
        compared(&["A", "B", "C"], &["C", "A", "D"], &table, "", &[], |d| {
            assert_eq!(
                codes(d),
                vec![
                    ("C".into(), Presence::Both, Change::Unchanged),
                    ("A".into(), Presence::Both, Change::Unchanged),
                    ("D".into(), Presence::New, Change::New),
                    ("B".into(), Presence::Old, Change::Gone),
                ]
            );
            // The old side as the comparison read it: C, A, then B (only in the old side).
            assert_eq!(d.old_order(), vec![2, 0, 1]);
            let s = &d.summary;
            assert_eq!((s.units_before, s.units_after), (3, 3));
            assert_eq!((s.both, s.only_old, s.only_new), (2, 1, 1));
            assert_eq!(s.before.as_ref().map(|x| x.units), Some(3));
            assert_eq!(s.after.as_ref().map(|x| x.units), Some(3));
            assert_eq!(d.len(), 4);
            assert_eq!(d.unit_at(3, Detail::Brief).code, "B");
            // Each unit of the report once, by how its level moved.
            let expect = ChangeCounts {
                unchanged: 2,
                new: 1,
                gone: 1,
                ..ChangeCounts::default()
            };
            assert_eq!(d.changes, expect);
            assert_eq!(d.changes.of(Change::New), 1);
            assert!(d.turns.is_empty());
        });
    }

    #[test]
    fn levels_moved_are_counted_on_the_new_side() {
        // X (no level) became A (nâng cao) through the map; B kept xã NTM.
        let table = [("A", "PPF"), ("B", "PFF"), ("X", "FFF")];
        compared(
            &["X", "B"],
            &["A", "B"],
            &table,
            "ma_xa_cu,ma_xa_moi\nX,A\n",
            &[],
            |d| {
                let units: Vec<UnitDiff> = d.units().collect();
                assert_eq!(units[0].relation, Relation::Renamed);
                assert_eq!(units[0].renamed_from(), Some("X"));
                assert_eq!(units[0].change, Change::Gained);
                assert_eq!(units[1].relation, Relation::Same);
                let s = &d.summary;
                assert_eq!(s.renamed, 1);
                let ntm = &s.levels[0];
                let nc = &s.levels[1];
                assert_eq!((ntm.gained, ntm.lost, ntm.unknown), (1, 0, 0));
                assert_eq!((nc.gained, nc.lost, nc.unknown), (1, 0, 0));
            },
        );
    }

    #[test]
    fn a_code_that_could_not_be_read_on_one_side_is_on_neither() {
        let table = [("A", "PFF"), ("B", "FFF")];
        compared(&["A", "B"], &["A", "B"], &table, "", &["B"], |d| {
            assert_eq!(
                codes(d),
                vec![("A".into(), Presence::Both, Change::Unchanged)]
            );
            let s = &d.summary;
            assert_eq!((s.units_before, s.units_after), (1, 1));
            // The new side's readable row still counts in its summary; the old side's is left out.
            assert_eq!(s.after.as_ref().map(|x| x.units), Some(2));
            assert_eq!(s.before.as_ref().map(|x| x.units), Some(1));
            assert_eq!(d.old_order(), vec![0, 1]);
        });
    }

    #[test]
    fn a_merged_commune_holds_the_lowest_level_of_its_old_communes() {
        let table = [("A", "PPF"), ("B", "PFF"), ("C", "PPF"), ("D", "FFF")];
        let map = "ma_xa_cu,ma_xa_moi\nA,C\nB,C\n";
        compared(&["A", "B", "D"], &["C", "D"], &table, map, &[], |d| {
            let units: Vec<UnitDiff> = d.units().collect();
            let c = &units[0];
            assert_eq!((c.code.as_str(), c.relation), ("C", Relation::Merged));
            let parts: Vec<&str> = c.parts.iter().map(|p| p.code.as_str()).collect();
            assert_eq!(parts, ["A", "B"]);
            // xã NTM held by both, nâng cao by A only: the merged commune held xã NTM.
            assert_eq!(c.status.0, LevelStatus::Held { low: 1, high: 1 });
            assert_eq!(c.change, Change::Gained);
            assert_eq!(
                c.merged_before.iter().map(|x| x.1).collect::<Vec<_>>(),
                [Verdict::Pass, Verdict::Fail, Verdict::Fail]
            );
            assert!(c.parts.iter().all(|p| p.delta.is_some() && !p.split));
            let s = &d.summary;
            // The merged commune counts once (gained), D once (unchanged).
            assert_eq!((d.changes.gained, d.changes.unchanged), (1, 1));
            assert_eq!(d.changes.lost + d.changes.unknown + d.changes.gone, 0);
            assert_eq!((s.merged, s.merged_from, s.split), (1, 2, 0));
            assert_eq!((s.units_before, s.units_after), (3, 2));
            assert_eq!(d.old_order(), vec![0, 1, 2]);
        });
    }

    #[test]
    fn a_split_commune_is_in_each_new_one_and_counts_once() {
        let table = [("A", "PFF"), ("B", "PFF"), ("C", "FFF")];
        let map = "ma_xa_cu,ma_xa_moi\nA,B\nA,C\n";
        compared(&["A"], &["B", "C"], &table, map, &[], |d| {
            let units: Vec<UnitDiff> = d.units().collect();
            assert_eq!(units.len(), 2);
            for (u, other) in units.iter().zip(["C", "B"]) {
                assert_eq!(u.relation, Relation::Split);
                assert_eq!(u.parts.len(), 1);
                assert!(u.parts[0].split);
                assert_eq!(u.parts[0].also_in, [other]);
            }
            assert_eq!(units[1].change, Change::Lost);
            let s = &d.summary;
            assert_eq!((s.merged, s.merged_from, s.split), (2, 1, 1));
            assert_eq!(s.units_before, 1);
            assert_eq!(s.before.as_ref().map(|x| x.units), Some(1));
        });
    }
}
