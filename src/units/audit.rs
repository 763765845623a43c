//! A data file's codes and names checked against the official lists (docs/units.md, «How check and
//! diff use the lists»).
//!
//! - A file's codes are **official** when more than half of its rows that have a code carry a code of
//!   a list in force during the row's year (a code Excel cut short, `6475`, counts with its leading
//!   zeros restored). Each row is then checked: a code that is in none of those lists is named with
//!   the nearest official units by code and by name; a name that is not the official name of its code
//!   (compared with [`fold`](super::fold), a type such as `Xã` aside) is named; for a commune, a
//!   district column that names another district than the list's is named.
//! - Otherwise the file uses **its own codes** (`A`, `CL01`): one note for the file, nothing per row.
//!
//! Warnings only: no verdict rests on them. Data of a year before the first list is checked against
//! that list, and the warning says so (units abolished before it are not in it).

use std::collections::BTreeSet;

use super::{Conversion, District, Edition, Pick, Unit, Units, fold, name_matches, names};
use crate::diag::Problem;
use crate::eval::district::district_key;
use crate::i18n::Text;
use crate::input::Row;

/// What a file lists: communes (`ma_xa`, `ten_xa`, `huyen`) or districts (`ma_huyen`, `ten_huyen`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Commune,
    District,
}

impl Layer {
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            Layer::Commune => ("ma_xa", "ten_xa"),
            Layer::District => ("ma_huyen", "ten_huyen"),
        }
    }
}

/// At most this many rows are kept for warnings (the rest are counted): a file of official codes
/// with more unknown codes than this is not worth a message per row.
const MAX_NAMED: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Issue {
    UnknownCode,
    Name,
    District,
}

#[derive(Debug, Clone)]
struct Pending {
    line: usize,
    code: String,
    name: String,
    parent: String,
    year: i32,
    issue: Issue,
}

/// What the check of one file found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The file's codes are official codes (see the module's rule).
    pub official: bool,
    /// Rows that have a code, and those whose code is in a list of their year.
    pub rows: usize,
    pub found: usize,
    pub problems: Vec<Problem>,
}

/// The check of one file, fed row by row.
#[derive(Debug)]
pub struct Audit<'u> {
    units: &'u Units,
    file: String,
    layer: Layer,
    rows: usize,
    found: usize,
    pending: Vec<Pending>,
    /// Rows with a problem beyond [`MAX_NAMED`].
    more: usize,
    /// The lists of each year met, looked up once.
    years: Vec<(i32, Vec<&'u Edition>)>,
    /// The last district column read, and its key.
    parent: (String, String),
}

/// `01/12/2024`.
fn from_date(e: &Edition) -> String {
    e.valid_from.vi()
}

/// `danh sách từ 01/12/2024` (and `và từ 01/07/2025` for a year with two lists).
fn lists_words(picks: &[Pick]) -> Text {
    let dates: Vec<String> = picks.iter().map(|p| from_date(p.edition)).collect();
    Text::new(
        format!("danh sách từ {}", dates.join(" và danh sách từ ")),
        format!(
            "the list in force from {}",
            dates.join(" and the list from ")
        ),
    )
}

/// Said of a year the lists do not cover from its start.
fn earlier_words(units: &Units, year: i32, picks: &[Pick]) -> Option<Text> {
    if !units.starts_before_lists(year) {
        return None;
    }
    let date = picks
        .first()
        .map(|p| from_date(p.edition))
        .unwrap_or_default();
    Some(Text::new(
        format!(
            "ntm không có danh sách nào trước {date}, nên dòng năm {year} được đối chiếu với danh sách từ {date}: đơn vị bị nhập, bỏ trước ngày đó không có trong danh sách này, và mã có thể vẫn đúng năm {year}"
        ),
        format!(
            "ntm has no list before {date}, so rows of {year} are checked against the list from {date}: units merged or abolished before that date are not in it, and the code may still be right for {year}"
        ),
    ))
}

