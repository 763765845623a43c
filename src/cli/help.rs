//! The help and the command-line errors in the user's language.
//!
//! The English texts are the derive doc comments (src/cli/*.rs); the Vietnamese ones are the tables
//! below, put on the built command tree when the language is Vietnamese, with clap's own words
//! (headings, usage, default and possible values) replaced. The language is decided from the command
//! line and `NTM_LANG` before clap parses, since clap writes the help and the errors while parsing.
//! clap's errors are written here too, in either language, with a suggestion for options written
//! in Vietnamese (`--nam` → `--year`).

use std::ffi::{OsStr, OsString};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, Command, CommandFactory};
use ntm::i18n::Lang;
use ntm::input::cell::fold;

use super::Cli;

/// A Vietnamese text: of the command at `cmd` (its subcommand names, "" for `ntm` itself) when
/// `arg` is empty, else of its argument `arg` (the clap id: the field's name).
struct Vi {
    cmd: &'static str,
    arg: &'static str,
    text: &'static str,
}

const fn vi(cmd: &'static str, arg: &'static str, text: &'static str) -> Vi {
    Vi { cmd, arg, text }
}

/// Where a help text is looked up for the arguments every command has (the global options are kept
/// under the root, `ntm`) and for clap's own `help` command.
const ANY: &str = "*";

