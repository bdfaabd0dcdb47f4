//! Faults: kill -9 under mixed load, slow clients, and the caps on connections and on
//! requests in flight to an origin.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{client, Gateway, Origin};

use super::{config, still_serves};

#[tokio::test]
async fn kill_9_under_mixed_load_restarts_clean_on_the_same_data() {
    crate::native_only!("kill -9 of the native process (records.rs kills the Worker too)");
    let origin = Origin::start().await;
    let mut gateway = Gateway::with_config(&format!(
        "{}\n[analytics]\nflush_interval = \"1s\"\n",
        config(&origin.url(), "", "")
    ));
    // The origin sets an unknown HttpOnly cookie: learned as functional, kept in the store.
    client()
        .get(gateway.at("/app-login"))
        .send()
        .await
        .expect("login");
    let stop = Arc::new(AtomicBool::new(false));
    let answered = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for i in 0..16 {
        let (base, stop, answered) = (gateway.url.clone(), stop.clone(), answered.clone());
        clients.push(tokio::spawn(async move {
            let client = client();
            let base = base.trim_end_matches('/').to_owned();
            while !stop.load(Ordering::Relaxed) {
                let sent = match i % 4 {
                    0 => {
                        client
                            .post(format!("{base}/__consentry/consent"))
                            .json(&serde_json::json!({"action": "accept_all"}))
                            .send()
                            .await
                    }
                    1 => client.get(format!("{base}/logo.bin")).send().await,
                    _ => client.get(format!("{base}/site/{i}")).send().await,
                };
                let Ok(response) = sent else { break };
                if response.bytes().await.is_err() {
                    break;
                }
                answered.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while answered.load(Ordering::Relaxed) < 300 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(1200)).await; // a flush or two under load
    gateway.kill();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        let _ = c.await;
    }
    assert!(answered.load(Ordering::Relaxed) >= 300);
    gateway.restart();
    let verify = std::process::Command::new(crate::support::binary())
        .args(["log", "verify", "--data-dir"])
        .arg(gateway.data_dir.path())
        .output()
        .expect("log verify");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    // The learned session cookie still reaches the origin after the restart.
    client()
        .get(gateway.at("/page"))
        .header("cookie", "app_flag=1")
        .send()
        .await
        .expect("page");
    assert!(origin.cookies_at("/page").contains("app_flag=1"));
    still_serves(&gateway).await;
    crate::support::consent_json(&gateway, "reject_all", &[]).await;
}

#[tokio::test]
async fn slow_clients_are_cut_off_without_starving_others() {
    crate::native_only!("the native server's header and body read timeouts");
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(
        &origin.url(),
        "header_read_timeout = \"1s\"\nbody_read_timeout = \"1s\"",
        "",
    ));
    let mut slow = Vec::new();
    // Connections that say nothing, that trickle their headers, and that stall their body.
    for i in 0..150 {
        let mut stream = TcpStream::connect(gateway.authority())
            .await
            .expect("connect");
        match i % 3 {
            0 => {}
            1 => stream
                .write_all(b"GET /page HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .expect("partial head"),
            _ => stream
                .write_all(b"POST /__consentry/consent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"action\"")
                .await
                .expect("partial body"),
        }
        slow.push(stream);
    }
    let mut upload = TcpStream::connect(gateway.authority())
        .await
        .expect("connect");
    upload
        .write_all(b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nstart")
        .await
        .expect("partial upload");
    slow.push(upload);
    // Others are served at once meanwhile.
    for _ in 0..20 {
        let started = Instant::now();
        still_serves(&gateway).await;
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }
    // Every slow connection is answered or closed within a few seconds.
    for (i, mut stream) in slow.into_iter().enumerate() {
        let mut out = Vec::new();
        let closed =
            tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
        assert!(closed.is_ok(), "slow connection {i} still open");
    }
    still_serves(&gateway).await;
}

#[tokio::test]
async fn connections_past_the_cap_get_503() {
    crate::native_only!("the native server's connection cap");
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin.url(), "max_connections = 10", ""));
    let mut held = Vec::new();
    for _ in 0..10 {
        held.push(
            TcpStream::connect(gateway.authority())
                .await
                .expect("connect"),
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answer = super::raw(&gateway, b"GET /page HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 1"),
        "{answer}"
    );
    drop(held);
    tokio::time::sleep(Duration::from_millis(300)).await;
    still_serves(&gateway).await;
}

#[tokio::test]
async fn requests_past_a_sites_upstream_cap_get_503() {
    crate::native_only!("the native gateway's per-site cap");
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin.url(), "", "max_upstream_requests = 2"));
    // Two pages still streaming hold both places.
    let mut streaming = Vec::new();
    for _ in 0..2 {
        let mut response = client()
            .get(gateway.at("/slow"))
            .send()
            .await
            .expect("slow");
        response.chunk().await.expect("first part");
        streaming.push(response);
    }
    let refused = client()
        .get(gateway.at("/page"))
        .send()
        .await
        .expect("page");
    assert_eq!(refused.status(), 503);
    // Consentry's own paths need no place at the origin.
    let health = client()
        .get(gateway.at("/__consentry/health"))
        .send()
        .await
        .expect("health");
    assert_eq!(health.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    origin.release.notify_waiters();
    for mut response in streaming {
        while response.chunk().await.expect("rest").is_some() {}
    }
    still_serves(&gateway).await;
}