/// `06190 Xã Bảo Lâm (Huyện Cao Lộc)`.
fn unit_words(e: &Edition, u: &Unit) -> String {
    match e.district_of(&u.code) {
        Some(d) => format!("{} {} ({})", u.code, u.full_name(), d.full_name()),
        None => format!("{} {}", u.code, u.full_name()),
    }
}

fn district_words(d: &District) -> String {
    format!("{} {}", d.code, d.full_name())
}

/// A code with leading zeros restored to `width` digits (`83` → `083`), as Excel drops them.
fn padded_to(code: &str, width: usize) -> String {
    let c = code.trim();
    if !c.is_empty() && c.len() < width && c.bytes().all(|b| b.is_ascii_digit()) {
        format!("{c:0>width$}")
    } else {
        c.to_string()
    }
}

impl<'u> Audit<'u> {
    pub fn new(units: &'u Units, file: &str, layer: Layer) -> Self {
        Audit {
            units,
            file: file.to_string(),
            layer,
            rows: 0,
            found: 0,
            pending: Vec::new(),
            more: 0,
            years: Vec::new(),
            parent: (String::new(), String::new()),
        }
    }

    /// The lists applying to `year` (see [`Units::editions_for_year`]), oldest first.
    /// The editions of `year`'s list, looked up once per year (a row borrows them, not a copy).
    fn editions_of(&mut self, year: i32) -> &[&'u Edition] {
        let at = match self.years.iter().position(|(y, _)| *y == year) {
            Some(at) => at,
            None => {
                let e: Vec<&'u Edition> = self
                    .units
                    .editions_for_year(year)
                    .into_iter()
                    .map(|p| p.edition)
                    .collect();
                self.years.push((year, e));
                self.years.len() - 1
            }
        };
        &self.years[at].1
    }

    fn keep(&mut self, p: Pending) {
        if self.pending.len() < MAX_NAMED {
            self.pending.push(p);
        } else {
            self.more += 1;
        }
    }

    /// One row: its line, code, name, district column (communes) and year.
    pub fn row(&mut self, line: usize, code: &str, name: &str, parent: &str, year: i32) {
        let code = code.trim();
        if code.is_empty() {
            return;
        }
        self.rows += 1;
        let pending = |issue| Pending {
            line,
            code: code.to_string(),
            name: name.trim().to_string(),
            parent: parent.trim().to_string(),
            year,
            issue,
        };
        match self.layer {
            Layer::Commune => {
                let editions = self.editions_of(year);
                let units: Vec<(&'u Unit, Option<&'u District>)> = editions
                    .iter()
                    .filter_map(|e| e.unit(code).map(|u| (u, e.district_of(code))))
                    .collect();
                if units.is_empty() {
                    // Found once its leading zeros are put back (`6475` for `06475`); a code that
                    // has none to put back was looked up as it is.
                    let found = names::zeros_missing(code) && {
                        let padded = names::padded(code);
                        editions.iter().any(|e| e.unit(&padded).is_some())
                    };
                    if found {
                        self.found += 1;
                    }
                    self.keep(pending(Issue::UnknownCode));
                    return;
                }
                self.found += 1;
                if !name.trim().is_empty() && !units.iter().any(|(u, _)| name_matches(u, name)) {
                    self.keep(pending(Issue::Name));
                }
                let districts: Vec<&District> = units.iter().filter_map(|(_, d)| *d).collect();
                if !districts.is_empty() && !parent.trim().is_empty() {
                    // Rows of one district follow each other: its key is kept.
                    if self.parent.0 != parent {
                        self.parent = (parent.to_string(), district_key(parent));
                    }
                    let key = &self.parent.1;
                    let named = |d: &District| {
                        district_key(&d.code) == *key || district_key(&d.name) == *key
                    };
                    if !key.is_empty() && !districts.iter().any(|d| named(d)) {
                        self.keep(pending(Issue::District));
                    }
                }
            }
            Layer::District => {
                let found = self.units.district_for_year(code, year);
                let Some((_, d)) = found else {
                    if self
                        .units
                        .district_for_year(&padded_to(code, 3), year)
                        .is_some()
                    {
                        self.found += 1;
                    }
                    self.keep(pending(Issue::UnknownCode));
                    return;
                };
                self.found += 1;
                let key = district_key(name);
                if !key.is_empty() && key != district_key(&d.name) {
                    self.keep(pending(Issue::Name));
                }
            }
        }
    }