/// The short help of every command and argument.
const TEXTS: &[Vi] = &[
    vi(
        "",
        "",
        "Chấm điểm xã, huyện theo Bộ tiêu chí quốc gia về nông thôn mới (NTM).",
    ),
    vi(
        "",
        "lang",
        "Ngôn ngữ của trợ giúp, nhãn và thông báo: vi (Tiếng Việt) hoặc en (tiếng Anh); mặc định \
         theo biến môi trường NTM_LANG, nếu không có thì vi.",
    ),
    vi(
        "",
        "criteria",
        "Đọc tiêu chí từ thư mục này (một thư mục phiên bản, hoặc thư mục chứa các thư mục phiên \
         bản) thay cho bộ có sẵn.",
    ),
    vi(
        "",
        "criteria_version",
        "Dùng phiên bản tiêu chí này (ví dụ lang-son-2024); mặc định là phiên bản áp dụng cho năm \
         của số liệu.",
    ),
    vi(
        "",
        "units",
        "Đọc danh sách đơn vị hành chính chính thức từ thư mục này (các tệp .toml của một tỉnh, như \
         units/lang-son/) thay cho danh sách có sẵn (docs/units.md).",
    ),
    vi(
        "",
        "decimal",
        "Dấu thập phân của các số trong tệp số liệu: comma (dấu phẩy, 85,5) hoặc point (dấu chấm, \
         85.5). Mặc định mỗi tệp tự xác định theo số đầu tiên cho thấy dấu; trước đó, số đọc được \
         hai cách (42.000) bị từ chối.",
    ),
    vi(ANY, "help", "In trợ giúp"),
    vi(ANY, "version", "In số phiên bản"),
    vi(
        "help",
        "",
        "In trợ giúp này, hoặc trợ giúp của (các) lệnh đã cho",
    ),
    // criteria
    vi("criteria", "", "Liệt kê, xem và kiểm tra các bộ tiêu chí."),
    vi(
        "criteria list",
        "",
        "Các phiên bản và bộ tiêu chí có sẵn: quyết định, thời hạn, tiêu chí, chỉ tiêu, ngưỡng chưa \
         đối chiếu.",
    ),
    vi("criteria list", "format", "Định dạng kết quả."),
    vi(
        "criteria show",
        "",
        "Một bộ tiêu chí như người đọc: mọi tiêu chí và chỉ tiêu, kèm yêu cầu và nguồn.",
    ),
    vi(
        "criteria show",
        "set",
        "Bộ tiêu chí: xa-ntm, nang-cao, kieu-mau, huyen-ntm…",
    ),
    vi(
        "criteria show",
        "year",
        "Chỉ hiện ngưỡng áp dụng cho năm này (nếu không: mọi giá trị theo năm).",
    ),
    vi(
        "criteria show",
        "unverified",
        "Chỉ các con số chưa đối chiếu với văn bản quyết định.",
    ),
    vi("criteria show", "format", "Định dạng kết quả."),
    vi(
        "criteria lint",
        "",
        "Kiểm tra một thư mục tệp tiêu chí (mặc định: ./criteria nếu có, nếu không thì bộ có sẵn). \
         Mã thoát 0 khi không có lỗi, 78 kèm danh sách mọi lỗi.",
    ),
    vi(
        "criteria lint",
        "dir",
        "Thư mục tệp tiêu chí (một thư mục phiên bản, hoặc thư mục chứa các thư mục phiên bản).",
    ),
    vi(
        "criteria diff",
        "",
        "Những gì thay đổi từ phiên bản (hoặc bộ) tiêu chí này sang phiên bản khác: chỉ tiêu thêm, \
         bớt, đổi tên hay đổi mã, ngưỡng theo năm và theo nhóm xã, phép so sánh, nguồn, dấu đã đối \
         chiếu.",
    ),
    vi(
        "criteria diff",
        "old",
        "Phía cũ: PHIÊN_BẢN, THƯ_MỤC, PHIÊN_BẢN:BỘ hoặc THƯ_MỤC:BỘ.",
    ),
    vi("criteria diff", "new", "Phía mới, viết theo cùng cách."),
    vi(
        "criteria diff",
        "format",
        "table (bảng), json, csv hoặc md.",
    ),
    // template
    vi(
        "template",
        "",
        "Tệp nhập số liệu trống (CSV hoặc Excel) với đúng các cột mà mức đã chọn cần đọc.",
    ),
    vi(
        "template",
        "level",
        "Mức: xa-ntm, nang-cao, kieu-mau, all (mọi mức xã), hoặc huyen-ntm (tệp số liệu huyện).",
    ),
    vi(
        "template",
        "year",
        "Năm có yêu cầu ghi trong nhãn cột (mặc định: năm cuối trong thời hạn của bộ tiêu chí).",
    ),
    vi(
        "template",
        "format",
        "csv (phân cách bằng dấu chấm phẩy, như Excel tiếng Việt xuất ra) hoặc xlsx; mặc định theo \
         đuôi tệp của -o, nếu không thì csv.",
    ),
    vi(
        "template",
        "output",
        "Ghi vào tệp này thay cho đầu ra chuẩn (xlsx cần một tệp).",
    ),
    vi("template", "force", "Thay thế tệp kết quả nếu đã có."),
    // check
    vi(
        "check",
        "",
        "Chấm điểm các xã, và với --districts cả các huyện, từ tệp số liệu (CSV hoặc Excel) theo \
         bộ tiêu chí.",
    ),
    vi(
        "check",
        "data",
        "Số liệu xã: tệp CSV hoặc Excel (.xlsx) có các cột ma_xa, ten_xa, huyen, nam và mỗi số \
         liệu của chỉ tiêu một cột (nhiều tệp, ví dụ mỗi huyện một tệp, được đọc như một).",
    ),
    vi(
        "check",
        "level",
        "Mức cần chấm: xa-ntm, nang-cao, kieu-mau, huyen-ntm (cần --districts), hoặc all (mọi mức \
         xã, và mức huyện khi có --districts; khi đó mã thoát theo xa-ntm và huyen-ntm).",
    ),
    vi(
        "check",
        "districts",
        "Số liệu huyện: tệp CSV hoặc Excel có các cột ma_huyen, ten_huyen, nam và mỗi số liệu của \
         chỉ tiêu huyện một cột.",
    ),
    vi(
        "check",
        "sheet",
        "Trang tính cần đọc trong tệp Excel (.xlsx); mặc định là trang đầu.",
    ),
    vi("check", "year", "Chỉ lấy các dòng của năm này."),
    vi(
        "check",
        "commune",
        "Một xã (mã hoặc tên): báo cáo chuẩn bị thẩm định. Có thể cho nhiều lần.",
    ),
    vi(
        "check",
        "explain",
        "Với mỗi chỉ tiêu, hiện phép so sánh, ngưỡng theo năm đã dùng, nguồn và dấu đã đối chiếu.",
    ),
    vi(
        "check",
        "nearest_year",
        "Với năm nằm ngoài thời hạn của một bộ, dùng lại ngưỡng của năm gần nhất (báo cáo ghi rõ).",
    ),
    vi(
        "check",
        "format",
        "Định dạng kết quả; mặc định là bảng, hoặc theo đuôi tệp kết quả (.json, .csv, .md, .html, \
         .xlsx).",
    ),
    vi(
        "check",
        "summary",
        "Chỉ các bảng tổng hợp (nhóm, bình quân, mức, tiêu chí), không có dòng cho từng xã.",
    ),
    vi(
        "check",
        "output",
        "Ghi báo cáo vào tệp này (ghi trọn vẹn hoặc không ghi gì) thay cho đầu ra chuẩn. Không ghi \
         PDF: ghi .html rồi in từ trình duyệt.",
    ),
    vi("check", "force", "Thay thế tệp kết quả nếu đã có."),
    // diff
    vi(
        "diff",
        "",
        "So sánh kết quả của các xã giữa hai năm (hoặc hai tệp): mức lên hay xuống, tiêu chí và \
         chỉ tiêu đổi trạng thái.",
    ),
    vi(
        "diff",
        "old",
        "Số liệu xã năm cũ (CSV hoặc Excel); hoặc một tệp có cả hai năm, với --from và --to.",
    ),
    vi(
        "diff",
        "new",
        "Số liệu xã năm mới (CSV hoặc Excel). Bỏ trống để so sánh hai năm trong CŨ.",
    ),
    vi(
        "diff",
        "from",
        "Năm của bên cũ (một năm có trong CŨ). Cần khi tệp đó có nhiều năm.",
    ),
    vi(
        "diff",
        "to",
        "Năm của bên mới (một năm có trong MỚI, hoặc trong CŨ khi chỉ có một tệp).",
    ),
    vi(
        "diff",
        "same_year",
        "Chấm cả hai bên theo ngưỡng của năm này, để tách thay đổi do số liệu khỏi thay đổi do \
         ngưỡng (ngưỡng thu nhập tăng hằng năm). Mặc định mỗi bên theo ngưỡng của năm mình.",
    ),
    vi(
        "diff",
        "level",
        "Các mức được so sánh: xa-ntm, nang-cao, kieu-mau, huyen-ntm (cần --districts), hoặc all \
         (mọi mức xã, và mức huyện khi có --districts).",
    ),
    vi(
        "diff",
        "districts",
        "So sánh cả các huyện: số liệu huyện của bên cũ, rồi của bên mới (một tệp có cả hai năm là \
         đủ), mỗi tệp có ma_huyen, ten_huyen, nam và các cột chỉ tiêu huyện. Đặt sau các tệp số \
         liệu xã.",
    ),
    vi(
        "diff",
        "map",
        "Xã sáp nhập, chia tách hoặc đổi mã: một bảng chuyển đổi có sẵn theo tên (lang-son-2025: \
         sắp xếp đơn vị hành chính của Lạng Sơn từ 1/7/2025), hoặc tệp CSV có các cột ma_xa_cu, \
         ma_xa_moi, mỗi dòng một cặp (mã cũ, mã mới). Không có --map mà hai bên ở hai phía một lần \
         chuyển đổi thì có cảnh báo: mã đã được dùng lại.",
    ),
    vi(
        "diff",
        "nearest_year",
        "Với năm nằm ngoài thời hạn của một bộ, dùng lại ngưỡng của năm gần nhất (báo cáo ghi rõ).",
    ),
    vi(
        "diff",
        "format",
        "Kết quả: table (bảng), json, csv (mỗi đơn vị và chỉ tiêu có thay đổi một dòng), md, html \
         (để in) hoặc xlsx (cần -o); mặc định là bảng, hoặc theo đuôi tệp kết quả.",
    ),
    vi(
        "diff",
        "summary",
        "Chỉ phần tổng hợp (table, md hoặc json): số xã lên mức, xuống mức, giữ nguyên, chưa rõ, \
         mới, không còn; mức, nhóm, tiêu chí; số lượt đổi trạng thái của từng chỉ tiêu; không có \
         dòng cho từng xã hay từng chỉ tiêu.",
    ),
    vi(
        "diff",
        "output",
        "Ghi bảng so sánh vào tệp này (ghi trọn vẹn hoặc không ghi gì) thay cho đầu ra chuẩn.",
    ),
    vi("diff", "force", "Thay thế tệp kết quả nếu đã có."),
    // test
    vi(
        "test",
        "",
        "Chạy các ca kiểm thử do chuyên gia nghiệp vụ viết: số liệu đầu vào của một xã hay một \
         huyện, và kết quả mong đợi.",
    ),
    vi(
        "test",
        "files",
        "Tệp ca kiểm thử (TOML), hoặc thư mục mà mọi tệp .toml trong đó đều được đọc.",
    ),
];

