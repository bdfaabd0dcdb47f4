//! Regional consent regimes over HTTP: with `regimes = "by-region"`, what runs before a
//! decision depends on where the visitor is — opt-in in Germany, opt-out in California (minus
//! marketing under Global Privacy Control), the strictest regime when the place is unknown —
//! and where they are comes from the GeoIP database, `request.cf`, or a trusted CDN's headers.

use crate::support::{client, set_cookie_names, Gateway, Origin, Place};

/// Every site by region, with `server` lines added to `[server]`.
fn by_region(origin: &Origin, server: &str) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n{server}\n\n\
         [consent]\nregimes = \"by-region\"\n\n\
         [[site]]\nhosts = [\"*\"]\nupstream = \"{}\"\n",
        origin.url()
    )
}

/// The trackers' cookies and a functional one, as a returning browser sends them.
const BROWSER_COOKIES: &str = "session=s1; _ga=GA1.1.1.1; _fbp=fb.1.2.3";

/// What a visitor gets for the tracked page, sending `headers`: the headers and the page.
async fn tracked_page(
    gateway: &Gateway,
    headers: &[(&str, &str)],
) -> (reqwest::header::HeaderMap, String) {
    let mut request = client()
        .get(gateway.at("/page"))
        .header("cookie", BROWSER_COOKIES);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("page");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.text().await.expect("body"))
}

/// The opening tag of the script that holds (in its tag or its text) `needle`.
fn script_tag<'h>(html: &'h str, needle: &str) -> &'h str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in the page: {html}"));
    let start = html[..at]
        .rfind("<script")
        .unwrap_or_else(|| panic!("{needle} is in no script: {html}"));
    let end = start + html[start..].find('>').expect("tag ends");
    &html[start..=end]
}

/// The Google Analytics loader (analytics).
const ANALYTICS: &str = "googletagmanager.com/gtag/js?id=G-TEST";
/// The Meta Pixel's inline loader (marketing).
const MARKETING: &str = "!function(f,b,e,v,n,t,s)";

fn inert(html: &str, needle: &str) -> bool {
    script_tag(html, needle).contains(r#"type="text/plain""#)
}

/// Nothing optional runs, and only the functional cookie goes either way.
fn assert_opt_in(origin: &Origin, headers: &reqwest::header::HeaderMap, html: &str) {
    assert!(inert(html, ANALYTICS), "{}", script_tag(html, ANALYTICS));
    assert!(inert(html, MARKETING), "{}", script_tag(html, MARKETING));
    assert_eq!(origin.cookies_at("/page"), "session=s1");
    let set = set_cookie_names(headers);
    assert!(set.contains(&"session".to_owned()), "{set:?}");
    assert!(!set.iter().any(|n| n == "_ga" || n == "_fbp"), "{set:?}");
}

/// Everything runs, and the trackers' cookies go both ways.
fn assert_running(origin: &Origin, headers: &reqwest::header::HeaderMap, html: &str) {
    assert!(!inert(html, ANALYTICS), "{}", script_tag(html, ANALYTICS));
    assert!(!inert(html, MARKETING), "{}", script_tag(html, MARKETING));
    let sent = origin.cookies_at("/page");
    assert!(
        sent.contains("_ga=GA1.1.1.1") && sent.contains("_fbp="),
        "{sent}"
    );
    let set = set_cookie_names(headers);
    assert!(
        set.contains(&"_ga".to_owned()) && set.contains(&"_fbp".to_owned()),
        "{set:?}"
    );
}

#[tokio::test]
async fn a_visitor_in_germany_gets_every_tracker_inert_before_consent() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config_at(&by_region(&origin, ""), Place::country("DE"));
    let (headers, html) = tracked_page(&gateway, &[]).await;
    assert_opt_in(&origin, &headers, &html);
}

#[tokio::test]
async fn a_visitor_in_california_gets_trackers_running_until_they_opt_out() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config_at(&by_region(&origin, ""), Place::region("US", "CA"));
    let (headers, html) = tracked_page(&gateway, &[]).await;
    assert_running(&origin, &headers, &html);
}

#[tokio::test]
async fn global_privacy_control_in_california_is_an_opt_out_of_marketing() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config_at(&by_region(&origin, ""), Place::region("US", "CA"));
    let (headers, html) = tracked_page(&gateway, &[("sec-gpc", "1")]).await;
    assert!(!inert(&html, ANALYTICS), "{}", script_tag(&html, ANALYTICS));
    assert!(inert(&html, MARKETING), "{}", script_tag(&html, MARKETING));
    let sent = origin.cookies_at("/page");
    assert!(sent.contains("_ga=GA1.1.1.1"), "{sent}");
    assert!(!sent.contains("_fbp"), "{sent}");
    let set = set_cookie_names(&headers);
    assert!(set.contains(&"_ga".to_owned()), "{set:?}");
    assert!(!set.contains(&"_fbp".to_owned()), "{set:?}");
}

#[tokio::test]
async fn a_visitor_from_an_unknown_place_gets_the_strictest_regime() {
    // No database natively, no `request.cf.country` on the Worker.
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&by_region(&origin, ""));
    let (headers, html) = tracked_page(&gateway, &[]).await;
    assert_opt_in(&origin, &headers, &html);
}

#[tokio::test]
async fn a_trusted_proxy_says_where_the_visitor_is() {
    crate::native_only!("a CDN's headers; a Worker reads the place from request.cf");
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&by_region(
        &origin,
        "trusted_proxies = [\"127.0.0.1\"]\ncountry_header = \"CF-IPCountry\"\nregion_header = \"CF-Region-Code\"",
    ));
    let california = [("cf-ipcountry", "US"), ("cf-region-code", "CA")];
    let (headers, html) = tracked_page(&gateway, &california).await;
    assert_running(&origin, &headers, &html);
    let (headers, html) = tracked_page(&gateway, &[("cf-ipcountry", "DE")]).await;
    assert_opt_in(&origin, &headers, &html);
    // From the proxy without its header, the place is unknown.
    let (headers, html) = tracked_page(&gateway, &[]).await;
    assert_opt_in(&origin, &headers, &html);
}

#[tokio::test]
async fn the_place_header_from_an_untrusted_peer_is_ignored() {
    crate::native_only!("a CDN's headers; a Worker reads the place from request.cf");
    let origin = Origin::start().await;
    let server = "trusted_proxies = [\"10.0.0.0/8\"]\ncountry_header = \"CF-IPCountry\"\nregion_header = \"CF-Region-Code\"";
    // A visitor claiming California gains nothing: the place stays unknown.
    let gateway = Gateway::with_config(&by_region(&origin, server));
    let california = [("cf-ipcountry", "US"), ("cf-region-code", "CA")];
    let (headers, html) = tracked_page(&gateway, &california).await;
    assert_opt_in(&origin, &headers, &html);
    // And where the database knows the peer, the database says, whatever the header claims.
    let located = Gateway::with_config_at(&by_region(&origin, server), Place::region("US", "CA"));
    let (headers, html) = tracked_page(&located, &[("cf-ipcountry", "DE")]).await;
    assert_running(&origin, &headers, &html);
}
