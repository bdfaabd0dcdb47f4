//! Clients for the origins: pooled keep-alive connections over plain HTTP or TLS (rustls),
//! trusting the system's CAs or a configured bundle.

use std::path::Path;
use std::sync::Arc;

use consentry_config::{Site, Timeouts};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::RootCertStore;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use crate::limits::TimedBody;

/// The client that forwards visitors' requests to one origin (their bodies timed: a visitor
/// who stops sending is cut off).
pub type UpstreamClient = Client<HttpsConnector<HttpConnector>, TimedBody>;

/// Why an origin's client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UpstreamError {
    /// The CA bundle could not be read.
    #[error("upstream_ca {path}: {reason}")]
    Ca {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// TLS could not be set up.
    #[error("TLS setup: {0}")]
    Tls(String),
}

/// The most an origin connection buffers while reading a response.
const UPSTREAM_READ_BUFFER: usize = 48 * 1024;

/// A client for `site`'s origin.
pub fn client_for(site: &Site, timeouts: &Timeouts) -> Result<UpstreamClient, UpstreamError> {
    let roots = match &site.upstream_ca {
        Some(path) => roots_from_file(path)?,
        None => system_roots(),
    };
    client_trusting(roots, timeouts)
}

/// A client for the web at large (the IAB's vendor list), trusting the system's CAs.
pub fn web_client(timeouts: &Timeouts) -> Result<UpstreamClient, UpstreamError> {
    client_trusting(system_roots(), timeouts)
}

fn client_trusting(
    roots: RootCertStore,
    timeouts: &Timeouts,
) -> Result<UpstreamClient, UpstreamError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| UpstreamError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(timeouts.connect));
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .timer(TokioTimer::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(timeouts.upstream_idle)
        .pool_max_idle_per_host(1024)
        // hyper's default lets a connection's read buffer grow to ~400 KiB while an origin
        // sends faster than the visitor reads: 256 visitors on 1 MB pages took the gateway
        // to 268 MB; with 48 KiB, 69 MB (bench/harness.py). 32 KiB gave 60 MB but about 15%
        // more CPU per page than 64 KiB, which gave about 100 MB.
        .http1_max_buf_size(UPSTREAM_READ_BUFFER)
        .build(connector))
}

fn system_roots() -> RootCertStore {
    let mut roots = RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    for error in &found.errors {
        tracing::warn!(%error, "could not load some system CA certificates");
    }
    let (added, ignored) = roots.add_parsable_certificates(found.certs);
    tracing::debug!(added, ignored, "system CA certificates for https origins");
    roots
}

fn roots_from_file(path: &Path) -> Result<RootCertStore, UpstreamError> {
    let err = |reason: String| UpstreamError::Ca {
        path: path.display().to_string(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| err(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| err(e.to_string()))?;
    if certs.is_empty() {
        return Err(err("no certificate in the file".into()));
    }
    let mut roots = RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|e| err(e.to_string()))?;
    }
    Ok(roots)
}

/// The request to the origin, as planned.
pub(crate) fn origin_request<B>(
    forward: &consentry_engine::exchange::Forward<'_>,
    headers: http::HeaderMap,
    body: B,
) -> http::Request<B> {
    let mut request = http::Request::new(body);
    *request.method_mut() = forward.method().clone();
    *request.uri_mut() = forward.uri.clone();
    *request.headers_mut() = headers;
    // Towards the origin the gateway speaks HTTP/1.1 or negotiates HTTP/2 itself.
    *request.version_mut() = http::Version::HTTP_11;
    request
}

/// Whether the origin closed a pooled connection before answering (it timed it out as the
/// gateway reused it), not whether the origin is down.
pub(crate) fn closed_while_reused(error: &hyper_util::client::legacy::Error) -> bool {
    use std::error::Error as _;
    !error.is_connect()
        && error
            .source()
            .and_then(|e| e.downcast_ref::<hyper::Error>())
            .is_some_and(|e| e.is_incomplete_message() || e.is_canceled())
}
