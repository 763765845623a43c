//! `check --format html`: one self-contained, printable document (A4): a summary page (a chart of
//! criteria met per commune, the programme's group counts and levels per year, the districts'
//! verdicts, the signatures), then one page per commune for the appraisal visit; with `--commune`,
//! only the communes' pages. Every printed page carries the date of the run, the criteria version
//! and its number; table headers repeat on each page a table runs over. No external asset; the date
//! is the only thing that changes from one day to the next (`NTM_DATE` sets it, see
//! [`super::print::RunDate`]). Input files are named without their folders.

mod chart;
mod commune;
mod indicators;

use std::io;

use super::gather::Gathered;
use super::words::{self, districts_header};
use crate::eval::district::DistrictResult;
use crate::eval::summary::Summary;
use crate::eval::{UnitResult, Verdict};
use crate::i18n::{Lang, derived};
use crate::input::Unscored;
use crate::report::Style;
use crate::report::html::esc;
use crate::report::model::{Blocking, CheckReport, DistrictView, Level, Readiness};
use crate::report::print::{file_names, page_css, signatures};
use crate::report::text;

/// The print style sheet, inlined in the document.
const CSS: &str = include_str!("html/report.css");

/// The document's bytes, for [`EndSink`](super::gather::EndSink).
pub(super) fn document(
    rep: &CheckReport,
    g: &Gathered,
    summaries: &[Summary],
    style: &Style,
) -> io::Result<Vec<u8>> {
    Ok(render(rep, &g.units, &g.districts, summaries, &g.unscored, style).into_bytes())
}

/// The whole report as one HTML document.
fn render(
    rep: &CheckReport,
    units: &[UnitResult],
    districts: &[DistrictResult],
    summaries: &[Summary],
    unscored: &[Unscored],
    style: &Style,
) -> String {
    let lang = style.lang;
    let years = years_text(summaries);
    // With --commune, the communes' own pages: a summary of one commune says nothing more.
    let mut body = if rep.picked {
        String::new()
    } else {
        summary_page(rep, units, districts, summaries, &years, lang)
    };
    body.push_str(&unscored_section(unscored, lang));
    for (i, u) in units.iter().enumerate() {
        body.push_str(&commune::page(&rep.for_version(&u.version), u, i, lang));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{} — {}{}</title>\n<style>\n{CSS}{}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        lang.pick("vi", "en"),
        esc(title(lang)),
        esc(&file_names(&rep.files)),
        if years.is_empty() {
            String::new()
        } else {
            format!(" — {}", esc(&years))
        },
        page_css(rep.date, &rep.version.id, lang),
    )
}

/// The rows that could not be scored, on a page of their own after the summary.
fn unscored_section(list: &[Unscored], lang: Lang) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section class=\"unscored\">\n<h2>{}: {} {}</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        esc(lang.pick(
            "Dòng không chấm được (không tính vào kết quả và tổng hợp)",
            "Rows not scored (left out of the results and summaries)"
        )),
        list.len(),
        lang.pick("dòng", "row(s)"),
        lang.pick("Tệp:dòng", "File:line"),
        lang.pick("Mã", "Code"),
        lang.pick("Tên", "Name"),
        lang.pick("Năm", "Year"),
        lang.pick("Lý do", "Reason"),
    );
    for u in list {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&u.place(&crate::report::print::file_name(&u.file))),
            esc(&u.code),
            esc(&u.name),
            u.year.map(|y| y.to_string()).unwrap_or_default(),
            esc(&words::reasons(u, lang)),
        ));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}

fn title(lang: Lang) -> &'static str {
    lang.pick(
        "Đánh giá tiêu chí nông thôn mới",
        "New Rural Development criteria assessment",
    )
}

