//! The compiled plan against the explained evaluation: a module of the fuzz targets that score rows.

use ntm::criteria::CriteriaSet;
use ntm::eval::UnitResult;
use ntm::eval::facts::{self, Fact};
use ntm::eval::plan::{Compact, Plan};
use ntm::input::{Dataset, Row};

/// The compiled plan gives exactly the explained evaluation's statuses (`Compact::disagreement`,
/// as `ntm test` and tests/props.rs check), and the same facts of every check (value, threshold,
/// case of a conditional threshold, gap: `Plan::facts` against `facts::from_explained`, what the
/// JSON report writes from), `c` being `plan`'s verdicts on `row`; else a panic naming the row.
pub fn same_verdicts(
    r: &UnitResult,
    plan: &Plan,
    c: &Compact,
    chain: &[&CriteriaSet],
    (row, head): (&Row, &Dataset),
) {
    let cells = || {
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
    if let Some(d) = c.disagreement(r, chain) {
        panic!("{}; {}", d.en, cells());
    }
    let mut planned: Vec<Fact> = Vec::new();
    plan.facts(row, c, &mut planned);
    let (mut back, mut explained) = (Compact::default(), Vec::new());
    facts::from_explained(r, chain, &mut back, &mut explained);
    if planned != explained {
        let first = planned
            .iter()
            .zip(&explained)
            .position(|(a, b)| a != b)
            .unwrap_or(planned.len().min(explained.len()));
        panic!(
            "facts differ at check {first} of {} (plan) / {} (explained): plan {:?}, explained {:?}; {}",
            planned.len(),
            explained.len(),
            planned.get(first),
            explained.get(first),
            cells()
        );
    }
}
