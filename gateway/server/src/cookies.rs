//! The cookie inventory on the native host: what the requests' and responses' cookies taught
//! the engine goes to the store with the analytics flush; the owner's classifications are
//! applied to every site at start-up; `/__consentry/cookies` serves the declaration.

use consentry_engine::inventory::declaration::declaration_page;
use consentry_engine::inventory::{site_inventory, CookieOverride};
use consentry_engine::{pages as engine_pages, SiteEngine};
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::store::StoreError;
use crate::{pages, Gateway, ResponseBody};

impl Gateway {
    /// Applies the owner's stored classifications to every site's classifier, and notes the
    /// unclassified cookies already in the inventory so they are not reported again.
    pub async fn load_cookie_inventory(&self) -> Result<(), StoreError> {
        for site in self.sites() {
            let (rows, overrides) = site_inventory(self.log.as_ref(), &site.site().name).await?;
            apply_overrides(site, &overrides);
            site.classifier().already_flagged(
                rows.iter()
                    .filter(|r| r.is_unclassified())
                    .map(|r| r.name.as_str()),
            );
        }
        Ok(())
    }

    /// Writes the cookies seen since the last flush to the store; rows the store refuses are
    /// kept for the next flush.
    pub async fn flush_inventory(&self) {
        let rows = self.inventory.drain();
        if rows.is_empty() {
            return;
        }
        if let Err(e) = self.log.add_cookies(&self.analytics_writer, &rows).await {
            tracing::warn!(error = %e, rows = rows.len(), "cookie inventory not stored; kept for the next flush");
            self.inventory.restore(rows);
        }
    }

    /// Keeps the owner's classification of a cookie and applies it to the site at once.
    pub async fn classify_cookie(&self, entry: &CookieOverride) -> Result<(), StoreError> {
        self.log.set_cookie_override(entry).await?;
        if let Some(site) = self.sites().iter().find(|s| s.site().name == entry.site) {
            apply_overrides(site, std::slice::from_ref(entry));
        }
        Ok(())
    }
}

fn apply_overrides(site: &SiteEngine, overrides: &[CookieOverride]) {
    for entry in overrides {
        site.classifier()
            .set_override(&entry.name, Some(entry.category));
    }
}

/// `GET /__consentry/cookies`: the cookie declaration, from what is stored once this
/// process's cookies seen so far are flushed.
pub async fn declaration(
    gateway: &Gateway,
    site: &SiteEngine,
    request: &Request<Incoming>,
) -> Response<ResponseBody> {
    gateway.flush_inventory().await;
    match site_inventory(gateway.log.as_ref(), &site.site().name).await {
        Ok((rows, overrides)) => pages::from_engine(declaration_page(
            site,
            &rows,
            &overrides,
            request.uri().query(),
            request.headers(),
            request.method() == Method::HEAD,
        )),
        Err(e) => {
            tracing::error!(error = %e, "could not read the cookie inventory");
            pages::from_engine(engine_pages::error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The cookie declaration cannot be read just now. Please try again in a moment.",
            ))
        }
    }
}
