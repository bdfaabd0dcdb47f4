//! The path of one request in the Worker: the engine plans ([`Engine::plan`]), this file
//! does the I/O — reads bodies, calls the origin, streams the page through the rewriter, and
//! carries out the effects after the answer (`waitUntil`).
//!
//! [`Engine::plan`]: consentry_engine::Engine::plan

use std::net::IpAddr;
use std::rc::Rc;
use std::time::Duration;

use consentry_engine::exchange::{
    own_page, remember_learned, BodyAction, Effects, Forward, Plan, UpstreamFailure, Visit,
};
use consentry_engine::pages;
use futures_util::future::{select, Either};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use wasm_bindgen::JsValue;
use worker::{Context, Delay, Env};

use crate::error::{js_text, WorkerError};
use crate::gateway::Gateway;
use crate::host::EdgeHost;
use crate::io::{self, unix_now};
use crate::rewrite::rewritten;

/// What the Worker read of a visitor's request.
struct Incoming {
    method: Method,
    url: url::Url,
    headers: HeaderMap,
    host: String,
    https: bool,
    ip: Option<IpAddr>,
    country: Option<String>,
    body: Option<web_sys::ReadableStream>,
}

impl Incoming {
    fn read(request: &web_sys::Request) -> Result<Incoming, WorkerError> {
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
            country: cf_text("country").filter(|c| !c.is_empty()),
            headers,
            body: request.body(),
            url,
        })
    }
}

/// Answers one request. Never fails: every error becomes a response.
pub async fn handle(request: web_sys::Request, env: Env, ctx: Context) -> web_sys::Response {
    let gateway = match Gateway::for_env(&env) {
        Ok(gateway) => gateway,
        Err(e) => {
            tracing::error!(error = %e, "the Worker is not configured");
            return io::page(pages::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "This gateway is not configured yet.",
            ));
        }
    };
    if gateway.prepare(&env).await {
        let (gateway, env) = (Rc::clone(&gateway), env.clone());
        ctx.wait_until(async move { gateway.prune(&env).await });
    }
    let incoming = match Incoming::read(&request) {
        Ok(incoming) => incoming,
        Err(e) => {
            tracing::warn!(error = %e, "request not understood");
            return io::page(own_page(pages::bad_target()));
        }
    };
    let host = EdgeHost::new(&gateway, &env, incoming.country.clone());
    let now = unix_now();
    let visit = Visit {
        method: &incoming.method,
        path_and_query: &incoming.url[url::Position::BeforePath..url::Position::AfterQuery],
        authority: Some(&incoming.host),
        headers: &incoming.headers,
        peer: incoming.ip,
        https: incoming.https,
        now,
    };
    let answer = match gateway.engine.plan(&visit) {
        Plan::Answer(page, _) => io::page(page),
        Plan::Own(own) => {
            let body = match own.body_limit() {
                Some(limit) => io::read_body(incoming.body.clone(), limit).await,
                None => Ok(Vec::new()),
            };
            io::page(own.answer(&host, &visit, body).await)
        }
        Plan::Forward(forward) => {
            forward_to_origin(&gateway, &host, &env, &ctx, *forward, incoming.body.as_ref()).await
        }
    };
    flush_when_due(&gateway, &env, &ctx, now);
    answer
}

/// How the origin answered, or why it did not.
enum Upstream {
    Answered(web_sys::Response),
    Failed(String),
    TimedOut,
}

async fn fetch_origin(request: web_sys::Request, timeout: Duration) -> Upstream {
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

fn origin_request(
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
fn decoded_by_runtime(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|coding| coding == "gzip" || coding == "br")
}

async fn forward_to_origin(
    gateway: &Rc<Gateway>,
    host: &EdgeHost<'_>,
    env: &Env,
    ctx: &Context,
    forward: Forward<'_>,
    body: Option<&web_sys::ReadableStream>,
) -> web_sys::Response {
    let request = match origin_request(&forward, body) {
        Ok(request) => request,
        Err(e) => {
            tracing::warn!(error = %e, "cannot build the origin request");
            return io::page(own_page(pages::bad_target()));
        }
    };
    let site = forward.site().site().name.as_str();
    let timeout = gateway.config.server.timeouts.upstream;
    let response = match fetch_origin(request, timeout).await {
        Upstream::Answered(response) => response,
        Upstream::Failed(e) => {
            tracing::warn!(error = %e, %site, "origin unreachable");
            return io::page(forward.failed(host, UpstreamFailure::Unreachable));
        }
        Upstream::TimedOut => {
            tracing::warn!(%site, ?timeout, "origin timed out");
            return io::page(forward.failed(host, UpstreamFailure::Timeout));
        }
    };
    let Ok(status) = StatusCode::from_u16(response.status()) else {
        return io::page(forward.failed(host, UpstreamFailure::Unreachable));
    };
    let mut headers = io::header_map(&response.headers());
    let runtime_decoded = decoded_by_runtime(&headers);
    let plan = forward.respond(host, status, &mut headers, runtime_decoded);
    if status == StatusCode::SWITCHING_PROTOCOLS {
        // A WebSocket: the runtime joins both sides itself.
        return response;
    }
    carry_out(gateway, env, ctx, &forward, plan.effects);
    let body = match (plan.body, response.body()) {
        (BodyAction::Rewrite(rewriter), Some(body)) => Some(rewritten(body, *rewriter)),
        (_, body) => body,
    };
    io::response(status, &headers, body.as_ref()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the origin's answer could not be passed on");
        io::page(forward.failed(host, UpstreamFailure::Unreachable))
    })
}

/// Carries out a response's effects after the answer: the re-prompt record, the functional
/// cookies learnt.
fn carry_out(
    gateway: &Rc<Gateway>,
    env: &Env,
    ctx: &Context,
    forward: &Forward<'_>,
    effects: Effects,
) {
    if let Some(record) = effects.record {
        let (gateway, env) = (Rc::clone(gateway), env.clone());
        ctx.wait_until(async move {
            if let Err(e) = gateway.record(&env, record).await {
                tracing::warn!(error = %e, "re-prompt not recorded");
            }
        });
    }
    if !effects.learned.is_empty() {
        let (gateway, env) = (Rc::clone(gateway), env.clone());
        let site = forward.site().site().name.clone();
        ctx.wait_until(async move {
            match gateway.store(&env) {
                Ok(store) => remember_learned(&store, &site, &effects.learned, unix_now()).await,
                Err(e) => tracing::warn!(error = %e, "could not remember functional cookies"),
            }
        });
    }
}

/// Flushes the isolate's counts after the answer when the flush interval has passed: an
/// isolate has no timer of its own.
fn flush_when_due(gateway: &Rc<Gateway>, env: &Env, ctx: &Context, now: u64) {
    if gateway.analytics_due(now) {
        let (gateway, env) = (Rc::clone(gateway), env.clone());
        ctx.wait_until(async move { gateway.flush_analytics(&env, false).await });
    }
}
