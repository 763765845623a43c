//! Where a report goes, and how it gets there without harming any file:
//!
//! - standard output, which may close early (`ntm … | head`): the rest is discarded in silence and
//!   the exit code is still the verdict's;
//! - a character device or a FIFO (`-o /dev/null`, `-o /dev/stdout`, a named pipe): written
//!   through, nothing created, renamed or truncated;
//! - a regular file: written whole or not at all, as a temporary file beside it
//!   (`.NAME.ntm-tmp-XXXXXX`, removed if the run is interrupted) put in place at the end: a new
//!   name is never taken from a file another process created meanwhile, an existing file is
//!   replaced atomically and only with `--force` (a symbolic link stays a link: the file it points
//!   to is replaced);
//! - never over a file the run reads (data, districts, map, criteria; compared by identity, so a
//!   second name or a link is caught), never into a directory, a socket, a block device.

use ntm::i18n::io_reason;
use std::fs::{File, Metadata};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use ntm::exit;
use ntm::input::files::FileId;
use ntm::report::Format;

use super::{Ctx, FormatArg};

/// The temporary file being written: the signal handler removes it.
static TEMP: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Set once standard output's reader has gone.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

fn temp_slot() -> MutexGuard<'static, Option<PathBuf>> {
    TEMP.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) enum Output {
    Stdout,
    /// A character device or a FIFO, written through.
    Stream {
        file: File,
        closed: AtomicBool,
    },
    /// A regular file: the temporary file, and where it goes.
    File {
        temp: tempfile::NamedTempFile,
        path: PathBuf,
        /// Replace an existing file (`--force`); otherwise never take the name of a file that exists.
        replace: bool,
        _registered: Registered,
    },
}

/// The temporary file's path, known to the signal handler while this lives.
pub(crate) struct Registered(PathBuf);

impl Drop for Registered {
    fn drop(&mut self) {
        let mut slot = temp_slot();
        if slot.as_ref() == Some(&self.0) {
            *slot = None;
        }
    }
}

/// `-o NAME.pdf`: ntm writes no PDF, and a report of another format under that name would not open
/// as one. Refused (exit 64) before anything is read or created, pointing to `NAME.instead` (for
/// `html`: a report to print to PDF from a browser).
pub(crate) fn refuse_pdf(ctx: &Ctx, path: Option<&Path>, instead: &str) -> Result<(), i32> {
    let Some(path) = path else { return Ok(()) };
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
    {
        return Ok(());
    }
    let shown = path.display();
    let other = path.with_extension(instead);
    let other = other.display();
    let (vi, en) = if instead == "html" {
        (
            format!(
                "ntm không ghi tệp PDF ({shown}): ghi báo cáo in được bằng -o {other}, rồi mở bằng trình duyệt và in ra PDF (Ctrl+P)"
            ),
            format!(
                "ntm does not write PDF ({shown}): write the printable report with -o {other}, then open it in a browser and print it to PDF (Ctrl+P)"
            ),
        )
    } else {
        (
            format!("ntm không ghi tệp PDF ({shown}): hãy ghi -o {other}"),
            format!("ntm does not write PDF ({shown}): write -o {other} instead"),
        )
    };
    ctx.error(&vi, &en);
    Err(exit::USAGE)
}

/// A file that appeared under the output's name while the report was being written.
#[derive(Debug)]
struct Appeared(PathBuf);

impl std::fmt::Display for Appeared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} appeared meanwhile", self.0.display())
    }
}

impl std::error::Error for Appeared {}

/// What a name leads to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Regular,
    Directory,
    /// A character device (`/dev/null`, a terminal) or a FIFO: a stream to write through.
    Stream,
    /// Anything else, by name: a socket, a block device…
    Other(&'static str, &'static str),
}

impl Kind {
    fn of(meta: &Metadata) -> Kind {
        let t = meta.file_type();
        if t.is_file() {
            return Kind::Regular;
        }
        if t.is_dir() {
            return Kind::Directory;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_char_device() || t.is_fifo() {
                return Kind::Stream;
            }
            if t.is_block_device() {
                return Kind::Other("thiết bị khối (ổ đĩa)", "a block device (a disk)");
            }
            if t.is_socket() {
                return Kind::Other("socket", "a socket");
            }
        }
        Kind::Other("không phải tệp thường", "not a regular file")
    }

