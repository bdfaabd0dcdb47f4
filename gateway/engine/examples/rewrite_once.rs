//! Rewrites one page a given number of times, for instruction counts under callgrind
//! (`bench/callgrind.sh`): `rewrite_once PAGE COUNT [consentry|accepted|lol_html|selectors]`.
//!
//! - `consentry` (the default) builds a page rewriter per document, as the gateway does for
//!   each response, for a visitor who has not decided yet;
//! - `accepted` is the same for a visitor who accepted everything;
//! - `lol_html` is a pass with no handlers over the same bytes, the floor the ratio is
//!   measured against;
//! - `selectors` is lol_html with the engine's selectors and handlers that do nothing, the
//!   floor of any rewrite that needs those elements.
//!
//! Each feeds the page in 16 KB chunks.

use std::process::ExitCode;
use std::sync::Arc;

use consentry_config::{Catalogue, Config};
use consentry_engine::{
    DecisionKind, DecisionRequest, Engine, Grants, RequestInfo, SiteEngine, Visitor, VisitorConsent,
};
use http::header::{HeaderValue, COOKIE};
use http::{HeaderMap, Method};

const CHUNK: usize = 16 * 1024;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rewrite_once: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: rewrite_once PAGE COUNT [consentry|accepted|lol_html|selectors]";
    let path = args.next().ok_or(usage)?;
    let count: u32 = args.next().ok_or(usage)?.parse()?;
    let mode = args.next().unwrap_or_else(|| "consentry".into());
    let page = std::fs::read(&path)?;
    let mut total = 0usize;
    match mode.as_str() {
        "consentry" | "accepted" => {
            let site = site()?;
            let consent = if mode == "accepted" {
                accepted(&site)
            } else {
                VisitorConsent::undecided(false)
            };
            for _ in 0..count {
                total += rewrite(&site, &consent, &page)?;
            }
        }
        "lol_html" => {
            for _ in 0..count {
                total += plain(&page, lol_html::Settings::new())?;
            }
        }
        "selectors" => {
            let selectors = selectors()?;
            // Compiled once and shared by every document's rewriter, as the engine does.
            let compiled = lol_html::CompiledSelectors::new(
                selectors.iter().map(|(s, _)| s),
                lol_html::AsciiCompatibleEncoding::utf_8(),
                true,
                false,
            );
            for _ in 0..count {
                total += plain(&page, empty_handlers(&selectors, &compiled))?;
            }
        }
        _ => return Err(usage.into()),
    }
    println!("{count} documents, {total} bytes out");
    Ok(())
}

fn site() -> Result<Arc<SiteEngine>, Box<dyn std::error::Error>> {
    let config = Config::quick_start("http://127.0.0.1:8000", "127.0.0.1:0".parse()?, "d".into())?;
    let engine = Engine::new(&config, &Catalogue::builtin()?, &[7; 32]);
    Ok(Arc::clone(
        engine.site_for_host("bench.test").ok_or("no site")?,
    ))
}

/// The consent of a visitor who pressed "Accept all", read back from the cookie it set.
fn accepted(site: &SiteEngine) -> VisitorConsent {
    let now = 1_700_000_000;
    let decision = DecisionRequest {
        kind: DecisionKind::AcceptAll,
        categories: Grants::ALL,
        marketing_explicit: false,
        return_to: None,
        via_form: false,
    };
    let visitor = Visitor {
        ip: None,
        user_agent: None,
        country: None,
        regime: consentry_config::Regime::OptIn,
    };
    let headers = HeaderMap::new();
    let asked = consentry_engine::Asked {
        headers: &headers,
        host: "bench.test",
        secure: false,
        visitor,
        now,
    };
    let outcome = site.decide(&decision, asked, [3; 32]);
    let mut headers = HeaderMap::new();
    for cookie in &outcome.set_cookies {
        let pair = cookie.split(';').next().unwrap_or_default();
        if let Ok(value) = HeaderValue::from_str(pair) {
            headers.append(COOKIE, value);
        }
    }
    site.consent_of(&headers, consentry_config::Regime::OptIn, now)
}

fn rewrite(
    site: &SiteEngine,
    consent: &VisitorConsent,
    page: &[u8],
) -> Result<usize, Box<dyn std::error::Error>> {
    let info = RequestInfo {
        method: &Method::GET,
        path_and_query: "/",
        accept_language: Some("en"),
        place: None,
    };
    let mut rewriter = site.page_rewriter(consent, &info, None)?;
    let mut out = 0;
    for chunk in page.chunks(CHUNK) {
        out += rewriter.write(chunk)?.len();
    }
    out += rewriter.end()?.0.len();
    Ok(out)
}

/// What the engine does on an element: look at it, also hold its text back, or also hook its
/// end tag.
#[derive(Clone, Copy)]
enum On {
    Element,
    Text,
    EndTag,
}

/// The selectors of `gateway/engine/src/html/handlers.rs` and what is done on them.
const SELECTORS: [(&str, On); 8] = [
    ("head", On::Element),
    ("script", On::Text),
    ("noscript", On::Text),
    ("iframe", On::Element),
    (r#"img[data-consentry], img[src*="//"]"#, On::Element),
    (r#"link[rel][href*="//"]"#, On::Element),
    ("meta", On::Element),
    ("body", On::EndTag),
];

/// The selectors, parsed once as the engine does.
fn selectors() -> Result<Vec<(lol_html::Selector, On)>, Box<dyn std::error::Error>> {
    Ok(SELECTORS
        .into_iter()
        .map(|(s, on)| s.parse().map(|s| (s, on)))
        .collect::<Result<_, _>>()?)
}

/// A handler that does nothing on each of `selectors`, an end-of-document hook, and the
/// engine's other settings, with the selectors' program compiled once (`compiled`).
fn empty_handlers<'s>(
    selectors: &'s [(lol_html::Selector, On)],
    compiled: &'s lol_html::CompiledSelectors,
) -> lol_html::Settings<'static, 's> {
    use lol_html::html_content::{Element, EndTag, TextChunk};
    use lol_html::ElementContentHandlers;
    use std::borrow::Cow;
    let mut settings = lol_html::Settings::new()
        .with_strict(false)
        .with_memory_settings(
            lol_html::MemorySettings::new()
                .with_max_allowed_memory_usage(8 * 1024 * 1024)
                .with_graceful_bail_out_on_memory_limit_exceeded(true),
        )
        .with_graceful_bail_out_on_content_handler_error(true)
        .with_adjust_charset_on_meta_tag(true);
    for (selector, on) in selectors {
        let handlers = match on {
            On::Element => ElementContentHandlers::default().element(|_: &mut Element| Ok(())),
            On::Text => ElementContentHandlers::default()
                .element(|_: &mut Element| Ok(()))
                .text(|_: &mut TextChunk| Ok(())),
            On::EndTag => ElementContentHandlers::default()
                .element(|el: &mut Element| el.on_end_tag(Box::new(|_: &mut EndTag| Ok(())))),
        };
        settings = settings.append_element_content_handler((Cow::Borrowed(selector), handlers));
    }
    settings
        .with_compiled_selectors(compiled)
        .append_document_content_handler(lol_html::end!(|_| Ok(())))
}

fn plain(
    page: &[u8],
    settings: lol_html::Settings<'static, '_>,
) -> Result<usize, Box<dyn std::error::Error>> {
    let mut out = 0usize;
    let mut rewriter = lol_html::HtmlRewriter::new(settings, |c: &[u8]| out += c.len());
    for chunk in page.chunks(CHUNK) {
        rewriter.write(chunk)?;
    }
    rewriter.end()?;
    Ok(out)
}
