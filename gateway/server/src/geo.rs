//! Where visitors are: from a MaxMind database (GeoLite2/GeoIP2, Country or City), or from the
//! headers of a CDN in front of the gateway, believed only on its connections.

use std::net::IpAddr;
use std::path::Path;

use consentry_config::{PlaceHeaders, ServerSettings};
use consentry_engine::Place;
use http::HeaderMap;
use maxminddb::{path, Reader};

/// A loaded MaxMind database.
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

    /// Where `ip` is, as far as the database knows: its country and, from a City database,
    /// the largest subdivision's code (a US state, a Canadian province).
    pub fn place(&self, ip: IpAddr) -> Place {
        let Ok(found) = self.reader.lookup(ip) else {
            return Place::default();
        };
        // Only the two codes are decoded, not the record with its names in every language.
        let text = |at: &[maxminddb::PathElement<'_>]| -> Option<&str> {
            found.decode_path(at).ok().flatten()
        };
        Place::from_codes(
            text(&path!["country", "iso_code"]),
            text(&path!["subdivisions", 0, "iso_code"]),
        )
    }
}

/// How the gateway finds where a visitor is.
#[derive(Debug, Default)]
pub struct Locator {
    database: Option<CountryLookup>,
    headers: Option<PlaceHeaders>,
}

impl Locator {
    /// The database and CDN headers `server` names (neither when it names none).
    pub fn new(server: &ServerSettings) -> Result<Locator, GeoError> {
        Ok(Locator {
            database: match &server.geoip_database {
                Some(path) => Some(CountryLookup::open(path)?),
                None => None,
            },
            headers: server.place_headers.clone(),
        })
    }

    /// Where the visitor of a request from `peer` with `headers` is. On a connection from a
    /// trusted proxy the proxy's headers say (no country header: unknown, as the database would
    /// only know where the proxy is); from anyone else the headers are ignored and the
    /// database says where the peer is.
    pub fn place(&self, peer: Option<IpAddr>, headers: Option<&HeaderMap>) -> Place {
        let Some(peer) = peer else {
            return Place::default();
        };
        if let (Some(trusted), Some(headers)) = (&self.headers, headers) {
            if trusted.trusts(peer) {
                return Place::from_codes(
                    single(headers, &trusted.country),
                    trusted
                        .region
                        .as_deref()
                        .and_then(|name| single(headers, name)),
                );
            }
        }
        match &self.database {
            Some(database) => database.place(peer.to_canonical()),
            None => Place::default(),
        }
    }
}

/// The value of header `name` when it was sent once, as text; two values for one place are
/// no answer.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.to_str().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locator(server: &str) -> Locator {
        let config = consentry_config::Config::from_toml(
            &format!("[server]\n{server}\n[[site]]\nhosts = [\"*\"]\nupstream = \"http://127.0.0.1:9\"\n"),
            "test.toml",
        )
        .expect("valid config");
        Locator::new(&config.server).expect("locator")
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, http::HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn a_trusted_proxy_says_where_the_visitor_is_and_no_one_else_does() {
        let locator = locator(
            "trusted_proxies = [\"10.0.0.0/8\"]\ncountry_header = \"CF-IPCountry\"\nregion_header = \"CF-Region-Code\"",
        );
        let sent = headers(&[("cf-ipcountry", "us"), ("cf-region-code", "CA")]);
        let from = |ip: &str| locator.place(Some(ip.parse().expect("ip")), Some(&sent));
        assert_eq!(from("10.1.2.3").code().as_deref(), Some("US-CA"));
        assert_eq!(from("::ffff:10.1.2.3").code().as_deref(), Some("US-CA"));
        assert_eq!(from("127.0.0.1"), Place::default());
        // From the proxy, a missing or doubled country header is no place, not the proxy's.
        let peer = Some("10.0.0.1".parse().expect("ip"));
        assert_eq!(locator.place(peer, Some(&headers(&[]))), Place::default());
        let doubled = headers(&[("cf-ipcountry", "US"), ("cf-ipcountry", "DE")]);
        assert_eq!(locator.place(peer, Some(&doubled)), Place::default());
        let country_only = headers(&[("cf-ipcountry", "DE")]);
        assert_eq!(
            locator.place(peer, Some(&country_only)).code().as_deref(),
            Some("DE")
        );
    }

    #[test]
    fn a_city_database_gives_the_state_beside_the_country() {
        let mut db = maxminddb_writer::Database::default();
        db.metadata.binary_format_major_version = 2;
        db.metadata.ip_version = maxminddb_writer::metadata::IpVersion::V4;
        db.metadata.database_type = "Consentry-Test-City".into();
        for (network, record) in [
            (
                "127.0.0.0/8",
                serde_json::json!({"country": {"iso_code": "US"},
                    "subdivisions": [{"iso_code": "CA"}, {"iso_code": "LA"}]}),
            ),
            (
                "10.0.0.0/8",
                serde_json::json!({"country": {"iso_code": "DE"}}),
            ),
        ] {
            let value = db.insert_value(record).expect("value");
            let network: maxminddb_writer::paths::IpAddrWithMask =
                network.parse().expect("network");
            db.insert_node(network, value);
        }
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("city.mmdb");
        let file = std::fs::File::create(&path).expect("create");
        db.write_to(std::io::BufWriter::new(file)).expect("write");
        let database = CountryLookup::open(&path).expect("open");
        let place = |ip: &str| database.place(ip.parse().expect("ip")).code();
        assert_eq!(place("127.0.0.1").as_deref(), Some("US-CA"));
        assert_eq!(place("10.9.9.9").as_deref(), Some("DE"));
        assert_eq!(place("192.0.2.1"), None);
    }

    #[test]
    fn without_a_database_or_headers_the_place_is_unknown() {
        let locator = locator("");
        let sent = headers(&[("cf-ipcountry", "US")]);
        assert_eq!(
            locator.place(Some("10.0.0.1".parse().expect("ip")), Some(&sent)),
            Place::default()
        );
        assert_eq!(locator.place(None, None), Place::default());
    }
}
