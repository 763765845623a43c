//! The phrases of a `check` report that several formats share: the level reached, what keeps a unit
//! from the next level, its readiness for recognition, what is still needed, what holds a district
//! back. Each turns a piece of the result model ([`crate::report::model`]) into words; none decides
//! anything.

use crate::criteria::CriteriaSet;
use crate::eval::Verdict;
use crate::i18n::{Lang, num};
use crate::input::{Unscored, Value};
use crate::report::model::{
    Basis, Blocking, CheckReport, CheckRow, Conditions, DistrictView, Level, NeedRow, NeedWhat,
    NeedsView, Readiness,
};
use crate::report::text;

/// The level reached, or why none.
pub(crate) fn level(l: &Level, lang: Lang) -> String {
    match l {
        Level::Reached(set) => set.short_name(lang),
        Level::None(Some(Verdict::Unknown)) => text::verdict(Verdict::Unknown, lang).to_string(),
        Level::None(_) => lang.pick("Chưa đạt", "Not met").to_string(),
    }
}

/// The criteria that block the next level, by number: `xã NTM: 10, 17; thiếu số liệu: 15`.
pub(crate) fn blocking(b: Option<&Blocking>, lang: Lang) -> String {
    let Some(b) = b else {
        return String::new();
    };
    let numbers = |list: &[crate::report::model::CriterionRef]| -> Vec<String> {
        list.iter().map(|c| c.number.to_string()).collect()
    };
    blocking_with(b, numbers(&b.failing), numbers(&b.unknown), lang)
}

/// What blocks the next level, each criterion named (`xã NTM: 2 Giao thông; thiếu số liệu: 12 Lao
/// động`), for a page where a number alone would send the reader to the criteria.
pub(crate) fn blocking_named(b: Option<&Blocking>, lang: Lang) -> String {
    let Some(b) = b else {
        return String::new();
    };
    let named = |list: &[crate::report::model::CriterionRef]| -> Vec<String> {
        list.iter()
            .map(|c| {
                c.def.map_or(c.number.to_string(), |d| {
                    format!("{} {}", c.number, d.name.get(lang))
                })
            })
            .collect()
    };
    blocking_with(b, named(&b.failing), named(&b.unknown), lang)
}

fn blocking_with(b: &Blocking, failing: Vec<String>, unknown: Vec<String>, lang: Lang) -> String {
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
    if parts.is_empty() && !b.prerequisites.is_empty() {
        parts.push(format!(
            "{} {}",
            lang.pick("chưa đạt", "needs"),
            b.prerequisites.join(", ")
        ));
    }
    format!("{}: {}", b.set.short_name(lang), parts.join("; "))
}

/// Readiness for recognition; when not ready, what is missing: the level (`Chưa: chưa đạt xã NTM`,
/// with its criteria counted in a unit's own report), the conditions (`Chưa: điều kiện chưa đạt`, or
/// each named), or both.
pub(crate) fn readiness(r: &Readiness, lang: Lang) -> String {
    let head = match r.ready {
        None => return lang.pick("Chưa đánh giá", "Not assessed").to_string(),
        Some(Verdict::Pass) => return lang.pick("Sẵn sàng", "Ready").to_string(),
        Some(Verdict::Fail) => lang.pick("Chưa", "Not ready"),
        Some(Verdict::Unknown) => lang.pick("Chưa rõ", "Unknown"),
    };
    let mut why: Vec<String> = Vec::new();
    if let Some(l) = &r.level {
        let mut name = l.set.short_name(lang);
        if let Some((met, total)) = l.criteria {
            name.push_str(&format!(
                " ({met}/{total} {})",
                lang.pick("tiêu chí", "criteria")
            ));
        }
        match l.qualified {
            Verdict::Fail => why.push(format!("{} {name}", lang.pick("chưa đạt", "not at"))),
            Verdict::Unknown => why.push(match lang {
                Lang::Vi => format!("{name} thiếu số liệu"),
                Lang::En => format!("{name} unknown (missing data)"),
            }),
            Verdict::Pass => {}
        }
    }
    if let Some((v, conditions)) = &r.conditions
        && *v != Verdict::Pass
    {
        let text = match conditions {
            Conditions::Verdict => match v {
                Verdict::Fail => lang.pick("điều kiện chưa đạt", "conditions not met"),
                _ => lang.pick("điều kiện thiếu số liệu", "conditions lack data"),
            }
            .to_string(),
            Conditions::Named { failing, missing } => {
                let mut parts = Vec::new();
                for (list, vi, en) in [
                    (failing, "chưa đạt điều kiện", "condition not met:"),
                    (missing, "thiếu số liệu điều kiện", "no data for condition"),
                ] {
                    let names: Vec<String> = list
                        .iter()
                        .map(|c| {
                            c.def
                                .map_or(c.code.to_string(), |d| format!("«{}»", d.name.get(lang)))
                        })
                        .collect();
                    if !names.is_empty() {
                        parts.push(format!("{} {}", lang.pick(vi, en), names.join(", ")));
                    }
                }
                parts.join("; ")
            }
        };
        if !text.is_empty() {
            why.push(text);
        }
    }
    if why.is_empty() {
        head.to_string()
    } else {
        format!("{head}: {}", why.join("; "))
    }
}

