//! Sets of vendor ids, and the vendor sections of a TC string that carry them: a
//! `MaxVendorId`, then either one bit per vendor or a list of ranges.
//!
//! A set is kept as sorted runs of consecutive ids, so its memory follows what a string
//! wrote, not the ids it spans: a forged range entry `1-65535` is one run, not 65,535 ids.

use std::fmt;
use std::ops::RangeInclusive;

use super::bits::{BitReader, BitWriter};
use super::error::{Segment, TcEncodeError, TcStringError};

/// The largest count a 12-bit `NumEntries` holds.
pub(crate) const MAX_ENTRIES: usize = 4095;

/// A set of vendor ids (1 to 65535, as the GVL numbers vendors).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct VendorSet {
    /// Sorted, disjoint and not adjacent: `(first, last)`, inclusive.
    runs: Vec<(u16, u16)>,
}

impl VendorSet {
    /// The empty set.
    pub const fn new() -> VendorSet {
        VendorSet { runs: Vec::new() }
    }

    /// Whether `id` is in the set.
    pub fn contains(&self, id: u16) -> bool {
        let after = self.runs.partition_point(|&(first, _)| first <= id);
        after > 0
            && self
                .runs
                .get(after - 1)
                .is_some_and(|&(_, last)| id <= last)
    }

    /// Adds `id`; `false` for 0, which no vendor has.
    pub fn insert(&mut self, id: u16) -> bool {
        self.insert_range(id..=id)
    }

    /// Adds every id in `ids`; `false` (and nothing added) when the range is empty or
    /// starts at 0.
    pub fn insert_range(&mut self, ids: RangeInclusive<u16>) -> bool {
        let (first, last) = (*ids.start(), *ids.end());
        if first == 0 || last < first {
            return false;
        }
        // The runs that overlap or touch [first, last] are merged with it.
        let start = self
            .runs
            .partition_point(|&(_, l)| u32::from(l) + 1 < u32::from(first));
        let end = self
            .runs
            .partition_point(|&(f, _)| u32::from(f) <= u32::from(last) + 1);
        let merged = match (
            self.runs.get(start),
            end.checked_sub(1).and_then(|e| self.runs.get(e)),
        ) {
            (Some(&(f, _)), Some(&(_, l))) if start < end => (f.min(first), l.max(last)),
            _ => (first, last),
        };
        self.runs.splice(start..end.max(start), [merged]);
        true
    }

    /// Takes `id` out; whether it was in.
    pub fn remove(&mut self, id: u16) -> bool {
        let after = self.runs.partition_point(|&(first, _)| first <= id);
        let Some(index) = after.checked_sub(1) else {
            return false;
        };
        let Some(&(first, last)) = self.runs.get(index) else {
            return false;
        };
        if id > last {
            return false;
        }
        let mut pieces = Vec::with_capacity(2);
        if first < id {
            pieces.push((first, id - 1));
        }
        if id < last {
            pieces.push((id + 1, last));
        }
        self.runs.splice(index..=index, pieces);
        true
    }

    /// How many vendors are in the set.
    pub fn len(&self) -> usize {
        self.runs
            .iter()
            .map(|&(first, last)| usize::from(last - first) + 1)
            .sum()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Adds every id of `other`.
    pub fn union(&mut self, other: &VendorSet) {
        let mut ranges = std::mem::take(&mut self.runs);
        ranges.extend_from_slice(&other.runs);
        *self = VendorSet::from_ranges(ranges);
    }

    /// The highest id in the set.
    pub fn max(&self) -> Option<u16> {
        self.runs.last().map(|&(_, last)| last)
    }

    /// The ids, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.runs.iter().flat_map(|&(first, last)| first..=last)
    }

    /// The runs of consecutive ids, ascending: what a range encoding writes.
    pub fn runs(&self) -> impl ExactSizeIterator<Item = RangeInclusive<u16>> + '_ {
        self.runs.iter().map(|&(first, last)| first..=last)
    }

    /// A set from ranges in any order, overlapping or not; each is valid (`1 <= first <=
    /// last`).
    fn from_ranges(mut ranges: Vec<(u16, u16)>) -> VendorSet {
        ranges.sort_unstable();
        let mut runs: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
        for (first, last) in ranges {
            match runs.last_mut() {
                Some(run) if u32::from(first) <= u32::from(run.1) + 1 => run.1 = run.1.max(last),
                _ => runs.push((first, last)),
            }
        }
        VendorSet { runs }
    }
}

