//! The cookie inventory and the declaration: what the origin sets and what scripts set, read
//! back through `/__consentry/cookies`.

use serde_json::Value;

use crate::support::{client, Gateway, Origin};

/// The declaration as JSON (reading it writes what the gateway saw so far to the store).
pub(crate) async fn inventory(gateway: &Gateway) -> Value {
    let response = client()
        .get(gateway.at("/__consentry/cookies?format=json"))
        .send()
        .await
        .expect("declaration");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().ok(),
        Some("application/json")
    );
    response.json().await.expect("json")
}

fn cookie<'a>(inventory: &'a Value, name: &str) -> &'a Value {
    inventory["cookies"]
        .as_array()
        .expect("cookies")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not in the inventory: {inventory:#}"))
}

async fn get(gateway: &Gateway, path: &str, cookies: &str, language: &str) -> String {
    let mut request = client().get(gateway.at(path));
    if !cookies.is_empty() {
        request = request.header("cookie", cookies);
    }
    if !language.is_empty() {
        request = request.header("accept-language", language);
    }
    let response = request.send().await.expect("request");
    response.text().await.expect("body")
}

#[tokio::test]
async fn cookies_set_by_the_origin_and_by_scripts_are_in_the_inventory() {
    let origin = Origin::start().await;
    let gateway = Gateway::proxy(&origin.url());
    // The origin sets its cookies with the page; a script on another page sets `chat_open`
    // and Google Ads' script `_gcl_au`: the gateway only ever sees those in requests.
    get(&gateway, "/page?utm_source=x", "", "").await;
    get(&gateway, "/script-cookie", "session=s3cr3t", "").await;
    get(
        &gateway,
        "/site/a?email=someone@example.com",
        "session=s3cr3t; chat_open=1; _gcl_au=1.1.1",
        "",
    )
    .await;

    let inventory = inventory(&gateway).await;
    let ga = cookie(&inventory, "_ga");
    assert_eq!(ga["set_by"], "origin");
    assert_eq!(ga["category"], "analytics");
    assert_eq!(ga["source"], "catalogue");
    assert_eq!(ga["lifetime_seconds"], 63_072_000);
    assert_eq!(ga["path"], "/");
    assert_eq!(
        (ga["http_only"].as_bool(), ga["secure"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(
        ga["paths"],
        serde_json::json!(["/page", "/script-cookie", "/site/a"]),
        "paths without their query"
    );

    let session = cookie(&inventory, "session");
    assert_eq!(session["set_by"], "origin");
    assert_eq!(session["category"], "necessary");
    assert_eq!(session["session"], true);
    assert_eq!(session["http_only"], true);
    assert_eq!(session["same_site"], "Lax");

    let chat = cookie(&inventory, "chat_open");
    assert_eq!(chat["set_by"], "script");
    assert_eq!(
        chat["category"], "necessary",
        "unknown, but its name says it is the chat's own state"
    );
    assert_eq!(chat["source"], "guessed");
    assert_eq!(chat["unclassified"], true);
    assert_eq!(
        chat["paths"],
        serde_json::json!(["/site/a"]),
        "no query is kept"
    );

    let gcl = cookie(&inventory, "_gcl_au");
    assert_eq!(gcl["set_by"], "script");
    assert_eq!(gcl["category"], "marketing");
    assert_eq!(gcl["source"], "catalogue");
    assert_eq!(gcl["provider"], "Google Ads");
    assert_eq!(
        gcl["lifetime_seconds"],
        90 * 86_400,
        "the catalogue's lifetime"
    );

    let consent = cookie(&inventory, "consentry");
    assert_eq!(consent["set_by"], "gateway");
    assert_eq!(consent["category"], "necessary");
}

#[tokio::test]
async fn a_new_unknown_cookie_is_flagged_once() {
    let origin = Origin::start().await;
    let gateway = Gateway::proxy_logged(&origin.url());
    for _ in 0..3 {
        get(&gateway, "/nothing-here", "mystery_pref=1", "").await;
    }
    let inventory = inventory(&gateway).await;
    assert_eq!(inventory["unclassified"], 1, "{inventory:#}");
    assert_eq!(cookie(&inventory, "mystery_pref")["unclassified"], true);
    let flagged = gateway
        .log()
        .lines()
        .filter(|l| l.contains("new unclassified cookie") && l.contains("mystery_pref"))
        .count();
    assert_eq!(flagged, 1, "one log line: {}", gateway.log());
    // Seen again later: still one.
    get(&gateway, "/nothing-here", "mystery_pref=2", "").await;
    assert_eq!(self::inventory(&gateway).await["unclassified"], 1);
    let flagged = gateway
        .log()
        .lines()
        .filter(|l| l.contains("new unclassified cookie") && l.contains("mystery_pref"))
        .count();
    assert_eq!(flagged, 1, "{}", gateway.log());
}

#[tokio::test]
async fn the_declaration_lists_the_cookies_in_dutch_and_english() {
    let origin = Origin::start().await;
    let gateway = Gateway::proxy(&origin.url());
    get(&gateway, "/page", "chat_open=1", "").await;

    let dutch = get(
        &gateway,
        "/__consentry/cookies",
        "",
        "nl-NL,nl;q=0.9,en;q=0.5",
    )
    .await;
    assert!(
        dutch.starts_with("<!doctype html><html lang=\"nl\">"),
        "{dutch}"
    );
    for text in [
        "Cookieverklaring",
        "<th scope=\"col\">Herkomst</th><th scope=\"col\">Soort</th><th scope=\"col\">Naam</th><th scope=\"col\">Bewaartermijn</th><th scope=\"col\">Doel</th>",
        "Noodzakelijk",
        "Statistieken",
        "<td>Google Analytics</td><td>Statistieken</td><td><code>_ga</code></td><td>2 jaar</td>",
        "<td><code>_gid</code></td><td>24 uur</td>",
        "<td>Deze site</td><td>Noodzakelijk</td><td><code>session</code></td><td>sessie</td>",
        "<code>chat_open</code></td><td>onbekend</td>",
    ] {
        assert!(dutch.contains(text), "{text} is not in {dutch}");
    }

    let english = get(&gateway, "/__consentry/cookies?lang=en", "", "nl").await;
    for text in [
        "Cookie declaration",
        "<th scope=\"col\">Provider</th>",
        "<td><code>_ga</code></td><td>2 years</td>",
        "<td><code>_gid</code></td><td>24 hours</td>",
        "Distinguishes visitors",
    ] {
        assert!(english.contains(text), "{text} is not in {english}");
    }

    let fragment = get(
        &gateway,
        "/__consentry/cookies?format=fragment&lang=nl",
        "",
        "",
    )
    .await;
    assert!(
        fragment.starts_with("<div class=\"consentry-declaration\" lang=\"nl\">"),
        "{fragment}"
    );
    assert!(
        fragment.ends_with("</div>") && fragment.contains("2 jaar"),
        "{fragment}"
    );
    assert!(!fragment.contains("<html"), "{fragment}");
}

#[tokio::test]
async fn the_declaration_takes_only_get_and_head() {
    let origin = Origin::start().await;
    let gateway = Gateway::proxy(&origin.url());
    let response = client()
        .post(gateway.at("/__consentry/cookies"))
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 405);
    let head = client()
        .head(gateway.at("/__consentry/cookies"))
        .send()
        .await
        .expect("head");
    assert_eq!(head.status(), 200);
}

/// Where Debian puts chromedriver (`apt-get install chromium-driver`), or on the `PATH`.
fn chromedriver_installed() -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain([std::path::PathBuf::from("/usr/bin")])
        .any(|dir| dir.join("chromedriver").is_file())
}

#[tokio::test]
async fn scan_finds_every_cookie_the_demo_sets() {
    crate::native_only!("`consentry scan` and `consentry demo` are the native command line");
    if !chromedriver_installed() {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is missing: scripts/test.sh installs chromium-driver"
        );
        eprintln!(
            "chromedriver is not installed (apt-get install chromium-driver): scan not tested"
        );
        return;
    }
    let demo = Gateway::demo();
    let url = demo.url.clone();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(crate::support::binary())
            .args([
                "scan",
                "--url",
                &url,
                "--json",
                "--max-pages",
                "10",
                "--max-time",
                "90",
                // Only the demo on loopback: every other host fails at once instead of waiting
                // for a network this test does not have.
                "--chromium-arg=--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            ])
            .env("RUST_LOG", "warn")
            .output()
    })
    .await
    .expect("scan task")
    .expect("consentry scan");
    assert!(
        output.status.success(),
        "scan failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("scan JSON");
    assert_eq!(report["accepted"], true, "{report:#}");
    assert!(
        report["pages"].as_array().expect("pages").len() >= 4,
        "{report:#}"
    );
    // What the demo sets: its origin's session, XSRF token and server-side `_fbp`, the
    // gateway's consent cookie, and `_ga`, `_gid` and `_gat` from its statistics script once
    // analytics are accepted.
    let expected = [
        ("session", "necessary", Some(true)),
        ("XSRF-TOKEN", "necessary", Some(false)),
        ("consentry", "necessary", Some(true)),
        ("_fbp", "marketing", Some(false)),
        ("_ga", "analytics", Some(false)),
        ("_gid", "analytics", Some(false)),
        ("_gat", "analytics", Some(false)),
    ];
    for (name, category, http_only) in expected {
        let found = cookie(&report, name);
        assert_eq!(found["category"], category, "{found:#}");
        assert_eq!(found["http_only"].as_bool(), http_only, "{found:#}");
        assert_eq!(found["domain"], "127.0.0.1", "{found:#}");
    }
    assert_eq!(cookie(&report, "_gid")["lifetime"], "24 hours");
    assert_eq!(cookie(&report, "session")["lifetime"], "session");
    // The demo's region switch keeps its choice in a cookie of the demo's own when the scan
    // follows one of its links: necessary to the demo, and nothing else.
    let cookies = report["cookies"].as_array().expect("cookies");
    let switch = cookies
        .iter()
        .filter(|c| c["name"] == "consentry_demo_region")
        .inspect(|c| assert_eq!(c["category"], "necessary", "{c:#}"))
        .count();
    assert_eq!(
        cookies.len(),
        expected.len() + switch,
        "nothing else: {report:#}"
    );
}

/// A signed-in dashboard visitor: the cookies the gateway gave, sent back.
struct Owner<'g> {
    gateway: &'g Gateway,
    cookies: Vec<String>,
}

