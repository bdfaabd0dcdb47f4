//! The gateway's state: the engine, a client per origin, the store.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use consentry_config::{Catalogue, Config, Timeouts};
use consentry_engine::analytics::Counter;
use consentry_engine::exchange::{flush_counts, load_from_store};
use consentry_engine::inventory::CookieInventory;
use consentry_engine::{Engine, SiteEngine};

use crate::geo::Locator;
use crate::metrics::Metrics;
use crate::store::{LogWriter, Store};
use crate::upstream::{client_for, UpstreamClient, UpstreamError};
use consentry_banner::Language;
use consentry_engine::tcf::{Gvl, GvlTranslation};
use consentry_engine::TranslatedGvl;

/// Why the gateway could not be assembled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GatewayError {
    /// The GeoIP database could not be read.
    #[error(transparent)]
    Geo(#[from] crate::geo::GeoError),
    /// The IAB Global Vendor List could not be read.
    #[error("tcf.vendor_list {path}: {reason}")]
    VendorList {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A translation of the Global Vendor List beside it could not be read.
    #[error("{path} (a translation of tcf.vendor_list): {reason}")]
    VendorListTranslation {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// A site's origin client could not be built.
    #[error("site `{site}`: {source}")]
    Upstream {
        /// The site.
        site: String,
        /// Why.
        source: UpstreamError,
    },
}

/// The IAB Global Vendor List `tcf.vendor_list` names, read and checked, with the translations
/// published beside it (`purposes-de.json`, `purposes-fr.json`, `purposes-nl.json`) where
/// present: a language without one is shown in English, a translation that does not read
/// stops the start (or the reload) with its name, and one of another TCF policy version is
/// left out with a warning. `None` when no file is named (a site with TCF then has no vendor
/// descriptions, and the log says so).
fn vendor_list(config: &Config) -> Result<Option<TranslatedGvl>, GatewayError> {
    let with_tcf = config.sites.iter().any(|s| s.tcf.is_some());
    let Some(path) = &config.tcf.vendor_list else {
        if with_tcf {
            tracing::warn!("a site enables TCF but tcf.vendor_list names no Global Vendor List: its TC strings name vendor list version 0, which ad tech ignores");
        }
        return Ok(None);
    };
    let failed = |reason: String| GatewayError::VendorList {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
    let gvl = Gvl::parse(&text).map_err(|e| failed(e.to_string()))?;
    let mut translated = TranslatedGvl::new(gvl);
    for language in [Language::De, Language::Fr, Language::Nl] {
        let file = path.with_file_name(format!("purposes-{}.json", language.code()));
        let failed = |reason: String| GatewayError::VendorListTranslation {
            path: file.display().to_string(),
            reason,
        };
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::info!(file = %file.display(), "no translation of the Global Vendor List: its texts stay English in this language");
                continue;
            }
            Err(e) => return Err(failed(e.to_string())),
        };
        let translation = GvlTranslation::parse(&text).map_err(|e| failed(e.to_string()))?;
        if let Err(e) = translated.translate(language, &translation) {
            tracing::warn!(file = %file.display(), error = %e, "translation of the Global Vendor List left out: its texts stay English in this language");
        }
    }
    let gvl = translated.gvl();
    if with_tcf && config.tcf.cmp_id == 0 {
        tracing::warn!("tcf.cmp_id is 0: ad tech ignores TC strings of a CMP IAB Europe has not registered (see docs/tcf.md)");
    }
    tracing::info!(
        version = gvl.vendor_list_version,
        vendors = gvl.active_vendors().count(),
        languages = ?translated.languages().map(Language::code).collect::<Vec<_>>(),
        "Global Vendor List loaded"
    );
    Ok(Some(translated))
}

/// Everything a request needs, shared by all connections.
pub struct Gateway {
    pub(crate) engine: Engine,
    pub(crate) clients: Vec<UpstreamClient>,
    pub(crate) log: Arc<dyn Store>,
    pub(crate) writer: LogWriter,
    /// Page views and banner answers counted since the last flush (kept across reloads).
    pub(crate) analytics: Arc<Counter>,
    /// This process's name for its analytics rows (random per start).
    pub(crate) analytics_writer: String,
    /// The cookies seen since the last flush (written with the analytics, by the same writer).
    pub(crate) inventory: Arc<CookieInventory>,
    pub(crate) timeouts: Timeouts,
    /// Where visitors are: the GeoIP database, a trusted CDN's headers.
    pub(crate) locator: Locator,
    /// What the gateway did, for `/__consentry/metrics` (kept across reloads).
    pub(crate) metrics: Arc<Metrics>,
    /// Requests in flight to each site's origin, at most `max_upstream_requests`.
    pub(crate) upstream_limits: Vec<Arc<tokio::sync::Semaphore>>,
    /// Work started off the request path (records, learned cookies) that a stop waits for.
    pub(crate) background: tokio_util::task::TaskTracker,
    /// Set once the gateway stops taking requests: readiness answers 503.
    pub(crate) stopping: Arc<AtomicBool>,
    /// `consentry demo`: the demo site's region switch says where the visitor is.
    pub(crate) demo: bool,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("sites", &self.engine.sites().len())
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// Assembles the gateway from a validated config, the catalogue, the signing key and
    /// the consent log. Starts the log's writer, so it must run inside the runtime.
    pub fn new(
        config: &Config,
        catalogue: &Catalogue,
        secret: &[u8],
        log: Arc<dyn Store>,
    ) -> Result<Gateway, GatewayError> {
        let vendor_list = vendor_list(config)?;
        let engine = Engine::with_translated_gvl(config, catalogue, secret, vendor_list.as_ref());
        let clients = origin_clients(config)?;
        Ok(Gateway {
            engine,
            clients,
            writer: LogWriter::start(Arc::clone(&log) as _),
            log,
            analytics: Arc::new(Counter::new(config.analytics.clone())),
            analytics_writer: hex::encode(crate::random_bytes::<8>().unwrap_or_default()),
            inventory: Arc::new(CookieInventory::new(
                config.sites.iter().map(|s| s.name.as_str()),
            )),
            timeouts: config.server.timeouts,
            locator: Locator::new(&config.server)?,
            metrics: Arc::new(Metrics::new()),
            upstream_limits: upstream_limits(config),
            background: tokio_util::task::TaskTracker::new(),
            stopping: Arc::new(AtomicBool::new(false)),
            demo: false,
        })
    }

    /// The same gateway for `consentry demo`: the demo site's region switch (`?region=`, kept
    /// in its cookie) says where the visitor is, so a newcomer can see each regime.
    #[must_use]
    pub fn for_demo(self) -> Gateway {
        Gateway { demo: true, ..self }
    }

    /// A gateway for a new config that keeps this one's store, writer, counts, metrics and
    /// background work: the sites, their origins' clients, rules, banner, policy, limits and
    /// timeouts are the new config's. (Analytics settings, the listening socket and the
    /// store are kept as they started; see the README.) The inventory is kept while the
    /// sites keep their names; otherwise a fresh one starts after this one is flushed.
    pub async fn reloaded(
        &self,
        config: &Config,
        catalogue: &Catalogue,
        secret: &[u8],
    ) -> Result<Gateway, GatewayError> {
        let vendor_list = vendor_list(config)?;
        let engine = Engine::with_translated_gvl(config, catalogue, secret, vendor_list.as_ref());
        let clients = origin_clients(config)?;
        let locator = Locator::new(&config.server)?;
        let same_sites = self
            .sites()
            .iter()
            .map(|s| s.site().name.as_str())
            .eq(config.sites.iter().map(|s| s.name.as_str()));
        let inventory = if same_sites {
            Arc::clone(&self.inventory)
        } else {
            self.flush_analytics(false).await;
            Arc::new(CookieInventory::new(
                config.sites.iter().map(|s| s.name.as_str()),
            ))
        };
        Ok(Gateway {
            engine,
            clients,
            log: Arc::clone(&self.log),
            writer: self.writer.clone(),
            analytics: Arc::clone(&self.analytics),
            analytics_writer: self.analytics_writer.clone(),
            inventory,
            timeouts: config.server.timeouts,
            locator,
            metrics: Arc::clone(&self.metrics),
            upstream_limits: upstream_limits(config),
            background: self.background.clone(),
            stopping: Arc::clone(&self.stopping),
            demo: self.demo,
        })
    }

    /// Whether the gateway can take requests: not stopping, and the store answers.
    pub async fn ready(&self) -> Result<(), String> {
        if self.stopping.load(Ordering::Relaxed) {
            return Err("stopping".into());
        }
        let probe = self.log.records_for("");
        match tokio::time::timeout(std::time::Duration::from_secs(2), probe).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(format!("store: {e}")),
            Err(_) => Err("store: no answer within 2s".into()),
        }
    }

    /// Stops taking work: readiness answers 503 from now on.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
    }

    /// After the last connection closed: waits for the work started off the request path
    /// (records, learned cookies), makes every queued consent record durable, and writes
    /// what was counted to the store.
    pub async fn drain(&self) {
        self.background.close();
        if tokio::time::timeout(std::time::Duration::from_secs(10), self.background.wait())
            .await
            .is_err()
        {
            tracing::warn!("background work still running at the stop");
        }
        self.writer.flush().await;
        self.flush_analytics(true).await;
    }

    /// The metrics.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// A place for a request to the origin of the site at `index`, or `None` when its
    /// `max_upstream_requests` are all in flight.
    pub(crate) fn upstream_permit(
        &self,
        index: usize,
    ) -> Option<tokio::sync::OwnedSemaphorePermit> {
        Arc::clone(self.upstream_limits.get(index)?)
            .try_acquire_owned()
            .ok()
    }

    /// The client for the origin of the site at `index`.
    pub(crate) fn client(&self, index: usize) -> &UpstreamClient {
        &self.clients[index]
    }

    /// Seeds every site's classifier from the store: the cookies its origin set as
    /// functional before a restart, the owner's classifications, the cookies already reported.
    pub async fn load_from_store(&self) -> Result<(), crate::store::StoreError> {
        load_from_store(&self.engine, self.log.as_ref()).await
    }

    /// Where the visitor of a request from `peer` with `headers` is: a trusted CDN's headers,
    /// else the GeoIP database; unknown without either.
    pub fn place(
        &self,
        peer: Option<std::net::IpAddr>,
        headers: Option<&http::HeaderMap>,
    ) -> consentry_engine::Place {
        self.locator.place(peer, headers)
    }

    /// Every site's engine.
    pub fn sites(&self) -> &[Arc<SiteEngine>] {
        self.engine.sites()
    }

    /// The consent log.
    pub fn log(&self) -> &Arc<dyn Store> {
        &self.log
    }

    /// Records a decision or event; resolves once it is durable.
    pub async fn record(
        &self,
        record: consentry_engine::ConsentRecord,
    ) -> Result<u64, crate::store::StoreError> {
        self.writer.append(record).await
    }
}

