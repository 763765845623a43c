//! A unit's standing on one side of a comparison, and the label of the move between two standings.
//!
//! A side says which levels of the chain (xã NTM → nâng cao → kiểu mẫu, or the district sets) the
//! unit qualifies at: each is met, failed or unknown (missing data). The unit holds *some* level
//! between the levels surely met and the first level surely failed ([`LevelStatus::Held`]); the
//! label of a change ([`label`]) is certain only when the two ranges do not overlap, or when both
//! sides are known and equal. Nothing is guessed: `Chưa đủ dữ liệu → Chưa đạt` is `Unknown`, as is
//! the reverse, never `Unchanged`.

use super::Change;
use crate::eval::Verdict;
use crate::eval::view::UnitView;

/// What one side says of a unit's level along a chain of `n` levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelStatus {
    /// The unit is not on this side.
    Absent,
    /// The unit holds a level from `low` to `high` (0 = none of the chain, k = the chain's k-th level):
    /// levels 1..=`low` are met; level `high + 1` fails (or the chain ends there); those between are
    /// unknown for lack of data. `low == high` when the level is known.
    Held { low: usize, high: usize },
}

impl LevelStatus {
    /// The standing given by each level's verdict, in chain order (qualified, prerequisites included).
    pub fn from_verdicts(verdicts: impl IntoIterator<Item = Verdict>) -> Self {
        let (mut low, mut high, mut n) = (0, None, 0);
        for (i, v) in verdicts.into_iter().enumerate() {
            if v == Verdict::Pass && low == i {
                low = i + 1;
            }
            if v == Verdict::Fail && high.is_none() {
                high = Some(i);
            }
            n = i + 1;
        }
        let high = high.unwrap_or(n).max(low);
        LevelStatus::Held { low, high }
    }

    /// One side's result along `chain` (a level the result lacks is unknown); `Absent` without one.
    pub fn of(chain: &[&str], r: Option<&dyn UnitView>) -> Self {
        match r {
            None => LevelStatus::Absent,
            Some(r) => LevelStatus::from_verdicts(verdicts(chain, r)),
        }
    }

    /// Nothing known along a chain of `n` levels (a unit named by a map but missing from the data).
    pub fn unknown(n: usize) -> Self {
        LevelStatus::Held { low: 0, high: n }
    }

    /// The level every one of `parts` holds: the lowest of them (absent parts are left out). The
    /// before side of a merged commune: it never says more than its weakest old commune.
    pub fn lowest(parts: impl IntoIterator<Item = LevelStatus>) -> Self {
        parts
            .into_iter()
            .fold(LevelStatus::Absent, |acc, p| match (acc, p) {
                (LevelStatus::Absent, x) | (x, LevelStatus::Absent) => x,
                (LevelStatus::Held { low: a, high: b }, LevelStatus::Held { low: c, high: d }) => {
                    LevelStatus::Held {
                        low: a.min(c),
                        high: b.min(d),
                    }
                }
            })
    }

    /// The level surely held, as an index into the chain (`None`: absent, or no level surely met).
    pub fn reached(self) -> Option<usize> {
        match self {
            LevelStatus::Held { low, .. } if low > 0 => Some(low - 1),
            _ => None,
        }
    }

    /// What the standing is, for scripts: `absent`, `not_met` (the first level fails), `unknown`
    /// (the first level is not known), `reached` (a level is held, the next fails or there is none),
    /// `reached_higher_unknown` (a level is held, the next is not known).
    pub fn word(self) -> &'static str {
        match self {
            LevelStatus::Absent => "absent",
            LevelStatus::Held { low: 0, high: 0 } => "not_met",
            LevelStatus::Held { low: 0, .. } => "unknown",
            LevelStatus::Held { low, high } if low == high => "reached",
            LevelStatus::Held { .. } => "reached_higher_unknown",
        }
    }
}

/// Each level's verdict in chain order; a level the result lacks is unknown.
pub fn verdicts<'a>(chain: &'a [&str], r: &'a dyn UnitView) -> impl Iterator<Item = Verdict> + 'a {
    chain.iter().map(|id| r.qualified(id))
}

