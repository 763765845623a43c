//! `check` results: the batch table with the programme's measures, the appraisal-prep report for one
//! commune, and the JSON, CSV and Markdown forms.

use serde_json::{Value as Json, json};

use super::model::Requirement;
use super::text;
use std::io::{self, Write};

use super::grid::{Column, Grid, Tint};
use super::json_out::{commune_out, district_out};
use super::{Format, SCHEMA_VERSION, Style, csv_line, md_table};
use crate::criteria::{Check, CriteriaSet, Indicator, Version};
use crate::diag::Problem;
use crate::eval::district::{DistrictResult, district_key};
use crate::eval::needs::{Needs, still_needed};
use crate::eval::summary::{Summary, SummaryBuilder};
use crate::eval::view::{Scored, UnitView};
use crate::eval::{CheckResult, IndicatorResult, SetResult, Status, UnitResult, Verdict};
use crate::i18n::{Lang, derived, num};
use crate::input::Unscored;
use crate::pipeline::Sink;
use crate::pipeline::check::Outcome;

pub use super::model::{CheckReport, VersionSets};

/// Writes a `check` report one unit at a time, keeping only what the chosen format needs at the end
/// (the rows of a table, the summaries).
pub struct CheckWriter<'a, W: Write> {
    rep: &'a CheckReport<'a>,
    format: Format,
    style: Style,
    out: W,
    summary: SummaryBuilder,
    /// The one-row-per-commune table, laid out at the end.
    rows: Grid,
    any_ready: bool,
    count: usize,
    districts: Vec<DistrictResult>,
    /// Every unit, for the formats that need them all at the end (HTML, Excel).
    units: Vec<UnitResult>,
    /// Districts' verdicts by (district key, year), for the summaries.
    district_verdicts: Vec<(String, i32, Verdict)>,
    /// The rows that could not be scored, listed by every format.
    unscored: Vec<Unscored>,
}

impl<'a, W: Write> CheckWriter<'a, W> {
    pub fn new(
        rep: &'a CheckReport<'a>,
        format: Format,
        style: Style,
        mut out: W,
    ) -> io::Result<Self> {
        let Some(base) = rep.sets.first() else {
            return Err(io::Error::other("no commune set to evaluate"));
        };
        let summary = SummaryBuilder::new(base, &rep.sets);
        match format {
            Format::Json => {
                let head = json_head(rep);
                let head = serde_json::to_string(&head).unwrap_or_default();
                // `{…,"communes":[` : the head without its closing brace.
                let open = head.strip_suffix('}').unwrap_or(&head);
                write!(out, "{open},\"communes\":[")?;
            }
            Format::Csv if rep.detail => {
                out.write_all(csv_line(&DETAIL_HEADER.map(String::from)).as_bytes())?
            }
            Format::Csv => out.write_all(csv_line(&csv_batch_header(rep)).as_bytes())?,
            _ => {}
        }
        Ok(CheckWriter {
            rep,
            format,
            style,
            out,
            summary,
            rows: Grid::new(batch_columns(rep, style.lang)),
            any_ready: false,
            count: 0,
            districts: Vec::new(),
            units: Vec::new(),
            district_verdicts: Vec::new(),
            unscored: Vec::new(),
        })
    }

    /// A row that could not be scored. A CSV gets it at once, in file order; the other formats list
    /// every such row after the results, and their totals count them.
    pub fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        let lang = self.style.lang;
        match self.format {
            Format::Csv if self.rep.detail => self
                .out
                .write_all(csv_line(&csv_unscored_detail(&u, lang)).as_bytes())?,
            Format::Csv => self
                .out
                .write_all(csv_line(&csv_unscored_row(self.rep, &u, lang)).as_bytes())?,
            _ => {}
        }
        self.unscored.push(u);
        Ok(())
    }
}

