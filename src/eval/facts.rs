//! What a report shows of each check beyond its status, for every check of a unit: its value, the
//! threshold it was compared with, the case of a conditional threshold that chose it, and the gap
//! when it fails. Given by both roads to a verdict: the compiled plan ([`Plan::facts`], from the
//! compact verdicts and the row, allocating nothing once the buffer has grown) and the explained
//! result ([`from_explained`]); a property test holds them to the same facts.
//!
//! Facts come in the order of [`Compact::checks`]: the sets of the chain, each criterion, each
//! indicator, each check; then the recognition conditions of the set the unit is proposed at.
//!
//! [`Plan::facts`]: super::plan::Plan::facts

use super::plan::Compact;
use super::{Status, UnitResult};
use crate::criteria::{CriteriaSet, Threshold};
use crate::input::Value;

/// One check of a unit, as evaluated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fact {
    pub status: Status,
    /// The value read (or derived: `meets:`); `None` when the cell is empty or not applicable.
    pub value: Option<Value>,
    /// The threshold the value is judged against, when one resolved for this unit.
    pub threshold: Option<f64>,
    /// For a conditional threshold (`threshold_when`): the case that chose it, by its index among
    /// the cases; the number of cases when none held (`otherwise`).
    pub case: Option<usize>,
    /// How far a failing value is from its threshold (the nearest, when the threshold is left open).
    pub gap: Option<f64>,
}

/// The compact verdicts and the facts of an explained result (`chain`: the sets it was evaluated
/// with, in order), in the plan's order: what a report renders from when a unit was scored the
/// explained way only (a district, or a chain the plan cannot compile).
pub fn from_explained(
    r: &UnitResult,
    chain: &[&CriteriaSet],
    compact: &mut Compact,
    facts: &mut Vec<Fact>,
) {
    *compact = Compact::default();
    facts.clear();
    let mut push = |c: &super::CheckResult, def: Option<&crate::criteria::Check>| {
        let case = match (def.and_then(|d| d.threshold.as_ref()), &c.threshold) {
            (Some(Threshold::When { cases, .. }), Some(t)) => t.case.as_deref().map(|k| {
                cases
                    .iter()
                    .position(|x| x.describe() == k)
                    .unwrap_or(cases.len())
            }),
            _ => None,
        };
        facts.push(Fact {
            status: c.status,
            value: c.value,
            threshold: c.threshold.as_ref().map(|t| t.value),
            case,
            gap: c.gap,
        });
    };
    for (i, s) in r.sets.iter().enumerate() {
        let def = chain.get(i).filter(|d| d.id == s.set);
        let c0 = compact.criteria.len();
        for (k, cr) in s.criteria.iter().enumerate() {
            compact.criteria.push(cr.status);
            let cdef = def.and_then(|d| d.criteria.get(k));
            for (j, ind) in cr.indicators.iter().enumerate() {
                compact.indicators.push(ind.status);
                let idef = cdef.and_then(|c| c.indicators.get(j));
                for (n, c) in ind.checks.iter().enumerate() {
                    compact.checks.push(c.status);
                    push(c, idef.and_then(|d| d.checks.get(n)));
                }
            }
        }
        compact.set_criteria.push(c0..compact.criteria.len());
        compact.status.push(s.status);
        compact.qualified.push(s.qualified);
        compact.met.push(s.criteria_met);
    }
    let at = |id: &str| chain.iter().position(|s| s.id == id);
    compact.level = r.level_reached.as_deref().and_then(at);
    if let Some(rd) = &r.readiness {
        let def = at(&rd.set).and_then(|i| chain.get(i));
        for (j, ind) in rd.indicators.iter().enumerate() {
            compact.indicators.push(ind.status);
            let idef = def.and_then(|d| d.recognition.get(j));
            for (n, c) in ind.checks.iter().enumerate() {
                compact.checks.push(c.status);
                push(c, idef.and_then(|d| d.checks.get(n)));
            }
        }
        compact.readiness = at(&rd.set).map(|i| (i, rd.conditions, rd.ready));
    }
}
