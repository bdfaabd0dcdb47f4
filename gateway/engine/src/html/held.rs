//! Holding an inline `<script>` or `<noscript>` back until its text is known: the start tag
//! is removed, the text is buffered, and at the end tag the element is written again, as it
//! was or neutralised.

use std::sync::Arc;

use lol_html::html_content::{ContentType, EndTag, TextChunk};
use lol_html::send::Element;
use lol_html::HandlerResult;

use super::handlers::{Page, HELD_TYPE, MARK};
use super::scripts::runnable_type;
use crate::trackers::Tracker;

/// Inline scripts longer than this are passed through unexamined rather than buffered.
const MAX_HELD_TEXT: usize = 512 * 1024;

/// An element being held.
#[derive(Debug)]
pub(super) struct Held {
    pub tag: &'static str,
    pub attributes: Vec<(String, String)>,
    pub text: String,
    /// Too long to hold: the start tag and the text so far have been written out already.
    pub released: bool,
}

/// The namespace of HTML elements, whose `<script>` and `<noscript>` hold nothing but text.
const HTML_NAMESPACE: &str = "http://www.w3.org/1999/xhtml";

/// Removes the start tag and buffers the content until the end tag decides.
///
/// Only an HTML element is held. In SVG or MathML a `<script>` or `<noscript>` holds markup,
/// whose tags would go out ahead of the buffered text, and a nested one would take the place
/// of the one held (found by fuzzing: `<svg><script>a<noscript>b</noscript>c</script>` lost
/// the script's start tag and `a` and wrote `b` twice). Such an element passes as it is.
pub(super) fn hold(el: &mut Element<'_, '_>, page: &Arc<Page>, tag: &'static str) -> HandlerResult {
    if el.namespace_uri() != HTML_NAMESPACE {
        return Ok(());
    }
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
    el.on_end_tag(Box::new(move |end: &mut EndTag<'_>| {
        let held = page.state().held.take();
        let Some(held) = held else { return Ok(()) };
        let html = if held.released {
            close_tag(held.tag)
        } else {
            decide(&held, &page)
        };
        end.before(&html, ContentType::Html);
        Ok(())
    }))
}

/// What a held element becomes, now that its text is known: as it was, neutralised whole
/// (a tag, a `<noscript>` pixel), or with the addresses it loads trackers from defused (the
/// site's own script that also starts a tracker).
fn decide(held: &Held, page: &Page) -> String {
    let allow = &page.ctx.allow;
    if held.tag == "noscript" {
        return match page.trackers.for_noscript(&held.text, allow) {
            Some(t) => {
                page.found(t);
                if page.allows(t.category) {
                    whole(held, &held.text)
                } else {
                    neutralised(held, t, page)
                }
            }
            None => whole(held, &held.text),
        };
    }
    let found = page.trackers.inline_script(&held.text, allow);
    if let Some(t) = found.tag {
        page.found(t);
        if !page.allows(t.category) {
            return neutralised(held, t, page);
        }
    }
    let mut cuts = Vec::new();
    for (at, t) in found.loaders {
        page.found(t);
        if !page.allows(t.category) {
            cuts.push(at);
        }
    }
    if cuts.is_empty() {
        return whole(held, &held.text);
    }
    page.state().stats.loaders_defused += u32::try_from(cuts.len()).unwrap_or(u32::MAX);
    whole(held, &defused(&held.text, &cuts))
}

/// What an address becomes when defused: `data:,//` before it makes it a data URL, which
/// loads nothing from the network: a script of it is one comment (without the `//`,
/// `https:` would be a label with no statement, a syntax error), an image of it fails.
const DEFUSED: &str = "data:,//";

