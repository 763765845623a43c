//! What the formats that write at the end keep of a run: the summaries being tallied, and the units,
//! districts and rows not scored that they list.

use std::io;

use crate::eval::UnitResult;
use crate::eval::district::DistrictResult;
use crate::eval::summary::{Summary, SummaryBuilder};
use crate::eval::view::Scored;
use crate::input::Unscored;
use crate::report::model::CheckReport;

pub(super) struct Gathered {
    summary: Option<SummaryBuilder>,
    /// Every unit's explained result, for the formats that show them all at the end (HTML, Excel).
    pub(super) units: Vec<UnitResult>,
    pub(super) districts: Vec<DistrictResult>,
    pub(super) unscored: Vec<Unscored>,
}

impl Gathered {
    /// Summaries over the report's first set and chain.
    pub(super) fn new(rep: &CheckReport) -> io::Result<Self> {
        let Some(base) = rep.sets.first() else {
            return Err(io::Error::other("no commune set to evaluate"));
        };
        Ok(Gathered {
            summary: Some(SummaryBuilder::new(base, &rep.sets)),
            units: Vec::new(),
            districts: Vec::new(),
            unscored: Vec::new(),
        })
    }

    /// A unit into the summaries.
    pub(super) fn count(&mut self, scored: &Scored) {
        if let Some(s) = &mut self.summary {
            s.add(scored);
        }
    }

    /// The summaries, once every unit is counted.
    pub(super) fn summaries(&mut self) -> Vec<Summary> {
        self.summary
            .take()
            .map(SummaryBuilder::finish)
            .unwrap_or_default()
    }
}
