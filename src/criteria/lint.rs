//! The rules criteria files must follow. [`super::load`] reads each file into the model and applies the
//! rules on single values as it goes ([`Ctx`], [`check_range`], [`progress_groups`]…), recording where
//! things stand ([`Locs`]); [`check_version`] then judges what needs every set of the version:
//! references between sets, their levels, cycles of prerequisites and the meaning of columns.

use std::collections::HashMap;

use toml::Spanned;

use super::{CriteriaSet, Input, Kind, Level, Plausible, Threshold, Version};
use crate::diag::Problem;
use crate::i18n::Text;

/// The problems found in one file, located in its text.
pub(super) struct Ctx<'a> {
    pub file: &'a str,
    pub src: &'a str,
    pub problems: Vec<Problem>,
}

impl Ctx<'_> {
    pub fn err(&mut self, kind: &'static str, offset: usize, message: Text) {
        self.problems
            .push(Problem::error(kind, self.file, message).at_offset(self.src, offset));
    }

    /// An error that also says what was expected instead.
    pub fn err_exp(&mut self, kind: &'static str, offset: usize, message: Text, expected: Text) {
        self.err(kind, offset, message);
        if let Some(p) = self.problems.last_mut() {
            p.expected = Some(expected);
        }
    }
}

/// The input columns read as a row's identity, never as indicator values (commune and district files;
/// `nhom_xa`, the commune group, when the version declares groups).
const METADATA_COLUMNS: [&str; 7] = [
    "ma_xa",
    "ten_xa",
    "huyen",
    "nam",
    "ma_huyen",
    "ten_huyen",
    super::GROUP_COLUMN,
];

/// The years a validity window or a dated threshold may name.
pub(super) const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A serde or TOML error, located. Serde stops at the first error, so a file gets one such problem.
pub(super) fn toml_error(file: &str, src: &str, e: &toml::de::Error) -> Problem {
    let msg = e.message().trim().to_string();
    let (kind, vi) = match unknown_field(&msg) {
        Some((field, allowed)) => {
            let hint = nearest_field(&field, &allowed)
                .map(|n| format!(" Có phải ý bạn là «{n}»?"))
                .unwrap_or_default();
            let allowed = if allowed.is_empty() {
                "không có khóa nào".to_string()
            } else {
                allowed.join(", ")
            };
            (
                "unknown-key",
                format!("khóa «{field}» không hợp lệ ở đây; các khóa được phép: {allowed}.{hint}"),
            )
        }
        // A date where a number was expected (`threshold = 2024-01-01`): serde names it by the
        // parser's private key.
        None if msg.contains("__toml_private_datetime") => {
            let p = Problem::error(
                "toml",
                file,
                Text::new(
                    "gặp một ngày tháng ở chỗ cần một số (ngưỡng là một số, hay bảng theo năm { 2024 = 42 })",
                    "found a date where a number is expected (a threshold is a number, or a table by year { 2024 = 42 })",
                ),
            );
            return match e.span() {
                Some(span) => p.at_offset(src, span.start),
                None => p,
            };
        }
        None => ("toml", format!("tệp tiêu chí không hợp lệ: {msg}")),
    };
    let mut p = Problem::error(
        kind,
        file,
        Text::new(vi, format!("invalid criteria file: {msg}")),
    );
    if let Some(span) = e.span() {
        p = p.at_offset(src, span.start);
    }
    p
}

/// The field and the allowed fields of serde's "unknown field `x`, expected one of `a`, `b`".
fn unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    // The allowed fields are the quoted words that follow (none for "there are no fields").
    let allowed = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    Some((field.to_string(), allowed))
}

/// The allowed field nearest to `field`, when close enough to be a likely typo.
fn nearest_field<'a>(field: &str, allowed: &'a [String]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (strsim::damerau_levenshtein(field, a), a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 3) && *d < a.len().max(field.len()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a.as_str())
}