impl<W: Write> Sink for CheckWriter<'_, W> {
    fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        CheckWriter::unscored(self, u)
    }

    fn wants_explained(&self) -> bool {
        !self.rep.summary_only
            && (self.rep.detail
                || matches!(self.format, Format::Html | Format::Xlsx | Format::Json))
    }

    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()> {
        let view = self.rep.for_version(&scored.version.id);
        let rep: &CheckReport = &view;
        self.summary.add(scored);
        let lang = self.style.lang;
        if rep.summary_only {
            self.count += 1;
            return Ok(());
        }
        let need = || io::Error::other("the report needs the explained result of each commune");
        match self.format {
            Format::Html | Format::Xlsx => self.units.push(explained.ok_or_else(need)?.clone()),
            Format::Json => {
                let r = explained.ok_or_else(need)?;
                let sep = if self.count == 0 { "\n" } else { ",\n" };
                self.out.write_all(sep.as_bytes())?;
                serde_json::to_writer(
                    &mut self.out,
                    &commune_out(r, &rep.target, rep.qualified(r)),
                )?;
            }
            Format::Csv if rep.detail => self
                .out
                .write_all(csv_detail_rows(explained.ok_or_else(need)?, lang).as_bytes())?,
            Format::Csv => self
                .out
                .write_all(csv_line(&csv_batch_row(rep, scored, lang)).as_bytes())?,
            Format::Md | Format::Table if rep.detail => {
                let text = detail(rep, explained.ok_or_else(need)?, self.format, &self.style);
                writeln!(self.out, "{text}")?;
            }
            Format::Md | Format::Table => {
                self.any_ready |= scored.assessed();
                self.rows.push(batch_row(rep, scored, lang));
            }
        }
        self.count += 1;
        Ok(())
    }

    /// A district, after all the communes.
    fn district(&mut self, d: DistrictResult) -> io::Result<()> {
        let view = self.rep.for_version(&d.unit.version);
        let rep: &CheckReport = &view;
        let verdict = d.unit.sets.last().map_or(Verdict::Unknown, |s| s.qualified);
        for k in [&d.unit.code, &d.unit.name] {
            if !k.is_empty() {
                self.district_verdicts
                    .push((district_key(k), d.unit.year, verdict));
            }
        }
        match self.format {
            Format::Html | Format::Xlsx => self.districts.push(d),
            Format::Json => {
                let sep = if self.districts.is_empty() {
                    "\n],\"districts\":[\n"
                } else {
                    ",\n"
                };
                self.out.write_all(sep.as_bytes())?;
                serde_json::to_writer(&mut self.out, &district_out(&d))?;
                // Only the first one matters for the separator.
                if self.districts.is_empty() {
                    self.districts.push(d);
                }
            }
            Format::Csv => self
                .out
                .write_all(csv_line(&csv_district_row(rep, &d, self.style.lang)).as_bytes())?,
            Format::Md | Format::Table if rep.detail => {
                let text = district_detail(rep, &d, self.format, &self.style);
                writeln!(self.out, "{text}")?;
                self.districts.push(d);
            }
            Format::Md | Format::Table => self.districts.push(d),
        }
        Ok(())
    }

    /// Write what comes after the units (the table, the summaries).
    fn finish(&mut self, problems: &[Problem], outcome: &Outcome) -> io::Result<()> {
        let rep = self.rep;
        let summaries = std::mem::replace(
            &mut self.summary,
            SummaryBuilder::new(rep.sets[0], &rep.sets),
        )
        .finish();
        match self.format {
            Format::Json => {
                let tail = json!({
                    "summaries": summaries,
                    "unscored": self.unscored,
                    "problems": problems,
                });
                let tail = serde_json::to_string(&tail).unwrap_or_default();
                let inner = tail.strip_prefix('{').unwrap_or(&tail);
                if rep.district_sets.is_empty() || !self.districts.is_empty() {
                    writeln!(self.out, "\n],{inner}")?;
                } else {
                    writeln!(self.out, "\n],\"districts\":[],{inner}")?;
                }
            }
            Format::Csv => {}
            Format::Html => {
                let page = super::html::render(
                    rep,
                    &self.units,
                    &self.districts,
                    &summaries,
                    &self.unscored,
                    &self.style,
                );
                self.out.write_all(page.as_bytes())?;
            }
            Format::Xlsx => {
                let bytes = super::xlsx_out::render(
                    rep,
                    &self.units,
                    &self.districts,
                    &summaries,
                    &self.unscored,
                    self.style.lang,
                )
                .map_err(|e| io::Error::other(e.to_string()))?;
                self.out.write_all(&bytes)?;
            }
            Format::Md | Format::Table => {
                let mut text = String::new();
                if !rep.detail && !rep.summary_only {
                    text.push_str(&batch(
                        rep,
                        &mut self.rows,
                        self.any_ready,
                        self.format,
                        &self.style,
                    ));
                    if !self.districts.is_empty() {
                        text.push('\n');
                        text.push_str(&districts_table(
                            rep,
                            &self.districts,
                            self.format,
                            &self.style,
                        ));
                    }
                }
                if !rep.detail {
                    text.push_str(&summaries_text(
                        rep,
                        &summaries,
                        &self.district_verdicts,
                        self.format,
                        &self.style,
                    ));
                }
                text.push_str(&unscored_text(&self.unscored, self.format, &self.style));
                // What the exit code will mean, last.
                let name = |id: &str| {
                    rep.set_def(id).map_or(id.to_string(), |s| {
                        s.short_name.get(self.style.lang).to_string()
                    })
                };
                let district = rep
                    .district_sets
                    .last()
                    .map(|s| name(&s.id))
                    .unwrap_or_default();
                let meaning = outcome.meaning(&name(&rep.target), &district);
                text.push_str(&format!("\n{}\n", meaning.get(self.style.lang)));
                self.out.write_all(text.as_bytes())?;
            }
        }
        self.out.flush()
    }
}

pub(super) fn tint_of(v: Verdict) -> Tint {
    match v {
        Verdict::Pass => Tint::Green,
        Verdict::Fail => Tint::Red,
        Verdict::Unknown => Tint::Yellow,
    }
}

pub(super) fn status_tint(s: Status) -> Option<Tint> {
    match s {
        Status::Pass => Some(Tint::Green),
        Status::Fail => Some(Tint::Red),
        Status::Missing => Some(Tint::Yellow),
        _ => None,
    }
}

/// The level cell: the level reached, or why none.
pub(super) fn level_text(rep: &CheckReport, r: &dyn UnitView, lang: Lang) -> String {
    match r.level_reached() {
        Some(id) => rep
            .set_def(id)
            .map_or(id.to_string(), |s| s.short_name.get(lang).to_string()),
        None => match (r.sets() > 0).then(|| r.set(0).qualified) {
            Some(Verdict::Unknown) => text::verdict(Verdict::Unknown, lang).to_string(),
            _ => lang.pick("Chưa đạt", "Not met").to_string(),
        },
    }
}

/// The criteria that block the next level: `xã NTM: 10, 17; thiếu số liệu: 15`.
pub(super) fn blocking_text(rep: &CheckReport, r: &dyn UnitView, lang: Lang) -> String {
    let Some(next) = (0..r.sets()).find(|i| r.set(*i).qualified != Verdict::Pass) else {
        return String::new();
    };
    let set = r.set(next);
    let name = rep
        .set_def(set.id)
        .map_or(set.id.to_string(), |s| s.short_name.get(lang).to_string());
    let criteria: Vec<(&str, Verdict)> = (0..set.total).map(|k| r.criterion(next, k)).collect();
    let with =
        |v: Verdict| -> Vec<&str> { criteria.iter().filter(|c| c.1 == v).map(|c| c.0).collect() };
    let (failing, unknown) = (with(Verdict::Fail), with(Verdict::Unknown));
    let mut parts = Vec::new();
    if !failing.is_empty() {
        parts.push(failing.join(", "));
    }
    if !unknown.is_empty() {
        parts.push(format!(
            "{}: {}",
            lang.pick("thiếu số liệu", "missing data"),
            unknown.join(", ")
        ));
    }
    let blocked: Vec<&str> = r
        .prerequisites(next)
        .into_iter()
        .filter(|p| p.1 == Verdict::Fail)
        .map(|p| p.0)
        .collect();
    if parts.is_empty() && !blocked.is_empty() {
        parts.push(format!(
            "{} {}",
            lang.pick("chưa đạt", "needs"),
            blocked.join(", ")
        ));
    }
    format!("{name}: {}", parts.join("; "))
}

/// Readiness for recognition; when not ready, what is missing: the level (`Chưa: chưa đạt xã NTM`),
/// the conditions (`Chưa: điều kiện chưa đạt`), or both.
pub(super) fn readiness_text(rep: &CheckReport, r: &dyn UnitView, lang: Lang) -> String {
    let (set, conditions) = r.recognition().unwrap_or(("", None));
    let level = (!set.is_empty()).then(|| (rep.set_ref(set).short_name(lang), r.qualified(set)));
    let conditions = conditions.map(|c| {
        let text = match c {
            Verdict::Fail => lang.pick("điều kiện chưa đạt", "conditions not met"),
            _ => lang.pick("điều kiện thiếu số liệu", "conditions lack data"),
        };
        (c, text.to_string())
    });
    readiness_with(r.ready(), level, conditions, lang)
}

