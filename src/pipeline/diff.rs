//! `diff`: the commune files of a comparison read, checked and scored as `check` does it (the same
//! reader, row by row through one reused [`RowRead`]; the same checks of each row; the same compiled
//! plans), each unit kept compactly in its side's [`Store`] rather than as rows or full results.
//! The sides are then joined by [`crate::eval::diff::compare`] and the reports built unit by unit.
//!
//! One file may hold both sides (two years of it) or one side; a side is the rows of one year,
//! scored by one criteria version and chain of sets.
//!
//! [`run`] is the whole comparison, as [`super::check::run`] is the whole check: the command line
//! fills a [`Job`] (criteria, level, years given, files, `--map`); [`prepare`] settles it into a
//! [`Prepared`] (each side's year, version and sets) before any row is scored; `run` reads both
//! sides, follows `--map` (or warns of reused codes), compares, gathers and compares the districts,
//! and hands the [`Compared`] result to the caller's renderer. [`Outcome::exit_code`] and
//! [`Error::exit_code`] decide the exit code.

mod district;
mod prepare;
mod sources;

pub use prepare::prepare;
use sources::Scope;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::criteria::catalog::Catalog;
use crate::criteria::{CriteriaSet, GROUP_COLUMN, Schema, Version};
use crate::diag::{FEW, Problem, first_few};
use crate::eval::diff::store::{Store, StoreSide, TooManyGroups};
use crate::eval::diff::{CodeMap, Diff, Presence, Side, compare};
use crate::eval::diff::{DistrictInfo, SideInfo};
use crate::eval::plan::{Compact, Plan};
use crate::eval::{Evaluator, NoDerived, Options};
use crate::exit;
use crate::i18n::Text;
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
    /// Whether each file must hold one year, its side's, guessed from its first row
    /// ([`Prepared::years_to_confirm`]): once a row gives a second year, the file will be refused,
    /// and no row is kept any more, only the years noted.
    pub one_year: bool,
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
    /// Every year the file's rows give, of a side or not.
    pub years: BTreeSet<i32>,
}

/// Read `path` for `sides` (each the rows of its own year): every row checked, scored with the
/// compiled plan of its side, year and commune group, and kept in its side's store.
pub fn read(path: &Path, spec: &ReadSpec, sides: &[SideSpec]) -> FileRead {
    let years: Vec<i32> = sides.iter().map(|s| s.year).collect();
    let side_of = |year: i32| years.iter().position(|y| *y == year);
    let seen = Mutex::new(BTreeSet::new());
    // The rows of a year no side of this file compares, by year: said, never dropped in silence
    // (a file whose year was guessed is refused instead when it holds another).
    let others: Mutex<BTreeMap<i32, Others>> = Mutex::new(BTreeMap::new());
    let keep = |line: usize, code: &str, name: &str, year: i32| {
        let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.insert(year);
        let ours = years.contains(&year);
        if !ours && !spec.one_year {
            let mut others = others.lock().unwrap_or_else(|e| e.into_inner());
            others.entry(year).or_default().add(line, code, name);
        }
        !(spec.one_year && seen.len() > 1) && ours
    };
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
            // Its year unread, the row may be of any side of the file: its commune is not
            // compared on a side that has no other row of it, rather than taken for absent there
            // (a commune «new» only because its old row's year was mistyped).
            if let Some(code) = read.unscored.as_ref().map(|u| &u.code)
                && !code.is_empty()
            {
                for codes in &mut unscored {
                    codes.push(code.clone());
                }
            }
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
        let kept = match plan {
            Some(plan) => {
                plan.score(row, &mut compact);
                stores[s].push_compact(row, &compact)
            }
            // A chain the plan cannot compile is scored the explained way.
            None => stores[s].push_result(row, &evaluators[s].evaluate(row, &NoDerived)),
        };
        if let Err(TooManyGroups) = kept {
            pre.push(too_many_groups(&head.file, row.line));
            unscored[s].push(row.code.clone());
        }
    }
    let read_errors = problems.iter().any(Problem::is_error);
    problems.extend(pre);
    let others = others.into_inner().unwrap_or_else(|e| e.into_inner());
    problems.extend(
        others
            .into_iter()
            .map(|(year, o)| o.problem(&head.file, year, &years)),
    );
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
        years: seen.into_inner().unwrap_or_else(|e| e.into_inner()),
    }
}

