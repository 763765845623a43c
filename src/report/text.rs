//! Words and figures as a person reads them: statuses, thresholds, values and gaps, in Vietnamese or English.

use super::model::{Figure, Gap, Requirement, Unit};
use crate::criteria::{Check, Op, Resolved, Threshold, Version};
use crate::eval::{CheckResult, Status, Verdict};
use crate::i18n::{Lang, Text, num};
use crate::input::Value;

/// The mark on a figure not yet checked against the legal text.
pub const UNVERIFIED: &str = "*";

pub fn unverified_legend(lang: Lang) -> &'static str {
    lang.pick(
        "* ngưỡng chưa được đối chiếu với văn bản quyết định: cần kiểm tra lại trước khi dùng làm căn cứ",
        "* threshold not yet checked against the decision's text: verify before relying on it",
    )
}

pub fn status(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Pass => lang.pick("Đạt", "Pass"),
        Status::Fail => lang.pick("Không đạt", "Fail"),
        Status::Missing => lang.pick("Thiếu số liệu", "Missing"),
        Status::NotApplicable => lang.pick("Không áp dụng", "Not applicable"),
        Status::Info => lang.pick("(thông tin)", "(context)"),
    }
}

pub fn verdict(v: Verdict, lang: Lang) -> &'static str {
    match v {
        Verdict::Pass => lang.pick("Đạt", "Met"),
        Verdict::Fail => lang.pick("Chưa đạt", "Not met"),
        Verdict::Unknown => lang.pick("Chưa đủ dữ liệu", "Unknown (missing data)"),
    }
}

/// The short name of a level: the set's name.
pub fn level(version: &Version, id: Option<&str>, lang: Lang) -> String {
    match id {
        None => lang.pick("Chưa đạt mức nào", "No level").to_string(),
        Some(id) => version
            .set(id)
            .map_or(id.to_string(), |s| s.name.get(lang).to_string()),
    }
}

/// The unit of a check's values: `%`, or the declared unit.
pub fn unit(check: &Check, lang: Lang) -> String {
    unit_of(Unit::of(check), lang)
}

/// A unit as written after a figure: `%`, `triệu đồng/người/năm`, or nothing.
pub fn unit_of(unit: Unit, lang: Lang) -> String {
    match unit {
        Unit::Percent => "%".into(),
        Unit::Named(u) => u.get(lang).to_string(),
        Unit::None => String::new(),
    }
}

fn with_unit(value: f64, unit: &str, lang: Lang) -> String {
    match unit {
        "" => num(value, lang),
        "%" => format!("{} %", num(value, lang)),
        u => format!("{} {u}", num(value, lang)),
    }
}

/// The sign before a threshold: `≤ 0` of a count or a share (never negative) reads `= 0`.
pub fn comparison(op: Op, value: f64) -> &'static str {
    if op == Op::Le && value == 0.0 {
        "="
    } else {
        op.symbol()
    }
}

/// A resolved threshold: `≥ 42 triệu đồng/người/năm (2024)`,
/// `≥ 52,8 … (1,1 × 48 mức NTM nâng cao, chỉ tiêu 10; 2024)`.
pub fn resolved(op: Op, r: &Resolved, unit: &str, lang: Lang) -> String {
    let mut s = format!(
        "{} {}",
        comparison(op, r.value),
        with_unit(r.value, unit, lang)
    );
    let notes = resolved_notes(r, lang);
    if !notes.is_empty() {
        s.push_str(&format!(" ({})", notes.join("; ")));
    }
    s
}

/// What a resolved threshold's value comes from: the derivation, the commune group, the year of a
/// dated value, the case (`1,1 × 48 mức NTM nâng cao, chỉ tiêu 10`, `2024`, `5n > 3`).
pub fn resolved_notes(r: &Resolved, lang: Lang) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some((set, ind, base, factor)) = &r.derived {
        let from = r
            .derived_from
            .as_ref()
            .map_or(set.as_str(), |t| t.get(lang));
        notes.push(format!(
            "{} × {} {} {from}, {} {ind}",
            num(*factor, lang),
            num(*base, lang),
            lang.pick("mức", "the threshold of"),
            lang.pick("chỉ tiêu", "indicator"),
        ));
    }
    if let Some(g) = &r.group {
        notes.push(format!("{} {g}", lang.pick("nhóm", "group")));
    }
    if let Some(y) = r.dated {
        notes.push(y.to_string());
    }
    if let Some(case) = &r.case {
        notes.push(case.clone());
    }
    notes
}

