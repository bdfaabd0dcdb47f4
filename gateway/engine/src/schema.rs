//! The storage schema, one for every backend: SQLite natively, PostgreSQL for several
//! gateways, Cloudflare D1 (SQLite) at the edge. Only types all three accept are used
//! (`BIGINT`, `SMALLINT`, `TEXT`); statements are written with `?N` placeholders, which
//! PostgreSQL spells `$N` (see [`postgres_placeholders`]).
//!
//! Each table is declared once, as a [`Table`]: its `CREATE TABLE`, the column list of its
//! `SELECT`s and its `INSERT`s come from that declaration, and rows are read and written by
//! column name (`store::row`), so a column's place in the list never matters.

use std::sync::LazyLock;

/// A table: its columns, in order, with their types, and its primary key.
#[derive(Debug)]
pub struct Table {
    /// The table's name.
    pub name: &'static str,
    /// Each column's name and SQL type (with `NOT NULL` where it applies).
    pub columns: &'static [(&'static str, &'static str)],
    /// The columns of the primary key.
    pub key: &'static [&'static str],
}

impl Table {
    /// The column names, in order.
    pub fn column_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.columns.iter().map(|(name, _)| *name)
    }

    /// The column names, comma-separated.
    pub fn column_list(&self) -> String {
        self.column_names().collect::<Vec<_>>().join(", ")
    }

    /// `CREATE TABLE IF NOT EXISTS` with every column and the primary key.
    pub fn create(&self) -> String {
        let mut sql = format!("CREATE TABLE IF NOT EXISTS {} (\n", self.name);
        for (name, ty) in self.columns {
            sql.push_str(&format!("    {name} {ty},\n"));
        }
        sql.push_str(&format!("    PRIMARY KEY ({})\n)", self.key.join(", ")));
        sql
    }

    /// `SELECT` of every column, followed by `rest` (a `WHERE`, an `ORDER BY`...).
    pub fn select(&self, rest: &str) -> String {
        format!("SELECT {} FROM {}{rest}", self.column_list(), self.name)
    }

    /// `INSERT` of every column, parameters `?1`... in column order ([`Table::values`]).
    pub fn insert(&self) -> String {
        let placeholders: Vec<String> = (1..=self.columns.len()).map(|i| format!("?{i}")).collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            self.name,
            self.column_list(),
            placeholders.join(", ")
        )
    }

    /// [`Table::insert`] that replaces every column but the key of a row already there.
    pub fn upsert(&self) -> String {
        let set: Vec<String> = self
            .column_names()
            .filter(|c| !self.key.contains(c))
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        format!(
            "{} ON CONFLICT ({}) DO UPDATE SET {}",
            self.insert(),
            self.key.join(", "),
            set.join(", ")
        )
    }

    /// The `ALTER TABLE` statements that add to a table made by an earlier version the
    /// columns it lacks, given the columns it has (none when it was just created, or is
    /// new). A column added to a table after its first release must allow `NULL` or have a
    /// `DEFAULT`, so that the rows already there read back.
    pub fn added_columns(&self, existing: &[String]) -> Vec<String> {
        if existing.is_empty() {
            return Vec::new();
        }
        self.columns
            .iter()
            .filter(|(name, _)| !existing.iter().any(|e| e.eq_ignore_ascii_case(name)))
            .map(|(name, ty)| format!("ALTER TABLE {} ADD COLUMN {name} {ty}", self.name))
            .collect()
    }

    /// The statement that lists the table's columns in SQLite and D1 (rows with a `name`).
    pub fn sqlite_columns(&self) -> String {
        format!("PRAGMA table_info({})", self.name)
    }
}

