//! `check`: commune files (and a district file) read, checked, scored and handed to a sink.
//!
//! Each row is scored by the criteria version in force for its year: a file holding 2023 and 2024
//! rows may be scored by two versions. A version is chosen only when exactly one covers the year;
//! a year no version covers is refused with what the law says applies that year (`periods.toml`),
//! unless `--nearest-year` is asked, which then says loudly which version and year it reuses.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Sink;
use crate::criteria::catalog::Catalog;
use crate::criteria::select::Selection;
use crate::criteria::{CriteriaSet, Level, Schema, Version};
use crate::diag::Problem;
use crate::eval::district::{
    CommuneIndex, DistrictKeys, Lists, district_key, district_keys, evaluate_district,
    unknown_district,
};
use crate::eval::plan::{Compact, Plan};
use crate::eval::view::{Scored, UnitView};
use crate::eval::{Evaluator, NoDerived, Options, Verdict};
use crate::exit;
use crate::i18n::Text;
use crate::input::ahead::ReadAhead;
use crate::input::cell::fold;
use crate::input::table::{ReadOptions, Reader, RowRead};
use crate::input::{Dataset, Layout, Row, Unscored, read_file_listing};
use crate::units::Units;
use crate::units::audit::{Audit, Layer};

/// What the user asked, in the library's terms.
#[derive(Debug, Clone)]
pub struct Job<'a> {
    pub catalog: &'a Catalog,
    /// `--criteria-version`: this version for every row.
    pub version: Option<&'a str>,
    pub level: &'a str,
    /// Where the rows come from.
    pub input: Input<'a>,
    pub read: ReadOptions,
    /// Only the rows of this year.
    pub year: Option<i32>,
    /// Only these communes (codes or names).
    pub communes: &'a [String],
    /// A year outside a version's validity reuses the nearest year's thresholds, and says so.
    pub nearest_year: bool,
    /// The official unit lists (bundled or `--units`): codes and names are checked against them, and
    /// districts counted over them (see [`super::official_lists`]).
    pub units: Option<&'a Units>,
}

/// Where a job's rows come from: files, or rows already read. Either way they are checked and
/// scored by the same steps.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// Commune data files, read row by row, and a district file, read whole.
    Files {
        data: &'a [PathBuf],
        districts: Option<&'a Path>,
    },
    /// Rows already read, each table with its columns (an expert case's inline inputs, see
    /// [`crate::cases`]): the communes, and the districts.
    Rows {
        communes: &'a Dataset,
        districts: Option<&'a Dataset>,
    },
}

impl Input<'_> {
    /// Whether districts are scored.
    pub fn has_districts(&self) -> bool {
        match self {
            Input::Files { districts, .. } => districts.is_some(),
            Input::Rows { districts, .. } => districts.is_some(),
        }
    }
}

/// A job checked against the criteria before any row is read.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// The versions rows may be scored by: the one named, else every version of the catalog.
    pub versions: Vec<&'a Version>,
    /// What the level means in each version (`None` where that version has no such level).
    pub selections: Vec<Option<Selection<'a>>>,
    /// The version whose sets head the reports: the one covering the year asked (or the data's first
    /// year), else the first that has the level.
    pub main: usize,
    /// The columns the data files are read against: those of every version.
    pub schema: Schema,
}

impl<'a> Prepared<'a> {
    pub fn main_version(&self) -> &'a Version {
        self.versions[self.main]
    }

    pub fn main_selection(&self) -> &Selection<'a> {
        self.selections[self.main]
            .as_ref()
            .expect("prepare keeps a main version with the level")
    }
}

/// Why a job cannot run at all.
#[derive(Debug)]
pub enum Error {
    /// The command line asks for something the criteria cannot give (exit 64).
    Usage(Text),
    /// The report could not be written.
    Io(std::io::Error),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => exit::USAGE,
            Error::Io(_) => exit::IO,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e)
    }
}

