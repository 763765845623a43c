//! The comparison's summary: the programme's measures on each side, and who gained or lost what.

use std::collections::{HashMap, HashSet};

use super::delta::{self, At, Changes, Sides};
use super::{
    Cause, ChangeCounts, CriterionDelta, DiffSummary, Flip, IndicatorTurns, LevelDelta, Presence,
    UnitDiff,
};
use crate::criteria::CriteriaSet;
use crate::eval::Status;
use crate::eval::Verdict;
use crate::eval::summary::Summary;
use crate::eval::view::{Detailed, SetBrief};

use crate::Quick;

/// The summary counted unit by unit, as the comparison builds each unit (none is kept).
pub(super) struct Acc<'s> {
    /// Per set of the chain: who gained, lost, or is unknown on a side (whether it gained or lost
    /// the set is not known).
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
    /// The chain's sets, and per set what `criterion_at` and `indicator_at` give for each of its
    /// criteria and indicators by position: a unit scored with that very definition is counted by
    /// position, without a lookup by text ([`Acc::add_pair`]).
    sets: Vec<&'s CriteriaSet>,
    places: Vec<Places>,
}

/// Where the criteria and indicators of one set count, by their position in the set.
struct Places {
    /// Per criterion, its position in [`Acc::criteria`].
    criteria: Vec<usize>,
    /// Per criterion, per indicator, its position in [`Acc::indicators`].
    indicators: Vec<Vec<usize>>,
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
        let places = sets
            .iter()
            .map(|s| Places {
                criteria: s
                    .criteria
                    .iter()
                    .map(|c| criterion_at[&(s.id.as_str(), c.number.as_str())])
                    .collect(),
                indicators: s
                    .criteria
                    .iter()
                    .map(|c| {
                        c.indicators
                            .iter()
                            .map(|i| indicator_at[&(s.id.as_str(), i.code.as_str())])
                            .collect()
                    })
                    .collect(),
            })
            .collect();
        Acc {
            sets: sets.to_vec(),
            places,
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
            let at = self.indicator_at.get(&(f.set.as_str(), f.code())).copied();
            self.turn(
                at,
                f.after.status == Status::Pass,
                f.cause == Cause::Threshold,
            );
        }
    }

    /// The indicators that turned somewhere, in the sets' and criteria's order.
    pub fn turns(&mut self) -> Vec<IndicatorTurns> {
        std::mem::take(&mut self.indicators)
            .into_iter()
            .filter(|t| t.up + t.down > 0)
            .collect()
    }

    /// Count a unit compared one to one (the same code, or renamed through the map): as [`Acc::add`]
    /// counts the unit built from `b` and `a` at the count's depth, without building it: the
    /// comparison's walk hands each change straight to the count.
    pub fn add_pair(&mut self, chain: &[&str], b: &dyn Detailed, a: &dyn Detailed) {
        self.changes.add(delta::level_change(chain, b, a));
        self.both += 1;
        if b.code() != a.code() {
            self.renamed += 1;
        }
        delta::walk(
            b,
            a,
            &mut Count {
                acc: self,
                set: None,
            },
        );
    }

    /// Count a level's two verdicts in set `set`. Unknown on either side, even on both, is
    /// unknown: whether the unit gained or lost the set is not known, as the change it is counted
    /// under says (README: «Chưa rõ»).
    fn level(&mut self, set: &str, pair: (Verdict, Verdict)) {
        let Some(l) = self.set_at.get(set).map(|i| &mut self.levels[*i]) else {
            return;
        };
        match pair {
            (x, y) if x == y && x != Verdict::Unknown => {}
            (Verdict::Fail, Verdict::Pass) => l.gained += 1,
            (Verdict::Pass, Verdict::Fail) => l.lost += 1,
            _ => l.unknown += 1,
        }
    }

    /// Count criterion `number` of set `set` lost or gained.
    fn criterion(&mut self, at: Option<usize>, lost: bool) {
        if let Some(c) = at.and_then(|i| self.criteria.get_mut(i)) {
            if lost {
                c.lost += 1;
            } else {
                c.gained += 1;
            }
        }
    }

    /// Count an indicator that turned (`up`: to passing), the threshold alone or not.
    fn turn(&mut self, at: Option<usize>, up: bool, threshold: bool) {
        let Some(t) = at.and_then(|i| self.indicators.get_mut(i)) else {
            return;
        };
        if up {
            t.up += 1;
        } else {
            t.down += 1;
        }
        if threshold {
            t.threshold_only += 1;
        }
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
        if let Some(d) = &u.delta {
            for x in &d.sets {
                self.level(&x.set, (x.qualified_before, x.qualified_after));
            }
        }
        for (id, b) in &u.merged_before {
            if let Some(a) = u.after.as_ref().and_then(|a| a.set(id)) {
                self.level(id, (*b, a.qualified));
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
                    let at = self
                        .criterion_at
                        .get(&(x.set.as_str(), n.as_str()))
                        .copied();
                    self.criterion(at, lost);
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

/// The count of one unit compared one to one, fed by the comparison's walk ([`Acc::add_pair`]).
struct Count<'c, 's> {
    acc: &'c mut Acc<'s>,
    /// The set being walked: its id, and its position in the chain when the unit was scored with
    /// the chain's very definition of it (then its criteria and indicators count by position).
    set: Option<(&'s str, Option<usize>)>,
}

impl Count<'_, '_> {
    /// Where criterion `k` (`number`) of the set being walked counts.
    fn criterion_at(&self, k: usize, number: &str) -> Option<usize> {
        let (id, at) = self.set?;
        match at {
            Some(p) => self.acc.places[p].criteria.get(k).copied(),
            None => self.acc.criterion_at.get(&(id, number)).copied(),
        }
    }

    /// Where indicator `j` of criterion `k` (`code`) of the set being walked counts.
    fn indicator_at(&self, (k, j): (usize, usize), code: &str) -> Option<usize> {
        let (id, at) = self.set?;
        match at {
            Some(p) => self.acc.places[p].indicators.get(k)?.get(j).copied(),
            None => self.acc.indicator_at.get(&(id, code)).copied(),
        }
    }
}

impl Changes for Count<'_, '_> {
    fn set(&mut self, _: usize, def: Option<&CriteriaSet>, b: SetBrief<'_>, a: SetBrief<'_>) {
        self.acc.level(b.id, (b.qualified, a.qualified));
        // The set as the chain has it (its id borrowed from there), if the chain has it.
        self.set = self.acc.set_at.get(b.id).map(|&p| {
            let chain = self.acc.sets[p];
            let same = def.is_some_and(|d| std::ptr::eq(d, chain));
            (chain.id.as_str(), same.then_some(p))
        });
    }

    fn criterion(&mut self, k: usize, number: &str, lost: bool) {
        let at = self.criterion_at(k, number);
        self.acc.criterion(at, lost);
    }

    fn flip(&mut self, b: At<'_>, a: At<'_>, same: bool) {
        self.acc.flipped += 1;
        let (u, (i, k, j)) = b;
        let at = self.indicator_at((k, j), u.indicator(i, k, j).0);
        let (ua, (ia, ka, ja)) = a;
        let up = ua.indicator(ia, ka, ja).1 == Status::Pass;
        let threshold = delta::counted_cause(b, a, same) == Cause::Threshold;
        if threshold {
            self.acc.threshold_only += 1;
        }
        self.acc.turn(at, up, threshold);
    }

    fn one_sided(&mut self, _: &str, _: Sides<'_>) {
        self.acc.not_compared += 1;
    }
}
