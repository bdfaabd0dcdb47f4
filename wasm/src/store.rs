//! The consent log in Cloudflare D1, through the engine's store trait and schema — the same
//! tables, statements and chain as the native SQLite store.
//!
//! D1 has no interactive transactions, so appending is optimistic: read the head, chain the
//! records after it, and insert them in one batch (which D1 runs atomically). If another
//! isolate appended first, the insert at head + 1 meets the primary key and the batch fails
//! whole; the head is read again and the records chained anew.

use consentry_engine::chain::{chain, ChainKey, ChainedRecord, Checkpoint, GENESIS};
use consentry_engine::schema::{
    ERASE, INSERT_CHECKPOINT, INSERT_FUNCTIONAL_COOKIE, INSERT_LOG, LOG_COLUMNS, SCHEMA,
    SELECT_CHECKPOINT, SELECT_FUNCTIONAL_COOKIES, SELECT_HEAD,
};
use consentry_engine::store::rows::{db_time, filter_clause, FilterValue, LogRow};
use consentry_engine::store::{ConsentLog, LogFilter, LogStats, StoreError, StoreFuture};
use consentry_engine::ConsentRecord;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

mod rows;

use rows::{Count, D1Checkpoint, D1LogRow, Head, Name, Seq, Totals};

/// How often an append is tried against other writers before it fails.
const APPEND_ATTEMPTS: u32 = 100;
/// The longest pause between two attempts, in milliseconds.
const MAX_PAUSE_MS: u64 = 250;

/// The consent log in one D1 database.
pub struct D1Store {
    pub(crate) db: D1Database,
    key: ChainKey,
}

impl std::fmt::Debug for D1Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("D1Store")
    }
}

pub(crate) fn db_err(e: worker::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

/// A number as D1 binds it (JavaScript numbers hold every time and position exactly).
pub(crate) fn int(value: i64) -> JsValue {
    JsValue::from_f64(value as f64)
}

fn flag(value: bool) -> JsValue {
    int(i64::from(value))
}

pub(crate) fn text(value: &str) -> JsValue {
    JsValue::from_str(value)
}

pub(crate) fn opt_text(value: Option<&str>) -> JsValue {
    value.map_or(JsValue::NULL, JsValue::from_str)
}

fn records(result: &D1Result) -> Result<Vec<ChainedRecord>, StoreError> {
    result
        .results::<D1LogRow>()
        .map_err(db_err)?
        .into_iter()
        .map(|row| LogRow::from(row).into_record())
        .collect()
}

/// Whether a failed insert met a record another writer put at the same position.
fn is_conflict(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(m) if m.contains("UNIQUE constraint failed") || m.contains("SQLITE_CONSTRAINT"))
}

impl D1Store {
    /// The log in `db`, chained with `key`.
    pub fn new(db: D1Database, key: ChainKey) -> D1Store {
        D1Store { db, key }
    }

    pub(crate) fn statement(
        &self,
        sql: &str,
        values: &[JsValue],
    ) -> Result<D1PreparedStatement, StoreError> {
        self.db.prepare(sql).bind(values).map_err(db_err)
    }

    pub(crate) async fn all(&self, sql: &str, values: &[JsValue]) -> Result<D1Result, StoreError> {
        self.statement(sql, values)?.all().await.map_err(db_err)
    }

