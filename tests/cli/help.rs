//! The help, clap's errors, a missing input and `-o NAME.pdf`: in Vietnamese by default, in English
//! with `--lang en` or `NTM_LANG=en`, with the exit codes documented.

use crate::common::{Commune, csv, ntm, run, write};

/// A data file of one commune, 2024.
fn one_commune() -> String {
    csv(&[Commune {
        code: "06001",
        name: "Gia Cát",
        year: 2024,
        set: &[],
    }])
}

/// Run with `NTM_LANG` set; (exit code, stdout, stderr).
fn run_env(lang: &str, args: &[&str]) -> (i32, String, String) {
    let out = ntm().env("NTM_LANG", lang).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// clap's words and the English option texts, none of which may show in the Vietnamese help.
const ENGLISH: &[&str] = &[
    "Usage",
    "Options",
    "Arguments",
    "Commands",
    "[OPTIONS]",
    "Print help",
    "Print version",
    "[default",
    "possible values",
    "Exit codes",
    "Language of",
    "Load criteria",
    "Use this criteria version",
    "The decimal mark",
    "The commune data",
    "The level to check",
    "Keep only the rows",
    "Write the report",
    "Replace the output file",
    "Score communes",
    "Compare two years",
];

#[test]
fn the_help_is_vietnamese_by_default() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["check", "-h"],
        &["diff", "--help"],
        &["template", "--help"],
        &["test", "--help"],
        &["criteria", "--help"],
        &["criteria", "show", "--help"],
        &["criteria", "lint", "--help"],
        &["criteria", "diff", "--help"],
        &["help", "check"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 0, "{args:?}: {err}");
        for english in ENGLISH {
            assert!(!out.contains(english), "{args:?}: «{english}» in\n{out}");
        }
        assert!(out.contains("Cách dùng: ntm"), "{args:?}\n{out}");
        assert!(out.contains("Tùy chọn:"), "{args:?}\n{out}");
        assert!(out.contains("  -h, --help"), "{args:?}\n{out}");
    }
    let (_, out, _) = run(&["--help"]);
    assert!(out.contains("Cách dùng: ntm [TÙY_CHỌN] <LỆNH>"), "{out}");
    assert!(out.contains("\nLệnh:\n"), "{out}");
    assert!(
        out.contains("  check     Chấm điểm các xã, và với --districts cả các huyện"),
        "{out}"
    );
    let (_, out, _) = run(&["check", "--help"]);
    assert!(
        out.contains("Cách dùng: ntm check [TÙY_CHỌN] <DỮ_LIỆU>..."),
        "{out}"
    );
    assert!(out.contains("\nĐối số:\n"), "{out}");
    assert!(out.contains("--year <NĂM>"), "{out}");
    assert!(out.contains("tệp CSV hoặc Excel (.xlsx)"), "{out}");
    let (_, out, _) = run(&["diff", "--help"]);
    // The description no longer stops at "indicators that turned".
    assert!(
        out.contains("mức lên hay xuống, tiêu chí và chỉ tiêu đổi\ntrạng thái.")
            || out.contains("mức lên hay xuống, tiêu chí và chỉ tiêu đổi trạng thái."),
        "{out}"
    );
    assert!(out.contains("Nhiều mã cũ → một mã mới: sáp nhập"), "{out}");
}

#[test]
fn the_exit_codes_are_in_the_help_in_both_languages() {
    let (_, vi, _) = run(&["check", "--help"]);
    let (_, en, _) = run(&["check", "--help", "--lang", "en"]);
    for (out, lines) in [
        (
            &vi,
            &[
                "Mã thoát:",
                "  64  sai cú pháp lệnh, hoặc tệp kết quả bị từ chối",
                "  65  dữ liệu không đọc được",
                "  66  không có tệp đầu vào, hoặc không mở được (không in gì ra)",
            ],
        ),
        (
            &en,
            &[
                "Exit codes:",
                "  64  usage error, or the output file refused",
                "  65  unreadable data",
                "  66  an input file does not exist or cannot be opened (nothing is printed)",
            ],
        ),
    ] {
        for line in lines {
            assert!(out.contains(&format!("{line}\n")), "{line}\n{out}");
        }
    }
    let (_, out, _) = run(&["diff", "--help"]);
    assert!(out.contains("  66  không có tệp đầu vào"), "{out}");
    let (_, out, _) = run(&["test", "--help", "--lang", "en"]);
    assert!(
        out.contains("  66  a case file or folder does not exist"),
        "{out}"
    );
}

