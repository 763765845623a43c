//! The comparison's summary: the programme's measures on each side, and who gained or lost what.

use std::collections::{HashMap, HashSet};

use super::{
    Cause, ChangeCounts, CriterionDelta, DiffSummary, Flip, IndicatorTurns, LevelDelta, Presence,
    UnitDiff,
};
use crate::criteria::CriteriaSet;
use crate::eval::Status;
use crate::eval::Verdict;
use crate::eval::summary::Summary;

/// A quick hash for the accumulator's keys (set ids, criterion numbers, indicator codes), looked
/// up for every unit and every indicator that turned: foldhash's, with a fixed seed, where the
/// standard hasher's flooding resistance is not needed.
type Quick = foldhash::fast::FixedState;

/// The summary counted unit by unit, as the comparison builds each unit (none is kept).
pub(super) struct Acc<'s> {
    /// Per set of the chain: who gained, lost, or moved unknown.
    levels: Vec<LevelDelta>,
    /// Per set id, its position; per (set, criterion number), its position in `criteria`.
    set_at: HashMap<&'s str, usize, Quick>,
    criterion_at: HashMap<(&'s str, &'s str), usize, Quick>,
    criteria: Vec<CriterionDelta>,
    both: usize,
    only_old: usize,
    only_new: usize,
    merged: usize,
    merged_from: HashSet<String>,
    split: HashSet<String>,
    renamed: usize,
    threshold_only: usize,
    pub flipped: usize,
    pub not_compared: usize,
    pub changes: ChangeCounts,
    /// Per (set id, indicator code), its position in `indicators` (the sets' and criteria's order).
    indicator_at: HashMap<(&'s str, &'s str), usize, Quick>,
    indicators: Vec<IndicatorTurns>,
}

