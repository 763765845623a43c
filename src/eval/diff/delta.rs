//! One old result against one new result: the level's move, each set's verdicts and criteria, the
//! indicators that turned and why.

use super::{Cause, Change, Delta, Detail, Flip, LevelStatus, NotCompared, SetDelta};
use crate::criteria::CriteriaSet;

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
use crate::eval::view::{Detailed, SetBrief, UnitView};
use crate::eval::{CheckResult, IndicatorResult, Name, Status, Verdict};

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
    let mut build = Build {
        detail,
        out: Delta {
            change: level_change(chain, b, a),
            sets: Vec::new(),
            flipped: Vec::new(),
            not_compared: Vec::new(),
        },
    };
    walk(b, a, &mut build);
    build.out
}

/// An indicator of one unit: the unit, and the indicator's set, criterion and position there.
pub(super) type At<'u> = (&'u dyn Detailed, (usize, usize, usize));

/// Where an indicator judged on one side only is: found on both sides, or on one side only. It is
/// always on at least one side.
#[derive(Clone, Copy)]
pub(super) enum Sides<'u> {
    Both(At<'u>, At<'u>),
    Old(At<'u>),
    New(At<'u>),
}

impl<'u> Sides<'u> {
    pub(super) fn before(self) -> Option<At<'u>> {
        match self {
            Sides::Both(b, _) | Sides::Old(b) => Some(b),
            Sides::New(_) => None,
        }
    }

    pub(super) fn after(self) -> Option<At<'u>> {
        match self {
            Sides::Both(_, a) | Sides::New(a) => Some(a),
            Sides::Old(_) => None,
        }
    }

    /// The old side's, when the indicator is there; else the new side's.
    fn first(self) -> At<'u> {
        match self {
            Sides::Both(b, _) | Sides::Old(b) => b,
            Sides::New(a) => a,
        }
    }
}

/// What [`walk`] finds changed between an old unit and a new one, handed over as it is found, in
/// the sets', criteria's and indicators' order: [`Build`] makes the [`Delta`] the reports show of it,
/// and the summary counts it without making anything (`summary::Acc::add_pair`).
pub(super) trait Changes {
    /// Set `i` of the old side (its definition `def`), found on the new side: both sides' verdicts.
    /// What follows, up to the next set, is of this set.
    fn set(&mut self, i: usize, def: Option<&CriteriaSet>, b: SetBrief<'_>, a: SetBrief<'_>);
    /// Criterion `k` of the set (by the old side's definition), numbered `number`, passed on one
    /// side and failed on the other.
    fn criterion(&mut self, k: usize, number: &str, lost: bool);
    /// An indicator judged on both sides, passing on one and failing on the other. `same`: both
    /// sides scored it with the same definition (its checks at the same positions).
    fn flip(&mut self, b: At<'_>, a: At<'_>, same: bool);
    /// An indicator judged on one side only, or found on one side only.
    fn one_sided(&mut self, code: &str, sides: Sides<'_>);
}

/// Walk the sets found on both sides, their criteria and indicators, and hand what changed to `out`.
pub(super) fn walk(b: &dyn Detailed, a: &dyn Detailed, out: &mut dyn Changes) {
    for i in 0..b.sets() {
        let sb = b.set(i);
        let Some(ia) = find(a.sets(), i, |x| a.set(x).id == sb.id) else {
            continue;
        };
        let (db, da) = (b.definition(i), a.definition(ia));
        out.set(i, db, sb, a.set(ia));
        // Both scored with the same definition: criteria and indicators at the same positions.
        let same = matches!((db, da), (Some(x), Some(y)) if std::ptr::eq(x, y));
        // Then, where both keep their verdicts a byte each (the set's criteria, then its
        // indicators criterion after criterion), a criterion whose verdict and indicators'
        // statuses are the same bytes on both sides has nothing that changed.
        let bytes = match (db, same) {
            (Some(def), true) => match (
                b.criterion_bytes(i),
                a.criterion_bytes(ia),
                b.indicator_bytes(i),
                a.indicator_bytes(ia),
            ) {
                (Some(cb), Some(ca), Some(ib), Some(ia)) => Some((def, (cb, ca), (ib, ia))),
                _ => None,
            },
            _ => None,
        };
        let mut first = 0;
        for k in 0..b.criteria(i) {
            // Criterion k's indicators' bytes on both sides, and whether nothing of it changed.
            let kept = bytes.map(|(def, (cb, ca), (ib, ia))| {
                let n = def.criteria.get(k).map_or(0, |c| c.indicators.len());
                let at = first..first + n;
                first += n;
                let (x, y) = (ib.get(at.clone()), ia.get(at));
                let unchanged = cb.get(k) == ca.get(k) && x.is_some() && x == y;
                (x.zip(y), unchanged)
            });
            if kept.is_some_and(|(_, unchanged)| unchanged) {
                continue;
            }
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
                (Verdict::Pass, Verdict::Fail) => out.criterion(k, number, true),
                (Verdict::Fail, Verdict::Pass) => out.criterion(k, number, false),
                _ => {}
            }
            if same {
                let kept = kept.and_then(|(bytes, _)| bytes);
                same_indicators((b, a), (i, ia, k), kept, out);
            } else {
                indicators((b, i, k), (a, ia, ka), out);
            }
        }
    }
}

