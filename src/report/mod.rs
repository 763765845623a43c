//! Rendering: criteria and results as text tables, JSON, CSV or Markdown. Every function returns a
//! string; the binary decides where it goes.

pub mod check;
pub mod criteria;
pub mod criteria_diff;
pub mod diff;
pub mod html;
mod json_out;
pub mod template;
pub mod text;
pub mod xlsx_out;

use comfy_table::{ContentArrangement, Table, presets};

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

pub(crate) fn new_table(style: &Style, header: Vec<String>) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    // On a terminal, wrap to its width; in a file or a pipe, one line per row (grep-friendly).
    if let Some(w) = style.width {
        t.set_content_arrangement(ContentArrangement::Dynamic);
        t.set_width(w);
    } else {
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
    if !style.color {
        t.force_no_tty();
    } else {
        t.enforce_styling();
    }
    t.set_header(header);
    t
}

/// A Markdown table.
pub(crate) fn md_table(header: &[String], rows: &[Vec<String>]) -> String {
    let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!(
        "| {} |\n",
        header
            .iter()
            .map(|h| esc(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in rows {
        out.push_str(&format!(
            "| {} |\n",
            r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
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
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for r in rows {
        let _ = w.write_record(r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
