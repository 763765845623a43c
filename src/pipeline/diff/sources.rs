//! Reading the files of a comparison: which years a file holds (commune or district file, [`Scope`]
//! says which), the district files' rows and the rows that give no result, and the `--map` file.
//! Commune files are read into compact stores by [`super::read`].

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::Mutex;

use crate::criteria::{CriteriaSet, Schema, Version};
use crate::diag::Problem;
use crate::eval::diff::{CodeMap, Presence};
use crate::eval::{Evaluator, Options};
use crate::i18n::Text;
use crate::input::table::{ReadOptions, Reader, RowRead};
use crate::input::{Dataset, Layout, Row, read_file};

/// What a file is read as: the columns of both sides' versions, its layout, the columns the sets
/// read, and per side (its year, version and sets) what its rows are checked against.
#[derive(Clone, Copy)]
pub struct Scope<'p, 'v> {
    pub read: &'p ReadOptions,
    pub schema: &'p Schema,
    pub layout: Layout,
    pub used: &'p [&'v str],
    pub options: Options,
    pub sides: [(i32, &'v Version, &'p [&'v CriteriaSet]); 2],
}

/// One row kept for the years compared, readable or not.
pub(super) struct Kept {
    pub code: String,
    pub name: String,
    pub year: i32,
}

/// A data file read for the years compared, with every row kept, readable or not.
pub(super) struct Source {
    pub ds: Dataset,
    pub kept: Vec<Kept>,
    /// Lines the evaluation refuses (a year outside the sets, `KAD` where not allowed).
    pub bad_lines: HashSet<usize>,
}

/// The years of a file's rows (without judging any cell), and the errors that stop reading it.
pub type Years = (BTreeSet<i32>, Vec<Problem>);

/// [`Years`] of a file.
pub fn years_in(path: &Path, scope: Scope) -> Years {
    let seen = Mutex::new(BTreeSet::new());
    let ds = read_file(
        path,
        scope.read,
        scope.schema,
        scope.layout,
        scope.used,
        &|_, _, _, y| {
            seen.lock().unwrap_or_else(|e| e.into_inner()).insert(y);
            false
        },
    );
    let errors = ds.problems.into_iter().filter(Problem::is_error).collect();
    (seen.into_inner().unwrap_or_else(|e| e.into_inner()), errors)
}

/// A year of a file's rows, read as [`years_in`] reads them but only up to the first row that gives
/// one: one of the file's [`Years`] (its only one, when it holds one), without reading the rest.
/// `None` when no row gives one, and for what can be read only once ([`super::prepare::read_once`]).
pub fn first_year_in(path: &Path, scope: Scope) -> Option<i32> {
    if super::prepare::read_once(path) {
        return None;
    }
    let first = Mutex::new(None);
    let keep = |_: usize, _: &str, _: &str, y: i32| {
        *first.lock().unwrap_or_else(|e| e.into_inner()) = Some(y);
        true
    };
    let mut reader = Reader::open(
        path,
        scope.read,
        scope.schema,
        scope.layout,
        scope.used,
        &keep,
    );
    let mut row = RowRead::default();
    while reader.read_into(&mut row) {
        if let Some(y) = *first.lock().unwrap_or_else(|e| e.into_inner()) {
            return Some(y);
        }
    }
    None
}

/// Read a file's rows of `years`, then the evaluation's own checks on them.
fn load(path: &Path, years: &[i32], scope: Scope, problems: &mut Vec<Problem>) -> Source {
    let kept = Mutex::new(Vec::new());
    let ds = read_file(
        path,
        scope.read,
        scope.schema,
        scope.layout,
        scope.used,
        &|_, code, name, y| {
            let keep = years.contains(&y);
            if keep {
                kept.lock().unwrap_or_else(|e| e.into_inner()).push(Kept {
                    code: code.to_string(),
                    name: name.to_string(),
                    year: y,
                });
            }
            keep
        },
    );
    // Each row is checked against its side's version.
    let evaluators = scope
        .sides
        .map(|(year, v, sets)| (year, Evaluator::new(v, sets.to_vec(), &ds, scope.options)));
    let pre: Vec<Problem> = ds
        .rows
        .iter()
        .flat_map(|row| {
            evaluators
                .iter()
                .find(|(y, _)| *y == row.year)
                .map(|(_, ev)| ev.precheck_row(&ds.file, row, scope.layout.year))
                .unwrap_or_default()
        })
        .collect();
    let bad_lines = pre
        .iter()
        .filter(|p| p.is_error())
        .filter_map(|p| p.line)
        .collect();
    problems.extend(ds.problems.iter().cloned());
    problems.extend(pre);
    Source {
        ds,
        kept: kept.into_inner().unwrap_or_else(|e| e.into_inner()),
        bad_lines,
    }
}

/// The sources of both sides: one file read for both years, or each file for its own year. A side
/// with no row of its year stops the comparison ([`super::Stop`]); `problems` then holds what was
/// found so far.
pub(super) fn sides(
    (old, new): (&Path, Option<&Path>),
    (from, to): (i32, i32),
    scope: Scope,
    problems: &mut Vec<Problem>,
) -> Result<Vec<Source>, super::Stop> {
    let sources = match new {
        None => vec![load(old, &[from, to], scope, problems)],
        Some(new) => vec![
            load(old, &[from], scope, problems),
            load(new, &[to], scope, problems),
        ],
    };
    let last = sources.len() - 1;
    for (src, year) in [(&sources[0], from), (&sources[last], to)] {
        if !src.kept.iter().any(|k| k.year == year) {
            // An unreadable file (its errors are reported), or a readable one without that year.
            return Err(if src.kept.is_empty() && src.ds.has_errors() {
                super::Stop::Unreadable
            } else {
                super::Stop::NoRows {
                    file: src.ds.file.clone(),
                    year,
                    layout: scope.layout,
                }
            });
        }
    }
    Ok(sources)
}

/// The rows of `year` the evaluation accepts.
pub(super) fn rows_of(src: &Source, year: i32) -> Vec<&Row> {
    src.ds
        .rows
        .iter()
        .filter(|r| r.year == year && !src.bad_lines.contains(&r.line))
        .collect()
}

/// Codes of rows kept for `year` that give no result (unreadable or refused): left out of the
/// comparison rather than reported as present on one side only.
pub(super) fn skipped_codes(
    src: &Source,
    year: i32,
    rows: &[&Row],
    side: Presence,
) -> Vec<(String, Presence)> {
    let scored: HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    src.kept
        .iter()
        .filter(|k| {
            k.year == year
                && !k.code.is_empty()
                && !scored.contains(k.code.as_str())
                && seen.insert(&k.code)
        })
        .map(|k| (k.code.clone(), side))
        .collect()
}

/// Read a map file; `known`: the shipped conversions' names, said when the file cannot be read.
pub(super) fn read_map(path: &Path, known: &[String], problems: &mut Vec<Problem>) -> CodeMap {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => {
            let (map, mut p) = CodeMap::parse(&shown, &bytes);
            problems.append(&mut p);
            map
        }
        Err(e) => {
            let (vi, en) = if known.is_empty() {
                (String::new(), String::new())
            } else {
                (
                    format!(
                        " (bảng chuyển đổi có sẵn: {}, ví dụ --map {})",
                        known.join(", "),
                        known[0]
                    ),
                    format!(
                        " (shipped conversions: {}, e.g. --map {})",
                        known.join(", "),
                        known[0]
                    ),
                )
            };
            problems.push(Problem::error(
                "io",
                &shown,
                Text::new(
                    format!("không đọc được tệp: {e}{vi}"),
                    format!("cannot read the file: {e}{en}"),
                ),
            ));
            CodeMap::none()
        }
    }
}
