//! The proxy Chromium is given during an audit: it notes each request's target (the absolute
//! URL of a plain HTTP request, the `host:port` of an HTTPS tunnel) and answers
//! `502 Bad Gateway` without ever connecting anywhere. So an audit never contacts a third
//! party, and still sees every connection the browser tried, including those no page event
//! shows (preconnects, service workers).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// What the proxy reads of a request at most: its head.
const MAX_HEAD: usize = 16 * 1024;

/// A connection the browser tried through the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attempt {
    /// The host it was for, lowercase.
    pub(crate) host: String,
    /// The request's target: an absolute URL, or `host:port` for a tunnel.
    pub(crate) target: String,
}

/// The recording proxy on a loopback port; stopped when dropped.
pub(crate) struct RecordingProxy {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    attempts: Arc<Mutex<Vec<Attempt>>>,
    task: JoinHandle<()>,
}

impl RecordingProxy {
    /// Starts it on a free loopback port.
    pub(crate) async fn start() -> Result<RecordingProxy> {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .context("starting the audit's recording proxy on loopback")?;
        let addr = listener.local_addr()?;
        let attempts = Arc::new(Mutex::new(Vec::new()));
        let noted = Arc::clone(&attempts);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let noted = Arc::clone(&noted);
                tokio::spawn(async move { refuse(stream, &noted).await });
            }
        });
        Ok(RecordingProxy {
            addr,
            attempts,
            task,
        })
    }

    /// The attempts since the last call.
    pub(crate) fn take(&self) -> Vec<Attempt> {
        self.attempts
            .lock()
            .map(|mut list| std::mem::take(&mut *list))
            .unwrap_or_default()
    }
}

impl Drop for RecordingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads a request's head, notes the attempt (when the head made sense), answers 502 and
/// closes.
async fn refuse(mut stream: TcpStream, noted: &Mutex<Vec<Attempt>>) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => head.extend_from_slice(&buf[..n]),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), read).await;
    if let Some(attempt) = parse_request_line(&head) {
        tracing::debug!(target = %attempt.target, "request refused by the audit proxy");
        if let Ok(mut list) = noted.lock() {
            list.push(attempt);
        }
    }
    let _ = stream
        .write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .await;
    let _ = stream.shutdown().await;
}

/// `CONNECT host:443 HTTP/1.1` or `GET http://host/path HTTP/1.1`.
fn parse_request_line(head: &[u8]) -> Option<Attempt> {
    let line = head.split(|&b| b == b'\r' || b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split_ascii_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    let host = if method.eq_ignore_ascii_case("CONNECT") {
        match target.rsplit_once(':') {
            Some((host, _port)) => host,
            None => target,
        }
    } else {
        let rest = target.split_once("://")?.1;
        let authority = rest.split(['/', '?', '#']).next()?;
        let host_port = authority.rsplit('@').next()?;
        if host_port.starts_with('[') {
            return Some(Attempt {
                host: host_port.to_ascii_lowercase(),
                target: target.to_owned(),
            });
        }
        host_port.split(':').next()?
    };
    (!host.is_empty()).then(|| Attempt {
        host: host.trim_matches(['[', ']']).to_ascii_lowercase(),
        target: target.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines_name_the_host() {
        let connect =
            parse_request_line(b"CONNECT www.Google-Analytics.com:443 HTTP/1.1\r\nHost: x\r\n\r\n")
                .expect("tunnel");
        assert_eq!(connect.host, "www.google-analytics.com");
        assert_eq!(connect.target, "www.Google-Analytics.com:443");
        let plain = parse_request_line(b"GET http://pixel.example:8080/tr?id=1 HTTP/1.1\r\n\r\n")
            .expect("plain");
        assert_eq!(plain.host, "pixel.example");
        assert_eq!(plain.target, "http://pixel.example:8080/tr?id=1");
        assert_eq!(parse_request_line(b"GET /relative HTTP/1.1\r\n\r\n"), None);
        assert_eq!(parse_request_line(b""), None);
    }

    #[tokio::test]
    async fn every_request_is_refused_and_noted() {
        let proxy = RecordingProxy::start().await.expect("proxy");
        let mut stream = TcpStream::connect(proxy.addr).await.expect("connect");
        stream
            .write_all(b"CONNECT tracker.example:443 HTTP/1.1\r\nHost: tracker.example:443\r\n\r\n")
            .await
            .expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("read");
        assert!(answer.starts_with("HTTP/1.1 502 "), "{answer}");
        assert_eq!(proxy.take()[0].host, "tracker.example");
        assert!(proxy.take().is_empty());
    }
}
