//! The visitor's receipt page and the erasure of their records, as the native gateway's
//! `receipt.rs` serves them.

use consentry_engine::pages::{self, Refusal};
use consentry_engine::store::ConsentLog;
use consentry_engine::{render_receipt, ReceiptView, SiteEngine, Visitor, RECEIPT_PATH};
use http::Method;
use worker::Env;

use crate::gateway::Gateway;
use crate::io::{self, random_bytes, unix_now};
use crate::proxy::Visit;

/// `GET /__consentry/receipt`: the visitor's consent id, choices and records.
pub async fn receipt(
    gateway: &Gateway,
    site: &SiteEngine,
    env: &Env,
    visit: &Visit,
) -> web_sys::Response {
    let consent = site.consent_of(&visit.headers, unix_now());
    let records = match consent.consent_id() {
        Some(id) => {
            let found = match gateway.store(env) {
                Ok(store) => store.records_for(id).await,
                Err(e) => Err(e),
            };
            match found {
                Ok(records) => records,
                Err(e) => {
                    tracing::error!(error = %e, "could not read the consent log");
                    return io::page(Refusal::RecordsUnavailable.page());
                }
            }
        }
        None => Vec::new(),
    };
    let html = render_receipt(&ReceiptView {
        consent: &consent,
        records: &records,
        lifetime_secs: site.policy().lifetime_secs,
        erased: pages::erased_from_query(visit.url.query()),
    });
    io::page(pages::receipt_page(html, visit.method == Method::HEAD))
}

/// `POST /__consentry/receipt/erase`: removes the personal fields of the visitor's records,
/// records the erasure (without anything pointing to them), and forgets their choice.
pub async fn erase(
    gateway: &Gateway,
    site: &SiteEngine,
    env: &Env,
    visit: &Visit,
) -> web_sys::Response {
    if !consentry_engine::is_same_origin(&visit.headers, &visit.host) {
        return io::page(Refusal::CrossSiteErasure.page());
    }
    let now = unix_now();
    let consent = site.consent_of(&visit.headers, now);
    let Some(consent_id) = consent.consent_id() else {
        return io::page(pages::see_other(RECEIPT_PATH));
    };
    let erased = async {
        let seqs = gateway.store(env)?.erase(consent_id).await?;
        let random = random_bytes::<16>()
            .map_err(|e| consentry_engine::store::StoreError::Database(e.to_string()))?;
        let record = site.erasure_record(&seqs, Visitor::default(), now, random);
        gateway.record(env, record).await?;
        Ok::<_, consentry_engine::store::StoreError>(seqs)
    }
    .await;
    match erased {
        Ok(seqs) => {
            let cookies = site.erasure_cookies(&visit.headers, &visit.host, visit.https);
            io::page(pages::erasure_answer(seqs.len(), &cookies))
        }
        Err(e) => {
            tracing::error!(error = %e, "erasure failed");
            io::page(Refusal::ErasureFailed.page())
        }
    }
}
