//! Cookies both ways: what reaches the visitor and what reaches the origin.

use crate::support::{client, cookie_pair, set_cookie_names, setup};

#[tokio::test]
async fn before_consent_only_necessary_cookies_reach_the_visitor() {
    let (_origin, gateway) = setup().await;
    let response = client()
        .get(gateway.at("/page"))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
    let names = set_cookie_names(response.headers());
    assert!(names.contains(&"session".to_owned()), "{names:?}");
    assert!(names.contains(&"XSRF-TOKEN".to_owned()), "{names:?}");
    for tracker in ["_ga", "_gid", "_fbp"] {
        assert!(
            !names.contains(&tracker.to_owned()),
            "{tracker} reached the visitor: {names:?}"
        );
    }
    // The session cookie passes exactly as the origin wrote it.
    assert_eq!(
        cookie_pair(response.headers(), "session").as_deref(),
        Some("session=s3cr3t")
    );
}

#[tokio::test]
async fn before_consent_only_necessary_cookies_reach_the_origin() {
    let (origin, gateway) = setup().await;
    let response = client()
        .get(gateway.at("/page"))
        .header("cookie", "session=s3cr3t; _ga=GA1.1.1.1; XSRF-TOKEN=tok; _gid=GA1.1.2.2; _fbp=fb.1.2.3; _ga_ABC123=GS1.1")
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
    assert_eq!(origin.cookies_at("/page"), "session=s3cr3t; XSRF-TOKEN=tok");
}

#[tokio::test]
async fn a_request_with_only_tracker_cookies_reaches_the_origin_with_none() {
    let (origin, gateway) = setup().await;
    client()
        .get(gateway.at("/page"))
        .header("cookie", "_ga=1; _fbp=2")
        .send()
        .await
        .expect("page");
    let seen = origin.last("/page").expect("origin saw the request");
    assert!(
        seen.headers.get("cookie").is_none(),
        "{:?}",
        seen.headers.get("cookie")
    );
}

#[tokio::test]
async fn after_consent_granted_cookies_pass_both_ways() {
    let (origin, gateway) = setup().await;
    let consent = crate::support::consent_json(&gateway, "custom", &["analytics"]).await;
    let response = client()
        .get(gateway.at("/page"))
        .header(
            "cookie",
            format!("{consent}; session=s3cr3t; _ga=GA1.1.1.1; _fbp=fb.1.2.3"),
        )
        .send()
        .await
        .expect("page");
    let names = set_cookie_names(response.headers());
    assert!(
        names.contains(&"_ga".to_owned()) && names.contains(&"_gid".to_owned()),
        "{names:?}"
    );
    assert!(
        !names.contains(&"_fbp".to_owned()),
        "marketing not granted: {names:?}"
    );
    let seen = origin.cookies_at("/page");
    assert!(
        seen.contains("_ga=GA1.1.1.1") && seen.contains("session=s3cr3t"),
        "{seen}"
    );
    assert!(!seen.contains("_fbp"), "{seen}");
}

#[tokio::test]
async fn malformed_cookies_are_dropped_and_the_request_still_served() {
    let (origin, gateway) = setup().await;
    let response = client()
        .get(gateway.at("/page"))
        .header("cookie", "session=s3cr3t; ;;novalue; =x; _ga=1")
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
    assert_eq!(origin.cookies_at("/page"), "session=s3cr3t");
}

#[tokio::test]
async fn an_unknown_session_cookie_the_origin_sets_keeps_reaching_it_after_a_restart() {
    let origin = crate::support::Origin::start().await;
    let config = format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n[[site]]\nname = \"shop\"\nhosts = [\"*\"]\nupstream = \"{}\"\n",
        origin.url()
    );
    let gateway = crate::support::Gateway::with_config(&config);
    // Unknown, never set by the origin, and a name that says nothing sure: it waits for
    // consent.
    client()
        .get(gateway.at("/page"))
        .header("cookie", "app_flag=1")
        .send()
        .await
        .expect("page");
    assert_eq!(origin.cookies_at("/page"), "");
    // The origin sets it HttpOnly: it is functional, and passes from then on.
    let set = client()
        .get(gateway.at("/app-login"))
        .send()
        .await
        .expect("login");
    assert_eq!(set_cookie_names(set.headers()), vec!["app_flag".to_owned()]);
    client()
        .get(gateway.at("/page"))
        .header("cookie", "app_flag=1")
        .send()
        .await
        .expect("page");
    assert_eq!(origin.cookies_at("/page"), "app_flag=1");
    // The name is kept in the store off the request path: wait until it is there.
    let data_dir = gateway.data_dir.path().to_owned();
    let db = rusqlite::Connection::open(data_dir.join("consentry.sqlite3")).expect("store");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let kept: i64 = db
            .query_row(
                "SELECT COUNT(*) FROM functional_cookies WHERE name = 'app_flag'",
                [],
                |row| row.get(0),
            )
            .unwrap_or(0);
        if kept == 1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "app_flag was never kept in the store"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // A new gateway on the same data directory still knows it.
    let restarted = crate::support::Gateway::with_config_in(&config, &data_dir);
    client()
        .get(restarted.at("/page?again"))
        .header("cookie", "app_flag=2")
        .send()
        .await
        .expect("page");
    assert_eq!(origin.cookies_at("/page?again"), "app_flag=2");
}
