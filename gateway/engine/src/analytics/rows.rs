//! The analytics aggregates' one mapping between `analytics` rows
//! ([`crate::schema::ANALYTICS`]) and [`AggregateRow`]s, by column name, for every backend.

use super::{AggregateRow, Sketch};
use crate::schema::ANALYTICS;
use crate::storage::row::{Row, Value};
use crate::storage::StoreError;

/// An `analytics` row, its sketch decoded.
pub fn aggregate_from(row: &impl Row) -> Result<AggregateRow, StoreError> {
    Ok(AggregateRow {
        site: row.text("site")?,
        day: row.int_as("day")?,
        dimension: row.text("dimension")?,
        value: row.text("value")?,
        consent: row.text("consent")?,
        count: row.int_as("count")?,
        sketch: row.parsed("sketch", Sketch::from_text)?,
    })
}

/// The parameters of [`crate::schema::UPSERT_AGGREGATE`]: `row` as `writer`'s.
pub fn aggregate_values<'a>(
    row: &'a AggregateRow,
    writer: &'a str,
) -> Result<Vec<Value<'a>>, StoreError> {
    ANALYTICS.values(|column| {
        Some(match column {
            "site" => (&row.site).into(),
            "day" => row.day.into(),
            "dimension" => (&row.dimension).into(),
            "value" => (&row.value).into(),
            "consent" => (&row.consent).into(),
            "writer" => writer.into(),
            "count" => row.count.into(),
            "sketch" => row.sketch.to_text().into(),
            _ => return None,
        })
    })
}

/// What to write after adding `row` to what the writer had stored of the same value:
/// the counts added, the sketches merged.
pub fn merged(row: &AggregateRow, stored: Option<AggregateRow>) -> AggregateRow {
    match stored {
        None => row.clone(),
        Some(mut stored) => {
            stored.count = stored.count.saturating_add(row.count);
            stored.sketch.merge(&row.sketch);
            stored
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::row::{stored_row, JsonRow};

    fn aggregate(count: u64, visitors: std::ops::Range<u64>) -> AggregateRow {
        let mut sketch = Sketch::new();
        for v in visitors {
            sketch.insert(v.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        AggregateRow {
            site: "shop".into(),
            day: 20_000,
            dimension: "page".into(),
            value: "/".into(),
            consent: "granted".into(),
            count,
            sketch,
        }
    }

    fn stored(row: &AggregateRow) -> JsonRow {
        stored_row(&ANALYTICS, aggregate_values(row, "w").expect("values"))
    }

    #[test]
    fn aggregates_read_back_and_merge() {
        let row = aggregate(3, 0..3);
        let back = aggregate_from(&stored(&row)).expect("row");
        assert_eq!(
            (back.count, back.day, back.sketch.estimate()),
            (3, 20_000, 3)
        );
        let sum = merged(&aggregate(2, 2..5), Some(back));
        assert_eq!((sum.count, sum.sketch.estimate()), (5, 5));
    }

    #[test]
    fn a_bad_sketch_or_a_missing_column_is_named() {
        let mut row = stored(&aggregate(1, 0..1));
        row.insert("sketch".into(), "not a sketch".into());
        let e = aggregate_from(&row).expect_err("bad sketch");
        assert!(
            matches!(&e, StoreError::Column { column, .. } if column == "sketch"),
            "{e:?}"
        );
        row.remove("day");
        let e = aggregate_from(&row).expect_err("no day");
        assert!(
            matches!(&e, StoreError::Column { column, .. } if column == "day"),
            "{e:?}"
        );
    }
}
