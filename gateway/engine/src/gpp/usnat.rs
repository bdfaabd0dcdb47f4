//! The MSPA US National section (`usnat`, id 7): the "National Approach" to the US state
//! privacy laws, one section whatever the state.
//!
//! Version 2 of the section (October 2024) is what this module writes by default: it has 16
//! sensitive-data entries and 3 known-child entries, where version 1 (December 2022) had 12
//! and 2. Both are read and written; version 1 is kept for strings written before.

use super::bits::BitWriter;
use super::segment;
use super::values::{put, put_mspa, Consent, Mspa, Notice, OptOut, TwoBit};
use super::GppError;

/// The version of the US National section's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UsNatVersion {
    /// Version 1: 12 sensitive-data entries, 2 known-child entries.
    V1,
    /// Version 2: 16 sensitive-data entries, 3 known-child entries.
    #[default]
    V2,
}

/// The US National section's fields, in the order of the string.
///
/// The default is the section with every field "not applicable", version 2, a publisher that
/// has not signed the MSPA, and no GPC sub-section.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct UsNat {
    /// The layout's version.
    pub version: UsNatVersion,
    /// `SharingNotice`: notice describing the processing of personal information.
    pub sharing_notice: Notice,
    /// `SaleOptOutNotice`: notice of the opportunity to opt out of the sale.
    pub sale_opt_out_notice: Notice,
    /// `SharingOptOutNotice`: notice of the opportunity to opt out of sharing.
    pub sharing_opt_out_notice: Notice,
    /// `TargetedAdvertisingOptOutNotice`: notice of the opportunity to opt out of targeted
    /// advertising.
    pub targeted_advertising_opt_out_notice: Notice,
    /// `SensitiveDataProcessingOptOutNotice`.
    pub sensitive_data_processing_opt_out_notice: Notice,
    /// `SensitiveDataLimitUseNotice`.
    pub sensitive_data_limit_use_notice: Notice,
    /// `SaleOptOut`.
    pub sale_opt_out: OptOut,
    /// `SharingOptOut`.
    pub sharing_opt_out: OptOut,
    /// `TargetedAdvertisingOptOut`.
    pub targeted_advertising_opt_out: OptOut,
    /// `SensitiveDataProcessing`: consent per category of sensitive data, in the
    /// specification's order (1: racial or ethnic origin, ... 16: transgender or nonbinary
    /// status). Version 1 has only the first 12; the rest must then be "not applicable".
    pub sensitive_data_processing: [Consent; 16],
    /// `KnownChildSensitiveDataConsents`: consent for a known child aged 13 to 16, under 13,
    /// and 16 to 17. Version 1 has only the first 2.
    pub known_child_sensitive_data_consents: [Consent; 3],
    /// `PersonalDataConsents`: consent to processing beyond the secondary use limitations.
    pub personal_data_consents: Consent,
    /// The three MSPA fields.
    pub mspa: Mspa,
    /// The GPC sub-section's `Gpc` flag; `None` when the string has no GPC sub-section.
    pub gpc: Option<bool>,
}

/// Entries in version 1's lists.
const V1_SENSITIVE: usize = 12;
const V1_CHILD: usize = 2;

impl UsNat {
    /// The section as the GPP CMP API's `parsedSections` reports it: the core sub-section's
    /// fields by their names in the specification, then the GPC sub-section when present.
    pub fn parsed(&self) -> serde_json::Value {
        let list = |values: &[Consent]| -> Vec<u8> { values.iter().map(|v| v.bits()).collect() };
        let mut core = serde_json::json!({
            "Version": match self.version { UsNatVersion::V1 => 1, UsNatVersion::V2 => 2 },
            "SharingNotice": self.sharing_notice.bits(),
            "SaleOptOutNotice": self.sale_opt_out_notice.bits(),
            "SharingOptOutNotice": self.sharing_opt_out_notice.bits(),
            "TargetedAdvertisingOptOutNotice": self.targeted_advertising_opt_out_notice.bits(),
            "SensitiveDataProcessingOptOutNotice": self.sensitive_data_processing_opt_out_notice.bits(),
            "SensitiveDataLimitUseNotice": self.sensitive_data_limit_use_notice.bits(),
            "SaleOptOut": self.sale_opt_out.bits(),
            "SharingOptOut": self.sharing_opt_out.bits(),
            "TargetedAdvertisingOptOut": self.targeted_advertising_opt_out.bits(),
            "SensitiveDataProcessing": list(&self.sensitive_data_processing),
            "KnownChildSensitiveDataConsents": list(&self.known_child_sensitive_data_consents),
            "PersonalDataConsents": self.personal_data_consents.bits(),
            "MspaCoveredTransaction": self.mspa.covered_transaction.bits(),
            "MspaOptOutOptionMode": self.mspa.opt_out_option_mode.bits(),
            "MspaServiceProviderMode": self.mspa.service_provider_mode.bits(),
        });
        let mut parts = Vec::new();
        if let (Some(gpc), Some(fields)) = (self.gpc, core.as_object_mut()) {
            fields.insert("GpcSegmentType".into(), 1.into());
            fields.insert("Gpc".into(), gpc.into());
            parts.push(core);
            parts.push(serde_json::json!({"SubsectionType": 1, "Gpc": gpc}));
        } else {
            parts.push(core);
        }
        serde_json::Value::Array(parts)
    }

