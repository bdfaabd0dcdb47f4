//! Consent-aware analytics over HTTP: what is counted, what is not, and what reports never
//! show. Figures are read back through the JSON API with a bearer token, as a script would.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::Value;

use crate::support::{binary, client, Gateway, Origin};

const DESKTOP: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.{n}.0 Safari/537.36";
const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{n} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const BOTS: [&str; 4] = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/8.5.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
];

/// One visitor: a distinct browser version on the same network.
fn agent(template: &str, n: usize) -> String {
    template.replace("{n}", &n.to_string())
}

fn config(origin: &Origin, analytics: &str) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n[analytics]\nflush_interval = \"1s\"\n{analytics}\n\n[[site]]\nname = \"shop\"\nhosts = [\"*\"]\nupstream = \"{}\"\n",
        origin.url()
    )
}

/// Makes an account and a bearer token with the CLI, as a site owner would.
fn api_token(gateway: &Gateway) -> String {
    let config = gateway.data_dir.path().join("consentry.toml");
    let mut add = Command::new(binary())
        .args(["admin", "add", "--user", "analyst", "--config"])
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("consentry admin add");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"correct horse battery staple\n")
        .expect("password");
    let added = add.wait_with_output().expect("admin add");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let token = Command::new(binary())
        .args(["admin", "token", "--user", "analyst", "--config"])
        .arg(&config)
        .output()
        .expect("consentry admin token");
    assert!(
        token.status.success(),
        "{}",
        String::from_utf8_lossy(&token.stderr)
    );
    String::from_utf8_lossy(&token.stdout)
        .split_whitespace()
        .last()
        .expect("a token")
        .to_owned()
}