/// What may make two communes one, or one commune two, in a comparison: the same code under
/// names that differ (`same-code-other-name`, one warning per pair, at the new side's row), and
/// codes that differ only by leading zeros (`code-zeros`, one warning naming the first pairs).
fn identity_warnings(
    diff: &Diff,
    sides: (&dyn Side, &dyn Side),
    files: (&str, &str),
    reused_said: bool,
) -> Vec<Problem> {
    let (old, new) = sides;
    // Across the merger without --map, the warning of reused codes says it for every one.
    let differ = if reused_said {
        Vec::new()
    } else {
        diff.names_differ()
    };
    let mut out: Vec<Problem> = differ
        .into_iter()
        .map(|(i, j)| {
            let (code, a, b) = (new.code(j), old.name(i), new.name(j));
            Problem::warning(
                "same-code-other-name",
                files.1,
                Text::new(
                    format!(
                        "mã {code} là «{a}» ở {}:{} nhưng «{b}» ở đây: hai dòng được so sánh như một xã; nếu là hai xã khác nhau (mã riêng của tệp đặt lại), sửa mã",
                        files.0,
                        old.line(i)
                    ),
                    format!(
                        "code {code} is «{a}» at {}:{} but «{b}» here: the two rows are compared as one commune; if they are two communes (a file's own codes given again), correct the code",
                        files.0,
                        old.line(i)
                    ),
                ),
            )
            .at(new.line(j), None)
            .field(Layout::COMMUNE.name)
            .found(b.to_string())
            .expected(Text::new(format!("«{a}»"), format!("«{a}»")))
        })
        .collect();
    let zeros = diff.zeros_apart();
    if let Some(&(i, j)) = zeros.first() {
        let n = zeros.len();
        let named = first_few(
            zeros
                .iter()
                .map(|&(i, j)| format!("{} ↔ {}", old.code(i), new.code(j))),
            n,
        );
        out.push(
            Problem::warning(
                "code-zeros",
                files.1,
                Text::new(
                    format!(
                        "{n} xã có mã chỉ khác nhau ở số 0 đầu giữa hai bên ({named}), nên không được so sánh với nhau (bên cũ: {}:{}): bảng tính lưu mã dạng số thì mất số 0; định dạng cột mã là Văn bản (Text) rồi nhập lại mã cho đúng",
                        files.0,
                        old.line(i)
                    ),
                    format!(
                        "{n} commune(s) have codes that differ only by leading zeros between the sides ({named}), so they are not compared with each other (old side: {}:{}): a spreadsheet storing the code as a number drops its zeros; format the code column as Text and type the codes again",
                        files.0,
                        old.line(i)
                    ),
                ),
            )
            .at(new.line(j), None)
            .field(Layout::COMMUNE.code)
            .found(new.code(j).to_string())
            .expected(Text::new(
                format!("mã như bên kia: {}", old.code(i)),
                format!("the code as on the other side: {}", old.code(i)),
            )),
        );
    }
    out
}

/// The `--map` a comparison followed: a file, or a shipped conversion (by its name) and the file it
/// is read from.
#[derive(Debug, Clone)]
pub struct MapFollowed {
    pub file: String,
    pub conversion: Option<String>,
}

impl MapFollowed {
    /// As a report names it, its file as `file` shows it: `lang-son-2025
    /// (units/lang-son/conversion-2025-07-01.toml)`, or the file.
    pub fn named(&self, file: impl Fn(&str) -> String) -> String {
        match &self.conversion {
            Some(name) => format!("{name} ({})", file(&self.file)),
            None => file(&self.file),
        }
    }
}

/// The rows of one year that no side of their file compares: how many, and the first few.
#[derive(Default)]
struct Others {
    count: usize,
    first: Vec<(usize, String, String)>,
}

impl Others {
    fn add(&mut self, line: usize, code: &str, name: &str) {
        self.count += 1;
        // The rows the warning names; the others are counted.
        if self.first.len() < FEW {
            self.first.push((line, code.to_string(), name.to_string()));
        }
    }

