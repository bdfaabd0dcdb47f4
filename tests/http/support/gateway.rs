//! The real gateway, started as its own process on an ephemeral loopback port.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Place;

/// A running gateway; stopped when dropped.
pub struct Gateway {
    child: Child,
    args: Vec<String>,
    /// The gateway's base URL, ending in `/`.
    pub url: String,
    /// Its data directory.
    pub data_dir: tempfile::TempDir,
    /// What it logged, when started by [`Gateway::proxy_logged`] or
    /// [`Gateway::with_config_logged`] (kept across restarts).
    log: Option<Arc<Mutex<String>>>,
    /// Where its visitors are, when started by [`Gateway::with_config_at`] (kept across
    /// restarts and new configs).
    place: Option<Place>,
}

/// The `consentry` binary under test.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_consentry"))
}

impl Gateway {
    /// `consentry proxy --to ORIGIN` with every setting at its default.
    pub fn proxy(origin: &str) -> Gateway {
        Gateway::proxy_with(origin, false)
    }

    fn proxy_with(origin: &str, logged: bool) -> Gateway {
        let data_dir = tempfile::tempdir().expect("data dir");
        let dir = path_str(data_dir.path()).to_owned();
        let args = [
            "proxy",
            "--to",
            origin,
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--data-dir",
            &dir,
        ];
        Gateway::spawn(&args, data_dir, logged, None)
    }

    /// `consentry demo`: the bundled demo site behind the gateway (native only).
    pub fn demo() -> Gateway {
        let data_dir = tempfile::tempdir().expect("data dir");
        let dir = path_str(data_dir.path()).to_owned();
        let args = [
            "demo",
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--data-dir",
            &dir,
        ];
        Gateway::spawn(&args, data_dir, false, None)
    }

    /// Like [`Gateway::proxy`], keeping what the gateway logs on standard error (also passed
    /// on) for [`Gateway::log`].
    pub fn proxy_logged(origin: &str) -> Gateway {
        Gateway::proxy_with(origin, true)
    }

    /// What the gateway has logged so far (only for the `_logged` constructors).
    pub fn log(&self) -> String {
        self.log
            .as_ref()
            .map(|log| log.lock().expect("log").clone())
            .unwrap_or_default()
    }

    /// `consentry run --config` with this config; `{data_dir}` in it is replaced by the
    /// gateway's data directory. It must listen on `127.0.0.1:0`.
    pub fn with_config(toml: &str) -> Gateway {
        Gateway::config_with(toml, false)
    }

    /// Like [`Gateway::with_config`], keeping what the gateway logs (see [`Gateway::log`]).
    pub fn with_config_logged(toml: &str) -> Gateway {
        Gateway::config_with(toml, true)
    }

    /// Like [`Gateway::with_config`], with every visitor at `place` on either host: natively
    /// a MaxMind database of the test's own placing loopback there is written into the data
    /// directory and set as `geoip_database` in `toml` (which must not set one); on the Worker,
    /// `wasm/dev.sh --country --region` put it in `request.cf`. A gateway started without a
    /// place has visitors from an unknown place on both hosts.
    pub fn with_config_at(toml: &str, place: Place) -> Gateway {
        Gateway::config_with_at(toml, false, Some(place))
    }

    /// Like [`Gateway::with_config`], with `gvl` as the IAB Global Vendor List on either host:
    /// written as `vendor-list.json` in the data directory and named by `tcf.vendor_list`
    /// natively (`toml` must have a `[tcf]` section), given as `wasm/dev.sh --gvl` on the
    /// Worker, which has no files.
    pub fn with_vendor_list(toml: &str, gvl: &str) -> Gateway {
        let data_dir = tempfile::tempdir().expect("data dir");
        let list = data_dir.path().join(super::worker::VENDOR_LIST);
        std::fs::write(&list, gvl).expect("write the vendor list");
        let toml = if super::is_worker() {
            toml.to_owned()
        } else {
            toml.replacen(
                "[tcf]\n",
                &format!("[tcf]\nvendor_list = \"{}\"\n", path_str(&list)),
                1,
            )
        };
        let config = write_placed_config(data_dir.path(), &toml, None);
        Gateway::spawn(&["run", "--config", &config], data_dir, false, None)
    }

    fn config_with(toml: &str, logged: bool) -> Gateway {
        Gateway::config_with_at(toml, logged, None)
    }

    fn config_with_at(toml: &str, logged: bool, place: Option<Place>) -> Gateway {
        let data_dir = tempfile::tempdir().expect("data dir");
        let config = write_placed_config(data_dir.path(), toml, place);
        Gateway::spawn(&["run", "--config", &config], data_dir, logged, place)
    }

