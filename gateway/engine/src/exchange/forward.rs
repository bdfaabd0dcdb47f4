//! Forwarding a request to the origin: the request phase's plan (the origin's URI and the
//! headers it gets) and the response phase (the headers the visitor gets, what to do with the
//! body, and the effects for the host to carry out).

use std::net::IpAddr;
use std::sync::{Arc, OnceLock};

use consentry_config::OversizedPages;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode, Uri};

use super::host::{Event, Host, UpstreamFailure};
use super::{own_page, Visit};
use crate::analytics::{is_page_view, PageView};
use crate::forwarding::{is_upgrade, remove_hop_by_hop, set_forwarded, upstream_uri};
use crate::pages::{self, Page};
use crate::request::RequestInfo;
use crate::site::{BodyPlan, SiteEngine};
use crate::{BodyRewriter, ConsentRecord, CookieFilter, Engine, Place, Visitor, VisitorConsent};

/// The request headers a page view is counted by and a re-prompt record is made from.
const VISITOR_HEADERS: [&str; 7] = [
    "user-agent",
    "referer",
    "accept-language",
    "sec-purpose",
    "purpose",
    "x-purpose",
    "x-moz",
];

/// How to forward a request to the site's origin, and what the response phase needs of it.
#[derive(Debug)]
pub struct Forward<'e> {
    engine: &'e Engine,
    site: &'e Arc<SiteEngine>,
    index: usize,
    /// The origin's URI.
    pub uri: Uri,
    /// The headers the origin gets: cookies the visitor did not consent to removed, hop-by-hop
    /// headers removed, forwarding headers set, `Host` as the visitor asked.
    pub headers: HeaderMap,
    /// The request asks to switch protocols (a WebSocket): the host joins both sides when the
    /// origin agrees.
    pub upgrade: bool,
    method: Method,
    consent: VisitorConsent,
    removed: CookieFilter,
    path_and_query: String,
    host: String,
    https: bool,
    peer: Option<IpAddr>,
    now: u64,
    visitor_headers: HeaderMap,
    /// Where the visitor is: asked of the host once, when something needs it.
    place: OnceLock<Place>,
}

/// What to do with the origin's body.
#[derive(Debug)]
pub enum BodyAction {
    /// Send it on byte for byte.
    Pass,
    /// Send it through this rewriter. A page too large to rewrite is handled as
    /// [`Forward::oversized`] says.
    Rewrite(Box<BodyRewriter>),
}

/// What the host carries out after the answer, with its own stores and background work.
#[derive(Debug, Default)]
pub struct Effects {
    /// A record to append (a lapsed decision's re-prompt), off the request path.
    pub record: Option<ConsentRecord>,
    /// Unknown cookie names the origin set as functional for the first time: to remember.
    pub learned: Vec<String>,
}

/// The response phase's plan.
#[derive(Debug)]
pub struct ResponsePlan {
    /// What to do with the body.
    pub body: BodyAction,
    /// What to carry out.
    pub effects: Effects,
}

