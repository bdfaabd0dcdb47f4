//! `/__consentry/health`, `/ready` and `/metrics` at the edge, on any host name, as natively.
//! Metrics are the native gateway's: an isolate's counts live as long as the isolate and
//! are spread over many, so Prometheus could not read anything whole from a Worker (the
//! README says what to use instead).

use consentry_engine::ops::{self, OpsRoute};
use consentry_engine::pages::{self, PageBody};
use consentry_engine::store::ConsentLog;
use http::{Method, StatusCode};
use worker::Env;

use crate::gateway::Gateway;
use crate::io;

/// Answers one of the operator's paths.
pub async fn answer(
    gateway: &Gateway,
    env: &Env,
    route: OpsRoute,
    method: &Method,
) -> web_sys::Response {
    let mut page = match route {
        OpsRoute::Health => ops::healthy(),
        OpsRoute::Ready => {
            let ready = match gateway.store(env) {
                Ok(store) => store
                    .records_for("")
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("store: {e}")),
                Err(e) => Err(format!("store: {e}")),
            };
            ops::readiness(ready)
        }
        OpsRoute::Metrics => pages::text(
            StatusCode::NOT_IMPLEMENTED,
            "metrics are served by the native gateway; a Worker has no process to count in",
        ),
        OpsRoute::MethodNotAllowed => pages::method_not_allowed("GET, HEAD"),
    };
    if method == Method::HEAD {
        *page.body_mut() = PageBody::Borrowed(b"");
    }
    io::page(page)
}
