//! The cells of a sheet read straight from the bytes of its XML: the fast path of the reader.
//!
//! calamine's cell reader makes an XML event for every tag, attribute and text of the sheet, which is
//! most of the time ntm spends on a workbook. This reads the shape Excel and the libraries write
//! (`<row r="2"><c r="A2" s="1" t="s"><v>12</v></c>…`) with a few byte searches per cell, and gives
//! each cell exactly as calamine's `next_cell_with_style_id` would: same position, same value, same
//! style. Whatever it does not know for certain how calamine reads (a comment, a CDATA section, an
//! entity in a number, a rich inline string, an odd attribute, a column past XFD, bytes that are not
//! UTF-8, a part in another encoding…) it does not guess: it stops ([`Step::Bail`]) before giving
//! that cell, and the caller reads the rest of the sheet with calamine, from the same cell on. So a
//! sheet is read exactly as calamine reads it, only faster when it is plain.
//!
//! The bytes come in chunks from the thread that unpacks the sheet ([`Feed`]); a tag cut between two
//! chunks is read once the next one has come.

use std::io::{BufRead, Read};
use std::sync::mpsc::{Receiver, Sender};

use calamine::{CellErrorType, DataRef, ExcelDateTime};
use quick_xml::events::Event;

use super::parts::IsDate;
use crate::input::number::POW10;

/// What the unpacking thread sends: bytes of the sheet, valid UTF-8 and cut between characters, from
/// the given offset (the bytes before it are room for what the reader has left of the piece before),
/// or word that what follows could not be read (unpacking failed, or the bytes are not UTF-8).
pub enum Piece {
    Bytes(Vec<u8>, usize),
    Broken,
}

/// The most bytes one tag, or one cell, may take before the cells are left to calamine: a cell of
/// Excel's longest text, every character escaped, fits.
const MAX_UNIT: usize = 1 << 20;

/// The sheet's bytes as they come, with the part not yet read.
pub struct Feed {
    rx: Receiver<Piece>,
    /// Where read pieces go back, to be filled again (fresh memory costs more than reused).
    back: Sender<Vec<u8>>,
    buf: Vec<u8>,
    pos: usize,
    /// No more bytes will come (the end, or a broken piece).
    over: bool,
    /// The bytes stopped at a broken piece.
    broken: bool,
}

impl Feed {
    pub fn new(rx: Receiver<Piece>, back: Sender<Vec<u8>>) -> Self {
        Feed {
            rx,
            back,
            buf: Vec::new(),
            pos: 0,
            over: false,
            broken: false,
        }
    }

    /// Append the next piece (the bytes read so far are dropped); `false` when none will come.
    fn more(&mut self) -> bool {
        if self.over {
            return false;
        }
        match self.rx.recv() {
            Ok(Piece::Bytes(mut b, from)) => {
                let left = self.buf.len() - self.pos;
                if let Some(room) = from.checked_sub(left).and_then(|at| b.get_mut(at..from)) {
                    // What is left over (a tag cut in two, most often: a few bytes) goes in the room
                    // before the new bytes, which are taken as they are.
                    room.copy_from_slice(&self.buf[self.pos..]);
                    let old = std::mem::replace(&mut self.buf, b);
                    let _ = self.back.send(old);
                    self.pos = from - left;
                } else {
                    self.buf.drain(..self.pos);
                    self.buf
                        .extend_from_slice(b.get(from..).unwrap_or_default());
                    let _ = self.back.send(b);
                    self.pos = 0;
                }
                true
            }
            Ok(Piece::Broken) => {
                self.over = true;
                self.broken = true;
                false
            }
            Err(_) => {
                self.over = true;
                false
            }
        }
    }
}

impl Read for Feed {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let have = self.fill_buf()?;
        let n = have.len().min(out.len());
        out[..n].copy_from_slice(&have[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Feed {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos >= self.buf.len() {
            if !self.more() {
                if self.broken {
                    return Err(std::io::Error::other("the sheet could not be unpacked"));
                }
                break;
            }
        }
        Ok(self.buf.get(self.pos..).unwrap_or(&[]))
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }
}

/// One step of the reader.
#[derive(Debug, PartialEq)]
pub enum Step<'s> {
    /// The next cell: (row, column) from 0, value, style id, as calamine gives them.
    Cell((u32, u32), DataRef<'s>, usize),
    /// The sheet's cells are over.
    End,
    /// Not read here: calamine reads the sheet from this cell on (the cells given so far are
    /// [`Cells::given`]).
    Bail,
}

/// The fast cell reader over one sheet.
pub struct Cells<'s> {
    feed: Feed,
    strings: &'s [String],
    /// Per style id, whether a number in it is a date.
    dates: &'s [IsDate],
    is_1904: bool,
    row_index: u32,
    col_index: u32,
    given: usize,
    done: bool,
}

/// A value as read from a `<v>` or `<is>`, before it is typed.
enum Got {
    Empty,
    /// The text between `<v>` and `</v>`, at `buf[a..b]`, with no `<` or `&` in it.
    Raw(usize, usize),
    /// A `<v>`'s text with entities decoded (`t="str"`, `t="d"`).
    Text(String),
    /// An inline string (`<is>`), whatever the cell's type says.
    Inline(String),
}

/// What a cell's `t` attribute says.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Number,
    Untyped,
    Shared,
    Bool,
    Error,
    Str,
    Date,
    Inline,
}

