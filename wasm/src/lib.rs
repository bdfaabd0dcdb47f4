//! Consentry as a Cloudflare Worker: the same engine as the native gateway, hosted by the
//! Workers runtime. This crate is glue: it reads the settings from the Worker's environment,
//! moves requests and bodies between the runtime and the engine, and keeps consent records in
//! D1 through the engine's store trait.
//!
//! The path of a request is the engine's ([`consentry_engine::exchange`]), the same as the
//! native gateway's:
//!
//! 1. [`gateway::Gateway::for_env`] builds the engine once per isolate from `CONSENTRY_CONFIG`
//!    or `CONSENTRY_ORIGIN` and the `CONSENTRY_SECRET` secret, and prepares D1 (schema,
//!    learned cookies) on the first request.
//! 2. [`proxy`] reads the request and asks the engine for a plan; it sends the engine's
//!    answer, reads the body of Consentry's own paths for the engine to answer with D1
//!    ([`host`]), or calls the origin and streams HTML through the engine's rewriter
//!    ([`rewrite`]), then carries out the effects after the answer.

mod error;
mod gateway;
mod host;
mod incoming;
mod io;
mod origin;
mod prime;
mod proxy;
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
