//! The runtime guard: a script loaded first in `<head>` for a visitor who has not granted
//! everything, that holds back what other scripts build at run time towards a tracker (a
//! `<script>`, frame or image whose address is computed, `fetch`, `XMLHttpRequest`,
//! `sendBeacon`, `document.write`), where the HTML pass cannot see it.
//!
//! It knows the catalogue's tracker hosts per category, its path signatures and the site's
//! allowlist, and decides as the gateway does. The data is large (thousands of hosts), so it
//! is not inlined into pages: the guard is one content-hashed, immutable asset, built once
//! per set of inputs.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};

use consentry_config::{Catalogue, Category};

use crate::assets::{asset, compact, Asset};

const JS: &str = include_str!("../assets/guard.js");

/// Where the script takes its data; replaced by the catalogue's.
const DATA_MARK: &str = "{ /* the catalogue, filled in by the gateway */ }";

/// The guard for `catalogue`, letting through what `allow` allows (entries written as the
/// site's allowlist: `host`, `host/path-prefix`, `/path-prefix`).
pub(crate) fn guard_asset(catalogue: &Catalogue, allow: &[&str]) -> Asset {
    let script = compact(JS).replacen(DATA_MARK, &data(catalogue, allow), 1);
    asset(
        "guard",
        "js",
        "text/javascript; charset=utf-8",
        intern(script),
    )
}

/// The guard's data as a JS object literal (JSON): `h` the hosts of each optional category,
/// space-separated and sorted; `x` the necessary hosts, exceptions below a tracker's domain;
/// `p` the path signatures as `[pattern (lowercase), host or "", category]`; `a` the allowlist.
fn data(catalogue: &Catalogue, allow: &[&str]) -> String {
    let known: HashMap<&str, Category> = catalogue
        .trackers
        .iter()
        .map(|t| (t.host.as_str(), t.category))
        .collect();
    let mut hosts: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut exceptions: Vec<&str> = Vec::new();
    for tracker in &catalogue.trackers {
        match tracker.category {
            Category::Necessary => exceptions.push(&tracker.host),
            // The guard walks up to parent domains as the gateway does: a host below one of
            // the same category says nothing more.
            c if nearest_parent(&known, &tracker.host) == Some(c) => {}
            c => hosts.entry(c.as_str()).or_default().push(&tracker.host),
        }
    }
    exceptions.sort_unstable();
    let hosts: BTreeMap<&str, String> = hosts
        .into_iter()
        .map(|(c, mut list)| {
            list.sort_unstable();
            list.dedup();
            (c, list.join(" "))
        })
        .collect();
    let paths: Vec<[String; 3]> = catalogue
        .paths
        .iter()
        .map(|p| {
            [
                p.pattern.to_ascii_lowercase(),
                p.host.clone().unwrap_or_default(),
                p.category.as_str().to_owned(),
            ]
        })
        .collect();
    serde_json::json!({
        "h": hosts,
        "x": exceptions.join(" "),
        "p": paths,
        "a": allow,
    })
    .to_string()
}

/// The category of the closest parent domain of `host` that the catalogue names (never a
/// bare top-level domain, as in the gateway's lookup).
fn nearest_parent(known: &HashMap<&str, Category>, host: &str) -> Option<Category> {
    let mut candidate = host;
    loop {
        match candidate.split_once('.') {
            Some((_, parent)) if parent.contains('.') => candidate = parent,
            _ => return None,
        }
        if let Some(&category) = known.get(candidate) {
            return Some(category);
        }
    }
}

/// The guard's text for the life of the process. Assets are served from `&'static` bytes;
/// a guard is built per engine (and again on a configuration reload), so each distinct text
/// is kept once and shared rather than leaked per build. In practice there is one.
fn intern(text: String) -> &'static str {
    static KEPT: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut kept = KEPT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(same) = kept.iter().find(|k| **k == text) {
        return same;
    }
    let text: &'static str = Box::leak(text.into_boxed_str());
    kept.push(text);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::parse(
            "cookie = []",
            r#"
[[tracker]]
host = "google-analytics.com"
vendor = "Google Analytics"
category = "analytics"

[[tracker]]
host = "facebook.net"
vendor = "Meta"
category = "marketing"

[[tracker]]
host = "connect.facebook.net"
vendor = "Meta"
category = "marketing"

[[tracker]]
host = "pay.facebook.net"
vendor = "Meta Pay"
category = "necessary"

[[path]]
pattern = "/reCAPTCHA/"
host = "google.com"
vendor = "Google reCAPTCHA"
category = "necessary"
"#,
        )
        .expect("catalogue")
    }

    #[test]
    fn guard_data_groups_hosts_by_category() {
        let asset = guard_asset(&catalogue(), &["cdn.example.com"]);
        let js = std::str::from_utf8(asset.body).expect("utf-8");
        assert!(!js.contains(DATA_MARK));
        assert!(js.contains(r#""analytics":"google-analytics.com""#), "{js}");
        assert!(js.contains(r#""marketing":"facebook.net""#));
        assert!(js.contains(r#""x":"pay.facebook.net""#));
        assert!(js.contains(r#"["/recaptcha/","google.com","necessary"]"#));
        assert!(js.contains(r#""a":["cdn.example.com"]"#));
        assert!(asset.path.starts_with("/__consentry/guard."));
        assert!(asset.path.ends_with(".js"));
    }

    #[test]
    fn guard_is_built_once_per_text() {
        let a = guard_asset(&catalogue(), &[]);
        let b = guard_asset(&catalogue(), &[]);
        assert_eq!(a.path, b.path);
        assert!(std::ptr::eq(a.body, b.body));
        assert_ne!(guard_asset(&catalogue(), &["x.test"]).path, a.path);
    }

    #[test]
    fn guard_source_has_one_place_for_its_data() {
        assert_eq!(compact(JS).matches(DATA_MARK).count(), 1);
    }
}
