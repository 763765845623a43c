//! `ntm template`: an empty data-entry file for the chosen level and year.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ntm::criteria::CriteriaSet;
use ntm::criteria::select::Selection;
use ntm::exit;
use ntm::input::Layout;
use ntm::report::Format;
use ntm::report::template;

use super::Ctx;
use super::output::{self, Output};

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum TemplateFormat {
    Csv,
    Xlsx,
}

/// The exit codes of `template` (after its help): it scores nothing, so no 1 or 2.
pub(crate) const EXIT_CODES_EN: &str = "\
Exit codes:
  0   the template was written
  64  usage error, or the output file refused
  66  a --criteria folder does not exist or cannot be opened
  74  the output cannot be written (disk full…)
  78  bad criteria file
  130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP): interrupted, temporary file
      removed";

/// [`EXIT_CODES_EN`] in Vietnamese.
pub(crate) const EXIT_CODES_VI: &str = "\
Mã thoát:
  0   đã ghi mẫu nhập
  64  sai cú pháp lệnh, hoặc tệp kết quả bị từ chối
  66  không có thư mục --criteria, hoặc không mở được
  74  không ghi được kết quả (đĩa đầy…)
  78  tệp tiêu chí sai
  130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP): bị ngắt, tệp tạm đã xoá";

#[derive(Args)]
pub(crate) struct TemplateArgs {
    /// The level: xa-ntm, nang-cao, kieu-mau, all (every commune level), or huyen-ntm (a district file).
    #[arg(long, default_value = "all")]
    level: String,
    /// The year whose requirements the labels show (default: the last year of the criteria's validity).
    #[arg(long)]
    year: Option<i32>,
    /// csv (semicolon-separated, as Excel in Vietnamese exports) or xlsx; by default from -o's extension, else csv.
    #[arg(long, value_enum)]
    format: Option<TemplateFormat>,
    /// Write to this file instead of standard output (xlsx needs a file).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(ctx: &Ctx, args: TemplateArgs) -> i32 {
    if let Err(code) = output::refuse_pdf(ctx, args.output.as_deref(), "xlsx") {
        return code;
    }
    let catalog = match ctx.catalog() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let version = match catalog.select(ctx.criteria_version.as_deref(), args.year) {
        Ok(v) => v,
        Err(msg) => {
            ctx.error(&msg.vi, &msg.en);
            return exit::USAGE;
        }
    };
    // A district level's template is a district file; a commune level's holds its chain only.
    let district = version
        .set(&args.level)
        .is_some_and(|s| s.level == ntm::criteria::Level::District);
    let (sets, layout): (Vec<&CriteriaSet>, Layout) =
        match Selection::of(version, &args.level, district) {
            Ok(sel) if sel.district_level => (sel.districts, Layout::DISTRICT),
            Ok(sel) => (sel.communes, Layout::COMMUNE),
            Err(msg) => {
                ctx.error(&msg.vi, &msg.en);
                return exit::USAGE;
            }
        };
    let year = args
        .year
        .or_else(|| sets.iter().map(|s| s.valid_to).min())
        .unwrap_or_default();
    if let Some(s) = sets.iter().find(|s| !s.covers(year)) {
        ctx.error(
            &format!(
                "năm {year} ngoài thời hạn của bộ {} ({}–{})",
                s.id, s.valid_from, s.valid_to
            ),
            &format!(
                "year {year} is outside set {}'s validity ({}–{})",
                s.id, s.valid_from, s.valid_to
            ),
        );
        return exit::USAGE;
    }
    let format = match (
        args.format,
        args.output.as_deref().and_then(Format::from_path),
    ) {
        (Some(TemplateFormat::Xlsx), _) | (None, Some(Format::Xlsx)) => Format::Xlsx,
        _ => Format::Csv,
    };
    let cols = template::columns(version, &sets, layout, year, ctx.lang);
    // A workbook is dated (its properties say when it was made): by NTM_DATE when given.
    let date = match format {
        Format::Xlsx => match ctx.run_date() {
            Ok(d) => Some(d),
            Err(code) => return code,
        },
        _ => None,
    };
    let bytes = match format {
        Format::Xlsx => match template::xlsx(&cols, ctx.lang, date) {
            Ok(b) => b,
            Err(e) => {
                ctx.error(
                    &format!("không tạo được tệp Excel: {e}"),
                    &format!("cannot build the workbook: {e}"),
                );
                return exit::DATA;
            }
        },
        _ => template::csv(&cols).into_bytes(),
    };
    let mut output = match Output::open(ctx, args.output.as_deref(), args.force, &[], format) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let written = {
        let mut w = output.writer();
        w.write_all(&bytes).and_then(|_| w.flush())
    };
    let written = written.and_then(|_| output.commit());
    match written {
        Ok(()) => exit::OK,
        Err(e) => output::write_failed(ctx, &e),
    }
}
