//! The workbook parts the cell reader (`cells`) needs besides the sheet: the shared strings and which
//! cell styles are dates, read exactly as calamine reads them.
//!
//! calamine keeps both to itself, so they are read a second time here, by the same steps over the same
//! XML events (quick-xml, configured as calamine configures it): the functions below follow calamine
//! 0.38 (`xlsx/mod.rs`, `formats.rs`, `utils.rs`, MIT licence) line by line. Whatever goes wrong
//! here only means the cells are left to calamine (`None`), never a different reading.
//!
//! The functions ported from calamine carry its licence, as it asks:

// The MIT License (MIT)
//
// Copyright (c) 2016 Johann Tuffe
//
// Permission is hereby granted, free of charge, to any person obtaining a copy
// of this software and associated documentation files (the "Software"), to deal
// in the Software without restriction, including without limitation the rights
// to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
// copies of the Software, and to permit persons to whom the Software is
// furnished to do so, subject to the following conditions:
//
//
// The above copyright notice and this permission notice shall be included in
// all copies or substantial portions of the Software.
//
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
// IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
// FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.  IN NO EVENT SHALL THE
// AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
// LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
// OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
// THE SOFTWARE.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};

use calamine::ExcelDateTimeType;
use quick_xml::Reader as XmlReader;
use quick_xml::events::{BytesRef, Event};
use quick_xml::name::QName;
use zip::ZipArchive;

/// Whether a number in a cell of this style is read as a date or a duration (calamine's
/// `CellFormat`: `None` for `Other`).
pub type IsDate = Option<ExcelDateTimeType>;

/// A cell style as read here: whether it is a date, and its number format as calamine's `Style`
/// has it (id, code).
pub type StyleRead = (IsDate, Option<(Option<u32>, String)>);

/// A quick-xml reader configured as calamine's `xml_reader`.
fn configured<R: BufRead>(r: R) -> XmlReader<R> {
    let mut r = XmlReader::from_reader(r);
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// The archive's names, as calamine's `build_zip_path_cache`: a part is found whatever its case and
/// slashes.
pub fn path_cache(zip: &ZipArchive<BufReader<File>>) -> HashMap<String, String> {
    zip.file_names()
        .flatten()
        .map(|n| (n.replace('\\', "/").to_ascii_lowercase(), n.to_string()))
        .collect()
}

fn cached<'a>(cache: &'a HashMap<String, String>, path: &'a str) -> &'a str {
    cache
        .get(&path.to_ascii_lowercase())
        .map_or(path, |s| s.as_str())
}

/// The raw value of attribute `key` (calamine's `raw_attr`): the first with exactly that name;
/// `None` in the outer option when an attribute before it is malformed.
fn raw_attr<'a>(raw: &'a str, key: &str) -> Option<Option<&'a str>> {
    for item in RawAttrs::new(raw) {
        let (k, v) = item.ok()?;
        if k == key {
            return Some(Some(v));
        }
    }
    Some(None)
}

/// calamine's `RawAttrIter`: `key="value"` pairs of a tag's raw attributes, an error for a key
/// without `=` or a value without quotes.
pub struct RawAttrs<'a> {
    raw: &'a str,
    pos: usize,
}

impl<'a> RawAttrs<'a> {
    pub fn new(raw: &'a str) -> Self {
        RawAttrs { raw, pos: 0 }
    }
}

impl<'a> Iterator for RawAttrs<'a> {
    type Item = Result<(&'a str, &'a str), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = self.raw;
        let bytes = raw.as_bytes();
        let len = bytes.len();
        let mut pos = self.pos;
        while pos < len && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= len {
            self.pos = pos;
            return None;
        }
        let key_start = pos;
        while pos < len && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= len {
            self.pos = len;
            return Some(Err(()));
        }
        let key = raw.get(key_start..pos)?.trim_ascii_end();
        pos += 1;
        while pos < len && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = bytes.get(pos).copied();
        let Some(quote) = quote.filter(|q| *q == b'"' || *q == b'\'') else {
            self.pos = len;
            return Some(Err(()));
        };
        pos += 1;
        let val_start = pos;
        while pos < len && bytes[pos] != quote {
            pos += 1;
        }
        let val = raw.get(val_start..pos)?;
        if pos < len {
            pos += 1;
        }
        self.pos = pos;
        Some(Ok((key, val)))
    }
}

fn attrs_of<'a>(e: &'a quick_xml::events::BytesStart) -> Option<&'a str> {
    Some(e.attributes_raw())
}

