//! The criteria model: versions of criteria sets, their criteria, indicators, checks and thresholds.
//!
//! Everything here is loaded from TOML ([`load`]); the engine holds no threshold of its own.

pub mod catalog;
pub mod diff;
mod lint;
pub mod load;
pub mod select;
pub mod threshold;

use serde::Serialize;

use crate::i18n::{Lang, Text};
pub use threshold::{Resolved, Threshold};

/// A commune set or a district set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Commune,
    District,
}

/// The kind of value an input column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Đạt / Không đạt.
    Bool,
    /// A percentage, 0–100.
    Pct,
    /// A non-negative number with a unit.
    Num,
}

/// A comparison between a value and its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Op {
    #[serde(rename = ">=", alias = "≥")]
    Ge,
    #[serde(rename = "<=", alias = "≤")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "=")]
    Eq,
}

impl Op {
    #[inline]
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        // What computing a value or a threshold in floating point may leave (0.29 × 100 is
        // 28.999999999999996, 1.1 × 48 is 52.800000000000004): a few dozen units in the last place
        // of the larger, relative. Never more: a value typed 69,99999999999 is under 70 %, and an
        // absolute 1e-9 made it pass.
        let eps = 64.0 * f64::EPSILON * threshold.abs().max(value.abs()).max(1.0);
        match self {
            Op::Ge => value >= threshold - eps,
            Op::Le => value <= threshold + eps,
            Op::Gt => value > threshold + eps,
            Op::Lt => value < threshold - eps,
            Op::Eq => (value - threshold).abs() <= eps,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Le => "≤",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Eq => "=",
        }
    }

    /// How far `value` is from meeting the threshold, in the value's unit; 0 when it holds.
    pub fn shortfall(self, value: f64, threshold: f64) -> f64 {
        if self.holds(value, threshold) {
            return 0.0;
        }
        // Rounded so that 70 − 66.8 reads 3.2, not 3.2000000000000028.
        ((threshold - value).abs() * 1e6).round() / 1e6
    }
}

/// Where a check takes its value from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Input {
    /// A column of the data file.
    Column(String),
    /// Whether the same unit meets another set (kiểu mẫu's first condition).
    Meets(String),
    /// District: the share (%) of its communes that meet a commune set.
    ShareOfCommunesMeeting(String),
    /// District: the lowest value of a column among its communes (each commune's satisfaction must
    /// reach a threshold).
    MinOverCommunes(String),
}

impl Input {
    pub fn column(&self) -> Option<&str> {
        match self {
            Input::Column(c) => Some(c),
            _ => None,
        }
    }
}

/// A legal reference.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Source {
    pub decision: String,
    pub annex: Option<String>,
    pub item: Option<String>,
    /// A note on the source (`note`, `note_en` in the criteria file).
    pub note: Option<Text>,
}

impl Source {
    /// The reference as a reader sees it, in `lang`: `318/QĐ-TTg, PL I, 11; note` (`annex`
    /// in English).
    pub fn show(&self, lang: Lang) -> String {
        let mut s = self.decision.clone();
        if let Some(annex) = &self.annex {
            s.push_str(&format!(", {} {annex}", lang.pick("PL", "annex")));
        }
        if let Some(item) = &self.item {
            s.push_str(&format!(", {item}"));
        }
        if let Some(note) = &self.note {
            s.push_str(&format!("; {}", note.get(lang)));
        }
        s
    }
}

/// The values a column can hold in real data. A value outside is refused as a likely typing or unit
/// mistake (income typed in đồng, a percentage typed as a fraction), never read as it stands. These are
/// bounds of plausibility, not legal thresholds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plausible {
    pub min: f64,
    pub max: f64,
    /// Counts: whole numbers only.
    pub whole: bool,
    /// The likely mistake of a value above the range, said then (`có vẻ đã ghi bằng đồng…`).
    pub hint: Option<Text>,
}

impl Plausible {
    /// What a kind allows when the criteria say nothing more: 0–100 for a percentage, any
    /// non-negative number otherwise.
    pub fn of_kind(kind: Kind) -> Plausible {
        let max = match kind {
            Kind::Pct => 100.0,
            _ => f64::INFINITY,
        };
        Plausible {
            min: 0.0,
            max,
            whole: false,
            hint: None,
        }
    }

    pub fn contains(&self, v: f64) -> bool {
        (self.min..=self.max).contains(&v) && (!self.whole || v.fract() == 0.0)
    }
}

/// What one data column holds: its kind, unit and plausible values, the same in every set that reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnSpec {
    pub kind: Kind,
    pub unit: Option<Text>,
    pub plausible: Plausible,
}

