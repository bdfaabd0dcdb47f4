//! The consent log's hash chain. Every stored record carries the hash of the one before it,
//! and its own hash is an HMAC (keyed by the gateway's secret) over its position, the
//! previous hash and its fields, so that altering, inserting or removing a record — or
//! rewriting the whole chain without the key — shows.
//!
//! Personal fields (consent id, country, network, browser) enter the hash through a digest
//! kept beside them, so erasing them later leaves the chain verifiable.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::record::ConsentRecord;

/// The `prev_hash` of the first record of a log.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

type HmacSha256 = Hmac<Sha256>;

/// The key the chain is computed with, derived from the gateway's secret.
#[derive(Clone)]
pub struct ChainKey(Vec<u8>);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey { .. }")
    }
}

impl ChainKey {
    /// Derives the chain key from the secret that also signs consent cookies.
    pub fn derive(secret: &[u8]) -> ChainKey {
        ChainKey(mac(secret, &[b"consentry consent log v1"]))
    }

    fn hmac(&self, parts: &[&[u8]]) -> String {
        hex(&mac(&self.0, parts))
    }
}

fn mac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC takes keys of any length.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A record as stored: its place in the chain and its hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainedRecord {
    /// Position in the log, from 1, without gaps.
    pub seq: u64,
    /// The record; its personal fields are empty once erased.
    #[serde(flatten)]
    pub record: ConsentRecord,
    /// SHA-256 over the personal fields as first recorded.
    pub personal_digest: String,
    /// Whether the personal fields were erased.
    pub erased: bool,
    /// The previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

/// The digest of a record's personal fields. The random consent id is part of it, so the
/// digest cannot be brute-forced back to a network or a country.
pub fn personal_digest(record: &ConsentRecord) -> String {
    let mut hasher = Sha256::new();
    for field in [
        record.consent_id.as_str(),
        record.country.as_deref().unwrap_or(""),
        record.ip_prefix.as_deref().unwrap_or(""),
        record.browser.as_deref().unwrap_or(""),
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

fn record_hash(
    key: &ChainKey,
    seq: u64,
    prev_hash: &str,
    record: &ConsentRecord,
    personal_digest: &str,
) -> String {
    let flags = [
        u8::from(record.via_form),
        u8::from(record.gpc),
        u8::from(record.preferences),
        u8::from(record.analytics),
        u8::from(record.marketing),
    ];
    let fields: [&[u8]; 12] = [
        &seq.to_be_bytes(),
        prev_hash.as_bytes(),
        record.record_id.as_bytes(),
        &record.recorded_at.to_be_bytes(),
        record.site.as_bytes(),
        &record.policy_version.to_be_bytes(),
        record.banner_hash.as_bytes(),
        record.language.as_bytes(),
        record.kind.as_str().as_bytes(),
        &flags,
        record.detail.as_bytes(),
        personal_digest.as_bytes(),
    ];
    // Fields added later enter the hash when the record has them, so the records made
    // before still verify (each part is length-prefixed: nothing can move from one part to
    // another). The TC string enters as its digest, with a mark of its own.
    let tc_digest;
    let mut parts = fields.to_vec();
    if !record.regime.is_empty() || !record.tc_string.is_empty() {
        parts.push(record.regime.as_bytes());
    }
    if !record.tc_string.is_empty() {
        tc_digest = Sha256::digest(record.tc_string.as_bytes());
        parts.push(b"tc");
        parts.push(&tc_digest);
    }
    key.hmac(&parts)
}

/// Chains new records after the record at `last_seq` with hash `last_hash`.
pub fn chain(
    key: &ChainKey,
    last_seq: u64,
    last_hash: &str,
    records: &[ConsentRecord],
) -> Vec<ChainedRecord> {
    let mut prev_hash = last_hash.to_owned();
    records
        .iter()
        .enumerate()
        .map(|(i, record)| {
            let seq = last_seq + 1 + i as u64;
            let personal_digest = personal_digest(record);
            let hash = record_hash(key, seq, &prev_hash, record, &personal_digest);
            ChainedRecord {
                seq,
                record: record.clone(),
                personal_digest,
                erased: false,
                prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
                hash,
            }
        })
        .collect()
}

/// Removes a record's personal fields, keeping what the chain needs.
pub fn erase(record: &mut ChainedRecord) {
    record.record.consent_id.clear();
    record.record.country = None;
    record.record.ip_prefix = None;
    record.record.browser = None;
    record.erased = true;
}

/// Where a pruned log starts again: the last pruned record's position and hash, signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    /// The last pruned record's position.
    pub seq: u64,
    /// Its hash: the `prev_hash` of the first record kept.
    pub hash: String,
    /// When the prune happened.
    pub created_at: u64,
    /// The HMAC over the above.
    pub signature: String,
}

impl Checkpoint {
    /// A signed checkpoint after the record at `seq` with hash `hash`.
    pub fn new(key: &ChainKey, seq: u64, hash: &str, created_at: u64) -> Checkpoint {
        Checkpoint {
            seq,
            hash: hash.to_owned(),
            created_at,
            signature: Checkpoint::sign(key, seq, hash, created_at),
        }
    }

    fn sign(key: &ChainKey, seq: u64, hash: &str, created_at: u64) -> String {
        key.hmac(&[
            b"checkpoint",
            &seq.to_be_bytes(),
            hash.as_bytes(),
            &created_at.to_be_bytes(),
        ])
    }

    /// Whether the signature matches.
    pub fn is_valid(&self, key: &ChainKey) -> bool {
        Checkpoint::sign(key, self.seq, &self.hash, self.created_at) == self.signature
    }
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainBreak {
    /// The checkpoint that replaces the pruned start is not signed by this key.
    #[error(
        "the checkpoint (up to record {seq}) is not valid: altered, or signed with another key"
    )]
    Checkpoint {
        /// The checkpoint's position.
        seq: u64,
    },
    /// Records are missing before `seq`.
    #[error("record {expected} is missing (removed): the log jumps to record {found}")]
    Removed {
        /// The position that should come next.
        expected: u64,
        /// The position found instead.
        found: u64,
    },
    /// A record appears where the chain does not lead to it.
    #[error("record {seq} does not follow the one before it (inserted or reordered)")]
    Inserted {
        /// Its position.
        seq: u64,
    },
    /// A record's fields do not match its hash.
    #[error("record {seq} was altered")]
    Altered {
        /// Its position.
        seq: u64,
    },
}

/// What a successful verification saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Records checked.
    pub records: u64,
    /// Of which erased.
    pub erased: u64,
    /// Records pruned before the checkpoint.
    pub pruned_before: u64,
    /// The last record's hash (the log's head).
    pub head: String,
}

