use super::*;

const TRACKERS: &str = r#"
[[tracker]]
host = "google-analytics.com"
vendor = "Google Analytics"
category = "analytics"

[[tracker]]
host = "googletagmanager.com"
vendor = "Google Tag Manager"
category = "analytics"

[[tracker]]
host = "connect.facebook.net"
vendor = "Meta"
category = "marketing"

[[tracker]]
host = "facebook.com"
vendor = "Meta"
category = "marketing"

[[tracker]]
host = "t.co"
vendor = "X"
category = "marketing"

[[tracker]]
host = "google.com"
vendor = "Google"
category = "marketing"

[[tracker]]
host = "google.de"
vendor = "Google"
category = "marketing"

[[tracker]]
host = "maps.googleapis.com"
vendor = "Google Maps"
category = "marketing"
kind = "embed"

[[tracker]]
host = "paypal.com"
vendor = "PayPal"
category = "necessary"

[[signature]]
pattern = "fbq("
vendor = "Meta Pixel"
category = "marketing"

[[signature]]
pattern = "gtag("
vendor = "Google tag"
category = "analytics"

[[path]]
pattern = "/recaptcha/"
host = "google.com"
vendor = "Google reCAPTCHA"
category = "necessary"

[[path]]
pattern = "/maps/embed"
host = "google.com"
vendor = "Google Maps"
category = "marketing"

[[path]]
pattern = "/pagead/"
host = "google.*"
vendor = "Google Ads"
category = "marketing"

[[path]]
pattern = "/matomo.js"
vendor = "Matomo"
category = "analytics"

[[path]]
pattern = "/matomo.php"
vendor = "Matomo"
category = "analytics"

[[path]]
pattern = "/gtm.js?id="
vendor = "Google Tag Manager"
category = "analytics"

[[path]]
pattern = "/js/script.js"
host = "plausible.*"
vendor = "Plausible"
category = "analytics"
"#;

fn index() -> TrackerIndex {
    let catalogue = Catalogue::parse(
        "[[cookie]]\nname = \"x\"\nvendor = \"X\"\ncategory = \"necessary\"\npurpose = \"X.\"\nlifetime = \"session\"\n",
        TRACKERS,
    )
    .expect("test catalogue");
    TrackerIndex::new(&catalogue)
}

fn vendor_of_url(idx: &TrackerIndex, url: &str) -> Option<String> {
    idx.for_url(url).map(|t| t.vendor.to_owned())
}

fn vendor_of_script(idx: &TrackerIndex, text: &str) -> Option<String> {
    idx.for_inline_script(text).map(|t| t.vendor.to_owned())
}

#[test]
fn hosts_match_themselves_and_subdomains() {
    let idx = index();
    assert_eq!(
        idx.for_host("www.google-analytics.com").map(|t| t.category),
        Some(Category::Analytics)
    );
    assert_eq!(
        idx.for_host("google-analytics.com").map(|t| t.vendor),
        Some("Google Analytics")
    );
    assert!(idx.for_host("facebook.net").is_none());
    assert!(idx.for_host("notgoogle-analytics.com").is_none());
    assert!(idx.for_host("www.paypal.com").is_none(), "an exception");
    assert!(idx
        .for_url("https://WWW.Google-Analytics.com/analytics.js")
        .is_some());
    assert!(idx
        .for_url("//connect.facebook.net/en_US/fbevents.js")
        .is_some());
    assert!(idx
        .for_url("https://user@connect.facebook.net:443/x")
        .is_some());
    assert!(idx.for_url("/js/app.js").is_none());
    assert!(idx.for_url("javascript:void(0)").is_none());
    assert!(idx.for_url("data:image/gif;base64,R0lGOD").is_none());
}

