//! `diff -o so-sanh.xlsx`: the comparison as a workbook. The same rows as the text table (the same
//! cell builders), laid out for a spreadsheet: criteria met before and after and their difference,
//! the values and thresholds of the indicators that turned, and every count of the summary are
//! numbers (see [`crate::report::xlsx_cells`]). Sheets: the communes, the indicators that turned,
//! those judged on one side only, the summary, then the districts when compared; each prints on A4
//! landscape with its header row repeated and the date, criteria versions and page number in the
//! footer.

use rust_xlsxwriter::{Color, Format, FormatAlign, Worksheet, XlsxError};

use super::doc::{Doc, Piece, Rows};
use super::{
    DiffReport, Row, UnitRows, district, flip_header, flip_row, heading, one_sided_header,
    one_sided_row, part_row, summary, threshold_cell, unit_row,
};
use crate::eval::UnitResult;
use crate::eval::diff::{Detail, Diff, Flip};
use crate::i18n::Lang;
use crate::report::grid::Tint;
use crate::report::xlsx_cells::{self, Cell, print_setup};

/// A row of a sheet: each cell with its colour.
type XRow = Vec<(Cell, Option<Tint>)>;

struct Styles {
    head: Format,
    title: Format,
    plain: Format,
    pass: Format,
    fail: Format,
    unknown: Format,
}

impl Styles {
    fn new() -> Self {
        let base = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        Styles {
            head: base
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7)),
            title: Format::new().set_bold(),
            plain: base.clone(),
            pass: base
                .clone()
                .set_background_color(Color::RGB(0xC6EFCE))
                .set_font_color(Color::RGB(0x006100)),
            fail: base
                .clone()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            unknown: base
                .set_background_color(Color::RGB(0xFFEB9C))
                .set_font_color(Color::RGB(0x9C5700)),
        }
    }

    fn of(&self, t: Option<Tint>) -> &Format {
        match t {
            Some(Tint::Green) => &self.pass,
            Some(Tint::Red) => &self.fail,
            Some(Tint::Yellow) => &self.unknown,
            None => &self.plain,
        }
    }
}

/// A text cell, or with `counts` a count when the text is one (the summary's tables, whose cells
/// are labels or counts; never a table of codes).
fn cell(text: String, counts: bool) -> Cell {
    if counts && !text.is_empty() && text.len() < 10 && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse::<usize>()
            .map_or(Cell::Text(text), xlsx_cells::count)
    } else {
        Cell::Text(text)
    }
}

fn cells(row: Row, counts: bool) -> XRow {
    row.into_iter()
        .map(|(t, tint)| (cell(t, counts), tint))
        .collect()
}

/// A table from row `r`: its title if any, the header, the rows; the row after it.
fn table(
    ws: &mut Worksheet,
    mut r: u32,
    title: Option<&str>,
    header: &[String],
    rows: Vec<XRow>,
    st: &Styles,
) -> Result<u32, XlsxError> {
    if let Some(t) = title {
        ws.write_string_with_format(r, 0, t, &st.title)?;
        r += 1;
    }
    for (j, h) in header.iter().enumerate() {
        ws.write_string_with_format(r, j as u16, h, &st.head)?;
    }
    r += 1;
    for row in rows {
        for (j, (c, tint)) in row.iter().enumerate() {
            c.write(ws, r, j as u16, st.of(*tint))?;
        }
        r += 1;
    }
    Ok(r)
}

/// Prose, one line per row.
fn lines(ws: &mut Worksheet, mut r: u32, text: &str) -> Result<u32, XlsxError> {
    for l in text.lines().filter(|l| !l.trim().is_empty()) {
        ws.write_string(r, 0, l.trim_end())?;
        r += 1;
    }
    Ok(r)
}

