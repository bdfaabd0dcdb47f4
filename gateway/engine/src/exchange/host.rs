//! What the engine asks of the host it runs in: its store, its randomness, its counters in
//! memory, and the few things only a host can know (is it ready, does it keep metrics).
//! Everything here is a capability the host provides; none of it is a decision.

use std::future::Future;
use std::pin::Pin;

use crate::analytics::Counter;
use crate::inventory::CookieInventory;
use crate::set_cookie::SetCookieFilter;
use crate::store::{MaybeSendSync, Store, StoreError, StoreFuture};
use crate::{ConsentRecord, CookieFilter, Place};

/// A boxed future a host returns: `Send` natively, not in a Worker (JavaScript promises).
#[cfg(not(target_arch = "wasm32"))]
pub type HostFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future a host returns: `Send` natively, not in a Worker (JavaScript promises).
#[cfg(target_arch = "wasm32")]
pub type HostFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The host of one request: the native gateway or the Worker.
pub trait Host: MaybeSendSync {
    /// The store: the consent log, accounts, analytics and the cookie inventory.
    fn store(&self) -> Result<&dyn Store, StoreError>;

    /// Appends a record to the consent log; resolves once it is durable.
    fn append(&self, record: ConsentRecord) -> StoreFuture<'_, u64>;

    /// Writes what the host counted in memory (views, decisions, cookies seen) to the store,
    /// so that a read that follows sees it.
    fn flush(&self) -> HostFuture<'_, ()>;

    /// Fresh randomness, or why there is none.
    fn random(&self, out: &mut [u8]) -> Result<(), String>;

    /// A new day's salt for visitor hashes in the analytics.
    fn salt(&self) -> [u8; 32];

    /// Where the visitor is, as far as the host can tell (a GeoIP database, a trusted CDN
    /// header, `request.cf`). Asked only when something needs it.
    fn place(&self) -> Place;

    /// The page views and banner answers counted since the last flush.
    fn analytics(&self) -> &Counter;

    /// The cookies seen since the last flush.
    fn inventory(&self) -> &CookieInventory;

    /// Whether the host takes requests: not stopping, and its store answers.
    fn ready(&self) -> HostFuture<'_, Result<(), String>>;

    /// Whether the host keeps metrics (a Worker's isolates have no process to count in).
    fn keeps_metrics(&self) -> bool;

    /// The host's metrics as OpenMetrics text.
    fn metrics(&self) -> String;

    /// Notes what happened, for the host's metrics. Hosts without metrics ignore it.
    fn observe(&self, _event: Event<'_>) {}
}

/// What happened on a request, for the host's metrics.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A request for a site, by the kind of path.
    Request {
        /// The site's name.
        site: &'a str,
        /// `origin`, `consent`, `asset`, `receipt`, `cookies`, `erase`, `admin` or `other`.
        route: &'static str,
    },
    /// What the visitor's `Cookie` header lost on the way to the origin.
    RequestCookies {
        /// The site's name.
        site: &'a str,
        /// What was kept and removed.
        filter: &'a CookieFilter,
    },
    /// What the origin's `Set-Cookie` headers lost on the way to the visitor.
    ResponseCookies {
        /// The site's name.
        site: &'a str,
        /// What was kept and removed.
        filter: &'a SetCookieFilter,
    },
    /// A decision was recorded.
    Decision {
        /// The site's name.
        site: &'a str,
        /// The record kind's name.
        kind: &'static str,
    },
    /// The origin could not be used.
    Upstream {
        /// The site's name.
        site: &'a str,
        /// What went wrong.
        failure: UpstreamFailure,
    },
    /// A page too large to rewrite.
    Oversized {
        /// The site's name.
        site: &'a str,
        /// Passed unrewritten (`true`) or refused.
        passed: bool,
    },
}

/// Why the origin could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpstreamFailure {
    /// No connection or no answer.
    Unreachable,
    /// No answer in time.
    Timeout,
    /// Too many requests in flight to it already.
    Overloaded,
    /// Its body broke off or did not decode.
    Body,
}

impl UpstreamFailure {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            UpstreamFailure::Unreachable => "unreachable",
            UpstreamFailure::Timeout => "timeout",
            UpstreamFailure::Overloaded => "overloaded",
            UpstreamFailure::Body => "body",
        }
    }

    /// The page the visitor gets.
    pub fn page(self) -> crate::pages::Page {
        use crate::pages;
        match self {
            UpstreamFailure::Unreachable => pages::origin_unreachable(),
            UpstreamFailure::Timeout => pages::origin_timeout(),
            UpstreamFailure::Overloaded => pages::overloaded(),
            UpstreamFailure::Body => pages::origin_body_failed(),
        }
    }
}

/// Why a request body Consentry reads itself could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadFailure {
    /// Longer than the path takes.
    TooLarge,
    /// It did not arrive in time.
    TimedOut,
    /// The connection broke, or the runtime refused it.
    Broken(String),
}
