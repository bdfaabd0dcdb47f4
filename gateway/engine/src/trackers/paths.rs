//! Tracker files recognised by their URL path (`matomo.js`, a first-party `gtm.js`,
//! `fbevents.js`), on any host or only on some, from the catalogue's path signatures.
//!
//! One automaton over every pattern runs on the path and query of a URL; a match counts
//! only at a boundary (`/matomo.js` is not `/matomo.json`) and on a host its signature
//! names. A `necessary` match is an exception that wins over everything (reCAPTCHA on
//! `google.com`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use consentry_config::{Category, PathSignature, TrackerKind};

use super::Meta;

/// The hosts a path signature applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OnHost {
    /// Every host, the site's own (a relative URL) included.
    Any,
    /// This domain and its subdomains.
    Domain(String),
    /// Any host with this label (`google.*`: `www.google.de`; `plausible.*`:
    /// `plausible.example.com`).
    Label(String),
}

impl OnHost {
    fn parse(host: Option<&str>) -> OnHost {
        match host {
            None => OnHost::Any,
            Some(h) => match h.strip_suffix(".*") {
                Some(label) => OnHost::Label(label.to_owned()),
                None => OnHost::Domain(h.to_owned()),
            },
        }
    }

    /// Whether a URL on `host` (lowercase; `None` for a relative URL) is covered.
    fn covers(&self, host: Option<&str>) -> bool {
        match (self, host) {
            (OnHost::Any, _) => true,
            (OnHost::Domain(d), Some(h)) => {
                h == d
                    || h.strip_suffix(d.as_str())
                        .is_some_and(|rest| rest.ends_with('.'))
            }
            (OnHost::Label(label), Some(h)) => h.split('.').any(|part| part == label),
            (_, None) => false,
        }
    }
}

/// One path signature, ready to match.
#[derive(Debug)]
struct PathEntry {
    on: OnHost,
    meta: Meta,
    /// The pattern starts with a letter or digit, so what comes before must not continue a
    /// name.
    check_start: bool,
    /// The pattern ends with a letter or digit, so what comes after must not continue a
    /// name.
    check_end: bool,
}

/// What a URL's path says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PathVerdict {
    /// A `necessary` signature matched: never a tracker, whatever its host.
    Exception,
    /// A tracker file: by a signature of its host (which names it better than the host
    /// does: Google Maps on `google.com`), or by one of any host (which names it when the
    /// host is no tracker).
    Tracker {
        /// The most intrusive match of a signature for this host.
        on_host: Option<Meta>,
        /// The most intrusive match of a signature for any host.
        anywhere: Option<Meta>,
    },
}

/// The catalogue's path signatures, indexed.
#[derive(Debug)]
pub(super) struct PathIndex {
    matcher: Option<AhoCorasick>,
    entries: Vec<PathEntry>,
}

/// A byte that continues a file or host name.
pub(super) fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

impl PathIndex {
    /// Indexes `paths`; `meta` gives each signature's category, vendor and kind.
    pub(super) fn new(
        paths: &[PathSignature],
        mut meta: impl FnMut(&PathSignature) -> Meta,
    ) -> Self {
        let entries = paths
            .iter()
            .map(|p| {
                let bytes = p.pattern.as_bytes();
                PathEntry {
                    on: OnHost::parse(p.host.as_deref()),
                    meta: meta(p),
                    check_start: bytes.first().is_some_and(u8::is_ascii_alphanumeric),
                    check_end: bytes.last().is_some_and(u8::is_ascii_alphanumeric),
                }
            })
            .collect();
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(paths.iter().map(|p| p.pattern.as_str()))
            .ok();
        PathIndex { matcher, entries }
    }

    /// The patterns, in index order, for the inline-script automaton.
    pub(super) fn patterns(paths: &[PathSignature]) -> impl Iterator<Item = &str> {
        paths.iter().map(|p| p.pattern.as_str())
    }

    /// What the path and query `rest` of a URL on `host` (lowercase; `None` for a relative
    /// URL) says: an exception, the most intrusive tracker file, or nothing.
    pub(super) fn lookup(&self, host: Option<&str>, rest: &str) -> Option<PathVerdict> {
        let matcher = self.matcher.as_ref()?;
        let (mut on_host, mut anywhere): (Option<Meta>, Option<Meta>) = (None, None);
        for m in matcher.find_overlapping_iter(rest) {
            let i = m.pattern().as_usize();
            if !self.matches_at(i, host, rest.as_bytes(), m.start(), m.end()) {
                continue;
            }
            let entry = &self.entries[i];
            if entry.meta.0 == Category::Necessary {
                return Some(PathVerdict::Exception);
            }
            let best = if entry.on == OnHost::Any {
                &mut anywhere
            } else {
                &mut on_host
            };
            if best.is_none_or(|b| entry.meta.0 > b.0) {
                *best = Some(entry.meta);
            }
        }
        (on_host.is_some() || anywhere.is_some())
            .then_some(PathVerdict::Tracker { on_host, anywhere })
    }

    /// Whether signature `i`, found at `start..end` of `text`, counts for a URL on `host`.
    fn matches_at(
        &self,
        i: usize,
        host: Option<&str>,
        text: &[u8],
        start: usize,
        end: usize,
    ) -> bool {
        let Some(entry) = self.entries.get(i) else {
            return false;
        };
        if entry.check_start && start > 0 && is_name_byte(text[start - 1]) {
            return false;
        }
        if entry.check_end && text.get(end).copied().is_some_and(is_name_byte) {
            return false;
        }
        entry.on.covers(host)
    }
}

/// The kind of a path signature's vendor: an embed when the vendor serves embeds from a
/// host of the catalogue (Google Maps), a tracker otherwise.
pub(super) fn kind_of(vendor: &str, embeds: &[&str]) -> TrackerKind {
    if embeds.contains(&vendor) {
        TrackerKind::Embed
    } else {
        TrackerKind::Tracker
    }
}
