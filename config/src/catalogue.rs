//! The built-in catalogue of well-known cookies, tracker hosts, inline-script signatures and
//! tracker files recognised by their path.
//!
//! Cookies and hosts come from open data (the Open Cookie Database and WhoTracks.me), rebuilt
//! by `scripts/catalogue.py` into `catalogue/built/*.tsv` with the project's curated entries
//! (`catalogue/cookies.toml`, `catalogue/trackers.toml`) merged on top. Signatures and paths
//! are curated only. Everything is compiled into the binary, so the native gateway and the
//! worker classify exactly alike.

use serde::Deserialize;

use crate::{Category, Lifetime};

const BUILT_COOKIES_TSV: &str = include_str!("../catalogue/built/cookies.tsv");
const BUILT_HOSTS_TSV: &str = include_str!("../catalogue/built/hosts.tsv");
const TRACKERS_TOML: &str = include_str!("../catalogue/trackers.toml");
const PATHS_TOML: &str = include_str!("../catalogue/paths.toml");

/// Where a catalogue entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provenance {
    /// Consentry's own curated entries (`catalogue/*.toml`), which win over open data.
    Curated,
    /// The Open Cookie Database (Apache-2.0).
    OpenCookieDatabase,
    /// The WhoTracks.me tracker database (CC BY 4.0).
    WhoTracksMe,
}

impl Provenance {
    /// The short key used in the built files and in reports.
    pub const fn as_str(self) -> &'static str {
        match self {
            Provenance::Curated => "curated",
            Provenance::OpenCookieDatabase => "ocd",
            Provenance::WhoTracksMe => "whotracksme",
        }
    }

    /// The name people know the source by.
    pub const fn title(self) -> &'static str {
        match self {
            Provenance::Curated => "Consentry",
            Provenance::OpenCookieDatabase => "Open Cookie Database",
            Provenance::WhoTracksMe => "WhoTracks.me",
        }
    }

    /// Where the source lives.
    pub const fn url(self) -> &'static str {
        match self {
            Provenance::Curated => "https://github.com/consentry/consentry",
            Provenance::OpenCookieDatabase => "https://github.com/jkwakman/Open-Cookie-Database",
            Provenance::WhoTracksMe => "https://github.com/whotracksme/whotracks.me",
        }
    }

    /// The licence the data is used under.
    pub const fn licence(self) -> &'static str {
        match self {
            Provenance::Curated => "Apache-2.0",
            Provenance::OpenCookieDatabase => "Apache-2.0",
            Provenance::WhoTracksMe => "CC BY 4.0",
        }
    }

    fn parse(key: &str) -> Option<Provenance> {
        [
            Provenance::Curated,
            Provenance::OpenCookieDatabase,
            Provenance::WhoTracksMe,
        ]
        .into_iter()
        .find(|p| p.as_str() == key)
    }
}

/// What a tracker host serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrackerKind {
    /// Scripts, pixels and beacons that track.
    #[default]
    Tracker,
    /// Players, maps, chats, comments and forms: shown click-to-load with the vendor's name.
    Embed,
}

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
    /// Where the entry comes from.
    pub source: Provenance,
}

/// A host that serves trackers; it matches itself and every subdomain. A `necessary` host is
/// an exception: it and its subdomains are never blocked by host (a more specific entry
/// still wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerHost {
    /// Lowercase host name without scheme or port.
    pub host: String,
    /// The company or product behind it.
    pub vendor: String,
    /// The category of what it serves.
    pub category: Category,
    /// Tracker or embed.
    pub kind: TrackerKind,
    /// Where the entry comes from.
    pub source: Provenance,
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

