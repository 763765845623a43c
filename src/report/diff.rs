//! `diff` results: a table per commune, the indicators that turned with both values and thresholds,
//! and the summary then and now, then the same for districts when they were compared; or the same as
//! JSON, CSV or Markdown.

mod csv_out;
mod district;
mod doc;
mod html;
mod json;
mod summary;
mod xlsx;

use doc::{Big, Cell, Doc, Keep, Rows};

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::{self, Write};

use super::grid::{Grid, Tint};

use super::text::{self, UNVERIFIED};
use super::{Format, Style, md_table};
use crate::criteria::{Check, CriteriaSet, Indicator, Version};
use crate::diag::Problem;
use crate::eval::diff::{
    Cause, Change, Delta, Detail, Diff, Flip, LevelStatus, NotCompared, Part, Presence, UnitDiff,
};
use crate::eval::{CheckResult, Status, UnitResult, Verdict};
use crate::i18n::Lang;

pub use crate::eval::diff::{DistrictInfo, SideInfo};

/// What a `diff` run compared and how.
pub struct DiffReport<'a> {
    pub version: &'a Version,
    /// The sets evaluated, prerequisites first.
    pub sets: Vec<&'a CriteriaSet>,
    /// The level asked (`xa-ntm`…, or `all`).
    pub level: String,
    /// The set whose criteria met are compared (the level asked; the first of the chain for `all`).
    pub target: String,
    pub before: SideInfo,
    pub after: SideInfo,
    /// `--same-year Y`: both sides scored with year Y's thresholds.
    pub same_year: Option<i32>,
    pub map: Option<crate::pipeline::diff::MapFollowed>,
    /// Units left out because their row on one side could not be read: `(code, side)`.
    pub skipped: Vec<(String, Presence)>,
    /// The district files compared (`--districts`), if any.
    pub districts: Option<DistrictInfo<'a>>,
    /// The date of the run, for the reports an office prints and files (HTML, Excel).
    pub date: Option<crate::report::print::RunDate>,
    /// The indicators of the sets compared, by set and code, found once (`Default::default()`):
    /// the tables of indicators name one on every row.
    pub index: Index,
}

/// Where the indicators of a report's sets are, by set id and code (the set's position, the
/// criterion's and the indicator's), made the first time one is looked for.
#[derive(Default)]
pub struct Index(
    OnceCell<HashMap<String, SetAt, Quick>>,
    /// The text of the plain thresholds shown (a check's, a value and its year): they repeat on
    /// every row of the check.
    RefCell<HashMap<ThresholdKey, String, Quick>>,
);

/// A set's position among the report's sets, and its indicators' (criterion, indicator) by code.
type SetAt = (usize, HashMap<String, (usize, usize), Quick>);

/// A check's definition (by address), its comparison, a threshold's value and year, and whether
/// in Vietnamese.
type ThresholdKey = (usize, &'static str, u64, Option<i32>, bool);

pub(super) use crate::Quick;

impl DiffReport<'_> {
    /// A commune or district set compared.
    fn set_def(&self, id: &str) -> Option<&CriteriaSet> {
        let districts = self.districts.iter().flat_map(|d| d.sets.iter());
        self.sets
            .iter()
            .chain(districts)
            .copied()
            .find(|s| s.id == id)
    }

    fn short(&self, id: &str, lang: Lang) -> String {
        self.short_str(id, lang).to_string()
    }

    /// A set's short name, or its id when it is not defined.
    fn short_str<'s>(&'s self, id: &'s str, lang: Lang) -> &'s str {
        self.set_def(id).map_or(id, |s| s.short_name.get(lang))
    }

    fn check_def(&self, set: &str, indicator: &str, i: usize) -> Option<&Check> {
        self.indicator_def(set, indicator)?.checks.get(i)
    }

    /// Every set compared: the commune sets, then the district sets.
    fn all_sets(&self) -> impl Iterator<Item = &CriteriaSet> {
        let districts = self.districts.iter().flat_map(|d| d.sets.iter());
        self.sets.iter().chain(districts).copied()
    }

    /// Indicator `code` of set `set`: `set_def(set)?.indicator(code)`, found in the index.
    fn indicator_def(&self, set: &str, code: &str) -> Option<&Indicator> {
        let (n, k, j) = self.indicator_at(set, code)?;
        self.all_sets().nth(n)?.criteria.get(k)?.indicators.get(j)
    }

    /// Where indicator `code` of set `set` is: the set's position among [`DiffReport::all_sets`],
    /// its criterion's and its own.
    fn indicator_at(&self, set: &str, code: &str) -> Option<(usize, usize, usize)> {
        let (n, codes) = self.set_at(set)?;
        let (k, j) = codes.get(code)?;
        Some((*n, *k, *j))
    }

    /// Where set `set` is among [`DiffReport::all_sets`], and where its indicators are by code.
    fn set_at(&self, set: &str) -> Option<&SetAt> {
        let index = self.index.0.get_or_init(|| {
            let mut index = HashMap::default();
            for (n, s) in self.all_sets().enumerate() {
                // The first set of an id is the one `set_def` finds; the first indicator of a code
                // the one `CriteriaSet::indicator` finds.
                if let Entry::Vacant(v) = index.entry(s.id.clone()) {
                    let mut codes = HashMap::default();
                    for (k, c) in s.criteria.iter().enumerate() {
                        for (j, i) in c.indicators.iter().enumerate() {
                            codes.entry(i.code.clone()).or_insert((k, j));
                        }
                    }
                    v.insert((n, codes));
                }
            }
            index
        });
        index.get(set)
    }

    /// A file as the report names it: as given, or without its folders in a printed report.
    fn shown(&self, path: &str, printed: bool) -> String {
        if printed {
            super::print::file_name(path)
        } else {
            path.to_string()
        }
    }

    /// `2023`, or `trước (2024)` when both sides hold the same year.
    fn label(&self, old: bool, lang: Lang) -> String {
        let side = if old { &self.before } else { &self.after };
        if self.before.year != self.after.year {
            side.year.to_string()
        } else if old {
            format!("{} ({})", lang.pick("trước", "before"), side.year)
        } else {
            format!("{} ({})", lang.pick("sau", "after"), side.year)
        }
    }
}

