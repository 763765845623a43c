//! The compiled plan against the explained evaluation: a module of the fuzz targets that score rows.

use ntm::criteria::CriteriaSet;
use ntm::eval::plan::{Compact, Plan};
use ntm::eval::{UnitResult, Verdict};
use ntm::input::{Dataset, Row};

/// The compiled plan gives exactly the explained evaluation's statuses (as tests/props.rs checks).
pub fn same_statuses(
    r: &UnitResult,
    c: &Compact,
    plan: &Plan,
    chain: &[&CriteriaSet],
    (row, head): (&Row, &Dataset),
) {
    let (mut checks, mut inds, mut crits) = (Vec::new(), Vec::new(), Vec::new());
    for s in &r.sets {
        for cr in &s.criteria {
            crits.push(cr.status);
            for i in &cr.indicators {
                inds.push(i.status);
                checks.extend(i.checks.iter().map(|c| c.status));
            }
        }
    }
    if let Some(rd) = &r.readiness {
        for i in &rd.indicators {
            inds.push(i.status);
            checks.extend(i.checks.iter().map(|c| c.status));
        }
    }
    let sets: Vec<(Verdict, Verdict, usize)> = r
        .sets
        .iter()
        .map(|s| (s.status, s.qualified, s.criteria_met))
        .collect();
    let compact: Vec<(Verdict, Verdict, usize)> = (0..plan.len())
        .map(|i| (c.status[i], c.qualified[i], c.met[i]))
        .collect();
    let level = r
        .level_reached
        .as_deref()
        .map(|l| chain.iter().position(|s| s.id == l));
    let readiness = r.readiness.as_ref().map(|x| {
        (
            chain.iter().position(|s| s.id == x.set),
            x.conditions,
            x.ready,
        )
    });
    let plan_readiness = c.readiness.map(|(i, a, b)| (Some(i), a, b));
    let why = || {
        let cells: Vec<String> = head
            .columns
            .iter()
            .zip(&row.cells)
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        format!(
            "line {} year {} group {:?}: {}",
            row.line,
            row.year,
            row.group,
            cells.join(" ")
        )
    };
    assert_eq!(c.checks, checks, "check statuses differ, {}", why());
    assert_eq!(c.indicators, inds, "indicator statuses differ, {}", why());
    assert_eq!(c.criteria, crits, "criterion statuses differ, {}", why());
    assert_eq!(compact, sets, "set verdicts differ, {}", why());
    assert_eq!(c.level.map(Some), level, "level reached differs, {}", why());
    assert_eq!(plan_readiness, readiness, "readiness differs, {}", why());
}
