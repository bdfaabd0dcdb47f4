//! The cookie inventory and the owner's classifications in D1. A flush reads this writer's
//! rows once per site it touches, merges in memory and writes every row in one batch (one
//! transaction). Each isolate is its own writer, as for the analytics.

use std::collections::HashMap;

use consentry_engine::inventory::{
    merged_for_writer, CookieOverride, CookieRow, InventoryStore, StoredCookie, StoredOverride,
};
use consentry_engine::schema::{
    COUNT_SCRIPT_COOKIES, SELECT_COOKIES, SELECT_COOKIE_OVERRIDES, SELECT_WRITER_COOKIES,
    UPSERT_COOKIE, UPSERT_COOKIE_OVERRIDE,
};
use consentry_engine::store::{StoreError, StoreFuture};
use serde::Deserialize;

use crate::store::{db_err, int, text, D1Store};

/// A `cookie_inventory` row as D1 returns it.
#[derive(Deserialize)]
struct D1Cookie {
    site: String,
    name: String,
    set_by: String,
    domain: String,
    path: String,
    lifetime: i64,
    http_only: i64,
    secure: i64,
    same_site: String,
    category: String,
    source: String,
    first_seen: i64,
    last_seen: i64,
    paths: String,
}

impl From<D1Cookie> for StoredCookie {
    fn from(row: D1Cookie) -> Self {
        StoredCookie {
            site: row.site,
            name: row.name,
            set_by: row.set_by,
            domain: row.domain,
            path: row.path,
            lifetime: row.lifetime,
            http_only: row.http_only,
            secure: row.secure,
            same_site: row.same_site,
            category: row.category,
            source: row.source,
            first_seen: row.first_seen,
            last_seen: row.last_seen,
            paths: row.paths,
        }
    }
}

/// A count as D1 returns it (`AS n`).
#[derive(Deserialize)]
struct Number {
    n: i64,
}

/// A `cookie_overrides` row as D1 returns it.
#[derive(Deserialize)]
struct D1Override {
    site: String,
    name: String,
    category: String,
    purpose: String,
    by_user: String,
    at: i64,
}

impl D1Store {
    async fn cookies(
        &self,
        sql: &str,
        values: &[wasm_bindgen::JsValue],
    ) -> Result<Vec<CookieRow>, StoreError> {
        self.all(sql, values)
            .await?
            .results::<D1Cookie>()
            .map_err(db_err)?
            .into_iter()
            .map(|r| StoredCookie::from(r).into_row())
            .collect()
    }
}

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
                    self.cookies(SELECT_WRITER_COOKIES, &[text(site), text(writer)])
                        .await?,
                );
                let count = self
                    .all(COUNT_SCRIPT_COOKIES, &[text(site)])
                    .await?
                    .results::<Number>()
                    .map_err(db_err)?
                    .first()
                    .map_or(0, |c| c.n);
                script_cookies.insert(site.to_owned(), usize::try_from(count).unwrap_or(0));
            }
            let mut statements = Vec::with_capacity(rows.len());
            for row in merged_for_writer(stored, rows, &script_cookies) {
                let s = StoredCookie::from_row(&row);
                statements.push(self.statement(
                    UPSERT_COOKIE,
                    &[
                        text(&s.site),
                        text(&s.name),
                        text(&s.set_by),
                        text(&s.domain),
                        text(&s.path),
                        int(s.lifetime),
                        int(s.http_only),
                        int(s.secure),
                        text(&s.same_site),
                        text(&s.category),
                        text(&s.source),
                        int(s.first_seen),
                        int(s.last_seen),
                        text(&s.paths),
                        text(writer),
                    ],
                )?);
            }
            if !statements.is_empty() {
                self.db.batch(statements).await.map_err(db_err)?;
            }
            Ok(())
        })
    }

    fn cookie_rows<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieRow>> {
        Box::pin(async move { self.cookies(SELECT_COOKIES, &[text(site)]).await })
    }

    fn set_cookie_override<'a>(&'a self, entry: &'a CookieOverride) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.statement(
                UPSERT_COOKIE_OVERRIDE,
                &[
                    text(&entry.site),
                    text(&entry.name),
                    text(entry.category.as_str()),
                    text(&entry.purpose),
                    text(&entry.by),
                    int(i64::try_from(entry.at).unwrap_or(i64::MAX)),
                ],
            )?
            .run()
            .await
            .map_err(db_err)?;
            Ok(())
        })
    }

    fn cookie_overrides<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieOverride>> {
        Box::pin(async move {
            self.all(SELECT_COOKIE_OVERRIDES, &[text(site)])
                .await?
                .results::<D1Override>()
                .map_err(db_err)?
                .into_iter()
                .map(|r| {
                    StoredOverride {
                        site: r.site,
                        name: r.name,
                        category: r.category,
                        purpose: r.purpose,
                        by: r.by_user,
                        at: r.at,
                    }
                    .into_override()
                })
                .collect()
        })
    }
}
