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
        self.position_url(url).is_some()
    }

    /// The position of the first entry `url` matches.
    fn position_url(&self, url: &str) -> Option<usize> {
        if self.entries.is_empty() {
            return None;
        }
        let UrlParts { host, rest } = split_url(url)?;
        self.position(host.map(str::to_ascii_lowercase).as_deref(), rest)
    }

    /// Whether a URL on `host` (lowercase; `None` for a relative URL) with path and query
    /// `rest` is allowed.
    pub fn allows(&self, host: Option<&str>, rest: &str) -> bool {
        self.position(host, rest).is_some()
    }

    fn position(&self, host: Option<&str>, rest: &str) -> Option<usize> {
        self.entries.iter().position(|entry| {
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

/// The addresses of the vendors that have no consent on one page view (the IAB TCF vendors
/// a site names, with their hosts): what they load stays inert whatever the category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Withheld {
    addresses: Allowlist,
    /// The vendor of each of `addresses`' entries, in order.
    vendors: Vec<String>,
}

impl Withheld {
    /// Each vendor's name with one of its addresses (written as for [`Allowlist`]).
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> Withheld {
        let (vendors, addresses): (Vec<String>, Vec<&str>) = entries
            .into_iter()
            .filter(|(_, address)| !address.trim().is_empty())
            .map(|(vendor, address)| (vendor.to_owned(), address))
            .unzip();
        Withheld {
            addresses: Allowlist::new(addresses),
            vendors,
        }
    }

    /// Whether no vendor is withheld.
    pub fn is_empty(&self) -> bool {
        self.vendors.is_empty()
    }

    /// The withheld vendor `url` belongs to.
    pub fn vendor_at(&self, url: &str) -> Option<&str> {
        let at = self.addresses.position_url(url)?;
        self.vendors.get(at).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withheld_vendors_are_found_by_their_addresses() {
        let withheld = Withheld::new([
            (
                "Google Advertising Products",
                "securepubads.g.doubleclick.net",
            ),
            ("Blank", " "),
            ("Criteo", "static.criteo.net/js/"),
        ]);
        assert_eq!(
            withheld.vendor_at("https://securepubads.g.doubleclick.net/tag/js/gpt.js"),
            Some("Google Advertising Products")
        );
        assert_eq!(
            withheld.vendor_at("//static.criteo.net/js/ld/publishertag.js"),
            Some("Criteo")
        );
        assert_eq!(
            withheld.vendor_at("https://static.criteo.net/images/a.png"),
            None
        );
        assert!(Withheld::default().is_empty());
    }

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
