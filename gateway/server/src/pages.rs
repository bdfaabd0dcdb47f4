//! Small responses the gateway writes itself: error pages, JSON, redirects, assets.

use bytes::Bytes;
use consentry_banner::{escape_html, Asset};
use http::header::{self, HeaderValue};
use http::{Method, Response, StatusCode};
use http_body_util::{BodyExt, Empty, Full};

use crate::ResponseBody;

/// A whole body from bytes.
pub fn full(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// No body.
pub fn empty() -> ResponseBody {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

fn response(
    status: StatusCode,
    content_type: &'static str,
    body: ResponseBody,
) -> Response<ResponseBody> {
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
pub fn error_page(status: StatusCode, message: &str) -> Response<ResponseBody> {
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
    response(status, "text/html; charset=utf-8", full(html))
}

/// A whole HTML page.
pub fn html(status: StatusCode, html: String, head_only: bool) -> Response<ResponseBody> {
    let body = if head_only { empty() } else { full(html) };
    response(status, "text/html; charset=utf-8", body)
}

/// A plain-text answer with a reason, for clients of Consentry's own endpoints.
pub fn text(status: StatusCode, message: &str) -> Response<ResponseBody> {
    response(
        status,
        "text/plain; charset=utf-8",
        full(format!("{message}\n")),
    )
}

/// A JSON answer.
pub fn json(status: StatusCode, value: &serde_json::Value) -> Response<ResponseBody> {
    response(status, "application/json", full(value.to_string()))
}

/// A 303 to a path on the same site.
pub fn see_other(location: &str) -> Response<ResponseBody> {
    let mut response = response(StatusCode::SEE_OTHER, "text/plain; charset=utf-8", empty());
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// 405 with the methods the path takes.
pub fn method_not_allowed(allow: &'static str) -> Response<ResponseBody> {
    let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// A banner asset, cached for a year: its name changes with its content.
pub fn asset(asset: &Asset, method: &Method) -> Response<ResponseBody> {
    let body = if method == Method::HEAD {
        empty()
    } else {
        full(Bytes::from_static(asset.body))
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
