use consentry_banner::{render, Assets, BannerView, CookieList};
use consentry_config::{BannerSettings, Regime, SiteTcf, TcfSettings};

use super::*;

const LIST: &str = include_str!("../tcf/testdata/gvl/vendor-list-v15.json");
/// Translations of GVL v2 (no illustrations, no data categories, no purpose 11): they test the
/// mechanism, not the wording of policy version 4.
const NL: &str = include_str!("../tcf/testdata/gvl/purposes-nl.json");
const DE: &str = include_str!("../tcf/testdata/gvl/purposes-de.json");
const FR: &str = include_str!("../tcf/testdata/gvl/purposes-fr.json");

fn translated() -> TranslatedGvl {
    let mut list = TranslatedGvl::new(Gvl::parse(LIST).expect("list"));
    for (language, text) in [(Language::Nl, NL), (Language::De, DE), (Language::Fr, FR)] {
        let translation = GvlTranslation::parse(text).expect("translation");
        list.translate(language, &translation).expect("same policy");
    }
    list
}

/// The site's vendors as the site's TCF engine has them: 1 and 2 from the list, 3 not in it.
fn site(list: &Gvl) -> SiteTcfEngine {
    let site = SiteTcf {
        vendors: vec![1, 2, 3],
        ..SiteTcf::default()
    };
    let described = TcfVendor::described(list, &site.vendors);
    SiteTcfEngine::new(&TcfSettings::default(), &site, Some(list), &described)
}

fn names(entries: &[TcfEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.name.as_str()).collect()
}

#[test]
fn the_english_layer_lists_the_list_and_what_each_vendor_declares() {
    let list = translated();
    let tcf = site(list.gvl());
    let layer = list.layer(Language::En, tcf.vendors());
    assert_eq!(layer.purposes.len(), 11);
    assert_eq!(
        names(&layer.special_purposes),
        [
            "Ensure security, prevent and detect fraud, and fix errors",
            "Deliver and present advertising and content"
        ],
        "names trimmed"
    );
    assert_eq!(layer.features.len(), 3);
    assert_eq!(layer.special_features.len(), 2);
    let storage = &layer.purposes[0];
    assert_eq!(storage.name, "Store and/or access information on a device");
    assert!(storage
        .description
        .starts_with("Cookies, device or similar online identifiers"));
    assert_eq!(storage.illustrations.len(), 1);
    assert!(
        !storage.english && !storage.english_illustrations,
        "English is the list's own"
    );
    assert_eq!(
        storage.allowed_with,
        [
            Category::Preferences,
            Category::Analytics,
            Category::Marketing
        ]
    );
    let allowed = |id: usize| layer.purposes[id - 1].allowed_with.clone();
    assert_eq!(allowed(2), [Category::Marketing]);
    assert_eq!(allowed(8), [Category::Analytics]);
    assert_eq!(allowed(11), [Category::Preferences]);
    assert!(layer.special_purposes[0].allowed_with.is_empty());

    let vendor_names: Vec<&str> = layer.vendors.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        vendor_names,
        [
            "Exponential Interactive, Inc d/b/a VDX.tv",
            "Captify Technologies Limited",
            "Vendor 3"
        ]
    );
    let vdx = &layer.vendors[0];
    let ids = |uses: &[TcfUse]| uses.iter().map(|u| u.id).collect::<Vec<_>>();
    assert_eq!(ids(&vdx.consent), [1, 2, 3, 4, 7, 8, 9, 10]);
    assert!(vdx.consent.iter().all(|u| u.retention_days == Some(397)));
    assert_eq!(
        vdx.consent[1].name,
        "Use limited data to select advertising"
    );
    assert!(vdx.legitimate_interest.is_empty());
    assert_eq!(ids(&vdx.special_purposes), [1, 2]);
    assert_eq!(vdx.special_purposes[0].retention_days, Some(397));
    assert_eq!(ids(&vdx.features), [1, 2, 3]);
    assert!(vdx.special_features.is_empty());
    assert_eq!(ids(&vdx.data_categories), [1, 3, 4, 6, 8, 10, 11]);
    assert_eq!(vdx.data_categories[0].name, "IP addresses");
    assert_eq!(
        vdx.storage,
        TcfStorage {
            uses_cookies: Some(true),
            cookie_max_age_seconds: Some(7_776_000),
            cookie_refresh: Some(true),
            uses_non_cookie_access: Some(false),
        }
    );
    assert_eq!(vdx.privacy_url.as_deref(), Some("https://vdx.tv/privacy/"));
    assert!(vdx
        .legitimate_interest_url
        .as_deref()
        .is_some_and(|u| u.ends_with("Legitimate-Interest-Publishers-v2.pdf")));
    assert_eq!(vdx.needs, [Category::Analytics, Category::Marketing]);
    let captify = &layer.vendors[1];
    assert_eq!(ids(&captify.special_features), [2]);
    assert_eq!(
        captify.special_features[0].name,
        "Actively scan device characteristics for identification"
    );
    assert_eq!(captify.storage.cookie_max_age_seconds, Some(31_536_000));
    // Not in the list: named, asking what advertising needs, nothing else known.
    let unknown = &layer.vendors[2];
    assert_eq!(ids(&unknown.consent), [1, 2, 3, 4, 7]);
    assert_eq!(unknown.needs, [Category::Marketing]);
    assert!(unknown.privacy_url.is_none() && unknown.data_categories.is_empty());
}

