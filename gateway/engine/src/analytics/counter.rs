//! Counting in memory: every page view and banner answer becomes increments of sharded
//! counters (`dashmap`), which the host drains into the store every few seconds and on
//! shutdown. Nothing here waits for I/O; memory stays bounded because each site, dimension
//! and day keeps at most `max_values` distinct values, the rest counting as "other".

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;

use consentry_config::{AnalyticsSettings, Regime};
use dashmap::DashMap;
use http::HeaderMap;

use super::salt::{day_of, DailySalt};
use super::sketch::Sketch;
use super::view::{campaign, classify_agent, counted_path, referrer_host, Agent};
use super::{dimension, AggregateRow, ConsentState, OTHER};
use crate::{ConsentRecord, RecordKind, VisitorConsent};

/// The map every counter uses: `foldhash`, seeded per process, is several times faster than
/// SipHash on these short keys, and the caps bound what a flood of new keys could do.
type Map<K, V> = DashMap<K, V, foldhash::fast::RandomState>;

/// User agents whose class is remembered; the cache is emptied when it fills.
const AGENT_CACHE: usize = 10_000;

/// Visits followed at once; past this, further consenting visitors' views still count but
/// their visits are not followed until others end.
const MAX_OPEN_VISITS: usize = 200_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    site: Arc<str>,
    day: u32,
    dimension: &'static str,
    value: Box<str>,
    consent: &'static str,
}

#[derive(Debug, Default, Clone)]
struct Cell {
    count: u64,
    sketch: Sketch,
}

/// A site's dimension on one day.
type DimensionOfDay = (Arc<str>, u32, &'static str);

/// One consenting visitor's visit in progress, keyed by consent id in memory only.
#[derive(Debug, Clone)]
struct Visit {
    site: Arc<str>,
    day: u32,
    visitor: u64,
    start: u64,
    last: u64,
    pages: u64,
    returning: bool,
}

/// One page view as the host saw it.
#[derive(Debug, Clone, Copy)]
pub struct PageView<'a> {
    /// The site's name.
    pub site: &'a str,
    /// The host the visitor asked for (to tell internal referrers apart).
    pub host: &'a str,
    /// The path and query requested.
    pub path_and_query: &'a str,
    /// The visitor's request headers (user agent, referrer).
    pub request_headers: &'a HeaderMap,
    /// The visitor's consent on this request, with the regime that applied to it (the
    /// views' `regime` dimension and the impressions' regime come from there, so a view
    /// cannot be counted under another regime than the one its consent was judged by).
    pub consent: &'a VisitorConsent,
    /// The visitor's country, when known.
    pub country: Option<&'a str>,
    /// The visitor's address.
    pub ip: Option<IpAddr>,
    /// The banner's language for this visitor: an undecided visitor's view is also a banner
    /// impression.
    pub language: &'a str,
    /// The policy version in force.
    pub policy_version: u32,
    /// The time, in seconds since the epoch.
    pub now: u64,
}

/// A banner answer to count: an impression or a decision.
#[derive(Debug, Clone, Copy)]
pub struct BannerEvent<'a> {
    /// The site's name.
    pub site: &'a str,
    /// `impression`, or a decision kind (`accept_all`, `reject_all`, `custom`, `opt_out`,
    /// `withdraw`), or `gpc`, or `grant:<category>`.
    pub event: &'a str,
    /// The visitor's country.
    pub country: Option<&'a str>,
    /// The banner's language.
    pub language: &'a str,
    /// The policy version answered.
    pub policy_version: u32,
    /// The consent regime the visitor was under.
    pub regime: Regime,
    /// The visitor's address.
    pub ip: Option<IpAddr>,
    /// The visitor's user agent.
    pub user_agent: Option<&'a str>,
    /// The time.
    pub now: u64,
}

