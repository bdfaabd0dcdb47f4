//! What a page gets from the banner: the Consent Mode defaults for `<head>`, and the banner
//! for the end of `<body>`, rendered there with the vendors the rewrite found on the page.
//!
//! What does not change from page to page is prepared once per site ([`SiteBanner`]), and a
//! rendered banner is kept for the next page view that needs the same one: only the way back
//! (the page's path) differs between them, and it is put in when the page asks.

use std::sync::{Arc, PoisonError, RwLock};

use consentry_banner::{
    embed_placeholder, escape_html, render, tcf_data_block, theme_css, Assets, BannerView,
    CookieList, Language, TCF_STUB,
};
use consentry_config::{BannerSettings, Category, Lifetime, LifetimeUnit, Regime, Site};

use super::consent_mode::Defaults;
use super::{csp_hash, PageContext, PageFindings};
use crate::consent::{before_decision, VisitorConsent};
use crate::consent_cookie::CONSENT_COOKIE;
use crate::csp::InlineHashes;
use crate::decision::safe_return_path;
use crate::paths::CONSENT_PATH;
use crate::request::RequestInfo;
use crate::set_cookie::{CookieLifetime, SetCookieSeen};
use crate::tcf_layer::TcfLayers;
use crate::tcf_site::{SiteTcfEngine, TcfAsk};
use crate::trackers::Allowlist;
use crate::{Grants, Place};

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
pub(crate) fn set_cookie_lifetimes(set: &[SetCookieSeen]) -> Vec<(&str, Option<Lifetime>)> {
    let mut out: Vec<(&str, Option<Lifetime>)> = Vec::new();
    for cookie in set {
        let lifetime = match (cookie.max_age, cookie.lifetime) {
            (Some(secs), _) => Some(lifetime_of(secs)),
            (None, CookieLifetime::Session) => Some(Lifetime::Session),
            (None, _) => None,
        };
        if !out.iter().any(|(n, _)| *n == cookie.name) {
            out.push((&cookie.name, lifetime));
        }
    }
    out
}

/// The hashes of what the gateway inlines into a page for this consent: the Consent Mode
/// script, and the theme's style when the site has one.
pub(crate) fn inline_hashes(
    site: &Site,
    consent: &VisitorConsent,
    place: Option<&Place>,
) -> InlineHashes {
    let defaults = Defaults::of(consent, site.regimes.strictest(), place);
    let stub = if site.tcf.is_some() { TCF_STUB } else { "" };
    InlineHashes {
        scripts: vec![defaults.script_with(stub).1],
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
    let (offered, fallback) = offered_languages(site, fallback);
    Language::negotiate_among(accept_language, &offered, fallback)
}

/// Most banners kept rendered per site. A banner depends on the language, the visitor's
/// decision, the vendors found on the page and the cookies the origin sets with it, so a site
/// has a handful in use; past this many the oldest is dropped.
const MAX_RENDERED: usize = 32;

/// Stands for the way back in a rendered banner, replaced per page view (it appears once,
/// escaped as it is, and cannot come from the site's texts in the same place).
const RETURN_TO_MARK: &str = "\u{1}consentry-return-to\u{1}";

/// What a site's banners are made from, prepared once per site, and the banners rendered so
/// far. Rendering the banner used to be most of the fixed cost of a page.
pub(crate) struct SiteBanner {
    settings: BannerSettings,
    assets: Arc<Assets>,
    privacy_url: Option<String>,
    offered: Vec<Language>,
    fallback: Language,
    /// The consent cookie and the site's own rules, for every page's list.
    cookies: CookieList,
    theme_hash: Option<String>,
    rendered: RwLock<Vec<Arc<Rendered>>>,
    /// What the site lets through although the catalogue names it as a tracker: the site's
    /// `allow_trackers`.
    allow: Arc<Allowlist>,
    /// The strictest regime the site uses: Consent Mode's default for regions other than the
    /// visitor's.
    strictest: consentry_config::Regime,
    /// On a site with TCF, its purposes and vendors for the settings layer, per language.
    tcf: TcfLayers,
}

impl std::fmt::Debug for SiteBanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteBanner")
            .field("offered", &self.offered)
            .field("fallback", &self.fallback)
            .finish_non_exhaustive()
    }
}

/// What a banner shows a visitor: in which language, under which regime, and what they
/// decided or what runs until they do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shown {
    language: Language,
    regime: Regime,
    /// The visitor's decision, if any.
    decided: Option<Grants>,
    /// What runs before a decision (the regime's default, under Global Privacy Control too).
    before: Grants,
}

/// A banner rendered for one set of inputs, split where the way back goes.
struct Rendered {
    shown: Shown,
    vendors: Vec<(String, Category)>,
    origin_cookies: Vec<OriginCookie>,
    before: String,
    after: String,
}

