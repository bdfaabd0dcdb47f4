//! The US state sections that share one layout (version 1 of each): Virginia, Colorado, Utah,
//! Connecticut, Montana, Oregon, Texas, Delaware, Iowa, Nebraska, New Hampshire, New Jersey,
//! Tennessee and Minnesota.
//!
//! Each is `Version`, a notice of processing (`SharingNotice` or `ProcessingNotice`), the sale
//! and targeted-advertising notices, in Utah and Iowa a sensitive-data opt-out notice, the
//! sale and targeted-advertising opt-outs, a list of sensitive-data entries, a list of
//! known-child consents, in some an `AdditionalDataProcessingConsent`, the three MSPA fields,
//! and in all but Virginia and Utah the GPC sub-section. The lists' lengths and which optional
//! fields there are is data ([`Layout`]), checked against the IAB's reference library and the
//! state sections' specifications. California has a layout of its own ([`super::UsCa`]);
//! Maryland, Indiana, Kentucky and Rhode Island (MSPA fields first, and a sensitive-data
//! sub-section in the last three) are not modelled and read as [`super::Section::Other`].

use super::bits::BitWriter;
use super::segment;
use super::values::{put, put_mspa, Consent, Mspa, Notice, OptOut};
use super::GppError;

/// A US state whose section this module reads and writes with [`UsStateSection`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UsState {
    /// Virginia, `usva` (id 9).
    Va,
    /// Colorado, `usco` (id 10).
    Co,
    /// Utah, `usut` (id 11).
    Ut,
    /// Connecticut, `usct` (id 12).
    Ct,
    /// Montana, `usmt` (id 14).
    Mt,
    /// Oregon, `usor` (id 15).
    Or,
    /// Texas, `ustx` (id 16).
    Tx,
    /// Delaware, `usde` (id 17).
    De,
    /// Iowa, `usia` (id 18).
    Ia,
    /// Nebraska, `usne` (id 19).
    Ne,
    /// New Hampshire, `usnh` (id 20).
    Nh,
    /// New Jersey, `usnj` (id 21).
    Nj,
    /// Tennessee, `ustn` (id 22).
    Tn,
    /// Minnesota, `usmn` (id 23).
    Mn,
}

/// How one state's section is laid out.
struct Layout {
    id: u16,
    name: &'static str,
    code: &'static str,
    /// The first notice's name: `SharingNotice` or `ProcessingNotice`.
    notice: &'static str,
    /// The sensitive-data opt-out notice's name, in the sections that have one.
    sensitive_notice: Option<&'static str>,
    /// Entries in `SensitiveDataProcessing`.
    sensitive: usize,
    /// Whether those entries are opt-outs (Utah, Iowa) rather than consents.
    sensitive_opt_outs: bool,
    /// Entries in `KnownChildSensitiveDataConsents`.
    child: usize,
    /// Whether there is an `AdditionalDataProcessingConsent`.
    additional: bool,
    /// Whether the section defines the GPC sub-section.
    gpc: bool,
}

const SHARING: &str = "SharingNotice";
const PROCESSING: &str = "ProcessingNotice";

#[rustfmt::skip]
const fn layout(state: UsState) -> Layout {
    // (id, name, code, notice, sensitive notice, sensitive entries, as opt-outs, child entries,
    // additional consent, GPC)
    let (id, name, code, notice, sensitive_notice, sensitive, sensitive_opt_outs, child, additional, gpc) =
        match state {
            UsState::Va => (9, "usva", "VA", SHARING, None, 8, false, 1, false, false),
            UsState::Co => (10, "usco", "CO", SHARING, None, 7, false, 1, false, true),
            UsState::Ut => (11, "usut", "UT", SHARING, Some("SensitiveDataProcessingOptOutNotice"), 8, true, 1, false, false),
            UsState::Ct => (12, "usct", "CT", SHARING, None, 8, false, 3, false, true),
            UsState::Mt => (14, "usmt", "MT", SHARING, None, 8, false, 3, true, true),
            UsState::Or => (15, "usor", "OR", PROCESSING, None, 11, false, 3, true, true),
            UsState::Tx => (16, "ustx", "TX", PROCESSING, None, 8, false, 1, true, true),
            UsState::De => (17, "usde", "DE", PROCESSING, None, 9, false, 5, true, true),
            UsState::Ia => (18, "usia", "IA", PROCESSING, Some("SensitiveDataOptOutNotice"), 8, true, 1, false, true),
            UsState::Ne => (19, "usne", "NE", PROCESSING, None, 8, false, 1, true, true),
            UsState::Nh => (20, "usnh", "NH", PROCESSING, None, 8, false, 3, true, true),
            UsState::Nj => (21, "usnj", "NJ", PROCESSING, None, 10, false, 5, true, true),
            UsState::Tn => (22, "ustn", "TN", PROCESSING, None, 8, false, 1, true, true),
            UsState::Mn => (23, "usmn", "MN", PROCESSING, None, 8, false, 1, true, true),
        };
    Layout { id, name, code, notice, sensitive_notice, sensitive, sensitive_opt_outs, child, additional, gpc }
}

