//! The native gateway as the engine's host: its store and writer, the system's randomness,
//! where the visitor is (the GeoIP database, a trusted CDN's headers), its counters and its
//! Prometheus metrics.

use std::net::IpAddr;

use consentry_engine::analytics::Counter;
use consentry_engine::exchange::{Event, Host, HostFuture};
use consentry_engine::inventory::CookieInventory;
use consentry_engine::store::{Store, StoreError, StoreFuture};
use consentry_engine::{ConsentRecord, Place};
use http::HeaderMap;

use crate::metrics::Oversized;
use crate::Gateway;

/// The native gateway, for one request from `peer`.
pub struct NativeHost<'a> {
    gateway: &'a Gateway,
    peer: Option<IpAddr>,
    /// The request's headers, for a trusted CDN's place headers.
    headers: Option<&'a HeaderMap>,
    /// Where the visitor is, when the host was told (the demo's region switch).
    place: Option<Place>,
}

impl<'a> NativeHost<'a> {
    /// The host for a request from `peer` (none for the operator's commands).
    pub fn new(gateway: &'a Gateway, peer: Option<IpAddr>) -> Self {
        NativeHost {
            gateway,
            peer,
            headers: None,
            place: None,
        }
    }

    /// The host for a visitor known to be at `place`, whatever the database says.
    #[must_use]
    pub fn at(self, place: Place) -> Self {
        NativeHost {
            place: Some(place),
            ..self
        }
    }

    /// The host for a request with these headers: from a trusted proxy, they say where the
    /// visitor is.
    #[must_use]
    pub fn with_headers(self, headers: &'a HeaderMap) -> Self {
        NativeHost {
            headers: Some(headers),
            ..self
        }
    }
}

impl Host for NativeHost<'_> {
    fn store(&self) -> Result<&dyn Store, StoreError> {
        Ok(self.gateway.log.as_ref())
    }

    fn append(&self, record: ConsentRecord) -> StoreFuture<'_, u64> {
        Box::pin(self.gateway.record(record))
    }

    fn flush(&self) -> HostFuture<'_, ()> {
        Box::pin(self.gateway.flush_analytics(false))
    }

    fn random(&self, out: &mut [u8]) -> Result<(), String> {
        getrandom::fill(out).map_err(|e| e.to_string())
    }

    fn salt(&self) -> [u8; 32] {
        crate::gateway::fresh_salt()
    }

    fn place(&self) -> Place {
        match &self.place {
            Some(place) => place.clone(),
            None => self.gateway.place(self.peer, self.headers),
        }
    }

    fn analytics(&self) -> &Counter {
        &self.gateway.analytics
    }

    fn inventory(&self) -> &CookieInventory {
        &self.gateway.inventory
    }

    fn ready(&self) -> HostFuture<'_, Result<(), String>> {
        Box::pin(self.gateway.ready())
    }

    fn keeps_metrics(&self) -> bool {
        true
    }

    fn metrics(&self) -> String {
        self.gateway.metrics.encode()
    }

    fn observe(&self, event: Event<'_>) {
        let metrics = &self.gateway.metrics;
        match event {
            Event::Request { site, route } => metrics.request(site, route),
            Event::RequestCookies { site, filter } => metrics.request_cookies(site, filter),
            Event::ResponseCookies { site, filter } => metrics.response_cookies(site, filter),
            Event::Decision { site, kind } => metrics.decision(site, kind),
            Event::Upstream { site, failure } => metrics.upstream_error(site, failure),
            Event::Oversized { site, passed } => metrics.oversized(
                site,
                if passed {
                    Oversized::Passed
                } else {
                    Oversized::Refused
                },
            ),
            _ => {}
        }
    }
}
