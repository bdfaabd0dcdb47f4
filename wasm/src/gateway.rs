//! The Worker's state, built once per isolate from its environment: the engine for the
//! configured sites, the settings, and the consent log's key.
//!
//! Settings come from the Worker's environment, as a config file and the command line give
//! them to the native gateway:
//!
//! - `CONSENTRY_CONFIG`: a whole `consentry.toml` (as `consentry run --config`); or
//! - `CONSENTRY_ORIGIN`: the origin URL, every other setting at its default (as
//!   `consentry proxy --to`);
//! - `CONSENTRY_SECRET` (a Worker secret, 32 characters or more): the key that signs consent
//!   cookies and chains the log, unless the config sets `consent.secret`;
//! - `CONSENTRY_LOG`: what to log (`info` by default; `debug`, `warn`, or per target);
//! - the D1 binding `DB`: the consent log, in the same schema as SQLite.

use std::cell::{Cell, RefCell};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::rc::Rc;
use std::str::FromStr;

use consentry_banner::Language;
use consentry_config::{Catalogue, Config};
use consentry_engine::analytics::Counter;
use consentry_engine::chain::ChainKey;
use consentry_engine::exchange::{flush_counts, load_from_store};
use consentry_engine::inventory::CookieInventory;
use consentry_engine::store::{ConsentLog, StoreError};
use consentry_engine::tcf::GvlTranslation;
use consentry_engine::{ConsentRecord, Engine, TranslatedGvl};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::{reload, Registry};
use worker::Env;

use crate::error::WorkerError;
use crate::store::D1Store;

/// The whole config, as `consentry.toml` text.
pub const CONFIG_VAR: &str = "CONSENTRY_CONFIG";
/// The origin, when there is no config.
pub const ORIGIN_VAR: &str = "CONSENTRY_ORIGIN";
/// The signing key (a Worker secret).
pub const SECRET_VAR: &str = "CONSENTRY_SECRET";

/// The binding that holds the IAB Global Vendor List (`vendor-list.json`) for sites with TCF.
pub const GVL_VAR: &str = "CONSENTRY_GVL";
/// The bindings that hold its translations (`purposes-de.json`, ...), each optional: a
/// language without one is shown in English.
pub const GVL_TRANSLATION_VARS: [(Language, &str); 3] = [
    (Language::De, "CONSENTRY_GVL_DE"),
    (Language::Fr, "CONSENTRY_GVL_FR"),
    (Language::Nl, "CONSENTRY_GVL_NL"),
];
/// The log filter.
pub const LOG_VAR: &str = "CONSENTRY_LOG";
/// The D1 database's binding.
pub const DB_BINDING: &str = "DB";

thread_local! {
    static GATEWAY: RefCell<Option<Rc<Gateway>>> = const { RefCell::new(None) };
    static LOG_FILTER: RefCell<Option<reload::Handle<Targets, Registry>>> = const { RefCell::new(None) };
}

/// The log filter layer, `info` until the environment says otherwise.
pub fn log_filter() -> reload::Layer<Targets, Registry> {
    let (layer, handle) = reload::Layer::new(Targets::new().with_default(tracing::Level::INFO));
    LOG_FILTER.with(|slot| *slot.borrow_mut() = Some(handle));
    layer
}

fn apply_log_filter(env: &Env) {
    let Ok(text) = env.var(LOG_VAR).map(|v| v.to_string()) else {
        return;
    };
    match Targets::from_str(&text) {
        Ok(targets) => LOG_FILTER.with(|slot| {
            if let Some(handle) = slot.borrow().as_ref() {
                let _ = handle.reload(targets);
            }
        }),
        Err(e) => tracing::warn!(error = %e, value = %text, "{LOG_VAR} is not a log filter"),
    }
}

