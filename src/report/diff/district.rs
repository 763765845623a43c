//! The districts section of a `diff` table or Markdown report: per district, huyện NTM then and now,
//! criteria met, the share of its communes at xã NTM, the district indicators that turned (H0.1 and
//! H0.2 among them) with both values and thresholds, and the communes holding it back on each side.

use super::{
    DiffReport, DistrictInfo, Doc, Row, change_cell, flip_header, flip_row, legend, legend_key,
    one_sided_header, one_sided_row, signed, status_cell,
};
use crate::eval::diff::Presence;
use crate::eval::diff::district::{Communes, DistrictDiff, DistrictsDiff};
use crate::eval::summary::LevelCount;
use crate::eval::{UnitResult, Verdict};
use crate::i18n::Lang;

/// The district set whose criteria met are shown: the last of the chain (huyện NTM).
fn target<'a>(info: &'a DistrictInfo) -> &'a str {
    info.sets.last().map_or("", |s| s.id.as_str())
}

fn met(info: &DistrictInfo, r: Option<&UnitResult>) -> Option<(usize, usize)> {
    r.and_then(|r| r.set(target(info)))
        .map(|s| (s.criteria_met, s.criteria_total))
}

/// `9/10 → 10/10 (+1)`, or one side's count.
fn met_cell(info: &DistrictInfo, d: &DistrictDiff) -> String {
    let show = |m: Option<(usize, usize)>| m.map_or("—".to_string(), |(x, t)| format!("{x}/{t}"));
    let (b, a) = (
        met(info, d.unit.before.as_ref()),
        met(info, d.unit.after.as_ref()),
    );
    match (b, a) {
        (Some((x, _)), Some((y, _))) => format!(
            "{} → {} ({})",
            show(b),
            show(a),
            signed(y as f64 - x as f64, Lang::En)
        ),
        _ => format!("{} → {}", show(b), show(a)),
    }
}

/// `7/8 (87,5 %)`.
fn share(c: Option<&Communes>, lang: Lang) -> String {
    match c {
        None => "—".into(),
        Some(c) if c.total == 0 => lang.pick("không có xã", "no commune").into(),
        Some(c) => format!(
            "{}/{} ({})",
            c.ntm,
            c.total,
            c.share_ntm.map_or("—".into(), |s| format!(
                "{} %",
                crate::i18n::derived(s, lang)
            ))
        ),
    }
}

/// The communes holding the district back on one side: named when every commune must meet a set,
/// counted otherwise (`H0.2: cần thêm 1 xã NTM nâng cao`).
fn holding_back(rep: &DiffReport, c: Option<&Communes>, lang: Lang) -> String {
    let Some(c) = c else {
        return "—".into();
    };
    if c.total == 0 {
        return lang
            .pick(
                "không có xã nào của huyện trong tệp xã (chưa đủ dữ liệu)",
                "no commune of this district in the commune data (unknown)",
            )
            .into();
    }
    let mut parts: Vec<String> = Vec::new();
    if !c.missing.is_empty() {
        let from = c.over.list_from.as_deref().unwrap_or("");
        let listed: Vec<String> = c
            .missing
            .iter()
            .map(|m| format!("{} {}", m.code, m.name))
            .collect();
        parts.push(match lang {
            Lang::Vi => format!(
                "thiếu số liệu {}/{} xã theo danh sách từ {from}: {}",
                c.missing.len(),
                c.total,
                listed.join(", ")
            ),
            Lang::En => format!(
                "no data for {} of {} xã of the official list from {from}: {}",
                c.missing.len(),
                c.total,
                listed.join(", ")
            ),
        });
    } else if c.over.code_not_in_list {
        parts.push(
            lang.pick(
                "tỷ lệ trên các xã có trong tệp (mã huyện không có trong danh sách chính thức)",
                "shares over the communes in the file (district code not in the official list)",
            )
            .into(),
        );
    }
    for sh in c.shares.iter().filter(|s| s.needed_more > 0) {
        let set = rep.short(&sh.set, lang);
        let named: Vec<String> = c
            .blocking
            .iter()
            .filter(|b| b.set == sh.set)
            .map(|b| {
                let missing = if b.status == Verdict::Unknown {
                    lang.pick(", thiếu số liệu", ", missing data")
                } else {
                    ""
                };
                format!(
                    "{} ({}, {}/{} {}{missing})",
                    b.name,
                    b.code,
                    b.criteria_met,
                    b.criteria_total,
                    lang.pick("tiêu chí", "criteria")
                )
            })
            .collect();
        if named.is_empty() {
            parts.push(match lang {
                Lang::Vi => format!("{}: cần thêm {} xã {set}", sh.indicator, sh.needed_more),
                Lang::En => format!(
                    "{}: {} more commune(s) at {set}",
                    sh.indicator, sh.needed_more
                ),
            });
        } else {
            parts.push(format!("{}: {}", sh.indicator, named.join("; ")));
        }
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(" · ")
    }
}

