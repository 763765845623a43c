//! What `-o` may write to, and how: devices and FIFOs written through and left as they are, anything
//! else that is not a regular file refused, links followed to the file they point to, every file the
//! run reads protected whatever its name, a new file never taken from another process, no temporary
//! file left by Ctrl-C or SIGTERM; a full disk is exit 74, a closed pipe keeps the verdict's code.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::{Commune, csv, districts_csv, run, write};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/communes.csv");

fn data(dir: &Path) -> String {
    write(
        dir,
        "xa.csv",
        &csv(&[
            Commune {
                code: "A",
                name: "Gia Cát",
                year: 2024,
                set: &[],
            },
            Commune {
                code: "B",
                name: "Tân Liên",
                year: 2024,
                set: &[("2.2", "66,8")],
            },
        ]),
    )
}

/// The binary as a plain process, to wire its standard streams and signal it.
fn ntm() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ntm"));
    cmd.env("NO_COLOR", "1");
    cmd
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(ok.success());
}

fn is_char_device(path: &str) -> bool {
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_char_device()
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .unwrap()
        .file_type()
        .is_fifo()
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

fn temps(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.contains(".ntm-tmp-"))
        .collect()
}

/// A character device of the test's own (`mknod`, which needs root): `c 1 3` is a null device, `c 1
/// 7` a full one.
fn own_device(dir: &Path, name: &str, minor: &str) -> Option<String> {
    let path = dir.join(name);
    let made = Command::new("mknod")
        .arg(&path)
        .args(["c", "1", minor])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    made.then(|| path.display().to_string())
}

/// Whether the tests run as root (who could rename over /dev/null).
fn root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let probe = write(dir.path(), "probe", "");
    std::fs::metadata(probe).unwrap().uid() == 0
}

#[test]
fn dev_null_and_dev_full_are_written_through_and_stay_devices() {
    // First on devices of this test's own: a binary that renamed over a device would break only
    // these, and the test stops before /dev/null and /dev/full are handed to it.
    let dir = tempfile::tempdir().unwrap();
    let own = own_device(dir.path(), "null", "3").zip(own_device(dir.path(), "full", "7"));
    match &own {
        Some((null, full)) => {
            let (code, _, err) = run(&["check", SAMPLES, "-o", null, "--force"]);
            assert_eq!(code, 1, "{err}");
            assert!(is_char_device(null), "still a device");
            let (code, _, err) = run(&["check", SAMPLES, "-o", full, "--force"]);
            assert_eq!(code, 74, "{err}");
            assert!(is_char_device(full), "still a device");
        }
        None if root() => {
            eprintln!("mknod failed as root: /dev/null and /dev/full are not risked");
            return;
        }
        // Without root, /dev/null cannot be replaced whatever ntm does.
        None => {}
    }
    let (code, _, err) = run(&["check", SAMPLES, "-o", "/dev/null", "--force"]);
    assert_eq!(code, 1, "the verdict, as without -o: {err}");
    assert!(is_char_device("/dev/null"));
    let (code, _, err) = run(&["check", SAMPLES, "-o", "/dev/null"]);
    assert_eq!(
        code, 1,
        "a device is not replaced: no --force needed: {err}"
    );
    assert!(is_char_device("/dev/null"));
    // A full disk: exit 74, said.
    let (code, _, err) = run(&["check", SAMPLES, "-o", "/dev/full", "--lang", "en"]);
    assert_eq!(code, 74, "{err}");
    assert!(
        err.contains("cannot write the report: no space left on the disk"),
        "{err}"
    );
    assert!(is_char_device("/dev/full"));
    let (code, _, err) = run(&[
        "diff",
        SAMPLES,
        "--from",
        "2023",
        "--to",
        "2024",
        "-o",
        "/dev/full",
    ]);
    assert_eq!(code, 74, "{err}");
    assert!(err.contains("không ghi được kết quả"), "{err}");
    let (code, _, err) = run(&["template", "-o", "/dev/full"]);
    assert_eq!(code, 74, "{err}");
    assert!(is_char_device("/dev/full"));
}

