//! The TC strings the IAB publishes (the specification's examples and the reference
//! libraries' test vectors): each decodes, or is refused, as `testdata/tc-strings.tsv`
//! records, and decodes to what the reference library decodes it to.
//!
//! Expectations in `tc-strings.tsv`:
//! - `same`: decoding then encoding gives the same string back.
//! - `model`: encoding gives another string of the same model (decoding it gives what
//!   decoding the original gave); the comment above the line says why.
//! - `error:Variant`: decoding refuses it with that [`TcStringError`] variant.

use serde_json::Value;

use super::super::{decode, encode, TcStringError, VendorEncoding, VendorVector};
use super::{bit_runs, runs, set};

const VECTORS: &str = include_str!("../testdata/tc-strings.tsv");
const DECODED: &str = include_str!("../testdata/reference-decoded.jsonl");

struct Vector {
    expect: &'static str,
    source: &'static str,
    string: &'static str,
}

fn vectors() -> Vec<Vector> {
    VECTORS
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut cols = l.split('\t');
            let (Some(expect), Some(source), Some(string), None) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                panic!("not three columns: {l}")
            };
            Vector {
                expect,
                source,
                string,
            }
        })
        .collect()
}

fn variant(error: &TcStringError) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn every_published_string_decodes_as_recorded() {
    let vectors = vectors();
    assert!(vectors.len() >= 25, "{} vectors", vectors.len());
    let mut wrong = Vec::new();
    for v in &vectors {
        let got = match decode(v.string) {
            Err(e) => format!("error:{}", variant(&e)),
            Ok(model) => {
                let again = encode(&model).unwrap_or_else(|e| panic!("{}: {e}", v.source));
                if again == v.string {
                    "same".to_owned()
                } else {
                    let redecoded = decode(&again).unwrap_or_else(|e| panic!("{again}: {e}"));
                    assert_eq!(redecoded, model, "{} re-encodes to another model", v.source);
                    assert_eq!(encode(&redecoded).as_deref(), Ok(again.as_str()));
                    "model".to_owned()
                }
            }
        };
        if got != v.expect {
            wrong.push(format!("{}\t{}\t{}", got, v.source, v.string));
        }
    }
    assert!(wrong.is_empty(), "not as recorded:\n{}", wrong.join("\n"));
}

