//! Fragments of names that say what a cookie is for, from how frameworks, shops and tags name
//! their cookies rather than from the data: they reach names the data never saw (a `basket`, a
//! `gclid`). Mirrors `LEXICON` in `scripts/cookie_shape_train.py`; change both or neither.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::evidence::Nudge;
use super::features::MAX_NAME;

/// The size of one fragment's nudge, chosen by cross-validation on the build names.
const WEIGHT: f32 = 2.5;

const FUNCTIONAL: Nudge = [WEIGHT, 0.0, 0.0];
const ANALYTICS: Nudge = [0.0, WEIGHT, 0.0];
const MARKETING: Nudge = [0.0, 0.0, WEIGHT];
const TRACKER: Nudge = [-WEIGHT, 0.0, 0.0];

/// Each fragment (lowercase) and its nudge to the scores of functional, analytics and marketing.
const LEXICON: &[(&[u8], Nudge)] = &[
    (b"sess", FUNCTIONAL),
    (b"csrf", FUNCTIONAL),
    (b"xsrf", FUNCTIONAL),
    (b"auth", FUNCTIONAL),
    (b"login", FUNCTIONAL),
    (b"logged", FUNCTIONAL),
    (b"cart", FUNCTIONAL),
    (b"basket", FUNCTIONAL),
    (b"checkout", FUNCTIONAL),
    (b"wishlist", FUNCTIONAL),
    (b"lang", FUNCTIONAL),
    (b"locale", FUNCTIONAL),
    (b"currency", FUNCTIONAL),
    (b"consent", FUNCTIONAL),
    (b"captcha", FUNCTIONAL),
    (b"remember", FUNCTIONAL),
    (b"sticky", FUNCTIONAL),
    (b"affinity", FUNCTIONAL),
    (b"balanc", FUNCTIONAL),
    (b"timezone", FUNCTIONAL),
    (b"theme", FUNCTIONAL),
    (b"pref", FUNCTIONAL),
    (b"dismiss", FUNCTIONAL),
    (b"__host-", FUNCTIONAL),
    (b"utm", ANALYTICS),
    (b"_pk_", ANALYTICS),
    (b"ajs_", ANALYTICS),
    (b"mp_", ANALYTICS),
    (b"amplitude", ANALYTICS),
    (b"_hj", ANALYTICS),
    (b"_ga", ANALYTICS),
    (b"visitor", ANALYTICS),
    (b"_gcl", MARKETING),
    (b"gclid", MARKETING),
    (b"fbclid", MARKETING),
    (b"_fb", MARKETING),
    (b"pixel", MARKETING),
    (b"retarget", MARKETING),
    (b"audience", MARKETING),
    (b"attribution", MARKETING),
    (b"fingerprint", MARKETING),
    (b"sync", MARKETING),
    (b"campaign", MARKETING),
    (b"uid", TRACKER),
    (b"track", TRACKER),
];

// Each fragment found sets one bit.
const _: () = assert!(LEXICON.len() <= 64);

/// One automaton for every fragment, ignoring ASCII case.
static FRAGMENTS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(LEXICON.iter().map(|(fragment, _)| fragment))
        .ok()
});

/// The sum of the nudges of the fragments found in `name` (its first bytes), each counted once.
pub(super) fn nudge(name: &str) -> Nudge {
    let bytes = name.as_bytes();
    let bytes = &bytes[..bytes.len().min(MAX_NAME)];
    let mut found = 0u64;
    if let Some(fragments) = FRAGMENTS.as_ref() {
        for hit in fragments.find_overlapping_iter(bytes) {
            found |= 1 << hit.pattern().as_usize();
        }
    }
    let mut nudge = [0.0f32; 3];
    for (i, (_, by)) in LEXICON.iter().enumerate() {
        if found & (1 << i) != 0 {
            for (total, by) in nudge.iter_mut().zip(by) {
                *total += by;
            }
        }
    }
    nudge
}
