//! What a TC string says, field by field, as the IAB's "Consent string and vendor list
//! formats" (TCF v2.3) names the fields.

use std::fmt;

use super::vendors::{VendorSet, VendorVector};

/// The TCF policy version of TCF v2.3, written as `TcfPolicyVersion`.
pub const TCF_POLICY_VERSION: u8 = 5;

/// `Created` of the first day on which a string under policy version 5 or later must carry
/// the disclosed vendors segment: 28 February 2026, 00:00 UTC, in deciseconds.
pub const DISCLOSED_VENDORS_MANDATORY_FROM: u64 = 17_722_368_000;

/// `Created` and `LastUpdated` for a string last updated at `unix_seconds`: since TCF v2.2
/// both hold the start of that day (UTC), in deciseconds since the Unix epoch.
pub const fn day_deciseconds(unix_seconds: u64) -> u64 {
    (unix_seconds - unix_seconds % 86_400) * 10
}

/// A small set of ids from 1 to 64, one bit each: purposes (24 in a TC string), special
/// features (12), custom purposes (up to 63).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct IdBits(u64);

impl IdBits {
    /// The empty set.
    pub const fn new() -> IdBits {
        IdBits(0)
    }

    /// Whether `id` is in the set.
    pub const fn contains(self, id: u8) -> bool {
        id >= 1 && id <= 64 && self.0 & (1 << (id - 1)) != 0
    }

    /// Adds `id`; `false` when it is outside 1 to 64.
    pub fn insert(&mut self, id: u8) -> bool {
        if !(1..=64).contains(&id) {
            return false;
        }
        self.0 |= 1 << (id - 1);
        true
    }

    /// Takes `id` out; whether it was in.
    pub fn remove(&mut self, id: u8) -> bool {
        let was = self.contains(id);
        if was {
            self.0 &= !(1 << (id - 1));
        }
        was
    }

    /// The ids, ascending.
    pub fn iter(self) -> impl Iterator<Item = u8> {
        (1..=64u8).filter(move |&id| self.contains(id))
    }

    /// How many ids are in the set.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The highest id, 0 for the empty set.
    pub const fn max(self) -> u8 {
        (64 - self.0.leading_zeros()) as u8
    }
}

impl FromIterator<u8> for IdBits {
    /// Ids in any order; those outside 1 to 64 are left out.
    fn from_iter<I: IntoIterator<Item = u8>>(ids: I) -> IdBits {
        let mut bits = IdBits::new();
        for id in ids {
            bits.insert(id);
        }
        bits
    }
}

impl fmt::Debug for IdBits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// A two-letter code as a TC string holds one, six bits a letter: the ISO 639-1
/// `ConsentLanguage` and the ISO 3166-1 alpha-2 `PublisherCC`. Kept upper case.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Alpha2([u8; 2]);

impl Alpha2 {
    /// English, the default `ConsentLanguage`.
    pub const EN: Alpha2 = Alpha2(*b"EN");
    /// `AA`, the reference library's `PublisherCC` when none is set (ISO 3166 keeps it
    /// unassigned).
    pub const AA: Alpha2 = Alpha2(*b"AA");

