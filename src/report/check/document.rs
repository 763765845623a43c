//! The text report of `check`, on a terminal ([`super::table`]) or in Markdown
//! ([`super::markdown`]): one row per commune, the districts and the programme's measures per year;
//! or, with `--commune` or `--explain`, one appraisal-prep report per unit (its level, readiness,
//! every indicator of every set, what is still needed). Both say the same thing; they differ only in
//! how a table, a title and a heading are laid out: a [`Layout`].

use std::io::{self, Write};

use super::gather::Gathered;
use super::words;
use crate::diag::Problem;
use crate::eval::district::{DistrictResult, district_key};
use crate::eval::summary::Summary;
use crate::eval::view::{Scored, UnitView};
use crate::eval::{Status, UnitResult, Verdict};
use crate::i18n::{Lang, derived};
use crate::input::Unscored;
use crate::pipeline::Sink;
use crate::pipeline::check::Outcome;
use crate::report::Style;
use crate::report::grid::{Column, Grid, Tint};
use crate::report::model::{
    Blocking, CheckReport, CheckRow, ConditionRow, DistrictView, Level, NeedsView, Readiness,
    SetView, name_has_kind,
};
use crate::report::text;

/// How the text report lays out its tables and headings.
pub(super) trait Layout {
    /// A table of the report (summaries, districts, rows not scored), after a blank line.
    fn table(&self, header: Vec<String>, rows: Vec<Vec<String>>, style: &Style) -> String;
    /// The one-row-per-commune table, its cells tinted by verdict.
    fn batch(&self, rows: &mut Grid, style: &Style) -> String;
    /// A unit's indicators, under the headers given; each cell with the tint of its verdict, if any.
    fn indicators(
        &self,
        header: &[String],
        rows: Vec<Vec<(String, Option<Tint>)>>,
        style: &Style,
    ) -> String;
    /// The title of one unit's report, and what follows it.
    fn title(&self, title: &str) -> String;
    /// The heading of a set in one unit's report.
    fn heading(&self, head: &str) -> String;
}

/// Writes the text report: one unit's report as soon as it is scored; the one-row-per-commune table
/// and the summaries at the end.
pub(super) struct TextSink<'a, W: Write> {
    rep: &'a CheckReport<'a>,
    layout: &'a dyn Layout,
    style: Style,
    out: W,
    gathered: Gathered,
    /// The one-row-per-commune table's current page: written each [`PAGE`] rows, the last at the
    /// end.
    rows: Grid,
    /// Whether a unit of the current page has been assessed (else its readiness column is hidden).
    any_ready: bool,
    /// The pages written so far.
    pages: usize,
    /// Districts' verdicts by (district key, year), for the summaries.
    district_verdicts: Vec<(String, i32, Verdict)>,
}

impl<'a, W: Write> TextSink<'a, W> {
    pub(super) fn new(
        rep: &'a CheckReport<'a>,
        layout: &'a dyn Layout,
        style: Style,
        out: W,
    ) -> io::Result<Self> {
        Ok(TextSink {
            rep,
            layout,
            style,
            out,
            gathered: Gathered::new(rep)?,
            rows: Grid::new(batch_columns(rep, style.lang)),
            any_ready: false,
            pages: 0,
            district_verdicts: Vec::new(),
        })
    }
}

/// Rows of the one-row-per-commune table laid out together: a longer table is written in pages of
/// this many rows, each with its header (and its constant columns, hidden column and note worked
/// out for its own rows), so that the report's memory does not grow with the file.
pub(super) const PAGE: usize = 1000;

impl<W: Write> TextSink<'_, W> {
    /// Write the rows held as one page of the table, and start the next.
    fn page(&mut self) -> io::Result<()> {
        let fresh = Grid::new(batch_columns(self.rep, self.style.lang));
        let mut rows = std::mem::replace(&mut self.rows, fresh);
        let text = batch(
            self.rep,
            &mut rows,
            std::mem::take(&mut self.any_ready),
            self.layout,
            &self.style,
        );
        if self.pages > 0 {
            self.out.write_all(b"\n")?;
        }
        self.pages += 1;
        self.out.write_all(text.as_bytes())
    }
}