/// Check a job against the criteria: the versions it may use, what its level means in them, and
/// the columns to read.
pub fn prepare<'a>(job: &Job<'a>) -> Result<Prepared<'a>, Error> {
    let catalog = job.catalog;
    let versions: Vec<&'a Version> = match job.version {
        Some(id) => vec![catalog.select(Some(id), None).map_err(Error::Usage)?],
        None => {
            // Overlapping versions: which one scores a year would depend on the folders' names. The
            // message names the data's year when it is one of them.
            let shared = |y: &i32| {
                catalog
                    .versions
                    .iter()
                    .filter(|w| w.validity().is_some_and(|(c, d)| (c..=d).contains(y)))
                    .count()
                    > 1
            };
            let first_shared = catalog.versions.iter().find_map(|v| {
                let (a, b) = v.validity()?;
                (a..=b).find(shared)
            });
            if let Some(first) = first_shared {
                let year = data_year(job).filter(shared).unwrap_or(first);
                return Err(Error::Usage(
                    catalog.for_year(year).err().unwrap_or_default(),
                ));
            }
            catalog.versions.iter().collect()
        }
    };
    if versions.is_empty() {
        return Err(Error::Usage(Text::new(
            "không có phiên bản tiêu chí nào",
            "no criteria version",
        )));
    }
    let with_districts = job.input.has_districts();
    let selections: Vec<Result<Selection<'a>, Text>> = versions
        .iter()
        .map(|v| Selection::of(v, job.level, with_districts))
        .collect();
    // The version heading the reports: the one in force for the year asked or the data's first year.
    let hint = data_year(job);
    let covering = hint.and_then(|y| {
        versions
            .iter()
            .position(|v| v.validity().is_some_and(|(a, b)| (a..=b).contains(&y)))
    });
    let main = covering
        .filter(|i| selections[*i].is_ok())
        .or_else(|| selections.iter().position(Result::is_ok));
    let Some(main) = main else {
        let first = selections.into_iter().find_map(Result::err);
        return Err(Error::Usage(first.unwrap_or_default()));
    };
    if let Some(i) = covering
        && let Err(why) = &selections[i]
    {
        return Err(Error::Usage(why.clone()));
    }
    let schema = Schema::of_versions(&versions).map_err(Error::Usage)?;
    Ok(Prepared {
        versions,
        selections: selections.into_iter().map(Result::ok).collect(),
        main,
        schema,
    })
}

/// The year asked, else the year of the data's first row (read from the start of the first file, of
/// the sheet the run reads).
fn data_year(job: &Job) -> Option<i32> {
    job.year.or_else(|| match job.input {
        Input::Files { data, .. } => data
            .first()
            .and_then(|d| crate::input::table::first_year(d, job.read.sheet.as_deref())),
        Input::Rows {
            communes,
            districts,
        } => communes
            .rows
            .first()
            .or_else(|| districts.and_then(|d| d.rows.first()))
            .map(|r| r.year),
    })
}

/// How many units qualified at the level asked, did not, or are unknown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub qualified: usize,
    pub not_qualified: usize,
    pub unknown: usize,
}

impl Tally {
    fn plus(self, o: Tally) -> Tally {
        Tally {
            qualified: self.qualified + o.qualified,
            not_qualified: self.not_qualified + o.not_qualified,
            unknown: self.unknown + o.unknown,
        }
    }

    fn add(&mut self, v: Verdict) {
        match v {
            Verdict::Pass => self.qualified += 1,
            Verdict::Fail => self.not_qualified += 1,
            Verdict::Unknown => self.unknown += 1,
        }
    }
}

/// What a run found: the verdicts counted, the rows scored and not, the errors.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub communes: Tally,
    pub districts: Tally,
    /// Communes scored.
    pub scored: usize,
    /// Rows (or files) that could not be scored.
    pub unscored: usize,
    /// Errors found in the data.
    pub errors: usize,
    /// The level asked is a district set: communes are context, the districts decide.
    pub district_level: bool,
    /// Filters the user gave, for saying why nothing was scored.
    pub commune_filter: Vec<String>,
    pub year_filter: Option<i32>,
}

impl Outcome {
    /// The exit code: 65 when data could not be read; when nothing was scored, 64 if a filter left
    /// nothing, else 65; else 1 if a unit does not qualify, 2 if one is unknown, 0.
    pub fn exit_code(&self) -> i32 {
        if self.errors > 0 {
            return exit::DATA;
        }
        if self.scored == 0 {
            return if self.commune_filter.is_empty() && self.year_filter.is_none() {
                exit::DATA
            } else {
                exit::USAGE
            };
        }
        let t = if self.district_level {
            self.districts
        } else {
            self.communes.plus(self.districts)
        };
        if t.not_qualified > 0 {
            exit::NOT_QUALIFIED
        } else if t.unknown > 0 {
            exit::UNKNOWN
        } else {
            exit::OK
        }
    }

