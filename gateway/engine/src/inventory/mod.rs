//! The cookie inventory: every cookie a site's origin sets and every cookie that arrives in
//! requests without the origin having set it (scripts set those), with its attributes, when
//! it was first and last seen, a few paths it was seen on, and its category and where that
//! came from. From it, the catalogue and the owner's classifications comes the cookie
//! declaration a privacy statement embeds ([`declaration`]).
//!
//! Recording adds no I/O to a request: the hosts hand what
//! [`crate::SiteEngine::prepare_request`] and [`crate::SiteEngine::prepare_response`] parsed to
//! a [`CookieInventory`] in memory, and drain it into the store ([`InventoryStore`]) with the
//! analytics. Like the analytics, rows are kept per writer (one gateway process or Worker
//! isolate), so writers never contend for a row; readers merge them ([`merge_writers`]).

mod collector;
pub mod declaration;
mod rows;
mod texts;
mod words;

#[cfg(test)]
mod tests;

pub use collector::{CookieInventory, MAX_COOKIES_PER_SITE, MAX_PATHS};
pub use declaration::{DeclarationFormat, DeclaredCookie, DECLARATION_PATH};
pub use rows::{
    cookie_from, cookie_values, merged_for_writer, override_from, override_values,
    MAX_SCRIPT_COOKIES_STORED,
};
pub use words::lifetime_in_words;

pub use crate::set_cookie::{CookieLifetime, SetCookieSeen};

use consentry_config::Category;
use serde::Serialize;

use crate::classify::{Classification, CookieClassifier, Source};
use crate::storage::{MaybeSendSync, StoreFuture};

/// Who sets a cookie, as far as the gateway can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SetBy {
    /// The origin, with `Set-Cookie`.
    Origin,
    /// Not the origin: it only arrived in requests, so a script (or another subdomain) set it.
    Script,
    /// The gateway itself (the consent cookie).
    Gateway,
}

impl SetBy {
    /// The name stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            SetBy::Origin => "origin",
            SetBy::Script => "script",
            SetBy::Gateway => "gateway",
        }
    }

    /// The value for a stored name (`script` for anything unknown).
    pub fn from_name(name: &str) -> SetBy {
        match name {
            "origin" => SetBy::Origin,
            "gateway" => SetBy::Gateway,
            _ => SetBy::Script,
        }
    }
}