impl Gateway {
    /// Writes what was counted since the last flush to the store; `closing` also ends every
    /// open visit (on shutdown). Rows the store refuses are kept for the next flush.
    pub async fn flush_analytics(&self, closing: bool) {
        flush_counts(
            self.log.as_ref(),
            &self.analytics_writer,
            &self.analytics,
            &self.inventory,
            crate::unix_now(),
            closing,
        )
        .await;
    }
}

fn upstream_limits(config: &Config) -> Vec<Arc<tokio::sync::Semaphore>> {
    config
        .sites
        .iter()
        .map(|site| Arc::new(tokio::sync::Semaphore::new(site.max_upstream_requests)))
        .collect()
}

/// A new day's salt for visitor hashes, from the system's randomness.
pub(crate) fn fresh_salt() -> [u8; 32] {
    crate::random_bytes::<32>().unwrap_or_else(|e| {
        // getrandom does not fail on supported systems; fall back to the process's
        // randomly keyed hasher rather than count nothing.
        tracing::error!(error = %e, "no system randomness for the analytics salt");
        let mut salt = [0u8; 32];
        for (i, chunk) in salt.chunks_mut(8).enumerate() {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(i);
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
        salt
    })
}

/// Writes the analytics counted in memory to the store every `flush_interval`, through the
/// gateway running at the time.
pub async fn flush_analytics_periodically(gateways: crate::reload::Gateways) {
    let interval = gateways.load().analytics.settings().flush_interval;
    let mut every = tokio::time::interval(interval);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        gateways.load_full().flush_analytics(false).await;
    }
}

