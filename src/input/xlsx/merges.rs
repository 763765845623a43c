//! The merged ranges of one sheet, found without reading its cells.
//!
//! Excel lists a sheet's merged ranges after all its rows, so a reader that streams the rows learns of
//! them last. This finds them first and cheaply, on its own: the sheet's part is unpacked and searched
//! for the list as bytes (no XML event is made for the cells), and only the list is parsed. At 20,000
//! communes this takes about a tenth of a second; what is found is kept for the run ([`Known`]), so
//! that a file read twice (its start for its year, then all of it) is searched once.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;

/// A merged range: first and last cell as (row, column), from 0.
pub type Span = ((u32, u32), (u32, u32));

/// The largest part read whole: the workbook's list of sheets and its relations.
const MAX_SMALL: u64 = 16 << 20;
/// The most bytes kept from where the list of merged ranges starts (about 300,000 ranges).
const MAX_LIST: usize = 16 << 20;

/// The merged ranges of sheet `sheet` of the workbook at `path`; `None` when the workbook cannot be
/// read this way (the cell reader then says why, or reads it without this help).
pub fn of_sheet(path: &Path, sheet: &str) -> Option<Vec<Span>> {
    let mut zip = ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    let part = sheet_part(&mut zip, sheet)?;
    let entry = zip.by_name(&part).ok()?;
    scan(entry)
}

/// The merged ranges of part `entry` of the workbook at `path` (the sheet's, as calamine found it).
pub fn of_entry(path: &Path, entry: usize) -> Option<Vec<Span>> {
    let mut zip = ZipArchive::new(BufReader::new(File::open(path).ok()?)).ok()?;
    let part = zip.by_index(entry).ok()?;
    scan(part)
}

/// The merged ranges of a part of a file, found in this run: which file, as it is now
/// ([`FileState`]: another file put in its place is another key), and which part.
///
/// [`FileState`]: crate::input::files::FileState
#[derive(Clone, PartialEq)]
pub struct Known {
    state: crate::input::files::FileState,
    entry: usize,
}

/// The merged ranges found so far in this run (a run reads a few files at most).
static FOUND: std::sync::Mutex<Vec<(Known, Option<Vec<Span>>)>> = std::sync::Mutex::new(Vec::new());

impl Known {
    /// The key of part `entry` of the file at `path` as it is now.
    pub fn of(path: &Path, entry: usize) -> Option<Self> {
        Some(Known {
            state: crate::input::files::FileState::of(path)?,
            entry,
        })
    }

    /// The merged ranges found before for this part of this file.
    pub fn get(&self) -> Option<Option<Vec<Span>>> {
        let found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
        found
            .iter()
            .find(|(k, _)| k == self)
            .map(|(_, s)| s.clone())
    }

    /// Keep what was found.
    pub fn keep(self, spans: Option<Vec<Span>>) {
        let mut found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
        if found.len() >= 16 {
            found.remove(0);
        }
        found.push((self, spans));
    }
}

/// The text of a small part of the archive.
fn small(zip: &mut ZipArchive<BufReader<File>>, name: &str) -> Option<String> {
    let mut text = String::new();
    zip.by_name(name)
        .ok()?
        .take(MAX_SMALL)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// The value of attribute `key` (by its local name: `r:id` is `id`).
fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The first element named `element` (local name) whose attribute `key` is `value`: its attribute `want`.
fn find(xml: &str, element: &str, key: &str, value: &str, want: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == element
                    && attr(&e, key).as_deref() == Some(value) =>
            {
                return attr(&e, want);
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The archive path of the sheet named `sheet`: the workbook names its relation, the relation its
/// part.
fn sheet_part(zip: &mut ZipArchive<BufReader<File>>, sheet: &str) -> Option<String> {
    let workbook = small(zip, "xl/workbook.xml")?;
    let id = find(&workbook, "sheet", "name", sheet, "id")?;
    let rels = small(zip, "xl/_rels/workbook.xml.rels")?;
    let target = find(&rels, "Relationship", "Id", &id, "Target")?;
    Some(match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{}", target.trim_start_matches("./")),
    })
}

/// The merged ranges in a sheet's XML, read from `part`: the bytes are searched for the list, and
/// only the list is parsed.
fn scan(mut part: impl Read) -> Option<Vec<Span>> {
    let mut finder = Finder::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = part.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        finder.feed(&buf[..n]);
    }
    finder.finish()
}

/// The search for the list of merged ranges, fed the sheet's bytes in order (by the thread that
/// unpacks the sheet for the cell reader, or by [`scan`]).
pub struct Finder {
    finder: memchr::memmem::Finder<'static>,
    /// The end of the previous chunk is kept, so that a name cut in two is still found.
    carry: Vec<u8>,
    list: Option<Vec<u8>>,
    too_long: bool,
}

impl Finder {
    const NEEDLE: &'static [u8] = b"mergeCells";

    pub fn new() -> Self {
        Finder {
            finder: memchr::memmem::Finder::new(Self::NEEDLE),
            carry: Vec::new(),
            list: None,
            too_long: false,
        }
    }

    /// The next bytes of the sheet.
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.too_long {
            return;
        }
        if let Some(list) = self.list.as_mut() {
            if list.len() + chunk.len() > MAX_LIST {
                self.too_long = true;
                self.list = None;
                return;
            }
            list.extend_from_slice(chunk);
            return;
        }
        // Only the last few bytes of the carry can start the name: search them with the chunk.
        let keep = self.carry.len().saturating_sub(Self::NEEDLE.len() + 16);
        self.carry.drain(..keep);
        let old = self.carry.len();
        self.carry.extend_from_slice(chunk);
        let found = self
            .finder
            .find_iter(&self.carry)
            .map(|at| element_at(&self.carry, at))
            .take_while(Option::is_some)
            .find_map(|e| e.flatten());
        if let Some(start) = found {
            self.list = Some(self.carry[start..].to_vec());
            self.carry = Vec::new();
        } else if self.carry.len() > old + 4096 {
            let keep = self.carry.len().saturating_sub(Self::NEEDLE.len() + 16);
            self.carry.drain(..keep);
        }
    }

    /// The merged ranges found (none when the sheet has no list); `None` when the list is too long.
    pub fn finish(self) -> Option<Vec<Span>> {
        if self.too_long {
            return None;
        }
        let Some(list) = self.list else {
            return Some(Vec::new());
        };
        Some(parse_list(&list))
    }
}

