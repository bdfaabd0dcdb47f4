//! One site's engine: everything the hosts ask on a request and a response.

use std::sync::Arc;

use consentry_banner::{embed_placeholder, render, Assets, BannerView, Language, ASSET_PREFIX};
use consentry_config::{Catalogue, Category, ConsentSettings, Site};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};

use crate::classify::CookieClassifier;
use crate::codec::ContentCoding;
use crate::consent::{Policy, VisitorConsent};
use crate::consent_cookie::{consent_id_from, ConsentCookie, CookieSigner, CONSENT_COOKIE};
use crate::decision::{safe_return_path, DecisionRequest};
use crate::html::{consent_mode_defaults, PageContext, PageRewriter, RewriteError};
use crate::record::ConsentRecord;
use crate::request_cookies::{CookieFilter, RequestCookies};
use crate::set_cookie::{expiring_set_cookies, filter_set_cookies, SetCookieFilter};
use crate::trackers::TrackerIndex;
use crate::BodyRewriter;

/// The consent endpoint's path.
pub const CONSENT_PATH: &str = "/__consentry/consent";

/// What the gateway does with a request, by its path.
#[derive(Debug)]
pub enum Route<'a> {
    /// Forward it to the origin.
    Origin,
    /// A decision for the consent endpoint.
    Consent,
    /// A banner asset.
    Asset(&'a consentry_banner::Asset),
    /// One of Consentry's own paths, with the method it does not take.
    MethodNotAllowed(&'static str),
    /// A path under `/__consentry/` that does not exist.
    NotFound,
}

/// What a host must do with an origin's response body.
#[derive(Debug)]
pub enum BodyPlan {
    /// Send it on byte for byte.
    Pass,
    /// Send it through this rewriter.
    Rewrite(Box<BodyRewriter>),
}

/// What to answer to a decision.
#[derive(Debug, Clone)]
pub struct DecisionOutcome {
    /// `Set-Cookie` values: the new consent cookie first, then expiring cookies of categories
    /// no longer granted.
    pub set_cookies: Vec<String>,
    /// The record to append before answering.
    pub record: ConsentRecord,
    /// For a form post, where to send the visitor back to (303).
    pub redirect_to: Option<String>,
}

/// The engine for one site.
#[derive(Debug)]
pub struct SiteEngine {
    site: Site,
    classifier: CookieClassifier,
    trackers: Arc<TrackerIndex>,
    signer: CookieSigner,
    policy: Policy,
    assets: Arc<Assets>,
    language: Language,
}

impl SiteEngine {
    pub(crate) fn new(
        site: Site,
        consent: &ConsentSettings,
        catalogue: &Catalogue,
        trackers: Arc<TrackerIndex>,
        signer: CookieSigner,
        assets: Arc<Assets>,
    ) -> Self {
        let classifier =
            CookieClassifier::new(&site.cookie_rules, catalogue, consent.unknown_cookies);
        let language = site
            .language
            .as_deref()
            .and_then(Language::from_code)
            .unwrap_or(Language::En);
        SiteEngine {
            site,
            classifier,
            trackers,
            signer,
            policy: Policy {
                version: consent.policy_version,
                lifetime_secs: consent.lifetime.as_secs(),
            },
            assets,
            language,
        }
    }

    /// The site's configuration.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The site's cookie classifier.
    pub fn classifier(&self) -> &CookieClassifier {
        &self.classifier
    }

    /// What to do with a request for `path`.
    pub fn route(&self, method: &Method, path: &str) -> Route<'_> {
        if !path.starts_with(ASSET_PREFIX) {
            return Route::Origin;
        }
        if path == CONSENT_PATH {
            return if method == Method::POST {
                Route::Consent
            } else {
                Route::MethodNotAllowed("POST")
            };
        }
        match self.assets.get(path) {
            Some(asset) if method == Method::GET || method == Method::HEAD => Route::Asset(asset),
            Some(_) => Route::MethodNotAllowed("GET, HEAD"),
            None => Route::NotFound,
        }
    }

    /// The visitor's consent from the request's cookies and `Sec-GPC`. `now` is seconds
    /// since the Unix epoch.
    pub fn consent(
        &self,
        cookies: &RequestCookies<'_>,
        headers: &HeaderMap,
        now: u64,
    ) -> VisitorConsent {
        let gpc = headers
            .get("sec-gpc")
            .is_some_and(|v| v.as_bytes().trim_ascii() == b"1");
        VisitorConsent::evaluate(
            cookies.consent_values(),
            &self.site.name,
            &self.signer,
            self.policy,
            gpc,
            now,
        )
    }

    /// Prepares a request for the origin: removes the cookies the visitor has not consented
    /// to and asks only for content codings the gateway can decode. Returns the consent
    /// and what was removed.
    pub fn prepare_request(
        &self,
        headers: &mut HeaderMap,
        now: u64,
    ) -> (VisitorConsent, CookieFilter) {
        let (consent, filter) = {
            let values = headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok());
            let cookies = RequestCookies::parse(values);
            let consent = self.consent(&cookies, headers, now);
            let filter = cookies.filter(&self.classifier, consent.grants);
            (consent, filter)
        };
        if let Some(new_header) = &filter.header {
            headers.remove(header::COOKIE);
            if !new_header.is_empty() {
                if let Ok(value) = HeaderValue::from_str(new_header) {
                    headers.insert(header::COOKIE, value);
                }
            }
        }
        for name in &filter.unclassified {
            tracing::debug!(cookie = %name, site = %self.site.name, "unclassified cookie in request");
        }
        restrict_accept_encoding(headers);
        (consent, filter)
    }

    /// Filters the origin's `Set-Cookie` headers and decides whether the body is rewritten.
    /// `request` is the visitor's request (method, path, headers); `now` as above.
    pub fn prepare_response(
        &self,
        consent: &VisitorConsent,
        request: &RequestInfo<'_>,
        status: StatusCode,
        headers: &mut HeaderMap,
        now: u64,
    ) -> (SetCookieFilter, BodyPlan) {
        let filter = filter_set_cookies(headers, &self.classifier, consent.grants, now);
        for name in &filter.newly_unclassified {
            tracing::info!(
                cookie = %name,
                site = %self.site.name,
                unclassified_total = self.classifier.unclassified_count(),
                "new unclassified cookie set by the origin; treated as necessary (HttpOnly or session); classify it in [site.cookies]"
            );
        }
        let plan = self.body_plan(consent, request, status, headers);
        (filter, plan)
    }

    fn body_plan(
        &self,
        consent: &VisitorConsent,
        request: &RequestInfo<'_>,
        status: StatusCode,
        headers: &mut HeaderMap,
    ) -> BodyPlan {
        if request.method == Method::HEAD
            || status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED
            || status == StatusCode::PARTIAL_CONTENT
        {
            return BodyPlan::Pass;
        }
        let Some(charset) = html_charset(headers) else {
            return BodyPlan::Pass;
        };
        let encoding = headers
            .get(header::CONTENT_ENCODING)
            .and_then(|v| v.to_str().ok());
        let Some(coding) = ContentCoding::from_header(encoding) else {
            tracing::warn!(encoding = ?encoding, "HTML in a content coding the gateway cannot decode passes unrewritten");
            return BodyPlan::Pass;
        };
        let rewriter = match self.page_rewriter(consent, request, charset.as_deref()) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "HTML passes unrewritten");
                return BodyPlan::Pass;
            }
        };
        headers.remove(header::CONTENT_LENGTH);
        // The body now depends on the visitor's consent: no validator of the origin's
        // fits it, and no shared cache may hand it to another visitor.
        headers.remove(header::ETAG);
        headers.remove(header::LAST_MODIFIED);
        headers.remove(header::ACCEPT_RANGES);
        mark_private(headers);
        BodyPlan::Rewrite(Box::new(BodyRewriter::new(rewriter, coding)))
    }

    /// A rewriter for one page, for the visitor's consent.
    pub fn page_rewriter(
        &self,
        consent: &VisitorConsent,
        request: &RequestInfo<'_>,
        charset: Option<&str>,
    ) -> Result<PageRewriter, RewriteError> {
        let language = Language::negotiate(request.accept_language, self.language);
        let granted: Vec<Category> = consent.grants.optional().collect();
        let banner = render(
            &BannerView {
                language,
                decided: consent.decision.as_ref().map(|_| granted.as_slice()),
                return_to: &safe_return_path(Some(request.path_and_query)),
                privacy_url: self.site.privacy_url.as_deref(),
                endpoint: CONSENT_PATH,
            },
            &self.assets,
        );
        let context = PageContext {
            grants: consent.grants,
            head_html: consent_mode_defaults(consent.grants),
            body_html: banner,
            placeholder: match language {
                Language::Nl => {
                    |vendor, category| embed_placeholder(Language::Nl, vendor, category)
                }
                Language::En => {
                    |vendor, category| embed_placeholder(Language::En, vendor, category)
                }
            },
        };
        PageRewriter::new(context, Arc::clone(&self.trackers), charset)
    }

    /// Turns a posted decision into the new consent cookie, the expiring cookies of what is no
    /// longer granted, and the record to keep. `random` makes the consent id of a first
    /// decision; `secure` says whether the visitor came over HTTPS.
    pub fn decide(
        &self,
        decision: &DecisionRequest,
        headers: &HeaderMap,
        host: &str,
        secure: bool,
        now: u64,
        random: [u8; 16],
    ) -> DecisionOutcome {
        let values = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok());
        let cookies = RequestCookies::parse(values);
        let previous = self.consent(&cookies, headers, now);
        let grants = decision.grants(previous.gpc);
        let consent_id = match &previous.decision {
            Some(cookie) => cookie.consent_id.clone(),
            None => consent_id_from(random),
        };
        let cookie = ConsentCookie {
            consent_id: consent_id.clone(),
            grants,
            policy_version: self.policy.version,
            issued_at: now,
        };
        let mut set_cookies = vec![format!(
            "{CONSENT_COOKIE}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
            self.signer.sign(&self.site.name, &cookie),
            self.policy.lifetime_secs,
            if secure { "; Secure" } else { "" }
        )];
        let mut expired = std::collections::HashSet::new();
        for name in cookies.names() {
            if name == CONSENT_COOKIE || !expired.insert(name) {
                continue;
            }
            if !grants.allows(self.classifier.for_request(name).category) {
                set_cookies.extend(expiring_set_cookies(name, host, secure));
            }
        }
        let record = ConsentRecord {
            consent_id,
            site: self.site.name.clone(),
            recorded_at: now,
            policy_version: self.policy.version,
            action: decision.kind,
            via_form: decision.via_form,
            gpc: previous.gpc,
            granted: std::iter::once(Category::Necessary)
                .chain(grants.optional())
                .collect(),
        };
        let redirect_to = decision.via_form.then(|| {
            let referer_path = headers
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .and_then(|r| url::Url::parse(r).ok())
                .filter(|u| u.host_str() == Some(host))
                .map(|u| match u.query() {
                    Some(q) => format!("{}?{q}", u.path()),
                    None => u.path().to_owned(),
                });
            safe_return_path(decision.return_to.as_deref().or(referer_path.as_deref()))
        });
        DecisionOutcome {
            set_cookies,
            record,
            redirect_to,
        }
    }
}

