//! The path of one request on the native host: the engine plans ([`Engine::plan`]), this
//! file does the I/O — reads bodies, calls the origin, streams the page through the
//! rewriter, and carries out the effects off the request path.
//!
//! [`Engine::plan`]: consentry_engine::Engine::plan

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use consentry_engine::exchange::{
    remember_learned, BodyAction, Effects, Event, Forward, Host, Plan, UpstreamFailure, Visit,
};
use http::{Request, Response, StatusCode};
use http_body::Body as _;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;

use crate::host::NativeHost;
use crate::limits::{read_body, HeldBody, PermitBody, TimedBody};
use crate::rewritten_body::{prime, PageReport, Primed};
use crate::upstream::{closed_while_reused, origin_request};
use crate::{pages, unix_now, Gateway, ResponseBody};
use consentry_engine::forwarding::is_upgrade;

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
    mut request: Request<Incoming>,
) -> Result<Response<ResponseBody>, Infallible> {
    let client_upgrade = is_upgrade(request.headers()).then(|| hyper::upgrade::on(&mut request));
    let (parts, body) = request.into_parts();
    let mut host =
        NativeHost::new(&gateway, Some(connection.peer.ip())).with_headers(&parts.headers);
    if gateway.demo {
        if let Some(place) = crate::demo::demo_place(parts.uri.query(), &parts.headers) {
            host = host.at(place);
        }
    }
    let visit = Visit {
        method: &parts.method,
        path_and_query: parts.uri.path_and_query().map_or("/", |pq| pq.as_str()),
        authority: parts.uri.authority().map(|a| a.as_str()),
        headers: &parts.headers,
        peer: Some(connection.peer.ip()),
        https: connection.https,
        now: unix_now(),
    };
    let plan = gateway.engine.plan(&visit, &host);
    if let Some((site, route)) = plan.metric_label() {
        host.observe(Event::Request { site, route });
    }
    let mut response = match plan {
        Plan::Answer(page, _) => pages::from_engine(page),
        Plan::Own(own) => {
            let body = match own.body_limit() {
                Some(limit) => read_body(body, limit, gateway.timeouts.body_read).await,
                None => Ok(Vec::new()),
            };
            pages::from_engine(own.answer(&host, &visit, body).await)
        }
        Plan::Forward(forward) => {
            forward_to_origin(&gateway, &host, *forward, body, client_upgrade).await
        }
    };
    // The visitor gets the gateway's own HTTP version and keep-alive, whatever the origin
    // spoke (an HTTP/1.0 origin would otherwise close every visitor's connection).
    *response.version_mut() = http::Version::default();
    Ok(response)
}

async fn forward_to_origin(
    gateway: &Arc<Gateway>,
    host: &NativeHost<'_>,
    mut forward: Forward<'_>,
    body: Incoming,
    client_upgrade: Option<OnUpgrade>,
) -> Response<ResponseBody> {
    let Some(permit) = gateway.upstream_permit(forward.site_index()) else {
        tracing::warn!(site = %forward.site().site().name, "max_upstream_requests in flight; 503");
        return pages::from_engine(forward.failed(host, UpstreamFailure::Overloaded));
    };
    // A request without a body that may be repeated is sent again, once, on a fresh
    // connection when the origin closed a pooled one just as it was reused.
    let retry =
        (body.is_end_stream() && forward.method().is_idempotent()).then(|| forward.headers.clone());
    let headers = std::mem::take(&mut forward.headers);
    let request = origin_request(
        &forward,
        headers,
        TimedBody::new(body, gateway.timeouts.body_read),
    );
    let started = tokio::time::Instant::now();
    let timeout = gateway.timeouts.upstream;
    let client = gateway.client(forward.site_index());
    let sent = tokio::time::timeout(timeout, async {
        match (client.request(request).await, retry) {
            (Err(e), Some(headers)) if closed_while_reused(&e) => {
                tracing::debug!(error = %e, "origin closed a pooled connection; asking again");
                let empty = TimedBody::empty(gateway.timeouts.body_read);
                client
                    .request(origin_request(&forward, headers, empty))
                    .await
            }
            (result, _) => result,
        }
    });
    let mut response = match sent.await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, site = %forward.site().site().name, "origin unreachable");
            return pages::from_engine(forward.failed(host, UpstreamFailure::Unreachable));
        }
        Err(_) => {
            tracing::warn!(site = %forward.site().site().name, ?timeout, "origin timed out");
            return pages::from_engine(forward.failed(host, UpstreamFailure::Timeout));
        }
    };
    let status = response.status();
    let origin_upgrade = (status == StatusCode::SWITCHING_PROTOCOLS && client_upgrade.is_some())
        .then(|| hyper::upgrade::on(&mut response));
    let (mut parts, body) = response.into_parts();
    let plan = forward.respond(host, status, &mut parts.headers, false);
    if let (Some(client), Some(origin)) = (client_upgrade, origin_upgrade) {
        tokio::spawn(tunnel(client, origin));
        return Response::from_parts(parts, pages::empty());
    }
    carry_out(gateway, &forward, plan.effects);
    let body = match plan.body {
        BodyAction::Pass => body.map_err(Into::into).boxed_unsync(),
        BodyAction::Rewrite(rewriter) => {
            let site = forward.site().site().name.as_str();
            let report = PageReport::new(Arc::clone(&gateway.metrics), site);
            // What is left of the origin's time to start the page.
            let left = timeout.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, prime(body, *rewriter, report)).await {
                Ok(Primed::Rewritten(body)) => (*body).boxed_unsync(),
                Ok(Primed::Oversized { held, rest, error }) => {
                    tracing::warn!(%error, %site, path = %forward.path_and_query(), "page too large to rewrite");
                    match forward.oversized(host) {
                        Some(page) => return pages::from_engine(page),
                        None => HeldBody::new(held, rest).boxed_unsync(),
                    }
                }
                Ok(Primed::Failed(error)) => {
                    tracing::warn!(%error, %site, "origin's page could not be read");
                    return pages::from_engine(forward.failed(host, UpstreamFailure::Body));
                }
                Err(_) => {
                    tracing::warn!(%site, "origin's page did not start in time");
                    return pages::from_engine(forward.failed(host, UpstreamFailure::Timeout));
                }
            }
        }
    };
    Response::from_parts(parts, PermitBody::new(body, permit).boxed_unsync())
}

/// Carries out a response's effects off the request path: the re-prompt record, the
/// functional cookies learnt.
fn carry_out(gateway: &Arc<Gateway>, forward: &Forward<'_>, effects: Effects) {
    if let Some(record) = effects.record {
        let writer = gateway.writer.clone();
        gateway.background.spawn(async move {
            if let Err(e) = writer.append(record).await {
                tracing::warn!(error = %e, "re-prompt not recorded");
            }
        });
    }
    if !effects.learned.is_empty() {
        let store = Arc::clone(&gateway.log);
        let site = forward.site().site().name.clone();
        gateway.background.spawn(async move {
            remember_learned(store.as_ref(), &site, &effects.learned, unix_now()).await;
        });
    }
}

/// Copies bytes both ways between visitor and origin after a protocol switch.
async fn tunnel(client: OnUpgrade, origin: OnUpgrade) {
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
