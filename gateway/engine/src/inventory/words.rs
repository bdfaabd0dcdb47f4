//! Lifetimes in words, as privacy statements write them: "2 jaar", "24 uur", "1 minuut",
//! "sessie".

use consentry_banner::{lifetime_in_words as banner_words, Language};
use consentry_config::{Lifetime, LifetimeUnit};

use super::CookieLifetime;

/// How far a lifetime may be from a whole number of a unit to be written in it: an
/// `Expires` is read some seconds after it was written, and years have leap days.
const TOLERANCE: f64 = 0.02;

/// A lifetime in words in `language`; `unknown` when it is not known. Exactly one day is
/// written "24 hours", as statements do (`_gid`).
pub fn lifetime_in_words(language: Language, lifetime: CookieLifetime, unknown: &str) -> String {
    match lifetime {
        CookieLifetime::Unknown => unknown.to_owned(),
        CookieLifetime::Session => banner_words(language, Lifetime::Session),
        CookieLifetime::Seconds(secs) => banner_words(language, rounded(secs)),
    }
}

/// The largest unit a lifetime is (nearly) a whole number of; under a minute, one minute.
fn rounded(secs: u64) -> Lifetime {
    const UNITS: [(u64, LifetimeUnit); 5] = [
        (365 * 86_400, LifetimeUnit::Year),
        (30 * 86_400, LifetimeUnit::Month),
        (86_400, LifetimeUnit::Day),
        (3_600, LifetimeUnit::Hour),
        (60, LifetimeUnit::Minute),
    ];
    for (size, unit) in UNITS {
        let count = (secs as f64 / size as f64).round();
        if count < 1.0 {
            continue;
        }
        let off = (count * size as f64 - secs as f64).abs() / secs as f64;
        if off <= TOLERANCE {
            if unit == LifetimeUnit::Day && count == 1.0 {
                return Lifetime::For {
                    count: 24,
                    unit: LifetimeUnit::Hour,
                };
            }
            return Lifetime::For {
                count: count as u32,
                unit,
            };
        }
    }
    Lifetime::For {
        count: u32::try_from(secs.div_ceil(60)).unwrap_or(u32::MAX).max(1),
        unit: LifetimeUnit::Minute,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(language: Language, secs: u64) -> String {
        lifetime_in_words(language, CookieLifetime::Seconds(secs), "?")
    }

    #[test]
    fn lifetimes_read_as_statements_write_them() {
        assert_eq!(words(Language::Nl, 63_072_000), "2 jaar");
        assert_eq!(words(Language::En, 63_072_000), "2 years");
        assert_eq!(words(Language::Nl, 86_400), "24 uur");
        assert_eq!(words(Language::En, 86_400), "24 hours");
        assert_eq!(words(Language::Nl, 60), "1 minuut");
        assert_eq!(words(Language::De, 7_776_000), "3 Monate");
        assert_eq!(words(Language::Fr, 30 * 60), "30 minutes");
        assert_eq!(words(Language::En, 390 * 86_400), "13 months");
        assert_eq!(words(Language::En, 400 * 86_400), "400 days");
        // An `Expires` read a few seconds late.
        assert_eq!(words(Language::En, 63_071_990), "2 years");
        assert_eq!(words(Language::En, 10), "1 minute");
        assert_eq!(
            lifetime_in_words(Language::Nl, CookieLifetime::Session, "?"),
            "sessie"
        );
        assert_eq!(
            lifetime_in_words(Language::Nl, CookieLifetime::Unknown, "onbekend"),
            "onbekend"
        );
    }
}
