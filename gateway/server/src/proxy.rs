//! The path of one request: choose the site, answer Consentry's own paths, or forward to the
//! origin with the engine applied both ways.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use consentry_config::OversizedPages;
use consentry_engine::analytics::{is_page_view, PageView};
use consentry_engine::forwarding::upstream_uri;
use consentry_engine::pages as engine_pages;
use consentry_engine::{BodyPlan, RequestInfo, Route, SiteEngine};
use http::header::{self, HeaderValue};
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;

use crate::forwarding::{is_upgrade, remove_hop_by_hop, set_forwarded};
use crate::limits::{HeldBody, PermitBody, TimedBody};
use crate::metrics::{Oversized, UpstreamFailure};
use crate::rewritten_body::{prime, PageReport, Primed};
use crate::upstream::UpstreamClient;
use crate::{admin, endpoint, pages, random_bytes, receipt, unix_now, Gateway, ResponseBody};

/// What the gateway knows about the connection a request came on.
#[derive(Debug, Clone, Copy)]
pub struct Connection {
    /// The visitor's address.
    pub peer: SocketAddr,
    /// The visitor connected over TLS.
    pub https: bool,
}

/// Answers one request. Never fails: every error becomes a response.
pub async fn handle(
    gateway: Arc<Gateway>,
    connection: Connection,
    request: Request<Incoming>,
) -> Result<Response<ResponseBody>, Infallible> {
    if let Some(problem) = consentry_engine::ops::framing_problem(request.headers()) {
        tracing::debug!(peer = %connection.peer, problem, "ambiguous request refused");
        return Ok(pages::from_engine(
            consentry_engine::ops::ambiguous_request(problem),
        ));
    }
    if let Some(route) = consentry_engine::ops::ops_route(request.method(), request.uri().path()) {
        return Ok(crate::ops::answer(&gateway, route, connection, &request).await);
    }
    // Absolute-form and HTTP/2 requests carry the authority in the URI; otherwise the Host
    // header names it. Either way it only chooses among configured sites.
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            request
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        });
    let Some(host) = host.filter(|h| !h.is_empty()) else {
        return Ok(pages::from_engine(engine_pages::missing_host()));
    };
    let Some((site, client)) = gateway.site(&host) else {
        tracing::debug!(%host, "request for a host that is not configured");
        return Ok(pages::from_engine(engine_pages::misdirected()));
    };
    let route = site.route(request.method(), request.uri().path());
    gateway
        .metrics
        .request(&site.site().name, route_label(&route));
    let response = match route {
        Route::Origin => forward(&gateway, site, client, connection, &host, request).await,
        Route::Consent => endpoint::consent(&gateway, site, connection, &host, request).await,
        Route::Asset(asset) => pages::asset(asset, request.method()),
        Route::Receipt => receipt::receipt(&gateway, site, &request).await,
        Route::Cookies => crate::cookies::declaration(&gateway, site, &request).await,
        Route::Erase => receipt::erase(&gateway, site, connection, &host, request).await,
        Route::MethodNotAllowed(allow) => pages::method_not_allowed(allow),
        Route::NotFound => pages::from_engine(engine_pages::not_found()),
        Route::Admin => admin::admin(&gateway, connection, &host, request).await,
    };
    Ok(response)
}

