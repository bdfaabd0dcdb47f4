//! Models built by hand: they encode, decode back to themselves, and refuse values that do
//! not fit their fields.

use super::super::{
    day_deciseconds, decode, encode, Alpha2, IdBits, PublisherRestriction, PublisherTc,
    RestrictionType, TcEncodeError, TcModel, VendorEncoding, VendorSet, VendorVector,
    DISCLOSED_VENDORS_MANDATORY_FROM, TCF_POLICY_VERSION,
};
use super::set;

/// What Consentry would write after "Accept all" on a site using a few vendors.
fn accepted() -> TcModel {
    let mut m = TcModel {
        cmp_id: 300,
        cmp_version: 7,
        consent_screen: 1,
        consent_language: Alpha2::new("nl").expect("a language"),
        vendor_list_version: 141,
        publisher_cc: Alpha2::new("NL").expect("a country"),
        special_feature_opt_ins: [1].into_iter().collect(),
        purposes_consent: (1..=11).collect(),
        purposes_li_transparency: [2, 7, 8, 9, 10, 11].into_iter().collect(),
        vendor_consents: [755u16, 793, 1, 2, 3, 4, 5].into_iter().collect(),
        vendor_legitimate_interests: [755u16, 2].into_iter().collect(),
        publisher_restrictions: vec![PublisherRestriction {
            purpose_id: 2,
            restriction_type: RestrictionType::RequireConsent,
            vendors: set("10-12,755"),
        }],
        disclosed_vendors: Some(
            [755u16, 793, 1, 2, 3, 4, 5, 10, 11, 12]
                .into_iter()
                .collect(),
        ),
        publisher_tc: Some(PublisherTc {
            purposes_consent: [1, 3].into_iter().collect(),
            purposes_li_transparency: IdBits::new(),
            num_custom_purposes: 2,
            custom_purposes_consent: [2].into_iter().collect(),
            custom_purposes_li_transparency: [1].into_iter().collect(),
        }),
        ..TcModel::default()
    };
    // 3 December 2026, 14:03:20 UTC.
    m.set_updated(1_796_392_400);
    m
}

#[test]
fn a_model_built_by_hand_comes_back_whole() {
    let model = accepted();
    assert_eq!(model.created, day_deciseconds(1_796_392_400));
    assert_eq!(model.created % 864_000, 0, "a whole day");
    let s = encode(&model).expect("encodes");
    assert_eq!(
        s.split('.').count(),
        3,
        "core, disclosed vendors, publisher TC: {s}"
    );
    assert!(
        s.split('.').all(|seg| seg.len() % 4 == 0),
        "24-bit groups: {s}"
    );
    let back = decode(&s).expect("decodes");
    // The decoded sections remember what the encoder chose.
    assert_eq!(back.vendor_consents.encoding, Some(VendorEncoding::Range));
    assert_eq!(back.vendor_consents.max_vendor_id, 793);
    assert_eq!(back.vendor_consents.vendors, model.vendor_consents.vendors);
    let mut expected = model.clone();
    expected.vendor_consents = back.vendor_consents.clone();
    expected.vendor_legitimate_interests = back.vendor_legitimate_interests.clone();
    expected.disclosed_vendors = back.disclosed_vendors.clone();
    assert_eq!(back, expected);
    assert_eq!(encode(&back).as_deref(), Ok(s.as_str()));
    assert_eq!(back.consent_language.as_str(), "NL");
    assert_eq!(back.tcf_policy_version, TCF_POLICY_VERSION);
    assert!(back.vendor_consents.contains(755) && !back.vendor_consents.contains(6));
    assert_eq!(
        back.restrictions_for(2, 11).collect::<Vec<_>>(),
        [RestrictionType::RequireConsent]
    );
    assert_eq!(back.restrictions_for(2, 13).count(), 0);
}

#[test]
fn the_default_model_is_a_v2_3_string_granting_nothing() {
    let s = encode(&TcModel::default()).expect("encodes");
    let m = decode(&s).expect("decodes");
    assert_eq!(m.tcf_policy_version, 5);
    assert!(m.is_service_specific);
    assert!(m.purposes_consent.is_empty() && m.vendor_consents.vendors.is_empty());
    assert_eq!(
        m.disclosed_vendors.map(|d| d.vendors),
        Some(VendorSet::new())
    );
    assert_eq!(m.publisher_tc, None);
    assert_eq!(
        (m.consent_language, m.publisher_cc),
        (Alpha2::EN, Alpha2::AA)
    );
}

#[test]
fn a_v2_3_string_needs_its_disclosed_vendors() {
    let mut m = accepted();
    m.disclosed_vendors = None;
    assert_eq!(encode(&m), Err(TcEncodeError::MissingDisclosedVendors(5)));
    // Before 28 February 2026, or under an older policy, it was optional.
    m.created = DISCLOSED_VENDORS_MANDATORY_FROM - 864_000;
    assert!(encode(&m).is_ok());
    m.created = DISCLOSED_VENDORS_MANDATORY_FROM;
    m.tcf_policy_version = 4;
    let s = encode(&m).expect("encodes");
    assert_eq!(s.split('.').count(), 2, "core and publisher TC: {s}");
}