impl UsState {
    /// Every state modelled here, in the order of their section ids.
    pub const ALL: [UsState; 14] = [
        UsState::Va,
        UsState::Co,
        UsState::Ut,
        UsState::Ct,
        UsState::Mt,
        UsState::Or,
        UsState::Tx,
        UsState::De,
        UsState::Ia,
        UsState::Ne,
        UsState::Nh,
        UsState::Nj,
        UsState::Tn,
        UsState::Mn,
    ];

    /// The state's section id in the GPP header.
    pub const fn id(self) -> u16 {
        layout(self).id
    }

    /// The state's section name in the CMP API (`usva`, ...).
    pub const fn name(self) -> &'static str {
        layout(self).name
    }

    /// The state's own code, as in ISO 3166-2 `US-VA` and [`crate::Place::region`].
    pub const fn code(self) -> &'static str {
        layout(self).code
    }

    /// Whether the state's section defines the GPC sub-section (all but Virginia and Utah).
    pub const fn has_gpc(self) -> bool {
        layout(self).gpc
    }

    /// The state with this code (`"VA"`, any case); `None` for a state not modelled here.
    pub fn from_code(code: &str) -> Option<UsState> {
        UsState::ALL
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(code))
    }

    /// The state whose section has this id.
    pub fn from_id(id: u16) -> Option<UsState> {
        UsState::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// A state section's sensitive-data entries: consents in most states, opt-outs in Utah and
/// Iowa, whose laws let the consumer opt out of the processing of sensitive data instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SensitiveData {
    /// Consent per category (0 not applicable, 1 no consent, 2 consent).
    Consents(Vec<Consent>),
    /// Opt-out per category (0 not applicable, 1 opted out, 2 did not opt out).
    OptOuts(Vec<OptOut>),
}

/// One of the state sections of [`UsState`], field by field.
///
/// Fields a state's section does not have stay "not applicable"; encoding refuses a model
/// that sets one, or whose lists are not the state's length ([`UsStateSection::new`] sizes
/// them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsStateSection {
    /// Which state's section this is.
    pub state: UsState,
    /// The first notice: `SharingNotice` in Virginia, Colorado, Utah, Connecticut and
    /// Montana, `ProcessingNotice` elsewhere.
    pub notice: Notice,
    /// `SaleOptOutNotice`.
    pub sale_opt_out_notice: Notice,
    /// `TargetedAdvertisingOptOutNotice`.
    pub targeted_advertising_opt_out_notice: Notice,
    /// `SensitiveDataProcessingOptOutNotice` (Utah) or `SensitiveDataOptOutNotice` (Iowa);
    /// the other states have none.
    pub sensitive_data_opt_out_notice: Notice,
    /// `SaleOptOut`.
    pub sale_opt_out: OptOut,
    /// `TargetedAdvertisingOptOut`.
    pub targeted_advertising_opt_out: OptOut,
    /// `SensitiveDataProcessing`, in the state specification's order.
    pub sensitive_data_processing: SensitiveData,
    /// `KnownChildSensitiveDataConsents`: one entry, or three or five in Connecticut,
    /// Montana, Oregon, New Hampshire (3), Delaware and New Jersey (5).
    pub known_child_sensitive_data_consents: Vec<Consent>,
    /// `AdditionalDataProcessingConsent`, in Montana, Oregon, Texas, Delaware, Nebraska, New
    /// Hampshire, New Jersey, Tennessee and Minnesota.
    pub additional_data_processing_consent: Consent,
    /// The three MSPA fields.
    pub mspa: Mspa,
    /// The GPC sub-section's `Gpc` flag; `None` without the sub-section (always so in Virginia
    /// and Utah).
    pub gpc: Option<bool>,
}

