//! Dashboard sessions and CSRF protection.
//!
//! A session is a random token in the `consentry_admin` cookie (`Path=/__consentry;
//! HttpOnly; Secure; SameSite=Strict`); the store keeps only its SHA-256. Every form carries
//! the session's CSRF token in a hidden `csrf` field, checked on every POST together with a
//! same-origin check. The login form has no session yet: it uses a double-submit cookie
//! (`consentry_admin_login`) holding the token its hidden field repeats.

use std::time::Duration;

use cookie::Cookie;
use http::header::{self, HeaderMap};

use super::accounts::{same, token_hash, token_text};
use super::store::AdminSession;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "consentry_admin";
/// The login form's double-submit cookie.
pub const LOGIN_COOKIE: &str = "consentry_admin_login";
/// Where the session cookie is sent: the dashboard and the API.
pub const SESSION_COOKIE_PATH: &str = "/__consentry";
/// How long a login form stays valid, in seconds.
const LOGIN_FORM_LIFETIME: u64 = 3600;

/// A new session for `user` and the token for its cookie.
pub fn new_session(
    user: &str,
    now: u64,
    lifetime: Duration,
    token_random: [u8; 32],
    csrf_random: [u8; 32],
) -> (String, AdminSession) {
    let token = token_text("", token_random);
    let session = AdminSession {
        token_hash: token_hash(&token),
        user: user.to_owned(),
        csrf: token_text("", csrf_random),
        created_at: now,
        expires_at: now.saturating_add(lifetime.as_secs()),
    };
    (token, session)
}

/// The `Set-Cookie` value that holds a session's token.
pub fn session_cookie(token: &str, lifetime: Duration) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path={SESSION_COOKIE_PATH}; Max-Age={}; HttpOnly; Secure; SameSite=Strict",
        lifetime.as_secs()
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie() -> String {
    format!(
        "{SESSION_COOKIE}=; Path={SESSION_COOKIE_PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Strict"
    )
}

/// The `Set-Cookie` value of the login form's double-submit token.
pub fn login_cookie(token: &str) -> String {
    format!(
        "{LOGIN_COOKIE}={token}; Path={}; Max-Age={LOGIN_FORM_LIFETIME}; HttpOnly; Secure; SameSite=Strict",
        super::app::LOGIN_PATH
    )
}

/// The `Set-Cookie` value that removes the login form's cookie.
pub fn clear_login_cookie() -> String {
    format!(
        "{LOGIN_COOKIE}=; Path={}; Max-Age=0; HttpOnly; Secure; SameSite=Strict",
        super::app::LOGIN_PATH
    )
}

/// The value of the request cookie `name`, the first one sent.
pub fn request_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// The bearer token of an `Authorization` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Whether a form's `csrf` field matches the expected token (neither empty).
pub fn csrf_matches(expected: &str, given: Option<&str>) -> bool {
    given.is_some_and(|given| !expected.is_empty() && same(expected.as_bytes(), given.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn sessions_keep_only_the_hash_and_cookies_are_strict() {
        let (token, session) = new_session("ann", 100, Duration::from_secs(3600), [1; 32], [2; 32]);
        assert_eq!(session.token_hash, token_hash(&token));
        assert_eq!(session.expires_at, 3700);
        assert_ne!(session.csrf, token);
        let cookie = session_cookie(&token, Duration::from_secs(3600));
        for part in [
            "Path=/__consentry;",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Max-Age=3600",
        ] {
            assert!(cookie.contains(part), "{cookie}");
        }
    }

    #[test]
    fn cookies_and_bearer_tokens_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; consentry_admin=tok; b=2"),
        );
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer cst_abc"),
        );
        assert_eq!(
            request_cookie(&headers, SESSION_COOKIE).as_deref(),
            Some("tok")
        );
        assert_eq!(request_cookie(&headers, LOGIN_COOKIE), None);
        assert_eq!(bearer_token(&headers), Some("cst_abc"));
        assert!(csrf_matches("x", Some("x")));
        assert!(!csrf_matches("x", Some("y")) && !csrf_matches("", Some("")));
        assert!(!csrf_matches("x", None));
    }
}
