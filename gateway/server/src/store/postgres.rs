//! The consent log in PostgreSQL, for several gateways sharing one log. Writers take a
//! transaction-scoped advisory lock, so the chain stays one line however many gateways
//! append at once.

use consentry_engine::chain::{chain, ChainKey, ChainedRecord, Checkpoint, GENESIS};
use consentry_engine::schema::{
    postgres_placeholders as pg, ERASE, INSERT_CHECKPOINT, INSERT_FUNCTIONAL_COOKIE, INSERT_LOG,
    LOG_COLUMNS, SCHEMA, SELECT_CHECKPOINT, SELECT_FUNCTIONAL_COOKIES, SELECT_HEAD,
};
use consentry_engine::ConsentRecord;
use tokio::sync::Mutex;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, GenericClient, NoTls, Row};

use super::{ConsentLog, LogFilter, LogStats, StoreError, StoreFuture};
use consentry_engine::store::rows::{db_time, filter_clause, FilterValue, LogRow};

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
        let writer = connect(url).await?;
        let reader = connect(url).await?;
        // Several gateways may start at once: create the schema under the lock.
        writer
            .batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({CHAIN_LOCK}); {SCHEMA} COMMIT;"
            ))
            .await
            .map_err(db_err)?;
        Ok(PostgresStore {
            writer: Mutex::new(writer),
            reader,
            key,
        })
    }
}

fn log_row(row: &Row) -> Result<LogRow, tokio_postgres::Error> {
    let flag = |i: usize| -> Result<i64, tokio_postgres::Error> {
        Ok(i64::from(row.try_get::<_, i16>(i)?))
    };
    Ok(LogRow {
        seq: row.try_get(0)?,
        record_id: row.try_get(1)?,
        consent_id: row.try_get(2)?,
        recorded_at: row.try_get(3)?,
        site: row.try_get(4)?,
        policy_version: row.try_get(5)?,
        banner_hash: row.try_get(6)?,
        language: row.try_get(7)?,
        kind: row.try_get(8)?,
        flags: [
            flag(9)?,
            flag(10)?,
            flag(11)?,
            flag(12)?,
            flag(13)?,
            flag(19)?,
        ],
        country: row.try_get(14)?,
        ip_prefix: row.try_get(15)?,
        browser: row.try_get(16)?,
        detail: row.try_get(17)?,
        personal_digest: row.try_get(18)?,
        prev_hash: row.try_get(20)?,
        hash: row.try_get(21)?,
    })
}

