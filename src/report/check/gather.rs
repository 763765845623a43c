//! What the formats that write at the end keep of a run: the summaries being tallied, and the units,
//! districts and rows not scored that they list.

use std::io::{self, Write};

use crate::diag::Problem;
use crate::eval::UnitResult;
use crate::eval::district::DistrictResult;
use crate::eval::summary::{Summary, SummaryBuilder};
use crate::eval::view::Scored;
use crate::input::Unscored;
use crate::pipeline::Sink;
use crate::pipeline::check::Outcome;
use crate::report::Style;
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

/// What an end-writing format makes of a run: the whole document's bytes.
pub(super) type Render = fn(&CheckReport, &Gathered, &[Summary], &Style) -> io::Result<Vec<u8>>;

/// The sink of the formats that write at the end (HTML, Excel): keeps every unit, district and row
/// not scored, then writes what `render` makes of them.
pub(super) struct EndSink<'a, W: Write> {
    rep: &'a CheckReport<'a>,
    style: Style,
    out: W,
    gathered: Gathered,
    render: Render,
}

impl<'a, W: Write> EndSink<'a, W> {
    pub(super) fn new(
        rep: &'a CheckReport<'a>,
        style: Style,
        out: W,
        render: Render,
    ) -> io::Result<Self> {
        Ok(EndSink {
            rep,
            style,
            out,
            gathered: Gathered::new(rep)?,
            render,
        })
    }
}

impl<W: Write> Sink for EndSink<'_, W> {
    fn wants_explained(&self) -> bool {
        !self.rep.summary_only
    }

    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()> {
        self.gathered.count(scored);
        if self.rep.summary_only {
            return Ok(());
        }
        let r = explained.ok_or_else(|| {
            io::Error::other("the report needs the explained result of each commune")
        })?;
        self.gathered.units.push(r.clone());
        Ok(())
    }

    fn district(&mut self, d: DistrictResult) -> io::Result<()> {
        self.gathered.districts.push(d);
        Ok(())
    }

    fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        self.gathered.unscored.push(u);
        Ok(())
    }

    fn finish(&mut self, _problems: &[Problem], _outcome: &Outcome) -> io::Result<()> {
        let summaries = self.gathered.summaries();
        let bytes = (self.render)(self.rep, &self.gathered, &summaries, &self.style)?;
        self.out.write_all(&bytes)?;
        self.out.flush()
    }
}
