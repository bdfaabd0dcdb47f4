//! The settings a Cloudflare Worker cannot honour. The Worker refuses to start with any of
//! them set, and `consentry check --edge` lists them, rather than ignore them: a setting that
//! silently does nothing on one host is a difference between hosts nobody sees.

use crate::{Config, Storage, Timeouts, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_UPSTREAM_REQUESTS};

/// A setting the Worker cannot honour, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct EdgeRefusal {
    /// The setting, as written in `consentry.toml` (`site[0].upstream_ca`).
    pub key: String,
    /// Why a Worker cannot honour it.
    pub reason: &'static str,
}

impl Config {
    /// Every setting of this config that a Worker cannot honour; empty when it can run as is.
    pub fn edge_refusals(&self) -> Vec<EdgeRefusal> {
        let mut refusals = Vec::new();
        let mut refuse = |key: &str, reason: &'static str| {
            refusals.push(EdgeRefusal {
                key: key.to_owned(),
                reason,
            })
        };
        let server = &self.server;
        if server.tls.is_some() {
            refuse(
                "server.tls_cert",
                "Cloudflare terminates TLS in front of a Worker; remove tls_cert and tls_key",
            );
        }
        if server.geoip_database.is_some() {
            refuse(
                "server.geoip_database",
                "a Worker reads the visitor's country from request.cf; remove it",
            );
        }
        if server.place_headers.is_some() {
            refuse(
                "server.country_header",
                "a Worker reads the visitor's place from request.cf, which Cloudflare fills in itself; remove country_header, region_header and trusted_proxies",
            );
        }
        if self.tcf.vendor_list.is_some() {
            refuse(
                "tcf.vendor_list",
                "a Worker has no files; give the Global Vendor List as its CONSENTRY_GVL binding (wasm/dev.sh --gvl FILE) and remove vendor_list",
            );
        }
        if server.worker_threads.is_some() {
            refuse(
                "server.worker_threads",
                "the Workers runtime schedules isolates itself; remove it",
            );
        }
        if server.max_connections != DEFAULT_MAX_CONNECTIONS {
            refuse(
                "server.max_connections",
                "the Workers runtime holds visitors' connections, not the Worker; remove it",
            );
        }
        let defaults = Timeouts::default();
        for (key, set, default) in [
            (
                "server.header_read_timeout",
                server.timeouts.header_read,
                defaults.header_read,
            ),
            (
                "server.connect_timeout",
                server.timeouts.connect,
                defaults.connect,
            ),
            (
                "server.upstream_idle_timeout",
                server.timeouts.upstream_idle,
                defaults.upstream_idle,
            ),
            (
                "server.body_read_timeout",
                server.timeouts.body_read,
                defaults.body_read,
            ),
        ] {
            if set != default {
                refuse(
                    key,
                    "the Workers runtime reads requests and pools connections itself; remove it",
                );
            }
        }
        if let Storage::Postgres(_) = self.storage {
            refuse(
                "storage.url",
                "a Worker keeps its consent log in D1 (the `DB` binding), not PostgreSQL",
            );
        }
        for (i, site) in self.sites.iter().enumerate() {
            if site.upstream_ca.is_some() {
                refuse(
                    &format!("site[{i}].upstream_ca"),
                    "a Worker's fetch trusts the public certificate authorities only; remove it",
                );
            }
            if site.max_upstream_requests != DEFAULT_MAX_UPSTREAM_REQUESTS {
                refuse(
                    &format!("site[{i}].max_upstream_requests"),
                    "a Worker's isolates cannot count the requests in flight between them; remove it",
                );
            }
        }
        refusals
    }
}

#[cfg(test)]
mod tests {
    use crate::Config;

    fn refused(toml: &str) -> Vec<String> {
        let config = Config::from_toml(toml, "consentry.toml").expect("valid config");
        config.edge_refusals().into_iter().map(|r| r.key).collect()
    }

    const SITE: &str = "[[site]]\nhosts = [\"shop.test\"]\nupstream = \"http://127.0.0.1:9\"\n";

    #[test]
    fn a_config_at_its_defaults_runs_at_the_edge() {
        assert!(refused(SITE).is_empty());
        // What a Worker honours is not refused.
        let honoured =
            format!("[server]\nupstream_timeout = \"5s\"\noversized_pages = \"pass\"\n\n{SITE}");
        assert!(refused(&honoured).is_empty());
    }

    #[test]
    fn each_setting_a_worker_cannot_honour_is_named() {
        for (server, key) in [
            (
                "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"",
                "server.tls_cert",
            ),
            (
                "geoip_database = \"GeoLite2-Country.mmdb\"",
                "server.geoip_database",
            ),
            (
                "trusted_proxies = [\"10.0.0.0/8\"]\ncountry_header = \"CF-IPCountry\"\nregion_header = \"CF-Region-Code\"",
                "server.country_header",
            ),
            ("worker_threads = 2", "server.worker_threads"),
            ("max_connections = 5", "server.max_connections"),
            ("header_read_timeout = \"2s\"", "server.header_read_timeout"),
            ("connect_timeout = \"2s\"", "server.connect_timeout"),
            (
                "upstream_idle_timeout = \"2s\"",
                "server.upstream_idle_timeout",
            ),
            ("body_read_timeout = \"2s\"", "server.body_read_timeout"),
        ] {
            assert_eq!(refused(&format!("[server]\n{server}\n\n{SITE}")), [key]);
        }
        assert_eq!(
            refused(&format!(
                "[storage]\nurl = \"postgres://u@db/consent\"\n\n{SITE}"
            )),
            ["storage.url"]
        );
        assert_eq!(
            refused(&format!(
                "{SITE}upstream_ca = \"ca.pem\"\nmax_upstream_requests = 4\n"
            )),
            ["site[0].upstream_ca", "site[0].max_upstream_requests"]
        );
        assert_eq!(
            refused(&format!(
                "[tcf]\ncmp_id = 7\nvendor_list = \"vendor-list.json\"\n\n{SITE}"
            )),
            ["tcf.vendor_list"]
        );
    }
}
