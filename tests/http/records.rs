//! Proof of consent: what each decision records, its durability, the chain, erasure,
//! re-prompts, and the owner's `consentry log` commands — on SQLite and, when the test
//! command provides one, on PostgreSQL.

use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::support::{binary, client, cookie_pair, Gateway, Origin};

/// The storage backends to run against: SQLite always, PostgreSQL when
/// `CONSENTRY_TEST_POSTGRES` names a server the tests may create databases on.
async fn backends() -> Vec<String> {
    let mut urls = vec!["sqlite".to_owned()];
    if let Ok(admin) = std::env::var("CONSENTRY_TEST_POSTGRES") {
        urls.push(fresh_postgres_database(&admin).await);
    }
    urls
}

async fn fresh_postgres_database(admin_url: &str) -> String {
    let (client, connection) = tokio_postgres::connect(admin_url, tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL for tests");
    tokio::spawn(connection);
    let name = format!(
        "consentry_test_{}",
        hex::encode(consentry_gateway::random_bytes::<6>().expect("random"))
    );
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let mut url = url::Url::parse(admin_url).expect("admin url");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

fn config(origin: &Origin, storage: &str, extra_consent: &str) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n[consent]\n{extra_consent}\n\n[storage]\nurl = \"{storage}\"\n\n[[site]]\nname = \"shop\"\nhosts = [\"*\"]\nupstream = \"{}\"\n",
        origin.url()
    )
}