/// The in-memory aggregates of one gateway (or one Worker isolate).
#[derive(Debug)]
pub struct Counter {
    settings: AnalyticsSettings,
    salt: DailySalt,
    cells: Map<Key, Cell>,
    /// Distinct values seen per (site, day, dimension), for the cap.
    seen: Map<DimensionOfDay, HashSet<Box<str>, foldhash::fast::RandomState>>,
    visits: Map<String, Visit>,
    sites: Map<Box<str>, Arc<str>>,
    /// What each recent user agent is: parsing one costs more than the rest of counting.
    agents: Map<Box<str>, Agent>,
}

impl Counter {
    /// An empty counter.
    pub fn new(settings: AnalyticsSettings) -> Counter {
        Counter {
            settings,
            salt: DailySalt::default(),
            cells: Map::default(),
            seen: Map::default(),
            visits: Map::default(),
            sites: Map::default(),
            agents: Map::default(),
        }
    }

    /// The settings it counts by.
    pub fn settings(&self) -> &AnalyticsSettings {
        &self.settings
    }

    fn site(&self, name: &str) -> Arc<str> {
        if let Some(site) = self.sites.get(name) {
            return Arc::clone(&site);
        }
        let site: Arc<str> = Arc::from(name);
        self.sites.insert(name.into(), Arc::clone(&site));
        site
    }

    /// Counts a page view, unless it comes from a bot; says whether it counted. `fresh`
    /// gives random bytes when the day's salt must be made.
    pub fn count_view(&self, view: PageView<'_>, fresh: &dyn Fn() -> [u8; 32]) -> bool {
        if !self.settings.enabled {
            return false;
        }
        let user_agent = view
            .request_headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        let Agent::Person(device) = self.agent(user_agent) else {
            return false;
        };
        let day = day_of(view.now);
        let site = self.site(view.site);
        let visitor = self
            .salt
            .visitor(day, view.site, view.ip, user_agent.unwrap_or(""), fresh);
        let slot = Slot {
            site: &site,
            day,
            visitor,
        };
        let consent = ConsentState::of(view.consent);
        let state = consent.as_str();
        let path = counted_path(view.path_and_query, &self.settings.query_params);
        let referrer = referrer_host(view.request_headers, view.host).unwrap_or_default();
        let country = view.country.unwrap_or("unknown");
        let regime = view.consent.regime;
        self.add(slot, dimension::TOTAL, "", state, 1);
        self.add(slot, dimension::PAGE, &path, state, 1);
        self.add(slot, dimension::REFERRER, &referrer, state, 1);
        if let Some(campaign) = campaign(view.path_and_query) {
            self.add(slot, dimension::CAMPAIGN, &campaign, state, 1);
        }
        self.add(slot, dimension::COUNTRY, country, state, 1);
        self.add(slot, dimension::DEVICE, device.as_str(), state, 1);
        self.add(slot, dimension::REGIME, regime.as_str(), state, 1);
        // Under the `none` regime no banner is shown, so a view is no impression there.
        if consent == ConsentState::Undecided && regime != Regime::None {
            let value = banner_value(
                "impression",
                country,
                view.language,
                view.policy_version,
                regime,
            );
            self.add(slot, dimension::BANNER, &value, "", 1);
        }
        if consent == ConsentState::Granted {
            if let Some(decision) = &view.consent.decision {
                self.follow_visit(
                    &site,
                    day,
                    &decision.consent_id,
                    decision.issued_at,
                    view.now,
                    fresh,
                );
            }
        }
        true
    }

    fn agent(&self, user_agent: Option<&str>) -> Agent {
        let Some(ua) = user_agent else {
            return classify_agent(None);
        };
        if let Some(agent) = self.agents.get(ua) {
            return *agent;
        }
        let agent = classify_agent(Some(ua));
        if self.agents.len() >= AGENT_CACHE {
            self.agents.clear();
        }
        self.agents.insert(ua.into(), agent);
        agent
    }

