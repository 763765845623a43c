//! Reading a case file strictly: unknown keys, unknown columns, unreadable values, unknown sets,
//! criteria or indicators are all reported with file, line and column, and the case is not run.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use toml::Spanned;

use super::Case;
use super::Loaded;
use super::expect::{RawExpect, expectations};
use crate::criteria::catalog::Catalog;
use crate::criteria::select::Selection;
use crate::criteria::{CriteriaSet, Level, Version};
use crate::diag::Problem;
use crate::eval::{Evaluator, Options};
use crate::i18n::Text;
use crate::input::cell::{self, Cell};
use crate::input::table::{empty_dataset, nearest};
use crate::input::{Dataset, Row};

pub(super) type Map<T> = BTreeMap<Spanned<String>, Spanned<T>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    defaults: Option<RawDefaults>,
    #[serde(default)]
    case: Vec<RawCase>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    set: Option<Spanned<String>>,
    year: Option<Spanned<i64>>,
    group: Option<Spanned<toml::Value>>,
    #[serde(default)]
    inputs: Map<toml::Value>,
    #[serde(default)]
    commune_inputs: Map<toml::Value>,
    communes: Option<Vec<RawCommune>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Spanned<String>,
    set: Option<Spanned<String>>,
    year: Option<Spanned<i64>>,
    /// The commune group (`nhom_xa`), for a version whose thresholds vary by group.
    group: Option<Spanned<toml::Value>>,
    #[serde(default)]
    inputs: Map<toml::Value>,
    communes: Option<Vec<RawCommune>>,
    expect: RawExpect,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawCommune {
    name: Option<String>,
    #[serde(default)]
    inputs: Map<toml::Value>,
}

pub(super) struct Cx<'a> {
    pub(super) file: &'a str,
    pub(super) src: &'a str,
    pub(super) problems: Vec<Problem>,
}

impl Cx<'_> {
    pub(super) fn err(&mut self, kind: &'static str, offset: usize, message: Text) {
        self.problems
            .push(Problem::error(kind, self.file, message).at_offset(self.src, offset));
    }

    fn errors(&self) -> usize {
        self.problems.iter().filter(|p| p.is_error()).count()
    }
}

pub(super) fn load(file: &str, src: &str, catalog: &Catalog, version: Option<&str>) -> Loaded {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let raw: RawFile = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            let msg = e.message().trim().to_string();
            let mut p = Problem::error(
                if msg.starts_with("unknown field") {
                    "unknown-key"
                } else {
                    "toml"
                },
                file,
                Text::new(
                    format!("tệp ca kiểm thử không hợp lệ: {msg}"),
                    format!("invalid case file: {msg}"),
                ),
            );
            if let Some(span) = e.span() {
                p = p.at_offset(src, span.start);
            }
            return Loaded {
                cases: Vec::new(),
                problems: vec![p],
            };
        }
    };
    let mut cx = Cx {
        file,
        src,
        problems: Vec::new(),
    };
    if raw.case.is_empty() {
        cx.problems.push(Problem::error(
            "no-case",
            file,
            Text::new(
                "tệp không có ca kiểm thử nào ([[case]])",
                "the file holds no test case ([[case]])",
            ),
        ));
    }
    let defaults = raw.defaults.unwrap_or_default();
    let mut cases = Vec::new();
    for rc in raw.case {
        let before = cx.errors();
        let case = build(&mut cx, &defaults, rc, catalog, version);
        if let Some(case) = case.filter(|_| cx.errors() == before) {
            cases.push(case);
        }
    }
    // A bad default is found once per case that uses it: report it once.
    let mut seen = std::collections::HashSet::new();
    cx.problems
        .retain(|p| seen.insert((p.line, p.col, p.kind, p.message.en.clone())));
    cx.problems.sort_by_key(|p| (p.line, p.col));
    Loaded {
        cases,
        problems: cx.problems,
    }
}

/// The sets a case evaluates: on the unit (prerequisites first), and on its communes (district sets).
fn plan<'v>(
    version: &'v Version,
    set: &CriteriaSet,
) -> (Vec<&'v CriteriaSet>, Vec<&'v CriteriaSet>) {
    let district = set.level == Level::District;
    match Selection::of(version, &set.id, district) {
        Ok(sel) if district => (sel.districts, sel.communes),
        Ok(sel) => (sel.communes, Vec::new()),
        Err(_) => (Vec::new(), Vec::new()),
    }
}