/// `text` with [`DEFUSED`] put before the address at each of `cuts` (ascending).
fn defused(text: &str, cuts: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + cuts.len() * DEFUSED.len());
    let mut from = 0;
    for &at in cuts {
        let Some(piece) = text.get(from..at) else {
            continue;
        };
        out.push_str(piece);
        out.push_str(DEFUSED);
        from = at;
    }
    out.push_str(text.get(from..).unwrap_or(""));
    out
}

/// The held element as it was, with `text` as its text.
fn whole(held: &Held, text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 64);
    push_open_tag(
        &mut html,
        held.tag,
        held.attributes
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str())),
    );
    html.push_str(text);
    html.push_str(&close_tag(held.tag));
    html
}

fn close_tag(tag: &str) -> String {
    format!("</{tag}>")
}

/// The held element, neutralised: a script as inert text, a `<noscript>` pixel dropped.
fn neutralised(held: &Held, tracker: Tracker<'_>, page: &Page) -> String {
    let mut st = page.state();
    if held.tag == "noscript" {
        st.stats.pixels_removed += 1;
        return String::new();
    }
    st.stats.scripts_blocked += 1;
    drop(st);
    let kept = held
        .attributes
        .iter()
        .filter(|(name, _)| name != "type" && name != MARK)
        .map(|(n, v)| (n.as_str(), v.as_str()));
    // A page-speed tool's type becomes one the browser runs when the banner switches the
    // script on.
    let original_type = held
        .attributes
        .iter()
        .find(|(name, _)| name == "type")
        .and_then(|(_, ty)| runnable_type(ty))
        .map(|ty| (HELD_TYPE, ty));
    let added = [("type", "text/plain"), (MARK, tracker.category.as_str())];
    let mut html = String::with_capacity(held.text.len() + 128);
    push_open_tag(&mut html, "script", kept.chain(original_type).chain(added));
    html.push_str(&held.text);
    html.push_str("</script>");
    html
}

/// Buffers the text of a held element (and removes it from the output for now).
///
/// A chunk can come twice: lol_html still counts an SVG `<script>` as open when an HTML
/// element breaks out of the SVG, so its text handler also gets the text of a `<noscript>`
/// held after it (found by fuzzing: `<svg><script><i><noscript>wo` wrote `wowo`). A chunk
/// already taken is not taken again.
pub(super) fn on_held_text(chunk: &mut TextChunk<'_>, page: &Page) {
    if chunk.removed() {
        return;
    }
    let mut st = page.state();
    let Some(held) = st.held.as_mut() else { return };
    if held.released {
        return;
    }
    held.text.push_str(chunk.as_str());
    if held.text.len() > MAX_HELD_TEXT {
        // Too long to be a tag snippet: give it back as it was and stop holding.
        let mut html = open_tag(held.tag, &held.attributes);
        html.push_str(&held.text);
        held.released = true;
        held.text = String::new();
        chunk.replace(&html, ContentType::Html);
    } else {
        chunk.remove();
    }
}

/// A start tag from a name and attributes.
pub(super) fn open_tag(tag: &str, attributes: &[(String, String)]) -> String {
    let mut html = String::with_capacity(16 + attributes.len() * 24);
    push_open_tag(
        &mut html,
        tag,
        attributes.iter().map(|(n, v)| (n.as_str(), v.as_str())),
    );
    html
}

/// Writes a start tag. Values are as lol_html gives them, raw from the source (entities not
/// decoded), so only a double quote needs escaping.
fn push_open_tag<'a>(
    html: &mut String,
    tag: &str,
    attributes: impl Iterator<Item = (&'a str, &'a str)>,
) {
    html.push('<');
    html.push_str(tag);
    for (name, value) in attributes {
        html.push(' ');
        html.push_str(name);
        if !value.is_empty() {
            html.push_str("=\"");
            let mut rest = value;
            while let Some(i) = rest.find('"') {
                html.push_str(&rest[..i]);
                html.push_str("&quot;");
                rest = &rest[i + 1..];
            }
            html.push_str(rest);
            html.push('"');
        }
    }
    html.push('>');
}
