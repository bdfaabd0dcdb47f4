//! `POST /__consentry/consent`: a decision from the banner (JSON) or a plain form.

use consentry_engine::pages::{decision_answer, Refusal};
use consentry_engine::{
    host_without_port, is_same_origin, parse_decision, SiteEngine, Visitor, MAX_DECISION_BODY,
};
use http::header;
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::limits::{read_body, ReadError};
use crate::proxy::Connection;
use crate::{pages, random_bytes, unix_now, Gateway, ResponseBody};

/// Records a decision and answers with the signed consent cookie. The record is durable
/// before the answer leaves: no cookie without proof.
pub async fn consent(
    gateway: &Gateway,
    site: &SiteEngine,
    connection: Connection,
    host: &str,
    request: Request<Incoming>,
) -> Response<ResponseBody> {
    let (parts, body) = request.into_parts();
    if !is_same_origin(&parts.headers, host) {
        return pages::from_engine(Refusal::CrossSiteDecision.page());
    }
    let body = match read_body(body, MAX_DECISION_BODY, gateway.timeouts.body_read).await {
        Ok(body) => body,
        Err(ReadError::TooLarge) => {
            return pages::from_engine(Refusal::TooLarge.page());
        }
        Err(ReadError::TimedOut) => {
            return pages::text(StatusCode::REQUEST_TIMEOUT, "decision body too slow");
        }
        Err(ReadError::Broken(e)) => {
            tracing::debug!(error = %e, "decision body could not be read");
            return pages::from_engine(Refusal::Unreadable.page());
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let decision = match parse_decision(content_type, &body) {
        Ok(decision) => decision,
        Err(e) => return pages::text(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let random = match random_bytes::<32>() {
        Ok(bytes) => bytes,
        Err(e) => {
            tracing::error!(error = %e, "no randomness for a consent id");
            return pages::from_engine(Refusal::NotRecorded.page());
        }
    };
    let country = gateway.country(connection.peer.ip());
    let visitor = Visitor {
        ip: Some(connection.peer.ip()),
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
        country: country.as_deref(),
    };
    let outcome = site.decide(
        &decision,
        &parts.headers,
        host_without_port(host),
        connection.https,
        visitor,
        unix_now(),
        random,
    );
    if let Err(e) = gateway.record(outcome.record.clone()).await {
        tracing::error!(error = %e, "consent record not stored; decision refused");
        return pages::from_engine(Refusal::NotRecorded.page());
    }
    gateway
        .metrics
        .decision(&outcome.record.site, outcome.record.kind.as_str());
    gateway.count_decision(
        &outcome.record,
        connection.peer.ip(),
        parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    );
    tracing::info!(
        site = %outcome.record.site,
        kind = outcome.record.kind.as_str(),
        via_form = outcome.record.via_form,
        "consent recorded"
    );
    pages::from_engine(decision_answer(&outcome))
}
