use consentry_config::{BannerSettings, Category, Regime};

use super::*;
use crate::{render, Assets, BannerView, CookieList};

fn entry(id: u16, name: &str, allowed_with: &[Category]) -> TcfEntry {
    TcfEntry {
        id,
        name: name.to_owned(),
        description: format!("What {name} is."),
        illustrations: vec![format!("An example of {name}.")],
        allowed_with: allowed_with.to_vec(),
        ..TcfEntry::default()
    }
}

fn used(id: u16, name: &str, days: Option<u32>) -> TcfUse {
    TcfUse {
        id,
        name: name.to_owned(),
        retention_days: days,
        english: false,
    }
}

fn layer() -> TcfLayer {
    use Category::{Analytics, Marketing, Preferences};
    TcfLayer {
        purposes: vec![
            entry(
                1,
                "Store and/or access information on a device",
                &[Preferences, Analytics, Marketing],
            ),
            entry(2, "Use limited data to select advertising", &[Marketing]),
            entry(8, "Measure content performance", &[Analytics]),
        ],
        special_purposes: vec![entry(
            1,
            "Ensure security, prevent and detect fraud, and fix errors",
            &[],
        )],
        features: vec![entry(
            1,
            "Match and combine data from other data sources",
            &[],
        )],
        special_features: vec![entry(1, "Use precise geolocation data", &[])],
        vendors: vec![
            TcfLayerVendor {
                id: 1,
                name: "Ads <One> & Co".to_owned(),
                consent: vec![
                    used(1, "Store and/or access information on a device", Some(397)),
                    used(2, "Use limited data to select advertising", Some(397)),
                ],
                legitimate_interest: vec![used(8, "Measure content performance", Some(397))],
                special_purposes: vec![used(1, "Ensure security", Some(397))],
                features: vec![used(1, "Match and combine data", None)],
                special_features: vec![used(1, "Use precise geolocation data", None)],
                data_categories: vec![used(1, "IP addresses", None)],
                storage: TcfStorage {
                    uses_cookies: Some(true),
                    cookie_max_age_seconds: Some(7_776_000),
                    cookie_refresh: Some(true),
                    uses_non_cookie_access: Some(true),
                },
                privacy_url: Some("https://one.example/privacy?a=1&b=\"2\"".to_owned()),
                legitimate_interest_url: Some("javascript:alert(1)".to_owned()),
                needs: vec![Marketing],
            },
            TcfLayerVendor {
                id: 2,
                name: "Two".to_owned(),
                consent: vec![
                    used(1, "Store and/or access information on a device", Some(30)),
                    used(8, "Measure content performance", Some(365)),
                ],
                storage: TcfStorage {
                    uses_cookies: Some(true),
                    cookie_max_age_seconds: Some(0),
                    ..TcfStorage::default()
                },
                privacy_url: Some("https://two.example/privacy".to_owned()),
                legitimate_interest_url: Some("https://two.example/li".to_owned()),
                needs: vec![Analytics],
                ..TcfLayerVendor::default()
            },
        ],
    }
}

fn banner(language: Language, decided: Option<&[Category]>, tcf: Option<&TcfLayer>) -> String {
    let settings = BannerSettings::default();
    let cookies = CookieList::new();
    let view = BannerView {
        language,
        decided,
        regime: Regime::OptIn,
        before_decision: &[],
        return_to: "/",
        privacy_url: None,
        endpoint: "/__consentry/consent",
        settings: &settings,
        cookies: &cookies,
        tcf,
    };
    render(&view, &Assets::new())
}

/// The TCF layer of a rendered banner.
fn part(html: &str) -> &str {
    let start = html
        .find("<details class=\"cy-tcf\">")
        .expect("the TCF layer");
    let end = html[start..].find("<button").expect("the buttons after it");
    &html[start..start + end]
}

#[test]
fn the_layer_sits_closed_in_the_settings_after_the_categories() {
    let layer = layer();
    let html = banner(Language::En, None, Some(&layer));
    assert!(html.is_ascii());
    let at = html.find("cy-tcf").expect("layer");
    assert!(html.find("data-c=\"marketing\"").expect("categories") < at);
    assert!(at < html.find("value=\"custom\"").expect("save"));
    assert!(at > html.find("id=\"consentry-settings\"").expect("settings"));
    // Closed, and no details in it opens by itself.
    let tcf = part(&html);
    assert!(!tcf.contains(" open"), "{tcf}");
    assert_eq!(
        tcf.matches("<details").count(),
        tcf.matches("</details>").count()
    );
    // No input of its own: the choice stays by category.
    assert!(!tcf.contains("<input"));
    // Outside every category block, so withdrawing a category forgets no cookie named here.
    assert!(!tcf.contains("<code>"));
}

