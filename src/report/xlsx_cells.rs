//! Figures in a workbook: values, thresholds, gaps and counts written as numbers, with a number
//! format that shows what the text reports show (`66,8 %`, `≥ 70 %*`, `còn thiếu 3,2 điểm %`,
//! `18/19`), so that a sheet can be sorted, filtered and summed. A percentage is stored as the data
//! and the template store it (66.8, not 0.668), its format adding the `%`; the comparison, the unit,
//! the dated year and the unverified mark are text of the format, never of the cell. Also the print
//! setup every sheet shares.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::model::{Figure, Gap, Requirement, Unit};
use super::print::RunDate;
use super::text;
use crate::criteria::{Check, Op, Resolved};
use crate::eval::CheckResult;
use crate::i18n::Lang;
use crate::input::Value;

/// A report's workbook, its document properties saying it was created on the run's date (at
/// midnight, UTC) rather than at the clock's time: made again with the same `NTM_DATE` or
/// `SOURCE_DATE_EPOCH`, a report is the same bytes. Without a date (or one Excel cannot hold), the
/// clock's time.
pub(crate) fn dated_workbook(date: Option<RunDate>) -> Workbook {
    let mut wb = Workbook::new();
    if let Some(d) = date
        && let (Ok(y), Ok(m), Ok(day)) = (
            u16::try_from(d.year),
            u8::try_from(d.month),
            u8::try_from(d.day),
        )
        && let Ok(t) = ExcelDateTime::from_ymd(y, m, day)
    {
        wb.set_properties(&DocProperties::new().set_creation_datetime(&t));
    }
    wb
}

/// A cell: a number with its number format, or text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Number(f64, String),
    Text(String),
}

impl Cell {
    /// Write it at (`row`, `col`) on top of `base` (colours, wrapping).
    pub(crate) fn write(
        &self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        base: &Format,
    ) -> Result<(), XlsxError> {
        match self {
            Cell::Number(n, f) => {
                ws.write_number_with_format(row, col, *n, &base.clone().set_num_format(f))?
            }
            Cell::Text(t) => ws.write_string_with_format(row, col, t, base)?,
        };
        Ok(())
    }
}

/// Text as a literal of a number format (inside `"…"`, where a `"` cannot stand).
fn literal(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!("\"{}\"", s.replace('"', "'"))
    }
}

/// The format of a figure in `unit`: `0.0" %"` for a percentage (one decimal), `General" nhà"` for a
/// number with a unit, with `before` and `after` as text around it.
fn figure_format(unit: Unit, before: &str, after: &str, lang: Lang) -> String {
    let (core, unit) = match unit {
        Unit::Percent => ("0.0", " %".to_string()),
        u => match text::unit_of(u, lang) {
            u if u.is_empty() => ("General", String::new()),
            u => ("General", format!(" {u}")),
        },
    };
    format!(
        "{}{core}{}",
        literal(before),
        literal(&format!("{unit}{after}"))
    )
}

/// A check's value: a number (`66,8 %`), `Đạt`/`Không đạt`, or `—` when missing.
pub(crate) fn value(v: Option<Value>, def: &Check, lang: Lang) -> Cell {
    figure(&Figure::of(v, def), lang)
}

/// A figure: a number with its unit in the format (`66,8 %`), `Đạt`/`Không đạt`, or `—`.
pub(crate) fn figure(f: &Figure, lang: Lang) -> Cell {
    match f.value {
        Some(Value::Num(n)) => Cell::Number(n, figure_format(f.unit, "", "", lang)),
        _ => Cell::Text(text::figure(f, lang)),
    }
}

/// A check's requirement as evaluated: the threshold as a number whose format shows the comparison,
/// the unit, what the value comes from and the unverified mark (`≥ 42 triệu đồng/người/năm
/// (2024)*`); `rule` (the text of the requirement) when there is no number to show.
pub(crate) fn threshold(ch: &CheckResult, def: &Check, rule: &str, lang: Lang) -> Cell {
    match (ch.op, &ch.threshold) {
        (Some(op), Some(r)) => resolved(op, r, Unit::of(def), def.verified, lang),
        _ => Cell::Text(rule.to_string()),
    }
}

/// A requirement: the resolved threshold as a number (see [`threshold`]), or its words.
pub(crate) fn requirement(r: &Requirement, lang: Lang) -> Cell {
    match *r {
        Requirement::Resolved {
            op,
            threshold,
            unit,
            verified,
        } => resolved(op, threshold, unit, verified, lang),
        _ => Cell::Text(text::requirement(r, lang)),
    }
}

fn resolved(op: Op, r: &Resolved, unit: Unit, verified: bool, lang: Lang) -> Cell {
    let notes = text::resolved_notes(r, lang);
    let mut after = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join("; "))
    };
    if !verified {
        after.push_str(text::UNVERIFIED);
    }
    Cell::Number(
        r.value,
        figure_format(
            unit,
            &format!("{} ", text::comparison(op, r.value)),
            &after,
            lang,
        ),
    )
}

