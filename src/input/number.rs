//! Numbers as people type them, read exactly or not at all.
//!
//! One rule for the whole file: the **decimal mark** is a comma (`85,5`, Vietnamese) or a point (`85.5`,
//! English), and the other mark may group thousands in threes (`42.500.000`, `42,500,000`). A file settles
//! which it is by the first number that shows it (`85,5`, `0,855`, `1.234,5`, `42.500.000`…), or by
//! `--decimal`. A number that reads two ways (`42.000`: 42 or 42 000?) takes the file's meaning, and is
//! refused while the file has shown none; a number that contradicts the file's mark (`85.5` in a file of
//! `85,5`) is refused. Spaces group thousands only in threes (`1 234`); `4 2` is refused.

/// A decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Comma,
    Point,
}

impl Mark {
    fn char(self) -> char {
        match self {
            Mark::Comma => ',',
            Mark::Point => '.',
        }
    }

    fn other(self) -> Mark {
        match self {
            Mark::Comma => Mark::Point,
            Mark::Point => Mark::Comma,
        }
    }

    /// `dấu phẩy (85,5)` / `a decimal comma (85,5)`.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Mark::Comma => ("dấu phẩy thập phân (85,5)", "a decimal comma (85,5)"),
            Mark::Point => ("dấu chấm thập phân (85.5)", "a decimal point (85.5)"),
        }
    }
}

/// A number as written, before the file's decimal mark is applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// One meaning whatever the file's mark; `shows` is the decimal mark the text reveals, if any.
    Exact { value: f64, shows: Option<Mark> },
    /// `42.000`, `1,234`: one mark once, followed by three digits: a decimal or a thousands group.
    Ambiguous { if_comma: f64, if_point: f64 },
}

impl Reading {
    /// The value under the file's decimal mark, or why there is none.
    pub fn under(self, mark: Option<Mark>) -> Result<f64, Refusal> {
        match (self, mark) {
            (Reading::Exact { shows, .. }, Some(m)) if shows.is_some_and(|s| s != m) => {
                Err(Refusal::Contradicts(m))
            }
            (Reading::Exact { value, .. }, _) => Ok(value),
            (Reading::Ambiguous { if_comma, .. }, Some(Mark::Comma)) => Ok(if_comma),
            (Reading::Ambiguous { if_point, .. }, Some(Mark::Point)) => Ok(if_point),
            (Reading::Ambiguous { if_comma, if_point }, None) => {
                Err(Refusal::Ambiguous { if_comma, if_point })
            }
        }
    }
}

/// Why a number is refused.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Refusal {
    /// Not a number at all.
    NotANumber,
    /// Separators that follow no rule (`1.2.3`, `4 2`, `1,2.3,4`).
    Malformed,
    /// Reads two ways and the file has not said which.
    Ambiguous { if_comma: f64, if_point: f64 },
    /// Shows a decimal mark other than the file's.
    Contradicts(Mark),
}

/// Read `s` (already trimmed, without `%`): digits with an optional sign, a decimal mark and thousands
/// separators.
pub fn read(s: &str) -> Result<Reading, Refusal> {
    match plain(s.as_bytes()) {
        Some(r) => Ok(r),
        None => full(s),
    }
}

