//! What the HTML documents of ntm share: text escaped for HTML. The `check` report is
//! [`super::check::html`], the comparison [`super::diff`]'s.

/// Escape text for HTML (element content and quoted attribute values).
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