    /// The file's verdict on its codes, and the warnings.
    pub fn finish(self) -> Outcome {
        let official = self.rows > 0 && self.found * 2 > self.rows;
        let mut problems = Vec::new();
        let province = self.units.province_name().to_string();
        let (code_col, _) = self.layer.columns();
        if self.rows > 0 && !official {
            let (n, f) = (self.rows, self.found);
            let (vi_what, en_what, vi_then, en_then) = match self.layer {
                Layer::Commune => (
                    "mã xã",
                    "commune codes",
                    "không đối chiếu từng mã, tên với danh sách; xã của một huyện có mã trong danh sách được nhận theo tên",
                    "codes and names are not checked row by row; the communes of a district whose code is in the list are recognised by name",
                ),
                Layer::District => (
                    "mã huyện",
                    "district codes",
                    "tỷ lệ xã của mỗi huyện tính trên các xã có trong tệp số liệu xã",
                    "each district's shares are over the communes in the commune data",
                ),
            };
            problems.push(
                Problem::warning(
                    "own-codes",
                    &self.file,
                    Text::new(
                        format!(
                            "tệp dùng {vi_what} riêng: chỉ {f}/{n} dòng có mã trong danh sách đơn vị hành chính tỉnh {province} của năm mình, nên {vi_then}"
                        ),
                        format!(
                            "the file uses its own {en_what}: only {f} of {n} rows have a code of {province}'s official list of their year, so {en_then}"
                        ),
                    ),
                )
                .field(code_col),
            );
            return Outcome {
                official,
                rows: self.rows,
                found: self.found,
                problems,
            };
        }
        let mut earlier_years: BTreeSet<i32> = BTreeSet::new();
        for p in &self.pending {
            let picks = self.units.editions_for_year(p.year);
            let problem = match (self.layer, p.issue) {
                (Layer::Commune, Issue::UnknownCode) => self.unknown_commune(p, &picks),
                (Layer::Commune, Issue::Name) => self.commune_name(p, &picks),
                (Layer::Commune, Issue::District) => self.commune_district(p, &picks),
                (Layer::District, Issue::UnknownCode) => self.unknown_district(p, &picks),
                (Layer::District, _) => self.district_name(p, &picks),
            };
            if self.units.starts_before_lists(p.year) {
                earlier_years.insert(p.year);
            }
            problems.push(problem);
        }
        if self.more > 0 {
            problems.push(
                Problem::warning(
                    "official-more",
                    &self.file,
                    Text::new(
                        format!(
                            "và {} dòng khác có mã hoặc tên khác danh sách (không nêu từng dòng)",
                            self.more
                        ),
                        format!(
                            "and {} more rows whose code or name differs from the list (not listed)",
                            self.more
                        ),
                    ),
                )
                .field(code_col),
            );
        }
        for year in earlier_years {
            let picks = self.units.editions_for_year(year);
            if let Some(t) = earlier_words(self.units, year, &picks) {
                let note = picks
                    .first()
                    .map(|p| p.edition.note.clone())
                    .unwrap_or_default();
                let vi = if note.is_empty() {
                    t.vi
                } else {
                    format!("{} (ghi chú của danh sách: {note})", t.vi)
                };
                problems.push(Problem::warning(
                    "official-earlier",
                    &self.file,
                    Text::new(vi, t.en),
                ));
            }
        }
        Outcome {
            official,
            rows: self.rows,
            found: self.found,
            problems,
        }
    }

    fn at(&self, kind: &'static str, p: &Pending, message: Text, field: &str) -> Problem {
        Problem::warning(kind, &self.file, message)
            .at(p.line, None)
            .field(field)
    }

