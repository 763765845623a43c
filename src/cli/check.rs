//! `ntm check DATA`: score communes against the commune sets.

use std::path::PathBuf;

use clap::Args;
use ntm::criteria::{CriteriaSet, Level};
use ntm::eval::{Evaluator, NoDerived, Options};
use ntm::exit;
use ntm::input::cell::fold;
use ntm::input::{Layout, read_file};
use ntm::report::check::{CheckReport, CheckWriter, Tally};

use super::{Ctx, FormatArg};

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The commune data: a CSV with ma_xa, ten_xa, huyen, nam and one column per indicator input.
    data: PathBuf,
    /// The level to check: xa-ntm, nang-cao, kieu-mau, or all (every commune level; exit codes then refer to the first, xa-ntm).
    #[arg(long, default_value = "all")]
    level: String,
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
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
}

pub(crate) fn run(ctx: &Ctx, args: CheckArgs) -> i32 {
    let catalog = match ctx.catalog() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let year_hint = args
        .year
        .or_else(|| ntm::input::table::first_year(&args.data));
    let version = match catalog.select(ctx.criteria_version.as_deref(), year_hint) {
        Ok(v) => v,
        Err(msg) => {
            ctx.error(&msg.vi, &msg.en);
            return exit::USAGE;
        }
    };
    let sets: Vec<&CriteriaSet> = if args.level == "all" {
        version.commune_chain()
    } else {
        match version.set(&args.level) {
            Some(s) if s.level == Level::Commune => version.closure(&s.id),
            _ => {
                let ids: Vec<&str> = version
                    .commune_chain()
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect();
                ctx.error(
                    &format!(
                        "mức «{}» không phải bộ tiêu chí cấp xã của {} (có: {}, all)",
                        args.level,
                        version.id,
                        ids.join(", ")
                    ),
                    &format!(
                        "level «{}» is not a commune set of {} (there are: {}, all)",
                        args.level,
                        version.id,
                        ids.join(", ")
                    ),
                );
                return exit::USAGE;
            }
        }
    };
    let Some(target) = (if args.level == "all" {
        sets.first()
    } else {
        sets.last()
    })
    .map(|s| s.id.clone()) else {
        ctx.error(
            "phiên bản tiêu chí không có bộ cấp xã nào",
            "the criteria version has no commune set",
        );
        return exit::USAGE;
    };
    let used: Vec<&str> = {
        let mut cols: Vec<&str> = Vec::new();
        for s in &sets {
            for c in s.columns() {
                if let Some(col) = c.input.column()
                    && !cols.contains(&col)
                {
                    cols.push(col);
                }
            }
        }
        cols
    };
    let wanted: Vec<String> = args.commune.iter().map(|c| fold(c)).collect();
    let keep = |code: &str, name: &str, year: i32| {
        args.year.is_none_or(|y| y == year)
            && (wanted.is_empty() || wanted.iter().any(|w| *w == fold(code) || *w == fold(name)))
    };
    let ds = read_file(&args.data, version, Layout::COMMUNE, &used, &keep);
    let options = Options {
        nearest_year: args.nearest_year,
        thresholds_of: None,
    };
    let evaluator = Evaluator::new(version, sets.clone(), &ds, options);
    let mut problems = ds.problems.clone();
    let pre = evaluator.precheck(&ds, Layout::COMMUNE.year);
    let bad_lines: Vec<usize> = pre
        .iter()
        .filter(|p| p.is_error())
        .filter_map(|p| p.line)
        .collect();
    problems.extend(pre);
    ctx.report(&problems);
    let has_errors = problems.iter().any(|p| p.is_error());

    if ds.rows.is_empty() {
        if !has_errors {
            ctx.error(
                &if args.commune.is_empty() {
                    "không có dòng dữ liệu nào để đánh giá".to_string()
                } else {
                    format!("không tìm thấy xã nào khớp với {}", args.commune.join(", "))
                },
                &if args.commune.is_empty() {
                    "no data row to evaluate".to_string()
                } else {
                    format!("no commune matches {}", args.commune.join(", "))
                },
            );
            return if args.commune.is_empty() && args.year.is_none() {
                exit::DATA
            } else {
                exit::USAGE
            };
        }
        return exit::DATA;
    }
    let report = CheckReport {
        version,
        sets: sets.clone(),
        level: args.level.clone(),
        target,
        file: ds.file.clone(),
        explain: args.explain,
        detail: !args.commune.is_empty() || args.explain,
    };
    let rows = ds.rows.iter().filter(|r| !bad_lines.contains(&r.line));
    let tally = match write_report(
        &report,
        args.format.into(),
        ctx,
        rows.map(|r| evaluator.evaluate(r, &NoDerived)),
        &problems,
    ) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return exit::OK,
        Err(e) => {
            ctx.error(
                &format!("không ghi được kết quả: {e}"),
                &format!("cannot write the report: {e}"),
            );
            return exit::DATA;
        }
    };
    if has_errors {
        exit::DATA
    } else if tally.not_qualified > 0 {
        exit::NOT_QUALIFIED
    } else if tally.unknown > 0 {
        exit::UNKNOWN
    } else {
        exit::OK
    }
}

/// Stream the results to standard output.
fn write_report(
    report: &CheckReport,
    format: ntm::report::Format,
    ctx: &Ctx,
    results: impl Iterator<Item = ntm::eval::UnitResult>,
    problems: &[ntm::diag::Problem],
) -> std::io::Result<Tally> {
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut w = CheckWriter::new(report, format, ctx.style, out)?;
    for r in results {
        w.unit(&r)?;
    }
    w.finish(problems)
}
