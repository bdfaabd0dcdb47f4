//! Reports from stored aggregates, with k-anonymity: a row (or a cell split by consent
//! state) that stands for fewer than k distinct visitors is never shown; rare values fold
//! into "other", which is itself shown only when it reaches k. Every table the dashboard
//! and the API offer is made here, so both hosts answer alike.

use std::collections::BTreeMap;
use std::time::{Duration, UNIX_EPOCH};

use consentry_config::Regime;
use serde_json::{json, Map, Value};

use super::salt::DAY;
use super::{dimension, AggregateRow, AnalyticsStore, ConsentState, Sketch, OTHER};
use crate::storage::StoreError;

/// Which site and days a report covers, and its anonymity threshold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportQuery {
    /// The site's name.
    pub site: String,
    /// The first day (days since the epoch), inclusive.
    pub from_day: u32,
    /// The last day, inclusive.
    pub to_day: u32,
    /// No row for fewer distinct visitors than this.
    pub k: u32,
}

/// The tables the API and the dashboard offer, by name.
pub const TABLES: [(&str, &str); 11] = [
    ("timeseries", "Visitors and page views by day"),
    ("pages", "Top pages"),
    ("referrers", "Referrers"),
    ("campaigns", "Campaigns"),
    ("countries", "Countries"),
    ("regimes", "Consent regimes"),
    ("devices", "Devices"),
    ("funnel", "Banner answers"),
    ("optin", "Opt-in rate per category"),
    (
        "funnel-by",
        "Banner answers by day, country, language, policy or regime",
    ),
    ("visits", "Visits of visitors who consented to analytics"),
];

/// A day as `YYYY-MM-DD`.
pub fn date_of(day: u32) -> String {
    let time = UNIX_EPOCH + Duration::from_secs(u64::from(day) * DAY);
    humantime::format_rfc3339_seconds(time).to_string()[..10].to_owned()
}

/// The day of a `YYYY-MM-DD` date.
pub fn day_from_date(date: &str) -> Option<u32> {
    if date.len() != 10 {
        return None;
    }
    let time = humantime::parse_rfc3339(&format!("{date}T00:00:00Z")).ok()?;
    let seconds = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
    u32::try_from(seconds / DAY).ok()
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The key in JSON and the CSV header.
    pub key: &'static str,
    /// The heading on the dashboard.
    pub title: &'static str,
}

const fn col(key: &'static str, title: &'static str) -> Column {
    Column { key, title }
}

/// One report table: every value a JSON scalar, `null` where hidden for anonymity.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The name the API knows it by.
    pub name: &'static str,
    /// Its heading.
    pub title: &'static str,
    /// The columns, the first one labels the row.
    pub columns: Vec<Column>,
    /// The rows, one value per column.
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// `{"name", "title", "columns": [keys], "rows": [{key: value}]}`.
    pub fn to_json(&self) -> Value {
        let rows: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                let object: Map<String, Value> = self
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.key.to_owned(), v.clone()))
                    .collect();
                Value::Object(object)
            })
            .collect();
        json!({
            "name": self.name,
            "title": self.title,
            "columns": self.columns.iter().map(|c| c.key).collect::<Vec<_>>(),
            "rows": rows,
        })
    }

    /// The table as CSV (RFC 4180), a header line of column keys first. Cells that start
    /// like a formula are prefixed with `'` so a spreadsheet shows them as text.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let header: Vec<&str> = self.columns.iter().map(|c| c.key).collect();
        push_csv_line(&mut out, header.iter().map(|s| (*s).to_owned()));
        for row in &self.rows {
            push_csv_line(
                &mut out,
                row.iter().map(|v| match v {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            );
        }
        out
    }
}