    /// Said after each warning: the row is scored as written.
    fn scored_as_written() -> (&'static str, &'static str) {
        (
            "lưu ý, không đổi kết quả chấm",
            "a note: the result is unchanged",
        )
    }

    fn unknown_commune(&self, p: &Pending, picks: &[Pick]) -> Problem {
        let lists = lists_words(picks);
        let (vi_keep, en_keep) = Self::scored_as_written();
        let newest = picks.last().map(|p| p.edition);
        // Codes one slip away, those of the row's district and name first.
        let parent = district_key(&p.parent);
        let name = fold(&p.name);
        let by_code: Vec<String> = newest
            .map(|e| {
                let mut near = e.nearest_by_code(&p.code);
                near.sort_by_key(|u| {
                    let other_district = e.district_of(&u.code).is_none_or(|d| {
                        parent.is_empty()
                            || (district_key(&d.code) != parent && district_key(&d.name) != parent)
                    });
                    (
                        !name_matches(u, &p.name),
                        other_district,
                        fold(&u.name) != name,
                    )
                });
                near.into_iter().take(4).map(|u| unit_words(e, u)).collect()
            })
            .unwrap_or_default();
        let by_name: Vec<String> = match newest {
            Some(e) if !p.name.is_empty() => e
                .nearest_by_name(&p.name, 3)
                .into_iter()
                .map(|(u, _)| unit_words(e, u))
                .collect(),
            _ => Vec::new(),
        };
        let near = |vi: bool| -> String {
            let none = if vi { "không có" } else { "none" };
            let list = |l: &Vec<String>| {
                if l.is_empty() {
                    none.to_string()
                } else {
                    l.join(", ")
                }
            };
            if vi {
                format!(
                    "gần nhất theo mã: {}; theo tên «{}»: {}",
                    list(&by_code),
                    p.name,
                    list(&by_name)
                )
            } else {
                format!(
                    "nearest by code: {}; by name «{}»: {}",
                    list(&by_code),
                    p.name,
                    list(&by_name)
                )
            }
        };
        let (ev, ee) = match (earlier_words(self.units, p.year, picks), picks.first()) {
            (Some(_), Some(first)) => {
                let d = from_date(first.edition);
                (
                    format!(" — ntm không có danh sách trước {d}, xem lưu ý về danh sách ở cuối"),
                    format!(" — ntm has no list before {d}, see the note on the list at the end"),
                )
            }
            _ => (String::new(), String::new()),
        };
        self.at(
            "official-unknown-code",
            p,
            Text::new(
                format!(
                    "mã {} ({}, năm {}) không có trong {}{ev}; {} ({vi_keep})",
                    p.code,
                    p.name,
                    p.year,
                    lists.vi,
                    near(true)
                ),
                format!(
                    "code {} ({}, year {}) is not in {}{ee}; {} ({en_keep})",
                    p.code,
                    p.name,
                    p.year,
                    lists.en,
                    near(false)
                ),
            ),
            "ma_xa",
        )
        .found(p.code.clone())
    }

