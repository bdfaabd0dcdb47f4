//! Bits in and out of GPP's base64url text: fixed-width integers, booleans and Fibonacci-coded
//! integers, read and written most significant bit first.
//!
//! GPP does not use base64 as RFC 4648 pads it: a bit string is cut into 6-bit groups, each
//! group is one character of the base64url alphabet (`A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`), and
//! the last group is filled with zeros. The writer pads as the IAB's reference library does
//! (first to a whole byte, then to a whole character), so a string it writes is the same,
//! character for character, as the one the reference writes; the reader accepts any padding.

use super::GppError;

/// The base64url alphabet, in the order of the 6-bit values it stands for.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The value of one base64url character.
fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Reads fields from the bits of one base64url-encoded segment.
pub(super) struct BitReader {
    bits: Vec<bool>,
    pos: usize,
    /// What is being read (a section's name, or "header"), for errors.
    what: &'static str,
}

impl BitReader {
    /// The bits of `text`; an error on a character outside the alphabet, `=` included.
    pub(super) fn new(text: &str, what: &'static str) -> Result<Self, GppError> {
        let mut bits = Vec::with_capacity(text.len() * 6);
        for c in text.chars() {
            let value = u8::try_from(c)
                .ok()
                .and_then(sextet)
                .ok_or(GppError::BadCharacter { what, character: c })?;
            bits.extend((0..6).rev().map(|i| value >> i & 1 == 1));
        }
        Ok(BitReader { bits, pos: 0, what })
    }

    /// How many bits the text held, padding included.
    pub(super) fn len(&self) -> usize {
        self.bits.len()
    }

    fn truncated(&self) -> GppError {
        GppError::Truncated { what: self.what }
    }

    /// A `width`-bit unsigned integer (at most 64 bits).
    pub(super) fn read(&mut self, width: usize) -> Result<u64, GppError> {
        debug_assert!(width <= 64);
        let end = self
            .pos
            .checked_add(width)
            .ok_or_else(|| self.truncated())?;
        let bits = self
            .bits
            .get(self.pos..end)
            .ok_or_else(|| self.truncated())?;
        let value = bits.iter().fold(0u64, |n, &b| n << 1 | u64::from(b));
        self.pos = end;
        Ok(value)
    }

    /// One bit as a boolean (`1` is true).
    pub(super) fn read_bool(&mut self) -> Result<bool, GppError> {
        Ok(self.read(1)? == 1)
    }

    /// A Fibonacci-coded integer (at least 1): bit `i` set adds the `i`-th Fibonacci number
    /// (1, 2, 3, 5, 8, ...), and the code ends at the first two set bits in a row.
    pub(super) fn read_fibonacci(&mut self) -> Result<u64, GppError> {
        let (mut value, mut fib, mut next) = (0u64, 1u64, 2u64);
        let mut previous = false;
        loop {
            let bit = self.read_bool()?;
            if bit && previous {
                return Ok(value);
            }
            if bit {
                value = value.checked_add(fib).ok_or(GppError::NumberTooLarge)?;
            }
            previous = bit;
            // Past u64's Fibonacci numbers no valid value is left to read.
            let after = fib.checked_add(next).ok_or(GppError::NumberTooLarge)?;
            (fib, next) = (next, after);
        }
    }
}

/// Builds a bit string and writes it as base64url.
#[derive(Default)]
pub(super) struct BitWriter {
    bits: Vec<bool>,
}

impl BitWriter {
    pub(super) fn new() -> Self {
        BitWriter::default()
    }

    /// The low `width` bits of `value`, most significant first. The caller keeps `value`
    /// within `width` bits (every field it writes is a checked enum, a count or a fixed tag).
    pub(super) fn push(&mut self, value: u64, width: usize) {
        debug_assert!(width == 64 || value >> width == 0);
        self.bits
            .extend((0..width).rev().map(|i| (value >> i) & 1 == 1));
    }

    pub(super) fn push_bool(&mut self, value: bool) {
        self.bits.push(value);
    }

