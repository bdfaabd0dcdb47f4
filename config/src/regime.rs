//! Consent regimes: which consent model applies to a visitor, by where they are.
//!
//! A site maps places to regimes: a preset (`strict`, `by-region`) and the owner's finer
//! mapping on top of it, by country (`"DE"`) or by subdivision (`"US-CA"`, ISO 3166-2), with
//! `"*"` for everywhere else. A visitor whose place is unknown gets the strictest regime the
//! site uses; one whose country is known but not their state gets the strictest regime of that
//! country's states.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A consent model.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// Nothing but what is necessary before the visitor consents (the EU/EEA, the UK,
    /// Switzerland, Quebec). The strictest, and what applies when nothing else is known.
    #[default]
    OptIn,
    /// Everything runs until the visitor opts out of the sale and sharing of their data
    /// (marketing); Global Privacy Control is such an opt-out (US state laws).
    OptOut,
    /// The visitor is told about cookies; nothing is blocked.
    Notice,
    /// Nothing is shown and nothing is blocked.
    None,
}

impl Regime {
    /// Every regime, strictest first.
    pub const ALL: [Regime; 4] = [Regime::OptIn, Regime::OptOut, Regime::Notice, Regime::None];

    /// The name used in config files, records, reports and HTML attributes.
    pub const fn as_str(self) -> &'static str {
        match self {
            Regime::OptIn => "opt-in",
            Regime::OptOut => "opt-out",
            Regime::Notice => "notice",
            Regime::None => "none",
        }
    }

    /// The stricter of two regimes.
    #[must_use]
    pub fn stricter(self, other: Regime) -> Regime {
        // Declared strictest first, so the smaller one is the stricter.
        self.min(other)
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a regime.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not one of opt-in, opt-out, notice, none")]
pub struct UnknownRegime(pub String);

impl FromStr for Regime {
    type Err = UnknownRegime;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Regime::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRegime(s.to_owned()))
    }
}

/// The mapping a site starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegimePreset {
    /// Opt-in everywhere.
    #[default]
    Strict,
    /// Opt-in in the EU/EEA, the UK, Switzerland and Quebec; opt-out in the US states with a
    /// consumer privacy law; a notice elsewhere.
    ByRegion,
}

impl RegimePreset {
    /// The name used in config files.
    pub const fn as_str(self) -> &'static str {
        match self {
            RegimePreset::Strict => "strict",
            RegimePreset::ByRegion => "by-region",
        }
    }
}

impl FromStr for RegimePreset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "strict" => Ok(RegimePreset::Strict),
            "by-region" => Ok(RegimePreset::ByRegion),
            other => Err(format!("`{other}` is not one of strict, by-region")),
        }
    }
}

/// The EU's member states, the rest of the EEA, the UK and Switzerland, with the EU's
/// outermost regions and Åland that MaxMind and Cloudflare give codes of their own: the GDPR
/// (or its UK and Swiss counterparts) and the ePrivacy rules ask for consent first.
const OPT_IN_COUNTRIES: [&str; 39] = [
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", // EU 27
    "IS", "LI", "NO", // EEA
    "GB", "CH", // UK GDPR, Swiss FADP
    "GF", "GP", "MQ", "RE", "YT", "MF", "AX", // outermost regions and Åland
];

/// Subdivisions that ask for consent first although their country does not: Quebec (Law 25).
const OPT_IN_SUBDIVISIONS: [&str; 1] = ["CA-QC"];

/// US states whose consumer privacy law gives an opt-out of the sale and sharing of personal
/// data and counts Global Privacy Control as one (or will, once in force by 2026): California,
/// Virginia, Colorado, Connecticut, Utah, Texas, Oregon, Montana, Iowa, Delaware, Nebraska, New
/// Hampshire, New Jersey, Tennessee, Minnesota, Maryland, Indiana, Kentucky, Rhode Island.
const OPT_OUT_STATES: [&str; 19] = [
    "CA", "VA", "CO", "CT", "UT", "TX", "OR", "MT", "IA", "DE", "NE", "NH", "NJ", "TN", "MN", "MD",
    "IN", "KY", "RI",
];