impl Rendered {
    fn is_for(
        &self,
        shown: Shown,
        origin_cookies: &[OriginCookie],
        findings: &PageFindings,
    ) -> bool {
        self.shown == shown
            && self.vendors == findings.vendors
            && self.origin_cookies == origin_cookies
    }

    fn same_inputs(&self, other: &Rendered) -> bool {
        self.shown == other.shown
            && self.vendors == other.vendors
            && self.origin_cookies == other.origin_cookies
    }
}

impl SiteBanner {
    /// `fallback` is the site's language for visitors who ask for none it offers;
    /// `lifetime_secs` how long a decision is kept (the consent cookie's lifetime).
    pub(crate) fn new(
        site: &Site,
        assets: Arc<Assets>,
        fallback: Language,
        lifetime_secs: u64,
    ) -> SiteBanner {
        let (offered, fallback) = offered_languages(site, fallback);
        let mut cookies = CookieList::new();
        cookies.add_cookie(
            CONSENT_COOKIE,
            Category::Necessary,
            Some(lifetime_of(lifetime_secs)),
        );
        cookies.add_rules(&site.cookie_rules);
        SiteBanner {
            settings: site.banner.clone(),
            assets,
            privacy_url: site.privacy_url.clone(),
            offered,
            fallback,
            cookies,
            theme_hash: theme_css(&site.banner.theme).map(|css| csp_hash(&css)),
            rendered: RwLock::new(Vec::new()),
            allow: Arc::new(Allowlist::new(
                site.allow_trackers.iter().map(String::as_str),
            )),
            strictest: site.regimes.strictest(),
            tcf: TcfLayers::default(),
        }
    }

    /// With the TCF layer of a site that enables TCF, shown in the settings in the visitor's
    /// language (it depends on nothing else, so the banners kept stay right).
    pub(crate) fn with_tcf(self, tcf: TcfLayers) -> SiteBanner {
        SiteBanner { tcf, ..self }
    }

    fn language(&self, accept_language: Option<&str>) -> Language {
        Language::negotiate_among(accept_language, &self.offered, self.fallback)
    }

    /// The banner for a page view.
    fn html(
        &self,
        shown: Shown,
        return_to: &str,
        origin_cookies: &[OriginCookie],
        findings: &PageFindings,
    ) -> String {
        if shown.regime == Regime::None {
            return String::new();
        }
        let rendered = match self.find(shown, origin_cookies, findings) {
            Some(r) => r,
            None => match self.render(shown, origin_cookies, findings) {
                Some(r) => self.keep(r),
                // The banner cannot be split where the way back goes: render it whole.
                None => return self.render_with(shown, return_to, origin_cookies, findings),
            },
        };
        let return_to = escape_html(return_to);
        let mut html =
            String::with_capacity(rendered.before.len() + return_to.len() + rendered.after.len());
        html.push_str(&rendered.before);
        html.push_str(&return_to);
        html.push_str(&rendered.after);
        html
    }

    fn find(
        &self,
        shown: Shown,
        origin_cookies: &[OriginCookie],
        findings: &PageFindings,
    ) -> Option<Arc<Rendered>> {
        let rendered = self.rendered.read().unwrap_or_else(PoisonError::into_inner);
        rendered
            .iter()
            .find(|r| r.is_for(shown, origin_cookies, findings))
            .cloned()
    }

    fn keep(&self, rendered: Rendered) -> Arc<Rendered> {
        let rendered = Arc::new(rendered);
        let mut all = self
            .rendered
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        // Another page view may have rendered the same banner meanwhile.
        if let Some(same) = all.iter().find(|r| r.same_inputs(&rendered)) {
            return Arc::clone(same);
        }
        if all.len() >= MAX_RENDERED {
            all.remove(0);
        }
        all.push(Arc::clone(&rendered));
        rendered
    }

    /// The banner for these inputs, split where the way back goes; `None` when the mark
    /// is not found exactly once.
    fn render(
        &self,
        shown: Shown,
        origin_cookies: &[OriginCookie],
        findings: &PageFindings,
    ) -> Option<Rendered> {
        let html = self.render_with(shown, RETURN_TO_MARK, origin_cookies, findings);
        let (before, after) = html.split_once(RETURN_TO_MARK)?;
        if after.contains(RETURN_TO_MARK) {
            return None;
        }
        Some(Rendered {
            shown,
            vendors: findings.vendors.clone(),
            origin_cookies: origin_cookies.to_vec(),
            before: before.to_owned(),
            after: after.to_owned(),
        })
    }