#[test]
fn a_fifo_is_written_through_and_stays_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(dir.path());
    let fifo = dir.path().join("ong");
    mkfifo(&fifo);
    let (code, expected, _) = run(&["check", &f, "--format", "csv"]);
    assert_eq!(code, 1);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut got = Vec::new();
            File::open(&fifo).unwrap().read_to_end(&mut got).unwrap();
            got
        })
    };
    let (code, stdout, err) = run(&["check", &f, "--format", "csv", "-o", fifo.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(stdout.is_empty());
    let got = reader.join().unwrap();
    assert_eq!(String::from_utf8(got).unwrap(), expected);
    assert!(is_fifo(&fifo), "still a FIFO");
    assert_eq!(temps(dir.path()), Vec::<String>::new());
}

#[test]
fn directories_sockets_and_block_devices_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(dir.path());
    let sub = dir.path().join("bao-cao");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("cu.txt"), "giữ").unwrap();
    let (code, stdout, err) = run(&[
        "check",
        &f,
        "-o",
        sub.to_str().unwrap(),
        "--force",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 64, "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("is a directory: name a file in it"), "{err}");
    assert!(sub.is_dir());
    assert_eq!(names(&sub), ["cu.txt"]);
    assert_eq!(std::fs::read_to_string(sub.join("cu.txt")).unwrap(), "giữ");
    // Refused before reading: a missing data file is not even reported.
    let (code, _, err) = run(&["check", "/nonexistent.csv", "-o", sub.to_str().unwrap()]);
    assert_eq!(code, 64, "{err}");
    let (code, _, err) = run(&[
        "diff",
        "/nonexistent.csv",
        "--from",
        "2023",
        "--to",
        "2024",
        "-o",
        sub.to_str().unwrap(),
    ]);
    assert_eq!(code, 64, "{err}");
    assert!(err.contains("là thư mục"), "{err}");

    let sock = dir.path().join("s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let (code, _, err) = run(&[
        "check",
        &f,
        "-o",
        sock.to_str().unwrap(),
        "--force",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 64, "{err}");
    assert!(
        err.contains("is a socket, not a regular file: ntm does not write there"),
        "{err}"
    );
    assert!(
        std::fs::symlink_metadata(&sock)
            .unwrap()
            .file_type()
            .is_socket()
    );
    // A block device of the test's own (a RAM disk's numbers: harmless even if opened), as root.
    let blk = dir.path().join("dia");
    let made = Command::new("mknod")
        .arg(&blk)
        .args(["b", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let (code, _, err) = run(&[
            "check",
            &f,
            "-o",
            blk.to_str().unwrap(),
            "--force",
            "--lang",
            "en",
        ]);
        assert_eq!(code, 64, "{err}");
        assert!(
            err.contains("is a block device (a disk), not a regular file"),
            "{err}"
        );
        assert!(
            std::fs::symlink_metadata(&blk)
                .unwrap()
                .file_type()
                .is_block_device()
        );
    }
    assert_eq!(temps(dir.path()), Vec::<String>::new());
}

#[test]
fn a_link_is_followed_with_force_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(dir.path());
    let real = dir.path().join("that.json");
    std::fs::write(&real, "cũ").unwrap();
    let link = dir.path().join("kq.json");
    std::os::unix::fs::symlink("that.json", &link).unwrap();
    let (code, _, err) = run(&["check", &f, "-o", link.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 64, "{err}");
    assert!(err.contains("already exists: add --force"), "{err}");
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "cũ");
    let (code, _, err) = run(&["check", &f, "-o", link.to_str().unwrap(), "--force"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("that.json"));
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&real).unwrap()).unwrap();
    assert_eq!(doc["communes"].as_array().unwrap().len(), 2);
    // A link to nothing is not written through.
    let dangling = dir.path().join("nothing.json");
    std::os::unix::fs::symlink("missing/x.json", &dangling).unwrap();
    let (code, _, err) = run(&["check", &f, "-o", dangling.to_str().unwrap(), "--force"]);
    assert_eq!(code, 64, "{err}");
    assert!(!dir.path().join("missing").exists());
    assert_eq!(temps(dir.path()), Vec::<String>::new());
}

