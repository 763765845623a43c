//! The CSV form of `diff`, for spreadsheets: one row per commune and indicator that changed (a
//! commune with no change has one row with the indicator columns empty). A merged commune has a row
//! of its own, then its parts' rows with `part_of` set. With `--districts`, the districts follow in
//! the same columns, and [`DISTRICT_COLUMNS`] are added at the end (`unit` = commune or district).

use std::io::{self, Write};

use super::{DiffReport, DistrictInfo};
use crate::eval::diff::district::{Communes, DistrictDiff};
use crate::eval::diff::{Cause, Change, Delta, Diff, Presence, UnitDiff};
use crate::eval::{CheckResult, IndicatorResult, UnitResult};
use crate::i18n::{Lang, num};
use crate::input::Value;

const HEADER: [&str; 24] = [
    "code",
    "name",
    "in",
    "old_code",
    "part_of",
    "level_before",
    "level_after",
    "change",
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

/// What the unit columns depend on: the set whose criteria met are shown, and each side's
/// thresholds year.
#[derive(Clone, Copy)]
struct Frame<'a> {
    target: &'a str,
    years: (i32, i32),
}

fn head(
    frame: Frame,
    code: &str,
    name: &str,
    (p, old_code, part_of): (&str, Option<&str>, Option<&str>),
    (b, a, c): (Option<&UnitResult>, Option<&UnitResult>, Option<Change>),
) -> Head {
    let met = |r: Option<&UnitResult>| r.and_then(|r| r.set(frame.target)).map(|s| s.criteria_met);
    Head {
        cells: vec![
            code.to_string(),
            name.to_string(),
            p.to_string(),
            opt(old_code),
            opt(part_of),
            opt(b.and_then(|r| r.level_reached.as_deref())),
            opt(a.and_then(|r| r.level_reached.as_deref())),
            opt(c.map(change)),
            opt(met(b)),
            opt(met(a)),
            opt(b.map(|_| frame.years.0)),
            opt(a.map(|_| frame.years.1)),
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
        &u.code,
        u.name(),
        (presence(u.presence), u.renamed_from(), None),
        (
            u.before.as_ref(),
            u.after.as_ref(),
            u.delta.as_ref().map(|d| d.change),
        ),
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
            &p.code,
            name,
            (found, None, Some(&u.code)),
            (
                p.before.as_ref(),
                u.after.as_ref(),
                p.delta.as_ref().map(|d| d.change),
            ),
        );
        match &p.delta {
            Some(d) => delta_rows(&h, d, rows),
            None => rows.push(with(&h, vec![String::new(); TAIL])),
        }
    }
}

/// The indicator columns (`kind` … `cause`, after the 12 unit columns): empty on a unit's row when
/// nothing changed.
const TAIL: usize = HEADER.len() - 12;

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
    let frame = Frame {
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
    let frame = Frame {
        target: &rep.target,
        years: (rep.before.threshold_year, rep.after.threshold_year),
    };
    let mut rows = Vec::new();
    for u in &diff.units {
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
