//! Case outcomes as text: one line per case, and for a failure what was expected, what came out, and
//! the explanation of every indicator involved (value, comparison, dated threshold, verified, source).

use super::{Got, Item, Outcome};
use crate::criteria::{Check, Indicator, Input, Version};
use crate::eval::{CheckResult, IndicatorResult, SetResult, Status, UnitResult};
use crate::i18n::{Lang, num};
use crate::report::text::{self, UNVERIFIED};

/// A case's line (`✓ name`), followed for a failure by its details. Lines are indented by two spaces
/// under the file's name.
pub fn outcome(o: &Outcome, version: &Version, lang: Lang) -> String {
    let case = o.case;
    if o.passed() {
        return format!("  ✓ {}\n", case.name);
    }
    let mut out = format!("  ✗ {}\n", case.name);
    out.push_str(&format!(
        "      {}:{} — {}, {} {}\n",
        case.file,
        case.line,
        case.set,
        lang.pick("năm", "year"),
        case.year
    ));
    for m in &o.mismatches {
        out.push_str(&format!(
            "      {}: {} {}; {} {}\n",
            item(&m.item, &case.set, lang),
            lang.pick("mong đợi", "expected"),
            got(&m.expected, version, lang),
            lang.pick("kết quả", "actual"),
            got(&m.actual, version, lang),
        ));
    }
    // A unit the pipeline did not score has nothing to explain.
    if o.unit.sets.is_empty() {
        return out;
    }
    out.push_str(&format!(
        "      {}:\n",
        lang.pick("Giải thích", "Explanation")
    ));
    let involved = involved(o);
    if involved.is_empty() {
        out.push_str(&format!(
            "        {}\n",
            lang.pick(
                "mọi chỉ tiêu của các bộ được chấm đều đạt",
                "every indicator of the sets evaluated passes"
            )
        ));
    }
    for (set, code) in involved {
        let (Some(res), Some(def)) = (
            o.unit.set(&set),
            version.set(&set).and_then(|s| s.indicator(&code)),
        ) else {
            continue;
        };
        let Some(ind) = res
            .criteria
            .iter()
            .flat_map(|c| c.indicators.iter())
            .find(|i| i.code == code)
        else {
            continue;
        };
        out.push_str(&explain(o, res, ind, def, version, lang));
    }
    out
}

/// The closing line: how many cases passed and failed.
pub fn summary(passed: usize, failed: usize, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!(
            "Tổng cộng {} ca kiểm thử: {passed} đạt, {failed} không đạt\n",
            passed + failed
        ),
        Lang::En => format!(
            "{} test cases: {passed} passed, {failed} failed\n",
            passed + failed
        ),
    }
}

/// The legend of the `*` mark on unverified figures.
pub fn legend(lang: Lang) -> String {
    format!("{}\n", text::unverified_legend(lang))
}

fn item(i: &Item, set: &str, lang: Lang) -> String {
    match i {
        Item::Level => lang.pick("mức đạt", "level reached").to_string(),
        Item::Qualified => format!("{} {set}", lang.pick("đạt chuẩn", "qualifies at")),
        Item::Criterion(k) => format!("{} {}", lang.pick("tiêu chí", "criterion"), k.written),
        Item::Indicator(k) => format!("{} {}", lang.pick("chỉ tiêu", "indicator"), k.written),
        Item::Gap(k) => format!("{} {}", lang.pick("chênh lệch", "gap"), k.written),
        Item::Threshold(k) => format!("{} {}", lang.pick("ngưỡng", "threshold"), k.written),
        Item::Refused(col) => format!("{} {col}", lang.pick("giá trị cột", "the value of column")),
        Item::Engine => lang
            .pick(
                "kết quả của kế hoạch biên dịch (đường chấm nhanh của ntm check)",
                "the compiled plan's result (the fast road of ntm check)",
            )
            .to_string(),
        Item::Pipeline => lang
            .pick("đường chấm của ntm check", "the pipeline of ntm check")
            .to_string(),
    }
}

fn got(g: &Got, version: &Version, lang: Lang) -> String {
    match g {
        Got::Level(None) => text::level(version, None, lang),
        Got::Level(Some(id)) => match version.set(id) {
            Some(s) => format!("{id} ({})", s.short_name.get(lang)),
            None => id.clone(),
        },
        Got::Verdict(v) => text::verdict(*v, lang).to_string(),
        Got::Status(s) => text::status(*s, lang).to_string(),
        Got::Number(Some(n)) => num(*n, lang),
        Got::Number(None) => lang.pick("không có", "none").to_string(),
        Got::Refused(Some(why)) if why.vi.is_empty() => {
            lang.pick("bị từ chối", "refused").to_string()
        }
        Got::Refused(Some(why)) => {
            format!("{}: {}", lang.pick("bị từ chối", "refused"), why.get(lang))
        }
        Got::Refused(None) => lang.pick("được đọc", "read").to_string(),
        Got::Agree(None) => lang
            .pick(
                "khớp với đánh giá chi tiết",
                "agrees with the explained evaluation",
            )
            .to_string(),
        Got::Agree(Some(d)) => d.get(lang).to_string(),
        Got::Scored(None) => lang.pick("chấm được", "scored").to_string(),
        Got::Scored(Some(why)) => {
            format!(
                "{}: {}",
                lang.pick("không chấm được", "not scored"),
                why.get(lang)
            )
        }
    }
}

