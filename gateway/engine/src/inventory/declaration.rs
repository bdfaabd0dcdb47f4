//! The cookie declaration at `/__consentry/cookies`: the table a privacy statement carries
//! (in Dutch statements: Herkomst, Soort, Naam, Bewaartermijn, Doel), grouped by category, in
//! the visitor's language, made from the inventory, the catalogue and the owner's
//! classifications. As a page, as an HTML fragment to embed (`?format=fragment`) and as JSON
//! (`?format=json`); `?lang=` chooses the language, otherwise `Accept-Language` does, as for
//! the banner. Every text is HTML-escaped.

use std::fmt::Write;

use consentry_banner::{escape_html, Language, Texts};
use consentry_config::{Category, Provenance, Regime};
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;
use serde_json::{json, Value};

use super::texts::{texts, DeclarationTexts};
use super::{lifetime_in_words, CookieLifetime, CookieOverride, CookieRow, SetBy};
use crate::consent_cookie::CONSENT_COOKIE;
use crate::pages::{self, Page, PageBody};
use crate::paths::RECEIPT_PATH;
use crate::SiteEngine;

pub use crate::paths::DECLARATION_PATH;

/// How the declaration is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclarationFormat {
    /// A whole page.
    Page,
    /// An HTML fragment to embed in a privacy statement.
    Fragment,
    /// JSON.
    Json,
}

impl DeclarationFormat {
    /// The format a query string asks for (`format=fragment`, `format=json`; a page
    /// otherwise).
    pub fn from_query(query: Option<&str>) -> DeclarationFormat {
        match query_value(query, "format").as_deref() {
            Some("fragment" | "html-fragment") => DeclarationFormat::Fragment,
            Some("json") => DeclarationFormat::Json,
            _ => DeclarationFormat::Page,
        }
    }
}

/// One cookie as the declaration states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredCookie {
    /// Its name.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// Where the category came from (see [`CookieRow::source`]; `gateway` for the consent
    /// cookie).
    pub source: String,
    /// The vendor that sets it, from the catalogue; `None` for the site itself.
    pub vendor: Option<String>,
    /// Where the catalogue's entry for it comes from, when the catalogue knows it.
    pub catalogue_source: Option<Provenance>,
    /// Who sets it.
    pub set_by: SetBy,
    /// `Domain` (empty: host-only or not known).
    pub domain: String,
    /// `Path`.
    pub path: String,
    /// As seen, or the catalogue's when only seen in requests.
    pub lifetime: CookieLifetime,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `Secure`.
    pub secure: bool,
    /// `SameSite`.
    pub same_site: String,
    /// The owner's words for its purpose, if they gave any.
    pub owner_purpose: Option<String>,
    /// The catalogue's purpose (in English), if it knows the cookie.
    pub catalogue_purpose: Option<String>,
    /// First seen.
    pub first_seen: u64,
    /// Last seen.
    pub last_seen: u64,
    /// Paths it was seen on.
    pub paths: Vec<String>,
}

impl DeclaredCookie {
    /// Whether nobody stated its category.
    pub fn is_unclassified(&self) -> bool {
        matches!(self.source.as_str(), "learned" | "guessed" | "fallback")
    }
}

/// The cookies to declare: the inventory's, with the owner's classifications applied, the
/// catalogue's vendor, purpose and (for cookies only seen in requests) lifetime, and the
/// consent cookie. Grouped by category, the site's own cookies first, then by vendor and
/// name.
pub fn declared_cookies(
    site: &SiteEngine,
    rows: &[CookieRow],
    overrides: &[CookieOverride],
) -> Vec<DeclaredCookie> {
    let classifier = site.classifier();
    let mut cookies: Vec<DeclaredCookie> = rows
        .iter()
        .filter(|row| row.name != CONSENT_COOKIE)
        .map(|row| {
            let entry = classifier.catalogue_entry(&row.name);
            let owner = overrides.iter().find(|o| o.name == row.name);
            let lifetime = match (row.lifetime, entry) {
                (CookieLifetime::Unknown, Some(entry)) => {
                    CookieLifetime::from_catalogue(entry.lifetime)
                }
                (lifetime, _) => lifetime,
            };
            DeclaredCookie {
                name: row.name.clone(),
                category: owner.map_or(row.category, |o| o.category),
                source: owner.map_or_else(|| row.source.clone(), |_| "override".to_owned()),
                vendor: entry.map(|e| e.vendor.clone()),
                catalogue_source: entry.map(|e| e.source),
                set_by: row.set_by,
                domain: row.domain.clone(),
                path: row.path.clone(),
                lifetime,
                http_only: row.http_only,
                secure: row.secure,
                same_site: row.same_site.clone(),
                owner_purpose: owner
                    .map(|o| o.purpose.trim().to_owned())
                    .filter(|p| !p.is_empty()),
                catalogue_purpose: entry.map(|e| e.purpose.clone()),
                first_seen: row.first_seen,
                last_seen: row.last_seen,
                paths: row.paths.clone(),
            }
        })
        .collect();
    let consent_seen = rows.iter().find(|r| r.name == CONSENT_COOKIE);
    cookies.push(DeclaredCookie {
        name: CONSENT_COOKIE.to_owned(),
        category: Category::Necessary,
        source: "gateway".to_owned(),
        vendor: None,
        catalogue_source: None,
        set_by: SetBy::Gateway,
        domain: String::new(),
        path: "/".to_owned(),
        lifetime: CookieLifetime::Seconds(site.policy().lifetime_secs),
        http_only: true,
        secure: false,
        same_site: "Lax".to_owned(),
        owner_purpose: None,
        catalogue_purpose: None,
        first_seen: consent_seen.map_or(0, |r| r.first_seen),
        last_seen: consent_seen.map_or(0, |r| r.last_seen),
        paths: consent_seen.map(|r| r.paths.clone()).unwrap_or_default(),
    });
    cookies.sort_by_cached_key(|c| {
        (
            c.category,
            shown_vendor(c).map(str::to_owned),
            c.name.to_ascii_lowercase(),
        )
    });
    cookies
}

