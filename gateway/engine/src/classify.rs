//! Classifying cookie names: the site's own rules first, then the catalogue, then the stated
//! fallback for names nobody knows.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::RwLock;

use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
use consentry_config::{Catalogue, Category, CookieEntry, CookieRule, UnknownCookies};

use crate::cookie_shape::{self, CookieShape, Lifetime};
use crate::glob::{glob_matches, is_glob};

/// Where a cookie's category came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// One of the site owner's rules.
    SiteRule,
    /// The built-in catalogue.
    Catalogue,
    /// Nobody knew the name: the configured fallback decided.
    Unclassified,
    /// Nobody knew the name: a confident guess from the cookie's own shape decided (see
    /// [`crate::cookie_shape`]). Reported as unclassified all the same.
    Guessed,
    /// The site owner classified it in the dashboard.
    Override,
}

impl Source {
    /// A short name for logs and reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::SiteRule => "site rule",
            Source::Catalogue => "catalogue",
            Source::Unclassified => "unclassified",
            Source::Guessed => "guessed",
            Source::Override => "override",
        }
    }
}

impl Source {
    /// Whether nobody stated the category (neither the owner nor the catalogue), so that the
    /// name is reported until someone does.
    pub const fn is_unclassified(self) -> bool {
        matches!(self, Source::Unclassified | Source::Guessed)
    }
}

/// A cookie's category and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classification {
    /// The category.
    pub category: Category,
    /// Where it came from.
    pub source: Source,
}

/// What a `Set-Cookie` says about how plainly functional an unknown cookie is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieTraits {
    /// Scripts cannot read it.
    pub http_only: bool,
    /// It has neither `Max-Age` nor `Expires`, or they have already passed.
    pub session: bool,
}

/// How many unknown names the classifier remembers as set by the origin as functional.
const LEARNED_CAP: usize = 4096;

/// Classifies cookie names for one site.
#[derive(Debug)]
pub struct CookieClassifier {
    exact_rules: HashMap<String, Category>,
    glob_rules: Vec<CookieRule>,
    exact_catalogue: HashMap<String, usize>,
    prefix_catalogue: PrefixIndex,
    glob_catalogue: Vec<usize>,
    entries: Vec<CookieEntry>,
    unknown: UnknownCookies,
    /// Unknown names that the origin set as `HttpOnly` or session cookies: in requests they
    /// count as necessary too, or the origin's own session would be cut off.
    learned_functional: RwLock<HashSet<String>>,
    /// Unknown names reported so far (each is reported once).
    flagged: RwLock<HashSet<String>>,
    /// How many distinct unknown names were reported.
    unclassified_seen: AtomicU64,
    /// The owner's classifications made in the dashboard: they win over everything else.
    overrides: RwLock<HashMap<String, Category>>,
    /// Whether there are any, so a site without overrides takes no lock per cookie.
    has_overrides: AtomicBool,
}

