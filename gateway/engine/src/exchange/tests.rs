//! What a request does, pinned at the plan: the same for every host, since both hosts only
//! carry out these plans.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;

use consentry_config::{AnalyticsSettings, Catalogue, Config, OversizedPages};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};

use super::*;
use crate::analytics::Counter;
use crate::inventory::CookieInventory;
use crate::store::{StoreError, StoreFuture};
use crate::{ConsentRecord, Place};

const PEER: IpAddr = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7));

fn engine_with(edit: impl FnOnce(&mut Config)) -> Engine {
    let mut config = Config::quick_start(
        "http://127.0.0.1:9/base",
        SocketAddr::from(([127, 0, 0, 1], 0)),
        "unused".into(),
    )
    .expect("config");
    edit(&mut config);
    Engine::new(
        &config,
        &Catalogue::builtin().expect("catalogue"),
        &[7u8; 32],
    )
}

fn engine() -> Engine {
    engine_with(|_| {})
}

/// A host that keeps what it is told in memory and whose store is down.
struct TestHost {
    analytics: Counter,
    inventory: CookieInventory,
    appended: Mutex<Vec<ConsentRecord>>,
    events: Mutex<Vec<String>>,
    place: Place,
}

impl TestHost {
    fn new(engine: &Engine) -> Self {
        TestHost {
            analytics: Counter::new(AnalyticsSettings::default()),
            inventory: CookieInventory::new(engine.sites().iter().map(|s| s.site().name.as_str())),
            appended: Mutex::new(Vec::new()),
            events: Mutex::new(Vec::new()),
            place: Place::from_codes(Some("NL"), None),
        }
    }

    fn events(&self) -> Vec<String> {
        self.events.lock().expect("events").clone()
    }
}

impl Host for TestHost {
    fn store(&self) -> Result<&dyn crate::store::Store, StoreError> {
        Err(StoreError::Database("down".into()))
    }
    fn append(&self, record: ConsentRecord) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let mut appended = self.appended.lock().expect("appended");
            appended.push(record);
            Ok(appended.len() as u64)
        })
    }
    fn flush(&self) -> HostFuture<'_, ()> {
        Box::pin(async {})
    }
    fn random(&self, out: &mut [u8]) -> Result<(), String> {
        out.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
        Ok(())
    }
    fn salt(&self) -> [u8; 32] {
        [1; 32]
    }
    fn place(&self) -> Place {
        self.place.clone()
    }
    fn analytics(&self) -> &Counter {
        &self.analytics
    }
    fn inventory(&self) -> &CookieInventory {
        &self.inventory
    }
    fn ready(&self) -> HostFuture<'_, Result<(), String>> {
        Box::pin(async { Err("store: down".to_owned()) })
    }
    fn keeps_metrics(&self) -> bool {
        false
    }
    fn metrics(&self) -> String {
        String::new()
    }
    fn observe(&self, event: Event<'_>) {
        let name = match event {
            Event::Request { .. } => "request".to_owned(),
            Event::RequestCookies { filter, .. } => format!("request-cookies {:?}", filter.removed),
            Event::ResponseCookies { filter, .. } => {
                format!("response-cookies {:?}", filter.removed)
            }
            Event::Decision { kind, .. } => format!("decision {kind}"),
            Event::Upstream { failure, .. } => format!("upstream {}", failure.as_str()),
            Event::Oversized { passed, .. } => format!("oversized passed={passed}"),
        };
        self.events.lock().expect("events").push(name);
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).expect("value"));
    }
    map
}

fn visit<'a>(method: &'a Method, path: &'a str, headers: &'a HeaderMap) -> Visit<'a> {
    Visit {
        method,
        path_and_query: path,
        authority: None,
        headers,
        peer: Some(PEER),
        https: false,
        now: 1_800_000_000,
    }
}

fn answer(plan: Plan<'_>) -> Page {
    match plan {
        Plan::Answer(page, _) => page,
        other => panic!("expected an answer, got {other:?}"),
    }
}