/// One condition of an indicator: a value, a comparison and a threshold.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub input: Input,
    pub label: Option<Text>,
    pub kind: Kind,
    /// For `Num`: the unit (`triệu đồng/người/năm`).
    pub unit: Option<Text>,
    /// The values the column can plausibly hold, when the criteria say (see [`Version::column_spec`]).
    pub plausible: Option<Plausible>,
    /// `None` for `Bool` (must be Đạt) and for context columns.
    pub op: Option<Op>,
    pub threshold: Option<Threshold>,
    /// Read and shown, never judged (for example the number of schools).
    pub context: bool,
    pub verified: bool,
    pub note: Option<Text>,
}

impl Check {
    pub fn is_judged(&self) -> bool {
        !self.context
    }

    /// Whether this check holds a figure that is not yet verified against the legal text.
    pub fn is_unverified(&self) -> bool {
        !self.verified
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub code: String,
    pub name: Text,
    /// "nếu có": the data may mark it not applicable.
    pub optional: bool,
    pub source: Source,
    pub checks: Vec<Check>,
}

impl Indicator {
    /// An indicator is verified when every figure it holds is.
    pub fn verified(&self) -> bool {
        self.checks.iter().all(|c| c.verified)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub number: String,
    pub name: Text,
    pub verified: bool,
    pub indicators: Vec<Indicator>,
}

/// A commune group of a set whose thresholds vary by group (51/2025/QĐ-TTg: nhóm 1, 2, 3). A row's
/// group is read from the data column [`GROUP_COLUMN`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// As written in the data and in thresholds (`"1"`).
    pub id: String,
    pub name: Text,
}

/// The data column holding a commune's group, read as the row's identity (like `nam`) when the
/// version declares groups.
pub const GROUP_COLUMN: &str = "nhom_xa";

/// The group of `groups` that a data cell names (`2`, ` 2 `, `Nhóm 2`, `nhom 2`), or `None`. Only the word
/// «nhóm» (in any case, with or without accents) and spaces may surround the id: nothing is guessed.
pub fn find_group<'g>(groups: &'g [Group], written: &str) -> Option<&'g Group> {
    let folded = deunicode::deunicode(written.trim()).to_lowercase();
    let bare = folded
        .strip_prefix("nhom")
        .map_or(folded.as_str(), str::trim_start);
    groups
        .iter()
        .find(|g| deunicode::deunicode(g.id.trim()).to_lowercase() == bare)
}

/// One criteria set (xa-ntm, nang-cao, kieu-mau, huyen-ntm…).
#[derive(Debug, Clone, Serialize)]
pub struct CriteriaSet {
    pub id: String,
    pub level: Level,
    pub name: Text,
    /// A short name for table headers (`xã NTM`).
    pub short_name: Text,
    pub version: String,
    pub decision: String,
    pub decision_date: String,
    pub issuer: String,
    pub based_on: Vec<String>,
    pub valid_from: i32,
    pub valid_to: i32,
    pub region: String,
    /// The province whose set it is (`Lạng Sơn`), empty for a national set or when not said: the
    /// official unit lists (`units/`) are those of this province.
    pub province: String,
    pub requires: Vec<String>,
    /// Lower bounds of the groups by number of criteria met that the programme reports (19; 15–18…).
    pub progress_groups: Vec<usize>,
    /// The commune groups its thresholds may vary by (empty: one threshold for every commune).
    pub groups: Vec<Group>,
    pub criteria: Vec<Criterion>,
    pub recognition: Vec<Indicator>,
    /// The file it was loaded from, for messages.
    #[serde(skip)]
    pub file: String,
}

impl CriteriaSet {
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.criteria.iter().flat_map(|c| c.indicators.iter())
    }

    pub fn checks(&self) -> impl Iterator<Item = &Check> {
        self.indicators().flat_map(|i| i.checks.iter())
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.code == code)
    }

    pub fn unverified_count(&self) -> usize {
        self.checks().filter(|c| c.is_unverified()).count()
    }

    pub fn covers(&self, year: i32) -> bool {
        (self.valid_from..=self.valid_to).contains(&year)
    }

    /// The data columns this set reads, in criterion order, without repeats.
    pub fn columns(&self) -> Vec<&Check> {
        let mut seen = std::collections::HashSet::new();
        self.checks()
            .chain(self.recognition.iter().flat_map(|i| i.checks.iter()))
            .filter(|c| matches!(&c.input, Input::Column(col) if seen.insert(col.clone())))
            .collect()
    }
}

