//! What summaries, tallies, district shares and one-line-per-unit outputs read of a scored unit,
//! whichever way it was scored: the compact verdicts of a compiled [`Plan`](super::plan::Plan)
//! ([`Scored`]) or the explained result ([`UnitResult`]). One interface, so that these outputs are
//! computed the same way on the fast path and on the explained one.

use super::plan::{Compact, Plan};
use super::{Name, UnitResult, Verdict};
use crate::criteria::{CriteriaSet, Version};
use crate::input::{Cell, Row, Value};

/// One set's verdict on a unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SetBrief<'a> {
    pub id: &'a str,
    /// The set's own criteria.
    pub status: Verdict,
    /// With its prerequisites: whether the unit qualifies at this level.
    pub qualified: Verdict,
    pub met: usize,
    pub total: usize,
}

/// A scored unit, as the aggregate outputs read it.
pub trait UnitView {
    fn version(&self) -> &str;
    fn code(&self) -> &str;
    fn name(&self) -> &str;
    /// The commune's district, as its row names it.
    fn parent(&self) -> &str;
    fn year(&self) -> i32;
    fn line(&self) -> usize;
    /// The sets scored, in chain order.
    fn sets(&self) -> usize;
    fn set(&self, i: usize) -> SetBrief<'_>;
    /// The verdict on criterion `k` of set `i`, and its number.
    fn criterion(&self, i: usize, k: usize) -> (&str, Verdict);
    /// The prerequisites of set `i` that are not met (`Fail`) or not known (`Unknown`).
    fn prerequisites(&self, i: usize) -> Vec<(&str, Verdict)>;
    /// The highest set qualified at.
    fn level_reached(&self) -> Option<&str>;
    /// Recognition: whether the conditions were assessed, and whether the unit is ready.
    fn ready(&self) -> Option<Verdict>;
    fn assessed(&self) -> bool;
    /// Recognition: the set the unit is proposed at, and whether its conditions are met (`None`
    /// when not assessed); `None` when there is no set.
    fn recognition(&self) -> Option<(&str, Option<Verdict>)>;
    /// The value of a recognition column (`hai_long`…), for a district's conditions on each commune.
    fn value(&self, column: &str) -> Option<f64>;

    /// The set `id`, if scored.
    fn set_by_id(&self, id: &str) -> Option<SetBrief<'_>> {
        (0..self.sets()).map(|i| self.set(i)).find(|s| s.id == id)
    }

    /// Whether the unit qualifies at set `id` (unknown when it was not scored).
    fn qualified(&self, id: &str) -> Verdict {
        self.set_by_id(id).map_or(Verdict::Unknown, |s| s.qualified)
    }
}

impl UnitView for UnitResult {
    fn version(&self) -> &str {
        &self.version
    }
    fn code(&self) -> &str {
        &self.code
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn parent(&self) -> &str {
        &self.parent
    }
    fn year(&self) -> i32 {
        self.year
    }
    fn line(&self) -> usize {
        self.line
    }
    fn sets(&self) -> usize {
        self.sets.len()
    }
    fn set(&self, i: usize) -> SetBrief<'_> {
        let s = &self.sets[i];
        SetBrief {
            id: &s.set,
            status: s.status,
            qualified: s.qualified,
            met: s.criteria_met,
            total: s.criteria_total,
        }
    }
    fn criterion(&self, i: usize, k: usize) -> (&str, Verdict) {
        let c = &self.sets[i].criteria[k];
        (&c.number, c.status)
    }
    fn prerequisites(&self, i: usize) -> Vec<(&str, Verdict)> {
        self.sets[i]
            .prerequisites
            .iter()
            .map(|(p, v)| (p.as_str(), *v))
            .collect()
    }
    fn level_reached(&self) -> Option<&str> {
        self.level_reached.as_deref()
    }
    fn ready(&self) -> Option<Verdict> {
        self.readiness.as_ref().and_then(|x| x.ready)
    }
    fn recognition(&self) -> Option<(&str, Option<Verdict>)> {
        self.readiness
            .as_ref()
            .map(|x| (x.set.as_str(), x.conditions))
    }
    fn assessed(&self) -> bool {
        self.readiness
            .as_ref()
            .is_some_and(|x| x.conditions.is_some())
    }
    fn value(&self, column: &str) -> Option<f64> {
        self.readiness
            .iter()
            .flat_map(|x| x.indicators.iter().flat_map(|i| i.checks.iter()))
            .find(|c| c.input == column)
            .and_then(|c| c.value.and_then(|v| v.as_num()))
    }
}

/// A row scored with a compiled plan: the row, the version and chain of sets, and the compact
/// verdicts.
pub struct Scored<'a> {
    pub row: &'a Row,
    pub version: &'a Version,
    pub sets: &'a [&'a CriteriaSet],
    /// The columns of the row's cells.
    pub columns: &'a [String],
    pub compact: &'a Compact,
    /// The plan that scored it (`None`: the chain could not be compiled, and `compact` is empty;
    /// the unit was explained).
    pub plan: Option<&'a Plan>,
}

