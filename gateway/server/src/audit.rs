//! `consentry audit`: what a data-protection officer runs before a regulator does. Visits a
//! site in headless Chromium (as `consentry scan` does) with no consent given, then clicks
//! the banner's **Reject all** and visits the same pages again, and lists every third-party
//! request and every cookie of each phase with what caused it. A request to a host the
//! catalogue knows as a tracker of a category other than `necessary`, or a cookie of such a
//! category, is a leak; the command's exit status says whether there was one.
//!
//! Chromium's traffic to any host but the audited one goes to a recording proxy inside the
//! audit ([`proxy`]) that notes it and answers 502, so the audit never reaches a third party
//! (and never depends on one answering); the initiators come from Chromium's own network
//! events ([`network`]).

mod network;
mod proxy;
mod report;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use consentry_config::{Catalogue, Category, UnknownCookies};
use consentry_engine::{CookieClassifier, TrackerIndex};
use fantoccini::Client;
use serde_json::Map;
use url::Url;

use crate::browser::{self, BannerAction, Browser, Pages};
use proxy::RecordingProxy;
pub use report::{table, AuditReport, Finding, Kind, Phase};

/// `consentry audit`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct AuditArgs {
    /// Where to start: the site through the gateway, such as http://127.0.0.1:8080/.
    #[arg(long)]
    pub url: Url,
    /// Pages to visit at most (the URL, then its sitemap's pages and links).
    #[arg(long, default_value_t = 5)]
    pub pages: usize,
    /// Seconds to spend at most (half for the pages before consent, the rest after Reject
    /// all).
    #[arg(long, default_value_t = 120)]
    pub max_time: u64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Another host the browser may reach (a first-party CDN); every host but the audited
    /// one is otherwise refused by the audit's recording proxy.
    #[arg(long = "direct-host")]
    pub direct_hosts: Vec<String>,
    /// An extra Chromium flag (repeatable).
    #[arg(long = "chromium-arg", allow_hyphen_values = true)]
    pub chromium_args: Vec<String>,
}

/// Runs `consentry audit` and prints its report: exit status 0 when nothing leaked, 1 when
/// something did, 2 when the audit could not run.
pub fn command(args: AuditArgs) -> ExitCode {
    let run = async {
        let report = audit(&args).await?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", table(&report));
        }
        anyhow::Ok(report.leaks)
    };
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
        .and_then(|runtime| runtime.block_on(run));
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Audits a site: starts the recording proxy, `chromedriver` and Chromium with a fresh
/// profile, and stops them whatever happens.
pub async fn audit(args: &AuditArgs) -> Result<AuditReport> {
    if !matches!(args.url.scheme(), "http" | "https") {
        bail!("--url: `{}` is not an http or https address", args.url);
    }
    let Some(host) = args.url.host_str().map(str::to_ascii_lowercase) else {
        bail!("--url: `{}` has no host", args.url);
    };
    if args.pages == 0 {
        bail!("--pages: at least 1");
    }
    let proxy = RecordingProxy::start().await?;
    let direct: Vec<String> = std::iter::once(host.clone())
        .chain(args.direct_hosts.iter().map(|h| h.to_ascii_lowercase()))
        .collect();
    let mut flags = vec![
        format!("--proxy-server=http://{}", proxy.addr),
        format!("--proxy-bypass-list={}", direct.join(";")),
        // Nothing is looked up but the hosts reached directly: no DNS query leaves either.
        format!(
            "--host-resolver-rules=MAP * ~NOTFOUND , {}",
            direct
                .iter()
                .map(|h| format!("EXCLUDE {h}"))
                .collect::<Vec<_>>()
                .join(" , ")
        ),
        "--disable-quic".to_owned(),
        "--force-webrtc-ip-handling-policy=disable_non_proxied_udp".to_owned(),
    ];
    flags.extend(args.chromium_args.iter().cloned());
    let max_time = Duration::from_secs(args.max_time);
    let mut capabilities = Map::new();
    capabilities.insert("goog:loggingPrefs".into(), network::logging_prefs());
    let mut chrome_options = Map::new();
    chrome_options.insert("perfLoggingPrefs".into(), network::perf_logging_prefs());
    let page_load = max_time.min(Duration::from_secs(30));
    let browser = Browser::start(&flags, page_load, capabilities, chrome_options).await?;
    let catalogue = Catalogue::builtin()?;
    let mut auditor = Auditor {
        client: &browser.client,
        proxy: &proxy,
        site: args.url.clone(),
        first_party: direct,
        classifier: CookieClassifier::new(&[], &catalogue, UnknownCookies::default()),
        trackers: TrackerIndex::new(&catalogue),
        report: AuditReport {
            url: args.url.to_string(),
            pages: Vec::new(),
            rejected: false,
            leaks: 0,
            findings: Vec::new(),
            browser_hosts: BTreeSet::new(),
        },
        seen: HashSet::new(),
        set_by: HashMap::new(),
        recent_hosts: HashSet::new(),
        attempted: HashSet::new(),
    };
    let result = auditor.run(args.pages, max_time).await;
    let report = auditor.report;
    browser.close().await;
    result.map(|()| report)
}

