//! Bits in and out of base64url text, as the IAB's consent strings (TC strings and GPP
//! strings) write them: six bits a character (RFC 4648 §5's alphabet), fields big-endian and
//! read left to right, crossing character boundaries.
//!
//! Written by hand rather than through the `base64` crate: a segment is a bit stream, not
//! bytes (its fields cross byte boundaries, and strings in the wild end on any sextet), so
//! reading six bits per character is both simpler and more lenient than decoding bytes.

/// The base64url alphabet, in value order.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The six-bit value of a base64url character.
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

/// Reads fields from the bits of base64url text, in order.
pub(crate) struct BitReader {
    sextets: Vec<u8>,
    /// The next bit to read.
    pos: usize,
}

impl BitReader {
    /// A reader over `text`; any character outside base64url (padding `=` included) is
    /// refused with its byte offset.
    pub(crate) fn new(text: &str) -> Result<BitReader, usize> {
        let sextets = text
            .bytes()
            .enumerate()
            .map(|(at, c)| sextet(c).ok_or(at))
            .collect::<Result<Vec<u8>, usize>>()?;
        Ok(BitReader { sextets, pos: 0 })
    }

    /// How many bits the text held, padding included.
    pub(crate) fn len(&self) -> usize {
        self.sextets.len() * 6
    }

    /// Bits left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.len() - self.pos
    }

    /// The next `bits` bits (at most 64) as an unsigned number, or `None` when the text ends
    /// first (nothing is consumed then).
    pub(crate) fn read(&mut self, bits: u32) -> Option<u64> {
        debug_assert!(bits <= 64);
        if self.remaining() < bits as usize {
            return None;
        }
        let mut value = 0u64;
        for _ in 0..bits {
            let sextet = self.sextets.get(self.pos / 6).copied().unwrap_or(0);
            let bit = (sextet >> (5 - self.pos % 6)) & 1;
            value = (value << 1) | u64::from(bit);
            self.pos += 1;
        }
        Some(value)
    }
}

/// Builds a bit string and writes it as base64url.
#[derive(Default)]
pub(crate) struct BitWriter {
    sextets: Vec<u8>,
    /// Bits written.
    len: usize,
}

impl BitWriter {
    /// Appends the low `bits` bits of `value`, most significant first. The caller has
    /// checked that `value` fits.
    pub(crate) fn write(&mut self, value: u64, bits: u32) {
        debug_assert!(bits <= 64 && (bits == 64 || value >> bits == 0));
        for shift in (0..bits).rev() {
            self.write_bool((value >> shift) & 1 == 1);
        }
    }

    /// Appends one bit.
    pub(crate) fn write_bool(&mut self, bit: bool) {
        if self.len % 6 == 0 {
            self.sextets.push(0);
        }
        if bit {
            if let Some(last) = self.sextets.last_mut() {
                *last |= 1 << (5 - self.len % 6);
            }
        }
        self.len += 1;
    }

    /// The bits written so far, as `0` and `1` (for tests).
    #[cfg(test)]
    pub(crate) fn bit_string(&self) -> String {
        (0..self.len)
            .map(|i| {
                if (self.sextets[i / 6] >> (5 - i % 6)) & 1 == 1 {
                    '1'
                } else {
                    '0'
                }
            })
            .collect()
    }

    /// The text, without padding characters: the bits padded with zeros to a multiple of
    /// each of `multiples` in turn, then to a whole character. Each format pads as the IAB's
    /// reference encoder for it does, so that our strings are its strings: TC strings to 24
    /// bits (`iabtcf-es`), GPP strings to a byte (`iabgpp-es`).
    pub(crate) fn finish(mut self, multiples: &[usize]) -> String {
        for &multiple in multiples {
            while self.len % multiple != 0 {
                self.write_bool(false);
            }
        }
        self.sextets
            .iter()
            .map(|&s| char::from(ALPHABET[usize::from(s & 63)]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_cross_character_boundaries() {
        let mut w = BitWriter::default();
        w.write(2, 6);
        w.write(0x1_2345_6789, 36);
        w.write_bool(true);
        w.write(4095, 12);
        let s = w.finish(&[24]);
        assert_eq!(s.len() % 4, 0);
        let mut r = BitReader::new(&s).expect("base64url");
        assert_eq!(r.read(6), Some(2));
        assert_eq!(r.read(36), Some(0x1_2345_6789));
        assert_eq!(r.read(1), Some(1));
        assert_eq!(r.read(12), Some(4095));
        // Padding to 24 bits: 55 bits written, 72 in four-character groups.
        assert_eq!(r.remaining(), 72 - 55);
        assert_eq!(r.read(18), None, "past the end reads nothing");
        assert_eq!(r.read(17), Some(0));
    }

    #[test]
    fn the_alphabet_round_trips_and_strangers_are_refused() {
        let all = std::str::from_utf8(ALPHABET).expect("ascii");
        let mut r = BitReader::new(all).expect("every character is base64url");
        for value in 0..64 {
            assert_eq!(r.read(6), Some(value));
        }
        assert_eq!(BitReader::new("AB+C").err(), Some(2));
        assert_eq!(BitReader::new("AB/C").err(), Some(2));
        assert_eq!(BitReader::new("AB=C").err(), Some(2));
        assert_eq!(BitReader::new("ABé").err(), Some(2));
    }

    #[test]
    fn padding_follows_each_format() {
        let bits = |text: &str| {
            let mut w = BitWriter::default();
            text.chars().for_each(|b| w.write_bool(b == '1'));
            w
        };
        // GPP's header of [2]: a byte, then a character (DBABMA in iabgpp-es).
        assert_eq!(
            bits("0000110000010000000000010011").finish(&[8, 6]),
            "DBABMA"
        );
        assert_eq!(bits("11").finish(&[24]), "wAAA");
        assert_eq!(bits("").finish(&[8, 6]), "");
    }
}
