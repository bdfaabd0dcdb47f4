//! Reading inline scripts and `<noscript>` markup for the trackers they load.
//!
//! One automaton finds, in one pass, the catalogue's path signatures and script signatures,
//! the words that load something (`createElement(`, `.src=`, `document.write(`, ...) and the
//! names of consent platforms; tracker hosts are found as the ends of host-shaped words
//! (`www.google-analytics.com`), each looked up in the catalogue's map of hosts. What is found
//! then counts only where it loads something, so that a first-party script that merely names
//! a tracker keeps working:
//!
//! - a host counts where it is a whole host (`t.co` is not in `bit.com` nor `t.com`), in a
//!   URL (`//host`, `https:\/\/host`) or at the start of a string, with a loading word
//!   within [`WINDOW`] bytes of it in a tag, right before it in a longer script: a social
//!   link in a site's config (`"https://facebook.com/acme"`) is no loader;
//! - a path signature counts the same way, as the URL around it says;
//! - a script signature (`fbq(`, `gtag(`) counts in a tag-sized script only: a large inline
//!   bundle that calls `fbq` if it is there is the site's own code;
//! - a tag-sized script that loads a tracker is held back whole (the banner switches it on);
//!   in a longer one, the site's own code, only the addresses are defused, so the rest runs;
//! - a consent platform's script (Cookiebot, OneTrust, Usercentrics...: their configs list
//!   vendor domains) is never a tracker.
//!
//! In a `<noscript>`, a URL counts when it is the value of an attribute that loads it (`src`,
//! `srcset`, `data`, `poster`).

use std::borrow::Cow;

use super::allow::Allowlist;
use super::paths::is_name_byte;
use super::{Meta, TrackerIndex};

/// How far from a loading word a tracker's address may be and still count as loaded by it,
/// in a tag-sized script (a snippet passes the address to the loader a few lines down).
const WINDOW: usize = 512;

/// In a script longer than a tag, where `createElement(` may be anywhere and a link to the
/// site's social page may sit next to a loader, the loading word must come right before
/// the address (`s.src = "https://..."`, `(window, document, 'script', 'https://...'`).
const NEAR_WINDOW: usize = 40;

/// An inline script up to this long can be a tracker's tag, held back whole and switched on
/// by the banner. A longer one is the site's own code, perhaps with a loader inside (a shop's
/// config that also starts Tag Manager): it runs, with only the addresses it loads
/// trackers from defused.
const TAG_LIMIT: usize = 8 * 1024;

/// Words that load a script, frame or image, or send a request.
pub(super) const LOADERS: [&str; 28] = [
    "createElement(",
    "src=",
    "src =",
    "src:",
    "src\":",
    "write(",
    "writeln(",
    "Image(",
    "sendBeacon(",
    "fetch(",
    "import(",
    "importScripts(",
    "getScript(",
    "loadScript(",
    "appendChild(",
    "insertBefore(",
    "setAttribute(",
    "Script(",
    "script(",
    "JS(",
    "Js(",
    "document,",
    "'script'",
    "\"script\"",
    "XMLHttpRequest",
    "<iframe",
    "<img",
    ".ajax(",
];

/// Names found only in consent platforms' own scripts and configs.
pub(super) const CONSENT_PLATFORMS: [&str; 24] = [
    "Cookiebot",
    "OneTrust",
    "Optanon",
    "usercentrics",
    "Usercentrics",
    "UC_UI",
    "didomi",
    "Didomi",
    "klaroConfig",
    "CookieYes",
    "cookieyes",
    "BorlabsCookie",
    "borlabs-cookie",
    "cmplz",
    "complianz",
    "_iub",
    "iubenda",
    "__tcfapiLocator",
    "consentmanager",
    "tarteaucitron",
    "axeptioSettings",
    "CookieFirst",
    "CookieScript",
    "gdprAppliesGlobally",
];

