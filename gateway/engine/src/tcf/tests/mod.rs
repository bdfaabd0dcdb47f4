//! TC strings and the GVL against the IAB's published examples, the reference libraries'
//! test vectors and what the reference encoder writes (`testdata/SOURCES.md` says where
//! each comes from).

mod gvl;
mod malformed;
mod model;
mod reference;
mod vectors;

use super::{IdBits, VendorSet};

/// A set from the run notation the test data uses: `1-4,7,9-10` (empty for none).
fn set(runs: &str) -> VendorSet {
    let mut set = VendorSet::new();
    for part in runs.split(',').filter(|p| !p.is_empty()) {
        let (first, last) = part.split_once('-').unwrap_or((part, part));
        let first: u16 = first.parse().expect("a vendor id");
        let last: u16 = last.parse().expect("a vendor id");
        assert!(set.insert_range(first..=last), "{part}");
    }
    set
}

/// The run notation of a set, as the test data writes it.
fn runs(set: &VendorSet) -> String {
    set.runs()
        .map(|r| {
            if r.start() == r.end() {
                r.start().to_string()
            } else {
                format!("{}-{}", r.start(), r.end())
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The run notation of small ids.
fn bit_runs(bits: IdBits) -> String {
    runs(&bits.iter().map(u16::from).collect())
}
