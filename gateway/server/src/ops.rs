//! `/__consentry/health`, `/ready` and `/metrics`, on any host name.
//!
//! Metrics are read from loopback (a Prometheus on the same machine, or an SSH tunnel), or
//! from anywhere with an API token of a dashboard account (`consentry admin token`) as
//! `Authorization: Bearer`: the same tokens as the dashboard's API.

use consentry_engine::admin::accounts::token_hash;
use consentry_engine::admin::session::bearer_token;
use consentry_engine::ops::{self, OpsRoute};
use http::header::{self, HeaderValue};
use http::{Method, Request, Response};
use hyper::body::Incoming;

use crate::proxy::Connection;
use crate::{pages, Gateway, ResponseBody};

/// Answers one of the operator's paths.
pub async fn answer(
    gateway: &Gateway,
    route: OpsRoute,
    connection: Connection,
    request: &Request<Incoming>,
) -> Response<ResponseBody> {
    let head = request.method() == Method::HEAD;
    let mut response = match route {
        OpsRoute::Health => pages::from_engine(ops::healthy()),
        OpsRoute::Ready => pages::from_engine(ops::readiness(gateway.ready().await)),
        OpsRoute::MethodNotAllowed => pages::method_not_allowed("GET, HEAD"),
        OpsRoute::Metrics => {
            if !may_read_metrics(gateway, connection, request).await {
                return pages::from_engine(ops::metrics_refused());
            }
            let mut response =
                pages::from_engine(consentry_engine::pages::text(http::StatusCode::OK, ""));
            *response.body_mut() = pages::full(gateway.metrics().encode());
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(crate::metrics::CONTENT_TYPE),
            );
            response
        }
    };
    if head {
        *response.body_mut() = pages::empty();
    }
    response
}

async fn may_read_metrics(
    gateway: &Gateway,
    connection: Connection,
    request: &Request<Incoming>,
) -> bool {
    if connection.peer.ip().to_canonical().is_loopback() {
        return true;
    }
    let Some(token) = bearer_token(request.headers()) else {
        return false;
    };
    matches!(
        gateway.log.token_user(&token_hash(token)).await,
        Ok(Some(_))
    )
}
