//! Running a case: its unit (and a district's communes) scored by the pipeline of `ntm check`
//! ([`pipeline::check::run`](crate::pipeline::check::run), its rows given inline rather than read
//! from a file), then each expectation compared with what came out.

use std::io;

use super::{Case, Got, Item, Key, Mismatch, Outcome, same_number};
use crate::criteria::catalog::Catalog;
use crate::diag::Problem;
use crate::eval::district::DistrictResult;
use crate::eval::view::Scored;
use crate::eval::{CheckResult, IndicatorResult, Status, UnitResult, Verdict};
use crate::i18n::Text;
use crate::input::Unscored;
use crate::input::table::ReadOptions;
use crate::pipeline::Sink;
use crate::pipeline::check::{self, Input, Job};

/// Score `case` with the version it was read against (in `catalog`) and compare.
pub fn run<'c>(case: &'c Case, catalog: &Catalog) -> Outcome<'c> {
    // The rows as `ntm check` would have read them: a commune case's unit is a commune file of one
    // row; a district case's unit is a district file of one row, its communes a commune file.
    let with_rows = |rows: Vec<crate::input::Row>| {
        let mut data = case.data.clone();
        data.rows = rows;
        data
    };
    let (communes, district) = match &case.communes {
        Some(rows) => {
            // The case's problems are the district table's: reported once.
            let mut communes = with_rows(rows.clone());
            communes.problems.clear();
            (communes, Some(with_rows(vec![case.unit.clone()])))
        }
        None => (with_rows(vec![case.unit.clone()]), None),
    };
    let job = Job {
        catalog,
        version: Some(&case.version),
        level: &case.set,
        input: Input::Rows {
            communes: &communes,
            districts: district.as_ref(),
        },
        read: ReadOptions::default(),
        year: None,
        communes: &[],
        nearest_year: false,
        units: None,
    };
    let mut sink = CaseSink::default();
    // What the case file holds was checked when it was read (and reported then, at its line and
    // column); an error the pipeline still finds makes the case fail, saying it.
    let mut errors: Vec<Text> = Vec::new();
    let ran = check::prepare(&job).and_then(|prepared| {
        check::run(&job, &prepared, &mut sink, &mut |p: &Problem| {
            if p.is_error() {
                errors.push(p.message.clone());
            }
        })
    });
    match ran {
        Ok(_) => {}
        Err(check::Error::Usage(why)) => errors.push(why),
        // The case's sink keeps what it is given and cannot fail to write; said if it ever does.
        Err(check::Error::Io(e)) => errors.push(Text::new(
            format!("không ghi được kết quả: {e}"),
            format!("cannot write the result: {e}"),
        )),
    }
    errors.extend(sink.unscored);
    let unit = match (&case.communes, sink.district) {
        (Some(_), Some(d)) => Some(d.unit),
        (Some(_), None) => None,
        (None, _) => sink.units.pop(),
    };
    let communes = if case.communes.is_some() {
        sink.units
    } else {
        Vec::new()
    };
    let mut mismatches = Vec::new();
    let unit = match (unit, errors.into_iter().next()) {
        (Some(unit), None) => {
            mismatches = compare(case, &unit);
            unit
        }
        (unit, why) => {
            mismatches.push(Mismatch {
                item: Item::Pipeline,
                expected: Got::Scored(None),
                actual: Got::Scored(Some(
                    why.unwrap_or_else(|| Text::new("không có kết quả", "no result")),
                )),
            });
            unit.unwrap_or_else(|| nothing(case))
        }
    };
    // Each commune is scored by the compiled plan and explained: the two roads must agree.
    if let Some(why) = sink.disagreement {
        mismatches.push(Mismatch {
            item: Item::Engine,
            expected: Got::Agree(None),
            actual: Got::Agree(Some(why)),
        });
    }
    Outcome {
        case,
        unit,
        communes,
        mismatches,
    }
}

/// The unit of a case the pipeline gave no result for: nothing evaluated.
fn nothing(case: &Case) -> UnitResult {
    UnitResult {
        version: case.version.clone(),
        code: case.unit.code.clone(),
        name: case.unit.name.clone(),
        parent: String::new(),
        year: case.year,
        line: case.line,
        sets: Vec::new(),
        level_reached: None,
        readiness: None,
    }
}

