//! Consentry's configuration: the TOML file, its validation into an immutable [`Config`] with
//! errors that name file, line and key, and the built-in [`Catalogue`] of cookies and trackers.
//!
//! Everything parses from `&str`: the Cloudflare Worker has no file system.

mod banner;
mod catalogue;
mod category;
mod edge;
mod error;
mod file;
mod lifetime;
mod model;
mod regime;
mod starter;
mod tcf;
mod validate;

pub use banner::{
    BannerPosition, BannerSettings, BannerTheme, TextOverride, BANNER_LANGUAGES, BANNER_TEXT_KEYS,
};
pub use catalogue::{
    Catalogue, CatalogueError, CookieEntry, PathSignature, Provenance, ScriptSignature,
    TrackerHost, TrackerKind,
};
pub use category::{Category, UnknownCategory};
pub use edge::EdgeRefusal;
pub use error::{ConfigError, Problem};
pub use lifetime::{InvalidLifetime, Lifetime, LifetimeUnit};
pub use model::{
    AdminSettings, AnalyticsSettings, Config, ConsentSettings, CookieRule, HostPattern,
    OversizedPages, PlaceHeaders, RecordIp, ServerSettings, Site, Storage, Timeouts, TlsFiles,
    UnknownCookies, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_UPSTREAM_REQUESTS,
};
pub use regime::{Regime, RegimeMap, RegimePreset, RegionKey, UnknownRegime};
pub use starter::STARTER_CONFIG;
pub use tcf::{SiteTcf, TcfSettings};
pub use validate::{parse_upstream, DEFAULT_DATA_DIR, DEFAULT_LISTEN};

#[cfg(test)]
mod tests;
