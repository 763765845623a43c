//! Reading one cell as officials type it in Excel: `85,5`, `85.5 %`, `Đạt`, `x`, `KAD`…

use serde::Serialize;

use super::number::{self, Mark, Reading, Refusal};
use crate::criteria::{ColumnSpec, Kind};
use crate::i18n::{Lang, Text, num};

/// A cell's value once read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    Num(f64),
}

impl Value {
    pub fn as_num(self) -> Option<f64> {
        match self {
            Value::Num(n) => Some(n),
            Value::Bool(_) => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell {
    /// Empty: never zero, never a fail.
    Missing,
    /// `KAD`, `-`, `–`, `—`, `N/A`, `không áp dụng`.
    NotApplicable,
    Value(Value),
}

/// Lower-case, without diacritics, with single spaces: `Không Đạt` → `khong dat`.
pub fn fold(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let plain = deunicode::deunicode(&lower);
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The word a Đạt/Không đạt or «not applicable» cell says, as the lists below hold it (see
/// [`fold`]). Its Vietnamese marks are taken off only when it is written with none of them, or
/// with every one of the word it is: `Không Đạt` and `khong dat` say `khong dat`, while `Đất`
/// (land), `Đặt`, `Dạt`, `cỏ` or `❌` (which a transliteration makes `x`, a pass) say nothing the
/// lists hold, and are refused rather than read as a verdict.
fn cell_word(text: &str) -> String {
    let lower = text
        .trim()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if lower.is_ascii() {
        return lower;
    }
    match lower.as_str() {
        "–" => "-".to_string(),
        "—" => "--".to_string(),
        w if MARKED.contains(&w) => fold(w),
        _ => lower,
    }
}

/// The words of the lists below that carry Vietnamese marks, lower-case, each composed (as typed)
/// and decomposed (a letter then its marks, as some programs save them).
const MARKED: &[&str] = &[
    "đạt",
    "đa\u{323}t",
    "không đạt",
    "kho\u{302}ng đa\u{323}t",
    "chưa đạt",
    "chu\u{31b}a đa\u{323}t",
    "có",
    "co\u{301}",
    "không",
    "kho\u{302}ng",
    "không áp dụng",
    "kho\u{302}ng a\u{301}p du\u{323}ng",
];

/// Words as [`cell_word`] gives them: `–` is `-`, `—` is `--`.
const NOT_APPLICABLE: &[&str] = &[
    "kad",
    "-",
    "--",
    "khong ap dung",
    "k.a.d",
    "n/a",
    "na",
    "not applicable",
];
const YES: &[&str] = &["dat", "x", "co", "1", "yes", "y", "true", "pass", "met"];
const NO: &[&str] = &[
    "khong dat",
    "chua dat",
    "khong",
    "ko",
    "0",
    "no",
    "n",
    "false",
    "fail",
    "not met",
];

/// A cell as the file holds it: text (every CSV cell), or a typed spreadsheet value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Raw<'a> {
    Text(&'a str),
    /// A number stored as a number; `percent` when the cell is formatted as a percentage (0.855 shown
    /// as 85,5 %).
    Number {
        value: f64,
        percent: bool,
    },
    Bool(bool),
    /// A number formatted as a date (Excel turns `1.5` into the 1st of May): its serial number.
    Date(f64),
    /// An error value (`#DIV/0!`).
    Error(&'a str),
    /// A formula whose result the file does not store.
    Formula(&'a str),
}

impl Raw<'_> {
    /// The cell as the user would quote it in a message.
    pub fn shown(&self) -> String {
        match self {
            Raw::Text(t) => t.trim().to_string(),
            // A percentage as Excel shows it (0.855 × 100 leaves 85.49999999999999: rounded);
            // any other number exactly (0.9999999999 is not 1).
            Raw::Number {
                value,
                percent: true,
            } => {
                format!("{}%", (value * 100.0 * 1e9).round() / 1e9)
            }
            Raw::Number { value, .. } => format!("{value}"),
            Raw::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
            Raw::Date(serial) => excel_date(*serial),
            Raw::Error(e) => e.to_string(),
            Raw::Formula(f) => format!("={f}"),
        }
    }
}

/// What the file has settled about its numbers' decimal mark, and where (`dòng 7: «85,5»`, `--decimal`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decimal {
    pub mark: Option<Mark>,
    pub from: Text,
}

/// A cell read, with the decimal mark its text shows (so that the file can settle its own).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Read {
    pub cell: Cell,
    pub shows: Option<Mark>,
}

impl From<Cell> for Read {
    fn from(cell: Cell) -> Self {
        Read { cell, shows: None }
    }
}

/// Why a cell could not be read: a message and what was expected. `ambiguous` marks a number that
/// reads two ways, which the file's decimal mark, once known, settles.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    pub message: Text,
    pub expected: Text,
    pub ambiguous: bool,
}

impl CellError {
    /// Boxed: most cells read, and a small `Result` is cheap to hand back for each of them.
    fn new(message: Text, expected: Text) -> Box<Self> {
        Box::new(CellError {
            message,
            expected,
            ambiguous: false,
        })
    }
}

/// What [`quick`] needs of a column, copied out of its [`ColumnSpec`] once, at the header: each cell
/// then reads a few bytes kept beside its position instead of following the spec.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuickSpec {
    kind: Kind,
    min: f64,
    max: f64,
    whole: bool,
}

impl QuickSpec {
    pub fn of(spec: &ColumnSpec) -> Self {
        let p = &spec.plausible;
        QuickSpec {
            kind: spec.kind,
            min: p.min,
            max: p.max,
            whole: p.whole,
        }
    }

    /// [`crate::criteria::Plausible::contains`], on the copy.
    #[inline]
    fn plausible(&self, v: f64) -> bool {
        (self.min..=self.max).contains(&v) && (!self.whole || v.fract() == 0.0)
    }
}

const DAT: [u8; 6] = *b"\xC4\x90\xE1\xBA\xA1t";
const KHONG_DAT: [u8; 13] = *b"Kh\xC3\xB4ng \xC4\x91\xE1\xBA\xA1t";

/// The cells most files are made of, read in a few byte tests: empty, `Đạt` / `Không đạt` as typed,
/// and a plain number (digits, at most one mark that cannot group thousands, `%` in a percentage
/// column) within the column's plausible values that agrees with the file's decimal mark (`mark`).
/// `None` sends the cell to [`parse`], which reads everything else or says why it cannot: `quick`
/// never refuses, and what it reads is exactly what `parse` reads (a property test below says so).
#[inline]
pub fn quick(text: &[u8], spec: &QuickSpec, mark: Option<Mark>) -> Option<Read> {
    if text.is_empty() {
        return Some(Cell::Missing.into());
    }
    let kind = spec.kind;
    if kind == Kind::Bool {
        // Compared as arrays of known length: a few loads, no call to `memcmp`.
        return if <&[u8; 6]>::try_from(text).is_ok_and(|t| *t == DAT) {
            Some(Cell::Value(Value::Bool(true)).into())
        } else if <&[u8; 13]>::try_from(text).is_ok_and(|t| *t == KHONG_DAT) {
            Some(Cell::Value(Value::Bool(false)).into())
        } else {
            None
        };
    }
    let (digits, percent) = match text.split_last() {
        Some((b'%', rest)) if kind == Kind::Pct => (rest, true),
        _ => (text, false),
    };
    let Some(Reading::Exact { value, shows }) = number::plain(digits) else {
        return None;
    };
    let contradicts = matches!((shows, mark), (Some(s), Some(m)) if s != m);
    let fraction = kind == Kind::Pct && !percent && value > 0.0 && value < 1.0;
    if contradicts || fraction || !spec.plausible(value) {
        return None;
    }
    Some(Read {
        cell: Cell::Value(Value::Num(value)),
        shows,
    })
}

/// A cell without the spaces around it (ASCII or Unicode, no-break space included). Most cells have
/// none: two byte tests say so.
fn trim(t: &str) -> &str {
    let b = t.as_bytes();
    let plain = |c: Option<&u8>| c.is_some_and(|c| c.is_ascii() && !c.is_ascii_whitespace());
    if plain(b.first()) && plain(b.last()) {
        t
    } else {
        t.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}')
    }
}

/// Read a cell of a column: its kind, and for numbers the file's decimal mark and the column's
/// plausible values. A value that could be read more than one way, or that no real commune could have,
/// is refused, never guessed.
pub fn parse(raw: Raw, spec: &ColumnSpec, decimal: &Decimal) -> Result<Read, Box<CellError>> {
    let kind = spec.kind;
    let text = match raw {
        Raw::Text(t) => trim(t),
        Raw::Number { value, percent } => return number_cell(value, percent, spec).map(Read::from),
        Raw::Bool(b) if kind == Kind::Bool => return Ok(Cell::Value(Value::Bool(b)).into()),
        Raw::Bool(b) => {
            return Err(CellError::new(
                Text::new(
                    format!(
                        "ô chứa giá trị logic {} của Excel, không phải một số",
                        raw.shown()
                    ),
                    format!(
                        "the cell holds Excel's logical value {}, not a number",
                        if b { "TRUE" } else { "FALSE" }
                    ),
                ),
                expected_number(kind),
            ));
        }
        Raw::Date(serial) => {
            return Err(CellError::new(
                Text::new(
                    format!(
                        "ô chứa ngày tháng {} (Excel tự đổi số như 1.5 thành ngày)",
                        excel_date(serial)
                    ),
                    format!(
                        "the cell holds the date {} (Excel turns numbers such as 1.5 into dates)",
                        excel_date(serial)
                    ),
                ),
                Text::new(
                    format!(
                        "{}: đổi định dạng ô sang Number hoặc General rồi nhập lại",
                        expected_number(kind).vi
                    ),
                    format!(
                        "{}: set the cell's format to Number or General and type the value again",
                        expected_number(kind).en
                    ),
                ),
            ));
        }
        Raw::Error(e) => {
            return Err(CellError::new(
                Text::new(
                    format!("ô báo lỗi công thức {e}"),
                    format!("the cell shows the formula error {e}"),
                ),
                Text::new(
                    "một giá trị: sửa công thức trong Excel",
                    "a value: fix the formula in Excel",
                ),
            ));
        }
        Raw::Formula(f) => {
            return Err(CellError::new(
                Text::new(
                    format!(
                        "ô có công thức «={f}» nhưng tệp không lưu kết quả của nó (tệp được tạo bởi một chương trình không tính công thức)"
                    ),
                    format!(
                        "the cell has the formula «={f}» but the file stores no result for it (it was made by a program that does not compute formulas)"
                    ),
                ),
                Text::new(
                    "mở tệp trong Excel rồi lưu lại để công thức có kết quả, hoặc nhập giá trị",
                    "open the file in Excel and save it so that the formula has a result, or type the value",
                ),
            ));
        }
    };
    if text.is_empty() {
        return Ok(Cell::Missing.into());
    }
    // Fast path for what most cells hold: Đạt / Không đạt as typed.
    match (kind, text) {
        // "Đạt" and "Không đạt" byte by byte (a string comparison would call memcmp per cell).
        (Kind::Bool, _) if text.as_bytes() == DAT => {
            return Ok(Cell::Value(Value::Bool(true)).into());
        }
        (Kind::Bool, _) if text.as_bytes() == KHONG_DAT => {
            return Ok(Cell::Value(Value::Bool(false)).into());
        }
        (Kind::Pct | Kind::Num, _) if text.as_bytes()[0].is_ascii_digit() => {}
        // A hyphen alone in a number's column is how Excel's accounting format shows 0, and a CSV
        // it saves keeps it: 0 or «not applicable» cannot be told apart, and the two give different
        // verdicts. Refused (a dash `–`, `—` or `KAD` is not what Excel writes for 0).
        (Kind::Pct | Kind::Num, "-") => {
            return Err(CellError::new(
                Text::new(
                    "«-» trong cột số: có thể là số 0 (Excel định dạng kế toán ghi 0 thành «-») hoặc không áp dụng",
                    "«-» in a number column: it may be 0 (Excel's accounting format shows 0 as «-») or not applicable",
                ),
                Text::new(
                    "0 nếu là số 0, hoặc KAD nếu không áp dụng",
                    "0 if it is zero, or KAD when not applicable",
                ),
            ));
        }
        _ => {
            let folded = cell_word(text);
            if NOT_APPLICABLE.contains(&folded.as_str()) {
                return Ok(Cell::NotApplicable.into());
            }
            if kind == Kind::Bool {
                return if YES.contains(&folded.as_str()) {
                    Ok(Cell::Value(Value::Bool(true)).into())
                } else if NO.contains(&folded.as_str()) {
                    Ok(Cell::Value(Value::Bool(false)).into())
                } else {
                    Err(CellError::new(
                        Text::new(
                            "không đọc được giá trị Đạt/Không đạt",
                            "not a Đạt/Không đạt value",
                        ),
                        Text::new(
                            "Đạt, Không đạt, Chưa đạt, x, có, không, 1, 0 (hoặc KAD nếu không áp dụng)",
                            "Đạt, Không đạt, Chưa đạt, x, có, không, yes, no, 1, 0 (or KAD when not applicable)",
                        ),
                    ))
                };
            }
        }
    }
    if kind == Kind::Bool {
        return Err(CellError::new(
            Text::new(
                "không đọc được giá trị Đạt/Không đạt",
                "not a Đạt/Không đạt value",
            ),
            Text::new(
                "Đạt, Không đạt, Chưa đạt, x, có, không, 1, 0 (hoặc KAD nếu không áp dụng)",
                "Đạt, Không đạt, Chưa đạt, x, có, không, yes, no, 1, 0 (or KAD when not applicable)",
            ),
        ));
    }
    let percent_sign = text.ends_with('%');
    if percent_sign && kind == Kind::Num {
        return Err(CellError::new(
            Text::new(
                "cột này là một số, không phải tỷ lệ %",
                "this column is a number, not a percentage",
            ),
            Text::new(
                format!("một số{}, không có dấu %", unit_of(spec, Lang::Vi)),
                format!("a number{}, without %", unit_of(spec, Lang::En)),
            ),
        ));
    }
    // One percent sign: «93,8%%» is a typo whose meaning is not read into.
    let digits = text.strip_suffix('%').unwrap_or(text).trim_end();
    let reading = number::read(digits).map_err(|r| refusal(r, digits, spec, decimal))?;
    let value = reading
        .under(decimal.mark)
        .map_err(|r| refusal(r, digits, spec, decimal))?;
    let shows = match reading {
        Reading::Exact { shows, .. } => shows,
        Reading::Ambiguous { .. } => None,
    };
    // 0,855 in a percentage column: 85,5 % typed as a fraction, or truly under 1 %? Only a % sign says.
    if kind == Kind::Pct && !percent_sign && value > 0.0 && value < 1.0 {
        return Err(fraction(digits, value));
    }
    in_range(value, spec)?;
    Ok(Read {
        cell: Cell::Value(Value::Num(value)),
        shows,
    })
}

/// A number stored as a number in a spreadsheet.
fn number_cell(value: f64, percent: bool, spec: &ColumnSpec) -> Result<Cell, Box<CellError>> {
    match spec.kind {
        Kind::Bool if value == 1.0 => Ok(Cell::Value(Value::Bool(true))),
        Kind::Bool if value == 0.0 => Ok(Cell::Value(Value::Bool(false))),
        Kind::Bool => Err(CellError::new(
            Text::new(
                "không đọc được giá trị Đạt/Không đạt",
                "not a Đạt/Không đạt value",
            ),
            Text::new(
                "Đạt, Không đạt, Chưa đạt, x, có, không, 1, 0 (hoặc KAD nếu không áp dụng)",
                "Đạt, Không đạt, Chưa đạt, x, có, không, yes, no, 1, 0 (or KAD when not applicable)",
            ),
        )),
        Kind::Num if percent => Err(CellError::new(
            Text::new(
                "ô được định dạng phần trăm nhưng cột này là một số, không phải tỷ lệ %",
                "the cell is formatted as a percentage but this column is a number, not a percentage",
            ),
            Text::new(
                format!(
                    "một số{}: đổi định dạng ô sang Number",
                    unit_of(spec, Lang::Vi)
                ),
                format!(
                    "a number{}: set the cell's format to Number",
                    unit_of(spec, Lang::En)
                ),
            ),
        )),
        kind => {
            let v = if percent { value * 100.0 } else { value };
            // Round away binary noise (0.855 × 100 = 85.49999999999999).
            let v = (v * 1e9).round() / 1e9;
            if kind == Kind::Pct && !percent && v > 0.0 && v < 1.0 {
                return Err(fraction(&Raw::Number { value, percent }.shown(), v));
            }
            in_range(v, spec)?;
            Ok(Cell::Value(Value::Num(v)))
        }
    }
}

/// A percentage written as a fraction is refused: 0,855 may mean 85,5 % or 0,855 %.
fn fraction(shown: &str, v: f64) -> Box<CellError> {
    let as_pct = crate::i18n::num(v * 100.0, Lang::Vi);
    let as_pct_en = crate::i18n::num(v * 100.0, Lang::En);
    CellError::new(
        Text::new(
            format!(
                "«{shown}» đọc được hai cách: tỷ lệ ghi dạng phân số ({as_pct} %) hay đúng là dưới 1 %?"
            ),
            format!(
                "«{shown}» reads two ways: a rate written as a fraction ({as_pct_en} %) or truly under 1 %?"
            ),
        ),
        Text::new(
            format!("ghi {as_pct} cho {as_pct} %, hoặc «{shown}%» (có dấu %) nếu đúng là dưới 1 %"),
            format!(
                "write {as_pct_en} for {as_pct_en} %, or «{shown}%» (with the % sign) if it is truly under 1 %"
            ),
        ),
    )
}

/// The value lies within what the column can plausibly hold (0–100 for a percentage; the criteria's
/// range for a number), and is whole where the column counts things.
fn in_range(v: f64, spec: &ColumnSpec) -> Result<(), Box<CellError>> {
    let p = &spec.plausible;
    if p.contains(v) {
        return Ok(());
    }
    let (lo, hi) = (num(p.min, Lang::Vi), num(p.max, Lang::Vi));
    let (lo_en, hi_en) = (num(p.min, Lang::En), num(p.max, Lang::En));
    let (unit, unit_en) = (unit_of(spec, Lang::Vi), unit_of(spec, Lang::En));
    let within = (p.min..=p.max).contains(&v);
    let (vi, en) = if within {
        (
            format!("không phải số nguyên, mà cột này đếm{unit}"),
            format!("not a whole number, and this column counts{unit_en}"),
        )
    } else if v < 0.0 {
        ("số âm".to_string(), "negative number".to_string())
    } else if spec.kind == Kind::Pct && p.min == 0.0 && p.max == 100.0 {
        (
            "tỷ lệ nằm ngoài khoảng 0–100".to_string(),
            "percentage outside 0–100".to_string(),
        )
    } else {
        let (mut vi, mut en) = (
            format!("nằm ngoài khoảng giá trị hợp lý của cột ({lo}–{hi}{unit})"),
            format!("outside the column's plausible values ({lo_en}–{hi_en}{unit_en})"),
        );
        // The criteria's hint is the likely mistake of a value too large (đồng for millions, a
        // rate for a count): said only above the range.
        if let Some(hint) = p.hint.as_ref().filter(|_| v > p.max) {
            vi.push_str(&format!(": {}", hint.vi));
            en.push_str(&format!(": {}", hint.get(Lang::En)));
        }
        (vi, en)
    };
    let whole = if p.whole { " nguyên" } else { "" };
    let whole_en = if p.whole { " whole" } else { "" };
    Err(CellError::new(
        Text::new(vi, en),
        Text::new(
            format!("một số{whole} từ {lo} đến {hi}{unit}"),
            format!("a{whole_en} number from {lo_en} to {hi_en}{unit_en}"),
        ),
    ))
}

/// ` triệu đồng/người/năm`, or nothing for a column without a unit (` %` for a percentage).
fn unit_of(spec: &ColumnSpec, lang: Lang) -> String {
    match (&spec.unit, spec.kind) {
        (Some(u), _) => format!(" {}", u.get(lang)),
        (None, Kind::Pct) => " %".to_string(),
        _ => String::new(),
    }
}

fn expected_number(kind: Kind) -> Text {
    match kind {
        Kind::Pct => Text::new("một tỷ lệ từ 0 đến 100", "a percentage from 0 to 100"),
        Kind::Num => Text::new("một số không âm", "a non-negative number"),
        Kind::Bool => Text::new("Đạt hoặc Không đạt", "Đạt or Không đạt"),
    }
}

/// Why a number written as text was refused.
fn refusal(r: Refusal, shown: &str, spec: &ColumnSpec, decimal: &Decimal) -> Box<CellError> {
    let kind = spec.kind;
    match r {
        Refusal::NotANumber => match kind {
            Kind::Pct => CellError::new(
                Text::new("không đọc được tỷ lệ phần trăm", "not a percentage"),
                Text::new(
                    "một số từ 0 đến 100, ví dụ 85,5 hoặc 85,5%",
                    "a number from 0 to 100, e.g. 85.5 or 85,5%",
                ),
            ),
            _ => CellError::new(
                Text::new("không đọc được số", "not a number"),
                Text::new(
                    format!("một số không âm{}, ví dụ 42,5", unit_of(spec, Lang::Vi)),
                    format!(
                        "a non-negative number{}, e.g. 42.5",
                        unit_of(spec, Lang::En)
                    ),
                ),
            ),
        },
        Refusal::Malformed => CellError::new(
            Text::new(
                "số viết sai quy tắc dấu phân cách (dấu cách hay dấu chấm, dấu phẩy đặt lạc chỗ)",
                "a number whose separators follow no rule (a space, point or comma out of place)",
            ),
            Text::new(
                "chữ số viết liền, một dấu thập phân, dấu phân cách hàng nghìn theo nhóm ba chữ số (42.500,5 hoặc 42 500,5)",
                "digits written together, one decimal mark, thousands separators in groups of three (42,500.5 or 42 500.5)",
            ),
        ),
        Refusal::Ambiguous { if_comma, if_point } => {
            let (a, b) = (num(if_point, Lang::Vi), num(if_comma, Lang::Vi));
            let (a_en, b_en) = (num(if_point, Lang::En), num(if_comma, Lang::En));
            Box::new(CellError {
                message: Text::new(
                    format!(
                        "«{shown}» đọc được hai cách ({a} hoặc {b}) và trong tệp không có số nào cho biết dấu thập phân là dấu phẩy hay dấu chấm"
                    ),
                    format!(
                        "«{shown}» reads two ways ({a_en} or {b_en}) and no number in the file shows whether the decimal mark is a comma or a point"
                    ),
                ),
                expected: Text::new(
                    "số không có dấu phân cách hàng nghìn (42 hoặc 42000), hoặc chạy lại với --decimal comma (85,5) hay --decimal point (85.5)",
                    "a number without thousands separators (42 or 42000), or run again with --decimal comma (85,5) or --decimal point (85.5)",
                ),
                ambiguous: true,
            })
        }
        Refusal::Contradicts(mark) => {
            let (vi, en) = mark.describe();
            CellError::new(
                Text::new(
                    format!(
                        "«{shown}» không theo quy ước số của tệp: tệp dùng {vi} ({})",
                        decimal.from.vi
                    ),
                    format!(
                        "«{shown}» does not follow the file's numbers: the file uses {en} ({})",
                        decimal.from.get(Lang::En)
                    ),
                ),
                Text::new(
                    format!("một số viết với {vi}"),
                    format!("a number written with {en}"),
                ),
            )
        }
    }
}

/// An Excel serial date as the user sees it (`01/05/2024`); 1900 date system.
pub fn excel_date(serial: f64) -> String {
    if !(1.0..2_958_466.0).contains(&serial) {
        return format!("{serial}");
    }
    let day = serial.floor() as i64;
    // Excel counts a 29 February 1900 that never was (serial 60): before it, day 1 is 1 January
    // 1900; from 61 on, days since 1899-12-30.
    let (y, m, d) = match day {
        60 => (1900, 2, 29),
        ..60 => civil_from_days(day - 25_568),
        _ => civil_from_days(day - 25_569), // to days since 1970-01-01
    };
    format!("{d:02}/{m:02}/{y}")
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::Plausible;

    fn spec(kind: Kind) -> ColumnSpec {
        ColumnSpec {
            kind,
            unit: None,
            plausible: Plausible::of_kind(kind),
        }
    }

    fn income() -> ColumnSpec {
        ColumnSpec {
            kind: Kind::Num,
            unit: Some(Text::new("triệu đồng/người/năm", "million VND/person/year")),
            plausible: Plausible {
                min: 1.0,
                max: 1000.0,
                whole: false,
                hint: Some(Text::new("có vẻ đã ghi bằng đồng", "looks like đồng")),
            },
        }
    }

    fn read(raw: &str, kind: Kind) -> Result<Cell, Box<CellError>> {
        parse(Raw::Text(raw), &spec(kind), &Decimal::default()).map(|r| r.cell)
    }

    fn num(raw: &str, kind: Kind) -> f64 {
        match read(raw, kind) {
            Ok(Cell::Value(Value::Num(n))) => n,
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn numbers_as_excel_exports_them() {
        assert_eq!(num("85,5", Kind::Pct), 85.5);
        assert_eq!(num("85.5", Kind::Pct), 85.5);
        assert_eq!(num(" 85,5 % ", Kind::Pct), 85.5);
        assert_eq!(num("100%", Kind::Pct), 100.0);
        assert_eq!(num("0,5%", Kind::Pct), 0.5);
        assert_eq!(num("45,36", Kind::Num), 45.36);
        assert_eq!(num("1.234,5", Kind::Num), 1234.5);
        assert_eq!(num("1,234.5", Kind::Num), 1234.5);
        assert_eq!(num("1 234", Kind::Num), 1234.0);
    }

    #[test]
    fn a_cell_says_which_decimal_mark_it_shows() {
        let r = parse(Raw::Text("85,5"), &spec(Kind::Pct), &Decimal::default()).unwrap();
        assert_eq!(r.shows, Some(Mark::Comma));
        let r = parse(Raw::Text("85"), &spec(Kind::Pct), &Decimal::default()).unwrap();
        assert_eq!(r.shows, None);
    }

    #[test]
    fn the_files_decimal_mark_settles_a_number_that_reads_two_ways() {
        let comma = Decimal {
            mark: Some(Mark::Comma),
            from: Text::new("dòng 7: «85,5»", "line 7: «85,5»"),
        };
        let e = parse(Raw::Text("42.000"), &income(), &Decimal::default()).unwrap_err();
        assert!(e.ambiguous && e.message.vi.contains("hai cách"), "{e:?}");
        // 42.000 in a file of decimal commas is 42 000: out of range for an income.
        let e = parse(Raw::Text("42.000"), &income(), &comma).unwrap_err();
        assert!(
            e.message.vi.contains("ngoài khoảng") && e.message.vi.contains("đồng"),
            "{e:?}"
        );
        let e = parse(Raw::Text("85.5"), &spec(Kind::Pct), &comma).unwrap_err();
        assert!(e.message.vi.contains("dòng 7"), "{e:?}");
    }

    #[test]
    fn values_no_commune_could_have_are_refused_with_the_likely_mistake() {
        for raw in ["38000000", "42.500.000"] {
            let e = parse(Raw::Text(raw), &income(), &Decimal::default()).unwrap_err();
            assert!(
                e.message.vi.contains("đồng") && e.expected.vi.contains("1 đến 1000"),
                "{e:?}"
            );
        }
        let e = read("0,855", Kind::Pct).unwrap_err();
        assert!(e.message.vi.contains("85,5 %"), "{e:?}");
        assert!(read("4 2", Kind::Num).is_err());
        let count = ColumnSpec {
            plausible: Plausible {
                min: 0.0,
                max: 100.0,
                whole: true,
                hint: None,
            },
            ..spec(Kind::Num)
        };
        assert!(parse(Raw::Text("2,5"), &count, &Decimal::default()).is_err());
        assert!(parse(Raw::Text("2"), &count, &Decimal::default()).is_ok());
    }

    #[test]
    fn spreadsheet_values_are_read_by_their_type() {
        let pct = spec(Kind::Pct);
        let d = Decimal::default();
        let cell = |raw| parse(raw, &pct, &d).map(|r| r.cell);
        assert_eq!(
            cell(Raw::Number {
                value: 0.855,
                percent: true
            }),
            Ok(Cell::Value(Value::Num(85.5)))
        );
        assert!(
            cell(Raw::Number {
                value: 0.855,
                percent: false
            })
            .is_err()
        );
        let e = cell(Raw::Date(45413.0)).unwrap_err();
        assert!(e.message.vi.contains("01/05/2024"), "{e:?}");
        assert!(cell(Raw::Error("#DIV/0!")).is_err());
        assert!(
            cell(Raw::Formula("SUM(A1:A3)"))
                .unwrap_err()
                .message
                .vi
                .contains("SUM")
        );
        let pct_income = Raw::Number {
            value: 0.42,
            percent: true,
        };
        assert!(parse(pct_income, &income(), &d).is_err());
    }

    #[test]
    fn yes_and_no_in_every_spelling() {
        for yes in ["Đạt", "đạt", "DAT", "x", "X", "có", "co", "1", "Yes"] {
            assert_eq!(
                read(yes, Kind::Bool),
                Ok(Cell::Value(Value::Bool(true))),
                "{yes}"
            );
        }
        for no in [
            "Không đạt",
            "KHÔNG ĐẠT",
            "Chưa đạt",
            "chua dat",
            "không",
            "0",
            "no",
        ] {
            assert_eq!(
                read(no, Kind::Bool),
                Ok(Cell::Value(Value::Bool(false))),
                "{no}"
            );
        }
    }

    /// A word is read when written with all its Vietnamese marks or with none: a word of other
    /// marks is another word (`Đất` is land), and a symbol is not turned into a letter (`❌` made
    /// `x` read as a pass). Decomposed marks (a letter then its marks) are the same word.
    #[test]
    fn a_word_of_other_marks_or_a_symbol_is_refused_never_a_verdict() {
        for other in [
            "❌",
            "✗",
            "✘",
            "⨯",
            "ⓧ",
            "✓",
            "Đất",
            "Đặt",
            "Dạt",
            "dát",
            "cô",
            "cỏ",
            "cố",
            "khòng",
            "Khong đạt",
            "đat",
        ] {
            assert!(read(other, Kind::Bool).is_err(), "{other}");
        }
        for other in ["Không ap dung", "–-"] {
            assert!(read(other, Kind::Pct).is_err(), "{other}");
        }
        assert_eq!(
            read("\u{110}a\u{323}t", Kind::Bool),
            Ok(Cell::Value(Value::Bool(true)))
        );
        assert_eq!(
            read("Kho\u{302}ng \u{111}a\u{323}t", Kind::Bool),
            Ok(Cell::Value(Value::Bool(false)))
        );
        assert_eq!(
            read("kho\u{302}ng a\u{301}p du\u{323}ng", Kind::Num),
            Ok(Cell::NotApplicable)
        );
    }

    /// A date is quoted as Excel shows it, its 29 February 1900 included.
    #[test]
    fn excel_dates_are_quoted_as_excel_shows_them() {
        for (serial, shown) in [
            (1.0, "01/01/1900"),
            (59.0, "28/02/1900"),
            (60.0, "29/02/1900"),
            (61.0, "01/03/1900"),
            (45_474.0, "01/07/2024"),
        ] {
            assert_eq!(excel_date(serial), shown, "{serial}");
        }
    }

    /// A number is quoted exactly: 0.9999999999 is not «1»; a percentage as Excel shows it.
    #[test]
    fn a_number_is_quoted_exactly() {
        let n = |value, percent| Raw::Number { value, percent }.shown();
        assert_eq!(n(0.999_999_999_9, false), "0.9999999999");
        assert_eq!(n(0.855, true), "85.5%");
    }

    #[test]
    fn empty_is_missing_and_kad_is_not_applicable() {
        assert_eq!(read("", Kind::Pct), Ok(Cell::Missing));
        assert_eq!(read("  ", Kind::Bool), Ok(Cell::Missing));
        for na in [
            "KAD",
            "kad",
            "–",
            "—",
            "N/A",
            "Không áp dụng",
            "khong ap dung",
        ] {
            assert_eq!(read(na, Kind::Bool), Ok(Cell::NotApplicable), "{na}");
            assert_eq!(read(na, Kind::Pct), Ok(Cell::NotApplicable), "{na}");
        }
        // A hyphen is «not applicable» in a Đạt/Không đạt column; in a number's it may be Excel's
        // accounting 0: refused.
        assert_eq!(read("-", Kind::Bool), Ok(Cell::NotApplicable));
        assert_eq!(read(" - ", Kind::Bool), Ok(Cell::NotApplicable));
        for kind in [Kind::Pct, Kind::Num] {
            let e = read(" -   ", kind).unwrap_err();
            assert!(e.message.vi.contains("định dạng kế toán"), "{e:?}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_refused() {
        assert!(read("abc", Kind::Pct).is_err());
        assert!(read("120", Kind::Pct).is_err());
        assert!(read("-3", Kind::Num).is_err());
        assert!(read("Đạt", Kind::Pct).is_err());
        assert!(read("maybe", Kind::Bool).is_err());
        assert!(read("85%", Kind::Num).is_err());
        assert!(read("1e400", Kind::Num).is_err());
        assert!(read("NaN", Kind::Num).is_err());
        assert!(read("93,8%%", Kind::Pct).is_err());
        assert!(read("93,8 % %", Kind::Pct).is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// What `quick` reads, `parse` reads the same, under every decimal mark the file may have
        /// settled; and on the cells it was made for, it does read.
        #[test]
        fn quick_reads_what_parse_reads(
            text in "Đạt|Không đạt|KAD| ?[0-9]{0,4}([,.][0-9]{0,4})? ?%?|[0-9,. %]{0,6}",
            kind in proptest::sample::select(vec![Kind::Bool, Kind::Pct, Kind::Num]),
            mark in proptest::sample::select(vec![None, Some(Mark::Comma), Some(Mark::Point)]),
        ) {
            let spec = spec(kind);
            let decimal = Decimal { mark, ..Decimal::default() };
            if let Some(quick) = quick(text.as_bytes(), &QuickSpec::of(&spec), mark) {
                proptest::prop_assert_eq!(parse(Raw::Text(&text), &spec, &decimal), Ok(quick));
            }
        }
    }

    #[test]
    fn the_byte_spellings_of_dat_are_the_words() {
        assert_eq!(&DAT[..], "Đạt".as_bytes());
        assert_eq!(&KHONG_DAT[..], "Không đạt".as_bytes());
    }

    #[test]
    fn quick_reads_the_common_cells() {
        let pct = spec(Kind::Pct);
        let quick_cell =
            |t: &str, s: &ColumnSpec| quick(t.as_bytes(), &QuickSpec::of(s), None).map(|r| r.cell);
        assert_eq!(
            quick_cell("85,5", &pct),
            Some(Cell::Value(Value::Num(85.5)))
        );
        assert_eq!(
            quick_cell("85,5%", &pct),
            Some(Cell::Value(Value::Num(85.5)))
        );
        assert_eq!(quick_cell("", &pct), Some(Cell::Missing));
        assert_eq!(
            quick_cell("Đạt", &spec(Kind::Bool)),
            Some(Cell::Value(Value::Bool(true)))
        );
        // Left to `parse`: what may be refused, or reads two ways.
        for t in ["0,5", "42.000", "120", " 85", "KAD", "85 %"] {
            assert_eq!(quick_cell(t, &pct), None, "{t}");
        }
        assert_eq!(
            quick(b"85.5", &QuickSpec::of(&pct), Some(Mark::Comma)),
            None
        );
    }
}