/// Runs `consentry log ...` against the gateway's config; returns (success, stdout, stderr).
fn log_cli(gateway: &Gateway, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(binary())
        .arg("log")
        .args(args)
        .arg("--config")
        .arg(gateway.data_dir.path().join("consentry.toml"))
        .output()
        .expect("consentry log");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn exported(gateway: &Gateway, filter: &[&str]) -> Vec<Value> {
    let mut args = vec!["export"];
    args.extend_from_slice(filter);
    let (ok, stdout, stderr) = log_cli(gateway, &args);
    assert!(ok, "{stderr}");
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The exported records once there are at least `n` (records written off the request path
/// land a moment after the response), waiting up to ten seconds.
async fn exported_at_least(gateway: &Gateway, n: usize) -> Vec<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let records = exported(gateway, &[]);
        if records.len() >= n || std::time::Instant::now() > deadline {
            return records;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

async fn decide(
    gateway: &Gateway,
    cookie: Option<&str>,
    body: Value,
) -> (reqwest::header::HeaderMap, Value) {
    let mut request = client()
        .post(gateway.at("/__consentry/consent"))
        .header("user-agent", FIREFOX)
        .header("accept-language", "nl-NL,nl;q=0.9")
        .json(&body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("decision");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.json().await.expect("json"))
}

#[tokio::test]
async fn each_decision_records_what_proves_it_and_nothing_that_identifies() {
    for storage in backends().await {
        let origin = Origin::start().await;
        let gateway = Gateway::with_config(&config(&origin, &storage, ""));
        let (headers, body) = decide(
            &gateway,
            None,
            serde_json::json!({"action": "custom", "categories": ["analytics"]}),
        )
        .await;
        let consent = cookie_pair(&headers, "consentry").expect("cookie");
        let form = client()
            .post(gateway.at("/__consentry/consent"))
            .header("cookie", &consent)
            .header("sec-gpc", "1")
            .form(&[("action", "accept_all")])
            .send()
            .await
            .expect("form");
        assert_eq!(form.status(), 303);

        let records = exported(&gateway, &[]);
        assert_eq!(records.len(), 2, "{storage}");
        let first = &records[0];
        assert_eq!(first["consent_id"], body["consent_id"]);
        assert_eq!(first["kind"], "custom");
        assert_eq!(
            (first["analytics"].as_bool(), first["marketing"].as_bool()),
            (Some(true), Some(false))
        );
        assert_eq!(first["language"], "nl");
        assert_eq!(
            first["ip_prefix"], "127.0.0.0/24",
            "the address is truncated to its network"
        );
        assert_eq!(first["browser"], "Firefox", "the browser family only");
        assert_eq!(first["banner_hash"].as_str().map(str::len), Some(64));
        assert_eq!(first["site"], "shop");
        assert_eq!(first["policy_version"], 1);
        assert_eq!(first["prev_hash"], "0".repeat(64));
        let second = &records[1];
        assert_eq!(
            second["consent_id"], body["consent_id"],
            "one visitor, one consent id"
        );
        assert_eq!(
            (
                second["kind"].as_str(),
                second["via_form"].as_bool(),
                second["gpc"].as_bool()
            ),
            (Some("accept_all"), Some(true), Some(true))
        );
        assert_eq!(
            second["marketing"], false,
            "GPC keeps marketing out of accept all"
        );
        assert_eq!(second["prev_hash"], first["hash"]);
        let raw = serde_json::to_string(&records).expect("json");
        assert!(
            !raw.contains("Gecko/20100101"),
            "the user agent is never stored whole"
        );
        let (ok, stdout, stderr) = log_cli(&gateway, &["verify"]);
        assert!(
            ok && stdout.contains("2 records verified"),
            "{stdout}{stderr}"
        );
    }
}

#[tokio::test]
async fn the_address_can_be_left_out() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, "sqlite", "record_ip = \"omit\""));
    decide(&gateway, None, serde_json::json!({"action": "reject_all"})).await;
    let records = exported(&gateway, &[]);
    assert_eq!(records[0]["ip_prefix"], "");
}

#[tokio::test]
async fn a_tampered_database_is_caught_by_log_verify() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, "sqlite", ""));
    for action in ["reject_all", "accept_all", "custom", "reject_all"] {
        decide(&gateway, None, serde_json::json!({"action": action})).await;
    }
    assert!(log_cli(&gateway, &["verify"]).0);
    let db =
        rusqlite::Connection::open(gateway.data_dir.path().join("consentry.sqlite3")).expect("db");
    // Someone turns a refusal into consent.
    db.execute("UPDATE consent_log SET marketing = 1 WHERE seq = 4", [])
        .expect("tamper");
    let (ok, _, stderr) = log_cli(&gateway, &["verify"]);
    assert!(!ok);
    assert!(stderr.contains("record 4 was altered"), "{stderr}");
    db.execute("UPDATE consent_log SET marketing = 0 WHERE seq = 4", [])
        .expect("undo");
    assert!(log_cli(&gateway, &["verify"]).0);
    // Someone removes a record.
    db.execute("DELETE FROM consent_log WHERE seq = 2", [])
        .expect("remove");
    let (ok, _, stderr) = log_cli(&gateway, &["verify"]);
    assert!(!ok);
    assert!(stderr.contains("record 2 is missing"), "{stderr}");
}

#[tokio::test]
async fn no_acknowledged_decision_is_lost_when_the_gateway_is_killed() {
    for storage in backends().await {
        let origin = Origin::start().await;
        let mut gateway = Gateway::with_config(&config(&origin, &storage, ""));
        let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut clients = Vec::new();
        for _ in 0..32 {
            let (url, acknowledged, stop) = (
                gateway.at("/__consentry/consent"),
                acknowledged.clone(),
                stop.clone(),
            );
            clients.push(tokio::spawn(async move {
                let client = client();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let Ok(response) = client
                        .post(&url)
                        .json(&serde_json::json!({"action": "accept_all"}))
                        .send()
                        .await
                    else {
                        break;
                    };
                    if response.status() != 200 {
                        break;
                    }
                    let Ok(body) = response.json::<Value>().await else {
                        break;
                    };
                    if let Some(id) = body["consent_id"].as_str() {
                        acknowledged.lock().expect("lock").push(id.to_owned());
                    }
                }
            }));
        }
        // Kill it in the middle of the stream of decisions, once a good number were answered.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while acknowledged.lock().expect("lock").len() < 200 && std::time::Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        gateway.kill();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for c in clients {
            let _ = c.await;
        }
        let acked = acknowledged.lock().expect("lock").clone();
        assert!(
            acked.len() >= 200,
            "only {} decisions acknowledged on {storage}",
            acked.len()
        );

        gateway.restart();
        let restarted = &gateway;
        let ids: std::collections::HashSet<String> = exported(restarted, &[])
            .iter()
            .filter_map(|r| r["consent_id"].as_str().map(str::to_owned))
            .collect();
        let lost: Vec<&String> = acked.iter().filter(|id| !ids.contains(*id)).collect();
        assert!(
            lost.is_empty(),
            "{} acknowledged decisions lost on {storage}",
            lost.len()
        );
        let (ok, stdout, stderr) = log_cli(restarted, &["verify"]);
        assert!(ok, "{stdout}{stderr}");
        // The restarted gateway serves and keeps appending to the same chain.
        decide(restarted, None, serde_json::json!({"action": "reject_all"})).await;
        assert!(log_cli(restarted, &["verify"]).0);
    }
}