#[test]
fn tracker_files_are_known_by_their_path_on_any_host() {
    let idx = index();
    // Self-hosted Matomo and a first-party tag manager, on the site's own host or another.
    assert_eq!(vendor_of_url(&idx, "/matomo.js").as_deref(), Some("Matomo"));
    assert_eq!(
        vendor_of_url(&idx, "https://stats.example.org/matomo.php?idsite=1&rec=1").as_deref(),
        Some("Matomo")
    );
    assert_eq!(
        vendor_of_url(&idx, "/GTM.JS?id=GTM-ABC").as_deref(),
        Some("Google Tag Manager")
    );
    // Precise on the site's own paths: a longer name is another file.
    for first_party in [
        "/js/app.js",
        "/js/matomo.json",
        "/assets/my-matomo.js",
        "/gtm.js",
        "https://example.com/js/script.js",
    ] {
        assert_eq!(vendor_of_url(&idx, first_party), None, "{first_party}");
    }
    // Only on the hosts the signature names.
    assert_eq!(
        vendor_of_url(&idx, "https://plausible.example.com/js/script.js").as_deref(),
        Some("Plausible")
    );
    assert_eq!(
        vendor_of_url(&idx, "https://www.google.de/pagead/1p-user-list/1/").as_deref(),
        Some("Google Ads")
    );
    assert_eq!(vendor_of_url(&idx, "https://shop.example/pagead/x"), None);
    // A path names the vendor better than its host, and an embed stays an embed.
    let maps = idx.for_url("https://www.google.com/maps/embed?pb=!1m18");
    assert_eq!(
        maps.map(|t| (t.vendor, t.kind)),
        Some(("Google Maps", TrackerKind::Embed))
    );
    // A necessary path is an exception on a tracker host.
    assert_eq!(
        vendor_of_url(&idx, "https://www.google.com/recaptcha/api.js"),
        None
    );
    assert_eq!(
        vendor_of_url(&idx, "https://WWW.GOOGLE.COM/RECAPTCHA/api.js"),
        None
    );
    assert_eq!(
        vendor_of_url(&idx, "https://www.google.com/search").as_deref(),
        Some("Google")
    );
}

#[test]
fn inline_scripts_take_the_most_intrusive_match() {
    let idx = index();
    let both = "gtag('js', new Date()); fbq('init', '1');";
    assert_eq!(
        idx.for_inline_script(both).map(|t| t.category),
        Some(Category::Marketing)
    );
    assert_eq!(
        vendor_of_script(&idx, "gtag('config')").as_deref(),
        Some("Google tag")
    );
    assert!(idx.for_inline_script("console.log('hello')").is_none());
    let loader = "s.src='https://connect.facebook.net/x.js'";
    assert_eq!(vendor_of_script(&idx, loader).as_deref(), Some("Meta"));
}

#[test]
fn a_host_counts_only_whole_and_where_something_loads_it() {
    let idx = index();
    // Part of a longer name on either side (a dash, an underscore), another case, or a
    // necessary host.
    for text in [
        "s.src='https://bit.com/x.js'",
        "s.src='https://t.com/x.js'",
        "s.src='https://t.co.example/x.js'",
        "s.src='https://notfacebook.com/x.js'",
        "s.src='//facebook.com.example.org/x.js'",
        "s.src='//facebook.com-cdn.example/x.js'",
        "createElement('script'); a='_facebook.com/x'",
        "s.src='//FACEBOOK.COM/x.js'",
        "s.src='//www.paypal.com/sdk/js'",
    ] {
        assert_eq!(vendor_of_script(&idx, text), None, "{text}");
    }
    // Subdomains, a trailing dot, leading dots, JSON-escaped and percent-encoded slashes (a
    // URL passed as a parameter).
    for text in [
        "s.src='//a.b.connect.facebook.net/x.js'",
        "s.src='https://connect.facebook.net./x.js'",
        "s.src='//..facebook.com/tr'",
        r#"s.src="https:\/\/www.facebook.com\/tr""#,
        "loadScript('%2F%2Fwww.facebook.com%2Ftr')",
        "loadScript('%2f%2ffacebook.com%2Ftr')",
        "loadScript('https%3A%2F%2Fconnect.facebook.net%2Fen_US%2Ffbevents.js')",
    ] {
        assert_eq!(
            vendor_of_script(&idx, text).as_deref(),
            Some("Meta"),
            "{text}"
        );
    }
    assert_eq!(
        vendor_of_script(&idx, "img.src = 'https://t.co/i/adsct?p_id=1'").as_deref(),
        Some("X")
    );
    // A site's config that links to its social pages, or names a host in prose.
    for text in [
        r#"window.site = {"social": {"facebook": "https://www.facebook.com/acme", "x": "https://t.co/acme"}};"#,
        "var help = 'Follow us on facebook.com or google.com';",
        "document.title = 'Shop'; var a = 1;",
    ] {
        assert_eq!(vendor_of_script(&idx, text), None, "{text}");
    }
    // Loaders: createElement, document.write with the tag split, JSON-escaped addresses,
    // a host built from pieces.
    let ga = r#"(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;a=s.createElement(o),
m=s.getElementsByTagName(o)[0];a.async=1;a.src=g;m.parentNode.insertBefore(a,m)
})(window,document,'script','https://www.google-analytics.com/analytics.js','ga');"#;
    assert_eq!(
        vendor_of_script(&idx, ga).as_deref(),
        Some("Google Analytics")
    );
    let written = r#"document.write('<sc'+'ript src="//www.googletagmanager.com/gtm.js?id=GTM-1"></sc'+'ript>');"#;
    assert_eq!(
        vendor_of_script(&idx, written).as_deref(),
        Some("Google Tag Manager")
    );
    let escaped =
        r#"var cfg = {"src":"https:\/\/connect.facebook.net\/en_US\/fbevents.js"}; load(cfg.src);"#;
    assert_eq!(vendor_of_script(&idx, escaped).as_deref(), Some("Meta"));
    let pieces = r#"var s = document.createElement('script'); s.src = 'https://www.google' + '-analytics.com/ga.js';"#;
    assert_eq!(
        vendor_of_script(&idx, pieces).as_deref(),
        Some("Google Analytics")
    );
    let quoted = "var h = 'www.googletagmanager.com'; s.src = 'https://' + h + '/gtm.js';";
    assert_eq!(
        vendor_of_script(&idx, quoted).as_deref(),
        Some("Google Tag Manager")
    );
    // Self-hosted tracker files, and a necessary path on a tracker host.
    let matomo =
        "var d=document, g=d.createElement('script'); g.src='https://stats.example.org/matomo.js';";
    assert_eq!(vendor_of_script(&idx, matomo).as_deref(), Some("Matomo"));
    let recaptcha = "s.src = 'https://www.google.com/recaptcha/api.js?render=x';";
    assert_eq!(vendor_of_script(&idx, recaptcha), None);
}