/// The parts of the visitor's request the response side needs.
#[derive(Debug, Clone, Copy)]
pub struct RequestInfo<'a> {
    /// The request method.
    pub method: &'a Method,
    /// Path and query, for the banner's way back.
    pub path_and_query: &'a str,
    /// The visitor's `Accept-Language`.
    pub accept_language: Option<&'a str>,
}

/// `Some(charset)` when the response is HTML (`charset` from `Content-Type`, if any).
fn html_charset(headers: &HeaderMap) -> Option<Option<String>> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mut parts = content_type.split(';');
    let media = parts.next()?.trim();
    if !media.eq_ignore_ascii_case("text/html") {
        return None;
    }
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"').to_owned())
    });
    Some(charset)
}

fn mark_private(headers: &mut HeaderMap) {
    let current = headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if current.split(',').any(|d| {
        matches!(
            d.trim().to_ascii_lowercase().as_str(),
            "private" | "no-store"
        )
    }) {
        return;
    }
    let kept: Vec<&str> = current
        .split(',')
        .map(str::trim)
        .filter(|d| {
            let d = d.to_ascii_lowercase();
            !d.is_empty() && d != "public" && !d.starts_with("s-maxage")
        })
        .collect();
    let value = std::iter::once("private")
        .chain(kept)
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(header::CACHE_CONTROL, value);
    }
}

