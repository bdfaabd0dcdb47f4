//! `<script>` elements: by their address, or held back until their text is known.
//!
//! Page-speed tools hold scripts back under types of their own and run them later (WP
//! Rocket's `rocketlazyloadscript` with `data-rocket-src`, LiteSpeed's `litespeed/javascript`
//! with `data-src`, Cloudflare Rocket Loader's `<hash>-text/javascript`, Perfmatters,
//! Partytown); those are scripts too. A blocked one is kept as a plain script the banner can
//! switch on: its address in `src`, its type one a browser runs.

use std::sync::Arc;

use consentry_config::{Category, TrackerKind};
use lol_html::html_content::ContentType;
use lol_html::HandlerResult;

use super::handlers::{mark_category, tracker_at, El, Page, HELD_TYPE, MARK};
use super::held::hold;
use crate::trackers::Tracker;

/// Where scripts loaded later keep their address when they have no `src`.
const DEFERRED_SRC: [&str; 4] = [
    "data-rocket-src",
    "data-src",
    "data-lazy-src",
    "data-pmdelayedscript",
];

/// Types that page-speed tools give the scripts they run later.
const DEFERRED_TYPES: [&str; 6] = [
    "rocketlazyloadscript",
    "pmdelayedscript",
    "text/partytown",
    "flying-scripts",
    "text/javascript-lazy",
    "lazyloadscript",
];

/// Whether a script of this type runs, now or later (a page-speed tool's type).
pub(super) fn is_javascript_type(ty: Option<&str>) -> bool {
    let Some(ty) = ty else { return true };
    let ty = ty.trim();
    ty.is_empty()
        || ty.eq_ignore_ascii_case("module")
        || is_deferred_type(ty)
        || ["javascript", "ecmascript", "jscript", "livescript"]
            .into_iter()
            .any(|kind| contains_ignore_ascii_case(ty, kind))
}

/// Whether a page-speed tool holds a script of this type back to run it itself.
fn is_deferred_type(ty: &str) -> bool {
    let ty = ty.trim();
    DEFERRED_TYPES.iter().any(|d| ty.eq_ignore_ascii_case(d))
        || ty.eq_ignore_ascii_case("litespeed/javascript")
        || ends_with_ignore_ascii_case(ty, "-text/javascript")
        || ends_with_ignore_ascii_case(ty, "-module")
}

/// The type a blocked script gets back when the banner switches it on: its own, or for a
/// page-speed tool's type one the browser runs (the tool's own pass is over by then).
pub(super) fn runnable_type(ty: &str) -> Option<&str> {
    if !is_deferred_type(ty) {
        return Some(ty);
    }
    if ends_with_ignore_ascii_case(ty.trim(), "-module") {
        Some("module")
    } else {
        None
    }
}

fn ends_with_ignore_ascii_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Whether `haystack` contains `needle` (ASCII lowercase), ignoring ASCII case.
pub(super) fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

pub(super) fn on_script(el: &mut El<'_, '_>, page: &Arc<Page>) -> HandlerResult {
    // Consent Mode defaults must run before any tag, even on a page without <head>.
    if page.take_head() {
        el.before(&page.ctx.head_html, ContentType::Html);
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
            block_script(el, ty.as_deref(), category, None)?;
            page.state().stats.scripts_blocked += 1;
        }
        return Ok(());
    }
    if !is_javascript_type(ty.as_deref()) {
        return Ok(());
    }
    let (src, deferred_src) = match el.get_attribute("src") {
        Some(src) => (Some(src), false),
        None => (
            DEFERRED_SRC.iter().find_map(|name| el.get_attribute(name)),
            true,
        ),
    };
    if let Some(src) = src {
        let tracker = tracker_at(page, &src).or_else(|| plausible_proxied(el, &src));
        if let Some(tracker) = tracker {
            page.found(tracker);
            if !page.allows_tracker(tracker) {
                let moved = deferred_src.then_some(src.as_str());
                block_script(el, ty.as_deref(), tracker.category, moved)?;
                page.state().stats.scripts_blocked += 1;
            }
        }
        return Ok(());
    }
    if page.allows_everything() {
        return Ok(());
    }
    hold(el, page, "script")
}

/// Plausible served through the site's own paths (`/js/script.js` with `data-domain` and
/// `data-api`): its attributes give it away where its address does not.
fn plausible_proxied(el: &El<'_, '_>, src: &str) -> Option<Tracker<'static>> {
    let named = contains_ignore_ascii_case(src, "plausible")
        || (el.has_attribute("data-api") && contains_ignore_ascii_case(src, "/script."));
    (el.has_attribute("data-domain") && named).then_some(Tracker {
        vendor: "Plausible",
        category: Category::Analytics,
        kind: TrackerKind::Tracker,
        withheld: false,
    })
}

/// Turns a script into inert text that the banner can switch on later. A script a
/// page-speed tool would load later gets its address in `src` (`moved_src`), so that the
/// banner loads it.
fn block_script(
    el: &mut El<'_, '_>,
    ty: Option<&str>,
    category: Category,
    moved_src: Option<&str>,
) -> HandlerResult {
    if let Some(ty) = ty {
        match runnable_type(ty) {
            Some(runnable) => el.set_attribute(HELD_TYPE, runnable)?,
            None => el.remove_attribute(HELD_TYPE),
        }
    }
    if let Some(src) = moved_src {
        el.set_attribute("src", src)?;
    }
    el.set_attribute("type", "text/plain")?;
    el.set_attribute(MARK, category.as_str())?;
    Ok(())
}
