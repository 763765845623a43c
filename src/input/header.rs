//! Header cells as people write them: the column id (`2.2`, `ma_xa`), the id followed by a label
//! (`2.2 Đường thôn…`, `Chỉ tiêu 10 - Thu nhập bình quân`), or the label alone (`Thu nhập bình quân
//! đầu người khu vực nông thôn`, `Mã xã`), with or without diacritics, in any case.
//!
//! The rule (docs/data-headers.md):
//! 1. An identifying column is named by its id (`ma_xa`, `Ma Xa`) or by one of its labels (`Mã`,
//!    `Mã xã`, `Năm đánh giá`, `Year`…), a bracketed or parenthesised tail left out (`Nhóm xã (1, 2, 3)`).
//! 2. Otherwise a header that starts with a code, after an optional `Chỉ tiêu`, `Tiêu chí`, `Cột`,
//!    `Indicator`, `Criterion` or `Column`, names the column with that id (`2.3a`), or the columns of
//!    the indicators with that code (`2.3` → `2.3a`, `2.3b`; `1.1` is also nâng cao's `nc1.1`). The
//!    column id wins unless the label after it is the whole label of another column; that label then
//!    picks among the indicators' columns. A label that names none of the code's columns is refused.
//! 3. Otherwise the header, without a tail in square brackets (`[%; yêu cầu ≥ 70 %]`, as the template
//!    writes), is compared whole with the labels of every column: the name of each indicator in the
//!    criteria files and, for a check with a label, the name followed by that label or the label alone,
//!    in Vietnamese or English, with diacritics, then without when nothing matched with them.
//!    Punctuation and spacing do not count.
//!
//! A header that names more than one column names none: it is refused, never guessed, since a verdict
//! depends on which column a value is read into.

use super::table::Layout;
use crate::criteria::{GROUP_COLUMN, Schema};
use crate::i18n::Text;

/// What a header cell names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Named {
    /// A column of the criteria: its index in the schema.
    Column(usize),
    /// Several columns, none for sure: a label that several columns have, or an indicator's code
    /// with several columns and no label to pick one.
    Ambiguous(Vec<usize>),
    /// A code and a label that name different columns: (the code's, the label's).
    Conflict(Vec<usize>, Vec<usize>),
    /// Nothing the criteria know.
    Unknown,
}

/// A likely column for a header nothing matched.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Suggestion {
    /// The column ids, best first (several when equally likely).
    pub ids: Vec<String>,
    /// The column's name, when the suggestion comes from its label.
    pub title: Option<Text>,
}

/// The labels of the identifying columns, folded (see [`folded_key`]). The template writes the first
/// Vietnamese and English ones; the others are what people write.
fn meta_labels(id: &str) -> &'static [&'static str] {
    match id {
        "ma_xa" => &["ma", "ma xa", "ma so", "ma so xa", "code", "commune code"],
        "ma_huyen" => &[
            "ma",
            "ma huyen",
            "ma so",
            "ma so huyen",
            "code",
            "district code",
        ],
        "ten_xa" => &["ten", "ten xa", "xa", "name", "commune", "commune name"],
        "ten_huyen" => &[
            "ten",
            "ten huyen",
            "huyen",
            "name",
            "district",
            "district name",
        ],
        "huyen" => &["huyen", "ten huyen", "district", "district name"],
        "nam" => &["nam", "nam danh gia", "year", "assessment year"],
        GROUP_COLUMN => &["nhom xa", "nhom", "commune group", "group"],
        _ => &[],
    }
}

/// Whether a header names the year column (`nam`, `Năm`, `Năm đánh giá`, `Year`), whatever the file's
/// layout.
pub(crate) fn is_year(raw: &str) -> bool {
    let key = folded_key(without_parens(without_hint(raw)));
    key == "nam" || meta_labels("nam").contains(&key.as_str())
}

