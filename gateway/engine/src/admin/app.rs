//! The dashboard's HTTP answers, the same on both hosts: the host reads the request (body
//! capped at [`MAX_ADMIN_BODY`]), calls [`handle`], and sends the page it gets back.
//!
//! | path | methods | what |
//! | --- | --- | --- |
//! | `/__consentry/admin` | GET | the dashboard (303 to the login page without a session) |
//! | `/__consentry/admin/login` | GET, POST | the login form, and signing in |
//! | `/__consentry/admin/logout` | POST | signing out |
//! | `/__consentry/admin/audit` | GET | the audit log |
//! | `/__consentry/admin/cookies` | GET, POST | the cookie inventory, and classifying a cookie |
//! | `/__consentry/admin/style.css` | GET | the pages' stylesheet |
//! | `/__consentry/api/summary`, `/__consentry/api/<table>` | GET | JSON, or CSV with `format=csv` or a `.csv` suffix; by session or `Authorization: Bearer` |

use std::net::IpAddr;

use consentry_config::{AdminSettings, AnalyticsSettings};
use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};

use super::session::{self, request_cookie, SESSION_COOKIE};
use super::store::{AdminSession, AdminStore, AuditAction, AuditEntry};
use super::{cookies, dashboard, login, reports};
use crate::analytics::AnalyticsStore;
use crate::inventory::InventoryStore;
use crate::pages::{self, Page, PageBody};
use crate::paths::{ADMIN_PATH, API_PREFIX};
use crate::record::truncate_ip;

/// The login form.
pub const LOGIN_PATH: &str = "/__consentry/admin/login";
/// Signing out.
pub const LOGOUT_PATH: &str = "/__consentry/admin/logout";
/// The audit log page.
pub const AUDIT_PATH: &str = "/__consentry/admin/audit";
/// The pages' stylesheet.
pub const STYLE_PATH: &str = "/__consentry/admin/style.css";
/// The largest request body the dashboard reads (a login form).
pub const MAX_ADMIN_BODY: usize = 16 * 1024;

/// The policy every admin answer carries: nothing but the pages' own stylesheet and inline
/// SVG images, no script, no framing, forms only to the gateway.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A request to the dashboard or the API, as the host read it.
#[derive(Debug, Clone, Copy)]
pub struct AdminRequest<'a> {
    /// The method.
    pub method: &'a Method,
    /// The path.
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: Option<&'a str>,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The body, read whole (at most [`MAX_ADMIN_BODY`]).
    pub body: &'a [u8],
    /// The host the visitor asked for, for the same-origin check.
    pub host: &'a str,
    /// The client's address, kept reduced to its network in the audit log.
    pub peer: Option<IpAddr>,
    /// The request came over HTTPS.
    pub https: bool,
}

/// What the dashboard works with, handed in by the host.
pub struct Admin<'a> {
    /// Accounts, sessions, tokens and the audit log.
    pub store: &'a dyn AdminStore,
    /// The analytics aggregates.
    pub analytics: &'a dyn AnalyticsStore,
    /// The cookie inventory and the owner's classifications.
    pub inventory: &'a dyn InventoryStore,
    /// Every site's engine, to apply a classification at once.
    pub engines: &'a [std::sync::Arc<crate::SiteEngine>],
    /// `[admin]`.
    pub settings: &'a AdminSettings,
    /// `[analytics]` (its `k_anonymity` bounds every report).
    pub analytics_settings: &'a AnalyticsSettings,
    /// Every configured site's name; the first is the default.
    pub sites: &'a [String],
    /// Seconds since the epoch.
    pub now: u64,
    /// 32 random bytes from the host's secure source; `None` when it failed.
    pub random: &'a dyn RandomSource,
}

/// Fresh randomness for the dashboard (session tokens, salts), from the host.
pub trait RandomSource: crate::storage::MaybeSendSync {
    /// 32 random bytes, or `None` when the host has none.
    fn bytes(&self) -> Option<[u8; 32]>;
}

impl<F: Fn() -> Option<[u8; 32]> + crate::storage::MaybeSendSync> RandomSource for F {
    fn bytes(&self) -> Option<[u8; 32]> {
        self()
    }
}

impl std::fmt::Debug for Admin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Admin")
            .field("sites", &self.sites)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// Who a request acts for.
#[derive(Debug, Clone)]
pub(super) struct Signed {
    /// The account.
    pub(super) user: String,
    /// The browser's session; `None` for an API token.
    pub(super) session: Option<AdminSession>,
}

/// Answers a request under `/__consentry/admin` or `/__consentry/api/`. Never fails: every
/// error becomes a page, and every page carries the admin security headers.
pub async fn handle(admin: &Admin<'_>, request: &AdminRequest<'_>) -> Page {
    let head = request.method == Method::HEAD;
    let mut page = route(admin, request).await;
    secure(page.headers_mut());
    if head {
        *page.body_mut() = PageBody::Borrowed(b"");
    }
    page
}

