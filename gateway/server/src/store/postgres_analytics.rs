//! Analytics aggregates in PostgreSQL: each flush merges into the writer's rows in one
//! transaction; several gateways write their own rows and readers merge them.

use consentry_engine::analytics::{
    aggregate_from, aggregate_values, merged, AggregateRow, AnalyticsStore,
};
use consentry_engine::schema::{
    postgres_placeholders as pg, SELECT_AGGREGATE, SELECT_AGGREGATES, UPSERT_AGGREGATE,
};

use super::postgres::{db_err, execute_prepared, query, query_opt};
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
            let upsert = tx.prepare(&pg(&UPSERT_AGGREGATE)).await.map_err(db_err)?;
            for row in rows {
                let key = [
                    (&row.site).into(),
                    (&row.dimension).into(),
                    row.day.into(),
                    (&row.value).into(),
                    (&row.consent).into(),
                    writer.into(),
                ];
                let stored = query_opt(&tx, &SELECT_AGGREGATE, &key, |r| aggregate_from(r)).await?;
                let merged = merged(row, stored);
                execute_prepared(&tx, &upsert, &aggregate_values(&merged, writer)?).await?;
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
            query(
                &self.reader,
                &SELECT_AGGREGATES,
                &[
                    site.into(),
                    dimension.into(),
                    from_day.into(),
                    to_day.into(),
                ],
                |r| aggregate_from(r),
            )
            .await
        })
    }
}