/// The long help (`--help`, not `-h`) where the English has one.
const LONG_TEXTS: &[Vi] = &[
    vi(
        "diff",
        "map",
        "Xã sáp nhập, chia tách hoặc đổi mã: một bảng chuyển đổi có sẵn theo tên (lang-son-2025: \
         sắp xếp đơn vị hành chính của Lạng Sơn từ 1/7/2025, units/lang-son/conversion-2025-07-01.toml), \
         hoặc tệp CSV có các cột ma_xa_cu, ma_xa_moi, mỗi dòng một cặp (mã cũ, mã mới); tệp trùng tên \
         được ưu tiên. Không có --map mà hai bên ở hai phía một lần chuyển đổi thì có cảnh báo: mã \
         đã được dùng lại.

Nhiều mã cũ → một mã mới: sáp nhập; phần «trước» của xã mới liệt kê từng xã cũ với mã, tên và \
         mức, và mức trước của nó là mức thấp nhất trong số đó (chưa rõ khi một xã thiếu số liệu \
         hoặc không có). Một mã cũ → nhiều mã mới: chia tách; xã cũ có mặt trong từng xã mới, ghi \
         «tách một phần», và chỉ tính một lần ở bên cũ. Một → một: đổi mã. Mã không có trong cột mã \
         cũ thì giữ nguyên (xã giữ mã của mình khi nhận thêm xã khác không cần dòng cho chính nó).

Bảng mã được đối chiếu với số liệu. Lỗi (mã thoát 65; báo cáo vẫn in, bảng mã được áp dụng đúng \
         như đã viết): mã trống; một mã cũ chuyển sang mã khác mà mã này vẫn là một xã của bên mới, \
         khi không dòng nào cho biết xã mới ấy gồm những xã nào (thêm X;X cho xã chia tách mà giữ \
         mã, hoặc Z;X cho mã được dùng lại). Ghi chú: cùng một cặp hai lần (bỏ qua), mã cũ không có \
         trong số liệu cũ, mã mới không có trong số liệu mới.",
    ),
    vi(ANY, "help", "In trợ giúp (bản tóm tắt: -h)"),
];

/// The names shown for values (`--year <NĂM>`), by their English name.
const VALUE_NAMES: &[(&str, &str)] = &[
    ("LANG", "NGÔN_NGỮ"),
    ("DIR", "THƯ_MỤC"),
    ("ID", "PHIÊN_BẢN"),
    ("DECIMAL", "DẤU"),
    ("FORMAT", "ĐỊNH_DẠNG"),
    ("SET", "BỘ"),
    ("YEAR", "NĂM"),
    ("OLD", "CŨ"),
    ("NEW", "MỚI"),
    ("LEVEL", "MỨC"),
    ("FILE", "TỆP"),
    ("NAME", "TÊN"),
    ("CODE_OR_NAME", "MÃ_HOẶC_TÊN"),
    ("DATA", "DỮ_LIỆU"),
    ("DISTRICTS.csv", "HUYỆN.csv"),
    ("MAP.csv", "BẢNG_MÃ.csv"),
    ("MAP.csv|lang-son-2025", "BẢNG_MÃ.csv|lang-son-2025"),
    ("CASES", "CA_KIỂM_THỬ"),
    ("COMMAND", "LỆNH"),
];

/// The exit-code tables shown after the help, by their English text.
const AFTER_HELP: &[(&str, &str)] = &[
    (ntm::exit::TABLE_EN, ntm::exit::TABLE_VI),
    (super::diff::EXIT_CODES_EN, super::diff::EXIT_CODES_VI),
    (super::test::EXIT_CODES_EN, super::test::EXIT_CODES_VI),
    (
        super::template::EXIT_CODES_EN,
        super::template::EXIT_CODES_VI,
    ),
    (
        super::criteria::DIFF_EXIT_CODES_EN,
        super::criteria::DIFF_EXIT_CODES_VI,
    ),
];

/// Options people write in Vietnamese (or by another natural name), folded (no diacritics, lower
/// case, `-` between words), and the options they mean, the first of each list the command has
/// being suggested with the others it has.
const MEANT: &[(&[&str], &[&str])] = &[
    (&["nam", "nam-hoc", "y"], &["year", "from", "to"]),
    (&["tu", "tu-nam", "nam-cu"], &["from"]),
    (&["den", "den-nam", "nam-moi"], &["to"]),
    (&["cung-nam", "nguong-nam"], &["same-year"]),
    (&["nam-gan-nhat", "gan-nhat", "nearest"], &["nearest-year"]),
    (&["xa", "ma-xa", "ten-xa", "xa-phuong"], &["commune"]),
    (&["huyen", "ma-huyen", "district"], &["districts"]),
    (&["muc", "cap", "cap-do", "muc-dat"], &["level"]),
    (&["dinh-dang", "kieu", "dang"], &["format"]),
    (&["ngon-ngu", "tieng", "language"], &["lang"]),
    (&["tieu-chi", "bo-tieu-chi"], &["criteria"]),
    (&["phien-ban", "phien-ban-tieu-chi"], &["criteria-version"]),
    (&["thap-phan", "dau-thap-phan", "dau"], &["decimal"]),
    (
        &["ra", "xuat", "tep-ra", "ket-qua", "out", "file", "tep"],
        &["output"],
    ),
    (&["ghi-de", "thay-the", "overwrite"], &["force"]),
    (&["giai-thich", "chi-tiet", "cach-tinh"], &["explain"]),
    (&["tom-tat", "tong-hop"], &["summary"]),
    (&["trang", "trang-tinh", "bang-tinh"], &["sheet"]),
    (&["sap-nhap", "bang-ma", "doi-ma"], &["map"]),
    (&["chua-doi-chieu", "chua-xac-minh"], &["unverified"]),
    (&["tro-giup", "giup", "huong-dan"], &["help"]),
];