#[test]
fn each_vendors_consent_is_the_one_the_tc_string_gives() {
    let list = translated();
    let tcf = site(list.gvl());
    let layer = list.layer(Language::En, tcf.vendors());
    for bits in 0..8u8 {
        let allowed: Vec<Category> = OPTIONAL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, c)| c)
            .collect();
        let grants = Grants::of(allowed.iter().copied());
        let consented = tcf.consented(grants);
        for vendor in &layer.vendors {
            assert_eq!(
                vendor.has_consent(&allowed),
                consented.contains(vendor.id),
                "vendor {} under {allowed:?}",
                vendor.id
            );
        }
    }
}

#[test]
fn translations_are_used_where_published_and_english_stays_marked() {
    let list = translated();
    let tcf = site(list.gvl());
    assert_eq!(
        list.languages().collect::<Vec<_>>(),
        [Language::Nl, Language::De, Language::Fr]
    );
    let nl = list.layer(Language::Nl, tcf.vendors());
    let first = &nl.purposes[0];
    assert_eq!(
        first.name,
        "Informatie op een apparaat opslaan en/of openen"
    );
    assert!(!first.english);
    // The translation (of GVL v2) has no illustrations: they stay English, and say so.
    assert!(first.illustrations[0].starts_with("Most purposes explained in this notice"));
    assert!(first.english_illustrations);
    // Purpose 11 is not in it at all.
    let eleven = &nl.purposes[10];
    assert_eq!(eleven.name, "Use limited data to select content");
    assert!(eleven.english && eleven.english_illustrations);
    // A vendor's lists use the same names; data categories stay English.
    let vdx = &nl.vendors[0];
    assert_eq!(vdx.consent[0].name, first.name);
    assert!(!vdx.consent[0].english);
    assert_eq!(vdx.data_categories[0].name, "IP addresses");
    assert!(vdx.data_categories[0].english);
    assert_eq!(
        nl.special_features[1].name,
        "De apparaat kenmerken actief scannen voor identificatie"
    );
    for (language, name) in [
        (
            Language::De,
            "Informationen auf einem Ger\u{e4}t speichern und/oder abrufen",
        ),
        (
            Language::Fr,
            "Stocker et/ou acc\u{e9}der \u{e0} des informations stock\u{e9}es sur un terminal",
        ),
    ] {
        assert_eq!(list.layer(language, tcf.vendors()).purposes[0].name, name);
    }
    // The declarations are the vendors' own, in every language.
    assert_eq!(
        nl.vendors[0].needs,
        [Category::Analytics, Category::Marketing]
    );
    assert_eq!(
        nl.vendors[0].privacy_url.as_deref(),
        Some("https://vdx.tv/privacy/")
    );

    // Without a translation, a language is English throughout, marked as such.
    let english_only = TranslatedGvl::new(list.gvl().clone());
    let de = english_only.layer(Language::De, tcf.vendors());
    assert_eq!(
        de.purposes[0].name,
        "Store and/or access information on a device"
    );
    assert!(de
        .purposes
        .iter()
        .all(|p| p.english && p.english_illustrations));
    assert!(de.vendors[0].consent.iter().all(|u| u.english));
    let en = english_only.layer(Language::En, tcf.vendors());
    assert!(!en.purposes[0].english && !en.vendors[0].consent[0].english);
}

