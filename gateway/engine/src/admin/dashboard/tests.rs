use serde_json::{json, Value};

use super::*;
use crate::analytics::report::{day_from_date, Column};
use consentry_banner::escape_html as esc;

const XSS: &str = "<script>alert(1)</script>";

fn col(key: &'static str, title: &'static str) -> Column {
    Column { key, title }
}

fn breakdown(
    name: &'static str,
    title: &'static str,
    label: Column,
    rows: Vec<Vec<Value>>,
) -> Table {
    Table {
        name,
        title,
        columns: vec![
            label,
            col("pageviews", "Page views"),
            col("visitors", "Visitors"),
            col("granted", "Views, analytics granted"),
            col("denied", "Views, analytics declined"),
            col("undecided", "Views, no answer yet"),
        ],
        rows,
    }
}

fn day(n: u32) -> u32 {
    day_from_date("2024-03-01").unwrap_or(0) + n
}

/// Every table of the report, made by hand in the report's shape, with hostile labels
/// and hidden cells.
fn tables() -> Vec<Table> {
    let timeseries = Table {
        name: "timeseries",
        title: "Visitors and page views by day",
        columns: vec![
            col("date", "Day"),
            col("pageviews", "Page views"),
            col("visitors", "Visitors"),
            col("granted", "Views, analytics granted"),
            col("denied", "Views, analytics declined"),
            col("undecided", "Views, no answer yet"),
        ],
        rows: (0..7)
            .map(|n| match n {
                3 => vec![
                    json!(date_of(day(n))),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                ],
                5 => vec![
                    json!(date_of(day(n))),
                    json!(120),
                    json!(40),
                    json!(80),
                    Value::Null,
                    json!(30),
                ],
                _ => vec![
                    json!(date_of(day(n))),
                    json!(12_345 + u64::from(n)),
                    json!(4_000),
                    json!(6_000),
                    json!(4_000),
                    json!(2_345 + u64::from(n)),
                ],
            })
            .collect(),
    };
    let mut pages: Vec<Vec<Value>> = vec![
        vec![
            json!(XSS),
            json!(1_234_567),
            json!(4_321),
            json!(1_000),
            Value::Null,
            json!(5),
        ],
        vec![
            json!("/shop?utm_campaign=\"a\"&x='b'"),
            json!(50),
            json!(12),
            json!(20),
            json!(20),
            json!(10),
        ],
    ];
    pages.extend((0..30).map(|n| {
        vec![
            json!(format!("/p/{n}")),
            json!(30),
            json!(10),
            json!(10),
            json!(10),
            json!(10),
        ]
    }));
    vec![
        timeseries,
        breakdown("pages", "Top pages", col("path", "Page"), pages),
        breakdown(
            "referrers",
            "Referrers",
            col("referrer", "Referrer"),
            vec![vec![
                json!("evil.example\"><img src=x>"),
                json!(40),
                json!(11),
                json!(40),
                json!(0),
                json!(0),
            ]],
        ),
        breakdown(
            "campaigns",
            "Campaigns",
            col("campaign", "Source / medium / campaign"),
            vec![vec![
                json!("news / email / <b>spring</b>"),
                json!(40),
                json!(11),
                Value::Null,
                Value::Null,
                json!(0),
            ]],
        ),
        breakdown("countries", "Countries", col("country", "Country"), vec![]),
        breakdown(
            "regimes",
            "Consent regimes",
            col("regime", "Regime"),
            vec![vec![
                json!("opt-out"),
                json!(900),
                json!(300),
                json!(0),
                json!(0),
                json!(900),
            ]],
        ),
        breakdown(
            "devices",
            "Devices",
            col("device", "Device"),
            vec![vec![
                json!("phone"),
                json!(400),
                json!(110),
                json!(100),
                json!(200),
                json!(100),
            ]],
        ),
        Table {
            name: "funnel",
            title: "Banner answers",
            columns: vec![
                col("event", "Event"),
                col("description", "What happened"),
                col("count", "Count"),
                col("visitors", "Visitors"),
            ],
            rows: vec![
                vec![
                    json!("impression"),
                    json!("Banner shown"),
                    json!(2_000),
                    json!(1_500),
                ],
                vec![
                    json!("accept_all"),
                    json!("Accepted all"),
                    json!(900),
                    json!(800),
                ],
                vec![
                    json!("reject_all"),
                    json!("Rejected all"),
                    json!(500),
                    json!(450),
                ],
                vec![
                    json!("custom"),
                    json!("Chose per category"),
                    Value::Null,
                    Value::Null,
                ],
                vec![
                    json!("opt_out"),
                    json!("Opted out of sale and sharing"),
                    json!(0),
                    json!(0),
                ],
                vec![
                    json!("withdraw"),
                    json!("Withdrew consent"),
                    json!(0),
                    json!(0),
                ],
                vec![
                    json!("gpc"),
                    json!("Global Privacy Control sent"),
                    json!(0),
                    json!(0),
                ],
            ],
        },
        Table {
            name: "optin",
            title: "Opt-in rate per category",
            columns: vec![
                col("category", "Category"),
                col("decisions", "Decisions"),
                col("rate", "Opt-in rate"),
            ],
            rows: vec![
                vec![json!("preferences"), json!(1_405), json!(0.7)],
                vec![json!("analytics"), json!(1_405), json!(0.655)],
                vec![json!("marketing"), json!(1_405), json!(0.4)],
            ],
        },
        Table {
            name: "funnel-by",
            title: "Banner answers by group",
            columns: vec![
                col("country", "Country"),
                col("impressions", "Banner shown"),
                col("decisions", "Decisions"),
                col("accept_all", "Accepted all"),
                col("reject_all", "Rejected all"),
                col("custom", "Chose per category"),
                col("opt_out", "Opted out"),
                col("withdraw", "Withdrew"),
                col("preferences_rate", "Preferences opt-in"),
                col("analytics_rate", "Analytics opt-in"),
                col("marketing_rate", "Marketing opt-in"),
            ],
            rows: vec![
                vec![
                    json!("DE"),
                    json!(1_000),
                    json!(700),
                    json!(400),
                    json!(250),
                    json!(50),
                    json!(0),
                    json!(3),
                    json!(0.6),
                    json!(0.55),
                    json!(0.5),
                ],
                vec![
                    json!("(other)"),
                    json!(30),
                    json!(20),
                    json!(10),
                    json!(5),
                    json!(5),
                    json!(0),
                    json!(0),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                ],
            ],
        },
        Table {
            name: "visits",
            title: "Visits of visitors who consented to analytics",
            columns: vec![
                col("date", "Day"),
                col("visits", "Visits"),
                col("visitors", "Visitors"),
                col("returning", "Returning visits"),
                col("pages_per_visit", "Pages per visit"),
                col("seconds_per_visit", "Visit length (s)"),
                col("bounce_rate", "Bounce rate"),
            ],
            rows: vec![
                vec![
                    json!(date_of(day(0))),
                    json!(300),
                    json!(200),
                    json!(90),
                    json!(3.4),
                    json!(185.0),
                    json!(0.35),
                ],
                vec![
                    json!(date_of(day(1))),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                ],
            ],
        },
    ]
}

