//! One record of a data file, whatever the file: a CSV line or a spreadsheet row.

use super::cell::Raw;
use crate::diag::Problem;

/// The fields of a record.
pub enum Fields {
    /// A CSV record, checked to be UTF-8 as a whole when read.
    Csv(CsvRecord),
    /// Spreadsheet cells: each as text (what a header or a code is read from), with its type; its
    /// reference as the user sees it (`Sheet1!F12`) is made when a message needs it. A number's
    /// text is made only when asked for (a code or a year typed as a number): most number cells
    /// are read as numbers and never as text.
    Cells {
        values: Vec<std::cell::OnceCell<String>>,
        typed: Vec<Typed>,
        /// The sheet, and the column of the first cell (0 for `A`).
        sheet: std::sync::Arc<str>,
        col0: usize,
    },
}

/// A CSV record known to be UTF-8: it can only be made by [`CsvRecord::checked`], so that its fields
/// can be read as text without checking each again.
pub struct CsvRecord(csv::ByteRecord);

impl CsvRecord {
    /// The record, if each of its fields is UTF-8: one fast check of the fields laid end to end
    /// (`as_slice`, without delimiters or quotes), then that each field ends where a character ends.
    /// The second matters: in `\xC4;\x90` the two halves of «Đ» are split by the delimiter, and the
    /// bytes laid end to end are UTF-8 while neither field is.
    pub fn checked(rec: csv::ByteRecord) -> Option<Self> {
        let all = simdutf8::basic::from_utf8(rec.as_slice()).ok()?;
        if !all.is_ascii() {
            let mut end = 0;
            for field in &rec {
                end += field.len();
                if !all.is_char_boundary(end) {
                    return None;
                }
            }
        }
        Some(CsvRecord(rec))
    }

    /// About the bytes the record took in the file: its fields, a delimiter after each but the
    /// last, and a line break (quotes are not counted).
    pub fn width(&self) -> usize {
        self.0.as_slice().len() + self.0.len()
    }

    fn get(&self, i: usize) -> Option<&str> {
        self.0.get(i).map(|b| {
            debug_assert!(std::str::from_utf8(b).is_ok());
            // SAFETY: `checked` made sure the fields laid end to end are UTF-8 and that each field
            // ends on a character boundary of that text, so each field is UTF-8 on its own.
            unsafe { std::str::from_utf8_unchecked(b) }
        })
    }
}

/// What a spreadsheet cell holds, beyond its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Typed {
    /// Text, or nothing.
    Text,
    Number {
        value: f64,
        percent: bool,
    },
    Bool(bool),
    /// A number formatted as a date: its serial number.
    Date(f64),
    /// An error value; the text holds it (`#DIV/0!`).
    Error,
    /// A formula without a stored result; the text holds the formula.
    Formula,
}

/// A record and the line (CSV) or row (spreadsheet) it comes from, 1-based.
pub struct Rec {
    pub line: usize,
    pub fields: Fields,
}

impl Rec {
    pub fn get(&self, i: usize) -> Option<&str> {
        match &self.fields {
            Fields::Csv(r) => r.get(i),
            Fields::Cells { values, typed, .. } => values.get(i).map(|v| {
                v.get_or_init(|| match typed.get(i) {
                    Some(Typed::Number { value, .. }) => number_text(*value),
                    _ => String::new(),
                })
                .as_str()
            }),
        }
    }