/// Commands people write in Vietnamese, folded, and the command they mean.
const MEANT_COMMANDS: &[(&[&str], &str)] = &[
    (&["cham", "cham-diem", "kiem-tra", "danh-gia"], "check"),
    (&["so-sanh", "so"], "diff"),
    (&["tieu-chi", "bo-tieu-chi"], "criteria"),
    (&["mau", "mau-nhap", "bieu-mau"], "template"),
    (&["kiem-thu", "thu", "ca"], "test"),
    (&["liet-ke", "danh-sach"], "list"),
    (&["xem", "hien"], "show"),
    (&["soat", "soat-loi"], "lint"),
];

/// The language asked: the last `--lang X` (or `--lang=X`) before `--`, else `NTM_LANG`, else
/// Vietnamese. An unknown value is left to clap (for `--lang`) or said (for `NTM_LANG`, in the
/// returned warning) and read as Vietnamese.
pub(crate) fn language(args: &[OsString], env: Option<&OsStr>) -> (Lang, Option<String>) {
    let mut given = None;
    let mut rest = args.iter().skip(1);
    while let Some(a) = rest.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if a == "--lang" {
            given = rest.next().map(|v| v.to_string_lossy().into_owned());
        } else if let Some(v) = a.strip_prefix("--lang=") {
            given = Some(v.to_string());
        }
    }
    if let Some(v) = given {
        return (if v == "en" { Lang::En } else { Lang::Vi }, None);
    }
    match env_lang(env) {
        Ok(lang) => (lang.unwrap_or_default(), None),
        Err(v) => (
            Lang::Vi,
            Some(format!(
                "ntm: cảnh báo / warning: NTM_LANG={v}: không phải vi hay en, dùng tiếng Việt / \
                 neither vi nor en, Vietnamese used"
            )),
        ),
    }
}

/// `NTM_LANG`: `vi` or `en` (any case, spaces around ignored), unset or empty for none; anything
/// else is returned as the error.
fn env_lang(env: Option<&OsStr>) -> Result<Option<Lang>, String> {
    let Some(v) = env else { return Ok(None) };
    let v = v.to_string_lossy();
    match v.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "vi" => Ok(Some(Lang::Vi)),
        "en" => Ok(Some(Lang::En)),
        _ => Err(v.into_owned()),
    }
}

/// Where the options every command has are listed: after the command's own.
const GLOBAL_ORDER: usize = 1000;

/// The command line, built, in `lang`, with `--lang` defaulting to `NTM_LANG` when it is set.
pub(crate) fn command(lang: Lang, env: Option<&OsStr>) -> Command {
    // Each command's own options first, then those every command has.
    let mut cmd = Cli::command().mut_args(|a| {
        if a.is_global_set() {
            let order = a.get_display_order();
            a.display_order(GLOBAL_ORDER + order)
        } else {
            a
        }
    });
    if let Ok(Some(Lang::En)) = env_lang(env) {
        cmd = cmd.mut_arg("lang", |a| a.default_value("en"));
    }
    cmd.build();
    cmd = help_flags_last(cmd);
    if lang == Lang::Vi {
        let mut missing = Vec::new();
        cmd = vietnamese(cmd, &[], &mut missing);
    }
    cmd
}

/// clap's `--help` and `--version`, made when the tree is built, listed last.
fn help_flags_last(cmd: Command) -> Command {
    let mut cmd = cmd.mut_args(|a| {
        if matches!(a.get_id().as_str(), "help" | "version") {
            let order = a.get_display_order();
            a.display_order(2 * GLOBAL_ORDER + order)
        } else {
            a
        }
    });
    for sc in cmd.get_subcommands_mut() {
        *sc = help_flags_last(std::mem::take(sc));
    }
    cmd
}

/// The key a command's texts are kept under: its subcommand names, with clap's `help` command
/// (which holds a copy of the tree, for `ntm help criteria show`) left out of the path.
fn key_of(path: &[String]) -> String {
    match path {
        [.., last] if last == "help" => "help".to_string(),
        _ => path
            .iter()
            .filter(|p| *p != "help")
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn lookup(table: &[Vi], cmd: &str, arg: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|t| t.cmd == cmd && t.arg == arg)
        .map(|t| t.text)
}

/// The Vietnamese of the built command `cmd` at `path` and of everything under it; every English
/// text without a Vietnamese one is added to `missing` (and left in English).
fn vietnamese(mut cmd: Command, path: &[String], missing: &mut Vec<String>) -> Command {
    let key = key_of(path);
    let shown = |arg: &str| {
        let cmd = if path.is_empty() { "ntm" } else { &key };
        if arg.is_empty() {
            cmd.to_string()
        } else {
            format!("{cmd}: {arg}")
        }
    };
    match (cmd.get_about().is_some(), lookup(TEXTS, &key, "")) {
        (true, Some(t)) => cmd = cmd.about(t),
        (true, None) => missing.push(shown("")),
        // A command without a description (no doc comment) would show none in either language.
        (false, _) => missing.push(format!("{} (no English description)", shown(""))),
    }
    if cmd.get_long_about().is_some() {
        match lookup(LONG_TEXTS, &key, "") {
            Some(t) => cmd = cmd.long_about(t),
            None => missing.push(format!("{} (long)", shown(""))),
        }
    }
    if let Some(after) = cmd.get_after_help().map(ToString::to_string) {
        match AFTER_HELP.iter().find(|(en, _)| *en == after) {
            Some((_, v)) => cmd = cmd.after_help(*v),
            None => missing.push(format!("{} (after help)", shown(""))),
        }
    }
    cmd = cmd.mut_args(|a| vietnamese_arg(a, &key, missing, &shown));
    let heading = *cmd.get_styles().get_usage();
    cmd = cmd
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{heading}Cách dùng:{heading:#} {{usage}}\n\n{{all-args}}{{after-help}}"
        ));
    for sc in cmd.get_subcommands_mut() {
        let mut sub_path = path.to_vec();
        sub_path.push(sc.get_name().to_string());
        *sc = vietnamese(std::mem::take(sc), &sub_path, missing);
    }
    // clap's usage line, with its own words in Vietnamese.
    let usage = cmd.render_usage().to_string();
    let usage = usage.strip_prefix("Usage: ").unwrap_or(&usage);
    let usage = usage.replace("[OPTIONS]", "[TÙY_CHỌN]");
    cmd.override_usage(usage)
}

