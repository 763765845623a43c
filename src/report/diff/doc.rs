//! A `diff` report as a sequence of pieces (headings, prose, tables of ready-made cells), built once
//! from the comparison and then written as a text table, Markdown or HTML: every format says the
//! same thing, and none of them computes anything.

use super::{Row, block};
use crate::report::{Format, Style};

/// One piece of the report.
pub(super) enum Piece {
    /// The report's title.
    Title(String),
    /// A section's heading (the summary, the districts).
    Section(String),
    /// Prose, as lines each ending in `\n` (a leading `\n` is a blank line in text).
    Text(String),
    /// A table, with its title if any.
    Table {
        title: Option<String>,
        header: Vec<String>,
        rows: Vec<Row>,
    },
}

/// The report, in order.
#[derive(Default)]
pub(super) struct Doc(pub(super) Vec<Piece>);

impl Doc {
    pub(super) fn title(&mut self, t: impl Into<String>) {
        self.0.push(Piece::Title(t.into()));
    }

    pub(super) fn section(&mut self, t: impl Into<String>) {
        self.0.push(Piece::Section(t.into()));
    }

    pub(super) fn text(&mut self, t: impl Into<String>) {
        self.0.push(Piece::Text(t.into()));
    }

    pub(super) fn table(&mut self, title: Option<&str>, header: Vec<String>, rows: Vec<Row>) {
        self.0.push(Piece::Table {
            title: title.map(str::to_string),
            header,
            rows,
        });
    }

    /// The report as a text table or Markdown.
    pub(super) fn write_text(self, format: Format, style: &Style) -> String {
        let md = format == Format::Md;
        let mut out = String::new();
        for p in self.0 {
            match p {
                Piece::Title(t) if md => out.push_str(&format!("## {t}\n\n")),
                Piece::Title(t) => out.push_str(&format!("{t}\n")),
                Piece::Section(t) if md => out.push_str(&format!("\n## {t}\n")),
                Piece::Section(t) => out.push_str(&format!("\n{t}\n")),
                Piece::Text(t) => out.push_str(&t),
                Piece::Table {
                    title,
                    header,
                    rows,
                } => out.push_str(&block(format, style, title.as_deref(), header, rows)),
            }
        }
        out
    }
}