    /// The exit code in one sentence, for the end of a report: `Kết luận: 6/13 xã chưa đạt xã NTM
    /// (mã thoát 1).` `target` names the level asked, `district_target` the districts' level.
    pub fn meaning(&self, target: &str, district_target: &str) -> Text {
        let code = self.exit_code();
        let mixed =
            self.districts.qualified + self.districts.not_qualified + self.districts.unknown > 0;
        let (unit_vi, unit_en, t, target) = if self.district_level {
            (
                "huyện",
                "district(s)",
                self.districts,
                district_target.to_string(),
            )
        } else if mixed {
            // Communes and districts count together; each is held to its own level.
            (
                "đơn vị (xã, huyện)",
                "unit(s) (communes, districts)",
                self.communes.plus(self.districts),
                format!("{target} / {district_target}"),
            )
        } else {
            ("xã", "commune(s)", self.communes, target.to_string())
        };
        let n = t.qualified + t.not_qualified + t.unknown;
        let (vi, en) = match code {
            exit::DATA if self.errors > 0 => (
                format!("số liệu có {} lỗi: kết quả chưa dùng được", self.errors),
                format!(
                    "the data has {} error(s): the results cannot be used yet",
                    self.errors
                ),
            ),
            exit::NOT_QUALIFIED => {
                let (vi_u, en_u) = if t.unknown > 0 {
                    (
                        format!(", {} chưa đủ dữ liệu", t.unknown),
                        format!(", {} lack data", t.unknown),
                    )
                } else {
                    Default::default()
                };
                (
                    format!("{}/{n} {unit_vi} chưa đạt {target}{vi_u}", t.not_qualified),
                    format!(
                        "{}/{n} {unit_en} do not meet {target}{en_u}",
                        t.not_qualified
                    ),
                )
            }
            exit::UNKNOWN => (
                format!(
                    "{}/{n} {unit_vi} chưa đủ dữ liệu để kết luận {target}, các {unit_vi} còn lại đạt",
                    t.unknown
                ),
                format!(
                    "{}/{n} {unit_en} lack data to conclude on {target}, the others meet it",
                    t.unknown
                ),
            ),
            exit::OK => (
                format!("{n}/{n} {unit_vi} đạt {target}"),
                format!("{n}/{n} {unit_en} meet {target}"),
            ),
            _ => (
                "không chấm được đơn vị nào".to_string(),
                "no unit could be scored".to_string(),
            ),
        };
        Text::new(
            format!("Kết luận: {vi} (mã thoát {code})."),
            format!("Conclusion: {en} (exit code {code})."),
        )
    }

    /// What to say when nothing was scored (and there was no data error to say it).
    pub fn nothing_scored(&self) -> Option<Text> {
        if self.scored > 0 || self.errors > 0 {
            return None;
        }
        if !self.commune_filter.is_empty() {
            let c = self.commune_filter.join(", ");
            return Some(Text::new(
                format!("không tìm thấy xã nào khớp với {c}"),
                format!("no commune matches {c}"),
            ));
        }
        Some(Text::new(
            "không có dòng dữ liệu nào để đánh giá",
            "no data row to evaluate",
        ))
    }
}

/// Which version scores each year, decided once per year.
struct Versions<'p, 'a> {
    prepared: &'p Prepared<'a>,
    catalog: &'a Catalog,
    named: bool,
    nearest_year: bool,
    /// By year: a few years a run, found by a look along them (a hash per row cost more).
    chosen: Vec<(i32, Result<usize, Text>)>,
}

