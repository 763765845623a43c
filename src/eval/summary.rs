//! The programme's own measures over many units: groups by criteria met, average, levels reached,
//! and how many units pass each criterion. Built one unit at a time, so that a run keeps only these
//! aggregates, never every result.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::view::UnitView;
use super::{UnitResult, Verdict};
use crate::criteria::CriteriaSet;

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Lowest and highest criteria met in the group.
    pub from: usize,
    pub to: usize,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelCount {
    pub set: String,
    pub qualified: usize,
    pub not_qualified: usize,
    pub unknown: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// The data year summarised (communes of different years are never mixed).
    pub year: i32,
    /// The district summarised (as the communes name it), or `None` for the whole file.
    pub district: Option<String>,
    /// Share (%) of the units meeting the base set.
    pub share_meeting_base: Option<f64>,
    pub units: usize,
    /// The set the groups and the average refer to (xa-ntm).
    pub set: String,
    pub groups: Vec<Group>,
    pub average_criteria_met: Option<f64>,
    /// Per level of the chain.
    pub levels: Vec<LevelCount>,
    /// Per criterion of the base set: `(number, units passing it)`.
    pub criteria_passed: Vec<(String, usize)>,
    /// Units whose result at the base set is unknown because of missing data.
    pub unknown: usize,
}

/// Accumulates [`Summary`]s, one per data year.
pub struct SummaryBuilder {
    base: String,
    bounds: Vec<usize>,
    total: usize,
    chain: Vec<String>,
    criteria: Vec<String>,
    /// The summaries and the criteria met so far, and where each (year, district key) is. The key
    /// `""` is the whole file.
    slots: Vec<(Summary, usize)>,
    index: HashMap<(i32, String), usize>,
    /// What each district name met gave, by year and version: the slots and the positions of the
    /// sets in the chain are looked up once per (district, year, version), whatever the rows' order,
    /// and a row costs one look-up of its district's name (folding a name is slow; names repeat).
    known: HashMap<String, Vec<usize>>,
    /// What `known` points into.
    lasts: Vec<Last>,
    /// The base set's criteria a row passes, worked out once for its two slots.
    passed: Vec<bool>,
}

/// The slots of a year and district, and where the base set and each level are in the chain of a
/// version.
struct Last {
    year: i32,
    version: String,
    /// The whole file's slot, and the district's when the unit names one: a unit of no district
    /// (an empty cell, or a file of after 1 July 2025, when districts were abolished) is counted
    /// once, in the whole file.
    slots: (usize, Option<usize>),
    base: Option<usize>,
    levels: Vec<Option<usize>>,
}

impl SummaryBuilder {
    /// Summaries against `base` (the first set of the chain) and every set of `chain`.
    pub fn new(base: &CriteriaSet, chain: &[&CriteriaSet]) -> Self {
        let bounds = if base.progress_groups.is_empty() {
            vec![base.criteria.len(), 0]
        } else {
            base.progress_groups.clone()
        };
        SummaryBuilder {
            base: base.id.clone(),
            bounds,
            total: base.criteria.len(),
            chain: chain.iter().map(|s| s.id.clone()).collect(),
            criteria: base.criteria.iter().map(|c| c.number.clone()).collect(),
            slots: Vec::new(),
            index: HashMap::new(),
            known: HashMap::new(),
            lasts: Vec::new(),
            passed: Vec::new(),
        }
    }

    fn empty(&self, year: i32, district: Option<String>) -> Summary {
        Summary {
            year,
            district,
            share_meeting_base: None,
            units: 0,
            set: self.base.clone(),
            groups: self
                .bounds
                .iter()
                .enumerate()
                .map(|(i, from)| Group {
                    from: *from,
                    to: if i == 0 {
                        self.total
                    } else {
                        self.bounds[i - 1].saturating_sub(1)
                    },
                    count: 0,
                })
                .collect(),
            average_criteria_met: None,
            levels: self
                .chain
                .iter()
                .map(|s| LevelCount {
                    set: s.clone(),
                    qualified: 0,
                    not_qualified: 0,
                    unknown: 0,
                })
                .collect(),
            criteria_passed: self.criteria.iter().map(|c| (c.clone(), 0)).collect(),
            unknown: 0,
        }
    }

