//! Turning stored rows into records and export filters into SQL, the same for every backend.

use super::{LogFilter, StoreError};
use crate::analytics::AggregateRow;
use crate::chain::ChainedRecord;
use crate::{ConsentRecord, RecordKind};

/// One `consent_log` row, as plain values in the order of `LOG_COLUMNS`; `flags` are
/// `via_form, gpc, preferences, analytics, marketing, erased` as 0 or 1.
pub struct LogRow {
    /// Position in the chain.
    pub seq: i64,
    /// The record's random id.
    pub record_id: String,
    /// The visitor's consent id; empty once erased.
    pub consent_id: String,
    /// Seconds since the epoch.
    pub recorded_at: i64,
    /// The site's name.
    pub site: String,
    /// The policy version.
    pub policy_version: i64,
    /// SHA-256 of the banner shown.
    pub banner_hash: String,
    /// The banner's language.
    pub language: String,
    /// The record kind's name.
    pub kind: String,
    /// The 0/1 columns, in the order above.
    pub flags: [i64; 6],
    /// Two-letter country.
    pub country: Option<String>,
    /// The visitor's network.
    pub ip_prefix: Option<String>,
    /// The browser family.
    pub browser: Option<String>,
    /// Free text.
    pub detail: String,
    /// Digest of the personal fields.
    pub personal_digest: String,
    /// The previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

impl LogRow {
    /// The record this row holds.
    pub fn into_record(self) -> Result<ChainedRecord, StoreError> {
        let corrupt = |reason: String| StoreError::Corrupt {
            seq: self.seq,
            reason,
        };
        let kind = RecordKind::parse(&self.kind)
            .ok_or_else(|| corrupt(format!("unknown kind `{}`", self.kind)))?;
        let [via_form, gpc, preferences, analytics, marketing, erased] = self.flags.map(|f| f != 0);
        Ok(ChainedRecord {
            seq: u64::try_from(self.seq).map_err(|_| corrupt("negative position".into()))?,
            record: ConsentRecord {
                record_id: self.record_id,
                consent_id: self.consent_id,
                recorded_at: u64::try_from(self.recorded_at)
                    .map_err(|_| corrupt("negative time".into()))?,
                site: self.site,
                policy_version: u32::try_from(self.policy_version)
                    .map_err(|_| corrupt("policy version out of range".into()))?,
                banner_hash: self.banner_hash,
                language: self.language,
                kind,
                via_form,
                gpc,
                preferences,
                analytics,
                marketing,
                country: self.country,
                ip_prefix: self.ip_prefix,
                browser: self.browser,
                detail: self.detail,
            },
            personal_digest: self.personal_digest,
            erased,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// Seconds as the databases store them.
pub fn db_time(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

/// The WHERE clause and its text parameters for an export filter, with `?N` placeholders.
pub fn filter_clause(filter: &LogFilter) -> (String, Vec<FilterValue>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    if let Some(since) = filter.since {
        values.push(FilterValue::Int(db_time(since)));
        clauses.push(format!("recorded_at >= ?{}", values.len()));
    }
    if let Some(until) = filter.until {
        values.push(FilterValue::Int(db_time(until)));
        clauses.push(format!("recorded_at < ?{}", values.len()));
    }
    if let Some(site) = &filter.site {
        values.push(FilterValue::Text(site.clone()));
        clauses.push(format!("site = ?{}", values.len()));
    }
    if let Some(id) = &filter.consent_id {
        values.push(FilterValue::Text(id.clone()));
        clauses.push(format!("consent_id = ?{}", values.len()));
    }
    let clause = if clauses.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", clauses.join(" AND "))
    };
    (clause, values)
}

/// A filter parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterValue {
    /// A number (a time).
    Int(i64),
    /// Text (a site, a consent id).
    Text(String),
}

/// An analytics row as every backend reads it, before its sketch is decoded.
#[derive(Debug)]
#[allow(missing_docs)]
pub struct StoredAggregate {
    pub site: String,
    pub day: i64,
    pub dimension: String,
    pub value: String,
    pub consent: String,
    pub count: i64,
    pub sketch: String,
}

impl StoredAggregate {
    /// The row, its sketch decoded.
    pub fn into_row(self) -> Result<AggregateRow, StoreError> {
        let sketch = crate::analytics::Sketch::from_text(&self.sketch).map_err(|e| {
            StoreError::Database(format!(
                "analytics row {}/{}/{}: {e}",
                self.site, self.dimension, self.day
            ))
        })?;
        Ok(AggregateRow {
            site: self.site,
            day: u32::try_from(self.day).unwrap_or(0),
            dimension: self.dimension,
            value: self.value,
            consent: self.consent,
            count: u64::try_from(self.count).unwrap_or(0),
            sketch,
        })
    }
}

/// The count and sketch after adding `row` to what the writer had stored.
pub fn merged(
    row: &AggregateRow,
    stored: Option<(i64, String)>,
) -> Result<(i64, String), StoreError> {
    let add = i64::try_from(row.count).unwrap_or(i64::MAX);
    match stored {
        None => Ok((add, row.sketch.to_text())),
        Some((count, text)) => {
            let mut sketch = crate::analytics::Sketch::from_text(&text)
                .map_err(|e| StoreError::Database(format!("stored analytics row: {e}")))?;
            sketch.merge(&row.sketch);
            Ok((count.saturating_add(add), sketch.to_text()))
        }
    }
}
