//! Looking up a feature's weights: an open-addressing index over the generated table, built once,
//! so that a lookup is one or two probes rather than a binary search.

use std::sync::LazyLock;

use super::weights::{KEYS, WEIGHTS};

/// Marks an empty slot.
const EMPTY: u32 = u32::MAX;

/// Slots holding indexes into `KEYS`, at most half full.
struct Index {
    slots: Box<[u32]>,
    mask: usize,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let size = (KEYS.len() * 2).next_power_of_two().max(2);
    let mask = size - 1;
    let mut slots = vec![EMPTY; size].into_boxed_slice();
    for (i, &key) in KEYS.iter().enumerate() {
        let mut slot = home(key, mask);
        while slots[slot] != EMPTY {
            slot = (slot + 1) & mask;
        }
        slots[slot] = u32::try_from(i).unwrap_or(EMPTY);
    }
    Index { slots, mask }
});

/// A key's first slot. The keys are FNV-1a hashes; a multiplicative step spreads their low bits.
fn home(key: u32, mask: usize) -> usize {
    (key.wrapping_mul(0x9e37_79b1) >> 8) as usize & mask
}

/// The weights of the feature `key` in thousandths, if the fit gave it any.
pub(super) fn weights(key: u32) -> Option<[i16; 3]> {
    let index = &*INDEX;
    let mut slot = home(key, index.mask);
    loop {
        let i = *index.slots.get(slot)? as usize;
        if *KEYS.get(i)? == key {
            return WEIGHTS.get(i).copied();
        }
        slot = (slot + 1) & index.mask;
    }
}
