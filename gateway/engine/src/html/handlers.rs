//! The element handlers of the HTML pass.
//!
//! Inline `<script>` and `<noscript>` content is only known after the start tag, so those
//! elements are held back: the start tag is removed, the text is buffered, and at the end tag
//! the element is written again, neutralised or as it was.
//!
//! What this costs: with any element handler, lol_html tracks every open element and runs
//! every selector against every start tag, so each selector adds to the cost of the whole
//! page (about 5% of a handler-less pass each, on the 60 KB page). The selectors are parsed
//! once for the process. Attribute conditions make lol_html parse the attributes of every
//! tag of that name, which pays off only where it spares a handler call on most of them
//! (images).

use std::borrow::Cow;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, RwLock};

use consentry_config::{Category, TrackerKind};
use lol_html::errors::SelectorError;
use lol_html::html_content::{ContentType, EndTag, TextChunk};
use lol_html::send::{Element, ElementContentHandlers, Settings};
use lol_html::{
    bail_out, end, AsciiCompatibleEncoding, CompiledSelectors, HandlerResult, Selector,
};

use super::embeds::on_iframe;
use super::held::{hold, on_held_text, open_tag, Held};
use super::pixels::{on_img, on_link};
use super::scripts::on_script;
use super::{PageContext, PageFindings, RewriteError, RewriteStats};
use crate::trackers::{Tracker, TrackerIndex};

pub(super) type El<'r, 't> = Element<'r, 't>;

/// The attribute that marks an element's consent category.
pub(super) const MARK: &str = "data-consentry";
/// Where a blocked element keeps its `src`.
pub(super) const HELD_SRC: &str = "data-consentry-src";
/// Where a blocked script keeps its original `type`.
pub(super) const HELD_TYPE: &str = "data-consentry-type";

/// One page's rewrite: what it knows and what it has done.
pub(super) struct Page {
    pub(super) ctx: PageContext,
    pub(super) trackers: Arc<TrackerIndex>,
    state: Mutex<PageState>,
}

#[derive(Debug, Default)]
pub(super) struct PageState {
    pub stats: RewriteStats,
    findings: PageFindings,
    head_done: bool,
    body_done: bool,
    pub(super) held: Option<Held>,
}

impl Page {
    pub(super) fn new(ctx: PageContext, trackers: Arc<TrackerIndex>) -> Self {
        Page {
            ctx,
            trackers,
            state: Mutex::new(PageState::default()),
        }
    }

    pub(super) fn state(&self) -> MutexGuard<'_, PageState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn allows(&self, category: Category) -> bool {
        self.ctx.grants.allows(category)
    }

    /// Whether a recognised tracker may run: its category is granted and its vendor is not
    /// withheld.
    pub(super) fn allows_tracker(&self, tracker: Tracker<'_>) -> bool {
        !tracker.withheld && self.allows(tracker.category)
    }

    /// Whether nothing on this page view is blocked: every category granted, no vendor
    /// withheld.
    pub(super) fn allows_everything(&self) -> bool {
        self.ctx.grants.is_all() && self.ctx.withheld.is_empty()
    }

    /// Notes a tracker's vendor for the banner's list.
    pub(super) fn found(&self, tracker: Tracker<'_>) {
        let mut st = self.state();
        let vendors = &mut st.findings.vendors;
        if !vendors.iter().any(|(v, _)| v == tracker.vendor) {
            vendors.push((tracker.vendor.to_owned(), tracker.category));
        }
    }

    /// The HTML for the end of the body, from what was found.
    fn body_html(&self, st: &PageState) -> String {
        (self.ctx.body_html)(&st.findings)
    }

    /// Claims the Consent Mode defaults for this place in the page: true once per page.
    pub(super) fn take_head(&self) -> bool {
        let mut st = self.state();
        !std::mem::replace(&mut st.head_done, true)
    }
}

/// The selectors of the pass.
struct Selectors {
    head: Selector,
    script: Selector,
    noscript: Selector,
    iframe: Selector,
    img: Selector,
    /// Images for a visitor who granted everything: only those the site marked can change
    /// (switched on), and a tracker's is noted for the banner's list.
    img_granted: Selector,
    link: Selector,
    meta: Selector,
    body: Selector,
}

