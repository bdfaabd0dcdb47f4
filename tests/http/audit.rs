//! `consentry audit` in headless Chromium against a small origin of its own: through the
//! gateway nothing leaks (exit 0), an address built at run time included; straight at the
//! origin, or with a tracker the page hides from the rewriter and the runtime guard, the
//! tracker's host, its element and the cookies set before consent are named (exit 1); a run that cannot start says why (exit 2). The audit is the native
//! command; the gateway it audits is either host.

use std::convert::Infallible;
use std::process::Output;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE, SET_COOKIE};
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;

use crate::support::{binary, Gateway};

/// A shop page with a Google tag on line 4, a link to a second page, and the cookies its
/// server sets: a session (necessary) and `_ga` (analytics).
const SHOP: &str = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shop</title>
<link rel=\"stylesheet\" href=\"/style.css\">
<script async src=\"https://www.googletagmanager.com/gtag/js?id=G-AUDIT\"></script>
</head><body><h1>Shop</h1><p><a href=\"/about\">About us</a></p></body></html>";

/// A second page with nothing third-party.
const ABOUT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>About</title></head><body><h1>About</h1><p><a href=\"/\">Shop</a></p></body></html>";

/// A page whose script builds Google Analytics' address at run time (`atob`), so no
/// rewriter can see the host in the HTML; the gateway's runtime guard holds the request.
const BUILT: &str = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Built</title>
<script>
fetch(atob('aHR0cHM6Ly93d3cuZ29vZ2xlLWFuYWx5dGljcy5jb20vZy9jb2xsZWN0P3Y9Mg=='), {mode: 'no-cors'}).catch(function () {});
</script>
</head><body><h1>Built</h1></body></html>";

/// The same request sent with a `fetch` taken from a fresh frame, where the runtime guard
/// does not reach: neither the rewriter nor the guard sees it.
const HIDDEN: &str = "<!doctype html>
<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hidden</title>
<script>
var frame = document.createElement('iframe');
document.documentElement.appendChild(frame);
frame.contentWindow.fetch(atob('aHR0cHM6Ly93d3cuZ29vZ2xlLWFuYWx5dGljcy5jb20vZy9jb2xsZWN0P3Y9Mg=='), {mode: 'no-cors'}).catch(function () {});
</script>
</head><body><h1>Hidden</h1></body></html>";

/// Where Debian puts chromedriver (`apt-get install chromium-driver`), or on the `PATH`.
fn chromedriver_installed() -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([std::path::PathBuf::from("/usr/bin")])
        .any(|dir| dir.join("chromedriver").is_file())
}

/// True (and a note) when chromedriver is missing and the test should not run; on CI a
/// missing chromedriver fails instead.
fn without_chromium() -> bool {
    if chromedriver_installed() {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "chromedriver is missing: scripts/test.sh installs chromium-driver"
    );
    eprintln!("chromedriver is not installed (apt-get install chromium-driver): audit not tested");
    true
}

/// Starts the origin on a free loopback port; its URL, ending in `/`.
async fn origin() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind origin");
    let addr = listener.local_addr().expect("origin address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service =
                    service_fn(|request| async move { Ok::<_, Infallible>(page(&request)) });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{addr}/")
}

fn page(request: &Request<Incoming>) -> Response<Full<Bytes>> {
    let (body, cookies) = match request.uri().path() {
        "/" => (
            SHOP,
            &[
                "session=s1; Path=/; HttpOnly; SameSite=Lax",
                "_ga=GA1.1.123.456; Max-Age=63072000; Path=/",
            ][..],
        ),
        "/about" => (ABOUT, &[][..]),
        "/hidden" => (HIDDEN, &[][..]),
        "/built" => (BUILT, &[][..]),
        "/style.css" => {
            let mut response = Response::new(Full::new(Bytes::from_static(b"h1{color:#333}")));
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("text/css"));
            return response;
        }
        _ => {
            let mut response = Response::new(Full::new(Bytes::from_static(b"not found")));
            *response.status_mut() = StatusCode::NOT_FOUND;
            return response;
        }
    };
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    for cookie in cookies {
        headers.append(SET_COOKIE, HeaderValue::from_static(cookie));
    }
    response
}

/// Runs `consentry audit --json` with these arguments.
async fn audit(args: &[&str]) -> Output {
    let mut all = vec!["audit", "--json", "--max-time", "60"];
    all.extend_from_slice(args);
    let all: Vec<String> = all.into_iter().map(str::to_owned).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary())
            .args(&all)
            .env("RUST_LOG", "warn")
            .output()
    })
    .await
    .expect("audit task")
    .expect("consentry audit")
}

/// The report of a run that ended with `code`.
fn report(output: &Output, code: i32) -> Value {
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit status; stderr: {}\nstdout: {}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    serde_json::from_slice(&output.stdout).expect("audit JSON")
}

/// The findings of a report that match every `(field, value)`.
fn findings<'r>(report: &'r Value, fields: &[(&str, Value)]) -> Vec<&'r Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| fields.iter().all(|(k, v)| &f[*k] == v))
        .collect()
}