impl UsStateSection {
    /// The state's section with every field "not applicable", lists of the state's lengths, a
    /// publisher that has not signed the MSPA, and no GPC sub-section.
    pub fn new(state: UsState) -> UsStateSection {
        let layout = layout(state);
        let sensitive_data_processing = if layout.sensitive_opt_outs {
            SensitiveData::OptOuts(vec![OptOut::NotApplicable; layout.sensitive])
        } else {
            SensitiveData::Consents(vec![Consent::NotApplicable; layout.sensitive])
        };
        UsStateSection {
            state,
            notice: Notice::NotApplicable,
            sale_opt_out_notice: Notice::NotApplicable,
            targeted_advertising_opt_out_notice: Notice::NotApplicable,
            sensitive_data_opt_out_notice: Notice::NotApplicable,
            sale_opt_out: OptOut::NotApplicable,
            targeted_advertising_opt_out: OptOut::NotApplicable,
            sensitive_data_processing,
            known_child_sensitive_data_consents: vec![Consent::NotApplicable; layout.child],
            additional_data_processing_consent: Consent::NotApplicable,
            mspa: Mspa::default(),
            gpc: None,
        }
    }

    /// The state's section read from its text (`BVWSSVY` for Virginia).
    pub fn decode(state: UsState, text: &str) -> Result<UsStateSection, GppError> {
        let layout = layout(state);
        let (mut f, gpc) = segment::open(text, layout.name, layout.gpc)?;
        let version = f.int(6)?;
        if version != 1 {
            return Err(GppError::UnsupportedVersion {
                section: layout.name,
                version,
            });
        }
        let mut section = UsStateSection::new(state);
        section.notice = f.get(layout.notice)?;
        section.sale_opt_out_notice = f.get("SaleOptOutNotice")?;
        section.targeted_advertising_opt_out_notice = f.get("TargetedAdvertisingOptOutNotice")?;
        if let Some(name) = layout.sensitive_notice {
            section.sensitive_data_opt_out_notice = f.get(name)?;
        }
        section.sale_opt_out = f.get("SaleOptOut")?;
        section.targeted_advertising_opt_out = f.get("TargetedAdvertisingOptOut")?;
        section.sensitive_data_processing = if layout.sensitive_opt_outs {
            SensitiveData::OptOuts(f.list("SensitiveDataProcessing", layout.sensitive)?)
        } else {
            SensitiveData::Consents(f.list("SensitiveDataProcessing", layout.sensitive)?)
        };
        section.known_child_sensitive_data_consents =
            f.list("KnownChildSensitiveDataConsents", layout.child)?;
        if layout.additional {
            section.additional_data_processing_consent =
                f.get("AdditionalDataProcessingConsent")?;
        }
        section.mspa = f.mspa()?;
        section.gpc = gpc;
        Ok(section)
    }

    /// The section's text.
    pub fn encode(&self) -> Result<String, GppError> {
        let layout = layout(self.state);
        let section = layout.name;
        let absent = |field| GppError::NotInSection { section, field };
        if layout.sensitive_notice.is_none()
            && self.sensitive_data_opt_out_notice != Notice::NotApplicable
        {
            return Err(absent("SensitiveDataOptOutNotice"));
        }
        if !layout.additional && self.additional_data_processing_consent != Consent::NotApplicable {
            return Err(absent("AdditionalDataProcessingConsent"));
        }
        if !layout.gpc && self.gpc.is_some() {
            return Err(absent("Gpc"));
        }
        let length = |field, expected, found| {
            if expected == found {
                Ok(())
            } else {
                Err(GppError::FieldLength {
                    section,
                    field,
                    expected,
                    found,
                })
            }
        };
        let child = &self.known_child_sensitive_data_consents;
        length("KnownChildSensitiveDataConsents", layout.child, child.len())?;

        let mut w = BitWriter::new();
        w.push(1, 6);
        put(&mut w, self.notice);
        put(&mut w, self.sale_opt_out_notice);
        put(&mut w, self.targeted_advertising_opt_out_notice);
        if layout.sensitive_notice.is_some() {
            put(&mut w, self.sensitive_data_opt_out_notice);
        }
        put(&mut w, self.sale_opt_out);
        put(&mut w, self.targeted_advertising_opt_out);
        match (&self.sensitive_data_processing, layout.sensitive_opt_outs) {
            (SensitiveData::Consents(entries), false) => {
                length("SensitiveDataProcessing", layout.sensitive, entries.len())?;
                entries.iter().for_each(|&e| put(&mut w, e));
            }
            (SensitiveData::OptOuts(entries), true) => {
                length("SensitiveDataProcessing", layout.sensitive, entries.len())?;
                entries.iter().for_each(|&e| put(&mut w, e));
            }
            _ => {
                return Err(GppError::WrongKind {
                    section,
                    field: "SensitiveDataProcessing",
                })
            }
        }
        child.iter().for_each(|&e| put(&mut w, e));
        if layout.additional {
            put(&mut w, self.additional_data_processing_consent);
        }
        put_mspa(&mut w, &self.mspa, section)?;
        Ok(segment::close(w, self.gpc))
    }
}
