//! Guessing what a cookie no list knows is for, from the cookie alone: its name, lifetime, value
//! and scope, in the manner of CookieBlock (Bollinger et al., USENIX Security 2022).
//!
//! The name carries most of it. A logistic regression over the name's trigrams, words and shape
//! (leading underscores, length, capitals, digits) and the cookie's lifetime, fitted on the Open
//! Cookie Database by `scripts/cookie_shape_train.py`, scores it as functional, analytics or
//! marketing; a short lexicon of telling fragments (`cart`, `csrf`, `gclid`, `uid`, ...), the
//! value and the scope nudge that score (see `lexicon.rs` and `evidence.rs`). [`decide`] turns the
//! score into a category: a confident guess stands whatever the flags say, and an unsure one falls
//! back on the flags (`HttpOnly` or session: necessary), as the gateway did before it guessed.
//!
//! A guess reads at most 64 bytes of the name and 512 of the value, looks up about 40 features
//! in a hashed table of 8,362, runs one automaton over the name for the lexicon and allocates
//! nothing (the index and the automaton are built once, on first use): about 0.3 µs of CPU.
//!
//! How it was measured, and what it gets wrong: `docs/unknown-cookies.md`.

mod evidence;
mod features;
mod lexicon;
mod table;
// Generated, one row of numbers per line.
#[rustfmt::skip]
mod weights;

use consentry_config::Category;
use cookie::{Cookie, SameSite};

/// At or above this probability of being functional, a cookie is necessary whatever its flags.
pub const CONFIDENT_FUNCTIONAL: f32 = 0.6;
/// At or below this probability of being functional, a cookie is a tracker whatever its flags.
pub const CONFIDENT_TRACKER: f32 = 0.5;

/// What a cookie looked like when it was set, or what little a request shows of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CookieShape<'a> {
    /// The cookie's name.
    pub name: &'a str,
    /// Its value, when known.
    pub value: Option<&'a str>,
    /// Scripts cannot read it.
    pub http_only: bool,
    /// Sent over HTTPS only. Recorded, but it says nothing either way: most cookies are.
    pub secure: bool,
    /// Its `SameSite` attribute, if it has one.
    pub same_site: Option<SameSite>,
    /// How long it lives.
    pub lifetime: Lifetime,
    /// Its `Domain` attribute, if it has one: the cookie then goes to every subdomain too.
    pub domain: Option<&'a str>,
}

/// How long a cookie lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    /// Until the browser closes: no `Max-Age` nor `Expires`.
    Session,
    /// This many seconds from now.
    Seconds(u64),
    /// Not known, as for a cookie that arrives in a request; guessed as a year, the most
    /// common lifetime of cookies that scripts set.
    Unknown,
}

/// What [`guess`] makes of a cookie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Guess {
    /// The likeliest category: necessary, analytics or marketing. Preferences is never guessed:
    /// the open data files language, currency and similar cookies as functional.
    pub category: Category,
    /// The probability of that category, from 0 to 1.
    pub confidence: f32,
    /// The probability that the cookie is functional (necessary), from 0 to 1.
    pub functional: f32,
    /// The likelier of analytics and marketing, for a cookie judged a tracker.
    pub tracker: Category,
}

impl<'a> CookieShape<'a> {
    /// A cookie of which only the name is known, as in a request's `Cookie` header.
    pub const fn named(name: &'a str) -> Self {
        CookieShape {
            name,
            value: None,
            http_only: false,
            secure: false,
            same_site: None,
            lifetime: Lifetime::Unknown,
            domain: None,
        }
    }

    /// The shape of a parsed `Set-Cookie`; `now` (seconds since the epoch) turns `Expires` into
    /// a lifetime.
    pub fn of_set_cookie(cookie: &'a Cookie<'a>, now: u64) -> Self {
        let lifetime = match (cookie.max_age(), cookie.expires_datetime()) {
            (Some(age), _) => Lifetime::Seconds(u64::try_from(age.whole_seconds()).unwrap_or(0)),
            (None, Some(at)) => Lifetime::Seconds(
                u64::try_from(at.unix_timestamp())
                    .unwrap_or(0)
                    .saturating_sub(now),
            ),
            (None, None) => Lifetime::Session,
        };
        CookieShape {
            name: cookie.name(),
            value: Some(cookie.value()),
            http_only: cookie.http_only().unwrap_or(false),
            secure: cookie.secure().unwrap_or(false),
            same_site: cookie.same_site(),
            lifetime,
            domain: cookie.domain(),
        }
    }
}

impl Lifetime {
    /// Seconds, for a cookie that is not a session cookie; a year when not known.
    pub const fn seconds(self) -> Option<u64> {
        match self {
            Lifetime::Session => None,
            Lifetime::Seconds(s) => Some(s),
            Lifetime::Unknown => Some(365 * 86_400),
        }
    }
}

/// Guesses what a cookie is for from its shape alone.
pub fn guess(shape: &CookieShape<'_>) -> Guess {
    let mut milli = [0i32; 3];
    let mut add = |key: u32| {
        if let Some(w) = table::weights(key) {
            milli[0] += i32::from(w[0]);
            milli[1] += i32::from(w[1]);
            milli[2] += i32::from(w[2]);
        }
    };
    features::name_features(shape.name, &mut add);
    add(features::lifetime_key(shape.lifetime.seconds()));
    add(features::BIAS);
    let lexicon = lexicon::nudge(shape.name);
    let evidence = evidence::nudge(shape);
    let scores = [0, 1, 2].map(|k| milli[k] as f32 / 1000.0 + lexicon[k] + evidence[k]);
    let top = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exp = scores.map(|s| (s - top).exp());
    let total: f32 = exp.iter().sum();
    let p = exp.map(|e| e / total);
    let tracker = if p[1] > p[2] {
        Category::Analytics
    } else {
        Category::Marketing
    };
    let (category, confidence) = if p[0] >= p[1] && p[0] >= p[2] {
        (Category::Necessary, p[0])
    } else {
        (tracker, p[1].max(p[2]))
    };
    Guess {
        category,
        confidence,
        functional: p[0],
        tracker,
    }
}

/// The category a guess is sure of: necessary at or above [`CONFIDENT_FUNCTIONAL`], the likelier
/// tracker category at or below [`CONFIDENT_TRACKER`]; `None` in between.
pub fn confident(shape: &CookieShape<'_>) -> Option<Category> {
    let guess = guess(shape);
    if guess.functional >= CONFIDENT_FUNCTIONAL {
        Some(Category::Necessary)
    } else if guess.functional <= CONFIDENT_TRACKER {
        Some(guess.tracker)
    } else {
        None
    }
}

/// The category of an unknown cookie the origin sets: a confident guess stands; otherwise an
/// `HttpOnly` or session cookie is necessary and anything else is `fallback`.
pub fn decide(shape: &CookieShape<'_>, fallback: Category) -> Category {
    confident(shape).unwrap_or(if shape.http_only || shape.lifetime == Lifetime::Session {
        Category::Necessary
    } else {
        fallback
    })
}

/// The category of an unknown cookie seen only by name (in a request), when the name alone is
/// confident enough; `None` leaves it to what the origin was seen to set, or the fallback.
pub fn decide_by_name(name: &str) -> Option<Category> {
    confident(&CookieShape::named(name))
}

#[cfg(test)]
mod tests;
