//! The consent loop: deciding by JSON or form, the signed cookie, withdrawal, tampering.

use crate::support::{client, consent_json, cookie_pair, set_cookie_names, setup};

/// (consent id, kind, granted categories) of every record in the gateway's log.
fn records(gateway: &crate::support::Gateway) -> Vec<(String, String, String)> {
    let db = rusqlite::Connection::open(gateway.data_dir.path().join("consentry.sqlite3"))
        .expect("store");
    let mut statement = db
        .prepare("SELECT consent_id, kind, preferences, analytics, marketing FROM consent_log ORDER BY seq")
        .expect("query");
    statement
        .query_map([], |row| {
            let mut granted = vec!["necessary"];
            for (i, name) in [(2, "preferences"), (3, "analytics"), (4, "marketing")] {
                if row.get::<_, i64>(i)? == 1 {
                    granted.push(name);
                }
            }
            Ok((row.get(0)?, row.get(1)?, granted.join(",")))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read")
}

#[tokio::test]
async fn a_json_decision_sets_a_signed_cookie_and_is_recorded() {
    let (_origin, gateway) = setup().await;
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .json(&serde_json::json!({ "action": "custom", "categories": ["analytics"] }))
        .send()
        .await
        .expect("consent");
    assert_eq!(response.status(), 200);
    let set_cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|v| {
            v.to_str()
                .ok()
                .filter(|v| v.starts_with("consentry="))
                .map(str::to_owned)
        })
        .expect("consent cookie");
    assert!(
        set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Lax")
            && set_cookie.contains("Max-Age=")
    );
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        body["granted"],
        serde_json::json!(["necessary", "analytics"])
    );
    let consent_id = body["consent_id"].as_str().expect("consent id").to_owned();
    assert_eq!(
        records(&gateway),
        vec![(consent_id, "custom".into(), "necessary,analytics".into())]
    );
}

#[tokio::test]
async fn a_form_decision_without_javascript_comes_back_to_the_page() {
    let (origin, gateway) = setup().await;
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .form(&[("action", "accept_all"), ("return_to", "/page?x=1")])
        .send()
        .await
        .expect("consent");
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers().get("location").map(|v| v.as_bytes()),
        Some(&b"/page?x=1"[..])
    );
    let consent = cookie_pair(response.headers(), "consentry").expect("consent cookie");
    // Following the redirect with the new cookie: trackers and their cookies now pass.
    let page = client()
        .get(gateway.at("/page?x=1"))
        .header("cookie", format!("{consent}; _fbp=fb.1.2.3"))
        .send()
        .await
        .expect("page");
    let names = set_cookie_names(page.headers());
    assert!(
        names.contains(&"_ga".to_owned()) && names.contains(&"_fbp".to_owned()),
        "{names:?}"
    );
    assert!(origin.cookies_at("/page?x=1").contains("_fbp=fb.1.2.3"));
    assert_eq!(records(&gateway)[0].1, "accept_all");
}

#[tokio::test]
async fn a_form_post_may_not_send_the_visitor_elsewhere() {
    let (_origin, gateway) = setup().await;
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .form(&[("action", "reject_all"), ("return_to", "//evil.example/")])
        .send()
        .await
        .expect("consent");
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers().get("location").map(|v| v.as_bytes()),
        Some(&b"/"[..])
    );
}

#[tokio::test]
async fn withdrawal_expires_the_revoked_cookies_and_keeps_the_consent_id() {
    let (origin, gateway) = setup().await;
    let consent = consent_json(&gateway, "accept_all", &[]).await;
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .header(
            "cookie",
            format!("{consent}; session=s3cr3t; _ga=GA1.1.1.1; _gid=GA1.1.2.2; _fbp=fb.1"),
        )
        .json(&serde_json::json!({ "action": "withdraw" }))
        .send()
        .await
        .expect("withdraw");
    assert_eq!(response.status(), 200);
    let expiring: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter(|v| v.contains("Max-Age=0"))
        .map(|v| v.split('=').next().unwrap_or("").to_owned())
        .collect();
    for name in ["_ga", "_gid", "_fbp"] {
        assert!(
            expiring.contains(&name.to_owned()),
            "{name} not expired: {expiring:?}"
        );
    }
    assert!(
        !expiring.contains(&"session".to_owned()),
        "the session must survive a withdrawal"
    );
    let new_consent = cookie_pair(response.headers(), "consentry").expect("new consent cookie");
    let log = records(&gateway);
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].0, log[1].0, "one visitor, one consent id");
    assert_eq!(
        (log[1].1.as_str(), log[1].2.as_str()),
        ("withdraw", "necessary")
    );
    // After withdrawing, tracker cookies no longer reach the origin.
    client()
        .get(gateway.at("/page"))
        .header(
            "cookie",
            format!("{new_consent}; _ga=GA1.1.1.1; session=s3cr3t"),
        )
        .send()
        .await
        .expect("page");
    let seen = origin.cookies_at("/page");
    assert!(
        seen.contains("session=s3cr3t") && !seen.contains("_ga"),
        "{seen}"
    );
}

