//! The cookie inventory and the owner's classifications in SQLite: each flush merges into the
//! writer's rows in one transaction.

use consentry_engine::inventory::{
    merged_for_writer, CookieOverride, CookieRow, InventoryStore, StoredCookie, StoredOverride,
};
use std::collections::HashMap;

use consentry_engine::schema::{
    COUNT_SCRIPT_COOKIES, SELECT_COOKIES, SELECT_COOKIE_OVERRIDES, SELECT_WRITER_COOKIES,
    UPSERT_COOKIE, UPSERT_COOKIE_OVERRIDE,
};
use rusqlite::{params, Connection, TransactionBehavior};

use super::sqlite::db_err;
use super::{SqliteStore, StoreError, StoreFuture};

fn cookie_rows(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<CookieRow>, StoreError> {
    let mut statement = conn.prepare_cached(sql).map_err(db_err)?;
    let stored = statement
        .query_map(params, |r| {
            Ok(StoredCookie {
                site: r.get(0)?,
                name: r.get(1)?,
                set_by: r.get(2)?,
                domain: r.get(3)?,
                path: r.get(4)?,
                lifetime: r.get(5)?,
                http_only: r.get(6)?,
                secure: r.get(7)?,
                same_site: r.get(8)?,
                category: r.get(9)?,
                source: r.get(10)?,
                first_seen: r.get(11)?,
                last_seen: r.get(12)?,
                paths: r.get(13)?,
            })
        })
        .map_err(db_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_err)?;
    stored.into_iter().map(StoredCookie::into_row).collect()
}

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
                stored.extend(cookie_rows(
                    &tx,
                    SELECT_WRITER_COOKIES,
                    params![site, writer],
                )?);
                let count: i64 = tx
                    .query_row(COUNT_SCRIPT_COOKIES, params![site], |r| r.get(0))
                    .map_err(db_err)?;
                script_cookies.insert(site.to_owned(), usize::try_from(count).unwrap_or(0));
            }
            {
                let mut upsert = tx.prepare_cached(UPSERT_COOKIE).map_err(db_err)?;
                for row in merged_for_writer(stored, &rows, &script_cookies) {
                    let s = StoredCookie::from_row(&row);
                    upsert
                        .execute(params![
                            s.site,
                            s.name,
                            s.set_by,
                            s.domain,
                            s.path,
                            s.lifetime,
                            s.http_only,
                            s.secure,
                            s.same_site,
                            s.category,
                            s.source,
                            s.first_seen,
                            s.last_seen,
                            s.paths,
                            writer
                        ])
                        .map_err(db_err)?;
                }
            }
            tx.commit().map_err(db_err)
        }))
    }

    fn cookie_rows<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieRow>> {
        let site = site.to_owned();
        Box::pin(self.with_connection(move |conn| cookie_rows(conn, SELECT_COOKIES, params![site])))
    }

    fn set_cookie_override<'a>(&'a self, entry: &'a CookieOverride) -> StoreFuture<'a, ()> {
        let entry = entry.clone();
        Box::pin(self.with_connection(move |conn| {
            conn.execute(
                UPSERT_COOKIE_OVERRIDE,
                params![
                    entry.site,
                    entry.name,
                    entry.category.as_str(),
                    entry.purpose,
                    entry.by,
                    i64::try_from(entry.at).unwrap_or(i64::MAX)
                ],
            )
            .map_err(db_err)?;
            Ok(())
        }))
    }

    fn cookie_overrides<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieOverride>> {
        let site = site.to_owned();
        Box::pin(self.with_connection(move |conn| {
            let mut statement = conn
                .prepare_cached(SELECT_COOKIE_OVERRIDES)
                .map_err(db_err)?;
            let stored = statement
                .query_map(params![site], |r| {
                    Ok(StoredOverride {
                        site: r.get(0)?,
                        name: r.get(1)?,
                        category: r.get(2)?,
                        purpose: r.get(3)?,
                        by: r.get(4)?,
                        at: r.get(5)?,
                    })
                })
                .map_err(db_err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(db_err)?;
            stored
                .into_iter()
                .map(StoredOverride::into_override)
                .collect()
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
