#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! The cost of counting a page view in memory (what analytics add to a request), and of
//! draining the counts for the store.
//!
//! `cargo bench -p consentry-engine --bench analytics`

use std::hint::black_box;

use consentry_config::AnalyticsSettings;
use consentry_engine::analytics::{Counter, PageView};
use consentry_engine::VisitorConsent;
use criterion::{criterion_group, criterion_main, Criterion};
use http::HeaderMap;

const AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

fn headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("user-agent", AGENT.parse().expect("value"));
    headers.insert("referer", "https://www.google.com/".parse().expect("value"));
    headers
}

fn counting(c: &mut Criterion) {
    let counter = Counter::new(AnalyticsSettings::default());
    let headers = headers();
    let consent = VisitorConsent::undecided(false);
    let paths: Vec<String> = (0..500)
        .map(|i| format!("/products/{i}?utm_source=news&id={i}"))
        .collect();
    let mut i = 0usize;
    c.bench_function("count one page view", |b| {
        b.iter(|| {
            i = i.wrapping_add(1);
            let view = PageView {
                site: "shop",
                host: "shop.example",
                path_and_query: &paths[i % paths.len()],
                request_headers: &headers,
                consent: &consent,
                country: Some("NL"),
                ip: Some(std::net::IpAddr::from([203, 0, 113, (i % 250) as u8])),
                language: "nl",
                policy_version: 1,
                now: 1_764_000_000,
            };
            black_box(counter.count_view(view, &|| [7; 32]))
        });
    });
    c.bench_function("drain 500 paths' counts", |b| {
        b.iter_batched(
            || {
                let counter = Counter::new(AnalyticsSettings::default());
                for (n, path) in paths.iter().enumerate() {
                    let view = PageView {
                        site: "shop",
                        host: "shop.example",
                        path_and_query: path,
                        request_headers: &headers,
                        consent: &consent,
                        country: Some("NL"),
                        ip: Some(std::net::IpAddr::from([
                            203,
                            0,
                            (n / 250) as u8,
                            (n % 250) as u8,
                        ])),
                        language: "nl",
                        policy_version: 1,
                        now: 1_764_000_000,
                    };
                    counter.count_view(view, &|| [7; 32]);
                }
                counter
            },
            |counter| black_box(counter.drain(1_764_000_001, false).len()),
            criterion::BatchSize::SmallInput,
        );
    });
}

fn parts(c: &mut Criterion) {
    c.bench_function("part: classify agent", |b| {
        b.iter(|| {
            black_box(consentry_engine::analytics::classify_agent(Some(
                black_box(AGENT),
            )))
        })
    });
    let salt = consentry_engine::analytics::DailySalt::default();
    c.bench_function("part: visitor hash", |b| {
        b.iter(|| black_box(salt.visitor(1, "shop", None, black_box(AGENT), &|| [7; 32])))
    });
    let mut sketch = consentry_engine::analytics::Sketch::new();
    let mut n = 0u64;
    c.bench_function("part: sketch insert", |b| {
        b.iter(|| {
            n = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
            sketch.insert(black_box(n % 1_000_003));
        })
    });
    c.bench_function("part: counted path", |b| {
        let allowed = AnalyticsSettings::default().query_params;
        b.iter(|| {
            black_box(consentry_engine::analytics::counted_path(
                black_box("/products/7?utm_source=news&id=7"),
                &allowed,
            ))
        })
    });
}

criterion_group!(benches, counting, parts);
criterion_main!(benches);
