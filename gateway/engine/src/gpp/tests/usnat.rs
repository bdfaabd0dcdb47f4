//! The US National and California sections against `UsNat.test.ts`, `UsCa.test.ts` and
//! `GppModel.test.ts`.

use super::{covered, reference_default_usnat, round_trip, upstream, MODEL_TESTS};
use crate::gpp::*;

const USNAT_TESTS: &str = include_str!("../testdata/iabgpp-es/UsNat.test.ts");
const USCA_TESTS: &str = include_str!("../testdata/iabgpp-es/UsCa.test.ts");

use Consent::{Consent as Yes, NoConsent as No, NotApplicable as Na};

/// Encodes, compares with the reference's string, and decodes back to the same model.
#[track_caller]
fn usnat_is(model: &UsNat, text: &str) {
    upstream(USNAT_TESTS, text);
    assert_eq!(model.encode().as_deref(), Ok(text), "encode");
    assert_eq!(UsNat::decode(text).as_ref(), Ok(model), "decode");
}

#[test]
fn usnat_defaults() {
    usnat_is(&reference_default_usnat(), "CAAAAAAAAABA.QA");
    let no_gpc = UsNat {
        gpc: None,
        ..reference_default_usnat()
    };
    usnat_is(&no_gpc, "CAAAAAAAAABA");
}

/// Every field set, as in "should encode to CVVVkkkkkpFY.YA".
fn every_field() -> UsNat {
    UsNat {
        version: UsNatVersion::V2,
        sharing_notice: Notice::Provided,
        sale_opt_out_notice: Notice::Provided,
        sharing_opt_out_notice: Notice::Provided,
        targeted_advertising_opt_out_notice: Notice::Provided,
        sensitive_data_processing_opt_out_notice: Notice::Provided,
        sensitive_data_limit_use_notice: Notice::Provided,
        sale_opt_out: OptOut::OptedOut,
        sharing_opt_out: OptOut::OptedOut,
        targeted_advertising_opt_out: OptOut::OptedOut,
        sensitive_data_processing: [
            Yes, No, Na, Yes, No, Na, Yes, No, Na, Yes, No, Na, Yes, No, Na, Yes,
        ],
        known_child_sensitive_data_consents: [Yes, No, Na],
        personal_data_consents: No,
        mspa: Mspa {
            covered_transaction: YesNo::Yes,
            opt_out_option_mode: YesNo::Yes,
            service_provider_mode: YesNo::No,
        },
        gpc: Some(true),
    }
}

#[test]
fn usnat_with_every_field_set() {
    usnat_is(&every_field(), "CVVVkkkkkpFY.YA");
    assert_eq!(
        UsNat::decode("CVVVkkkkkpFY"),
        Ok(UsNat {
            gpc: None,
            ..every_field()
        })
    );
}

#[test]
fn usnat_versions_1_and_2() {
    let v1 = UsNat {
        version: UsNatVersion::V1,
        sensitive_data_processing: [
            No, No, No, No, No, No, No, No, No, No, No, No, Na, Na, Na, Na,
        ],
        known_child_sensitive_data_consents: [No, No, Na],
        ..reference_default_usnat()
    };
    usnat_is(&v1, "BAAAVVVVUQA.QA");
    usnat_is(
        &UsNat {
            version: UsNatVersion::V2,
            ..v1.clone()
        },
        "CAAAVVVVAFBA.QA",
    );
    let v2 = UsNat {
        sensitive_data_processing: [No; 16],
        known_child_sensitive_data_consents: [No; 3],
        ..reference_default_usnat()
    };
    usnat_is(&v2, "CAAAVVVVVVRA.QA");
    // The reference library drops what version 1 has no room for; this module refuses it.
    let too_much = UsNat {
        version: UsNatVersion::V1,
        ..v2
    };
    assert_eq!(
        too_much.encode(),
        Err(GppError::NotInSection {
            section: "usnat",
            field: "SensitiveDataProcessing"
        })
    );
    for text in [
        "DBABLA~BAAAVVVVUQA.QA",
        "DBABLA~CAAAVVVVAFBA.QA",
        "DBABLA~CAAAVVVVVVRA.QA",
    ] {
        upstream(MODEL_TESTS, text);
        round_trip(text);
    }
}

/// The US National section of a whole string, checked against the lists the reference
/// library's `GppModel.test.ts` asserts.
#[track_caller]
fn usnat_lists(text: &str, sensitive: [u8; 16], child: [u8; 3]) {
    upstream(MODEL_TESTS, text);
    let gpp = GppString::decode(text).expect("decodes");
    let Some(Section::UsNat(usnat)) = gpp.section(UsNat::ID) else {
        panic!("no usnat in {text}")
    };
    let bits = |c: &Consent| match c {
        Na => 0,
        No => 1,
        Yes => 2,
    };
    assert_eq!(
        usnat.sensitive_data_processing.each_ref().map(bits),
        sensitive
    );
    assert_eq!(
        usnat
            .known_child_sensitive_data_consents
            .each_ref()
            .map(bits),
        child
    );
}