/// `progress_groups` are the lower bounds of groups by criteria met: strictly decreasing, from at most the
/// number of criteria, down to 0 (so that every unit falls in one group).
pub(super) fn progress_groups(groups: &[Spanned<usize>], criteria: usize, cx: &mut Ctx) {
    let expected = || {
        Text::new(
            format!(
                "các cận dưới giảm dần từ tối đa {criteria} (số tiêu chí) đến 0, ví dụ [19, 15, 10, 5, 0]"
            ),
            format!(
                "lower bounds decreasing from at most {criteria} (the number of criteria) to 0, such as [19, 15, 10, 5, 0]"
            ),
        )
    };
    let (Some(first), Some(last)) = (groups.first(), groups.last()) else {
        return;
    };
    if *first.get_ref() > criteria {
        cx.err_exp(
            "progress-groups",
            first.span().start,
            Text::new(
                format!(
                    "progress_groups bắt đầu từ {} nhưng bộ chỉ có {criteria} tiêu chí",
                    first.get_ref()
                ),
                format!(
                    "progress_groups starts at {} but the set has {criteria} criteria",
                    first.get_ref()
                ),
            ),
            expected(),
        );
    }
    for pair in groups.windows(2) {
        let (a, b) = (*pair[0].get_ref(), *pair[1].get_ref());
        if b >= a {
            cx.err_exp(
                "progress-groups",
                pair[1].span().start,
                Text::new(
                    format!("progress_groups không giảm dần: {b} đứng sau {a}"),
                    format!("progress_groups is not strictly decreasing: {b} follows {a}"),
                ),
                expected(),
            );
        }
    }
    if *last.get_ref() != 0 {
        cx.err_exp(
            "progress-groups",
            last.span().start,
            Text::new(
                format!(
                    "progress_groups kết thúc ở {} thay vì 0: đơn vị đạt ít tiêu chí hơn không thuộc nhóm nào",
                    last.get_ref()
                ),
                format!(
                    "progress_groups ends at {} instead of 0: units meeting fewer criteria fall in no group",
                    last.get_ref()
                ),
            ),
            expected(),
        );
    }
}

pub(super) fn check_range(n: f64, kind: Kind, code: &str, cx: &mut Ctx, at: usize) {
    if not_finite("threshold", n, code, cx, at) {
        return;
    }
    let ok = match kind {
        Kind::Pct => (0.0..=100.0).contains(&n),
        _ => n >= 0.0 && n.is_finite(),
    };
    if !ok {
        cx.err(
            "threshold-range",
            at,
            Text::new(
                format!("chỉ tiêu {code}: ngưỡng {n} nằm ngoài khoảng cho phép (tỷ lệ: 0–100; số: ≥ 0)"),
                format!("indicator {code}: threshold {n} is out of range (percentages 0–100, numbers ≥ 0)"),
            ),
        );
    }
}

/// A check's `plausible = { min, max }`: finite, `min ≤ max`, not negative, within 0–100 for a percentage,
/// and only on a number or a percentage. Returns the bounds when they can be used.
pub(super) fn plausible(
    min: Spanned<f64>,
    max: Spanned<f64>,
    kind: Kind,
    code: &str,
    cx: &mut Ctx,
    at: usize,
) -> Option<(f64, f64)> {
    if kind == Kind::Bool {
        cx.err_exp(
            "plausible",
            at,
            Text::new(
                format!("chỉ tiêu {code}: kind = \"bool\" (Đạt/Không đạt) không có khoảng giá trị"),
                format!("indicator {code}: kind = \"bool\" (Đạt/Không đạt) has no range of values"),
            ),
            Text::new("bỏ `plausible`", "remove `plausible`"),
        );
        return None;
    }
    let (lo, hi) = (*min.get_ref(), *max.get_ref());
    let bad_lo = not_finite("plausible.min", lo, code, cx, min.span().start);
    let bad_hi = not_finite("plausible.max", hi, code, cx, max.span().start);
    if bad_lo || bad_hi {
        return None;
    }
    let domain = Plausible::of_kind(kind);
    let expected = || {
        Text::new(
            format!(
                "0 ≤ min ≤ max{}",
                if kind == Kind::Pct {
                    " ≤ 100 (tỷ lệ %)"
                } else {
                    ""
                }
            ),
            format!(
                "0 ≤ min ≤ max{}",
                if kind == Kind::Pct {
                    " ≤ 100 (a percentage)"
                } else {
                    ""
                }
            ),
        )
    };
    if lo > hi || lo < domain.min || hi > domain.max {
        cx.err_exp(
            "plausible",
            min.span().start,
            Text::new(
                format!("chỉ tiêu {code}: khoảng giá trị hợp lý {lo}–{hi} không dùng được"),
                format!("indicator {code}: the plausible range {lo}–{hi} cannot be used"),
            ),
            expected(),
        );
        return None;
    }
    Some((lo, hi))
}

/// Reports a NaN or infinite number (TOML allows `nan` and `inf`); returns whether it was one.
pub(super) fn not_finite(key: &str, n: f64, code: &str, cx: &mut Ctx, at: usize) -> bool {
    if n.is_finite() {
        return false;
    }
    cx.err_exp(
        "not-finite",
        at,
        Text::new(
            format!("chỉ tiêu {code}: {key} = {n} không phải là một số hữu hạn"),
            format!("indicator {code}: {key} = {n} is not a finite number"),
        ),
        Text::new("một số hữu hạn", "a finite number"),
    );
    true
}