#[tokio::test]
async fn the_visitor_sees_their_records_and_can_have_them_erased() {
    for storage in backends().await {
        let origin = Origin::start().await;
        let gateway = Gateway::with_config(&config(&origin, &storage, ""));
        let (headers, body) =
            decide(&gateway, None, serde_json::json!({"action": "accept_all"})).await;
        let consent = cookie_pair(&headers, "consentry").expect("cookie");
        let (headers, _) = decide(
            &gateway,
            Some(&consent),
            serde_json::json!({"action": "withdraw"}),
        )
        .await;
        let consent = cookie_pair(&headers, "consentry").expect("cookie");
        let id = body["consent_id"].as_str().expect("id").to_owned();
        decide(&gateway, None, serde_json::json!({"action": "reject_all"})).await;

        let page = client()
            .get(gateway.at("/__consentry/receipt"))
            .header("cookie", format!("{consent}; _ga=1"))
            .send()
            .await
            .expect("receipt");
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(html.contains(&id), "the consent id is shown");
        assert!(
            html.contains("Accepted all") && html.contains("Withdrew consent"),
            "{html}"
        );
        assert!(html.contains("action=\"/__consentry/receipt/erase\""));

        let erased = client()
            .post(gateway.at("/__consentry/receipt/erase"))
            .header("cookie", format!("{consent}; _ga=1"))
            .send()
            .await
            .expect("erase");
        assert_eq!(erased.status(), 303);
        assert_eq!(
            erased.headers().get("location").map(|v| v.as_bytes()),
            Some(&b"/__consentry/receipt?erased=2"[..])
        );
        let cleared: Vec<&str> = erased
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        assert!(
            cleared.iter().any(|c| c.starts_with("consentry=;")),
            "{cleared:?}"
        );
        assert!(
            cleared.iter().any(|c| c.starts_with("_ga=;")),
            "{cleared:?}"
        );

        let records = exported(&gateway, &[]);
        assert_eq!(records.len(), 4, "three decisions and the erasure");
        assert!(
            records.iter().all(|r| r["consent_id"] != id.as_str()),
            "the consent id is gone"
        );
        for r in &records[..2] {
            assert_eq!(
                (
                    r["erased"].as_bool(),
                    r["ip_prefix"].as_str(),
                    r["browser"].as_str()
                ),
                (Some(true), Some(""), Some(""))
            );
        }
        assert_eq!(
            records[2]["erased"], false,
            "another visitor's record is untouched"
        );
        assert_eq!(records[3]["kind"], "erasure");
        assert_eq!(records[3]["consent_id"], "");
        assert!(
            log_cli(&gateway, &["verify"]).0,
            "the chain still verifies after erasure"
        );
        assert!(exported(&gateway, &["--consent-id", &id]).is_empty());
    }
}

