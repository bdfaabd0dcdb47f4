//! Analytics aggregates in PostgreSQL: each flush merges into the writer's rows in one
//! transaction; several gateways write their own rows and readers merge them.

use consentry_engine::analytics::{AggregateRow, AnalyticsStore};
use consentry_engine::schema::{
    postgres_placeholders as pg, SELECT_AGGREGATE, SELECT_AGGREGATES, UPSERT_AGGREGATE,
};
use consentry_engine::store::rows::{merged, StoredAggregate};

use super::postgres::db_err;
use super::{PostgresStore, StoreFuture};

impl AnalyticsStore for PostgresStore {
    fn add_aggregates<'a>(
        &'a self,
        writer: &'a str,
        rows: &'a [AggregateRow],
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut client = self.writer.lock().await;
            let tx = client.transaction().await.map_err(db_err)?;
            let select = tx.prepare(&pg(SELECT_AGGREGATE)).await.map_err(db_err)?;
            let upsert = tx.prepare(&pg(UPSERT_AGGREGATE)).await.map_err(db_err)?;
            for row in rows {
                let day = i64::from(row.day);
                let stored = tx
                    .query_opt(
                        &select,
                        &[
                            &row.site,
                            &row.dimension,
                            &day,
                            &row.value,
                            &row.consent,
                            &writer,
                        ],
                    )
                    .await
                    .map_err(db_err)?
                    .map(|r| -> Result<(i64, String), tokio_postgres::Error> {
                        Ok((r.try_get(0)?, r.try_get(1)?))
                    })
                    .transpose()
                    .map_err(db_err)?;
                let (count, sketch) = merged(row, stored)?;
                tx.execute(
                    &upsert,
                    &[
                        &row.site,
                        &row.dimension,
                        &day,
                        &row.value,
                        &row.consent,
                        &writer,
                        &count,
                        &sketch,
                    ],
                )
                .await
                .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)
        })
    }

    fn aggregates<'a>(
        &'a self,
        site: &'a str,
        dimension: &'a str,
        from_day: u32,
        to_day: u32,
    ) -> StoreFuture<'a, Vec<AggregateRow>> {
        Box::pin(async move {
            let rows = self
                .reader
                .query(
                    &pg(SELECT_AGGREGATES),
                    &[&site, &dimension, &i64::from(from_day), &i64::from(to_day)],
                )
                .await
                .map_err(db_err)?;
            rows.iter()
                .map(|r| {
                    let stored = (|| -> Result<StoredAggregate, tokio_postgres::Error> {
                        Ok(StoredAggregate {
                            site: r.try_get(0)?,
                            day: r.try_get(1)?,
                            dimension: r.try_get(2)?,
                            value: r.try_get(3)?,
                            consent: r.try_get(4)?,
                            count: r.try_get(5)?,
                            sketch: r.try_get(6)?,
                        })
                    })()
                    .map_err(db_err)?;
                    stored.into_row()
                })
                .collect()
        })
    }
}