/// Keeps only the content codings the gateway can decode, so it can always rewrite HTML.
fn restrict_accept_encoding(headers: &mut HeaderMap) {
    let Some(value) = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let kept: Vec<&str> = value
        .split(',')
        .map(str::trim)
        .filter(|item| {
            let coding = item
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            matches!(
                coding.as_str(),
                "gzip" | "x-gzip" | "deflate" | "br" | "identity"
            )
        })
        .collect();
    if kept.len() == value.split(',').count() {
        return;
    }
    if kept.is_empty() {
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("identity"),
        );
    } else if let Ok(v) = HeaderValue::from_str(&kept.join(", ")) {
        headers.insert(header::ACCEPT_ENCODING, v);
    }
}

/// Whether a state-changing request comes from the site's own pages: a browser sends
/// `Origin` (or `Sec-Fetch-Site`) with every cross-site post, so another site cannot record a
/// decision on the visitor's behalf.
pub fn is_same_origin(headers: &HeaderMap, host: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        // Old browsers send neither header; `null` comes from privacy settings as often as
        // from sandboxes, and a browser that sends it also sends Sec-Fetch-Site.
        None | Some("null") => true,
        Some(origin) => url::Url::parse(origin).is_ok_and(|u| {
            let authority = match u.port() {
                Some(port) => format!("{}:{port}", u.host_str().unwrap_or("")),
                None => u.host_str().unwrap_or("").to_owned(),
            };
            authority.eq_ignore_ascii_case(host)
                || u.host_str()
                    .is_some_and(|h| h.eq_ignore_ascii_case(host_without_port(host)))
        }),
    }
}

/// `host` without a `:port` suffix.
pub fn host_without_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split(']')
            .next()
            .map_or(host, |h| &host[..h.len() + 1]);
    }
    host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    })
}
