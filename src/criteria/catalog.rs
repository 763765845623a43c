//! The criteria versions available: the bundled ones, embedded in the binary, or a folder given with
//! `--criteria`. Picks one version by its id or by the data's year.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use super::Version;
use super::load::load_version;
use crate::diag::Problem;
use crate::i18n::Text;

static BUNDLED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/criteria");

#[derive(Debug, Clone)]
pub struct Catalog {
    pub versions: Vec<Version>,
    /// The files read to build it (none for the bundled versions): a report is never written over them.
    pub files: Vec<PathBuf>,
    /// The legal periods known (`periods.toml`), to say what applies to a year no version covers.
    pub periods: Vec<Period>,
}

/// A period of the national criteria: its years, its decision, what it is.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: i32,
    pub to: i32,
    pub decision: String,
    #[serde(deserialize_with = "text_vi", default)]
    pub note: Text,
    #[serde(default)]
    note_en: String,
    pub verified: bool,
}

fn text_vi<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
    let vi: String = serde::Deserialize::deserialize(d)?;
    Ok(Text::new(vi, ""))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodsFile {
    #[serde(default)]
    period: Vec<Period>,
}

/// The periods of `periods.toml` (`file` for messages), or the problem that prevents reading them.
fn periods(file: &str, src: &str) -> Result<Vec<Period>, Box<Problem>> {
    let parsed: PeriodsFile = toml::from_str(src).map_err(|e| {
        let mut p = Problem::error(
            "periods",
            file,
            Text::new(
                format!("tệp các giai đoạn không hợp lệ: {}", e.message()),
                format!("invalid periods file: {}", e.message()),
            ),
        );
        if let Some(span) = e.span() {
            p = p.at_offset(src, span.start);
        }
        Box::new(p)
    })?;
    Ok(parsed
        .period
        .into_iter()
        .map(|mut p| {
            p.note.en = std::mem::take(&mut p.note_en);
            p
        })
        .collect())
}

/// A criteria set's file: a `.toml` other than `periods.toml`.
fn is_set_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "toml") && p.file_name().is_some_and(|n| n != "periods.toml")
}

/// The bundled periods (criteria/periods.toml).
fn bundled_periods() -> Vec<Period> {
    BUNDLED
        .get_file("periods.toml")
        .and_then(|f| f.contents_utf8())
        .and_then(|src| periods("criteria/periods.toml", src).ok())
        .unwrap_or_default()
}

impl Catalog {
    /// The versions shipped in `criteria/`, embedded at build time.
    pub fn bundled() -> Result<Catalog, Vec<Problem>> {
        let mut versions = Vec::new();
        let mut problems = Vec::new();
        let mut dirs: Vec<&Dir> = BUNDLED.dirs().collect();
        dirs.sort_by_key(|d| d.path());
        for dir in dirs {
            let name = dir
                .path()
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            let mut files: Vec<(String, String)> = dir
                .files()
                .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
                .map(|f| {
                    (
                        format!("criteria/{}", f.path().display()),
                        f.contents_utf8().unwrap_or_default().to_string(),
                    )
                })
                .collect();
            files.sort();
            match load_version(name, "bundled", &files) {
                Ok(v) => versions.push(v),
                Err(mut p) => problems.append(&mut p),
            }
        }
        if let Some(f) = BUNDLED.get_file("periods.toml")
            && let Err(p) = periods(
                "criteria/periods.toml",
                f.contents_utf8().unwrap_or_default(),
            )
        {
            problems.push(*p);
        }
        if problems.is_empty() {
            Ok(Catalog {
                versions,
                periods: bundled_periods(),
                files: Vec::new(),
            })
        } else {
            Err(problems)
        }
    }

