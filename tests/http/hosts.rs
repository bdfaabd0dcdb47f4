//! What could differ between the native gateway and the Worker, pinned over HTTP: a setting
//! one host cannot honour is refused there with its reason, never silently ignored; visitors
//! keep their HTTP version and keep-alive whatever the origin speaks; and every page Consentry
//! writes itself carries the same protection on both hosts.

use std::process::Command;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{binary, client, Gateway, Origin, RawOrigin, Then};

fn config_with(server: &str, origin: &Origin) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n{server}\n\n[[site]]\nhosts = [\"*\"]\nupstream = \"{}\"\n",
        origin.url()
    )
}

#[tokio::test]
async fn a_setting_the_worker_cannot_honour_stops_it_with_the_reason() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config_logged(&config_with("max_connections = 50", &origin));
    let response = client()
        .get(gateway.at("/page"))
        .send()
        .await
        .expect("response");
    if crate::support::is_worker() {
        // The Worker answers, but only to say it is not configured, and logs why.
        assert_eq!(response.status(), 500);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let log = gateway.log();
        assert!(
            log.contains("server.max_connections") && log.contains("remove it"),
            "{log}"
        );
        assert!(origin.last("/page").is_none(), "nothing reaches the origin");
    } else {
        // Natively the setting is the server's own and the page is served.
        assert_eq!(response.status(), 200);
    }
}

#[test]
fn check_for_the_edge_names_every_setting_a_worker_cannot_honour() {
    crate::native_only!("the consentry command line");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("consentry.toml");
    std::fs::write(
        &config,
        "[server]\nmax_connections = 50\nbody_read_timeout = \"3s\"\ntrusted_proxies = [\"10.0.0.0/8\"]\ncountry_header = \"CF-IPCountry\"\n\n[storage]\nurl = \"postgres://u@127.0.0.1/db\"\n\n[[site]]\nhosts = [\"shop.test\"]\nupstream = \"http://127.0.0.1:9\"\nmax_upstream_requests = 8\n",
    )
    .expect("write");
    let check = |edge: bool| {
        let mut command = Command::new(binary());
        command.args(["check", "--config"]).arg(&config);
        if edge {
            command.arg("--edge");
        }
        command.output().expect("check")
    };
    assert!(check(false).status.success(), "natively the config is fine");
    let edge = check(true);
    assert!(!edge.status.success());
    let stderr = String::from_utf8_lossy(&edge.stderr);
    for key in [
        "server.max_connections",
        "server.body_read_timeout",
        "server.country_header",
        "storage.url",
        "site[0].max_upstream_requests",
    ] {
        assert!(stderr.contains(key), "{key} missing from: {stderr}");
    }
    assert!(stderr.contains("D1"), "says why: {stderr}");
    assert!(stderr.contains("request.cf"), "says why: {stderr}");
}

/// Sends `requests` GET requests one after another on one connection and returns the status
/// lines, or fewer when the connection closed.
async fn on_one_connection(authority: &str, requests: usize) -> Vec<String> {
    let mut stream = tokio::net::TcpStream::connect(authority)
        .await
        .expect("connect");
    let mut lines = Vec::new();
    for _ in 0..requests {
        let request = format!("GET /legacy HTTP/1.1\r\nHost: {authority}\r\n\r\n");
        if stream.write_all(request.as_bytes()).await.is_err() {
            break;
        }
        // Read one whole response: its head, then the Content-Length it names.
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            match stream.read(&mut byte).await {
                Ok(1) => buf.push(byte[0]),
                _ => return lines,
            }
        }
        let head = String::from_utf8_lossy(&buf).to_string();
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        if stream.read_exact(&mut body).await.is_err() {
            return lines;
        }
        lines.push(head.lines().next().unwrap_or_default().to_owned());
        if head.to_ascii_lowercase().contains("connection: close") {
            break;
        }
    }
    lines
}

#[tokio::test]
async fn an_http_1_0_origin_does_not_cost_visitors_their_keep_alive() {
    let origin = RawOrigin::start(
        b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\nlegacy".to_vec(),
        Then::Close,
    )
    .await;
    let gateway = Gateway::proxy(&origin.url());
    let lines = on_one_connection(&gateway.authority(), 3).await;
    assert_eq!(lines.len(), 3, "three answers on one connection: {lines:?}");
    for line in &lines {
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    }
}

#[tokio::test]
async fn pages_consentry_writes_itself_cannot_be_framed_or_sniffed() {
    let origin = Origin::start().await;
    let gateway = Gateway::proxy(&origin.url());
    for path in [
        "/__consentry/receipt",
        "/__consentry/cookies",
        "/__consentry/admin",
        "/__consentry/nothing-here",
        "/__consentry/health",
    ] {
        let response = client()
            .get(gateway.at(path))
            .send()
            .await
            .expect("response");
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert!(
            header("content-security-policy").contains("frame-ancestors 'none'"),
            "{path}: {}",
            header("content-security-policy")
        );
    }
    // The site's own pages are the site's business: nothing is added to them.
    let page = client()
        .get(gateway.at("/page"))
        .send()
        .await
        .expect("page");
    assert!(page.headers().get("x-frame-options").is_none());
}

#[tokio::test]
async fn an_origin_closing_a_reused_connection_is_asked_again_not_a_502() {
    crate::native_only!("the Worker's connections to the origin are the runtime's to pool");
    let origin = RawOrigin::start(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok".to_vec(),
        Then::CloseOnReuse,
    )
    .await;
    let gateway = Gateway::proxy(&origin.url());
    for path in ["/first", "/second", "/third"] {
        let response = client()
            .get(gateway.at(path))
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), 200, "{path}");
    }
    // A request with a body is not sent twice: it may not be safe to repeat.
    let posted = client()
        .post(gateway.at("/form"))
        .body("a=1")
        .send()
        .await
        .expect("response");
    assert_eq!(posted.status(), 502);
}
