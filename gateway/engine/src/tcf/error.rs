//! Why a TC string could not be read or written.

use std::fmt;

/// A segment of a TC string, as its `SegmentType` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Segment {
    /// The core string (type 0), always first.
    Core,
    /// The vendors disclosed to the user (type 1), mandatory since TCF v2.3.
    DisclosedVendors,
    /// The vendors allowed by the publisher (type 2), from the retired global scope.
    AllowedVendors,
    /// The publisher's own purposes (type 3).
    PublisherTc,
}

impl Segment {
    /// The `SegmentType` value.
    pub const fn segment_type(self) -> u8 {
        match self {
            Segment::Core => 0,
            Segment::DisclosedVendors => 1,
            Segment::AllowedVendors => 2,
            Segment::PublisherTc => 3,
        }
    }

    pub(crate) const fn from_type(segment_type: u8) -> Option<Segment> {
        match segment_type {
            0 => Some(Segment::Core),
            1 => Some(Segment::DisclosedVendors),
            2 => Some(Segment::AllowedVendors),
            3 => Some(Segment::PublisherTc),
            _ => None,
        }
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Segment::Core => "core",
            Segment::DisclosedVendors => "disclosed vendors",
            Segment::AllowedVendors => "allowed vendors",
            Segment::PublisherTc => "publisher TC",
        })
    }
}

/// Why a string is not a TC string this decoder reads. Whatever a client sends, decoding
/// ends in a model or one of these, never a panic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TcStringError {
    /// The string is empty.
    #[error("the TC string is empty")]
    Empty,
    /// A segment between two dots (or at either end) is empty.
    #[error("segment {index} of the TC string is empty")]
    EmptySegment {
        /// The segment's position, from 0.
        index: usize,
    },
    /// A character outside the base64url alphabet (`=` padding at the end is tolerated).
    #[error("segment {index} of the TC string has a character that is not base64url at byte {at}")]
    InvalidCharacter {
        /// The segment's position, from 0.
        index: usize,
        /// The byte offset inside the segment.
        at: usize,
    },
    /// The core segment's `Version` is not 2: 1 is a TCF v1 consent string; 8 and above
    /// mean the string does not start with a core segment.
    #[error("TC string version {0} is not supported (only version 2 is)")]
    UnsupportedVersion(u8),
    /// A segment after the core has a `SegmentType` the specification does not define.
    #[error("unknown TC string segment type {0}")]
    UnknownSegment(u8),
    /// A segment type appears twice (a second core segment included).
    #[error("the {0} segment appears twice in the TC string")]
    DuplicateSegment(Segment),
    /// A segment ends inside a field: the string is truncated, or a length it declares (a
    /// `MaxVendorId`, a `NumEntries`) does not match what follows.
    #[error("the {segment} segment of the TC string ends inside {field}")]
    Truncated {
        /// The segment.
        segment: Segment,
        /// The field being read.
        field: &'static str,
    },
    /// A letter of `ConsentLanguage` or `PublisherCC` is past `z` (25).
    #[error("{field} holds {value}, which is not a letter (0 to 25)")]
    InvalidLetter {
        /// The field.
        field: &'static str,
        /// The six-bit value read.
        value: u8,
    },
    /// A range entry names vendor 0, or ends before it starts.
    #[error("{field} has an invalid vendor range entry {first} to {last}")]
    InvalidRange {
        /// The vendor section.
        field: &'static str,
        /// `StartOrOnlyVendorId`.
        first: u16,
        /// `EndVendorId` (the start again for a single id).
        last: u16,
    },
    /// A publisher restriction names purpose 0.
    #[error("a publisher restriction names purpose 0")]
    RestrictionPurposeZero,
    /// A publisher restriction has the undefined `RestrictionType` 3.
    #[error(
        "the publisher restriction for purpose {purpose_id} has the undefined restriction type 3"
    )]
    UndefinedRestrictionType {
        /// The purpose restricted.
        purpose_id: u8,
    },
}

/// Why a model cannot be written as a TC string: a value does not fit its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TcEncodeError {
    /// A number is larger than its field holds (`CmpId` and `CmpVersion` 12 bits,
    /// `ConsentScreen` 6, `VendorListVersion` 12, `TcfPolicyVersion` 6, `Created` and
    /// `LastUpdated` 36).
    #[error("{field} is {value}, more than its {bits} bits hold")]
    TooLarge {
        /// The field.
        field: &'static str,
        /// The value.
        value: u64,
        /// The field's width.
        bits: u8,
    },
    /// An id outside its field: a purpose past 24, a special feature past 12, a custom
    /// purpose past `NumCustomPurposes`, a restriction's purpose 0 or past 63.
    #[error("{field} names id {id}, outside 1 to {max}")]
    IdOutOfRange {
        /// The field.
        field: &'static str,
        /// The id.
        id: u8,
        /// The largest id the field holds.
        max: u8,
    },
    /// More range entries (or restrictions) than a 12-bit count holds (4095).
    #[error("{field} needs {entries} entries, more than the 4095 a TC string holds")]
    TooManyEntries {
        /// The field.
        field: &'static str,
        /// How many it needs.
        entries: usize,
    },
    /// A string created since 28 February 2026 under TCF policy version 5 or later must
    /// carry the disclosed vendors segment.
    #[error("a TC string of policy version {0} created since 28 February 2026 must carry the disclosed vendors segment")]
    MissingDisclosedVendors(u8),
}
