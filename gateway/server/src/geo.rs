//! Visitors' countries from a MaxMind database (GeoLite2/GeoIP2, Country or City).

use std::net::IpAddr;
use std::path::Path;

use maxminddb::{geoip2, Reader};

/// A loaded country database.
pub struct CountryLookup {
    reader: Reader<Vec<u8>>,
}

impl std::fmt::Debug for CountryLookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountryLookup")
            .field("database_type", &self.reader.metadata().database_type)
            .finish()
    }
}

/// A database that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("GeoIP database {path}: {reason}")]
pub struct GeoError {
    path: String,
    reason: String,
}

impl CountryLookup {
    /// Opens the database at `path`.
    pub fn open(path: &Path) -> Result<CountryLookup, GeoError> {
        let reader = Reader::open_readfile(path).map_err(|e| GeoError {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Ok(CountryLookup { reader })
    }

    /// The two-letter country of `ip`, when the database knows it.
    pub fn country(&self, ip: IpAddr) -> Option<String> {
        let found = self.reader.lookup(ip).ok()?;
        let record: geoip2::Country<'_> = found.decode().ok()??;
        record.country.iso_code.map(str::to_owned)
    }
}
