//! The map of old commune codes to new ones (`ma_xa_cu, ma_xa_moi`), for communes that were merged,
//! split or renamed between the two sides of a comparison (Lạng Sơn merged its communes in 2024 and
//! again on 1/7/2025, ≈200 → 65, reusing codes).
//!
//! One line per (old code, new code) pair:
//! - several old codes → one new code: a merge (sáp nhập); the new commune's before is the set of its
//!   old communes;
//! - one old code → several new codes: a split (tách); the old commune appears in each new one,
//!   marked as split, and counts once on the old side;
//! - one old code → one new code: a rename (đổi mã), or nothing at all when the codes are equal.
//!
//! A code the map does not list as old keeps its code: a new commune that keeps the code of one of
//! its old communes while absorbing others needs no line for it (a line `X;X` says the same). A code
//! may be reused: old `X` went to `Y`, and the new `X` is made of other old communes (lines `Z;X`).
//!
//! Checks ([`CodeMap::parse`], then [`CodeMap::check`] against the data): errors are an empty code,
//! a missing column, an unreadable file, and an old code sent elsewhere that is still a commune of
//! the new side when no line says what that new commune is made of (`X;Y` without `X;X` nor `Z;X`:
//! the map and the data disagree; the map is still followed as written); warnings are the same pair
//! twice (ignored), an old code not in the old data (listed in its new commune as missing, which
//! makes that commune's before unknown) and a new code not in the new data (the line matches nothing).

use std::collections::{HashMap, HashSet};

use super::Side;
use crate::diag::Problem;
use crate::i18n::Text;
use crate::input::cell::fold;

/// The header names of the map file.
pub const OLD_COLUMN: &str = "ma_xa_cu";
pub const NEW_COLUMN: &str = "ma_xa_moi";

/// One line of the map: `old` became (part of) `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapEntry {
    pub old: String,
    pub new: String,
    /// The physical line of the map file, for messages.
    pub line: usize,
    /// The official names with their type (`Xã Gia Lộc`), for a map made from a conversion.
    pub old_name: Option<String>,
    pub new_name: Option<String>,
}

/// Old codes to new codes, as read from a map file.
#[derive(Debug, Clone, Default)]
pub struct CodeMap {
    pub file: String,
    pub entries: Vec<MapEntry>,
    /// The name of the shipped conversion it was made from (`lang-son-2025`), if it was.
    pub conversion: Option<String>,
}

impl CodeMap {
    /// No map: every code keeps its code.
    pub fn none() -> Self {
        CodeMap::default()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The map of a shipped conversion (`--map lang-son-2025`), restricted to the pairs that touch the
    /// data: an old code of the old side, or a new code of the new side. So a new commune's before is
    /// every former unit it was formed from (a former unit missing from the old side is listed as
    /// such), and a divided unit is in each new unit that took a part of it.
    pub fn from_conversion(
        name: &str,
        conversion: &crate::units::Conversion,
        old: &dyn Side,
        new: &dyn Side,
    ) -> CodeMap {
        let olds: HashSet<&str> = (0..old.len()).map(|i| old.code(i)).collect();
        let news: HashSet<&str> = (0..new.len()).map(|i| new.code(i)).collect();
        let entries = conversion
            .links
            .iter()
            .filter(|l| olds.contains(l.old.as_str()) || news.contains(l.new.as_str()))
            .map(|l| MapEntry {
                old: l.old.clone(),
                new: l.new.clone(),
                line: l.line,
                old_name: Some(l.old_name.clone()),
                new_name: Some(l.new_name.clone()),
            })
            .collect();
        CodeMap {
            file: conversion.file.clone(),
            entries,
            conversion: Some(name.to_string()),
        }
    }

    /// The official name of an old code, for a map made from a conversion.
    pub fn old_name(&self, old: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.old == old)
            .and_then(|e| e.old_name.as_deref())
    }

    /// Whether the map gives `old` a code (itself or another): it is then matched only through the map.
    pub fn lists_old(&self, old: &str) -> bool {
        self.entries.iter().any(|e| e.old == old)
    }

    /// The old codes the map sends to `new`, in map order, without repeats.
    pub fn olds_of(&self, new: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for e in self.entries.iter().filter(|e| e.new == new) {
            if !out.contains(&e.old.as_str()) {
                out.push(&e.old);
            }
        }
        out
    }

    /// The new codes the map sends `old` to, in map order, without repeats (empty when it keeps its
    /// code without a line). Several: `old` was split.
    pub fn news_of(&self, old: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for e in self.entries.iter().filter(|e| e.old == old) {
            if !out.contains(&e.new.as_str()) {
                out.push(&e.new);
            }
        }
        out
    }

