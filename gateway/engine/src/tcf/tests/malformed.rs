//! Strings a client may send that are not TC strings: random bytes, truncations and
//! alterations of real strings, and forged ones built to be expensive. Decoding never
//! panics; what it accepts encodes again to a string that decodes to the same model.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::super::bits::BitWriter;
use super::super::{decode, encode, Segment, TcEncodeError, TcStringError};

const VECTORS: &str = include_str!("../testdata/tc-strings.tsv");

fn published() -> Vec<&'static str> {
    VECTORS
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').nth(2))
        .collect()
}

/// Decodes without panicking; whatever decodes is a fixed point of encode and decode.
fn survives(s: &str) {
    let Ok(model) = decode(s) else {
        return;
    };
    match encode(&model) {
        Ok(again) => {
            let back = decode(&again).unwrap_or_else(|e| panic!("{s} -> {again}: {e}"));
            assert_eq!(back, model, "{s} -> {again}");
            assert_eq!(encode(&back).as_deref(), Ok(again.as_str()));
        }
        // A string of policy 5 from after 28 February 2026 without its disclosed vendors
        // decodes (it is the sender's fault) but we would not write one.
        Err(TcEncodeError::MissingDisclosedVendors(_)) => {}
        Err(e) => panic!("{s} decodes but does not encode: {e}"),
    }
}

#[test]
fn every_truncation_of_every_published_string() {
    for s in published() {
        for end in 0..s.len() {
            survives(&s[..end]);
        }
    }
}

#[test]
fn every_character_of_every_published_string_altered() {
    const SOME: [char; 6] = ['A', 'B', 'g', '_', '-', '9'];
    for s in published().into_iter().filter(|s| s.len() < 200) {
        for at in 0..s.len() {
            for c in SOME {
                let mut altered = s.to_owned();
                altered.replace_range(at..=at, c.encode_utf8(&mut [0; 4]));
                survives(&altered);
            }
        }
    }
}

proptest! {
    #[test]
    fn random_text(s in "\\PC{0,300}") {
        survives(&s);
    }

    #[test]
    fn random_base64url_segments(s in "[A-Za-z0-9_-]{1,120}(\\.[A-Za-z0-9_-]{0,80}){0,4}") {
        survives(&s);
    }

    #[test]
    fn random_strings_after_a_real_core(
        i in 0usize..30,
        tail in "(\\.[A-Za-z0-9_-]{1,60}){1,3}",
    ) {
        let vectors = published();
        let core = vectors[i % vectors.len()].split('.').next().unwrap_or_default();
        survives(&format!("{core}{tail}"));
    }

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        survives(&String::from_utf8_lossy(&bytes));
    }
}

/// A core segment up to (not including) the vendor consent section, in the bits of the
/// specification's example.
fn core_head(w: &mut BitWriter) {
    w.write(2, 6);
    w.write(17_489_088_000, 36);
    w.write(17_489_088_000, 36);
    w.write(880, 12);
    w.write(0, 12);
    w.write(0, 6);
    w.write(4, 6);
    w.write(13, 6);
    w.write(48, 12);
    w.write(5, 6);
    w.write(1, 1);
    w.write(0, 1);
    w.write(0, 12 + 24 + 24 + 1);
    w.write(3, 6);
    w.write(4, 6);
}

fn empty_vendors(w: &mut BitWriter) {
    w.write(0, 16);
    w.write(0, 1);
}

/// The string a closure writes after the core head.
fn forged(rest: impl FnOnce(&mut BitWriter)) -> String {
    let mut w = BitWriter::default();
    core_head(&mut w);
    rest(&mut w);
    w.finish(super::super::bits::PADDING)
}

#[test]
fn forged_ranges_cost_what_they_weigh() {
    // 4095 entries of 1-65535 in each vendor section, and 4095 restrictions (on the same
    // purpose and type, so merged) of 1-65535: a quarter of a billion ids if expanded.
    let started = Instant::now();
    let s = forged(|w| {
        for _ in 0..2 {
            w.write(65_535, 16);
            w.write(1, 1);
            w.write(4095, 12);
            for _ in 0..4095 {
                w.write(1, 1);
                w.write(1, 16);
                w.write(65_535, 16);
            }
        }
        w.write(4095, 12);
        for _ in 0..4095 {
            w.write(2, 6);
            w.write(1, 2);
            w.write(1, 12);
            w.write(1, 1);
            w.write(1, 16);
            w.write(65_535, 16);
        }
    });
    let m = decode(&s).expect("well-formed, if absurd");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(m.vendor_consents.vendors.len(), 65_535);
    assert_eq!(m.vendor_consents.vendors.runs().count(), 1);
    assert_eq!(m.publisher_restrictions.len(), 1);
    assert_eq!(m.publisher_restrictions[0].vendors.runs().count(), 1);
    survives(&s);
}