impl CookieClassifier {
    /// A classifier from the site's rules, the catalogue and the unknown-cookie policy.
    pub fn new(rules: &[CookieRule], catalogue: &Catalogue, unknown: UnknownCookies) -> Self {
        let mut exact_rules = HashMap::new();
        let mut glob_rules = Vec::new();
        for rule in rules {
            if is_glob(&rule.pattern) {
                glob_rules.push(rule.clone());
            } else {
                exact_rules
                    .entry(rule.pattern.clone())
                    .or_insert(rule.category);
            }
        }
        let entries = catalogue.cookies.clone();
        let mut exact_catalogue = HashMap::new();
        let mut prefixes = Vec::new();
        let mut glob_catalogue = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            match entry.name.strip_suffix('*') {
                Some(prefix) if !prefix.is_empty() && !is_glob(prefix) => {
                    prefixes.push((prefix, i))
                }
                _ if is_glob(&entry.name) => glob_catalogue.push(i),
                _ => {
                    exact_catalogue.insert(entry.name.clone(), i);
                }
            }
        }
        // The longest pattern is the most specific one.
        glob_catalogue.sort_by_key(|&i| std::cmp::Reverse(entries[i].name.len()));
        let prefix_catalogue = PrefixIndex::new(&prefixes);
        CookieClassifier {
            exact_rules,
            glob_rules,
            exact_catalogue,
            prefix_catalogue,
            glob_catalogue,
            entries,
            unknown,
            learned_functional: RwLock::new(HashSet::new()),
            flagged: RwLock::new(HashSet::new()),
            unclassified_seen: AtomicU64::new(0),
            overrides: RwLock::new(HashMap::new()),
            has_overrides: AtomicBool::new(false),
        }
    }

    /// The catalogue entry for `name`, if the catalogue knows it.
    ///
    /// An exact name wins; otherwise the longest pattern that matches: most catalogue globs
    /// are prefixes (`_hjSessionUser_*`), found in one anchored automaton pass, and the few
    /// others are tried longest first.
    pub fn catalogue_entry(&self, name: &str) -> Option<&CookieEntry> {
        if let Some(&i) = self.exact_catalogue.get(name) {
            return Some(&self.entries[i]);
        }
        let prefix = self.prefix_catalogue.longest(name);
        let glob = self
            .glob_catalogue
            .iter()
            .copied()
            .find(|&i| glob_matches(&self.entries[i].name, name));
        let best = match (prefix, glob) {
            (Some(p), Some(g)) if self.entries[g].name.len() > self.entries[p].name.len() => g,
            (Some(p), _) => p,
            (None, g) => g?,
        };
        Some(&self.entries[best])
    }

    /// The classification by the owner's overrides, the site's rules or the catalogue, if
    /// any of them knows the name.
    pub fn known(&self, name: &str) -> Option<Classification> {
        if self.has_overrides.load(Ordering::Relaxed) {
            let owner = self
                .overrides
                .read()
                .ok()
                .and_then(|o| o.get(name).copied());
            if let Some(category) = owner {
                return Some(Classification {
                    category,
                    source: Source::Override,
                });
            }
        }
        if let Some(&category) = self.exact_rules.get(name) {
            return Some(Classification {
                category,
                source: Source::SiteRule,
            });
        }
        if let Some(rule) = self
            .glob_rules
            .iter()
            .find(|r| glob_matches(&r.pattern, name))
        {
            return Some(Classification {
                category: rule.category,
                source: Source::SiteRule,
            });
        }
        self.catalogue_entry(name).map(|entry| Classification {
            category: entry.category,
            source: Source::Catalogue,
        })
    }

    /// Classifies a cookie that arrived in a request's `Cookie` header.
    pub fn for_request(&self, name: &str) -> Classification {
        if let Some(known) = self.known(name) {
            return known;
        }
        let category = match self.unknown {
            UnknownCookies::Always(category) => category,
            UnknownCookies::Traits { fallback } => {
                if self.was_learned_functional(name) {
                    Category::Necessary
                } else {
                    fallback
                }
            }
            UnknownCookies::Auto { fallback } => {
                if self.was_learned_functional(name) {
                    Category::Necessary
                } else if let Some(category) = cookie_shape::decide_by_name(name) {
                    return Classification {
                        category,
                        source: Source::Guessed,
                    };
                } else {
                    fallback
                }
            }
        };
        Classification {
            category,
            source: Source::Unclassified,
        }
    }

    /// Classifies a cookie the origin sets, of which only the name and two flags are known
    /// (see [`CookieClassifier::for_set_cookie_shape`]).
    pub fn for_set_cookie(&self, name: &str, traits: CookieTraits) -> (Classification, bool) {
        let lifetime = if traits.session {
            Lifetime::Session
        } else {
            Lifetime::Unknown
        };
        self.for_set_cookie_shape(&CookieShape {
            http_only: traits.http_only,
            lifetime,
            ..CookieShape::named(name)
        })
    }

    /// Classifies a cookie the origin sets, using what it shows for unknown names. Returns the
    /// classification and whether this unknown name is seen for the first time.
    pub fn for_set_cookie_shape(&self, shape: &CookieShape<'_>) -> (Classification, bool) {
        let name = shape.name;
        if let Some(known) = self.known(name) {
            return (known, false);
        }
        let by_flags = |fallback| {
            if shape.http_only || shape.lifetime == Lifetime::Session {
                Category::Necessary
            } else {
                fallback
            }
        };
        let (category, source) = match self.unknown {
            UnknownCookies::Always(category) => (category, Source::Unclassified),
            UnknownCookies::Traits { fallback } => (by_flags(fallback), Source::Unclassified),
            UnknownCookies::Auto { fallback } => match cookie_shape::confident(shape) {
                Some(category) => (category, Source::Guessed),
                None => (by_flags(fallback), Source::Unclassified),
            },
        };
        let first_time = if category == Category::Necessary {
            self.learn_functional(name)
        } else {
            false
        };
        (Classification { category, source }, first_time)
    }

    /// Remembers names the origin set as functional earlier (kept by the host across
    /// restarts), so they pass in requests from the start.
    pub fn remember_functional<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        for name in names {
            self.learn_functional(name);
        }
    }

    /// How many distinct unknown cookie names were reported (see
    /// [`CookieClassifier::flag_unclassified`]).
    pub fn unclassified_count(&self) -> u64 {
        self.unclassified_seen.load(Ordering::Relaxed)
    }

    /// Notes an unknown name, set by the origin or arriving in a request; true the first time,
    /// when it is to be reported (and counted). Names given a category since then are not
    /// reported.
    pub fn flag_unclassified(&self, name: &str) -> bool {
        if self.known(name).is_some() {
            return false;
        }
        if self
            .flagged
            .read()
            .map(|set| set.contains(name))
            .unwrap_or(true)
        {
            return false;
        }
        let first = match self.flagged.write() {
            Ok(mut set) if set.len() < LEARNED_CAP => set.insert(name.to_owned()),
            _ => false,
        };
        if first {
            self.unclassified_seen.fetch_add(1, Ordering::Relaxed);
        }
        first
    }

    /// Notes names reported before a restart (the cookie inventory keeps them), so they are
    /// not reported again.
    pub fn already_flagged<'a>(&self, names: impl IntoIterator<Item = &'a str>) {
        if let Ok(mut set) = self.flagged.write() {
            for name in names {
                if set.len() >= LEARNED_CAP {
                    break;
                }
                set.insert(name.to_owned());
            }
        }
    }

    /// Whether the origin set this unknown name as functional (`HttpOnly` or session), so it
    /// counts as necessary.
    pub fn is_learned(&self, name: &str) -> bool {
        self.was_learned_functional(name)
    }

    /// The owner's classification of `name`, made in the dashboard: it wins over the site's
    /// rules, the catalogue and the fallback from now on. `None` removes it.
    pub fn set_override(&self, name: &str, category: Option<Category>) {
        if let Ok(mut overrides) = self.overrides.write() {
            match category {
                Some(category) => {
                    if overrides.len() < LEARNED_CAP || overrides.contains_key(name) {
                        overrides.insert(name.to_owned(), category);
                    }
                }
                None => {
                    overrides.remove(name);
                }
            }
            self.has_overrides
                .store(!overrides.is_empty(), Ordering::Relaxed);
        }
    }

    fn was_learned_functional(&self, name: &str) -> bool {
        self.learned_functional
            .read()
            .map(|set| set.contains(name))
            .unwrap_or(false)
    }

    fn learn_functional(&self, name: &str) -> bool {
        if self.was_learned_functional(name) {
            return false;
        }
        match self.learned_functional.write() {
            Ok(mut set) if set.len() < LEARNED_CAP => set.insert(name.to_owned()),
            _ => false,
        }
    }
}

