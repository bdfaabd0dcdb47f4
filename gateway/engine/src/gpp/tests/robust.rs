//! Malformed strings: random text, random base64url, every truncation and every one-character
//! change of the reference vectors. Decoding must end in a value or an error, never a panic,
//! and whatever decodes must encode to a string that decodes to the same value.

use proptest::prelude::*;

use super::MODEL_TESTS;
use crate::gpp::*;

/// Whole strings from `GppModel.test.ts` (and sections of each kind) to cut and change.
const SEEDS: [&str; 6] = [
    "DBABLA~CVVVkkkkkpFY.YA",
    "DBABLA~BAAAVVVVUQA.QA",
    "DBACNYA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~1YNN",
    "DBACOcGA~CPSG_8APSG_8ANwAAAENAAFgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~BPSG_8APSG_8AAAAAAENAACAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAA~1---~BAAAAAAAAQA.QA~BAAAAABA.QA~BAAAABA~BAAAAEA.QA~BAAAAAQA~BAAAAAEA.QA~BAAAAABA~BAAAAABA.QA~BAAAAAABAA.QA~BAAAAAQA.QA~BAAAAAABAA.QA~BAAAAAQA.QA~BAAAAAQA.QA~BAAAAABA.QA~BAAAAAAAQA.QA~BAAAAAQA.QA~BAAAAAQA.QA~BQAA.QA~BQAA.AAA~BQAA.AAA~BQAA.AAA",
    "DBABLA~CAAAAAABEQA.QA",
    "DBABMA~CPSG_8APSG_8AAAAAAENAAFgAAAAAAAAAAAAFpQAwAAgCtAWkAAAAAAA.IFpQBQAAwAKAAsADoArQFpAA.YAAAAAAAAAAA",
];

/// Decoding ends; what decodes re-encodes to a string that decodes to the same value.
fn holds(text: &str) {
    if let Ok(gpp) = GppString::decode(text) {
        let again = gpp.encode().expect("a decoded string encodes");
        assert_eq!(
            GppString::decode(&again).as_ref(),
            Ok(&gpp),
            "{text} -> {again}"
        );
    }
}

#[test]
fn seeds_are_upstream_strings_that_decode() {
    // The first is UsNat.test.ts's section behind the header for [7].
    for seed in &SEEDS[1..] {
        assert!(MODEL_TESTS.contains(seed), "{seed}");
    }
    for seed in SEEDS {
        assert!(GppString::decode(seed).is_ok(), "{seed}");
    }
}

#[test]
fn every_truncation() {
    for seed in SEEDS {
        for end in 0..=seed.len() {
            holds(&seed[..end]);
        }
    }
}

#[test]
fn every_one_character_change() {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~.=é";
    for seed in SEEDS {
        for at in 0..seed.len() {
            for c in ALPHABET.chars() {
                let mut changed = String::with_capacity(seed.len() + 2);
                changed.push_str(&seed[..at]);
                changed.push(c);
                changed.push_str(&seed[at + 1..]);
                holds(&changed);
            }
        }
    }
}

#[test]
fn a_forged_header_cannot_make_a_long_list() {
    // One run from 1 to 65,535 ("1", offset 1 = "11", length 65,534), and one section.
    let mut w = super::BitWriter::new();
    w.push(3, 6);
    w.push(1, 6);
    w.push(1, 12);
    w.push_bool(true);
    w.push_fibonacci(1);
    w.push_fibonacci(65_534);
    let forged = format!("{}~A", w.finish());
    assert_eq!(
        GppString::decode(&forged),
        Err(GppError::SectionCount {
            listed: 65_535,
            found: 1
        })
    );
    // Past u16 ids.
    let mut w = super::BitWriter::new();
    w.push(3, 6);
    w.push(1, 6);
    w.push(1, 12);
    w.push_bool(false);
    w.push_fibonacci(70_000);
    assert_eq!(
        GppString::decode(&format!("{}~A", w.finish())),
        Err(GppError::NumberTooLarge)
    );
}

/// Text drawn from GPP's own characters, so most of it gets past the first check.
fn gpp_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            8 => proptest::char::ranges(vec!['A'..='Z', 'a'..='z', '0'..='9'].into()),
            1 => Just('~'),
            1 => Just('.'),
            1 => Just('-'),
            1 => Just('_'),
        ],
        0..120,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_text(text in ".{0,200}") {
        holds(&text);
    }

    #[test]
    fn random_gpp_like_text(text in gpp_like()) {
        holds(&text);
    }

    #[test]
    fn random_text_behind_real_headers(
        header in prop::sample::select(vec!["DBABLA", "DBABMA", "DBACNYA", "DBACOeA", "DBABTA"]),
        body in gpp_like(),
    ) {
        holds(&format!("{header}~{body}"));
    }

    #[test]
    fn random_sections(id in 0u16..40, body in gpp_like()) {
        let _ = Section::decode(id, &body);
    }
}