/// A check may not read an identifying column: the reader takes it as the row's identity, so the
/// indicator would always be missing.
pub(super) fn metadata_column(col: &Spanned<String>, code: &str, cx: &mut Ctx) {
    // As the data reader matches a header: case, accents and spaces do not matter.
    let folded = deunicode::deunicode(&col.get_ref().trim().to_lowercase()).replace(' ', "_");
    if METADATA_COLUMNS.contains(&folded.as_str()) {
        let list = METADATA_COLUMNS.join(", ");
        cx.err_exp(
            "metadata-column",
            col.span().start,
            Text::new(
                format!("chỉ tiêu {code}: cột {} là cột định danh ({list}), được đọc làm thông tin của đơn vị: chỉ tiêu sẽ luôn thiếu số liệu", col.get_ref()),
                format!("indicator {code}: column {} is an identifying column ({list}), read as the unit's metadata: the indicator would always be missing", col.get_ref()),
            ),
            Text::new(
                "mã cột của một chỉ tiêu (2.2, nc2.2, km3…)",
                "an indicator column id (2.2, nc2.2, km3…)",
            ),
        );
    }
}

/// `valid_from` and `valid_to` name plausible years.
pub(super) fn validity_year(key: &str, year: &Spanned<i32>, cx: &mut Ctx) {
    let y = *year.get_ref();
    if !YEARS.contains(&y) {
        cx.err_exp(
            "validity-range",
            year.span().start,
            Text::new(
                format!("{key} = {y} nằm ngoài khoảng năm cho phép"),
                format!("{key} = {y} is outside the years allowed"),
            ),
            Text::new("một năm từ 1900 đến 2200", "a year from 1900 to 2200"),
        );
    }
}

/// A criterion with no indicator would pass for every unit.
pub(super) fn no_indicator(number: &str, at: usize, level: Level, cx: &mut Ctx) {
    let (vi, en) = level_words(level);
    cx.err_exp(
        "no-indicator",
        at,
        Text::new(
            format!("tiêu chí {number} không có chỉ tiêu nào: sẽ đạt với mọi {vi}"),
            format!("criterion {number} has no indicator: it would pass for every {en}"),
        ),
        Text::new(
            "ít nhất một [[criterion.indicator]]",
            "at least one [[criterion.indicator]]",
        ),
    );
}

/// A check that reads a data column, where it stands.
pub(super) struct ColumnLoc {
    pub column: String,
    pub kind: Kind,
    pub unit: Option<String>,
    pub plausible: Option<Plausible>,
    pub offset: usize,
}

/// A check's threshold, where it stands, for the checks against the column's plausible values.
pub(super) struct RuleLoc {
    /// The indicator's code.
    pub code: String,
    pub column: Option<String>,
    pub threshold: Threshold,
    pub offset: usize,
}

/// A `threshold_from`: the indicator it points at, and the check that uses it.
pub(super) struct FromLoc {
    pub set: String,
    pub indicator: String,
    pub offset: usize,
    /// The indicator holding the `threshold_from`, its kind and unit.
    pub code: String,
    pub kind: Kind,
    pub unit: Option<String>,
}

/// Where things stand in one file, for the checks that span the whole version.
#[derive(Default)]
pub(super) struct Locs {
    pub set_id: usize,
    pub requires: Vec<(String, usize)>,
    pub columns: Vec<ColumnLoc>,
    pub rules: Vec<RuleLoc>,
    pub froms: Vec<FromLoc>,
    /// (indicator code, the derived input, offset of the set it names)
    pub derives: Vec<(String, Input, usize)>,
    /// Where `[set] groups` stands, when the set declares groups.
    pub groups: Option<usize>,
}

/// A file that parsed and passed the checks of its own.
pub(super) struct Parsed {
    pub set: CriteriaSet,
    pub src: String,
    pub locs: Locs,
}

/// "xã"/"commune" or "huyện"/"district".
fn level_words(level: Level) -> (&'static str, &'static str) {
    match level {
        Level::Commune => ("xã", "commune"),
        Level::District => ("huyện", "district"),
    }
}

/// What a reference to a set of `level` expects: such a set, with the ids of those there are.
fn expected_level(parsed: &[Parsed], level: Level, except: &str) -> Text {
    let (vi, en) = level_words(level);
    let ids: Vec<&str> = parsed
        .iter()
        .filter(|q| q.set.level == level && q.set.id != except)
        .map(|q| q.set.id.as_str())
        .collect();
    let list = if ids.is_empty() {
        String::new()
    } else {
        format!(" ({})", ids.join(", "))
    };
    Text::new(
        format!("một bộ tiêu chí cấp {vi}{list}"),
        format!("a {en} set{list}"),
    )
}