impl<'s> Cells<'s> {
    /// A reader over `feed`, after the sheet's start up to `<sheetData>`; `None` when that start is
    /// not read here (calamine then reads the whole sheet).
    pub fn new(
        mut feed: Feed,
        strings: &'s [String],
        dates: &'s [IsDate],
        is_1904: bool,
    ) -> Option<Self> {
        // The part before the cells is read as calamine reads it, by quick-xml, up to the start of
        // `sheetData`; the feed is then just past its tag. calamine has already read this part once
        // (and refused it, if it had to).
        {
            let mut head = quick_xml::Reader::from_reader(&mut feed);
            let config = head.config_mut();
            config.check_end_names = false;
            config.trim_text(false);
            config.check_comments = false;
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match head.read_event_into(&mut buf).ok()? {
                    Event::Decl(d) => {
                        // Only UTF-8 is read here (bytes in another encoding are not).
                        if let Some(Ok(enc)) = d.encoding()
                            && !enc.eq_ignore_ascii_case("utf-8")
                            && !enc.eq_ignore_ascii_case("utf8")
                        {
                            return None;
                        }
                    }
                    Event::Start(e) if e.local_name().as_ref() == "sheetData" => break,
                    // An empty sheet: calamine gives no cell.
                    Event::Empty(e) if e.local_name().as_ref() == "sheetData" => return None,
                    Event::Eof => return None,
                    _ => {}
                }
            }
            if head.encoding().name() != "UTF-8" {
                return None;
            }
        }
        Some(Cells {
            feed,
            strings,
            dates,
            is_1904,
            row_index: 0,
            col_index: 0,
            given: 0,
            done: false,
        })
    }

    /// The cells given so far.
    pub fn given(&self) -> usize {
        self.given
    }

    /// The next cell, the end, or a bail-out (after which only `Bail` is given).
    pub fn next(&mut self) -> Step<'s> {
        if self.done {
            return Step::Bail;
        }
        let step = self.step();
        match step {
            Some(Step::Cell(..)) => self.given += 1,
            Some(Step::End) => self.done = true,
            _ => {}
        }
        match step {
            Some(s @ (Step::Cell(..) | Step::End)) => s,
            _ => {
                self.done = true;
                Step::Bail
            }
        }
    }

    /// Make sure `buf[pos..pos + n]` is there; `None` at the end of the bytes.
    fn have(&mut self, n: usize) -> Option<()> {
        while self.feed.buf.len() - self.feed.pos < n {
            if !self.feed.more() {
                return None;
            }
        }
        Some(())
    }

    /// The text from `buf[a]` to the next tag, which must close `name` (`</name>`): where that tag
    /// starts and where it ends (one past its `>`); `None` when another tag comes first or the
    /// text runs past [`MAX_UNIT`] bytes. The buffer may be refilled (offsets stay valid).
    fn text_to_close(&mut self, a: usize, name: &[u8]) -> Option<(usize, usize)> {
        let lt = loop {
            let buf = &self.feed.buf[self.feed.pos..];
            match memchr::memchr(b'<', &buf[a..]) {
                Some(i) => break a + i,
                None => {
                    if buf.len() > MAX_UNIT || !self.feed.more() {
                        return None;
                    }
                }
            }
        };
        let close = 2 + name.len() + 1;
        self.have(lt + close)?;
        let buf = &self.feed.buf[self.feed.pos..];
        let c = &buf[lt..lt + close];
        if c[1] != b'/' || &c[2..2 + name.len()] != name || c[close - 1] != b'>' {
            return None;
        }
        Some((lt, lt + close))
    }

    /// The end (index of `>`) of the tag that starts at `buf[pos]` (`<`), quotes respected; the
    /// buffer may be refilled (`pos` stays valid, as an offset from the feed's position).
    fn tag_end(&mut self, from: usize) -> Option<usize> {
        // Tags are short: a plain loop is faster than searches. A tag cut by the end of the bytes
        // is looked at again from its start once more have come.
        loop {
            let buf = &self.feed.buf[self.feed.pos..];
            if let Some(end) = tag_end_in(buf, from) {
                return Some(end);
            }
            if buf.len() > MAX_UNIT || !self.feed.more() {
                return None;
            }
        }
    }

    fn step(&mut self) -> Option<Step<'s>> {
        loop {
            // Whitespace between tags (calamine skips any text here; text other than whitespace is
            // left to it).
            loop {
                let buf = &self.feed.buf[self.feed.pos..];
                match buf
                    .iter()
                    .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    Some(i) => {
                        self.feed.pos += i;
                        break;
                    }
                    None => {
                        self.feed.pos = self.feed.buf.len();
                        if !self.feed.more() {
                            return None;
                        }
                    }
                }
            }
            self.have(2)?;
            let buf = &self.feed.buf[self.feed.pos..];
            if buf[0] != b'<' || matches!(buf[1], b'!' | b'?') {
                return None;
            }
            // The usual tag, a cell's: its attributes and its end read in one pass. Any other form,
            // or one cut by the end of the bytes, is read below.
            if let Some((end, empty, attrs)) = cell_tag(buf) {
                let head = cell_head(attrs)?;
                return self.cell(end, empty, head);
            }
            let end = self.tag_end(0)?;
            let buf = &self.feed.buf[self.feed.pos..];
            let tag = &buf[..=end];
            if tag[1] == b'/' {
                let local = local_name(&tag[2..end]);
                if local == b"row" {
                    self.row_index = self.row_index.checked_add(1)?;
                    self.col_index = 0;
                    self.feed.pos += end + 1;
                    continue;
                }
                if local == b"sheetData" {
                    self.feed.pos += end + 1;
                    return Some(Step::End);
                }
                return None;
            }
            let (empty, name, attrs) = start_tag(tag);
            match local_name(name) {
                b"row" => {
                    let mut r = None;
                    for_attrs(attrs, |k, v| {
                        if k == b"r" {
                            if r.is_some() {
                                return false;
                            }
                            r = Some(v);
                        }
                        true
                    })?;
                    if let Some(r) = r {
                        self.row_index = row_number(r)?;
                    }
                    if empty {
                        self.row_index = self.row_index.checked_add(1)?;
                        self.col_index = 0;
                    }
                    self.feed.pos += end + 1;
                }
                b"c" => {
                    let mut found = [None; 3];
                    for_attrs(attrs, |k, v| cell_attr(&mut found, k, v))?;
                    let head = cell_head(found)?;
                    return self.cell(end, empty, head);
                }
                _ => return None,
            }
        }
    }

    /// The cell whose start tag ends at `buf[end]`, with what the tag says ([`cell_head`]).
    fn cell(&mut self, end: usize, empty: bool, head: CellHead) -> Option<Step<'s>> {
        let (r, style, kind) = head;
        let pos = match r {
            Some((row, col)) => {
                self.col_index = col;
                (row, col)
            }
            None => (self.row_index, self.col_index),
        };
        let mut at = end + 1;
        let mut value = DataRef::Empty;
        // The usual cell, `<v>text</v></c>` at once, without entities: read without looking at its
        // tags one by one (as the loop below would read it).
        if !empty && kind != Kind::Inline {
            let rest = &self.feed.buf[self.feed.pos + at..];
            if let Some(tail) = rest.strip_prefix(b"<v>")
                && let Some(i) = text_end(tail)
                && tail[i..].starts_with(b"</v></c>")
            {
                let (a, b) = (at + 3, at + 3 + i);
                let got = if a == b { Got::Empty } else { Got::Raw(a, b) };
                let value = self.typed(got, kind, style, a)?;
                self.feed.pos += b + 8;
                self.col_index = self.col_index.checked_add(1)?;
                return Some(Step::Cell(pos, value, style.unwrap_or(0)));
            }
        }
        if !empty {
            // The cell's elements up to `</c>`; as calamine, each one read replaces the value.
            loop {
                let got = self.child(&mut at, kind)?;
                match got {
                    Child::End => break,
                    Child::Value(g) => value = self.typed(g, kind, style, at)?,
                    Child::Formula => value = DataRef::Empty,
                }
            }
        }
        self.feed.pos += at;
        self.col_index = self.col_index.checked_add(1)?;
        Some(Step::Cell(pos, value, style.unwrap_or(0)))
    }

    /// The next element of a cell, from `buf[*at]`: `*at` is moved past it.
    fn child(&mut self, at: &mut usize, kind: Kind) -> Option<Child> {
        loop {
            // A cell is bounded: its bytes stay in the buffer until it is read.
            if *at > MAX_UNIT {
                return None;
            }
            self.have(*at + 2)?;
            let buf = &self.feed.buf[self.feed.pos..];
            match buf[*at] {
                b' ' | b'\t' | b'\r' | b'\n' => {
                    *at += 1;
                    continue;
                }
                b'<' => break,
                _ => return None,
            }
        }
        let buf = &self.feed.buf[self.feed.pos..];
        if matches!(buf[*at + 1], b'!' | b'?') {
            return None;
        }
        let end = self.tag_end(*at)?;
        let buf = &self.feed.buf[self.feed.pos..];
        let tag = &buf[*at..=end];
        if tag[1] == b'/' {
            return if local_name(&tag[2..tag.len() - 1]) == b"c" {
                *at = end + 1;
                Some(Child::End)
            } else {
                None
            };
        }
        let empty = tag[tag.len() - 2] == b'/';
        let inner = &tag[1..tag.len() - if empty { 2 } else { 1 }];
        let name_len = inner
            .iter()
            .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(inner.len());
        let name = Name::of(&inner[..name_len])?;
        let name = name.as_slice();
        let attrs = &inner[name_len..];
        let local = local_name(name);
        match local {
            b"v" | b"f" => {
                // `<v>`'s attributes are not read by calamine; `<f>`'s only by its formula reader.
                // Either way they must be attributes quick-xml would take.
                let _ = attrs;
                if kind == Kind::Inline && local == b"v" {
                    return None;
                }
                *at = end + 1;
                if empty {
                    return Some(if local == b"f" {
                        Child::Formula
                    } else {
                        Child::Value(Got::Empty)
                    });
                }
                // The text up to the next tag, which must close this one.
                let a = *at;
                let (lt, past) = self.text_to_close(a, name)?;
                let buf = &self.feed.buf[self.feed.pos..];
                *at = past;
                if local == b"f" {
                    // calamine skips a formula's text (read_to_end); one with elements inside, or
                    // with an `&` that is not one of the five entities, is left to it.
                    if memchr::memchr(b'&', &buf[a..lt]).is_some() {
                        entities(&buf[a..lt])?;
                    }
                    return Some(Child::Formula);
                }
                if a == lt {
                    return Some(Child::Value(Got::Empty));
                }
                let text = &buf[a..lt];
                if memchr::memchr(b'&', text).is_none() {
                    return Some(Child::Value(Got::Raw(a, lt)));
                }
                // Entities are decoded by calamine only in the text of `t="str"` and `t="d"` cells.
                if !matches!(kind, Kind::Str | Kind::Date) {
                    return None;
                }
                Some(Child::Value(Got::Text(entities(text)?)))
            }
            b"is" => {
                if !attrs
                    .iter()
                    .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                {
                    // Attributes of `<is>` are ignored by calamine, but must parse: leave it.
                    return None;
                }
                *at = end + 1;
                if empty {
                    return Some(Child::Value(Got::Inline(String::new())));
                }
                // Only the plain form, `<is><t>text</t></is>` (or `<t/>`), is read here.
                self.have(*at + 2)?;
                if self.feed.buf[self.feed.pos + *at] != b'<' {
                    return None;
                }
                let t_end = self.tag_end(*at)?;
                let buf = &self.feed.buf[self.feed.pos..];
                let t_tag = &buf[*at..=t_end];
                if t_tag.get(1) == Some(&b'/') {
                    // `<is></is>`
                    if &t_tag[2..t_tag.len() - 1] != name {
                        return None;
                    }
                    *at = t_end + 1;
                    return Some(Child::Value(Got::Inline(String::new())));
                }
                let t_empty = t_tag[t_tag.len() - 2] == b'/';
                let t_inner = &t_tag[1..t_tag.len() - if t_empty { 2 } else { 1 }];
                let t_name_len = t_inner
                    .iter()
                    .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                    .unwrap_or(t_inner.len());
                let t_name = Name::of(&t_inner[..t_name_len])?;
                let t_name = t_name.as_slice();
                if local_name(t_name) != b"t" || matches!(t_name.first(), Some(b'!' | b'?')) {
                    return None;
                }
                let mut preserve = false;
                let mut space_seen = false;
                for_attrs(&t_inner[t_name_len..], |k, v| {
                    if k == b"xml:space" {
                        if space_seen {
                            return false;
                        }
                        space_seen = true;
                        preserve = v == b"preserve";
                    }
                    true
                })?;
                *at = t_end + 1;
                let mut text = String::new();
                if !t_empty {
                    let a = *at;
                    let (lt, past) = self.text_to_close(a, t_name)?;
                    let buf = &self.feed.buf[self.feed.pos..];
                    text = entities(&buf[a..lt])?;
                    *at = past;
                }
                // Then `</is>` at once.
                let close = 2 + name.len() + 1;
                self.have(*at + close)?;
                let buf = &self.feed.buf[self.feed.pos..];
                let c = &buf[*at..*at + close];
                if c[0] != b'<'
                    || c[1] != b'/'
                    || &c[2..2 + name.len()] != name
                    || c[close - 1] != b'>'
                {
                    return None;
                }
                *at += close;
                let text = if preserve {
                    text
                } else {
                    text.trim_matches([' ', '\t', '\r', '\n']).to_string()
                };
                Some(Child::Value(Got::Inline(text)))
            }
            _ => None,
        }
    }

    /// A value as calamine's `read_value`/`read_v` types it.
    fn typed(&self, got: Got, kind: Kind, style: Option<usize>, _at: usize) -> Option<DataRef<'s>> {
        let raw = |a: usize, b: usize| &self.feed.buf[self.feed.pos + a..self.feed.pos + b];
        Some(match (kind, got) {
            (_, Got::Inline(t)) => DataRef::String(t),
            // An empty `<v>`: calamine reads on a text type's (empty) text, and gives no value for
            // the others.
            (Kind::Str, Got::Empty) => DataRef::String(String::new()),
            (Kind::Date, Got::Empty) => DataRef::DateTimeIso(String::new()),
            (Kind::Inline, _) => return None,
            (_, Got::Empty) => DataRef::Empty,
            (Kind::Str, Got::Text(t)) => DataRef::String(t),
            (Kind::Str, Got::Raw(a, b)) => DataRef::String(plain(raw(a, b))?.to_string()),
            (Kind::Date, Got::Text(t)) => DataRef::DateTimeIso(t),
            (Kind::Date, Got::Raw(a, b)) => DataRef::DateTimeIso(plain(raw(a, b))?.to_string()),
            (_, Got::Text(_)) => return None,
            (Kind::Shared, Got::Raw(a, b)) => {
                let i = small_number(raw(a, b))?;
                DataRef::SharedString(self.strings.get(i as usize)?)
            }
            (Kind::Bool, Got::Raw(a, b)) => match raw(a, b) {
                b"0" => DataRef::Bool(false),
                b"1" => DataRef::Bool(true),
                _ => return None,
            },
            (Kind::Error, Got::Raw(a, b)) => DataRef::Error(match raw(a, b) {
                b"#DIV/0!" => CellErrorType::Div0,
                b"#N/A" => CellErrorType::NA,
                b"#NAME?" => CellErrorType::Name,
                b"#NULL!" => CellErrorType::Null,
                b"#NUM!" => CellErrorType::Num,
                b"#REF!" => CellErrorType::Ref,
                b"#VALUE!" => CellErrorType::Value,
                _ => return None,
            }),
            (Kind::Number | Kind::Untyped, Got::Raw(a, b)) => {
                let n = number(raw(a, b))?;
                // calamine: no `s` is the general format; an `s` past the styles is no format.
                let date = match style {
                    None => None,
                    Some(id) => self.dates.get(id).copied().flatten(),
                };
                match date {
                    Some(kind) => DataRef::DateTime(ExcelDateTime::new(n, kind, self.is_1904)),
                    None => DataRef::Float(n),
                }
            }
        })
    }
}

