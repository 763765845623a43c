//! The JSON form of `diff`: schema_version, the thresholds' years on each side, `communes[]` and the
//! summary; with `--districts`, `districts[]` and `district_comparison` (files, sets, summary), both
//! left out otherwise. Typed structs, serialized straight from the comparison.

use std::io::{self, Write};

use serde::Serialize;

use super::{DiffReport, DistrictInfo};
use crate::criteria::CriteriaSet;
use crate::diag::Problem;
use crate::eval::diff::district::{DistrictDiff, DistrictsDiff};
use crate::eval::diff::{
    Cause, Change, ChangeCounts, Detail, Diff, DiffSummary, Flip, IndicatorTurns, LevelStatus,
    NotCompared, Part, Presence, Relation, SetDelta, UnitDiff,
};
use crate::eval::district::{Blocking, CountedOver, MissingCommune, ShareOutcome};
use crate::eval::summary::LevelCount;
use crate::eval::{CheckResult, IndicatorResult, Status, UnitResult};
use crate::input::Value;
use crate::report::SCHEMA_VERSION;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    command: &'static str,
    criteria_version: &'a str,
    criteria_origin: &'a str,
    level: &'a str,
    target: &'a str,
    /// `own_year` (each side with its own year's thresholds) or `same_year`.
    thresholds: &'static str,
    threshold_year_before: i32,
    threshold_year_after: i32,
    before: SideOut<'a>,
    after: SideOut<'a>,
    map: Option<String>,
    /// How a merged commune is compared: always `part_by_part` (each old commune against the new
    /// one, never added up).
    merged_compared: &'static str,
    /// A merged commune's before level: always `lowest` (the lowest level among its old communes,
    /// unknown when one of them is unknown or missing).
    merged_before: &'static str,
    sets: Vec<SetInfo<'a>>,
    /// Left out by `--summary`.
    #[serde(skip_serializing_if = "Option::is_none")]
    communes: Option<Communes<'a, 'a>>,
    summary: &'a DiffSummary,
    /// `--summary` only: the counts its tables show.
    #[serde(skip_serializing_if = "Option::is_none")]
    counts: Option<Counts<'a>>,
    skipped: Vec<Skipped<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    districts: Option<Vec<DistrictOut<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    district_comparison: Option<DistrictComparison<'a>>,
    problems: &'a [Problem],
}

/// What `diff --summary` counts, besides the summary: the units by how their level moved, the
/// indicators that turned (each row of the table of them once) and those judged on one side only,
/// and per indicator how often it turned.
#[derive(Serialize)]
struct Counts<'a> {
    changes: &'a ChangeCounts,
    indicators_turned: usize,
    indicators_one_side: usize,
    indicators: &'a [IndicatorTurns],
}

/// The communes, each built from the comparison when it is written.
struct Communes<'r, 'a> {
    rep: &'r DiffReport<'a>,
    diff: &'r Diff<'r>,
}

impl Serialize for Communes<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.diff.len()))?;
        self.diff.try_each_unit(Detail::Full, |u| {
            seq.serialize_element(&unit_out(self.rep, u))
        })?;
        seq.end()
    }
}

/// The district files compared, the district sets, and the districts' summary.
#[derive(Serialize)]
struct DistrictComparison<'a> {
    before: SideOut<'a>,
    after: SideOut<'a>,
    sets: Vec<SetInfo<'a>>,
    /// Per district set: districts qualifying, not qualifying and unknown on each side.
    levels_before: &'a [LevelCount],
    levels_after: &'a [LevelCount],
    /// Who gained or lost each level, the criteria that changed (`before`/`after` are null: see
    /// `levels_before`, `levels_after`).
    summary: &'a DiffSummary,
    skipped: Vec<Skipped<'a>>,
}