#[test]
fn the_help_is_english_with_lang_en_or_ntm_lang() {
    let english = |out: &str| {
        assert!(
            out.contains("Usage: ntm check [OPTIONS] <DATA>..."),
            "{out}"
        );
        assert!(out.contains("\nOptions:\n"), "{out}");
        assert!(out.contains("Keep only the rows of this year"), "{out}");
        assert!(out.contains("Exit codes:"), "{out}");
        assert!(!out.contains("Cách dùng"), "{out}");
        assert!(!out.contains("Mã thoát"), "{out}");
    };
    let (code, out, _) = run(&["check", "--help", "--lang", "en"]);
    assert_eq!(code, 0);
    english(&out);
    let (code, out, _) = run(&["--lang=en", "check", "--help"]);
    assert_eq!(code, 0);
    english(&out);
    let (code, out, _) = run_env("en", &["check", "--help"]);
    assert_eq!(code, 0);
    english(&out);
    // --lang wins over NTM_LANG.
    let (_, out, _) = run_env("en", &["check", "--help", "--lang", "vi"]);
    assert!(out.contains("Cách dùng: ntm check"), "{out}");
    let (_, out, _) = run(&["--help", "--lang", "en"]);
    assert!(
        out.contains(
            "Compare two years (or two files) of commune results: the levels gained or lost"
        ),
        "{out}"
    );
    assert!(!out.contains("indicators that turned"), "{out}");
}

#[test]
fn ntm_lang_sets_the_language_of_messages_too() {
    let (code, out, err) = run_env("en", &["check", "khong-co.csv"]);
    assert_eq!(code, 66);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("ntm: error: no such file: «khong-co.csv»"),
        "{err}"
    );
    // An unknown value is said, and Vietnamese used.
    let (code, _, err) = run_env("fr", &["check", "khong-co.csv"]);
    assert_eq!(code, 66);
    assert!(err.contains("NTM_LANG=fr"), "{err}");
    assert!(
        err.contains("ntm: lỗi: không có tệp «khong-co.csv»"),
        "{err}"
    );
}

#[test]
fn an_option_written_in_vietnamese_is_told_the_option_meant() {
    let (code, out, err) = run(&["check", "--nam", "2024", "x.csv"]);
    assert_eq!(code, 64);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.starts_with("ntm: lỗi: không có tùy chọn «--nam» trong lệnh check; ý bạn là --year?\n"),
        "{err}"
    );
    assert!(
        err.contains("Cách dùng: ntm check [TÙY_CHỌN] <DỮ_LIỆU>..."),
        "{err}"
    );
    assert!(err.contains("Xem thêm: ntm check --help"), "{err}");
    assert!(!err.contains("-- --nam"), "{err}");
    assert!(!err.contains("tip:"), "{err}");
    let (code, _, err) = run(&["check", "--nam", "2024", "x.csv", "--lang", "en"]);
    assert_eq!(code, 64);
    assert!(
        err.starts_with(
            "ntm: error: there is no option «--nam» in the command check; did you mean --year?\n"
        ),
        "{err}"
    );
    let (code, _, err) = run(&["diff", "x.csv", "--năm", "2024"]);
    assert_eq!(code, 64);
    assert!(err.contains("ý bạn là --from hoặc --to?"), "{err}");
    let (code, _, err) = run(&["check", "x.csv", "--xa", "06001"]);
    assert_eq!(code, 64);
    assert!(err.contains("ý bạn là --commune?"), "{err}");
    // A close spelling: clap's suggestion, in Vietnamese.
    let (code, _, err) = run(&["check", "x.csv", "--yaer", "2024"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("«--yaer» trong lệnh check; ý bạn là --year?"),
        "{err}"
    );
}

#[test]
fn claps_other_errors_are_in_vietnamese_and_exit_64() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["check", "x.csv", "--format", "xml"],
            "ntm: lỗi: «xml» không phải giá trị hợp lệ của --format <ĐỊNH_DẠNG>; các giá trị: table, json, csv, md, html, xlsx",
        ),
        (
            &["check", "x.csv", "--year", "2024a"],
            "ntm: lỗi: «2024a» không phải giá trị hợp lệ của --year <NĂM>: cần một số nguyên (ví dụ 2024)",
        ),
        (
            &["check", "x.csv", "--level"],
            "ntm: lỗi: --level <MỨC> cần một giá trị",
        ),
        (&["check"], "ntm: lỗi: thiếu đối số bắt buộc: <DỮ_LIỆU>..."),
        (
            &["chek", "x.csv"],
            "ntm: lỗi: không có lệnh «chek»; ý bạn là check?",
        ),
        (
            &["so-sanh", "x.csv"],
            "ntm: lỗi: không có lệnh «so-sanh»; ý bạn là diff?",
        ),
        (
            &["diff", "a.csv", "b.csv", "c.csv"],
            "ntm: lỗi: thừa đối số «c.csv» (lệnh diff không nhận thêm giá trị nào)",
        ),
        (
            &["check", "x.csv", "--lang", "fr"],
            "ntm: lỗi: «fr» không phải giá trị hợp lệ của --lang <NGÔN_NGỮ>; các giá trị: vi, en",
        ),
        (
            &["--year", "2024", "check", "x.csv"],
            "ntm: lỗi: không có tùy chọn «--year»; đó là tùy chọn của lệnh check, criteria show, template: hãy đặt nó sau tên lệnh",
        ),
    ];
    for (args, said) in cases {
        let (code, out, err) = run(args);
        assert_eq!(code, 64, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.starts_with(said), "{args:?}:\n{err}");
        assert!(!err.contains("error:"), "{args:?}:\n{err}");
    }
    let (code, _, err) = run(&["check", "x.csv", "--year", "2024a", "--lang", "en"]);
    assert_eq!(code, 64);
    assert!(
        err.starts_with(
            "ntm: error: «2024a» is not a valid value for --year <YEAR>: a whole number is expected"
        ),
        "{err}"
    );
}