/// One cookie of a site in the inventory: as drained from memory, stored per writer, and
/// merged for reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieRow {
    /// The site's name.
    pub site: String,
    /// The cookie's name.
    pub name: String,
    /// Who sets it.
    pub set_by: SetBy,
    /// Its last `Set-Cookie`'s `Domain` (empty: host-only, or not known).
    pub domain: String,
    /// Its last `Set-Cookie`'s `Path` (empty: not known).
    pub path: String,
    /// Its lifetime.
    pub lifetime: CookieLifetime,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite`, empty when not given or not known.
    pub same_site: String,
    /// Its category when last seen.
    pub category: Category,
    /// Where the category came from: `site rule`, `catalogue`, `override`, `guessed` (an
    /// unknown cookie whose shape settled it), `learned` (an unknown cookie the origin set
    /// `HttpOnly` or for the session) or `fallback`.
    pub source: String,
    /// First seen, in seconds since the epoch.
    pub first_seen: u64,
    /// Last seen.
    pub last_seen: u64,
    /// Up to [`MAX_PATHS`] paths (without query) it was seen on.
    pub paths: Vec<String>,
}

impl CookieRow {
    /// Whether nobody stated its category: neither the owner (rules, dashboard) nor the
    /// catalogue.
    pub fn is_unclassified(&self) -> bool {
        matches!(self.source.as_str(), "learned" | "guessed" | "fallback")
    }

    /// Takes in a row of the same cookie: first and last seen widen, paths join (up to
    /// [`MAX_PATHS`]), the newer category holds, and the attributes of the newer `Set-Cookie`
    /// hold (a cookie the origin set keeps its attributes when later seen only in requests).
    pub fn absorb(&mut self, other: &CookieRow) {
        let other_newer = other.last_seen >= self.last_seen;
        let take_attributes = match (self.set_by, other.set_by) {
            (SetBy::Origin, SetBy::Origin) => other_newer,
            (_, SetBy::Origin) | (_, SetBy::Gateway) => true,
            (SetBy::Script, SetBy::Script) => other_newer,
            _ => false,
        };
        if take_attributes {
            self.set_by = other.set_by;
            self.domain.clone_from(&other.domain);
            self.path.clone_from(&other.path);
            self.lifetime = other.lifetime;
            self.http_only = other.http_only;
            self.secure = other.secure;
            self.same_site.clone_from(&other.same_site);
        }
        if other_newer {
            self.category = other.category;
            self.source.clone_from(&other.source);
        }
        self.first_seen = self.first_seen.min(other.first_seen);
        self.last_seen = self.last_seen.max(other.last_seen);
        for path in &other.paths {
            if self.paths.len() >= MAX_PATHS {
                break;
            }
            if !self.paths.contains(path) {
                self.paths.push(path.clone());
            }
        }
    }
}

/// Every writer's rows merged into one per cookie, by name.
pub fn merge_writers(mut rows: Vec<CookieRow>) -> Vec<CookieRow> {
    rows.sort_by(|a, b| {
        (a.site.as_str(), a.name.as_str(), a.last_seen).cmp(&(
            b.site.as_str(),
            b.name.as_str(),
            b.last_seen,
        ))
    });
    let mut merged: Vec<CookieRow> = Vec::with_capacity(rows.len());
    for row in rows {
        match merged.last_mut() {
            Some(last) if last.site == row.site && last.name == row.name => last.absorb(&row),
            _ => merged.push(row),
        }
    }
    for row in &mut merged {
        row.paths.truncate(MAX_PATHS);
    }
    merged
}

/// The owner's classification of one cookie, made in the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CookieOverride {
    /// The site's name.
    pub site: String,
    /// The cookie's name.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// What it is for, in the owner's words (empty: the catalogue's, or the category's).
    pub purpose: String,
    /// The account that classified it.
    pub by: String,
    /// When (seconds since the epoch).
    pub at: u64,
}

/// Where a classification came from, as the inventory names it.
pub fn source_name(
    classifier: &CookieClassifier,
    name: &str,
    class: Classification,
) -> &'static str {
    match class.source {
        Source::SiteRule => "site rule",
        Source::Catalogue => "catalogue",
        Source::Override => "override",
        Source::Guessed => "guessed",
        Source::Unclassified if classifier.is_learned(name) => "learned",
        Source::Unclassified => "fallback",
    }
}

/// Where the inventory and the owner's classifications are kept: the same store as the
/// consent log. Rows are added per `writer`, as the analytics are.
pub trait InventoryStore: MaybeSendSync {
    /// Merges `rows` into `writer`'s rows (see [`CookieRow::absorb`]), in one transaction.
    fn add_cookies<'a>(&'a self, writer: &'a str, rows: &'a [CookieRow]) -> StoreFuture<'a, ()>;

    /// Every writer's rows of one site (merge them with [`merge_writers`]).
    fn cookie_rows<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieRow>>;

    /// Keeps the owner's classification of a cookie, replacing an earlier one.
    fn set_cookie_override<'a>(&'a self, entry: &'a CookieOverride) -> StoreFuture<'a, ()>;

    /// The owner's classifications of one site.
    fn cookie_overrides<'a>(&'a self, site: &'a str) -> StoreFuture<'a, Vec<CookieOverride>>;
}

/// One site's inventory as stored: every writer's rows merged, and the owner's
/// classifications.
pub async fn site_inventory<S: InventoryStore + ?Sized>(
    store: &S,
    site: &str,
) -> Result<(Vec<CookieRow>, Vec<CookieOverride>), crate::storage::StoreError> {
    let rows = merge_writers(store.cookie_rows(site).await?);
    let overrides = store.cookie_overrides(site).await?;
    Ok((rows, overrides))
}
