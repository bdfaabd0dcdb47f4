//! The IAB Transparency and Consent Framework (TCF v2.3): TC strings and the Global Vendor
//! List, free of I/O like the rest of the engine.
//!
//! A TC string is how ad tech reads a visitor's choices: base64url segments joined by `.`,
//! the core segment (purposes, vendor consents and legitimate interests, publisher
//! restrictions), then the disclosed vendors segment (mandatory since TCF v2.3 for strings
//! created from 28 February 2026), and optionally the publisher's own purposes.
//! [`decode`] reads one into a [`TcModel`], [`encode`] writes one; a malformed or forged
//! string is a [`TcStringError`], never a panic, and costs time and memory in proportion to
//! its length.
//!
//! The [`Gvl`] lists the purposes, features, stacks, data categories and the vendors with
//! what each declares; [`Gvl::translate`] puts a `purposes-xx.json` translation in place of
//! the English texts.
//!
//! The layout follows the IAB Tech Lab's "Consent string and vendor list formats v2" (in
//! `InteractiveAdvertisingBureau/GDPR-Transparency-and-Consent-Framework`); where that text
//! leaves a choice (which vendor encoding is shorter, padding), we do what the IAB's reference
//! encoder `iabtcf-es` does, so that the same model gives the same string. The test vectors
//! and their sources are in `testdata/` beside this file.

mod bits;
mod error;
pub mod gvl;
mod model;
mod tc_string;
mod vendors;

#[cfg(test)]
mod tests;

pub use error::{Segment, TcEncodeError, TcStringError};
pub use gvl::{Gvl, GvlError, GvlTranslation};
pub use model::{
    day_deciseconds, Alpha2, IdBits, PublisherRestriction, PublisherTc, RestrictionType, TcModel,
    DISCLOSED_VENDORS_MANDATORY_FROM, TCF_POLICY_VERSION,
};
pub use tc_string::{decode, encode};
pub use vendors::{VendorEncoding, VendorSet, VendorVector};
