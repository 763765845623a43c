//! The summary of a `diff` report as tables: levels then and now, groups by criteria met, the average,
//! the criteria lost most often, and the notes that say how to read them.

use super::{DiffReport, Doc, Row, change_cell, signed};
use crate::eval::diff::{Change, Diff, Presence};
use crate::eval::summary::{Group, Summary};
use crate::i18n::Lang;
use crate::report::text;

pub(super) fn section(rep: &DiffReport, diff: &Diff, lang: Lang, out: &mut Doc) {
    out.section(lang.pick("Tổng hợp", "Summary"));
    out.text(counts_line(rep, diff, lang));
    levels(rep, diff, lang, out);
}

/// `diff --summary`: [`section`] with, after the units on each side, the units by how their level
/// moved; and after it the indicators that turned, counted per indicator and in all.
pub(super) fn counts(rep: &DiffReport, diff: &Diff, lang: Lang, out: &mut Doc) {
    out.section(lang.pick("Tổng hợp", "Summary"));
    out.text(counts_line(rep, diff, lang));
    let years = (rep.before.year, rep.after.year);
    let rows: Vec<Row> = [
        Change::Gained,
        Change::Lost,
        Change::Unchanged,
        Change::Unknown,
        Change::New,
        Change::Gone,
    ]
    .into_iter()
    .map(|c| {
        plain(vec![
            change_cell(c, years, lang).0,
            diff.changes.of(c).to_string(),
        ])
    })
    .collect();
    let header = vec![
        lang.pick("Thay đổi", "Change").to_string(),
        lang.pick("Số xã", "Communes").to_string(),
    ];
    out.table(None, header, rows);
    levels(rep, diff, lang, out);
    turns(rep, diff, lang, out);
}

/// Per indicator that turned: how often each way, and how often the threshold alone turned it;
/// then how many turned in all, and how many were judged on one side only.
fn turns(rep: &DiffReport, diff: &Diff, lang: Lang, out: &mut Doc) {
    if !diff.turns.is_empty() {
        let rows: Vec<Row> = diff
            .turns
            .iter()
            .map(|t| {
                let name = rep
                    .indicator_def(&t.set, &t.code)
                    .map_or(String::new(), |i| i.name.get(lang).to_string());
                plain(vec![
                    rep.short(&t.set, lang),
                    t.code.clone(),
                    name,
                    t.up.to_string(),
                    t.down.to_string(),
                    t.threshold_only.to_string(),
                ])
            })
            .collect();
        let header = vec![
            lang.pick("Bộ", "Set").to_string(),
            lang.pick("Chỉ tiêu", "Indicator").to_string(),
            lang.pick("Nội dung", "Content").to_string(),
            super::direction(true, lang).0.to_string(),
            super::direction(false, lang).0.to_string(),
            lang.pick("Chỉ do ngưỡng", "Threshold only").to_string(),
        ];
        let title = lang.pick(
            "Chỉ tiêu đổi trạng thái (Đạt ↔ Không đạt): số lượt theo chỉ tiêu",
            "Indicators that turned (pass ↔ fail): how often, per indicator",
        );
        out.table(Some(title), header, rows);
    }
    out.text(match lang {
        Lang::Vi => format!(
            "Tổng cộng: {} lượt chỉ tiêu đổi trạng thái; {} lượt chỉ tiêu chỉ chấm được ở một bên (thiếu số liệu hoặc không áp dụng ở bên kia), không tính là đổi trạng thái.\n",
            diff.flipped, diff.not_compared
        ),
        Lang::En => format!(
            "In all: {} indicator turns; {} indicators judged on one side only (missing data or not applicable on the other), not counted as turned.\n",
            diff.flipped, diff.not_compared
        ),
    });
}

/// Per level: met on each side, communes that gained, lost it or moved unknown; then the groups,
/// the average and the criteria lost most often.
fn levels(rep: &DiffReport, diff: &Diff, lang: Lang, out: &mut Doc) {
    let s = &diff.summary;
    let (b, a) = (rep.label(true, lang), rep.label(false, lang));
    let level_of = |sum: Option<&Summary>, set: &str| {
        sum.and_then(|x| x.levels.iter().find(|l| l.set == set))
            .map_or("—".to_string(), |l| l.qualified.to_string())
    };
    let header = vec![
        lang.pick("Mức", "Level").to_string(),
        format!("{} {b}", lang.pick("Đạt", "Met")),
        format!("{} {a}", lang.pick("Đạt", "Met")),
        lang.pick("Lên mức (xã)", "Gained (communes)").to_string(),
        lang.pick("Mất mức (xã)", "Lost (communes)").to_string(),
        lang.pick("Chưa rõ", "Unknown").to_string(),
    ];
    let rows: Vec<Row> = s
        .levels
        .iter()
        .map(|l| {
            plain(vec![
                rep.short(&l.set, lang),
                level_of(s.before.as_ref(), &l.set),
                level_of(s.after.as_ref(), &l.set),
                l.gained.to_string(),
                l.lost.to_string(),
                l.unknown.to_string(),
            ])
        })
        .collect();
    out.table(None, header, rows);
    groups(rep, diff, lang, out);
    lost_criteria(rep, diff, lang, out);
}

