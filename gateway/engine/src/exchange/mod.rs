//! The path of one request, the same on every host. The host reads a request and hands it to
//! [`Engine::plan`]; the engine answers it, asks the host to read its body and answer it with
//! the host's stores ([`OwnRequest`]), or plans how to forward it ([`Forward`]). Once the
//! origin answered, [`Forward::respond`] says which headers to send, what to do with the body
//! and which effects to carry out. The host only moves bytes and carries out what it is told.
//!
//! ```text
//! host: read request ──► Engine::plan ──► Answer(page)          ──► host sends it
//!                                     ├─► Own(request)          ──► host reads the body (≤ limit)
//!                                     │                             ──► OwnRequest::answer(host) ──► page
//!                                     └─► Forward(plan)         ──► host calls the origin
//!                                                                   ──► Forward::respond ──► headers,
//!                                                                       body action, effects
//! ```

mod forward;
mod host;
mod own;
mod upkeep;

#[cfg(test)]
mod tests;

use std::net::IpAddr;
use std::sync::Arc;

use http::header::{self, HeaderMap};
use http::Method;

pub use forward::{BodyAction, Effects, Forward, ResponsePlan};
pub use host::{Event, Host, HostFuture, ReadFailure, UpstreamFailure};
pub use own::{erase_visitor, OwnRequest};
pub use upkeep::{flush_counts, load_from_store, remember_learned};

use crate::ops::{framing_problem, ops_route};
use crate::pages::{self, Page};
use crate::site::{Route, SiteEngine};
use crate::Engine;

/// What the host read of a visitor's request.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a> {
    /// The method.
    pub method: &'a Method,
    /// Path and query, as the request line (or the URL) gave them.
    pub path_and_query: &'a str,
    /// The authority the request line or URL carried (absolute-form, HTTP/2, a Worker's URL).
    pub authority: Option<&'a str>,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The visitor's address, when the host knows it.
    pub peer: Option<IpAddr>,
    /// The visitor came over HTTPS.
    pub https: bool,
    /// Seconds since the Unix epoch.
    pub now: u64,
}

impl<'a> Visit<'a> {
    /// The path without the query.
    pub fn path(&self) -> &'a str {
        let pq = self.path_and_query;
        pq.split_once('?').map_or(pq, |(path, _)| path)
    }

    /// The query, if any.
    pub fn query(&self) -> Option<&'a str> {
        self.path_and_query.split_once('?').map(|(_, q)| q)
    }

    /// The host the visitor asked for: the request's authority, or else its `Host` header.
    pub fn host(&self) -> Option<&'a str> {
        self.authority
            .or_else(|| self.headers.get(header::HOST).and_then(|h| h.to_str().ok()))
            .filter(|h| !h.is_empty())
    }

    /// The visitor's `User-Agent`.
    pub fn user_agent(&self) -> Option<&'a str> {
        self.headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
    }
}

/// What to do with a request.
#[derive(Debug)]
pub enum Plan<'e> {
    /// Send this answer; for a site's own path, the site's name and the kind of path, for the
    /// host's request metric.
    Answer(Page, Option<(&'e str, &'static str)>),
    /// One of Consentry's own paths: read the body (up to [`OwnRequest::body_limit`]) and
    /// hand it to [`OwnRequest::answer`].
    Own(OwnRequest<'e>),
    /// Forward it to the site's origin.
    Forward(Box<Forward<'e>>),
}

impl Engine {
    /// The request phase: what to do with a visitor's request. `on` is the host it came to,
    /// asked where the visitor is when the site's consent regime depends on it.
    pub fn plan<'e, H: Host>(&'e self, visit: &Visit<'_>, on: &H) -> Plan<'e> {
        if let Some(problem) = framing_problem(visit.headers) {
            tracing::debug!(peer = ?visit.peer, problem, "ambiguous request refused");
            return Plan::Answer(own_page(crate::ops::ambiguous_request(problem)), None);
        }
        if let Some(route) = ops_route(visit.method, visit.path()) {
            return Plan::Own(OwnRequest::ops(self, route));
        }
        let Some(host) = visit.host() else {
            return Plan::Answer(own_page(pages::missing_host()), None);
        };
        let Some(index) = self.site_index_for_host(host) else {
            tracing::debug!(%host, "request for a host that is not configured");
            return Plan::Answer(own_page(pages::misdirected()), None);
        };
        let site = &self.sites()[index];
        let name = site.site().name.as_str();
        let route = site.route(visit.method, visit.path());
        match route {
            Route::Origin => match Forward::plan(self, index, visit, host, on) {
                Some(forward) => Plan::Forward(Box::new(forward)),
                None => Plan::Answer(own_page(pages::bad_target()), Some((name, "origin"))),
            },
            Route::Asset(asset) => Plan::Answer(
                own_page(pages::asset(asset, visit.method)),
                Some((name, "asset")),
            ),
            Route::MethodNotAllowed(allow) => Plan::Answer(
                own_page(pages::method_not_allowed(allow)),
                Some((name, "other")),
            ),
            Route::NotFound => Plan::Answer(own_page(pages::not_found()), Some((name, "other"))),
            own => Plan::Own(OwnRequest::site(self, site, &own, host)),
        }
    }

    /// The position in [`Engine::sites`] of a site, for the host's per-site state (origin
    /// clients, limits).
    pub fn index_of(&self, site: &SiteEngine) -> Option<usize> {
        self.sites()
            .iter()
            .position(|s| std::ptr::eq(Arc::as_ptr(s), site))
    }
}

impl Plan<'_> {
    /// The site and the kind of path, for the host's request metric.
    pub fn metric_label(&self) -> Option<(&str, &'static str)> {
        match self {
            Plan::Answer(_, label) => *label,
            Plan::Own(own) => own.metric_label(),
            Plan::Forward(forward) => Some((&forward.site().site().name, "origin")),
        }
    }
}

/// Every page Consentry writes itself gets the same protection here: it may not be framed
/// (the receipt page's erase form, the dashboard), nor sniffed as another type, nor send its
/// address to another site. A page that set its own policy keeps it.
pub fn own_page(mut page: Page) -> Page {
    use http::header::HeaderValue;
    let headers = page.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
    }
    if !headers.contains_key(header::REFERRER_POLICY) {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        );
    }
    page
}