#[test]
fn forged_fields_are_refused_by_name() {
    let range = |first: u64, last: u64| {
        forged(|w| {
            w.write(100, 16);
            w.write(1, 1);
            w.write(1, 12);
            w.write(1, 1);
            w.write(first, 16);
            w.write(last, 16);
        })
    };
    assert_eq!(
        decode(&range(9, 3)),
        Err(TcStringError::InvalidRange {
            field: "vendor consents",
            first: 9,
            last: 3
        })
    );
    assert!(matches!(
        decode(&range(0, 3)),
        Err(TcStringError::InvalidRange { first: 0, .. })
    ));
    let restriction = |purpose: u64, kind: u64| {
        forged(|w| {
            empty_vendors(w);
            empty_vendors(w);
            w.write(1, 12);
            w.write(purpose, 6);
            w.write(kind, 2);
            w.write(0, 12);
        })
    };
    assert!(decode(&restriction(2, 2)).is_ok());
    assert_eq!(
        decode(&restriction(2, 3)),
        Err(TcStringError::UndefinedRestrictionType { purpose_id: 2 })
    );
    assert_eq!(
        decode(&restriction(0, 0)),
        Err(TcStringError::RestrictionPurposeZero)
    );
    // A bitfield longer than the string.
    let long = forged(|w| {
        w.write(5000, 16);
        w.write(0, 1);
    });
    assert_eq!(
        decode(&long),
        Err(TcStringError::Truncated {
            segment: Segment::Core,
            field: "vendor consents"
        })
    );
    // A letter past Z.
    let mut w = BitWriter::default();
    w.write(2, 6);
    w.write(0, 36);
    w.write(0, 36);
    w.write(0, 12 + 12 + 6);
    w.write(4, 6);
    w.write(26, 6);
    let letter = w.finish(super::super::bits::PADDING);
    assert_eq!(
        decode(&letter),
        Err(TcStringError::InvalidLetter {
            field: "ConsentLanguage",
            value: 26
        })
    );
}

#[test]
fn broken_strings_are_refused_by_kind() {
    let core = "CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA";
    let disclosed = "IDKQA4AAgAKAGQAygAAA";
    assert_eq!(decode(""), Err(TcStringError::Empty));
    assert_eq!(
        decode(&format!("{core}.")),
        Err(TcStringError::EmptySegment { index: 1 })
    );
    assert_eq!(
        decode(&format!(".{core}")),
        Err(TcStringError::EmptySegment { index: 0 })
    );
    assert_eq!(
        decode(&format!("{core}.{disclosed}.{disclosed}")),
        Err(TcStringError::DuplicateSegment(Segment::DisclosedVendors))
    );
    assert_eq!(
        decode(&format!("{core}.{core}")),
        Err(TcStringError::DuplicateSegment(Segment::Core))
    );
    // Segment type 5 (101...): `o` is 40, 101000.
    assert_eq!(
        decode(&format!("{core}.oAAA")),
        Err(TcStringError::UnknownSegment(5))
    );
    assert_eq!(
        decode("CQSb k4AQ"),
        Err(TcStringError::InvalidCharacter { index: 0, at: 4 })
    );
    // TCF v1 strings start with version 1; a publisher segment alone with type 3.
    assert_eq!(
        decode("BO2e4qiO2e4qiB9ABADEDS-AAAAxKABgACBiQA"),
        Err(TcStringError::UnsupportedVersion(1))
    );
    assert!(matches!(
        decode("YAAAAAAAAAAA"),
        Err(TcStringError::UnsupportedVersion(24))
    ));
    assert!(matches!(
        decode(&core[..20]),
        Err(TcStringError::Truncated {
            segment: Segment::Core,
            ..
        })
    ));
    // Every error says what it is.
    let message = decode(&format!("{core}.{disclosed}.{disclosed}"))
        .expect_err("refused")
        .to_string();
    assert_eq!(
        message,
        "the disclosed vendors segment appears twice in the TC string"
    );
}
