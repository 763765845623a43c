//! Districts: which communes belong to which district, the shares of communes meeting each commune
//! set (the district set's conditions on its communes), and the communes that hold a district back.

use std::collections::HashMap;

use serde::Serialize;

use super::view::UnitView;
use super::{Derived, Evaluator, UnitResult, Verdict};
use crate::criteria::{CriteriaSet, Input};
use crate::diag::Problem;
use crate::i18n::Text;
use crate::input::Row;
use crate::input::cell::fold;

/// A district's name or code as compared: no case, no diacritics, no spaces, no "huyện"/"thành phố"
/// prefix (`Huyện Cao Lộc`, `cao loc` and `CAO  LỘC` are the same district).
pub fn district_key(s: &str) -> String {
    let f = fold(s);
    let rest = ["huyen ", "thanh pho ", "thi xa ", "tp. ", "tp "]
        .iter()
        .find_map(|p| f.strip_prefix(p))
        .unwrap_or(&f);
    rest.replace(' ', "")
}

/// A commune whose district is not in the district file `district_file` (`unknown-district`, a
/// warning at the commune's row of `file`); `then` says what becomes of the commune, e.g. that it
/// is still scored but counts for no district.
pub fn unknown_district(file: &str, district_file: &str, c: &Row, then: Text) -> Problem {
    Problem::warning(
        "unknown-district",
        file,
        Text::new(
            format!(
                "huyện «{}» của xã {} không có trong tệp huyện {district_file} (năm {}): {}",
                c.parent, c.code, c.year, then.vi
            ),
            format!(
                "district «{}» of commune {} is not in the district file {district_file} (year {}): {}",
                c.parent, c.code, c.year, then.en
            ),
        ),
    )
    .at(c.line, None)
    .field("huyen")
    .found(c.parent.clone())
}

/// What a district needs to know of one of its communes.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneRef {
    pub code: String,
    pub name: String,
    pub line: usize,
    /// Criteria met of the first commune set (xã NTM) and their total.
    pub criteria_met: usize,
    pub criteria_total: usize,
    pub level_reached: Option<String>,
    #[serde(skip)]
    pub qualified: Vec<(String, Verdict)>,
    /// The commune's recognition values (`hai_long`…), for the district's conditions on each commune.
    #[serde(skip)]
    pub values: Vec<(String, Option<f64>)>,
}

impl CommuneRef {
    pub fn verdict(&self, set: &str) -> Verdict {
        self.qualified
            .iter()
            .find(|(s, _)| s == set)
            .map_or(Verdict::Unknown, |(_, v)| *v)
    }
}

/// The communes of each district and year, built as the communes are evaluated.
#[derive(Debug, Default)]
pub struct CommuneIndex {
    /// The commune columns the district sets read of each commune (`min_over_communes`).
    columns: Vec<String>,
    by: HashMap<(String, i32), Vec<CommuneRef>>,
    /// Communes whose row names a district but no readable year: they may belong to any year of it.
    any_year: HashMap<String, Vec<CommuneRef>>,
}

impl CommuneIndex {
    /// An index for the district sets `sets`: it keeps of each commune what they read.
    pub fn for_sets(sets: &[&CriteriaSet]) -> Self {
        let mut columns: Vec<String> = Vec::new();
        for c in sets.iter().flat_map(|s| {
            s.checks()
                .chain(s.recognition.iter().flat_map(|i| i.checks.iter()))
        }) {
            if let Input::MinOverCommunes(col) = &c.input
                && !columns.contains(col)
            {
                columns.push(col.clone());
            }
        }
        CommuneIndex {
            columns,
            ..CommuneIndex::default()
        }
    }

    pub fn add(&mut self, r: &dyn UnitView) {
        let base = (r.sets() > 0).then(|| r.set(0));
        let c = CommuneRef {
            code: r.code().to_string(),
            name: r.name().to_string(),
            line: r.line(),
            criteria_met: base.map_or(0, |s| s.met),
            criteria_total: base.map_or(0, |s| s.total),
            level_reached: r.level_reached().map(String::from),
            qualified: (0..r.sets())
                .map(|i| (r.set(i).id.to_string(), r.set(i).qualified))
                .collect(),
            values: self
                .columns
                .iter()
                .map(|col| (col.clone(), r.value(col)))
                .collect(),
        };
        self.by
            .entry((district_key(r.parent()), r.year()))
            .or_default()
            .push(c);
    }

    /// A commune whose year could not be read (`Unscored` without a year): it is counted, unknown, in
    /// every year of its district, so that no district qualifies without it.
    pub fn add_unknown_any_year(&mut self, u: &crate::input::Unscored) {
        if u.parent.is_empty() || u.code.is_empty() {
            return;
        }
        self.any_year
            .entry(district_key(&u.parent))
            .or_default()
            .push(CommuneRef {
                code: u.code.clone(),
                name: u.name.clone(),
                line: u.line,
                criteria_met: 0,
                criteria_total: 0,
                level_reached: None,
                qualified: Vec::new(),
                values: Vec::new(),
            });
    }

    /// A commune whose row could not be read: it belongs to its district, with every result unknown.
    pub fn add_unknown(&mut self, row: &Row) {
        let c = CommuneRef {
            code: row.code.clone(),
            name: row.name.clone(),
            line: row.line,
            criteria_met: 0,
            criteria_total: 0,
            level_reached: None,
            qualified: Vec::new(),
            values: Vec::new(),
        };
        self.by
            .entry((district_key(&row.parent), row.year))
            .or_default()
            .push(c);
    }

