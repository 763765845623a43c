//! Loading criteria TOML strictly: every problem is reported with its file, line and column.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use toml::Spanned;

use super::lint::{
    self, ColumnLoc, Ctx, FromLoc, Locs, Parsed, RuleLoc, YEARS, check_range, metadata_column,
    not_finite, toml_error,
};
use super::threshold::Case;
use super::{
    Check, CriteriaSet, Criterion, Group, Indicator, Input, Kind, Level, Op, Plausible, Source,
    Threshold, Version,
};
use crate::diag::Problem;
use crate::i18n::Text;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[allow(dead_code)]
    schema: Option<u32>,
    set: RawSet,
    #[serde(default)]
    criterion: Vec<RawCriterion>,
    #[serde(default)]
    recognition: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    id: Spanned<String>,
    level: Level,
    name: String,
    #[serde(default)]
    name_en: String,
    short_name: Option<String>,
    short_name_en: Option<String>,
    version: Spanned<String>,
    decision: String,
    decision_date: toml::value::Datetime,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    based_on: Vec<String>,
    valid_from: Spanned<i32>,
    valid_to: Spanned<i32>,
    region: String,
    /// The province whose set it is (`Lạng Sơn`): the official unit lists checked against its data.
    #[serde(default)]
    province: String,
    #[serde(default)]
    requires: Vec<Spanned<String>>,
    #[serde(default)]
    progress_groups: Vec<Spanned<usize>>,
    groups: Option<Spanned<Vec<RawGroup>>>,
}

/// A commune group: `{ id = "1", name = "Nhóm 1: …", name_en = "Group 1: …" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Spanned<String>,
    name: Option<String>,
    name_en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    number: Spanned<String>,
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    indicator: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    code: Spanned<String>,
    name: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    optional: bool,
    source: RawSource,
    #[serde(default)]
    check: Vec<RawCheck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    decision: String,
    annex: Option<String>,
    item: Option<String>,
    note: Option<String>,
    /// The note in English (shown with `--lang en`; Vietnamese when absent).
    note_en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    column: Option<Spanned<String>>,
    derive: Option<RawDerive>,
    label: Option<String>,
    label_en: Option<String>,
    kind: Spanned<Kind>,
    unit: Option<String>,
    unit_en: Option<String>,
    op: Option<Spanned<Op>>,
    plausible: Option<Spanned<RawPlausible>>,
    threshold: Option<Spanned<RawThreshold>>,
    threshold_from: Option<Spanned<RawFrom>>,
    threshold_when: Option<Spanned<Vec<RawCase>>>,
    #[serde(default)]
    context: bool,
    verified: bool,
    note: Option<String>,
    note_en: Option<String>,
}

/// The key of a threshold by commune group: `threshold = { nhom = { "1" = 90, "2" = 80 } }`.
const GROUP_KEY: &str = "nhom";

/// A threshold as written: a number, or a table (by year, or by group under [`GROUP_KEY`]), with every
/// key and value located, so that a problem names the very key.
enum RawThreshold {
    Number(f64),
    Table(Vec<(Spanned<String>, Spanned<RawThreshold>)>),
    /// Anything else (a string, a boolean, an array), as written, for the message.
    Other(String),
}

impl std::fmt::Display for RawThreshold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RawThreshold::Number(n) => write!(f, "{n}"),
            RawThreshold::Table(_) => write!(f, "{{ … }}"),
            RawThreshold::Other(s) => write!(f, "{s}"),
        }
    }
}

