//! The answers a host writes itself, in the same words and headers on every host: error pages,
//! plain-text reasons, JSON, redirects, banner assets, and the consent endpoint's and receipt
//! page's answers. Bodies are bytes the host sends as they are.

use std::borrow::Cow;

use consentry_banner::{escape_html, Asset};
use http::header::{self, HeaderValue};
use http::{Method, Response, StatusCode};
use serde_json::json;

use crate::decision::DecisionOutcome;
use crate::paths::RECEIPT_PATH;

/// A page's body: static bytes (an asset) or bytes made for this answer.
pub type PageBody = Cow<'static, [u8]>;

/// An answer the host sends as it is.
pub type Page = Response<PageBody>;

fn page(status: StatusCode, content_type: &'static str, body: PageBody) -> Page {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A short HTML page for an error the visitor sees instead of the site.
pub fn error_page(status: StatusCode, message: &str) -> Page {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<meta name=\"viewport\" content=\"width=device-width\"></head><body style=\"font:16px system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem\">\
<h1>{title}</h1><p>{}</p></body></html>",
        escape_html(message)
    );
    page(status, "text/html; charset=utf-8", html.into_bytes().into())
}

/// A whole HTML page (no body for `HEAD`).
pub fn html(status: StatusCode, html: String, head_only: bool) -> Page {
    let body = if head_only {
        PageBody::Borrowed(b"")
    } else {
        html.into_bytes().into()
    };
    page(status, "text/html; charset=utf-8", body)
}

/// A plain-text answer with a reason, for clients of Consentry's own endpoints.
pub fn text(status: StatusCode, message: &str) -> Page {
    page(
        status,
        "text/plain; charset=utf-8",
        format!("{message}\n").into_bytes().into(),
    )
}

/// A JSON answer.
pub fn json(status: StatusCode, value: &serde_json::Value) -> Page {
    page(
        status,
        "application/json",
        value.to_string().into_bytes().into(),
    )
}

/// A 303 to a path on the same site.
pub fn see_other(location: &str) -> Page {
    let mut response = page(
        StatusCode::SEE_OTHER,
        "text/plain; charset=utf-8",
        PageBody::Borrowed(b""),
    );
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// 405 with the methods the path takes.
pub fn method_not_allowed(allow: &'static str) -> Page {
    let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// 404 for a path under `/__consentry/` that does not exist.
pub fn not_found() -> Page {
    text(StatusCode::NOT_FOUND, "not found")
}

/// 400 for a request that names no host.
pub fn missing_host() -> Page {
    text(StatusCode::BAD_REQUEST, "missing Host header")
}

/// 400 for a request target that cannot be joined to the origin's URL.
pub fn bad_target() -> Page {
    text(StatusCode::BAD_REQUEST, "bad request target")
}

/// 421 for a host that is not configured: nothing is contacted on its behalf.
pub fn misdirected() -> Page {
    error_page(
        StatusCode::MISDIRECTED_REQUEST,
        "This gateway does not serve that host.",
    )
}

/// 502 when the origin cannot be reached.
pub fn origin_unreachable() -> Page {
    error_page(
        StatusCode::BAD_GATEWAY,
        "The site could not be reached just now. Please try again in a moment.",
    )
}

/// 504 when the origin does not answer in time.
pub fn origin_timeout() -> Page {
    error_page(
        StatusCode::GATEWAY_TIMEOUT,
        "The site took too long to answer. Please try again in a moment.",
    )
}

/// 502 when the origin's page decodes to more than the gateway will rewrite (a
/// decompression bomb) and `server.oversized_pages` is `refuse`.
pub fn page_too_large() -> Page {
    error_page(
        StatusCode::BAD_GATEWAY,
        "The site sent a page too large to be checked for trackers.",
    )
}

/// 502 when the origin's page broke off or could not be decoded before anything was sent.
pub fn origin_body_failed() -> Page {
    error_page(
        StatusCode::BAD_GATEWAY,
        "The site sent a page that could not be read. Please try again in a moment.",
    )
}

/// 503 when the gateway or the site's origin has as much work as it is allowed.
pub fn overloaded() -> Page {
    let mut page = error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "The site is busy just now. Please try again in a moment.",
    );
    page.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    page
}

/// A banner asset, cached for a year: its name changes with its content.
pub fn asset(asset: &Asset, method: &Method) -> Page {
    let body = if method == Method::HEAD {
        PageBody::Borrowed(b"")
    } else {
        PageBody::Borrowed(asset.body)
    };
    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(asset.body.len()));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// Why the consent endpoint or the erase form refused a request before anything was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// A decision posted from another site.
    CrossSiteDecision,
    /// An erasure asked from another site.
    CrossSiteErasure,
    /// A decision body over the limit.
    TooLarge,
    /// A decision body that could not be read.
    Unreadable,
    /// The decision could not be made durable (or no randomness for its ids).
    NotRecorded,
    /// The visitor's records cannot be read.
    RecordsUnavailable,
    /// The erasure could not be done.
    ErasureFailed,
}