    /// Rewrites the config file of a gateway started by [`Gateway::with_config`] (without
    /// restarting it); one started [`Gateway::with_config_at`] keeps its place.
    pub fn write_config(&self, toml: &str) {
        write_placed_config(self.data_dir.path(), toml, self.place);
    }

    /// The gateway's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (`"TERM"`, `"HUP"`, ...) to the gateway.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{name}");
    }

    /// Waits up to `timeout` for the gateway to exit; its exit status, if it did.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// The gateway's resident memory in KiB (from /proc).
    pub fn rss_kib(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// Like [`Gateway::with_config`], on an existing data directory, beside the gateway that
    /// owns it.
    pub fn with_config_in(toml: &str, dir: &Path) -> Gateway {
        let config = write_config_in(dir, "consentry-second.toml", toml);
        // The first gateway owns the directory; this one only borrows it.
        let placeholder = tempfile::tempdir().expect("placeholder dir");
        Gateway::spawn(&["run", "--config", &config], placeholder, false, None)
    }

    fn spawn(
        args: &[&str],
        data_dir: tempfile::TempDir,
        logged: bool,
        place: Option<Place>,
    ) -> Gateway {
        let log = logged.then(Arc::default);
        let (child, url) = start(args, log.as_ref(), place);
        Gateway {
            child,
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            url,
            data_dir,
            log,
            place,
        }
    }

    /// Kills the gateway with SIGKILL: no shutdown, no flush.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the gateway again with the same arguments and data directory (killing it
    /// first if it still runs).
    pub fn restart(&mut self) {
        self.kill();
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        let (child, url) = start(&args, self.log.as_ref(), self.place);
        self.child = child;
        self.url = url;
    }

    /// Restarts a gateway started by [`Gateway::with_config`] with a new config.
    pub fn restart_with(&mut self, toml: &str) {
        self.write_config(toml);
        self.restart();
    }

    /// The body of `GET path`, whatever the status.
    pub async fn get_text(&self, path: &str) -> String {
        super::client()
            .get(self.at(path))
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("body")
    }

    /// The URL of `path` (which starts with `/`) on the gateway.
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url.trim_end_matches('/'), path)
    }

    /// The gateway's `host:port`.
    pub fn authority(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .trim_end_matches('/')
            .to_owned()
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Writes `toml` as `dir/consentry.toml` (see [`write_config_in`]), with visitors at `place`
/// on the native gateway (on the Worker, `wasm/dev.sh` is told instead).
fn write_placed_config(dir: &Path, toml: &str, place: Option<Place>) -> String {
    match place {
        Some(place) if !super::is_worker() => {
            write_config_in(dir, "consentry.toml", &place.in_config(toml, dir))
        }
        _ => write_config_in(dir, "consentry.toml", toml),
    }
}

/// Writes `toml` as `dir/name`, with `{data_dir}` replaced by `dir`; the file's path.
fn write_config_in(dir: &Path, name: &str, toml: &str) -> String {
    let config = dir.join(name);
    std::fs::write(&config, toml.replace("{data_dir}", path_str(dir))).expect("write config");
    path_str(&config).to_owned()
}

/// Starts `consentry` (or the Worker, with its visitors at `place`) and waits for its first
/// line; returns the process and its URL. With `keep`, what it logs is also kept there.
fn start(
    args: &[&str],
    keep: Option<&Arc<Mutex<String>>>,
    place: Option<Place>,
) -> (Child, String) {
    // A gateway whose log a test reads logs what it did too (reloads, stops).
    let default = if keep.is_some() { "info" } else { "warn" };
    let log = std::env::var("CONSENTRY_TEST_LOG").unwrap_or_else(|_| default.into());
    let mut child = super::worker::command(args, place)
        .env("RUST_LOG", log)
        .stdout(Stdio::piped())
        .stderr(if keep.is_some() {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .spawn()
        .expect("start consentry");
    if let (Some(keep), Some(stderr)) = (keep, child.stderr.take()) {
        let keep = Arc::clone(keep);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("{line}");
                let mut kept = keep.lock().expect("log");
                kept.push_str(&line);
                kept.push('\n');
            }
        });
    }
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = tx.send(line);
        }
        // Keep reading so the gateway never blocks on a full pipe.
        for _ in lines {}
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let line = loop {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
            break line;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("consentry exited before listening: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "consentry did not start within 30 s"
        );
    };
    let url = line
        .strip_prefix("Consentry listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .trim()
        .to_owned();
    (child, url)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}
