//! The cookie inventory and the owner's classifications in PostgreSQL: each flush merges into
//! the writer's rows in one transaction; several gateways write their own rows and readers
//! merge them.

use consentry_engine::inventory::{
    merged_for_writer, CookieOverride, CookieRow, InventoryStore, StoredCookie, StoredOverride,
};
use std::collections::HashMap;

use consentry_engine::schema::{
    postgres_placeholders as pg, COUNT_SCRIPT_COOKIES, SELECT_COOKIES, SELECT_COOKIE_OVERRIDES,
    SELECT_WRITER_COOKIES, UPSERT_COOKIE, UPSERT_COOKIE_OVERRIDE,
};
use tokio_postgres::Row;

use super::postgres::db_err;
use super::{PostgresStore, StoreError, StoreFuture};

fn cookie_row(row: &Row) -> Result<CookieRow, StoreError> {
    let flag = |i: usize| -> Result<i64, tokio_postgres::Error> {
        Ok(i64::from(row.try_get::<_, i16>(i)?))
    };
    let stored = (|| -> Result<StoredCookie, tokio_postgres::Error> {
        Ok(StoredCookie {
            site: row.try_get(0)?,
            name: row.try_get(1)?,
            set_by: row.try_get(2)?,
            domain: row.try_get(3)?,
            path: row.try_get(4)?,
            lifetime: row.try_get(5)?,
            http_only: flag(6)?,
            secure: flag(7)?,
            same_site: row.try_get(8)?,
            category: row.try_get(9)?,
            source: row.try_get(10)?,
            first_seen: row.try_get(11)?,
            last_seen: row.try_get(12)?,
            paths: row.try_get(13)?,
        })
    })()
    .map_err(db_err)?;
    stored.into_row()
}

impl InventoryStore for PostgresStore {
    fn add_cookies<'a>(&'a self, writer: &'a str, rows: &'a [CookieRow]) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut client = self.writer.lock().await;
            let tx = client.transaction().await.map_err(db_err)?;
            let select = tx
                .prepare(&pg(SELECT_WRITER_COOKIES))
                .await
                .map_err(db_err)?;
            let upsert = tx.prepare(&pg(UPSERT_COOKIE)).await.map_err(db_err)?;
            let mut sites: Vec<&str> = rows.iter().map(|r| r.site.as_str()).collect();
            sites.sort_unstable();
            sites.dedup();
            let mut stored = Vec::new();
            let mut script_cookies = HashMap::new();
            for site in sites {
                for row in tx.query(&select, &[&site, &writer]).await.map_err(db_err)? {
                    stored.push(cookie_row(&row)?);
                }
                let count: i64 = tx
                    .query_one(&pg(COUNT_SCRIPT_COOKIES), &[&site])
                    .await
                    .and_then(|row| row.try_get(0))
                    .map_err(db_err)?;
                script_cookies.insert(site.to_owned(), usize::try_from(count).unwrap_or(0));
            }
            for row in merged_for_writer(stored, rows, &script_cookies) {
                let s = StoredCookie::from_row(&row);
                let http_only = i16::from(row.http_only);
                let secure = i16::from(row.secure);
                tx.execute(
                    &upsert,
                    &[
                        &s.site,
                        &s.name,
                        &s.set_by,
                        &s.domain,
                        &s.path,
                        &s.lifetime,
                        &http_only,
                        &secure,
                        &s.same_site,
                        &s.category,
                        &s.source,
                        &s.first_seen,
                        &s.last_seen,
                        &s.paths,
                        &writer,
                    ],
                )
                .await
                .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)
        })
    }

    fn cookie_rows<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieRow>> {
        Box::pin(async move {
            self.reader
                .query(&pg(SELECT_COOKIES), &[&site])
                .await
                .map_err(db_err)?
                .iter()
                .map(cookie_row)
                .collect()
        })
    }

    fn set_cookie_override<'a>(&'a self, entry: &'a CookieOverride) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let at = i64::try_from(entry.at).unwrap_or(i64::MAX);
            let client = self.writer.lock().await;
            client
                .execute(
                    &pg(UPSERT_COOKIE_OVERRIDE),
                    &[
                        &entry.site,
                        &entry.name,
                        &entry.category.as_str(),
                        &entry.purpose,
                        &entry.by,
                        &at,
                    ],
                )
                .await
                .map_err(db_err)?;
            Ok(())
        })
    }

    fn cookie_overrides<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieOverride>> {
        Box::pin(async move {
            self.reader
                .query(&pg(SELECT_COOKIE_OVERRIDES), &[&site])
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| {
                    let stored = (|| -> Result<StoredOverride, tokio_postgres::Error> {
                        Ok(StoredOverride {
                            site: r.try_get(0)?,
                            name: r.try_get(1)?,
                            category: r.try_get(2)?,
                            purpose: r.try_get(3)?,
                            by: r.try_get(4)?,
                            at: r.try_get(5)?,
                        })
                    })()
                    .map_err(db_err)?;
                    stored.into_override()
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use consentry_engine::chain::ChainKey;

    use super::PostgresStore;

    #[tokio::test]
    async fn the_shared_inventory_store_tests_pass_on_postgres() {
        let Ok(url) = std::env::var("CONSENTRY_TEST_POSTGRES") else {
            eprintln!(
                "CONSENTRY_TEST_POSTGRES is not set: the PostgreSQL inventory store tests did not run"
            );
            return;
        };
        let store = PostgresStore::connect(&url, ChainKey::derive(b"test key"))
            .await
            .expect("connect");
        store
            .reader
            .batch_execute("DELETE FROM cookie_inventory; DELETE FROM cookie_overrides;")
            .await
            .expect("wipe");
        super::super::tests::exercise_inventory(&store).await;
    }
}
