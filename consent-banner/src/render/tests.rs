use consentry_config::{BannerPosition, BannerTheme, TextOverride};

use super::*;

fn view<'a>(
    decided: Option<&'a [Category]>,
    settings: &'a BannerSettings,
    cookies: &'a CookieList,
) -> BannerView<'a> {
    BannerView {
        language: Language::Nl,
        decided,
        return_to: "/shop?x=\"1\"",
        privacy_url: Some("/privacy"),
        endpoint: "/__consentry/consent",
        settings,
        cookies,
    }
}

fn demo_cookies() -> CookieList {
    let mut cookies = CookieList::new();
    cookies.add_cookie("consentry", Category::Necessary, "1 year".parse().ok());
    cookies.add_vendor("Google Analytics", Category::Analytics);
    cookies.add_vendor("Meta (Facebook)", Category::Marketing);
    cookies
}

#[test]
fn undecided_banner_offers_equal_choices_and_works_without_script() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let html = render(&view(None, &settings, &cookies), &assets);
    assert!(html.is_ascii());
    assert!(html.starts_with("<div id=\"consentry\" class=\"consentry cy-bottom\" lang=\"nl\""));
    assert!(html.contains("value=\"accept_all\">Alles accepteren</button>"));
    assert!(html.contains("value=\"reject_all\">Alles weigeren</button>"));
    assert!(html.contains("method=\"post\" action=\"/__consentry/consent\""));
    assert!(html.contains("<div class=\"cy-box\" role=\"dialog\" aria-labelledby=\"cy-title\""));
    assert!(html.contains("value=\"/shop?x=&quot;1&quot;\""));
    assert_eq!(
        html.matches(" checked").count(),
        1,
        "only the necessary switch is on"
    );
    assert!(html.contains("<input type=\"checkbox\" checked disabled"));
    assert!(html.contains(&assets.js.path));
    assert!(html.contains("id=\"consentry-settings\""));
    assert!(html.ends_with("</div>"));
}

#[test]
fn settings_list_vendors_cookies_and_lifetimes_per_category() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let html = render(&view(None, &settings, &cookies), &assets);
    let analytics = html
        .split("data-c=\"analytics\"")
        .nth(1)
        .and_then(|s| s.split("data-c=\"marketing\"").next())
        .expect("analytics block");
    assert!(
        analytics.contains("Google Analytics: <code>_ga</code> (2 jaar)"),
        "{analytics}"
    );
    assert!(analytics.contains("<code>_gid</code> (1 dag)"));
    assert!(analytics.contains("Tellen bezoeken"));
    assert!(html.contains("Deze site: <code>consentry</code> (1 jaar)"));
    assert!(html.contains("<code>_fbp</code>"));
}

#[test]
fn decided_banner_is_a_settings_control_with_current_choices() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let html = render(
        &view(Some(&[Category::Analytics]), &settings, &cookies),
        &assets,
    );
    assert!(html
        .starts_with("<details id=\"consentry\" class=\"consentry consentry-manage cy-bottom\""));
    assert!(html.contains("data-granted=\"analytics\""));
    assert!(html.contains("<summary class=\"cy-manage\">Cookie-instellingen</summary>"));
    assert!(html.contains("name=\"analytics\" value=\"on\" checked"));
    assert!(html.contains("name=\"marketing\" value=\"on\" aria"));
    assert!(html.contains("<details class=\"cy-set\" open>"));
}

#[test]
fn every_language_is_ascii_and_complete() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    for language in Language::ALL {
        let mut v = view(None, &settings, &cookies);
        v.language = language;
        let html = render(&v, &assets);
        assert!(html.is_ascii(), "{language:?}");
        assert!(html.contains(&format!("lang=\"{}\"", language.code())));
    }
    let mut v = view(None, &settings, &cookies);
    v.language = Language::De;
    let html = render(&v, &assets);
    assert!(html.contains("Datenschutzerkl&#228;rung"));
}

#[test]
fn site_texts_theme_and_position_are_applied_and_escaped() {
    let assets = Assets::new();
    let settings = BannerSettings {
        languages: vec![],
        position: BannerPosition::Center,
        theme: BannerTheme {
            accent: Some("#005a32".into()),
            ..BannerTheme::default()
        },
        texts: vec![TextOverride {
            language: "nl".into(),
            key: "title".into(),
            text: "Koekjes <script>alert(1)</script> & meer".into(),
        }],
    };
    let cookies = demo_cookies();
    let html = render(&view(None, &settings, &cookies), &assets);
    assert!(html.contains("class=\"consentry cy-center\""));
    assert!(html.contains(
        "<h2 id=\"cy-title\">Koekjes &lt;script&gt;alert(1)&lt;/script&gt; &amp; meer</h2>"
    ));
    assert!(html.contains("<style id=\"consentry-theme\">.consentry{--cy-bg:#ffffff;--cy-fg:#1d1d1f;--cy-accent:#005a32;--cy-accent-fg:#ffffff;}</style>"));
}

#[test]
fn placeholder_needs_no_inline_style() {
    let assets = Assets::new();
    let html = embed_placeholder(
        Language::Nl,
        &BannerSettings::default(),
        &assets,
        "YouTube",
        Category::Marketing,
    );
    assert!(!html.contains("style="));
    assert!(html.contains("YouTube") && html.contains("marketing"));
    assert!(html.contains(&assets.css.path));
}

#[test]
fn the_served_script_is_the_source_without_comments_or_indentation() {
    let assets = Assets::new();
    let js = std::str::from_utf8(assets.js.body).expect("utf-8");
    assert!(
        js.starts_with("(function (d, w) {\n\"use strict\";"),
        "{js}"
    );
    assert!(!js
        .lines()
        .any(|l| l.starts_with("//") || l.starts_with(' ')));
    assert!(js.ends_with("})(document, window);"));
}