/// The years covered: `2024`, `2023–2024`, `2021, 2024`.
fn years_text(summaries: &[Summary]) -> String {
    let mut years: Vec<i32> = summaries.iter().map(|s| s.year).collect();
    years.sort_unstable();
    years.dedup();
    match years.as_slice() {
        [] => String::new(),
        [y] => y.to_string(),
        [first, .., last] if (last - first) as usize + 1 == years.len() => {
            format!("{first}–{last}")
        }
        _ => years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

pub(super) fn short_name(rep: &CheckReport, id: &str, lang: Lang) -> String {
    rep.set_ref(id).short_name(lang)
}

/// The CSS class of the level reached: `pass`, or the first set's verdict.
pub(super) fn level_class(l: &Level) -> &'static str {
    match l {
        Level::Reached(_) => "pass",
        Level::None(first) => first.map_or("unknown", verdict_class),
    }
}

/// The CSS class of a verdict.
pub(super) fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::Unknown => "unknown",
    }
}

/// A coloured verdict badge.
pub(super) fn badge(v: Verdict, lang: Lang) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        verdict_class(v),
        esc(text::verdict(v, lang))
    )
}

/// A table's header row, repeated on each printed page the table runs over.
fn th(cells: &[String]) -> String {
    let mut out = String::from("<thead><tr>");
    for c in cells {
        out.push_str(&format!("<th>{}</th>", esc(c)));
    }
    out.push_str("</tr></thead>\n");
    out
}

fn summary_page(
    rep: &CheckReport,
    units: &[UnitResult],
    districts: &[DistrictResult],
    summaries: &[Summary],
    years: &str,
    lang: Lang,
) -> String {
    let mut out = String::from("<section class=\"summary\">\n");
    out.push_str(&format!("<h1>{}</h1>\n", esc(title(lang))));
    out.push_str(&format!(
        "<p class=\"meta\">{}: <b>{}</b> · {}: <b>{}</b>{} · {}: <b>{}</b>{}</p>\n",
        lang.pick("Bộ tiêu chí", "Criteria version"),
        esc(&rep.version.id),
        lang.pick("Tệp số liệu", "Data file"),
        esc(&file_names(&rep.files)),
        if years.is_empty() {
            String::new()
        } else {
            format!(" · {}: <b>{}</b>", lang.pick("Năm", "Year"), esc(years))
        },
        lang.pick("Mức đánh giá", "Level asked"),
        esc(&rep.level),
        rep.date.map_or(String::new(), |d| format!(
            " · {}: <b>{}</b>",
            lang.pick("Ngày lập", "Made on"),
            d.show(lang)
        )),
    ));
    let sets: Vec<String> = rep
        .sets
        .iter()
        .chain(&rep.district_sets)
        .map(|s| {
            format!(
                "{} ({} {}, {})",
                esc(s.name.get(lang)),
                lang.pick("QĐ", "decision"),
                esc(&s.decision),
                esc(&s.decision_date)
            )
        })
        .collect();
    out.push_str(&format!(
        "<p class=\"meta small\">{}</p>\n",
        sets.join("; ")
    ));
    if !units.is_empty() {
        out.push_str(&chart::bars(rep, units, lang));
    }
    out.push_str(&measures(rep, summaries, lang));
    if !units.is_empty() {
        out.push_str(&units_table(rep, units, lang));
    }
    if !districts.is_empty() {
        out.push_str(&districts_table(rep, districts, lang));
    }
    out.push_str(&unverified_note(rep, lang));
    out.push_str(&signatures(lang));
    out.push_str("</section>\n");
    out
}

