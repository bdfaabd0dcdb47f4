//! The consent log's one mapping between rows and records, by column name, for every
//! backend: [`record_from`] reads a `consent_log` row ([`crate::schema::CONSENT_LOG`]) into
//! a chained record, [`record_column`] names the value a record writes into each column.
//! SQLite, PostgreSQL and D1 only run the statements and hand their rows over as
//! [`Row`]s. Also here: the checkpoint, the head of the chain, the counts, and export
//! filters as SQL.

use super::row::{Row, Value};
use super::{LogFilter, LogStats, StoreError};
use crate::chain::{ChainedRecord, Checkpoint, GENESIS};
use crate::schema::{CHECKPOINTS, CONSENT_LOG};
use crate::{ConsentRecord, RecordKind};

/// A `consent_log` row as the chained record it holds.
pub fn record_from(row: &impl Row) -> Result<ChainedRecord, StoreError> {
    Ok(ChainedRecord {
        seq: row.int_as("seq")?,
        record: ConsentRecord {
            record_id: row.text("record_id")?,
            consent_id: row.text("consent_id")?,
            recorded_at: row.int_as("recorded_at")?,
            site: row.text("site")?,
            policy_version: row.int_as("policy_version")?,
            banner_hash: row.text("banner_hash")?,
            language: row.text("language")?,
            kind: row.parsed("kind", |k| RecordKind::parse(k).ok_or("unknown kind"))?,
            via_form: row.flag("via_form")?,
            gpc: row.flag("gpc")?,
            preferences: row.flag("preferences")?,
            analytics: row.flag("analytics")?,
            marketing: row.flag("marketing")?,
            country: row.opt_text("country")?,
            ip_prefix: row.opt_text("ip_prefix")?,
            browser: row.opt_text("browser")?,
            detail: row.text("detail")?,
            regime: row.text("regime")?,
            tc_string: row.text("tc_string")?,
        },
        personal_digest: row.text("personal_digest")?,
        erased: row.flag("erased")?,
        prev_hash: row.text("prev_hash")?,
        hash: row.text("hash")?,
    })
}

/// The value a chained record writes into `column` of `consent_log`.
pub fn record_column<'a>(c: &'a ChainedRecord, column: &str) -> Option<Value<'a>> {
    let r = &c.record;
    Some(match column {
        "seq" => c.seq.into(),
        "record_id" => (&r.record_id).into(),
        "consent_id" => (&r.consent_id).into(),
        "recorded_at" => r.recorded_at.into(),
        "site" => (&r.site).into(),
        "policy_version" => r.policy_version.into(),
        "banner_hash" => (&r.banner_hash).into(),
        "language" => (&r.language).into(),
        "kind" => r.kind.as_str().into(),
        "via_form" => r.via_form.into(),
        "gpc" => r.gpc.into(),
        "preferences" => r.preferences.into(),
        "analytics" => r.analytics.into(),
        "marketing" => r.marketing.into(),
        "country" => (&r.country).into(),
        "ip_prefix" => (&r.ip_prefix).into(),
        "browser" => (&r.browser).into(),
        "detail" => (&r.detail).into(),
        "regime" => (&r.regime).into(),
        "tc_string" => (&r.tc_string).into(),
        "personal_digest" => (&c.personal_digest).into(),
        "erased" => c.erased.into(),
        "prev_hash" => (&c.prev_hash).into(),
        "hash" => (&c.hash).into(),
        _ => return None,
    })
}

/// The parameters of [`crate::schema::INSERT_LOG`] for one chained record.
pub fn record_values(c: &ChainedRecord) -> Result<Vec<Value<'_>>, StoreError> {
    CONSENT_LOG.values(|column| record_column(c, column))
}

/// A `consent_log_checkpoint` row.
pub fn checkpoint_from(row: &impl Row) -> Result<Checkpoint, StoreError> {
    Ok(Checkpoint {
        seq: row.int_as("seq")?,
        hash: row.text("hash")?,
        created_at: row.int_as("created_at")?,
        signature: row.text("signature")?,
    })
}

