//! The dashboard and its API (`/__consentry/admin`, `/__consentry/api/`): the request is read
//! (its body capped) and answered by the engine, as natively. Accounts live in D1 beside the
//! consent log (README: "The dashboard at the edge").

use consentry_engine::admin::{self, Admin, AdminRequest, MAX_ADMIN_BODY};
use consentry_engine::pages;
use futures_util::StreamExt;
use http::StatusCode;
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use worker::Env;

use crate::gateway::Gateway;
use crate::io::{self, random_bytes, unix_now};
use crate::proxy::Visit;

/// The body, or the page that refuses it.
async fn read_body(stream: Option<web_sys::ReadableStream>) -> Result<Vec<u8>, pages::Page> {
    let Some(stream) = stream else {
        return Ok(Vec::new());
    };
    let mut chunks = wasm_streams::ReadableStream::from_raw(stream.unchecked_into()).into_stream();
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| {
            tracing::debug!(error = %crate::error::js_text(&e), "admin request body could not be read");
            pages::text(StatusCode::BAD_REQUEST, "request body could not be read")
        })?;
        let chunk = Uint8Array::new(&chunk);
        if body.len() + chunk.length() as usize > MAX_ADMIN_BODY {
            return Err(pages::text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "request body too large",
            ));
        }
        body.extend_from_slice(&chunk.to_vec());
    }
    Ok(body)
}

/// Answers a request for the dashboard or the API.
pub async fn admin(gateway: &Gateway, env: &Env, visit: Visit) -> web_sys::Response {
    let body = match read_body(visit.body.clone()).await {
        Ok(body) => body,
        Err(mut page) => {
            admin::secure(page.headers_mut());
            return io::page(page);
        }
    };
    let store = match gateway.store(env) {
        Ok(store) => store,
        Err(e) => {
            tracing::error!(error = %e, "the dashboard's store is not reachable");
            let mut page = pages::error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The dashboard's store cannot be reached just now. Please try again in a moment.",
            );
            admin::secure(page.headers_mut());
            return io::page(page);
        }
    };
    // The reports include what this isolate counted up to now.
    gateway.flush_analytics(env, false).await;
    let sites: Vec<String> = gateway
        .engine
        .sites()
        .iter()
        .map(|site| site.site().name.clone())
        .collect();
    let random = || random_bytes::<32>().ok();
    let context = Admin {
        store: &store,
        analytics: &store,
        inventory: &store,
        engines: gateway.engine.sites(),
        settings: &gateway.config.admin,
        analytics_settings: &gateway.config.analytics,
        sites: &sites,
        now: unix_now(),
        random: &random,
    };
    let request = AdminRequest {
        method: &visit.method,
        path: visit.url.path(),
        query: visit.url.query(),
        headers: &visit.headers,
        body: &body,
        host: &visit.host,
        peer: visit.ip,
        https: visit.https,
    };
    io::page(admin::handle(&context, &request).await)
}
