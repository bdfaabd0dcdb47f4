//! The validated, immutable configuration the gateway runs on.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use crate::Category;

/// Everything the gateway needs to run, validated.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listening, TLS, storage and timeouts.
    pub server: ServerSettings,
    /// The consent policy shared by every site.
    pub consent: ConsentSettings,
    /// Where consent records are kept.
    pub storage: Storage,
    /// `[analytics]`.
    pub analytics: AnalyticsSettings,
    /// `[admin]`.
    pub admin: AdminSettings,
    /// `[tcf]`: the IAB TCF CMP's registration and the Global Vendor List.
    pub tcf: crate::TcfSettings,
    /// The sites behind the gateway, chosen by `Host`.
    pub sites: Vec<Site>,
}

/// `[server]`.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    /// Where to accept visitors.
    pub listen: SocketAddr,
    /// Where the embedded store and the generated signing key live.
    pub data_dir: PathBuf,
    /// Certificate and key; plain HTTP when absent.
    pub tls: Option<TlsFiles>,
    /// How long to wait for what.
    pub timeouts: Timeouts,
    /// A MaxMind database (GeoLite2/GeoIP2 Country or City) for visitors' countries.
    pub geoip_database: Option<PathBuf>,
    /// Threads serving requests; one per core when absent.
    pub worker_threads: Option<usize>,
    /// Open visitor connections at most; past it a new connection is answered 503.
    pub max_connections: usize,
    /// What happens to a page too large to rewrite (a decompression bomb).
    pub oversized_pages: OversizedPages,
    /// A CDN in front of the gateway that says where visitors are, in headers believed only
    /// from its addresses.
    pub place_headers: Option<PlaceHeaders>,
}

/// `trusted_proxies`, `country_header` and `region_header`: the headers a CDN in front of the
/// gateway puts the visitor's place in, and the addresses whose headers are believed. From any
/// other peer they are ignored, as a visitor could send them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceHeaders {
    /// The proxies' addresses and networks.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The header with the visitor's country (`cf-ipcountry`), in lower case.
    pub country: String,
    /// The header with the visitor's subdivision (`cloudfront-viewer-country-region`), in
    /// lower case, when the CDN sends one.
    pub region: Option<String>,
}

impl PlaceHeaders {
    /// Whether a request from `peer` comes through a trusted proxy. An IPv4 peer seen on an
    /// IPv6 socket (`::ffff:10.0.0.1`) counts as its IPv4 address.
    pub fn trusts(&self, peer: std::net::IpAddr) -> bool {
        let peer = peer.to_canonical();
        self.trusted_proxies.iter().any(|net| net.contains(&peer))
    }
}

/// What the gateway does with an HTML page it cannot rewrite because it decodes to more than
/// the engine's bound (a decompression bomb), when that is found before the visitor got a byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OversizedPages {
    /// Answer 502: nothing passes unchecked.
    #[default]
    Refuse,
    /// Send the origin's bytes on as they came, unrewritten.
    Pass,
}

/// Open visitor connections at most, unless `server.max_connections` says otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;
/// Concurrent requests to one site's origin at most, unless `max_upstream_requests` says
/// otherwise.
pub const DEFAULT_MAX_UPSTREAM_REQUESTS: usize = 1024;

/// PEM files for TLS towards visitors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// Timeouts of the proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// For a visitor to send the request headers.
    pub header_read: Duration,
    /// For a connection to the origin.
    pub connect: Duration,
    /// For the origin's response headers.
    pub upstream: Duration,
    /// How long an unused pooled connection to the origin is kept.
    pub upstream_idle: Duration,
    /// For a visitor's request body: the whole body of Consentry's own endpoints, and each
    /// piece of a body forwarded to the origin.
    pub body_read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: Duration::from_secs(10),
            connect: Duration::from_secs(5),
            upstream: Duration::from_secs(60),
            upstream_idle: Duration::from_secs(90),
            body_read: Duration::from_secs(30),
        }
    }
}

/// What happens to a cookie that neither the site's rules nor the catalogue know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownCookies {
    /// Guessed from the cookie itself (name, lifetime, value, scope): a confident guess stands,
    /// even against the flags; an unsure one is necessary when the origin sets it `HttpOnly` or
    /// for the session, and `fallback` otherwise. In a request, a name the origin was seen to
    /// set as necessary, or one whose name alone is telling; else `fallback`. Reported as
    /// unclassified either way.
    Auto {
        /// The category of unknown cookies that are not plainly functional.
        fallback: Category,
    },
    /// By the flags only, as before guessing: a server-set `HttpOnly` or session cookie counts
    /// as necessary (and is reported as unclassified); anything else, which could be long-lived
    /// and read by scripts, counts as `fallback` and waits for consent.
    Traits {
        /// The category of unknown cookies that are not plainly functional.
        fallback: Category,
    },
    /// Every unknown cookie counts as this category.
    Always(Category),
}

impl Default for UnknownCookies {
    fn default() -> Self {
        UnknownCookies::Auto {
            fallback: Category::Marketing,
        }
    }
}