/// The consent log: one chained record per row (`store::rows::record_from`).
pub const CONSENT_LOG: Table = Table {
    name: "consent_log",
    columns: &[
        ("seq", "BIGINT NOT NULL"),
        ("record_id", "TEXT NOT NULL"),
        ("consent_id", "TEXT NOT NULL"),
        ("recorded_at", "BIGINT NOT NULL"),
        ("site", "TEXT NOT NULL"),
        ("policy_version", "BIGINT NOT NULL"),
        ("banner_hash", "TEXT NOT NULL"),
        ("language", "TEXT NOT NULL"),
        ("kind", "TEXT NOT NULL"),
        ("via_form", "SMALLINT NOT NULL"),
        ("gpc", "SMALLINT NOT NULL"),
        ("preferences", "SMALLINT NOT NULL"),
        ("analytics", "SMALLINT NOT NULL"),
        ("marketing", "SMALLINT NOT NULL"),
        ("country", "TEXT"),
        ("ip_prefix", "TEXT"),
        ("browser", "TEXT"),
        ("detail", "TEXT NOT NULL"),
        ("regime", "TEXT NOT NULL DEFAULT ''"),
        ("tc_string", "TEXT NOT NULL DEFAULT ''"),
        ("personal_digest", "TEXT NOT NULL"),
        ("erased", "SMALLINT NOT NULL"),
        ("prev_hash", "TEXT NOT NULL"),
        ("hash", "TEXT NOT NULL"),
    ],
    key: &["seq"],
};

/// The signed checkpoint left where the log was pruned (one row at most).
pub const CHECKPOINTS: Table = Table {
    name: "consent_log_checkpoint",
    columns: &[
        ("seq", "BIGINT NOT NULL"),
        ("hash", "TEXT NOT NULL"),
        ("created_at", "BIGINT NOT NULL"),
        ("signature", "TEXT NOT NULL"),
    ],
    key: &["seq"],
};

/// Unknown cookies a site's origin set as functional.
pub const FUNCTIONAL_COOKIES: Table = Table {
    name: "functional_cookies",
    columns: &[
        ("site", "TEXT NOT NULL"),
        ("name", "TEXT NOT NULL"),
        ("first_seen", "BIGINT NOT NULL"),
    ],
    key: &["site", "name"],
};

/// Analytics aggregates, per writer (`analytics::aggregate_from`).
pub const ANALYTICS: Table = Table {
    name: "analytics",
    columns: &[
        ("site", "TEXT NOT NULL"),
        ("day", "BIGINT NOT NULL"),
        ("dimension", "TEXT NOT NULL"),
        ("value", "TEXT NOT NULL"),
        ("consent", "TEXT NOT NULL"),
        ("writer", "TEXT NOT NULL"),
        ("count", "BIGINT NOT NULL"),
        ("sketch", "TEXT NOT NULL"),
    ],
    key: &["site", "dimension", "day", "value", "consent", "writer"],
};

/// Dashboard accounts (`admin::store::user_from`).
pub const ADMIN_USERS: Table = Table {
    name: "admin_users",
    columns: &[
        ("name", "TEXT NOT NULL"),
        ("password_hash", "TEXT NOT NULL"),
        ("totp_secret", "TEXT"),
        ("totp_step", "BIGINT NOT NULL"),
        ("failed_logins", "BIGINT NOT NULL"),
        ("locked_until", "BIGINT NOT NULL"),
        ("created_at", "BIGINT NOT NULL"),
    ],
    key: &["name"],
};

/// Dashboard sessions (`admin::store::session_from`).
pub const ADMIN_SESSIONS: Table = Table {
    name: "admin_sessions",
    columns: &[
        ("token_hash", "TEXT NOT NULL"),
        ("user_name", "TEXT NOT NULL"),
        ("csrf", "TEXT NOT NULL"),
        ("created_at", "BIGINT NOT NULL"),
        ("expires_at", "BIGINT NOT NULL"),
    ],
    key: &["token_hash"],
};

/// API tokens, by their hash.
pub const ADMIN_TOKENS: Table = Table {
    name: "admin_tokens",
    columns: &[
        ("token_hash", "TEXT NOT NULL"),
        ("user_name", "TEXT NOT NULL"),
        ("created_at", "BIGINT NOT NULL"),
    ],
    key: &["token_hash"],
};