fn push_csv_line(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cell =
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err() {
                format!("'{cell}")
            } else {
                cell
            };
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

/// Counts and visitors of one group of rows, overall and per consent state.
#[derive(Debug, Default, Clone)]
struct Group {
    count: u64,
    sketch: Sketch,
    by_consent: BTreeMap<String, (u64, Sketch)>,
}

impl Group {
    fn add(&mut self, row: &AggregateRow) {
        self.count += row.count;
        self.sketch.merge(&row.sketch);
        let split = self.by_consent.entry(row.consent.clone()).or_default();
        split.0 += row.count;
        split.1.merge(&row.sketch);
    }

    fn absorb(&mut self, other: &Group) {
        self.count += other.count;
        self.sketch.merge(&other.sketch);
        for (consent, (count, sketch)) in &other.by_consent {
            let split = self.by_consent.entry(consent.clone()).or_default();
            split.0 += count;
            split.1.merge(sketch);
        }
    }

    /// The views of visitors in `state`, or `null` when they are fewer than k.
    fn split(&mut self, state: ConsentState, k: u32) -> Value {
        match self.by_consent.get_mut(state.as_str()) {
            None => json!(0),
            Some((count, sketch)) if sketch.estimate() >= u64::from(k) => json!(*count),
            Some(_) => Value::Null,
        }
    }
}

fn grouped(
    rows: &[AggregateRow],
    label: impl Fn(&AggregateRow) -> String,
) -> BTreeMap<String, Group> {
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for row in rows {
        groups.entry(label(row)).or_default().add(row);
    }
    groups
}

/// Keeps groups of at least k visitors, largest first; the rest fold into [`OTHER`], shown
/// only when it reaches k itself.
fn anonymous(groups: BTreeMap<String, Group>, k: u32) -> Vec<(String, Group, u64)> {
    let mut kept = Vec::new();
    let mut other = Group::default();
    for (label, group) in groups {
        let visitors = group.sketch.estimate();
        if visitors >= u64::from(k) && label != OTHER {
            kept.push((label, group, visitors));
        } else {
            other.absorb(&group);
        }
    }
    kept.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
    let visitors = other.sketch.estimate();
    if visitors >= u64::from(k) {
        kept.push((OTHER.to_owned(), other, visitors));
    }
    kept
}

/// Views and visitors per value of a dimension (pages, referrers, campaigns, countries,
/// regimes, devices), split by consent state.
fn breakdown(
    name: &'static str,
    title: &'static str,
    label: Column,
    rows: &[AggregateRow],
    k: u32,
) -> Table {
    let groups = grouped(rows, |r| {
        if r.value.is_empty() && r.dimension == dimension::REFERRER {
            "(direct)".to_owned()
        } else {
            r.value.clone()
        }
    });
    let rows = anonymous(groups, k)
        .into_iter()
        .map(|(label, mut group, visitors)| {
            vec![
                json!(label),
                json!(group.count),
                json!(visitors),
                group.split(ConsentState::Granted, k),
                group.split(ConsentState::Denied, k),
                group.split(ConsentState::Undecided, k),
            ]
        })
        .collect();
    Table {
        name,
        title,
        columns: vec![
            label,
            col("pageviews", "Page views"),
            col("visitors", "Visitors"),
            col("granted", "Views, analytics granted"),
            col("denied", "Views, analytics declined"),
            col("undecided", "Views, no answer yet"),
        ],
        rows,
    }
}

/// Views and visitors per day; a day under k shows no figures.
fn timeseries(rows: &[AggregateRow], query: &ReportQuery) -> Table {
    let mut groups = grouped(rows, |r| date_of(r.day));
    let rows = (query.from_day..=query.to_day)
        .map(|day| {
            let date = date_of(day);
            match groups.get_mut(&date) {
                Some(group) if group.sketch.estimate() >= u64::from(query.k) => vec![
                    json!(date),
                    json!(group.count),
                    json!(group.sketch.estimate()),
                    group.split(ConsentState::Granted, query.k),
                    group.split(ConsentState::Denied, query.k),
                    group.split(ConsentState::Undecided, query.k),
                ],
                Some(_) => vec![
                    json!(date),
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                    Value::Null,
                ],
                None => vec![
                    json!(date),
                    json!(0),
                    json!(0),
                    json!(0),
                    json!(0),
                    json!(0),
                ],
            }
        })
        .collect();
    Table {
        name: "timeseries",
        title: "Visitors and page views by day",
        columns: vec![
            col("date", "Day"),
            col("pageviews", "Page views"),
            col("visitors", "Visitors"),
            col("granted", "Views, analytics granted"),
            col("denied", "Views, analytics declined"),
            col("undecided", "Views, no answer yet"),
        ],
        rows,
    }
}

/// The banner events, in funnel order.
pub const BANNER_EVENTS: [(&str, &str); 7] = [
    ("impression", "Banner shown"),
    ("accept_all", "Accepted all"),
    ("reject_all", "Rejected all"),
    ("custom", "Chose per category"),
    ("opt_out", "Opted out of sale and sharing"),
    ("withdraw", "Withdrew consent"),
    ("gpc", "Global Privacy Control sent"),
];

/// The events that are decisions: answers that say what the visitor allows from then on.
/// An opt-out is one (marketing off, the rest as it was); a withdrawal is not counted as
/// one, as before regimes.
const DECISIONS: [&str; 4] = ["accept_all", "reject_all", "custom", "opt_out"];

/// The regime of a banner row stored before regimes were kept: everyone was under opt-in.
const REGIME_BEFORE_REGIMES: &str = "opt-in";

/// The categories a visitor can opt in to.
pub const OPTIN_CATEGORIES: [&str; 3] = ["preferences", "analytics", "marketing"];

struct BannerRow<'a> {
    row: &'a AggregateRow,
    event: &'a str,
    country: &'a str,
    language: &'a str,
    policy: &'a str,
    regime: &'a str,
}

