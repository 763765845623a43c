//! Running a case: evaluate its unit (and a district's communes) as `ntm check` does, then compare
//! each expectation with what came out.

use super::{Case, Got, Item, Key, Mismatch, Outcome, same_number};
use crate::criteria::{CriteriaSet, Version};
use crate::eval::district::{CommuneIndex, evaluate_district};
use crate::eval::plan::{Compact, Plan};
use crate::eval::{
    CheckResult, Evaluator, IndicatorResult, NoDerived, Options, Status, UnitResult, Verdict,
};

/// Evaluate `case` with `version` (the one it was read against) and compare.
pub fn run<'c>(case: &'c Case, version: &Version) -> Outcome<'c> {
    let sets = |ids: &[String]| -> Vec<&CriteriaSet> {
        ids.iter().filter_map(|id| version.set(id)).collect()
    };
    let ev = Evaluator::new(version, sets(&case.sets), &case.data, Options::default());
    let (unit, communes) = match (&case.communes, version.set(&case.set)) {
        (Some(rows), Some(set)) => {
            let cev = Evaluator::new(
                version,
                sets(&case.commune_sets),
                &case.data,
                Options::default(),
            );
            let mut index = CommuneIndex::for_sets(&[set]);
            let mut results = Vec::new();
            for row in rows {
                let r = cev.evaluate(row, &NoDerived);
                index.add(&r);
                results.push(r);
            }
            let base = case.commune_sets.first().map_or("", String::as_str);
            let d = evaluate_district(
                &ev,
                &case.unit,
                &index,
                crate::eval::district::Over::File { listed: false },
                base,
                set,
            );
            (d.unit, results)
        }
        _ => (ev.evaluate(&case.unit, &NoDerived), Vec::new()),
    };
    let mut mismatches = compare(case, &unit);
    // A commune case is scored by the compiled plan too, as `ntm check` scores its batches: the
    // two must agree (a district reads its communes' results, which only the explained road has).
    if case.communes.is_none() {
        let chain = sets(&case.sets);
        let d = &case.data;
        if let Some(plan) = Plan::compile(
            version,
            &chain,
            &d.columns,
            &d.present,
            case.unit.year,
            case.unit.group.as_deref(),
        ) {
            let mut compact = Compact::default();
            plan.score(&case.unit, &mut compact);
            if let Some(why) = compact.disagreement(&unit, &chain) {
                mismatches.push(Mismatch {
                    item: Item::Engine,
                    expected: Got::Agree(None),
                    actual: Got::Agree(Some(why)),
                });
            }
        }
    }
    Outcome {
        case,
        unit,
        communes,
        mismatches,
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