/// [`read`] without its fast path: every rule, for every text.
fn full(s: &str) -> Result<Reading, Refusal> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let body = body.trim_start();
    if body.is_empty() {
        return Err(Refusal::NotANumber);
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\u{202f}'))
        || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(Refusal::NotANumber);
    }
    let sign = if negative { -1.0 } else { 1.0 };
    let signed = |r: Reading| match r {
        Reading::Exact { value, shows } => Reading::Exact {
            value: sign * value,
            shows,
        },
        Reading::Ambiguous { if_comma, if_point } => Reading::Ambiguous {
            if_comma: sign * if_comma,
            if_point: sign * if_point,
        },
    };
    // Spaces group thousands in threes, and then no other mark groups them.
    let spaced = body.contains([' ', '\u{a0}', '\u{202f}']);
    if spaced {
        let (int, frac) = match body.find([',', '.']) {
            Some(i) => body.split_at(i),
            None => (body, ""),
        };
        let groups: Vec<&str> = int.split([' ', '\u{a0}', '\u{202f}']).collect();
        if !grouped(&groups) || frac.contains([' ', '\u{a0}', '\u{202f}']) {
            return Err(Refusal::Malformed);
        }
        let frac_marks = frac.matches([',', '.']).count();
        if frac_marks > 1 {
            return Err(Refusal::Malformed);
        }
        let value = parse(&format!("{}{}", groups.concat(), frac.replace(',', ".")))?;
        let shows = frac
            .chars()
            .next()
            .map(|c| if c == ',' { Mark::Comma } else { Mark::Point });
        return Ok(signed(Reading::Exact { value, shows }));
    }
    let commas = body.matches(',').count();
    let points = body.matches('.').count();
    let reading = match (commas, points) {
        (0, 0) => Reading::Exact {
            value: parse(body)?,
            shows: None,
        },
        (1, 0) | (0, 1) => {
            let mark = if commas == 1 {
                Mark::Comma
            } else {
                Mark::Point
            };
            let (int, frac) = body.split_once(mark.char()).ok_or(Refusal::Malformed)?;
            if frac.is_empty() {
                return Err(Refusal::Malformed);
            }
            let as_decimal = parse(&format!(
                "{}.{frac}",
                if int.is_empty() { "0" } else { int }
            ))?;
            if frac.len() == 3 && grouped(&[int, frac]) {
                let as_thousands = parse(&format!("{int}{frac}"))?;
                let (if_comma, if_point) = match mark {
                    Mark::Comma => (as_decimal, as_thousands),
                    Mark::Point => (as_thousands, as_decimal),
                };
                Reading::Ambiguous { if_comma, if_point }
            } else {
                Reading::Exact {
                    value: as_decimal,
                    shows: Some(mark),
                }
            }
        }
        (_, 0) | (0, _) => {
            // One mark several times: thousands groups, so the other mark is the decimal one.
            let mark = if commas > 0 { Mark::Comma } else { Mark::Point };
            let groups: Vec<&str> = body.split(mark.char()).collect();
            if !grouped(&groups) {
                return Err(Refusal::Malformed);
            }
            Reading::Exact {
                value: parse(&groups.concat())?,
                shows: Some(mark.other()),
            }
        }
        _ => {
            // Both marks: the last is the decimal mark, once; the other groups the integer part.
            let last = body.rfind([',', '.']).ok_or(Refusal::Malformed)?;
            let decimal = if body[last..].starts_with(',') {
                Mark::Comma
            } else {
                Mark::Point
            };
            let (int, frac) = (&body[..last], &body[last + 1..]);
            let groups: Vec<&str> = int.split(decimal.other().char()).collect();
            if int.contains(decimal.char()) || frac.is_empty() || !grouped(&groups) {
                return Err(Refusal::Malformed);
            }
            Reading::Exact {
                value: parse(&format!("{}.{frac}", groups.concat()))?,
                shows: Some(decimal),
            }
        }
    };
    Ok(signed(reading))
}

/// 10^0 to 10^15, each an exact double. An integer of at most fifteen digits (below 2^53, exact)
/// divided by one of them is one correctly rounded division: the nearest double to the decimal, as
/// the full parser gives it (Clinger's fast path). The CSV reader's `plain` and the .xlsx cell
/// scanner read their short numbers so.
pub(crate) const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// What most cells hold, read without building any string: digits with at most one decimal mark that
/// cannot be a thousands separator (`85,5`, `100`, `0,855`, `45.36`). Anything else (`42.000`, signs,
/// spaces, several marks, long numbers) is left to the full rules. A number with a mark has at most 15
/// digits, so that its digits make an integer below 2^53, exact in an `f64`, and its value is the
/// quotient of two exact `f64` (a power of ten up to 10^15), rounded once: what `str::parse` gives. A
/// whole number of up to 16 digits is one `u64` converted with one rounding, as `str::parse` rounds it.
#[inline]
pub(super) fn plain(s: &[u8]) -> Option<Reading> {
    // The commonest shapes (`8`, `34`, `95,7`, `100,0`, `60,68`) in straight-line code: a fraction of one
    // or two digits cannot be a thousands group, and the digits make an integer below 10^6.
    let short = match s.len() {
        1 => digits::<1>(s).map(|m| (m, None)),
        2 => digits::<2>(s).map(|m| (m, None)),
        3 => split::<1, 1>(s).or_else(|| digits::<3>(s).map(|m| (m, None))),
        4 => split::<2, 1>(s).or_else(|| split::<1, 2>(s)),
        5 => split::<3, 1>(s).or_else(|| split::<2, 2>(s)),
        6 => split::<4, 1>(s).or_else(|| split::<3, 2>(s)),
        _ => None,
    };
    if let Some((mantissa, mark)) = short {
        let value = mantissa as i64 as f64;
        return Some(match mark {
            None => Reading::Exact { value, shows: None },
            Some((mark, frac_len)) => Reading::Exact {
                value: value / POW10[frac_len],
                shows: Some(mark),
            },
        });
    }
    if s.len() > 16 {
        return None;
    }
    let mut mantissa = 0u64;
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        mantissa = mantissa * 10 + u64::from(d);
        i += 1;
    }
    let int_len = i;
    let mark = match s.get(i) {
        _ if int_len == 0 => return None,
        None => {
            // Below 10^16 < 2^63: as an `i64`, converted in one instruction, to the same `f64`.
            return Some(Reading::Exact {
                value: mantissa as i64 as f64,
                shows: None,
            });
        }
        Some(b',') => Mark::Comma,
        Some(b'.') => Mark::Point,
        Some(_) => return None,
    };
    let frac = &s[i + 1..];
    for &b in frac {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(d);
    }
    // Three digits after a mark that could group thousands: the file's mark decides.
    if frac.is_empty() || (frac.len() == 3 && int_len <= 3 && s[0] != b'0') {
        return None;
    }
    // At most 15 digits here (16 bytes, one of them the mark): the power of ten is in the table.
    let value = mantissa as i64 as f64 / *POW10.get(frac.len())?;
    Some(Reading::Exact {
        value,
        shows: Some(mark),
    })
}