/// The parameters of [`crate::schema::INSERT_CHECKPOINT`].
pub fn checkpoint_values(cp: &Checkpoint) -> Result<Vec<Value<'_>>, StoreError> {
    CHECKPOINTS.values(|column| {
        Some(match column {
            "seq" => cp.seq.into(),
            "hash" => (&cp.hash).into(),
            "created_at" => cp.created_at.into(),
            "signature" => (&cp.signature).into(),
            _ => return None,
        })
    })
}

/// A record's position and hash (the rows of [`crate::schema::SELECT_HEAD`] and
/// [`crate::schema::SELECT_LAST_BEFORE`]).
pub fn position_from(row: &impl Row) -> Result<(u64, String), StoreError> {
    Ok((row.int_as("seq")?, row.text("hash")?))
}

/// The position and hash new records chain after: the last record's, else the
/// checkpoint's, else the start of a log.
pub fn chain_head(last: Option<(u64, String)>, checkpoint: Option<Checkpoint>) -> (u64, String) {
    match (last, checkpoint) {
        (Some(last), _) => last,
        (None, Some(cp)) => (cp.seq, cp.hash),
        (None, None) => (0, GENESIS.to_owned()),
    }
}

/// A position (the rows of [`crate::schema::SELECT_SEQS_OF`]).
pub fn seq_from(row: &impl Row) -> Result<u64, StoreError> {
    row.int_as("seq")
}

/// A count per kind or site (the rows of [`crate::schema::SELECT_COUNT_BY_KIND`]).
pub fn count_from(row: &impl Row) -> Result<(String, u64), StoreError> {
    Ok((row.text("key")?, row.int_as("n")?))
}

/// The log's counts from the row of [`crate::schema::SELECT_TOTALS`], the counts per kind
/// and per site, and the checkpoint.
pub fn stats_from(
    totals: &impl Row,
    by_kind: Vec<(String, u64)>,
    by_site: Vec<(String, u64)>,
    checkpoint: Option<&Checkpoint>,
) -> Result<LogStats, StoreError> {
    Ok(LogStats {
        records: totals.int_as("records")?,
        erased: totals.opt_int_as("erased")?.unwrap_or(0),
        by_kind,
        by_site,
        first_at: totals.opt_int_as("first_at")?,
        last_at: totals.opt_int_as("last_at")?,
        pruned_up_to: checkpoint.map(|cp| cp.seq),
    })
}

