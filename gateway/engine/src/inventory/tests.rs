use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use consentry_config::{Catalogue, Category, Config, UnknownCookies};
use http::header::{HeaderValue, ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use http::{HeaderMap, Method, StatusCode};

use super::declaration::{declaration_page, declared_cookies};
use super::merged_for_writer;
use super::*;
use crate::storage::row::stored_row;
use crate::{Engine, RequestInfo, SiteEngine};

const NOW: u64 = 1_750_000_000;

fn site() -> Arc<SiteEngine> {
    let mut config = Config::quick_start(
        "http://127.0.0.1:9",
        SocketAddr::from(([127, 0, 0, 1], 0)),
        "unused".into(),
    )
    .expect("config");
    // By the flags only: these tests are about what the inventory records, not the guess.
    config.consent.unknown_cookies = UnknownCookies::Traits {
        fallback: Category::Marketing,
    };
    let engine = Engine::new(
        &config,
        &Catalogue::builtin().expect("catalogue"),
        &[7u8; 32],
    );
    Arc::clone(&engine.sites()[0])
}

/// One request through the engine: its cookies, then the origin's `Set-Cookie`s, recorded.
fn pass(site: &SiteEngine, inventory: &CookieInventory, cookie: &str, set: &[&str], path: &str) {
    let mut request = HeaderMap::new();
    if !cookie.is_empty() {
        request.insert(COOKIE, HeaderValue::from_str(cookie).expect("cookie"));
    }
    let (consent, filter) =
        site.prepare_request(&mut request, consentry_config::Regime::OptIn, NOW);
    inventory.saw_in_request(site, &filter.names, path, NOW);
    let mut response = HeaderMap::new();
    for value in set {
        response.append(
            SET_COOKIE,
            HeaderValue::from_str(value).expect("set-cookie"),
        );
    }
    let info = RequestInfo {
        method: &Method::GET,
        path_and_query: path,
        accept_language: None,
        place: None,
    };
    let (set_cookies, _) =
        site.prepare_response(&consent, &info, StatusCode::OK, &mut response, NOW);
    inventory.saw_set(site, &set_cookies.cookies, path, NOW);
}

fn by_name<'a>(rows: &'a [CookieRow], name: &str) -> &'a CookieRow {
    rows.iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("{name} in {rows:?}"))
}

#[test]
fn cookies_set_by_the_origin_and_by_scripts_are_recorded() {
    let site = site();
    let inventory = CookieInventory::new([site.site().name.as_str()]);
    pass(
        &site,
        &inventory,
        "",
        &[
            "_ga=GA1.1.1.1; Max-Age=63072000; Path=/; Domain=.shop.test; Secure; SameSite=Lax",
            "app_sess=1; Path=/; HttpOnly",
            "gone=; Max-Age=0",
        ],
        "/a?email=someone@example.com",
    );
    pass(&site, &inventory, "_ga=1; widget_state=2", &[], "/b");
    let rows = inventory.drain();
    assert!(inventory.is_empty());
    assert_eq!(rows.len(), 3, "{rows:?}");
    let ga = by_name(&rows, "_ga");
    assert_eq!(ga.set_by, SetBy::Origin);
    assert_eq!(ga.lifetime, CookieLifetime::Seconds(63_072_000));
    assert_eq!(
        (
            ga.domain.as_str(),
            ga.path.as_str(),
            ga.secure,
            ga.http_only
        ),
        ("shop.test", "/", true, false)
    );
    assert_eq!(ga.same_site, "Lax");
    assert_eq!(
        (ga.category, ga.source.as_str()),
        (Category::Analytics, "catalogue")
    );
    assert_eq!(ga.paths, ["/a", "/b"], "queries are never kept");
    let sess = by_name(&rows, "app_sess");
    assert_eq!(
        (sess.category, sess.source.as_str()),
        (Category::Necessary, "learned")
    );
    assert_eq!(sess.lifetime, CookieLifetime::Session);
    let widget = by_name(&rows, "widget_state");
    assert_eq!(widget.set_by, SetBy::Script);
    assert_eq!(widget.lifetime, CookieLifetime::Unknown);
    assert_eq!(
        (widget.category, widget.source.as_str()),
        (Category::Marketing, "fallback")
    );
    assert!(widget.is_unclassified() && sess.is_unclassified() && !ga.is_unclassified());
    assert_eq!(
        site.classifier().unclassified_count(),
        2,
        "each flagged once"
    );
    pass(&site, &inventory, "widget_state=3", &[], "/c");
    assert_eq!(site.classifier().unclassified_count(), 2);
}