impl Refusal {
    /// The answer to send.
    pub fn page(self) -> Page {
        match self {
            Refusal::CrossSiteDecision => text(
                StatusCode::FORBIDDEN,
                "decisions are only taken from the site's own pages",
            ),
            Refusal::CrossSiteErasure => text(
                StatusCode::FORBIDDEN,
                "erasure is only taken from the site's own pages",
            ),
            Refusal::TooLarge => text(StatusCode::PAYLOAD_TOO_LARGE, "decision body too large"),
            Refusal::Unreadable => text(StatusCode::BAD_REQUEST, "decision body could not be read"),
            Refusal::NotRecorded => text(
                StatusCode::SERVICE_UNAVAILABLE,
                "decision could not be recorded; try again",
            ),
            Refusal::RecordsUnavailable => error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Your records cannot be shown right now.",
            ),
            Refusal::ErasureFailed => error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Your records could not be erased just now. Please try again.",
            ),
        }
    }
}

/// The consent endpoint's answer once the decision's record is durable: JSON for the banner,
/// or a 303 back to the page for a form, with the new consent cookie and the expiring ones.
pub fn decision_answer(outcome: &DecisionOutcome) -> Page {
    let mut response = match &outcome.redirect_to {
        Some(location) => see_other(location),
        None => {
            let mut answer = json!({
                "consent_id": outcome.record.consent_id,
                "granted": outcome.record.granted_names(),
                "policy_version": outcome.record.policy_version,
            });
            if let (Some(tcf), Some(object)) = (&outcome.tcf, answer.as_object_mut()) {
                object.insert("tcf".to_owned(), tcf.clone());
            }
            json(StatusCode::OK, &answer)
        }
    };
    append_set_cookies(&mut response, &outcome.set_cookies);
    response
}

/// The receipt page, never sending its address on to another site.
pub fn receipt_page(html_text: String, head_only: bool) -> Page {
    let mut response = html(StatusCode::OK, html_text, head_only);
    response
        .headers_mut()
        .insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

/// After an erasure: back to the receipt page, saying how many records were erased, with the
/// cookies that forget the visitor's choice.
pub fn erasure_answer(erased: usize, set_cookies: &[String]) -> Page {
    let mut response = see_other(&format!("{RECEIPT_PATH}?erased={erased}"));
    append_set_cookies(&mut response, set_cookies);
    response
}

/// How many records the receipt page's query (`erased=N`) says were just erased.
pub fn erased_from_query(query: Option<&str>) -> Option<u64> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == "erased")
        .and_then(|(_, v)| v.parse().ok())
}

fn append_set_cookies(response: &mut Page, cookies: &[String]) {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_escape_and_are_never_cached() {
        let page = error_page(StatusCode::BAD_GATEWAY, "<b>down</b>");
        assert_eq!(page.status(), 502);
        let body = String::from_utf8_lossy(page.body()).into_owned();
        assert!(body.contains("<title>502 Bad Gateway</title>"));
        assert!(body.contains("&lt;b&gt;down&lt;/b&gt;"));
        assert_eq!(
            page.headers()
                .get(header::CACHE_CONTROL)
                .map(|v| v.as_bytes()),
            Some(&b"no-store"[..])
        );
    }

    #[test]
    fn the_erased_count_is_read_from_the_query() {
        assert_eq!(erased_from_query(Some("x=1&erased=3")), Some(3));
        assert_eq!(erased_from_query(Some("erased=many")), None);
        assert_eq!(erased_from_query(None), None);
    }
}