/// `[consent]`.
#[derive(Debug, Clone)]
pub struct ConsentSettings {
    /// Raising it asks every visitor again.
    pub policy_version: u32,
    /// How long a decision stays valid.
    pub lifetime: Duration,
    /// The key that signs consent cookies; generated and kept in the data directory when absent.
    pub secret: Option<Vec<u8>>,
    /// The fallback for unknown cookies.
    pub unknown_cookies: UnknownCookies,
    /// Whether consent records keep the visitor's network (IPv4 /24, IPv6 /48) or nothing.
    pub record_ip: RecordIp,
    /// Consent records older than this are pruned (behind a signed checkpoint); `None`
    /// keeps them forever.
    pub retention: Option<Duration>,
    /// Which consent model applies where (`regimes` and `[consent.regions]`); a site may map
    /// its own.
    pub regimes: crate::RegimeMap,
}

/// `[analytics]`: what page views are counted and how reports stay anonymous.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyticsSettings {
    /// Whether page views are counted at all.
    pub enabled: bool,
    /// No report shows a row for fewer distinct visitors than this; such rows fold into
    /// "other".
    pub k_anonymity: u32,
    /// Query parameters kept on counted paths (campaign tags); every other one is dropped.
    pub query_params: Vec<String>,
    /// Distinct values (paths, referrers, campaigns) kept per site, dimension and day in
    /// memory before further ones are counted as "other".
    pub max_values: usize,
    /// How often the in-memory counts are written to the store.
    pub flush_interval: Duration,
    /// A consenting visitor's visit ends after this long without a page view.
    pub visit_timeout: Duration,
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        AnalyticsSettings {
            enabled: true,
            k_anonymity: 10,
            query_params: [
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "utm_term",
                "utm_content",
            ]
            .map(String::from)
            .to_vec(),
            max_values: 1000,
            flush_interval: Duration::from_secs(5),
            visit_timeout: Duration::from_secs(30 * 60),
        }
    }
}

/// `[admin]`: the dashboard's accounts and sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminSettings {
    /// Consecutive failed logins after which an account is locked.
    pub max_failed_logins: u32,
    /// How long a locked account stays locked.
    pub lockout: Duration,
    /// How long a dashboard session lasts.
    pub session_lifetime: Duration,
}

impl Default for AdminSettings {
    fn default() -> Self {
        AdminSettings {
            max_failed_logins: 5,
            lockout: Duration::from_secs(15 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
        }
    }
}

/// What a consent record keeps of the visitor's IP address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RecordIp {
    /// IPv4 truncated to /24, IPv6 to /48.
    #[default]
    Truncate,
    /// Nothing.
    Omit,
}

/// Where consent records (and later analytics) are kept.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Storage {
    /// SQLite in the data directory: the embedded default.
    #[default]
    Sqlite,
    /// A PostgreSQL database shared by several gateways (`postgres://...`).
    Postgres(String),
}

impl Default for ConsentSettings {
    fn default() -> Self {
        ConsentSettings {
            policy_version: 1,
            lifetime: Duration::from_secs(365 * 86_400),
            secret: None,
            unknown_cookies: UnknownCookies::default(),
            record_ip: RecordIp::default(),
            retention: Some(Duration::from_secs(3 * 365 * 86_400)),
            regimes: crate::RegimeMap::default(),
        }
    }
}

/// Which `Host` values a site answers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HostPattern {
    /// Exactly this host (lowercase, no port).
    Exact(String),
    /// Any subdomain of this domain (written `*.example.com`), not the domain itself.
    Subdomains(String),
    /// Every host (written `*`): the quick start's single site.
    Any,
}

impl HostPattern {
    /// Whether `host` (lowercase, without port) is one this pattern answers to.
    pub fn matches(&self, host: &str) -> bool {
        match self {
            HostPattern::Exact(h) => h == host,
            HostPattern::Subdomains(domain) => host
                .strip_suffix(domain.as_str())
                .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.')),
            HostPattern::Any => true,
        }
    }
}

/// The owner's classification of one cookie name or glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieRule {
    /// Exact name, or a glob where `*` matches any run of characters.
    pub pattern: String,
    /// The category it belongs to.
    pub category: Category,
}

/// One website behind the gateway.
#[derive(Debug, Clone)]
pub struct Site {
    /// A short name for logs and records.
    pub name: String,
    /// The hosts it answers to.
    pub hosts: Vec<HostPattern>,
    /// The origin requests go to.
    pub upstream: Url,
    /// A PEM bundle of CAs to trust for an https origin, instead of the system's.
    pub upstream_ca: Option<PathBuf>,
    /// Link to the site's privacy statement, shown in the banner.
    pub privacy_url: Option<String>,
    /// The banner's language when the visitor's is not available.
    pub language: Option<String>,
    /// The owner's cookie rules, checked before the catalogue.
    pub cookie_rules: Vec<CookieRule>,
    /// Addresses the site lets through although the catalogue names them as trackers (the
    /// owner's override of a wrong match): `host` (and its subdomains), `host/path-prefix`,
    /// or `/path-prefix` on any host.
    pub allow_trackers: Vec<String>,
    /// The banner's languages, position, theme and texts.
    pub banner: crate::BannerSettings,
    /// Requests in flight to the origin at most (answer and body); past it, 503.
    pub max_upstream_requests: usize,
    /// Which consent model applies where: `[consent]`'s mapping unless the site has its own.
    pub regimes: crate::RegimeMap,
    /// `[site.tcf]`: the IAB TCF vendors the site works with; `None` when TCF is off.
    pub tcf: Option<crate::SiteTcf>,
}