#[test]
fn rows_merge_across_drains_and_writers() {
    let site = site();
    let inventory = CookieInventory::new([site.site().name.as_str()]);
    pass(&site, &inventory, "widget_state=1", &[], "/1");
    let first = inventory.drain();
    pass(
        &site,
        &inventory,
        "",
        &["widget_state=2; Max-Age=86400"],
        "/2",
    );
    let second: Vec<CookieRow> = inventory
        .drain()
        .into_iter()
        .map(|mut r| {
            r.first_seen = NOW + 5;
            r.last_seen = NOW + 5;
            r
        })
        .collect();
    let stored = merged_for_writer(first, &second, &HashMap::new());
    let widget = by_name(&stored, "widget_state");
    assert_eq!(widget.set_by, SetBy::Origin, "the origin set it after all");
    assert_eq!(widget.lifetime, CookieLifetime::Seconds(86_400));
    assert_eq!((widget.first_seen, widget.last_seen), (NOW, NOW + 5));
    assert_eq!(widget.paths, ["/1", "/2"]);
    // Another writer's older row, seen only in requests, does not undo that.
    let mut other = widget.clone();
    other.set_by = SetBy::Script;
    other.lifetime = CookieLifetime::Unknown;
    other.last_seen = NOW + 1;
    other.paths = (0..9).map(|i| format!("/x{i}")).collect();
    let merged = merge_writers(vec![stored[0].clone(), other]);
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].set_by, SetBy::Origin);
    assert_eq!(merged[0].paths.len(), MAX_PATHS);
    // A row put back after a failed flush meets what was seen since.
    inventory.restore(merged.clone());
    let back = inventory.drain();
    assert_eq!(back, merged);
}

#[test]
fn names_seen_only_in_requests_are_bounded_per_site() {
    let site = site();
    let name = site.site().name.clone();
    let inventory = CookieInventory::new([name.as_str()]);
    let made_up: Vec<String> = (0..50).map(|i| format!("made_up_{i}=1")).collect();
    pass(
        &site,
        &inventory,
        &made_up.join("; "),
        &["theme=dark; Max-Age=60"],
        "/",
    );
    let rows = inventory.drain();
    let scripts = |rows: &[CookieRow]| rows.iter().filter(|r| r.set_by == SetBy::Script).count();
    assert_eq!(scripts(&rows), 50);

    // The store holds all but ten: ten more go in, the origin's cookie regardless.
    let nearly_full = HashMap::from([(name.clone(), MAX_SCRIPT_COOKIES_STORED - 10)]);
    let kept = merged_for_writer(Vec::new(), &rows, &nearly_full);
    assert_eq!(scripts(&kept), 10);
    assert_eq!(by_name(&kept, "theme").set_by, SetBy::Origin);

    // Full: the names this writer holds are still brought up to date, no new one goes in.
    let full = HashMap::from([(name.clone(), MAX_SCRIPT_COOKIES_STORED)]);
    let later: Vec<CookieRow> = rows
        .iter()
        .cloned()
        .map(|mut r| {
            r.last_seen = NOW + 60;
            r
        })
        .collect();
    let again = merged_for_writer(kept.clone(), &later, &full);
    assert_eq!(scripts(&again), 10);
    assert!(again.iter().all(|r| r.last_seen == NOW + 60), "{again:?}");
    let names = |rows: &[CookieRow]| {
        let mut names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
        names.sort();
        names
    };
    assert_eq!(names(&again), names(&kept));

    // Another site's count is its own.
    let other = HashMap::from([("elsewhere".to_owned(), MAX_SCRIPT_COOKIES_STORED)]);
    assert_eq!(scripts(&merged_for_writer(Vec::new(), &rows, &other)), 50);
}

#[test]
fn stored_rows_read_back_as_they_were() {
    let row = CookieRow {
        site: "s".into(),
        name: "n".into(),
        set_by: SetBy::Origin,
        domain: "example.com".into(),
        path: "/".into(),
        lifetime: CookieLifetime::Session,
        http_only: true,
        secure: false,
        same_site: "Strict".into(),
        category: Category::Preferences,
        source: "override".into(),
        first_seen: 1,
        last_seen: 2,
        paths: vec!["/a".into(), "/b".into()],
    };
    let stored = stored_row(
        &crate::schema::COOKIE_INVENTORY,
        cookie_values(&row, "w").expect("values"),
    );
    assert_eq!(cookie_from(&stored), Ok(row));
    let entry = CookieOverride {
        site: "s".into(),
        name: "n".into(),
        category: Category::Marketing,
        purpose: "p".into(),
        by: "ann".into(),
        at: 3,
    };
    let stored = stored_row(
        &crate::schema::COOKIE_OVERRIDES,
        override_values(&entry).expect("values"),
    );
    assert_eq!(override_from(&stored), Ok(entry));
    for lifetime in [
        CookieLifetime::Session,
        CookieLifetime::Unknown,
        CookieLifetime::Seconds(0),
        CookieLifetime::Seconds(60),
    ] {
        assert_eq!(CookieLifetime::from_code(lifetime.code()), lifetime);
    }
}

