//! `POST /__consentry/consent`: a decision from the banner (JSON) or a plain form, answered as
//! the native gateway's `endpoint.rs` does.

use consentry_engine::pages::{self, Refusal};
use consentry_engine::{
    host_without_port, is_same_origin, parse_decision, SiteEngine, MAX_DECISION_BODY,
};
use futures_util::StreamExt;
use http::header;
use http::StatusCode;
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use worker::Env;

use crate::gateway::Gateway;
use crate::io::{self, random_bytes, unix_now};
use crate::proxy::Visit;

/// A request body read whole, up to `limit` bytes.
enum Body {
    Read(Vec<u8>),
    TooLarge,
    Unreadable(String),
}

async fn read_body(stream: Option<web_sys::ReadableStream>, limit: usize) -> Body {
    let Some(stream) = stream else {
        return Body::Read(Vec::new());
    };
    let mut chunks = wasm_streams::ReadableStream::from_raw(stream.unchecked_into()).into_stream();
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        match chunk {
            Ok(chunk) => {
                let chunk = Uint8Array::new(&chunk);
                if body.len() + chunk.length() as usize > limit {
                    return Body::TooLarge;
                }
                body.extend_from_slice(&chunk.to_vec());
            }
            Err(e) => return Body::Unreadable(crate::error::js_text(&e)),
        }
    }
    Body::Read(body)
}

/// Records a decision and answers with the signed consent cookie. The record is committed to
/// D1 before the answer leaves: no cookie without proof.
pub async fn consent(
    gateway: &Gateway,
    site: &SiteEngine,
    env: &Env,
    visit: Visit,
) -> web_sys::Response {
    if !is_same_origin(&visit.headers, &visit.host) {
        return io::page(Refusal::CrossSiteDecision.page());
    }
    let body = match read_body(visit.body.clone(), MAX_DECISION_BODY).await {
        Body::Read(body) => body,
        Body::TooLarge => return io::page(Refusal::TooLarge.page()),
        Body::Unreadable(e) => {
            tracing::debug!(error = %e, "decision body could not be read");
            return io::page(Refusal::Unreadable.page());
        }
    };
    let content_type = visit
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let decision = match parse_decision(content_type, &body) {
        Ok(decision) => decision,
        Err(e) => return io::page(pages::text(StatusCode::BAD_REQUEST, &e.to_string())),
    };
    let random = match random_bytes::<32>() {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "no randomness for a consent id");
            return io::page(Refusal::NotRecorded.page());
        }
    };
    let outcome = site.decide(
        &decision,
        &visit.headers,
        host_without_port(&visit.host),
        visit.https,
        visit.visitor(),
        unix_now(),
        random,
    );
    if let Err(e) = gateway.record(env, outcome.record.clone()).await {
        tracing::error!(error = %e, "consent record not stored; decision refused");
        return io::page(Refusal::NotRecorded.page());
    }
    let user_agent = visit
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    gateway.analytics.count_decision(
        &outcome.record,
        visit.ip,
        user_agent,
        &crate::proxy::fresh_salt,
    );
    tracing::info!(
        site = %outcome.record.site,
        kind = outcome.record.kind.as_str(),
        via_form = outcome.record.via_form,
        "consent recorded"
    );
    io::page(pages::decision_answer(&outcome))
}
