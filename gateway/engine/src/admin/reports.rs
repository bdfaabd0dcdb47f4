//! The dashboard page, the JSON and CSV API behind it, and the audit log page: which site
//! and days a request asks for, and who may see them.

use consentry_banner::escape_html as esc;
use http::header::{self, HeaderValue};
use http::StatusCode;
use serde_json::{json, Value};

use super::app::{audit, signed_in, unavailable, Admin, AdminRequest, Signed};
use super::dashboard::{self, DashboardData};
use super::session::bearer_token;
use super::store::AuditAction;
use crate::analytics::day_of;
use crate::analytics::report::{self, day_from_date, FunnelBy, ReportQuery, Table, TABLES};
use crate::pages::{self, Page};

/// Days shown when the request names none: the last 30, ending today.
const DEFAULT_DAYS: u32 = 30;
/// The longest range a report covers, in days.
pub const MAX_DAYS: u32 = 366;
/// Audit entries shown on its page.
const AUDIT_SHOWN: u32 = 500;

/// What a report request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Asked {
    pub(super) query: ReportQuery,
    pub(super) by: FunnelBy,
    pub(super) csv: bool,
}

/// Reads `site`, `from`, `to`, `by` and `format` from a query string; the reason when a
/// value is not acceptable.
pub(super) fn asked(
    query: Option<&str>,
    sites: &[String],
    k: u32,
    now: u64,
) -> Result<Asked, String> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let site = match get("site") {
        Some(site) if sites.iter().any(|s| s == site) => site.to_owned(),
        Some(site) => return Err(format!("site: `{site}` is not a configured site")),
        None => sites
            .first()
            .cloned()
            .ok_or_else(|| "no site is configured".to_owned())?,
    };
    let date = |name: &str| -> Result<Option<u32>, String> {
        get(name)
            .map(|text| {
                day_from_date(text).ok_or_else(|| {
                    format!("{name}: `{text}` is not a date such as 2026-01-31 (YYYY-MM-DD)")
                })
            })
            .transpose()
    };
    let to_day = date("to")?.unwrap_or_else(|| day_of(now));
    let from_day = date("from")?.unwrap_or_else(|| to_day.saturating_sub(DEFAULT_DAYS - 1));
    if from_day > to_day {
        return Err("from: the first day comes after the last (`to`)".to_owned());
    }
    if to_day - from_day >= MAX_DAYS {
        return Err(format!("from, to: at most {MAX_DAYS} days at a time"));
    }
    let by = match get("by") {
        None => FunnelBy::Day,
        Some(text) => FunnelBy::parse(text).ok_or_else(|| {
            format!("by: `{text}` is not day, country, language, policy or regime")
        })?,
    };
    let csv = match get("format") {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => return Err(format!("format: `{other}` is not json or csv")),
    };
    Ok(Asked {
        query: ReportQuery {
            site,
            from_day,
            to_day,
            k,
        },
        by,
        csv,
    })
}

/// GET `/__consentry/admin`: every table of the site and days asked for.
pub(super) async fn dashboard(
    admin: &Admin<'_>,
    request: &AdminRequest<'_>,
    signed: &Signed,
) -> Page {
    let k = admin.analytics_settings.k_anonymity;
    let asked = match asked(request.query, admin.sites, k, admin.now) {
        Ok(asked) => asked,
        Err(reason) => {
            let body = format!(
                "<h1>Not a report</h1><p>{}</p><p><a href=\"{}\">Back to the dashboard</a></p>",
                esc(&reason),
                super::ADMIN_PATH
            );
            return pages::html(
                StatusCode::BAD_REQUEST,
                dashboard::layout("Consentry", user_of(signed), &body),
                false,
            );
        }
    };
    let summary = match report::summary(admin.analytics, &asked.query).await {
        Ok(summary) => summary,
        Err(e) => {
            tracing::warn!(error = %e, "analytics cannot be read");
            return unavailable();
        }
    };
    let mut tables = Vec::with_capacity(TABLES.len());
    for (name, _) in TABLES {
        match report::table(admin.analytics, name, asked.by, &asked.query).await {
            Ok(Some(table)) => tables.push(table),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "analytics cannot be read");
                return unavailable();
            }
        }
    }
    let csrf = signed.session.as_ref().map_or("", |s| s.csrf.as_str());
    let html = dashboard::render(&DashboardData {
        user: &signed.user,
        csrf,
        sites: admin.sites,
        query: &asked.query,
        summary: &summary,
        tables: &tables,
        funnel_by: asked.by,
        today: day_of(admin.now),
    });
    pages::html(StatusCode::OK, html, false)
}

