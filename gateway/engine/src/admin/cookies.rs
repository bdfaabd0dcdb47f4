//! The dashboard's cookie page (`/__consentry/admin/cookies`): the cookies nobody has
//! classified yet, each with a one-click classification form (the session's CSRF token,
//! written to the audit log), and the whole inventory. A classification is stored and applied
//! to the site's classifier at once; the declaration shows it from then on.

use consentry_banner::{escape_html as esc, Language};
use consentry_config::Category;
use http::StatusCode;

use super::app::{audit, forbidden_form, form_field, signed_in, unavailable, Admin, AdminRequest};
use super::dashboard;
use super::session;
use super::store::AuditAction;
use super::{ADMIN_PATH, LOGIN_PATH};
use crate::inventory::declaration::{declared_cookies, DECLARATION_PATH};
use crate::inventory::{lifetime_in_words, site_inventory, CookieOverride, DeclaredCookie};
use crate::pages::{self, Page};
use crate::SiteEngine;

/// The cookie page's path.
pub const COOKIES_PATH: &str = "/__consentry/admin/cookies";
/// The longest purpose an owner may write.
const MAX_PURPOSE: usize = 500;
/// The longest cookie name taken.
const MAX_NAME: usize = 256;

fn site_named<'a>(admin: &'a Admin<'_>, name: Option<&str>) -> Option<&'a SiteEngine> {
    match name.filter(|n| !n.is_empty()) {
        Some(name) => admin
            .engines
            .iter()
            .find(|s| s.site().name == name)
            .map(|s| &**s),
        None => admin.engines.first().map(|s| &**s),
    }
}

/// `GET /__consentry/admin/cookies[?site=NAME]`.
pub(super) async fn page(admin: &Admin<'_>, request: &AdminRequest<'_>) -> Page {
    let signed = match signed_in(admin, request).await {
        Ok(Some(signed)) => signed,
        Ok(None) => return pages::see_other(LOGIN_PATH),
        Err(page) => return page,
    };
    let asked = request.query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "site")
            .map(|(_, v)| v.into_owned())
    });
    let Some(site) = site_named(admin, asked.as_deref()) else {
        return pages::error_page(StatusCode::NOT_FOUND, "No such site is configured.");
    };
    let (rows, overrides) = match site_inventory(admin.inventory, &site.site().name).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "the cookie inventory cannot be read");
            return unavailable();
        }
    };
    let cookies = declared_cookies(site, &rows, &overrides);
    let csrf = signed
        .session
        .as_ref()
        .map(|s| s.csrf.as_str())
        .unwrap_or("");
    let body = render(admin, site, &cookies, csrf);
    let user = signed
        .session
        .as_ref()
        .map(|s| (signed.user.as_str(), s.csrf.as_str()));
    pages::html(
        StatusCode::OK,
        dashboard::layout("Cookies · Consentry", user, &body),
        false,
    )
}

fn render(admin: &Admin<'_>, site: &SiteEngine, cookies: &[DeclaredCookie], csrf: &str) -> String {
    let name = &site.site().name;
    let unclassified: Vec<&DeclaredCookie> =
        cookies.iter().filter(|c| c.is_unclassified()).collect();
    let mut html = format!(
        "<div class=\"page-head\"><h1>Cookies</h1><p class=\"sub\">Every cookie the site sets \
         or scripts set, as the gateway has seen them, for site <strong>{}</strong>. \
         <a href=\"{ADMIN_PATH}\">Back to the dashboard</a> · \
         <a href=\"{DECLARATION_PATH}\">The cookie declaration</a></p>",
        esc(name)
    );
    if admin.engines.len() > 1 {
        html.push_str("<p class=\"sub\">Sites:");
        for other in admin.engines {
            let other = &other.site().name;
            html.push_str(&format!(
                " <a href=\"{COOKIES_PATH}?site={}\">{}</a>",
                esc(&form_urlencoded::byte_serialize(other.as_bytes()).collect::<String>()),
                esc(other)
            ));
        }
        html.push_str("</p>");
    }
    html.push_str("</div>");
    html.push_str(&format!(
        "<section class=\"panel\" id=\"unclassified\"><h2>Unclassified cookies ({})</h2>",
        unclassified.len()
    ));
    if unclassified.is_empty() {
        html.push_str("<p>None: every cookie seen has a category from your rules, your classifications or the catalogue.</p>");
    } else {
        html.push_str(
            "<p>Nobody has said what these are for. Until you do, an unknown cookie the site sets \
             HttpOnly or for the session counts as necessary, and any other waits for marketing \
             consent. Classify each one (or name it in <code>[site.cookies]</code>).</p>\
             <table><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">First seen</th>\
             <th scope=\"col\">Example paths</th><th scope=\"col\">Now treated as</th>\
             <th scope=\"col\">Classify</th></tr></thead><tbody>",
        );
        for cookie in &unclassified {
            html.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td></tr>",
                esc(&cookie.name),
                esc(&crate::format_time(cookie.first_seen)),
                esc(&cookie.paths.join(", ")),
                cookie.category.as_str(),
                esc(&cookie.source),
                classify_form(name, &cookie.name, csrf),
            ));
        }
        html.push_str("</tbody></table>");
    }
    html.push_str("</section>");
    html.push_str(&format!(
        "<section class=\"panel\" id=\"inventory\"><h2>Every cookie ({})</h2><div class=\"scroll\"><table>\
         <thead><tr><th scope=\"col\">Name</th><th scope=\"col\">Category</th><th scope=\"col\">From</th>\
         <th scope=\"col\">Vendor</th><th scope=\"col\">Catalogue</th><th scope=\"col\">Set by</th><th scope=\"col\">Lifetime</th>\
         <th scope=\"col\">Domain</th><th scope=\"col\">Path</th><th scope=\"col\">HttpOnly</th>\
         <th scope=\"col\">Secure</th><th scope=\"col\">SameSite</th><th scope=\"col\">First seen</th>\
         <th scope=\"col\">Last seen</th><th scope=\"col\">Example paths</th></tr></thead><tbody>",
        cookies.len()
    ));
    for cookie in cookies {
        let seen = |at: u64| {
            if at == 0 {
                String::new()
            } else {
                esc(&crate::format_time(at))
            }
        };
        html.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&cookie.name),
            cookie.category.as_str(),
            esc(&cookie.source),
            esc(cookie.vendor.as_deref().unwrap_or("")),
            cookie.catalogue_source.map_or("", |p| p.title()),
            cookie.set_by.as_str(),
            esc(&lifetime_in_words(Language::En, cookie.lifetime, "unknown")),
            esc(&cookie.domain),
            esc(&cookie.path),
            yes_no(cookie.http_only),
            yes_no(cookie.secure),
            esc(&cookie.same_site),
            seen(cookie.first_seen),
            seen(cookie.last_seen),
            esc(&cookie.paths.join(", ")),
        ));
    }
    html.push_str("</tbody></table></div>");
    html.push_str(
        "<p><small>Catalogue: the <a href=\"https://github.com/jkwakman/Open-Cookie-Database\">Open \
         Cookie Database</a> (Apache-2.0) for cookie names, \
         <a href=\"https://github.com/whotracksme/whotracks.me\">WhoTracks.me</a> (CC BY 4.0) for \
         tracker hosts, and Consentry's own curated entries, which win where they differ.</small></p>",
    );
    html.push_str("</section>");
    html
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

