//! `consentry scan`: visits a site (through the gateway) in headless Chromium, driven over
//! WebDriver by `chromedriver`, accepts every cookie on the banner, follows the sitemap and the
//! site's own links breadth first within a number of pages and a time, and lists every cookie
//! the browser ended up with, classified with the built-in catalogue.

use std::collections::{HashSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use consentry_banner::Language;
use consentry_config::{Catalogue, Category, UnknownCookies};
use consentry_engine::inventory::{lifetime_in_words, CookieLifetime};
use consentry_engine::{CookieClassifier, CookieTraits, Source, CONSENT_COOKIE};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde::Serialize;
use serde_json::{json, Value};
use url::Url;

/// The flags Chromium runs with: headless, nothing of its own on the network, no first-run
/// or sync, and a fresh profile (added per run).
const CHROMIUM_FLAGS: [&str; 7] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
];

/// The banner's "Accept all" button (see `consent-banner/`).
const ACCEPT_ALL: &str = "button[name=\"action\"][value=\"accept_all\"]";

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
    let chromium = find_binary(
        "CONSENTRY_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    )
    .context(
        "Chromium is not installed (Debian: apt-get install chromium; or set CONSENTRY_CHROMIUM)",
    )?;
    let driver_path = find_binary("CONSENTRY_CHROMEDRIVER", &["chromedriver"])
        .context("chromedriver is not installed (Debian: apt-get install chromium-driver; or set CONSENTRY_CHROMEDRIVER)")?;
    let profile = Profile::new()?;
    let driver = Driver::start(&driver_path)?;
    let mut capabilities = serde_json::Map::new();
    let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
    args.push(format!("--user-data-dir={}", profile.0.display()));
    args.extend(options.chromium_args.iter().cloned());
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": chromium, "args": args }),
    );
    let page_load = options.max_time.min(Duration::from_secs(30));
    capabilities.insert(
        "timeouts".into(),
        json!({ "pageLoad": page_load.as_millis() as u64, "script": 10_000 }),
    );
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .map_err(|e| anyhow!("starting Chromium through chromedriver: {e}"))?;
    let result = crawl(&client, options).await;
    if let Err(e) = client.close().await {
        tracing::debug!(error = %e, "closing the browser");
    }
    drop(driver);
    drop(profile);
    result
}

async fn crawl(client: &Client, options: &ScanOptions) -> Result<ScanReport> {
    let started = Instant::now();
    let classifier = CookieClassifier::new(&[], &Catalogue::builtin()?, UnknownCookies::default());
    let start = options.url.clone();
    let mut report = ScanReport {
        url: start.to_string(),
        pages: Vec::new(),
        accepted: false,
        cookies: Vec::new(),
    };
    let mut queue: VecDeque<Url> = VecDeque::from([start.clone()]);
    let mut queued: HashSet<String> = HashSet::from([page_key(&start)]);
    let mut sitemap_read = false;
    while let Some(url) = queue.pop_front() {
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
            report.accepted = accept_all(client).await;
        }
        settle().await;
        collect_cookies(client, &classifier, page.as_str(), &mut report).await?;
        let mut links = Vec::new();
        if !sitemap_read {
            sitemap_read = true;
            links.extend(sitemap(client, &start).await);
        }
        links.extend(page_links(client).await);
        for link in links {
            let Ok(link) = start.join(&link) else {
                continue;
            };
            if !same_site(&start, &link) || !looks_like_a_page(&link) {
                continue;
            }
            if queued.insert(page_key(&link)) {
                queue.push_back(link);
            }
        }
    }
    Ok(report)
}