    #[cfg(unix)]
    fn is_char_device(meta: &Metadata) -> bool {
        use std::os::unix::fs::FileTypeExt;
        meta.file_type().is_char_device()
    }

    #[cfg(not(unix))]
    fn is_char_device(_: &Metadata) -> bool {
        false
    }
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

    /// Open the output, or say why not (exit 64). `inputs` are the files the command reads; the
    /// criteria files loaded through `--criteria` are added from `ctx`.
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
        let refuse = |vi: String, en: String| {
            ctx.error(&vi, &en);
            exit::USAGE
        };
        // A file whose name says another format than the one written would be opened by the wrong
        // program (Markdown in a .xlsx): refused. Text of any kind may go to a .txt.
        if let Some(named) = Format::from_path(path)
            && named != format
            && !(named == Format::Table
                && matches!(format, Format::Md | Format::Csv | Format::Json))
        {
            let (n, f) = (named.name(), format.name());
            return Err(refuse(
                format!(
                    "tệp kết quả {shown} có đuôi của định dạng {n} nhưng định dạng ghi là {f}: đổi đuôi tệp, hoặc bỏ --format để ghi theo đuôi tệp"
                ),
                format!(
                    "the output file {shown} has the extension of the {n} format but the format written is {f}: change the extension, or leave out --format to write what the extension says"
                ),
            ));
        }
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Output::create(ctx, path, None);
            }
            Err(e) => {
                return Err(refuse(
                    format!("không xem được {shown}: {}", io_reason(&e).vi),
                    format!("cannot look at {shown}: {}", io_reason(&e).en),
                ));
            }
        };
        // A symbolic link: what it points to decides, and a regular file there is the one replaced.
        // (The kernel follows it: `/dev/stdout` leads to a pipe that has no path.)
        let (target, meta) = if meta.file_type().is_symlink() {
            let followed = std::fs::metadata(path).and_then(|m| match Kind::of(&m) {
                Kind::Regular => path.canonicalize().map(|real| (real, m)),
                _ => Ok((path.to_path_buf(), m)),
            });
            match followed {
                Ok(found) => found,
                Err(e) => {
                    return Err(refuse(
                        format!(
                            "{shown} là liên kết tới một tệp không mở được ({e}): không ghi theo liên kết này"
                        ),
                        format!(
                            "{shown} is a symbolic link to a file that cannot be opened ({e}): not written through"
                        ),
                    ));
                }
            }
        } else {
            (path.to_path_buf(), meta)
        };
        // A terminal or /dev/null may also be read from; writing to it overwrites nothing.
        if !Kind::is_char_device(&meta)
            && let Some(input) = read_by_this_run(ctx, inputs, &target)
        {
            let (vi, en) = if input.as_os_str() == path.as_os_str() {
                (String::new(), String::new())
            } else {
                let i = input.display();
                (format!(" ({i})"), format!(" ({i})"))
            };
            return Err(refuse(
                format!("{shown} là tệp đầu vào{vi}: ntm không bao giờ ghi đè lên tệp nó đọc"),
                format!("{shown} is an input file{en}: ntm never writes over what it reads"),
            ));
        }
        match Kind::of(&meta) {
            Kind::Regular if force => Output::create(ctx, &target, Some(&meta)),
            Kind::Regular => {
                let to = if target == path {
                    String::new()
                } else {
                    format!(" (→ {})", target.display())
                };
                Err(refuse(
                    format!("{shown}{to} đã có: thêm --force để thay thế"),
                    format!("{shown}{to} already exists: add --force to replace it"),
                ))
            }
            Kind::Stream => Output::stream(ctx, path),
            Kind::Directory => Err(refuse(
                format!("{shown} là thư mục: hãy cho tên một tệp trong đó"),
                format!("{shown} is a directory: name a file in it"),
            )),
            Kind::Other(vi, en) => Err(refuse(
                format!("{shown} là {vi}, không phải tệp thường: ntm không ghi vào đó"),
                format!("{shown} is {en}, not a regular file: ntm does not write there"),
            )),
        }
    }

    /// A temporary file beside `target`, to become it at the end; `existing` is the file replaced.
    fn create(ctx: &Ctx, target: &Path, existing: Option<&Metadata>) -> Result<Output, i32> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let Some(name) = target.file_name() else {
            let shown = target.display();
            ctx.error(
                &format!("{shown} không phải tên tệp"),
                &format!("{shown} is not a file name"),
            );
            return Err(exit::USAGE);
        };
        // Recognisable if ever left behind; short enough for any file system's name limit.
        let name: String = name.to_string_lossy().chars().take(100).collect();
        let prefix = format!(".{name}.ntm-tmp-");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).rand_bytes(6);
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            // A report is an ordinary file (the umask applies), or keeps the mode of the one it replaces.
            let mode = existing.map_or(0o666, |m| m.permissions().mode() & 0o777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
            mode
        };
        let _ = existing;
        // The handler must know the file from the moment it exists.
        let mut slot = temp_slot();
        let temp = match builder.tempfile_in(&dir) {
            Ok(t) => t,
            Err(e) => {
                drop(slot);
                ctx.error(
                    &format!(
                        "không tạo được tệp trong {}: {}",
                        dir.display(),
                        io_reason(&e).vi
                    ),
                    &format!(
                        "cannot create a file in {}: {}",
                        dir.display(),
                        io_reason(&e).en
                    ),
                );
                return Err(exit::USAGE);
            }
        };
        *slot = Some(temp.path().to_path_buf());
        drop(slot);
        #[cfg(unix)]
        if existing.is_some() {
            // The umask narrowed the mode given at creation; a replaced file keeps its own.
            use std::os::unix::fs::PermissionsExt;
            let _ = temp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode));
        }
        Ok(Output::File {
            _registered: Registered(temp.path().to_path_buf()),
            temp,
            path: target.to_path_buf(),
            replace: existing.is_some(),
        })
    }

    /// A character device or a FIFO, opened for writing as it is (a FIFO waits for its reader).
    fn stream(ctx: &Ctx, path: &Path) -> Result<Output, i32> {
        let shown = path.display();
        let file = std::fs::OpenOptions::new().write(true).open(path);
        // Checked again on what was opened, in case the name changed hands since it was looked at.
        match file.and_then(|f| f.metadata().map(|m| (f, m))) {
            Ok((file, meta)) if Kind::of(&meta) == Kind::Stream => Ok(Output::Stream {
                file,
                closed: AtomicBool::new(false),
            }),
            Ok(_) => {
                ctx.error(
                    &format!("{shown} vừa bị thay bằng một tệp khác: không ghi"),
                    &format!("{shown} was just replaced by another kind of file: not written"),
                );
                Err(exit::USAGE)
            }
            Err(e) => {
                ctx.error(
                    &format!("không mở được {shown} để ghi: {}", io_reason(&e).vi),
                    &format!("cannot open {shown} for writing: {}", io_reason(&e).en),
                );
                Err(exit::USAGE)
            }
        }
    }

    /// A writer for the report.
    pub fn writer(&mut self) -> Box<dyn Write + Send + '_> {
        match self {
            Output::Stdout => Box::new(io::BufWriter::new(PipeSafe::stdout())),
            Output::Stream { file, closed } => Box::new(io::BufWriter::new(PipeSafe {
                inner: file,
                closed,
            })),
            Output::File { temp, .. } => Box::new(io::BufWriter::new(temp.as_file_mut())),
        }
    }

    /// A writer whose bytes a thread of `scope` writes to this output, so that writing (a
    /// copy into the kernel that took as long as the check itself for a 250 MB JSON report on a
    /// virtual disk) goes on while the run goes on. The bytes go over in chunks of [`CHUNK`], at
    /// most [`AHEAD`] of them waiting. What the thread could not write is given by its handle:
    /// join it once the writer is dropped (dropping it hands over what it holds), before
    /// [`Output::commit`].
    fn write_behind<'scope, 'env>(
        &'env mut self,
        scope: &'scope std::thread::Scope<'scope, 'env>,
    ) -> (
        Behind,
        std::thread::ScopedJoinHandle<'scope, io::Result<()>>,
    ) {
        behind(scope, self.writer())
    }

    /// Run `run` with the report's writer, the writing done by a thread of its own
    /// ([`Output::write_behind`]; `run` drops the writer when it returns, the thread then writes
    /// what is left). An error of the run's own (`is_write` says which are writing errors) comes
    /// first: a refusal says more than the write it cut short; else what the thread could not
    /// write; else the run's outcome.
    pub fn run_behind<T, E: From<io::Error>>(
        &mut self,
        is_write: impl Fn(&E) -> bool,
        run: impl FnOnce(Behind) -> Result<T, E>,
    ) -> Result<T, E> {
        std::thread::scope(|scope| {
            let (out, written) = self.write_behind(scope);
            let ran = run(out);
            let written = written
                .join()
                .unwrap_or_else(|_| Err(io::Error::other("the report's writer failed")));
            match (ran, written) {
                (Err(e), _) if !is_write(&e) => Err(e),
                (_, Err(e)) => Err(e.into()),
                (ran, Ok(())) => ran,
            }
        })
    }

    /// Put the finished file in place (nothing to do for a stream: the writer flushed it).
    pub fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout | Output::Stream { .. } => Ok(()),
            Output::File {
                temp,
                path,
                replace,
                _registered,
            } => {
                temp.as_file().sync_all()?;
                let slot = temp_slot();
                let done = if replace {
                    temp.persist(&path)
                } else {
                    temp.persist_noclobber(&path)
                };
                let done = match done {
                    Ok(_) => Ok(()),
                    Err(e) if !replace && e.error.kind() == io::ErrorKind::AlreadyExists => {
                        Err(io::Error::new(io::ErrorKind::AlreadyExists, Appeared(path)))
                    }
                    Err(e) => Err(e.error),
                };
                drop(slot);
                done
            }
        }
    }
}

