//! `consentry scan`: visits a site (through the gateway) in headless Chromium, driven over
//! WebDriver by `chromedriver`, accepts every cookie on the banner, follows the sitemap and the
//! site's own links breadth first within a number of pages and a time, and lists every cookie
//! the browser ended up with, classified with the built-in catalogue.

use std::time::{Duration, Instant};

use anyhow::Result;
use consentry_banner::Language;
use consentry_config::{Catalogue, Category, UnknownCookies};
use consentry_engine::inventory::{lifetime_in_words, CookieLifetime};
use consentry_engine::CookieClassifier;
use fantoccini::Client;
use serde::Serialize;
use serde_json::Map;
use url::Url;

use crate::browser::{self, BannerAction, Browser, Pages};

/// What to scan and within which bounds.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Where to start (the site through the gateway).
    pub url: Url,
    /// Pages to visit at most.
    pub max_pages: usize,
    /// Time to spend at most.
    pub max_time: Duration,
    /// Extra Chromium flags (such as `--host-resolver-rules=...`).
    pub chromium_args: Vec<String>,
}

/// A cookie the browser holds after a page.
#[derive(Debug, Clone, Serialize)]
pub struct FoundCookie {
    /// Its name.
    pub name: String,
    /// The domain it is set for.
    pub domain: String,
    /// Its path.
    pub path: String,
    /// Its category by the built-in catalogue (or the fallback).
    pub category: Category,
    /// `catalogue`, `fallback`, `learned` (unknown but `HttpOnly` or session: necessary) or
    /// `gateway` (the consent cookie).
    pub source: &'static str,
    /// The catalogue's vendor.
    pub vendor: Option<String>,
    /// Seconds it lives from when it was seen; `None` for a session cookie.
    pub lifetime_seconds: Option<u64>,
    /// That lifetime in words.
    pub lifetime: String,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite`, empty when not given.
    pub same_site: String,
    /// The first page after which the browser had it.
    pub first_page: String,
}

/// What a scan found.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReport {
    /// Where it started.
    pub url: String,
    /// The pages visited, in order.
    pub pages: Vec<String>,
    /// Whether the banner's "Accept all" was found and clicked.
    pub accepted: bool,
    /// Every cookie, in the order found.
    pub cookies: Vec<FoundCookie>,
}

/// Runs a scan: starts `chromedriver` on a free loopback port and Chromium with a fresh
/// profile, and stops both whatever happens.
pub async fn scan(options: &ScanOptions) -> Result<ScanReport> {
    let page_load = options.max_time.min(Duration::from_secs(30));
    let browser = Browser::start(&options.chromium_args, page_load, Map::new(), Map::new()).await?;
    let result = crawl(&browser.client, options).await;
    browser.close().await;
    result
}

async fn crawl(client: &Client, options: &ScanOptions) -> Result<ScanReport> {
    let started = Instant::now();
    let classifier = CookieClassifier::new(&[], &Catalogue::builtin()?, UnknownCookies::default());
    let mut report = ScanReport {
        url: options.url.to_string(),
        pages: Vec::new(),
        accepted: false,
        cookies: Vec::new(),
    };
    let mut pages = Pages::new(&options.url);
    while let Some(url) = pages.next() {
        if report.pages.len() >= options.max_pages {
            break;
        }
        if started.elapsed() >= options.max_time {
            tracing::info!("scan stopped at its time limit");
            break;
        }
        if let Err(e) = client.goto(url.as_str()).await {
            tracing::warn!(url = %url, error = %e, "page not loaded");
            continue;
        }
        let page = client.current_url().await.unwrap_or_else(|_| url.clone());
        report.pages.push(page.to_string());
        tracing::info!(url = %page, "visited");
        if !report.accepted {
            report.accepted = browser::click_banner(client, BannerAction::AcceptAll).await;
        }
        browser::settle().await;
        collect_cookies(client, &classifier, page.as_str(), &mut report).await?;
        pages.discover(client).await;
    }
    Ok(report)
}

async fn collect_cookies(
    client: &Client,
    classifier: &CookieClassifier,
    page: &str,
    report: &mut ScanReport,
) -> Result<()> {
    let now = crate::unix_now();
    for cookie in browser::cookies(client).await? {
        let domain = cookie.domain().unwrap_or("").to_owned();
        if report
            .cookies
            .iter()
            .any(|c| c.name == cookie.name() && c.domain == domain)
        {
            continue;
        }
        let class = browser::classify_cookie(classifier, &cookie, now);
        let lifetime = class
            .lifetime_seconds
            .map_or(CookieLifetime::Session, CookieLifetime::Seconds);
        report.cookies.push(FoundCookie {
            name: cookie.name().to_owned(),
            vendor: class.vendor,
            domain,
            path: cookie.path().unwrap_or("/").to_owned(),
            category: class.category,
            source: class.source,
            lifetime_seconds: class.lifetime_seconds,
            lifetime: lifetime_in_words(Language::En, lifetime, "unknown"),
            http_only: cookie.http_only().unwrap_or(false),
            secure: cookie.secure().unwrap_or(false),
            same_site: cookie
                .same_site()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            first_page: page.to_owned(),
        });
    }
    Ok(())
}

/// The report as a table.
pub fn table(report: &ScanReport) -> String {
    let header = [
        "name",
        "domain",
        "category",
        "lifetime",
        "HttpOnly",
        "Secure",
        "SameSite",
        "first page",
    ];
    let rows: Vec<Vec<String>> = report
        .cookies
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.domain.clone(),
                c.category.as_str().to_owned(),
                c.lifetime.clone(),
                yes_no(c.http_only),
                yes_no(c.secure),
                if c.same_site.is_empty() {
                    "-".to_owned()
                } else {
                    c.same_site.clone()
                },
                browser::page_path(&c.first_page),
            ]
        })
        .collect();
    let mut out = browser::columns(&header, &rows);
    out.push_str(&format!(
        "{} cookies on {} pages{}\n",
        report.cookies.len(),
        report.pages.len(),
        if report.accepted {
            ", after Accept all"
        } else {
            "; no banner's Accept all was found"
        }
    ));
    out
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}
