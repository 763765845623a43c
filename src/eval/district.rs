//! Districts: which communes belong to which district, the shares of communes meeting each commune
//! set (the district set's conditions on its communes), and the communes that hold a district back.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::view::UnitView;
use super::{Derived, Evaluator, SetResult, UnitResult, Verdict};
use crate::criteria::{CriteriaSet, Input};
use crate::diag::Problem;
use crate::i18n::Text;
use crate::input::Row;
use crate::input::cell::fold;
use crate::units::{District, Edition, Fit, KindFilter, Pick, Unit, UnitKind, Units, name_matches};

/// A district's name or code as compared: no case, no diacritics, no spaces, no "huyện"/"thành phố"
/// prefix (`Huyện Cao Lộc`, `cao loc` and `CAO  LỘC` are the same district).
pub fn district_key(s: &str) -> String {
    let f = fold(s);
    let rest = ["huyen ", "thanh pho ", "thi xa ", "tp. ", "tp "]
        .iter()
        .find_map(|p| f.strip_prefix(p))
        .unwrap_or(&f);
    rest.replace(' ', "")
}

/// A commune whose district is not in the district file `district_file` (`unknown-district`, a
/// warning at the commune's row of `file`); `then` says what becomes of the commune, e.g. that it
/// is still scored but counts for no district.
pub fn unknown_district(file: &str, district_file: &str, c: &Row, then: Text) -> Problem {
    Problem::warning(
        "unknown-district",
        file,
        Text::new(
            format!(
                "huyện «{}» của xã {} không có trong tệp huyện {district_file} (năm {}): {}",
                c.parent, c.code, c.year, then.vi
            ),
            format!(
                "district «{}» of commune {} is not in the district file {district_file} (year {}): {}",
                c.parent, c.code, c.year, then.en
            ),
        ),
    )
    .at(c.line, None)
    .field("huyen")
    .found(c.parent.clone())
}

/// What a district needs to know of one of its communes.
#[derive(Debug, Clone, Serialize)]
pub struct CommuneRef {
    pub code: String,
    pub name: String,
    pub line: usize,
    /// The commune file it was read from (index in [`CommuneIndex`]'s files).
    #[serde(skip)]
    pub file: usize,
    /// Criteria met of the first commune set (xã NTM) and their total.
    pub criteria_met: usize,
    pub criteria_total: usize,
    pub level_reached: Option<String>,
    #[serde(skip)]
    pub qualified: Vec<(String, Verdict)>,
    /// The commune's recognition values (`hai_long`…), for the district's conditions on each commune.
    #[serde(skip)]
    pub values: Vec<(String, Option<f64>)>,
}

impl CommuneRef {
    pub fn verdict(&self, set: &str) -> Verdict {
        self.qualified
            .iter()
            .find(|(s, _)| s == set)
            .map_or(Verdict::Unknown, |(_, v)| *v)
    }
}

/// The communes of each district and year, built as the communes are evaluated.
#[derive(Debug, Default)]
pub struct CommuneIndex {
    /// The commune columns the district sets read of each commune (`min_over_communes`).
    columns: Vec<String>,
    by: HashMap<(String, i32), Vec<CommuneRef>>,
    /// Communes whose row names a district but no readable year: they may belong to any year of it.
    any_year: HashMap<String, Vec<CommuneRef>>,
    /// The commune files, in the order read, and whether each uses official codes.
    files: Vec<(String, bool)>,
    /// The file the communes added now come from.
    current: usize,
    /// The (district key, year) of every row of the district file, when there is one: a commune
    /// naming none of them (a misspelt district, an empty cell) may be of any district counted
    /// over the file's communes, so no such district qualifies without it.
    district_keys: Option<HashSet<(String, i32)>>,
    /// The names (keys, by year) that two district rows of other codes share: a commune naming one
    /// may be of either, so it is counted as placed in neither (see [`CommuneIndex::unplaced`]).
    ambiguous: HashSet<(String, i32)>,
}

/// What a district file's rows are named by, as (key, year) ([`district_key`]).
#[derive(Debug, Clone, Default)]
pub struct DistrictKeys {
    /// Every row's code and name, empty ones left out.
    pub keys: HashSet<(String, i32)>,
    /// The names shared by rows of different codes in one year (two districts of one name, e.g.
    /// in two provinces), not themselves a row's code.
    pub ambiguous: HashSet<(String, i32)>,
}