/// `2. Giao thông`: a check's criterion, numbered.
pub(crate) fn criterion(row: &CheckRow, lang: Lang) -> String {
    format!(
        "{}. {}",
        row.criterion_result.number,
        row.criterion_def.name.get(lang)
    )
}

/// What a check is about: its indicator's name, and its own label when the indicator has several.
pub(crate) fn content(row: &CheckRow, lang: Lang) -> String {
    let name = row.indicator_def.name.get(lang);
    let label = text::label(row.def, lang);
    if row.indicator_def.checks.len() > 1 && !label.is_empty() {
        format!("{name} — {label}")
    } else {
        name.to_string()
    }
}

/// For `--explain`: the comparison made and the dated value used.
pub(crate) fn how(row: &CheckRow, lang: Lang) -> String {
    let ch = row.check;
    // The data's own words for a yes/no, as the value and the requirement show them.
    let v = match ch.value {
        Some(Value::Num(n)) => num(n, lang),
        Some(Value::Bool(b)) => (if b { "Đạt" } else { "Không đạt" }).to_string(),
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
    if row.threshold_year != 0 {
        s.push_str(&format!(
            "; {} {}",
            lang.pick("ngưỡng năm", "thresholds of"),
            row.threshold_year
        ));
    }
    s.push_str(if ch.verified {
        lang.pick("; đã đối chiếu", "; verified")
    } else {
        lang.pick("; chưa đối chiếu", "; unverified")
    });
    s
}

/// The heading of the "still needed" list: `Còn cần để đạt …:`, or that every level is met.
pub(crate) fn needs_title(n: &NeedsView, lang: Lang) -> String {
    match &n.next {
        None => lang
            .pick(
                "Đã đạt mọi mức được đánh giá.",
                "Every level evaluated is met.",
            )
            .to_string(),
        Some(next) => format!(
            "{} {}:",
            lang.pick("Còn cần để đạt", "Still needed for"),
            next.name(lang)
        ),
    }
}

/// What an open check is about: its indicator's name, and its own label in brackets when the
/// indicator has several (17.1b: nước sạch).
pub(crate) fn need_content(n: &NeedRow, lang: Lang) -> String {
    let name = n
        .indicator_def
        .map_or(String::new(), |d| d.name.get(lang).to_string());
    match n.check {
        Some((_, def)) if n.several && !text::label(def, lang).is_empty() => {
            format!("{name} ({})", text::label(def, lang))
        }
        _ => name,
    }
}

/// What is open about a check: `thiếu số liệu (cột 12.3)`, `hiện 40,5, cần ≥ 42: còn thiếu 1,5`.
pub(crate) fn need_what(n: &NeedRow, lang: Lang) -> String {
    match (n.what, &n.figures) {
        (NeedWhat::GroupMissing, _) => format!(
            "{} ({} {})",
            lang.pick("thiếu nhóm xã", "commune group missing"),
            lang.pick("cột", "column"),
            crate::criteria::GROUP_COLUMN
        ),
        (NeedWhat::DataMissing, _) => format!(
            "{} ({} {})",
            lang.pick("thiếu số liệu", "missing data"),
            lang.pick("cột", "column"),
            n.need.input
        ),
        (NeedWhat::NotMet, Some(f)) => {
            let g = text::gap_of(&f.gap, lang);
            format!(
                "{} {}, {} {}{}",
                lang.pick("hiện", "now"),
                text::figure(&f.value, lang),
                lang.pick("cần", "needs"),
                text::requirement(&f.requirement, lang),
                if g.is_empty() {
                    String::new()
                } else {
                    format!(": {g}")
                }
            )
        }
        (NeedWhat::NotMet | NeedWhat::Unknown, _) => String::new(),
    }
}

/// What a district's shares rest on and the conditions on its communes that do not hold, one
/// sentence each: the xã of the official list without a row, who holds it back, how many more.
pub(crate) fn share_lines(v: &DistrictView, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    match v.basis {
        Basis::Missing {
            from,
            communes,
            total,
        } => {
            let listed: Vec<String> = communes
                .iter()
                .map(|m| format!("{} {}", m.code, m.name))
                .collect();
            let n = communes.len();
            out.push(match lang {
                Lang::Vi => format!(
                    "Thiếu số liệu {n}/{total} xã của huyện theo danh sách từ {from} (huyện chưa thể được công nhận khi còn thiếu): {}",
                    listed.join("; ")
                ),
                Lang::En => format!(
                    "No data for {n} of the district's {total} xã in the official list from {from} (the district cannot qualify while they are missing): {}",
                    listed.join("; ")
                ),
            });
        }
        Basis::FileOnly => out.push(
            lang.pick(
                "Tỷ lệ tính trên các xã có trong tệp số liệu xã (mã huyện không có trong danh sách đơn vị hành chính chính thức).",
                "Shares over the communes in the commune data (the district code is not in the official list of administrative units).",
            )
            .to_string(),
        ),
        Basis::Complete => {}
    }
    if v.no_commune() {
        out.push(
            lang.pick(
                "Không có xã nào của huyện trong tệp số liệu xã: chưa đủ dữ liệu.",
                "No commune of this district in the commune file: unknown.",
            )
            .to_string(),
        );
        return out;
    }
    for open in &v.open {
        let sh = open.share;
        let set = open.set.short_name(lang);
        if open.blocking.is_empty() {
            out.push(format!(
                "{}: {} {} {set} ({}/{})",
                sh.indicator,
                lang.pick("cần thêm", "needs"),
                sh.needed_more,
                sh.communes_meeting,
                sh.communes_total
            ));
        } else {
            let blocking: Vec<String> = open
                .blocking
                .iter()
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
            out.push(format!(
                "{}: {} {set}: {}",
                sh.indicator,
                lang.pick("xã chưa đạt", "communes not meeting"),
                blocking.join("; ")
            ));
        }
    }
    out
}

/// [`share_lines`] in one cell (CSV, a table's column): joined as the text report's lines were,
/// each after a `; ` and the text report's indent of two spaces, so that these cells read as they
/// always have.
pub(crate) fn shares_cell(v: &DistrictView, lang: Lang) -> String {
    share_lines(v, lang).join(";   ")
}

/// The header of the one-row-per-commune table (the terminal/Markdown/CSV batch and the workbook's
/// summary sheet): code, commune, district, year, criteria met per set, level, what is still open,
/// and with `show_ready` the readiness for recognition.
pub(crate) fn batch_header(rep: &CheckReport, show_ready: bool, lang: Lang) -> Vec<String> {
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
pub(crate) fn districts_header(rep: &CheckReport, with_result: bool, lang: Lang) -> Vec<String> {
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

/// The reasons a row was not scored, on one line.
pub(crate) fn reasons(u: &Unscored, lang: Lang) -> String {
    u.reasons
        .iter()
        .map(|r| r.get(lang))
        .collect::<Vec<_>>()
        .join("; ")
}
