//! One old result against one new result: the level's move, each set's verdicts and criteria, the
//! indicators that turned and why.

use super::{Cause, Change, Delta, Detail, Flip, LevelStatus, NotCompared, SetDelta};

/// How much of the indicators that changed a delta builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Depth {
    /// Everything ([`Detail::Full`]).
    Full,
    /// Codes and statuses ([`Detail::Brief`]).
    Brief,
    /// What the summary counts: codes and statuses, and of an indicator that turned whether the
    /// threshold alone turned it. That is possible only when one of its checks reads the same value
    /// on both sides: only then is it explained (the cause of the others is left `Data`).
    Causes,
}

impl From<Detail> for Depth {
    fn from(d: Detail) -> Self {
        match d {
            Detail::Full => Depth::Full,
            Detail::Brief => Depth::Brief,
        }
    }
}
use crate::eval::view::{Detailed, UnitView};
use crate::eval::{CheckResult, IndicatorResult, Status, Verdict};

/// Compare one old result with one new result. Only what changed is copied out of them.
pub fn delta(chain: &[&str], b: &dyn Detailed, a: &dyn Detailed) -> Delta {
    delta_with(chain, b, a, Depth::Full)
}

/// The position of the item of `n` items that `is` names, looked for first at `hint` (both sides
/// usually follow the same criteria, in the same order).
fn find(n: usize, hint: usize, is: impl Fn(usize) -> bool) -> Option<usize> {
    if hint < n && is(hint) {
        return Some(hint);
    }
    (0..n).find(|x| is(*x))
}

/// [`delta`], the indicators built with `detail`.
pub(super) fn delta_with(
    chain: &[&str],
    b: &dyn Detailed,
    a: &dyn Detailed,
    detail: Depth,
) -> Delta {
    let mut out = Delta {
        change: level_change(chain, b, a),
        sets: Vec::new(),
        flipped: Vec::new(),
        not_compared: Vec::new(),
    };
    for i in 0..b.sets() {
        let id = b.set(i).id;
        if let Some(ia) = find(a.sets(), i, |x| a.set(x).id == id) {
            let sd = set_delta((b, i), (a, ia), detail, &mut out);
            out.sets.push(sd);
        }
    }
    out
}

fn set_delta(
    (b, i): (&dyn Detailed, usize),
    (a, ia): (&dyn Detailed, usize),
    detail: Depth,
    out: &mut Delta,
) -> SetDelta {
    let (sb, sa) = (b.set(i), a.set(ia));
    let mut sd = SetDelta {
        set: sb.id.to_string(),
        qualified_before: sb.qualified,
        qualified_after: sa.qualified,
        criteria_met_before: sb.met,
        criteria_met_after: sa.met,
        criteria_lost: Vec::new(),
        criteria_gained: Vec::new(),
    };
    // Both scored with the same definition: criteria and indicators at the same positions.
    let same = matches!(
        (b.definition(i), a.definition(ia)),
        (Some(x), Some(y)) if std::ptr::eq(x, y)
    );
    for k in 0..b.criteria(i) {
        let (number, vb) = b.criterion(i, k);
        let ka = if same {
            Some(k)
        } else {
            find(a.criteria(ia), k, |x| a.criterion(ia, x).0 == number)
        };
        let Some(ka) = ka else {
            continue;
        };
        match (vb, a.criterion(ia, ka).1) {
            (Verdict::Pass, Verdict::Fail) => sd.criteria_lost.push(number.to_string()),
            (Verdict::Fail, Verdict::Pass) => sd.criteria_gained.push(number.to_string()),
            _ => {}
        }
        if same {
            same_indicators(sb.id, number, (b, a), (i, ia, k), detail, out);
        } else {
            indicators(sb.id, number, (b, i, k), (a, ia, ka), detail, out);
        }
    }
    sd
}

fn judged(s: Status) -> bool {
    matches!(s, Status::Pass | Status::Fail)
}

/// Indicator `j` of criterion `k` of set `i`: explained, or by code and status alone.
fn indicator(u: &dyn Detailed, (i, k, j): (usize, usize, usize), detail: Depth) -> IndicatorResult {
    match detail {
        Depth::Full => u.explain(i, k, j),
        Depth::Brief | Depth::Causes => {
            let (code, status) = u.indicator(i, k, j);
            IndicatorResult {
                code: code.to_string(),
                status,
                verified: true,
                checks: Vec::new(),
            }
        }
    }
}