/// A pooled client for every site's origin, in the order of the config's sites.
fn origin_clients(config: &Config) -> Result<Vec<UpstreamClient>, GatewayError> {
    config
        .sites
        .iter()
        .map(|site| {
            client_for(site, &config.server.timeouts).map_err(|source| GatewayError::Upstream {
                site: site.name.clone(),
                source,
            })
        })
        .collect()
}

/// Prunes consent records older than `retention` now and then every hour. The log stays
/// verifiable: the pruned start is replaced by a signed checkpoint.
pub async fn prune_periodically(gateway: Arc<Gateway>, retention: std::time::Duration) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        let now = crate::unix_now();
        let before = now.saturating_sub(retention.as_secs());
        match gateway.log.prune(before, now).await {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(pruned, "pruned consent records past their retention"),
            Err(e) => tracing::warn!(error = %e, "pruning the consent log failed; will try again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = include_str!("../../engine/src/tcf/testdata/gvl/vendor-list-v15.json");
    const NL: &str = include_str!("../../engine/src/tcf/testdata/gvl/purposes-nl.json");

    fn config(dir: &std::path::Path) -> Config {
        let list = dir.join("vendor-list.json");
        std::fs::write(&list, LIST).expect("list");
        Config::from_toml(
            &format!(
                "[tcf]\nvendor_list = {:?}\n\n[[site]]\nhosts = [\"*\"]\nupstream = \"http://127.0.0.1:9\"\n[site.tcf]\nvendors = [1, 2]\n",
                list.display().to_string()
            ),
            "test.toml",
        )
        .expect("config")
    }

    #[test]
    fn translations_beside_the_vendor_list_are_read_and_missing_ones_are_english() {
        let dir = tempfile::tempdir().expect("dir");
        let config = config(dir.path());
        let list = vendor_list(&config).expect("reads").expect("a list");
        assert_eq!(list.languages().count(), 0);
        std::fs::write(dir.path().join("purposes-nl.json"), NL).expect("nl");
        let list = vendor_list(&config).expect("reads").expect("a list");
        assert_eq!(list.languages().collect::<Vec<_>>(), [Language::Nl]);
        let vendors = consentry_engine::TcfVendor::described(list.gvl(), &[1, 2]);
        assert_eq!(
            list.layer(Language::Nl, &vendors).purposes[0].name,
            "Informatie op een apparaat opslaan en/of openen"
        );
        // Of another policy version: left out, English stays.
        std::fs::write(
            dir.path().join("purposes-fr.json"),
            r#"{"tcfPolicyVersion": 2, "purposes": {}}"#,
        )
        .expect("fr");
        let list = vendor_list(&config).expect("reads").expect("a list");
        assert_eq!(list.languages().collect::<Vec<_>>(), [Language::Nl]);
    }

    #[test]
    fn a_translation_that_does_not_read_stops_the_start_with_its_name() {
        let dir = tempfile::tempdir().expect("dir");
        let config = config(dir.path());
        let file = dir.path().join("purposes-de.json");
        std::fs::write(&file, "{\"purposes\": [").expect("de");
        let error = vendor_list(&config).expect_err("refused").to_string();
        assert!(error.contains(&file.display().to_string()), "{error}");
        assert!(error.contains("translation"), "{error}");
    }
}