/// The checks that need every set of the version. `failed` holds the ids of the sets whose file did not
/// load: a reference to one of them is not reported, since its file already is.
pub(super) fn check_version(parsed: &[Parsed], failed: &[String], problems: &mut Vec<Problem>) {
    let ids: Vec<&str> = parsed.iter().map(|p| p.set.id.as_str()).collect();
    let find = |id: &str| parsed.iter().find(|q| q.set.id == id);
    let err = |p: &Parsed, kind: &'static str, off: usize, m: Text| {
        Problem::error(kind, &p.set.file, m).at_offset(&p.src, off)
    };
    let unknown_set = |name: &str| {
        Text::new(
            format!(
                "không có bộ tiêu chí «{name}» trong phiên bản này (có: {})",
                ids.join(", ")
            ),
            format!(
                "no set «{name}» in this version (there are: {})",
                ids.join(", ")
            ),
        )
    };
    let missing = |name: &str| find(name).is_none() && !failed.iter().any(|f| f == name);
    for (i, p) in parsed.iter().enumerate() {
        if ids[..i].contains(&p.set.id.as_str()) {
            problems.push(err(
                p,
                "duplicate-set",
                p.locs.set_id,
                Text::new(
                    format!("bộ tiêu chí {} bị khai báo ở hai tệp", p.set.id),
                    format!("set {} is declared in two files", p.set.id),
                ),
            ));
        }
        let (lvl_vi, lvl_en) = level_words(p.set.level);
        for (r, off) in &p.locs.requires {
            if missing(r) {
                problems.push(err(p, "missing-set", *off, unknown_set(r)));
            }
            // A commune set is evaluated on commune rows: a district prerequisite has nothing to read.
            if let Some(target) = find(r)
                && p.set.level == Level::Commune
                && target.set.level == Level::District
            {
                problems.push(
                    err(
                        p,
                        "requires-level",
                        *off,
                        Text::new(
                            format!("bộ cấp xã {} không thể yêu cầu bộ cấp huyện {r}", p.set.id),
                            format!(
                                "commune set {} cannot require {r}, a district set",
                                p.set.id
                            ),
                        ),
                    )
                    .expected(expected_level(
                        parsed,
                        Level::Commune,
                        &p.set.id,
                    )),
                );
            }
        }
        for (code, input, off) in &p.locs.derives {
            let (name, want, key) = match input {
                Input::Meets(s) => (s, p.set.level, "derive.meets"),
                Input::ShareOfCommunesMeeting(s) => {
                    (s, Level::Commune, "derive.share_of_communes_meeting")
                }
                Input::Column(_) | Input::MinOverCommunes(_) => continue,
            };
            let Some(target) = find(name) else {
                if missing(name) {
                    problems.push(err(p, "missing-set", *off, unknown_set(name)));
                }
                continue;
            };
            if matches!(input, Input::Meets(_)) && *name == p.set.id {
                problems.push(
                    err(
                        p,
                        "derive-self",
                        *off,
                        Text::new(
                            format!("chỉ tiêu {code}: {key} chỉ đến chính bộ {name}: giá trị luôn thiếu"),
                            format!("indicator {code}: {key} names its own set {name}: the value would always be missing"),
                        ),
                    )
                    .expected(expected_level(parsed, want, &p.set.id)),
                );
            } else if target.set.level != want {
                let (t_vi, t_en) = level_words(target.set.level);
                let (why_vi, why_en) = match input {
                    Input::Meets(_) => (
                        format!("bộ này là bộ cấp {lvl_vi}"),
                        format!("this is a {lvl_en} set"),
                    ),
                    _ => (
                        "tỷ lệ tính trên các xã của huyện".to_string(),
                        "the share is counted over the district's communes".to_string(),
                    ),
                };
                problems.push(
                    err(
                        p,
                        "derive-level",
                        *off,
                        Text::new(
                            format!("chỉ tiêu {code}: {key} chỉ đến {name}, một bộ cấp {t_vi}, nhưng {why_vi}"),
                            format!("indicator {code}: {key} names {name}, a {t_en} set, but {why_en}"),
                        ),
                    )
                    .expected(expected_level(parsed, want, &p.set.id)),
                );
            }
        }
        for f in &p.locs.froms {
            match find(&f.set) {
                None if missing(&f.set) => {
                    problems.push(err(p, "missing-set", f.offset, unknown_set(&f.set)))
                }
                None => {}
                Some(q) => {
                    if let Some(problem) = threshold_from_target(p, q, f) {
                        problems.push(problem);
                    }
                }
            }
        }
    }
    // A cycle of prerequisites, reported where it closes: the set whose `requires` names the set
    // that starts it again.
    for p in parsed {
        if let Some(cycle) = find_cycle(parsed, &p.set.id) {
            let (closer, again) = match cycle.as_slice() {
                [.., a, b] => (a.as_str(), b.as_str()),
                _ => (p.set.id.as_str(), p.set.id.as_str()),
            };
            let at = parsed.iter().find(|q| q.set.id == closer).unwrap_or(p);
            let off = at
                .locs
                .requires
                .iter()
                .find(|(r, _)| r == again)
                .map_or(at.locs.set_id, |r| r.1);
            problems.push(err(
                at,
                "requires-cycle",
                off,
                Text::new(
                    format!("điều kiện tiên quyết tạo thành vòng: {}", cycle.join(" → ")),
                    format!("prerequisites form a cycle: {}", cycle.join(" → ")),
                ),
            ));
            break;
        }
    }
    same_groups(parsed, problems);
    threshold_cycles(parsed, problems);
    column_meanings(parsed, problems);
    if !problems.iter().any(Problem::is_error) {
        thresholds_in_range(parsed, problems);
    }
}

