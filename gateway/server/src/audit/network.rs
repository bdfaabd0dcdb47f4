//! The requests a page made and what caused each one, read from Chromium's performance log:
//! chromedriver keeps the DevTools `Network` events when the session asks for
//! `goog:loggingPrefs: {"performance": "ALL"}`, and hands them over (and forgets them) on
//! `POST /session/{id}/se/log {"type": "performance"}`. `Network.requestWillBeSent` names
//! the request's initiator: the parser at a line of a document, or the script stack that
//! made it; `Network.responseReceivedExtraInfo` carries the raw `Set-Cookie` headers.

use std::collections::HashMap;

use anyhow::{anyhow, Result};
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::Client;
use serde_json::Value;
use url::Url;

/// The capability that makes chromedriver keep the performance log.
pub(super) fn logging_prefs() -> Value {
    serde_json::json!({ "performance": "ALL" })
}

/// The `goog:chromeOptions` entry that keeps network events only.
pub(super) fn perf_logging_prefs() -> Value {
    serde_json::json!({ "enableNetwork": true, "enablePage": false })
}

/// What caused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Initiator {
    /// The element or API: `<script src>`, `<img>`, `<iframe>`, `fetch()`, ...
    pub(crate) element: String,
    /// The document or script it is in.
    pub(crate) url: Option<String>,
    /// Its line there, from 1.
    pub(crate) line: Option<u64>,
}

impl Initiator {
    /// In words, such as `<script src> at /page:5`; paths on `site` are shown without it.
    pub(crate) fn describe(&self, site: &Url) -> String {
        let place = match (&self.url, self.line) {
            (Some(url), Some(line)) => format!(" at {}:{line}", short_url(url, site)),
            (Some(url), None) => format!(" in {}", short_url(url, site)),
            _ => String::new(),
        };
        format!("{}{place}", self.element)
    }
}

/// A request the page made.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// Its address.
    pub(crate) url: Url,
    /// DevTools' resource type, lowercase: `script`, `image`, `document`, `fetch`, ...
    pub(crate) resource_type: String,
    /// What caused it.
    pub(crate) initiator: Initiator,
}

/// What the log held since it was last read.
#[derive(Debug, Default)]
pub(crate) struct NetworkLog {
    /// The requests, in order.
    pub(crate) requests: Vec<Request>,
    /// Cookie names with the address of the response whose `Set-Cookie` set them.
    pub(crate) set_cookies: Vec<(String, String)>,
}

/// Reads (and so empties) the performance log.
pub(crate) async fn read(client: &Client) -> Result<NetworkLog> {
    let entries = client
        .issue_cmd(GetPerformanceLog)
        .await
        .map_err(|e| anyhow!("reading Chromium's performance log: {e}"))?;
    Ok(parse(&entries))
}

