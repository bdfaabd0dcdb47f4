//! One suite, two hosts: with `CONSENTRY_TEST_TARGET=worker` the gateway under test is the
//! Cloudflare Worker (built by `wasm/build.sh`, served by `wasm/dev.sh` in workerd with a local
//! D1) instead of the `consentry` binary. Both print `Consentry listening on URL` first, take
//! the same origin or config, and keep their store and key in the data directory.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{binary, Place};

/// Whether the tests run against the Worker.
pub fn is_worker() -> bool {
    std::env::var("CONSENTRY_TEST_TARGET").is_ok_and(|t| t == "worker")
}

/// For a test that needs the native host by nature: true (and a note why) on the Worker, where
/// the test returns early.
pub fn native_only(reason: &str) -> bool {
    if is_worker() {
        eprintln!("native only, not run against the Worker: {reason}");
    }
    is_worker()
}

/// Returns early from a test that needs the native host by nature, saying why, when the tests
/// run against the Worker: `crate::native_only!("reason");`.
#[macro_export]
macro_rules! native_only {
    ($reason:expr) => {
        if $crate::support::native_only($reason) {
            return;
        }
    };
}

/// `wasm/dev.sh`.
fn dev_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../wasm/dev.sh")
}

/// The IAB Global Vendor List a test gives the gateway, in its data directory.
pub const VENDOR_LIST: &str = "vendor-list.json";

/// The command that starts the gateway for `consentry` arguments: the binary itself, or the
/// Worker with the same origin or config and data directory, and its visitors at `place`
/// (natively the place is in the config, see [`Place`]).
pub fn command(args: &[&str], place: Option<Place>) -> Command {
    if !is_worker() {
        let mut command = Command::new(binary());
        command.args(args);
        return command;
    }
    let value = |flag: &str| {
        args.iter()
            .position(|a| *a == flag)
            .and_then(|i| args.get(i + 1))
            .copied()
    };
    let mut command = Command::new(dev_script());
    command.args(["--port", "0"]);
    if let Some(place) = place {
        command.args(place.dev_args());
    }
    match args.first().copied() {
        Some("proxy") => {
            command.args(["--origin", value("--to").expect("--to")]);
            if let Some(dir) = value("--data-dir") {
                command.args(["--data-dir", dir]);
            }
        }
        Some("run") => {
            // The tests keep each config in the data directory it names.
            let config = Path::new(value("--config").expect("--config"));
            let dir = config.parent().expect("config directory");
            command.arg("--config").arg(config);
            command.arg("--data-dir").arg(dir);
            // A vendor list beside it is the one the test gave (`Gateway::with_vendor_list`).
            let list = dir.join(VENDOR_LIST);
            if list.exists() {
                command.arg("--gvl").arg(list);
            }
        }
        other => panic!("the Worker has no `{other:?}` command"),
    }
    command
}
