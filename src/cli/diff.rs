//! `ntm diff OLD NEW` or `ntm diff DATA --from Y1 --to Y2`: compare the communes' results of two years
//! (or two files), each side scored with its own year's thresholds unless `--same-year`; with
//! `--districts OLD_D [NEW_D]`, the districts' results too (huyện NTM, H0.1/H0.2 from the communes).
//!
//! What the user typed becomes a [`Plan`] (criteria, sets, years, thresholds) before any scoring; the
//! commune files are read and scored by `ntm::pipeline::diff`, the comparison itself is
//! `ntm::eval::diff`, the rendering `ntm::report::diff`. The years of the files and the district
//! files are read by [`files`], the district step is [`district`].

mod district;
mod files;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use clap::Args;
use ntm::criteria::catalog::Catalog;
use ntm::criteria::select::Selection;
use ntm::criteria::{CriteriaSet, Schema, Version};
use ntm::diag::Problem;
use ntm::eval::Options;
use ntm::eval::diff::store::StoreSide;
use ntm::eval::diff::{CodeMap, Presence, Side, compare};
use ntm::exit;
use ntm::i18n::Text;
use ntm::input::Layout;
use ntm::input::files::Expect;
use ntm::pipeline::diff::{FileRead, ReadSpec, SideSpec, read as read_file};
use ntm::report::diff::{DiffReport, SideInfo, write};
use ntm::units::Units;
use ntm::units::audit::{self, Layer};

use super::output::{self, Output};
use super::{Ctx, FormatArg};
use files::{Scope, list, read_map, sides, years_found};

/// The exit codes of `diff`: it compares, it does not judge qualification (see `check`).
pub(crate) const EXIT_CODES_EN: &str = "\
Exit codes:
  0   the comparison ran
  64  usage error, or the output file refused
  65  unreadable data, or a --map file that is wrong or contradicts the data
      (the report still covers the readable rows)
  66  an input file does not exist or cannot be opened (nothing is printed)
  74  the output cannot be written (disk full…)
  78  bad criteria or unit list file (--units)
  130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP): interrupted, temporary file
      removed
A closed pipe (| head) stops the output; the exit code still follows the
result.

Change: Gained, Lost, Unchanged (both levels known and equal), Unknown
(missing data leaves the move open, e.g. Unknown ↔ Not met), New (only in the
new side), Gone (only in the old side).";

/// [`EXIT_CODES_EN`] in Vietnamese.
pub(crate) const EXIT_CODES_VI: &str = "\
Mã thoát:
  0   đã so sánh
  64  sai cú pháp lệnh, hoặc tệp kết quả bị từ chối
  65  dữ liệu không đọc được, hoặc tệp --map sai hay mâu thuẫn với số liệu
      (báo cáo vẫn in cho các dòng đọc được)
  66  không có tệp đầu vào, hoặc không mở được (không in gì ra)
  74  không ghi được kết quả (đĩa đầy…)
  78  tệp tiêu chí hoặc danh sách đơn vị hành chính (--units) sai
  130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP): bị ngắt, tệp tạm đã xoá
Đóng ống (| head) thì dừng ghi, mã thoát vẫn theo kết quả.

Thay đổi: Lên mức, Xuống mức, Giữ nguyên (biết cả hai mức và bằng nhau),
Chưa rõ (thiếu số liệu nên chưa biết đổi thế nào, ví dụ Chưa đủ dữ liệu ↔
Chưa đạt), Mới (chỉ có ở bên mới), Không còn (chỉ có ở bên cũ).";

