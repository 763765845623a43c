//! Districts compared between two sides: each side's district rows are scored with that side's
//! commune results ([`CommuneIndex`]), then matched on the district code (`ma_huyen`) and compared
//! like communes (level, criteria met, indicators that turned, H0.1/H0.2 included), with what only a
//! district has beside: the share of its communes at xã NTM and the communes holding it back.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

use super::{CodeMap, DiffSummary, RowSide, UnitDiff, compare};
use crate::criteria::CriteriaSet;
use crate::diag::Problem;
use crate::eval::district::{
    Blocking, CommuneIndex, CountedOver, Lists, MissingCommune, ShareOutcome, evaluate_district,
};
use crate::eval::summary::LevelCount;
use crate::eval::{Evaluator, UnitResult, Verdict};
use crate::input::Row;

/// One side of a district comparison: its district rows, the evaluator of the district sets, and
/// the same side's commune results.
pub struct DistrictSide<'a> {
    pub rows: Vec<&'a Row>,
    pub ev: &'a Evaluator<'a>,
    pub communes: &'a CommuneIndex,
    /// The official lists its districts are counted over, if any.
    pub lists: Lists<'a>,
}

/// What a district's row says about its communes on one side.
#[derive(Debug, Clone)]
pub struct Communes {
    pub total: usize,
    /// Communes meeting the first commune set (xã NTM).
    pub ntm: usize,
    pub share_ntm: Option<f64>,
    /// The district set's conditions on its communes (H0.1, H0.2) and how many more communes each needs.
    pub shares: Vec<ShareOutcome>,
    /// The communes that keep the district from a condition every commune must meet.
    pub blocking: Vec<Blocking>,
    /// How they were counted, and the xã of the official list without a row.
    pub over: CountedOver,
    pub missing: Vec<MissingCommune>,
}

/// One district of the comparison: the comparison of its results, and its communes on each side.
#[derive(Debug, Clone)]
pub struct DistrictDiff {
    pub unit: UnitDiff,
    pub before: Option<Communes>,
    pub after: Option<Communes>,
}

/// The districts' comparison.
#[derive(Debug, Clone)]
pub struct DistrictsDiff {
    pub units: Vec<DistrictDiff>,
    /// Who gained or lost each level, and the criteria that changed (its `before` and `after` are
    /// left empty: the commune measures mean nothing for districts; see `levels_before`).
    pub summary: DiffSummary,
    /// Per district set: districts qualifying, not qualifying, unknown, over the districts listed.
    pub levels_before: Vec<LevelCount>,
    pub levels_after: Vec<LevelCount>,
    /// The year whose thresholds scored each side, when the side has a district.
    pub threshold_years: (Option<i32>, Option<i32>),
    /// Communes naming a district but not counted in it (a thị trấn, a code not in its list…).
    pub notes: Vec<Problem>,
}

impl DistrictsDiff {
    pub fn district(&self, code: &str) -> Option<&DistrictDiff> {
        self.units.iter().find(|d| d.unit.code == code)
    }
}

/// Scores one side's district rows and keeps, per row (by line), what the unit result leaves out.
struct Scorer<'s, 'a> {
    side: &'s DistrictSide<'a>,
    base: &'s str,
    /// The set whose conditions on communes are reported; `None` when the version has no district set.
    set: Option<&'s CriteriaSet>,
    /// Behind locks: a side may be read from several threads (each row is still scored once), in
    /// an order that depends on them; the notes are kept with their row's line and given in the
    /// file's order ([`Scorer::notes`]).
    communes: Mutex<HashMap<usize, Communes>>,
    notes: Mutex<Vec<(usize, Vec<Problem>)>>,
}

impl Scorer<'_, '_> {
    fn score(&self, row: &Row) -> UnitResult {
        let over = self.side.lists.over(row);
        let Some(set) = self.set else {
            return self
                .side
                .ev
                .evaluate(row, &self.side.communes.count(row, over));
        };
        let d = evaluate_district(self.side.ev, row, self.side.communes, over, self.base, set);
        lock(&self.notes).push((row.line, d.notes));
        lock(&self.communes).insert(
            row.line,
            Communes {
                total: d.communes_total,
                ntm: d.communes_ntm,
                share_ntm: d.share_ntm,
                shares: d.shares,
                blocking: d.blocking_communes,
                over: d.over,
                missing: d.missing_communes,
            },
        );
        d.unit
    }

    /// The notes of every row scored, in the file's order (a row's own in the order given),
    /// whichever thread scored it first.
    fn notes(&self) -> Vec<Problem> {
        let mut by_row = std::mem::take(&mut *lock(&self.notes));
        by_row.sort_by_key(|(line, _)| *line);
        by_row.into_iter().flat_map(|(_, notes)| notes).collect()
    }

    /// What was kept of a scored row (each row is asked for once).
    fn take(&self, r: Option<&UnitResult>) -> Option<Communes> {
        r.and_then(|r| lock(&self.communes).remove(&r.line))
    }
}

/// What a lock holds, even if a thread panicked holding it (nothing is left half-written: each
/// use is one insert, extend or remove).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Compare the districts of two sides. `sets` are the district sets evaluated, in chain order (the
/// last one's conditions on communes are reported); `base` is the first commune set (xã NTM). Codes
/// in `skip` (a row on one side could not be read) are left out of the matching.
pub fn compare_districts(
    sets: &[&CriteriaSet],
    base: &str,
    old: &DistrictSide,
    new: &DistrictSide,
    skip: &HashSet<&str>,
) -> DistrictsDiff {
    let scorer = |side| Scorer {
        side,
        base,
        set: sets.last().copied(),
        communes: Mutex::new(HashMap::new()),
        notes: Mutex::new(Vec::new()),
    };
    let (so, sn) = (scorer(old), scorer(new));
    let (fo, f_n) = (|r: &Row| so.score(r), |r: &Row| sn.score(r));
    let (old_side, new_side) = (
        RowSide::new(old.rows.clone(), &fo),
        RowSide::new(new.rows.clone(), &f_n),
    );
    let d = compare(sets, &old_side, &new_side, &CodeMap::none(), skip);
    let units: Vec<DistrictDiff> = d
        .units()
        .map(|unit| DistrictDiff {
            before: so.take(unit.before.as_ref()),
            after: sn.take(unit.after.as_ref()),
            unit,
        })
        .collect();
    let mut summary = d.summary.clone();
    (summary.before, summary.after) = (None, None);
    let mut notes = so.notes();
    notes.extend(sn.notes());
    DistrictsDiff {
        notes,
        levels_before: counts(sets, units.iter().filter_map(|u| u.unit.before.as_ref())),
        levels_after: counts(sets, units.iter().filter_map(|u| u.unit.after.as_ref())),
        units,
        summary,
        threshold_years: d.threshold_years,
    }
}

/// Per set, how many of `results` qualify, do not, or are unknown.
fn counts<'r>(
    sets: &[&CriteriaSet],
    results: impl Iterator<Item = &'r UnitResult> + Clone,
) -> Vec<LevelCount> {
    sets.iter()
        .map(|s| {
            let of = |v: Verdict| {
                results
                    .clone()
                    .filter(|r| r.set(&s.id).map(|x| x.qualified) == Some(v))
                    .count()
            };
            LevelCount {
                set: s.id.clone(),
                qualified: of(Verdict::Pass),
                not_qualified: of(Verdict::Fail),
                unknown: of(Verdict::Unknown),
            }
        })
        .collect()
}
