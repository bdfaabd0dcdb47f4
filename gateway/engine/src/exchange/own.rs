//! Consentry's own paths that need the host's stores: the consent endpoint, the receipt page
//! and erasure, the cookie declaration, the dashboard, and the operator's paths.

use std::sync::Arc;

use consentry_config::Regime;

use http::header::{self, HeaderValue};
use http::{Method, StatusCode};

use super::host::{Event, Host, ReadFailure};
use super::{own_page, Visit};
use crate::admin::accounts::token_hash;
use crate::admin::session::bearer_token;
use crate::admin::{self, Admin, AdminRequest, MAX_ADMIN_BODY};
use crate::inventory::declaration::declaration_page;
use crate::inventory::site_inventory;
use crate::ops::{self, OpsRoute};
use crate::pages::{self, erasure_answer, receipt_page, Page, PageBody, Refusal};
use crate::request::{host_without_port, is_same_origin, referer_path};
use crate::site::{Asked, Route, SiteEngine};
use crate::store::StoreError;
use crate::RECEIPT_PATH;
use crate::{
    parse_decision, render_receipt, Engine, Place, ReceiptView, Visitor, MAX_DECISION_BODY,
};

/// One of Consentry's own paths, waiting for its body.
#[derive(Debug)]
pub struct OwnRequest<'e> {
    engine: &'e Engine,
    kind: Kind<'e>,
}

#[derive(Debug)]
enum Kind<'e> {
    Ops(OpsRoute),
    Site {
        site: &'e Arc<SiteEngine>,
        path: SitePath,
        host: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SitePath {
    Consent,
    Receipt,
    Cookies,
    OptOut,
    Erase,
    Admin,
}

impl SitePath {
    fn label(self) -> &'static str {
        match self {
            SitePath::Consent => "consent",
            SitePath::Receipt => "receipt",
            SitePath::Cookies => "cookies",
            SitePath::OptOut => "opt-out",
            SitePath::Erase => "erase",
            SitePath::Admin => "admin",
        }
    }
}

impl<'e> OwnRequest<'e> {
    pub(super) fn ops(engine: &'e Engine, route: OpsRoute) -> Self {
        OwnRequest {
            engine,
            kind: Kind::Ops(route),
        }
    }

    pub(super) fn site(
        engine: &'e Engine,
        site: &'e Arc<SiteEngine>,
        route: &Route<'_>,
        host: &str,
    ) -> Self {
        let path = match route {
            Route::Consent => SitePath::Consent,
            Route::Receipt => SitePath::Receipt,
            Route::Cookies => SitePath::Cookies,
            Route::OptOut => SitePath::OptOut,
            Route::Erase => SitePath::Erase,
            _ => SitePath::Admin,
        };
        OwnRequest {
            engine,
            kind: Kind::Site {
                site,
                path,
                host: host.to_owned(),
            },
        }
    }

    /// How much of the request body to read: `None` when the path takes none.
    pub fn body_limit(&self) -> Option<usize> {
        match self.kind {
            Kind::Site {
                path: SitePath::Consent,
                ..
            } => Some(MAX_DECISION_BODY),
            Kind::Site {
                path: SitePath::Admin,
                ..
            } => Some(MAX_ADMIN_BODY),
            _ => None,
        }
    }

    pub(super) fn metric_label(&self) -> Option<(&str, &'static str)> {
        match &self.kind {
            Kind::Ops(_) => None,
            Kind::Site { site, path, .. } => Some((&site.site().name, path.label())),
        }
    }

    /// Answers the request, with the body the host read (empty when
    /// [`OwnRequest::body_limit`] is `None`).
    pub async fn answer<H: Host>(
        self,
        host: &H,
        visit: &Visit<'_>,
        body: Result<Vec<u8>, ReadFailure>,
    ) -> Page {
        let page = match &self.kind {
            Kind::Ops(route) => answer_ops(*route, host, visit).await,
            Kind::Site {
                site,
                path,
                host: name,
            } => {
                let request = SiteRequest {
                    engine: self.engine,
                    site,
                    host: name,
                    visit,
                };
                match path {
                    SitePath::Consent => request.consent(host, body).await,
                    SitePath::Receipt => request.receipt(host).await,
                    SitePath::Erase => request.erase(host).await,
                    SitePath::Cookies => request.declaration(host).await,
                    SitePath::OptOut => request.opt_out(host),
                    SitePath::Admin => request.admin(host, body).await,
                }
            }
        };
        own_page(page)
    }
}

async fn answer_ops<H: Host>(route: OpsRoute, host: &H, visit: &Visit<'_>) -> Page {
    let mut page = match route {
        OpsRoute::Health => ops::healthy(),
        OpsRoute::Ready => ops::readiness(host.ready().await),
        OpsRoute::MethodNotAllowed => pages::method_not_allowed("GET, HEAD"),
        OpsRoute::Metrics if !host.keeps_metrics() => pages::text(
            StatusCode::NOT_IMPLEMENTED,
            "metrics are served by the native gateway; a Worker has no process to count in",
        ),
        OpsRoute::Metrics => match may_read_metrics(host, visit).await {
            false => ops::metrics_refused(),
            true => {
                let mut page = pages::text(StatusCode::OK, "");
                *page.body_mut() = PageBody::Owned(host.metrics().into_bytes());
                page.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(ops::METRICS_CONTENT_TYPE),
                );
                page
            }
        },
    };
    if visit.method == Method::HEAD {
        *page.body_mut() = PageBody::Borrowed(b"");
    }
    page
}

