//! Where the tests' visitor is, on either host: natively a MaxMind database of the tests' own
//! placing every loopback address there (`geoip_database`); on the Worker the `request.cf`
//! that `wasm/dev.sh --country CC --region RR` gives every request.

use std::path::Path;

/// A visitor's place, for [`Gateway::with_config_at`](super::Gateway::with_config_at).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// The country (`"DE"`).
    pub country: &'static str,
    /// The subdivision's own code (`"CA"` for California), if any.
    pub region: Option<&'static str>,
}

impl Place {
    /// Somewhere in `country` (`"DE"`), no subdivision known (as a Country database says).
    pub const fn country(country: &'static str) -> Place {
        Place {
            country,
            region: None,
        }
    }

    /// In `country`'s subdivision `region`: `Place::region("US", "CA")` is California.
    pub const fn region(country: &'static str, region: &'static str) -> Place {
        Place {
            country,
            region: Some(region),
        }
    }

    /// The native gateway's config `toml` with a database placing loopback here, written into
    /// `dir`, as its `geoip_database`.
    pub(super) fn in_config(self, toml: &str, dir: &Path) -> String {
        assert!(
            !toml.contains("geoip_database"),
            "with_config_at sets geoip_database itself"
        );
        let database = match self.region {
            Some(region) => super::geoip::loopback_in_region(self.country, region, dir),
            None => super::geoip::loopback_in(self.country, dir),
        };
        let setting = format!(
            "geoip_database = \"{}\"\n",
            database.to_str().expect("utf-8 temp path")
        );
        match toml.find("[server]\n") {
            Some(at) => {
                let after = at + "[server]\n".len();
                format!("{}{setting}{}", &toml[..after], &toml[after..])
            }
            None => format!("[server]\n{setting}\n{toml}"),
        }
    }

    /// `wasm/dev.sh`'s arguments for a visitor here.
    pub(super) fn dev_args(self) -> Vec<&'static str> {
        let mut args = vec!["--country", self.country];
        if let Some(region) = self.region {
            args.extend(["--region", region]);
        }
        args
    }
}
