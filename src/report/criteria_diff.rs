//! `criteria diff A B`: the changes from one criteria version (or set) to another, as a table, JSON,
//! CSV or Markdown.

use serde_json::json;

use super::criteria::pretty;
use super::grid::Grid;
use super::{Format, SCHEMA_VERSION, Style, csv_text, md_table};
use crate::criteria::diff::{Change, ChangeKind, Val};
use crate::i18n::{Lang, num};

/// A side of the comparison as the report names it.
pub struct Named<'a> {
    /// The version id.
    pub version: &'a str,
    /// Where it came from: `bundled` or a folder.
    pub origin: &'a str,
    /// The set, when one set is compared.
    pub set: Option<&'a str>,
}

impl Named<'_> {
    fn label(&self) -> String {
        match self.set {
            Some(s) => format!("{}:{s} ({})", self.version, self.origin),
            None => format!("{} ({})", self.version, self.origin),
        }
    }
}

/// What a change is, in words.
pub fn kind_label(c: &Change, lang: Lang) -> String {
    let (vi, en) = match c.kind {
        ChangeKind::SetAdded => ("thêm bộ", "set added"),
        ChangeKind::SetRemoved => ("bỏ bộ", "set removed"),
        ChangeKind::SetChanged => {
            let f = c.field.unwrap_or_default();
            return match lang {
                Lang::Vi => format!("sửa thông tin bộ ({f})"),
                Lang::En => format!("set {f} changed"),
            };
        }
        ChangeKind::CriterionAdded => ("thêm tiêu chí", "criterion added"),
        ChangeKind::CriterionRemoved => ("bỏ tiêu chí", "criterion removed"),
        ChangeKind::CriterionRenamed => ("đổi tên tiêu chí", "criterion renamed"),
        ChangeKind::IndicatorAdded => ("thêm chỉ tiêu", "indicator added"),
        ChangeKind::IndicatorRemoved => ("bỏ chỉ tiêu", "indicator removed"),
        ChangeKind::IndicatorRenamed => ("đổi tên chỉ tiêu", "indicator renamed"),
        ChangeKind::IndicatorRecoded => (
            "đổi mã chỉ tiêu (cùng tên)",
            "indicator recoded (same name)",
        ),
        ChangeKind::IndicatorMoved => ("chuyển sang tiêu chí khác", "moved to another criterion"),
        ChangeKind::SourceChanged => ("đổi nguồn", "source changed"),
        ChangeKind::OptionalChanged => ("đổi «nếu có»", "«if any» changed"),
        ChangeKind::CheckAdded => ("thêm điều kiện", "check added"),
        ChangeKind::CheckRemoved => ("bỏ điều kiện", "check removed"),
        ChangeKind::InputChanged => ("đổi cột số liệu", "column changed"),
        ChangeKind::KindChanged => ("đổi loại giá trị/đơn vị", "kind or unit changed"),
        ChangeKind::OpChanged => ("đổi phép so sánh", "comparison changed"),
        ChangeKind::ThresholdChanged => ("đổi ngưỡng", "threshold changed"),
        ChangeKind::VerifiedChanged => ("đổi trạng thái đối chiếu", "verified flag changed"),
    };
    lang.pick(vi, en).to_string()
}

fn val(v: &Val, lang: Lang) -> String {
    match v {
        Val::Absent => "—".into(),
        Val::Num(n) => num(*n, lang),
        Val::Bool(b) => match (b, lang) {
            (true, Lang::Vi) => "có".into(),
            (false, Lang::Vi) => "không".into(),
            (b, Lang::En) => b.to_string(),
        },
        Val::Text(t) => t.clone(),
        Val::Label(t) => t.get(lang).to_string(),
        Val::Cases { cases, otherwise } => {
            let mut parts: Vec<String> = cases
                .iter()
                .map(|(when, t)| format!("{} {} {when}", num(*t, lang), lang.pick("khi", "when")))
                .collect();
            parts.push(format!(
                "{} {}",
                lang.pick("ngược lại", "otherwise"),
                otherwise.map_or("—".into(), |o| num(o, lang))
            ));
            parts.join("; ")
        }
    }
}

fn years(c: &Change) -> String {
    match c.years {
        Some((a, b)) if a == b => a.to_string(),
        Some((a, b)) => format!("{a}–{b}"),
        None => String::new(),
    }
}

/// A value as JSON: a text given in both languages in the language of the run.
fn json_val(v: &Val, lang: Lang) -> serde_json::Value {
    match v {
        Val::Label(t) => t.get(lang).into(),
        v => serde_json::to_value(v).unwrap_or_default(),
    }
}

/// The report. `changes` empty: says there is no difference.
pub fn render(
    old: &Named,
    new: &Named,
    changes: &[Change],
    format: Format,
    style: &Style,
) -> String {
    let lang = style.lang;
    if format == Format::Json {
        let side = |n: &Named| json!({ "version": n.version, "origin": n.origin, "set": n.set });
        let doc = json!({
            "schema_version": SCHEMA_VERSION,
            "old": side(old),
            "new": side(new),
            "count": changes.len(),
            "changes": changes.iter().map(|c| json!({
                "kind": c.kind.as_str(),
                "set": c.set,
                "criterion": c.criterion,
                "indicator": c.indicator,
                "old_indicator": c.old_indicator,
                "input": c.input,
                "field": c.field,
                "groups": c.groups,
                "years": c.years.map(|(a, b)| json!([a, b])),
                "old": json_val(&c.old, lang),
                "new": json_val(&c.new, lang),
                "label": kind_label(c, Lang::Vi),
                "label_en": kind_label(c, Lang::En),
            })).collect::<Vec<_>>(),
        });
        return pretty(&doc);
    }
    let header: Vec<String> = [
        lang.pick("Bộ", "Set"),
        lang.pick("Thay đổi", "Change"),
        lang.pick("Tiêu chí", "Criterion"),
        lang.pick("Chỉ tiêu", "Indicator"),
        lang.pick("Cột", "Column"),
        lang.pick("Nhóm", "Group"),
        lang.pick("Năm", "Years"),
        lang.pick("Cũ", "Old"),
        lang.pick("Mới", "New"),
    ]
    .map(String::from)
    .to_vec();
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            vec![
                c.set.clone(),
                kind_label(c, lang),
                c.criterion.clone().unwrap_or_default(),
                c.indicator.clone().unwrap_or_default(),
                c.input.clone().unwrap_or_default(),
                c.groups.join(", "),
                years(c),
                val(&c.old, lang),
                val(&c.new, lang),
            ]
        })
        .collect();
    let title = format!(
        "{} {} → {}: {}\n",
        lang.pick("So sánh", "Comparing"),
        old.label(),
        new.label(),
        match changes.len() {
            0 => lang.pick("không có thay đổi", "no difference").to_string(),
            n => format!("{n} {}", lang.pick("thay đổi", "change(s)")),
        }
    );
    match format {
        Format::Csv => csv_text(&header, &rows),
        Format::Md if rows.is_empty() => title,
        Format::Md => format!("{title}\n{}", md_table(&header, &rows)),
        _ if rows.is_empty() => title,
        _ => {
            let mut t = Grid::plain(header);
            for r in rows {
                t.push(r.into_iter().map(|c| (c, None)));
            }
            format!("{title}{}", t.text(style))
        }
    }
}
