//! `diff`: the commune files of a comparison read, checked and scored as `check` does it (the same
//! reader, row by row through one reused [`RowRead`]; the same checks of each row; the same compiled
//! plans), each unit kept compactly in its side's [`Store`] rather than as rows or full results.
//! The sides are then joined by [`crate::eval::diff::compare`] and the reports built unit by unit.
//!
//! One file may hold both sides (two years of it) or one side; a side is the rows of one year,
//! scored by one criteria version and chain of sets.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::criteria::{CriteriaSet, Schema, Version};
use crate::diag::Problem;
use crate::eval::diff::store::Store;
use crate::eval::plan::{Compact, Plan};
use crate::eval::{Evaluator, NoDerived, Options};
use crate::input::Layout;
use crate::input::table::{ReadOptions, Reader, RowRead, RowState};
use crate::units::Units;
use crate::units::audit::{self, Audit, Layer};

/// One side of a comparison: the year of its rows, and the version and sets (chain order) that
/// score them.
#[derive(Debug, Clone)]
pub struct SideSpec<'v> {
    pub year: i32,
    pub version: &'v Version,
    pub sets: Vec<&'v CriteriaSet>,
}

/// How the commune files are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadSpec<'a> {
    pub read: &'a ReadOptions,
    /// The columns of every version the sides may use.
    pub schema: &'a Schema,
    /// The columns the sides' sets read.
    pub used: &'a [&'a str],
    pub options: Options,
    /// The official lists each file's codes and names are checked against, if any.
    pub units: Option<&'a Units>,
}

/// A commune file read for one side or both.
#[derive(Debug)]
pub struct FileRead {
    pub file: String,
    /// What reading found (the header's problems, then each row's), then the checks of the rows
    /// before scoring (a year outside a set, `KAD` where not allowed): in that order.
    pub problems: Vec<Problem>,
    /// Whether reading found an error.
    pub read_errors: bool,
    /// Per side asked for, in order: the units scored.
    pub stores: Vec<Store>,
    /// Per side: whether a row of its year was kept, readable or not.
    pub kept: Vec<bool>,
    /// Per side: the codes of rows of its year that give no result (unreadable or refused) and
    /// whose code no scored row has, each once, in file order.
    pub skipped: Vec<Vec<String>>,
    /// The check of the file's readable rows against the official lists, when they are known.
    pub audit: Option<audit::Outcome>,
}

/// Read `path` for `sides` (each the rows of its own year): every row checked, scored with the
/// compiled plan of its side, year and commune group, and kept in its side's store.
pub fn read(path: &Path, spec: &ReadSpec, sides: &[SideSpec]) -> FileRead {
    let years: Vec<i32> = sides.iter().map(|s| s.year).collect();
    let side_of = |year: i32| years.iter().position(|y| *y == year);
    let keep = |_: &str, _: &str, year: i32| years.contains(&year);
    let layout = Layout::COMMUNE;
    let mut reader = Reader::open(path, spec.read, spec.schema, layout, spec.used, &keep);
    let mut problems = std::mem::take(&mut reader.head.problems);
    let head = reader.head.clone();
    let evaluators: Vec<Evaluator> = sides
        .iter()
        .map(|s| Evaluator::new(s.version, s.sets.clone(), &head, spec.options))
        .collect();
    let mut stores: Vec<Store> = sides
        .iter()
        .map(|s| Store::new(head.clone(), &s.sets))
        .collect();
    let mut kept = vec![false; sides.len()];
    let mut unscored: Vec<Vec<String>> = vec![Vec::new(); sides.len()];
    let mut audit = spec
        .units
        .map(|u| Audit::new(u, &head.file, Layer::Commune));
    let mut plans: HashMap<(usize, i32, Option<String>), Option<Plan>> = HashMap::new();
    let mut pre: Vec<Problem> = Vec::new();
    let mut compact = Compact::default();
    let mut read = RowRead::default();
    while reader.read_into(&mut read) {
        problems.append(&mut read.problems);
        // A row of a side's year, readable or not (an unreadable year keeps no row).
        if read.state == RowState::Unreadable {
            continue;
        }
        let Some(s) = side_of(read.row.year) else {
            continue;
        };
        kept[s] = true;
        let Some(row) = read.row() else {
            unscored[s].push(read.row.code.clone());
            continue;
        };
        if let Some(a) = audit.as_mut() {
            a.row(row.line, &row.code, &row.name, &row.parent, row.year);
        }
        let checked = evaluators[s].precheck_row(&head.file, row, layout.year);
        let bad = checked.iter().any(Problem::is_error);
        pre.extend(checked);
        if bad {
            unscored[s].push(row.code.clone());
            continue;
        }
        let year = spec.options.thresholds_of.unwrap_or(row.year);
        let side = &sides[s];
        let plan = plans
            .entry((s, year, row.group.clone()))
            .or_insert_with(|| {
                Plan::compile(
                    side.version,
                    &side.sets,
                    &head.columns,
                    &head.present,
                    year,
                    row.group.as_deref(),
                )
            });
        match plan {
            Some(plan) => {
                plan.score(row, &mut compact);
                stores[s].push_compact(row, &compact);
            }
            // A chain the plan cannot compile is scored the explained way.
            None => stores[s].push_result(row, &evaluators[s].evaluate(row, &NoDerived)),
        }
    }
    let read_errors = problems.iter().any(Problem::is_error);
    problems.extend(pre);
    let skipped = unscored
        .into_iter()
        .zip(&stores)
        .map(|(codes, store)| {
            let scored: HashSet<&str> = (0..store.len()).map(|i| store.code(i)).collect();
            let mut seen: HashSet<&str> = HashSet::new();
            codes
                .iter()
                .filter(|c| !c.is_empty() && !scored.contains(c.as_str()) && seen.insert(c))
                .cloned()
                .collect()
        })
        .collect();
    FileRead {
        file: head.file.clone(),
        problems,
        read_errors,
        stores,
        kept,
        skipped,
        audit: audit.map(Audit::finish),
    }
}