/// Reads `event|country|language|policy|regime`; a row of four parts was stored before
/// regimes and is under opt-in.
fn banner_rows(rows: &[AggregateRow]) -> Vec<BannerRow<'_>> {
    rows.iter()
        .filter_map(|row| {
            let mut parts = row.value.split('|');
            Some(BannerRow {
                row,
                event: parts.next()?,
                country: parts.next()?,
                language: parts.next()?,
                policy: parts.next()?,
                regime: parts.next().unwrap_or(REGIME_BEFORE_REGIMES),
            })
        })
        .collect()
}

/// Count and visitors per banner event.
fn funnel(rows: &[AggregateRow], k: u32) -> Table {
    let banner = banner_rows(rows);
    let table_rows = BANNER_EVENTS
        .iter()
        .map(|(event, title)| {
            let mut group = Group::default();
            for b in banner.iter().filter(|b| b.event == *event) {
                group.add(b.row);
            }
            let visitors = group.sketch.estimate();
            if visitors >= u64::from(k) {
                vec![
                    json!(event),
                    json!(title),
                    json!(group.count),
                    json!(visitors),
                ]
            } else if group.count == 0 {
                vec![json!(event), json!(title), json!(0), json!(0)]
            } else {
                vec![json!(event), json!(title), Value::Null, Value::Null]
            }
        })
        .collect();
    Table {
        name: "funnel",
        title: "Banner answers",
        columns: vec![
            col("event", "Event"),
            col("description", "What happened"),
            col("count", "Count"),
            col("visitors", "Visitors"),
        ],
        rows: table_rows,
    }
}