    /// Check the map against the rows of both sides: every problem, located on its map line. Codes
    /// in `skip` (a row that could not be read) are not reported missing.
    pub fn check(&self, old: &dyn Side, new: &dyn Side, skip: &HashSet<&str>) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.entries.is_empty() {
            return problems;
        }
        let olds: HashSet<&str> = (0..old.len()).map(|i| old.code(i)).collect();
        let mut news: HashMap<&str, usize> = HashMap::new();
        for j in 0..new.len() {
            news.entry(new.code(j)).or_insert(j);
        }
        let mut seen: HashSet<&str> = HashSet::new();
        for e in &self.entries {
            for (old_side, column, code, name, vi, en) in [
                (
                    true,
                    OLD_COLUMN,
                    &e.old,
                    &e.old_name,
                    "bên cũ",
                    "the old side",
                ),
                (
                    false,
                    NEW_COLUMN,
                    &e.new,
                    &e.new_name,
                    "bên mới",
                    "the new side",
                ),
            ] {
                let known = if old_side {
                    olds.contains(code.as_str())
                } else {
                    news.contains_key(code.as_str())
                };
                if !known && !skip.contains(code.as_str()) {
                    let p = match (name, &e.old_name, &e.new_name) {
                        (Some(n), Some(on), Some(nn)) => Problem::warning(
                            "map-unmatched",
                            &self.file,
                            Text::new(
                                format!(
                                    "không có {code} {n} ở {vi} (bảng chuyển đổi: {} {on} → {} {nn})",
                                    e.old, e.new
                                ),
                                format!(
                                    "no {code} {n} in {en} (the conversion: {} {on} → {} {nn})",
                                    e.old, e.new
                                ),
                            ),
                        ),
                        _ => Problem::warning(
                            "map-unmatched",
                            &self.file,
                            Text::new(
                                format!("không có xã mã {code} ở {vi}"),
                                format!("no commune with code {code} in {en}"),
                            ),
                        )
                        .field(column),
                    };
                    problems.push(p.at(e.line, None).found(code.clone()));
                }
            }
            if e.old != e.new
                && seen.insert(&e.old)
                && let Some(p) = news
                    .get(e.old.as_str())
                    .and_then(|j| self.conflict(e, new.name(*j), new.line(*j)))
            {
                problems.push(p);
            }
        }
        problems
    }

    /// An old code sent to another code that is still a commune of the new side, while the map says
    /// nothing of what that new commune is made of.
    fn conflict(&self, e: &MapEntry, name: &str, line: usize) -> Option<Problem> {
        if !self.olds_of(&e.old).is_empty() {
            return None;
        }
        let code = &e.old;
        let to = self.news_of(code).join(", ");
        Some(
            Problem::error(
                "map-conflict",
                &self.file,
                Text::new(
                    format!(
                        "xã mã {code} được chuyển vào {to} nhưng vẫn là một xã ở bên mới (số liệu bên mới, dòng {line}: {name}), và tệp không nói xã {code} mới gồm những xã cũ nào"
                    ),
                    format!(
                        "commune {code} is sent to {to} but is still a commune of the new side (new side's data, line {line}: {name}), and the map does not say which old communes make up the new {code}"
                    ),
                ),
            )
            .at(e.line, None)
            .field(OLD_COLUMN)
            .found(code.clone())
            .expected(Text::new(
                format!(
                    "dòng {code};{code} nếu một phần xã {code} giữ mã (tách), dòng «mã cũ;{code}» nếu mã {code} được dùng lại cho xã khác, hoặc bỏ xã {code} khỏi số liệu bên mới"
                ),
                format!(
                    "a line {code};{code} if part of {code} keeps its code (a split), a line «old code;{code}» if the code {code} was reused, or {code} removed from the new side's data"
                ),
            )),
        )
    }

    /// Read a map file's bytes. Every problem is collected with its line; good lines are kept.
    pub fn parse(file: &str, bytes: &[u8]) -> (CodeMap, Vec<Problem>) {
        let mut map = CodeMap {
            file: file.to_string(),
            entries: Vec::new(),
            conversion: None,
        };
        let mut problems = Vec::new();
        let Ok(text) = std::str::from_utf8(bytes) else {
            problems.push(
                Problem::error(
                    "encoding",
                    file,
                    Text::new(
                        "tệp không phải UTF-8: trong Excel hãy lưu lại dạng «CSV UTF-8»",
                        "the file is not UTF-8: save it from Excel as «CSV UTF-8»",
                    ),
                )
                .at(1, None),
            );
            return (map, problems);
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Lines end in \n for the reader's count: one saved by Excel on Windows (\r\n) or an old
        // Mac (\r) would otherwise be numbered one short.
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let text = text.as_str();
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter(text))
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .from_reader(text.as_bytes());
        let mut records = reader.records();
        let Some((old_col, new_col)) = header(file, records.next(), &mut problems) else {
            return (map, problems);
        };
        for rec in records {
            match rec {
                Ok(rec) => map.read_line(&rec, old_col, new_col, &mut problems),
                Err(e) => problems.push(csv_problem(file, &e)),
            }
        }
        (map, problems)
    }

    fn read_line(
        &mut self,
        rec: &csv::StringRecord,
        old_col: usize,
        new_col: usize,
        problems: &mut Vec<Problem>,
    ) {
        let line = rec.position().map_or(0, |p| p.line() as usize);
        if rec.iter().all(|f| f.trim().is_empty()) {
            return;
        }
        let old = rec.get(old_col).unwrap_or("").trim();
        let new = rec.get(new_col).unwrap_or("").trim();
        for (value, column) in [(old, OLD_COLUMN), (new, NEW_COLUMN)] {
            if value.is_empty() {
                problems.push(
                    Problem::error(
                        "map-missing-code",
                        &self.file,
                        Text::new("thiếu mã xã", "missing commune code"),
                    )
                    .at(line, None)
                    .field(column)
                    .expected(Text::new("một mã xã", "a commune code")),
                );
            }
        }
        if old.is_empty() || new.is_empty() {
            return;
        }
        if let Some(first) = self.entries.iter().find(|e| e.old == old && e.new == new) {
            problems.push(
                Problem::warning(
                    "map-duplicate",
                    &self.file,
                    Text::new(
                        format!("dòng trùng với dòng {}, bỏ qua", first.line),
                        format!("same as line {}, ignored", first.line),
                    ),
                )
                .at(line, None),
            );
            return;
        }
        self.entries.push(MapEntry {
            old: old.to_string(),
            new: new.to_string(),
            line,
            old_name: None,
            new_name: None,
        });
    }
}

