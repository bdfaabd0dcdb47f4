//! Analytics aggregates in SQLite: each flush merges into the writer's rows in one
//! transaction.

use consentry_engine::analytics::{AggregateRow, AnalyticsStore};
use consentry_engine::schema::{SELECT_AGGREGATE, SELECT_AGGREGATES, UPSERT_AGGREGATE};
use consentry_engine::store::rows::{merged, StoredAggregate};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::sqlite::db_err;
use super::{SqliteStore, StoreFuture};

impl AnalyticsStore for SqliteStore {
    fn add_aggregates<'a>(
        &'a self,
        writer: &'a str,
        rows: &'a [AggregateRow],
    ) -> StoreFuture<'a, ()> {
        let writer = writer.to_owned();
        let rows = rows.to_vec();
        Box::pin(self.with_connection(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(db_err)?;
            {
                let mut select = tx.prepare_cached(SELECT_AGGREGATE).map_err(db_err)?;
                let mut upsert = tx.prepare_cached(UPSERT_AGGREGATE).map_err(db_err)?;
                for row in rows {
                    let day = i64::from(row.day);
                    let stored: Option<(i64, String)> = select
                        .query_row(
                            params![row.site, row.dimension, day, row.value, row.consent, writer],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .optional()
                        .map_err(db_err)?;
                    let (count, sketch) = merged(&row, stored)?;
                    upsert
                        .execute(params![
                            row.site,
                            row.dimension,
                            day,
                            row.value,
                            row.consent,
                            writer,
                            count,
                            sketch
                        ])
                        .map_err(db_err)?;
                }
            }
            tx.commit().map_err(db_err)
        }))
    }

    fn aggregates<'a>(
        &'a self,
        site: &'a str,
        dimension: &'a str,
        from_day: u32,
        to_day: u32,
    ) -> StoreFuture<'a, Vec<AggregateRow>> {
        let (site, dimension) = (site.to_owned(), dimension.to_owned());
        Box::pin(self.with_connection(move |conn| {
            let mut statement = conn.prepare_cached(SELECT_AGGREGATES).map_err(db_err)?;
            let rows = statement
                .query_map(
                    params![site, dimension, i64::from(from_day), i64::from(to_day)],
                    |r| {
                        Ok(StoredAggregate {
                            site: r.get(0)?,
                            day: r.get(1)?,
                            dimension: r.get(2)?,
                            value: r.get(3)?,
                            consent: r.get(4)?,
                            count: r.get(5)?,
                            sketch: r.get(6)?,
                        })
                    },
                )
                .map_err(db_err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(db_err)?;
            rows.into_iter().map(StoredAggregate::into_row).collect()
        }))
    }
}
