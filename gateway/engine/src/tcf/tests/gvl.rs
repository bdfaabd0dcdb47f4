//! The Global Vendor List and its translations, on real lists.

use super::super::gvl::{Declared, LegalBasis, Section, Untranslated};
use super::super::{decode, encode, Gvl, GvlError, GvlTranslation, TcModel};

/// iabtcf-java's GVL v3 sample: every purpose, stack and data category, two vendors.
const V15: &str = include_str!("../testdata/gvl/vendor-list-v15.json");
/// iabtcf-es's copy of a whole GVL v3 (vendor list version 7, 376 vendors).
const V7: &str = include_str!("../testdata/gvl/vendor-list-v7.json");
const DE: &str = include_str!("../testdata/gvl/purposes-de.json");
const FR: &str = include_str!("../testdata/gvl/purposes-fr.json");
const NL: &str = include_str!("../testdata/gvl/purposes-nl.json");

fn v7() -> Gvl {
    Gvl::parse(V7).expect("the vendor list reads")
}

#[test]
fn a_small_list_reads_whole() {
    let gvl = Gvl::parse(V15).expect("the vendor list reads");
    assert_eq!(
        (
            gvl.gvl_specification_version,
            gvl.vendor_list_version,
            gvl.tcf_policy_version
        ),
        (3, 15, 4)
    );
    assert_eq!(gvl.last_updated, "2023-08-24T16:07:27Z");
    assert_eq!(gvl.language, "en");
    let counts = (
        gvl.purposes.len(),
        gvl.special_purposes.len(),
        gvl.features.len(),
        gvl.special_features.len(),
        gvl.stacks.len(),
        gvl.data_categories.len(),
        gvl.vendors.len(),
    );
    assert_eq!(counts, (11, 2, 3, 2, 43, 11, 2));
    let vendor = gvl.vendor(1).expect("vendor 1");
    assert_eq!(vendor.name, "Exponential Interactive, Inc d/b/a VDX.tv");
    assert_eq!(vendor.purposes, [1, 2, 3, 4, 7, 8, 9, 10]);
    assert_eq!(vendor.flexible_purposes, [7, 8, 9, 10]);
    assert_eq!(vendor.special_purposes, [1, 2]);
    assert_eq!(vendor.features, [1, 2, 3]);
    assert_eq!(vendor.cookie_max_age_seconds, Some(7_776_000));
    assert_eq!(vendor.uses_cookies, Some(true));
    assert_eq!(vendor.cookie_refresh, Some(true));
    assert_eq!(vendor.uses_non_cookie_access, Some(false));
    assert_eq!(vendor.retention_days(7), Some(397));
    assert_eq!(vendor.data_declaration, [1, 3, 4, 6, 8, 10, 11]);
    assert_eq!(
        vendor.device_storage_disclosure_url.as_deref(),
        Some("https://vdxtv.expo.workers.dev")
    );
    assert_eq!(
        vendor.urls_for("nl").map(|u| u.privacy.as_str()),
        Some("https://vdx.tv/privacy/")
    );
    assert!(!vendor.is_deleted());
}