    /// The fields of a CSV record as they stand, in order (`None` for a spreadsheet's row, which is
    /// typed): what [`super::cell::quick`] reads. Walking them costs less than looking each up.
    #[inline]
    pub fn csv_fields(&self) -> Option<csv::ByteRecordIter<'_>> {
        match &self.fields {
            Fields::Csv(r) => Some(r.0.iter()),
            Fields::Cells { .. } => None,
        }
    }

    /// Field `i` as the cell parser reads it: text from a CSV, the typed value from a spreadsheet.
    pub fn raw(&self, i: usize) -> Raw<'_> {
        match &self.fields {
            Fields::Csv(_) => Raw::Text(self.get(i).unwrap_or("")),
            Fields::Cells { typed, .. } => {
                let t = typed.get(i).copied().unwrap_or(Typed::Text);
                if let Typed::Number { value, percent } = t {
                    return Raw::Number { value, percent };
                }
                let text = self.get(i).unwrap_or("");
                match t {
                    Typed::Text => Raw::Text(text),
                    Typed::Number { value, percent } => Raw::Number { value, percent },
                    Typed::Bool(b) => Raw::Bool(b),
                    Typed::Date(d) => Raw::Date(d),
                    Typed::Error => Raw::Error(text),
                    Typed::Formula => Raw::Formula(text),
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        match &self.fields {
            Fields::Csv(r) => r.0.len(),
            Fields::Cells { values, .. } => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_blank(&self) -> bool {
        // Most records have a code in their first field: one byte says so.
        let plain = |f: &str| f.bytes().next().is_some_and(|b| !b.is_ascii_whitespace());
        if self.get(0).is_some_and(plain) {
            return false;
        }
        (0..self.len()).all(|i| self.get(i).is_none_or(|f| f.trim().is_empty()))
    }

    /// The spreadsheet reference of field `i` (`Sheet1!F12`), for a spreadsheet.
    pub fn cell_ref(&self, i: usize) -> Option<String> {
        match &self.fields {
            Fields::Csv(_) => None,
            Fields::Cells {
                values,
                sheet,
                col0,
                ..
            } => (i < values.len())
                .then(|| format!("{sheet}!{}{}", column_letters(col0 + i), self.line)),
        }
    }
}

/// A number cell's text, as a header, a code or a year is read from it: `2024`, `85.5`.
pub fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Records as they are read; a problem that stops a record (an encoding error…) comes as `Err`.
pub type Records = Box<dyn Iterator<Item = Result<Rec, Box<Problem>>> + Send>;

/// A spreadsheet column's letters: 0 → `A`, 26 → `AA`.
pub fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(bytes: &[u8]) -> csv::ByteRecord {
        csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(bytes)
            .into_byte_records()
            .next()
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_character_split_by_a_delimiter_is_not_utf8() {
        // Found by the data_row fuzz target: «Đ» is C4 90; with a `;` between its bytes the fields
        // laid end to end are UTF-8, and neither field is.
        assert!(CsvRecord::checked(record(b"\xC4;\x90")).is_none());
        assert!(CsvRecord::checked(record(b"\"\xC4\";\x90")).is_none());
        assert!(CsvRecord::checked(record(b"\xC4\x90\xFF")).is_none());
        let ok = CsvRecord::checked(record("Đồng Đăng;Cao Lộc;;7,5".as_bytes())).unwrap();
        assert_eq!(ok.get(0), Some("Đồng Đăng"));
        assert_eq!(ok.get(1), Some("Cao Lộc"));
        assert_eq!(ok.get(2), Some(""));
        assert_eq!(ok.get(3), Some("7,5"));
        assert!(CsvRecord::checked(record(b"ma_xa;nam")).is_some());
    }

    #[test]
    fn a_number_cell_is_read_as_text_only_when_asked() {
        let text = std::cell::OnceCell::new();
        let _ = text.set("Gia Cát".to_string());
        let rec = Rec {
            line: 2,
            fields: Fields::Cells {
                values: vec![std::cell::OnceCell::new(), text, std::cell::OnceCell::new()],
                typed: vec![
                    Typed::Number {
                        value: 6235.0,
                        percent: false,
                    },
                    Typed::Text,
                    Typed::Number {
                        value: 85.5,
                        percent: true,
                    },
                ],
                sheet: "Xã".into(),
                col0: 0,
            },
        };
        assert!(matches!(
            rec.raw(2),
            Raw::Number {
                value: 85.5,
                percent: true
            }
        ));
        assert_eq!(rec.get(0), Some("6235"));
        assert_eq!(rec.get(1), Some("Gia Cát"));
        assert_eq!(rec.get(2), Some("85.5"));
        assert_eq!(rec.get(3), None);
        assert_eq!(rec.cell_ref(2).as_deref(), Some("Xã!C2"));
    }

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(5), "F");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
