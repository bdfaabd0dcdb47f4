//! Keeping a site's Content-Security-Policy intact around what the gateway inlines.
//!
//! The gateway adds one inline script (the Consent Mode defaults) and, for a themed banner,
//! one inline style. A policy that would block them gets the `'sha256-...'` hash of exactly
//! that text added, in the directive that governs it; nothing else in the policy changes, and
//! `'unsafe-inline'` is never added.

use http::header::{HeaderMap, HeaderName, HeaderValue};

/// What an inline element is, for the directives that govern it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Script,
    Style,
}

impl Kind {
    const fn directives(self) -> [&'static str; 3] {
        match self {
            Kind::Script => ["script-src-elem", "script-src", "default-src"],
            Kind::Style => ["style-src-elem", "style-src", "default-src"],
        }
    }
}

/// The hash sources of what the gateway inlines into a page: scripts, then styles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InlineHashes {
    /// `'sha256-...'` of each inline script.
    pub scripts: Vec<String>,
    /// `'sha256-...'` of each inline style.
    pub styles: Vec<String>,
}

/// Adds hash sources for the gateway's inline `scripts` and `styles` (each a CSP source such
/// as `'sha256-...'`) to every policy in `headers`, enforced or report-only, that would
/// otherwise block them.
pub(crate) fn allow_inline(headers: &mut HeaderMap, scripts: &[String], styles: &[String]) {
    for name in [
        http::header::CONTENT_SECURITY_POLICY,
        http::header::CONTENT_SECURITY_POLICY_REPORT_ONLY,
    ] {
        amend_all(headers, &name, scripts, styles);
    }
}

fn amend_all(headers: &mut HeaderMap, name: &HeaderName, scripts: &[String], styles: &[String]) {
    let values: Vec<HeaderValue> = headers.get_all(name).iter().cloned().collect();
    if values.is_empty() {
        return;
    }
    headers.remove(name);
    for value in values {
        let amended = value
            .to_str()
            .ok()
            .map(|text| amend(text, scripts, styles))
            .and_then(|text| HeaderValue::from_str(&text).ok())
            .unwrap_or(value);
        headers.append(name.clone(), amended);
    }
}

/// One header value (or `<meta>` content): a comma-separated list of policies, each amended
/// on its own.
pub(crate) fn amend(header: &str, scripts: &[String], styles: &[String]) -> String {
    header
        .split(',')
        .map(|policy| {
            let policy = amend_policy(policy.trim(), Kind::Script, scripts);
            amend_policy(&policy, Kind::Style, styles)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn amend_policy(policy: &str, kind: Kind, hashes: &[String]) -> String {
    if hashes.is_empty() {
        return policy.to_owned();
    }
    let mut directives: Vec<(String, Vec<String>)> = policy
        .split(';')
        .filter_map(|d| {
            let mut words = d.split_ascii_whitespace();
            let name = words.next()?.to_ascii_lowercase();
            Some((name, words.map(str::to_owned).collect()))
        })
        .collect();
    let governing = kind
        .directives()
        .iter()
        .find_map(|name| directives.iter().position(|(n, _)| n == name));
    let Some(index) = governing else {
        return policy.to_owned();
    };
    if allows_inline(&directives[index].1) {
        return policy.to_owned();
    }
    let mut sources: Vec<String> = directives[index]
        .1
        .iter()
        .filter(|s| !s.eq_ignore_ascii_case("'none'"))
        .cloned()
        .collect();
    sources.extend(hashes.iter().cloned());
    if directives[index].0 == "default-src" {
        // A hash in default-src would also reach other fetch directives: give the element
        // kind its own directive with what default-src allowed it, plus the hashes.
        let name = kind.directives()[1].to_owned();
        directives.push((name, sources));
    } else {
        directives[index].1 = sources;
    }
    directives
        .iter()
        .map(|(name, sources)| {
            if sources.is_empty() {
                name.clone()
            } else {
                format!("{name} {}", sources.join(" "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Whether a source list already lets every inline element run: `'unsafe-inline'` counts
/// only when no nonce, hash or `'strict-dynamic'` disables it.
fn allows_inline(sources: &[String]) -> bool {
    let lower: Vec<String> = sources.iter().map(|s| s.to_ascii_lowercase()).collect();
    lower.iter().any(|s| s == "'unsafe-inline'")
        && !lower.iter().any(|s| {
            s.starts_with("'nonce-")
                || s.starts_with("'sha256-")
                || s.starts_with("'sha384-")
                || s.starts_with("'sha512-")
                || s == "'strict-dynamic'"
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h() -> Vec<String> {
        vec!["'sha256-abc='".to_owned()]
    }

    #[test]
    fn script_src_gets_the_hash() {
        assert_eq!(
            amend("script-src 'self'; img-src *", &h(), &[]),
            "script-src 'self' 'sha256-abc='; img-src *"
        );
        assert_eq!(
            amend("script-src-elem 'self'; script-src 'none'", &h(), &[]),
            "script-src-elem 'self' 'sha256-abc='; script-src 'none'"
        );
    }

    #[test]
    fn default_src_is_copied_into_a_script_directive() {
        assert_eq!(
            amend("default-src 'self'", &h(), &[]),
            "default-src 'self'; script-src 'self' 'sha256-abc='"
        );
        assert_eq!(
            amend("default-src 'none'", &h(), &[]),
            "default-src 'none'; script-src 'sha256-abc='"
        );
    }

    #[test]
    fn policies_that_allow_inline_or_say_nothing_stay_as_they_are() {
        for policy in [
            "script-src 'self' 'unsafe-inline'",
            "img-src 'self'; frame-ancestors 'none'",
            "",
        ] {
            assert_eq!(amend(policy, &h(), &[]), policy);
        }
        assert_eq!(
            amend("script-src 'unsafe-inline' 'nonce-r4nd'", &h(), &[]),
            "script-src 'unsafe-inline' 'nonce-r4nd' 'sha256-abc='"
        );
    }

    #[test]
    fn styles_and_several_policies_are_amended_each() {
        let styles = vec!["'sha256-css='".to_owned()];
        assert_eq!(
            amend("default-src 'self', script-src 'self'", &h(), &styles),
            "default-src 'self'; script-src 'self' 'sha256-abc='; style-src 'self' 'sha256-css=', script-src 'self' 'sha256-abc='"
        );
    }

    #[test]
    fn enforced_and_report_only_headers_are_both_amended() {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("script-src 'self'"),
        );
        headers.append(
            http::header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("object-src 'none'"),
        );
        headers.insert(
            http::header::CONTENT_SECURITY_POLICY_REPORT_ONLY,
            HeaderValue::from_static("default-src 'self'"),
        );
        allow_inline(&mut headers, &h(), &[]);
        let csp: Vec<&str> = headers
            .get_all(http::header::CONTENT_SECURITY_POLICY)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        assert_eq!(
            csp,
            ["script-src 'self' 'sha256-abc='", "object-src 'none'"]
        );
        assert!(headers
            .get(http::header::CONTENT_SECURITY_POLICY_REPORT_ONLY)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.ends_with("script-src 'self' 'sha256-abc='")));
    }
}
