//! The storage schema, one for every backend: SQLite natively, Cloudflare D1 (SQLite) at the
//! edge. Statements are separated by `;` and each can be run on its own.

/// Creates the tables and indexes if they do not exist yet.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS consent_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consent_id TEXT NOT NULL,
    site TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    policy_version INTEGER NOT NULL,
    action TEXT NOT NULL,
    via_form INTEGER NOT NULL,
    gpc INTEGER NOT NULL,
    granted TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_records_by_consent_id ON consent_records (consent_id);
CREATE INDEX IF NOT EXISTS consent_records_by_time ON consent_records (recorded_at);
CREATE TABLE IF NOT EXISTS functional_cookies (
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    PRIMARY KEY (site, name)
);
";

/// Remembers an unknown cookie the origin set as functional (`HttpOnly` or session).
pub const INSERT_FUNCTIONAL_COOKIE: &str =
    "INSERT OR IGNORE INTO functional_cookies (site, name, first_seen) VALUES (?1, ?2, ?3)";

/// The unknown cookies a site's origin set as functional, oldest first.
pub const SELECT_FUNCTIONAL_COOKIES: &str =
    "SELECT name FROM functional_cookies WHERE site = ?1 ORDER BY first_seen, name";

/// Inserts one consent record; parameters in the order of [`crate::ConsentRecord`]'s fields.
pub const INSERT_CONSENT_RECORD: &str = "INSERT INTO consent_records \
(consent_id, site, recorded_at, policy_version, action, via_form, gpc, granted) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
