//! The embedded store: one SQLite file in the data directory. Each batch of records is one
//! `BEGIN IMMEDIATE` transaction committed with `synchronous=FULL`, so an acknowledged
//! decision survives a crash, and several gateways on one directory keep one chain.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use consentry_engine::chain::{chain, ChainKey, ChainedRecord, Checkpoint};
use consentry_engine::schema::{
    select_records_where, DELETE_CHECKPOINTS, DELETE_RECORDS_UP_TO, ERASE, INSERT_CHECKPOINT,
    INSERT_FUNCTIONAL_COOKIE, INSERT_LOG, SCHEMA, SELECT_CHECKPOINT, SELECT_COUNT_BY_KIND,
    SELECT_COUNT_BY_SITE, SELECT_FUNCTIONAL_COOKIES, SELECT_HEAD, SELECT_LAST_BEFORE,
    SELECT_RECORDS, SELECT_RECORDS_OF, SELECT_SEQS_OF, SELECT_TOTALS, TABLES,
};
use consentry_engine::store::row::{column_error, missing_column, Row, Value};
use consentry_engine::store::rows::{
    chain_head, checkpoint_from, checkpoint_values, count_from, filter_clause, position_from,
    record_from, record_values, seq_from, stats_from,
};
use consentry_engine::ConsentRecord;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, ToSql, TransactionBehavior};

use super::{ConsentLog, LogFilter, LogStats, StoreError, StoreFuture};

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

/// A SQLite row, read by column name for the engine's mappings.
pub(super) struct Named<'a>(&'a rusqlite::Row<'a>);

impl Row for Named<'_> {
    fn value(&self, column: &str) -> Result<Value<'_>, StoreError> {
        match self.0.get_ref(column) {
            Ok(ValueRef::Null) => Ok(Value::Null),
            Ok(ValueRef::Integer(n)) => Ok(Value::Int(n)),
            Ok(ValueRef::Text(bytes)) => std::str::from_utf8(bytes)
                .map(|t| Value::Text(Cow::Borrowed(t)))
                .map_err(|e| column_error(column, e)),
            Ok(ValueRef::Real(r)) => Err(column_error(column, format!("holds the real {r}"))),
            Ok(ValueRef::Blob(_)) => Err(column_error(column, "holds a blob")),
            Err(rusqlite::Error::InvalidColumnName(_)) => Err(missing_column(column)),
            Err(e) => Err(column_error(column, e)),
        }
    }
}

/// A value bound as a parameter.
struct Bind<'v, 'a>(&'v Value<'a>);

impl ToSql for Bind<'_, '_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self.0 {
            Value::Null => ValueRef::Null,
            Value::Int(n) => ValueRef::Integer(*n),
            Value::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

/// Runs `sql` with `values` and maps every row by name.
pub(super) fn query<T>(
    conn: &Connection,
    sql: &str,
    values: &[Value<'_>],
    map: impl Fn(&Named<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql).map_err(db_err)?;
    let mut rows = statement
        .query(params_from_iter(values.iter().map(Bind)))
        .map_err(db_err)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(db_err)? {
        out.push(map(&Named(row))?);
    }
    Ok(out)
}

/// Runs `sql` with `values` and maps its first row by name, if any.
pub(super) fn query_opt<T>(
    conn: &Connection,
    sql: &str,
    values: &[Value<'_>],
    map: impl FnOnce(&Named<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql).map_err(db_err)?;
    let mut rows = statement
        .query(params_from_iter(values.iter().map(Bind)))
        .map_err(db_err)?;
    rows.next()
        .map_err(db_err)?
        .map(|row| map(&Named(row)))
        .transpose()
}

/// Runs `sql` with `values`; returns how many rows changed.
pub(super) fn execute(
    conn: &Connection,
    sql: &str,
    values: &[Value<'_>],
) -> Result<usize, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut s| s.execute(params_from_iter(values.iter().map(Bind))))
        .map_err(db_err)
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
        let mut connection = Connection::open(&path).map_err(|e| open_err(e.to_string()))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;",
            )
            .map_err(db_err)?;
        create_schema(&mut connection)?;
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

/// Creates the tables, and adds the columns a table made by an earlier version lacks, in
/// one transaction (gateways on the same directory may start at once).
fn create_schema(conn: &mut Connection) -> Result<(), StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db_err)?;
    tx.execute_batch(&SCHEMA).map_err(db_err)?;
    for table in TABLES {
        let existing = query(&tx, &table.sqlite_columns(), &[], |r| r.text("name"))?;
        for alter in table.added_columns(&existing) {
            tracing::info!(statement = %alter, "upgrading the schema");
            tx.execute_batch(&alter).map_err(db_err)?;
        }
    }
    tx.commit().map_err(db_err)
}

