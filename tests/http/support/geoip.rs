//! Small MaxMind databases of the tests' own, so no file from outside the repository is
//! needed: every loopback address is in one place.

use std::path::{Path, PathBuf};

/// Writes `countries.mmdb` into `dir`, placing 127.0.0.0/8 in `iso_code`; returns its path.
pub fn loopback_in(iso_code: &str, dir: &Path) -> PathBuf {
    write(
        serde_json::json!({"country": {"iso_code": iso_code}}),
        "Consentry-Test-Country",
        &dir.join("countries.mmdb"),
    )
}

/// Writes `places.mmdb` into `dir`, a City-style database (as GeoLite2-City) placing
/// 127.0.0.0/8 in `country` and its subdivision `region` (`"US"`, `"CA"` for California);
/// returns its path.
pub fn loopback_in_region(country: &str, region: &str, dir: &Path) -> PathBuf {
    write(
        serde_json::json!({
            "country": {"iso_code": country, "names": {"en": country}},
            "subdivisions": [{"iso_code": region, "names": {"en": region}}],
        }),
        "Consentry-Test-City",
        &dir.join("places.mmdb"),
    )
}

fn write(record: serde_json::Value, database_type: &str, path: &Path) -> PathBuf {
    let mut db = maxminddb_writer::Database::default();
    db.metadata.binary_format_major_version = 2;
    db.metadata.ip_version = maxminddb_writer::metadata::IpVersion::V4;
    db.metadata.database_type = database_type.into();
    db.metadata.languages = vec!["en".into()];
    let value = db.insert_value(record).expect("value");
    db.insert_node(
        "127.0.0.0/8"
            .parse::<maxminddb_writer::paths::IpAddrWithMask>()
            .expect("network"),
        value,
    );
    let file = std::fs::File::create(path).expect("create");
    db.write_to(std::io::BufWriter::new(file))
        .expect("write mmdb");
    path.to_owned()
}