/// One data column, one meaning: every set of a version that declares commune groups declares the
/// same ones, since one `nhom_xa` column serves them all.
fn same_groups(parsed: &[Parsed], problems: &mut Vec<Problem>) {
    fn ids(p: &Parsed) -> Vec<&str> {
        p.set.groups.iter().map(|g| g.id.as_str()).collect()
    }
    let Some(first) = parsed.iter().find(|p| !p.set.groups.is_empty()) else {
        return;
    };
    let want = ids(first);
    for p in parsed.iter().filter(|p| !p.set.groups.is_empty()) {
        let have = ids(p);
        if have == want {
            continue;
        }
        let (a, b) = (have.join(", "), want.join(", "));
        problems.push(
            Problem::error(
                "groups-differ",
                &p.set.file,
                Text::new(
                    format!("bộ {} khai báo các nhóm {a}, nhưng bộ {} ({}) khai báo {b}: cột nhom_xa chỉ có một nghĩa", p.set.id, first.set.id, first.set.file),
                    format!("set {} declares the groups {a}, but set {} ({}) declares {b}: the nhom_xa column has one meaning", p.set.id, first.set.id, first.set.file),
                ),
            )
            .at_offset(&p.src, p.locs.groups.unwrap_or(p.locs.set_id))
            .expected(Text::new(
                format!("các nhóm {b}, cùng thứ tự, ở mọi bộ của phiên bản"),
                format!("the groups {b}, in the same order, in every set of the version"),
            )),
        );
    }
}

/// What a `threshold_from` points at must be one plain threshold of the same kind and unit: another
/// unit's figure (a percentage copying an income), one of several checks (which one?) or a threshold that
/// depends on a condition (the condition would be dropped) would each change verdicts in silence.
fn threshold_from_target(p: &Parsed, q: &Parsed, f: &FromLoc) -> Option<Problem> {
    let (set, ind, code) = (&f.set, &f.indicator, &f.code);
    let here = format!("{} {code}", p.set.id);
    let there = format!("{set} {ind}");
    let fail = |kind: &'static str, vi: String, en: String, exp: Text| {
        Some(
            Problem::error(kind, &p.set.file, Text::new(vi, en))
                .at_offset(&p.src, f.offset)
                .expected(exp),
        )
    };
    let plain = Text::new(
        "một chỉ tiêu có đúng một ngưỡng số, cùng loại và đơn vị",
        "an indicator with exactly one numeric threshold, of the same kind and unit",
    );
    let Some(target) = q.set.indicator(ind) else {
        return fail(
            "threshold-from",
            format!("threshold_from của {here}: bộ {set} không có chỉ tiêu {ind}"),
            format!("threshold_from of {here}: set {set} has no indicator {ind}"),
            plain,
        );
    };
    let with_threshold: Vec<_> = target
        .checks
        .iter()
        .filter(|c| c.threshold.is_some())
        .collect();
    match with_threshold.as_slice() {
        [] => fail(
            "threshold-from",
            format!("threshold_from của {here}: chỉ tiêu {there} không có ngưỡng"),
            format!("threshold_from of {here}: indicator {there} has no threshold"),
            plain,
        ),
        [_, _, ..] => fail(
            "threshold-from-several",
            format!(
                "threshold_from của {here}: chỉ tiêu {there} có {} ngưỡng (nhiều check): không biết lấy ngưỡng nào",
                with_threshold.len()
            ),
            format!(
                "threshold_from of {here}: indicator {there} has {} thresholds (several checks): which one is meant is unknown",
                with_threshold.len()
            ),
            plain,
        ),
        [c] if matches!(c.threshold, Some(Threshold::When { .. })) => fail(
            "threshold-from-when",
            format!(
                "threshold_from của {here}: ngưỡng của {there} phụ thuộc điều kiện (threshold_when), điều kiện đó sẽ bị bỏ qua"
            ),
            format!(
                "threshold_from of {here}: the threshold of {there} depends on a condition (threshold_when), which would be dropped"
            ),
            plain,
        ),
        [c] if c.kind != f.kind || c.unit.as_ref().map(|u| &u.vi) != f.unit.as_ref() => {
            let describe = |k: Kind, u: Option<&String>| {
                format!("{k:?}{}", u.map(|u| format!(" ({u})")).unwrap_or_default()).to_lowercase()
            };
            let (a, b) = (
                describe(f.kind, f.unit.as_ref()),
                describe(c.kind, c.unit.as_ref().map(|u| &u.vi)),
            );
            fail(
                "threshold-from-unit",
                format!(
                    "threshold_from của {here} ({a}) lấy ngưỡng của {there} ({b}): khác loại hoặc đơn vị"
                ),
                format!(
                    "threshold_from of {here} ({a}) takes the threshold of {there} ({b}): another kind or unit"
                ),
                plain,
            )
        }
        [_] => None,
    }
}

