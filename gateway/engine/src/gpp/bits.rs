//! Bits in and out of GPP's base64url text: fixed-width integers, booleans and Fibonacci-coded
//! integers, read and written most significant bit first, on the consent strings' bit stream
//! ([`crate::bits`]).
//!
//! GPP does not use base64 as RFC 4648 pads it: a bit string is cut into 6-bit groups, each
//! group is one character of the base64url alphabet, and the last group is filled with zeros.
//! The writer pads as the IAB's reference library does (first to a whole byte, then to a whole
//! character), so a string it writes is the same, character for character, as the one the
//! reference writes; the reader accepts any padding.

use super::GppError;

/// Reads fields from the bits of one base64url-encoded segment.
pub(super) struct BitReader {
    bits: crate::bits::BitReader,
    /// What is being read (a section's name, or "header"), for errors.
    what: &'static str,
}

impl BitReader {
    /// The bits of `text`; an error on a character outside the alphabet, `=` included.
    pub(super) fn new(text: &str, what: &'static str) -> Result<Self, GppError> {
        let bits = crate::bits::BitReader::new(text).map_err(|at| GppError::BadCharacter {
            what,
            // Every byte before `at` is base64url, so `at` starts a character.
            character: text.get(at..).and_then(|t| t.chars().next()).unwrap_or('?'),
        })?;
        Ok(BitReader { bits, what })
    }

    /// How many bits the text held, padding included.
    pub(super) fn len(&self) -> usize {
        self.bits.len()
    }

    /// A `width`-bit unsigned integer (at most 64 bits).
    pub(super) fn read(&mut self, width: usize) -> Result<u64, GppError> {
        u32::try_from(width)
            .ok()
            .and_then(|width| self.bits.read(width))
            .ok_or(GppError::Truncated { what: self.what })
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
    bits: crate::bits::BitWriter,
}

impl BitWriter {
    pub(super) fn new() -> Self {
        BitWriter::default()
    }

    /// The low `width` bits of `value`, most significant first. The caller keeps `value`
    /// within `width` bits (every field it writes is a checked enum, a count or a fixed tag).
    pub(super) fn push(&mut self, value: u64, width: usize) {
        debug_assert!(width <= 64);
        self.bits.write(value, width as u32);
    }

    pub(super) fn push_bool(&mut self, value: bool) {
        self.bits.write_bool(value);
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
        code.into_iter().for_each(|b| self.bits.write_bool(b));
        self.bits.write_bool(true);
    }

    /// The bits as base64url: zeros up to a whole byte, then up to a whole character.
    pub(super) fn finish(self) -> String {
        self.bits.finish(&[8, 6])
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
            let written = writer.bits.bit_string();
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