#[tokio::test]
async fn the_owner_erases_exports_and_counts_from_the_command_line() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, "sqlite", ""));
    let (_, a) = decide(&gateway, None, serde_json::json!({"action": "accept_all"})).await;
    decide(&gateway, None, serde_json::json!({"action": "reject_all"})).await;
    let id = a["consent_id"].as_str().expect("id");

    let mine = exported(&gateway, &["--consent-id", id]);
    assert_eq!(mine.len(), 1);
    assert!(exported(&gateway, &["--site", "elsewhere"]).is_empty());
    // Consent ids are base64url and may start with a dash.
    assert!(exported(&gateway, &["--consent-id", "-starts-with-a-dash"]).is_empty());
    assert_eq!(
        exported(
            &gateway,
            &["--since", "2000-01-01", "--until", "2999-01-01"]
        )
        .len(),
        2
    );
    assert!(exported(&gateway, &["--until", "2000-01-01"]).is_empty());

    let (ok, csv, _) = log_cli(&gateway, &["export", "--format", "csv"]);
    assert!(ok);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .is_some_and(|h| h.starts_with("seq,record_id,consent_id,recorded_at,site")));
    assert_eq!(lines.count(), 2);

    let (ok, out, err) = log_cli(&gateway, &["erase", "--consent-id", id]);
    assert!(ok, "{err}");
    assert!(out.contains("1 record(s)"), "{out}");
    assert!(exported(&gateway, &["--consent-id", id]).is_empty());
    let (ok, stats, _) = log_cli(&gateway, &["stats"]);
    assert!(ok);
    assert!(stats.contains("records: 3 (1 erased)"), "{stats}");
    assert!(
        stats.contains("erasure") && stats.contains("accept_all"),
        "{stats}"
    );
    assert!(log_cli(&gateway, &["verify"]).0);

    // The embedded store of a data directory is read without a config too.
    let out = Command::new(binary())
        .args(["log", "stats", "--data-dir"])
        .arg(gateway.data_dir.path())
        .output()
        .expect("stats");
    assert!(String::from_utf8_lossy(&out.stdout).contains("records: 3"));
}

#[tokio::test]
async fn an_expired_decision_is_asked_again_and_the_re_prompt_recorded() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, "sqlite", "lifetime = \"2s\""));
    let (headers, body) = decide(&gateway, None, serde_json::json!({"action": "accept_all"})).await;
    let consent = cookie_pair(&headers, "consentry").expect("cookie");
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let page = client()
        .get(gateway.at("/page"))
        .header("cookie", format!("{consent}; _ga=1"))
        .send()
        .await
        .expect("page");
    let cleared: Vec<String> = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect();
    assert!(
        cleared.iter().any(|c| c.starts_with("consentry=;")),
        "{cleared:?}"
    );
    let html = page.text().await.expect("html");
    assert!(
        html.contains("data-consentry=\"analytics\""),
        "trackers blocked again"
    );
    assert!(
        html.contains("value=\"accept_all\""),
        "the banner asks again"
    );
    assert!(!origin.cookies_at("/page").contains("_ga"));
    // The re-prompt is recorded off the request path.
    let records = exported_at_least(&gateway, 2).await;
    assert_eq!(records.len(), 2);
    assert_eq!(
        (records[1]["kind"].as_str(), records[1]["detail"].as_str()),
        (Some("reprompt"), Some("expired"))
    );
    assert_eq!(records[1]["consent_id"], body["consent_id"]);
}

#[tokio::test]
async fn a_new_policy_version_asks_every_visitor_again() {
    let origin = Origin::start().await;
    let mut gateway = Gateway::with_config(&config(&origin, "sqlite", "policy_version = 1"));
    let (headers, body) = decide(&gateway, None, serde_json::json!({"action": "accept_all"})).await;
    let consent = cookie_pair(&headers, "consentry").expect("cookie");
    gateway.restart_with(&config(&origin, "sqlite", "policy_version = 2"));
    let updated = &gateway;
    let page = client()
        .get(updated.at("/page"))
        .header("cookie", &consent)
        .send()
        .await
        .expect("page");
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("value=\"accept_all\""),
        "asked again"
    );
    let records = exported_at_least(updated, 2).await;
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["kind"], "reprompt");
    assert_eq!(records[1]["detail"], "policy changed from version 1");
    assert_eq!(records[1]["policy_version"], 2);
    // Deciding again keeps the visitor's consent id under the new policy.
    let (_, again) = decide(
        updated,
        Some(&consent),
        serde_json::json!({"action": "reject_all"}),
    )
    .await;
    assert_eq!(again["consent_id"], body["consent_id"]);
    assert_eq!(again["policy_version"], 2);
}