/// Everything a request needs, kept for the isolate's life.
pub struct Gateway {
    /// Every site's engine.
    pub engine: Engine,
    /// The settings.
    pub config: Config,
    key: ChainKey,
    /// D1 has its schema and the learned cookies are loaded.
    prepared: Cell<bool>,
    /// Page views and banner answers counted since the last flush.
    pub analytics: Counter,
    /// This isolate's name for its analytics (and cookie inventory) rows.
    pub(crate) analytics_writer: String,
    /// The cookies seen since the last flush.
    pub(crate) inventory: CookieInventory,
    /// When the counts were last written to D1, and whether a flush is under way.
    last_flush: Cell<u64>,
    flushing: Cell<bool>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("sites", &self.engine.sites().len())
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// The isolate's gateway, built on its first request.
    pub fn for_env(env: &Env) -> Result<Rc<Gateway>, WorkerError> {
        if let Some(gateway) = GATEWAY.with(|slot| slot.borrow().clone()) {
            return Ok(gateway);
        }
        apply_log_filter(env);
        let gateway = Rc::new(Gateway::build(env)?);
        GATEWAY.with(|slot| *slot.borrow_mut() = Some(Rc::clone(&gateway)));
        Ok(gateway)
    }

    fn build(env: &Env) -> Result<Gateway, WorkerError> {
        let config = match env.var(CONFIG_VAR) {
            Ok(text) => Config::from_toml(&text.to_string(), CONFIG_VAR)
                .map_err(|e| WorkerError::Config(e.to_string()))?,
            Err(_) => {
                let origin = env.var(ORIGIN_VAR).map_err(|_| {
                    WorkerError::Config(format!(
                        "set {ORIGIN_VAR} to your origin's URL, or {CONFIG_VAR} to a whole config"
                    ))
                })?;
                // The address and data directory are the native server's; a Worker has neither.
                Config::quick_start(
                    &origin.to_string(),
                    SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
                    PathBuf::new(),
                )
                .map_err(|e| WorkerError::Config(format!("{ORIGIN_VAR}: {e}")))?
            }
        };
        // A setting a Worker cannot honour stops it with the reason, never silently ignored.
        let refusals: Vec<String> = config
            .edge_refusals()
            .iter()
            .map(ToString::to_string)
            .collect();
        if !refusals.is_empty() {
            return Err(WorkerError::Config(refusals.join("; ")));
        }
        let secret = match &config.consent.secret {
            Some(secret) => secret.clone(),
            None => {
                let secret = env
                    .secret(SECRET_VAR)
                    .or_else(|_| env.var(SECRET_VAR))
                    .map_err(|_| {
                        WorkerError::Config(format!(
                            "no signing key: `wrangler secret put {SECRET_VAR}` (32 characters or more)"
                        ))
                    })?
                    .to_string();
                if secret.len() < 32 {
                    return Err(WorkerError::Config(format!(
                        "{SECRET_VAR} must be 32 characters or more"
                    )));
                }
                secret.into_bytes()
            }
        };
        let catalogue = Catalogue::builtin().map_err(|e| WorkerError::Config(e.to_string()))?;
        // A Worker has no files: the IAB Global Vendor List comes as a binding.
        let vendor_list = match env.var(GVL_VAR) {
            Ok(text) => Some(translated_vendor_list(
                env,
                consentry_engine::tcf::Gvl::parse(&text.to_string())
                    .map_err(|e| WorkerError::Config(format!("{GVL_VAR}: {e}")))?,
            )?),
            Err(_) => None,
        };
        let engine =
            Engine::with_translated_gvl(&config, &catalogue, &secret, vendor_list.as_ref());
        let writer = crate::io::random_bytes::<8>()
            .map(|b| b.iter().map(|x| format!("{x:02x}")).collect())
            .unwrap_or_else(|_| "isolate".to_owned());
        Ok(Gateway {
            inventory: CookieInventory::new(config.sites.iter().map(|s| s.name.as_str())),
            engine,
            analytics: Counter::new(config.analytics.clone()),
            config,
            key: ChainKey::derive(&secret),
            prepared: Cell::new(false),
            analytics_writer: writer,
            last_flush: Cell::new(crate::io::unix_now()),
            flushing: Cell::new(false),
        })
    }

    /// The consent log in D1.
    pub fn store(&self, env: &Env) -> Result<D1Store, StoreError> {
        let db = env.d1(DB_BINDING).map_err(|e| StoreError::Open {
            location: format!("D1 binding `{DB_BINDING}`"),
            reason: e.to_string(),
        })?;
        Ok(D1Store::new(db, self.key.clone()))
    }

