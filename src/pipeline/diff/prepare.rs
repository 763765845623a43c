//! Settling a comparison before its rows are scored: which years the sides are (read from the
//! files when not given), which version and sets score each side, what `--level` means, and the
//! columns read.

use std::collections::BTreeSet;
use std::path::Path;

use super::sources::{Scope, Years, first_year_in, years_in};
use super::{Error, Job, OldSide, Prepared};
use crate::criteria::select::Selection;
use crate::criteria::{CriteriaSet, Schema, Version};
use crate::eval::Options;
use crate::i18n::Text;
use crate::input::Layout;
use crate::input::files::{Expect, check_input};

/// The sets a `--level` asks for.
struct Levels<'v> {
    communes: Vec<&'v CriteriaSet>,
    districts: Vec<&'v CriteriaSet>,
    target: String,
}

/// Settle a comparison before any row is scored: the years of each side (read from the files when
/// not given), the version and sets scoring each side, and the columns to read. Every refusal is
/// an [`Error`] that says why.
pub fn prepare<'v>(job: &Job<'v>) -> Result<Prepared<'v>, Error> {
    let catalog = job.catalog;
    if job.districts.len() > 2 {
        return Err(usage(&Text::new(
            "--districts nhận một tệp (có cả hai năm) hoặc hai tệp (bên cũ, bên mới)",
            "--districts takes one file (holding both years) or two (the old side's, the new side's)",
        )));
    }
    // The files are read against every version they may need; each side is then scored by the
    // version in force for its year.
    let named = job.version;
    let candidates: Vec<&Version> = match named {
        Some(id) => vec![catalog.select(Some(id), None).map_err(|m| usage(&m))?],
        None => catalog.versions.iter().collect(),
    };
    let schema = Schema::of_versions(&candidates).map_err(|m| usage(&m))?;
    let with_districts = !job.districts.is_empty();
    // The level asked must exist before any file is read.
    if let Some(first) = candidates.first() {
        level_sets(first, job.level, with_districts).map_err(|msg| usage(&msg))?;
    }
    // The years first (read with the columns of every version), then each side's version.
    let years_scope_sets: Vec<&CriteriaSet> = Vec::new();
    let all_used: Vec<&str> = candidates.iter().flat_map(|v| v.all_columns()).collect();
    let discovery = Scope {
        read: &job.read,
        schema: &schema,
        layout: Layout::COMMUNE,
        used: &all_used,
        options: Options::default(),
        sides: [
            (0, candidates[0], &years_scope_sets),
            (0, candidates[0], &years_scope_sets),
        ],
    };
    // Two files, neither year given: each file's year is read from its first row that gives one,
    // and the read that scores the file confirms it holds no other ([`Prepared::years_to_confirm`]),
    // so that each file is read once, not twice. Whatever that would settle differently (a year no
    // version covers…) is settled again from every row's year, as when the years are not guessed.
    if let (Some(new), None, None) = (job.new, job.from, job.to)
        && let Some(old_year) = first_year_in(job.old, discovery)
        && let Some(new_year) = first_year_in(new, discovery)
        && let Ok(p) = settle(job, &candidates, &schema, (old_year, new_year), true)
    {
        return Ok(p);
    }
    let years = match job.new {
        None => years_of_one_file(job, discovery)?,
        Some(new) => {
            // Neither year given: both files' years are read at once.
            let (a, b) = if job.from.is_none() && job.to.is_none() {
                read_twice(job.old, "--from")?;
                read_twice(new, "--to")?;
                std::thread::scope(|s| {
                    let old = s.spawn(|| years_in(job.old, discovery));
                    let new = years_in(new, discovery);
                    (Some(joined(old)), Some(new))
                })
            } else {
                (None, None)
            };
            (
                year_of(job.old, job.from, "--from", discovery, a)?,
                year_of(new, job.to, "--to", discovery, b)?,
            )
        }
    };
    settle(job, &candidates, &schema, years, false)
}