impl<W: Write> Sink for TextSink<'_, W> {
    fn wants_explained(&self) -> bool {
        !self.rep.summary_only && self.rep.detail
    }

    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()> {
        self.gathered.count(scored);
        let view = self.rep.for_version(&scored.version.id);
        let rep: &CheckReport = &view;
        if rep.summary_only {
            return Ok(());
        }
        if rep.detail {
            let r = explained.ok_or_else(|| {
                io::Error::other("the report needs the explained result of each commune")
            })?;
            let text = detail(rep, r, self.layout, &self.style);
            writeln!(self.out, "{text}")?;
        } else {
            self.any_ready |= scored.assessed();
            self.rows.push(batch_row(rep, scored, self.style.lang));
            if self.rows.rows() == PAGE {
                self.page()?;
            }
        }
        Ok(())
    }

    /// A district, after all the communes.
    fn district(&mut self, d: DistrictResult) -> io::Result<()> {
        let verdict = d.qualified();
        for k in [&d.unit.code, &d.unit.name] {
            if !k.is_empty() {
                self.district_verdicts
                    .push((district_key(k), d.unit.year, verdict));
            }
        }
        if self.rep.detail {
            let view = self.rep.for_version(&d.unit.version);
            let text = district_detail(&view, &d, self.layout, &self.style);
            writeln!(self.out, "{text}")?;
        }
        self.gathered.districts.push(d);
        Ok(())
    }

    fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        self.gathered.unscored.push(u);
        Ok(())
    }

    /// The table, the summaries, the rows not scored, and what the exit code will mean.
    fn finish(&mut self, _problems: &[Problem], outcome: &Outcome) -> io::Result<()> {
        let rep = self.rep;
        let nothing = outcome.scored == 0 && self.gathered.districts.is_empty();
        // The table's last page (its only one, when short), before the rest.
        if !rep.detail && !rep.summary_only && !nothing && (self.rows.rows() > 0 || self.pages == 0)
        {
            self.page()?;
        }
        let (lay, style, lang) = (self.layout, &self.style, self.style.lang);
        let summaries = self.gathered.summaries();
        let mut text = String::new();
        if !rep.detail && !rep.summary_only && nothing {
            // No table of nothing: say so, and the rows not scored below say why.
            text.push_str(lang.pick(
                "Không chấm được đơn vị nào.\n",
                "No unit could be scored.\n",
            ));
        } else if !rep.detail && !rep.summary_only && !self.gathered.districts.is_empty() {
            text.push('\n');
            text.push_str(&districts_table(rep, &self.gathered.districts, lay, style));
        }
        if !rep.detail {
            text.push_str(&summaries_text(
                rep,
                &summaries,
                &self.district_verdicts,
                lay,
                style,
            ));
        }
        text.push_str(&unscored_text(&self.gathered.unscored, lay, style));
        // What the exit code will mean, last.
        let district = rep
            .district_sets
            .last()
            .map(|s| rep.set_ref(&s.id).short_name(lang))
            .unwrap_or_default();
        let meaning = outcome.meaning(&rep.set_ref(&rep.target).short_name(lang), &district);
        text.push_str(&format!("\n{}\n", meaning.get(lang)));
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }
}

fn tint_of(v: Verdict) -> Tint {
    match v {
        Verdict::Pass => Tint::Green,
        Verdict::Fail => Tint::Red,
        Verdict::Unknown => Tint::Yellow,
    }
}

