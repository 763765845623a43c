//! `ntm check DATA [--districts FILE]`: score communes against the commune sets, and districts
//! against the district set with their communes' results.

use std::path::PathBuf;

use clap::Args;
use ntm::input::files::Expect;
use ntm::input::table::ReadOptions;
use ntm::pipeline::check::{self, Input, Job};
use ntm::report::check::{CheckReport, CheckWriter, VersionSets};

use super::output::{self, Output};
use super::{Ctx, FormatArg};

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The commune data: CSV or Excel (.xlsx) files with ma_xa, ten_xa, huyen, nam and one column per indicator input
    /// (several files, e.g. one per district, are read as one).
    #[arg(required = true)]
    data: Vec<PathBuf>,
    /// The level to check: xa-ntm, nang-cao, kieu-mau, huyen-ntm (needs --districts), or all (every
    /// commune level, and the district level with --districts; exit codes then refer to xa-ntm and huyen-ntm).
    #[arg(long, default_value = "all")]
    level: String,
    /// The district data: a CSV or Excel file with ma_huyen, ten_huyen, nam and one column per district indicator input.
    #[arg(long, value_name = "FILE")]
    districts: Option<PathBuf>,
    /// The sheet to read in Excel workbooks (.xlsx); by default the first.
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// Keep only the rows of this year.
    #[arg(long)]
    year: Option<i32>,
    /// One commune (code or name): the appraisal-prep report. May be repeated.
    #[arg(long, value_name = "CODE_OR_NAME")]
    commune: Vec<String>,
    /// Show, for each indicator, the comparison, the dated threshold used, the source and the verified flag.
    #[arg(long)]
    explain: bool,
    /// For a year outside a set's validity, reuse the nearest year's thresholds (the report says so).
    #[arg(long)]
    nearest_year: bool,
    /// Output format; by default a table, or the output file's extension (.json, .csv, .md, .html, .xlsx).
    #[arg(long, value_enum)]
    format: Option<FormatArg>,
    /// Only the summaries (groups, averages, levels, criteria), no row per commune.
    #[arg(long)]
    summary: bool,
    /// Write the report to this file (written whole or not at all) instead of standard output. No
    /// PDF: write .html and print it from a browser.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(ctx: &Ctx, args: CheckArgs) -> i32 {
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
        units: Some(&units),
        catalog: &catalog,
        version: ctx.criteria_version.as_deref(),
        level: &args.level,
        input: Input::Files {
            data: &args.data,
            districts: args.districts.as_deref(),
        },
        read: ReadOptions {
            sheet: args.sheet.clone(),
            ..ctx.read.clone()
        },
        year: args.year,
        communes: &args.commune,
        nearest_year: args.nearest_year,
    };
    let prepared = match check::prepare(&job) {
        Ok(p) => p,
        Err(e) => return fail(ctx, &e),
    };
    let main = prepared.main_selection();
    let format = Output::format(args.format, args.output.as_deref());
    // A report to print and file is dated.
    let date = match format {
        ntm::report::Format::Html | ntm::report::Format::Xlsx => match ctx.run_date() {
            Ok(d) => Some(d),
            Err(code) => return code,
        },
        _ => None,
    };
    let report = CheckReport {
        version: prepared.main_version(),
        sets: main.communes.clone(),
        level: args.level.clone(),
        target: main.target.id.clone(),
        file: args
            .data
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        files: args.data.iter().map(|d| d.display().to_string()).collect(),
        date,
        picked: !args.commune.is_empty(),
        explain: args.explain,
        detail: (!args.commune.is_empty() || args.explain) && !args.summary,
        summary_only: args.summary,
        district_sets: main.districts.clone(),
        versions: prepared
            .versions
            .iter()
            .zip(&prepared.selections)
            .filter_map(|(v, sel)| {
                sel.as_ref().map(|s| VersionSets {
                    version: v,
                    sets: s.communes.clone(),
                    district_sets: s.districts.clone(),
                    target: s.target.id.clone(),
                })
            })
            .collect(),
    };
    let mut protected: Vec<&std::path::Path> = args.data.iter().map(PathBuf::as_path).collect();
    protected.extend(args.districts.as_deref());
    let mut output = match Output::open(ctx, args.output.as_deref(), args.force, &protected, format)
    {
        Ok(o) => o,
        Err(code) => return code,
    };
    // A missing input stops the run before the report is begun (the output file, not yet in
    // place, is dropped).
    let inputs: Vec<(&std::path::Path, Expect)> =
        protected.iter().map(|p| (*p, Expect::File)).collect();
    if let Err(code) = ctx.inputs(&inputs) {
        return code;
    }
    // The report is written by a thread of its own while the run goes on.
    let outcome = output.run_behind(
        |e| matches!(e, check::Error::Io(_)),
        |out| {
            let out = ntm::report::fitted_writer(format, &ctx.style, Box::new(out));
            let mut sink = CheckWriter::new(&report, format, ctx.style, out)?;
            check::run(&job, &prepared, &mut sink, &mut |p| {
                ctx.report(std::slice::from_ref(p))
            })
        },
    );
    // A closed pipe is not an error (the writer goes quiet): the exit code stays the verdict's.
    let outcome = match outcome.and_then(|o| output.commit().map(|_| o).map_err(Into::into)) {
        Ok(o) => o,
        Err(e) => return fail(ctx, &e),
    };
    if let Some(why) = outcome.nothing_scored() {
        ctx.error(&why.vi, &why.en);
    }
    outcome.exit_code()
}

/// Say why the run could not go on, and its exit code.
fn fail(ctx: &Ctx, e: &check::Error) -> i32 {
    match e {
        check::Error::Usage(msg) => {
            ctx.error(&msg.vi, &msg.en);
            e.exit_code()
        }
        check::Error::Io(e) => output::write_failed(ctx, e),
    }
}
