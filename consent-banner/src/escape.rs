//! HTML escaping that also keeps the output ASCII.

use std::fmt::Write;

/// Escapes text for an HTML text node or a double-quoted attribute value, writing every
/// non-ASCII character as a numeric character reference.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_ascii() => out.push(c),
            c => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_non_ascii() {
        assert_eq!(
            escape_html("<a href=\"x\">'é'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&#233;&#39;&lt;/a&gt;"
        );
    }
}