/// Words opening a header before its code (`Chỉ tiêu 10`), folded.
const CODE_PREFIXES: &[&str] = &[
    "chi tieu",
    "tieu chi",
    "cot",
    "indicator",
    "criterion",
    "column",
];

/// The words of a text: letters and digits, lower case (`Tỷ lệ (%)` → `tỷ`, `lệ`).
fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A text as compared with diacritics: its words, single spaces.
fn exact_key(s: &str) -> String {
    words(s).join(" ")
}

/// A text as compared without diacritics: `Đường thôn, liên thôn` → `duong thon lien thon`.
fn folded_key(s: &str) -> String {
    exact_key(&deunicode::deunicode(s))
}

/// A header without the tail the template writes after a label (`… [%; yêu cầu ≥ 70 %]`).
fn without_hint(raw: &str) -> &str {
    let t = raw.trim();
    match t.rfind('[') {
        Some(i) if i > 0 && t.ends_with(']') => t[..i].trim_end(),
        _ => t,
    }
}

/// A header without a parenthesised tail (`Nhóm xã (1, 2, 3)` → `Nhóm xã`).
fn without_parens(s: &str) -> &str {
    let t = s.trim();
    match t.rfind('(') {
        Some(i) if i > 0 && t.ends_with(')') => t[..i].trim_end(),
        _ => t,
    }
}

/// The code a header starts with, lower case, and the text after it: `Chỉ tiêu 10 - Thu nhập` →
/// (`10`, `Thu nhập`); `2.2. Đường thôn` → (`2.2`, `Đường thôn`).
fn split_code(body: &str) -> Option<(String, &str)> {
    let mut rest = body.trim_start();
    for prefix in CODE_PREFIXES {
        let n = prefix.split(' ').count();
        let head: Vec<&str> = rest.split_whitespace().take(n).collect();
        if head.len() == n && folded_key(&head.join(" ")) == *prefix {
            let mut r = rest;
            for _ in 0..n {
                r = r.trim_start();
                r = &r[r.find(char::is_whitespace).unwrap_or(r.len())..];
            }
            // Only when a code follows.
            if !r.trim().is_empty() {
                rest = r.trim_start();
            }
            break;
        }
    }
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let token = rest[..end]
        .trim_start_matches('(')
        .trim_end_matches(['.', ':', '-', '–', '—', ')', ','])
        .to_lowercase();
    if token.is_empty() {
        return None;
    }
    let after = rest[end..].trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '–' | '—' | ':' | '.' | ')' | ',')
    });
    Some((token, after))
}

/// The columns of a data file's header: the identifying columns of its layout, and the columns of the
/// criteria with what they are called.
pub(crate) struct Names<'s> {
    schema: &'s Schema,
    /// The identifying columns (`ma_xa, ten_xa, nam, huyen`, and `nhom_xa` when the version has
    /// commune groups).
    meta: Vec<&'static str>,
    /// Column ids, lower case.
    ids: Vec<String>,
    /// Every label of every column: (with diacritics, without, column).
    labels: Vec<(String, String, usize)>,
}

impl<'s> Names<'s> {
    pub(crate) fn new(schema: &'s Schema, layout: Layout, groups: bool) -> Self {
        let mut meta = layout.meta();
        if groups {
            meta.push(GROUP_COLUMN);
        }
        let mut labels = Vec::new();
        for (i, names) in schema.names.iter().enumerate() {
            for l in &names.labels {
                let (e, f) = (exact_key(l), folded_key(l));
                if !f.is_empty() {
                    labels.push((e, f, i));
                }
            }
        }
        Names {
            schema,
            meta,
            ids: schema.ids.iter().map(|c| c.to_lowercase()).collect(),
            labels,
        }
    }

