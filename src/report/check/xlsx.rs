//! `check -o report.xlsx`: a workbook that officers can forward: a summary sheet (one row per
//! commune, then the group counts and levels of each year), a sheet for the districts when there are
//! any, and one sheet per commune with every indicator, coloured by result, with gaps and sources,
//! then what is still needed for the next level. Values, thresholds, gaps and criteria met are
//! numbers (see [`super::xlsx_cells`]); every sheet prints on A4, its header rows repeated, with the
//! date of the run, the criteria version and the page number in the footer.

use rust_xlsxwriter::{Color, Format, FormatAlign, Worksheet, XlsxError};

use std::io;

use super::gather::Gathered;
use super::words::{self, batch_header};
use crate::eval::district::DistrictResult;
use crate::eval::summary::Summary;
use crate::eval::{Status, UnitResult};
use crate::i18n::Lang;
use crate::input::Unscored;
use crate::report::Style;
use crate::report::model::{
    Blocking, CheckReport, DistrictView, Level, NeedsView, Readiness, SetView,
};
use crate::report::text;
use crate::report::xlsx_cells;

struct Styles {
    head: Format,
    plain: Format,
    wrap: Format,
    pass: Format,
    fail: Format,
    missing: Format,
}

impl Styles {
    fn new() -> Self {
        let base = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        Styles {
            plain: Format::new().set_align(FormatAlign::Top),
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_align(FormatAlign::Top),
            wrap: base.clone(),
            pass: base
                .clone()
                .set_background_color(Color::RGB(0xC6EFCE))
                .set_font_color(Color::RGB(0x006100)),
            fail: base
                .clone()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
            missing: base
                .set_background_color(Color::RGB(0xFFEB9C))
                .set_font_color(Color::RGB(0x9C5700)),
        }
    }

    fn status(&self, s: Status) -> &Format {
        match s {
            Status::Pass => &self.pass,
            Status::Fail => &self.fail,
            Status::Missing => &self.missing,
            _ => &self.wrap,
        }
    }
}

/// The workbook's bytes, for [`EndSink`](super::gather::EndSink).
pub(super) fn workbook(
    rep: &CheckReport,
    g: &Gathered,
    summaries: &[Summary],
    style: &Style,
) -> io::Result<Vec<u8>> {
    render(
        rep,
        &g.units,
        &g.districts,
        summaries,
        &g.unscored,
        style.lang,
    )
    .map_err(|e| io::Error::other(e.to_string()))
}

/// The workbook's bytes.
fn render(
    rep: &CheckReport,
    units: &[UnitResult],
    districts: &[DistrictResult],
    summaries: &[Summary],
    unscored: &[Unscored],
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let mut wb = xlsx_cells::dated_workbook(rep.date);
    let footer = footer(rep, lang);
    let mut used_names: Vec<String> = Vec::new();
    // With --commune, the communes' own sheets: a summary of one commune says nothing more.
    if !rep.picked || units.is_empty() {
        let ws = wb.add_worksheet();
        summary_sheet(ws, rep, units, summaries, lang, &st, &mut used_names)?;
        xlsx_cells::print_setup(ws, true, Some((0, 0)), &footer, lang)?;
    }
    if !districts.is_empty() {
        let ws = wb.add_worksheet();
        district_sheet(ws, rep, districts, lang, &st, &mut used_names)?;
        xlsx_cells::print_setup(ws, true, Some((0, 0)), &footer, lang)?;
    }
    if !unscored.is_empty() {
        let ws = wb.add_worksheet();
        unscored_sheet(ws, unscored, lang, &st, &mut used_names)?;
        xlsx_cells::print_setup(ws, true, Some((2, 2)), &footer, lang)?;
    }
    for u in units {
        let ws = wb.add_worksheet();
        unit_sheet(
            ws,
            &rep.for_version(&u.version),
            u,
            lang,
            &st,
            &mut used_names,
        )?;
        xlsx_cells::print_setup(ws, true, Some((0, 1)), &footer, lang)?;
    }
    wb.save_to_buffer()
}

/// The footer of every printed page: the date of the run and the criteria version.
fn footer(rep: &CheckReport, lang: Lang) -> String {
    let version = format!(
        "{} {}",
        lang.pick("Bộ tiêu chí", "Criteria version"),
        rep.version.id
    );
    match rep.date {
        Some(d) => format!(
            "{} {} · {version}",
            lang.pick("Lập ngày", "Made on"),
            d.show(lang)
        ),
        None => version,
    }
}

