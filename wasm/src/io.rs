//! Between the runtime's types and the engine's: headers, pages, time and randomness.

use consentry_engine::pages::Page;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use http::StatusCode;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::WorkerError;

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
    // `Date.now()` is milliseconds; a negative or NaN clock counts as the epoch.
    let millis = js_sys::Date::now();
    if millis.is_finite() && millis > 0.0 {
        (millis / 1000.0) as u64
    } else {
        0
    }
}

/// Random bytes from the runtime's `crypto.getRandomValues`.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], WorkerError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| WorkerError::Runtime(format!("randomness: {e}")))?;
    Ok(bytes)
}

/// The runtime's headers as a header map. `Set-Cookie` headers stay separate.
pub fn header_map(headers: &web_sys::Headers) -> HeaderMap {
    // One call into JavaScript for all of them (`JSON.stringify(Array.from(headers))`), not
    // one per header and per string: on a small page this was an eighth of the Worker's time.
    let pairs: Vec<(String, String)> = js_sys::JSON::stringify(&Array::from(headers))
        .ok()
        .and_then(|json| json.as_string())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let mut map = HeaderMap::with_capacity(pairs.len());
    for (name, value) in pairs {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            map.append(name, value);
        }
    }
    map
}

/// A header map as the runtime's headers. Values that are not text are left out.
pub fn js_headers(map: &HeaderMap) -> Result<web_sys::Headers, WorkerError> {
    let headers = web_sys::Headers::new().map_err(|e| WorkerError::js("creating headers", &e))?;
    for (name, value) in map {
        let Ok(value) = value.to_str() else {
            continue;
        };
        headers
            .append(name.as_str(), value)
            .map_err(|e| WorkerError::js("setting a header", &e))?;
    }
    Ok(headers)
}

/// A response from a status, headers and an optional body stream.
pub fn response(
    status: StatusCode,
    headers: &HeaderMap,
    body: Option<&web_sys::ReadableStream>,
) -> Result<web_sys::Response, WorkerError> {
    let init = web_sys::ResponseInit::new();
    init.set_status(status.as_u16());
    init.set_headers(&js_headers(headers)?.into());
    web_sys::Response::new_with_opt_readable_stream_and_init(body, &init)
        .map_err(|e| WorkerError::js("creating a response", &e))
}

/// A page of the engine's as the runtime's response.
pub fn page(page: Page) -> web_sys::Response {
    let (parts, body) = page.into_parts();
    let result = (|| {
        let init = web_sys::ResponseInit::new();
        init.set_status(parts.status.as_u16());
        init.set_headers(&js_headers(&parts.headers)?.into());
        let bytes: Option<JsValue> = (!body.is_empty()).then(|| Uint8Array::from(&body[..]).into());
        web_sys::Response::new_with_opt_buffer_source_and_init(
            bytes.as_ref().map(JsCast::unchecked_ref),
            &init,
        )
        .map_err(|e| WorkerError::js("creating a response", &e))
    })();
    result.unwrap_or_else(|e| {
        tracing::error!(error = %e, "a page could not be made");
        last_resort()
    })
}

/// A bare 500 when not even a page can be made.
pub fn last_resort() -> web_sys::Response {
    let init = web_sys::ResponseInit::new();
    init.set_status(500);
    match web_sys::Response::new_with_opt_str_and_init(None, &init) {
        Ok(response) => response,
        // Creating an empty response only fails if the runtime itself is broken.
        Err(e) => wasm_bindgen::throw_val(e),
    }
}

/// A request body read whole, up to `limit` bytes, for Consentry's own paths.
pub async fn read_body(
    stream: Option<web_sys::ReadableStream>,
    limit: usize,
) -> Result<Vec<u8>, consentry_engine::exchange::ReadFailure> {
    use consentry_engine::exchange::ReadFailure;
    use futures_util::StreamExt;
    let Some(stream) = stream else {
        return Ok(Vec::new());
    };
    let mut chunks = wasm_streams::ReadableStream::from_raw(stream.unchecked_into()).into_stream();
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| ReadFailure::Broken(crate::error::js_text(&e)))?;
        let chunk = Uint8Array::new(&chunk);
        if body.len() + chunk.length() as usize > limit {
            return Err(ReadFailure::TooLarge);
        }
        body.extend_from_slice(&chunk.to_vec());
    }
    Ok(body)
}
