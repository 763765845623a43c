//! The programme's own measures over many units: groups by criteria met, average, levels reached,
//! and how many units pass each criterion.

use serde::Serialize;

use super::{UnitResult, Verdict};
use crate::criteria::CriteriaSet;

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Lowest and highest criteria met in the group.
    pub from: usize,
    pub to: usize,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub units: usize,
    /// The set the groups and the average refer to (xa-ntm).
    pub set: String,
    pub groups: Vec<Group>,
    pub average_criteria_met: Option<f64>,
    /// Per level of the chain: `(set, qualified, unknown)`.
    pub levels: Vec<LevelCount>,
    /// Per criterion of the base set: how many units pass it.
    pub criteria_passed: Vec<(String, usize)>,
    /// Units whose result is unknown at the base set because of missing data.
    pub unknown: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelCount {
    pub set: String,
    pub qualified: usize,
    pub not_qualified: usize,
    pub unknown: usize,
}

/// Summarise results against `base` (the first set of the chain) and every set of `chain`.
pub fn summarize<'a>(
    results: impl IntoIterator<Item = &'a UnitResult>,
    base: &CriteriaSet,
    chain: &[&CriteriaSet],
) -> Summary {
    let bounds: Vec<usize> = if base.progress_groups.is_empty() {
        vec![base.criteria.len(), 0]
    } else {
        base.progress_groups.clone()
    };
    let mut groups: Vec<Group> = bounds
        .iter()
        .enumerate()
        .map(|(i, from)| Group {
            from: *from,
            to: if i == 0 {
                base.criteria.len()
            } else {
                bounds[i - 1].saturating_sub(1)
            },
            count: 0,
        })
        .collect();
    let mut levels: Vec<LevelCount> = chain
        .iter()
        .map(|s| LevelCount {
            set: s.id.clone(),
            qualified: 0,
            not_qualified: 0,
            unknown: 0,
        })
        .collect();
    let mut criteria_passed: Vec<(String, usize)> = base
        .criteria
        .iter()
        .map(|c| (c.number.clone(), 0))
        .collect();
    let (mut units, mut met_total, mut unknown) = (0usize, 0usize, 0usize);
    for r in results {
        units += 1;
        if let Some(b) = r.set(&base.id) {
            met_total += b.criteria_met;
            if let Some(g) = groups.iter_mut().find(|g| b.criteria_met >= g.from) {
                g.count += 1;
            }
            for (c, n) in b.criteria.iter().zip(criteria_passed.iter_mut()) {
                if c.status == Verdict::Pass {
                    n.1 += 1;
                }
            }
            if b.qualified == Verdict::Unknown {
                unknown += 1;
            }
        }
        for l in levels.iter_mut() {
            match r.set(&l.set).map(|s| s.qualified) {
                Some(Verdict::Pass) => l.qualified += 1,
                Some(Verdict::Fail) => l.not_qualified += 1,
                _ => l.unknown += 1,
            }
        }
    }
    Summary {
        units,
        set: base.id.clone(),
        groups,
        average_criteria_met: (units > 0).then(|| met_total as f64 / units as f64),
        levels,
        criteria_passed,
        unknown,
    }
}
