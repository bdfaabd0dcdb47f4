//! What every store is made of, below the products that keep data: the futures a store
//! returns ([`StoreFuture`], `Send` on native hosts and not on WebAssembly, where JavaScript
//! promises never are), its errors, rows read and written by column name ([`row`]), the
//! schema ([`crate::schema`]) and the append-only consent log ([`ConsentLog`], with one
//! chain, [`crate::chain`]). The dashboard, the analytics and the inventory build their own
//! stores from these, and the host's `Store` (in `store`, above them) puts them all together.

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;

pub mod row;
pub mod rows;

use crate::chain::{ChainedRecord, Checkpoint};
use crate::ConsentRecord;

/// A boxed future that a store returns.
#[cfg(not(target_arch = "wasm32"))]
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;
/// A boxed future that a store returns.
#[cfg(target_arch = "wasm32")]
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + 'a>>;

/// What a store must be to be shared: `Send + Sync` natively, anything in a Worker.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync> MaybeSendSync for T {}
/// What a store must be to be shared: `Send + Sync` natively, anything in a Worker.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T> MaybeSendSync for T {}

/// A store operation that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(String),
    /// The database could not be opened or reached.
    #[error("cannot open store at {location}: {reason}")]
    Open {
        /// Where.
        location: String,
        /// Why.
        reason: String,
    },
    /// A stored row does not read back: a column is missing, `NULL` where a value
    /// belongs, of another type, or out of range (see [`row::Row`]).
    #[error("stored row, column `{column}`: {reason}")]
    Column {
        /// The column's name.
        column: String,
        /// What is wrong.
        reason: String,
    },
    /// The writer has stopped (the gateway is shutting down).
    #[error("the consent log writer has stopped")]
    Stopped,
}

/// Which records an export covers.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// From this time on (seconds since the epoch), inclusive.
    pub since: Option<u64>,
    /// Before this time, exclusive.
    pub until: Option<u64>,
    /// Only this site.
    pub site: Option<String>,
    /// Only this visitor.
    pub consent_id: Option<String>,
}

/// Counts over the whole log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LogStats {
    /// Records kept.
    pub records: u64,
    /// Records whose personal fields were erased.
    pub erased: u64,
    /// Records per kind.
    pub by_kind: Vec<(String, u64)>,
    /// Records per site.
    pub by_site: Vec<(String, u64)>,
    /// The oldest record's time.
    pub first_at: Option<u64>,
    /// The newest record's time.
    pub last_at: Option<u64>,
    /// Up to which position records were pruned.
    pub pruned_up_to: Option<u64>,
}

/// The append-only consent log.
pub trait ConsentLog: MaybeSendSync {
    /// Chains and stores records in one durable transaction; resolves to their positions
    /// once committed.
    fn append_batch<'a>(&'a self, records: &'a [ConsentRecord]) -> StoreFuture<'a, Vec<u64>>;

    /// One visitor's records, oldest first.
    fn records_for<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<ChainedRecord>>;

    /// The records an export asks for, oldest first.
    fn export<'a>(&'a self, filter: &'a LogFilter) -> StoreFuture<'a, Vec<ChainedRecord>>;

    /// The checkpoint and every record, for verification.
    fn chain(&self) -> StoreFuture<'_, (Option<Checkpoint>, Vec<ChainedRecord>)>;

    /// Removes the personal fields of one visitor's records; returns their positions.
    fn erase<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<u64>>;

    /// Deletes records from before `before` behind a signed checkpoint; returns how many.
    fn prune(&self, before: u64, now: u64) -> StoreFuture<'_, u64>;

    /// Counts.
    fn stats(&self) -> StoreFuture<'_, LogStats>;

    /// Remembers that `site`'s origin set the unknown cookie `name` as functional.
    fn remember_functional_cookie<'a>(
        &'a self,
        site: &'a str,
        name: &'a str,
        now: u64,
    ) -> StoreFuture<'a, ()>;

    /// The unknown cookies `site`'s origin has set as functional.
    fn functional_cookies<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<String>>;
}