/// An audit under way.
struct Auditor<'a> {
    client: &'a Client,
    proxy: &'a RecordingProxy,
    site: Url,
    /// The audited host and the `--direct-host`s.
    first_party: Vec<String>,
    classifier: CookieClassifier,
    trackers: TrackerIndex,
    report: AuditReport,
    /// What is listed already: phase, page, what and how.
    seen: HashSet<(Phase, String, String, String)>,
    /// Cookie names with the response that first set them.
    set_by: HashMap<String, String>,
    /// The hosts the previous page requested.
    recent_hosts: HashSet<String>,
    /// The hosts the proxy saw a connection to while the previous page was open.
    attempted: HashSet<String>,
}

impl Auditor<'_> {
    async fn run(&mut self, max_pages: usize, max_time: Duration) -> Result<()> {
        let started = Instant::now();
        // Whatever the browser did before the first page is not the site's.
        network::read(self.client).await?;
        self.proxy.take();
        let mut pages = Pages::new(&self.site);
        let mut visited = Vec::new();
        while let Some(url) = pages.next() {
            if visited.len() >= max_pages {
                break;
            }
            if started.elapsed() >= max_time / 2 {
                tracing::info!("pages before consent stopped at half the time limit");
                break;
            }
            let Some(page) = self.visit(&url).await else {
                continue;
            };
            pages.discover(self.client).await;
            self.note(Phase::BeforeConsent, &page).await?;
            self.report.pages.push(page.to_string());
            visited.push(url);
        }
        if visited.is_empty() {
            bail!("{} could not be loaded", self.site);
        }
        self.report.rejected = browser::click_banner(self.client, BannerAction::RejectAll).await;
        if !self.report.rejected {
            tracing::warn!(
                "no banner's Reject all was found: only the pages before consent are audited"
            );
            return Ok(());
        }
        browser::settle().await;
        let here = self
            .client
            .current_url()
            .await
            .map_or_else(|_| self.site.to_string(), |u| u.to_string());
        self.note(Phase::AfterReject, &here).await?;
        for url in visited {
            if started.elapsed() >= max_time {
                tracing::info!("pages after Reject all stopped at the time limit");
                break;
            }
            if let Some(page) = self.visit(&url).await {
                self.note(Phase::AfterReject, &page).await?;
            }
        }
        Ok(())
    }

    /// Opens a page and waits for its late scripts; the address it ended up at.
    async fn visit(&self, url: &Url) -> Option<String> {
        if let Err(e) = self.client.goto(url.as_str()).await {
            tracing::warn!(url = %url, error = %e, "page not loaded");
            return None;
        }
        browser::settle().await;
        let page = self
            .client
            .current_url()
            .await
            .unwrap_or_else(|_| url.clone());
        tracing::info!(url = %page, "visited");
        Some(page.to_string())
    }

    /// Lists what the browser did and holds since the last call.
    async fn note(&mut self, phase: Phase, page: &str) -> Result<()> {
        let log = network::read(self.client).await?;
        for (name, url) in log.set_cookies {
            self.set_by.entry(name).or_insert(url);
        }
        let mut hosts = HashSet::new();
        for request in log.requests {
            if !matches!(request.url.scheme(), "http" | "https" | "ws" | "wss") {
                continue;
            }
            let Some(host) = request.url.host_str().map(str::to_ascii_lowercase) else {
                continue;
            };
            hosts.insert(host.clone());
            if self.is_first_party(&host) {
                continue;
            }
            let initiator = request.initiator.describe(&self.site);
            let key = (phase, page.to_owned(), request.url.to_string(), initiator);
            if !self.seen.insert(key.clone()) {
                continue;
            }
            let mut finding = self.host_finding(phase, page, Kind::Request, host, key.2);
            finding.resource_type = Some(request.resource_type);
            finding.element = Some(request.initiator.element);
            finding.initiator_url = request.initiator.url;
            finding.initiator_line = request.initiator.line;
            finding.initiator = key.3;
            self.push(finding);
        }
        // The proxy also sees connections no request explains: a `<link rel=preconnect>`
        // hands the host the visitor's address with its TLS handshake; the rest is the
        // browser's own (its update and account services), not the page's.
        let attempted: HashSet<String> = self.proxy.take().into_iter().map(|a| a.host).collect();
        let mut hinted = HashSet::new();
        for (rel, href) in resource_hints(self.client).await {
            let Some(host) = href.host_str().map(str::to_ascii_lowercase) else {
                continue;
            };
            hinted.insert(host.clone());
            if self.is_first_party(&host)
                || hosts.contains(&host)
                || !(attempted.contains(&host) || self.attempted.contains(&host))
            {
                continue;
            }
            let element = format!("<link rel={rel}>");
            let key = (phase, page.to_owned(), host.clone(), element.clone());
            if !self.seen.insert(key) {
                continue;
            }
            let mut finding =
                self.host_finding(phase, page, Kind::Connection, host, href.to_string());
            finding.initiator = format!("{element} in {}", browser::page_path(page));
            finding.element = Some(element);
            finding.initiator_url = Some(page.to_owned());
            self.push(finding);
        }
        for host in &attempted {
            if !hosts.contains(host) && !self.recent_hosts.contains(host) && !hinted.contains(host)
            {
                tracing::debug!(
                    host,
                    "a connection the page did not ask for (the browser's own)"
                );
                self.report.browser_hosts.insert(host.clone());
            }
        }
        self.attempted = attempted;
        self.recent_hosts = hosts;
        self.note_cookies(phase, page).await
    }

    /// The cookies the browser holds, each listed once per phase.
    async fn note_cookies(&mut self, phase: Phase, page: &str) -> Result<()> {
        let now = crate::unix_now();
        for cookie in browser::cookies(self.client).await? {
            let domain = cookie.domain().unwrap_or("").to_owned();
            let key = (
                phase,
                String::new(),
                cookie.name().to_owned(),
                domain.clone(),
            );
            if !self.seen.insert(key) {
                continue;
            }
            let class = browser::classify_cookie(&self.classifier, &cookie, now);
            let (element, initiator_url, initiator) = match self.set_by.get(cookie.name()) {
                Some(url) => (
                    "Set-Cookie",
                    Some(url.clone()),
                    format!("Set-Cookie from {}", network::short_url(url, &self.site)),
                ),
                None => (
                    "document.cookie",
                    None,
                    "document.cookie (no response set it)".to_owned(),
                ),
            };
            self.push(Finding {
                page: page.to_owned(),
                phase,
                kind: Kind::Cookie,
                leak: class.category != Category::Necessary,
                name: cookie.name().to_owned(),
                url: None,
                domain: Some(domain),
                tracker: false,
                category: Some(class.category),
                vendor: class.vendor,
                source: Some(class.source),
                resource_type: None,
                element: Some(element.to_owned()),
                initiator_url,
                initiator_line: None,
                initiator,
            });
        }
        Ok(())
    }

    /// A request or connection to a third-party host, classified by the tracker list.
    fn host_finding(
        &self,
        phase: Phase,
        page: &str,
        kind: Kind,
        host: String,
        url: String,
    ) -> Finding {
        let tracker = self.trackers.for_host(&host);
        Finding {
            page: page.to_owned(),
            phase,
            kind,
            leak: tracker.is_some_and(|t| t.category != Category::Necessary),
            name: host,
            url: Some(url),
            domain: None,
            tracker: tracker.is_some(),
            category: tracker.map(|t| t.category),
            vendor: tracker.map(|t| t.vendor.to_owned()),
            source: None,
            resource_type: None,
            element: None,
            initiator_url: None,
            initiator_line: None,
            initiator: String::new(),
        }
    }

    fn push(&mut self, finding: Finding) {
        if finding.leak {
            self.report.leaks += 1;
        }
        self.report.findings.push(finding);
    }

    fn is_first_party(&self, host: &str) -> bool {
        first_party(&self.first_party, host)
    }
}

