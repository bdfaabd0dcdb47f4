//! The HTML pass as a visitor receives it.

use std::io::Read;

use crate::support::{binary_body, client, consent_json, setup};

async fn page(
    gateway: &crate::support::Gateway,
    path: &str,
    cookie: Option<&str>,
) -> (reqwest::header::HeaderMap, String) {
    let mut request = client().get(gateway.at(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("page");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.text().await.expect("body"))
}

fn assert_neutralised(html: &str) {
    // Tracker scripts stay in the page, inert, with their category.
    assert!(html.contains(r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST" type="text/plain" data-consentry="analytics"></script>"#), "{html}");
    assert!(html.contains(r#"<script src="https://static.hotjar.com/c/hotjar-1.js?sv=6" type="text/plain" data-consentry="analytics"></script>"#));
    assert!(html.contains(
        r#"<script type="text/plain" data-consentry="marketing">!function(f,b,e,v,n,t,s)"#
    ));
    assert!(html
        .contains(r#"<script type="text/plain" data-consentry="analytics">(function(w,d,s,l,i)"#));
    assert!(html.contains(r#"<script type="text/plain" data-consentry="analytics">window.dataLayer = window.dataLayer"#));
    // Pixels and hints are gone; the embed keeps its source aside, behind a placeholder.
    assert!(!html.contains("facebook.com/tr"), "pixel left in page");
    assert!(!html.contains(r#"rel="preconnect""#));
    assert!(html.contains(r#"data-consentry-src="https://www.youtube.com/embed/abc""#));
    assert!(!html.contains(r#" src="https://www.youtube.com"#));
    // First-party content is untouched.
    assert!(html.contains(r#"<script src="/js/app.js"></script>"#));
    assert!(html.contains(r#"<script>document.documentElement.dataset.ready = "1";</script>"#));
    assert!(html.contains(r#"<img src="/img/logo.png" alt="Logo">"#));
    // Consent Mode defaults come first in <head>; the banner once, before </body>.
    assert!(
        html.contains("<head><script id=\"consentry-consent-mode\">"),
        "consent mode not first in head"
    );
    assert!(html.contains("analytics_storage:'denied'"));
    assert_eq!(
        html.matches("id=\"consentry\"").count(),
        1,
        "banner not exactly once"
    );
    assert!(html.contains("value=\"accept_all\"") && html.contains("value=\"reject_all\""));
    assert!(html.trim_end().ends_with("</div></body></html>"));
}

#[tokio::test]
async fn trackers_are_neutralised_and_first_party_content_untouched() {
    let (_origin, gateway) = setup().await;
    let (headers, html) = page(&gateway, "/page", None).await;
    assert_neutralised(&html);
    assert!(headers.get("content-length").is_none() || headers.get("transfer-encoding").is_none());
    assert!(headers
        .get("cache-control")
        .is_some_and(|v| v.to_str().unwrap_or("").contains("private")));
}

#[tokio::test]
async fn gzip_pages_are_decoded_rewritten_and_sent_gzipped() {
    let (_origin, gateway) = setup().await;
    let response = client()
        .get(gateway.at("/gzip"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    let compressed = response.bytes().await.expect("body");
    let mut html = String::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_string(&mut html)
        .expect("valid gzip");
    assert_neutralised(&html);
}

#[tokio::test]
async fn brotli_pages_are_decoded_rewritten_and_sent_as_brotli() {
    let (_origin, gateway) = setup().await;
    let response = client()
        .get(gateway.at("/brotli"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("page");
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .map(|v| v.as_bytes()),
        Some(&b"br"[..])
    );
    let compressed = response.bytes().await.expect("body");
    let mut html = String::new();
    brotli::Decompressor::new(&compressed[..], 4096)
        .read_to_string(&mut html)
        .expect("valid brotli");
    assert_neutralised(&html);
}

#[tokio::test]
async fn non_html_bodies_pass_byte_for_byte() {
    let (_origin, gateway) = setup().await;
    let response = client()
        .get(gateway.at("/logo.bin"))
        .send()
        .await
        .expect("file");
    assert_eq!(
        response
            .headers()
            .get("content-length")
            .map(|v| v.as_bytes()),
        Some(&b"70000"[..])
    );
    assert!(
        response.headers().get("set-cookie").is_none(),
        "tracker cookie on a file"
    );
    let body = response.bytes().await.expect("body");
    assert_eq!(body.as_ref(), binary_body().as_slice());
}

#[tokio::test]
async fn granted_trackers_pass_after_consent() {
    let (_origin, gateway) = setup().await;
    let consent = consent_json(&gateway, "accept_all", &[]).await;
    let (_, html) = page(&gateway, "/page", Some(&consent)).await;
    assert!(html.contains(
        r#"<script async src="https://www.googletagmanager.com/gtag/js?id=G-TEST"></script>"#
    ));
    assert!(
        html.contains("facebook.com/tr?id=1"),
        "pixel kept once marketing is granted"
    );
    assert!(html.contains(r#"<iframe width="560" height="315" src="https://www.youtube.com/embed/abc" title="Video"></iframe>"#));
    assert!(html.contains("ad_storage:'granted'") && html.contains("analytics_storage:'granted'"));
    assert!(!html.contains("data-consentry=\"marketing\""));
    // The banner is now the small settings control, offering to change the choice.
    assert!(html.contains("<details id=\"consentry\" class=\"consentry consentry-manage "));
    assert!(html.contains("name=\"marketing\" value=\"on\" checked"));
}

#[tokio::test]
async fn the_first_bytes_of_a_large_page_arrive_before_the_origin_has_sent_it_all() {
    let (origin, gateway) = setup().await;
    let mut response = client()
        .get(gateway.at("/slow"))
        .send()
        .await
        .expect("page");
    // The origin holds back the second half until released: whatever arrives now was
    // streamed through the rewriter, not buffered.
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), response.chunk())
        .await
        .expect("first bytes arrived while the origin was still sending")
        .expect("read")
        .expect("a chunk");
    assert!(
        first.starts_with(b"<!doctype html>"),
        "{:?}",
        String::from_utf8_lossy(&first[..40.min(first.len())])
    );
    origin.release.notify_one();
    let mut rest = first.to_vec();
    while let Some(chunk) = response.chunk().await.expect("read") {
        rest.extend_from_slice(&chunk);
    }
    let html = String::from_utf8(rest).expect("utf-8");
    assert!(html.contains("bbbb</p>") && html.ends_with("</body></html>"));
    assert_eq!(html.matches("id=\"consentry\"").count(), 1);
}