fn build(
    cx: &mut Cx,
    defaults: &RawDefaults,
    rc: RawCase,
    catalog: &Catalog,
    version_id: Option<&str>,
) -> Option<Case> {
    let at = rc.name.span().start;
    let name = rc.name.get_ref().trim().to_string();
    if name.is_empty() {
        cx.err(
            "case-name",
            at,
            Text::new("ca kiểm thử cần một tên", "a case needs a name"),
        );
    }
    let Some(set_id) = rc.set.as_ref().or(defaults.set.as_ref()) else {
        cx.err(
            "case-set",
            at,
            Text::new(
                format!(
                    "ca «{name}» không có bộ tiêu chí: ghi set = \"xa-ntm\" ở ca hoặc ở [defaults]"
                ),
                format!(
                    "case «{name}» has no set: write set = \"xa-ntm\" in the case or in [defaults]"
                ),
            ),
        );
        return None;
    };
    let Some(year_raw) = rc.year.as_ref().or(defaults.year.as_ref()) else {
        cx.err(
            "case-year",
            at,
            Text::new(
                format!("ca «{name}» không có năm: ghi year = 2024 ở ca hoặc ở [defaults]"),
                format!(
                    "case «{name}» has no year: write year = 2024 in the case or in [defaults]"
                ),
            ),
        );
        return None;
    };
    let year_at = year_raw.span().start;
    let Some(year) = i32::try_from(*year_raw.get_ref())
        .ok()
        .filter(|y| (1900..=2200).contains(y))
    else {
        cx.err(
            "case-year",
            year_at,
            Text::new(
                format!("năm không hợp lệ: {}", year_raw.get_ref()),
                format!("invalid year: {}", year_raw.get_ref()),
            ),
        );
        return None;
    };
    let version = match catalog.select(version_id, Some(year)) {
        Ok(v) => v,
        Err(msg) => {
            cx.err("case-version", year_at, msg);
            return None;
        }
    };
    let Some(set) = version.set(set_id.get_ref()) else {
        let ids: Vec<&str> = version.sets.iter().map(|s| s.id.as_str()).collect();
        cx.err(
            "case-set",
            set_id.span().start,
            Text::new(
                format!(
                    "không có bộ tiêu chí «{}» trong {} (có: {})",
                    set_id.get_ref(),
                    version.id,
                    ids.join(", ")
                ),
                format!(
                    "no set «{}» in {} (there are: {})",
                    set_id.get_ref(),
                    version.id,
                    ids.join(", ")
                ),
            ),
        );
        return None;
    };
    let (unit_sets, commune_sets) = plan(version, set);
    let communes_raw = match (&set.level, &rc.communes) {
        (Level::Commune, Some(_)) => {
            cx.err(
                "case-communes",
                at,
                Text::new(
                    format!(
                        "ca «{name}»: `communes` chỉ dùng cho bộ cấp huyện, không cho {}",
                        set.id
                    ),
                    format!(
                        "case «{name}»: `communes` is for district sets, not {}",
                        set.id
                    ),
                ),
            );
            return None;
        }
        (Level::Commune, None) => None,
        (Level::District, c) => Some(
            c.clone()
                .or_else(|| defaults.communes.clone())
                .unwrap_or_default(),
        ),
    };
    let group = case_group(
        cx,
        rc.group.as_ref().or(defaults.group.as_ref()),
        version,
        set,
    );
    let mut data = empty_dataset(cx.file, &crate::criteria::Schema::of(version));
    let unit_cols = Version::columns_of(&unit_sets);
    let mut unit = Row {
        line: crate::diag::line_col(cx.src, at).0,
        code: "case".into(),
        name: name.clone(),
        parent: String::new(),
        year,
        group,
        cells: vec![Cell::Missing; data.columns.len()],
        written: Vec::new(),
    };
    let mut places = HashMap::new();
    let mut refusals: Vec<(String, Option<Text>)> =
        rc.expect.refused().into_iter().map(|c| (c, None)).collect();
    fill(
        cx,
        &mut data,
        &mut unit,
        &mut places,
        (&defaults.inputs, &rc.inputs),
        &unit_cols,
        set,
        &mut refusals,
    );
    let mut communes = None;
    let mut commune_places = Vec::new();
    if let Some(raw) = communes_raw {
        let cols = Version::columns_of(&commune_sets);
        let top = commune_sets.last().copied().unwrap_or(set);
        let mut rows = Vec::new();
        for (i, c) in raw.iter().enumerate() {
            let mut row = Row {
                line: unit.line,
                code: format!("{}", i + 1),
                name: c.name.clone().unwrap_or_else(|| format!("xã {}", i + 1)),
                parent: "case".into(),
                year,
                group: None,
                cells: vec![Cell::Missing; data.columns.len()],
                written: Vec::new(),
            };
            let mut places = HashMap::new();
            fill(
                cx,
                &mut data,
                &mut row,
                &mut places,
                (&defaults.commune_inputs, &c.inputs),
                &cols,
                top,
                &mut Vec::new(),
            );
            rows.push(row);
            commune_places.push(places);
        }
        communes = Some(rows);
    }
    let ev = Evaluator::new(version, unit_sets.clone(), &data, Options::default());
    precheck(cx, &ev, &unit, &places, (year_at, set));
    if let Some(rows) = &communes {
        let cev = Evaluator::new(version, commune_sets.clone(), &data, Options::default());
        for (row, places) in rows.iter().zip(&commune_places) {
            precheck(cx, &cev, row, places, (year_at, set));
        }
    }
    let ids = |sets: &[&CriteriaSet]| sets.iter().map(|s| s.id.clone()).collect::<Vec<_>>();
    let written = rc.expect.written();
    let expect = expectations(cx, rc.expect, version, set, &ids(&unit_sets));
    if !written {
        cx.err(
            "case-expect",
            at,
            Text::new(
                format!("ca «{name}» không nêu kết quả mong đợi nào trong [case.expect]"),
                format!("case «{name}» expects nothing: list an outcome in [case.expect]"),
            ),
        );
    }
    Some(Case {
        file: cx.file.to_string(),
        line: unit.line,
        name,
        set: set.id.clone(),
        version: version.id.clone(),
        year,
        expect,
        sets: ids(&unit_sets),
        commune_sets: ids(&commune_sets),
        data,
        unit,
        communes,
        refusals,
    })
}