/// The [`Delta`] of two units, built as [`walk`] goes: each indicator that changed with `detail`.
struct Build {
    detail: Depth,
    out: Delta,
}

impl Changes for Build {
    fn set(&mut self, _: usize, _: Option<&CriteriaSet>, b: SetBrief<'_>, a: SetBrief<'_>) {
        self.out.sets.push(SetDelta {
            set: b.id.to_string(),
            qualified_before: b.qualified,
            qualified_after: a.qualified,
            criteria_met_before: b.met,
            criteria_met_after: a.met,
            criteria_lost: Vec::new(),
            criteria_gained: Vec::new(),
        });
    }

    fn criterion(&mut self, _: usize, number: &str, lost: bool) {
        if let Some(sd) = self.out.sets.last_mut() {
            let to = if lost {
                &mut sd.criteria_lost
            } else {
                &mut sd.criteria_gained
            };
            to.push(number.to_string());
        }
    }

    fn flip(&mut self, b: At<'_>, a: At<'_>, same: bool) {
        // For the summary's count, an indicator is explained only to find its cause.
        let detail = match self.detail {
            Depth::Causes if explains_cause(b, a, same) => Depth::Full,
            Depth::Causes => Depth::Brief,
            d => d,
        };
        // The set and the criterion (numbered as the walk names it) as the old side names them.
        let (u, (i, k, _)) = b;
        let (set, criterion) = (u.set_name(i), u.criterion_name(i, k));
        self.out.flipped.push(flip(set, criterion, b, a, detail));
    }

    fn one_sided(&mut self, code: &str, sides: Sides<'_>) {
        // The set as the old side names it (the new side's set of the same id, found by it).
        let (u, (i, _, _)) = sides.first();
        self.out.not_compared.push(NotCompared {
            set: u.set_name(i),
            code: code.to_string(),
            before: sides.before().map(|(u, at)| indicator(u, at, self.detail)),
            after: sides.after().map(|(u, at)| indicator(u, at, self.detail)),
        });
    }
}

fn judged(s: Status) -> bool {
    matches!(s, Status::Pass | Status::Fail)
}

/// Indicator `j` of criterion `k` of set `i`: explained, or by code and status alone.
fn indicator(u: &dyn Detailed, (i, k, j): (usize, usize, usize), detail: Depth) -> IndicatorResult {
    match detail {
        Depth::Full => u.explain(i, k, j),
        Depth::Brief | Depth::Causes => IndicatorResult {
            code: u.indicator_name(i, k, j),
            status: u.indicator_status(i, k, j),
            verified: true,
            checks: Vec::new(),
        },
    }
}

/// [`indicators`] for two units scored with the same definition: indicator `j` on one side is
/// indicator `j` on the other; `bytes`, their statuses a byte each when both sides keep them so.
fn same_indicators(
    (b, a): (&dyn Detailed, &dyn Detailed),
    (i, ia, k): (usize, usize, usize),
    bytes: Option<(&[u8], &[u8])>,
    out: &mut dyn Changes,
) {
    let n = b.indicators(i, k);
    // Kept a byte each on both sides (`bytes`): only those whose bytes differ can have changed.
    let differ = |j: &usize| bytes.is_none_or(|(x, y)| x.get(*j) != y.get(*j));
    for j in (0..n).filter(differ) {
        let (sb, sa) = (b.indicator_status(i, k, j), a.indicator_status(ia, k, j));
        if sb == sa || (!judged(sb) && !judged(sa)) {
            continue;
        }
        let (at_b, at_a) = ((b, (i, k, j)), (a, (ia, k, j)));
        if judged(sb) && judged(sa) {
            out.flip(at_b, at_a, true);
        } else {
            out.one_sided(b.indicator(i, k, j).0, Sides::Both(at_b, at_a));
        }
    }
}