#[test]
fn consent_platforms_and_bundles_are_never_trackers() {
    let idx = index();
    let cmp = r#"window.Cookiebot = {vendors: ["google-analytics.com", "connect.facebook.net"]};
var s = document.createElement('script'); s.src = 'https://consent.example/uc.js'; gtag('consent', 'default', {});"#;
    assert_eq!(vendor_of_script(&idx, cmp), None);
    // A large first-party bundle that calls the pixel when it is there, and links a page.
    let mut bundle = String::from(
        "if (window.fbq) { fbq('track', 'Purchase'); } var fb = 'https://www.facebook.com/acme';",
    );
    bundle.push_str(&"function f(a){return a+1};".repeat(2000));
    assert_eq!(vendor_of_script(&idx, &bundle), None);
    // ... but a loader inside it still counts.
    bundle.push_str("var s=document.createElement('script');s.src='https://connect.facebook.net/en_US/fbevents.js';");
    assert_eq!(vendor_of_script(&idx, &bundle).as_deref(), Some("Meta"));
}

#[test]
fn noscript_markup_counts_what_it_loads() {
    let idx = index();
    let none = Allowlist::default();
    let of = |markup: &str| idx.for_noscript(markup, &none).map(|t| t.vendor.to_owned());
    assert_eq!(
        of(r#"<img height="1" width="1" src="https://www.facebook.com/tr?id=1&ev=PageView&noscript=1"/>"#).as_deref(),
        Some("Meta")
    );
    assert_eq!(
        of(r#"<iframe src=https://www.googletagmanager.com/ns.html?id=GTM-1 height="0"></iframe>"#)
            .as_deref(),
        Some("Google Tag Manager")
    );
    assert_eq!(
        of(r#"<p><img src="/matomo.php?idsite=1&amp;rec=1" alt="" /></p>"#).as_deref(),
        Some("Matomo")
    );
    assert_eq!(
        of(r#"<a href="https://www.facebook.com/acme">Facebook</a>"#),
        None
    );
    assert_eq!(
        of("<p>Please enable JavaScript. fbq( is not a loader.</p>"),
        None
    );
}

#[test]
fn what_a_site_allows_is_left_alone() {
    let idx = index();
    let allow = Allowlist::new(["stats.example.org"]);
    let matomo = "var g=d.createElement('script'); g.src='https://stats.example.org/matomo.js';";
    assert_eq!(idx.inline_script(matomo, &allow), InlineScript::default());
    assert!(idx.for_inline_script(matomo).is_some());
    let pixel = r#"<img src="https://stats.example.org/matomo.php?idsite=1">"#;
    assert!(idx.for_noscript(pixel, &allow).is_none());
}
