//! Accepting visitors: TCP, optional TLS (rustls, HTTP/2 by ALPN), HTTP/1.1 and HTTP/2 by
//! hyper, and a graceful stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use consentry_config::{Timeouts, TlsFiles};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;

use crate::proxy::{handle, Connection};
use crate::reload::Gateways;

/// How long open connections get to finish when the gateway stops.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a TLS handshake may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest request head (request line and headers) a visitor may send; past it, 431.
/// Browsers send a few KiB; 64 KiB leaves room for thousands of cookies.
pub const MAX_REQUEST_HEAD: usize = 64 * 1024;
/// Connections past `max_connections` answered 503 at the same time; more are closed at once.
const MAX_REFUSING: usize = 256;
/// How long a connection past the cap may take to send the request it is refused.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(2);

/// Where the gateway listens.
#[derive(Debug, Clone, Copy)]
pub struct Listening {
    /// The bound address (with the real port when port 0 was asked for).
    pub local_addr: SocketAddr,
    /// Whether visitors connect over TLS.
    pub https: bool,
}

impl Listening {
    /// The URL to open in a browser.
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let ip = self.local_addr.ip();
        let host = if ip.is_unspecified() {
            "127.0.0.1".to_owned()
        } else if ip.is_ipv6() {
            format!("[{ip}]")
        } else {
            ip.to_string()
        };
        format!("{scheme}://{host}:{}/", self.local_addr.port())
    }
}

/// A certificate or key that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("TLS {path}: {reason}")]
pub struct TlsError {
    path: String,
    reason: String,
}

/// A TLS acceptor from PEM files, offering HTTP/2 and HTTP/1.1 by ALPN.
pub fn tls_acceptor(files: &TlsFiles) -> Result<TlsAcceptor, TlsError> {
    let err = |path: &std::path::Path, reason: String| TlsError {
        path: path.display().to_string(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| err(&files.cert, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(&files.cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(err(&files.cert, "no certificate in the file".into()));
    }
    let key =
        PrivateKeyDer::from_pem_file(&files.key).map_err(|e| err(&files.key, e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| err(&files.cert, e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| err(&files.key, e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// What a visitor connection may take.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Timeouts (`header_read` is read here).
    pub timeouts: Timeouts,
    /// Open connections at most; past it, 503 and close.
    pub max_connections: usize,
}

/// Serves visitors on `listener` until `shutdown` resolves, then lets open connections
/// finish (up to a few seconds). Each request is answered by the gateway in `gateways` at
/// the time it arrives, so a reload applies to the next request on every connection.
pub async fn serve(
    listener: TcpListener,
    gateways: Gateways,
    tls: Option<TlsAcceptor>,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.timeouts.header_read)
        .max_buf_size(MAX_REQUEST_HEAD)
        .keep_alive(true);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(MAX_REQUEST_HEAD as u32);
    let builder = Arc::new(builder);
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let metrics = Arc::clone(gateways.load().metrics());
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            metrics.connection_refused();
            if let Ok(refusal) = Arc::clone(&refusing).try_acquire_owned() {
                let tls = tls.clone();
                tokio::spawn(async move {
                    refuse(stream, tls).await;
                    drop(refusal);
                });
            }
            continue;
        };
        let connection = Connection {
            peer,
            https: tls.is_some(),
        };
        let gateways = Arc::clone(&gateways);
        // Set by the first request: a connection that never sends one is closed after the
        // header read timeout (hyper's own timer starts only once it reads a request head,
        // not while the first bytes are awaited to tell HTTP/1 from HTTP/2).
        let served = Arc::new(AtomicBool::new(false));
        let service = {
            let served = Arc::clone(&served);
            service_fn(move |request| {
                served.store(true, Ordering::Relaxed);
                handle(gateways.load_full(), connection, request)
            })
        };
        let header_read = limits.timeouts.header_read;
        let builder = Arc::clone(&builder);
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            metrics.connections(1);
            let served_in_time = async {
                tokio::time::sleep(header_read).await;
                if served.load(Ordering::Relaxed) {
                    std::future::pending::<()>().await;
                }
            };
            let serving = async {
                match tls {
                    None => {
                        let conn =
                            builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                        watcher.watch(conn.into_owned()).await
                    }
                    Some(acceptor) => {
                        let stream =
                            match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream))
                                .await
                            {
                                Ok(Ok(stream)) => Some(stream),
                                Ok(Err(e)) => {
                                    tracing::debug!(error = %e, %peer, "TLS handshake failed");
                                    None
                                }
                                Err(_) => {
                                    tracing::debug!(%peer, "TLS handshake timed out");
                                    None
                                }
                            };
                        match stream {
                            Some(stream) => {
                                let conn = builder
                                    .serve_connection_with_upgrades(TokioIo::new(stream), service);
                                watcher.watch(conn.into_owned()).await
                            }
                            None => Ok(()),
                        }
                    }
                }
            };
            let result = tokio::select! {
                result = serving => result,
                () = served_in_time => {
                    tracing::debug!(%peer, "no request within the header read timeout");
                    Ok(())
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            metrics.connections(-1);
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all connections closed"),
        () = tokio::time::sleep(DRAIN_TIMEOUT) => tracing::warn!("stopped with connections still open"),
    }
}

/// Answers one request on a connection past the cap with 503, then closes it.
async fn refuse(stream: tokio::net::TcpStream, tls: Option<TlsAcceptor>) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(REFUSAL_TIMEOUT)
        .max_buf_size(MAX_REQUEST_HEAD)
        .keep_alive(false);
    let service = service_fn(|_request| async {
        let mut response = crate::pages::from_engine(consentry_engine::pages::overloaded());
        response.headers_mut().insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
        Ok::<_, std::convert::Infallible>(response)
    });
    let served = async {
        match tls {
            None => {
                let _ = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            }
            Some(acceptor) => {
                if let Ok(stream) = acceptor.accept(stream).await {
                    let _ = builder
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                }
            }
        }
    };
    let _ = tokio::time::timeout(REFUSAL_TIMEOUT * 2, served).await;
}