/// The rows that could not be scored, one per line of a sheet of their own.
fn unscored_sheet(
    ws: &mut Worksheet,
    list: &[Unscored],
    lang: Lang,
    st: &Styles,
    used: &mut Vec<String>,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(lang.pick("Không chấm được", "Not scored"), used))?;
    ws.write_string(
        0,
        0,
        format!(
            "{}: {} {}",
            lang.pick(
                "Dòng không chấm được (không tính vào kết quả và tổng hợp)",
                "Rows not scored (left out of the results and summaries)"
            ),
            list.len(),
            lang.pick("dòng", "row(s)")
        ),
    )?;
    let header = [
        lang.pick("Tệp", "File"),
        lang.pick("Dòng", "Line"),
        lang.pick("Mã", "Code"),
        lang.pick("Tên", "Name"),
        lang.pick("Năm", "Year"),
        lang.pick("Lý do", "Reason"),
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &st.head)?;
    }
    for (i, u) in list.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string(r, 0, crate::report::print::file_name(&u.file))?;
        if !u.whole_file() {
            ws.write_number(r, 1, u.line as f64)?;
        }
        ws.write_string(r, 2, &u.code)?;
        ws.write_string(r, 3, &u.name)?;
        if let Some(y) = u.year {
            ws.write_number(r, 4, f64::from(y))?;
        }
        ws.write_string(r, 5, words::reasons(u, lang))?;
    }
    ws.set_column_width(0, 30)?;
    ws.set_column_width(3, 24)?;
    ws.set_column_width(5, 80)?;
    Ok(())
}

/// A sheet name Excel accepts (31 characters, none of `[]:*?/\`), unique in the workbook.
fn sheet_name(wanted: &str, used: &mut Vec<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    // Excel refuses a leading or trailing apostrophe, and compares names without case.
    let base: String = clean.trim().trim_matches('\'').chars().take(31).collect();
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    let mut name = base.clone();
    let mut n = 2;
    while used.iter().any(|u| same(u, &name)) || name.is_empty() {
        let suffix = format!(" ({n})");
        name = format!(
            "{}{suffix}",
            base.chars()
                .take(31 - suffix.chars().count())
                .collect::<String>()
        );
        n += 1;
    }
    used.push(name.clone());
    name
}

fn header(ws: &mut Worksheet, row: u32, cells: &[String], st: &Styles) -> Result<(), XlsxError> {
    for (j, h) in cells.iter().enumerate() {
        ws.write_string_with_format(row, j as u16, h, &st.head)?;
    }
    Ok(())
}

fn summary_sheet(
    ws: &mut Worksheet,
    rep: &CheckReport,
    units: &[UnitResult],
    summaries: &[Summary],
    lang: Lang,
    st: &Styles,
    used: &mut Vec<String>,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(lang.pick("Tổng hợp", "Summary"), used))?;
    let cols = batch_header(rep, true, lang);
    header(ws, 0, &cols, st)?;
    for (i, u) in units.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, &u.code)?;
        ws.write_string(r, 1, &u.name)?;
        ws.write_string(r, 2, &u.parent)?;
        ws.write_number(r, 3, f64::from(u.year))?;
        let mut c = 4u16;
        for s in &rep.sets {
            if let Some(x) = u.set(&s.id) {
                let status = match x.status {
                    crate::eval::Verdict::Pass => Status::Pass,
                    crate::eval::Verdict::Fail => Status::Fail,
                    crate::eval::Verdict::Unknown => Status::Missing,
                };
                xlsx_cells::met(x.criteria_met, x.criteria_total).write(
                    ws,
                    r,
                    c,
                    st.status(status),
                )?;
            }
            c += 1;
        }
        ws.write_string(r, c, words::level(&Level::of(rep, u), lang))?;
        let blocking = words::blocking(Blocking::of(rep, u).as_ref(), lang);
        ws.write_string_with_format(r, c + 1, blocking, &st.wrap)?;
        let readiness = words::readiness(&Readiness::brief(rep, u), lang);
        ws.write_string_with_format(r, c + 2, readiness, &st.wrap)?;
    }
    ws.set_freeze_panes(1, 2)?;
    let widths = [8.0, 18.0, 12.0, 6.0];
    for (j, w) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, *w)?;
    }
    let last = cols.len() as u16;
    for j in 4..last {
        ws.set_column_width(j, 14.0)?;
    }
    ws.set_column_width(last - 2, 40.0)?;
    // The programme's measures of each year, below the communes.
    let mut r = units.len() as u32 + 2;
    for s in summaries.iter().filter(|s| s.district.is_none()) {
        ws.write_string_with_format(
            r,
            0,
            format!("{} {}", lang.pick("Tổng hợp năm", "Summary for"), s.year),
            &st.head,
        )?;
        r += 1;
        for g in &s.groups {
            ws.write_string(r, 1, text::group_name(g, lang))?;
            ws.write_number(r, 2, g.count as f64)?;
            r += 1;
        }
        if let Some(avg) = s.average_criteria_met {
            ws.write_string(
                r,
                1,
                lang.pick("Bình quân tiêu chí/xã", "Average criteria per commune"),
            )?;
            ws.write_number(r, 2, (avg * 100.0).round() / 100.0)?;
            r += 1;
        }
        for l in &s.levels {
            let name = rep
                .sets
                .iter()
                .find(|d| d.id == l.set)
                .map_or(l.set.clone(), |d| d.short_name.get(lang).to_string());
            ws.write_string(r, 1, format!("{}: {}", lang.pick("Đạt", "Qualified"), name))?;
            ws.write_number(r, 2, l.qualified as f64)?;
            r += 1;
        }
        r += 1;
    }
    Ok(())
}

