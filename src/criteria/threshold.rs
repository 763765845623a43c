//! Thresholds: fixed, dated by year, per commune group, derived from another set's figure, or chosen by
//! a condition.

use serde::Serialize;

use super::{Op, Version};
use crate::i18n::Text;

/// A case of a conditional threshold: `threshold` applies when `column op value` holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub column: String,
    pub op: Op,
    pub value: f64,
    pub threshold: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    Fixed(f64),
    /// Dated values, sorted by year: the value in force for a year is the newest dated on or before it.
    ByYear(Vec<(i32, f64)>),
    /// Another set's threshold for the same year, times a factor.
    From {
        set: String,
        indicator: String,
        factor: f64,
    },
    /// The first case whose condition holds, else `otherwise`.
    When {
        cases: Vec<Case>,
        otherwise: Box<Threshold>,
    },
    /// One threshold per commune group (`nhóm 1, 2, 3` of the 2026–2030 set), in the order the set
    /// declares its groups; each is `Fixed` or `ByYear`. The row's group picks one.
    ByGroup(Vec<(String, Threshold)>),
}

/// How a threshold was obtained for one year and one unit's data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resolved {
    pub value: f64,
    /// For dated values: the year of the value used.
    pub dated: Option<i32>,
    /// For derived values: `(set, indicator, base value, factor)`.
    pub derived: Option<(String, String, f64, f64)>,
    /// For derived values: the name of the set it is derived from, for prose.
    #[serde(skip)]
    pub derived_from: Option<Text>,
    /// For conditional values: the condition that chose it (`5n > 3`), or `otherwise`.
    pub case: Option<String>,
    /// For values by commune group: the group whose value was used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl Resolved {
    fn plain(value: f64) -> Self {
        Resolved {
            value,
            dated: None,
            derived: None,
            derived_from: None,
            case: None,
            group: None,
        }
    }
}

/// Why a threshold could not be resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Unresolved {
    /// The year is before the first dated value.
    NoValueForYear(i32),
    /// The column a condition reads has no value for this unit.
    MissingCondition(String),
    /// A derived threshold names something that does not exist (the loader prevents this).
    BadReference(String),
    /// The threshold depends on the commune group and the row has none.
    MissingGroup,
    /// The row's group is not one the threshold knows (the reader and the loader prevent this).
    UnknownGroup(String),
}

impl Threshold {
    /// The threshold in force for `year`. `lookup` gives the unit's value of a column, for conditions.
    /// A threshold by commune group is [`Unresolved::MissingGroup`] here: see [`Threshold::resolve_in`].
    pub fn resolve(
        &self,
        year: i32,
        version: &Version,
        lookup: &dyn Fn(&str) -> Option<f64>,
    ) -> Result<Resolved, Unresolved> {
        self.resolve_depth(year, None, version, lookup, 0)
    }

    /// The threshold in force for `year` and a unit of commune group `group` (`None`: not known).
    pub fn resolve_in(
        &self,
        year: i32,
        group: Option<&str>,
        version: &Version,
        lookup: &dyn Fn(&str) -> Option<f64>,
    ) -> Result<Resolved, Unresolved> {
        self.resolve_depth(year, group, version, lookup, 0)
    }

