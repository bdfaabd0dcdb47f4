use std::sync::Mutex;

use super::*;
use crate::analytics::AggregateRow;
use crate::storage::StoreFuture;

/// Rows kept in memory, as a store would return them.
#[derive(Default)]
struct Rows(Mutex<Vec<AggregateRow>>);

impl AnalyticsStore for Rows {
    fn add_aggregates<'a>(
        &'a self,
        _writer: &'a str,
        rows: &'a [AggregateRow],
    ) -> StoreFuture<'a, ()> {
        self.0.lock().expect("lock").extend_from_slice(rows);
        Box::pin(async { Ok(()) })
    }

    fn aggregates<'a>(
        &'a self,
        site: &'a str,
        dim: &'a str,
        from_day: u32,
        to_day: u32,
    ) -> StoreFuture<'a, Vec<AggregateRow>> {
        let rows = self
            .0
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| {
                r.site == site && r.dimension == dim && (from_day..=to_day).contains(&r.day)
            })
            .cloned()
            .collect();
        Box::pin(async move { Ok(rows) })
    }
}

fn row(dim: &str, value: &str, consent: &str, visitors: std::ops::Range<u64>) -> AggregateRow {
    let mut sketch = Sketch::new();
    for v in visitors.clone() {
        sketch.insert(v.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17));
    }
    AggregateRow {
        site: "shop".into(),
        day: 20_000,
        dimension: dim.into(),
        value: value.into(),
        consent: consent.into(),
        count: (visitors.end - visitors.start) * 2,
        sketch,
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let std::task::Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn query() -> ReportQuery {
    ReportQuery {
        site: "shop".into(),
        from_day: 20_000,
        to_day: 20_000,
        k: 10,
    }
}

#[test]
fn rare_values_fold_into_other_and_small_splits_are_hidden() {
    let store = Rows::default();
    let rows = vec![
        row(dimension::PAGE, "/popular", "undecided", 0..30),
        row(dimension::PAGE, "/popular", "granted", 30..33),
        row(dimension::PAGE, "/rare-1", "undecided", 100..104),
        row(dimension::PAGE, "/rare-2", "undecided", 200..204),
        row(dimension::PAGE, "/rare-3", "undecided", 300..304),
    ];
    block_on(store.add_aggregates("w", &rows)).expect("add");
    let table = block_on(table(&store, "pages", FunnelBy::Day, &query()))
        .expect("query")
        .expect("known table");
    let labels: Vec<&Value> = table.rows.iter().map(|r| &r[0]).collect();
    assert_eq!(labels, [&json!("/popular"), &json!(OTHER)]);
    // 33 visitors on /popular; the 3 who granted analytics are not shown on their own.
    assert_eq!(table.rows[0][2], json!(33));
    assert_eq!(table.rows[0][3], Value::Null);
    assert_eq!(table.rows[0][5], json!(60));
    assert_eq!(table.rows[1][2], json!(12));
    let csv = table.to_csv();
    assert!(
        csv.starts_with("path,pageviews,visitors,granted,denied,undecided\r\n"),
        "{csv}"
    );
}

#[test]
fn a_summary_under_k_shows_no_figures() {
    let store = Rows::default();
    block_on(store.add_aggregates("w", &[row(dimension::TOTAL, "", "undecided", 0..9)]))
        .expect("add");
    let small = block_on(summary(&store, &query())).expect("query");
    assert_eq!(small["pageviews"], Value::Null);
    assert_eq!(small["visitors"], Value::Null);
    block_on(store.add_aggregates("w", &[row(dimension::TOTAL, "", "undecided", 9..20)]))
        .expect("add");
    let enough = block_on(summary(&store, &query())).expect("query");
    assert_eq!(enough["pageviews"], json!(40));
    assert_eq!(enough["visitors"], json!(20));
}

#[test]
fn dates_round_trip() {
    assert_eq!(date_of(20_416), "2025-11-24");
    assert_eq!(day_from_date("2025-11-24"), Some(20_416));
    assert_eq!(day_from_date("24-11-2025"), None);
}

#[test]
fn csv_cells_that_look_like_formulas_are_quoted_as_text() {
    let table = Table {
        name: "pages",
        title: "t",
        columns: vec![col("path", "Page"), col("pageviews", "Views")],
        rows: vec![vec![json!("=HYPERLINK(\"x\")"), json!(-3)]],
    };
    assert_eq!(
        table.to_csv(),
        "path,pageviews\r\n\"'=HYPERLINK(\"\"x\"\")\",-3\r\n"
    );
}

#[test]
fn banner_answers_by_group_hide_cells_under_k() {
    let store = Rows::default();
    let banner = |event: &str, visitors: std::ops::Range<u64>| {
        let mut r = row(dimension::BANNER, "", "", visitors);
        r.value = format!("{event}|NL|nl|1");
        r
    };
    block_on(store.add_aggregates(
        "w",
        &[banner("impression", 0..14), banner("accept_all", 0..7)],
    ))
    .expect("add");
    let table = block_on(table(&store, "funnel-by", FunnelBy::Country, &query()))
        .expect("query")
        .expect("known table");
    assert_eq!(table.rows.len(), 1);
    let nl = &table.rows[0];
    assert_eq!(nl[0], json!("NL"));
    assert_eq!(nl[1], json!(28), "14 visitors saw the banner");
    assert_eq!(nl[2], Value::Null, "7 deciding visitors are fewer than k");
    assert_eq!(nl[3], Value::Null);
    assert_eq!(nl[4], json!(0));
}

/// A banner row of `value` (`event|country|language|policy[|regime]`) from `visitors`.
fn banner(value: &str, visitors: std::ops::Range<u64>) -> AggregateRow {
    let mut r = row(dimension::BANNER, "", "", visitors);
    r.value = value.to_owned();
    r
}

fn cell<'t>(table: &'t Table, row: &'t [Value], key: &str) -> &'t Value {
    let at = table
        .columns
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("no column {key}"));
    &row[at]
}

