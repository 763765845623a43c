//! Writes the seeds of the `xlsx` fuzz target to `seeds/xlsx/` (run from `fuzz/`:
//! `cargo +nightly run --example xlsx_seeds`): the workbooks of `workbooks.rs` whole, and, for the part mode,
//! each part of the template (and the sheet of each workbook) behind the byte that selects it.

use std::io::{Cursor, Read};
use std::path::Path;

use ntm::criteria::catalog::Catalog;
use ntm::criteria::{Schema, Version};
use ntm::i18n::Lang;
use ntm::input::Layout;
use ntm::input::table::{ReadOptions, Reader, RowRead};

#[path = "../fuzz_targets/workbooks.rs"]
mod workbooks;

fn part(book: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(book)).ok()?;
    let mut entry = zip.by_name(name).ok()?;
    let mut data = Vec::new();
    entry.read_to_end(&mut data).ok()?;
    Some(data)
}

/// What ntm reads of a seed workbook: rows read, and the problems (so that each seed is seen to
/// reach what it is for).
fn summary(path: &Path) {
    let catalog = Catalog::bundled().expect("the bundled criteria load");
    let version = &catalog.versions[0];
    let used = Version::columns_of(&version.commune_chain());
    let schema = Schema::of(version);
    let keep = |_: usize, _: &str, _: &str, _: i32| true;
    let options = ReadOptions::default();
    let mut reader = Reader::open(path, &options, &schema, Layout::COMMUNE, &used, &keep);
    let mut problems: Vec<String> = reader
        .head
        .problems
        .iter()
        .map(|p| p.render(Lang::En))
        .collect();
    let (mut rows, mut read) = (0, RowRead::default());
    while reader.read_into(&mut read) {
        rows += usize::from(read.row().is_some());
        problems.extend(read.problems.iter().map(|p| p.render(Lang::En)));
    }
    println!("{}: {rows} rows read", path.display());
    for p in problems {
        println!("    {p}");
    }
}

fn main() -> std::io::Result<()> {
    let dir = Path::new("seeds/xlsx");
    std::fs::create_dir_all(dir)?;
    let seeds = workbooks::seeds();
    for (name, book) in &seeds {
        std::fs::write(dir.join(name), book)?;
        summary(&dir.join(name));
    }
    // Part mode: the first byte picks the part (its index in PARTS).
    let (_, template) = &seeds[0];
    for (k, name) in workbooks::PARTS.iter().enumerate() {
        let text = part(template, name).expect("the template has every part");
        let file = name.rsplit('/').next().unwrap_or(name);
        let mut seed = vec![k as u8];
        seed.extend_from_slice(&text);
        std::fs::write(dir.join(format!("part-{file}")), seed)?;
    }
    for (book_name, book) in &seeds[1..] {
        if let Some(text) = part(book, workbooks::PARTS[0]) {
            let mut seed = vec![0u8];
            seed.extend_from_slice(&text);
            let stem = book_name.trim_end_matches(".xlsx");
            std::fs::write(dir.join(format!("part-sheet1-{stem}.xml")), seed)?;
        }
    }
    Ok(())
}
