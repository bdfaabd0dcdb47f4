//! What a page gets from the banner: the Consent Mode defaults for `<head>`, and the banner
//! for the end of `<body>`, rendered there with the vendors the rewrite found on the page.

use std::sync::Arc;

use consentry_banner::{
    embed_placeholder, render, theme_css, Assets, BannerView, CookieList, Language,
};
use consentry_config::{Category, Lifetime, LifetimeUnit, Site};
use http::header::{self, HeaderMap};

use super::{consent_mode_defaults, consent_mode_hash, csp_hash, PageContext, PageFindings};
use crate::consent::VisitorConsent;
use crate::consent_cookie::CONSENT_COOKIE;
use crate::csp::InlineHashes;
use crate::decision::safe_return_path;
use crate::site::{RequestInfo, CONSENT_PATH};
use crate::Grants;

/// What the banner of one page view is made from.
pub(crate) struct BannerInputs<'a> {
    /// The site, with its banner settings and cookie rules.
    pub site: &'a Site,
    /// The banner's assets.
    pub assets: &'a Arc<Assets>,
    /// The site's language for visitors who ask for none it offers.
    pub fallback: Language,
    /// How long a decision is kept, in seconds (the consent cookie's lifetime).
    pub lifetime_secs: u64,
    /// The visitor's consent.
    pub consent: &'a VisitorConsent,
    /// The visitor's request.
    pub request: &'a RequestInfo<'a>,
    /// The cookies the origin sets with this page.
    pub origin_cookies: &'a [OriginCookie],
}

/// A cookie the origin sets with a page: classified, with the lifetime it is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OriginCookie {
    /// Its name.
    pub name: String,
    /// Its category, as the gateway treats it.
    pub category: Category,
    /// How long it lives, when the `Set-Cookie` says (`Expires` alone is not converted).
    pub lifetime: Option<Lifetime>,
}

/// The names and lifetimes of the cookies a response sets (deletions left out).
pub(crate) fn set_cookie_lifetimes(headers: &HeaderMap) -> Vec<(String, Option<Lifetime>)> {
    let mut out: Vec<(String, Option<Lifetime>)> = Vec::new();
    for value in headers.get_all(header::SET_COOKIE) {
        let Some(cookie) = value
            .to_str()
            .ok()
            .and_then(|v| cookie::Cookie::parse(v).ok())
        else {
            continue;
        };
        let lifetime = match (cookie.max_age(), cookie.expires()) {
            (Some(age), _) if age.whole_seconds() <= 0 => continue,
            (Some(age), _) => u64::try_from(age.whole_seconds()).ok().map(lifetime_of),
            (None, None) => Some(Lifetime::Session),
            (None, Some(_)) => None,
        };
        if !out.iter().any(|(n, _)| n == cookie.name()) {
            out.push((cookie.name().to_owned(), lifetime));
        }
    }
    out
}

/// The hashes of what the gateway inlines into a page for these grants: the Consent Mode
/// script, and the theme's style when the site has one.
pub(crate) fn inline_hashes(site: &Site, grants: Grants) -> InlineHashes {
    InlineHashes {
        scripts: vec![consent_mode_hash(grants)],
        styles: theme_css(&site.banner.theme)
            .map(|css| csp_hash(&css))
            .into_iter()
            .collect(),
    }
}

/// The banner's language for a visitor: the best of the site's languages for their
/// `Accept-Language`, or the site's default.
pub(crate) fn banner_language(
    site: &Site,
    fallback: Language,
    accept_language: Option<&str>,
) -> Language {
    let offered: Vec<Language> = if site.banner.languages.is_empty() {
        Language::ALL.to_vec()
    } else {
        site.banner
            .languages
            .iter()
            .filter_map(|code| Language::from_code(code))
            .collect()
    };
    let fallback = if offered.contains(&fallback) {
        fallback
    } else {
        offered.first().copied().unwrap_or(fallback)
    };
    Language::negotiate_among(accept_language, &offered, fallback)
}

