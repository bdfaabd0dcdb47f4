//! The GPP header: `Type` (6 bits, always 3), `Version` (6 bits, 1) and the ids of the
//! sections that follow, as a Fibonacci-coded range: a 12-bit count of entries, then per
//! entry a bit (0 one id, 1 a run of ids), the offset from the last id written (Fibonacci) and,
//! for a run, its length less one (Fibonacci).

use super::bits::{BitReader, BitWriter};
use super::GppError;

/// The header's `Type`: what makes a string a GPP string (`D` as its first character).
const HEADER_TYPE: u64 = 3;
/// The only GPP version.
const GPP_VERSION: u64 = 1;
/// The largest count the range's 12-bit count holds.
const MAX_ENTRIES: usize = (1 << 12) - 1;

/// The header for these section ids, which must be strictly increasing and at least 1.
pub(super) fn encode(ids: &[u16]) -> Result<String, GppError> {
    // Runs of consecutive ids: (first, last).
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for &id in ids {
        match runs.last_mut() {
            Some((_, last)) if u32::from(id) == u32::from(*last) + 1 => *last = id,
            _ => runs.push((id, id)),
        }
    }
    if runs.len() > MAX_ENTRIES {
        // Unreachable with real section ids; refused rather than written wrong.
        return Err(GppError::NumberTooLarge);
    }
    let mut w = BitWriter::new();
    w.push(HEADER_TYPE, 6);
    w.push(GPP_VERSION, 6);
    w.push(runs.len() as u64, 12);
    let mut offset = 0u64;
    for (first, last) in runs {
        let (first, last) = (u64::from(first), u64::from(last));
        w.push_bool(first != last);
        w.push_fibonacci(first - offset);
        if first != last {
            w.push_fibonacci(last - first);
        }
        offset = last;
    }
    Ok(w.finish())
}

/// The section ids a header lists, in order. A header that lists more than `limit` ids is
/// refused as soon as that shows, so a forged run cannot make a long list.
pub(super) fn decode(text: &str, limit: usize) -> Result<Vec<u16>, GppError> {
    let mut r = BitReader::new(text, "header")?;
    let kind = r.read(6)?;
    if kind != HEADER_TYPE {
        return Err(GppError::NotGpp(kind));
    }
    let version = r.read(6)?;
    if version != GPP_VERSION {
        return Err(GppError::UnsupportedGppVersion(version));
    }
    let entries = r.read(12)?;
    let too_many = |listed| GppError::SectionCount {
        listed,
        found: limit,
    };
    let mut ids = Vec::new();
    let mut offset = 0u64;
    for _ in 0..entries {
        let run = r.read_bool()?;
        let first = offset
            .checked_add(r.read_fibonacci()?)
            .ok_or(GppError::NumberTooLarge)?;
        let last = if run {
            first
                .checked_add(r.read_fibonacci()?)
                .ok_or(GppError::NumberTooLarge)?
        } else {
            first
        };
        let first_id = u16::try_from(first).map_err(|_| GppError::NumberTooLarge)?;
        let last_id = u16::try_from(last).map_err(|_| GppError::NumberTooLarge)?;
        let listed = ids.len() + usize::from(last_id - first_id) + 1;
        if listed > limit {
            return Err(too_many(listed));
        }
        ids.extend(first_id..=last_id);
        offset = last;
    }
    Ok(ids)
}