/// The criteria versions, for the footer: `lang-son-2024`, or `a → b`.
fn footer(rep: &DiffReport, lang: Lang) -> String {
    let versions = if rep.before.version == rep.after.version {
        rep.after.version.clone()
    } else {
        format!("{} → {}", rep.before.version, rep.after.version)
    };
    let versions = format!(
        "{} {versions}",
        lang.pick("Bộ tiêu chí", "Criteria version")
    );
    match rep.date {
        Some(d) => format!(
            "{} {} · {versions}",
            lang.pick("Lập ngày", "Made on"),
            d.show(lang)
        ),
        None => versions,
    }
}

/// The workbook's bytes.
pub(super) fn workbook(rep: &DiffReport, diff: &Diff, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let rows = UnitRows::new(rep, diff, lang, true);
    let footer = footer(rep, lang);
    let mut wb = xlsx_cells::dated_workbook(rep.date);
    let ws = wb.add_worksheet();
    let head = communes_sheet(ws, rep, diff, lang, &st)?;
    print_setup(ws, true, Some((head, head)), &footer, lang)?;
    let (flips, one_sided) = turned(rep, diff, lang);
    let (b, a) = (rep.label(true, lang), rep.label(false, lang));
    if !flips.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick("Chỉ tiêu đổi trạng thái", "Indicators turned"))?;
        let header = flip_header(lang.pick("Xã", "Commune"), &b, &a, lang, true);
        table(ws, 0, None, &header, flips, &st)?;
        widths(
            ws,
            &[
                10.0, 16.0, 12.0, 8.0, 44.0, 14.0, 14.0, 22.0, 22.0, 18.0, 20.0,
            ],
        )?;
        ws.set_freeze_panes(1, 2)?;
        print_setup(ws, true, Some((0, 0)), &footer, lang)?;
    }
    if !one_sided.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick("Chỉ chấm một bên", "Judged on one side"))?;
        let header = one_sided_header(lang.pick("Xã", "Commune"), b.clone(), a.clone(), lang);
        table(ws, 0, None, &header, one_sided, &st)?;
        widths(ws, &[10.0, 16.0, 12.0, 8.0, 30.0, 30.0])?;
        print_setup(ws, true, Some((0, 0)), &footer, lang)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("Tổng hợp", "Summary"))?;
    let mut doc = Doc::default();
    summary::section(rep, diff, lang, &mut doc);
    let r = pieces(ws, 0, doc, true, &st, &rows)?;
    let r = average(ws, r, rep, diff, lang, &st)?;
    lines(ws, r + 1, &summary::notes(rep, diff, lang))?;
    widths(ws, &[36.0, 14.0, 14.0, 14.0, 14.0, 12.0])?;
    print_setup(ws, false, None, &footer, lang)?;
    if let (Some(info), Some(dd)) = (&rep.districts, &diff.districts) {
        let ws = wb.add_worksheet();
        ws.set_name(lang.pick("Huyện", "Districts"))?;
        let mut doc = Doc::default();
        district::section(rep, info, dd, (lang, true, true), &mut doc);
        pieces(ws, 0, doc, false, &st, &rows)?;
        widths(
            ws,
            &[10.0, 16.0, 14.0, 14.0, 14.0, 18.0, 22.0, 16.0, 36.0, 36.0],
        )?;
        print_setup(ws, true, None, &footer, lang)?;
    }
    wb.save_to_buffer()
}

fn widths(ws: &mut Worksheet, w: &[f64]) -> Result<(), XlsxError> {
    for (j, w) in w.iter().enumerate() {
        ws.set_column_width(j as u16, *w)?;
    }
    Ok(())
}

