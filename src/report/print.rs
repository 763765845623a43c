//! What a report that an office prints and files carries besides its results: the date of the run
//! (on every printed page, settable so that a report can be made again byte for byte), the input
//! files named without their folders, and the signature block.

use crate::i18n::{Lang, Text};

/// The date a report was made: today's, or the one `NTM_DATE` (`2025-07-01`) or `SOURCE_DATE_EPOCH`
/// (seconds since 1970, UTC) sets (read by the binary, see [`RunDate::from_settings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunDate {
    pub year: i16,
    pub month: i8,
    pub day: i8,
}

impl RunDate {
    /// `05/07/2025` in Vietnamese, `2025-07-05` in English.
    pub fn show(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!("{:02}/{:02}/{:04}", self.day, self.month, self.year),
            Lang::En => format!("{:04}-{:02}-{:02}", self.year, self.month, self.day),
        }
    }

    fn of(d: jiff::civil::Date) -> RunDate {
        RunDate {
            year: d.year(),
            month: d.month(),
            day: d.day(),
        }
    }

    /// The date from `NTM_DATE` (`YYYY-MM-DD`) when given, else from `SOURCE_DATE_EPOCH` (UTC),
    /// else today in the computer's time zone. A value that is not a date is refused, named.
    pub fn from_settings(
        ntm_date: Option<&str>,
        source_date_epoch: Option<&str>,
    ) -> Result<RunDate, Text> {
        if let Some(s) = ntm_date {
            let s = s.trim();
            // Exactly a date (not a date and time), of a year a workbook can hold.
            let shaped = s.len() == 10
                && s.bytes().enumerate().all(|(i, b)| {
                    if i == 4 || i == 7 {
                        b == b'-'
                    } else {
                        b.is_ascii_digit()
                    }
                });
            let date = s
                .parse::<jiff::civil::Date>()
                .ok()
                .filter(|d| shaped && d.year() >= 1900);
            return date.map(RunDate::of).ok_or_else(|| {
                Text::new(
                    format!("NTM_DATE «{s}» không phải một ngày: cần dạng NĂM-THÁNG-NGÀY, năm từ 1900, ví dụ 2025-07-01"),
                    format!("NTM_DATE «{s}» is not a date: expected YEAR-MONTH-DAY, a year from 1900, e.g. 2025-07-01"),
                )
            });
        }
        if let Some(s) = source_date_epoch {
            let s = s.trim();
            return s
                .parse::<i64>()
                .ok()
                .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
                .map(|t| RunDate::of(t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()))
                .ok_or_else(|| {
                    Text::new(
                        format!("SOURCE_DATE_EPOCH «{s}» không phải số giây kể từ 1970-01-01"),
                        format!(
                            "SOURCE_DATE_EPOCH «{s}» is not a number of seconds since 1970-01-01"
                        ),
                    )
                });
        }
        Ok(RunDate::of(jiff::ZonedDateTime::now().date()))
    }
}

/// The file name of a path, without its folders (`/home/a/xa-2024.csv` → `xa-2024.csv`), so that a
/// printed report does not show where it was made; a path with no file name stays as it is.
pub fn file_name(path: &str) -> String {
    // Both separators: a report made on Windows names `C:\…\xa.csv`.
    path.rsplit(['/', '\\'])
        .find(|p| !p.is_empty())
        .unwrap_or(path)
        .to_string()
}

/// Several files, each by its name.
pub fn file_names<S: AsRef<str>>(paths: &[S]) -> String {
    paths
        .iter()
        .map(|p| file_name(p.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A string as a CSS string literal (`"…"`), for the page's margin boxes.
pub(crate) fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            // A line end or a control character: its code point, then the space that ends it.
            c if c.is_control() => out.push_str(&format!("\\{:x} ", c as u32)),
            '<' => out.push_str("\\3c "),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The page's margin boxes: the date of the run and the criteria version at the bottom left, the page
/// number and count at the bottom right, on every printed page (CSS paged media, which Chromium
/// prints since version 131).
pub(crate) fn page_css(date: Option<RunDate>, version: &str, lang: Lang) -> String {
    let mut left = format!("{} {version}", lang.pick("Bộ tiêu chí", "Criteria version"));
    if let Some(d) = date {
        left = format!(
            "{} {} · {left}",
            lang.pick("Lập ngày", "Made on"),
            d.show(lang)
        );
    }
    format!(
        "@page {{\n  @bottom-left {{ content: {}; font-size: 7pt; color: #444; }}\n  \
         @bottom-right {{ content: {} counter(page) \"/\" counter(pages); font-size: 7pt; color: #444; }}\n}}\n",
        css_string(&left),
        css_string(lang.pick("Trang ", "Page ")),
    )
}

/// The signature block: who made the report and who checked it, each with room for the date, the
/// signature and the full name.
pub(crate) fn signatures(lang: Lang) -> String {
    let one = |who: &str| {
        format!(
            "<div class=\"sign\"><p class=\"sign-date\">{}</p><p class=\"sign-who\">{who}</p>\
             <p class=\"sign-how\">{}</p></div>",
            lang.pick(
                "Ngày ...... tháng ...... năm ..........",
                "Date: ........................"
            ),
            lang.pick("(Ký, ghi rõ họ tên)", "(signature and full name)"),
        )
    };
    format!(
        "<div class=\"signatures\">{}{}</div>\n",
        one(lang.pick("Người lập", "Prepared by")),
        one(lang.pick("Người kiểm tra", "Checked by")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_from_the_settings_or_refused() {
        let d = RunDate::from_settings(Some("2025-07-01"), Some("0")).unwrap();
        assert_eq!(d.show(Lang::Vi), "01/07/2025");
        assert_eq!(d.show(Lang::En), "2025-07-01");
        let d = RunDate::from_settings(None, Some("1735689600")).unwrap();
        assert_eq!(d.show(Lang::En), "2025-01-01");
        let e = RunDate::from_settings(Some("1/7/2025"), None).unwrap_err();
        assert!(e.vi.contains("NTM_DATE «1/7/2025»"), "{}", e.vi);
        assert!(RunDate::from_settings(Some("2025-02-30"), None).is_err());
        // A date and time, or a year no workbook holds, is not taken for a date.
        for not in ["2025-07-01T00:00", "0000-01-01", "1899-12-31", "2025-7-1"] {
            assert!(RunDate::from_settings(Some(not), None).is_err(), "{not}");
        }
        assert!(RunDate::from_settings(None, Some("hôm qua")).is_err());
        assert!(RunDate::from_settings(None, None).is_ok());
    }

    #[test]
    fn file_names_only() {
        assert_eq!(file_name("/home/cb/Tài liệu/xa-2024.csv"), "xa-2024.csv");
        assert_eq!(file_name(r"C:\Users\cb\xa.xlsx"), "xa.xlsx");
        assert_eq!(file_name("xa.csv"), "xa.csv");
        assert_eq!(file_name("dir/"), "dir");
        assert_eq!(file_names(&["/a/x.csv", "y.csv"]), "x.csv, y.csv");
    }

    #[test]
    fn css_strings_cannot_close_the_rule() {
        assert_eq!(css_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(css_string("x\n}</style>"), "\"x\\a }\\3c /style>\"");
    }
}