/// `↑H0.1 ↓7.1`.
fn flips_cell(d: &DistrictDiff) -> String {
    d.unit
        .delta
        .iter()
        .flat_map(|x| &x.flipped)
        .map(|f| format!("{}{}", super::arrow(f), f.code()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn district_row(rep: &DiffReport, info: &DistrictInfo, d: &DistrictDiff, lang: Lang) -> Row {
    let u = &d.unit;
    let (change, color) = change_cell(u.change, (info.before.year, info.after.year), lang);
    let chain: Vec<&str> = info.sets.iter().map(|s| s.id.as_str()).collect();
    vec![
        (u.code.clone(), None),
        (u.name().to_string(), None),
        (status_cell(rep, &chain, u.status.0, lang), None),
        (status_cell(rep, &chain, u.status.1, lang), None),
        (change, color),
        (met_cell(info, d), None),
        (
            format!(
                "{} → {}",
                share(d.before.as_ref(), lang),
                share(d.after.as_ref(), lang)
            ),
            None,
        ),
        (flips_cell(d), None),
        (holding_back(rep, d.before.as_ref(), lang), None),
        (holding_back(rep, d.after.as_ref(), lang), None),
    ]
}

/// `2023`, or `trước (2024)` when both sides hold the same year.
fn label(info: &DistrictInfo, old: bool, lang: Lang) -> String {
    let side = if old { &info.before } else { &info.after };
    if info.before.year != info.after.year {
        side.year.to_string()
    } else if old {
        format!("{} ({})", lang.pick("trước", "before"), side.year)
    } else {
        format!("{} ({})", lang.pick("sau", "after"), side.year)
    }
}

pub(super) fn section(
    rep: &DiffReport,
    info: &DistrictInfo,
    dd: &DistrictsDiff,
    (lang, printed, wide): (Lang, bool, bool),
    out: &mut Doc,
) {
    let (b, a) = (label(info, true, lang), label(info, false, lang));
    let title = format!(
        "{}: {b} ({}) → {a} ({})",
        lang.pick("So sánh kết quả huyện", "District comparison"),
        rep.shown(&info.before.file, printed),
        rep.shown(&info.after.file, printed),
    );
    out.section(title);
    let set = rep.short(target(info), lang);
    let header = vec![
        lang.pick("Mã", "Code").to_string(),
        lang.pick("Huyện", "District").to_string(),
        format!("{} {b}", lang.pick("Mức", "Level")),
        format!("{} {a}", lang.pick("Mức", "Level")),
        lang.pick("Thay đổi", "Change").to_string(),
        format!("{} ({set})", lang.pick("TC đạt", "Criteria met")),
        lang.pick("Xã đạt xã NTM", "Communes at xã NTM").to_string(),
        lang.pick("Chỉ tiêu đổi trạng thái", "Indicators that turned")
            .to_string(),
        format!("{} {b}", lang.pick("Xã còn vướng", "Held back by")),
        format!("{} {a}", lang.pick("Xã còn vướng", "Held back by")),
    ];
    let rows: Vec<Row> = dd
        .units
        .iter()
        .map(|d| district_row(rep, info, d, lang))
        .collect();
    out.table(None, header, rows);
    let mut flips: Vec<Row> = Vec::new();
    let mut one_sided: Vec<Row> = Vec::new();
    let mut named = std::collections::BTreeSet::new();
    for d in &dd.units {
        let (code, name) = (d.unit.code.as_str(), d.unit.name());
        if let Some(x) = &d.unit.delta {
            flips.extend(
                x.flipped
                    .iter()
                    .map(|f| flip_row(rep, code, name, f, lang, wide)),
            );
            if !wide {
                named.extend(
                    x.flipped
                        .iter()
                        .filter_map(|f| legend_key(rep, &f.set, f.code(), f.check)),
                );
            }
            one_sided.extend(
                x.not_compared
                    .iter()
                    .map(|n| one_sided_row(rep, code, name, n, lang)),
            );
        }
    }
    if !flips.is_empty() {
        let title = lang.pick(
            "Chỉ tiêu huyện đổi trạng thái (Đạt ↔ Không đạt): giá trị và ngưỡng hai bên",
            "District indicators that turned (pass ↔ fail): values and thresholds on each side",
        );
        let header = flip_header(lang.pick("Huyện", "District"), &b, &a, lang, wide);
        out.table(Some(title), header, flips);
        if !named.is_empty() {
            let (title, header, rows) = legend(rep, named, lang);
            out.table(Some(&title), header, rows);
        }
    }
    if !one_sided.is_empty() {
        let title = lang.pick(
            "Chỉ tiêu huyện chỉ chấm được ở một bên (thiếu số liệu ở bên kia): không tính là đổi trạng thái",
            "District indicators judged on one side only (missing data on the other): not counted as turned",
        );
        let header = one_sided_header(lang.pick("Huyện", "District"), b, a, lang);
        out.table(Some(title), header, one_sided);
    }
    out.text(summary_line(rep, info, dd, lang));
}

/// `huyện NTM: 0 huyện đạt (2023) → 1 (2024); lên mức 1, mất mức 0, chưa rõ 0.` and what was left out.
fn summary_line(rep: &DiffReport, info: &DistrictInfo, dd: &DistrictsDiff, lang: Lang) -> String {
    let s = &dd.summary;
    let mut out = String::from("\n");
    for l in &s.levels {
        let count = |side: &[LevelCount]| {
            side.iter()
                .find(|c| c.set == l.set)
                .map_or(0, |c| c.qualified)
        };
        let (nb, na) = (count(&dd.levels_before), count(&dd.levels_after));
        let set = rep.short(&l.set, lang);
        out.push_str(&match lang {
            Lang::Vi => format!(
                "{set}: {nb} huyện đạt ({}) → {na} ({}); lên mức {}, mất mức {}, chưa rõ {}.\n",
                info.before.year, info.after.year, l.gained, l.lost, l.unknown
            ),
            Lang::En => format!(
                "{set}: {nb} district(s) qualify ({}) → {na} ({}); gained {}, lost {}, unknown {}.\n",
                info.before.year, info.after.year, l.gained, l.lost, l.unknown
            ),
        });
    }
    out.push_str(&match lang {
        Lang::Vi => format!(
            "{} huyện có ở cả hai bên; {} chỉ có ở bên cũ ({}); {} chỉ có ở bên mới ({}).\n",
            s.both, s.only_old, info.before.year, s.only_new, info.after.year
        ),
        Lang::En => format!(
            "{} districts on both sides; {} only in the old side ({}); {} only in the new side ({}).\n",
            s.both, s.only_old, info.before.year, s.only_new, info.after.year
        ),
    });
    out.push_str(lang.pick(
        "Tỷ lệ xã đạt chuẩn (H0.1, H0.2) tính trên các xã có trong tệp xã của từng bên.\n",
        "Commune shares (H0.1, H0.2) count the communes in each side's commune data.\n",
    ));
    if !info.skipped.is_empty() {
        let list: Vec<String> = info
            .skipped
            .iter()
            .map(|(c, side)| {
                let y = if *side == Presence::Old {
                    info.before.year
                } else {
                    info.after.year
                };
                format!("{c} ({y})")
            })
            .collect();
        out.push_str(&format!(
            "{}: {}\n",
            lang.pick(
                "Huyện không so sánh vì dòng số liệu lỗi (xem thông báo lỗi)",
                "Districts not compared because a data row is unreadable (see the errors)"
            ),
            list.join(", ")
        ));
    }
    out
}