/// Clicks the banner's "Accept all", and waits until the consent cookie is set.
async fn accept_all(client: &Client) -> bool {
    let Ok(button) = client.find(Locator::Css(ACCEPT_ALL)).await else {
        return false;
    };
    if let Err(e) = button.click().await {
        tracing::warn!(error = %e, "the banner's Accept all could not be clicked");
        return false;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(cookies) = client.get_all_cookies().await {
            if cookies.iter().any(|c| c.name() == CONSENT_COOKIE) {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tracing::warn!("clicked Accept all, but no consent cookie was set");
    true
}

/// Lets scripts that run after the load event (async tags, the banner switching on what was
/// granted) set their cookies.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

async fn collect_cookies(
    client: &Client,
    classifier: &CookieClassifier,
    page: &str,
    report: &mut ScanReport,
) -> Result<()> {
    let now = time_now();
    let cookies = client
        .get_all_cookies()
        .await
        .map_err(|e| anyhow!("reading the browser's cookies: {e}"))?;
    for cookie in cookies {
        let domain = cookie.domain().unwrap_or("").to_owned();
        if report
            .cookies
            .iter()
            .any(|c| c.name == cookie.name() && c.domain == domain)
        {
            continue;
        }
        let lifetime_seconds = cookie.expires_datetime().map(|at| {
            u64::try_from(at.unix_timestamp())
                .unwrap_or(0)
                .saturating_sub(now)
        });
        let http_only = cookie.http_only().unwrap_or(false);
        let (category, source) = if cookie.name() == CONSENT_COOKIE {
            (Category::Necessary, "gateway")
        } else {
            let traits = CookieTraits {
                http_only,
                session: lifetime_seconds.is_none(),
            };
            let (class, _) = classifier.for_set_cookie(cookie.name(), traits);
            let source = match class.source {
                Source::Unclassified if class.category == Category::Necessary => "learned",
                Source::Unclassified => "fallback",
                _ => "catalogue",
            };
            (class.category, source)
        };
        let lifetime = lifetime_seconds.map_or(CookieLifetime::Session, CookieLifetime::Seconds);
        report.cookies.push(FoundCookie {
            name: cookie.name().to_owned(),
            vendor: classifier
                .catalogue_entry(cookie.name())
                .map(|e| e.vendor.clone()),
            domain,
            path: cookie.path().unwrap_or("/").to_owned(),
            category,
            source,
            lifetime_seconds,
            lifetime: lifetime_in_words(Language::En, lifetime, "unknown"),
            http_only,
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

/// The page addresses the site's `sitemap.xml` lists (none when it has none).
async fn sitemap(client: &Client, start: &Url) -> Vec<String> {
    let Ok(sitemap) = start.join("/sitemap.xml") else {
        return Vec::new();
    };
    let script = "return fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.ok ? r.text() : '').catch(() => '')";
    let text = match client
        .execute(script, vec![Value::String(sitemap.to_string())])
        .await
    {
        Ok(Value::String(text)) => text,
        _ => return Vec::new(),
    };
    text.split("<loc>")
        .skip(1)
        .filter_map(|rest| rest.split("</loc>").next())
        .map(|loc| loc.trim().replace("&amp;", "&"))
        .collect()
}

/// Every link on the current page, as absolute addresses.
async fn page_links(client: &Client) -> Vec<String> {
    let script = "return Array.from(document.querySelectorAll('a[href]'), a => a.href)";
    match client.execute(script, Vec::new()).await {
        Ok(Value::Array(links)) => links
            .into_iter()
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The same scheme, host and port as where the scan started.
fn same_site(start: &Url, link: &Url) -> bool {
    matches!(link.scheme(), "http" | "https")
        && link.scheme() == start.scheme()
        && link.host_str() == start.host_str()
        && link.port_or_known_default() == start.port_or_known_default()
}

/// Leaves out Consentry's own paths and files that are not pages.
fn looks_like_a_page(link: &Url) -> bool {
    let path = link.path().to_ascii_lowercase();
    !path.starts_with("/__consentry/")
        && ![
            ".pdf", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".css", ".js",
            ".xml", ".txt", ".mp4", ".mp3", ".ico", ".woff2",
        ]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// A page's address without its fragment, to visit each page once.
fn page_key(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.to_string()
}

fn time_now() -> u64 {
    crate::unix_now()
}

/// A binary named by `variable`, or the first of `names` on the `PATH` (or in `/usr/bin`).
fn find_binary(variable: &str, names: &[&str]) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        bail!("{variable}={} is not a file", path.display());
    }
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for name in names {
        for dir in dirs
            .iter()
            .map(PathBuf::as_path)
            .chain([Path::new("/usr/bin")])
        {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!("none of {} found", names.join(", "))
}

/// A fresh Chromium profile directory, removed afterwards.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Result<Profile> {
        let random = crate::random_bytes::<8>().map_err(|e| anyhow!("{e}"))?;
        let dir = std::env::temp_dir().join(format!("consentry-scan-{}", hex::encode(random)));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating the browser profile {}", dir.display()))?;
        Ok(Profile(dir))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `chromedriver` on a free loopback port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(path: &Path) -> Result<Driver> {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .context("finding a free loopback port for chromedriver")?
            .port();
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", path.display()))?;
        let mut driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_err() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                bail!("chromedriver exited at start: {status}");
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not listen on {address} within 15 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(driver)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
    let rows: Vec<[String; 8]> = report
        .cookies
        .iter()
        .map(|c| {
            [
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
                page_path(&c.first_page),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  "));
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = line(&header.map(str::to_owned));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
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

fn page_path(page: &str) -> String {
    Url::parse(page).map_or_else(
        |_| page.to_owned(),
        |u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sites_own_pages_are_followed() {
        let start = Url::parse("http://127.0.0.1:8080/").expect("url");
        let join = |l: &str| start.join(l).expect("link");
        assert!(same_site(&start, &join("/shop.html#beans")));
        assert!(!same_site(&start, &join("http://127.0.0.1:9090/")));
        assert!(!same_site(&start, &join("https://www.youtube.com/")));
        assert!(!same_site(&start, &join("mailto:hello@example.com")));
        assert!(!looks_like_a_page(&join("/img/bean.svg")));
        assert!(!looks_like_a_page(&join("/__consentry/receipt")));
        assert_eq!(page_key(&join("/a#b")), page_key(&join("/a")));
    }
}
