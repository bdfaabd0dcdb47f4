//! The consent log in Cloudflare D1, through the engine's store trait, schema and row
//! mappings — the same tables, statements, mapping by column name and chain as the native
//! stores. D1 answers rows as objects keyed by column name, read as the engine's
//! [`JsonRow`].
//!
//! D1 has no interactive transactions, so appending is optimistic: read the head, chain the
//! records after it, and insert them in one batch (which D1 runs atomically). If another
//! isolate appended first, the insert at head + 1 meets the primary key and the batch fails
//! whole; the head is read again and the records chained anew.

use consentry_engine::chain::{chain, ChainKey, ChainedRecord, Checkpoint};
use consentry_engine::schema::{
    select_records_where, DELETE_CHECKPOINTS, DELETE_RECORDS_UP_TO, ERASE, INSERT_CHECKPOINT,
    INSERT_FUNCTIONAL_COOKIE, INSERT_LOG, SCHEMA, SELECT_CHECKPOINT, SELECT_COUNT_BY_KIND,
    SELECT_COUNT_BY_SITE, SELECT_FUNCTIONAL_COOKIES, SELECT_HEAD, SELECT_LAST_BEFORE,
    SELECT_RECORDS, SELECT_RECORDS_OF, SELECT_SEQS_OF, SELECT_TOTALS, TABLES,
};
use consentry_engine::store::row::{JsonRow, Row, Value};
use consentry_engine::store::rows::{
    chain_head, checkpoint_from, checkpoint_values, count_from, filter_clause, position_from,
    record_from, record_values, seq_from, stats_from,
};
use consentry_engine::store::{ConsentLog, LogFilter, LogStats, StoreError, StoreFuture};
use consentry_engine::ConsentRecord;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

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

/// A value as D1 binds it (JavaScript numbers hold every time and position exactly).
fn js(value: &Value<'_>) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Int(n) => JsValue::from_f64(*n as f64),
        Value::Text(t) => JsValue::from_str(t),
    }
}

/// The rows of a result, keyed by column name.
pub(crate) fn rows_of(result: &D1Result) -> Result<Vec<JsonRow>, StoreError> {
    result.results::<JsonRow>().map_err(db_err)
}

/// Each row of a result through a mapping.
pub(crate) fn mapped<T>(
    result: &D1Result,
    map: impl Fn(&JsonRow) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    rows_of(result)?.iter().map(map).collect()
}

/// Whether a failed insert met a record another writer put at the same position.
fn is_conflict(e: &StoreError) -> bool {
    matches!(e, StoreError::Database(m) if m.contains("UNIQUE constraint failed") || m.contains("SQLITE_CONSTRAINT"))
}

/// D1 answered a batch with another number of results than statements.
fn batch_err() -> StoreError {
    StoreError::Database("D1 answered the wrong number of results".into())
}

impl D1Store {
    /// The log in `db`, chained with `key`.
    pub fn new(db: D1Database, key: ChainKey) -> D1Store {
        D1Store { db, key }
    }

