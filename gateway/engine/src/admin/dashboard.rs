//! The dashboard page: server-rendered HTML with inline SVG charts, no script and no
//! inline style (the admin pages' CSP forbids both), every text escaped. The sections
//! follow the report's tables (`crate::analytics::report::TABLES`), each with its CSV.

mod cards;
mod chart;
mod controls;
mod format;
mod links;
mod tables;

use consentry_banner::escape_html as esc;
use serde_json::Value;

use self::chart::{Bar, Day};
use self::links::{by_title, Filter, PAGE};
use crate::analytics::report::{date_of, FunnelBy, ReportQuery, Table};

/// Everything the dashboard page shows.
#[derive(Debug)]
pub struct DashboardData<'a> {
    /// The signed-in account.
    pub user: &'a str,
    /// The session's CSRF token, for the logout form. (The site and date pickers are GET
    /// forms that change nothing; they carry no token, so it never lands in a URL.)
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
    /// Today (UTC), in days since the epoch: the quick ranges ("last 7 days") end here.
    pub today: u32,
}

/// The page's stylesheet, served at `/__consentry/admin/style.css`.
pub const STYLE: &str = include_str!("dashboard/style.css");

/// A whole admin page around `body` (already HTML): head, stylesheet link, and a header
/// naming the signed-in user with a logout form when `user` is `(name, csrf)`.
pub fn layout(title: &str, user: Option<(&str, &str)>, body: &str) -> String {
    let title = esc(title);
    let account = match user {
        Some((name, csrf)) => format!(
            "<a class=\"brand\" href=\"{PAGE}\">Consentry</a>\
             <nav class=\"sections\" aria-label=\"Sections\"><a href=\"{PAGE}\">Analytics</a>\
             <a href=\"{PAGE}/cookies\">Cookies</a><a href=\"{PAGE}/audit\">Audit log</a></nav>\
             <div class=\"account\"><span>Signed in as <strong>{}</strong></span>\
             <form method=\"post\" action=\"/__consentry/admin/logout\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
             <button type=\"submit\" class=\"quiet\">Sign out</button></form></div>",
            esc(name),
            esc(csrf)
        ),
        None => "<span class=\"brand\">Consentry</span>".to_owned(),
    };
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"same-origin\"><link rel=\"icon\" href=\"data:,\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/__consentry/admin/style.css\"></head>\
         <body><a class=\"skip\" href=\"#main\">Skip to content</a>\
         <header class=\"top\"><div class=\"top-in\">{account}</div></header>\
         <main id=\"main\">{body}</main></body></html>"
    )
}

