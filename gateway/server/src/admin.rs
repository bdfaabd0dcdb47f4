//! The dashboard and its API (`/__consentry/admin`, `/__consentry/api/`): the request is read
//! (its body capped) and answered by the engine, as in the Worker.

use consentry_engine::admin::{self, Admin, AdminRequest, MAX_ADMIN_BODY};
use consentry_engine::pages;
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::limits::{read_body, ReadError};
use crate::proxy::Connection;
use crate::{random_bytes, unix_now, Gateway, ResponseBody};

/// Answers a request for the dashboard or the API.
pub async fn admin(
    gateway: &Gateway,
    connection: Connection,
    host: &str,
    request: Request<Incoming>,
) -> Response<ResponseBody> {
    let (parts, body) = request.into_parts();
    let body = match read_body(body, MAX_ADMIN_BODY, gateway.timeouts.body_read).await {
        Ok(body) => body,
        Err(e) => {
            let page = match e {
                ReadError::TooLarge => {
                    pages::text(StatusCode::PAYLOAD_TOO_LARGE, "request body too large")
                }
                ReadError::TimedOut => {
                    pages::text(StatusCode::REQUEST_TIMEOUT, "request body too slow")
                }
                ReadError::Broken(e) => {
                    tracing::debug!(error = %e, "admin request body could not be read");
                    pages::text(StatusCode::BAD_REQUEST, "request body could not be read")
                }
            };
            let mut page = page;
            admin::secure(page.headers_mut());
            return crate::pages::from_engine(page);
        }
    };
    let sites: Vec<String> = gateway
        .sites()
        .iter()
        .map(|site| site.site().name.clone())
        .collect();
    let random = || random_bytes::<32>().ok();
    // The reports include what this gateway counted up to now.
    gateway.flush_analytics(false).await;
    let store = gateway.log.as_ref();
    let context = Admin {
        store,
        analytics: store,
        inventory: store,
        engines: gateway.sites(),
        settings: &gateway.admin,
        analytics_settings: gateway.analytics.settings(),
        sites: &sites,
        now: unix_now(),
        random: &random,
    };
    let request = AdminRequest {
        method: &parts.method,
        path: parts.uri.path(),
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
        host,
        peer: Some(connection.peer.ip()),
        https: connection.https,
    };
    crate::pages::from_engine(admin::handle(&context, &request).await)
}
