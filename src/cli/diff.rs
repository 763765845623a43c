//! `ntm diff OLD NEW` or `ntm diff DATA --from Y1 --to Y2`: compare the communes' results of two years
//! (or two files), each side scored with its own year's thresholds unless `--same-year`; with
//! `--districts OLD_D [NEW_D]`, the districts' results too (huyện NTM, H0.1/H0.2 from the communes).
//!
//! This file only turns the arguments into a `ntm::pipeline::diff::Job`: `pipeline::diff::prepare`
//! settles it (criteria, sets, years, thresholds) before any scoring, `pipeline::diff::run` reads,
//! scores and compares both sides (and the districts), and the comparison is rendered here by
//! `ntm::report::diff`.

use std::path::{Path, PathBuf};

use clap::Args;
use ntm::input::files::Expect;
use ntm::pipeline::diff::{self, Job};
use ntm::report::diff::{DiffReport, write, write_summary};

use super::output::{self, Output};
use super::{Ctx, FormatArg};

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
    /// Only the summary (table, md or json): communes that gained, lost, kept a level, unknown, new,
    /// gone; levels, groups, criteria; how often each indicator turned; no row per commune or per
    /// indicator.
    #[arg(long)]
    summary: bool,
    /// Write the comparison to this file (written whole or not at all) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
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
    let job = Job {
        catalog: &catalog,
        version: ctx.criteria_version.as_deref(),
        level: &args.level,
        from: args.from,
        to: args.to,
        same_year: args.same_year,
        nearest_year: args.nearest_year,
        read: ctx.read.clone(),
        old: &args.old,
        new: args.new.as_deref(),
        districts: &args.districts,
        map: args.map.as_deref(),
        units: &units,
    };
    // What the command line asks (the format, the date, the output file, the inputs) is checked
    // before any file is read: the same refusal comes first, whatever the files hold.
    let format = Output::format(args.format, args.output.as_deref());
    if args.summary && !ntm::report::diff::has_summary(format) {
        ctx.error(
            "--summary chỉ có ở dạng table, md hoặc json: bảng tổng hợp không có dạng csv, html hay xlsx riêng",
            "--summary is only table, md or json: the summary has no csv, html or xlsx form of its own",
        );
        return ntm::exit::USAGE;
    }
    // A report to print and file is dated.
    let date = match format {
        ntm::report::Format::Html | ntm::report::Format::Xlsx => match ctx.run_date() {
            Ok(d) => Some(d),
            Err(code) => return code,
        },
        _ => None,
    };
    let mut inputs: Vec<&Path> = vec![args.old.as_path()];
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
                units.conversion_named(n).is_some() || !n.contains(['/', '\\', '.'])
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
    // Then the files: their years, each side's version and sets.
    let prepared = match diff::prepare(&job) {
        Ok(p) => p,
        Err(e) => return fail(ctx, e),
    };
    // The report is written by a thread of its own while the comparison goes on.
    let outcome = output.run_behind(
        |e| matches!(e, diff::Error::Io(_)),
        |behind| {
            diff::run(
                &job,
                &prepared,
                &mut |p| ctx.report(std::slice::from_ref(p)),
                |c| {
                    let report = DiffReport {
                        version: prepared.version,
                        sets: prepared.sets.clone(),
                        level: args.level.clone(),
                        target: prepared.target.clone(),
                        before: c.before,
                        after: c.after,
                        same_year: prepared.options.thresholds_of,
                        map: c.map,
                        skipped: c.skipped,
                        districts: c.districts,
                        date,
                        index: Default::default(),
                    };
                    let out = ntm::report::fitted_writer(format, &ctx.style, Box::new(behind));
                    if args.summary {
                        let done =
                            write_summary(&report, &c.diff, &c.problems, format, &ctx.style, out);
                        // The format was checked above (has_summary): never an empty report said done.
                        return done.unwrap_or_else(|| {
                            Err(std::io::Error::other(format!("{format:?} has no summary")))
                        });
                    }
                    write(&report, &c.diff, &c.problems, format, &ctx.style, out)
                },
            )
        },
    );
    // A closed pipe is not an error (the writer goes quiet): the exit code stays the outcome's.
    match outcome.and_then(|o| output.commit().map(|_| o).map_err(Into::into)) {
        Ok(o) => o.exit_code(),
        Err(e) => fail(ctx, e),
    }
}

/// Say why the comparison could not go on, and its exit code.
fn fail(ctx: &Ctx, e: diff::Error) -> i32 {
    match &e {
        diff::Error::Usage(why) | diff::Error::NoInput(why) => ctx.error(&why.vi, &why.en),
        diff::Error::Data { problems, why } => {
            ctx.report(problems);
            if let Some(why) = why {
                ctx.error(&why.vi, &why.en);
            }
        }
        diff::Error::Io(io) => return output::write_failed(ctx, io),
    }
    e.exit_code()
}