/// The dashboard page.
pub fn render(data: &DashboardData<'_>) -> String {
    let query = data.query;
    let k = query.k;
    let filter = Filter {
        site: &query.site,
        from_day: query.from_day,
        to_day: query.to_day,
        by: data.funnel_by,
    };
    let table = |name: &str| data.tables.iter().find(|t| t.name == name);
    let days = query.to_day.saturating_sub(query.from_day) + 1;

    let mut body = format!(
        "<div class=\"page-head\"><h1>{}</h1><p class=\"sub\">{} to {} · {} {} (UTC)</p></div>\
         <div class=\"controls\">{}{}</div>\
         <section class=\"panel\" aria-labelledby=\"h-overview\"><h2 id=\"h-overview\">Overview</h2>{}</section>",
        esc(&query.site),
        date_of(query.from_day),
        date_of(query.to_day),
        format::thousands(u64::from(days)),
        if days == 1 { "day" } else { "days" },
        controls::filters(data.sites, filter, data.today),
        controls::ranges(filter, data.today),
        cards::render(data.summary, k),
    );

    if let Some(t) = table("timeseries") {
        body.push_str(&section(
            t.name,
            "Visitors and page views",
            filter,
            &traffic(t, k),
        ));
    }
    if let Some(t) = table("pages") {
        body.push_str(&plain_section(t, filter, k, 20));
    }
    body.push_str("<div class=\"grid\">");
    for name in ["referrers", "campaigns", "countries", "regimes", "devices"] {
        if let Some(t) = table(name) {
            body.push_str(&plain_section(t, filter, k, 12));
        }
    }
    body.push_str("</div>");
    if let Some(t) = table("funnel") {
        body.push_str(&section(
            t.name,
            t.title,
            filter,
            &funnel(t, data.summary, k),
        ));
    }
    if let Some(t) = table("optin") {
        body.push_str(&plain_section(t, filter, k, usize::MAX));
    }
    if let Some(t) = table("funnel-by") {
        let title = format!("Banner answers by {}", by_title(data.funnel_by));
        let intro = if data.funnel_by == FunnelBy::Regime {
            REGIME_RATES
        } else {
            ""
        };
        let content = format!(
            "{}{intro}{}",
            controls::by_picker(filter),
            tables::render(t, k, options(&title, usize::MAX, &[]))
        );
        body.push_str(&section(t.name, &title, filter, &content));
    }
    if let Some(t) = table("visits") {
        let content = format!(
            "<p class=\"intro\">Only visitors who allowed analytics are followed from page to \
             page, under a pseudonym that is never shown.</p>{}",
            by_day(t, k, "Visits by day")
        );
        body.push_str(&section(t.name, t.title, filter, &content));
    }
    body.push_str(&format!(
        "<p class=\"foot\">A dash (—) stands for a figure from fewer than {k} visitors, hidden \
         so that no one can be singled out; rare values are folded into “(other)”. Visitors \
         are estimated without cookies or identifiers. Days are UTC.</p>"
    ));
    layout(
        &format!("{} · Consentry analytics", query.site),
        Some((data.user, data.csrf)),
        &body,
    )
}

/// Why the banner answers split by regime have a rate of their own per row.
const REGIME_RATES: &str = "<p class=\"intro\">Each regime asks something else of visitors, so \
     a different rate tells how the banner does there: under opt-in, the share of decisions \
     that allowed analytics; under opt-out, where everything runs until the visitor objects, \
     the share of visitors shown the notice who opted out of sale and sharing; under a notice, \
     the share who rejected; under none, no banner is shown.</p>";

/// A section with its heading, a CSV link and `content`.
fn section(name: &str, title: &str, filter: Filter<'_>, content: &str) -> String {
    let csv = esc(&filter.csv(name));
    let name = esc(name);
    let title = esc(title);
    format!(
        "<section class=\"panel\" id=\"{name}\" aria-labelledby=\"h-{name}\">\
         <div class=\"panel-head\"><h2 id=\"h-{name}\">{title}</h2>\
         <a class=\"csv\" href=\"{csv}\" download>CSV<span class=\"vh\"> of {title}</span></a></div>\
         {content}</section>"
    )
}

fn options<'a>(title: &'a str, limit: usize, skip: &'a [&'a str]) -> tables::Options<'a> {
    tables::Options { skip, limit, title }
}

/// A table under its own title.
fn plain_section(t: &Table, filter: Filter<'_>, k: u32, limit: usize) -> String {
    section(
        t.name,
        t.title,
        filter,
        &tables::render(t, k, options(t.title, limit, &[])),
    )
}

/// A table of one row per day, folded away when long (a chart or the cards sum it up).
fn by_day(t: &Table, k: u32, summary: &str) -> String {
    format!(
        "<details{}><summary>{}</summary>{}</details>",
        if t.rows.len() <= 14 { " open" } else { "" },
        esc(summary),
        tables::render(t, k, options(t.title, usize::MAX, &[]))
    )
}

/// A chart that keeps a readable size on a narrow screen, scrolling sideways there.
fn scroll(label: &str, svg: &str) -> String {
    format!(
        "<div class=\"chart-scroll\" role=\"region\" tabindex=\"0\" aria-label=\"{}\">{svg}</div>",
        esc(label)
    )
}