/// Cookie-name prefixes (`name*` globs) in one anchored automaton.
#[derive(Debug)]
struct PrefixIndex {
    automaton: Option<AhoCorasick>,
    entries: Vec<usize>,
}

impl PrefixIndex {
    fn new(prefixes: &[(&str, usize)]) -> PrefixIndex {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .build(prefixes.iter().map(|(p, _)| p))
            .ok();
        PrefixIndex {
            automaton,
            entries: prefixes.iter().map(|&(_, i)| i).collect(),
        }
    }

    /// The entry of the longest prefix of `name`, if any.
    fn longest(&self, name: &str) -> Option<usize> {
        let automaton = self.automaton.as_ref()?;
        let found = automaton
            .find(Input::new(name).anchored(Anchored::Yes))
            .map(|m| self.entries[m.pattern().as_usize()]);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::parse(
            r#"
[[cookie]]
name = "_ga"
vendor = "Google Analytics"
category = "analytics"
purpose = "Counts visitors."
lifetime = "2 years"

[[cookie]]
name = "_ga_*"
vendor = "Google Analytics"
category = "analytics"
purpose = "Keeps session state."
lifetime = "2 years"

[[cookie]]
name = "PHPSESSID"
vendor = "PHP"
category = "necessary"
purpose = "Session."
lifetime = "session"
"#,
            "[[tracker]]\nhost = \"t.test\"\nvendor = \"T\"\ncategory = \"marketing\"\n",
        )
        .expect("test catalogue")
    }