/// The positions of the two code columns, or the problem that there are none.
fn header(
    file: &str,
    first: Option<csv::Result<csv::StringRecord>>,
    problems: &mut Vec<Problem>,
) -> Option<(usize, usize)> {
    let header = match first {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            problems.push(csv_problem(file, &e));
            return None;
        }
        None => {
            problems.push(Problem::error(
                "empty",
                file,
                Text::new(
                    "tệp rỗng: cần dòng tiêu đề ma_xa_cu, ma_xa_moi",
                    "the file is empty: a header line ma_xa_cu, ma_xa_moi is expected",
                ),
            ));
            return None;
        }
    };
    let find = |name: &str| {
        header
            .iter()
            .position(|h| fold(h).replace(' ', "_") == name)
    };
    match (find(OLD_COLUMN), find(NEW_COLUMN)) {
        (Some(o), Some(n)) => Some((o, n)),
        (o, _) => {
            let missing = if o.is_none() { OLD_COLUMN } else { NEW_COLUMN };
            let line = header.position().map_or(1, |p| p.line() as usize);
            problems.push(
                Problem::error(
                    "missing-column",
                    file,
                    Text::new(
                        format!("thiếu cột bắt buộc: {missing}"),
                        format!("required column missing: {missing}"),
                    ),
                )
                .at(line, None)
                .found(header.iter().collect::<Vec<_>>().join(", "))
                .expected(Text::new(
                    "dòng tiêu đề có ma_xa_cu và ma_xa_moi",
                    "a header with ma_xa_cu and ma_xa_moi",
                )),
            );
            None
        }
    }
}

/// `;`, tab or `,`: whichever the header line holds most of.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.starts_with('#')).unwrap_or("");
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .filter(|d| first.as_bytes().contains(d))
        .unwrap_or(b',')
}

