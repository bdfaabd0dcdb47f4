use consentry_config::{BannerPosition, BannerTheme, Regime, TextOverride};

use super::*;

fn view<'a>(
    decided: Option<&'a [Category]>,
    settings: &'a BannerSettings,
    cookies: &'a CookieList,
) -> BannerView<'a> {
    BannerView {
        language: Language::Nl,
        decided,
        regime: Regime::OptIn,
        before_decision: &[],
        return_to: "/shop?x=\"1\"",
        privacy_url: Some("/privacy"),
        endpoint: "/__consentry/consent",
        settings,
        cookies,
        tcf: None,
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
    assert!(html.contains(" data-regime=\"opt-in\">"));
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

const OPTIONAL: [Category; 3] = [
    Category::Preferences,
    Category::Analytics,
    Category::Marketing,
];

fn in_regime<'a>(
    regime: Regime,
    language: Language,
    decided: Option<&'a [Category]>,
    settings: &'a BannerSettings,
    cookies: &'a CookieList,
) -> BannerView<'a> {
    BannerView {
        language,
        regime,
        before_decision: if regime == Regime::OptIn {
            &[]
        } else {
            &OPTIONAL
        },
        ..view(decided, settings, cookies)
    }
}

/// The `<a id="consentry-opt-out" ...>...</a>` element of a rendered banner.
fn opt_out_element(html: &str) -> Option<&str> {
    let start = html.find("<a id=\"consentry-opt-out\"")?;
    let end = html[start..].find("</a>")?;
    Some(&html[start..start + end + "</a>".len()])
}

#[test]
fn nothing_is_shown_where_no_regime_applies() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    for decided in [None, Some(&[Category::Analytics][..])] {
        for language in Language::ALL {
            let v = in_regime(Regime::None, language, decided, &settings, &cookies);
            assert_eq!(render(&v, &assets), "");
        }
    }
}

#[test]
fn opt_in_is_marked_and_otherwise_unchanged() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let html = render(&view(None, &settings, &cookies), &assets);
    assert!(html.contains("role=\"dialog\""));
    assert!(!html.contains("cy-notice") && !html.contains("consentry-opt-out"));
    let decided = render(
        &view(Some(&[Category::Analytics]), &settings, &cookies),
        &assets,
    );
    assert!(decided.contains(" data-regime=\"opt-in\"><summary class=\"cy-manage\">"));
    assert!(decided.ends_with("</details>"));
    assert!(!decided.contains("consentry-opt-out"));
}

#[test]
fn opt_out_notice_links_to_the_opt_out_page_without_blocking() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let v = in_regime(Regime::OptOut, Language::En, None, &settings, &cookies);
    let html = render(&v, &assets);
    assert!(html.is_ascii());
    assert!(html.starts_with(
        "<div id=\"consentry\" class=\"consentry cy-notice cy-bottom\" lang=\"en\" data-granted=\"preferences analytics marketing\""
    ));
    assert!(html.contains(" data-regime=\"opt-out\">"));
    assert!(!html.contains("role=\"dialog\"") && !html.contains("tabindex"));
    assert!(
        html.contains("<div class=\"cy-box\" role=\"region\" aria-label=\"Cookies on this site\">")
    );
    assert!(html.contains("including for advertising"));
    assert_eq!(
        opt_out_element(&html),
        Some("<a id=\"consentry-opt-out\" class=\"cy-dns\" href=\"/__consentry/opt-out\">Do Not Sell or Share My Personal Information</a>")
    );
    // The settings layer is there, with what runs switched on.
    assert!(html.contains("<details class=\"cy-set\"><summary>Cookie settings</summary>"));
    for c in OPTIONAL {
        assert!(html.contains(&format!("name=\"{}\" value=\"on\" checked", c.as_str())));
    }
    assert!(html.contains(
        "<div class=\"cy-actions\"><button type=\"submit\" name=\"action\" value=\"custom\">Save choices</button><button type=\"submit\" name=\"action\" value=\"reject_all\">Reject all</button></div></fieldset>"
    ));
    assert!(html.contains("value=\"accept_all\">OK</button>"));
    assert!(html.contains("method=\"post\" action=\"/__consentry/consent\""));
    assert!(html.ends_with("</div>"));
}