/// Where the text at the start of `bytes` ends: its first `<` or `&`. A value is most often a few
/// characters (`85.5`, a shared string's number): a plain loop over them first, a search past them.
fn text_end(bytes: &[u8]) -> Option<usize> {
    const SHORT: usize = 24;
    match bytes
        .iter()
        .take(SHORT)
        .position(|b| matches!(b, b'<' | b'&'))
    {
        Some(i) => Some(i),
        None if bytes.len() <= SHORT => None,
        None => memchr::memchr2(b'<', b'&', &bytes[SHORT..]).map(|i| SHORT + i),
    }
}

/// A tag's name, kept while the bytes may move (names are short: a longer one is not read here).
struct Name {
    bytes: [u8; 16],
    len: usize,
}

impl Name {
    fn of(name: &[u8]) -> Option<Self> {
        let mut bytes = [0u8; 16];
        bytes.get_mut(..name.len())?.copy_from_slice(name);
        Some(Name {
            bytes,
            len: name.len(),
        })
    }

    fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

enum Child {
    End,
    Value(Got),
    Formula,
}

/// The local part of a tag name (after the first `:`), as quick-xml's `local_name`.
fn local_name(name: &[u8]) -> &[u8] {
    match memchr::memchr(b':', name) {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// What a cell's start tag says: its reference as (row, column) from 0, its style, its type.
type CellHead = (Option<(u32, u32)>, Option<usize>, Kind);

/// The attributes of a cell read here, `r`, `s` and `t`, as [`for_attrs`] gives them: `false` (give
/// up) for one given twice.
fn cell_attr<'a>(found: &mut [Option<&'a [u8]>; 3], k: &[u8], v: &'a [u8]) -> bool {
    let slot = match k {
        b"r" => &mut found[0],
        b"s" => &mut found[1],
        b"t" => &mut found[2],
        _ => return true,
    };
    if slot.is_some() {
        return false;
    }
    *slot = Some(v);
    true
}

/// What the attributes `r`, `s`, `t` of a cell say; `None` for what is not read here. calamine: a
/// style that is not a number is style 0 for the cell's style id, and for its date test; neither is
/// guessed here.
fn cell_head([r, s, t]: [Option<&[u8]>; 3]) -> Option<CellHead> {
    let r = match r {
        Some(r) => Some(reference(r)?),
        None => None,
    };
    let style = match s {
        Some(s) => Some(small_number(s)? as usize),
        None => None,
    };
    let kind = match t {
        None => Kind::Untyped,
        Some(b"n") => Kind::Number,
        Some(b"s") => Kind::Shared,
        Some(b"b") => Kind::Bool,
        Some(b"e") => Kind::Error,
        Some(b"str") => Kind::Str,
        Some(b"d") => Kind::Date,
        Some(b"inlineStr") => Kind::Inline,
        Some(_) => return None,
    };
    Some((r, style, kind))
}

/// A cell's start tag at the start of `buf`, `<c` and its attributes up to `>` or `/>`, read in one
/// pass: where it ends (its `>`), whether it is empty, and its attributes `r`, `s`, `t`. It reads as
/// the long way (the tag's end, quotes respected, then [`for_attrs`] over what is between its name
/// and its end) reads such a tag, with the same grammar; `None` for anything else, or a tag not
/// wholly in `buf`, which the long way then reads.
#[allow(clippy::type_complexity)]
fn cell_tag(buf: &[u8]) -> Option<(usize, bool, [Option<&[u8]>; 3])> {
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    if buf.get(1) != Some(&b'c')
        || !matches!(buf.get(2), Some(&b) if ws(b) || b == b'>' || b == b'/')
    {
        return None;
    }
    let mut found = [None; 3];
    let mut at = 2;
    loop {
        // Whitespace, then the end of the tag or an attribute.
        while ws(*buf.get(at)?) {
            at += 1;
        }
        match buf[at] {
            b'>' => return Some((at, false, found)),
            b'/' => return (*buf.get(at + 1)? == b'>').then_some((at + 1, true, found)),
            _ => {}
        }
        // An attribute must follow whitespace (or the name).
        if !ws(buf[at - 1]) {
            return None;
        }
        let key_start = at;
        while buf
            .get(at)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.'))
        {
            at += 1;
        }
        if at == key_start {
            return None;
        }
        let key = &buf[key_start..at];
        while ws(*buf.get(at)?) {
            at += 1;
        }
        if buf[at] != b'=' {
            return None;
        }
        at += 1;
        while ws(*buf.get(at)?) {
            at += 1;
        }
        let quote = buf[at];
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        at += 1;
        // Values are short (`A12`, `1`, `s`): a plain loop, not a search, to the closing quote.
        let mut close = at;
        loop {
            match *buf.get(close)? {
                b if b == quote => break,
                b'&' | b'<' => return None,
                _ => close += 1,
            }
        }
        if !cell_attr(&mut found, key, &buf[at..close]) {
            return None;
        }
        at = close + 1;
        // After the value: whitespace, or the end of the tag.
        if !matches!(buf.get(at), Some(&b) if ws(b) || b == b'>' || b == b'/') {
            return None;
        }
    }
}

/// Where the tag at the start of `buf` ends (its `>`, outside quotes), looking from `from`; `None`
/// when it does not end in `buf`.
fn tag_end_in(buf: &[u8], from: usize) -> Option<usize> {
    let mut quote = 0u8;
    for (i, &b) in buf.iter().enumerate().skip(from) {
        if quote != 0 {
            if b == quote {
                quote = 0;
            }
        } else if b == b'>' {
            return Some(i);
        } else if b == b'"' || b == b'\'' {
            quote = b;
        }
    }
    None
}

/// A start tag `<name attrs>` or `<name attrs/>`, whole: whether it is empty, its name, and its
/// attributes (from the whitespace after the name, as [`for_attrs`] reads them).
fn start_tag(tag: &[u8]) -> (bool, &[u8], &[u8]) {
    let body = tag.get(1..tag.len().saturating_sub(1)).unwrap_or_default();
    let (empty, inner) = match body.strip_suffix(b"/") {
        Some(inner) => (true, inner),
        None => (false, body),
    };
    let name_len = inner
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(inner.len());
    let (name, attrs) = inner.split_at(name_len);
    (empty, name, attrs)
}

/// Each `key="value"` of a tag's attributes, strictly: a key of name characters, `=`, a quoted
/// value, whitespace between; anything else is `None` (left to calamine). `f` returns `false` to
/// give up.
fn for_attrs<'a>(mut raw: &'a [u8], mut f: impl FnMut(&'a [u8], &'a [u8]) -> bool) -> Option<()> {
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    // `raw` is empty or starts with the whitespace after the tag's name.
    loop {
        let Some(start) = raw.iter().position(|b| !ws(b)) else {
            return Some(());
        };
        raw = &raw[start..];
        let key_len = raw
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'-' | b'.')))?;
        if key_len == 0 {
            return None;
        }
        let key = &raw[..key_len];
        raw = &raw[key_len..];
        let eq = raw.iter().position(|b| !ws(b))?;
        if raw[eq] != b'=' {
            return None;
        }
        raw = &raw[eq + 1..];
        let q = raw.iter().position(|b| !ws(b))?;
        let quote = raw[q];
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        raw = &raw[q + 1..];
        let close = memchr::memchr(quote, raw)?;
        let value = &raw[..close];
        if memchr::memchr2(b'&', b'<', value).is_some() {
            return None;
        }
        if !f(key, value) {
            return None;
        }
        raw = &raw[close + 1..];
        if raw.is_empty() {
            return Some(());
        }
        if !ws(&raw[0]) {
            return None;
        }
    }
}

