//! A site's Content-Security-Policy keeps its strength: what the gateway inlines is allowed by
//! the hash of exactly that text, never by `'unsafe-inline'`.

use std::convert::Infallible;

use bytes::Bytes;
use http::header::{self, HeaderValue};
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

use crate::support::{client, consent_json, Gateway};

const PAGE: &str = "<!doctype html><html><head><title>CSP</title>\
<script src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script></head>\
<body><h1>Policy</h1></body></html>";

/// An origin that sends its page with the policy named by the path.
async fn origin() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = service_fn(|request: Request<Incoming>| async move {
                    Ok::<_, Infallible>(answer(request.uri().path()))
                });
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

fn answer(path: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(PAGE.as_bytes())));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let policies: &[(&str, &'static str)] = match path {
        "/default-src" => &[("content-security-policy", "default-src 'self'")],
        "/script-src" => &[(
            "content-security-policy",
            "script-src 'self' 'nonce-abc123'; img-src *",
        )],
        "/unsafe-inline" => &[(
            "content-security-policy",
            "script-src 'self' 'unsafe-inline'",
        )],
        "/report-only" => &[
            ("content-security-policy", "frame-ancestors 'none'"),
            ("content-security-policy-report-only", "default-src 'self'"),
        ],
        _ => &[],
    };
    for (name, value) in policies {
        headers.append(*name, HeaderValue::from_static(value));
    }
    response
}

fn config(upstream: &str, theme: &str) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n[[site]]\nname = \"csp\"\nhosts = [\"*\"]\nupstream = \"{upstream}\"\n{theme}"
    )
}

/// The policy headers and body of a page.
async fn fetch(
    gateway: &Gateway,
    path: &str,
    cookie: Option<&str>,
) -> (Vec<String>, Vec<String>, String) {
    let mut request = client().get(gateway.at(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("page");
    let values = |name: &str| -> Vec<String> {
        response
            .headers()
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    };
    let csp = values("content-security-policy");
    let report_only = values("content-security-policy-report-only");
    (csp, report_only, response.text().await.expect("body"))
}

/// The text of the inline element that starts with `open`.
fn inline(html: &str, open: &str, close: &str) -> String {
    let start = html.find(open).expect("inline element") + open.len();
    let end = html[start..].find(close).expect("closed") + start;
    html[start..end].to_owned()
}

fn consent_mode_hash(html: &str) -> String {
    consentry_engine::csp_hash(&inline(
        html,
        "<script id=\"consentry-consent-mode\">",
        "</script>",
    ))
}

#[tokio::test]
async fn a_strict_policy_gets_the_hash_of_the_consent_mode_script_and_nothing_more() {
    let upstream = origin().await;
    let gateway = Gateway::with_config(&config(&upstream, ""));

    let (csp, _, html) = fetch(&gateway, "/default-src", None).await;
    let hash = consent_mode_hash(&html);
    assert_eq!(
        csp,
        [format!("default-src 'self'; script-src 'self' {hash}")]
    );
    assert!(!csp[0].contains("unsafe"));

    let (csp, _, html) = fetch(&gateway, "/script-src", None).await;
    let hash = consent_mode_hash(&html);
    assert_eq!(
        csp,
        [format!(
            "script-src 'self' 'nonce-abc123' {hash}; img-src *"
        )]
    );

    // The script differs with the visitor's choice, and so does the hash.
    let consent = consent_json(&gateway, "accept_all", &[]).await;
    let (csp_after, _, html_after) = fetch(&gateway, "/script-src", Some(&consent)).await;
    let hash_after = consent_mode_hash(&html_after);
    assert_ne!(hash_after, hash);
    assert!(csp_after[0].contains(&hash_after) && !csp_after[0].contains(&hash));
}

#[tokio::test]
async fn policies_that_already_allow_it_or_do_not_govern_scripts_are_untouched() {
    let upstream = origin().await;
    let gateway = Gateway::with_config(&config(&upstream, ""));
    let (csp, _, _) = fetch(&gateway, "/unsafe-inline", None).await;
    assert_eq!(csp, ["script-src 'self' 'unsafe-inline'"]);
    let (csp, _, _) = fetch(&gateway, "/none", None).await;
    assert!(csp.is_empty());
    let (csp, report_only, html) = fetch(&gateway, "/report-only", None).await;
    assert_eq!(csp, ["frame-ancestors 'none'"]);
    let hash = consent_mode_hash(&html);
    assert_eq!(
        report_only,
        [format!("default-src 'self'; script-src 'self' {hash}")]
    );
}

#[tokio::test]
async fn a_themed_banner_style_is_allowed_by_its_hash() {
    let upstream = origin().await;
    let theme = "[site.banner.theme]\naccent = \"#005a32\"\n";
    let gateway = Gateway::with_config(&config(&upstream, theme));
    let (csp, _, html) = fetch(&gateway, "/default-src", None).await;
    let style = inline(&html, "<style id=\"consentry-theme\">", "</style>");
    assert_eq!(
        style,
        ".consentry{--cy-bg:#ffffff;--cy-fg:#1d1d1f;--cy-accent:#005a32;--cy-accent-fg:#ffffff;}"
    );
    let style_hash = consentry_engine::csp_hash(&style);
    assert!(
        csp[0].ends_with(&format!("; style-src 'self' {style_hash}")),
        "{csp:?}"
    );
    assert!(csp[0].contains(&consent_mode_hash(&html)));
}