#[test]
fn usnat_lists_the_reference_library_asserts() {
    let zeros = [0; 16];
    usnat_lists("DBABLA~CAAAAAAAAQA.QA", zeros, [0, 0, 0]);
    usnat_lists("DBABLA~CAAAAAAAAABA.QA", zeros, [0, 0, 0]);
    let mut twelfth = zeros;
    twelfth[11] = 1;
    usnat_lists("DBABLA~CAAAAAABEQA.QA", twelfth, [0, 1, 0]);
    let mut sixteenth = zeros;
    sixteenth[15] = 1;
    usnat_lists("DBABLA~CAAAAAAAAQRA.QA", sixteenth, [0, 0, 1]);
    // Decoded without an assertion upstream; it reads.
    upstream(MODEL_TESTS, "DBABLA~BVQqAAAAAgA.QA");
    assert!(GppString::decode("DBABLA~BVQqAAAAAgA.QA").is_ok());
}

#[test]
fn usnat_strings_whose_upstream_decoding_asserts_nothing() {
    // UsNat.test.ts lists field values for these with `expect(value, actual)`, which chai does
    // not check. They decode to the values listed there but for SaleOptOut of CVQqAAAACg,
    // listed as 0: its bits are `10`, and the reference library itself decodes 2.
    upstream(USNAT_TESTS, "CVQqAAAACg");
    assert_eq!(
        UsNat::decode("CVQqAAAACg"),
        Ok(UsNat {
            version: UsNatVersion::V2,
            sharing_notice: Notice::Provided,
            sale_opt_out_notice: Notice::Provided,
            sharing_opt_out_notice: Notice::Provided,
            targeted_advertising_opt_out_notice: Notice::Provided,
            sale_opt_out: OptOut::DidNotOptOut,
            sharing_opt_out: OptOut::DidNotOptOut,
            targeted_advertising_opt_out: OptOut::DidNotOptOut,
            personal_data_consents: Yes,
            mspa: Mspa {
                covered_transaction: YesNo::No,
                ..Mspa::default()
            },
            ..UsNat::default()
        })
    );
    // Version 1 in the version field, version 2's lists (72 bits): read as the reference
    // library does, keeping version 1's entries.
    upstream(USNAT_TESTS, "BVVVkkkkkpFY");
    let mut v1 = every_field();
    v1.version = UsNatVersion::V1;
    v1.gpc = None;
    v1.sensitive_data_processing[12..].fill(Na);
    v1.known_child_sensitive_data_consents[2] = Na;
    assert_eq!(UsNat::decode("BVVVkkkkkpFY"), Ok(v1));
}

#[test]
fn usnat_refuses_garbage_and_values_it_cannot_hold() {
    upstream(USNAT_TESTS, "z");
    assert!(UsNat::decode("z").is_err());
    assert!(matches!(
        UsNat::decode("DVVVkkkkkpFY"),
        Err(GppError::UnsupportedVersion { version: 3, .. })
    ));
    // MspaCoveredTransaction 0.
    let uncovered = UsNat {
        mspa: Mspa {
            covered_transaction: YesNo::NotApplicable,
            ..Mspa::default()
        },
        ..UsNat::default()
    };
    assert!(matches!(
        uncovered.encode(),
        Err(GppError::InvalidValue {
            field: "MspaCoveredTransaction",
            value: 0,
            ..
        })
    ));
    assert!(matches!(
        UsNat::decode("CAAAAAAAAAAA"),
        Err(GppError::InvalidValue {
            field: "MspaCoveredTransaction",
            ..
        })
    ));
    // A sub-section of another type, and a third part.
    assert!(UsNat::decode("CAAAAAAAAABA.gA").is_err());
    assert!(UsNat::decode("CAAAAAAAAABA.QA.QA").is_err());
}

/// Every field set, as in "should encode to BVWSSSVY.YA".
fn usca_every_field() -> UsCa {
    use OptOut::{DidNotOptOut as Kept, NotApplicable as Na, OptedOut as Out};
    UsCa {
        sale_opt_out_notice: Notice::Provided,
        sharing_opt_out_notice: Notice::Provided,
        sensitive_data_limit_use_notice: Notice::Provided,
        sale_opt_out: Out,
        sharing_opt_out: Out,
        sensitive_data_processing: [Kept, Out, Na, Kept, Out, Na, Kept, Out, Na],
        known_child_sensitive_data_consents: [Yes, No],
        personal_data_consents: No,
        mspa: Mspa {
            covered_transaction: YesNo::Yes,
            opt_out_option_mode: YesNo::Yes,
            service_provider_mode: YesNo::No,
        },
        gpc: Some(true),
    }
}

#[test]
fn usca_against_the_reference_library() {
    let default = UsCa {
        mspa: covered(),
        gpc: Some(false),
        ..UsCa::default()
    };
    for (model, text) in [
        (default.clone(), "BAAAAABA.QA"),
        (
            UsCa {
                gpc: None,
                ..default
            },
            "BAAAAABA",
        ),
        (usca_every_field(), "BVWSSSVY.YA"),
    ] {
        upstream(USCA_TESTS, text);
        assert_eq!(model.encode().as_deref(), Ok(text));
        assert_eq!(UsCa::decode(text), Ok(model.clone()));
        let gpp = GppString {
            sections: vec![Section::UsCa(model)],
        };
        let whole = gpp.encode().expect("encodes");
        assert_eq!(round_trip(&whole).section_ids(), [8]);
    }
    // Its list of "should decode" values holds 3s, which no field can be.
    upstream(USCA_TESTS, "BbYbGwXY.YA");
    assert!(matches!(
        UsCa::decode("BbYbGwXY.YA"),
        Err(GppError::InvalidValue { value: 3, .. })
    ));
    upstream(USCA_TESTS, "z");
    assert!(UsCa::decode("z").is_err());
}