fn csv_problem(file: &str, e: &csv::Error) -> Problem {
    let p = Problem::error(
        "csv",
        file,
        Text::new(
            format!("không đọc được dòng CSV: {e}"),
            format!("unreadable CSV line: {e}"),
        ),
    );
    match e.position() {
        Some(pos) => p.at(pos.line() as usize, None),
        None => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::diff::RowSide;
    use crate::input::Row;

    #[test]
    fn a_map_is_read_with_its_lines_and_problems() {
        let lf = "# sáp nhập 2025\nMa xa cu;ma_xa_moi;ghi chú\n06501;20001;Gia Cát\n06502;20001;\n;20002;\n06501;20001;\n";
        // Saved by Excel on Windows (CRLF) or an old Mac (CR): the same lines, the same numbers.
        for text in [
            lf.to_string(),
            lf.replace('\n', "\r\n"),
            lf.replace('\n', "\r"),
        ] {
            lines_and_problems(&text);
        }
    }

    fn lines_and_problems(text: &str) {
        let (map, problems) = CodeMap::parse("map.csv", text.as_bytes());
        assert_eq!(map.entries.len(), 2);
        assert_eq!(map.entries[0].line, 3);
        assert_eq!(map.olds_of("20001"), vec!["06501", "06502"]);
        assert!(map.lists_old("06502"));
        assert!(!map.lists_old("20001"));
        let rendered: Vec<String> = problems
            .iter()
            .map(|p| p.render(crate::i18n::Lang::En))
            .collect();
        assert_eq!(
            rendered,
            vec![
                "map.csv:5: error: column ma_xa_cu: missing commune code; expected a commune code",
                "map.csv:6: note: same as line 3, ignored",
            ]
        );
    }

    fn rows(codes: &[&str]) -> Vec<Row> {
        codes
            .iter()
            .enumerate()
            .map(|(i, c)| Row {
                line: i + 2,
                code: c.to_string(),
                name: format!("Xã {c}"),
                parent: String::new(),
                year: 2025,
                group: None,
                cells: Vec::new(),
                written: Vec::new(),
            })
            .collect()
    }

    fn checked(map: &str, old: &[&str], new: &[&str]) -> Vec<String> {
        let (map, problems) = CodeMap::parse("m.csv", map.as_bytes());
        assert!(problems.is_empty(), "{problems:?}");
        let (old, new) = (rows(old), rows(new));
        let score =
            |_: &Row| -> crate::eval::UnitResult { unreachable!("a map check scores nothing") };
        let (old, new) = (
            RowSide::new(old.iter().collect(), &score),
            RowSide::new(new.iter().collect(), &score),
        );
        map.check(&old, &new, &HashSet::new())
            .iter()
            .map(|p| p.render(crate::i18n::Lang::En))
            .collect()
    }

    #[test]
    fn a_map_is_checked_against_both_sides() {
        // A and B merged into C, but both are still communes of the new side: two errors.
        let found = checked(
            "ma_xa_cu,ma_xa_moi\nA,C\nB,C\n",
            &["A", "B"],
            &["A", "B", "C"],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with(
                "m.csv:2: error: column ma_xa_cu: commune A is sent to C but is still a commune of the new side (new side's data, line 2: Xã A)"
            ),
            "{found:?}"
        );
        assert!(
            found[0].contains("found «A»; expected a line A;A"),
            "{found:?}"
        );
        assert!(found[1].starts_with("m.csv:3: error:"), "{found:?}");
        // A commune keeping its code while absorbing another, a split keeping the code (A;A), a
        // reused code (B went to C, the new B is made of D): no problem.
        assert!(checked("ma_xa_cu,ma_xa_moi\nB,A\n", &["A", "B"], &["A"]).is_empty());
        assert!(checked("ma_xa_cu,ma_xa_moi\nA,A\nA,C\n", &["A"], &["A", "C"]).is_empty());
        assert!(checked("ma_xa_cu,ma_xa_moi\nB,C\nD,B\n", &["B", "D"], &["B", "C"]).is_empty());
        // Codes missing from their side: notes, one per line and column.
        let found = checked("ma_xa_cu,ma_xa_moi\nX,C\nA,Y\n", &["A"], &["C"]);
        assert_eq!(
            found,
            vec![
                "m.csv:2: note: column ma_xa_cu: no commune with code X in the old side; found «X»",
                "m.csv:3: note: column ma_xa_moi: no commune with code Y in the new side; found «Y»",
            ]
        );
    }

    #[test]
    fn a_split_code_has_several_new_codes() {
        let (map, _) = CodeMap::parse("m.csv", b"ma_xa_cu,ma_xa_moi\nA,B\nA,C\nA,B\nD,B\n");
        assert_eq!(map.news_of("A"), vec!["B", "C"]);
        assert_eq!(map.news_of("D"), vec!["B"]);
        assert!(map.news_of("B").is_empty());
        assert_eq!(map.olds_of("B"), vec!["A", "D"]);
    }

    #[test]
    fn a_header_without_the_code_columns_is_an_error() {
        let (map, problems) = CodeMap::parse("m.csv", b"cu,moi\n1,2\n");
        assert!(map.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .render(crate::i18n::Lang::Vi)
                .starts_with("m.csv:1: lỗi: thiếu cột bắt buộc: ma_xa_cu"),
            "{}",
            problems[0].render(crate::i18n::Lang::Vi)
        );
        let (_, problems) = CodeMap::parse("m.csv", &[0xff, 0xfe, 0x41]);
        assert_eq!(problems[0].kind, "encoding");
    }
}
