use std::sync::Arc;

use consentry_config::{Catalogue, Category};

use super::*;

const PAGE: &str = r#"<!doctype html><html><head><meta charset="utf-8">
<link rel="preconnect" href="https://www.googletagmanager.com">
<link rel="stylesheet" href="/site.css">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} gtag('config', 'G-1');</script>
<script type="application/ld+json">{"@type":"Organization"}</script>
<script src="/js/app.js" defer></script>
<script>console.log("first party")</script>
<script data-consentry="analytics" type="text/plain" src="/js/stats.js"></script>
</head><body>
<noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=1&ev=PageView&noscript=1"/></noscript>
<img src="/img/logo.png" alt="logo">
<iframe width="560" src="https://www.youtube.com/embed/x" allowfullscreen></iframe>
<p>Hello</p>
</body></html>"#;

fn trackers() -> Arc<TrackerIndex> {
    Arc::new(TrackerIndex::new(&Catalogue::builtin().expect("catalogue")))
}

fn context(grants: Grants) -> PageContext {
    PageContext {
        grants,
        inline_hashes: crate::csp::InlineHashes {
            scripts: vec!["'sha256-cm='".into()],
            styles: vec!["'sha256-theme='".into()],
        },
        head_html: "<script id=\"cm\"></script>".into(),
        body_html: Arc::new(|_: &PageFindings| "<div id=\"banner\"></div>".to_owned()),
        placeholder: Arc::new(|vendor, category| format!("blocked {vendor} {category}")),
        allow: Arc::default(),
        withheld: Arc::default(),
    }
}

/// Rewrites `input` fed in chunks of `chunk` bytes.
fn rewrite_in_chunks(input: &str, grants: Grants, chunk: usize) -> (String, RewriteStats) {
    let mut rewriter = PageRewriter::new(context(grants), trackers(), None).expect("rewriter");
    let mut out = Vec::new();
    for piece in input.as_bytes().chunks(chunk.max(1)) {
        out.extend(rewriter.write(piece).expect("write"));
    }
    let (rest, stats) = rewriter.end().expect("end");
    out.extend(rest);
    (String::from_utf8(out).expect("utf-8"), stats)
}

fn rewrite(input: &str, grants: Grants) -> (String, RewriteStats) {
    rewrite_in_chunks(input, grants, input.len())
}