/// [`readiness_text`] for one unit's own report: the level's criteria counted and the conditions
/// missing named (`Chưa: chưa đạt xã NTM (18/19 tiêu chí)`).
pub(super) fn readiness_line(rep: &CheckReport, u: &UnitResult, lang: Lang) -> String {
    let Some(rd) = &u.readiness else {
        return readiness_text(rep, u, lang);
    };
    let level = u.set(&rd.set).map(|s| {
        let mut name = rep.set_ref(&rd.set).short_name(lang);
        if s.status != Verdict::Pass {
            name.push_str(&format!(
                " ({}/{} {})",
                s.criteria_met,
                s.criteria_total,
                lang.pick("tiêu chí", "criteria")
            ));
        }
        (name, s.qualified)
    });
    let def = rep.set_def(&rd.set);
    let conditions = rd.conditions.map(|c| {
        let names = |st: Status| -> Vec<String> {
            rd.indicators
                .iter()
                .filter(|i| i.status == st)
                .map(|i| {
                    def.and_then(|d| d.recognition.iter().find(|x| x.code == i.code))
                        .map_or(i.code.clone(), |x| format!("«{}»", x.name.get(lang)))
                })
                .collect()
        };
        let mut parts = Vec::new();
        for (st, vi, en) in [
            (Status::Fail, "chưa đạt điều kiện", "condition not met:"),
            (
                Status::Missing,
                "thiếu số liệu điều kiện",
                "no data for condition",
            ),
        ] {
            let list = names(st);
            if !list.is_empty() {
                parts.push(format!("{} {}", lang.pick(vi, en), list.join(", ")));
            }
        }
        (c, parts.join("; "))
    });
    readiness_with(u.ready(), level, conditions, lang)
}

/// The readiness verdict, then each part that keeps it from "ready": the level (its label and
/// whether the unit qualifies at it) and the conditions (their verdict and what to say of them).
fn readiness_with(
    ready: Option<Verdict>,
    level: Option<(String, Verdict)>,
    conditions: Option<(Verdict, String)>,
    lang: Lang,
) -> String {
    let head = match ready {
        None => return lang.pick("Chưa đánh giá", "Not assessed").to_string(),
        Some(Verdict::Pass) => return lang.pick("Sẵn sàng", "Ready").to_string(),
        Some(Verdict::Fail) => lang.pick("Chưa", "Not ready"),
        Some(Verdict::Unknown) => lang.pick("Chưa rõ", "Unknown"),
    };
    let mut why: Vec<String> = Vec::new();
    match level {
        Some((name, Verdict::Fail)) => {
            why.push(format!("{} {name}", lang.pick("chưa đạt", "not at")))
        }
        Some((name, Verdict::Unknown)) => why.push(match lang {
            Lang::Vi => format!("{name} thiếu số liệu"),
            Lang::En => format!("{name} unknown (missing data)"),
        }),
        _ => {}
    }
    if let Some((v, text)) = conditions
        && v != Verdict::Pass
        && !text.is_empty()
    {
        why.push(text);
    }
    if why.is_empty() {
        head.to_string()
    } else {
        format!("{head}: {}", why.join("; "))
    }
}

fn batch_row(rep: &CheckReport, r: &dyn UnitView, lang: Lang) -> Vec<(String, Option<Tint>)> {
    let mut row = vec![
        (r.code().to_string(), None),
        (r.name().to_string(), None),
        (r.parent().to_string(), None),
        (r.year().to_string(), None),
    ];
    for s in &rep.sets {
        let cell = r.set_by_id(&s.id).map_or((String::new(), None), |x| {
            (format!("{}/{}", x.met, x.total), Some(tint_of(x.status)))
        });
        row.push(cell);
    }
    let lvl_tint = if r.level_reached().is_some() {
        Some(Tint::Green)
    } else {
        (r.sets() > 0).then(|| tint_of(r.set(0).qualified))
    };
    row.push((level_text(rep, r, lang), lvl_tint));
    row.push((blocking_text(rep, r, lang), None));
    row.push((readiness_text(rep, r, lang), None));
    row
}

/// The columns of the one-row-per-commune table on a terminal or in Markdown: short headers (each
/// set by its short name, its cells being criteria met/total, said below the table), the district
/// and the year said once above when they are the same on every row, what is still open listed
/// below the table when the width leaves it too little room.
fn batch_columns(rep: &CheckReport, lang: Lang) -> Vec<Column> {
    let mut cols = vec![
        Column::new(lang.pick("Mã", "Code")),
        Column::new(lang.pick("Xã", "Commune")),
        Column::new(lang.pick("Huyện", "District"))
            .wrap()
            .constant(),
        Column::new(lang.pick("Năm", "Year")).constant(),
    ];
    cols.extend(
        rep.sets
            .iter()
            .map(|s| Column::new(s.short_name.get(lang)).right()),
    );
    cols.push(Column::new(lang.pick("Mức đạt", "Level reached")).wrap());
    cols.push(
        Column::new(lang.pick(
            "Tiêu chí còn thiếu (mức tiếp theo)",
            "Criteria still open (next level)",
        ))
        .spill(),
    );
    cols.push(
        Column::new(lang.pick("Đủ điều kiện đề nghị công nhận", "Ready for recognition")).wrap(),
    );
    cols
}

/// The header of the one-row-per-commune table (the terminal/Markdown/CSV batch and the workbook's
/// summary sheet): code, commune, district, year, criteria met per set, level, what is still open,
/// and with `show_ready` the readiness for recognition.
pub(super) fn batch_header(rep: &CheckReport, show_ready: bool, lang: Lang) -> Vec<String> {
    let mut header: Vec<String> = vec![
        lang.pick("Mã", "Code").into(),
        lang.pick("Xã", "Commune").into(),
        lang.pick("Huyện", "District").into(),
        lang.pick("Năm", "Year").into(),
    ];
    header.extend(rep.sets.iter().map(|s| met_header(s, lang)));
    header.push(lang.pick("Mức đạt", "Level reached").into());
    header.push(
        lang.pick(
            "Tiêu chí còn thiếu (mức tiếp theo)",
            "Criteria still open (next level)",
        )
        .into(),
    );
    if show_ready {
        header.push(
            lang.pick("Đủ điều kiện đề nghị công nhận", "Ready for recognition")
                .into(),
        );
    }
    header
}

/// `Xã NTM (TC đạt)`: the column of a set's criteria met.
fn met_header(s: &CriteriaSet, lang: Lang) -> String {
    format!(
        "{} ({})",
        s.short_name.get(lang),
        lang.pick("TC đạt", "criteria met")
    )
}