/// One cookie's classification form: a category and, optionally, its purpose in the owner's
/// words (shown in the declaration).
fn classify_form(site: &str, name: &str, csrf: &str) -> String {
    let mut options = String::new();
    for category in Category::ALL {
        options.push_str(&format!(
            "<option value=\"{0}\">{0}</option>",
            category.as_str()
        ));
    }
    format!(
        "<form method=\"post\" action=\"{COOKIES_PATH}\" class=\"classify\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{}\">\
         <input type=\"hidden\" name=\"site\" value=\"{}\">\
         <input type=\"hidden\" name=\"name\" value=\"{}\">\
         <label>Category <select name=\"category\">{options}</select></label> \
         <label>Purpose <input type=\"text\" name=\"purpose\" maxlength=\"{MAX_PURPOSE}\"></label> \
         <button type=\"submit\">Classify</button></form>",
        esc(csrf),
        esc(site),
        esc(name),
    )
}

/// `POST /__consentry/admin/cookies`: classifies one cookie of one site.
pub(super) async fn classify(admin: &Admin<'_>, request: &AdminRequest<'_>) -> Page {
    let signed = match signed_in(admin, request).await {
        Ok(Some(signed)) => signed,
        Ok(None) => return pages::see_other(LOGIN_PATH),
        Err(page) => return page,
    };
    let Some(session) = &signed.session else {
        return forbidden_form();
    };
    if !crate::is_same_origin(request.headers, request.host)
        || !session::csrf_matches(&session.csrf, form_field(request.body, "csrf").as_deref())
    {
        return forbidden_form();
    }
    let field = |key: &str| form_field(request.body, key).unwrap_or_default();
    let (site_name, name, purpose) = (field("site"), field("name"), field("purpose"));
    let Some(site) = site_named(admin, Some(&site_name)) else {
        return pages::text(StatusCode::BAD_REQUEST, "site: not a configured site");
    };
    let Ok(category) = field("category").parse::<Category>() else {
        return pages::text(
            StatusCode::BAD_REQUEST,
            "category: necessary, preferences, analytics or marketing",
        );
    };
    if name.is_empty()
        || name.len() > MAX_NAME
        || name
            .bytes()
            .any(|b| b.is_ascii_control() || b" ;,=".contains(&b))
    {
        return pages::text(StatusCode::BAD_REQUEST, "name: not a cookie name");
    }
    let purpose = purpose.trim();
    if purpose.chars().count() > MAX_PURPOSE {
        return pages::text(StatusCode::BAD_REQUEST, "purpose: at most 500 characters");
    }
    let entry = CookieOverride {
        site: site.site().name.clone(),
        name: name.clone(),
        category,
        purpose: purpose.to_owned(),
        by: signed.user.clone(),
        at: admin.now,
    };
    if let Err(e) = admin.inventory.set_cookie_override(&entry).await {
        tracing::warn!(error = %e, "a cookie classification was not stored");
        return unavailable();
    }
    site.classifier().set_override(&name, Some(category));
    let detail = format!("{}: {name} as {}", entry.site, category.as_str());
    if let Err(e) = audit(
        admin,
        request,
        &signed.user,
        AuditAction::CookieClassified,
        detail,
    )
    .await
    {
        tracing::warn!(error = %e, "a cookie classification was not written to the audit log");
    }
    let back = format!(
        "{COOKIES_PATH}?site={}",
        form_urlencoded::byte_serialize(entry.site.as_bytes()).collect::<String>()
    );
    pages::see_other(&back)
}