#[tokio::test]
async fn a_tampered_consent_cookie_counts_as_no_consent() {
    let (origin, gateway) = setup().await;
    let consent = consent_json(&gateway, "custom", &["preferences"]).await;
    // Claim every category (bits 15) with the signature of the real decision.
    let mut parts: Vec<&str> = consent
        .trim_start_matches("consentry=")
        .split('.')
        .collect();
    parts[2] = "15";
    let forged = format!("consentry={}", parts.join("."));
    let response = client()
        .get(gateway.at("/page"))
        .header("cookie", format!("{forged}; _ga=GA1.1.1.1"))
        .send()
        .await
        .expect("page");
    let names = set_cookie_names(response.headers());
    assert!(!names.contains(&"_ga".to_owned()), "{names:?}");
    assert!(!origin.cookies_at("/page").contains("_ga"));
    let html = response.text().await.expect("body");
    assert!(
        html.contains("data-consentry=\"analytics\""),
        "trackers still blocked"
    );
    assert!(
        html.contains("<div id=\"consentry\" class=\"consentry "),
        "the visitor is asked again"
    );
}

#[tokio::test]
async fn bad_decisions_get_a_400_with_a_reason() {
    let (_origin, gateway) = setup().await;
    let cases: [(&str, &str, &str); 4] = [
        ("application/json", "{not json", "invalid JSON"),
        (
            "application/json",
            r#"{"action":"maybe"}"#,
            "unknown action `maybe`",
        ),
        (
            "application/json",
            r#"{"action":"custom","categories":["ads"]}"#,
            "unknown category `ads`",
        ),
        ("text/plain", "accept", "unsupported content type"),
    ];
    for (content_type, body, reason) in cases {
        let response = client()
            .post(gateway.at("/__consentry/consent"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("consent");
        assert_eq!(response.status(), 400, "{body}");
        assert!(response.headers().get("set-cookie").is_none());
        let text = response.text().await.expect("reason");
        assert!(text.contains(reason), "{text}");
    }
    assert!(records(&gateway).is_empty());
}

#[tokio::test]
async fn another_site_cannot_record_a_decision_for_the_visitor() {
    let (_origin, gateway) = setup().await;
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .header("origin", "https://evil.example")
        .form(&[("action", "accept_all")])
        .send()
        .await
        .expect("consent");
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none());
    let get = client()
        .get(gateway.at("/__consentry/consent"))
        .send()
        .await
        .expect("get");
    assert_eq!(get.status(), 405);
}

#[tokio::test]
async fn global_privacy_control_keeps_marketing_out_of_accept_all() {
    let (_origin, gateway) = setup().await;
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .header("sec-gpc", "1")
        .json(&serde_json::json!({ "action": "accept_all" }))
        .send()
        .await
        .expect("consent");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(
        body["granted"],
        serde_json::json!(["necessary", "preferences", "analytics"])
    );
    // Ticking marketing explicitly outweighs the signal.
    let explicit = client()
        .post(gateway.at("/__consentry/consent"))
        .header("sec-gpc", "1")
        .json(&serde_json::json!({ "action": "custom", "categories": ["marketing"] }))
        .send()
        .await
        .expect("consent");
    let body: serde_json::Value = explicit.json().await.expect("json");
    assert_eq!(
        body["granted"],
        serde_json::json!(["necessary", "marketing"])
    );
}