impl FromIterator<u16> for VendorSet {
    /// Ids in any order; 0 is left out.
    fn from_iter<I: IntoIterator<Item = u16>>(ids: I) -> VendorSet {
        VendorSet::from_ranges(
            ids.into_iter()
                .filter(|&id| id > 0)
                .map(|id| (id, id))
                .collect(),
        )
    }
}

impl Extend<u16> for VendorSet {
    fn extend<I: IntoIterator<Item = u16>>(&mut self, ids: I) {
        let mut ranges = std::mem::take(&mut self.runs);
        ranges.extend(ids.into_iter().filter(|&id| id > 0).map(|id| (id, id)));
        *self = VendorSet::from_ranges(ranges);
    }
}

impl fmt::Debug for VendorSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, &(first, last)) in self.runs.iter().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            if first == last {
                write!(f, "{sep}{first}")?;
            } else {
                write!(f, "{sep}{first}-{last}")?;
            }
        }
        f.write_str("}")
    }
}

/// How a vendor section writes its ids (`IsRangeEncoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VendorEncoding {
    /// One bit per vendor from 1 to `MaxVendorId` (`IsRangeEncoding` 0).
    Bitfield,
    /// A count, then single ids and ranges (`IsRangeEncoding` 1).
    Range,
}

/// A vendor section of a TC string: vendor consents, vendor legitimate interests, disclosed
/// vendors or allowed vendors. `MaxVendorId` and `IsRangeEncoding` are kept as a decoded
/// string had them, so that it encodes back to the same bits; a model built by hand leaves
/// them at their defaults and the encoder works them out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct VendorVector {
    /// The vendors in the section.
    pub vendors: VendorSet,
    /// `MaxVendorId` as read (raised to the highest vendor if a range entry went past it).
    /// The encoder writes the larger of this and the highest vendor, so 0 (the default)
    /// means "the highest vendor".
    pub max_vendor_id: u16,
    /// `IsRangeEncoding` as read. `None` (the default) lets the encoder choose the shorter
    /// encoding the way the IAB's reference encoder does (see [`VendorVector::encoding_for`]).
    pub encoding: Option<VendorEncoding>,
}

impl VendorVector {
    /// A section holding `vendors`, encoded as the encoder chooses.
    pub fn new(vendors: VendorSet) -> VendorVector {
        VendorVector {
            vendors,
            max_vendor_id: 0,
            encoding: None,
        }
    }

    /// Whether `id` is in the section.
    pub fn contains(&self, id: u16) -> bool {
        self.vendors.contains(id)
    }

    /// The `MaxVendorId` the encoder writes.
    pub fn encoded_max_vendor_id(&self) -> u16 {
        self.max_vendor_id.max(self.vendors.max().unwrap_or(0))
    }

    /// The encoding the encoder writes: the one read, or else the choice of the IAB's
    /// reference encoder (`iabtcf-es`, `VendorVectorEncoder.encode`). That choice is a
    /// bitfield up to `MaxVendorId` 45, and above it a range encoding when the range
    /// encoding's length, as the reference counts it while walking the ids, is below the
    /// bitfield's. The reference counts a single-id entry as 16 bits (it is 17) and checks
    /// before adding the last entry's end, so it can pick a range encoding a few bits longer
    /// than the bitfield; we count the same way, so that our strings are its strings.
    pub fn encoding_for(&self) -> VendorEncoding {
        if let Some(encoding) = self.encoding {
            return encoding;
        }
        let max_id = self.encoded_max_vendor_id();
        // maxId (16) + IsRangeEncoding (1): both encodings start with them.
        let header = 17u64;
        let bitfield = header + u64::from(max_id);
        // The reference's threshold: 2 vendor ids + IsARange + NumEntries.
        if max_id <= 45 || self.vendors.runs.len() > MAX_ENTRIES {
            return VendorEncoding::Bitfield;
        }
        let mut counted = header + 12;
        for &(first, last) in &self.vendors.runs {
            if first == last {
                // Counted when the id is passed, which the last id never is before the check.
                if first < max_id {
                    counted += 16;
                }
            } else {
                counted += 17;
                if last < max_id {
                    counted += 16;
                }
            }
        }
        if counted < bitfield {
            VendorEncoding::Range
        } else {
            VendorEncoding::Bitfield
        }
    }
}

impl From<VendorSet> for VendorVector {
    fn from(vendors: VendorSet) -> VendorVector {
        VendorVector::new(vendors)
    }
}