#[test]
fn a_whole_list_and_its_lookups() {
    let gvl = v7();
    assert_eq!((gvl.vendor_list_version, gvl.tcf_policy_version), (7, 4));
    assert_eq!(gvl.vendors.len(), 376);
    assert_eq!(gvl.active_vendors().count(), 376);
    assert_eq!(gvl.purposes.len(), 11);
    let purpose = gvl.purpose(2).expect("purpose 2");
    assert_eq!(purpose.name, "Use limited data to select advertising");
    assert_eq!(purpose.illustrations.len(), 2);
    assert!(
        purpose.consentable && purpose.right_to_object,
        "absent means true"
    );
    assert_eq!(
        gvl.data_category(1).map(|d| d.name.as_str()),
        Some("IP addresses")
    );
    let stack = gvl.stack(1).expect("stack 1");
    assert_eq!(
        (stack.purposes.len(), stack.special_features.as_slice()),
        (0, &[1, 2][..])
    );
    assert!(gvl.special_purpose(2).is_some() && gvl.feature(3).is_some());
    assert!(gvl.special_feature(2).is_some() && gvl.special_feature(3).is_none());

    // What a vendor declares, on which legal basis.
    let google = gvl.vendor(755).expect("vendor 755");
    assert_eq!(google.name, "Google Advertising Products");
    let consent = Declared {
        basis: LegalBasis::Consent,
        flexible: false,
    };
    assert_eq!(google.purpose(1), Some(consent));
    assert_eq!(google.purpose(4), Some(consent));
    assert_eq!(
        google.purpose(2),
        Some(Declared {
            basis: LegalBasis::LegitimateInterest,
            flexible: true
        })
    );
    assert_eq!(google.purpose(5), None);
    assert_eq!(google.special_purposes, [1, 2]);
    assert_eq!(
        (google.retention_days(3), google.retention_days(2)),
        (Some(180), Some(548))
    );
    assert_eq!(
        google
            .data_retention
            .as_ref()
            .map(|r| r.special_purposes[&1]),
        Some(1096)
    );
    assert_eq!(
        google.urls_for("de").map(|u| u.lang_id.as_str()),
        Some("en"),
        "else English"
    );
    assert!(gvl.vendors_for_purpose(1).any(|v| v.id == 755));
    assert!(!gvl.vendors_for_purpose(5).any(|v| v.id == 755));

    // A vendor without cookies, and one with a URL limit.
    let no_cookies = gvl.vendor(26).expect("vendor 26");
    assert_eq!(
        (no_cookies.uses_cookies, no_cookies.cookie_max_age_seconds),
        (Some(false), None)
    );
    assert_eq!(
        gvl.vendor(6)
            .and_then(|v| v.overflow)
            .map(|o| o.http_get_limit),
        Some(32)
    );
    assert!(gvl.vendor(3).is_none());
}

