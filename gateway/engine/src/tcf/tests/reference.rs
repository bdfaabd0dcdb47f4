//! Our encoder against what the IAB's reference encoder (`@iabtechlabtcf/core` 1.5.21)
//! writes for the same input: vendor sections (where it chooses between a bitfield and
//! ranges) and whole models (core, disclosed vendors and publisher TC segments). The inputs
//! were drawn at random and encoded by the reference; `testdata/SOURCES.md` has the script.

use serde_json::Value;

use super::super::bits::{BitReader, BitWriter};
use super::super::vendors::write_vector;
use super::super::{decode, encode, Alpha2, IdBits, PublisherTc, TcModel, VendorVector};
use super::set;

const VENDOR_VECTORS: &str = include_str!("../testdata/reference-vendor-vectors.tsv");
const MODELS: &str = include_str!("../testdata/reference-models.jsonl");

/// Each line: the vendors, the bit length the reference wrote, its bits as base64url.
#[test]
fn vendor_sections_are_the_reference_encoders() {
    let mut count = 0;
    for line in VENDOR_VECTORS.lines().filter(|l| !l.is_empty()) {
        let mut cols = line.split('\t');
        let (Some(ids), Some(bits), Some(expected)) = (cols.next(), cols.next(), cols.next())
        else {
            panic!("not three columns: {line}")
        };
        let bits: usize = bits.parse().expect("a bit length");
        let mut w = BitWriter::default();
        write_vector(&mut w, &VendorVector::new(set(ids)), "test").expect("encodes");
        let ours = w.finish(super::super::bits::PADDING);
        assert_eq!(ours, expected, "vendors {ids}");
        // Same string, and the bits past the reference's length are padding.
        let mut r = BitReader::new(&ours).expect("base64url");
        r.read(bits as u32 % 64).expect("the bits");
        for _ in 0..bits / 64 {
            r.read(64).expect("the bits");
        }
        while r.remaining() > 0 {
            assert_eq!(r.read(1), Some(0), "vendors {ids}: padding");
        }
        count += 1;
    }
    assert!(count > 200, "{count} lines");
}

fn small(v: &Value) -> IdBits {
    v.as_array()
        .expect("an array of ids")
        .iter()
        .map(|id| id.as_u64().expect("an id") as u8)
        .collect()
}

fn model_of(r: &Value) -> TcModel {
    let num = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{k}"));
    let flag = |k: &str| r[k].as_bool().unwrap_or_else(|| panic!("{k}"));
    let code = |k: &str| Alpha2::new(r[k].as_str().expect(k)).expect(k);
    let vendors = |k: &str| VendorVector::new(set(r[k].as_str().expect(k)));
    let publisher = (!r["publisher"].is_null()).then(|| {
        let p = &r["publisher"];
        PublisherTc {
            purposes_consent: small(&p["consents"]),
            purposes_li_transparency: small(&p["legitimateInterests"]),
            num_custom_purposes: p["numCustomPurposes"].as_u64().expect("count") as u8,
            custom_purposes_consent: small(&p["customConsents"]),
            custom_purposes_li_transparency: small(&p["customLegitimateInterests"]),
        }
    });
    TcModel {
        created: num("created"),
        last_updated: num("lastUpdated"),
        cmp_id: num("cmpId") as u16,
        cmp_version: num("cmpVersion") as u16,
        consent_screen: num("consentScreen") as u8,
        consent_language: code("consentLanguage"),
        vendor_list_version: num("vendorListVersion") as u16,
        tcf_policy_version: num("policyVersion") as u8,
        is_service_specific: flag("isServiceSpecific"),
        use_non_standard_texts: flag("useNonStandardTexts"),
        special_feature_opt_ins: small(&r["specialFeatureOptins"]),
        purposes_consent: small(&r["purposeConsents"]),
        purposes_li_transparency: small(&r["purposeLegitimateInterests"]),
        purpose_one_treatment: flag("purposeOneTreatment"),
        publisher_cc: code("publisherCountryCode"),
        vendor_consents: vendors("vendorConsents"),
        vendor_legitimate_interests: vendors("vendorLegitimateInterests"),
        publisher_restrictions: Vec::new(),
        disclosed_vendors: Some(vendors("vendorsDisclosed")),
        allowed_vendors: None,
        publisher_tc: publisher,
    }
}

/// Whole models, built by hand here as the reference built them, encode to its strings,
/// and its strings decode to them.
#[test]
fn models_encode_to_the_reference_strings() {
    let mut count = 0;
    for line in MODELS.lines().filter(|l| !l.is_empty()) {
        let r: Value = serde_json::from_str(line).expect("a JSON line");
        let expected = r["tcString"].as_str().expect("tcString");
        let model = model_of(&r);
        assert_eq!(encode(&model).as_deref(), Ok(expected), "{line}");
        let decoded = decode(expected).expect("decodes");
        // A decoded section remembers MaxVendorId and its encoding; the rest is the model.
        let forget = |v: &VendorVector| VendorVector::new(v.vendors.clone());
        let mut plain = decoded.clone();
        plain.vendor_consents = forget(&decoded.vendor_consents);
        plain.vendor_legitimate_interests = forget(&decoded.vendor_legitimate_interests);
        plain.disclosed_vendors = decoded.disclosed_vendors.as_ref().map(forget);
        assert_eq!(plain, model, "{expected}");
        count += 1;
    }
    assert_eq!(count, 50);
}