/// Seconds (and positions) as the databases store them.
pub fn db_time(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

/// The WHERE clause and its parameters for an export filter, with `?N` placeholders.
pub fn filter_clause(filter: &LogFilter) -> (String, Vec<Value<'static>>) {
    let mut clauses = Vec::new();
    let mut values: Vec<Value<'static>> = Vec::new();
    if let Some(since) = filter.since {
        values.push(since.into());
        clauses.push(format!("recorded_at >= ?{}", values.len()));
    }
    if let Some(until) = filter.until {
        values.push(until.into());
        clauses.push(format!("recorded_at < ?{}", values.len()));
    }
    if let Some(site) = &filter.site {
        values.push(site.clone().into());
        clauses.push(format!("site = ?{}", values.len()));
    }
    if let Some(id) = &filter.consent_id {
        values.push(id.clone().into());
        clauses.push(format!("consent_id = ?{}", values.len()));
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (clause, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{chain, ChainKey};
    use crate::storage::row::{stored_row, JsonRow};

    fn chained() -> ChainedRecord {
        let record = ConsentRecord {
            record_id: "r1".into(),
            consent_id: "c1".into(),
            recorded_at: 1_700_000_000,
            site: "shop".into(),
            policy_version: 3,
            banner_hash: "ab".repeat(32),
            language: "nl".into(),
            via_form: true,
            preferences: true,
            marketing: true,
            country: Some("NL".into()),
            browser: Some("Firefox".into()),
            detail: "why".into(),
            ..ConsentRecord::of_kind(RecordKind::Custom)
        };
        chain(&ChainKey::derive(b"k"), 6, GENESIS, &[record])
            .pop()
            .expect("one record")
    }

    /// The row a backend would return for `c`.
    fn stored(c: &ChainedRecord) -> JsonRow {
        stored_row(
            &CONSENT_LOG,
            record_values(c).expect("every column has a value"),
        )
    }

    fn column_of(e: StoreError) -> String {
        match e {
            StoreError::Column { column, .. } => column,
            other => panic!("not a column error: {other:?}"),
        }
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let c = chained();
        assert_eq!(c.seq, 7);
        assert_eq!(record_from(&stored(&c)), Ok(c));
    }

    #[test]
    fn the_order_of_the_columns_does_not_matter() {
        let c = chained();
        let mut reversed: Vec<(String, serde_json::Value)> = stored(&c).into_iter().collect();
        reversed.reverse();
        let row: JsonRow = reversed.into_iter().collect();
        assert_eq!(record_from(&row), Ok(c));
    }

    #[test]
    fn a_missing_column_is_named() {
        for column in CONSENT_LOG.column_names() {
            let mut row = stored(&chained());
            row.remove(column);
            let e = record_from(&row).expect_err("a column is missing");
            assert_eq!(column_of(e), column);
        }
    }

    #[test]
    fn a_wrong_type_or_value_is_named() {
        let cases = [
            ("seq", serde_json::json!("seven")),
            ("seq", serde_json::json!(-7)),
            ("recorded_at", serde_json::Value::Null),
            ("policy_version", serde_json::json!(1_i64 << 40)),
            ("kind", serde_json::json!("maybe")),
            ("kind", serde_json::json!(3)),
            ("via_form", serde_json::json!(2)),
            ("erased", serde_json::json!("yes")),
            ("country", serde_json::json!(31)),
            ("detail", serde_json::Value::Null),
        ];
        for (column, value) in cases {
            let mut row = stored(&chained());
            row.insert(column.to_owned(), value.clone());
            let e = record_from(&row).expect_err("a wrong value");
            assert!(e.to_string().contains(&format!("`{column}`")), "{e}");
            assert_eq!(column_of(e), column, "{value}");
        }
    }

    #[test]
    fn every_column_of_the_log_has_a_value_and_nothing_else_does() {
        let c = chained();
        assert_eq!(
            record_values(&c).expect("values").len(),
            CONSENT_LOG.columns.len()
        );
        assert_eq!(record_column(&c, "no_such_column"), None);
    }

    #[test]
    fn checkpoints_heads_and_counts_read_by_name() {
        let cp = Checkpoint::new(&ChainKey::derive(b"k"), 4, "h", 99);
        let row = stored_row(&CHECKPOINTS, checkpoint_values(&cp).expect("values"));
        assert_eq!(checkpoint_from(&row), Ok(cp.clone()));
        assert_eq!(position_from(&row), Ok((4, "h".to_owned())));
        assert_eq!(chain_head(None, Some(cp)), (4, "h".to_owned()));
        assert_eq!(chain_head(None, None), (0, GENESIS.to_owned()));

        let totals =
            serde_json::json!({"records": 3, "erased": null, "first_at": 5, "last_at": null});
        let totals = totals.as_object().expect("object");
        let stats = stats_from(totals, vec![], vec![], None).expect("stats");
        assert_eq!(
            (stats.records, stats.erased, stats.first_at, stats.last_at),
            (3, 0, Some(5), None)
        );
        let bad = serde_json::json!({"records": "three"});
        let e =
            stats_from(bad.as_object().expect("object"), vec![], vec![], None).expect_err("text");
        assert_eq!(column_of(e), "records");
    }

    #[test]
    fn filters_become_where_clauses() {
        let (clause, values) = filter_clause(&LogFilter {
            since: Some(10),
            site: Some("shop".into()),
            ..LogFilter::default()
        });
        assert_eq!(clause, " WHERE recorded_at >= ?1 AND site = ?2");
        assert_eq!(values, [Value::Int(10), Value::Text("shop".into())]);
    }
}