/// The declaration's language: `?lang=` when it names one of the four, otherwise the
/// banner's for the visitor's `Accept-Language`.
pub fn declaration_language(
    site: &SiteEngine,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Language {
    query_value(query, "lang")
        .and_then(|code| Language::from_code(code.split('-').next().unwrap_or("")))
        .unwrap_or_else(|| site.language_for(headers))
}

/// The answer to `GET /__consentry/cookies` (no body for `HEAD`).
pub fn declaration_page(
    site: &SiteEngine,
    rows: &[CookieRow],
    overrides: &[CookieOverride],
    query: Option<&str>,
    headers: &HeaderMap,
    regime: Regime,
    head_only: bool,
) -> Page {
    let language = declaration_language(site, query, headers);
    let cookies = declared_cookies(site, rows, overrides);
    let format = DeclarationFormat::from_query(query);
    let (content_type, body) = match format {
        DeclarationFormat::Json => (
            "application/json",
            declaration_json(site, &cookies, language, regime).to_string(),
        ),
        DeclarationFormat::Fragment => (
            "text/html; charset=utf-8",
            declaration_fragment(site, &cookies, language, regime, 3),
        ),
        DeclarationFormat::Page => (
            "text/html; charset=utf-8",
            declaration_html(site, &cookies, language, regime),
        ),
    };
    let mut page = pages::html(StatusCode::OK, String::new(), true);
    *page.body_mut() = if head_only {
        PageBody::Borrowed(b"")
    } else {
        body.into_bytes().into()
    };
    let headers = page.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    if format != DeclarationFormat::Page {
        // The table is public; a privacy statement on another host may fetch it.
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    page
}

/// What a cookie is for, in `language`: the owner's words, else the catalogue's (English
/// only), else what its category is for.
fn purpose(
    cookie: &DeclaredCookie,
    language: Language,
    banner: &Texts<'_>,
    words: &DeclarationTexts,
) -> String {
    if let Some(own) = &cookie.owner_purpose {
        return own.clone();
    }
    if cookie.set_by == SetBy::Gateway {
        return words.consent_purpose.to_owned();
    }
    match (&cookie.catalogue_purpose, language) {
        (Some(purpose), Language::En) => purpose.clone(),
        _ => banner.purpose(cookie.category).to_owned(),
    }
}

/// Who places it: the catalogue's vendor, or the site itself. A necessary cookie the origin
/// sets is the site's own even when the catalogue names the software it comes from (a
/// framework's session cookie).
fn provider(cookie: &DeclaredCookie, banner: &Texts<'_>) -> String {
    shown_vendor(cookie).map_or_else(|| banner.this_site.to_string(), str::to_owned)
}

fn shown_vendor(cookie: &DeclaredCookie) -> Option<&str> {
    cookie
        .vendor
        .as_deref()
        .filter(|_| cookie.category != Category::Necessary || cookie.set_by == SetBy::Script)
}

/// The tables, one per category, as an HTML fragment; `level` is the headings' level.
pub fn declaration_fragment(
    site: &SiteEngine,
    cookies: &[DeclaredCookie],
    language: Language,
    regime: Regime,
    level: u8,
) -> String {
    let banner = Texts::new(language, &site.site().banner.texts);
    let words = texts(language);
    let mut html = String::with_capacity(4096);
    // Which rules apply depends on where the reader is: say so before the tables.
    let _ = write!(
        html,
        "<div class=\"consentry-declaration\" lang=\"{}\"><p class=\"consentry-regime\" data-regime=\"{}\">{}</p>",
        language.code(),
        regime.as_str(),
        escape_html(words.regime(regime)),
    );
    for category in Category::ALL {
        let _ = write!(
            html,
            "<section id=\"cookies-{cat}\"><h{level}>{name}</h{level}><p>{about}</p>",
            cat = category.as_str(),
            name = escape_html(banner.category(category)),
            about = escape_html(banner.purpose(category)),
        );
        let of_category: Vec<&DeclaredCookie> =
            cookies.iter().filter(|c| c.category == category).collect();
        if of_category.is_empty() {
            let _ = write!(html, "<p>{}</p></section>", escape_html(words.none));
            continue;
        }
        let _ = write!(
            html,
            "<table><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            escape_html(words.provider),
            escape_html(words.kind),
            escape_html(words.name),
            escape_html(words.retention),
            escape_html(words.purpose),
        );
        for cookie in of_category {
            let _ = write!(
                html,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}{}</td></tr>",
                escape_html(&provider(cookie, &banner)),
                escape_html(banner.category(cookie.category)),
                escape_html(&cookie.name),
                escape_html(&lifetime_in_words(language, cookie.lifetime, words.unknown)),
                escape_html(&purpose(cookie, language, &banner, words)),
                source_mark(cookie),
            );
        }
        html.push_str("</tbody></table></section>");
    }
    let _ = write!(
        html,
        "<p class=\"consentry-sources\" id=\"cookie-sources\"><small>{}</small></p></div>",
        escape_html(words.sources)
    );
    html
}

/// The mark after a description that comes from open data, explained below the tables.
fn source_mark(cookie: &DeclaredCookie) -> &'static str {
    match cookie.catalogue_source {
        Some(Provenance::OpenCookieDatabase) => "<sup><a href=\"#cookie-sources\">\u{b9}</a></sup>",
        _ => "",
    }
}

