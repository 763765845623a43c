//! Comparing two evaluations of the same units (two years of one file, or two files): the level
//! reached then and now, the criteria met, the indicators that turned pass→fail or fail→pass with
//! both values and thresholds, and the programme's measures on each side.
//!
//! Units are matched by code; a [`CodeMap`] follows communes that were merged or renamed. A merged
//! commune is compared part by part (each old commune against the new one), never added up.
//!
//! Each side is a list of rows and a way to score one ([`Side`]), so the comparison works for any
//! layout (communes, and districts in [`district`]) and scores rows one pair at a time: it keeps a small
//! snapshot of every unit and the detail of what changed, never every full result of both sides.
//! Nothing here prints: `report::diff` renders a [`Diff`].

mod delta;
pub mod district;
pub mod map;
mod summary;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

pub use delta::{delta, level_change};
pub use map::CodeMap;

use super::summary::{Summary, SummaryBuilder};
use super::{IndicatorResult, UnitResult};
use crate::criteria::CriteriaSet;
use crate::diag::Problem;
use crate::i18n::Text;
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

/// How the level reached moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Gained,
    Lost,
    Unchanged,
    /// The levels differ but one side is unknown (missing data) at the level concerned.
    Unknown,
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
    pub delta: Option<Delta>,
}

/// One unit of the report. `before` and `after` are snapshots: the unit's results without the
/// per-criterion detail (`sets[].criteria` is empty); what changed is in `delta`.
#[derive(Debug, Clone)]
pub struct UnitDiff {
    /// The new code; the old code for a unit only in the old side.
    pub code: String,
    pub presence: Presence,
    /// `None` for a merged commune: see `parts`.
    pub before: Option<UnitResult>,
    pub after: Option<UnitResult>,
    /// One old result against one new result (same code, or renamed through the map).
    pub delta: Option<Delta>,
    /// A merged commune: its old parts, each compared with the new commune.
    pub parts: Vec<Part>,
}

impl UnitDiff {
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

#[derive(Debug, Clone, Serialize)]
pub struct DiffSummary {
    /// The programme's measures on each side, over every unit of that side.
    pub before: Option<Summary>,
    pub after: Option<Summary>,
    /// Over the units compared one to one (merged communes are compared part by part, not counted).
    pub levels: Vec<LevelDelta>,
    /// Criteria that changed, the most often lost first; over the units compared one to one.
    pub criteria: Vec<CriterionDelta>,
    pub both: usize,
    pub only_old: usize,
    pub only_new: usize,
    pub merged: usize,
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
/// summary.
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
    let mut new_summary = builder();
    let mut new_year = None;
    let mut units = Vec::new();
    for row in &new.rows {
        let a = (new.score)(row);
        if let Some(b) = new_summary.as_mut() {
            b.add(&a);
        }
        new_year = new_year.or_else(|| a.sets.first().map(|s| s.threshold_year));
        if !skip.contains(a.code.as_str()) {
            units.push(match_new(&chain, map, &mut olds, a));
        }
    }
    for i in 0..old.rows.len() {
        if olds.used[i] {
            continue;
        }
        if let Some(b) = olds.result(i)
            && !skip.contains(b.code.as_str())
        {
            units.push(one_side(b, Presence::Old));
        }
    }
    let before = olds.summary.and_then(|b| b.finish().into_iter().next());
    let after = new_summary.and_then(|b| b.finish().into_iter().next());
    Diff {
        summary: summary::summarize(sets, before, after, &units),
        threshold_years: (olds.threshold_year, new_year),
        problems: unmatched_map_lines(map, old, new),
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
    let merged = found.len() > 1 && found.iter().any(|f| f.1.is_some());
    match found.as_slice() {
        [(_, Some(i))] => {
            let Some(b) = olds.result(*i) else {
                return one_side(a, Presence::New);
            };
            UnitDiff {
                code: a.code.clone(),
                presence: Presence::Both,
                delta: Some(delta(chain, &b, &a)),
                before: Some(snapshot(b)),
                after: Some(snapshot(a)),
                parts: Vec::new(),
            }
        }
        _ if merged => {
            let parts = found
                .into_iter()
                .map(|(code, i)| {
                    let b = i.and_then(|i| olds.result(i));
                    Part {
                        code,
                        delta: b.as_ref().map(|b| delta(chain, b, &a)),
                        before: b.map(snapshot),
                    }
                })
                .collect();
            UnitDiff {
                code: a.code.clone(),
                presence: Presence::Both,
                before: None,
                after: Some(snapshot(a)),
                delta: None,
                parts,
            }
        }
        _ => one_side(a, Presence::New),
    }
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

fn one_side(r: UnitResult, presence: Presence) -> UnitDiff {
    let old = presence == Presence::Old;
    let r = snapshot(r);
    UnitDiff {
        code: r.code.clone(),
        presence,
        before: old.then(|| r.clone()),
        after: (!old).then_some(r),
        delta: None,
        parts: Vec::new(),
    }
}

/// Warnings for map lines whose old code is not in the old side or new code not in the new side.
fn unmatched_map_lines(map: &CodeMap, old: &Side, new: &Side) -> Vec<Problem> {
    let mut problems = Vec::new();
    if map.is_empty() {
        return problems;
    }
    let olds: HashSet<&str> = old.rows.iter().map(|r| r.code.as_str()).collect();
    let news: HashSet<&str> = new.rows.iter().map(|r| r.code.as_str()).collect();
    for e in &map.entries {
        for (known, column, code, vi, en) in [
            (&olds, map::OLD_COLUMN, &e.old, "bên cũ", "the old side"),
            (&news, map::NEW_COLUMN, &e.new, "bên mới", "the new side"),
        ] {
            if !known.contains(code.as_str()) {
                problems.push(
                    Problem::warning(
                        "map-unmatched",
                        &map.file,
                        Text::new(
                            format!("không có xã mã {code} ở {vi}"),
                            format!("no commune with code {code} in {en}"),
                        ),
                    )
                    .at(e.line, None)
                    .field(column)
                    .found(code.clone()),
                );
            }
        }
    }
    problems
}
