//! `ntm criteria list|show|lint`.

use std::path::PathBuf;

use clap::Subcommand;
use ntm::criteria::catalog::Catalog;
use ntm::exit;
use ntm::report::criteria as render;

use super::{Ctx, FormatArg, emit};

#[derive(Subcommand)]
pub(crate) enum CriteriaCmd {
    /// The versions and sets available: decision, validity, criteria, indicators, unverified thresholds.
    List {
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// One set as a person reads it: every criterion and indicator with its requirement and source.
    Show {
        /// The set: xa-ntm, nang-cao, kieu-mau, huyen-ntm…
        set: String,
        /// Show the thresholds in force for this year (otherwise every dated value).
        #[arg(long)]
        year: Option<i32>,
        /// Only the figures not yet checked against the decision's text.
        #[arg(long)]
        unverified: bool,
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// Check a folder of criteria files (default: ./criteria if it exists, else the bundled ones).
    /// Exit 0 when clean, 78 with every problem listed.
    Lint { dir: Option<PathBuf> },
}

pub(crate) fn run(ctx: &Ctx, cmd: CriteriaCmd) -> i32 {
    match cmd {
        CriteriaCmd::List { format } => match ctx.catalog() {
            Ok(catalog) => match emit(ctx, &render::list(&catalog, format.into(), &ctx.style)) {
                Ok(()) => exit::OK,
                Err(code) => code,
            },
            Err(code) => code,
        },
        CriteriaCmd::Show {
            set,
            year,
            unverified,
            format,
        } => {
            let catalog = match ctx.catalog() {
                Ok(c) => c,
                Err(code) => return code,
            };
            let version = match catalog.select(ctx.criteria_version.as_deref(), year) {
                Ok(v) => v,
                Err(msg) => {
                    ctx.error(&msg.vi, &msg.en);
                    return exit::USAGE;
                }
            };
            let Some(s) = version.set(&set) else {
                let ids: Vec<&str> = version.sets.iter().map(|s| s.id.as_str()).collect();
                ctx.error(
                    &format!(
                        "không có bộ tiêu chí «{set}» trong {} (có: {})",
                        version.id,
                        ids.join(", ")
                    ),
                    &format!(
                        "no set «{set}» in {} (there are: {})",
                        version.id,
                        ids.join(", ")
                    ),
                );
                return exit::USAGE;
            };
            if let Some(y) = year
                && !s.covers(y)
            {
                ctx.error(
                    &format!(
                        "năm {y} ngoài thời hạn hiệu lực của {} ({}–{})",
                        s.id, s.valid_from, s.valid_to
                    ),
                    &format!(
                        "year {y} is outside {}'s validity ({}–{})",
                        s.id, s.valid_from, s.valid_to
                    ),
                );
                return exit::USAGE;
            }
            let shown = render::show(version, s, year, unverified, format.into(), &ctx.style);
            match emit(ctx, &shown) {
                Ok(()) => exit::OK,
                Err(code) => code,
            }
        }
        CriteriaCmd::Lint { dir } => {
            let dir = dir.or_else(|| {
                let local = PathBuf::from("criteria");
                local.is_dir().then_some(local)
            });
            let loaded = match &dir {
                Some(d) => Catalog::from_dir(d),
                None => Catalog::bundled(),
            };
            let shown = dir
                .as_ref()
                .map_or("(bundled)".to_string(), |d| d.display().to_string());
            match loaded {
                Ok(catalog) => {
                    let sets: usize = catalog.versions.iter().map(|v| v.sets.len()).sum();
                    let line = format!(
                        "{shown}: {} {}, {sets} {}, {}\n",
                        catalog.versions.len(),
                        ctx.lang.pick("phiên bản", "version(s)"),
                        ctx.lang.pick("bộ tiêu chí", "set(s)"),
                        ctx.lang.pick("không có lỗi", "no problem found")
                    );
                    match emit(ctx, &line) {
                        Ok(()) => exit::OK,
                        Err(code) => code,
                    }
                }
                Err(problems) => {
                    ctx.report(&problems);
                    let n = problems.iter().filter(|p| p.is_error()).count();
                    ctx.error(
                        &format!("{shown}: {n} lỗi trong tệp tiêu chí"),
                        &format!("{shown}: {n} problem(s) in the criteria files"),
                    );
                    exit::CRITERIA
                }
            }
        }
    }
}