/// Every file the run reads, under any name: refused with --force, named, left byte for byte.
#[test]
fn no_file_the_run_reads_is_written_over_under_any_name() {
    let dir = tempfile::tempdir().unwrap();
    let f = data(dir.path());
    let before = std::fs::read(&f).unwrap();
    let en = |args: &[&str]| {
        let mut a = args.to_vec();
        a.extend(["--force", "--lang", "en"]);
        run(&a)
    };
    // A symbolic link, a hard link, a second spelling of the data file.
    let sym = dir.path().join("sym.csv");
    std::os::unix::fs::symlink(&f, &sym).unwrap();
    let hard = dir.path().join("hard.csv");
    std::fs::hard_link(&f, &hard).unwrap();
    let dotted = format!("{}/./xa.csv", dir.path().display());
    for out in [sym.to_str().unwrap(), hard.to_str().unwrap(), &dotted] {
        let (code, _, err) = en(&["check", &f, "-o", out]);
        assert_eq!(code, 64, "{out}: {err}");
        assert!(
            err.contains(&format!(
                "{out} is an input file ({f}): ntm never writes over"
            )),
            "{err}"
        );
        assert_eq!(std::fs::read(&f).unwrap(), before);
    }
    assert!(
        std::fs::symlink_metadata(&sym)
            .unwrap()
            .file_type()
            .is_symlink()
    );

    // The district file of check; the map and district files of diff.
    let d = write(
        dir.path(),
        "huyen.csv",
        &districts_csv(&[("CL", "Cao Lộc", 2024, &[])]),
    );
    let d_before = std::fs::read(&d).unwrap();
    let (code, _, err) = en(&["check", &f, "--districts", &d, "-o", &d]);
    assert_eq!(code, 64, "{err}");
    assert!(err.contains(&format!("{d} is an input file")), "{err}");
    assert_eq!(std::fs::read(&d).unwrap(), d_before);
    let map = write(dir.path(), "map.csv", "ma_xa_cu,ma_xa_moi\n06199,06199\n");
    let (code, _, err) = en(&[
        "diff", SAMPLES, "--from", "2023", "--to", "2024", "--map", &map, "-o", &map,
    ]);
    assert_eq!(code, 64, "{err}");
    assert!(err.contains(&format!("{map} is an input file")), "{err}");
    assert_eq!(
        std::fs::read_to_string(&map).unwrap(),
        "ma_xa_cu,ma_xa_moi\n06199,06199\n"
    );

    // A criteria file loaded through --criteria, for check, diff and template.
    let criteria = dir.path().join("tieu-chi");
    let version = criteria.join("lang-son-2024");
    std::fs::create_dir_all(&version).unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("criteria/lang-son-2024");
    for e in std::fs::read_dir(&bundled).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), version.join(e.file_name())).unwrap();
    }
    // The folder's periods.toml is read too (which version scores which year).
    let periods = criteria.join("periods.toml");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("criteria/periods.toml"),
        &periods,
    )
    .unwrap();
    let periods_before = std::fs::read(&periods).unwrap();
    let toml = version.join("xa-ntm.toml");
    let toml_before = std::fs::read(&toml).unwrap();
    let link = dir.path().join("tc.toml");
    std::os::unix::fs::symlink(&toml, &link).unwrap();
    let c = criteria.to_str().unwrap();
    for args in [
        vec!["check", &f],
        vec!["diff", SAMPLES, "--from", "2023", "--to", "2024"],
        vec!["template"],
    ] {
        for out in [
            toml.to_str().unwrap(),
            link.to_str().unwrap(),
            periods.to_str().unwrap(),
        ] {
            let mut a = vec!["--criteria", c];
            a.extend(&args);
            a.extend(["-o", out, "--format", "csv"]);
            let (code, _, err) = en(&a);
            assert_eq!(code, 64, "{a:?}: {err}");
            assert!(
                err.contains(&format!("{out} is an input file")),
                "{a:?}: {err}"
            );
            let name = if out.ends_with("periods.toml") {
                "periods.toml"
            } else {
                "xa-ntm.toml"
            };
            assert!(err.contains(name), "the file is named: {err}");
            assert_eq!(std::fs::read(&toml).unwrap(), toml_before);
            assert_eq!(std::fs::read(&periods).unwrap(), periods_before);
        }
    }
    assert_eq!(temps(dir.path()), Vec::<String>::new());
    assert_eq!(temps(&version), Vec::<String>::new());
}

