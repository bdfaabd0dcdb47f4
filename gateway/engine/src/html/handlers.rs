//! The element handlers of the HTML pass.
//!
//! Inline `<script>` and `<noscript>` content is only known after the start tag, so those
//! elements are held back: the start tag is removed, the text is buffered, and at the end tag
//! the element is written again, neutralised or as it was.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use consentry_config::Category;
use lol_html::html_content::{ContentType, Element, EndTag, TextChunk};
use lol_html::send::{SendHandlerTypes, Settings};
use lol_html::{bail_out, element, end, end_tag, text, HandlerResult};

use super::{PageContext, PageFindings, RewriteStats};
use crate::trackers::{Tracker, TrackerIndex};

type El<'r, 't> = Element<'r, 't, SendHandlerTypes>;

/// The attribute that marks an element's consent category.
const MARK: &str = "data-consentry";
/// Where a blocked element keeps its `src`.
const HELD_SRC: &str = "data-consentry-src";
/// Where a blocked script keeps its original `type`.
const HELD_TYPE: &str = "data-consentry-type";
/// The vendor name shown for embeds the site marked itself.
const SITE_VENDOR: &str = "this site";

/// Inline scripts longer than this are passed through unexamined rather than buffered.
const MAX_HELD_TEXT: usize = 512 * 1024;

/// One page's rewrite: what it knows and what it has done.
pub(super) struct Page {
    ctx: PageContext,
    trackers: Arc<TrackerIndex>,
    state: Mutex<PageState>,
}

#[derive(Debug, Default)]
pub(super) struct PageState {
    pub stats: RewriteStats,
    findings: PageFindings,
    head_done: bool,
    body_done: bool,
    held: Option<Held>,
}

#[derive(Debug)]
struct Held {
    tag: &'static str,
    attributes: Vec<(String, String)>,
    text: String,
    /// Too long to hold: the start tag and the text so far have been written out already.
    released: bool,
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

    fn allows(&self, category: Category) -> bool {
        self.ctx.grants.allows(category)
    }

    /// Notes a tracker's vendor for the banner's list.
    fn found(&self, tracker: Tracker<'_>) {
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
}

/// Adds the page's handlers to `settings`.
pub(super) fn register(
    settings: Settings<'static, 'static>,
    page: &Arc<Page>,
) -> Settings<'static, 'static> {
    let p = [(); 9].map(|()| Arc::clone(page));
    let [head, script, held_text, noscript, iframe, img, link, body, meta] = p;
    let doc_end = Arc::clone(page);
    let bail = Arc::clone(page);
    settings
        .append_element_content_handler(element!("head", move |el: &mut El| {
            let mut st = head.state();
            if !st.head_done {
                st.head_done = true;
                el.prepend(&head.ctx.head_html, ContentType::Html);
            }
            Ok(())
        }))
        .append_element_content_handler(element!("script", move |el: &mut El| on_script(el, &script)))
        .append_element_content_handler(text!("script, noscript", move |chunk: &mut TextChunk| {
            on_held_text(chunk, &held_text);
            Ok(())
        }))
        .append_element_content_handler(element!("noscript", move |el: &mut El| on_noscript(el, &noscript)))
        .append_element_content_handler(element!("iframe", move |el: &mut El| on_iframe(el, &iframe)))
        .append_element_content_handler(element!("img", move |el: &mut El| on_img(el, &img)))
        .append_element_content_handler(element!("link[href]", move |el: &mut El| {
            on_link(el, &link);
            Ok(())
        }))
        .append_element_content_handler(element!("meta[http-equiv][content]", move |el: &mut El| {
            on_meta(el, &meta)
        }))
        .append_element_content_handler(element!("body", move |el: &mut El| {
            if body.state().body_done {
                return Ok(());
            }
            let page = Arc::clone(&body);
            el.on_end_tag(end_tag!(move |end: &mut EndTag| {
                let mut st = page.state();
                if !st.body_done {
                    st.body_done = true;
                    end.before(&page.body_html(&st), ContentType::Html);
                }
                Ok(())
            }))
        }))
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
        }))
}

fn mark_category(el: &El<'_, '_>) -> Option<Category> {
    let mark = el.get_attribute(MARK)?;
    // A mark that names no category is treated as the most intrusive one.
    Some(
        mark.trim()
            .to_ascii_lowercase()
            .parse()
            .unwrap_or(Category::Marketing),
    )
}

