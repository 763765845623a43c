//! `ntm diff OLD NEW` or `ntm diff DATA --from Y1 --to Y2`: compare the communes' results of two years
//! (or two files), each side scored with its own year's thresholds unless `--same-year`.
//!
//! What the user typed becomes a [`Plan`] (criteria, sets, years, thresholds) before any scoring; the
//! comparison itself is `ntm::eval::diff`, the rendering `ntm::report::diff`. A district comparison
//! (`--districts OLD_D NEW_D`) would add a second pair of files, the district layout and chain, and
//! feed the same comparison.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use clap::Args;
use ntm::criteria::catalog::Catalog;
use ntm::criteria::{CriteriaSet, Level, Version};
use ntm::diag::Problem;
use ntm::eval::diff::{CodeMap, Presence, Side, compare};
use ntm::eval::{Evaluator, NoDerived, Options};
use ntm::exit;
use ntm::i18n::Text;
use ntm::input::{Dataset, Layout, Row, read_file};
use ntm::report::diff::{DiffReport, SideInfo, write};

use super::{Ctx, FormatArg};

/// The exit codes of `diff`: it compares, it does not judge qualification (see `check`).
pub(crate) const EXIT_CODES: &str = "\
Mã thoát / exit codes:
  0   đã so sánh / the comparison ran
  64  sai cú pháp lệnh / usage error
  65  dữ liệu không đọc được (báo cáo vẫn in cho các dòng đọc được) / unreadable data (the report
      still covers the readable rows)
  78  tệp tiêu chí sai / bad criteria file";

#[derive(Args)]
pub(crate) struct DiffArgs {
    /// The older commune data (CSV); or the one file holding both years, with --from and --to.
    old: PathBuf,
    /// The newer commune data (CSV). Leave it out to compare two years of OLD.
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
    /// The levels compared: xa-ntm, nang-cao, kieu-mau, or all (every commune level).
    #[arg(long, default_value = "all")]
    level: String,
    /// Merged or renamed communes: a CSV with columns ma_xa_cu, ma_xa_moi (one line per old commune).
    #[arg(long, value_name = "MAP.csv")]
    map: Option<PathBuf>,
    /// For a year outside a set's validity, reuse the nearest year's thresholds (the report says so).
    #[arg(long)]
    nearest_year: bool,
    /// Output: table, json, csv (one row per commune and indicator that changed) or md.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
}

/// The comparison to run, settled from the command line and the files' years.
struct Plan<'v> {
    version: &'v Version,
    /// The sets compared, prerequisites first.
    sets: Vec<&'v CriteriaSet>,
    /// The set whose criteria met are compared.
    target: String,
    used: Vec<&'v str>,
    from: i32,
    to: i32,
    options: Options,
}

/// A data file read for the years compared, with the (code, year) of every row kept, readable or not.
struct Source {
    ds: Dataset,
    kept: Vec<(String, i32)>,
    /// Lines the evaluation refuses (a year outside the sets, `KAD` where not allowed).
    bad_lines: HashSet<usize>,
}

pub(crate) fn run(ctx: &Ctx, args: DiffArgs) -> i32 {
    let catalog = match ctx.catalog() {
        Ok(c) => c,
        Err(code) => return code,
    };
    match plan(ctx, &args, &catalog) {
        Ok(plan) => execute(ctx, &args, &plan),
        Err(code) => code,
    }
}

fn plan<'v>(ctx: &Ctx, args: &DiffArgs, catalog: &'v Catalog) -> Result<Plan<'v>, i32> {
    let hint = args
        .to
        .or(args.from)
        .or_else(|| ntm::input::table::first_year(args.new.as_deref().unwrap_or(&args.old)));
    let version = catalog
        .select(ctx.criteria_version.as_deref(), hint)
        .map_err(|msg| usage(ctx, &msg))?;
    let (sets, target) = level_sets(version, &args.level).map_err(|msg| usage(ctx, &msg))?;
    if let Some(y) = args.same_year
        && !args.nearest_year
        && let Some(s) = sets.iter().find(|s| !s.covers(y))
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
    let used = Version::columns_of(&sets);
    let (from, to) = match &args.new {
        None => years_of_one_file(ctx, args, version, &used)?,
        Some(new) => (
            year_of(ctx, &args.old, args.from, "--from", version, &used)?,
            year_of(ctx, new, args.to, "--to", version, &used)?,
        ),
    };
    Ok(Plan {
        version,
        sets,
        target,
        used,
        from,
        to,
        options: Options {
            nearest_year: args.nearest_year,
            thresholds_of: args.same_year,
        },
    })
}

