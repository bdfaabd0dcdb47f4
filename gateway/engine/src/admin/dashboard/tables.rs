//! Report tables as HTML: numbers right-aligned with thousands separators, rates as
//! percentages, hidden cells as a dash that says why.

use consentry_banner::escape_html as esc;
use serde_json::Value;

use super::format::{self, Kind};
use crate::analytics::report::Table;

/// How one table is shown.
#[derive(Debug, Clone, Copy)]
pub(super) struct Options<'a> {
    /// Columns left out on the page (the CSV keeps them).
    pub(super) skip: &'a [&'a str],
    /// At most this many rows; a note points to the CSV for the rest.
    pub(super) limit: usize,
    /// The table's heading; the scrolling region is named after it.
    pub(super) title: &'a str,
}

/// A hidden cell's explanation.
pub(super) fn hidden_title(k: u32) -> String {
    format!("Hidden: fewer than {k} visitors, so no one can be singled out (k-anonymity)")
}

/// A hidden value: a dash with its reason, and words for screen readers.
pub(super) fn hidden(k: u32) -> String {
    format!(
        "<span class=\"hidden\" title=\"{}\"><span aria-hidden=\"true\">—</span>\
         <span class=\"vh\">hidden, fewer than {k} visitors</span></span>",
        esc(&hidden_title(k))
    )
}

/// The page views by consent state: grouped under one heading, each with a short one.
const CONSENT_SPLIT: [(&str, &str); 3] = [
    ("granted", "Granted"),
    ("denied", "Declined"),
    ("undecided", "No answer"),
];

/// A column as shown.
struct Shown<'t> {
    index: usize,
    key: &'t str,
    title: &'t str,
    /// Text (left-aligned) rather than numbers (right-aligned); the first column is the
    /// row's label.
    text: bool,
    kind: Kind,
}

fn th(column: &Shown<'_>, attributes: &str, title: &str) -> String {
    let class = if column.text { "" } else { " class=\"num\"" };
    format!("<th scope=\"col\"{class}{attributes}>{}</th>", esc(title))
}

/// The header: one row, or two when the page views are split by consent state (the
/// three columns side by side under "Page views by analytics consent").
fn head(columns: &[Shown<'_>]) -> String {
    let split = columns.windows(3).position(|w| {
        w.iter()
            .zip(CONSENT_SPLIT)
            .all(|(column, (key, _))| column.key == key)
    });
    let mut html = String::from("<thead><tr>");
    match split {
        None => {
            for column in columns {
                html.push_str(&th(column, "", column.title));
            }
        }
        Some(at) => {
            for (n, column) in columns.iter().enumerate() {
                if n == at {
                    html.push_str(
                        "<th scope=\"colgroup\" colspan=\"3\" class=\"group\">\
                         Page views by analytics consent</th>",
                    );
                } else if !(at..at + 3).contains(&n) {
                    html.push_str(&th(column, " rowspan=\"2\"", column.title));
                }
            }
            html.push_str("</tr><tr>");
            for (column, (_, short)) in columns[at..at + 3].iter().zip(CONSENT_SPLIT) {
                html.push_str(&th(column, "", short));
            }
        }
    }
    html.push_str("</tr></thead>");
    html
}

/// A column is text when any of its values is a string.
fn is_text(table: &Table, column: usize) -> bool {
    table
        .rows
        .iter()
        .any(|row| matches!(row.get(column), Some(Value::String(_))))
}

/// The table in a scrolling region, or a sentence when it has no rows.
pub(super) fn render(table: &Table, k: u32, options: Options<'_>) -> String {
    if table.rows.is_empty() {
        return format!(
            "<p class=\"empty\">Nothing to show for these days. Rows with fewer than {k} \
             visitors are left out or folded into “(other)”.</p>"
        );
    }
    let columns: Vec<Shown<'_>> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !options.skip.contains(&c.key))
        .map(|(i, c)| Shown {
            index: i,
            key: c.key,
            title: c.title,
            text: i == 0 || is_text(table, i),
            kind: Kind::of_key(c.key),
        })
        .collect();
    let mut html = format!(
        "<div class=\"table-wrap\" role=\"region\" tabindex=\"0\" aria-label=\"{}, table\"><table>",
        esc(options.title)
    );
    html.push_str(&head(&columns));
    html.push_str("<tbody>");
    for row in table.rows.iter().take(options.limit) {
        html.push_str("<tr>");
        for (n, column) in columns.iter().enumerate() {
            let value = row.get(column.index).unwrap_or(&Value::Null);
            let content = match format::value(value, column.kind) {
                Some(shown) => esc(&shown),
                None => hidden(k),
            };
            let (tag, scope) = if n == 0 {
                ("th", " scope=\"row\"")
            } else {
                ("td", "")
            };
            let class = if column.text { "" } else { " class=\"num\"" };
            html.push_str(&format!("<{tag}{scope}{class}>{content}</{tag}>"));
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></div>");
    if table.rows.len() > options.limit {
        html.push_str(&format!(
            "<p class=\"more\">The first {} of {} rows; the CSV has them all.</p>",
            format::thousands(options.limit as u64),
            format::thousands(table.rows.len() as u64)
        ));
    }
    html
}