fn vietnamese_arg(
    mut a: Arg,
    key: &str,
    missing: &mut Vec<String>,
    shown: &dyn Fn(&str) -> String,
) -> Arg {
    let id = a.get_id().as_str().to_string();
    let owner = if matches!(id.as_str(), "help" | "version") {
        ANY
    } else if a.is_global_set() {
        ""
    } else {
        key
    };
    // Under a heading of its own a positional is sorted as an option (by name): keep its place.
    a = match a.get_index() {
        Some(i) => a.help_heading("Đối số").display_order(i),
        None => a.help_heading("Tùy chọn"),
    };
    if a.is_hide_set() {
        return a;
    }
    // What clap would add in English: the default and the possible values.
    let mut notes = Vec::new();
    if a.get_action().takes_values() {
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() && !a.is_hide_default_value_set() {
            // Non-breaking spaces: the note is never cut in two at the end of a line.
            notes.push(format!("[mặc\u{a0}định:\u{a0}{}]", defaults.join(" ")));
        }
        let values: Vec<String> = a
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() && !a.is_hide_possible_values_set() {
            notes.push(format!("[giá\u{a0}trị:\u{a0}{}]", values.join(", ")));
        }
        a = a.hide_default_value(true).hide_possible_values(true);
    }
    let with_notes = |text: &str, sep: &str| {
        if notes.is_empty() {
            text.to_string()
        } else {
            format!("{text}{sep}{}", notes.join(sep))
        }
    };
    if a.get_help().is_none() && a.get_long_help().is_none() {
        // An option without a doc comment would show no description in either language.
        missing.push(format!("{} (no English help)", shown(&id)));
    }
    if a.get_help().is_some() {
        match lookup(TEXTS, owner, &id) {
            Some(t) => {
                // clap's own help flag says where the long help is.
                let t = if id == "help" && a.get_long_help().is_some() {
                    format!("{t} (đầy đủ hơn: --help)")
                } else {
                    t.to_string()
                };
                a = a.help(with_notes(&t, " "));
            }
            None => missing.push(shown(&id)),
        }
    }
    if a.get_long_help().is_some() {
        match lookup(LONG_TEXTS, owner, &id) {
            Some(t) => a = a.long_help(with_notes(t, "\n")),
            None => missing.push(format!("{} (long)", shown(&id))),
        }
    }
    if let Some(names) = a
        .get_value_names()
        .filter(|_| a.get_action().takes_values())
    {
        let mut vi_names = Vec::new();
        for n in names {
            match VALUE_NAMES.iter().find(|(en, _)| *en == n.as_str()) {
                Some((_, v)) => vi_names.push(*v),
                None => missing.push(format!("{} (value name {n})", shown(&id))),
            }
        }
        if vi_names.len() == names.len() {
            a = a.value_names(vi_names);
        }
    }
    a
}

