//! The California section (`usca`, id 8, version 1): the CCPA as amended by the CPRA, where
//! "sharing" is cross-context behavioural advertising and sensitive data has a "limit the use"
//! opt-out rather than a consent.

use super::bits::BitWriter;
use super::segment;
use super::values::{put, put_mspa, Consent, Mspa, Notice, OptOut};
use super::GppError;

/// The California section's fields, in the order of the string.
///
/// The default has every field "not applicable", a publisher that has not signed the MSPA,
/// and no GPC sub-section.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct UsCa {
    /// `SaleOptOutNotice`.
    pub sale_opt_out_notice: Notice,
    /// `SharingOptOutNotice`.
    pub sharing_opt_out_notice: Notice,
    /// `SensitiveDataLimitUseNotice`.
    pub sensitive_data_limit_use_notice: Notice,
    /// `SaleOptOut`.
    pub sale_opt_out: OptOut,
    /// `SharingOptOut`.
    pub sharing_opt_out: OptOut,
    /// `SensitiveDataProcessing`: opt-outs of the use or disclosure of each of nine categories
    /// of sensitive personal information, in the specification's order (1: social security,
    /// driver's licence, state id or passport number, ... 9: sex life or sexual orientation).
    pub sensitive_data_processing: [OptOut; 9],
    /// `KnownChildSensitiveDataConsents`: consent to sell, and to share, the personal
    /// information of consumers under 16.
    pub known_child_sensitive_data_consents: [Consent; 2],
    /// `PersonalDataConsents`.
    pub personal_data_consents: Consent,
    /// The three MSPA fields.
    pub mspa: Mspa,
    /// The GPC sub-section's `Gpc` flag; `None` when the string has no GPC sub-section.
    pub gpc: Option<bool>,
}

impl UsCa {
    /// The section's id in the GPP header.
    pub const ID: u16 = 8;
    /// The section's name in the CMP API (`__gpp`).
    pub const NAME: &'static str = "usca";

    /// The section read from its text (`BVWSSSVY.YA`).
    pub fn decode(text: &str) -> Result<UsCa, GppError> {
        let (mut f, gpc) = segment::open(text, Self::NAME, true)?;
        let version = f.int(6)?;
        if version != 1 {
            return Err(GppError::UnsupportedVersion {
                section: Self::NAME,
                version,
            });
        }
        Ok(UsCa {
            sale_opt_out_notice: f.get("SaleOptOutNotice")?,
            sharing_opt_out_notice: f.get("SharingOptOutNotice")?,
            sensitive_data_limit_use_notice: f.get("SensitiveDataLimitUseNotice")?,
            sale_opt_out: f.get("SaleOptOut")?,
            sharing_opt_out: f.get("SharingOptOut")?,
            sensitive_data_processing: f.array("SensitiveDataProcessing")?,
            known_child_sensitive_data_consents: f.array("KnownChildSensitiveDataConsents")?,
            personal_data_consents: f.get("PersonalDataConsents")?,
            mspa: f.mspa()?,
            gpc,
        })
    }

    /// The section's text.
    pub fn encode(&self) -> Result<String, GppError> {
        let mut w = BitWriter::new();
        w.push(1, 6);
        put(&mut w, self.sale_opt_out_notice);
        put(&mut w, self.sharing_opt_out_notice);
        put(&mut w, self.sensitive_data_limit_use_notice);
        put(&mut w, self.sale_opt_out);
        put(&mut w, self.sharing_opt_out);
        for &entry in &self.sensitive_data_processing {
            put(&mut w, entry);
        }
        for &entry in &self.known_child_sensitive_data_consents {
            put(&mut w, entry);
        }
        put(&mut w, self.personal_data_consents);
        put_mspa(&mut w, &self.mspa, Self::NAME)?;
        Ok(segment::close(w, self.gpc))
    }
}