#[derive(Serialize)]
struct DistrictOut<'a> {
    code: &'a str,
    name: &'a str,
    #[serde(rename = "in")]
    presence: Presence,
    #[serde(skip_serializing_if = "Option::is_none")]
    name_before: Option<&'a str>,
    line_before: Option<usize>,
    line_after: Option<usize>,
    /// `null` (no level surely held, or not on that side) or the district set id.
    level_before: Option<&'a str>,
    level_after: Option<&'a str>,
    /// `absent`, `not_met`, `unknown`, `reached`, `reached_higher_unknown`.
    status_before: &'static str,
    status_after: &'static str,
    /// gained, lost, unchanged, unknown, new, gone.
    change: Change,
    /// `null` when unknown (missing data) or not on that side.
    qualified_before: Option<bool>,
    qualified_after: Option<bool>,
    criteria_met_before: Option<usize>,
    criteria_met_after: Option<usize>,
    criteria_met_diff: Option<i64>,
    criteria_total: Option<usize>,
    communes_before: Option<usize>,
    communes_after: Option<usize>,
    communes_ntm_before: Option<usize>,
    communes_ntm_after: Option<usize>,
    share_ntm_before: Option<f64>,
    share_ntm_after: Option<f64>,
    sets: Vec<SetOut<'a>>,
    flipped: Vec<FlipOut<'a>>,
    not_compared: Vec<NotComparedOut<'a>>,
    /// The conditions on communes (H0.1, H0.2) on each side, and how many more communes each needs.
    shares_before: &'a [ShareOutcome],
    shares_after: &'a [ShareOutcome],
    blocking_communes_before: &'a [Blocking],
    blocking_communes_after: &'a [Blocking],
    /// How each side's communes were counted (over the official list, or the file's), and the xã of
    /// the official list without a row (the district is then never qualified).
    communes_over_before: Option<&'a CountedOver>,
    communes_over_after: Option<&'a CountedOver>,
    missing_communes_before: &'a [MissingCommune],
    missing_communes_after: &'a [MissingCommune],
}

#[derive(Serialize)]
struct SideOut<'a> {
    file: &'a str,
    year: i32,
    threshold_year: i32,
    criteria_version: &'a str,
}

#[derive(Serialize)]
struct SetInfo<'a> {
    id: &'a str,
    name: &'a str,
    name_en: &'a str,
    unverified: usize,
}

#[derive(Serialize)]
struct Skipped<'a> {
    code: &'a str,
    side: Presence,
}

#[derive(Serialize)]
struct UnitOut<'a> {
    code: &'a str,
    name: &'a str,
    district: &'a str,
    #[serde(rename = "in")]
    presence: Presence,
    /// The old code of a commune renamed through the map.
    old_code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name_before: Option<&'a str>,
    /// same, renamed, merged, split (took part of one split commune), new, gone.
    relation: Relation,
    /// Its before is a set of old communes (`parts`): relation merged or split.
    merged: bool,
    line_before: Option<usize>,
    line_after: Option<usize>,
    /// The level surely held (`null`: none, unknown, or not on that side); a merged commune's before
    /// is the lowest level among its old communes.
    level_before: Option<&'a str>,
    level_after: Option<&'a str>,
    /// `absent`, `not_met`, `unknown`, `reached`, `reached_higher_unknown`.
    status_before: &'static str,
    status_after: &'static str,
    /// gained, lost, unchanged, unknown, new, gone.
    change: Change,
    criteria_met_before: Option<usize>,
    criteria_met_after: Option<usize>,
    criteria_met_diff: Option<i64>,
    criteria_total: Option<usize>,
    sets: Vec<SetOut<'a>>,
    flipped: Vec<FlipOut<'a>>,
    not_compared: Vec<NotComparedOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parts: Vec<PartOut<'a>>,
}

#[derive(Serialize)]
struct PartOut<'a> {
    code: &'a str,
    /// `false` when the map names it but the old side has no such commune.
    found: bool,
    name: Option<&'a str>,
    /// Its official name with its type, when the map is a shipped conversion (`--map lang-son-2025`).
    #[serde(skip_serializing_if = "Option::is_none")]
    official_name: Option<&'a str>,
    /// The old commune was split between several new ones (tách một phần); `also_in`: the others.
    split: bool,
    also_in: &'a [String],
    line_before: Option<usize>,
    level_before: Option<&'a str>,
    status_before: &'static str,
    /// This old commune against the new one.
    change: Option<Change>,
    criteria_met_before: Option<usize>,
    criteria_met_diff: Option<i64>,
    sets: Vec<SetOut<'a>>,
    flipped: Vec<FlipOut<'a>>,
    not_compared: Vec<NotComparedOut<'a>>,
}