#[test]
fn a_banner_without_tcf_has_none_of_it() {
    let with = banner(Language::En, None, Some(&layer()));
    let without = banner(Language::En, None, None);
    assert!(!without.contains("cy-tcf") && !without.contains("data-n="));
    assert_eq!(with.replace(part(&with), ""), without);
}

#[test]
fn purposes_features_and_vendors_are_listed() {
    let layer = layer();
    let html = banner(Language::En, None, Some(&layer));
    let tcf = part(&html);
    for text in [
        "<summary>Purposes and vendors (IAB TCF)</summary>",
        "This site relies on no legitimate interest",
        "objecting to a purpose means refusing it",
        "<summary>Purposes (3)</summary>",
        "<summary>Special purposes (1)</summary>",
        "you cannot object to them",
        "<summary>Features (1)</summary>",
        "<summary>Special features (1)</summary>",
        "no vendor may use them here",
        "<summary>Vendors (2)</summary>",
        "<summary>Use limited data to select advertising</summary><p>What Use limited data to select advertising is.</p><p>Allowed with: Marketing</p>",
        "<p>Allowed with: Preferences, Statistics or Marketing</p>",
        "<p>Examples:</p><ul><li>An example of Measure content performance.</li></ul>",
        "<dt>Purposes that need your consent</dt><dd>Store and/or access information on a device</dd><dd>Use limited data to select advertising</dd>",
        "<dt>Claimed as legitimate interest (not allowed here)</dt><dd>Measure content performance</dd>",
        "<dt>Special purposes</dt><dd>Ensure security</dd>",
        "<dt>Features</dt><dd>Match and combine data</dd>",
        "<dt>Special features</dt><dd>Use precise geolocation data</dd>",
        // One period for every purpose: said once.
        "<dt>Data retention</dt><dd>397 days</dd>",
        "<dt>Data collected</dt><dd>IP addresses</dd>",
        "<dt>Storage on your device</dt><dd>cookies for up to 3 months; renewed on later visits; also other storage, such as local storage</dd>",
        // Periods that differ: said per purpose.
        "<dd>Store and/or access information on a device (30 days)</dd><dd>Measure content performance (365 days)</dd>",
        "<dd>session cookies only</dd>",
        "<a href=\"https://two.example/privacy\" target=\"_blank\" rel=\"noopener noreferrer\">Privacy policy</a> &middot; <a href=\"https://two.example/li\" target=\"_blank\" rel=\"noopener noreferrer\">Legitimate interest claim</a>",
    ] {
        assert!(tcf.contains(text), "{text}\n{tcf}");
    }
    assert_eq!(tcf.matches("<dt>Data retention</dt>").count(), 1);
}

