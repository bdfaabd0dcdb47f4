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

/// The attribute that says which regime the banner speaks.
fn banner_regime(html: &str) -> &str {
    let at = html
        .find("data-regime=\"")
        .unwrap_or_else(|| panic!("no banner in the page: {html}"))
        + "data-regime=\"".len();
    &html[at..at + html[at..].find('"').expect("attribute ends")]
}

/// Posts a decision as the banner's form does (without JavaScript), with `cookie`; returns
/// the new consent cookie and where the visitor is sent back to.
async fn post_form(gateway: &Gateway, form: &str, cookie: &str) -> (String, String) {
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", cookie)
        .body(form.to_owned())
        .send()
        .await
        .expect("decision");
    assert_eq!(response.status(), 303, "a form post is sent back");
    let back = response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let consent = crate::support::cookie_pair(response.headers(), "consentry").expect("consent");
    (consent, back)
}

/// The consent log as `consentry log export` gives it, once it has `n` records.
async fn records(gateway: &Gateway, n: usize) -> Vec<serde_json::Value> {
    let config = gateway.data_dir.path().join("consentry.toml");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let out = std::process::Command::new(crate::support::binary())
            .args(["log", "export", "--config"])
            .arg(&config)
            .output()
            .expect("consentry log export");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let found: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        if found.len() >= n || std::time::Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_californian_gets_the_opt_out_link_and_after_opting_out_no_marketing() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config_at(&by_region(&origin, ""), Place::region("US", "CA"));
    let (_, html) = tracked_page(&gateway, &[]).await;
    assert_eq!(banner_regime(&html), "opt-out");
    let link = html
        .find(r#"id="consentry-opt-out""#)
        .map(|at| &html[at..at + html[at..].find('>').expect("tag ends")])
        .unwrap_or_else(|| panic!("no opt-out link on the page: {html}"));
    assert!(link.contains(r#"href="/__consentry/opt-out""#), "{link}");
    assert!(html.contains("Do Not Sell or Share My Personal Information"));

    // The link's page explains and posts the opt-out; it works without JavaScript.
    let page = client()
        .get(gateway.at("/__consentry/opt-out"))
        .header("referer", gateway.at("/page?x=1"))
        .send()
        .await
        .expect("opt-out page");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let form = page.text().await.expect("body");
    assert!(form.contains(r#"name="action" value="opt_out""#), "{form}");
    assert!(
        form.contains(r#"value="/page?x=1""#),
        "back to the page: {form}"
    );

    let (consent, back) = post_form(
        &gateway,
        "action=opt_out&return_to=%2Fpage%3Fx%3D1",
        BROWSER_COOKIES,
    )
    .await;
    assert_eq!(back, "/page?x=1");
    let cookies = format!("{BROWSER_COOKIES}; {consent}");
    let (headers, html) = tracked_page(&gateway, &[("cookie", &cookies)]).await;
    assert!(!inert(&html, ANALYTICS), "{}", script_tag(&html, ANALYTICS));
    assert!(inert(&html, MARKETING), "{}", script_tag(&html, MARKETING));
    assert!(!origin.cookies_at("/page").contains("_fbp"));
    assert!(!set_cookie_names(&headers).contains(&"_fbp".to_owned()));
    // The link stays on every page after the choice, and the page says it was done.
    assert!(html.contains(r#"id="consentry-opt-out""#), "{html}");
    let done = client()
        .get(gateway.at("/__consentry/opt-out"))
        .header("cookie", &consent)
        .send()
        .await
        .expect("opt-out page")
        .text()
        .await
        .expect("body");
    assert!(!done.contains(r#"value="opt_out""#), "{done}");

    // The proof says what was chosen and under which regime.
    let log = records(&gateway, 1).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["kind"], "opt_out");
    assert_eq!(log[0]["regime"], "opt-out");
    assert_eq!(log[0]["marketing"], false);
    assert_eq!(log[0]["analytics"], true);
}

#[tokio::test]
async fn each_place_is_told_its_rules_and_records_carry_them() {
    let origin = Origin::start().await;
    let german = Gateway::with_config_at(&by_region(&origin, ""), Place::country("DE"));
    let (_, html) = tracked_page(&german, &[]).await;
    assert_eq!(banner_regime(&html), "opt-in");
    assert!(!html.contains("consentry-opt-out"), "{html}");
    let declaration = german.get_text("/__consentry/cookies?format=json").await;
    let declaration: serde_json::Value = serde_json::from_str(&declaration).expect("json");
    assert_eq!(declaration["regime"], "opt-in");
    crate::support::consent_json(&german, "accept_all", &[]).await;
    let log = records(&german, 1).await;
    assert_eq!(log[0]["regime"], "opt-in");

    let californian = Gateway::with_config_at(&by_region(&origin, ""), Place::region("US", "CA"));
    let declaration = californian.get_text("/__consentry/cookies").await;
    assert!(
        declaration.contains(r#"data-regime="opt-out""#)
            && declaration.contains("opt out of the sale and sharing"),
        "{declaration}"
    );
    // Consent Mode: denied for every other region, granted for the visitor's own.
    let (_, html) = tracked_page(&californian, &[]).await;
    let defaults = script_tag(&html, "consentry-consent-mode");
    assert!(defaults.contains("consentry-consent-mode"), "{defaults}");
    let start = html.find("consentry-consent-mode").expect("script");
    let script = &html[start..start + html[start..].find("</script>").expect("end")];
    assert!(
        script.contains("ad_storage:'denied'")
            && script.contains("ad_storage:'granted'")
            && script.contains("region:['US-CA']"),
        "{script}"
    );
}

#[tokio::test]
async fn the_demo_shows_each_region_with_its_switch() {
    crate::native_only!("`consentry demo` is the native binary's");
    let demo = Gateway::demo();
    let page = |query: &'static str, cookie: Option<String>| {
        let mut request = client().get(demo.at(&format!("/{query}")));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move { request.send().await.expect("demo page") }
    };
    let german = page("", None).await.text().await.expect("body");
    assert_eq!(
        banner_regime(&german),
        "opt-in",
        "an unknown place: the strictest"
    );
    assert!(
        german.contains("?region=US-CA"),
        "the switch is on the page"
    );

    let response = page("?region=US-CA", None).await;
    let region = crate::support::cookie_pair(response.headers(), "consentry_demo_region")
        .expect("the choice is kept");
    let californian = response.text().await.expect("body");
    assert_eq!(banner_regime(&californian), "opt-out");
    // The next page, without the parameter, is still Californian.
    let next = page("", Some(region)).await.text().await.expect("body");
    assert_eq!(banner_regime(&next), "opt-out");
    let japan = page("?region=JP", None).await.text().await.expect("body");
    assert_eq!(banner_regime(&japan), "notice");
}
