//! The built-in catalogue of well-known cookies, tracker hosts and inline-script signatures.
//!
//! The data lives in `catalogue/*.toml` in this crate and is compiled into the binary, so the
//! native gateway and the worker classify exactly alike.

use serde::Deserialize;

use crate::{Category, Lifetime};

const COOKIES_TOML: &str = include_str!("../catalogue/cookies.toml");
const TRACKERS_TOML: &str = include_str!("../catalogue/trackers.toml");

/// A well-known cookie: its name (or `*` glob), who sets it, why, and for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieEntry {
    /// The exact name, or a glob where `*` matches any run of characters.
    pub name: String,
    /// The company or product that sets it.
    pub vendor: String,
    /// Its consent category.
    pub category: Category,
    /// What it is for, in one sentence.
    pub purpose: String,
    /// How long it usually lives.
    pub lifetime: Lifetime,
}

/// A host that serves trackers; it matches itself and every subdomain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerHost {
    /// Lowercase host name without scheme or port.
    pub host: String,
    /// The company or product behind it.
    pub vendor: String,
    /// The category of what it serves.
    pub category: Category,
}

/// A substring that identifies a tracker in an inline script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptSignature {
    /// The case-sensitive substring.
    pub pattern: String,
    /// The company or product it belongs to.
    pub vendor: String,
    /// The category of the script that contains it.
    pub category: Category,
}

/// The whole catalogue.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Well-known cookies.
    pub cookies: Vec<CookieEntry>,
    /// Tracker hosts.
    pub trackers: Vec<TrackerHost>,
    /// Inline-script signatures.
    pub signatures: Vec<ScriptSignature>,
}

/// A catalogue file that does not parse.
#[derive(Debug, Clone, thiserror::Error)]
#[error("catalogue {file}: {message}")]
pub struct CatalogueError {
    /// Which catalogue file.
    pub file: &'static str,
    /// What is wrong.
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CookiesFile {
    cookie: Vec<CookieRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CookieRow {
    name: String,
    vendor: String,
    category: Category,
    purpose: String,
    lifetime: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackersFile {
    tracker: Vec<TrackerRow>,
    #[serde(default)]
    signature: Vec<SignatureRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackerRow {
    host: String,
    vendor: String,
    category: Category,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureRow {
    pattern: String,
    vendor: String,
    category: Category,
}

impl Catalogue {
    /// Parses the catalogue compiled into this crate.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        Catalogue::parse(COOKIES_TOML, TRACKERS_TOML)
    }

    /// Parses a catalogue from the text of a cookies file and a trackers file.
    pub fn parse(cookies_toml: &str, trackers_toml: &str) -> Result<Catalogue, CatalogueError> {
        let cookies_err = |message: String| CatalogueError {
            file: "cookies.toml",
            message,
        };
        let trackers_err = |message: String| CatalogueError {
            file: "trackers.toml",
            message,
        };
        let cookies: CookiesFile =
            toml::from_str(cookies_toml).map_err(|e| cookies_err(e.to_string()))?;
        let trackers: TrackersFile =
            toml::from_str(trackers_toml).map_err(|e| trackers_err(e.to_string()))?;

        let cookies = cookies
            .cookie
            .into_iter()
            .map(|row| {
                let lifetime = row
                    .lifetime
                    .parse()
                    .map_err(|e| cookies_err(format!("cookie `{}`: {e}", row.name)))?;
                Ok(CookieEntry {
                    name: row.name,
                    vendor: row.vendor,
                    category: row.category,
                    purpose: row.purpose,
                    lifetime,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let trackers_file = trackers;
        let trackers = trackers_file
            .tracker
            .into_iter()
            .map(|row| TrackerHost {
                host: row.host.to_ascii_lowercase(),
                vendor: row.vendor,
                category: row.category,
            })
            .collect();
        let signatures = trackers_file
            .signature
            .into_iter()
            .map(|row| ScriptSignature {
                pattern: row.pattern,
                vendor: row.vendor,
                category: row.category,
            })
            .collect();
        Ok(Catalogue {
            cookies,
            trackers,
            signatures,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn builtin_catalogue_is_complete_and_unique() {
        let catalogue = Catalogue::builtin().expect("the built-in catalogue parses");
        assert!(
            catalogue.cookies.len() >= 150,
            "{} cookies",
            catalogue.cookies.len()
        );
        assert!(
            catalogue.trackers.len() >= 60,
            "{} trackers",
            catalogue.trackers.len()
        );
        assert!(!catalogue.signatures.is_empty());

        let names: HashSet<_> = catalogue.cookies.iter().map(|c| &c.name).collect();
        assert_eq!(
            names.len(),
            catalogue.cookies.len(),
            "duplicate cookie names"
        );
        let hosts: HashSet<_> = catalogue.trackers.iter().map(|t| &t.host).collect();
        assert_eq!(
            hosts.len(),
            catalogue.trackers.len(),
            "duplicate tracker hosts"
        );

        for (name, category) in [
            ("_ga", Category::Analytics),
            ("_gid", Category::Analytics),
            ("_fbp", Category::Marketing),
            ("IDE", Category::Marketing),
            ("PHPSESSID", Category::Necessary),
        ] {
            let entry = catalogue.cookies.iter().find(|c| c.name == name);
            assert_eq!(entry.map(|e| e.category), Some(category), "{name}");
        }
    }
}
