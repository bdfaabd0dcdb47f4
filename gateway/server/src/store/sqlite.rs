//! The embedded store: one SQLite file in the data directory.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use consentry_config::Category;
use consentry_engine::schema::{
    INSERT_CONSENT_RECORD, INSERT_FUNCTIONAL_COOKIE, SCHEMA, SELECT_FUNCTIONAL_COOKIES,
};
use consentry_engine::{ConsentRecord, DecisionKind};
use rusqlite::{params, Connection};

use super::{ConsentStore, StoreError, StoreFuture};

/// The database file's name in the data directory.
pub const DATABASE_FILE: &str = "consentry.sqlite3";

/// Consent records in SQLite. Writes are synchronous on a blocking thread and committed with
/// `synchronous=FULL`, so an acknowledged decision survives a crash.
#[derive(Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    path: PathBuf,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<SqliteStore, StoreError> {
        let open_err = |reason: String| StoreError::Open {
            path: data_dir.display().to_string(),
            reason,
        };
        std::fs::create_dir_all(data_dir).map_err(|e| open_err(e.to_string()))?;
        let path = data_dir.join(DATABASE_FILE);
        let connection = Connection::open(&path).map_err(|e| open_err(e.to_string()))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;",
            )
            .map_err(db_err)?;
        connection.execute_batch(SCHEMA).map_err(db_err)?;
        Ok(SqliteStore {
            connection: Arc::new(Mutex::new(connection)),
            path,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn with_connection<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || {
            let mut guard = connection.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Database(format!("store task failed: {e}")))?
    }
}

impl ConsentStore for SqliteStore {
    fn append<'a>(&'a self, record: &'a ConsentRecord) -> StoreFuture<'a, ()> {
        let record = record.clone();
        Box::pin(self.with_connection(move |conn| {
            let granted = record
                .granted
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(",");
            conn.execute(
                INSERT_CONSENT_RECORD,
                params![
                    record.consent_id,
                    record.site,
                    i64::try_from(record.recorded_at).unwrap_or(i64::MAX),
                    record.policy_version,
                    record.action.as_str(),
                    record.via_form,
                    record.gpc,
                    granted,
                ],
            )
            .map_err(db_err)?;
            Ok(())
        }))
    }

    fn records_for<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<ConsentRecord>> {
        let consent_id = consent_id.to_owned();
        Box::pin(self.with_connection(move |conn| {
            let mut statement = conn
                .prepare(
                    "SELECT consent_id, site, recorded_at, policy_version, action, via_form, gpc, granted \
                     FROM consent_records WHERE consent_id = ?1 ORDER BY id",
                )
                .map_err(db_err)?;
            let rows = statement
                .query_map([consent_id], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, i64>(2)?,
                        row.get::<_, u32>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, bool>(5)?,
                        row.get::<_, bool>(6)?,
                        row.get::<_, String>(7)?,
                    ))
                })
                .map_err(db_err)?;
            rows.map(|row| {
                let (consent_id, site, at, policy_version, action, via_form, gpc, granted) = row.map_err(db_err)?;
                Ok(ConsentRecord {
                    consent_id,
                    site,
                    recorded_at: u64::try_from(at).unwrap_or(0),
                    policy_version,
                    action: parse_action(&action)?,
                    via_form,
                    gpc,
                    granted: granted
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(|s| s.parse::<Category>().map_err(|e| StoreError::Database(e.to_string())))
                        .collect::<Result<_, _>>()?,
                })
            })
            .collect()
        }))
    }

    fn count(&self) -> StoreFuture<'_, u64> {
        Box::pin(self.with_connection(|conn| {
            let n: i64 = conn
                .query_row("SELECT COUNT(*) FROM consent_records", [], |row| row.get(0))
                .map_err(db_err)?;
            Ok(u64::try_from(n).unwrap_or(0))
        }))
    }

    fn remember_functional_cookie<'a>(
        &'a self,
        site: &'a str,
        name: &'a str,
        now: u64,
    ) -> StoreFuture<'a, ()> {
        let (site, name) = (site.to_owned(), name.to_owned());
        Box::pin(self.with_connection(move |conn| {
            conn.execute(
                INSERT_FUNCTIONAL_COOKIE,
                params![site, name, i64::try_from(now).unwrap_or(i64::MAX)],
            )
            .map_err(db_err)?;
            Ok(())
        }))
    }

    fn functional_cookies<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<String>> {
        let site = site.to_owned();
        Box::pin(self.with_connection(move |conn| {
            let mut statement = conn.prepare(SELECT_FUNCTIONAL_COOKIES).map_err(db_err)?;
            let names = statement
                .query_map([site], |row| row.get::<_, String>(0))
                .map_err(db_err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(db_err)?;
            Ok(names)
        }))
    }
}

fn parse_action(text: &str) -> Result<DecisionKind, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| StoreError::Database(format!("unknown action `{text}` in the consent log")))
}

#[cfg(test)]
mod tests {
    use consentry_engine::DecisionKind;

    use super::*;

    #[tokio::test]
    async fn records_are_appended_and_read_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path()).expect("open");
        let record = ConsentRecord {
            consent_id: "abc".into(),
            site: "shop".into(),
            recorded_at: 1_700_000_000,
            policy_version: 2,
            action: DecisionKind::Custom,
            via_form: true,
            gpc: false,
            granted: vec![Category::Necessary, Category::Analytics],
        };
        store.append(&record).await.expect("append");
        drop(store);
        let reopened = SqliteStore::open(dir.path()).expect("reopen");
        assert_eq!(reopened.count().await.expect("count"), 1);
        assert_eq!(
            reopened.records_for("abc").await.expect("read"),
            vec![record]
        );
    }
}