    /// The warning (`other-year`, at the first row's line) that these rows of `year` are not
    /// compared: `file` is read for `years`.
    fn problem(&self, file: &str, year: i32, years: &[i32]) -> Problem {
        let list = |and: &str| {
            let years: Vec<String> = years.iter().map(i32::to_string).collect();
            years.join(and)
        };
        let rows = |line: &str| {
            first_few(
                self.first
                    .iter()
                    .map(|(l, code, name)| format!("{line} {l} ({code} {name})")),
                self.count,
            )
        };
        let n = self.count;
        Problem::warning(
            "other-year",
            file,
            Text::new(
                format!(
                    "{n} dòng năm {year} không được so sánh: tệp này được đọc cho năm {}: {}; nếu là năm gõ nhầm, sửa cột năm",
                    list(" và "),
                    rows("dòng")
                ),
                format!(
                    "{n} row(s) of year {year} not compared: this file is read for {}: {}; if the year is a typo, correct the year column",
                    list(" and "),
                    rows("line")
                ),
            ),
        )
        .at(self.first.first().map_or(0, |f| f.0), None)
        .field(Layout::COMMUNE.year)
        .found(year.to_string())
        .expected(Text::new(
            format!("năm {}", list(" hoặc ")),
            format!("year {}", list(" or ")),
        ))
    }
}

/// A row the store cannot keep with its commune group: refused, never compared without it.
fn too_many_groups(file: &str, line: usize) -> Problem {
    let most = u32::MAX;
    Problem::error(
        "too-many-groups",
        file,
        Text::new(
            format!("quá nhiều nhóm xã khác nhau: ntm chỉ phân biệt được {most} nhóm trong một tệp; xã này không được so sánh"),
            format!("too many distinct commune groups: ntm tells at most {most} apart in one file; this commune is not compared"),
        ),
    )
    .at(line, None)
    .field(GROUP_COLUMN)
}

/// The comparison to run, settled from the command line and the files' years.
#[derive(Debug, Clone)]
pub struct Prepared<'v> {
    /// The new side's version (heading the report), and its sets; `old` is the old side's.
    pub version: &'v Version,
    /// The commune sets compared, prerequisites first (with --districts, also those the district
    /// sets require).
    pub sets: Vec<&'v CriteriaSet>,
    /// The set whose criteria met are compared.
    pub target: String,
    /// The district sets compared, prerequisites first; empty without --districts.
    pub districts: Vec<&'v CriteriaSet>,
    /// The old side: the version in force for its year (or the one named, or `--same-year`'s).
    pub old: OldSide<'v>,
    /// The columns the sets of both sides read.
    pub used: Vec<&'v str>,
    pub district_used: Vec<&'v str>,
    /// The columns of both sides' versions, which the files are read against.
    pub schema: Schema,
    pub from: i32,
    pub to: i32,
    /// Whether `from` and `to` were read from each file's first row that gives a year (two files,
    /// neither year given): the read that scores a file then confirms it holds no other year, and
    /// refuses it as [`prepare`] refuses a file of several years.
    pub years_to_confirm: bool,
    pub options: Options,
    pub read: ReadOptions,
}

/// What the old side is scored with.
#[derive(Debug, Clone)]
pub struct OldSide<'v> {
    pub version: &'v Version,
    pub sets: Vec<&'v CriteriaSet>,
    pub districts: Vec<&'v CriteriaSet>,
}

impl<'v> Prepared<'v> {
    /// How the files of `layout` (commune or district files) are read.
    fn scope(&self, layout: Layout) -> Scope<'_, 'v> {
        let district = layout.code == Layout::DISTRICT.code;
        let (old, new, used) = if district {
            (&self.old.districts, &self.districts, &self.district_used)
        } else {
            (&self.old.sets, &self.sets, &self.used)
        };
        Scope {
            read: &self.read,
            schema: &self.schema,
            layout,
            used,
            options: self.options,
            sides: [
                (self.from, self.old.version, old),
                (self.to, self.version, new),
            ],
        }
    }
}

