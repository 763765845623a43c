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
//! Each side is a list of rows and a way to score one ([`Side`]), so the comparison works for any
//! layout (communes, and districts in [`district`]) and scores rows one pair at a time: it keeps a small
//! snapshot of every unit and the detail of what changed, never every full result of both sides.
//! Nothing here prints: `report::diff` renders a [`Diff`].

mod delta;
pub mod district;
pub mod map;
mod status;
mod summary;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

pub use delta::{delta, level_change};
pub use map::CodeMap;
pub use status::{LevelStatus, label};

use super::summary::{Summary, SummaryBuilder};
use super::{IndicatorResult, UnitResult, Verdict};
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
    pub set: String,
    pub criterion: String,
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
    pub set: String,
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
#[derive(Debug, Clone, Serialize)]
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

/// The whole comparison.
#[derive(Debug, Clone)]
pub struct Diff {
    pub units: Vec<UnitDiff>,
    pub summary: DiffSummary,
    /// The year whose thresholds scored each side (from its first unit), when it has one.
    pub threshold_years: (Option<i32>, Option<i32>),
    /// Map lines that matched nothing (warnings).
    pub problems: Vec<Problem>,
    /// The districts compared, when district files were given (set by the caller: [`district`]).
    pub districts: Option<district::DistrictsDiff>,
}

/// One side of a comparison: the rows of its units (one per code) and how to score one.
pub struct Side<'a> {
    pub rows: Vec<&'a Row>,
    pub score: &'a dyn Fn(&Row) -> UnitResult,
}

/// The old side while matching: rows by code, each scored on demand and summarised once.
struct OldSide<'s, 'a> {
    side: &'s Side<'a>,
    by_code: HashMap<&'a str, usize>,
    summary: Option<SummaryBuilder>,
    summarized: Vec<bool>,
    used: Vec<bool>,
    threshold_year: Option<i32>,
}

impl OldSide<'_, '_> {
    fn result(&mut self, i: usize) -> Option<UnitResult> {
        let r = (self.side.score)(self.side.rows.get(i)?);
        if !self.summarized[i] {
            if let Some(b) = self.summary.as_mut() {
                b.add(&r);
            }
            self.summarized[i] = true;
        }
        self.threshold_year = self
            .threshold_year
            .or_else(|| r.sets.first().map(|s| s.threshold_year));
        Some(r)
    }
}

/// The result without its per-criterion detail.
fn snapshot(mut r: UnitResult) -> UnitResult {
    for s in &mut r.sets {
        s.criteria = Vec::new();
    }
    r.readiness = None;
    r
}

/// Compare the old side with the new one. `sets` are the sets evaluated, in chain order. Units whose
/// code is in `skip` (their row on one side could not be read) are left out of the matching, so that
/// they are not reported as present on one side only; their readable row still counts in its side's
/// summary. The map is checked against both sides first ([`CodeMap::check`]): its problems are in
/// [`Diff::problems`], and the map is followed as written.
pub fn compare(
    sets: &[&CriteriaSet],
    old: &Side,
    new: &Side,
    map: &CodeMap,
    skip: &HashSet<&str>,
) -> Diff {
    let chain: Vec<&str> = sets.iter().map(|s| s.id.as_str()).collect();
    let builder = || sets.first().map(|base| SummaryBuilder::new(base, sets));
    let mut olds = OldSide {
        side: old,
        by_code: old
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| !skip.contains(r.code.as_str()))
            .map(|(i, r)| (r.code.as_str(), i))
            .collect(),
        summary: builder(),
        summarized: vec![false; old.rows.len()],
        used: vec![false; old.rows.len()],
        threshold_year: None,
    };
    let problems = map.check(&old.rows, &new.rows, skip);
    let mut new_summary = builder();
    let mut new_year = None;
    let mut units = Vec::new();
    let mut units_after = 0;
    for row in &new.rows {
        let a = (new.score)(row);
        if let Some(b) = new_summary.as_mut() {
            b.add(&a);
        }
        new_year = new_year.or_else(|| a.sets.first().map(|s| s.threshold_year));
        if !skip.contains(a.code.as_str()) {
            units_after += 1;
            units.push(match_new(&chain, map, &mut olds, a));
        }
    }
    let mut units_before = 0;
    for i in 0..old.rows.len() {
        if skip.contains(old.rows[i].code.as_str()) {
            continue;
        }
        units_before += 1;
        if olds.used[i] {
            continue;
        }
        if let Some(b) = olds.result(i) {
            units.push(one_side(&chain, b, Presence::Old));
        }
    }
    let before = olds.summary.and_then(|b| b.finish().into_iter().next());
    let after = new_summary.and_then(|b| b.finish().into_iter().next());
    let mut summary = summary::summarize(sets, before, after, &units);
    (summary.units_before, summary.units_after) = (units_before, units_after);
    Diff {
        summary,
        threshold_years: (olds.threshold_year, new_year),
        problems,
        units,
        districts: None,
    }
}

