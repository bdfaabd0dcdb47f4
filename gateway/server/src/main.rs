//! `consentry`: the consent gateway's command.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use arc_swap::ArcSwap;
use clap::{Parser, Subcommand};
use consentry_config::{
    Catalogue, Category, Config, CookieRule, RegimeMap, RegimePreset, SiteTcf, Storage,
    DEFAULT_DATA_DIR, STARTER_CONFIG,
};
use consentry_engine::chain::ChainKey;
use consentry_gateway::reload::{reload_on_hangup, Gateways, Reloader};
use consentry_gateway::{
    admin_cli, audit, demo, log_cli, scan, secret, serve, store, ConnectionLimits, Gateway,
    Listening,
};
use tokio::net::TcpListener;

/// jemalloc: less CPU per request than the C library's allocator at the same peak memory
/// (`docs/performance.md`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
        /// Enable the IAB TCF for the demo site: its publisher page (/news.html) has a
        /// stand-in ad vendor that reads consent through __tcfapi.
        #[arg(long)]
        tcf: bool,
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
        /// Threads serving requests (default: one per core).
        #[arg(long)]
        threads: Option<usize>,
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
        /// Check it for the Cloudflare Worker (`CONSENTRY_CONFIG`): refuses the settings a
        /// Worker cannot honour, with the reason, instead of the files the native server reads.
        #[arg(long)]
        edge: bool,
    },
    /// Visit a site in headless Chromium, accept every cookie, follow its sitemap and links,
    /// and list the cookies the browser ends up with.
    Scan {
        /// Where to start: the site through the gateway, such as http://127.0.0.1:8080/.
        #[arg(long)]
        url: url::Url,
        /// Pages to visit at most.
        #[arg(long, default_value_t = 50)]
        max_pages: usize,
        /// Seconds to spend at most.
        #[arg(long, default_value_t = 120)]
        max_time: u64,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// An extra Chromium flag (repeatable), such as `--host-resolver-rules=...`.
        #[arg(long = "chromium-arg", allow_hyphen_values = true)]
        chromium_args: Vec<String>,
    },
    /// Visit a site in headless Chromium with no consent, then after the banner's Reject
    /// all, and list every third-party request and cookie with what caused it; exit status 1
    /// when a tracker or a non-necessary cookie leaked, 2 when the audit could not run.
    Audit(audit::AuditArgs),
    /// Read, export, erase and verify the consent log.
    Log {
        #[command(subcommand)]
        command: LogCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The IAB TCF's Global Vendor List.
    Tcf {
        #[command(subcommand)]
        command: TcfCommand,
    },
    /// Dashboard accounts and API tokens.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
enum TcfCommand {
    /// Fetch the current Global Vendor List (and its de, fr and nl translations) into the
    /// file `tcf.vendor_list` names; a list that does not parse leaves the file as it was.
    /// Send the gateway SIGHUP afterwards to use it.
    Update {
        /// The config file that names the vendor list.
        #[arg(long, short, default_value = "consentry.toml")]
        config: PathBuf,
        /// Where to fetch it from, instead of IAB Europe's address.
        #[arg(long, default_value = consentry_gateway::tcf_cli::GVL_URL)]
        from: url::Url,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Add a dashboard account; the password is read from standard input (asked twice on a
    /// terminal), at least 12 characters.
    Add {
        /// The account's name (letters, digits, . _ - @).
        #[arg(long)]
        user: String,
        /// Also require a TOTP code at login; prints the otpauth:// URI and secret.
        #[arg(long)]
        totp: bool,
        /// Replace the account of that name (new password, second factor, lock lifted).
        #[arg(long)]
        replace: bool,
        /// Print SQL for `wrangler d1 execute --file` (the Worker's D1) instead of writing
        /// to a store.
        #[arg(long)]
        print_sql: bool,
    },
    /// Make an API bearer token for an account; it is printed once and only its hash kept.
    Token {
        /// The account the token acts for.
        #[arg(long)]
        user: String,
        /// Print SQL for `wrangler d1 execute --file` instead of writing to a store (the
        /// token goes to standard error).
        #[arg(long)]
        print_sql: bool,
    },
}

/// Which store a `log` command reads: the one a config names, or the embedded one in a
/// data directory.
#[derive(clap::Args)]
struct StoreArgs {
    /// A config file (its storage, data directory and secret are used).
    #[arg(long, short, global = true, conflicts_with = "data_dir")]
    config: Option<PathBuf>,
    /// The data directory of the embedded store (as for `consentry demo` and `proxy`).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum LogCommand {
    /// Walk the hash chain and name the first record that was altered, inserted or removed.
    Verify,
    /// Write records as JSON lines (default) or CSV.
    Export {
        /// `jsonl` or `csv`.
        #[arg(long, default_value = "jsonl")]
        format: String,
        /// From this time on: `2026-01-31`, `2026-01-31T12:00:00Z` or seconds since 1970.
        #[arg(long)]
        since: Option<String>,
        /// Before this time, in the same forms.
        #[arg(long)]
        until: Option<String>,
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
        /// Only this visitor. (Consent ids may start with `-`.)
        #[arg(long, allow_hyphen_values = true)]
        consent_id: Option<String>,
    },
    /// Remove a visitor's personal fields from their records (the erasure is recorded).
    Erase {
        /// The visitor's consent id. (Consent ids may start with `-`.)
        #[arg(long, allow_hyphen_values = true)]
        consent_id: String,
    },
    /// Counts: records, by kind and site, erased, pruned.
    Stats,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tokio_postgres=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Command::Audit(args) = cli.command {
        return audit::command(args);
    }
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
        Command::Check { config, edge } => {
            let parsed = load_config(&config)?;
            if edge {
                let refusals = parsed.edge_refusals();
                if !refusals.is_empty() {
                    let list: Vec<String> = refusals.iter().map(ToString::to_string).collect();
                    anyhow::bail!(
                        "{}: a Worker cannot honour these settings:\n  {}",
                        config.display(),
                        list.join("\n  ")
                    );
                }
            } else {
                check_files(&parsed)?;
            }
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
            runtime(parsed.server.worker_threads)?.block_on(start(
                parsed,
                None,
                Some(config),
                false,
            ))
        }
        Command::Proxy {
            to,
            port,
            bind,
            data_dir,
            threads,
        } => {
            let mut config = Config::quick_start(&to, SocketAddr::new(bind, port), data_dir)?;
            config.server.worker_threads = threads;
            runtime(threads)?.block_on(start(config, None, None, false))
        }
        Command::Log { command, store } => runtime(None)?.block_on(log_command(command, store)),
        Command::Scan {
            url,
            max_pages,
            max_time,
            json,
            chromium_args,
        } => runtime(None)?.block_on(async move {
            let options = scan::ScanOptions {
                url,
                max_pages,
                max_time: std::time::Duration::from_secs(max_time),
                chromium_args,
            };
            let report = scan::scan(&options).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", scan::table(&report));
            }
            Ok(())
        }),
        Command::Admin { command, store } => runtime(None)?.block_on(admin_command(command, store)),
        Command::Tcf {
            command: TcfCommand::Update { config, from },
        } => {
            let parsed = load_config(&config)?;
            let Some(path) = parsed.tcf.vendor_list.clone() else {
                bail!(
                    "{}: tcf.vendor_list names no file to keep the Global Vendor List in",
                    config.display()
                );
            };
            let updated =
                runtime(None)?.block_on(consentry_gateway::tcf_cli::update(&path, &from))?;
            println!(
                "{}: Global Vendor List version {}, {} vendors{}",
                path.display(),
                updated.version,
                updated.vendors,
                if updated.translations.is_empty() {
                    String::new()
                } else {
                    format!("; translations: {}", updated.translations.join(", "))
                }
            );
            Ok(())
        }
        // Run by `main` itself: its exit status tells a leak (1) from an error (2).
        Command::Audit(_) => Ok(()),
        Command::Demo {
            port,
            bind,
            data_dir,
            tcf,
        } => runtime(None)?.block_on(async move {
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
                // The demo shows each region's consent model; its region switch keeps the
                // chosen region in a cookie of its own, which is necessary to it.
                site.regimes = RegimeMap::preset(RegimePreset::ByRegion);
                site.cookie_rules.push(CookieRule {
                    pattern: demo::REGION_COOKIE.into(),
                    category: Category::Necessary,
                });
                if tcf {
                    // The stand-in vendor is vendor 1; its script is the demo site's /ads/.
                    site.tcf = Some(SiteTcf {
                        vendors: vec![1, 2],
                        hosts: [(1, vec!["/ads/".to_owned()])].into_iter().collect(),
                    });
                }
            }
            if tcf {
                std::fs::create_dir_all(&config.server.data_dir)
                    .context("creating the data directory")?;
                let list = config.server.data_dir.join("demo-vendor-list.json");
                std::fs::write(&list, demo::VENDOR_LIST)
                    .with_context(|| format!("writing {}", list.display()))?;
                config.tcf.vendor_list = Some(list);
                config.tcf.publisher_cc = "GB".into();
            }
            start(
                config,
                Some("the demo site (Northwind Coffee Roasters)"),
                None,
                true,
            )
            .await
        }),
    }
}