/// What the user asked, in the library's terms: the files of a comparison and how to score them.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub catalog: &'a Catalog,
    /// `--criteria-version`: this version for both sides.
    pub version: Option<&'a str>,
    pub level: &'a str,
    /// The old side's year and the new side's (read from the files when not given).
    pub from: Option<i32>,
    pub to: Option<i32>,
    /// `--same-year`: both sides scored with this year's thresholds.
    pub same_year: Option<i32>,
    /// A year outside a set's validity reuses the nearest year's thresholds, and says so.
    pub nearest_year: bool,
    pub read: ReadOptions,
    /// The old side's commune file, or the one file holding both years.
    pub old: &'a Path,
    pub new: Option<&'a Path>,
    /// The district files: none, one holding both years, or the old side's and the new side's.
    pub districts: &'a [PathBuf],
    /// `--map`: a file of that name, else the name of a shipped conversion.
    pub map: Option<&'a Path>,
    /// The official unit lists (bundled or `--units`), and their conversions.
    pub units: &'a Units,
}

/// Why a comparison cannot run, or stopped before its report. What was found before has gone to
/// `found`.
#[derive(Debug)]
pub enum Error {
    /// The command line asks for something the criteria or the files cannot give (exit 64).
    Usage(Text),
    /// An input file does not exist or cannot be opened (exit 66).
    NoInput(Text),
    /// The data cannot be compared (exit 65): `problems` (not yet given to `found`), then `why`.
    Data {
        problems: Vec<Problem>,
        why: Option<Text>,
    },
    /// The report could not be written.
    Io(io::Error),
}