/// The `route` label of the requests metric.
fn route_label(route: &Route<'_>) -> &'static str {
    match route {
        Route::Origin => "origin",
        Route::Consent => "consent",
        Route::Asset(_) => "asset",
        Route::Receipt => "receipt",
        Route::Cookies => "cookies",
        Route::Erase => "erase",
        Route::Admin => "admin",
        _ => "other",
    }
}

async fn forward(
    gateway: &Arc<Gateway>,
    site: &SiteEngine,
    client: &UpstreamClient,
    connection: Connection,
    host: &str,
    mut request: Request<Incoming>,
) -> Response<ResponseBody> {
    let now = unix_now();
    let upgrade = is_upgrade(request.headers());
    let client_upgrade = upgrade.then(|| hyper::upgrade::on(&mut request));
    let (mut parts, body) = request.into_parts();

    let (consent, removed) = site.prepare_request(&mut parts.headers, now);
    let site_name = site.site().name.as_str();
    gateway.metrics.request_cookies(site_name, &removed);
    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
    gateway
        .inventory
        .saw_in_request(site, &removed.names, &path_and_query, now);
    let accept_language = parts
        .headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let method = parts.method.clone();
    // What the reprompt record needs of the visitor's request, before it goes upstream.
    let request_headers = reprompt_headers(&consent, &parts.headers);
    // What a page view is counted by (agent, referrer, purpose, language).
    let view_headers = if gateway.counts_views() && method == http::Method::GET {
        view_headers(&parts.headers)
    } else {
        http::HeaderMap::new()
    };

    remove_hop_by_hop(&mut parts.headers, upgrade);
    set_forwarded(&mut parts.headers, connection.peer, host, connection.https);
    // The origin sees the Host the visitor asked for, as if the gateway were not there.
    if let Ok(value) = HeaderValue::from_str(host) {
        parts.headers.insert(header::HOST, value);
    }
    parts.uri = match upstream_uri(&site.site().upstream, &path_and_query) {
        Ok(uri) => uri,
        Err(e) => {
            tracing::warn!(error = %e, path = %path_and_query, "cannot build the origin URI");
            return pages::from_engine(engine_pages::bad_target());
        }
    };
    // Towards the origin the gateway speaks HTTP/1.1 or negotiates HTTP/2 itself.
    parts.version = http::Version::HTTP_11;

    let Some(permit) = gateway.upstream_permit(site) else {
        tracing::warn!(site = %site_name, "max_upstream_requests in flight; 503");
        gateway
            .metrics
            .upstream_error(site_name, UpstreamFailure::Overloaded);
        return pages::from_engine(engine_pages::overloaded());
    };
    let body = TimedBody::new(body, gateway.timeouts.body_read);
    let started = tokio::time::Instant::now();
    let upstream = tokio::time::timeout(
        gateway.timeouts.upstream,
        client.request(Request::from_parts(parts, body)),
    );
    let mut response = match upstream.await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, site = %site_name, "origin unreachable");
            gateway
                .metrics
                .upstream_error(site_name, UpstreamFailure::Unreachable);
            return pages::from_engine(engine_pages::origin_unreachable());
        }
        Err(_) => {
            tracing::warn!(site = %site_name, timeout = ?gateway.timeouts.upstream, "origin timed out");
            gateway
                .metrics
                .upstream_error(site_name, UpstreamFailure::Timeout);
            return pages::from_engine(engine_pages::origin_timeout());
        }
    };

    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        if let Some(client_upgrade) = client_upgrade {
            let origin_upgrade = hyper::upgrade::on(&mut response);
            tokio::spawn(tunnel(client_upgrade, origin_upgrade));
            let (parts, _) = response.into_parts();
            return Response::from_parts(parts, pages::empty());
        }
    }
    let (mut parts, body) = response.into_parts();
    remove_hop_by_hop(&mut parts.headers, false);
    let info = RequestInfo {
        method: &method,
        path_and_query: &path_and_query,
        accept_language: accept_language.as_deref(),
    };
    let (set_cookies, plan) =
        site.prepare_response(&consent, &info, parts.status, &mut parts.headers, now);
    gateway.metrics.response_cookies(site_name, &set_cookies);
    gateway
        .inventory
        .saw_set(site, &set_cookies.cookies, &path_and_query, now);
    gateway.remember_functional(&site.site().name, set_cookies.newly_unclassified);
    if matches!(plan, BodyPlan::Rewrite(_)) && method == http::Method::GET {
        record_reprompt(
            gateway,
            site,
            &consent,
            &request_headers,
            connection,
            now,
            &mut parts.headers,
        );
    }
    if matches!(plan, BodyPlan::Rewrite(_))
        && gateway.counts_views()
        && is_page_view(&method, parts.status, true, &view_headers)
    {
        let country = gateway.country(connection.peer.ip());
        gateway.count_view(PageView {
            site: &site.site().name,
            host,
            path_and_query: &path_and_query,
            request_headers: &view_headers,
            consent: &consent,
            country: country.as_deref(),
            ip: Some(connection.peer.ip()),
            language: site.language_for(&view_headers).code(),
            policy_version: site.policy().version,
            now,
        });
    }
    let body = match plan {
        BodyPlan::Pass => body.map_err(Into::into).boxed_unsync(),
        BodyPlan::Rewrite(rewriter) => {
            let report = PageReport::new(Arc::clone(&gateway.metrics), site_name);
            // What is left of the origin's time to start the page.
            let left = gateway.timeouts.upstream.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, prime(body, *rewriter, report)).await {
                Ok(Primed::Rewritten(body)) => (*body).boxed_unsync(),
                Ok(Primed::Oversized { held, rest, error }) => {
                    tracing::warn!(%error, site = %site_name, path = %path_and_query, action = ?gateway.oversized_pages, "page too large to rewrite");
                    match gateway.oversized_pages {
                        OversizedPages::Refuse => {
                            gateway.metrics.oversized(site_name, Oversized::Refused);
                            return pages::from_engine(engine_pages::page_too_large());
                        }
                        OversizedPages::Pass => {
                            gateway.metrics.oversized(site_name, Oversized::Passed);
                            HeldBody::new(held, rest).boxed_unsync()
                        }
                    }
                }
                Ok(Primed::Failed(error)) => {
                    tracing::warn!(%error, site = %site_name, "origin's page could not be read");
                    gateway
                        .metrics
                        .upstream_error(site_name, UpstreamFailure::Body);
                    return pages::from_engine(engine_pages::origin_body_failed());
                }
                Err(_) => {
                    tracing::warn!(site = %site_name, "origin's page did not start in time");
                    gateway
                        .metrics
                        .upstream_error(site_name, UpstreamFailure::Timeout);
                    return pages::from_engine(engine_pages::origin_timeout());
                }
            }
        }
    };
    Response::from_parts(parts, PermitBody::new(body, permit).boxed_unsync())
}

