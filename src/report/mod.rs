//! Rendering: criteria and results as text tables, JSON, CSV or Markdown. Every function returns a
//! string; the binary decides where it goes.

pub mod check;
pub mod criteria;
pub mod criteria_diff;
pub mod diff;
pub mod grid;
pub mod html;
pub mod model;
pub mod print;
pub mod template;
pub mod text;
mod xlsx_cells;

use std::borrow::Cow;
use std::io::{self, Write};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Md,
    /// One self-contained, printable page (check only).
    Html,
    /// An Excel workbook (needs an output file).
    Xlsx,
}

impl Format {
    /// The format an output file's extension asks for.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "md" => Some(Format::Md),
            "html" | "htm" => Some(Format::Html),
            "xlsx" => Some(Format::Xlsx),
            "txt" => Some(Format::Table),
            _ => None,
        }
    }

    /// The format's name as `--format` takes it (`table` for the text table).
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Md => "md",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
        }
    }

    /// Binary formats cannot go to a terminal.
    pub fn is_binary(self) -> bool {
        self == Format::Xlsx
    }
}

/// How tables are drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub lang: crate::i18n::Lang,
    /// Colour (only on a terminal).
    pub color: bool,
    /// Terminal width, if known.
    pub width: Option<u16>,
}

/// Version of the JSON documents' layout.
pub const SCHEMA_VERSION: u32 = 1;

/// `w`, made to fit the terminal's width when the format is a table and a width is known: prose
/// lines wrap between words (tables are laid out to the width already).
pub fn fitted_writer<'a>(
    format: Format,
    style: &Style,
    w: Box<dyn Write + 'a>,
) -> Box<dyn Write + 'a> {
    match (format, style.width) {
        (Format::Table, Some(width)) => Box::new(grid::Fit::new(w, usize::from(width))),
        _ => w,
    }
}

/// `text` made to fit as [`fitted_writer`] would.
pub fn fitted(text: String, format: Format, style: &Style) -> String {
    match (format, style.width) {
        (Format::Table, Some(width)) => grid::fit(&text, usize::from(width)),
        _ => text,
    }
}

/// A criterion in a JSON document: its number and names, then what that document says of it
/// (`rest`, in order: whether it is verified, its indicators as codes or as definitions).
pub(crate) fn criterion_json(
    c: &crate::criteria::Criterion,
    rest: impl IntoIterator<Item = (&'static str, serde_json::Value)>,
) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    out.insert("number".into(), c.number.clone().into());
    out.insert("name".into(), c.name.vi.clone().into());
    out.insert("name_en".into(), c.name.en.clone().into());
    out.extend(rest.into_iter().map(|(k, v)| (k.to_string(), v)));
    serde_json::Value::Object(out)
}

/// A cell of a Markdown table as its text reads: a `|` escaped (it would end the cell), a line
/// break made a space, and a `<` that would open a tag (`<script>`, `</b>`, `<!--`) written `&lt;`,
/// so that a viewer rendering HTML in Markdown shows a name holding markup, never runs it. A `<`
/// or `>` of a comparison (`5n > 3`, `< 13 %`) stays as it is.
pub(crate) fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;");
            }
            c => out.push(c),
        }
    }
    out
}

/// A Markdown table.
pub(crate) fn md_table(header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| md_cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in rows {
        out.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        ));
    }
    out
}

/// One CSV record, with its line end.
pub(crate) fn csv_line(fields: &[String]) -> String {
    csv_text(fields, &[])
}

/// CSV text from a header and rows.
pub(crate) fn csv_text(header: &[String], rows: &[Vec<String>]) -> String {
    let mut w = CsvWriter::new(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r);
    }
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

/// A CSV field as a spreadsheet should show it. Text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be taken for a formula by Excel or LibreOffice (CSV injection: a commune
/// named `=HYPERLINK(…)` becomes a link), so it gets a leading `'`, which spreadsheets read as "this
/// is text". A plain number (`-2`, `-3,5`, `+1.5`) is a value, not a formula, and stays as it is.
pub(crate) fn spreadsheet_cell(field: &str) -> Cow<'_, str> {
    let risky = field
        .as_bytes()
        .first()
        .is_some_and(|b| matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    if risky && !is_plain_number(field) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

/// A sign, digits, and groups of digits after `.` or `,` (`-2`, `-3,5`, `-1.234,5`).
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let mut groups = digits.split(['.', ',']);
    groups.all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
}

/// The one way ntm writes CSV: every field goes through [`spreadsheet_cell`].
pub(crate) struct CsvWriter<W: Write>(csv::Writer<W>);

impl<W: Write> CsvWriter<W> {
    pub(crate) fn new(out: W) -> Self {
        CsvWriter::with_delimiter(out, b',')
    }

    pub(crate) fn with_delimiter(out: W, delimiter: u8) -> Self {
        CsvWriter(
            csv::WriterBuilder::new()
                .delimiter(delimiter)
                .from_writer(out),
        )
    }

    pub(crate) fn write_record<I, S>(&mut self, fields: I) -> io::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut record = csv::StringRecord::new();
        for f in fields {
            record.push_field(&spreadsheet_cell(f.as_ref()));
        }
        self.0.write_record(&record).map_err(io::Error::from)
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

impl CsvWriter<Vec<u8>> {
    /// The bytes written (to memory, which cannot fail).
    pub(crate) fn into_inner(self) -> Vec<u8> {
        self.0.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_markdown_cell_shows_markup_and_never_ends_early() {
        assert_eq!(
            super::md_cell("<script>a|b</script>\nR&D"),
            "&lt;script>a\\|b&lt;/script> R&D"
        );
        assert_eq!(super::md_cell("<!-- x -->"), "&lt;!-- x -->");
        for plain in ["Gia Cát ≥ 70 %", "¬(5n > 3)", "< 13 %", "a<1"] {
            assert_eq!(super::md_cell(plain), plain);
        }
    }

    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (field, written) in [
            (
                "=HYPERLINK(\"http://x\",\"bấm\")",
                "'=HYPERLINK(\"http://x\",\"bấm\")",
            ),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("=", "'="),
            ("-2", "-2"),
            ("-3,5", "-3,5"),
            ("+1.5", "+1.5"),
            ("-1.234,5", "-1.234,5"),
            ("Gia Cát", "Gia Cát"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_cell(field), written, "{field:?}");
        }
    }

    #[test]
    fn every_record_goes_through_it() {
        let text = csv_text(
            &["code".into(), "name".into()],
            &[vec!["-2".into(), "=1+1".into()]],
        );
        assert_eq!(text, "code,name\n-2,'=1+1\n");
        let mut w = CsvWriter::with_delimiter(Vec::new(), b';');
        w.write_record(["@a", "b;c"]).unwrap();
        assert_eq!(String::from_utf8(w.into_inner()).unwrap(), "'@a;\"b;c\"\n");
    }
}