fn user_of(signed: &Signed) -> Option<(&str, &str)> {
    signed
        .session
        .as_ref()
        .map(|s| (signed.user.as_str(), s.csrf.as_str()))
}

/// 401 for the API, in JSON.
fn unauthorized() -> Page {
    let mut page = pages::json(
        StatusCode::UNAUTHORIZED,
        &json!({"error": "sign in to the dashboard, or send Authorization: Bearer <token> (consentry admin token)"}),
    );
    page.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"consentry\""),
    );
    page
}

fn bad_request(reason: &str) -> Page {
    pages::json(StatusCode::BAD_REQUEST, &json!({ "error": reason }))
}

/// Who an API request acts for: a dashboard session, or a bearer token.
async fn api_caller(admin: &Admin<'_>, request: &AdminRequest<'_>) -> Result<Option<Signed>, Page> {
    if let Some(token) = bearer_token(request.headers) {
        return match admin
            .store
            .token_user(&super::accounts::token_hash(token))
            .await
        {
            Ok(user) => Ok(user.map(|user| Signed {
                user,
                session: None,
            })),
            Err(e) => {
                tracing::warn!(error = %e, "API tokens cannot be read");
                Err(unavailable())
            }
        };
    }
    signed_in(admin, request).await
}

/// GET `/__consentry/api/<name>`: `summary` or a table, as JSON or CSV.
pub(super) async fn api(admin: &Admin<'_>, request: &AdminRequest<'_>, name: &str) -> Page {
    let signed = match api_caller(admin, request).await {
        Ok(Some(signed)) => signed,
        Ok(None) => return unauthorized(),
        Err(page) => return page,
    };
    let (name, csv_suffix) = match name.strip_suffix(".csv") {
        Some(name) => (name, true),
        None => (name, false),
    };
    if name != "summary" && !TABLES.iter().any(|(t, _)| *t == name) {
        return pages::json(
            StatusCode::NOT_FOUND,
            &json!({"error": "no such report", "reports": std::iter::once("summary").chain(TABLES.iter().map(|(t, _)| *t)).collect::<Vec<_>>()}),
        );
    }
    let k = admin.analytics_settings.k_anonymity;
    let asked = match asked(request.query, admin.sites, k, admin.now) {
        Ok(asked) => asked,
        Err(reason) => return bad_request(&reason),
    };
    let csv = csv_suffix || asked.csv;
    let result = if name == "summary" {
        report::summary(admin.analytics, &asked.query)
            .await
            .map(Report::Summary)
    } else {
        report::table(admin.analytics, name, asked.by, &asked.query)
            .await
            .map(|t| t.map_or(Report::Missing, Report::Table))
    };
    let report = match result {
        Ok(report) => report,
        Err(e) => {
            tracing::warn!(error = %e, "analytics cannot be read");
            return unavailable();
        }
    };
    if !csv {
        return match report {
            Report::Summary(value) => pages::json(StatusCode::OK, &value),
            Report::Table(table) => pages::json(StatusCode::OK, &table.to_json()),
            Report::Missing => pages::not_found(),
        };
    }
    let text = match &report {
        Report::Summary(value) => summary_csv(value),
        Report::Table(table) => table.to_csv(),
        Report::Missing => return pages::not_found(),
    };
    let q = &asked.query;
    let detail = format!(
        "{name}, site {}, {} to {}",
        q.site,
        report::date_of(q.from_day),
        report::date_of(q.to_day)
    );
    if let Err(e) = audit(admin, request, &signed.user, AuditAction::CsvExport, detail).await {
        tracing::warn!(error = %e, "CSV export refused: the audit log cannot be written");
        return unavailable();
    }
    csv_page(name, q, text)
}

enum Report {
    Summary(Value),
    Table(Table),
    Missing,
}

