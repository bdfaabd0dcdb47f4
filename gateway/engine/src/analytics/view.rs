//! What one page view is: which requests count, and what of them is kept (a path without
//! identifiers, the referring site, the campaign, the device class).

use http::header::{self, HeaderMap};
use http::{Method, StatusCode};

use crate::user_agent::UserAgent;
pub use crate::user_agent::{Agent, Device};

/// Who a user agent is: a person's browser on a class of device, or a bot (see
/// [`crate::user_agent`]). No agent at all is a bot.
pub fn classify_agent(user_agent: Option<&str>) -> Agent {
    UserAgent::parse(user_agent).agent
}

/// Whether a request is a speculative load (prefetch or prerender) rather than a view.
pub fn is_prefetch(headers: &HeaderMap) -> bool {
    let says = |name: &str, token: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains(token))
    };
    says("sec-purpose", "prefetch")
        || says("sec-purpose", "prerender")
        || says("purpose", "prefetch")
        || says("x-purpose", "preview")
        || says("x-moz", "prefetch")
}

/// Whether a response is a page view: a `GET` answered `200` with HTML (the caller knows
/// the body is HTML: it is the one being rewritten), not a prefetch.
pub fn is_page_view(
    method: &Method,
    status: StatusCode,
    html: bool,
    request_headers: &HeaderMap,
) -> bool {
    method == Method::GET && status == StatusCode::OK && html && !is_prefetch(request_headers)
}

/// The path as counted: the query string dropped but for the allowed parameters (campaign
/// tags), kept in the order they came.
pub fn counted_path(path_and_query: &str, allowed: &[String]) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let path = path.split('#').next().unwrap_or(path);
    let path = if path.is_empty() { "/" } else { path };
    if query.is_empty() || allowed.is_empty() {
        return path.to_owned();
    }
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if allowed.iter().any(|a| a.as_str() == name) {
            kept.append_pair(&name, &value);
            any = true;
        }
    }
    if any {
        format!("{path}?{}", kept.finish())
    } else {
        path.to_owned()
    }
}

/// The campaign of a view from its `utm_source`, `utm_medium` and `utm_campaign` tags, as
/// "source / medium / campaign"; `None` without any.
pub fn campaign(path_and_query: &str) -> Option<String> {
    let query = path_and_query.split_once('?')?.1;
    let (mut source, mut medium, mut name) = (None, None, None);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim().to_owned();
        if value.is_empty() {
            continue;
        }
        match &*key {
            "utm_source" => source = Some(value),
            "utm_medium" => medium = Some(value),
            "utm_campaign" => name = Some(value),
            _ => {}
        }
    }
    if source.is_none() && medium.is_none() && name.is_none() {
        return None;
    }
    let part = |p: Option<String>| p.unwrap_or_else(|| "-".to_owned());
    Some(format!(
        "{} / {} / {}",
        part(source),
        part(medium),
        part(name)
    ))
}

/// The referring site's host, when it is another site than the one viewed; an internal
/// navigation or no referrer is "direct" (`None`).
pub fn referrer_host(headers: &HeaderMap, own_host: &str) -> Option<String> {
    let referrer = headers.get(header::REFERER)?.to_str().ok()?;
    let url = url::Url::parse(referrer).ok()?;
    let host = url
        .host_str()?
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    let own = crate::host_without_port(own_host)
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    (host != own && !host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHROME_DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const IPAD: &str = "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const ANDROID_TABLET: &str = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    const GOOGLEBOT: &str =
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    #[test]
    fn agents_are_told_apart() {
        assert_eq!(
            classify_agent(Some(CHROME_DESKTOP)),
            Agent::Person(Device::Desktop)
        );
        assert_eq!(classify_agent(Some(IPHONE)), Agent::Person(Device::Phone));
        assert_eq!(classify_agent(Some(IPAD)), Agent::Person(Device::Tablet));
        assert_eq!(
            classify_agent(Some(ANDROID_TABLET)),
            Agent::Person(Device::Tablet)
        );
        assert_eq!(classify_agent(Some(GOOGLEBOT)), Agent::Bot);
        assert_eq!(classify_agent(Some("curl/8.5.0")), Agent::Bot);
        assert_eq!(classify_agent(None), Agent::Bot);
    }

    #[test]
    fn paths_keep_only_campaign_tags() {
        let allowed = ["utm_source".to_owned(), "utm_campaign".to_owned()];
        assert_eq!(
            counted_path("/a?session=1&utm_source=news", &allowed),
            "/a?utm_source=news"
        );
        assert_eq!(counted_path("/a?email=x%40y.z", &allowed), "/a");
        assert_eq!(counted_path("", &allowed), "/");
        assert_eq!(
            campaign("/?utm_source=news&utm_medium=email&utm_campaign=spring").as_deref(),
            Some("news / email / spring")
        );
        assert_eq!(
            campaign("/?utm_source=news").as_deref(),
            Some("news / - / -")
        );
        assert_eq!(campaign("/?q=1"), None);
    }

    #[test]
    fn referrers_name_other_sites_only() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::REFERER,
            "https://www.Google.com/search?q=x".parse().expect("value"),
        );
        assert_eq!(
            referrer_host(&headers, "shop.example").as_deref(),
            Some("google.com")
        );
        headers.insert(
            header::REFERER,
            "https://shop.example/page".parse().expect("value"),
        );
        assert_eq!(referrer_host(&headers, "shop.example:8080"), None);
        headers.insert(header::REFERER, "not a url".parse().expect("value"));
        assert_eq!(referrer_host(&headers, "shop.example"), None);
    }

    #[test]
    fn prefetches_are_not_views() {
        let mut headers = HeaderMap::new();
        assert!(is_page_view(&Method::GET, StatusCode::OK, true, &headers));
        assert!(!is_page_view(&Method::POST, StatusCode::OK, true, &headers));
        assert!(!is_page_view(
            &Method::GET,
            StatusCode::NOT_FOUND,
            true,
            &headers
        ));
        headers.insert("sec-purpose", "prefetch;prerender".parse().expect("value"));
        assert!(!is_page_view(&Method::GET, StatusCode::OK, true, &headers));
    }
}
