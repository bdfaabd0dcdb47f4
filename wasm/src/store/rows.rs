//! Rows as D1 returns them (objects keyed by column), read with serde and turned into the
//! engine's types.

use consentry_engine::chain::Checkpoint;
use consentry_engine::store::rows::LogRow;
use serde::Deserialize;

/// A `consent_log` row as D1 returns it.
#[derive(Deserialize)]
pub(super) struct D1LogRow {
    pub(super) seq: i64,
    pub(super) record_id: String,
    pub(super) consent_id: String,
    pub(super) recorded_at: i64,
    pub(super) site: String,
    pub(super) policy_version: i64,
    pub(super) banner_hash: String,
    pub(super) language: String,
    pub(super) kind: String,
    pub(super) via_form: i64,
    pub(super) gpc: i64,
    pub(super) preferences: i64,
    pub(super) analytics: i64,
    pub(super) marketing: i64,
    pub(super) country: Option<String>,
    pub(super) ip_prefix: Option<String>,
    pub(super) browser: Option<String>,
    pub(super) detail: String,
    pub(super) personal_digest: String,
    pub(super) erased: i64,
    pub(super) prev_hash: String,
    pub(super) hash: String,
}

impl From<D1LogRow> for LogRow {
    fn from(r: D1LogRow) -> LogRow {
        LogRow {
            seq: r.seq,
            record_id: r.record_id,
            consent_id: r.consent_id,
            recorded_at: r.recorded_at,
            site: r.site,
            policy_version: r.policy_version,
            banner_hash: r.banner_hash,
            language: r.language,
            kind: r.kind,
            flags: [
                r.via_form,
                r.gpc,
                r.preferences,
                r.analytics,
                r.marketing,
                r.erased,
            ],
            country: r.country,
            ip_prefix: r.ip_prefix,
            browser: r.browser,
            detail: r.detail,
            personal_digest: r.personal_digest,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct Head {
    pub(super) seq: i64,
    pub(super) hash: String,
}

#[derive(Deserialize)]
pub(super) struct D1Checkpoint {
    pub(super) seq: i64,
    pub(super) hash: String,
    pub(super) created_at: i64,
    pub(super) signature: String,
}

impl From<D1Checkpoint> for Checkpoint {
    fn from(c: D1Checkpoint) -> Checkpoint {
        Checkpoint {
            seq: u64::try_from(c.seq).unwrap_or(0),
            hash: c.hash,
            created_at: u64::try_from(c.created_at).unwrap_or(0),
            signature: c.signature,
        }
    }
}

#[derive(Deserialize)]
pub(super) struct Seq {
    pub(super) seq: i64,
}

#[derive(Deserialize)]
pub(super) struct Name {
    pub(super) name: String,
}

#[derive(Deserialize)]
pub(super) struct Count {
    pub(super) key: String,
    pub(super) n: i64,
}

#[derive(Deserialize)]
pub(super) struct Totals {
    pub(super) records: i64,
    pub(super) erased: Option<i64>,
    pub(super) first_at: Option<i64>,
    pub(super) last_at: Option<i64>,
}