#[derive(Args)]
pub(crate) struct DiffArgs {
    /// The older commune data (CSV or Excel); or the one file holding both years, with --from and --to.
    old: PathBuf,
    /// The newer commune data (CSV or Excel). Leave it out to compare two years of OLD.
    new: Option<PathBuf>,
    /// The old side's year (a year of OLD). Needed when that file holds several years.
    #[arg(long, value_name = "YEAR")]
    from: Option<i32>,
    /// The new side's year (a year of NEW, or of OLD when it is the only file).
    #[arg(long, value_name = "YEAR")]
    to: Option<i32>,
    /// Score both sides with this year's thresholds, to tell a change in the data from a change in
    /// the thresholds (income thresholds rise each year). By default each side uses its own year's.
    #[arg(long, value_name = "YEAR")]
    same_year: Option<i32>,
    /// The levels compared: xa-ntm, nang-cao, kieu-mau, huyen-ntm (needs --districts), or all (every
    /// commune level, and the district level with --districts).
    #[arg(long, default_value = "all")]
    level: String,
    /// Compare districts too: the district data of the old side, then of the new side (one file holding
    /// both years is enough), each with ma_huyen, ten_huyen, nam and the district indicator columns.
    /// Put it after the commune files.
    #[arg(long, value_name = "DISTRICTS.csv", num_args = 1..=2)]
    districts: Vec<PathBuf>,
    /// Merged, split or renamed communes: a shipped conversion by name (lang-son-2025: Lạng Sơn's
    /// reorganisation of 1/7/2025, units/lang-son/conversion-2025-07-01.toml), or a CSV with columns
    /// ma_xa_cu, ma_xa_moi, one line per (old code, new code) pair (a file of that name wins).
    /// Without --map, two sides on either side of a conversion are warned about: codes were reused.
    ///
    /// Several old codes → one new code: a merge; the new commune's before lists each old commune
    /// with its code, name and level, and its before level is the lowest of them (unknown when one
    /// lacks data or is missing). One old code → several new codes: a split; the old commune appears
    /// in each new one, marked "tách một phần", and counts once on the old side. One → one: a rename.
    /// A code the map does not list as old keeps its code (a commune keeping its code while absorbing
    /// others needs no line for itself).
    ///
    /// The map is checked against the data. Errors (exit 65; the report is still printed, the map
    /// followed as written): an empty code; an old code sent to another code that is still a commune
    /// of the new side when no line says what that new commune is made of (add X;X for a split that
    /// keeps the code, or Z;X for a reused code). Notes: the same pair twice (ignored), an old code
    /// not in the old data, a new code not in the new data.
    #[arg(long, value_name = "MAP.csv|lang-son-2025")]
    map: Option<PathBuf>,
    /// For a year outside a set's validity, reuse the nearest year's thresholds (the report says so).
    #[arg(long)]
    nearest_year: bool,
    /// Output: table, json, csv (one row per unit and indicator that changed), md, html (to print)
    /// or xlsx (needs -o); by default a table, or the output file's extension.
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Write the comparison to this file (written whole or not at all) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

/// The comparison to run, settled from the command line and the files' years.
struct Plan<'v> {
    /// The new side's version (heading the report), and its sets; `old` is the old side's.
    version: &'v Version,
    /// The commune sets compared, prerequisites first (with --districts, also those the district
    /// sets require).
    sets: Vec<&'v CriteriaSet>,
    /// The set whose criteria met are compared.
    target: String,
    /// The district sets compared, prerequisites first; empty without --districts.
    districts: Vec<&'v CriteriaSet>,
    /// The old side: the version in force for its year (or the one named, or `--same-year`'s).
    old: SidePlan<'v>,
    /// The columns the sets of both sides read.
    used: Vec<&'v str>,
    district_used: Vec<&'v str>,
    /// The columns of both sides' versions, which the files are read against.
    schema: Schema,
    from: i32,
    to: i32,
    options: Options,
    read: ntm::input::table::ReadOptions,
}

/// What one side is scored with.
struct SidePlan<'v> {
    version: &'v Version,
    sets: Vec<&'v CriteriaSet>,
    districts: Vec<&'v CriteriaSet>,
}

impl<'v> Plan<'v> {
    fn scope<'p>(&'p self, layout: Layout, used: &'p [&'v str]) -> Scope<'p, 'v> {
        let district = layout.code == Layout::DISTRICT.code;
        let (old, new) = if district {
            (&self.old.districts, &self.districts)
        } else {
            (&self.old.sets, &self.sets)
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

    fn communes(&self) -> Scope<'_, 'v> {
        self.scope(Layout::COMMUNE, &self.used)
    }

    fn district_scope(&self) -> Scope<'_, 'v> {
        self.scope(Layout::DISTRICT, &self.district_used)
    }
}

/// The sets a `--level` asks for.
struct Levels<'v> {
    communes: Vec<&'v CriteriaSet>,
    districts: Vec<&'v CriteriaSet>,
    target: String,
}

