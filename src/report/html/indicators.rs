//! A commune's results against one set. Every criterion and indicator of the set appears as small
//! marked chips (value, requirement, status); the set of the next level to reach also lists its open
//! checks in full (content, value, requirement, result and gap), in the order of the "still needed"
//! list. Sets beyond the next level (their prerequisite not met) stay compact, their failing chips
//! carrying the gap: so that a commune fits one printed page.

use super::{badge, esc, set_def, short_name, verdict_class};
use crate::eval::needs::Needs;
use crate::eval::{SetResult, Status, UnitResult, Verdict};
use crate::i18n::Lang;
use crate::report::check::{CheckReport, IndRow, check_code, indicator_rows};
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

/// One check of the set as the library shows it, with what the page needs besides.
struct Row {
    /// Index of its criterion in `set.criteria`.
    criterion: Option<usize>,
    /// `2. Giao thông`, on every row.
    heading: String,
    /// `2.3b` for the second input of a compound indicator.
    label: String,
    code: String,
    /// The input column read.
    input: String,
    row: IndRow,
}

/// The set's checks in the library's order (failing criteria and checks first).
fn rows(rep: &CheckReport, set: &SetResult, lang: Lang) -> Vec<Row> {
    let def = set_def(rep, &set.set);
    let mut out = Vec::new();
    let mut criterion = None;
    let mut heading = String::new();
    let mut code = String::new();
    let mut k = 0usize;
    for row in indicator_rows(rep, set, lang) {
        if !row.criterion.is_empty() {
            criterion = set
                .criteria
                .iter()
                .position(|c| row.criterion.starts_with(&format!("{}. ", c.number)));
            let name = criterion.and_then(|i| {
                let c = set.criteria.get(i)?;
                let cdef = def?.criteria.iter().find(|d| d.number == c.number)?;
                Some(format!("{}. {}", c.number, cdef.name.get(lang)))
            });
            heading = name.unwrap_or_else(|| row.criterion.clone());
        }
        if row.code.is_empty() {
            k += 1;
        } else {
            code = row.code.clone();
            k = 0;
        }
        let (label, input) = check_label(set, criterion, &code, k);
        out.push(Row {
            criterion,
            heading: heading.clone(),
            label,
            code: code.clone(),
            input,
            row,
        });
    }
    out
}

/// The label of check `k` of indicator `code`: the code, plus what its input column adds to it when
/// the indicator has several (`2.3a`; `nc3.2a` → `3.2a`); and the input column.
fn check_label(
    set: &SetResult,
    criterion: Option<usize>,
    code: &str,
    k: usize,
) -> (String, String) {
    let ind = criterion
        .and_then(|i| set.criteria.get(i))
        .and_then(|c| c.indicators.iter().find(|i| i.code == code));
    let input = ind
        .and_then(|ind| ind.checks.get(k))
        .map(|ch| ch.input.clone())
        .unwrap_or_default();
    let several = ind.is_some_and(|i| i.checks.len() > 1);
    (check_code(code, &input, several, k), input)
}

/// The set's heading, then for the set of the next level (`needs` given, with its title) its open
/// checks in the "still needed" order, numbered; then the grid of all its criteria.
pub(super) fn set_block(
    rep: &CheckReport,
    u: &UnitResult,
    set: &SetResult,
    needs: Option<(&Needs, &str)>,
    lang: Lang,
) -> String {
    let def = set_def(rep, &set.set);
    let name = def.map_or(set.set.clone(), |d| d.name.get(lang).to_string());
    let mut head = format!(
        "{}: {}/{} {}",
        esc(&name),
        set.criteria_met,
        set.criteria_total,
        lang.pick("tiêu chí đạt", "criteria met")
    );
    for (p, v) in &set.prerequisites {
        head.push_str(&format!(
            "; {} {}: {}",
            lang.pick("điều kiện tiên quyết", "prerequisite"),
            esc(&short_name(rep, p, lang)),
            esc(text::verdict(*v, lang))
        ));
    }
    if def.is_some_and(|d| !d.covers(u.year)) {
        head.push_str(&format!(
            "; {} {}",
            lang.pick(
                "dùng ngưỡng của năm gần nhất:",
                "thresholds of the nearest year:"
            ),
            set.threshold_year
        ));
    }
    let mut out = format!("<h3>{} {head}</h3>\n", badge(set.qualified, lang));
    let rows = rows(rep, set, lang);
    match needs {
        Some(needs) => {
            out.push_str(&open_table(rep, &rows, needs, lang));
            out.push_str(&grid(set, &rows, false, lang));
        }
        None => out.push_str(&grid(set, &rows, true, lang)),
    }
    out
}

