//! How long a cookie lives, as the catalogue and cookie declarations state it.

use std::fmt;
use std::str::FromStr;

/// A unit of a cookie lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LifetimeUnit {
    /// 60 seconds.
    Minute,
    /// 3,600 seconds.
    Hour,
    /// 86,400 seconds.
    Day,
    /// A calendar month, counted as 30 days.
    Month,
    /// A calendar year, counted as 365 days.
    Year,
}

impl LifetimeUnit {
    const fn seconds(self) -> u64 {
        match self {
            LifetimeUnit::Minute => 60,
            LifetimeUnit::Hour => 3_600,
            LifetimeUnit::Day => 86_400,
            LifetimeUnit::Month => 30 * 86_400,
            LifetimeUnit::Year => 365 * 86_400,
        }
    }

    const fn english(self) -> &'static str {
        match self {
            LifetimeUnit::Minute => "minute",
            LifetimeUnit::Hour => "hour",
            LifetimeUnit::Day => "day",
            LifetimeUnit::Month => "month",
            LifetimeUnit::Year => "year",
        }
    }
}

/// A cookie's usual lifetime: until the browser closes, or a number of units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Deleted when the browser session ends.
    Session,
    /// Not stated by the source (the open data says "unknown", "varies", "forever", ...).
    Unknown,
    /// Kept for `count` units.
    For {
        /// How many units.
        count: u32,
        /// Which unit.
        unit: LifetimeUnit,
    },
}

impl Lifetime {
    /// The lifetime in seconds; `None` for a session cookie or an unknown lifetime.
    pub const fn as_seconds(self) -> Option<u64> {
        match self {
            Lifetime::Session | Lifetime::Unknown => None,
            Lifetime::For { count, unit } => Some(count as u64 * unit.seconds()),
        }
    }
}

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lifetime::Session => f.write_str("session"),
            Lifetime::Unknown => f.write_str("unknown"),
            Lifetime::For { count: 1, unit } => write!(f, "1 {}", unit.english()),
            Lifetime::For { count, unit } => write!(f, "{count} {}s", unit.english()),
        }
    }
}

/// The error for a lifetime that is neither `session` nor `<n> <unit>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid lifetime `{0}` (expected `session`, `unknown` or `<n> <minutes|hours|days|months|years>`)"
)]
pub struct InvalidLifetime(pub String);

impl FromStr for Lifetime {
    type Err = InvalidLifetime;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || InvalidLifetime(s.to_owned());
        let text = s.trim();
        if text == "session" {
            return Ok(Lifetime::Session);
        }
        if text == "unknown" {
            return Ok(Lifetime::Unknown);
        }
        let (count, unit) = text.split_once(' ').ok_or_else(invalid)?;
        let count: u32 = count.parse().map_err(|_| invalid())?;
        let unit = match unit.trim().trim_end_matches('s') {
            "minute" => LifetimeUnit::Minute,
            "hour" => LifetimeUnit::Hour,
            "day" => LifetimeUnit::Day,
            "month" => LifetimeUnit::Month,
            "year" => LifetimeUnit::Year,
            _ => return Err(invalid()),
        };
        Ok(Lifetime::For { count, unit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_lifetimes() {
        let two_years: Lifetime = "2 years".parse().expect("valid");
        assert_eq!(two_years.as_seconds(), Some(2 * 365 * 86_400));
        assert_eq!(two_years.to_string(), "2 years");
        assert_eq!(
            "1 minute".parse::<Lifetime>().map(|l| l.to_string()),
            Ok("1 minute".into())
        );
        assert_eq!("session".parse::<Lifetime>(), Ok(Lifetime::Session));
        assert!("forever".parse::<Lifetime>().is_err());
        assert!("2 fortnights".parse::<Lifetime>().is_err());
    }
}
