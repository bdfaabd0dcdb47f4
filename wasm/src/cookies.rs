//! The cookie inventory in the Worker, as the native gateway's `cookies.rs` keeps it: what
//! the requests' and responses' cookies taught the engine goes to D1 with the analytics flush;
//! the owner's classifications are applied when the isolate prepares; `/__consentry/cookies`
//! serves the declaration.

use consentry_engine::inventory::declaration::declaration_page;
use consentry_engine::inventory::{site_inventory, InventoryStore};
use consentry_engine::store::StoreError;
use consentry_engine::{pages, SiteEngine};
use http::{Method, StatusCode};
use worker::Env;

use crate::gateway::Gateway;
use crate::io;
use crate::proxy::Visit;
use crate::store::D1Store;

impl Gateway {
    /// Applies the owner's stored classifications to every site's classifier, and notes the
    /// unclassified cookies already in the inventory so they are not reported again.
    pub async fn load_cookie_inventory(&self, store: &D1Store) -> Result<(), StoreError> {
        for site in self.engine.sites() {
            let (rows, overrides) = site_inventory(store, &site.site().name).await?;
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

    /// Writes the cookies this isolate saw since the last flush to D1; rows D1 refuses are
    /// kept for the next flush.
    pub async fn flush_inventory(&self, env: &Env) {
        let rows = self.inventory.drain();
        if rows.is_empty() {
            return;
        }
        let result = match self.store(env) {
            Ok(store) => store.add_cookies(&self.analytics_writer, &rows).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, rows = rows.len(), "cookie inventory not stored; kept for the next flush");
            self.inventory.restore(rows);
        }
    }
}

/// `GET /__consentry/cookies`: the cookie declaration, from D1 once this isolate's cookies
/// seen so far are flushed.
pub async fn declaration(
    gateway: &Gateway,
    site: &SiteEngine,
    env: &Env,
    visit: &Visit,
) -> web_sys::Response {
    gateway.flush_inventory(env).await;
    let read = match gateway.store(env) {
        Ok(store) => site_inventory(&store, &site.site().name).await,
        Err(e) => Err(e),
    };
    match read {
        Ok((rows, overrides)) => io::page(declaration_page(
            site,
            &rows,
            &overrides,
            visit.url.query(),
            &visit.headers,
            visit.method == Method::HEAD,
        )),
        Err(e) => {
            tracing::error!(error = %e, "could not read the cookie inventory");
            io::page(pages::error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The cookie declaration cannot be read just now. Please try again in a moment.",
            ))
        }
    }
}