#[test]
fn everything_is_escaped_and_only_web_links_are_kept() {
    let mut layer = layer();
    layer.purposes[0].name = "<script>alert(1)</script>".to_owned();
    layer.purposes[0].illustrations = vec!["\"quoted\" & 'single'".to_owned()];
    layer.vendors[1].privacy_url = Some("https://two.example/p\" onclick=\"x".to_owned());
    let html = banner(Language::Fr, None, Some(&layer));
    assert!(html.is_ascii());
    let tcf = part(&html);
    assert!(
        !tcf.contains("<script>") && !tcf.contains("javascript:"),
        "{tcf}"
    );
    assert!(tcf.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(tcf.contains("<li>&quot;quoted&quot; &amp; &#39;single&#39;</li>"));
    assert!(tcf.contains("Ads &lt;One&gt; &amp; Co"));
    assert!(tcf.contains("href=\"https://one.example/privacy?a=1&amp;b=&quot;2&quot;\""));
    // A link with a space in it is no address: left out.
    assert!(!tcf.contains("onclick"), "{tcf}");
    assert_eq!(
        web_url(" HTTPS://a.example/x "),
        Some("HTTPS://a.example/x")
    );
    for bad in [
        "javascript:alert(1)",
        "data:text/html,x",
        "//a.example",
        "/relative",
        "https://a.example/\nx",
    ] {
        assert_eq!(web_url(bad), None, "{bad}");
    }
}

#[test]
fn each_vendor_shows_its_consent_under_the_choice_in_force() {
    let layer = layer();
    let state = |html: &str, vendor: &str| -> String {
        let at = html.find(vendor).expect("vendor");
        let span = &html[at..];
        let start = span.find("<span class=\"cy-").expect("state") + "<span class=\"cy-".len();
        span[start..start + 1].to_owned()
    };
    let none = banner(Language::En, None, Some(&layer));
    assert_eq!(state(&none, "Ads &lt;One&gt;"), "n");
    assert_eq!(state(&none, "Two <span"), "n");
    let marketing = banner(Language::En, Some(&[Category::Marketing]), Some(&layer));
    assert_eq!(state(&marketing, "Ads &lt;One&gt;"), "y");
    assert_eq!(state(&marketing, "Two <span"), "n");
    assert!(marketing.contains("<li data-n=\"marketing\"><details><summary>Ads &lt;One&gt; &amp; Co <span class=\"cy-y\">(consent)</span><span class=\"cy-n\">(no consent)</span></summary>"));
    // A vendor that asks for storage alone has consent with any category, none without.
    let any = TcfLayerVendor::default();
    assert!(!any.has_consent(&[]));
    assert!(any.has_consent(&[Category::Preferences]));
}

#[test]
fn the_stylesheet_follows_the_choice_for_every_category() {
    let css = std::str::from_utf8(Assets::new().css.body).expect("utf-8");
    // A vendor shows "consent" unless a category it needs is not in force, or none is.
    assert!(css.contains(".cy-y{display:var(--cy-y,inline)}.cy-n{display:var(--cy-n,none)}"));
    let rule = css
        .lines()
        .find(|l| l.ends_with("{--cy-y:none;--cy-n:inline}"))
        .expect("the rule that turns it round");
    assert!(
        rule.starts_with(".consentry[data-granted=\"\"] [data-n],"),
        "{rule}"
    );
    for c in [
        Category::Preferences,
        Category::Analytics,
        Category::Marketing,
    ] {
        let c = c.as_str();
        assert!(
            rule.contains(&format!(
                ".consentry:not([data-granted~={c}]) [data-n~={c}]"
            )),
            "{c}"
        );
    }
}

#[test]
fn words_in_four_languages_and_english_left_marked() {
    let mut layer = layer();
    layer.purposes[1].english = true;
    layer.purposes[2].english_illustrations = true;
    layer.vendors[0].data_categories[0].english = true;
    for (language, words) in [
        (
            Language::En,
            [
                "Purposes and vendors (IAB TCF)",
                "Allowed with: Marketing",
                "no consent",
            ],
        ),
        (
            Language::Nl,
            [
                "Doeleinden en leveranciers (IAB TCF)",
                "Toegestaan met: Marketing",
                "geen toestemming",
            ],
        ),
        (
            Language::De,
            [
                "Zwecke und Anbieter (IAB TCF)",
                "Erlaubt mit: Marketing",
                "keine Einwilligung",
            ],
        ),
        (
            Language::Fr,
            [
                "Finalit&#233;s et partenaires (IAB TCF)",
                "Autoris&#233;e avec : Marketing",
                "pas de consentement",
            ],
        ),
    ] {
        let html = banner(language, None, Some(&layer));
        assert!(html.is_ascii());
        let tcf = part(&html);
        for word in words {
            assert!(tcf.contains(word), "{language:?}: {word}\n{tcf}");
        }
        let marked = [
            "<summary lang=\"en\">Use limited data to select advertising</summary><p lang=\"en\">",
            "</p><ul lang=\"en\"><li>An example of Measure content performance.</li>",
            "<dd lang=\"en\">IP addresses</dd>",
        ];
        for mark in marked {
            assert_eq!(
                tcf.contains(mark),
                language != Language::En,
                "{language:?}: {mark}"
            );
        }
        // The category names are the banner's, as the site may have renamed them.
        let category = Texts::new(language, &[])
            .category(Category::Analytics)
            .to_owned();
        assert!(tcf.contains(&escape_html(&category)));
    }
    let nl = banner(Language::Nl, None, Some(&layer));
    assert!(part(&nl).contains("<dt>Bewaartermijn</dt><dd>397 dagen</dd>"));
    assert!(part(&nl).contains("cookies tot 3 maanden; verlengd bij latere bezoeken"));
    let de = banner(Language::De, None, Some(&layer));
    assert!(part(&de).contains("Cookies, h&#246;chstens 3 Monate"));
}

#[test]
fn lifetimes_in_the_largest_whole_unit() {
    let words = |s| lifetime(Language::En, seconds_lifetime(s));
    assert_eq!(words(31_536_000), "1 year");
    assert_eq!(words(7_776_000), "3 months");
    assert_eq!(words(397 * 86_400), "397 days");
    assert_eq!(words(397 * 86_400 + 5), "397 days");
    assert_eq!(words(7_200), "2 hours");
    assert_eq!(words(90), "2 minutes");
    assert_eq!(either(&["a"], "or"), "a");
    assert_eq!(either(&["a", "b", "c"], "or"), "a, b or c");
    assert_eq!(same([Some(1), Some(1)].into_iter()), Some(1));
    assert_eq!(same([Some(1), None].into_iter()), None);
    assert_eq!(same(std::iter::empty()), None);
}
