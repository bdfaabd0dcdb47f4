//! The reverse proxy itself: sites by Host, errors, forwarding headers, upgrades, HTTP/2, TLS.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{client, Gateway, Origin};

fn two_sites(a: &Origin, b: &Origin, extra: &str) -> String {
    format!(
        r#"[server]
listen = "127.0.0.1:0"
data_dir = "{{data_dir}}"
{extra}

[[site]]
name = "shop"
hosts = ["shop.test"]
upstream = "{}"

[[site]]
name = "blog"
hosts = ["*.blog.test"]
upstream = "{}"
"#,
        a.url(),
        b.url()
    )
}

#[tokio::test]
async fn sites_are_chosen_by_host_and_unknown_hosts_are_refused() {
    crate::native_only!("absolute-form targets are refused by the runtime before the Worker");
    let (shop, blog) = (Origin::start().await, Origin::start().await);
    let gateway = Gateway::with_config(&two_sites(&shop, &blog, ""));
    let get = |host: &'static str| {
        client()
            .get(gateway.at("/page"))
            .header("host", host)
            .send()
    };
    assert_eq!(get("shop.test").await.expect("shop").status(), 200);
    assert!(shop.last("/page").is_some() && blog.last("/page").is_none());
    assert_eq!(get("www.blog.test:8080").await.expect("blog").status(), 200);
    assert!(blog.last("/page").is_some());
    // Not a configured host: refused, and nothing is contacted on its behalf.
    let refused = get("evil.example").await.expect("refused");
    assert_eq!(refused.status(), 421);
    let absolute = raw_request(
        &gateway,
        "GET http://evil.example/page HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(absolute.starts_with("HTTP/1.1 421"), "{absolute}");
}

#[tokio::test]
async fn a_dead_origin_gives_a_502_and_the_gateway_keeps_serving() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let gateway = Gateway::proxy(&dead);
    for _ in 0..3 {
        let response = client()
            .get(gateway.at("/"))
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), 502);
        assert!(response
            .text()
            .await
            .expect("page")
            .contains("could not be reached"));
    }
    let asset = client()
        .get(gateway.at("/__consentry/nothing"))
        .send()
        .await
        .expect("own path");
    assert_eq!(asset.status(), 404);
}

#[tokio::test]
async fn a_slow_origin_gives_a_504() {
    let origin = Origin::start().await;
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\nupstream_timeout = \"1s\"\n\n[[site]]\nhosts = [\"*\"]\nupstream = \"{}\"\n",
        origin.url()
    );
    let gateway = Gateway::with_config(&config);
    let started = std::time::Instant::now();
    let response = client()
        .get(gateway.at("/delay"))
        .send()
        .await
        .expect("response");
    assert_eq!(response.status(), 504);
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(
        client()
            .get(gateway.at("/page"))
            .send()
            .await
            .expect("page")
            .status(),
        200
    );
}

#[tokio::test]
async fn forwarding_headers_are_set_and_hop_by_hop_headers_removed() {
    crate::native_only!("the runtime's fetch sends the origin URL's Host, not the visitor's");
    let (origin, gateway) = crate::support::setup().await;
    client()
        .get(gateway.at("/page?q=1"))
        .header("connection", "keep-alive, x-hop")
        .header("x-hop", "secret")
        .header("x-forwarded-for", "203.0.113.9")
        .header("accept-encoding", "gzip, zstd, br")
        .send()
        .await
        .expect("page");
    let seen = origin.last("/page?q=1").expect("forwarded with its query");
    let header = |name: &str| {
        seen.headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("").to_owned())
    };
    assert_eq!(
        header("x-forwarded-for").as_deref(),
        Some("203.0.113.9, 127.0.0.1")
    );
    assert_eq!(header("x-forwarded-proto").as_deref(), Some("http"));
    assert_eq!(header("x-forwarded-host"), Some(gateway.authority()));
    assert_eq!(header("host"), Some(gateway.authority()));
    assert!(header("forwarded").is_some_and(|f| f.starts_with("for=127.0.0.1;proto=http;host=")));
    assert_eq!(header("x-hop"), None);
    assert_eq!(
        header("accept-encoding").as_deref(),
        Some("gzip, br"),
        "only codings the gateway can decode"
    );
}

#[tokio::test]
async fn banner_assets_are_served_from_the_site_with_long_caching() {
    let (_origin, gateway) = crate::support::setup().await;
    let html = client()
        .get(gateway.at("/page"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let start = html.find("/__consentry/banner.").expect("asset link");
    // The first may be inside an embed's `srcdoc`, where quotes are `&quot;`.
    let path: String = html[start..]
        .chars()
        .take_while(|c| *c != '"' && *c != '&')
        .collect();
    let asset = client().get(gateway.at(&path)).send().await.expect("asset");
    assert_eq!(asset.status(), 200);
    let cache = asset
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap_or("").to_owned());
    assert_eq!(
        cache.as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert!(!asset.bytes().await.expect("body").is_empty());
}

#[tokio::test]
async fn websocket_upgrades_pass_through() {
    crate::native_only!("the runtime switches protocols for WebSocket only");
    let (_origin, gateway) = crate::support::setup().await;
    let mut stream = tokio::net::TcpStream::connect(gateway.authority())
        .await
        .expect("connect");
    stream
        .write_all(
            b"GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n",
        )
        .await
        .expect("send");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.expect("read");
        assert_eq!(n, 1, "connection closed during the switch");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(head.contains("upgrade: echo"));
    stream
        .write_all(b"ping over the tunnel")
        .await
        .expect("send");
    let mut echoed = [0u8; 20];
    tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut echoed))
        .await
        .expect("echo in time")
        .expect("echo");
    assert_eq!(&echoed, b"ping over the tunnel");
}

