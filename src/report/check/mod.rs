//! `check` reports: one module per format, each a [`Sink`] that renders the result model
//! ([`crate::report::model`]) as the pipeline hands it units, districts and rows not scored:
//!
//! - [`table`] and [`markdown`]: the text report ([`document`]), laid out for a terminal or in
//!   Markdown;
//! - [`csv`]: one row per commune, or per check;
//! - [`json`]: one document, streamed;
//! - [`html`]: one printable page per commune after a summary page;
//! - [`xlsx`]: a workbook, a sheet per commune.
//!
//! [`CheckWriter`] picks the format's sink. The phrases several formats share are [`words`]; none
//! of these modules decides a verdict, a gap or a share: they come from `eval`, through the model.

mod csv;
mod document;
mod gather;
mod html;
mod json;
mod markdown;
mod table;
mod words;
mod xlsx;

use std::io::{self, Write};

use super::{Format, Style};
use crate::diag::Problem;
use crate::eval::UnitResult;
use crate::eval::district::DistrictResult;
use crate::eval::view::Scored;
use crate::input::Unscored;
use crate::pipeline::Sink;
use crate::pipeline::check::Outcome;

pub use super::model::{CheckReport, VersionSets};

/// The sink of `ntm check`: the writer of the format asked for.
pub struct CheckWriter<'a>(Box<dyn Sink + 'a>);

impl<'a> CheckWriter<'a> {
    pub fn new<W: Write + 'a>(
        rep: &'a CheckReport<'a>,
        format: Format,
        style: Style,
        out: W,
    ) -> io::Result<Self> {
        if rep.sets.is_empty() {
            return Err(io::Error::other("no commune set to evaluate"));
        }
        let sink: Box<dyn Sink + 'a> = match format {
            Format::Table => Box::new(document::TextSink::new(rep, &table::Terminal, style, out)?),
            Format::Md => Box::new(document::TextSink::new(
                rep,
                &markdown::Markdown,
                style,
                out,
            )?),
            Format::Csv => Box::new(csv::CsvSink::new(rep, style.lang, out)?),
            Format::Json => Box::new(json::JsonSink::new(rep, out)?),
            Format::Html => Box::new(gather::EndSink::new(rep, style, out, html::document)?),
            Format::Xlsx => Box::new(gather::EndSink::new(rep, style, out, xlsx::workbook)?),
        };
        Ok(CheckWriter(sink))
    }
}

impl Sink for CheckWriter<'_> {
    fn wants_explained(&self) -> bool {
        self.0.wants_explained()
    }

    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()> {
        self.0.unit(scored, explained)
    }

    fn district(&mut self, d: DistrictResult) -> io::Result<()> {
        self.0.district(d)
    }

    fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        self.0.unscored(u)
    }

    fn finish(&mut self, problems: &[Problem], outcome: &Outcome) -> io::Result<()> {
        self.0.finish(problems, outcome)
    }
}
