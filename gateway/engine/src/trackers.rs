//! Recognising trackers: by the host a script, frame, image or link points at, by the
//! file its path names (on any host, the site's own included), and by what an inline
//! script or `<noscript>` loads.

mod allow;
mod inline;
mod paths;

use std::borrow::Cow;
use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use consentry_config::{Catalogue, Category, TrackerKind};

pub use allow::{Allowlist, Withheld};
use inline::Pattern;
use paths::{PathIndex, PathVerdict};

/// What the index knows of a host, file or signature: category, vendor (an index into
/// `vendors`) and kind.
type Meta = (Category, usize, TrackerKind);

/// foldhash: the host lookups run for every address on a page and every host-shaped word of
/// an inline script, and SipHash's resistance to chosen collisions buys nothing for a map
/// that is never written after it is built.
type FastHash = foldhash::fast::RandomState;

/// What an inline script loads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InlineScript<'a> {
    /// The tracker whose tag a tag-sized script is: the script is held back whole.
    pub tag: Option<Tracker<'a>>,
    /// In a script longer than a tag (the site's own code): where each address it loads a
    /// tracker from starts, in bytes, with that tracker, in order. Only those addresses are
    /// defused.
    pub loaders: Vec<(usize, Tracker<'a>)>,
}

/// A recognised tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tracker<'a> {
    /// Who is behind it.
    pub vendor: &'a str,
    /// Its category.
    pub category: Category,
    /// A tracker, or an embed shown click-to-load.
    pub kind: TrackerKind,
    /// It belongs to an IAB TCF vendor without the visitor's consent: inert whatever its
    /// category.
    pub withheld: bool,
}

/// The tracker hosts, path signatures and inline signatures of the catalogue, indexed for
/// fast lookups.
#[derive(Debug)]
pub struct TrackerIndex {
    /// Host → category, vendor, kind. A `necessary` host is an exception that stops the walk
    /// up to parent domains.
    hosts: HashMap<String, Meta, FastHash>,
    vendors: Vec<String>,
    /// Tracker files by path.
    paths: PathIndex,
    /// Matches path and script signatures, loading words and consent platforms' names in one
    /// pass over an inline script (tracker hosts are found by their words, see
    /// [`TrackerIndex::tracker_host_within`]).
    inline: Option<AhoCorasick>,
    inline_meta: Vec<Pattern>,
}

impl TrackerIndex {
    /// Indexes the catalogue's trackers and signatures.
    pub fn new(catalogue: &Catalogue) -> Self {
        // Thousands of hosts share about 3,000 vendors: ids by a map, not by a scan of the
        // list for every host.
        let mut vendors: Vec<String> = Vec::new();
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut vendor_id = |name: &str| match ids.get(name) {
            Some(&i) => i,
            None => {
                vendors.push(name.to_owned());
                ids.insert(name.to_owned(), vendors.len() - 1);
                vendors.len() - 1
            }
        };
        let mut hosts = HashMap::default();
        let mut patterns: Vec<&str> = Vec::new();
        let mut inline_meta = Vec::new();
        for tracker in &catalogue.trackers {
            let id = vendor_id(&tracker.vendor);
            hosts.insert(tracker.host.clone(), (tracker.category, id, tracker.kind));
        }
        for signature in &catalogue.signatures {
            let id = vendor_id(&signature.vendor);
            patterns.push(&signature.pattern);
            inline_meta.push(Pattern::Signature((
                signature.category,
                id,
                TrackerKind::Tracker,
            )));
        }
        let embeds: Vec<&str> = catalogue
            .trackers
            .iter()
            .filter(|t| t.kind == TrackerKind::Embed)
            .map(|t| t.vendor.as_str())
            .collect();
        let paths = PathIndex::new(&catalogue.paths, |p| {
            (
                p.category,
                vendor_id(&p.vendor),
                paths::kind_of(&p.vendor, &embeds),
            )
        });
        for pattern in PathIndex::patterns(&catalogue.paths) {
            patterns.push(pattern);
            inline_meta.push(Pattern::Path);
        }
        for loader in inline::LOADERS {
            patterns.push(loader);
            inline_meta.push(Pattern::Loader);
        }
        for name in inline::CONSENT_PLATFORMS {
            patterns.push(name);
            inline_meta.push(Pattern::ConsentPlatform);
        }
        let inline = AhoCorasick::new(&patterns).ok();
        TrackerIndex {
            hosts,
            vendors,
            paths,
            inline,
            inline_meta,
        }
    }