impl Selectors {
    fn parse() -> Result<Selectors, SelectorError> {
        Ok(Selectors {
            head: "head".parse()?,
            script: "script".parse()?,
            noscript: "noscript".parse()?,
            iframe: "iframe".parse()?,
            // Only a marked image, one with an address on another host (`//` is in every
            // absolute or protocol-relative URL; lazy addresses included), or a first-party
            // pixel of self-hosted Matomo (`/matomo.php?idsite=`) is ever changed. Measured:
            // cheaper than calling a handler for every image.
            //
            // Each alternative costs on every start tag (2% of the rewrite of the 60 KB page;
            // it also cost about 7,000 instructions per page when lol_html compiled its
            // program for each page). So `<video>`, `<audio>`, `<source>`, `<embed>`, `<object>` and
            // `<input type=image>` are not looked at, as no page of the corpus or the seeds
            // points one at a tracker (but a Flash file), and an image's `srcset` alone neither.
            img: concat!(
                r#"img[data-consentry], img[src*="//"], img[src*="idsite="], "#,
                r#"img[data-src*="//"], img[data-lazy-src*="//"]"#
            )
            .parse()?,
            img_granted: r#"img[data-consentry], img[src*="//"]"#.parse()?,
            // Only a link that loads from another host (a hint, a stylesheet) is ever removed.
            link: r#"link[rel][href*="//"]"#.parse()?,
            // Plain `meta`, the selector lol_html itself uses to find a `<meta charset>`: the
            // two then share one test per start tag.
            meta: "meta".parse()?,
            body: "body".parse()?,
        })
    }
}

/// The selectors, parsed on first use and kept: parsing them for every page took about 26,000
/// instructions, 70% of a handler-less pass over a 2 KB page.
fn selectors() -> Result<&'static Selectors, RewriteError> {
    static SELECTORS: LazyLock<Result<Selectors, SelectorError>> = LazyLock::new(Selectors::parse);
    SELECTORS
        .as_ref()
        .map_err(|e| RewriteError::Html(format!("selector: {e}")))
}

/// The selectors of a page's handlers, in the order they are registered: a visitor who granted
/// everything has nothing held back and no hint removed, so for them `<noscript>`, `<link>`
/// and the text of scripts are not looked at (each selector costs on every start tag).
fn in_order(sel: &'static Selectors, all: bool) -> impl Iterator<Item = &'static Selector> {
    let img = if all { &sel.img_granted } else { &sel.img };
    [
        Some(&sel.head),
        Some(&sel.script),
        (!all).then_some(&sel.noscript),
        Some(&sel.iframe),
        Some(img),
        (!all).then_some(&sel.link),
        Some(&sel.meta),
        Some(&sel.body),
    ]
    .into_iter()
    .flatten()
}

/// What a matching program is compiled for: whether the visitor granted everything (which
/// selectors), whether a `<meta charset>` may change the encoding, and the encoding.
type ProgramKey = (bool, bool, &'static encoding_rs::Encoding);

/// The selectors compiled into lol_html's matching program, once for each set of selectors,
/// `<meta charset>` handling and encoding, and shared by the rewriters of every page.
/// Compiling the program took about 40,000 instructions per page, more than a handler-less
/// pass over a 2 KB page, and freeing it as much again. At most 4 programs per encoding.
fn compiled(
    sel: &'static Selectors,
    all: bool,
    adjust_charset: bool,
    encoding: AsciiCompatibleEncoding,
) -> Arc<CompiledSelectors> {
    static PROGRAMS: RwLock<Vec<(ProgramKey, Arc<CompiledSelectors>)>> = RwLock::new(Vec::new());
    let key: ProgramKey = (all, adjust_charset, encoding.into());
    let find = |programs: &[(ProgramKey, Arc<CompiledSelectors>)]| {
        programs
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, p)| Arc::clone(p))
    };
    if let Some(program) = find(&PROGRAMS.read().unwrap_or_else(PoisonError::into_inner)) {
        return program;
    }
    let mut programs = PROGRAMS.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(program) = find(&programs) {
        return program;
    }
    let program = Arc::new(CompiledSelectors::new(
        in_order(sel, all),
        encoding,
        adjust_charset,
        false,
    ));
    programs.push((key, Arc::clone(&program)));
    program
}