/// The header of the one-row-per-district table: code, district, year, communes, communes at xã NTM,
/// criteria met per district set (each followed by its result when `with_result`), who holds it back.
pub(super) fn districts_header(rep: &CheckReport, with_result: bool, lang: Lang) -> Vec<String> {
    let mut header: Vec<String> = vec![
        lang.pick("Mã", "Code").into(),
        lang.pick("Huyện", "District").into(),
        lang.pick("Năm", "Year").into(),
        lang.pick("Số xã", "Communes").into(),
        lang.pick("Xã đạt xã NTM", "Communes at xã NTM").into(),
    ];
    for s in &rep.district_sets {
        header.push(met_header(s, lang));
        if with_result {
            header.push(lang.pick("Kết quả", "Result").into());
        }
    }
    header.push(lang.pick("Còn vướng", "Held back by").into());
    header
}

fn batch(
    rep: &CheckReport,
    rows: &mut Grid,
    show_ready: bool,
    format: Format,
    style: &Style,
) -> String {
    let lang = style.lang;
    if !show_ready {
        rows.hide(rep.sets.len() + 6);
    }
    rows.note(format!(
        "{}: {}",
        rep.sets
            .iter()
            .map(|s| s.short_name.get(lang))
            .collect::<Vec<_>>()
            .join(", "),
        lang.pick(
            "số tiêu chí đạt/tổng số tiêu chí của mức",
            "criteria met/criteria of the level"
        )
    ));
    if format == Format::Md {
        rows.markdown()
    } else {
        rows.render(style.width.map(usize::from), style.color)
    }
}

fn summary(rep: &CheckReport, s: &Summary, format: Format, style: &Style) -> String {
    let lang = style.lang;
    let base = rep.set_def(&s.set);
    let base_name = base.map_or(s.set.clone(), |b| b.short_name.get(lang).to_string());
    let mut out = format!(
        "{} {}: {} {}",
        lang.pick("Tổng hợp năm", "Summary for"),
        s.year,
        s.units,
        lang.pick("xã", "commune(s)")
    );
    if let Some(avg) = s.average_criteria_met {
        out.push_str(&format!(
            "; {} {} {} {base_name}/{}",
            lang.pick("bình quân", "average"),
            derived(avg, lang),
            lang.pick("tiêu chí", "criteria"),
            lang.pick("xã", "commune")
        ));
    }
    out.push('\n');
    // Groups and levels side by side in one small table.
    let header: Vec<String> = vec![
        format!(
            "{} ({base_name})",
            lang.pick("Nhóm theo số tiêu chí đạt", "Group by criteria met")
        ),
        lang.pick("Số xã", "Communes").into(),
    ];
    let rows: Vec<Vec<String>> = s
        .groups
        .iter()
        .map(|g| vec![text::group_name(g, lang), g.count.to_string()])
        .collect();
    out.push_str(&table_or_md(format, style, header, rows));
    let header: Vec<String> = vec![
        lang.pick("Mức", "Level").into(),
        lang.pick("Đạt", "Qualified").into(),
        lang.pick("Chưa đạt", "Not qualified").into(),
        lang.pick("Chưa đủ dữ liệu", "Unknown").into(),
    ];
    let rows: Vec<Vec<String>> = s
        .levels
        .iter()
        .map(|l| {
            vec![
                rep.set_def(&l.set)
                    .map_or(l.set.clone(), |d| d.short_name.get(lang).to_string()),
                l.qualified.to_string(),
                l.not_qualified.to_string(),
                l.unknown.to_string(),
            ]
        })
        .collect();
    out.push_str(&table_or_md(format, style, header, rows));
    if let Some(base) = base {
        let header: Vec<String> = vec![
            lang.pick("Tiêu chí", "Criterion").into(),
            format!(
                "{} ({base_name})",
                lang.pick("Số xã đạt", "Communes meeting it")
            ),
        ];
        let rows: Vec<Vec<String>> = base
            .criteria
            .iter()
            .zip(&s.criteria_passed)
            .map(|(c, (_, n))| {
                vec![
                    format!("{}. {}", c.number, c.name.get(lang)),
                    format!("{n}/{}", s.units),
                ]
            })
            .collect();
        out.push_str(&table_or_md(format, style, header, rows));
    }
    let all = || rep.sets.iter().chain(&rep.district_sets);
    let unverified: usize = all().map(|s| s.unverified_count()).sum();
    let total: usize = all().map(|s| s.checks().count()).sum();
    if unverified > 0 {
        out.push_str(&format!(
            "{}: {unverified}/{total} {}\n",
            lang.pick("Lưu ý", "Note"),
            lang.pick(
                "ngưỡng dùng trong kết luận chưa được đối chiếu với văn bản (xem ntm criteria show --unverified)",
                "thresholds used in these verdicts are not yet checked against the decision (see ntm criteria show --unverified)"
            )
        ));
    }
    out
}

fn table_or_md(
    format: Format,
    style: &Style,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
) -> String {
    if format == Format::Md {
        format!("\n{}", md_table(&header, &rows))
    } else {
        let mut t = Grid::plain(header);
        for r in rows {
            t.push(r.into_iter().map(|c| (c, None)));
        }
        format!("\n{}", t.text(style))
    }
}

/// One row of the indicator table.
pub(super) struct IndRow {
    pub(super) criterion: String,
    pub(super) code: String,
    pub(super) content: String,
    pub(super) value: String,
    pub(super) rule: String,
    pub(super) status: Status,
    pub(super) gap: String,
    pub(super) how: String,
    pub(super) source: String,
    /// The check as evaluated and as defined, for the formats that write its figures as numbers.
    pub(super) result: CheckResult,
    pub(super) def: Check,
}