    pub(crate) fn statement(
        &self,
        sql: &str,
        values: &[Value<'_>],
    ) -> Result<D1PreparedStatement, StoreError> {
        let values: Vec<JsValue> = values.iter().map(js).collect();
        self.db.prepare(sql).bind(&values).map_err(db_err)
    }

    pub(crate) async fn all(
        &self,
        sql: &str,
        values: &[Value<'_>],
    ) -> Result<D1Result, StoreError> {
        self.statement(sql, values)?.all().await.map_err(db_err)
    }

    /// Runs `sql` and maps every row by name.
    pub(crate) async fn query<T>(
        &self,
        sql: &str,
        values: &[Value<'_>],
        map: impl Fn(&JsonRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        mapped(&self.all(sql, values).await?, map)
    }

    /// Runs `sql` and maps its first row by name, if any.
    pub(crate) async fn query_opt<T>(
        &self,
        sql: &str,
        values: &[Value<'_>],
        map: impl Fn(&JsonRow) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let rows = rows_of(&self.all(sql, values).await?)?;
        rows.first().map(map).transpose()
    }

    /// Runs `sql`; resolves to how many rows changed, when D1 says.
    pub(crate) async fn run(
        &self,
        sql: &str,
        values: &[Value<'_>],
    ) -> Result<Option<usize>, StoreError> {
        let result = self.statement(sql, values)?.run().await.map_err(db_err)?;
        Ok(result.meta().map_err(db_err)?.and_then(|m| m.changes))
    }

    /// Creates the tables and indexes if they are missing (the schema every backend shares),
    /// and adds the columns a table made by an earlier version lacks.
    pub async fn create_schema(&self) -> Result<(), StoreError> {
        let mut statements: Vec<D1PreparedStatement> = SCHEMA
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| self.db.prepare(s))
            .collect();
        let created = statements.len();
        // The same round trip lists every table's columns.
        for table in TABLES {
            statements.push(self.statement(&table.sqlite_columns(), &[])?);
        }
        let results = self.db.batch(statements).await.map_err(db_err)?;
        let columns = results.get(created..).unwrap_or_default();
        if columns.len() != TABLES.len() {
            return Err(batch_err());
        }
        let mut alters = Vec::new();
        for (table, result) in TABLES.iter().zip(columns) {
            let existing = mapped(result, |r| r.text("name"))?;
            alters.extend(table.added_columns(&existing));
        }
        if !alters.is_empty() {
            tracing::info!(statements = ?alters, "upgrading the schema");
            let alters = alters.iter().map(|a| self.db.prepare(a)).collect();
            self.db.batch(alters).await.map_err(db_err)?;
        }
        Ok(())
    }

    async fn checkpoint(&self) -> Result<Option<Checkpoint>, StoreError> {
        self.query_opt(&SELECT_CHECKPOINT, &[], checkpoint_from)
            .await
    }

    /// The position and hash new records chain after.
    async fn head(&self) -> Result<(u64, String), StoreError> {
        let last = self.query_opt(SELECT_HEAD, &[], position_from).await?;
        let checkpoint = match last {
            Some(_) => None,
            None => self.checkpoint().await?,
        };
        Ok(chain_head(last, checkpoint))
    }

    async fn try_append(&self, records: &[ConsentRecord]) -> Result<Vec<u64>, StoreError> {
        let (seq, hash) = self.head().await?;
        let chained = chain(&self.key, seq, &hash, records);
        let inserts = chained
            .iter()
            .map(|r| self.statement(&INSERT_LOG, &record_values(r)?))
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
            self.query(&SELECT_RECORDS_OF, &[consent_id.into()], record_from)
                .await
        })
    }

    fn export<'a>(&'a self, filter: &'a LogFilter) -> StoreFuture<'a, Vec<ChainedRecord>> {
        Box::pin(async move {
            let (clause, values) = filter_clause(filter);
            self.query(&select_records_where(&clause), &values, record_from)
                .await
        })
    }

    fn chain(&self) -> StoreFuture<'_, (Option<Checkpoint>, Vec<ChainedRecord>)> {
        Box::pin(async move {
            // One batch: the checkpoint and the records as of the same moment.
            let results = self
                .db
                .batch(vec![
                    self.statement(&SELECT_CHECKPOINT, &[])?,
                    self.statement(&SELECT_RECORDS, &[])?,
                ])
                .await
                .map_err(db_err)?;
            let [checkpoint, records] =
                <[D1Result; 2]>::try_from(results).map_err(|_| batch_err())?;
            let cp = mapped(&checkpoint, checkpoint_from)?.into_iter().next();
            Ok((cp, mapped(&records, record_from)?))
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
                    self.statement(SELECT_SEQS_OF, &[consent_id.into()])?,
                    self.statement(ERASE, &[consent_id.into()])?,
                ])
                .await
                .map_err(db_err)?;
            let seqs = results.first().ok_or_else(batch_err)?;
            mapped(seqs, seq_from)
        })
    }

    fn prune(&self, before: u64, now: u64) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let last = self
                .query_opt(SELECT_LAST_BEFORE, &[before.into()], position_from)
                .await?;
            let Some((seq, hash)) = last else {
                return Ok(0);
            };
            let cp = Checkpoint::new(&self.key, seq, &hash, now);
            let results = self
                .db
                .batch(vec![
                    self.statement(DELETE_CHECKPOINTS, &[])?,
                    self.statement(&INSERT_CHECKPOINT, &checkpoint_values(&cp)?)?,
                    self.statement(DELETE_RECORDS_UP_TO, &[seq.into()])?,
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
                    self.statement(SELECT_TOTALS, &[])?,
                    self.statement(SELECT_COUNT_BY_KIND, &[])?,
                    self.statement(SELECT_COUNT_BY_SITE, &[])?,
                ])
                .await
                .map_err(db_err)?;
            let [totals, kinds, sites] =
                <[D1Result; 3]>::try_from(results).map_err(|_| batch_err())?;
            let totals = rows_of(&totals)?;
            let totals = totals
                .first()
                .ok_or_else(|| StoreError::Database("the counts returned no row".into()))?;
            let cp = self.checkpoint().await?;
            stats_from(
                totals,
                mapped(&kinds, count_from)?,
                mapped(&sites, count_from)?,
                cp.as_ref(),
            )
        })
    }

    fn remember_functional_cookie<'a>(
        &'a self,
        site: &'a str,
        name: &'a str,
        now: u64,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(
                &INSERT_FUNCTIONAL_COOKIE,
                &[site.into(), name.into(), now.into()],
            )
            .await?;
            Ok(())
        })
    }

    fn functional_cookies<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<String>> {
        Box::pin(async move {
            self.query(SELECT_FUNCTIONAL_COOKIES, &[site.into()], |r| {
                r.text("name")
            })
            .await
        })
    }
}
