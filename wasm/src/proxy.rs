//! The path of one request in the Worker: the engine plans ([`Engine::plan`]), this file
//! does the I/O — reads bodies, calls the origin, streams the page through the rewriter, and
//! carries out the effects after the answer (`waitUntil`).
//!
//! [`Engine::plan`]: consentry_engine::Engine::plan

use std::rc::Rc;

use consentry_engine::exchange::{
    own_page, remember_learned, BodyAction, Effects, Forward, Plan, UpstreamFailure, Visit,
};
use consentry_engine::pages;
use http::StatusCode;
use worker::{Context, Env};

use crate::gateway::Gateway;
use crate::host::EdgeHost;
use crate::incoming::Incoming;
use crate::io::{self, unix_now};
use crate::origin::{decoded_by_runtime, fetch_origin, origin_request, Upstream};
use crate::prime::{prime, Primed};

/// Answers one request. Never fails: every error becomes a response.
pub async fn handle(request: web_sys::Request, env: Env, ctx: Context) -> web_sys::Response {
    let gateway = match Gateway::for_env(&env) {
        Ok(gateway) => gateway,
        Err(e) => {
            tracing::error!(error = %e, "the Worker is not configured");
            return io::page(own_page(pages::error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "This gateway is not configured yet.",
            )));
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
    let host = EdgeHost::new(&gateway, &env, incoming.place.clone());
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
    let answer = match gateway.engine.plan(&visit, &host) {
        Plan::Answer(page, _) => io::page(page),
        Plan::Own(own) => {
            let body = match own.body_limit() {
                Some(limit) => io::read_body(incoming.body.clone(), limit).await,
                None => Ok(Vec::new()),
            };
            io::page(own.answer(&host, &visit, body).await)
        }
        Plan::Forward(forward) => {
            forward_to_origin(
                &gateway,
                &host,
                &env,
                &ctx,
                *forward,
                incoming.body.as_ref(),
            )
            .await
        }
    };
    flush_when_due(&gateway, &env, &ctx, now);
    answer
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
        (BodyAction::Rewrite(rewriter), Some(body)) => match prime(body, *rewriter).await {
            Primed::Rewritten(body) => Some(body),
            Primed::Oversized(body, error) => {
                tracing::warn!(%error, %site, path = %forward.path_and_query(), "page too large to rewrite");
                match forward.oversized(host) {
                    Some(page) => return io::page(page),
                    None => Some(body),
                }
            }
            Primed::Failed(error) => {
                tracing::warn!(%error, %site, "origin's page could not be read");
                return io::page(forward.failed(host, UpstreamFailure::Body));
            }
        },
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