    fn resolve_depth(
        &self,
        year: i32,
        group: Option<&str>,
        version: &Version,
        lookup: &dyn Fn(&str) -> Option<f64>,
        depth: usize,
    ) -> Result<Resolved, Unresolved> {
        if depth > 8 {
            return Err(Unresolved::BadReference("threshold_from cycle".into()));
        }
        match self {
            Threshold::Fixed(v) => Ok(Resolved::plain(*v)),
            Threshold::ByYear(values) => values
                .iter()
                .rev()
                .find(|(y, _)| *y <= year)
                .map(|(y, v)| Resolved {
                    dated: Some(*y),
                    ..Resolved::plain(*v)
                })
                .ok_or(Unresolved::NoValueForYear(year)),
            Threshold::From {
                set,
                indicator,
                factor,
            } => {
                let base = version
                    .set(set)
                    .and_then(|s| s.indicator(indicator))
                    .and_then(|i| i.checks.iter().find_map(|c| c.threshold.as_ref()))
                    .ok_or_else(|| Unresolved::BadReference(format!("{set}:{indicator}")))?;
                let r = base.resolve_depth(year, group, version, lookup, depth + 1)?;
                Ok(Resolved {
                    value: round6(r.value * factor),
                    dated: r.dated,
                    derived: Some((set.clone(), indicator.clone(), r.value, *factor)),
                    derived_from: version.set(set).map(|s| s.short_name.clone()),
                    case: None,
                    group: r.group,
                })
            }
            Threshold::When { cases, otherwise } => {
                for case in cases {
                    let v = lookup(&case.column)
                        .ok_or_else(|| Unresolved::MissingCondition(case.column.clone()))?;
                    if case.op.holds(v, case.value) {
                        return Ok(Resolved {
                            case: Some(case.describe()),
                            ..Resolved::plain(case.threshold)
                        });
                    }
                }
                let mut r = otherwise.resolve_depth(year, group, version, lookup, depth + 1)?;
                r.case = Some(
                    cases
                        .iter()
                        .map(|c| format!("¬({})", c.describe()))
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                Ok(r)
            }
            Threshold::ByGroup(values) => {
                let g = group.ok_or(Unresolved::MissingGroup)?;
                let (id, t) = values
                    .iter()
                    .find(|(id, _)| id == g)
                    .ok_or_else(|| Unresolved::UnknownGroup(g.to_string()))?;
                let mut r = t.resolve_depth(year, group, version, lookup, depth + 1)?;
                r.group = Some(id.clone());
                Ok(r)
            }
        }
    }

    /// Whether the value depends on the commune group (directly, through a condition's fallback, or
    /// through the threshold it is derived from).
    pub fn by_group(&self, version: &Version) -> bool {
        self.by_group_depth(version, 0)
    }

    fn by_group_depth(&self, version: &Version, depth: usize) -> bool {
        match self {
            Threshold::ByGroup(_) => true,
            Threshold::When { otherwise, .. } => otherwise.by_group_depth(version, depth + 1),
            Threshold::From { set, indicator, .. } if depth < 8 => version
                .set(set)
                .and_then(|s| s.indicator(indicator))
                .and_then(|i| i.checks.iter().find_map(|c| c.threshold.as_ref()))
                .is_some_and(|t| t.by_group_depth(version, depth + 1)),
            _ => false,
        }
    }

    /// Every value this threshold can take for `year`, whatever its conditions' columns hold and
    /// whatever the unit's commune group.
    pub fn candidates(&self, year: i32, version: &Version) -> Vec<f64> {
        self.candidates_in(year, None, version)
    }

    /// Every value this threshold can take for `year` and a unit of `group` (`None`: any group),
    /// whatever its conditions' columns hold.
    pub fn candidates_in(&self, year: i32, group: Option<&str>, version: &Version) -> Vec<f64> {
        match self {
            Threshold::When { cases, otherwise } => {
                let mut all: Vec<f64> = cases.iter().map(|c| c.threshold).collect();
                all.extend(otherwise.candidates_in(year, group, version));
                all
            }
            Threshold::ByGroup(values) => values
                .iter()
                .filter(|(id, _)| group.is_none_or(|g| g == id))
                .flat_map(|(_, t)| t.candidates_in(year, group, version))
                .collect(),
            t => match group {
                Some(g) => t.resolve_in(year, Some(g), version, &|_| None),
                // A value derived from a threshold by group: one per group of the version.
                None if t.by_group(version) => {
                    let all: Vec<f64> = version
                        .groups()
                        .iter()
                        .filter_map(|g| {
                            t.resolve_in(year, Some(&g.id), version, &|_| None)
                                .ok()
                                .map(|r| r.value)
                        })
                        .collect();
                    return all;
                }
                None => t.resolve(year, version, &|_| None),
            }
            .map(|r| vec![r.value])
            .unwrap_or_default(),
        }
    }

    /// The columns this threshold's conditions read.
    pub fn condition_columns(&self) -> Vec<&str> {
        match self {
            Threshold::When { cases, .. } => cases.iter().map(|c| c.column.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

impl Case {
    pub fn describe(&self) -> String {
        format!(
            "{} {} {}",
            self.column,
            self.op.symbol(),
            crate::i18n::num(self.value, crate::i18n::Lang::En)
        )
    }
}

/// Round away floating-point noise (1.1 × 48 = 52.800000000000004).
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Version {
        Version {
            id: "t".into(),
            origin: "test".into(),
            sets: vec![],
        }
    }

    #[test]
    fn dated_values_use_the_newest_on_or_before_the_year() {
        let t = Threshold::ByYear(vec![(2022, 36.0), (2023, 39.0), (2024, 42.0)]);
        let v = empty();
        let none = |_: &str| None;
        assert_eq!(t.resolve(2023, &v, &none).unwrap().value, 39.0);
        assert_eq!(t.resolve(2023, &v, &none).unwrap().dated, Some(2023));
        assert_eq!(t.resolve(2030, &v, &none).unwrap().value, 42.0);
        assert_eq!(
            t.resolve(2021, &v, &none),
            Err(Unresolved::NoValueForYear(2021))
        );
    }

    #[test]
    fn conditional_thresholds_read_another_column() {
        let t = Threshold::When {
            cases: vec![Case {
                column: "5n".into(),
                op: Op::Gt,
                value: 3.0,
                threshold: 70.0,
            }],
            otherwise: Box::new(Threshold::Fixed(50.0)),
        };
        let v = empty();
        assert_eq!(t.resolve(2024, &v, &|_| Some(4.0)).unwrap().value, 70.0);
        assert_eq!(t.resolve(2024, &v, &|_| Some(3.0)).unwrap().value, 50.0);
        assert_eq!(
            t.resolve(2024, &v, &|_| None),
            Err(Unresolved::MissingCondition("5n".into()))
        );
    }
}