fn summary() -> Value {
    json!({
        "site": "shop", "from": "2024-03-01", "to": "2024-03-07", "k": 10,
        "pageviews": 74_193, "visitors": 24_040,
        "by_consent": {
            "granted": {"pageviews": 36_080, "visitors": 12_000},
            "denied": {"pageviews": 24_000, "visitors": 8_000},
            "undecided": {"pageviews": null, "visitors": null}
        },
        "consent_rate": 0.486,
        "banner": {"decisions": 1_405, "impressions": 2_000, "optin": {"preferences": 0.7, "analytics": 0.655, "marketing": 0.4}},
        "visits": null
    })
}

fn query(site: &str) -> ReportQuery {
    ReportQuery {
        site: site.to_owned(),
        from_day: day(0),
        to_day: day(6),
        k: 10,
    }
}

fn page_with(site: &str, user: &str, csrf: &str) -> String {
    let sites = vec!["shop".to_owned(), "blog".to_owned(), site.to_owned()];
    let query = query(site);
    let summary = summary();
    let tables = tables();
    render(&DashboardData {
        user,
        csrf,
        sites: &sites,
        query: &query,
        summary: &summary,
        tables: &tables,
        funnel_by: FunnelBy::Country,
        today: day(6),
    })
}

fn page() -> String {
    page_with("shop", "ana@example.com", "tok\"en")
}

