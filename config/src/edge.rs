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
