//! The visitor's receipt page and the erasure of their records.

use consentry_engine::{
    expiring_set_cookies, host_without_port, is_same_origin, render_receipt, ReceiptView,
    RecordKind, RequestCookies, SiteEngine, Visitor, CONSENT_COOKIE, RECEIPT_PATH,
};
use http::header::{self, HeaderValue};
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::proxy::Connection;
use crate::{pages, random_bytes, unix_now, Gateway, ResponseBody};

/// `GET /__consentry/receipt`: the visitor's consent id, choices and records.
pub async fn receipt(
    gateway: &Gateway,
    site: &SiteEngine,
    request: &Request<Incoming>,
) -> Response<ResponseBody> {
    let headers = request.headers();
    let cookies = RequestCookies::parse(
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    let consent = site.consent(&cookies, headers, unix_now());
    let consent_id = consent
        .decision
        .as_ref()
        .or(consent.stale.as_ref())
        .map(|c| c.consent_id.clone());
    let records = match &consent_id {
        Some(id) => match gateway.log.records_for(id).await {
            Ok(records) => records,
            Err(e) => {
                tracing::error!(error = %e, "could not read the consent log");
                return pages::error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Your records cannot be shown right now.",
                );
            }
        },
        None => Vec::new(),
    };
    let erased = request
        .uri()
        .query()
        .and_then(|q| form_value(q, "erased"))
        .and_then(|n| n.parse().ok());
    let html = render_receipt(&ReceiptView {
        consent: &consent,
        records: &records,
        lifetime_secs: site.policy().lifetime_secs,
        erased,
    });
    let mut response = pages::html(StatusCode::OK, html, request.method() == Method::HEAD);
    response
        .headers_mut()
        .insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

fn form_value(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
}

/// `POST /__consentry/receipt/erase`: removes the personal fields of the visitor's records,
/// records the erasure (without anything pointing to them), and forgets their choice.
pub async fn erase(
    gateway: &Gateway,
    site: &SiteEngine,
    connection: Connection,
    host: &str,
    request: Request<Incoming>,
) -> Response<ResponseBody> {
    let headers = request.headers();
    if !is_same_origin(headers, host) {
        return pages::text(
            StatusCode::FORBIDDEN,
            "erasure is only taken from the site's own pages",
        );
    }
    let now = unix_now();
    let cookies = RequestCookies::parse(
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
    );
    let consent = site.consent(&cookies, headers, now);
    let Some(consent_id) = consent
        .decision
        .as_ref()
        .or(consent.stale.as_ref())
        .map(|c| c.consent_id.clone())
    else {
        return pages::see_other(RECEIPT_PATH);
    };
    let erased = match erase_and_record(gateway, site, &consent_id, Visitor::default(), now).await {
        Ok(seqs) => seqs,
        Err(e) => {
            tracing::error!(error = %e, "erasure failed");
            return pages::error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Your records could not be erased just now. Please try again.",
            );
        }
    };
    let mut response = pages::see_other(&format!("{RECEIPT_PATH}?erased={}", erased.len()));
    let host = host_without_port(host);
    let mut set_cookies = vec![format!(
        "{CONSENT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
        if connection.https { "; Secure" } else { "" }
    )];
    for name in cookies.names() {
        if name != CONSENT_COOKIE
            && site.classifier().for_request(name).category != consentry_config::Category::Necessary
        {
            set_cookies.extend(expiring_set_cookies(name, host, connection.https));
        }
    }
    for cookie in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// Erases one visitor's records and appends the erasure record; returns the positions
/// erased. Shared by the receipt page and `consentry log erase`.
pub async fn erase_and_record(
    gateway: &Gateway,
    site: &SiteEngine,
    consent_id: &str,
    visitor: Visitor<'_>,
    now: u64,
) -> Result<Vec<u64>, crate::store::StoreError> {
    let seqs = gateway.log.erase(consent_id).await?;
    let random =
        random_bytes::<16>().map_err(|e| crate::store::StoreError::Database(e.to_string()))?;
    let mut record = site.new_record(
        RecordKind::Erasure,
        String::new(),
        consentry_banner::Language::En,
        visitor,
        now,
        random,
    );
    record.detail = erasure_detail(&seqs);
    gateway.record(record).await?;
    Ok(seqs)
}

/// The erasure record's description: which positions were erased.
pub fn erasure_detail(seqs: &[u64]) -> String {
    let list: Vec<String> = seqs.iter().map(u64::to_string).collect();
    format!("erased {} record(s): {}", seqs.len(), list.join(", "))
}