fn execute(ctx: &Ctx, args: &DiffArgs, plan: &Plan) -> i32 {
    let mut problems = Vec::new();
    let sources: Vec<Source> = match &args.new {
        None => vec![load(&args.old, &[plan.from, plan.to], plan, &mut problems)],
        Some(new) => vec![
            load(&args.old, &[plan.from], plan, &mut problems),
            load(new, &[plan.to], plan, &mut problems),
        ],
    };
    let (old_src, new_src) = (&sources[0], &sources[sources.len() - 1]);
    for (src, year) in [(old_src, plan.from), (new_src, plan.to)] {
        if !src.kept.iter().any(|k| k.1 == year) {
            ctx.report(&problems);
            // An unreadable file (its errors are reported), or a readable one without that year.
            return if src.kept.is_empty() && src.ds.has_errors() {
                exit::DATA
            } else {
                no_rows(ctx, plan, &src.ds.file, year)
            };
        }
    }
    let ev_old = Evaluator::new(plan.version, plan.sets.clone(), &old_src.ds, plan.options);
    let ev_new = Evaluator::new(plan.version, plan.sets.clone(), &new_src.ds, plan.options);
    let score_old = |r: &Row| ev_old.evaluate(r, &NoDerived);
    let score_new = |r: &Row| ev_new.evaluate(r, &NoDerived);
    let old = Side {
        rows: rows_of(old_src, plan.from),
        score: &score_old,
    };
    let new = Side {
        rows: rows_of(new_src, plan.to),
        score: &score_new,
    };
    let mut skipped = skipped_codes(old_src, plan.from, &old.rows, Presence::Old);
    skipped.extend(skipped_codes(new_src, plan.to, &new.rows, Presence::New));
    let map = match &args.map {
        Some(path) => read_map(path, &mut problems),
        None => CodeMap::none(),
    };
    let skip: HashSet<&str> = skipped.iter().map(|(c, _)| c.as_str()).collect();
    let diff = compare(&plan.sets, &old, &new, &map, &skip);
    problems.extend(diff.problems.iter().cloned());
    ctx.report(&problems);
    let side = |src: &Source, year: i32, scored: Option<i32>| SideInfo {
        file: src.ds.file.clone(),
        year,
        threshold_year: scored.unwrap_or(plan.options.thresholds_of.unwrap_or(year)),
    };
    let report = DiffReport {
        version: plan.version,
        sets: plan.sets.clone(),
        level: args.level.clone(),
        target: plan.target.clone(),
        before: side(old_src, plan.from, diff.threshold_years.0),
        after: side(new_src, plan.to, diff.threshold_years.1),
        same_year: plan.options.thresholds_of,
        map: args.map.as_ref().map(|p| p.display().to_string()),
        skipped,
    };
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(
        &report,
        &diff,
        &problems,
        args.format.into(),
        &ctx.style,
        out,
    ) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return exit::OK,
        Err(e) => {
            ctx.error(
                &format!("không ghi được kết quả: {e}"),
                &format!("cannot write the report: {e}"),
            );
            return exit::DATA;
        }
    }
    if problems.iter().any(Problem::is_error) {
        exit::DATA
    } else {
        exit::OK
    }
}

fn usage(ctx: &Ctx, msg: &Text) -> i32 {
    ctx.error(&msg.vi, &msg.en);
    exit::USAGE
}

/// The sets compared (prerequisites first) and the one whose criteria met are compared.
fn level_sets<'v>(
    version: &'v Version,
    level: &str,
) -> Result<(Vec<&'v CriteriaSet>, String), Text> {
    let sets = if level == "all" {
        version.commune_chain()
    } else {
        match version.set(level) {
            Some(s) if s.level == Level::Commune => version.closure(&s.id),
            _ => {
                let chain = version.commune_chain();
                let ids: Vec<&str> = chain.iter().map(|s| s.id.as_str()).collect();
                let (v, ids) = (&version.id, ids.join(", "));
                return Err(Text::new(
                    format!("mức «{level}» không phải bộ tiêu chí cấp xã của {v} (có: {ids}, all)"),
                    format!("level «{level}» is not a commune set of {v} (there are: {ids}, all)"),
                ));
            }
        }
    };
    let target = if level == "all" {
        sets.first()
    } else {
        sets.last()
    };
    match target {
        Some(t) => Ok((sets.clone(), t.id.clone())),
        None => Err(Text::new(
            "phiên bản tiêu chí không có bộ cấp xã nào",
            "the criteria version has no commune set",
        )),
    }
}

