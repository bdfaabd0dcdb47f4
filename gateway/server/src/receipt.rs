//! The visitor's receipt page and the erasure of their records.

use consentry_engine::pages::{erased_from_query, erasure_answer, receipt_page, Refusal};
use consentry_engine::{
    is_same_origin, render_receipt, ReceiptView, SiteEngine, Visitor, RECEIPT_PATH,
};
use http::{Method, Request, Response};
use hyper::body::Incoming;

pub use consentry_engine::erasure_detail;

use crate::proxy::Connection;
use crate::{pages, random_bytes, unix_now, Gateway, ResponseBody};

/// `GET /__consentry/receipt`: the visitor's consent id, choices and records.
pub async fn receipt(
    gateway: &Gateway,
    site: &SiteEngine,
    request: &Request<Incoming>,
) -> Response<ResponseBody> {
    let headers = request.headers();
    let consent = site.consent_of(headers, unix_now());
    let records = match consent.consent_id() {
        Some(id) => match gateway.log.records_for(id).await {
            Ok(records) => records,
            Err(e) => {
                tracing::error!(error = %e, "could not read the consent log");
                return pages::from_engine(Refusal::RecordsUnavailable.page());
            }
        },
        None => Vec::new(),
    };
    let erased = erased_from_query(request.uri().query());
    let html = render_receipt(&ReceiptView {
        consent: &consent,
        records: &records,
        lifetime_secs: site.policy().lifetime_secs,
        erased,
    });
    pages::from_engine(receipt_page(html, request.method() == Method::HEAD))
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
        return pages::from_engine(Refusal::CrossSiteErasure.page());
    }
    let now = unix_now();
    let consent = site.consent_of(headers, now);
    let Some(consent_id) = consent.consent_id() else {
        return pages::see_other(RECEIPT_PATH);
    };
    let erased = match erase_and_record(gateway, site, consent_id, Visitor::default(), now).await {
        Ok(seqs) => seqs,
        Err(e) => {
            tracing::error!(error = %e, "erasure failed");
            return pages::from_engine(Refusal::ErasureFailed.page());
        }
    };
    let set_cookies = site.erasure_cookies(headers, host, connection.https);
    pages::from_engine(erasure_answer(erased.len(), &set_cookies))
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
    let record = site.erasure_record(&seqs, visitor, now, random);
    gateway.record(record).await?;
    Ok(seqs)
}