/// Groups by criteria met and levels, per year: the programme's own measures.
fn measures(rep: &CheckReport, summaries: &[Summary], lang: Lang) -> String {
    let whole: Vec<&Summary> = summaries.iter().filter(|s| s.district.is_none()).collect();
    let Some(first) = whole.first() else {
        return String::new();
    };
    let base = short_name(rep, &first.set, lang);
    let mut groups = String::from("<table class=\"groups\">\n");
    let mut head = vec![format!(
        "{} ({base})",
        lang.pick("Nhóm theo số tiêu chí đạt", "Group by criteria met")
    )];
    head.extend(whole.iter().map(|s| s.year.to_string()));
    groups.push_str(&th(&head));
    for (i, g) in first.groups.iter().enumerate() {
        groups.push_str(&format!("<tr><td>{}</td>", esc(&text::group_name(g, lang))));
        for s in &whole {
            let n = s.groups.get(i).map_or(0, |g| g.count);
            groups.push_str(&format!("<td class=\"n\">{n}</td>"));
        }
        groups.push_str("</tr>\n");
    }
    let rows: [(String, Vec<String>); 3] = [
        (
            lang.pick("Tổng số xã", "Communes").to_string(),
            whole.iter().map(|s| s.units.to_string()).collect(),
        ),
        (
            lang.pick("Bình quân tiêu chí đạt/xã", "Average criteria met")
                .to_string(),
            whole
                .iter()
                .map(|s| {
                    s.average_criteria_met
                        .map_or("—".into(), |a| derived(a, lang))
                })
                .collect(),
        ),
        (
            format!("{} {base}", lang.pick("Tỷ lệ xã đạt", "Share meeting")),
            whole
                .iter()
                .map(|s| {
                    s.share_meeting_base
                        .map_or("—".into(), |a| format!("{} %", derived(a, lang)))
                })
                .collect(),
        ),
    ];
    for (label, cells) in rows {
        groups.push_str(&format!("<tr><th>{}</th>", esc(&label)));
        for c in cells {
            groups.push_str(&format!("<td class=\"n\">{}</td>", esc(&c)));
        }
        groups.push_str("</tr>\n");
    }
    groups.push_str("</table>\n");
    let mut levels = String::from("<table class=\"levels\">\n");
    levels.push_str(&th(&[
        lang.pick("Năm", "Year").into(),
        lang.pick("Mức", "Level").into(),
        lang.pick("Đạt", "Qualified").into(),
        lang.pick("Chưa đạt", "Not qualified").into(),
        lang.pick("Chưa đủ dữ liệu", "Unknown").into(),
    ]));
    for s in &whole {
        for (i, l) in s.levels.iter().enumerate() {
            let year = if i == 0 {
                format!("<th rowspan=\"{}\">{}</th>", s.levels.len(), s.year)
            } else {
                String::new()
            };
            levels.push_str(&format!(
                "<tr>{year}<td>{}</td><td class=\"n pass\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
                esc(&short_name(rep, &l.set, lang)),
                l.qualified,
                l.not_qualified,
                l.unknown
            ));
        }
    }
    levels.push_str("</table>\n");
    let mut out = format!("<div class=\"row\"><div>{groups}</div><div>{levels}</div></div>\n");
    out.push_str(&district_measures(rep, summaries, lang));
    out
}

/// When the file covers several districts: one row per district and year.
fn district_measures(rep: &CheckReport, summaries: &[Summary], lang: Lang) -> String {
    let by_district: Vec<&Summary> = summaries.iter().filter(|s| s.district.is_some()).collect();
    let Some(first) = by_district.first() else {
        return String::new();
    };
    let mut head: Vec<String> = vec![
        lang.pick("Năm", "Year").into(),
        lang.pick("Huyện", "District").into(),
        lang.pick("Số xã", "Communes").into(),
    ];
    head.extend(first.groups.iter().map(|g| text::group_name(g, lang)));
    head.extend(first.levels.iter().map(|l| short_name(rep, &l.set, lang)));
    head.push(lang.pick("Bình quân TC", "Avg criteria").into());
    let mut out = format!(
        "<h4>{}</h4>\n<table class=\"small\">\n{}",
        lang.pick("Tổng hợp theo huyện", "By district"),
        th(&head)
    );
    for s in by_district {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td>",
            s.year,
            esc(s.district.as_deref().unwrap_or_default()),
            s.units
        ));
        for g in &s.groups {
            out.push_str(&format!("<td class=\"n\">{}</td>", g.count));
        }
        for l in &s.levels {
            out.push_str(&format!("<td class=\"n\">{}</td>", l.qualified));
        }
        out.push_str(&format!(
            "<td class=\"n\">{}</td></tr>\n",
            s.average_criteria_met
                .map_or("—".into(), |a| derived(a, lang))
        ));
    }
    out.push_str("</table>\n");
    out
}