/// The comparison of `job` between the years `(from, to)`, read against `candidates` (`schema`):
/// each side's version and sets, and the columns read. `years_to_confirm`: the years were read from
/// each file's first row ([`Prepared::years_to_confirm`]).
fn settle<'v>(
    job: &Job<'v>,
    candidates: &[&'v Version],
    schema: &Schema,
    (from, to): (i32, i32),
    years_to_confirm: bool,
) -> Result<Prepared<'v>, Error> {
    let catalog = job.catalog;
    let with_districts = !job.districts.is_empty();
    let version_of = |year: i32| -> Result<&'v Version, Error> {
        match job.version {
            Some(_) => Ok(candidates[0]),
            None if catalog.versions.len() == 1 => Ok(&catalog.versions[0]),
            None => catalog.for_year(year).map_err(|m| usage(&m)),
        }
    };
    let (old_version, new_version) = match job.same_year {
        Some(y) => (version_of(y)?, version_of(y)?),
        None => (version_of(from)?, version_of(to)?),
    };
    let levels = level_sets(new_version, job.level, with_districts).map_err(|msg| usage(&msg))?;
    let old_levels =
        level_sets(old_version, job.level, with_districts).map_err(|msg| usage(&msg))?;
    let ids = |sets: &[&CriteriaSet]| sets.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    if ids(&levels.communes) != ids(&old_levels.communes)
        || ids(&levels.districts) != ids(&old_levels.districts)
    {
        let (o, n) = (&old_version.id, &new_version.id);
        return Err(usage(&Text::new(
            format!(
                "bên cũ chấm theo phiên bản {o}, bên mới theo {n}, và hai phiên bản không có cùng các mức đánh giá: so sánh bằng --same-year NĂM (cả hai bên theo một phiên bản)"
            ),
            format!(
                "the old side is scored with version {o}, the new side with {n}, and the two do not have the same levels: compare with --same-year YEAR (both sides with one version)"
            ),
        )));
    }
    if let Some(y) = job.same_year
        && !job.nearest_year
        && let Some(s) = levels
            .communes
            .iter()
            .chain(&levels.districts)
            .find(|s| !s.covers(y))
    {
        let (id, a, b) = (&s.id, s.valid_from, s.valid_to);
        return Err(usage(&Text::new(
            format!(
                "--same-year {y} ngoài thời hạn của bộ {id} ({a}–{b}); thêm --nearest-year để dùng ngưỡng năm gần nhất"
            ),
            format!(
                "--same-year {y} is outside set {id}'s validity ({a}–{b}); add --nearest-year to reuse the nearest year's thresholds"
            ),
        )));
    }
    let mut used = Version::columns_of(&levels.communes);
    for c in Version::columns_of(&old_levels.communes) {
        if !used.contains(&c) {
            used.push(c);
        }
    }
    let mut district_used = Version::columns_of(&levels.districts);
    for c in Version::columns_of(&old_levels.districts) {
        if !district_used.contains(&c) {
            district_used.push(c);
        }
    }
    Ok(Prepared {
        version: new_version,
        sets: levels.communes,
        districts: levels.districts,
        target: levels.target,
        old: OldSide {
            version: old_version,
            sets: old_levels.communes,
            districts: old_levels.districts,
        },
        used,
        district_used,
        schema: schema.clone(),
        from,
        to,
        years_to_confirm,
        options: Options {
            nearest_year: job.nearest_year,
            thresholds_of: job.same_year,
        },
        read: job.read.clone(),
    })
}

/// The sets compared for `--level` (see [`Selection`]).
fn level_sets<'v>(
    version: &'v Version,
    level: &str,
    with_districts: bool,
) -> Result<Levels<'v>, Text> {
    let sel = Selection::of(version, level, with_districts)?;
    Ok(Levels {
        target: sel.target.id.clone(),
        communes: sel.communes,
        districts: sel.districts,
    })
}

/// One file: the two years given, or the file's two years when it holds exactly two.
fn years_of_one_file(job: &Job, scope: Scope) -> Result<(i32, i32), Error> {
    let (from, to) = match (job.from, job.to) {
        (Some(f), Some(t)) => (f, t),
        (f, t) => {
            read_twice(job.old, "--from, --to")?;
            let ys = years_found(job.old, scope, None)?;
            let (Some(&lo), Some(&hi), 2) = (ys.first(), ys.last(), ys.len()) else {
                let (p, l) = (job.old.display(), list(&ys));
                return Err(usage(&Text::new(
                    format!("tệp {p} có các năm {l}: chọn hai năm bằng --from và --to"),
                    format!("{p} holds the years {l}: pick two with --from and --to"),
                )));
            };
            let other = |y: i32| if y == lo { hi } else { lo };
            match (f, t) {
                (Some(f), None) => (f, other(f)),
                (None, Some(t)) => (other(t), t),
                _ => (lo, hi),
            }
        }
    };
    if from == to {
        return Err(usage(&Text::new(
            format!(
                "--from và --to cùng là {from}: một tệp cần hai năm khác nhau (hoặc cho hai tệp)"
            ),
            format!(
                "--from and --to are both {from}: one file needs two different years (or give two files)"
            ),
        )));
    }
    Ok((from, to))
}

/// Two files: each side's year as given, or the file's only year (`read`: its years, if read).
fn year_of(
    path: &Path,
    given: Option<i32>,
    flag: &str,
    scope: Scope,
    read: Option<Years>,
) -> Result<i32, Error> {
    if let Some(y) = given {
        return Ok(y);
    }
    if read.is_none() {
        read_twice(path, flag)?;
    }
    only_year(path, flag, &years_found(path, scope, read)?)
}