pub(crate) fn run(ctx: &Ctx, args: DiffArgs) -> i32 {
    // The printable comparison is HTML.
    if let Err(code) = output::refuse_pdf(ctx, args.output.as_deref(), "html") {
        return code;
    }
    let catalog = match ctx.catalog() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let units = match ctx.units() {
        Ok(u) => u,
        Err(code) => return code,
    };
    match plan(ctx, &args, &catalog) {
        Ok(plan) => execute(ctx, &args, &plan, &units),
        Err(code) => code,
    }
}

fn plan<'v>(ctx: &Ctx, args: &DiffArgs, catalog: &'v Catalog) -> Result<Plan<'v>, i32> {
    if args.districts.len() > 2 {
        return Err(usage(
            ctx,
            &Text::new(
                "--districts nhận một tệp (có cả hai năm) hoặc hai tệp (bên cũ, bên mới)",
                "--districts takes one file (holding both years) or two (the old side's, the new side's)",
            ),
        ));
    }
    // The files are read against every version they may need; each side is then scored by the
    // version in force for its year.
    let named = ctx.criteria_version.as_deref();
    let candidates: Vec<&Version> = match named {
        Some(id) => vec![catalog.select(Some(id), None).map_err(|m| usage(ctx, &m))?],
        None => catalog.versions.iter().collect(),
    };
    let schema = Schema::of_versions(&candidates).map_err(|m| usage(ctx, &m))?;
    let with_districts = !args.districts.is_empty();
    // The level asked must exist before any file is read.
    if let Some(first) = candidates.first() {
        level_sets(first, &args.level, with_districts).map_err(|msg| usage(ctx, &msg))?;
    }
    let version_of = |year: i32| -> Result<&'v Version, i32> {
        match named {
            Some(_) => Ok(candidates[0]),
            None if catalog.versions.len() == 1 => Ok(&catalog.versions[0]),
            None => catalog.for_year(year).map_err(|m| usage(ctx, &m)),
        }
    };
    // The years first (read with the columns of every version), then each side's version.
    let years_scope_sets: Vec<&CriteriaSet> = Vec::new();
    let all_used: Vec<&str> = candidates.iter().flat_map(|v| v.all_columns()).collect();
    let discovery = Scope {
        read: &ctx.read,
        schema: &schema,
        layout: Layout::COMMUNE,
        used: &all_used,
        options: Options::default(),
        sides: [
            (0, candidates[0], &years_scope_sets),
            (0, candidates[0], &years_scope_sets),
        ],
    };
    let (from, to) = match &args.new {
        None => years_of_one_file(ctx, args, discovery)?,
        Some(new) => {
            // Neither year given: both files' years are read at once.
            let (a, b) = if args.from.is_none() && args.to.is_none() {
                std::thread::scope(|s| {
                    let old = s.spawn(|| files::years_in(&args.old, discovery));
                    let new = files::years_in(new, discovery);
                    (Some(joined(old)), Some(new))
                })
            } else {
                (None, None)
            };
            (
                year_of(ctx, &args.old, args.from, "--from", discovery, a)?,
                year_of(ctx, new, args.to, "--to", discovery, b)?,
            )
        }
    };
    let (old_version, new_version) = match args.same_year {
        Some(y) => (version_of(y)?, version_of(y)?),
        None => (version_of(from)?, version_of(to)?),
    };
    let levels =
        level_sets(new_version, &args.level, with_districts).map_err(|msg| usage(ctx, &msg))?;
    let old_levels =
        level_sets(old_version, &args.level, with_districts).map_err(|msg| usage(ctx, &msg))?;
    let ids = |sets: &[&CriteriaSet]| sets.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    if ids(&levels.communes) != ids(&old_levels.communes)
        || ids(&levels.districts) != ids(&old_levels.districts)
    {
        let (o, n) = (&old_version.id, &new_version.id);
        return Err(usage(
            ctx,
            &Text::new(
                format!(
                    "bên cũ chấm theo phiên bản {o}, bên mới theo {n}, và hai phiên bản không có cùng các mức đánh giá: so sánh bằng --same-year NĂM (cả hai bên theo một phiên bản)"
                ),
                format!(
                    "the old side is scored with version {o}, the new side with {n}, and the two do not have the same levels: compare with --same-year YEAR (both sides with one version)"
                ),
            ),
        ));
    }
    if let Some(y) = args.same_year
        && !args.nearest_year
        && let Some(s) = levels
            .communes
            .iter()
            .chain(&levels.districts)
            .find(|s| !s.covers(y))
    {
        let (id, a, b) = (&s.id, s.valid_from, s.valid_to);
        return Err(usage(
            ctx,
            &Text::new(
                format!(
                    "--same-year {y} ngoài thời hạn của bộ {id} ({a}–{b}); thêm --nearest-year để dùng ngưỡng năm gần nhất"
                ),
                format!(
                    "--same-year {y} is outside set {id}'s validity ({a}–{b}); add --nearest-year to reuse the nearest year's thresholds"
                ),
            ),
        ));
    }
    let mut used = Version::columns_of(&levels.communes);
    for c in Version::columns_of(&old_levels.communes) {
        if !used.contains(&c) {
            used.push(c);
        }
    }
    let mut district_used = Version::columns_of(&levels.districts);
    for c in Version::columns_of(&old_levels.districts) {
        if !district_used.contains(&c) {
            district_used.push(c);
        }
    }
    Ok(Plan {
        version: new_version,
        sets: levels.communes,
        districts: levels.districts,
        target: levels.target,
        old: SidePlan {
            version: old_version,
            sets: old_levels.communes,
            districts: old_levels.districts,
        },
        used,
        district_used,
        schema,
        from,
        to,
        options: Options {
            nearest_year: args.nearest_year,
            thresholds_of: args.same_year,
        },
        read: ctx.read.clone(),
    })
}

