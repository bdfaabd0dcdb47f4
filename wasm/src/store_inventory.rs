//! The cookie inventory and the owner's classifications in D1. A flush reads this writer's
//! rows once per site it touches, merges in memory and writes every row in one batch (one
//! transaction). Each isolate is its own writer, as for the analytics.

use std::collections::HashMap;

use consentry_engine::inventory::{
    cookie_from, cookie_values, merged_for_writer, override_from, override_values, CookieOverride,
    CookieRow, InventoryStore,
};
use consentry_engine::schema::{
    COUNT_SCRIPT_COOKIES, SELECT_COOKIES, SELECT_COOKIE_OVERRIDES, SELECT_WRITER_COOKIES,
    UPSERT_COOKIE, UPSERT_COOKIE_OVERRIDE,
};
use consentry_engine::store::row::Row;
use consentry_engine::store::StoreFuture;

use crate::store::{db_err, D1Store};

impl InventoryStore for D1Store {
    fn add_cookies<'a>(&'a self, writer: &'a str, rows: &'a [CookieRow]) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut sites: Vec<&str> = rows.iter().map(|r| r.site.as_str()).collect();
            sites.sort_unstable();
            sites.dedup();
            let mut stored = Vec::new();
            let mut script_cookies = HashMap::new();
            for site in sites {
                stored.extend(
                    self.query(
                        &SELECT_WRITER_COOKIES,
                        &[site.into(), writer.into()],
                        cookie_from,
                    )
                    .await?,
                );
                let count = self
                    .query_opt(COUNT_SCRIPT_COOKIES, &[site.into()], |r| {
                        r.int_as::<usize>("n")
                    })
                    .await?;
                script_cookies.insert(site.to_owned(), count.unwrap_or(0));
            }
            let mut statements = Vec::with_capacity(rows.len());
            for row in merged_for_writer(stored, rows, &script_cookies) {
                statements.push(self.statement(&UPSERT_COOKIE, &cookie_values(&row, writer)?)?);
            }
            if !statements.is_empty() {
                self.db.batch(statements).await.map_err(db_err)?;
            }
            Ok(())
        })
    }

    fn cookie_rows<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieRow>> {
        Box::pin(async move {
            self.query(&SELECT_COOKIES, &[site.into()], cookie_from)
                .await
        })
    }

    fn set_cookie_override<'a>(&'a self, entry: &'a CookieOverride) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(&UPSERT_COOKIE_OVERRIDE, &override_values(entry)?)
                .await?;
            Ok(())
        })
    }

    fn cookie_overrides<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieOverride>> {
        Box::pin(async move {
            self.query(&SELECT_COOKIE_OVERRIDES, &[site.into()], override_from)
                .await
        })
    }
}