pub(super) fn indicator_rows(rep: &CheckReport, set: &SetResult, lang: Lang) -> Vec<IndRow> {
    let Some(def) = rep.set_def(&set.set) else {
        return Vec::new();
    };
    let rank_v = |v: Verdict| match v {
        Verdict::Fail => 0,
        Verdict::Unknown => 1,
        Verdict::Pass => 2,
    };
    let rank_s = |s: Status| match s {
        Status::Fail => 0,
        Status::Missing => 1,
        Status::NotApplicable => 3,
        _ => 2,
    };
    let mut criteria: Vec<_> = set.criteria.iter().zip(&def.criteria).collect();
    criteria.sort_by_key(|(c, _)| rank_v(c.status));
    let mut rows = Vec::new();
    for (c, cdef) in criteria {
        let mut inds: Vec<&IndicatorResult> = c.indicators.iter().collect();
        inds.sort_by_key(|i| rank_s(i.status));
        let mut first = true;
        for ind in inds {
            let Some(idef) = def.indicator(&ind.code) else {
                continue;
            };
            for (i, ch) in ind.checks.iter().enumerate() {
                let Some(chdef) = rep.check_def(&set.set, &ind.code, i) else {
                    continue;
                };
                let mut content = idef.name.get(lang).to_string();
                let label = text::label(chdef, lang);
                if idef.checks.len() > 1 && !label.is_empty() {
                    content = format!("{content} — {label}");
                }
                rows.push(IndRow {
                    criterion: if first {
                        format!(
                            "{}. {} — {}",
                            c.number,
                            cdef.name.get(lang),
                            text::verdict(c.status, lang)
                        )
                    } else {
                        String::new()
                    },
                    code: if i == 0 {
                        ind.code.clone()
                    } else {
                        String::new()
                    },
                    content,
                    value: text::value(ch.value, chdef, lang),
                    rule: check_rule(ch, chdef, rep.version, set.threshold_year, lang),
                    status: if ch.status == Status::Info {
                        ch.status
                    } else {
                        ind.status.min_for(ch.status)
                    },
                    gap: text::gap(ch, chdef, lang),
                    how: how(ch, set, lang),
                    source: idef.source.to_string(),
                    result: ch.clone(),
                    def: chdef.clone(),
                });
                first = false;
            }
        }
    }
    rows
}

trait StatusExt {
    fn min_for(self, check: Status) -> Status;
}

impl StatusExt for Status {
    /// The status to show on a check's row: the check's own, except that a not-applicable indicator
    /// shows as such.
    fn min_for(self, check: Status) -> Status {
        if self == Status::NotApplicable {
            self
        } else {
            check
        }
    }
}

/// A recognition condition's value and requirement (those of its first check), or two empty cells
/// when it has no check.
pub(super) fn condition_cells(
    ind: &IndicatorResult,
    def: &Indicator,
    version: &Version,
    year: i32,
    lang: Lang,
) -> (String, String) {
    match (ind.checks.first(), def.checks.first()) {
        (Some(ch), Some(cd)) => (
            text::value(ch.value, cd, lang),
            check_rule(ch, cd, version, year, lang),
        ),
        _ => (String::new(), String::new()),
    }
}

/// The requirement of a check as evaluated: the resolved threshold when there is one.
pub(super) fn check_rule(
    ch: &CheckResult,
    def: &Check,
    version: &Version,
    year: i32,
    lang: Lang,
) -> String {
    text::requirement(&Requirement::of(ch, def, version, year), lang)
}

/// For `--explain`: the comparison made and the dated value used.
fn how(ch: &CheckResult, set: &SetResult, lang: Lang) -> String {
    let v = match ch.value {
        Some(crate::input::Value::Num(n)) => num(n, lang),
        Some(crate::input::Value::Bool(b)) => (if b { "Đạt" } else { "Không đạt" }).to_string(),
        None => "—".into(),
    };
    let mut s = match (ch.op, &ch.threshold) {
        (Some(op), Some(t)) => format!("{v} {} {}", op.symbol(), num(t.value, lang)),
        _ => format!("{v} = Đạt"),
    };
    if let Some(y) = ch.threshold.as_ref().and_then(|t| t.dated) {
        s.push_str(&format!(
            "; {} {y}",
            lang.pick("giá trị năm", "value dated")
        ));
    }
    if set.threshold_year != 0 {
        s.push_str(&format!(
            "; {} {}",
            lang.pick("ngưỡng năm", "thresholds of"),
            set.threshold_year
        ));
    }
    s.push_str(if ch.verified {
        lang.pick("; đã đối chiếu", "; verified")
    } else {
        lang.pick("; chưa đối chiếu", "; unverified")
    });
    s
}

fn detail(rep: &CheckReport, r: &UnitResult, format: Format, style: &Style) -> String {
    detail_unit(rep, r, ("Xã", "Commune"), format, style)
}

/// The appraisal-prep report of one unit; `kind` names it (`Xã`, `Huyện`).
fn detail_unit(
    rep: &CheckReport,
    r: &UnitResult,
    kind: (&str, &str),
    format: Format,
    style: &Style,
) -> String {
    let lang = style.lang;
    let mut out = String::new();
    // "Xã Gia Cát", unless the name already says "Xã …", "Phường …", "Huyện …".
    let folded = crate::input::cell::fold(&r.name);
    let prefix = if [
        "xa ",
        "phuong ",
        "thi tran ",
        "huyen ",
        "thanh pho ",
        "thi xa ",
    ]
    .iter()
    .any(|p| folded.starts_with(p))
    {
        String::new()
    } else {
        format!("{} ", lang.pick(kind.0, kind.1))
    };
    let title = format!(
        "{prefix}{} ({} {}){} — {} {}",
        r.name,
        lang.pick("mã", "code"),
        r.code,
        if r.parent.is_empty() {
            String::new()
        } else {
            format!(", {} {}", lang.pick("huyện", "district"), r.parent)
        },
        lang.pick("năm", "year"),
        r.year
    );
    if format == Format::Md {
        out.push_str(&format!("## {title}\n\n"));
    } else {
        out.push_str(&format!("{title}\n{}\n", "=".repeat(title.chars().count())));
    }
    out.push_str(&format!(
        "{}: {}\n",
        lang.pick("Mức đạt", "Level reached"),
        level_text(rep, r, lang)
    ));
    if let Some(rd) = &r.readiness {
        let set_name = rep
            .set_def(&rd.set)
            .map_or(rd.set.clone(), |s| s.short_name.get(lang).to_string());
        out.push_str(&format!(
            "{} ({set_name}): {}\n",
            lang.pick(
                "Đủ điều kiện đề nghị công nhận",
                "Ready to be proposed for recognition"
            ),
            readiness_line(rep, r, lang)
        ));
        if rd.conditions.is_some() {
            for ind in &rd.indicators {
                let Some(def) = rep
                    .set_def(&rd.set)
                    .and_then(|s| s.recognition.iter().find(|i| i.code == ind.code))
                else {
                    continue;
                };
                let (value, rule) = condition_cells(ind, def, rep.version, r.year, lang);
                out.push_str(&format!(
                    "  - {}: {value} ({} {rule}) — {}\n",
                    def.name.get(lang),
                    lang.pick("cần", "needs"),
                    text::status(ind.status, lang)
                ));
            }
        }
    }
    for set in &r.sets {
        let def = rep.set_def(&set.set);
        let name = def.map_or(set.set.clone(), |d| d.name.get(lang).to_string());
        let mut head = format!(
            "{name}: {}/{} {} — {}",
            set.criteria_met,
            set.criteria_total,
            lang.pick("tiêu chí đạt", "criteria met"),
            text::verdict(set.qualified, lang)
        );
        for (p, v) in &set.prerequisites {
            head.push_str(&format!(
                "; {} {p}: {}",
                lang.pick("điều kiện tiên quyết", "prerequisite"),
                text::verdict(*v, lang)
            ));
        }
        if let Some(d) = def
            && !d.covers(r.year)
        {
            head.push_str(&format!(
                "; {} {}",
                lang.pick(
                    "dùng ngưỡng của năm gần nhất:",
                    "thresholds of the nearest year:"
                ),
                set.threshold_year
            ));
        }
        out.push_str(&format!(
            "\n{}{head}\n",
            if format == Format::Md { "### " } else { "" }
        ));
        let mut header: Vec<String> = [
            lang.pick("Tiêu chí", "Criterion"),
            lang.pick("Chỉ tiêu", "Indicator"),
            lang.pick("Nội dung", "Content"),
            lang.pick("Giá trị", "Value"),
            lang.pick("Yêu cầu", "Requirement"),
            lang.pick("Kết quả", "Result"),
            lang.pick("Chênh lệch", "Gap"),
        ]
        .map(String::from)
        .to_vec();
        if rep.explain {
            header.push(lang.pick("Cách tính", "Comparison").into());
            header.push(lang.pick("Nguồn", "Source").into());
        }
        let rows = indicator_rows(rep, set, lang);
        let cells = |row: &IndRow| {
            let mut v = vec![
                row.criterion.clone(),
                row.code.clone(),
                row.content.clone(),
                row.value.clone(),
                row.rule.clone(),
                text::status(row.status, lang).to_string(),
                row.gap.clone(),
            ];
            if rep.explain {
                v.push(row.how.clone());
                v.push(row.source.clone());
            }
            v
        };
        if format == Format::Md {
            out.push('\n');
            out.push_str(&md_table(
                &header,
                &rows.iter().map(cells).collect::<Vec<_>>(),
            ));
        } else {
            // The criterion heads its indicators on a line of its own.
            let mut cols: Vec<Column> = header.iter().map(|h| Column::new(h).wrap()).collect();
            cols[0] = Column::new(&header[0]).group();
            let mut t = Grid::new(cols).auto();
            for row in &rows {
                let tint = status_tint(row.status);
                t.push(
                    cells(row)
                        .into_iter()
                        .enumerate()
                        .map(|(i, s)| (s, tint.filter(|_| i == 5 || i == 6))),
                );
            }
            out.push('\n');
            out.push_str(&t.text(style));
        }
    }
    out.push_str(&needs_text(rep, r, &still_needed(r), lang));
    out.push_str(text::unverified_legend(lang));
    out.push('\n');
    out
}