async fn api(gateway: &Gateway, token: &str, path: &str) -> Value {
    let response = client()
        .get(gateway.at(&format!("/__consentry/api/{path}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("api request");
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("json")
}

/// Polls the summary until `ready` holds (counts reach the store every second).
async fn summary_when(gateway: &Gateway, token: &str, ready: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let summary = api(gateway, token, "summary").await;
        if ready(&summary) || Instant::now() > deadline {
            return summary;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn view(gateway: &Gateway, path: &str, user_agent: &str, extra: &[(&str, &str)]) -> u16 {
    // One client per test (each test has its own thread and runtime): building one per
    // view between connecting and sending would leave connections silent past the
    // gateway's header read timeout.
    thread_local! {
        static CLIENT: reqwest::Client = client();
    }
    let mut request = CLIENT
        .with(Clone::clone)
        .get(gateway.at(path))
        .header("user-agent", user_agent);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    request.send().await.expect("page").status().as_u16()
}

#[tokio::test]
async fn page_views_are_counted_and_bots_prefetches_and_errors_are_not() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, ""));
    let token = api_token(&gateway);
    for n in 0..12 {
        let ua = agent(DESKTOP, n);
        assert_eq!(
            view(
                &gateway,
                "/site/home?utm_source=news&email=a%40b.c",
                &ua,
                &[]
            )
            .await,
            200
        );
        assert_eq!(
            view(
                &gateway,
                "/site/about",
                &ua,
                &[("referer", "https://www.search.example/q")]
            )
            .await,
            200
        );
    }
    for bot in BOTS {
        view(&gateway, "/site/home", bot, &[]).await;
    }
    let ua = agent(DESKTOP, 99);
    view(&gateway, "/site/home", &ua, &[("sec-purpose", "prefetch")]).await;
    assert_eq!(view(&gateway, "/nothing-here", &ua, &[]).await, 404);
    view(&gateway, "/logo.bin", &ua, &[]).await;

    let summary = summary_when(&gateway, &token, |s| s["pageviews"] == 24).await;
    assert_eq!(summary["pageviews"], 24, "{summary}");
    assert_eq!(summary["visitors"], 12, "{summary}");
    assert_eq!(
        summary["by_consent"]["undecided"]["pageviews"], 24,
        "{summary}"
    );

    let pages = api(&gateway, &token, "pages").await;
    let paths: Vec<&str> = pages["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["path"].as_str().expect("path"))
        .collect();
    // The query string is dropped but for campaign tags.
    assert_eq!(
        paths,
        ["/site/about", "/site/home?utm_source=news"],
        "{pages}"
    );
    let referrers = api(&gateway, &token, "referrers").await;
    assert!(
        referrers["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["referrer"] == "search.example" && r["pageviews"] == 12),
        "{referrers}"
    );
    let devices = api(&gateway, &token, "devices").await;
    assert_eq!(devices["rows"][0]["device"], "desktop", "{devices}");
    let csv = client()
        .get(gateway.at("/__consentry/api/campaigns?format=csv"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .expect("type")
        .starts_with("text/csv"));
    let csv = csv.text().await.expect("text");
    assert!(csv.starts_with("campaign,pageviews,visitors,"), "{csv}");
    assert!(csv.contains("news / - / -,12,12,"), "{csv}");
}

#[tokio::test]
async fn unique_visitors_are_within_the_sketch_error_on_a_known_load() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, ""));
    let token = api_token(&gateway);
    const VISITORS: usize = 2_000;
    for batch in (0..VISITORS).collect::<Vec<_>>().chunks(200) {
        let views = batch.iter().map(|n| {
            let ua = agent(if n % 3 == 0 { PHONE } else { DESKTOP }, *n);
            let gateway = &gateway;
            async move { view(gateway, "/site/home", &ua, &[]).await }
        });
        assert!(join_all(views).await.iter().all(|s| *s == 200));
    }
    let summary = summary_when(&gateway, &token, |s| s["pageviews"] == VISITORS).await;
    assert_eq!(summary["pageviews"], VISITORS, "{summary}");
    let visitors = summary["visitors"].as_u64().expect("visitors") as f64;
    // HyperLogLog++ at precision 14: 0.81% standard error; three of them.
    let error = (visitors - VISITORS as f64).abs() / VISITORS as f64;
    assert!(
        error <= 3.0 * 0.0081,
        "{visitors} visitors estimated for {VISITORS}"
    );
}

#[tokio::test]
async fn the_consented_tier_comes_only_from_visitors_who_granted_analytics() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, "visit_timeout = \"1s\""));
    let token = api_token(&gateway);
    for n in 0..12 {
        let granted = decide(&gateway, &agent(DESKTOP, n), "accept_all").await;
        let declined = decide(&gateway, &agent(DESKTOP, 100 + n), "reject_all").await;
        for page in ["/site/a", "/site/b", "/site/c"] {
            view(&gateway, page, &agent(DESKTOP, n), &[("cookie", &granted)]).await;
        }
        for page in ["/site/a", "/site/b"] {
            view(
                &gateway,
                page,
                &agent(DESKTOP, 100 + n),
                &[("cookie", &declined)],
            )
            .await;
        }
        view(&gateway, "/site/a", &agent(DESKTOP, 200 + n), &[]).await;
    }
    // Visits end after a second without a view; the next flush writes them.
    let summary = summary_when(&gateway, &token, |s| {
        s["pageviews"] == 72 && s["visits"]["visits"] == 12
    })
    .await;
    assert_eq!(
        summary["by_consent"]["granted"]["pageviews"], 36,
        "{summary}"
    );
    assert_eq!(
        summary["by_consent"]["denied"]["pageviews"], 24,
        "{summary}"
    );
    assert_eq!(
        summary["by_consent"]["undecided"]["pageviews"], 12,
        "{summary}"
    );
    assert_eq!(summary["visits"]["visits"], 12, "{summary}");
    assert_eq!(summary["visits"]["visitors"], 12, "{summary}");
    assert_eq!(summary["visits"]["pages_per_visit"], 3.0, "{summary}");
    assert_eq!(summary["banner"]["decisions"], 24, "{summary}");
    assert_eq!(summary["banner"]["impressions"], 12, "{summary}");
    assert_eq!(summary["banner"]["optin"]["analytics"], 0.5, "{summary}");
    assert_eq!(summary["consent_rate"], 0.5, "{summary}");
    let visits = api(&gateway, &token, "visits").await;
    let today = visits["rows"]
        .as_array()
        .expect("rows")
        .last()
        .cloned()
        .expect("a day");
    assert_eq!(today["visits"], 12, "{visits}");
    assert_eq!(today["bounce_rate"], 0.0, "{visits}");

    // The default regimes are opt-in everywhere: one regime row, with the opt-in rate.
    let regimes = api(&gateway, &token, "regimes").await;
    assert_eq!(regimes["rows"][0]["regime"], "opt-in", "{regimes}");
    assert_eq!(regimes["rows"][0]["pageviews"], 72, "{regimes}");
    assert_eq!(
        regimes["rows"].as_array().map(Vec::len),
        Some(1),
        "{regimes}"
    );
    let csv = api_csv(&gateway, &token, "funnel-by.csv?by=regime").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with("regime,impressions,decisions,")
            && lines[0].ends_with(",regime_rate,regime_rate_is"),
        "{csv}"
    );
    assert_eq!(lines.len(), 2, "a row per regime: {csv}");
    assert!(
        lines[1].starts_with("opt-in,12,24,12,12,0,0,0,")
            && lines[1].ends_with(",0.5,Opt-in rate: decisions that allowed analytics"),
        "{csv}"
    );
}

