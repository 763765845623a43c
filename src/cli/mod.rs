//! Command-line parsing (clap) and the glue between the library and the terminal.

mod check;
mod criteria;
mod diff;
mod help;
mod output;
mod template;
mod test;

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use ntm::criteria::catalog::Catalog;
use ntm::diag::Problem;
use ntm::exit;
use ntm::i18n::Lang;
use ntm::input::files::{Expect, check_input};
use ntm::input::number::Mark;
use ntm::input::table::ReadOptions;
use ntm::report::{Format, Style};

#[derive(Parser)]
#[command(
    name = "ntm",
    version,
    about = "Score Vietnamese communes and districts against the New Rural Development (NTM) criteria.",
    after_help = exit::TABLE_EN
)]
struct Cli {
    /// Language of help, labels and messages: vi (Tiếng Việt) or en (English); by default the
    /// environment variable NTM_LANG's, else vi.
    #[arg(long, global = true, value_enum, default_value_t = LangArg::Vi)]
    lang: LangArg,
    /// Load criteria from this folder (a version folder, or a folder of version folders) instead of the bundled ones.
    #[arg(long, global = true, value_name = "DIR")]
    criteria: Option<PathBuf>,
    /// Use this criteria version (e.g. lang-son-2024); by default the one covering the data's year.
    #[arg(long, global = true, value_name = "ID")]
    criteria_version: Option<String>,
    /// Load the official administrative unit lists from this folder (one province's .toml files, as in
    /// units/lang-son/) instead of the bundled ones (docs/units.md).
    #[arg(long, global = true, value_name = "DIR")]
    units: Option<PathBuf>,
    /// The decimal mark of the data files' numbers: comma (85,5) or point (85.5). By default each file
    /// settles it by the first number that shows it; a number that reads two ways (42.000) is refused
    /// until then.
    #[arg(long, global = true, value_enum)]
    decimal: Option<DecimalArg>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum DecimalArg {
    Comma,
    Point,
}

#[derive(Clone, Copy, ValueEnum)]
enum LangArg {
    Vi,
    En,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum FormatArg {
    Table,
    Json,
    Csv,
    Md,
    Html,
    Xlsx,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Md => Format::Md,
            FormatArg::Html => Format::Html,
            FormatArg::Xlsx => Format::Xlsx,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// List, show and check criteria sets.
    #[command(subcommand, after_help = exit::TABLE_EN)]
    Criteria(criteria::CriteriaCmd),
    /// An empty data-entry file (CSV or Excel) with the columns the chosen level reads.
    #[command(after_help = template::EXIT_CODES_EN)]
    Template(template::TemplateArgs),
    /// Score communes, and with --districts their districts, from data files (CSV or Excel) against
    /// the criteria.
    #[command(after_help = exit::TABLE_EN)]
    Check(check::CheckArgs),
    /// Compare two years (or two files) of commune results: the levels gained or lost, and the
    /// criteria and indicators whose status changed.
    #[command(after_help = diff::EXIT_CODES_EN)]
    Diff(diff::DiffArgs),
    /// Run test cases written by domain experts: inputs of one commune or district, and the outcome expected.
    #[command(after_help = test::EXIT_CODES_EN)]
    Test(test::TestArgs),
}

/// What every command needs: language, output style, and where criteria come from.
pub(crate) struct Ctx {
    pub lang: Lang,
    pub style: Style,
    pub criteria: Option<PathBuf>,
    pub criteria_version: Option<String>,
    /// `--units DIR`: the official unit lists, instead of the bundled ones.
    pub units: Option<PathBuf>,
    /// How data files are read (the decimal mark when given).
    pub read: ReadOptions,
    /// Files read besides those named on the command line (the criteria files of `--criteria`):
    /// `-o` never writes over them.
    pub read_files: RefCell<Vec<PathBuf>>,
}

impl Ctx {
    /// The criteria catalog, or the problems that prevent loading it (exit 78).
    pub fn catalog(&self) -> Result<Catalog, i32> {
        if let Some(dir) = &self.criteria {
            self.inputs(&[(dir, Expect::Folder)])?;
        }
        let loaded = match &self.criteria {
            Some(dir) => Catalog::from_dir(dir),
            None => Catalog::bundled(),
        };
        if let Ok(c) = &loaded {
            self.read_files.borrow_mut().extend(c.files.iter().cloned());
        }
        loaded.map_err(|problems| {
            self.report(&problems);
            exit::CRITERIA
        })
    }

    /// Every input named on the command line can be opened as expected; otherwise each one that
    /// cannot is named, and the run stops (exit 66) before anything is written.
    pub fn inputs(&self, paths: &[(&Path, Expect)]) -> Result<(), i32> {
        let mut ok = true;
        for (path, expect) in paths {
            if let Err(no) = check_input(path, *expect) {
                self.error(&no.why.vi, &no.why.en);
                ok = false;
            }
        }
        if ok { Ok(()) } else { Err(exit::NOINPUT) }
    }

