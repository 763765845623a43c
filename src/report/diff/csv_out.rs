//! The CSV form of `diff`, for spreadsheets: one row per commune and indicator that changed (a
//! commune with no change has one row with the indicator columns empty). A merged commune has a row
//! of its own (its before in `before_communes`: each old commune with its level), then its parts'
//! rows with `part_of` set (`relation` = `split_part` for a part of a split commune). With
//! `--districts`, the districts follow in the same columns, and [`DISTRICT_COLUMNS`] are added at the
//! end (`unit` = commune or district). A commune not compared because a row of it could not be read
//! has one row after the others: its code, `in` the side of that row, `change` = `not_compared`.

use std::io::{self, Write};

use super::{DiffReport, DistrictInfo};
use crate::eval::diff::district::{Communes, DistrictDiff};
use crate::eval::diff::{
    Cause, Change, Delta, Detail, Diff, LevelStatus, Part, Presence, Relation, UnitDiff,
};
use crate::eval::{CheckResult, IndicatorResult, UnitResult};
use crate::i18n::{Lang, num};
use crate::input::Value;

const HEADER: [&str; 28] = [
    "code",
    "name",
    "in",
    "old_code",
    "part_of",
    "level_before",
    "level_after",
    "change",
    "status_before",
    "status_after",
    "relation",
    "before_communes",
    "criteria_met_before",
    "criteria_met_after",
    "threshold_year_before",
    "threshold_year_after",
    "kind",
    "set",
    "criterion",
    "indicator",
    "input",
    "from",
    "to",
    "value_before",
    "value_after",
    "threshold_before",
    "threshold_after",
    "cause",
];

/// The columns added when districts are compared: empty on commune rows but `unit`.
const DISTRICT_COLUMNS: [&str; 5] = [
    "unit",
    "share_ntm_before",
    "share_ntm_after",
    "blocking_communes_before",
    "blocking_communes_after",
];

fn presence(p: Presence) -> &'static str {
    match p {
        Presence::Both => "both",
        Presence::Old => "old",
        Presence::New => "new",
    }
}

fn change(c: Change) -> &'static str {
    match c {
        Change::Gained => "gained",
        Change::Lost => "lost",
        Change::Unchanged => "unchanged",
        Change::Unknown => "unknown",
        Change::New => "new",
        Change::Gone => "gone",
    }
}

fn cause(c: Cause) -> &'static str {
    match c {
        Cause::Data => "data",
        Cause::Threshold => "threshold",
        Cause::Both => "both",
    }
}

fn value(v: Option<Value>) -> String {
    match v {
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Num(n)) => num(n, Lang::En),
        None => String::new(),
    }
}

fn threshold(c: Option<&CheckResult>) -> String {
    c.and_then(|c| c.threshold.as_ref())
        .map(|t| num(t.value, Lang::En))
        .unwrap_or_default()
}

fn main_check(i: Option<&IndicatorResult>) -> Option<&CheckResult> {
    i.and_then(|i| i.main_check())
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The unit columns (everything before `kind`).
struct Head {
    cells: Vec<String>,
}

/// What the unit columns depend on: the levels compared, the set whose criteria met are shown, and
/// each side's thresholds year.
#[derive(Clone, Copy)]
struct Frame<'a> {
    chain: &'a [&'a str],
    target: &'a str,
    years: (i32, i32),
}

impl Frame<'_> {
    /// The level surely held (`level_before`, `level_after`).
    fn level(&self, s: LevelStatus) -> Option<&str> {
        s.reached().and_then(|i| self.chain.get(i)).copied()
    }

    /// A standing in one word: the level id, `not_met`, `unknown`, `xa-ntm (higher unknown)`.
    fn standing(&self, s: LevelStatus) -> String {
        match (self.level(s), s.word()) {
            (Some(id), "reached_higher_unknown") => format!("{id} (higher unknown)"),
            (Some(id), _) => id.to_string(),
            (None, w) => w.to_string(),
        }
    }
}

fn relation(r: Relation) -> &'static str {
    match r {
        Relation::Same => "same",
        Relation::Renamed => "renamed",
        Relation::Merged => "merged",
        Relation::Split => "split",
        Relation::New => "new",
        Relation::Gone => "gone",
    }
}

