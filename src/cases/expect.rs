//! The expected outcome of a case (`[case.expect]`): levels, verdicts and statuses in English or
//! Vietnamese words, and keys `[set:]code[/column]` resolved against the sets the case evaluates.

use serde::Deserialize;
use toml::Spanned;

use super::parse::{Cx, Map};
use super::{Expect, Key};
use crate::criteria::{Check, CriteriaSet, Kind, Version};
use crate::diag::Problem;
use crate::eval::{Status, Verdict};
use crate::i18n::Text;
use crate::input::cell::fold;
use crate::input::table::nearest;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExpect {
    level: Option<Spanned<String>>,
    qualified: Option<Spanned<toml::Value>>,
    #[serde(default)]
    criteria: Map<String>,
    #[serde(default)]
    indicators: Map<String>,
    #[serde(default)]
    gap: Map<f64>,
    #[serde(default)]
    threshold: Map<f64>,
    #[serde(default)]
    refused: Vec<Spanned<String>>,
}

impl RawExpect {
    pub(super) fn written(&self) -> bool {
        self.level.is_some()
            || self.qualified.is_some()
            || !self.criteria.is_empty()
            || !self.indicators.is_empty()
            || !self.gap.is_empty()
            || !self.threshold.is_empty()
            || !self.refused.is_empty()
    }

    /// The input columns the case expects refused, as written.
    pub(super) fn refused(&self) -> Vec<String> {
        self.refused
            .iter()
            .map(|c| c.get_ref().trim().to_string())
            .collect()
    }
}

pub(super) fn expectations(
    cx: &mut Cx,
    raw: RawExpect,
    version: &Version,
    set: &CriteriaSet,
    sets: &[String],
) -> Expect {
    let mut expect = Expect::default();
    let others = raw.level.is_some()
        || raw.qualified.is_some()
        || !raw.criteria.is_empty()
        || !raw.indicators.is_empty()
        || !raw.gap.is_empty()
        || !raw.threshold.is_empty();
    if let Some(level) = raw.level {
        let l = level.get_ref().trim();
        if fold(l) == "none" || fold(l) == "khong" {
            expect.level = Some(None);
        } else if sets.iter().any(|s| s == l) {
            expect.level = Some(Some(l.to_string()));
        } else {
            cx.err(
                "case-level",
                level.span().start,
                Text::new(
                    format!(
                        "mức «{l}» không được chấm trong ca này (có: {}, none)",
                        sets.join(", ")
                    ),
                    format!(
                        "level «{l}» is not evaluated in this case (there are: {}, none)",
                        sets.join(", ")
                    ),
                ),
            );
        }
    }
    if let Some(q) = raw.qualified {
        let v = match q.get_ref() {
            toml::Value::Boolean(true) => Some(Verdict::Pass),
            toml::Value::Boolean(false) => Some(Verdict::Fail),
            toml::Value::String(s) => verdict(s),
            _ => None,
        };
        match v {
            Some(v) => expect.qualified = Some(v),
            None => cx.err(
                "case-expect",
                q.span().start,
                Text::new(
                    "qualified nhận true, false hoặc \"unknown\"",
                    "qualified takes true, false or \"unknown\"",
                ),
            ),
        }
    }
    for (k, v) in &raw.criteria {
        let key = key(cx, k, version, set, sets, What::Criterion);
        match (key, verdict(v.get_ref())) {
            (Some(key), Some(v)) => expect.criteria.push((key, v)),
            (_, None) => bad_word(
                cx,
                v,
                "pass, fail, unknown (Đạt, Chưa đạt, Chưa đủ dữ liệu)",
            ),
            _ => {}
        }
    }
    for (k, v) in &raw.indicators {
        let key = key(cx, k, version, set, sets, What::Indicator);
        match (key, status(v.get_ref())) {
            (Some(key), Some(s)) => expect.indicators.push((key, s)),
            (_, None) => bad_word(
                cx,
                v,
                "pass, fail, missing, not_applicable (Đạt, Không đạt, Thiếu số liệu, Không áp dụng)",
            ),
            _ => {}
        }
    }
    for (k, v) in &raw.gap {
        if let Some(key) = key(cx, k, version, set, sets, What::Gap) {
            expect.gap.push((key, *v.get_ref()));
        }
    }
    for (k, v) in &raw.threshold {
        if let Some(key) = key(cx, k, version, set, sets, What::Threshold) {
            expect.threshold.push((key, *v.get_ref()));
        }
    }
    if let Some(first) = raw.refused.first() {
        if others {
            cx.err(
                "case-refused",
                first.span().start,
                Text::new(
                    "một ca có giá trị bị từ chối (refused) thì dòng đó không được chấm: không ghi thêm kết quả mong đợi nào khác",
                    "a case expecting a refused value has a row that is not scored: expect nothing else of it",
                ),
            );
        }
        let columns: Vec<&str> = version.all_columns();
        for c in &raw.refused {
            let col = c.get_ref().trim();
            match columns.iter().find(|k| k.eq_ignore_ascii_case(col)) {
                Some(k) => expect.refused.push(k.to_string()),
                None => cx.err(
                    "case-refused",
                    c.span().start,
                    Text::new(
                        format!("refused: không có bộ tiêu chí nào đọc cột «{col}»"),
                        format!("refused: no criteria set reads column «{col}»"),
                    ),
                ),
            }
        }
    }
    expect
}

