//! `diff -o so-sanh.html`: the comparison as one self-contained document to print (A4 landscape,
//! the tables being wide): the same pieces as the text table ([`Doc`]), each table's header repeated
//! on every printed page it runs over, the date of the run, the criteria versions and the page
//! number on every page, and the signatures at the end. Files are named without their folders.

use std::io::{self, Write};

use super::DiffReport;
use super::doc::{Doc, Piece, Rows};
use crate::i18n::Lang;
use crate::report::Style;
use crate::report::grid::Tint;
use crate::report::html::esc;
use crate::report::print::{page_css, signatures};

/// The print style sheet, inlined in the document.
const CSS: &str = include_str!("report.css");

/// The CSS class of a tinted cell (the same colours as the check report).
fn class(t: Option<Tint>) -> &'static str {
    match t {
        Some(Tint::Green) => " class=\"pass\"",
        Some(Tint::Red) => " class=\"fail\"",
        Some(Tint::Yellow) => " class=\"unknown\"",
        None => "",
    }
}

/// The criteria versions that scored the two sides: `lang-son-2024`, or `a → b`.
fn versions(rep: &DiffReport) -> String {
    if rep.before.version == rep.after.version {
        rep.after.version.clone()
    } else {
        format!("{} → {}", rep.before.version, rep.after.version)
    }
}

/// Prose: one paragraph per line.
fn paragraphs(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("<p>{}</p>\n", esc(l.trim_end())))
        .collect()
}

fn table_head(title: Option<&str>, header: &[String]) -> String {
    let mut out = String::new();
    if let Some(t) = title {
        out.push_str(&format!("<h3>{}</h3>\n", esc(t)));
    }
    out.push_str("<table>\n<thead><tr>");
    for h in header {
        out.push_str(&format!("<th>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    out
}

fn table_row(r: &super::Row) -> String {
    let mut out = String::from("<tr>");
    for (text, tint) in r {
        out.push_str(&format!("<td{}>{}</td>", class(*tint), esc(text)));
    }
    out.push_str("</tr>\n");
    out
}

const TABLE_END: &str = "</tbody>\n</table>\n";

/// The whole comparison as one HTML document, written as it is made.
pub(super) fn write(
    rep: &DiffReport,
    doc: Doc,
    style: &Style,
    rows: &dyn Rows,
    out: &mut dyn Write,
) -> io::Result<()> {
    let lang = style.lang;
    let title = doc
        .0
        .iter()
        .find_map(|p| match p {
            Piece::Title(t) => Some(t.as_str()),
            _ => None,
        })
        .unwrap_or("");
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}{}</style>\n</head>\n<body>\n<main>\n",
        lang.pick("vi", "en"),
        esc(title),
        page_css(rep.date, &versions(rep), lang),
    )?;
    for piece in doc.0 {
        match piece {
            Piece::Title(t) => {
                writeln!(out, "<h1>{}</h1>", esc(&t))?;
                out.write_all(meta(rep, lang).as_bytes())?;
            }
            Piece::Section(t) => writeln!(out, "<h2>{}</h2>", esc(&t))?,
            Piece::Text(t) => out.write_all(paragraphs(&t).as_bytes())?,
            Piece::Table {
                title,
                header,
                rows,
            } => {
                out.write_all(table_head(title.as_deref(), &header).as_bytes())?;
                for r in &rows {
                    out.write_all(table_row(r).as_bytes())?;
                }
                out.write_all(TABLE_END.as_bytes())?;
            }
            Piece::Units {
                title,
                header,
                kind,
            } => {
                out.write_all(table_head(title.as_deref(), &header).as_bytes())?;
                rows.each(kind, &mut |r| out.write_all(table_row(&r).as_bytes()))?;
                out.write_all(TABLE_END.as_bytes())?;
            }
        }
    }
    out.write_all(signatures(lang).as_bytes())?;
    out.write_all(b"</main>\n</body>\n</html>\n")
}

/// Under the title: the criteria versions and the date of the run.
fn meta(rep: &DiffReport, lang: Lang) -> String {
    let mut out = format!(
        "<p class=\"meta\">{}: <b>{}</b>",
        lang.pick("Bộ tiêu chí", "Criteria version"),
        esc(&versions(rep))
    );
    if let Some(d) = rep.date {
        out.push_str(&format!(
            " · {}: <b>{}</b>",
            lang.pick("Ngày lập", "Made on"),
            d.show(lang)
        ));
    }
    out.push_str("</p>\n");
    out
}