    /// Two ASCII letters in either case; `None` for anything else.
    pub fn new(code: &str) -> Option<Alpha2> {
        match code.as_bytes() {
            &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Alpha2([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    /// The letters as their six-bit values (`A` = 0).
    pub(crate) const fn values(self) -> [u8; 2] {
        [self.0[0] - b'A', self.0[1] - b'A']
    }

    /// From six-bit values; `Err` with the first one past 25.
    pub(crate) fn from_values(a: u8, b: u8) -> Result<Alpha2, u8> {
        match (a, b) {
            (0..=25, 0..=25) => Ok(Alpha2([b'A' + a, b'A' + b])),
            (0..=25, _) => Err(b),
            _ => Err(a),
        }
    }

    /// The code, upper case.
    pub fn as_str(&self) -> &str {
        // Always two ASCII letters, by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for Alpha2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Alpha2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// What a publisher restriction requires of the vendors it names (`RestrictionType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestrictionType {
    /// 0: the purpose is not allowed, whatever the vendor declares.
    NotAllowed,
    /// 1: consent is required (for a vendor declaring the purpose flexible, on legitimate
    /// interest by default).
    RequireConsent,
    /// 2: legitimate interest is required (for a vendor declaring the purpose flexible, on
    /// consent by default).
    RequireLegitimateInterest,
}

impl RestrictionType {
    /// The two-bit value.
    pub const fn value(self) -> u8 {
        match self {
            RestrictionType::NotAllowed => 0,
            RestrictionType::RequireConsent => 1,
            RestrictionType::RequireLegitimateInterest => 2,
        }
    }

    /// From the two-bit value; `None` for the undefined 3.
    pub const fn from_value(value: u8) -> Option<RestrictionType> {
        match value {
            0 => Some(RestrictionType::NotAllowed),
            1 => Some(RestrictionType::RequireConsent),
            2 => Some(RestrictionType::RequireLegitimateInterest),
            _ => None,
        }
    }
}

/// One `PubRestrictionEntry`: a purpose, a restriction type and the vendors it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublisherRestriction {
    /// The purpose (1 to 63 fit the 6-bit `PurposeId`).
    pub purpose_id: u8,
    /// What is required.
    pub restriction_type: RestrictionType,
    /// The vendors restricted, written as one range entry per run of consecutive ids.
    pub vendors: VendorSet,
}

/// The publisher TC segment: the publisher's own legal bases, for the TCF's purposes and
/// for custom purposes of its own.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PublisherTc {
    /// `PubPurposesConsent` (purposes 1 to 24).
    pub purposes_consent: IdBits,
    /// `PubPurposesLITransparency` (purposes 1 to 24).
    pub purposes_li_transparency: IdBits,
    /// `NumCustomPurposes` (0 to 63): the custom purposes are numbered 1 to this.
    pub num_custom_purposes: u8,
    /// `CustomPurposesConsent`.
    pub custom_purposes_consent: IdBits,
    /// `CustomPurposesLITransparency`.
    pub custom_purposes_li_transparency: IdBits,
}

/// Everything a TC string says: the core segment's fields, then the optional segments.
/// `Version` is not a field: it is always 2 (the decoder refuses any other, the encoder
/// writes 2).
///
/// [`TcModel::default`] is a TCF v2.3 string with nothing granted: policy version 5,
/// service-specific, English, publisher country `AA`, an empty disclosed vendors segment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TcModel {
    /// `Created`, deciseconds since the Unix epoch (36 bits). Since TCF v2.2 the day the
    /// string was last updated, as [`day_deciseconds`] gives it.
    pub created: u64,
    /// `LastUpdated`, deciseconds since the Unix epoch (36 bits); equal to `created`.
    pub last_updated: u64,
    /// `CmpId` (12 bits), assigned by IAB Europe.
    pub cmp_id: u16,
    /// `CmpVersion` (12 bits).
    pub cmp_version: u16,
    /// `ConsentScreen` (6 bits), the CMP's own screen number.
    pub consent_screen: u8,
    /// `ConsentLanguage`, ISO 639-1.
    pub consent_language: Alpha2,
    /// `VendorListVersion` (12 bits): the GVL's `vendorListVersion`.
    pub vendor_list_version: u16,
    /// `TcfPolicyVersion` (6 bits): the GVL's `tcfPolicyVersion`, 5 for TCF v2.3.
    pub tcf_policy_version: u8,
    /// `IsServiceSpecific`; must be true (global scope is gone).
    pub is_service_specific: bool,
    /// `UseNonStandardTexts`: the CMP changed standard texts.
    pub use_non_standard_texts: bool,
    /// `SpecialFeatureOptIns` (special features 1 to 12).
    pub special_feature_opt_ins: IdBits,
    /// `PurposesConsent` (purposes 1 to 24).
    pub purposes_consent: IdBits,
    /// `PurposesLITransparency` (purposes 1 to 24; 1 and 3 to 6 must stay unset).
    pub purposes_li_transparency: IdBits,
    /// `PurposeOneTreatment`: purpose 1 was not disclosed (see `publisher_cc`).
    pub purpose_one_treatment: bool,
    /// `PublisherCC`, ISO 3166-1 alpha-2.
    pub publisher_cc: Alpha2,
    /// The vendor consent section.
    pub vendor_consents: VendorVector,
    /// The vendor legitimate interest section.
    pub vendor_legitimate_interests: VendorVector,
    /// `PubRestrictionEntry` items, in order; a decoded string's entries for the same
    /// purpose and type are merged into one, as the reference library does (an entry that
    /// names no vendor is kept, though it restricts nothing).
    pub publisher_restrictions: Vec<PublisherRestriction>,
    /// The disclosed vendors segment; `None` when absent (allowed only for strings created
    /// before 28 February 2026 or under a policy version below 5).
    pub disclosed_vendors: Option<VendorVector>,
    /// The allowed vendors segment of the retired global scope; decoded so that old strings
    /// read whole, never needed in a new one.
    pub allowed_vendors: Option<VendorVector>,
    /// The publisher TC segment, if any.
    pub publisher_tc: Option<PublisherTc>,
}

impl Default for TcModel {
    fn default() -> TcModel {
        TcModel {
            created: 0,
            last_updated: 0,
            cmp_id: 0,
            cmp_version: 0,
            consent_screen: 0,
            consent_language: Alpha2::EN,
            vendor_list_version: 0,
            tcf_policy_version: TCF_POLICY_VERSION,
            is_service_specific: true,
            use_non_standard_texts: false,
            special_feature_opt_ins: IdBits::new(),
            purposes_consent: IdBits::new(),
            purposes_li_transparency: IdBits::new(),
            purpose_one_treatment: false,
            publisher_cc: Alpha2::AA,
            vendor_consents: VendorVector::default(),
            vendor_legitimate_interests: VendorVector::default(),
            publisher_restrictions: Vec::new(),
            disclosed_vendors: Some(VendorVector::default()),
            allowed_vendors: None,
            publisher_tc: None,
        }
    }
}

impl TcModel {
    /// Sets `Created` and `LastUpdated` to the day of `unix_seconds`, as TCF v2.2 and later
    /// require.
    pub fn set_updated(&mut self, unix_seconds: u64) {
        self.created = day_deciseconds(unix_seconds);
        self.last_updated = self.created;
    }

    /// The restrictions that name `vendor` for `purpose_id`.
    pub fn restrictions_for(
        &self,
        purpose_id: u8,
        vendor: u16,
    ) -> impl Iterator<Item = RestrictionType> + '_ {
        self.publisher_restrictions
            .iter()
            .filter(move |r| r.purpose_id == purpose_id && r.vendors.contains(vendor))
            .map(|r| r.restriction_type)
    }
}