    /// A folder: either one version (it holds `.toml` files) or a folder of version folders.
    pub fn from_dir(path: &Path) -> Result<Catalog, Vec<Problem>> {
        let shown = path.display().to_string();
        let read_err = |e: std::io::Error| {
            vec![Problem::error(
                "io",
                &shown,
                Text::new(
                    format!("không đọc được thư mục tiêu chí: {e}"),
                    format!("cannot read the criteria folder: {e}"),
                ),
            )]
        };
        let mut toml_files = Vec::new();
        let mut subdirs = Vec::new();
        for entry in std::fs::read_dir(path).map_err(read_err)? {
            let entry = entry.map_err(read_err)?;
            let p = entry.path();
            if p.is_dir() {
                subdirs.push(p);
            } else if is_set_file(&p) {
                toml_files.push(p);
            }
        }
        let mut versions = Vec::new();
        let mut problems = Vec::new();
        let mut read = Vec::new();
        if !toml_files.is_empty() {
            read.extend(toml_files.iter().cloned());
            match load_folder(path, &toml_files) {
                Ok(v) => versions.push(v),
                Err(mut p) => problems.append(&mut p),
            }
        } else {
            subdirs.sort();
            for dir in subdirs {
                let mut files: Vec<_> = std::fs::read_dir(&dir)
                    .map_err(read_err)?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| is_set_file(p))
                    .collect();
                if files.is_empty() {
                    continue;
                }
                files.sort();
                read.extend(files.iter().cloned());
                match load_folder(&dir, &files) {
                    Ok(v) => versions.push(v),
                    Err(mut p) => problems.append(&mut p),
                }
            }
        }
        if versions.is_empty() && problems.is_empty() {
            problems.push(Problem::error(
                "no-criteria",
                &shown,
                Text::new(
                    "không có tệp tiêu chí .toml nào trong thư mục này",
                    "no .toml criteria file in this folder",
                ),
            ));
        }
        // The folder's own periods.toml, else the bundled one.
        let own = path.join("periods.toml");
        let periods = match std::fs::read_to_string(&own) {
            Ok(src) => {
                // Read, so never written over by a report.
                read.push(own.clone());
                periods(&own.display().to_string(), &src).unwrap_or_else(|p| {
                    problems.push(*p);
                    Vec::new()
                })
            }
            Err(_) => bundled_periods(),
        };
        if problems.is_empty() {
            Ok(Catalog {
                versions,
                periods,
                files: read,
            })
        } else {
            Err(problems)
        }
    }

    /// Versions whose validity windows share a year: which one scores that year would depend on the
    /// folders' names. An error for `criteria lint`; `check` refuses to choose (see [`Catalog::for_year`]).
    pub fn overlaps(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (i, a) in self.versions.iter().enumerate() {
            for b in &self.versions[i + 1..] {
                let (Some((a0, a1)), Some((b0, b1))) = (a.validity(), b.validity()) else {
                    continue;
                };
                let (from, to) = (a0.max(b0), a1.min(b1));
                if from > to {
                    continue;
                }
                let years = if from == to {
                    from.to_string()
                } else {
                    format!("{from}–{to}")
                };
                let file = b.sets.first().map_or(b.origin.clone(), |s| s.file.clone());
                out.push(
                    Problem::error(
                        "versions-overlap",
                        file,
                        Text::new(
                            format!(
                                "hai phiên bản tiêu chí cùng có hiệu lực năm {years}: {} ({a0}–{a1}) và {} ({b0}–{b1}); phiên bản nào được dùng sẽ tùy vào tên thư mục",
                                a.id, b.id
                            ),
                            format!(
                                "two criteria versions both cover {years}: {} ({a0}–{a1}) and {} ({b0}–{b1}); which one is used would depend on the folders' names",
                                a.id, b.id
                            ),
                        ),
                    )
                    .expected(Text::new(
                        "mỗi năm một phiên bản: sửa valid_from/valid_to, hoặc đặt các phiên bản vào các thư mục --criteria khác nhau",
                        "one version per year: change valid_from/valid_to, or keep the versions in separate --criteria folders",
                    )),
                );
            }
        }
        out
    }

    /// The version in force for `year`: the only one covering it. Several covering it is refused
    /// (naming them and `--criteria-version`); none covering it says which set the reference knows
    /// to be in force then, from the catalog's periods, and that no file for it is loaded.
    pub fn for_year(&self, year: i32) -> Result<&Version, Text> {
        let covering: Vec<&Version> = self
            .versions
            .iter()
            .filter(|v| v.validity().is_some_and(|(a, b)| (a..=b).contains(&year)))
            .collect();
        match covering.as_slice() {
            [one] => Ok(one),
            [] => Err(self.uncovered(year)),
            many => {
                let ids: Vec<&str> = many.iter().map(|v| v.id.as_str()).collect();
                Err(Text::new(
                    format!(
                        "năm {year} thuộc thời hạn của nhiều phiên bản tiêu chí ({}): không chọn thay bạn; chọn một bằng --criteria-version",
                        ids.join(", ")
                    ),
                    format!(
                        "year {year} is covered by several criteria versions ({}): ntm does not choose for you; pick one with --criteria-version",
                        ids.join(", ")
                    ),
                ))
            }
        }
    }

    /// Why no version scores `year`: the versions there are, and what is in force that year.
    pub fn uncovered(&self, year: i32) -> Text {
        let have: Vec<String> = self
            .versions
            .iter()
            .filter_map(|v| v.validity().map(|(a, b)| format!("{} {a}–{b}", v.id)))
            .collect();
        let mut vi = format!(
            "không có phiên bản tiêu chí nào cho năm {year} (có: {})",
            have.join(", ")
        );
        let mut en = format!(
            "no criteria version covers {year} (there are: {})",
            have.join(", ")
        );
        if let Some(p) = self
            .periods
            .iter()
            .find(|p| (p.from..=p.to).contains(&year))
        {
            vi.push_str(&format!(
                "; năm {year} áp dụng {} ({}–{}), chưa có tệp tiêu chí nào của bộ này được nạp: {}",
                p.decision, p.from, p.to, p.note.vi
            ));
            en.push_str(&format!(
                "; {year} falls under {} ({}–{}), and no criteria file of it is loaded: {}",
                p.decision,
                p.from,
                p.to,
                p.note.get(crate::i18n::Lang::En)
            ));
        }
        Text::new(vi, en)
    }

    pub fn version(&self, id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The version to use: the one named, else the newest whose validity covers `year`, else the only one.
    pub fn select(&self, id: Option<&str>, year: Option<i32>) -> Result<&Version, Text> {
        let ids = || {
            self.versions
                .iter()
                .map(|v| v.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(id) = id {
            return self.version(id).ok_or_else(|| {
                Text::new(
                    format!("không có phiên bản tiêu chí «{id}» (có: {})", ids()),
                    format!("no criteria version «{id}» (there are: {})", ids()),
                )
            });
        }
        if let Some(year) = year {
            let covering = self
                .versions
                .iter()
                .filter(|v| v.validity().is_some_and(|(a, b)| (a..=b).contains(&year)))
                .count();
            // One covering it is used; several are refused. None: the only version, if there is
            // one, whose checks then say the year is outside its validity.
            if covering > 0 {
                return self.for_year(year);
            }
        }
        match self.versions.as_slice() {
            [only] => Ok(only),
            [] => Err(Text::new(
                "không có phiên bản tiêu chí nào",
                "no criteria version",
            )),
            _ => Err(Text::new(
                format!(
                    "có nhiều phiên bản tiêu chí ({}): chọn một bằng --criteria-version",
                    ids()
                ),
                format!(
                    "several criteria versions ({}): pick one with --criteria-version",
                    ids()
                ),
            )),
        }
    }
}

fn load_folder(dir: &Path, files: &[std::path::PathBuf]) -> Result<Version, Vec<Problem>> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    let mut files = files.to_vec();
    files.sort();
    for f in files {
        let shown = f.display().to_string();
        match std::fs::read(&f) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
                loaded.push((shown, text));
            }
            Err(e) => problems.push(Problem::error(
                "io",
                &shown,
                Text::new(
                    format!("không đọc được tệp: {e}"),
                    format!("cannot read the file: {e}"),
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    load_version(name, &dir.display().to_string(), &loaded)
}
