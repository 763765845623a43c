//! `criteria list` and `criteria show`: the criteria as a person reads them, or as JSON.

use serde_json::{Value as Json, json};

use super::grid::{Column, Grid};
use super::text::{self, UNVERIFIED};
use super::{Format, SCHEMA_VERSION, Style, csv_text, md_table};
use crate::criteria::catalog::Catalog;
use crate::criteria::{Check, CriteriaSet, Input, Kind, Level, Threshold, Version};
use crate::i18n::{Lang, num};

fn set_summary(v: &Version, s: &CriteriaSet) -> Json {
    let mut doc = json!({
        "id": s.id,
        "level": s.level,
        "name": s.name.vi,
        "name_en": s.name.en,
        "version": v.id,
        "origin": v.origin,
        "decision": s.decision,
        "decision_date": s.decision_date,
        "issuer": s.issuer,
        "based_on": s.based_on,
        "valid_from": s.valid_from,
        "valid_to": s.valid_to,
        "region": s.region,
        "requires": s.requires,
        "criteria": s.criteria.len(),
        "indicators": s.indicators().count(),
        "unverified": s.unverified_count(),
    });
    // Only for sets whose thresholds vary by commune group.
    if !s.groups.is_empty() {
        doc["groups"] = s
            .groups
            .iter()
            .map(|g| json!({ "id": g.id, "name": g.name.vi, "name_en": g.name.en }))
            .collect();
    }
    doc
}