fn cell<'t>(t: &'t Table, row: &'t [Value], key: &str) -> &'t Value {
    t.columns
        .iter()
        .position(|c| c.key == key)
        .and_then(|i| row.get(i))
        .unwrap_or(&Value::Null)
}

/// The chart of visitors and page views, its legend, and its numbers.
fn traffic(t: &Table, k: u32) -> String {
    let days: Vec<Day> = t
        .rows
        .iter()
        .map(|row| Day {
            date: cell(t, row, "date").as_str().unwrap_or_default().to_owned(),
            pageviews: format::count(cell(t, row, "pageviews")),
            visitors: format::count(cell(t, row, "visitors")),
            split: ["granted", "denied", "undecided"].map(|key| format::count(cell(t, row, key))),
        })
        .collect();
    let some_hidden = days.iter().any(|d| {
        d.pageviews
            .is_some_and(|v| v > d.split.iter().flatten().sum::<u64>())
    });
    let mut legend = vec![
        ("key-granted", "Page views, analytics granted".to_owned()),
        ("key-denied", "Page views, analytics declined".to_owned()),
        ("key-undecided", "Page views, no answer yet".to_owned()),
    ];
    if some_hidden {
        legend.push((
            "key-hidden",
            format!("Page views, consent state hidden (fewer than {k} visitors)"),
        ));
    }
    legend.push(("key-visitors", "Visitors".to_owned()));
    let legend: String = legend
        .iter()
        .map(|(class, text)| {
            format!(
                "<li><span class=\"key {class}\" aria-hidden=\"true\"></span>{}</li>",
                esc(text)
            )
        })
        .collect();
    format!(
        "<figure class=\"chart-box\">{}<figcaption><ul class=\"legend\">{legend}</ul></figcaption></figure>{}",
        scroll("Chart of visitors and page views", &chart::timeseries("chart-traffic", &days, k)),
        by_day(t, k, "The numbers by day")
    )
}

/// The banner's funnel as bars, then its table.
fn funnel(t: &Table, summary: &Value, k: u32) -> String {
    let count_of = |event: &str| {
        t.rows
            .iter()
            .find(|row| cell(t, row, "event").as_str() == Some(event))
            .and_then(|row| format::count(cell(t, row, "count")))
    };
    // An opt-out is a decision, as in the report; it has a bar only where one was counted
    // (a site with opt-in everywhere never has one).
    let parts = ["accept_all", "reject_all", "custom", "opt_out"].map(count_of);
    let decisions = if parts.iter().all(Option::is_some) {
        Some(parts.iter().flatten().sum())
    } else {
        format::count(summary.pointer("/banner/decisions").unwrap_or(&Value::Null))
    };
    let mut bars = vec![
        Bar {
            label: "Banner shown",
            value: count_of("impression"),
            colour: chart::UNDECIDED,
        },
        Bar {
            label: "Decisions",
            value: decisions,
            colour: chart::GRANTED,
        },
        Bar {
            label: "Accepted all",
            value: parts[0],
            colour: chart::ACCEPT,
        },
        Bar {
            label: "Rejected all",
            value: parts[1],
            colour: chart::REJECT,
        },
        Bar {
            label: "Chose per category",
            value: parts[2],
            colour: chart::CUSTOM,
        },
    ];
    if parts[3] != Some(0) {
        bars.push(Bar {
            label: "Opted out",
            value: parts[3],
            colour: chart::OPT_OUT,
        });
    }
    format!(
        "<figure class=\"chart-box\">{}</figure>{}",
        scroll(
            "Chart of the banner's answers",
            &chart::funnel("chart-funnel", &bars, k)
        ),
        tables::render(t, k, options(t.title, usize::MAX, &["event"]))
    )
}

#[cfg(test)]
mod tests;
