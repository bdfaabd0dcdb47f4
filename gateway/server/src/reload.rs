//! SIGHUP: the config file is read again and, when it is valid, the running gateway is
//! swapped for one built from it, without dropping a connection. A request holds the gateway
//! it started with until it ends; the next request, on the same connection or another, gets
//! the new one. A broken file is refused with its reasons (file, line, key) and the running
//! config keeps serving.

use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use consentry_config::{Catalogue, Config};

use crate::Gateway;

/// The running gateway, swapped whole on a reload.
pub type Gateways = Arc<ArcSwap<Gateway>>;

/// What a reload needs to know of how the gateway started.
#[derive(Debug)]
pub struct Reloader {
    /// The config file (`consentry run --config`); `None` for `proxy` and `demo`.
    pub path: Option<PathBuf>,
    /// The config the gateway started with (settings only a restart applies are compared
    /// with it).
    pub started: Config,
    /// The key that signs cookies and chains records.
    pub secret: Vec<u8>,
}

/// Why a reload was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReloadError {
    /// The gateway was started without a config file.
    #[error("started without --config: nothing to reload")]
    NoFile,
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file does not validate.
    #[error("{0}")]
    Invalid(#[from] consentry_config::ConfigError),
    /// A change only a restart can make safely.
    #[error("{0}")]
    NeedsRestart(String),
    /// The new gateway could not be built.
    #[error("{0}")]
    Build(String),
}

impl Reloader {
    /// Reads the file again and swaps in a gateway built from it. Returns the settings that
    /// changed but only apply at the next start.
    pub async fn reload(&self, gateways: &Gateways) -> Result<Vec<&'static str>, ReloadError> {
        let path = self.path.as_ref().ok_or(ReloadError::NoFile)?;
        let text = std::fs::read_to_string(path).map_err(|source| ReloadError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let config = Config::from_toml(&text, &path.display().to_string())?;
        if config.consent.secret != self.started.consent.secret {
            return Err(ReloadError::NeedsRestart(
                "consent.secret: a new signing key needs a restart (the consent log is chained with the running one)".into(),
            ));
        }
        let catalogue = Catalogue::builtin().map_err(|e| ReloadError::Build(e.to_string()))?;
        let current = gateways.load_full();
        let next = current
            .reloaded(&config, &catalogue, &self.secret)
            .await
            .map_err(|e| ReloadError::Build(e.to_string()))?;
        next.load_from_store().await.map_err(|e| {
            ReloadError::Build(format!("loading learned cookies and the inventory: {e}"))
        })?;
        gateways.store(Arc::new(next));
        Ok(restart_only_changes(&self.started, &config))
    }
}

/// The settings that differ from the started config and are read only at start.
fn restart_only_changes(started: &Config, new: &Config) -> Vec<&'static str> {
    let (a, b) = (&started.server, &new.server);
    let mut changed = Vec::new();
    if a.listen != b.listen {
        changed.push("server.listen");
    }
    if a.data_dir != b.data_dir {
        changed.push("server.data_dir");
    }
    if a.tls != b.tls {
        changed.push("server.tls_cert/tls_key");
    }
    if a.timeouts.header_read != b.timeouts.header_read {
        changed.push("server.header_read_timeout");
    }
    if a.worker_threads != b.worker_threads {
        changed.push("server.worker_threads");
    }
    if a.max_connections != b.max_connections {
        changed.push("server.max_connections");
    }
    if started.storage != new.storage {
        changed.push("storage.url");
    }
    if started.analytics != new.analytics {
        changed.push("[analytics]");
    }
    if started.consent.retention != new.consent.retention {
        changed.push("consent.retention");
    }
    changed
}

/// Reloads on every SIGHUP until the process ends; logs what happened.
pub async fn reload_on_hangup(gateways: Gateways, reloader: Reloader) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP: no config reloads");
            return;
        };
        while hangups.recv().await.is_some() {
            let metrics = Arc::clone(gateways.load().metrics());
            match reloader.reload(&gateways).await {
                Ok(later) => {
                    metrics.reload(true);
                    tracing::info!("configuration reloaded");
                    if !later.is_empty() {
                        tracing::warn!(
                            settings = %later.join(", "),
                            "changed settings that apply only at the next start"
                        );
                    }
                }
                Err(e) => {
                    metrics.reload(false);
                    tracing::error!("configuration not reloaded; the running one stays:\n{e}");
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (gateways, reloader);
    }
}
