//! "Still needed": what stands between a unit and its next level, ordered by impact.

use serde::Serialize;

use std::cmp::Ordering;

use super::facts::Fact;
use super::plan::Compact;
use super::{Status, UnitResult, Verdict};
use crate::criteria::CriteriaSet;

#[derive(Debug, Clone, Serialize)]
pub struct Need {
    pub set: String,
    pub criterion: String,
    pub indicator: String,
    /// The input concerned (a column id).
    pub input: String,
    /// `fail` or `missing`.
    pub status: Status,
    pub gap: Option<f64>,
    /// Gap relative to the threshold, for ordering (0 for a missing value or a Đạt/Không đạt).
    #[serde(skip)]
    pub relative_gap: f64,
    /// How many indicators of the same criterion are still open: 1 means fixing this one completes it.
    pub open_in_criterion: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Needs {
    /// The next level along the chain, if any.
    pub next_level: Option<String>,
    pub items: Vec<Need>,
}

/// The open indicators of the first set of the chain the unit does not qualify at.
///
/// Ordered by impact: indicators whose criterion would be complete with them first, then failures
/// before missing data, then the smallest relative gap first.
pub fn still_needed(r: &UnitResult) -> Needs {
    let Some(next) = r.sets.iter().find(|s| s.qualified != Verdict::Pass) else {
        return Needs {
            next_level: None,
            items: Vec::new(),
        };
    };
    let mut items = Vec::new();
    for c in &next.criteria {
        let open: Vec<_> = c
            .indicators
            .iter()
            .filter(|i| matches!(i.status, Status::Fail | Status::Missing))
            .collect();
        for ind in &open {
            for check in ind
                .checks
                .iter()
                .filter(|ch| matches!(ch.status, Status::Fail | Status::Missing))
            {
                let relative_gap =
                    relative_gap(check.gap, check.threshold.as_ref().map(|t| t.value));
                items.push(Need {
                    set: next.set.clone(),
                    criterion: c.number.clone(),
                    indicator: ind.code.to_string(),
                    input: check.input.to_string(),
                    status: check.status,
                    gap: check.gap,
                    relative_gap,
                    open_in_criterion: open.len(),
                });
            }
        }
    }
    items.sort_by(|a, b| {
        impact(
            (a.open_in_criterion, a.status, a.relative_gap),
            (b.open_in_criterion, b.status, b.relative_gap),
        )
    });
    Needs {
        next_level: Some(next.set.clone()),
        items,
    }
}

/// A gap relative to its threshold, for ordering (0 without a gap).
fn relative_gap(gap: Option<f64>, threshold: Option<f64>) -> f64 {
    match (gap, threshold) {
        (Some(g), Some(t)) if t.abs() > f64::EPSILON => g / t.abs(),
        (Some(g), _) => g,
        _ => 0.0,
    }
}

/// The order of impact of two open checks, each `(open indicators in its criterion, status,
/// relative gap)`: the fewest open first, failures before missing data, the smallest gap first.
fn impact(a: (usize, Status, f64), b: (usize, Status, f64)) -> Ordering {
    a.0.cmp(&b.0)
        .then((a.1 == Status::Missing).cmp(&(b.1 == Status::Missing)))
        .then(a.2.total_cmp(&b.2))
}

/// [`still_needed`] from compact verdicts and their facts ([`super::facts`]; `chain`: the sets
/// scored, in order): the position in the chain of the next level, if any, and in `out` the
/// positions (in `compact.checks` and `facts`) of its open checks, in the same order of impact.
/// `scratch` is reused from unit to unit.
pub fn still_needed_at(
    chain: &[&CriteriaSet],
    compact: &Compact,
    facts: &[Fact],
    scratch: &mut Vec<(usize, Status, f64, usize)>,
    out: &mut Vec<usize>,
) -> Option<usize> {
    out.clear();
    scratch.clear();
    let next = compact.qualified.iter().position(|q| *q != Verdict::Pass)?;
    let (mut ind, mut check) = (0, 0);
    for set in chain.get(..next)? {
        for ind_def in set.indicators() {
            ind += 1;
            check += ind_def.checks.len();
        }
    }
    let open = |s: Option<&Status>| matches!(s, Some(Status::Fail | Status::Missing));
    for c in &chain.get(next)?.criteria {
        let n = (ind..ind + c.indicators.len())
            .filter(|i| open(compact.indicators.get(*i)))
            .count();
        for i in &c.indicators {
            let is_open = open(compact.indicators.get(ind));
            for k in check..check + i.checks.len() {
                if is_open && open(compact.checks.get(k)) {
                    let f = facts.get(k);
                    let rel = relative_gap(f.and_then(|f| f.gap), f.and_then(|f| f.threshold));
                    scratch.push((n, compact.checks[k], rel, k));
                }
            }
            ind += 1;
            check += i.checks.len();
        }
    }
    scratch.sort_by(|a, b| impact((a.0, a.1, a.2), (b.0, b.1, b.2)));
    out.extend(scratch.iter().map(|x| x.3));
    Some(next)
}
