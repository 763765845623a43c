//! One page per commune, for the appraisal visit: the level reached and what blocks the next one,
//! the recognition conditions, then each set evaluated (see [`super::indicators`]); the "still
//! needed" list of the next level heads that set's open indicators, in the library's order.

use super::indicators::{mark, set_block, status_class};
use super::{esc, set_def, short_name, verdict_class};
use crate::eval::needs::still_needed;
use crate::eval::{Status, UnitResult, Verdict};
use crate::i18n::Lang;
use crate::report::check::{CheckReport, condition_cells, level_text, needs_text, readiness_line};
use crate::report::text;

/// The page of unit number `i` (0-based) of the report.
pub(super) fn page(rep: &CheckReport, u: &UnitResult, i: usize, lang: Lang) -> String {
    let mut out = String::from("<section class=\"commune\">\n");
    out.push_str(&heading(u, i, lang));
    out.push_str(&status_line(rep, u, lang));
    out.push_str(&conditions(rep, u, lang));
    // The "still needed" list heads the open checks of the next level's set, in its own order.
    let needs = still_needed(u);
    let needs_title = needs_text(rep, u, &needs, lang);
    let needs_title = needs_title.trim().lines().next().unwrap_or_default();
    for set in &u.sets {
        let next = needs.next_level.as_deref() == Some(set.set.as_str());
        out.push_str(&set_block(
            rep,
            u,
            set,
            next.then_some((&needs, needs_title)),
            lang,
        ));
    }
    if needs.next_level.is_none() {
        out.push_str(&format!(
            "<p class=\"needs-title pass\">{}</p>\n",
            esc(needs_title)
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
    let folded = crate::input::cell::fold(&u.name);
    let named = [
        "xa ",
        "phuong ",
        "thi tran ",
        "huyen ",
        "thanh pho ",
        "thi xa ",
    ]
    .iter()
    .any(|p| folded.starts_with(p));
    let prefix = if named {
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
    let class = if u.level_reached.is_some() {
        "pass"
    } else {
        u.sets
            .first()
            .map_or("unknown", |s| verdict_class(s.qualified))
    };
    let mut items = vec![format!(
        "{}: <span class=\"badge {class}\">{}</span>",
        lang.pick("Mức đạt", "Level reached"),
        esc(&level_text(rep, u, lang))
    )];
    let blocking = super::blocking_named(rep, u, lang);
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
            esc(&short_name(rep, &rd.set, lang)),
            esc(&readiness_line(rep, u, lang))
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
    let Some(rd) = u.readiness.as_ref().filter(|r| r.conditions.is_some()) else {
        return String::new();
    };
    let Some(def) = set_def(rep, &rd.set) else {
        return String::new();
    };
    let mut out = format!(
        "<ul class=\"conditions small\"><li><b>{}:</b></li>",
        lang.pick("Điều kiện công nhận", "Recognition conditions")
    );
    for ind in &rd.indicators {
        let Some(idef) = def.recognition.iter().find(|i| i.code == ind.code) else {
            continue;
        };
        let (value, rule) = condition_cells(ind, idef, rep.version, u.year, lang);
        out.push_str(&format!(
            "<li><span class=\"chip {}\">{} {}</span> {}: {} ({} {})</li>",
            status_class(ind.status),
            mark(ind.status),
            esc(text::status(ind.status, lang)),
            esc(idef.name.get(lang)),
            esc(&value),
            lang.pick("cần", "needs"),
            esc(&rule)
        ));
    }
    out.push_str("</ul>\n");
    out
}
