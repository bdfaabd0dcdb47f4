//! Prometheus metrics (`GET /__consentry/metrics`): what the gateway did, by site, with typed
//! labels, in the OpenMetrics text format. One set per process, kept across config reloads.

use std::time::Duration;

use consentry_config::Category;
use consentry_engine::{CookieFilter, RewriteStats, SetCookieFilter};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The content type of the answer.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    site: String,
    route: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabels {
    site: String,
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CookieLabels {
    site: String,
    category: &'static str,
    direction: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SiteLabels {
    site: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

pub use consentry_engine::exchange::UpstreamFailure;

/// What became of a page too large to rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversized {
    /// Answered 502.
    Refused,
    /// Sent on unrewritten.
    Passed,
    /// Found after the first bytes had left: the response was cut short.
    Cut,
}

type HistogramFamily = Family<SiteLabels, Histogram, fn() -> Histogram>;

/// Every metric the gateway keeps.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RouteLabels, Counter>,
    upstream_errors: Family<KindLabels, Counter>,
    cookies_stripped: Family<CookieLabels, Counter>,
    blocked: Family<KindLabels, Counter>,
    decisions: Family<KindLabels, Counter>,
    rewrite_seconds: HistogramFamily,
    oversized: Family<KindLabels, Counter>,
    open_connections: Gauge,
    refused_connections: Counter,
    reloads: Family<ResultLabels, Counter>,
}

fn rewrite_histogram() -> Histogram {
    // 50 µs to about 1.6 s.
    Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// A fresh set, registered.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("consentry");
        let requests = Family::default();
        registry.register(
            "requests",
            "Requests answered, by site and route (origin, consent, asset, receipt, cookies, erase, admin, other)",
            requests.clone(),
        );
        let upstream_errors = Family::default();
        registry.register(
            "upstream_errors",
            "Requests to the origin that failed, by kind (unreachable, timeout, body, overloaded)",
            upstream_errors.clone(),
        );
        let cookies_stripped = Family::default();
        registry.register(
            "cookies_stripped",
            "Cookies removed for want of consent, by category and direction (request: Cookie to the origin; response: Set-Cookie to the visitor)",
            cookies_stripped.clone(),
        );
        let blocked = Family::default();
        registry.register(
            "blocked_elements",
            "Elements neutralised in pages, by kind (script, embed, pixel, link)",
            blocked.clone(),
        );
        let decisions = Family::default();
        registry.register(
            "decisions",
            "Consent decisions recorded, by kind",
            decisions.clone(),
        );
        let rewrite_seconds: HistogramFamily = Family::new_with_constructor(rewrite_histogram);
        registry.register(
            "rewrite_seconds",
            "Time spent decoding, rewriting and encoding one page, in seconds",
            rewrite_seconds.clone(),
        );
        let oversized = Family::default();
        registry.register(
            "oversized_pages",
            "Pages too large to rewrite (decompression bombs), by what was done (refused, passed, cut)",
            oversized.clone(),
        );
        let open_connections = Gauge::default();
        registry.register(
            "open_connections",
            "Visitor connections open now",
            open_connections.clone(),
        );
        let refused_connections = Counter::default();
        registry.register(
            "refused_connections",
            "Visitor connections answered 503 past server.max_connections",
            refused_connections.clone(),
        );
        let reloads = Family::default();
        registry.register(
            "config_reloads",
            "Configuration reloads on SIGHUP, by result (applied, refused)",
            reloads.clone(),
        );
        Metrics {
            registry,
            requests,
            upstream_errors,
            cookies_stripped,
            blocked,
            decisions,
            rewrite_seconds,
            oversized,
            open_connections,
            refused_connections,
            reloads,
        }
    }

    /// The metrics in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "metrics could not be encoded");
        }
        out
    }

    /// A request for `site` took `route`.
    pub fn request(&self, site: &str, route: &'static str) {
        self.requests
            .get_or_create(&RouteLabels {
                site: site.to_owned(),
                route,
            })
            .inc();
    }

    /// A request to `site`'s origin failed.
    pub fn upstream_error(&self, site: &str, failure: UpstreamFailure) {
        self.upstream_errors
            .get_or_create(&KindLabels {
                site: site.to_owned(),
                kind: failure.as_str(),
            })
            .inc();
    }

    /// The cookies a request lost on its way to the origin.
    pub fn request_cookies(&self, site: &str, filter: &CookieFilter) {
        self.stripped(site, "request", &filter.removed);
    }

    /// The cookies a response lost on its way to the visitor.
    pub fn response_cookies(&self, site: &str, filter: &SetCookieFilter) {
        self.stripped(site, "response", &filter.removed);
    }

    fn stripped(&self, site: &str, direction: &'static str, removed: &[u32; 4]) {
        for category in Category::ALL {
            let n = removed[usize::from(category.index())];
            if n > 0 {
                self.cookies_stripped
                    .get_or_create(&CookieLabels {
                        site: site.to_owned(),
                        category: category.as_str(),
                        direction,
                    })
                    .inc_by(u64::from(n));
            }
        }
    }

    /// A page was rewritten in `spent`, doing what `stats` says.
    pub fn page_rewritten(&self, site: &str, spent: Duration, stats: &RewriteStats) {
        self.rewrite_seconds
            .get_or_create(&SiteLabels {
                site: site.to_owned(),
            })
            .observe(spent.as_secs_f64());
        for (kind, n) in [
            ("script", stats.scripts_blocked),
            ("embed", stats.embeds_blocked),
            ("pixel", stats.pixels_removed),
            ("link", stats.links_removed),
        ] {
            if n > 0 {
                self.blocked
                    .get_or_create(&KindLabels {
                        site: site.to_owned(),
                        kind,
                    })
                    .inc_by(u64::from(n));
            }
        }
    }

    /// A decision of `kind` was recorded.
    pub fn decision(&self, site: &str, kind: &'static str) {
        self.decisions
            .get_or_create(&KindLabels {
                site: site.to_owned(),
                kind,
            })
            .inc();
    }

    /// A page was too large to rewrite.
    pub fn oversized(&self, site: &str, what: Oversized) {
        let kind = match what {
            Oversized::Refused => "refused",
            Oversized::Passed => "passed",
            Oversized::Cut => "cut",
        };
        self.oversized
            .get_or_create(&KindLabels {
                site: site.to_owned(),
                kind,
            })
            .inc();
    }

    /// A visitor connection opened (`+1`) or closed (`-1`).
    pub fn connections(&self, delta: i64) {
        self.open_connections.inc_by(delta);
    }

    /// A connection was refused past the cap.
    pub fn connection_refused(&self) {
        self.refused_connections.inc();
    }

    /// A reload was applied or refused.
    pub fn reload(&self, applied: bool) {
        self.reloads
            .get_or_create(&ResultLabels {
                result: if applied { "applied" } else { "refused" },
            })
            .inc();
    }
}
