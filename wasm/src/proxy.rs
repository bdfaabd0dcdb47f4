//! The path of one request, as the native gateway's `proxy.rs` takes it: choose the site,
//! answer Consentry's own paths, or forward to the origin with the engine applied both ways.

use std::net::IpAddr;
use std::rc::Rc;
use std::time::Duration;

use consentry_engine::analytics::{is_page_view, PageView};
use consentry_engine::forwarding::{is_upgrade, remove_hop_by_hop, set_forwarded, upstream_uri};
use consentry_engine::{pages, BodyPlan, RequestInfo, Route, SiteEngine, Visitor};
use futures_util::future::{select, Either};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use wasm_bindgen::JsValue;
use worker::{Context, Delay, Env};

use crate::error::{js_text, WorkerError};
use crate::gateway::Gateway;
use crate::io::{self, random_bytes, unix_now};
use crate::rewrite::rewritten;
use crate::{admin, endpoint, receipt};

/// What the Worker knows of a visitor's request.
pub struct Visit {
    /// The method.
    pub method: Method,
    /// The URL as the runtime received it.
    pub url: url::Url,
    /// The request headers.
    pub headers: HeaderMap,
    /// The host the visitor asked for (`Host`, or the URL's authority).
    pub host: String,
    /// The visitor came over HTTPS.
    pub https: bool,
    /// The visitor's address (`CF-Connecting-IP`).
    pub ip: Option<IpAddr>,
    /// The visitor's country (`request.cf.country`).
    pub country: Option<String>,
    /// The request body.
    pub body: Option<web_sys::ReadableStream>,
}