    /// Once per isolate: creates the schema if it is missing and seeds every site's classifier
    /// with the unknown cookies its origin set as functional. Until it succeeds, it is tried
    /// again on the next request; pages are served meanwhile. True when this call prepared it:
    /// the isolate has just started, when the native gateway would prune (see [`Gateway::prune`]).
    pub async fn prepare(&self, env: &Env) -> bool {
        if self.prepared.get() {
            return false;
        }
        let result = async {
            let store = self.store(env)?;
            store.create_schema().await?;
            load_from_store(&self.engine, &store).await?;
            Ok::<(), StoreError>(())
        }
        .await;
        match result {
            Ok(()) => {
                self.prepared.set(true);
                true
            }
            Err(e) => {
                tracing::error!(error = %e, "the consent log in D1 is not ready");
                false
            }
        }
    }

    /// Records a decision or event; resolves once D1 has committed it. Concurrent appends,
    /// from this isolate or others, are ordered by the chain's optimistic concurrency (see
    /// [`D1Store`]): a request never waits on another request's work, which the runtime would
    /// take for a hung request.
    pub async fn record(&self, env: &Env, record: ConsentRecord) -> Result<u64, StoreError> {
        let store = self.store(env)?;
        let seqs = store.append_batch(std::slice::from_ref(&record)).await?;
        seqs.first()
            .copied()
            .ok_or_else(|| StoreError::Database("the record was not stored".into()))
    }

    /// Writes what this isolate counted to D1; `closing` also ends every open visit. Rows D1
    /// refuses are kept for the next flush. One flush at a time.
    pub async fn flush_analytics(&self, env: &Env, closing: bool) {
        if self.flushing.replace(true) {
            return;
        }
        let now = crate::io::unix_now();
        self.last_flush.set(now);
        match self.store(env) {
            Ok(store) => {
                let writer = &self.analytics_writer;
                flush_counts(
                    &store,
                    writer,
                    &self.analytics,
                    &self.inventory,
                    now,
                    closing,
                )
                .await;
            }
            Err(e) => tracing::warn!(error = %e, "counts not stored; kept for the next flush"),
        }
        self.flushing.set(false);
    }

    /// Whether the flush interval has passed since the last flush. An isolate has no timer
    /// of its own: a request that counts something flushes, after its answer, once due.
    pub fn analytics_due(&self, now: u64) -> bool {
        !(self.analytics.is_empty() && self.inventory.is_empty())
            && now.saturating_sub(self.last_flush.get())
                >= self.analytics.settings().flush_interval.as_secs()
    }

    /// Prunes records older than the retention, behind a signed checkpoint: when an isolate
    /// starts and on the Cron Trigger, as the native gateway does when it starts and hourly.
    pub async fn prune(&self, env: &Env) {
        let Some(retention) = self.config.consent.retention else {
            return;
        };
        self.prepare(env).await;
        let now = crate::io::unix_now();
        let before = now.saturating_sub(retention.as_secs());
        let result = match self.store(env) {
            Ok(store) => store.prune(before, now).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(pruned, "pruned consent records past their retention"),
            Err(e) => tracing::warn!(error = %e, "pruning the consent log failed; will try again"),
        }
    }
}

/// The vendor list with the translations its bindings hold: a translation that does not read
/// is a configuration error naming its binding; one of another TCF policy version is left out
/// with a warning, as natively.
fn translated_vendor_list(
    env: &Env,
    gvl: consentry_engine::tcf::Gvl,
) -> Result<TranslatedGvl, WorkerError> {
    let mut translated = TranslatedGvl::new(gvl);
    for (language, var) in GVL_TRANSLATION_VARS {
        let Ok(text) = env.var(var) else { continue };
        let translation = GvlTranslation::parse(&text.to_string())
            .map_err(|e| WorkerError::Config(format!("{var}: {e}")))?;
        if let Err(e) = translated.translate(language, &translation) {
            tracing::warn!(binding = var, error = %e, "translation of the Global Vendor List left out: its texts stay English in this language");
        }
    }
    Ok(translated)
}