#[tokio::test]
async fn records_past_their_retention_are_pruned_and_the_log_still_verifies() {
    let origin = Origin::start().await;
    let mut gateway = Gateway::with_config(&config(&origin, "sqlite", "retention = \"1s\""));
    for action in ["accept_all", "reject_all", "custom"] {
        decide(&gateway, None, serde_json::json!({"action": action})).await;
    }
    // Times are whole seconds: 2.5 s after the last decision, `now - 1 s` is always past it.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    // The pruning task runs when the gateway starts and every hour after.
    gateway.restart();
    let (_, fresh) = decide(&gateway, None, serde_json::json!({"action": "reject_all"})).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let records = loop {
        let records = exported(&gateway, &[]);
        if records.len() == 1 || std::time::Instant::now() > deadline {
            break records;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(records.len(), 1, "the three old records are pruned");
    assert_eq!(records[0]["consent_id"], fresh["consent_id"]);
    assert_eq!(
        records[0]["seq"], 4,
        "positions keep counting after a prune"
    );
    let (ok, stdout, stderr) = log_cli(&gateway, &["verify"]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("3 pruned before a valid checkpoint"),
        "{stdout}"
    );
}

#[tokio::test]
async fn several_gateways_on_one_postgres_keep_one_chain() {
    let Ok(admin) = std::env::var("CONSENTRY_TEST_POSTGRES") else {
        eprintln!("CONSENTRY_TEST_POSTGRES is not set: the shared-PostgreSQL test did not run");
        return;
    };
    let url = fresh_postgres_database(&admin).await;
    let origin = Origin::start().await;
    // Gateways of one site share the signing secret, and so the chain's key.
    let shared = config(
        &origin,
        &url,
        "secret = \"one-secret-shared-by-every-gateway-of-this-site\"",
    );
    let gateways = [Gateway::with_config(&shared), Gateway::with_config(&shared)];
    let mut posts = Vec::new();
    for gateway in &gateways {
        for _ in 0..16 {
            let url = gateway.at("/__consentry/consent");
            posts.push(tokio::spawn(async move {
                let client = client();
                for _ in 0..10 {
                    let response = client
                        .post(&url)
                        .json(&serde_json::json!({"action": "accept_all"}))
                        .send()
                        .await
                        .expect("decision");
                    assert_eq!(response.status(), 200);
                }
            }));
        }
    }
    for post in posts {
        post.await.expect("client");
    }
    let records = exported(&gateways[0], &[]);
    assert_eq!(records.len(), 320);
    let seqs: Vec<u64> = records.iter().filter_map(|r| r["seq"].as_u64()).collect();
    assert_eq!(seqs, (1..=320).collect::<Vec<_>>(), "one gapless chain");
    let (ok, stdout, stderr) = log_cli(&gateways[1], &["verify"]);
    assert!(
        ok && stdout.contains("320 records verified"),
        "{stdout}{stderr}"
    );
}

#[tokio::test]
async fn the_country_comes_from_the_configured_geoip_database() {
    crate::native_only!("a MaxMind database file; at the edge the country is request.cf's");
    // A small MaxMind database of our own: loopback is in the Netherlands.
    let dir = tempfile::tempdir().expect("dir");
    let path = crate::support::geoip::loopback_in("NL", dir.path());

    let origin = Origin::start().await;
    let with_geoip = config(&origin, "sqlite", "").replace(
        "[consent]",
        &format!("geoip_database = \"{}\"\n\n[consent]", path.display()),
    );
    let gateway = Gateway::with_config(&with_geoip);
    decide(&gateway, None, serde_json::json!({"action": "reject_all"})).await;
    assert_eq!(exported(&gateway, &[])[0]["country"], "NL");
    // Without a database the country stays empty.
    let plain = Gateway::with_config(&config(&origin, "sqlite", ""));
    decide(&plain, None, serde_json::json!({"action": "reject_all"})).await;
    assert_eq!(exported(&plain, &[])[0]["country"], "");
}
