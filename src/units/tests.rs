//! Tests on the bundled data (the facts an official can check) and on broken copies of it.

use std::path::Path;

use super::*;
use crate::i18n::Lang;

fn units() -> Units {
    match Units::bundled() {
        Ok(u) => u,
        Err(p) => panic!(
            "bundled units do not load:\n{}",
            p.iter()
                .map(|p| p.render(Lang::En))
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

const BEFORE: &str = "2024-12-01";
const AFTER: &str = "2025-07-01";

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

#[test]
fn bundled_data_has_the_two_lists_and_their_conversion() {
    let u = units();
    let ids: Vec<&str> = u.editions.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [BEFORE, AFTER]);
    let before = u.edition(BEFORE).unwrap();
    assert_eq!(before.valid_from, date("2024-12-01"));
    assert_eq!(before.valid_to, Some(date("2025-06-30")));
    assert_eq!(before.province_code, "20");
    let after = u.edition(AFTER).unwrap();
    assert_eq!(after.valid_to, None);
    let c = u.conversion_to(AFTER).unwrap();
    assert_eq!((c.from.as_str(), c.to.as_str()), (BEFORE, AFTER));
    assert!(u.conversion_from(BEFORE).is_some());
    // Every file records where it came from.
    for g in u
        .editions
        .iter()
        .map(|e| e.generated.as_ref())
        .chain([c.generated.as_ref()])
    {
        let g = g.expect("generated");
        assert_eq!(g.package, "vietnamadminunits");
        assert!(!g.package_version.is_empty());
    }
}

#[test]
fn before_the_merger_194_units_in_11_districts() {
    let u = units();
    let e = u.edition(BEFORE).unwrap();
    assert_eq!(e.districts.len(), 11);
    assert!(e.province_units.is_empty());
    assert_eq!(e.count(KindFilter::All), 194);
    assert_eq!(e.count(KindFilter::Xa), 175);
    let tt = e.units().filter(|u| u.kind == UnitKind::ThiTran).count();
    let p = e.units().filter(|u| u.kind == UnitKind::Phuong).count();
    assert_eq!((tt, p), (14, 5));
    assert_eq!(e.count(KindFilter::Urban), 19);
}

#[test]
fn cao_loc_has_2_thi_tran_and_20_xa_before_the_merger() {
    let u = units();
    let e = u.edition(BEFORE).unwrap();
    let cl = e.district("183").unwrap();
    assert_eq!(cl.full_name(), "Huyện Cao Lộc");
    assert_eq!(cl.kind, DistrictKind::Huyen);
    assert_eq!(cl.count(KindFilter::Xa), 20);
    assert_eq!(cl.count(KindFilter::All), 22);
    let mut towns: Vec<String> = cl
        .communes(KindFilter::Urban)
        .map(Unit::full_name)
        .collect();
    towns.sort();
    assert_eq!(towns, ["Thị trấn Cao Lộc", "Thị trấn Đồng Đăng"]);
    assert!(
        cl.communes(KindFilter::Xa)
            .all(|u| u.kind == UnitKind::Xa && u.district.as_deref() == Some("183"))
    );
}

#[test]
fn code_06475_was_gia_loc_and_is_bang_mac() {
    let u = units();
    let before = u.edition(BEFORE).unwrap();
    let gl = before.unit("06475").unwrap();
    assert_eq!(gl.full_name(), "Xã Gia Lộc");
    assert_eq!(
        before.district_of("06475").unwrap().full_name(),
        "Huyện Chi Lăng"
    );
    let after = u.edition(AFTER).unwrap();
    let bm = after.unit("06475").unwrap();
    assert_eq!(bm.full_name(), "Xã Bằng Mạc");
    assert_eq!(bm.district, None);
    assert!(after.district_of("06475").is_none());
}

#[test]
fn bang_mac_was_formed_from_exactly_four_communes() {
    let u = units();
    let c = u.conversion_to(AFTER).unwrap();
    let mut olds: Vec<(&str, &str, bool)> = c
        .olds_of("06475")
        .iter()
        .map(|l| (l.old.as_str(), l.old_name.as_str(), l.part))
        .collect();
    olds.sort();
    assert_eq!(
        olds,
        [
            ("06475", "Xã Gia Lộc", false),
            ("06487", "Xã Bằng Hữu", false),
            ("06490", "Xã Thượng Cường", false),
            ("06493", "Xã Bằng Mạc", false),
        ]
    );
    // And each of them went wholly into Bằng Mạc.
    for (old, _, _) in olds {
        let new: Vec<&str> = c.new_of(old).iter().map(|l| l.new.as_str()).collect();
        assert_eq!(new, ["06475"], "{old}");
    }
}

#[test]
fn after_the_merger_65_units_61_xa_4_phuong_no_district() {
    let u = units();
    let e = u.edition(AFTER).unwrap();
    assert!(e.districts.is_empty());
    assert_eq!(e.count(KindFilter::All), 65);
    assert_eq!(e.count(KindFilter::Xa), 61);
    assert_eq!(e.units().filter(|u| u.kind == UnitKind::Phuong).count(), 4);
    assert!(e.units().all(|u| u.kind != UnitKind::ThiTran));
}

#[test]
fn divided_communes_go_in_parts_to_several_new_units() {
    let u = units();
    let c = u.conversion_to(AFTER).unwrap();
    let mut divided: Vec<&str> = c
        .links
        .iter()
        .filter(|l| l.part)
        .map(|l| l.old.as_str())
        .collect();
    divided.sort();
    divided.dedup();
    assert_eq!(divided, ["06079", "06622", "06625"]);
    let bx = c.new_of("06622");
    assert!(c.is_divided("06622"));
    assert_eq!(bx.len(), 2);
    assert!(bx.iter().all(|l| l.part && l.old_name == "Xã Bính Xá"));
    assert_eq!(
        bx.iter()
            .filter(|l| l.package_default == Some(true))
            .count(),
        1
    );
    assert!(!c.is_divided("06475"));
    // 194 former units, 3 of them in two parts.
    assert_eq!(c.links.len(), 194 + 3);
    assert_eq!(c.new_of("99999").len(), 0);
}

#[test]
fn only_the_checked_new_units_are_marked_verified() {
    let u = units();
    let c = u.conversion_to(AFTER).unwrap();
    let mut verified: Vec<&str> = c
        .links
        .iter()
        .filter(|l| l.verified)
        .map(|l| l.new.as_str())
        .collect();
    verified.dedup();
    assert_eq!(verified, ["06529", "06541"]);
    assert!(
        c.links
            .iter()
            .filter(|l| l.verified)
            .all(|l| l.source.as_deref().is_some_and(|s| s.contains("1672")))
    );
    assert!(!c.verified);
}

#[test]
fn the_list_for_a_date_or_a_year() {
    let u = units();
    assert_eq!(u.edition_at(date("2025-06-30")).unwrap().id, BEFORE);
    assert_eq!(u.edition_at(date("2025-07-01")).unwrap().id, AFTER);
    assert_eq!(u.edition_at(date("2031-01-01")).unwrap().id, AFTER);
    assert!(u.edition_at(date("2024-11-30")).is_none());

    let y2025: Vec<(&str, Fit)> = u
        .editions_for_year(2025)
        .iter()
        .map(|p| (p.edition.id.as_str(), p.fit))
        .collect();
    assert_eq!(y2025, [(BEFORE, Fit::InForce), (AFTER, Fit::InForce)]);
    let y2024 = u.edition_for_year(2024).unwrap();
    assert_eq!(
        (y2024.edition.id.as_str(), y2024.fit),
        (BEFORE, Fit::InForce)
    );
    // Before every list: the first one, marked as a list of a later date.
    let y2022 = u.edition_for_year(2022).unwrap();
    assert_eq!(
        (y2022.edition.id.as_str(), y2022.fit),
        (BEFORE, Fit::Earlier)
    );
    assert_eq!(u.edition_for_year(2026).unwrap().edition.id, AFTER);
}

#[test]
fn codes_near_a_mistyped_one() {
    let u = units();
    let before = u.edition(BEFORE).unwrap();
    // Excel dropped the leading zero.
    let found: Vec<&str> = before
        .nearest_by_code("6475")
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    assert_eq!(found, ["06475"]);
    // Two digits swapped.
    assert!(before.unit("06745").is_none());
    let near: Vec<&str> = before
        .nearest_by_code("06745")
        .iter()
        .map(|u| u.code.as_str())
        .collect();
    assert!(near.contains(&"06475"), "{near:?}");
    assert!(
        near.iter()
            .all(|c| strsim::damerau_levenshtein(c, "06745") == 1)
    );
    assert!(before.nearest_by_code("").is_empty());
    assert!(before.nearest_by_code("abcdefgh").is_empty());
}

#[test]
fn names_near_one_written_without_diacritics() {
    let u = units();
    let after = u.edition(AFTER).unwrap();
    let found = after.nearest_by_name("xa bang mac", 3);
    assert_eq!(found[0].0.code, "06475");
    assert_eq!(found[0].1, 1.0);
    // A slip of one letter still finds it.
    let found = after.nearest_by_name("Bàng Mạt", 3);
    assert_eq!(found[0].0.full_name(), "Xã Bằng Mạc");
    assert!(found[0].1 < 1.0);
    assert!(after.nearest_by_name("zzzzzz", 3).is_empty());
    assert!(after.nearest_by_name("Bằng Mạc", 0).is_empty());
}

#[test]
fn names_compared_exactly_with_or_without_type() {
    let u = units();
    let before = u.edition(BEFORE).unwrap();
    let codes = |name: &str| -> Vec<String> {
        let mut c: Vec<String> = before
            .units_named(name)
            .iter()
            .map(|u| u.code.clone())
            .collect();
        c.sort();
        c
    };
    assert_eq!(codes("xã Gia Lộc"), ["06475"]);
    assert_eq!(codes("  GIA   LỘC "), ["06475"]);
    assert!(codes("thị trấn Gia Lộc").is_empty());
    // Diacritics matter in an exact comparison.
    assert!(codes("Gia Loc").is_empty());
    // Several units share a name: four Xã Hòa Bình in four districts.
    let hb = before.units_named("Xã Hòa Bình");
    assert_eq!(hb.len(), 4);
    let mut districts: Vec<&str> = hb.iter().filter_map(|u| u.district.as_deref()).collect();
    districts.sort();
    districts.dedup();
    assert_eq!(districts.len(), 4);
    // Chi Lăng is a thị trấn and a xã of huyện Chi Lăng, and a phường of the city.
    assert_eq!(codes("Chi Lăng").len(), 4);
    assert_eq!(codes("TT Chi Lăng"), ["06466"]);
}

#[test]
fn dates_are_checked() {
    assert_eq!(Date::parse("2024-02-29"), Date::new(2024, 2, 29));
    assert!(Date::parse("2025-02-29").is_none());
    assert!(Date::parse("2025-7-1").is_none());
    assert!(Date::new(2025, 13, 1).is_none());
    assert_eq!(date("2025-07-01").vi(), "01/07/2025");
    assert_eq!(date("2025-07-01").to_string(), "2025-07-01");
}

// ------------------------------------------------------------------ broken copies of the data

/// The bundled files, as (name, text).
fn bundled_files() -> Vec<(String, String)> {
    let dir = BUNDLED.get_dir(BUNDLED_PROVINCE).unwrap();
    let mut v: Vec<(String, String)> = dir
        .files()
        .map(|f| {
            (
                f.path().file_name().unwrap().to_string_lossy().into_owned(),
                f.contents_utf8().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Load a copy of the bundled files with `edit` applied to the one named `name`.
fn load_edited(name: &str, edit: impl Fn(&str) -> String) -> (tempfile::TempDir, Vec<Problem>) {
    let dir = tempfile::tempdir().unwrap();
    let mut edited = false;
    for (n, text) in bundled_files() {
        let text = if n == name {
            edited = true;
            let t = edit(&text);
            assert_ne!(t, text, "the edit changed nothing");
            t
        } else {
            text
        };
        std::fs::write(dir.path().join(&n), text).unwrap();
    }
    assert!(edited, "no file {name}");
    let problems = match Units::from_dir(dir.path()) {
        Ok(_) => Vec::new(),
        Err(p) => p,
    };
    (dir, problems)
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn file_text(name: &str) -> String {
    bundled_files()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap()
        .1
}

#[test]
fn an_unedited_copy_loads_from_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    for (n, text) in bundled_files() {
        std::fs::write(dir.path().join(n), text).unwrap();
    }
    let u = Units::from_dir(dir.path()).unwrap();
    assert_eq!(u.editions.len(), 2);
    assert!(u.editions[0].file.ends_with("2024-12-01.toml"));
}

#[test]
fn a_bad_code_is_located_with_what_was_found_and_expected() {
    let name = "2024-12-01.toml";
    let needle = r#"{ code = "06475""#;
    let (_d, p) = load_edited(name, |t| t.replace(needle, r#"{ code = "6475""#));
    let bad: Vec<&Problem> = p.iter().filter(|p| p.kind == "bad-code").collect();
    assert_eq!(bad.len(), 1, "{p:#?}");
    assert!(bad[0].file.ends_with(name));
    assert_eq!(bad[0].line, Some(line_of(&file_text(name), needle)));
    assert_eq!(bad[0].found.as_deref(), Some("6475"));
    let rendered = bad[0].render(Lang::Vi);
    assert!(rendered.contains("5 chữ số"), "{rendered}");
    assert!(bad[0].render(Lang::En).contains("5 digits"));
}

#[test]
fn a_misspelled_key_is_refused_at_its_line() {
    let name = "2025-07-01.toml";
    let (_d, p) = load_edited(name, |t| t.replacen("valid_from", "valid_form", 1));
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, "unknown-key");
    assert_eq!(p[0].line, Some(line_of(&file_text(name), "valid_from")));
    assert_eq!(p[0].found.as_deref(), Some("valid_form"));
    assert!(
        p[0].render(Lang::Vi)
            .contains("Có phải ý bạn là «valid_from»?")
    );
    assert!(p[0].render(Lang::En).contains("valid_to"));
}

#[test]
fn an_unknown_type_lists_the_allowed_ones() {
    let name = "2025-07-01.toml";
    let (_d, p) = load_edited(name, |t| {
        t.replacen(
            r#"type = "xã", name = "Bằng Mạc""#,
            r#"type = "xa", name = "Bằng Mạc""#,
            1,
        )
    });
    let bad: Vec<&Problem> = p.iter().filter(|p| p.kind == "bad-type").collect();
    assert_eq!(bad.len(), 1, "{p:#?}");
    assert_eq!(bad[0].found.as_deref(), Some("xa"));
    assert!(
        bad[0]
            .render(Lang::Vi)
            .contains("«xã», «phường», «thị trấn»")
    );
}

#[test]
fn a_duplicate_code_names_the_first_line() {
    let name = "2025-07-01.toml";
    let text = file_text(name);
    let (_d, p) = load_edited(name, |t| {
        t.replacen(r#"{ code = "06481""#, r#"{ code = "06475""#, 1)
    });
    let dup: Vec<&Problem> = p.iter().filter(|p| p.kind == "duplicate-code").collect();
    assert_eq!(dup.len(), 1, "{p:#?}");
    let first = line_of(&text, r#"{ code = "06475""#);
    assert!(dup[0].render(Lang::En).contains(&format!("line {first}")));
}

#[test]
fn a_unit_left_out_of_the_conversion_is_reported() {
    let name = "conversion-2025-07-01.toml";
    let row = r#"  { code = "06487", type = "xã", name = "Bằng Hữu", district = "187" },"#;
    assert!(file_text(name).contains(row));
    let (_d, p) = load_edited(name, |t| t.replace(&format!("{row}\n"), ""));
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, "unconverted");
    assert_eq!(p[0].found.as_deref(), Some("06487"));
    assert!(p[0].line.is_some());
    assert!(p[0].render(Lang::Vi).contains("Xã Bằng Hữu"));
}

#[test]
fn a_name_differing_from_the_list_is_reported() {
    let name = "conversion-2025-07-01.toml";
    let (_d, p) = load_edited(name, |t| {
        t.replace(
            r#"{ code = "06475", type = "xã", name = "Gia Lộc""#,
            r#"{ code = "06475", type = "xã", name = "Gia Loc""#,
        )
    });
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, "name-mismatch");
    assert!(p[0].render(Lang::En).contains("Xã Gia Lộc (187)"));
}

#[test]
fn a_divided_unit_must_be_part_everywhere() {
    let name = "conversion-2025-07-01.toml";
    // Bính Xá's share of Đình Lập loses its part flag: once whole, once in part.
    let (_d, p) = load_edited(name, |t| {
        t.replacen(
            r#"name = "Bính Xá", district = "189", part = true, package_default = true"#,
            r#"name = "Bính Xá", district = "189""#,
            1,
        )
    });
    let bad: Vec<&Problem> = p.iter().filter(|p| p.kind == "bad-division").collect();
    assert_eq!(bad.len(), 1, "{p:#?}");
    assert_eq!(bad[0].found.as_deref(), Some("06622"));
}

#[test]
fn overlapping_lists_are_refused() {
    let name = "2024-12-01.toml";
    let (_d, p) = load_edited(name, |t| {
        t.replace("valid_to = 2025-06-30", "valid_to = 2025-07-01")
    });
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, "overlap");
    assert_eq!(
        p[0].line,
        Some(line_of(&file_text(name), "valid_to = 2025-06-30"))
    );
}

#[test]
fn a_conversion_to_a_missing_list_is_refused() {
    let name = "conversion-2025-07-01.toml";
    let (_d, p) = load_edited(name, |t| {
        t.replace(r#"to = "2025-07-01""#, r#"to = "2025-07-02""#)
    });
    assert_eq!(p.len(), 1, "{p:#?}");
    assert_eq!(p[0].kind, "unknown-edition");
    assert_eq!(p[0].found.as_deref(), Some("2025-07-02"));
    assert_eq!(
        p[0].line,
        Some(line_of(&file_text(name), r#"to = "2025-07-01""#))
    );
}

#[test]
fn verified_without_a_source_is_refused() {
    let name = "2025-07-01.toml";
    let (_d, p) = load_edited(name, |t| {
        t.replacen(
            "source = \"https://news.laodong.vn",
            "source = \"\" # https://news.laodong.vn",
            1,
        )
    });
    assert!(p.iter().any(|p| p.kind == "unsourced"), "{p:#?}");
}

#[test]
fn a_folder_without_toml_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = Units::from_dir(dir.path()).unwrap_err();
    assert_eq!(p[0].kind, "no-units");
    let p = Units::from_dir(Path::new("/nonexistent/units")).unwrap_err();
    assert_eq!(p[0].kind, "io");
}

#[test]
fn garbage_is_refused_without_panicking() {
    for text in [
        "",
        "schema = 1",
        "[edition]\nid = 1",
        "schema = 2\n[conversion]\nid = \"x\"\nfrom = \"a\"\nto = \"b\"\nverified = false",
        "\u{0}\u{1}",
        "schema = 1\n[edition]\nid = \"x\"\nname = \"x\"\nvalid_from = 2025-02-30\nverified = false",
        "schema = 1\n[edition]\nid = \"x\"\nname = \"x\"\nvalid_from = 2025-02-01T10:00:00\nverified = false\n[province]\ncode = \"20\"\ntype = \"tỉnh\"\nname = \"X\"\nunits = []",
    ] {
        let r = load::load_units("test", &[("x.toml".to_string(), text.to_string())]);
        let p = r.expect_err(text);
        assert!(!p.is_empty());
        assert!(p.iter().all(|p| p.file == "x.toml" || p.file == "test"));
    }
}
