//! The summary page's chart: one horizontal bar per commune, its criteria met of the first set
//! (xã NTM, 0–19), coloured by the level reached; criteria unknown for missing data drawn hatched.

use super::{esc, short_name};
use crate::eval::{UnitResult, Verdict};
use crate::i18n::Lang;
use crate::report::model::CheckReport;

/// Bars per drawing: a longer list is cut into several drawings so that print can break between them.
const PER_CHART: usize = 45;
const WIDTH: f64 = 720.0;
const LABEL: f64 = 175.0;
const BAR_END: f64 = 680.0;
/// Row height, bar height and label size: roomy for a district's communes, tighter for a longer list.
const ROOMY: (f64, f64, f64) = (15.0, 11.0, 10.0);
const TIGHT: (f64, f64, f64) = (11.5, 8.5, 8.5);
/// Up to this many bars the chart is roomy.
const ROOMY_UP_TO: usize = 16;
const TOP: f64 = 16.0;

/// Fill colours: no level (fails), unknown (missing data), then the levels of the chain.
const NONE: &str = "#d9534f";
const UNKNOWN: &str = "#e0a800";
const LEVELS: [&str; 4] = ["#9fd49a", "#43a047", "#1b5e20", "#0d3b10"];

/// The chart's colour for a unit: its level along the chain, or why none.
fn colour(rep: &CheckReport, u: &UnitResult) -> &'static str {
    match &u.level_reached {
        Some(id) => {
            let i = rep.sets.iter().position(|s| &s.id == id).unwrap_or(0);
            LEVELS[i.min(LEVELS.len() - 1)]
        }
        None => match u.sets.first().map(|s| s.qualified) {
            Some(Verdict::Unknown) => UNKNOWN,
            _ => NONE,
        },
    }
}

/// The chart(s) with a title and a legend, as inline SVG.
pub(super) fn bars(rep: &CheckReport, units: &[UnitResult], lang: Lang) -> String {
    let base = rep.sets.first().map(|s| s.id.as_str()).unwrap_or_default();
    let total = units
        .iter()
        .filter_map(|u| u.set(base))
        .map(|s| s.criteria_total)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut years: Vec<i32> = units.iter().map(|u| u.year).collect();
    years.sort_unstable();
    years.dedup();
    let with_year = years.len() > 1;
    let mut out = format!(
        "<h4>{} {} {}</h4>\n",
        lang.pick("Số tiêu chí", "Criteria of"),
        esc(&short_name(rep, base, lang)),
        lang.pick("đạt của từng xã", "met per commune")
    );
    for (n, chunk) in units.chunks(PER_CHART).enumerate() {
        let scale = if units.len() <= ROOMY_UP_TO {
            ROOMY
        } else {
            TIGHT
        };
        out.push_str(&drawing(rep, chunk, n, scale, base, total, with_year));
    }
    out.push_str(&legend(rep, lang));
    out
}

fn x_of(n: f64, total: usize) -> f64 {
    LABEL + (BAR_END - LABEL) * n / total as f64
}

fn drawing(
    rep: &CheckReport,
    units: &[UnitResult],
    n: usize,
    (row, bar, font): (f64, f64, f64),
    base: &str,
    total: usize,
    with_year: bool,
) -> String {
    let height = TOP + row * units.len() as f64 + 4.0;
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\">\n\
         <defs><pattern id=\"hatch{n}\" width=\"4\" height=\"4\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">\
         <rect width=\"4\" height=\"4\" fill=\"#fff0bf\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"4\" stroke=\"{UNKNOWN}\" stroke-width=\"2\"/></pattern></defs>\n"
    );
    // Grid: every 5 criteria and the total, labelled above.
    let mut ticks: Vec<usize> = (0..total).step_by(5).collect();
    ticks.push(total);
    let bottom = height - 2.0;
    for t in ticks {
        let x = x_of(t as f64, total);
        svg.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"#bbb\" stroke-width=\"0.6\"/>\
             <text x=\"{x:.1}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#555\">{t}</text>\n",
            TOP - 3.0,
            TOP - 5.0
        ));
    }
    for (i, u) in units.iter().enumerate() {
        let y = TOP + row * i as f64;
        let (met, unknown) = u.set(base).map_or((0, 0), |s| {
            (
                s.criteria_met,
                s.criteria
                    .iter()
                    .filter(|c| c.status == Verdict::Unknown)
                    .count(),
            )
        });
        let label = if with_year {
            format!("{} · {} ({})", u.name, u.code, u.year)
        } else {
            format!("{} · {}", u.name, u.code)
        };
        let x_met = x_of(met as f64, total);
        let x_unknown = x_of((met + unknown) as f64, total);
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{font}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar}\" fill=\"{}\"/>",
            LABEL - 4.0,
            y + bar - 1.5,
            esc(&label),
            y + 1.0,
            x_met - LABEL,
            colour(rep, u)
        ));
        if unknown > 0 {
            svg.push_str(&format!(
                "<rect x=\"{x_met:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bar}\" fill=\"url(#hatch{n})\" stroke=\"{UNKNOWN}\" stroke-width=\"0.6\"/>",
                y + 1.0,
                x_unknown - x_met
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{font}\" font-weight=\"bold\">{met}</text>\n",
            x_unknown + 3.0,
            y + bar - 1.5
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

fn legend(rep: &CheckReport, lang: Lang) -> String {
    let swatch = |colour: &str, label: &str| {
        format!(
            "<span class=\"nowrap\" style=\"margin-right:3mm\"><svg width=\"9\" height=\"9\" viewBox=\"0 0 9 9\" style=\"vertical-align:-1px\"><rect width=\"9\" height=\"9\" fill=\"{colour}\"/></svg> {}</span>",
            esc(label)
        )
    };
    let mut items = vec![swatch(NONE, lang.pick("Chưa đạt", "Not met"))];
    for (i, s) in rep.sets.iter().enumerate() {
        items.push(swatch(
            LEVELS[i.min(LEVELS.len() - 1)],
            &format!("{} {}", lang.pick("Đạt", "Reached"), s.short_name.get(lang)),
        ));
    }
    items.push(swatch(
        UNKNOWN,
        lang.pick(
            "Chưa đủ dữ liệu (phần gạch: tiêu chí thiếu số liệu)",
            "Unknown (hatched: criteria with missing data)",
        ),
    ));
    format!("<p class=\"small\">{}</p>\n", items.join(""))
}
