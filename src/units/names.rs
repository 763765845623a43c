//! Comparing unit names and codes as people write them: with or without the type, diacritics or the
//! leading zeros Excel drops. Used for suggestions only; identity is decided by exact comparison.

use super::{Unit, UnitKind};

/// Type prefixes as people write them, longest first, with the kind they mean.
const PREFIXES: [(&str, UnitKind); 9] = [
    ("thị trấn", UnitKind::ThiTran),
    ("phường", UnitKind::Phuong),
    ("xã", UnitKind::Xa),
    ("tt.", UnitKind::ThiTran),
    ("tt", UnitKind::ThiTran),
    ("p.", UnitKind::Phuong),
    ("x.", UnitKind::Xa),
    ("p", UnitKind::Phuong),
    ("x", UnitKind::Xa),
];

/// A leading type, if any, and the rest: `Xã Gia Lộc` → (xã, `Gia Lộc`); `TT. Đồng Đăng` → (thị trấn,
/// `Đồng Đăng`). The prefix is recognised with or without diacritics and in any case; a one-letter
/// abbreviation only when followed by a space or a dot.
pub(super) fn split_type(s: &str) -> (Option<UnitKind>, &str) {
    let t = s.trim();
    for (prefix, kind) in PREFIXES {
        let n = prefix.chars().count();
        let head: String = t.chars().take(n).collect();
        if fold_word(&head) != fold_word(prefix) {
            continue;
        }
        let rest = &t[head.len()..];
        let at_boundary = prefix.ends_with('.') || rest.starts_with([' ', '.']);
        if !at_boundary {
            continue;
        }
        let rest = rest.trim_start_matches(['.', ' ']).trim();
        if !rest.is_empty() {
            return (Some(kind), rest);
        }
    }
    (None, t)
}

fn fold_word(s: &str) -> String {
    deunicode::deunicode(s).to_lowercase()
}

/// The key of an exact comparison: lower case, spaces collapsed, diacritics kept.
pub(super) fn exact_key(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name folded for loose comparison: no diacritics (đ → d), lower case, letters and digits only,
/// single spaces. `Đồng Đăng` and `dong  dang` fold to `dong dang`.
pub fn fold(s: &str) -> String {
    let ascii = deunicode::deunicode(s).to_lowercase();
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two names as data files give them are one name: folded ([`fold`]), a leading type
/// (`Xã`, `TT.`) aside on either (`Xã Gia Cát` and `gia cat` are one).
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let bare = |s: &str| fold(split_type(s).1);
    fold(a) == fold(b) || bare(a) == bare(b)
}

/// Whether `written` (a name as a data file gives it, with or without its type) is the unit's name:
/// compared folded ([`fold`]: no case, diacritics or punctuation); a type written before the name
/// (`Xã`, `TT.`) must be the unit's.
pub fn name_matches(unit: &Unit, written: &str) -> bool {
    if written.trim() == unit.name {
        return true;
    }
    let (kind, bare) = split_type(written);
    let same = |s: &str| !s.is_empty() && fold(s) == fold(&unit.name);
    if kind.is_some_and(|k| k == unit.kind) && same(bare) {
        return true;
    }
    // A name that only looks as if it started with a type (`Xuân Long`).
    same(written)
}

/// The code as it would be written with its leading zeros: `6475` → `06475`.
pub(crate) fn padded(code: &str) -> String {
    let c = code.trim();
    if zeros_missing(c) {
        format!("{c:0>5}")
    } else {
        c.to_string()
    }
}

/// Whether `code` (trimmed) lacks leading zeros [`padded`] would put back: a short code of digits.
pub(crate) fn zeros_missing(code: &str) -> bool {
    !code.is_empty() && code.len() < 5 && code.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn nearest_by_code<'a>(
    units: impl Iterator<Item = &'a Unit>,
    code: &str,
) -> Vec<&'a Unit> {
    let want = padded(code);
    if want.is_empty() {
        return Vec::new();
    }
    let units: Vec<&Unit> = units.collect();
    if let Some(u) = units.iter().find(|u| u.code == want) {
        return vec![u];
    }
    let mut near: Vec<&Unit> = units
        .into_iter()
        .filter(|u| strsim::damerau_levenshtein(&u.code, &want) == 1)
        .collect();
    near.sort_by(|a, b| a.code.cmp(&b.code));
    near
}

/// The least similarity a suggestion must have.
const MIN_SIMILARITY: f64 = 0.7;

pub(super) fn nearest_by_name<'a>(
    units: impl Iterator<Item = &'a Unit>,
    name: &str,
    limit: usize,
) -> Vec<(&'a Unit, f64)> {
    let (kind, bare) = split_type(name);
    let want = fold(bare);
    if want.is_empty() || limit == 0 {
        return Vec::new();
    }
    let mut scored: Vec<(&Unit, f64)> = units
        .map(|u| {
            let mut s = strsim::normalized_damerau_levenshtein(&fold(&u.name), &want);
            // A type that disagrees makes the unit a worse match, not a non-match.
            if kind.is_some_and(|k| k != u.kind) {
                s *= 0.9;
            }
            (u, s)
        })
        .filter(|(_, s)| *s >= MIN_SIMILARITY)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.code.cmp(&b.0.code)));
    scored.truncate(limit);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_split_with_or_without_diacritics() {
        assert_eq!(split_type("Xã Gia Lộc"), (Some(UnitKind::Xa), "Gia Lộc"));
        assert_eq!(
            split_type("  thi tran Dong Dang "),
            (Some(UnitKind::ThiTran), "Dong Dang")
        );
        assert_eq!(
            split_type("TT. Đồng Đăng"),
            (Some(UnitKind::ThiTran), "Đồng Đăng")
        );
        assert_eq!(
            split_type("P.Tam Thanh"),
            (Some(UnitKind::Phuong), "Tam Thanh")
        );
        // A name that merely starts with the letters of a type keeps them.
        assert_eq!(split_type("Xuân Dương"), (None, "Xuân Dương"));
        assert_eq!(split_type("Phú Xá"), (None, "Phú Xá"));
        assert_eq!(split_type("Xã"), (None, "Xã"));
    }

    #[test]
    fn folding_drops_diacritics_case_and_punctuation() {
        assert_eq!(fold("Đồng  Đăng"), "dong dang");
        assert_eq!(fold("Bằng Mạc"), fold("bang-mac"));
        assert_eq!(exact_key("  Gia   LỘC "), "gia lộc");
    }

    #[test]
    fn names_are_one_whatever_their_case_marks_or_type() {
        assert!(super::same_name("Xã Gia Cát", "gia cat"));
        assert!(super::same_name("TT. Đồng Đăng", "Thị trấn Đồng Đăng"));
        assert!(!super::same_name("Gia Cát", "Hợp Thành"));
    }

    #[test]
    fn short_codes_get_their_leading_zeros() {
        assert_eq!(padded("6475"), "06475");
        assert_eq!(padded("06475"), "06475");
        assert_eq!(padded("abc"), "abc");
        assert_eq!(padded(""), "");
    }
}
