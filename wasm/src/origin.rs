//! The origin, called with the runtime's `fetch`: the request the engine planned, a timeout,
//! and what the runtime did to the answer's coding.

use std::time::Duration;

use consentry_engine::exchange::Forward;
use futures_util::future::{select, Either};
use http::header::{self, HeaderMap};
use worker::Delay;

use crate::error::{js_text, WorkerError};
use crate::io;

/// How the origin answered, or why it did not.
pub enum Upstream {
    Answered(web_sys::Response),
    Failed(String),
    TimedOut,
}

pub async fn fetch_origin(request: web_sys::Request, timeout: Duration) -> Upstream {
    let controller = match web_sys::AbortController::new() {
        Ok(c) => c,
        Err(e) => return Upstream::Failed(js_text(&e)),
    };
    let signal = worker::AbortSignal::from(controller.signal());
    let fetch = Box::pin(async move {
        worker::Fetch::Request(worker::Request::from(request))
            .send_with_signal(&signal)
            .await
    });
    match select(fetch, Box::pin(Delay::from(timeout))).await {
        Either::Left((Ok(response), _)) => Upstream::Answered(response.into()),
        Either::Left((Err(e), _)) => Upstream::Failed(e.to_string()),
        Either::Right(((), _)) => {
            controller.abort();
            Upstream::TimedOut
        }
    }
}

pub fn origin_request(
    forward: &Forward<'_>,
    body: Option<&web_sys::ReadableStream>,
) -> Result<web_sys::Request, WorkerError> {
    let init = web_sys::RequestInit::new();
    init.set_method(forward.method().as_str());
    init.set_headers(&io::js_headers(&forward.headers)?.into());
    // Redirects are the visitor's to follow, as through any reverse proxy.
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if let Some(body) = body {
        init.set_body(body);
    }
    web_sys::Request::new_with_str_and_init(&forward.uri.to_string(), &init)
        .map_err(|e| WorkerError::js("building the origin request", &e))
}

/// Whether the runtime decoded the origin's body (gzip and brotli; it encodes again on the
/// way out, from the `Content-Encoding` header): for the engine such a body is plain.
pub fn decoded_by_runtime(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|coding| coding == "gzip" || coding == "br")
}
