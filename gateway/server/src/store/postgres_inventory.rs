//! The cookie inventory and the owner's classifications in PostgreSQL: each flush merges into
//! the writer's rows in one transaction; several gateways write their own rows and readers
//! merge them.

use std::collections::HashMap;

use consentry_engine::inventory::{
    cookie_from, cookie_values, merged_for_writer, override_from, override_values, CookieOverride,
    CookieRow, InventoryStore,
};
use consentry_engine::schema::{
    postgres_placeholders as pg, COUNT_SCRIPT_COOKIES, SELECT_COOKIES, SELECT_COOKIE_OVERRIDES,
    SELECT_WRITER_COOKIES, UPSERT_COOKIE, UPSERT_COOKIE_OVERRIDE,
};
use consentry_engine::store::row::Row;

use super::postgres::{db_err, execute, execute_prepared, query, query_opt};
use super::{PostgresStore, StoreFuture};

impl InventoryStore for PostgresStore {
    fn add_cookies<'a>(&'a self, writer: &'a str, rows: &'a [CookieRow]) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut client = self.writer.lock().await;
            let tx = client.transaction().await.map_err(db_err)?;
            let upsert = tx.prepare(&pg(&UPSERT_COOKIE)).await.map_err(db_err)?;
            let mut sites: Vec<&str> = rows.iter().map(|r| r.site.as_str()).collect();
            sites.sort_unstable();
            sites.dedup();
            let mut stored = Vec::new();
            let mut script_cookies = HashMap::new();
            for site in sites {
                stored.extend(
                    query(
                        &tx,
                        &SELECT_WRITER_COOKIES,
                        &[site.into(), writer.into()],
                        |r| cookie_from(r),
                    )
                    .await?,
                );
                let count = query_opt(&tx, COUNT_SCRIPT_COOKIES, &[site.into()], |r| {
                    r.int_as::<usize>("n")
                })
                .await?;
                script_cookies.insert(site.to_owned(), count.unwrap_or(0));
            }
            for row in merged_for_writer(stored, rows, &script_cookies) {
                execute_prepared(&tx, &upsert, &cookie_values(&row, writer)?).await?;
            }
            tx.commit().await.map_err(db_err)
        })
    }

    fn cookie_rows<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieRow>> {
        Box::pin(async move {
            query(&self.reader, &SELECT_COOKIES, &[site.into()], |r| {
                cookie_from(r)
            })
            .await
        })
    }

    fn set_cookie_override<'a>(&'a self, entry: &'a CookieOverride) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let client = self.writer.lock().await;
            execute(&*client, &UPSERT_COOKIE_OVERRIDE, &override_values(entry)?).await?;
            Ok(())
        })
    }

    fn cookie_overrides<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieOverride>> {
        Box::pin(async move {
            query(
                &self.reader,
                &SELECT_COOKIE_OVERRIDES,
                &[site.into()],
                |r| override_from(r),
            )
            .await
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
