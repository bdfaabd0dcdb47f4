//! The IAB's Global Privacy Platform string (GPP): how ad tech reads what a visitor chose,
//! wherever they are.
//!
//! A GPP string is a header and the sections it lists, joined by `~`:
//! `DBABLA~CVVVkkkkkpFY.YA` is the header (type 3, version 1, section ids `[7]`) and the US
//! National section. The header and the US sections are bit fields written as base64url
//! without padding, each section in its own layout, with sub-sections after a `.`.
//!
//! Modelled here, checked against the IAB's reference library (`iabgpp-es`) and the section
//! specifications:
//! - [`UsNat`], the MSPA US National section (id 7), versions 1 and 2;
//! - [`UsCa`], California (id 8);
//! - [`UsStateSection`], the fourteen other states that share one layout ([`UsState`]);
//! - the EU TCF v2 section (id 2), which is a TC string carried as it is
//!   ([`Section::TcfEuV2`]; the TC string itself is written elsewhere).
//!
//! Any other section (Canada's TCF, the old US Privacy string, Maryland, ...) is kept as its
//! text ([`Section::Other`]), so a string round-trips. [`gpp_signal`] is what the rest of the
//! product calls: from the regime that applies and the visitor's choices it builds the string
//! and the `applicableSections` that `__gpp` reports.
//!
//! Decoding never panics and never allocates more than the input's size suggests: a malformed
//! string is a [`GppError`].

mod bits;
mod error;
mod header;
mod segment;
mod signal;
mod states;
mod usca;
mod usnat;
mod values;

#[cfg(test)]
mod tests;

use std::str::FromStr;

pub use error::GppError;
pub use signal::{gpp_signal, GppFacts, GppSignal, UsApproach, UsOptOuts};
pub use states::{SensitiveData, UsState, UsStateSection};
pub use usca::UsCa;
pub use usnat::{UsNat, UsNatVersion};
pub use values::{Consent, Mspa, Notice, OptOut, YesNo};

/// The EU TCF v2 section's id (`tcfeuv2`).
pub const TCF_EU_V2_ID: u16 = 2;

/// One section of a GPP string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Section {
    /// The EU TCF v2 section (id 2): a TC string, carried as it is.
    TcfEuV2(String),
    /// The US National section (id 7).
    UsNat(UsNat),
    /// The California section (id 8).
    UsCa(UsCa),
    /// One of the state sections of [`UsState`].
    UsState(UsStateSection),
    /// A section this module does not model, kept as its text.
    Other {
        /// The section's id.
        id: u16,
        /// The section's text, as it is in the string.
        text: String,
    },
}

impl Section {
    /// The section's id in the header.
    pub fn id(&self) -> u16 {
        match self {
            Section::TcfEuV2(_) => TCF_EU_V2_ID,
            Section::UsNat(_) => UsNat::ID,
            Section::UsCa(_) => UsCa::ID,
            Section::UsState(s) => s.state.id(),
            Section::Other { id, .. } => *id,
        }
    }

    /// The section's name in the CMP API (`tcfeuv2`, `usnat`, ...); `None` for a section
    /// this module does not model.
    pub fn name(&self) -> Option<&'static str> {
        match self {
            Section::TcfEuV2(_) => Some("tcfeuv2"),
            Section::UsNat(_) => Some(UsNat::NAME),
            Section::UsCa(_) => Some(UsCa::NAME),
            Section::UsState(s) => Some(s.state.name()),
            Section::Other { .. } => None,
        }
    }

    /// The section with this id, read from its text.
    pub fn decode(id: u16, text: &str) -> Result<Section, GppError> {
        if text.is_empty() {
            return Err(GppError::EmptySection { id });
        }
        Ok(match id {
            TCF_EU_V2_ID => Section::TcfEuV2(checked_text(id, text)?.to_owned()),
            UsNat::ID => Section::UsNat(UsNat::decode(text)?),
            UsCa::ID => Section::UsCa(UsCa::decode(text)?),
            _ => match UsState::from_id(id) {
                Some(state) => Section::UsState(UsStateSection::decode(state, text)?),
                None => Section::Other {
                    id,
                    text: checked_text(id, text)?.to_owned(),
                },
            },
        })
    }

    /// The section's text.
    pub fn encode(&self) -> Result<String, GppError> {
        match self {
            Section::TcfEuV2(text) => Ok(checked_text(TCF_EU_V2_ID, text)?.to_owned()),
            Section::UsNat(s) => s.encode(),
            Section::UsCa(s) => s.encode(),
            Section::UsState(s) => s.encode(),
            Section::Other { id, text } => Ok(checked_text(*id, text)?.to_owned()),
        }
    }
}

/// A section carried as text must be non-empty base64url and `.` (never `~`, which ends it).
fn checked_text(id: u16, text: &str) -> Result<&str, GppError> {
    let web_safe = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    if text.is_empty() || !text.bytes().all(web_safe) {
        return Err(GppError::InvalidSectionText { id });
    }
    Ok(text)
}

/// A GPP string: its sections, which the header lists.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct GppString {
    /// The sections. Encoding writes them in the order of their ids, as the header requires.
    pub sections: Vec<Section>,
}

impl GppString {
    /// The string read from its text (`DBABLA~CVVVkkkkkpFY.YA`).
    pub fn decode(text: &str) -> Result<GppString, GppError> {
        if text.is_empty() {
            return Err(GppError::Empty);
        }
        let mut parts = text.split('~');
        let head = parts.next().unwrap_or_default();
        let bodies: Vec<&str> = parts.collect();
        let ids = header::decode(head, bodies.len())?;
        if ids.len() != bodies.len() {
            return Err(GppError::SectionCount {
                listed: ids.len(),
                found: bodies.len(),
            });
        }
        let sections = ids
            .iter()
            .zip(bodies)
            .map(|(&id, body)| Section::decode(id, body))
            .collect::<Result<_, _>>()?;
        Ok(GppString { sections })
    }

    /// The string's text: the header, then each section in the order of its id.
    pub fn encode(&self) -> Result<String, GppError> {
        let mut sections: Vec<&Section> = self.sections.iter().collect();
        sections.sort_by_key(|s| s.id());
        let ids: Vec<u16> = sections.iter().map(|s| s.id()).collect();
        if let Some(pair) = ids.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(GppError::DuplicateSection(pair[0]));
        }
        if ids.first() == Some(&0) {
            return Err(GppError::InvalidSectionId(0));
        }
        let mut text = header::encode(&ids)?;
        for section in sections {
            text.push('~');
            text.push_str(&section.encode()?);
        }
        Ok(text)
    }

    /// The ids of its sections, in order: `sectionList` in the CMP API.
    pub fn section_ids(&self) -> Vec<u16> {
        let mut ids: Vec<u16> = self.sections.iter().map(Section::id).collect();
        ids.sort_unstable();
        ids
    }

    /// The section with this id.
    pub fn section(&self, id: u16) -> Option<&Section> {
        self.sections.iter().find(|s| s.id() == id)
    }
}

impl FromStr for GppString {
    type Err = GppError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        GppString::decode(text)
    }
}
