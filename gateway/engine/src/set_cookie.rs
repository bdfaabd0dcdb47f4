//! The origin's `Set-Cookie` headers: keeping the cookies the visitor allowed, header by header.

use consentry_config::Category;
use cookie::Cookie;
use http::header::SET_COOKIE;
use http::{HeaderMap, HeaderValue};

use crate::classify::CookieClassifier;
use crate::consent_cookie::CONSENT_COOKIE;
use crate::cookie_shape::{self, CookieShape};
use crate::Grants;

/// How long a cookie lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieLifetime {
    /// Until the browser session ends (no `Max-Age` nor `Expires`).
    Session,
    /// This many seconds from when it was set.
    Seconds(u64),
    /// Not known: the cookie was only seen in requests.
    Unknown,
}

impl CookieLifetime {
    /// The stored form: seconds, `-1` for a session cookie, `-2` when not known.
    pub fn code(self) -> i64 {
        match self {
            CookieLifetime::Session => -1,
            CookieLifetime::Seconds(secs) => i64::try_from(secs).unwrap_or(i64::MAX),
            CookieLifetime::Unknown => -2,
        }
    }

    /// The lifetime for a stored code.
    pub fn from_code(code: i64) -> CookieLifetime {
        match code {
            -1 => CookieLifetime::Session,
            c if c >= 0 => CookieLifetime::Seconds(c.unsigned_abs()),
            _ => CookieLifetime::Unknown,
        }
    }

    /// The lifetime of a catalogue entry.
    pub fn from_catalogue(lifetime: consentry_config::Lifetime) -> CookieLifetime {
        match lifetime {
            consentry_config::Lifetime::Session => CookieLifetime::Session,
            consentry_config::Lifetime::Unknown => CookieLifetime::Unknown,
            consentry_config::Lifetime::For { .. } => lifetime
                .as_seconds()
                .map_or(CookieLifetime::Unknown, CookieLifetime::Seconds),
        }
    }
}