/// Every field the reference library (`@iabtechlabtcf/core` 1.5.21) decodes from each
/// string it accepts, against ours.
#[test]
fn fields_match_the_reference_library() {
    let mut checked = 0;
    for line in DECODED.lines().filter(|l| !l.is_empty()) {
        let r: Value = serde_json::from_str(line).expect("a JSON line");
        let s = r["tcString"].as_str().expect("tcString");
        let m = decode(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let text = |k: &str| r[k].as_str().unwrap_or_else(|| panic!("{k}")).to_owned();
        let num = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{k}"));
        let flag = |k: &str| r[k].as_bool().unwrap_or_else(|| panic!("{k}"));
        let vector =
            |v: &Option<VendorVector>| v.as_ref().map(|v| runs(&v.vendors)).unwrap_or_default();
        assert_eq!(m.created * 100, num("created"), "{s}");
        assert_eq!(m.last_updated * 100, num("lastUpdated"), "{s}");
        assert_eq!(u64::from(m.cmp_id), num("cmpId"), "{s}");
        assert_eq!(u64::from(m.cmp_version), num("cmpVersion"), "{s}");
        assert_eq!(u64::from(m.consent_screen), num("consentScreen"), "{s}");
        assert_eq!(m.consent_language.as_str(), text("consentLanguage"), "{s}");
        assert_eq!(
            u64::from(m.vendor_list_version),
            num("vendorListVersion"),
            "{s}"
        );
        assert_eq!(u64::from(m.tcf_policy_version), num("policyVersion"), "{s}");
        assert_eq!(m.is_service_specific, flag("isServiceSpecific"), "{s}");
        assert_eq!(m.use_non_standard_texts, flag("useNonStandardTexts"), "{s}");
        assert_eq!(bit_runs(m.special_feature_opt_ins), text("sf"), "{s}");
        assert_eq!(bit_runs(m.purposes_consent), text("pc"), "{s}");
        assert_eq!(bit_runs(m.purposes_li_transparency), text("pli"), "{s}");
        assert_eq!(m.purpose_one_treatment, flag("p1t"), "{s}");
        assert_eq!(m.publisher_cc.as_str(), text("pcc"), "{s}");
        assert_eq!(runs(&m.vendor_consents.vendors), text("vc"), "{s}");
        assert_eq!(
            runs(&m.vendor_legitimate_interests.vendors),
            text("vli"),
            "{s}"
        );
        assert_eq!(vector(&m.disclosed_vendors), text("disclosed"), "{s}");
        assert_eq!(vector(&m.allowed_vendors), text("allowed"), "{s}");
        let restrictions = r["restr"].as_object().expect("restr");
        assert_eq!(m.publisher_restrictions.len(), restrictions.len(), "{s}");
        for p in &m.publisher_restrictions {
            let key = format!("{}:{}", p.purpose_id, p.restriction_type.value());
            assert_eq!(
                Some(runs(&p.vendors).as_str()),
                restrictions[&key].as_str(),
                "{s} {key}"
            );
        }
        let publisher = m.publisher_tc.clone().unwrap_or_default();
        assert_eq!(bit_runs(publisher.purposes_consent), text("pubc"), "{s}");
        assert_eq!(
            bit_runs(publisher.purposes_li_transparency),
            text("publi"),
            "{s}"
        );
        assert_eq!(u64::from(publisher.num_custom_purposes), num("ncp"), "{s}");
        assert_eq!(
            bit_runs(publisher.custom_purposes_consent),
            text("pcc2"),
            "{s}"
        );
        assert_eq!(
            bit_runs(publisher.custom_purposes_li_transparency),
            text("pcli"),
            "{s}"
        );
        checked += 1;
    }
    assert_eq!(checked, 22);
}

/// What the reference libraries' own tests assert of their strings.
#[test]
fn known_values_from_the_reference_tests() {
    // iabtcf-java TCStringV2Test.testCanConstructTCModelFromBase64String.
    let m = decode("COtybn4PA_zT4KjACBENAPCIAEBAAECAAIAAAAAAAAAA").expect("decodes");
    assert_eq!(m.created, 15_800_580_600, "2020-01-26T17:01:00Z");
    assert_eq!(m.last_updated, 16_122_852_600, "2021-02-02T17:01:00Z");
    assert_eq!((m.cmp_id, m.cmp_version, m.consent_screen), (675, 2, 1));
    assert_eq!((m.vendor_list_version, m.tcf_policy_version), (15, 2));
    assert_eq!(
        (m.consent_language.as_str(), m.publisher_cc.as_str()),
        ("EN", "AA")
    );
    assert!(!m.is_service_specific && m.purpose_one_treatment && !m.use_non_standard_texts);
    assert_eq!(m.special_feature_opt_ins.iter().collect::<Vec<_>>(), [1]);
    assert_eq!(m.purposes_consent.iter().collect::<Vec<_>>(), [2, 10]);
    assert_eq!(
        m.purposes_li_transparency.iter().collect::<Vec<_>>(),
        [2, 9]
    );

    // testConstructConsentsFromBitFields, testCanParseDisclosedAndAllowedVendors.
    let core = "COrEAV4OrXx94ACABBENAHCIAD-AAAAAAACAAxAAAAgAIAwgAgAAAAEAgQAAAAAEAYQAQAAAACAAAABAAA";
    let m = decode(&format!("{core}.IBAgAAAgAIAwgAgAAAAEAAAACA.QAagAQAgAIAwgA")).expect("decodes");
    assert_eq!(bit_runs(m.purposes_consent), "3-9");
    assert_eq!(m.vendor_consents.vendors, set("23,37,47-48,53,65,98"));
    assert_eq!(
        m.vendor_legitimate_interests.vendors,
        set("37,47-48,53,65,98,129")
    );
    let allowed = m.allowed_vendors.expect("allowed vendors");
    assert_eq!(allowed.vendors, set("12,23,37,47-48,53"));
    let disclosed = m.disclosed_vendors.expect("disclosed vendors");
    assert_eq!(disclosed.vendors, set("23,37,47-48,53,65,98,129"));

    // testCanParseAllParts: a publisher TC segment with `=` padding, which we tolerate too.
    let all = format!("{core}.IBAgAAAgAIAwgAgAAAAEAAAACA.QAagAQAgAIAwgA.cAAAAAAAITg=");
    let publisher = decode(&all)
        .expect("decodes")
        .publisher_tc
        .expect("publisher TC");
    assert_eq!(publisher.purposes_consent.len(), 1);

    // testCanParseRangeEncodedVendorLegitimateInterests, testRange, testPurposesConsent.
    let m = decode("COv__-wOv__-wC2AAAENAPCgAAAAAAAAAAAAA_wAQA_gEBABAEAAAA").expect("decodes");
    assert_eq!(m.vendor_legitimate_interests.vendors, set("128"));
    let tail = ".IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAACEAAAAAgAQBAAAAAAAGBAAgAAAAAAAFAAECAAAgAAQARAEQAAAAAJAAIAAgAAAYQEAAAQmAgBC3ZAYzUw";
    let two = format!("COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAYFfAV-BVkAGBVYFWAAA{tail}");
    assert_eq!(
        decode(&two).expect("decodes").vendor_consents.vendors,
        set("702-703")
    );
    let one = format!("COwBOpCOwBOpCLqAAAENAPCAAAAAAAAAAAAAFfwAQFfgUbABAUaAAA{tail}");
    assert_eq!(
        decode(&one).expect("decodes").vendor_consents.vendors,
        set("703")
    );
    let m = decode("COwxsONOwxsONKpAAAENAdCAAMAAAAAAAAAAAAAAAAAA").expect("decodes");
    assert!(m.purposes_consent.contains(1) && m.purposes_consent.contains(2));

    // iabtcf-es ReportedIssues "201": a restriction written several times over merges.
    let m = decode(
        VECTORS
            .lines()
            .find_map(|l| l.split('\t').nth(2).filter(|s| s.starts_with("CO4VGsw")))
            .expect("the issue 201 string"),
    )
    .expect("decodes");
    let require_consent: Vec<_> = m
        .publisher_restrictions
        .iter()
        .filter(|r| r.purpose_id == 1 && r.restriction_type.value() == 1)
        .collect();
    assert_eq!(require_consent.len(), 1);
    assert_eq!(require_consent[0].vendors, set("7,20,71,122,140,183"));
}

/// The specification's example of TCF v2.3 (`CQSbk4…`): its fields, read by hand from the
/// bits, and what it says through the model's lookups.
#[test]
fn the_specification_example() {
    let s = "CQSbk4AQSbk4ANwAAAENAwCgAAAAAAAAAAYgACPAAAAA.IDKQA4AAgAKAGQAygAAA.YAAAAAAAAAAA";
    let m = decode(s).expect("decodes");
    assert_eq!(m.created, 17_489_088_000, "3 June 2025, a whole day");
    assert_eq!(m.created, m.last_updated);
    assert_eq!((m.cmp_id, m.vendor_list_version), (880, 48));
    assert_eq!(m.publisher_cc.as_str(), "DE");
    assert!(m.is_service_specific);
    assert!(m.vendor_consents.contains(4) && !m.vendor_consents.contains(5));
    let disclosed = m.disclosed_vendors.as_ref().expect("disclosed vendors");
    assert_eq!(disclosed.vendors, set("1-5,100,404"));
    assert_eq!(disclosed.encoding, Some(VendorEncoding::Range));
    assert_eq!(m.publisher_tc, Some(Default::default()));
    assert_eq!(encode(&m).as_deref(), Ok(s));
}