impl FromIterator<u16> for VendorVector {
    fn from_iter<I: IntoIterator<Item = u16>>(ids: I) -> VendorVector {
        VendorVector::new(ids.into_iter().collect())
    }
}

/// Reads a field, turning the end of the segment into [`TcStringError::Truncated`].
pub(crate) fn field(
    r: &mut BitReader,
    bits: u32,
    segment: Segment,
    field: &'static str,
) -> Result<u64, TcStringError> {
    r.read(bits)
        .ok_or(TcStringError::Truncated { segment, field })
}

/// Reads a vendor section: `MaxVendorId`, `IsRangeEncoding`, then the bitfield or ranges.
pub(crate) fn read_vector(
    r: &mut BitReader,
    segment: Segment,
    name: &'static str,
) -> Result<VendorVector, TcStringError> {
    let max_vendor_id = field(r, 16, segment, name)? as u16;
    let is_range = field(r, 1, segment, name)? == 1;
    let vendors = if is_range {
        read_ranges(r, segment, name)?
    } else {
        if r.remaining() < usize::from(max_vendor_id) {
            return Err(TcStringError::Truncated {
                segment,
                field: name,
            });
        }
        let mut runs: Vec<(u16, u16)> = Vec::new();
        for id in 1..=max_vendor_id {
            if field(r, 1, segment, name)? == 1 {
                match runs.last_mut() {
                    Some(run) if run.1 + 1 == id => run.1 = id,
                    _ => runs.push((id, id)),
                }
            }
        }
        VendorSet { runs }
    };
    // A range entry past MaxVendorId is out of order; we read it, and the section then
    // reaches the highest vendor it holds, as the encoder would write it.
    let max_vendor_id = max_vendor_id.max(vendors.max().unwrap_or(0));
    Ok(VendorVector {
        vendors,
        max_vendor_id,
        encoding: Some(if is_range {
            VendorEncoding::Range
        } else {
            VendorEncoding::Bitfield
        }),
    })
}

/// Reads `NumEntries` and its range entries (`IsARange`, `StartOrOnlyVendorId`,
/// `EndVendorId`), as vendor sections and publisher restrictions write them.
pub(crate) fn read_ranges(
    r: &mut BitReader,
    segment: Segment,
    name: &'static str,
) -> Result<VendorSet, TcStringError> {
    let entries = field(r, 12, segment, name)? as usize;
    let mut ranges = Vec::with_capacity(entries.min(r.remaining() / 17));
    for _ in 0..entries {
        let is_range = field(r, 1, segment, name)? == 1;
        let first = field(r, 16, segment, name)? as u16;
        let last = if is_range {
            field(r, 16, segment, name)? as u16
        } else {
            first
        };
        if first == 0 || last < first {
            return Err(TcStringError::InvalidRange {
                field: name,
                first,
                last,
            });
        }
        ranges.push((first, last));
    }
    Ok(VendorSet::from_ranges(ranges))
}

/// Writes a vendor section.
pub(crate) fn write_vector(
    w: &mut BitWriter,
    vector: &VendorVector,
    name: &'static str,
) -> Result<(), TcEncodeError> {
    let max_id = vector.encoded_max_vendor_id();
    let encoding = vector.encoding_for();
    w.write(u64::from(max_id), 16);
    w.write_bool(encoding == VendorEncoding::Range);
    match encoding {
        VendorEncoding::Range => write_ranges(w, &vector.vendors, name)?,
        VendorEncoding::Bitfield => {
            let mut next = 1u32;
            for &(first, last) in &vector.vendors.runs {
                for _ in next..u32::from(first) {
                    w.write_bool(false);
                }
                for _ in first..=last {
                    w.write_bool(true);
                }
                next = u32::from(last) + 1;
            }
            for _ in next..=u32::from(max_id) {
                w.write_bool(false);
            }
        }
    }
    Ok(())
}

/// Writes `NumEntries` and one entry per run of consecutive ids.
pub(crate) fn write_ranges(
    w: &mut BitWriter,
    vendors: &VendorSet,
    name: &'static str,
) -> Result<(), TcEncodeError> {
    if vendors.runs.len() > MAX_ENTRIES {
        return Err(TcEncodeError::TooManyEntries {
            field: name,
            entries: vendors.runs.len(),
        });
    }
    w.write(vendors.runs.len() as u64, 12);
    for &(first, last) in &vendors.runs {
        w.write_bool(first != last);
        w.write(u64::from(first), 16);
        if first != last {
            w.write(u64::from(last), 16);
        }
    }
    Ok(())
}
