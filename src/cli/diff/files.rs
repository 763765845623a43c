//! The years of the files of a comparison, said to the user: which years a file holds (commune or
//! district file, [`Scope`] says which), and why a side has no row. Reading is
//! `ntm::pipeline::diff`.

use std::collections::BTreeSet;
use std::path::Path;

use ntm::exit;
use ntm::i18n::Text;
use ntm::input::files::Expect;
use ntm::pipeline::diff::{Scope, Years, years_in};

use super::super::Ctx;
use super::usage;

/// The years a file holds, or the exit code after saying why there are none.
/// `read`: the file's years already read, if they were.
pub(super) fn years_found(
    ctx: &Ctx,
    path: &Path,
    scope: Scope,
    read: Option<Years>,
) -> Result<BTreeSet<i32>, i32> {
    ctx.inputs(&[(path, Expect::File)])?;
    let (ys, errors) = read.unwrap_or_else(|| years_in(path, scope));
    if ys.is_empty() {
        ctx.report(&errors);
        if errors.is_empty() {
            let p = path.display();
            ctx.error(
                &format!("{p}: không có dòng dữ liệu nào"),
                &format!("{p}: no data row"),
            );
        }
        return Err(exit::DATA);
    }
    Ok(ys)
}

pub(super) fn list(years: &BTreeSet<i32>) -> String {
    let ys: Vec<String> = years.iter().map(i32::to_string).collect();
    ys.join(", ")
}

/// No row of `year` in a readable file: say which years it holds.
pub(super) fn no_rows(ctx: &Ctx, scope: Scope, file: &str, year: i32) -> i32 {
    match years_found(ctx, Path::new(file), scope, None) {
        Ok(ys) => usage(
            ctx,
            &Text::new(
                format!("{file}: không có dòng nào năm {year} (có: {})", list(&ys)),
                format!("{file}: no row of year {year} (there are: {})", list(&ys)),
            ),
        ),
        Err(code) => code,
    }
}