/// What a pattern of the inline automaton is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pattern {
    /// A path signature of a tracker file.
    Path,
    /// A script signature.
    Signature(Meta),
    /// A word that loads something.
    Loader,
    /// A consent platform's name.
    ConsentPlatform,
}

/// An address of a tracker that the text may load, at `start..end` of it.
#[derive(Debug, Clone, Copy)]
enum Hit {
    /// A tracker host, ending the host-shaped word that starts at `word`.
    Host { word: usize },
    /// A path signature of a tracker file.
    Path,
}

/// Where the text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// An inline `<script>`.
    Script,
    /// The markup of a `<noscript>`.
    Noscript,
}

/// What an inline script or `<noscript>` loads.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// The most intrusive tracker of a tag-sized script or a `<noscript>`: held back whole.
    pub tag: Option<Meta>,
    /// In a script longer than a tag: where each address it loads a tracker from starts
    /// (in the text as given), with that tracker, in order.
    pub loaders: Vec<(usize, Meta)>,
}

/// What `text` loads, as the module's rules say.
pub(super) fn scan(index: &TrackerIndex, text: &str, source: Source, allow: &Allowlist) -> Found {
    let mut found = Found::default();
    let Some(matcher) = index.inline.as_ref() else {
        return found;
    };
    let is_tag = source == Source::Noscript || text.len() <= TAG_LIMIT;
    // Pieces are joined in a tag only: in a longer script the addresses found are defused
    // where they are, so they must be found where they are.
    let text: Cow<'_, str> = if source == Source::Script && is_tag {
        join_pieces(text).map_or(Cow::Borrowed(text), Cow::Owned)
    } else {
        Cow::Borrowed(text)
    };
    let bytes = text.as_bytes();
    let mut loaders: Vec<usize> = Vec::new();
    let mut candidates: Vec<(usize, usize, Hit)> = host_words(index, &text);
    for m in matcher.find_overlapping_iter(text.as_ref()) {
        let Some(&pattern) = index.inline_meta.get(m.pattern().as_usize()) else {
            continue;
        };
        match (pattern, source) {
            (Pattern::ConsentPlatform, Source::Script) => return Found::default(),
            (Pattern::Loader, _) => loaders.push(m.start()),
            (Pattern::Signature(meta), Source::Script) if is_tag => {
                keep_most_intrusive(&mut found.tag, meta)
            }
            (Pattern::Path, _) => candidates.push((m.start(), m.end(), Hit::Path)),
            _ => {}
        }
    }
    // In the order the text has them, by where each ends, as one automaton over both found
    // them: of two trackers equally intrusive, the first counts.
    candidates.sort_by_key(|&(_, end, _)| end);
    let (before, after) = if is_tag {
        (WINDOW, WINDOW)
    } else {
        (NEAR_WINDOW, 0)
    };
    for (start, end, hit) in candidates {
        let loaded = match source {
            Source::Script => loaders
                .iter()
                .any(|&l| l + before >= start && l <= end + after),
            Source::Noscript => true,
        };
        if !loaded {
            continue;
        }
        let around = match hit {
            Hit::Host { word } => url_around_host(bytes, word, end),
            Hit::Path => url_around_path(bytes, start, end).map(|(at, url)| (at, url, true)),
        };
        let Some((url_start, url, written_as_url)) = around else {
            continue;
        };
        // Only a URL is defused in the site's own code: a host alone in a string there is
        // as often compared or replaced (`a.replace("img.youtube.com", ...)`) as loaded.
        if !is_tag && !written_as_url {
            continue;
        }
        if source == Source::Noscript && !in_loading_attribute(bytes, url_start) {
            continue;
        }
        if allow.allows_url(&url) {
            continue;
        }
        let Some(meta) = index.url_meta(&url) else {
            continue;
        };
        if is_tag {
            keep_most_intrusive(&mut found.tag, meta);
        } else {
            match found.loaders.iter_mut().find(|(at, _)| *at == url_start) {
                Some((_, kept)) if meta.0 > kept.0 => *kept = meta,
                Some(_) => {}
                None => found.loaders.push((url_start, meta)),
            }
        }
    }
    found.loaders.sort_by_key(|(at, _)| *at);
    found
}

