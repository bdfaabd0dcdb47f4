//! A small MaxMind database of the tests' own, so no file from outside the repository is
//! needed: every loopback address is in one country.

use std::path::{Path, PathBuf};

/// Writes `countries.mmdb` into `dir`, placing 127.0.0.0/8 in `iso_code`; returns its path.
pub fn loopback_in(iso_code: &str, dir: &Path) -> PathBuf {
    let mut db = maxminddb_writer::Database::default();
    db.metadata.binary_format_major_version = 2;
    db.metadata.ip_version = maxminddb_writer::metadata::IpVersion::V4;
    db.metadata.database_type = "Consentry-Test-Country".into();
    db.metadata.languages = vec!["en".into()];
    let country = db
        .insert_value(serde_json::json!({"country": {"iso_code": iso_code}}))
        .expect("value");
    db.insert_node(
        "127.0.0.0/8"
            .parse::<maxminddb_writer::paths::IpAddrWithMask>()
            .expect("network"),
        country,
    );
    let path = dir.join("countries.mmdb");
    let file = std::fs::File::create(&path).expect("create");
    db.write_to(std::io::BufWriter::new(file))
        .expect("write mmdb");
    path
}