    /// The section's id in the GPP header.
    pub const ID: u16 = 7;
    /// The section's name in the CMP API (`__gpp`).
    pub const NAME: &'static str = "usnat";

    /// The section read from its text (`CVVVkkkkkpFY.YA`).
    ///
    /// As the IAB's reference library does, the layout follows the core segment's length: 60
    /// or 66 bits are version 1's lists, anything else version 2's, so a string that an
    /// earlier library wrote with version 1 in its version field but version 2's lists still
    /// reads. A version-1 section keeps only version 1's entries.
    pub fn decode(text: &str) -> Result<UsNat, GppError> {
        let (mut f, gpc) = segment::open(text, Self::NAME, true)?;
        let version = match f.int(6)? {
            1 => UsNatVersion::V1,
            2 => UsNatVersion::V2,
            version => {
                return Err(GppError::UnsupportedVersion {
                    section: Self::NAME,
                    version,
                })
            }
        };
        let short_lists = matches!(f.len(), 60 | 66);
        let mut section = UsNat {
            version,
            sharing_notice: f.get("SharingNotice")?,
            sale_opt_out_notice: f.get("SaleOptOutNotice")?,
            sharing_opt_out_notice: f.get("SharingOptOutNotice")?,
            targeted_advertising_opt_out_notice: f.get("TargetedAdvertisingOptOutNotice")?,
            sensitive_data_processing_opt_out_notice: f
                .get("SensitiveDataProcessingOptOutNotice")?,
            sensitive_data_limit_use_notice: f.get("SensitiveDataLimitUseNotice")?,
            sale_opt_out: f.get("SaleOptOut")?,
            sharing_opt_out: f.get("SharingOptOut")?,
            targeted_advertising_opt_out: f.get("TargetedAdvertisingOptOut")?,
            ..UsNat::default()
        };
        let (sensitive, child) = if short_lists {
            (V1_SENSITIVE, V1_CHILD)
        } else {
            (16, 3)
        };
        for entry in &mut section.sensitive_data_processing[..sensitive] {
            *entry = f.get("SensitiveDataProcessing")?;
        }
        for entry in &mut section.known_child_sensitive_data_consents[..child] {
            *entry = f.get("KnownChildSensitiveDataConsents")?;
        }
        section.personal_data_consents = f.get("PersonalDataConsents")?;
        section.mspa = f.mspa()?;
        section.gpc = gpc;
        if version == UsNatVersion::V1 {
            section.sensitive_data_processing[V1_SENSITIVE..].fill(Consent::NotApplicable);
            section.known_child_sensitive_data_consents[V1_CHILD..].fill(Consent::NotApplicable);
        }
        Ok(section)
    }

    /// The section's text. Version 1 refuses entries it has no room for.
    pub fn encode(&self) -> Result<String, GppError> {
        let (sensitive, child, version) = match self.version {
            UsNatVersion::V1 => (V1_SENSITIVE, V1_CHILD, 1),
            UsNatVersion::V2 => (16, 3, 2),
        };
        let unset = |entries: &[Consent]| entries.iter().all(|&c| c == Consent::NotApplicable);
        if !unset(&self.sensitive_data_processing[sensitive..]) {
            return Err(self.not_in_version("SensitiveDataProcessing"));
        }
        if !unset(&self.known_child_sensitive_data_consents[child..]) {
            return Err(self.not_in_version("KnownChildSensitiveDataConsents"));
        }
        let mut w = BitWriter::new();
        w.push(version, 6);
        put(&mut w, self.sharing_notice);
        put(&mut w, self.sale_opt_out_notice);
        put(&mut w, self.sharing_opt_out_notice);
        put(&mut w, self.targeted_advertising_opt_out_notice);
        put(&mut w, self.sensitive_data_processing_opt_out_notice);
        put(&mut w, self.sensitive_data_limit_use_notice);
        put(&mut w, self.sale_opt_out);
        put(&mut w, self.sharing_opt_out);
        put(&mut w, self.targeted_advertising_opt_out);
        for &entry in &self.sensitive_data_processing[..sensitive] {
            put(&mut w, entry);
        }
        for &entry in &self.known_child_sensitive_data_consents[..child] {
            put(&mut w, entry);
        }
        put(&mut w, self.personal_data_consents);
        put_mspa(&mut w, &self.mspa, Self::NAME)?;
        Ok(segment::close(w, self.gpc))
    }

    fn not_in_version(&self, field: &'static str) -> GppError {
        GppError::NotInSection {
            section: Self::NAME,
            field,
        }
    }
}