/// Whether the name found at `at` in `bytes` opens the element `<mergeCells` (or `<x:mergeCells`):
/// `Some(Some(start))`, the `<` that opens it; `Some(None)` when it is not the element (text of a
/// cell, say `<t>mergeCells</t>`: text and attribute values cannot hold a `<`, so a name right after
/// `<` or `<prefix:` is an element); `None` when the byte after it has not come yet.
fn element_at(bytes: &[u8], at: usize) -> Option<Option<usize>> {
    let after = *bytes.get(at + Finder::NEEDLE.len())?;
    if !matches!(after, b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/') {
        return Some(None);
    }
    let before = &bytes[..at];
    let start = match before.strip_suffix(b"<") {
        Some(_) => at - 1,
        None => match before.strip_suffix(b":") {
            Some(head) => {
                let name = head
                    .iter()
                    .rev()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
                    .count();
                // The feed keeps 16 bytes before a name cut by a chunk's end: a prefix up to 14
                // characters long (`x`, `ns0`, `main` in practice) is always seen whole.
                let Some(open) = head.len().checked_sub(name + 1) else {
                    return Some(None);
                };
                if name == 0 || head[open] != b'<' {
                    return Some(None);
                }
                open
            }
            None => return Some(None),
        },
    };
    Some(Some(start))
}

/// The ranges of a list that starts at `<mergeCells`.
fn parse_list(list: &[u8]) -> Vec<Span> {
    let text = String::from_utf8_lossy(list);
    let mut reader = Reader::from_str(&text);
    let mut spans = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "mergeCell" => {
                if let Some(span) = attr(&e, "ref").as_deref().and_then(range) {
                    spans.push(span);
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "mergeCells" => break,
            Ok(Event::Eof) => break,
            // The tail of the sheet closes elements opened before the list: not an error here.
            Err(_) => break,
            _ => {}
        }
    }
    spans
}

/// `E1:F1` (or a single cell `E1`) as a span.
fn range(text: &str) -> Option<Span> {
    let (a, b) = text.split_once(':').unwrap_or((text, text));
    Some((cell(a)?, cell(b)?))
}

/// `F12` as (row, column) from 0: (11, 5).
fn cell(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().replace('$', "");
    let digits = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = text.split_at(digits);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let col = letters.bytes().fold(0u32, |n, b| {
        n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    }) - 1;
    let row: u32 = number.parse().ok()?;
    row.checked_sub(1).map(|r| (r, col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_as_excel_names_them() {
        assert_eq!(cell("A1"), Some((0, 0)));
        assert_eq!(cell("F12"), Some((11, 5)));
        assert_eq!(cell("AA3"), Some((2, 26)));
        assert_eq!(cell("$XFD$1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell("1A"), None);
        assert_eq!(cell("A0"), None);
        assert_eq!(range("E1:F1"), Some(((0, 4), (0, 5))));
        assert_eq!(range("B2"), Some(((1, 1), (1, 1))));
    }

    #[test]
    fn the_list_is_found_across_chunk_boundaries_and_prefixes() {
        let rows = "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>".repeat(5000);
        let xml = format!(
            "<worksheet><sheetData>{rows}</sheetData><x:mergeCells count=\"2\"><x:mergeCell ref=\"E1:F1\"/><mergeCell ref=\"A3:A4\"/></x:mergeCells><pageMargins/></worksheet>"
        );
        let spans = scan(xml.as_bytes()).unwrap();
        assert_eq!(spans, vec![((0, 4), (0, 5)), ((2, 0), (3, 0))]);
        assert_eq!(
            scan(&b"<worksheet><sheetData/></worksheet>"[..]),
            Some(vec![])
        );
    }

    /// The name in a cell's text (an inline string, `<t>mergeCells</t>`) or in a longer name is not
    /// the list: the list after it is still found, in chunks of any size.
    #[test]
    fn the_name_in_a_cells_text_is_not_the_list() {
        let xml = "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>mergeCells</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>a mergeCellsX b:mergeCells</t></is></c></row></sheetData><mergeCellsX/><ns0:mergeCells count=\"1\"><ns0:mergeCell ref=\"E1:F1\"/></ns0:mergeCells></worksheet>";
        for size in [1, 2, 3, 7, 10, 11, 16, 64, xml.len()] {
            let mut finder = Finder::new();
            for chunk in xml.as_bytes().chunks(size) {
                finder.feed(chunk);
            }
            assert_eq!(
                finder.finish(),
                Some(vec![((0, 4), (0, 5))]),
                "chunks of {size}"
            );
        }
        assert_eq!(element_at(b"<mergeCells>", 1), Some(Some(0)));
        assert_eq!(element_at(b"<x:mergeCells ", 3), Some(Some(0)));
        assert_eq!(element_at(b">mergeCells<", 1), Some(None));
        assert_eq!(element_at(b"<mergeCells", 1), None);
    }
}