pub(super) fn needs_text(rep: &CheckReport, r: &UnitResult, needs: &Needs, lang: Lang) -> String {
    let Some(next) = &needs.next_level else {
        return format!(
            "\n{}\n",
            lang.pick(
                "Đã đạt mọi mức được đánh giá.",
                "Every level evaluated is met."
            )
        );
    };
    let next_name = rep
        .set_def(next)
        .map_or(next.clone(), |s| s.name.get(lang).to_string());
    let mut out = format!(
        "\n{} {next_name}:\n",
        lang.pick("Còn cần để đạt", "Still needed for")
    );
    if let Some(set) = r.set(next) {
        for (p, v) in &set.prerequisites {
            if *v == Verdict::Fail {
                out.push_str(&format!(
                    "  - {} {p}\n",
                    lang.pick("đạt trước bộ", "first meet set")
                ));
            }
        }
    }
    for (i, n) in needs.items.iter().enumerate() {
        let set = r.set(&n.set);
        let (def, ch, code) = set
            .and_then(|s| s.criteria.iter().find(|c| c.number == n.criterion))
            .and_then(|c| c.indicators.iter().find(|x| x.code == n.indicator))
            .map(|ind| {
                let idx = ind
                    .checks
                    .iter()
                    .position(|c| c.input == n.input)
                    .unwrap_or(0);
                (
                    rep.check_def(&n.set, &n.indicator, idx),
                    ind.checks.get(idx),
                    check_code(&n.indicator, &n.input, ind.checks.len() > 1, idx),
                )
            })
            .unwrap_or((None, None, n.indicator.clone()));
        let idef = rep.set_def(&n.set).and_then(|s| s.indicator(&n.indicator));
        let mut name = idef.map_or(String::new(), |d| d.name.get(lang).to_string());
        // The sub-indicator that falls short, when the indicator has several (17.1b: nước sạch).
        if let (Some(idef), Some(def)) = (idef, def) {
            let label = text::label(def, lang);
            if idef.checks.len() > 1 && !label.is_empty() {
                name = format!("{name} ({label})");
            }
        }
        let what = match (n.status, def, ch) {
            // The value is there; its threshold waits for the commune's group.
            (Status::Missing, Some(def), Some(ch))
                if ch.value.is_some()
                    && ch.threshold.is_none()
                    && def
                        .threshold
                        .as_ref()
                        .is_some_and(|t| t.by_group(rep.version)) =>
            {
                format!(
                    "{} ({} {})",
                    lang.pick("thiếu nhóm xã", "commune group missing"),
                    lang.pick("cột", "column"),
                    crate::criteria::GROUP_COLUMN
                )
            }
            (Status::Missing, _, _) => format!(
                "{} ({} {})",
                lang.pick("thiếu số liệu", "missing data"),
                lang.pick("cột", "column"),
                n.input
            ),
            (_, Some(def), Some(ch)) => {
                let g = text::gap(ch, def, lang);
                format!(
                    "{} {}, {} {}{}",
                    lang.pick("hiện", "now"),
                    text::value(ch.value, def, lang),
                    lang.pick("cần", "needs"),
                    check_rule(
                        ch,
                        def,
                        rep.version,
                        set.map_or(r.year, |s| s.threshold_year),
                        lang
                    ),
                    if g.is_empty() {
                        String::new()
                    } else {
                        format!(": {g}")
                    }
                )
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "  {}. {} {} / {} {}: {name} — {what}\n",
            i + 1,
            lang.pick("TC", "Crit."),
            n.criterion,
            lang.pick("chỉ tiêu", "indicator"),
            code
        ));
    }
    out
}

/// The code of check `k` (reading `input`) of indicator `code`: the code, plus what its input column
/// adds to it when the indicator has several checks (`17.1b`; `nc3.2a` → `3.2a`; `2.3·2` when the
/// column does not name the code).
pub(super) fn check_code(code: &str, input: &str, several: bool, k: usize) -> String {
    match input.find(code) {
        _ if !several => code.to_string(),
        Some(at) => format!("{code}{}", &input[at + code.len()..]),
        None => format!("{code}·{}", k + 1),
    }
}

