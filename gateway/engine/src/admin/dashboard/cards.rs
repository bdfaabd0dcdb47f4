//! The headline cards, from [`crate::analytics::report::summary`]'s answer.

use consentry_banner::escape_html as esc;
use serde_json::Value;

use super::format::{count, decimal, duration, percent, thousands};
use super::tables::hidden_title;

/// One card: a name, a figure (`None` when hidden) and a line about it.
struct Card {
    name: &'static str,
    figure: Option<String>,
    note: String,
    /// The note when the figure is hidden.
    hidden_note: String,
}

fn at<'v>(summary: &'v Value, pointer: &str) -> &'v Value {
    summary.pointer(pointer).unwrap_or(&Value::Null)
}

fn share(summary: &Value, pointer: &str) -> Option<f64> {
    at(summary, pointer).as_f64()
}

/// The counts of page views by consent state, as a sentence.
fn by_consent(summary: &Value) -> String {
    let part = |state: &str, name: &str| {
        let views = count(at(summary, &format!("/by_consent/{state}/pageviews")));
        format!("{name} {}", views.map_or("—".to_owned(), thousands))
    };
    format!(
        "{} · {} · {}",
        part("granted", "Granted"),
        part("denied", "declined"),
        part("undecided", "no answer")
    )
}

fn cards(summary: &Value, k: u32) -> Vec<Card> {
    let few = format!("Fewer than {k} visitors");
    let banner = at(summary, "/banner");
    let visits = at(summary, "/visits");
    let rate = |category: &str| share(summary, &format!("/banner/optin/{category}"));
    let visit_count = count(at(visits, "/visits"));
    let returning = count(at(visits, "/returning"));
    vec![
        Card {
            name: "Page views",
            figure: count(at(summary, "/pageviews")).map(thousands),
            note: by_consent(summary),
            hidden_note: few.clone(),
        },
        Card {
            name: "Visitors",
            figure: count(at(summary, "/visitors")).map(thousands),
            note: "Estimated, without cookies or identifiers".to_owned(),
            hidden_note: few.clone(),
        },
        Card {
            name: "Consent rate",
            figure: share(summary, "/consent_rate").map(percent),
            note: "Page views from visitors who allowed analytics".to_owned(),
            hidden_note: few.clone(),
        },
        Card {
            name: "Banner decisions",
            figure: count(at(banner, "/decisions")).map(thousands),
            note: match count(at(banner, "/impressions")) {
                Some(shown) => format!("The banner was shown {} times", thousands(shown)),
                None => String::new(),
            },
            hidden_note: format!("Fewer than {k} visitors answered the banner"),
        },
        Card {
            name: "Analytics opt-in",
            figure: rate("analytics").map(percent),
            note: format!(
                "Marketing {} · preferences {}",
                rate("marketing").map_or("—".to_owned(), percent),
                rate("preferences").map_or("—".to_owned(), percent)
            ),
            hidden_note: format!("Fewer than {k} visitors answered the banner"),
        },
        Card {
            name: "Pages per visit",
            figure: at(visits, "/pages_per_visit")
                .as_f64()
                .map(|p| decimal(p, 1)),
            note: "Visitors who allowed analytics".to_owned(),
            hidden_note: format!("Fewer than {k} visitors allowed analytics"),
        },
        Card {
            name: "Visit length",
            figure: at(visits, "/seconds_per_visit").as_f64().map(duration),
            note: "Average, visitors who allowed analytics".to_owned(),
            hidden_note: format!("Fewer than {k} visitors allowed analytics"),
        },
        Card {
            name: "Returning visits",
            figure: returning.map(thousands),
            note: match (returning, visit_count) {
                (Some(r), Some(v)) if v > 0 => format!(
                    "{} of {} visits",
                    percent(r as f64 / v as f64),
                    thousands(v)
                ),
                _ => String::new(),
            },
            hidden_note: format!("Fewer than {k} visitors allowed analytics"),
        },
        Card {
            name: "Bounce rate",
            figure: share(visits, "/bounce_rate").map(percent),
            note: "Visits of a single page".to_owned(),
            hidden_note: format!("Fewer than {k} visitors allowed analytics"),
        },
    ]
}

/// The cards as a description list laid out as a grid.
pub(super) fn render(summary: &Value, k: u32) -> String {
    let mut html = String::from("<dl class=\"cards\">");
    for card in cards(summary, k) {
        html.push_str(&format!("<div class=\"card\"><dt>{}</dt>", esc(card.name)));
        match card.figure {
            Some(figure) => {
                html.push_str(&format!("<dd class=\"figure\">{}</dd>", esc(&figure)));
                if !card.note.is_empty() {
                    html.push_str(&format!("<dd class=\"note\">{}</dd>", esc(&card.note)));
                }
            }
            None => html.push_str(&format!(
                "<dd class=\"figure hidden\" title=\"{}\"><span aria-hidden=\"true\">—</span>\
                 <span class=\"vh\">hidden</span></dd><dd class=\"note\">{}</dd>",
                esc(&hidden_title(k)),
                esc(&card.hidden_note)
            )),
        }
        html.push_str("</div>");
    }
    html.push_str("</dl>");
    html
}