/// A place a mapping names: a country, a subdivision of one, or everywhere else.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RegionKey {
    /// `"DE"`: an ISO 3166-1 alpha-2 country code.
    Country(String),
    /// `"US-CA"`: an ISO 3166-2 subdivision (country, then the subdivision's own code).
    Subdivision(String, String),
    /// `"*"`: every place the mapping does not name.
    Elsewhere,
}

impl FromStr for RegionKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let country_code = |c: &str| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase());
        if s == "*" {
            return Ok(RegionKey::Elsewhere);
        }
        if country_code(s) {
            return Ok(RegionKey::Country(s.to_owned()));
        }
        if let Some((country, sub)) = s.split_once('-') {
            if country_code(country)
                && (1..=3).contains(&sub.len())
                && sub
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                return Ok(RegionKey::Subdivision(country.to_owned(), sub.to_owned()));
            }
        }
        Err(format!(
            "`{s}` is not a place: write a country (\"DE\"), a subdivision (\"US-CA\") or \"*\" for everywhere else, in capitals"
        ))
    }
}

/// Which regime applies where, for one site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegimeMap {
    preset: RegimePreset,
    elsewhere: Regime,
    countries: BTreeMap<String, Regime>,
    /// By country, then by the subdivision's own code (`"US"` → `"CA"`).
    subdivisions: BTreeMap<String, BTreeMap<String, Regime>>,
}

impl Default for RegimeMap {
    fn default() -> Self {
        RegimeMap::preset(RegimePreset::Strict)
    }
}

impl RegimeMap {
    /// The mapping of a preset.
    pub fn preset(preset: RegimePreset) -> RegimeMap {
        let mut map = RegimeMap {
            preset,
            elsewhere: Regime::OptIn,
            countries: BTreeMap::new(),
            subdivisions: BTreeMap::new(),
        };
        if preset == RegimePreset::ByRegion {
            map.elsewhere = Regime::Notice;
            for country in OPT_IN_COUNTRIES {
                map.set(RegionKey::Country(country.to_owned()), Regime::OptIn);
            }
            for subdivision in OPT_IN_SUBDIVISIONS {
                if let Ok(key) = subdivision.parse() {
                    map.set(key, Regime::OptIn);
                }
            }
            for state in OPT_OUT_STATES {
                map.set(
                    RegionKey::Subdivision("US".to_owned(), state.to_owned()),
                    Regime::OptOut,
                );
            }
        }
        map
    }

    /// The preset this mapping started from.
    pub fn preset_name(&self) -> RegimePreset {
        self.preset
    }

    /// Maps `key` to `regime`, over what the preset said.
    pub fn set(&mut self, key: RegionKey, regime: Regime) {
        match key {
            RegionKey::Country(country) => {
                self.countries.insert(country, regime);
            }
            RegionKey::Subdivision(country, sub) => {
                self.subdivisions
                    .entry(country)
                    .or_default()
                    .insert(sub, regime);
            }
            RegionKey::Elsewhere => self.elsewhere = regime,
        }
    }

    /// The regime for a visitor in `country` (ISO 3166-1 alpha-2) and `region` (the
    /// subdivision's own code, as `request.cf.regionCode` and MaxMind give it: `"CA"` for
    /// California), either unknown.
    pub fn regime_for(&self, country: Option<&str>, region: Option<&str>) -> Regime {
        let Some(country) = country else {
            return self.strictest();
        };
        let national = self
            .countries
            .get(country)
            .copied()
            .unwrap_or(self.elsewhere);
        let Some(subdivisions) = self.subdivisions.get(country) else {
            return national;
        };
        match region {
            Some(region) => subdivisions.get(region).copied().unwrap_or(national),
            // The country has states with rules of their own and this one is not known.
            None => subdivisions.values().fold(national, |a, b| a.stricter(*b)),
        }
    }

    /// The strictest regime the mapping uses anywhere: the regime of an unknown place.
    pub fn strictest(&self) -> Regime {
        self.regimes().fold(Regime::None, Regime::stricter)
    }

    /// Whether the same regime applies everywhere, so no visitor needs locating.
    pub fn is_uniform(&self) -> bool {
        self.regimes().all(|r| r == self.elsewhere)
    }

