use super::*;
use crate::ConsentCookie;
use crate::Grants;

const AGENT: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

fn headers(agent: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::USER_AGENT, agent.parse().expect("value"));
    headers
}

fn view<'a>(
    path: &'a str,
    headers: &'a HeaderMap,
    consent: &'a VisitorConsent,
    now: u64,
) -> PageView<'a> {
    PageView {
        site: "shop",
        host: "shop.example",
        path_and_query: path,
        request_headers: headers,
        consent,
        country: None,
        ip: Some(IpAddr::from([203, 0, 113, 9])),
        language: "en",
        policy_version: 1,
        now,
    }
}

fn settings() -> AnalyticsSettings {
    AnalyticsSettings {
        max_values: 10,
        ..AnalyticsSettings::default()
    }
}

#[test]
fn exploding_paths_fold_into_other_and_memory_stays_bounded() {
    let counter = Counter::new(settings());
    let headers = headers(AGENT);
    let consent = VisitorConsent::undecided(false);
    for i in 0..500 {
        let path = format!("/item/{i}");
        assert!(counter.count_view(view(&path, &headers, &consent, 1_000), &|| [1; 32]));
    }
    let pages: Vec<AggregateRow> = counter
        .drain(1_001, false)
        .into_iter()
        .filter(|r| r.dimension == dimension::PAGE)
        .collect();
    assert_eq!(pages.len(), 11, "ten paths and other");
    let other = pages.iter().find(|r| r.value == OTHER).expect("other");
    assert_eq!(other.count, 490);
    assert!(counter.is_empty());
}

#[test]
fn bots_are_not_counted() {
    let counter = Counter::new(settings());
    let headers =
        headers("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
    let consent = VisitorConsent::undecided(false);
    assert!(!counter.count_view(view("/", &headers, &consent, 1_000), &|| [1; 32]));
    assert!(counter.is_empty());
}

#[test]
fn a_consenting_visitors_visit_is_closed_after_the_timeout() {
    let counter = Counter::new(settings());
    let headers = headers(AGENT);
    let mut consent = VisitorConsent::undecided(false);
    consent.grants = Grants::ALL;
    consent.decision = Some(ConsentCookie {
        consent_id: "visitor-1".into(),
        grants: Grants::ALL,
        policy_version: 1,
        issued_at: 10,
    });
    for (path, at) in [("/a", 100_000), ("/b", 100_060), ("/c", 100_300)] {
        counter.count_view(view(path, &headers, &consent, at), &|| [1; 32]);
    }
    let visit_rows = |rows: Vec<AggregateRow>| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = rows
            .into_iter()
            .filter(|r| r.dimension == dimension::VISIT)
            .map(|r| (r.value, r.count))
            .collect();
        v.sort();
        v
    };
    // Still within the visit: nothing about it yet.
    assert!(visit_rows(counter.drain(100_400, false)).is_empty());
    let closed = visit_rows(counter.drain(100_300 + 31 * 60, false));
    assert_eq!(
        closed,
        [
            ("pages".into(), 3),
            ("returning".into(), 1),
            ("seconds".into(), 300),
            ("visits".into(), 1)
        ]
    );
}

#[test]
fn views_and_answers_carry_the_regime_that_applied() {
    let counter = Counter::new(settings());
    let headers = headers(AGENT);
    for regime in [Regime::OptIn, Regime::OptOut, Regime::None] {
        let consent = VisitorConsent::undecided(false).in_regime(regime);
        assert!(counter.count_view(view("/", &headers, &consent, 1_000), &|| [1; 32]));
    }
    let decided = |kind: RecordKind, regime: &str| ConsentRecord {
        site: "shop".into(),
        recorded_at: 1_000,
        policy_version: 1,
        language: "en".into(),
        country: Some("US".into()),
        analytics: true,
        regime: regime.into(),
        ..ConsentRecord::of_kind(kind)
    };
    let ip = Some(IpAddr::from([203, 0, 113, 9]));
    counter.count_decision(
        &decided(RecordKind::OptOut, "opt-out"),
        ip,
        Some(AGENT),
        &|| [1; 32],
    );
    // A record made before regimes were kept names none: it was under opt-in.
    counter.count_decision(
        &decided(RecordKind::AcceptAll, ""),
        ip,
        Some(AGENT),
        &|| [1; 32],
    );
    counter.count_decision(
        &decided(RecordKind::Reprompt, "opt-out"),
        ip,
        Some(AGENT),
        &|| [1; 32],
    );
    let rows = counter.drain(1_001, false);
    let mut regimes: Vec<(&str, &str, u64)> = rows
        .iter()
        .filter(|r| r.dimension == dimension::REGIME)
        .map(|r| (r.value.as_str(), r.consent.as_str(), r.count))
        .collect();
    regimes.sort();
    assert_eq!(
        regimes,
        [
            ("none", "undecided", 1),
            ("opt-in", "undecided", 1),
            ("opt-out", "undecided", 1)
        ]
    );
    let mut banner: Vec<&str> = rows
        .iter()
        .filter(|r| r.dimension == dimension::BANNER)
        .map(|r| r.value.as_str())
        .collect();
    banner.sort();
    // No impression under `none`, where no banner is shown; no row for the re-prompt.
    assert_eq!(
        banner,
        [
            "accept_all|US|en|1|opt-in",
            "grant:analytics|US|en|1|opt-in",
            "grant:analytics|US|en|1|opt-out",
            "impression|unknown|en|1|opt-in",
            "impression|unknown|en|1|opt-out",
            "opt_out|US|en|1|opt-out",
        ]
    );
}

#[test]
fn rows_the_store_refused_are_kept_for_the_next_flush() {
    let counter = Counter::new(settings());
    let headers = headers(AGENT);
    let consent = VisitorConsent::undecided(false);
    counter.count_view(view("/", &headers, &consent, 1_000), &|| [1; 32]);
    let rows = counter.drain(1_001, false);
    let n = rows.len();
    counter.restore(rows);
    counter.count_view(view("/", &headers, &consent, 1_002), &|| [1; 32]);
    let again = counter.drain(1_003, false);
    assert_eq!(again.len(), n);
    let total = again
        .iter()
        .find(|r| r.dimension == dimension::TOTAL)
        .expect("total");
    assert_eq!((total.count, total.sketch.estimate()), (2, 1));
}
