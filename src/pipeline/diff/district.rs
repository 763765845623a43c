//! The district part of `ntm diff … --districts OLD_D [NEW_D]`: each side's commune results are
//! gathered by district as the communes are compared ([`Gathered`]), then the district rows of that
//! side are scored with them and the districts compared (`crate::eval::diff::district`).

use std::collections::HashSet;

use crate::criteria::CriteriaSet;
use crate::diag::Problem;
use crate::eval::Evaluator;
use crate::eval::diff::DistrictInfo;
use crate::eval::diff::Presence;
use crate::eval::diff::district::{DistrictSide, DistrictsDiff, compare_districts};
use crate::eval::district::{CommuneIndex, Lists, district_key, district_keys, unknown_district};
use crate::eval::view::UnitView;
use crate::i18n::Text;
use crate::input::Row;

use super::sources::{Source, rows_of, skipped_codes};
use super::{Prepared, side_info};

/// One side's commune results by district and year, filled in the order the comparison reads the
/// communes.
pub(super) struct Gathered {
    index: CommuneIndex,
    /// Lines already added: a row is counted once.
    seen: HashSet<usize>,
    /// The districts of the side's district rows (code and name, as compared) and year.
    districts: HashSet<(String, i32)>,
    file: String,
    district_file: String,
    /// Communes whose district is not in the district file (warnings).
    problems: Vec<Problem>,
}

impl Gathered {
    /// `file`: the commune file; `official`: its codes are official codes (its communes are matched
    /// to the official lists by code, else by name).
    pub fn new(
        file: &str,
        districts: &Source,
        year: i32,
        sets: &[&CriteriaSet],
        official: bool,
    ) -> Self {
        // Every district row of the year, readable or not: a commune of an unreadable district is
        // not "in no district".
        let named = district_keys(
            districts
                .kept
                .iter()
                .filter(|k| k.year == year)
                .map(|r| (r.code.as_str(), r.name.as_str(), year)),
        );
        let mut index = CommuneIndex::for_sets(sets);
        let keys = named.keys.clone();
        index.set_district_keys(named);
        index.begin_file(file);
        index.set_official_codes(file, official);
        Gathered {
            index,
            seen: HashSet::new(),
            districts: keys,
            file: file.to_string(),
            district_file: districts.ds.file.clone(),
            problems: Vec::new(),
        }
    }

    /// Add a commune's result (once per row).
    pub fn add(&mut self, r: &dyn UnitView) {
        if !self.seen.insert(r.line()) {
            return;
        }
        self.index.add(r);
        if !self
            .districts
            .contains(&(district_key(r.parent()), r.year()))
        {
            let row = Row {
                line: r.line(),
                code: r.code().to_string(),
                name: r.name().to_string(),
                parent: r.parent().to_string(),
                year: r.year(),
                ..Row::default()
            };
            self.problems
                .push(unmatched(&self.file, &self.district_file, &row));
        }
    }
}

/// A commune whose district is not in the district file: still compared as a commune.
fn unmatched(file: &str, district_file: &str, c: &Row) -> Problem {
    unknown_district(
        file,
        district_file,
        c,
        Text::new(
            "xã vẫn được so sánh, không tính vào huyện nào",
            "the commune is still compared, counted in no district",
        ),
    )
}

/// Compare the districts of both sides with the communes gathered: the comparison, and what the
/// report says of the district files. `problems` receives the communes found in no district.
pub(super) fn compare<'v>(
    plan: &Prepared<'v>,
    sources: &[Source],
    communes: (&Gathered, &Gathered),
    lists: (Lists<'v>, Lists<'v>),
    problems: &mut Vec<Problem>,
) -> (DistrictsDiff, DistrictInfo<'v>) {
    problems.extend(communes.0.problems.iter().cloned());
    problems.extend(communes.1.problems.iter().cloned());
    let (old_src, new_src) = (&sources[0], &sources[sources.len() - 1]);
    let ev_old = Evaluator::new(
        plan.old.version,
        plan.old.districts.clone(),
        &old_src.ds,
        plan.options,
    );
    let ev_new = Evaluator::new(
        plan.version,
        plan.districts.clone(),
        &new_src.ds,
        plan.options,
    );
    let (io, inew) = (&communes.0.index, &communes.1.index);
    let old = DistrictSide {
        rows: rows_of(old_src, plan.from),
        ev: &ev_old,
        communes: io,
        lists: lists.0,
    };
    let new = DistrictSide {
        rows: rows_of(new_src, plan.to),
        ev: &ev_new,
        communes: inew,
        lists: lists.1,
    };
    let mut skipped = skipped_codes(old_src, plan.from, &old.rows, Presence::Old);
    skipped.extend(skipped_codes(new_src, plan.to, &new.rows, Presence::New));
    let skip: HashSet<&str> = skipped.iter().map(|(c, _)| c.as_str()).collect();
    let base = plan.sets.first().map_or("", |s| s.id.as_str());
    let mut diff = compare_districts(&plan.districts, base, &old, &new, &skip);
    problems.append(&mut diff.notes);
    let info = DistrictInfo {
        sets: plan.districts.clone(),
        before: side_info(plan, &old_src.ds.file, plan.from, diff.threshold_years.0),
        after: side_info(plan, &new_src.ds.file, plan.to, diff.threshold_years.1),
        skipped,
    };
    (diff, info)
}
