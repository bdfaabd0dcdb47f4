//! The GPP string against the IAB's reference library (`iabgpp-es`) and the GPP
//! specification: their example strings decode to the values they were made from, round-trip,
//! and the same values encode to the same strings. Where the vectors come from is in
//! `testdata/SOURCES.md`; each string used here is checked to be in the upstream file it is
//! quoted from.

mod reference;
mod robust;
mod signal;
mod states;
mod usnat;

use super::bits::BitWriter;
use super::*;

/// Upstream files, as copied into `testdata/`.
pub(super) const HEADER_TESTS: &str = include_str!("testdata/iabgpp-es/HeaderV1.test.ts");
pub(super) const RANGE_TESTS: &str =
    include_str!("testdata/iabgpp-es/FibonacciIntegerRangeEncoder.test.ts");
pub(super) const MODEL_TESTS: &str = include_str!("testdata/iabgpp-es/GppModel.test.ts");
pub(super) const SPEC: &str =
    include_str!("testdata/Global-Privacy-Platform/Consent String Specification.md");

/// `quoted` is a string literal in the upstream file `file`: the vector is theirs.
#[track_caller]
pub(super) fn upstream(file: &str, quoted: &str) {
    assert!(
        file.contains(&format!("\"{quoted}\"")) || file.contains(&format!("'{quoted}'")),
        "{quoted} is not in the upstream file"
    );
}

/// Decodes, and checks the string encodes back to itself.
#[track_caller]
pub(super) fn round_trip(text: &str) -> GppString {
    let gpp = GppString::decode(text).expect("decodes");
    assert_eq!(gpp.encode().expect("encodes"), text, "round trip");
    gpp
}

fn bits(text: &str) -> String {
    let mut w = BitWriter::new();
    for b in text.chars().filter(|c| !c.is_whitespace()) {
        w.push_bool(b == '1');
    }
    w.finish()
}

#[test]
fn headers_of_the_reference_library() {
    for (ids, text) in [
        (&[][..], "DBAA"),
        (&[2][..], "DBABMA"),
        (&[2, 6][..], "DBACNYA"),
    ] {
        upstream(HEADER_TESTS, text);
        assert_eq!(header::encode(ids), Ok(text.to_owned()));
        assert_eq!(header::decode(text, 10), Ok(ids.to_vec()));
    }
}

#[test]
fn headers_of_the_specification() {
    // Its examples are padded to a whole character only (DBABM), where the reference library
    // pads to a whole byte first (DBABMA): both read the same.
    for (text, ids) in [
        ("DBABM", vec![2]),
        ("DBACNY", vec![2, 6]),
        ("DBABjw", vec![5, 6]),
    ] {
        assert!(SPEC.contains(&format!("<code>{text}</code>")), "{text}");
        assert_eq!(header::decode(text, 10), Ok(ids));
    }
    // Its whole strings: a TC string, then the US Privacy string.
    let tc = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA";
    for (text, ids) in [
        (format!("DBABM~{tc}"), vec![2]),
        (format!("DBACNY~{tc}~1YNN"), vec![2, 6]),
        (format!("DBABjw~{tc}~1YNN"), vec![5, 6]),
        (format!("DBACNYA~{tc}~1YNN"), vec![2, 6]),
    ] {
        assert!(SPEC.contains(&text), "{text}");
        let gpp = GppString::decode(&text).expect("decodes");
        assert_eq!(gpp.section_ids(), ids);
        assert_eq!(gpp.sections[0].encode().as_deref(), Ok(tc));
    }
}

#[test]
fn fibonacci_ranges_of_the_reference_library() {
    // FibonacciIntegerRangeEncoder.test.ts, behind the header's type and version.
    for (ids, range) in [
        (&[][..], "000000000000"),
        (&[2][..], "0000000000010011"),
        (&[2, 3, 4, 5, 6][..], "00000000000110111011"),
        (&[2, 5, 6, 7][..], "000000000010001110011011"),
        (&[3, 5, 6, 7, 8][..], "0000000000100001110110011"),
        (
            &[2, 5, 6, 7, 8, 9, 10, 11, 12][..],
            "00000000001000111001101011",
        ),
    ] {
        upstream(RANGE_TESTS, range);
        let text = bits(&format!("000011 000001 {range}"));
        assert_eq!(header::encode(ids), Ok(text.clone()));
        assert_eq!(header::decode(&text, 20), Ok(ids.to_vec()));
    }
}

#[test]
fn a_header_only_string() {
    upstream(MODEL_TESTS, "DBAA");
    let gpp = round_trip("DBAA");
    assert!(gpp.sections.is_empty());
    assert_eq!(GppString::default().encode(), Ok("DBAA".to_owned()));
}