    /// The communes of a district row in its year, whether they name the district by its code or
    /// by its name (a file may mix both).
    pub fn communes(&self, district: &Row) -> Vec<&CommuneRef> {
        let mut keys = vec![district_key(&district.code), district_key(&district.name)];
        keys.retain(|k| !k.is_empty());
        keys.dedup();
        let mut out: Vec<&CommuneRef> = Vec::new();
        for k in keys {
            let dated = self
                .by
                .get(&(k.clone(), district.year))
                .into_iter()
                .flatten();
            for c in dated.chain(self.any_year.get(&k).into_iter().flatten()) {
                if !out.iter().any(|o| o.code == c.code) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// District keys (and years) that have communes, for telling which communes found no district.
    pub fn keys(&self) -> impl Iterator<Item = &(String, i32)> {
        self.by.keys()
    }
}

impl Derived for CommuneIndex {
    fn share_meeting(&self, unit: &Row, set: &str) -> Option<(f64, f64)> {
        let communes = self.communes(unit);
        if communes.is_empty() {
            return None;
        }
        let n = communes.len() as f64;
        let pass = communes
            .iter()
            .filter(|c| c.verdict(set) == Verdict::Pass)
            .count() as f64;
        let unknown = communes
            .iter()
            .filter(|c| c.verdict(set) == Verdict::Unknown)
            .count() as f64;
        Some((100.0 * pass / n, 100.0 * (pass + unknown) / n))
    }

    fn min_over_communes(&self, unit: &Row, column: &str) -> Option<f64> {
        let communes = self.communes(unit);
        let mut low: Option<f64> = None;
        for c in &communes {
            let v = c
                .values
                .iter()
                .find(|(k, _)| k == column)
                .and_then(|(_, v)| *v)?;
            low = Some(low.map_or(v, |l: f64| l.min(v)));
        }
        low
    }
}

/// One of the district set's conditions on its communes, and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct ShareOutcome {
    pub indicator: String,
    pub set: String,
    pub communes_total: usize,
    pub communes_meeting: usize,
    pub communes_unknown: usize,
    /// How many more communes must meet `set` for the condition to hold (0 when it holds).
    pub needed_more: usize,
}

/// A commune that keeps its district from a condition that needs every commune.
#[derive(Debug, Clone, Serialize)]
pub struct Blocking {
    pub code: String,
    pub name: String,
    pub set: String,
    pub status: Verdict,
    pub criteria_met: usize,
    pub criteria_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DistrictResult {
    pub unit: UnitResult,
    pub communes_total: usize,
    /// Communes meeting the first commune set (xã NTM).
    pub communes_ntm: usize,
    pub share_ntm: Option<f64>,
    pub shares: Vec<ShareOutcome>,
    pub blocking_communes: Vec<Blocking>,
}

/// Evaluate a district row with the commune results of its district and year.
pub fn evaluate_district(
    ev: &Evaluator,
    row: &Row,
    index: &CommuneIndex,
    base: &str,
    set: &CriteriaSet,
) -> DistrictResult {
    let unit = ev.evaluate(row, index);
    let communes = index.communes(row);
    let communes_ntm = communes
        .iter()
        .filter(|c| c.verdict(base) == Verdict::Pass)
        .count();
    let mut shares = Vec::new();
    let mut blocking = Vec::new();
    for ind in set.indicators() {
        for check in &ind.checks {
            let Input::ShareOfCommunesMeeting(target) = &check.input else {
                continue;
            };
            let threshold = check
                .threshold
                .as_ref()
                .and_then(|t| t.resolve(row.year, ev.version(), &|_| None).ok())
                .map_or(100.0, |t| t.value);
            let total = communes.len();
            let meeting = communes
                .iter()
                .filter(|c| c.verdict(target) == Verdict::Pass)
                .count();
            let unknown = communes
                .iter()
                .filter(|c| c.verdict(target) == Verdict::Unknown)
                .count();
            let required = ((threshold / 100.0) * total as f64 - 1e-9).ceil().max(0.0) as usize;
            let needed_more = required.saturating_sub(meeting);
            // Every commune must meet it: name the ones that do not.
            if needed_more > 0 && needed_more == total - meeting {
                for c in communes
                    .iter()
                    .filter(|c| c.verdict(target) != Verdict::Pass)
                {
                    blocking.push(Blocking {
                        code: c.code.clone(),
                        name: c.name.clone(),
                        set: target.clone(),
                        status: c.verdict(target),
                        criteria_met: c.criteria_met,
                        criteria_total: c.criteria_total,
                    });
                }
            }
            shares.push(ShareOutcome {
                indicator: ind.code.clone(),
                set: target.clone(),
                communes_total: total,
                communes_meeting: meeting,
                communes_unknown: unknown,
                needed_more,
            });
        }
    }
    DistrictResult {
        unit,
        communes_total: communes.len(),
        communes_ntm,
        share_ntm: (!communes.is_empty())
            .then(|| 100.0 * communes_ntm as f64 / communes.len() as f64),
        shares,
        blocking_communes: blocking,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn district_names_match_without_case_diacritics_or_prefix() {
        assert_eq!(district_key("Huyện Cao Lộc"), "caoloc");
        assert_eq!(district_key("cao loc"), "caoloc");
        assert_eq!(district_key("CAO  LỘC"), "caoloc");
        assert_eq!(district_key("Thành phố Lạng Sơn"), "langson");
        assert_ne!(district_key("Lộc Bình"), district_key("Cao Lộc"));
    }
}
