//! `check --format json`: one document, written as the run goes: what the run is about, then each
//! commune as it is scored, each district, and at the end the summaries, the rows not scored and
//! every problem. Built one way: every value is a typed structure serialized by serde straight from
//! the results (no intermediate `serde_json::Value`); [`Object`] only writes the punctuation
//! between the members, so that the communes stream instead of being held.

use std::io::{self, Write};

use serde::Serialize;

use crate::diag::Problem;
use crate::eval::district::{Blocking, CountedOver, DistrictResult, MissingCommune, ShareOutcome};
use crate::eval::needs::{Needs, still_needed};
use crate::eval::view::Scored;
use crate::eval::{
    CheckResult, CriterionResult, IndicatorResult, SetResult, Status, UnitResult, Verdict,
};
use crate::input::Unscored;
use crate::input::Value;
use crate::pipeline::Sink;
use crate::pipeline::check::Outcome;
use crate::report::SCHEMA_VERSION;
use crate::report::model::CheckReport;

use super::gather::Gathered;

/// A JSON object written a member at a time; an array member can be written an item at a time.
struct Object<W: Write> {
    out: W,
    members: usize,
    /// Items written in the array open, if one is.
    items: Option<usize>,
}

impl<W: Write> Object<W> {
    fn begin(mut out: W) -> io::Result<Self> {
        out.write_all(b"{")?;
        Ok(Object {
            out,
            members: 0,
            items: None,
        })
    }

    fn key(&mut self, key: &str) -> io::Result<()> {
        if self.members > 0 {
            self.out.write_all(b",")?;
        }
        self.members += 1;
        serde_json::to_writer(&mut self.out, key)?;
        self.out.write_all(b":")
    }

    fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> io::Result<()> {
        self.key(key)?;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }

    /// An array member whose items follow, one per line.
    fn open_array(&mut self, key: &str) -> io::Result<()> {
        self.key(key)?;
        self.out.write_all(b"[")?;
        self.items = Some(0);
        Ok(())
    }

    fn item<T: Serialize>(&mut self, value: &T) -> io::Result<()> {
        let n = self.items.unwrap_or(0);
        self.out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut self.out, value)?;
        self.items = Some(n + 1);
        Ok(())
    }

    fn close_array(&mut self) -> io::Result<()> {
        self.items = None;
        self.out.write_all(b"\n]")
    }

    fn end(&mut self) -> io::Result<()> {
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

/// A set the report evaluates, as the head of the document names it.
#[derive(Serialize)]
struct SetHead<'a> {
    id: &'a str,
    name: &'a str,
    name_en: &'a str,
    decision: &'a str,
    decision_date: &'a str,
    unverified: usize,
}

/// Streams the document: communes and districts as they come; the summaries and the rows not
/// scored at the end.
pub(super) struct JsonSink<'a, W: Write> {
    rep: &'a CheckReport<'a>,
    doc: Object<W>,
    gathered: Gathered,
    districts: usize,
}

impl<'a, W: Write> JsonSink<'a, W> {
    pub(super) fn new(rep: &'a CheckReport<'a>, out: W) -> io::Result<Self> {
        let gathered = Gathered::new(rep)?;
        let mut doc = Object::begin(out)?;
        doc.member("schema_version", &SCHEMA_VERSION)?;
        doc.member("criteria_version", &rep.version.id)?;
        doc.member("criteria_origin", &rep.version.origin)?;
        doc.member("level", &rep.level)?;
        doc.member("target", &rep.target)?;
        doc.member("file", &rep.file)?;
        let sets: Vec<SetHead> = rep
            .all_sets()
            .map(|s| SetHead {
                id: &s.id,
                name: &s.name.vi,
                name_en: &s.name.en,
                decision: &s.decision,
                decision_date: &s.decision_date,
                unverified: s.unverified_count(),
            })
            .collect();
        doc.member("sets", &sets)?;
        doc.open_array("communes")?;
        Ok(JsonSink {
            rep,
            doc,
            gathered,
            districts: 0,
        })
    }
}

impl<W: Write> Sink for JsonSink<'_, W> {
    fn wants_explained(&self) -> bool {
        !self.rep.summary_only
    }

    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()> {
        self.gathered.count(scored);
        if self.rep.summary_only {
            return Ok(());
        }
        let view = self.rep.for_version(&scored.version.id);
        let r = explained.ok_or_else(|| {
            io::Error::other("the report needs the explained result of each commune")
        })?;
        self.doc
            .item(&commune_out(r, &view.target, view.qualified(r)))
    }

    fn district(&mut self, d: DistrictResult) -> io::Result<()> {
        if self.districts == 0 {
            self.doc.close_array()?;
            self.doc.open_array("districts")?;
        }
        self.districts += 1;
        self.doc.item(&district_out(&d))
    }

    fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        self.gathered.unscored.push(u);
        Ok(())
    }

    fn finish(&mut self, problems: &[Problem], _outcome: &Outcome) -> io::Result<()> {
        self.doc.close_array()?;
        if self.districts == 0 && !self.rep.district_sets.is_empty() {
            self.doc.member("districts", &[] as &[DistrictOut])?;
        }
        let summaries = self.gathered.summaries();
        self.doc.member("summaries", &summaries)?;
        self.doc.member("unscored", &self.gathered.unscored)?;
        self.doc.member("problems", problems)?;
        self.doc.end()
    }
}

#[derive(Serialize)]
struct CommuneOut<'a> {
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
struct CriterionOut<'a> {
    number: &'a str,
    status: Verdict,
    indicators: Vec<IndicatorOut<'a>>,
}

#[derive(Serialize)]
struct IndicatorOut<'a> {
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

fn indicator_out(i: &IndicatorResult) -> IndicatorOut<'_> {
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

fn criteria_out(set: &SetResult) -> Vec<CriterionOut<'_>> {
    set.criteria.iter().map(criterion_out).collect()
}

fn criterion_out(c: &CriterionResult) -> CriterionOut<'_> {
    CriterionOut {
        number: &c.number,
        status: c.status,
        indicators: c.indicators.iter().map(indicator_out).collect(),
    }
}

fn commune_out<'a>(r: &'a UnitResult, target: &str, qualified: Verdict) -> CommuneOut<'a> {
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
struct DistrictOut<'a> {
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

fn district_out(d: &DistrictResult) -> DistrictOut<'_> {
    let r = &d.unit;
    let set = d.district_set();
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
