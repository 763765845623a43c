//! `ntm test CASES.toml…`: run test cases written by domain experts (docs/cases-format.md).

use std::path::{Path, PathBuf};

use clap::Args;
use ntm::cases::{self, render};
use ntm::diag::Problem;
use ntm::exit;
use ntm::i18n::Text;
use ntm::input::files::Expect;

use super::{Ctx, emit};

/// Exit codes of `ntm test`.
pub(crate) const EXIT_CODES_EN: &str = "\
Exit codes:
  0   every case passes
  1   at least one case fails
  64  usage error
  65  unreadable case file
  66  a case file or folder does not exist or cannot be opened (nothing is
      printed)
  74  the output cannot be written (disk full…)
  78  bad criteria file
  130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP): interrupted
A closed pipe (| head) stops the output; the exit code still follows the
result.";

/// [`EXIT_CODES_EN`] in Vietnamese.
pub(crate) const EXIT_CODES_VI: &str = "\
Mã thoát:
  0   mọi ca kiểm thử đều đạt
  1   ít nhất một ca không đạt
  64  sai cú pháp lệnh
  65  tệp ca kiểm thử không đọc được
  66  không có tệp hay thư mục ca kiểm thử, hoặc không mở được (không in gì ra)
  74  không ghi được kết quả (đĩa đầy…)
  78  tệp tiêu chí sai
  130 (Ctrl-C), 143 (SIGTERM), 129 (SIGHUP): bị ngắt
Đóng ống (| head) thì dừng ghi, mã thoát vẫn theo kết quả.";

#[derive(Args)]
pub(crate) struct TestArgs {
    /// Case files (TOML), or folders whose .toml files are all read.
    #[arg(required = true, value_name = "CASES")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(ctx: &Ctx, args: TestArgs) -> i32 {
    let catalog = match ctx.catalog() {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(id) = &ctx.criteria_version
        && let Err(msg) = catalog.select(Some(id), None)
    {
        ctx.error(&msg.vi, &msg.en);
        return exit::USAGE;
    }
    // A case file or folder that is not there: said, and nothing run.
    let named: Vec<(&Path, Expect)> = args
        .files
        .iter()
        .map(|p| (p.as_path(), Expect::FileOrFolder))
        .collect();
    if let Err(code) = ctx.inputs(&named) {
        return code;
    }
    // Problems go to standard error as they are found; any error means exit 65.
    let mut errors = 0usize;
    let mut report = |problems: &[Problem]| {
        ctx.report(problems);
        errors += problems.iter().filter(|p| p.is_error()).count();
    };
    let mut problems = Vec::new();
    let files = expand(&args.files, &mut problems);
    report(&problems);
    let (mut passed, mut failed) = (0usize, 0usize);
    for path in files {
        let shown = path.display().to_string();
        let src = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(_) => {
                    report(&[Problem::error(
                        "encoding",
                        &shown,
                        Text::new(
                            "tệp không phải UTF-8: hãy lưu lại dạng UTF-8",
                            "the file is not UTF-8: save it as UTF-8",
                        ),
                    )]);
                    continue;
                }
            },
            Err(e) => {
                report(&[Problem::error(
                    "io",
                    &shown,
                    Text::new(
                        format!("không đọc được tệp: {e}"),
                        format!("cannot read the file: {e}"),
                    ),
                )]);
                continue;
            }
        };
        let loaded = cases::load(&shown, &src, &catalog, ctx.criteria_version.as_deref());
        report(&loaded.problems);
        if loaded.cases.is_empty() {
            continue;
        }
        let mut out = format!("{shown}\n");
        for case in &loaded.cases {
            let Some(version) = catalog.version(&case.version) else {
                continue;
            };
            let o = cases::run(case, &catalog);
            if o.passed() {
                passed += 1;
            } else {
                failed += 1;
            }
            out.push_str(&render::outcome(&o, version, ctx.lang));
        }
        if let Err(code) = emit(ctx, &out) {
            return code;
        }
    }
    let mut tail = String::new();
    if failed > 0 {
        tail.push_str(&render::legend(ctx.lang));
    }
    tail.push_str(&render::summary(passed, failed, ctx.lang));
    if let Err(code) = emit(ctx, &tail) {
        return code;
    }
    if errors > 0 {
        exit::DATA
    } else if failed > 0 {
        exit::NOT_QUALIFIED
    } else {
        exit::OK
    }
}

/// The files named, with each folder replaced by its `.toml` files in name order.
fn expand(paths: &[PathBuf], problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(p)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| is_toml(f))
                    .collect()
            })
            .unwrap_or_default();
        if files.is_empty() {
            problems.push(Problem::error(
                "no-files",
                p.display().to_string(),
                Text::new(
                    "thư mục không có tệp ca kiểm thử .toml nào",
                    "the folder holds no .toml case file",
                ),
            ));
        }
        files.sort();
        out.extend(files);
    }
    out
}

fn is_toml(p: &Path) -> bool {
    p.is_file() && p.extension().is_some_and(|e| e == "toml")
}
