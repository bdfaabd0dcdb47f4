//! The banner's CSS and JS, the runtime guard and the IAB CMP APIs, served from the site's own
//! origin under content-hashed names.

use std::sync::OnceLock;

use consentry_config::Catalogue;
use sha2::{Digest, Sha256};

use crate::guard::guard_asset;

/// The path prefix under which the gateway answers for itself.
pub const ASSET_PREFIX: &str = "/__consentry/";

const CSS: &str = include_str!("../assets/banner.css");
const JS: &str = include_str!("../assets/banner.js");
const TCF_JS: &str = include_str!("../assets/tcf.js");

/// One static asset.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The path it is served at, with a hash of its content in the name.
    pub path: String,
    /// The `Content-Type` to send.
    pub content_type: &'static str,
    /// The bytes.
    pub body: &'static [u8],
}

/// The banner's assets.
#[derive(Debug, Clone)]
pub struct Assets {
    /// The stylesheet.
    pub css: Asset,
    /// The script.
    pub js: Asset,
    /// The runtime guard, once built from a catalogue ([`Assets::with_guard`]).
    pub guard: Option<Asset>,
    /// The IAB CMP APIs (`__tcfapi`, `__gpp`) in full, for a site with TCF enabled: loaded
    /// `<script src="{path}" defer>` after the stub and the data block ([`crate::TCF_STUB`],
    /// [`crate::tcf_data_block`]). Always served; a page of a site without TCF never names it.
    pub tcf: Asset,
}

impl Assets {
    /// Computes the content-hashed names of the built-in assets.
    pub fn new() -> Assets {
        Assets {
            css: asset("banner", "css", "text/css; charset=utf-8", CSS),
            js: asset(
                "banner",
                "js",
                "text/javascript; charset=utf-8",
                compact_js(),
            ),
            guard: None,
            tcf: asset(
                "tcf",
                "js",
                "text/javascript; charset=utf-8",
                compact_tcf_js(),
            ),
        }
    }

    /// With the runtime guard, built from the catalogue's tracker hosts and path signatures
    /// (loaded first in `<head>` for visitors who have not granted everything).
    pub fn with_guard(self, catalogue: &Catalogue) -> Assets {
        self.with_guard_allowing(catalogue, &[])
    }

    /// With the runtime guard letting through what a site's `allow_trackers` allows (entries
    /// written `host`, `host/path-prefix` or `/path-prefix`), as its HTML pass does.
    pub fn with_guard_allowing(mut self, catalogue: &Catalogue, allow: &[&str]) -> Assets {
        self.guard = Some(guard_asset(catalogue, allow));
        self
    }

    /// The asset served at `path`, if any.
    pub fn get(&self, path: &str) -> Option<&Asset> {
        [
            Some(&self.css),
            Some(&self.js),
            self.guard.as_ref(),
            Some(&self.tcf),
        ]
        .into_iter()
        .flatten()
        .find(|a| a.path == path)
    }
}

impl Default for Assets {
    fn default() -> Self {
        Assets::new()
    }
}

/// The script as served: the source without its comment lines and indentation (line breaks
/// stay, so no statement changes meaning), made once per process.
fn compact_js() -> &'static str {
    static COMPACT: OnceLock<String> = OnceLock::new();
    COMPACT.get_or_init(|| compact(JS))
}

/// The IAB CMP APIs as served, compacted as the banner's script is.
fn compact_tcf_js() -> &'static str {
    static COMPACT: OnceLock<String> = OnceLock::new();
    COMPACT.get_or_init(|| compact(TCF_JS))
}

/// A script without its comment lines and indentation.
pub(crate) fn compact(js: &str) -> String {
    js.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//") && !line.starts_with("/*"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn asset(
    stem: &str,
    ext: &str,
    content_type: &'static str,
    body: &'static str,
) -> Asset {
    let digest = Sha256::digest(body.as_bytes());
    let hash = hex::encode(&digest[..6]);
    Asset {
        path: format!("{ASSET_PREFIX}{stem}.{hash}.{ext}"),
        content_type,
        body: body.as_bytes(),
    }
}
