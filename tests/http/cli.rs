//! The command line: init, check, and clear errors for bad input.

use std::process::Command;

use crate::support::binary;

#[test]
fn init_writes_a_config_that_check_accepts() {
    crate::native_only!("the consentry command line");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("consentry.toml");
    let init = Command::new(binary())
        .args(["init", "--config"])
        .arg(&config)
        .output()
        .expect("init");
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let check = Command::new(binary())
        .args(["check", "--config"])
        .arg(&config)
        .output()
        .expect("check");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(String::from_utf8_lossy(&check.stdout).contains("OK (1 site)"));
    let again = Command::new(binary())
        .args(["init", "--config"])
        .arg(&config)
        .output()
        .expect("init again");
    assert!(
        !again.status.success(),
        "init must not overwrite without --force"
    );
}

#[test]
fn check_names_file_line_and_key_of_every_problem() {
    crate::native_only!("the consentry command line");
    let dir = tempfile::tempdir().expect("dir");
    let config = dir.path().join("broken.toml");
    std::fs::write(
        &config,
        "[server]\nlisten = \"nowhere\"\n\n[[site]]\nhosts = [\"shop.test\"]\nupstream = \"ftp://origin\"\n",
    )
    .expect("write");
    let check = Command::new(binary())
        .args(["check", "--config"])
        .arg(&config)
        .output()
        .expect("check");
    assert!(!check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    let file = config.display().to_string();
    assert!(
        stderr.contains(&format!("{file}:2:10: server.listen: ")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{file}:6:12: site[0].upstream: ")),
        "{stderr}"
    );
}

#[test]
fn proxy_rejects_an_origin_that_is_not_a_url() {
    crate::native_only!("the consentry command line");
    let out = Command::new(binary())
        .args([
            "proxy",
            "--to",
            "localhost:8000",
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
        ])
        .output()
        .expect("proxy");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--to: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
