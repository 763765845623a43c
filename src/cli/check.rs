//! `ntm check DATA [--districts FILE]`: score communes against the commune sets, and districts
//! against the district set with their communes' results.

use std::collections::HashMap;
use std::path::PathBuf;

use clap::Args;
use ntm::criteria::{CriteriaSet, Level, Version};
use ntm::diag::Problem;
use ntm::eval::district::{CommuneIndex, district_key, evaluate_district, unknown_district};
use ntm::eval::{Evaluator, NoDerived, Options};
use ntm::exit;
use ntm::i18n::Text;
use ntm::input::cell::fold;
use ntm::input::table::Reader;
use ntm::input::{Layout, Row, read_file};
use ntm::report::check::{CheckReport, CheckWriter, Tally};

use super::output::{self, Output};
use super::{Ctx, FormatArg};

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The commune data: CSV files with ma_xa, ten_xa, huyen, nam and one column per indicator input
    /// (several files, e.g. one per district, are read as one).
    #[arg(required = true)]
    data: Vec<PathBuf>,
    /// The level to check: xa-ntm, nang-cao, kieu-mau, huyen-ntm (needs --districts), or all (every
    /// commune level, and the district level with --districts; exit codes then refer to xa-ntm and huyen-ntm).
    #[arg(long, default_value = "all")]
    level: String,
    /// The district data: a CSV with ma_huyen, ten_huyen, nam and one column per district indicator input.
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
    /// Write the report to this file (written whole or not at all) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

/// What the level asked means: which sets to evaluate on communes and on districts, and which
/// commune set answers "qualified".
struct Plan<'v> {
    communes: Vec<&'v CriteriaSet>,
    districts: Vec<&'v CriteriaSet>,
    target: String,
}

fn plan<'v>(
    ctx: &Ctx,
    version: &'v Version,
    level: &str,
    with_districts: bool,
) -> Result<Plan<'v>, i32> {
    let chain = version.commune_chain();
    let district_sets: Vec<&CriteriaSet> = version
        .sets
        .iter()
        .filter(|s| s.level == Level::District)
        .collect();
    let (wanted, districts): (Vec<&str>, Vec<&CriteriaSet>) = match version.set(level) {
        _ if level == "all" => (
            chain.iter().map(|s| s.id.as_str()).collect(),
            if with_districts {
                district_sets
            } else {
                Vec::new()
            },
        ),
        Some(s) if s.level == Level::Commune => (
            vec![s.id.as_str()],
            if with_districts {
                district_sets
            } else {
                Vec::new()
            },
        ),
        Some(s) if with_districts => (Vec::new(), vec![s]),
        Some(s) => {
            ctx.error(
                &format!("mức «{}» là bộ cấp huyện: cần --districts TỆP_HUYỆN", s.id),
                &format!(
                    "level «{}» is a district set: it needs --districts DISTRICT_FILE",
                    s.id
                ),
            );
            return Err(exit::USAGE);
        }
        None => {
            let ids: Vec<&str> = version.sets.iter().map(|s| s.id.as_str()).collect();
            ctx.error(
                &format!(
                    "mức «{level}» không có trong {} (có: {}, all)",
                    version.id,
                    ids.join(", ")
                ),
                &format!(
                    "level «{level}» is not in {} (there are: {}, all)",
                    version.id,
                    ids.join(", ")
                ),
            );
            return Err(exit::USAGE);
        }
    };
    // Commune sets: those asked, their prerequisites, and what the district sets require, in chain order.
    let mut needed: Vec<&str> = Vec::new();
    for id in wanted.iter().copied().chain(
        districts
            .iter()
            .flat_map(|d| d.requires.iter().map(String::as_str)),
    ) {
        for s in version.closure(id) {
            if !needed.contains(&s.id.as_str()) {
                needed.push(&s.id);
            }
        }
    }
    let communes: Vec<&CriteriaSet> = chain
        .into_iter()
        .filter(|s| needed.contains(&s.id.as_str()))
        .collect();
    let target = match level {
        "all" => communes.first().map(|s| s.id.clone()),
        l if wanted.contains(&l) => Some(l.to_string()),
        _ => communes.first().map(|s| s.id.clone()),
    };
    let Some(target) = target else {
        ctx.error(
            "phiên bản tiêu chí không có bộ cấp xã nào",
            "the criteria version has no commune set",
        );
        return Err(exit::USAGE);
    };
    Ok(Plan {
        communes,
        districts,
        target,
    })
}

