#![allow(missing_docs)] // criterion_group! generates undocumented functions
//! The engine's hot paths: the `Cookie` header filter, `Set-Cookie` classification, and the
//! HTML rewrite on the benchmark pages beside a pass of `lol_html` with no handlers (the
//! rewriter's own floor). Pages come from `bench/pages/generate.py`, run if they are missing,
//! and the two saved pages beside them (`bench/pages/README.md`).
//!
//! `cargo bench -p consentry-engine`

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use consentry_config::{Catalogue, Config};
use consentry_engine::{
    filter_set_cookies, CookieClassifier, CookieTraits, Engine, Grants, RequestCookies,
    RequestInfo, TrackerIndex, VisitorConsent,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use http::header::{HeaderValue, SET_COOKIE};
use http::{HeaderMap, Method};

const COOKIE_HEADER: &str = "session=3af1a3f5d31d21694f90be809f00eda4; XSRF-TOKEN=tok123; _ga=GA1.1.123456789.1700000000; \
_gid=GA1.1.987654321.1700000000; _ga_ABC123=GS1.1.1700000000.1.1.1700000100.0.0.0; _fbp=fb.1.1700000000.123456; \
_hjSessionUser_1000001=eyJpZCI6IjEyMyJ9; lang=nl";

const SET_COOKIES: [&str; 5] = [
    "session=s3cr3t; Path=/; HttpOnly; SameSite=Lax",
    "XSRF-TOKEN=tok; Path=/; SameSite=Lax",
    "_ga=GA1.1.123.456; Max-Age=63072000; Path=/",
    "_gid=GA1.1.789.456; Max-Age=86400; Path=/",
    "_fbp=fb.1.456.789; Max-Age=7776000; Path=/",
];

fn pages() -> Vec<(&'static str, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/pages");
    let names = [
        "small.html",
        "small-2k.html",
        "marketing.html",
        "marketing-61k.html",
        "listing.html",
    ];
    if names.iter().any(|n| !dir.join(n).exists()) {
        let status = std::process::Command::new("python3")
            .arg(dir.join("generate.py"))
            .status()
            .expect("python3 runs the page generator");
        assert!(status.success(), "bench/pages/generate.py failed");
    }
    names
        .iter()
        .map(|n| (*n, std::fs::read(dir.join(n)).expect("benchmark page")))
        .collect()
}

fn cookies(c: &mut Criterion) {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let classifier = CookieClassifier::new(&[], &catalogue, Default::default());
    let mut group = c.benchmark_group("cookies");
    group.throughput(Throughput::Elements(1));
    group.bench_function("filter Cookie header (8 cookies)", |b| {
        b.iter(|| {
            let parsed = RequestCookies::parse([black_box(COOKIE_HEADER)]);
            black_box(parsed.filter(&classifier, Grants::NECESSARY_ONLY))
        })
    });
    group.bench_function("filter Set-Cookie headers (5 headers)", |b| {
        let mut template = HeaderMap::new();
        for v in SET_COOKIES {
            template.append(SET_COOKIE, HeaderValue::from_static(v));
        }
        b.iter_batched(
            || template.clone(),
            |mut headers| {
                black_box(filter_set_cookies(
                    &mut headers,
                    &classifier,
                    Grants::NECESSARY_ONLY,
                    1_700_000_000,
                ))
            },
            criterion::BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn rewrite(c: &mut Criterion) {
    let config = Config::quick_start(
        "http://127.0.0.1:8000",
        "127.0.0.1:0".parse().expect("addr"),
        "d".into(),
    )
    .expect("config");
    let engine = Engine::new(&config, &Catalogue::builtin().expect("catalogue"), &[7; 32]);
    let site = Arc::clone(engine.site_for_host("bench.test").expect("site"));
    let consent = VisitorConsent::undecided(false);
    let method = Method::GET;
    let info = RequestInfo {
        method: &method,
        path_and_query: "/",
        accept_language: Some("en"),
        place: None,
    };
    let mut group = c.benchmark_group("html");
    for (name, page) in pages() {
        group.throughput(Throughput::Bytes(page.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("consentry rewrite", name),
            &page,
            |b, page| {
                b.iter(|| {
                    let mut rewriter = site.page_rewriter(&consent, &info, None).expect("rewriter");
                    let mut out = 0;
                    for chunk in page.chunks(16 * 1024) {
                        out += rewriter.write(chunk).expect("write").len();
                    }
                    out += rewriter.end().expect("end").0.len();
                    black_box(out)
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("lol_html, no handlers", name),
            &page,
            |b, page| {
                b.iter(|| {
                    let mut out = 0usize;
                    let mut rewriter =
                        lol_html::HtmlRewriter::new(lol_html::Settings::new(), |c: &[u8]| {
                            out += c.len()
                        });
                    for chunk in page.chunks(16 * 1024) {
                        rewriter.write(chunk).expect("write");
                    }
                    rewriter.end().expect("end");
                    black_box(out)
                })
            },
        );
    }
    group.finish();
}

/// Lookups in the catalogue: a tracker's URL, a first-party-looking host that is no tracker
/// (the walk up every parent domain), and classifying names the origin sets, known, matched
/// by a glob, and unknown (the worst case: every glob tried).
fn lookups(c: &mut Criterion) {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let index = TrackerIndex::new(&catalogue);
    let classifier = CookieClassifier::new(&[], &catalogue, Default::default());
    let mut group = c.benchmark_group("lookups");
    group.throughput(Throughput::Elements(1));
    group.bench_function("tracker URL", |b| {
        b.iter(|| {
            black_box(index.for_url(black_box(
                "https://www.google-analytics.com/g/collect?v=2&tid=G-1",
            )))
        })
    });
    group.bench_function("host that is no tracker", |b| {
        b.iter(|| black_box(index.for_host(black_box("static.assets.shop.example.co.uk"))))
    });
    let traits = CookieTraits {
        http_only: false,
        session: false,
    };
    for (label, name) in [
        ("known name", "_gid"),
        ("glob name", "_hjSessionUser_1234567"),
        ("unknown name", "cart_contents_v2"),
    ] {
        group.bench_function(format!("classify Set-Cookie, {label}"), |b| {
            b.iter(|| black_box(classifier.for_set_cookie(black_box(name), traits)))
        });
    }
    group.finish();

    // What a Worker isolate or a gateway pays once at start (and on a reload).
    let mut group = c.benchmark_group("start");
    group.sample_size(20);
    group.bench_function("index the catalogue's trackers", |b| {
        b.iter(|| black_box(TrackerIndex::new(black_box(&catalogue))))
    });
    group.finish();
}

criterion_group!(benches, cookies, rewrite, lookups);
criterion_main!(benches);
