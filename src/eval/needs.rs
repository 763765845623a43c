//! "Still needed": what stands between a unit and its next level, ordered by impact.

use serde::Serialize;

use super::{Status, UnitResult, Verdict};

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
                let relative_gap = match (check.gap, &check.threshold) {
                    (Some(g), Some(t)) if t.value.abs() > f64::EPSILON => g / t.value.abs(),
                    (Some(g), _) => g,
                    _ => 0.0,
                };
                items.push(Need {
                    set: next.set.clone(),
                    criterion: c.number.clone(),
                    indicator: ind.code.clone(),
                    input: check.input.clone(),
                    status: check.status,
                    gap: check.gap,
                    relative_gap,
                    open_in_criterion: open.len(),
                });
            }
        }
    }
    items.sort_by(|a, b| {
        a.open_in_criterion
            .cmp(&b.open_in_criterion)
            .then((a.status == Status::Missing).cmp(&(b.status == Status::Missing)))
            .then(a.relative_gap.total_cmp(&b.relative_gap))
    });
    Needs {
        next_level: Some(next.set.clone()),
        items,
    }
}