/// The data columns one or more versions read: what a data file is read against. A file may hold rows
/// of years scored by different versions, so it is read against all of them: every column any of
/// them reads, with its kind and unit (which must agree between versions: one column, one meaning) and
/// its plausible values (those of any version: each row is then judged by its own version's
/// thresholds).
#[derive(Debug, Clone)]
pub struct Schema {
    pub ids: Vec<String>,
    pub specs: Vec<ColumnSpec>,
    /// What the criteria call each column (parallel to `ids`), to read headers written with labels.
    pub names: Vec<ColumnNames>,
    /// Recognition columns (`no_xdcb`, `hai_long`…): their absence means "not assessed", not missing data.
    pub recognition: Vec<String>,
    /// The commune groups (read from [`GROUP_COLUMN`]) of the versions that declare some: the same in
    /// each, or the file cannot be read against them all.
    pub groups: Vec<Group>,
}

impl Schema {
    /// The columns of one version.
    pub fn of(version: &Version) -> Schema {
        Schema::of_versions(&[version]).unwrap_or_else(|_| Schema {
            ids: Vec::new(),
            specs: Vec::new(),
            names: Vec::new(),
            recognition: Vec::new(),
            groups: Vec::new(),
        })
    }

    /// The columns of several versions, or why one file cannot be read against them all.
    pub fn of_versions(versions: &[&Version]) -> Result<Schema, Text> {
        let mut ids: Vec<String> = Vec::new();
        let mut specs: Vec<ColumnSpec> = Vec::new();
        let mut recognition: Vec<String> = Vec::new();
        for v in versions {
            for col in v.all_columns() {
                let Some(spec) = v.column_spec(col) else {
                    continue;
                };
                match ids.iter().position(|c| c == col) {
                    None => {
                        ids.push(col.to_string());
                        specs.push(spec);
                    }
                    Some(i) => {
                        let known = &mut specs[i];
                        if known.kind != spec.kind
                            || known.unit.as_ref().map(|u| &u.vi)
                                != spec.unit.as_ref().map(|u| &u.vi)
                        {
                            let first = versions.first().map_or("", |f| f.id.as_str());
                            return Err(Text::new(
                                format!(
                                    "cột {col} mang hai nghĩa ở phiên bản {first} và {}: một tệp số liệu không đọc được theo cả hai; chọn một phiên bản bằng --criteria-version",
                                    v.id
                                ),
                                format!(
                                    "column {col} means different things in versions {first} and {}: one data file cannot be read against both; pick one with --criteria-version",
                                    v.id
                                ),
                            ));
                        }
                        let (a, b) = (&known.plausible, &spec.plausible);
                        known.plausible = Plausible {
                            min: a.min.min(b.min),
                            max: a.max.max(b.max),
                            whole: a.whole && b.whole,
                            hint: a.hint.clone().or_else(|| b.hint.clone()),
                        };
                    }
                }
            }
            for s in &v.sets {
                for c in s
                    .recognition
                    .iter()
                    .flat_map(|i| i.checks.iter())
                    .filter_map(|c| c.input.column())
                {
                    if !recognition.iter().any(|r| r == c) {
                        recognition.push(c.to_string());
                    }
                }
            }
        }
        let mut groups: Vec<Group> = Vec::new();
        let mut grouped_by = "";
        for v in versions.iter().filter(|v| !v.groups().is_empty()) {
            if groups.is_empty() {
                groups = v.groups().to_vec();
                grouped_by = &v.id;
            } else if v
                .groups()
                .iter()
                .map(|g| &g.id)
                .ne(groups.iter().map(|g| &g.id))
            {
                return Err(Text::new(
                    format!(
                        "cột {GROUP_COLUMN} (nhóm xã) mang hai nghĩa ở phiên bản {grouped_by} và {}: một tệp số liệu không đọc được theo cả hai; chọn một phiên bản bằng --criteria-version",
                        v.id
                    ),
                    format!(
                        "column {GROUP_COLUMN} (commune group) means different things in versions {grouped_by} and {}: one data file cannot be read against both; pick one with --criteria-version",
                        v.id
                    ),
                ));
            }
        }
        let mut names = vec![ColumnNames::default(); ids.len()];
        for v in versions {
            for s in &v.sets {
                let criteria = s
                    .criteria
                    .iter()
                    .flat_map(|c| c.indicators.iter().map(move |i| (Some(c), i)));
                let recognition = s.recognition.iter().map(|i| (None, i));
                for (criterion, ind) in criteria.chain(recognition) {
                    let columns: Vec<&Check> = ind
                        .checks
                        .iter()
                        .filter(|c| c.input.column().is_some())
                        .collect();
                    for check in &columns {
                        let Some(at) = check
                            .input
                            .column()
                            .and_then(|col| ids.iter().position(|c| c == col))
                        else {
                            continue;
                        };
                        names[at].add(criterion, ind, check.label.as_ref());
                    }
                }
            }
        }
        Ok(Schema {
            ids,
            specs,
            names,
            recognition,
            groups,
        })
    }
}

