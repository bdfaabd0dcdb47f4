//! Consent-aware analytics: page views and banner answers counted in memory without
//! identifiers ([`Counter`]), drained into the store as [`AggregateRow`]s, and read back as
//! reports in which no row stands for fewer than k distinct visitors ([`report`]).
//!
//! Everyone is counted anonymously (views, and unique visitors from a sketch of salted
//! hashes whose salt lives one day in memory). Visitors who granted analytics are also
//! followed through their visit, by consent id in memory only, to give visits, returning
//! visitors, pages per visit and visit length. Nothing per visitor reaches the store.

mod counter;
pub mod report;
mod rows;
mod salt;
mod sketch;
mod view;

pub use counter::{banner_value, BannerEvent, Counter, PageView};
pub use rows::{aggregate_from, aggregate_values, merged};
pub use salt::{day_of, DailySalt, DAY};
pub use sketch::{BadSketch, Sketch, PRECISION, STANDARD_ERROR};
pub use view::{
    campaign, classify_agent, counted_path, is_page_view, is_prefetch, referrer_host, Agent, Device,
};

use crate::storage::{MaybeSendSync, StoreFuture};
use crate::VisitorConsent;

/// The label rows fold into when their value is rare or past the memory cap.
pub const OTHER: &str = "(other)";

/// The dimensions stored, one row per (site, day, dimension, value, consent state).
pub mod dimension {
    /// Every view of the site (value empty).
    pub const TOTAL: &str = "total";
    /// The path viewed (with campaign tags only).
    pub const PAGE: &str = "page";
    /// The referring site's host (empty: direct or internal).
    pub const REFERRER: &str = "referrer";
    /// "source / medium / campaign".
    pub const CAMPAIGN: &str = "campaign";
    /// The visitor's country code, or `unknown`.
    pub const COUNTRY: &str = "country";
    /// desktop, phone, tablet, other.
    pub const DEVICE: &str = "device";
    /// The consent regime that applied to the view: `opt-in`, `opt-out`, `notice`, `none`.
    pub const REGIME: &str = "regime";
    /// Visits of consenting visitors: values `visits`, `returning`, `pages`, `seconds`,
    /// `bounces`.
    pub const VISIT: &str = "visit";
    /// Banner answers: value `event|country|language|policy|regime`. Rows stored before
    /// regimes have no fifth part and read as `opt-in`, the only regime there was.
    pub const BANNER: &str = "banner";
    /// Every dimension.
    pub const ALL: [&str; 9] = [
        TOTAL, PAGE, REFERRER, CAMPAIGN, COUNTRY, DEVICE, REGIME, VISIT, BANNER,
    ];
}

/// The visitor's answer as far as analytics are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConsentState {
    /// Analytics granted.
    Granted,
    /// Decided, without analytics.
    Denied,
    /// No decision (yet).
    Undecided,
}

impl ConsentState {
    /// Every state, in report order.
    pub const ALL: [ConsentState; 3] = [
        ConsentState::Granted,
        ConsentState::Denied,
        ConsentState::Undecided,
    ];

    /// The state of a request's consent.
    pub fn of(consent: &VisitorConsent) -> ConsentState {
        match &consent.decision {
            None => ConsentState::Undecided,
            Some(_) if consent.grants.allows(consentry_config::Category::Analytics) => {
                ConsentState::Granted
            }
            Some(_) => ConsentState::Denied,
        }
    }

    /// The name stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            ConsentState::Granted => "granted",
            ConsentState::Denied => "denied",
            ConsentState::Undecided => "undecided",
        }
    }
}

/// Counts of one value on one day, as added to (and read from) the store.
#[derive(Debug, Clone)]
pub struct AggregateRow {
    /// The site's name.
    pub site: String,
    /// The UTC day, in days since the epoch.
    pub day: u32,
    /// One of [`dimension::ALL`].
    pub dimension: String,
    /// The value counted.
    pub value: String,
    /// A [`ConsentState`] name, or empty where it does not apply.
    pub consent: String,
    /// Views (or events, visits, pages, seconds).
    pub count: u64,
    /// The distinct visitors behind the count.
    pub sketch: Sketch,
}

/// Where aggregates are kept: the same store as the consent log. Rows are added per
/// `writer` (one gateway process or Worker isolate), so several writers never contend for
/// a row; readers merge every writer's rows.
pub trait AnalyticsStore: MaybeSendSync {
    /// Adds the counts and merges the sketches of `rows` into `writer`'s rows, in one
    /// transaction.
    fn add_aggregates<'a>(
        &'a self,
        writer: &'a str,
        rows: &'a [AggregateRow],
    ) -> StoreFuture<'a, ()>;

    /// Every writer's rows of one site and dimension from `from_day` to `to_day` inclusive.
    fn aggregates<'a>(
        &'a self,
        site: &'a str,
        dimension: &'a str,
        from_day: u32,
        to_day: u32,
    ) -> StoreFuture<'a, Vec<AggregateRow>>;
}