/// A part of the report as rows: titles and prose as lines, tables (with `counts`, their counts as
/// numbers).
fn pieces(
    ws: &mut Worksheet,
    mut r: u32,
    doc: Doc,
    counts: bool,
    st: &Styles,
    units: &dyn Rows,
) -> Result<u32, XlsxError> {
    for p in doc.0 {
        r = match p {
            Piece::Title(t) | Piece::Section(t) => {
                ws.write_string_with_format(r, 0, t, &st.title)?;
                r + 1
            }
            Piece::Text(t) => lines(ws, r, &t)?,
            Piece::Table {
                title,
                header,
                rows,
            } => {
                let rows = rows.into_iter().map(|row| cells(row, counts)).collect();
                table(ws, r + 1, title.as_deref(), &header, rows, st)? + 1
            }
            Piece::Units {
                title,
                header,
                kind,
            } => {
                let mut rows = Vec::new();
                let _ = units.each(kind, &mut |row| {
                    rows.push(cells(row, false));
                    Ok(())
                });
                table(ws, r + 1, title.as_deref(), &header, rows, st)? + 1
            }
        };
    }
    Ok(r)
}

/// The average criteria met per commune on each side and its change, as numbers.
fn average(
    ws: &mut Worksheet,
    r: u32,
    rep: &DiffReport,
    diff: &Diff,
    lang: Lang,
    st: &Styles,
) -> Result<u32, XlsxError> {
    let s = &diff.summary;
    let avg = |x: Option<&crate::eval::summary::Summary>| x.and_then(|x| x.average_criteria_met);
    let (xb, xa) = (avg(s.before.as_ref()), avg(s.after.as_ref()));
    let base = rep
        .sets
        .first()
        .map_or(String::new(), |b| b.short_name.get(lang).to_string());
    let header = vec![
        format!(
            "{} ({base})",
            lang.pick("Bình quân tiêu chí/xã", "Average criteria per commune")
        ),
        rep.label(true, lang),
        rep.label(false, lang),
        lang.pick("Thay đổi", "Change").to_string(),
    ];
    let number = |v: Option<f64>| match v {
        Some(v) => Cell::Number(v, "0.0".into()),
        None => Cell::Text("—".into()),
    };
    let mut row: XRow = vec![
        (Cell::Text(String::new()), None),
        (number(xb), None),
        (number(xa), None),
    ];
    if let (Some(x), Some(y)) = (xb, xa) {
        row.push((Cell::Number(y - x, "+0.0;\"−\"0.0;\"±\"0".into()), None));
    }
    table(ws, r + 1, None, &header, vec![row], st)
}

/// The communes' sheet: the title and how thresholds were applied, then one row per commune (and per
/// old commune of a merged one); the row of its header.
fn communes_sheet(
    ws: &mut Worksheet,
    rep: &DiffReport,
    diff: &Diff,
    lang: Lang,
    st: &Styles,
) -> Result<u32, XlsxError> {
    ws.set_name(lang.pick("So sánh xã", "Communes"))?;
    let mut doc = Doc::default();
    heading(rep, lang, true, &mut doc);
    let rows = UnitRows::new(rep, diff, lang, true);
    let r = pieces(ws, 0, doc, false, st, &rows)?;
    let head_row = r + 1;
    let (b, a) = (rep.label(true, lang), rep.label(false, lang));
    let set = rep.short(&rep.target, lang);
    let met_head = |side: &str| format!("{} {side} ({set})", lang.pick("TC đạt", "Criteria met"));
    let header = vec![
        lang.pick("Mã", "Code").to_string(),
        lang.pick("Xã", "Commune").to_string(),
        format!("{} {b}", lang.pick("Mức", "Level")),
        format!("{} {a}", lang.pick("Mức", "Level")),
        lang.pick("Thay đổi", "Change").to_string(),
        met_head(&b),
        met_head(&a),
        lang.pick("Chênh lệch TC", "Criteria difference")
            .to_string(),
        lang.pick("Chỉ tiêu đổi trạng thái", "Indicators that turned")
            .to_string(),
    ];
    let mut rows: Vec<XRow> = Vec::new();
    diff.each_unit(Detail::Full, |u| {
        rows.push(with_met(
            unit_row(rep, u, lang),
            rep,
            u.before.as_ref(),
            u.after.as_ref(),
        ));
        for p in &u.parts {
            let before = if p.delta.is_some() {
                p.before.as_ref()
            } else {
                None
            };
            rows.push(with_met(
                part_row(rep, u, p, lang),
                rep,
                before,
                u.after.as_ref().filter(|_| p.delta.is_some()),
            ));
        }
    });
    table(ws, head_row, None, &header, rows, st)?;
    widths(ws, &[12.0, 18.0, 22.0, 22.0, 18.0, 12.0, 12.0, 10.0, 40.0])?;
    ws.set_freeze_panes(head_row + 1, 2)?;
    Ok(head_row)
}