impl<'s> Acc<'s> {
    pub fn new(sets: &[&'s CriteriaSet]) -> Self {
        let mut criteria = Vec::new();
        let mut criterion_at = HashMap::default();
        for s in sets {
            for c in &s.criteria {
                criterion_at
                    .entry((s.id.as_str(), c.number.as_str()))
                    .or_insert(criteria.len());
                criteria.push(CriterionDelta {
                    set: s.id.clone(),
                    number: c.number.clone(),
                    lost: 0,
                    gained: 0,
                });
            }
        }
        let mut indicators = Vec::new();
        let mut indicator_at = HashMap::default();
        for s in sets {
            for i in s.criteria.iter().flat_map(|c| &c.indicators) {
                indicator_at
                    .entry((s.id.as_str(), i.code.as_str()))
                    .or_insert_with(|| {
                        indicators.push(IndicatorTurns {
                            set: s.id.clone(),
                            code: i.code.clone(),
                            up: 0,
                            down: 0,
                            threshold_only: 0,
                        });
                        indicators.len() - 1
                    });
            }
        }
        Acc {
            levels: sets
                .iter()
                .map(|s| LevelDelta {
                    set: s.id.clone(),
                    gained: 0,
                    lost: 0,
                    unknown: 0,
                })
                .collect(),
            set_at: sets
                .iter()
                .enumerate()
                .rev()
                .map(|(i, s)| (s.id.as_str(), i))
                .collect(),
            criterion_at,
            criteria,
            both: 0,
            only_old: 0,
            only_new: 0,
            merged: 0,
            merged_from: HashSet::new(),
            split: HashSet::new(),
            renamed: 0,
            threshold_only: 0,
            flipped: 0,
            not_compared: 0,
            changes: ChangeCounts::default(),
            indicator_at,
            indicators,
        }
    }

    /// Count the indicators that turned in one delta.
    fn turned(&mut self, flipped: &[Flip]) {
        for f in flipped {
            let Some(&i) = self.indicator_at.get(&(f.set.as_str(), f.code())) else {
                continue;
            };
            let t = &mut self.indicators[i];
            if f.after.status == Status::Pass {
                t.up += 1;
            } else {
                t.down += 1;
            }
            if f.cause == Cause::Threshold {
                t.threshold_only += 1;
            }
        }
    }

    /// The indicators that turned somewhere, in the sets' and criteria's order.
    pub fn turns(&mut self) -> Vec<IndicatorTurns> {
        std::mem::take(&mut self.indicators)
            .into_iter()
            .filter(|t| t.up + t.down > 0)
            .collect()
    }

    /// Count one unit of the report.
    pub fn add(&mut self, u: &UnitDiff) {
        self.changes.add(u.change);
        match u.presence {
            Presence::Both => self.both += 1,
            Presence::Old => self.only_old += 1,
            Presence::New => self.only_new += 1,
        }
        if u.merged() {
            self.merged += 1;
        }
        if u.renamed_from().is_some() {
            self.renamed += 1;
        }
        for p in u.parts.iter().filter(|p| p.before.is_some()) {
            if !self.merged_from.contains(&p.code) {
                self.merged_from.insert(p.code.clone());
            }
            if p.split && !self.split.contains(&p.code) {
                self.split.insert(p.code.clone());
            }
        }
        for d in u.parts.iter().filter_map(|p| p.delta.as_ref()) {
            self.flipped += d.flipped.len();
            self.not_compared += d.not_compared.len();
            self.turned(&d.flipped);
        }
        // Each level on both sides: a unit compared one to one, or a merged one against the
        // verdict of all its old communes.
        let mut level = |set: &str, pair: (Verdict, Verdict)| {
            let Some(l) = self.set_at.get(set).map(|i| &mut self.levels[*i]) else {
                return;
            };
            match pair {
                (x, y) if x == y => {}
                (Verdict::Fail, Verdict::Pass) => l.gained += 1,
                (Verdict::Pass, Verdict::Fail) => l.lost += 1,
                _ => l.unknown += 1,
            }
        };
        if let Some(d) = &u.delta {
            for x in &d.sets {
                level(&x.set, (x.qualified_before, x.qualified_after));
            }
        }
        for (id, b) in &u.merged_before {
            if let Some(a) = u.after.as_ref().and_then(|a| a.set(id)) {
                level(id, (*b, a.qualified));
            }
        }
        let Some(d) = &u.delta else {
            return;
        };
        self.flipped += d.flipped.len();
        self.not_compared += d.not_compared.len();
        self.turned(&d.flipped);
        self.threshold_only += d
            .flipped
            .iter()
            .filter(|f| f.cause == Cause::Threshold)
            .count();
        for x in &d.sets {
            for (numbers, lost) in [(&x.criteria_lost, true), (&x.criteria_gained, false)] {
                for n in numbers {
                    if let Some(i) = self.criterion_at.get(&(x.set.as_str(), n.as_str())) {
                        let c = &mut self.criteria[*i];
                        if lost {
                            c.lost += 1;
                        } else {
                            c.gained += 1;
                        }
                    }
                }
            }
        }
    }

    /// Add the counts of `other`, made over other units of the same comparison (the same sets).
    pub fn merge(&mut self, other: Acc) {
        for (x, y) in self.levels.iter_mut().zip(other.levels) {
            (x.gained, x.lost, x.unknown) =
                (x.gained + y.gained, x.lost + y.lost, x.unknown + y.unknown);
        }
        for (x, y) in self.criteria.iter_mut().zip(other.criteria) {
            (x.lost, x.gained) = (x.lost + y.lost, x.gained + y.gained);
        }
        for (x, y) in self.indicators.iter_mut().zip(other.indicators) {
            (x.up, x.down, x.threshold_only) = (
                x.up + y.up,
                x.down + y.down,
                x.threshold_only + y.threshold_only,
            );
        }
        self.both += other.both;
        self.only_old += other.only_old;
        self.only_new += other.only_new;
        self.merged += other.merged;
        self.merged_from.extend(other.merged_from);
        self.split.extend(other.split);
        self.renamed += other.renamed;
        self.threshold_only += other.threshold_only;
        self.flipped += other.flipped;
        self.not_compared += other.not_compared;
        let (c, o) = (&mut self.changes, other.changes);
        (c.gained, c.lost, c.unchanged) = (
            c.gained + o.gained,
            c.lost + o.lost,
            c.unchanged + o.unchanged,
        );
        (c.unknown, c.new, c.gone) = (c.unknown + o.unknown, c.new + o.new, c.gone + o.gone);
    }

    /// The summary, with the programme's measures of each side.
    pub fn finish(self, before: Option<Summary>, after: Option<Summary>) -> DiffSummary {
        // Criteria that changed in some unit, the most often lost first (chain and criterion
        // order otherwise).
        let mut criteria: Vec<CriterionDelta> = self
            .criteria
            .into_iter()
            .filter(|c| c.lost + c.gained > 0)
            .collect();
        criteria.sort_by_key(|x| std::cmp::Reverse(x.lost));
        DiffSummary {
            before,
            after,
            levels: self.levels,
            criteria,
            // Set by `compare`, which sees the rows.
            units_before: 0,
            units_after: 0,
            both: self.both,
            only_old: self.only_old,
            only_new: self.only_new,
            merged: self.merged,
            merged_from: self.merged_from.len(),
            split: self.split.len(),
            renamed: self.renamed,
            threshold_only: self.threshold_only,
        }
    }
}