/// Walks the log from the checkpoint (or the start) and names the first record that was
/// altered, inserted or removed.
pub fn verify<'a>(
    key: &ChainKey,
    checkpoint: Option<&Checkpoint>,
    records: impl IntoIterator<Item = &'a ChainedRecord>,
) -> Result<Verified, ChainBreak> {
    let (mut expected_seq, mut prev_hash) = match checkpoint {
        Some(cp) if !cp.is_valid(key) => return Err(ChainBreak::Checkpoint { seq: cp.seq }),
        Some(cp) => (cp.seq + 1, cp.hash.clone()),
        None => (1, GENESIS.to_owned()),
    };
    let mut verified = Verified {
        pruned_before: expected_seq - 1,
        ..Verified::default()
    };
    for stored in records {
        if stored.seq > expected_seq {
            return Err(ChainBreak::Removed {
                expected: expected_seq,
                found: stored.seq,
            });
        }
        if stored.seq < expected_seq || stored.prev_hash != prev_hash {
            // A record whose own hash is right but that does not link up was put there; one
            // whose hash is wrong was changed.
            let digest_ok =
                stored.erased || personal_digest(&stored.record) == stored.personal_digest;
            let own_ok = digest_ok
                && record_hash(
                    key,
                    stored.seq,
                    &stored.prev_hash,
                    &stored.record,
                    &stored.personal_digest,
                ) == stored.hash;
            return Err(if own_ok || stored.seq < expected_seq {
                ChainBreak::Inserted { seq: stored.seq }
            } else {
                ChainBreak::Altered { seq: stored.seq }
            });
        }
        if !stored.erased && personal_digest(&stored.record) != stored.personal_digest {
            return Err(ChainBreak::Altered { seq: stored.seq });
        }
        if record_hash(
            key,
            stored.seq,
            &prev_hash,
            &stored.record,
            &stored.personal_digest,
        ) != stored.hash
        {
            return Err(ChainBreak::Altered { seq: stored.seq });
        }
        verified.records += 1;
        verified.erased += u64::from(stored.erased);
        prev_hash.clone_from(&stored.hash);
        expected_seq += 1;
    }
    verified.head = prev_hash;
    Ok(verified)
}

#[cfg(test)]
mod tests;