impl UnitView for Scored<'_> {
    fn version(&self) -> &str {
        &self.version.id
    }
    fn code(&self) -> &str {
        &self.row.code
    }
    fn name(&self) -> &str {
        &self.row.name
    }
    fn parent(&self) -> &str {
        &self.row.parent
    }
    fn year(&self) -> i32 {
        self.row.year
    }
    fn line(&self) -> usize {
        self.row.line
    }
    fn sets(&self) -> usize {
        self.sets.len()
    }
    fn set(&self, i: usize) -> SetBrief<'_> {
        let c = self.compact;
        SetBrief {
            id: &self.sets[i].id,
            status: c.status[i],
            qualified: c.qualified[i],
            met: c.met[i],
            total: self.sets[i].criteria.len(),
        }
    }
    fn criterion(&self, i: usize, k: usize) -> (&str, Verdict) {
        let at = self.compact.set_criteria[i].start + k;
        (&self.sets[i].criteria[k].number, self.compact.criteria[at])
    }
    fn prerequisites(&self, i: usize) -> Vec<(&str, Verdict)> {
        let set = self.sets[i];
        set.requires
            .iter()
            .filter(|r| self.version.set(r).is_some_and(|p| p.level == set.level))
            .map(|r| {
                let v = self.sets[..i]
                    .iter()
                    .position(|s| &s.id == r)
                    .map_or(Verdict::Unknown, |j| self.compact.qualified[j]);
                (r.as_str(), v)
            })
            .filter(|(_, v)| *v != Verdict::Pass)
            .collect()
    }
    fn level_reached(&self) -> Option<&str> {
        self.compact.level.map(|i| self.sets[i].id.as_str())
    }
    fn ready(&self) -> Option<Verdict> {
        self.compact.readiness.and_then(|(_, _, r)| r)
    }
    fn recognition(&self) -> Option<(&str, Option<Verdict>)> {
        let (at, conditions, _) = self.compact.readiness?;
        Some((self.sets.get(at)?.id.as_str(), conditions))
    }
    fn assessed(&self) -> bool {
        self.compact
            .readiness
            .is_some_and(|(_, conditions, _)| conditions.is_some())
    }
    fn value(&self, column: &str) -> Option<f64> {
        let i = self.columns.iter().position(|c| c == column)?;
        match self.row.cells.get(i) {
            Some(Cell::Value(Value::Num(n))) => Some(*n),
            _ => None,
        }
    }
}

/// A scored unit as a comparison reads it: beyond its verdicts ([`UnitView`]), each indicator's
/// status, and an indicator explained (values, thresholds, each check) only when asked. The explained
/// result ([`UnitResult`]) answers from what it holds; a unit kept compactly
/// ([`super::diff::store`]) evaluates the one indicator asked for, so that a comparison of large
/// files builds the detail of what changed and nothing else.
pub trait Detailed: UnitView {
    /// The year whose thresholds scored set `i`.
    fn threshold_year(&self, i: usize) -> i32;
    /// The number of criteria of set `i`.
    fn criteria(&self, i: usize) -> usize;
    /// The number of indicators of criterion `k` of set `i`.
    fn indicators(&self, i: usize, k: usize) -> usize;
    /// The code and status of indicator `j` of criterion `k` of set `i`.
    fn indicator(&self, i: usize, k: usize, j: usize) -> (&str, super::Status);
    /// That indicator explained, as the explained evaluation gives it.
    fn explain(&self, i: usize, k: usize, j: usize) -> super::IndicatorResult;
    /// The status of indicator `j` of criterion `k` of set `i`.
    fn indicator_status(&self, i: usize, k: usize, j: usize) -> super::Status {
        self.indicator(i, k, j).1
    }
    /// Set `i`'s id, criterion `k`'s number and indicator `j`'s code, as the names a comparison's
    /// results hold: a unit that keeps them shared hands out a reference, not a copy.
    fn set_name(&self, i: usize) -> Name {
        Name::from(self.set(i).id)
    }
    fn criterion_name(&self, i: usize, k: usize) -> Name {
        Name::from(self.criterion(i, k).0)
    }
    fn indicator_name(&self, i: usize, k: usize, j: usize) -> Name {
        Name::from(self.indicator(i, k, j).0)
    }
    /// The number of checks of that indicator, when known without explaining it (0: not known).
    fn checks(&self, _i: usize, _k: usize, _j: usize) -> usize {
        0
    }
    /// The value check `c` of that indicator reads from the row (`Some(None)`: the cell is empty or
    /// not applicable), when known without explaining it; `None` when not known or not a cell.
    fn input_value(
        &self,
        _i: usize,
        _k: usize,
        _j: usize,
        _c: usize,
    ) -> Option<Option<crate::input::Value>> {
        None
    }
    /// The definition set `i` was scored with, when the unit follows it criterion by criterion and
    /// indicator by indicator (two units scored with the same definition are compared position by
    /// position).
    fn definition(&self, _i: usize) -> Option<&CriteriaSet> {
        None
    }
    /// The verdicts of the criteria of set `i`, a byte each (equal bytes for equal verdicts, in the
    /// criteria's order), when the unit keeps them so.
    fn criterion_bytes(&self, _i: usize) -> Option<&[u8]> {
        None
    }
    /// The statuses of the indicators of set `i`, a byte each (equal bytes for equal statuses),
    /// criterion after criterion in the definition's order, when the unit keeps them so: a
    /// comparison of two units scored with the same definition then reads only those that differ.
    fn indicator_bytes(&self, _i: usize) -> Option<&[u8]> {
        None
    }
}