/// `N` digits as an integer (`N` known: the loop is unrolled).
#[inline(always)]
fn digits<const N: usize>(s: &[u8]) -> Option<u64> {
    let s: &[u8; N] = s.try_into().ok()?;
    let mut m = 0u64;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        m = m * 10 + u64::from(d);
    }
    Some(m)
}

/// `I` digits, a decimal mark, `F` digits: the digits as one integer, the mark and `F`.
#[inline(always)]
fn split<const I: usize, const F: usize>(s: &[u8]) -> Option<(u64, Option<(Mark, usize)>)> {
    let (int, rest) = s.split_first_chunk::<I>()?;
    let (&mark, frac) = rest.split_first()?;
    let mark = match mark {
        b',' => Mark::Comma,
        b'.' => Mark::Point,
        _ => return None,
    };
    let m = digits::<I>(int)? * 10u64.pow(F as u32) + digits::<F>(frac)?;
    Some((m, Some((mark, F))))
}

/// Thousands groups: a first group of one to three digits not starting with 0, then groups of three.
fn grouped(groups: &[&str]) -> bool {
    let Some((first, rest)) = groups.split_first() else {
        return false;
    };
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    (1..=3).contains(&first.len())
        && digits(first)
        && !first.starts_with('0')
        && rest.iter().all(|g| g.len() == 3 && digits(g))
}