/// Write the whole report in `format` to `out`. Every format but Excel is written as it is made:
/// the tables of one row per unit or per indicator are made from the comparison's units when they
/// are written, never held.
pub fn write(
    rep: &DiffReport,
    diff: &Diff,
    problems: &[Problem],
    format: Format,
    style: &Style,
    mut out: impl Write,
) -> io::Result<()> {
    // A screen gets narrow tables of indicators, each named once in a legend; a printed page and a
    // spreadsheet say what each is about on its row.
    let wide = !matches!(format, Format::Table | Format::Md);
    let rows = UnitRows::new(rep, diff, style.lang, wide);
    match format {
        Format::Json => json::write(rep, diff, problems, false, &mut out)?,
        Format::Csv => csv_out::write(rep, diff, &mut out)?,
        Format::Html => html::write(
            rep,
            document(rep, diff, style.lang, true, wide),
            style,
            &rows,
            &mut out,
        )?,
        Format::Xlsx => out.write_all(
            &xlsx::workbook(rep, diff, style.lang).map_err(|e| io::Error::other(e.to_string()))?,
        )?,
        Format::Table | Format::Md => document(rep, diff, style.lang, false, wide)
            .write_text(format, style, &rows, &mut out)?,
    }
    out.flush()
}

/// Whether `diff --summary` has `format`: a text table, Markdown or JSON (the command line refuses
/// the others before the comparison; [`write_summary`] writes none of them).
pub fn has_summary(format: Format) -> bool {
    matches!(format, Format::Table | Format::Md | Format::Json)
}

/// `diff --summary`: the report's heading and summary, the units counted by how their level moved
/// and the indicators by how often they turned, without a row per unit or per indicator; as a text
/// table, Markdown or JSON (`None` for another format, which has no summary of its own).
pub fn write_summary(
    rep: &DiffReport,
    diff: &Diff,
    problems: &[Problem],
    format: Format,
    style: &Style,
    mut out: impl Write,
) -> Option<io::Result<()>> {
    let lang = style.lang;
    let done = match format {
        Format::Json => json::write(rep, diff, problems, true, &mut out),
        Format::Table | Format::Md => {
            let mut doc = Doc::default();
            heading(rep, lang, false, &mut doc);
            summary::counts(rep, diff, lang, &mut doc);
            if let (Some(info), Some(dd)) = (&rep.districts, &diff.districts) {
                district::section(rep, info, dd, (lang, false, false), &mut doc);
            }
            doc.text(summary::notes(rep, diff, lang));
            let rows = UnitRows::new(rep, diff, lang, false);
            doc.write_text(format, style, &rows, &mut out)
        }
        _ => return None,
    };
    Some(done.and_then(|()| out.flush()))
}

type Row = Vec<(String, Option<Tint>)>;

/// The rows of the tables made from the comparison's units.
struct UnitRows<'r, 'a> {
    rep: &'r DiffReport<'a>,
    diff: &'r Diff<'r>,
    lang: Lang,
    /// Rows of indicators that turned say what each is about (else a legend does: [`legend`]).
    wide: bool,
    /// The indicators the narrow rows named, for their legend (in its order when it is written: a
    /// million rows are kept in a set cheaper to add to).
    named: RefCell<HashSet<LegendKey, Quick>>,
}

/// A unit's code as the tables of indicators show it: `06475`, or `06470 → 06475` when renamed.
fn shown_code(u: &UnitDiff) -> Cow<'_, str> {
    u.renamed_from()
        .map_or(Cow::Borrowed(u.code.as_str()), |o| {
            Cow::Owned(format!("{o} → {}", u.code))
        })
}

/// An old commune of a merged one, as the tables of indicators show it.
fn part_code<'u>(u: &'u UnitDiff, p: &'u Part) -> Cow<'u, str> {
    if p.code == u.code {
        Cow::Borrowed(p.code.as_str())
    } else {
        Cow::Owned(format!("{} → {}", p.code, u.code))
    }
}

impl<'r, 'a> UnitRows<'r, 'a> {
    fn new(rep: &'r DiffReport<'a>, diff: &'r Diff<'r>, lang: Lang, wide: bool) -> Self {
        UnitRows {
            rep,
            diff,
            lang,
            wide,
            named: RefCell::default(),
        }
    }

    /// The rows of the tables in `kinds` for one unit.
    fn of_unit(
        &self,
        u: &UnitDiff,
        kinds: &[Big],
        f: &mut dyn FnMut(Big, Row) -> io::Result<()>,
    ) -> io::Result<()> {
        let (rep, lang) = (self.rep, self.lang);
        if kinds.contains(&Big::Communes) {
            f(Big::Communes, unit_row(rep, u, lang))?;
            for p in &u.parts {
                f(Big::Communes, part_row(rep, u, p, lang))?;
            }
        }
        let (flips, one_sided) = (kinds.contains(&Big::Flips), kinds.contains(&Big::OneSided));
        if !flips && !one_sided {
            return Ok(());
        }
        for (code, name, d) in deltas(u) {
            if flips {
                for fl in &d.flipped {
                    if !self.wide
                        && let Some(key) = legend_key(rep, &fl.set, fl.code(), fl.check)
                    {
                        self.named.borrow_mut().insert(key);
                    }
                    f(Big::Flips, flip_row(rep, &code, name, fl, lang, self.wide))?;
                }
            }
            if one_sided {
                for n in &d.not_compared {
                    f(Big::OneSided, one_sided_row(rep, &code, name, n, lang))?;
                }
            }
        }
        Ok(())
    }
}

