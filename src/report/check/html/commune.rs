//! One page per commune, for the appraisal visit: the level reached and what blocks the next one,
//! the recognition conditions, then each set evaluated (see [`super::indicators`]); the "still
//! needed" list of the next level heads that set's open indicators, in the library's order.

use super::indicators::{mark, set_block, status_class};
use super::{esc, verdict_class};
use crate::eval::{Status, UnitResult, Verdict};
use crate::i18n::Lang;
use crate::report::check::words;
use crate::report::model::{
    Blocking, CheckReport, ConditionRow, Level, NeedsView, Readiness, SetView, name_has_kind,
};
use crate::report::text;

/// The page of unit number `i` (0-based) of the report.
pub(super) fn page(rep: &CheckReport, u: &UnitResult, i: usize, lang: Lang) -> String {
    let mut out = String::from("<section class=\"commune\">\n");
    out.push_str(&heading(u, i, lang));
    out.push_str(&status_line(rep, u, lang));
    out.push_str(&conditions(rep, u, lang));
    // The "still needed" list heads the open checks of the next level's set, in its own order.
    let needs = NeedsView::of(rep, u);
    let needs_title = words::needs_title(&needs, lang);
    for set in &u.sets {
        let next = needs.next.is_some_and(|n| n.id == set.set);
        out.push_str(&set_block(
            rep,
            &SetView::of(rep, rep.version, u, set),
            next.then_some((&needs, needs_title.as_str())),
            lang,
        ));
    }
    if needs.next.is_none() {
        out.push_str(&format!(
            "<p class=\"needs-title pass\">{}</p>\n",
            esc(&needs_title)
        ));
    }
    out.push_str(&format!(
        "<p class=\"legend\">{} · ✓ {} · ✗ {} · ? {} · – {}</p>\n",
        esc(text::unverified_legend(lang)),
        esc(text::status(Status::Pass, lang)),
        esc(text::status(Status::Fail, lang)),
        esc(text::status(Status::Missing, lang)),
        esc(text::status(Status::NotApplicable, lang)),
    ));
    // A commune's page printed on its own (--commune) is signed too.
    if rep.picked {
        out.push_str(&crate::report::print::signatures(lang));
    }
    out.push_str(&format!(
        "<p class=\"foot\">{} · {} {} · {} {}</p>\n",
        esc(&crate::report::print::file_names(&rep.files)),
        lang.pick("dòng", "line"),
        u.line,
        lang.pick("bộ tiêu chí", "criteria"),
        esc(&rep.version.id)
    ));
    out.push_str("</section>\n");
    out
}

/// `Xã Gia Cát (mã 06501), huyện Cao Lộc — năm 2024`, without doubling a "Xã"/"Phường" already in
/// the name.
fn heading(u: &UnitResult, i: usize, lang: Lang) -> String {
    let prefix = if name_has_kind(&u.name) {
        ""
    } else {
        lang.pick("Xã ", "Commune ")
    };
    let parent = if u.parent.is_empty() {
        String::new()
    } else {
        format!(", {} {}", lang.pick("huyện", "district"), esc(&u.parent))
    };
    format!(
        "<h2 id=\"u{}\">{prefix}{} <small>({} {}){parent} — {} {}</small></h2>\n",
        i + 1,
        esc(&u.name),
        lang.pick("mã", "code"),
        esc(&u.code),
        lang.pick("năm", "year"),
        u.year
    )
}

/// Level reached, what blocks the next level, readiness for recognition.
fn status_line(rep: &CheckReport, u: &UnitResult, lang: Lang) -> String {
    let level = Level::of(rep, u);
    let mut items = vec![format!(
        "{}: <span class=\"badge {}\">{}</span>",
        lang.pick("Mức đạt", "Level reached"),
        super::level_class(&level),
        esc(&words::level(&level, lang))
    )];
    let blocking = words::blocking_named(Blocking::of(rep, u).as_ref(), lang);
    if !blocking.is_empty() {
        items.push(format!(
            "{}: <b>{}</b>",
            lang.pick("Tiêu chí còn thiếu", "Still open"),
            esc(&blocking)
        ));
    }
    if let Some(rd) = &u.readiness {
        let v = rd.ready.unwrap_or(Verdict::Unknown);
        let class = if rd.ready.is_none() {
            "na"
        } else {
            verdict_class(v)
        };
        items.push(format!(
            "{} ({}): <span class=\"badge {class}\">{}</span>",
            lang.pick("Đủ điều kiện đề nghị công nhận", "Ready for recognition"),
            esc(&rep.set_ref(&rd.set).short_name(lang)),
            esc(&words::readiness(&Readiness::explained(rep, u), lang))
        ));
    }
    let items: Vec<String> = items
        .into_iter()
        .map(|i| format!("<span class=\"item\">{i}</span>"))
        .collect();
    format!("<p class=\"status-line\">{}</p>\n", items.join(""))
}

/// The recognition conditions beyond the criteria (18/2022/QĐ-TTg), when the data carry them.
fn conditions(rep: &CheckReport, u: &UnitResult, lang: Lang) -> String {
    let Some(rows) = ConditionRow::of(rep, u) else {
        return String::new();
    };
    let mut out = format!(
        "<ul class=\"conditions small\"><li><b>{}:</b></li>",
        lang.pick("Điều kiện công nhận", "Recognition conditions")
    );
    for c in rows {
        let (value, rule) = c.first.map_or((String::new(), String::new()), |(v, q)| {
            (text::figure(&v, lang), text::requirement(&q, lang))
        });
        let status = c.result.status;
        out.push_str(&format!(
            "<li><span class=\"chip {}\">{} {}</span> {}: {} ({} {})</li>",
            status_class(status),
            mark(status),
            esc(text::status(status, lang)),
            esc(c.def.name.get(lang)),
            esc(&value),
            lang.pick("cần", "needs"),
            esc(&rule)
        ));
    }
    out.push_str("</ul>\n");
    out
}