/// The indicators a failure involves, as `(set, code)`, without repeats: those named by the
/// expectations; for a criterion, its indicators that do not pass (all of them if every one passes);
/// for the level or the verdict, every indicator that fails or lacks data.
fn involved(o: &Outcome) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut add = |set: &str, code: &str| {
        if !out.iter().any(|(s, c)| s == set && c == code) {
            out.push((set.to_string(), code.to_string()));
        }
    };
    let not_passing = |i: &&IndicatorResult| matches!(i.status, Status::Fail | Status::Missing);
    for m in &o.mismatches {
        match &m.item {
            Item::Indicator(k) | Item::Gap(k) | Item::Threshold(k) => add(&k.set, &k.code),
            Item::Criterion(k) => {
                let Some(c) = o
                    .unit
                    .set(&k.set)
                    .and_then(|s| s.criteria.iter().find(|c| c.number == k.code))
                else {
                    continue;
                };
                let failing: Vec<&IndicatorResult> =
                    c.indicators.iter().filter(not_passing).collect();
                let shown = if failing.is_empty() {
                    c.indicators.iter().collect()
                } else {
                    failing
                };
                for i in shown {
                    add(&k.set, &i.code);
                }
            }
            Item::Refused(_) | Item::Engine | Item::Pipeline => {}
            Item::Level | Item::Qualified => {
                for s in &o.unit.sets {
                    for i in s
                        .criteria
                        .iter()
                        .flat_map(|c| c.indicators.iter())
                        .filter(not_passing)
                    {
                        add(&s.set, &i.code);
                    }
                }
            }
        }
    }
    out
}

/// One indicator: its name and status, then each check with value, requirement, result, verified
/// flag; the communes behind a district share; the source.
fn explain(
    o: &Outcome,
    res: &SetResult,
    ind: &IndicatorResult,
    def: &Indicator,
    version: &Version,
    lang: Lang,
) -> String {
    let mut out = format!(
        "        {} {} {} — {}\n",
        res.set,
        ind.code,
        def.name.get(lang),
        text::status(ind.status, lang)
    );
    for (ch, cd) in ind.checks.iter().zip(&def.checks) {
        let label = text::label(cd, lang);
        let input = match &cd.input {
            Input::Column(c) => c.clone(),
            Input::Meets(set) => format!("{} {set}", lang.pick("đạt", "meets")),
            Input::ShareOfCommunesMeeting(set) => {
                format!(
                    "{} {set}",
                    lang.pick("tỷ lệ xã đạt", "share of communes meeting")
                )
            }
            Input::MinOverCommunes(col) => {
                format!(
                    "{} {col}",
                    lang.pick("thấp nhất trong các xã:", "lowest among communes:")
                )
            }
        };
        let name = if label.is_empty() {
            input
        } else {
            format!("{input} ({label})")
        };
        let value = text::value(ch.value, cd, lang);
        if cd.context {
            out.push_str(&format!(
                "          {name}: {value} — {}\n",
                text::rule(cd, None, version, lang)
            ));
            continue;
        }
        let mut line = format!(
            "          {name}: {value}; {} {}; {}",
            lang.pick("cần", "needs"),
            requirement(ch, cd, res.threshold_year, version, lang),
            text::status(ch.status, lang),
        );
        let gap = text::gap(ch, cd, lang);
        if !gap.is_empty() {
            line.push_str(&format!(", {gap}"));
        }
        line.push_str(&format!(
            "; {}\n",
            if cd.verified {
                lang.pick("đã đối chiếu", "verified")
            } else {
                lang.pick("chưa đối chiếu", "unverified")
            }
        ));
        out.push_str(&line);
        if let Input::ShareOfCommunesMeeting(target) = &cd.input {
            out.push_str(&communes(&o.communes, target, lang));
        }
    }
    out.push_str(&format!(
        "          {}: {}\n",
        lang.pick("nguồn", "source"),
        def.source.show(lang)
    ));
    out
}

/// The requirement as evaluated: the resolved threshold with its dated year (or derivation, or the
/// condition that chose it), marked `*` when unverified.
fn requirement(ch: &CheckResult, def: &Check, year: i32, version: &Version, lang: Lang) -> String {
    match (ch.op, &ch.threshold) {
        (Some(op), Some(r)) => format!(
            "{}{}",
            text::resolved(op, r, &text::unit(def, lang), lang),
            if def.verified { "" } else { UNVERIFIED }
        ),
        _ => text::rule(def, Some(year), version, lang),
    }
}

/// The communes behind a district's share: each one's verdict at `target` and its criteria met.
fn communes(communes: &[UnitResult], target: &str, lang: Lang) -> String {
    if communes.is_empty() {
        return format!(
            "          {}\n",
            lang.pick("(huyện không có xã nào)", "(the district has no commune)")
        );
    }
    let parts: Vec<String> = communes
        .iter()
        .map(|c| match c.set(target) {
            Some(s) => format!(
                "{}: {} ({}/{})",
                c.name,
                text::verdict(s.qualified, lang),
                s.criteria_met,
                s.criteria_total
            ),
            None => c.name.clone(),
        })
        .collect();
    format!(
        "          {} {target}: {}\n",
        lang.pick("các xã, mức", "communes at"),
        parts.join("; ")
    )
}
