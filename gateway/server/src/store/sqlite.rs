//! The embedded store: one SQLite file in the data directory. Each batch of records is one
//! `BEGIN IMMEDIATE` transaction committed with `synchronous=FULL`, so an acknowledged
//! decision survives a crash, and several gateways on one directory keep one chain.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use consentry_engine::chain::{chain, ChainKey, ChainedRecord, Checkpoint, GENESIS};
use consentry_engine::schema::{
    ERASE, INSERT_CHECKPOINT, INSERT_FUNCTIONAL_COOKIE, INSERT_LOG, LOG_COLUMNS, SCHEMA,
    SELECT_CHECKPOINT, SELECT_FUNCTIONAL_COOKIES, SELECT_HEAD,
};
use consentry_engine::ConsentRecord;
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql, TransactionBehavior};

use super::{ConsentLog, LogFilter, LogStats, StoreError, StoreFuture};
use consentry_engine::store::rows::{db_time, filter_clause, FilterValue, LogRow};

/// The database file's name in the data directory.
pub const DATABASE_FILE: &str = "consentry.sqlite3";

/// The consent log in SQLite.
#[derive(Clone)]
pub struct SqliteStore {
    connection: Arc<Mutex<Connection>>,
    path: PathBuf,
    key: ChainKey,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish()
    }
}