/// A cookie as an origin's `Set-Cookie` declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookieSeen {
    /// Its name.
    pub name: String,
    /// `Domain`, lowercase without a leading dot; empty for a host-only cookie.
    pub domain: String,
    /// `Path`; empty when not given.
    pub path: String,
    /// From `Max-Age` or `Expires`.
    pub lifetime: CookieLifetime,
    /// `Max-Age` in seconds, when the header states it: the lifetime the banner lists (one
    /// read from `Expires` depends on when it was read).
    pub max_age: Option<u64>,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite` (`Strict`, `Lax`, `None`), empty when not given.
    pub same_site: String,
}

/// What filtering did to the response's `Set-Cookie` headers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SetCookieFilter {
    /// How many were kept.
    pub kept: u32,
    /// How many were removed, per category index.
    pub removed: [u32; 4],
    /// Headers that did not parse as a cookie and were dropped.
    pub malformed: u32,
    /// Unknown names the origin set as functional for the first time (to be remembered).
    pub newly_unclassified: Vec<String>,
    /// Every cookie the origin set (deletions aside), kept or not, with its attributes: what
    /// the cookie inventory records.
    pub cookies: Vec<SetCookieSeen>,
}

impl SetCookieFilter {
    /// How many cookies of `category` were removed.
    pub fn removed_of(&self, category: Category) -> u32 {
        self.removed[usize::from(category.index())]
    }
}

/// Removes the `Set-Cookie` headers of categories not in `grants`. Headers that delete a
/// cookie always pass: removing a cookie needs no consent. `now` is seconds since the epoch.
pub fn filter_set_cookies(
    headers: &mut HeaderMap,
    classifier: &CookieClassifier,
    grants: Grants,
    now: u64,
) -> SetCookieFilter {
    let mut report = SetCookieFilter::default();
    if !headers.contains_key(SET_COOKIE) {
        return report;
    }
    let values: Vec<HeaderValue> = match headers.entry(SET_COOKIE) {
        http::header::Entry::Occupied(entry) => entry.remove_entry_mult().1.collect(),
        http::header::Entry::Vacant(_) => Vec::new(),
    };
    for value in values {
        let Some(cookie) = value
            .to_str()
            .ok()
            .and_then(|text| Cookie::parse(text).ok())
        else {
            tracing::warn!(header = ?value, "dropped a malformed Set-Cookie from the origin");
            report.malformed += 1;
            continue;
        };
        let name = cookie.name();
        if name == CONSENT_COOKIE {
            tracing::warn!("dropped a Set-Cookie for the consent cookie from the origin");
            report.removed[usize::from(Category::Necessary.index())] += 1;
            continue;
        }
        if deletes_cookie(&cookie, now) {
            headers.append(SET_COOKIE, value);
            report.kept += 1;
            continue;
        }
        let shape = CookieShape::of_set_cookie(&cookie, now);
        report.cookies.push(seen(&cookie, shape.lifetime));
        let (class, first_time) = classifier.for_set_cookie_shape(&shape);
        if class.source.is_unclassified() && first_time {
            report.newly_unclassified.push(name.to_owned());
        }
        if grants.allows(class.category) {
            headers.append(SET_COOKIE, value);
            report.kept += 1;
        } else {
            report.removed[usize::from(class.category.index())] += 1;
        }
    }
    report
}

/// A `Set-Cookie` as the inventory keeps it, with the lifetime its shape read from
/// `Max-Age` or `Expires`.
fn seen(cookie: &Cookie<'_>, lifetime: cookie_shape::Lifetime) -> SetCookieSeen {
    let lifetime = match lifetime {
        cookie_shape::Lifetime::Seconds(secs) => CookieLifetime::Seconds(secs),
        cookie_shape::Lifetime::Session => CookieLifetime::Session,
        cookie_shape::Lifetime::Unknown => CookieLifetime::Unknown,
    };
    SetCookieSeen {
        name: cookie.name().to_owned(),
        domain: cookie
            .domain()
            .map(|d| d.trim_start_matches('.').to_ascii_lowercase())
            .unwrap_or_default(),
        path: cookie.path().unwrap_or("").to_owned(),
        lifetime,
        max_age: cookie
            .max_age()
            .and_then(|age| u64::try_from(age.whole_seconds()).ok()),
        http_only: cookie.http_only().unwrap_or(false),
        secure: cookie.secure().unwrap_or(false),
        same_site: cookie
            .same_site()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

fn deletes_cookie(cookie: &Cookie<'_>, now: u64) -> bool {
    if let Some(max_age) = cookie.max_age() {
        return max_age.whole_seconds() <= 0;
    }
    match cookie.expires_datetime() {
        Some(at) => at.unix_timestamp() <= i64::try_from(now).unwrap_or(i64::MAX),
        None => false,
    }
}

/// `Set-Cookie` values that make the browser delete cookie `name` on `host`: one for the
/// host itself and one for each parent domain, since scripts often set their cookies on the
/// registrable domain (`.example.com`).
pub fn expiring_set_cookies(name: &str, host: &str, secure: bool) -> Vec<String> {
    let suffix = if secure { "; Secure" } else { "" };
    let base = format!("{name}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT{suffix}");
    let mut out = vec![base.clone()];
    let is_ip = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
    if !is_ip && host.contains('.') {
        let mut domain = host;
        loop {
            out.push(format!("{base}; Domain={domain}"));
            match domain.split_once('.') {
                Some((_, parent)) if parent.contains('.') => domain = parent,
                _ => break,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use consentry_config::{Catalogue, UnknownCookies};

    use super::*;

    /// By the flags only, so that these tests are about the filter, not the guess.
    fn classifier() -> CookieClassifier {
        classifier_for(UnknownCookies::Traits {
            fallback: Category::Marketing,
        })
    }

    fn classifier_for(unknown: UnknownCookies) -> CookieClassifier {
        let catalogue = Catalogue::parse(
            r#"
[[cookie]]
name = "_ga"
vendor = "Google Analytics"
category = "analytics"
purpose = "Counts visitors."
lifetime = "2 years"

[[cookie]]
name = "session"
vendor = "Site"
category = "necessary"
purpose = "Session."
lifetime = "session"
"#,
            "[[tracker]]\nhost = \"t.test\"\nvendor = \"T\"\ncategory = \"marketing\"\n",
        )
        .expect("test catalogue");
        CookieClassifier::new(&[], &catalogue, unknown)
    }

    #[test]
    fn unknown_cookies_are_kept_or_dropped_by_their_shape() {
        let mut map = headers(&[
            "shop_cart=3f2a; Max-Age=31536000; Path=/",
            "_uid=8f14e45fceea167a5a36dedd4bea2543; HttpOnly; Path=/",
            "site_state=GA1.2.1234567890.1700000000; HttpOnly",
        ]);
        let classifier = classifier_for(UnknownCookies::default());
        let report = filter_set_cookies(&mut map, &classifier, Grants::NECESSARY_ONLY, 0);
        assert_eq!(
            remaining(&map),
            vec!["shop_cart=3f2a; Max-Age=31536000; Path=/"]
        );
        assert_eq!(
            report.removed_of(Category::Analytics) + report.removed_of(Category::Marketing),
            2
        );
        assert_eq!(report.newly_unclassified, vec!["shop_cart".to_owned()]);
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(SET_COOKIE, HeaderValue::from_str(v).expect("valid header"));
        }
        map.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/html"),
        );
        map
    }

    fn remaining(map: &HeaderMap) -> Vec<&str> {
        map.get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    #[test]
    fn keeps_necessary_and_drops_unconsented_and_malformed() {
        let mut map = headers(&[
            "session=abc; HttpOnly; Path=/",
            "_ga=GA1.1.1.1; Max-Age=63072000; Path=/",
            "=novalue",
            "consentry=forged; Path=/",
            "app_pref=dark; Max-Age=86400",
            "app_sess=xyz; HttpOnly",
        ]);
        let report = filter_set_cookies(&mut map, &classifier(), Grants::NECESSARY_ONLY, 0);
        assert_eq!(
            remaining(&map),
            vec!["session=abc; HttpOnly; Path=/", "app_sess=xyz; HttpOnly"]
        );
        assert_eq!(report.removed_of(Category::Analytics), 1);
        assert_eq!(report.removed_of(Category::Marketing), 1);
        assert_eq!(report.malformed, 1);
        assert_eq!(report.newly_unclassified, vec!["app_sess".to_owned()]);
        let names: Vec<&str> = report.cookies.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["session", "_ga", "app_pref", "app_sess"]);
        let ga = &report.cookies[1];
        assert_eq!(ga.lifetime, CookieLifetime::Seconds(63_072_000));
        assert_eq!((ga.path.as_str(), ga.http_only), ("/", false));
        let session = &report.cookies[0];
        assert_eq!(session.lifetime, CookieLifetime::Session);
        assert!(session.http_only);
        assert!(map.contains_key(http::header::CONTENT_TYPE));
    }

    #[test]
    fn granted_categories_and_deletions_pass() {
        let mut map = headers(&[
            "_ga=1; Max-Age=100",
            "_fbp=; Max-Age=0",
            "x=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
        ]);
        filter_set_cookies(
            &mut map,
            &classifier(),
            Grants::of([Category::Analytics]),
            1_000,
        );
        assert_eq!(remaining(&map).len(), 3);
    }

    #[test]
    fn expiring_cookies_cover_parent_domains() {
        let values = expiring_set_cookies("_ga", "www.shop.example", true);
        assert_eq!(values.len(), 3);
        assert!(values[0].starts_with("_ga=; Path=/; Max-Age=0"));
        assert!(values[1].ends_with("Domain=www.shop.example"));
        assert!(values[2].ends_with("Domain=shop.example"));
        assert_eq!(expiring_set_cookies("_ga", "127.0.0.1", false).len(), 1);
        assert_eq!(expiring_set_cookies("_ga", "localhost", false).len(), 1);
    }
}