fn execute(ctx: &Ctx, args: &DiffArgs, plan: &Plan, loaded: &Units) -> i32 {
    let format = Output::format(args.format, args.output.as_deref());
    // A report to print and file is dated.
    let date = match format {
        ntm::report::Format::Html | ntm::report::Format::Xlsx => match ctx.run_date() {
            Ok(d) => Some(d),
            Err(code) => return code,
        },
        _ => None,
    };
    let mut inputs: Vec<&std::path::Path> = vec![args.old.as_path()];
    inputs.extend(args.new.as_deref());
    inputs.extend(args.districts.iter().map(PathBuf::as_path));
    inputs.extend(args.map.as_deref());
    let mut output = match Output::open(ctx, args.output.as_deref(), args.force, &inputs, format) {
        Ok(o) => o,
        Err(code) => return code,
    };
    // A missing input stops the run before the comparison is begun. A --map given as a bare name
    // (no folder, no extension) and not a file is the name of a shipped conversion: not a file to
    // look for (an unknown name is told which conversions exist).
    let shipped = |p: &Path| {
        !p.exists()
            && p.to_str().is_some_and(|n| {
                loaded.conversion_named(n).is_some() || !n.contains(['/', '\\', '.'])
            })
    };
    let expected: Vec<(&Path, Expect)> = inputs
        .iter()
        .filter(|p| !(args.map.as_deref() == Some(**p) && shipped(p)))
        .map(|p| (*p, Expect::File))
        .collect();
    if let Err(code) = ctx.inputs(&expected) {
        return code;
    }
    let mut problems = Vec::new();
    let years = (plan.from, plan.to);
    // The official lists: each file's codes and names checked, and whether its codes are official.
    let (units, no_list) =
        ntm::pipeline::official_lists(Some(loaded), &[plan.old.version, plan.version]);
    let communes = match commune_files(ctx, args, plan, units, &mut problems) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let dsources = match args.districts.as_slice() {
        [] => None,
        [old, rest @ ..] => {
            match sides(
                ctx,
                (old, rest.first().map(PathBuf::as_path)),
                years,
                plan.district_scope(),
                &mut problems,
            ) {
                Ok(s) => Some(s),
                Err(code) => return code,
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
    let old = StoreSide::new(
        old_store,
        plan.old.version,
        plan.old.sets.clone(),
        plan.options,
    );
    let new = StoreSide::new(new_store, plan.version, plan.sets.clone(), plan.options);
    let side_skipped = |r: &FileRead, k: usize, side: Presence| -> Vec<(String, Presence)> {
        r.skipped[k].iter().map(|c| (c.clone(), side)).collect()
    };
    let mut skipped = side_skipped(old_read, 0, Presence::Old);
    skipped.extend(side_skipped(
        new_read,
        new_read.skipped.len() - 1,
        Presence::New,
    ));
    let (map, map_shown) = match &args.map {
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
                    (plan.from, plan.to),
                    &new_store.head.file,
                ));
                let shown = format!("{name} ({})", c.file);
                (CodeMap::from_conversion(&name, c, &old, &new), Some(shown))
            }
            None => {
                let known: Vec<String> = loaded
                    .conversions
                    .iter()
                    .map(|c| loaded.conversion_name(c))
                    .collect();
                (
                    read_map(path, &known, &mut problems),
                    Some(path.display().to_string()),
                )
            }
        },
        None => {
            if let Some(c) = units.and_then(|u| audit::conversion_between(u, plan.from, plan.to)) {
                let o: Vec<&str> = (0..old.len()).map(|i| old.code(i)).collect();
                let n: Vec<&str> = (0..new.len()).map(|i| new.code(i)).collect();
                problems.push(audit::codes_reused_warning(
                    loaded,
                    c,
                    (plan.from, plan.to),
                    (&o, &n),
                    &new_store.head.file,
                ));
            }
            (CodeMap::none(), None)
        }
    };
    let skip: HashSet<&str> = skipped.iter().map(|(c, _)| c.as_str()).collect();
    let mut diff = compare(&plan.sets, &old, &new, &map, &skip);
    problems.extend(diff.problems.iter().cloned());
    let mut info = None;
    if let Some(d) = &dsources {
        // Each side's communes gathered by district, in the order the comparison read them.
        let last = |v: &[bool]| v.last().copied().unwrap_or(false);
        let mut co = district::Gathered::new(
            &old_store.head.file,
            &d[0],
            plan.from,
            &plan.districts,
            commune_codes.first().copied().unwrap_or(false),
        );
        let mut cn = district::Gathered::new(
            &new_store.head.file,
            &d[d.len() - 1],
            plan.to,
            &plan.districts,
            last(&commune_codes),
        );
        for j in 0..new.len() {
            cn.add(&*new.unit(j));
        }
        for i in diff.old_order() {
            co.add(&*old.unit(i));
        }
        let lists = |official: bool| ntm::eval::district::Lists {
            units,
            official_codes: official,
        };
        let side_lists = (
            lists(district_codes.first().copied().unwrap_or(false)),
            lists(last(&district_codes)),
        );
        let (dd, di) = district::compare(plan, d, (&co, &cn), side_lists, &mut problems);
        diff.districts = Some(dd);
        info = Some(di);
    }
    ctx.report(&problems);
    let report = DiffReport {
        version: plan.version,
        sets: plan.sets.clone(),
        level: args.level.clone(),
        target: plan.target.clone(),
        before: side_info(
            plan,
            &old_store.head.file,
            plan.from,
            diff.threshold_years.0,
        ),
        after: side_info(plan, &new_store.head.file, plan.to, diff.threshold_years.1),
        same_year: plan.options.thresholds_of,
        map: map_shown,
        skipped,
        districts: info,
        date,
        index: Default::default(),
    };
    let written = write(
        &report,
        &diff,
        &problems,
        format,
        &ctx.style,
        ntm::report::fitted_writer(format, &ctx.style, output.writer()),
    );
    if let Err(e) = written.and_then(|_| output.commit()) {
        return output::write_failed(ctx, &e);
    }
    if problems.iter().any(Problem::is_error) {
        exit::DATA
    } else {
        exit::OK
    }
}

