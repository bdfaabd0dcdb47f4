//! Headless Chromium driven over WebDriver by `chromedriver`, shared by `consentry scan` and
//! `consentry audit`: finding and starting both, a fresh profile per run, the site's pages
//! (sitemap and links, breadth first), the banner's buttons, the cookie jar read and
//! classified, and the plain-text tables both print.

use std::collections::{HashSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use consentry_config::Category;
use consentry_engine::{CookieClassifier, CookieTraits, Source, CONSENT_COOKIE};
use fantoccini::cookies::Cookie;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Map, Value};
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

/// How to install what is missing, on Debian.
const INSTALL: &str = "Debian: apt-get install chromium chromium-driver";

/// A banner button, by the `value` of its `action` (see `consent-banner/`).
#[derive(Debug, Clone, Copy)]
pub(crate) enum BannerAction {
    /// "Accept all".
    AcceptAll,
    /// "Reject all".
    RejectAll,
}

impl BannerAction {
    fn selector(self) -> &'static str {
        match self {
            BannerAction::AcceptAll => "button[name=\"action\"][value=\"accept_all\"]",
            BannerAction::RejectAll => "button[name=\"action\"][value=\"reject_all\"]",
        }
    }

    fn name(self) -> &'static str {
        match self {
            BannerAction::AcceptAll => "Accept all",
            BannerAction::RejectAll => "Reject all",
        }
    }
}

/// Chromium with a fresh profile under `chromedriver` on a free loopback port; both are
/// stopped and the profile removed by [`Browser::close`] (or when dropped).
pub(crate) struct Browser {
    /// The WebDriver session.
    pub(crate) client: Client,
    driver: Driver,
    profile: Profile,
}

impl Browser {
    /// Starts `chromedriver` and Chromium with [`CHROMIUM_FLAGS`], then `args`; `capabilities`
    /// adds to (or replaces) the session's capabilities, and `chrome_options` to its
    /// `goog:chromeOptions`.
    pub(crate) async fn start(
        args: &[String],
        page_load: Duration,
        capabilities: Map<String, Value>,
        chrome_options: Map<String, Value>,
    ) -> Result<Browser> {
        let chromium = find_binary(
            "CONSENTRY_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        )
        .with_context(|| {
            format!("Chromium is not installed ({INSTALL}; or set CONSENTRY_CHROMIUM)")
        })?;
        let driver_path =
            find_binary("CONSENTRY_CHROMEDRIVER", &["chromedriver"]).with_context(|| {
                format!("chromedriver is not installed ({INSTALL}; or set CONSENTRY_CHROMEDRIVER)")
            })?;
        let profile = Profile::new()?;
        let driver = Driver::start(&driver_path)?;
        let mut flags: Vec<String> = CHROMIUM_FLAGS.iter().map(|f| (*f).to_owned()).collect();
        flags.push(format!("--user-data-dir={}", profile.0.display()));
        flags.extend(args.iter().cloned());
        let mut options = Map::new();
        options.insert("binary".into(), json!(chromium));
        options.insert("args".into(), json!(flags));
        options.extend(chrome_options);
        let mut all = Map::new();
        all.insert("goog:chromeOptions".into(), Value::Object(options));
        all.insert(
            "timeouts".into(),
            json!({ "pageLoad": page_load.as_millis() as u64, "script": 10_000 }),
        );
        all.extend(capabilities);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(all)
            .connect(&driver.url)
            .await
            .map_err(|e| anyhow!("starting Chromium through chromedriver: {e}"))?;
        Ok(Browser {
            client,
            driver,
            profile,
        })
    }

    /// Ends the session, stops `chromedriver` and removes the profile.
    pub(crate) async fn close(self) {
        if let Err(e) = self.client.close().await {
            tracing::debug!(error = %e, "closing the browser");
        }
        drop(self.driver);
        drop(self.profile);
    }
}

/// The site's pages in the order to visit them: the start, then the pages of its
/// `sitemap.xml` and the links of each page visited, breadth first, each once.
pub(crate) struct Pages {
    start: Url,
    queue: VecDeque<Url>,
    queued: HashSet<String>,
    sitemap_read: bool,
}

impl Pages {
    /// From `start` on.
    pub(crate) fn new(start: &Url) -> Pages {
        Pages {
            start: start.clone(),
            queue: VecDeque::from([start.clone()]),
            queued: HashSet::from([page_key(start)]),
            sitemap_read: false,
        }
    }

