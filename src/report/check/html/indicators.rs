//! A commune's results against one set. Every criterion and indicator of the set appears as small
//! marked chips (value, requirement, status); the set of the next level to reach also lists its open
//! checks in full (content, value, requirement, result and gap), in the order of the "still needed"
//! list. Sets beyond the next level (their prerequisite not met) stay compact, their failing chips
//! carrying the gap: so that a commune fits one printed page.

use super::{badge, esc, verdict_class};
use crate::eval::{Status, Verdict};
use crate::i18n::Lang;
use crate::report::check::words;
use crate::report::model::{CheckReport, CheckRow, Gap, NeedsView, Requirement, SetView};
use crate::report::text;

pub(super) fn status_class(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Missing => "missing",
        Status::NotApplicable => "na",
        Status::Info => "info",
    }
}

/// A mark that tells the status without colour.
pub(super) fn mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Missing => "?",
        Status::NotApplicable => "–",
        Status::Info => "",
    }
}

/// A figure escaped, its unit kept on the number's line (`66,8 %`, `3,2 điểm %`).
fn figure(s: &str) -> String {
    esc(s).replace(" %", "\u{a0}%")
}

fn is_open(s: Status) -> bool {
    matches!(s, Status::Fail | Status::Missing)
}

/// The set's heading, then for the set of the next level (`needs` given, with its title) its open
/// checks in the "still needed" order, numbered; then the grid of all its criteria.
pub(super) fn set_block(
    rep: &CheckReport,
    view: &SetView,
    needs: Option<(&NeedsView, &str)>,
    lang: Lang,
) -> String {
    let set = view.result;
    let mut head = format!(
        "{}: {}/{} {}",
        esc(&view.set.name(lang)),
        set.criteria_met,
        set.criteria_total,
        lang.pick("tiêu chí đạt", "criteria met")
    );
    for (p, v) in &view.prerequisites {
        head.push_str(&format!(
            "; {} {}: {}",
            lang.pick("điều kiện tiên quyết", "prerequisite"),
            esc(&p.short_name(lang)),
            esc(text::verdict(*v, lang))
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
    let mut out = format!("<h3>{} {head}</h3>\n", badge(set.qualified, lang));
    match needs {
        Some(needs) => {
            out.push_str(&open_table(rep, &view.rows, needs, lang));
            out.push_str(&grid(view, false, lang));
        }
        None => out.push_str(&grid(view, true, lang)),
    }
    out
}

/// The failing and missing checks in full, numbered in the "still needed" order (any the list does
/// not name follow, unnumbered, in the library's order).
fn open_table(
    rep: &CheckReport,
    rows: &[CheckRow],
    needs: (&NeedsView, &str),
    lang: Lang,
) -> String {
    let (needs, title) = needs;
    let mut open: Vec<(Option<usize>, &CheckRow)> = Vec::new();
    for (i, n) in needs.items.iter().enumerate() {
        let found = rows.iter().find(|r| {
            is_open(r.status)
                && r.indicator.code == n.need.indicator
                && r.check.input == n.need.input
                && r.criterion_result.number == n.need.criterion
        });
        if let Some(r) = found {
            open.push((Some(i + 1), r));
        }
    }
    for r in rows.iter().filter(|r| is_open(r.status)) {
        if !open.iter().any(|(_, o)| std::ptr::eq(*o, r)) {
            open.push((None, r));
        }
    }
    let mut out = format!("<p class=\"needs-title\">{}</p>\n", esc(title));
    if open.is_empty() {
        return out;
    }
    let mut head = vec![
        "#",
        lang.pick("Tiêu chí", "Criterion"),
        lang.pick("Chỉ tiêu", "Indicator"),
        lang.pick("Nội dung", "Content"),
        lang.pick("Giá trị", "Value"),
        lang.pick("Yêu cầu", "Requirement"),
        lang.pick("Kết quả, chênh lệch", "Result, gap"),
    ];
    if rep.explain {
        head.push(lang.pick("Cách tính", "Comparison"));
        head.push(lang.pick("Nguồn", "Source"));
    }
    out.push_str(if rep.explain {
        "<table class=\"open explain\">\n<thead><tr>"
    } else {
        "<table class=\"open\">\n<thead><tr>"
    });
    for h in head {
        out.push_str(&format!("<th>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead>\n");
    let mut last: Option<usize> = None;
    for (rank, r) in open {
        let crit = if last == Some(r.criterion) {
            String::new()
        } else {
            words::criterion(r, lang)
        };
        last = Some(r.criterion);
        let s = r.status;
        // The gap says more than "Không đạt" when there is an amount.
        let result = if s == Status::Fail && r.gap.is_amount() {
            text::gap_of(&r.gap, lang)
        } else {
            text::status(s, lang).to_string()
        };
        out.push_str(&format!(
            "<tr><td class=\"rank\">{}</td><td class=\"crit\">{}</td><td class=\"code\">{}</td><td>{}</td>\
             <td class=\"val\">{}</td><td class=\"rule\">{}</td><td class=\"gap {}\">{} {}</td>",
            rank.map_or(String::new(), |n| n.to_string()),
            esc(&crit),
            esc(&r.code()),
            esc(&words::content(r, lang)),
            figure(&text::figure(&r.value, lang)),
            figure(&text::requirement(&r.requirement, lang)),
            status_class(s),
            mark(s),
            figure(&result)
        ));
        if rep.explain {
            out.push_str(&format!(
                "<td>{}</td><td>{}</td>",
                esc(&words::how(r, lang)),
                esc(&r.indicator_def.source.show(lang))
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

/// Every criterion in the set's order, each with all its checks as small marked chips; `gaps` adds
/// the gap to failing ones.
fn grid(view: &SetView, gaps: bool, lang: Lang) -> String {
    let mut order: Vec<usize> = view.rows.iter().map(|r| r.criterion).collect();
    order.sort_unstable();
    order.dedup();
    let mut out = String::from("<div class=\"grid\">\n");
    for c in order {
        let rows = || view.rows.iter().filter(move |r| r.criterion == c);
        let Some(first) = rows().next() else {
            continue;
        };
        let status = first.criterion_result.status;
        out.push_str(&format!(
            "<div class=\"crit {}\"><span class=\"cn\">{}{}</span> <span class=\"cname\">{}</span>: ",
            verdict_class(status),
            match status {
                Verdict::Pass => "",
                Verdict::Fail => "✗ ",
                Verdict::Unknown => "? ",
            },
            esc(&first.criterion_result.number),
            esc(first.criterion_def.name.get(lang))
        ));
        for r in rows() {
            let s = r.status;
            let yes_no = matches!(r.requirement, Requirement::Met);
            let value = text::figure(&r.value, lang);
            let detail = match s {
                Status::NotApplicable => esc(text::status(s, lang)),
                Status::Info => figure(&value),
                _ if yes_no => figure(&value),
                _ => format!(
                    "{} <span class=\"thr\">({})</span>",
                    figure(&value),
                    figure(&text::requirement(&r.requirement, lang))
                ),
            };
            let gap = if gaps && s == Status::Fail && r.gap != Gap::None && !yes_no {
                format!(" <i>{}</i>", figure(&text::gap_of(&r.gap, lang)))
            } else {
                String::new()
            };
            out.push_str(&format!(
                "<span class=\"chip {}\"><b>{}</b> {detail} {}{gap}</span> ",
                status_class(s),
                esc(&r.code()),
                mark(s)
            ));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
    out
}
