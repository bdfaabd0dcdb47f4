//! What a cookie's value and scope say beyond its name.
//!
//! The Open Cookie Database has no values nor attributes, so none of this was fitted nor can be
//! measured on it: these are fixed nudges, small except for value formats that only analytics and
//! advertising tags write. They move the scores (log-odds) the name model gives.

use cookie::SameSite;

use super::CookieShape;

/// Nudges to the scores of functional, analytics and marketing.
pub(super) type Nudge = [f32; 3];

/// Values longer than this are not inspected further (their start says enough).
const MAX_VALUE: usize = 512;

/// Thirty days: past this, an id-bearing cookie outlives any visit or cart.
const MONTH: u64 = 30 * 86_400;

/// The nudges for `shape`'s value, lifetime and scope.
pub(super) fn nudge(shape: &CookieShape<'_>) -> Nudge {
    let mut nudge = [0.0f32; 3];
    if let Some(value) = shape.value {
        let value = value.trim_matches('"').as_bytes();
        let value = &value[..value.len().min(MAX_VALUE)];
        if google_analytics(value) {
            // `GA1.2.1234567890.1700000000`, `GS1.1.…`: written by gtag.js and analytics.js.
            nudge[1] += 4.0;
        } else if meta_pixel(value) {
            // `fb.1.1700000000000.1234567890`: the Meta pixel's `_fbp` and `_fbc`.
            nudge[2] += 4.0;
        } else {
            let long_lived = shape.lifetime.seconds().is_some_and(|s| s > MONTH);
            if long_lived && has_random_id(value) {
                // A random id kept for months recognises a browser across visits.
                nudge[0] -= 0.5;
            }
            if has_timestamp(value) {
                // First-visit and last-visit times are how analytics counts sessions.
                nudge[0] -= 0.3;
            }
            if is_short_setting(value) {
                // `en`, `EUR`, `true`, `1`, `dark`: a setting or a flag, not an identifier.
                nudge[0] += 0.4;
            }
        }
    }
    if shape.domain.is_some() {
        // Widened from the host to every subdomain, as cross-subdomain analytics does.
        nudge[0] -= 0.2;
    }
    if shape.same_site == Some(SameSite::None) {
        // Made to be sent from other sites' pages.
        nudge[0] -= 0.4;
    }
    nudge
}

/// `GA1.<digit>.` or `GS<digit>.<digit>.`.
fn google_analytics(value: &[u8]) -> bool {
    match value {
        [b'G', b'A', b'1', b'.', d, b'.', ..] => d.is_ascii_digit(),
        [b'G', b'S', v, b'.', d, b'.', ..] => v.is_ascii_digit() && d.is_ascii_digit(),
        _ => false,
    }
}

/// `fb.<digit>.<digits>`.
fn meta_pixel(value: &[u8]) -> bool {
    matches!(value, [b'f', b'b', b'.', d, b'.', e, ..] if d.is_ascii_digit() && e.is_ascii_digit())
}

/// A run of at least 16 letters, digits, `-` or `_` that mixes letters and digits: a UUID, a
/// hex or base64 id.
fn has_random_id(value: &[u8]) -> bool {
    value
        .split(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_'))
        .any(|run| {
            run.len() >= 16
                && run.iter().any(u8::is_ascii_digit)
                && run.iter().any(u8::is_ascii_alphabetic)
        })
}

/// A run of exactly 10 or 13 digits starting with `1`: Unix time in seconds or milliseconds
/// (2001 to 2033).
fn has_timestamp(value: &[u8]) -> bool {
    value
        .split(|b| !b.is_ascii_digit())
        .any(|run| matches!(run.len(), 10 | 13) && run.first() == Some(&b'1'))
}

/// At most 8 letters, or at most 2 digits.
fn is_short_setting(value: &[u8]) -> bool {
    match value.len() {
        1..=2 => value.iter().all(u8::is_ascii_alphanumeric),
        3..=8 => value.iter().all(|b| b.is_ascii_alphabetic() || *b == b'-'),
        _ => false,
    }
}
