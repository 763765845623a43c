//! The JSON form of `check` results, serialized straight from the results (no intermediate
//! `serde_json::Value`), one commune at a time.

use serde::Serialize;

use crate::eval::district::{Blocking, CountedOver, DistrictResult, MissingCommune, ShareOutcome};
use crate::eval::needs::{Needs, still_needed};
use crate::eval::{
    CheckResult, CriterionResult, IndicatorResult, SetResult, Status, UnitResult, Verdict,
};
use crate::input::Value;

#[derive(Serialize)]
pub(crate) struct CommuneOut<'a> {
    criteria_version: &'a str,
    code: &'a str,
    name: &'a str,
    district: &'a str,
    year: i32,
    line: usize,
    level_reached: Option<&'a str>,
    qualified: Option<bool>,
    criteria_met: Option<usize>,
    criteria_total: Option<usize>,
    /// The target set's criteria.
    criteria: Option<Vec<CriterionOut<'a>>>,
    sets: Vec<SetOut<'a>>,
    still_needed: Needs,
    recognition: Option<RecognitionOut<'a>>,
}

#[derive(Serialize)]
struct SetOut<'a> {
    set: &'a str,
    status: Verdict,
    qualified: Option<bool>,
    prerequisites_unmet: Vec<PrereqOut<'a>>,
    criteria_met: usize,
    criteria_total: usize,
    threshold_year: i32,
    /// Absent for the target set: its criteria are the commune's top-level `criteria`.
    #[serde(skip_serializing_if = "Option::is_none")]
    criteria: Option<Vec<CriterionOut<'a>>>,
}

#[derive(Serialize)]
struct PrereqOut<'a> {
    set: &'a str,
    status: Verdict,
}

#[derive(Serialize)]
pub(crate) struct CriterionOut<'a> {
    number: &'a str,
    status: Verdict,
    indicators: Vec<IndicatorOut<'a>>,
}

#[derive(Serialize)]
pub(crate) struct IndicatorOut<'a> {
    code: &'a str,
    status: Status,
    value: Option<Value>,
    op: Option<&'static str>,
    threshold: Option<f64>,
    gap: Option<f64>,
    verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold_dated: Option<i32>,
    /// The commune group whose threshold was used (thresholds by group).
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold_group: Option<&'a str>,
    /// Only for indicators with several checks (compound or conditional).
    #[serde(skip_serializing_if = "Option::is_none")]
    checks: Option<Vec<CheckOut<'a>>>,
}

#[derive(Serialize)]
struct CheckOut<'a> {
    input: &'a str,
    status: Status,
    value: Option<Value>,
    op: Option<&'static str>,
    threshold: Option<f64>,
    gap: Option<f64>,
    verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    threshold_case: Option<&'a str>,
}

#[derive(Serialize)]
struct RecognitionOut<'a> {
    set: &'a str,
    assessed: bool,
    conditions: Option<Verdict>,
    ready: Option<bool>,
    indicators: Vec<IndicatorOut<'a>>,
}

fn check_out(c: &CheckResult) -> CheckOut<'_> {
    CheckOut {
        input: &c.input,
        status: c.status,
        value: c.value,
        op: c.op.map(|o| o.symbol()),
        threshold: c.threshold.as_ref().map(|t| t.value),
        gap: c.gap,
        verified: c.verified,
        threshold_case: c.threshold.as_ref().and_then(|t| t.case.as_deref()),
    }
}

pub(crate) fn indicator_out(i: &IndicatorResult) -> IndicatorOut<'_> {
    let main = i.main_check();
    IndicatorOut {
        code: &i.code,
        status: i.status,
        value: main.and_then(|c| c.value),
        op: main.and_then(|c| c.op.map(|o| o.symbol())),
        threshold: main.and_then(|c| c.threshold.as_ref().map(|t| t.value)),
        gap: main.and_then(|c| c.gap),
        verified: i.verified,
        threshold_dated: main
            .and_then(|c| c.threshold.as_ref())
            .and_then(|t| t.dated),
        threshold_group: main
            .and_then(|c| c.threshold.as_ref())
            .and_then(|t| t.group.as_deref()),
        checks: (i.checks.len() > 1).then(|| i.checks.iter().map(check_out).collect()),
    }
}

