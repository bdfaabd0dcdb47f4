//! The configuration file as written: every field optional where a default exists, spans
//! kept on the values that validation may reject so that errors can name their line.

use serde::Deserialize;
use toml::Spanned;

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    #[serde(default)]
    pub server: FileServer,
    #[serde(default)]
    pub consent: FileConsent,
    #[serde(default)]
    pub storage: FileStorage,
    #[serde(default)]
    pub analytics: FileAnalytics,
    #[serde(default)]
    pub admin: FileAdmin,
    #[serde(default)]
    pub tcf: FileTcf,
    #[serde(default, rename = "site")]
    pub sites: Vec<FileSite>,
}

/// `[tcf]`: the CMP's registration and the Global Vendor List.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileTcf {
    pub cmp_id: Option<Spanned<i64>>,
    pub cmp_version: Option<Spanned<i64>>,
    pub vendor_list: Option<String>,
    pub publisher_cc: Option<Spanned<String>>,
}

/// `[site.tcf]`: the site's vendors and their addresses.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSiteTcf {
    pub vendors: Spanned<Vec<Spanned<i64>>>,
    /// Vendor id (as a TOML key) → its addresses.
    #[serde(default)]
    pub hosts: std::collections::BTreeMap<String, Vec<Spanned<String>>>,
}

/// `[server]`: where the gateway listens and how long it waits.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileServer {
    pub listen: Option<Spanned<String>>,
    pub data_dir: Option<String>,
    pub tls_cert: Option<Spanned<String>>,
    pub tls_key: Option<Spanned<String>>,
    pub header_read_timeout: Option<Spanned<String>>,
    pub connect_timeout: Option<Spanned<String>>,
    pub upstream_timeout: Option<Spanned<String>>,
    pub upstream_idle_timeout: Option<Spanned<String>>,
    pub geoip_database: Option<String>,
    pub worker_threads: Option<Spanned<i64>>,
    pub body_read_timeout: Option<Spanned<String>>,
    pub max_connections: Option<Spanned<i64>>,
    pub oversized_pages: Option<Spanned<String>>,
    /// Addresses and networks of the CDN in front of the gateway, whose place headers count.
    pub trusted_proxies: Option<Spanned<Vec<Spanned<String>>>>,
    /// The header those proxies put the visitor's country in (`CF-IPCountry`).
    pub country_header: Option<Spanned<String>>,
    /// The header those proxies put the visitor's subdivision in.
    pub region_header: Option<Spanned<String>>,
}

/// `[consent]`: the policy every site shares.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConsent {
    pub policy_version: Option<Spanned<i64>>,
    pub lifetime: Option<Spanned<String>>,
    pub secret: Option<Spanned<String>>,
    pub unknown_cookies: Option<Spanned<String>>,
    pub record_ip: Option<Spanned<String>>,
    pub retention: Option<Spanned<String>>,
    /// `strict` or `by-region`.
    pub regimes: Option<Spanned<String>>,
    /// `[consent.regions]`: place → regime, over the preset.
    #[serde(default)]
    pub regions: std::collections::BTreeMap<String, Spanned<String>>,
}

/// `[storage]`: where consent records are kept.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileStorage {
    pub url: Option<Spanned<String>>,
}

/// `[analytics]`: consent-aware page-view counting.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileAnalytics {
    pub enabled: Option<bool>,
    pub k_anonymity: Option<Spanned<i64>>,
    pub query_params: Option<Vec<Spanned<String>>>,
    pub max_values: Option<Spanned<i64>>,
    pub flush_interval: Option<Spanned<String>>,
    pub visit_timeout: Option<Spanned<String>>,
}

/// `[admin]`: the dashboard's accounts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileAdmin {
    pub max_failed_logins: Option<Spanned<i64>>,
    pub lockout: Option<Spanned<String>>,
    pub session_lifetime: Option<Spanned<String>>,
}

/// `[[site]]`: one website behind the gateway.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSite {
    pub name: Option<Spanned<String>>,
    pub hosts: Spanned<Vec<Spanned<String>>>,
    pub upstream: Spanned<String>,
    pub upstream_ca: Option<String>,
    pub privacy_url: Option<Spanned<String>>,
    pub language: Option<Spanned<String>>,
    pub max_upstream_requests: Option<Spanned<i64>>,
    #[serde(default)]
    pub allow_trackers: Vec<Spanned<String>>,
    #[serde(default)]
    pub cookies: FileCookieRules,
    #[serde(default)]
    pub banner: FileBanner,
    /// `strict` or `by-region`, instead of `[consent]`'s.
    pub regimes: Option<Spanned<String>>,
    /// `[site.regions]`: place → regime, over the site's (or `[consent]`'s) mapping.
    #[serde(default)]
    pub regions: std::collections::BTreeMap<String, Spanned<String>>,
    /// `[site.tcf]`: TCF for this site.
    pub tcf: Option<Spanned<FileSiteTcf>>,
}

/// `[site.cookies]`: the owner's own classification, by exact name or `*` glob.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileCookieRules {
    #[serde(default)]
    pub necessary: Vec<Spanned<String>>,
    #[serde(default)]
    pub preferences: Vec<Spanned<String>>,
    #[serde(default)]
    pub analytics: Vec<Spanned<String>>,
    #[serde(default)]
    pub marketing: Vec<Spanned<String>>,
}

/// `[site.banner]`: the banner's languages, position, theme and texts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileBanner {
    pub languages: Option<Spanned<Vec<Spanned<String>>>>,
    pub position: Option<Spanned<String>>,
    #[serde(default)]
    pub theme: FileTheme,
    /// `[site.banner.texts.<language>]`: replacement texts by key.
    #[serde(default)]
    pub texts:
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, Spanned<String>>>,
}

/// `[site.banner.theme]`: colours and font, as CSS custom properties.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileTheme {
    pub background: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    pub accent: Option<Spanned<String>>,
    pub accent_text: Option<Spanned<String>>,
    pub font: Option<Spanned<String>>,
}