/// The page context for one page view.
pub(crate) fn page_context(inputs: &BannerInputs<'_>) -> PageContext {
    let site = inputs.site;
    let language = banner_language(site, inputs.fallback, inputs.request.accept_language);
    let mut cookies = CookieList::new();
    cookies.add_cookie(
        CONSENT_COOKIE,
        Category::Necessary,
        Some(lifetime_of(inputs.lifetime_secs)),
    );
    cookies.add_rules(&site.cookie_rules);
    for c in inputs.origin_cookies {
        cookies.add_set_by_site(&c.name, c.category, c.lifetime);
    }
    let grants = inputs.consent.grants;
    let decided: Option<Vec<Category>> = inputs
        .consent
        .decision
        .as_ref()
        .map(|_| grants.optional().collect());
    let return_to = safe_return_path(Some(inputs.request.path_and_query));
    let settings = Arc::new(site.banner.clone());
    let privacy_url = site.privacy_url.clone();
    let assets = Arc::clone(inputs.assets);
    let banner_settings = Arc::clone(&settings);
    let banner_assets = Arc::clone(&assets);
    let body_html = move |findings: &PageFindings| {
        let mut cookies = cookies.clone();
        for (vendor, category) in &findings.vendors {
            cookies.add_vendor(vendor, *category);
        }
        render(
            &BannerView {
                language,
                decided: decided.as_deref(),
                return_to: &return_to,
                privacy_url: privacy_url.as_deref(),
                endpoint: CONSENT_PATH,
                settings: &banner_settings,
                cookies: &cookies,
            },
            &banner_assets,
        )
    };
    PageContext {
        grants,
        inline_hashes: inline_hashes(site, grants),
        head_html: consent_mode_defaults(grants),
        body_html: Arc::new(body_html),
        placeholder: Arc::new(move |vendor, category| {
            embed_placeholder(language, &settings, &assets, vendor, category)
        }),
    }
}

/// A lifetime in seconds in the largest whole unit, for the list of cookies.
fn lifetime_of(secs: u64) -> Lifetime {
    let (count, unit) = [
        (365 * 86_400, LifetimeUnit::Year),
        (30 * 86_400, LifetimeUnit::Month),
        (86_400, LifetimeUnit::Day),
        (3_600, LifetimeUnit::Hour),
    ]
    .into_iter()
    .find(|(size, _)| secs >= *size && secs % size == 0)
    .map_or((secs / 60, LifetimeUnit::Minute), |(size, unit)| {
        (secs / size, unit)
    });
    Lifetime::For {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        unit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_lifetime_in_words() {
        assert_eq!(lifetime_of(365 * 86_400).to_string(), "1 year");
        assert_eq!(lifetime_of(180 * 86_400).to_string(), "6 months");
        assert_eq!(lifetime_of(86_400 * 10).to_string(), "10 days");
        assert_eq!(lifetime_of(90).to_string(), "1 minute");
    }

    #[test]
    fn set_cookies_give_names_and_lifetimes() {
        let mut headers = HeaderMap::new();
        for value in [
            "session=1; Path=/; HttpOnly",
            "_fbp=fb.1; Max-Age=7776000; Path=/",
            "old=; Max-Age=0",
            "dated=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT",
            "session=2",
        ] {
            headers.append(
                header::SET_COOKIE,
                http::HeaderValue::from_str(value).expect("value"),
            );
        }
        let found: Vec<(String, Option<String>)> = set_cookie_lifetimes(&headers)
            .into_iter()
            .map(|(n, l)| (n, l.map(|l| l.to_string())))
            .collect();
        assert_eq!(
            found,
            [
                ("session".to_owned(), Some("session".to_owned())),
                ("_fbp".to_owned(), Some("3 months".to_owned())),
                ("dated".to_owned(), None),
            ]
        );
    }
}