/// A district's appraisal-prep report: its criteria, then the communes that hold it back.
fn district_detail(rep: &CheckReport, d: &DistrictResult, format: Format, style: &Style) -> String {
    let lang = style.lang;
    let mut out = detail_unit(rep, &d.unit, ("Huyện", "District"), format, style);
    out.push_str(&format!(
        "\n{}: {}/{} ({})\n",
        lang.pick("Số xã đạt chuẩn NTM", "Communes meeting xã NTM"),
        d.communes_ntm,
        d.communes_total,
        d.share_ntm
            .map_or("—".into(), |s| format!("{} %", derived(s, lang)))
    ));
    if let (true, Some(n), Some(from)) = (d.over.official(), d.over.listed_xa, &d.over.list_from) {
        let year = d.unit.year;
        out.push_str(&match (lang, d.over.before_list) {
            (Lang::Vi, false) => format!(
                "  Tính trên {n} xã của huyện theo danh sách đơn vị hành chính từ {from} (không tính thị trấn, phường).\n"
            ),
            (Lang::En, false) => format!(
                "  Counted over the district's {n} xã in the official list from {from} (towns and wards not counted).\n"
            ),
            (Lang::Vi, true) => format!(
                "  Tính trên {n} xã của huyện theo danh sách đơn vị hành chính từ {from} (không tính thị trấn, phường); năm {year} bắt đầu trước danh sách này (ntm không có danh sách cũ hơn): xã có trong tệp mà không có trong danh sách vẫn được tính.\n"
            ),
            (Lang::En, true) => format!(
                "  Counted over the district's {n} xã in the official list from {from} (towns and wards not counted); {year} begins before that list (ntm has no older one): communes in the file that the list does not have still count.\n"
            ),
        });
    }
    out.push_str(&shares_text(rep, d, lang));
    out
}

/// What the shares of a district rest on, when the reader must know it: the xã of the official list
/// that have no row (the district is then unknown at best), or shares over the file's communes only.
fn basis_text(d: &DistrictResult, lang: Lang) -> String {
    if !d.missing_communes.is_empty() {
        let from = d.over.list_from.as_deref().unwrap_or("");
        let listed: Vec<String> = d
            .missing_communes
            .iter()
            .map(|m| format!("{} {}", m.code, m.name))
            .collect();
        let n = d.missing_communes.len();
        let total = d.communes_total;
        return match lang {
            Lang::Vi => format!(
                "  Thiếu số liệu {n}/{total} xã của huyện theo danh sách từ {from} (huyện chưa thể được công nhận khi còn thiếu): {}\n",
                listed.join("; ")
            ),
            Lang::En => format!(
                "  No data for {n} of the district's {total} xã in the official list from {from} (the district cannot qualify while they are missing): {}\n",
                listed.join("; ")
            ),
        };
    }
    if d.over.code_not_in_list {
        return lang
            .pick(
                "  Tỷ lệ tính trên các xã có trong tệp số liệu xã (mã huyện không có trong danh sách đơn vị hành chính chính thức).\n",
                "  Shares over the communes in the commune data (the district code is not in the official list of administrative units).\n",
            )
            .to_string();
    }
    String::new()
}

/// The district's conditions on its communes that do not hold: who holds it back, or how many more.
pub(super) fn shares_text(rep: &CheckReport, d: &DistrictResult, lang: Lang) -> String {
    let mut out = basis_text(d, lang);
    if d.communes_total == 0 {
        out.push_str(lang.pick(
            "  Không có xã nào của huyện trong tệp số liệu xã: chưa đủ dữ liệu.\n",
            "  No commune of this district in the commune file: unknown.\n",
        ));
        return out;
    }
    for sh in d.shares.iter().filter(|s| s.needed_more > 0) {
        let set = rep
            .set_def(&sh.set)
            .map_or(sh.set.clone(), |s| s.short_name.get(lang).to_string());
        let blocking: Vec<String> = d
            .blocking_communes
            .iter()
            .filter(|b| b.set == sh.set)
            .map(|b| {
                format!(
                    "{} ({}, {}/{} {}{})",
                    b.name,
                    b.code,
                    b.criteria_met,
                    b.criteria_total,
                    lang.pick("tiêu chí", "criteria"),
                    if b.status == Verdict::Unknown {
                        lang.pick(", thiếu số liệu", ", missing data")
                    } else {
                        ""
                    }
                )
            })
            .collect();
        if blocking.is_empty() {
            out.push_str(&format!(
                "  {}: {} {} {set} ({}/{})\n",
                sh.indicator,
                lang.pick("cần thêm", "needs"),
                sh.needed_more,
                sh.communes_meeting,
                sh.communes_total
            ));
        } else {
            out.push_str(&format!(
                "  {}: {} {set}: {}\n",
                sh.indicator,
                lang.pick("xã chưa đạt", "communes not meeting"),
                blocking.join("; ")
            ));
        }
    }
    out
}

/// One row per district: communes, share meeting xã NTM, the district set's verdict, who holds it back.
fn districts_table(
    rep: &CheckReport,
    districts: &[DistrictResult],
    format: Format,
    style: &Style,
) -> String {
    let lang = style.lang;
    let header = districts_header(rep, true, lang);
    let rows: Vec<Vec<String>> = districts
        .iter()
        .map(|d| {
            let mut row = vec![
                d.unit.code.clone(),
                d.unit.name.clone(),
                d.unit.year.to_string(),
                d.communes_total.to_string(),
                format!(
                    "{} ({})",
                    d.communes_ntm,
                    d.share_ntm
                        .map_or("—".into(), |s| format!("{} %", derived(s, lang)))
                ),
            ];
            for s in &rep.district_sets {
                match d.unit.set(&s.id) {
                    Some(x) => {
                        row.push(format!("{}/{}", x.criteria_met, x.criteria_total));
                        row.push(text::verdict(x.qualified, lang).to_string());
                    }
                    None => row.extend([String::new(), String::new()]),
                }
            }
            let mut held = shares_text(rep, d, lang)
                .trim()
                .trim_end_matches('.')
                .replace('\n', "; ");
            let failing: Vec<&str> = d
                .unit
                .sets
                .iter()
                .flat_map(|s| s.failing())
                .filter(|c| {
                    !d.shares
                        .iter()
                        .any(|sh| c.indicators.iter().any(|i| i.code == sh.indicator))
                })
                .map(|c| c.number.as_str())
                .collect();
            let unknown: Vec<&str> = d
                .unit
                .sets
                .iter()
                .flat_map(|s| s.criteria.iter())
                .filter(|c| c.status == Verdict::Unknown)
                .filter(|c| {
                    !d.shares.iter().any(|sh| {
                        c.indicators.iter().any(|i| {
                            i.code == sh.indicator && i.status == crate::eval::Status::Missing
                        })
                    })
                })
                .map(|c| c.number.as_str())
                .collect();
            for (label, list) in [
                (lang.pick("tiêu chí huyện", "district criteria"), &failing),
                (
                    lang.pick("thiếu số liệu huyện", "district data missing"),
                    &unknown,
                ),
            ] {
                if !list.is_empty() {
                    if !held.is_empty() {
                        held.push_str("; ");
                    }
                    held.push_str(&format!("{label}: {}", list.join(", ")));
                }
            }
            row.push(held);
            row
        })
        .collect();
    table_or_md(format, style, header, rows)
}