/// A case's commune group (`group = 2` or `"2"`, `"Nhóm 2"`): one the version declares, on a commune
/// set. Not given: the unit's group is not known, as with an empty `nhom_xa` cell.
fn case_group(
    cx: &mut Cx,
    written: Option<&Spanned<toml::Value>>,
    version: &Version,
    set: &CriteriaSet,
) -> Option<String> {
    let written = written?;
    let text = match written.get_ref() {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        v => v.to_string(),
    };
    let list = version
        .groups()
        .iter()
        .map(|g| g.id.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let found = (set.level == Level::Commune)
        .then(|| version.group_of(&text))
        .flatten();
    if found.is_none() {
        let expected = if list.is_empty() || set.level != Level::Commune {
            Text::new(
                format!(
                    "không ghi group: ngưỡng của {} {} không theo nhóm xã",
                    version.id, set.id
                ),
                format!(
                    "no group: the thresholds of {} {} do not vary by commune group",
                    version.id, set.id
                ),
            )
        } else {
            Text::new(
                format!("một trong các nhóm {list}"),
                format!("one of the groups {list}"),
            )
        };
        cx.problems.push(
            Problem::error(
                "case-group",
                cx.file,
                Text::new(
                    "group: không phải nhóm xã của bộ tiêu chí",
                    "group: not a commune group of the criteria",
                ),
            )
            .at_offset(cx.src, written.span().start)
            .found(text)
            .expected(expected),
        );
    }
    found.map(|g| g.id.clone())
}

/// Put a unit's inputs into its row: the defaults the unit's sets read, then the case's own (each of
/// which must be read by them). `places` keeps where each value was written, for later messages.
/// A value refused in a column the case expects refused is recorded in `refusals`, not reported.
#[allow(clippy::too_many_arguments)]
fn fill(
    cx: &mut Cx,
    data: &mut Dataset,
    row: &mut Row,
    places: &mut HashMap<String, usize>,
    (defaults, own): (&Map<toml::Value>, &Map<toml::Value>),
    used: &[&str],
    set: &CriteriaSet,
    refusals: &mut [(String, Option<Text>)],
) {
    for (strict, inputs) in [(false, defaults), (true, own)] {
        for (key, value) in inputs {
            let written_col = key.get_ref().trim();
            let found = data
                .columns
                .iter()
                .position(|c| c.to_lowercase() == written_col.to_lowercase());
            let Some(idx) = found else {
                let col = written_col;
                let mut p = Problem::error(
                    "unknown-column",
                    cx.file,
                    Text::new(
                        "không có bộ tiêu chí nào đọc cột này",
                        "no criteria set reads this column",
                    ),
                )
                .at_offset(cx.src, key.span().start)
                .field(col);
                if let Some(hint) = nearest(&col.to_lowercase(), &data.columns) {
                    p = p.expected(Text::new(
                        format!("có phải là {hint}?"),
                        format!("did you mean {hint}?"),
                    ));
                }
                cx.problems.push(p);
                continue;
            };
            let col = data.columns[idx].clone();
            let col = col.as_str();
            if !used.contains(&col) {
                if strict {
                    cx.err(
                        "unused-input",
                        key.span().start,
                        Text::new(
                            format!(
                                "cột {col} không được bộ {} (hay bộ tiên quyết của nó) đọc",
                                set.id
                            ),
                            format!(
                                "column {col} is not read by set {} (nor by its prerequisites)",
                                set.id
                            ),
                        ),
                    );
                }
                continue;
            }
            places.insert(col.to_string(), value.span().start);
            let written = match value.get_ref() {
                toml::Value::String(s) => s.clone(),
                _ => cx
                    .src
                    .get(value.span())
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            let raw = match value.get_ref() {
                toml::Value::String(s) => cell::Raw::Text(s),
                toml::Value::Integer(i) => cell::Raw::Number {
                    value: *i as f64,
                    percent: false,
                },
                toml::Value::Float(f) => cell::Raw::Number {
                    value: *f,
                    percent: false,
                },
                toml::Value::Boolean(b) => cell::Raw::Bool(*b),
                _ => {
                    cx.problems.push(
                        Problem::error(
                            "bad-cell",
                            cx.file,
                            Text::new("giá trị không đọc được", "unreadable value"),
                        )
                        .at_offset(cx.src, value.span().start)
                        .field(col)
                        .found(written)
                        .expected(Text::new(
                            "một chuỗi (\"85,5\", \"Đạt\", \"KAD\"), một số hoặc true/false",
                            "a string (\"85,5\", \"Đạt\", \"KAD\"), a number or true/false",
                        )),
                    );
                    continue;
                }
            };
            let expected_refusal = refusals.iter_mut().find(|(c, _)| c == col);
            match (
                cell::parse(raw, &data.specs[idx], &cell::Decimal::default()),
                expected_refusal,
            ) {
                (Ok(c), _) => {
                    row.cells[idx] = c.cell;
                    data.present[idx] = true;
                }
                (Err(e), Some(r)) => {
                    // The case's own value replaces a default's: only its refusal counts.
                    r.1 = Some(e.message);
                    row.cells[idx] = Cell::Missing;
                }
                (Err(e), None) => cx.problems.push(
                    Problem::error("bad-cell", cx.file, e.message)
                        .at_offset(cx.src, value.span().start)
                        .field(col)
                        .found(written)
                        .expected(e.expected),
                ),
            }
        }
    }
}

/// The evaluator's own checks on a row (a year outside a set's validity, `KAD` where it may not be),
/// located at the value or the year that causes them.
fn precheck(
    cx: &mut Cx,
    ev: &Evaluator,
    row: &Row,
    places: &HashMap<String, usize>,
    (year_at, set): (usize, &CriteriaSet),
) {
    for mut p in ev.precheck_row(cx.file, row, "year") {
        let at = match p.field.as_deref() {
            Some("year") => {
                p.field = None;
                let range = format!("{}–{}", set.valid_from, set.valid_to);
                p.expected = Some(Text::new(
                    format!("một năm trong {range}"),
                    format!("a year in {range}"),
                ));
                year_at
            }
            Some(col) => places.get(col).copied().unwrap_or(year_at),
            None => year_at,
        };
        cx.problems.push(p.at_offset(cx.src, at));
    }
}
