//! Where consent records are kept. SQLite in the data directory is the embedded default.

mod sqlite;

use std::future::Future;
use std::pin::Pin;

use consentry_engine::ConsentRecord;

pub use sqlite::SqliteStore;

/// A store operation that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(String),
    /// The database file or its folder could not be opened or created.
    #[error("cannot open store at {path}: {reason}")]
    Open {
        /// Where.
        path: String,
        /// Why.
        reason: String,
    },
}

/// A boxed future that a store returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// The consent log: append-only.
pub trait ConsentStore: Send + Sync {
    /// Appends a record; resolves once it is durable.
    fn append<'a>(&'a self, record: &'a ConsentRecord) -> StoreFuture<'a, ()>;

    /// The records of one consent id, oldest first.
    fn records_for<'a>(&'a self, consent_id: &'a str) -> StoreFuture<'a, Vec<ConsentRecord>>;

    /// How many records there are.
    fn count(&self) -> StoreFuture<'_, u64>;

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