/// The folder of the workbook's main part (`xl/`), as calamine's `read_package_relationships`.
pub fn xl_path(
    zip: &mut ZipArchive<BufReader<File>>,
    cache: &HashMap<String, String>,
) -> Option<String> {
    let part = zip.by_name(cached(cache, "_rels/.rels")).ok()?;
    let mut xml = configured(BufReader::new(part));
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return None,
            _ => (),
        }
    }
    let mut document_target = None;
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let raw = attrs_of(&e)?;
                let (mut rel_type, mut target) = (None, None);
                for item in RawAttrs::new(raw) {
                    let (k, v) = item.ok()?;
                    match k {
                        "Type" if rel_type.is_none() => rel_type = Some(v),
                        "Target" if target.is_none() => target = Some(v),
                        _ => {}
                    }
                    if rel_type.is_some() && target.is_some() {
                        break;
                    }
                }
                if rel_type.is_some_and(|t| t.ends_with("/relationships/officeDocument"))
                    && let Some(target) = target
                {
                    document_target = Some(quick_xml::escape::unescape(target).ok()?.into_owned());
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return None,
            _ => (),
        }
    }
    Some(match document_target {
        Some(target) => {
            let dir = match target.rfind('/') {
                Some(i) => &target[..i + 1],
                None => "",
            };
            dir.strip_prefix('/').unwrap_or(dir).to_string()
        }
        // calamine refuses such a workbook; it was opened, so this is not reached.
        None => return None,
    })
}

/// The shared strings, as calamine's `read_shared_strings` (an empty list when the part is absent).
pub fn shared_strings(
    zip: &mut ZipArchive<BufReader<File>>,
    cache: &HashMap<String, String>,
    xl: &str,
) -> Option<Vec<String>> {
    let path = format!("{xl}sharedStrings.xml");
    let part = match zip.by_name(cached(cache, &path)) {
        Ok(p) => p,
        Err(zip::result::ZipError::FileNotFound) => return Some(Vec::new()),
        Err(_) => return None,
    };
    strings_from(BufReader::new(part))
}

fn strings_from<R: BufRead>(r: R) -> Option<Vec<String>> {
    let mut xml = configured(r);
    let mut strings = Vec::new();
    let mut buf = Vec::with_capacity(1024);
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "sst" => {
                if let Some(Some(count)) = raw_attr(attrs_of(&e)?, "uniqueCount")
                    && let Ok(n) = count.parse::<usize>()
                {
                    strings.reserve(n.min(1 << 20));
                }
                break;
            }
            Event::Eof => return None,
            _ => (),
        }
    }
    let (mut str_buf, mut val_buf) = (Vec::with_capacity(1024), Vec::with_capacity(1024));
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                let name = e.name().as_ref().to_string();
                if let Some(s) = read_string(&mut xml, QName(&name), &mut str_buf, &mut val_buf)? {
                    strings.push(s);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "sst" => break,
            Event::Eof => return None,
            _ => (),
        }
    }
    Some(strings)
}

/// calamine's `read_string_with_bufs`: a plain or rich-text string up to the end of `closing`;
/// `None` (outer) on an error.
pub fn read_string<R: BufRead>(
    xml: &mut XmlReader<R>,
    closing: QName,
    xml_buf: &mut Vec<u8>,
    text_buf: &mut Vec<u8>,
) -> Option<Option<String>> {
    let mut rich_buffer: Option<String> = None;
    let mut is_phonetic_text = false;
    loop {
        xml_buf.clear();
        match xml.read_event_into(xml_buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "r" && rich_buffer.is_none() => {
                rich_buffer = Some(String::new());
            }
            Event::Start(e) if e.local_name().as_ref() == "rPh" => {
                is_phonetic_text = true;
            }
            Event::End(e) if e.name() == closing => {
                if rich_buffer.is_none() {
                    rich_buffer = Some(String::new());
                }
                return Some(rich_buffer);
            }
            Event::End(e) if e.local_name().as_ref() == "rPh" => {
                is_phonetic_text = false;
            }
            Event::Start(e) if e.local_name().as_ref() == "t" && !is_phonetic_text => {
                let preserve_space = matches!(
                    raw_attr(attrs_of(&e)?, "xml:space")?,
                    Some(v) if v == "preserve"
                );
                let t_name = e.name().as_ref().to_string();
                text_buf.clear();
                let mut value = String::new();
                loop {
                    match xml.read_event_into(text_buf).ok()? {
                        Event::Text(t) => value.push_str(&t.xml10_content()),
                        Event::CData(t) => value.push_str(&t.xml10_content()),
                        Event::GeneralRef(e) => unescape_entity(&e, &mut value)?,
                        Event::End(end) if end.name().as_ref() == t_name => break,
                        Event::Eof => return None,
                        _ => (),
                    }
                }
                let value = if preserve_space {
                    unescape_xml(&value)
                } else {
                    unescape_xml(value.trim_matches([' ', '\t', '\r', '\n']))
                };
                if let Some(s) = &mut rich_buffer {
                    s.push_str(&value);
                } else {
                    rich_buffer = Some(value);
                }
            }
            Event::Eof => return None,
            _ => (),
        }
    }
}