pub(crate) fn criteria_out(set: &SetResult) -> Vec<CriterionOut<'_>> {
    set.criteria.iter().map(criterion_out).collect()
}

fn criterion_out(c: &CriterionResult) -> CriterionOut<'_> {
    CriterionOut {
        number: &c.number,
        status: c.status,
        indicators: c.indicators.iter().map(indicator_out).collect(),
    }
}

pub(crate) fn commune_out<'a>(
    r: &'a UnitResult,
    target: &str,
    qualified: Verdict,
) -> CommuneOut<'a> {
    let t = r.set(target);
    CommuneOut {
        criteria_version: &r.version,
        code: &r.code,
        name: &r.name,
        district: &r.parent,
        year: r.year,
        line: r.line,
        level_reached: r.level_reached.as_deref(),
        qualified: qualified.as_bool(),
        criteria_met: t.map(|s| s.criteria_met),
        criteria_total: t.map(|s| s.criteria_total),
        criteria: t.map(criteria_out),
        sets: r
            .sets
            .iter()
            .map(|s| SetOut {
                set: &s.set,
                status: s.status,
                qualified: s.qualified.as_bool(),
                prerequisites_unmet: s
                    .prerequisites
                    .iter()
                    .map(|(p, v)| PrereqOut { set: p, status: *v })
                    .collect(),
                criteria_met: s.criteria_met,
                criteria_total: s.criteria_total,
                threshold_year: s.threshold_year,
                criteria: (s.set != target).then(|| criteria_out(s)),
            })
            .collect(),
        still_needed: still_needed(r),
        recognition: r.readiness.as_ref().map(|x| RecognitionOut {
            set: &x.set,
            assessed: x.conditions.is_some(),
            conditions: x.conditions,
            ready: x.ready.and_then(Verdict::as_bool),
            indicators: x.indicators.iter().map(indicator_out).collect(),
        }),
    }
}

#[derive(Serialize)]
pub(crate) struct DistrictOut<'a> {
    criteria_version: &'a str,
    code: &'a str,
    name: &'a str,
    year: i32,
    line: usize,
    qualified: Option<bool>,
    communes_total: usize,
    communes_ntm: usize,
    share_ntm: Option<f64>,
    criteria_met: Option<usize>,
    criteria_total: Option<usize>,
    criteria: Option<Vec<CriterionOut<'a>>>,
    shares: &'a [ShareOutcome],
    blocking_communes: &'a [Blocking],
    /// How the communes were counted: over the district's xã in an official list, or over the file's.
    communes_over: &'a CountedOver,
    /// Xã of the official list without a row in the commune data (the district is then never qualified).
    missing_communes: &'a [MissingCommune],
    still_needed: Needs,
    recognition: Option<RecognitionOut<'a>>,
}

pub(crate) fn district_out(d: &DistrictResult) -> DistrictOut<'_> {
    let r = &d.unit;
    let set = r.sets.last();
    DistrictOut {
        criteria_version: &r.version,
        code: &r.code,
        name: &r.name,
        year: r.year,
        line: r.line,
        qualified: set.and_then(|s| s.qualified.as_bool()),
        communes_total: d.communes_total,
        communes_ntm: d.communes_ntm,
        share_ntm: d.share_ntm,
        criteria_met: set.map(|s| s.criteria_met),
        criteria_total: set.map(|s| s.criteria_total),
        criteria: set.map(criteria_out),
        shares: &d.shares,
        blocking_communes: &d.blocking_communes,
        communes_over: &d.over,
        missing_communes: &d.missing_communes,
        still_needed: still_needed(r),
        recognition: r.readiness.as_ref().map(|x| RecognitionOut {
            set: &x.set,
            assessed: x.conditions.is_some(),
            conditions: x.conditions,
            ready: x.ready.and_then(Verdict::as_bool),
            indicators: x.indicators.iter().map(indicator_out).collect(),
        }),
    }
}