/// The dashboard's audit log (`admin::store::audit_from`).
pub const ADMIN_AUDIT: Table = Table {
    name: "admin_audit",
    columns: &[
        ("seq", "BIGINT NOT NULL"),
        ("at", "BIGINT NOT NULL"),
        ("user_name", "TEXT NOT NULL"),
        ("action", "TEXT NOT NULL"),
        ("detail", "TEXT NOT NULL"),
        ("network", "TEXT"),
    ],
    key: &["seq"],
};

/// The cookie inventory, per writer (`inventory::cookie_from`): `lifetime` is
/// seconds, `-1` for a session cookie and `-2` when not known; `paths` one per line.
pub const COOKIE_INVENTORY: Table = Table {
    name: "cookie_inventory",
    columns: &[
        ("site", "TEXT NOT NULL"),
        ("name", "TEXT NOT NULL"),
        ("writer", "TEXT NOT NULL"),
        ("set_by", "TEXT NOT NULL"),
        ("domain", "TEXT NOT NULL"),
        ("path", "TEXT NOT NULL"),
        ("lifetime", "BIGINT NOT NULL"),
        ("http_only", "SMALLINT NOT NULL"),
        ("secure", "SMALLINT NOT NULL"),
        ("same_site", "TEXT NOT NULL"),
        ("category", "TEXT NOT NULL"),
        ("source", "TEXT NOT NULL"),
        ("first_seen", "BIGINT NOT NULL"),
        ("last_seen", "BIGINT NOT NULL"),
        ("paths", "TEXT NOT NULL"),
    ],
    key: &["site", "name", "writer"],
};

/// The owner's classifications of cookies (`inventory::override_from`).
pub const COOKIE_OVERRIDES: Table = Table {
    name: "cookie_overrides",
    columns: &[
        ("site", "TEXT NOT NULL"),
        ("name", "TEXT NOT NULL"),
        ("category", "TEXT NOT NULL"),
        ("purpose", "TEXT NOT NULL"),
        ("by_user", "TEXT NOT NULL"),
        ("at", "BIGINT NOT NULL"),
    ],
    key: &["site", "name"],
};

/// Every table, in the order they are created.
pub const TABLES: [&Table; 10] = [
    &CONSENT_LOG,
    &CHECKPOINTS,
    &FUNCTIONAL_COOKIES,
    &ANALYTICS,
    &ADMIN_USERS,
    &ADMIN_SESSIONS,
    &ADMIN_TOKENS,
    &ADMIN_AUDIT,
    &COOKIE_INVENTORY,
    &COOKIE_OVERRIDES,
];

/// The indexes beside the primary keys.
const INDEXES: &str =
    "CREATE INDEX IF NOT EXISTS consent_log_by_consent_id ON consent_log (consent_id);
CREATE INDEX IF NOT EXISTS consent_log_by_time ON consent_log (recorded_at)";

/// Creates the tables and indexes if they do not exist yet; statements separated by `;`.
pub static SCHEMA: LazyLock<String> = LazyLock::new(|| {
    let mut statements: Vec<String> = TABLES.iter().map(|t| t.create()).collect();
    statements.push(INDEXES.to_owned());
    statements.join(";\n") + ";\n"
});

/// The columns of table `?1` in PostgreSQL (rows with a `name`).
pub const POSTGRES_COLUMNS: &str =
    "SELECT column_name::TEXT AS name FROM information_schema.columns \
WHERE table_schema = current_schema() AND table_name = ?1";

/// Appends one chained record (`store::rows::record_values`).
pub static INSERT_LOG: LazyLock<String> = LazyLock::new(|| CONSENT_LOG.insert());

/// One visitor's records, oldest first.
pub static SELECT_RECORDS_OF: LazyLock<String> =
    LazyLock::new(|| CONSENT_LOG.select(" WHERE consent_id = ?1 ORDER BY seq"));

/// Every record, oldest first.
pub static SELECT_RECORDS: LazyLock<String> = LazyLock::new(|| CONSENT_LOG.select(" ORDER BY seq"));

/// The records an export asks for, oldest first: `clause` from
/// `store::rows::filter_clause`.
pub fn select_records_where(clause: &str) -> String {
    CONSENT_LOG.select(&format!("{clause} ORDER BY seq"))
}