    fn render_with(
        &self,
        shown: Shown,
        return_to: &str,
        origin_cookies: &[OriginCookie],
        findings: &PageFindings,
    ) -> String {
        let mut cookies = self.cookies.clone();
        for c in origin_cookies {
            cookies.add_set_by_site(&c.name, c.category, c.lifetime);
        }
        for (vendor, category) in &findings.vendors {
            cookies.add_vendor(vendor, *category);
        }
        let decided: Option<Vec<Category>> = shown.decided.map(|g| g.optional().collect());
        let before: Vec<Category> = shown.before.optional().collect();
        render(
            &BannerView {
                language: shown.language,
                decided: decided.as_deref(),
                regime: shown.regime,
                before_decision: &before,
                return_to,
                privacy_url: self.privacy_url.as_deref(),
                endpoint: CONSENT_PATH,
                settings: &self.settings,
                cookies: &cookies,
                tcf: self.tcf.get(shown.language),
            },
            &self.assets,
        )
    }

    /// The placeholder of a blocked embed.
    fn placeholder(&self, language: Language, vendor: &str, category: Category) -> String {
        embed_placeholder(language, &self.settings, &self.assets, vendor, category)
    }
}

/// The languages a site offers, and its fallback among them.
fn offered_languages(site: &Site, fallback: Language) -> (Vec<Language>, Language) {
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
    (offered, fallback)
}

/// The page context for one page view of `banner`'s site: `origin_cookies` are the cookies
/// the origin sets with this page.
pub(crate) fn page_context(
    banner: &Arc<SiteBanner>,
    consent: &VisitorConsent,
    request: &RequestInfo<'_>,
    origin_cookies: &[OriginCookie],
    tcf: Option<(&SiteTcfEngine, u64)>,
) -> PageContext {
    let language = banner.language(request.accept_language);
    let grants = consent.grants;
    // A site with TCF: the CMP stubs first in <head> with the defaults, the visitor's TC
    // data beside them, the full API deferred, and its vendors without consent withheld.
    let tcf = tcf.map(|(tcf, now)| {
        let us_state = request
            .place
            .filter(|p| p.country.as_deref() == Some("US"))
            .and_then(|p| p.region.as_deref());
        let view = tcf.view(TcfAsk {
            grants,
            regime: consent.regime,
            gpc: consent.gpc,
            us_state,
            decided: consent.decision.is_some(),
            language,
            now,
        });
        let head = format!(
            "{}<script src=\"{}\" defer></script>",
            tcf_data_block(&view.data.to_string()),
            banner.assets.tcf.path
        );
        (head, Arc::new(tcf.withheld(grants)))
    });
    let shown = Shown {
        language,
        regime: consent.regime,
        decided: consent.decision.as_ref().map(|_| grants),
        before: before_decision(consent.regime, consent.gpc),
    };
    let return_to = safe_return_path(Some(request.path_and_query));
    let origin_cookies = origin_cookies.to_vec();
    let body_banner = Arc::clone(banner);
    let body_html = move |findings: &PageFindings| {
        body_banner.html(shown, &return_to, &origin_cookies, findings)
    };
    let placeholder_banner = Arc::clone(banner);
    let stub = if tcf.is_some() { TCF_STUB } else { "" };
    let (defaults, defaults_hash) =
        Defaults::of(consent, banner.strictest, request.place).script_with(stub);
    let (tcf_head, withheld) = tcf.unwrap_or_default();
    PageContext {
        grants,
        inline_hashes: InlineHashes {
            scripts: vec![defaults_hash],
            styles: banner.theme_hash.iter().cloned().collect(),
        },
        head_html: head_html(&banner.assets, grants, &defaults, &tcf_head),
        body_html: Arc::new(body_html),
        placeholder: Arc::new(move |vendor, category| {
            placeholder_banner.placeholder(language, vendor, category)
        }),
        allow: Arc::clone(&banner.allow),
        withheld,
    }
}