/// A merged commune's old communes: `06475 Gia Lộc: xa-ntm; 06480 Bằng Hữu: not_met (split)`.
fn before_communes(frame: Frame, parts: &[Part]) -> String {
    let items: Vec<String> = parts
        .iter()
        .map(|p| {
            let mut item = match &p.before {
                Some(b) => format!("{} {}: {}", p.code, b.name, frame.standing(p.status)),
                None => match &p.official_name {
                    Some(n) => format!("{} {n} (missing)", p.code),
                    None => format!("{} (missing)", p.code),
                },
            };
            if p.split {
                item.push_str(" (split)");
            }
            item
        })
        .collect();
    items.join("; ")
}

/// What the unit columns of one row say.
struct Unit<'a> {
    code: &'a str,
    name: &'a str,
    presence: &'a str,
    old_code: Option<&'a str>,
    part_of: Option<&'a str>,
    status: (LevelStatus, LevelStatus),
    change: Option<Change>,
    relation: &'a str,
    before_communes: String,
    results: (Option<&'a UnitResult>, Option<&'a UnitResult>),
}

fn head(frame: Frame, u: Unit) -> Head {
    let met = |r: Option<&UnitResult>| r.and_then(|r| r.set(frame.target)).map(|s| s.criteria_met);
    let (b, a) = u.results;
    let (sb, sa) = u.status;
    Head {
        cells: vec![
            u.code.to_string(),
            u.name.to_string(),
            u.presence.to_string(),
            opt(u.old_code),
            opt(u.part_of),
            opt(frame.level(sb)),
            opt(frame.level(sa)),
            opt(u.change.map(change)),
            sb.word().to_string(),
            sa.word().to_string(),
            u.relation.to_string(),
            u.before_communes,
            opt(met(b)),
            opt(met(a)),
            opt((sb != LevelStatus::Absent).then_some(frame.years.0)),
            opt((sa != LevelStatus::Absent).then_some(frame.years.1)),
        ],
    }
}

fn with(head: &Head, tail: Vec<String>) -> Vec<String> {
    let mut row = head.cells.clone();
    row.extend(tail);
    row
}

fn delta_rows(head: &Head, d: &Delta, rows: &mut Vec<Vec<String>>) {
    let before = rows.len();
    for f in &d.flipped {
        let (b, a) = (f.check_before(), f.check_after());
        rows.push(with(
            head,
            vec![
                "flip".into(),
                f.set.to_string(),
                f.criterion.to_string(),
                f.code().to_string(),
                opt(b.map(|c| c.input.as_str())),
                f.before.status.as_str().into(),
                f.after.status.as_str().into(),
                value(b.and_then(|c| c.value)),
                value(a.and_then(|c| c.value)),
                threshold(b),
                threshold(a),
                cause(f.cause).into(),
            ],
        ));
    }
    for n in &d.not_compared {
        let (b, a) = (main_check(n.before.as_ref()), main_check(n.after.as_ref()));
        rows.push(with(
            head,
            vec![
                "not_compared".into(),
                n.set.to_string(),
                String::new(),
                n.code.to_string(),
                opt(b.or(a).map(|c| c.input.as_str())),
                opt(n.before.as_ref().map(|i| i.status.as_str())),
                opt(n.after.as_ref().map(|i| i.status.as_str())),
                value(b.and_then(|c| c.value)),
                value(a.and_then(|c| c.value)),
                threshold(b),
                threshold(a),
                String::new(),
            ],
        ));
    }
    if rows.len() == before {
        rows.push(with(head, vec![String::new(); TAIL]));
    }
}

