//! The consent log in PostgreSQL, for several gateways sharing one log. Writers take a
//! transaction-scoped advisory lock, so the chain stays one line however many gateways
//! append at once.

use std::borrow::Cow;
use std::error::Error as StdError;

use bytes::BytesMut;
use consentry_engine::chain::{chain, ChainKey, ChainedRecord, Checkpoint};
use consentry_engine::schema::{
    postgres_placeholders as pg, select_records_where, DELETE_CHECKPOINTS, DELETE_RECORDS_UP_TO,
    ERASE, INSERT_CHECKPOINT, INSERT_FUNCTIONAL_COOKIE, INSERT_LOG, POSTGRES_COLUMNS, SCHEMA,
    SELECT_CHECKPOINT, SELECT_COUNT_BY_KIND, SELECT_COUNT_BY_SITE, SELECT_FUNCTIONAL_COOKIES,
    SELECT_HEAD, SELECT_LAST_BEFORE, SELECT_RECORDS, SELECT_RECORDS_OF, SELECT_SEQS_OF,
    SELECT_TOTALS, TABLES,
};
use consentry_engine::store::row::{column_error, missing_column, Row, Value};
use consentry_engine::store::rows::{
    chain_head, checkpoint_from, checkpoint_values, count_from, filter_clause, position_from,
    record_from, record_values, seq_from, stats_from,
};
use consentry_engine::ConsentRecord;
use tokio::sync::Mutex;
use tokio_postgres::types::{to_sql_checked, FromSql, IsNull, ToSql, Type};
use tokio_postgres::{Client, GenericClient, NoTls};

use super::{ConsentLog, LogFilter, LogStats, StoreError, StoreFuture};

/// The advisory lock every writer of the chain takes.
const CHAIN_LOCK: i64 = 0x636f_6e73_656e_7472;

/// The consent log in PostgreSQL.
pub struct PostgresStore {
    /// Writes need a transaction, hence exclusive use.
    pub(super) writer: Mutex<Client>,
    /// Reads run concurrently on their own connection.
    pub(super) reader: Client,
    key: ChainKey,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore").finish_non_exhaustive()
    }
}

pub(super) fn db_err(e: tokio_postgres::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

async fn connect(url: &str) -> Result<Client, StoreError> {
    let (client, connection) =
        tokio_postgres::connect(url, NoTls)
            .await
            .map_err(|e| StoreError::Open {
                location: redact(url),
                reason: e.to_string(),
            })?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::error!(error = %e, "PostgreSQL connection lost");
        }
    });
    Ok(client)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

impl PostgresStore {
    /// Connects and creates the schema if needed.
    pub async fn connect(url: &str, key: ChainKey) -> Result<PostgresStore, StoreError> {
        let mut writer = connect(url).await?;
        let reader = connect(url).await?;
        // Several gateways may start at once: create the schema (and add the columns a table
        // made by an earlier version lacks) under the lock.
        let tx = writer.transaction().await.map_err(db_err)?;
        tx.batch_execute(&format!(
            "SELECT pg_advisory_xact_lock({CHAIN_LOCK}); {}",
            *SCHEMA
        ))
        .await
        .map_err(db_err)?;
        for table in TABLES {
            let existing = query(&tx, POSTGRES_COLUMNS, &[table.name.into()], |r| {
                r.text("name")
            })
            .await?;
            for alter in table.added_columns(&existing) {
                tracing::info!(statement = %alter, "upgrading the schema");
                tx.batch_execute(&alter).await.map_err(db_err)?;
            }
        }
        tx.commit().await.map_err(db_err)?;
        Ok(PostgresStore {
            writer: Mutex::new(writer),
            reader,
            key,
        })
    }
}

/// A PostgreSQL row, read by column name for the engine's mappings; `SMALLINT`, `INTEGER`
/// and `BIGINT` columns all read as numbers.
pub(super) struct Named<'a>(&'a tokio_postgres::Row);

impl Row for Named<'_> {
    fn value(&self, column: &str) -> Result<Value<'_>, StoreError> {
        let row = self.0;
        let Some(index) = row.columns().iter().position(|c| c.name() == column) else {
            return Err(missing_column(column));
        };
        let ty = row.columns()[index].type_();
        let read = |e: tokio_postgres::Error| column_error(column, e);
        let int = |n: Option<i64>| n.map_or(Value::Null, Value::Int);
        if *ty == Type::INT2 {
            Ok(int(row
                .try_get::<_, Option<i16>>(index)
                .map_err(read)?
                .map(i64::from)))
        } else if *ty == Type::INT4 {
            Ok(int(row
                .try_get::<_, Option<i32>>(index)
                .map_err(read)?
                .map(i64::from)))
        } else if *ty == Type::INT8 {
            Ok(int(row.try_get::<_, Option<i64>>(index).map_err(read)?))
        } else if <&str as FromSql>::accepts(ty) {
            let text = row.try_get::<_, Option<&str>>(index).map_err(read)?;
            Ok(text.map_or(Value::Null, |t| Value::Text(Cow::Borrowed(t))))
        } else {
            Err(column_error(column, format!("is of type {ty}")))
        }
    }
}

