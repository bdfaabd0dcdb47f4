//! The storage schema, one for every backend: SQLite natively, PostgreSQL for several
//! gateways, Cloudflare D1 (SQLite) at the edge. Only types all three accept are used
//! (`BIGINT`, `SMALLINT`, `TEXT`); statements are written with `?N` placeholders, which
//! PostgreSQL spells `$N` (see [`postgres_placeholders`]).

/// Creates the tables and indexes if they do not exist yet; statements separated by `;`.
pub const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS consent_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    record_id TEXT NOT NULL,
    consent_id TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    site TEXT NOT NULL,
    policy_version BIGINT NOT NULL,
    banner_hash TEXT NOT NULL,
    language TEXT NOT NULL,
    kind TEXT NOT NULL,
    via_form SMALLINT NOT NULL,
    gpc SMALLINT NOT NULL,
    preferences SMALLINT NOT NULL,
    analytics SMALLINT NOT NULL,
    marketing SMALLINT NOT NULL,
    country TEXT,
    ip_prefix TEXT,
    browser TEXT,
    detail TEXT NOT NULL,
    personal_digest TEXT NOT NULL,
    erased SMALLINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consent_log_by_consent_id ON consent_log (consent_id);
CREATE INDEX IF NOT EXISTS consent_log_by_time ON consent_log (recorded_at);
CREATE TABLE IF NOT EXISTS consent_log_checkpoint (
    seq BIGINT NOT NULL PRIMARY KEY,
    hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    signature TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS functional_cookies (
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    PRIMARY KEY (site, name)
);
CREATE TABLE IF NOT EXISTS analytics (
    site TEXT NOT NULL,
    day BIGINT NOT NULL,
    dimension TEXT NOT NULL,
    value TEXT NOT NULL,
    consent TEXT NOT NULL,
    writer TEXT NOT NULL,
    count BIGINT NOT NULL,
    sketch TEXT NOT NULL,
    PRIMARY KEY (site, dimension, day, value, consent, writer)
);
CREATE TABLE IF NOT EXISTS admin_users (
    name TEXT NOT NULL PRIMARY KEY,
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_step BIGINT NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS admin_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_name TEXT NOT NULL,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS admin_tokens (
    token_hash TEXT NOT NULL PRIMARY KEY,
    user_name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS admin_audit (
    seq BIGINT NOT NULL PRIMARY KEY,
    at BIGINT NOT NULL,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    network TEXT
);
CREATE TABLE IF NOT EXISTS cookie_inventory (
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    writer TEXT NOT NULL,
    set_by TEXT NOT NULL,
    domain TEXT NOT NULL,
    path TEXT NOT NULL,
    lifetime BIGINT NOT NULL,
    http_only SMALLINT NOT NULL,
    secure SMALLINT NOT NULL,
    same_site TEXT NOT NULL,
    category TEXT NOT NULL,
    source TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    paths TEXT NOT NULL,
    PRIMARY KEY (site, name, writer)
);
CREATE TABLE IF NOT EXISTS cookie_overrides (
    site TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    purpose TEXT NOT NULL,
    by_user TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (site, name)
);
";

/// One writer's row of a value, to merge a flush into.
pub const SELECT_AGGREGATE: &str = "SELECT count, sketch FROM analytics WHERE site = ?1 AND \
dimension = ?2 AND day = ?3 AND value = ?4 AND consent = ?5 AND writer = ?6";

/// Writes one writer's row of a value (after merging in Rust).
pub const UPSERT_AGGREGATE: &str = "INSERT INTO analytics (site, dimension, day, value, consent, \
writer, count, sketch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (site, dimension, day, \
value, consent, writer) DO UPDATE SET count = excluded.count, sketch = excluded.sketch";

/// One writer's rows of one site, dimension and day (to merge a flush into at once).
pub const SELECT_WRITER_AGGREGATES: &str = "SELECT site, day, dimension, value, consent, count, \
sketch FROM analytics WHERE site = ?1 AND dimension = ?2 AND day = ?3 AND writer = ?4";

/// Every writer's rows of one site and dimension over a range of days.
pub const SELECT_AGGREGATES: &str = "SELECT site, day, dimension, value, consent, count, sketch \
FROM analytics WHERE site = ?1 AND dimension = ?2 AND day >= ?3 AND day <= ?4";

/// The columns of `consent_log`, in the order every query below returns them.
pub const LOG_COLUMNS: &str = "seq, record_id, consent_id, recorded_at, site, policy_version, \
banner_hash, language, kind, via_form, gpc, preferences, analytics, marketing, country, \
ip_prefix, browser, detail, personal_digest, erased, prev_hash, hash";

/// Appends one chained record; parameters in the order of [`LOG_COLUMNS`].
pub const INSERT_LOG: &str = "INSERT INTO consent_log (seq, record_id, consent_id, recorded_at, \
site, policy_version, banner_hash, language, kind, via_form, gpc, preferences, analytics, \
marketing, country, ip_prefix, browser, detail, personal_digest, erased, prev_hash, hash) VALUES \
(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";

/// The last record's position and hash.
pub const SELECT_HEAD: &str = "SELECT seq, hash FROM consent_log ORDER BY seq DESC LIMIT 1";

/// The latest checkpoint.
pub const SELECT_CHECKPOINT: &str =
    "SELECT seq, hash, created_at, signature FROM consent_log_checkpoint ORDER BY seq DESC LIMIT 1";

/// Replaces the checkpoint (after deleting the old one).
pub const INSERT_CHECKPOINT: &str =
    "INSERT INTO consent_log_checkpoint (seq, hash, created_at, signature) VALUES (?1, ?2, ?3, ?4)";

/// Removes the personal fields of one visitor's records.
pub const ERASE: &str =
    "UPDATE consent_log SET consent_id = '', country = NULL, ip_prefix = NULL, \
browser = NULL, erased = 1 WHERE consent_id = ?1";

/// Remembers an unknown cookie the origin set as functional (`HttpOnly` or session).
pub const INSERT_FUNCTIONAL_COOKIE: &str =
    "INSERT INTO functional_cookies (site, name, first_seen) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";

/// The unknown cookies a site's origin set as functional, oldest first.
pub const SELECT_FUNCTIONAL_COOKIES: &str =
    "SELECT name FROM functional_cookies WHERE site = ?1 ORDER BY first_seen, name";

/// The columns of `cookie_inventory` but `writer`, in the order the queries below return
/// them (see [`crate::inventory::StoredCookie`]); `lifetime` is seconds, `-1` for a session
/// cookie and `-2` when not known; `paths` one per line.
pub const COOKIE_COLUMNS: &str = "site, name, set_by, domain, path, lifetime, http_only, secure, \
same_site, category, source, first_seen, last_seen, paths";

/// One writer's inventory rows of a site, to merge a flush into.
pub const SELECT_WRITER_COOKIES: &str = "SELECT site, name, set_by, domain, path, lifetime, \
http_only, secure, same_site, category, source, first_seen, last_seen, paths FROM cookie_inventory \
WHERE site = ?1 AND writer = ?2";

/// How many distinct names of a site's inventory were only seen in requests (any writer).
pub const COUNT_SCRIPT_COOKIES: &str =
    "SELECT COUNT(DISTINCT name) AS n FROM cookie_inventory WHERE site = ?1 AND set_by = 'script'";

/// Every writer's inventory rows of a site.
pub const SELECT_COOKIES: &str = "SELECT site, name, set_by, domain, path, lifetime, http_only, \
secure, same_site, category, source, first_seen, last_seen, paths FROM cookie_inventory WHERE \
site = ?1";

/// Writes one writer's row of a cookie (after merging in Rust); parameters in the order of
/// [`COOKIE_COLUMNS`], then the writer.
pub const UPSERT_COOKIE: &str = "INSERT INTO cookie_inventory (site, name, set_by, domain, path, \
lifetime, http_only, secure, same_site, category, source, first_seen, last_seen, paths, writer) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) ON CONFLICT (site, \
name, writer) DO UPDATE SET set_by = excluded.set_by, domain = excluded.domain, path = \
excluded.path, lifetime = excluded.lifetime, http_only = excluded.http_only, secure = \
excluded.secure, same_site = excluded.same_site, category = excluded.category, source = \
excluded.source, first_seen = excluded.first_seen, last_seen = excluded.last_seen, paths = \
excluded.paths";

/// Keeps the owner's classification of a cookie, replacing an earlier one.
pub const UPSERT_COOKIE_OVERRIDE: &str = "INSERT INTO cookie_overrides (site, name, category, \
purpose, by_user, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (site, name) DO UPDATE SET \
category = excluded.category, purpose = excluded.purpose, by_user = excluded.by_user, at = \
excluded.at";

/// The owner's classifications of a site.
pub const SELECT_COOKIE_OVERRIDES: &str = "SELECT site, name, category, purpose, by_user, at FROM \
cookie_overrides WHERE site = ?1 ORDER BY name";

/// Rewrites `?N` placeholders as PostgreSQL's `$N`.
pub fn postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_for_postgres() {
        assert_eq!(
            postgres_placeholders("a = ?1 AND b = ?12"),
            "a = $1 AND b = $12"
        );
        assert_eq!(LOG_COLUMNS.split(',').count(), 22);
    }
}
