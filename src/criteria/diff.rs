//! Comparing two criteria versions, or two sets: what an amendment (211/QĐ-TTg) or a new period changes.
//!
//! Sets are matched by id (or the two sets named are compared). Criteria are matched by number.
//! Indicators are matched by code, then, among those left, by name: the same code under another name is
//! *renamed*, the same name under another code is *recoded*. Checks are matched by the column (or
//! derived value) they read; an indicator with one check on each side compares those two. Thresholds are
//! compared for every year the new set applies to and every commune group of either side: for a year
//! outside the old set's validity, the old set's value for its nearest year is used (the change of
//! validity itself is reported on the set). Consecutive years, and groups, with the same change are
//! reported once.

use crate::i18n::{Lang, Text};
use serde::Serialize;

use super::{Check, CriteriaSet, Criterion, Indicator, Input, Kind, Threshold, Version};

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    SetAdded,
    SetRemoved,
    /// A field of `[set]` (`field` names it).
    SetChanged,
    CriterionAdded,
    CriterionRemoved,
    CriterionRenamed,
    IndicatorAdded,
    IndicatorRemoved,
    /// Same code, another name.
    IndicatorRenamed,
    /// Same name, another code.
    IndicatorRecoded,
    /// Under another criterion.
    IndicatorMoved,
    SourceChanged,
    OptionalChanged,
    CheckAdded,
    CheckRemoved,
    /// The column (or derived value) a check reads.
    InputChanged,
    /// The kind of value or its unit.
    KindChanged,
    OpChanged,
    ThresholdChanged,
    VerifiedChanged,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::SetAdded => "set_added",
            ChangeKind::SetRemoved => "set_removed",
            ChangeKind::SetChanged => "set_changed",
            ChangeKind::CriterionAdded => "criterion_added",
            ChangeKind::CriterionRemoved => "criterion_removed",
            ChangeKind::CriterionRenamed => "criterion_renamed",
            ChangeKind::IndicatorAdded => "indicator_added",
            ChangeKind::IndicatorRemoved => "indicator_removed",
            ChangeKind::IndicatorRenamed => "indicator_renamed",
            ChangeKind::IndicatorRecoded => "indicator_recoded",
            ChangeKind::IndicatorMoved => "indicator_moved",
            ChangeKind::SourceChanged => "source_changed",
            ChangeKind::OptionalChanged => "optional_changed",
            ChangeKind::CheckAdded => "check_added",
            ChangeKind::CheckRemoved => "check_removed",
            ChangeKind::InputChanged => "input_changed",
            ChangeKind::KindChanged => "kind_changed",
            ChangeKind::OpChanged => "op_changed",
            ChangeKind::ThresholdChanged => "threshold_changed",
            ChangeKind::VerifiedChanged => "verified_changed",
        }
    }
}

/// A value before or after: absent (`null`), a number, a flag, a text, or a threshold that depends on
/// a condition (its cases, then the value otherwise).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Val {
    Absent,
    Num(f64),
    Bool(bool),
    Text(String),
    /// A text given in both languages (a legal source with its note).
    Label(Text),
    Cases {
        cases: Vec<(String, f64)>,
        otherwise: Option<f64>,
    },
}

/// One change, from the old side to the new.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// The set (its id on the new side; on the old side for a removal).
    pub set: String,
    /// The criterion number.
    pub criterion: Option<String>,
    /// The indicator code (new side; old side for a removal).
    pub indicator: Option<String>,
    /// For a recoded indicator: its old code.
    pub old_indicator: Option<String>,
    /// The column or derived value the check reads.
    pub input: Option<String>,
    /// For `set_changed`: the `[set]` key.
    pub field: Option<&'static str>,
    /// For thresholds by commune group: the groups this change concerns (empty: no groups).
    pub groups: Vec<String>,
    /// For thresholds: the years (of the new set) this change concerns.
    pub years: Option<(i32, i32)>,
    pub old: Val,
    pub new: Val,
}

impl Change {
    fn new(kind: ChangeKind, set: &str) -> Change {
        Change {
            kind,
            set: set.to_string(),
            criterion: None,
            indicator: None,
            old_indicator: None,
            input: None,
            field: None,
            groups: Vec::new(),
            years: None,
            old: Val::Absent,
            new: Val::Absent,
        }
    }

    fn vals(mut self, old: Val, new: Val) -> Change {
        self.old = old;
        self.new = new;
        self
    }
}

/// One side of a comparison: a version and the sets of it to compare (all, or one).
pub struct Side<'a> {
    pub version: &'a Version,
    pub sets: Vec<&'a CriteriaSet>,
}