/// The label of a move from `before` to `after`; `None` only when the unit is on neither side.
pub fn label(before: LevelStatus, after: LevelStatus) -> Option<Change> {
    use LevelStatus::{Absent, Held};
    Some(match (before, after) {
        (Absent, Absent) => return None,
        (Absent, Held { .. }) => Change::New,
        (Held { .. }, Absent) => Change::Gone,
        (Held { high: bh, .. }, Held { low: al, .. }) if bh < al => Change::Gained,
        (Held { low: bl, .. }, Held { high: ah, .. }) if ah < bl => Change::Lost,
        (Held { low: bl, high: bh }, Held { low: al, high: ah })
            if bl == bh && (al, ah) == (bl, bh) =>
        {
            Change::Unchanged
        }
        _ => Change::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use LevelStatus::{Absent, Held};

    const fn h(low: usize, high: usize) -> LevelStatus {
        Held { low, high }
    }

    fn code(c: Option<Change>) -> char {
        match c {
            None => '-',
            Some(Change::Gained) => 'G',
            Some(Change::Lost) => 'L',
            Some(Change::Unchanged) => 'K',
            Some(Change::Unknown) => 'U',
            Some(Change::New) => 'N',
            Some(Change::Gone) => 'X',
        }
    }

    /// Every pair of standings along the commune chain (xã NTM, nâng cao, kiểu mẫu), written out by
    /// hand: G gained (Lên mức), L lost (Xuống mức), K kept (Giữ nguyên), U unknown (Chưa rõ),
    /// N new (Mới), X gone (Không còn). Rows are the before side, columns the after side.
    #[test]
    fn every_pair_of_commune_standings_has_its_label() {
        let statuses = [
            Absent,
            h(0, 0), // Chưa đạt
            h(0, 1), // Chưa đủ dữ liệu (xã NTM unknown, nâng cao fails)
            h(0, 2), // Chưa đủ dữ liệu (kiểu mẫu fails)
            h(0, 3), // Chưa đủ dữ liệu (nothing fails)
            h(1, 1), // xã NTM
            h(1, 2), // xã NTM, nâng cao unknown, kiểu mẫu fails
            h(1, 3), // xã NTM, higher levels unknown
            h(2, 2), // nâng cao
            h(2, 3), // nâng cao, kiểu mẫu unknown
            h(3, 3), // kiểu mẫu
        ];
        let expected = [
            "-NNNNNNNNNN",
            "XKUUUGGGGGG",
            "XUUUUUUUGGG",
            "XUUUUUUUUUG",
            "XUUUUUUUUUU",
            "XLUUUKUUGGG",
            "XLUUUUUUUUG",
            "XLUUUUUUUUU",
            "XLLUULUUKUG",
            "XLLUULUUUUU",
            "XLLLULLULUK",
        ];
        for (i, b) in statuses.iter().enumerate() {
            let row: String = statuses.iter().map(|a| code(label(*b, *a))).collect();
            assert_eq!(row, expected[i], "before {b:?}");
        }
        // The case, both ways: unknown ↔ not met is never "kept".
        assert_eq!(label(h(0, 3), h(0, 0)), Some(Change::Unknown));
        assert_eq!(label(h(0, 0), h(0, 3)), Some(Change::Unknown));
    }

    /// Districts: one level (huyện NTM): đạt, chưa đạt, chưa đủ dữ liệu, absent.
    #[test]
    fn every_pair_of_district_standings_has_its_label() {
        let statuses = [Absent, h(0, 0), h(0, 1), h(1, 1)];
        let expected = ["-NNN", "XKUG", "XUUU", "XLUK"];
        for (i, b) in statuses.iter().enumerate() {
            let row: String = statuses.iter().map(|a| code(label(*b, *a))).collect();
            assert_eq!(row, expected[i], "before {b:?}");
        }
    }

    #[test]
    fn standings_come_from_the_levels_verdicts() {
        use Verdict::{Fail, Pass, Unknown};
        assert_eq!(LevelStatus::from_verdicts([Fail, Fail, Fail]), h(0, 0));
        assert_eq!(LevelStatus::from_verdicts([Unknown, Fail, Fail]), h(0, 1));
        assert_eq!(
            LevelStatus::from_verdicts([Unknown, Unknown, Unknown]),
            h(0, 3)
        );
        assert_eq!(LevelStatus::from_verdicts([Pass, Fail, Fail]), h(1, 1));
        assert_eq!(LevelStatus::from_verdicts([Pass, Unknown, Fail]), h(1, 2));
        assert_eq!(LevelStatus::from_verdicts([Pass, Pass, Pass]), h(3, 3));
        assert_eq!(LevelStatus::from_verdicts([Pass, Pass, Unknown]), h(2, 3));
        assert_eq!(LevelStatus::from_verdicts([]), h(0, 0));
        let words: Vec<&str> = [Absent, h(0, 0), h(0, 2), h(1, 1), h(1, 3)]
            .iter()
            .map(|s| s.word())
            .collect();
        assert_eq!(
            words,
            [
                "absent",
                "not_met",
                "unknown",
                "reached",
                "reached_higher_unknown"
            ]
        );
    }

    #[test]
    fn a_merged_unit_holds_the_lowest_level_of_its_parts() {
        // xã NTM + chưa đạt → chưa đạt; nâng cao + unknown (nothing fails) → unknown up to nâng cao.
        assert_eq!(LevelStatus::lowest([h(1, 1), h(0, 0)]), h(0, 0));
        assert_eq!(LevelStatus::lowest([h(2, 2), h(0, 3)]), h(0, 2));
        assert_eq!(LevelStatus::lowest([h(2, 3), h(3, 3)]), h(2, 3));
        assert_eq!(LevelStatus::lowest([Absent, h(1, 1)]), h(1, 1));
        assert_eq!(LevelStatus::lowest([]), Absent);
    }
}
