//! The dashboard's accounts over HTTP: everything behind a login, the session cookie's
//! attributes, the lockout, CSRF, TOTP, API tokens, the audit log and the security headers.
//! Accounts and tokens are made with the `consentry admin` command, as an owner would; against
//! the Worker the command writes into the local D1 database, which `wasm/dev.sh` links into the
//! data directory as `consentry.sqlite3`, so every test runs on both hosts.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use reqwest::Response;

use crate::support::{binary, client, Gateway, Origin};

const PASSWORD: &str = "correct horse battery staple";
const LOGIN: &str = "/__consentry/admin/login";

fn config(origin: &Origin, admin: &str) -> String {
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n[admin]\n{admin}\n\n\
         [[site]]\nname = \"shop\"\nhosts = [\"*\"]\nupstream = \"{}\"\n\n\
         [[site]]\nname = \"blog\"\nhosts = [\"blog.test\"]\nupstream = \"{}\"\n",
        origin.url(),
        origin.url()
    )
}

/// `consentry admin ARGS --config` of the gateway, with `input` on standard input.
fn admin_cli(gateway: &Gateway, args: &[&str], input: &str) -> std::process::Output {
    let config = gateway.data_dir.path().join("consentry.toml");
    let mut child = Command::new(binary())
        .arg("admin")
        .args(args)
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("consentry admin");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("consentry admin")
}

/// Adds an account; returns what the command printed.
fn add_account(gateway: &Gateway, user: &str, extra: &[&str]) -> String {
    let mut args = vec!["add", "--user", user];
    args.extend_from_slice(extra);
    let out = admin_cli(gateway, &args, &format!("{PASSWORD}\n"));
    assert!(
        out.status.success(),
        "admin add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn set_cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
}

/// The admin security headers every answer under the dashboard carries.
fn assert_secure(headers: &HeaderMap, what: &str) {
    assert_eq!(
        header(headers, "content-security-policy"),
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        "{what}"
    );
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
    assert_eq!(header(headers, "referrer-policy"), "no-referrer", "{what}");
    assert_eq!(header(headers, "cache-control"), "no-store", "{what}");
    assert_eq!(
        header(headers, "x-content-type-options"),
        "nosniff",
        "{what}"
    );
}

/// A browser on the dashboard: the cookies it was given, sent back as a browser would.
struct Browser<'g> {
    gateway: &'g Gateway,
    cookies: Vec<(String, String)>,
}

impl<'g> Browser<'g> {
    fn new(gateway: &'g Gateway) -> Browser<'g> {
        Browser {
            gateway,
            cookies: Vec::new(),
        }
    }

    fn keep_cookies(&mut self, headers: &HeaderMap) {
        for value in headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            let pair = value.split(';').next().unwrap_or_default();
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            self.cookies.retain(|(n, _)| n != name);
            // A cookie set empty is one being removed.
            if !value.is_empty() {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> Response {
        let response = client()
            .get(self.gateway.at(path))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.keep_cookies(response.headers());
        response
    }

    /// A form post from the dashboard's own page.
    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Response {
        let response = client()
            .post(self.gateway.at(path))
            .header("cookie", self.cookie_header())
            .header("origin", self.gateway.url.trim_end_matches('/'))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
            .await
            .expect("POST");
        self.keep_cookies(response.headers());
        response
    }

    /// Opens the login form; returns its CSRF token.
    async fn login_form(&mut self) -> String {
        let response = self.get(LOGIN).await;
        assert_eq!(response.status(), 200);
        let html = response.text().await.expect("login page");
        hidden_csrf(&html)
    }

    async fn sign_in(&mut self, user: &str, password: &str, code: &str) -> Response {
        let csrf = self.login_form().await;
        self.post(
            LOGIN,
            &[
                ("csrf", &csrf),
                ("user", user),
                ("password", password),
                ("code", code),
            ],
        )
        .await
    }

    /// The dashboard's CSRF token for its forms.
    async fn dashboard_csrf(&mut self) -> String {
        let response = self.get("/__consentry/admin").await;
        assert_eq!(response.status(), 200);
        hidden_csrf(&response.text().await.expect("dashboard"))
    }
}

fn hidden_csrf(html: &str) -> String {
    let start = html
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no csrf field in {html}"))
        + "name=\"csrf\" value=\"".len();
    html[start..]
        .split('"')
        .next()
        .expect("csrf value")
        .to_owned()
}

#[tokio::test]
async fn dashboard_and_api_are_behind_a_login_with_strict_headers() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, ""));
    let http = client();