/// A tracker file recognised by its URL path on any host, the site's own included
/// (self-hosted Matomo's `matomo.js`, a first-party `gtm.js`), or, with `host`, only on that
/// host and its subdomains. A `necessary` path is an exception on a tracker host (such as
/// reCAPTCHA on `google.com`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathSignature {
    /// What the URL's path and query contain (ASCII case-insensitive).
    pub pattern: String,
    /// Only on this host and its subdomains, when given (lowercase).
    pub host: Option<String>,
    /// The company or product it belongs to.
    pub vendor: String,
    /// The category of what it serves.
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
    /// Tracker files recognised by path.
    pub paths: Vec<PathSignature>,
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
    #[serde(default)]
    tracker: Vec<TrackerRow>,
    #[serde(default)]
    signature: Vec<SignatureRow>,
    #[serde(default)]
    path: Vec<PathRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackerRow {
    host: String,
    vendor: String,
    category: Category,
    #[serde(default)]
    kind: TrackerKind,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureRow {
    pattern: String,
    vendor: String,
    category: Category,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathRow {
    pattern: String,
    #[serde(default)]
    host: Option<String>,
    vendor: String,
    category: Category,
}

impl Catalogue {
    /// The catalogue compiled into this crate: the built open data with the curated entries
    /// merged, the curated signatures and paths.
    pub fn builtin() -> Result<Catalogue, CatalogueError> {
        let mut catalogue = Catalogue {
            cookies: parse_built_cookies(BUILT_COOKIES_TSV)?,
            trackers: parse_built_hosts(BUILT_HOSTS_TSV)?,
            ..Catalogue::default()
        };
        let trackers = parse_trackers_toml(TRACKERS_TOML, "trackers.toml")?;
        catalogue.signatures = trackers.signatures;
        catalogue.paths = parse_trackers_toml(PATHS_TOML, "paths.toml")?.paths;
        Ok(catalogue)
    }

    /// Parses a catalogue from the text of a cookies file and a trackers file (which may hold
    /// `[[tracker]]`, `[[signature]]` and `[[path]]` tables); every entry counts as curated.
    pub fn parse(cookies_toml: &str, trackers_toml: &str) -> Result<Catalogue, CatalogueError> {
        let cookies_err = |message: String| CatalogueError {
            file: "cookies.toml",
            message,
        };
        let cookies: CookiesFile =
            toml::from_str(cookies_toml).map_err(|e| cookies_err(e.to_string()))?;
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
                    source: Provenance::Curated,
                })
            })
            .collect::<Result<Vec<_>, CatalogueError>>()?;
        let mut catalogue = parse_trackers_toml(trackers_toml, "trackers.toml")?;
        catalogue.cookies = cookies;
        Ok(catalogue)
    }
}

/// The trackers, signatures and paths of a curated TOML file.
fn parse_trackers_toml(text: &str, file: &'static str) -> Result<Catalogue, CatalogueError> {
    let parsed: TrackersFile = toml::from_str(text).map_err(|e| CatalogueError {
        file,
        message: e.to_string(),
    })?;
    Ok(Catalogue {
        cookies: Vec::new(),
        trackers: parsed
            .tracker
            .into_iter()
            .map(|row| TrackerHost {
                host: row.host.to_ascii_lowercase(),
                vendor: row.vendor,
                category: row.category,
                kind: row.kind,
                source: Provenance::Curated,
            })
            .collect(),
        signatures: parsed
            .signature
            .into_iter()
            .map(|row| ScriptSignature {
                pattern: row.pattern,
                vendor: row.vendor,
                category: row.category,
            })
            .collect(),
        paths: parsed
            .path
            .into_iter()
            .map(|row| PathSignature {
                pattern: row.pattern,
                host: row
                    .host
                    .map(|h| h.to_ascii_lowercase())
                    .filter(|h| !h.is_empty()),
                vendor: row.vendor,
                category: row.category,
            })
            .collect(),
    })
}