fn is_javascript_type(ty: Option<&str>) -> bool {
    let Some(ty) = ty else { return true };
    let ty = ty.trim().to_ascii_lowercase();
    ty.is_empty()
        || ty == "module"
        || ty.contains("javascript")
        || ty.contains("ecmascript")
        || ty.contains("jscript")
        || ty.contains("livescript")
}

fn on_script(el: &mut El<'_, '_>, page: &Arc<Page>) -> HandlerResult {
    {
        // Consent Mode defaults must run before any tag, even on a page without <head>.
        let mut st = page.state();
        if !st.head_done {
            st.head_done = true;
            el.before(&page.ctx.head_html, ContentType::Html);
        }
    }
    let ty = el.get_attribute("type");
    if let Some(category) = mark_category(el) {
        if page.allows(category) {
            if ty
                .as_deref()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("text/plain"))
            {
                match el.get_attribute(HELD_TYPE) {
                    Some(original) => el.set_attribute("type", &original)?,
                    None => el.remove_attribute("type"),
                }
                page.state().stats.activated += 1;
            }
        } else if is_javascript_type(ty.as_deref()) {
            block_script(el, ty.as_deref(), category)?;
            page.state().stats.scripts_blocked += 1;
        }
        return Ok(());
    }
    if !is_javascript_type(ty.as_deref()) {
        return Ok(());
    }
    if let Some(src) = el.get_attribute("src") {
        if let Some(tracker) = page.trackers.for_url(&src) {
            page.found(tracker);
            if !page.allows(tracker.category) {
                block_script(el, ty.as_deref(), tracker.category)?;
                page.state().stats.scripts_blocked += 1;
            }
        }
        return Ok(());
    }
    if page.ctx.grants.is_all() {
        return Ok(());
    }
    hold(el, page, "script")
}

/// Turns a script into inert text that the banner can switch on later.
fn block_script(el: &mut El<'_, '_>, ty: Option<&str>, category: Category) -> HandlerResult {
    if let Some(ty) = ty {
        el.set_attribute(HELD_TYPE, ty)?;
    }
    el.set_attribute("type", "text/plain")?;
    el.set_attribute(MARK, category.as_str())?;
    Ok(())
}

fn on_noscript(el: &mut El<'_, '_>, page: &Arc<Page>) -> HandlerResult {
    if page.ctx.grants.is_all() {
        return Ok(());
    }
    hold(el, page, "noscript")
}

/// Removes the start tag and buffers the content until the end tag decides.
fn hold(el: &mut El<'_, '_>, page: &Arc<Page>, tag: &'static str) -> HandlerResult {
    let attributes = el
        .attributes()
        .iter()
        .map(|a| (a.name(), a.value()))
        .collect();
    el.remove_and_keep_content();
    page.state().held = Some(Held {
        tag,
        attributes,
        text: String::new(),
        released: false,
    });
    let page = Arc::clone(page);
    el.on_end_tag(end_tag!(move |end: &mut EndTag| {
        let held = page.state().held.take();
        let Some(held) = held else { return Ok(()) };
        let close = format!("</{}>", held.tag);
        if held.released {
            end.before(&close, ContentType::Html);
            return Ok(());
        }
        let tracker = page.trackers.for_inline_script(&held.text);
        if let Some(t) = tracker {
            page.found(t);
        }
        let html = match tracker {
            Some(t) if !page.allows(t.category) => neutralised(&held, t, &page),
            _ => format!(
                "{}{}{close}",
                open_tag(held.tag, &held.attributes),
                held.text
            ),
        };
        end.before(&html, ContentType::Html);
        Ok(())
    }))
}

/// The held element, neutralised: a script as inert text, a `<noscript>` pixel dropped.
fn neutralised(held: &Held, tracker: Tracker<'_>, page: &Page) -> String {
    let mut st = page.state();
    if held.tag == "noscript" {
        st.stats.pixels_removed += 1;
        return String::new();
    }
    st.stats.scripts_blocked += 1;
    let mut attributes: Vec<(String, String)> = held
        .attributes
        .iter()
        .filter(|(name, _)| name != "type" && name != MARK)
        .cloned()
        .collect();
    if let Some((_, ty)) = held.attributes.iter().find(|(name, _)| name == "type") {
        attributes.push((HELD_TYPE.into(), ty.clone()));
    }
    attributes.push(("type".into(), "text/plain".into()));
    attributes.push((MARK.into(), tracker.category.as_str().into()));
    format!("{}{}</script>", open_tag("script", &attributes), held.text)
}

