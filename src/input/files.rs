//! Files known by what they are, not by how they are named: the same file given twice, under two
//! paths or through a link, is one file.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::i18n::Text;

/// What identifies a file: its device and inode on Unix, its canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(Id);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Id {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Path(PathBuf),
}

/// A file as it is now: its path, its identity ([`FileId`]), its length and the time of its last
/// change. What a cache of something read from a file is kept by: a file changed, or another put in
/// its place under the same path (a copy kept with `cp -p` and renamed over it has the same length
/// and time, not the same identity), is another key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    path: PathBuf,
    id: FileId,
    pub(crate) len: u64,
    pub(crate) modified: std::time::SystemTime,
}

impl FileState {
    /// The state of the file at `path`, or `None` when it cannot be read.
    pub fn of(path: &Path) -> Option<FileState> {
        // One look at the file: its identity, length and time from the same moment.
        let meta = std::fs::metadata(path).ok()?;
        Some(FileState {
            path: path.to_path_buf(),
            id: FileId::of_meta(path, &meta)?,
            len: meta.len(),
            modified: meta.modified().ok()?,
        })
    }
}

impl FileId {
    /// The identity of an existing file (links followed), or `None` when it cannot be read.
    pub fn of(path: &Path) -> Option<FileId> {
        FileId::of_meta(path, &std::fs::metadata(path).ok()?)
    }

    /// The identity of the file at `path`, from what `metadata` said of it.
    fn of_meta(path: &Path, meta: &std::fs::Metadata) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let _ = path;
            Some(FileId(Id::Inode(meta.dev(), meta.ino())))
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            path.canonicalize().ok().map(|p| FileId(Id::Path(p)))
        }
    }
}

/// `paths` without the files already given earlier in the list, and for each one left out, the path
/// it repeats.
pub fn distinct(paths: &[PathBuf]) -> (Vec<&Path>, Vec<(&Path, &Path)>) {
    let mut kept: Vec<(&Path, Option<FileId>)> = Vec::new();
    let mut repeated = Vec::new();
    for p in paths {
        let id = FileId::of(p);
        match kept.iter().find(|(_, k)| id.is_some() && *k == id) {
            Some((first, _)) => repeated.push((p.as_path(), *first)),
            None => kept.push((p, id)),
        }
    }
    (kept.into_iter().map(|(p, _)| p).collect(), repeated)
}

/// What a path named on the command line must lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    File,
    Folder,
    FileOrFolder,
}

/// An input named on the command line that cannot be used at all: it does not exist, cannot be
/// opened, or is a folder where a file is wanted (exit 66, EX_NOINPUT).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoInput {
    pub path: PathBuf,
    pub why: Text,
}

/// Whether `path` can be read as `expect` says, found before anything is read or written. A
/// regular file is opened and closed (nothing is read); a pipe or a device is only looked at, so
/// that no data is taken from it.
pub fn check_input(path: &Path, expect: Expect) -> Result<(), NoInput> {
    let p = path.display();
    let no = |vi: String, en: String| NoInput {
        path: path.to_path_buf(),
        why: Text::new(vi, en),
    };
    let folder = expect == Expect::Folder;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Err(if folder {
                no(
                    format!("không có thư mục «{p}»"),
                    format!("no such folder: «{p}»"),
                )
            } else {
                no(
                    format!("không có tệp «{p}» (kiểm tra lại tên tệp và thư mục hiện tại)"),
                    format!("no such file: «{p}» (check the name and the current folder)"),
                )
            });
        }
        Err(e) => return Err(unopenable(path, &e)),
    };
    match (expect, meta.is_dir()) {
        (Expect::File, true) => {
            return Err(no(
                format!("«{p}» là thư mục, không phải tệp: hãy chỉ tên một tệp trong đó"),
                format!("«{p}» is a folder, not a file: name a file in it"),
            ));
        }
        (Expect::Folder, false) => {
            return Err(no(
                format!("«{p}» không phải là thư mục"),
                format!("«{p}» is not a folder"),
            ));
        }
        _ => {}
    }
    let opened = if meta.is_dir() {
        std::fs::read_dir(path).map(drop)
    } else if meta.is_file() {
        std::fs::File::open(path).map(drop)
    } else {
        Ok(())
    };
    opened.map_err(|e| unopenable(path, &e))
}

/// A path that exists but cannot be opened.
fn unopenable(path: &Path, e: &std::io::Error) -> NoInput {
    let p = path.display();
    let why = if e.kind() == ErrorKind::PermissionDenied {
        Text::new(
            format!("không có quyền đọc «{p}»"),
            format!("no permission to read «{p}»"),
        )
    } else {
        Text::new(
            format!("không mở được «{p}» ({e})"),
            format!("cannot open «{p}» ({e})"),
        )
    };
    NoInput {
        path: path.to_path_buf(),
        why,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_under_another_path_or_a_link_is_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.csv");
        let b = dir.path().join("b.csv");
        std::fs::write(&a, "x").unwrap();
        std::fs::write(&b, "x").unwrap();
        let dotted = dir.path().join(".").join("a.csv");
        let mut paths = vec![a.clone(), b.clone(), dotted.clone()];
        #[cfg(unix)]
        {
            let link = dir.path().join("link.csv");
            std::os::unix::fs::symlink(&a, &link).unwrap();
            paths.push(link);
        }
        let (kept, repeated) = distinct(&paths);
        assert_eq!(kept, [a.as_path(), b.as_path()]);
        assert_eq!(repeated[0], (dotted.as_path(), a.as_path()));
        assert!(repeated.iter().all(|(_, first)| *first == a.as_path()));
        // A file that does not exist is kept: the reader says why it cannot be read.
        let missing = dir.path().join("none.csv");
        let twice = [missing.clone(), missing];
        let (kept, _) = distinct(&twice);
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn an_input_that_cannot_be_used_is_named_with_why() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.csv");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(check_input(&file, Expect::File), Ok(()));
        assert_eq!(check_input(dir.path(), Expect::Folder), Ok(()));
        assert_eq!(check_input(dir.path(), Expect::FileOrFolder), Ok(()));
        let missing = dir.path().join("khong-co.csv");
        let e = check_input(&missing, Expect::File).unwrap_err();
        assert_eq!(e.path, missing);
        assert!(e.why.vi.starts_with("không có tệp «"), "{}", e.why.vi);
        assert!(e.why.en.contains("khong-co.csv"), "{}", e.why.en);
        // A file where a folder is expected, and the other way round.
        let e = check_input(&file, Expect::Folder).unwrap_err();
        assert!(e.why.vi.contains("không phải là thư mục"), "{}", e.why.vi);
        let e = check_input(dir.path(), Expect::File).unwrap_err();
        assert!(
            e.why.vi.contains("là thư mục, không phải tệp"),
            "{}",
            e.why.vi
        );
        // A path through a file: as missing.
        let e = check_input(&file.join("x.csv"), Expect::File).unwrap_err();
        assert!(e.why.en.starts_with("no such file"), "{}", e.why.en);
    }

    #[test]
    fn a_file_without_read_permission_is_said_so() {
        // Built from the error the system gives (root reads anything, so no file is made unreadable).
        let denied = std::io::Error::from(ErrorKind::PermissionDenied);
        let e = unopenable(Path::new("xa.csv"), &denied);
        assert_eq!(e.why.vi, "không có quyền đọc «xa.csv»");
        assert_eq!(e.why.en, "no permission to read «xa.csv»");
    }
}
