//! What a visitor who has not consented sees of trackers that a host list alone misses, and
//! that the site's own scripts keep working.

use super::*;

/// The page without the addresses the gateway keeps for the banner (which load nothing).
fn without_held(out: &str) -> String {
    let mut rest = out;
    let mut kept = String::with_capacity(out.len());
    while let Some(i) = rest.find("data-consentry-src=\"") {
        kept.push_str(&rest[..i]);
        rest = &rest[i + "data-consentry-src=\"".len()..];
        rest = rest.find('"').map_or("", |end| &rest[end + 1..]);
    }
    kept.push_str(rest);
    kept
}

fn blocked(out: &str, fragment: &str) -> bool {
    out.split("<script")
        .any(|s| s.contains(fragment) && s.contains(r#"type="text/plain""#))
}

#[test]
fn inline_loaders_are_blocked_however_they_write_the_tag() {
    let page = concat!(
        "<head>",
        // Google Tag Manager's snippet.
        "<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});",
        "var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;",
        "j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);",
        "})(window,document,'script','dataLayer','GTM-X1');</script>",
        // document.write with the tag split, and a host split into pieces.
        r#"<script>document.write('<sc'+'ript src="https://static.hot'+'jar.com/c/hotjar-1.js"></sc'+'ript>');</script>"#,
        // A loader of a host no signature names.
        "<script>var s=document.createElement('script');s.src='https://cdn.taboola.com/libtrc/site/loader.js';document.head.appendChild(s);</script>",
        "</head>"
    );
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    assert!(blocked(&out, "gtm.js?id="), "{out}");
    assert!(blocked(&out, "hot'+'jar.com"), "{out}");
    assert!(blocked(&out, "taboola.com"), "{out}");
    assert_eq!(stats.scripts_blocked, 3);
}

#[test]
fn the_sites_own_scripts_and_data_are_never_touched() {
    let mut bundle = String::from(
        "window.__APP__={social:{facebook:'https://www.facebook.com/acme',x:'https://x.com/acme'}};if(window.fbq){fbq('track','Purchase')}",
    );
    bundle.push_str(&"function f(a){return document.createElement('div')};".repeat(800));
    let page = format!(
        concat!(
            "<head>",
            r#"<script type="application/ld+json">{{"sameAs":["https://www.facebook.com/acme"],"logo":"https://www.googletagmanager.com/x.png"}}</script>"#,
            r#"<script type="text/plain" data-cookieconsent="statistics" src="https://www.google-analytics.com/analytics.js"></script>"#,
            r#"<script type="text/template"><img src="https://www.facebook.com/tr?id=1"></script>"#,
            "<script>window.config = {{ shareUrl: 'https://www.facebook.com/sharer/sharer.php', maps: 'https://www.google.com/maps/place/Acme' }};</script>",
            r#"<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="1"></script>"#,
            "<script>window.addEventListener('CookiebotOnAccept', function () {{ var s = document.createElement('script'); s.src = 'https://connect.facebook.net/en_US/fbevents.js'; }});</script>",
            "<script>var OneTrustVendors = ['google-analytics.com','doubleclick.net']; var img = new Image(); img.src = '/ot.gif';</script>",
            "<script>{bundle}</script>",
            "<script>var link = 'bit.com/t.co'; document.write('<p>' + link + '</p>');</script>",
            "</head><body><template><iframe src=\"https://www.youtube.com/embed/x\"></iframe></template></body>"
        ),
        bundle = bundle
    );
    let (out, stats) = rewrite(&page, Grants::NECESSARY_ONLY);
    let shown = out.replace(&bundle, "BUNDLE");
    assert_eq!(stats.scripts_blocked, 0, "{shown}");
    assert_eq!(stats.pixels_removed, 0, "{shown}");
    // A frame in a template is held like any other: cloned, it would load.
    assert_eq!(stats.embeds_blocked, 1, "{shown}");
    for kept in [
        "sameAs",
        r#"data-cookieconsent="statistics""#,
        "text/template",
        "sharer.php",
        "CookiebotOnAccept",
        "OneTrustVendors",
        "window.__APP__",
        "bit.com/t.co",
    ] {
        assert!(out.contains(kept), "missing {kept}");
    }
    assert!(out.contains(&format!("<script>{bundle}</script>")));
}

/// Google's reCAPTCHA runs on a marketing host and tells Google who visits: it waits for
/// consent, but as a functional extra, so granting preferences is enough to send a form; a
/// site that needs it before any choice lists it in `allow_trackers`.
#[test]
fn recaptcha_waits_for_preferences_not_for_marketing() {
    let page = r#"<head><script src="https://www.google.com/recaptcha/api.js" async defer></script></head><body></body>"#;
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    assert_eq!(stats.scripts_blocked, 1, "{out}");
    assert!(out.contains(r#"data-consentry="preferences""#), "{out}");
    let preferences = Grants::NECESSARY_ONLY.with(consentry_config::Category::Preferences);
    let (out, stats) = rewrite(page, preferences);
    assert_eq!(stats.scripts_blocked, 0, "{out}");
    assert!(out.contains("recaptcha/api.js\" async defer>"), "{out}");
}

#[test]
fn tracker_files_on_the_sites_own_host_are_known_by_their_path() {
    let page = concat!(
        r#"<head><script src="/js/app.js"></script><script async src="/matomo.js"></script>"#,
        r#"<script src="https://stats.example.org/js/container_AbC123.js"></script>"#,
        r#"<script defer data-domain="example.com" data-api="/stats/api/event" src="/stats/js/script.js"></script>"#,
        r#"<script defer src="https://plausible.example.com/js/script.outbound-links.js"></script>"#,
        r#"<script async src="/metrics/gtm.js?id=GTM-X1"></script>"#,
        r#"<script>var _mtm=window._mtm=[]; var g=document.createElement('script'); g.src='https://stats.example.org/js/container_AbC123.js';</script>"#,
        r#"</head><body><img src="/matomo.php?idsite=1&amp;rec=1" alt="">"#,
        r#"<noscript><p><img src="/piwik.php?idsite=1&amp;rec=1" style="border:0" alt=""></p></noscript>"#,
        r#"<img src="/img/logo.png"><img src="https://track.hubspot.com/__ptq.gif?a=1"><img src="https://no-cache.hubspot.com/cta/default/1/2.png">"#,
        r#"<img src="https://t.co/i/adsct?txn_id=1&amp;p_id=Twitter"></body>"#
    );
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    assert!(
        out.contains(r#"<script src="/js/app.js"></script>"#),
        "{out}"
    );
    for file in [
        "/matomo.js",
        "container_AbC123.js\"",
        "/stats/js/script.js",
        "script.outbound-links.js",
        "/metrics/gtm.js",
    ] {
        assert!(blocked(&out, file), "{file} in {out}");
    }
    assert!(blocked(&out, "_mtm"), "{out}");
    let loading = without_held(&out);
    for pixel in ["matomo.php", "piwik.php", "hubspot.com", "adsct"] {
        assert!(!loading.contains(pixel), "{pixel} in {out}");
    }
    assert!(out.contains(r#"<img alt="" data-consentry-src="/matomo.php?idsite=1&amp;rec=1" data-consentry="analytics">"#), "{out}");
    assert!(out.contains(r#"<img src="/img/logo.png">"#));
    assert_eq!(stats.scripts_blocked, 6);
    assert_eq!(stats.pixels_removed, 5);
    // With analytics granted the analytics tags run; the marketing pixels still do not.
    let (out, _) = rewrite(page, Grants::of([Category::Analytics]));
    assert!(
        out.contains(r#"<script async src="/matomo.js"></script>"#),
        "{out}"
    );
    assert!(!without_held(&out).contains("adsct"));
}

#[test]
fn embeds_show_the_vendors_name_until_consent() {
    let page = concat!(
        r#"<body><iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>"#,
        r#"<iframe src="https://player.vimeo.com/video/1"></iframe>"#,
        r#"<iframe src="https://www.google.com/maps/embed?pb=!1m18&amp;x=1"></iframe>"#,
        r#"<iframe src="https://open.spotify.com/embed/track/1"></iframe>"#,
        r#"<iframe src="https://w.soundcloud.com/player/?url=1"></iframe>"#,
        r#"<iframe src="https://www.tiktok.com/embed/v2/1"></iframe>"#,
        r#"<iframe src="https://www.instagram.com/p/1/embed"></iframe>"#,
        r#"<iframe src="https://cdn.jwplayer.com/players/1.html"></iframe>"#,
        r#"<iframe src="about:blank" data-src="https://www.youtube.com/embed/lazy" class="lazyload"></iframe>"#,
        r#"<iframe data-lazy-src="https://player.vimeo.com/video/2" loading="lazy"></iframe>"#,
        r#"<iframe data-src="/embed/own-widget.html"></iframe>"#,
        r#"<script src="https://maps.googleapis.com/maps/api/js?key=k&amp;callback=initMap"></script>"#,
        r#"<script>var tag = document.createElement('script'); tag.src = "https://www.youtube.com/iframe_api";</script>"#,
        "</body>"
    );
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    for vendor in [
        "YouTube",
        "Vimeo",
        "Google Maps",
        "Spotify",
        "SoundCloud",
        "TikTok",
        "Instagram",
        "JW Player",
    ] {
        assert!(
            out.contains(&format!("srcdoc=\"blocked {vendor} ")),
            "{vendor} in {out}"
        );
    }
    assert_eq!(stats.embeds_blocked, 10, "{out}");
    // A lazy frame's address is where the banner looks for it, and nowhere a first-party
    // loader would copy it from.
    assert!(out.contains(r#"<iframe src="about:blank" class="lazyload" data-consentry-src="https://www.youtube.com/embed/lazy""#), "{out}");
    assert!(
        out.contains(
            r#"<iframe loading="lazy" data-consentry-src="https://player.vimeo.com/video/2""#
        ),
        "{out}"
    );
    assert!(!out.contains("data-src=\"https://www.youtube"));
    assert!(out.contains(r#"<iframe data-src="/embed/own-widget.html"></iframe>"#));
    assert!(blocked(&out, "maps.googleapis.com"));
    assert!(blocked(&out, "iframe_api"));
    // After consent the page comes as the site wrote it.
    let (all, stats) = rewrite(page, Grants::ALL);
    assert!(all.contains(r#"data-src="https://www.youtube.com/embed/lazy""#));
    assert_eq!(stats.embeds_blocked + stats.scripts_blocked, 0);
}

#[test]
fn pixels_from_trackers_load_nothing() {
    let page = concat!(
        r#"<head><link rel="stylesheet" href="https://www.googletagmanager.com/debug.css"><link rel="stylesheet" href="/site.css"></head><body>"#,
        r#"<img data-src="https://px.ads.linkedin.com/collect?pid=1" class="lazy">"#,
        r#"<img src="data:image/svg+xml,%3Csvg%3E" data-lazy-src="https://secure.gravatar.com/avatar/1?s=45" data-lazy-srcset="https://secure.gravatar.com/avatar/1?s=90 2x">"#,
        r#"<img src="https://i.ytimg.com/vi/x/hqdefault.jpg" srcset="https://i.ytimg.com/vi/x/maxres.jpg 2x" alt="video">"#,
        r#"<img src="https://bat.bing.com/action/0?ti=1" width="1">"#,
        r#"<picture><source srcset="/b.webp"><img src="/b.png"></picture>"#,
        r#"<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-1" height="0" width="0"></iframe></noscript>"#,
        r#"<noscript><img height="1" width="1" src="https://www.facebook.com/tr?id=1&amp;ev=PageView&amp;noscript=1"></noscript>"#,
        r#"<noscript><a href="https://www.facebook.com/acme">Facebook</a> needs JavaScript</noscript>"#,
        "</body>"
    );
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    let loading = without_held(&out);
    for gone in [
        "debug.css",
        "facebook.com/tr",
        "px.ads.linkedin",
        "gravatar",
        "ytimg",
        "ns.html",
        "bat.bing.com",
    ] {
        assert!(!loading.contains(gone), "{gone} still loads in {out}");
    }
    // A thumbnail keeps its place, inert; the site's own addresses stay.
    assert!(out.contains(r#"<img alt="video" data-consentry-src="https://i.ytimg.com/vi/x/hqdefault.jpg" data-consentry="marketing">"#), "{out}");
    assert!(out.contains(r#"<picture><source srcset="/b.webp"><img src="/b.png"></picture>"#));
    // A lazy image keeps its placeholder; its real address waits for the banner.
    assert!(out.contains(r#"<img src="data:image/svg+xml,%3Csvg%3E" data-consentry-src="https://secure.gravatar.com/avatar/1?s=45" data-consentry="marketing">"#), "{out}");
    assert!(out.contains(r#"<link rel="stylesheet" href="/site.css">"#));
    assert!(
        out.contains(r#"<a href="https://www.facebook.com/acme">Facebook</a>"#),
        "a link loads nothing"
    );
    assert_eq!(stats.links_removed, 1);
    assert_eq!(stats.pixels_removed, 6, "{out}");
}

#[test]
fn scripts_a_page_speed_tool_runs_later_are_scripts_too() {
    let page = concat!(
        r#"<script type="rocketlazyloadscript" data-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-1" async></script>"#,
        r#"<script type="rocketlazyloadscript">window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('config','G-1');</script>"#,
        r#"<script type="litespeed/javascript" data-src="https://connect.facebook.net/en_US/fbevents.js"></script>"#,
        r#"<script type="3a5b1c2d4e5f60718293a4b5-text/javascript" src="https://static.hotjar.com/c/hotjar-1.js"></script>"#,
        r#"<script data-src="https://snap.licdn.com/li.lms-analytics/insight.min.js"></script>"#,
        r#"<script type="rocketlazyloadscript" data-rocket-src="/wp-content/themes/site/app.js"></script>"#,
        r#"<script type="litespeed/javascript">document.body.classList.add('ready')</script>"#
    );
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    assert_eq!(stats.scripts_blocked, 5, "{out}");
    // Blocked, each keeps its address in `src` and no type a browser would not run, so
    // the banner loads it as a plain script.
    assert!(out.contains(r#"<script type="text/plain" data-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-1" async src="https://www.googletagmanager.com/gtag/js?id=G-1" data-consentry="analytics"></script>"#), "{out}");
    assert!(
        out.contains(r#"<script type="text/plain" data-consentry="analytics">window.dataLayer"#),
        "{out}"
    );
    assert!(out.contains(r#"<script type="text/plain" data-src="https://connect.facebook.net/en_US/fbevents.js" src="https://connect.facebook.net/en_US/fbevents.js" data-consentry="marketing"></script>"#), "{out}");
    assert!(out.contains(r#"<script type="text/plain" src="https://static.hotjar.com/c/hotjar-1.js" data-consentry="analytics">"#), "{out}");
    assert!(!out.contains("data-consentry-type=\"3a5b"), "{out}");
    assert!(out.contains(r#"<script type="rocketlazyloadscript" data-rocket-src="/wp-content/themes/site/app.js"></script>"#));
    assert!(out.contains(r#"<script type="litespeed/javascript">document.body"#));
}

#[test]
fn a_site_can_allow_what_the_catalogue_gets_wrong() {
    let page = concat!(
        r#"<script src="https://stats.example.org/matomo.js"></script>"#,
        r#"<script>var g=document.createElement('script'); g.src='https://stats.example.org/js/container_A.js';</script>"#,
        r#"<iframe src="https://www.google.com/maps/embed?pb=1"></iframe>"#,
        r#"<img src="https://www.facebook.com/tr?id=1">"#
    );
    let mut ctx = context(Grants::NECESSARY_ONLY);
    ctx.allow = Arc::new(crate::trackers::Allowlist::new([
        "stats.example.org",
        "www.google.com/maps/embed",
    ]));
    let mut rewriter = PageRewriter::new(ctx, trackers(), None).expect("rewriter");
    let mut out = rewriter.write(page.as_bytes()).expect("write");
    let (rest, stats) = rewriter.end().expect("end");
    out.extend(rest);
    let out = String::from_utf8(out).expect("utf-8");
    assert_eq!(stats.scripts_blocked + stats.embeds_blocked, 0, "{out}");
    assert_eq!(stats.pixels_removed, 1, "only what was allowed passes");
}

#[test]
fn the_sites_own_long_script_runs_without_the_trackers_it_loads() {
    // A shop's config with Tag Manager's snippet in the same script (Shopware does this):
    // held back whole, the shop would break.
    let config = "window.router={'frontend.cart.offcanvas':'/checkout/offcanvas'};".repeat(150);
    let script = format!(
        "{config}(function(w,d,s,l,i){{var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);}})(window,document,'script','dataLayer','GTM-1');var p=document.createElement('script');p.src='https://connect.facebook.net/en_US/fbevents.js';var social='https://www.facebook.com/shop';var big=thumb.indexOf('<img')>-1?a.replace(\"img.youtube.com\",\"i.ytimg.com\"):a;"
    );
    let page = format!("<script>{script}</script>");
    let (out, stats) = rewrite(&page, Grants::NECESSARY_ONLY);
    let shown = out.replace(&config, "CONFIG");
    assert_eq!(stats.scripts_blocked, 0, "{shown}");
    assert_eq!(stats.loaders_defused, 2, "{shown}");
    assert!(
        shown.contains("j.src='data:,//https://www.googletagmanager.com/gtm.js?id='+i"),
        "{shown}"
    );
    assert!(
        shown.contains("p.src='data:,//https://connect.facebook.net/"),
        "{shown}"
    );
    assert!(
        shown.contains("var social='https://www.facebook.com/shop'"),
        "a link stays"
    );
    assert!(
        shown.contains(r#"a.replace("img.youtube.com","i.ytimg.com")"#),
        "a host compared or replaced is no address: {shown}"
    );
    assert!(out.contains(&config));
    // Analytics granted: only the marketing address is defused.
    let (out, stats) = rewrite(&page, Grants::of([Category::Analytics]));
    assert_eq!(stats.loaders_defused, 1);
    assert!(out.contains("j.src='https://www.googletagmanager.com/gtm.js"));
    let (out, stats) = rewrite(&page, Grants::ALL);
    assert_eq!(stats.loaders_defused, 0);
    assert!(out.contains(&script));
}

#[test]
fn an_ad_servers_inline_calls_are_held_with_its_tag() {
    let page = concat!(
        "<script>function SmartAdServer(p,f,t){var s=document.createElement('script');s.src='https://ced.sascdn.com/tag/1/smart.js';}</script>",
        r#"<script type="text/javascript">sas_pageid="1/2";sas_formatid=3;SmartAdServer(sas_pageid,sas_formatid,"");</script>"#
    );
    let (out, stats) = rewrite(page, Grants::NECESSARY_ONLY);
    assert_eq!(stats.scripts_blocked, 2, "{out}");
}