    /// The next page to visit.
    pub(crate) fn next(&mut self) -> Option<Url> {
        self.queue.pop_front()
    }

    /// Queues the sitemap's pages (the first time) and the site's own links on the current
    /// page.
    pub(crate) async fn discover(&mut self, client: &Client) {
        let mut links = Vec::new();
        if !self.sitemap_read {
            self.sitemap_read = true;
            links.extend(sitemap(client, &self.start).await);
        }
        links.extend(page_links(client).await);
        for link in links {
            let Ok(link) = self.start.join(&link) else {
                continue;
            };
            if !same_site(&self.start, &link) || !looks_like_a_page(&link) {
                continue;
            }
            if self.queued.insert(page_key(&link)) {
                self.queue.push_back(link);
            }
        }
    }
}

/// Clicks a banner button and waits until the consent cookie is set; false when the page
/// has no such button.
pub(crate) async fn click_banner(client: &Client, action: BannerAction) -> bool {
    let Ok(button) = client.find(Locator::Css(action.selector())).await else {
        return false;
    };
    if let Err(e) = button.click().await {
        tracing::warn!(error = %e, "the banner's {} could not be clicked", action.name());
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
    tracing::warn!("clicked {}, but no consent cookie was set", action.name());
    true
}

/// Lets scripts that run after the load event (async tags, the banner switching on what was
/// granted) set their cookies and make their requests.
pub(crate) async fn settle() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

/// Every cookie the browser holds for the current page.
pub(crate) async fn cookies(client: &Client) -> Result<Vec<Cookie<'static>>> {
    client
        .get_all_cookies()
        .await
        .map_err(|e| anyhow!("reading the browser's cookies: {e}"))
}

/// What a cookie in the browser's jar is, by the catalogue.
#[derive(Debug, Clone)]
pub(crate) struct CookieClass {
    /// Its category.
    pub(crate) category: Category,
    /// `catalogue`, `fallback`, `learned` (unknown but `HttpOnly` or session: necessary) or
    /// `gateway` (the consent cookie).
    pub(crate) source: &'static str,
    /// The catalogue's vendor.
    pub(crate) vendor: Option<String>,
    /// Seconds it lives from `now`; `None` for a session cookie.
    pub(crate) lifetime_seconds: Option<u64>,
}

/// Classifies a cookie of the browser's jar as the gateway would its `Set-Cookie`.
pub(crate) fn classify_cookie(
    classifier: &CookieClassifier,
    cookie: &Cookie<'_>,
    now: u64,
) -> CookieClass {
    let lifetime_seconds = cookie.expires_datetime().map(|at| {
        u64::try_from(at.unix_timestamp())
            .unwrap_or(0)
            .saturating_sub(now)
    });
    let vendor = classifier
        .catalogue_entry(cookie.name())
        .map(|e| e.vendor.clone());
    if cookie.name() == CONSENT_COOKIE {
        return CookieClass {
            category: Category::Necessary,
            source: "gateway",
            vendor,
            lifetime_seconds,
        };
    }
    let traits = CookieTraits {
        http_only: cookie.http_only().unwrap_or(false),
        session: lifetime_seconds.is_none(),
    };
    let (class, _) = classifier.for_set_cookie(cookie.name(), traits);
    let source = match class.source {
        Source::Guessed => "guessed",
        Source::Unclassified if class.category == Category::Necessary => "learned",
        Source::Unclassified => "fallback",
        _ => "catalogue",
    };
    CookieClass {
        category: class.category,
        source,
        vendor,
        lifetime_seconds,
    }
}

/// Rows under a header, in columns two spaces apart (the last column is not padded).
pub(crate) fn columns(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  "));
            }
        }
        out.trim_end().to_owned()
    };
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let mut out = line(&header);
    out.push('\n');
    for row in rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}

/// A page's path and query, for a table.
pub(crate) fn page_path(page: &str) -> String {
    Url::parse(page).map_or_else(
        |_| page.to_owned(),
        |u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_owned(),
        },
    )
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

/// The same scheme, host and port as where the visit started.
pub(crate) fn same_site(start: &Url, link: &Url) -> bool {
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
        let dir = std::env::temp_dir().join(format!("consentry-browser-{}", hex::encode(random)));
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

    #[test]
    fn columns_line_up() {
        let rows = vec![vec!["a".to_owned(), "bb".to_owned(), "c".to_owned()]];
        assert_eq!(columns(&["xx", "y", "z"], &rows), "xx  y   z\na   bb  c\n");
    }
}
