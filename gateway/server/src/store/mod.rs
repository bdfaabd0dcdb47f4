//! Where consent records and analytics aggregates are kept: SQLite in the data directory (the embedded default) or
//! PostgreSQL shared by several gateways. Both keep the same schema
//! ([`consentry_engine::schema`]) and chain records the same way.

mod postgres;
mod postgres_admin;
mod postgres_analytics;
mod postgres_inventory;
mod sqlite;
mod sqlite_admin;
mod sqlite_analytics;
mod sqlite_inventory;
mod writer;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::sync::Arc;

use consentry_config::Storage;
use consentry_engine::chain::ChainKey;
pub use consentry_engine::store::{
    ConsentLog, LogFilter, LogStats, Store, StoreError, StoreFuture,
};

pub use postgres::PostgresStore;
pub use sqlite::{SqliteStore, DATABASE_FILE};
pub use writer::LogWriter;

/// Opens the configured store: SQLite in `data_dir`, or PostgreSQL.
pub async fn open(
    storage: &Storage,
    data_dir: &Path,
    key: ChainKey,
) -> Result<Arc<dyn Store>, StoreError> {
    Ok(match storage {
        Storage::Sqlite => Arc::new(SqliteStore::open(data_dir, key)?),
        Storage::Postgres(url) => Arc::new(PostgresStore::connect(url, key).await?),
    })
}