#[tokio::test]
async fn audit_through_the_gateway_finds_no_leak() {
    if without_chromium() {
        return;
    }
    let origin = origin().await;
    let gateway = Gateway::proxy(origin.trim_end_matches('/'));
    let output = audit(&["--url", &gateway.url, "--pages", "3"]).await;
    let report = report(&output, 0);
    assert_eq!(report["leaks"], 0, "{report:#}");
    assert_eq!(report["rejected"], true, "{report:#}");
    assert_eq!(
        report["pages"].as_array().expect("pages").len(),
        2,
        "the shop and its about page: {report:#}"
    );
    assert!(
        findings(&report, &[("leak", Value::Bool(true))]).is_empty(),
        "{report:#}"
    );
    assert!(
        findings(&report, &[("kind", "request".into())]).is_empty(),
        "no third-party request at all: {report:#}"
    );
    assert!(
        findings(&report, &[("name", "_ga".into())]).is_empty(),
        "the gateway held `_ga` back: {report:#}"
    );
    let session = findings(
        &report,
        &[
            ("name", "session".into()),
            ("phase", "before-consent".into()),
        ],
    );
    assert_eq!(session.len(), 1, "{report:#}");
    assert_eq!(session[0]["category"], "necessary");
    assert_eq!(session[0]["element"], "Set-Cookie");
    let consent = findings(
        &report,
        &[
            ("name", "consentry".into()),
            ("phase", "after-reject".into()),
        ],
    );
    assert_eq!(
        consent.len(),
        1,
        "Reject all set the consent cookie: {report:#}"
    );
    assert_eq!(consent[0]["leak"], false);
}

#[tokio::test]
async fn audit_straight_at_the_origin_names_the_tracker_its_element_and_the_cookie() {
    crate::native_only!("no gateway in it: the origin itself is audited");
    if without_chromium() {
        return;
    }
    let origin = origin().await;
    let output = audit(&["--url", &origin, "--pages", "1"]).await;
    let report = report(&output, 1);
    assert_eq!(report["rejected"], false, "no banner without the gateway");
    let tag = findings(
        &report,
        &[
            ("kind", "request".into()),
            ("name", "www.googletagmanager.com".into()),
        ],
    );
    assert_eq!(tag.len(), 1, "{report:#}");
    let tag = tag[0];
    assert_eq!(tag["leak"], true);
    assert_eq!(tag["tracker"], true);
    assert_eq!(tag["phase"], "before-consent");
    assert_eq!(tag["category"], "analytics");
    assert_eq!(tag["element"], "<script src>");
    assert_eq!(tag["resource_type"], "script");
    assert_eq!(tag["initiator_url"], origin.as_str());
    assert_eq!(tag["initiator_line"], 4, "{tag:#}");
    assert_eq!(tag["initiator"], "<script src> at /:4");
    assert_eq!(
        tag["url"],
        "https://www.googletagmanager.com/gtag/js?id=G-AUDIT"
    );
    // Set by the origin's response before any consent.
    let ga = findings(
        &report,
        &[("kind", "cookie".into()), ("name", "_ga".into())],
    );
    assert_eq!(ga.len(), 1, "{report:#}");
    assert_eq!(ga[0]["leak"], true);
    assert_eq!(ga[0]["category"], "analytics");
    assert_eq!(ga[0]["phase"], "before-consent");
    assert_eq!(ga[0]["element"], "Set-Cookie");
    assert_eq!(ga[0]["initiator"], "Set-Cookie from /");
    let session = findings(&report, &[("name", "session".into())]);
    assert_eq!(session[0]["leak"], false, "{report:#}");
    assert_eq!(report["leaks"], 2, "{report:#}");
}

#[tokio::test]
async fn audit_finds_no_leak_where_the_runtime_guard_holds_a_built_address() {
    if without_chromium() {
        return;
    }
    let origin = origin().await;
    let gateway = Gateway::proxy(origin.trim_end_matches('/'));
    let output = audit(&["--url", &gateway.at("/built"), "--pages", "1"]).await;
    let report = report(&output, 0);
    assert_eq!(report["leaks"], 0, "{report:#}");
    assert_eq!(report["rejected"], true, "{report:#}");
    assert!(
        findings(&report, &[("name", "www.google-analytics.com".into())]).is_empty(),
        "{report:#}"
    );
}

#[tokio::test]
async fn audit_finds_a_tracker_the_page_hides_from_the_rewriter() {
    if without_chromium() {
        return;
    }
    let origin = origin().await;
    let gateway = Gateway::proxy(origin.trim_end_matches('/'));
    let url = gateway.at("/hidden");
    let output = audit(&["--url", &url, "--pages", "1"]).await;
    let report = report(&output, 1);
    assert_eq!(report["rejected"], true, "{report:#}");
    for phase in ["before-consent", "after-reject"] {
        let hit = findings(
            &report,
            &[
                ("phase", phase.into()),
                ("name", "www.google-analytics.com".into()),
            ],
        );
        assert_eq!(hit.len(), 1, "{phase}: {report:#}");
        assert_eq!(hit[0]["leak"], true);
        assert_eq!(hit[0]["category"], "analytics");
        assert_eq!(hit[0]["element"], "fetch() in a script");
        assert_eq!(hit[0]["resource_type"], "fetch");
        assert_eq!(hit[0]["initiator_url"], url.as_str());
        assert!(
            hit[0]["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://www.google-analytics.com/g/collect")),
            "{hit:#?}"
        );
    }
}

#[tokio::test]
async fn audit_says_why_it_cannot_run() {
    crate::native_only!("no gateway in it: the command refuses to start");
    let output = audit(&["--url", "ftp://127.0.0.1/"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an http or https address"));
    let output = tokio::task::spawn_blocking(|| {
        std::process::Command::new(binary())
            .args(["audit", "--url", "http://127.0.0.1:9/"])
            .env("CONSENTRY_CHROMIUM", "/nonexistent/chromium")
            .env("RUST_LOG", "warn")
            .output()
    })
    .await
    .expect("audit task")
    .expect("consentry audit");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("apt-get install chromium chromium-driver"),
        "{stderr}"
    );
    let output = tokio::task::spawn_blocking(|| {
        std::process::Command::new(binary())
            .args(["audit", "--pages"])
            .output()
    })
    .await
    .expect("audit task")
    .expect("consentry audit");
    assert_eq!(output.status.code(), Some(2), "a usage error");
}