/// The log's entries, each a JSON text `{"message": {"method": ..., "params": ...}}`.
fn parse(entries: &Value) -> NetworkLog {
    let mut log = NetworkLog::default();
    let mut urls: HashMap<String, String> = HashMap::new();
    for entry in entries.as_array().into_iter().flatten() {
        let Some(text) = entry.get("message").and_then(Value::as_str) else {
            continue;
        };
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        let message = &message["message"];
        let params = &message["params"];
        match message["method"].as_str() {
            Some("Network.requestWillBeSent") => {
                let Some(url) = params["request"]["url"].as_str() else {
                    continue;
                };
                if let Some(id) = params["requestId"].as_str() {
                    urls.insert(id.to_owned(), url.to_owned());
                }
                let Ok(url) = Url::parse(url) else {
                    continue;
                };
                let resource_type = params["type"]
                    .as_str()
                    .unwrap_or("other")
                    .to_ascii_lowercase();
                let initiator = initiator(&params["initiator"], &resource_type);
                log.requests.push(Request {
                    url,
                    resource_type,
                    initiator,
                });
            }
            Some("Network.responseReceivedExtraInfo") => {
                let url = params["requestId"]
                    .as_str()
                    .and_then(|id| urls.get(id))
                    .cloned()
                    .unwrap_or_default();
                let Some(headers) = params["headers"].as_object() else {
                    continue;
                };
                for (name, value) in headers {
                    if !name.eq_ignore_ascii_case("set-cookie") {
                        continue;
                    }
                    for line in value.as_str().unwrap_or("").lines() {
                        if let Some((cookie, _)) = line.split_once('=') {
                            log.set_cookies
                                .push((cookie.trim().to_owned(), url.clone()));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    log
}

/// DevTools' `Network.Initiator`, with the resource type, as an element or API.
fn initiator(value: &Value, resource_type: &str) -> Initiator {
    let kind = value["type"].as_str().unwrap_or("other");
    let line = |v: &Value| v.as_u64().map(|l| l + 1);
    match kind {
        "parser" => Initiator {
            element: parsed_element(resource_type).to_owned(),
            url: value["url"].as_str().map(str::to_owned),
            line: line(&value["lineNumber"]),
        },
        "script" => {
            // The innermost frame with an address (async stacks keep theirs in `parent`).
            let mut stack = &value["stack"];
            let mut frame = None;
            while frame.is_none() && stack.is_object() {
                frame = stack["callFrames"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|f| f["url"].as_str().is_some_and(|u| !u.is_empty()));
                stack = &stack["parent"];
            }
            Initiator {
                element: scripted_element(resource_type).to_owned(),
                url: frame
                    .and_then(|f| f["url"].as_str())
                    .or_else(|| value["url"].as_str())
                    .map(str::to_owned),
                line: frame.and_then(|f| line(&f["lineNumber"])),
            }
        }
        "preload" => Initiator {
            element: "<link rel=preload>".to_owned(),
            url: value["url"].as_str().map(str::to_owned),
            line: line(&value["lineNumber"]),
        },
        "preflight" => Initiator {
            element: "CORS preflight".to_owned(),
            url: value["url"].as_str().map(str::to_owned),
            line: None,
        },
        _ if resource_type == "document" => Initiator {
            element: "navigation".to_owned(),
            url: None,
            line: None,
        },
        _ => Initiator {
            element: format!("the browser ({resource_type})"),
            url: value["url"].as_str().map(str::to_owned),
            line: line(&value["lineNumber"]),
        },
    }
}

/// The element the HTML parser found, by what it loads.
fn parsed_element(resource_type: &str) -> &'static str {
    match resource_type {
        "script" => "<script src>",
        "image" => "<img>",
        "document" => "<iframe>",
        "stylesheet" => "<link rel=stylesheet>",
        "media" => "<video>/<audio>",
        "font" => "@font-face",
        "ping" => "<a ping>",
        _ => "an element",
    }
}

/// The API a script called, by what it loads.
fn scripted_element(resource_type: &str) -> &'static str {
    match resource_type {
        "fetch" => "fetch() in a script",
        "xhr" => "XMLHttpRequest in a script",
        "ping" => "sendBeacon() in a script",
        "script" => "<script> added by a script",
        "image" => "image loaded by a script",
        "document" => "<iframe> added by a script",
        "stylesheet" => "stylesheet added by a script",
        "websocket" => "WebSocket in a script",
        "eventsource" => "EventSource in a script",
        _ => "a script",
    }
}

/// A URL on the audited site as its path (`/page`), others whole.
pub(super) fn short_url(url: &str, site: &Url) -> String {
    match Url::parse(url) {
        Ok(parsed) if crate::browser::same_site(site, &parsed) => {
            crate::browser::page_path(parsed.as_str())
        }
        _ => url.to_owned(),
    }
}

/// chromedriver's `POST /session/{id}/se/log` for the performance log.
#[derive(Debug)]
struct GetPerformanceLog;

impl WebDriverCompatibleCommand for GetPerformanceLog {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"performance"}"#.to_owned()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(method: &str, params: Value) -> Value {
        let message = serde_json::json!({ "message": { "method": method, "params": params } });
        serde_json::json!({ "level": "INFO", "message": message.to_string() })
    }

    #[test]
    fn initiators_name_the_element_and_its_line() {
        let site = Url::parse("http://127.0.0.1:8080/").expect("url");
        let entries = Value::Array(vec![
            entry(
                "Network.requestWillBeSent",
                serde_json::json!({
                    "requestId": "1",
                    "request": { "url": "https://www.googletagmanager.com/gtag/js?id=G-1" },
                    "type": "Script",
                    "initiator": { "type": "parser", "url": "http://127.0.0.1:8080/page", "lineNumber": 4 }
                }),
            ),
            entry(
                "Network.requestWillBeSent",
                serde_json::json!({
                    "requestId": "2",
                    "request": { "url": "https://stats.example/collect" },
                    "type": "Fetch",
                    "initiator": { "type": "script", "stack": { "callFrames": [],
                        "parent": { "callFrames": [ { "url": "http://127.0.0.1:8080/app.js", "lineNumber": 11 } ] } } }
                }),
            ),
            entry(
                "Network.responseReceivedExtraInfo",
                serde_json::json!({ "requestId": "2", "headers": { "Set-Cookie": "_ga=1; Path=/\nsid=2" } }),
            ),
        ]);
        let log = parse(&entries);
        assert_eq!(log.requests.len(), 2);
        assert_eq!(
            log.requests[0].initiator.describe(&site),
            "<script src> at /page:5"
        );
        assert_eq!(log.requests[1].resource_type, "fetch");
        assert_eq!(
            log.requests[1].initiator.describe(&site),
            "fetch() in a script at /app.js:12"
        );
        assert_eq!(
            log.set_cookies,
            vec![
                ("_ga".to_owned(), "https://stats.example/collect".to_owned()),
                ("sid".to_owned(), "https://stats.example/collect".to_owned()),
            ]
        );
    }
}