#[derive(Serialize)]
struct SetOut<'a> {
    set: &'a str,
    qualified_before: Option<bool>,
    qualified_after: Option<bool>,
    criteria_met_before: usize,
    criteria_met_after: usize,
    criteria_lost: &'a [String],
    criteria_gained: &'a [String],
}

#[derive(Serialize)]
struct FlipOut<'a> {
    set: &'a str,
    criterion: &'a str,
    code: &'a str,
    input: Option<&'a str>,
    from: Status,
    to: Status,
    value_before: Option<Value>,
    value_after: Option<Value>,
    op: Option<&'static str>,
    threshold_before: Option<f64>,
    threshold_after: Option<f64>,
    threshold_dated_before: Option<i32>,
    threshold_dated_after: Option<i32>,
    cause: Cause,
    verified: bool,
    /// Every check of a compound or conditional indicator.
    #[serde(skip_serializing_if = "Option::is_none")]
    checks: Option<Vec<CheckOut<'a>>>,
}

#[derive(Serialize)]
struct CheckOut<'a> {
    input: &'a str,
    status_before: Status,
    status_after: Status,
    value_before: Option<Value>,
    value_after: Option<Value>,
    threshold_before: Option<f64>,
    threshold_after: Option<f64>,
}

#[derive(Serialize)]
struct NotComparedOut<'a> {
    set: &'a str,
    code: &'a str,
    /// `null` when the indicator is absent from that side.
    before: Option<Status>,
    after: Option<Status>,
    value_before: Option<Value>,
    value_after: Option<Value>,
}

fn threshold(c: Option<&CheckResult>) -> Option<f64> {
    c.and_then(|c| c.threshold.as_ref()).map(|t| t.value)
}

fn flip_out(f: &Flip) -> FlipOut<'_> {
    let (b, a) = (f.check_before(), f.check_after());
    let dated =
        |c: Option<&CheckResult>| c.and_then(|c| c.threshold.as_ref()).and_then(|t| t.dated);
    FlipOut {
        set: &f.set,
        criterion: &f.criterion,
        code: f.code(),
        input: b.map(|c| c.input.as_str()),
        from: f.before.status,
        to: f.after.status,
        value_before: b.and_then(|c| c.value),
        value_after: a.and_then(|c| c.value),
        op: b.and_then(|c| c.op).map(|o| o.symbol()),
        threshold_before: threshold(b),
        threshold_after: threshold(a),
        threshold_dated_before: dated(b),
        threshold_dated_after: dated(a),
        cause: f.cause,
        verified: f.before.verified,
        checks: (f.before.checks.len() > 1).then(|| {
            f.before
                .checks
                .iter()
                .zip(&f.after.checks)
                .map(|(x, y)| CheckOut {
                    input: &x.input,
                    status_before: x.status,
                    status_after: y.status,
                    value_before: x.value,
                    value_after: y.value,
                    threshold_before: threshold(Some(x)),
                    threshold_after: threshold(Some(y)),
                })
                .collect()
        }),
    }
}

fn not_compared_out(n: &NotCompared) -> NotComparedOut<'_> {
    let value = |i: Option<&IndicatorResult>| i.and_then(|i| i.main_check()).and_then(|c| c.value);
    NotComparedOut {
        set: &n.set,
        code: &n.code,
        before: n.before.as_ref().map(|i| i.status),
        after: n.after.as_ref().map(|i| i.status),
        value_before: value(n.before.as_ref()),
        value_after: value(n.after.as_ref()),
    }
}

fn set_out(s: &SetDelta) -> SetOut<'_> {
    SetOut {
        set: &s.set,
        qualified_before: s.qualified_before.as_bool(),
        qualified_after: s.qualified_after.as_bool(),
        criteria_met_before: s.criteria_met_before,
        criteria_met_after: s.criteria_met_after,
        criteria_lost: &s.criteria_lost,
        criteria_gained: &s.criteria_gained,
    }
}

fn met(target: &str, r: Option<&UnitResult>) -> Option<usize> {
    r.and_then(|r| r.set(target)).map(|s| s.criteria_met)
}

fn diff_of(x: Option<usize>, y: Option<usize>) -> Option<i64> {
    Some(y? as i64 - x? as i64)
}

/// The level surely held, as a set id of `chain`.
fn level<'a>(chain: &[&'a str], s: LevelStatus) -> Option<&'a str> {
    s.reached().and_then(|i| chain.get(i)).copied()
}

