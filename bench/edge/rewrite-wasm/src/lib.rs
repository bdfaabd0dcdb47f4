//! The engine's HTML pass alone in WebAssembly, for bench/edge/rewrite.mjs: a page rewriter
//! built per document as the Worker builds one per response (a visitor who has not decided),
//! fed in chunks of a given size; and lol_html with no handlers over the same bytes.

use std::cell::RefCell;
use std::sync::Arc;

use consentry_config::{Catalogue, Config};
use consentry_engine::{
    BodyRewriter, ContentCoding, Engine, RequestInfo, SiteEngine, VisitorConsent,
};
use http::Method;
use wasm_bindgen::prelude::*;

thread_local! {
    static SITE: RefCell<Option<Arc<SiteEngine>>> = const { RefCell::new(None) };
}

fn site() -> Arc<SiteEngine> {
    SITE.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                let config = Config::quick_start(
                    "http://127.0.0.1:8000",
                    "127.0.0.1:0".parse().expect("address"),
                    "d".into(),
                )
                .expect("config");
                let catalogue = Catalogue::builtin().expect("catalogue");
                let engine = Engine::new(&config, &catalogue, &[7; 32]);
                Arc::clone(engine.site_for_host("bench.test").expect("site"))
            })
            .clone()
    })
}

/// Rewrites `page` once, fed in `chunk`-byte pieces through the engine's body pipeline (as the
/// Worker does); returns the bytes out.
#[wasm_bindgen]
pub fn rewrite(page: &[u8], chunk: usize) -> usize {
    let site = site();
    let info = RequestInfo {
        method: &Method::GET,
        path_and_query: "/",
        accept_language: Some("en"),
        place: None,
    };
    let consent = VisitorConsent::undecided(false);
    let rewriter = site.page_rewriter(&consent, &info, None).expect("rewriter");
    let mut body = BodyRewriter::new(rewriter, ContentCoding::Identity);
    let mut out = 0;
    for piece in page.chunks(chunk.max(1)) {
        out += body.push(piece).expect("push").len();
    }
    out + body.finish().expect("finish").0.len()
}

/// lol_html with no handlers over `page`, in `chunk`-byte pieces; returns the bytes out.
#[wasm_bindgen]
pub fn plain(page: &[u8], chunk: usize) -> usize {
    let mut out = 0usize;
    let mut rewriter =
        lol_html::HtmlRewriter::new(lol_html::Settings::new(), |c: &[u8]| out += c.len());
    for piece in page.chunks(chunk.max(1)) {
        rewriter.write(piece).expect("write");
    }
    rewriter.end().expect("end");
    out
}

/// talc instead of Rust's dlmalloc, to compare (`--features talc`).
#[cfg(feature = "talc")]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
