//! Command-line parsing (clap) and the glue between the library and the terminal.

mod check;
mod criteria;
mod diff;
mod output;
mod template;
mod test;

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use ntm::criteria::catalog::Catalog;
use ntm::diag::Problem;
use ntm::exit;
use ntm::i18n::Lang;
use ntm::input::number::Mark;
use ntm::input::table::ReadOptions;
use ntm::report::{Format, Style};

#[derive(Parser)]
#[command(
    name = "ntm",
    version,
    about = "Chấm điểm xã, huyện theo Bộ tiêu chí nông thôn mới.\nScore Vietnamese communes and districts against the New Rural Development (NTM) criteria.",
    after_help = exit::TABLE
)]
struct Cli {
    /// Language of labels and messages: vi (Tiếng Việt) or en.
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
    #[command(subcommand, after_help = exit::TABLE)]
    Criteria(criteria::CriteriaCmd),
    /// An empty data-entry file (CSV or Excel) with the columns the chosen level reads.
    Template(template::TemplateArgs),
    /// Score communes from a data file (CSV) against the commune sets.
    #[command(after_help = exit::TABLE)]
    Check(check::CheckArgs),
    /// Compare two years (or two files) of commune results: levels, criteria, indicators that turned.
    #[command(after_help = diff::EXIT_CODES)]
    Diff(diff::DiffArgs),
    /// Run test cases written by domain experts: inputs of one commune or district, and the outcome expected.
    #[command(after_help = test::EXIT_CODES)]
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help or version to a full disk: said, exit 74 (a closed pipe is not an error).
            let printed = e.print();
            if !e.use_stderr()
                && let Err(w) = printed
                && w.kind() != std::io::ErrorKind::BrokenPipe
            {
                let _ = writeln!(
                    std::io::stderr(),
                    "ntm: lỗi / error: không ghi được / cannot write: {w}"
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
    let width = if tty {
        comfy_table::Table::new().width()
    } else {
        None
    };
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