#[test]
fn neutralises_trackers_before_consent() {
    let (out, stats) = rewrite(PAGE, Grants::NECESSARY_ONLY);
    assert!(out.contains(r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-1" type="text/plain" data-consentry="analytics"></script>"#), "{out}");
    assert!(
        out.contains(r#"<script type="text/plain" data-consentry="analytics">window.dataLayer"#),
        "{out}"
    );
    assert!(!out.contains("preconnect"), "tracker hint removed");
    assert!(!out.contains("facebook.com/tr"), "noscript pixel removed");
    assert!(out.contains(r#"data-consentry-src="https://www.youtube.com/embed/x""#));
    assert!(out.contains(r#"srcdoc="blocked "#));
    assert!(!out.contains(r#" src="https://www.youtube.com"#));
    assert_eq!(stats.scripts_blocked, 2);
    assert_eq!(stats.embeds_blocked, 1);
    assert_eq!(stats.pixels_removed, 1);
    assert_eq!(stats.links_removed, 1);
}

#[test]
fn leaves_first_party_and_data_untouched() {
    let (out, _) = rewrite(PAGE, Grants::NECESSARY_ONLY);
    for kept in [
        r#"<link rel="stylesheet" href="/site.css">"#,
        r#"<script type="application/ld+json">{"@type":"Organization"}</script>"#,
        r#"<script src="/js/app.js" defer></script>"#,
        r#"<script>console.log("first party")</script>"#,
        r#"<script data-consentry="analytics" type="text/plain" src="/js/stats.js"></script>"#,
        r#"<img src="/img/logo.png" alt="logo">"#,
    ] {
        assert!(out.contains(kept), "missing {kept} in {out}");
    }
}

#[test]
fn injects_consent_mode_first_and_banner_once() {
    let (out, _) = rewrite(PAGE, Grants::NECESSARY_ONLY);
    assert!(
        out.contains("<head><script id=\"cm\"></script><meta charset"),
        "{out}"
    );
    assert_eq!(out.matches("<div id=\"banner\"></div>").count(), 1);
    assert!(out.contains("<div id=\"banner\"></div></body>"));
}

#[test]
fn granted_categories_pass_and_marked_scripts_are_switched_on() {
    let (out, stats) = rewrite(PAGE, Grants::of([Category::Analytics]));
    assert!(out.contains(
        r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>"#
    ));
    assert!(
        out.contains(r#"<script data-consentry="analytics" src="/js/stats.js"></script>"#),
        "{out}"
    );
    assert!(
        !out.contains("facebook.com/tr"),
        "marketing pixel still removed"
    );
    assert!(
        out.contains("data-consentry-src=\"https://www.youtube.com"),
        "marketing embed still blocked"
    );
    assert_eq!(stats.activated, 1);

    let (all, stats) = rewrite(PAGE, Grants::ALL);
    assert!(all.contains(
        r#"<iframe width="560" src="https://www.youtube.com/embed/x" allowfullscreen></iframe>"#
    ));
    assert!(all.contains("facebook.com/tr"));
    assert_eq!(
        stats.scripts_blocked + stats.pixels_removed + stats.embeds_blocked,
        0
    );
}

#[test]
fn output_is_the_same_at_every_chunk_boundary() {
    let (whole, _) = rewrite(PAGE, Grants::NECESSARY_ONLY);
    let seed: usize = std::env::var("CONSENTRY_CHUNK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    for size in (1..=64).chain([97, 257, 1024]).map(|s| s * seed) {
        let (chunked, _) = rewrite_in_chunks(PAGE, Grants::NECESSARY_ONLY, size);
        assert_eq!(chunked, whole, "chunk size {size}");
    }
}

#[test]
fn pages_without_head_or_body_still_get_defaults_and_banner() {
    let (out, _) = rewrite("<p>hi<script>gtag('x')</script>", Grants::NECESSARY_ONLY);
    assert_eq!(
        out,
        "<p>hi<script id=\"cm\"></script><script type=\"text/plain\" data-consentry=\"analytics\">gtag('x')</script><div id=\"banner\"></div>"
    );
    let (fragment, _) = rewrite("just text", Grants::NECESSARY_ONLY);
    assert_eq!(fragment, "just text<div id=\"banner\"></div>");
}

#[test]
fn an_unterminated_script_keeps_its_text() {
    let (out, _) = rewrite("<body><script>var a = 1;", Grants::NECESSARY_ONLY);
    assert!(
        out.starts_with("<body><script id=\"cm\"></script><script>var a = 1;"),
        "{out}"
    );
}

#[test]
fn a_huge_inline_script_is_passed_through_whole() {
    let body = "x".repeat(600 * 1024);
    let page = format!("<script>{body}</script><p>after</p>");
    let (out, _) = rewrite_in_chunks(&page, Grants::NECESSARY_ONLY, 8192);
    assert!(out.contains(&format!("<script>{body}</script><p>after</p>")));
}

#[test]
fn attributes_survive_being_held() {
    let page = r#"<script nonce="a&quot;b" data-x="1">fbq('init','1')</script><script nonce="n">let ok = "<b>";</script>"#;
    let (out, _) = rewrite(page, Grants::NECESSARY_ONLY);
    assert!(out.contains(r#"<script nonce="a&quot;b" data-x="1" type="text/plain" data-consentry="marketing">fbq('init','1')</script>"#), "{out}");
    assert!(
        out.contains(r#"<script nonce="n">let ok = "<b>";</script>"#),
        "{out}"
    );
}

#[test]
fn non_utf8_pages_are_rewritten_in_their_charset() {
    let mut rewriter = PageRewriter::new(
        context(Grants::NECESSARY_ONLY),
        trackers(),
        Some("windows-1252"),
    )
    .expect("rewriter");
    let input = b"<body><p>caf\xe9</p><script src=\"https://connect.facebook.net/en_US/fbevents.js\"></script></body>";
    let mut out = rewriter.write(input).expect("write");
    out.extend(rewriter.end().expect("end").0);
    let expected: &[u8] = b"<body><p>caf\xe9</p><script id=\"cm\"></script><script src=\"https://connect.facebook.net/en_US/fbevents.js\" type=\"text/plain\" data-consentry=\"marketing\"></script><div id=\"banner\"></div></body>";
    assert_eq!(out, expected);
    assert!(matches!(
        PageRewriter::new(
            context(Grants::NECESSARY_ONLY),
            trackers(),
            Some("utf-16le")
        ),
        Err(RewriteError::UnsupportedCharset(_))
    ));
}

#[test]
fn the_banner_is_built_at_the_end_with_the_vendors_found() {
    let mut ctx = context(Grants::NECESSARY_ONLY);
    ctx.body_html = Arc::new(|findings: &PageFindings| {
        let vendors: Vec<String> = findings
            .vendors
            .iter()
            .map(|(v, c)| format!("{v}={c}"))
            .collect();
        format!("<div id=\"banner\">{}</div>", vendors.join("|"))
    });
    let mut rewriter = PageRewriter::new(ctx, trackers(), None).expect("rewriter");
    let mut out = rewriter.write(PAGE.as_bytes()).expect("write");
    out.extend(rewriter.end().expect("end").0);
    let out = String::from_utf8(out).expect("utf-8");
    let banner = out
        .split("<div id=\"banner\">")
        .nth(1)
        .and_then(|b| b.split("</div>").next())
        .expect("banner");
    let vendors: Vec<&str> = banner.split('|').collect();
    assert_eq!(
        vendors,
        [
            "Google Tag Manager=analytics",
            "Google tag=analytics",
            "Meta (Facebook)=marketing",
            "YouTube=marketing"
        ],
        "each vendor once, in page order"
    );
}

#[test]
fn a_meta_policy_gets_the_hashes_too() {
    let page = "<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\"><meta http-equiv=\"refresh\" content=\"30\"></head><body></body></html>";
    let (out, _) = rewrite(page, Grants::NECESSARY_ONLY);
    assert!(
        out.contains("content=\"default-src 'self'; script-src 'self' 'sha256-cm='; style-src 'self' 'sha256-theme='\""),
        "{out}"
    );
    assert!(out.contains("<meta http-equiv=\"refresh\" content=\"30\">"));
}

#[test]
fn images_are_looked_at_when_marked_or_from_another_host() {
    let page = concat!(
        r#"<body><img src="/img/a.png"><IMG SRC="//WWW.FACEBOOK.COM/tr?id=1">"#,
        r#"<img data-consentry="marketing" src="/img/ad.png" srcset="/img/ad2.png 2x">"#,
        r#"<img data-consentry="marketing" src="https://www.facebook.com/tr?id=2">"#,
        r#"<img data-consentry="analytics" data-consentry-src="/img/stats.png"></body>"#
    );
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    assert!(out.contains(r#"<img src="/img/a.png">"#), "{out}");
    assert!(
        out.contains(
            r#"<IMG data-consentry-src="//WWW.FACEBOOK.COM/tr?id=1" data-consentry="marketing">"#
        ),
        "kept inert for the banner to switch on: {out}"
    );
    assert!(
        out.contains(r#"<img data-consentry="marketing" data-consentry-src="/img/ad.png">"#),
        "{out}"
    );
    assert!(out.contains(r#"data-consentry-src="https://www.facebook.com/tr?id=2""#));
    assert_eq!(stats.pixels_removed, 3, "each image once");
    let (out, stats) = rewrite(page, Grants::of([Category::Analytics]));
    assert!(
        out.contains(r#"<img data-consentry="analytics" data-consentry-src="/img/stats.png" src="/img/stats.png">"#),
        "{out}"
    );
    assert_eq!(stats.activated, 1);
}

#[test]
fn only_hints_and_stylesheets_from_tracker_hosts_are_removed() {
    let page = concat!(
        r#"<head><link rel="preload" href="/js/app.js"><link rel="Preconnect" href="//connect.facebook.net">"#,
        r#"<link href="https://connect.facebook.net/x"><link rel="stylesheet" href="https://www.googletagmanager.com/x.css"></head>"#
    );
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    assert!(out.contains(r#"<link rel="preload" href="/js/app.js">"#));
    assert!(!out.contains("Preconnect"), "{out}");
    assert!(out.contains(r#"<link href="https://connect.facebook.net/x">"#));
    assert!(
        !out.contains("x.css"),
        "a tracker's stylesheet tells it who visits"
    );
    assert_eq!(stats.links_removed, 2);
}

#[test]
fn a_meta_policy_is_amended_beside_a_meta_charset() {
    let page = "<html><head><meta charset=\"utf-8\"><meta http-equiv=\"content-security-policy\" content=\"script-src 'self'\"><meta name=\"viewport\" content=\"width=device-width\"></head></html>";
    let (out, _) = rewrite(page, Grants::NECESSARY_ONLY);
    assert!(
        out.contains("content=\"script-src 'self' 'sha256-cm='\""),
        "{out}"
    );
    assert!(out.contains("<meta charset=\"utf-8\">"));
    assert!(out.contains("<meta name=\"viewport\" content=\"width=device-width\">"));
}

mod recognisers;

#[test]
fn a_vendor_without_consent_stays_inert_whatever_its_category() {
    let page = r#"<html><head><script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script src="https://ads.example-vendor.test/tag.js"></script><script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script></head>
<body><img src="https://ads.example-vendor.test/px.gif"><iframe src="https://ads.example-vendor.test/frame"></iframe></body></html>"#;
    let mut context = context(Grants::ALL);
    context.withheld = Arc::new(crate::trackers::Withheld::new([
        (
            "Google Advertising Products",
            "securepubads.g.doubleclick.net",
        ),
        ("Example Vendor", "ads.example-vendor.test"),
    ]));
    let mut rewriter = PageRewriter::new(context, trackers(), None).expect("rewriter");
    let mut out = rewriter.write(page.as_bytes()).expect("write");
    let (rest, stats) = rewriter.end().expect("end");
    out.extend(rest);
    let out = String::from_utf8(out).expect("utf-8");
    // Both vendors' scripts are inert, the one of a vendor the catalogue does not know too;
    // Google Analytics, no TCF vendor here, runs as the grants say.
    assert_eq!(stats.scripts_blocked, 2, "{out}");
    assert!(out.contains(r#"type="text/plain""#), "{out}");
    assert!(
        out.contains(r#"<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>"#),
        "{out}"
    );
    assert_eq!(stats.pixels_removed, 1, "{out}");
    assert_eq!(stats.embeds_blocked, 1, "{out}");
}
