//! Recording cookies in memory as requests pass: a sharded map per site (`dashmap`) that the
//! host drains into the store. A cookie already seen since the last drain costs a lookup by
//! name and, at most, a path added; memory stays bounded by [`MAX_COOKIES_PER_SITE`] names per
//! site and [`MAX_PATHS`] paths per name.

use std::collections::HashMap;

use consentry_config::Category;
use dashmap::DashMap;

use super::{source_name, CookieLifetime, CookieRow, SetBy, SetCookieSeen};
use crate::SiteEngine;

/// Distinct cookie names kept per site between two drains; past this, new names wait for
/// the next drain.
pub const MAX_COOKIES_PER_SITE: usize = 2_000;
/// Example paths kept per cookie.
pub const MAX_PATHS: usize = 5;
/// Longest path kept (longer ones are cut at a character boundary).
const MAX_PATH_LEN: usize = 200;

#[derive(Debug, Clone)]
struct Sighting {
    set_by_origin: bool,
    attributes: Option<SetCookieSeen>,
    category: Category,
    source: &'static str,
    first_seen: u64,
    last_seen: u64,
    paths: Vec<Box<str>>,
}

/// The cookies seen since the last drain, per site, of one gateway (or Worker isolate).
#[derive(Debug, Default)]
pub struct CookieInventory {
    sites: HashMap<Box<str>, DashMap<Box<str>, Sighting>>,
}

impl CookieInventory {
    /// An empty inventory for these sites (by name).
    pub fn new<'a>(sites: impl IntoIterator<Item = &'a str>) -> CookieInventory {
        CookieInventory {
            sites: sites
                .into_iter()
                .map(|name| (Box::from(name), DashMap::new()))
                .collect(),
        }
    }

    /// Records the cookies a request carried (`CookieFilter::names`) on `path_and_query`.
    pub fn saw_in_request(
        &self,
        site: &SiteEngine,
        names: &[String],
        path_and_query: &str,
        now: u64,
    ) {
        let Some(map) = self.sites.get(site.site().name.as_str()) else {
            return;
        };
        let path = example_path(path_and_query);
        for name in names {
            if let Some(mut seen) = map.get_mut(name.as_str()) {
                seen.last_seen = now;
                add_path(&mut seen.paths, path);
                continue;
            }
            if map.len() >= MAX_COOKIES_PER_SITE {
                continue;
            }
            let classifier = site.classifier();
            let class = classifier.for_request(name);
            map.entry(name.as_str().into()).or_insert_with(|| Sighting {
                set_by_origin: false,
                attributes: None,
                category: class.category,
                source: source_name(classifier, name, class),
                first_seen: now,
                last_seen: now,
                paths: vec![path.into()],
            });
        }
    }

    /// Records the cookies an origin's response set (`SetCookieFilter::cookies`) on
    /// `path_and_query`.
    pub fn saw_set(
        &self,
        site: &SiteEngine,
        cookies: &[SetCookieSeen],
        path_and_query: &str,
        now: u64,
    ) {
        let Some(map) = self.sites.get(site.site().name.as_str()) else {
            return;
        };
        let path = example_path(path_and_query);
        let classifier = site.classifier();
        for cookie in cookies {
            let class = classifier.for_request(&cookie.name);
            let source = source_name(classifier, &cookie.name, class);
            if let Some(mut seen) = map.get_mut(cookie.name.as_str()) {
                seen.last_seen = now;
                seen.set_by_origin = true;
                seen.category = class.category;
                seen.source = source;
                if seen.attributes.as_ref() != Some(cookie) {
                    seen.attributes = Some(cookie.clone());
                }
                add_path(&mut seen.paths, path);
                continue;
            }
            if map.len() >= MAX_COOKIES_PER_SITE {
                continue;
            }
            map.entry(cookie.name.as_str().into())
                .or_insert_with(|| Sighting {
                    set_by_origin: true,
                    attributes: Some(cookie.clone()),
                    category: class.category,
                    source,
                    first_seen: now,
                    last_seen: now,
                    paths: vec![path.into()],
                });
        }
    }

    /// Takes everything seen since the last drain, as rows to merge into the store.
    pub fn drain(&self) -> Vec<CookieRow> {
        let mut rows = Vec::new();
        for (site, map) in &self.sites {
            let names: Vec<Box<str>> = map.iter().map(|e| e.key().clone()).collect();
            for name in names {
                if let Some((name, seen)) = map.remove(&name) {
                    rows.push(row(site, name.into(), seen));
                }
            }
        }
        rows
    }

    /// Puts rows back that could not be stored, so the next drain carries them.
    pub fn restore(&self, rows: Vec<CookieRow>) {
        for stored in rows {
            let Some(map) = self.sites.get(stored.site.as_str()) else {
                continue;
            };
            let name: Box<str> = stored.name.as_str().into();
            // What was seen since the failed drain is newer than the rows put back.
            let mut merged = stored;
            if let Some((_, seen)) = map.remove(&name) {
                merged.absorb(&row(&merged.site, merged.name.clone(), seen));
            }
            merged.paths.truncate(MAX_PATHS);
            map.insert(name, sighting(merged));
        }
    }

    /// Whether nothing waits to be drained.
    pub fn is_empty(&self) -> bool {
        self.sites.values().all(DashMap::is_empty)
    }
}

fn row(site: &str, name: String, seen: Sighting) -> CookieRow {
    let set_by = if seen.set_by_origin {
        SetBy::Origin
    } else {
        SetBy::Script
    };
    let attributes = seen.attributes.unwrap_or(SetCookieSeen {
        name: String::new(),
        domain: String::new(),
        path: String::new(),
        lifetime: CookieLifetime::Unknown,
        max_age: None,
        http_only: false,
        secure: false,
        same_site: String::new(),
    });
    CookieRow {
        site: site.to_owned(),
        name,
        set_by,
        domain: attributes.domain,
        path: attributes.path,
        lifetime: attributes.lifetime,
        http_only: attributes.http_only,
        secure: attributes.secure,
        same_site: attributes.same_site,
        category: seen.category,
        source: seen.source.to_owned(),
        first_seen: seen.first_seen,
        last_seen: seen.last_seen,
        paths: seen.paths.into_iter().map(String::from).collect(),
    }
}

fn sighting(row: CookieRow) -> Sighting {
    let set_by_origin = row.set_by == SetBy::Origin;
    Sighting {
        set_by_origin,
        attributes: set_by_origin.then(|| SetCookieSeen {
            name: row.name.clone(),
            domain: row.domain,
            path: row.path,
            lifetime: row.lifetime,
            max_age: None,
            http_only: row.http_only,
            secure: row.secure,
            same_site: row.same_site,
        }),
        category: row.category,
        source: static_source(&row.source),
        first_seen: row.first_seen,
        last_seen: row.last_seen,
        paths: row.paths.into_iter().map(Box::from).collect(),
    }
}

fn static_source(source: &str) -> &'static str {
    ["site rule", "catalogue", "override", "learned", "guessed"]
        .into_iter()
        .find(|s| *s == source)
        .unwrap_or("fallback")
}

/// The path of a request without its query (which may hold anything), cut to a bounded
/// length.
fn example_path(path_and_query: &str) -> &str {
    let path = path_and_query.split(['?', '#']).next().unwrap_or("/");
    if path.len() <= MAX_PATH_LEN {
        return path;
    }
    let mut end = MAX_PATH_LEN;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    &path[..end]
}

fn add_path(paths: &mut Vec<Box<str>>, path: &str) {
    if paths.len() < MAX_PATHS && !paths.iter().any(|p| &**p == path) {
        paths.push(path.into());
    }
}