/// Metrics are read from loopback (a Prometheus on the same machine, or an SSH tunnel), or
/// with a dashboard account's API token as `Authorization: Bearer`.
async fn may_read_metrics<H: Host>(host: &H, visit: &Visit<'_>) -> bool {
    if visit.peer.is_some_and(|ip| ip.to_canonical().is_loopback()) {
        return true;
    }
    let Some(token) = bearer_token(visit.headers) else {
        return false;
    };
    let Ok(store) = host.store() else {
        return false;
    };
    matches!(store.token_user(&token_hash(token)).await, Ok(Some(_)))
}

/// A request for one of a site's own paths.
struct SiteRequest<'a> {
    engine: &'a Engine,
    site: &'a SiteEngine,
    host: &'a str,
    visit: &'a Visit<'a>,
}

impl SiteRequest<'_> {
    fn visitor<'h>(&'h self, place: &'h Place) -> Visitor<'h> {
        Visitor {
            ip: self.visit.peer,
            user_agent: self.visit.user_agent(),
            country: place.country.as_deref(),
            regime: self.site.regime_at(|| place.clone()),
        }
    }

    /// The consent regime where the visitor is (the host is asked only when it depends on
    /// the place).
    fn regime<H: Host>(&self, host: &H) -> Regime {
        self.site.regime_at(|| host.place())
    }

    /// `POST /__consentry/consent`: records a decision and answers with the signed consent
    /// cookie. The record is durable before the answer leaves: no cookie without proof.
    async fn consent<H: Host>(&self, host: &H, body: Result<Vec<u8>, ReadFailure>) -> Page {
        let headers = self.visit.headers;
        if !is_same_origin(headers, self.host) {
            return Refusal::CrossSiteDecision.page();
        }
        let body = match body {
            Ok(body) => body,
            Err(ReadFailure::TooLarge) => return Refusal::TooLarge.page(),
            Err(ReadFailure::TimedOut) => {
                return pages::text(StatusCode::REQUEST_TIMEOUT, "decision body too slow")
            }
            Err(ReadFailure::Broken(e)) => {
                tracing::debug!(error = %e, "decision body could not be read");
                return Refusal::Unreadable.page();
            }
        };
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let decision = match parse_decision(content_type, &body) {
            Ok(decision) => decision,
            Err(e) => return pages::text(StatusCode::BAD_REQUEST, &e.to_string()),
        };
        let mut random = [0u8; 32];
        if let Err(e) = host.random(&mut random) {
            tracing::error!(error = %e, "no randomness for a consent id");
            return Refusal::NotRecorded.page();
        }
        let place = host.place();
        let asked = Asked {
            headers,
            host: host_without_port(self.host),
            secure: self.visit.https,
            visitor: self.visitor(&place),
            now: self.visit.now,
        };
        let outcome = self.site.decide(&decision, asked, random);
        if let Err(e) = host.append(outcome.record.clone()).await {
            tracing::error!(error = %e, "consent record not stored; decision refused");
            return Refusal::NotRecorded.page();
        }
        host.observe(Event::Decision {
            site: &outcome.record.site,
            kind: outcome.record.kind.as_str(),
        });
        host.analytics().count_decision(
            &outcome.record,
            self.visit.peer,
            self.visit.user_agent(),
            &|| host.salt(),
        );
        tracing::info!(
            site = %outcome.record.site,
            kind = outcome.record.kind.as_str(),
            via_form = outcome.record.via_form,
            "consent recorded"
        );
        pages::decision_answer(&outcome)
    }

    /// `GET /__consentry/receipt`: the visitor's consent id, choices and records.
    async fn receipt<H: Host>(&self, host: &H) -> Page {
        let consent = self
            .site
            .consent_of(self.visit.headers, self.regime(host), self.visit.now);
        let records = match consent.consent_id() {
            Some(id) => match async { host.store()?.records_for(id).await }.await {
                Ok(records) => records,
                Err(e) => {
                    tracing::error!(error = %e, "could not read the consent log");
                    return Refusal::RecordsUnavailable.page();
                }
            },
            None => Vec::new(),
        };
        let html = render_receipt(&ReceiptView {
            consent: &consent,
            records: &records,
            lifetime_secs: self.site.policy().lifetime_secs,
            erased: pages::erased_from_query(self.visit.query()),
        });
        receipt_page(html, self.visit.method == Method::HEAD)
    }

    /// `POST /__consentry/receipt/erase`: removes the personal fields of the visitor's
    /// records, records the erasure (without anything pointing to them), and forgets their
    /// choice.
    async fn erase<H: Host>(&self, host: &H) -> Page {
        let headers = self.visit.headers;
        if !is_same_origin(headers, self.host) {
            return Refusal::CrossSiteErasure.page();
        }
        let consent = self
            .site
            .consent_of(headers, self.regime(host), self.visit.now);
        let Some(consent_id) = consent.consent_id() else {
            return pages::see_other(RECEIPT_PATH);
        };
        match erase_visitor(
            host,
            self.site,
            consent_id,
            Visitor::default(),
            self.visit.now,
        )
        .await
        {
            Ok(seqs) => {
                let cookies = self
                    .site
                    .erasure_cookies(headers, self.host, self.visit.https);
                erasure_answer(seqs.len(), &cookies)
            }
            Err(e) => {
                tracing::error!(error = %e, "erasure failed");
                Refusal::ErasureFailed.page()
            }
        }
    }

    /// `GET /__consentry/cookies`: the cookie declaration, from what is stored once the
    /// cookies seen so far are flushed.
    async fn declaration<H: Host>(&self, host: &H) -> Page {
        host.flush().await;
        let name = &self.site.site().name;
        match async { site_inventory(host.store()?, name).await }.await {
            Ok((rows, overrides)) => declaration_page(
                self.site,
                &rows,
                &overrides,
                self.visit.query(),
                self.visit.headers,
                self.regime(host),
                self.visit.method == Method::HEAD,
            ),
            Err(e) => {
                tracing::error!(error = %e, "could not read the cookie inventory");
                pages::error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The cookie declaration cannot be read just now. Please try again in a moment.",
                )
            }
        }
    }

    /// `GET /__consentry/opt-out`: the opt-out regime's "Do Not Sell or Share My Personal
    /// Information" page, a form that posts the opt-out, or what the visitor chose.
    fn opt_out<H: Host>(&self, host: &H) -> Page {
        let headers = self.visit.headers;
        let consent = self
            .site
            .consent_of(headers, self.regime(host), self.visit.now);
        // Opted out: a decision without marketing, or the browser's Global Privacy Control.
        let opted_out = consent.gpc
            || consent
                .decision
                .as_ref()
                .is_some_and(|d| !d.grants.allows(consentry_config::Category::Marketing));
        let return_to = referer_path(headers, host_without_port(self.host));
        let return_to = crate::safe_return_path(return_to.as_deref());
        let html = self.site.opt_out_page(headers, &return_to, opted_out);
        pages::html(StatusCode::OK, html, self.visit.method == Method::HEAD)
    }

    /// The dashboard and its API, answered by [`admin::handle`].
    async fn admin<H: Host>(&self, host: &H, body: Result<Vec<u8>, ReadFailure>) -> Page {
        let body = match body {
            Ok(body) => body,
            Err(e) => {
                let mut page = match e {
                    ReadFailure::TooLarge => {
                        pages::text(StatusCode::PAYLOAD_TOO_LARGE, "request body too large")
                    }
                    ReadFailure::TimedOut => {
                        pages::text(StatusCode::REQUEST_TIMEOUT, "request body too slow")
                    }
                    ReadFailure::Broken(e) => {
                        tracing::debug!(error = %e, "admin request body could not be read");
                        pages::text(StatusCode::BAD_REQUEST, "request body could not be read")
                    }
                };
                admin::secure(page.headers_mut());
                return page;
            }
        };
        let store = match host.store() {
            Ok(store) => store,
            Err(e) => {
                tracing::error!(error = %e, "the dashboard's store is not reachable");
                let mut page = pages::error_page(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "The dashboard's store cannot be reached just now. Please try again in a moment.",
                );
                admin::secure(page.headers_mut());
                return page;
            }
        };
        // The reports include what was counted up to now.
        host.flush().await;
        let engines = self.engine.sites();
        let sites: Vec<String> = engines.iter().map(|s| s.site().name.clone()).collect();
        let random = || {
            let mut bytes = [0u8; 32];
            host.random(&mut bytes).ok().map(|()| bytes)
        };
        let context = Admin {
            store,
            analytics: store,
            inventory: store,
            engines,
            settings: self.engine.admin_settings(),
            analytics_settings: host.analytics().settings(),
            sites: &sites,
            now: self.visit.now,
            random: &random,
        };
        let request = AdminRequest {
            method: self.visit.method,
            path: self.visit.path(),
            query: self.visit.query(),
            headers: self.visit.headers,
            body: &body,
            host: self.host,
            peer: self.visit.peer,
            https: self.visit.https,
        };
        admin::handle(&context, &request).await
    }
}

/// Erases one visitor's records and appends the erasure record; returns the positions
/// erased. Used by the receipt page and by the operator's `consentry log erase`.
pub async fn erase_visitor<H: Host>(
    host: &H,
    site: &SiteEngine,
    consent_id: &str,
    visitor: Visitor<'_>,
    now: u64,
) -> Result<Vec<u64>, StoreError> {
    let seqs = host.store()?.erase(consent_id).await?;
    let mut random = [0u8; 16];
    host.random(&mut random).map_err(StoreError::Database)?;
    let record = site.erasure_record(&seqs, visitor, now, random);
    host.append(record).await?;
    Ok(seqs)
}
