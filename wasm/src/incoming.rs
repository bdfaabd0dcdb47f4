//! What the Worker reads of a visitor's request before the engine plans it.

use std::net::IpAddr;

use consentry_engine::Place;
use http::header::{self, HeaderMap, HeaderValue};
use http::Method;
use wasm_bindgen::JsValue;

use crate::error::WorkerError;
use crate::io;

/// What the Worker read of a visitor's request.
pub struct Incoming {
    pub method: Method,
    pub url: url::Url,
    pub headers: HeaderMap,
    pub host: String,
    pub https: bool,
    pub ip: Option<IpAddr>,
    /// Where the visitor is: `request.cf.country` and `request.cf.regionCode`.
    pub place: Place,
    pub body: Option<web_sys::ReadableStream>,
}

impl Incoming {
    pub fn read(request: &web_sys::Request) -> Result<Incoming, WorkerError> {
        let url = url::Url::parse(&request.url())
            .map_err(|e| WorkerError::Runtime(format!("request URL: {e}")))?;
        let method = Method::from_bytes(request.method().as_bytes())
            .map_err(|e| WorkerError::Runtime(format!("request method: {e}")))?;
        let mut headers = io::header_map(&request.headers());
        let cf =
            js_sys::Reflect::get(request, &JsValue::from_str("cf")).unwrap_or(JsValue::UNDEFINED);
        let cf_text = |name: &str| {
            js_sys::Reflect::get(&cf, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_string())
        };
        // The runtime asks origins for `br, gzip` whatever the visitor said, and keeps what they
        // said in `request.cf`: the origin sees the visitor's own `Accept-Encoding`, as natively.
        if let Some(accept) = cf_text("clientAcceptEncoding") {
            match HeaderValue::from_str(&accept) {
                Ok(value) if !accept.is_empty() => {
                    headers.insert(header::ACCEPT_ENCODING, value);
                }
                _ => {
                    headers.remove(header::ACCEPT_ENCODING);
                }
            }
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_owned)
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| url[url::Position::BeforeHost..url::Position::AfterPort].to_owned());
        let ip = headers
            .get("cf-connecting-ip")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        Ok(Incoming {
            method,
            https: url.scheme() == "https",
            host,
            ip,
            place: Place::from_codes(
                cf_text("country").as_deref(),
                cf_text("regionCode").as_deref(),
            ),
            headers,
            body: request.body(),
            url,
        })
    }
}
