//! The work around requests that both hosts do with their stores: loading what the store
//! taught the engine at start, writing what was counted in memory, keeping learnt cookies.

use crate::analytics::Counter;
use crate::inventory::{site_inventory, CookieInventory};
use crate::store::{Store, StoreError};
use crate::Engine;

/// Seeds every site's classifier from the store: the unknown cookies its origin set as
/// functional before (so visitors' sessions keep reaching the origin), the owner's
/// classifications, and the unclassified cookies already reported.
pub async fn load_from_store(engine: &Engine, store: &dyn Store) -> Result<(), StoreError> {
    for site in engine.sites() {
        let name = &site.site().name;
        let learned = store.functional_cookies(name).await?;
        site.classifier()
            .remember_functional(learned.iter().map(String::as_str));
        let (rows, overrides) = site_inventory(store, name).await?;
        for entry in &overrides {
            site.classifier()
                .set_override(&entry.name, Some(entry.category));
        }
        site.classifier().already_flagged(
            rows.iter()
                .filter(|r| r.is_unclassified())
                .map(|r| r.name.as_str()),
        );
    }
    Ok(())
}

/// Writes what was counted since the last flush (the cookies seen, then the analytics) to
/// the store under `writer`, this process's or isolate's name; `closing` also ends every open
/// visit. Rows the store refuses are kept for the next flush.
pub async fn flush_counts(
    store: &dyn Store,
    writer: &str,
    analytics: &Counter,
    inventory: &CookieInventory,
    now: u64,
    closing: bool,
) {
    let cookies = inventory.drain();
    if !cookies.is_empty() {
        if let Err(e) = store.add_cookies(writer, &cookies).await {
            tracing::warn!(error = %e, rows = cookies.len(), "cookie inventory not stored; kept for the next flush");
            inventory.restore(cookies);
        }
    }
    let rows = analytics.drain(now, closing);
    if !rows.is_empty() {
        if let Err(e) = store.add_aggregates(writer, &rows).await {
            tracing::warn!(error = %e, rows = rows.len(), "analytics not stored; kept for the next flush");
            analytics.restore(rows);
        }
    }
}

/// Keeps unknown cookie names a site's origin set as functional, for the next start.
pub async fn remember_learned(store: &dyn Store, site: &str, names: &[String], now: u64) {
    for name in names {
        if let Err(e) = store.remember_functional_cookie(site, name, now).await {
            tracing::warn!(error = %e, cookie = %name, "could not remember a functional cookie");
        }
    }
}