#[test]
fn a_translation_of_another_policy_is_refused_and_english_stays() {
    let mut list = TranslatedGvl::new(Gvl::parse(LIST).expect("list"));
    let other = GvlTranslation::parse(
        r#"{"tcfPolicyVersion": 2, "purposes": {"1": {"id": 1, "name": "Oud", "description": "Oud"}}}"#,
    )
    .expect("reads");
    assert!(matches!(
        list.translate(Language::Nl, &other),
        Err(GvlError::PolicyMismatch {
            list: 4,
            translation: 2
        })
    ));
    assert_eq!(list.languages().count(), 0);
    let tcf = site(list.gvl());
    assert_eq!(
        list.layer(Language::Nl, tcf.vendors()).purposes[0].name,
        "Store and/or access information on a device"
    );
    // English needs none, and takes none.
    list.translate(Language::En, &other).expect("nothing to do");
    assert_eq!(list.languages().count(), 0);
}

#[test]
fn a_deleted_vendor_is_not_shown() {
    let mut gvl = Gvl::parse(LIST).expect("list");
    if let Some(v) = gvl.vendors.get_mut(&2) {
        v.deleted_date = Some("2024-01-01T00:00:00Z".to_owned());
    }
    let tcf = site(&gvl);
    let layer = TranslatedGvl::new(gvl).layer(Language::En, tcf.vendors());
    let ids: Vec<u16> = layer.vendors.iter().map(|v| v.id).collect();
    assert_eq!(ids, [1, 3]);
}

#[test]
fn the_layers_of_a_site_are_in_every_language_and_render_in_the_banner() {
    let list = translated();
    let tcf = site(list.gvl());
    let layers = list.layers(tcf.vendors());
    let settings = BannerSettings::default();
    let cookies = CookieList::new();
    for (language, purpose) in [
        (Language::En, "Store and/or access information on a device"),
        (
            Language::Nl,
            "Informatie op een apparaat opslaan en/of openen",
        ),
        (
            Language::De,
            "Informationen auf einem Ger&#228;t speichern und/oder abrufen",
        ),
        (
            Language::Fr,
            "Stocker et/ou acc&#233;der &#224; des informations stock&#233;es sur un terminal",
        ),
    ] {
        let layer = layers.get(language).expect("every language");
        let html = render(
            &BannerView {
                language,
                decided: None,
                regime: Regime::OptIn,
                before_decision: &[],
                return_to: "/",
                privacy_url: None,
                endpoint: "/__consentry/consent",
                settings: &settings,
                cookies: &cookies,
                tcf: Some(layer),
            },
            &Assets::new(),
        );
        assert!(html.is_ascii());
        assert!(
            html.contains(&format!("<summary>{purpose}</summary>")),
            "{language:?}"
        );
        assert!(html.contains("Captify Technologies Limited"));
        assert!(html.contains("href=\"https://www.captifytechnologies.com/privacy-notice/\""));
        assert!(html.contains("<li data-n=\"analytics marketing\">"));
    }
    assert!(TcfLayers::default().get(Language::En).is_none());
}