/// The bytes [`Behind`] hands over at a time.
const CHUNK: usize = 256 * 1024;
/// Chunks handed over and not yet written, at most.
const AHEAD: usize = 4;

/// [`Output::write_behind`] for any writer.
fn behind<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    mut w: Box<dyn Write + Send + 'env>,
) -> (
    Behind,
    std::thread::ScopedJoinHandle<'scope, io::Result<()>>,
) {
    let (to, from) = std::sync::mpsc::sync_channel::<Vec<u8>>(AHEAD);
    let (give_back, back) = std::sync::mpsc::channel();
    let written = scope.spawn(move || {
        for chunk in from {
            w.write_all(&chunk)?;
            let _ = give_back.send(chunk);
        }
        w.flush()
    });
    let behind = Behind {
        buf: Vec::with_capacity(CHUNK),
        to: Some(to),
        back,
    };
    (behind, written)
}

/// The writing end of [`Output::write_behind`]: bytes are gathered into a chunk, and a full chunk
/// is handed to the writing thread (which gives it back, to be filled again).
pub(crate) struct Behind {
    buf: Vec<u8>,
    to: Option<std::sync::mpsc::SyncSender<Vec<u8>>>,
    back: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl Behind {
    fn hand_over(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut next = self
            .back
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        next.clear();
        let full = std::mem::replace(&mut self.buf, next);
        match &self.to {
            // The thread stopped at an error, which its handle gives.
            Some(to) => to
                .send(full)
                .map_err(|_| io::Error::other("the report's writer stopped")),
            None => Ok(()),
        }
    }
}

impl Write for Behind {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.hand_over()?;
        }
        Ok(bytes.len())
    }

    /// Hands over what is gathered; it is written when the thread comes to it.
    fn flush(&mut self) -> io::Result<()> {
        self.hand_over()
    }
}