    for path in ["/__consentry/admin", "/__consentry/admin/audit"] {
        let response = http.get(gateway.at(path)).send().await.expect("page");
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(header(response.headers(), LOCATION.as_str()), LOGIN);
        assert_secure(response.headers(), path);
    }
    for path in [
        "/__consentry/api/summary",
        "/__consentry/api/pages",
        "/__consentry/api/pages.csv",
        "/__consentry/api/nothing",
    ] {
        let response = http.get(gateway.at(path)).send().await.expect("api");
        assert_eq!(response.status(), 401, "{path}");
        assert_secure(response.headers(), path);
        assert!(header(response.headers(), "www-authenticate").starts_with("Bearer"));
        let body: serde_json::Value = response.json().await.expect("json");
        assert!(body["error"].is_string(), "{body}");
    }
    let forged = http
        .get(gateway.at("/__consentry/api/summary"))
        .bearer_auth("cst_not-a-token")
        .header("cookie", "consentry_admin=not-a-session")
        .send()
        .await
        .expect("api");
    assert_eq!(forged.status(), 401);

    let login = http.get(gateway.at(LOGIN)).send().await.expect("login");
    assert_eq!(login.status(), 200);
    assert_secure(login.headers(), "login page");
    let cookie = set_cookie(login.headers(), "consentry_admin_login").expect("login cookie");
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let html = login.text().await.expect("html");
    assert!(html.contains("<form method=\"post\" action=\"/__consentry/admin/login\">"));
    assert!(!html.contains("<script"), "no script on admin pages");

    let style = http
        .get(gateway.at("/__consentry/admin/style.css"))
        .send()
        .await
        .expect("style");
    assert_eq!(style.status(), 200);
    assert!(header(style.headers(), "content-type").starts_with("text/css"));
    assert_secure(style.headers(), "style.css");

    let post = http
        .post(gateway.at("/__consentry/api/summary"))
        .send()
        .await
        .expect("post");
    assert_eq!(post.status(), 405);
    assert_secure(post.headers(), "405");
    let missing = http
        .get(gateway.at("/__consentry/admin/nothing"))
        .send()
        .await
        .expect("404");
    assert_eq!(missing.status(), 404);
    assert_secure(missing.headers(), "404");
}

