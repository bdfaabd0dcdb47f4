//! Frames: an embed (a player, a map, a post) from a tracker host, or one the site marked,
//! shows a click-to-load placeholder with the vendor's name until its category is granted.
//!
//! Lazy-loaded frames keep their address in `data-src` or `data-lazy-src` until a
//! first-party loader copies it into `src`; a blocked one loses that attribute (the loader
//! then has nothing to copy) and keeps the address where the banner finds it.

use lol_html::HandlerResult;

use super::handlers::{mark_category, tracker_at, El, Page, HELD_SRC, MARK};

/// The vendor name shown for embeds the site marked itself.
const SITE_VENDOR: &str = "this site";

/// Where lazy loaders (lazysizes, WP Rocket, LiteSpeed, vanilla-lazyload) keep a frame's
/// address until it scrolls into view.
const LAZY_SRC: [&str; 3] = ["data-src", "data-lazy-src", "data-litespeed-src"];

pub(super) fn on_iframe(el: &mut El<'_, '_>, page: &Page) -> HandlerResult {
    let src = el.get_attribute("src");
    let lazy = LAZY_SRC
        .iter()
        .find_map(|name| el.get_attribute(name).map(|value| (*name, value)));
    let src_tracker = src.as_deref().and_then(|s| tracker_at(page, s));
    let lazy_tracker = lazy.as_ref().and_then(|(_, v)| tracker_at(page, v));
    let marked = mark_category(el);
    let (category, vendor, allowed) = match (marked, src_tracker.or(lazy_tracker)) {
        (Some(category), _) => (category, SITE_VENDOR, page.allows(category)),
        (None, Some(t)) => {
            page.found(t);
            (t.category, t.vendor, page.allows_tracker(t))
        }
        (None, None) => return Ok(()),
    };
    if allowed {
        if src.is_none() {
            if let Some(held) = el.get_attribute(HELD_SRC) {
                el.set_attribute("src", &held)?;
                el.remove_attribute("srcdoc");
                page.state().stats.activated += 1;
            }
        }
        return Ok(());
    }
    let holds_src = src.is_some() && (marked.is_some() || src_tracker.is_some());
    if let Some(src) = src.as_deref().filter(|_| holds_src) {
        el.set_attribute(HELD_SRC, src)?;
        el.remove_attribute("src");
    }
    if let Some((name, value)) = lazy.filter(|_| marked.is_some() || lazy_tracker.is_some()) {
        if !holds_src {
            el.set_attribute(HELD_SRC, &value)?;
        }
        el.remove_attribute(name);
    }
    el.set_attribute(MARK, category.as_str())?;
    // Attribute values are written raw: encode `&` so the placeholder's own character
    // references survive the attribute's decoding.
    let placeholder = (page.ctx.placeholder)(vendor, category).replace('&', "&amp;");
    el.set_attribute("srcdoc", &placeholder)?;
    page.state().stats.embeds_blocked += 1;
    Ok(())
}