impl<'de> Deserialize<'de> for RawThreshold {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = RawThreshold;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a table")
            }
            fn visit_i64<E>(self, v: i64) -> Result<RawThreshold, E> {
                Ok(RawThreshold::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<RawThreshold, E> {
                Ok(RawThreshold::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<RawThreshold, E> {
                Ok(RawThreshold::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawThreshold, E> {
                Ok(RawThreshold::Other(format!("\"{v}\"")))
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawThreshold, E> {
                Ok(RawThreshold::Other(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<RawThreshold, A::Error> {
                while a.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(RawThreshold::Other("[…]".into()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<RawThreshold, A::Error> {
                let mut entries = Vec::new();
                while let Some(k) = m.next_key::<Spanned<String>>()? {
                    entries.push((k, m.next_value::<Spanned<RawThreshold>>()?));
                }
                Ok(RawThreshold::Table(entries))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// What the checks of a set need to know of the set itself.
struct SetCx<'a> {
    level: Level,
    valid_from: i32,
    groups: &'a [Group],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlausible {
    min: Spanned<f64>,
    max: Spanned<f64>,
    #[serde(default)]
    whole: bool,
    hint: Option<String>,
    hint_en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDerive {
    meets: Option<Spanned<String>>,
    share_of_communes_meeting: Option<Spanned<String>>,
    min_over_communes: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrom {
    set: String,
    indicator: String,
    factor: Spanned<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    column: Spanned<String>,
    op: Op,
    value: Spanned<f64>,
    threshold: Spanned<f64>,
}

/// Load the sets of one version from `(file name, contents)` pairs. `folder` is the version folder's name,
/// which each set's `version` must equal. Returns the version only when there is no problem.
pub fn load_version(
    folder: &str,
    origin: &str,
    files: &[(String, String)],
) -> Result<Version, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut parsed = Vec::new();
    // The sets whose file did not load: references to them are not reported again.
    let mut failed = Vec::new();
    for (file, src) in files {
        match parse_file(file, src, folder) {
            Ok((p, mut warnings)) => {
                problems.append(&mut warnings);
                parsed.push(p);
            }
            Err((id, mut errs)) => {
                problems.append(&mut errs);
                failed.extend(id);
            }
        }
    }
    lint::check_version(&parsed, &failed, &mut problems);
    if problems.iter().any(Problem::is_error) {
        return Err(problems);
    }
    let mut version = Version {
        id: folder.to_string(),
        origin: origin.to_string(),
        sets: parsed.into_iter().map(|p| p.set).collect(),
    };
    // Commune sets in the order of their chain (xa-ntm, nang-cao, kieu-mau), then district sets.
    let chain: Vec<String> = version
        .commune_chain()
        .iter()
        .map(|s| s.id.clone())
        .collect();
    version
        .sets
        .sort_by_key(|s| chain.iter().position(|c| *c == s.id).unwrap_or(usize::MAX));
    Ok(version)
}

/// A file's problems, with its set's id when it can be read, so that references to the set are not
/// reported as missing.
type Failed = (Option<String>, Vec<Problem>);

fn parse_file(file: &str, src: &str, folder: &str) -> Result<(Parsed, Vec<Problem>), Failed> {
    let raw: RawFile = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            // A file that is valid TOML but not a valid criteria file still names its set.
            let id = toml::from_str::<toml::Table>(src).ok().and_then(|t| {
                let id = t.get("set")?.get("id")?.as_str()?;
                Some(id.to_string())
            });
            return Err((id, vec![toml_error(file, src, &e)]));
        }
    };
    let mut cx = Ctx {
        file,
        src,
        problems: Vec::new(),
    };
    let mut locs = Locs {
        set_id: raw.set.id.span().start,
        ..Locs::default()
    };
    let set_raw = &raw.set;
    if set_raw.version.get_ref() != folder {
        cx.err(
            "version-mismatch",
            set_raw.version.span().start,
            Text::new(
                format!(
                    "version = \"{}\" nhưng thư mục là \"{folder}\"",
                    set_raw.version.get_ref()
                ),
                format!(
                    "version = \"{}\" but the folder is \"{folder}\"",
                    set_raw.version.get_ref()
                ),
            ),
        );
    }
    let (valid_from, valid_to) = (*set_raw.valid_from.get_ref(), *set_raw.valid_to.get_ref());
    lint::validity_year("valid_from", &set_raw.valid_from, &mut cx);
    lint::validity_year("valid_to", &set_raw.valid_to, &mut cx);
    if valid_from > valid_to {
        cx.err(
            "validity",
            set_raw.valid_to.span().start,
            Text::new(
                format!("valid_to ({valid_to}) trước valid_from ({valid_from})"),
                format!("valid_to ({valid_to}) is before valid_from ({valid_from})"),
            ),
        );
    }
    locs.requires = set_raw
        .requires
        .iter()
        .map(|r| (r.get_ref().clone(), r.span().start))
        .collect();

    let level = set_raw.level;
    lint::progress_groups(&set_raw.progress_groups, raw.criterion.len(), &mut cx);
    let groups = groups(set_raw.groups.as_ref(), level, &mut cx, &mut locs);
    let scx = SetCx {
        level,
        valid_from,
        groups: &groups,
    };
    let mut codes: HashMap<String, usize> = HashMap::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    let mut criteria = Vec::new();
    for rc in raw.criterion {
        let num = rc.number.get_ref().clone();
        if numbers
            .insert(num.clone(), rc.number.span().start)
            .is_some()
        {
            cx.err(
                "duplicate-criterion",
                rc.number.span().start,
                Text::new(
                    format!("tiêu chí số {num} bị khai báo hai lần"),
                    format!("criterion {num} is declared twice"),
                ),
            );
        }
        if rc.indicator.is_empty() {
            lint::no_indicator(&num, rc.number.span().start, level, &mut cx);
        }
        let mut indicators = Vec::new();
        for ri in rc.indicator {
            indicators.push(indicator(ri, &mut cx, &mut locs, &mut codes, &scx));
        }
        criteria.push(Criterion {
            number: num,
            name: Text::new(rc.name, rc.name_en),
            verified: rc.verified,
            indicators,
        });
    }
    let mut rec_codes = HashMap::new();
    let recognition = raw
        .recognition
        .into_iter()
        .map(|ri| indicator(ri, &mut cx, &mut locs, &mut rec_codes, &scx))
        .collect();

    let set = CriteriaSet {
        id: set_raw.id.get_ref().clone(),
        level,
        name: Text::new(set_raw.name.clone(), set_raw.name_en.clone()),
        short_name: Text::new(
            set_raw
                .short_name
                .clone()
                .unwrap_or_else(|| set_raw.id.get_ref().clone()),
            set_raw.short_name_en.clone().unwrap_or_default(),
        ),
        version: set_raw.version.get_ref().clone(),
        decision: set_raw.decision.clone(),
        decision_date: set_raw.decision_date.to_string(),
        issuer: set_raw.issuer.clone(),
        based_on: set_raw.based_on.clone(),
        valid_from,
        valid_to,
        region: set_raw.region.clone(),
        province: set_raw.province.trim().to_string(),
        requires: set_raw
            .requires
            .iter()
            .map(|r| r.get_ref().clone())
            .collect(),
        progress_groups: set_raw
            .progress_groups
            .iter()
            .map(|g| *g.get_ref())
            .collect(),
        groups,
        criteria,
        recognition,
        file: file.to_string(),
    };
    if cx.problems.iter().any(Problem::is_error) {
        return Err((Some(set.id), cx.problems));
    }
    Ok((
        Parsed {
            set,
            src: src.to_string(),
            locs,
        },
        cx.problems,
    ))
}

fn indicator(
    ri: RawIndicator,
    cx: &mut Ctx,
    locs: &mut Locs,
    codes: &mut HashMap<String, usize>,
    set: &SetCx,
) -> Indicator {
    let code = ri.code.get_ref().clone();
    let at = ri.code.span().start;
    if let Some(first) = codes.insert(code.clone(), at) {
        let (line, _) = crate::diag::line_col(cx.src, first);
        cx.err(
            "duplicate-indicator",
            at,
            Text::new(
                format!("mã chỉ tiêu {code} bị trùng (đã có ở dòng {line})"),
                format!("duplicate indicator code {code} (already at line {line})"),
            ),
        );
    }
    if ri.check.is_empty() {
        cx.err(
            "no-check",
            at,
            Text::new(
                format!("chỉ tiêu {code} không có [[…check]] nào"),
                format!("indicator {code} has no [[…check]]"),
            ),
        );
    }
    let siblings: Vec<(String, Kind)> = ri
        .check
        .iter()
        .filter_map(|c| Some((c.column.as_ref()?.get_ref().clone(), *c.kind.get_ref())))
        .collect();
    let checks = ri
        .check
        .into_iter()
        .map(|rc| check(rc, &code, &siblings, cx, locs, set))
        .collect();
    Indicator {
        code,
        name: Text::new(ri.name, ri.name_en),
        optional: ri.optional,
        source: Source {
            decision: ri.source.decision,
            annex: ri.source.annex,
            item: ri.source.item,
            note: ri
                .source
                .note
                .map(|vi| Text::new(vi, ri.source.note_en.unwrap_or_default())),
        },
        checks,
    }
}

fn check(
    rc: RawCheck,
    code: &str,
    siblings: &[(String, Kind)],
    cx: &mut Ctx,
    locs: &mut Locs,
    set: &SetCx,
) -> Check {
    let kind = *rc.kind.get_ref();
    let at = rc.kind.span().start;
    let input = match (&rc.column, &rc.derive) {
        (Some(col), None) => {
            metadata_column(col, code, cx);
            Input::Column(col.get_ref().clone())
        }
        (None, Some(d)) => derive(d, kind, set.level, code, cx, locs, at),
        _ => {
            cx.err(
                "check-input",
                at,
                Text::new(
                    format!("chỉ tiêu {code}: mỗi check cần đúng một trong `column` hoặc `derive`"),
                    format!(
                        "indicator {code}: each check needs exactly one of `column` or `derive`"
                    ),
                ),
            );
            Input::Column(String::new())
        }
    };
    if kind == Kind::Num && rc.unit.is_none() {
        cx.err(
            "unit",
            at,
            Text::new(
                format!("chỉ tiêu {code}: kind = \"num\" cần `unit`"),
                format!("indicator {code}: kind = \"num\" needs a `unit`"),
            ),
        );
    }
    let plausible = rc
        .plausible
        .as_ref()
        .and_then(|p| {
            lint::plausible(
                p.get_ref().min.clone(),
                p.get_ref().max.clone(),
                kind,
                code,
                cx,
                p.span().start,
            )
        })
        .map(|(min, max)| {
            let p = rc.plausible.as_ref().map(|p| p.get_ref());
            Plausible {
                min,
                max,
                whole: p.is_some_and(|p| p.whole),
                hint: p.and_then(|p| {
                    p.hint
                        .clone()
                        .map(|vi| Text::new(vi, p.hint_en.clone().unwrap_or_default()))
                }),
            }
        });
    if let Input::Column(col) = &input {
        locs.columns.push(ColumnLoc {
            column: col.clone(),
            kind,
            unit: rc.unit.clone(),
            plausible: plausible.clone(),
            offset: rc.column.as_ref().map_or(at, |c| c.span().start),
        });
    }
    let has_rule = rc.op.is_some()
        || rc.threshold.is_some()
        || rc.threshold_from.is_some()
        || rc.threshold_when.is_some();
    let mut op = rc.op.as_ref().map(|o| *o.get_ref());
    let mut threshold = None;
    if kind == Kind::Bool || rc.context {
        if has_rule {
            let why = if rc.context {
                Text::new(
                    "cột ngữ cảnh (context = true) không có ngưỡng",
                    "a context column (context = true) has no threshold",
                )
            } else {
                Text::new(
                    "kind = \"bool\" chỉ nhận Đạt: bỏ `op` và ngưỡng",
                    "kind = \"bool\" must be Đạt: remove `op` and the threshold",
                )
            };
            cx.err(
                "bool-rule",
                at,
                Text::new(
                    format!("chỉ tiêu {code}: {}", why.vi),
                    format!("indicator {code}: {}", why.en),
                ),
            );
        }
        op = None;
    } else {
        if op.is_none() {
            cx.err(
                "no-op",
                at,
                Text::new(
                    format!("chỉ tiêu {code}: thiếu `op` (>=, <=, >, <, =)"),
                    format!("indicator {code}: missing `op` (>=, <=, >, <, =)"),
                ),
            );
        }
        threshold = rule(&rc, code, siblings, cx, locs, kind, set);
        if let Some(t) = &threshold {
            let offset = [
                rc.threshold.as_ref().map(|t| t.span().start),
                rc.threshold_from.as_ref().map(|t| t.span().start),
            ]
            .into_iter()
            .flatten()
            .next()
            .unwrap_or(at);
            locs.rules.push(RuleLoc {
                code: code.to_string(),
                column: input.column().map(String::from),
                threshold: t.clone(),
                offset,
            });
        }
    }
    Check {
        input,
        label: rc
            .label
            .map(|vi| Text::new(vi, rc.label_en.unwrap_or_default())),
        kind,
        unit: rc
            .unit
            .map(|vi| Text::new(vi, rc.unit_en.unwrap_or_default())),
        plausible,
        op,
        threshold,
        context: rc.context,
        verified: rc.verified,
        note: rc
            .note
            .map(|vi| Text::new(vi, rc.note_en.unwrap_or_default())),
    }
}

fn derive(
    d: &RawDerive,
    kind: Kind,
    level: Level,
    code: &str,
    cx: &mut Ctx,
    locs: &mut Locs,
    at: usize,
) -> Input {
    if let Some(col) = &d.min_over_communes {
        if d.meets.is_some()
            || d.share_of_communes_meeting.is_some()
            || level != Level::District
            || kind == Kind::Bool
        {
            cx.err(
                "derive-kind",
                at,
                Text::new(
                    format!("chỉ tiêu {code}: min_over_communes dùng riêng, cho bộ cấp huyện, với kind = \"pct\" hoặc \"num\""),
                    format!("indicator {code}: min_over_communes stands alone, in district sets, with kind = \"pct\" or \"num\""),
                ),
            );
        }
        return Input::MinOverCommunes(col.get_ref().clone());
    }
    match (&d.meets, &d.share_of_communes_meeting) {
        (Some(set), None) => {
            if kind != Kind::Bool {
                cx.err(
                    "derive-kind",
                    at,
                    Text::new(
                        format!("chỉ tiêu {code}: derive.meets cần kind = \"bool\""),
                        format!("indicator {code}: derive.meets needs kind = \"bool\""),
                    ),
                );
            }
            let input = Input::Meets(set.get_ref().clone());
            locs.derives
                .push((code.to_string(), input.clone(), set.span().start));
            input
        }
        (None, Some(set)) => {
            if kind != Kind::Pct || level != Level::District {
                cx.err(
                    "derive-kind",
                    at,
                    Text::new(
                        format!("chỉ tiêu {code}: share_of_communes_meeting chỉ dùng cho bộ cấp huyện, kind = \"pct\""),
                        format!("indicator {code}: share_of_communes_meeting is for district sets, with kind = \"pct\""),
                    ),
                );
            }
            let input = Input::ShareOfCommunesMeeting(set.get_ref().clone());
            locs.derives
                .push((code.to_string(), input.clone(), set.span().start));
            input
        }
        _ => {
            cx.err(
                "derive",
                at,
                Text::new(
                    format!("chỉ tiêu {code}: derive cần đúng một trong `meets` hoặc `share_of_communes_meeting`"),
                    format!("indicator {code}: derive needs exactly one of `meets` or `share_of_communes_meeting`"),
                ),
            );
            Input::Meets(String::new())
        }
    }
}

fn rule(
    rc: &RawCheck,
    code: &str,
    siblings: &[(String, Kind)],
    cx: &mut Ctx,
    locs: &mut Locs,
    kind: Kind,
    set: &SetCx,
) -> Option<Threshold> {
    let at = rc.kind.span().start;
    let base = match (&rc.threshold, &rc.threshold_from) {
        (Some(t), None) => value_threshold(t, code, cx, kind, set),
        (None, Some(f)) => {
            locs.froms.push(FromLoc {
                set: f.get_ref().set.clone(),
                indicator: f.get_ref().indicator.clone(),
                offset: f.span().start,
                code: code.to_string(),
                kind,
                unit: rc.unit.clone(),
            });
            let f = f.get_ref();
            let factor = *f.factor.get_ref();
            if !(factor.is_finite() && factor > 0.0) {
                cx.err_exp(
                    "threshold-factor",
                    f.factor.span().start,
                    Text::new(
                        format!(
                            "chỉ tiêu {code}: threshold_from.factor = {factor} không dùng được"
                        ),
                        format!(
                            "indicator {code}: threshold_from.factor = {factor} cannot be used"
                        ),
                    ),
                    Text::new(
                        "một số hữu hạn lớn hơn 0 (1.10 cho 110 %)",
                        "a finite number greater than 0 (1.10 for 110 %)",
                    ),
                );
            }
            Some(Threshold::From {
                set: f.set.clone(),
                indicator: f.indicator.clone(),
                factor,
            })
        }
        (Some(_), Some(f)) => {
            cx.err(
                "threshold",
                f.span().start,
                Text::new(
                    format!(
                        "chỉ tiêu {code}: chỉ dùng một trong `threshold` hoặc `threshold_from`"
                    ),
                    format!("indicator {code}: use only one of `threshold` or `threshold_from`"),
                ),
            );
            None
        }
        (None, None) => {
            cx.err(
                "threshold",
                at,
                Text::new(
                    format!("chỉ tiêu {code}: thiếu ngưỡng (`threshold` hoặc `threshold_from`)"),
                    format!(
                        "indicator {code}: missing threshold (`threshold` or `threshold_from`)"
                    ),
                ),
            );
            None
        }
    }?;
    let Some(when) = &rc.threshold_when else {
        return Some(base);
    };
    let mut cases = Vec::new();
    for c in when.get_ref() {
        let column = c.column.get_ref();
        let at = c.column.span().start;
        match siblings.iter().find(|(s, _)| s == column) {
            None => cx.err(
                "threshold-when",
                at,
                Text::new(
                    format!(
                        "chỉ tiêu {code}: threshold_when đọc cột {column} nhưng chỉ tiêu không có check nào đọc cột đó"
                    ),
                    format!(
                        "indicator {code}: threshold_when reads column {column} which no check of the indicator reads"
                    ),
                ),
            ),
            // Đạt/Không đạt is not a number: the condition could never be evaluated.
            Some((_, Kind::Bool)) => cx.err_exp(
                "threshold-when-bool",
                at,
                Text::new(
                    format!("chỉ tiêu {code}: threshold_when so sánh cột {column} (kind = \"bool\", Đạt/Không đạt) với một số"),
                    format!("indicator {code}: threshold_when compares column {column} (kind = \"bool\", Đạt/Không đạt) with a number"),
                ),
                Text::new("một cột kind = \"pct\" hoặc \"num\"", "a column of kind \"pct\" or \"num\""),
            ),
            Some(_) => {}
        }
        not_finite(
            "threshold_when.value",
            *c.value.get_ref(),
            code,
            cx,
            c.value.span().start,
        );
        let (n, t_at) = (*c.threshold.get_ref(), c.threshold.span().start);
        if !not_finite("threshold_when.threshold", n, code, cx, t_at) {
            check_range(n, kind, code, cx, t_at);
        }
        cases.push(Case {
            column: column.clone(),
            op: c.op,
            value: *c.value.get_ref(),
            threshold: *c.threshold.get_ref(),
        });
    }
    Some(Threshold::When {
        cases,
        otherwise: Box::new(base),
    })
}

/// A `threshold`: a number, dated values, or one of those per commune group (`{ nhom = { … } }`).
fn value_threshold(
    t: &Spanned<RawThreshold>,
    code: &str,
    cx: &mut Ctx,
    kind: Kind,
    set: &SetCx,
) -> Option<Threshold> {
    match t.get_ref() {
        RawThreshold::Table(entries)
            if entries.iter().any(|(k, _)| k.get_ref().trim() == GROUP_KEY) =>
        {
            by_group(entries, code, cx, kind, set)
        }
        _ => plain_threshold(t, code, cx, kind, set.valid_from, None),
    }
}

/// `{ nhom = { "1" = 90, "2" = 80, "3" = { 2026 = 60, 2028 = 70 } } }`: a number or dated values for
/// every group the set declares, and for no other.
fn by_group(
    entries: &[(Spanned<String>, Spanned<RawThreshold>)],
    code: &str,
    cx: &mut Ctx,
    kind: Kind,
    set: &SetCx,
) -> Option<Threshold> {
    let declared: Vec<&str> = set.groups.iter().map(|g| g.id.as_str()).collect();
    let list = declared.join(", ");
    let mut table = None;
    for (k, v) in entries {
        if k.get_ref().trim() == GROUP_KEY {
            table = Some((k, v));
        } else {
            cx.err_exp(
                "threshold-group",
                k.span().start,
                Text::new(
                    format!("chỉ tiêu {code}: ngưỡng theo nhóm xã chỉ gồm `{GROUP_KEY} = {{ … }}`, gặp thêm khóa «{}»", k.get_ref()),
                    format!("indicator {code}: a threshold by commune group holds only `{GROUP_KEY} = {{ … }}`, found the key «{}» too", k.get_ref()),
                ),
                Text::new(
                    "threshold = { nhom = { \"1\" = …, \"2\" = … } }",
                    "threshold = { nhom = { \"1\" = …, \"2\" = … } }",
                ),
            );
        }
    }
    let (key, value) = table?;
    if set.groups.is_empty() {
        cx.err_exp(
            "threshold-group",
            key.span().start,
            Text::new(
                format!("chỉ tiêu {code}: ngưỡng theo nhóm xã nhưng [set] không khai báo nhóm nào (groups)"),
                format!("indicator {code}: a threshold by commune group, but [set] declares no groups"),
            ),
            Text::new(
                "groups = [{ id = \"1\", name = \"…\" }, …] trong [set], hoặc một ngưỡng chung",
                "groups = [{ id = \"1\", name = \"…\" }, …] in [set], or one threshold for all",
            ),
        );
        return None;
    }
    let RawThreshold::Table(per_group) = value.get_ref() else {
        cx.err_exp(
            "threshold-group",
            value.span().start,
            Text::new(
                format!(
                    "chỉ tiêu {code}: `{GROUP_KEY}` cần một bảng theo nhóm, gặp «{}»",
                    value.get_ref()
                ),
                format!(
                    "indicator {code}: `{GROUP_KEY}` needs a table by group, found «{}»",
                    value.get_ref()
                ),
            ),
            Text::new(
                format!("{GROUP_KEY} = {{ \"1\" = …, … }} cho các nhóm {list}"),
                format!("{GROUP_KEY} = {{ \"1\" = …, … }} for the groups {list}"),
            ),
        );
        return None;
    };
    let mut found: Vec<(String, Threshold)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut ok = true;
    for (gk, gv) in per_group {
        let id = gk.get_ref().trim();
        if !declared.contains(&id) {
            ok = false;
            cx.err_exp(
                "unknown-group",
                gk.span().start,
                Text::new(
                    format!(
                        "chỉ tiêu {code}: nhóm «{}» không có trong groups của [set]",
                        gk.get_ref()
                    ),
                    format!(
                        "indicator {code}: group «{}» is not one of the groups [set] declares",
                        gk.get_ref()
                    ),
                ),
                Text::new(
                    format!("một trong các nhóm {list}"),
                    format!("one of the groups {list}"),
                ),
            );
            continue;
        }
        if let Some(first) = seen.insert(id.to_string(), gk.span().start) {
            ok = false;
            let (line, _) = crate::diag::line_col(cx.src, first);
            cx.err_exp(
                "duplicate-group",
                gk.span().start,
                Text::new(
                    format!("chỉ tiêu {code}: nhóm {id} có hai ngưỡng (đã có ở dòng {line})"),
                    format!(
                        "indicator {code}: group {id} has two thresholds (already at line {line})"
                    ),
                ),
                Text::new("mỗi nhóm một ngưỡng", "one threshold per group"),
            );
            continue;
        }
        match plain_threshold(gv, code, cx, kind, set.valid_from, Some(id)) {
            Some(t) => found.push((id.to_string(), t)),
            None => ok = false,
        }
    }
    let missing: Vec<&str> = declared
        .iter()
        .copied()
        .filter(|g| !seen.contains_key(*g))
        .collect();
    if !missing.is_empty() {
        cx.err_exp(
            "missing-group",
            key.span().start,
            Text::new(
                format!(
                    "chỉ tiêu {code}: không có ngưỡng cho nhóm {}: xã thuộc nhóm đó sẽ không chấm được",
                    missing.join(", ")
                ),
                format!(
                    "indicator {code}: no threshold for group {}: communes of that group could not be scored",
                    missing.join(", ")
                ),
            ),
            Text::new(
                format!("một ngưỡng cho mỗi nhóm: {list}"),
                format!("a threshold for every group: {list}"),
            ),
        );
        return None;
    }
    if !ok {
        return None;
    }
    // In the order the set declares its groups.
    found.sort_by_key(|(id, _)| declared.iter().position(|d| d == id));
    Some(Threshold::ByGroup(found))
}

/// A number, or dated values `{ 2022 = 36, 2024 = 42 }` covering the set's first year. `group` names
/// the commune group it is for, in messages.
fn plain_threshold(
    t: &Spanned<RawThreshold>,
    code: &str,
    cx: &mut Ctx,
    kind: Kind,
    valid_from: i32,
    group: Option<&str>,
) -> Option<Threshold> {
    let at = t.span().start;
    // `chỉ tiêu 2.2 (nhóm 3)`: which threshold a message is about.
    let code = &match group {
        Some(g) => format!("{code} (nhóm {g})"),
        None => code.to_string(),
    };
    match t.get_ref() {
        RawThreshold::Table(table) => {
            let mut dated = BTreeMap::new();
            let mut keys: BTreeMap<i32, &str> = BTreeMap::new();
            for (k, v) in table {
                let (k_at, k) = (k.span().start, k.get_ref().as_str());
                match (k.trim().parse::<i32>(), v.get_ref()) {
                    (Ok(y), RawThreshold::Number(n)) if YEARS.contains(&y) => {
                        check_range(*n, kind, code, cx, v.span().start);
                        if let Some(first) = keys.insert(y, k) {
                            cx.err_exp(
                                "duplicate-year",
                                k_at,
                                Text::new(
                                    format!("chỉ tiêu {code}: hai khóa «{first}» và «{k}» cùng chỉ năm {y}: không biết dùng ngưỡng nào"),
                                    format!("indicator {code}: the keys «{first}» and «{k}» both name year {y}: which threshold applies is unknown"),
                                ),
                                Text::new("mỗi năm một ngưỡng", "one threshold per year"),
                            );
                        }
                        dated.insert(y, *n);
                    }
                    (_, v) => cx.err(
                        "threshold",
                        k_at,
                        Text::new(
                            format!("chỉ tiêu {code}: ngưỡng theo năm cần dạng {{ 2024 = 42 }}, gặp «{k} = {v}»"),
                            format!("indicator {code}: dated thresholds are written {{ 2024 = 42 }}, found «{k} = {v}»"),
                        ),
                    ),
                }
            }
            let first = dated.keys().next().copied();
            match first {
                Some(first) if first <= valid_from => {}
                // An impossible valid_from is reported on its own; not again for every threshold.
                _ if !YEARS.contains(&valid_from) => {}
                _ => cx.err(
                    "missing-year",
                    at,
                    Text::new(
                        format!(
                            "chỉ tiêu {code}: năm {valid_from} nằm trong thời hạn hiệu lực nhưng không có ngưỡng (giá trị sớm nhất: {})",
                            first.map_or("không có".into(), |y| y.to_string())
                        ),
                        format!(
                            "indicator {code}: year {valid_from} is in the validity window but has no threshold (earliest value: {})",
                            first.map_or("none".into(), |y| y.to_string())
                        ),
                    ),
                ),
            }
            Some(Threshold::ByYear(dated.into_iter().collect()))
        }
        RawThreshold::Number(n) => {
            check_range(*n, kind, code, cx, at);
            Some(Threshold::Fixed(*n))
        }
        v => {
            cx.err(
                "threshold",
                at,
                Text::new(
                    format!("chỉ tiêu {code}: ngưỡng phải là một số hoặc bảng theo năm, gặp «{v}»"),
                    format!(
                        "indicator {code}: a threshold is a number or a table by year, found «{v}»"
                    ),
                ),
            );
            None
        }
    }
}

/// `[set] groups`: at least one, each id once, on a commune set (the group is read from commune data).
fn groups(
    raw: Option<&Spanned<Vec<RawGroup>>>,
    level: Level,
    cx: &mut Ctx,
    locs: &mut Locs,
) -> Vec<Group> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    let at = raw.span().start;
    locs.groups = Some(at);
    let expected = || {
        Text::new(
            "groups = [{ id = \"1\", name = \"Nhóm 1: …\" }, { id = \"2\", … }, …]: mỗi nhóm một mã ngắn (1, 2, 3)",
            "groups = [{ id = \"1\", name = \"Nhóm 1: …\" }, { id = \"2\", … }, …]: one short id per group (1, 2, 3)",
        )
    };
    if level == Level::District {
        cx.err_exp(
            "groups",
            at,
            Text::new(
                "groups (nhóm xã) chỉ dùng cho bộ cấp xã: nhóm được đọc từ cột nhom_xa của số liệu xã",
                "groups (commune groups) are for commune sets: the group is read from the nhom_xa column of commune data",
            ),
            Text::new("bỏ groups ở bộ cấp huyện", "no groups in a district set"),
        );
    }
    if raw.get_ref().is_empty() {
        cx.err_exp(
            "groups",
            at,
            Text::new("groups không có nhóm nào", "groups lists no group"),
            expected(),
        );
    }
    let mut out: Vec<Group> = Vec::new();
    for g in raw.get_ref() {
        let id = g.id.get_ref().trim().to_string();
        let folded = deunicode::deunicode(&id).to_lowercase();
        let bad = if id.is_empty() {
            Some(Text::new("mã nhóm rỗng", "an empty group id"))
        } else if folded.starts_with("nhom") || id.contains(',') {
            Some(Text::new(
                format!(
                    "mã nhóm «{id}» không dùng được: số liệu ghi «{id}» hay «Nhóm {id}» đều phải đọc ra đúng một nhóm"
                ),
                format!(
                    "group id «{id}» cannot be used: data writing «{id}» or «Nhóm {id}» must each read as one group"
                ),
            ))
        } else if out
            .iter()
            .any(|o| deunicode::deunicode(&o.id).to_lowercase() == folded)
        {
            Some(Text::new(
                format!("nhóm «{id}» được khai báo hai lần"),
                format!("group «{id}» is declared twice"),
            ))
        } else {
            None
        };
        if let Some(why) = bad {
            cx.err_exp("groups", g.id.span().start, why, expected());
            continue;
        }
        out.push(Group {
            name: Text::new(
                g.name.clone().unwrap_or_else(|| format!("Nhóm {id}")),
                g.name_en.clone().unwrap_or_else(|| format!("Group {id}")),
            ),
            id,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"
[set]
id = "a"
level = "commune"
name = "A"
version = "v1"
decision = "1/QĐ"
decision_date = 2024-06-17
valid_from = 2022
valid_to = 2025
region = "TDMNPB"
"#;

    fn load(body: &str) -> Result<Version, Vec<Problem>> {
        load_version("v1", "test", &[("a.toml".into(), format!("{HEAD}{body}"))])
    }

    const GOOD: &str = r#"
[[criterion]]
number = "10"
name = "Thu nhập"

[[criterion.indicator]]
code = "10"
name = "Thu nhập"
source = { decision = "318/QĐ-TTg" }
  [[criterion.indicator.check]]
  column = "10"
  kind = "num"
  unit = "triệu đồng"
  op = ">="
  threshold = { 2022 = 36, 2024 = 42 }
  verified = false
  plausible = { min = 1, max = 1000 }
"#;

    #[test]
    fn a_good_file_loads() {
        let v = load(GOOD).unwrap();
        let set = v.set("a").unwrap();
        assert_eq!(set.criteria.len(), 1);
        assert_eq!(
            set.indicator("10").unwrap().checks[0].threshold,
            Some(Threshold::ByYear(vec![(2022, 36.0), (2024, 42.0)]))
        );
    }

    #[test]
    fn a_misspelled_key_names_its_line() {
        let errs = load(&GOOD.replace("threshold =", "treshold =")).unwrap_err();
        assert_eq!(errs[0].kind, "unknown-key");
        assert_eq!(errs[0].line, Some(26));
        assert!(errs[0].message.en.contains("treshold"));
    }

    #[test]
    fn a_year_without_a_threshold_is_an_error() {
        let errs = load(&GOOD.replace("2022 = 36, ", "")).unwrap_err();
        assert_eq!(errs[0].kind, "missing-year");
        assert!(errs[0].message.en.contains("2022"));
    }

    #[test]
    fn an_unknown_comparison_is_an_error() {
        let errs = load(&GOOD.replace("\">=\"", "\"=>\"")).unwrap_err();
        assert!(errs[0].message.en.contains("=>"), "{:?}", errs[0]);
        assert_eq!(errs[0].line, Some(25));
    }

    #[test]
    fn a_duplicate_code_and_a_bool_with_a_threshold_are_both_reported() {
        let dup = format!(
            "{GOOD}\n[[criterion.indicator]]\ncode = \"10\"\nname = \"x\"\nsource = {{ decision = \"d\" }}\n  [[criterion.indicator.check]]\n  column = \"10b\"\n  kind = \"bool\"\n  op = \">=\"\n  verified = false\n"
        );
        let errs = load(&dup).unwrap_err();
        let kinds: Vec<_> = errs.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["duplicate-indicator", "bool-rule"]);
        assert_eq!(
            (errs[0].line, errs[0].col),
            (Some(31), Some(8)),
            "{:?}",
            errs[0]
        );
    }

    #[test]
    fn a_missing_prerequisite_is_an_error() {
        let src = format!(
            "{}{GOOD}",
            HEAD.replace(
                "region = \"TDMNPB\"",
                "region = \"TDMNPB\"\nrequires = [\"xa\"]"
            )
        );
        let errs = load_version("v1", "t", &[("a.toml".into(), src)]).unwrap_err();
        assert_eq!(errs[0].kind, "missing-set");
        assert_eq!(errs[0].line, Some(12));
    }

    #[test]
    fn values_that_would_silently_change_verdicts_are_errors() {
        let head = |from: &str, to: &str| HEAD.replace(from, to);
        let good = |from: &str, to: &str| GOOD.replace(from, to);
        let cases = [
            (
                format!("{HEAD}{GOOD}[[criterion]]\nnumber = \"11\"\nname = \"x\"\n"),
                "no-indicator",
            ),
            (
                format!(
                    "{}{GOOD}",
                    head("region", "progress_groups = [2, 0]\nregion")
                ),
                "progress-groups",
            ),
            // Only the year is reported, not each dated threshold lacking a value for 1022.
            (
                format!("{}{GOOD}", head("valid_from = 2022", "valid_from = 1022")),
                "validity-range",
            ),
            (
                format!("{HEAD}{}", good("2024 = 42", "2024 = nan")),
                "not-finite",
            ),
            (
                format!("{HEAD}{}", good("column = \"10\"", "column = \"Năm\"")),
                "metadata-column",
            ),
        ];
        for (src, kind) in cases {
            let errs = load_version("v1", "t", &[("a.toml".into(), src)]).unwrap_err();
            let kinds: Vec<_> = errs.iter().map(|e| e.kind).collect();
            assert_eq!(kinds, [kind], "{errs:?}");
            assert!(errs[0].line.is_some() && errs[0].expected.is_some());
        }
    }

    /// A set declaring groups 1, 2, 3 (valid 2026–2030), with `threshold` on its one check.
    fn grouped(threshold: &str) -> Result<Version, Vec<Problem>> {
        let head = HEAD
            .replace("valid_from = 2022", "valid_from = 2026")
            .replace("valid_to = 2025", "valid_to = 2030")
            .replace(
                "region = \"TDMNPB\"",
                "region = \"TDMNPB\"\ngroups = [{ id = \"1\", name = \"Nhóm 1\" }, { id = \"2\" }, { id = \"3\" }]",
            );
        let body = format!(
            "[[criterion]]\nnumber = \"2\"\nname = \"Giao thông\"\n\n[[criterion.indicator]]\ncode = \"2.1\"\nname = \"Đường\"\nsource = {{ decision = \"d\" }}\n  [[criterion.indicator.check]]\n  column = \"2.1\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold = {threshold}\n  verified = false\n"
        );
        load_version("v1", "test", &[("a.toml".into(), format!("{head}{body}"))])
    }

    #[test]
    fn a_threshold_by_group_gives_each_group_its_value() {
        let v = grouped(r#"{ nhom = { "3" = { 2026 = 60, 2028 = 70 }, "1" = 90, "2" = 80 } }"#)
            .unwrap();
        let set = v.set("a").unwrap();
        assert_eq!(
            set.groups.iter().map(|g| g.id.as_str()).collect::<Vec<_>>(),
            ["1", "2", "3"]
        );
        assert_eq!(set.groups[1].name.vi, "Nhóm 2");
        let t = set.indicator("2.1").unwrap().checks[0]
            .threshold
            .clone()
            .unwrap();
        // In the order the set declares its groups, whatever the order written.
        assert_eq!(
            t,
            Threshold::ByGroup(vec![
                ("1".into(), Threshold::Fixed(90.0)),
                ("2".into(), Threshold::Fixed(80.0)),
                (
                    "3".into(),
                    Threshold::ByYear(vec![(2026, 60.0), (2028, 70.0)])
                ),
            ])
        );
        let none = |_: &str| None;
        let at = |year, g| t.resolve_in(year, g, &v, &none).map(|r| (r.value, r.group));
        assert_eq!(at(2027, Some("1")), Ok((90.0, Some("1".into()))));
        assert_eq!(at(2027, Some("3")), Ok((60.0, Some("3".into()))));
        assert_eq!(at(2029, Some("3")), Ok((70.0, Some("3".into()))));
        assert_eq!(
            at(2027, None),
            Err(crate::criteria::threshold::Unresolved::MissingGroup)
        );
        assert_eq!(t.candidates(2029, &v), [90.0, 80.0, 70.0]);
        assert_eq!(t.candidates_in(2029, Some("2"), &v), [80.0]);
        assert_eq!(v.group_of(" Nhóm 2 ").map(|g| g.id.as_str()), Some("2"));
        assert_eq!(v.group_of("nhom3").map(|g| g.id.as_str()), Some("3"));
        assert_eq!(v.group_of("4"), None);
        assert_eq!(v.group_of("12"), None);
    }

    #[test]
    fn every_declared_group_needs_a_threshold_and_no_other() {
        let kinds = |t: &str| -> Vec<(&'static str, Option<usize>, Option<usize>)> {
            grouped(t)
                .unwrap_err()
                .iter()
                .map(|p| (p.kind, p.line, p.col))
                .collect()
        };
        // Line 25 is the threshold's; columns point at the key in fault.
        assert_eq!(
            kinds(r#"{ nhom = { "1" = 90, "2" = 80 } }"#),
            [("missing-group", Some(25), Some(17))]
        );
        assert_eq!(
            kinds(r#"{ nhom = { "1" = 90, "2" = 80, "3" = 70, "4" = 60 } }"#),
            [("unknown-group", Some(25), Some(56))]
        );
        assert_eq!(
            kinds(r#"{ nhom = { "1" = 90, "2" = 80, "3" = { 2027 = 70 } } }"#),
            [("missing-year", Some(25), Some(52))]
        );
        assert_eq!(
            kinds(r#"{ nhom = { "1" = 90, "2" = 180, "3" = 70 } }"#),
            [("threshold-range", Some(25), Some(42))]
        );
        assert_eq!(
            kinds(r#"{ nhom = 90 }"#),
            [("threshold-group", Some(25), Some(24))]
        );
        let err = grouped(r#"{ nhom = { "1" = 90 } }"#).unwrap_err();
        assert!(
            err[0].message.en.contains("no threshold for group 2, 3"),
            "{err:?}"
        );
        assert_eq!(
            err[0].expected.as_ref().unwrap().en,
            "a threshold for every group: 1, 2, 3"
        );
        // A set without groups has no threshold by group.
        let src = format!(
            "{HEAD}{}",
            GOOD.replace("{ 2022 = 36, 2024 = 42 }", r#"{ nhom = { "1" = 40 } }"#)
        );
        let err = load_version("v1", "t", &[("a.toml".into(), src)]).unwrap_err();
        assert_eq!(err[0].kind, "threshold-group");
        assert!(err[0].message.en.contains("declares no groups"), "{err:?}");
    }

    #[test]
    fn a_date_or_a_text_as_a_threshold_is_named_as_such() {
        let err = grouped("2026-01-01").unwrap_err();
        assert_eq!((err[0].line, err[0].col), (Some(25), Some(15)), "{err:?}");
        assert!(
            err[0]
                .message
                .en
                .starts_with("found a date where a number is expected"),
            "{err:?}"
        );
        let err = grouped(r#"{ nhom = { "1" = "90", "2" = 80, "3" = 70 } }"#).unwrap_err();
        assert_eq!(err[0].kind, "threshold");
        assert!(
            err[0]
                .message
                .en
                .contains("(nhóm 1): a threshold is a number or a table by year, found «\"90\"»"),
            "{err:?}"
        );
    }

    #[test]
    fn groups_are_declared_once_each_and_alike_in_every_set() {
        let bad = |groups: &str| {
            let src = format!(
                "{}{GOOD}",
                HEAD.replace("region", &format!("groups = {groups}\nregion"))
            );
            load_version("v1", "t", &[("a.toml".into(), src)])
                .unwrap_err()
                .iter()
                .map(|p| p.kind)
                .collect::<Vec<_>>()
        };
        assert_eq!(bad("[]"), ["groups"]);
        assert_eq!(bad(r#"[{ id = "1" }, { id = " 1" }]"#), ["groups"]);
        assert_eq!(bad(r#"[{ id = "Nhóm 1" }]"#), ["groups"]);
        let with = |id: &str, groups: &str| {
            let head = HEAD
                .replace("id = \"a\"", &format!("id = \"{id}\""))
                .replace("region", &format!("groups = {groups}\nregion"));
            (format!("{id}.toml"), format!("{head}{GOOD}"))
        };
        let errs = load_version(
            "v1",
            "t",
            &[
                with("a", r#"[{ id = "1" }, { id = "2" }]"#),
                with("b", r#"[{ id = "1" }, { id = "2" }, { id = "3" }]"#),
            ],
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            (errs[0].kind, errs[0].file.as_str()),
            ("groups-differ", "b.toml")
        );
        assert_eq!(errs[0].line, Some(11));
    }
}