/// A row of the communes' table with its "criteria met" cell (`18 → 19 (+1)`) laid out as three
/// numbers: before, after, difference.
fn with_met(
    row: Row,
    rep: &DiffReport,
    before: Option<&UnitResult>,
    after: Option<&UnitResult>,
) -> XRow {
    let met = |r: Option<&UnitResult>| {
        r.and_then(|r| r.set(&rep.target))
            .map(|s| (s.criteria_met, s.criteria_total))
    };
    let side = |m: Option<(usize, usize)>| match m {
        Some((x, t)) => xlsx_cells::met(x, t),
        None => Cell::Text("—".into()),
    };
    let (mb, ma) = (met(before), met(after));
    let mut out: XRow = Vec::new();
    for (i, (text, tint)) in row.into_iter().enumerate() {
        if i == 5 {
            out.push((side(mb), None));
            out.push((side(ma), None));
            out.push(match (mb, ma) {
                (Some((x, _)), Some((y, _))) => (xlsx_cells::signed(y as f64 - x as f64), None),
                _ => (Cell::Text(String::new()), None),
            });
        } else {
            out.push((Cell::Text(text), tint));
        }
    }
    out
}

/// The indicators that turned, their values and thresholds as numbers, and those judged on one side
/// only: the rows of both sheets.
fn turned(rep: &DiffReport, diff: &Diff, lang: Lang) -> (Vec<XRow>, Vec<XRow>) {
    let mut flips = Vec::new();
    let mut one_sided = Vec::new();
    let mut add = |code: &str, name: &str, d: &crate::eval::diff::Delta| {
        for f in &d.flipped {
            flips.push(flip_cells(
                rep,
                flip_row(rep, code, name, f, lang, true),
                f,
                lang,
            ));
        }
        for n in &d.not_compared {
            one_sided.push(cells(one_sided_row(rep, code, name, n, lang), false));
        }
    };
    diff.each_unit(Detail::Full, |u| {
        if let Some(d) = &u.delta {
            let code = u
                .renamed_from()
                .map_or(u.code.clone(), |o| format!("{o} → {}", u.code));
            add(&code, u.name(), d);
        }
        for p in &u.parts {
            if let Some(d) = &p.delta {
                let code = if p.code == u.code {
                    p.code.clone()
                } else {
                    format!("{} → {}", p.code, u.code)
                };
                add(&code, p.before.as_ref().map_or("", |b| b.name.as_str()), d);
            }
        }
    });
    (flips, one_sided)
}

/// A row of the "turned" table with the values (columns 5, 6) and thresholds (7, 8) as numbers.
fn flip_cells(rep: &DiffReport, row: Row, f: &Flip, lang: Lang) -> XRow {
    let def = rep.check_def(&f.set, f.code(), f.check);
    let sides = [f.check_before(), f.check_after()];
    row.into_iter()
        .enumerate()
        .map(|(i, (text, tint))| {
            let figure = match (i, def) {
                (5 | 6, Some(def)) => sides[i - 5].map(|c| xlsx_cells::value(c.value, def, lang)),
                (7 | 8, Some(def)) => sides[i - 7].map(|c| {
                    let rule = threshold_cell(rep, Some(c), Some(def), lang);
                    xlsx_cells::threshold(c, def, &rule, lang)
                }),
                _ => None,
            };
            (figure.unwrap_or(Cell::Text(text)), tint)
        })
        .collect()
}