/// What the pipeline hands back for a case: every commune explained, in order, where the compiled
/// plan disagreed with the explanation first, the district, the rows not scored.
#[derive(Default)]
struct CaseSink {
    units: Vec<UnitResult>,
    disagreement: Option<Text>,
    district: Option<DistrictResult>,
    unscored: Vec<Text>,
}

impl Sink for CaseSink {
    fn wants_explained(&self) -> bool {
        true
    }

    fn unit(&mut self, scored: &Scored, explained: Option<&UnitResult>) -> io::Result<()> {
        let Some(r) = explained else {
            return Ok(());
        };
        if self.disagreement.is_none() && scored.plan.is_some() {
            self.disagreement = scored.compact.disagreement(r, scored.sets);
        }
        self.units.push(r.clone());
        Ok(())
    }

    fn district(&mut self, d: DistrictResult) -> io::Result<()> {
        self.district = Some(d);
        Ok(())
    }

    fn unscored(&mut self, u: Unscored) -> io::Result<()> {
        self.unscored.extend(u.reasons);
        Ok(())
    }

    fn finish(&mut self, _: &[Problem], _: &check::Outcome) -> io::Result<()> {
        Ok(())
    }
}
fn compare(case: &Case, unit: &UnitResult) -> Vec<Mismatch> {
    let e = &case.expect;
    let mut out = Vec::new();
    let mut differ = |item: Item, expected: Got, actual: Got| {
        let same = match (&expected, &actual) {
            (Got::Number(Some(a)), Got::Number(Some(b))) => same_number(*b, *a),
            (Got::Refused(a), Got::Refused(b)) => a.is_some() == b.is_some(),
            (a, b) => a == b,
        };
        if !same {
            out.push(Mismatch {
                item,
                expected,
                actual,
            });
        }
    };
    if let Some(level) = &e.level {
        differ(
            Item::Level,
            Got::Level(level.clone()),
            Got::Level(unit.level_reached.clone()),
        );
    }
    if let Some(q) = e.qualified {
        let actual = unit
            .set(&case.set)
            .map_or(Verdict::Unknown, |s| s.qualified);
        differ(Item::Qualified, Got::Verdict(q), Got::Verdict(actual));
    }
    for (key, v) in &e.criteria {
        let actual = unit
            .set(&key.set)
            .and_then(|s| s.criteria.iter().find(|c| c.number == key.code))
            .map_or(Verdict::Unknown, |c| c.status);
        differ(
            Item::Criterion(key.clone()),
            Got::Verdict(*v),
            Got::Verdict(actual),
        );
    }
    for (key, s) in &e.indicators {
        let actual = indicator(unit, key).map_or(Status::Missing, |i| i.status);
        differ(
            Item::Indicator(key.clone()),
            Got::Status(*s),
            Got::Status(actual),
        );
    }
    for (key, g) in &e.gap {
        let actual = check(unit, key).and_then(|c| match c.status {
            Status::Pass => Some(0.0),
            Status::Fail => c.gap,
            _ => None,
        });
        differ(
            Item::Gap(key.clone()),
            Got::Number(Some(*g)),
            Got::Number(actual),
        );
    }
    for (col, why) in &case.refusals {
        differ(
            Item::Refused(col.clone()),
            Got::Refused(Some(crate::i18n::Text::new("", ""))),
            Got::Refused(why.clone()),
        );
    }
    for (key, t) in &e.threshold {
        let actual = check(unit, key).and_then(|c| c.threshold.as_ref().map(|r| r.value));
        differ(
            Item::Threshold(key.clone()),
            Got::Number(Some(*t)),
            Got::Number(actual),
        );
    }
    out
}

/// The result of the indicator a key names.
pub(super) fn indicator<'r>(unit: &'r UnitResult, key: &Key) -> Option<&'r IndicatorResult> {
    unit.set(&key.set)?
        .criteria
        .iter()
        .flat_map(|c| c.indicators.iter())
        .find(|i| i.code == key.code)
}

fn check<'r>(unit: &'r UnitResult, key: &Key) -> Option<&'r CheckResult> {
    indicator(unit, key)?.checks.get(key.check)
}