/// What the criteria call one data column: how a header written by hand can name it (see
/// `input::header`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnNames {
    /// The codes of the indicators that read the column, in every set (`2.3` for `2.3a`, `1.1` for
    /// nâng cao's `nc1.1`).
    pub codes: Vec<String>,
    /// The names that identify the column, in Vietnamese and English: the name of each indicator that
    /// reads it and, where the check has a label, the name followed by the label and the label alone.
    /// An indicator with several columns gives its bare name to each: a header with that name alone
    /// names none of them for sure.
    pub labels: Vec<String>,
    /// How the column is shown in a message: the first indicator's name, with the check's label.
    pub title: Text,
    /// The names of the criteria the column belongs to (`Thu nhập`): for suggestions only.
    pub criteria: Vec<String>,
}

impl ColumnNames {
    fn add(&mut self, criterion: Option<&Criterion>, ind: &Indicator, label: Option<&Text>) {
        let push = |v: &mut Vec<String>, s: &str| {
            let s = s.trim();
            if !s.is_empty() && !v.iter().any(|x| x == s) {
                v.push(s.to_string());
            }
        };
        push(&mut self.codes, &ind.code);
        for (name, part) in [
            (ind.name.vi.as_str(), label.map(|l| l.vi.as_str())),
            (ind.name.en.as_str(), label.map(|l| l.en.as_str())),
        ] {
            if name.trim().is_empty() {
                continue;
            }
            push(&mut self.labels, name);
            if let Some(part) = part.filter(|p| !p.trim().is_empty()) {
                push(&mut self.labels, &format!("{name} — {part}"));
                push(&mut self.labels, part);
            }
        }
        if let Some(c) = criterion {
            push(&mut self.criteria, &c.name.vi);
            push(&mut self.criteria, &c.name.en);
        }
        if self.title.vi.is_empty() {
            let with = |name: &str, part: Option<&str>| match part.filter(|p| !p.is_empty()) {
                Some(p) if !name.is_empty() => format!("{name} — {p}"),
                _ => name.to_string(),
            };
            self.title = Text::new(
                with(&ind.name.vi, label.map(|l| l.vi.as_str())),
                with(&ind.name.en, label.map(|l| l.en.as_str())),
            );
        }
    }
}

/// A version of the criteria: the sets issued together (`lang-son-2024`).
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub id: String,
    /// Where it came from: `bundled` or a folder.
    pub origin: String,
    pub sets: Vec<CriteriaSet>,
}

impl Version {
    pub fn set(&self, id: &str) -> Option<&CriteriaSet> {
        self.sets.iter().find(|s| s.id == id)
    }

    /// The province its sets name (`province` in `[set]`), if any: the first one given.
    pub fn province(&self) -> Option<&str> {
        self.sets
            .iter()
            .map(|s| s.province.as_str())
            .find(|p| !p.is_empty())
    }

    /// The commune sets in the order of the chain of levels (each after the sets it requires).
    pub fn commune_chain(&self) -> Vec<&CriteriaSet> {
        let communes: Vec<&CriteriaSet> = self
            .sets
            .iter()
            .filter(|s| s.level == Level::Commune)
            .collect();
        let mut ordered: Vec<&CriteriaSet> = Vec::new();
        while ordered.len() < communes.len() {
            let before = ordered.len();
            for s in &communes {
                if ordered.iter().any(|o| o.id == s.id) {
                    continue;
                }
                let ready = s
                    .requires
                    .iter()
                    .all(|r| ordered.iter().any(|o| &o.id == r));
                if ready {
                    ordered.push(s);
                }
            }
            if ordered.len() == before {
                break; // a cycle: the loader reports it
            }
        }
        ordered
    }

    /// The sets a set requires, directly or not, then the set itself, in evaluation order.
    pub fn closure(&self, id: &str) -> Vec<&CriteriaSet> {
        let mut out: Vec<&CriteriaSet> = Vec::new();
        self.visit(id, &mut out, 0);
        out
    }