/// The keys of a district file's rows (code, name, year): see [`DistrictKeys`].
pub fn district_keys<'r>(rows: impl IntoIterator<Item = (&'r str, &'r str, i32)>) -> DistrictKeys {
    let mut keys = HashSet::new();
    let mut codes: HashSet<(String, i32)> = HashSet::new();
    let mut named: HashMap<(String, i32), HashSet<String>> = HashMap::new();
    for (code, name, year) in rows {
        let (c, n) = (district_key(code), district_key(name));
        if !c.is_empty() {
            keys.insert((c.clone(), year));
            codes.insert((c.clone(), year));
        }
        if !n.is_empty() {
            keys.insert((n.clone(), year));
            named.entry((n, year)).or_default().insert(c);
        }
    }
    let ambiguous = named
        .into_iter()
        .filter(|(k, codes_of)| codes_of.len() > 1 && !codes.contains(k))
        .map(|(k, _)| k)
        .collect();
    DistrictKeys { keys, ambiguous }
}

impl CommuneIndex {
    /// An index for the district sets `sets`: it keeps of each commune what they read.
    pub fn for_sets(sets: &[&CriteriaSet]) -> Self {
        let mut columns: Vec<String> = Vec::new();
        for c in sets.iter().flat_map(|s| {
            s.checks()
                .chain(s.recognition.iter().flat_map(|i| i.checks.iter()))
        }) {
            if let Input::MinOverCommunes(col) = &c.input
                && !columns.contains(col)
            {
                columns.push(col.clone());
            }
        }
        CommuneIndex {
            columns,
            ..CommuneIndex::default()
        }
    }

    /// The districts of the district file, by (key, year) as [`district_key`] gives them.
    /// `ambiguous`: the name keys two districts share (see [`district_keys`]).
    pub fn set_district_keys(&mut self, keys: DistrictKeys) {
        self.district_keys = Some(keys.keys);
        self.ambiguous = keys.ambiguous;
    }

    /// The communes of `year` that name no district of the district file (see
    /// [`CommuneIndex::set_district_keys`]); none when there is no district file.
    fn unplaced(&self, year: i32) -> Vec<&CommuneRef> {
        let Some(keys) = &self.district_keys else {
            return Vec::new();
        };
        let mut out: Vec<&CommuneRef> = self
            .by
            .iter()
            .filter(|((k, y), _)| *y == year && self.places_nowhere(k, year, keys))
            .flat_map(|(_, c)| c)
            .chain(
                self.any_year
                    .iter()
                    .filter(|(k, _)| self.places_nowhere(k, year, keys))
                    .flat_map(|(_, c)| c),
            )
            .collect();
        // In file order, whatever the map's.
        out.sort_by_key(|c| (c.file, c.line));
        out
    }

    /// Whether a commune naming `key` in `year` is placed in no district: none has that key, or
    /// two share it.
    fn places_nowhere(&self, key: &str, year: i32, keys: &HashSet<(String, i32)>) -> bool {
        let k = (key.to_string(), year);
        !keys.contains(&k) || self.ambiguous.contains(&k)
    }

    /// The communes added from now on come from `file`.
    pub fn begin_file(&mut self, file: &str) {
        self.current = match self.files.iter().position(|(f, _)| f == file) {
            Some(i) => i,
            None => {
                self.files.push((file.to_string(), false));
                self.files.len() - 1
            }
        };
    }

    /// Say whether `file` uses official codes (decided once the file is read, see
    /// [`crate::units::audit`]): its communes are then matched to the official list by code, else by name.
    pub fn set_official_codes(&mut self, file: &str, official: bool) {
        match self.files.iter_mut().find(|(f, _)| f == file) {
            Some(f) => f.1 = official,
            None => self.files.push((file.to_string(), official)),
        }
    }

    fn official_codes(&self, c: &CommuneRef) -> bool {
        self.files.get(c.file).is_some_and(|f| f.1)
    }

    fn file_name(&self, c: &CommuneRef) -> &str {
        self.files.get(c.file).map_or("", |f| f.0.as_str())
    }