#[test]
fn translations_replace_the_texts_and_say_what_they_left() {
    for (lang, json, purpose_one) in [
        (
            "de",
            DE,
            "Informationen auf einem Gerät speichern und/oder abrufen",
        ),
        (
            "fr",
            FR,
            "Stocker et/ou accéder à des informations stockées sur un terminal",
        ),
        ("nl", NL, "Informatie op een apparaat opslaan en/of openen"),
    ] {
        let translation = GvlTranslation::parse(json).expect("the translation reads");
        let mut gvl = v7();
        let english = gvl.clone();
        let left = gvl.translate(lang, &translation).expect("applies");
        assert_eq!(gvl.language, lang);
        assert_eq!(
            gvl.purpose(1).map(|p| p.name.as_str()),
            Some(purpose_one),
            "{lang}"
        );
        assert_ne!(
            gvl.stack(1).map(|s| &s.name),
            english.stack(1).map(|s| &s.name)
        );
        assert_eq!(
            gvl.vendors, english.vendors,
            "vendor declarations are not translated"
        );
        // These files are of GVL v2 (policy version 2): purposes 1 to 10 without their
        // illustrations, no purpose 11, stacks 1 to 37 of 43, no data categories.
        let whole = |section| {
            left.iter()
                .filter(|u: &&Untranslated| u.section == section && !u.illustrations_only)
                .map(|u| u.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(whole(Section::Purposes), [11], "{lang}");
        assert_eq!(
            whole(Section::Stacks),
            (38..=43).collect::<Vec<_>>(),
            "{lang}"
        );
        assert_eq!(
            whole(Section::DataCategories),
            (1..=11).collect::<Vec<_>>(),
            "{lang}"
        );
        assert!(whole(Section::Features).is_empty() && whole(Section::SpecialFeatures).is_empty());
        assert!(left.contains(&Untranslated {
            section: Section::Purposes,
            id: 2,
            illustrations_only: true
        }));
        assert_eq!(gvl.purpose(11), english.purpose(11), "left in English");
    }
}

#[test]
fn a_translation_with_illustrations_and_of_another_policy() {
    let json = r#"{"gvlSpecificationVersion":3,"vendorListVersion":7,"tcfPolicyVersion":4,
        "purposes":{"1":{"id":1,"name":"Opslaan","description":"Beschrijving",
        "illustrations":["Voorbeeld"]}},"dataCategories":{"1":{"id":1,"name":"IP-adressen",
        "description":"Het IP-adres"}}}"#;
    let translation = GvlTranslation::parse(json).expect("reads");
    let mut gvl = v7();
    let left = gvl.translate("NL", &translation).expect("applies");
    let purpose = gvl.purpose(1).expect("purpose 1");
    assert_eq!(
        (purpose.name.as_str(), purpose.illustrations.as_slice()),
        ("Opslaan", &["Voorbeeld".to_owned()][..])
    );
    assert_eq!(
        gvl.data_category(1).map(|d| d.name.as_str()),
        Some("IP-adressen")
    );
    assert_eq!(gvl.language, "nl");
    assert!(!left
        .iter()
        .any(|u| u.section == Section::Purposes && u.id == 1));
    let other = json.replace("\"tcfPolicyVersion\":4", "\"tcfPolicyVersion\":5");
    let translation = GvlTranslation::parse(&other).expect("reads");
    assert!(matches!(
        v7().translate("nl", &translation),
        Err(GvlError::PolicyMismatch {
            list: 4,
            translation: 5
        })
    ));
}

#[test]
fn lists_that_do_not_read_say_why() {
    let head = r#""vendorListVersion":1,"tcfPolicyVersion":5,"lastUpdated":"2026-01-01T00:00:00Z""#;
    let v2 = format!(r#"{{"gvlSpecificationVersion":2,{head},"vendors":{{}}}}"#);
    assert!(matches!(
        Gvl::parse(&v2),
        Err(GvlError::UnsupportedSpecification(2))
    ));
    let mismatch = format!(
        r#"{{"gvlSpecificationVersion":3,{head},"vendors":{{"8":{{"id":9,"name":"A"}}}}}}"#
    );
    let err = Gvl::parse(&mismatch).expect_err("key and id differ");
    assert_eq!(err.to_string(), "vendors entry \"8\" has id 9");
    let missing = format!(r#"{{"gvlSpecificationVersion":3,{head}}}"#);
    let err = Gvl::parse(&missing).expect_err("no vendors");
    assert!(err.to_string().contains("missing field `vendors`"), "{err}");
    let bad = format!(
        "{{\"gvlSpecificationVersion\":3,{head},\n\"vendors\":{{\"1\":{{\"id\":1,\"name\":5}}}}}}"
    );
    let err = Gvl::parse(&bad).expect_err("a number for a name");
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(Gvl::parse("<html>").is_err() && Gvl::parse("").is_err());

    // Fields this model does not know are ignored; a deleted vendor is marked so.
    let extra = format!(
        r#"{{"gvlSpecificationVersion":3,{head},"newTopLevel":[1],"vendors":{{"1":{{"id":1,
        "name":"A","purposes":[1],"somethingNew":{{"x":1}},"cookieMaxAgeSeconds":86400.5,
        "deletedDate":"2026-06-01T00:00:00Z"}}}}}}"#
    );
    let gvl = Gvl::parse(&extra).expect("reads");
    let vendor = gvl.vendor(1).expect("vendor 1");
    assert_eq!(vendor.cookie_max_age_seconds, Some(86_400));
    assert!(vendor.is_deleted());
    assert_eq!(gvl.active_vendors().count(), 0);
    assert_eq!(gvl.vendors_for_purpose(1).count(), 0);
}

/// A TC string made from a list: every purpose and every vendor of the v15 sample granted,
/// as "Accept all" would.
#[test]
fn a_tc_string_from_a_list() {
    let gvl = Gvl::parse(V15).expect("reads");
    let mut m = TcModel {
        vendor_list_version: gvl.vendor_list_version,
        tcf_policy_version: gvl.tcf_policy_version,
        purposes_consent: gvl.purposes.keys().copied().collect(),
        special_feature_opt_ins: gvl.special_features.keys().copied().collect(),
        vendor_consents: gvl
            .active_vendors()
            .filter(|v| !v.purposes.is_empty())
            .map(|v| v.id)
            .collect(),
        disclosed_vendors: Some(gvl.active_vendors().map(|v| v.id).collect()),
        ..TcModel::default()
    };
    m.set_updated(1_796_392_400);
    let back = decode(&encode(&m).expect("encodes")).expect("decodes");
    assert_eq!(back.vendor_list_version, 15);
    assert_eq!(back.purposes_consent.len(), 11);
    for vendor in gvl.active_vendors() {
        assert!(back
            .disclosed_vendors
            .as_ref()
            .is_some_and(|d| d.contains(vendor.id)));
    }
}