    /// `value` (at least 1) in Fibonacci coding, as [`BitReader::read_fibonacci`] reads it.
    pub(super) fn push_fibonacci(&mut self, value: u64) {
        debug_assert!(value >= 1);
        // The Fibonacci numbers up to `value`: 1, 2, 3, 5, ...
        let mut fibs = vec![1u64];
        let mut next = 2u64;
        while next <= value {
            fibs.push(next);
            let Some(after) = fibs[fibs.len() - 2].checked_add(next) else {
                break;
            };
            next = after;
        }
        let mut code = vec![false; fibs.len()];
        let mut rest = value;
        for (i, &f) in fibs.iter().enumerate().rev() {
            if f <= rest {
                code[i] = true;
                rest -= f;
            }
        }
        self.bits.extend(code);
        self.bits.push(true);
    }

    /// The bits as base64url: zeros up to a whole byte, then up to a whole character.
    pub(super) fn finish(mut self) -> String {
        while self.bits.len() % 8 != 0 {
            self.bits.push(false);
        }
        while self.bits.len() % 6 != 0 {
            self.bits.push(false);
        }
        self.bits
            .chunks(6)
            .map(|group| {
                let value = group.iter().fold(0usize, |n, &b| n << 1 | usize::from(b));
                char::from(ALPHABET[value])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits_of(text: &str) -> String {
        let mut reader = BitReader::new(text, "test").expect("reads");
        (0..reader.len())
            .map(|_| {
                if reader.read_bool().expect("reads") {
                    '1'
                } else {
                    '0'
                }
            })
            .collect()
    }

    fn from_bits(bits: &str) -> String {
        let mut writer = BitWriter::new();
        for b in bits.chars() {
            writer.push_bool(b == '1');
        }
        writer.finish()
    }

    #[test]
    fn fibonacci_codes_are_the_specifications() {
        // The table in the GPP string specification ("About Fibonacci Encoding").
        for (n, code) in [
            (1, "11"),
            (2, "011"),
            (3, "0011"),
            (4, "1011"),
            (5, "00011"),
            (6, "10011"),
            (7, "01011"),
        ] {
            let mut writer = BitWriter::new();
            writer.push_fibonacci(n);
            let written: String = writer
                .bits
                .iter()
                .map(|&b| if b { '1' } else { '0' })
                .collect();
            assert_eq!(written, code, "{n}");
            let mut reader = BitReader::new(&from_bits(code), "test").expect("reads");
            assert_eq!(reader.read_fibonacci().expect("reads"), n);
        }
    }

    #[test]
    fn fibonacci_round_trips_large_values() {
        for n in [8, 12, 13, 100, 4095, 65_535, 1 << 40, u64::MAX / 3] {
            let mut writer = BitWriter::new();
            writer.push_fibonacci(n);
            let text = writer.finish();
            assert_eq!(
                BitReader::new(&text, "t").expect("reads").read_fibonacci(),
                Ok(n)
            );
        }
    }

    #[test]
    fn padding_is_the_reference_librarys() {
        // "000011 000001 000000000001 0 011": the header of [2], DBABMA in iabgpp-es.
        assert_eq!(from_bits("0000110000010000000000010011"), "DBABMA");
        assert_eq!(bits_of("DBABMA"), "000011000001000000000001001100000000");
        assert_eq!(from_bits(""), "");
    }

    #[test]
    fn bad_characters_and_short_input_are_errors() {
        assert!(matches!(
            BitReader::new("DB=A", "header"),
            Err(GppError::BadCharacter { character: '=', .. })
        ));
        assert!(BitReader::new("DBé", "header").is_err());
        let mut reader = BitReader::new("D", "header").expect("reads");
        assert_eq!(reader.read(6), Ok(3));
        assert_eq!(reader.read(1), Err(GppError::Truncated { what: "header" }));
        // Ones without two in a row run off the end.
        let mut reader = BitReader::new("qqqq", "header").expect("reads");
        assert!(reader.read_fibonacci().is_err());
        // A code longer than u64's Fibonacci numbers.
        let mut reader = BitReader::new(&"q".repeat(40), "header").expect("reads");
        assert_eq!(reader.read_fibonacci(), Err(GppError::NumberTooLarge));
    }
}