/// The failing and missing checks in full, numbered in the "still needed" order (any the list does
/// not name follow, unnumbered, in the library's order).
fn open_table(rep: &CheckReport, rows: &[Row], needs: (&Needs, &str), lang: Lang) -> String {
    let (needs, title) = needs;
    let mut open: Vec<(Option<usize>, &Row)> = Vec::new();
    for (i, n) in needs.items.iter().enumerate() {
        let found = rows.iter().find(|r| {
            is_open(r.row.status)
                && r.code == n.indicator
                && r.input == n.input
                && r.heading.starts_with(&format!("{}. ", n.criterion))
        });
        if let Some(r) = found {
            open.push((Some(i + 1), r));
        }
    }
    for r in rows.iter().filter(|r| is_open(r.row.status)) {
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
    let mut last: Option<Option<usize>> = None;
    for (rank, r) in open {
        let crit = if last == Some(r.criterion) {
            ""
        } else {
            r.heading.as_str()
        };
        last = Some(r.criterion);
        let s = r.row.status;
        // The gap says more than "Không đạt" when there is one.
        let result = if s == Status::Fail
            && !r.row.gap.is_empty()
            && r.row.gap != lang.pick("chưa đạt", "not met")
        {
            r.row.gap.clone()
        } else {
            text::status(s, lang).to_string()
        };
        out.push_str(&format!(
            "<tr><td class=\"rank\">{}</td><td class=\"crit\">{}</td><td class=\"code\">{}</td><td>{}</td>\
             <td class=\"val\">{}</td><td class=\"rule\">{}</td><td class=\"gap {}\">{} {}</td>",
            rank.map_or(String::new(), |n| n.to_string()),
            esc(crit),
            esc(&r.label),
            esc(&r.row.content),
            figure(&r.row.value),
            figure(&r.row.rule),
            status_class(s),
            mark(s),
            figure(&result)
        ));
        if rep.explain {
            out.push_str(&format!(
                "<td>{}</td><td>{}</td>",
                esc(&r.row.how),
                esc(&r.row.source)
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

/// Every criterion in the set's order, each with all its checks as small marked chips; `gaps` adds
/// the gap to failing ones.
fn grid(set: &SetResult, rows: &[Row], gaps: bool, lang: Lang) -> String {
    let mut order: Vec<Option<usize>> = Vec::new();
    for r in rows {
        if !order.contains(&r.criterion) {
            order.push(r.criterion);
        }
    }
    // The set's own order; a criterion the library could not place goes last.
    order.sort_by_key(|c| c.unwrap_or(usize::MAX));
    let bool_rule = lang.pick("Đạt", "Đạt (met)");
    let mut out = String::from("<div class=\"grid\">\n");
    for c in order {
        let status = c
            .and_then(|i| set.criteria.get(i))
            .map_or(Verdict::Unknown, |c| c.status);
        let heading = rows
            .iter()
            .find(|r| r.criterion == c)
            .map_or("", |r| r.heading.as_str());
        let (number, name) = heading.split_once(". ").unwrap_or(("", heading));
        out.push_str(&format!(
            "<div class=\"crit {}\"><span class=\"cn\">{}{}</span> <span class=\"cname\">{}</span>: ",
            verdict_class(status),
            match status {
                Verdict::Pass => "",
                Verdict::Fail => "✗ ",
                Verdict::Unknown => "? ",
            },
            esc(number),
            esc(name)
        ));
        for r in rows.iter().filter(|r| r.criterion == c) {
            let s = r.row.status;
            let detail = match s {
                Status::NotApplicable => esc(text::status(s, lang)),
                Status::Info => figure(&r.row.value),
                _ if r.row.rule == bool_rule => figure(&r.row.value),
                _ => format!(
                    "{} <span class=\"thr\">({})</span>",
                    figure(&r.row.value),
                    figure(&r.row.rule)
                ),
            };
            let gap =
                if gaps && s == Status::Fail && !r.row.gap.is_empty() && r.row.rule != bool_rule {
                    format!(" <i>{}</i>", figure(&r.row.gap))
                } else {
                    String::new()
                };
            out.push_str(&format!(
                "<span class=\"chip {}\"><b>{}</b> {detail} {}{gap}</span> ",
                status_class(s),
                esc(&r.label),
                mark(s)
            ));
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n");
    out
}