async fn query_records<C: GenericClient>(
    client: &C,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<ChainedRecord>, StoreError> {
    let rows = client.query(&pg(sql), params).await.map_err(db_err)?;
    rows.iter()
        .map(|row| log_row(row).map_err(db_err).and_then(LogRow::into_record))
        .collect()
}

async fn checkpoint<C: GenericClient>(client: &C) -> Result<Option<Checkpoint>, StoreError> {
    let row = client
        .query_opt(SELECT_CHECKPOINT, &[])
        .await
        .map_err(db_err)?;
    row.map(|row| -> Result<Checkpoint, StoreError> {
        Ok(Checkpoint {
            seq: u64::try_from(row.try_get::<_, i64>(0).map_err(db_err)?).unwrap_or(0),
            hash: row.try_get(1).map_err(db_err)?,
            created_at: u64::try_from(row.try_get::<_, i64>(2).map_err(db_err)?).unwrap_or(0),
            signature: row.try_get(3).map_err(db_err)?,
        })
    })
    .transpose()
}

fn flag(b: bool) -> i16 {
    i16::from(b)
}

impl ConsentLog for PostgresStore {
    fn append_batch<'a>(&'a self, records: &'a [ConsentRecord]) -> StoreFuture<'a, Vec<u64>> {
        Box::pin(async move {
            let mut client = self.writer.lock().await;
            let tx = client.transaction().await.map_err(db_err)?;
            tx.execute(&format!("SELECT pg_advisory_xact_lock({CHAIN_LOCK})"), &[])
                .await
                .map_err(db_err)?;
            let (seq, hash) = match tx.query_opt(SELECT_HEAD, &[]).await.map_err(db_err)? {
                Some(row) => (
                    u64::try_from(row.try_get::<_, i64>(0).map_err(db_err)?).unwrap_or(0),
                    row.try_get::<_, String>(1).map_err(db_err)?,
                ),
                None => match checkpoint(&tx).await? {
                    Some(cp) => (cp.seq, cp.hash),
                    None => (0, GENESIS.to_owned()),
                },
            };
            let chained = chain(&self.key, seq, &hash, records);
            let insert = tx.prepare(&pg(INSERT_LOG)).await.map_err(db_err)?;
            for c in &chained {
                let r = &c.record;
                tx.execute(
                    &insert,
                    &[
                        &db_time(c.seq),
                        &r.record_id,
                        &r.consent_id,
                        &db_time(r.recorded_at),
                        &r.site,
                        &i64::from(r.policy_version),
                        &r.banner_hash,
                        &r.language,
                        &r.kind.as_str(),
                        &flag(r.via_form),
                        &flag(r.gpc),
                        &flag(r.preferences),
                        &flag(r.analytics),
                        &flag(r.marketing),
                        &r.country,
                        &r.ip_prefix,
                        &r.browser,
                        &r.detail,
                        &c.personal_digest,
                        &flag(c.erased),
                        &c.prev_hash,
                        &c.hash,
                    ],
                )
                .await
                .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(chained.iter().map(|r| r.seq).collect())
        })
    }

    fn records_for<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<ChainedRecord>> {
        Box::pin(async move {
            let sql =
                format!("SELECT {LOG_COLUMNS} FROM consent_log WHERE consent_id = ?1 ORDER BY seq");
            query_records(&self.reader, &sql, &[&consent_id]).await
        })
    }

    fn export<'a>(&'a self, filter: &'a LogFilter) -> StoreFuture<'a, Vec<ChainedRecord>> {
        Box::pin(async move {
            let (clause, values) = filter_clause(filter);
            let sql = format!("SELECT {LOG_COLUMNS} FROM consent_log{clause} ORDER BY seq");
            let params: Vec<&(dyn ToSql + Sync)> = values
                .iter()
                .map(|v| match v {
                    FilterValue::Int(i) => i as &(dyn ToSql + Sync),
                    FilterValue::Text(t) => t as &(dyn ToSql + Sync),
                })
                .collect();
            query_records(&self.reader, &sql, &params).await
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
            let records = query_records(
                &tx,
                &format!("SELECT {LOG_COLUMNS} FROM consent_log ORDER BY seq"),
                &[],
            )
            .await?;
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
            let rows = tx
                .query(
                    &pg("SELECT seq FROM consent_log WHERE consent_id = ?1 ORDER BY seq"),
                    &[&consent_id],
                )
                .await
                .map_err(db_err)?;
            let seqs = rows
                .iter()
                .filter_map(|r| r.try_get::<_, i64>(0).ok())
                .filter_map(|s| u64::try_from(s).ok())
                .collect();
            tx.execute(&pg(ERASE), &[&consent_id])
                .await
                .map_err(db_err)?;
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
            let last = tx
                .query_opt(
                    &pg("SELECT seq, hash FROM consent_log WHERE recorded_at < ?1 ORDER BY seq DESC LIMIT 1"),
                    &[&db_time(before)],
                )
                .await
                .map_err(db_err)?;
            let Some(row) = last else { return Ok(0) };
            let seq: i64 = row.try_get(0).map_err(db_err)?;
            let hash: String = row.try_get(1).map_err(db_err)?;
            let cp = Checkpoint::new(&self.key, u64::try_from(seq).unwrap_or(0), &hash, now);
            tx.execute("DELETE FROM consent_log_checkpoint", &[])
                .await
                .map_err(db_err)?;
            tx.execute(
                &pg(INSERT_CHECKPOINT),
                &[
                    &db_time(cp.seq),
                    &cp.hash,
                    &db_time(cp.created_at),
                    &cp.signature,
                ],
            )
            .await
            .map_err(db_err)?;
            let pruned = tx
                .execute(&pg("DELETE FROM consent_log WHERE seq <= ?1"), &[&seq])
                .await
                .map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            Ok(pruned)
        })
    }

    fn stats(&self) -> StoreFuture<'_, LogStats> {
        Box::pin(async move {
            let client = &self.reader;
            let counts = |rows: Vec<Row>| -> Vec<(String, u64)> {
                rows.iter()
                    .filter_map(|r| {
                        Some((
                            r.try_get::<_, String>(0).ok()?,
                            u64::try_from(r.try_get::<_, i64>(1).ok()?).ok()?,
                        ))
                    })
                    .collect()
            };
            let row = client
                .query_one(
                    "SELECT COUNT(*)::BIGINT, SUM(erased)::BIGINT, MIN(recorded_at), MAX(recorded_at) FROM consent_log",
                    &[],
                )
                .await
                .map_err(db_err)?;
            let by_kind = client
                .query(
                    "SELECT kind, COUNT(*)::BIGINT FROM consent_log GROUP BY kind ORDER BY kind",
                    &[],
                )
                .await
                .map_err(db_err)?;
            let by_site = client
                .query(
                    "SELECT site, COUNT(*)::BIGINT FROM consent_log GROUP BY site ORDER BY site",
                    &[],
                )
                .await
                .map_err(db_err)?;
            let get = |i: usize| {
                row.try_get::<_, Option<i64>>(i)
                    .ok()
                    .flatten()
                    .and_then(|v| u64::try_from(v).ok())
            };
            Ok(LogStats {
                records: get(0).unwrap_or(0),
                erased: get(1).unwrap_or(0),
                by_kind: counts(by_kind),
                by_site: counts(by_site),
                first_at: get(2),
                last_at: get(3),
                pruned_up_to: checkpoint(client).await?.map(|cp| cp.seq),
            })
        })
    }

    fn remember_functional_cookie<'a>(
        &'a self,
        site: &'a str,
        name: &'a str,
        now: u64,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.reader
                .execute(
                    &pg(INSERT_FUNCTIONAL_COOKIE),
                    &[&site, &name, &db_time(now)],
                )
                .await
                .map_err(db_err)?;
            Ok(())
        })
    }

    fn functional_cookies<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<String>> {
        Box::pin(async move {
            let rows = self
                .reader
                .query(&pg(SELECT_FUNCTIONAL_COOKIES), &[&site])
                .await
                .map_err(db_err)?;
            rows.iter()
                .map(|r| r.try_get::<_, String>(0).map_err(db_err))
                .collect()
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
}
