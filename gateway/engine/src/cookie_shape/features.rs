//! The features of a cookie name, streamed as the keys of the weight table, without allocating.
//!
//! They mirror `name_features` and `lifetime_feature` in `scripts/cookie_shape_train.py` byte for
//! byte (the weights were fitted on that script's features); change both or neither.

/// Bytes of a name that are looked at: longer names are judged by their start.
pub(super) const MAX_NAME: usize = 64;

/// Words longer than this are ids or noise, not words.
const MAX_WORD: usize = 24;

const FNV_OFFSET: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;

/// FNV-1a-32 of `bytes`, continuing from `hash`.
const fn fnv_from(mut hash: u32, bytes: &[u8]) -> u32 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    hash
}

/// FNV-1a-32 of `bytes`: the key of a feature.
const fn fnv(bytes: &[u8]) -> u32 {
    fnv_from(FNV_OFFSET, bytes)
}

const fn step(hash: u32, byte: u8) -> u32 {
    (hash ^ byte as u32).wrapping_mul(FNV_PRIME)
}

/// The hash state after the trigram features' tag.
const GRAM: u32 = fnv(b"g");
const NUMBER: u32 = fnv(b"#num");
const LEAD: [u32; 3] = [fnv(b"#lead0"), fnv(b"#lead1"), fnv(b"#lead2")];
const LENGTH: [u32; 5] = [
    fnv(b"#len3"),
    fnv(b"#len6"),
    fnv(b"#len12"),
    fnv(b"#len20"),
    fnv(b"#lenxx"),
];
const CAPITALS: u32 = fnv(b"#caps");
const DIGIT: u32 = fnv(b"#digit");
const WORDS: [u32; 5] = [
    fnv(b"#words0"),
    fnv(b"#words1"),
    fnv(b"#words2"),
    fnv(b"#words3"),
    fnv(b"#words4"),
];
/// Always present: the intercept.
pub(super) const BIAS: u32 = fnv(b"#bias");

/// How long a cookie lives, in the buckets the weights know.
pub(super) const fn lifetime_key(seconds: Option<u64>) -> u32 {
    match seconds {
        None => fnv(b"#lsession"),
        Some(s) if s <= 3_600 => fnv(b"#l1h"),
        Some(s) if s <= 86_400 => fnv(b"#l1d"),
        Some(s) if s <= 31 * 86_400 => fnv(b"#l31d"),
        Some(s) if s <= 400 * 86_400 => fnv(b"#l400d"),
        Some(_) => fnv(b"#llong"),
    }
}

/// A name byte as the trigrams see it: letters lowercased, every digit `0`, anything else `_`.
const fn normalised(byte: u8) -> u8 {
    match byte {
        b'A'..=b'Z' => byte + 32,
        b'a'..=b'z' => byte,
        b'0'..=b'9' => b'0',
        _ => b'_',
    }
}

/// One word of the name being hashed: `w` + its bytes, and `f` + its bytes for the first word.
struct Word {
    word: u32,
    first: u32,
    len: usize,
    starts_with_digit: bool,
}

impl Word {
    const fn new(byte: u8) -> Self {
        let lower = byte.to_ascii_lowercase();
        Word {
            word: step(fnv(b"w"), lower),
            first: step(fnv(b"f"), lower),
            len: 1,
            starts_with_digit: byte.is_ascii_digit(),
        }
    }

    fn push(&mut self, byte: u8) {
        let lower = byte.to_ascii_lowercase();
        self.word = step(self.word, lower);
        self.first = step(self.first, lower);
        self.len += 1;
    }

    fn emit(&self, index: usize, out: &mut impl FnMut(u32)) {
        if self.starts_with_digit {
            out(NUMBER);
        } else if self.len <= MAX_WORD {
            out(self.word);
            if index == 0 {
                out(self.first);
            }
        }
    }
}

/// Calls `out` with the key of every feature of `name`: its trigrams (between `^` and `$`), its
/// words (split at punctuation, at a lower-to-upper case change and between letters and digits),
/// its leading underscores, length, capitals, digits and number of words.
pub(super) fn name_features(name: &str, mut out: impl FnMut(u32)) {
    let bytes = name.as_bytes();
    let bytes = &bytes[..bytes.len().min(MAX_NAME)];

    // Trigrams of ^name$.
    // (The name's bytes are normalised, so `^` and `$` can only be the ends.)
    let mut window = [0u8, 0, b'^'];
    for byte in bytes.iter().map(|&b| normalised(b)).chain([b'$']) {
        window = [window[1], window[2], byte];
        if window[0] != 0 {
            out(fnv_from(GRAM, &window));
        }
    }

    // Words.
    let mut word: Option<Word> = None;
    let mut previous = 0u8;
    let mut words = 0usize;
    for &byte in bytes {
        if !byte.is_ascii_alphanumeric() {
            if let Some(done) = word.take() {
                done.emit(words, &mut out);
                words += 1;
            }
            continue;
        }
        match word.as_mut() {
            Some(current)
                if !(previous.is_ascii_lowercase() && byte.is_ascii_uppercase())
                    && previous.is_ascii_digit() == byte.is_ascii_digit() =>
            {
                current.push(byte);
            }
            Some(_) => {
                if let Some(done) = word.replace(Word::new(byte)) {
                    done.emit(words, &mut out);
                    words += 1;
                }
            }
            None => word = Some(Word::new(byte)),
        }
        previous = byte;
    }
    if let Some(done) = word {
        done.emit(words, &mut out);
        words += 1;
    }

    let lead = bytes.iter().take_while(|&&b| b == b'_').count();
    out(LEAD[lead.min(2)]);
    out(LENGTH[match bytes.len() {
        0..=3 => 0,
        4..=6 => 1,
        7..=12 => 2,
        13..=20 => 3,
        _ => 4,
    }]);
    let mut letters = bytes.iter().filter(|b| b.is_ascii_alphabetic()).peekable();
    if letters.peek().is_some() && letters.all(|b| b.is_ascii_uppercase()) {
        out(CAPITALS);
    }
    if bytes.iter().any(u8::is_ascii_digit) {
        out(DIGIT);
    }
    out(WORDS[words.min(4)]);
}