/// The start of `<head>`: the Consent Mode defaults, then, for a visitor who has not granted
/// everything, the runtime guard (an external script, so it loads wherever the banner's does).
/// `tcf` (the TC data and the CMP API of a site with TCF, else empty) follows the defaults.
fn head_html(assets: &Assets, grants: Grants, defaults: &str, tcf: &str) -> String {
    match &assets.guard {
        Some(guard) if !grants.is_all() => {
            let granted: Vec<&str> = grants.optional().map(Category::as_str).collect();
            format!(
                "{defaults}{tcf}<script src=\"{}\" data-granted=\"{}\"></script>",
                guard.path,
                granted.join(" ")
            )
        }
        _ if tcf.is_empty() => defaults.to_owned(),
        _ => format!("{defaults}{tcf}"),
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
    use http::header::{self, HeaderMap};

    use super::*;

    fn site_banner(rules: &str) -> SiteBanner {
        let config = consentry_config::Config::from_toml(
            &format!(
                "[[site]]\nhosts = [\"a.test\"]\nupstream = \"http://127.0.0.1:9000\"\nprivacy_url = \"/privacy?a=1&b=2\"\n{rules}"
            ),
            "test.toml",
        )
        .expect("config");
        SiteBanner::new(
            &config.sites[0],
            Arc::new(Assets::new()),
            Language::En,
            180 * 86_400,
        )
    }

    fn opt_in(language: Language, decided: Option<Grants>) -> Shown {
        Shown {
            language,
            regime: Regime::OptIn,
            decided,
            before: Grants::NECESSARY_ONLY,
        }
    }

    fn findings(vendors: &[(&str, Category)]) -> PageFindings {
        PageFindings {
            vendors: vendors.iter().map(|(v, c)| ((*v).to_owned(), *c)).collect(),
        }
    }

    #[test]
    fn a_kept_banner_is_the_one_rendered_for_the_page() {
        let banner = site_banner("[site.cookies]\nnecessary = [\"cart_*\"]\n");
        let origin = [OriginCookie {
            name: "_fbp".into(),
            category: Category::Marketing,
            lifetime: None,
        }];
        let cases = [
            (Language::En, None, &[][..], findings(&[])),
            (
                Language::Nl,
                Some(Grants::of([Category::Analytics])),
                &origin[..],
                findings(&[
                    ("Google tag", Category::Analytics),
                    ("YouTube", Category::Marketing),
                ]),
            ),
            (
                Language::De,
                Some(Grants::NECESSARY_ONLY),
                &[][..],
                findings(&[("Meta Pixel", Category::Marketing)]),
            ),
        ];
        for path in ["/", "/a?b=<x>&c=\"y\"&d=caf\u{e9}", "/x'y"] {
            for (language, decided, origin, found) in &cases {
                let shown = opt_in(*language, *decided);
                let html = banner.html(shown, path, origin, found);
                let direct = banner.render_with(shown, path, origin, found);
                assert_eq!(html, direct, "{path} {language:?}");
            }
        }
        assert_eq!(
            banner.rendered.read().expect("lock").len(),
            cases.len(),
            "one banner kept per set of inputs, whatever the path"
        );
    }

    #[test]
    fn banners_kept_are_bounded() {
        let banner = site_banner("");
        for i in 0..(MAX_RENDERED + 8) {
            let vendor = format!("vendor {i}");
            let found = findings(&[(vendor.as_str(), Category::Analytics)]);
            let html = banner.html(opt_in(Language::En, None), "/", &[], &found);
            assert!(html.contains(&vendor));
        }
        assert_eq!(banner.rendered.read().expect("lock").len(), MAX_RENDERED);
    }

    #[test]
    fn each_regime_has_its_own_banner_and_none_has_none() {
        let banner = site_banner("");
        let found = findings(&[("Meta Pixel", Category::Marketing)]);
        let shown = |regime, before| Shown {
            language: Language::En,
            regime,
            decided: None,
            before,
        };
        let opt_in = banner.html(
            shown(Regime::OptIn, Grants::NECESSARY_ONLY),
            "/",
            &[],
            &found,
        );
        let opt_out = banner.html(shown(Regime::OptOut, Grants::ALL), "/", &[], &found);
        let gpc = banner.html(
            shown(Regime::OptOut, Grants::ALL.without(Category::Marketing)),
            "/",
            &[],
            &found,
        );
        assert!(opt_in.contains("data-regime=\"opt-in\""), "{opt_in}");
        assert!(opt_out.contains("Do Not Sell or Share My Personal Information"));
        assert!(!opt_in.contains("Do Not Sell"));
        assert_ne!(
            opt_out, gpc,
            "what runs before a decision is part of the banner"
        );
        assert_eq!(
            banner.html(shown(Regime::None, Grants::ALL), "/", &[], &found),
            ""
        );
    }

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
        let classifier = crate::classify::CookieClassifier::new(
            &[],
            &consentry_config::Catalogue::default(),
            consentry_config::UnknownCookies::default(),
        );
        let filtered = crate::set_cookie::filter_set_cookies(
            &mut headers,
            &classifier,
            Grants::ALL,
            1_700_000_000,
        );
        let found: Vec<(&str, Option<String>)> = set_cookie_lifetimes(&filtered.cookies)
            .into_iter()
            .map(|(n, l)| (n, l.map(|l| l.to_string())))
            .collect();
        assert_eq!(
            found,
            [
                ("session", Some("session".to_owned())),
                ("_fbp", Some("3 months".to_owned())),
                ("dated", None),
            ]
        );
    }
}