impl Owner<'_> {
    fn keep(&mut self, response: &reqwest::Response) {
        for value in response.headers().get_all("set-cookie") {
            let pair = value.to_str().unwrap_or("").split(';').next().unwrap_or("");
            let name = pair.split('=').next().unwrap_or("").to_owned();
            self.cookies.retain(|c| !c.starts_with(&format!("{name}=")));
            if !pair.ends_with('=') {
                self.cookies.push(pair.to_owned());
            }
        }
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let response = client()
            .get(self.gateway.at(path))
            .header("cookie", self.cookies.join("; "))
            .send()
            .await
            .expect("GET");
        self.keep(&response);
        response
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let response = client()
            .post(self.gateway.at(path))
            .header("cookie", self.cookies.join("; "))
            .header("origin", self.gateway.url.trim_end_matches('/'))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .expect("POST");
        self.keep(&response);
        response
    }
}

fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no csrf in {html}"))
        + marker.len();
    html[start..].split('"').next().unwrap_or("").to_owned()
}

#[tokio::test]
async fn the_owner_classifies_an_unknown_cookie_in_the_dashboard() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n\
         [[site]]\nname = \"shop\"\nhosts = [\"*\"]\nupstream = \"{}\"\n",
        origin.url()
    ));
    let config = gateway.data_dir.path().join("consentry.toml");
    let mut add = std::process::Command::new(crate::support::binary())
        .args(["admin", "add", "--user", "owner", "--config"])
        .arg(&config)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("consentry admin add");
    std::io::Write::write_all(
        &mut add.stdin.take().expect("stdin"),
        b"correct horse battery staple\n",
    )
    .expect("password");
    let added = add.wait_with_output().expect("admin add");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );

    // A script of the site sets `chat_open`: nobody knows it, so it waits for marketing.
    get(&gateway, "/site/a", "chat_open=1", "").await;

    let mut owner = Owner {
        gateway: &gateway,
        cookies: Vec::new(),
    };
    let login = owner.get("/__consentry/admin/login").await;
    let csrf = csrf_in(&login.text().await.expect("login form"));
    let signed = owner
        .post(
            "/__consentry/admin/login",
            &[
                ("csrf", &csrf),
                ("user", "owner"),
                ("password", "correct horse battery staple"),
                ("code", ""),
            ],
        )
        .await;
    assert_eq!(signed.status(), 303, "signed in");

    let page = owner.get("/__consentry/admin/cookies").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("cookie page");
    assert!(html.contains("Unclassified cookies (1)"), "{html}");
    assert!(
        html.contains("<input type=\"hidden\" name=\"name\" value=\"chat_open\">"),
        "{html}"
    );
    assert!(
        html.contains("<code>_ga</code>"),
        "the whole inventory: {html}"
    );
    let csrf = csrf_in(&html);

    // Without the session's token, nothing changes.
    let refused = owner
        .post(
            "/__consentry/admin/cookies",
            &[
                ("csrf", "wrong"),
                ("site", "shop"),
                ("name", "chat_open"),
                ("category", "preferences"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403);

    let classified = owner
        .post(
            "/__consentry/admin/cookies",
            &[
                ("csrf", &csrf),
                ("site", "shop"),
                ("name", "chat_open"),
                ("category", "preferences"),
                ("purpose", "Remembers whether the <chat> is open."),
            ],
        )
        .await;
    assert_eq!(classified.status(), 303);

    let inventory = inventory(&gateway).await;
    assert_eq!(inventory["unclassified"], 0, "{inventory:#}");
    let chat = cookie(&inventory, "chat_open");
    assert_eq!(chat["category"], "preferences");
    assert_eq!(chat["source"], "override");
    assert_eq!(chat["purpose"], "Remembers whether the <chat> is open.");
    let declaration = get(&gateway, "/__consentry/cookies?lang=en", "", "").await;
    assert!(
        declaration.contains("Remembers whether the &lt;chat&gt; is open."),
        "escaped: {declaration}"
    );

    // Applied at once: with preferences granted, the cookie now reaches the origin.
    let consent = crate::support::consent_json(&gateway, "custom", &["preferences"]).await;
    get(&gateway, "/site/b", &format!("{consent}; chat_open=1"), "").await;
    assert!(
        origin.cookies_at("/site/b").contains("chat_open=1"),
        "{}",
        origin.cookies_at("/site/b")
    );

    let audit = owner.get("/__consentry/admin/audit").await;
    let audit = audit.text().await.expect("audit page");
    assert!(
        audit.contains("cookie classified") && audit.contains("shop: chat_open as preferences"),
        "{audit}"
    );
}
