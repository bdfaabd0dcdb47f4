//! What the core reads of the visitor's request beyond its cookies: the parts the response
//! side needs, the host without its port, and whether a post comes from the site's own pages.

use http::header::{self, HeaderMap};
use http::Method;

/// The parts of the visitor's request the response side needs.
#[derive(Debug, Clone, Copy)]
pub struct RequestInfo<'a> {
    /// The request method.
    pub method: &'a Method,
    /// Path and query, for the banner's way back.
    pub path_and_query: &'a str,
    /// The visitor's `Accept-Language`.
    pub accept_language: Option<&'a str>,
    /// Where the visitor is, when the host was asked (the site's regime depends on it).
    pub place: Option<&'a crate::Place>,
}

/// The path and query of the `Referer` when it is a page of `host` (without port): where a
/// form on that page came from, to send the visitor back to.
pub fn referer_path(headers: &HeaderMap, host: &str) -> Option<String> {
    let url = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .filter(|u| u.host_str() == Some(host))?;
    Some(match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    })
}

/// Whether a state-changing request comes from the site's own pages: a browser sends
/// `Origin` (or `Sec-Fetch-Site`) with every cross-site post, so another site cannot record a
/// decision on the visitor's behalf.
pub fn is_same_origin(headers: &HeaderMap, host: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        // Old browsers send neither header; `null` comes from privacy settings as often as
        // from sandboxes, and a browser that sends it also sends Sec-Fetch-Site.
        None | Some("null") => true,
        Some(origin) => url::Url::parse(origin).is_ok_and(|u| {
            let authority = match u.port() {
                Some(port) => format!("{}:{port}", u.host_str().unwrap_or("")),
                None => u.host_str().unwrap_or("").to_owned(),
            };
            authority.eq_ignore_ascii_case(host)
                || u.host_str()
                    .is_some_and(|h| h.eq_ignore_ascii_case(host_without_port(host)))
        }),
    }
}

/// `host` without a `:port` suffix.
pub fn host_without_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split(']')
            .next()
            .map_or(host, |h| &host[..h.len() + 1]);
    }
    host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    })
}
