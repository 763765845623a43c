//! Languages of the user interface and bilingual text.

use serde::Serialize;

/// The language of labels and messages. Vietnamese is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// Pick the Vietnamese or the English form.
    pub fn pick<'a>(self, vi: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

/// A text given in Vietnamese with an English gloss.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Text {
    pub vi: String,
    pub en: String,
}

impl Text {
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, falling back to Vietnamese when no English gloss is given.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en.is_empty() => &self.en,
            _ => &self.vi,
        }
    }
}

/// Why a file operation failed, in both languages: the common reasons in words (the system's
/// message is English, and a temporary file's error names the temporary file), else the system's
/// message as it is.
pub fn io_reason(e: &std::io::Error) -> Text {
    use std::io::ErrorKind as K;
    let (vi, en) = match e.kind() {
        K::NotFound => ("không có thư mục hay tệp đó", "no such folder or file"),
        K::PermissionDenied => ("không có quyền", "permission denied"),
        K::StorageFull => ("ổ đĩa đã đầy", "no space left on the disk"),
        K::ReadOnlyFilesystem => ("ổ đĩa chỉ cho đọc", "the disk is read-only"),
        K::IsADirectory => ("đó là một thư mục", "it is a folder"),
        K::NotADirectory => (
            "một phần của đường dẫn không phải thư mục",
            "a part of the path is not a folder",
        ),
        K::QuotaExceeded => ("đã hết hạn mức dung lượng", "the disk quota is used up"),
        K::FileTooLarge => ("tệp quá lớn", "the file is too large"),
        _ => {
            let os = e.to_string();
            return Text::new(os.clone(), os);
        }
    };
    Text::new(vi, en)
}

/// Format a number the way the user's language writes it: `85,5` in Vietnamese, `85.5` in English.
/// At most three decimals, trailing zeros dropped (so that 69,999 % never reads as 70 %).
pub fn num(value: f64, lang: Lang) -> String {
    let mut s = thousandths(value).unwrap_or_else(|| format!("{value:.3}"));
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    if lang == Lang::Vi
        && let Some(dot) = s.find('.')
    {
        s.replace_range(dot..=dot, ",");
    }
    s
}

/// `value` with three decimals, as `format!("{value:.3}")` writes it, for a value under a million
/// within a millionth of a thousandth (most data: `42,5`, `87`, `0,07`): far from a tie, so that
/// rounding the exact value to three decimals gives that thousandth. `None` for any other value
/// (formatted the slow, exact way).
fn thousandths(value: f64) -> Option<String> {
    let scaled = value * 1000.0;
    let k = scaled.round();
    if !(k.abs() < 1e9 && (scaled - k).abs() < 1e-6) {
        return None;
    }
    let k = k as i64;
    let sign = if k < 0 || (k == 0 && value.is_sign_negative()) {
        "-"
    } else {
        ""
    };
    let k = k.unsigned_abs();
    let mut out = String::with_capacity(sign.len() + 12);
    out.push_str(sign);
    out.push_str(itoa::Buffer::new().format(k / 1000));
    out.push('.');
    let f = k % 1000;
    for d in [f / 100, f / 10 % 10, f % 10] {
        out.push(char::from(b'0' + d as u8));
    }
    Some(out)
}

/// A figure ntm derives (a share of communes, an average): one decimal, so that `9/13` reads
/// `69,2 %` and an average `18,4`, never `69,231`. Values from the data and thresholds keep their
/// own precision ([`num`]).
pub fn derived(value: f64, lang: Lang) -> String {
    num((value * 10.0).round() / 10.0, lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_error_is_said_in_words_without_the_temporary_file() {
        let e = std::io::Error::new(std::io::ErrorKind::NotFound, "at path /x/.a.csv.ntm-tmp-1");
        let r = io_reason(&e);
        assert_eq!(r.vi, "không có thư mục hay tệp đó");
        assert!(!r.en.contains("tmp"), "{r:?}");
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert_eq!(io_reason(&full).vi, "ổ đĩa đã đầy");
    }

    #[test]
    fn thousandths_are_written_as_the_exact_formatting_writes_them() {
        let mut values = vec![
            0.0, -0.0, 1.0, -1.0, 42.5, 87.0, 0.07, 0.1, 0.2, 0.3, 1.005, 2.675, 0.0005, 0.0015,
            -0.0004, -0.0005, 69.999, 69.9995, 123456.789, -98.765, 1e14, 1e15, 1e16, 0.123456,
        ];
        // A spread of values with two decimals, as data has, and some with more.
        let mut x: u64 = 0x2024_0617;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let cents = (x >> 33) % 2_000_000;
            values.push(cents as f64 / 100.0 - 10_000.0);
            values.push((x >> 11) as f64 / (1u64 << 53) as f64 * 1000.0);
        }
        for v in values {
            let exact = format!("{v:.3}");
            if let Some(fast) = thousandths(v) {
                assert_eq!(fast, exact, "{v:e}");
            }
        }
        assert!(thousandths(42.5).is_some() && thousandths(0.07).is_some());
    }

    #[test]
    fn derived_figures_have_one_decimal() {
        assert_eq!(derived(69.230769, Lang::Vi), "69,2");
        assert_eq!(derived(18.0, Lang::Vi), "18");
        assert_eq!(derived(53.846, Lang::En), "53.8");
    }

    #[test]
    fn numbers_use_the_languages_decimal_mark() {
        assert_eq!(num(85.5, Lang::Vi), "85,5");
        assert_eq!(num(85.5, Lang::En), "85.5");
        assert_eq!(num(52.800000001, Lang::En), "52.8");
        assert_eq!(num(69.999, Lang::Vi), "69,999");
        assert_eq!(num(42.0, Lang::Vi), "42");
        assert_eq!(num(-0.0001, Lang::Vi), "0");
    }

    #[test]
    fn text_falls_back_to_vietnamese() {
        let t = Text::new("Giao thông", "");
        assert_eq!(t.get(Lang::En), "Giao thông");
        let t = Text::new("Giao thông", "Transport");
        assert_eq!(t.get(Lang::En), "Transport");
    }
}