/// The tracker hosts in `text`, as `(start, end, Hit::Host)`: each word of host bytes
/// (letters, digits, `-` and `.`; trailing dots aside) that a tracker host ends, from where
/// the longest such host starts. A host inside a longer name (`t.co` in `bit.co`, `t.com` or
/// `t.co-op`) ends no word at a dot, so it is not found; which of the found ones count is for
/// the rules of [`scan`]. One pass, and a lookup of each word and its parent domains in the
/// catalogue's map of hosts, where an automaton over its thousands of hosts took 6 ms to build.
fn host_words(index: &TrackerIndex, text: &str) -> Vec<(usize, usize, Hit)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_host_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let mut start = i;
        while i < bytes.len() && is_host_byte(bytes[i]) {
            i += 1;
        }
        // `%2Fhost`: the word starts after the encoded slash.
        if after_encoded_slash(bytes, start + 2) && start + 2 < i {
            start += 2;
        }
        // Host bytes are ASCII, so both ends are character boundaries.
        let Some(word) = text.get(start..i) else {
            continue;
        };
        let word = word.trim_end_matches('.');
        if let Some(at) = index.tracker_host_within(word) {
            found.push((start + at, start + word.len(), Hit::Host { word: start }));
        }
    }
    found
}

fn keep_most_intrusive(best: &mut Option<Meta>, meta: Meta) {
    if best.is_none_or(|b| meta.0 > b.0) {
        *best = Some(meta);
    }
}

/// Joins string pieces a loader split to hide what it writes (`'<sc'+'ript'`,
/// `"//www.google" + "-analytics.com"`): a quote, `+` and a quote, with spaces between,
/// are taken out. `None` when there is nothing to join.
fn join_pieces(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let is_quote = |b: u8| matches!(b, b'\'' | b'"');
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'+') {
        let plus = i + offset;
        i = plus + 1;
        let before = bytes[..plus].iter().rposition(|b| !b.is_ascii_whitespace());
        let after = bytes[plus + 1..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|p| plus + 1 + p);
        if let (Some(b), Some(a)) = (before, after) {
            if is_quote(bytes[b]) && is_quote(bytes[a]) && cuts.last().is_none_or(|c| c.1 <= b) {
                cuts.push((b, a + 1));
                i = a + 1;
            }
        }
    }
    if cuts.is_empty() {
        return None;
    }
    let mut joined = String::with_capacity(text.len());
    let mut from = 0;
    for (cut_start, cut_end) in cuts {
        joined.push_str(text.get(from..cut_start)?);
        from = cut_end;
    }
    joined.push_str(text.get(from..)?);
    Some(joined)
}

/// A byte of a host name.
fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// A byte that ends a URL written in a script or in markup.
fn ends_url(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'\''
                | b'"'
                | b'`'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'{'
                | b'}'
                | b'['
                | b']'
                | b','
                | b';'
        )
}