/// A TC string from `GppModel.test.ts`, carried as the `tcfeuv2` section.
const TC: &str = "CPSG_8APSG_8ANwAAAENDgCgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA";

#[test]
fn the_tcf_section_carries_its_tc_string_as_it_is() {
    let text = format!("DBABMA~{TC}");
    upstream(MODEL_TESTS, &text);
    let gpp = round_trip(&text);
    assert_eq!(gpp.sections, [Section::TcfEuV2(TC.to_owned())]);
    assert_eq!(gpp.section_ids(), [2]);

    // Strings the reference library encodes from TC models: the same with the TC string given.
    for text in [
        "DBABMA~CPSG_8APSG_8AAAAAAENAAFgAAAAAAAAAAAAAOAAAABAAAAA.IAOABgAB.YAAAAAAAAAAA",
        "DBABMA~CPSG_8APSG_8AAAAAAENAAFgAAAAAAAAAAAAAOwAQAOgAAAA.IAOgBgAAgAAA.YAAAAAAAAAAA",
        "DBABMA~CPSG_8APSG_8AAAAAAENAAFgAAAAAAAAAAAAFpQAwAAgCtAWkAAAAAAA.IFpQBQAAwAKAAsADoArQFpAA.YAAAAAAAAAAA",
    ] {
        upstream(MODEL_TESTS, text);
        let tc = text.trim_start_matches("DBABMA~");
        let gpp = GppString {
            sections: vec![Section::TcfEuV2(tc.to_owned())],
        };
        assert_eq!(gpp.encode(), Ok(text.to_owned()));
    }
}

#[test]
fn sections_this_module_does_not_model_round_trip_as_text() {
    // TCF EU with US Privacy (6), then TCF EU, TCF Canada (5) and US Privacy.
    for text in [
        "DBACNYA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~1YNN",
        "DBACOeA~CPSG_8APSG_8ANwAAAENAwCgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~BPSG_8APSG_8AAyACAENGdCgf_gfgAfgfgBgABABAAABAB4AACACADwAAEAE.fHHHA4444ao~1YNN",
        "DBABTA~1YNN",
        "DBABTA~1---",
    ] {
        upstream(MODEL_TESTS, text);
        let gpp = round_trip(text);
        assert_eq!(
            gpp.section(6),
            Some(&Section::Other {
                id: 6,
                text: text.rsplit('~').next().unwrap_or_default().to_owned()
            })
        );
    }
}

#[test]
fn every_section_of_the_reference_library_at_once() {
    // GppModel.test.ts decodes a string with every section at its defaults, and encodes the
    // same model as another: they differ only in the US National section, which an earlier
    // library wrote with version 1 in its version field but version 2's lists
    // (`BAAAAAAAAABA`) and the current one writes in version 1's layout (`BAAAAAAAAQA`).
    let decoded = "DBACOcGA~CPSG_8APSG_8ANwAAAENAAFgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~BPSG_8APSG_8AAAAAAENAACAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAA~1---~BAAAAAAAAABA.QA~BAAAAABA.QA~BAAAABA~BAAAAEA.QA~BAAAAAQA~BAAAAAEA.QA~BAAAAABA~BAAAAABA.QA~BAAAAAABAA.QA~BAAAAAQA.QA~BAAAAAABAA.QA~BAAAAAQA.QA~BAAAAAQA.QA~BAAAAABA.QA~BAAAAAAAQA.QA~BAAAAAQA.QA~BAAAAAQA.QA~BQAA.QA~BQAA.AAA~BQAA.AAA~BQAA.AAA";
    let encoded = "DBACOcGA~CPSG_8APSG_8ANwAAAENAAFgAAAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~BPSG_8APSG_8AAAAAAENAACAAAAAAAAAAAAAAAAAAA.YAAAAAAAAAA~1---~BAAAAAAAAQA.QA~BAAAAABA.QA~BAAAABA~BAAAAEA.QA~BAAAAAQA~BAAAAAEA.QA~BAAAAABA~BAAAAABA.QA~BAAAAAABAA.QA~BAAAAAQA.QA~BAAAAAABAA.QA~BAAAAAQA.QA~BAAAAAQA.QA~BAAAAABA.QA~BAAAAAAAQA.QA~BAAAAAQA.QA~BAAAAAQA.QA~BQAA.QA~BQAA.AAA~BQAA.AAA~BQAA.AAA";
    upstream(MODEL_TESTS, decoded);
    upstream(MODEL_TESTS, encoded);
    let gpp = GppString::decode(decoded).expect("decodes");
    assert_eq!(gpp.encode(), Ok(encoded.to_owned()));
    assert_eq!(round_trip(encoded), gpp);

    let ids: Vec<u16> = [2, 5, 6].into_iter().chain(7..=27).collect();
    assert_eq!(gpp.section_ids(), ids);
    let modelled = |s: &&Section| !matches!(s, Section::Other { .. });
    let names: Vec<_> = gpp
        .sections
        .iter()
        .filter(modelled)
        .map(Section::name)
        .collect();
    assert_eq!(
        names.len(),
        1 + 1 + 1 + 14,
        "tcfeuv2, usnat, usca and 14 states"
    );
    // Florida (13) has the common layout but is not a state of the opt-out regime; Maryland,
    // Indiana, Kentucky and Rhode Island (24 to 27) have layouts of their own.
    for id in [5, 6, 13, 24, 25, 26, 27] {
        assert!(
            matches!(gpp.section(id), Some(Section::Other { .. })),
            "{id}"
        );
    }
    // Every US section at its defaults: nothing applies, MSPA covered, GPC off where defined.
    let Some(Section::UsNat(usnat)) = gpp.section(7) else {
        panic!("no usnat")
    };
    assert_eq!(
        usnat,
        &UsNat {
            version: UsNatVersion::V1,
            ..reference_default_usnat()
        }
    );
    for state in UsState::ALL {
        let Some(Section::UsState(section)) = gpp.section(state.id()) else {
            panic!("no {}", state.name())
        };
        let expected = UsStateSection {
            mspa: covered(),
            gpc: state.has_gpc().then_some(false),
            ..UsStateSection::new(state)
        };
        assert_eq!(section, &expected, "{}", state.name());
    }
}