/// Adds the page's handlers to `settings`, for a page in `encoding` where a `<meta charset>`
/// may change it (`adjust_charset`), and sets both; the matching program is shared with the
/// other pages of the process and kept in `program` while the rewriter is built.
pub(super) fn register<'s>(
    settings: Settings<'static, 's>,
    page: &Arc<Page>,
    encoding: AsciiCompatibleEncoding,
    adjust_charset: bool,
    program: &'s mut Option<Arc<CompiledSelectors>>,
) -> Result<Settings<'static, 's>, RewriteError> {
    let sel = selectors()?;
    let all = page.allows_everything();
    let handlers = ElementContentHandlers::default;

    let head = Arc::clone(page);
    let on_head = handlers().element(move |el: &mut El<'_, '_>| {
        if head.take_head() {
            el.prepend(&head.ctx.head_html, ContentType::Html);
        }
        Ok(())
    });

    let script = Arc::clone(page);
    let mut on_scripts = handlers().element(move |el: &mut El<'_, '_>| on_script(el, &script));
    if !all {
        let text = Arc::clone(page);
        on_scripts = on_scripts.text(move |chunk: &mut TextChunk<'_>| {
            on_held_text(chunk, &text);
            Ok(())
        });
    }

    let on_noscript = (!all).then(|| {
        let (noscript, text) = (Arc::clone(page), Arc::clone(page));
        handlers()
            .element(move |el: &mut El<'_, '_>| hold(el, &noscript, "noscript"))
            .text(move |chunk: &mut TextChunk<'_>| {
                on_held_text(chunk, &text);
                Ok(())
            })
    });

    let (iframe, img) = (Arc::clone(page), Arc::clone(page));
    let on_iframes = handlers().element(move |el: &mut El<'_, '_>| on_iframe(el, &iframe));
    let on_imgs = handlers().element(move |el: &mut El<'_, '_>| on_img(el, &img));

    let on_links = (!all).then(|| {
        let link = Arc::clone(page);
        handlers().element(move |el: &mut El<'_, '_>| {
            on_link(el, &link);
            Ok(())
        })
    });

    let (meta, body, doc_end, bail) = (
        Arc::clone(page),
        Arc::clone(page),
        Arc::clone(page),
        Arc::clone(page),
    );
    let on_metas = handlers().element(move |el: &mut El<'_, '_>| on_meta(el, &meta));
    let on_bodies = handlers().element(move |el: &mut El<'_, '_>| on_body(el, &body));

    // In the order of `in_order`, which the shared program was compiled for.
    let mut settings = settings;
    let ordered = [
        Some(on_head),
        Some(on_scripts),
        on_noscript,
        Some(on_iframes),
        Some(on_imgs),
        on_links,
        Some(on_metas),
        Some(on_bodies),
    ];
    for (selector, handlers) in in_order(sel, all).zip(ordered.into_iter().flatten()) {
        settings = settings.append_element_content_handler((Cow::Borrowed(selector), handlers));
    }
    let program = program.insert(compiled(sel, all, adjust_charset, encoding));
    Ok(settings
        .with_encoding(encoding)
        .with_adjust_charset_on_meta_tag(adjust_charset)
        .with_compiled_selectors(program)
        .append_document_content_handler(end!(move |end| {
            let mut st = doc_end.state();
            if let Some(held) = st.held.take() {
                // The page ended inside a held element: give back what was held, unclosed.
                if !held.released {
                    end.append(&open_tag(held.tag, &held.attributes), ContentType::Html);
                    end.append(&held.text, ContentType::Html);
                }
            }
            if !st.body_done {
                st.body_done = true;
                end.append(&doc_end.body_html(&st), ContentType::Html);
            }
            Ok(())
        }))
        .append_bail_out_handler(bail_out!(move |error, _| {
            tracing::warn!(%error, "HTML rewrite gave up; the rest of the page passes through as it is");
            bail.state().stats.bailed_out = true;
        })))
}

/// The banner goes before the first `</body>`.
fn on_body(el: &mut El<'_, '_>, page: &Arc<Page>) -> HandlerResult {
    if page.state().body_done {
        return Ok(());
    }
    let page = Arc::clone(page);
    el.on_end_tag(Box::new(move |end: &mut EndTag<'_>| {
        let mut st = page.state();
        if !st.body_done {
            st.body_done = true;
            end.before(&page.body_html(&st), ContentType::Html);
        }
        Ok(())
    }))
}

/// The tracker a URL points at, by its host or its file, unless the site allows it.
pub(super) fn tracker_at<'t>(page: &'t Page, url: &str) -> Option<Tracker<'t>> {
    let known = page
        .trackers
        .for_url(url)
        .filter(|_| !page.ctx.allow.allows_url(url));
    // A TCF vendor without consent: inert whatever the catalogue says of its address.
    if let Some(vendor) = page.ctx.withheld.vendor_at(url) {
        return Some(Tracker {
            vendor,
            category: known.map_or(Category::Marketing, |t| t.category),
            kind: known.map_or(TrackerKind::Tracker, |t| t.kind),
            withheld: true,
        });
    }
    known
}

/// The category an element is marked with; a mark that names no category is treated as the
/// most intrusive one.
pub(super) fn mark_category(el: &El<'_, '_>) -> Option<Category> {
    let mark = el.get_attribute(MARK)?;
    let mark = mark.trim();
    Some(
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(mark))
            .unwrap_or(Category::Marketing),
    )
}

/// A policy in `<meta http-equiv="Content-Security-Policy">` gets the same hashes as one in
/// a header: the banner's inline parts come after it in the page.
fn on_meta(el: &mut El<'_, '_>, page: &Page) -> HandlerResult {
    let is_policy = el
        .get_attribute("http-equiv")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("content-security-policy"));
    if !is_policy {
        return Ok(());
    }
    if let Some(content) = el.get_attribute("content") {
        let hashes = &page.ctx.inline_hashes;
        let amended = crate::csp::amend(&content, &hashes.scripts, &hashes.styles);
        if amended != content {
            el.set_attribute("content", &amended)?;
        }
    }
    Ok(())
}