/// `ntm check FIFO --year 2024 -o OUT`: the temporary file is made before the data is read, and the
/// run then waits for data on the FIFO (see [`feed`]).
fn stalled_check(dir: &Path, out: &Path) -> (Child, PathBuf) {
    let fifo = dir.join("so-lieu.csv");
    mkfifo(&fifo);
    let child = ntm()
        .args([
            "check",
            fifo.to_str().unwrap(),
            "--year",
            "2024",
            "-o",
            out.to_str().unwrap(),
            "--lang",
            "en",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    (child, fifo)
}

/// The writing end of the FIFO, once ntm has opened it for reading (closing it before would lose
/// what was written, and leave ntm waiting for a writer).
fn feed(fifo: &Path, child: &mut Child) -> File {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK on Linux: opening the writing end fails (ENXIO) while there is no reader.
    const O_NONBLOCK: i32 = 0o4000;
    loop {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(fifo)
        {
            // A reader is there: the blocking end, so that writes wait for room.
            Ok(_probe) => return File::options().write(true).open(fifo).unwrap(),
            Err(e) if e.raw_os_error() == Some(6) => {} // ENXIO
            Err(e) => panic!("{e}"),
        }
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("ntm ended ({status}) before reading its data: {err}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The temporary file, once ntm made a file (or the run's stderr if it ended first).
fn wait_for_temp(dir: &Path, child: &mut Child, target: &str) -> PathBuf {
    loop {
        let made: Vec<String> = names(dir)
            .into_iter()
            .filter(|n| n != "so-lieu.csv")
            .collect();
        if let [t] = made.as_slice() {
            assert!(
                t.starts_with(&format!(".{target}.ntm-tmp-")),
                "a recognisable name: {t}"
            );
            return dir.join(t);
        }
        assert!(made.is_empty(), "{made:?}");
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("ntm ended ({status}) before making its temporary file: {err}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

fn kill(child: &Child, signal: &str) {
    let ok = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn sigterm_and_ctrl_c_leave_no_temporary_file() {
    for (signal, code) in [("-TERM", 143), ("-INT", 130)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("big.json");
        let (mut child, fifo) = stalled_check(dir.path(), &out);
        let temp = wait_for_temp(dir.path(), &mut child, "big.json");
        // Rows are flowing in: the report is being written.
        let codes: Vec<String> = (0..200).map(|i| format!("X{i}")).collect();
        let rows: Vec<Commune> = codes
            .iter()
            .map(|c| Commune {
                code: c,
                name: "Xã",
                year: 2024,
                set: &[],
            })
            .collect();
        let text = csv(&rows);
        let mut rows_in = feed(&fifo, &mut child);
        rows_in
            .write_all(&text.as_bytes()[..text.len() / 2])
            .unwrap();
        assert!(temp.exists());
        kill(&child, signal);
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{signal}");
        assert_eq!(names(dir.path()), ["so-lieu.csv"], "{signal}");
        drop(rows_in);
    }
}

#[test]
fn a_file_created_meanwhile_is_not_clobbered() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("kq.csv");
    let (mut child, fifo) = stalled_check(dir.path(), &out);
    wait_for_temp(dir.path(), &mut child, "kq.csv");
    // Another process takes the name while ntm reads.
    std::fs::write(&out, "của người khác").unwrap();
    let text = csv(&[Commune {
        code: "A",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    }]);
    let mut rows_in = feed(&fifo, &mut child);
    rows_in.write_all(text.as_bytes()).unwrap();
    drop(rows_in);
    let done = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&done.stderr);
    assert_eq!(done.status.code(), Some(64), "{err}");
    assert!(
        err.contains("kq.csv was created while ntm ran: left as it is, not overwritten"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "của người khác");
    assert_eq!(temps(dir.path()), Vec::<String>::new());
}

/// `ntm ARGS > /dev/full`.
fn to_full_disk(args: &[&str]) -> (i32, String) {
    let out = ntm()
        .args(args)
        .stdout(File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_full_disk_on_standard_output_is_exit_74() {
    for args in [
        &["check", "--help"][..],
        &["criteria", "list"],
        &["criteria", "show", "xa-ntm"],
        &["criteria", "lint"],
        &["check", SAMPLES],
        &["template"],
        &["diff", SAMPLES, "--from", "2023", "--to", "2024"],
        &["test", concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases")],
    ] {
        let mut a = args.to_vec();
        a.extend(["--lang", "en"]);
        let (code, err) = to_full_disk(&a);
        assert_eq!(code, 74, "{args:?}: {err}");
        assert!(err.contains("no space left on the disk"), "{args:?}: {err}");
    }
}

/// Run `ntm ARGS`, read the first bytes of its output, close the pipe, and return its exit code.
fn closed_early(args: &[&str]) -> (i32, String) {
    let mut child = ntm()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 100];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let done = child.wait_with_output().unwrap();
    (
        done.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&done.stderr).into_owned(),
    )
}

#[test]
fn a_closed_pipe_keeps_the_verdict() {
    // About 2 MB: far more than a pipe holds, so the reader is gone long before the end.
    let args = ["check", SAMPLES, "--explain"];
    let (code, out, _) = run(&args);
    assert_eq!(code, 1, "the verdict without a pipe");
    assert!(out.len() > 1 << 20, "{}", out.len());
    let (code, err) = closed_early(&args);
    assert_eq!(code, 1, "the same verdict with `| head`: {err}");
    assert!(!err.contains("Broken pipe"), "{err}");
    // The same through -o /dev/stdout (a pipe, written through).
    let (code, err) = closed_early(&["check", SAMPLES, "--explain", "-o", "/dev/stdout"]);
    assert_eq!(code, 1, "{err}");
    // A command without a verdict: success.
    let (code, err) = closed_early(&["criteria", "show", "xa-ntm"]);
    assert_eq!(code, 0, "{err}");
}