impl Versions<'_, '_> {
    /// The version index for `year`, with a note the first time a year is scored by a version that
    /// does not cover it; or why none scores it.
    fn of(&mut self, year: i32, file: &str, notes: &mut Vec<Problem>) -> Result<usize, Text> {
        if let Some((_, c)) = self.chosen.iter().find(|(y, _)| *y == year) {
            return c.clone();
        }
        let p = self.prepared;
        let covers = |v: &Version| v.validity().is_some_and(|(a, b)| (a..=b).contains(&year));
        let c = if self.named
            || (p.versions.len() == 1 && (self.nearest_year || covers(p.versions[0])))
        {
            // The version named, or the only one: a year outside it is the evaluator's to report, or
            // to score with the nearest year's thresholds under --nearest-year.
            Ok(0)
        } else {
            match p
                .versions
                .iter()
                .position(|v| v.validity().is_some_and(|(a, b)| (a..=b).contains(&year)))
            {
                Some(i) => Ok(i),
                None if self.nearest_year => {
                    let distance = |v: &&Version| {
                        v.validity()
                            .map_or(i32::MAX, |(a, b)| (a - year).max(year - b).max(0))
                    };
                    let i = p
                        .versions
                        .iter()
                        .enumerate()
                        .min_by_key(|(_, v)| distance(v))
                        .map_or(0, |(i, _)| i);
                    let why = self.catalog.uncovered(year);
                    let v = &p.versions[i].id;
                    notes.push(Problem::warning(
                        "nearest-version",
                        file,
                        Text::new(
                            format!(
                                "{}; theo --nearest-year, các dòng năm {year} được chấm theo phiên bản {v} và ngưỡng năm gần nhất của nó",
                                why.vi
                            ),
                            format!(
                                "{}; as --nearest-year asks, rows of {year} are scored with version {v} and its nearest year's thresholds",
                                why.en
                            ),
                        ),
                    ));
                    Ok(i)
                }
                None => Err(self.catalog.uncovered(year)),
            }
        };
        let c = c.and_then(|i| {
            if p.selections[i].is_some() {
                Ok(i)
            } else {
                Err(Text::new(
                    format!(
                        "phiên bản {} (có hiệu lực năm {year}) không có mức đánh giá đã chọn",
                        p.versions[i].id
                    ),
                    format!(
                        "version {} (in force in {year}) has no such level",
                        p.versions[i].id
                    ),
                ))
            }
        });
        self.chosen.push((year, c.clone()));
        c
    }
}

/// A compiled plan's version (its position), year and commune group.
type PlanKey = (usize, i32, Option<String>);