/// A side's file, data year, and the year whose thresholds scored it (its first unit's, else the
/// one the options give).
fn side_info(plan: &Plan, file: &str, year: i32, scored: Option<i32>) -> SideInfo {
    let version = if year == plan.from && plan.from != plan.to {
        plan.old.version
    } else {
        plan.version
    };
    SideInfo {
        file: file.to_string(),
        year,
        threshold_year: scored.unwrap_or(plan.options.thresholds_of.unwrap_or(year)),
        version: version.id.clone(),
    }
}

/// The commune files read into each side's store: one file for both years, or each file for its own
/// year (see [`ntm::pipeline::diff`]). Their problems go to `problems`; stops (after reporting what
/// was found so far) when a side has no row of its year.
fn commune_files(
    ctx: &Ctx,
    args: &DiffArgs,
    plan: &Plan,
    units: Option<&Units>,
    problems: &mut Vec<Problem>,
) -> Result<Vec<FileRead>, i32> {
    let old = SideSpec {
        year: plan.from,
        version: plan.old.version,
        sets: plan.old.sets.clone(),
    };
    let new = SideSpec {
        year: plan.to,
        version: plan.version,
        sets: plan.sets.clone(),
    };
    let spec = ReadSpec {
        read: &plan.read,
        schema: &plan.schema,
        used: &plan.used,
        options: plan.options,
        units,
    };
    let reads = match &args.new {
        None => vec![read_file(&args.old, &spec, &[old, new])],
        // The two files are read at once.
        Some(path) => std::thread::scope(|s| {
            let first = s.spawn(|| read_file(&args.old, &spec, &[old]));
            let second = read_file(path, &spec, &[new]);
            vec![joined(first), second]
        }),
    };
    for r in &reads {
        problems.extend(r.problems.iter().cloned());
    }
    let last = reads.len() - 1;
    for (r, k, year) in [
        (&reads[0], 0, plan.from),
        (&reads[last], reads[last].kept.len() - 1, plan.to),
    ] {
        if !r.kept[k] {
            ctx.report(problems);
            // An unreadable file (its errors are reported), or a readable one without that year.
            return Err(if !r.kept.iter().any(|k| *k) && r.read_errors {
                exit::DATA
            } else {
                files::no_rows(ctx, plan.communes(), &r.file, year)
            });
        }
    }
    Ok(reads)
}