/// [`indicators`] for two units scored with the same definition: indicator `j` on one side is
/// indicator `j` on the other.
fn same_indicators(
    set: &str,
    criterion: &str,
    (b, a): (&dyn Detailed, &dyn Detailed),
    (i, ia, k): (usize, usize, usize),
    detail: Depth,
    out: &mut Delta,
) {
    for j in 0..b.indicators(i, k) {
        let (sb, sa) = (b.indicator_status(i, k, j), a.indicator_status(ia, k, j));
        if sb == sa || (!judged(sb) && !judged(sa)) {
            continue;
        }
        if judged(sb) && judged(sa) {
            let detail = match detail {
                Depth::Causes if !same_value(b, a, (i, ia, k, j)) => Depth::Brief,
                Depth::Causes => Depth::Full,
                d => d,
            };
            flip(set, criterion, (b, (i, k, j)), (a, (ia, k, j)), detail, out);
        } else {
            out.not_compared.push(NotCompared {
                set: set.to_string(),
                code: b.indicator(i, k, j).0.to_string(),
                before: Some(indicator(b, (i, k, j), detail)),
                after: Some(indicator(a, (ia, k, j), detail)),
            });
        }
    }
}

/// Whether a check of indicator `j` (the same definition on both sides) reads the same value on both
/// sides, or a value that is not known without explaining it.
fn same_value(
    b: &dyn Detailed,
    a: &dyn Detailed,
    (i, ia, k, j): (usize, usize, usize, usize),
) -> bool {
    let n = b.checks(i, k, j);
    n == 0
        || (0..n).any(
            |c| match (b.input_value(i, k, j, c), a.input_value(ia, k, j, c)) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            },
        )
}

/// An indicator judged on both sides, passing on one and failing on the other.
fn flip(
    set: &str,
    criterion: &str,
    (b, at_b): (&dyn Detailed, (usize, usize, usize)),
    (a, at_a): (&dyn Detailed, (usize, usize, usize)),
    detail: Depth,
    out: &mut Delta,
) {
    let ib = indicator(b, at_b, detail);
    let ia = indicator(a, at_a, detail);
    let check = turning_check(&ib, &ia);
    let cause = match detail {
        Depth::Full => cause(ib.checks.get(check), ia.checks.get(check)),
        Depth::Brief | Depth::Causes => Cause::Data,
    };
    out.flipped.push(Flip {
        set: set.to_string(),
        criterion: criterion.to_string(),
        before: ib,
        after: ia,
        check,
        cause,
    });
}

/// The flips and one-sided changes among the indicators of one criterion.
fn indicators(
    set: &str,
    criterion: &str,
    (b, i, k): (&dyn Detailed, usize, usize),
    (a, ia, ka): (&dyn Detailed, usize, usize),
    detail: Depth,
    out: &mut Delta,
) {
    let (nb, na) = (b.indicators(i, k), a.indicators(ia, ka));
    for j in 0..nb {
        let (code, sb) = b.indicator(i, k, j);
        let ja = find(na, j, |x| a.indicator(ia, ka, x).0 == code);
        let sa = ja.map(|x| a.indicator(ia, ka, x).1);
        match (ja, sa) {
            (Some(_), Some(sa)) if sb == sa => {}
            (Some(ja), Some(sa)) if judged(sb) && judged(sa) => {
                flip(
                    set,
                    criterion,
                    (b, (i, k, j)),
                    (a, (ia, ka, ja)),
                    detail,
                    out,
                );
            }
            (Some(_), Some(sa)) if !judged(sb) && !judged(sa) => {}
            _ => out.not_compared.push(NotCompared {
                set: set.to_string(),
                code: code.to_string(),
                before: Some(indicator(b, (i, k, j), detail)),
                after: ja.map(|x| indicator(a, (ia, ka, x), detail)),
            }),
        }
    }
    for x in 0..na {
        let (code, _) = a.indicator(ia, ka, x);
        if find(nb, x, |j| b.indicator(i, k, j).0 == code).is_none() {
            out.not_compared.push(NotCompared {
                set: set.to_string(),
                code: code.to_string(),
                before: None,
                after: Some(indicator(a, (ia, ka, x), detail)),
            });
        }
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
pub fn level_change(chain: &[&str], b: &dyn UnitView, a: &dyn UnitView) -> Change {
    let (sb, sa) = (
        LevelStatus::of(chain, Some(b)),
        LevelStatus::of(chain, Some(a)),
    );
    super::label(sb, sa).unwrap_or(Change::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::{SetResult, UnitResult};

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