    fn commune_name(&self, p: &Pending, picks: &[Pick]) -> Problem {
        let (vi_keep, en_keep) = Self::scored_as_written();
        let official: Vec<(String, String)> = picks
            .iter()
            .filter_map(|k| {
                k.edition
                    .unit(&p.code)
                    .map(|u| (u.full_name(), from_date(k.edition)))
            })
            .collect();
        let names: Vec<String> = official.iter().map(|(n, _)| n.clone()).collect();
        let (vi, en) = match official.as_slice() {
            [(n, d)] => (
                format!("{n} trong danh sách từ {d}"),
                format!("{n} in the list from {d}"),
            ),
            _ => (
                official
                    .iter()
                    .map(|(n, d)| format!("{n} trong danh sách từ {d}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                official
                    .iter()
                    .map(|(n, d)| format!("{n} in the list from {d}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        };
        self.at(
            "official-name",
            p,
            Text::new(
                format!("tên xã khác danh sách: mã {} là {vi} ({vi_keep})", p.code),
                format!(
                    "the name differs from the official list: code {} is {en} ({en_keep})",
                    p.code
                ),
            ),
            "ten_xa",
        )
        .found(p.name.clone())
        .expected(Text::new(names.join(" hoặc "), names.join(" or ")))
    }

    fn commune_district(&self, p: &Pending, picks: &[Pick]) -> Problem {
        let (vi_keep, en_keep) = Self::scored_as_written();
        let official: Vec<String> = picks
            .iter()
            .filter_map(|k| k.edition.district_of(&p.code))
            .map(district_words)
            .collect();
        let lists = lists_words(picks);
        self.at(
            "official-district",
            p,
            Text::new(
                format!(
                    "xã {} ({}) thuộc {} theo {}, tệp ghi huyện khác ({vi_keep})",
                    p.code,
                    p.name,
                    official.join(", "),
                    lists.vi
                ),
                format!(
                    "commune {} ({}) belongs to {} in {}, the file names another district ({en_keep})",
                    p.code,
                    p.name,
                    official.join(", "),
                    lists.en
                ),
            ),
            "huyen",
        )
        .found(p.parent.clone())
        .expected(Text::new(official.join(" hoặc "), official.join(" or ")))
    }

    /// The districts of the lists of a year.
    fn districts_of(picks: &[Pick<'u>]) -> Vec<&'u District> {
        let mut out: Vec<&District> = Vec::new();
        for p in picks.iter().rev() {
            for d in &p.edition.districts {
                if !out.iter().any(|o| o.code == d.code) {
                    out.push(d);
                }
            }
        }
        out
    }

    fn unknown_district(&self, p: &Pending, picks: &[Pick<'u>]) -> Problem {
        let districts = Self::districts_of(picks);
        let want = padded_to(&p.code, 3);
        let by_code: Vec<String> = districts
            .iter()
            .filter(|d| d.code == want || strsim::damerau_levenshtein(&d.code, &want) == 1)
            .map(|d| district_words(d))
            .collect();
        let key = fold(&district_key(&p.name));
        let mut by_name: Vec<(f64, String)> = districts
            .iter()
            .map(|d| {
                let s = strsim::normalized_damerau_levenshtein(&fold(&district_key(&d.name)), &key);
                (s, district_words(d))
            })
            .filter(|(s, _)| !key.is_empty() && *s >= 0.7)
            .collect();
        by_name.sort_by(|a, b| b.0.total_cmp(&a.0));
        let by_name: Vec<String> = by_name.into_iter().take(3).map(|(_, w)| w).collect();
        let list = |l: &Vec<String>, none: &str| {
            if l.is_empty() {
                none.to_string()
            } else {
                l.join(", ")
            }
        };
        let lists = lists_words(picks);
        let (vi_then, en_then) = if districts.is_empty() {
            (
                format!("không có cấp huyện trong danh sách của năm {}", p.year),
                format!("the lists of {} have no district level", p.year),
            )
        } else {
            (
                format!(
                    "gần nhất theo mã: {}; theo tên «{}»: {}",
                    list(&by_code, "không có"),
                    p.name,
                    list(&by_name, "không có")
                ),
                format!(
                    "nearest by code: {}; by name «{}»: {}",
                    list(&by_code, "none"),
                    p.name,
                    list(&by_name, "none")
                ),
            )
        };
        self.at(
            "official-unknown-code",
            p,
            Text::new(
                format!(
                    "mã huyện {} ({}, năm {}) không có trong {}; {vi_then}; tỷ lệ xã của huyện này tính trên các xã có trong tệp số liệu xã",
                    p.code, p.name, p.year, lists.vi
                ),
                format!(
                    "district code {} ({}, year {}) is not in {}; {en_then}; this district's shares are over the communes in the commune data",
                    p.code, p.name, p.year, lists.en
                ),
            ),
            "ma_huyen",
        )
        .found(p.code.clone())
    }

    fn district_name(&self, p: &Pending, _picks: &[Pick]) -> Problem {
        let (words, date) = match self.units.district_for_year(&p.code, p.year) {
            Some((pick, d)) => (d.full_name(), from_date(pick.edition)),
            None => (String::new(), String::new()),
        };
        self.at(
            "official-name",
            p,
            Text::new(
                format!(
                    "tên huyện khác danh sách: mã {} là {words} trong danh sách từ {date}; các xã của huyện được tính theo danh sách của mã này",
                    p.code
                ),
                format!(
                    "the district name differs from the official list: code {} is {words} in the list from {date}; the district's communes are counted from this code's list",
                    p.code
                ),
            ),
            "ten_huyen",
        )
        .found(p.name.clone())
        .expected(Text::new(words.clone(), words))
    }
}

/// Check the rows of a file read whole (`diff`'s sides).
pub fn check_rows<'r>(
    units: &Units,
    file: &str,
    layer: Layer,
    rows: impl IntoIterator<Item = &'r Row>,
) -> Outcome {
    let mut audit = Audit::new(units, file, layer);
    for r in rows {
        let parent = if layer == Layer::Commune {
            r.parent.as_str()
        } else {
            ""
        };
        audit.row(r.line, &r.code, &r.name, parent, r.year);
    }
    audit.finish()
}

/// The conversion between the lists of two years, when they differ (2024 → 2025: the conversion of
/// 1/7/2025). A year's list is the one in force at its end.
pub fn conversion_between(units: &Units, from: i32, to: i32) -> Option<&Conversion> {
    let a = units.edition_for_year(from)?.edition;
    let b = units.edition_for_year(to)?.edition;
    if a.id == b.id {
        return None;
    }
    units
        .conversions
        .iter()
        .find(|c| c.from == a.id && c.to == b.id)
}

/// Codes of both sides that stand for another unit after the conversion (a code reused, or a unit
/// that absorbed others or lost part of itself), in code order.
fn changed_codes<'c>(c: &'c Conversion, old: &[&str], new: &[&str]) -> Vec<&'c str> {
    let mut out: Vec<&str> = c
        .links
        .iter()
        .map(|l| l.new.as_str())
        .filter(|code| old.contains(code) && new.contains(code))
        .filter(|code| {
            let from = c.olds_of(code);
            let to = c.new_of(code);
            !(from.len() == 1 && from[0].old == *code && to.len() == 1 && !to[0].part)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Two sides compared by code across a conversion without a map: a warning that codes were reused,
/// naming up to three that occur in both sides' data, and the map to use.
pub fn codes_reused_warning(
    units: &Units,
    c: &Conversion,
    (from, to): (i32, i32),
    (old, new): (&[&str], &[&str]),
    file: &str,
) -> Problem {
    let date = |id: &str| {
        units
            .edition(id)
            .map_or(String::new(), |e| e.valid_from.vi())
    };
    let (a, b) = (date(&c.from), date(&c.to));
    let name = units.conversion_name(c);
    let basis = c
        .basis
        .first()
        .map_or(String::new(), |b| format!(" ({})", b.document));
    let changed = changed_codes(c, old, new);
    let examples: Vec<String> = changed
        .iter()
        .take(3)
        .map(|code| {
            let before = c
                .new_of(code)
                .first()
                .map_or(String::new(), |l| l.old_name.clone());
            let after = c
                .olds_of(code)
                .first()
                .map_or(String::new(), |l| l.new_name.clone());
            format!("{code} ({before} → {after})")
        })
        .collect();
    let (ex_vi, ex_en) = if examples.is_empty() {
        (String::new(), String::new())
    } else {
        (
            format!(
                "; trong số liệu, {} mã như thế, ví dụ {}",
                changed.len(),
                examples.join(", ")
            ),
            format!(
                "; {} such codes in the data, e.g. {}",
                changed.len(),
                examples.join(", ")
            ),
        )
    };
    Problem::warning(
        "codes-reused",
        file,
        Text::new(
            format!(
                "bên cũ (năm {from}) theo danh sách đơn vị hành chính từ {a}, bên mới (năm {to}) theo danh sách từ {b}: các xã đã được sắp xếp lại{basis} và một số mã được dùng lại cho đơn vị khác{ex_vi}; so theo mã là so hai xã khác nhau. Dùng --map {name} để so theo bảng chuyển đổi"
            ),
            format!(
                "the old side (year {from}) follows the list of administrative units from {a}, the new side (year {to}) the list from {b}: communes were reorganised{basis} and some codes were reused for other units{ex_en}; comparing by code compares different communes. Use --map {name} to follow the conversion"
            ),
        ),
    )
}

/// `--map NAME` of a shipped conversion whose lists are not those of the two years compared.
pub fn conversion_years_note(
    units: &Units,
    c: &Conversion,
    (from, to): (i32, i32),
    file: &str,
) -> Option<Problem> {
    if conversion_between(units, from, to).is_some_and(|x| x.id == c.id) {
        return None;
    }
    let date = |id: &str| {
        units
            .edition(id)
            .map_or(String::new(), |e| e.valid_from.vi())
    };
    let (a, b) = (date(&c.from), date(&c.to));
    let name = units.conversion_name(c);
    Some(Problem::warning(
        "conversion-years",
        file,
        Text::new(
            format!(
                "bảng chuyển đổi {name} nối danh sách từ {a} với danh sách từ {b}, còn hai bên là năm {from} và {to}: vẫn dùng như đã yêu cầu"
            ),
            format!(
                "the conversion {name} goes from the list of {a} to the list of {b}, but the sides are of {from} and {to}: used as asked"
            ),
        ),
    ))
}

/// The note of a run whose criteria name a province ntm has no list for.
pub fn no_list_note(file: &str, province: &str, known: &str) -> Problem {
    Problem::warning(
        "no-official-list",
        file,
        Text::new(
            format!(
                "bộ tiêu chí của tỉnh {province}: ntm không có danh sách đơn vị hành chính chính thức của tỉnh này (chỉ có của tỉnh {known}; thêm bằng --units THƯ_MỤC), nên không đối chiếu mã, tên xã, và tỷ lệ xã của huyện tính trên các xã có trong tệp số liệu"
            ),
            format!(
                "the criteria are {province}'s: ntm has no official list of this province's administrative units (only {known}'s; add one with --units DIR), so codes and names are not checked, and district shares are over the communes in the data"
            ),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn units() -> Units {
        Units::bundled().expect("bundled units load")
    }

    fn render(o: &Outcome) -> Vec<String> {
        o.problems.iter().map(|p| p.render(Lang::En)).collect()
    }

    #[test]
    fn official_codes_are_checked_row_by_row() {
        let u = units();
        let mut a = Audit::new(&u, "xa.csv", Layer::Commune);
        a.row(2, "06190", "Bảo Lâm", "Cao Lộc", 2024);
        a.row(3, "06193", "xã Thanh Loà", "Huyện Cao Lộc", 2024);
        a.row(4, "06191", "Bảo Lâm", "Cao Lộc", 2024); // mistyped
        a.row(5, "06196", "Cao Lâm", "Cao Lộc", 2024); // wrong name
        a.row(6, "06199", "Thạch Đạn", "Chi Lăng", 2024); // wrong district
        let o = a.finish();
        assert!(o.official);
        assert_eq!((o.rows, o.found), (5, 4));
        let r = render(&o);
        assert_eq!(r.len(), 4, "{r:#?}");
        assert!(
            r[0].starts_with("xa.csv:4: note: column ma_xa: code 06191 (Bảo Lâm, year 2024) is not in the list in force from 01/12/2024 — ntm has no list before 01/12/2024, see the note on the list at the end; nearest by code: 06190 Xã Bảo Lâm (Huyện Cao Lộc), "),
            "{}",
            r[0]
        );
        assert!(
            r[0].contains("by name «Bảo Lâm»: 06190 Xã Bảo Lâm (Huyện Cao Lộc)"),
            "{}",
            r[0]
        );
        assert!(r[0].contains("the result is unchanged"), "{}", r[0]);
        assert!(
            r[1].starts_with("xa.csv:5: note: column ten_xa: the name differs from the official list: code 06196 is Xã Cao Lâu in the list from 01/12/2024"),
            "{}",
            r[1]
        );
        assert!(
            r[1].ends_with("found «Cao Lâm»; expected Xã Cao Lâu"),
            "{}",
            r[1]
        );
        assert!(
            r[2].starts_with("xa.csv:6: note: column huyen: commune 06199 (Thạch Đạn) belongs to 183 Huyện Cao Lộc"),
            "{}",
            r[2]
        );
        // 2024 began before the first list (1/12/2024): said once.
        assert!(
            r[3].starts_with("xa.csv: note: ntm has no list before 01/12/2024, so rows of 2024 are checked against the list from 01/12/2024"),
            "{}",
            r[3]
        );
    }

    #[test]
    fn own_codes_get_one_note() {
        let u = units();
        let mut a = Audit::new(&u, "xa.csv", Layer::Commune);
        for (i, c) in ["A", "B", "CL01", "06190"].iter().enumerate() {
            a.row(i + 2, c, "Bảo Lâm", "Cao Lộc", 2024);
        }
        let o = a.finish();
        assert!(!o.official);
        let r = render(&o);
        assert_eq!(r.len(), 1, "{r:#?}");
        assert!(
            r[0].starts_with(
                "xa.csv: note: column ma_xa: the file uses its own commune codes: only 1 of 4 rows"
            ),
            "{}",
            r[0]
        );
    }

    #[test]
    fn a_year_before_the_first_list_says_so() {
        let u = units();
        let mut a = Audit::new(&u, "xa.csv", Layer::Commune);
        a.row(2, "06190", "Bảo Lâm", "Cao Lộc", 2022);
        a.row(3, "06193", "Thanh Lòa", "Cao Lộc", 2022);
        a.row(4, "06999", "Vĩnh Tiến", "Tràng Định", 2022);
        let o = a.finish();
        let r = render(&o);
        assert_eq!(r.len(), 2, "{r:#?}");
        assert!(
            r[0].starts_with("xa.csv:4: note: column ma_xa: code 06999"),
            "{}",
            r[0]
        );
        assert!(
            r[0].contains("ntm has no list before 01/12/2024"),
            "{}",
            r[0]
        );
        assert!(
            r[1].starts_with("xa.csv: note: ntm has no list before 01/12/2024, so rows of 2022 are checked against the list from 01/12/2024"),
            "{}",
            r[1]
        );
    }

    #[test]
    fn a_reused_code_matches_either_list_of_2025() {
        let u = units();
        let mut a = Audit::new(&u, "xa.csv", Layer::Commune);
        a.row(2, "06475", "Gia Lộc", "Chi Lăng", 2025);
        a.row(3, "06475", "Bằng Mạc", "", 2025);
        a.row(4, "06475", "Hữu Kiên", "", 2025);
        let r = render(&a.finish());
        assert_eq!(r.len(), 1, "{r:#?}");
        assert!(
            r[0].contains("code 06475 is Xã Gia Lộc in the list from 01/12/2024, Xã Bằng Mạc in the list from 01/07/2025"),
            "{}",
            r[0]
        );
    }

    #[test]
    fn district_codes_and_names() {
        let u = units();
        let mut a = Audit::new(&u, "huyen.csv", Layer::District);
        a.row(2, "183", "Huyện Cao Lộc", "", 2024);
        a.row(3, "180", "Cao Lộc", "", 2024);
        a.row(4, "813", "Cao Lộc", "", 2024);
        let o = a.finish();
        assert!(o.official);
        let r = render(&o);
        assert_eq!(r.len(), 3, "{r:#?}");
        assert!(
            r[0].contains("code 180 is Huyện Tràng Định in the list from 01/12/2024"),
            "{}",
            r[0]
        );
        assert!(
            r[1].contains("district code 813 (Cao Lộc, year 2024) is not in the list in force from 01/12/2024; nearest by code: 183 Huyện Cao Lộc; by name «Cao Lộc»: 183 Huyện Cao Lộc"),
            "{}",
            r[1]
        );
    }
}