/// Elements that have no end tag in HTML.
const VOID: [&str; 6] = ["meta", "link", "input", "br", "img", "hr"];

/// Every start tag's name, in order, checking that end tags close them in order.
fn balanced(html: &str) -> Result<Vec<String>, String> {
    let mut open: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').ok_or("unclosed <")? + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match open.pop() {
                Some(top) if top == name => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name.is_empty() {
            return Err(format!("bad tag <{tag}>"));
        }
        seen.push(name.clone());
        if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            open.push(name);
        }
    }
    if open.is_empty() {
        Ok(seen)
    } else {
        Err(format!("left open: {open:?}"))
    }
}

#[test]
fn every_value_is_escaped() {
    let html = page_with("a<b>\"shop\"", "<b>ana</b>", "\"><script>x</script>");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<b>"));
    assert!(!html.contains("<img"));
    assert!(html.contains("evil.example&quot;&gt;&lt;img src=x&gt;"));
    assert!(html.contains("news / email / &lt;b&gt;spring&lt;/b&gt;"));
    assert!(html.contains("/shop?utm_campaign=&quot;a&quot;&amp;x=&#39;b&#39;"));
    assert!(html.contains("<h1>a&lt;b&gt;&quot;shop&quot;</h1>"));
    assert!(html.contains("Signed in as <strong>&lt;b&gt;ana&lt;/b&gt;</strong>"));
    assert!(html.contains("name=\"csrf\" value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""));
    assert!(html.contains("<option value=\"a&lt;b&gt;&quot;shop&quot;\" selected>"));
    balanced(&html).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn no_script_no_inline_style_no_external_resource() {
    let html = page();
    for banned in [
        "<script",
        "<style",
        " style=",
        "javascript:",
        "http://",
        "https://",
        "//",
    ] {
        assert!(!html.replace("<!doctype", "").contains(banned), "{banned}");
    }
    // No event handler attribute on any tag.
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        // Attribute names only: every other piece between double quotes is a value.
        let names: String = tag.split('"').step_by(2).collect();
        assert!(
            !names
                .split_whitespace()
                .skip(1)
                .any(|a| a.starts_with("on")),
            "<{tag}>"
        );
    }
    assert!(!STYLE.contains("url(") && !STYLE.contains("@import"));
    // The chart colours and the legend's swatches agree.
    for colour in [
        chart::GRANTED,
        chart::DENIED,
        chart::UNDECIDED,
        chart::HIDDEN,
        chart::VISITORS,
    ] {
        assert!(STYLE.contains(colour), "{colour}");
        assert!(html.contains(colour), "{colour}");
    }
}

#[test]
fn hidden_cells_say_why() {
    let html = page();
    let title =
        "title=\"Hidden: fewer than 10 visitors, so no one can be singled out (k-anonymity)\"";
    // Table cells: timeseries day 3 (5), day 5 (1), pages (1), campaigns (2), funnel (2),
    // funnel-by (3), visits (6); cards: returning, pages per visit, visit length, bounce.
    assert_eq!(html.matches(title).count(), 5 + 1 + 1 + 2 + 2 + 3 + 6 + 4);
    assert!(html.contains("<span aria-hidden=\"true\">—</span><span class=\"vh\">hidden, fewer than 10 visitors</span>"));
    assert!(html.contains("Fewer than 10 visitors allowed analytics"));
    assert!(html.contains(&esc("Granted 36,080 · declined 24,000 · no answer —")));
    assert!(html.contains("— hidden: fewer than 10 visitors"));
}

#[test]
fn figures_are_formatted() {
    let html = page();
    assert!(html.contains("<dd class=\"figure\">74,193</dd>"));
    assert!(html.contains("<dd class=\"figure\">48.6%</dd>"));
    assert!(html.contains("<dd class=\"figure\">65.5%</dd>"));
    assert!(html.contains(&esc("Marketing 40.0% · preferences 70.0%")));
    assert!(html.contains("<td class=\"num\">1,234,567</td>"));
    assert!(html.contains("<td class=\"num\">35.0%</td>"));
    assert!(html.contains("<td class=\"num\">3.4</td>"));
    assert!(html.contains("2024-03-01"));
    // 32 pages, 20 shown.
    assert!(html.contains("The first 20 of 32 rows; the CSV has them all."));
    assert!(html.contains("/p/17<") && !html.contains("/p/18<"));
    assert!(html.contains("Nothing to show for these days."));
}

#[test]
fn charts_are_accessible_svg() {
    let html = page();
    assert_eq!(html.matches("<svg ").count(), 2);
    assert_eq!(html.matches("</svg>").count(), 2);
    assert_eq!(html.matches("role=\"img\"").count(), 2);
    assert!(html.contains("aria-labelledby=\"chart-traffic-title chart-traffic-desc\""));
    assert!(
        html.contains("<title id=\"chart-traffic-title\">Visitors and page views per day</title>")
    );
    assert!(html.contains("1 of 7 days are hidden: fewer than 10 visitors."));
    assert!(html.contains(&esc("Decisions: 1,405 (70.2%); Accepted all: 900 (45.0%)")));
    assert!(html.contains("Chose per category: hidden, fewer than 10 visitors"));
    // Day 5 has 120 views but only 110 by state: 10 drawn as hidden, and the legend says so.
    assert!(html.contains("2024-03-06: 10 page views, consent state hidden"));
    assert!(html.contains("key-hidden"));
    // Every date on the axis.
    assert!(html.contains("text-anchor=\"middle\" fill=\"#3e4c59\">2024-03-07</text>"));
    let svg_start = html.find("<svg ").unwrap_or(0);
    let svg_end = html.find("</svg>").unwrap_or(0) + 6;
    balanced(&html[svg_start..svg_end]).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn every_table_links_its_csv_with_the_query() {
    let html = page_with("my shop&co", "ana", "t");
    for (name, _) in crate::analytics::report::TABLES {
        let by = if name == "funnel-by" {
            "&amp;by=country"
        } else {
            ""
        };
        let link = format!(
            "href=\"/__consentry/api/{name}?site=my+shop%26co&amp;from=2024-03-01&amp;to=2024-03-07{by}&amp;format=csv\""
        );
        assert!(html.contains(&link), "{link}");
    }
    assert_eq!(html.matches(">CSV<").count(), 11);
}

#[test]
fn pickers_are_labelled_forms_and_links() {
    let html = page();
    let tags = balanced(&html).unwrap_or_else(|e| panic!("{e}"));
    assert!(html.starts_with("<!doctype html><html lang=\"en\">"));
    for id in ["f-site", "f-from", "f-to"] {
        assert!(html.contains(&format!("<label for=\"{id}\">")));
        assert!(html.contains(&format!("id=\"{id}\"")));
    }
    assert!(html.contains("<form class=\"filters\" method=\"get\" action=\"/__consentry/admin\""));
    assert!(html.contains(
        "type=\"date\" id=\"f-from\" name=\"from\" value=\"2024-03-01\" max=\"2024-03-07\""
    ));
    assert!(html.contains("<input type=\"hidden\" name=\"by\" value=\"country\">"));
    assert!(html.contains(
        "<option value=\"shop\" selected>shop</option><option value=\"blog\">blog</option>"
    ));
    assert!(html.contains("<form method=\"post\" action=\"/__consentry/admin/logout\"><input type=\"hidden\" name=\"csrf\" value=\"tok&quot;en\">"));
    // The range shown is the last 7 days, and marked so.
    assert!(html.contains(
        "<a href=\"/__consentry/admin?site=shop&amp;from=2024-03-01&amp;to=2024-03-07&amp;by=country\" aria-current=\"page\">Last 7 days</a>"
    ));
    assert!(html.contains("from=2024-02-07&amp;to=2024-03-07&amp;by=country\">Last 30 days"));
    assert!(html.contains("by=policy#funnel-by\">Policy version</a>"));
    assert!(html.contains("by=country#funnel-by\" aria-current=\"true\">Country</a>"));
    assert!(html.contains("<h2 id=\"h-funnel-by\">Banner answers by country</h2>"));
    // Headings: one h1, then h2s only.
    let headings: Vec<&String> = tags
        .iter()
        .filter(|t| t.starts_with('h') && t.len() == 2)
        .collect();
    assert_eq!(headings.first().map(|h| h.as_str()), Some("h1"));
    assert!(headings[1..].iter().all(|h| *h == "h2"), "{headings:?}");
    assert_eq!(headings.len(), 13);
}

#[test]
fn layout_without_a_user_has_no_logout() {
    let html = layout("Sign in <now>", None, "<p>x</p>");
    assert!(html.contains("<title>Sign in &lt;now&gt;</title>"));
    assert!(!html.contains("logout"));
    assert!(html.contains("<main id=\"main\"><p>x</p></main>"));
    balanced(&html).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn banner_answers_by_regime_show_the_rate_that_counts_there() {
    let mut tables = tables();
    let by_regime = Table {
        name: "funnel-by",
        title: "Banner answers by group",
        columns: vec![
            col("regime", "Regime"),
            col("impressions", "Banner shown"),
            col("decisions", "Decisions"),
            col("opt_out", "Opted out"),
            col("analytics_rate", "Analytics opt-in"),
            col("regime_rate", "Rate for the regime"),
            col("regime_rate_is", "What that rate is"),
        ],
        rows: vec![
            vec![
                json!("opt-in"),
                json!(1_000),
                json!(700),
                json!(0),
                json!(0.55),
                json!(0.55),
                json!("Opt-in rate: decisions that allowed analytics"),
            ],
            vec![
                json!("opt-out"),
                json!(900),
                json!(40),
                json!(40),
                json!(1.0),
                json!(0.125),
                json!("Opted out: visitors shown the notice who opted out"),
            ],
        ],
    };
    for table in tables.iter_mut().filter(|t| t.name == "funnel-by") {
        *table = by_regime.clone();
    }
    let sites = vec!["shop".to_owned()];
    let query = query("shop");
    let summary = summary();
    let html = render(&DashboardData {
        user: "ana",
        csrf: "t",
        sites: &sites,
        query: &query,
        summary: &summary,
        tables: &tables,
        funnel_by: FunnelBy::Regime,
        today: day(6),
    });
    assert!(html.contains("<h2 id=\"h-funnel-by\">Banner answers by regime</h2>"));
    assert!(html.contains("by=regime#funnel-by\" aria-current=\"true\">Regime</a>"));
    assert!(html.contains("under opt-out, where everything runs until the visitor objects"));
    assert!(html.contains("<th scope=\"row\">opt-out</th>"));
    assert!(html.contains("<td class=\"num\">12.5%</td>"));
    assert!(html.contains("<td>Opted out: visitors shown the notice who opted out</td>"));
    assert!(html.contains("&amp;by=regime&amp;format=csv"));
    // The page views by regime sit beside the countries.
    assert!(html.contains("<h2 id=\"h-regimes\">Consent regimes</h2>"));
    balanced(&html).unwrap_or_else(|e| panic!("{e}"));
}