    #[test]
    fn site_rules_win_over_the_catalogue() {
        let rules = vec![CookieRule {
            pattern: "_ga_*".into(),
            category: Category::Marketing,
        }];
        let c = CookieClassifier::new(&rules, &catalogue(), UnknownCookies::default());
        assert_eq!(c.for_request("_ga_XYZ").category, Category::Marketing);
        assert_eq!(c.for_request("_ga_XYZ").source, Source::SiteRule);
        assert_eq!(c.for_request("_ga").category, Category::Analytics);
        assert_eq!(c.for_request("PHPSESSID").source, Source::Catalogue);
    }

    #[test]
    fn unknown_cookies_follow_the_traits_policy() {
        let traits_only = UnknownCookies::Traits {
            fallback: Category::Marketing,
        };
        let c = CookieClassifier::new(&[], &catalogue(), traits_only);
        let readable_long_lived = CookieTraits {
            http_only: false,
            session: false,
        };
        let http_only = CookieTraits {
            http_only: true,
            session: false,
        };
        let (class, _) = c.for_set_cookie("tracker_id", readable_long_lived);
        assert_eq!(class.category, Category::Marketing);
        assert_eq!(c.for_request("app_sess").category, Category::Marketing);
        let (class, first) = c.for_set_cookie("app_sess", http_only);
        assert_eq!(
            (class.category, class.source, first),
            (Category::Necessary, Source::Unclassified, true)
        );
        let (_, again) = c.for_set_cookie("app_sess", http_only);
        assert!(!again, "learnt once");
        assert!(c.flag_unclassified("app_sess"));
        assert!(!c.flag_unclassified("app_sess"), "reported once");
        assert!(!c.flag_unclassified("_ga"), "known names are not reported");
        assert_eq!(c.unclassified_count(), 1);
        assert_eq!(c.for_request("app_sess").category, Category::Necessary);
    }

    #[test]
    fn unknown_cookies_are_guessed_from_their_shape() {
        let c = CookieClassifier::new(&[], &catalogue(), UnknownCookies::default());
        // A cart kept for a year and readable by scripts passes, and passes in requests.
        let cart = CookieShape {
            lifetime: Lifetime::Seconds(365 * 86_400),
            ..CookieShape::named("shop_cart")
        };
        let (class, first) = c.for_set_cookie_shape(&cart);
        assert_eq!(
            (class.category, class.source, first),
            (Category::Necessary, Source::Guessed, true)
        );
        assert_eq!(c.for_request("shop_cart").category, Category::Necessary);
        assert!(
            c.flag_unclassified("shop_cart"),
            "a guess is still reported"
        );
        // A visitor id dressed as an HttpOnly session cookie waits for consent.
        let disguised = CookieTraits {
            http_only: true,
            session: true,
        };
        let (class, first) = c.for_set_cookie("_uid", disguised);
        assert!(matches!(
            class.category,
            Category::Analytics | Category::Marketing
        ));
        assert!(!first && !c.is_learned("_uid"));
        assert_ne!(c.for_request("_uid").category, Category::Necessary);
    }

    #[test]
    fn the_owners_overrides_win_and_apply_at_once() {
        let c = CookieClassifier::new(&[], &catalogue(), UnknownCookies::default());
        c.set_override("app_pref", Some(Category::Preferences));
        c.set_override("_ga", Some(Category::Marketing));
        assert_eq!(
            c.for_request("app_pref"),
            Classification {
                category: Category::Preferences,
                source: Source::Override
            }
        );
        assert_eq!(c.for_request("_ga").category, Category::Marketing);
        assert!(!c.flag_unclassified("app_pref"));
        c.set_override("_ga", None);
        assert_eq!(c.for_request("_ga").source, Source::Catalogue);
    }

    #[test]
    fn unknown_cookies_can_have_one_fixed_category() {
        let c = CookieClassifier::new(
            &[],
            &catalogue(),
            UnknownCookies::Always(Category::Preferences),
        );
        let (class, _) = c.for_set_cookie(
            "x",
            CookieTraits {
                http_only: true,
                session: true,
            },
        );
        assert_eq!(class.category, Category::Preferences);
    }
}