fn usage(ctx: &Ctx, msg: &Text) -> i32 {
    ctx.error(&msg.vi, &msg.en);
    exit::USAGE
}

/// The sets compared for `--level` (see [`Selection`]).
fn level_sets<'v>(
    version: &'v Version,
    level: &str,
    with_districts: bool,
) -> Result<Levels<'v>, Text> {
    let sel = Selection::of(version, level, with_districts)?;
    Ok(Levels {
        target: sel.target.id.clone(),
        communes: sel.communes,
        districts: sel.districts,
    })
}

/// One file: the two years given, or the file's two years when it holds exactly two.
fn years_of_one_file(ctx: &Ctx, args: &DiffArgs, scope: Scope) -> Result<(i32, i32), i32> {
    let (from, to) = match (args.from, args.to) {
        (Some(f), Some(t)) => (f, t),
        (f, t) => {
            let ys = years_found(ctx, &args.old, scope, None)?;
            let (Some(&lo), Some(&hi), 2) = (ys.first(), ys.last(), ys.len()) else {
                let (p, l) = (args.old.display(), list(&ys));
                return Err(usage(
                    ctx,
                    &Text::new(
                        format!("tệp {p} có các năm {l}: chọn hai năm bằng --from và --to"),
                        format!("{p} holds the years {l}: pick two with --from and --to"),
                    ),
                ));
            };
            let other = |y: i32| if y == lo { hi } else { lo };
            match (f, t) {
                (Some(f), None) => (f, other(f)),
                (None, Some(t)) => (other(t), t),
                _ => (lo, hi),
            }
        }
    };
    if from == to {
        return Err(usage(
            ctx,
            &Text::new(
                format!(
                    "--from và --to cùng là {from}: một tệp cần hai năm khác nhau (hoặc cho hai tệp)"
                ),
                format!(
                    "--from and --to are both {from}: one file needs two different years (or give two files)"
                ),
            ),
        ));
    }
    Ok((from, to))
}

/// What a thread gave back; a panic in it goes on in this one.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Two files: each side's year as given, or the file's only year (`read`: its years, if read).
fn year_of(
    ctx: &Ctx,
    path: &Path,
    given: Option<i32>,
    flag: &str,
    scope: Scope,
    read: Option<files::Years>,
) -> Result<i32, i32> {
    if let Some(y) = given {
        return Ok(y);
    }
    let ys = years_found(ctx, path, scope, read)?;
    match (ys.first(), ys.len()) {
        (Some(&y), 1) => Ok(y),
        _ => {
            let (p, l) = (path.display(), list(&ys));
            Err(usage(
                ctx,
                &Text::new(
                    format!("tệp {p} có các năm {l}: chọn một năm bằng {flag}"),
                    format!("{p} holds the years {l}: pick one with {flag}"),
                ),
            ))
        }
    }
}
