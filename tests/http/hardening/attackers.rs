//! Attackers: consent cookies forged, replayed from another site or from an older policy;
//! requests that try to use the gateway as an open proxy or to smuggle a second request;
//! texts and values that try to reach HTML unescaped; cookie names made up to fill the store.

use crate::support::{client, consent_json, set_cookie_names, Gateway, Origin};

use super::{raw, still_serves};

fn two_sites(shop: &Origin, blog: &Origin, policy_version: u32, secret: &str) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n[consent]\npolicy_version = {policy_version}\nsecret = \"{secret}\"\n\n[[site]]\nname = \"shop\"\nhosts = [\"shop.test\"]\nupstream = \"{}\"\n\n[[site]]\nname = \"blog\"\nhosts = [\"blog.test\"]\nupstream = \"{}\"\n",
        shop.url(),
        blog.url()
    )
}

const SECRET: &str = "a-test-secret-of-at-least-thirty-two-characters";

async fn accept_all_on(gateway: &Gateway, host: &str) -> String {
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .header("host", host)
        .json(&serde_json::json!({"action": "accept_all"}))
        .send()
        .await
        .expect("consent");
    assert_eq!(response.status(), 200);
    crate::support::cookie_pair(response.headers(), "consentry").expect("cookie")
}

/// Whether a page on `host` with this consent cookie and `_ga` treats the visitor as having
/// granted analytics.
async fn grants_analytics(gateway: &Gateway, origin: &Origin, host: &str, cookie: &str) -> bool {
    let response = client()
        .get(gateway.at("/page"))
        .header("host", host)
        .header("cookie", format!("{cookie}; _ga=GA1.1.1.1"))
        .send()
        .await
        .expect("page");
    let names = set_cookie_names(response.headers());
    let html = response.text().await.expect("html");
    let passed = origin.cookies_at("/page").contains("_ga=");
    assert_eq!(passed, names.contains(&"_ga".to_owned()), "both ways agree");
    passed && !html.contains("data-consentry=\"analytics\" type=\"text/plain\"")
}

#[tokio::test]
async fn consent_cookies_replayed_forged_or_from_an_old_policy_grant_nothing() {
    let (shop, blog) = (Origin::start().await, Origin::start().await);
    let mut gateway = Gateway::with_config(&two_sites(&shop, &blog, 1, SECRET));
    let shop_cookie = accept_all_on(&gateway, "shop.test").await;
    assert!(grants_analytics(&gateway, &shop, "shop.test", &shop_cookie).await);
    // The same cookie replayed on another site of the same gateway (same key).
    assert!(!grants_analytics(&gateway, &blog, "blog.test", &shop_cookie).await);
    // A cookie signed by another gateway's key, for the same site name.
    let other = Gateway::with_config(&two_sites(
        &shop,
        &blog,
        1,
        "another-secret-of-at-least-thirty-two-chars!",
    ));
    let foreign = accept_all_on(&other, "shop.test").await;
    assert!(!grants_analytics(&gateway, &shop, "shop.test", &foreign).await);
    // Garbage and truncated values.
    for forged in [
        "consentry=".to_owned(),
        "consentry=x.15.1.1.AAAA".to_owned(),
        shop_cookie[..shop_cookie.len() - 4].to_owned(),
        format!("{shop_cookie}AAAA"),
    ] {
        assert!(
            !grants_analytics(&gateway, &shop, "shop.test", &forged).await,
            "{forged}"
        );
    }
    // A decision made under policy 1 grants nothing once the policy is at version 2.
    gateway.restart_with(&two_sites(&shop, &blog, 2, SECRET));
    assert!(!grants_analytics(&gateway, &shop, "shop.test", &shop_cookie).await);
}