impl Error {
    /// The exit code of a comparison that did not run to its end (for [`Error::Io`], the output's
    /// own failure code, which the caller decides; here 74).
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => exit::USAGE,
            Error::NoInput(_) => exit::NOINPUT,
            Error::Data { .. } => exit::DATA,
            Error::Io(_) => exit::IO,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// Why reading a side stopped: its file unreadable, or without a row of its year.
enum Stop {
    /// Refused as [`prepare`] refuses: a file whose year was read from its first row holds others.
    Refused(Error),
    Unreadable,
    NoRows {
        file: String,
        year: i32,
        layout: Layout,
    },
}

impl Stop {
    /// The error said: for a readable file, the years it holds.
    fn error(self, p: &Prepared) -> Error {
        match self {
            Stop::Refused(e) => e,
            Stop::Unreadable => Error::Data {
                problems: Vec::new(),
                why: None,
            },
            Stop::NoRows { file, year, layout } => prepare::no_rows(p.scope(layout), &file, year),
        }
    }
}

/// The comparison, handed to the caller's renderer: the units joined and the districts compared,
/// each side's file and years, and every problem found.
pub struct Compared<'s, 'v> {
    pub diff: Diff<'s>,
    pub problems: Vec<Problem>,
    pub before: SideInfo,
    pub after: SideInfo,
    /// The `--map` followed.
    pub map: Option<MapFollowed>,
    /// The codes left out of the comparison (rows that give no result), with their side.
    pub skipped: Vec<(String, Presence)>,
    pub districts: Option<DistrictInfo<'v>>,
}

/// What a comparison found, which decides its exit code.
#[derive(Debug, Clone, Copy, Default)]
pub struct Outcome {
    /// Whether a problem was an error (unreadable data, a wrong `--map`).
    pub data_errors: bool,
}

impl Outcome {
    /// The exit code: `diff` compares, it does not judge qualification.
    pub fn exit_code(&self) -> i32 {
        if self.data_errors {
            exit::DATA
        } else {
            exit::OK
        }
    }
}

/// Compare the two sides of `job` as `p` settles them: every problem goes to `found` (all at once,
/// before the result is shown), then the comparison to `show`.
pub fn run<'v, F>(
    job: &Job<'v>,
    p: &Prepared<'v>,
    found: &mut dyn FnMut(&Problem),
    show: F,
) -> Result<Outcome, Error>
where
    F: for<'s> FnOnce(Compared<'s, 'v>) -> io::Result<()>,
{
    let mut problems = Vec::new();
    let stopped = |problems: &[Problem], found: &mut dyn FnMut(&Problem), e: Stop| {
        problems.iter().for_each(&mut *found);
        Err(e.error(p))
    };
    let loaded = job.units;
    let years = (p.from, p.to);
    // The official lists: each file's codes and names checked, and whether its codes are official.
    let (units, no_list) = super::official_lists(Some(loaded), &[p.old.version, p.version]);
    let communes = match commune_files(job, p, units, &mut problems) {
        Ok(r) => r,
        Err(e) => return stopped(&problems, found, e),
    };
    let dsources = match job.districts {
        [] => None,
        [old, rest @ ..] => {
            match sources::sides(
                (old, rest.first().map(PathBuf::as_path)),
                years,
                p.scope(Layout::DISTRICT),
                &mut problems,
            ) {
                Ok(s) => Some(s),
                Err(e) => return stopped(&problems, found, e),
            }
        }
    };
    problems.extend(no_list);
    let commune_codes: Vec<bool> = communes
        .iter()
        .map(|r| match &r.audit {
            Some(o) => {
                problems.extend(o.problems.iter().cloned());
                o.official
            }
            None => false,
        })
        .collect();
    let district_codes: Vec<bool> = dsources
        .as_deref()
        .map(|d| {
            d.iter()
                .map(|src| match units {
                    Some(u) => {
                        let o = audit::check_rows(u, &src.ds.file, Layer::District, &src.ds.rows);
                        problems.extend(o.problems);
                        o.official
                    }
                    None => false,
                })
                .collect()
        })
        .unwrap_or_default();
    let (old_read, new_read) = (&communes[0], &communes[communes.len() - 1]);
    let (old_store, new_store) = (
        &old_read.stores[0],
        &new_read.stores[new_read.stores.len() - 1],
    );
    let old = StoreSide::new(old_store, p.old.version, p.old.sets.clone(), p.options);
    let new = StoreSide::new(new_store, p.version, p.sets.clone(), p.options);
    let side_skipped = |r: &FileRead, k: usize, side: Presence| -> Vec<(String, Presence)> {
        r.skipped[k].iter().map(|c| (c.clone(), side)).collect()
    };
    let mut skipped = side_skipped(old_read, 0, Presence::Old);
    skipped.extend(side_skipped(
        new_read,
        new_read.skipped.len() - 1,
        Presence::New,
    ));
    let mut reused_said = false;
    let (map, map_shown) = match job.map {
        // A file of that name wins; else a shipped conversion (`lang-son-2025`).
        Some(path) => match (!path.exists())
            .then(|| path.to_str().and_then(|n| loaded.conversion_named(n)))
            .flatten()
        {
            Some(c) => {
                let name = loaded.conversion_name(c);
                problems.extend(audit::conversion_years_note(
                    loaded,
                    c,
                    (p.from, p.to),
                    &new_store.head.file,
                ));
                let followed = MapFollowed {
                    file: c.file.clone(),
                    conversion: Some(name.clone()),
                };
                (
                    CodeMap::from_conversion(&name, c, &old, &new),
                    Some(followed),
                )
            }
            None => {
                let known: Vec<String> = loaded
                    .conversions
                    .iter()
                    .map(|c| loaded.conversion_name(c))
                    .collect();
                (
                    sources::read_map(path, &known, &mut problems),
                    Some(MapFollowed {
                        file: path.display().to_string(),
                        conversion: None,
                    }),
                )
            }
        },
        None => {
            if let Some(c) = units.and_then(|u| audit::conversion_between(u, p.from, p.to)) {
                reused_said = true;
                let o: Vec<&str> = (0..old.len()).map(|i| old.code(i)).collect();
                let n: Vec<&str> = (0..new.len()).map(|i| new.code(i)).collect();
                problems.push(audit::codes_reused_warning(
                    loaded,
                    c,
                    (p.from, p.to),
                    (&o, &n),
                    &new_store.head.file,
                ));
            }
            (CodeMap::none(), None)
        }
    };
    let skip: HashSet<&str> = skipped.iter().map(|(c, _)| c.as_str()).collect();
    let mut diff = compare(&p.sets, &old, &new, &map, &skip);
    problems.extend(diff.problems.iter().cloned());
    let files = (old_store.head.file.as_str(), new_store.head.file.as_str());
    problems.extend(identity_warnings(&diff, (&old, &new), files, reused_said));
    let mut info = None;
    if let Some(d) = &dsources {
        // Each side's communes gathered by district, in the order the comparison read them.
        let last = |v: &[bool]| v.last().copied().unwrap_or(false);
        let mut co = district::Gathered::new(
            &old_store.head.file,
            &d[0],
            p.from,
            &p.districts,
            commune_codes.first().copied().unwrap_or(false),
        );
        let mut cn = district::Gathered::new(
            &new_store.head.file,
            &d[d.len() - 1],
            p.to,
            &p.districts,
            last(&commune_codes),
        );
        for j in 0..new.len() {
            cn.add(&*new.unit(j));
        }
        for i in diff.old_order() {
            co.add(&*old.unit(i));
        }
        let lists = |official: bool| crate::eval::district::Lists {
            units,
            official_codes: official,
        };
        let side_lists = (
            lists(district_codes.first().copied().unwrap_or(false)),
            lists(last(&district_codes)),
        );
        let (dd, di) = district::compare(p, d, (&co, &cn), side_lists, &mut problems);
        diff.districts = Some(dd);
        info = Some(di);
    }
    problems.iter().for_each(&mut *found);
    let outcome = Outcome {
        data_errors: problems.iter().any(Problem::is_error),
    };
    let before = side_info(p, &old_store.head.file, p.from, diff.threshold_years.0);
    let after = side_info(p, &new_store.head.file, p.to, diff.threshold_years.1);
    show(Compared {
        diff,
        problems,
        before,
        after,
        map: map_shown,
        skipped,
        districts: info,
    })?;
    Ok(outcome)
}

