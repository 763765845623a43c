//! Problems found in user files (criteria or data), collected rather than thrown one at a time.

use serde::Serialize;

use crate::i18n::{Lang, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a user's file, located as precisely as the file allows.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// A stable identifier of the kind of problem (`unknown-key`, `bad-cell`…), for scripts.
    pub kind: &'static str,
    pub file: String,
    /// 1-based line in the file.
    pub line: Option<usize>,
    /// 1-based character column, for text files such as criteria TOML.
    pub col: Option<usize>,
    /// The spreadsheet cell, as the user sees it in Excel (`Sheet1!F12`).
    pub cell: Option<String>,
    /// The data column id or criteria key concerned.
    pub field: Option<String>,
    /// The value found, as written in the file.
    pub found: Option<String>,
    /// What was expected instead.
    pub expected: Option<Text>,
    pub message: Text,
}

impl Problem {
    pub fn error(kind: &'static str, file: impl Into<String>, message: Text) -> Self {
        Problem {
            severity: Severity::Error,
            kind,
            file: file.into(),
            line: None,
            col: None,
            cell: None,
            field: None,
            found: None,
            expected: None,
            message,
        }
    }

    pub fn warning(kind: &'static str, file: impl Into<String>, message: Text) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(kind, file, message)
        }
    }

    pub fn at(mut self, line: usize, col: Option<usize>) -> Self {
        self.line = Some(line);
        self.col = col;
        self
    }

    /// Locate the problem at a byte offset of `src`.
    pub fn at_offset(self, src: &str, offset: usize) -> Self {
        let (line, col) = line_col(src, offset);
        self.at(line, Some(col))
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// What was found, cut to 200 characters (a cell may hold megabytes).
    pub fn found(mut self, found: impl Into<String>) -> Self {
        let found: String = found.into();
        let n = found.chars().count();
        self.found = Some(if n > 200 {
            format!(
                "{}… ({n} ký tự / characters)",
                found.chars().take(200).collect::<String>()
            )
        } else {
            found
        });
        self
    }

    pub fn expected(mut self, expected: Text) -> Self {
        self.expected = Some(expected);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// One line as a person reads it: `file:line:col: error: message (column 2.2: found "abc", expected …)`.
    pub fn render(&self, lang: Lang) -> String {
        let mut out = self.file.clone();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
            if let Some(col) = self.col {
                out.push_str(&format!(":{col}"));
            }
        }
        let sev = match self.severity {
            Severity::Error => lang.pick("lỗi", "error"),
            Severity::Warning => lang.pick("lưu ý", "note"),
        };
        out.push_str(&format!(": {sev}: "));
        if let Some(cell) = &self.cell {
            out.push_str(&format!("{} {cell}, ", lang.pick("ô", "cell")));
        }
        if let Some(field) = &self.field {
            out.push_str(&format!("{} {field}: ", lang.pick("cột", "column")));
        }
        out.push_str(self.message.get(lang));
        if let Some(found) = &self.found {
            out.push_str(&format!("; {} «{found}»", lang.pick("gặp", "found")));
        }
        if let Some(expected) = &self.expected {
            out.push_str(&format!(
                "; {} {}",
                lang.pick("cần", "expected"),
                expected.get(lang)
            ));
        }
        out
    }
}
/// How many of a list a message names ([`first_few`]).
pub const FEW: usize = 3;

/// The first [`FEW`] of `count` things as `shown` gives them, joined, then `…` when there are more:
/// what a message names of a long list.
pub fn first_few(shown: impl IntoIterator<Item = String>, count: usize) -> String {
    let mut named: Vec<String> = shown.into_iter().take(FEW).collect();
    if count > named.len() {
        named.push("…".to_string());
    }
    named.join(", ")
}

/// 1-based line and character column of a byte offset.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let src = "a = 1\nđường = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        let off = src.find("= 2").unwrap();
        assert_eq!(line_col(src, off), (2, 7));
        assert_eq!(line_col(src, 10_000), (3, 1));
    }

    #[test]
    fn rendering_names_file_line_column_found_and_expected() {
        let p = Problem::error(
            "bad-cell",
            "xa.csv",
            Text::new("không đọc được", "unreadable"),
        )
        .at(4, None)
        .field("2.2")
        .found("abc")
        .expected(Text::new("một tỷ lệ %", "a percentage"));
        assert_eq!(
            p.render(Lang::En),
            "xa.csv:4: error: column 2.2: unreadable; found «abc»; expected a percentage"
        );
        assert!(
            p.render(Lang::Vi)
                .starts_with("xa.csv:4: lỗi: cột 2.2: không đọc được")
        );
    }
}
