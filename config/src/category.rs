//! The four consent categories every cookie, script and embed belongs to.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A consent category. `Necessary` is never blocked; the others need the visitor's consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// Needed for the site to work (sessions, CSRF tokens, load balancing, the consent cookie).
    Necessary,
    /// Remembers the visitor's choices (language, theme, chat widgets).
    Preferences,
    /// Statistics about how the site is used.
    Analytics,
    /// Advertising, retargeting and cross-site tracking.
    Marketing,
}

impl Category {
    /// Every category, from least to most intrusive.
    pub const ALL: [Category; 4] = [
        Category::Necessary,
        Category::Preferences,
        Category::Analytics,
        Category::Marketing,
    ];

    /// The categories a visitor can grant or refuse.
    pub const OPTIONAL: [Category; 3] = [
        Category::Preferences,
        Category::Analytics,
        Category::Marketing,
    ];

    /// The lowercase name used in config files, cookies, HTML attributes and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Necessary => "necessary",
            Category::Preferences => "preferences",
            Category::Analytics => "analytics",
            Category::Marketing => "marketing",
        }
    }

    /// A small integer used in bit sets: 0 for necessary up to 3 for marketing.
    pub const fn index(self) -> u8 {
        match self {
            Category::Necessary => 0,
            Category::Preferences => 1,
            Category::Analytics => 2,
            Category::Marketing => 3,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a name that is not one of the four categories.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown category `{0}` (expected necessary, preferences, analytics or marketing)")]
pub struct UnknownCategory(pub String);

impl FromStr for Category {
    type Err = UnknownCategory;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCategory(s.to_owned()))
    }
}