impl<'e> Forward<'e> {
    pub(super) fn plan<H: Host>(
        engine: &'e Engine,
        index: usize,
        visit: &Visit<'_>,
        host: &str,
        on: &H,
    ) -> Option<Forward<'e>> {
        let site = &engine.sites()[index];
        let mut headers = visit.headers.clone();
        let upgrade = is_upgrade(&headers);
        let place = OnceLock::new();
        let regime = site.regime_at(|| place.get_or_init(|| on.place()).clone());
        let (consent, removed) = site.prepare_request(&mut headers, regime, visit.now);
        let mut visitor_headers = HeaderMap::new();
        for name in VISITOR_HEADERS {
            for value in headers.get_all(name) {
                visitor_headers.append(name, value.clone());
            }
        }
        remove_hop_by_hop(&mut headers, upgrade);
        if let Some(peer) = visit.peer {
            set_forwarded(&mut headers, peer, host, visit.https);
        }
        // The origin sees the Host the visitor asked for, as if the gateway were not there.
        if let Ok(value) = HeaderValue::from_str(host) {
            headers.insert(header::HOST, value);
        }
        let path_and_query = match visit.path_and_query {
            "" => "/",
            pq => pq,
        };
        let uri = upstream_uri(&site.site().upstream, path_and_query)
            .inspect_err(|e| {
                tracing::warn!(error = %e, path = %path_and_query, "cannot build the origin URI");
            })
            .ok()?;
        Some(Forward {
            engine,
            site,
            index,
            uri,
            headers,
            upgrade,
            method: visit.method.clone(),
            consent,
            removed,
            path_and_query: path_and_query.to_owned(),
            host: host.to_owned(),
            https: visit.https,
            peer: visit.peer,
            now: visit.now,
            visitor_headers,
            place,
        })
    }

    /// Where the visitor is, asked of the host the first time.
    fn place<H: Host>(&self, host: &H) -> &Place {
        self.place.get_or_init(|| host.place())
    }

    /// The visitor's consent on this request, under the regime where they are.
    pub fn consent(&self) -> &VisitorConsent {
        &self.consent
    }

    /// The site.
    pub fn site(&self) -> &'e Arc<SiteEngine> {
        self.site
    }

    /// The site's position in [`Engine::sites`], for the host's per-site state.
    pub fn site_index(&self) -> usize {
        self.index
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path and query the origin is asked for.
    pub fn path_and_query(&self) -> &str {
        &self.path_and_query
    }

    /// The origin could not be used: the page the visitor gets.
    pub fn failed<H: Host>(&self, host: &H, failure: UpstreamFailure) -> Page {
        self.note_request(host);
        host.observe(Event::Upstream {
            site: &self.site.site().name,
            failure,
        });
        own_page(failure.page())
    }

    /// A page grew too large to rewrite: `None` to pass it on unrewritten, or the page to
    /// answer instead, as `server.oversized_pages` says.
    pub fn oversized<H: Host>(&self, host: &H) -> Option<Page> {
        let site = &self.site.site().name;
        match self.engine.oversized_pages() {
            OversizedPages::Refuse => {
                host.observe(Event::Oversized {
                    site,
                    passed: false,
                });
                Some(own_page(pages::page_too_large()))
            }
            OversizedPages::Pass => {
                host.observe(Event::Oversized { site, passed: true });
                None
            }
        }
    }

    fn note_request<H: Host>(&self, host: &H) {
        let site = &self.site.site().name;
        host.observe(Event::RequestCookies {
            site,
            filter: &self.removed,
        });
        host.inventory().saw_in_request(
            self.site,
            &self.removed.names,
            &self.path_and_query,
            self.now,
        );
    }

    /// The response phase: filters the origin's headers in place (`Set-Cookie`, hop-by-hop,
    /// caching, the CSP) and says what to do with the body and what to carry out.
    /// `runtime_decoded` is set by a host whose runtime already decoded the body it hands
    /// over (a Worker's `fetch` decodes gzip and brotli and encodes again on the way out).
    pub fn respond<H: Host>(
        &self,
        host: &H,
        status: StatusCode,
        headers: &mut HeaderMap,
        runtime_decoded: bool,
    ) -> ResponsePlan {
        self.note_request(host);
        if status == StatusCode::SWITCHING_PROTOCOLS && self.upgrade {
            return ResponsePlan {
                body: BodyAction::Pass,
                effects: Effects::default(),
            };
        }
        remove_hop_by_hop(headers, false);
        let coding = if runtime_decoded {
            headers.remove(header::CONTENT_ENCODING)
        } else {
            None
        };
        let accept_language = self
            .visitor_headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        let info = RequestInfo {
            method: &self.method,
            path_and_query: &self.path_and_query,
            accept_language,
            place: self.place.get(),
        };
        let (set_cookies, plan) =
            self.site
                .prepare_response(&self.consent, &info, status, headers, self.now);
        if let Some(coding) = coding {
            headers.insert(header::CONTENT_ENCODING, coding);
        }
        let site = &self.site.site().name;
        host.observe(Event::ResponseCookies {
            site,
            filter: &set_cookies,
        });
        host.inventory().saw_set(
            self.site,
            &set_cookies.cookies,
            &self.path_and_query,
            self.now,
        );
        let mut effects = Effects {
            record: None,
            learned: set_cookies.newly_unclassified,
        };
        let BodyPlan::Rewrite(rewriter) = plan else {
            return ResponsePlan {
                body: BodyAction::Pass,
                effects,
            };
        };
        if self.method == Method::GET {
            let view = host.analytics().settings().enabled
                && is_page_view(&self.method, status, true, &self.visitor_headers);
            // A GeoIP lookup only when something keeps the country.
            let country = if view || self.consent.stale.is_some() {
                self.place(host).country.as_deref()
            } else {
                None
            };
            effects.record = self.reprompt(host, country, headers);
            if view {
                self.count_view(host, country);
            }
        }
        ResponsePlan {
            body: BodyAction::Rewrite(rewriter),
            effects,
        }
    }

    /// A visitor whose decision lapsed is asked again, once: the lapsed cookie is removed in
    /// this response and the re-prompt recorded.
    fn reprompt<H: Host>(
        &self,
        host: &H,
        country: Option<&str>,
        headers: &mut HeaderMap,
    ) -> Option<ConsentRecord> {
        self.consent.stale.as_ref()?;
        let mut random = [0u8; 16];
        if let Err(e) = host.random(&mut random) {
            tracing::error!(error = %e, "no randomness for a re-prompt record");
            return None;
        }
        let visitor = Visitor {
            ip: self.peer,
            user_agent: self
                .visitor_headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok()),
            country,
            regime: self.consent.regime,
        };
        let (record, clear) = self.site.reprompt(
            &self.consent,
            &self.visitor_headers,
            visitor,
            self.https,
            self.now,
            random,
        )?;
        if let Ok(value) = HeaderValue::from_str(&clear) {
            headers.append(header::SET_COOKIE, value);
        }
        Some(record)
    }

    fn count_view<H: Host>(&self, host: &H, country: Option<&str>) {
        let view = PageView {
            site: &self.site.site().name,
            host: &self.host,
            path_and_query: &self.path_and_query,
            request_headers: &self.visitor_headers,
            consent: &self.consent,
            country,
            ip: self.peer,
            language: self.site.language_for(&self.visitor_headers).code(),
            policy_version: self.site.policy().version,
            now: self.now,
        };
        host.analytics().count_view(view, &|| host.salt());
    }
}