/// One row per commune: criteria met of each set, level, what blocks the next one, readiness.
fn units_table(rep: &CheckReport, units: &[UnitResult], lang: Lang) -> String {
    let mut head: Vec<String> = vec![
        lang.pick("Mã", "Code").into(),
        lang.pick("Xã", "Commune").into(),
        lang.pick("Huyện", "District").into(),
        lang.pick("Năm", "Year").into(),
    ];
    head.extend(rep.sets.iter().map(|s| s.short_name.get(lang).to_string()));
    head.push(lang.pick("Mức đạt", "Level reached").into());
    head.push(
        lang.pick("Còn vướng (mức tiếp theo)", "Still open (next level)")
            .into(),
    );
    head.push(lang.pick("Đề nghị công nhận", "Ready").into());
    let mut out = format!(
        "<h4>{}</h4>\n<table class=\"units small\">\n{}",
        lang.pick("Kết quả từng xã", "Result per commune"),
        th(&head)
    );
    for (i, u) in units.iter().enumerate() {
        out.push_str(&format!(
            "<tr><td>{}</td><td><a href=\"#u{}\">{}</a></td><td>{}</td><td>{}</td>",
            esc(&u.code),
            i + 1,
            esc(&u.name),
            esc(&u.parent),
            u.year
        ));
        for s in &rep.sets {
            match u.set(&s.id) {
                Some(x) => out.push_str(&format!(
                    "<td class=\"n {}\">{}/{}</td>",
                    verdict_class(x.status),
                    x.criteria_met,
                    x.criteria_total
                )),
                None => out.push_str("<td></td>"),
            }
        }
        let level = Level::of(rep, u);
        out.push_str(&format!(
            "<td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>\n",
            level_class(&level),
            esc(&words::level(&level, lang)),
            esc(&words::blocking_named(Blocking::of(rep, u).as_ref(), lang)),
            esc(&words::readiness(&Readiness::brief(rep, u), lang))
        ));
    }
    out.push_str("</table>\n");
    out
}

/// The districts' verdicts and what holds each back.
fn districts_table(rep: &CheckReport, districts: &[DistrictResult], lang: Lang) -> String {
    let head = districts_header(rep, false, lang);
    let mut out = format!(
        "<h4>{}</h4>\n<table class=\"small\">\n{}",
        lang.pick("Huyện", "Districts"),
        th(&head)
    );
    for d in districts {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} ({})</td>",
            esc(&d.unit.code),
            esc(&d.unit.name),
            d.unit.year,
            d.communes_total,
            d.communes_ntm,
            d.share_ntm
                .map_or("—".into(), |s| format!("{} %", derived(s, lang)))
        ));
        for s in &rep.district_sets {
            match d.unit.set(&s.id) {
                Some(x) => out.push_str(&format!(
                    "<td class=\"{}\">{}/{} — {}</td>",
                    verdict_class(x.qualified),
                    x.criteria_met,
                    x.criteria_total,
                    esc(text::verdict(x.qualified, lang))
                )),
                None => out.push_str("<td></td>"),
            }
        }
        let view = DistrictView::of(rep, d);
        let mut held = words::share_lines(&view, lang);
        // District criteria not met beyond the shares of communes (already said above), and those
        // unknown unless the share itself is what is unknown.
        for (label, list) in [
            (
                lang.pick("tiêu chí huyện chưa đạt", "district criteria not met"),
                &view.own_failing,
            ),
            (
                lang.pick("thiếu số liệu huyện", "district data missing"),
                &view.own_unknown,
            ),
        ] {
            if !list.is_empty() {
                held.push(format!("{label}: {}", list.join(", ")));
            }
        }
        out.push_str(&format!("<td>{}</td></tr>\n", esc(&held.join("; "))));
    }
    out.push_str("</table>\n");
    out
}

/// How many thresholds behind these verdicts are not checked against the decision's text.
fn unverified_note(rep: &CheckReport, lang: Lang) -> String {
    let (unverified, total) = rep.unverified();
    if unverified == 0 {
        return String::new();
    }
    format!(
        "<p class=\"note\"><b>{}:</b> {unverified}/{total} {}<br>{}</p>\n",
        lang.pick("Lưu ý", "Note"),
        esc(lang.pick(
            "ngưỡng dùng trong kết luận chưa được đối chiếu với văn bản quyết định (ntm criteria show --unverified liệt kê chúng); chúng mang dấu * trong mọi bảng.",
            "thresholds used in these verdicts are not yet checked against the decision's text (ntm criteria show --unverified lists them); they carry a * in every table."
        )),
        esc(text::unverified_legend(lang))
    )
}