/// Decisions (accept all, reject all, custom, opt-out) and per-category opt-ins of a set of
/// banner rows, when they come from at least k visitors.
fn optin_figures(banner: &[&BannerRow<'_>], k: u32) -> Option<(u64, Vec<Value>)> {
    let mut decisions = Group::default();
    let mut grants: BTreeMap<&str, u64> = BTreeMap::new();
    for b in banner {
        if DECISIONS.contains(&b.event) {
            decisions.add(b.row);
        }
        if let Some(category) = b.event.strip_prefix("grant:") {
            *grants.entry(category).or_default() += b.row.count;
        }
    }
    if decisions.sketch.estimate() < u64::from(k) || decisions.count == 0 {
        return None;
    }
    let rates = OPTIN_CATEGORIES
        .iter()
        .map(|c| json!(rate(grants.get(c).copied().unwrap_or(0), decisions.count)))
        .collect();
    Some((decisions.count, rates))
}

fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 1000.0
    }
}

/// The share of decisions that granted each category.
fn optin(rows: &[AggregateRow], k: u32) -> Table {
    let banner = banner_rows(rows);
    let all: Vec<&BannerRow<'_>> = banner.iter().collect();
    let figures = optin_figures(&all, k);
    let table_rows = OPTIN_CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, category)| match &figures {
            Some((decisions, rates)) => vec![json!(category), json!(decisions), rates[i].clone()],
            None => vec![json!(category), Value::Null, Value::Null],
        })
        .collect();
    Table {
        name: "optin",
        title: "Opt-in rate per category",
        columns: vec![
            col("category", "Category"),
            col("decisions", "Decisions"),
            col("rate", "Opt-in rate"),
        ],
        rows: table_rows,
    }
}

/// What [`funnel_by`] splits banner answers by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelBy {
    /// The day.
    Day,
    /// The visitor's country.
    Country,
    /// The banner's language.
    Language,
    /// The policy version.
    Policy,
    /// The consent regime the visitor was under.
    Regime,
}

impl FunnelBy {
    /// Reads `day`, `country`, `language`, `policy` or `regime`.
    pub fn parse(text: &str) -> Option<FunnelBy> {
        Some(match text {
            "day" => FunnelBy::Day,
            "country" => FunnelBy::Country,
            "language" => FunnelBy::Language,
            "policy" => FunnelBy::Policy,
            "regime" => FunnelBy::Regime,
            _ => return None,
        })
    }
}