pub(crate) fn run(ctx: &Ctx, args: CheckArgs) -> i32 {
    let catalog = match ctx.catalog() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let year_hint = args.year.or_else(|| {
        args.data
            .first()
            .and_then(|d| ntm::input::table::first_year(d))
    });
    let version = match catalog.select(ctx.criteria_version.as_deref(), year_hint) {
        Ok(v) => v,
        Err(msg) => {
            ctx.error(&msg.vi, &msg.en);
            return exit::USAGE;
        }
    };
    let plan = match plan(ctx, version, &args.level, args.districts.is_some()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let wanted: Vec<String> = args.commune.iter().map(|c| fold(c)).collect();
    let keep = |code: &str, name: &str, year: i32| {
        args.year.is_none_or(|y| y == year)
            && (wanted.is_empty() || wanted.iter().any(|w| *w == fold(code) || *w == fold(name)))
    };
    let options = Options {
        nearest_year: args.nearest_year,
        thresholds_of: None,
    };
    // The district file is small: read it whole, first.
    let district_year = |_: &str, _: &str, year: i32| args.year.is_none_or(|y| y == year);
    let dds = args.districts.as_ref().map(|p| {
        read_file(
            p,
            version,
            Layout::DISTRICT,
            &Version::columns_of(&plan.districts),
            &district_year,
        )
    });
    let devaluator = dds
        .as_ref()
        .map(|d| Evaluator::new(version, plan.districts.clone(), d, options));
    let mut diag = Diagnostics::new(ctx);
    let mut bad_district_lines = Vec::new();
    if let (Some(d), Some(ev)) = (&dds, &devaluator) {
        diag.add(d.problems.iter().cloned());
        let pre = ev.precheck(d, Layout::DISTRICT.year);
        bad_district_lines = pre
            .iter()
            .filter(|p| p.is_error())
            .filter_map(|p| p.line)
            .collect();
        diag.add(pre);
    }
    let district_keys: Option<Vec<(String, i32)>> = dds.as_ref().map(|d| {
        d.rows
            .iter()
            .flat_map(|r| {
                [
                    (district_key(&r.code), r.year),
                    (district_key(&r.name), r.year),
                ]
            })
            .collect()
    });
    let report = CheckReport {
        version,
        sets: plan.communes.clone(),
        level: args.level.clone(),
        target: plan.target.clone(),
        file: args
            .data
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        explain: args.explain,
        detail: (!args.commune.is_empty() || args.explain) && !args.summary,
        summary_only: args.summary,
        district_sets: plan.districts.clone(),
    };
    let format = Output::format(args.format, args.output.as_deref());
    let mut inputs: Vec<&std::path::Path> = args.data.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.districts.as_deref());
    let mut output = match Output::open(ctx, args.output.as_deref(), args.force, &inputs, format) {
        Ok(o) => o,
        Err(code) => return code,
    };
    // With only a district set asked, the communes are context: they do not decide the exit code.
    let districts_only = version
        .set(&args.level)
        .is_some_and(|s| s.level == Level::District);
    let used = Version::columns_of(&plan.communes);
    let mut evaluated = 0usize;
    let written = (|| -> std::io::Result<Tally> {
        let out = output.writer();
        let mut w = CheckWriter::new(&report, format, ctx.style, out)?;
        let mut index = CommuneIndex::default();
        let mut seen: HashMap<(String, i32), (String, usize)> = HashMap::new();
        for path in &args.data {
            let mut reader = Reader::open_sheet(
                path,
                args.sheet.as_deref(),
                version,
                Layout::COMMUNE,
                &used,
                &keep,
            );
            let head = reader.head.clone();
            diag.add(std::mem::take(&mut reader.head.problems));
            let ev = Evaluator::new(version, plan.communes.clone(), &head, options);
            for read in reader {
                diag.add(read.problems);
                // A commune that could not be read still belongs to its district, as unknown.
                if let Some(bad) = &read.rejected
                    && dds.is_some()
                {
                    index.add_unknown(bad);
                }
                let Some(row) = read.row else { continue };
                let pre = ev.precheck_row(&head.file, &row, Layout::COMMUNE.year);
                let bad = pre.iter().any(|p| p.is_error());
                diag.add(pre);
                // Within one file the reader finds duplicates; across files, this map does.
                if args.data.len() > 1
                    && let Some(p) = duplicate_across(&mut seen, &head.file, &row)
                {
                    diag.add([p]);
                    continue;
                }
                if let Some(keys) = &district_keys
                    && !keys.contains(&(district_key(&row.parent), row.year))
                {
                    diag.add([unmatched(
                        &head.file,
                        dds.as_ref().map_or("", |d| d.file.as_str()),
                        &row,
                    )]);
                }
                if bad {
                    if dds.is_some() {
                        index.add_unknown(&row);
                    }
                    continue;
                }
                let r = ev.evaluate(&row, &NoDerived);
                if dds.is_some() {
                    index.add(&r);
                }
                w.unit(&r)?;
                evaluated += 1;
            }
        }
        let commune_tally = w.tally();
        if let (Some(d), Some(ev), Some(set)) = (&dds, &devaluator, plan.districts.last()) {
            let base = plan.communes.first().map_or("", |s| s.id.as_str());
            for row in d
                .rows
                .iter()
                .filter(|r| !bad_district_lines.contains(&r.line))
            {
                w.district(evaluate_district(ev, row, &index, base, set))?;
            }
        }
        let total = w.finish(&diag.all)?;
        Ok(if districts_only {
            total.minus(commune_tally)
        } else {
            total
        })
    })();
    let tally = match written.and_then(|t| output.commit().map(|_| t)) {
        Ok(t) => t,
        Err(e) => return output::write_failed(ctx, &e),
    };
    if diag.errors > 0 {
        return exit::DATA;
    }
    if evaluated == 0 {
        if !args.commune.is_empty() {
            ctx.error(
                &format!("không tìm thấy xã nào khớp với {}", args.commune.join(", ")),
                &format!("no commune matches {}", args.commune.join(", ")),
            );
            return exit::USAGE;
        }
        ctx.error(
            "không có dòng dữ liệu nào để đánh giá",
            "no data row to evaluate",
        );
        return if args.year.is_none() {
            exit::DATA
        } else {
            exit::USAGE
        };
    }
    if tally.not_qualified > 0 {
        exit::NOT_QUALIFIED
    } else if tally.unknown > 0 {
        exit::UNKNOWN
    } else {
        exit::OK
    }
}

/// Problems are written to standard error as they are found, and kept for the JSON report.
struct Diagnostics<'c> {
    ctx: &'c Ctx,
    all: Vec<Problem>,
    errors: usize,
}

impl<'c> Diagnostics<'c> {
    fn new(ctx: &'c Ctx) -> Self {
        Diagnostics {
            ctx,
            all: Vec::new(),
            errors: 0,
        }
    }

    fn add(&mut self, problems: impl IntoIterator<Item = Problem>) {
        for p in problems {
            self.ctx.report(std::slice::from_ref(&p));
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
            .field("ma_xa")
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