/// A unit's changes, with the code and name its rows show: the unit's own, then each of its parts'
/// (a merged commune's former communes).
fn deltas(u: &UnitDiff) -> impl Iterator<Item = (Cow<'_, str>, &str, &Delta)> {
    let own = u.delta.iter().map(|d| (shown_code(u), u.name(), d));
    let parts = u.parts.iter().filter_map(|p| {
        let d = p.delta.as_ref()?;
        let name = p.before.as_ref().map_or("", |b| b.name.as_str());
        Some((part_code(u, p), name, d))
    });
    own.chain(parts)
}

impl UnitRows<'_, '_> {
    /// The rows of a unit in the narrow table of indicators that turned, as [`of_unit`] makes them
    /// ([`flip_row`]), handed to `keep` cell by cell: each cell but the code and the name under a
    /// key that makes its text (a set, an indicator's check, a value of a check, a plain
    /// threshold, a direction, a cause), so that repeated cells are neither formatted nor hashed
    /// as text again.
    ///
    /// [`of_unit`]: UnitRows::of_unit
    fn flip_cells(&self, u: &UnitDiff, keep: &mut dyn Keep) {
        let (rep, lang) = (self.rep, self.lang);
        // The set of the flip before, looked for once for its flips (they come set by set).
        let mut last: Option<(&str, Option<&SetAt>)> = None;
        for (code, name, d) in deltas(u) {
            for (i, fl) in d.flipped.iter().enumerate() {
                let set = match last {
                    Some((id, at)) if id == fl.set => at,
                    _ => {
                        let at = rep.set_at(&fl.set);
                        last = Some((&fl.set, at));
                        at
                    }
                };
                let found = set.and_then(|(n, codes)| Some((*n, codes.get(fl.code())?)));
                let Some((n, &(k, j))) = found else {
                    keep.row(Big::Flips, flip_row(rep, &code, name, fl, lang, false));
                    continue;
                };
                // The indicator found once: `indicator_def`, `check_def` and `legend_key` by
                // their position.
                let ind = rep
                    .all_sets()
                    .nth(n)
                    .and_then(|x| x.criteria.get(k))
                    .and_then(|c| c.indicators.get(j));
                let several = ind.is_some_and(|i| i.checks.len() > 1);
                self.named
                    .borrow_mut()
                    .insert((n, k, j, if several { fl.check } else { 0 }));
                let def = ind.and_then(|i| i.checks.get(fl.check));
                let (b, a) = (fl.check_before(), fl.check_after());
                let up = fl.after.status == Status::Pass;
                let indicator = ((n as u64) << 42) | ((k as u64) << 21) | j as u64;
                let mut set = || (rep.short(&fl.set, lang), None);
                let mut check = || (flip_code(rep, &fl.set, fl.code(), fl.check), None);
                let mut vb = || (value_cell(b, def, lang), None);
                let mut va = || (value_cell(a, def, lang), None);
                let mut tb = || (threshold_cell(rep, b, def, lang), None);
                let mut ta = || (threshold_cell(rep, a, def, lang), None);
                let mut dir = || {
                    let (text, tint) = direction(up, lang);
                    (text.to_string(), Some(tint))
                };
                let mut cause = || (cause_text(fl, lang), None);
                // A threshold that is not plain (derived, a case, a group's) is its own text.
                let (tbk, tak) = (threshold_key(b, def), threshold_key(a, def));
                let tbs = tbk.is_none().then(|| threshold_cell(rep, b, def, lang));
                let tas = tak.is_none().then(|| threshold_cell(rep, a, def, lang));
                // The rows of one unit (or part) repeat its code and name.
                let (code, name) = if i == 0 {
                    (Cell::Text(&code, None), Cell::Text(name, None))
                } else {
                    (Cell::Above, Cell::Above)
                };
                let mut cells = [
                    code,
                    name,
                    Cell::Keyed([n as u64, 0, 0, 0], &mut set),
                    Cell::Keyed([indicator, fl.check as u64, 0, 0], &mut check),
                    Cell::Keyed(value_key(b, def), &mut vb),
                    Cell::Keyed(value_key(a, def), &mut va),
                    threshold_cell_of(tbk, &tbs, &mut tb),
                    threshold_cell_of(tak, &tas, &mut ta),
                    Cell::Keyed([u64::from(up), 0, 0, 0], &mut dir),
                    Cell::Keyed(cause_key(fl), &mut cause),
                ];
                keep.cells(Big::Flips, &mut cells);
            }
        }
    }
}

/// The address of a check's definition, as a key: the cells made from it are the same for the
/// same definition.
fn def_key(def: &Check) -> u64 {
    std::ptr::from_ref(def) as usize as u64
}

/// What [`value_cell`] writes depends on: the check's definition and the value read.
fn value_key(ch: Option<&CheckResult>, def: Option<&Check>) -> [u64; 4] {
    match (ch, def) {
        (Some(ch), Some(def)) => {
            let (tag, bits) = match ch.value {
                None => (1, 0),
                Some(crate::input::Value::Bool(b)) => (2, u64::from(b)),
                Some(crate::input::Value::Num(x)) => (3, x.to_bits()),
            };
            [def_key(def), tag, bits, 0]
        }
        _ => [0; 4],
    }
}

/// Whether a threshold's cell says only its value and year (it is not derived, nor a case's, nor a
/// group's): then its text depends on nothing else, and the tables keep it once.
fn says_only_itself(r: &crate::criteria::threshold::Resolved) -> bool {
    r.derived.is_none() && r.case.is_none() && r.group.is_none()
}

