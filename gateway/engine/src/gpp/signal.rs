//! From what the gateway decided to what `__gpp` reports: the GPP string and its applicable
//! sections, for the regime that applies to the visitor.

use consentry_config::Regime;

use super::states::{UsState, UsStateSection};
use super::{
    GppError, GppString, Mspa, Notice, OptOut, Section, UsCa, UsNat, UsNatVersion, TCF_EU_V2_ID,
};

/// Which US section describes a visitor under the opt-out regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UsApproach {
    /// The US National section (`usnat`) wherever the visitor is: MSPA's "National
    /// Approach", one section for every state.
    #[default]
    National,
    /// The visitor's state's own section where this module has it (California and
    /// [`UsState`]), the National section for any other state or an unknown one.
    StateSpecific,
}

/// What the visitor opted out of, as the gateway enforces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct UsOptOuts {
    /// The sale of their personal data.
    pub sale: bool,
    /// Its sharing for cross-context behavioural advertising (California's "sharing").
    pub sharing: bool,
    /// Its processing for targeted advertising.
    pub targeted_advertising: bool,
}

impl UsOptOuts {
    /// Opted out of everything (marketing off) or of nothing.
    pub const fn all(opted_out: bool) -> UsOptOuts {
        UsOptOuts {
            sale: opted_out,
            sharing: opted_out,
            targeted_advertising: opted_out,
        }
    }
}

/// What the product knows when it writes a visitor's GPP string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GppFacts<'a> {
    /// The regime that applies where the visitor is.
    pub regime: Regime,
    /// What the visitor is opted out of, as enforced: under the opt-out regime, marketing off
    /// (by their choice, or by Global Privacy Control before any choice) is all three.
    pub opted_out: UsOptOuts,
    /// The browser sent `Sec-GPC: 1`. Written as the GPC sub-section's flag; it does not by
    /// itself opt out here, since an explicit choice outweighs it (see `opted_out`).
    pub gpc: bool,
    /// The visitor's TC string, where the site uses the TCF; carried as the `tcfeuv2` section.
    pub tc_string: Option<&'a str>,
    /// The visitor's US state code (`"CA"`, as [`crate::Place::region`]), if known.
    pub us_state: Option<&'a str>,
    /// Which US section to write.
    pub approach: UsApproach,
    /// The publisher's standing under the MSPA.
    pub mspa: Mspa,
}

/// What `__gpp` reports: the string, its sections, and those in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GppSignal {
    /// The encoded GPP string (`gppString`).
    pub gpp_string: String,
    /// The ids of its sections (`sectionList`).
    pub section_list: Vec<u16>,
    /// The ids of the sections in force for this visitor (`applicableSections`): the TCF
    /// section under the opt-in regime when there is a TC string, the US section under the
    /// opt-out regime, `[-1]` when none applies.
    pub applicable_sections: Vec<i32>,
}

/// The visitor's GPP string and applicable sections.
///
/// Under the opt-out regime the US section says that the notices were given (the opt-out
/// regime's notice and its "Do Not Sell or Share" link are on every page), what the visitor
/// opted out of, and the GPC flag; the sensitive-data and children's fields are "not
/// applicable", since the gateway collects no such data. A TC string, when given, is carried
/// whatever the regime, and is in force under the opt-in regime only. The only error is a TC
/// string that is empty or has characters a GPP string cannot carry.
pub fn gpp_signal(facts: &GppFacts<'_>) -> Result<GppSignal, GppError> {
    let mut gpp = GppString::default();
    let mut applicable = Vec::new();
    if let Some(tc) = facts.tc_string {
        gpp.sections.push(Section::TcfEuV2(tc.to_owned()));
        if facts.regime == Regime::OptIn {
            applicable.push(i32::from(TCF_EU_V2_ID));
        }
    }
    if facts.regime == Regime::OptOut {
        let us = us_section(facts);
        applicable.push(i32::from(us.id()));
        gpp.sections.push(us);
    }
    if applicable.is_empty() {
        applicable.push(-1);
    }
    Ok(GppSignal {
        gpp_string: gpp.encode()?,
        section_list: gpp.section_ids(),
        applicable_sections: applicable,
    })
}

/// The US section for an opt-out visitor.
fn us_section(facts: &GppFacts<'_>) -> Section {
    let opt_out = |opted_out: bool| {
        if opted_out {
            OptOut::OptedOut
        } else {
            OptOut::DidNotOptOut
        }
    };
    let o = facts.opted_out;
    let state = match facts.approach {
        UsApproach::National => None,
        UsApproach::StateSpecific => facts.us_state,
    };
    let ca = state.is_some_and(|code| code.eq_ignore_ascii_case("CA"));
    if ca {
        return Section::UsCa(UsCa {
            sale_opt_out_notice: Notice::Provided,
            sharing_opt_out_notice: Notice::Provided,
            sale_opt_out: opt_out(o.sale),
            sharing_opt_out: opt_out(o.sharing),
            mspa: facts.mspa,
            gpc: Some(facts.gpc),
            ..UsCa::default()
        });
    }
    if let Some(state) = state.and_then(UsState::from_code) {
        return Section::UsState(UsStateSection {
            notice: Notice::Provided,
            sale_opt_out_notice: Notice::Provided,
            targeted_advertising_opt_out_notice: Notice::Provided,
            sale_opt_out: opt_out(o.sale),
            targeted_advertising_opt_out: opt_out(o.targeted_advertising),
            mspa: facts.mspa,
            gpc: state.has_gpc().then_some(facts.gpc),
            ..UsStateSection::new(state)
        });
    }
    Section::UsNat(UsNat {
        version: UsNatVersion::V2,
        sharing_notice: Notice::Provided,
        sale_opt_out_notice: Notice::Provided,
        sharing_opt_out_notice: Notice::Provided,
        targeted_advertising_opt_out_notice: Notice::Provided,
        sale_opt_out: opt_out(o.sale),
        sharing_opt_out: opt_out(o.sharing),
        targeted_advertising_opt_out: opt_out(o.targeted_advertising),
        mspa: facts.mspa,
        gpc: Some(facts.gpc),
        ..UsNat::default()
    })
}