/// Refuse to read the years of what can be read only once ([`read_once`]: a pipe, standard input
/// from one): its rows would then be gone when the comparison reads them. `flags`: how to give its
/// years instead. Anything else passes (a folder or nothing is refused by [`years_found`]).
fn read_twice(path: &Path, flags: &str) -> Result<(), Error> {
    if !read_once(path) {
        return Ok(());
    }
    let p = path.display();
    Err(usage(&Text::new(
        format!(
            "«{p}» không phải tệp thường (ống dẫn, đầu vào chuẩn…) nên chỉ đọc được một lần: không đọc trước năm của nó được, hãy cho năm bằng {flags}"
        ),
        format!(
            "«{p}» is not a regular file (a pipe, standard input…) and can be read only once: its years cannot be read beforehand, give them with {flags}"
        ),
    )))
}

/// Whether `path` can be read only once: a pipe (named or not, standard input from one) or a
/// socket. A device such as `/dev/null` reads the same again.
pub(super) fn read_once(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo() || m.file_type().is_socket())
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
    }
}

/// The only year of `years`, a file's: else the file is refused, with the years it holds.
fn only_year(path: &Path, flag: &str, years: &BTreeSet<i32>) -> Result<i32, Error> {
    match (years.first(), years.len()) {
        (Some(&y), 1) => Ok(y),
        _ => {
            let (p, l) = (path.display(), list(years));
            Err(usage(&Text::new(
                format!("tệp {p} có các năm {l}: chọn một năm bằng {flag}"),
                format!("{p} holds the years {l}: pick one with {flag}"),
            )))
        }
    }
}

/// Confirm the side's `year`, read from the first row of the file at `path` that gives one
/// ([`super::Prepared::years_to_confirm`]), by `read`: every year its rows gave the read that scored
/// it. A file of several years is refused as [`year_of`] refuses it.
pub(super) fn confirm_year(
    path: &Path,
    flag: &str,
    year: i32,
    read: &BTreeSet<i32>,
) -> Result<(), Error> {
    // A read that kept no year found the file unreadable (its header refused) or empty: that is
    // said as when the years are given (`Stop::Unreadable`, `Stop::NoRows`).
    if read.is_empty() {
        return Ok(());
    }
    match only_year(path, flag, read)? {
        y if y == year => Ok(()),
        // The first row said another year than every row now says: the file changed as it was read.
        y => {
            let p = path.display();
            Err(Error::Data {
                problems: Vec::new(),
                why: Some(Text::new(
                    format!(
                        "tệp {p} đã thay đổi trong khi đọc: dòng đầu tiên năm {year}, các dòng năm {y}; hãy chạy lại"
                    ),
                    format!(
                        "{p} changed while it was read: its first row gave the year {year}, its rows {y}; run again"
                    ),
                )),
            })
        }
    }
}
/// The years a file holds, or why there are none (its errors, else "no data row").
/// `read`: the file's years already read, if they were.
fn years_found(path: &Path, scope: Scope, read: Option<Years>) -> Result<BTreeSet<i32>, Error> {
    check_input(path, Expect::File).map_err(|no| Error::NoInput(no.why))?;
    let (ys, errors) = read.unwrap_or_else(|| years_in(path, scope));
    if ys.is_empty() {
        let p = path.display();
        let why = errors.is_empty().then(|| {
            Text::new(
                format!("{p}: không có dòng dữ liệu nào"),
                format!("{p}: no data row"),
            )
        });
        return Err(Error::Data {
            problems: errors,
            why,
        });
    }
    Ok(ys)
}

fn list(years: &BTreeSet<i32>) -> String {
    let ys: Vec<String> = years.iter().map(i32::to_string).collect();
    ys.join(", ")
}

/// No row of `year` in a readable file: say which years it holds.
pub(super) fn no_rows(scope: Scope, file: &str, year: i32) -> Error {
    // What can be read only once is not read again to list its years.
    if read_once(Path::new(file)) {
        return usage(&Text::new(
            format!("{file}: không có dòng nào năm {year}"),
            format!("{file}: no row of year {year}"),
        ));
    }
    match years_found(Path::new(file), scope, None) {
        Ok(ys) => usage(&Text::new(
            format!("{file}: không có dòng nào năm {year} (có: {})", list(&ys)),
            format!("{file}: no row of year {year} (there are: {})", list(&ys)),
        )),
        Err(e) => e,
    }
}

fn usage(msg: &Text) -> Error {
    Error::Usage(msg.clone())
}

/// What a thread gave back; a panic in it goes on in this one.
pub(super) fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}