/// Score the job's rows and hand every result to `sink`; every problem goes to `found` as it is
/// found (to be printed), and is kept for the sink's end.
pub fn run(
    job: &Job,
    p: &Prepared,
    sink: &mut dyn Sink,
    found: &mut dyn FnMut(&Problem),
) -> Result<Outcome, Error> {
    let mut diag = Diagnostics {
        found,
        all: Vec::new(),
        errors: 0,
    };
    let out = Outcome {
        district_level: p.main_selection().district_level,
        commune_filter: job.communes.to_vec(),
        year_filter: job.year,
        ..Outcome::default()
    };
    let options = Options {
        nearest_year: job.nearest_year,
        thresholds_of: None,
    };
    let mut versions = Versions {
        prepared: p,
        catalog: job.catalog,
        named: job.version.is_some(),
        nearest_year: job.nearest_year,
        chosen: Vec::new(),
    };
    let wanted: Vec<String> = job.communes.iter().map(|c| fold(c)).collect();
    let keep = |_: usize, code: &str, name: &str, year: i32| {
        job.year.is_none_or(|y| y == year)
            && (wanted.is_empty() || wanted.iter().any(|w| *w == fold(code) || *w == fold(name)))
    };
    let (units, no_list) = super::official_lists(job.units, &p.versions);
    diag.add(no_list);
    // The districts are few: read them whole, first.
    let mut districts = match job.input {
        Input::Files {
            districts: Some(path),
            ..
        } => Some(read_districts(job, p, path, &mut versions, &mut diag)),
        Input::Rows {
            districts: Some(d), ..
        } => {
            let mut data = d.clone();
            data.rows.retain(|r| job.year.is_none_or(|y| y == r.year));
            diag.add(std::mem::take(&mut data.problems));
            Some(districts_of(p, data, options, &mut versions, &mut diag))
        }
        _ => None,
    };
    let mut lists = Lists {
        units,
        official_codes: false,
    };
    if let (Some(units), Some(d)) = (units, &districts) {
        let mut audit = Audit::new(units, &d.data.file, Layer::District);
        for (row, _) in &d.rows {
            audit.row(row.line, &row.code, &row.name, "", row.year);
        }
        let outcome = audit.finish();
        lists.official_codes = outcome.official;
        diag.add(outcome.problems);
    }
    let district_sets: Vec<&CriteriaSet> = p
        .selections
        .iter()
        .flatten()
        .flat_map(|s| s.districts.iter().copied())
        .collect();
    let mut scoring = Scoring {
        p,
        options,
        versions,
        diag,
        out,
        index: {
            let mut index = CommuneIndex::for_sets(&district_sets);
            if let Some(d) = &districts {
                index.set_district_keys(d.keys.clone());
            }
            index
        },
        compact: Compact::default(),
        seen: HashMap::new(),
        across: false,
        districts: districts.as_ref(),
    };
    match job.input {
        Input::Files { data, .. } => read_communes(job, data, units, &keep, &mut scoring, sink)?,
        Input::Rows { communes, .. } => {
            // What reading the table found, reported as a file's is (a district table's above).
            scoring.diag.add(communes.problems.iter().cloned());
            let mut table = scoring.table(communes);
            for row in &communes.rows {
                if keep(row.line, &row.code, &row.name, row.year) {
                    scoring.row(&mut table, row, sink)?;
                }
            }
        }
    }
    let Scoring {
        mut diag,
        mut out,
        index,
        ..
    } = scoring;
    if let Some(d) = &mut districts {
        // The district rows that will not be scored are listed after the communes', before the
        // districts are scored.
        for u in std::mem::take(&mut d.unscored) {
            out.unscored += 1;
            sink.unscored(u)?;
        }
        for (row, i) in &d.rows {
            let (Some(sel), version) = (&p.selections[*i], p.versions[*i]) else {
                continue;
            };
            let Some(set) = sel.districts.last() else {
                continue;
            };
            let ev = Evaluator::new(version, sel.districts.clone(), &d.data, options);
            let base = sel.communes.first().map_or("", |s| s.id.as_str());
            let mut result = evaluate_district(&ev, row, &index, lists.over(row), base, set);
            diag.add(std::mem::take(&mut result.notes));
            out.districts.add(
                result
                    .unit
                    .sets
                    .last()
                    .map_or(Verdict::Unknown, |s| s.qualified),
            );
            sink.district(result)?;
        }
    }
    out.errors = diag.errors;
    sink.finish(&diag.all, &out)?;
    Ok(out)
}

/// Read the commune files row by row, each row checked and scored as it comes.
fn read_communes(
    job: &Job,
    data: &[PathBuf],
    units: Option<&Units>,
    keep: &(dyn Fn(usize, &str, &str, i32) -> bool + Sync),
    scoring: &mut Scoring,
    sink: &mut dyn Sink,
) -> Result<(), Error> {
    let p = scoring.p;
    // The same file given twice (under two names, or through a link) is read once.
    let (inputs, repeated) = crate::input::files::distinct(data);
    for (again, first) in repeated {
        scoring.diag.add([Problem::warning(
            "same-file",
            again.display().to_string(),
            Text::new(
                format!(
                    "cùng một tệp với {} (đã cho ở trước): chỉ đọc một lần",
                    first.display()
                ),
                format!(
                    "the same file as {} (given before): read once",
                    first.display()
                ),
            ),
        )]);
    }
    // Within one file the reader finds duplicates; across files, the scoring does.
    scoring.across = inputs.len() > 1;
    let used: Vec<&str> = {
        let mut cols: Vec<&str> = Vec::new();
        for sel in p.selections.iter().flatten() {
            for c in Version::columns_of(&sel.communes) {
                if !cols.contains(&c) {
                    cols.push(c);
                }
            }
        }
        cols
    };
    let mut read = RowRead::default();
    for path in &inputs {
        let mut reader = Reader::open(path, &job.read, &p.schema, Layout::COMMUNE, &used, keep);
        let head = reader.head.clone();
        let unreadable = reader.unreadable();
        scoring.diag.add(std::mem::take(&mut reader.head.problems));
        if let Some(u) = unreadable {
            scoring.out.unscored += 1;
            sink.unscored(u)?;
        }
        let mut table = scoring.table(&head);
        let mut audit = units.map(|u| Audit::new(u, &head.file, Layer::Commune));
        let with_districts = scoring.districts.is_some();
        // The rows are read and checked by a thread of their own while this one scores them.
        std::thread::scope(|scope| -> Result<(), Error> {
            let mut reader = ReadAhead::start(scope, reader);
            while reader.read_into(&mut read) {
                scoring.diag.add(read.problems.drain(..));
                if let Some(a) = audit.as_mut()
                    && let Some(r) = read.row().or(read.rejected())
                {
                    a.row(r.line, &r.code, &r.name, &r.parent, r.year);
                }
                if let Some(u) = read.unscored.take() {
                    if u.year.is_none() && with_districts {
                        scoring.index.add_unknown_any_year(&u);
                    }
                    scoring.out.unscored += 1;
                    sink.unscored(u)?;
                }
                // A commune that could not be read still belongs to its district, as unknown.
                if let Some(bad) = read.rejected()
                    && with_districts
                {
                    scoring.index.add_unknown(bad);
                }
                if let Some(row) = read.row() {
                    scoring.row(&mut table, row, sink)?;
                }
            }
            Ok(())
        })?;
        if let Some(a) = audit {
            let outcome = a.finish();
            scoring
                .index
                .set_official_codes(&head.file, outcome.official);
            scoring.diag.add(outcome.problems);
        }
    }
    Ok(())
}

