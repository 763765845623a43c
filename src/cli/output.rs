//! Where a report goes: standard output, or a file written whole or not at all (a temporary file
//! renamed at the end), never over an input file, and over an existing file only with `--force`.

use std::io::Write;
use std::path::{Path, PathBuf};

use ntm::exit;
use ntm::report::Format;

use super::{Ctx, FormatArg};

pub(crate) enum Output {
    Stdout,
    File {
        temp: tempfile::NamedTempFile,
        path: PathBuf,
    },
}

impl Output {
    /// The format to write: the one asked, else the output file's extension, else a table.
    pub fn format(asked: Option<FormatArg>, path: Option<&Path>) -> Format {
        match (asked, path) {
            (Some(f), _) => f.into(),
            (None, Some(p)) => Format::from_path(p).unwrap_or(Format::Table),
            (None, None) => Format::Table,
        }
    }

    /// Open the output, or say why not (exit 64).
    pub fn open(
        ctx: &Ctx,
        path: Option<&Path>,
        force: bool,
        inputs: &[&Path],
        format: Format,
    ) -> Result<Output, i32> {
        let Some(path) = path else {
            if format.is_binary() {
                ctx.error(
                    "định dạng xlsx cần một tệp kết quả: thêm -o TỆP.xlsx",
                    "the xlsx format needs an output file: add -o FILE.xlsx",
                );
                return Err(exit::USAGE);
            }
            return Ok(Output::Stdout);
        };
        let shown = path.display();
        if path.exists() {
            let same = |a: &Path| match (a.canonicalize(), path.canonicalize()) {
                (Ok(x), Ok(y)) => x == y,
                _ => false,
            };
            if inputs.iter().any(|i| same(i)) {
                ctx.error(
                    &format!("{shown} là tệp đầu vào: không ghi đè lên số liệu"),
                    &format!("{shown} is an input file: the data is never overwritten"),
                );
                return Err(exit::USAGE);
            }
            if !force {
                ctx.error(
                    &format!("{shown} đã có: thêm --force để thay thế"),
                    &format!("{shown} already exists: add --force to replace it"),
                );
                return Err(exit::USAGE);
            }
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        match tempfile::NamedTempFile::new_in(&dir) {
            Ok(temp) => Ok(Output::File {
                temp,
                path: path.to_path_buf(),
            }),
            Err(e) => {
                ctx.error(
                    &format!("không tạo được tệp trong {}: {e}", dir.display()),
                    &format!("cannot create a file in {}: {e}", dir.display()),
                );
                Err(exit::USAGE)
            }
        }
    }

    /// A writer for the report.
    pub fn writer(&mut self) -> Box<dyn Write + '_> {
        match self {
            Output::Stdout => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
            Output::File { temp, .. } => Box::new(std::io::BufWriter::new(temp.as_file_mut())),
        }
    }

    /// Put the finished file in place (nothing to do for standard output).
    pub fn commit(self) -> std::io::Result<()> {
        match self {
            Output::Stdout => Ok(()),
            Output::File { temp, path } => {
                // A temporary file is private (0600); a report is an ordinary file.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644))?;
                }
                temp.persist(&path).map(|_| ()).map_err(|e| e.error)
            }
        }
    }
}
