//! The engine for every configured site, chosen by `Host`.

use std::sync::Arc;

use consentry_banner::Assets;
use consentry_config::{AdminSettings, Catalogue, Config, HostPattern, OversizedPages};

use crate::consent_cookie::CookieSigner;
use crate::request::host_without_port;
use crate::site::SiteEngine;
use crate::tcf::Gvl;
use crate::tcf_layer::TranslatedGvl;
use crate::tcf_site::{SiteTcfEngine, TcfVendor};
use crate::trackers::TrackerIndex;

/// Every site's engine, sharing one tracker index and one set of banner assets.
#[derive(Debug)]
pub struct Engine {
    sites: Vec<Arc<SiteEngine>>,
    assets: Arc<Assets>,
    admin: AdminSettings,
    oversized_pages: OversizedPages,
}

impl Engine {
    /// Builds the engine from a validated config, the catalogue, and the key that signs
    /// consent cookies.
    pub fn new(config: &Config, catalogue: &Catalogue, secret: &[u8]) -> Engine {
        Engine::with_vendor_list(config, catalogue, secret, None)
    }

    /// [`Engine::new`] with the IAB's Global Vendor List, which names the vendors of sites
    /// with TCF and what they ask consent for. Without one, their TC strings name vendor
    /// list version 0 and each vendor gets consent with marketing.
    pub fn with_vendor_list(
        config: &Config,
        catalogue: &Catalogue,
        secret: &[u8],
        vendor_list: Option<&Gvl>,
    ) -> Engine {
        let translated = vendor_list.map(|gvl| TranslatedGvl::new(gvl.clone()));
        Engine::with_translated_gvl(config, catalogue, secret, translated.as_ref())
    }

    /// [`Engine::with_vendor_list`] with the list's translations: the settings layer of a
    /// site with TCF lists its purposes and vendors in the visitor's language, in English
    /// where no translation has them.
    pub fn with_translated_gvl(
        config: &Config,
        catalogue: &Catalogue,
        secret: &[u8],
        vendor_list: Option<&TranslatedGvl>,
    ) -> Engine {
        let trackers = Arc::new(TrackerIndex::new(catalogue));
        let assets = Arc::new(Assets::new().with_guard(catalogue));
        let signer = CookieSigner::new(secret.to_vec());
        let sites = config
            .sites
            .iter()
            .map(|site| {
                let gvl = vendor_list.map(TranslatedGvl::gvl);
                let tcf = site.tcf.as_ref().map(|tcf| {
                    let described = gvl
                        .map(|gvl| TcfVendor::described(gvl, &tcf.vendors))
                        .unwrap_or_default();
                    SiteTcfEngine::new(&config.tcf, tcf, gvl, &described)
                });
                let tcf = tcf.map(|tcf| {
                    let layers = vendor_list
                        .map(|list| list.layers(tcf.vendors()))
                        .unwrap_or_default();
                    (tcf, layers)
                });
                Arc::new(SiteEngine::new(
                    site.clone(),
                    &config.consent,
                    catalogue,
                    Arc::clone(&trackers),
                    signer.clone(),
                    Arc::clone(&assets),
                    tcf,
                ))
            })
            .collect();
        Engine {
            sites,
            assets,
            admin: config.admin,
            oversized_pages: config.server.oversized_pages,
        }
    }

    /// The site that answers to a `Host` header (or `:authority`), port ignored.
    pub fn site_for_host(&self, host: &str) -> Option<&Arc<SiteEngine>> {
        self.site_index_for_host(host).map(|i| &self.sites[i])
    }

    /// The position in [`Engine::sites`] of the site that answers to `host`. Exact names
    /// win over `*.domain` wildcards, which win over a catch-all `*`.
    pub fn site_index_for_host(&self, host: &str) -> Option<usize> {
        let host = host_without_port(host.trim())
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let find = |wanted: fn(&HostPattern) -> bool| {
            self.sites
                .iter()
                .position(|s| s.site().hosts.iter().any(|h| wanted(h) && h.matches(&host)))
        };
        find(|h| matches!(h, HostPattern::Exact(_)))
            .or_else(|| find(|h| matches!(h, HostPattern::Subdomains(_))))
            .or_else(|| find(|h| matches!(h, HostPattern::Any)))
    }

    /// Every site.
    pub fn sites(&self) -> &[Arc<SiteEngine>] {
        &self.sites
    }

    /// `[admin]`: the dashboard's lockout and sessions.
    pub fn admin_settings(&self) -> &AdminSettings {
        &self.admin
    }

    /// `server.oversized_pages`: what happens to a page too large to rewrite.
    pub fn oversized_pages(&self) -> OversizedPages {
        self.oversized_pages
    }

    /// The banner assets.
    pub fn assets(&self) -> &Assets {
        &self.assets
    }
}

#[cfg(test)]
mod tests;
