//! The compiled plan against the explained evaluation: a module of the fuzz targets that score rows.

use ntm::criteria::CriteriaSet;
use ntm::eval::UnitResult;
use ntm::eval::plan::Compact;
use ntm::input::{Dataset, Row};

/// The compiled plan gives exactly the explained evaluation's statuses (`Compact::disagreement`,
/// as `ntm test` and tests/props.rs check); else a panic naming the row.
pub fn same_statuses(
    r: &UnitResult,
    c: &Compact,
    chain: &[&CriteriaSet],
    (row, head): (&Row, &Dataset),
) {
    if let Some(d) = c.disagreement(r, chain) {
        let cells: Vec<String> = head
            .columns
            .iter()
            .zip(&row.cells)
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        panic!(
            "{}; line {} year {} group {:?}: {}",
            d.en,
            row.line,
            row.year,
            row.group,
            cells.join(" ")
        );
    }
}