/// Every value a threshold can take, for every year its set covers, lies within the plausible values of
/// the column it judges: a threshold no real value can meet (≥ 105 %), or that every value meets, is a
/// mistake in the file.
fn thresholds_in_range(parsed: &[Parsed], problems: &mut Vec<Problem>) {
    let version = Version {
        id: String::new(),
        origin: String::new(),
        sets: parsed.iter().map(|p| p.set.clone()).collect(),
    };
    for p in parsed {
        for rule in &p.locs.rules {
            let Some(spec) = rule.column.as_deref().and_then(|c| version.column_spec(c)) else {
                continue;
            };
            let range = &spec.plausible;
            let outside = (p.set.valid_from..=p.set.valid_to).find_map(|year| {
                rule.threshold
                    .candidates(year, &version)
                    .into_iter()
                    .find(|v| !(range.min..=range.max).contains(v))
                    .map(|v| (year, v))
            });
            if let Some((year, v)) = outside {
                let derived = matches!(rule.threshold, Threshold::From { .. });
                let how = if derived {
                    Text::new(" (tính từ threshold_from)", " (computed by threshold_from)")
                } else {
                    Text::default()
                };
                let (code, col) = (&rule.code, rule.column.as_deref().unwrap_or_default());
                let (lo, hi) = (
                    crate::i18n::num(range.min, crate::i18n::Lang::En),
                    crate::i18n::num(range.max, crate::i18n::Lang::En),
                );
                problems.push(
                    Problem::error(
                        "threshold-range",
                        &p.set.file,
                        Text::new(
                            format!("chỉ tiêu {code}: ngưỡng năm {year} là {v}{}, ngoài khoảng giá trị hợp lý của cột {col} ({lo}–{hi})", how.vi),
                            format!("indicator {code}: the {year} threshold is {v}{}, outside the plausible values of column {col} ({lo}–{hi})", how.en),
                        ),
                    )
                    .at_offset(&p.src, rule.offset)
                    .expected(Text::new(
                        format!("một ngưỡng trong khoảng {lo}–{hi}"),
                        format!("a threshold within {lo}–{hi}"),
                    )),
                );
            }
        }
    }
}

/// `threshold_from` that leads back to itself (nâng cao 10 ← kiểu mẫu KM.2 ← nâng cao 10).
fn threshold_cycles(parsed: &[Parsed], problems: &mut Vec<Problem>) {
    let version = crate::criteria::Version {
        id: String::new(),
        origin: String::new(),
        sets: parsed.iter().map(|p| p.set.clone()).collect(),
    };
    for p in parsed {
        for FromLoc {
            set,
            indicator: ind,
            offset: off,
            ..
        } in &p.locs.froms
        {
            let Some(t) = version
                .set(set)
                .and_then(|s| s.indicator(ind))
                .and_then(|i| i.checks.iter().find_map(|c| c.threshold.as_ref()))
            else {
                continue;
            };
            if let Err(crate::criteria::threshold::Unresolved::BadReference(why)) =
                t.resolve(p.set.valid_from, &version, &|_| Some(0.0))
                && why.contains("cycle")
            {
                problems.push(
                    Problem::error(
                        "threshold-from-cycle",
                        &p.set.file,
                        Text::new(
                            format!("threshold_from dẫn về chính nó qua {set} {ind}: ngưỡng không xác định được"),
                            format!("threshold_from leads back to itself through {set} {ind}: the threshold cannot be known"),
                        ),
                    )
                    .at_offset(&p.src, *off)
                    .expected(Text::new(
                        "một chuỗi threshold_from dừng ở một ngưỡng có số",
                        "a chain of threshold_from ending at a threshold with a number",
                    )),
                );
            }
        }
    }
}