fn declaration(
    site: &SiteEngine,
    rows: &[CookieRow],
    overrides: &[CookieOverride],
    query: &str,
    language: &str,
) -> String {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT_LANGUAGE,
        HeaderValue::from_str(language).expect("language"),
    );
    let page = declaration_page(
        site,
        rows,
        overrides,
        Some(query),
        &headers,
        consentry_config::Regime::OptIn,
        false,
    );
    assert_eq!(page.status(), StatusCode::OK);
    String::from_utf8(page.into_body().into_owned()).expect("utf-8")
}

#[test]
fn the_declaration_speaks_the_visitors_language() {
    let site = site();
    let inventory = CookieInventory::new([site.site().name.as_str()]);
    pass(
        &site,
        &inventory,
        "_gid=1; <b>odd=1",
        &["_ga=1; Max-Age=63072000", "session=1; HttpOnly"],
        "/",
    );
    let rows = inventory.drain();
    let nl = declaration(&site, &rows, &[], "", "nl-NL,nl;q=0.9");
    for text in [
        "Herkomst",
        "Soort",
        "Naam",
        "Bewaartermijn",
        "Doel",
        "2 jaar",
        "24 uur",
        "sessie",
        "Google Analytics",
        "Statistieken",
        "Deze site",
        "<code>consentry</code>",
    ] {
        assert!(nl.contains(text), "{text} in {nl}");
    }
    assert!(!nl.contains("<b>odd"), "names are escaped");
    let en = declaration(&site, &rows, &[], "lang=en", "nl");
    for text in ["Provider", "2 years", "24 hours", "Distinguishes visitors"] {
        assert!(en.contains(text), "{text} in {en}");
    }
    let de = declaration(&site, &rows, &[], "lang=de&format=fragment", "");
    assert!(
        de.starts_with("<div class=\"consentry-declaration\" lang=\"de\">"),
        "{de}"
    );
    assert!(
        de.contains("2 Jahre") && de.contains("Speicherdauer"),
        "{de}"
    );
    let fr = declaration(&site, &rows, &[], "lang=fr", "");
    assert!(
        fr.contains("2 ans") && fr.contains("Dur&#233;e de conservation"),
        "{fr}"
    );
}

#[test]
fn the_owners_classification_and_words_are_declared() {
    let site = site();
    let inventory = CookieInventory::new([site.site().name.as_str()]);
    pass(&site, &inventory, "widget_state=1", &[], "/");
    let rows = inventory.drain();
    let overrides = [CookieOverride {
        site: site.site().name.clone(),
        name: "widget_state".into(),
        category: Category::Preferences,
        purpose: "Onthoudt of de chat open staat.".into(),
        by: "owner".into(),
        at: NOW,
    }];
    let json: serde_json::Value =
        serde_json::from_str(&declaration(&site, &rows, &overrides, "format=json", "nl"))
            .expect("json");
    assert_eq!(json["language"], "nl");
    assert_eq!(json["unclassified"], 0);
    let widget = json["cookies"]
        .as_array()
        .expect("cookies")
        .iter()
        .find(|c| c["name"] == "widget_state")
        .expect("widget_state");
    assert_eq!(widget["category"], "preferences");
    assert_eq!(widget["source"], "override");
    assert_eq!(widget["purpose"], "Onthoudt of de chat open staat.");
    assert_eq!(widget["set_by"], "script");
    let declared = declared_cookies(&site, &rows, &[]);
    assert!(declared
        .iter()
        .any(|c| c.name == "widget_state" && c.is_unclassified()));
}

#[test]
fn the_declaration_says_where_each_description_comes_from() {
    let site = site();
    let inventory = CookieInventory::new([site.site().name.as_str()]);
    // `_ga` is a curated entry; `X-Magento-Vary` comes from the Open Cookie Database.
    pass(
        &site,
        &inventory,
        "",
        &["_ga=1; Max-Age=63072000", "X-Magento-Vary=1; Max-Age=1800"],
        "/",
    );
    let rows = inventory.drain();
    let json: serde_json::Value =
        serde_json::from_str(&declaration(&site, &rows, &[], "format=json", "en")).expect("json");
    let source_of = |name: &str| {
        json["cookies"]
            .as_array()
            .expect("cookies")
            .iter()
            .find(|c| c["name"] == name)
            .map(|c| c["catalogue_source"].clone())
    };
    assert_eq!(source_of("_ga"), Some("Consentry".into()));
    assert_eq!(
        source_of("X-Magento-Vary"),
        Some("Open Cookie Database".into())
    );
    let titles: Vec<&str> = json["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["title"].as_str())
        .collect();
    assert_eq!(titles, ["Open Cookie Database", "WhoTracks.me"]);

    let html = declaration(&site, &rows, &[], "lang=de", "");
    let magento_row = html
        .split("<tr>")
        .find(|row| row.contains("<code>X-Magento-Vary</code>"))
        .expect("X-Magento-Vary row");
    assert!(magento_row.contains("#cookie-sources"), "{magento_row}");
    assert!(
        html.contains("Open Cookie Database (Apache-2.0)")
            && html.contains("WhoTracks.me (CC BY 4.0)"),
        "the footer names the sources and their licences"
    );
}