/// The scoring of commune rows, wherever they come from (a file read row by row, or rows already
/// read): the version of each year, the checks of each row, the compiled plans, the explained
/// result when the sink wants it, the communes gathered for their districts, the counts.
struct Scoring<'s, 'a, 'f> {
    p: &'s Prepared<'a>,
    options: Options,
    versions: Versions<'s, 'a>,
    diag: Diagnostics<'f>,
    out: Outcome,
    index: CommuneIndex,
    compact: Compact,
    /// The (code, year) of the rows scored and where, when rows come from several files.
    seen: HashMap<(String, i32), (String, usize)>,
    /// Rows come from several files: a duplicate across them is looked for here.
    across: bool,
    districts: Option<&'s Districts>,
}

/// One table of communes being scored: its columns, an evaluator per version for them, and the
/// plans compiled per version, year and commune group as they are needed.
struct Table<'h> {
    head: &'h Dataset,
    evaluators: Vec<Option<Evaluator<'h>>>,
    /// A handful (versions × years × groups): found by a look along them, without hashing.
    plans: Vec<(PlanKey, Option<Plan>)>,
}

impl<'s, 'a: 's> Scoring<'s, 'a, '_> {
    /// Begin a table of communes whose columns are `head`'s.
    fn table<'h>(&mut self, head: &'h Dataset) -> Table<'h>
    where
        's: 'h,
    {
        let p = self.p;
        let evaluators = p
            .versions
            .iter()
            .zip(&p.selections)
            .map(|(v, sel)| {
                sel.as_ref()
                    .map(|s| Evaluator::new(v, s.communes.clone(), head, self.options))
            })
            .collect();
        self.index.begin_file(&head.file);
        Table {
            head,
            evaluators,
            plans: Vec::new(),
        }
    }

    /// A row of `file` not scored for the errors among `problems`: counted once and handed to
    /// `sink` once with every reason, and the problems (warnings too) kept for the report.
    fn refuse(
        &mut self,
        file: &str,
        row: &Row,
        problems: Vec<Problem>,
        sink: &mut dyn Sink,
    ) -> Result<(), Error> {
        self.out.unscored += 1;
        sink.unscored(Unscored::of_row(file, row, &problems))?;
        self.diag.add(problems);
        Ok(())
    }

    /// Check and score one commune row of `t`, and hand it to `sink` (or why it is not scored).
    fn row(&mut self, t: &mut Table, row: &Row, sink: &mut dyn Sink) -> Result<(), Error> {
        let p = self.p;
        let head = t.head;
        let with_districts = self.districts.is_some();
        let mut notes = Vec::new();
        let chosen = self.versions.of(row.year, &head.file, &mut notes);
        self.diag.add(notes);
        let ev = match chosen {
            Ok(i) => t.evaluators[i].as_ref(),
            Err(why) => {
                let problem = no_version(&head.file, row, why, Layout::COMMUNE);
                self.refuse(&head.file, row, vec![problem], sink)?;
                if with_districts {
                    self.index.add_unknown(row);
                }
                return Ok(());
            }
        };
        let Some(ev) = ev else { return Ok(()) };
        let mut pre = ev.precheck_row(&head.file, row, Layout::COMMUNE.year);
        let bad = pre.iter().any(|p| p.is_error());
        // Within one file the reader finds duplicates; across files, this map does. A row refused
        // for both is one row not scored, with both reasons.
        let duplicate = self
            .across
            .then(|| duplicate_across(&mut self.seen, &head.file, row))
            .flatten();
        let again = duplicate.is_some();
        pre.extend(duplicate);
        if bad || again {
            self.refuse(&head.file, row, pre, sink)?;
        } else {
            self.diag.add(pre);
        }
        if again {
            return Ok(());
        }
        if let Some(d) = self.districts
            && !d.keys.keys.contains(&(district_key(&row.parent), row.year))
        {
            self.diag.add([unmatched(&head.file, &d.data.file, row)]);
        }
        if bad {
            if with_districts {
                self.index.add_unknown(row);
            }
            return Ok(());
        }
        let Ok(vi) = chosen else { return Ok(()) };
        let Some(sel) = &p.selections[vi] else {
            return Ok(());
        };
        let year = self.options.thresholds_of.unwrap_or(row.year);
        let known = t
            .plans
            .iter()
            .position(|((v, y, g), _)| (*v, *y, g.as_deref()) == (vi, year, row.group.as_deref()));
        let at = known.unwrap_or_else(|| {
            let plan = Plan::compile(
                p.versions[vi],
                &sel.communes,
                &head.columns,
                &head.present,
                year,
                row.group.as_deref(),
            );
            t.plans.push(((vi, year, row.group.clone()), plan));
            t.plans.len() - 1
        });
        let plan = &t.plans[at].1;
        // A chain the plan cannot compile is scored the explained way only.
        let explained =
            (sink.wants_explained() || plan.is_none()).then(|| ev.evaluate(row, &NoDerived));
        if let Some(plan) = plan {
            plan.score(row, &mut self.compact);
        }
        let scored = Scored {
            row,
            version: p.versions[vi],
            sets: &sel.communes,
            columns: &head.columns,
            compact: &self.compact,
            plan: plan.as_ref(),
        };
        let view: &dyn UnitView = match (&explained, plan.is_some()) {
            (Some(r), false) => r,
            _ => &scored,
        };
        if with_districts {
            self.index.add(view);
        }
        self.out.communes.add(view.qualified(&sel.target.id));
        self.out.scored += 1;
        sink.unit(&scored, explained.as_ref())?;
        Ok(())
    }
}

