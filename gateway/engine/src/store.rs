//! The store every host implements: the consent log and each product's store (the
//! dashboard's accounts, the analytics aggregates, the cookie inventory) in one database,
//! SQLite, PostgreSQL or Cloudflare D1, with one schema ([`crate::schema`]). It sits above
//! the products; what they are built from (errors, futures, rows by column name, the consent
//! log) is below them and re-exported here, where the hosts find it.

pub use crate::storage::{
    row, rows, ConsentLog, LogFilter, LogStats, MaybeSendSync, StoreError, StoreFuture,
};

use crate::admin::AdminStore;
use crate::analytics::AnalyticsStore;
use crate::inventory::InventoryStore;

/// Everything a host keeps: the consent log, the analytics aggregates, the dashboard's
/// accounts and the cookie inventory, in one database.
pub trait Store: ConsentLog + AnalyticsStore + AdminStore + InventoryStore {}

impl<T: ConsentLog + AnalyticsStore + AdminStore + InventoryStore> Store for T {}