#[tokio::test]
async fn no_open_proxy_whatever_host_target_or_forwarding_headers_say() {
    crate::native_only!("absolute-form and CONNECT targets are refused by the runtime first");
    let (origin, gateway) = crate::support::setup().await;
    let evil = Origin::start().await;
    let evil_host = evil.addr.to_string();
    let attempts = [
        format!("GET http://{evil_host}/page HTTP/1.1\r\nHost: {evil_host}\r\nConnection: close\r\n\r\n"),
        format!("GET /page HTTP/1.1\r\nHost: {evil_host}\r\nConnection: close\r\n\r\n"),
        format!("GET /page HTTP/1.1\r\nHost: shop.test\r\nX-Forwarded-Host: {evil_host}\r\nX-Forwarded-Proto: https\r\nForwarded: host={evil_host}\r\nConnection: close\r\n\r\n"),
        format!("GET //{evil_host}/page HTTP/1.1\r\nHost: shop.test\r\nConnection: close\r\n\r\n"),
        format!("GET http://user@{evil_host}/page HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        format!("CONNECT {evil_host} HTTP/1.1\r\nHost: {evil_host}\r\nConnection: close\r\n\r\n"),
    ];
    for attempt in &attempts {
        let answer = raw(&gateway, attempt.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 "), "{attempt}: {answer}");
    }
    // The quick start answers for any host, so the configured origin got the requests; the
    // other server was never contacted.
    assert!(evil.last("/page").is_none() && evil.last(&format!("//{evil_host}/page")).is_none());
    assert!(origin.last("/page").is_some());
    assert!(origin.last(&format!("//{evil_host}/page")).is_some());
}

#[tokio::test]
async fn request_smuggling_attempts_are_refused() {
    crate::native_only!("raw HTTP/1.1 framing to the native server (workerd has its own parser)");
    let (origin, gateway) = crate::support::setup().await;
    let refused = [
        // Different lengths, a list, a sign: which one ends the body?
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 44\r\n\r\nhello",
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 44\r\n\r\nhello",
        "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello",
        // Transfer codings that a front proxy and the gateway could read differently.
        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
        "POST /upload HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        // A header folded onto the next line (obs-fold), and two Hosts.
        "GET /page HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
        "GET /page HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
    ];
    for attempt in refused {
        let answer = raw(&gateway, attempt.as_bytes()).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{attempt:?}: {answer}");
    }
    assert!(origin.last("/upload").is_none() && origin.last("/page").is_none());
    // Content-Length beside Transfer-Encoding: chunked wins (RFC 9112 §6.3), the length is
    // dropped and the connection is closed after the answer, so the bytes after the chunked
    // body are never read as a second request.
    let answer = raw(
        &gateway,
        b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    .await;
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer}");
    assert!(
        origin.last("/smuggled").is_none(),
        "the smuggled request never ran"
    );
    let seen = origin.last("/upload").expect("the first request ran");
    assert!(seen.headers.get("content-length").is_none_or(|v| v == "0"));
    still_serves(&gateway).await;
}

#[tokio::test]
async fn texts_from_the_config_and_values_from_requests_are_escaped_in_html() {
    let origin = Origin::start().await;
    let hostile = "<script>alert(1)</script>";
    let gateway = Gateway::with_config(&super::config(
        &origin.url(),
        "",
        &format!(
            "[site.banner.texts.en]\ntitle = \"{hostile}\"\nbody = \"\\\"><img src=x onerror=alert(2)>\"\n"
        ),
    ));
    let page = gateway.get_text("/page").await;
    assert!(
        !page.contains(hostile) && !page.contains("<img src=x onerror"),
        "banner escaped"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
    // The receipt page with a hostile query and a hostile (unsigned) cookie.
    let receipt = client()
        .get(gateway.at("/__consentry/receipt?erased=%3Cscript%3E&x=%22%3E%3Cimg%3E"))
        .header("cookie", format!("consentry={hostile}"))
        .send()
        .await
        .expect("receipt")
        .text()
        .await
        .expect("html");
    assert!(
        !receipt.contains("<script>alert") && !receipt.contains("<img>"),
        "{receipt}"
    );
    // A cookie name only a script could set, shown in the public cookie declaration.
    consent_json(&gateway, "reject_all", &[]).await;
    client()
        .get(gateway.at("/page"))
        .header("cookie", "<img src=x onerror=alert(3)>=1")
        .send()
        .await
        .expect("page");
    let declaration = gateway.get_text("/__consentry/cookies").await;
    assert!(
        !declaration.contains("<img src=x onerror=alert(3)>"),
        "{declaration}"
    );
}

/// Signs in to the dashboard as a browser would; returns the cookies to send.
async fn signed_in(gateway: &Gateway) -> String {
    use std::io::Write;
    let config = gateway.data_dir.path().join("consentry.toml");
    let mut add = std::process::Command::new(crate::support::binary())
        .args(["admin", "add", "--user", "ann", "--config"])
        .arg(&config)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("consentry admin add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"correct horse battery staple\n")
        .expect("password");
    assert!(add.wait().expect("admin add").success());
    let form = client()
        .get(gateway.at("/__consentry/admin/login"))
        .send()
        .await
        .expect("login form");
    let cookies: Vec<String> = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_owned))
        .collect();
    let html = form.text().await.expect("form");
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("csrf field") + marker.len();
    let csrf = html[start..].split('"').next().expect("csrf").to_owned();
    let signed = client()
        .post(gateway.at("/__consentry/admin/login"))
        .header("cookie", cookies.join("; "))
        .header("origin", gateway.url.trim_end_matches('/'))
        .header("sec-fetch-site", "same-origin")
        .form(&[
            ("csrf", csrf.as_str()),
            ("user", "ann"),
            ("password", "correct horse battery staple"),
            ("code", ""),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(signed.status(), 303, "signed in");
    signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_owned))
        .filter(|pair| !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn values_from_requests_reach_the_dashboard_escaped() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&format!(
        "{}\n[analytics]\nk_anonymity = 2\nflush_interval = \"1s\"\n",
        super::config(&origin.url(), "", "")
    ));
    // Two visitors (browser versions), the fewest a report row may show.
    for version in [130, 131, 130, 131] {
        let chrome = format!("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{version}.0.0.0 Safari/537.36");
        client()
            .get(gateway.at(
                "/site/x?utm_campaign=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(4)%3E&utm_source=%3Cscript%3Ealert(5)%3C%2Fscript%3E",
            ))
            .header("user-agent", &chrome)
            .header("referer", "https://evil.example/\"><script>alert(6)</script>")
            .header("cookie", "<script>alert(7)</script>=1")
            .send()
            .await
            .expect("page");
    }
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let cookies = signed_in(&gateway).await;
    for path in ["/__consentry/admin", "/__consentry/admin/cookies"] {
        let html = client()
            .get(gateway.at(path))
            .header("cookie", &cookies)
            .send()
            .await
            .expect("dashboard")
            .text()
            .await
            .expect("html");
        assert!(
            html.contains("<h1") || html.contains("<table"),
            "{path}: signed in"
        );
        if path == "/__consentry/admin" {
            assert!(
                html.contains("&lt;script&gt;alert(5)")
                    || html.contains("&lt;img src=x onerror=alert(4)&gt;"),
                "the campaign is shown, escaped: {html}"
            );
        }
        for raw in [
            "<img src=x onerror=alert(4)>",
            "<script>alert(5)</script>",
            "<script>alert(6)</script>",
            "<script>alert(7)</script>",
        ] {
            assert!(!html.contains(raw), "{path} shows {raw} unescaped");
        }
    }
    let cookies_page = client()
        .get(gateway.at("/__consentry/admin/cookies"))
        .header("cookie", &cookies)
        .send()
        .await
        .expect("cookies page")
        .text()
        .await
        .expect("html");
    assert!(
        cookies_page.contains("&lt;script&gt;alert(7)&lt;/script&gt;"),
        "the unknown cookie is listed, escaped"
    );
}

/// The declared cookies' names and who set them.
async fn declared_names(gateway: &Gateway) -> Vec<(String, String)> {
    let json = crate::inventory::inventory(gateway).await;
    json["cookies"]
        .as_array()
        .expect("cookies")
        .iter()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
            (field("name"), field("set_by"))
        })
        .collect()
}