#[test]
fn a_missing_input_is_named_with_nothing_on_stdout_and_exit_66() {
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("khong-co.csv");
    let none = none.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["check", none],
        &["check", none, "--format", "json"],
        &["diff", none, "--from", "2023", "--to", "2024"],
        &["diff", none],
        &["test", none],
        &["criteria", "lint", none],
        &["criteria", "list", "--criteria", none],
    ];
    for args in cases {
        let (code, out, err) = run(args);
        assert_eq!(code, 66, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.starts_with("ntm: lỗi: không có "), "{args:?}: {err}");
        assert!(err.contains(&format!("«{none}»")), "{args:?}: {err}");
        let mut en = args.to_vec();
        en.extend(["--lang", "en"]);
        let (code, out, err) = run(&en);
        assert_eq!(code, 66, "{en:?}: {err}");
        assert!(out.is_empty(), "{en:?}: {out}");
        assert!(err.starts_with("ntm: error: no such "), "{en:?}: {err}");
    }
    // One file there, one not: still nothing printed, and the missing one is the one named.
    let there = write(dir.path(), "xa.csv", &one_commune());
    let (code, out, err) = run(&["check", &there, none]);
    assert_eq!(code, 66);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains(&format!("«{none}»")), "{err}");
    assert!(!err.contains("xa.csv»"), "{err}");
    // A district file and a map are inputs too.
    let (code, _, err) = run(&["check", &there, "--districts", none]);
    assert_eq!(code, 66, "{err}");
    let (code, _, err) = run(&[
        "diff", &there, &there, "--from", "2024", "--to", "2024", "--map", none,
    ]);
    assert_eq!(code, 66, "{err}");
    // A folder where a data file is wanted.
    let (code, out, err) = run(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 66);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("là thư mục, không phải tệp"), "{err}");
}

#[test]
fn a_pdf_output_is_refused_pointing_to_html() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "xa.csv", &one_commune());
    let pdf = dir.path().join("bao-cao.pdf");
    let pdf_s = pdf.to_str().unwrap();
    let html = dir.path().join("bao-cao.html");
    let (code, out, err) = run(&["check", &data, "-o", pdf_s]);
    assert_eq!(code, 64);
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(&format!(
            "ntm: lỗi: ntm không ghi tệp PDF ({pdf_s}): ghi báo cáo in được bằng -o {}, rồi mở bằng trình duyệt và in ra PDF (Ctrl+P)",
            html.display()
        )),
        "{err}"
    );
    let (code, _, err) = run(&["check", &data, "-o", pdf_s, "--lang", "en"]);
    assert_eq!(code, 64);
    assert!(
        err.contains("ntm: error: ntm does not write PDF") && err.contains("bao-cao.html"),
        "{err}"
    );
    // Whatever the format asked, and in capitals.
    let upper = dir.path().join("BC.PDF");
    let (code, _, _) = run(&[
        "check",
        &data,
        "--format",
        "html",
        "-o",
        upper.to_str().unwrap(),
    ]);
    assert_eq!(code, 64);
    let (code, out, err) = run(&[
        "diff", &data, &data, "--from", "2024", "--to", "2024", "-o", pdf_s,
    ]);
    assert_eq!(code, 64);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("ntm không ghi tệp PDF"), "{err}");
    let (code, _, err) = run(&["template", "-o", pdf_s]);
    assert_eq!(code, 64);
    assert!(err.contains("bao-cao.xlsx"), "{err}");
    // Nothing created: no PDF, no temporary file.
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["xa.csv"]);
}

/// `template` scores nothing: its help lists no verdict exit codes (1, 2), and the ones it has.
#[test]
fn the_template_help_lists_its_own_exit_codes() {
    let (code, out, _) = run(&["template", "--help", "--lang", "en"]);
    assert_eq!(code, 0);
    let table = out
        .split("Exit codes:")
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    assert!(table.contains("0   the template was written"), "{table}");
    assert!(!table.contains("does not qualify"), "{table}");
    assert!(!table.contains("\n  2 "), "{table}");
}