#[test]
fn values_that_do_not_fit_are_refused() {
    let refused = |change: fn(&mut TcModel)| {
        let mut m = accepted();
        change(&mut m);
        encode(&m).expect_err("does not fit")
    };
    assert_eq!(
        refused(|m| m.cmp_id = 4096),
        TcEncodeError::TooLarge {
            field: "CmpId",
            value: 4096,
            bits: 12
        }
    );
    assert!(matches!(
        refused(|m| m.consent_screen = 64),
        TcEncodeError::TooLarge {
            field: "ConsentScreen",
            ..
        }
    ));
    assert!(matches!(
        refused(|m| m.created = 1 << 36),
        TcEncodeError::TooLarge {
            field: "Created",
            ..
        }
    ));
    assert_eq!(
        refused(|m| {
            m.purposes_consent.insert(25);
        }),
        TcEncodeError::IdOutOfRange {
            field: "PurposesConsent",
            id: 25,
            max: 24
        }
    );
    assert!(matches!(
        refused(|m| {
            m.special_feature_opt_ins.insert(13);
        }),
        TcEncodeError::IdOutOfRange {
            field: "SpecialFeatureOptIns",
            ..
        }
    ));
    assert!(matches!(
        refused(|m| {
            if let Some(p) = m.publisher_tc.as_mut() {
                p.custom_purposes_consent.insert(3);
            }
        }),
        TcEncodeError::IdOutOfRange {
            field: "CustomPurposesConsent",
            id: 3,
            max: 2
        }
    ));
    assert!(matches!(
        refused(|m| m.publisher_restrictions[0].purpose_id = 0),
        TcEncodeError::IdOutOfRange { id: 0, .. }
    ));
    assert!(matches!(
        refused(|m| {
            // Every other id: 4096 runs, one more than NumEntries holds.
            m.publisher_restrictions[0].vendors = (1..=4096u16).map(|i| i * 2).collect();
        }),
        TcEncodeError::TooManyEntries { entries: 4096, .. }
    ));
    // A vendor section that cannot be ranges falls back to a bitfield when free to choose.
    let mut m = accepted();
    m.vendor_consents = (1..=5000u16).map(|i| i * 2).collect();
    let back = decode(&encode(&m).expect("encodes")).expect("decodes");
    assert_eq!(
        back.vendor_consents.encoding,
        Some(VendorEncoding::Bitfield)
    );
    assert_eq!(back.vendor_consents.vendors.len(), 5000);
    // ... and is refused when told to write ranges.
    m.vendor_consents.encoding = Some(VendorEncoding::Range);
    assert!(matches!(
        encode(&m),
        Err(TcEncodeError::TooManyEntries {
            field: "vendor consents",
            entries: 5000
        })
    ));
}

#[test]
fn a_section_keeps_its_max_vendor_id_and_encoding() {
    let mut m = accepted();
    m.vendor_consents = VendorVector {
        vendors: set("3,9"),
        max_vendor_id: 900,
        encoding: Some(VendorEncoding::Bitfield),
    };
    let back = decode(&encode(&m).expect("encodes")).expect("decodes");
    assert_eq!(back.vendor_consents, m.vendor_consents);
    // A max below the highest vendor is raised to it.
    m.vendor_consents.max_vendor_id = 2;
    let back = decode(&encode(&m).expect("encodes")).expect("decodes");
    assert_eq!(back.vendor_consents.max_vendor_id, 9);
}

#[test]
fn the_encoder_chooses_as_the_reference_does() {
    let choice = |ids: &str| VendorVector::new(set(ids)).encoding_for();
    // Up to MaxVendorId 45 always a bitfield, even where ranges are as short.
    assert_eq!(choice("1-45"), VendorEncoding::Bitfield);
    // 46 in a row: one range entry is a bit shorter than 46 bits.
    assert_eq!(choice("1-46"), VendorEncoding::Range);
    // A gap in 48: two entries are longer than the bitfield.
    assert_eq!(choice("1-23,25-48"), VendorEncoding::Bitfield);
    // Vendors 2 and 46: both encodings take 63 bits; the reference counts a single id as
    // 16 bits (it is 17) and so picks ranges.
    assert_eq!(choice("2,46"), VendorEncoding::Range);
    // A dense set over many ids.
    assert_eq!(choice("1-700,702-900"), VendorEncoding::Range);
    assert_eq!(
        VendorVector::new((1..=300u16).filter(|i| i % 3 != 0).collect()).encoding_for(),
        VendorEncoding::Bitfield
    );
}

#[test]
fn sets_hold_runs() {
    let mut s = VendorSet::new();
    assert!(!s.insert(0), "no vendor 0");
    assert!(s.insert(5) && s.insert(7) && s.insert(6));
    assert!(s.insert_range(1..=3));
    let (high, low) = (9, 8);
    assert!(!s.insert_range(high..=low), "an empty range");
    assert_eq!(format!("{s:?}"), "{1-3, 5-7}");
    assert!(s.insert(4));
    assert_eq!(s.runs().count(), 1);
    assert!(s.remove(4) && !s.remove(4) && !s.remove(100));
    assert_eq!(s, set("1-3,5-7"));
    assert_eq!((s.len(), s.max()), (6, Some(7)));
    assert_eq!(s.iter().collect::<Vec<_>>(), [1, 2, 3, 5, 6, 7]);
    assert!(s.contains(1) && s.contains(7) && !s.contains(4) && !s.contains(0) && !s.contains(8));
    let mut big = VendorSet::new();
    assert!(big.insert_range(1..=u16::MAX));
    assert_eq!(big.len(), 65_535);
    big.union(&s);
    assert_eq!(big.runs().count(), 1);
    let mut bits = IdBits::new();
    assert!(!bits.insert(0) && !bits.insert(65) && bits.insert(64) && bits.insert(1));
    assert_eq!((bits.max(), bits.len()), (64, 2));
    assert_eq!(format!("{bits:?}"), "{1, 64}");
    assert!(
        Alpha2::new("e").is_none() && Alpha2::new("e1").is_none() && Alpha2::new("ééé").is_none()
    );
    assert_eq!(
        Alpha2::new("fr").map(|a| a.to_string()),
        Some("FR".to_owned())
    );
}