/// What went wrong on the command line, said in `lang` with the text at fault quoted, the
/// option meant when it can be told, the usage line and where to read more.
pub(crate) fn error(e: &clap::Error, lang: Lang, cmd: &Command, args: &[OsString]) -> String {
    let at = subcommand_at(cmd, args);
    let l = |vi: &str, en: &str| lang.pick(vi, en).to_string();
    let s = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(v)) => Some(v.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(v)) => Some(v.to_string()),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let list = |k: ContextKind| match e.get(k) {
        Some(ContextValue::Strings(v)) => v.clone(),
        Some(ContextValue::String(v)) => vec![v.clone()],
        _ => Vec::new(),
    };
    let arg = s(ContextKind::InvalidArg).unwrap_or_default();
    let value = s(ContextKind::InvalidValue).unwrap_or_default();
    let mut msg = match e.kind() {
        ErrorKind::UnknownArgument if arg.starts_with('-') && arg.len() > 1 => {
            let meant = meant_options(&arg, at.cmd, &list(ContextKind::SuggestedArg));
            let mut m = format!("{} «{arg}»", l("không có tùy chọn", "there is no option"));
            if !at.name.is_empty() {
                m.push_str(&format!(
                    " {} {}",
                    l("trong lệnh", "in the command"),
                    at.name
                ));
            }
            let owners = owners_of(&arg, &at);
            if !meant.is_empty() {
                m.push_str(&format!(
                    "; {} {}?",
                    l("ý bạn là", "did you mean"),
                    meant.join(lang.pick(" hoặc ", " or "))
                ));
            } else if !owners.is_empty() {
                m.push_str(&format!(
                    "; {} {}: {}",
                    l("đó là tùy chọn của lệnh", "it is an option of the command"),
                    owners.join(", "),
                    l("hãy đặt nó sau tên lệnh", "put it after the command's name")
                ));
            }
            m
        }
        ErrorKind::UnknownArgument => {
            let mut m = format!("{} «{arg}»", l("thừa đối số", "one argument too many:"));
            if !at.name.is_empty() {
                m.push_str(&format!(
                    " ({} {} {})",
                    l("lệnh", "the command"),
                    at.name,
                    l("không nhận thêm giá trị nào", "takes no more")
                ));
            }
            m
        }
        ErrorKind::InvalidSubcommand => {
            let sub = s(ContextKind::InvalidSubcommand).unwrap_or_default();
            let mut m = format!("{} «{sub}»", l("không có lệnh", "there is no command"));
            let names: Vec<String> = at
                .cmd
                .get_subcommands()
                .map(|c| c.get_name().to_string())
                .filter(|n| n != "help")
                .collect();
            match meant_command(&sub, &names, &list(ContextKind::SuggestedSubcommand)) {
                Some(c) => m.push_str(&format!("; {} {c}?", l("ý bạn là", "did you mean"))),
                None => m.push_str(&format!(
                    " ({} {})",
                    l("các lệnh:", "the commands:"),
                    names.join(", ")
                )),
            }
            m
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("{arg} {}", l("cần một giá trị", "needs a value"))
        }
        ErrorKind::InvalidValue => {
            let valid = list(ContextKind::ValidValue);
            let mut m = format!(
                "«{value}» {} {arg}",
                l("không phải giá trị hợp lệ của", "is not a valid value for")
            );
            if !valid.is_empty() {
                m.push_str(&format!(
                    "; {} {}",
                    l("các giá trị:", "the values:"),
                    valid.join(", ")
                ));
            }
            if let Some(v) = s(ContextKind::SuggestedValue) {
                m.push_str(&format!("; {} {v}?", l("ý bạn là", "did you mean")));
            }
            if fold(&value) == "pdf" {
                m.push_str(&l(
                    ". ntm không ghi PDF: ghi báo cáo .html rồi in ra PDF từ trình duyệt",
                    ". ntm does not write PDF: write the .html report and print it to PDF from a browser",
                ));
            }
            m
        }
        ErrorKind::ValueValidation => {
            let number = std::error::Error::source(e)
                .is_some_and(|s| s.downcast_ref::<std::num::ParseIntError>().is_some());
            let mut m = format!(
                "«{value}» {} {arg}",
                l("không phải giá trị hợp lệ của", "is not a valid value for")
            );
            if number {
                m.push_str(&l(
                    ": cần một số nguyên (ví dụ 2024)",
                    ": a whole number is expected (e.g. 2024)",
                ));
            } else if lang == Lang::En
                && let Some(src) = std::error::Error::source(e)
            {
                m.push_str(&format!(": {src}"));
            }
            m
        }
        ErrorKind::MissingRequiredArgument => format!(
            "{} {}",
            l("thiếu đối số bắt buộc:", "a required argument is missing:"),
            list(ContextKind::InvalidArg).join(", ")
        ),
        ErrorKind::MissingSubcommand => format!(
            "{} {}",
            l(
                "thiếu lệnh; chọn một trong:",
                "a command is missing; one of:"
            ),
            list(ContextKind::ValidSubcommand).join(", ")
        ),
        ErrorKind::ArgumentConflict => match s(ContextKind::PriorArg) {
            Some(prior) if prior != arg => format!(
                "{arg} {} {prior}",
                l("không dùng được cùng với", "cannot be used with")
            ),
            _ => format!(
                "{arg} {}",
                l("chỉ được cho một lần", "can be given only once")
            ),
        },
        ErrorKind::TooManyValues => format!(
            "{} «{value}» {} {arg}",
            l("thừa giá trị", "one value too many"),
            l("cho", "for")
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            let wanted = s(ContextKind::MinValues)
                .or_else(|| s(ContextKind::ExpectedNumValues))
                .unwrap_or_default();
            let got = s(ContextKind::ActualNumValues).unwrap_or_default();
            format!(
                "{arg} {} {wanted} {}, {} {got}",
                l("cần", "needs"),
                l("giá trị", "value(s)"),
                l("có", "given")
            )
        }
        ErrorKind::NoEquals => format!(
            "{arg} {}",
            l(
                "cần dấu = trước giá trị (--tùy-chọn=giá-trị)",
                "needs = before its value (--option=value)"
            )
        ),
        ErrorKind::InvalidUtf8 => l(
            "một đối số không phải văn bản UTF-8",
            "an argument is not UTF-8 text",
        ),
        _ => {
            // Any other kind clap may add: its own words, said to be clap's.
            let own = e.kind().as_str().unwrap_or("?");
            format!("{} ({own})", l("lệnh sai", "wrong command line"))
        }
    };
    msg = format!("ntm: {}: {msg}\n", l("lỗi", "error"));
    if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.trim();
        let usage = usage.strip_prefix("Usage:").unwrap_or(usage).trim();
        msg.push_str(&format!("\n{} {usage}\n", l("Cách dùng:", "Usage:")));
    }
    // `ntm help nosuch`: the help to read is ntm's.
    let name = at.name.trim_end_matches("help").trim_end();
    let full = if name.is_empty() {
        "ntm".to_string()
    } else {
        format!("ntm {name}")
    };
    msg.push_str(&format!(
        "\n{} {full} --help\n",
        l("Xem thêm:", "See more:")
    ));
    msg
}

/// The subcommand the command line reached, and its names joined (`criteria show`).
struct At<'c> {
    cmd: &'c Command,
    name: String,
}

/// The subcommand `args` reach, read as clap does: options and their values skipped, the first
/// word naming a subcommand entered, stopping at `--` or at a word that names none.
fn subcommand_at<'c>(root: &'c Command, args: &[OsString]) -> At<'c> {
    let mut cmd = root;
    let mut names: Vec<&str> = Vec::new();
    let mut rest = args.iter().skip(1);
    while let Some(a) = rest.next() {
        let a = a.to_string_lossy();
        if a == "--" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            if !long.contains('=') && takes_value(cmd, |arg| arg.get_long() == Some(long)) {
                rest.next();
            }
        } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut chars = short.chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && takes_value(cmd, |arg| arg.get_short() == Some(c))
            {
                rest.next();
            }
        } else if let Some(sc) = cmd.find_subcommand(a.as_ref()) {
            cmd = sc;
            names.push(sc.get_name());
        } else if cmd.has_subcommands() {
            break;
        }
    }
    At {
        cmd,
        name: names.join(" "),
    }
}

fn takes_value(cmd: &Command, is: impl Fn(&Arg) -> bool) -> bool {
    cmd.get_arguments()
        .find(|a| is(a))
        .is_some_and(|a| a.get_action().takes_values())
}

/// The options of `cmd` meant by `typed` (`--nam`, `--năm=2024`): by the table of names people
/// write, else clap's own suggestions (a close spelling).
fn meant_options(typed: &str, cmd: &Command, clap_says: &[String]) -> Vec<String> {
    let word = typed.trim_start_matches('-');
    let word = word.split('=').next().unwrap_or(word);
    let word = fold(word).replace([' ', '_'], "-");
    let has = |long: &str| cmd.get_arguments().any(|a| a.get_long() == Some(long));
    let by_table: Vec<String> = MEANT
        .iter()
        .filter(|(names, _)| names.contains(&word.as_str()))
        .flat_map(|(_, longs)| longs.iter())
        .filter(|long| has(long))
        .map(|long| format!("--{long}"))
        .collect();
    if !by_table.is_empty() {
        return by_table;
    }
    // The same word in another case or with diacritics: `--Year`, `--nĂm`.
    if let Some(a) = cmd
        .get_arguments()
        .find(|a| a.get_long().is_some_and(|l| l == word))
    {
        return vec![format!("--{}", a.get_long().unwrap_or_default())];
    }
    clap_says.to_vec()
}