impl Detailed for UnitResult {
    fn threshold_year(&self, i: usize) -> i32 {
        self.sets[i].threshold_year
    }
    fn criteria(&self, i: usize) -> usize {
        self.sets[i].criteria.len()
    }
    fn indicators(&self, i: usize, k: usize) -> usize {
        self.sets[i].criteria[k].indicators.len()
    }
    fn indicator(&self, i: usize, k: usize, j: usize) -> (&str, super::Status) {
        let ind = &self.sets[i].criteria[k].indicators[j];
        (&ind.code, ind.status)
    }
    fn explain(&self, i: usize, k: usize, j: usize) -> super::IndicatorResult {
        self.sets[i].criteria[k].indicators[j].clone()
    }
    fn indicator_name(&self, i: usize, k: usize, j: usize) -> Name {
        self.sets[i].criteria[k].indicators[j].code.clone()
    }
}

/// A reference answers as what it refers to (a comparison's sides hand out either).
impl<T: UnitView + ?Sized> UnitView for &T {
    fn version(&self) -> &str {
        (**self).version()
    }
    fn code(&self) -> &str {
        (**self).code()
    }
    fn name(&self) -> &str {
        (**self).name()
    }
    fn parent(&self) -> &str {
        (**self).parent()
    }
    fn year(&self) -> i32 {
        (**self).year()
    }
    fn line(&self) -> usize {
        (**self).line()
    }
    fn sets(&self) -> usize {
        (**self).sets()
    }
    fn set(&self, i: usize) -> SetBrief<'_> {
        (**self).set(i)
    }
    fn criterion(&self, i: usize, k: usize) -> (&str, Verdict) {
        (**self).criterion(i, k)
    }
    fn prerequisites(&self, i: usize) -> Vec<(&str, Verdict)> {
        (**self).prerequisites(i)
    }
    fn level_reached(&self) -> Option<&str> {
        (**self).level_reached()
    }
    fn ready(&self) -> Option<Verdict> {
        (**self).ready()
    }
    fn assessed(&self) -> bool {
        (**self).assessed()
    }
    fn recognition(&self) -> Option<(&str, Option<Verdict>)> {
        (**self).recognition()
    }
    fn value(&self, column: &str) -> Option<f64> {
        (**self).value(column)
    }
}

impl<T: Detailed + ?Sized> Detailed for &T {
    fn threshold_year(&self, i: usize) -> i32 {
        (**self).threshold_year(i)
    }
    fn criteria(&self, i: usize) -> usize {
        (**self).criteria(i)
    }
    fn indicators(&self, i: usize, k: usize) -> usize {
        (**self).indicators(i, k)
    }
    fn indicator(&self, i: usize, k: usize, j: usize) -> (&str, super::Status) {
        (**self).indicator(i, k, j)
    }
    fn explain(&self, i: usize, k: usize, j: usize) -> super::IndicatorResult {
        (**self).explain(i, k, j)
    }
    fn definition(&self, i: usize) -> Option<&CriteriaSet> {
        (**self).definition(i)
    }
    fn indicator_status(&self, i: usize, k: usize, j: usize) -> super::Status {
        (**self).indicator_status(i, k, j)
    }
    fn set_name(&self, i: usize) -> Name {
        (**self).set_name(i)
    }
    fn criterion_name(&self, i: usize, k: usize) -> Name {
        (**self).criterion_name(i, k)
    }
    fn indicator_name(&self, i: usize, k: usize, j: usize) -> Name {
        (**self).indicator_name(i, k, j)
    }
    fn checks(&self, i: usize, k: usize, j: usize) -> usize {
        (**self).checks(i, k, j)
    }
    fn input_value(
        &self,
        i: usize,
        k: usize,
        j: usize,
        c: usize,
    ) -> Option<Option<crate::input::Value>> {
        (**self).input_value(i, k, j, c)
    }
    fn criterion_bytes(&self, i: usize) -> Option<&[u8]> {
        (**self).criterion_bytes(i)
    }
    fn indicator_bytes(&self, i: usize) -> Option<&[u8]> {
        (**self).indicator_bytes(i)
    }
}
