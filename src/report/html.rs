//! `check --format html`: one self-contained, printable page (A4): a summary page, then one page per
//! commune for the appraisal visit.

use super::Style;
use super::check::CheckReport;
use crate::eval::UnitResult;
use crate::eval::district::DistrictResult;
use crate::eval::summary::Summary;

/// Escape text for HTML.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole report as one HTML document.
pub fn render(
    rep: &CheckReport,
    units: &[UnitResult],
    _districts: &[DistrictResult],
    _summaries: &[Summary],
    style: &Style,
) -> String {
    let lang = style.lang;
    let mut body = String::new();
    for u in units {
        body.push_str(&format!(
            "<section class=\"commune\"><h2>{}</h2></section>\n",
            esc(&u.name)
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n{body}</body></html>\n",
        lang.pick("vi", "en"),
        esc(&rep.file)
    )
}