    pub fn add(&mut self, r: &dyn UnitView) {
        let base = (r.sets() > 0).then(|| r.set(0));
        let c = CommuneRef {
            code: r.code().to_string(),
            name: r.name().to_string(),
            line: r.line(),
            file: self.current,
            criteria_met: base.map_or(0, |s| s.met),
            criteria_total: base.map_or(0, |s| s.total),
            level_reached: r.level_reached().map(String::from),
            qualified: (0..r.sets())
                .map(|i| (r.set(i).id.to_string(), r.set(i).qualified))
                .collect(),
            values: self
                .columns
                .iter()
                .map(|col| (col.clone(), r.value(col)))
                .collect(),
        };
        self.by
            .entry((district_key(r.parent()), r.year()))
            .or_default()
            .push(c);
    }

    /// A commune whose year could not be read (`Unscored` without a year): it is counted, unknown, in
    /// every year of its district, so that no district qualifies without it.
    pub fn add_unknown_any_year(&mut self, u: &crate::input::Unscored) {
        if u.parent.is_empty() || u.code.is_empty() {
            return;
        }
        self.any_year
            .entry(district_key(&u.parent))
            .or_default()
            .push(CommuneRef {
                code: u.code.clone(),
                name: u.name.clone(),
                line: u.line,
                file: self.current,
                criteria_met: 0,
                criteria_total: 0,
                level_reached: None,
                qualified: Vec::new(),
                values: Vec::new(),
            });
    }

    /// A commune whose row could not be read: it belongs to its district, with every result unknown.
    pub fn add_unknown(&mut self, row: &Row) {
        let c = CommuneRef {
            code: row.code.clone(),
            name: row.name.clone(),
            line: row.line,
            file: self.current,
            criteria_met: 0,
            criteria_total: 0,
            level_reached: None,
            qualified: Vec::new(),
            values: Vec::new(),
        };
        self.by
            .entry((district_key(&row.parent), row.year))
            .or_default()
            .push(c);
    }

    /// The communes of a district row in its year, whether they name the district by its code or
    /// by its name (a file may mix both).
    pub fn communes(&self, district: &Row) -> Vec<&CommuneRef> {
        let mut keys = vec![district_key(&district.code), district_key(&district.name)];
        // A name two districts share places no commune in either (they are unplaced).
        keys.retain(|k| !k.is_empty() && !self.ambiguous.contains(&(k.clone(), district.year)));
        keys.dedup();
        let mut out: Vec<&CommuneRef> = Vec::new();
        for k in keys {
            let dated = self
                .by
                .get(&(k.clone(), district.year))
                .into_iter()
                .flatten();
            for c in dated.chain(self.any_year.get(&k).into_iter().flatten()) {
                if !out.iter().any(|o| o.code == c.code) {
                    out.push(c);
                }
            }
        }
        out
    }

    /// District keys (and years) that have communes, for telling which communes found no district.
    pub fn keys(&self) -> impl Iterator<Item = &(String, i32)> {
        self.by.keys()
    }
}

/// How a district's communes are counted: over its xã in an official list, or over the communes
/// found in the commune data.
#[derive(Debug, Clone, Copy)]
pub enum Over<'u> {
    /// The district's code is in the official list of its year: the shares are over the xã of that
    /// list (thị trấn and phường are not counted), a xã without a row counted as unknown.
    List {
        pick: Pick<'u>,
        district: &'u District,
    },
    /// Over the communes of the data naming the district. `listed`: official lists are known, but
    /// the district's code is not in them (own codes), so the report says the shares are over the
    /// communes in the file.
    File { listed: bool },
}

/// The official lists a run counts districts over, if any, and whether the district file uses
/// official codes ([`crate::units::audit`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lists<'u> {
    pub units: Option<&'u Units>,
    pub official_codes: bool,
}

impl<'u> Lists<'u> {
    /// How a district row's communes are counted: over its official list when the file's codes are
    /// official and the row's code is in a list of its year.
    pub fn over(&self, row: &Row) -> Over<'u> {
        let Some(units) = self.units else {
            return Over::File { listed: false };
        };
        if !self.official_codes {
            return Over::File { listed: true };
        }
        match units.district_for_year(row.code.trim(), row.year) {
            Some((pick, district)) => Over::List { pick, district },
            None => Over::File { listed: true },
        }
    }
}