/// Whether the threshold alone may have turned an indicator judged with the same definition on
/// both sides: a check of it reads the same value on both sides, or a value not known without
/// explaining it. Only then does its cause need both sides explained.
pub(super) fn may_be_threshold((b, (i, k, j)): At<'_>, (a, (ia, _, _)): At<'_>) -> bool {
    let n = b.checks(i, k, j);
    n == 0
        || (0..n).any(
            |c| match (b.input_value(i, k, j, c), a.input_value(ia, k, j, c)) {
                (Some(x), Some(y)) => x == y,
                _ => true,
            },
        )
}

/// An indicator judged on both sides, passing on one and failing on the other, with `detail`.
fn flip(set: Name, criterion: Name, (b, at_b): At<'_>, (a, at_a): At<'_>, detail: Depth) -> Flip {
    let ib = indicator(b, at_b, detail);
    let ia = indicator(a, at_a, detail);
    let (check, cause) = match detail {
        Depth::Full => turning_and_cause(&ib, &ia),
        Depth::Brief | Depth::Causes => (turning_check(&ib, &ia), Cause::Data),
    };
    Flip {
        set,
        criterion,
        before: ib,
        after: ia,
        check,
        cause,
    }
}

/// The cause of an indicator that turned, as the summary counts it (what [`Build`] makes of it
/// at [`Depth::Causes`]): the threshold alone, or not, without keeping what explains it.
pub(super) fn counted_cause(b: At<'_>, a: At<'_>, same: bool) -> Cause {
    if !explains_cause(b, a, same) {
        return Cause::Data;
    }
    let ((ub, (i, k, j)), (ua, (ia, ka, ja))) = (b, a);
    turning_and_cause(&ub.explain(i, k, j), &ua.explain(ia, ka, ja)).1
}

/// Whether the summary's count explains an indicator that turned to find its cause: only when
/// the threshold alone may have turned it, and both sides read its checks at the same positions.
fn explains_cause(b: At<'_>, a: At<'_>, same: bool) -> bool {
    same && may_be_threshold(b, a)
}

/// The check that turned an explained indicator, and why it turned.
fn turning_and_cause(b: &IndicatorResult, a: &IndicatorResult) -> (usize, Cause) {
    let check = turning_check(b, a);
    (check, cause(b.checks.get(check), a.checks.get(check)))
}

/// The flips and one-sided changes among the indicators of one criterion.
fn indicators(
    (b, i, k): (&dyn Detailed, usize, usize),
    (a, ia, ka): (&dyn Detailed, usize, usize),
    out: &mut dyn Changes,
) {
    let (nb, na) = (b.indicators(i, k), a.indicators(ia, ka));
    for j in 0..nb {
        let (code, sb) = b.indicator(i, k, j);
        let ja = find(na, j, |x| a.indicator(ia, ka, x).0 == code);
        let sa = ja.map(|x| a.indicator(ia, ka, x).1);
        match (ja, sa) {
            (Some(_), Some(sa)) if sb == sa => {}
            (Some(ja), Some(sa)) if judged(sb) && judged(sa) => {
                out.flip((b, (i, k, j)), (a, (ia, ka, ja)), false);
            }
            (Some(_), Some(sa)) if !judged(sb) && !judged(sa) => {}
            _ => {
                let at_b = (b, (i, k, j));
                let sides = match ja {
                    Some(x) => Sides::Both(at_b, (a, (ia, ka, x))),
                    None => Sides::Old(at_b),
                };
                out.one_sided(code, sides);
            }
        }
    }
    for x in 0..na {
        let (code, _) = a.indicator(ia, ka, x);
        if find(nb, x, |j| b.indicator(i, k, j).0 == code).is_none() {
            out.one_sided(code, Sides::New((a, (ia, ka, x))));
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