impl Drop for Behind {
    fn drop(&mut self) {
        let _ = self.hand_over();
        self.to = None;
    }
}

/// The first of the files this run reads that is `target` itself.
fn read_by_this_run(ctx: &Ctx, inputs: &[&Path], target: &Path) -> Option<PathBuf> {
    let id = FileId::of(target)?;
    let criteria = ctx.read_files.borrow();
    inputs
        .iter()
        .copied()
        .chain(criteria.iter().map(PathBuf::as_path))
        .find(|i| FileId::of(i).as_ref() == Some(&id))
        .map(Path::to_path_buf)
}

/// Say why the report could not be written, and the exit code: 74 for an input/output error (a full
/// disk…), 64 when a file took the new file's name meanwhile (it is left as it is).
pub(crate) fn write_failed(ctx: &Ctx, e: &io::Error) -> i32 {
    if let Some(Appeared(path)) = e.get_ref().and_then(|i| i.downcast_ref::<Appeared>()) {
        let shown = path.display();
        ctx.error(
            &format!(
                "{shown} vừa được tạo trong lúc ntm chạy: giữ nguyên, không ghi đè (thêm --force để thay thế)"
            ),
            &format!(
                "{shown} was created while ntm ran: left as it is, not overwritten (add --force to replace it)"
            ),
        );
        return exit::USAGE;
    }
    ctx.error(
        &format!("không ghi được kết quả: {}", io_reason(e).vi),
        &format!("cannot write the report: {}", io_reason(e).en),
    );
    exit::IO
}

