//! `consentry tcf update`: the Global Vendor List fetched into the file the config names; a
//! list that does not parse leaves the file as it was.

use std::process::Command;

use crate::support::{binary, RawOrigin, Then};

const VENDOR_LIST: &str =
    include_str!("../../gateway/engine/src/tcf/testdata/gvl/vendor-list-v15.json");

fn answer(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Runs the command off the test's runtime, which serves the origin meanwhile.
async fn update(config: &std::path::Path, from: &str) -> std::process::Output {
    let mut command = Command::new(binary());
    command
        .args(["tcf", "update", "--config"])
        .arg(config)
        .args(["--from", from]);
    tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("task")
        .expect("consentry tcf update")
}

#[tokio::test]
async fn the_vendor_list_is_fetched_whole_or_not_at_all() {
    crate::native_only!("a command of the consentry binary; a Worker gets the list as a binding");
    let dir = tempfile::tempdir().expect("dir");
    let list = dir.path().join("vendor-list.json");
    let config = dir.path().join("consentry.toml");
    std::fs::write(
        &config,
        format!(
            "[tcf]\ncmp_id = 300\nvendor_list = \"{}\"\n\n[[site]]\nhosts = [\"*\"]\nupstream = \"http://127.0.0.1:9\"\n",
            list.display()
        ),
    )
    .expect("config");

    let good = RawOrigin::start(answer("200 OK", VENDOR_LIST), Then::Close).await;
    let out = update(&config, &format!("{}/v3/vendor-list.json", good.url())).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("version 15, 2 vendors"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        std::fs::read_to_string(&list).expect("written"),
        VENDOR_LIST
    );

    // A broken answer is refused, and the list already there stays.
    for (status, body) in [("200 OK", "{\"vendors\": "), ("404 Not Found", "gone")] {
        let bad = RawOrigin::start(answer(status, body), Then::Close).await;
        let out = update(&config, &format!("{}/v3/vendor-list.json", bad.url())).await;
        assert!(!out.status.success(), "{status}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("is unchanged"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&list).expect("kept"), VENDOR_LIST);
    }
}