/// calamine's `unescape_entity_to_buffer`: a predefined entity or a character reference.
fn unescape_entity(entity: &BytesRef, buffer: &mut String) -> Option<()> {
    if let Some(s) = quick_xml::escape::resolve_xml_entity(entity.as_ref()) {
        buffer.push_str(s);
        return Some(());
    }
    buffer.push(entity.resolve_char_ref().ok()??);
    Some(())
}

/// calamine's `unescape_xml`: Excel's `_xHHHH_` escapes (UTF-16 code units) decoded.
pub fn unescape_xml(original: &str) -> String {
    let Some((mut index, mut unit)) = find_xml_escape(original, 0) else {
        return original.to_string();
    };
    let mut unescaped = String::with_capacity(original.len());
    let mut copied = 0;
    loop {
        unescaped.push_str(&original[copied..index]);
        index += ESCAPE_LEN;
        match unit {
            0xD800..=0xDBFF => match parse_xml_escape(original, index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let code_point =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    unescaped
                        .push(char::from_u32(code_point).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += ESCAPE_LEN;
                }
                _ => unescaped.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => unescaped.push(char::REPLACEMENT_CHARACTER),
            _ => unescaped
                .push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find_xml_escape(original, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    unescaped.push_str(&original[copied..]);
    unescaped
}

const ESCAPE_LEN: usize = 7;

fn find_xml_escape(original: &str, mut start: usize) -> Option<(usize, u16)> {
    while let Some(offset) = original.get(start..)?.find('_') {
        let index = start + offset;
        if let Some(unit) = parse_xml_escape(original, index) {
            return Some((index, unit));
        }
        start = index + 1;
    }
    None
}

fn parse_xml_escape(original: &str, index: usize) -> Option<u16> {
    let bytes = original.as_bytes().get(index..index + ESCAPE_LEN)?;
    if bytes[0] != b'_' || bytes[1] != b'x' || bytes[6] != b'_' {
        return None;
    }
    let hex = &bytes[2..6];
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
}

/// For each cell style (`cellXfs`), whether a number in it is a date, and its number format as
/// calamine's `Style` has it (id, code), to check against calamine's own list. As calamine's
/// `read_styles`, for the number formats only.
pub fn styles(
    zip: &mut ZipArchive<BufReader<File>>,
    cache: &HashMap<String, String>,
    xl: &str,
) -> Option<Vec<StyleRead>> {
    let path = format!("{xl}styles.xml");
    let part = match zip.by_name(cached(cache, &path)) {
        Ok(p) => p,
        Err(zip::result::ZipError::FileNotFound) => return Some(Vec::new()),
        Err(_) => return None,
    };
    styles_from(BufReader::new(part))
}

fn styles_from<R: BufRead>(r: R) -> Option<Vec<StyleRead>> {
    let mut xml = configured(r);
    let mut number_formats: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    let (mut buf, mut inner) = (Vec::with_capacity(1024), Vec::with_capacity(1024));
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.local_name().as_ref() == "numFmts" => loop {
                inner.clear();
                match xml.read_event_into(&mut inner).ok()? {
                    Event::Start(e) if e.local_name().as_ref() == "numFmt" => {
                        let (mut id, mut code) = (None, None);
                        for item in RawAttrs::new(attrs_of(&e)?) {
                            let (k, v) = item.ok()?;
                            match k {
                                "numFmtId" => id = Some(v),
                                "formatCode" => code = Some(v),
                                _ => {}
                            }
                            if id.is_some() && code.is_some() {
                                break;
                            }
                        }
                        if let (Some(id), Some(code)) = (id, code) {
                            let code = quick_xml::escape::unescape(code).ok()?.into_owned();
                            number_formats.insert(id.to_string(), code);
                        }
                    }
                    Event::End(e) if e.local_name().as_ref() == "numFmts" => break,
                    Event::Eof => return None,
                    _ => (),
                }
            },
            // Fonts, fills and borders are read by calamine with their own parsers, which must not
            // be told from this loop: a workbook that has them is checked against calamine's
            // styles (the caller), and read by calamine if they differ.
            Event::Start(e) if e.local_name().as_ref() == "cellXfs" => loop {
                inner.clear();
                match xml.read_event_into(&mut inner).ok()? {
                    Event::Start(e) if e.local_name().as_ref() == "xf" => {
                        let raw = attrs_of(&e)?;
                        let id = raw_attr(raw, "numFmtId")?;
                        let is_date = id.and_then(|val| match number_formats.get(val) {
                            Some(fmt) => custom_is_date(fmt),
                            None => builtin_is_date(val),
                        });
                        let format = id.and_then(|val| {
                            let n = atoi_u32(val)?;
                            let code = number_formats
                                .get(val)
                                .cloned()
                                .or_else(|| builtin_code(n).map(str::to_string))
                                .unwrap_or_else(|| "General".to_string());
                            Some((Some(n), code))
                        });
                        out.push((is_date, format));
                        let mut xf_buf = Vec::new();
                        loop {
                            xf_buf.clear();
                            match xml.read_event_into(&mut xf_buf).ok()? {
                                Event::End(c) if c.local_name().as_ref() == "xf" => break,
                                Event::Eof => return None,
                                _ => (),
                            }
                        }
                    }
                    Event::End(e) if e.local_name().as_ref() == "cellXfs" => break,
                    Event::Eof => return None,
                    _ => (),
                }
            },
            Event::End(e) if e.local_name().as_ref() == "styleSheet" => break,
            Event::Eof => return None,
            _ => (),
        }
    }
    Some(out)
}

/// A plain decimal `u32` (at most 9 digits, so that no parser's overflow rules matter), as
/// calamine's `atoi_simd` reads it; anything else is left unread (`None`) and the caller's check
/// against calamine's styles then fails.
fn atoi_u32(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// calamine's `detect_custom_number_format`, told only whether the format is a date or a time.
pub fn custom_is_date(format: &str) -> IsDate {
    const DATE: IsDate = Some(ExcelDateTimeType::DateTime);
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return None,
            ('[', ..) => brackets = brackets.wrapping_add(1),
            (']', .., 1) if hms => return Some(ExcelDateTimeType::TimeDelta),
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return DATE,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return DATE;
            }
            _ => {
                if hms && s.eq_ignore_ascii_case(&prev) {
                } else {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    None
}

/// Whether a number format shows its number times 100 (Excel's percent): a `%` of the format
/// itself, not one quoted (`0.0 "%"`), escaped (`0.0\%`), after `_` or `*` (a space as wide as it,
/// a fill), or within brackets: those show the number as it is, followed by a percent sign, and
/// `0.9` so formatted is 0,9 %, not 90 %.
pub fn scales_by_100(format: &str) -> bool {
    let (mut escaped, mut quoted, mut brackets) = (false, false, 0u32);
    for c in format.chars() {
        match c {
            _ if escaped => escaped = false,
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => escaped = true,
            '[' => brackets += 1,
            ']' => brackets = brackets.saturating_sub(1),
            '%' if brackets == 0 => return true,
            _ => {}
        }
    }
    false
}

/// calamine's `builtin_format_by_id` (by the attribute's text, as calamine compares it).
fn builtin_is_date(id: &str) -> IsDate {
    if id == "46" {
        return Some(ExcelDateTimeType::TimeDelta);
    }
    matches!(
        id,
        "14" | "15"
            | "16"
            | "17"
            | "18"
            | "19"
            | "20"
            | "21"
            | "22"
            | "45"
            | "47"
            | "27"
            | "28"
            | "29"
            | "30"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "50"
            | "51"
            | "52"
            | "53"
            | "54"
            | "55"
            | "56"
            | "57"
            | "58"
    )
    .then_some(ExcelDateTimeType::DateTime)
}

/// calamine's `builtin_format_code_by_id`.
fn builtin_code(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "mm-dd-yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        41 => "_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)",
        42 => "_($* #,##0_);_($* (#,##0);_($* \"-\"_);_(@_)",
        43 => "_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)",
        44 => "_($* #,##0.00_);_($* (#,##0.00);_($* \"-\"??_);_(@_)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mmss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_percent_sign_of_the_format_scales_by_100_a_quoted_or_escaped_one_does_not() {
        for yes in ["0%", "0.00%", "0.0 %", "#,##0.0%;[Red]-0.0%", "[Blue]0%"] {
            assert!(super::scales_by_100(yes), "{yes}");
        }
        for no in [
            "0.0 \"%\"",
            "0.0\\%",
            "0.0_%",
            "0*%",
            "[$%-409]0.0",
            "General",
            "0.0 \"a%b\"",
            "",
        ] {
            assert!(!super::scales_by_100(no), "{no}");
        }
    }
}