    /// The date a printed report carries: `NTM_DATE` (YYYY-MM-DD) or `SOURCE_DATE_EPOCH` when set
    /// (reproducible reports), else today; a value that is not a date is a usage error (64).
    pub fn run_date(&self) -> Result<ntm::report::print::RunDate, i32> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        ntm::report::print::RunDate::from_settings(
            var("NTM_DATE").as_deref(),
            var("SOURCE_DATE_EPOCH").as_deref(),
        )
        .map_err(|msg| {
            self.error(&msg.vi, &msg.en);
            exit::USAGE
        })
    }

    /// The official unit lists (bundled, or `--units DIR`), or the problems that prevent loading
    /// them (exit 78, like criteria).
    pub fn units(&self) -> Result<ntm::units::Units, i32> {
        let loaded = match &self.units {
            Some(dir) => ntm::units::Units::from_dir(dir),
            None => ntm::units::Units::bundled(),
        };
        if let (Ok(u), Some(_)) = (&loaded, &self.units) {
            self.read_files
                .borrow_mut()
                .extend(u.files().into_iter().map(PathBuf::from));
        }
        loaded.map_err(|problems| {
            self.report(&problems);
            exit::CRITERIA
        })
    }

    /// Diagnostics go to standard error.
    pub fn report(&self, problems: &[Problem]) {
        let mut err = std::io::stderr().lock();
        for p in problems {
            let _ = writeln!(err, "{}", p.render(self.lang));
        }
    }

    pub fn error(&self, vi: &str, en: &str) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "ntm: {}: {}",
            self.lang.pick("lỗi", "error"),
            self.lang.pick(vi, en)
        );
    }
}

/// Write to standard output. A closed pipe (`ntm … | head`) is not an error: the rest is discarded
/// and the command goes on to its own exit code; any other failure (a full disk) is exit 74.
pub(crate) fn emit(ctx: &Ctx, text: &str) -> Result<(), i32> {
    let mut out = output::PipeSafe::stdout();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| output::write_failed(ctx, &e))
}

pub fn run() -> i32 {
    output::clean_up_on_signals();
    // The language first: clap writes the help and its errors while it parses.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let env = std::env::var_os("NTM_LANG");
    let (lang, warning) = help::language(&args, env.as_deref());
    if let Some(w) = warning {
        let _ = writeln!(std::io::stderr(), "{w}");
    }
    let mut command = help::command(lang, env.as_deref());
    let parsed = command
        .try_get_matches_from_mut(&args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e)
            if e.use_stderr()
                && !matches!(
                    e.kind(),
                    clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
                ) =>
        {
            let _ = write!(
                std::io::stderr(),
                "{}",
                help::error(&e, lang, &command, &args)
            );
            return exit::USAGE;
        }
        Err(e) => {
            // Help or version to a full disk: said, exit 74 (a closed pipe is not an error). The
            // help asked for by no command at all goes to standard error, exit 64.
            let printed = e.print();
            if !e.use_stderr()
                && let Err(w) = printed
                && w.kind() != std::io::ErrorKind::BrokenPipe
            {
                let why = ntm::i18n::io_reason(&w);
                let _ = writeln!(
                    std::io::stderr(),
                    "ntm: {}: {}",
                    lang.pick("lỗi: không ghi được", "error: cannot write"),
                    lang.pick(&why.vi, &why.en)
                );
                return exit::IO;
            }
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
        }
    };
    let lang = match cli.lang {
        LangArg::Vi => Lang::Vi,
        LangArg::En => Lang::En,
    };
    let tty = std::io::stdout().is_terminal();
    let color = tty && std::env::var_os("NO_COLOR").is_none();
    // The width tables are laid out for: COLUMNS when set (also in a pipe), else the terminal's.
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| *w >= 20)
        .or_else(|| {
            if tty {
                comfy_table::Table::new().width()
            } else {
                None
            }
        });
    let ctx = Ctx {
        lang,
        style: Style { lang, color, width },
        criteria: cli.criteria,
        criteria_version: cli.criteria_version,
        units: cli.units,
        read: ReadOptions {
            sheet: None,
            decimal: cli.decimal.map(|d| match d {
                DecimalArg::Comma => Mark::Comma,
                DecimalArg::Point => Mark::Point,
            }),
        },
        read_files: RefCell::new(Vec::new()),
    };
    match cli.command {
        Command::Criteria(cmd) => criteria::run(&ctx, cmd),
        Command::Check(args) => check::run(&ctx, args),
        Command::Template(args) => template::run(&ctx, args),
        Command::Diff(args) => diff::run(&ctx, args),
        Command::Test(args) => test::run(&ctx, args),
    }
}
