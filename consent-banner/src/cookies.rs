//! What the settings layer lists per category: the vendors and their cookies, with lifetimes,
//! from the built-in catalogue and the site's own rules.

use std::collections::HashMap;
use std::sync::OnceLock;

use consentry_config::{Catalogue, Category, CookieEntry, CookieRule, Lifetime};

/// One cookie in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedCookie {
    /// Its name, or a `*` glob.
    pub name: String,
    /// How long it lives, when known.
    pub lifetime: Option<Lifetime>,
}

/// A vendor and the cookies of one category it sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorCookies {
    /// The company or product; `None` for the site itself.
    pub vendor: Option<String>,
    /// Its cookies (none for a vendor known only by its scripts).
    pub cookies: Vec<ListedCookie>,
}

/// The vendors and cookies of a page, per category, in the order they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieList {
    groups: [Vec<VendorCookies>; 4],
}

/// The catalogue's cookies, indexed by vendor and by exact name; the globs apart.
struct Index {
    entries: Vec<CookieEntry>,
    by_vendor: HashMap<String, Vec<usize>>,
    exact: HashMap<String, usize>,
    globs: Vec<usize>,
}

impl Index {
    /// The entry for a cookie name: the exact name, else the first glob that matches.
    fn find(&self, name: &str) -> Option<&CookieEntry> {
        self.exact
            .get(name)
            .or_else(|| {
                self.globs
                    .iter()
                    .find(|&&i| glob_matches(&self.entries[i].name, name))
            })
            .map(|&i| &self.entries[i])
    }

    /// The entries of one vendor, in catalogue order.
    fn of_vendor(&self, vendor: &str) -> impl Iterator<Item = &CookieEntry> {
        self.by_vendor
            .get(vendor)
            .into_iter()
            .flatten()
            .map(|&i| &self.entries[i])
    }
}

/// The catalogue has thousands of cookies: a page's list looks them up, it never scans them.
fn catalogue() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let entries = Catalogue::builtin().map(|c| c.cookies).unwrap_or_default();
        let mut index = Index {
            by_vendor: HashMap::new(),
            exact: HashMap::new(),
            globs: Vec::new(),
            entries: Vec::new(),
        };
        for (i, entry) in entries.iter().enumerate() {
            index
                .by_vendor
                .entry(entry.vendor.clone())
                .or_default()
                .push(i);
            if entry.name.contains('*') {
                index.globs.push(i);
            } else {
                index.exact.entry(entry.name.clone()).or_insert(i);
            }
        }
        index.entries = entries;
        index
    })
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
fn glob_matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = parts.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Script vendors whose cookies the catalogue files under another name: the Google tag
/// (`gtag.js`) writes Google Analytics' cookies.
fn cookie_vendors(script_vendor: &str) -> &'static [&'static str] {
    match script_vendor {
        "Google tag" => &["Google Analytics"],
        _ => &[],
    }
}

impl CookieList {
    /// An empty list.
    pub fn new() -> CookieList {
        CookieList::default()
    }

    /// The vendors of `category`.
    pub fn of(&self, category: Category) -> &[VendorCookies] {
        &self.groups[usize::from(category.index())]
    }

    /// How many cookies `category` lists.
    pub fn count(&self, category: Category) -> usize {
        self.of(category).iter().map(|v| v.cookies.len()).sum()
    }

    fn has(&self, name: &str) -> bool {
        self.groups
            .iter()
            .flatten()
            .any(|v| v.cookies.iter().any(|c| c.name == name))
    }

    fn push(&mut self, category: Category, vendor: Option<&str>, cookie: Option<ListedCookie>) {
        let group = &mut self.groups[usize::from(category.index())];
        let entry = match group.iter().position(|v| v.vendor.as_deref() == vendor) {
            Some(i) => &mut group[i],
            None => {
                group.push(VendorCookies {
                    vendor: vendor.map(str::to_owned),
                    cookies: Vec::new(),
                });
                let last = group.len() - 1;
                &mut group[last]
            }
        };
        if let Some(cookie) = cookie {
            entry.cookies.push(cookie);
        }
    }

    /// Adds a vendor whose scripts or embeds are on the page, with its catalogued cookies;
    /// a vendor with none is listed under `category` by name alone.
    pub fn add_vendor(&mut self, vendor: &str, category: Category) {
        let mut any = false;
        let index = catalogue();
        let sets_for = cookie_vendors(vendor);
        for entry in std::iter::once(vendor)
            .chain(sets_for.iter().copied())
            .flat_map(|v| index.of_vendor(v))
        {
            any = true;
            if !self.has(&entry.name) {
                self.push(
                    entry.category,
                    Some(&entry.vendor),
                    Some(ListedCookie {
                        name: entry.name.clone(),
                        lifetime: Some(entry.lifetime),
                    }),
                );
            }
        }
        if !any
            && !self
                .groups
                .iter()
                .flatten()
                .any(|v| v.vendor.as_deref() == Some(vendor))
        {
            self.push(category, Some(vendor), None);
        }
    }