    fn visit<'a>(&'a self, id: &str, out: &mut Vec<&'a CriteriaSet>, depth: usize) {
        if depth > self.sets.len() || out.iter().any(|s| s.id == id) {
            return;
        }
        if let Some(set) = self.set(id) {
            for r in &set.requires {
                self.visit(r, out, depth + 1);
            }
            if !out.iter().any(|s| s.id == id) {
                out.push(set);
            }
        }
    }

    /// The commune groups of the version: those its sets declare (the loader requires every set that
    /// declares groups to declare the same). Empty when no threshold varies by group.
    pub fn groups(&self) -> &[Group] {
        self.sets
            .iter()
            .find(|s| !s.groups.is_empty())
            .map_or(&[], |s| s.groups.as_slice())
    }

    /// The group of `written` (a data cell: `2`, ` 2 `, `Nhóm 2`), or `None` when it names none of the
    /// version's groups. Only the word «nhóm» (in any case, with or without accents) and spaces may
    /// surround the id.
    pub fn group_of(&self, written: &str) -> Option<&Group> {
        find_group(self.groups(), written)
    }

    /// The years every set of the version covers, as `(first, last)`.
    pub fn validity(&self) -> Option<(i32, i32)> {
        let from = self.sets.iter().map(|s| s.valid_from).min()?;
        let to = self.sets.iter().map(|s| s.valid_to).max()?;
        Some((from, to))
    }

    /// The columns that `sets` read, in their order, without repeats.
    pub fn columns_of<'s>(sets: &[&'s CriteriaSet]) -> Vec<&'s str> {
        let mut cols: Vec<&str> = Vec::new();
        for s in sets {
            for c in s.columns() {
                if let Some(col) = c.input.column()
                    && !cols.contains(&col)
                {
                    cols.push(col);
                }
            }
        }
        cols
    }

    /// The check that reads `column` in any set, for its kind and unit.
    pub fn column(&self, column: &str) -> Option<&Check> {
        self.sets
            .iter()
            .flat_map(|s| {
                s.checks()
                    .chain(s.recognition.iter().flat_map(|i| i.checks.iter()))
            })
            .find(|c| c.input.column() == Some(column))
    }

    /// What `column` holds: its kind and unit, and its plausible values (declared on any check that reads
    /// it, else what the kind allows). `None` for a column no set reads.
    pub fn column_spec(&self, column: &str) -> Option<ColumnSpec> {
        let checks: Vec<&Check> = self
            .sets
            .iter()
            .flat_map(|s| {
                s.checks()
                    .chain(s.recognition.iter().flat_map(|i| i.checks.iter()))
            })
            .filter(|c| c.input.column() == Some(column))
            .collect();
        let first = checks.first()?;
        let plausible = checks
            .iter()
            .find_map(|c| c.plausible.clone())
            .unwrap_or_else(|| Plausible::of_kind(first.kind));
        Some(ColumnSpec {
            kind: first.kind,
            unit: first.unit.clone(),
            plausible,
        })
    }

    /// Every column id any set reads.
    pub fn all_columns(&self) -> Vec<&str> {
        let mut cols: Vec<&str> = Vec::new();
        for s in &self.sets {
            for c in s.columns() {
                if let Some(col) = c.input.column()
                    && !cols.contains(&col)
                {
                    cols.push(col);
                }
            }
        }
        cols
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Floating point's own error is forgiven, a value typed short of the threshold never is.
    #[test]
    fn only_floating_points_error_is_forgiven() {
        assert!(Op::Ge.holds(0.29 * 100.0, 29.0));
        assert!(Op::Ge.holds(52.8, 1.1 * 48.0));
        assert!(Op::Eq.holds(0.1 + 0.2, 0.3));
        assert!(!Op::Ge.holds(69.999_999_999_99, 70.0));
        assert!(!Op::Ge.holds(41.999_999_999_5, 42.0));
        assert!(!Op::Le.holds(13.000_000_000_01, 13.0));
        assert!(!Op::Eq.holds(0.000_000_000_1, 0.0));
    }

    #[test]
    fn comparisons_hold_at_the_threshold() {
        assert!(Op::Ge.holds(70.0, 70.0));
        assert!(!Op::Ge.holds(69.99, 70.0));
        assert!(Op::Le.holds(13.0, 13.0));
        assert!(!Op::Le.holds(13.05, 13.0));
        assert!(!Op::Gt.holds(3.0, 3.0));
        assert!(Op::Gt.holds(4.0, 3.0));
        assert!((Op::Ge.shortfall(66.8, 70.0) - 3.2).abs() < 1e-9);
        assert_eq!(Op::Le.shortfall(10.0, 13.0), 0.0);
        assert!((Op::Le.shortfall(14.5, 13.0) - 1.5).abs() < 1e-9);
    }
}
