//! `check --format csv`: one row per commune (criteria met and verdict of each set, level, what is
//! still open, readiness), or with `--commune`/`--explain` one row per check; districts and rows not
//! scored get rows of their own, in the order they come. Values are written plainly (a point for
//! decimals, `true`/`false`), for spreadsheets and scripts.

use std::io::{self, Write};

use super::words;
use crate::diag::Problem;
use crate::eval::district::DistrictResult;
use crate::eval::view::{Scored, UnitView};
use crate::eval::{UnitResult, Verdict};
use crate::i18n::{Lang, num};
use crate::input::Unscored;
use crate::pipeline::Sink;
use crate::pipeline::check::Outcome;
use crate::report::csv_line;
use crate::report::model::{Blocking, CheckReport, DistrictView};

/// Writes each row as it comes: nothing is kept.
pub(super) struct CsvSink<'a, W: Write> {
    rep: &'a CheckReport<'a>,
    lang: Lang,
    out: W,
}

impl<'a, W: Write> CsvSink<'a, W> {
    pub(super) fn new(rep: &'a CheckReport<'a>, lang: Lang, mut out: W) -> io::Result<Self> {
        if rep.detail {
            out.write_all(csv_line(&DETAIL_HEADER.map(String::from)).as_bytes())?;
        } else {
            out.write_all(csv_line(&csv_batch_header(rep)).as_bytes())?;
        }
        Ok(CsvSink { rep, lang, out })
    }
}

impl<W: Write> Sink for CsvSink<'_, W> {
    fn wants_explained(&self) -> bool {
        !self.rep.summary_only && self.rep.detail
    }

    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()> {
        let view = self.rep.for_version(&scored.version.id);
        let rep: &CheckReport = &view;
        if rep.summary_only {
            return Ok(());
        }
        let text = if rep.detail {
            let need = || io::Error::other("the report needs the explained result of each commune");
            csv_detail_rows(explained.ok_or_else(need)?)
        } else {
            csv_line(&csv_batch_row(rep, scored, self.lang))
        };
        self.out.write_all(text.as_bytes())
    }

    fn district(&mut self, d: DistrictResult) -> io::Result<()> {
        let view = self.rep.for_version(&d.unit.version);
        let row = csv_district_row(&view, &d, self.lang);
        self.out.write_all(csv_line(&row).as_bytes())
    }

    /// A row that could not be scored, at once, in file order.
    fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        let row = if self.rep.detail {
            csv_unscored_detail(&u, self.lang)
        } else {
            csv_unscored_row(self.rep, &u, self.lang)
        };
        self.out.write_all(csv_line(&row).as_bytes())
    }

    fn finish(&mut self, _problems: &[Problem], _outcome: &Outcome) -> io::Result<()> {
        self.out.flush()
    }
}

fn csv_district_row(rep: &CheckReport, d: &DistrictResult, lang: Lang) -> Vec<String> {
    let target = rep
        .district_sets
        .last()
        .map(|s| s.id.as_str())
        .unwrap_or_default();
    let mut row = vec![
        d.unit.code.clone(),
        d.unit.name.clone(),
        String::new(),
        d.unit.year.to_string(),
        d.unit.line.to_string(),
        d.unit.level_reached.clone().unwrap_or_default(),
        verdict_plain(d.unit.set(target).map_or(Verdict::Unknown, |s| s.qualified)),
    ];
    for _ in &rep.sets {
        row.extend([String::new(), String::new(), String::new()]);
    }
    for s in &rep.district_sets {
        match d.unit.set(&s.id) {
            Some(x) => {
                row.push(x.criteria_met.to_string());
                row.push(x.criteria_total.to_string());
                row.push(verdict_plain(x.qualified));
            }
            None => row.extend([String::new(), String::new(), String::new()]),
        }
    }
    row.push(words::shares_cell(&DistrictView::of(rep, d), lang));
    row.push(
        d.unit
            .readiness
            .as_ref()
            .and_then(|x| x.ready)
            .map(verdict_plain)
            .unwrap_or_default(),
    );
    row
}

fn csv_batch_header(rep: &CheckReport) -> Vec<String> {
    let mut header: Vec<String> = [
        "code",
        "name",
        "district",
        "year",
        "line",
        "level_reached",
        "qualified",
    ]
    .map(String::from)
    .to_vec();
    for s in rep.sets.iter().chain(&rep.district_sets) {
        header.push(format!("{}_met", s.id));
        header.push(format!("{}_total", s.id));
        header.push(format!("{}_qualified", s.id));
    }
    header.extend(["still_open", "recognition_ready"].map(String::from));
    header
}