/// Per year: a table of the districts' measures when the file covers several, then the whole file.
fn summaries_text(
    rep: &CheckReport,
    summaries: &[Summary],
    verdicts: &[(String, i32, Verdict)],
    format: Format,
    style: &Style,
) -> String {
    let lang = style.lang;
    let mut out = String::new();
    let mut years: Vec<i32> = summaries.iter().map(|s| s.year).collect();
    years.dedup();
    for year in years {
        let of_year: Vec<&Summary> = summaries.iter().filter(|s| s.year == year).collect();
        let districts: Vec<&&Summary> = of_year.iter().filter(|s| s.district.is_some()).collect();
        if !districts.is_empty() {
            out.push('\n');
            out.push_str(&format!(
                "{} {year}\n",
                lang.pick("Tổng hợp theo huyện, năm", "Summary by district,")
            ));
            let mut header: Vec<String> = vec![
                lang.pick("Huyện", "District").into(),
                lang.pick("Số xã", "Communes").into(),
            ];
            if let Some(first) = of_year.first() {
                for g in &first.groups {
                    header.push(text::group_name(g, lang));
                }
                for l in &first.levels {
                    header.push(
                        rep.set_def(&l.set)
                            .map_or(l.set.clone(), |d| d.short_name.get(lang).to_string()),
                    );
                }
            }
            header.push(lang.pick("Bình quân TC", "Avg criteria").into());
            header.push(lang.pick("% đạt xã NTM", "% at xã NTM").into());
            if !verdicts.is_empty() {
                for s in &rep.district_sets {
                    header.push(s.short_name.get(lang).to_string());
                }
            }
            let row = |s: &Summary, name: String| {
                let mut r = vec![name, s.units.to_string()];
                r.extend(s.groups.iter().map(|g| g.count.to_string()));
                r.extend(s.levels.iter().map(|l| l.qualified.to_string()));
                r.push(
                    s.average_criteria_met
                        .map_or("—".into(), |a| derived(a, lang)),
                );
                r.push(
                    s.share_meeting_base
                        .map_or("—".into(), |a| format!("{} %", derived(a, lang))),
                );
                if !verdicts.is_empty() && !rep.district_sets.is_empty() {
                    let key = s.district.as_deref().map(district_key);
                    let v =
                        key.and_then(|k| verdicts.iter().find(|(dk, y, _)| *dk == k && *y == year));
                    r.push(match (v, &s.district) {
                        (Some((_, _, v)), _) => text::verdict(*v, lang).to_string(),
                        (None, Some(_)) => lang
                            .pick("(không có trong tệp huyện)", "(not in the district file)")
                            .into(),
                        (None, None) => String::new(),
                    });
                }
                r
            };
            let mut rows: Vec<Vec<String>> = districts
                .iter()
                .map(|s| row(s, s.district.clone().unwrap_or_default()))
                .collect();
            if let Some(all) = of_year.iter().find(|s| s.district.is_none()) {
                rows.push(row(all, lang.pick("Toàn bộ tệp", "Whole file").into()));
            }
            out.push_str(&table_or_md(format, style, header, rows));
        }
        if let Some(all) = of_year.iter().find(|s| s.district.is_none()) {
            out.push('\n');
            out.push_str(&summary(rep, all, format, style));
        }
    }
    out
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
    row.push(shares_text(rep, d, lang).trim().replace('\n', "; "));
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
    row.push(blocking_text(rep, r, lang));
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
        u.line.to_string(),
        String::new(),
        "not_scored".to_string(),
    ];
    for _ in rep.sets.iter().chain(&rep.district_sets) {
        row.extend([String::new(), String::new(), String::new()]);
    }
    row.push(reasons_text(u, lang));
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
    row.push(reasons_text(u, lang));
    row.extend(std::iter::repeat_n(String::new(), 4));
    row
}

/// The reasons a row was not scored, on one line.
pub(super) fn reasons_text(u: &Unscored, lang: Lang) -> String {
    u.reasons
        .iter()
        .map(|r| r.get(lang))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The rows that could not be scored, after the results of a table or Markdown report.
fn unscored_text(list: &[Unscored], format: Format, style: &Style) -> String {
    if list.is_empty() {
        return String::new();
    }
    let lang = style.lang;
    let header: Vec<String> = vec![
        lang.pick("Tệp:dòng", "File:line").into(),
        lang.pick("Mã", "Code").into(),
        lang.pick("Tên", "Name").into(),
        lang.pick("Năm", "Year").into(),
        lang.pick("Lý do", "Reason").into(),
    ];
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|u| {
            vec![
                format!("{}:{}", u.file, u.line),
                u.code.clone(),
                u.name.clone(),
                u.year.map(|y| y.to_string()).unwrap_or_default(),
                reasons_text(u, lang),
            ]
        })
        .collect();
    let mut out = format!(
        "\n{}: {} {}\n",
        lang.pick(
            "Dòng không chấm được (không tính vào kết quả và tổng hợp)",
            "Rows not scored (left out of the results and summaries)"
        ),
        list.len(),
        lang.pick("dòng", "row(s)")
    );
    out.push_str(&table_or_md(format, style, header, rows));
    out
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
fn csv_detail_rows(r: &UnitResult, _lang: Lang) -> String {
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
                        ind.code.clone(),
                        ch.input.clone(),
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

fn json_head(rep: &CheckReport) -> Json {
    json!({
        "schema_version": SCHEMA_VERSION,
        "criteria_version": rep.version.id,
        "criteria_origin": rep.version.origin,
        "level": rep.level,
        "target": rep.target,
        "file": rep.file,
        "sets": rep.sets.iter().chain(&rep.district_sets).map(|s| json!({
            "id": s.id,
            "name": s.name.vi,
            "name_en": s.name.en,
            "decision": s.decision,
            "decision_date": s.decision_date,
            "unverified": s.unverified_count(),
        })).collect::<Vec<_>>(),
    })
}
