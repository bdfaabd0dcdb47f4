//! From the file as written to a validated [`Config`], collecting every problem.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use toml::Spanned;
use url::Url;

use crate::error::{Locator, Problem};
use crate::file::{
    FileAdmin, FileAnalytics, FileConfig, FileConsent, FileServer, FileSite, FileStorage,
};
use crate::model::{
    AdminSettings, AnalyticsSettings, Config, ConsentSettings, CookieRule, HostPattern,
    OversizedPages, PlaceHeaders, RecordIp, ServerSettings, Site, Storage, Timeouts, TlsFiles,
    UnknownCookies, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_UPSTREAM_REQUESTS,
};
use crate::{Category, ConfigError};

/// The data directory used when none is configured: `consentry-data` in the working directory.
pub const DEFAULT_DATA_DIR: &str = "consentry-data";

/// The listening address used when none is configured.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

impl Config {
    /// Parses and validates a configuration file's text. `file` names it in error messages.
    pub fn from_toml(source: &str, file: &str) -> Result<Config, ConfigError> {
        let locator = Locator::new(file, source);
        let parsed: FileConfig = toml::from_str(source).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let message = e.message().trim().to_owned();
            ConfigError::Invalid(vec![locator.problem(offset, "", message)])
        })?;
        let mut v = Validator {
            locator,
            problems: Vec::new(),
        };
        let server = v.server(parsed.server);
        let consent = v.consent(parsed.consent);
        let storage = v.storage(parsed.storage);
        let analytics = v.analytics(parsed.analytics);
        let admin = v.admin(parsed.admin);
        let tcf = v.tcf(parsed.tcf);
        let sites = v.sites(parsed.sites, &consent.regimes);
        if v.problems.is_empty() {
            Ok(Config {
                server,
                consent,
                storage,
                analytics,
                admin,
                tcf,
                sites,
            })
        } else {
            Err(ConfigError::Invalid(v.problems))
        }
    }

    /// The configuration of `consentry proxy --to URL`: one site answering to every host,
    /// every other setting at its default.
    pub fn quick_start(
        upstream: &str,
        listen: SocketAddr,
        data_dir: PathBuf,
    ) -> Result<Config, ConfigError> {
        let upstream = parse_upstream(upstream).map_err(|message| ConfigError::Argument {
            key: "--to".into(),
            message,
        })?;
        Ok(Config {
            server: ServerSettings {
                listen,
                data_dir,
                tls: None,
                timeouts: Timeouts::default(),
                geoip_database: None,
                worker_threads: None,
                max_connections: DEFAULT_MAX_CONNECTIONS,
                oversized_pages: OversizedPages::default(),
                place_headers: None,
            },
            consent: ConsentSettings::default(),
            storage: Storage::default(),
            analytics: AnalyticsSettings::default(),
            admin: AdminSettings::default(),
            tcf: crate::TcfSettings::default(),
            sites: vec![Site {
                name: "default".into(),
                hosts: vec![HostPattern::Any],
                upstream,
                upstream_ca: None,
                privacy_url: None,
                language: None,
                cookie_rules: Vec::new(),
                allow_trackers: Vec::new(),
                banner: crate::BannerSettings::default(),
                max_upstream_requests: DEFAULT_MAX_UPSTREAM_REQUESTS,
                regimes: crate::RegimeMap::default(),
                tcf: None,
            }],
        })
    }
}