/// The share of visitors shown the banner (or notice) whose answer was one of `events`:
/// visitors, not answers, because under opt-out and notice most visitors never answer and
/// those who do are the ones who object. `null` when fewer than k visitors were shown it, or
/// when the visitors who answered so are fewer than k (the cell they stand for is hidden).
fn share_of_visitors(members: &[&BannerRow<'_>], events: &[&str], k: u32) -> Value {
    let mut answered = Group::default();
    let mut everyone = Sketch::new();
    for b in members {
        if events.contains(&b.event) {
            answered.add(b.row);
            everyone.merge(&b.row.sketch);
        } else if b.event == "impression" {
            everyone.merge(&b.row.sketch);
        }
    }
    // The answers' visitors are among the whole, even when their impression was counted on
    // another day (under another daily salt), so the share stays at most one.
    let whole = everyone.estimate();
    let part = answered.sketch.estimate();
    if whole < u64::from(k) || (answered.count > 0 && part < u64::from(k)) {
        return Value::Null;
    }
    json!(rate(part, whole))
}

/// The rate that means something under a regime, and what it measures: under opt-in the
/// opt-in rate (decisions that allowed analytics, as in the per-category columns); under
/// opt-out the share who opted out of sale and sharing; under a notice the share who
/// rejected; under none nothing, as no banner is shown there.
fn regime_rate(regime: &str, members: &[&BannerRow<'_>], k: u32) -> (Value, &'static str) {
    match regime.parse::<Regime>() {
        Ok(Regime::OptIn) => (
            optin_figures(members, k)
                .and_then(|(_, rates)| {
                    OPTIN_CATEGORIES
                        .iter()
                        .zip(rates)
                        .find_map(|(category, rate)| (*category == "analytics").then_some(rate))
                })
                .unwrap_or(Value::Null),
            "Opt-in rate: decisions that allowed analytics",
        ),
        Ok(Regime::OptOut) => (
            share_of_visitors(members, &["opt_out", "reject_all"], k),
            "Opted out: visitors shown the notice who opted out of sale and sharing or rejected all",
        ),
        Ok(Regime::Notice) => (
            share_of_visitors(members, &["reject_all"], k),
            "Rejected: visitors shown the notice who rejected all",
        ),
        Ok(Regime::None) => (
            Value::Null,
            "No rate: no banner is shown under this regime",
        ),
        Err(_) => (Value::Null, "No rate: several regimes together"),
    }
}

/// Impressions, decisions and opt-in rates per day, country, language, policy version or
/// regime; groups under k fold into "other". Split by regime, each row also has the rate
/// that means something under its regime, and what that rate is.
fn funnel_by(rows: &[AggregateRow], by: FunnelBy, k: u32) -> Table {
    let banner = banner_rows(rows);
    let label = |b: &BannerRow<'_>| match by {
        FunnelBy::Day => date_of(b.row.day),
        FunnelBy::Country => b.country.to_owned(),
        FunnelBy::Language => b.language.to_owned(),
        FunnelBy::Policy => b.policy.to_owned(),
        FunnelBy::Regime => b.regime.to_owned(),
    };
    let mut groups: BTreeMap<String, Vec<&BannerRow<'_>>> = BTreeMap::new();
    for b in &banner {
        groups.entry(label(b)).or_default().push(b);
    }
    let mut kept = Vec::new();
    let mut other: Vec<&BannerRow<'_>> = Vec::new();
    for (label, members) in groups {
        let mut everyone = Sketch::new();
        for b in &members {
            everyone.merge(&b.row.sketch);
        }
        if everyone.estimate() >= u64::from(k) {
            kept.push((label, members));
        } else {
            other.extend(members);
        }
    }
    if !other.is_empty() {
        let mut everyone = Sketch::new();
        for b in &other {
            everyone.merge(&b.row.sketch);
        }
        if everyone.estimate() >= u64::from(k) {
            kept.push((OTHER.to_owned(), other));
        }
    }
    let table_rows = kept
        .into_iter()
        .map(|(label, members)| {
            // A cell is shown only when the visitors behind it reach k, like the row.
            let cell = |events: &[&str]| -> Value {
                let mut group = Group::default();
                for b in members.iter().filter(|b| events.contains(&b.event)) {
                    group.add(b.row);
                }
                if group.count == 0 {
                    json!(0)
                } else if group.sketch.estimate() >= u64::from(k) {
                    json!(group.count)
                } else {
                    Value::Null
                }
            };
            let mut row = vec![
                json!(label),
                cell(&["impression"]),
                cell(&DECISIONS),
                cell(&["accept_all"]),
                cell(&["reject_all"]),
                cell(&["custom"]),
                cell(&["opt_out"]),
                cell(&["withdraw"]),
            ];
            match optin_figures(&members, k) {
                Some((_, rates)) => row.extend(rates),
                None => row.extend([Value::Null, Value::Null, Value::Null]),
            }
            if by == FunnelBy::Regime {
                let (rate, means) = regime_rate(&label, &members, k);
                row.extend([rate, json!(means)]);
            }
            row
        })
        .collect();
    let label_column = match by {
        FunnelBy::Day => col("date", "Day"),
        FunnelBy::Country => col("country", "Country"),
        FunnelBy::Language => col("language", "Language"),
        FunnelBy::Policy => col("policy_version", "Policy version"),
        FunnelBy::Regime => col("regime", "Regime"),
    };
    let mut columns = vec![
        label_column,
        col("impressions", "Banner shown"),
        col("decisions", "Decisions"),
        col("accept_all", "Accepted all"),
        col("reject_all", "Rejected all"),
        col("custom", "Chose per category"),
        col("opt_out", "Opted out"),
        col("withdraw", "Withdrew"),
        col("preferences_rate", "Preferences opt-in"),
        col("analytics_rate", "Analytics opt-in"),
        col("marketing_rate", "Marketing opt-in"),
    ];
    if by == FunnelBy::Regime {
        columns.extend([
            col("regime_rate", "Rate for the regime"),
            col("regime_rate_is", "What that rate is"),
        ]);
    }
    Table {
        name: "funnel-by",
        title: "Banner answers by group",
        columns,
        rows: table_rows,
    }
}

/// Visit figures of a set of `visit` rows: visits, returning, pages/visit, seconds/visit,
/// bounce rate; `None` under k.
fn visit_figures(rows: &[&AggregateRow], k: u32) -> Option<[Value; 6]> {
    let mut visitors = Sketch::new();
    let mut sum: BTreeMap<&str, u64> = BTreeMap::new();
    for row in rows {
        *sum.entry(row.value.as_str()).or_default() += row.count;
        if row.value == "visits" {
            visitors.merge(&row.sketch);
        }
    }
    let visitors = visitors.estimate();
    let visits = sum.get("visits").copied().unwrap_or(0);
    if visitors < u64::from(k) || visits == 0 {
        return None;
    }
    let per_visit = |key: &str| {
        let total = sum.get(key).copied().unwrap_or(0) as f64;
        (total * 10.0 / visits as f64).round() / 10.0
    };
    Some([
        json!(visits),
        json!(visitors),
        json!(sum.get("returning").copied().unwrap_or(0)),
        json!(per_visit("pages")),
        json!(per_visit("seconds")),
        json!(rate(sum.get("bounces").copied().unwrap_or(0), visits)),
    ])
}

/// Visits of consenting visitors per day.
fn visits(rows: &[AggregateRow], query: &ReportQuery) -> Table {
    let table_rows = (query.from_day..=query.to_day)
        .map(|day| {
            let of_day: Vec<&AggregateRow> = rows.iter().filter(|r| r.day == day).collect();
            let mut row = vec![json!(date_of(day))];
            match visit_figures(&of_day, query.k) {
                Some(figures) => row.extend(figures),
                None if of_day.is_empty() => row.extend([0, 0, 0, 0, 0, 0].map(|n| json!(n))),
                None => row.extend(std::iter::repeat_n(Value::Null, 6)),
            }
            row
        })
        .collect();
    Table {
        name: "visits",
        title: "Visits of visitors who consented to analytics",
        columns: vec![
            col("date", "Day"),
            col("visits", "Visits"),
            col("visitors", "Visitors"),
            col("returning", "Returning visits"),
            col("pages_per_visit", "Pages per visit"),
            col("seconds_per_visit", "Visit length (s)"),
            col("bounce_rate", "Bounce rate"),
        ],
        rows: table_rows,
    }
}

/// The store dimension a table reads.
fn dimension_of(name: &str) -> Option<&'static str> {
    Some(match name {
        "timeseries" => dimension::TOTAL,
        "pages" => dimension::PAGE,
        "referrers" => dimension::REFERRER,
        "campaigns" => dimension::CAMPAIGN,
        "countries" => dimension::COUNTRY,
        "regimes" => dimension::REGIME,
        "devices" => dimension::DEVICE,
        "funnel" | "optin" | "funnel-by" => dimension::BANNER,
        "visits" => dimension::VISIT,
        _ => return None,
    })
}

