//! `check` on a terminal (the default format): tables laid out by [`Grid`] for the width they get,
//! coloured by verdict when the terminal shows colour; a unit's indicators grouped under their
//! criterion. What the report says is [`super::document`]'s.

use super::document::Layout;
use crate::report::Style;
use crate::report::grid::{Column, Grid, Tint};

pub(super) struct Terminal;

impl Layout for Terminal {
    fn table(&self, header: Vec<String>, rows: Vec<Vec<String>>, style: &Style) -> String {
        let mut t = Grid::plain(header);
        for r in rows {
            t.push(r.into_iter().map(|c| (c, None)));
        }
        format!("\n{}", t.text(style))
    }

    fn batch(&self, rows: &mut Grid, style: &Style) -> String {
        rows.render(style.width.map(usize::from), style.color)
    }

    fn indicators(
        &self,
        header: &[String],
        rows: Vec<Vec<(String, Option<Tint>)>>,
        style: &Style,
    ) -> String {
        // The criterion heads its indicators on a line of its own.
        let mut cols: Vec<Column> = header.iter().map(|h| Column::new(h).wrap()).collect();
        if let Some(first) = header.first() {
            cols[0] = Column::new(first).group();
        }
        let mut t = Grid::new(cols).auto();
        for row in rows {
            t.push(row);
        }
        t.text(style)
    }

    fn title(&self, title: &str) -> String {
        format!("{title}\n{}\n", "=".repeat(title.chars().count()))
    }

    fn heading(&self, head: &str) -> String {
        head.to_string()
    }
}