impl<'a> Side<'a> {
    /// Every set of `version`.
    pub fn all(version: &'a Version) -> Side<'a> {
        Side {
            version,
            sets: version.sets.iter().collect(),
        }
    }
}

/// Every change from `old` to `new`. With one set on each side, those two are compared whatever their
/// ids; otherwise sets are matched by id.
pub fn diff(old: &Side, new: &Side) -> Vec<Change> {
    let mut out = Vec::new();
    if let ([a], [b]) = (old.sets.as_slice(), new.sets.as_slice())
        && a.id != b.id
    {
        set_diff(old.version, a, new.version, b, &mut out);
        return out;
    }
    for b in &new.sets {
        match old.sets.iter().find(|a| a.id == b.id) {
            Some(a) => set_diff(old.version, a, new.version, b, &mut out),
            None => out.push(
                Change::new(ChangeKind::SetAdded, &b.id)
                    .vals(Val::Absent, Val::Text(b.name.vi.clone())),
            ),
        }
    }
    for a in &old.sets {
        if !new.sets.iter().any(|b| b.id == a.id) {
            out.push(
                Change::new(ChangeKind::SetRemoved, &a.id)
                    .vals(Val::Text(a.name.vi.clone()), Val::Absent),
            );
        }
    }
    out
}

fn text(s: impl Into<String>) -> Val {
    Val::Text(s.into())
}

fn groups_text(s: &CriteriaSet) -> String {
    s.groups
        .iter()
        .map(|g| g.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn set_diff(va: &Version, a: &CriteriaSet, vb: &Version, b: &CriteriaSet, out: &mut Vec<Change>) {
    let fields: [(&'static str, String, String); 9] = [
        ("name", a.name.vi.clone(), b.name.vi.clone()),
        (
            "level",
            format!("{:?}", a.level).to_lowercase(),
            format!("{:?}", b.level).to_lowercase(),
        ),
        ("decision", a.decision.clone(), b.decision.clone()),
        (
            "decision_date",
            a.decision_date.clone(),
            b.decision_date.clone(),
        ),
        (
            "valid",
            format!("{}–{}", a.valid_from, a.valid_to),
            format!("{}–{}", b.valid_from, b.valid_to),
        ),
        ("region", a.region.clone(), b.region.clone()),
        ("province", a.province.clone(), b.province.clone()),
        ("requires", a.requires.join(", "), b.requires.join(", ")),
        ("groups", groups_text(a), groups_text(b)),
    ];
    for (field, old, new) in fields {
        if old != new {
            let val = |s: String| if s.is_empty() { Val::Absent } else { text(s) };
            let mut c = Change::new(ChangeKind::SetChanged, &b.id).vals(val(old), val(new));
            c.field = Some(field);
            out.push(c);
        }
    }
    // Criteria, by number.
    for cb in &b.criteria {
        match a.criteria.iter().find(|ca| ca.number == cb.number) {
            Some(ca) if ca.name.vi != cb.name.vi => out.push(Change {
                criterion: Some(cb.number.clone()),
                ..Change::new(ChangeKind::CriterionRenamed, &b.id)
                    .vals(text(&ca.name.vi), text(&cb.name.vi))
            }),
            Some(_) => {}
            None => out.push(Change {
                criterion: Some(cb.number.clone()),
                ..Change::new(ChangeKind::CriterionAdded, &b.id)
                    .vals(Val::Absent, text(&cb.name.vi))
            }),
        }
    }
    for ca in &a.criteria {
        if !b.criteria.iter().any(|cb| cb.number == ca.number) {
            out.push(Change {
                criterion: Some(ca.number.clone()),
                ..Change::new(ChangeKind::CriterionRemoved, &b.id)
                    .vals(text(&ca.name.vi), Val::Absent)
            });
        }
    }
    let pair = Pair { va, a, vb, b };
    // Indicators: by code, then by name among those left.
    let olds: Vec<(&Criterion, &Indicator)> = with_criterion(a);
    let news: Vec<(&Criterion, &Indicator)> = with_criterion(b);
    let folded = |s: &str| s.trim().to_lowercase();
    let mut used = vec![false; olds.len()];
    let mut matched: Vec<Option<usize>> = news
        .iter()
        .map(|(_, ib)| {
            let i = olds.iter().position(|(_, ia)| ia.code == ib.code)?;
            used[i] = true;
            Some(i)
        })
        .collect();
    for (j, (_, ib)) in news.iter().enumerate() {
        if matched[j].is_some() {
            continue;
        }
        let same_name = olds.iter().enumerate().position(|(i, (_, ia))| {
            !used[i]
                && folded(&ia.name.vi) == folded(&ib.name.vi)
                && !news.iter().any(|(_, other)| other.code == ia.code)
        });
        if let Some(i) = same_name {
            used[i] = true;
            matched[j] = Some(i);
        }
    }
    for (j, (cb, ib)) in news.iter().enumerate() {
        let base = Change {
            criterion: Some(cb.number.clone()),
            indicator: Some(ib.code.clone()),
            ..Change::new(ChangeKind::IndicatorAdded, &b.id)
        };
        match matched[j] {
            None => out.push(base.vals(Val::Absent, text(&ib.name.vi))),
            Some(i) => {
                let (ca, ia) = olds[i];
                indicator_diff(&pair, (ca, ia), (cb, ib), &base, out);
            }
        }
    }
    for (i, (ca, ia)) in olds.iter().enumerate() {
        if !used[i] {
            out.push(Change {
                criterion: Some(ca.number.clone()),
                indicator: Some(ia.code.clone()),
                ..Change::new(ChangeKind::IndicatorRemoved, &b.id)
                    .vals(text(&ia.name.vi), Val::Absent)
            });
        }
    }
}

/// The two sets compared, with their versions (for thresholds derived from another set).
struct Pair<'a> {
    va: &'a Version,
    a: &'a CriteriaSet,
    vb: &'a Version,
    b: &'a CriteriaSet,
}

fn with_criterion(s: &CriteriaSet) -> Vec<(&Criterion, &Indicator)> {
    s.criteria
        .iter()
        .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
        .collect()
}

fn indicator_diff(
    pair: &Pair,
    (ca, ia): (&Criterion, &Indicator),
    (cb, ib): (&Criterion, &Indicator),
    base: &Change,
    out: &mut Vec<Change>,
) {
    let change = |kind: ChangeKind, old: Val, new: Val| Change {
        kind,
        ..base.clone().vals(old, new)
    };
    if ia.code != ib.code {
        let mut c = change(ChangeKind::IndicatorRecoded, text(&ia.code), text(&ib.code));
        c.old_indicator = Some(ia.code.clone());
        out.push(c);
    } else if ia.name.vi != ib.name.vi {
        out.push(change(
            ChangeKind::IndicatorRenamed,
            text(&ia.name.vi),
            text(&ib.name.vi),
        ));
    }
    if ca.number != cb.number {
        out.push(change(
            ChangeKind::IndicatorMoved,
            text(&ca.number),
            text(&cb.number),
        ));
    }
    if ia.source != ib.source {
        out.push(change(
            ChangeKind::SourceChanged,
            Val::Label(Text::new(
                ia.source.show(Lang::Vi),
                ia.source.show(Lang::En),
            )),
            Val::Label(Text::new(
                ib.source.show(Lang::Vi),
                ib.source.show(Lang::En),
            )),
        ));
    }
    if ia.optional != ib.optional {
        out.push(change(
            ChangeKind::OptionalChanged,
            Val::Bool(ia.optional),
            Val::Bool(ib.optional),
        ));
    }
    // Checks, by what they read; one on each side: those two.
    let single = ia.checks.len() == 1 && ib.checks.len() == 1;
    let mut used = vec![false; ia.checks.len()];
    for kb in &ib.checks {
        let found = if single {
            Some(0)
        } else {
            ia.checks
                .iter()
                .enumerate()
                .position(|(i, ka)| !used[i] && ka.input == kb.input)
        };
        let mut c = base.clone();
        c.input = Some(input_name(&kb.input));
        match found {
            None => out.push(Change {
                kind: ChangeKind::CheckAdded,
                ..c.vals(Val::Absent, text(input_name(&kb.input)))
            }),
            Some(i) => {
                used[i] = true;
                check_diff(pair, &ia.checks[i], kb, &c, out);
            }
        }
    }
    for (i, ka) in ia.checks.iter().enumerate() {
        if !used[i] {
            out.push(Change {
                kind: ChangeKind::CheckRemoved,
                input: Some(input_name(&ka.input)),
                ..base.clone().vals(text(input_name(&ka.input)), Val::Absent)
            });
        }
    }
}

/// A check's input as a person reads it: the column, or what is derived (`meets:nang-cao`).
pub fn input_name(input: &Input) -> String {
    match input {
        Input::Column(c) => c.clone(),
        Input::Meets(s) => format!("meets:{s}"),
        Input::ShareOfCommunesMeeting(s) => format!("share_of_communes_meeting:{s}"),
        Input::MinOverCommunes(c) => format!("min_over_communes:{c}"),
    }
}

fn kind_text(c: &Check) -> String {
    let kind = match c.kind {
        Kind::Bool => "bool",
        Kind::Pct => "pct",
        Kind::Num => "num",
    };
    match &c.unit {
        Some(u) => format!("{kind} ({})", u.vi),
        None => kind.to_string(),
    }
}

fn check_diff(pair: &Pair, ka: &Check, kb: &Check, base: &Change, out: &mut Vec<Change>) {
    let change = |kind: ChangeKind, old: Val, new: Val| Change {
        kind,
        ..base.clone().vals(old, new)
    };
    if ka.input != kb.input {
        out.push(change(
            ChangeKind::InputChanged,
            text(input_name(&ka.input)),
            text(input_name(&kb.input)),
        ));
    }
    if ka.kind != kb.kind || ka.unit.as_ref().map(|u| &u.vi) != kb.unit.as_ref().map(|u| &u.vi) {
        out.push(change(
            ChangeKind::KindChanged,
            text(kind_text(ka)),
            text(kind_text(kb)),
        ));
    }
    if ka.op != kb.op {
        let op = |c: &Check| c.op.map_or(Val::Absent, |o| text(o.symbol()));
        out.push(change(ChangeKind::OpChanged, op(ka), op(kb)));
    }
    thresholds_diff(pair, ka, kb, base, out);
    if ka.verified != kb.verified {
        out.push(change(
            ChangeKind::VerifiedChanged,
            Val::Bool(ka.verified),
            Val::Bool(kb.verified),
        ));
    }
}

/// A threshold's figure for a year and a group: a number, its cases, or absent (no threshold, or none
/// for that year or group).
fn figure(t: Option<&Threshold>, year: i32, group: Option<&str>, version: &Version) -> Val {
    let Some(t) = t else { return Val::Absent };
    let value = |t: &Threshold| {
        t.resolve_in(year, group, version, &|_| None)
            .ok()
            .map(|r| r.value)
    };
    match t {
        Threshold::When { cases, otherwise } => Val::Cases {
            cases: cases.iter().map(|c| (c.describe(), c.threshold)).collect(),
            otherwise: value(otherwise),
        },
        t => value(t).map_or(Val::Absent, Val::Num),
    }
}

fn thresholds_diff(pair: &Pair, ka: &Check, kb: &Check, base: &Change, out: &mut Vec<Change>) {
    let (a, b) = (pair.a, pair.b);
    // The groups of either side, the new side's first; none: one comparison.
    let mut groups: Vec<Option<&str>> = b.groups.iter().map(|g| Some(g.id.as_str())).collect();
    for g in &a.groups {
        if !groups.contains(&Some(g.id.as_str())) {
            groups.push(Some(&g.id));
        }
    }
    if groups.is_empty() {
        groups.push(None);
    }
    let (ta, tb) = (
        ka.threshold.as_ref().filter(|_| !ka.context),
        kb.threshold.as_ref().filter(|_| !kb.context),
    );
    if ta.is_none() && tb.is_none() {
        return;
    }
    // (groups, first year, last year, old, new)
    let mut runs: Vec<(Vec<String>, i32, i32, Val, Val)> = Vec::new();
    for g in &groups {
        let mut current: Option<(i32, i32, Val, Val)> = None;
        let mut group_runs = Vec::new();
        for year in b.valid_from..=b.valid_to {
            let old_year = year.clamp(a.valid_from, a.valid_to);
            let old = figure(ta, old_year, *g, pair.va);
            let new = figure(tb, year, *g, pair.vb);
            match &mut current {
                Some((_, to, o, n)) if *o == old && *n == new => *to = year,
                _ => {
                    group_runs.extend(current.take());
                    current = Some((year, year, old, new));
                }
            }
        }
        group_runs.extend(current);
        for (from, to, old, new) in group_runs.into_iter().filter(|r| r.2 != r.3) {
            let id = g.map(String::from);
            match runs
                .iter_mut()
                .find(|r| r.1 == from && r.2 == to && r.3 == old && r.4 == new)
            {
                Some(r) => r.0.extend(id),
                None => runs.push((id.into_iter().collect(), from, to, old, new)),
            }
        }
    }
    for (groups, from, to, old, new) in runs {
        out.push(Change {
            kind: ChangeKind::ThresholdChanged,
            groups,
            years: Some((from, to)),
            ..base.clone().vals(old, new)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::load::load_version;

    fn version(id: &str, body: &str) -> Version {
        let src = format!(
            r#"
[set]
id = "xa"
level = "commune"
name = "Xã"
version = "{id}"
decision = "1/QĐ"
decision_date = 2026-01-01
valid_from = 2026
valid_to = 2030
region = "r"
groups = [{{ id = "1" }}, {{ id = "2" }}]

[[criterion]]
number = "1"
name = "Một"
{body}"#
        );
        load_version(id, "test", &[("xa.toml".into(), src)]).unwrap()
    }

    fn ind(code: &str, name: &str, threshold: &str) -> String {
        format!(
            "[[criterion.indicator]]\ncode = \"{code}\"\nname = \"{name}\"\nsource = {{ decision = \"d\" }}\n  [[criterion.indicator.check]]\n  column = \"c{code}\"\n  kind = \"pct\"\n  op = \">=\"\n  threshold = {threshold}\n  verified = false\n"
        )
    }

    #[test]
    fn threshold_changes_are_given_per_group_and_years() {
        let a = version(
            "a",
            &ind(
                "1.1",
                "x",
                r#"{ nhom = { "1" = 90, "2" = { 2026 = 60, 2028 = 70 } } }"#,
            ),
        );
        let b = version(
            "b",
            &ind(
                "1.1",
                "x",
                r#"{ nhom = { "1" = 90, "2" = { 2026 = 60, 2028 = 75 } } }"#,
            ),
        );
        let changes = diff(&Side::all(&a), &Side::all(&b));
        assert_eq!(changes.len(), 1, "{changes:?}");
        let c = &changes[0];
        assert_eq!(c.kind, ChangeKind::ThresholdChanged);
        assert_eq!(c.groups, ["2"]);
        assert_eq!(c.years, Some((2028, 2030)));
        assert_eq!((&c.old, &c.new), (&Val::Num(70.0), &Val::Num(75.0)));
        // The same change in every group is said once.
        let c = version("c", &ind("1.1", "x", "50"));
        let d = version("d", &ind("1.1", "x", "55"));
        let changes = diff(&Side::all(&c), &Side::all(&d));
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0].groups, ["1", "2"]);
        assert_eq!(changes[0].years, Some((2026, 2030)));
        assert!(diff(&Side::all(&c), &Side::all(&c)).is_empty());
    }

    #[test]
    fn indicators_match_by_code_then_by_name() {
        let a = version(
            "a",
            &format!(
                "{}{}{}",
                ind("1.1", "Đường", "50"),
                ind("1.2", "Trường", "50"),
                ind("1.3", "Chợ", "50")
            ),
        );
        let b = version(
            "b",
            &format!(
                "{}{}{}",
                ind("1.1", "Đường xã", "50"),
                ind("1.4", "Trường", "50").replace("c1.4", "c1.2"),
                ind("1.5", "Nước", "50")
            ),
        );
        let kinds: Vec<(ChangeKind, Option<String>)> = diff(&Side::all(&a), &Side::all(&b))
            .into_iter()
            .map(|c| (c.kind, c.indicator))
            .collect();
        assert_eq!(
            kinds,
            [
                (ChangeKind::IndicatorRenamed, Some("1.1".into())),
                (ChangeKind::IndicatorRecoded, Some("1.4".into())),
                (ChangeKind::IndicatorAdded, Some("1.5".into())),
                (ChangeKind::IndicatorRemoved, Some("1.3".into())),
            ]
        );
    }

    #[test]
    fn moves_checks_kinds_and_flags_are_reported() {
        let a = version(
            "a",
            &format!(
                "{}\n[[criterion]]\nnumber = \"2\"\nname = \"Hai\"\n{}",
                ind("1.1", "x", "50"),
                ind("2.1", "y", "50")
            ),
        );
        // 1.9 is new, 1.1 moves to criterion 2, 2.1 becomes «nếu có» and gains a second check.
        let b = version(
            "b",
            &format!(
                "{}\n[[criterion]]\nnumber = \"2\"\nname = \"Hai\"\n{}{}  [[criterion.indicator.check]]\n  column = \"extra\"\n  kind = \"num\"\n  unit = \"ha\"\n  plausible = {{ min = 0, max = 10 }}\n  op = \">=\"\n  threshold = 1\n  verified = false\n",
                ind("1.9", "z", "50"),
                ind("1.1", "x", "50"),
                ind("2.1", "y", "50").replace("source =", "optional = true\nsource =")
            ),
        );
        let kinds: Vec<ChangeKind> = diff(&Side::all(&a), &Side::all(&b))
            .into_iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                ChangeKind::IndicatorAdded,
                ChangeKind::IndicatorMoved,
                ChangeKind::OptionalChanged,
                ChangeKind::CheckAdded,
            ]
        );
    }
}