/// What [`threshold_cell`] writes depends on, when it says only a definition's requirement or a
/// plain value and its year; `None` for a derived threshold, a case's or a group's.
fn threshold_key(ch: Option<&CheckResult>, def: Option<&Check>) -> Option<[u64; 4]> {
    let (Some(ch), Some(def)) = (ch, def) else {
        return Some([0; 4]);
    };
    match (ch.op, &ch.threshold) {
        (Some(op), Some(r)) => {
            if !says_only_itself(r) {
                return None;
            }
            let year = r.dated.map_or(0, |y| (1 << 32) | u64::from(y as u32));
            // A symbol's address is never 1 or 2 (the words below).
            let op = op.symbol().as_ptr() as usize as u64;
            Some([def_key(def), op, r.value.to_bits(), year])
        }
        (op, _) => Some([def_key(def), 1 + u64::from(op.is_none()), 0, 0]),
    }
}

/// A threshold's cell: by its key, else its own text.
fn threshold_cell_of<'a>(
    key: Option<[u64; 4]>,
    text: &'a Option<String>,
    make: &'a mut dyn FnMut() -> (String, Option<Tint>),
) -> Cell<'a> {
    match key {
        Some(key) => Cell::Keyed(key, make),
        None => Cell::Text(text.as_deref().unwrap_or_default(), None),
    }
}

/// What [`cause_text`] writes depends on: the cause, and for the threshold alone the years of
/// both thresholds.
fn cause_key(f: &Flip) -> [u64; 4] {
    let year = |c: Option<&CheckResult>| {
        c.and_then(|c| c.threshold.as_ref())
            .and_then(|t| t.dated)
            .map_or(0, |y| (1 << 32) | u64::from(y as u32))
    };
    match f.cause {
        Cause::Data => [0; 4],
        Cause::Both => [1, 0, 0, 0],
        Cause::Threshold => [2, year(f.check_before()), year(f.check_after()), 0],
    }
}

/// Whether a unit has rows in the tables of indicators.
fn has_rows(u: &UnitDiff, kind: Big) -> bool {
    let deltas = u
        .delta
        .iter()
        .chain(u.parts.iter().filter_map(|p| p.delta.as_ref()));
    match kind {
        Big::Communes => true,
        Big::Flips => deltas.into_iter().any(|d| !d.flipped.is_empty()),
        Big::OneSided => deltas.into_iter().any(|d| !d.not_compared.is_empty()),
    }
}