/// A writer that goes quiet once its reader has gone (`ntm … | head`): the run goes on, its output is
/// discarded, and the exit code is still the verdict's.
pub(crate) struct PipeSafe<'a, W: Write> {
    inner: W,
    closed: &'a AtomicBool,
}

impl PipeSafe<'static, io::Stdout> {
    pub(crate) fn stdout() -> Self {
        PipeSafe {
            inner: io::stdout(),
            closed: &STDOUT_CLOSED,
        }
    }
}

impl<W: Write> PipeSafe<'_, W> {
    fn quiet<T>(&self, r: io::Result<T>, done: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::Relaxed);
                Ok(done)
            }
            r => r,
        }
    }
}

impl<W: Write> Write for PipeSafe<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.quiet(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(());
        }
        let r = self.inner.flush();
        self.quiet(r, ())
    }
}

/// On SIGINT, SIGTERM or SIGHUP: remove the temporary file being written, if any, and exit 128 + the
/// signal's number (130, 143, 129), as a shell reports a process the signal ended.
#[cfg(unix)]
pub(crate) fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGHUP, SIGINT, SIGTERM]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held until the exit: the report is not put in place meanwhile.
                let slot = temp_slot();
                if let Some(temp) = slot.as_ref() {
                    let _ = std::fs::remove_file(temp);
                }
                std::process::exit(exit::INTERRUPTED + signal);
            }
        });
}

#[cfg(not(unix))]
pub(crate) fn clean_up_on_signals() {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes written in pieces of every size, with flushes between, come out whole and in order,
    /// past several chunks (the chunks are given back and filled again).
    #[test]
    fn what_is_written_behind_comes_out_whole_and_in_order() {
        let want: Vec<u8> = (0..3 * CHUNK + 777).map(|i| (i * 7 % 251) as u8).collect();
        let mut got = Vec::new();
        std::thread::scope(|scope| {
            let (mut w, written) = behind(scope, Box::new(&mut got));
            let mut at = 0;
            for size in (1..).map(|k| (k * 7919) % 70_000 + 1) {
                let end = (at + size).min(want.len());
                w.write_all(&want[at..end]).unwrap();
                if size % 3 == 0 {
                    w.flush().unwrap();
                }
                at = end;
                if at == want.len() {
                    break;
                }
            }
            drop(w);
            written.join().unwrap().unwrap();
        });
        assert_eq!(got.len(), want.len());
        assert!(got == want, "the bytes differ");
    }

    /// A writer that fails (a full disk) fails the run: its error comes back from the thread, and
    /// writing on does not hang or panic.
    #[test]
    fn a_failing_writer_gives_its_error() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("no space left"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        std::thread::scope(|scope| {
            let (mut w, written) = behind(scope, Box::new(Full));
            let chunk = vec![b'x'; CHUNK];
            let failed = (0..2 * AHEAD + 4).any(|_| w.write_all(&chunk).is_err());
            assert!(failed, "writing on after the error is refused");
            drop(w);
            let e = written.join().unwrap().unwrap_err();
            assert_eq!(e.to_string(), "no space left");
        });
    }

    /// A reader that leaves after `room` bytes.
    struct Pipe {
        got: Vec<u8>,
        room: usize,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.got.len() >= self.room {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room - self.got.len());
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_written_to_no_more_and_is_no_error() {
        let closed = AtomicBool::new(false);
        let mut w = PipeSafe {
            inner: Pipe {
                got: Vec::new(),
                room: 4,
            },
            closed: &closed,
        };
        w.write_all(b"abcdef").unwrap();
        w.write_all(b"more").unwrap();
        w.flush().unwrap();
        assert!(closed.load(Ordering::Relaxed));
        assert_eq!(w.inner.got, b"abcd");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn other_write_errors_are_kept() {
        let closed = AtomicBool::new(false);
        let full = File::options().write(true).open("/dev/full").unwrap();
        let mut w = PipeSafe {
            inner: full,
            closed: &closed,
        };
        let e = w.write_all(b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert!(!closed.load(Ordering::Relaxed));
    }
}
