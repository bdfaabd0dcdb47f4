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