/// The subcommands under the one reached that have the option `typed` (given before their name).
fn owners_of(typed: &str, at: &At) -> Vec<String> {
    let long = typed.trim_start_matches('-');
    let long = long.split('=').next().unwrap_or(long);
    let mut found = Vec::new();
    let mut stack: Vec<(String, &Command)> = at
        .cmd
        .get_subcommands()
        .map(|c| (c.get_name().to_string(), c))
        .collect();
    while let Some((name, c)) = stack.pop() {
        if name.ends_with("help") {
            continue;
        }
        if c.get_arguments().any(|a| a.get_long() == Some(long)) {
            found.push(name.clone());
        }
        stack.extend(
            c.get_subcommands()
                .map(|s| (format!("{name} {}", s.get_name()), s)),
        );
    }
    found.sort();
    found
}

/// The command meant by `typed`: by the table of Vietnamese names, else clap's suggestion.
fn meant_command(typed: &str, names: &[String], clap_says: &[String]) -> Option<String> {
    let word = fold(typed).replace([' ', '_'], "-");
    MEANT_COMMANDS
        .iter()
        .find(|(words, c)| words.contains(&word.as_str()) && names.iter().any(|n| n == c))
        .map(|(_, c)| c.to_string())
        .or_else(|| clap_says.first().cloned())
}

