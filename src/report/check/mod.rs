//! `check` results: the batch table with the programme's measures, the appraisal-prep report for one
//! commune, and the JSON, CSV and Markdown forms.

use serde_json::{Value as Json, json};

pub mod words;

use super::model::{
    Blocking, CheckRow, ConditionRow, DistrictView, Level, NeedsView, Readiness, SetView,
};
use super::text;
use std::io::{self, Write};

use super::grid::{Column, Grid, Tint};
use super::json_out::{commune_out, district_out};
use super::{Format, SCHEMA_VERSION, Style, csv_line, md_table};
use crate::criteria::CriteriaSet;
use crate::diag::Problem;
use crate::eval::district::{DistrictResult, district_key};
use crate::eval::summary::{Summary, SummaryBuilder};
use crate::eval::view::{Scored, UnitView};
use crate::eval::{Status, UnitResult, Verdict};
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
    let level = Level::of(rep, r);
    let lvl_tint = match level {
        Level::Reached(_) => Some(Tint::Green),
        Level::None(first) => first.map(tint_of),
    };
    row.push((words::level(&level, lang), lvl_tint));
    row.push((words::blocking(Blocking::of(rep, r).as_ref(), lang), None));
    row.push((words::readiness(&Readiness::brief(rep, r), lang), None));
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
        words::level(&Level::of(rep, r), lang)
    ));
    if let Some(rd) = &r.readiness {
        out.push_str(&format!(
            "{} ({}): {}\n",
            lang.pick(
                "Đủ điều kiện đề nghị công nhận",
                "Ready to be proposed for recognition"
            ),
            rep.set_ref(&rd.set).short_name(lang),
            words::readiness(&Readiness::explained(rep, r), lang)
        ));
        for c in ConditionRow::of(rep, r).into_iter().flatten() {
            let (value, rule) = c.first.map_or((String::new(), String::new()), |(v, q)| {
                (text::figure(&v, lang), text::requirement(&q, lang))
            });
            out.push_str(&format!(
                "  - {}: {value} ({} {rule}) — {}\n",
                c.def.name.get(lang),
                lang.pick("cần", "needs"),
                text::status(c.result.status, lang)
            ));
        }
    }
    for set in &r.sets {
        let view = SetView::of(rep, rep.version, r, set);
        let mut head = format!(
            "{}: {}/{} {} — {}",
            view.set.name(lang),
            set.criteria_met,
            set.criteria_total,
            lang.pick("tiêu chí đạt", "criteria met"),
            text::verdict(set.qualified, lang)
        );
        for (p, v) in &view.prerequisites {
            head.push_str(&format!(
                "; {} {}: {}",
                lang.pick("điều kiện tiên quyết", "prerequisite"),
                p.id,
                text::verdict(*v, lang)
            ));
        }
        if let Some(year) = view.nearest_year {
            head.push_str(&format!(
                "; {} {year}",
                lang.pick(
                    "dùng ngưỡng của năm gần nhất:",
                    "thresholds of the nearest year:"
                ),
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
        let cells = |row: &CheckRow| {
            let mut v = vec![
                if row.first_of_criterion {
                    format!(
                        "{} — {}",
                        words::criterion(row, lang),
                        text::verdict(row.criterion_result.status, lang)
                    )
                } else {
                    String::new()
                },
                if row.k == 0 {
                    row.indicator.code.clone()
                } else {
                    String::new()
                },
                words::content(row, lang),
                text::figure(&row.value, lang),
                text::requirement(&row.requirement, lang),
                text::status(row.status, lang).to_string(),
                text::gap_of(&row.gap, lang),
            ];
            if rep.explain {
                v.push(words::how(row, lang));
                v.push(row.indicator_def.source.to_string());
            }
            v
        };
        if format == Format::Md {
            out.push('\n');
            out.push_str(&md_table(
                &header,
                &view.rows.iter().map(cells).collect::<Vec<_>>(),
            ));
        } else {
            // The criterion heads its indicators on a line of its own.
            let mut cols: Vec<Column> = header.iter().map(|h| Column::new(h).wrap()).collect();
            cols[0] = Column::new(&header[0]).group();
            let mut t = Grid::new(cols).auto();
            for row in &view.rows {
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
    out.push_str(&needs_text(&NeedsView::of(rep, r), lang));
    out.push_str(text::unverified_legend(lang));
    out.push('\n');
    out
}

/// "Still needed" for the next level, numbered, as the text report lists it.
fn needs_text(needs: &NeedsView, lang: Lang) -> String {
    let mut out = format!("\n{}\n", words::needs_title(needs, lang));
    for p in &needs.prerequisites {
        out.push_str(&format!(
            "  - {} {}\n",
            lang.pick("đạt trước bộ", "first meet set"),
            p.id
        ));
    }
    for (i, n) in needs.items.iter().enumerate() {
        out.push_str(&format!(
            "  {}. {} {} / {} {}: {} — {}\n",
            i + 1,
            lang.pick("TC", "Crit."),
            n.need.criterion,
            lang.pick("chỉ tiêu", "indicator"),
            n.code,
            words::need_content(n, lang),
            words::need_what(n, lang)
        ));
    }
    out
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
    for line in words::share_lines(&DistrictView::of(rep, d), lang) {
        out.push_str(&format!("  {line}\n"));
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
            let view = DistrictView::of(rep, d);
            let mut held = words::shares_cell(&view, lang)
                .trim_end_matches('.')
                .to_string();
            for (label, list) in [
                (
                    lang.pick("tiêu chí huyện", "district criteria"),
                    &view.own_failing,
                ),
                (
                    lang.pick("thiếu số liệu huyện", "district data missing"),
                    &view.own_unknown,
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
        u.line.to_string(),
        String::new(),
        "not_scored".to_string(),
    ];
    for _ in rep.sets.iter().chain(&rep.district_sets) {
        row.extend([String::new(), String::new(), String::new()]);
    }
    row.push(words::reasons(u, lang));
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
                words::reasons(u, lang),
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