fn forward(plan: Plan<'_>) -> Box<Forward<'_>> {
    match plan {
        Plan::Forward(forward) => forward,
        other => panic!("expected a forwarding plan, got {other:?}"),
    }
}

fn assert_protected(page: &Page) {
    let h = page.headers();
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("csp");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
}

#[test]
fn requests_without_a_known_host_or_with_ambiguous_framing_are_answered_here() {
    let engine = engine();
    let none = HeaderMap::new();
    let page = answer(engine.plan(&visit(&Method::GET, "/", &none), &TestHost::new(&engine)));
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    // quick_start's site answers any host; framing is checked before the host.
    let smuggled = headers(&[
        ("host", "shop.test"),
        ("content-length", "5"),
        ("transfer-encoding", "chunked"),
    ]);
    let page = answer(engine.plan(
        &visit(&Method::POST, "/", &smuggled),
        &TestHost::new(&engine),
    ));
    assert_eq!(page.status(), StatusCode::BAD_REQUEST);
    assert_protected(&page);
}

#[test]
fn forwarding_strips_unconsented_cookies_and_keeps_the_visitors_host() {
    let engine = engine();
    let request = headers(&[
        ("host", "shop.test"),
        ("cookie", "_ga=GA1.1.1.1; PHPSESSID=abc"),
        ("connection", "keep-alive, x-private"),
        ("x-private", "1"),
    ]);
    let forward = forward(engine.plan(
        &visit(&Method::GET, "/a?b=1", &request),
        &TestHost::new(&engine),
    ));
    assert_eq!(forward.uri.to_string(), "http://127.0.0.1:9/base/a?b=1");
    let h = &forward.headers;
    assert_eq!(h[header::COOKIE], "PHPSESSID=abc");
    assert_eq!(h[header::HOST], "shop.test");
    assert_eq!(h["x-forwarded-for"], "203.0.113.7");
    assert!(h.get("x-private").is_none() && h.get(header::CONNECTION).is_none());
}

#[test]
fn an_html_answer_is_rewritten_with_tracker_cookies_removed_and_the_view_counted() {
    let engine = engine();
    let host = TestHost::new(&engine);
    let request = headers(&[
        ("host", "shop.test"),
        ("user-agent", "Mozilla/5.0 Firefox/120.0"),
    ]);
    let forward = forward(engine.plan(&visit(&Method::GET, "/", &request), &host));
    let mut origin = headers(&[
        ("content-type", "text/html; charset=utf-8"),
        ("content-length", "120"),
        ("etag", "\"v1\""),
        ("set-cookie", "_ga=GA1.1.2.3; Max-Age=63072000; Path=/"),
        ("set-cookie", "app_session=xyz; HttpOnly; Path=/"),
    ]);
    let plan = forward.respond(&host, StatusCode::OK, &mut origin, false);
    assert!(matches!(plan.body, BodyAction::Rewrite(_)));
    let set: Vec<_> = origin.get_all(header::SET_COOKIE).iter().collect();
    assert_eq!(set.len(), 1, "{set:?}");
    assert!(set[0].to_str().expect("text").starts_with("app_session="));
    assert!(origin.get(header::CONTENT_LENGTH).is_none() && origin.get(header::ETAG).is_none());
    assert!(!host.analytics.is_empty(), "the page view is counted");
    assert!(!host.inventory.is_empty(), "the cookies are noted");
    assert!(plan.effects.record.is_none());
    assert_eq!(
        host.events(),
        [
            "request-cookies [0, 0, 0, 0]",
            "response-cookies [0, 0, 1, 0]"
        ]
    );
}

#[test]
fn a_non_html_answer_passes_and_counts_nothing() {
    let engine = engine();
    let host = TestHost::new(&engine);
    let request = headers(&[("host", "shop.test")]);
    let forward = forward(engine.plan(&visit(&Method::GET, "/app.js", &request), &host));
    let mut origin = headers(&[("content-type", "text/javascript"), ("content-length", "9")]);
    let plan = forward.respond(&host, StatusCode::OK, &mut origin, false);
    assert!(matches!(plan.body, BodyAction::Pass));
    assert_eq!(origin[header::CONTENT_LENGTH], "9");
    assert!(host.analytics.is_empty());
}

#[test]
fn a_body_the_runtime_decoded_is_rewritten_and_keeps_its_coding() {
    let engine = engine();
    let host = TestHost::new(&engine);
    let request = headers(&[("host", "shop.test")]);
    let forward = forward(engine.plan(&visit(&Method::GET, "/", &request), &host));
    let mut origin = headers(&[("content-type", "text/html"), ("content-encoding", "br")]);
    let plan = forward.respond(&host, StatusCode::OK, &mut origin, true);
    assert!(matches!(plan.body, BodyAction::Rewrite(_)));
    assert_eq!(origin[header::CONTENT_ENCODING], "br");
}

#[test]
fn oversized_pages_are_refused_or_passed_as_configured() {
    for (setting, refused) in [
        (OversizedPages::Refuse, true),
        (OversizedPages::Pass, false),
    ] {
        let engine = engine_with(|c| c.server.oversized_pages = setting);
        let host = TestHost::new(&engine);
        let request = headers(&[("host", "shop.test")]);
        let forward = forward(engine.plan(&visit(&Method::GET, "/", &request), &host));
        let page = forward.oversized(&host);
        assert_eq!(page.is_some(), refused);
        if let Some(page) = page {
            assert_eq!(page.status(), StatusCode::BAD_GATEWAY);
        }
        assert_eq!(host.events(), [format!("oversized passed={}", !refused)]);
    }
}

#[test]
fn an_unreachable_origin_is_a_502_and_noted() {
    let engine = engine();
    let host = TestHost::new(&engine);
    let request = headers(&[("host", "shop.test")]);
    let forward = forward(engine.plan(&visit(&Method::GET, "/", &request), &host));
    let page = forward.failed(&host, UpstreamFailure::Unreachable);
    assert_eq!(page.status(), StatusCode::BAD_GATEWAY);
    assert!(host.events().contains(&"upstream unreachable".to_owned()));
}

#[test]
fn a_decision_is_recorded_before_the_cookie_is_given() {
    let engine = engine();
    let host = TestHost::new(&engine);
    let request = headers(&[
        ("host", "shop.test"),
        ("origin", "http://shop.test"),
        ("content-type", "application/json"),
    ]);
    let v = visit(&Method::POST, "/__consentry/consent", &request);
    let Plan::Own(own) = engine.plan(&v, &host) else {
        panic!("the consent endpoint is Consentry's own");
    };
    assert_eq!(own.body_limit(), Some(crate::MAX_DECISION_BODY));
    let body = br#"{"action":"accept_all"}"#.to_vec();
    let page = block_on(own.answer(&host, &v, Ok(body)));
    assert_eq!(page.status(), StatusCode::OK);
    let cookie = page.headers()[header::SET_COOKIE].to_str().expect("cookie");
    assert!(cookie.starts_with("consentry="), "{cookie}");
    let appended = host.appended.lock().expect("appended");
    assert_eq!(appended.len(), 1);
    assert_eq!(appended[0].kind.as_str(), "accept_all");
    assert_eq!(appended[0].country.as_deref(), Some("NL"));
    assert_eq!(host.events(), ["decision accept_all"]);
}

#[test]
fn a_decision_from_another_site_is_refused_unrecorded() {
    let engine = engine();
    let host = TestHost::new(&engine);
    let request = headers(&[("host", "shop.test"), ("origin", "https://evil.test")]);
    let v = visit(&Method::POST, "/__consentry/consent", &request);
    let Plan::Own(own) = engine.plan(&v, &host) else {
        panic!("own path");
    };
    let page = block_on(own.answer(&host, &v, Ok(b"action=accept_all".to_vec())));
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(host.appended.lock().expect("appended").is_empty());
}

#[test]
fn the_receipt_page_cannot_be_framed_even_when_the_store_is_down() {
    let engine = engine();
    let host = TestHost::new(&engine);
    let request = headers(&[("host", "shop.test")]);
    let v = visit(&Method::GET, "/__consentry/receipt", &request);
    let Plan::Own(own) = engine.plan(&v, &host) else {
        panic!("own path");
    };
    let page = block_on(own.answer(&host, &v, Ok(Vec::new())));
    // Without a consent cookie there is nothing to read: the page shows, protected.
    assert_eq!(page.status(), StatusCode::OK);
    assert_protected(&page);
}

#[test]
fn metrics_on_a_host_without_them_say_so() {
    let engine = engine();
    let host = TestHost::new(&engine);
    let none = HeaderMap::new();
    let v = visit(&Method::GET, "/__consentry/metrics", &none);
    let Plan::Own(own) = engine.plan(&v, &host) else {
        panic!("the operator's paths are Consentry's own");
    };
    let page = block_on(own.answer(&host, &v, Ok(Vec::new())));
    assert_eq!(page.status(), StatusCode::NOT_IMPLEMENTED);
    let v = visit(&Method::GET, "/__consentry/ready", &none);
    let Plan::Own(own) = engine.plan(&v, &TestHost::new(&engine)) else {
        panic!("own path");
    };
    let page = block_on(own.answer(&host, &v, Ok(Vec::new())));
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
}
