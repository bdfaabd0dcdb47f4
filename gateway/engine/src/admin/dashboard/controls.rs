//! The pickers: site and dates (a GET form, so it works without script), quick ranges,
//! and what the banner answers are split by. Links and forms only reload this page.

use consentry_banner::escape_html as esc;

use super::links::{by_name, by_title, Filter, ALL_BY, PAGE};
use crate::analytics::report::date_of;

/// The quick ranges, ending today.
const RANGES: [u32; 3] = [7, 30, 90];

/// The site and date form, then the quick ranges.
pub(super) fn filters(sites: &[String], filter: Filter<'_>, today: u32) -> String {
    let mut html = format!(
        "<form class=\"filters\" method=\"get\" action=\"{PAGE}\" aria-label=\"Site and dates\">\
         <div class=\"field\"><label for=\"f-site\">Site</label><select id=\"f-site\" name=\"site\">"
    );
    let mut listed = false;
    for site in sites {
        let selected = site == filter.site;
        listed |= selected;
        html.push_str(&option(site, selected));
    }
    if !listed {
        html.push_str(&option(filter.site, true));
    }
    let today = date_of(today);
    html.push_str(&format!(
        "</select></div>\
         <div class=\"field\"><label for=\"f-from\">From</label>\
         <input type=\"date\" id=\"f-from\" name=\"from\" value=\"{}\" max=\"{today}\" required></div>\
         <div class=\"field\"><label for=\"f-to\">To</label>\
         <input type=\"date\" id=\"f-to\" name=\"to\" value=\"{}\" max=\"{today}\" required></div>\
         <input type=\"hidden\" name=\"by\" value=\"{}\">\
         <button type=\"submit\">Show</button></form>",
        date_of(filter.from_day),
        date_of(filter.to_day),
        by_name(filter.by),
    ));
    html
}

fn option(site: &str, selected: bool) -> String {
    format!(
        "<option value=\"{0}\"{1}>{0}</option>",
        esc(site),
        if selected { " selected" } else { "" }
    )
}

/// Links to the last 7, 30 and 90 days up to `today`, the current one marked.
pub(super) fn ranges(filter: Filter<'_>, today: u32) -> String {
    let mut html = String::from("<nav class=\"ranges\" aria-label=\"Quick date ranges\"><ul>");
    for days in RANGES {
        let from = today.saturating_sub(days - 1);
        let current = filter.from_day == from && filter.to_day == today;
        html.push_str(&format!(
            "<li><a href=\"{}\"{}>Last {days} days</a></li>",
            esc(&filter.page_for(from, today)),
            if current {
                " aria-current=\"page\""
            } else {
                ""
            }
        ));
    }
    html.push_str("</ul></nav>");
    html
}

/// Links that split the banner answers by day, country, language, policy version or regime.
pub(super) fn by_picker(filter: Filter<'_>) -> String {
    let mut html = String::from(
        "<nav class=\"tabs\" aria-label=\"Split banner answers by\"><span class=\"tabs-label\" \
         aria-hidden=\"true\">Split by</span><ul>",
    );
    for by in ALL_BY {
        let title = by_title(by);
        let mut name = title.to_owned();
        if let Some(first) = name.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        html.push_str(&format!(
            "<li><a href=\"{}#funnel-by\"{}>{}</a></li>",
            esc(&filter.page(by)),
            if by == filter.by {
                " aria-current=\"true\""
            } else {
                ""
            },
            esc(&name)
        ));
    }
    html.push_str("</ul></nav>");
    html
}
