//! Images and links that make the browser contact a tracker: an image (a pixel, an embed's
//! thumbnail) is kept inert in its place for the banner to switch on, a hint or stylesheet
//! to a tracker host is removed.

use lol_html::HandlerResult;

use super::handlers::{mark_category, tracker_at, El, Page, HELD_SRC, MARK};
use crate::trackers::Tracker;

/// Where lazy loaders keep an image's address (or set of addresses) until it is in view.
const LAZY_IMAGE: [&str; 4] = [
    "data-src",
    "data-lazy-src",
    "data-srcset",
    "data-lazy-srcset",
];

/// Links that make the browser fetch or contact their `href` before any script runs.
const LOADING_RELS: [&str; 7] = [
    "preconnect",
    "dns-prefetch",
    "preload",
    "prefetch",
    "modulepreload",
    "prerender",
    "stylesheet",
];

/// The first tracker among the addresses of a `src` or `srcset` value.
fn tracker_in<'p>(page: &'p Page, name: &str, value: &str) -> Option<Tracker<'p>> {
    if name.ends_with("srcset") {
        value
            .split(',')
            .filter_map(|candidate| candidate.split_ascii_whitespace().next())
            .find_map(|url| tracker_at(page, url))
    } else {
        tracker_at(page, value)
    }
}

pub(super) fn on_img(el: &mut El<'_, '_>, page: &Page) -> HandlerResult {
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
    let tracker = src
        .as_deref()
        .and_then(|s| tracker_at(page, s))
        .or_else(|| {
            std::iter::once("srcset")
                .chain(LAZY_IMAGE)
                .find_map(|name| tracker_in(page, name, &el.get_attribute(name)?))
        });
    let Some(t) = tracker else { return Ok(()) };
    page.found(t);
    if page.allows_tracker(t) {
        return Ok(());
    }
    // Kept in place, inert, so that the banner can switch it on: a pixel that loads after
    // consent counts the visit the visitor agreed to; a thumbnail keeps its box. A lazy
    // image's real address is the lazy one (its `src` a placeholder, which stays).
    let lazy = LAZY_IMAGE
        .iter()
        .filter(|name| !name.ends_with("srcset"))
        .find_map(|name| el.get_attribute(name));
    let placeholder = src
        .as_deref()
        .is_some_and(|s| s.trim_start().starts_with("data:"));
    if let Some(held) = lazy.or(src.filter(|_| !placeholder)) {
        el.set_attribute(HELD_SRC, &held)?;
    }
    if !placeholder {
        el.remove_attribute("src");
    }
    for name in std::iter::once("srcset").chain(LAZY_IMAGE) {
        el.remove_attribute(name);
    }
    el.set_attribute(MARK, t.category.as_str())?;
    page.state().stats.pixels_removed += 1;
    Ok(())
}

pub(super) fn on_link(el: &mut El<'_, '_>, page: &Page) {
    let Some(rel) = el.get_attribute("rel") else {
        return;
    };
    let loads = rel
        .split_ascii_whitespace()
        .any(|r| LOADING_RELS.iter().any(|h| r.eq_ignore_ascii_case(h)));
    if !loads {
        return;
    }
    let href = el.get_attribute("href").unwrap_or_default();
    if tracker_at(page, &href).is_some_and(|t| !page.allows_tracker(t)) {
        el.remove();
        page.state().stats.links_removed += 1;
    }
}
