//! The Worker as the engine's host: D1 for the store, the runtime's randomness,
//! `request.cf` for the visitor's place, and the isolate's counters. A Worker keeps no metrics: an
//! isolate's counts live as long as the isolate and are spread over many.

use consentry_engine::analytics::Counter;
use consentry_engine::exchange::{Host, HostFuture};
use consentry_engine::inventory::CookieInventory;
use consentry_engine::store::{Store, StoreError, StoreFuture};
use consentry_engine::{ConsentRecord, Place};
use worker::Env;

use crate::gateway::Gateway;
use crate::store::D1Store;

/// The Worker, for one request.
pub struct EdgeHost<'a> {
    gateway: &'a Gateway,
    env: &'a Env,
    store: Result<D1Store, StoreError>,
    place: Place,
}

impl<'a> EdgeHost<'a> {
    /// The host for a request from a visitor at `place` (`request.cf`).
    pub fn new(gateway: &'a Gateway, env: &'a Env, place: Place) -> Self {
        EdgeHost {
            gateway,
            env,
            store: gateway.store(env),
            place,
        }
    }
}

impl Host for EdgeHost<'_> {
    fn store(&self) -> Result<&dyn Store, StoreError> {
        match &self.store {
            Ok(store) => Ok(store),
            Err(e) => Err(e.clone()),
        }
    }

    fn append(&self, record: ConsentRecord) -> StoreFuture<'_, u64> {
        Box::pin(self.gateway.record(self.env, record))
    }

    fn flush(&self) -> HostFuture<'_, ()> {
        Box::pin(self.gateway.flush_analytics(self.env, false))
    }

    fn random(&self, out: &mut [u8]) -> Result<(), String> {
        getrandom::fill(out).map_err(|e| e.to_string())
    }

    fn salt(&self) -> [u8; 32] {
        fresh_salt()
    }

    fn place(&self) -> Place {
        self.place.clone()
    }

    fn analytics(&self) -> &Counter {
        &self.gateway.analytics
    }

    fn inventory(&self) -> &CookieInventory {
        &self.gateway.inventory
    }

    fn ready(&self) -> HostFuture<'_, Result<(), String>> {
        Box::pin(async move {
            let store = self.store().map_err(|e| format!("store: {e}"))?;
            store
                .records_for("")
                .await
                .map(|_| ())
                .map_err(|e| format!("store: {e}"))
        })
    }

    fn keeps_metrics(&self) -> bool {
        false
    }

    fn metrics(&self) -> String {
        String::new()
    }
}

/// A new day's salt for visitor hashes, from the runtime's randomness.
pub fn fresh_salt() -> [u8; 32] {
    crate::io::random_bytes::<32>().unwrap_or_else(|e| {
        tracing::error!(error = %e, "no randomness for the analytics salt");
        // Unreachable in the Workers runtime; the time keeps the salt unknown to readers.
        let mut salt = [0u8; 32];
        salt[..8].copy_from_slice(&js_sys::Date::now().to_bits().to_le_bytes());
        salt
    })
}