/// The last record's position and hash.
pub const SELECT_HEAD: &str = "SELECT seq, hash FROM consent_log ORDER BY seq DESC LIMIT 1";

/// The positions of one visitor's records.
pub const SELECT_SEQS_OF: &str = "SELECT seq FROM consent_log WHERE consent_id = ?1 ORDER BY seq";

/// The position and hash of the last record before a time.
pub const SELECT_LAST_BEFORE: &str =
    "SELECT seq, hash FROM consent_log WHERE recorded_at < ?1 ORDER BY seq DESC LIMIT 1";

/// Deletes records up to a position (after a checkpoint was written for it).
pub const DELETE_RECORDS_UP_TO: &str = "DELETE FROM consent_log WHERE seq <= ?1";

/// Counts over the whole log.
pub const SELECT_TOTALS: &str = "SELECT COUNT(*) AS records, SUM(erased) AS erased, \
MIN(recorded_at) AS first_at, MAX(recorded_at) AS last_at FROM consent_log";

/// Records per kind.
pub const SELECT_COUNT_BY_KIND: &str =
    "SELECT kind AS key, COUNT(*) AS n FROM consent_log GROUP BY kind ORDER BY kind";

/// Records per site.
pub const SELECT_COUNT_BY_SITE: &str =
    "SELECT site AS key, COUNT(*) AS n FROM consent_log GROUP BY site ORDER BY site";

/// The latest checkpoint.
pub static SELECT_CHECKPOINT: LazyLock<String> =
    LazyLock::new(|| CHECKPOINTS.select(" ORDER BY seq DESC LIMIT 1"));

/// Removes the checkpoint (before writing the next one).
pub const DELETE_CHECKPOINTS: &str = "DELETE FROM consent_log_checkpoint";

/// Keeps a checkpoint (`store::rows::checkpoint_values`).
pub static INSERT_CHECKPOINT: LazyLock<String> = LazyLock::new(|| CHECKPOINTS.insert());

/// Removes the personal fields of one visitor's records.
pub const ERASE: &str =
    "UPDATE consent_log SET consent_id = '', country = NULL, ip_prefix = NULL, \
browser = NULL, erased = 1 WHERE consent_id = ?1";

/// Remembers an unknown cookie the origin set as functional (`HttpOnly` or session):
/// parameters site, name, first seen.
pub static INSERT_FUNCTIONAL_COOKIE: LazyLock<String> =
    LazyLock::new(|| FUNCTIONAL_COOKIES.insert() + " ON CONFLICT DO NOTHING");

/// The unknown cookies a site's origin set as functional, oldest first.
pub const SELECT_FUNCTIONAL_COOKIES: &str =
    "SELECT name FROM functional_cookies WHERE site = ?1 ORDER BY first_seen, name";

/// One writer's row of a value, to merge a flush into.
pub static SELECT_AGGREGATE: LazyLock<String> = LazyLock::new(|| {
    ANALYTICS.select(
        " WHERE site = ?1 AND dimension = ?2 AND day = ?3 AND value = ?4 AND consent = ?5 \
AND writer = ?6",
    )
});

/// Writes one writer's row of a value (after merging in Rust).
pub static UPSERT_AGGREGATE: LazyLock<String> = LazyLock::new(|| ANALYTICS.upsert());

/// One writer's rows of one site, dimension and day (to merge a flush into at once).
pub static SELECT_WRITER_AGGREGATES: LazyLock<String> = LazyLock::new(|| {
    ANALYTICS.select(" WHERE site = ?1 AND dimension = ?2 AND day = ?3 AND writer = ?4")
});

/// Every writer's rows of one site and dimension over a range of days.
pub static SELECT_AGGREGATES: LazyLock<String> = LazyLock::new(|| {
    ANALYTICS.select(" WHERE site = ?1 AND dimension = ?2 AND day >= ?3 AND day <= ?4")
});

