//! Where a visitor is, as far as the host can tell, and the consent regime that follows.

use consentry_config::{Regime, RegimeMap};

/// A visitor's place: their country and the subdivision within it (a US state, a Canadian
/// province), either unknown. The host finds it (a MaxMind database natively, a trusted CDN
/// header, `request.cf` at the edge); the engine only reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// ISO 3166-1 alpha-2, in capitals (`"US"`).
    pub country: Option<String>,
    /// The subdivision's own code, as MaxMind and `request.cf.regionCode` give it (`"CA"`
    /// for California), in capitals.
    pub region: Option<String>,
}

impl Place {
    /// A place from what a database or header said: codes are checked and put in capitals,
    /// and anything that is not one (`"XX"`, `"T1"` for Tor, empty) counts as unknown.
    pub fn from_codes(country: Option<&str>, region: Option<&str>) -> Place {
        let code = |text: &str, max: usize| {
            let text = text.trim();
            ((1..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric()))
                .then(|| text.to_ascii_uppercase())
        };
        let country = country
            .and_then(|c| code(c, 2))
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
            .filter(|c| !matches!(c.as_str(), "XX" | "T1" | "ZZ" | "EU" | "AP"));
        let region = country.as_ref().and(region).and_then(|r| code(r, 3));
        Place { country, region }
    }

    /// The regime `map` gives this place.
    pub fn regime_in(&self, map: &RegimeMap) -> Regime {
        map.regime_for(self.country.as_deref(), self.region.as_deref())
    }

    /// `"US-CA"`, `"DE"`, or `None` when the country is unknown.
    pub fn code(&self) -> Option<String> {
        let country = self.country.as_deref()?;
        Some(match &self.region {
            Some(region) => format!("{country}-{region}"),
            None => country.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_unknowns_dropped() {
        let place = Place::from_codes(Some("us"), Some("ca"));
        assert_eq!(place.code().as_deref(), Some("US-CA"));
        for unknown in ["XX", "T1", "", "USA", "D", "<b>"] {
            assert_eq!(
                Place::from_codes(Some(unknown), Some("CA")),
                Place::default()
            );
        }
        assert_eq!(Place::from_codes(None, Some("CA")).region, None);
        assert_eq!(Place::from_codes(Some("DE"), Some("BY-1")).region, None);
    }
}
