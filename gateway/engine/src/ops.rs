//! What operators and their tools ask of the gateway itself, on every host name: liveness,
//! readiness and metrics, and the check that refuses a request whose framing is ambiguous
//! (request smuggling). The same paths and answers on both hosts.
//!
//! | path | answer |
//! | --- | --- |
//! | `/__consentry/health` | `200 ok` while the process serves |
//! | `/__consentry/ready` | `200 ready` when the store answers, `503` otherwise or while stopping |
//! | `/__consentry/metrics` | Prometheus text (native); loopback or an API bearer token |

use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};

use crate::pages::{text, Page};

/// Liveness.
pub const HEALTH_PATH: &str = "/__consentry/health";
/// Readiness.
pub const READY_PATH: &str = "/__consentry/ready";
/// The metrics' content type (OpenMetrics text).
pub const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// Prometheus metrics.
pub const METRICS_PATH: &str = "/__consentry/metrics";

/// One of the operator's paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpsRoute {
    /// `GET /__consentry/health`.
    Health,
    /// `GET /__consentry/ready`.
    Ready,
    /// `GET /__consentry/metrics`.
    Metrics,
    /// One of them with a method other than GET or HEAD.
    MethodNotAllowed,
}

/// Whether `path` is one of the operator's paths, answered before any site is chosen (a load
/// balancer's probe seldom sends the site's host name).
pub fn ops_route(method: &Method, path: &str) -> Option<OpsRoute> {
    let route = match path {
        HEALTH_PATH => OpsRoute::Health,
        READY_PATH => OpsRoute::Ready,
        METRICS_PATH => OpsRoute::Metrics,
        _ => return None,
    };
    if method == Method::GET || method == Method::HEAD {
        Some(route)
    } else {
        Some(OpsRoute::MethodNotAllowed)
    }
}

/// The liveness answer.
pub fn healthy() -> Page {
    text(StatusCode::OK, "ok")
}

/// The readiness answer: `Ok` when the store answered, the reason otherwise.
pub fn readiness(result: Result<(), String>) -> Page {
    match result {
        Ok(()) => text(StatusCode::OK, "ready"),
        Err(reason) => {
            let mut page = text(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("not ready: {reason}"),
            );
            page.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            page
        }
    }
}

/// 401 for a metrics request from elsewhere than loopback without a valid token.
pub fn metrics_refused() -> Page {
    let mut page = text(
        StatusCode::UNAUTHORIZED,
        "metrics are served on loopback, or with an API token (consentry admin token)",
    );
    page.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"consentry\""),
    );
    page
}

/// Why a request's framing or target is ambiguous, so that a proxy in front of the gateway
/// and the gateway could read it differently (request smuggling), or `None` when it is not.
/// Such a request is answered 400 and its connection closed.
///
/// hyper already refuses obs-fold, a `Content-Length` that is not one number, and a
/// `Transfer-Encoding` that does not end in `chunked`; what it lets through and this refuses:
/// `Content-Length` beside `Transfer-Encoding` (RFC 9112 §6.1 allows the server to refuse it,
/// and a proxy must never forward it), a repeated `Content-Length` even with equal values, a
/// `Transfer-Encoding` given more than once or naming `chunked` twice, and more than one
/// `Host` (RFC 9112 §3.2: "MUST respond with a 400").
pub fn framing_problem(headers: &HeaderMap) -> Option<&'static str> {
    let lengths = headers.get_all(header::CONTENT_LENGTH).iter().count();
    let codings: Vec<&HeaderValue> = headers.get_all(header::TRANSFER_ENCODING).iter().collect();
    if !codings.is_empty() && lengths > 0 {
        return Some("Content-Length and Transfer-Encoding together");
    }
    if lengths > 1 {
        return Some("more than one Content-Length");
    }
    if codings.len() > 1 {
        return Some("more than one Transfer-Encoding");
    }
    if let Some(coding) = codings.first() {
        let chunked = coding
            .to_str()
            .unwrap_or("")
            .split(',')
            .filter(|c| c.trim().eq_ignore_ascii_case("chunked"))
            .count();
        if chunked > 1 {
            return Some("chunked more than once");
        }
    }
    if headers.get_all(header::HOST).iter().count() > 1 {
        return Some("more than one Host");
    }
    None
}

/// 400 for a request refused by [`framing_problem`]; the connection is closed after it.
pub fn ambiguous_request(problem: &str) -> Page {
    let mut page = text(
        StatusCode::BAD_REQUEST,
        &format!("ambiguous request: {problem}"),
    );
    page.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
                HeaderValue::from_str(value).expect("value"),
            );
        }
        map
    }

    type Case<'a> = (&'a [(&'a str, &'a str)], Option<&'a str>);

    #[test]
    fn ambiguous_framing_is_named() {
        let cases: [Case<'_>; 6] = [
            (&[("content-length", "5")], None),
            (&[("transfer-encoding", "chunked")], None),
            (
                &[("content-length", "5"), ("transfer-encoding", "chunked")],
                Some("Content-Length and Transfer-Encoding together"),
            ),
            (
                &[("content-length", "5"), ("content-length", "5")],
                Some("more than one Content-Length"),
            ),
            (
                &[("transfer-encoding", "chunked, chunked")],
                Some("chunked more than once"),
            ),
            (
                &[("host", "a.test"), ("host", "b.test")],
                Some("more than one Host"),
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(framing_problem(&headers(pairs)), expected, "{pairs:?}");
        }
    }

    #[test]
    fn operator_paths_take_get_and_head_only() {
        assert_eq!(ops_route(&Method::GET, HEALTH_PATH), Some(OpsRoute::Health));
        assert_eq!(
            ops_route(&Method::POST, METRICS_PATH),
            Some(OpsRoute::MethodNotAllowed)
        );
        assert_eq!(ops_route(&Method::GET, "/__consentry/healthz"), None);
    }
}
