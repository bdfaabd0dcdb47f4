//! Shared fixtures: a real origin, the real gateway, and an HTTP client that sees exactly
//! what a browser would be sent.

mod gateway;
pub mod geoip;
mod origin;
mod place;
mod worker;

pub use gateway::{binary, Gateway};
pub use origin::{binary_body, Origin, RawOrigin, Then};
pub use place::Place;
pub use worker::{is_worker, native_only};

use reqwest::header::{HeaderMap, SET_COOKIE};

/// A client that follows no redirects, keeps no cookies and decodes no bodies.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .build()
        .expect("client")
}

/// The names of the cookies a response sets.
pub fn set_cookie_names(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split('=').next())
        .map(str::to_owned)
        .collect()
}

/// The `name=value` of a `Set-Cookie` header for `name`, as a browser would send it back.
pub fn cookie_pair(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// A proxy gateway in front of a fresh origin.
pub async fn setup() -> (Origin, Gateway) {
    let origin = Origin::start().await;
    let gateway = Gateway::proxy(&origin.url());
    (origin, gateway)
}

/// Gives consent with a JSON post and returns the consent cookie (`consentry=...`).
pub async fn consent_json(gateway: &Gateway, action: &str, categories: &[&str]) -> String {
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .json(&serde_json::json!({ "action": action, "categories": categories }))
        .send()
        .await
        .expect("consent request");
    assert_eq!(response.status(), 200, "consent accepted");
    cookie_pair(response.headers(), "consentry").expect("consent cookie set")
}