/// Checks an origin URL: http or https, a host, no query or fragment.
pub fn parse_upstream(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}` must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{text}` has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{text}` must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("`{text}` must not carry credentials"));
    }
    Ok(url)
}

struct Validator<'a> {
    locator: Locator<'a>,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn report(&mut self, offset: usize, key: impl Into<String>, message: impl Into<String>) {
        let problem = self.locator.problem(offset, key, message);
        self.problems.push(problem);
    }

    fn duration(
        &mut self,
        value: Option<Spanned<String>>,
        key: &str,
        default: Duration,
    ) -> Duration {
        let Some(value) = value else { return default };
        match humantime::parse_duration(value.get_ref()) {
            Ok(d) if !d.is_zero() => d,
            Ok(_) => {
                self.report(value.span().start, key, "must be longer than zero");
                default
            }
            Err(e) => {
                self.report(
                    value.span().start,
                    key,
                    format!(
                        "`{}` is not a duration ({e}); write e.g. \"10s\", \"5m\"",
                        value.get_ref()
                    ),
                );
                default
            }
        }
    }

    fn server(&mut self, file: FileServer) -> ServerSettings {
        let default_listen = SocketAddr::from(([127, 0, 0, 1], 8080));
        let listen = match file.listen {
            None => default_listen,
            Some(text) => text.get_ref().parse().unwrap_or_else(|_| {
                self.report(
                    text.span().start,
                    "server.listen",
                    format!(
                        "`{}` is not an address such as \"0.0.0.0:8080\"",
                        text.get_ref()
                    ),
                );
                default_listen
            }),
        };
        let tls = match (file.tls_cert, file.tls_key) {
            (None, None) => None,
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: PathBuf::from(cert.into_inner()),
                key: PathBuf::from(key.into_inner()),
            }),
            (Some(cert), None) => {
                self.report(
                    cert.span().start,
                    "server.tls_key",
                    "tls_cert is set but tls_key is missing",
                );
                None
            }
            (None, Some(key)) => {
                self.report(
                    key.span().start,
                    "server.tls_cert",
                    "tls_key is set but tls_cert is missing",
                );
                None
            }
        };
        let defaults = Timeouts::default();
        let timeouts = Timeouts {
            header_read: self.duration(
                file.header_read_timeout,
                "server.header_read_timeout",
                defaults.header_read,
            ),
            connect: self.duration(
                file.connect_timeout,
                "server.connect_timeout",
                defaults.connect,
            ),
            upstream: self.duration(
                file.upstream_timeout,
                "server.upstream_timeout",
                defaults.upstream,
            ),
            upstream_idle: self.duration(
                file.upstream_idle_timeout,
                "server.upstream_idle_timeout",
                defaults.upstream_idle,
            ),
            body_read: self.duration(
                file.body_read_timeout,
                "server.body_read_timeout",
                defaults.body_read,
            ),
        };
        let max_connections = self.number(
            file.max_connections,
            "server.max_connections",
            1..=1_000_000,
            DEFAULT_MAX_CONNECTIONS as i64,
        ) as usize;
        let oversized_pages = match file.oversized_pages {
            None => OversizedPages::default(),
            Some(text) => match text.get_ref().as_str() {
                "refuse" => OversizedPages::Refuse,
                "pass" => OversizedPages::Pass,
                other => {
                    self.report(
                        text.span().start,
                        "server.oversized_pages",
                        format!("`{other}` is not \"refuse\" or \"pass\""),
                    );
                    OversizedPages::default()
                }
            },
        };
        let place_headers = self.place_headers(
            file.trusted_proxies,
            file.country_header,
            file.region_header,
        );
        ServerSettings {
            listen,
            data_dir: PathBuf::from(file.data_dir.unwrap_or_else(|| DEFAULT_DATA_DIR.into())),
            tls,
            timeouts,
            geoip_database: file.geoip_database.map(PathBuf::from),
            worker_threads: file
                .worker_threads
                .and_then(|n| match usize::try_from(*n.get_ref()) {
                    Ok(threads @ 1..=1024) => Some(threads),
                    _ => {
                        self.report(
                            n.span().start,
                            "server.worker_threads",
                            "must be a whole number from 1 to 1024",
                        );
                        None
                    }
                }),
            max_connections,
            oversized_pages,
            place_headers,
        }
    }

    /// `trusted_proxies` with `country_header` (and `region_header`): all of them or none, as
    /// a header is believed only from the proxies that set it.
    fn place_headers(
        &mut self,
        proxies: Option<Spanned<Vec<Spanned<String>>>>,
        country: Option<Spanned<String>>,
        region: Option<Spanned<String>>,
    ) -> Option<PlaceHeaders> {
        let proxies_at = proxies.as_ref().map(|list| list.span().start);
        let country_at = country.as_ref().map(|name| name.span().start);
        let region_at = region.as_ref().map(|name| name.span().start);
        let trusted_proxies = proxies.map(|list| self.trusted_proxies(list));
        let country = country.and_then(|name| self.header_name(name, "server.country_header"));
        let region = region.and_then(|name| self.header_name(name, "server.region_header"));
        match (proxies_at, country_at) {
            (None, None) => {
                if let Some(at) = region_at {
                    self.report(
                        at,
                        "server.region_header",
                        "region_header is set but country_header is missing: a subdivision is read only beside its country",
                    );
                }
                return None;
            }
            (None, Some(at)) => {
                self.report(
                    at,
                    "server.country_header",
                    "country_header is set but trusted_proxies is missing: the header is believed only from the proxies that set it, so list their addresses, such as trusted_proxies = [\"203.0.113.0/24\"]",
                );
                return None;
            }
            (Some(at), None) => {
                self.report(
                    at,
                    "server.trusted_proxies",
                    "trusted_proxies is set but country_header is missing: name the header these proxies put the visitor's country in, such as country_header = \"CF-IPCountry\"",
                );
                return None;
            }
            (Some(_), Some(_)) => {}
        }
        Some(PlaceHeaders {
            trusted_proxies: trusted_proxies?,
            country: country?,
            region,
        })
    }

    /// `trusted_proxies`: addresses and networks, each checked.
    fn trusted_proxies(&mut self, list: Spanned<Vec<Spanned<String>>>) -> Vec<ipnet::IpNet> {
        let at = list.span().start;
        let list = list.into_inner();
        if list.is_empty() {
            self.report(
                at,
                "server.trusted_proxies",
                "must list at least one address or network, such as \"203.0.113.0/24\"",
            );
        }
        list.into_iter()
            .enumerate()
            .filter_map(|(i, entry)| {
                let text = entry.get_ref().trim();
                let parsed = text
                    .parse::<ipnet::IpNet>()
                    .map(|net| net.trunc())
                    .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from));
                if parsed.is_err() {
                    self.report(
                        entry.span().start,
                        format!("server.trusted_proxies[{i}]"),
                        format!(
                            "`{text}` is not an address (\"10.0.0.1\") or a network (\"203.0.113.0/24\")"
                        ),
                    );
                }
                parsed.ok()
            })
            .collect()
    }

    /// A header name as written (`CF-IPCountry`), in lower case.
    fn header_name(&mut self, name: Spanned<String>, key: &str) -> Option<String> {
        let at = name.span().start;
        let text = name.get_ref();
        let token = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if token {
            Some(text.to_ascii_lowercase())
        } else {
            self.report(
                at,
                key,
                format!("`{text}` is not a header name, such as \"CF-IPCountry\""),
            );
            None
        }
    }

    fn consent(&mut self, file: FileConsent) -> ConsentSettings {
        let defaults = ConsentSettings::default();
        let policy_version = match file.policy_version {
            None => defaults.policy_version,
            Some(v) => u32::try_from(*v.get_ref()).unwrap_or_else(|_| {
                self.report(
                    v.span().start,
                    "consent.policy_version",
                    "must be a whole number from 0 to 4294967295",
                );
                defaults.policy_version
            }),
        };
        let lifetime = self.duration(file.lifetime, "consent.lifetime", defaults.lifetime);
        let secret = file.secret.and_then(|s| {
            if s.get_ref().len() < 32 {
                self.report(
                    s.span().start,
                    "consent.secret",
                    "must be at least 32 characters; leave it out to have one generated in the data directory",
                );
                None
            } else {
                Some(s.into_inner().into_bytes())
            }
        });
        let unknown_cookies = match file.unknown_cookies {
            None => defaults.unknown_cookies,
            Some(text) => match text.get_ref().as_str() {
                "auto" => UnknownCookies::default(),
                "traits" => UnknownCookies::Traits {
                    fallback: Category::Marketing,
                },
                other => match other.parse::<Category>() {
                    Ok(category) => UnknownCookies::Always(category),
                    Err(_) => {
                        self.report(
                            text.span().start,
                            "consent.unknown_cookies",
                            format!(
                                "`{other}` is not one of auto, traits, necessary, preferences, analytics, marketing"
                            ),
                        );
                        defaults.unknown_cookies
                    }
                },
            },
        };
        let record_ip = match file.record_ip {
            None => defaults.record_ip,
            Some(text) => match text.get_ref().as_str() {
                "truncate" => RecordIp::Truncate,
                "omit" => RecordIp::Omit,
                other => {
                    self.report(
                        text.span().start,
                        "consent.record_ip",
                        format!("`{other}` is not one of truncate, omit"),
                    );
                    defaults.record_ip
                }
            },
        };
        let retention = match file.retention {
            Some(text) if text.get_ref() == "forever" => None,
            Some(text) => Some(self.duration(Some(text), "consent.retention", Duration::ZERO)),
            None => defaults.retention,
        };
        let regimes = self.regimes(
            file.regimes,
            file.regions,
            "consent",
            &crate::RegimeMap::default(),
        );
        ConsentSettings {
            policy_version,
            lifetime,
            secret,
            unknown_cookies,
            record_ip,
            retention,
            regimes,
        }
    }

    /// A regime mapping: `regimes` (a preset) names where it starts, else `inherited`; then
    /// `regions` maps places over it. `key` is the section, for problems.
    fn regimes(
        &mut self,
        preset: Option<Spanned<String>>,
        regions: std::collections::BTreeMap<String, Spanned<String>>,
        key: &str,
        inherited: &crate::RegimeMap,
    ) -> crate::RegimeMap {
        let mut map = match preset {
            None => inherited.clone(),
            Some(text) => match text.get_ref().parse::<crate::RegimePreset>() {
                Ok(preset) => crate::RegimeMap::preset(preset),
                Err(message) => {
                    self.report(text.span().start, format!("{key}.regimes"), message);
                    inherited.clone()
                }
            },
        };
        // In the file's order, so problems come as the lines do.
        let mut regions: Vec<_> = regions.into_iter().collect();
        regions.sort_by_key(|(_, regime)| regime.span().start);
        for (place, regime) in regions {
            let at = regime.span().start;
            let problem_key = format!("{key}.regions.\"{place}\"");
            let place = match place.parse::<crate::RegionKey>() {
                Ok(p) => p,
                Err(message) => {
                    self.report(at, problem_key, message);
                    continue;
                }
            };
            match regime.get_ref().parse::<crate::Regime>() {
                Ok(regime) => map.set(place, regime),
                Err(e) => self.report(at, problem_key, e.to_string()),
            }
        }
        map
    }

    /// `[tcf]`.
    fn tcf(&mut self, file: crate::file::FileTcf) -> crate::TcfSettings {
        let defaults = crate::TcfSettings::default();
        // Both are 12-bit fields of a TC string.
        let cmp_id = self.number(file.cmp_id, "tcf.cmp_id", 0..=4095, 0) as u16;
        let cmp_version = self.number(file.cmp_version, "tcf.cmp_version", 0..=4095, 1) as u16;
        let publisher_cc = match file.publisher_cc {
            None => defaults.publisher_cc,
            Some(cc) if crate::tcf::valid_country(cc.get_ref()) => cc.into_inner(),
            Some(cc) => {
                self.report(
                    cc.span().start,
                    "tcf.publisher_cc",
                    format!(
                        "`{}` is not a country code: two capitals such as \"NL\"",
                        cc.get_ref()
                    ),
                );
                defaults.publisher_cc
            }
        };
        crate::TcfSettings {
            cmp_id,
            cmp_version,
            vendor_list: file.vendor_list.map(PathBuf::from),
            publisher_cc,
        }
    }

    /// `[site.tcf]`; `key` is where it is (`site[0].tcf`).
    fn site_tcf(&mut self, file: Spanned<crate::file::FileSiteTcf>, key: &str) -> crate::SiteTcf {
        let at = file.span().start;
        let file = file.into_inner();
        let mut vendors = Vec::new();
        for (i, id) in file.vendors.into_inner().into_iter().enumerate() {
            match crate::tcf::valid_vendor(*id.get_ref()) {
                Some(vendor) => vendors.push(vendor),
                None => self.report(
                    id.span().start,
                    format!("{key}.vendors[{i}]"),
                    "must be a Global Vendor List id from 1 to 65535",
                ),
            }
        }
        vendors.sort_unstable();
        vendors.dedup();
        if vendors.is_empty() {
            self.report(
                at,
                format!("{key}.vendors"),
                "name the Global Vendor List ids of the site's vendors, e.g. [755]",
            );
        }
        let mut hosts = std::collections::BTreeMap::new();
        for (vendor, list) in file.hosts {
            let line = list.first().map_or(at, |h| h.span().start);
            let Some(id) = vendor
                .parse::<i64>()
                .ok()
                .and_then(crate::tcf::valid_vendor)
                .filter(|id| vendors.contains(id))
            else {
                self.report(
                    line,
                    format!("{key}.hosts.{vendor}"),
                    "must be the id of one of the site's vendors (listed in vendors)",
                );
                continue;
            };
            let mut kept = Vec::new();
            for (j, host) in list.into_iter().enumerate() {
                let text = host.get_ref().trim();
                if text.is_empty() || text.bytes().any(|b| b.is_ascii_whitespace()) {
                    self.report(
                        host.span().start,
                        format!("{key}.hosts.{vendor}[{j}]"),
                        format!("`{text}` is not a host, host/path or /path"),
                    );
                    continue;
                }
                kept.push(text.to_owned());
            }
            hosts.insert(id, kept);
        }
        crate::SiteTcf { vendors, hosts }
    }

    /// A whole number in `range`, or the default with a located problem.
    fn number(
        &mut self,
        value: Option<Spanned<i64>>,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
        default: i64,
    ) -> i64 {
        let Some(value) = value else { return default };
        if range.contains(value.get_ref()) {
            *value.get_ref()
        } else {
            self.report(
                value.span().start,
                key,
                format!(
                    "must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ),
            );
            default
        }
    }

    fn analytics(&mut self, file: FileAnalytics) -> AnalyticsSettings {
        let defaults = AnalyticsSettings::default();
        let query_params = match file.query_params {
            None => defaults.query_params,
            Some(params) => params
                .into_iter()
                .filter_map(|p| {
                    let ok = !p.get_ref().is_empty()
                        && p.get_ref()
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
                    if ok {
                        Some(p.into_inner())
                    } else {
                        self.report(
                            p.span().start,
                            "analytics.query_params",
                            format!(
                                "`{}` is not a query parameter name (letters, digits, _ - .)",
                                p.get_ref()
                            ),
                        );
                        None
                    }
                })
                .collect(),
        };
        AnalyticsSettings {
            enabled: file.enabled.unwrap_or(defaults.enabled),
            k_anonymity: self.number(
                file.k_anonymity,
                "analytics.k_anonymity",
                2..=1000,
                defaults.k_anonymity.into(),
            ) as u32,
            query_params,
            max_values: self.number(
                file.max_values,
                "analytics.max_values",
                10..=1_000_000,
                defaults.max_values as i64,
            ) as usize,
            flush_interval: self.duration(
                file.flush_interval,
                "analytics.flush_interval",
                defaults.flush_interval,
            ),
            visit_timeout: self.duration(
                file.visit_timeout,
                "analytics.visit_timeout",
                defaults.visit_timeout,
            ),
        }
    }

    fn admin(&mut self, file: FileAdmin) -> AdminSettings {
        let defaults = AdminSettings::default();
        AdminSettings {
            max_failed_logins: self.number(
                file.max_failed_logins,
                "admin.max_failed_logins",
                1..=100,
                defaults.max_failed_logins.into(),
            ) as u32,
            lockout: self.duration(file.lockout, "admin.lockout", defaults.lockout),
            session_lifetime: self.duration(
                file.session_lifetime,
                "admin.session_lifetime",
                defaults.session_lifetime,
            ),
        }
    }

    fn storage(&mut self, file: FileStorage) -> Storage {
        let Some(url) = file.url else {
            return Storage::default();
        };
        let text = url.get_ref().trim();
        if text == "sqlite" {
            Storage::Sqlite
        } else if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Storage::Postgres(text.to_owned())
        } else {
            self.report(
                url.span().start,
                "storage.url",
                "must be \"sqlite\" or a postgres:// connection URL",
            );
            Storage::default()
        }
    }

    fn sites(&mut self, sites: Vec<FileSite>, regimes: &crate::RegimeMap) -> Vec<Site> {
        if sites.is_empty() {
            self.report(
                0,
                "site",
                "no [[site]] is configured; add one with hosts and upstream",
            );
        }
        let mut seen_hosts = HashSet::new();
        let mut seen_names = HashSet::new();
        let mut out = Vec::with_capacity(sites.len());
        for (i, site) in sites.into_iter().enumerate() {
            let key = format!("site[{i}]");
            let name = match site.name {
                Some(name) => {
                    if !seen_names.insert(name.get_ref().clone()) {
                        self.report(
                            name.span().start,
                            format!("{key}.name"),
                            "another site has this name",
                        );
                    }
                    name.into_inner()
                }
                None => format!("site{i}"),
            };
            let hosts_span = site.hosts.span().start;
            let hosts = site.hosts.into_inner();
            if hosts.is_empty() {
                self.report(
                    hosts_span,
                    format!("{key}.hosts"),
                    "must list at least one host",
                );
            }
            let hosts = hosts
                .into_iter()
                .enumerate()
                .filter_map(|(j, host)| {
                    let host_key = format!("{key}.hosts[{j}]");
                    let pattern = match parse_host_pattern(host.get_ref()) {
                        Ok(p) => p,
                        Err(message) => {
                            self.report(host.span().start, host_key, message);
                            return None;
                        }
                    };
                    if !seen_hosts.insert(pattern.clone()) {
                        self.report(host.span().start, host_key, "this host is already listed");
                    }
                    Some(pattern)
                })
                .collect();
            let upstream = match parse_upstream(site.upstream.get_ref()) {
                Ok(url) => Some(url),
                Err(message) => {
                    self.report(
                        site.upstream.span().start,
                        format!("{key}.upstream"),
                        message,
                    );
                    None
                }
            };
            let privacy_url = site.privacy_url.and_then(|url| {
                let text = url.get_ref();
                let ok = text.starts_with('/') && !text.starts_with("//")
                    || Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
                if ok {
                    Some(url.into_inner())
                } else {
                    self.report(
                        url.span().start,
                        format!("{key}.privacy_url"),
                        "must be a path such as \"/privacy\" or an http(s) URL",
                    );
                    None
                }
            });
            let language = site.language.and_then(|lang| {
                let text = lang.get_ref();
                if text.len() == 2 && text.bytes().all(|b| b.is_ascii_lowercase()) {
                    Some(lang.into_inner())
                } else {
                    self.report(
                        lang.span().start,
                        format!("{key}.language"),
                        "must be a two-letter language code such as \"nl\"",
                    );
                    None
                }
            });
            let mut cookie_rules = Vec::new();
            let rules = site.cookies;
            for (category, patterns) in [
                (Category::Necessary, rules.necessary),
                (Category::Preferences, rules.preferences),
                (Category::Analytics, rules.analytics),
                (Category::Marketing, rules.marketing),
            ] {
                for (j, pattern) in patterns.into_iter().enumerate() {
                    let text = pattern.get_ref();
                    if text.is_empty()
                        || text
                            .bytes()
                            .any(|b| b.is_ascii_whitespace() || matches!(b, b';' | b'=' | b','))
                    {
                        self.report(
                            pattern.span().start,
                            format!("{key}.cookies.{category}[{j}]"),
                            format!("`{text}` is not a cookie name or glob"),
                        );
                        continue;
                    }
                    cookie_rules.push(CookieRule {
                        pattern: pattern.into_inner(),
                        category,
                    });
                }
            }
            let mut allow_trackers = Vec::new();
            for (j, entry) in site.allow_trackers.into_iter().enumerate() {
                let text = entry.get_ref().trim();
                if text.is_empty() || text.bytes().any(|b| b.is_ascii_whitespace()) {
                    self.report(
                        entry.span().start,
                        format!("{key}.allow_trackers[{j}]"),
                        format!(
                            "`{text}` is not a host, host/path or /path (such as \"maps.googleapis.com\")"
                        ),
                    );
                    continue;
                }
                allow_trackers.push(text.to_owned());
            }
            let max_upstream_requests = self.number(
                site.max_upstream_requests,
                &format!("{key}.max_upstream_requests"),
                1..=1_000_000,
                DEFAULT_MAX_UPSTREAM_REQUESTS as i64,
            ) as usize;
            let banner = crate::banner::validate(
                site.banner,
                &format!("{key}.banner"),
                &mut |offset, key, message| self.report(offset, key, message),
            );
            let regimes = self.regimes(site.regimes, site.regions, &key, regimes);
            let tcf = site
                .tcf
                .map(|tcf| self.site_tcf(tcf, &format!("{key}.tcf")));
            if let Some(upstream) = upstream {
                out.push(Site {
                    name,
                    hosts,
                    upstream,
                    upstream_ca: site.upstream_ca.map(PathBuf::from),
                    privacy_url,
                    language,
                    cookie_rules,
                    allow_trackers,
                    banner,
                    max_upstream_requests,
                    regimes,
                    tcf,
                });
            }
        }
        out
    }
}

fn parse_host_pattern(text: &str) -> Result<HostPattern, String> {
    let host = text.trim().to_ascii_lowercase();
    if host == "*" {
        return Ok(HostPattern::Any);
    }
    let (wildcard, name) = match host.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, host.as_str()),
    };
    let valid = !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !valid {
        return Err(format!(
            "`{text}` is not a host name (write it without scheme or port)"
        ));
    }
    Ok(if wildcard {
        HostPattern::Subdomains(name.to_owned())
    } else {
        HostPattern::Exact(name.to_owned())
    })
}