/// `criteria list`.
pub fn list(catalog: &Catalog, format: Format, style: &Style) -> String {
    let lang = style.lang;
    match format {
        Format::Json => {
            let doc = json!({
                "schema_version": SCHEMA_VERSION,
                "versions": catalog.versions.iter().map(|v| json!({
                    "id": v.id,
                    "origin": v.origin,
                    "sets": v.sets.iter().map(|s| set_summary(v, s)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            pretty(&doc)
        }
        _ => {
            let header: Vec<String> = [
                lang.pick("Phiên bản", "Version"),
                lang.pick("Bộ", "Set"),
                lang.pick("Tên", "Name"),
                lang.pick("Cấp", "Level"),
                lang.pick("Quyết định", "Decision"),
                lang.pick("Hiệu lực", "Valid"),
                lang.pick("Tiêu chí", "Criteria"),
                lang.pick("Chỉ tiêu", "Indicators"),
                lang.pick("Chưa đối chiếu", "Unverified"),
            ]
            .map(String::from)
            .to_vec();
            let rows: Vec<Vec<String>> = catalog
                .versions
                .iter()
                .flat_map(|v| {
                    v.sets.iter().map(move |s| {
                        vec![
                            v.id.clone(),
                            s.id.clone(),
                            s.name.get(lang).to_string(),
                            match s.level {
                                Level::Commune => lang.pick("xã", "commune").to_string(),
                                Level::District => lang.pick("huyện", "district").to_string(),
                            },
                            format!("{} ({})", s.decision, s.decision_date),
                            format!("{}–{}", s.valid_from, s.valid_to),
                            s.criteria.len().to_string(),
                            s.indicators().count().to_string(),
                            s.unverified_count().to_string(),
                        ]
                    })
                })
                .collect();
            render_rows(format, style, header, rows, false)
        }
    }
}

/// Rows as the format wants them; on a terminal with `group_first`, the first column heads its rows
/// on a line of its own (a criterion above its indicators).
fn render_rows(
    format: Format,
    style: &Style,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    group_first: bool,
) -> String {
    match format {
        Format::Md => md_table(&header, &rows),
        Format::Csv => csv_text(&header, &rows),
        _ => {
            let mut cols: Vec<Column> = header.iter().map(|h| Column::new(h).wrap()).collect();
            if group_first && let Some(first) = header.first() {
                cols[0] = Column::new(first).group();
                // The input column names a check; the source, long, goes below when narrow.
                cols[3] = Column::new(&header[3]).key();
                if let Some(last) = header.last() {
                    let n = cols.len() - 1;
                    cols[n] = Column::new(last).spill();
                }
            }
            let mut t = Grid::new(cols).auto();
            for r in rows {
                t.push(r.into_iter().map(|c| (c, None)));
            }
            t.text(style)
        }
    }
}

/// `criteria show SET`: every criterion, indicator and check, with the threshold for `year` (or all
/// dated values), the source and a mark on unverified figures. `only_unverified` keeps only those.
pub fn show(
    version: &Version,
    set: &CriteriaSet,
    year: Option<i32>,
    only_unverified: bool,
    format: Format,
    style: &Style,
) -> String {
    let lang = style.lang;
    if format == Format::Json {
        return pretty(&show_json(version, set, year, only_unverified));
    }
    // Thresholds by commune group side by side: one requirement column per group.
    let groups: Vec<Option<&str>> = if set.groups.is_empty() {
        vec![None]
    } else {
        set.groups.iter().map(|g| Some(g.id.as_str())).collect()
    };
    let mut header: Vec<String> = [
        lang.pick("Tiêu chí", "Criterion"),
        lang.pick("Chỉ tiêu", "Indicator"),
        lang.pick("Nội dung", "Content"),
        lang.pick("Cột", "Column"),
    ]
    .map(String::from)
    .to_vec();
    for g in &groups {
        header.push(match g {
            None => lang.pick("Yêu cầu", "Requirement").to_string(),
            Some(g) => format!("{} {g}", lang.pick("Nhóm", "Group")),
        });
    }
    header.push(lang.pick("Giá trị hợp lý", "Plausible values").to_string());
    header.push(lang.pick("Nguồn", "Source").to_string());
    let mut rows = Vec::new();
    for c in &set.criteria {
        let mut first = true;
        for ind in &c.indicators {
            for check in &ind.checks {
                if only_unverified && check.verified {
                    continue;
                }
                let mut content = ind.name.get(lang).to_string();
                let label = text::label(check, lang);
                if ind.checks.len() > 1 && !label.is_empty() {
                    content = format!("{content} — {label}");
                }
                let crit = if first {
                    first = false;
                    format!("{}. {}", c.number, c.name.get(lang))
                } else {
                    String::new()
                };
                let mut row = vec![crit, ind.code.clone(), content, input_name(&check.input)];
                for g in &groups {
                    row.push(text::rule_in(check, year, *g, version, lang));
                }
                row.push(plausible_text(version, check, lang));
                row.push(ind.source.show(lang));
                rows.push(row);
            }
        }
    }
    let mut out = format!(
        "{} — {} {} ({}), {} {}–{}{}",
        set.name.get(lang),
        lang.pick("Quyết định", "Decision"),
        set.decision,
        set.decision_date,
        lang.pick("hiệu lực", "valid"),
        set.valid_from,
        set.valid_to,
        year.map(|y| format!(", {} {y}", lang.pick("ngưỡng năm", "thresholds for")))
            .unwrap_or_default()
    );
    out = super::grid::wrap_text(&out, style.width.map_or(usize::MAX, usize::from)).join("\n");
    out.push('\n');
    if !set.requires.is_empty() {
        // Each prerequisite by its name, not its id.
        let names: Vec<String> = set
            .requires
            .iter()
            .map(|id| {
                version
                    .sets
                    .iter()
                    .find(|s| &s.id == id)
                    .map_or(id.clone(), |s| s.short_name.get(lang).to_string())
            })
            .collect();
        out.push_str(&format!(
            "{}: {}\n",
            lang.pick("Điều kiện tiên quyết", "Prerequisites"),
            names.join(", ")
        ));
    }
    if !set.groups.is_empty() {
        out.push_str(&format!(
            "{}: {}\n",
            lang.pick("Nhóm xã (cột nhom_xa)", "Commune groups (column nhom_xa)"),
            set.groups
                .iter()
                .map(|g| format!("{} = {}", g.id, g.name.get(lang)))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    out.push_str(&render_rows(format, style, header, rows, true));
    if format != Format::Csv {
        out.push_str(&format!(
            "{}: {} / {}\n{}\n",
            lang.pick("Ngưỡng chưa đối chiếu", "Unverified thresholds"),
            set.unverified_count(),
            set.checks().count(),
            text::unverified_legend(lang)
        ));
    }
    out
}

/// The values a check's column can hold (`1–1000 triệu đồng/người/năm`, `0–30, số nguyên`); nothing for
/// Đạt/Không đạt and derived values.
fn plausible_text(version: &Version, check: &Check, lang: Lang) -> String {
    let Some(spec) = check.input.column().and_then(|c| version.column_spec(c)) else {
        return String::new();
    };
    if spec.kind == Kind::Bool {
        return String::new();
    }
    let p = &spec.plausible;
    let unit = text::unit(check, lang);
    let mut out = format!("{}–{}", num(p.min, lang), num(p.max, lang));
    if !unit.is_empty() {
        out.push_str(&format!(" {unit}"));
    }
    if p.whole {
        out.push_str(lang.pick(", số nguyên", ", whole"));
    }
    out
}

fn input_name(input: &Input) -> String {
    match input {
        Input::Column(c) => c.clone(),
        Input::Meets(s) => format!("= {s}"),
        Input::ShareOfCommunesMeeting(s) => format!("% {s}"),
        Input::MinOverCommunes(c) => format!("min {c}"),
    }
}

fn show_json(
    version: &Version,
    set: &CriteriaSet,
    year: Option<i32>,
    only_unverified: bool,
) -> Json {
    let criteria: Vec<Json> = set
        .criteria
        .iter()
        .map(|c| {
            super::criterion_json(c, [
                ("verified", json!(c.verified)),
                ("indicators", json!(c.indicators.iter().filter(|i| !only_unverified || !i.verified()).map(|i| json!({
                    "code": i.code,
                    "name": i.name.vi,
                    "name_en": i.name.en,
                    "optional": i.optional,
                    "verified": i.verified(),
                    "source": i.source,
                    "checks": i.checks.iter().filter(|ch| !only_unverified || !ch.verified).map(|ch| {
                        let value = match (year, &ch.threshold) {
                            (Some(y), Some(t)) => t.resolve(y, version, &|_| None).ok().map(|r| r.value),
                            (None, Some(Threshold::Fixed(v))) => Some(*v),
                            _ => None,
                        };
                        // Each group's threshold (for the year, or a fixed one), when the set has groups.
                        let by_group: Option<serde_json::Map<String, Json>> = (!set.groups.is_empty()).then(|| {
                            set.groups.iter().map(|g| {
                                let v = match (year, &ch.threshold) {
                                    (Some(y), Some(t)) => t.resolve_in(y, Some(&g.id), version, &|_| None).ok().map(|r| r.value),
                                    (None, Some(Threshold::ByGroup(values))) => values.iter().find(|(id, _)| *id == g.id).and_then(|(_, t)| match t {
                                        Threshold::Fixed(v) => Some(*v),
                                        _ => None,
                                    }),
                                    (None, Some(Threshold::Fixed(v))) => Some(*v),
                                    _ => None,
                                };
                                (g.id.clone(), json!({
                                    "threshold": v,
                                    "requirement": text::rule_in(ch, year, Some(&g.id), version, Lang::Vi).trim_end_matches(UNVERIFIED),
                                    "requirement_en": text::rule_in(ch, year, Some(&g.id), version, Lang::En).trim_end_matches(UNVERIFIED),
                                }))
                            }).collect()
                        });
                        let mut check = json!({
                            "input": ch.input,
                            "label": ch.label,
                            "kind": ch.kind,
                            "unit": ch.unit,
                            "op": ch.op,
                            "threshold": value,
                            "threshold_rule": ch.threshold,
                            "requirement": text::rule(ch, year, version, Lang::Vi).trim_end_matches(UNVERIFIED),
                            "requirement_en": text::rule(ch, year, version, Lang::En).trim_end_matches(UNVERIFIED),
                            "plausible": ch.input.column().and_then(|c| version.column_spec(c)).filter(|s| s.kind != crate::criteria::Kind::Bool).map(|s| s.plausible),
                            "context": ch.context,
                            "verified": ch.verified,
                            "note": ch.note,
                        });
                        if let Some(by_group) = by_group {
                            check["by_group"] = Json::Object(by_group);
                        }
                        check
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>())),
            ])
        })
        .collect();
    let mut doc = set_summary(version, set);
    doc["schema_version"] = json!(SCHEMA_VERSION);
    doc["year"] = json!(year);
    doc["criteria"] = json!(criteria);
    doc["criteria_count"] = json!(set.criteria.len());
    doc
}

pub(crate) fn pretty(doc: &Json) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}
