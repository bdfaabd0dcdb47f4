//! What the gateway survives: bad input from visitors and origins, faults and operations
//! (signals, kills, slow clients, caps), and attackers. Each test starts a real origin (or a
//! raw one that writes exactly the bytes a broken origin would) and the real gateway.

mod attackers;
mod faults;
mod input;
mod operations;

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{Gateway, Origin};

/// A config for one site in front of `upstream`, with `server` and `site` lines added.
fn config(upstream: &str, server: &str, site: &str) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n{server}\n\n[[site]]\nname = \"shop\"\nhosts = [\"*\"]\nupstream = \"{upstream}\"\n{site}\n"
    )
}

/// Sends raw bytes on a new connection and returns everything that comes back until the
/// gateway closes it (or 5 s pass).
async fn raw(gateway: &Gateway, bytes: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(gateway.authority())
        .await
        .expect("connect");
    stream.write_all(bytes).await.expect("send");
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

/// The gateway still answers a plain page.
async fn still_serves(gateway: &Gateway) {
    let response = crate::support::client()
        .get(gateway.at("/page"))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
}

/// A fresh origin and a proxy gateway in front of it.
async fn setup() -> (Origin, Gateway) {
    crate::support::setup().await
}