fn unit_out<'a>(rep: &'a DiffReport, u: &'a UnitDiff) -> UnitOut<'a> {
    let t = rep.target.as_str();
    let chain: Vec<&str> = rep.sets.iter().map(|s| s.id.as_str()).collect();
    let (b, a) = (u.before.as_ref(), u.after.as_ref());
    let name_before = b
        .zip(a)
        .filter(|(b, a)| b.name != a.name)
        .map(|(b, _)| b.name.as_str());
    let delta = u.delta.as_ref();
    UnitOut {
        code: &u.code,
        name: u.name(),
        district: a.or(b).map_or("", |r| r.parent.as_str()),
        presence: u.presence,
        old_code: u.renamed_from(),
        name_before,
        relation: u.relation,
        merged: u.merged(),
        line_before: b.map(|r| r.line),
        line_after: a.map(|r| r.line),
        level_before: level(&chain, u.status.0),
        level_after: level(&chain, u.status.1),
        status_before: u.status.0.word(),
        status_after: u.status.1.word(),
        change: u.change,
        criteria_met_before: met(t, b),
        criteria_met_after: met(t, a),
        criteria_met_diff: diff_of(met(t, b), met(t, a)),
        criteria_total: a.or(b).and_then(|r| r.set(t)).map(|s| s.criteria_total),
        sets: delta.map_or(Vec::new(), |d| d.sets.iter().map(set_out).collect()),
        flipped: delta.map_or(Vec::new(), |d| d.flipped.iter().map(flip_out).collect()),
        not_compared: delta.map_or(Vec::new(), |d| {
            d.not_compared.iter().map(not_compared_out).collect()
        }),
        parts: u.parts.iter().map(|p| part_out(t, &chain, p, a)).collect(),
    }
}

fn part_out<'a>(
    target: &str,
    chain: &[&'a str],
    p: &'a Part,
    after: Option<&UnitResult>,
) -> PartOut<'a> {
    let b = p.before.as_ref();
    let d = p.delta.as_ref();
    PartOut {
        code: &p.code,
        found: b.is_some(),
        name: b.map(|r| r.name.as_str()),
        official_name: p.official_name.as_deref(),
        split: p.split,
        also_in: &p.also_in,
        line_before: b.map(|r| r.line),
        level_before: level(chain, p.status),
        status_before: p.status.word(),
        change: d.map(|d| d.change),
        criteria_met_before: met(target, b),
        criteria_met_diff: diff_of(met(target, b), met(target, after)),
        sets: d.map_or(Vec::new(), |d| d.sets.iter().map(set_out).collect()),
        flipped: d.map_or(Vec::new(), |d| d.flipped.iter().map(flip_out).collect()),
        not_compared: d.map_or(Vec::new(), |d| {
            d.not_compared.iter().map(not_compared_out).collect()
        }),
    }
}

fn set_infos<'a>(sets: &[&'a CriteriaSet]) -> Vec<SetInfo<'a>> {
    sets.iter()
        .map(|s| SetInfo {
            id: &s.id,
            name: &s.name.vi,
            name_en: &s.name.en,
            unverified: s.unverified_count(),
        })
        .collect()
}

fn skipped_out(skipped: &[(String, Presence)]) -> Vec<Skipped<'_>> {
    skipped
        .iter()
        .map(|(code, side)| Skipped { code, side: *side })
        .collect()
}