/// The URL a tracker host is part of, the host-shaped word it ends running over
/// `host_start..end` (see [`host_words`]): its start in `bytes`, its text (`//host/path`,
/// JSON's `\/` and percent-encoded slashes unescaped), and whether it is written as a URL
/// (`//host`) rather than a string that starts with the host. `None` when the word goes on
/// as a longer name (`_`), or is not where a URL or a host string begins.
fn url_around_host(bytes: &[u8], host_start: usize, end: usize) -> Option<(usize, String, bool)> {
    let name_byte_at = |i: usize| bytes.get(i).copied().is_some_and(is_name_byte);
    let name_before = host_start > 0 && name_byte_at(host_start - 1);
    if name_byte_at(end) || (name_before && !after_encoded_slash(bytes, host_start)) {
        return None;
    }
    let before = &bytes[..host_start];
    let percent_encoded =
        before.len() >= 6 && before[before.len() - 6..].eq_ignore_ascii_case(b"%2f%2f");
    let (url_start, written_as_url) = if before.ends_with(b"//") {
        (scheme_start(bytes, host_start - 2), true)
    } else if before.ends_with(b"\\/\\/") {
        (scheme_start(bytes, host_start - 4), true)
    } else if percent_encoded {
        (host_start - 6, true)
    } else if before
        .last()
        .is_some_and(|&b| matches!(b, b'\'' | b'"' | b'`'))
    {
        (host_start, false)
    } else {
        return None;
    };
    let url_end = url_end(bytes, end);
    let mut url = String::from("//");
    push_unescaped(&mut url, bytes.get(host_start..url_end)?);
    // Written percent-encoded (`%2F%2Fhost%2Fpath`, a URL passed as a parameter): its
    // slashes too, so that the host ends where it does.
    if percent_encoded {
        url = url.replace("%2F", "/").replace("%2f", "/");
    }
    Some((url_start, url, written_as_url))
}

/// Whether `%2F` (a slash, percent-encoded) comes right before `at`.
fn after_encoded_slash(bytes: &[u8], at: usize) -> bool {
    at >= 3
        && bytes
            .get(at - 3..at)
            .is_some_and(|b| b.eq_ignore_ascii_case(b"%2f"))
}

/// Where the scheme before the `//` at `slashes` starts (`https:`, `https:\/\/`), or
/// `slashes` when there is none.
fn scheme_start(bytes: &[u8], slashes: usize) -> usize {
    let Some(colon) = slashes.checked_sub(1).filter(|&c| bytes[c] == b':') else {
        return slashes;
    };
    bytes[..colon]
        .iter()
        .rposition(|b| !b.is_ascii_alphabetic())
        .map_or(0, |i| i + 1)
}

/// Where a URL that runs through `from` ends.
fn url_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        if ends_url(b) || (b == b'\\' && bytes.get(i + 1) != Some(&b'/')) {
            break;
        }
        i += 1;
    }
    i
}

/// The URL a path signature found at `start..end` is part of: its start and its text.
fn url_around_path(bytes: &[u8], start: usize, end: usize) -> Option<(usize, String)> {
    let url_start = bytes[..start]
        .iter()
        .rposition(|&b| ends_url(b) || matches!(b, b'=' | b'+'))
        .map_or(0, |i| i + 1);
    let url_end = url_end(bytes, end);
    let mut url = String::new();
    push_unescaped(&mut url, bytes.get(url_start..url_end)?);
    Some((url_start, url))
}

/// Appends `piece` with JSON's escaped slashes (`\/`) unescaped.
fn push_unescaped(out: &mut String, piece: &[u8]) {
    let piece = String::from_utf8_lossy(piece);
    if piece.contains("\\/") {
        out.push_str(&piece.replace("\\/", "/"));
    } else {
        out.push_str(&piece);
    }
}

/// Whether the URL starting at `url_start` is the value of an attribute that loads it:
/// `src`, `data-src` and other `*src`, `srcset`, `data`, `poster`.
fn in_loading_attribute(bytes: &[u8], url_start: usize) -> bool {
    let mut i = url_start;
    let skip_spaces = |mut i: usize| {
        while i > 0 && bytes[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        i
    };
    if i > 0 && matches!(bytes[i - 1], b'"' | b'\'') {
        i -= 1;
    }
    i = skip_spaces(i);
    if i == 0 || bytes[i - 1] != b'=' {
        return false;
    }
    let name_end = skip_spaces(i - 1);
    let name_start = bytes[..name_end]
        .iter()
        .rposition(|&b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map_or(0, |p| p + 1);
    let name = String::from_utf8_lossy(&bytes[name_start..name_end]).to_ascii_lowercase();
    name.ends_with("src") || matches!(name.as_str(), "srcset" | "data" | "poster")
}