/// A value bound as a parameter: a number as the column's integer type.
#[derive(Debug)]
pub(super) struct Bind<'v, 'a>(pub(super) &'v Value<'a>);

fn is_int(ty: &Type) -> bool {
    *ty == Type::INT2 || *ty == Type::INT4 || *ty == Type::INT8
}

impl ToSql for Bind<'_, '_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn StdError + Sync + Send>> {
        match self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) if *ty == Type::INT2 => i16::try_from(*n)?.to_sql(ty, out),
            Value::Int(n) if *ty == Type::INT4 => i32::try_from(*n)?.to_sql(ty, out),
            Value::Int(n) if *ty == Type::INT8 => n.to_sql(ty, out),
            Value::Text(t) if <&str as ToSql>::accepts(ty) => t.as_ref().to_sql(ty, out),
            other => Err(format!("{} for a parameter of type {ty}", other.describe()).into()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        is_int(ty) || <&str as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

/// Runs `sql` (with `?N` placeholders) and maps every row by name.
pub(super) async fn query<C: GenericClient, T>(
    client: &C,
    sql: &str,
    values: &[Value<'_>],
    map: impl Fn(&Named<'_>) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let binds: Vec<Bind<'_, '_>> = values.iter().map(Bind).collect();
    let params: Vec<&(dyn ToSql + Sync)> = binds.iter().map(|b| b as _).collect();
    let rows = client.query(&pg(sql), &params).await.map_err(db_err)?;
    rows.iter().map(|r| map(&Named(r))).collect()
}

/// Runs `sql` and maps its first row by name, if any.
pub(super) async fn query_opt<C: GenericClient, T>(
    client: &C,
    sql: &str,
    values: &[Value<'_>],
    map: impl Fn(&Named<'_>) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    Ok(query(client, sql, values, map).await?.into_iter().next())
}

/// Runs `sql`; returns how many rows changed.
pub(super) async fn execute<C: GenericClient>(
    client: &C,
    sql: &str,
    values: &[Value<'_>],
) -> Result<u64, StoreError> {
    execute_prepared(client, &pg(sql), values).await
}

/// Runs a statement prepared once for a loop (or `sql` already in `$N` form).
pub(super) async fn execute_prepared<C, S>(
    client: &C,
    statement: &S,
    values: &[Value<'_>],
) -> Result<u64, StoreError>
where
    C: GenericClient,
    S: ?Sized + tokio_postgres::ToStatement + Sync + Send,
{
    client
        .execute_raw(statement, values.iter().map(Bind))
        .await
        .map_err(db_err)
}

async fn checkpoint<C: GenericClient>(client: &C) -> Result<Option<Checkpoint>, StoreError> {
    query_opt(client, &SELECT_CHECKPOINT, &[], |r| checkpoint_from(r)).await
}

impl ConsentLog for PostgresStore {
    fn append_batch<'a>(&'a self, records: &'a [ConsentRecord]) -> StoreFuture<'a, Vec<u64>> {
        Box::pin(async move {
            let mut client = self.writer.lock().await;
            let tx = client.transaction().await.map_err(db_err)?;
            tx.execute(&format!("SELECT pg_advisory_xact_lock({CHAIN_LOCK})"), &[])
                .await
                .map_err(db_err)?;
            let last = query_opt(&tx, SELECT_HEAD, &[], |r| position_from(r)).await?;
            let cp = match last {
                Some(_) => None,
                None => checkpoint(&tx).await?,
            };
            let (seq, hash) = chain_head(last, cp);
            let chained = chain(&self.key, seq, &hash, records);
            let insert = tx.prepare(&pg(&INSERT_LOG)).await.map_err(db_err)?;
            for c in &chained {
                execute_prepared(&tx, &insert, &record_values(c)?).await?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(chained.iter().map(|r| r.seq).collect())
        })
    }

    fn records_for<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<ChainedRecord>> {
        Box::pin(async move {
            query(
                &self.reader,
                &SELECT_RECORDS_OF,
                &[consent_id.into()],
                |r| record_from(r),
            )
            .await
        })
    }

    fn export<'a>(&'a self, filter: &'a LogFilter) -> StoreFuture<'a, Vec<ChainedRecord>> {
        Box::pin(async move {
            let (clause, values) = filter_clause(filter);
            query(&self.reader, &select_records_where(&clause), &values, |r| {
                record_from(r)
            })
            .await
        })
    }

    fn chain(&self) -> StoreFuture<'_, (Option<Checkpoint>, Vec<ChainedRecord>)> {
        Box::pin(async move {
            let mut client = self.writer.lock().await;
            // One snapshot for the checkpoint and the records.
            let tx = client
                .build_transaction()
                .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .await
                .map_err(db_err)?;
            let cp = checkpoint(&tx).await?;
            let records = query(&tx, &SELECT_RECORDS, &[], |r| record_from(r)).await?;
            tx.commit().await.map_err(db_err)?;
            Ok((cp, records))
        })
    }

    fn erase<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<u64>> {
        Box::pin(async move {
            if consent_id.is_empty() {
                return Ok(Vec::new());
            }
            let mut client = self.writer.lock().await;
            let tx = client.transaction().await.map_err(db_err)?;
            let seqs = query(&tx, SELECT_SEQS_OF, &[consent_id.into()], |r| seq_from(r)).await?;
            execute(&tx, ERASE, &[consent_id.into()]).await?;
            tx.commit().await.map_err(db_err)?;
            Ok(seqs)
        })
    }

    fn prune(&self, before: u64, now: u64) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let mut client = self.writer.lock().await;
            let tx = client.transaction().await.map_err(db_err)?;
            tx.execute(&format!("SELECT pg_advisory_xact_lock({CHAIN_LOCK})"), &[])
                .await
                .map_err(db_err)?;
            let last = query_opt(&tx, SELECT_LAST_BEFORE, &[before.into()], |r| {
                position_from(r)
            })
            .await?;
            let Some((seq, hash)) = last else {
                return Ok(0);
            };
            let cp = Checkpoint::new(&self.key, seq, &hash, now);
            execute(&tx, DELETE_CHECKPOINTS, &[]).await?;
            execute(&tx, &INSERT_CHECKPOINT, &checkpoint_values(&cp)?).await?;
            let pruned = execute(&tx, DELETE_RECORDS_UP_TO, &[seq.into()]).await?;
            tx.commit().await.map_err(db_err)?;
            Ok(pruned)
        })
    }

    fn stats(&self) -> StoreFuture<'_, LogStats> {
        Box::pin(async move {
            let client = &self.reader;
            let by_kind = query(client, SELECT_COUNT_BY_KIND, &[], |r| count_from(r)).await?;
            let by_site = query(client, SELECT_COUNT_BY_SITE, &[], |r| count_from(r)).await?;
            let cp = checkpoint(client).await?;
            let rows = client.query(SELECT_TOTALS, &[]).await.map_err(db_err)?;
            let totals = rows
                .first()
                .ok_or_else(|| StoreError::Database("the counts returned no row".into()))?;
            stats_from(&Named(totals), by_kind, by_site, cp.as_ref())
        })
    }

    fn remember_functional_cookie<'a>(
        &'a self,
        site: &'a str,
        name: &'a str,
        now: u64,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            execute(
                &self.reader,
                &INSERT_FUNCTIONAL_COOKIE,
                &[site.into(), name.into(), now.into()],
            )
            .await?;
            Ok(())
        })
    }

    fn functional_cookies<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<String>> {
        Box::pin(async move {
            query(
                &self.reader,
                SELECT_FUNCTIONAL_COOKIES,
                &[site.into()],
                |r| r.text("name"),
            )
            .await
        })
    }
}

