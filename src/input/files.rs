//! Files known by what they are, not by how they are named: the same file given twice, under two
//! paths or through a link, is one file.

use std::path::{Path, PathBuf};

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

impl FileId {
    /// The identity of an existing file (links followed), or `None` when it cannot be read.
    pub fn of(path: &Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(path).ok()?;
            Some(FileId(Id::Inode(m.dev(), m.ino())))
        }
        #[cfg(not(unix))]
        {
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
}
