//! Analytics aggregates in SQLite: each flush merges into the writer's rows in one
//! transaction.

use consentry_engine::analytics::{
    aggregate_from, aggregate_values, merged, AggregateRow, AnalyticsStore,
};
use consentry_engine::schema::{SELECT_AGGREGATE, SELECT_AGGREGATES, UPSERT_AGGREGATE};
use rusqlite::TransactionBehavior;

use super::sqlite::{db_err, execute, query, query_opt};
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
            for row in rows {
                let key = [
                    (&row.site).into(),
                    (&row.dimension).into(),
                    row.day.into(),
                    (&row.value).into(),
                    (&row.consent).into(),
                    (&writer).into(),
                ];
                let stored = query_opt(&tx, &SELECT_AGGREGATE, &key, |r| aggregate_from(r))?;
                let merged = merged(&row, stored);
                execute(&tx, &UPSERT_AGGREGATE, &aggregate_values(&merged, &writer)?)?;
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
            query(
                conn,
                &SELECT_AGGREGATES,
                &[
                    (&site).into(),
                    (&dimension).into(),
                    from_day.into(),
                    to_day.into(),
                ],
                |r| aggregate_from(r),
            )
        }))
    }
}
