//! The cookie inventory and the owner's classifications in SQLite: each flush merges into the
//! writer's rows in one transaction.

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
use rusqlite::TransactionBehavior;

use super::sqlite::{db_err, execute, query, query_opt};
use super::{SqliteStore, StoreFuture};

impl InventoryStore for SqliteStore {
    fn add_cookies<'a>(&'a self, writer: &'a str, rows: &'a [CookieRow]) -> StoreFuture<'a, ()> {
        let writer = writer.to_owned();
        let rows = rows.to_vec();
        Box::pin(self.with_connection(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db_err)?;
            let mut sites: Vec<&str> = rows.iter().map(|r| r.site.as_str()).collect();
            sites.sort_unstable();
            sites.dedup();
            let mut stored = Vec::new();
            let mut script_cookies = HashMap::new();
            for site in sites {
                stored.extend(query(
                    &tx,
                    &SELECT_WRITER_COOKIES,
                    &[site.into(), (&writer).into()],
                    |r| cookie_from(r),
                )?);
                let count = query_opt(&tx, COUNT_SCRIPT_COOKIES, &[site.into()], |r| {
                    r.int_as::<usize>("n")
                })?;
                script_cookies.insert(site.to_owned(), count.unwrap_or(0));
            }
            for row in merged_for_writer(stored, &rows, &script_cookies) {
                execute(&tx, &UPSERT_COOKIE, &cookie_values(&row, &writer)?)?;
            }
            tx.commit().map_err(db_err)
        }))
    }

    fn cookie_rows<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieRow>> {
        let site = site.to_owned();
        Box::pin(self.with_connection(move |conn| {
            query(conn, &SELECT_COOKIES, &[(&site).into()], |r| cookie_from(r))
        }))
    }

    fn set_cookie_override<'a>(&'a self, entry: &'a CookieOverride) -> StoreFuture<'a, ()> {
        let entry = entry.clone();
        Box::pin(self.with_connection(move |conn| {
            execute(conn, &UPSERT_COOKIE_OVERRIDE, &override_values(&entry)?)?;
            Ok(())
        }))
    }

    fn cookie_overrides<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieOverride>> {
        let site = site.to_owned();
        Box::pin(self.with_connection(move |conn| {
            query(conn, &SELECT_COOKIE_OVERRIDES, &[(&site).into()], |r| {
                override_from(r)
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use consentry_engine::chain::ChainKey;

    use super::SqliteStore;

    #[tokio::test]
    async fn the_shared_inventory_store_tests_pass_on_sqlite() {
        let dir = tempfile::tempdir().expect("dir");
        let store = SqliteStore::open(dir.path(), ChainKey::derive(b"test key")).expect("open");
        super::super::tests::exercise_inventory(&store).await;
    }
}