impl Rows for UnitRows<'_, '_> {
    fn each(&self, kind: Big, f: &mut dyn FnMut(Row) -> io::Result<()>) -> io::Result<()> {
        let mut g = |_: Big, row: Row| f(row);
        // The units by code and status first; an indicator's values and thresholds are built only
        // for the units that have rows in its table.
        match kind {
            Big::Communes => {
                for u in self.diff.units_with(Detail::Brief) {
                    self.of_unit(&u, &[kind], &mut g)?;
                }
            }
            // Nearly every unit that changed has an indicator that turned.
            Big::Flips => self
                .diff
                .try_each_unit(Detail::Full, |u| self.of_unit(u, &[kind], &mut g))?,
            // Few have one judged on one side only.
            Big::OneSided => {
                for (k, u) in self.diff.units_with(Detail::Brief).enumerate() {
                    if has_rows(&u, kind) {
                        self.of_unit(&self.diff.unit_at(k, Detail::Full), &[kind], &mut g)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn count(&self, kind: Big) -> usize {
        match kind {
            // And the old communes of the merged ones.
            Big::Communes => self.diff.len(),
            Big::Flips => self.diff.flipped,
            Big::OneSided => self.diff.not_compared,
        }
    }

    fn legend(&self, kind: Big) -> Option<(String, Vec<String>, Vec<Row>)> {
        let mut named: Vec<LegendKey> = self.named.borrow().iter().copied().collect();
        named.sort_unstable();
        (kind == Big::Flips && !self.wide && !named.is_empty())
            .then(|| legend(self.rep, named, self.lang))
    }

    fn all(&self, kinds: &[Big], keep: &mut dyn Keep) {
        let detail = if kinds.iter().all(|k| *k == Big::Communes) {
            Detail::Brief
        } else {
            Detail::Full
        };
        // A narrow table of indicators that turned is handed over cell by cell (`flip_cells`).
        let by_cell = !self.wide && kinds.contains(&Big::Flips);
        let rest: Vec<Big> = kinds
            .iter()
            .copied()
            .filter(|k| !(by_cell && *k == Big::Flips))
            .collect();
        self.diff.each_unit(detail, |u| {
            let _ = self.of_unit(u, &rest, &mut |k, row| {
                keep.row(k, row);
                Ok(())
            });
            if by_cell {
                self.flip_cells(u, keep);
            }
        });
    }
}

/// The report's pieces, for every format but JSON, CSV and Excel (which lay out the same results
/// for machines and spreadsheets); `printed` names the files without their folders.
fn document(rep: &DiffReport, diff: &Diff, lang: Lang, printed: bool, wide: bool) -> Doc {
    let mut out = Doc::default();
    heading(rep, lang, printed, &mut out);
    let (b, a) = (rep.label(true, lang), rep.label(false, lang));
    let met = format!(
        "{} ({})",
        lang.pick("TC đạt", "Criteria met"),
        rep.short(&rep.target, lang)
    );
    let header = vec![
        lang.pick("Mã", "Code").to_string(),
        lang.pick("Xã", "Commune").to_string(),
        format!("{} {b}", lang.pick("Mức", "Level")),
        format!("{} {a}", lang.pick("Mức", "Level")),
        lang.pick("Thay đổi", "Change").to_string(),
        met,
        lang.pick("Chỉ tiêu đổi trạng thái", "Indicators that turned")
            .to_string(),
    ];
    out.units(None, header, Big::Communes);
    if diff.flipped > 0 {
        let title = lang.pick(
            "Chỉ tiêu đổi trạng thái (Đạt ↔ Không đạt): giá trị và ngưỡng hai bên",
            "Indicators that turned (pass ↔ fail): values and thresholds on each side",
        );
        let header = flip_header(lang.pick("Xã", "Commune"), &b, &a, lang, wide);
        out.units(Some(title), header, Big::Flips);
    }
    if diff.not_compared > 0 {
        let title = lang.pick(
            "Chỉ tiêu chỉ chấm được ở một bên (thiếu số liệu hoặc không áp dụng ở bên kia): không tính là đổi trạng thái",
            "Indicators judged on one side only (missing data or not applicable on the other): not counted as turned",
        );
        let header = one_sided_header(lang.pick("Xã", "Commune"), b, a, lang);
        out.units(Some(title), header, Big::OneSided);
    }
    summary::section(rep, diff, lang, &mut out);
    if let (Some(info), Some(dd)) = (&rep.districts, &diff.districts) {
        district::section(rep, info, dd, (lang, printed, wide), &mut out);
    }
    out.text(summary::notes(rep, diff, lang));
    out
}

fn heading(rep: &DiffReport, lang: Lang, printed: bool, doc: &mut Doc) {
    let versions = if rep.before.version == rep.after.version {
        rep.after.version.clone()
    } else {
        format!("{} → {}", rep.before.version, rep.after.version)
    };
    let title = format!(
        "{}: {} ({}) → {} ({}); {} {versions}",
        lang.pick("So sánh kết quả xã", "Commune comparison"),
        rep.label(true, lang),
        rep.shown(&rep.before.file, printed),
        rep.label(false, lang),
        rep.shown(&rep.after.file, printed),
        lang.pick("bộ tiêu chí", "criteria version"),
    );
    doc.title(title);
    doc.text(format!("{}\n", thresholds_line(rep, lang)));
    if let Some(map) = &rep.map {
        doc.text(format!(
            "{}: {}\n",
            lang.pick(
                "Xã sáp nhập, tách, đổi mã theo tệp",
                "Merged, split and renamed communes followed through"
            ),
            map.named(|file| rep.shown(file, printed))
        ));
    }
}

/// Which thresholds scored each side, and what that means for reading the changes.
pub fn thresholds_line(rep: &DiffReport, lang: Lang) -> String {
    let (b, a) = (rep.before.threshold_year, rep.after.threshold_year);
    let (vb, va) = (&rep.before.version, &rep.after.version);
    if vb != va {
        let to = rep.after.year;
        return match lang {
            Lang::Vi => format!(
                "Phiên bản tiêu chí: bên cũ chấm theo {vb} (ngưỡng năm {b}), bên mới theo {va} (ngưỡng năm {a}). Một chỉ tiêu có thể đổi trạng thái vì số liệu, vì ngưỡng, hay vì chính bộ tiêu chí đã đổi; --same-year {to} chấm cả hai bên theo {va} và ngưỡng năm {to}, để tách thay đổi của số liệu."
            ),
            Lang::En => format!(
                "Criteria versions: the old side scored with {vb} (year {b}'s thresholds), the new side with {va} (year {a}'s). An indicator may turn because of the data, the threshold or the criteria set itself; --same-year {to} scores both sides with {va} and year {to}'s thresholds, to tell the data's changes apart."
            ),
        };
    }
    if let Some(y) = rep.same_year {
        return match lang {
            Lang::Vi => format!(
                "Ngưỡng: cả hai bên chấm theo ngưỡng năm {y} (--same-year {y}), nên mọi thay đổi dưới đây là do số liệu, không do ngưỡng."
            ),
            Lang::En => format!(
                "Thresholds: both sides scored with year {y}'s thresholds (--same-year {y}), so every change below comes from the data, not from the thresholds."
            ),
        };
    }
    if a == b {
        return match lang {
            Lang::Vi => format!("Ngưỡng: cả hai bên chấm theo ngưỡng năm {a}."),
            Lang::En => format!("Thresholds: both sides scored with year {a}'s thresholds."),
        };
    }
    match lang {
        Lang::Vi => format!(
            "Ngưỡng: mỗi bên chấm theo ngưỡng của năm mình ({b} | {a}), như khi thẩm định. Một chỉ tiêu có thể đổi trạng thái vì số liệu hoặc vì ngưỡng (ngưỡng thu nhập tăng mỗi năm): cột «Do» nói rõ; --same-year NĂM chấm cả hai bên theo cùng một năm."
        ),
        Lang::En => format!(
            "Thresholds: each side scored with its own year's thresholds ({b} | {a}), as an appraisal would. An indicator may turn because of the data or because of the threshold (income thresholds rise each year): the «Cause» column says which; --same-year YEAR scores both sides with one year's thresholds."
        ),
    }
}

/// A titled table, or a Markdown section.
fn block(
    format: Format,
    style: &Style,
    title: Option<&str>,
    header: Vec<String>,
    rows: Vec<Row>,
) -> String {
    let mut out = String::new();
    if format == Format::Md {
        if let Some(t) = title {
            out.push_str(&format!("\n### {t}\n"));
        }
        let plain: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| r.into_iter().map(|c| c.0).collect())
            .collect();
        out.push('\n');
        out.push_str(&md_table(&header, &plain));
    } else {
        if let Some(t) = title {
            out.push_str(&format!("\n{t}\n"));
        }
        let mut t = Grid::plain(header);
        // The code and the name of a commune or district stay on one line.
        t.keep(0);
        t.keep(1);
        for r in rows {
            t.push(r);
        }
        out.push_str(&t.text(style));
    }
    out
}

/// The chain of levels compared for communes (set ids, prerequisites first).
fn chain<'a>(rep: &'a DiffReport) -> Vec<&'a str> {
    rep.sets.iter().map(|s| s.id.as_str()).collect()
}

/// A standing along `chain`: `xã NTM`, `Chưa đạt`, `Chưa đủ dữ liệu`, `xã NTM (NTM nâng cao: Chưa
/// đủ dữ liệu)` when the next level is not known, `—` when absent.
fn status_cell(rep: &DiffReport, chain: &[&str], s: LevelStatus, lang: Lang) -> String {
    let unknown = text::verdict(Verdict::Unknown, lang);
    match s {
        LevelStatus::Absent => "—".into(),
        LevelStatus::Held { low: 0, high: 0 } => lang.pick("Chưa đạt", "None").to_string(),
        LevelStatus::Held { low: 0, .. } => unknown.to_string(),
        LevelStatus::Held { low, high } => {
            let held = chain
                .get(low - 1)
                .map_or(String::new(), |id| rep.short(id, lang));
            match chain.get(low) {
                Some(next) if high > low => {
                    format!("{held} ({}: {unknown})", rep.short(next, lang))
                }
                _ => held,
            }
        }
    }
}

/// The label of a change, coloured; `years` name the sides of a unit on one side only.
fn change_cell(c: Change, years: (i32, i32), lang: Lang) -> (String, Option<Tint>) {
    match c {
        Change::Gained => (lang.pick("Lên mức", "Gained").into(), Some(Tint::Green)),
        Change::Lost => (lang.pick("Xuống mức", "Lost").into(), Some(Tint::Red)),
        Change::Unchanged => (lang.pick("Giữ nguyên", "Unchanged").into(), None),
        Change::Unknown => (
            lang.pick("Chưa rõ (thiếu số liệu)", "Unknown (missing data)")
                .into(),
            Some(Tint::Yellow),
        ),
        Change::New => (
            format!(
                "{} ({})",
                lang.pick("Mới: chỉ có ở bên mới", "New: only in the new side"),
                years.1
            ),
            None,
        ),
        Change::Gone => (
            format!(
                "{} ({})",
                lang.pick("Không còn: chỉ có ở bên cũ", "Gone: only in the old side"),
                years.0
            ),
            None,
        ),
    }
}

/// How an old commune is part of a new one: `tách một phần, phần khác vào 06490` for a split one.
fn split_note(p: &Part, lang: Lang) -> Option<String> {
    if !p.split {
        return None;
    }
    let mut out = lang.pick("tách một phần", "split, part of it").to_string();
    if !p.also_in.is_empty() {
        out.push_str(&format!(
            ", {} {}",
            lang.pick("phần khác vào", "other parts in"),
            p.also_in.join(", ")
        ));
    }
    Some(out)
}

/// A merged commune's before: its standing (the lowest of its old communes'), then each old
/// commune with its code, name and level: `Chưa đạt ← 06475 Gia Lộc: xã NTM; 06480 Bằng Hữu: Chưa đạt`.
fn merged_before_cell(rep: &DiffReport, u: &UnitDiff, lang: Lang) -> String {
    let chain = chain(rep);
    let parts: Vec<String> = u
        .parts
        .iter()
        .map(|p| {
            let mut item = match &p.before {
                Some(b) => format!(
                    "{} {}: {}",
                    p.code,
                    b.name,
                    status_cell(rep, &chain, p.status, lang)
                ),
                None => format!(
                    "{}{} {}",
                    p.code,
                    p.official_name
                        .as_ref()
                        .map_or(String::new(), |n| format!(" {n}")),
                    lang.pick("(không có ở bên cũ)", "(not in the old side)")
                ),
            };
            if let Some(n) = split_note(p, lang) {
                item.push_str(&format!(" ({n})"));
            }
            item
        })
        .collect();
    format!(
        "{} ← {}",
        status_cell(rep, &chain, u.status.0, lang),
        parts.join("; ")
    )
}

fn met(rep: &DiffReport, r: Option<&UnitResult>) -> Option<usize> {
    r.and_then(|r| r.set(&rep.target)).map(|s| s.criteria_met)
}

/// `18 → 19 (+1)`, or one side's count.
fn met_cell(rep: &DiffReport, b: Option<&UnitResult>, a: Option<&UnitResult>) -> String {
    let show = |n: Option<usize>| n.map_or("—".to_string(), |n| n.to_string());
    match (met(rep, b), met(rep, a)) {
        (Some(x), Some(y)) => format!("{x} → {y} ({})", signed(y as f64 - x as f64, Lang::En)),
        (x, y) => format!("{} → {}", show(x), show(y)),
    }
}

/// A difference with its sign: `+1`, `−0,2`, `±0`.
fn signed(d: f64, lang: Lang) -> String {
    let sign = if d > 1e-9 {
        "+"
    } else if d < -1e-9 {
        "−"
    } else {
        "±"
    };
    format!("{sign}{}", crate::i18n::derived(d.abs(), lang))
}

fn arrow(f: &Flip) -> &'static str {
    if f.after.status == Status::Pass {
        "↑"
    } else {
        "↓"
    }
}

/// `xã NTM ↓15.1 · NTM nâng cao ↓2.2`.
fn flips_cell(rep: &DiffReport, d: &Delta, lang: Lang) -> String {
    // Written in place: a set's name once, then its indicators, the sets apart with ` · `.
    let mut out = String::new();
    let mut last_set = "";
    let mut any = false;
    for f in &d.flipped {
        if f.set == last_set {
            // (An indicator of a set without a name before it has no place: none is written.)
            if !any {
                continue;
            }
            out.push(' ');
        } else {
            if any {
                out.push_str(" · ");
            }
            out.push_str(rep.short_str(&f.set, lang));
            out.push(' ');
            last_set = &f.set;
            any = true;
        }
        out.push_str(arrow(f));
        out.push_str(f.code());
    }
    out
}

fn unit_row(rep: &DiffReport, u: &UnitDiff, lang: Lang) -> Row {
    let code = u
        .renamed_from()
        .map_or(u.code.clone(), |o| format!("{o} → {}", u.code));
    let chain = chain(rep);
    let (change, color) = change_cell(u.change, (rep.before.year, rep.after.year), lang);
    let before = if u.merged() {
        merged_before_cell(rep, u, lang)
    } else {
        status_cell(rep, &chain, u.status.0, lang)
    };
    vec![
        (code, None),
        (u.name().to_string(), None),
        (before, None),
        (status_cell(rep, &chain, u.status.1, lang), None),
        (change, color),
        (met_cell(rep, u.before.as_ref(), u.after.as_ref()), None),
        (
            u.delta
                .as_ref()
                .map(|d| flips_cell(rep, d, lang))
                .unwrap_or_default(),
            None,
        ),
    ]
}

/// An old commune of a merged one, compared with the new commune.
fn part_row(rep: &DiffReport, u: &UnitDiff, p: &Part, lang: Lang) -> Row {
    let code = format!("  ↳ {}", p.code);
    let chain = chain(rep);
    let after = status_cell(rep, &chain, u.status.1, lang);
    let (Some(b), Some(d)) = (&p.before, &p.delta) else {
        let missing = lang.pick("(không có ở bên cũ)", "(not in the old side)");
        return vec![
            (code, None),
            (
                match &p.official_name {
                    Some(n) => format!("{n} {missing}"),
                    None => missing.into(),
                },
                None,
            ),
            (status_cell(rep, &chain, p.status, lang), None),
            (after, None),
            (String::new(), None),
            (String::new(), None),
            (String::new(), None),
        ];
    };
    let (change, color) = change_cell(d.change, (rep.before.year, rep.after.year), lang);
    let name = match split_note(p, lang) {
        Some(n) => format!("{} ({n})", b.name),
        None => b.name.clone(),
    };
    vec![
        (code, None),
        (name, None),
        (status_cell(rep, &chain, p.status, lang), None),
        (after, None),
        (change, color),
        (met_cell(rep, Some(b), u.after.as_ref()), None),
        (flips_cell(rep, d, lang), None),
    ]
}

/// A check's requirement as evaluated: `≥ 42 triệu đồng/người/năm (2024)*`, `Đạt`.
fn threshold_cell(
    rep: &DiffReport,
    ch: Option<&CheckResult>,
    def: Option<&Check>,
    lang: Lang,
) -> String {
    let (Some(ch), Some(def)) = (ch, def) else {
        return "—".into();
    };
    let mark = if def.verified { "" } else { UNVERIFIED };
    match (ch.op, &ch.threshold) {
        (Some(op), Some(r)) => {
            let make = || {
                format!(
                    "{}{mark}",
                    text::resolved(op, r, &text::unit(def, lang), lang)
                )
            };
            if !says_only_itself(r) {
                return make();
            }
            let key = (
                std::ptr::from_ref(def) as usize,
                op.symbol(),
                r.value.to_bits(),
                r.dated,
                matches!(lang, Lang::Vi),
            );
            let mut known = rep.index.1.borrow_mut();
            known.entry(key).or_insert_with(make).clone()
        }
        (None, _) if def.threshold.is_none() && !def.context => {
            lang.pick("Đạt", "Đạt (met)").to_string()
        }
        _ => "—".into(),
    }
}

fn value_cell(ch: Option<&CheckResult>, def: Option<&Check>, lang: Lang) -> String {
    match (ch, def) {
        (Some(ch), Some(def)) => text::value(ch.value, def, lang),
        _ => "—".into(),
    }
}

fn cause_text(f: &Flip, lang: Lang) -> String {
    match f.cause {
        Cause::Data => lang.pick("số liệu", "data").into(),
        Cause::Both => lang.pick("số liệu và ngưỡng", "data and threshold").into(),
        Cause::Threshold => {
            let dated = |c: Option<&CheckResult>| {
                c.and_then(|c| c.threshold.as_ref()).and_then(|t| t.dated)
            };
            match (dated(f.check_before()), dated(f.check_after())) {
                (Some(x), Some(y)) if x != y => match lang {
                    Lang::Vi => format!("chỉ do ngưỡng (năm {x} → {y}), cùng giá trị"),
                    Lang::En => format!("threshold only ({x} → {y}), same value"),
                },
                _ => lang
                    .pick("chỉ do ngưỡng, cùng giá trị", "threshold only, same value")
                    .into(),
            }
        }
    }
}

/// What an indicator that turned is about: its name, and the label of the check that turned when it
/// has several (`Phổ cập giáo dục … — tỷ lệ trẻ em 6 tuổi vào lớp 1`).
fn content(rep: &DiffReport, set: &str, code: &str, check: usize, lang: Lang) -> String {
    let idef = rep.indicator_def(set, code);
    let mut content = idef.map_or(String::new(), |i| i.name.get(lang).to_string());
    if let Some(i) = idef
        && let Some(d) = i.checks.get(check)
    {
        let label = text::label(d, lang);
        if i.checks.len() > 1 && !label.is_empty() {
            content = format!("{content} — {label}");
        }
    }
    content
}

/// How a narrow table and its legend name check `check` of indicator `code`: the code, plus what
/// the check's column adds when the indicator has several (`2.3b`, as the check reports name it),
/// so that a row whose indicator has two checks that turned says which.
fn flip_code(rep: &DiffReport, set: &str, code: &str, check: usize) -> String {
    match rep.indicator_def(set, code) {
        Some(i) if i.checks.len() > 1 => {
            let input = i.checks.get(check).and_then(|c| c.input.column());
            crate::report::model::check_code(code, input.unwrap_or(""), true, check)
        }
        _ => code.to_string(),
    }
}

/// Where a legend lists an indicator that turned: its set's, criterion's and own position, and the
/// check that turned when the indicator has several (each has its own line).
type LegendKey = (usize, usize, usize, usize);

fn legend_key(rep: &DiffReport, set: &str, code: &str, check: usize) -> Option<LegendKey> {
    let (n, k, j) = rep.indicator_at(set, code)?;
    let several = rep
        .indicator_def(set, code)
        .is_some_and(|i| i.checks.len() > 1);
    Some((n, k, j, if several { check } else { 0 }))
}

/// The legend under a narrow table of indicators that turned: each indicator named in it once, set
/// by set in the criteria's order, with what it is about.
fn legend(
    rep: &DiffReport,
    keys: impl IntoIterator<Item = LegendKey>,
    lang: Lang,
) -> (String, Vec<String>, Vec<Row>) {
    let rows = keys
        .into_iter()
        .filter_map(|(n, k, j, c)| {
            let set = rep.all_sets().nth(n)?;
            let ind = set.criteria.get(k)?.indicators.get(j)?;
            Some(vec![
                (set.short_name.get(lang).to_string(), None),
                (flip_code(rep, &set.id, &ind.code, c), None),
                (content(rep, &set.id, &ind.code, c, lang), None),
            ])
        })
        .collect();
    let header = vec![
        lang.pick("Bộ", "Set").to_string(),
        lang.pick("Chỉ tiêu", "Indicator").to_string(),
        lang.pick("Nội dung", "Content").to_string(),
    ];
    let title = lang
        .pick(
            "Các chỉ tiêu trong bảng trên",
            "The indicators in the table above",
        )
        .to_string();
    (title, header, rows)
}

/// How an indicator turned: up (fail → pass, green) or down (pass → fail, red).
pub(super) fn direction(up: bool, lang: Lang) -> (&'static str, Tint) {
    if up {
        (lang.pick("↑ Không đạt → Đạt", "↑ fail → pass"), Tint::Green)
    } else {
        (lang.pick("↓ Đạt → Không đạt", "↓ pass → fail"), Tint::Red)
    }
}

/// A row of the table of indicators that turned; `wide` with what the indicator is about (a printed
/// page, a spreadsheet), else that is said once in a legend under the table (a screen).
fn flip_row(rep: &DiffReport, code: &str, name: &str, f: &Flip, lang: Lang, wide: bool) -> Row {
    let def = rep.check_def(&f.set, f.code(), f.check);
    let (dir, color) = direction(f.after.status == Status::Pass, lang);
    let mut row = Vec::with_capacity(11);
    row.push((code.to_string(), None));
    row.push((name.to_string(), None));
    row.push((rep.short(&f.set, lang), None));
    if wide {
        row.push((f.code().to_string(), None));
        row.push((content(rep, &f.set, f.code(), f.check, lang), None));
    } else {
        row.push((flip_code(rep, &f.set, f.code(), f.check), None));
    }
    row.extend([
        (value_cell(f.check_before(), def, lang), None),
        (value_cell(f.check_after(), def, lang), None),
        (threshold_cell(rep, f.check_before(), def, lang), None),
        (threshold_cell(rep, f.check_after(), def, lang), None),
        (dir.to_string(), Some(color)),
        (cause_text(f, lang), None),
    ]);
    row
}

/// The header of the [`flip_row`] table; `unit` names the second column (commune or district),
/// `b` and `a` the two sides; `wide` with the column of what each indicator is about.
fn flip_header(unit: &str, b: &str, a: &str, lang: Lang, wide: bool) -> Vec<String> {
    let mut h = vec![
        lang.pick("Mã", "Code").to_string(),
        unit.to_string(),
        lang.pick("Bộ", "Set").to_string(),
        lang.pick("Chỉ tiêu", "Indicator").to_string(),
    ];
    if wide {
        h.push(lang.pick("Nội dung", "Content").to_string());
    }
    h.extend([
        b.to_string(),
        a.to_string(),
        format!("{} {b}", lang.pick("Ngưỡng", "Threshold")),
        format!("{} {a}", lang.pick("Ngưỡng", "Threshold")),
        lang.pick("Chiều", "Direction").to_string(),
        lang.pick("Do", "Cause").to_string(),
    ]);
    h
}

/// The header of the [`one_sided_row`] table; `unit` names the second column.
fn one_sided_header(unit: &str, b: String, a: String, lang: Lang) -> Vec<String> {
    vec![
        lang.pick("Mã", "Code").to_string(),
        unit.to_string(),
        lang.pick("Bộ", "Set").to_string(),
        lang.pick("Chỉ tiêu", "Indicator").to_string(),
        b,
        a,
    ]
}

fn one_sided_row(rep: &DiffReport, code: &str, name: &str, n: &NotCompared, lang: Lang) -> Row {
    let side = |i: Option<&crate::eval::IndicatorResult>| {
        let Some(i) = i else {
            return "—".to_string();
        };
        let main = i.main_check();
        let idx = main.and_then(|m| i.checks.iter().position(|c| std::ptr::eq(c, m)));
        let def = idx.and_then(|x| rep.check_def(&n.set, &n.code, x));
        match (i.status, main) {
            (Status::Pass | Status::Fail, Some(m)) => {
                format!(
                    "{}: {}",
                    text::status(i.status, lang),
                    value_cell(Some(m), def, lang)
                )
            }
            _ => text::status(i.status, lang).to_string(),
        }
    };
    vec![
        (code.to_string(), None),
        (name.to_string(), None),
        (rep.short(&n.set, lang), None),
        (n.code.clone(), None),
        (side(n.before.as_ref()), None),
        (side(n.after.as_ref()), None),
    ]
}