/// One table by name (see [`TABLES`]); `funnel-by` takes `by`. `None` for an unknown name.
pub async fn table(
    store: &dyn AnalyticsStore,
    name: &str,
    by: FunnelBy,
    query: &ReportQuery,
) -> Result<Option<Table>, StoreError> {
    let Some(dim) = dimension_of(name) else {
        return Ok(None);
    };
    let rows = store
        .aggregates(&query.site, dim, query.from_day, query.to_day)
        .await?;
    let k = query.k;
    Ok(Some(match name {
        "timeseries" => timeseries(&rows, query),
        "pages" => breakdown("pages", "Top pages", col("path", "Page"), &rows, k),
        "referrers" => breakdown(
            "referrers",
            "Referrers",
            col("referrer", "Referrer"),
            &rows,
            k,
        ),
        "campaigns" => breakdown(
            "campaigns",
            "Campaigns",
            col("campaign", "Source / medium / campaign"),
            &rows,
            k,
        ),
        "countries" => breakdown(
            "countries",
            "Countries",
            col("country", "Country"),
            &rows,
            k,
        ),
        "regimes" => breakdown(
            "regimes",
            "Consent regimes",
            col("regime", "Regime"),
            &rows,
            k,
        ),
        "devices" => breakdown("devices", "Devices", col("device", "Device"), &rows, k),
        "funnel" => funnel(&rows, k),
        "optin" => optin(&rows, k),
        "funnel-by" => funnel_by(&rows, by, k),
        _ => visits(&rows, query),
    }))
}

