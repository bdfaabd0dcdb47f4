//! One site's engine: everything the hosts ask on a request and a response.

use std::sync::Arc;

use consentry_banner::{Assets, Language, ASSET_PREFIX};
use consentry_config::{Catalogue, ConsentSettings, Regime, RegimeMap, Site};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use sha2::{Digest, Sha256};

use crate::classify::CookieClassifier;
use crate::codec::ContentCoding;
use crate::consent::{Policy, VisitorConsent};
use crate::consent_cookie::{consent_id_from, ConsentCookie, CookieSigner, CONSENT_COOKIE};
use crate::decision::{safe_return_path, DecisionKind, DecisionOutcome, DecisionRequest};
use crate::html::{
    banner_language, inline_hashes, page_context, set_cookie_lifetimes, OriginCookie, PageRewriter,
    RewriteError, SiteBanner,
};
use crate::paths::{
    is_admin_path, CONSENT_PATH, DECLARATION_PATH, ERASE_PATH, OPT_OUT_PATH, RECEIPT_PATH,
};
use crate::place::Place;
use crate::record::{browser_family, truncate_ip, ConsentRecord, IpRecording, RecordKind, Visitor};
use crate::request::{referer_path, RequestInfo};
use crate::request_cookies::{CookieFilter, RequestCookies};
use crate::set_cookie::{expiring_set_cookies, filter_set_cookies, SetCookieFilter};
use crate::tcf_layer::TcfLayers;
use crate::tcf_site::{note_client_string, SiteTcfEngine, TcfAsk, TC_COOKIE};
use crate::trackers::TrackerIndex;
use crate::BodyRewriter;