/// How the shares of a district were counted, as the reports say it.
#[derive(Debug, Clone, Serialize)]
pub struct CountedOver {
    /// `official_list` or `file`.
    pub basis: &'static str,
    /// The official list's id and the date it took effect (`official_list`).
    pub list: Option<String>,
    pub list_from: Option<String>,
    /// The data's year begins before that list (units abolished before it are not in it).
    pub before_list: bool,
    /// The district's xã in the list.
    pub listed_xa: Option<usize>,
    /// `file` although official lists are known: the district's code is not in them.
    pub code_not_in_list: bool,
}

impl CountedOver {
    pub fn official(&self) -> bool {
        self.basis == "official_list"
    }
}

/// A xã of the official list that has no row in the commune data of its year.
#[derive(Debug, Clone, Serialize)]
pub struct MissingCommune {
    pub code: String,
    /// The official name with its type: `Xã Tân Thành`.
    pub name: String,
}

/// The communes a district row is counted over.
#[derive(Debug)]
pub struct Counted<'a> {
    pub communes: Vec<&'a CommuneRef>,
    pub missing: Vec<MissingCommune>,
    /// Counted over the file's communes: those of the year that name no district of the district
    /// file, any of which may be this district's (so a share is known only if it holds, or fails,
    /// with or without them).
    pub unplaced: Vec<&'a CommuneRef>,
    pub over: CountedOver,
    /// Communes naming the district that are not counted (a thị trấn, a code not in its list…).
    pub notes: Vec<Problem>,
    columns: &'a [String],
}

impl CommuneIndex {
    /// The communes a district row is counted over (see [`Over`]).
    pub fn count<'a>(&'a self, district: &Row, over: Over<'_>) -> Counted<'a> {
        let found = self.communes(district);
        let (pick, official) = match over {
            Over::File { listed } => {
                let unplaced = self.unplaced(district.year);
                let notes = unplaced_note(district, &unplaced, |c| self.file_name(c))
                    .into_iter()
                    .collect();
                return Counted {
                    communes: found,
                    missing: Vec::new(),
                    unplaced,
                    over: CountedOver {
                        basis: "file",
                        list: None,
                        list_from: None,
                        before_list: false,
                        listed_xa: None,
                        code_not_in_list: listed,
                    },
                    notes,
                    columns: &self.columns,
                };
            }
            Over::List { pick, district } => (pick, district),
        };
        let list_from = pick.edition.valid_from.vi();
        // The data's year begins before the list: units abolished before it are not in it.
        let from = pick.edition.valid_from;
        let before_list = pick.fit == Fit::Earlier
            || (from.year == district.year && (from.month, from.day) != (1, 1));
        let mut communes: Vec<&CommuneRef> = Vec::new();
        let mut taken: Vec<(&str, &CommuneRef)> = Vec::new();
        let mut notes = Vec::new();
        for c in found {
            let unit = self.resolve(c, official, pick.edition);
            let why = match unit {
                Ok(u) if u.kind == UnitKind::Xa => {
                    if let Some((_, first)) = taken.iter().find(|(code, _)| *code == u.code) {
                        Some(Text::new(
                            format!(
                                "dòng {} đã là {} {} của huyện: không tính lần nữa",
                                first.line,
                                u.code,
                                u.full_name()
                            ),
                            format!(
                                "line {} already stands for {} {} of the district: not counted twice",
                                first.line,
                                u.code,
                                u.full_name()
                            ),
                        ))
                    } else {
                        taken.push((&u.code, c));
                        communes.push(c);
                        None
                    }
                }
                Ok(u) => Some(Text::new(
                    format!(
                        "{} {} là {}, không tính vào các xã của huyện (chỉ tiêu huyện NTM tính trên xã)",
                        u.code,
                        u.full_name(),
                        u.kind.label()
                    ),
                    format!(
                        "{} {} is a {}, not counted among the district's xã (huyện NTM counts xã)",
                        u.code,
                        u.full_name(),
                        match u.kind {
                            UnitKind::Phuong => "ward (phường)",
                            _ => "town (thị trấn)",
                        }
                    ),
                )),
                Err((why, maybe_abolished)) if before_list && maybe_abolished => {
                    // It may be a xã of that year that the list no longer has: it counts, so that
                    // no district qualifies without it.
                    communes.push(c);
                    Some(Text::new(
                        format!(
                            "{}; năm {} bắt đầu trước danh sách từ {list_from} (ntm không có danh sách cũ hơn), nên xã vẫn được tính vào tỷ lệ: có thể là đơn vị bị nhập, bỏ trước ngày đó",
                            why.vi, district.year
                        ),
                        format!(
                            "{}; {} begins before the list from {list_from} (ntm has no older list), so the commune still counts in the shares: it may be a unit merged or abolished before that date",
                            why.en, district.year
                        ),
                    ))
                }
                Err((why, _)) => Some(Text::new(
                    format!("{}: không tính vào tỷ lệ", why.vi),
                    format!("{}: not counted in the shares", why.en),
                )),
            };
            if let Some(why) = why {
                notes.push(
                    Problem::warning(
                        "not-counted",
                        self.file_name(c),
                        Text::new(
                            format!(
                                "xã {} ({}) ghi thuộc {} năm {}: {}",
                                c.code,
                                c.name,
                                official.full_name(),
                                district.year,
                                why.vi
                            ),
                            format!(
                                "commune {} ({}) names {} in {}: {}",
                                c.code,
                                c.name,
                                official.full_name(),
                                district.year,
                                why.en
                            ),
                        ),
                    )
                    .at(c.line, None)
                    .field("ma_xa")
                    .found(c.code.clone()),
                );
            }
        }
        let missing = official
            .communes(KindFilter::Xa)
            .filter(|u| !taken.iter().any(|(code, _)| *code == u.code))
            .map(|u| MissingCommune {
                code: u.code.clone(),
                name: u.full_name(),
            })
            .collect();
        Counted {
            communes,
            missing,
            unplaced: Vec::new(),
            over: CountedOver {
                basis: "official_list",
                list: Some(pick.edition.id.clone()),
                list_from: Some(list_from),
                before_list,
                listed_xa: Some(official.count(KindFilter::Xa)),
                code_not_in_list: false,
            },
            notes,
            columns: &self.columns,
        }
    }

