//! Operations: SIGTERM drains and flushes, SIGHUP reloads (or refuses a broken config),
//! health, readiness and metrics.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{client, Gateway, Origin};

use super::config;

fn count_rows(gateway: &Gateway, table: &str) -> i64 {
    let db = rusqlite::Connection::open(gateway.data_dir.path().join("consentry.sqlite3"))
        .expect("open store");
    db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
        row.get(0)
    })
    .expect("count")
}

#[tokio::test]
async fn sigterm_drains_in_flight_requests_and_flushes_counts_and_records() {
    crate::native_only!("signals to the native process");
    let origin = Origin::start().await;
    // Analytics would not flush for an hour: only the stop can write them.
    let mut gateway = Gateway::with_config(&format!(
        "{}\n[analytics]\nflush_interval = \"1h\"\n",
        config(&origin.url(), "", "")
    ));
    for _ in 0..3 {
        client()
            .get(gateway.at("/page"))
            .send()
            .await
            .expect("page");
    }
    crate::support::consent_json(&gateway, "accept_all", &[]).await;
    // A page still streaming when the signal comes.
    let mut slow = client()
        .get(gateway.at("/slow"))
        .send()
        .await
        .expect("slow");
    let first = slow.chunk().await.expect("first chunk").expect("bytes");
    assert!(!first.is_empty());
    gateway.signal("TERM");
    tokio::time::sleep(Duration::from_millis(300)).await;
    // No new connections once stopping.
    assert!(
        tokio::net::TcpStream::connect(gateway.authority())
            .await
            .is_err(),
        "the listener is closed"
    );
    origin.release.notify_one();
    let mut rest = Vec::new();
    while let Some(chunk) = slow.chunk().await.expect("rest of the page") {
        rest.extend_from_slice(&chunk);
    }
    assert!(
        String::from_utf8_lossy(&rest).contains("</html>"),
        "drained whole"
    );
    let status = gateway
        .wait_exit(Duration::from_secs(15))
        .expect("exits after draining");
    assert!(status.success(), "{status}");
    assert!(
        count_rows(&gateway, "analytics") > 0,
        "counts flushed at the stop"
    );
    assert_eq!(
        count_rows(&gateway, "consent_log"),
        1,
        "the decision is durable"
    );
}

fn banner_config(origin: &Origin, title: &str) -> String {
    config(
        &origin.url(),
        "",
        &format!("[site.banner.texts.en]\ntitle = \"{title}\"\n"),
    )
}

/// Sends a GET on an open keep-alive connection and reads one response (Content-Length or
/// chunked) as text.
async fn get_on(stream: &mut tokio::net::TcpStream, path: &str) -> String {
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: shop.test\r\nAccept-Encoding: identity\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("answer in time")
            .expect("read");
        assert!(n > 0, "connection closed");
        out.extend_from_slice(&buf[..n]);
        if out.ends_with(b"0\r\n\r\n") || out.ends_with(b"</html>") {
            return String::from_utf8_lossy(&out).into_owned();
        }
    }
}

#[tokio::test]
async fn sighup_reloads_without_dropping_a_connection_and_refuses_a_broken_config() {
    crate::native_only!("SIGHUP to the native process (a Worker is redeployed instead)");
    let origin = Origin::start().await;
    let gateway = Gateway::with_config_logged(&banner_config(&origin, "Old words"));
    let mut stream = tokio::net::TcpStream::connect(gateway.authority())
        .await
        .expect("connect");
    assert!(get_on(&mut stream, "/page").await.contains("Old words"));
    gateway.write_config(&banner_config(&origin, "New words"));
    gateway.signal("HUP");
    wait_for_log(&gateway, "configuration reloaded").await;
    let page = get_on(&mut stream, "/page").await;
    assert!(
        page.contains("New words") && !page.contains("Old words"),
        "same connection, new config"
    );
    // A broken config is refused with its reason; the running one keeps serving.
    gateway.write_config(
        &banner_config(&origin, "Newer")
            .replace("listen = \"127.0.0.1:0\"", "listen = \"nowhere\""),
    );
    gateway.signal("HUP");
    wait_for_log(&gateway, "configuration not reloaded").await;
    let log = gateway.log();
    assert!(
        log.contains("consentry.toml:2:10: server.listen: `nowhere` is not an address"),
        "{log}"
    );
    let page = get_on(&mut stream, "/page").await;
    assert!(page.contains("New words"), "the running config stays");
    let metrics = gateway.get_text("/__consentry/metrics").await;
    assert!(
        metrics.contains("consentry_config_reloads_total{result=\"applied\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("consentry_config_reloads_total{result=\"refused\"} 1"),
        "{metrics}"
    );
}

async fn wait_for_log(gateway: &Gateway, text: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !gateway.log().contains(text) {
        assert!(
            std::time::Instant::now() < deadline,
            "no `{text}` in the log"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn health_and_readiness_answer_on_any_host() {
    let (_origin, gateway) = crate::support::setup().await;
    for (path, body) in [
        ("/__consentry/health", "ok"),
        ("/__consentry/ready", "ready"),
    ] {
        let response = client()
            .get(gateway.at(path))
            .header("host", "probe.internal")
            .send()
            .await
            .expect("probe");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.text().await.expect("text").trim(), body);
    }
    let post = client()
        .post(gateway.at("/__consentry/health"))
        .send()
        .await
        .expect("post");
    assert_eq!(post.status(), 405);
}

#[tokio::test]
async fn metrics_count_requests_cookies_blocking_decisions_and_rewrite_time() {
    crate::native_only!("metrics are the native process's (see the README)");
    let (_origin, gateway) = crate::support::setup().await;
    client()
        .get(gateway.at("/page"))
        .header("cookie", "_ga=GA1.1.1.1; session=1")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    crate::support::consent_json(&gateway, "reject_all", &[]).await;
    let response = client()
        .get(gateway.at("/__consentry/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/openmetrics-text")));
    let text = response.text().await.expect("text");
    for line in [
        "consentry_requests_total{site=\"default\",route=\"origin\"} 1",
        "consentry_requests_total{site=\"default\",route=\"consent\"} 1",
        "consentry_cookies_stripped_total{site=\"default\",category=\"analytics\",direction=\"request\"} 1",
        "consentry_cookies_stripped_total{site=\"default\",category=\"analytics\",direction=\"response\"} 2",
        "consentry_decisions_total{site=\"default\",kind=\"reject_all\"} 1",
        "consentry_rewrite_seconds_count{site=\"default\"} 1",
        "consentry_open_connections",
    ] {
        assert!(text.contains(line), "missing {line} in\n{text}");
    }
    assert!(text.contains("consentry_blocked_elements_total{site=\"default\",kind=\"script\"}"));
    assert!(text.trim_end().ends_with("# EOF"));
}