/// The districts read, their rows that can be scored with their version, and the keys communes
/// name their district by.
struct Districts {
    data: Dataset,
    rows: Vec<(Row, usize)>,
    keys: DistrictKeys,
    /// The rows that will not be scored (not read, no version for their year, or an error of
    /// their own), as every report lists them.
    unscored: Vec<Unscored>,
}

/// Read the district file whole.
fn read_districts(
    job: &Job,
    p: &Prepared,
    path: &Path,
    versions: &mut Versions,
    diag: &mut Diagnostics,
) -> Districts {
    let used: Vec<&str> = {
        let mut cols: Vec<&str> = Vec::new();
        for sel in p.selections.iter().flatten() {
            for c in Version::columns_of(&sel.districts) {
                if !cols.contains(&c) {
                    cols.push(c);
                }
            }
        }
        cols
    };
    let of_year = |_: usize, _: &str, _: &str, year: i32| job.year.is_none_or(|y| y == year);
    let (mut data, unscored) = read_file_listing(
        path,
        &job.read,
        &p.schema,
        Layout::DISTRICT,
        &used,
        &of_year,
    );
    diag.add(std::mem::take(&mut data.problems));
    let options = Options {
        nearest_year: job.nearest_year,
        thresholds_of: None,
    };
    let mut d = districts_of(p, data, options, versions, diag);
    // A district whose row could not be read is still in the file: its communes are not told
    // their district is missing from it (the row is listed as not scored).
    for u in &unscored {
        if let Some(year) = u.year {
            let row = district_keys([(u.code.as_str(), u.name.as_str(), year)]);
            d.keys.keys.extend(row.keys);
        }
    }
    // In the file's order, as a commune file's are (a file not read at all first).
    d.unscored.splice(0..0, unscored);
    d.unscored.sort_by_key(|u| u.line);
    d
}

