//! Headers between visitor and origin: the engine's rules (hop-by-hop headers removed, the
//! forwarding headers set), which the Worker shares, for a visitor at a socket address.

use std::net::SocketAddr;

use http::header::HeaderMap;

pub use consentry_engine::forwarding::{is_upgrade, remove_hop_by_hop};

/// Sets `X-Forwarded-For` (appended), `X-Forwarded-Proto`, `X-Forwarded-Host` and `Forwarded`.
pub fn set_forwarded(headers: &mut HeaderMap, client: SocketAddr, host: &str, https: bool) {
    consentry_engine::forwarding::set_forwarded(headers, client.ip(), host, https);
}