#[test]
fn opt_out_switches_show_what_runs_before_a_decision() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    // Under Global Privacy Control, marketing does not run.
    let gpc = [Category::Preferences, Category::Analytics];
    let v = BannerView {
        before_decision: &gpc,
        ..in_regime(Regime::OptOut, Language::En, None, &settings, &cookies)
    };
    let html = render(&v, &assets);
    assert!(html.contains("data-granted=\"preferences analytics\""));
    assert!(html.contains("name=\"marketing\" value=\"on\" aria"));
    assert!(html.contains("name=\"analytics\" value=\"on\" checked"));
}

#[test]
fn opt_out_link_stays_beside_the_control_after_a_decision() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let decided = [Category::Preferences, Category::Analytics];
    let v = in_regime(
        Regime::OptOut,
        Language::En,
        Some(&decided),
        &settings,
        &cookies,
    );
    let html = render(&v, &assets);
    assert!(html.starts_with(
        "<details id=\"consentry\" class=\"consentry consentry-manage cy-bottom\" lang=\"en\" data-granted=\"preferences analytics\""
    ));
    assert!(html.contains(
        " data-regime=\"opt-out\"><summary class=\"cy-manage\">Cookie settings</summary>"
    ));
    assert!(html.contains("<details class=\"cy-set\" open><summary>Settings</summary>"));
    assert!(html.contains("value=\"accept_all\">Accept all</button>"));
    assert_eq!(html.matches("id=\"consentry-opt-out\"").count(), 1);
    assert!(html.ends_with(
        "</script></details><a id=\"consentry-opt-out\" class=\"consentry cy-dns\" lang=\"en\" href=\"/__consentry/opt-out\">Do Not Sell or Share My Personal Information</a>"
    ));
}

#[test]
fn opt_out_link_in_every_language() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let expected = [
        (Language::En, "Do Not Sell or Share My Personal Information"),
        (Language::Nl, "Mijn persoonsgegevens niet verkopen of delen"),
        (
            Language::De,
            "Meine personenbezogenen Daten nicht verkaufen oder weitergeben",
        ),
        (
            Language::Fr,
            "Ne pas vendre ni partager mes informations personnelles",
        ),
    ];
    for (language, text) in expected {
        for decided in [None, Some(&[Category::Analytics][..])] {
            let v = in_regime(Regime::OptOut, language, decided, &settings, &cookies);
            let html = render(&v, &assets);
            assert!(html.is_ascii(), "{language:?}");
            assert!(html.contains(&format!("lang=\"{}\"", language.code())));
            let link = opt_out_element(&html).expect("opt-out link");
            assert!(
                link.ends_with(&format!("href=\"{OPT_OUT_PATH}\">{text}</a>")),
                "{link}"
            );
        }
    }
}

#[test]
fn notice_informs_and_lets_categories_be_refused() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let v = in_regime(Regime::Notice, Language::En, None, &settings, &cookies);
    let html = render(&v, &assets);
    assert!(html.starts_with("<div id=\"consentry\" class=\"consentry cy-notice cy-bottom\""));
    assert!(html.contains(" data-regime=\"notice\">"));
    assert!(!html.contains("role=\"dialog\""));
    assert!(html.contains("<p id=\"cy-text\">We use cookies to make this site work"));
    assert!(html.contains(" <a href=\"/privacy\">Privacy statement</a></p>"));
    assert!(html.contains("value=\"accept_all\">OK</button>"));
    assert!(html.contains("value=\"reject_all\">Reject all</button>"));
    assert!(html.contains("id=\"consentry-settings\""));
    assert!(!html.contains("consentry-opt-out"));
    assert_eq!(
        html.matches(" checked").count(),
        4,
        "nothing is blocked before a decision"
    );

    let decided = render(
        &in_regime(
            Regime::Notice,
            Language::En,
            Some(&[Category::Preferences]),
            &settings,
            &cookies,
        ),
        &assets,
    );
    assert!(decided.starts_with("<details id=\"consentry\" class=\"consentry consentry-manage"));
    assert!(decided.contains(" data-regime=\"notice\"><summary class=\"cy-manage\">"));
    assert!(decided.contains("data-granted=\"preferences\""));
    assert!(decided.ends_with("</details>"));
    assert!(!decided.contains("consentry-opt-out"));
}