/// The district rows of `data` that can be scored, each with the version scoring it.
fn districts_of(
    p: &Prepared,
    mut data: Dataset,
    options: Options,
    versions: &mut Versions,
    diag: &mut Diagnostics,
) -> Districts {
    let mut rows = Vec::new();
    let keys = district_keys(
        data.rows
            .iter()
            .map(|r| (r.code.as_str(), r.name.as_str(), r.year)),
    );
    let mut unscored = Vec::new();
    for row in std::mem::take(&mut data.rows) {
        let mut notes = Vec::new();
        let chosen = versions.of(row.year, &data.file, &mut notes);
        diag.add(notes);
        let i = match chosen {
            Ok(i) => i,
            Err(why) => {
                let problem = no_version(&data.file, &row, why, Layout::DISTRICT);
                unscored.push(Unscored::of_row(
                    &data.file,
                    &row,
                    std::slice::from_ref(&problem),
                ));
                diag.add([problem]);
                continue;
            }
        };
        let Some(sel) = &p.selections[i] else {
            continue;
        };
        let districts: Vec<&CriteriaSet> = sel
            .districts
            .iter()
            .copied()
            .filter(|s| s.level == Level::District)
            .collect();
        let ev = Evaluator::new(p.versions[i], districts, &data, options);
        let pre = ev.precheck_row(&data.file, &row, Layout::DISTRICT.year);
        if pre.iter().any(|p| p.is_error()) {
            unscored.push(Unscored::of_row(&data.file, &row, &pre));
        } else {
            rows.push((row, i));
        }
        diag.add(pre);
    }
    Districts {
        data,
        rows,
        keys,
        unscored,
    }
}

/// A row whose year no version scores.
fn no_version(file: &str, row: &Row, why: Text, layout: Layout) -> Problem {
    Problem::error("no-version", file, why)
        .at(row.line, None)
        .field(layout.year)
        .found(row.year.to_string())
        .expected(Text::new(
            "một năm mà một phiên bản tiêu chí đã nạp có hiệu lực (thêm phiên bản bằng --criteria), hoặc --nearest-year để dùng ngưỡng năm gần nhất",
            "a year a loaded criteria version covers (add one with --criteria), or --nearest-year to reuse the nearest year's thresholds",
        ))
}

/// Problems are handed to the caller as they are found, and kept for the report's end.
struct Diagnostics<'f> {
    found: &'f mut dyn FnMut(&Problem),
    all: Vec<Problem>,
    errors: usize,
}

impl Diagnostics<'_> {
    fn add(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for p in problems {
            (self.found)(&p);
            self.errors += usize::from(p.is_error());
            self.all.push(p);
        }
    }
}

/// The same commune and year already read from another file.
fn duplicate_across(
    seen: &mut HashMap<(String, i32), (String, usize)>,
    file: &str,
    row: &Row,
) -> Option<Problem> {
    match seen.get(&(row.code.clone(), row.year)) {
        Some((first, line)) if first != file => Some(
            Problem::error(
                "duplicate-row",
                file,
                Text::new(
                    format!("mã {} năm {} đã có ở {first}:{line}", row.code, row.year),
                    format!(
                        "code {}, year {} is already at {first}:{line}",
                        row.code, row.year
                    ),
                ),
            )
            .at(row.line, None)
            .field(Layout::COMMUNE.code)
            .found(row.code.clone()),
        ),
        Some(_) => None,
        None => {
            seen.insert((row.code.clone(), row.year), (file.to_string(), row.line));
            None
        }
    }
}

/// A commune whose district is not in the district file: reported, still evaluated.
fn unmatched(file: &str, district_file: &str, c: &Row) -> Problem {
    unknown_district(
        file,
        district_file,
        c,
        Text::new(
            "xã vẫn được chấm nếu số liệu đọc được, nhưng không tính cho huyện nào",
            "the commune is still scored if its row can be read, but counts for no district",
        ),
    )
}