/// A side's file, data year, and the year whose thresholds scored it (its first unit's, else the
/// one the options give).
fn side_info(p: &Prepared, file: &str, year: i32, scored: Option<i32>) -> SideInfo {
    let version = if year == p.from && p.from != p.to {
        p.old.version
    } else {
        p.version
    };
    SideInfo {
        file: file.to_string(),
        year,
        threshold_year: scored.unwrap_or(p.options.thresholds_of.unwrap_or(year)),
        version: version.id.clone(),
    }
}

/// The commune files read into each side's store: one file for both years, or each file for its own
/// year (see [`read`]). Their problems go to `problems`; stops when a side has no row of its year.
fn commune_files(
    job: &Job,
    p: &Prepared,
    units: Option<&Units>,
    problems: &mut Vec<Problem>,
) -> Result<Vec<FileRead>, Stop> {
    let old = SideSpec {
        year: p.from,
        version: p.old.version,
        sets: p.old.sets.clone(),
    };
    let new = SideSpec {
        year: p.to,
        version: p.version,
        sets: p.sets.clone(),
    };
    let spec = ReadSpec {
        read: &p.read,
        schema: &p.schema,
        used: &p.used,
        options: p.options,
        units,
        one_year: p.years_to_confirm,
    };
    let reads = match job.new {
        None => vec![read(job.old, &spec, &[old, new])],
        // The two files are read at once.
        Some(path) => std::thread::scope(|s| {
            let first = s.spawn(|| read(job.old, &spec, &[old]));
            let second = read(path, &spec, &[new]);
            vec![prepare::joined(first), second]
        }),
    };
    let last = reads.len() - 1;
    if p.years_to_confirm
        && let Some(new) = job.new
    {
        // Before any problem is said: the file is refused, as when its years are read first.
        prepare::confirm_year(job.old, "--from", p.from, &reads[0].years).map_err(Stop::Refused)?;
        prepare::confirm_year(new, "--to", p.to, &reads[last].years).map_err(Stop::Refused)?;
    }
    for r in &reads {
        problems.extend(r.problems.iter().cloned());
    }
    for (r, k, year) in [
        (&reads[0], 0, p.from),
        (&reads[last], reads[last].kept.len() - 1, p.to),
    ] {
        if !r.kept[k] {
            // An unreadable file (its errors are reported), or a readable one without that year.
            return Err(if !r.kept.iter().any(|k| *k) && r.read_errors {
                Stop::Unreadable
            } else {
                Stop::NoRows {
                    file: r.file.clone(),
                    year,
                    layout: Layout::COMMUNE,
                }
            });
        }
    }
    Ok(reads)
}