#[test]
fn banner_answers_by_regime_have_the_rate_that_means_something_there() {
    let store = Rows::default();
    block_on(store.add_aggregates(
        "w",
        &[
            // Opt-in: 20 shown, 12 accept (and so allow analytics), 8 reject.
            banner("impression|DE|de|1|opt-in", 0..20),
            banner("accept_all|DE|de|1|opt-in", 0..12),
            banner("grant:analytics|DE|de|1|opt-in", 0..12),
            banner("reject_all|DE|de|1|opt-in", 12..20),
            // Opt-out: 50 shown, 12 opt out (analytics still allowed).
            banner("impression|US|en|1|opt-out", 100..150),
            banner("opt_out|US|en|1|opt-out", 100..112),
            banner("grant:analytics|US|en|1|opt-out", 100..112),
            // Notice: 40 shown, 10 reject, 3 opt out (too few to show on their own).
            banner("impression|BR|pt|1|notice", 200..240),
            banner("reject_all|BR|pt|1|notice", 200..210),
            banner("opt_out|BR|pt|1|notice", 220..223),
            // None: no banner, yet 11 answered on the consent page.
            banner("custom|JP|ja|1|none", 300..311),
        ],
    ))
    .expect("add");
    let table = table_by(&store, "funnel-by", FunnelBy::Regime);
    let keys: Vec<&str> = table.columns.iter().map(|c| c.key).collect();
    assert_eq!(keys[0], "regime");
    assert!(
        keys.ends_with(&["regime_rate", "regime_rate_is"]),
        "{keys:?}"
    );
    let by: BTreeMap<&str, &Vec<Value>> = table
        .rows
        .iter()
        .map(|r| (r[0].as_str().unwrap_or_default(), r))
        .collect();
    assert_eq!(
        by.keys().copied().collect::<Vec<_>>(),
        ["none", "notice", "opt-in", "opt-out"]
    );
    let at = |regime: &str, key: &str| cell(&table, by[regime], key).clone();

    assert_eq!(at("opt-in", "impressions"), json!(40));
    assert_eq!(at("opt-in", "decisions"), json!(40));
    assert_eq!(at("opt-in", "analytics_rate"), json!(0.6));
    assert_eq!(at("opt-in", "regime_rate"), json!(0.6));
    assert!(at("opt-in", "regime_rate_is")
        .as_str()
        .is_some_and(|s| s.starts_with("Opt-in rate")));

    // An opt-out is a decision; the rate that counts is the share of visitors who opted out.
    assert_eq!(at("opt-out", "impressions"), json!(100));
    assert_eq!(at("opt-out", "decisions"), json!(24));
    assert_eq!(at("opt-out", "opt_out"), json!(24));
    assert_eq!(at("opt-out", "analytics_rate"), json!(1.0));
    assert_eq!(at("opt-out", "regime_rate"), json!(0.24));
    assert!(at("opt-out", "regime_rate_is")
        .as_str()
        .is_some_and(|s| s.starts_with("Opted out")));

    assert_eq!(at("notice", "decisions"), json!(26));
    assert_eq!(at("notice", "opt_out"), Value::Null, "3 visitors");
    assert_eq!(at("notice", "regime_rate"), json!(0.25));
    assert!(at("notice", "regime_rate_is")
        .as_str()
        .is_some_and(|s| s.starts_with("Rejected")));

    assert_eq!(at("none", "impressions"), json!(0));
    assert_eq!(at("none", "regime_rate"), Value::Null);
    assert!(at("none", "regime_rate_is")
        .as_str()
        .is_some_and(|s| s.contains("no banner")));

    // Other splits keep their columns, with the opt-outs beside the other decisions.
    let by_day = table_by(&store, "funnel-by", FunnelBy::Day);
    let keys: Vec<&str> = by_day.columns.iter().map(|c| c.key).collect();
    assert!(keys.contains(&"opt_out") && !keys.contains(&"regime_rate"));
    // 12 + 8 + 12 + 10 + 3 + 11 deciding visitors, two answers each.
    assert_eq!(cell(&by_day, &by_day.rows[0], "decisions"), &json!(112));
    assert_eq!(cell(&by_day, &by_day.rows[0], "opt_out"), &json!(30));
}