fn checkpoint(conn: &Connection) -> Result<Option<Checkpoint>, StoreError> {
    query_opt(conn, &SELECT_CHECKPOINT, &[], |r| checkpoint_from(r))
}

/// The position and hash new records chain after.
fn head(conn: &Connection) -> Result<(u64, String), StoreError> {
    let last = query_opt(conn, SELECT_HEAD, &[], |r| position_from(r))?;
    let checkpoint = match last {
        Some(_) => None,
        None => checkpoint(conn)?,
    };
    Ok(chain_head(last, checkpoint))
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
                execute(&tx, &INSERT_LOG, &record_values(record)?)?;
            }
            tx.commit().map_err(db_err)?;
            Ok(chained.iter().map(|r| r.seq).collect())
        }))
    }

    fn records_for<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<ChainedRecord>> {
        let consent_id = consent_id.to_owned();
        Box::pin(self.with_connection(move |conn| {
            query(conn, &SELECT_RECORDS_OF, &[(&consent_id).into()], |r| {
                record_from(r)
            })
        }))
    }

    fn export<'a>(&'a self, filter: &'a LogFilter) -> StoreFuture<'a, Vec<ChainedRecord>> {
        let (clause, values) = filter_clause(filter);
        Box::pin(self.with_connection(move |conn| {
            query(conn, &select_records_where(&clause), &values, |r| {
                record_from(r)
            })
        }))
    }

    fn chain(&self) -> StoreFuture<'_, (Option<Checkpoint>, Vec<ChainedRecord>)> {
        Box::pin(self.with_connection(|conn| {
            let tx = conn.transaction().map_err(db_err)?;
            let cp = checkpoint(&tx)?;
            let records = query(&tx, &SELECT_RECORDS, &[], |r| record_from(r))?;
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
            let seqs = query(&tx, SELECT_SEQS_OF, &[(&consent_id).into()], |r| {
                seq_from(r)
            })?;
            execute(&tx, ERASE, &[(&consent_id).into()])?;
            tx.commit().map_err(db_err)?;
            Ok(seqs)
        }))
    }

    fn prune(&self, before: u64, now: u64) -> StoreFuture<'_, u64> {
        let key = self.key.clone();
        Box::pin(self.with_connection(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db_err)?;
            let last = query_opt(&tx, SELECT_LAST_BEFORE, &[before.into()], |r| {
                position_from(r)
            })?;
            let Some((seq, hash)) = last else {
                return Ok(0);
            };
            let cp = Checkpoint::new(&key, seq, &hash, now);
            execute(&tx, DELETE_CHECKPOINTS, &[])?;
            execute(&tx, &INSERT_CHECKPOINT, &checkpoint_values(&cp)?)?;
            let pruned = execute(&tx, DELETE_RECORDS_UP_TO, &[seq.into()])?;
            tx.commit().map_err(db_err)?;
            Ok(pruned as u64)
        }))
    }

    fn stats(&self) -> StoreFuture<'_, LogStats> {
        Box::pin(self.with_connection(|conn| {
            let by_kind = query(conn, SELECT_COUNT_BY_KIND, &[], |r| count_from(r))?;
            let by_site = query(conn, SELECT_COUNT_BY_SITE, &[], |r| count_from(r))?;
            let cp = checkpoint(conn)?;
            query_opt(conn, SELECT_TOTALS, &[], |totals| {
                stats_from(totals, by_kind, by_site, cp.as_ref())
            })?
            .ok_or_else(|| StoreError::Database("the counts returned no row".into()))
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
            execute(
                conn,
                &INSERT_FUNCTIONAL_COOKIE,
                &[(&site).into(), (&name).into(), now.into()],
            )?;
            Ok(())
        }))
    }

    fn functional_cookies<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<String>> {
        let site = site.to_owned();
        Box::pin(self.with_connection(move |conn| {
            query(conn, SELECT_FUNCTIONAL_COOKIES, &[(&site).into()], |r| {
                r.text("name")
            })
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

    #[tokio::test]
    async fn a_log_made_by_an_earlier_version_gets_the_columns_it_lacks() {
        let dir = tempfile::tempdir().expect("tempdir");
        Connection::open(dir.path().join(DATABASE_FILE))
            .and_then(|c| c.execute_batch(&super::super::tests::consent_log_without_browser()))
            .expect("an earlier log");
        let store = SqliteStore::open(dir.path(), ChainKey::derive(b"test key")).expect("open");
        super::super::tests::exercise_upgraded(&store).await;
    }
}