/// Copies bytes both ways between visitor and origin after a protocol switch.
async fn tunnel(client: hyper::upgrade::OnUpgrade, origin: hyper::upgrade::OnUpgrade) {
    tracing::debug!("protocol switch: waiting for both sides");
    match tokio::try_join!(client, origin) {
        Ok((client, origin)) => {
            let mut client = TokioIo::new(client);
            let mut origin = TokioIo::new(origin);
            if let Err(e) = tokio::io::copy_bidirectional(&mut client, &mut origin).await {
                tracing::debug!(error = %e, "upgraded connection ended");
            }
        }
        Err(e) => tracing::debug!(error = %e, "protocol switch failed"),
    }
}

/// The request headers a page view is counted by.
fn view_headers(headers: &http::HeaderMap) -> http::HeaderMap {
    let mut kept = http::HeaderMap::new();
    for name in [
        "user-agent",
        "referer",
        "accept-language",
        "sec-purpose",
        "purpose",
        "x-purpose",
        "x-moz",
    ] {
        for value in headers.get_all(name) {
            kept.append(name, value.clone());
        }
    }
    kept
}

/// The request headers a re-prompt record needs (language, agent), kept only when the
/// visitor's decision lapsed.
fn reprompt_headers(
    consent: &consentry_engine::VisitorConsent,
    headers: &http::HeaderMap,
) -> http::HeaderMap {
    let mut kept = http::HeaderMap::new();
    if consent.stale.is_some() {
        for name in [header::ACCEPT_LANGUAGE, header::USER_AGENT] {
            if let Some(value) = headers.get(&name) {
                kept.insert(name, value.clone());
            }
        }
    }
    kept
}

/// Records that a visitor whose decision lapsed is asked again, once: the lapsed cookie is
/// removed in the same response. The record is written off the request path.
fn record_reprompt(
    gateway: &Arc<Gateway>,
    site: &SiteEngine,
    consent: &consentry_engine::VisitorConsent,
    request_headers: &http::HeaderMap,
    connection: Connection,
    now: u64,
    response_headers: &mut http::HeaderMap,
) {
    let Ok(random) = random_bytes::<16>() else {
        return;
    };
    let country = gateway.country(connection.peer.ip());
    let visitor = consentry_engine::Visitor {
        ip: Some(connection.peer.ip()),
        user_agent: request_headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
        country: country.as_deref(),
    };
    let Some((record, clear)) = site.reprompt(
        consent,
        request_headers,
        visitor,
        connection.https,
        now,
        random,
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&clear) {
        response_headers.append(header::SET_COOKIE, value);
    }
    let background = gateway.background.clone();
    let gateway = Arc::clone(gateway);
    background.spawn(async move {
        if let Err(e) = gateway.record(record).await {
            tracing::warn!(error = %e, "re-prompt not recorded");
        }
    });
}
