//! What a site allows although the catalogue would block it: the owner's override of a
//! wrong match (a host, a path on a host, or a path on any host).

use super::{split_url, UrlParts};

/// One allowed address.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Allowed {
    /// This domain and its subdomains; any host when absent.
    host: Option<String>,
    /// Paths starting with this (ASCII case-insensitive); every path when empty.
    path: String,
}

/// Hosts and paths a site lets through although the catalogue names them as trackers.
///
/// Entries are written `host` (it and its subdomains), `host/path-prefix`, or
/// `/path-prefix` (that path on any host, the site's own included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    entries: Vec<Allowed>,
}

impl Allowlist {
    /// An allowlist from its entries; blank ones are skipped.
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a str>) -> Allowlist {
        let entries = entries
            .into_iter()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|entry| {
                let entry = entry
                    .strip_prefix("https://")
                    .or_else(|| entry.strip_prefix("http://"))
                    .or_else(|| {
                        entry
                            .strip_prefix("//")
                            .filter(|_| !entry.starts_with("///"))
                    })
                    .unwrap_or(entry);
                match entry.find('/') {
                    Some(0) => Allowed {
                        host: None,
                        path: entry.to_owned(),
                    },
                    Some(i) => Allowed {
                        host: Some(entry[..i].to_ascii_lowercase()),
                        path: entry[i..].to_owned(),
                    },
                    None => Allowed {
                        host: Some(entry.to_ascii_lowercase()),
                        path: String::new(),
                    },
                }
            })
            .collect();
        Allowlist { entries }
    }

    /// Whether nothing is allowed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether `url` (absolute, protocol-relative or relative) is allowed.
    pub fn allows_url(&self, url: &str) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        match split_url(url) {
            Some(UrlParts { host, rest }) => {
                self.allows(host.map(str::to_ascii_lowercase).as_deref(), rest)
            }
            None => false,
        }
    }

    /// Whether a URL on `host` (lowercase; `None` for a relative URL) with path and query
    /// `rest` is allowed.
    pub fn allows(&self, host: Option<&str>, rest: &str) -> bool {
        self.entries.iter().any(|entry| {
            let host_ok = match (&entry.host, host) {
                (None, _) => true,
                (Some(d), Some(h)) => {
                    h == d || h.strip_suffix(d.as_str()).is_some_and(|r| r.ends_with('.'))
                }
                (Some(_), None) => false,
            };
            host_ok
                && rest
                    .get(..entry.path.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(&entry.path))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_paths_and_both() {
        let allow = Allowlist::new([
            "cdn.example.com",
            "https://www.google.com/maps/",
            "/js/container_site",
            " ",
        ]);
        assert!(allow.allows_url("https://img.cdn.example.com/x.png"));
        assert!(!allow.allows_url("https://example.com/x.png"));
        assert!(allow.allows_url("//www.google.com/maps/embed?pb=1"));
        assert!(!allow.allows_url("https://www.google.com/pagead/x"));
        assert!(allow.allows_url("/js/container_site.js"));
        assert!(allow.allows_url("https://stats.example.org/js/container_site.js"));
        assert!(!allow.allows_url("/js/container_other.js"));
        assert!(!Allowlist::default().allows_url("/js/container_site.js"));
    }
}
