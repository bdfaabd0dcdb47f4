//! The request's `Cookie` header: reading the consent cookie and removing what the visitor
//! has not consented to before the origin sees it.

use consentry_config::Category;
use cookie::Cookie;

use crate::classify::{CookieClassifier, Source};
use crate::consent_cookie::CONSENT_COOKIE;
use crate::Grants;

/// The cookies of one request, parsed once.
#[derive(Debug, Default)]
pub struct RequestCookies<'a> {
    pairs: Vec<(&'a str, &'a str)>,
    /// Pieces that were not `name=value` and are dropped.
    malformed: usize,
}

/// What filtering did to the `Cookie` header.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CookieFilter {
    /// The new header value: `None` when nothing was removed, `Some("")` when everything was.
    pub header: Option<String>,
    /// How many cookies were removed, per category index.
    pub removed: [u32; 4],
    /// Unknown names that were classified by the fallback.
    pub unclassified: Vec<String>,
}

impl<'a> RequestCookies<'a> {
    /// Parses every `Cookie` header value of a request.
    pub fn parse(header_values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut cookies = RequestCookies::default();
        for value in header_values {
            for piece in Cookie::split_parse(value) {
                match piece {
                    Ok(c) => match (c.name_raw(), c.value_raw()) {
                        (Some(name), Some(value)) => cookies.pairs.push((name, value)),
                        _ => cookies.malformed += 1,
                    },
                    Err(_) => cookies.malformed += 1,
                }
            }
        }
        cookies
    }

    /// The values of every cookie named `name`.
    pub fn values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.pairs
            .iter()
            .filter(move |(n, _)| *n == name)
            .map(|(_, v)| *v)
    }

    /// The values of the consent cookie.
    pub fn consent_values<'s>(&'s self) -> impl Iterator<Item = &'a str> + 's {
        self.values(CONSENT_COOKIE)
    }

    /// Every cookie name, in order.
    pub fn names(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.pairs.iter().map(|(n, _)| *n)
    }

    /// Removes the cookies of categories not in `grants`.
    pub fn filter(&self, classifier: &CookieClassifier, grants: Grants) -> CookieFilter {
        let mut result = CookieFilter::default();
        let mut kept: Vec<(&str, &str)> = Vec::with_capacity(self.pairs.len());
        for &(name, value) in &self.pairs {
            let class = if name == CONSENT_COOKIE {
                None
            } else {
                Some(classifier.for_request(name))
            };
            if let Some(class) = class {
                if class.source == Source::Unclassified {
                    result.unclassified.push(name.to_owned());
                }
                if !grants.allows(class.category) {
                    result.removed[usize::from(class.category.index())] += 1;
                    continue;
                }
            }
            kept.push((name, value));
        }
        if kept.len() != self.pairs.len() || self.malformed > 0 {
            let mut header = String::new();
            for (i, (name, value)) in kept.iter().enumerate() {
                if i > 0 {
                    header.push_str("; ");
                }
                header.push_str(name);
                header.push('=');
                header.push_str(value);
            }
            result.header = Some(header);
        }
        result
    }
}

impl CookieFilter {
    /// How many cookies of `category` were removed.
    pub fn removed_of(&self, category: Category) -> u32 {
        self.removed[usize::from(category.index())]
    }
}
