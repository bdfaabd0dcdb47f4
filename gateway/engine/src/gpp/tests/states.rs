//! The state sections against `Us{Va,Co,...}.test.ts`: each test there encodes the section at
//! its defaults (with and without the GPC sub-section) and with every field set.

use super::{covered, round_trip, upstream};
use crate::gpp::*;

/// The upstream test file of each state.
fn tests_of(state: UsState) -> &'static str {
    match state {
        UsState::Va => include_str!("../testdata/iabgpp-es/UsVa.test.ts"),
        UsState::Co => include_str!("../testdata/iabgpp-es/UsCo.test.ts"),
        UsState::Ut => include_str!("../testdata/iabgpp-es/UsUt.test.ts"),
        UsState::Ct => include_str!("../testdata/iabgpp-es/UsCt.test.ts"),
        UsState::Mt => include_str!("../testdata/iabgpp-es/UsMt.test.ts"),
        UsState::Or => include_str!("../testdata/iabgpp-es/UsOr.test.ts"),
        UsState::Tx => include_str!("../testdata/iabgpp-es/UsTx.test.ts"),
        UsState::De => include_str!("../testdata/iabgpp-es/UsDe.test.ts"),
        UsState::Ia => include_str!("../testdata/iabgpp-es/UsIa.test.ts"),
        UsState::Ne => include_str!("../testdata/iabgpp-es/UsNe.test.ts"),
        UsState::Nh => include_str!("../testdata/iabgpp-es/UsNh.test.ts"),
        UsState::Nj => include_str!("../testdata/iabgpp-es/UsNj.test.ts"),
        UsState::Tn => include_str!("../testdata/iabgpp-es/UsTn.test.ts"),
        UsState::Mn => include_str!("../testdata/iabgpp-es/UsMn.test.ts"),
    }
}

/// Per state: the default string (with the GPC sub-section where the state has one), the
/// string with every field set, its sensitive-data and known-child lists (0, 1, 2 as in the
/// upstream test).
type Vector = (
    UsState,
    &'static str,
    &'static str,
    &'static [u8],
    &'static [u8],
);

#[rustfmt::skip]
const VECTORS: [Vector; 14] = [
    (UsState::Va, "BAAAABA", "BVWSSVY", &[2, 1, 0, 2, 1, 0, 2, 1], &[1]),
    (UsState::Co, "BAAAAEA.QA", "BVWSSVg.YA", &[2, 1, 0, 2, 1, 0, 2], &[1]),
    (UsState::Ut, "BAAAAAQA", "BVVkklWA", &[2, 1, 0, 2, 1, 0, 2, 1], &[1]),
    (UsState::Ct, "BAAAAAEA.QA", "BVWSSZFg.YA", &[2, 1, 0, 2, 1, 0, 2, 1], &[2, 1, 0]),
    (UsState::Mt, "BAAAAABA.QA", "BVWSSZFY.YA", &[2, 1, 0, 2, 1, 0, 2, 1], &[2, 1, 0]),
    (UsState::Or, "BAAAAAABAA.QA", "BVWSSRpFYA.YA", &[2, 1, 0, 2, 1, 0, 2, 1, 0, 1, 2], &[2, 1, 0]),
    (UsState::Tx, "BAAAAAQA.QA", "BVWSSVWA.YA", &[2, 1, 0, 2, 1, 0, 2, 1], &[1]),
    (UsState::De, "BAAAAAABAA.QA", "BVWSSSSVYA.YA", &[2, 1, 0, 2, 1, 0, 2, 1, 0], &[2, 1, 0, 2, 1]),
    (UsState::Ia, "BAAAAAQA.QA", "BVVkklWA.YA", &[2, 1, 0, 2, 1, 0, 2, 1], &[1]),
    (UsState::Ne, "BAAAAAQA.QA", "BVWSSVWA.YA", &[2, 1, 0, 2, 1, 0, 2, 1], &[1]),
    (UsState::Nh, "BAAAAABA.QA", "BVWSSZFY.YA", &[2, 1, 0, 2, 1, 0, 2, 1], &[2, 1, 0]),
    (UsState::Nj, "BAAAAAAAQA.QA", "BVWSSRklWA.YA", &[2, 1, 0, 2, 1, 0, 2, 1, 0, 1], &[2, 1, 0, 2, 1]),
    (UsState::Tn, "BAAAAAQA.QA", "BVWSSVWA.YA", &[2, 1, 0, 2, 1, 0, 2, 1], &[1]),
    (UsState::Mn, "BAAAAAQA.QA", "BVWSSVWA.YA", &[2, 1, 0, 2, 1, 0, 2, 1], &[1]),
];

fn consent(bits: u8) -> Consent {
    match bits {
        1 => Consent::NoConsent,
        2 => Consent::Consent,
        _ => Consent::NotApplicable,
    }
}

fn opt_out(bits: u8) -> OptOut {
    match bits {
        1 => OptOut::OptedOut,
        2 => OptOut::DidNotOptOut,
        _ => OptOut::NotApplicable,
    }
}