    /// Creates the tables and indexes if they are missing (the schema every backend shares).
    pub async fn create_schema(&self) -> Result<(), StoreError> {
        let statements = SCHEMA
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| self.db.prepare(s))
            .collect();
        self.db.batch(statements).await.map_err(db_err)?;
        Ok(())
    }

    async fn checkpoint(&self) -> Result<Option<Checkpoint>, StoreError> {
        let rows = self.all(SELECT_CHECKPOINT, &[]).await?;
        Ok(rows
            .results::<D1Checkpoint>()
            .map_err(db_err)?
            .into_iter()
            .next()
            .map(Checkpoint::from))
    }

    /// The position and hash new records chain after.
    async fn head(&self) -> Result<(u64, String), StoreError> {
        let rows = self.all(SELECT_HEAD, &[]).await?;
        if let Some(head) = rows.results::<Head>().map_err(db_err)?.into_iter().next() {
            return Ok((u64::try_from(head.seq).unwrap_or(0), head.hash));
        }
        Ok(match self.checkpoint().await? {
            Some(cp) => (cp.seq, cp.hash),
            None => (0, GENESIS.to_owned()),
        })
    }

    fn insert(&self, record: &ChainedRecord) -> Result<D1PreparedStatement, StoreError> {
        let r = &record.record;
        self.statement(
            INSERT_LOG,
            &[
                int(db_time(record.seq)),
                text(&r.record_id),
                text(&r.consent_id),
                int(db_time(r.recorded_at)),
                text(&r.site),
                int(i64::from(r.policy_version)),
                text(&r.banner_hash),
                text(&r.language),
                text(r.kind.as_str()),
                flag(r.via_form),
                flag(r.gpc),
                flag(r.preferences),
                flag(r.analytics),
                flag(r.marketing),
                opt_text(r.country.as_deref()),
                opt_text(r.ip_prefix.as_deref()),
                opt_text(r.browser.as_deref()),
                text(&r.detail),
                text(&record.personal_digest),
                flag(record.erased),
                text(&record.prev_hash),
                text(&record.hash),
            ],
        )
    }

    async fn try_append(&self, records: &[ConsentRecord]) -> Result<Vec<u64>, StoreError> {
        let (seq, hash) = self.head().await?;
        let chained = chain(&self.key, seq, &hash, records);
        let inserts = chained
            .iter()
            .map(|r| self.insert(r))
            .collect::<Result<Vec<_>, _>>()?;
        self.db.batch(inserts).await.map_err(db_err)?;
        Ok(chained.iter().map(|r| r.seq).collect())
    }
}

impl ConsentLog for D1Store {
    fn append_batch<'a>(&'a self, records: &'a [ConsentRecord]) -> StoreFuture<'a, Vec<u64>> {
        Box::pin(async move {
            let mut attempt = 1;
            loop {
                match self.try_append(records).await {
                    Err(e) if is_conflict(&e) && attempt < APPEND_ATTEMPTS => {
                        tracing::debug!(attempt, "another writer appended first; chaining again");
                        // A random pause under a ceiling that doubles with every attempt
                        // spreads out the writers that met at the same position.
                        let ceiling = (1u64 << attempt.min(8)).min(MAX_PAUSE_MS);
                        let random = crate::io::random_bytes::<2>().map_or(0, u16::from_le_bytes);
                        let pause = u64::from(random) % (ceiling + 1);
                        worker::Delay::from(std::time::Duration::from_millis(pause)).await;
                        attempt += 1;
                    }
                    result => return result,
                }
            }
        })
    }

    fn records_for<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<ChainedRecord>> {
        Box::pin(async move {
            let sql =
                format!("SELECT {LOG_COLUMNS} FROM consent_log WHERE consent_id = ?1 ORDER BY seq");
            records(&self.all(&sql, &[text(consent_id)]).await?)
        })
    }

    fn export<'a>(&'a self, filter: &'a LogFilter) -> StoreFuture<'a, Vec<ChainedRecord>> {
        Box::pin(async move {
            let (clause, values) = filter_clause(filter);
            let values: Vec<JsValue> = values
                .iter()
                .map(|v| match v {
                    FilterValue::Int(i) => int(*i),
                    FilterValue::Text(t) => text(t),
                })
                .collect();
            let sql = format!("SELECT {LOG_COLUMNS} FROM consent_log{clause} ORDER BY seq");
            records(&self.all(&sql, &values).await?)
        })
    }