    /// The unit of the official district a commune row stands for: by its code when its file uses
    /// official codes, else by its name (one unit of that name in the district, never a guess).
    /// Why not, and whether the row may stand for a unit abolished before the list (its code is in
    /// no district of the list, or its name in none of this district's units).
    fn resolve<'u>(
        &self,
        c: &CommuneRef,
        d: &'u District,
        edition: &Edition,
    ) -> Result<&'u Unit, (Text, bool)> {
        if self.official_codes(c) {
            return d.units.iter().find(|u| u.code == c.code).ok_or_else(|| {
                (
                    Text::new(
                        format!(
                            "mã {} không có trong danh sách xã, thị trấn của {}",
                            c.code,
                            d.full_name()
                        ),
                        format!(
                            "code {} is not in {}'s list of communes and towns",
                            c.code,
                            d.full_name()
                        ),
                    ),
                    edition.unit(&c.code).is_none(),
                )
            });
        }
        let named: Vec<&Unit> = d
            .units
            .iter()
            .filter(|u| name_matches(u, &c.name))
            .collect();
        let listed = |units: &[&Unit]| {
            units
                .iter()
                .map(|u| format!("{} {}", u.code, u.full_name()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match named.as_slice() {
            [u] => Ok(u),
            [] => Err((
                Text::new(
                    format!(
                        "tên «{}» không có trong danh sách xã, thị trấn của {} (tệp dùng mã riêng, xã được nhận theo tên)",
                        c.name,
                        d.full_name()
                    ),
                    format!(
                        "the name «{}» is not in {}'s list of communes and towns (the file uses its own codes, communes are recognised by name)",
                        c.name,
                        d.full_name()
                    ),
                ),
                true,
            )),
            _ => Err((
                Text::new(
                    format!(
                        "tên «{}» là tên của {} đơn vị của {} ({}): cần ghi rõ loại (Xã …, Thị trấn …) hoặc dùng mã chính thức",
                        c.name,
                        named.len(),
                        d.full_name(),
                        listed(&named)
                    ),
                    format!(
                        "the name «{}» is that of {} units of {} ({}): write the type (Xã …, Thị trấn …) or use the official code",
                        c.name,
                        named.len(),
                        d.full_name(),
                        listed(&named)
                    ),
                ),
                false,
            )),
        }
    }
}

/// The warning that communes naming no district of the district file may be `district`'s
/// (`unplaced-communes`), naming the first few; none when there are none.
fn unplaced_note<'a>(
    district: &Row,
    unplaced: &[&'a CommuneRef],
    file_of: impl Fn(&'a CommuneRef) -> &'a str,
) -> Option<Problem> {
    let first = unplaced.first()?;
    let named = crate::diag::first_few(
        unplaced.iter().map(|c| format!("{} ({})", c.code, c.name)),
        unplaced.len(),
    );
    let (n, d, y) = (unplaced.len(), district.name.as_str(), district.year);
    Some(
        Problem::warning(
            "unplaced-communes",
            file_of(first),
            Text::new(
                format!(
                    "{n} xã năm {y} ghi huyện không có trong tệp huyện, để trống, hoặc ghi tên mà hai huyện trong tệp cùng mang: {named}; {d} được tính trên các xã có trong tệp số liệu xã, nên các xã này có thể là của {d}: tỷ lệ xã của huyện chỉ được coi là đạt nếu vẫn đạt khi tính cả chúng (chưa đạt); sửa cột huyen của các xã này"
                ),
                format!(
                    "{n} commune(s) of {y} name a district not in the district file, none, or a name two districts of the file share: {named}; {d} is counted over the communes of the commune file, so they may be of {d}: its shares of communes hold only if they hold with them counted (not meeting); correct their huyen column"
                ),
            ),
        )
        .at(first.line, None)
        .field("huyen"),
    )
}

impl Derived for Counted<'_> {
    fn share_meeting(&self, set: &str) -> Option<(f64, f64)> {
        let n = self.communes.len() + self.missing.len();
        let u = self.unplaced.len() as f64;
        if n == 0 {
            // Only communes that may be of it: anything.
            return (u > 0.0).then_some((0.0, 100.0));
        }
        let n = n as f64;
        let pass = self
            .communes
            .iter()
            .filter(|c| c.verdict(set) == Verdict::Pass)
            .count() as f64;
        let open = self
            .communes
            .iter()
            .filter(|c| c.verdict(set) == Verdict::Unknown)
            .count()
            + self.missing.len();
        let open = open as f64;
        // The communes that may be of it: all of it and failing at worst, none of it or all of it
        // and meeting at best.
        let low = 100.0 * pass / (n + u);
        let high = (100.0 * (pass + open) / n).max(100.0 * (pass + open + u) / (n + u));
        Some((low, high))
    }

    fn min_over_communes(&self, column: &str) -> Option<f64> {
        // A xã without a row may hold the lowest value.
        if !self.missing.is_empty() || !self.columns.iter().any(|c| c == column) {
            return None;
        }
        let value = |c: &CommuneRef| {
            c.values
                .iter()
                .find(|(k, _)| k == column)
                .and_then(|(_, v)| *v)
        };
        let mut low: Option<f64> = None;
        for c in &self.communes {
            let v = value(c)?;
            low = Some(low.map_or(v, |l: f64| l.min(v)));
        }
        // A commune that may be of it and may hold a lower value: unknown.
        let low = low?;
        self.unplaced
            .iter()
            .all(|c| value(c).is_some_and(|v| v >= low))
            .then_some(low)
    }
}

/// One of the district set's conditions on its communes, and where it stands.
#[derive(Debug, Clone, Serialize)]
pub struct ShareOutcome {
    pub indicator: String,
    pub set: String,
    pub communes_total: usize,
    pub communes_meeting: usize,
    pub communes_unknown: usize,
    /// How many more communes must meet `set` for the condition to hold (0 when it holds).
    pub needed_more: usize,
}

/// A commune that keeps its district from a condition that needs every commune.
#[derive(Debug, Clone, Serialize)]
pub struct Blocking {
    pub code: String,
    pub name: String,
    pub set: String,
    pub status: Verdict,
    pub criteria_met: usize,
    pub criteria_total: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DistrictResult {
    pub unit: UnitResult,
    /// The communes counted: the district's xã in the official list, or those in the file.
    pub communes_total: usize,
    /// Communes meeting the first commune set (xã NTM).
    pub communes_ntm: usize,
    pub share_ntm: Option<f64>,
    pub shares: Vec<ShareOutcome>,
    pub blocking_communes: Vec<Blocking>,
    /// How the communes were counted.
    pub over: CountedOver,
    /// Xã of the official list without a row in the commune data: the district is then unknown at
    /// best, never qualified.
    pub missing_communes: Vec<MissingCommune>,
    /// Communes naming the district that were not counted, and why (for the caller to report).
    #[serde(skip)]
    pub notes: Vec<Problem>,
}

impl DistrictResult {
    /// The result at the district's own set: the last of the chain it was scored against.
    pub fn district_set(&self) -> Option<&SetResult> {
        self.unit.sets.last()
    }

    /// Whether the district qualifies (unknown when no set was scored).
    pub fn qualified(&self) -> Verdict {
        self.district_set()
            .map_or(Verdict::Unknown, |s| s.qualified)
    }
}

/// Evaluate a district row with the commune results of its district and year, counted as `over`
/// says.
pub fn evaluate_district(
    ev: &Evaluator,
    row: &Row,
    index: &CommuneIndex,
    over: Over<'_>,
    base: &str,
    set: &CriteriaSet,
) -> DistrictResult {
    let counted = index.count(row, over);
    let mut unit = ev.evaluate(row, &counted);
    let communes = &counted.communes;
    let missing = counted.missing.len();
    let total = communes.len() + missing;
    let communes_ntm = communes
        .iter()
        .filter(|c| c.verdict(base) == Verdict::Pass)
        .count();
    let mut shares = Vec::new();
    let mut blocking = Vec::new();
    for ind in set.indicators() {
        for check in &ind.checks {
            let Input::ShareOfCommunesMeeting(target) = &check.input else {
                continue;
            };
            let threshold = check
                .threshold
                .as_ref()
                .and_then(|t| t.resolve(row.year, ev.version(), &|_| None).ok())
                .map_or(100.0, |t| t.value);
            let meeting = communes
                .iter()
                .filter(|c| c.verdict(target) == Verdict::Pass)
                .count();
            let unknown = communes
                .iter()
                .filter(|c| c.verdict(target) == Verdict::Unknown)
                .count()
                + missing
                + counted.unplaced.len();
            let required = ((threshold / 100.0) * total as f64 - 1e-9).ceil().max(0.0) as usize;
            let needed_more = required.saturating_sub(meeting);
            // Every commune must meet it: name the ones that do not (the xã without a row are
            // listed in `missing_communes`).
            if needed_more > 0 && needed_more == total - meeting {
                for c in communes
                    .iter()
                    .filter(|c| c.verdict(target) != Verdict::Pass)
                {
                    blocking.push(Blocking {
                        code: c.code.clone(),
                        name: c.name.clone(),
                        set: target.clone(),
                        status: c.verdict(target),
                        criteria_met: c.criteria_met,
                        criteria_total: c.criteria_total,
                    });
                }
            }
            shares.push(ShareOutcome {
                indicator: ind.code.clone(),
                set: target.clone(),
                communes_total: total,
                communes_meeting: meeting,
                communes_unknown: unknown,
                needed_more,
            });
        }
    }
    if missing > 0 {
        never_qualified(&mut unit);
    }
    DistrictResult {
        unit,
        communes_total: total,
        communes_ntm,
        share_ntm: (total > 0).then(|| 100.0 * communes_ntm as f64 / total as f64),
        shares,
        blocking_communes: blocking,
        over: counted.over,
        missing_communes: counted.missing,
        notes: counted.notes,
    }
}

/// A district with xã missing from the data is unknown at best: a set it would meet is unknown, and
/// so is its readiness for recognition.
fn never_qualified(unit: &mut UnitResult) {
    let mut capped = false;
    for s in &mut unit.sets {
        if s.qualified == Verdict::Pass {
            s.qualified = Verdict::Unknown;
            capped = true;
        }
    }
    if capped {
        unit.level_reached = None;
        if let Some(r) = &mut unit.readiness
            && r.ready == Some(Verdict::Pass)
        {
            r.ready = Some(Verdict::Unknown);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(code: &str, name: &str, verdict: Verdict) -> CommuneRef {
        CommuneRef {
            code: code.into(),
            name: name.into(),
            line: 2,
            file: 0,
            criteria_met: 19,
            criteria_total: 19,
            level_reached: None,
            qualified: vec![("xa-ntm".into(), verdict)],
            values: Vec::new(),
        }
    }

    fn row(code: &str, name: &str, year: i32) -> Row {
        Row {
            line: 2,
            code: code.into(),
            name: name.into(),
            parent: String::new(),
            year,
            group: None,
            cells: Vec::new(),
            written: Vec::new(),
        }
    }

    /// An index of one file of official codes: `communes` in huyện Cao Lộc, `year`.
    fn index(communes: Vec<CommuneRef>, year: i32) -> CommuneIndex {
        let mut index = CommuneIndex::default();
        index.begin_file("xa.csv");
        index.set_official_codes("xa.csv", true);
        index.by.insert(("caoloc".into(), year), communes);
        index
    }

    #[test]
    fn over_the_official_list_a_xa_without_a_row_is_unknown() {
        let units = Units::bundled().unwrap();
        let cao_loc = units
            .edition("2024-12-01")
            .unwrap()
            .district("183")
            .unwrap();
        // 19 of the 20 xã meet xã NTM, Tân Thành (06250) has no row, the thị trấn Đồng Đăng fails.
        let mut refs: Vec<CommuneRef> = cao_loc
            .communes(KindFilter::Xa)
            .filter(|u| u.code != "06250")
            .map(|u| commune(&u.code, &u.name, Verdict::Pass))
            .collect();
        refs.push(commune("06184", "Đồng Đăng", Verdict::Fail));
        let index = index(refs, 2024);
        let d = row("183", "Huyện Cao Lộc", 2024);
        let lists = Lists {
            units: Some(&units),
            official_codes: true,
        };
        let c = index.count(&d, lists.over(&d));
        assert_eq!(c.communes.len(), 19);
        assert_eq!(c.missing.len(), 1);
        assert_eq!(
            (c.missing[0].code.as_str(), c.missing[0].name.as_str()),
            ("06250", "Xã Tân Thành")
        );
        // 19/20 meet it; the missing one may or may not: unknown between 95 and 100 %.
        assert_eq!(c.share_meeting("xa-ntm"), Some((95.0, 100.0)));
        assert_eq!(c.over.listed_xa, Some(20));
        assert!(
            c.over.before_list,
            "2024 began before the list of 1/12/2024"
        );
        assert_eq!(c.notes.len(), 1, "the thị trấn, not counted");
        assert_eq!(c.notes[0].kind, "not-counted");
        // The district file's codes are its own: over the file's 20 communes, as before.
        let own = Lists {
            units: Some(&units),
            official_codes: false,
        };
        let c = index.count(&d, own.over(&d));
        assert_eq!((c.communes.len(), c.missing.len()), (20, 0));
        assert_eq!(c.share_meeting("xa-ntm"), Some((95.0, 95.0)));
    }

    #[test]
    fn before_the_list_a_code_it_does_not_have_still_counts() {
        let units = Units::bundled().unwrap();
        let cao_loc = units
            .edition("2024-12-01")
            .unwrap()
            .district("183")
            .unwrap();
        let mut refs: Vec<CommuneRef> = cao_loc
            .communes(KindFilter::Xa)
            .map(|u| commune(&u.code, &u.name, Verdict::Pass))
            .collect();
        // A code in no list (a unit merged away before 1/12/2024?) that failed, and a code of
        // another district (Gia Lộc, Chi Lăng).
        refs.push(commune("06999", "Xã cũ", Verdict::Fail));
        refs.push(commune("06475", "Gia Lộc", Verdict::Pass));
        let index = index(refs, 2023);
        let d = row("183", "Cao Lộc", 2023);
        let lists = Lists {
            units: Some(&units),
            official_codes: true,
        };
        let c = index.count(&d, lists.over(&d));
        assert_eq!(c.communes.len(), 21, "the 20 xã and the unknown code");
        assert!(c.missing.is_empty());
        assert_eq!(
            c.share_meeting("xa-ntm"),
            Some((2000.0 / 21.0, 2000.0 / 21.0))
        );
        assert_eq!(c.notes.len(), 2);
    }

    #[test]
    fn district_names_match_without_case_diacritics_or_prefix() {
        assert_eq!(district_key("Huyện Cao Lộc"), "caoloc");
        assert_eq!(district_key("cao loc"), "caoloc");
        assert_eq!(district_key("CAO  LỘC"), "caoloc");
        assert_eq!(district_key("Thành phố Lạng Sơn"), "langson");
        assert_ne!(district_key("Lộc Bình"), district_key("Cao Lộc"));
    }
}