    /// Counts a banner impression or answer.
    pub fn count_banner(&self, event: BannerEvent<'_>, fresh: &dyn Fn() -> [u8; 32]) {
        if !self.settings.enabled {
            return;
        }
        let day = day_of(event.now);
        let site = self.site(event.site);
        let visitor = self.salt.visitor(
            day,
            event.site,
            event.ip,
            event.user_agent.unwrap_or(""),
            fresh,
        );
        let slot = Slot {
            site: &site,
            day,
            visitor,
        };
        let value = banner_value(
            event.event,
            event.country.unwrap_or("unknown"),
            event.language,
            event.policy_version,
            event.regime,
        );
        self.add(slot, dimension::BANNER, &value, "", 1);
    }

    /// Counts a recorded decision: its kind, whether Global Privacy Control was sent, and
    /// each category it granted, under the regime the record names. An opt-out is a
    /// decision like the others: it answers the banner (or the opt-out link) and says what
    /// the visitor allows from then on. Re-prompts and erasures are not banner answers.
    pub fn count_decision(
        &self,
        record: &ConsentRecord,
        ip: Option<IpAddr>,
        user_agent: Option<&str>,
        fresh: &dyn Fn() -> [u8; 32],
    ) {
        let decision = match record.kind {
            RecordKind::AcceptAll
            | RecordKind::RejectAll
            | RecordKind::Custom
            | RecordKind::OptOut => true,
            RecordKind::Withdraw => false,
            RecordKind::Reprompt | RecordKind::Erasure => return,
        };
        let regime = regime_of(record);
        let mut events = vec![record.kind.as_str().to_owned()];
        if record.gpc {
            events.push("gpc".to_owned());
        }
        if decision {
            for (granted, category) in [
                (record.preferences, "preferences"),
                (record.analytics, "analytics"),
                (record.marketing, "marketing"),
            ] {
                if granted {
                    events.push(format!("grant:{category}"));
                }
            }
        }
        for event in &events {
            self.count_banner(
                BannerEvent {
                    site: &record.site,
                    event,
                    country: record.country.as_deref(),
                    language: &record.language,
                    policy_version: record.policy_version,
                    regime,
                    ip,
                    user_agent,
                    now: record.recorded_at,
                },
                fresh,
            );
        }
    }

    /// Adds `count` to a value's cell, or to "other" when the dimension is full for the day.
    fn add(
        &self,
        slot: Slot<'_>,
        dimension: &'static str,
        value: &str,
        consent: &'static str,
        count: u64,
    ) {
        let Slot { site, day, visitor } = slot;
        let value = self.capped(site, day, dimension, value);
        let key = Key {
            site: Arc::clone(site),
            day,
            dimension,
            value,
            consent,
        };
        let mut cell = self.cells.entry(key).or_default();
        cell.count += count;
        cell.sketch.insert(visitor);
    }

    fn capped(&self, site: &Arc<str>, day: u32, dimension: &'static str, value: &str) -> Box<str> {
        // These dimensions have a few values known beforehand: nothing to cap.
        if matches!(
            dimension,
            dimension::TOTAL | dimension::VISIT | dimension::REGIME
        ) {
            return value.into();
        }
        let mut seen = self
            .seen
            .entry((Arc::clone(site), day, dimension))
            .or_default();
        if seen.contains(value) {
            return value.into();
        }
        if seen.len() >= self.settings.max_values {
            return OTHER.into();
        }
        seen.insert(value.into());
        value.into()
    }

    fn follow_visit(
        &self,
        site: &Arc<str>,
        day: u32,
        consent_id: &str,
        issued_at: u64,
        now: u64,
        fresh: &dyn Fn() -> [u8; 32],
    ) {
        let timeout = self.settings.visit_timeout.as_secs();
        if let Some(mut visit) = self.visits.get_mut(consent_id) {
            if now.saturating_sub(visit.last) <= timeout && Arc::ptr_eq(&visit.site, site) {
                visit.last = now;
                visit.pages += 1;
                return;
            }
        }
        // A new visit (or the last one timed out: close it first).
        if let Some((_, ended)) = self.visits.remove(consent_id) {
            self.close(ended);
        }
        if self.visits.len() >= MAX_OPEN_VISITS {
            return;
        }
        let visitor = self.salt.consent_id(day, consent_id, fresh);
        self.visits.insert(
            consent_id.to_owned(),
            Visit {
                site: Arc::clone(site),
                day,
                visitor,
                start: now,
                last: now,
                pages: 1,
                // The decision was made before this visit began: they came back.
                returning: issued_at + timeout < now,
            },
        );
    }