/// A report as CSV, as a script would download it.
async fn api_csv(gateway: &Gateway, token: &str, path: &str) -> String {
    let response = client()
        .get(gateway.at(&format!("/__consentry/api/{path}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("api request");
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("csv")
}

/// Decides as this visitor; returns the consent cookie.
async fn decide(gateway: &Gateway, user_agent: &str, action: &str) -> String {
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .header("user-agent", user_agent)
        .json(&serde_json::json!({ "action": action }))
        .send()
        .await
        .expect("consent");
    assert_eq!(response.status(), 200);
    crate::support::cookie_pair(response.headers(), "consentry").expect("consent cookie")
}

#[tokio::test]
async fn no_endpoint_returns_a_row_under_k_visitors() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, ""));
    let token = api_token(&gateway);
    // A popular page seen by 12 visitors; five rare pages, referrers and campaigns seen by 3.
    for n in 0..12 {
        view(&gateway, "/site/popular", &agent(DESKTOP, n), &[]).await;
    }
    for rare in 0..5 {
        for n in 0..3 {
            let ua = agent(PHONE, rare * 10 + n);
            let path = format!("/site/rare-{rare}?utm_source=rare-{rare}");
            let referrer = format!("https://rare-{rare}.example/");
            view(&gateway, &path, &ua, &[("referer", &referrer)]).await;
        }
        decide(&gateway, &agent(PHONE, rare * 10), "custom").await;
    }
    summary_when(&gateway, &token, |s| s["pageviews"] == 27).await;

    let k = 10;
    let mut names: Vec<String> = [
        "timeseries",
        "pages",
        "referrers",
        "campaigns",
        "countries",
        "regimes",
        "devices",
        "funnel",
        "optin",
        "visits",
    ]
    .map(String::from)
    .to_vec();
    names.extend(
        ["day", "country", "language", "policy", "regime"].map(|by| format!("funnel-by?by={by}")),
    );
    for name in names {
        let table = api(&gateway, &token, &name).await;
        for row in table["rows"].as_array().expect("rows") {
            let text = row.to_string();
            assert!(
                !text.contains("rare-"),
                "{name}: a rare value shown: {text}"
            );
            if let Some(visitors) = row.get("visitors").and_then(Value::as_u64) {
                assert!(
                    visitors == 0 || visitors >= k,
                    "{name}: a row of {visitors} visitors: {text}"
                );
            }
        }
    }
    let pages = api(&gateway, &token, "pages").await;
    let other = pages["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["path"] == "(other)")
        .cloned()
        .expect("rare pages fold into other");
    assert_eq!(other["visitors"], 15, "{pages}");
    // The five custom decisions come from five visitors: no opt-in rate is shown.
    let summary = api(&gateway, &token, "summary").await;
    assert_eq!(summary["banner"], Value::Null, "{summary}");
}

#[tokio::test]
async fn the_daily_salt_lives_only_in_memory() {
    crate::native_only!("restarts the gateway process");
    let origin = Origin::start().await;
    let mut gateway = Gateway::with_config(&config(&origin, ""));
    let token = api_token(&gateway);
    for n in 0..10 {
        view(&gateway, "/site/home", &agent(DESKTOP, n), &[]).await;
    }
    summary_when(&gateway, &token, |s| s["pageviews"] == 10).await;
    // Same people, same day, after a restart: a salt kept on disk would know them again.
    gateway.restart();
    for n in 0..10 {
        view(&gateway, "/site/home", &agent(DESKTOP, n), &[]).await;
    }
    let summary = summary_when(&gateway, &token, |s| s["pageviews"] == 20).await;
    assert_eq!(
        summary["visitors"], 20,
        "a new salt after the restart: {summary}"
    );
    // Nothing that identifies them reached the data directory either.
    for entry in std::fs::read_dir(gateway.data_dir.path()).expect("data dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Chrome/131.0.3.0"),
            "{} holds a user agent",
            path.display()
        );
    }
}

#[tokio::test]
async fn countries_come_from_the_configured_geoip_database() {
    crate::native_only!("a MaxMind database file; at the edge the country is request.cf's");
    let origin = Origin::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let mmdb = crate::support::geoip::loopback_in("NL", dir.path());
    let with_geoip = config(&origin, "").replace(
        "data_dir = \"{data_dir}\"",
        &format!(
            "data_dir = \"{{data_dir}}\"\ngeoip_database = \"{}\"",
            mmdb.display()
        ),
    );
    let gateway = Gateway::with_config(&with_geoip);
    let token = api_token(&gateway);
    for n in 0..11 {
        view(&gateway, "/site/home", &agent(DESKTOP, n), &[]).await;
    }
    summary_when(&gateway, &token, |s| s["pageviews"] == 11).await;
    let countries = api(&gateway, &token, "countries").await;
    assert_eq!(countries["rows"][0]["country"], "NL", "{countries}");
    assert_eq!(countries["rows"][0]["visitors"], 11, "{countries}");
    let by_country = api(&gateway, &token, "funnel-by?by=country").await;
    assert_eq!(by_country["rows"][0]["country"], "NL", "{by_country}");
    assert_eq!(by_country["rows"][0]["impressions"], 11, "{by_country}");
}
