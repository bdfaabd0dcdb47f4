//! Consentry as a Cloudflare Worker: the same engine as the native gateway, hosted by the
//! Workers runtime. This crate is glue: it reads the settings from the Worker's environment,
//! moves requests and bodies between the runtime and the engine, and keeps consent records in
//! D1 through the engine's store trait.
//!
//! The path of a request (as in the native `proxy.rs`):
//!
//! 1. [`gateway::Gateway::for_env`] builds the engine once per isolate from `CONSENTRY_CONFIG`
//!    or `CONSENTRY_ORIGIN` and the `CONSENTRY_SECRET` secret, and prepares D1 (schema,
//!    learned cookies) on the first request.
//! 2. The site is chosen by `Host`; `/__consentry/...` is answered here ([`endpoint`],
//!    [`receipt`], the engine's [`consentry_engine::pages`]).
//! 3. Every other request goes to the origin ([`proxy`]), with the engine applied to the
//!    request's cookies and headers and to the response's cookies; HTML streams through the
//!    engine's rewriter ([`rewrite`]).

mod admin;
mod cookies;
mod endpoint;
mod error;
mod gateway;
mod io;
mod ops;
mod proxy;
mod receipt;
mod rewrite;
mod store;
mod store_admin;
mod store_analytics;
mod store_inventory;

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use worker::{event, Context, Env, ScheduleContext, ScheduledEvent};

pub use error::WorkerError;

/// Sets up logging once per isolate: `tracing` to the console, which the runtime keeps with
/// the request (`wrangler tail`, or the terminal of `wasm/dev.sh`).
#[event(start)]
fn start() {
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .without_time()
        .with_writer(tracing_web::MakeConsoleWriter);
    let _ = tracing_subscriber::registry()
        .with(gateway::log_filter())
        .with(fmt)
        .try_init();
}

/// Every request the Worker receives.
#[event(fetch)]
async fn fetch(
    request: web_sys::Request,
    env: Env,
    ctx: Context,
) -> worker::Result<web_sys::Response> {
    Ok(proxy::handle(request, env, ctx).await)
}

/// The Cron Trigger: prunes consent records past their retention behind a signed checkpoint,
/// as the native gateway does every hour.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    match gateway::Gateway::for_env(&env) {
        Ok(gateway) => gateway.prune(&env).await,
        Err(e) => tracing::error!(error = %e, "cannot prune: the Worker is not configured"),
    }
}