/// A check's rule for a year, or in full when no year is given; a threshold by commune group gives
/// every group's (`nhóm 1: ≥ 90 %; nhóm 2: ≥ 80 %`).
pub fn rule(check: &Check, year: Option<i32>, version: &Version, lang: Lang) -> String {
    rule_in(check, year, None, version, lang)
}

/// A check's rule for a year (or in full) and a commune group (`None`: every group's, when the
/// threshold varies by group).
pub fn rule_in(
    check: &Check,
    year: Option<i32>,
    group: Option<&str>,
    version: &Version,
    lang: Lang,
) -> String {
    if check.context {
        return context_rule(lang).into();
    }
    let (Some(op), Some(t)) = (check.op, &check.threshold) else {
        return met_rule(lang).into();
    };
    let u = unit(check, lang);
    let mark = if check.verified { "" } else { UNVERIFIED };
    // The same check with another threshold, its mark left to this one.
    let with = |t: &Threshold| Check {
        threshold: Some(t.clone()),
        verified: true,
        ..check.clone()
    };
    let every_group = |lang: Lang| {
        version
            .groups()
            .iter()
            .map(|g| {
                format!(
                    "{} {}: {}",
                    lang.pick("nhóm", "group"),
                    g.id,
                    rule_in(check, year, Some(&g.id), version, lang).trim_end_matches(UNVERIFIED)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let body = match (t, year) {
        (Threshold::ByGroup(values), _) => match group {
            Some(g) => match values.iter().find(|(id, _)| id == g) {
                Some((_, t)) => rule_in(&with(t), year, None, version, lang),
                None => lang
                    .pick(
                        "(không có ngưỡng cho nhóm này)",
                        "(no threshold for this group)",
                    )
                    .into(),
            },
            None => every_group(lang),
        },
        // Derived from a threshold by group: each group's, when the group is not known.
        (Threshold::From { .. }, Some(_)) if group.is_none() && t.by_group(version) => {
            every_group(lang)
        }
        (Threshold::Fixed(v), _) => format!("{} {}", comparison(op, *v), with_unit(*v, &u, lang)),
        (Threshold::ByYear(values), None) => format!(
            "{} {} {}",
            op.symbol(),
            values
                .iter()
                .map(|(y, v)| format!("{} ({y})", num(*v, lang)))
                .collect::<Vec<_>>()
                .join(" · "),
            u
        ),
        (
            Threshold::From {
                set,
                indicator,
                factor,
            },
            None,
        ) => format!(
            "{} {} × {} {}, {} {indicator}",
            op.symbol(),
            num(*factor, lang),
            lang.pick("mức", "the threshold of"),
            version
                .set(set)
                .map_or(set.as_str(), |s| s.short_name.get(lang)),
            lang.pick("chỉ tiêu", "indicator"),
        ),
        (Threshold::When { cases, otherwise }, _) => {
            let other = with(otherwise);
            let mut parts: Vec<String> = cases
                .iter()
                .map(|c| {
                    format!(
                        "{} {} {} {}",
                        comparison(op, c.threshold),
                        with_unit(c.threshold, &u, lang),
                        lang.pick("khi", "when"),
                        c.describe()
                    )
                })
                .collect();
            parts.push(format!(
                "{} {}",
                lang.pick("ngược lại", "otherwise"),
                rule_in(&other, year, group, version, lang)
            ));
            parts.join("; ")
        }
        (t, Some(y)) => match t.resolve_in(y, group, version, &|_| None) {
            // The group was asked for: the caller shows it already.
            Ok(r) => resolved(op, &Resolved { group: None, ..r }, &u, lang),
            Err(_) => lang
                .pick(
                    "(không có ngưỡng cho năm này)",
                    "(no threshold for this year)",
                )
                .into(),
        },
    };
    format!("{}{mark}", body.trim_end())
}

/// The requirement of a yes/no check.
fn met_rule(lang: Lang) -> &'static str {
    lang.pick("Đạt", "Đạt (met)")
}

/// The requirement of a context value.
fn context_rule(lang: Lang) -> &'static str {
    lang.pick(
        "(thông tin, dùng cho ngưỡng)",
        "(context, used by a threshold)",
    )
}

/// What a check requires of a unit: the resolved threshold (`≥ 42 triệu đồng/người/năm (2024)*`),
/// `Đạt`, or the rule as stated for the year.
pub fn requirement(r: &Requirement, lang: Lang) -> String {
    match r {
        Requirement::Resolved {
            op,
            threshold,
            unit,
            verified,
        } => format!(
            "{}{}",
            resolved(*op, threshold, &unit_of(*unit, lang), lang),
            if *verified { "" } else { UNVERIFIED }
        ),
        Requirement::Met => met_rule(lang).into(),
        Requirement::Context => context_rule(lang).into(),
        Requirement::Stated {
            check,
            year,
            version,
        } => rule(check, Some(*year), version, lang),
    }
}

/// A value as read: `85,5 %`, `Đạt`, `45,36 triệu đồng/người/năm`.
pub fn value(v: Option<Value>, check: &Check, lang: Lang) -> String {
    figure(&Figure::of(v, check), lang)
}

/// A figure as read: `85,5 %`, `Đạt`, `45,36 triệu đồng/người/năm`, `—` when unknown.
pub fn figure(f: &Figure, lang: Lang) -> String {
    match f.value {
        None => "—".into(),
        Some(Value::Bool(true)) => lang.pick("Đạt", "Đạt (yes)").into(),
        Some(Value::Bool(false)) => lang.pick("Không đạt", "Không đạt (no)").into(),
        Some(Value::Num(n)) => with_unit(n, &unit_of(f.unit, lang), lang),
    }
}

/// How far a failing value is from its threshold: `còn thiếu 3,2 điểm %`, `vượt 1,5 điểm %`.
pub fn gap(r: &CheckResult, check: &Check, lang: Lang) -> String {
    gap_of(&Gap::of(r, check), lang)
}

/// A gap in words: `còn thiếu 3,2 điểm %`, `vượt 1,5 triệu đồng`, `chưa đạt`, or nothing.
pub fn gap_of(g: &Gap, lang: Lang) -> String {
    let (word, amount, unit) = match *g {
        Gap::None => return String::new(),
        Gap::NotMet => return lang.pick("chưa đạt", "not met").into(),
        Gap::Short { amount, unit } => (lang.pick("còn thiếu", "short by"), amount, unit),
        Gap::Over { amount, unit } => (lang.pick("vượt", "over by"), amount, unit),
    };
    let u = match unit {
        Unit::Percent => lang.pick("điểm %", "percentage points").to_string(),
        u => unit_of(u, lang),
    };
    if u.is_empty() {
        format!("{word} {}", num(amount, lang))
    } else {
        format!("{word} {} {u}", num(amount, lang))
    }
}

/// The label of a check within its indicator (compound indicators), or empty.
pub fn label(check: &Check, lang: Lang) -> String {
    check
        .label
        .as_ref()
        .map(|l| l.get(lang).to_string())
        .unwrap_or_default()
}

pub fn t(text: &Text, lang: Lang) -> String {
    text.get(lang).to_string()
}

/// A group of the programme's progress measure: `19 tiêu chí`, `15–18`, `dưới 5`.
pub fn group_name(g: &crate::eval::summary::Group, lang: Lang) -> String {
    if g.from == g.to {
        format!("{} {}", g.from, lang.pick("tiêu chí", "criteria"))
    } else if g.from == 0 {
        format!("{} {}", lang.pick("dưới", "under"), g.to + 1)
    } else {
        format!("{}–{}", g.from, g.to)
    }
}