    fn chain(&self) -> StoreFuture<'_, (Option<Checkpoint>, Vec<ChainedRecord>)> {
        Box::pin(async move {
            // One batch: the checkpoint and the records as of the same moment.
            let results = self
                .db
                .batch(vec![
                    self.statement(SELECT_CHECKPOINT, &[])?,
                    self.statement(
                        &format!("SELECT {LOG_COLUMNS} FROM consent_log ORDER BY seq"),
                        &[],
                    )?,
                ])
                .await
                .map_err(db_err)?;
            let [checkpoint, rows] = <[D1Result; 2]>::try_from(results).map_err(|_| {
                StoreError::Database("D1 answered the wrong number of results".into())
            })?;
            let cp = checkpoint
                .results::<D1Checkpoint>()
                .map_err(db_err)?
                .into_iter()
                .next()
                .map(Checkpoint::from);
            Ok((cp, records(&rows)?))
        })
    }

    fn erase<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<u64>> {
        Box::pin(async move {
            if consent_id.is_empty() {
                return Ok(Vec::new());
            }
            let results = self
                .db
                .batch(vec![
                    self.statement(
                        "SELECT seq FROM consent_log WHERE consent_id = ?1 ORDER BY seq",
                        &[text(consent_id)],
                    )?,
                    self.statement(ERASE, &[text(consent_id)])?,
                ])
                .await
                .map_err(db_err)?;
            let seqs = results
                .first()
                .map(|r| r.results::<Seq>())
                .transpose()
                .map_err(db_err)?
                .unwrap_or_default();
            Ok(seqs
                .into_iter()
                .filter_map(|s| u64::try_from(s.seq).ok())
                .collect())
        })
    }

    fn prune(&self, before: u64, now: u64) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let last = self
                .all(
                    "SELECT seq, hash FROM consent_log WHERE recorded_at < ?1 ORDER BY seq DESC LIMIT 1",
                    &[int(db_time(before))],
                )
                .await?
                .results::<Head>()
                .map_err(db_err)?
                .into_iter()
                .next();
            let Some(last) = last else { return Ok(0) };
            let cp = Checkpoint::new(
                &self.key,
                u64::try_from(last.seq).unwrap_or(0),
                &last.hash,
                now,
            );
            let results = self
                .db
                .batch(vec![
                    self.statement("DELETE FROM consent_log_checkpoint", &[])?,
                    self.statement(
                        INSERT_CHECKPOINT,
                        &[
                            int(db_time(cp.seq)),
                            text(&cp.hash),
                            int(db_time(cp.created_at)),
                            text(&cp.signature),
                        ],
                    )?,
                    self.statement("DELETE FROM consent_log WHERE seq <= ?1", &[int(last.seq)])?,
                ])
                .await
                .map_err(db_err)?;
            let pruned = results
                .get(2)
                .and_then(|r| r.meta().ok().flatten())
                .and_then(|m| m.changes)
                .unwrap_or(0);
            Ok(pruned as u64)
        })
    }

    fn stats(&self) -> StoreFuture<'_, LogStats> {
        Box::pin(async move {
            let results = self
                .db
                .batch(vec![
                    self.statement(
                        "SELECT COUNT(*) AS records, SUM(erased) AS erased, MIN(recorded_at) AS first_at, MAX(recorded_at) AS last_at FROM consent_log",
                        &[],
                    )?,
                    self.statement(
                        "SELECT kind AS key, COUNT(*) AS n FROM consent_log GROUP BY kind ORDER BY kind",
                        &[],
                    )?,
                    self.statement(
                        "SELECT site AS key, COUNT(*) AS n FROM consent_log GROUP BY site ORDER BY site",
                        &[],
                    )?,
                ])
                .await
                .map_err(db_err)?;
            let [totals, kinds, sites] = <[D1Result; 3]>::try_from(results).map_err(|_| {
                StoreError::Database("D1 answered the wrong number of results".into())
            })?;
            let counts = |r: &D1Result| -> Result<Vec<(String, u64)>, StoreError> {
                Ok(r.results::<Count>()
                    .map_err(db_err)?
                    .into_iter()
                    .map(|c| (c.key, u64::try_from(c.n).unwrap_or(0)))
                    .collect())
            };
            let totals = totals
                .results::<Totals>()
                .map_err(db_err)?
                .into_iter()
                .next();
            let positive = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
            Ok(LogStats {
                records: positive(totals.as_ref().map(|t| t.records)).unwrap_or(0),
                erased: positive(totals.as_ref().and_then(|t| t.erased)).unwrap_or(0),
                by_kind: counts(&kinds)?,
                by_site: counts(&sites)?,
                first_at: positive(totals.as_ref().and_then(|t| t.first_at)),
                last_at: positive(totals.as_ref().and_then(|t| t.last_at)),
                pruned_up_to: self.checkpoint().await?.map(|cp| cp.seq),
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
            self.statement(
                INSERT_FUNCTIONAL_COOKIE,
                &[text(site), text(name), int(db_time(now))],
            )?
            .run()
            .await
            .map_err(db_err)?;
            Ok(())
        })
    }

    fn functional_cookies<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<String>> {
        Box::pin(async move {
            let rows = self.all(SELECT_FUNCTIONAL_COOKIES, &[text(site)]).await?;
            Ok(rows
                .results::<Name>()
                .map_err(db_err)?
                .into_iter()
                .map(|n| n.name)
                .collect())
        })
    }
}
