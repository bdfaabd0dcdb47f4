use super::*;
use crate::record::RecordKind;

fn record(n: u64) -> ConsentRecord {
    ConsentRecord {
        record_id: format!("r{n}"),
        consent_id: format!("c{n}"),
        recorded_at: 1_700_000_000 + n,
        site: "shop".into(),
        policy_version: 1,
        banner_hash: "b".repeat(64),
        language: "en".into(),
        analytics: n % 2 == 0,
        country: Some("NL".into()),
        ip_prefix: Some("203.0.113.0/24".into()),
        browser: Some("Firefox".into()),
        // Records from before regimes were kept have none; both kinds share a log.
        regime: if n % 3 == 0 {
            String::new()
        } else {
            "opt-in".into()
        },
        tc_string: if n % 2 == 0 {
            "CQabc.IAAA".into()
        } else {
            String::new()
        },
        ..ConsentRecord::of_kind(RecordKind::Custom)
    }
}

fn log(key: &ChainKey, n: u64) -> Vec<ChainedRecord> {
    let records: Vec<_> = (1..=n).map(record).collect();
    chain(key, 0, GENESIS, &records)
}

#[test]
fn an_untouched_log_verifies() {
    let key = ChainKey::derive(b"secret");
    let records = log(&key, 5);
    let verified = verify(&key, None, &records).expect("verifies");
    assert_eq!(verified.records, 5);
    assert_eq!(verified.head, records[4].hash);
    // Appending later continues the chain.
    let more = chain(&key, 5, &records[4].hash, &[record(6)]);
    let all: Vec<_> = records.iter().chain(&more).cloned().collect();
    assert_eq!(verify(&key, None, &all).map(|v| v.records), Ok(6));
}

#[test]
fn an_altered_record_is_named() {
    let key = ChainKey::derive(b"secret");
    let mut records = log(&key, 5);
    records[2].record.analytics = !records[2].record.analytics;
    assert_eq!(
        verify(&key, None, &records),
        Err(ChainBreak::Altered { seq: 3 })
    );
    let mut records = log(&key, 5);
    records[3].record.country = Some("DE".into());
    assert_eq!(
        verify(&key, None, &records),
        Err(ChainBreak::Altered { seq: 4 })
    );
    // The regime that applied is part of the proof: it cannot be changed, nor removed.
    for regime in ["opt-out", ""] {
        let mut records = log(&key, 5);
        records[0].record.regime = regime.into();
        assert_eq!(
            verify(&key, None, &records),
            Err(ChainBreak::Altered { seq: 1 })
        );
    }
    // Nor the TC string the decision gave ad tech.
    for tc_string in ["CQxyz.IAAA", ""] {
        let mut records = log(&key, 5);
        records[1].record.tc_string = tc_string.into();
        assert_eq!(
            verify(&key, None, &records),
            Err(ChainBreak::Altered { seq: 2 })
        );
    }
}

#[test]
fn a_removed_record_is_named() {
    let key = ChainKey::derive(b"secret");
    let mut records = log(&key, 5);
    records.remove(1);
    assert_eq!(
        verify(&key, None, &records),
        Err(ChainBreak::Removed {
            expected: 2,
            found: 3
        })
    );
    let mut last_gone = log(&key, 5);
    last_gone.pop();
    assert!(
        verify(&key, None, &last_gone).is_ok(),
        "the head is checked against the store, not here"
    );
}

#[test]
fn an_inserted_record_is_named() {
    let key = ChainKey::derive(b"secret");
    let mut records = log(&key, 4);
    let mut forged = records[1].clone();
    forged.record.analytics = true;
    records.insert(2, forged);
    assert!(matches!(
        verify(&key, None, &records),
        Err(ChainBreak::Inserted { seq: 2 })
    ));
}

#[test]
fn a_chain_rewritten_without_the_key_does_not_verify() {
    let key = ChainKey::derive(b"secret");
    let forged = log(&ChainKey::derive(b"guess"), 3);
    assert_eq!(
        verify(&key, None, &forged),
        Err(ChainBreak::Altered { seq: 1 })
    );
}

#[test]
fn erasure_keeps_the_chain_verifiable() {
    let key = ChainKey::derive(b"secret");
    let mut records = log(&key, 3);
    erase(&mut records[1]);
    assert!(records[1].record.consent_id.is_empty() && records[1].record.ip_prefix.is_none());
    let verified = verify(&key, None, &records).expect("verifies after erasure");
    assert_eq!(verified.erased, 1);
    // Erased fields cannot be put back differently without notice.
    records[1].erased = false;
    records[1].record.consent_id = "someone-else".into();
    assert_eq!(
        verify(&key, None, &records),
        Err(ChainBreak::Altered { seq: 2 })
    );
}

#[test]
fn a_pruned_log_verifies_from_its_signed_checkpoint() {
    let key = ChainKey::derive(b"secret");
    let records = log(&key, 6);
    let checkpoint = Checkpoint::new(&key, 3, &records[2].hash, 1_800_000_000);
    let kept = &records[3..];
    let verified = verify(&key, Some(&checkpoint), kept).expect("verifies");
    assert_eq!((verified.records, verified.pruned_before), (3, 3));
    let mut forged = checkpoint.clone();
    forged.seq = 2;
    assert_eq!(
        verify(&key, Some(&forged), kept),
        Err(ChainBreak::Checkpoint { seq: 2 })
    );
    assert!(matches!(
        verify(&key, Some(&checkpoint), &records[4..]),
        Err(ChainBreak::Removed {
            expected: 4,
            found: 5
        })
    ));
}