/// A new unit with its old counterpart(s), compared.
fn match_new(chain: &[&str], map: &CodeMap, olds: &mut OldSide, a: UnitResult) -> UnitDiff {
    let codes = old_codes(map, &a.code, &olds.by_code);
    let found: Vec<(String, Option<usize>)> = codes
        .into_iter()
        .map(|c| {
            let i = olds.by_code.get(c.as_str()).copied();
            (c, i)
        })
        .collect();
    for i in found.iter().filter_map(|f| f.1) {
        olds.used[i] = true;
    }
    let split = |code: &str| map.news_of(code).len() > 1;
    let any_found = found.iter().any(|f| f.1.is_some());
    match found.as_slice() {
        [(code, Some(i))] if !split(code) => {
            let Some(b) = olds.result(*i) else {
                return one_side(chain, a, Presence::New);
            };
            let status = (
                LevelStatus::of(chain, Some(&b)),
                LevelStatus::of(chain, Some(&a)),
            );
            let relation = if b.code == a.code {
                Relation::Same
            } else {
                Relation::Renamed
            };
            let delta = delta(chain, &b, &a);
            UnitDiff {
                code: a.code.clone(),
                presence: Presence::Both,
                relation,
                change: delta.change,
                status,
                delta: Some(delta),
                before: Some(snapshot(b)),
                after: Some(snapshot(a)),
                parts: Vec::new(),
                merged_before: Vec::new(),
            }
        }
        _ if any_found => {
            let relation = if found.len() > 1 {
                Relation::Merged
            } else {
                Relation::Split
            };
            let parts: Vec<Part> = found
                .into_iter()
                .map(|(code, i)| {
                    let b = i.and_then(|i| olds.result(i));
                    let news = map.news_of(&code);
                    Part {
                        status: b.as_ref().map_or(LevelStatus::unknown(chain.len()), |b| {
                            LevelStatus::of(chain, Some(b))
                        }),
                        delta: b.as_ref().map(|b| delta(chain, b, &a)),
                        before: b.map(snapshot),
                        split: news.len() > 1,
                        also_in: news
                            .into_iter()
                            .filter(|n| *n != a.code)
                            .map(String::from)
                            .collect(),
                        official_name: map.old_name(&code).map(String::from),
                        code,
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
                LevelStatus::of(chain, Some(&a)),
            );
            UnitDiff {
                code: a.code.clone(),
                presence: Presence::Both,
                relation,
                change: label(status.0, status.1).unwrap_or(Change::Unknown),
                status,
                before: None,
                after: Some(snapshot(a)),
                delta: None,
                parts,
                merged_before,
            }
        }
        _ => one_side(chain, a, Presence::New),
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
fn old_codes(map: &CodeMap, new: &str, old_by: &HashMap<&str, usize>) -> Vec<String> {
    let mut olds: Vec<String> = map.olds_of(new).into_iter().map(String::from).collect();
    if !map.lists_old(new) && old_by.contains_key(new) && !olds.iter().any(|o| o == new) {
        olds.insert(0, new.to_string());
    }
    olds
}

fn one_side(chain: &[&str], r: UnitResult, presence: Presence) -> UnitDiff {
    let old = presence == Presence::Old;
    let r = snapshot(r);
    let held = LevelStatus::of(chain, Some(&r));
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