fn parse(plain: &str) -> Result<f64, Refusal> {
    let n: f64 = plain.parse().map_err(|_| Refusal::NotANumber)?;
    if n.is_finite() {
        Ok(n)
    } else {
        Err(Refusal::NotANumber)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(s: &str) -> (f64, Option<Mark>) {
        match read(s) {
            Ok(Reading::Exact { value, shows }) => (value, shows),
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn a_number_that_shows_its_decimal_mark_reads_one_way() {
        assert_eq!(exact("85,5"), (85.5, Some(Mark::Comma)));
        assert_eq!(exact("85.5"), (85.5, Some(Mark::Point)));
        assert_eq!(exact("45,36"), (45.36, Some(Mark::Comma)));
        assert_eq!(exact("0,855"), (0.855, Some(Mark::Comma)));
        assert_eq!(exact("1234,567"), (1234.567, Some(Mark::Comma)));
        assert_eq!(exact("1.234,5"), (1234.5, Some(Mark::Comma)));
        assert_eq!(exact("1,234.5"), (1234.5, Some(Mark::Point)));
        assert_eq!(exact("42.500.000"), (42_500_000.0, Some(Mark::Comma)));
        assert_eq!(exact("1,234,567"), (1_234_567.0, Some(Mark::Point)));
        assert_eq!(exact("42"), (42.0, None));
        assert_eq!(exact("1 234"), (1234.0, None));
        assert_eq!(exact("1 234,5"), (1234.5, Some(Mark::Comma)));
        assert_eq!(exact("-3"), (-3.0, None));
    }

    #[test]
    fn three_digits_after_one_mark_read_two_ways() {
        assert_eq!(
            read("42.000"),
            Ok(Reading::Ambiguous {
                if_comma: 42_000.0,
                if_point: 42.0
            })
        );
        assert_eq!(
            read("1,234"),
            Ok(Reading::Ambiguous {
                if_comma: 1.234,
                if_point: 1234.0
            })
        );
        let r = read("42.000").unwrap();
        assert_eq!(r.under(Some(Mark::Comma)), Ok(42_000.0));
        assert_eq!(r.under(Some(Mark::Point)), Ok(42.0));
        assert!(matches!(r.under(None), Err(Refusal::Ambiguous { .. })));
    }

    #[test]
    fn a_number_against_the_files_mark_is_refused() {
        let r = read("85.5").unwrap();
        assert_eq!(
            r.under(Some(Mark::Comma)),
            Err(Refusal::Contradicts(Mark::Comma))
        );
        assert_eq!(r.under(Some(Mark::Point)), Ok(85.5));
        assert_eq!(r.under(None), Ok(85.5));
    }

    #[test]
    fn the_fast_path_reads_what_the_full_rules_read() {
        for s in [
            "85",
            "85,5",
            "85.5",
            "0,855",
            "45,36",
            "100",
            "0",
            "1234,567",
            "99.99",
            "0.5",
            "12345678,12345",
            "7",
        ] {
            let fast = plain(s.as_bytes()).unwrap();
            let Reading::Exact { value, shows } = fast else {
                panic!("{s}")
            };
            let expected: f64 = s.replace(',', ".").parse().unwrap();
            assert_eq!(value.to_bits(), expected.to_bits(), "{s}");
            assert_eq!(shows.is_some(), s.contains([',', '.']), "{s}");
        }
        for s in [
            "42.000",
            "1,234",
            "-3",
            "4 2",
            "1.2.3",
            "85,",
            ",5",
            "",
            "1e5",
            "123456789012345678",
        ] {
            assert!(plain(s.as_bytes()).is_none(), "{s}");
        }
    }

    #[test]
    fn sixteen_digits_with_a_mark_are_left_to_the_full_rules() {
        // 9999999999999999 is not an `f64`: dividing it by ten would round twice.
        assert!(plain(b"999999999999999,9").is_none());
        assert_eq!(exact("999999999999999,9").0, 999_999_999_999_999.9);
        assert_eq!(exact("9999999999999999").0, 9_999_999_999_999_999.0);
        assert!(plain(b"99999999999999,9").is_some());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20000))]
        /// The fast path reads exactly what the full rules read, bit for bit, mark included; when it
        /// does not read, `read` is the full rules (their refusals included).
        #[test]
        fn the_fast_path_is_the_full_rules(
            s in "[0-9]{0,18}([,.][0-9]{0,18})?|[0-9]{0,4}[,.]?[0-9]{0,3}|0*[1-9]{1,3}[,.][0-9]{3}|[0-9,.+ %-]{0,8}",
        ) {
            let full = full(&s);
            match plain(s.as_bytes()) {
                Some(Reading::Exact { value, shows }) => {
                    let Ok(Reading::Exact { value: v, shows: m }) = full else {
                        return Err(proptest::test_runner::TestCaseError::fail(format!("{s}: {full:?}")));
                    };
                    proptest::prop_assert_eq!(value.to_bits(), v.to_bits(), "{}", s);
                    proptest::prop_assert_eq!(shows, m, "{}", s);
                    let parsed: f64 = s.replace(',', ".").parse().unwrap();
                    proptest::prop_assert_eq!(value.to_bits(), parsed.to_bits(), "{}", s);
                }
                Some(other) => proptest::prop_assert!(false, "{s}: {other:?}"),
                None => proptest::prop_assert_eq!(read(&s), full),
            }
        }
    }

    #[test]
    fn separators_that_follow_no_rule_are_refused() {
        for s in [
            "4 2",
            "1.2.3",
            "1,2.3,4",
            "12,34,56",
            "1.234.5",
            "85,",
            "1 23",
            "0.123.456",
            "1 234 5",
        ] {
            assert_eq!(read(s), Err(Refusal::Malformed), "{s}");
        }
        for s in ["abc", "1e5", "NaN", "", "-", "12a", "∞"] {
            assert_eq!(read(s), Err(Refusal::NotANumber), "{s}");
        }
    }
}