/// The headline figures: page views and visitors (split by consent state), the share of
/// views from visitors who granted analytics, the banner's answers and, for consenting
/// visitors, their visits. Figures from fewer than k visitors are `null`.
pub async fn summary(store: &dyn AnalyticsStore, query: &ReportQuery) -> Result<Value, StoreError> {
    let k = u64::from(query.k);
    let total = store
        .aggregates(&query.site, dimension::TOTAL, query.from_day, query.to_day)
        .await?;
    let mut everyone = Group::default();
    for row in &total {
        everyone.add(row);
    }
    let visitors = everyone.sketch.estimate();
    let shown = visitors >= k;
    let mut by_consent = Map::new();
    for state in ConsentState::ALL {
        let figures = match everyone.by_consent.get_mut(state.as_str()) {
            Some((views, sketch)) if sketch.estimate() >= k => {
                json!({"pageviews": *views, "visitors": sketch.estimate()})
            }
            Some(_) => json!({"pageviews": null, "visitors": null}),
            None => json!({"pageviews": 0, "visitors": 0}),
        };
        by_consent.insert(state.as_str().to_owned(), figures);
    }
    let granted_views = everyone
        .by_consent
        .get(ConsentState::Granted.as_str())
        .map_or(0, |(views, _)| *views);

    let banner_rows_stored = store
        .aggregates(&query.site, dimension::BANNER, query.from_day, query.to_day)
        .await?;
    let banner = banner_rows(&banner_rows_stored);
    let all: Vec<&BannerRow<'_>> = banner.iter().collect();
    let impressions: u64 = banner
        .iter()
        .filter(|b| b.event == "impression")
        .map(|b| b.row.count)
        .sum();
    let optin = optin_figures(&all, query.k).map(|(decisions, rates)| {
        let mut rates_by = Map::new();
        for (category, rate) in OPTIN_CATEGORIES.iter().zip(rates) {
            rates_by.insert((*category).to_owned(), rate);
        }
        json!({"decisions": decisions, "impressions": impressions, "optin": rates_by})
    });

    let visit_rows = store
        .aggregates(&query.site, dimension::VISIT, query.from_day, query.to_day)
        .await?;
    let visit_refs: Vec<&AggregateRow> = visit_rows.iter().collect();
    let visits = visit_figures(&visit_refs, query.k).map(|f| {
        json!({
            "visits": f[0], "visitors": f[1], "returning": f[2],
            "pages_per_visit": f[3], "seconds_per_visit": f[4], "bounce_rate": f[5],
        })
    });

    Ok(json!({
        "site": query.site,
        "from": date_of(query.from_day),
        "to": date_of(query.to_day),
        "k": query.k,
        "pageviews": shown.then_some(everyone.count),
        "visitors": shown.then_some(visitors),
        "by_consent": by_consent,
        "consent_rate": shown.then(|| rate(granted_views, everyone.count)),
        "banner": optin,
        "visits": visits,
    }))
}

#[cfg(test)]
mod tests;
