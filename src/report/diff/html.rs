//! `diff -o so-sanh.html`: the comparison as one self-contained document to print (A4 landscape,
//! the tables being wide): the same pieces as the text table ([`Doc`]), each table's header repeated
//! on every printed page it runs over, the date of the run, the criteria versions and the page
//! number on every page, and the signatures at the end. Files are named without their folders.

use super::DiffReport;
use super::doc::{Doc, Piece};
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

fn table(title: Option<&str>, header: &[String], rows: &[super::Row]) -> String {
    let mut out = String::new();
    if let Some(t) = title {
        out.push_str(&format!("<h3>{}</h3>\n", esc(t)));
    }
    out.push_str("<table>\n<thead><tr>");
    for h in header {
        out.push_str(&format!("<th>{}</th>", esc(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for (text, tint) in r {
            out.push_str(&format!("<td{}>{}</td>", class(*tint), esc(text)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The whole comparison as one HTML document.
pub(super) fn page(rep: &DiffReport, doc: Doc, style: &Style) -> String {
    let lang = style.lang;
    let mut body = String::new();
    let mut title = String::new();
    for piece in doc.0 {
        match piece {
            Piece::Title(t) => {
                body.push_str(&format!("<h1>{}</h1>\n", esc(&t)));
                body.push_str(&meta(rep, lang));
                title = t;
            }
            Piece::Section(t) => body.push_str(&format!("<h2>{}</h2>\n", esc(&t))),
            Piece::Text(t) => body.push_str(&paragraphs(&t)),
            Piece::Table {
                title,
                header,
                rows,
            } => body.push_str(&table(title.as_deref(), &header, &rows)),
        }
    }
    body.push_str(&signatures(lang));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}{}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        lang.pick("vi", "en"),
        esc(&title),
        page_css(rep.date, &versions(rep), lang),
    )
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