fn csv_batch_row(rep: &CheckReport, r: &dyn UnitView, lang: Lang) -> Vec<String> {
    let mut row = vec![
        r.code().to_string(),
        r.name().to_string(),
        r.parent().to_string(),
        r.year().to_string(),
        r.line().to_string(),
        r.level_reached().unwrap_or_default().to_string(),
        verdict_plain(r.qualified(&rep.target)),
    ];
    for s in &rep.sets {
        match r.set_by_id(&s.id) {
            Some(x) => {
                row.push(x.met.to_string());
                row.push(x.total.to_string());
                row.push(verdict_plain(x.qualified));
            }
            None => row.extend([String::new(), String::new(), String::new()]),
        }
    }
    for _ in &rep.district_sets {
        row.extend([String::new(), String::new(), String::new()]);
    }
    row.push(words::blocking(Blocking::of(rep, r).as_ref(), lang));
    row.push(r.ready().map(verdict_plain).unwrap_or_default());
    row
}

/// A row that could not be scored, in the one-row-per-unit CSV: `qualified` says `not_scored` and
/// `still_open` says why.
fn csv_unscored_row(rep: &CheckReport, u: &Unscored, lang: Lang) -> Vec<String> {
    let mut row = vec![
        u.code.clone(),
        u.name.clone(),
        u.parent.clone(),
        u.year.map(|y| y.to_string()).unwrap_or_default(),
        if u.whole_file() {
            String::new()
        } else {
            u.line.to_string()
        },
        String::new(),
        "not_scored".to_string(),
    ];
    for _ in rep.sets.iter().chain(&rep.district_sets) {
        row.extend([String::new(), String::new(), String::new()]);
    }
    // Its line is in one of several files (the data files, the district file): which one leads its
    // reasons, as the file:line of a message.
    let one_file = matches!(rep.files.as_slice(), [only] if *only == u.file);
    let reasons = words::reasons(u, lang);
    row.push(if one_file {
        reasons
    } else {
        format!("{}: {reasons}", u.file)
    });
    row.push(String::new());
    row
}

/// A row that could not be scored, in the one-row-per-check CSV: status `not_scored`, the reasons as
/// its value.
fn csv_unscored_detail(u: &Unscored, lang: Lang) -> Vec<String> {
    let mut row = vec![
        u.code.clone(),
        u.name.clone(),
        u.year.map(|y| y.to_string()).unwrap_or_default(),
    ];
    row.extend(std::iter::repeat_n(String::new(), 4));
    row.push("not_scored".into());
    row.push(words::reasons(u, lang));
    row.extend(std::iter::repeat_n(String::new(), 4));
    row
}

const DETAIL_HEADER: [&str; 13] = [
    "code",
    "name",
    "year",
    "set",
    "criterion",
    "indicator",
    "input",
    "status",
    "value",
    "op",
    "threshold",
    "gap",
    "verified",
];

/// One row per set and check of a unit: for spreadsheets.
fn csv_detail_rows(r: &UnitResult) -> String {
    let mut out = String::new();
    for s in &r.sets {
        for c in &s.criteria {
            for ind in &c.indicators {
                for ch in &ind.checks {
                    out.push_str(&csv_line(&[
                        r.code.clone(),
                        r.name.clone(),
                        r.year.to_string(),
                        s.set.clone(),
                        c.number.clone(),
                        ind.code.to_string(),
                        ch.input.to_string(),
                        ch.status.as_str().to_string(),
                        ch.value.map(value_plain).unwrap_or_default(),
                        ch.op.map(|o| o.symbol().to_string()).unwrap_or_default(),
                        ch.threshold
                            .as_ref()
                            .map(|t| num(t.value, Lang::En))
                            .unwrap_or_default(),
                        ch.gap.map(|g| num(g, Lang::En)).unwrap_or_default(),
                        ch.verified.to_string(),
                    ]));
                }
            }
        }
    }
    out
}

fn value_plain(v: crate::input::Value) -> String {
    match v {
        crate::input::Value::Bool(b) => (if b { "true" } else { "false" }).into(),
        crate::input::Value::Num(n) => num(n, Lang::En),
    }
}

fn verdict_plain(v: Verdict) -> String {
    match v {
        Verdict::Pass => "true",
        Verdict::Fail => "false",
        Verdict::Unknown => "",
    }
    .into()
}