    /// Adds a cookie by name in `category`: under its catalogue vendor with its usual
    /// lifetime when the catalogue knows it, otherwise under the site itself.
    pub fn add_cookie(&mut self, name: &str, category: Category, lifetime: Option<Lifetime>) {
        if self.has(name) {
            return;
        }
        let known = catalogue().find(name);
        let (vendor, lifetime) = match known {
            Some(e) if e.category == category => {
                (Some(e.vendor.as_str()), lifetime.or(Some(e.lifetime)))
            }
            _ => (None, lifetime),
        };
        self.push(
            category,
            vendor,
            Some(ListedCookie {
                name: name.to_owned(),
                lifetime,
            }),
        );
    }

    /// Adds a cookie the site's server sets: under the catalogue's vendor when it is a known
    /// tracker cookie (a server-side pixel), otherwise under the site itself, whose cookie it
    /// is even when a framework gave it its name.
    pub fn add_set_by_site(&mut self, name: &str, category: Category, lifetime: Option<Lifetime>) {
        if self.has(name) {
            return;
        }
        let known = catalogue()
            .find(name)
            .filter(|e| e.category == category && category != Category::Necessary);
        let vendor = known.map(|e| e.vendor.as_str());
        let lifetime = lifetime.or(known.map(|e| e.lifetime));
        self.push(
            category,
            vendor,
            Some(ListedCookie {
                name: name.to_owned(),
                lifetime,
            }),
        );
    }

    /// Adds the site's own rules.
    pub fn add_rules(&mut self, rules: &[CookieRule]) {
        for rule in rules {
            self.add_cookie(&rule.pattern, rule.category, None);
        }
    }

    /// The cookie patterns of `category`, as listed.
    pub fn names(&self, category: Category) -> impl Iterator<Item = &str> {
        self.of(category)
            .iter()
            .flat_map(|v| v.cookies.iter().map(|c| c.name.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendors_bring_their_catalogued_cookies() {
        let mut list = CookieList::new();
        list.add_vendor("Google tag", Category::Analytics);
        list.add_vendor("Google Tag Manager", Category::Analytics);
        let names: Vec<&str> = list.names(Category::Analytics).collect();
        assert!(
            names.contains(&"_ga") && names.contains(&"_gid"),
            "{names:?}"
        );
        let ga = &list.of(Category::Analytics)[0];
        assert_eq!(ga.vendor.as_deref(), Some("Google Analytics"));
        assert_eq!(
            ga.cookies[0].lifetime.map(|l| l.to_string()).as_deref(),
            Some("2 years")
        );
        assert!(
            list.of(Category::Analytics)
                .iter()
                .any(|v| v.vendor.as_deref() == Some("Google Tag Manager")),
            "a vendor is listed, with the cookies the catalogue knows for it"
        );
        let mut list = CookieList::new();
        list.add_vendor("A vendor nobody catalogued", Category::Marketing);
        assert!(list.of(Category::Marketing)[0].cookies.is_empty());
    }

    #[test]
    fn cookies_by_name_find_their_vendor_or_belong_to_the_site() {
        let mut list = CookieList::new();
        list.add_cookie("_ga_ABC123", Category::Analytics, None);
        list.add_cookie("cart_id", Category::Necessary, None);
        list.add_cookie("cart_id", Category::Necessary, None);
        assert_eq!(
            list.of(Category::Analytics)[0].vendor.as_deref(),
            Some("Google Analytics")
        );
        assert_eq!(list.of(Category::Necessary)[0].vendor, None);
        assert_eq!(list.count(Category::Necessary), 1);
        list.add_set_by_site("session", Category::Necessary, None);
        list.add_set_by_site("_fbp", Category::Marketing, None);
        assert_eq!(
            list.of(Category::Necessary)[0].cookies.len(),
            2,
            "the site's own"
        );
        assert_eq!(
            list.of(Category::Marketing)[0].vendor.as_deref(),
            Some("Meta (Facebook)")
        );
    }

    #[test]
    fn globs_match_like_the_classifier() {
        assert!(glob_matches("_ga_*", "_ga_X1"));
        assert!(glob_matches("*_session", "laravel_session"));
        assert!(glob_matches("a*b*c", "a12b3c"));
        assert!(!glob_matches("_ga_*", "_gid"));
        assert!(!glob_matches("ab*ba", "aba"));
    }
}
