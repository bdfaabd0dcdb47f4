//! What an audit found: findings by page and phase, as JSON (field names are stable and
//! documented in the README) or as a table.

use std::collections::BTreeSet;

use consentry_config::Category;
use serde::Serialize;

use crate::browser;

/// When something was seen: before any consent, or after the banner's Reject all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// No consent given.
    BeforeConsent,
    /// After a click on Reject all.
    AfterReject,
}

impl Phase {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Phase::BeforeConsent => "before-consent",
            Phase::AfterReject => "after-reject",
        }
    }
}

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A request to a third-party host made by the page.
    Request,
    /// A connection to a third-party host no request of the page explains.
    Connection,
    /// A cookie the browser holds.
    Cookie,
}

impl Kind {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Connection => "connection",
            Kind::Cookie => "cookie",
        }
    }
}

/// One third-party request or cookie.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The page it was seen on.
    pub page: String,
    /// Before consent or after Reject all.
    pub phase: Phase,
    /// A request, a connection or a cookie.
    pub kind: Kind,
    /// Whether it is a leak: a tracker of a category other than `necessary`, or a cookie of
    /// such a category.
    pub leak: bool,
    /// The host (requests and connections) or the cookie's name.
    pub name: String,
    /// The request's address (a connection's `host:port`); `null` for cookies.
    pub url: Option<String>,
    /// The cookie's domain; `null` for requests.
    pub domain: Option<String>,
    /// Whether the catalogue knows the host as a tracker (always false for cookies).
    pub tracker: bool,
    /// The tracker's or cookie's category; `null` for a host that is no known tracker.
    pub category: Option<Category>,
    /// The catalogue's vendor.
    pub vendor: Option<String>,
    /// For cookies: `catalogue`, `fallback`, `learned` or `gateway`, as in `consentry scan`.
    pub source: Option<&'static str>,
    /// DevTools' resource type of a request (`script`, `image`, `document`, `fetch`, ...).
    pub resource_type: Option<String>,
    /// The element or API that caused it: `<script src>`, `<img>`, `<iframe>`,
    /// `fetch() in a script`, ... or, for a cookie, `Set-Cookie` or `document.cookie`.
    pub element: Option<String>,
    /// The document, script or response it came from.
    pub initiator_url: Option<String>,
    /// The line there, from 1.
    pub initiator_line: Option<u64>,
    /// All of that in words, such as `<script src> at /page:5`.
    pub initiator: String,
}

/// What an audit found.
#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    /// Where it started.
    pub url: String,
    /// The pages visited before consent, in order (visited again after Reject all).
    pub pages: Vec<String>,
    /// Whether the banner's Reject all was found and clicked.
    pub rejected: bool,
    /// How many findings are leaks.
    pub leaks: usize,
    /// Every finding, in the order seen.
    pub findings: Vec<Finding>,
    /// Hosts the browser itself tried to reach, not the pages (such as its update service);
    /// refused by the audit's proxy like every other.
    pub browser_hosts: BTreeSet<String>,
}

/// The report as a table, with a last line that says whether anything leaked.
pub fn table(report: &AuditReport) -> String {
    let header = [
        "leak",
        "page",
        "phase",
        "kind",
        "host or cookie",
        "category",
        "vendor",
        "initiator",
    ];
    let rows: Vec<Vec<String>> = report
        .findings
        .iter()
        .map(|f| {
            vec![
                if f.leak { "LEAK" } else { "-" }.to_owned(),
                browser::page_path(&f.page),
                f.phase.as_str().to_owned(),
                f.kind.as_str().to_owned(),
                f.name.clone(),
                f.category
                    .map_or("not a tracker", |c| c.as_str())
                    .to_owned(),
                f.vendor.clone().unwrap_or_else(|| "-".to_owned()),
                f.initiator.clone(),
            ]
        })
        .collect();
    let mut out = if rows.is_empty() {
        String::from("no third-party request and no cookie\n")
    } else {
        browser::columns(&header, &rows)
    };
    let count = |phase: Phase| {
        report
            .findings
            .iter()
            .filter(|f| f.leak && f.phase == phase)
            .count()
    };
    out.push_str(&format!(
        "{} on {} page{}: {} before consent, {}\n",
        match report.leaks {
            0 => "no leak".to_owned(),
            1 => "1 leak".to_owned(),
            n => format!("{n} leaks"),
        },
        report.pages.len(),
        if report.pages.len() == 1 { "" } else { "s" },
        count(Phase::BeforeConsent),
        if report.rejected {
            format!("{} after Reject all", count(Phase::AfterReject))
        } else {
            "and no banner's Reject all was found".to_owned()
        }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_says_what_leaked() {
        let finding = Finding {
            page: "http://127.0.0.1:8080/".to_owned(),
            phase: Phase::BeforeConsent,
            kind: Kind::Request,
            leak: true,
            name: "www.google-analytics.com".to_owned(),
            url: Some("https://www.google-analytics.com/analytics.js".to_owned()),
            domain: None,
            tracker: true,
            category: Some(Category::Analytics),
            vendor: Some("Google Analytics".to_owned()),
            source: None,
            resource_type: Some("script".to_owned()),
            element: Some("<script src>".to_owned()),
            initiator_url: Some("http://127.0.0.1:8080/".to_owned()),
            initiator_line: Some(3),
            initiator: "<script src> at /:3".to_owned(),
        };
        let report = AuditReport {
            url: "http://127.0.0.1:8080/".to_owned(),
            pages: vec!["http://127.0.0.1:8080/".to_owned()],
            rejected: true,
            leaks: 1,
            findings: vec![finding],
            browser_hosts: BTreeSet::new(),
        };
        let text = table(&report);
        assert!(text.starts_with("leak  page  phase"), "{text}");
        assert!(text.contains("LEAK  /     before-consent  request  www.google-analytics.com  analytics  Google Analytics  <script src> at /:3"), "{text}");
        assert!(
            text.ends_with("1 leak on 1 page: 1 before consent, 0 after Reject all\n"),
            "{text}"
        );
        let json = serde_json::to_value(&report).expect("json");
        assert_eq!(json["findings"][0]["phase"], "before-consent");
        assert_eq!(json["findings"][0]["kind"], "request");
        assert_eq!(json["findings"][0]["category"], "analytics");
    }
}