#[tokio::test]
async fn cookie_names_made_up_by_a_client_do_not_grow_the_inventory_for_ever() {
    let (origin, gateway) = super::setup().await;
    // 1,500 names nobody sets, in three requests: the inventory keeps the first 1,000.
    for batch in 0..3 {
        let cookies: Vec<String> = (0..500).map(|i| format!("made_up_{batch}_{i}=1")).collect();
        let response = client()
            .get(gateway.at("/site/a"))
            .header("cookie", cookies.join("; "))
            .send()
            .await
            .expect("page");
        assert_eq!(response.status(), 200);
        declared_names(&gateway).await;
    }
    // A cookie the origin sets still goes in.
    let login = client()
        .get(gateway.at("/app-login"))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status(), 200);

    let declared = declared_names(&gateway).await;
    let made_up: Vec<&str> = declared
        .iter()
        .filter(|(name, _)| name.starts_with("made_up_"))
        .map(|(name, _)| name.as_str())
        .collect();
    assert_eq!(made_up.len(), 1_000, "{made_up:?}");
    assert!(made_up.contains(&"made_up_0_0") && made_up.contains(&"made_up_1_499"));
    assert!(!made_up.iter().any(|n| n.starts_with("made_up_2_")));
    assert!(
        declared.contains(&("app_flag".to_owned(), "origin".to_owned())),
        "{declared:?}"
    );
    assert!(origin.last("/app-login").is_some());
    still_serves(&gateway).await;
}
