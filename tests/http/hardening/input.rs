//! Bad input: oversized heads, thousands of cookies, broken Set-Cookie headers, odd
//! charsets and pages without structure, decompression bombs, broken origin bodies.

use std::time::{Duration, Instant};

use crate::support::{client, set_cookie_names, Gateway, RawOrigin, Then};

use super::{config, raw, setup, still_serves};

#[tokio::test]
async fn request_heads_past_64_kib_or_100_fields_get_431() {
    crate::native_only!("the native server's limits on the request head");
    let (origin, gateway) = setup().await;
    let big = format!(
        "GET /page HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(70 * 1024)
    );
    let answer = raw(&gateway, big.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    let many: String = (0..150).map(|i| format!("X-Field-{i}: v\r\n")).collect();
    let answer = raw(
        &gateway,
        format!("GET /page HTTP/1.1\r\nHost: x\r\n{many}\r\n").as_bytes(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
    assert!(origin.last("/page").is_none(), "nothing reached the origin");
    still_serves(&gateway).await;
}

#[tokio::test]
async fn a_cookie_header_with_thousands_of_cookies_is_filtered_whole() {
    let (origin, gateway) = setup().await;
    let mut cookies: Vec<String> = (0..3000).map(|i| format!("c{i}=v{i}")).collect();
    cookies.insert(1500, "_ga=GA1.1.1.1".into());
    cookies.push("session=s3cr3t".into());
    let started = Instant::now();
    let response = client()
        .get(gateway.at("/page"))
        .header("cookie", cookies.join("; "))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let seen = origin.cookies_at("/page");
    assert!(seen.contains("session=s3cr3t"), "{seen}");
    assert!(!seen.contains("_ga="), "analytics cookie stripped");
    assert!(!seen.contains("c17="), "unknown cookies wait for consent");
}

#[tokio::test]
async fn malformed_and_duplicate_set_cookies_never_pass_unconsented() {
    let mut answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n".to_vec();
    for header in [
        &b"Set-Cookie: session=1; Path=/; HttpOnly"[..],
        b"Set-Cookie: _ga=GA1.1.1.1; Max-Age=63072000",
        b"Set-Cookie: _ga=GA1.2.2.2; Max-Age=63072000",
        b"Set-Cookie: _GA=upper; Max-Age=100",
        b"Set-Cookie: =no-name",
        b"Set-Cookie: ;;;",
        b"Set-Cookie: _fbp",
        b"Set-Cookie: \xff\xfe=\xc3\x28; Max-Age=100",
        b"Set-Cookie: _gid=\xff; Max-Age=100",
        b"Set-Cookie: session=1; Path=/; HttpOnly",
    ] {
        answer.extend_from_slice(header);
        answer.extend_from_slice(b"\r\n");
    }
    let body = b"<html><head></head><body>ok</body></html>";
    answer.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    answer.extend_from_slice(body);
    let origin = RawOrigin::start(answer, Then::Close).await;
    let gateway = Gateway::proxy(&origin.url());
    let response = client().get(gateway.at("/")).send().await.expect("page");
    assert_eq!(response.status(), 200);
    let names = set_cookie_names(response.headers());
    assert!(names.iter().all(|n| n == "session"), "{names:?}");
    assert!(!names.is_empty(), "the session cookie passes");
    assert!(response.text().await.expect("body").contains("ok"));
}

#[tokio::test]
async fn odd_charsets_and_invalid_utf8_are_rewritten_or_passed_intact() {
    let (_origin, gateway) = setup().await;
    let get = |path: &'static str| client().get(gateway.at(path)).send();
    // Latin-1: trackers blocked, the page's own bytes kept in Latin-1.
    let latin1 = get("/latin1")
        .await
        .expect("latin1")
        .bytes()
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&latin1);
    assert!(text.contains("data-consentry=\"analytics\""), "{text}");
    assert!(
        latin1.windows(4).any(|w| w == b"Caf\xe9"),
        "é stays one Latin-1 byte"
    );
    // Declared UTF-8 but not: the broken bytes pass as they came, trackers still blocked.
    let broken = get("/invalid-utf8")
        .await
        .expect("page")
        .bytes()
        .await
        .expect("body");
    let text = String::from_utf8_lossy(&broken);
    assert!(text.contains("data-consentry=\"marketing\""), "{text}");
    assert!(broken.windows(2).any(|w| w == b"\xc3\x28"), "bytes kept");
    // UTF-16 cannot be rewritten: it passes byte for byte.
    let utf16 = get("/utf16")
        .await
        .expect("page")
        .bytes()
        .await
        .expect("body");
    let expected: Vec<u8> = "<html><head><script src=\"https://www.googletagmanager.com/gtm.js\"></script></head><body>hi</body></html>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(utf16.as_ref(), expected.as_slice());
}

#[tokio::test]
async fn pages_without_head_or_body_still_get_the_banner() {
    let (_origin, gateway) = setup().await;
    for path in ["/no-head", "/bare-text"] {
        let html = gateway.get_text(path).await;
        assert!(html.contains("id=\"consentry\""), "{path}: {html}");
    }
    let fragment = gateway.get_text("/no-head").await;
    assert!(
        fragment.contains("data-consentry=\"analytics\""),
        "{fragment}"
    );
    assert!(
        fragment.starts_with("<p>Just a fragment</p>")
            || fragment.contains("<p>Just a fragment</p>")
    );
}

/// The bombs' first bytes, as the origin sends them.
fn bomb(path: &str) -> &'static [u8] {
    if path == "/bomb.gz" {
        include_bytes!("../fixtures/bomb-300mib.html.gz")
    } else {
        include_bytes!("../fixtures/bomb-4gib.html.br")
    }
}

#[tokio::test]
async fn decompression_bombs_are_refused_and_memory_stays_flat() {
    crate::native_only!("at the edge the runtime decodes gzip and brotli itself");
    let (origin, gateway) = setup().await;
    still_serves(&gateway).await;
    let before = gateway.rss_kib();
    let started = Instant::now();
    for round in 0..3 {
        let mut requests = Vec::new();
        for path in ["/bomb.gz", "/bomb.br", "/bomb.gz", "/bomb.br"] {
            let url = gateway.at(path);
            requests.push(tokio::spawn(async move {
                let response = client().get(url).send().await.expect("bomb");
                (response.status(), response.text().await.unwrap_or_default())
            }));
        }
        for request in requests {
            let (status, text) = request.await.expect("task");
            assert_eq!(status, 502, "round {round}");
            assert!(text.contains("too large to be checked"), "{text}");
        }
    }
    let after = gateway.rss_kib();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    if before > 0 {
        // Twelve bombs of 300 MiB and 4 GiB each: the gateway decodes a few MiB of each.
        assert!(
            after < before + 64 * 1024,
            "RSS grew from {before} KiB to {after} KiB"
        );
    }
    assert!(origin.last("/bomb.br").is_some());
    still_serves(&gateway).await;
}

#[tokio::test]
async fn decompression_bombs_pass_unrewritten_when_configured() {
    crate::native_only!("the Worker's runtime decodes the origin's body itself");
    let origin = crate::support::Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin.url(), "oversized_pages = \"pass\"", ""));
    for (path, coding) in [("/bomb.gz", "gzip"), ("/bomb.br", "br")] {
        let response = client().get(gateway.at(path)).send().await.expect("bomb");
        assert_eq!(response.status(), 200);
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            Some(coding)
        );
        // Cookies are still filtered: only the body is left alone.
        let names = set_cookie_names(response.headers());
        assert!(!names.contains(&"_ga".to_owned()), "{names:?}");
        let body = response.bytes().await.expect("body");
        assert_eq!(body.as_ref(), bomb(path), "{path} passes byte for byte");
    }
    let metrics = gateway.get_text("/__consentry/metrics").await;
    assert!(
        metrics.contains("consentry_oversized_pages_total{site=\"shop\",kind=\"passed\"} 2"),
        "{metrics}"
    );
}

