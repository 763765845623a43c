//! Reading one cell as officials type it in Excel: `85,5`, `85.5 %`, `Đạt`, `x`, `KAD`…

use serde::Serialize;

use crate::criteria::Kind;
use crate::i18n::Text;

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
    /// `KAD`, `-`, `không áp dụng`.
    NotApplicable,
    Value(Value),
}

/// Why a cell could not be read: a message and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    pub message: Text,
    pub expected: Text,
}

/// Lower-case, without diacritics, with single spaces: `Không Đạt` → `khong dat`.
pub fn fold(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let plain = deunicode::deunicode(&lower);
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

const NOT_APPLICABLE: &[&str] = &[
    "kad",
    "-",
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

/// Read a cell of the given kind.
pub fn parse(raw: &str, kind: Kind) -> Result<Cell, CellError> {
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}');
    if trimmed.is_empty() {
        return Ok(Cell::Missing);
    }
    // Fast paths for what most cells hold: a plain number, or Đạt / Không đạt as typed.
    match kind {
        Kind::Pct | Kind::Num
            if trimmed
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',') =>
        {
            if let Some(n) = number(trimmed)
                && n >= 0.0
                && (kind == Kind::Num || n <= 100.0)
            {
                return Ok(Cell::Value(Value::Num(n)));
            }
        }
        Kind::Bool if trimmed == "Đạt" => return Ok(Cell::Value(Value::Bool(true))),
        Kind::Bool if trimmed == "Không đạt" => return Ok(Cell::Value(Value::Bool(false))),
        _ => {}
    }
    let folded = fold(trimmed);
    if NOT_APPLICABLE.contains(&folded.as_str()) {
        return Ok(Cell::NotApplicable);
    }
    match kind {
        Kind::Bool => {
            if YES.contains(&folded.as_str()) {
                Ok(Cell::Value(Value::Bool(true)))
            } else if NO.contains(&folded.as_str()) {
                Ok(Cell::Value(Value::Bool(false)))
            } else {
                Err(CellError {
                    message: Text::new(
                        "không đọc được giá trị Đạt/Không đạt",
                        "not a Đạt/Không đạt value",
                    ),
                    expected: Text::new(
                        "Đạt, Không đạt, Chưa đạt, x, có, không, 1, 0 (hoặc KAD nếu không áp dụng)",
                        "Đạt, Không đạt, Chưa đạt, x, có, không, yes, no, 1, 0 (or KAD when not applicable)",
                    ),
                })
            }
        }
        Kind::Pct => {
            let n = number(trimmed.trim_end_matches('%')).ok_or_else(|| CellError {
                message: Text::new("không đọc được tỷ lệ phần trăm", "not a percentage"),
                expected: Text::new(
                    "một số từ 0 đến 100, ví dụ 85,5 hoặc 85,5%",
                    "a number from 0 to 100, e.g. 85.5 or 85,5%",
                ),
            })?;
            if !(0.0..=100.0).contains(&n) {
                return Err(CellError {
                    message: Text::new("tỷ lệ nằm ngoài khoảng 0–100", "percentage outside 0–100"),
                    expected: Text::new("một số từ 0 đến 100", "a number from 0 to 100"),
                });
            }
            Ok(Cell::Value(Value::Num(n)))
        }
        Kind::Num => {
            if trimmed.ends_with('%') {
                return Err(CellError {
                    message: Text::new(
                        "cột này là một số, không phải tỷ lệ %",
                        "this column is a number, not a percentage",
                    ),
                    expected: Text::new(
                        "một số không âm, không có dấu %",
                        "a non-negative number without %",
                    ),
                });
            }
            let n = number(trimmed).ok_or_else(|| CellError {
                message: Text::new("không đọc được số", "not a number"),
                expected: Text::new(
                    "một số không âm, ví dụ 42,5",
                    "a non-negative number, e.g. 42.5",
                ),
            })?;
            if n < 0.0 {
                return Err(CellError {
                    message: Text::new("số âm", "negative number"),
                    expected: Text::new("một số không âm", "a non-negative number"),
                });
            }
            Ok(Cell::Value(Value::Num(n)))
        }
    }
}

/// A number with a decimal comma or point, and optional thousands separators (`1.234,5`, `1,234.5`).
pub fn number(s: &str) -> Option<f64> {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'))
    {
        return None;
    }
    let commas = s.matches(',').count();
    let points = s.matches('.').count();
    let normal = match (commas, points) {
        (0, 0) | (0, 1) => s.clone(),
        (1, 0) => s.replace(',', "."),
        (_, 0) => s.replace(',', ""), // 1,234,567
        (0, _) => s.replace('.', ""), // 1.234.567
        _ => {
            // Both: the last one is the decimal mark.
            let (last_comma, last_point) = (s.rfind(',')?, s.rfind('.')?);
            if last_comma > last_point {
                s.replace('.', "").replace(',', ".")
            } else {
                s.replace(',', "")
            }
        }
    };
    let n: f64 = normal.parse().ok()?;
    n.is_finite().then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(raw: &str, kind: Kind) -> f64 {
        match parse(raw, kind) {
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
        assert_eq!(num("45,36", Kind::Num), 45.36);
        assert_eq!(num("1.234,5", Kind::Num), 1234.5);
        assert_eq!(num("1,234.5", Kind::Num), 1234.5);
        assert_eq!(num("1 234", Kind::Num), 1234.0);
    }

    #[test]
    fn yes_and_no_in_every_spelling() {
        for yes in ["Đạt", "đạt", "DAT", "x", "X", "có", "co", "1", "Yes"] {
            assert_eq!(
                parse(yes, Kind::Bool),
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
                parse(no, Kind::Bool),
                Ok(Cell::Value(Value::Bool(false))),
                "{no}"
            );
        }
    }

    #[test]
    fn empty_is_missing_and_kad_is_not_applicable() {
        assert_eq!(parse("", Kind::Pct), Ok(Cell::Missing));
        assert_eq!(parse("  ", Kind::Bool), Ok(Cell::Missing));
        for na in ["KAD", "kad", "-", "Không áp dụng", "khong ap dung"] {
            assert_eq!(parse(na, Kind::Bool), Ok(Cell::NotApplicable), "{na}");
            assert_eq!(parse(na, Kind::Pct), Ok(Cell::NotApplicable), "{na}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_refused() {
        assert!(parse("abc", Kind::Pct).is_err());
        assert!(parse("120", Kind::Pct).is_err());
        assert!(parse("-3", Kind::Num).is_err());
        assert!(parse("Đạt", Kind::Pct).is_err());
        assert!(parse("maybe", Kind::Bool).is_err());
        assert!(parse("85%", Kind::Num).is_err());
        assert!(parse("1e400", Kind::Num).is_err());
        assert!(parse("NaN", Kind::Num).is_err());
    }
}
