//! Recognising trackers: by the host a script, frame, image or link points at, and by
//! signatures in inline scripts.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use consentry_config::{Catalogue, Category};

/// A recognised tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tracker<'a> {
    /// Who is behind it.
    pub vendor: &'a str,
    /// Its category.
    pub category: Category,
}

/// The tracker hosts and inline signatures of the catalogue, indexed for fast lookups.
#[derive(Debug)]
pub struct TrackerIndex {
    hosts: HashMap<String, (Category, usize)>,
    vendors: Vec<String>,
    /// Matches inline-script signatures and tracker host names in one pass.
    inline: Option<AhoCorasick>,
    inline_meta: Vec<(Category, usize)>,
}

impl TrackerIndex {
    /// Indexes the catalogue's trackers and signatures.
    pub fn new(catalogue: &Catalogue) -> Self {
        let mut vendors: Vec<String> = Vec::new();
        let mut vendor_id = |name: &str| match vendors.iter().position(|v| v == name) {
            Some(i) => i,
            None => {
                vendors.push(name.to_owned());
                vendors.len() - 1
            }
        };
        let mut hosts = HashMap::new();
        let mut patterns = Vec::new();
        let mut inline_meta = Vec::new();
        for tracker in &catalogue.trackers {
            let id = vendor_id(&tracker.vendor);
            hosts.insert(tracker.host.clone(), (tracker.category, id));
            patterns.push(tracker.host.clone());
            inline_meta.push((tracker.category, id));
        }
        for signature in &catalogue.signatures {
            let id = vendor_id(&signature.vendor);
            patterns.push(signature.pattern.clone());
            inline_meta.push((signature.category, id));
        }
        let inline = AhoCorasick::new(&patterns).ok();
        TrackerIndex {
            hosts,
            vendors,
            inline,
            inline_meta,
        }
    }

    /// The tracker served from `host` (or a parent domain of it).
    pub fn for_host(&self, host: &str) -> Option<Tracker<'_>> {
        let host = host.trim_end_matches('.');
        let mut candidate = host;
        loop {
            if let Some(&(category, vendor)) = self.hosts.get(candidate) {
                return Some(Tracker {
                    vendor: &self.vendors[vendor],
                    category,
                });
            }
            match candidate.split_once('.') {
                Some((_, parent)) if parent.contains('.') => candidate = parent,
                _ => return None,
            }
        }
    }

    /// The tracker an absolute or protocol-relative URL points at; relative URLs are
    /// first-party and never a tracker.
    pub fn for_url(&self, url: &str) -> Option<Tracker<'_>> {
        let host = url_host(url)?;
        if host.bytes().any(|b| b.is_ascii_uppercase()) {
            self.for_host(&host.to_ascii_lowercase())
        } else {
            self.for_host(host)
        }
    }

    /// The most intrusive tracker an inline script's text refers to, by signature or host.
    pub fn for_inline_script(&self, text: &str) -> Option<Tracker<'_>> {
        let matcher = self.inline.as_ref()?;
        matcher
            .find_iter(text)
            .map(|m| self.inline_meta[m.pattern().as_usize()])
            .max_by_key(|(category, _)| *category)
            .map(|(category, vendor)| Tracker {
                vendor: &self.vendors[vendor],
                category,
            })
    }
}

/// The host of an absolute (`https://host/...`) or protocol-relative (`//host/...`) URL.
fn url_host(url: &str) -> Option<&str> {
    let url = url.trim_start();
    let rest = if let Some(rest) = url.strip_prefix("//") {
        rest
    } else {
        let (scheme, rest) = url.split_once("://")?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return None;
        }
        rest
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if host_port.starts_with('[') {
        host_port.split(']').next()?.trim_start_matches('[')
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> TrackerIndex {
        let catalogue = Catalogue::parse(
            "[[cookie]]\nname = \"x\"\nvendor = \"X\"\ncategory = \"necessary\"\npurpose = \"X.\"\nlifetime = \"session\"\n",
            r#"
[[tracker]]
host = "google-analytics.com"
vendor = "Google Analytics"
category = "analytics"

[[tracker]]
host = "connect.facebook.net"
vendor = "Meta"
category = "marketing"

[[signature]]
pattern = "fbq("
vendor = "Meta Pixel"
category = "marketing"

[[signature]]
pattern = "gtag("
vendor = "Google tag"
category = "analytics"
"#,
        )
        .expect("test catalogue");
        TrackerIndex::new(&catalogue)
    }

    #[test]
    fn hosts_match_themselves_and_subdomains() {
        let idx = index();
        assert_eq!(
            idx.for_host("www.google-analytics.com").map(|t| t.category),
            Some(Category::Analytics)
        );
        assert_eq!(
            idx.for_host("google-analytics.com").map(|t| t.vendor),
            Some("Google Analytics")
        );
        assert!(idx.for_host("facebook.net").is_none());
        assert!(idx.for_host("notgoogle-analytics.com").is_none());
        assert!(idx
            .for_url("https://WWW.Google-Analytics.com/analytics.js")
            .is_some());
        assert!(idx
            .for_url("//connect.facebook.net/en_US/fbevents.js")
            .is_some());
        assert!(idx
            .for_url("https://user@connect.facebook.net:443/x")
            .is_some());
        assert!(idx.for_url("/js/app.js").is_none());
        assert!(idx.for_url("javascript:void(0)").is_none());
    }

    #[test]
    fn inline_scripts_take_the_most_intrusive_match() {
        let idx = index();
        let both = "gtag('js', new Date()); fbq('init', '1');";
        assert_eq!(
            idx.for_inline_script(both).map(|t| t.category),
            Some(Category::Marketing)
        );
        assert_eq!(
            idx.for_inline_script("gtag('config')").map(|t| t.vendor),
            Some("Google tag")
        );
        assert!(idx.for_inline_script("console.log('hello')").is_none());
        let loader = "s.src='https://connect.facebook.net/x.js'";
        assert_eq!(
            idx.for_inline_script(loader).map(|t| t.vendor),
            Some("Meta")
        );
    }
}