fn verdict(s: &str) -> Option<Verdict> {
    match fold(s).as_str() {
        "pass" | "dat" => Some(Verdict::Pass),
        "fail" | "chua dat" | "khong dat" => Some(Verdict::Fail),
        "unknown" | "chua du du lieu" | "chua ro" => Some(Verdict::Unknown),
        _ => None,
    }
}

fn status(s: &str) -> Option<Status> {
    match fold(s).replace('_', " ").as_str() {
        "pass" | "dat" => Some(Status::Pass),
        "fail" | "khong dat" | "chua dat" => Some(Status::Fail),
        "missing" | "unknown" | "thieu so lieu" => Some(Status::Missing),
        "not applicable" | "khong ap dung" | "kad" => Some(Status::NotApplicable),
        _ => None,
    }
}

fn bad_word(cx: &mut Cx, v: &Spanned<String>, allowed: &str) {
    cx.problems.push(
        Problem::error(
            "case-expect",
            cx.file,
            Text::new("kết quả mong đợi không hợp lệ", "invalid expected outcome"),
        )
        .at_offset(cx.src, v.span().start)
        .found(v.get_ref().clone())
        .expected(Text::new(
            format!("một trong: {allowed}"),
            format!("one of: {allowed}"),
        )),
    );
}

#[derive(Clone, Copy, PartialEq)]
enum What {
    Criterion,
    Indicator,
    Gap,
    Threshold,
}

/// Resolve `[set:]code[/column]` against the sets the case evaluates.
fn key(
    cx: &mut Cx,
    k: &Spanned<String>,
    version: &Version,
    case_set: &CriteriaSet,
    sets: &[String],
    what: What,
) -> Option<Key> {
    let at = k.span().start;
    let written = k.get_ref().trim().to_string();
    let (set_id, rest) = match written.split_once(':') {
        Some((s, r)) => (s.trim(), r.trim()),
        None => (case_set.id.as_str(), written.as_str()),
    };
    let set = version
        .set(set_id)
        .filter(|_| sets.iter().any(|s| s == set_id));
    let Some(set) = set else {
        cx.err(
            "case-key",
            at,
            Text::new(
                format!(
                    "«{written}»: bộ «{set_id}» không được chấm trong ca này (có: {})",
                    sets.join(", ")
                ),
                format!(
                    "«{written}»: set «{set_id}» is not evaluated in this case (there are: {})",
                    sets.join(", ")
                ),
            ),
        );
        return None;
    };
    let mut key = Key {
        written: written.clone(),
        set: set.id.clone(),
        code: rest.to_string(),
        check: 0,
    };
    if what == What::Criterion {
        if set.criteria.iter().any(|c| c.number == rest) {
            return Some(key);
        }
        let known: Vec<String> = set.criteria.iter().map(|c| c.number.clone()).collect();
        unknown(cx, at, rest, &set.id, &known, ("tiêu chí", "criterion"));
        return None;
    }
    let (code, column) = match rest.split_once('/') {
        Some((c, col)) if what != What::Indicator => (c.trim(), Some(col.trim())),
        _ => (rest, None),
    };
    key.code = code.to_string();
    let Some(ind) = set.indicator(code) else {
        let known: Vec<String> = set.indicators().map(|i| i.code.clone()).collect();
        unknown(cx, at, code, &set.id, &known, ("chỉ tiêu", "indicator"));
        return None;
    };
    if what == What::Indicator {
        return Some(key);
    }
    let judged: Vec<(usize, &Check)> = ind
        .checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_judged())
        .collect();
    let names = || {
        judged
            .iter()
            .filter_map(|(_, c)| c.input.column())
            .map(|c| format!("\"{code}/{c}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let found = match column {
        Some(col) => judged.iter().find(|(_, c)| c.input.column() == Some(col)),
        None if judged.len() == 1 => judged.first(),
        None => {
            let n = names();
            cx.err(
                "case-key",
                at,
                Text::new(
                    format!("«{written}»: chỉ tiêu {code} có nhiều phần, ghi rõ phần nào: {n}"),
                    format!("«{written}»: indicator {code} has several checks, name one: {n}"),
                ),
            );
            return None;
        }
    };
    let Some((idx, check)) = found else {
        let n = names();
        cx.err(
            "case-key",
            at,
            Text::new(
                format!("«{written}»: chỉ tiêu {code} không có phần này (có: {n})"),
                format!("«{written}»: indicator {code} has no such check (there are: {n})"),
            ),
        );
        return None;
    };
    if check.kind == Kind::Bool || check.threshold.is_none() {
        cx.err(
            "case-key",
            at,
            Text::new(
                format!("«{written}»: chỉ tiêu Đạt/Không đạt không có ngưỡng hay chênh lệch"),
                format!("«{written}»: a Đạt/Không đạt indicator has no threshold or gap"),
            ),
        );
        return None;
    }
    key.check = *idx;
    Some(key)
}

fn unknown(
    cx: &mut Cx,
    at: usize,
    code: &str,
    set: &str,
    known: &[String],
    (vi, en): (&str, &str),
) {
    let mut p = Problem::error(
        "case-key",
        cx.file,
        Text::new(
            format!("bộ {set} không có {vi} «{code}»"),
            format!("set {set} has no {en} «{code}»"),
        ),
    )
    .at_offset(cx.src, at);
    if let Some(hint) = nearest(&code.to_lowercase(), known) {
        p = p.expected(Text::new(
            format!("có phải là {hint}?"),
            format!("did you mean {hint}?"),
        ));
    }
    cx.problems.push(p);
}