/// The reference library's MSPA defaults: covered, both modes not applicable.
pub(super) fn covered() -> Mspa {
    Mspa {
        covered_transaction: YesNo::Yes,
        ..Mspa::default()
    }
}

/// The reference library's default `UsNat`: every field 0 but a covered transaction, with the
/// GPC sub-section off.
pub(super) fn reference_default_usnat() -> UsNat {
    UsNat {
        mspa: covered(),
        gpc: Some(false),
        ..UsNat::default()
    }
}

#[test]
fn what_the_reference_library_refuses_is_refused() {
    // The header lists three sections, the string has two.
    let missing = "DBACOeA~CPSG_8APSG_8ANwAAAENAwCAAAAAAAAAAAAAAAAAAAAA.QAAA.IAAA~BPSG_8APSG_8AAyACAENGdCgf_gfgAfgfgBhADVqxGAD0AILVgAA.fHHHA4444ao";
    upstream(MODEL_TESTS, missing);
    assert_eq!(
        GppString::decode(missing),
        Err(GppError::SectionCount {
            listed: 3,
            found: 2
        })
    );
    upstream(MODEL_TESTS, "DBACOeA~~1YNN");
    assert_eq!(
        GppString::decode("DBACOeA~~1YNN"),
        Err(GppError::SectionCount {
            listed: 3,
            found: 2
        })
    );
    upstream(MODEL_TESTS, "invalid gpp string");
    assert!(GppString::decode("invalid gpp string").is_err());
    upstream(MODEL_TESTS, "z");
    assert!(GppString::decode("z").is_err());
    assert_eq!(GppString::decode(""), Err(GppError::Empty));
    // A bare TC string is not a GPP string (its first character, C, is type 2).
    let core = TC.split('.').next().unwrap_or_default();
    assert_eq!(GppString::decode(core), Err(GppError::NotGpp(2)));
}

#[test]
fn encoding_orders_sections_and_refuses_what_it_cannot_write() {
    let usnat = Section::UsNat(reference_default_usnat());
    let tcf = Section::TcfEuV2(TC.to_owned());
    let gpp = GppString {
        sections: vec![usnat.clone(), tcf.clone()],
    };
    let text = gpp.encode().expect("encodes");
    assert!(text.starts_with(&format!(
        "{}~{TC}~",
        header::encode(&[2, 7]).expect("header")
    )));
    assert_eq!(gpp.section_ids(), [2, 7]);

    let twice = GppString {
        sections: vec![usnat.clone(), usnat],
    };
    assert_eq!(twice.encode(), Err(GppError::DuplicateSection(7)));
    for bad in ["", "CP~SG", "CP SG", "CPé"] {
        let gpp = GppString {
            sections: vec![Section::TcfEuV2(bad.to_owned())],
        };
        assert_eq!(
            gpp.encode(),
            Err(GppError::InvalidSectionText { id: 2 }),
            "{bad:?}"
        );
    }
    let zero = GppString {
        sections: vec![Section::Other {
            id: 0,
            text: "A".into(),
        }],
    };
    assert_eq!(zero.encode(), Err(GppError::InvalidSectionId(0)));
}