/// One column, one meaning: the same kind, unit and plausible values in every set of the version; and
/// every number says which values it can plausibly hold, so that a value in the wrong unit is refused.
fn column_meanings(parsed: &[Parsed], problems: &mut Vec<Problem>) {
    let describe = |k: Kind, u: &Option<String>| {
        format!(
            "{k:?}{}",
            u.as_ref().map(|u| format!(" ({u})")).unwrap_or_default()
        )
        .to_lowercase()
    };
    let range = |r: &Plausible| {
        let n = |v: f64| crate::i18n::num(v, crate::i18n::Lang::En);
        format!(
            "{}–{}{}",
            n(r.min),
            n(r.max),
            if r.whole { ", whole" } else { "" }
        )
    };
    let mut first: HashMap<&str, (&Parsed, &ColumnLoc)> = HashMap::new();
    let mut ranged: HashMap<&str, (&Parsed, &ColumnLoc)> = HashMap::new();
    for p in parsed {
        for c in &p.locs.columns {
            let col = c.column.as_str();
            let at = |q: &Parsed, loc: &ColumnLoc| {
                format!(
                    "{}:{}",
                    q.set.file,
                    crate::diag::line_col(&q.src, loc.offset).0
                )
            };
            match first.get(col) {
                None => {
                    first.insert(col, (p, c));
                }
                Some((q, f)) if f.kind != c.kind || f.unit != c.unit => {
                    let (here, there, place) = (
                        describe(c.kind, &c.unit),
                        describe(f.kind, &f.unit),
                        at(q, f),
                    );
                    problems.push(
                        Problem::error(
                            "column-meaning",
                            &p.set.file,
                            Text::new(
                                format!("cột {col} mang hai nghĩa: {here} ở đây, {there} ở {place}"),
                                format!("column {col} is given two meanings: {here} here, {there} at {place}"),
                            ),
                        )
                        .at_offset(&p.src, c.offset),
                    );
                }
                Some(_) => {}
            }
            let Some(mine) = &c.plausible else { continue };
            match ranged.get(col) {
                None => {
                    ranged.insert(col, (p, c));
                }
                Some((q, f)) if f.plausible.as_ref().is_some_and(|r| r != mine) => {
                    let there = f.plausible.as_ref().map(range).unwrap_or_default();
                    let place = at(q, f);
                    problems.push(
                        Problem::error(
                            "column-meaning",
                            &p.set.file,
                            Text::new(
                                format!("cột {col} có hai khoảng giá trị hợp lý: {} ở đây, {there} ở {place}", range(mine)),
                                format!("column {col} has two plausible ranges: {} here, {there} at {place}", range(mine)),
                            ),
                        )
                        .at_offset(&p.src, c.offset)
                        .expected(Text::new("một khoảng cho mỗi cột", "one range per column")),
                    );
                }
                Some(_) => {}
            }
        }
    }
    let mut unranged: Vec<(&str, &Parsed, &ColumnLoc)> = first
        .iter()
        .filter(|(col, (_, c))| c.kind == Kind::Num && !ranged.contains_key(*col))
        .map(|(col, (p, c))| (*col, *p, *c))
        .collect();
    unranged.sort_by_key(|(_, p, c)| (p.set.file.clone(), c.offset));
    for (col, p, c) in unranged {
        {
            problems.push(
                Problem::error(
                    "plausible-missing",
                    &p.set.file,
                    Text::new(
                        format!("cột {col} là một số ({}) nhưng không có khoảng giá trị hợp lý: một giá trị ghi sai đơn vị hay gõ nhầm sẽ không bị phát hiện", describe(c.kind, &c.unit)),
                        format!("column {col} is a number ({}) with no plausible range: a value in the wrong unit or mistyped would go unnoticed", describe(c.kind, &c.unit)),
                    ),
                )
                .at_offset(&p.src, c.offset)
                .expected(Text::new(
                    "plausible = { min = …, max = … } trên một check đọc cột này (thêm whole = true cho số đếm)",
                    "plausible = { min = …, max = … } on a check reading this column (add whole = true for counts)",
                )),
            );
        }
    }
}