/// What the gateway does with a request, by its path.
#[derive(Debug)]
pub enum Route<'a> {
    /// Forward it to the origin.
    Origin,
    /// A decision for the consent endpoint.
    Consent,
    /// A banner asset.
    Asset(&'a consentry_banner::Asset),
    /// The visitor's receipt page.
    Receipt,
    /// The cookie declaration (`/__consentry/cookies`).
    Cookies,
    /// The opt-out page (`/__consentry/opt-out`).
    OptOut,
    /// The visitor asks to erase their records.
    Erase,
    /// One of Consentry's own paths, with the method it does not take.
    MethodNotAllowed(&'static str),
    /// A path under `/__consentry/` that does not exist.
    NotFound,
    /// The dashboard or its API (`/__consentry/admin...`, `/__consentry/api/...`): the host
    /// reads the request and hands it to the dashboard.
    Admin,
}

/// What a host must do with an origin's response body.
#[derive(Debug)]
pub enum BodyPlan {
    /// Send it on byte for byte.
    Pass,
    /// Send it through this rewriter.
    Rewrite(Box<BodyRewriter>),
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
    ip_recording: IpRecording,
    /// The banner's parts and the banners rendered so far, for the page rewriter.
    banner: Arc<SiteBanner>,
    /// The IAB TCF of a site that enables it.
    tcf: Option<Arc<SiteTcfEngine>>,
}

impl SiteEngine {
    pub(crate) fn new(
        site: Site,
        consent: &ConsentSettings,
        catalogue: &Catalogue,
        trackers: Arc<TrackerIndex>,
        signer: CookieSigner,
        assets: Arc<Assets>,
        tcf: Option<(SiteTcfEngine, TcfLayers)>,
    ) -> Self {
        let (tcf, tcf_layers) = tcf.map_or((None, TcfLayers::default()), |(t, l)| (Some(t), l));
        let mut site = site;
        if tcf.is_some() {
            // The TC string's cookie is the CMP's own, set by the gateway: necessary.
            site.cookie_rules.push(consentry_config::CookieRule {
                pattern: TC_COOKIE.to_owned(),
                category: consentry_config::Category::Necessary,
            });
        }
        let classifier =
            CookieClassifier::new(&site.cookie_rules, catalogue, consent.unknown_cookies);
        // A site that lets some trackers through gets a runtime guard of its own that lets
        // the same through; the others share one.
        let assets = if site.allow_trackers.is_empty() {
            assets
        } else {
            let allow: Vec<&str> = site.allow_trackers.iter().map(String::as_str).collect();
            Arc::new(Assets::clone(&assets).with_guard_allowing(catalogue, &allow))
        };
        let language = site
            .language
            .as_deref()
            .and_then(Language::from_code)
            .unwrap_or(Language::En);
        let banner = Arc::new(
            SiteBanner::new(
                &site,
                Arc::clone(&assets),
                language,
                consent.lifetime.as_secs(),
            )
            .with_tcf(tcf_layers),
        );
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
            ip_recording: match consent.record_ip {
                consentry_config::RecordIp::Truncate => IpRecording::Truncated,
                consentry_config::RecordIp::Omit => IpRecording::Omitted,
            },
            banner,
            tcf: tcf.map(Arc::new),
        }
    }

    /// The site's IAB TCF, when it enables it.
    pub fn tcf(&self) -> Option<&SiteTcfEngine> {
        self.tcf.as_deref()
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
        if path == CONSENT_PATH || path == ERASE_PATH {
            return match (method == Method::POST, path == CONSENT_PATH) {
                (true, true) => Route::Consent,
                (true, false) => Route::Erase,
                (false, _) => Route::MethodNotAllowed("POST"),
            };
        }
        if is_admin_path(path) {
            return Route::Admin;
        }
        let page = match path {
            RECEIPT_PATH => Some(Route::Receipt),
            DECLARATION_PATH => Some(Route::Cookies),
            OPT_OUT_PATH => Some(Route::OptOut),
            _ => None,
        };
        if let Some(page) = page {
            return if method == Method::GET || method == Method::HEAD {
                page
            } else {
                Route::MethodNotAllowed("GET, HEAD")
            };
        }
        match self.assets.get(path) {
            Some(asset) if method == Method::GET || method == Method::HEAD => Route::Asset(asset),
            Some(_) => Route::MethodNotAllowed("GET, HEAD"),
            None => Route::NotFound,
        }
    }

    /// A record of `kind` for this site, with the visitor's details reduced to what may be
    /// kept: the network instead of the address, the browser family instead of the agent.
    pub fn new_record(
        &self,
        kind: RecordKind,
        consent_id: String,
        language: Language,
        visitor: Visitor<'_>,
        now: u64,
        record_random: [u8; 16],
    ) -> ConsentRecord {
        ConsentRecord {
            record_id: consent_id_from(record_random),
            consent_id,
            recorded_at: now,
            site: self.site.name.clone(),
            policy_version: self.policy.version,
            language: language.code().to_owned(),
            country: visitor.country.map(str::to_owned),
            ip_prefix: match self.ip_recording {
                IpRecording::Truncated => visitor.ip.map(truncate_ip),
                IpRecording::Omitted => None,
            },
            browser: visitor.user_agent.and_then(browser_family),
            regime: visitor.regime.as_str().to_owned(),
            ..ConsentRecord::of_kind(kind)
        }
    }

    /// When the visitor's decision lapsed (expired, or the policy version changed), the record
    /// of asking again and the `Set-Cookie` that removes the lapsed cookie, so the re-prompt
    /// is recorded once.
    pub fn reprompt(
        &self,
        consent: &VisitorConsent,
        headers: &HeaderMap,
        visitor: Visitor<'_>,
        secure: bool,
        now: u64,
        record_random: [u8; 16],
    ) -> Option<(ConsentRecord, String)> {
        let stale = consent.stale.as_ref()?;
        let language = self.language_for(headers);
        let mut record = self.new_record(
            RecordKind::Reprompt,
            stale.consent_id.clone(),
            language,
            visitor,
            now,
            record_random,
        );
        record.gpc = consent.gpc;
        record.detail = if stale.policy_version == self.policy.version {
            "expired".to_owned()
        } else {
            format!("policy changed from version {}", stale.policy_version)
        };
        let clear = format!(
            "{CONSENT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        );
        Some((record, clear))
    }

    /// The banner language for a request.
    pub fn language_for(&self, headers: &HeaderMap) -> Language {
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        banner_language(&self.site, self.language, accept)
    }

    /// SHA-256 (hex) of the banner's texts as shown in `language`, the site's replacements
    /// included, and of its privacy link: the proof of what the visitor was told. Each text
    /// enters as `key=value` on its own line.
    pub fn banner_hash(&self, language: Language) -> String {
        let texts = consentry_banner::Texts::new(language, &self.site.banner.texts);
        let mut hasher = Sha256::new();
        for (key, value) in texts.entries() {
            hasher.update(key.as_bytes());
            hasher.update(b"=");
            hasher.update(value.replace('\n', " ").as_bytes());
            hasher.update(b"\n");
        }
        hasher.update(b"privacy_url=");
        hasher.update(self.site.privacy_url.as_deref().unwrap_or("").as_bytes());
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The opt-out page for a visitor who asks with `headers`: the form posting the opt-out,
    /// coming back to `return_to`, or the confirmation when they `opted_out`.
    pub fn opt_out_page(&self, headers: &HeaderMap, return_to: &str, opted_out: bool) -> String {
        consentry_banner::opt_out_page(
            self.language_for(headers),
            &self.site.banner,
            CONSENT_PATH,
            return_to,
            opted_out,
            self.site.privacy_url.as_deref(),
            &self.assets,
        )
    }

    /// The policy in force.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The visitor's consent on a request, from its headers, under `regime`.
    pub fn consent_of(&self, headers: &HeaderMap, regime: Regime, now: u64) -> VisitorConsent {
        self.consent(&RequestCookies::from_headers(headers), headers, regime, now)
    }

    /// Which consent regime applies where.
    pub fn regimes(&self) -> &RegimeMap {
        &self.site.regimes
    }

    /// The regime for a visitor: `place` is asked only when the site's regime depends on it.
    pub fn regime_at(&self, place: impl FnOnce() -> Place) -> Regime {
        let regimes = &self.site.regimes;
        if regimes.is_uniform() {
            regimes.elsewhere()
        } else {
            place().regime_in(regimes)
        }
    }

    /// `Set-Cookie` values that delete every cookie the request carries whose category is
    /// not in `grants` (the consent cookie aside), for `host` and its parent domains.
    pub(crate) fn expiring_cookies(
        &self,
        cookies: &RequestCookies<'_>,
        grants: crate::Grants,
        host: &str,
        secure: bool,
    ) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let mut set_cookies = Vec::new();
        for name in cookies.names() {
            if name == CONSENT_COOKIE || !seen.insert(name) {
                continue;
            }
            if !grants.allows(self.classifier.for_request(name).category) {
                set_cookies.extend(expiring_set_cookies(name, host, secure));
            }
        }
        set_cookies
    }

    /// The visitor's consent from the request's cookies and `Sec-GPC`, under the regime where
    /// they are. `now` is seconds since the Unix epoch.
    pub fn consent(
        &self,
        cookies: &RequestCookies<'_>,
        headers: &HeaderMap,
        regime: Regime,
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
        .in_regime(regime)
    }

    /// Prepares a request for the origin: removes the cookies the visitor has not consented
    /// to (under `regime`) and asks only for content codings the gateway can decode. Returns
    /// the consent and what was removed.
    pub fn prepare_request(
        &self,
        headers: &mut HeaderMap,
        regime: Regime,
        now: u64,
    ) -> (VisitorConsent, CookieFilter) {
        let (consent, filter) = {
            let cookies = RequestCookies::from_headers(headers);
            let consent = self.consent(&cookies, headers, regime, now);
            if self.tcf.is_some() {
                // Never trusted: the gateway decides from its own cookie.
                cookies.values(TC_COOKIE).for_each(note_client_string);
            }
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
            self.report_unclassified(name, "arrived in a request (set by a script?)");
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
        for cookie in &filter.cookies {
            self.report_unclassified(&cookie.name, "set by the origin");
        }
        // What the origin sets, for the banner's list of cookies (with their real lifetimes).
        let origin_cookies: Vec<OriginCookie> = set_cookie_lifetimes(&filter.cookies)
            .into_iter()
            .map(|(name, lifetime)| OriginCookie {
                category: self.classifier.for_request(name).category,
                name: name.to_owned(),
                lifetime,
            })
            .collect();
        let plan = self.body_plan(consent, request, status, headers, &origin_cookies, now);
        (filter, plan)
    }

    /// Reports an unknown cookie name once: a log line with the running count. It is then in
    /// the cookie inventory's list of unclassified cookies until the owner classifies it.
    fn report_unclassified(&self, name: &str, how: &str) {
        if !self.classifier.flag_unclassified(name) {
            return;
        }
        let class = self.classifier.for_request(name);
        let treated = if self.classifier.is_learned(name) {
            "as necessary (the origin set it HttpOnly or for the session)"
        } else {
            "by the fallback"
        };
        tracing::warn!(
            cookie = %name,
            site = %self.site.name,
            category = %class.category,
            unclassified_total = self.classifier.unclassified_count(),
            "new unclassified cookie {how}; classified {treated}; classify it in the dashboard or [site.cookies]"
        );
    }

    fn body_plan(
        &self,
        consent: &VisitorConsent,
        request: &RequestInfo<'_>,
        status: StatusCode,
        headers: &mut HeaderMap,
        origin_cookies: &[OriginCookie],
        now: u64,
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
        let rewriter = match self.page_rewriter_with(
            consent,
            request,
            charset.as_deref(),
            origin_cookies,
            now,
        ) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "HTML passes unrewritten");
                return BodyPlan::Pass;
            }
        };
        // A Content-Security-Policy keeps working: the inline script (and a theme's style)
        // the gateway adds are allowed by their hashes, not by weakening the policy.
        let hashes = inline_hashes(&self.site, consent, request.place);
        crate::csp::allow_inline(headers, &hashes.scripts, &hashes.styles);
        headers.remove(header::CONTENT_LENGTH);
        // The body now depends on the visitor's consent: no validator of the origin's
        // fits it, and no shared cache may hand it to another visitor.
        headers.remove(header::ETAG);
        headers.remove(header::LAST_MODIFIED);
        headers.remove(header::ACCEPT_RANGES);
        mark_private(headers);
        BodyPlan::Rewrite(Box::new(BodyRewriter::new(rewriter, coding)))
    }

    /// A rewriter for one page, for the visitor's consent (a site with TCF dates the page's
    /// TC string at the epoch: the request path gives the time through `prepare_response`).
    pub fn page_rewriter(
        &self,
        consent: &VisitorConsent,
        request: &RequestInfo<'_>,
        charset: Option<&str>,
    ) -> Result<PageRewriter, RewriteError> {
        self.page_rewriter_with(consent, request, charset, &[], 0)
    }

    fn page_rewriter_with(
        &self,
        consent: &VisitorConsent,
        request: &RequestInfo<'_>,
        charset: Option<&str>,
        origin_cookies: &[OriginCookie],
        now: u64,
    ) -> Result<PageRewriter, RewriteError> {
        let tcf = self.tcf.as_deref().map(|tcf| (tcf, now));
        let context = page_context(&self.banner, consent, request, origin_cookies, tcf);
        PageRewriter::new(context, Arc::clone(&self.trackers), charset)
    }

    /// Turns a posted decision into the new consent cookie, the expiring cookies of what is no
    /// longer granted, and the record to keep. `random` makes the ids (consent id of a first
    /// decision, record id); `secure` says whether the visitor came over HTTPS.
    pub fn decide(
        &self,
        decision: &DecisionRequest,
        asked: Asked<'_>,
        random: [u8; 32],
    ) -> DecisionOutcome {
        let Asked {
            headers,
            host,
            secure,
            visitor,
            now,
        } = asked;
        let cookies = RequestCookies::from_headers(headers);
        let previous = self.consent(&cookies, headers, visitor.regime, now);
        let grants = decision.grants(previous.gpc, previous.grants);
        let (id_random, record_random) = split_random(random);
        // A visitor keeps one consent id across changes, lapses and withdrawals.
        let consent_id = match previous.decision.as_ref().or(previous.stale.as_ref()) {
            Some(cookie) => cookie.consent_id.clone(),
            None => consent_id_from(id_random),
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
        set_cookies.extend(self.expiring_cookies(&cookies, grants, host, secure));
        let language = self.language_for(headers);
        let kind = match decision.kind {
            DecisionKind::AcceptAll => RecordKind::AcceptAll,
            DecisionKind::RejectAll => RecordKind::RejectAll,
            DecisionKind::Custom => RecordKind::Custom,
            DecisionKind::Withdraw => RecordKind::Withdraw,
            DecisionKind::OptOut => RecordKind::OptOut,
        };
        let mut record = self.new_record(kind, consent_id, language, visitor, now, record_random);
        record.banner_hash = self.banner_hash(language);
        record.via_form = decision.via_form;
        record.gpc = previous.gpc;
        record.set_grants(grants);
        // On a site with TCF, ad tech reads the decision as a TC string: in its cookie, in the
        // answer (for the page's `__tcfapi`), and kept with the record as proof.
        let tcf = self.tcf.as_ref().map(|tcf| {
            tcf.view(TcfAsk {
                grants,
                regime: visitor.regime,
                gpc: previous.gpc,
                us_state: None,
                decided: true,
                language,
                now,
            })
        });
        if let Some(view) = tcf.as_ref().filter(|v| !v.tc_string.is_empty()) {
            set_cookies.push(format!(
                "{TC_COOKIE}={}; Path=/; Max-Age={}; SameSite=Lax{}",
                view.tc_string,
                self.policy.lifetime_secs,
                if secure { "; Secure" } else { "" }
            ));
            record.tc_string = view.tc_string.clone();
        }
        let redirect_to = decision.via_form.then(|| {
            let referer_path = referer_path(headers, host);
            safe_return_path(decision.return_to.as_deref().or(referer_path.as_deref()))
        });
        DecisionOutcome {
            set_cookies,
            record,
            redirect_to,
            tcf: tcf.map(|view| view.data),
        }
    }
}

/// The visitor's request as a decision needs it.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    /// The request headers (cookies, `Sec-GPC`, language, `Referer`).
    pub headers: &'a HeaderMap,
    /// The host the visitor asked for, without the port.
    pub host: &'a str,
    /// The visitor came over HTTPS.
    pub secure: bool,
    /// The visitor, as a record may keep them.
    pub visitor: Visitor<'a>,
    /// Seconds since the Unix epoch.
    pub now: u64,
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

fn split_random(random: [u8; 32]) -> ([u8; 16], [u8; 16]) {
    let mut a = [0u8; 16];
    let mut b = [0u8; 16];
    a.copy_from_slice(&random[..16]);
    b.copy_from_slice(&random[16..]);
    (a, b)
}