    /// The tracker served from `host` (or a parent domain of it). The most specific entry
    /// decides: a `necessary` one is an exception, and the host is no tracker.
    pub fn for_host(&self, host: &str) -> Option<Tracker<'_>> {
        self.host_meta(host).map(|meta| self.tracker(meta))
    }

    /// Where, in a host-shaped word of an inline script (`www.google-analytics.com`, no
    /// trailing dot), the longest tracker host that ends it starts: at the word's start or
    /// after one of its dots. A `necessary` entry is no tracker host here (the URL's lookup
    /// decides on the exception).
    fn tracker_host_within(&self, word: &str) -> Option<usize> {
        domains(word)
            .find(|(_, domain)| {
                self.hosts
                    .get(*domain)
                    .is_some_and(|meta| meta.0 != Category::Necessary)
            })
            .map(|(at, _)| at)
    }

    /// The entry of `host` or, failing that, of its nearest parent domain that has one.
    fn host_meta(&self, host: &str) -> Option<Meta> {
        let meta = domains(host.trim_end_matches('.'))
            .find_map(|(_, domain)| self.hosts.get(domain).copied())?;
        (meta.0 != Category::Necessary).then_some(meta)
    }

    /// The tracker a URL points at: a tracker file by its path, on any host or a relative
    /// URL's own (`/matomo.js`), or else what its host serves. A `necessary` path is an
    /// exception on a tracker host (reCAPTCHA on `google.com`). URLs of other schemes
    /// (`data:`, `javascript:`) are never trackers.
    pub fn for_url(&self, url: &str) -> Option<Tracker<'_>> {
        self.url_meta(url).map(|meta| self.tracker(meta))
    }

    /// The most intrusive tracker an inline script loads (see [`TrackerIndex::inline_script`]).
    pub fn for_inline_script(&self, text: &str) -> Option<Tracker<'_>> {
        let found = self.inline_script(text, &Allowlist::default());
        found
            .loaders
            .iter()
            .map(|(_, t)| *t)
            .chain(found.tag)
            .max_by_key(|t| t.category)
    }

    /// What an inline script loads, with what a site allows left out: by signature or by a
    /// tracker's host or file where the script loads it, in a tag-sized script (see
    /// [`inline`]); the addresses it loads trackers from, in a longer one. A consent
    /// platform's script loads nothing.
    pub fn inline_script(&self, text: &str, allow: &Allowlist) -> InlineScript<'_> {
        let found = inline::scan(self, text, inline::Source::Script, allow);
        InlineScript {
            tag: found.tag.map(|meta| self.tracker(meta)),
            loaders: found
                .loaders
                .into_iter()
                .map(|(at, meta)| (at, self.tracker(meta)))
                .collect(),
        }
    }

    /// The most intrusive tracker the markup of a `<noscript>` loads: a URL of a tracker
    /// host or file as the value of `src`, `srcset`, `data` or `poster`.
    pub fn for_noscript(&self, markup: &str, allow: &Allowlist) -> Option<Tracker<'_>> {
        inline::scan(self, markup, inline::Source::Noscript, allow)
            .tag
            .map(|meta| self.tracker(meta))
    }

    /// The category, vendor and kind of what `url` points at: a path signature of its host
    /// decides first (a `necessary` one is an exception), then the host, then a path
    /// signature of any host.
    fn url_meta(&self, url: &str) -> Option<Meta> {
        let UrlParts { host, rest } = split_url(url)?;
        let host: Option<Cow<'_, str>> = host.map(|h| {
            let h = h.trim_end_matches('.');
            if h.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(h.to_ascii_lowercase())
            } else {
                Cow::Borrowed(h)
            }
        });
        let by_host = || host.as_deref().and_then(|h| self.host_meta(h));
        match self.paths.lookup(host.as_deref(), rest) {
            Some(PathVerdict::Exception) => None,
            Some(PathVerdict::Tracker { on_host, anywhere }) => {
                on_host.or_else(by_host).or(anywhere)
            }
            None => by_host(),
        }
    }

    fn tracker(&self, (category, vendor, kind): Meta) -> Tracker<'_> {
        Tracker {
            vendor: self.vendors.get(vendor).map_or("", String::as_str),
            category,
            kind,
            withheld: false,
        }
    }
}

/// `host` and its parent domains down to two labels (`a.b.example.com`, `b.example.com`,
/// `example.com`), each with where it starts in `host`.
fn domains(host: &str) -> impl Iterator<Item = (usize, &str)> {
    std::iter::successors(Some((0, host)), |&(at, domain)| {
        let (label, parent) = domain.split_once('.')?;
        parent
            .contains('.')
            .then_some((at + label.len() + 1, parent))
    })
}

/// A URL taken apart: its host (absent for a relative URL) and the rest (path and query).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct UrlParts<'a> {
    host: Option<&'a str>,
    rest: &'a str,
}

/// Takes apart an absolute (`https://host/...`), protocol-relative (`//host/...`) or
/// relative URL; a URL of another scheme (`data:`, `javascript:`, `blob:`) is `None`.
fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let url = url.trim_start();
    let absolute = if let Some(rest) = url.strip_prefix("//") {
        rest
    } else {
        let head = url.split(['/', '?', '#']).next().unwrap_or("");
        match head.split_once(':') {
            None => {
                return Some(UrlParts {
                    host: None,
                    rest: url,
                })
            }
            Some((scheme, _)) => {
                if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
                    return None;
                }
                url.split_once("://")?.1
            }
        }
    };
    let authority_end = absolute.find(['/', '?', '#']).unwrap_or(absolute.len());
    let (authority, rest) = absolute.split_at(authority_end);
    let host_port = authority.rsplit('@').next()?;
    let host = if host_port.starts_with('[') {
        host_port.split(']').next()?.trim_start_matches('[')
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(UrlParts {
        host: Some(host),
        rest,
    })
}

#[cfg(test)]
mod tests;