async fn route(admin: &Admin<'_>, request: &AdminRequest<'_>) -> Page {
    let read = request.method == Method::GET || request.method == Method::HEAD;
    let post = request.method == Method::POST;
    let path = request.path;
    if let Some(name) = path.strip_prefix(API_PREFIX) {
        if !read {
            return pages::method_not_allowed("GET, HEAD");
        }
        return reports::api(admin, request, name).await;
    }
    match path {
        ADMIN_PATH | "/__consentry/admin/" if read => match signed_in(admin, request).await {
            Ok(Some(signed)) => reports::dashboard(admin, request, &signed).await,
            Ok(None) => pages::see_other(LOGIN_PATH),
            Err(page) => page,
        },
        LOGIN_PATH if read => login::form(admin, request).await,
        LOGIN_PATH if post => login::sign_in(admin, request).await,
        LOGOUT_PATH if post => logout(admin, request).await,
        AUDIT_PATH if read => match signed_in(admin, request).await {
            Ok(Some(signed)) => reports::audit_page(admin, &signed).await,
            Ok(None) => pages::see_other(LOGIN_PATH),
            Err(page) => page,
        },
        cookies::COOKIES_PATH if read => cookies::page(admin, request).await,
        cookies::COOKIES_PATH if post => cookies::classify(admin, request).await,
        cookies::COOKIES_PATH => pages::method_not_allowed("GET, HEAD, POST"),
        STYLE_PATH if read => style(),
        ADMIN_PATH | "/__consentry/admin/" | AUDIT_PATH | STYLE_PATH => {
            pages::method_not_allowed("GET, HEAD")
        }
        LOGIN_PATH => pages::method_not_allowed("GET, HEAD, POST"),
        LOGOUT_PATH => pages::method_not_allowed("POST"),
        _ => pages::not_found(),
    }
}

/// Adds the admin security headers (replacing any the page had).
pub fn secure(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

fn style() -> Page {
    let mut page = Page::new(PageBody::Borrowed(dashboard::STYLE.as_bytes()));
    page.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    page
}

/// The browser's session, if its cookie names one that has not expired. A store failure is
/// a 503 page.
pub(super) async fn signed_in(
    admin: &Admin<'_>,
    request: &AdminRequest<'_>,
) -> Result<Option<Signed>, Page> {
    let Some(token) = request_cookie(request.headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    match admin
        .store
        .session(&super::accounts::token_hash(&token), admin.now)
        .await
    {
        Ok(session) => Ok(session.map(|session| Signed {
            user: session.user.clone(),
            session: Some(session),
        })),
        Err(e) => {
            tracing::warn!(error = %e, "admin sessions cannot be read");
            Err(unavailable())
        }
    }
}

/// 503 when the store fails.
pub(super) fn unavailable() -> Page {
    pages::error_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "The dashboard's store cannot be reached just now. Please try again in a moment.",
    )
}

/// 403 for a form that did not come from the gateway's own page, or without its token.
pub(super) fn forbidden_form() -> Page {
    pages::error_page(
        StatusCode::FORBIDDEN,
        "This form has expired or did not come from this dashboard. Go back, reload the page and try again.",
    )
}

/// The value of a form field.
pub(super) fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// Writes an admin action in the audit log.
pub(super) async fn audit(
    admin: &Admin<'_>,
    request: &AdminRequest<'_>,
    user: &str,
    action: AuditAction,
    detail: String,
) -> Result<(), crate::storage::StoreError> {
    admin
        .store
        .audit(&AuditEntry {
            seq: 0,
            at: admin.now,
            user: user.to_owned(),
            action: action.as_str().to_owned(),
            detail,
            network: request.peer.map(truncate_ip),
        })
        .await
}

async fn logout(admin: &Admin<'_>, request: &AdminRequest<'_>) -> Page {
    let signed = match signed_in(admin, request).await {
        Ok(Some(signed)) => signed,
        Ok(None) => return pages::see_other(LOGIN_PATH),
        Err(page) => return page,
    };
    let Some(session) = &signed.session else {
        return pages::see_other(LOGIN_PATH);
    };
    if !crate::is_same_origin(request.headers, request.host)
        || !session::csrf_matches(&session.csrf, form_field(request.body, "csrf").as_deref())
    {
        return forbidden_form();
    }
    if let Err(e) = admin.store.delete_session(&session.token_hash).await {
        tracing::warn!(error = %e, "admin session not ended");
        return unavailable();
    }
    if let Err(e) = audit(
        admin,
        request,
        &signed.user,
        AuditAction::Logout,
        String::new(),
    )
    .await
    {
        tracing::warn!(error = %e, "logout not written to the audit log");
    }
    let mut page = pages::see_other(LOGIN_PATH);
    if let Ok(value) = HeaderValue::from_str(&session::clear_session_cookie()) {
        page.headers_mut().append(header::SET_COOKIE, value);
    }
    page
}