/// The help printed by clap (`--help`, `help`, or no command at all) as plain text, for tests.
#[cfg(test)]
fn help_of(lang: Lang, path: &[&str], long: bool) -> String {
    let mut cmd = command(lang, None);
    let mut at = &mut cmd;
    for p in path {
        at = at
            .find_subcommand_mut(p)
            .unwrap_or_else(|| panic!("no command {p}"));
    }
    let help: clap::builder::StyledStr = if long {
        at.render_long_help()
    } else {
        at.render_help()
    };
    help.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn every_command_and_argument_has_a_vietnamese_text() {
        // A new option, command or value name without its Vietnamese fails here: add it to TEXTS
        // (LONG_TEXTS for a long help, VALUE_NAMES for a value's name, AFTER_HELP for a table).
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        let _ = vietnamese(cmd, &[], &mut missing);
        assert!(
            missing.is_empty(),
            "no Vietnamese text for:\n  {}",
            missing.join("\n  ")
        );
    }

    #[test]
    fn no_vietnamese_text_is_left_unused() {
        // A text whose option was renamed or removed would silently never show.
        let mut cmd = Cli::command();
        cmd.build();
        let mut used: Vec<(String, String)> = Vec::new();
        fn walk(cmd: &Command, path: &mut Vec<String>, used: &mut Vec<(String, String)>) {
            let key = key_of(path);
            used.push((key.clone(), String::new()));
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                let owner = if matches!(id, "help" | "version") {
                    ANY.to_string()
                } else if a.is_global_set() {
                    String::new()
                } else {
                    key.clone()
                };
                used.push((owner, id.to_string()));
            }
            for sc in cmd.get_subcommands() {
                path.push(sc.get_name().to_string());
                walk(sc, path, used);
                path.pop();
            }
        }
        walk(&cmd, &mut Vec::new(), &mut used);
        for t in TEXTS.iter().chain(LONG_TEXTS) {
            assert!(
                used.iter().any(|(c, a)| c == t.cmd && a == t.arg),
                "unused text for {:?} {:?}",
                t.cmd,
                t.arg
            );
        }
    }

    #[test]
    fn the_help_is_vietnamese_without_claps_english_words() {
        let paths: &[&[&str]] = &[
            &[],
            &["check"],
            &["diff"],
            &["template"],
            &["test"],
            &["criteria"],
            &["criteria", "list"],
            &["criteria", "show"],
            &["criteria", "lint"],
            &["criteria", "diff"],
            &["help"],
        ];
        for path in paths {
            for long in [false, true] {
                let help = help_of(Lang::Vi, path, long);
                for english in [
                    "Usage",
                    "Options",
                    "Arguments",
                    "Commands",
                    "[OPTIONS]",
                    "<COMMAND>",
                    "Print help",
                    "Print version",
                    "default:",
                    "possible values",
                    "Exit codes",
                ] {
                    assert!(!help.contains(english), "{path:?}: {english}\n{help}");
                }
                assert!(help.contains("Cách dùng: ntm"), "{path:?}\n{help}");
                if path != &["help"] {
                    assert!(help.contains("Tùy chọn:"), "{path:?}\n{help}");
                }
            }
        }
        let check = help_of(Lang::Vi, &["check"], false);
        assert!(
            check.contains("Cách dùng: ntm check [TÙY_CHỌN] <DỮ_LIỆU>..."),
            "{check}"
        );
        assert!(check.contains("Đối số:"), "{check}");
        assert!(check.contains("--year <NĂM>"), "{check}");
        assert!(check.contains("[mặc\u{a0}định:\u{a0}all]"), "{check}");
        assert!(check.contains("[giá\u{a0}trị:\u{a0}vi, en]"), "{check}");
        assert!(check.contains("66  không có tệp đầu vào"), "{check}");
        let root = help_of(Lang::Vi, &[], false);
        assert!(root.contains("Lệnh:"), "{root}");
        assert!(root.contains("ntm [TÙY_CHỌN] <LỆNH>"), "{root}");
        let map = help_of(Lang::Vi, &["diff"], true);
        assert!(map.contains("Nhiều mã cũ → một mã mới: sáp nhập"), "{map}");
    }

    #[test]
    fn the_help_is_english_with_lang_en() {
        let check = help_of(Lang::En, &["check"], false);
        assert!(
            check.contains("Usage: ntm check [OPTIONS] <DATA>..."),
            "{check}"
        );
        assert!(check.contains("Exit codes:"), "{check}");
        assert!(!check.contains("Mã thoát"), "{check}");
        assert!(!check.contains("Tùy chọn"), "{check}");
    }

    #[test]
    fn the_language_is_the_last_lang_before_dashes_else_ntm_lang() {
        let en = Some(OsStr::new("en"));
        assert_eq!(language(&os(&["ntm", "check"]), None).0, Lang::Vi);
        assert_eq!(language(&os(&["ntm", "--lang", "en"]), None).0, Lang::En);
        assert_eq!(
            language(&os(&["ntm", "check", "--lang=en"]), None).0,
            Lang::En
        );
        assert_eq!(language(&os(&["ntm", "check"]), en).0, Lang::En);
        assert_eq!(language(&os(&["ntm", "--lang", "vi"]), en).0, Lang::Vi);
        assert_eq!(
            language(&os(&["ntm", "test", "--", "--lang", "en"]), None).0,
            Lang::Vi
        );
        assert_eq!(
            language(&os(&["ntm"]), Some(OsStr::new(" EN "))).0,
            Lang::En
        );
        let (lang, warning) = language(&os(&["ntm"]), Some(OsStr::new("fr")));
        assert_eq!(lang, Lang::Vi);
        assert!(warning.is_some_and(|w| w.contains("NTM_LANG=fr")));
    }

    #[test]
    fn options_written_in_vietnamese_are_told_the_option_meant() {
        let cmd = command(Lang::Vi, None);
        let check = cmd.find_subcommand("check").unwrap();
        let diff = cmd.find_subcommand("diff").unwrap();
        assert_eq!(meant_options("--nam", check, &[]), ["--year"]);
        assert_eq!(meant_options("--năm=2024", check, &[]), ["--year"]);
        assert_eq!(meant_options("--nam", diff, &[]), ["--from", "--to"]);
        assert_eq!(meant_options("--xã", check, &[]), ["--commune"]);
        assert_eq!(meant_options("--huyen", check, &[]), ["--districts"]);
        assert_eq!(meant_options("--muc", check, &[]), ["--level"]);
        assert_eq!(meant_options("--Year", check, &[]), ["--year"]);
        assert!(meant_options("--zzz", check, &[]).is_empty());
        let names = vec!["check".to_string(), "diff".to_string()];
        assert_eq!(
            meant_command("kiểm-tra", &names, &[]),
            Some("check".to_string())
        );
        assert_eq!(
            meant_command("so-sanh", &names, &[]),
            Some("diff".to_string())
        );
    }

    #[test]
    fn the_subcommand_reached_skips_options_and_their_values() {
        let cmd = command(Lang::Vi, None);
        let at = subcommand_at(
            &cmd,
            &os(&["ntm", "--lang", "en", "check", "--nam", "x.csv"]),
        );
        assert_eq!(at.name, "check");
        let at = subcommand_at(
            &cmd,
            &os(&["ntm", "--criteria", "check", "criteria", "show", "xa-ntm"]),
        );
        assert_eq!(at.name, "criteria show");
        let at = subcommand_at(&cmd, &os(&["ntm", "chek", "check"]));
        assert_eq!(at.name, "");
    }

    #[test]
    fn claps_errors_are_said_in_vietnamese_with_the_text_quoted() {
        let say = |args: &[&str], lang: Lang| {
            let args = os(args);
            let mut cmd = command(lang, None);
            let e = cmd.try_get_matches_from_mut(&args).expect_err("an error");
            error(&e, lang, &cmd, &args)
        };
        let m = say(&["ntm", "check", "--nam", "2024", "x.csv"], Lang::Vi);
        assert!(
            m.starts_with(
                "ntm: lỗi: không có tùy chọn «--nam» trong lệnh check; ý bạn là --year?\n"
            ),
            "{m}"
        );
        assert!(
            m.contains("Cách dùng: ntm check [TÙY_CHỌN] <DỮ_LIỆU>..."),
            "{m}"
        );
        assert!(m.contains("Xem thêm: ntm check --help"), "{m}");
        assert!(!m.contains("-- --nam"), "{m}");
        let m = say(&["ntm", "check", "--nam", "2024", "x.csv"], Lang::En);
        assert!(
            m.starts_with(
                "ntm: error: there is no option «--nam» in the command check; did you mean --year?\n"
            ),
            "{m}"
        );
        assert!(m.contains("Usage: ntm check [OPTIONS] <DATA>..."), "{m}");
        let m = say(&["ntm", "check", "--format", "pdf", "x.csv"], Lang::Vi);
        assert!(
            m.contains("«pdf» không phải giá trị hợp lệ của --format <ĐỊNH_DẠNG>; các giá trị: table, json, csv, md, html, xlsx"),
            "{m}"
        );
        assert!(m.contains("ntm không ghi PDF"), "{m}");
        let m = say(&["ntm", "check", "--year", "hai"], Lang::Vi);
        assert!(
            m.contains("«hai» không phải giá trị hợp lệ của --year <NĂM>: cần một số nguyên"),
            "{m}"
        );
        let m = say(&["ntm", "check"], Lang::Vi);
        assert!(m.contains("thiếu đối số bắt buộc: <DỮ_LIỆU>..."), "{m}");
        let m = say(&["ntm", "kiem-tra", "x.csv"], Lang::Vi);
        assert!(
            m.contains("không có lệnh «kiem-tra»; ý bạn là check?"),
            "{m}"
        );
        let m = say(&["ntm", "chek", "x.csv"], Lang::Vi);
        assert!(m.contains("không có lệnh «chek»; ý bạn là check?"), "{m}");
        let m = say(&["ntm", "diff", "a", "b", "c"], Lang::Vi);
        assert!(
            m.contains("thừa đối số «c» (lệnh diff không nhận thêm giá trị nào)"),
            "{m}"
        );
        let m = say(&["ntm", "--year", "2024", "check", "x.csv"], Lang::Vi);
        assert!(
            m.contains("không có tùy chọn «--year»; đó là tùy chọn của lệnh check, criteria show, template: hãy đặt nó sau tên lệnh"),
            "{m}"
        );
        let m = say(&["ntm", "check", "x.csv", "--lang", "fr"], Lang::Vi);
        assert!(
            m.contains("«fr» không phải giá trị hợp lệ của --lang <NGÔN_NGỮ>; các giá trị: vi, en"),
            "{m}"
        );
        let m = say(&["ntm", "check", "x.csv", "--year"], Lang::Vi);
        assert!(m.contains("--year <NĂM> cần một giá trị"), "{m}");
        let m = say(
            &["ntm", "check", "x.csv", "--year", "1", "--year", "2"],
            Lang::Vi,
        );
        assert!(m.contains("--year <NĂM> chỉ được cho một lần"), "{m}");
    }
}