fn runtime(worker_threads: Option<usize>) -> Result<tokio::runtime::Runtime> {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = worker_threads {
        builder.worker_threads(threads);
    }
    builder
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
    if let Some(geoip) = &config.server.geoip_database {
        files.push((geoip, "server.geoip_database".into()));
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

async fn start(
    config: Config,
    what: Option<&str>,
    file: Option<PathBuf>,
    demo: bool,
) -> Result<()> {
    let data_dir = &config.server.data_dir;
    let key = match &config.consent.secret {
        Some(secret) => secret.clone(),
        None => secret::load_or_create(data_dir)?,
    };
    let log = store::open(&config.storage, data_dir, ChainKey::derive(&key)).await?;
    match &config.storage {
        Storage::Sqlite => {
            tracing::info!(dir = %data_dir.display(), "consent records are kept in SQLite")
        }
        Storage::Postgres(_) => tracing::info!("consent records are kept in PostgreSQL"),
    }
    let catalogue = Catalogue::builtin()?;
    let gateway = Gateway::new(&config, &catalogue, &key, log)?;
    let gateway = Arc::new(if demo { gateway.for_demo() } else { gateway });
    gateway.load_from_store().await?;
    let gateways: Gateways = Arc::new(ArcSwap::from(Arc::clone(&gateway)));
    // Also with analytics off: the cookie inventory is flushed with them.
    tokio::spawn(consentry_gateway::flush_analytics_periodically(Arc::clone(
        &gateways,
    )));
    tokio::spawn(reload_on_hangup(
        Arc::clone(&gateways),
        Reloader {
            path: file,
            started: config.clone(),
            secret: key.clone(),
        },
    ));
    if let Some(retention) = config.consent.retention {
        tokio::spawn(consentry_gateway::prune_periodically(
            Arc::clone(&gateway),
            retention,
        ));
    }
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
    let limits = ConnectionLimits {
        timeouts: config.server.timeouts,
        max_connections: config.server.max_connections,
    };
    let stopping = Arc::clone(&gateways);
    let shutdown = async move {
        shutdown_signal().await;
        stopping.load().stop();
    };
    serve(listener, Arc::clone(&gateways), tls, limits, shutdown).await;
    // Connections are drained: queued records become durable and what was counted goes to
    // the store before the process ends.
    gateways.load_full().drain().await;
    tracing::info!("stopped");
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

/// Parses a time given on the command line.
fn parse_time(text: &str) -> Result<u64> {
    if let Ok(seconds) = text.parse::<u64>() {
        return Ok(seconds);
    }
    let full = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    let at = humantime::parse_rfc3339_weak(&full).with_context(|| {
        format!("`{text}` is not a time such as 2026-01-31 or 2026-01-31T12:00:00Z")
    })?;
    Ok(at
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()))
}

/// The config a `log` or `admin` command finds its store by: `--config FILE`, or the
/// defaults on `--data-dir DIR`.
fn store_config(args: &StoreArgs) -> Result<Config> {
    Ok(match &args.config {
        Some(path) => load_config(path)?,
        None => Config::quick_start(
            "http://127.0.0.1",
            SocketAddr::from(([127, 0, 0, 1], 0)),
            args.data_dir
                .clone()
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
        )?,
    })
}

async fn log_command(command: LogCommand, args: StoreArgs) -> Result<()> {
    let config = store_config(&args)?;
    let data_dir = &config.server.data_dir;
    let key = match &config.consent.secret {
        Some(secret) => secret.clone(),
        None => secret::load_existing(data_dir)?,
    };
    let chain_key = ChainKey::derive(&key);
    let log = store::open(&config.storage, data_dir, chain_key.clone()).await?;
    match command {
        LogCommand::Verify => match log_cli::verify_log(log.as_ref(), &chain_key).await {
            Ok(verified) => {
                println!(
                    "consent log OK: {} records verified ({} erased){}; head {}",
                    verified.records,
                    verified.erased,
                    if verified.pruned_before > 0 {
                        format!(
                            ", {} pruned before a valid checkpoint",
                            verified.pruned_before
                        )
                    } else {
                        String::new()
                    },
                    verified.head
                );
                Ok(())
            }
            Err(e) => bail!("{e}"),
        },
        LogCommand::Export {
            format,
            since,
            until,
            site,
            consent_id,
        } => {
            let format = match format.as_str() {
                "jsonl" | "json" => log_cli::ExportFormat::JsonLines,
                "csv" => log_cli::ExportFormat::Csv,
                other => bail!("--format: `{other}` is not jsonl or csv"),
            };
            let filter = store::LogFilter {
                since: since.as_deref().map(parse_time).transpose()?,
                until: until.as_deref().map(parse_time).transpose()?,
                site,
                consent_id,
            };
            let mut out = std::io::stdout().lock();
            let n = log_cli::export(log.as_ref(), &filter, format, &mut out).await?;
            out.flush()?;
            eprintln!("exported {n} records");
            Ok(())
        }
        LogCommand::Erase { consent_id } => {
            let catalogue = Catalogue::builtin()?;
            let gateway = Gateway::new(&config, &catalogue, &key, log)?;
            let site = gateway
                .sites()
                .first()
                .cloned()
                .context("no site configured")?;
            let host = consentry_gateway::host::NativeHost::new(&gateway, None);
            let erased = consentry_engine::exchange::erase_visitor(
                &host,
                &site,
                &consent_id,
                consentry_engine::Visitor::default(),
                consentry_gateway::unix_now(),
            )
            .await?;
            println!("erased the personal fields of {} record(s) of {consent_id}; the erasure is recorded", erased.len());
            Ok(())
        }
        LogCommand::Stats => {
            let stats = log.stats().await?;
            println!("records: {} ({} erased)", stats.records, stats.erased);
            if let (Some(first), Some(last)) = (stats.first_at, stats.last_at) {
                println!(
                    "from {} to {}",
                    consentry_engine::format_time(first),
                    consentry_engine::format_time(last)
                );
            }
            if let Some(seq) = stats.pruned_up_to {
                println!("pruned up to record {seq} (signed checkpoint)");
            }
            for (kind, n) in &stats.by_kind {
                println!("  {kind:<12} {n}");
            }
            for (site, n) in &stats.by_site {
                println!("  site {site:<12} {n}");
            }
            Ok(())
        }
    }
}

/// The store an `admin` command writes to, as `log` commands find it.
async fn admin_store(args: &StoreArgs) -> Result<Arc<dyn store::Store>> {
    let config = store_config(args)?;
    // Admin commands append no consent record, so the chain's key is never used: the
    // store opens without the signing key, even before the gateway first ran.
    let key = ChainKey::derive(b"admin commands append no consent records");
    Ok(store::open(&config.storage, &config.server.data_dir, key).await?)
}

async fn admin_command(command: AdminCommand, args: StoreArgs) -> Result<()> {
    let now = consentry_gateway::unix_now();
    match command {
        AdminCommand::Add {
            user,
            totp,
            replace,
            print_sql,
        } => {
            let password = admin_cli::read_password(&user)?;
            let account = admin_cli::new_user(&user, &password, totp, now)?;
            if print_sql {
                print!("{}", admin_cli::add_sql(&account, replace));
                eprint!("{}", admin_cli::added_message(&account));
                return Ok(());
            }
            let store = admin_store(&args).await?;
            admin_cli::add(store.as_ref(), &account, replace).await?;
            print!("{}", admin_cli::added_message(&account));
            Ok(())
        }
        AdminCommand::Token { user, print_sql } => {
            if print_sql {
                let (token, sql) = admin_cli::token_sql(&user, now)?;
                print!("{sql}");
                eprintln!("API token for {user} (shown once): {token}");
                return Ok(());
            }
            let store = admin_store(&args).await?;
            let token = admin_cli::token(store.as_ref(), &user, now).await?;
            println!("{token}");
            eprintln!("API token for {user}: shown once, only its hash is kept. Send it as `Authorization: Bearer <token>`.");
            Ok(())
        }
    }
}
