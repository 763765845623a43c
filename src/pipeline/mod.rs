//! The pipeline: read → check the data → score → gather districts → hand each result to a sink.
//!
//! The command line only turns its arguments into a [`check::Job`]; [`check::prepare`] validates it
//! against the criteria (which versions, what the level means, which columns are read) before any
//! row is read; [`check::run`] does the work and hands every unit, district and unscored row to a
//! [`Sink`] (the report formats are sinks), and every problem to the caller as it is found. The
//! [`check::Outcome`] it returns decides the exit code, in one place. [`diff`] has the same shape:
//! a [`diff::Job`], [`diff::prepare`], and [`diff::run`], which hands the comparison to the caller's
//! renderer.

pub mod check;
pub mod diff;

use std::io;

use crate::criteria::Version;
use crate::diag::Problem;
use crate::eval::UnitResult;
use crate::eval::district::DistrictResult;
use crate::eval::view::Scored;
use crate::input::Unscored;
use crate::units::Units;

/// Where results go. A report format implements it; so does anything that only counts.
pub trait Sink {
    /// Whether [`Sink::unit`] needs the explained result of each commune (values, thresholds, gaps),
    /// or the compact verdicts are enough (summaries, one line per commune).
    fn wants_explained(&self) -> bool;
    /// A commune scored: its compact verdicts, and its explained result when the sink asked for it.
    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()>;
    /// A district scored, after all the communes.
    fn district(&mut self, d: DistrictResult) -> io::Result<()>;
    /// A row (or a whole file) that could not be scored, and why.
    fn unscored(&mut self, u: Unscored) -> io::Result<()>;
    /// The end of the run: `problems` are every problem found, for the formats that carry them;
    /// `outcome` what the run found, which decides the exit code ([`check::Outcome::exit_code`]).
    fn finish(&mut self, problems: &[Problem], outcome: &check::Outcome) -> io::Result<()>;
}

/// The official unit lists a run checks its data against: `units` (bundled, or `--units`), unless a
/// criteria version names another province, which gets one note saying that no list is known for
/// it (codes unchecked, district shares over the communes in the data). A version naming no
/// province (a national set) uses the lists ntm has, for data whose codes are theirs.
pub fn official_lists<'u>(
    units: Option<&'u Units>,
    versions: &[&Version],
) -> (Option<&'u Units>, Option<Problem>) {
    let Some(units) = units else {
        return (None, None);
    };
    for v in versions {
        if let Some(p) = v.province()
            && !units.is_province(p)
        {
            let file = v
                .sets
                .iter()
                .find(|s| s.province == p)
                .map_or(v.id.clone(), |s| s.file.clone());
            return (
                None,
                Some(crate::units::audit::no_list_note(
                    &file,
                    p,
                    units.province_name(),
                )),
            );
        }
    }
    (Some(units), None)
}
