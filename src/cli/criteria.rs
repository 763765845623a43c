//! `ntm criteria list|show|lint|diff`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use ntm::criteria::catalog::Catalog;
use ntm::criteria::diff::{Side, diff};
use ntm::criteria::{CriteriaSet, Version};
use ntm::exit;
use ntm::input::files::Expect;
use ntm::report::criteria as render;
use ntm::report::criteria_diff::{Named, render as render_diff};
use ntm::report::fitted;

use super::{Ctx, FormatArg, emit};

/// `criteria diff`'s exit codes, like diff(1).
pub(crate) const DIFF_EXIT_CODES_EN: &str = "\
Exit codes:
  0   no difference
  1   differences (listed)
  64  usage error, no such version or set
  66  the --criteria folder does not exist or cannot be opened
  78  bad criteria file

Each side: VERSION (bundled, or from --criteria DIR), a version FOLDER, or
either followed by :SET to compare one set (lang-son-2024:xa-ntm,
folder/v2026:xa-ntm).";

/// [`DIFF_EXIT_CODES_EN`] in Vietnamese.
pub(crate) const DIFF_EXIT_CODES_VI: &str = "\
Mã thoát:
  0   không có thay đổi nào
  1   có thay đổi (được liệt kê)
  64  sai cú pháp lệnh, phiên bản hay bộ không có
  66  không có thư mục --criteria, hoặc không mở được
  78  tệp tiêu chí sai

Mỗi phía: PHIÊN_BẢN (có sẵn, hoặc trong --criteria THƯ_MỤC), một THƯ_MỤC
phiên bản, hoặc một trong hai kèm :BỘ để so một bộ (lang-son-2024:xa-ntm,
thu-muc/v2026:xa-ntm).";

#[derive(Subcommand)]
pub(crate) enum CriteriaCmd {
    /// The versions and sets available: decision, validity, criteria, indicators, unverified thresholds.
    List {
        /// Output format.
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
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
    /// Check a folder of criteria files (default: ./criteria if it exists, else the bundled ones).
    /// Exit 0 when clean, 78 with every problem listed.
    Lint {
        /// The folder of criteria files (a version folder, or a folder of version folders).
        dir: Option<PathBuf>,
    },
    /// What changes from one criteria version (or set) to another: indicators added, removed, renamed
    /// or recoded, thresholds per year and commune group, comparisons, sources, verified flags.
    #[command(after_help = DIFF_EXIT_CODES_EN)]
    Diff {
        /// The old side: VERSION, FOLDER, VERSION:SET or FOLDER:SET.
        old: String,
        /// The new side, written the same way.
        new: String,
        /// table, json, csv or md.
        #[arg(long, value_enum, default_value_t = FormatArg::Table)]
        format: FormatArg,
    },
}

pub(crate) fn run(ctx: &Ctx, cmd: CriteriaCmd) -> i32 {
    match cmd {
        CriteriaCmd::List { format } => match ctx.catalog() {
            Ok(catalog) => match emit(
                ctx,
                &fitted(
                    render::list(&catalog, format.into(), &ctx.style),
                    format.into(),
                    &ctx.style,
                ),
            ) {
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
            let shown = fitted(
                render::show(version, s, year, unverified, format.into(), &ctx.style),
                format.into(),
                &ctx.style,
            );
            match emit(ctx, &shown) {
                Ok(()) => exit::OK,
                Err(code) => code,
            }
        }
        CriteriaCmd::Diff { old, new, format } => run_diff(ctx, &old, &new, format),
        CriteriaCmd::Lint { dir } => {
            if let Some(d) = &dir
                && let Err(code) = ctx.inputs(&[(d, Expect::Folder)])
            {
                return code;
            }
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
            let loaded = loaded.and_then(|catalog| {
                let overlaps = catalog.overlaps();
                if overlaps.is_empty() {
                    Ok(catalog)
                } else {
                    Err(overlaps)
                }
            });
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

/// One side of `criteria diff`: a version (and a set of it, when named).
struct Picked {
    version: Version,
    set: Option<String>,
}

impl Picked {
    fn sets(&self) -> Vec<&CriteriaSet> {
        match &self.set {
            Some(id) => self.version.set(id).into_iter().collect(),
            None => self.version.sets.iter().collect(),
        }
    }

    fn named(&self) -> Named<'_> {
        Named {
            version: &self.version.id,
            origin: &self.version.origin,
            set: self.set.as_deref(),
        }
    }
}

/// `VERSION`, `FOLDER`, `VERSION:SET` or `FOLDER:SET`. A folder must hold one version.
fn pick(ctx: &Ctx, spec: &str) -> Result<Picked, i32> {
    let (place, set) = match spec.rsplit_once(':') {
        _ if Path::new(spec).is_dir() => (spec, None),
        Some((place, set)) if !place.is_empty() && !set.is_empty() => (place, Some(set)),
        _ => (spec, None),
    };
    let version = if Path::new(place).is_dir() {
        let catalog = Catalog::from_dir(Path::new(place)).map_err(|problems| {
            ctx.report(&problems);
            exit::CRITERIA
        })?;
        match <[Version; 1]>::try_from(catalog.versions) {
            Ok([v]) => v,
            Err(versions) => {
                let ids: Vec<&str> = versions.iter().map(|v| v.id.as_str()).collect();
                ctx.error(
                    &format!(
                        "thư mục {place} có nhiều phiên bản ({}): cho một thư mục phiên bản, hoặc --criteria {place} và mã phiên bản",
                        ids.join(", ")
                    ),
                    &format!(
                        "the folder {place} holds several versions ({}): give one version folder, or --criteria {place} and a version id",
                        ids.join(", ")
                    ),
                );
                return Err(exit::USAGE);
            }
        }
    } else {
        let catalog = ctx.catalog()?;
        let ids: Vec<String> = catalog.versions.iter().map(|v| v.id.clone()).collect();
        match catalog.versions.into_iter().find(|v| v.id == place) {
            Some(v) => v,
            None => {
                ctx.error(
                    &format!(
                        "«{place}» không phải là thư mục hay phiên bản tiêu chí (có: {})",
                        ids.join(", ")
                    ),
                    &format!(
                        "«{place}» is neither a folder nor a criteria version (there are: {})",
                        ids.join(", ")
                    ),
                );
                return Err(exit::USAGE);
            }
        }
    };
    if let Some(set) = set
        && version.set(set).is_none()
    {
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
        return Err(exit::USAGE);
    }
    Ok(Picked {
        version,
        set: set.map(String::from),
    })
}

fn run_diff(ctx: &Ctx, old: &str, new: &str, format: FormatArg) -> i32 {
    if matches!(format, FormatArg::Html | FormatArg::Xlsx) {
        ctx.error(
            "criteria diff in ra bảng, json, csv hoặc md",
            "criteria diff prints table, json, csv or md",
        );
        return exit::USAGE;
    }
    let (a, b) = match (pick(ctx, old), pick(ctx, new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let changes = diff(
        &Side {
            version: &a.version,
            sets: a.sets(),
        },
        &Side {
            version: &b.version,
            sets: b.sets(),
        },
    );
    if let Err(code) = emit(
        ctx,
        &fitted(
            render_diff(&a.named(), &b.named(), &changes, format.into(), &ctx.style),
            format.into(),
            &ctx.style,
        ),
    ) {
        return code;
    }
    if changes.is_empty() {
        exit::OK
    } else {
        exit::NOT_QUALIFIED
    }
}
