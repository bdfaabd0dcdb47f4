//! The engine for every configured site, chosen by `Host`.

use std::sync::Arc;

use consentry_banner::Assets;
use consentry_config::{Catalogue, Config};

use crate::consent_cookie::CookieSigner;
use crate::site::{host_without_port, SiteEngine};
use crate::trackers::TrackerIndex;

/// Every site's engine, sharing one tracker index and one set of banner assets.
#[derive(Debug)]
pub struct Engine {
    sites: Vec<Arc<SiteEngine>>,
    assets: Arc<Assets>,
}

impl Engine {
    /// Builds the engine from a validated config, the catalogue, and the key that signs
    /// consent cookies.
    pub fn new(config: &Config, catalogue: &Catalogue, secret: &[u8]) -> Engine {
        let trackers = Arc::new(TrackerIndex::new(catalogue));
        let assets = Arc::new(Assets::new());
        let signer = CookieSigner::new(secret.to_vec());
        let sites = config
            .sites
            .iter()
            .map(|site| {
                Arc::new(SiteEngine::new(
                    site.clone(),
                    &config.consent,
                    catalogue,
                    Arc::clone(&trackers),
                    signer.clone(),
                    Arc::clone(&assets),
                ))
            })
            .collect();
        Engine { sites, assets }
    }

    /// The site that answers to a `Host` header (or `:authority`), port ignored.
    pub fn site_for_host(&self, host: &str) -> Option<&Arc<SiteEngine>> {
        let host = host_without_port(host.trim()).trim_end_matches('.').to_ascii_lowercase();
        // Exact names first, then wildcards, then a catch-all.
        self.sites
            .iter()
            .find(|s| s.site().hosts.iter().any(|h| matches!(h, consentry_config::HostPattern::Exact(_)) && h.matches(&host)))
            .or_else(|| {
                self.sites.iter().find(|s| {
                    s.site().hosts.iter().any(|h| matches!(h, consentry_config::HostPattern::Subdomains(_)) && h.matches(&host))
                })
            })
            .or_else(|| {
                self.sites
                    .iter()
                    .find(|s| s.site().hosts.contains(&consentry_config::HostPattern::Any))
            })
    }

    /// Every site.
    pub fn sites(&self) -> &[Arc<SiteEngine>] {
        &self.sites
    }

    /// The banner assets.
    pub fn assets(&self) -> &Assets {
        &self.assets
    }
}
