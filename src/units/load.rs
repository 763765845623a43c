//! Reading the unit files strictly: every problem is reported with its file, line and column, what was
//! found and what was expected. A file is an edition (`[edition]`) or a conversion (`[conversion]`);
//! the conversions are then checked against the editions they join.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::{
    Basis, Conversion, Date, District, DistrictKind, Edition, Generated, Link, Unit, UnitKind,
    Units,
};
use crate::diag::Problem;
use crate::i18n::Text;

/// The only format version so far.
const SCHEMA: i64 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    schema: Option<Spanned<i64>>,
    edition: Option<Spanned<RawEdition>>,
    conversion: Option<Spanned<RawConversion>>,
    province: Option<Spanned<RawProvince>>,
    #[serde(default)]
    basis: Vec<RawBasis>,
    generated: Option<RawGenerated>,
    #[serde(default)]
    district: Vec<RawDistrict>,
    #[serde(default)]
    unit: Vec<RawNewUnit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEdition {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    name_en: String,
    valid_from: Spanned<Datetime>,
    valid_to: Option<Spanned<Datetime>>,
    verified: bool,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConversion {
    id: Spanned<String>,
    from: Spanned<String>,
    to: Spanned<String>,
    verified: bool,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvince {
    code: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    name: Spanned<String>,
    units: Option<Vec<RawUnit>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDistrict {
    code: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    name: Spanned<String>,
    units: Vec<RawUnit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    code: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    name: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBasis {
    document: Spanned<String>,
    date: Spanned<Datetime>,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    what: String,
    verified: bool,
    source: Spanned<String>,
    #[serde(default)]
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGenerated {
    script: String,
    package: String,
    package_version: String,
    package_license: String,
    package_data: String,
    date: Spanned<Datetime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNewUnit {
    code: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    name: Spanned<String>,
    verified: bool,
    source: Option<String>,
    from: Vec<RawFrom>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrom {
    code: Spanned<String>,
    #[serde(rename = "type")]
    kind: Spanned<String>,
    name: Spanned<String>,
    district: Option<Spanned<String>>,
    #[serde(default)]
    part: bool,
    package_default: Option<Spanned<bool>>,
}

/// Problems of one file, located in its text.
struct Cx<'a> {
    file: &'a str,
    src: &'a str,
    /// Where each line after the first starts in `src`: a unit's line is looked up, not counted
    /// from the top of the file (a list of hundreds of units was counted from the top for each,
    /// half of the start-up of every command).
    line_starts: Vec<usize>,
    problems: Vec<Problem>,
}

impl Cx<'_> {
    /// A problem at `span` of this file.
    fn at(&self, kind: &'static str, span: Range<usize>, message: Text) -> Problem {
        Problem::error(kind, self.file, message).at_offset(self.src, span.start)
    }

    fn push(&mut self, p: Problem) {
        self.problems.push(p);
    }

    fn error(&mut self, kind: &'static str, span: Range<usize>, message: Text) {
        let p = self.at(kind, span, message);
        self.push(p);
    }

    /// A `YYYY-MM-DD` date without time or offset.
    fn date(&mut self, field: &str, value: &Spanned<Datetime>) -> Option<Date> {
        let dt = value.get_ref();
        let date = match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Date::new(i32::from(d.year), d.month, d.day),
            _ => None,
        };
        if date.is_none() {
            let p = self
                .at(
                    "bad-date",
                    value.span(),
                    Text::new(
                        format!("«{field}» không phải một ngày"),
                        format!("«{field}» is not a date"),
                    ),
                )
                .found(dt.to_string())
                .expected(Text::new(
                    "một ngày dạng 2025-07-01, không có giờ",
                    "a date such as 2025-07-01, without a time",
                ));
            self.push(p);
        }
        date
    }

    /// A code of `digits` ASCII digits.
    fn code(&mut self, what: (&str, &str), value: &Spanned<String>, digits: usize) -> bool {
        let c = value.get_ref();
        let ok = c.len() == digits && c.bytes().all(|b| b.is_ascii_digit());
        if !ok {
            let p = self
                .at(
                    "bad-code",
                    value.span(),
                    Text::new(
                        format!("mã {} không hợp lệ", what.0),
                        format!("invalid {} code", what.1),
                    ),
                )
                .found(c.clone())
                .expected(Text::new(
                    format!(
                        "{digits} chữ số, kể cả số 0 ở đầu (ví dụ «{}»)",
                        example(digits)
                    ),
                    format!(
                        "{digits} digits, leading zeros included (such as «{}»)",
                        example(digits)
                    ),
                ));
            self.push(p);
        }
        ok
    }

    /// A name written without surrounding spaces.
    fn name(&mut self, value: &Spanned<String>) -> bool {
        let n = value.get_ref();
        let ok = !n.trim().is_empty() && n.trim() == n && !n.contains("  ");
        if !ok {
            let p = self
                .at(
                    "bad-name",
                    value.span(),
                    Text::new("tên không hợp lệ", "invalid name"),
                )
                .found(n.clone())
                .expected(Text::new(
                    "một tên không rỗng, không có dấu cách thừa",
                    "a non-empty name without extra spaces",
                ));
            self.push(p);
        }
        ok
    }

    fn unit_kind(&mut self, value: &Spanned<String>) -> Option<UnitKind> {
        let k = UnitKind::from_label(value.get_ref());
        if k.is_none() {
            let allowed = UnitKind::ALL.map(|k| format!("«{}»", k.label())).join(", ");
            let p = self
                .at(
                    "bad-type",
                    value.span(),
                    Text::new(
                        "loại đơn vị cấp xã không hợp lệ",
                        "invalid commune-level type",
                    ),
                )
                .found(value.get_ref().clone())
                .expected(Text::new(
                    format!("một trong {allowed}"),
                    format!("one of {allowed}"),
                ));
            self.push(p);
        }
        k
    }

    fn district_kind(&mut self, value: &Spanned<String>) -> Option<DistrictKind> {
        let k = DistrictKind::from_label(value.get_ref());
        if k.is_none() {
            let allowed = DistrictKind::ALL
                .map(|k| format!("«{}»", k.label()))
                .join(", ");
            let p = self
                .at(
                    "bad-type",
                    value.span(),
                    Text::new(
                        "loại đơn vị cấp huyện không hợp lệ",
                        "invalid district-level type",
                    ),
                )
                .found(value.get_ref().clone())
                .expected(Text::new(
                    format!("một trong {allowed}"),
                    format!("one of {allowed}"),
                ));
            self.push(p);
        }
        k
    }

    /// The line (1-based) of `span`'s start: [`crate::diag::line_col`]'s, from the lines' starts.
    fn line(&self, span: Range<usize>) -> usize {
        self.line_starts
            .partition_point(|&start| start <= span.start)
            + 1
    }
}

fn example(digits: usize) -> &'static str {
    match digits {
        2 => "20",
        3 => "183",
        _ => "06475",
    }
}

/// A TOML or serde error, located. A misspelled key gets the keys allowed there and the nearest one.
fn toml_error(file: &str, src: &str, e: &toml::de::Error) -> Problem {
    let msg = e.message().trim().to_string();
    let mut p = match unknown_field(&msg) {
        Some((field, allowed)) => {
            let nearest = allowed
                .iter()
                .map(|a| (strsim::damerau_levenshtein(&field, a), a))
                .filter(|(d, a)| *d <= 2.max(a.len() / 3))
                .min_by_key(|(d, _)| *d)
                .map(|(_, a)| a.clone());
            let list = allowed.join(", ");
            let hint = |vi: bool| match (&nearest, vi) {
                (Some(n), true) => format!(" Có phải ý bạn là «{n}»?"),
                (Some(n), false) => format!(" Did you mean «{n}»?"),
                (None, _) => String::new(),
            };
            Problem::error(
                "unknown-key",
                file,
                Text::new(
                    format!("khóa «{field}» không hợp lệ ở đây.{}", hint(true)),
                    format!("the key «{field}» is not valid here.{}", hint(false)),
                ),
            )
            .found(field.clone())
            .expected(Text::new(
                format!("một trong: {list}"),
                format!("one of: {list}"),
            ))
        }
        None => Problem::error(
            "toml",
            file,
            Text::new(
                format!("tệp đơn vị hành chính không hợp lệ: {msg}"),
                format!("invalid administrative units file: {msg}"),
            ),
        ),
    };
    if let Some(span) = e.span() {
        p = p.at_offset(src, span.start);
    }
    p
}

/// The field and the allowed fields of serde's "unknown field `x`, expected one of `a`, `b`".
fn unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (field, rest) = rest.split_once('`')?;
    let allowed = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect();
    Some((field.to_string(), allowed))
}

/// What a file holds, before the files are checked against each other.
enum Parsed {
    Edition(Edition),
    Conversion(Conversion, Refs),
}

/// Load the editions and conversions of one province from `(file name, contents)` pairs. Returns the
/// units only when there is no problem.
pub(super) fn load_units(origin: &str, files: &[(String, String)]) -> Result<Units, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut editions = Vec::new();
    let mut conversions = Vec::new();
    // Spans of the references a conversion makes, to locate cross-file problems.
    let mut refs = Vec::new();
    for (file, src) in files {
        let mut cx = Cx {
            file,
            src,
            line_starts: memchr::memchr_iter(b'\n', src.as_bytes())
                .map(|i| i + 1)
                .collect(),
            problems: Vec::new(),
        };
        match parse_file(&mut cx) {
            Some(Parsed::Edition(e)) => editions.push(e),
            Some(Parsed::Conversion(c, r)) => {
                conversions.push(c);
                refs.push(r);
            }
            None => {}
        }
        problems.append(&mut cx.problems);
    }
    if problems.is_empty() {
        check_editions(&mut editions, &mut problems);
    }
    if problems.is_empty() {
        for (c, r) in conversions.iter().zip(&refs) {
            check_conversion(c, r, &editions, &mut problems);
        }
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (c, r) in conversions.iter().zip(&refs) {
            if let Some(first) = seen.insert(c.from.as_str(), c.file.as_str()) {
                problems.push(
                    Problem::error(
                        "duplicate-conversion",
                        &c.file,
                        Text::new(
                            format!(
                                "hai bảng chuyển đổi từ cùng danh sách «{}» (bảng kia: {first})",
                                c.from
                            ),
                            format!(
                                "two conversions from the same list «{}» (the other: {first})",
                                c.from
                            ),
                        ),
                    )
                    .at(r.from_line, None),
                );
            }
        }
    }
    if editions.is_empty() && problems.is_empty() {
        problems.push(Problem::error(
            "no-units",
            origin,
            Text::new(
                "không có danh sách đơn vị hành chính nào ([edition])",
                "no administrative unit list ([edition])",
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Units {
        editions,
        conversions,
        origin: origin.to_string(),
        slug: String::new(),
    })
}

/// Where a conversion names its editions.
struct Refs {
    from_line: usize,
    to_line: usize,
}

fn parse_file(cx: &mut Cx) -> Option<Parsed> {
    let raw: RawFile = match toml::from_str(cx.src) {
        Ok(raw) => raw,
        Err(e) => {
            cx.problems.push(toml_error(cx.file, cx.src, &e));
            return None;
        }
    };
    match &raw.schema {
        Some(s) if *s.get_ref() == SCHEMA => {}
        Some(s) => {
            let p = cx
                .at(
                    "schema",
                    s.span(),
                    Text::new(
                        "phiên bản định dạng không được hỗ trợ",
                        "unsupported format version",
                    ),
                )
                .found(s.get_ref().to_string())
                .expected(Text::new(
                    format!("schema = {SCHEMA}"),
                    format!("schema = {SCHEMA}"),
                ));
            cx.push(p);
        }
        None => {
            let p = cx
                .at(
                    "schema",
                    0..0,
                    Text::new("thiếu khóa «schema»", "the key «schema» is missing"),
                )
                .expected(Text::new(
                    format!("schema = {SCHEMA} ở đầu tệp"),
                    format!("schema = {SCHEMA} at the top of the file"),
                ));
            cx.push(p);
        }
    }
    let basis = parse_basis(cx, &raw.basis);
    let generated = raw.generated.as_ref().and_then(|g| {
        Some(Generated {
            script: g.script.clone(),
            package: g.package.clone(),
            package_version: g.package_version.clone(),
            package_license: g.package_license.clone(),
            package_data: g.package_data.clone(),
            date: cx.date("generated.date", &g.date)?,
        })
    });
    match (&raw.edition, &raw.conversion) {
        (Some(_), None) => parse_edition(cx, raw, basis, generated).map(Parsed::Edition),
        (None, Some(_)) => parse_conversion(cx, raw, basis, generated),
        (Some(e), Some(c)) => {
            let span = e.span().start.max(c.span().start);
            cx.error(
                "mixed-file",
                span..span,
                Text::new(
                    "một tệp chỉ chứa một danh sách ([edition]) hoặc một bảng chuyển đổi ([conversion]), không cả hai",
                    "a file holds one list ([edition]) or one conversion ([conversion]), not both",
                ),
            );
            None
        }
        (None, None) => {
            let p = cx
                .at(
                    "no-edition",
                    0..0,
                    Text::new(
                        "tệp không có bảng [edition] hay [conversion]",
                        "the file has no [edition] or [conversion] table",
                    ),
                )
                .expected(Text::new(
                    "[edition] (một danh sách đơn vị) hoặc [conversion] (một bảng chuyển đổi)",
                    "[edition] (a list of units) or [conversion] (a conversion)",
                ));
            cx.push(p);
            None
        }
    }
}

fn parse_basis(cx: &mut Cx, raw: &[RawBasis]) -> Vec<Basis> {
    let mut out = Vec::new();
    for b in raw {
        let date = cx.date("basis.date", &b.date);
        if b.document.get_ref().trim().is_empty() {
            cx.error(
                "bad-basis",
                b.document.span(),
                Text::new(
                    "văn bản căn cứ không có số hiệu hay tên",
                    "the legal basis names no document",
                ),
            );
        }
        if b.verified && b.source.get_ref().trim().is_empty() {
            let p = cx
                .at(
                    "unsourced",
                    b.source.span(),
                    Text::new(
                        "verified = true mà không ghi nguồn đã đối chiếu",
                        "verified = true without the source it was checked against",
                    ),
                )
                .expected(Text::new(
                    "địa chỉ hoặc tên văn bản đã dùng để đối chiếu",
                    "the address or document it was checked against",
                ));
            cx.push(p);
        }
        if let Some(date) = date {
            out.push(Basis {
                document: b.document.get_ref().clone(),
                date,
                issuer: b.issuer.clone(),
                what: b.what.clone(),
                verified: b.verified,
                source: b.source.get_ref().clone(),
                note: b.note.clone(),
            });
        }
    }
    out
}

fn parse_unit(cx: &mut Cx, u: &RawUnit, district: Option<&str>) -> Option<Unit> {
    let code_ok = cx.code(("đơn vị", "unit"), &u.code, 5);
    let name_ok = cx.name(&u.name);
    let kind = cx.unit_kind(&u.kind);
    Some(Unit {
        code: u.code.get_ref().clone(),
        kind: kind?,
        name: u.name.get_ref().clone(),
        district: district.map(str::to_string),
        line: cx.line(u.code.span()),
    })
    .filter(|_| code_ok && name_ok)
}

fn parse_edition(
    cx: &mut Cx,
    raw: RawFile,
    basis: Vec<Basis>,
    generated: Option<Generated>,
) -> Option<Edition> {
    let e = raw.edition?.into_inner();
    if !raw.unit.is_empty() {
        let span = raw.unit[0].code.span();
        cx.error(
            "misplaced",
            span,
            Text::new(
                "[[unit]] chỉ dùng trong bảng chuyển đổi; danh sách ghi đơn vị trong «units = [...]»",
                "[[unit]] belongs in a conversion; a list gives its units in «units = [...]»",
            ),
        );
    }
    if e.id.get_ref().trim().is_empty() {
        cx.error(
            "bad-id",
            e.id.span(),
            Text::new("mã danh sách rỗng", "empty list id"),
        );
    }
    let valid_from = cx.date("valid_from", &e.valid_from);
    let id_line = cx.line(e.id.span());
    let valid_to_line = cx.line(
        e.valid_to
            .as_ref()
            .map_or(e.valid_from.span(), |v| v.span()),
    );
    let valid_to = e
        .valid_to
        .as_ref()
        .map(|v| (cx.date("valid_to", v), v.span()));
    if let (Some(from), Some((Some(to), span))) = (valid_from, &valid_to)
        && *to < from
    {
        let p = cx
            .at(
                "bad-validity",
                span.clone(),
                Text::new(
                    "ngày hết hiệu lực trước ngày có hiệu lực",
                    "the list ends before it starts",
                ),
            )
            .found(to.to_string())
            .expected(Text::new(
                format!("một ngày từ {from} trở đi"),
                format!("a date from {from} on"),
            ));
        cx.push(p);
    }
    let Some(province) = raw.province else {
        let span = e.id.span();
        let p = cx
            .at(
                "no-province",
                span,
                Text::new(
                    "danh sách thiếu bảng [province]",
                    "the list has no [province] table",
                ),
            )
            .expected(Text::new(
                "[province] với code, type, name",
                "[province] with code, type, name",
            ));
        cx.push(p);
        return None;
    };
    let province_span = province.span();
    let province = province.into_inner();
    cx.code(("tỉnh", "province"), &province.code, 2);
    cx.name(&province.name);
    if !["tỉnh", "thành phố"].contains(&province.kind.get_ref().as_str()) {
        let p = cx
            .at(
                "bad-type",
                province.kind.span(),
                Text::new(
                    "loại đơn vị cấp tỉnh không hợp lệ",
                    "invalid province-level type",
                ),
            )
            .found(province.kind.get_ref().clone())
            .expected(Text::new(
                "«tỉnh» hoặc «thành phố»",
                "«tỉnh» or «thành phố»",
            ));
        cx.push(p);
    }

    let mut districts = Vec::new();
    let mut province_units = Vec::new();
    let mut seen_units: HashMap<String, usize> = HashMap::new();
    let mut seen_districts: HashMap<String, usize> = HashMap::new();
    let duplicate = |cx: &mut Cx, what: (&str, &str), code: &Spanned<String>, first: usize| {
        let p = cx
            .at(
                "duplicate-code",
                code.span(),
                Text::new(
                    format!("mã {} trùng (đã có ở dòng {first})", what.0),
                    format!("duplicate {} code (already on line {first})", what.1),
                ),
            )
            .found(code.get_ref().clone());
        cx.push(p);
    };
    for d in &raw.district {
        let code_ok = cx.code(("huyện", "district"), &d.code, 3);
        let name_ok = cx.name(&d.name);
        let kind = cx.district_kind(&d.kind);
        let line = cx.line(d.code.span());
        if let Some(first) = seen_districts.insert(d.code.get_ref().clone(), line) {
            duplicate(cx, ("huyện", "district"), &d.code, first);
        }
        let mut units = Vec::new();
        for u in &d.units {
            let line = cx.line(u.code.span());
            if let Some(first) = seen_units.insert(u.code.get_ref().clone(), line) {
                duplicate(cx, ("đơn vị", "unit"), &u.code, first);
            }
            units.extend(parse_unit(cx, u, Some(d.code.get_ref())));
        }
        if d.units.is_empty() {
            cx.error(
                "empty-district",
                d.code.span(),
                Text::new("huyện không có đơn vị nào", "the district has no unit"),
            );
        }
        if let (true, true, Some(kind)) = (code_ok, name_ok, kind) {
            districts.push(District {
                code: d.code.get_ref().clone(),
                kind,
                name: d.name.get_ref().clone(),
                units,
                line,
            });
        }
    }
    match (&province.units, raw.district.is_empty()) {
        (Some(units), true) => {
            for u in units {
                let line = cx.line(u.code.span());
                if let Some(first) = seen_units.insert(u.code.get_ref().clone(), line) {
                    duplicate(cx, ("đơn vị", "unit"), &u.code, first);
                }
                province_units.extend(parse_unit(cx, u, None));
            }
            if units.is_empty() {
                cx.error(
                    "no-units",
                    province_span,
                    Text::new("danh sách không có đơn vị nào", "the list has no unit"),
                );
            }
        }
        (Some(_), false) => {
            cx.error(
                "mixed-levels",
                province_span,
                Text::new(
                    "danh sách có huyện ([[district]]) thì các đơn vị nằm trong huyện, không trong [province]",
                    "a list with districts ([[district]]) gives its units within them, not in [province]",
                ),
            );
        }
        (None, true) => {
            let p = cx
                .at(
                    "no-units",
                    province_span,
                    Text::new("danh sách không có đơn vị nào", "the list has no unit"),
                )
                .expected(Text::new(
                    "các [[district]] với units = [...], hoặc units = [...] trong [province]",
                    "[[district]] tables with units = [...], or units = [...] in [province]",
                ));
            cx.push(p);
        }
        (None, false) => {}
    }
    if !cx.problems.is_empty() {
        return None;
    }
    let mut index = HashMap::new();
    for (di, d) in districts.iter().enumerate() {
        for (ui, u) in d.units.iter().enumerate() {
            index.insert(u.code.clone(), (Some(di), ui));
        }
    }
    for (ui, u) in province_units.iter().enumerate() {
        index.insert(u.code.clone(), (None, ui));
    }
    Some(Edition {
        id: e.id.into_inner(),
        name: e.name,
        name_en: e.name_en,
        valid_from: valid_from?,
        valid_to: valid_to.and_then(|(d, _)| d),
        verified: e.verified,
        note: e.note,
        province_code: province.code.into_inner(),
        province_name: province.name.into_inner(),
        basis,
        generated,
        districts,
        province_units,
        file: cx.file.to_string(),
        index,
        id_line,
        valid_to_line,
    })
}

fn parse_conversion(
    cx: &mut Cx,
    raw: RawFile,
    basis: Vec<Basis>,
    generated: Option<Generated>,
) -> Option<Parsed> {
    let c = raw.conversion?.into_inner();
    if let Some(p) = &raw.province {
        cx.error(
            "misplaced",
            p.span(),
            Text::new(
                "bảng chuyển đổi không có [province]",
                "a conversion has no [province]",
            ),
        );
    }
    if let Some(d) = raw.district.first() {
        cx.error(
            "misplaced",
            d.code.span(),
            Text::new(
                "bảng chuyển đổi không có [[district]]",
                "a conversion has no [[district]]",
            ),
        );
    }
    if c.id.get_ref().trim().is_empty() {
        cx.error(
            "bad-id",
            c.id.span(),
            Text::new("mã bảng chuyển đổi rỗng", "empty conversion id"),
        );
    }
    let mut links = Vec::new();
    let mut seen_new: HashMap<String, usize> = HashMap::new();
    for n in &raw.unit {
        cx.code(("đơn vị", "unit"), &n.code, 5);
        cx.name(&n.name);
        let kind = cx.unit_kind(&n.kind);
        let line = cx.line(n.code.span());
        if let Some(first) = seen_new.insert(n.code.get_ref().clone(), line) {
            let p = cx
                .at(
                    "duplicate-code",
                    n.code.span(),
                    Text::new(
                        format!("đơn vị mới ghi hai lần (đã có ở dòng {first})"),
                        format!("new unit given twice (already on line {first})"),
                    ),
                )
                .found(n.code.get_ref().clone());
            cx.push(p);
        }
        if n.verified && n.source.as_deref().is_none_or(|s| s.trim().is_empty()) {
            cx.error(
                "unsourced",
                n.code.span(),
                Text::new(
                    "verified = true mà không ghi nguồn (source) đã đối chiếu",
                    "verified = true without the source it was checked against",
                ),
            );
        }
        if n.from.is_empty() {
            cx.error(
                "no-former-unit",
                n.code.span(),
                Text::new(
                    "đơn vị mới không ghi đơn vị cũ nào (from = [])",
                    "the new unit names no former unit (from = [])",
                ),
            );
        }
        let new_name = kind.map(|k| {
            Unit {
                code: String::new(),
                kind: k,
                name: n.name.get_ref().clone(),
                district: None,
                line: 0,
            }
            .full_name()
        });
        for f in &n.from {
            let old_ok = cx.code(("đơn vị", "unit"), &f.code, 5) & cx.name(&f.name);
            let old_kind = cx.unit_kind(&f.kind);
            if let Some(d) = &f.district {
                cx.code(("huyện", "district"), d, 3);
            }
            if let (Some(pd), false) = (&f.package_default, f.part) {
                cx.error(
                    "misplaced",
                    pd.span(),
                    Text::new(
                        "package_default chỉ dùng cho đơn vị cũ bị chia (part = true)",
                        "package_default is only for a divided former unit (part = true)",
                    ),
                );
            }
            if let (true, Some(ok), Some(nn)) = (old_ok, old_kind, &new_name) {
                links.push(Link {
                    old: f.code.get_ref().clone(),
                    old_name: Unit {
                        code: String::new(),
                        kind: ok,
                        name: f.name.get_ref().clone(),
                        district: None,
                        line: 0,
                    }
                    .full_name(),
                    old_district: f.district.as_ref().map(|d| d.get_ref().clone()),
                    new: n.code.get_ref().clone(),
                    new_name: nn.clone(),
                    part: f.part,
                    package_default: f.package_default.as_ref().map(|p| *p.get_ref()),
                    verified: n.verified,
                    source: n.source.clone(),
                    line: cx.line(f.code.span()),
                });
            }
        }
    }
    if raw.unit.is_empty() {
        cx.error(
            "no-units",
            c.id.span(),
            Text::new(
                "bảng chuyển đổi không có đơn vị mới nào ([[unit]])",
                "the conversion has no new unit ([[unit]])",
            ),
        );
    }
    // Every former unit goes wholly into one new unit, or in parts into several.
    let mut by_old: BTreeMap<&str, Vec<&Link>> = BTreeMap::new();
    for l in &links {
        by_old.entry(l.old.as_str()).or_default().push(l);
    }
    for (old, ls) in &by_old {
        let parts = ls.iter().filter(|l| l.part).count();
        let bad = if parts == 0 {
            ls.len() > 1
        } else {
            parts != ls.len() || ls.len() < 2
        };
        if bad {
            let lines = ls
                .iter()
                .map(|l| l.line.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            cx.problems.push(
                Problem::error(
                    "bad-division",
                    cx.file,
                    Text::new(
                        format!(
                            "đơn vị cũ {old} ghi {} lần (dòng {lines}), {parts} lần với part = true",
                            ls.len()
                        ),
                        format!(
                            "former unit {old} appears {} times (lines {lines}), {parts} with part = true",
                            ls.len()
                        ),
                    ),
                )
                .at(ls[ls.len() - 1].line, None)
                .found(old.to_string())
                .expected(Text::new(
                    "một lần (cả đơn vị), hoặc từ hai lần trở lên, lần nào cũng part = true (đơn vị bị chia)",
                    "once (the whole unit), or twice or more, each with part = true (a divided unit)",
                )),
            );
        }
        let defaults = ls
            .iter()
            .filter(|l| l.package_default == Some(true))
            .count();
        if defaults > 1 {
            cx.problems.push(
                Problem::error(
                    "bad-division",
                    cx.file,
                    Text::new(
                        format!("đơn vị cũ {old} có {defaults} đơn vị mới package_default = true"),
                        format!(
                            "former unit {old} has {defaults} new units with package_default = true"
                        ),
                    ),
                )
                .at(ls[ls.len() - 1].line, None)
                .expected(Text::new("nhiều nhất một", "at most one")),
            );
        }
    }
    if !cx.problems.is_empty() {
        return None;
    }
    let refs = Refs {
        from_line: cx.line(c.from.span()),
        to_line: cx.line(c.to.span()),
    };
    Some(Parsed::Conversion(
        Conversion {
            id: c.id.into_inner(),
            from: c.from.into_inner(),
            to: c.to.into_inner(),
            verified: c.verified,
            note: c.note,
            basis,
            generated,
            links,
            file: cx.file.to_string(),
        },
        refs,
    ))
}

/// Editions: unique ids, one province, validity periods that do not overlap, only the newest open-ended.
fn check_editions(editions: &mut [Edition], problems: &mut Vec<Problem>) {
    editions.sort_by(|a, b| a.valid_from.cmp(&b.valid_from).then(a.id.cmp(&b.id)));
    let mut ids: HashMap<&str, &str> = HashMap::new();
    for e in editions.iter() {
        if let Some(first) = ids.insert(e.id.as_str(), e.file.as_str()) {
            problems.push(
                Problem::error(
                    "duplicate-edition",
                    &e.file,
                    Text::new(
                        format!("hai danh sách cùng mã «{}» (danh sách kia: {first})", e.id),
                        format!("two lists with the id «{}» (the other: {first})", e.id),
                    ),
                )
                .at(e.id_line, None)
                .found(e.id.clone()),
            );
        }
    }
    if let Some(first) = editions.first() {
        for e in editions.iter().skip(1) {
            if e.province_code != first.province_code {
                problems.push(
                    Problem::error(
                        "mixed-provinces",
                        &e.file,
                        Text::new(
                            format!(
                                "thư mục chỉ chứa một tỉnh: tỉnh {} khác tỉnh {} của {}",
                                e.province_code, first.province_code, first.file
                            ),
                            format!(
                                "a folder holds one province: province {} differs from {} in {}",
                                e.province_code, first.province_code, first.file
                            ),
                        ),
                    )
                    .at(e.id_line, None)
                    .found(e.province_code.clone()),
                );
            }
        }
    }
    for pair in editions.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let overlap = a.valid_to.is_none_or(|to| to >= b.valid_from);
        if overlap {
            let until = a
                .valid_to
                .map(|d| d.to_string())
                .unwrap_or_else(|| "…".into());
            problems.push(
                Problem::error(
                    "overlap",
                    &a.file,
                    Text::new(
                        format!(
                            "hiệu lực của danh sách «{}» ({} – {until}) chồng lên danh sách «{}» (từ {}, {})",
                            a.id, a.valid_from, b.id, b.valid_from, b.file
                        ),
                        format!(
                            "list «{}» ({} – {until}) overlaps list «{}» (from {}, {})",
                            a.id, a.valid_from, b.id, b.valid_from, b.file
                        ),
                    ),
                )
                .at(a.valid_to_line, None)
                .expected(Text::new(
                    format!("valid_to trước {}", b.valid_from),
                    format!("valid_to before {}", b.valid_from),
                )),
            );
        }
    }
}

/// A conversion joins two loaded editions; every former unit and every new unit is in it, under the same
/// name and type as in its list.
fn check_conversion(
    c: &Conversion,
    refs: &Refs,
    editions: &[Edition],
    problems: &mut Vec<Problem>,
) {
    let find = |id: &str, line: usize, problems: &mut Vec<Problem>| -> Option<usize> {
        let i = editions.iter().position(|e| e.id == id);
        if i.is_none() {
            let ids = editions
                .iter()
                .map(|e| format!("«{}»", e.id))
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(
                Problem::error(
                    "unknown-edition",
                    &c.file,
                    Text::new(
                        "bảng chuyển đổi nhắc đến một danh sách không có",
                        "the conversion names a list that does not exist",
                    ),
                )
                .at(line, None)
                .found(id.to_string())
                .expected(Text::new(
                    format!("một trong {ids}"),
                    format!("one of {ids}"),
                )),
            );
        }
        i
    };
    let from = find(&c.from, refs.from_line, problems);
    let to = find(&c.to, refs.to_line, problems);
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    if from >= to {
        problems.push(
            Problem::error(
                "bad-order",
                &c.file,
                Text::new(
                    format!(
                        "danh sách «{}» phải có hiệu lực trước danh sách «{}»",
                        c.from, c.to
                    ),
                    format!("list «{}» must come before list «{}»", c.from, c.to),
                ),
            )
            .at(refs.to_line, None),
        );
        return;
    }
    let (old_ed, new_ed) = (&editions[from], &editions[to]);
    let mut olds = HashSet::new();
    let mut news = HashSet::new();
    for l in &c.links {
        olds.insert(l.old.as_str());
        news.insert(l.new.as_str());
        match old_ed.unit(&l.old) {
            None => problems.push(
                Problem::error(
                    "unknown-unit",
                    &c.file,
                    Text::new(
                        format!("đơn vị cũ không có trong danh sách «{}»", old_ed.id),
                        format!("former unit not in list «{}»", old_ed.id),
                    ),
                )
                .at(l.line, None)
                .found(l.old.clone())
                .expected(Text::new(
                    format!("một mã của {}", old_ed.file),
                    format!("a code of {}", old_ed.file),
                )),
            ),
            Some(u) => {
                if u.full_name() != l.old_name || u.district != l.old_district {
                    let listed = format!(
                        "{} ({})",
                        u.full_name(),
                        u.district.as_deref().unwrap_or("—")
                    );
                    problems.push(
                        Problem::error(
                            "name-mismatch",
                            &c.file,
                            Text::new(
                                format!("đơn vị cũ {} khác với danh sách «{}»", l.old, old_ed.id),
                                format!("former unit {} differs from list «{}»", l.old, old_ed.id),
                            ),
                        )
                        .at(l.line, None)
                        .found(format!(
                            "{} ({})",
                            l.old_name,
                            l.old_district.as_deref().unwrap_or("—")
                        ))
                        .expected(Text::new(listed.clone(), listed)),
                    );
                }
            }
        }
        match new_ed.unit(&l.new) {
            None => problems.push(
                Problem::error(
                    "unknown-unit",
                    &c.file,
                    Text::new(
                        format!("đơn vị mới không có trong danh sách «{}»", new_ed.id),
                        format!("new unit not in list «{}»", new_ed.id),
                    ),
                )
                .at(l.line, None)
                .found(l.new.clone())
                .expected(Text::new(
                    format!("một mã của {}", new_ed.file),
                    format!("a code of {}", new_ed.file),
                )),
            ),
            Some(u) if u.full_name() != l.new_name => problems.push(
                Problem::error(
                    "name-mismatch",
                    &c.file,
                    Text::new(
                        format!("đơn vị mới {} khác với danh sách «{}»", l.new, new_ed.id),
                        format!("new unit {} differs from list «{}»", l.new, new_ed.id),
                    ),
                )
                .at(l.line, None)
                .found(l.new_name.clone())
                .expected(Text::new(u.full_name(), u.full_name())),
            ),
            Some(_) => {}
        }
    }
    // No unit disappears in silence: every unit of both lists is in the conversion.
    for (ed, seen, line, vi, en) in [
        (old_ed, &olds, refs.from_line, "đơn vị cũ", "former unit"),
        (new_ed, &news, refs.to_line, "đơn vị mới", "new unit"),
    ] {
        for u in ed.units().filter(|u| !seen.contains(u.code.as_str())) {
            problems.push(
                Problem::error(
                    "unconverted",
                    &c.file,
                    Text::new(
                        format!(
                            "{vi} {} {} ({}, dòng {}) không có trong bảng chuyển đổi",
                            u.code,
                            u.full_name(),
                            ed.file,
                            u.line
                        ),
                        format!(
                            "{en} {} {} ({}, line {}) is missing from the conversion",
                            u.code,
                            u.full_name(),
                            ed.file,
                            u.line
                        ),
                    ),
                )
                .at(line, None)
                .found(u.code.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cx;

    #[test]
    fn a_line_looked_up_is_the_line_counted() {
        let src = "a = 1\n\nđường = \"x\"\n[[unit]]\ncode = \"06235\"\n";
        let cx = Cx {
            file: "f.toml",
            src,
            line_starts: memchr::memchr_iter(b'\n', src.as_bytes())
                .map(|i| i + 1)
                .collect(),
            problems: Vec::new(),
        };
        // Spans start where characters start (and may point past the end).
        let starts = src.char_indices().map(|(i, _)| i);
        for at in starts.chain(src.len()..src.len() + 3) {
            assert_eq!(
                cx.line(at..at),
                crate::diag::line_col(src, at).0,
                "offset {at}"
            );
        }
    }
}