fn plain(cells: Vec<String>) -> Row {
    cells.into_iter().map(|c| (c, None)).collect()
}

/// The units on each side, each counted once, and how they are tied:
/// `Bên cũ (2023): 5 xã; bên mới (2024): 3 xã. 1 xã so sánh một-một; 1 xã sáp nhập từ 3 xã cũ (1 xã
/// cũ bị tách); 1 chỉ có ở bên mới; 0 chỉ có ở bên cũ.`
fn counts_line(rep: &DiffReport, diff: &Diff, lang: Lang) -> String {
    let s = &diff.summary;
    let (y0, y1) = (rep.before.year, rep.after.year);
    let one_to_one = s.both - s.merged;
    let mut out = match lang {
        Lang::Vi => format!(
            "Bên cũ ({y0}): {} xã; bên mới ({y1}): {} xã. {one_to_one} xã có ở cả hai bên (so sánh một-một",
            s.units_before, s.units_after
        ),
        Lang::En => format!(
            "Old side ({y0}): {} communes; new side ({y1}): {}. {one_to_one} communes on both sides (compared one to one",
            s.units_before, s.units_after
        ),
    };
    if s.renamed > 0 {
        out.push_str(&match lang {
            Lang::Vi => format!(", trong đó {} xã đổi mã", s.renamed),
            Lang::En => format!(", {} of them renamed", s.renamed),
        });
    }
    out.push(')');
    if s.merged > 0 {
        out.push_str(&match lang {
            Lang::Vi => format!(
                "; {} xã mới sáp nhập hoặc tách từ {} xã cũ",
                s.merged, s.merged_from
            ),
            Lang::En => format!(
                "; {} new communes merged or split from {} old ones",
                s.merged, s.merged_from
            ),
        });
        if s.split > 0 {
            out.push_str(&match lang {
                Lang::Vi => format!(" ({} xã cũ bị tách)", s.split),
                Lang::En => format!(" ({} old communes split)", s.split),
            });
        }
    }
    out.push_str(&match lang {
        Lang::Vi => format!(
            "; {} chỉ có ở bên cũ ({y0}); {} chỉ có ở bên mới ({y1}).\n",
            s.only_old, s.only_new
        ),
        Lang::En => format!(
            "; {} only in the old side ({y0}); {} only in the new side ({y1}).\n",
            s.only_old, s.only_new
        ),
    });
    out
}

fn groups(rep: &DiffReport, diff: &Diff, lang: Lang, out: &mut Doc) {
    let s = &diff.summary;
    let (b, a) = (rep.label(true, lang), rep.label(false, lang));
    let Some(base) = rep.sets.first() else {
        return;
    };
    let base_name = base.short_name.get(lang);
    let side = |x: Option<&Summary>| x.map(|x| x.groups.clone()).unwrap_or_default();
    let (gb, ga) = (side(s.before.as_ref()), side(s.after.as_ref()));
    let count = |gs: &[Group], g: &Group| {
        gs.iter()
            .find(|x| x.from == g.from)
            .map_or("0".to_string(), |x| x.count.to_string())
    };
    let header = vec![
        format!(
            "{} ({base_name})",
            lang.pick("Nhóm theo số tiêu chí đạt", "Group by criteria met")
        ),
        format!("{} {b}", lang.pick("Số xã", "Communes")),
        format!("{} {a}", lang.pick("Số xã", "Communes")),
    ];
    let rows: Vec<Row> = (if gb.is_empty() { &ga } else { &gb })
        .iter()
        .map(|g| {
            plain(vec![
                text::group_name(g, lang),
                count(&gb, g),
                count(&ga, g),
            ])
        })
        .collect();
    out.table(None, header, rows);
    let avg = |x: Option<&Summary>| x.and_then(|x| x.average_criteria_met);
    let (xb, xa) = (avg(s.before.as_ref()), avg(s.after.as_ref()));
    let show = |v: Option<f64>| v.map_or("—".to_string(), |v| crate::i18n::derived(v, lang));
    let mut line = format!(
        "{} {base_name}/{}: {} ({b}) → {} ({a})",
        lang.pick("Bình quân tiêu chí", "Average criteria"),
        lang.pick("xã", "commune"),
        show(xb),
        show(xa)
    );
    if let (Some(x), Some(y)) = (xb, xa) {
        line.push_str(&format!(", {}", signed(y - x, lang)));
    }
    out.text(format!("{line}\n"));
}

