//! `ntm diff OLD NEW` or `ntm diff DATA --from Y1 --to Y2`: compare the communes' results of two years
//! (or two files), each side scored with its own year's thresholds unless `--same-year`; with
//! `--districts OLD_D [NEW_D]`, the districts' results too (huyện NTM, H0.1/H0.2 from the communes).
//!
//! What the user typed becomes a [`Plan`] (criteria, sets, years, thresholds) before any scoring; the
//! commune files are read and scored by `ntm::pipeline::diff`, the comparison itself is
//! `ntm::eval::diff`, the rendering `ntm::report::diff`. The years of the files and the district
//! files are read by [`files`], the district step is [`district`].

mod files;

use std::path::{Path, PathBuf};

use clap::Args;
use ntm::criteria::catalog::Catalog;
use ntm::criteria::select::Selection;
use ntm::criteria::{CriteriaSet, Schema, Version};
use ntm::eval::Options;
use ntm::exit;
use ntm::i18n::Text;
use ntm::input::Layout;
use ntm::input::files::Expect;
use ntm::pipeline::diff::{self, Job, OldSide, Prepared, Scope};
use ntm::report::diff::{DiffReport, write};
use ntm::units::Units;

use super::output::{self, Output};
use super::{Ctx, FormatArg};
use files::{list, years_found};

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

fn plan<'v>(ctx: &Ctx, args: &DiffArgs, catalog: &'v Catalog) -> Result<Prepared<'v>, i32> {
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
                    let old = s.spawn(|| diff::years_in(&args.old, discovery));
                    let new = diff::years_in(new, discovery);
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
    Ok(Prepared {
        version: new_version,
        sets: levels.communes,
        districts: levels.districts,
        target: levels.target,
        old: OldSide {
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

fn execute(ctx: &Ctx, args: &DiffArgs, plan: &Prepared, loaded: &Units) -> i32 {
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
    let job = Job {
        old: &args.old,
        new: args.new.as_deref(),
        districts: &args.districts,
        map: args.map.as_deref(),
        units: loaded,
    };
    let outcome = diff::run(
        &job,
        plan,
        &mut |p| ctx.report(std::slice::from_ref(p)),
        |c| {
            let report = DiffReport {
                version: plan.version,
                sets: plan.sets.clone(),
                level: args.level.clone(),
                target: plan.target.clone(),
                before: c.before,
                after: c.after,
                same_year: plan.options.thresholds_of,
                map: c.map,
                skipped: c.skipped,
                districts: c.districts,
                date,
                index: Default::default(),
            };
            write(
                &report,
                &c.diff,
                &c.problems,
                format,
                &ctx.style,
                ntm::report::fitted_writer(format, &ctx.style, output.writer()),
            )
        },
    );
    match outcome.and_then(|o| output.commit().map(|_| o).map_err(Into::into)) {
        Ok(o) => o.exit_code(),
        Err(diff::Error::Io(e)) => output::write_failed(ctx, &e),
        Err(diff::Error::Unreadable) => exit::DATA,
        Err(diff::Error::NoRows { file, year, layout }) => {
            files::no_rows(ctx, plan.scope(layout), &file, year)
        }
    }
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
    read: Option<diff::Years>,
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
