//! `check --format md`: the text report in Markdown: pipe tables, the unit's title and its sets as
//! headings. What the report says is [`super::document`]'s.

use super::document::Layout;
use crate::report::grid::{Grid, Tint};
use crate::report::{Style, md_table};

pub(super) struct Markdown;

impl Layout for Markdown {
    fn table(&self, header: Vec<String>, rows: Vec<Vec<String>>, _style: &Style) -> String {
        format!("\n{}", md_table(&header, &rows))
    }

    fn batch(&self, rows: &mut Grid, _style: &Style) -> String {
        rows.markdown()
    }

    fn indicators(
        &self,
        header: &[String],
        rows: Vec<Vec<(String, Option<Tint>)>>,
        _style: &Style,
    ) -> String {
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| r.into_iter().map(|(c, _)| c).collect())
            .collect();
        md_table(header, &rows)
    }

    fn title(&self, title: &str) -> String {
        format!("## {title}\n\n")
    }

    fn heading(&self, head: &str) -> String {
        format!("### {head}")
    }
}