pub(super) fn db_err(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

impl SqliteStore {
    /// Opens (creating if needed) the store in `data_dir`.
    pub fn open(data_dir: &Path, key: ChainKey) -> Result<SqliteStore, StoreError> {
        let open_err = |reason: String| StoreError::Open {
            location: data_dir.display().to_string(),
            reason,
        };
        std::fs::create_dir_all(data_dir).map_err(|e| open_err(e.to_string()))?;
        let path = data_dir.join(DATABASE_FILE);
        let connection = Connection::open(&path).map_err(|e| open_err(e.to_string()))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;",
            )
            .map_err(db_err)?;
        connection.execute_batch(SCHEMA).map_err(db_err)?;
        Ok(SqliteStore {
            connection: Arc::new(Mutex::new(connection)),
            path,
            key,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on the connection, off the async threads.
    pub(super) async fn with_connection<T: Send + 'static>(
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

fn log_row(row: &Row<'_>) -> rusqlite::Result<LogRow> {
    Ok(LogRow {
        seq: row.get(0)?,
        record_id: row.get(1)?,
        consent_id: row.get(2)?,
        recorded_at: row.get(3)?,
        site: row.get(4)?,
        policy_version: row.get(5)?,
        banner_hash: row.get(6)?,
        language: row.get(7)?,
        kind: row.get(8)?,
        flags: [
            row.get(9)?,
            row.get(10)?,
            row.get(11)?,
            row.get(12)?,
            row.get(13)?,
            row.get(19)?,
        ],
        country: row.get(14)?,
        ip_prefix: row.get(15)?,
        browser: row.get(16)?,
        detail: row.get(17)?,
        personal_digest: row.get(18)?,
        prev_hash: row.get(20)?,
        hash: row.get(21)?,
    })
}

fn query_records(
    conn: &Connection,
    sql: &str,
    values: &[&dyn ToSql],
) -> Result<Vec<ChainedRecord>, StoreError> {
    let mut statement = conn.prepare(sql).map_err(db_err)?;
    let rows = statement
        .query_map(values, log_row)
        .map_err(db_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(db_err)?;
    rows.into_iter().map(LogRow::into_record).collect()
}

fn checkpoint(conn: &Connection) -> Result<Option<Checkpoint>, StoreError> {
    conn.query_row(SELECT_CHECKPOINT, [], |row| {
        Ok(Checkpoint {
            seq: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
            hash: row.get(1)?,
            created_at: u64::try_from(row.get::<_, i64>(2)?).unwrap_or(0),
            signature: row.get(3)?,
        })
    })
    .optional()
    .map_err(db_err)
}

/// The position and hash new records chain after.
fn head(conn: &Connection) -> Result<(u64, String), StoreError> {
    let last: Option<(i64, String)> = conn
        .query_row(SELECT_HEAD, [], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
        .map_err(db_err)?;
    Ok(match last {
        Some((seq, hash)) => (u64::try_from(seq).unwrap_or(0), hash),
        None => match checkpoint(conn)? {
            Some(cp) => (cp.seq, cp.hash),
            None => (0, GENESIS.to_owned()),
        },
    })
}

fn insert(conn: &Connection, record: &ChainedRecord) -> Result<(), StoreError> {
    let r = &record.record;
    conn.execute(
        INSERT_LOG,
        params![
            db_time(record.seq),
            r.record_id,
            r.consent_id,
            db_time(r.recorded_at),
            r.site,
            r.policy_version,
            r.banner_hash,
            r.language,
            r.kind.as_str(),
            r.via_form,
            r.gpc,
            r.preferences,
            r.analytics,
            r.marketing,
            r.country,
            r.ip_prefix,
            r.browser,
            r.detail,
            record.personal_digest,
            record.erased,
            record.prev_hash,
            record.hash,
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

impl ConsentLog for SqliteStore {
    fn append_batch<'a>(&'a self, records: &'a [ConsentRecord]) -> StoreFuture<'a, Vec<u64>> {
        let records = records.to_vec();
        let key = self.key.clone();
        Box::pin(self.with_connection(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db_err)?;
            let (seq, hash) = head(&tx)?;
            let chained = chain(&key, seq, &hash, &records);
            for record in &chained {
                insert(&tx, record)?;
            }
            tx.commit().map_err(db_err)?;
            Ok(chained.iter().map(|r| r.seq).collect())
        }))
    }

    fn records_for<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<ChainedRecord>> {
        let consent_id = consent_id.to_owned();
        Box::pin(self.with_connection(move |conn| {
            let sql =
                format!("SELECT {LOG_COLUMNS} FROM consent_log WHERE consent_id = ?1 ORDER BY seq");
            query_records(conn, &sql, &[&consent_id])
        }))
    }

    fn export<'a>(&'a self, filter: &'a LogFilter) -> StoreFuture<'a, Vec<ChainedRecord>> {
        let (clause, values) = filter_clause(filter);
        Box::pin(self.with_connection(move |conn| {
            let sql = format!("SELECT {LOG_COLUMNS} FROM consent_log{clause} ORDER BY seq");
            let params: Vec<&dyn ToSql> = values
                .iter()
                .map(|v| match v {
                    FilterValue::Int(i) => i as &dyn ToSql,
                    FilterValue::Text(t) => t as &dyn ToSql,
                })
                .collect();
            query_records(conn, &sql, &params)
        }))
    }

    fn chain(&self) -> StoreFuture<'_, (Option<Checkpoint>, Vec<ChainedRecord>)> {
        Box::pin(self.with_connection(|conn| {
            let tx = conn.transaction().map_err(db_err)?;
            let cp = checkpoint(&tx)?;
            let records = query_records(
                &tx,
                &format!("SELECT {LOG_COLUMNS} FROM consent_log ORDER BY seq"),
                &[],
            )?;
            Ok((cp, records))
        }))
    }

    fn erase<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<u64>> {
        let consent_id = consent_id.to_owned();
        Box::pin(self.with_connection(move |conn| {
            if consent_id.is_empty() {
                return Ok(Vec::new());
            }
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db_err)?;
            let seqs: Vec<u64> = {
                let mut statement = tx
                    .prepare("SELECT seq FROM consent_log WHERE consent_id = ?1 ORDER BY seq")
                    .map_err(db_err)?;
                let rows = statement
                    .query_map([&consent_id], |row| row.get::<_, i64>(0))
                    .map_err(db_err)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(db_err)?;
                rows.into_iter()
                    .filter_map(|s| u64::try_from(s).ok())
                    .collect()
            };
            tx.execute(ERASE, [&consent_id]).map_err(db_err)?;
            tx.commit().map_err(db_err)?;
            Ok(seqs)
        }))
    }

    fn prune(&self, before: u64, now: u64) -> StoreFuture<'_, u64> {
        let key = self.key.clone();
        Box::pin(self.with_connection(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
            let last: Option<(i64, String)> = tx
                .query_row(
                    "SELECT seq, hash FROM consent_log WHERE recorded_at < ?1 ORDER BY seq DESC LIMIT 1",
                    [db_time(before)],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()
                .map_err(db_err)?;
            let Some((seq, hash)) = last else { return Ok(0) };
            let cp = Checkpoint::new(&key, u64::try_from(seq).unwrap_or(0), &hash, now);
            tx.execute("DELETE FROM consent_log_checkpoint", []).map_err(db_err)?;
            tx.execute(
                INSERT_CHECKPOINT,
                params![db_time(cp.seq), cp.hash, db_time(cp.created_at), cp.signature],
            )
            .map_err(db_err)?;
            let pruned = tx.execute("DELETE FROM consent_log WHERE seq <= ?1", [seq]).map_err(db_err)?;
            tx.commit().map_err(db_err)?;
            Ok(pruned as u64)
        }))
    }

    fn stats(&self) -> StoreFuture<'_, LogStats> {
        Box::pin(self.with_connection(|conn| {
            let count = |sql: &str| -> Result<Vec<(String, u64)>, StoreError> {
                let mut statement = conn.prepare(sql).map_err(db_err)?;
                let rows = statement
                    .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)))
                    .map_err(db_err)?
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(db_err)?;
                Ok(rows.into_iter().map(|(k, n)| (k, u64::try_from(n).unwrap_or(0))).collect())
            };
            let (records, erased, first, last): (i64, Option<i64>, Option<i64>, Option<i64>) = conn
                .query_row(
                    "SELECT COUNT(*), SUM(erased), MIN(recorded_at), MAX(recorded_at) FROM consent_log",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
                )
                .map_err(db_err)?;
            Ok(LogStats {
                records: u64::try_from(records).unwrap_or(0),
                erased: erased.and_then(|e| u64::try_from(e).ok()).unwrap_or(0),
                by_kind: count("SELECT kind, COUNT(*) FROM consent_log GROUP BY kind ORDER BY kind")?,
                by_site: count("SELECT site, COUNT(*) FROM consent_log GROUP BY site ORDER BY site")?,
                first_at: first.and_then(|t| u64::try_from(t).ok()),
                last_at: last.and_then(|t| u64::try_from(t).ok()),
                pruned_up_to: checkpoint(conn)?.map(|cp| cp.seq),
            })
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
            conn.execute(INSERT_FUNCTIONAL_COOKIE, params![site, name, db_time(now)])
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

/// Runs the SQLite store through the shared store tests.
#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_shared_store_tests_pass_on_sqlite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path(), ChainKey::derive(b"test key")).expect("open");
        super::super::tests::exercise(&store, &ChainKey::derive(b"test key")).await;
        super::super::tests::exercise_analytics(&store).await;
        drop(store);
        // Everything is still there after reopening.
        let reopened =
            SqliteStore::open(dir.path(), ChainKey::derive(b"test key")).expect("reopen");
        assert!(reopened.stats().await.expect("stats").records > 0);
    }
}