/// How far a failing value is from its threshold, as a number (`còn thiếu 3,2 điểm %`); the text of
/// the gap (`chưa đạt`, or nothing) when there is no number.
pub(crate) fn gap(g: &Gap, lang: Lang) -> Cell {
    let (word, amount, unit) = match *g {
        Gap::Short { amount, unit } => (lang.pick("còn thiếu", "short by"), amount, unit),
        Gap::Over { amount, unit } => (lang.pick("vượt", "over by"), amount, unit),
        Gap::None | Gap::NotMet => return Cell::Text(text::gap_of(g, lang)),
    };
    let format = match unit {
        Unit::Percent => format!(
            "{}0.0{}",
            literal(&format!("{word} ")),
            literal(lang.pick(" điểm %", " percentage points"))
        ),
        _ => figure_format(unit, &format!("{word} "), "", lang),
    };
    Cell::Number(amount, format)
}

/// Criteria met out of a total: the count as a number shown `18/19`.
pub(crate) fn met(met: usize, total: usize) -> Cell {
    Cell::Number(met as f64, format!("0{}", literal(&format!("/{total}"))))
}

/// A plain count.
pub(crate) fn count(n: usize) -> Cell {
    Cell::Number(n as f64, "0".into())
}

/// A difference with its sign (`+1`, `−2`, `±0`).
pub(crate) fn signed(d: f64) -> Cell {
    Cell::Number(d, "+0;\"−\"0;\"±\"0".into())
}

/// How a sheet prints: A4, landscape when `wide`, every column on the width of one page, the rows
/// `repeat` (first, last) at the top of each page, and the page number, the date of the run and the
/// criteria version in the footer.
pub(crate) fn print_setup(
    ws: &mut Worksheet,
    wide: bool,
    repeat: Option<(u32, u32)>,
    footer: &str,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_paper_size(9); // A4
    if wide {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    if let Some((first, last)) = repeat {
        ws.set_repeat_rows(first, last)?;
    }
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    // `&` starts a code in a header or footer: a literal one is doubled.
    let footer = footer.replace('&', "&&");
    ws.set_footer(format!(
        "&L&8{footer}&R&8{} &P/&N",
        lang.pick("Trang", "Page")
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::Kind;

    fn check(kind: Kind, unit: Option<&str>, verified: bool) -> Check {
        Check {
            input: crate::criteria::Input::Column("x".into()),
            label: None,
            kind,
            unit: unit.map(|u| crate::i18n::Text::new(u, u)),
            plausible: None,
            op: Some(Op::Ge),
            threshold: None,
            context: false,
            verified,
            note: None,
        }
    }

    fn result(value: f64, op: Op, threshold: f64, gap: Option<f64>) -> CheckResult {
        CheckResult {
            input: "x".into(),
            status: crate::eval::Status::Fail,
            value: Some(Value::Num(value)),
            kind: Kind::Pct,
            op: Some(op),
            threshold: Some(Resolved {
                value: threshold,
                dated: Some(2024),
                derived: None,
                derived_from: None,
                case: None,
                group: None,
            }),
            gap,
            verified: false,
        }
    }

    #[test]
    fn figures_are_numbers_with_their_unit_in_the_format() {
        let pct = check(Kind::Pct, None, false);
        let r = result(66.8, Op::Ge, 70.0, Some(3.2));
        assert_eq!(
            value(r.value, &pct, Lang::Vi),
            Cell::Number(66.8, "0.0\" %\"".into())
        );
        assert_eq!(
            threshold(&r, &pct, "", Lang::Vi),
            Cell::Number(70.0, "\"≥ \"0.0\" % (2024)*\"".into())
        );
        assert_eq!(
            gap(&Gap::of(&r, &pct), Lang::Vi),
            Cell::Number(3.2, "\"còn thiếu \"0.0\" điểm %\"".into())
        );
        let money = check(Kind::Num, Some("triệu \"đồng\""), true);
        let r = result(37.9, Op::Le, 42.0, Some(4.1));
        assert_eq!(
            value(r.value, &money, Lang::Vi),
            Cell::Number(37.9, "General\" triệu 'đồng'\"".into())
        );
        assert_eq!(
            gap(&Gap::of(&r, &money), Lang::Vi),
            Cell::Number(4.1, "\"vượt \"General\" triệu 'đồng'\"".into())
        );
        assert_eq!(met(18, 19), Cell::Number(18.0, "0\"/19\"".into()));
        assert_eq!(
            value(None, &pct, Lang::Vi),
            Cell::Text("—".into()),
            "missing stays text"
        );
    }
}
