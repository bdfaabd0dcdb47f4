//! The request's `Cookie` header: reading the consent cookie and removing what the visitor
//! has not consented to before the origin sees it.

use consentry_config::Category;
use cookie::Cookie;

use crate::classify::CookieClassifier;
use crate::consent_cookie::CONSENT_COOKIE;
use crate::Grants;

/// The cookies of one request, parsed once.
#[derive(Debug, Default)]
pub struct RequestCookies<'a> {
    pairs: Vec<(&'a str, &'a str)>,
    /// Pieces that were not `name=value` and are dropped.
    malformed: usize,
    /// How many `Cookie` header values there were.
    headers: usize,
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
    /// Every cookie name the request carried but the consent cookie, kept or not: what the
    /// cookie inventory records of cookies scripts set.
    pub names: Vec<String>,
}

impl<'a> RequestCookies<'a> {
    /// Parses every `Cookie` header value of a request.
    pub fn parse(header_values: impl IntoIterator<Item = &'a str>) -> Self {
        let mut cookies = RequestCookies::default();
        for value in header_values {
            cookies.headers += 1;
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

    /// Parses every `Cookie` header of a request's headers.
    pub fn from_headers(headers: &'a http::HeaderMap) -> Self {
        RequestCookies::parse(
            headers
                .get_all(http::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok()),
        )
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
                if !result.names.iter().any(|n| n == name) {
                    result.names.push(name.to_owned());
                }
                if class.source.is_unclassified() {
                    result.unclassified.push(name.to_owned());
                }
                if !grants.allows(class.category) {
                    result.removed[usize::from(class.category.index())] += 1;
                    continue;
                }
            }
            kept.push((name, value));
        }
        // Several `Cookie` headers (HTTP/2 splits them) become one for the origin: HTTP/1.1
        // allows only one.
        if kept.len() != self.pairs.len() || self.malformed > 0 || self.headers > 1 {
            result.header = Some(join(&kept));
        }
        result
    }
}

fn join(pairs: &[(&str, &str)]) -> String {
    let mut header = String::with_capacity(pairs.iter().map(|(n, v)| n.len() + v.len() + 3).sum());
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            header.push_str("; ");
        }
        header.push_str(name);
        header.push('=');
        header.push_str(value);
    }
    header
}

impl CookieFilter {
    /// How many cookies of `category` were removed.
    pub fn removed_of(&self, category: Category) -> u32 {
        self.removed[usize::from(category.index())]
    }
}

#[cfg(test)]
mod tests {
    use consentry_config::{Catalogue, UnknownCookies};

    use super::*;

    fn classifier() -> CookieClassifier {
        CookieClassifier::new(
            &[],
            &Catalogue::builtin().expect("catalogue"),
            UnknownCookies::default(),
        )
    }

    #[test]
    fn nothing_removed_means_the_header_is_left_alone() {
        let cookies = RequestCookies::parse(["PHPSESSID=1; XSRF-TOKEN=2"]);
        assert_eq!(
            cookies.filter(&classifier(), Grants::NECESSARY_ONLY).header,
            None
        );
    }

    #[test]
    fn split_headers_are_joined_and_filtered() {
        let cookies = RequestCookies::parse(["PHPSESSID=1", "_ga=GA1.1; consentry=x"]);
        let filter = cookies.filter(&classifier(), Grants::NECESSARY_ONLY);
        assert_eq!(filter.header.as_deref(), Some("PHPSESSID=1; consentry=x"));
        assert_eq!(filter.removed_of(Category::Analytics), 1);
        let all = cookies.filter(&classifier(), Grants::ALL);
        assert_eq!(
            all.header.as_deref(),
            Some("PHPSESSID=1; _ga=GA1.1; consentry=x")
        );
    }

    #[test]
    fn values_pass_byte_for_byte() {
        let cookies = RequestCookies::parse([r#"PHPSESSID="quoted value"; _fbp=1; lang=nl%20BE"#]);
        let filter = cookies.filter(
            &classifier(),
            Grants::NECESSARY_ONLY.with(Category::Preferences),
        );
        assert_eq!(
            filter.header.as_deref(),
            Some(r#"PHPSESSID="quoted value"; lang=nl%20BE"#)
        );
    }
}