    /// The regime of places the mapping does not name.
    pub fn elsewhere(&self) -> Regime {
        self.elsewhere
    }

    /// The places mapped to `regime` by name (`"DE"`, `"US-CA"`), for Consent Mode's
    /// `region` lists and the declaration.
    pub fn places_of(&self, regime: Regime) -> Vec<String> {
        let countries = self
            .countries
            .iter()
            .filter(|(_, r)| **r == regime)
            .map(|(c, _)| c.clone());
        let subdivisions = self.subdivisions.iter().flat_map(|(country, subs)| {
            subs.iter()
                .filter(|(_, r)| **r == regime)
                .map(move |(s, _)| format!("{country}-{s}"))
        });
        countries.chain(subdivisions).collect()
    }

    fn regimes(&self) -> impl Iterator<Item = Regime> + '_ {
        std::iter::once(self.elsewhere)
            .chain(self.countries.values().copied())
            .chain(self.subdivisions.values().flat_map(|s| s.values().copied()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_is_opt_in_everywhere_and_needs_no_place() {
        let map = RegimeMap::default();
        assert!(map.is_uniform());
        for (country, region) in [(Some("US"), Some("CA")), (Some("DE"), None), (None, None)] {
            assert_eq!(map.regime_for(country, region), Regime::OptIn);
        }
    }

    #[test]
    fn by_region_follows_the_laws() {
        let map = RegimeMap::preset(RegimePreset::ByRegion);
        assert!(!map.is_uniform());
        let cases = [
            (Some("DE"), None, Regime::OptIn),
            (Some("GB"), Some("ENG"), Regime::OptIn),
            (Some("US"), Some("CA"), Regime::OptOut),
            (Some("US"), Some("TX"), Regime::OptOut),
            (Some("US"), Some("WA"), Regime::Notice),
            // A US visitor whose state is unknown: the strictest of the states.
            (Some("US"), None, Regime::OptOut),
            (Some("CA"), Some("QC"), Regime::OptIn),
            (Some("CA"), Some("ON"), Regime::Notice),
            (Some("CA"), None, Regime::OptIn),
            (Some("JP"), None, Regime::Notice),
            (None, None, Regime::OptIn),
        ];
        for (country, region, regime) in cases {
            assert_eq!(
                map.regime_for(country, region),
                regime,
                "{country:?} {region:?}"
            );
        }
    }

    #[test]
    fn the_owner_maps_over_the_preset() {
        let mut map = RegimeMap::preset(RegimePreset::ByRegion);
        map.set("BR".parse().expect("key"), Regime::OptIn);
        map.set("US-CA".parse().expect("key"), Regime::OptIn);
        map.set("*".parse().expect("key"), Regime::None);
        assert_eq!(map.regime_for(Some("BR"), None), Regime::OptIn);
        assert_eq!(map.regime_for(Some("US"), Some("CA")), Regime::OptIn);
        assert_eq!(map.regime_for(Some("JP"), None), Regime::None);
        assert!(map.places_of(Regime::OptIn).contains(&"US-CA".to_owned()));
        // A US-only site that wants opt-out everywhere: unknown places get opt-out.
        let mut us = RegimeMap::preset(RegimePreset::Strict);
        us.set(RegionKey::Elsewhere, Regime::OptOut);
        assert_eq!(us.regime_for(None, None), Regime::OptOut);
        assert!(us.is_uniform());
    }

    #[test]
    fn keys_and_names_are_checked() {
        for bad in ["de", "DEU", "US-", "US-ca", "U-CA", "", "US-CALI"] {
            assert!(bad.parse::<RegionKey>().is_err(), "{bad}");
        }
        assert_eq!(
            "US-CA".parse::<RegionKey>(),
            Ok(RegionKey::Subdivision("US".into(), "CA".into()))
        );
        assert_eq!("opt-out".parse::<Regime>(), Ok(Regime::OptOut));
        assert!("optin".parse::<Regime>().is_err());
        assert_eq!(Regime::OptOut.stricter(Regime::OptIn), Regime::OptIn);
    }
}