fn html_head(length: Option<usize>) -> Vec<u8> {
    let mut head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n".to_vec();
    if let Some(length) = length {
        head.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    head
}

#[tokio::test]
async fn a_truncated_or_reset_origin_body_is_a_502_or_cut_short() {
    crate::native_only!(
        "at the edge a body that ends short of its Content-Length reaches the visitor as if whole (README, Limits)"
    );
    // Reset right after the head: nothing of the page was sent, so a clean 502.
    let reset = RawOrigin::start(html_head(Some(5000)), Then::Reset).await;
    let gateway = Gateway::proxy(&reset.url());
    let response = client().get(gateway.at("/")).send().await.expect("answer");
    assert_eq!(response.status(), 502);
    // Part of the page, then the origin hangs up: the visitor's response is cut short too,
    // never completed as if it were whole.
    let mut truncated = html_head(Some(50_000));
    truncated.extend_from_slice(b"<html><head><title>T</title></head><body><p>first part</p>");
    let origin = RawOrigin::start(truncated, Then::Close).await;
    let gateway = Gateway::proxy(&origin.url());
    let response = client().get(gateway.at("/")).send().await.expect("answer");
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err(), "the body ends in an error");
    // A truncated gzip page is caught when it ends.
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(
        &mut encoder,
        &b"<html><body><p>hello</p></body></html>".repeat(50),
    )
    .expect("gzip");
    let gzip = encoder.finish().expect("gzip");
    let mut cut = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    let half = &gzip[..gzip.len() / 2];
    cut.extend_from_slice(format!("{:x}\r\n", half.len()).as_bytes());
    cut.extend_from_slice(half);
    cut.extend_from_slice(b"\r\n0\r\n\r\n");
    let origin = RawOrigin::start(cut, Then::Close).await;
    let gateway = Gateway::proxy(&origin.url());
    let response = client().get(gateway.at("/")).send().await.expect("answer");
    let ok = response.status() == 502 || response.bytes().await.is_err();
    assert!(ok, "a truncated gzip page is never passed as whole");
}

#[tokio::test]
async fn an_origin_that_never_answers_or_stalls_its_page_gives_504() {
    // At the edge the page's head is sent on as soon as the origin's arrives.
    let cases = if crate::support::native_only("a stalled page after its head") {
        vec![Vec::new()]
    } else {
        vec![Vec::new(), html_head(None)]
    };
    for answer in cases {
        let origin = RawOrigin::start(answer, Then::Hang).await;
        let gateway = Gateway::with_config(&config(&origin.url(), "upstream_timeout = \"1s\"", ""));
        let started = Instant::now();
        let response = client().get(gateway.at("/")).send().await.expect("answer");
        assert_eq!(response.status(), 504);
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
