//! Turning stored rows into records, the same for every backend.

use consentry_engine::chain::ChainedRecord;
use consentry_engine::{ConsentRecord, RecordKind};

use super::StoreError;

/// One `consent_log` row, as plain values in the order of `LOG_COLUMNS`.
pub(super) struct LogRow {
    pub seq: i64,
    pub record_id: String,
    pub consent_id: String,
    pub recorded_at: i64,
    pub site: String,
    pub policy_version: i64,
    pub banner_hash: String,
    pub language: String,
    pub kind: String,
    pub flags: [i64; 6],
    pub country: Option<String>,
    pub ip_prefix: Option<String>,
    pub browser: Option<String>,
    pub detail: String,
    pub personal_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

impl LogRow {
    pub(super) fn into_record(self) -> Result<ChainedRecord, StoreError> {
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
pub(super) fn db_time(t: u64) -> i64 {
    i64::try_from(t).unwrap_or(i64::MAX)
}

/// The WHERE clause and its text parameters for an export filter, with `?N` placeholders.
pub(super) fn filter_clause(filter: &super::LogFilter) -> (String, Vec<FilterValue>) {
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
pub(super) enum FilterValue {
    Int(i64),
    Text(String),
}
