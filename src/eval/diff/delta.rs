//! One old result against one new result: the level's move, each set's verdicts and criteria, the
//! indicators that turned and why.

use super::{Cause, Change, Delta, Flip, LevelStatus, NotCompared, SetDelta};
use crate::eval::{CheckResult, IndicatorResult, SetResult, Status, UnitResult, Verdict};

/// Compare one old result with one new result. Only what changed is copied out of them.
pub fn delta(chain: &[&str], b: &UnitResult, a: &UnitResult) -> Delta {
    let mut out = Delta {
        change: level_change(chain, b, a),
        sets: Vec::new(),
        flipped: Vec::new(),
        not_compared: Vec::new(),
    };
    for sb in &b.sets {
        if let Some(sa) = a.set(&sb.set) {
            let sd = set_delta(sb, sa, &mut out);
            out.sets.push(sd);
        }
    }
    out
}

fn set_delta(sb: &SetResult, sa: &SetResult, out: &mut Delta) -> SetDelta {
    let mut sd = SetDelta {
        set: sb.set.clone(),
        qualified_before: sb.qualified,
        qualified_after: sa.qualified,
        criteria_met_before: sb.criteria_met,
        criteria_met_after: sa.criteria_met,
        criteria_lost: Vec::new(),
        criteria_gained: Vec::new(),
    };
    for cb in &sb.criteria {
        let Some(ca) = sa.criteria.iter().find(|c| c.number == cb.number) else {
            continue;
        };
        match (cb.status, ca.status) {
            (Verdict::Pass, Verdict::Fail) => sd.criteria_lost.push(cb.number.clone()),
            (Verdict::Fail, Verdict::Pass) => sd.criteria_gained.push(cb.number.clone()),
            _ => {}
        }
        indicators(&sb.set, &cb.number, &cb.indicators, &ca.indicators, out);
    }
    sd
}

fn judged(s: Status) -> bool {
    matches!(s, Status::Pass | Status::Fail)
}

/// The flips and one-sided changes among the indicators of one criterion.
fn indicators(
    set: &str,
    criterion: &str,
    before: &[IndicatorResult],
    after: &[IndicatorResult],
    out: &mut Delta,
) {
    for ib in before {
        let ia = after.iter().find(|i| i.code == ib.code);
        match ia {
            Some(ia) if ib.status == ia.status => {}
            Some(ia) if judged(ib.status) && judged(ia.status) => {
                let check = turning_check(ib, ia);
                out.flipped.push(Flip {
                    set: set.to_string(),
                    criterion: criterion.to_string(),
                    before: ib.clone(),
                    after: ia.clone(),
                    check,
                    cause: cause(ib.checks.get(check), ia.checks.get(check)),
                });
            }
            Some(ia) if !judged(ib.status) && !judged(ia.status) => {}
            ia => out.not_compared.push(NotCompared {
                set: set.to_string(),
                code: ib.code.clone(),
                before: Some(ib.clone()),
                after: ia.cloned(),
            }),
        }
    }
    for ia in after
        .iter()
        .filter(|ia| !before.iter().any(|ib| ib.code == ia.code))
    {
        out.not_compared.push(NotCompared {
            set: set.to_string(),
            code: ia.code.clone(),
            before: None,
            after: Some(ia.clone()),
        });
    }
}

/// The first check judged on both sides whose status differs, else the first that differs at all.
fn turning_check(b: &IndicatorResult, a: &IndicatorResult) -> usize {
    let pairs = || b.checks.iter().zip(&a.checks).enumerate();
    pairs()
        .find(|(_, (x, y))| judged(x.status) && judged(y.status) && x.status != y.status)
        .or_else(|| pairs().find(|(_, (x, y))| x.status != y.status))
        .map_or(0, |(i, _)| i)
}

fn cause(b: Option<&CheckResult>, a: Option<&CheckResult>) -> Cause {
    let (Some(b), Some(a)) = (b, a) else {
        return Cause::Data;
    };
    let value_changed = b.value != a.value;
    let threshold_changed = match (&b.threshold, &a.threshold) {
        (Some(x), Some(y)) => (x.value - y.value).abs() > 1e-9,
        (None, None) => false,
        _ => true,
    };
    match (value_changed, threshold_changed) {
        (false, true) => Cause::Threshold,
        (true, true) => Cause::Both,
        _ => Cause::Data,
    }
}

/// How the level held moved: the label of the two sides' standings ([`super::label`]). A move is
/// certain only when the lower side fails (not merely lacks data for) the higher side's level, and
/// "unchanged" only when both levels are known.
pub fn level_change(chain: &[&str], b: &UnitResult, a: &UnitResult) -> Change {
    let (sb, sa) = (
        LevelStatus::of(chain, Some(b)),
        LevelStatus::of(chain, Some(a)),
    );
    super::label(sb, sa).unwrap_or(Change::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(level: Option<&str>, verdicts: &[(&str, Verdict)]) -> UnitResult {
        UnitResult {
            version: "v".into(),
            code: "1".into(),
            name: "x".into(),
            parent: String::new(),
            year: 2024,
            line: 2,
            sets: verdicts
                .iter()
                .map(|(id, v)| SetResult {
                    set: id.to_string(),
                    status: *v,
                    qualified: *v,
                    prerequisites: Vec::new(),
                    criteria_met: 0,
                    criteria_total: 0,
                    criteria: Vec::new(),
                    threshold_year: 2024,
                })
                .collect(),
            level_reached: level.map(String::from),
            readiness: None,
        }
    }

    #[test]
    fn a_level_is_lost_only_when_the_new_side_fails_it() {
        use Verdict::*;
        let chain = ["xa-ntm", "nang-cao"];
        let ntm = unit(Some("xa-ntm"), &[("xa-ntm", Pass), ("nang-cao", Fail)]);
        let failed = unit(None, &[("xa-ntm", Fail), ("nang-cao", Fail)]);
        let unknown = unit(None, &[("xa-ntm", Unknown), ("nang-cao", Unknown)]);
        let nc = unit(Some("nang-cao"), &[("xa-ntm", Pass), ("nang-cao", Pass)]);
        assert_eq!(level_change(&chain, &ntm, &failed), Change::Lost);
        assert_eq!(level_change(&chain, &ntm, &unknown), Change::Unknown);
        assert_eq!(level_change(&chain, &failed, &ntm), Change::Gained);
        assert_eq!(level_change(&chain, &unknown, &ntm), Change::Unknown);
        assert_eq!(level_change(&chain, &ntm, &nc), Change::Gained);
        assert_eq!(level_change(&chain, &nc, &nc), Change::Unchanged);
        // Unknown ↔ not met, and a level held with the next unknown: never "unchanged".
        assert_eq!(level_change(&chain, &unknown, &failed), Change::Unknown);
        assert_eq!(level_change(&chain, &failed, &unknown), Change::Unknown);
        let ntm_then_unknown = unit(Some("xa-ntm"), &[("xa-ntm", Pass), ("nang-cao", Unknown)]);
        assert_eq!(
            level_change(&chain, &ntm_then_unknown, &ntm),
            Change::Unknown
        );
        assert_eq!(
            level_change(&chain, &ntm_then_unknown, &failed),
            Change::Lost
        );
    }
}
