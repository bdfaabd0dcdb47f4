//! Analytics aggregates in D1. Every call to D1 is a round trip, so a flush reads this
//! writer's rows once per (site, dimension, day) it touches, merges in memory and writes
//! every row in one batch (one transaction). Each isolate is its own writer: isolates never
//! write the same row, and readers merge them all.

use std::collections::{BTreeMap, HashMap};

use consentry_engine::analytics::{
    aggregate_from, aggregate_values, merged, AggregateRow, AnalyticsStore,
};
use consentry_engine::schema::{SELECT_AGGREGATES, SELECT_WRITER_AGGREGATES, UPSERT_AGGREGATE};
use consentry_engine::store::StoreFuture;

use crate::store::{db_err, D1Store};

impl AnalyticsStore for D1Store {
    fn add_aggregates<'a>(
        &'a self,
        writer: &'a str,
        rows: &'a [AggregateRow],
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut groups: BTreeMap<(&str, &str, u32), Vec<&AggregateRow>> = BTreeMap::new();
            for row in rows {
                groups
                    .entry((row.site.as_str(), row.dimension.as_str(), row.day))
                    .or_default()
                    .push(row);
            }
            let mut statements = Vec::with_capacity(rows.len());
            for ((site, dimension, day), members) in groups {
                let mut stored: HashMap<(String, String), AggregateRow> = self
                    .query(
                        &SELECT_WRITER_AGGREGATES,
                        &[site.into(), dimension.into(), day.into(), writer.into()],
                        aggregate_from,
                    )
                    .await?
                    .into_iter()
                    .map(|r| ((r.value.clone(), r.consent.clone()), r))
                    .collect();
                for row in members {
                    let key = (row.value.clone(), row.consent.clone());
                    let merged = merged(row, stored.remove(&key));
                    statements.push(
                        self.statement(&UPSERT_AGGREGATE, &aggregate_values(&merged, writer)?)?,
                    );
                    // A later row of the same value adds to this one.
                    stored.insert(key, merged);
                }
            }
            if !statements.is_empty() {
                self.db.batch(statements).await.map_err(db_err)?;
            }
            Ok(())
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
            self.query(
                &SELECT_AGGREGATES,
                &[
                    site.into(),
                    dimension.into(),
                    from_day.into(),
                    to_day.into(),
                ],
                aggregate_from,
            )
            .await
        })
    }
}