/// `for_attrs` above needs the attributes to start with whitespace or be empty.
#[cfg(test)]
fn attrs_ok(raw: &[u8]) -> bool {
    for_attrs(raw, |_, _| true).is_some()
}

/// A row number `r="12"` (from 1, at most seven digits) as a row from 0.
fn row_number(r: &[u8]) -> Option<u32> {
    if r.is_empty() || r.len() > 7 {
        return None;
    }
    let mut n = 0u32;
    for d in r {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(d - b'0');
    }
    n.checked_sub(1)
}

/// A cell reference `AB12` as (row, column) from 0: at most three letters, at most seven digits.
/// Anything longer (a column past XFD, which calamine may not even count) is left to calamine.
fn reference(r: &[u8]) -> Option<(u32, u32)> {
    // One pass: the letters, then the digits.
    let (mut letters, mut col) = (0, 0u32);
    while let Some(b) = r.get(letters).filter(|b| b.is_ascii_alphabetic()) {
        if letters == 3 {
            return None;
        }
        col = col * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1;
        letters += 1;
    }
    if letters == 0 {
        return None;
    }
    Some((row_number(&r[letters..])?, col - 1))
}

/// A plain decimal number of at most nine digits, without sign or leading zero (one that any
/// parser reads the same way).
fn small_number(s: &[u8]) -> Option<u32> {
    if s.is_empty()
        || s.len() > 9
        || !s.iter().all(u8::is_ascii_digit)
        || (s.len() > 1 && s[0] == b'0')
    {
        return None;
    }
    Some(s.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

/// A number as Excel writes it: `-?digits(.digits)?([eE][+-]?digits)?`, read to the nearest double
/// (as calamine's parser does: both round correctly). Anything else (`inf`, `1.`, `+1`, spaces,
/// text) is left to calamine, which reads some of it as text.
///
/// Most cells hold a number of a few digits without exponent (`85.5`, `1200`): its digits, at most
/// fifteen, make an integer below 2^53 and its decimals a power of ten up to 10^15, both exact
/// doubles, and one division of exact doubles is rounded correctly, so it gives the nearest double
/// as the full parser would (Clinger's fast path, [`POW10`]), without it.
fn number(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let negative = s.first() == Some(&b'-');
    if negative {
        i = 1;
    }
    // The digits read as one integer (while there are at most fifteen), and how many are decimals.
    let (mut mantissa, mut count, mut decimals) = (0u64, 0usize, 0usize);
    let mut digits = |i: &mut usize, after_point: bool| {
        let start = *i;
        while *i < s.len() && s[*i].is_ascii_digit() {
            if count < 16 {
                mantissa = mantissa * 10 + u64::from(s[*i] - b'0');
            }
            count += 1;
            *i += 1;
        }
        if after_point {
            decimals = *i - start;
        }
        *i > start
    };
    if !digits(&mut i, false) {
        return None;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i, true) {
            return None;
        }
    }
    if i == s.len() && count <= 15 {
        let n = mantissa as f64 / POW10[decimals];
        return Some(if negative { -n } else { n });
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != s.len() {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Text with no `_x` escape, carriage return or entity: as calamine has it.
fn plain(text: &[u8]) -> Option<&str> {
    if memchr::memchr(b'\r', text).is_some() || memchr::memmem::find(text, b"_x").is_some() {
        return None;
    }
    std::str::from_utf8(text).ok()
}

/// Text with the five predefined entities decoded; anything else calamine would treat otherwise (a
/// character reference, an unknown entity, a carriage return, an `_xHHHH_` escape) is `None`.
fn entities(text: &[u8]) -> Option<String> {
    let text = plain(text)?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let semi = after.find(';')?;
        out.push_str(match &after[..semi] {
            "amp" => "&",
            "lt" => "<",
            "gt" => ">",
            "quot" => "\"",
            "apos" => "'",
            _ => return None,
        });
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    // An entity may have made `_x…_` of what was not.
    if out.contains("_x") {
        return None;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    //! The fast reader against calamine's, cell by cell, on sheets written by hand: whatever the fast
    //! reader gives must be what calamine gives, and where it stops, calamine goes on.

    use std::io::{Read, Write};
    use std::path::Path;

    use calamine::{Xlsx, open_workbook};

    use super::*;

    const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;

    /// A workbook with shared strings and a few number formats (a percentage, a built-in date, a
    /// custom date, a duration), made by rust_xlsxwriter; its sheet and styles are then replaced.
    fn base(dir: &Path) -> std::path::PathBuf {
        use rust_xlsxwriter::{Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (i, s) in ["ma_xa", "Đạt", "a & b", "  padded  ", "_x0041_"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, i as u16, *s).unwrap();
        }
        let formats = [
            Format::new().set_num_format("0.0%"),
            Format::new().set_num_format_index(14),
            Format::new().set_num_format("dd/mm/yyyy"),
            Format::new().set_num_format("[h]:mm:ss"),
        ];
        for (i, f) in formats.iter().enumerate() {
            ws.write_number_with_format(1, i as u16, 1.5, f).unwrap();
        }
        let path = dir.join("base.xlsx");
        wb.save(&path).unwrap();
        path
    }

    /// `from` with parts replaced (name, text), written to `to`.
    fn with_parts(from: &Path, to: &Path, parts: &[(&str, &str)]) {
        let mut zin = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
        let mut zout = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for i in 0..zin.len() {
            let mut part = zin.by_index(i).unwrap();
            let name = part.name().unwrap().into_owned();
            let mut data = Vec::new();
            part.read_to_end(&mut data).unwrap();
            if let Some((_, text)) = parts.iter().find(|(n, _)| *n == name) {
                data = text.as_bytes().to_vec();
            }
            zout.start_file(name, options).unwrap();
            zout.write_all(&data).unwrap();
        }
        zout.finish().unwrap();
    }

    /// What a reader gave: the cells, then how it ended (`end`, `bail`, an error, a panic).
    #[derive(Debug, PartialEq)]
    struct Got2 {
        cells: Vec<String>,
        end: String,
    }

    fn show(pos: (u32, u32), v: &DataRef, style: usize) -> String {
        format!("{pos:?} {v:?} s{style}")
    }

    fn calamine_read(path: &Path) -> Got2 {
        let mut cells = Vec::new();
        let end = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut wb: Xlsx<_> = match open_workbook(path) {
                Ok(wb) => wb,
                Err(e) => return format!("open: {e}"),
            };
            let mut r = match wb.worksheet_cells_reader("Sheet1") {
                Ok(r) => r,
                Err(e) => return format!("error: {e}"),
            };
            loop {
                match r.next_cell_with_style_id() {
                    Ok(Some((c, s))) => cells.push(show(c.get_position(), c.get_value(), s)),
                    Ok(None) => return "end".to_string(),
                    Err(e) => return format!("error: {e}"),
                }
            }
        }))
        .unwrap_or_else(|_| "panic".to_string());
        Got2 { cells, end }
    }

    /// The fast reader over the sheet of `path`, its bytes given `piece` at a time.
    fn fast_read(path: &Path, sheet: &str, piece: usize) -> Got2 {
        let mut wb: Xlsx<_> = open_workbook(path).unwrap();
        let is_1904 = wb.has_1904_epoch();
        // ntm reads no further than calamine's start of the sheet (it refuses it).
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            wb.worksheet_cells_reader("Sheet1").is_ok()
        }));
        if !matches!(opened, Ok(true)) {
            return Got2 {
                cells: vec![],
                end: "refused".into(),
            };
        }
        let Ok(reader) = wb.worksheet_cells_reader("Sheet1") else {
            return Got2 {
                cells: vec![],
                end: "refused".into(),
            };
        };
        let theirs: Vec<_> = reader
            .styles()
            .iter()
            .map(|st| {
                st.number_format
                    .as_ref()
                    .map(|f| (f.format_id, f.format_code.clone()))
            })
            .collect();
        let (strings, styles) = super::super::prepare(path).expect("the parts are read");
        let mine: Vec<_> = styles.iter().map(|(_, f)| f.clone()).collect();
        assert_eq!(mine, theirs, "styles as calamine has them");
        let dates: Vec<IsDate> = styles.iter().map(|(d, _)| *d).collect();
        let (tx, rx) = std::sync::mpsc::channel();
        let (back, _free) = std::sync::mpsc::channel();
        for chunk in sheet.as_bytes().chunks(piece) {
            // With room for a few bytes left over before each piece (more are copied).
            let mut bytes = vec![0u8; 8];
            bytes.extend_from_slice(chunk);
            tx.send(Piece::Bytes(bytes, 8)).unwrap();
        }
        drop(tx);
        let feed = Feed::new(rx, back);
        let Some(mut c) = Cells::new(feed, &strings, &dates, is_1904) else {
            return Got2 {
                cells: vec![],
                end: "bail".into(),
            };
        };
        let mut cells = Vec::new();
        loop {
            match c.next() {
                Step::Cell(pos, v, s) => cells.push(show(pos, &v, s)),
                Step::End => {
                    return Got2 {
                        cells,
                        end: "end".into(),
                    };
                }
                Step::Bail => {
                    assert_eq!(c.given(), cells.len());
                    return Got2 {
                        cells,
                        end: "bail".into(),
                    };
                }
            }
        }
    }

    /// The sheet `xml` read both ways, in pieces of several sizes: the fast reader gives calamine's
    /// cells up to where it stops, and if it reads to the end, all of them. Whether it read to the
    /// end (the same for every size of piece).
    fn check(dir: &Path, base: &Path, xml: &str, styles: Option<&str>) -> bool {
        let path = dir.join("t.xlsx");
        let mut parts = vec![("xl/worksheets/sheet1.xml", xml)];
        if let Some(s) = styles {
            parts.push(("xl/styles.xml", s));
        }
        with_parts(base, &path, &parts);
        let theirs = calamine_read(&path);
        let mut whole = None;
        for piece in [1, 3, 17, 1 << 20] {
            let mine = fast_read(&path, xml, piece);
            assert!(
                theirs.cells.starts_with(&mine.cells),
                "{xml}\npiece {piece}\nfast {mine:?}\ncalamine {theirs:?}"
            );
            if mine.end == "end" {
                assert_eq!(mine, theirs, "{xml}\npiece {piece}");
            }
            let read = mine.end == "end";
            assert_eq!(*whole.get_or_insert(read), read, "{xml}\npiece {piece}");
        }
        whole.unwrap_or(false)
    }

    fn sheet(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet {NS}><dimension ref="A1:C3"/><sheetData>{rows}</sheetData><pageMargins left="0.7"/></worksheet>"#
        )
    }

    #[test]
    fn plain_sheets_are_read_here_as_calamine_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let base = base(dir.path());
        let plain = [
            // Shared strings, numbers of every style, booleans, errors, text, inline strings.
            r#"<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>"#,
            r#"<row r="2"><c r="A2" s="1"><v>0.855</v></c><c r="B2" s="2"><v>45000</v></c><c r="C2" s="3"><v>45000.5</v></c><c r="D2" s="4"><v>1.25</v></c><c r="E2" s="9"><v>7</v></c><c r="F2"><v>-1.5E-3</v></c><c r="G2" t="n"><v>12</v></c></row>"#,
            r#"<row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="b"><v>0</v></c><c r="C3" t="e"><v>#DIV/0!</v></c><c r="D3" t="e"><v>#N/A</v></c><c r="E3" t="str"><v>a &amp; b &lt;c&gt;</v></c><c r="F3" t="str"><v></v></c><c r="G3" t="d"><v>2024-01-02</v></c></row>"#,
            r#"<row r="4"><c r="A4" t="inlineStr"><is><t>x &lt; y</t></is></c><c r="B4" t="inlineStr"><is><t xml:space="preserve">  kept  </t></is></c><c r="C4" t="inlineStr"><is><t>  trimmed  </t></is></c><c r="D4" t="inlineStr"><is/></c><c r="E4" t="inlineStr"><is><t/></is></c></row>"#,
            // Present but empty cells, formulas with and without a stored result.
            r#"<row r="5"><c r="A5" s="1"/><c r="B5"><v></v></c><c r="C5"><f>SUM(A1:A2)</f><v>3</v></c><c r="D5"><f t="shared" ref="D5:D6" si="0">A5&amp;B5</f></c><c r="E5"><f t="shared" si="0"/><v>2</v></c></row>"#,
            // Rows out of order, a row with no cells, a row without its number.
            r#"<row r="9"><c r="A9"><v>9</v></c></row><row r="7"/><row><c r="B10"><v>10</v></c></row>"#,
            // Cells without their reference: placed by order, in rows with and without a number.
            r#"<row r="2"><c><v>1</v></c><c t="s"><v>1</v></c><c r="E2"><v>5</v></c><c><v>6</v></c></row><row><c><v>7</v></c></row>"#,
            // `>` and the other quote inside attribute values; whitespace between tags.
            "<row r=\"1\" x14ac:dyDescent=\"a>b\">\n  <c r=\"A1\" foo='say \"hi\" >' t=\"n\">\n    <v>1</v>\n  </c>\r\n</row>",
            // Lower-case references, far cells within Excel's range.
            r#"<row r="1"><c r="xfd1048576"><v>1</v></c><c r="aa1"><v>2</v></c></row>"#,
        ];
        for rows in plain {
            assert!(check(dir.path(), &base, &sheet(rows), None), "{rows}");
        }
        // Prefixed names, as some writers make them.
        let prefixed = r#"<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>y</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"#;
        assert!(check(dir.path(), &base, prefixed, None));
        // An empty sheet.
        let empty = format!(r#"<worksheet {NS}><sheetData/></worksheet>"#);
        check(dir.path(), &base, &empty, None);
    }

    #[test]
    fn what_calamine_reads_its_own_way_is_left_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let base = base(dir.path());
        let odd = [
            // Entities and CDATA where calamine reads only the first text, or none.
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>1&#48;</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v><![CDATA[12]]></v></c></row>"#,
            r#"<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c></row>"#,
            r#"<row r="1"><c r="A1" t="inlineStr"><is><r><t>rich</t></r><r><t> text</t></r></is></c></row>"#,
            r#"<row r="1"><c r="A1" t="str"><v>a&#10;b</v></c></row>"#,
            r#"<row r="1"><c r="A1" t="str"><v>_x0041_</v></c></row>"#,
            r#"<row r="1"><c r="A1"><f>A&B</f><v>1</v></c></row>"#,
            // Comments, processing instructions.
            r#"<row r="1"><c r="A1"><v>1</v></c><!-- note --><c r="B1"><v>2</v></c></row>"#,
            r#"<row r="1"><?pi x?><c r="A1"><v>1</v></c></row>"#,
            // Numbers calamine reads as text, or refuses, or reads otherwise.
            r#"<row r="1"><c r="A1"><v> 1</v></c><c r="B1"><v>1.</v></c><c r="C1"><v>inf</v></c><c r="D1" t="n"><v>abc</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v>abc</v></c></row>"#,
            r#"<row r="1"><c r="A1" t="b"><v>true</v></c></row>"#,
            r#"<row r="1"><c r="A1" t="e"><v>#DATA!</v></c></row>"#,
            r#"<row r="1"><c r="A1" t="s"><v>999</v></c></row>"#,
            r#"<row r="1"><c r="A1" t="s"><v>01</v></c></row>"#,
            r#"<row r="1"><c r="A1" t="zz"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1" s="x"><v>1</v></c></row>"#,
            // References calamine cannot count, or refuses, and odd attributes.
            r#"<row r="1"><c r="A1"><v>1</v></c><c r="ABCDEFGH1"><v>2</v></c></row>"#,
            r#"<row r="1"><c r="XFE1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A0"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="5"><v>1</v></c></row>"#,
            r#"<row r="99999999999"><c><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1" r="B1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1"t="n"><v>1</v></c></row>"#,
            r#"<row r="1"><c r=A1><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1" / ><v>1</v></c></row>"#,
            // Odd cell tags.
            r#"<row r="1"><c r="A1"/ x="1"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1" x="a&amp;b"><v>1</v></c><c r="B1" x="<"><v>1</v></c></row>"#,
            r#"<row r="1"><cc r="A1"><v>1</v></c></row>"#,
            r#"<row r="1"><x:c r="A1"><v>1</v></x:c></row>"#,
            r#"<row r="1"><c r="A1" t="s" t="s"><v>1</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v>12345678901234567890</v></c><c r="B1"><v>-0.000000000000000001</v></c><c r="C1"><v>-0</v></c></row>"#,
            // Elements calamine does not expect, a sheet cut short.
            r#"<row r="1"><c r="A1"><x>1</x></c></row>"#,
            r#"<row r="1"><c r="A1"><v>1</v><v>2</v></c></row>"#,
            r#"<row r="1"><c r="A1"><v>1</v></c></row><extra/>"#,
            r#"<row r="1"><c r="A1" t="inlineStr"><v>1</v><is><t>x</t></is></c></row>"#,
            r#"text<row r="1"><c r="A1"><v>1</v></c></row>"#,
        ];
        for rows in odd {
            check(dir.path(), &base, &sheet(rows), None);
        }
        // A cell's tag in the other forms XML allows is read here (in one pass when the bytes that
        // have come hold it whole, else the long way), as calamine reads it.
        let forms = [
            "<row r=\"1\"><c r=\"A1\" s = '0' t=\"n\" ><v>1</v></c><c\tr=\"B1\"\n><v>2</v></c></row>",
            r#"<row r="1"><c r="A1"/><c r="B1" /><c/><c><v>4</v></c><c r="E1" t="s"/></row>"#,
            r#"<row r="1"><c r="A1" x=">"><v>3</v></c><c r="B1" x='"'><v>5</v></c></row>"#,
        ];
        for rows in forms {
            assert!(check(dir.path(), &base, &sheet(rows), None), "{rows}");
        }
        let cut = format!(
            r#"<worksheet {NS}><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2"#
        );
        assert!(!check(dir.path(), &base, &cut, None));
        // Another encoding is not read here.
        let latin = format!(
            r#"<?xml version="1.0" encoding="ISO-8859-1"?><worksheet {NS}><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>"#
        );
        assert!(!check(dir.path(), &base, &latin, None));
    }

    #[test]
    fn dates_follow_the_number_formats_as_calamine_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let base = base(dir.path());
        // A custom format under a built-in id (14, a date unless redefined), ids written oddly, a
        // duration, a date format in quotes (text), a style past the list.
        let styles = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="14" formatCode="0.00"/><numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt numFmtId="166" formatCode="&quot;dd&quot;0"/></numFmts><fonts count="1"><font><sz val="11"/></font></fonts><cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="015"/><xf numFmtId="22"/><xf/></cellXfs></styleSheet>"#;
        let rows: String = (0..8)
            .map(|s| {
                format!(
                    r#"<c r="{}1" s="{s}"><v>45000.25</v></c>"#,
                    (b'A' + s) as char
                )
            })
            .collect();
        let xml = sheet(&format!(r#"<row r="1">{rows}</row>"#));
        assert!(check(dir.path(), &base, &xml, Some(styles)));
        // Read here: 14 redefined is a number, 165 a duration, 22 a date.
        let path = dir.path().join("t.xlsx");
        let read = fast_read(&path, &xml, 1 << 20);
        assert!(read.cells[1].contains("Float(45000.25)"), "{read:?}");
        assert!(read.cells[2].contains("TimeDelta"), "{read:?}");
        assert!(read.cells[5].contains("DateTime"), "{read:?}");
    }

    #[test]
    fn sheets_changed_at_random_are_read_as_calamine_reads_them_or_left_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let base = base(dir.path());
        let seed = sheet(concat!(
            r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2"><v>45000</v></c><c r="C1" t="str"><v>a &amp; b</v></c></row>"#,
            r#"<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="B2" s="1"><v>0.5</v></c><c r="C2"><f>A1</f><v>1</v></c></row>"#,
        ));
        // Bytes that matter to XML, put in, taken out or changed at random places (a fixed LCG).
        let alphabet = b"<>/\"'=&;: abcrstvfi0123456789#x!?[]-.E\n";
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 33) as usize % n
        };
        let mut read_here = 0;
        for _ in 0..300 {
            let mut bytes = seed.clone().into_bytes();
            for _ in 0..1 + next(3) {
                let at = next(bytes.len());
                let b = alphabet[next(alphabet.len())];
                match next(3) {
                    0 => bytes.insert(at, b),
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes[at] = b,
                }
            }
            let Ok(xml) = String::from_utf8(bytes) else {
                continue;
            };
            if check(dir.path(), &base, &xml, None) {
                read_here += 1;
            }
        }
        // Most changes break the sheet; some leave it one the fast reader reads.
        assert!(read_here > 10, "{read_here}");
    }

    /// A cell's start tag read the long way, as the reader reads a tag [`cell_tag`] leaves to it:
    /// its end (the first `>` outside quotes), whether it is empty, and its attributes by
    /// [`for_attrs`]; `None` when that way would not read it as a cell.
    #[allow(clippy::type_complexity)]
    fn cell_tag_long_way(buf: &[u8]) -> Option<(usize, bool, [Option<&[u8]>; 3])> {
        let end = tag_end_in(buf, 0)?;
        let tag = &buf[..=end];
        if tag.get(1) == Some(&b'/') || end < 2 {
            return None;
        }
        let (empty, name, attrs) = start_tag(tag);
        if local_name(name) != b"c" {
            return None;
        }
        let mut found = [None; 3];
        for_attrs(attrs, |k, v| cell_attr(&mut found, k, v))?;
        Some((end, empty, found))
    }

    /// A start tag of a cell, well formed or nearly: pieces of one, in any order.
    fn tag_like() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        let piece = proptest::sample::select(vec![
            " ",
            "\t",
            "\n",
            "r",
            "s",
            "t",
            "x:y",
            "=",
            "\"",
            "'",
            "A1",
            "12",
            "ab",
            ">",
            "/",
            "/>",
            "&",
            "<",
            " r=\"B7\"",
            " s='3'",
            " t=\"s\"",
            " t=\"n\"",
            " z=\"a>b\"",
            " t=\"a&amp;\"",
            " r='<'",
        ]);
        proptest::strategy::Strategy::prop_map(proptest::collection::vec(piece, 0..10), |pieces| {
            let mut tag = b"<c".to_vec();
            for p in pieces {
                tag.extend_from_slice(p.as_bytes());
            }
            tag
        })
    }

    proptest::proptest! {
        /// Where the one-pass reading of a cell's start tag reads it, it reads what the long way
        /// reads: the same end, emptiness and attributes.
        #[test]
        fn a_cell_tag_read_in_one_pass_is_read_as_the_long_way_reads_it(
            tag in tag_like(),
            rest in "[ <>/a-z\"]{0,4}",
        ) {
            let mut buf = tag;
            buf.extend_from_slice(rest.as_bytes());
            if let Some(fast) = cell_tag(&buf) {
                proptest::prop_assert_eq!(Some(fast), cell_tag_long_way(&buf), "{}", String::from_utf8_lossy(&buf));
            }
        }

        /// The short way of reading a number (at most fifteen digits, no exponent) gives the very
        /// double the full parser gives, bit for bit, on both sides of the fifteen digits.
        #[test]
        fn numbers_read_the_short_way_are_the_nearest_doubles(
            negative in proptest::bool::ANY,
            int in "[0-9]{1,12}",
            frac in proptest::option::of("[0-9]{1,12}"),
        ) {
            let text = format!(
                "{}{int}{}",
                if negative { "-" } else { "" },
                frac.map(|f| format!(".{f}")).unwrap_or_default()
            );
            let full: f64 = text.parse().unwrap_or(f64::NAN);
            proptest::prop_assert_eq!(
                number(text.as_bytes()).map(f64::to_bits),
                Some(full.to_bits()),
                "{}", text
            );
        }
    }

    #[test]
    fn numbers_and_references_are_read_strictly() {
        assert_eq!(number(b"12"), Some(12.0));
        assert_eq!(number(b"-1.5E-3"), Some(-0.0015));
        assert_eq!(number(b"0.1"), Some(0.1));
        assert_eq!(number(b"-0").map(f64::to_bits), Some((-0.0f64).to_bits()));
        assert_eq!(number(b"1234567890.12345"), Some(1234567890.12345));
        assert_eq!(
            number(b"0.1234567890123456789"),
            Some(0.123_456_789_012_345_68)
        );
        for bad in [
            &b""[..],
            b"-",
            b"1.",
            b".5",
            b"+1",
            b" 1",
            b"1e",
            b"inf",
            b"NaN",
            b"0x1",
        ] {
            assert_eq!(number(bad), None, "{bad:?}");
        }
        assert_eq!(reference(b"A1"), Some((0, 0)));
        assert_eq!(reference(b"AB12"), Some((11, 27)));
        assert_eq!(reference(b"A1B"), None);
        assert_eq!(text_end(b"12</v>"), Some(2));
        assert_eq!(text_end(b"12"), None);
        let long = format!("{}&amp;", "x".repeat(40));
        assert_eq!(text_end(long.as_bytes()), Some(40));
        assert_eq!(text_end(&long.as_bytes()[..40]), None);
        assert_eq!(reference(b"xfd1048576"), Some((1_048_575, 16_383)));
        assert_eq!(reference(b"ABCD1"), None);
        assert_eq!(reference(b"A0"), None);
        assert_eq!(reference(b"A12345678"), None);
        assert_eq!(reference(b"1"), None);
        assert_eq!(small_number(b"0"), Some(0));
        assert_eq!(small_number(b"07"), None);
        assert!(attrs_ok(b""));
        assert!(attrs_ok(b" r=\"1\"  s='2' "));
        assert!(!attrs_ok(b" r=\"1\"s=\"2\""));
        assert!(!attrs_ok(b" r=1"));
        assert!(!attrs_ok(b" r"));
        assert!(!attrs_ok(b" r=\"a&amp;\""));
    }
}
