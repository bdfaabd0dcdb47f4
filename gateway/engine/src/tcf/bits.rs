//! The bits of one TC string segment: base64url characters (RFC 4648 §5), six bits each,
//! fields big-endian and read left to right, as the IAB's "Consent string and vendor list
//! formats" lays them out.
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

/// Reads the fields of one segment in order.
pub(crate) struct BitReader {
    sextets: Vec<u8>,
    /// The next bit to read.
    pos: usize,
}

impl BitReader {
    /// A reader over one segment's characters. Trailing `=` padding is tolerated (the IAB's
    /// Java decoder accepts it, though the specification writes none); any other character
    /// outside base64url is refused with its byte offset.
    pub(crate) fn new(segment: &str) -> Result<BitReader, usize> {
        let bytes = segment.trim_end_matches('=').as_bytes();
        let sextets = bytes
            .iter()
            .enumerate()
            .map(|(at, &c)| sextet(c).ok_or(at))
            .collect::<Result<Vec<u8>, usize>>()?;
        Ok(BitReader { sextets, pos: 0 })
    }

    /// Bits left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.sextets.len() * 6 - self.pos
    }

    /// The next `bits` bits (at most 64) as an unsigned number, or `None` when the segment
    /// ends first (nothing is consumed then).
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

/// Writes the fields of one segment in order.
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
            self.push((value >> shift) & 1 == 1);
        }
    }

    /// Appends one flag.
    pub(crate) fn write_bool(&mut self, bit: bool) {
        self.push(bit);
    }

    fn push(&mut self, bit: bool) {
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

    /// The segment as base64url without padding characters. The bits are first padded with
    /// zeros to a multiple of 24 (four characters), as the IAB's reference encoder
    /// (`iabtcf-es`, `Base64Url.encode`) does, so that our strings match its strings.
    pub(crate) fn finish(mut self) -> String {
        while self.sextets.len() % 4 != 0 {
            self.sextets.push(0);
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
        let s = w.finish();
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
        assert_eq!(
            BitReader::new("AB=C").err(),
            Some(2),
            "padding only at the end"
        );
        assert_eq!(BitReader::new("ABé").err(), Some(2));
        assert!(BitReader::new("ABC=").is_ok());
    }
}