fn find_cycle(parsed: &[Parsed], start: &str) -> Option<Vec<String>> {
    fn walk(parsed: &[Parsed], id: &str, path: &mut Vec<String>) -> bool {
        if path.iter().any(|p| p == id) {
            path.push(id.to_string());
            return true;
        }
        let Some(p) = parsed.iter().find(|p| p.set.id == id) else {
            return false;
        };
        path.push(id.to_string());
        for r in &p.set.requires {
            if walk(parsed, r, path) {
                return true;
            }
        }
        path.pop();
        false
    }
    let mut path = Vec::new();
    walk(parsed, start, &mut path).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::load::load_version;

    /// A set file: one criterion whose one indicator reads `column`, then `extra` TOML.
    fn set(id: &str, level: &str, requires: &str, column: &str, extra: &str) -> (String, String) {
        let src = format!(
            r#"
[set]
id = "{id}"
level = "{level}"
name = "{id}"
version = "v1"
decision = "1/QĐ"
decision_date = 2024-06-17
valid_from = 2022
valid_to = 2025
region = "TDMNPB"
requires = [{requires}]

[[criterion]]
number = "1"
name = "Một"

[[criterion.indicator]]
code = "{id}.1"
name = "x"
source = {{ decision = "d" }}
  [[criterion.indicator.check]]
  column = "{column}"
  kind = "pct"
  op = ">="
  threshold = 50
  verified = false
{extra}"#
        );
        (format!("{id}.toml"), src)
    }

    fn kinds(files: &[(String, String)]) -> Vec<(String, &'static str)> {
        match load_version("v1", "test", files) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(|p| (p.file.clone(), p.kind)).collect(),
        }
    }

    #[test]
    fn serde_unknown_field_messages_give_the_field_and_the_allowed_ones() {
        let (field, allowed) =
            unknown_field("unknown field `factr`, expected one of `set`, `indicator`, `factor`")
                .unwrap();
        assert_eq!(field, "factr");
        assert_eq!(allowed, ["set", "indicator", "factor"]);
        assert_eq!(nearest_field(&field, &allowed), Some("factor"));
        let (_, one) = unknown_field("unknown field `x`, expected `id`").unwrap();
        assert_eq!(one, ["id"]);
        let (_, none) = unknown_field("unknown field `x`, there are no fields").unwrap();
        assert!(none.is_empty());
        assert_eq!(unknown_field("missing field `id`"), None);
        // No hint when nothing is close.
        let allowed: Vec<String> = ["column", "derive", "op"].map(String::from).to_vec();
        assert_eq!(nearest_field("ghi_chu", &allowed), None);
        assert_eq!(nearest_field("colum", &allowed), Some("column"));
    }

    #[test]
    fn a_set_whose_file_fails_is_not_reported_missing_by_the_sets_requiring_it() {
        // a fails after parsing (a percentage over 100); b fails to parse (an unknown key);
        // c requires both and a set that does not exist.
        let a = set("a", "commune", "", "c1", "").1.replace("50", "150");
        let b = set("b", "commune", "", "c2", "").1.replace("op =", "opp =");
        let c = set("c", "commune", r#""a", "b", "zz""#, "c3", "");
        let found = kinds(&[("a.toml".into(), a), ("b.toml".into(), b), c]);
        assert_eq!(
            found,
            [
                ("a.toml".into(), "threshold-range"),
                ("b.toml".into(), "unknown-key"),
                ("c.toml".into(), "missing-set"),
            ]
        );
    }

    #[test]
    fn references_between_sets_respect_levels() {
        let meets = |target: &str| {
            format!(
                "  [[criterion.indicator.check]]\n  derive = {{ meets = \"{target}\" }}\n  kind = \"bool\"\n  verified = false\n"
            )
        };
        let share = |target: &str| {
            format!(
                "  [[criterion.indicator.check]]\n  derive = {{ share_of_communes_meeting = \"{target}\" }}\n  kind = \"pct\"\n  op = \">=\"\n  threshold = 50\n  verified = false\n"
            )
        };
        let xa = || set("xa", "commune", "", "c1", "");
        let good = kinds(&[
            xa(),
            set("nc", "commune", r#""xa""#, "c2", &meets("xa")),
            set("h", "district", r#""xa""#, "c3", &share("xa")),
        ]);
        assert!(good.is_empty(), "{good:?}");
        let bad = kinds(&[
            xa(),
            set("nc", "commune", r#""h""#, "c2", &meets("nc")),
            set(
                "h",
                "district",
                "",
                "c3",
                &format!("{}{}", share("h"), meets("xa")),
            ),
        ]);
        let bad: Vec<&str> = bad.iter().map(|(_, k)| *k).collect();
        // nc requires the district set h and meets itself; h's share counts a district set and it
        // asks whether the district meets a commune set.
        assert_eq!(
            bad,
            [
                "requires-level",
                "derive-self",
                "derive-level",
                "derive-level"
            ]
        );
    }
}