    pub fn add(&mut self, r: &dyn UnitView) {
        let (year, parent, version) = (r.year(), r.parent(), r.version());
        let known = self.known.get(parent).and_then(|all| {
            all.iter().copied().find(|&i| {
                let l = &self.lasts[i];
                l.year == year && l.version == version
            })
        });
        let at = match known {
            Some(at) => at,
            None => {
                let key = (year, super::district::district_key(parent));
                let whole = self.slot((year, String::new()), None, year);
                // The key "" is the whole file's: a district of no name has no slot of its own.
                let district =
                    (!key.1.is_empty()).then(|| self.slot(key, Some(parent.to_string()), year));
                let find = |id: &str| (0..r.sets()).find(|i| r.set(*i).id == id);
                self.lasts.push(Last {
                    year,
                    version: version.to_string(),
                    slots: (whole, district),
                    base: find(&self.base),
                    levels: self.chain.iter().map(|l| find(l)).collect(),
                });
                let at = self.lasts.len() - 1;
                self.known.entry(parent.to_string()).or_default().push(at);
                at
            }
        };
        let last = &self.lasts[at];
        let base = last.base.map(|i| {
            let b = r.set(i);
            self.passed.clear();
            self.passed
                .extend((0..b.total).map(|k| r.criterion(i, k).1 == Verdict::Pass));
            b
        });
        for slot in std::iter::once(last.slots.0).chain(last.slots.1) {
            let (s, met_total) = &mut self.slots[slot];
            s.units += 1;
            if let Some(b) = &base {
                *met_total += b.met;
                if let Some(g) = s.groups.iter_mut().find(|g| b.met >= g.from) {
                    g.count += 1;
                }
                for (n, passed) in s.criteria_passed.iter_mut().zip(&self.passed) {
                    n.1 += usize::from(*passed);
                }
                if b.qualified == Verdict::Unknown {
                    s.unknown += 1;
                }
            }
            for (l, at) in s.levels.iter_mut().zip(&last.levels) {
                match at.map(|i| r.set(i).qualified) {
                    Some(Verdict::Pass) => l.qualified += 1,
                    Some(Verdict::Fail) => l.not_qualified += 1,
                    _ => l.unknown += 1,
                }
            }
        }
    }

    /// The slot of `key` (year, district key), made empty when new.
    fn slot(&mut self, key: (i32, String), district: Option<String>, year: i32) -> usize {
        if let Some(i) = self.index.get(&key) {
            return *i;
        }
        let empty = self.empty(year, district);
        self.slots.push((empty, 0));
        self.index.insert(key, self.slots.len() - 1);
        self.slots.len() - 1
    }

    /// Per year, oldest first: the whole file, then each district when the file covers several.
    pub fn finish(self) -> Vec<Summary> {
        let mut keyed: Vec<((i32, String), usize)> = self.index.into_iter().collect();
        keyed.sort();
        let mut slots: Vec<Option<(Summary, usize)>> = self.slots.into_iter().map(Some).collect();
        let mut per_year: BTreeMap<i32, Vec<Summary>> = BTreeMap::new();
        for ((year, _), i) in keyed {
            let Some((mut s, met)) = slots.get_mut(i).and_then(Option::take) else {
                continue;
            };
            s.average_criteria_met = (s.units > 0).then(|| met as f64 / s.units as f64);
            s.share_meeting_base = s
                .levels
                .first()
                .filter(|_| s.units > 0)
                .map(|l| 100.0 * l.qualified as f64 / s.units as f64);
            per_year.entry(year).or_default().push(s);
        }
        let mut out = Vec::new();
        for (_, mut list) in per_year {
            // The whole file first (key ""), then districts; one district alone adds nothing.
            list.sort_by_key(|s| s.district.is_some());
            if list.len() == 2 {
                list.truncate(1);
            }
            out.extend(list);
        }
        out
    }
}

/// Summaries of a list of results (one per year).
pub fn summarize<'a>(
    results: impl IntoIterator<Item = &'a UnitResult>,
    base: &CriteriaSet,
    chain: &[&CriteriaSet],
) -> Vec<Summary> {
    let mut b = SummaryBuilder::new(base, chain);
    for r in results {
        b.add(r);
    }
    b.finish()
}
