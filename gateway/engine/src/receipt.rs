//! `/__consentry/receipt`: the visitor's own view of what was recorded about their consent,
//! with the means to change it, withdraw it, or have the records erased.

use std::fmt::Write;
use std::time::{Duration, UNIX_EPOCH};

use consentry_banner::escape_html;
use consentry_config::Category;

use crate::chain::ChainedRecord;
use crate::consent::VisitorConsent;
use crate::paths::{CONSENT_PATH, ERASE_PATH, RECEIPT_PATH};
use crate::record::RecordKind;

/// A time as `2026-11-24 21:30:05 UTC`.
pub fn format_time(seconds: u64) -> String {
    let text =
        humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(seconds)).to_string();
    format!("{} UTC", text.trim_end_matches('Z').replace('T', " "))
}

fn kind_text(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::AcceptAll => "Accepted all",
        RecordKind::RejectAll => "Rejected all",
        RecordKind::Custom => "Chose per category",
        RecordKind::OptOut => "Opted out of the sale and sharing of personal data",
        RecordKind::Withdraw => "Withdrew consent",
        RecordKind::Reprompt => "Asked again",
        RecordKind::Erasure => "Records erased",
    }
}

fn category_text(category: Category) -> &'static str {
    match category {
        Category::Necessary => "Necessary",
        Category::Preferences => "Preferences",
        Category::Analytics => "Statistics",
        Category::Marketing => "Marketing",
    }
}

/// What the receipt page shows.
#[derive(Debug)]
pub struct ReceiptView<'a> {
    /// The visitor's consent on this request.
    pub consent: &'a VisitorConsent,
    /// Their records, oldest first.
    pub records: &'a [ChainedRecord],
    /// How long a decision lasts, in seconds.
    pub lifetime_secs: u64,
    /// How many records were just erased, when the page follows an erasure.
    pub erased: Option<u64>,
}

/// Renders the receipt page.
pub fn render_receipt(view: &ReceiptView<'_>) -> String {
    let mut html = String::with_capacity(4096);
    html.push_str(concat!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">",
        "<meta name=\"robots\" content=\"noindex\"><title>Your cookie choices</title>",
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}",
        "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd}",
        "code{background:#f3f3f3;padding:.1rem .3rem;border-radius:.25rem;word-break:break-all}",
        "button{font:inherit;padding:.5rem 1rem;border-radius:.4rem;border:2px solid #1f4e8c;background:#1f4e8c;color:#fff;cursor:pointer;margin:.25rem .5rem .25rem 0}",
        "button:focus-visible{outline:3px solid #f2a900;outline-offset:2px}fieldset{border:1px solid #ddd;border-radius:.5rem;margin:0 0 1rem}",
        ".note{background:#eef5ee;border-left:4px solid #2e7d32;padding:.5rem 1rem}</style></head><body>",
        "<h1>Your cookie choices</h1>"
    ));
    if let Some(n) = view.erased {
        let _ = write!(
            html,
            "<p class=\"note\" role=\"status\">{n} record{} about you were erased. The erasure itself is recorded, without anything that points to you.</p>",
            if n == 1 { "" } else { "s" }
        );
    }
    let consent = view.consent;
    match (&consent.decision, &consent.stale) {
        (Some(cookie), _) => {
            let _ = write!(
                html,
                "<p>Your consent id is <code>{}</code>. It is kept only in a cookie in your browser and in the records below.</p>\
<p>You decided on {} (policy version {}); your choice is valid until {}.</p>",
                escape_html(&cookie.consent_id),
                format_time(cookie.issued_at),
                cookie.policy_version,
                format_time(cookie.issued_at.saturating_add(view.lifetime_secs)),
            );
        }
        (None, Some(stale)) => {
            let _ = write!(
                html,
                "<p>Your consent id is <code>{}</code>. Your earlier choice no longer applies (it expired or the policy changed), so you will be asked again.</p>",
                escape_html(&stale.consent_id)
            );
        }
        (None, None) => html.push_str("<p>You have not made a choice on this site yet. Until you do, only necessary cookies are used.</p>"),
    }
    html.push_str("<h2>What is allowed now</h2><table><thead><tr><th scope=\"col\">Category</th><th scope=\"col\">Allowed</th></tr></thead><tbody>");
    for category in Category::ALL {
        let allowed = consent.grants.allows(category);
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td></tr>",
            category_text(category),
            if category == Category::Necessary {
                "Always"
            } else if allowed {
                "Yes"
            } else {
                "No"
            }
        );
    }
    html.push_str("</tbody></table>");

    let _ = write!(
        html,
        "<h2>Change your choice</h2><form method=\"post\" action=\"{CONSENT_PATH}\"><input type=\"hidden\" name=\"return_to\" value=\"{RECEIPT_PATH}\"><fieldset><legend>Allow</legend>"
    );
    for category in Category::OPTIONAL {
        let _ = write!(
            html,
            "<label><input type=\"checkbox\" name=\"{}\" value=\"on\"{}> {}</label><br>",
            category.as_str(),
            if consent.grants.allows(category) {
                " checked"
            } else {
                ""
            },
            category_text(category)
        );
    }
    html.push_str(
        "</fieldset><button type=\"submit\" name=\"action\" value=\"custom\">Save choice</button>",
    );
    if consent.decision.is_some() {
        html.push_str("<button type=\"submit\" name=\"action\" value=\"withdraw\">Withdraw all consent</button>");
    }
    html.push_str("</form>");

    html.push_str("<h2>What was recorded</h2>");
    if view.records.is_empty() {
        html.push_str("<p>Nothing is recorded under your consent id.</p>");
    } else {
        html.push_str("<table><thead><tr><th scope=\"col\">When</th><th scope=\"col\">What</th><th scope=\"col\">Allowed</th><th scope=\"col\">How</th><th scope=\"col\">Policy</th></tr></thead><tbody>");
        for stored in view.records {
            let r = &stored.record;
            let how = match (r.via_form, r.gpc) {
                (true, true) => "form without JavaScript, Global Privacy Control on",
                (true, false) => "form without JavaScript",
                (false, true) => "banner, Global Privacy Control on",
                (false, false) => "banner",
            };
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                format_time(r.recorded_at),
                kind_text(r.kind),
                r.granted_names()
                    .iter()
                    .map(|n| escape_html(n))
                    .collect::<Vec<_>>()
                    .join(", "),
                if r.kind == RecordKind::Reprompt {
                    "-"
                } else {
                    how
                },
                r.policy_version
            );
        }
        html.push_str("</tbody></table>");
    }
    if consent.decision.is_some() || consent.stale.is_some() {
        let _ = write!(
            html,
            "<h2>Erase your records</h2><p>This removes your consent id, network, country and browser from every record above and forgets your choice in this browser. The log keeps the bare decisions so that it stays verifiable.</p>\
<form method=\"post\" action=\"{ERASE_PATH}\"><button type=\"submit\">Erase my records</button></form>"
        );
    }
    html.push_str("</body></html>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_utc() {
        assert_eq!(format_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_time(1_795_554_753), "2026-11-24 21:12:33 UTC");
    }

    #[test]
    fn a_visitor_without_a_decision_is_told_so() {
        let consent = VisitorConsent::undecided(false);
        let html = render_receipt(&ReceiptView {
            consent: &consent,
            records: &[],
            lifetime_secs: 1,
            erased: None,
        });
        assert!(html.contains("You have not made a choice"));
        assert!(!html.contains(ERASE_PATH), "nothing to erase");
    }
}