/// The years of a file's rows (without judging any cell), and the errors that stop reading it.
fn years_in(path: &Path, version: &Version, used: &[&str]) -> (BTreeSet<i32>, Vec<Problem>) {
    let seen = RefCell::new(BTreeSet::new());
    let ds = read_file(path, version, Layout::COMMUNE, used, &|_, _, y| {
        seen.borrow_mut().insert(y);
        false
    });
    let errors = ds.problems.into_iter().filter(Problem::is_error).collect();
    (seen.into_inner(), errors)
}

/// The years a file holds, or the exit code after saying why there are none.
fn years_found(
    ctx: &Ctx,
    path: &Path,
    version: &Version,
    used: &[&str],
) -> Result<BTreeSet<i32>, i32> {
    let (ys, errors) = years_in(path, version, used);
    if ys.is_empty() {
        ctx.report(&errors);
        if errors.is_empty() {
            let p = path.display();
            ctx.error(
                &format!("{p}: không có dòng dữ liệu nào"),
                &format!("{p}: no data row"),
            );
        }
        return Err(exit::DATA);
    }
    Ok(ys)
}

fn list(years: &BTreeSet<i32>) -> String {
    let ys: Vec<String> = years.iter().map(i32::to_string).collect();
    ys.join(", ")
}

/// One file: the two years given, or the file's two years when it holds exactly two.
fn years_of_one_file(
    ctx: &Ctx,
    args: &DiffArgs,
    version: &Version,
    used: &[&str],
) -> Result<(i32, i32), i32> {
    let (from, to) = match (args.from, args.to) {
        (Some(f), Some(t)) => (f, t),
        (f, t) => {
            let ys = years_found(ctx, &args.old, version, used)?;
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

/// Two files: each side's year as given, or the file's only year.
fn year_of(
    ctx: &Ctx,
    path: &Path,
    given: Option<i32>,
    flag: &str,
    version: &Version,
    used: &[&str],
) -> Result<i32, i32> {
    if let Some(y) = given {
        return Ok(y);
    }
    let ys = years_found(ctx, path, version, used)?;
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

/// No row of `year` in a readable file: say which years it holds.
fn no_rows(ctx: &Ctx, plan: &Plan, file: &str, year: i32) -> i32 {
    match years_found(ctx, Path::new(file), plan.version, &plan.used) {
        Ok(ys) => usage(
            ctx,
            &Text::new(
                format!("{file}: không có dòng nào năm {year} (có: {})", list(&ys)),
                format!("{file}: no row of year {year} (there are: {})", list(&ys)),
            ),
        ),
        Err(code) => code,
    }
}

/// Read a file's rows of `years`, then the evaluation's own checks on them.
fn load(path: &Path, years: &[i32], plan: &Plan, problems: &mut Vec<Problem>) -> Source {
    let kept = RefCell::new(Vec::new());
    let ds = read_file(
        path,
        plan.version,
        Layout::COMMUNE,
        &plan.used,
        &|code, _, y| {
            let keep = years.contains(&y);
            if keep {
                kept.borrow_mut().push((code.to_string(), y));
            }
            keep
        },
    );
    let pre = Evaluator::new(plan.version, plan.sets.clone(), &ds, plan.options)
        .precheck(&ds, Layout::COMMUNE.year);
    let bad_lines = pre
        .iter()
        .filter(|p| p.is_error())
        .filter_map(|p| p.line)
        .collect();
    problems.extend(ds.problems.iter().cloned());
    problems.extend(pre);
    Source {
        ds,
        kept: kept.into_inner(),
        bad_lines,
    }
}

/// The rows of `year` the evaluation accepts.
fn rows_of(src: &Source, year: i32) -> Vec<&Row> {
    src.ds
        .rows
        .iter()
        .filter(|r| r.year == year && !src.bad_lines.contains(&r.line))
        .collect()
}

/// Codes of rows kept for `year` that give no result (unreadable or refused): left out of the
/// comparison rather than reported as present on one side only.
fn skipped_codes(
    src: &Source,
    year: i32,
    rows: &[&Row],
    side: Presence,
) -> Vec<(String, Presence)> {
    let scored: HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    src.kept
        .iter()
        .filter(|(code, y)| {
            *y == year && !code.is_empty() && !scored.contains(code.as_str()) && seen.insert(code)
        })
        .map(|(code, _)| (code.clone(), side))
        .collect()
}

fn read_map(path: &Path, problems: &mut Vec<Problem>) -> CodeMap {
    let shown = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => {
            let (map, mut p) = CodeMap::parse(&shown, &bytes);
            problems.append(&mut p);
            map
        }
        Err(e) => {
            problems.push(Problem::error(
                "io",
                &shown,
                Text::new(
                    format!("không đọc được tệp: {e}"),
                    format!("cannot read the file: {e}"),
                ),
            ));
            CodeMap::none()
        }
    }
}
