//! The product's GPP string: from the regime, the visitor's opt-outs, GPC and a TC string.
//! (`reference.rs` compares its strings with the reference library's for the same values.)

use consentry_config::Regime;

use super::round_trip;
use crate::gpp::*;

const TC: &str = "CPSG_8APSG_8ANwAAAENDgCgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA";

fn facts(regime: Regime) -> GppFacts<'static> {
    GppFacts {
        regime,
        opted_out: UsOptOuts::default(),
        gpc: false,
        tc_string: None,
        us_state: None,
        approach: UsApproach::National,
        mspa: Mspa::default(),
    }
}

fn usnat_of(signal: &GppSignal) -> UsNat {
    let gpp = round_trip(&signal.gpp_string);
    match gpp.section(UsNat::ID) {
        Some(Section::UsNat(usnat)) => usnat.clone(),
        other => panic!("no usnat: {other:?}"),
    }
}

#[test]
fn opt_out_regime_writes_the_us_national_section() {
    let signal = gpp_signal(&facts(Regime::OptOut)).expect("signal");
    assert_eq!(signal.applicable_sections, [7]);
    assert_eq!(signal.section_list, [7]);
    assert!(
        signal.gpp_string.starts_with("DBABLA~C"),
        "{}",
        signal.gpp_string
    );
    let usnat = usnat_of(&signal);
    assert_eq!(usnat.version, UsNatVersion::V2);
    assert_eq!(usnat.sale_opt_out_notice, Notice::Provided);
    assert_eq!(usnat.sharing_opt_out_notice, Notice::Provided);
    assert_eq!(usnat.targeted_advertising_opt_out_notice, Notice::Provided);
    assert_eq!(usnat.sale_opt_out, OptOut::DidNotOptOut);
    assert_eq!(usnat.sharing_opt_out, OptOut::DidNotOptOut);
    assert_eq!(usnat.targeted_advertising_opt_out, OptOut::DidNotOptOut);
    assert_eq!(
        usnat.sensitive_data_processing,
        [Consent::NotApplicable; 16]
    );
    assert_eq!(usnat.mspa.covered_transaction, YesNo::No);
    assert_eq!(usnat.gpc, Some(false));

    let opted_out = GppFacts {
        opted_out: UsOptOuts::all(true),
        gpc: true,
        ..facts(Regime::OptOut)
    };
    let usnat = usnat_of(&gpp_signal(&opted_out).expect("signal"));
    assert_eq!(usnat.sale_opt_out, OptOut::OptedOut);
    assert_eq!(usnat.sharing_opt_out, OptOut::OptedOut);
    assert_eq!(usnat.targeted_advertising_opt_out, OptOut::OptedOut);
    assert_eq!(usnat.gpc, Some(true));

    // GPC seen but marketing explicitly chosen: the flag is passed on, the opt-outs are not.
    let chose = GppFacts {
        gpc: true,
        ..facts(Regime::OptOut)
    };
    let usnat = usnat_of(&gpp_signal(&chose).expect("signal"));
    assert_eq!(
        (usnat.sale_opt_out, usnat.gpc),
        (OptOut::DidNotOptOut, Some(true))
    );
}

#[test]
fn state_specific_sections_where_modelled() {
    let out = |state| GppFacts {
        opted_out: UsOptOuts::all(true),
        gpc: true,
        us_state: Some(state),
        approach: UsApproach::StateSpecific,
        ..facts(Regime::OptOut)
    };
    let ca = gpp_signal(&out("CA")).expect("signal");
    assert_eq!(ca.applicable_sections, [8]);
    let gpp = round_trip(&ca.gpp_string);
    let Some(Section::UsCa(usca)) = gpp.section(UsCa::ID) else {
        panic!("no usca")
    };
    assert_eq!(
        (usca.sale_opt_out, usca.sharing_opt_out),
        (OptOut::OptedOut, OptOut::OptedOut)
    );
    assert_eq!(usca.gpc, Some(true));

    for state in UsState::ALL {
        let signal = gpp_signal(&out(state.code())).expect("signal");
        assert_eq!(signal.applicable_sections, [i32::from(state.id())]);
        let gpp = round_trip(&signal.gpp_string);
        let Some(Section::UsState(section)) = gpp.section(state.id()) else {
            panic!("no {}", state.name())
        };
        assert_eq!(section.sale_opt_out, OptOut::OptedOut);
        assert_eq!(section.targeted_advertising_opt_out, OptOut::OptedOut);
        assert_eq!(section.gpc, state.has_gpc().then_some(true));
    }
    // States without a section here (Maryland), or no state: the National section.
    for state in [Some("MD"), None] {
        let signal = gpp_signal(&GppFacts {
            us_state: state,
            ..out("CA")
        })
        .expect("signal");
        assert_eq!(signal.applicable_sections, [7]);
    }
    // The National approach ignores the state.
    let national = GppFacts {
        approach: UsApproach::National,
        ..out("CA")
    };
    assert_eq!(
        gpp_signal(&national).expect("signal").applicable_sections,
        [7]
    );
}

#[test]
fn opt_in_regime_carries_the_tc_string() {
    let with_tc = GppFacts {
        tc_string: Some(TC),
        ..facts(Regime::OptIn)
    };
    let signal = gpp_signal(&with_tc).expect("signal");
    assert_eq!(signal.gpp_string, format!("DBABMA~{TC}"));
    assert_eq!(signal.section_list, [2]);
    assert_eq!(signal.applicable_sections, [2]);

    let without = gpp_signal(&facts(Regime::OptIn)).expect("signal");
    assert_eq!(without.gpp_string, "DBAA");
    assert!(without.section_list.is_empty());
    assert_eq!(without.applicable_sections, [-1]);
}

#[test]
fn other_regimes_apply_no_section() {
    for regime in [Regime::Notice, Regime::None] {
        let signal = gpp_signal(&facts(regime)).expect("signal");
        assert_eq!(
            (
                signal.gpp_string.as_str(),
                signal.applicable_sections.as_slice()
            ),
            ("DBAA", &[-1][..])
        );
        let with_tc = gpp_signal(&GppFacts {
            tc_string: Some(TC),
            ..facts(regime)
        })
        .expect("signal");
        assert_eq!(with_tc.section_list, [2]);
        assert_eq!(with_tc.applicable_sections, [-1]);
    }
    // A US visitor on a site with the TCF: both sections, the US one in force.
    let both = gpp_signal(&GppFacts {
        tc_string: Some(TC),
        ..facts(Regime::OptOut)
    })
    .expect("signal");
    assert_eq!(both.section_list, [2, 7]);
    assert_eq!(both.applicable_sections, [7]);
    let gpp = round_trip(&both.gpp_string);
    assert_eq!(gpp.section(2), Some(&Section::TcfEuV2(TC.to_owned())));
    assert!(matches!(gpp.section(7), Some(Section::UsNat(_))));
}

#[test]
fn a_tc_string_a_gpp_string_cannot_carry_is_an_error() {
    for bad in ["", "CP~x", "CP x"] {
        let signal = gpp_signal(&GppFacts {
            tc_string: Some(bad),
            ..facts(Regime::OptIn)
        });
        assert_eq!(
            signal,
            Err(GppError::InvalidSectionText { id: 2 }),
            "{bad:?}"
        );
    }
}