/// The model the upstream test builds with every field set.
fn every_field(state: UsState, sensitive: &[u8], child: &[u8]) -> UsStateSection {
    let base = UsStateSection::new(state);
    let sensitive_data_processing = match base.sensitive_data_processing {
        SensitiveData::OptOuts(_) => {
            SensitiveData::OptOuts(sensitive.iter().copied().map(opt_out).collect())
        }
        SensitiveData::Consents(_) => {
            SensitiveData::Consents(sensitive.iter().copied().map(consent).collect())
        }
    };
    let has_sensitive_notice = matches!(state, UsState::Ut | UsState::Ia);
    let has_additional = !matches!(
        state,
        UsState::Va | UsState::Co | UsState::Ut | UsState::Ct | UsState::Ia
    );
    UsStateSection {
        notice: Notice::Provided,
        sale_opt_out_notice: Notice::Provided,
        targeted_advertising_opt_out_notice: Notice::Provided,
        sensitive_data_opt_out_notice: if has_sensitive_notice {
            Notice::Provided
        } else {
            Notice::NotApplicable
        },
        sale_opt_out: OptOut::OptedOut,
        targeted_advertising_opt_out: OptOut::OptedOut,
        sensitive_data_processing,
        known_child_sensitive_data_consents: child.iter().copied().map(consent).collect(),
        additional_data_processing_consent: if has_additional {
            Consent::NoConsent
        } else {
            Consent::NotApplicable
        },
        mspa: Mspa {
            covered_transaction: YesNo::Yes,
            opt_out_option_mode: YesNo::Yes,
            service_provider_mode: YesNo::No,
        },
        gpc: state.has_gpc().then_some(true),
        ..base
    }
}

#[track_caller]
fn section_is(model: &UsStateSection, text: &str) {
    upstream(tests_of(model.state), text);
    assert_eq!(
        model.encode().as_deref(),
        Ok(text),
        "{} encode",
        model.state.name()
    );
    assert_eq!(
        UsStateSection::decode(model.state, text).as_ref(),
        Ok(model),
        "{} decode",
        model.state.name()
    );
    let gpp = GppString {
        sections: vec![Section::UsState(model.clone())],
    };
    let whole = gpp.encode().expect("encodes");
    assert_eq!(round_trip(&whole), gpp);
}

#[test]
fn every_state_against_the_reference_library() {
    assert_eq!(VECTORS.map(|v| v.0), UsState::ALL);
    for (state, default, every, sensitive, child) in VECTORS {
        let at_defaults = UsStateSection {
            mspa: covered(),
            gpc: state.has_gpc().then_some(false),
            ..UsStateSection::new(state)
        };
        section_is(&at_defaults, default);
        if let Some(core) = default.strip_suffix(".QA") {
            section_is(
                &UsStateSection {
                    gpc: None,
                    ..at_defaults
                },
                core,
            );
        }
        section_is(&every_field(state, sensitive, child), every);
        // Its id and code lead back to it.
        assert_eq!(UsState::from_id(state.id()), Some(state));
        assert_eq!(
            UsState::from_code(&state.code().to_lowercase()),
            Some(state)
        );
    }
}

#[test]
fn a_state_model_must_fit_the_states_layout() {
    let va = UsStateSection {
        mspa: covered(),
        ..UsStateSection::new(UsState::Va)
    };
    let refused = |model: UsStateSection| model.encode().expect_err("refused");
    assert!(matches!(
        refused(UsStateSection {
            gpc: Some(false),
            ..va.clone()
        }),
        GppError::NotInSection { field: "Gpc", .. }
    ));
    assert!(matches!(
        refused(UsStateSection {
            additional_data_processing_consent: Consent::Consent,
            ..va.clone()
        }),
        GppError::NotInSection { .. }
    ));
    assert!(matches!(
        refused(UsStateSection {
            sensitive_data_opt_out_notice: Notice::Provided,
            ..va.clone()
        }),
        GppError::NotInSection { .. }
    ));
    assert!(matches!(
        refused(UsStateSection {
            known_child_sensitive_data_consents: vec![],
            ..va.clone()
        }),
        GppError::FieldLength {
            expected: 1,
            found: 0,
            ..
        }
    ));
    assert!(matches!(
        refused(UsStateSection {
            sensitive_data_processing: SensitiveData::OptOuts(vec![OptOut::NotApplicable; 8]),
            ..va.clone()
        }),
        GppError::WrongKind { .. }
    ));
    assert!(matches!(
        refused(UsStateSection {
            sensitive_data_processing: SensitiveData::Consents(vec![Consent::NotApplicable; 9]),
            ..va.clone()
        }),
        GppError::FieldLength {
            expected: 8,
            found: 9,
            ..
        }
    ));
    // Virginia defines no GPC sub-section, so a string with one is refused.
    upstream(tests_of(UsState::Va), "BVWSSVY");
    assert!(UsStateSection::decode(UsState::Va, "BVWSSVY.YA").is_err());
}