fn district_out<'a>(info: &DistrictInfo<'a>, d: &'a DistrictDiff) -> DistrictOut<'a> {
    let t = info.sets.last().map_or("", |s| s.id.as_str());
    let chain: Vec<&str> = info.sets.iter().map(|s| s.id.as_str()).collect();
    let u = &d.unit;
    let (b, a) = (u.before.as_ref(), u.after.as_ref());
    let delta = u.delta.as_ref();
    let qualified =
        |r: Option<&UnitResult>| r.and_then(|r| r.set(t)).and_then(|s| s.qualified.as_bool());
    let (cb, ca) = (d.before.as_ref(), d.after.as_ref());
    DistrictOut {
        code: &u.code,
        name: u.name(),
        presence: u.presence,
        name_before: b
            .zip(a)
            .filter(|(b, a)| b.name != a.name)
            .map(|(b, _)| b.name.as_str()),
        line_before: b.map(|r| r.line),
        line_after: a.map(|r| r.line),
        level_before: level(&chain, u.status.0),
        level_after: level(&chain, u.status.1),
        status_before: u.status.0.word(),
        status_after: u.status.1.word(),
        change: u.change,
        qualified_before: qualified(b),
        qualified_after: qualified(a),
        criteria_met_before: met(t, b),
        criteria_met_after: met(t, a),
        criteria_met_diff: diff_of(met(t, b), met(t, a)),
        criteria_total: a.or(b).and_then(|r| r.set(t)).map(|s| s.criteria_total),
        communes_before: cb.map(|c| c.total),
        communes_after: ca.map(|c| c.total),
        communes_ntm_before: cb.map(|c| c.ntm),
        communes_ntm_after: ca.map(|c| c.ntm),
        share_ntm_before: cb.and_then(|c| c.share_ntm),
        share_ntm_after: ca.and_then(|c| c.share_ntm),
        sets: delta.map_or(Vec::new(), |d| d.sets.iter().map(set_out).collect()),
        flipped: delta.map_or(Vec::new(), |d| d.flipped.iter().map(flip_out).collect()),
        not_compared: delta.map_or(Vec::new(), |d| {
            d.not_compared.iter().map(not_compared_out).collect()
        }),
        shares_before: cb.map_or(&[][..], |c| &c.shares),
        shares_after: ca.map_or(&[][..], |c| &c.shares),
        blocking_communes_before: cb.map_or(&[][..], |c| &c.blocking),
        blocking_communes_after: ca.map_or(&[][..], |c| &c.blocking),
        communes_over_before: cb.map(|c| &c.over),
        communes_over_after: ca.map(|c| &c.over),
        missing_communes_before: cb.map_or(&[][..], |c| &c.missing),
        missing_communes_after: ca.map_or(&[][..], |c| &c.missing),
    }
}

fn district_comparison<'a>(
    info: &'a DistrictInfo,
    dd: &'a DistrictsDiff,
) -> DistrictComparison<'a> {
    let side = |s: &'a super::SideInfo| SideOut {
        file: &s.file,
        year: s.year,
        threshold_year: s.threshold_year,
        criteria_version: &s.version,
    };
    DistrictComparison {
        before: side(&info.before),
        after: side(&info.after),
        sets: set_infos(&info.sets),
        levels_before: &dd.levels_before,
        levels_after: &dd.levels_after,
        summary: &dd.summary,
        skipped: skipped_out(&info.skipped),
    }
}

/// The JSON document; `summary_only` (`--summary`) without `communes[]`, with `counts`.
pub(super) fn write(
    rep: &DiffReport,
    diff: &Diff,
    problems: &[Problem],
    summary_only: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let districts = rep.districts.as_ref().zip(diff.districts.as_ref());
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        command: "diff",
        criteria_version: &rep.version.id,
        criteria_origin: &rep.version.origin,
        level: &rep.level,
        target: &rep.target,
        thresholds: if rep.same_year.is_some() {
            "same_year"
        } else {
            "own_year"
        },
        threshold_year_before: rep.before.threshold_year,
        threshold_year_after: rep.after.threshold_year,
        before: SideOut {
            file: &rep.before.file,
            year: rep.before.year,
            threshold_year: rep.before.threshold_year,
            criteria_version: &rep.before.version,
        },
        after: SideOut {
            file: &rep.after.file,
            year: rep.after.year,
            threshold_year: rep.after.threshold_year,
            criteria_version: &rep.after.version,
        },
        map: rep.map.as_ref().map(|m| m.named(str::to_string)),
        merged_compared: "part_by_part",
        merged_before: "lowest",
        sets: set_infos(&rep.sets),
        communes: (!summary_only).then_some(Communes { rep, diff }),
        summary: &diff.summary,
        counts: summary_only.then(|| Counts {
            changes: &diff.changes,
            indicators_turned: diff.flipped,
            indicators_one_side: diff.not_compared,
            indicators: &diff.turns,
        }),
        skipped: skipped_out(&rep.skipped),
        districts: districts
            .map(|(info, dd)| dd.units.iter().map(|d| district_out(info, d)).collect()),
        district_comparison: districts.map(|(info, dd)| district_comparison(info, dd)),
        problems,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
