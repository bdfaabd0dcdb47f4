//! `consentry tcf update`: fetches the IAB's Global Vendor List (and its translations) to the
//! file `tcf.vendor_list` names. A list that does not parse is refused and the file kept;
//! a good one replaces it whole (written beside it, then renamed), so a gateway reading it
//! never sees half a list.

use std::path::{Path, PathBuf};
use std::time::Duration;

use consentry_config::Timeouts;
use consentry_engine::tcf::{Gvl, GvlTranslation};
use http::{Request, StatusCode};
use http_body_util::BodyExt;

use crate::limits::TimedBody;
use crate::upstream::web_client;

/// Where IAB Europe publishes the current vendor list (GVL v3).
pub const GVL_URL: &str = "https://vendor-list.consensu.org/v3/vendor-list.json";

/// The translations fetched beside the list, as `purposes-<lang>.json`.
const TRANSLATIONS: [&str; 3] = ["de", "fr", "nl"];

/// The largest vendor list taken (the real one is a few MB).
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Why the vendor list could not be updated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// It could not be fetched.
    #[error("fetching {url}: {reason}")]
    Fetch {
        /// What was asked for.
        url: String,
        /// Why.
        reason: String,
    },
    /// What came is not a vendor list; the file is unchanged.
    #[error("{url} is not a Global Vendor List v3 ({reason}); {path} is unchanged")]
    Invalid {
        /// What was asked for.
        url: String,
        /// Why.
        reason: String,
        /// The file kept.
        path: String,
    },
    /// It could not be written.
    #[error("writing {path}: {reason}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// What an update did.
#[derive(Debug)]
pub struct Updated {
    /// The list's `vendorListVersion`.
    pub version: u16,
    /// Its vendors, deleted ones left out.
    pub vendors: usize,
    /// The translations written beside it.
    pub translations: Vec<&'static str>,
}

/// Fetches the vendor list from `url` (the IAB's own by default) into `path`, with the
/// translations published beside it.
pub async fn update(path: &Path, url: &url::Url) -> Result<Updated, UpdateError> {
    let timeouts = Timeouts {
        upstream: Duration::from_secs(60),
        ..Timeouts::default()
    };
    let client = web_client(&timeouts).map_err(|e| UpdateError::Fetch {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    let fetch = |url: url::Url| {
        let client = client.clone();
        async move {
            let failed = |reason: String| UpdateError::Fetch {
                url: url.to_string(),
                reason,
            };
            let request = Request::get(url.as_str())
                .body(TimedBody::empty(timeouts.body_read))
                .map_err(|e| failed(e.to_string()))?;
            let response = tokio::time::timeout(timeouts.upstream, client.request(request))
                .await
                .map_err(|_| failed("no answer in time".into()))?
                .map_err(|e| failed(e.to_string()))?;
            let status = response.status();
            let body = http_body_util::Limited::new(response.into_body(), MAX_BYTES)
                .collect()
                .await
                .map_err(|e| failed(e.to_string()))?
                .to_bytes();
            Ok::<_, UpdateError>((status, body))
        }
    };
    let (status, body) = fetch(url.clone()).await?;
    let shown = path.display().to_string();
    let invalid = |reason: String| UpdateError::Invalid {
        url: url.to_string(),
        reason,
        path: shown.clone(),
    };
    if status != StatusCode::OK {
        return Err(invalid(format!("answered {status}")));
    }
    let text = String::from_utf8(body.to_vec()).map_err(|e| invalid(e.to_string()))?;
    let gvl = Gvl::parse(&text).map_err(|e| invalid(e.to_string()))?;
    let mut translations = Vec::new();
    for lang in TRANSLATIONS {
        let Ok(source) = url.join(&format!("purposes-{lang}.json")) else {
            continue;
        };
        // A missing or broken translation leaves that language in English; it never stops
        // the list itself.
        let fetched = match fetch(source.clone()).await {
            Ok((StatusCode::OK, body)) => String::from_utf8(body.to_vec()).ok(),
            Ok((status, _)) => {
                tracing::warn!(%source, %status, "translation not published; English stays");
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "translation not fetched; English stays");
                None
            }
        };
        let Some(text) = fetched else { continue };
        if let Err(e) = GvlTranslation::parse(&text) {
            tracing::warn!(%source, error = %e, "translation refused; English stays");
            continue;
        }
        write_whole(&beside(path, &format!("purposes-{lang}.json")), &text)?;
        translations.push(lang);
    }
    write_whole(path, &text)?;
    Ok(Updated {
        version: gvl.vendor_list_version,
        vendors: gvl.active_vendors().count(),
        translations,
    })
}

/// `name` in the directory of `path`.
fn beside(path: &Path, name: &str) -> PathBuf {
    path.parent()
        .map_or_else(|| PathBuf::from(name), |dir| dir.join(name))
}

/// Writes `text` to a file beside `path`, then renames it over `path`.
fn write_whole(path: &Path, text: &str) -> Result<(), UpdateError> {
    let failed = |e: std::io::Error| UpdateError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    std::fs::write(&partial, text).map_err(failed)?;
    std::fs::rename(&partial, path).map_err(failed)
}
