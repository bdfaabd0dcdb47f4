//! The bits of one TC string segment: the consent strings' base64url bit stream
//! ([`crate::bits`]), padded as TC strings are.

pub(crate) use crate::bits::{BitReader, BitWriter};

/// TC string segments are padded with zeros to a multiple of 24 bits (four characters), as
/// the IAB's reference encoder (`iabtcf-es`, `Base64Url.encode`) does.
pub(crate) const PADDING: &[usize] = &[24];
