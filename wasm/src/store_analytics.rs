//! Analytics aggregates in D1. Every call to D1 is a round trip, so a flush reads this
//! writer's rows once per (site, dimension, day) it touches, merges in memory and writes
//! every row in one batch (one transaction). Each isolate is its own writer: isolates never
//! write the same row, and readers merge them all.

use std::collections::{BTreeMap, HashMap};

use consentry_engine::analytics::{AggregateRow, AnalyticsStore};
use consentry_engine::schema::{SELECT_AGGREGATES, SELECT_WRITER_AGGREGATES, UPSERT_AGGREGATE};
use consentry_engine::store::rows::{merged, StoredAggregate};
use consentry_engine::store::{StoreError, StoreFuture};
use serde::Deserialize;

use crate::store::{db_err, int, text, D1Store};

/// An `analytics` row as D1 returns it.
#[derive(Deserialize)]
struct D1Aggregate {
    site: String,
    day: i64,
    dimension: String,
    value: String,
    consent: String,
    count: i64,
    sketch: String,
}

impl From<D1Aggregate> for StoredAggregate {
    fn from(row: D1Aggregate) -> Self {
        StoredAggregate {
            site: row.site,
            day: row.day,
            dimension: row.dimension,
            value: row.value,
            consent: row.consent,
            count: row.count,
            sketch: row.sketch,
        }
    }
}

impl D1Store {
    async fn aggregate_rows(
        &self,
        sql: &str,
        values: &[wasm_bindgen::JsValue],
    ) -> Result<Vec<D1Aggregate>, StoreError> {
        self.all(sql, values)
            .await?
            .results::<D1Aggregate>()
            .map_err(db_err)
    }
}

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
                let stored: HashMap<(String, String), (i64, String)> = self
                    .aggregate_rows(
                        SELECT_WRITER_AGGREGATES,
                        &[
                            text(site),
                            text(dimension),
                            int(i64::from(day)),
                            text(writer),
                        ],
                    )
                    .await?
                    .into_iter()
                    .map(|r| ((r.value, r.consent), (r.count, r.sketch)))
                    .collect();
                for row in members {
                    let before = stored
                        .get(&(row.value.clone(), row.consent.clone()))
                        .cloned();
                    let (count, sketch) = merged(row, before)?;
                    statements.push(self.statement(
                        UPSERT_AGGREGATE,
                        &[
                            text(site),
                            text(dimension),
                            int(i64::from(day)),
                            text(&row.value),
                            text(&row.consent),
                            text(writer),
                            int(count),
                            text(&sketch),
                        ],
                    )?);
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
            self.aggregate_rows(
                SELECT_AGGREGATES,
                &[
                    text(site),
                    text(dimension),
                    int(i64::from(from_day)),
                    int(i64::from(to_day)),
                ],
            )
            .await?
            .into_iter()
            .map(|r| StoredAggregate::from(r).into_row())
            .collect()
        })
    }
}