#[test]
fn notices_in_every_language_have_their_own_words() {
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let mut seen = Vec::new();
    for regime in [Regime::Notice, Regime::OptOut] {
        for language in Language::ALL {
            let html = render(
                &in_regime(regime, language, None, &settings, &cookies),
                &assets,
            );
            assert!(html.is_ascii());
            let text = html
                .split("<p id=\"cy-text\">")
                .nth(1)
                .and_then(|s| s.split(" <a href").next())
                .expect("notice text")
                .to_owned();
            assert!(!seen.contains(&text), "{text}");
            seen.push(text);
        }
    }
    let html = render(
        &in_regime(Regime::OptOut, Language::De, None, &settings, &cookies),
        &assets,
    );
    assert!(html.contains("auch f&#252;r Werbung"));
}

#[test]
fn notice_and_opt_out_texts_are_replaceable_and_escaped() {
    let assets = Assets::new();
    let text = |key: &str, text: &str| TextOverride {
        language: "en".into(),
        key: key.into(),
        text: text.into(),
    };
    let settings = BannerSettings {
        texts: vec![
            text("opt_out_link", "<b>Opt</b> \"out\""),
            text("opt_out_body", "Ads & <i>more</i>"),
            text("notice_body", "<script>x</script>"),
            text("acknowledge", "Fine 'by' me"),
        ],
        ..BannerSettings::default()
    };
    let cookies = demo_cookies();
    let v = BannerView {
        return_to: "/a\"><script>alert(1)</script>",
        privacy_url: Some("/p?a=1&b=\"2\""),
        ..in_regime(Regime::OptOut, Language::En, None, &settings, &cookies)
    };
    let html = render(&v, &assets);
    assert!(!html.contains("<b>") && !html.contains("<i>") && !html.contains("alert(1)</script>"));
    assert!(html.contains(">&lt;b&gt;Opt&lt;/b&gt; &quot;out&quot;</a>"));
    assert!(html.contains("Ads &amp; &lt;i&gt;more&lt;/i&gt;"));
    assert!(html.contains("value=\"/a&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""));
    assert!(html.contains("href=\"/p?a=1&amp;b=&quot;2&quot;\""));
    let decided = render(
        &in_regime(Regime::OptOut, Language::En, Some(&[]), &settings, &cookies),
        &assets,
    );
    assert!(decided.ends_with(">&lt;b&gt;Opt&lt;/b&gt; &quot;out&quot;</a>"));
    let notice = render(
        &in_regime(Regime::Notice, Language::En, None, &settings, &cookies),
        &assets,
    );
    assert!(notice.contains("<p id=\"cy-text\">&lt;script&gt;x&lt;/script&gt;"));
    assert!(notice.contains(">Fine &#39;by&#39; me</button>"));
}

#[test]
fn opt_out_page_posts_an_opt_out_and_escapes_the_way_back() {
    let assets = Assets::new();
    let settings = BannerSettings::default();
    let html = opt_out_page(
        Language::En,
        &settings,
        "/__consentry/consent",
        "/shop?x=\"1\"&y=<2>",
        false,
        Some("/privacy?a=1&b=2"),
        &assets,
    );
    assert!(html.is_ascii());
    assert!(html.starts_with("<!doctype html><html lang=\"en\">"));
    assert!(html.contains("<title>Do Not Sell or Share My Personal Information</title>"));
    assert!(html.contains(&format!(
        "<link rel=\"stylesheet\" href=\"{}\">",
        assets.css.path
    )));
    assert!(!html.contains("<script") && !html.contains("style="));
    assert!(html.contains("<form method=\"post\" action=\"/__consentry/consent\">"));
    assert!(html.contains("<input type=\"hidden\" name=\"action\" value=\"opt_out\">"));
    assert!(html.contains(
        "<input type=\"hidden\" name=\"return_to\" value=\"/shop?x=&quot;1&quot;&amp;y=&lt;2&gt;\">"
    ));
    assert!(html.contains("<button type=\"submit\">Opt out</button>"));
    assert!(html.contains("advertising and cross-site tracking cookies and scripts"));
    assert!(html.contains("Global Privacy Control"));
    assert!(html.contains("<a href=\"/shop?x=&quot;1&quot;&amp;y=&lt;2&gt;\">Back to the site</a>"));
    assert!(html.contains("<a href=\"/privacy?a=1&amp;b=2\">Privacy statement</a>"));
    assert!(!html.contains("You have opted out"));
    assert!(html.ends_with("</html>"));
}

#[test]
fn opt_out_page_confirms_an_opt_out_in_every_language() {
    let assets = Assets::new();
    let settings = BannerSettings::default();
    for language in Language::ALL {
        let html = opt_out_page(
            language,
            &settings,
            "/__consentry/consent",
            "/",
            true,
            None,
            &assets,
        );
        assert!(html.is_ascii(), "{language:?}");
        assert!(html.starts_with(&format!(
            "<!doctype html><html lang=\"{}\">",
            language.code()
        )));
        assert!(!html.contains("<form") && !html.contains("opt_out"));
        assert!(html.contains("<p class=\"cy-done\" role=\"status\">"));
        assert_eq!(html.matches("<a href").count(), 1, "only the way back");
    }
    let en = opt_out_page(Language::En, &settings, "/c", "/", true, None, &assets);
    assert!(en.contains("role=\"status\">You have opted out"));
    let fr = opt_out_page(Language::Fr, &settings, "/c", "/", false, None, &assets);
    assert!(fr.contains("<title>Ne pas vendre ni partager mes informations personnelles</title>"));
    assert!(fr.contains("Refuser la vente et le partage</button>"));
}

#[test]
fn opt_out_page_escapes_the_site_texts_and_endpoint() {
    let assets = Assets::new();
    let settings = BannerSettings {
        texts: vec![TextOverride {
            language: "nl".into(),
            key: "opt_out_button".into(),
            text: "<img src=x onerror=alert(1)>".into(),
        }],
        ..BannerSettings::default()
    };
    let html = opt_out_page(
        Language::Nl,
        &settings,
        "/c?\"x\"",
        "/",
        false,
        None,
        &assets,
    );
    assert!(html.contains("action=\"/c?&quot;x&quot;\""));
    assert!(html.contains(">&lt;img src=x onerror=alert(1)&gt;</button>"));
    assert!(html.contains("<title>Mijn persoonsgegevens niet verkopen of delen</title>"));
}

#[test]
fn the_opt_out_page_is_one_of_consentrys_own_paths() {
    assert!(OPT_OUT_PATH.starts_with(crate::ASSET_PREFIX));
}

#[test]
fn the_way_back_appears_once_in_every_regime_and_state() {
    // The gateway keeps a rendered banner and puts each page's way back in at that one place.
    let assets = Assets::new();
    let (settings, cookies) = (BannerSettings::default(), demo_cookies());
    let mark = "/\u{1}mark\u{1}";
    for regime in [Regime::OptIn, Regime::OptOut, Regime::Notice] {
        for decided in [None, Some(&[Category::Marketing][..])] {
            let v = BannerView {
                return_to: mark,
                ..in_regime(regime, Language::Fr, decided, &settings, &cookies)
            };
            assert_eq!(render(&v, &assets).matches(mark).count(), 1, "{regime}");
        }
    }
}
