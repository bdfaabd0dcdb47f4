//! The inventory's rows as every backend reads and writes them: SQLite, PostgreSQL and D1
//! each bind their own types, and meet here in the types all three have.

use std::collections::{HashMap, HashSet};

use consentry_config::Category;

use super::{CookieLifetime, CookieOverride, CookieRow, SetBy};
use crate::store::StoreError;

/// A `cookie_inventory` row in the database's types (columns of
/// [`crate::schema::COOKIE_COLUMNS`], in order).
#[derive(Debug, Clone)]
pub struct StoredCookie {
    /// `site`.
    pub site: String,
    /// `name`.
    pub name: String,
    /// `set_by`.
    pub set_by: String,
    /// `domain`.
    pub domain: String,
    /// `path`.
    pub path: String,
    /// `lifetime` (see [`CookieLifetime::code`]).
    pub lifetime: i64,
    /// `http_only`.
    pub http_only: i64,
    /// `secure`.
    pub secure: i64,
    /// `same_site`.
    pub same_site: String,
    /// `category`.
    pub category: String,
    /// `source`.
    pub source: String,
    /// `first_seen`.
    pub first_seen: i64,
    /// `last_seen`.
    pub last_seen: i64,
    /// `paths`, one per line.
    pub paths: String,
}

impl StoredCookie {
    /// The row as the engine works with it.
    pub fn into_row(self) -> Result<CookieRow, StoreError> {
        let category = self
            .category
            .parse::<Category>()
            .map_err(|e| StoreError::Database(format!("cookie_inventory {}: {e}", self.name)))?;
        Ok(CookieRow {
            site: self.site,
            name: self.name,
            set_by: SetBy::from_name(&self.set_by),
            domain: self.domain,
            path: self.path,
            lifetime: CookieLifetime::from_code(self.lifetime),
            http_only: self.http_only != 0,
            secure: self.secure != 0,
            same_site: self.same_site,
            category,
            source: self.source,
            first_seen: self.first_seen.max(0).unsigned_abs(),
            last_seen: self.last_seen.max(0).unsigned_abs(),
            paths: self
                .paths
                .lines()
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }

    /// The row in the database's types.
    pub fn from_row(row: &CookieRow) -> StoredCookie {
        StoredCookie {
            site: row.site.clone(),
            name: row.name.clone(),
            set_by: row.set_by.as_str().to_owned(),
            domain: row.domain.clone(),
            path: row.path.clone(),
            lifetime: row.lifetime.code(),
            http_only: i64::from(row.http_only),
            secure: i64::from(row.secure),
            same_site: row.same_site.clone(),
            category: row.category.as_str().to_owned(),
            source: row.source.clone(),
            first_seen: seconds(row.first_seen),
            last_seen: seconds(row.last_seen),
            paths: row.paths.join("\n"),
        }
    }
}

/// A `cookie_overrides` row in the database's types.
#[derive(Debug, Clone)]
pub struct StoredOverride {
    /// `site`.
    pub site: String,
    /// `name`.
    pub name: String,
    /// `category`.
    pub category: String,
    /// `purpose`.
    pub purpose: String,
    /// `by_user`.
    pub by: String,
    /// `at`.
    pub at: i64,
}

impl StoredOverride {
    /// The override as the engine works with it.
    pub fn into_override(self) -> Result<CookieOverride, StoreError> {
        let category = self
            .category
            .parse::<Category>()
            .map_err(|e| StoreError::Database(format!("cookie_overrides {}: {e}", self.name)))?;
        Ok(CookieOverride {
            site: self.site,
            name: self.name,
            category,
            purpose: self.purpose,
            by: self.by,
            at: self.at.max(0).unsigned_abs(),
        })
    }
}

/// Seconds since the epoch as a `BIGINT`.
pub(crate) fn seconds(at: u64) -> i64 {
    i64::try_from(at).unwrap_or(i64::MAX)
}

/// Distinct names seen only in requests (set by scripts, or sent by anyone) that the store
/// keeps per site, over every writer. The names in a `Cookie` header are the visitor's to
/// choose: without a bound, a client sending new names on every request would grow the
/// inventory for ever. Cookies the origin sets are not bounded (the origin is the site's).
pub const MAX_SCRIPT_COOKIES_STORED: usize = 1_000;

/// The rows of `writer` already stored, merged with the `rows` of a drain: what to write
/// back. Both may hold several sites.
/// `script_cookies` gives, per site, the distinct names seen only in requests that the store
/// already holds (any writer): a new such name is written only while that stays under
/// [`MAX_SCRIPT_COOKIES_STORED`], and the names refused are logged.
pub fn merged_for_writer(
    stored: Vec<CookieRow>,
    rows: &[CookieRow],
    script_cookies: &HashMap<String, usize>,
) -> Vec<CookieRow> {
    let mut by_name: HashMap<(String, String), CookieRow> = stored
        .into_iter()
        .map(|r| ((r.site.clone(), r.name.clone()), r))
        .collect();
    let mut touched = Vec::with_capacity(rows.len());
    let mut seen = HashSet::with_capacity(rows.len());
    let mut scripts: HashMap<&str, usize> = HashMap::new();
    let mut refused = 0;
    for row in rows {
        let key = (row.site.clone(), row.name.clone());
        match by_name.get_mut(&key) {
            Some(before) => before.absorb(row),
            None if row.set_by == SetBy::Script => {
                let count = scripts
                    .entry(row.site.as_str())
                    .or_insert_with(|| script_cookies.get(&row.site).copied().unwrap_or(0));
                if *count >= MAX_SCRIPT_COOKIES_STORED {
                    refused += 1;
                    continue;
                }
                *count += 1;
                by_name.insert(key.clone(), row.clone());
            }
            None => {
                by_name.insert(key.clone(), row.clone());
            }
        }
        if seen.insert(key.clone()) {
            touched.push(key);
        }
    }
    if refused > 0 {
        tracing::warn!(
            refused,
            limit = MAX_SCRIPT_COOKIES_STORED,
            "new cookie names seen only in requests were not added to the inventory: it holds the most it keeps"
        );
    }
    touched
        .into_iter()
        .filter_map(|key| by_name.remove(&key))
        .map(|mut row| {
            row.paths.truncate(super::MAX_PATHS);
            row
        })
        .collect()
}
