//! The dashboard page: server-rendered HTML with inline SVG charts, no script.

use crate::analytics::report::{FunnelBy, ReportQuery, Table};

/// Everything the dashboard page shows.
#[derive(Debug)]
pub struct DashboardData<'a> {
    /// The signed-in account.
    pub user: &'a str,
    /// The session's CSRF token, for the page's forms (logout, site and date pickers).
    pub csrf: &'a str,
    /// Every configured site's name, for the site picker.
    pub sites: &'a [String],
    /// The site, days and k shown.
    pub query: &'a ReportQuery,
    /// [`crate::analytics::report::summary`]'s answer.
    pub summary: &'a serde_json::Value,
    /// Every table of [`crate::analytics::report::TABLES`], `funnel-by` split by `funnel_by`.
    pub tables: &'a [Table],
    /// What the banner-answers-by table is split by.
    pub funnel_by: FunnelBy,
}

/// The page's stylesheet, served at `/__consentry/admin/style.css`.
pub const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2rem}";

/// A whole admin page around `body` (already HTML): head, stylesheet link, and a header
/// naming the signed-in user with a logout form when `user` is `(name, csrf)`.
pub fn layout(title: &str, user: Option<(&str, &str)>, body: &str) -> String {
    let title = consentry_banner::escape_html(title);
    let header = match user {
        Some((name, csrf)) => format!(
            "<header><span>{}</span><form method=\"post\" action=\"/__consentry/admin/logout\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button>Sign out</button></form></header>",
            consentry_banner::escape_html(name),
            consentry_banner::escape_html(csrf)
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/__consentry/admin/style.css\"></head>\
         <body>{header}<main>{body}</main></body></html>"
    )
}

/// The dashboard page.
pub fn render(data: &DashboardData<'_>) -> String {
    let mut body = String::new();
    for table in data.tables {
        body.push_str(&format!(
            "<h2>{}</h2>",
            consentry_banner::escape_html(table.title)
        ));
    }
    layout("Consentry dashboard", Some((data.user, data.csrf)), &body)
}