/// The shared store tests on a real PostgreSQL, when the test command provides one
/// (`CONSENTRY_TEST_POSTGRES`, a connection URL to a database the test may wipe).
#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_shared_store_tests_pass_on_postgres() {
        let Ok(url) = std::env::var("CONSENTRY_TEST_POSTGRES") else {
            eprintln!("CONSENTRY_TEST_POSTGRES is not set: the PostgreSQL store tests did not run");
            return;
        };
        let key = ChainKey::derive(b"test key");
        let store = PostgresStore::connect(&url, key.clone())
            .await
            .expect("connect");
        store
            .writer
            .lock()
            .await
            .batch_execute("DELETE FROM consent_log; DELETE FROM consent_log_checkpoint; DELETE FROM functional_cookies; DELETE FROM analytics;")
            .await
            .expect("wipe");
        super::super::tests::exercise(&store, &key).await;
        super::super::tests::exercise_analytics(&store).await;
    }

    #[tokio::test]
    async fn a_log_made_by_an_earlier_version_gets_the_columns_it_lacks() {
        let Ok(url) = std::env::var("CONSENTRY_TEST_POSTGRES") else {
            eprintln!(
                "CONSENTRY_TEST_POSTGRES is not set: the PostgreSQL upgrade test did not run"
            );
            return;
        };
        // A schema of its own, so the other tests' tables are left alone.
        let admin = connect(&url).await.expect("connect");
        admin
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS upgrade_test CASCADE; CREATE SCHEMA upgrade_test; \
                 SET search_path TO upgrade_test; {}",
                super::super::tests::consent_log_without_browser()
            ))
            .await
            .expect("an earlier log");
        let sep = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{sep}options=-csearch_path%3Dupgrade_test");
        let store = PostgresStore::connect(&scoped, ChainKey::derive(b"test key"))
            .await
            .expect("connect");
        super::super::tests::exercise_upgraded(&store).await;
        let row = admin
            .query_one(
                "SELECT COUNT(*) FROM upgrade_test.consent_log WHERE browser = 'Firefox'",
                &[],
            )
            .await
            .expect("count");
        assert_eq!(
            row.get::<_, i64>(0),
            1,
            "the record went into the upgraded table"
        );
    }
}
