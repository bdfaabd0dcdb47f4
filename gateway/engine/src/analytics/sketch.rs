//! Distinct-visitor counts without identifiers: a HyperLogLog++ sketch (the
//! `hyperloglogplus` crate) fed with salted visitor hashes, stored as text and merged across
//! flushes, days and gateways.

use std::hash::{BuildHasher, Hasher};

use base64::Engine as _;
use hyperloglogplus::{HyperLogLog, HyperLogLogPlus};
use serde::{Deserialize, Serialize};

/// The sketch's precision: 2^14 registers, a standard error of 1.04 / √16384 ≈ 0.81% once
/// dense; below a few thousand visitors the sparse form counts almost exactly.
pub const PRECISION: u8 = 14;

/// The relative standard error of [`Sketch::estimate`] on large counts.
pub const STANDARD_ERROR: f64 = 0.0081;

/// What goes into a sketch is already a keyed hash (see [`super::salt`]); hashing it again
/// would add nothing, so the sketch's hasher passes the 64 bits through.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct PassThrough;

/// The hasher of [`PassThrough`].
#[derive(Debug, Default)]
pub struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64`s are inserted; this keeps any other input well mixed all the same.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

impl BuildHasher for PassThrough {
    type Hasher = PassThroughHasher;

    fn build_hasher(&self) -> PassThroughHasher {
        PassThroughHasher(0)
    }
}

/// A stored sketch that does not read back.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unreadable visitor sketch: {0}")]
pub struct BadSketch(String);

/// A mergeable estimate of distinct visitors.
#[derive(Clone, Debug)]
pub struct Sketch(HyperLogLogPlus<u64, PassThrough>);

impl Default for Sketch {
    fn default() -> Self {
        Sketch::new()
    }
}

impl Sketch {
    /// An empty sketch.
    pub fn new() -> Sketch {
        // PRECISION is within the 4..=18 the crate accepts, so this cannot fail.
        match HyperLogLogPlus::new(PRECISION, PassThrough) {
            Ok(hll) => Sketch(hll),
            Err(e) => unreachable!("precision {PRECISION} is valid: {e}"),
        }
    }

    /// Adds one visitor hash.
    pub fn insert(&mut self, visitor: u64) {
        self.0.insert(&visitor);
    }

    /// Adds every visitor of `other`.
    pub fn merge(&mut self, other: &Sketch) {
        // Both sketches have the same precision, the only way merging can fail.
        if let Err(e) = self.0.merge(&other.0) {
            tracing::error!(error = %e, "visitor sketches of different precision");
        }
    }

    /// The estimated number of distinct visitors.
    pub fn estimate(&self) -> u64 {
        // Counting folds pending inserts in, so it needs a copy it may change.
        self.0.clone().count().round() as u64
    }

    /// The sketch as text for the store (postcard, base64).
    pub fn to_text(&self) -> String {
        // Counting folds pending inserts into the sparse list, which makes the text smaller.
        let mut hll = self.0.clone();
        hll.count();
        match postcard::to_allocvec(&hll) {
            Ok(bytes) => base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes),
            Err(e) => unreachable!("a sketch always serialises: {e}"),
        }
    }

    /// Reads a sketch written by [`Sketch::to_text`].
    pub fn from_text(text: &str) -> Result<Sketch, BadSketch> {
        if text.is_empty() {
            return Ok(Sketch::new());
        }
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(text)
            .map_err(|e| BadSketch(e.to_string()))?;
        let hll: HyperLogLogPlus<u64, PassThrough> =
            postcard::from_bytes(&bytes).map_err(|e| BadSketch(e.to_string()))?;
        Ok(Sketch(hll))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn visitor(i: u64) -> u64 {
        let digest = Sha256::digest(i.to_le_bytes());
        u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
    }

    #[test]
    fn small_counts_are_exact_and_survive_the_store() {
        let mut sketch = Sketch::new();
        for i in 0..37 {
            sketch.insert(visitor(i));
            sketch.insert(visitor(i));
        }
        assert_eq!(sketch.estimate(), 37);
        let text = sketch.to_text();
        let back = Sketch::from_text(&text).expect("reads back");
        assert_eq!(back.estimate(), 37);
        assert!(Sketch::from_text("not a sketch!").is_err());
    }

    #[test]
    fn large_counts_stay_within_three_standard_errors_and_merge() {
        let mut a = Sketch::new();
        let mut b = Sketch::new();
        for i in 0..60_000 {
            a.insert(visitor(i));
        }
        for i in 40_000..100_000 {
            b.insert(visitor(i));
        }
        let mut a_text = Sketch::from_text(&a.to_text()).expect("reads back");
        a_text.merge(&b);
        let estimate = a_text.estimate() as f64;
        let error = (estimate - 100_000.0).abs() / 100_000.0;
        assert!(error < 3.0 * STANDARD_ERROR, "estimate {estimate}");
    }
}
