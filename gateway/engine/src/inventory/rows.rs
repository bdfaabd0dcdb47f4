//! The inventory's one mapping between rows and [`CookieRow`]s and [`CookieOverride`]s, by
//! column name ([`crate::schema::COOKIE_INVENTORY`], [`crate::schema::COOKIE_OVERRIDES`]),
//! for every backend; and how a flush merges into what a writer stored.

use std::collections::{HashMap, HashSet};

use consentry_config::Category;

use super::{CookieLifetime, CookieOverride, CookieRow, SetBy};
use crate::schema::{COOKIE_INVENTORY, COOKIE_OVERRIDES};
use crate::storage::row::{Row, Value};
use crate::storage::StoreError;

/// A `cookie_inventory` row.
pub fn cookie_from(row: &impl Row) -> Result<CookieRow, StoreError> {
    Ok(CookieRow {
        site: row.text("site")?,
        name: row.text("name")?,
        set_by: SetBy::from_name(&row.text("set_by")?),
        domain: row.text("domain")?,
        path: row.text("path")?,
        lifetime: CookieLifetime::from_code(row.int("lifetime")?),
        http_only: row.flag("http_only")?,
        secure: row.flag("secure")?,
        same_site: row.text("same_site")?,
        category: row.parsed("category", str::parse::<Category>)?,
        source: row.text("source")?,
        first_seen: row.int_as("first_seen")?,
        last_seen: row.int_as("last_seen")?,
        paths: row
            .text("paths")?
            .lines()
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// The parameters of [`crate::schema::UPSERT_COOKIE`]: `row` as `writer`'s.
pub fn cookie_values<'a>(
    row: &'a CookieRow,
    writer: &'a str,
) -> Result<Vec<Value<'a>>, StoreError> {
    COOKIE_INVENTORY.values(|column| {
        Some(match column {
            "site" => (&row.site).into(),
            "name" => (&row.name).into(),
            "writer" => writer.into(),
            "set_by" => row.set_by.as_str().into(),
            "domain" => (&row.domain).into(),
            "path" => (&row.path).into(),
            "lifetime" => row.lifetime.code().into(),
            "http_only" => row.http_only.into(),
            "secure" => row.secure.into(),
            "same_site" => (&row.same_site).into(),
            "category" => row.category.as_str().into(),
            "source" => (&row.source).into(),
            "first_seen" => row.first_seen.into(),
            "last_seen" => row.last_seen.into(),
            "paths" => row.paths.join("\n").into(),
            _ => return None,
        })
    })
}

/// A `cookie_overrides` row.
pub fn override_from(row: &impl Row) -> Result<CookieOverride, StoreError> {
    Ok(CookieOverride {
        site: row.text("site")?,
        name: row.text("name")?,
        category: row.parsed("category", str::parse::<Category>)?,
        purpose: row.text("purpose")?,
        by: row.text("by_user")?,
        at: row.int_as("at")?,
    })
}

/// The parameters of [`crate::schema::UPSERT_COOKIE_OVERRIDE`].
pub fn override_values(entry: &CookieOverride) -> Result<Vec<Value<'_>>, StoreError> {
    COOKIE_OVERRIDES.values(|column| {
        Some(match column {
            "site" => (&entry.site).into(),
            "name" => (&entry.name).into(),
            "category" => entry.category.as_str().into(),
            "purpose" => (&entry.purpose).into(),
            "by_user" => (&entry.by).into(),
            "at" => entry.at.into(),
            _ => return None,
        })
    })
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
