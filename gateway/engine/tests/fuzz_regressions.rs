//! Inputs the fuzz targets (`fuzz/`, `scripts/fuzz.sh`) found, replayed as the target ran them,
//! so what was fixed stays fixed.

use consentry_config::{Catalogue, Config};
use consentry_engine::{Engine, Grants, RequestInfo, VisitorConsent};
use http::Method;

/// Rewrites `page` in `charset`, cut into chunks of `sizes` in turn (a zero size is an empty
/// chunk), for a visitor who granted nothing.
fn rewrite(page: &[u8], charset: Option<&str>, sizes: &[usize]) -> Vec<u8> {
    let config = Config::quick_start(
        "http://127.0.0.1:8000",
        "127.0.0.1:0".parse().expect("address"),
        "unused".into(),
    )
    .expect("config");
    let engine = Engine::new(&config, &Catalogue::builtin().expect("catalogue"), &[7; 32]);
    let site = engine.site_for_host("fuzz.test").expect("site");
    let consent = VisitorConsent {
        grants: Grants::NECESSARY_ONLY,
        ..VisitorConsent::undecided(false)
    };
    let method = Method::GET;
    let info = RequestInfo {
        method: &method,
        path_and_query: "/",
        accept_language: Some("en"),
        place: None,
    };
    let mut rewriter = site
        .page_rewriter(&consent, &info, charset)
        .expect("rewriter");
    let mut out = Vec::new();
    let mut rest = page;
    for size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (chunk, tail) = rest.split_at((*size).min(rest.len()));
        out.extend(rewriter.write(chunk).expect("write"));
        rest = tail;
        if sizes.iter().all(|s| *s == 0) {
            out.extend(rewriter.write(rest).expect("write"));
            break;
        }
    }
    out.extend(rewriter.end().expect("end").0);
    out
}

/// `rewrite` (crash-437d7c01…, minimised): a `<noscript>` inside an SVG `<script>` took the
/// place of the script being held back, which lost its start tag and text and wrote the
/// noscript's text twice, differently for each chunking.
#[test]
fn scripts_in_svg_are_not_held_back() {
    let page = b"<svg><script><noscript>e>";
    let whole = rewrite(page, Some("iso-8859-2"), &[usize::MAX]);
    let cut = rewrite(page, Some("iso-8859-2"), &[1, 0]);
    assert_eq!(
        String::from_utf8_lossy(&whole),
        String::from_utf8_lossy(&cut)
    );

    // The Consent Mode script goes before the first script, in the SVG too; the rest passes.
    let page = b"<!doctype html><body><svg><script>a<noscript>b</noscript>c</script></svg><p>after</p></body>";
    for sizes in [&[usize::MAX][..], &[1], &[3, 0, 7]] {
        let out = rewrite(page, None, sizes);
        let text = String::from_utf8_lossy(&out);
        assert!(
            text.contains("</script><script>a<noscript>b</noscript>c</script></svg><p>after</p>"),
            "{text}"
        );
    }
}

/// `rewrite` (crash-437d7c01…, minimised again once the first fix was in): an HTML element
/// breaking out of SVG leaves lol_html counting the SVG `<script>` as open, so the text of a
/// `<noscript>` held after it reached two handlers and was buffered twice (`wowo`, or `wwoo`
/// one byte at a time).
#[test]
fn held_text_is_taken_once() {
    let page = b"\0\0<svg><script><i><noscript>wo";
    let whole = rewrite(page, Some("windows-1252"), &[usize::MAX]);
    for sizes in [&[7][..], &[1]] {
        let cut = rewrite(page, Some("windows-1252"), sizes);
        assert_eq!(
            String::from_utf8_lossy(&whole),
            String::from_utf8_lossy(&cut)
        );
    }
    let text = String::from_utf8_lossy(&whole);
    assert!(
        text.contains("<i><noscript>wo<div id=\"consentry\""),
        "{text}"
    );
}
