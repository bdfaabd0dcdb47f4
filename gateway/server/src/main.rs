//! `consentry`: the consent gateway's command.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use consentry_config::{Catalogue, Config, DEFAULT_DATA_DIR, STARTER_CONFIG};
use consentry_gateway::store::SqliteStore;
use consentry_gateway::{demo, secret, serve, Gateway, Listening};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "consentry",
    version,
    about = "Cookie-consent and analytics gateway in front of your site"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a bundled example site behind the gateway and print the URL to open.
    Demo {
        /// Port for the gateway (0 for any free port).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Where the embedded store and the signing key live.
        #[arg(long, default_value = DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Run the gateway for the sites in a config file.
    Run {
        /// The config file.
        #[arg(long, short, default_value = "consentry.toml")]
        config: PathBuf,
    },
    /// Put the gateway in front of one origin with every setting at its default.
    Proxy {
        /// The origin, such as http://127.0.0.1:8000.
        #[arg(long)]
        to: String,
        /// Port to listen on (0 for any free port).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Address to listen on.
        #[arg(long, default_value = "0.0.0.0")]
        bind: IpAddr,
        /// Where the embedded store and the signing key live.
        #[arg(long, default_value = DEFAULT_DATA_DIR)]
        data_dir: PathBuf,
    },
    /// Write a commented starter config.
    Init {
        /// Where to write it.
        #[arg(long, short, default_value = "consentry.toml")]
        config: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Validate a config file; every problem is named with file, line and key.
    Check {
        /// The config file.
        #[arg(long, short, default_value = "consentry.toml")]
        config: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::Init { config, force } => init(&config, force),
        Command::Check { config } => {
            let parsed = load_config(&config)?;
            check_files(&parsed)?;
            println!(
                "{}: OK ({} site{})",
                config.display(),
                parsed.sites.len(),
                if parsed.sites.len() == 1 { "" } else { "s" }
            );
            Ok(())
        }
        Command::Run { config } => {
            let parsed = load_config(&config)?;
            check_files(&parsed)?;
            runtime()?.block_on(start(parsed, None))
        }
        Command::Proxy {
            to,
            port,
            bind,
            data_dir,
        } => {
            let config = Config::quick_start(&to, SocketAddr::new(bind, port), data_dir)?;
            runtime()?.block_on(start(config, None))
        }
        Command::Demo {
            port,
            bind,
            data_dir,
        } => runtime()?.block_on(async move {
            let origin = demo::start_origin(SocketAddr::from(([127, 0, 0, 1], 0)))
                .await
                .context("starting the demo site")?;
            let mut config = Config::quick_start(
                &format!("http://{origin}"),
                SocketAddr::new(bind, port),
                data_dir,
            )?;
            if let Some(site) = config.sites.first_mut() {
                site.name = "demo".into();
                site.privacy_url = Some("/privacy.html".into());
            }
            start(config, Some("the demo site (Northwind Coffee Roasters)")).await
        }),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

fn init(path: &Path, force: bool) -> Result<()> {
    if path.exists() && !force {
        bail!(
            "{} exists already; pass --force to overwrite it",
            path.display()
        );
    }
    std::fs::write(path, STARTER_CONFIG).with_context(|| format!("writing {}", path.display()))?;
    println!(
        "wrote {}; edit it, then run: consentry check --config {}",
        path.display(),
        path.display()
    );
    Ok(())
}

fn load_config(path: &Path) -> Result<Config> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Config::from_toml(&text, &path.display().to_string())?)
}

/// The files a config names must be there and readable before the gateway starts.
fn check_files(config: &Config) -> Result<()> {
    let mut files: Vec<(&Path, String)> = Vec::new();
    if let Some(tls) = &config.server.tls {
        files.push((&tls.cert, "server.tls_cert".into()));
        files.push((&tls.key, "server.tls_key".into()));
    }
    for (i, site) in config.sites.iter().enumerate() {
        if let Some(ca) = &site.upstream_ca {
            files.push((ca, format!("site[{i}].upstream_ca")));
        }
    }
    for (file, key) in files {
        std::fs::metadata(file)
            .with_context(|| format!("{key}: cannot read {}", file.display()))?;
    }
    Ok(())
}

async fn start(config: Config, what: Option<&str>) -> Result<()> {
    let data_dir = &config.server.data_dir;
    let key = match &config.consent.secret {
        Some(secret) => secret.clone(),
        None => secret::load_or_create(data_dir)?,
    };
    let store = SqliteStore::open(data_dir)?;
    tracing::info!(path = %store.path().display(), "consent records are kept in SQLite");
    let catalogue = Catalogue::builtin()?;
    let gateway = Arc::new(Gateway::new(&config, &catalogue, &key, Arc::new(store))?);
    gateway.load_learned_cookies().await?;
    let tls = match &config.server.tls {
        Some(files) => Some(consentry_gateway::server_tls(files)?),
        None => None,
    };
    let listener = TcpListener::bind(config.server.listen)
        .await
        .with_context(|| format!("listening on {}", config.server.listen))?;
    let listening = Listening {
        local_addr: listener.local_addr()?,
        https: tls.is_some(),
    };
    // The first line on standard output: scripts and tests read the address from it.
    let mut out = std::io::stdout().lock();
    writeln!(out, "Consentry listening on {}", listening.url())?;
    if let Some(what) = what {
        writeln!(
            out,
            "Open {} to see {what} behind the gateway.",
            listening.url()
        )?;
    }
    for site in &config.sites {
        writeln!(out, "  site {} -> {}", site.name, site.upstream)?;
    }
    out.flush()?;
    drop(out);
    serve(
        listener,
        gateway,
        tls,
        config.server.timeouts,
        shutdown_signal(),
    )
    .await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("stopping: finishing open requests");
}
