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
        if problems.is_empty() {
            Ok(Catalog {
                versions,
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
            } else if p.extension().is_some_and(|e| e == "toml") {
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
                    .filter(|p| p.extension().is_some_and(|e| e == "toml"))
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
        if problems.is_empty() {
            Ok(Catalog {
                versions,
                files: read,
            })
        } else {
            Err(problems)
        }
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
                .max_by_key(|v| v.validity().map(|(a, _)| a));
            if let Some(v) = covering {
                return Ok(v);
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