    /// The identifying column a header names by its id (`ma_xa`, `Ma xa`, `MA_XA`).
    pub(crate) fn meta_by_id(&self, raw: &str) -> Option<&'static str> {
        let id = folded_key(raw).replace(' ', "_");
        self.meta.iter().copied().find(|m| *m == id)
    }

    /// The identifying column a header names, by its id or by a label (`Mã`, `Mã xã`, `Năm đánh
    /// giá`, `Nhóm xã (1, 2, 3)`).
    pub(crate) fn meta(&self, raw: &str) -> Option<&'static str> {
        if let Some(m) = self.meta_by_id(raw) {
            return Some(m);
        }
        let key = folded_key(without_parens(without_hint(raw)));
        if key.is_empty() {
            return None;
        }
        self.meta
            .iter()
            .copied()
            .find(|m| meta_labels(m).contains(&key.as_str()))
    }

    /// The columns whose whole label the text is: with diacritics, or without when none matched with.
    fn by_label(&self, text: &str) -> Vec<usize> {
        let exact = exact_key(text);
        if exact.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<usize> = Vec::new();
        for (e, _, i) in &self.labels {
            if *e == exact && !found.contains(i) {
                found.push(*i);
            }
        }
        if found.is_empty() {
            let folded = folded_key(text);
            for (_, f, i) in &self.labels {
                if *f == folded && !found.contains(i) {
                    found.push(*i);
                }
            }
        }
        found
    }

    /// The data column a header names (see the module's rule).
    pub(crate) fn column(&self, raw: &str) -> Named {
        let body = without_hint(raw);
        if let Some((token, rest)) = split_code(body) {
            let by_id = self.ids.iter().position(|c| *c == token);
            let mut by_code: Vec<usize> = by_id.into_iter().collect();
            for (i, names) in self.schema.names.iter().enumerate() {
                if !by_code.contains(&i) && names.codes.iter().any(|c| c.to_lowercase() == token) {
                    by_code.push(i);
                }
            }
            if !by_code.is_empty() {
                let by_label = self.by_label(rest);
                // The column id, when the label after it is that column's or none; a label that
                // is plainly another column's (`10 Tỷ lệ nghèo đa chiều`, 11's) is a conflict, not
                // the id's column read with another's values.
                if let Some(i) = by_id
                    && (by_label.is_empty() || by_label.contains(&i))
                {
                    if by_label.is_empty()
                        && let Some(j) = self.label_elsewhere(rest, i)
                    {
                        return Named::Conflict(vec![i], vec![j]);
                    }
                    return Named::Column(i);
                }
                if !by_label.is_empty() {
                    let both: Vec<usize> = by_code
                        .iter()
                        .copied()
                        .filter(|i| by_label.contains(i))
                        .collect();
                    return match both.len() {
                        1 => Named::Column(both[0]),
                        0 => Named::Conflict(by_code, by_label),
                        _ => Named::Ambiguous(both),
                    };
                }
                return match by_code.len() {
                    1 => Named::Column(by_code[0]),
                    _ => Named::Ambiguous(by_code),
                };
            }
        }
        let by_label = self.by_label(body);
        match by_label.len() {
            0 => Named::Unknown,
            1 => Named::Column(by_label[0]),
            _ => Named::Ambiguous(by_label),
        }
    }

    /// The one column other than `own` whose labels hold (nearly) every word of `text`, when
    /// `own`'s hold few of them: the text names that column, not `own`. Three words at least, so
    /// that a short or generic label (`Tỷ lệ`) points nowhere.
    fn label_elsewhere(&self, text: &str, own: usize) -> Option<usize> {
        let mut header = words(&deunicode::deunicode(text));
        header.sort();
        header.dedup();
        if header.len() < 3 {
            return None;
        }
        let share = |i: usize| {
            let names = self.schema.names.get(i)?;
            let label: Vec<String> = names
                .labels
                .iter()
                .flat_map(|l| words(&deunicode::deunicode(l)))
                .collect();
            let held = header.iter().filter(|w| label.contains(w)).count();
            Some(held as f64 / header.len() as f64)
        };
        if share(own).is_none_or(|s| s > 1.0 / 3.0) {
            return None;
        }
        let strong: Vec<usize> = (0..self.schema.names.len())
            .filter(|&i| i != own && share(i).is_some_and(|s| s >= 0.8))
            .collect();
        match strong.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// How a column is shown in a message: `3.2b`.
    pub(crate) fn id(&self, i: usize) -> &str {
        self.schema.ids.get(i).map_or("", String::as_str)
    }

    /// The likeliest column for a header nothing matched: by label first (the columns whose names hold
    /// most of the header's words, rare words counting more), then by code when the header starts with
    /// something close to a column id (`2.22`, `17.1O`, `ten_x`). Columns the run reads (`used`) and
    /// the identifying columns are preferred to the others.
    pub(crate) fn suggest(&self, raw: &str, used: &[&str]) -> Option<Suggestion> {
        let body = without_hint(raw);
        let token = split_code(body);
        // A code-like start (`2.22 Đường thôn`) is not a word of the label.
        let text = match &token {
            Some((t, rest)) if t.chars().any(|c| c.is_ascii_digit()) => rest,
            _ => body,
        };
        let used_idx: Vec<usize> = (0..self.schema.ids.len())
            .filter(|i| used.contains(&self.id(*i)))
            .collect();
        let all_idx: Vec<usize> = (0..self.schema.ids.len()).collect();
        for pool in [&used_idx, &all_idx] {
            if let Some(s) = self.suggest_by_label(text, pool) {
                return Some(s);
            }
        }
        let (t, _) = token?;
        let single = body.split_whitespace().count() == 1;
        let code_like = t.chars().any(|c| c.is_ascii_digit() || c == '_');
        if !code_like && !single {
            return None;
        }
        for pool in [&used_idx, &all_idx] {
            let mut known: Vec<String> = pool.iter().map(|i| self.id(*i).to_string()).collect();
            known.extend(self.meta.iter().map(|m| m.to_string()));
            let hint = if code_like {
                nearest_code(&t, &known)
            } else {
                // A word that is not a code: only the start of an id (`ma` for `ma_xa`).
                (t.is_ascii() && t.chars().count() >= 2)
                    .then(|| known.iter().find(|k| k.starts_with(&t)).cloned())
                    .flatten()
            };
            if let Some(h) = hint {
                return Some(Suggestion {
                    ids: vec![h],
                    title: None,
                });
            }
        }
        None
    }

    /// The columns of `pool` (and the identifying columns) whose names hold most of the words of
    /// `text`, weighted by how rare each word is among them.
    fn suggest_by_label(&self, text: &str, pool: &[usize]) -> Option<Suggestion> {
        let mut header: Vec<String> = words(&deunicode::deunicode(text));
        header.sort();
        header.dedup();
        if header.is_empty() {
            return None;
        }
        // The words of each candidate: a data column's labels and criteria, an identifying column's labels.
        let mut candidates: Vec<(String, Option<Text>, Vec<String>)> = Vec::new();
        for &i in pool {
            let Some(names) = self.schema.names.get(i) else {
                continue;
            };
            let mut w: Vec<String> = names
                .labels
                .iter()
                .chain(&names.criteria)
                .flat_map(|l| words(&deunicode::deunicode(l)))
                .collect();
            w.sort();
            w.dedup();
            candidates.push((self.id(i).to_string(), Some(names.title.clone()), w));
        }
        for m in &self.meta {
            let mut w: Vec<String> = meta_labels(m)
                .iter()
                .flat_map(|l| words(l))
                .chain(words(&m.replace('_', " ")))
                .collect();
            w.sort();
            w.dedup();
            candidates.push((m.to_string(), None, w));
        }
        let n = candidates.len() as f64;
        let weight = |w: &String| {
            let df = candidates
                .iter()
                .filter(|(_, _, ws)| ws.binary_search(w).is_ok())
                .count() as f64;
            (1.0 + n / df.max(0.5)).ln()
        };
        let weights: Vec<f64> = header.iter().map(weight).collect();
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let scores: Vec<f64> = candidates
            .iter()
            .map(|(_, _, ws)| {
                header
                    .iter()
                    .zip(&weights)
                    .filter(|(w, _)| ws.binary_search(w).is_ok())
                    .map(|(_, x)| x)
                    .sum::<f64>()
                    / total
            })
            .collect();
        let best = scores.iter().copied().fold(0.0, f64::max);
        // Most of what the header says must be in the name, and one column (or two or three equally
        // likely ones) must stand out.
        if best < 0.6 {
            return None;
        }
        let top: Vec<usize> = (0..candidates.len())
            .filter(|i| scores[*i] >= best - 1e-9)
            .collect();
        if top.len() > 3 {
            return None;
        }
        let title = match top.as_slice() {
            [one] => candidates[*one].1.clone(),
            _ => None,
        };
        Some(Suggestion {
            ids: top.iter().map(|i| candidates[*i].0.clone()).collect(),
            title,
        })
    }
}