#[tokio::test]
async fn signing_in_sets_a_strict_session_cookie_and_signing_out_ends_it() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, "session_lifetime = \"1h\""));
    add_account(&gateway, "ann", &[]);
    let mut browser = Browser::new(&gateway);

    let response = browser.sign_in("ann", PASSWORD, "").await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        header(response.headers(), LOCATION.as_str()),
        "/__consentry/admin"
    );
    assert_secure(response.headers(), "login answer");
    let session = set_cookie(response.headers(), "consentry_admin").expect("session cookie");
    let token = session
        .split(';')
        .next()
        .and_then(|p| p.split_once('='))
        .map(|(_, v)| v)
        .expect("token");
    assert!(token.len() >= 43, "a 256-bit token: {session}");
    for attribute in [
        "Path=/__consentry;",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Max-Age=3600",
    ] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
    let stored = std::fs::read(gateway.data_dir.path().join("consentry.sqlite3")).expect("db");
    assert!(
        !stored.windows(token.len()).any(|w| w == token.as_bytes()),
        "the session token itself is never stored"
    );

    let dashboard = browser.get("/__consentry/admin").await;
    assert_eq!(dashboard.status(), 200);
    assert_secure(dashboard.headers(), "dashboard");
    let html = dashboard.text().await.expect("dashboard");
    assert!(html.contains("ann"), "the page names the account");
    assert!(!html.contains("<script"), "no script on admin pages");
    let summary = browser.get("/__consentry/api/summary").await;
    assert_eq!(summary.status(), 200, "the session opens the API too");
    let summary: serde_json::Value = summary.json().await.expect("json");
    assert_eq!(summary["site"], "shop");
    let blog = browser.get("/__consentry/api/summary?site=blog").await;
    let blog: serde_json::Value = blog.json().await.expect("json");
    assert_eq!(blog["site"], "blog");
    let login_again = browser.get(LOGIN).await;
    assert_eq!(login_again.status(), 303, "signed in: on to the dashboard");

    let csrf = browser.dashboard_csrf().await;
    let out = browser
        .post("/__consentry/admin/logout", &[("csrf", &csrf)])
        .await;
    assert_eq!(out.status(), 303);
    let cleared = set_cookie(out.headers(), "consentry_admin").expect("cookie cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old token no longer opens anything, even if a browser kept it.
    let replay = client()
        .get(gateway.at("/__consentry/admin"))
        .header("cookie", format!("consentry_admin={token}"))
        .send()
        .await
        .expect("replay");
    assert_eq!(replay.status(), 303);
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_even_for_the_right_password() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, "lockout = \"3s\""));
    add_account(&gateway, "ann", &[]);
    let mut browser = Browser::new(&gateway);

    let mut messages = Vec::new();
    for attempt in 1..=5 {
        let response = browser.sign_in("ann", "wrong password, again", "").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
        assert!(set_cookie(response.headers(), "consentry_admin").is_none());
        messages.push(refusal(&response.text().await.expect("page")));
    }
    let locked = browser.sign_in("ann", PASSWORD, "").await;
    assert_eq!(
        locked.status(),
        401,
        "locked: the right password is refused"
    );
    assert!(set_cookie(locked.headers(), "consentry_admin").is_none());
    let locked_message = refusal(&locked.text().await.expect("page"));
    let unknown = browser.sign_in("nobody", PASSWORD, "").await;
    let unknown_message = refusal(&unknown.text().await.expect("page"));
    assert!(
        messages
            .iter()
            .all(|m| *m == locked_message && *m == unknown_message),
        "one message whatever the reason: {messages:?} / {locked_message} / {unknown_message}"
    );
    assert!(!locked_message.to_lowercase().contains("password is wrong"));

    tokio::time::sleep(Duration::from_millis(3_500)).await;
    let after = browser.sign_in("ann", PASSWORD, "").await;
    assert_eq!(after.status(), 303, "the lock ends after admin.lockout");
}

