//! The comparison's summary: the programme's measures on each side, and who gained or lost what.

use std::collections::HashSet;

use super::{Cause, CriterionDelta, Delta, DiffSummary, LevelDelta, Presence, UnitDiff};
use crate::criteria::CriteriaSet;
use crate::eval::Verdict;
use crate::eval::summary::Summary;

/// Each new unit with a before: its verdict at `set` on both sides (a merged commune's before is
/// met when every old commune met it, failed when one failed).
fn verdicts_at<'u>(
    set: &'u str,
    units: &'u [UnitDiff],
) -> impl Iterator<Item = (Verdict, Verdict)> + 'u {
    units.iter().flat_map(move |u| {
        let one = u
            .delta
            .iter()
            .flat_map(|d| &d.sets)
            .filter(move |x| x.set == set)
            .map(|x| (x.qualified_before, x.qualified_after));
        let after = u
            .after
            .as_ref()
            .and_then(|a| a.set(set))
            .map(|s| s.qualified);
        let merged = u
            .merged_before
            .iter()
            .filter(move |(id, _)| id == set)
            .filter_map(move |(_, b)| after.map(|a| (*b, a)));
        one.chain(merged)
    })
}

fn level_delta(set: &str, units: &[UnitDiff]) -> LevelDelta {
    let mut l = LevelDelta {
        set: set.to_string(),
        gained: 0,
        lost: 0,
        unknown: 0,
    };
    for pair in verdicts_at(set, units) {
        match pair {
            (x, y) if x == y => {}
            (Verdict::Fail, Verdict::Pass) => l.gained += 1,
            (Verdict::Pass, Verdict::Fail) => l.lost += 1,
            _ => l.unknown += 1,
        }
    }
    l
}

/// Criteria that changed in some unit, the most often lost first (chain and criterion order otherwise).
fn criteria_deltas(sets: &[&CriteriaSet], deltas: &[&Delta]) -> Vec<CriterionDelta> {
    let mut out: Vec<CriterionDelta> = Vec::new();
    for s in sets {
        let of_set: Vec<_> = deltas
            .iter()
            .flat_map(|d| &d.sets)
            .filter(|x| x.set == s.id)
            .collect();
        for c in &s.criteria {
            let lost = of_set
                .iter()
                .filter(|x| x.criteria_lost.contains(&c.number))
                .count();
            let gained = of_set
                .iter()
                .filter(|x| x.criteria_gained.contains(&c.number))
                .count();
            if lost + gained > 0 {
                out.push(CriterionDelta {
                    set: s.id.clone(),
                    number: c.number.clone(),
                    lost,
                    gained,
                });
            }
        }
    }
    out.sort_by_key(|x| std::cmp::Reverse(x.lost));
    out
}

pub(super) fn summarize(
    sets: &[&CriteriaSet],
    before: Option<Summary>,
    after: Option<Summary>,
    units: &[UnitDiff],
) -> DiffSummary {
    let deltas: Vec<&Delta> = units.iter().filter_map(|u| u.delta.as_ref()).collect();
    let count = |p: Presence| units.iter().filter(|u| u.presence == p).count();
    let parts = || {
        units
            .iter()
            .flat_map(|u| &u.parts)
            .filter(|p| p.before.is_some())
    };
    let distinct = |split_only: bool| {
        parts()
            .filter(|p| !split_only || p.split)
            .map(|p| p.code.as_str())
            .collect::<HashSet<_>>()
            .len()
    };
    DiffSummary {
        before,
        after,
        levels: sets.iter().map(|s| level_delta(&s.id, units)).collect(),
        criteria: criteria_deltas(sets, &deltas),
        // Set by `compare`, which sees the rows.
        units_before: 0,
        units_after: 0,
        both: count(Presence::Both),
        only_old: count(Presence::Old),
        only_new: count(Presence::New),
        merged: units.iter().filter(|u| u.merged()).count(),
        merged_from: distinct(false),
        split: distinct(true),
        renamed: units.iter().filter(|u| u.renamed_from().is_some()).count(),
        threshold_only: deltas
            .iter()
            .flat_map(|d| &d.flipped)
            .filter(|f| f.cause == Cause::Threshold)
            .count(),
    }
}