/// A CSV download named after the report, site and days.
fn csv_page(name: &str, query: &ReportQuery, text: String) -> Page {
    let mut page = pages::text(StatusCode::OK, "");
    *page.body_mut() = text.into_bytes().into();
    let headers = page.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let site: String = query
        .site
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let file = format!(
        "consentry-{site}-{name}-{}-{}.csv",
        report::date_of(query.from_day),
        report::date_of(query.to_day)
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    page
}

/// The summary as CSV: one `key,value` line per figure, nested keys joined by dots.
fn summary_csv(value: &Value) -> String {
    fn flatten(prefix: &str, value: &Value, rows: &mut Vec<Vec<Value>>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    let key = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    flatten(&key, inner, rows);
                }
            }
            other => rows.push(vec![json!(prefix), other.clone()]),
        }
    }
    let mut rows = Vec::new();
    flatten("", value, &mut rows);
    Table {
        name: "summary",
        title: "Summary",
        columns: vec![
            report::Column {
                key: "figure",
                title: "Figure",
            },
            report::Column {
                key: "value",
                title: "Value",
            },
        ],
        rows,
    }
    .to_csv()
}

/// GET `/__consentry/admin/audit`: the newest admin actions.
pub(super) async fn audit_page(admin: &Admin<'_>, signed: &Signed) -> Page {
    let entries = match admin.store.audit_log(AUDIT_SHOWN).await {
        Ok(entries) => entries,
        Err(e) => {
            tracing::warn!(error = %e, "the audit log cannot be read");
            return unavailable();
        }
    };
    let mut body = format!(
        "<div class=\"page-head\"><h1>Audit log</h1><p class=\"sub\">The newest {AUDIT_SHOWN} \
         admin actions, newest first. <a href=\"{}\">Back to the dashboard</a></p></div>\
         <section class=\"panel\"><table class=\"audit\"><thead><tr><th scope=\"col\">#</th>\
         <th scope=\"col\">Time</th><th scope=\"col\">Account</th><th scope=\"col\">Action</th>\
         <th scope=\"col\">Details</th><th scope=\"col\">Network</th></tr></thead><tbody>",
        super::ADMIN_PATH
    );
    for entry in &entries {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            entry.seq,
            esc(&crate::format_time(entry.at)),
            esc(&entry.user),
            esc(&entry.action),
            esc(&entry.detail),
            esc(entry.network.as_deref().unwrap_or("")),
        ));
    }
    if entries.is_empty() {
        body.push_str("<tr><td colspan=\"6\">Nothing yet.</td></tr>");
    }
    body.push_str("</tbody></table></section>");
    pages::html(
        StatusCode::OK,
        dashboard::layout("Audit log · Consentry", user_of(signed), &body),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites() -> Vec<String> {
        vec!["shop".into(), "blog".into()]
    }

    #[test]
    fn a_query_defaults_to_the_first_site_and_the_last_30_days() {
        let now = 20_000 * 86_400 + 5;
        let asked = asked(None, &sites(), 10, now).expect("asked");
        assert_eq!(asked.query.site, "shop");
        assert_eq!((asked.query.from_day, asked.query.to_day), (19_971, 20_000));
        assert_eq!(asked.by, FunnelBy::Day);
        assert!(!asked.csv);
    }

    #[test]
    fn a_query_names_site_days_split_and_format() {
        let asked = asked(
            Some("site=blog&from=2026-01-01&to=2026-01-31&by=country&format=csv"),
            &sites(),
            10,
            0,
        )
        .expect("asked");
        assert_eq!(asked.query.site, "blog");
        assert_eq!(
            report::date_of(asked.query.from_day),
            "2026-01-01".to_owned()
        );
        assert_eq!(asked.query.to_day - asked.query.from_day, 30);
        assert_eq!(asked.by, FunnelBy::Country);
        assert!(asked.csv);
    }

    #[test]
    fn banner_answers_split_by_regime() {
        let asked = asked(Some("by=regime"), &sites(), 10, 0).expect("asked");
        assert_eq!(asked.by, FunnelBy::Regime);
    }

    #[test]
    fn bad_queries_say_why() {
        for (query, said) in [
            ("site=nope", "site: `nope`"),
            ("from=2026-13-01", "from: `2026-13-01`"),
            ("to=yesterday", "to: `yesterday`"),
            ("from=2026-02-01&to=2026-01-01", "comes after"),
            ("from=2020-01-01&to=2026-01-01", "at most 366 days"),
            ("by=week", "by: `week`"),
            ("format=xml", "format: `xml`"),
        ] {
            let reason = asked(Some(query), &sites(), 10, 0).expect_err(query);
            assert!(reason.contains(said), "{query}: {reason}");
        }
    }

    #[test]
    fn the_summary_flattens_to_csv() {
        let csv =
            summary_csv(&json!({"pageviews": 12, "by_consent": {"granted": {"visitors": null}}}));
        assert_eq!(
            csv,
            "figure,value\r\nby_consent.granted.visitors,\r\npageviews,12\r\n"
        );
    }
}