    fn close(&self, visit: Visit) {
        let Visit {
            site, day, visitor, ..
        } = visit;
        let slot = Slot {
            site: &site,
            day,
            visitor,
        };
        let add = |value: &'static str, count: u64| {
            self.add(slot, dimension::VISIT, value, "granted", count);
        };
        add("visits", 1);
        add("pages", visit.pages);
        add("seconds", visit.last.saturating_sub(visit.start));
        if visit.returning {
            add("returning", 1);
        }
        if visit.pages == 1 {
            add("bounces", 1);
        }
    }

    /// Takes everything counted since the last drain, as rows to add to the store. Visits
    /// idle longer than the visit timeout are closed first; `closing` closes them all (on
    /// shutdown). Yesterday's caps are forgotten.
    pub fn drain(&self, now: u64, closing: bool) -> Vec<AggregateRow> {
        let timeout = self.settings.visit_timeout.as_secs();
        let ended: Vec<String> = self
            .visits
            .iter()
            .filter(|v| closing || now.saturating_sub(v.last) > timeout)
            .map(|v| v.key().clone())
            .collect();
        for id in ended {
            if let Some((_, visit)) = self.visits.remove(&id) {
                self.close(visit);
            }
        }
        let today = day_of(now);
        self.seen.retain(|(_, day, _), _| *day + 1 >= today);
        let keys: Vec<Key> = self.cells.iter().map(|c| c.key().clone()).collect();
        let mut rows = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some((key, cell)) = self.cells.remove(&key) {
                rows.push(AggregateRow {
                    site: key.site.to_string(),
                    day: key.day,
                    dimension: key.dimension.to_owned(),
                    value: key.value.into(),
                    consent: key.consent.to_owned(),
                    count: cell.count,
                    sketch: cell.sketch,
                });
            }
        }
        rows
    }

    /// Puts rows back that could not be stored, so the next drain carries them.
    pub fn restore(&self, rows: Vec<AggregateRow>) {
        for row in rows {
            let Some(dimension) = dimension::ALL.iter().find(|d| **d == row.dimension) else {
                continue;
            };
            let consent = ConsentState::ALL
                .iter()
                .map(|c| c.as_str())
                .chain([""])
                .find(|c| *c == row.consent)
                .unwrap_or("");
            let key = Key {
                site: self.site(&row.site),
                day: row.day,
                dimension,
                value: row.value.into(),
                consent,
            };
            let mut cell = self.cells.entry(key).or_default();
            cell.count += row.count;
            cell.sketch.merge(&row.sketch);
        }
    }

    /// Whether nothing waits to be drained.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

/// Whose count it is: a site's day, and the visitor's hash for the unique count.
#[derive(Clone, Copy)]
struct Slot<'a> {
    site: &'a Arc<str>,
    day: u32,
    visitor: u64,
}

/// The stored value of a banner row: event, country, language, policy version and regime.
pub fn banner_value(
    event: &str,
    country: &str,
    language: &str,
    policy_version: u32,
    regime: Regime,
) -> String {
    format!("{event}|{country}|{language}|{policy_version}|{regime}")
}

/// The regime a record was made under. A record made before regimes were kept names none:
/// every visitor was under opt-in then.
fn regime_of(record: &ConsentRecord) -> Regime {
    record.regime.parse().unwrap_or(Regime::OptIn)
}

#[cfg(test)]
mod tests;