/// The refusal's text on the login page.
fn refusal(html: &str) -> String {
    let start = html.find("role=\"alert\">").expect("a refusal message") + 13;
    html[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn posts_without_the_right_csrf_token_or_from_elsewhere_are_refused() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, ""));
    add_account(&gateway, "ann", &[]);
    let mut browser = Browser::new(&gateway);

    let csrf = browser.login_form().await;
    let credentials = [("user", "ann"), ("password", PASSWORD)];
    let without = browser.post(LOGIN, &credentials).await;
    assert_eq!(without.status(), 403, "no token");
    assert_secure(without.headers(), "403");
    let wrong = browser
        .post(
            LOGIN,
            &[("csrf", "forged"), ("user", "ann"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(wrong.status(), 403, "a wrong token");
    let no_cookie = client()
        .post(gateway.at(LOGIN))
        .form(&[
            ("csrf", csrf.as_str()),
            ("user", "ann"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(no_cookie.status(), 403, "the token without its cookie");
    let cross_site = client()
        .post(gateway.at(LOGIN))
        .header("cookie", browser.cookie_header())
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("csrf", csrf.as_str()),
            ("user", "ann"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(cross_site.status(), 403, "from another site");

    let signed_in = browser.sign_in("ann", PASSWORD, "").await;
    assert_eq!(signed_in.status(), 303);
    let logout_without = browser.post("/__consentry/admin/logout", &[]).await;
    assert_eq!(logout_without.status(), 403);
    let logout_forged = browser
        .post("/__consentry/admin/logout", &[("csrf", "forged")])
        .await;
    assert_eq!(logout_forged.status(), 403);
    let session_csrf = browser.dashboard_csrf().await;
    let logout_cross = client()
        .post(gateway.at("/__consentry/admin/logout"))
        .header("cookie", browser.cookie_header())
        .header("origin", "https://evil.example")
        .form(&[("csrf", session_csrf.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(logout_cross.status(), 403);
    assert_eq!(
        browser.get("/__consentry/admin").await.status(),
        200,
        "refused posts changed nothing"
    );
}

#[tokio::test]
async fn an_api_token_from_the_command_line_opens_the_api() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, ""));
    add_account(&gateway, "script", &[]);
    let made = admin_cli(&gateway, &["token", "--user", "script"], "");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let token = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    assert!(token.starts_with("cst_"), "{token}");
    let nobody = admin_cli(&gateway, &["token", "--user", "nobody"], "");
    assert!(
        !nobody.status.success(),
        "no token for an account that does not exist"
    );

    let api = |path: &str| client().get(gateway.at(path)).bearer_auth(&token).send();
    let summary = api("/__consentry/api/summary").await.expect("summary");
    assert_eq!(summary.status(), 200);
    assert_secure(summary.headers(), "summary");
    let summary: serde_json::Value = summary.json().await.expect("json");
    for key in ["pageviews", "visitors", "from", "to", "site"] {
        assert!(summary.get(key).is_some(), "{key} in {summary}");
    }
    let pages: serde_json::Value = api("/__consentry/api/pages?from=2026-01-01&to=2026-01-31")
        .await
        .expect("pages")
        .json()
        .await
        .expect("json");
    assert_eq!(pages["name"], "pages");
    assert!(pages["rows"].is_array());

    for path in [
        "/__consentry/api/pages.csv",
        "/__consentry/api/pages?format=csv",
    ] {
        let csv = api(path).await.expect("csv");
        assert_eq!(csv.status(), 200, "{path}");
        assert!(header(csv.headers(), "content-type").starts_with("text/csv"));
        let disposition = header(csv.headers(), "content-disposition").to_owned();
        assert!(
            disposition.starts_with("attachment; filename=\"consentry-shop-pages-"),
            "{disposition}"
        );
        assert!(csv
            .text()
            .await
            .expect("csv")
            .starts_with("path,pageviews,"));
    }
    for (path, said) in [
        ("/__consentry/api/summary?from=2026-02-30", "from"),
        ("/__consentry/api/summary?to=yesterday", "to"),
        ("/__consentry/api/summary?site=nope", "site"),
        (
            "/__consentry/api/summary?from=2026-02-01&to=2026-01-01",
            "from",
        ),
    ] {
        let bad = api(path).await.expect("bad");
        assert_eq!(bad.status(), 400, "{path}");
        let body: serde_json::Value = bad.json().await.expect("json");
        assert!(
            body["error"].as_str().is_some_and(|e| e.starts_with(said)),
            "{path}: {body}"
        );
    }
    assert_eq!(
        api("/__consentry/api/nothing").await.expect("404").status(),
        404
    );
}

#[tokio::test]
async fn a_totp_code_is_required_once_enrolled_and_taken_only_once() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, ""));
    let printed = add_account(&gateway, "ann", &["--totp"]);
    let uri = printed
        .split_whitespace()
        .find(|w| w.starts_with("otpauth://totp/"))
        .unwrap_or_else(|| panic!("an otpauth URI in {printed}"));
    assert!(uri.contains("issuer=Consentry"), "{uri}");
    let secret = printed
        .split("secret: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the base32 secret")
        .to_owned();
    assert!(uri.contains(&format!("secret={secret}")), "{uri}");

    let mut browser = Browser::new(&gateway);
    let without = browser.sign_in("ann", PASSWORD, "").await;
    assert_eq!(without.status(), 401, "the password alone is not enough");
    let wrong = browser.sign_in("ann", PASSWORD, "000000").await;
    assert_eq!(wrong.status(), 401);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let code = consentry_engine::admin::totp::code_at(&secret, now).expect("code");
    let with = browser.sign_in("ann", PASSWORD, &code).await;
    assert_eq!(with.status(), 303, "password and code");

    let mut other = Browser::new(&gateway);
    let replayed = other.sign_in("ann", PASSWORD, &code).await;
    assert_eq!(replayed.status(), 401, "a code is taken once");
}

#[tokio::test]
async fn the_audit_log_lists_every_admin_action_escaped() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, "max_failed_logins = 2"));
    add_account(&gateway, "ann", &[]);
    add_account(&gateway, "bob", &[]);
    let made = admin_cli(&gateway, &["token", "--user", "ann"], "");
    assert!(made.status.success());
    let token = String::from_utf8_lossy(&made.stdout).trim().to_owned();
    client()
        .get(gateway.at("/__consentry/api/countries.csv"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("csv");

    let mut browser = Browser::new(&gateway);
    browser.sign_in("<img src=x>", "nope nope nope", "").await;
    for _ in 0..2 {
        browser.sign_in("bob", "nope nope nope", "").await;
    }
    browser.sign_in("bob", PASSWORD, "").await;
    assert_eq!(browser.sign_in("ann", PASSWORD, "").await.status(), 303);
    browser.get("/__consentry/api/pages.csv").await;
    let csrf = browser.dashboard_csrf().await;
    browser
        .post("/__consentry/admin/logout", &[("csrf", &csrf)])
        .await;
    assert_eq!(browser.sign_in("ann", PASSWORD, "").await.status(), 303);

    let audit = browser.get("/__consentry/admin/audit").await;
    assert_eq!(audit.status(), 200);
    assert_secure(audit.headers(), "audit");
    let html = audit.text().await.expect("audit page");
    for action in [
        "account added",
        "api token made",
        "login failed",
        "account locked",
        "login refused: locked",
        "login ok",
        "csv export",
        "logout",
    ] {
        assert!(html.contains(action), "{action} in the audit log");
    }
    assert!(html.contains("countries, site shop"), "what was exported");
    assert!(
        html.contains("127.0.0.0/24"),
        "the network, not the address"
    );
    assert!(
        html.contains("&lt;img src=x&gt;") && !html.contains("<img src=x>"),
        "names typed at the login form are escaped"
    );
}

#[tokio::test]
async fn accounts_printed_as_sql_for_d1_sign_in_once_the_sql_is_run() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_config(&config(&origin, ""));
    let printed = admin_cli(
        &gateway,
        &["add", "--user", "edge", "--print-sql"],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let sql = String::from_utf8_lossy(&printed.stdout).into_owned();
    assert!(sql.contains("$argon2id$v=19$m=19456,t=2,p=1$"), "{sql}");
    assert!(!sql.contains(PASSWORD), "only the hash is printed");
    let token = admin_cli(&gateway, &["token", "--user", "edge", "--print-sql"], "");
    assert!(token.status.success());
    let token_sql = String::from_utf8_lossy(&token.stdout).into_owned();
    let token_text = String::from_utf8_lossy(&token.stderr)
        .split_whitespace()
        .find(|w| w.starts_with("cst_"))
        .expect("the token on standard error")
        .to_owned();
    assert!(!token_sql.contains(&token_text), "only the token's hash");

    // What `wrangler d1 execute --file` does, on the store's SQLite file.
    let db = rusqlite::Connection::open(gateway.data_dir.path().join("consentry.sqlite3"))
        .expect("store");
    db.execute_batch(&sql).expect("account SQL");
    db.execute_batch(&token_sql).expect("token SQL");
    drop(db);

    let mut browser = Browser::new(&gateway);
    assert_eq!(browser.sign_in("edge", PASSWORD, "").await.status(), 303);
    let summary = client()
        .get(gateway.at("/__consentry/api/summary"))
        .bearer_auth(&token_text)
        .send()
        .await
        .expect("summary");
    assert_eq!(summary.status(), 200);
}