fn status_tint(s: Status) -> Option<Tint> {
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

fn batch(
    rep: &CheckReport,
    rows: &mut Grid,
    show_ready: bool,
    lay: &dyn Layout,
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
    lay.batch(rows, style)
}

fn summary(rep: &CheckReport, s: &Summary, lay: &dyn Layout, style: &Style) -> String {
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
    out.push_str(&lay.table(header, rows, style));
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
    out.push_str(&lay.table(header, rows, style));
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
        out.push_str(&lay.table(header, rows, style));
    }
    let (unverified, total) = rep.unverified();
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

fn detail(rep: &CheckReport, r: &UnitResult, lay: &dyn Layout, style: &Style) -> String {
    detail_unit(rep, r, ("Xã", "Commune"), lay, style)
}

/// The appraisal-prep report of one unit; `kind` names it (`Xã`, `Huyện`).
fn detail_unit(
    rep: &CheckReport,
    r: &UnitResult,
    kind: (&str, &str),
    lay: &dyn Layout,
    style: &Style,
) -> String {
    let lang = style.lang;
    let mut out = String::new();
    // "Xã Gia Cát", unless the name already says "Xã …", "Phường …", "Huyện …".
    let prefix = if name_has_kind(&r.name) {
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
    out.push_str(&lay.title(&title));
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
        out.push_str(&format!("\n{}\n", lay.heading(&head)));
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
                    row.indicator.code.to_string()
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
                v.push(row.indicator_def.source.show(lang));
            }
            v
        };
        let rows: Vec<Vec<(String, Option<Tint>)>> = view
            .rows
            .iter()
            .map(|row| {
                // The result and the gap in the colour of the status.
                let tint = status_tint(row.status);
                cells(row)
                    .into_iter()
                    .enumerate()
                    .map(|(i, s)| (s, tint.filter(|_| i == 5 || i == 6)))
                    .collect()
            })
            .collect();
        out.push('\n');
        out.push_str(&lay.indicators(&header, rows, style));
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
fn district_detail(
    rep: &CheckReport,
    d: &DistrictResult,
    lay: &dyn Layout,
    style: &Style,
) -> String {
    let lang = style.lang;
    let mut out = detail_unit(rep, &d.unit, ("Huyện", "District"), lay, style);
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
    lay: &dyn Layout,
    style: &Style,
) -> String {
    let lang = style.lang;
    let header = words::districts_header(rep, true, lang);
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
    lay.table(header, rows, style)
}

/// Per year: a table of the districts' measures when the file covers several, then the whole file.
fn summaries_text(
    rep: &CheckReport,
    summaries: &[Summary],
    verdicts: &[(String, i32, Verdict)],
    lay: &dyn Layout,
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
            out.push_str(&lay.table(header, rows, style));
        }
        if let Some(all) = of_year.iter().find(|s| s.district.is_none()) {
            out.push('\n');
            out.push_str(&summary(rep, all, lay, style));
        }
    }
    out
}

/// The rows that could not be scored, after the results of a table or Markdown report.
fn unscored_text(list: &[Unscored], lay: &dyn Layout, style: &Style) -> String {
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
                u.place(&u.file),
                u.code.clone(),
                u.name.clone(),
                u.year.map(|y| y.to_string()).unwrap_or_default(),
                words::reasons(u, lang),
            ]
        })
        .collect();
    let files = list.iter().filter(|u| u.whole_file()).count();
    let lines = list.len() - files;
    let mut counts = Vec::new();
    if lines > 0 {
        counts.push(format!("{lines} {}", lang.pick("dòng", "row(s)")));
    }
    if files > 0 {
        counts.push(format!(
            "{files} {}",
            lang.pick("tệp không đọc được", "file(s) that could not be read")
        ));
    }
    let mut out = format!(
        "\n{}: {}\n",
        lang.pick(
            "Dòng không chấm được (không tính vào kết quả và tổng hợp)",
            "Rows not scored (left out of the results and summaries)"
        ),
        counts.join(", ")
    );
    out.push_str(&lay.table(header, rows, style));
    out
}
