//! The optional second factor: TOTP (RFC 6238) with SHA-1, 30-second steps and 6 digits, as
//! every authenticator app reads it from an `otpauth://` URI. A code is accepted one step
//! either side of now, and never twice (RFC 6238 §5.2).

use data_encoding::BASE32_NOPAD;
use totp_lite::{totp_custom, Sha1};

/// Seconds per step.
pub const STEP: u64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// The secret's length in bytes (160 bits, as RFC 4226 recommends for SHA-1).
const SECRET_BYTES: usize = 20;

/// A new secret, base32 without padding, from host-given random bytes.
pub fn new_secret(random: [u8; 32]) -> String {
    BASE32_NOPAD.encode(&random[..SECRET_BYTES])
}

/// The URI an authenticator app scans or opens: `otpauth://totp/Consentry:NAME?...`.
pub fn otpauth_uri(secret: &str, user: &str) -> String {
    let label: String = form_urlencoded::byte_serialize(format!("Consentry:{user}").as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!(
        "otpauth://totp/{label}?secret={secret}&issuer=Consentry&algorithm=SHA1&digits={DIGITS}&period={STEP}"
    )
}

/// The step of a code that matches the secret at `now` (one step either side), later than
/// `last_step` (the last one accepted); `None` otherwise.
pub fn verify(secret: &str, code: &str, now: u64, last_step: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    let current = now / STEP;
    let mut matched = None;
    // Every candidate is computed and compared, so the time taken says nothing of which.
    for step in current.saturating_sub(1)..=current + 1 {
        let expected = totp_custom::<Sha1>(STEP, DIGITS, &key, step * STEP);
        if super::accounts::same(expected.as_bytes(), code.as_bytes()) && step > last_step {
            matched = Some(step);
        }
    }
    matched
}

/// The code for `secret` at `now`, as an authenticator app shows it (for tests and tools).
pub fn code_at(secret: &str, now: u64) -> Option<String> {
    let key = BASE32_NOPAD.decode(secret.as_bytes()).ok()?;
    Some(totp_custom::<Sha1>(STEP, DIGITS, &key, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_6238_sha1_vectors_pass() {
        // RFC 6238 appendix B, SHA-1, the last 6 of its 8 digits.
        let secret = BASE32_NOPAD.encode(b"12345678901234567890");
        assert_eq!(code_at(&secret, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(&secret, 1_111_111_109).as_deref(), Some("081804"));
        assert_eq!(code_at(&secret, 2_000_000_000).as_deref(), Some("279037"));
    }

    #[test]
    fn codes_are_taken_one_step_either_side_and_only_once() {
        let secret = new_secret([7; 32]);
        let now = 1_000_000_000;
        let code = code_at(&secret, now).expect("code");
        let step = now / STEP;
        assert_eq!(verify(&secret, &code, now, 0), Some(step));
        assert_eq!(verify(&secret, &code, now + STEP, 0), Some(step));
        assert_eq!(verify(&secret, &code, now - STEP, 0), Some(step));
        assert_eq!(verify(&secret, &code, now + 3 * STEP, 0), None);
        assert_eq!(verify(&secret, &code, now, step), None, "replayed");
        assert_eq!(verify(&secret, "12345", now, 0), None);
        assert_eq!(verify(&secret, "abcdef", now, 0), None);
    }

    #[test]
    fn the_uri_names_the_account_and_the_parameters() {
        let uri = otpauth_uri("ABC", "ann@example");
        assert_eq!(
            uri,
            "otpauth://totp/Consentry%3Aann%40example?secret=ABC&issuer=Consentry&algorithm=SHA1&digits=6&period=30"
        );
    }
}
