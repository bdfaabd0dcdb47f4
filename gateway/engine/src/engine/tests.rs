//! The runtime guard as the engine serves and injects it.

use std::net::SocketAddr;
use std::sync::Arc;

use consentry_config::{Catalogue, Category, Config};
use http::Method;

use crate::site::Route;
use crate::{pages, Engine, Grants, RequestInfo, SiteEngine, VisitorConsent};

fn engine() -> Engine {
    let config = Config::quick_start(
        "http://127.0.0.1:9",
        SocketAddr::from(([127, 0, 0, 1], 0)),
        "unused".into(),
    )
    .expect("config");
    Engine::new(
        &config,
        &Catalogue::builtin().expect("catalogue"),
        &[7u8; 32],
    )
}

fn site(engine: &Engine) -> Arc<SiteEngine> {
    Arc::clone(&engine.sites()[0])
}

fn guard_path(engine: &Engine) -> String {
    engine
        .assets()
        .guard
        .as_ref()
        .expect("a guard")
        .path
        .clone()
}

/// The page as the visitor gets it, for these grants.
fn rewritten(site: &SiteEngine, grants: Grants) -> String {
    let consent = VisitorConsent {
        grants,
        ..VisitorConsent::undecided(false)
    };
    let info = RequestInfo {
        method: &Method::GET,
        path_and_query: "/",
        accept_language: None,
        place: None,
    };
    let mut rewriter = site.page_rewriter(&consent, &info, None).expect("rewriter");
    let mut out = rewriter
        .write(b"<!doctype html><html><head><title>t</title><script src=\"/app.js\"></script></head><body><p>hi</p></body></html>")
        .expect("write");
    out.extend(rewriter.end().expect("end").0);
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn guard_is_served_immutable_with_the_tracker_hosts() {
    let engine = engine();
    let site = site(&engine);
    let path = guard_path(&engine);
    assert!(
        path.starts_with("/__consentry/guard.") && path.ends_with(".js"),
        "{path}"
    );
    let Route::Asset(asset) = site.route(&Method::GET, &path) else {
        panic!("{path} is not served");
    };
    let page = pages::asset(asset, &Method::GET);
    assert_eq!(page.status(), http::StatusCode::OK);
    let headers = page.headers();
    assert_eq!(
        headers[http::header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        headers[http::header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    let js = std::str::from_utf8(page.body()).expect("utf-8");
    // A tracker host of each optional category, in its category's list.
    let list = |category: Category| {
        let key = format!("\"{}\":\"", category.as_str());
        let start = js.find(&key).expect("category") + key.len();
        let end = start + js[start..].find('"').expect("end of list");
        js[start..end].split(' ').collect::<Vec<_>>()
    };
    assert!(list(Category::Analytics).contains(&"google-analytics.com"));
    assert!(list(Category::Marketing).contains(&"doubleclick.net"));
    assert!(list(Category::Marketing).contains(&"facebook.net"));
    // Necessary hosts are never blocked: at most exceptions, never in a category's list.
    for necessary in ["paypal.com", "github.com"] {
        for category in Category::OPTIONAL {
            assert!(!list(category).contains(&necessary), "{necessary}");
        }
    }
    assert!(!js.contains("\"necessary\":\""));
    // HEAD gets the headers without the body; other methods are refused.
    assert!(pages::asset(asset, &Method::HEAD).body().is_empty());
    assert!(matches!(
        site.route(&Method::POST, &path),
        Route::MethodNotAllowed(_)
    ));
}

#[test]
fn guard_is_built_once_for_every_site_and_engine() {
    let a = engine();
    let b = engine();
    assert_eq!(guard_path(&a), guard_path(&b));
    let (ga, gb) = (
        a.assets().guard.as_ref().expect("guard"),
        b.assets().guard.as_ref().expect("guard"),
    );
    assert!(std::ptr::eq(ga.body, gb.body));
}

#[test]
fn guard_is_injected_first_for_visitors_who_have_not_granted_everything() {
    let engine = engine();
    let site = site(&engine);
    let path = guard_path(&engine);
    for (grants, granted) in [
        (Grants::NECESSARY_ONLY, ""),
        (Grants::of([Category::Analytics]), "analytics"),
        (
            Grants::of([Category::Preferences, Category::Marketing]),
            "preferences marketing",
        ),
    ] {
        let html = rewritten(&site, grants);
        let tag = format!("<script src=\"{path}\" data-granted=\"{granted}\"></script>");
        let at = html.find(&tag).unwrap_or_else(|| panic!("{tag} in {html}"));
        // Right after the Consent Mode defaults, before the page's own scripts.
        assert!(html[..at].ends_with("</script>"), "{html}");
        assert!(html[..at].contains("consentry-consent-mode"));
        assert!(at < html.find("/app.js").expect("the page's script"));
        assert_eq!(html.matches("/__consentry/guard.").count(), 1);
    }
}

#[test]
fn guard_is_left_out_when_everything_is_granted() {
    let engine = engine();
    let html = rewritten(&site(&engine), Grants::ALL);
    assert!(html.contains("consentry-consent-mode"));
    assert!(!html.contains("/__consentry/guard."), "{html}");
}

/// A site's `allow_trackers` reaches both the HTML pass and a runtime guard of its own: the
/// owner's override of a wrong match holds wherever the request would come from.
#[test]
fn a_sites_allowed_trackers_pass_the_page_and_its_own_guard() {
    let mut config = Config::quick_start(
        "http://127.0.0.1:9",
        SocketAddr::from(([127, 0, 0, 1], 0)),
        "unused".into(),
    )
    .expect("config");
    config.sites[0].allow_trackers = vec!["maps.googleapis.com".into()];
    let catalogue = Catalogue::builtin().expect("catalogue");
    let engine = Engine::new(&config, &catalogue, &[7u8; 32]);
    let site = site(&engine);
    let consent = VisitorConsent::undecided(false);
    let info = RequestInfo {
        method: &Method::GET,
        path_and_query: "/",
        accept_language: None,
        place: None,
    };
    let mut rewriter = site.page_rewriter(&consent, &info, None).expect("rewriter");
    let mut out = rewriter
        .write(
            b"<html><head></head><body>\
              <script src=\"https://maps.googleapis.com/maps/api/js?key=k\"></script>\
              <script src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>\
              </body></html>",
        )
        .expect("write");
    out.extend(rewriter.end().expect("end").0);
    let html = String::from_utf8(out).expect("utf-8");
    let maps = html
        .split("<script")
        .find(|s| s.contains("maps.googleapis.com"))
        .expect("maps script");
    assert!(!maps.contains("text/plain"), "allowed: {maps}");
    let gtag = html
        .split("<script")
        .find(|s| s.contains("googletagmanager.com"))
        .expect("gtag script");
    assert!(gtag.contains("text/plain"), "still blocked: {gtag}");

    let own = guard_path(&engine);
    let site_guard = html
        .split("src=\"")
        .filter_map(|s| s.split('"').next())
        .find(|p| p.starts_with("/__consentry/guard."))
        .expect("the page loads a guard");
    assert_ne!(site_guard, own, "the site's guard is its own");
    let Route::Asset(asset) = site.route(&Method::GET, site_guard) else {
        panic!("{site_guard} is not served");
    };
    let body = String::from_utf8_lossy(pages::asset(asset, &Method::GET).body()).into_owned();
    assert!(
        body.contains("\"maps.googleapis.com\""),
        "the guard allows it"
    );
}