fn unit_rows(frame: Frame, u: &UnitDiff, rows: &mut Vec<Vec<String>>) {
    let h = head(
        frame,
        Unit {
            code: &u.code,
            name: u.name(),
            presence: presence(u.presence),
            old_code: u.renamed_from(),
            part_of: None,
            status: u.status,
            change: Some(u.change),
            relation: relation(u.relation),
            before_communes: before_communes(frame, &u.parts),
            results: (u.before.as_ref(), u.after.as_ref()),
        },
    );
    match &u.delta {
        Some(d) => delta_rows(&h, d, rows),
        None => rows.push(with(&h, vec![String::new(); TAIL])),
    }
    for p in &u.parts {
        let name = p.before.as_ref().map_or("", |r| r.name.as_str());
        // A part is an old commune: compared with the new one, or missing from the old side.
        let found = if p.before.is_some() {
            "both"
        } else {
            "missing"
        };
        let h = head(
            frame,
            Unit {
                code: &p.code,
                name,
                presence: found,
                old_code: None,
                part_of: Some(&u.code),
                status: (p.status, u.status.1),
                change: p.delta.as_ref().map(|d| d.change),
                relation: if p.split { "split_part" } else { "part" },
                before_communes: String::new(),
                results: (p.before.as_ref(), u.after.as_ref()),
            },
        );
        match &p.delta {
            Some(d) => delta_rows(&h, d, rows),
            None => rows.push(with(&h, vec![String::new(); TAIL])),
        }
    }
}

/// The indicator columns (`kind` … `cause`, after the 16 unit columns): empty on a unit's row when
/// nothing changed.
const TAIL: usize = HEADER.len() - 16;

/// `87.5`.
fn share(c: Option<&Communes>) -> String {
    opt(c.and_then(|c| c.share_ntm).map(|s| num(s, Lang::En)))
}

/// The codes of the communes holding a district back, separated by spaces.
fn blocking(c: Option<&Communes>) -> String {
    c.map_or(String::new(), |c| {
        let codes: Vec<&str> = c.blocking.iter().map(|b| b.code.as_str()).collect();
        codes.join(" ")
    })
}

fn district_rows(info: &DistrictInfo, d: &DistrictDiff, rows: &mut Vec<Vec<String>>) {
    let chain: Vec<&str> = info.sets.iter().map(|s| s.id.as_str()).collect();
    let frame = Frame {
        chain: &chain,
        target: info.sets.last().map_or("", |s| s.id.as_str()),
        years: (info.before.threshold_year, info.after.threshold_year),
    };
    let before = rows.len();
    unit_rows(frame, &d.unit, rows);
    let (b, a) = (d.before.as_ref(), d.after.as_ref());
    for r in &mut rows[before..] {
        r.extend([
            "district".to_string(),
            share(b),
            share(a),
            blocking(b),
            blocking(a),
        ]);
    }
}

pub(super) fn write(rep: &DiffReport, diff: &Diff, out: &mut impl Write) -> io::Result<()> {
    let mut w = crate::report::CsvWriter::new(out);
    let districts = rep.districts.as_ref().zip(diff.districts.as_ref());
    let mut header = HEADER.to_vec();
    if districts.is_some() {
        header.extend(DISTRICT_COLUMNS);
    }
    w.write_record(&header)?;
    let chain: Vec<&str> = rep.sets.iter().map(|s| s.id.as_str()).collect();
    let frame = Frame {
        chain: &chain,
        target: &rep.target,
        years: (rep.before.threshold_year, rep.after.threshold_year),
    };
    let mut rows = Vec::new();
    diff.try_each_unit(Detail::Full, |u| {
        unit_rows(frame, u, &mut rows);
        for mut r in rows.drain(..) {
            if districts.is_some() {
                r.push("commune".into());
                r.extend(std::iter::repeat_n(
                    String::new(),
                    DISTRICT_COLUMNS.len() - 1,
                ));
            }
            w.write_record(&r)?;
        }
        Ok::<_, csv::Error>(())
    })?;
    // A commune not compared because a row of it could not be read (listed with its error): one
    // row, `change` = `not_compared`, `in` = the side of that row; never left out.
    for (code, side) in &rep.skipped {
        let r: Vec<&str> = header
            .iter()
            .map(|h| match *h {
                "code" => code.as_str(),
                "in" => presence(*side),
                "change" => "not_compared",
                "unit" => "commune",
                _ => "",
            })
            .collect();
        w.write_record(&r)?;
    }
    if let Some((info, dd)) = districts {
        for d in &dd.units {
            district_rows(info, d, &mut rows);
            for r in rows.drain(..) {
                w.write_record(&r)?;
            }
        }
    }
    w.flush()
}