/// The page's `<link rel=preconnect>`, `dns-prefetch`, `prefetch` and `preload` hints to
/// other hosts, as (rel, address).
async fn resource_hints(client: &Client) -> Vec<(String, Url)> {
    let script = "return Array.from(document.querySelectorAll('link[rel][href]'), l => [l.rel.toLowerCase(), l.href])";
    let Ok(serde_json::Value::Array(links)) = client.execute(script, Vec::new()).await else {
        return Vec::new();
    };
    links
        .iter()
        .filter_map(|pair| {
            let rel = pair.get(0)?.as_str()?;
            let rel = ["preconnect", "dns-prefetch", "prefetch", "preload"]
                .into_iter()
                .find(|hint| rel.split_ascii_whitespace().any(|r| r == *hint))?;
            let url = Url::parse(pair.get(1)?.as_str()?).ok()?;
            Some((rel.to_owned(), url))
        })
        .collect()
}

/// The audited host, a `--direct-host`, or a subdomain of one (`www.` aside).
fn first_party(own_hosts: &[String], host: &str) -> bool {
    own_hosts.iter().any(|own| {
        let base = own.strip_prefix("www.").unwrap_or(own);
        host == own
            || host == base
            || (base.contains('.')
                && base.parse::<std::net::IpAddr>().is_err()
                && host.ends_with(&format!(".{base}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sites_own_hosts_are_first_party() {
        let own = vec!["www.shop.example".to_owned(), "127.0.0.1".to_owned()];
        assert!(first_party(&own, "www.shop.example"));
        assert!(first_party(&own, "shop.example"));
        assert!(first_party(&own, "cdn.shop.example"));
        assert!(first_party(&own, "127.0.0.1"));
        assert!(!first_party(&own, "shop.example.net"));
        assert!(!first_party(&own, "www.google-analytics.com"));
        assert!(!first_party(&own, "0.0.1"));
    }
}