fn on_held_text(chunk: &mut TextChunk<'_>, page: &Page) {
    let mut st = page.state();
    let Some(held) = st.held.as_mut() else { return };
    if held.released {
        return;
    }
    held.text.push_str(chunk.as_str());
    if held.text.len() > MAX_HELD_TEXT {
        // Too long to be a tag snippet: give it back as it was and stop holding.
        let html = format!("{}{}", open_tag(held.tag, &held.attributes), held.text);
        held.released = true;
        held.text = String::new();
        chunk.replace(&html, ContentType::Html);
    } else {
        chunk.remove();
    }
}

fn on_iframe(el: &mut El<'_, '_>, page: &Page) -> HandlerResult {
    let src = el.get_attribute("src");
    let (category, vendor) = match mark_category(el) {
        Some(category) => (category, SITE_VENDOR.to_owned()),
        None => match src.as_deref().and_then(|s| page.trackers.for_url(s)) {
            Some(t) => {
                page.found(t);
                (t.category, t.vendor.to_owned())
            }
            None => return Ok(()),
        },
    };
    if page.allows(category) {
        if src.is_none() {
            if let Some(held) = el.get_attribute(HELD_SRC) {
                el.set_attribute("src", &held)?;
                el.remove_attribute("srcdoc");
                page.state().stats.activated += 1;
            }
        }
        return Ok(());
    }
    if let Some(src) = src {
        el.set_attribute(HELD_SRC, &src)?;
        el.remove_attribute("src");
    }
    el.set_attribute(MARK, category.as_str())?;
    // Attribute values are written raw: encode `&` so the placeholder's own character
    // references survive the attribute's decoding.
    let placeholder = (page.ctx.placeholder)(&vendor, category).replace('&', "&amp;");
    el.set_attribute("srcdoc", &placeholder)?;
    page.state().stats.embeds_blocked += 1;
    Ok(())
}

fn on_img(el: &mut El<'_, '_>, page: &Page) -> HandlerResult {
    let src = el.get_attribute("src");
    if let Some(category) = mark_category(el) {
        if page.allows(category) {
            if src.is_none() {
                if let Some(held) = el.get_attribute(HELD_SRC) {
                    el.set_attribute("src", &held)?;
                    page.state().stats.activated += 1;
                }
            }
        } else if let Some(src) = src {
            el.set_attribute(HELD_SRC, &src)?;
            el.remove_attribute("src");
            el.remove_attribute("srcset");
            page.state().stats.pixels_removed += 1;
        }
        return Ok(());
    }
    let tracker = src.as_deref().and_then(|s| page.trackers.for_url(s));
    if let Some(t) = tracker {
        page.found(t);
    }
    if tracker.is_some_and(|t| !page.allows(t.category)) {
        el.remove();
        page.state().stats.pixels_removed += 1;
    }
    Ok(())
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

fn on_link(el: &mut El<'_, '_>, page: &Page) {
    let Some(rel) = el.get_attribute("rel") else {
        return;
    };
    let hints = [
        "preconnect",
        "dns-prefetch",
        "preload",
        "prefetch",
        "modulepreload",
    ];
    let is_hint = rel
        .split_ascii_whitespace()
        .any(|r| hints.iter().any(|h| r.eq_ignore_ascii_case(h)));
    if !is_hint {
        return;
    }
    let href = el.get_attribute("href").unwrap_or_default();
    if page
        .trackers
        .for_url(&href)
        .is_some_and(|t| !page.allows(t.category))
    {
        el.remove();
        page.state().stats.links_removed += 1;
    }
}

/// A start tag from a name and attributes. Values are as lol_html gives them, raw from the
/// source (entities not decoded), so only a double quote needs escaping.
fn open_tag(tag: &str, attributes: &[(String, String)]) -> String {
    let mut html = String::with_capacity(16 + attributes.len() * 24);
    html.push('<');
    html.push_str(tag);
    for (name, value) in attributes {
        html.push(' ');
        html.push_str(name);
        if !value.is_empty() {
            html.push_str("=\"");
            for c in value.chars() {
                match c {
                    '"' => html.push_str("&quot;"),
                    c => html.push(c),
                }
            }
            html.push('"');
        }
    }
    html.push('>');
    html
}
