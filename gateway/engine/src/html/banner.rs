//! What a page gets from the banner: the Consent Mode defaults for `<head>`, and the banner
//! for the end of `<body>`, rendered there with the vendors the rewrite found on the page.

use std::sync::Arc;

use consentry_banner::{embed_placeholder, render, Assets, BannerView, CookieList, Language};
use consentry_config::{Category, Lifetime, LifetimeUnit, Site};

use super::{consent_mode_defaults, PageContext, PageFindings};
use crate::consent::VisitorConsent;
use crate::consent_cookie::CONSENT_COOKIE;
use crate::decision::safe_return_path;
use crate::site::{RequestInfo, CONSENT_PATH};

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
}

/// The page context for one page view.
pub(crate) fn page_context(inputs: &BannerInputs<'_>) -> PageContext {
    let site = inputs.site;
    let offered: Vec<Language> = if site.banner.languages.is_empty() {
        Language::ALL.to_vec()
    } else {
        site.banner
            .languages
            .iter()
            .filter_map(|code| Language::from_code(code))
            .collect()
    };
    let fallback = if offered.contains(&inputs.fallback) {
        inputs.fallback
    } else {
        offered.first().copied().unwrap_or(inputs.fallback)
    };
    let language = Language::negotiate_among(inputs.request.accept_language, &offered, fallback);
    let mut cookies = CookieList::new();
    cookies.add_cookie(
        CONSENT_COOKIE,
        Category::Necessary,
        Some(lifetime_of(inputs.lifetime_secs)),
    );
    cookies.add_rules(&site.cookie_rules);
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
}