/// The known id a code-like header is a likely typo of: one that starts with it (`ten_x` for
/// `ten_xa`), or one or two edits away (one for a short code) with the same first character. Letters
/// typed for look-alike digits (O for 0, l or I for 1) cost nothing. `x1` is not a typo of `11`.
fn nearest_code(typed: &str, known: &[String]) -> Option<String> {
    let plain = |s: &str| -> Vec<char> {
        s.to_lowercase()
            .chars()
            .map(|c| match c {
                'o' => '0',
                'l' | 'i' => '1',
                c => c,
            })
            .collect()
    };
    let t = plain(typed);
    if t.len() >= 2
        && let Some(k) = known.iter().find(|k| plain(k).starts_with(&t))
    {
        return Some(k.clone());
    }
    known
        .iter()
        .filter_map(|k| {
            let p = plain(k);
            if p.first() != t.first() {
                return None;
            }
            let (a, b): (String, String) = (t.iter().collect(), p.iter().collect());
            let d = strsim::damerau_levenshtein(&a, &b);
            let most = if p.len().max(t.len()) <= 4 { 1 } else { 2 };
            (d <= most && d < p.len().max(t.len())).then_some((d, k))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::catalog::Catalog;

    /// What each header names, against the bundled criteria, in a commune file.
    fn named(headers: &[&str]) -> Vec<String> {
        let catalog = Catalog::bundled().unwrap();
        let schema = Schema::of(&catalog.versions[0]);
        let names = Names::new(&schema, Layout::COMMUNE, false);
        let ids = |v: &[usize]| v.iter().map(|i| names.id(*i)).collect::<Vec<_>>().join("|");
        headers
            .iter()
            .map(|h| match (names.meta(h), names.column(h)) {
                (Some(m), _) => format!("meta {m}"),
                (None, Named::Column(i)) => names.id(i).to_string(),
                (None, Named::Ambiguous(v)) => format!("either {}", ids(&v)),
                (None, Named::Conflict(a, b)) => format!("code {} label {}", ids(&a), ids(&b)),
                (None, Named::Unknown) => "?".to_string(),
            })
            .collect()
    }

    #[test]
    fn headers_name_columns_by_id_code_or_label() {
        assert_eq!(
            named(&[
                "Mã",
                "MÃ XÃ",
                "Tên",
                "Năm đánh giá",
                "Year",
                "2.2 Đường thôn",
                "Chỉ tiêu 10 - Thu nhập bình quân",
                "thu nhap binh quan dau nguoi khu vuc nong thon",
                "Average income per person",
                "Tỷ lệ đường ngõ, xóm sạch và đảm bảo đi lại thuận tiện quanh năm — trong đó cứng hóa",
                "trong đó cứng hóa",
                "1.1 – Có quy hoạch chung xây dựng xã còn thời hạn hoặc được rà soát, điều chỉnh theo quy định",
                "3.3 Tưới",
            ]),
            [
                "meta ma_xa",
                "meta ma_xa",
                "meta ten_xa",
                "meta nam",
                "meta nam",
                "2.2",
                "10",
                "10",
                "10",
                "2.3b",
                "2.3b",
                "nc1.1",
                "nc3.3",
            ]
        );
    }

    #[test]
    fn a_header_that_could_be_two_columns_names_neither() {
        assert_eq!(
            named(&[
                "Tỷ lệ diện tích đất sản xuất nông nghiệp được tưới và tiêu nước chủ động",
                "Tỷ lệ đường ngõ, xóm sạch và đảm bảo đi lại thuận tiện quanh năm",
                "2.3",
                "10 – Tỷ lệ nghèo đa chiều giai đoạn 2021–2025",
                "Ghi chú",
            ]),
            [
                "either 3.1|nc3.1",
                "either 2.3a|2.3b",
                "either 2.3a|2.3b|nc2.3",
                "code 10 label 11",
                "?",
            ]
        );
    }

    #[test]
    fn hints_come_by_label_first_and_by_code_only_when_close() {
        let catalog = Catalog::bundled().unwrap();
        let schema = Schema::of(&catalog.versions[0]);
        let names = Names::new(&schema, Layout::COMMUNE, false);
        let used = catalog.versions[0].set("xa-ntm").unwrap().columns();
        let used: Vec<&str> = used.iter().filter_map(|c| c.input.column()).collect();
        let hint = |h: &str| names.suggest(h, &used).map(|s| s.ids.join("|"));
        assert_eq!(hint("Thu nhập bình quân đầu người").as_deref(), Some("10"));
        assert_eq!(hint("thu nhap").as_deref(), Some("10"));
        assert_eq!(hint("Mã số xã cũ").as_deref(), Some("ma_xa"));
        assert_eq!(hint("2.22").as_deref(), Some("2.2"));
        assert_eq!(hint("Tỷ lệ"), None);
        assert_eq!(hint("STT"), None);
        assert_eq!(hint("x1"), None);
    }

    #[test]
    fn template_tails_and_code_prefixes_are_taken_off() {
        assert_eq!(
            without_hint("Thu nhập [triệu đồng; yêu cầu ≥ 42]"),
            "Thu nhập"
        );
        assert_eq!(without_hint("[x]"), "[x]");
        assert_eq!(without_parens("Nhóm xã (1, 2, 3)"), "Nhóm xã");
        assert_eq!(
            split_code("Chỉ tiêu 10 - Thu nhập bình quân"),
            Some(("10".to_string(), "Thu nhập bình quân"))
        );
        assert_eq!(
            split_code("2.2. Đường thôn"),
            Some(("2.2".to_string(), "Đường thôn"))
        );
        assert_eq!(
            split_code("NC2.2: Đường"),
            Some(("nc2.2".to_string(), "Đường"))
        );
        assert_eq!(split_code("Cột"), Some(("cột".to_string(), "")));
        assert_eq!(folded_key("Đường thôn, liên thôn"), "duong thon lien thon");
        assert_eq!(exact_key("Tỷ lệ (%)"), "tỷ lệ");
    }

    #[test]
    fn code_typos_get_the_near_code_only() {
        let known: Vec<String> = ["2.2", "2.3a", "17.10", "ten_xa", "11", "1.2", "ma_xa"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(nearest_code("2.22", &known).as_deref(), Some("2.2"));
        assert_eq!(nearest_code("17.1O", &known).as_deref(), Some("17.10"));
        assert_eq!(nearest_code("ten_x", &known).as_deref(), Some("ten_xa"));
        assert_eq!(nearest_code("x1", &known), None);
        assert_eq!(nearest_code("x2", &known), None);
        assert_eq!(nearest_code("ghi_chu", &known), None);
    }
}