/// One writer's inventory rows of a site, to merge a flush into.
pub static SELECT_WRITER_COOKIES: LazyLock<String> =
    LazyLock::new(|| COOKIE_INVENTORY.select(" WHERE site = ?1 AND writer = ?2"));

/// How many distinct names of a site's inventory were only seen in requests (any writer).
pub const COUNT_SCRIPT_COOKIES: &str =
    "SELECT COUNT(DISTINCT name) AS n FROM cookie_inventory WHERE site = ?1 AND set_by = 'script'";

/// Every writer's inventory rows of a site.
pub static SELECT_COOKIES: LazyLock<String> =
    LazyLock::new(|| COOKIE_INVENTORY.select(" WHERE site = ?1"));

/// Writes one writer's row of a cookie (after merging in Rust).
pub static UPSERT_COOKIE: LazyLock<String> = LazyLock::new(|| COOKIE_INVENTORY.upsert());

/// Keeps the owner's classification of a cookie, replacing an earlier one.
pub static UPSERT_COOKIE_OVERRIDE: LazyLock<String> = LazyLock::new(|| COOKIE_OVERRIDES.upsert());

/// The owner's classifications of a site.
pub static SELECT_COOKIE_OVERRIDES: LazyLock<String> =
    LazyLock::new(|| COOKIE_OVERRIDES.select(" WHERE site = ?1 ORDER BY name"));

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
    use crate::admin::sql;

    #[test]
    fn placeholders_are_rewritten_for_postgres() {
        assert_eq!(
            postgres_placeholders("a = ?1 AND b = ?12"),
            "a = $1 AND b = $12"
        );
    }

    #[test]
    fn statements_come_from_the_tables() {
        assert_eq!(
            CHECKPOINTS.insert(),
            "INSERT INTO consent_log_checkpoint (seq, hash, created_at, signature) VALUES (?1, ?2, ?3, ?4)"
        );
        assert_eq!(
            COOKIE_OVERRIDES.upsert(),
            "INSERT INTO cookie_overrides (site, name, category, purpose, by_user, at) VALUES \
(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (site, name) DO UPDATE SET category = excluded.category, \
purpose = excluded.purpose, by_user = excluded.by_user, at = excluded.at"
        );
        assert!(INSERT_LOG.ends_with("?23, ?24)"), "{}", *INSERT_LOG);
        assert!(CONSENT_LOG
            .create()
            .starts_with("CREATE TABLE IF NOT EXISTS consent_log (\n    seq BIGINT NOT NULL,\n"));
        assert_eq!(
            SCHEMA.matches("CREATE TABLE IF NOT EXISTS").count(),
            TABLES.len()
        );
        for table in TABLES {
            for key in table.key {
                assert!(
                    table.column_names().any(|c| c == *key),
                    "{}.{key}",
                    table.name
                );
            }
        }
    }

    #[test]
    fn the_dashboards_statements_agree_with_its_tables() {
        assert_eq!(sql::USER_COLUMNS, ADMIN_USERS.column_list());
        assert!(sql::INSERT_USER.starts_with(&ADMIN_USERS.insert()));
        assert_eq!(sql::UPSERT_USER, ADMIN_USERS.upsert());
        assert_eq!(sql::INSERT_SESSION, ADMIN_SESSIONS.insert());
        assert_eq!(sql::INSERT_TOKEN, ADMIN_TOKENS.insert());
    }

    #[test]
    fn columns_a_table_lacks_are_added() {
        let existing: Vec<String> = CHECKPOINTS
            .column_names()
            .filter(|c| *c != "signature")
            .map(str::to_owned)
            .collect();
        assert_eq!(
            CHECKPOINTS.added_columns(&existing),
            ["ALTER TABLE consent_log_checkpoint ADD COLUMN signature TEXT NOT NULL"]
        );
        let all: Vec<String> = CHECKPOINTS.column_names().map(str::to_uppercase).collect();
        assert!(CHECKPOINTS.added_columns(&all).is_empty());
        assert!(
            CHECKPOINTS.added_columns(&[]).is_empty(),
            "a new table is whole"
        );
    }
}