#[tokio::test]
async fn visitors_can_speak_http2() {
    crate::native_only!("HTTP/2 with prior knowledge to the native server");
    let (_origin, gateway) = crate::support::setup().await;
    let h2 = reqwest::Client::builder()
        .http2_prior_knowledge()
        .build()
        .expect("client");
    let response = h2.get(gateway.at("/page")).send().await.expect("h2 page");
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    assert!(response
        .text()
        .await
        .expect("body")
        .contains("data-consentry=\"marketing\""));
}

#[tokio::test]
async fn tls_is_served_with_http2_by_alpn() {
    crate::native_only!("the native server's TLS certificates");
    let origin = Origin::start().await;
    let cert =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
    let dir = tempfile::tempdir().expect("tls dir");
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).expect("write cert");
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).expect("write key");
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\ntls_cert = \"{}\"\ntls_key = \"{}\"\n\n[[site]]\nhosts = [\"localhost\"]\nupstream = \"{}\"\n",
        cert_path.display(),
        key_path.display(),
        origin.url()
    );
    let gateway = Gateway::with_config(&config);
    assert!(gateway.url.starts_with("https://"), "{}", gateway.url);
    let port = gateway
        .authority()
        .rsplit(':')
        .next()
        .expect("port")
        .to_owned();
    let client = reqwest::Client::builder()
        .add_root_certificate(
            reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).expect("root"),
        )
        .resolve(
            "localhost",
            format!("127.0.0.1:{port}").parse().expect("addr"),
        )
        .build()
        .expect("client");
    let response = client
        .get(format!("https://localhost:{port}/page"))
        .send()
        .await
        .expect("https page");
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), reqwest::Version::HTTP_2);
    // Over HTTPS the consent cookie is Secure.
    let consent = client
        .post(format!("https://localhost:{port}/__consentry/consent"))
        .json(&serde_json::json!({ "action": "reject_all" }))
        .send()
        .await
        .expect("consent");
    let set_cookie = consent
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        set_cookie.starts_with("consentry=") && set_cookie.contains("; Secure"),
        "{set_cookie}"
    );
}

/// Sends raw bytes and returns what comes back until the gateway closes.
async fn raw_request(gateway: &Gateway, request: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(gateway.authority())
        .await
        .expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn https_origins_are_reached_with_a_configured_ca() {
    crate::native_only!("a private CA file for the origin (upstream_ca)");
    let cert =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
    let origin = Origin::start_tls(&cert.cert.pem(), &cert.signing_key.serialize_pem()).await;
    let dir = tempfile::tempdir().expect("dir");
    let ca = dir.path().join("origin-ca.pem");
    std::fs::write(&ca, cert.cert.pem()).expect("write ca");
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n[[site]]\nhosts = [\"*\"]\nupstream = \"{}\"\nupstream_ca = \"{}\"\n",
        origin.url(),
        ca.display()
    );
    let gateway = Gateway::with_config(&config);
    let response = client()
        .get(gateway.at("/page"))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
    assert!(response
        .text()
        .await
        .expect("html")
        .contains("data-consentry=\"marketing\""));
    // Without the CA, the origin's certificate is not trusted: 502, never plain text.
    let untrusted = Gateway::proxy(&origin.url());
    let refused = client()
        .get(untrusted.at("/page"))
        .send()
        .await
        .expect("response");
    assert_eq!(refused.status(), 502);
}

#[tokio::test]
async fn request_bodies_stream_through_whole() {
    let (_origin, gateway) = crate::support::setup().await;
    let upload = vec![7u8; 5 * 1024 * 1024];
    let response = client()
        .post(gateway.at("/upload"))
        .header("content-type", "application/octet-stream")
        .body(upload)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text().await.expect("count"),
        (5 * 1024 * 1024).to_string()
    );
}

#[tokio::test]
async fn a_visitor_who_never_finishes_the_headers_is_cut_off() {
    crate::native_only!("the native server's header-read timeout");
    let origin = Origin::start().await;
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\nheader_read_timeout = \"1s\"\n\n[[site]]\nhosts = [\"*\"]\nupstream = \"{}\"\n",
        origin.url()
    );
    let gateway = Gateway::with_config(&config);
    let mut stream = tokio::net::TcpStream::connect(gateway.authority())
        .await
        .expect("connect");
    stream
        .write_all(b"GET /page HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("partial headers");
    let mut out = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    assert!(
        closed.is_ok(),
        "connection still open after the header timeout"
    );
    assert!(origin.last("/page").is_none());
    // Others are still served.
    assert_eq!(
        client()
            .get(gateway.at("/page"))
            .send()
            .await
            .expect("page")
            .status(),
        200
    );
}