/// The open data the catalogue is built from, with licences, for the JSON declaration.
fn sources_json() -> Value {
    let list: Vec<Value> = [Provenance::OpenCookieDatabase, Provenance::WhoTracksMe]
        .into_iter()
        .map(|p| json!({"title": p.title(), "url": p.url(), "licence": p.licence()}))
        .collect();
    Value::Array(list)
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;color:#1d1d1f;max-width:60rem;margin:2rem auto;padding:0 1rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #d0d0d7}\
th{background:#f3f3f6}code{font-size:.95em}@media(prefers-color-scheme:dark){body{background:#161618;color:#ececf1}th{background:#26262b}th,td{border-color:#3a3a40}a{color:#8ab4f8}}";

/// The declaration as a whole page.
pub fn declaration_html(
    site: &SiteEngine,
    cookies: &[DeclaredCookie],
    language: Language,
    regime: Regime,
) -> String {
    let words = texts(language);
    format!(
        "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title><style>{STYLE}</style></head><body><main><h1>{title}</h1><p>{intro}</p>{table}<p><a href=\"{RECEIPT_PATH}\">{change}</a></p></main></body></html>",
        code = language.code(),
        title = escape_html(words.title),
        intro = escape_html(words.intro),
        table = declaration_fragment(site, cookies, language, regime, 2),
        change = escape_html(words.change),
    )
}

/// The declaration as JSON: every cookie with its attributes, category, where that came
/// from, and the texts shown in `language`; `unclassified` counts the cookies nobody has
/// classified yet.
pub fn declaration_json(
    site: &SiteEngine,
    cookies: &[DeclaredCookie],
    language: Language,
    regime: Regime,
) -> Value {
    let banner = Texts::new(language, &site.site().banner.texts);
    let words = texts(language);
    let list: Vec<Value> = cookies
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "category": c.category.as_str(),
                "category_name": banner.category(c.category),
                "source": c.source,
                "unclassified": c.is_unclassified(),
                "provider": provider(c, &banner),
                "vendor": c.vendor,
                "catalogue_source": c.catalogue_source.map(|p| p.title()),
                "set_by": c.set_by.as_str(),
                "domain": c.domain,
                "path": c.path,
                "lifetime": lifetime_in_words(language, c.lifetime, words.unknown),
                "lifetime_seconds": match c.lifetime {
                    CookieLifetime::Seconds(secs) => Some(secs),
                    _ => None,
                },
                "session": c.lifetime == CookieLifetime::Session,
                "http_only": c.http_only,
                "secure": c.secure,
                "same_site": c.same_site,
                "purpose": purpose(c, language, &banner, words),
                "first_seen": c.first_seen,
                "last_seen": c.last_seen,
                "paths": c.paths,
            })
        })
        .collect();
    json!({
        "site": site.site().name,
        "language": language.code(),
        "regime": regime.as_str(),
        "regime_text": words.regime(regime),
        "unclassified": cookies.iter().filter(|c| c.is_unclassified()).count(),
        "cookies": list,
        "sources": sources_json(),
    })
}

fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}