fn lost_criteria(rep: &DiffReport, diff: &Diff, lang: Lang, out: &mut Doc) {
    let rows: Vec<Row> = diff
        .summary
        .criteria
        .iter()
        .map(|c| {
            let name = rep
                .set_def(&c.set)
                .and_then(|s| s.criteria.iter().find(|x| x.number == c.number))
                .map_or(String::new(), |x| x.name.get(lang).to_string());
            plain(vec![
                rep.short(&c.set, lang),
                format!("{}. {name}", c.number),
                c.lost.to_string(),
                c.gained.to_string(),
            ])
        })
        .collect();
    if rows.is_empty() {
        out.text(format!(
            "{}\n",
            lang.pick(
                "Không tiêu chí nào đổi trạng thái.",
                "No criterion changed."
            )
        ));
        return;
    }
    let header = vec![
        lang.pick("Bộ", "Set").to_string(),
        lang.pick("Tiêu chí", "Criterion").to_string(),
        lang.pick("Số xã mất", "Communes losing it").to_string(),
        lang.pick("Số xã đạt mới", "Communes gaining it")
            .to_string(),
    ];
    let title = lang.pick(
        "Tiêu chí bị mất nhiều nhất (xã so sánh một-một)",
        "Criteria lost most often (communes compared one to one)",
    );
    out.table(Some(title), header, rows);
}

/// How to read the report; written last, after the districts.
pub(super) fn notes(rep: &DiffReport, diff: &Diff, lang: Lang) -> String {
    let s = &diff.summary;
    let mut out = String::from("\n");
    if s.threshold_only > 0 {
        let n = s.threshold_only;
        out.push_str(&match (rep.same_year, lang) {
            (None, Lang::Vi) => format!(
                "Lưu ý: {n} chỉ tiêu đổi trạng thái chỉ vì ngưỡng thay đổi (cùng giá trị ở hai bên), không phải vì số liệu; chạy lại với --same-year {} để chỉ thấy thay đổi của số liệu.\n",
                rep.after.year
            ),
            (None, Lang::En) => format!(
                "Note: {n} indicator(s) turned only because the threshold changed (same value on both sides), not the data; run again with --same-year {} to see the data's changes alone.\n",
                rep.after.year
            ),
            (Some(_), Lang::Vi) => format!(
                "Lưu ý: {n} chỉ tiêu đổi trạng thái vì ngưỡng của nó phụ thuộc một cột khác đã thay đổi (ví dụ số trường).\n"
            ),
            (Some(_), Lang::En) => format!(
                "Note: {n} indicator(s) turned because their threshold depends on another column that changed (e.g. the number of schools).\n"
            ),
        });
    }
    if s.merged > 0 {
        out.push_str(lang.pick(
            "Xã sáp nhập: mức trước là mức thấp nhất trong các xã cũ (mức mà mọi xã cũ đều đạt; chưa rõ nếu một xã cũ thiếu số liệu), ghi sau dấu ←; mỗi xã cũ cũng được so với xã mới (↳), không cộng dồn. Xã cũ bị tách xuất hiện ở mỗi xã mới nhận một phần (tách một phần) với kết quả của cả xã cũ, và chỉ được đếm một lần ở bên cũ. Số xã lên mức, mất mức đếm theo xã bên mới; tiêu chí bị mất chỉ đếm các xã so sánh một-một.\n",
            "Merged communes: the level before is the lowest among the old communes (the level every one of them held; unknown if one lacks data), listed after ←; each old commune is also compared with the new one (↳), never added up. A split old commune appears in each new commune that took a part of it (split, part of it) with the whole old commune's result, and counts once on the old side. Communes gaining or losing a level are counted on the new side; criteria lost count the communes compared one to one.\n",
        ));
    }
    if !rep.skipped.is_empty() {
        let list: Vec<String> = rep
            .skipped
            .iter()
            .map(|(c, side)| {
                let y = if *side == Presence::Old {
                    rep.before.year
                } else {
                    rep.after.year
                };
                format!("{c} ({y})")
            })
            .collect();
        out.push_str(&format!(
            "{}: {}\n",
            lang.pick(
                "Không so sánh vì dòng số liệu lỗi (xem thông báo lỗi)",
                "Not compared because a data row is unreadable (see the errors)"
            ),
            list.join(", ")
        ));
    }
    out.push_str(lang.pick(
        "↑ Không đạt → Đạt, ↓ Đạt → Không đạt.\n",
        "↑ fail → pass, ↓ pass → fail.\n",
    ));
    out.push_str(text::unverified_legend(lang));
    out.push('\n');
    out
}