impl Visit {
    fn from_request(request: &web_sys::Request) -> Result<Visit, WorkerError> {
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
        Ok(Visit {
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

    /// Path and query, as the origin is asked for them.
    pub fn path_and_query(&self) -> &str {
        &self.url[url::Position::BeforePath..url::Position::AfterQuery]
    }

    /// The visitor as a consent record may keep them (the engine reduces it further).
    pub fn visitor(&self) -> Visitor<'_> {
        Visitor {
            ip: self.ip,
            user_agent: self
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
            country: self.country.as_deref(),
        }
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
    let visit = match Visit::from_request(&request) {
        Ok(visit) => visit,
        Err(e) => {
            tracing::warn!(error = %e, "request not understood");
            return io::page(pages::bad_target());
        }
    };
    if let Some(route) = consentry_engine::ops::ops_route(&visit.method, visit.url.path()) {
        return crate::ops::answer(&gateway, &env, route, &visit.method).await;
    }
    if visit.host.is_empty() {
        return io::page(pages::missing_host());
    }
    let Some(site) = gateway.engine.site_for_host(&visit.host).cloned() else {
        tracing::debug!(host = %visit.host, "request for a host that is not configured");
        return io::page(pages::misdirected());
    };
    match site.route(&visit.method, visit.url.path()) {
        Route::Origin => forward(&gateway, &site, &env, &ctx, visit).await,
        Route::Consent => {
            let answer = endpoint::consent(&gateway, &site, &env, visit).await;
            flush_when_due(&gateway, &env, &ctx, unix_now());
            answer
        }
        Route::Asset(asset) => io::page(pages::asset(asset, &visit.method)),
        Route::Receipt => receipt::receipt(&gateway, &site, &env, &visit).await,
        Route::Cookies => crate::cookies::declaration(&gateway, &site, &env, &visit).await,
        Route::Erase => receipt::erase(&gateway, &site, &env, &visit).await,
        Route::MethodNotAllowed(allow) => io::page(pages::method_not_allowed(allow)),
        Route::NotFound => io::page(pages::not_found()),
        Route::Admin => admin::admin(&gateway, &env, visit).await,
    }
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
    uri: &str,
    method: &Method,
    headers: &HeaderMap,
    body: Option<&web_sys::ReadableStream>,
) -> Result<web_sys::Request, WorkerError> {
    let init = web_sys::RequestInit::new();
    init.set_method(method.as_str());
    init.set_headers(&io::js_headers(headers)?.into());
    // Redirects are the visitor's to follow, as through any reverse proxy.
    init.set_redirect(web_sys::RequestRedirect::Manual);
    if let Some(body) = body {
        init.set_body(body);
    }
    web_sys::Request::new_with_str_and_init(uri, &init)
        .map_err(|e| WorkerError::js("building the origin request", &e))
}

/// The content codings the runtime decodes from the origin (and encodes again on the way
/// out, from the `Content-Encoding` header): for the engine such a body is plain.
fn decoded_by_runtime(headers: &HeaderMap) -> Option<HeaderValue> {
    let value = headers.get(header::CONTENT_ENCODING)?;
    let coding = value.to_str().ok()?.trim().to_ascii_lowercase();
    matches!(coding.as_str(), "gzip" | "br").then(|| value.clone())
}

async fn forward(
    gateway: &Rc<Gateway>,
    site: &std::sync::Arc<SiteEngine>,
    env: &Env,
    ctx: &Context,
    visit: Visit,
) -> web_sys::Response {
    let now = unix_now();
    let mut headers = visit.headers.clone();
    let upgrade = is_upgrade(&headers);
    let (consent, removed) = site.prepare_request(&mut headers, now);
    let path_and_query = visit.path_and_query().to_owned();
    gateway
        .inventory
        .saw_in_request(site, &removed.names, &path_and_query, now);
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    remove_hop_by_hop(&mut headers, upgrade);
    if let Some(ip) = visit.ip {
        set_forwarded(&mut headers, ip, &visit.host, visit.https);
    }
    // The origin sees the Host the visitor asked for, as if the gateway were not there.
    if let Ok(value) = HeaderValue::from_str(&visit.host) {
        headers.insert(header::HOST, value);
    }
    let uri = match upstream_uri(&site.site().upstream, &path_and_query) {
        Ok(uri) => uri.to_string(),
        Err(e) => {
            tracing::warn!(error = %e, path = %path_and_query, "cannot build the origin URI");
            return io::page(pages::bad_target());
        }
    };
    let request = match origin_request(&uri, &visit.method, &headers, visit.body.as_ref()) {
        Ok(request) => request,
        Err(e) => {
            tracing::warn!(error = %e, "cannot build the origin request");
            return io::page(pages::bad_target());
        }
    };
    let timeout = gateway.config.server.timeouts.upstream;
    let response = match fetch_origin(request, timeout).await {
        Upstream::Answered(response) => response,
        Upstream::Failed(e) => {
            tracing::warn!(error = %e, site = %site.site().name, "origin unreachable");
            return io::page(pages::origin_unreachable());
        }
        Upstream::TimedOut => {
            tracing::warn!(site = %site.site().name, ?timeout, "origin timed out");
            return io::page(pages::origin_timeout());
        }
    };
    if response.status() == 101 {
        // A WebSocket: the runtime joins both sides itself.
        return response;
    }
    let Ok(status) = StatusCode::from_u16(response.status()) else {
        return io::page(pages::origin_unreachable());
    };
    let mut headers = io::header_map(&response.headers());
    remove_hop_by_hop(&mut headers, false);
    let runtime_coding = decoded_by_runtime(&headers);
    if runtime_coding.is_some() {
        headers.remove(header::CONTENT_ENCODING);
    }
    let info = RequestInfo {
        method: &visit.method,
        path_and_query: &path_and_query,
        accept_language: accept_language.as_deref(),
    };
    let (set_cookies, plan) = site.prepare_response(&consent, &info, status, &mut headers, now);
    if let Some(coding) = runtime_coding {
        headers.insert(header::CONTENT_ENCODING, coding);
    }
    gateway
        .inventory
        .saw_set(site, &set_cookies.cookies, &path_and_query, now);
    flush_when_due(gateway, env, ctx, now);
    if !set_cookies.newly_unclassified.is_empty() {
        let (gateway, env, site_name) = (Rc::clone(gateway), env.clone(), site.site().name.clone());
        let names = set_cookies.newly_unclassified;
        ctx.wait_until(async move {
            gateway
                .remember_functional(&env, &site_name, &names, now)
                .await;
        });
    }
    if matches!(plan, BodyPlan::Rewrite(_)) && visit.method == Method::GET {
        record_reprompt(gateway, site, env, ctx, &visit, &consent, now, &mut headers);
        count_view(gateway, site, env, ctx, &visit, &consent, status, now);
    }
    let body = match (plan, response.body()) {
        (BodyPlan::Rewrite(rewriter), Some(body)) => Some(rewritten(body, *rewriter)),
        (_, body) => body,
    };
    io::response(status, &headers, body.as_ref()).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the origin's answer could not be passed on");
        io::page(pages::origin_unreachable())
    })
}

/// Counts a page view in the isolate's memory, and flushes the counts once due, after the
/// answer.
#[allow(clippy::too_many_arguments)]
fn count_view(
    gateway: &Rc<Gateway>,
    site: &SiteEngine,
    env: &Env,
    ctx: &Context,
    visit: &Visit,
    consent: &consentry_engine::VisitorConsent,
    status: StatusCode,
    now: u64,
) {
    if !is_page_view(&visit.method, status, true, &visit.headers) {
        return;
    }
    gateway.analytics.count_view(
        PageView {
            site: &site.site().name,
            host: &visit.host,
            path_and_query: visit.path_and_query(),
            request_headers: &visit.headers,
            consent,
            country: visit.country.as_deref(),
            ip: visit.ip,
            language: site.language_for(&visit.headers).code(),
            policy_version: site.policy().version,
            now,
        },
        &fresh_salt,
    );
    flush_when_due(gateway, env, ctx, now);
}

/// Flushes the isolate's analytics after the answer when the flush interval has passed.
pub fn flush_when_due(gateway: &Rc<Gateway>, env: &Env, ctx: &Context, now: u64) {
    if gateway.analytics_due(now) {
        let (gateway, env) = (Rc::clone(gateway), env.clone());
        ctx.wait_until(async move { gateway.flush_analytics(&env, false).await });
    }
}

/// A new day's salt for visitor hashes, from the runtime's randomness.
pub fn fresh_salt() -> [u8; 32] {
    random_bytes::<32>().unwrap_or_else(|e| {
        tracing::error!(error = %e, "no randomness for the analytics salt");
        // Unreachable in the Workers runtime; the time keeps the salt unknown to readers.
        let mut salt = [0u8; 32];
        salt[..8].copy_from_slice(&js_sys::Date::now().to_bits().to_le_bytes());
        salt
    })
}

/// Records that a visitor whose decision lapsed is asked again, once: the lapsed cookie is
/// removed in the same response. The record is written off the request path.
#[allow(clippy::too_many_arguments)]
fn record_reprompt(
    gateway: &Rc<Gateway>,
    site: &SiteEngine,
    env: &Env,
    ctx: &Context,
    visit: &Visit,
    consent: &consentry_engine::VisitorConsent,
    now: u64,
    response_headers: &mut HeaderMap,
) {
    let Ok(random) = random_bytes::<16>() else {
        return;
    };
    let Some((record, clear)) = site.reprompt(
        consent,
        &visit.headers,
        visit.visitor(),
        visit.https,
        now,
        random,
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response_headers.append(header::SET_COOKIE, value);
    }
    let (gateway, env) = (Rc::clone(gateway), env.clone());
    ctx.wait_until(async move {
        if let Err(e) = gateway.record(&env, record).await {
            tracing::warn!(error = %e, "re-prompt not recorded");
        }
    });
}