fn district_sheet(
    ws: &mut Worksheet,
    rep: &CheckReport,
    districts: &[DistrictResult],
    lang: Lang,
    st: &Styles,
    used: &mut Vec<String>,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(lang.pick("Huyện", "Districts"), used))?;
    let cols: Vec<String> = vec![
        lang.pick("Mã", "Code").into(),
        lang.pick("Huyện", "District").into(),
        lang.pick("Năm", "Year").into(),
        lang.pick("Số xã", "Communes").into(),
        lang.pick("Xã đạt xã NTM", "Communes at xã NTM").into(),
        lang.pick("Tiêu chí đạt", "Criteria met").into(),
        lang.pick("Kết quả", "Result").into(),
        lang.pick("Còn vướng", "Held back by").into(),
    ];
    header(ws, 0, &cols, st)?;
    for (i, d) in districts.iter().enumerate() {
        let r = 1 + i as u32;
        let set = d.district_set();
        ws.write_string(r, 0, &d.unit.code)?;
        ws.write_string(r, 1, &d.unit.name)?;
        ws.write_number(r, 2, f64::from(d.unit.year))?;
        ws.write_number(r, 3, d.communes_total as f64)?;
        ws.write_number(r, 4, d.communes_ntm as f64)?;
        if let Some(s) = set {
            xlsx_cells::met(s.criteria_met, s.criteria_total).write(ws, r, 5, &st.plain)?;
            let status = match s.qualified {
                crate::eval::Verdict::Pass => Status::Pass,
                crate::eval::Verdict::Fail => Status::Fail,
                crate::eval::Verdict::Unknown => Status::Missing,
            };
            ws.write_string_with_format(r, 6, text::verdict(s.qualified, lang), st.status(status))?;
        }
        let held = words::shares_cell(&DistrictView::of(rep, d), lang);
        ws.write_string_with_format(r, 7, held, &st.wrap)?;
    }
    ws.set_freeze_panes(1, 2)?;
    for (j, w) in [8.0, 18.0, 6.0, 8.0, 12.0, 12.0, 16.0, 60.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(j as u16, *w)?;
    }
    Ok(())
}

fn unit_sheet(
    ws: &mut Worksheet,
    rep: &CheckReport,
    u: &UnitResult,
    lang: Lang,
    st: &Styles,
    used: &mut Vec<String>,
) -> Result<(), XlsxError> {
    ws.set_name(sheet_name(
        &format!("{} {} {}", u.code, u.name, u.year),
        used,
    ))?;
    let mut title = format!(
        "{} — {} {} — {}: {}",
        u.name,
        lang.pick("năm", "year"),
        u.year,
        lang.pick("Mức đạt", "Level reached"),
        words::level(&Level::of(rep, u), lang)
    );
    if u.readiness.is_some() {
        title.push_str(&format!(
            " — {}: {}",
            lang.pick("Đủ điều kiện đề nghị công nhận", "Ready for recognition"),
            words::readiness(&Readiness::explained(rep, u), lang)
        ));
    }
    ws.write_string_with_format(0, 0, title, &st.head)?;
    let cols: Vec<String> = [
        lang.pick("Bộ tiêu chí", "Set"),
        lang.pick("Tiêu chí", "Criterion"),
        lang.pick("Chỉ tiêu", "Indicator"),
        lang.pick("Nội dung", "Content"),
        lang.pick("Giá trị", "Value"),
        lang.pick("Yêu cầu", "Requirement"),
        lang.pick("Kết quả", "Result"),
        lang.pick("Chênh lệch", "Gap"),
        lang.pick("Nguồn", "Source"),
    ]
    .map(String::from)
    .to_vec();
    header(ws, 1, &cols, st)?;
    let mut r = 2u32;
    for set in &u.sets {
        let view = SetView::of(rep, rep.version, u, set);
        let name = view.set.short_name(lang);
        for row in &view.rows {
            ws.write_string(r, 0, &name)?;
            if row.first_of_criterion {
                let criterion = format!(
                    "{} — {}",
                    words::criterion(row, lang),
                    text::verdict(row.criterion_result.status, lang)
                );
                ws.write_string_with_format(r, 1, criterion, &st.wrap)?;
            } else {
                ws.write_string_with_format(r, 1, "", &st.wrap)?;
            }
            ws.write_string(r, 2, if row.k == 0 { &row.indicator.code } else { "" })?;
            ws.write_string_with_format(r, 3, words::content(row, lang), &st.wrap)?;
            xlsx_cells::figure(&row.value, lang).write(ws, r, 4, &st.plain)?;
            xlsx_cells::requirement(&row.requirement, lang).write(ws, r, 5, &st.plain)?;
            ws.write_string_with_format(
                r,
                6,
                text::status(row.status, lang),
                st.status(row.status),
            )?;
            xlsx_cells::gap(&row.gap, lang).write(ws, r, 7, &st.plain)?;
            ws.write_string_with_format(r, 8, row.indicator_def.source.show(lang), &st.wrap)?;
            r += 1;
        }
    }
    r = still_needed_rows(ws, rep, u, r + 1, lang, st)?;
    ws.write_string(r + 1, 0, text::unverified_legend(lang))?;
    ws.set_freeze_panes(2, 0)?;
    for (j, w) in [12.0, 24.0, 8.0, 50.0, 16.0, 24.0, 12.0, 20.0, 30.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(j as u16, *w)?;
    }
    Ok(())
}