#[test]
fn a_banner_row_stored_before_regimes_reads_as_opt_in() {
    let store = Rows::default();
    block_on(store.add_aggregates(
        "w",
        &[
            banner("impression|NL|nl|1", 0..14),
            banner("impression|NL|nl|1|opt-in", 14..20),
            banner("accept_all|NL|nl|1", 0..12),
        ],
    ))
    .expect("add");
    let table = table_by(&store, "funnel-by", FunnelBy::Regime);
    assert_eq!(table.rows.len(), 1, "{:?}", table.rows);
    let row = &table.rows[0];
    assert_eq!(cell(&table, row, "regime"), &json!("opt-in"));
    assert_eq!(cell(&table, row, "impressions"), &json!(40));
    assert_eq!(cell(&table, row, "decisions"), &json!(24));
    let funnel = table_by(&store, "funnel", FunnelBy::Day);
    assert_eq!(funnel.rows[0][2], json!(40), "the old rows still count");
}

#[test]
fn page_views_split_by_regime() {
    let store = Rows::default();
    block_on(store.add_aggregates(
        "w",
        &[
            row(dimension::REGIME, "opt-in", "undecided", 0..20),
            row(dimension::REGIME, "opt-in", "granted", 20..32),
            row(dimension::REGIME, "opt-out", "undecided", 100..130),
        ],
    ))
    .expect("add");
    let regimes = table_by(&store, "regimes", FunnelBy::Day);
    assert_eq!(regimes.columns[0].key, "regime");
    let rows: Vec<(&Value, &Value, &Value)> =
        regimes.rows.iter().map(|r| (&r[0], &r[1], &r[3])).collect();
    assert_eq!(
        rows,
        [
            (&json!("opt-in"), &json!(64), &json!(24)),
            (&json!("opt-out"), &json!(60), &json!(0)),
        ]
    );
}

/// A table of `query()`'s day, banner answers split by `by`.
fn table_by(store: &Rows, name: &str, by: FunnelBy) -> Table {
    block_on(table(store, name, by, &query()))
        .expect("query")
        .expect("known table")
}