/// The rows of a built TSV file: tab-separated cells, `#` comment lines skipped, each row
/// with its line number.
fn tsv_rows<'a, const N: usize>(
    text: &'a str,
    file: &'static str,
) -> impl Iterator<Item = Result<(usize, [&'a str; N]), CatalogueError>> + 'a {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .map(move |(i, line)| {
            let mut cells = [""; N];
            let mut parts = line.split('\t');
            for cell in &mut cells {
                *cell = parts.next().ok_or_else(|| CatalogueError {
                    file,
                    message: format!("line {}: expected {N} tab-separated cells", i + 1),
                })?;
            }
            Ok((i + 1, cells))
        })
}

fn built_error(file: &'static str, line: usize, message: String) -> CatalogueError {
    CatalogueError {
        file,
        message: format!("line {line}: {message}"),
    }
}

fn parse_category(file: &'static str, line: usize, text: &str) -> Result<Category, CatalogueError> {
    text.parse()
        .map_err(|e| built_error(file, line, format!("{e}")))
}

fn parse_provenance(
    file: &'static str,
    line: usize,
    text: &str,
) -> Result<Provenance, CatalogueError> {
    Provenance::parse(text)
        .ok_or_else(|| built_error(file, line, format!("unknown source `{text}`")))
}

/// `built/cookies.tsv`: name, match, category, vendor, purpose, lifetime, source.
fn parse_built_cookies(text: &str) -> Result<Vec<CookieEntry>, CatalogueError> {
    const FILE: &str = "built/cookies.tsv";
    tsv_rows::<7>(text, FILE)
        .map(|row| {
            let (line, [name, _match, category, vendor, purpose, lifetime, source]) = row?;
            Ok(CookieEntry {
                name: name.to_owned(),
                vendor: vendor.to_owned(),
                category: parse_category(FILE, line, category)?,
                purpose: purpose.to_owned(),
                lifetime: lifetime
                    .parse()
                    .map_err(|e| built_error(FILE, line, format!("{e}")))?,
                source: parse_provenance(FILE, line, source)?,
            })
        })
        .collect()
}

/// `built/hosts.tsv`: host, category, kind, vendor, source.
fn parse_built_hosts(text: &str) -> Result<Vec<TrackerHost>, CatalogueError> {
    const FILE: &str = "built/hosts.tsv";
    tsv_rows::<5>(text, FILE)
        .map(|row| {
            let (line, [host, category, kind, vendor, source]) = row?;
            let kind = match kind {
                "tracker" => TrackerKind::Tracker,
                "embed" => TrackerKind::Embed,
                other => return Err(built_error(FILE, line, format!("unknown kind `{other}`"))),
            };
            Ok(TrackerHost {
                host: host.to_owned(),
                vendor: vendor.to_owned(),
                category: parse_category(FILE, line, category)?,
                kind,
                source: parse_provenance(FILE, line, source)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn builtin_catalogue_is_complete_and_unique() {
        let catalogue = Catalogue::builtin().expect("the built-in catalogue parses");
        assert!(
            catalogue.cookies.len() >= 2_000,
            "{} cookies",
            catalogue.cookies.len()
        );
        assert!(
            catalogue.trackers.len() >= 4_000,
            "{} trackers",
            catalogue.trackers.len()
        );
        assert!(!catalogue.signatures.is_empty());
        assert!(!catalogue.paths.is_empty());

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
        for source in [
            Provenance::Curated,
            Provenance::OpenCookieDatabase,
            Provenance::WhoTracksMe,
        ] {
            let count = catalogue
                .cookies
                .iter()
                .filter(|c| c.source == source)
                .count()
                + catalogue
                    .trackers
                    .iter()
                    .filter(|t| t.source == source)
                    .count();
            assert!(count > 100, "{} entries from {}", count, source.title());
        }

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

    /// The built files are what `scripts/catalogue.py` makes of the curated files: an entry
    /// edited in `cookies.toml` or `trackers.toml` without running the script fails here.
    #[test]
    fn built_files_hold_every_curated_entry() {
        let builtin = Catalogue::builtin().expect("the built-in catalogue parses");
        let curated = Catalogue::parse(include_str!("../catalogue/cookies.toml"), TRACKERS_TOML)
            .expect("the curated files parse");
        for cookie in &curated.cookies {
            let built = builtin.cookies.iter().find(|c| c.name == cookie.name);
            assert_eq!(
                built,
                Some(cookie),
                "cookie `{}`: run scripts/catalogue.py",
                cookie.name
            );
        }
        for tracker in &curated.trackers {
            let built = builtin.trackers.iter().find(|t| t.host == tracker.host);
            assert_eq!(
                built,
                Some(tracker),
                "host `{}`: run scripts/catalogue.py",
                tracker.host
            );
        }
    }

    #[test]
    fn built_rows_that_do_not_parse_name_their_line() {
        let err = parse_built_hosts("# header\nexample.com\tmarketing\ttracker\tX\n")
            .expect_err("four cells");
        assert_eq!(
            err.to_string(),
            "catalogue built/hosts.tsv: line 2: expected 5 tab-separated cells"
        );
        let err = parse_built_cookies("x\texact\tsometimes\tV\tP\tsession\tocd\n")
            .expect_err("bad category");
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