/// "Còn cần": what stands between the commune and its next level, in the library's order (as the
/// terminal and HTML reports list it), from row `r`; the row after it.
fn still_needed_rows(
    ws: &mut Worksheet,
    rep: &CheckReport,
    u: &UnitResult,
    mut r: u32,
    lang: Lang,
    st: &Styles,
) -> Result<u32, XlsxError> {
    let needs = NeedsView::of(rep, u);
    ws.write_string_with_format(r, 0, words::needs_title(&needs, lang), &st.head)?;
    r += 1;
    if needs.next.is_none() {
        return Ok(r);
    }
    for p in &needs.prerequisites {
        ws.write_string(
            r,
            1,
            format!(
                "{} {}",
                lang.pick("đạt trước bộ", "first meet set"),
                p.short_name(lang)
            ),
        )?;
        r += 1;
    }
    if needs.items.is_empty() {
        return Ok(r);
    }
    let cols: Vec<String> = [
        "#",
        lang.pick("Tiêu chí", "Criterion"),
        lang.pick("Chỉ tiêu", "Indicator"),
        lang.pick("Nội dung", "Content"),
        lang.pick("Giá trị", "Value"),
        lang.pick("Yêu cầu", "Requirement"),
        lang.pick("Kết quả", "Result"),
        lang.pick("Chênh lệch", "Gap"),
    ]
    .map(String::from)
    .to_vec();
    header(ws, r, &cols, st)?;
    r += 1;
    for (i, n) in needs.items.iter().enumerate() {
        xlsx_cells::count(i + 1).write(ws, r, 0, &st.plain)?;
        ws.write_string(r, 1, &n.need.criterion)?;
        ws.write_string(r, 2, &n.code)?;
        ws.write_string_with_format(r, 3, words::need_content(n, lang), &st.wrap)?;
        if let Some(f) = &n.figures {
            xlsx_cells::figure(&f.value, lang).write(ws, r, 4, &st.plain)?;
            xlsx_cells::requirement(&f.requirement, lang).write(ws, r, 5, &st.plain)?;
            xlsx_cells::gap(&f.gap, lang).write(ws, r, 7, &st.plain)?;
        }
        let status = n.need.status;
        ws.write_string_with_format(r, 6, text::status(status, lang), st.status(status))?;
        r += 1;
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let mut used = Vec::new();
        assert_eq!(
            sheet_name("06501 Gia Cát 2024", &mut used),
            "06501 Gia Cát 2024"
        );
        assert_eq!(
            sheet_name("06501 Gia Cát 2024", &mut used),
            "06501 Gia Cát 2024 (2)"
        );
        assert_eq!(sheet_name("a/b:c", &mut used), "a-b-c");
        assert_eq!(sheet_name("'Đ1", &mut used), "Đ1");
        assert_eq!(sheet_name("đ1", &mut used), "đ1 (2)");
        let long = sheet_name(
            "06502 Một tên xã rất dài để thử giới hạn ba mươi mốt ký tự",
            &mut used,
        );
        assert_eq!(long.chars().count(), 31);
    }
}
