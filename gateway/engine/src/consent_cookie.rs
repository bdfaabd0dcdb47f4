//! The signed `consentry` cookie that carries a visitor's decision.
//!
//! Its value is `1.<consent id>.<grant bits>.<policy version>.<issued at>.<signature>`, where the
//! signature is HMAC-SHA256 over the site's name and the rest of the value, so a cookie from
//! one site is worthless on another.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Grants;

/// The cookie's name.
pub const CONSENT_COOKIE: &str = "consentry";

const FORMAT_VERSION: &str = "1";

/// What the consent cookie says, once its signature is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentCookie {
    /// The random id that ties the cookie to its records.
    pub consent_id: String,
    /// The categories granted.
    pub grants: Grants,
    /// The policy version the decision was made under.
    pub policy_version: u32,
    /// When the decision was made, in seconds since the Unix epoch.
    pub issued_at: u64,
}

/// Why a consent cookie does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidConsentCookie {
    /// Not of the expected shape.
    #[error("malformed consent cookie")]
    Malformed,
    /// The signature does not match: altered, forged, or from another site or key.
    #[error("consent cookie signature does not match")]
    BadSignature,
}

/// Signs and verifies consent cookies with the gateway's secret key.
#[derive(Clone)]
pub struct CookieSigner {
    key: Vec<u8>,
}

impl std::fmt::Debug for CookieSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CookieSigner { .. }")
    }
}

type HmacSha256 = Hmac<Sha256>;

impl CookieSigner {
    /// A signer with this key (at least 32 bytes are recommended).
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        CookieSigner { key: key.into() }
    }

    fn mac(&self, site: &str, payload: &str) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(site.as_bytes());
        mac.update(&[0]);
        mac.update(payload.as_bytes());
        mac
    }

    /// The cookie value for `cookie` on `site`.
    pub fn sign(&self, site: &str, cookie: &ConsentCookie) -> String {
        let payload = format!(
            "{FORMAT_VERSION}.{}.{}.{}.{}",
            cookie.consent_id,
            cookie.grants.bits(),
            cookie.policy_version,
            cookie.issued_at
        );
        let signature = URL_SAFE_NO_PAD.encode(self.mac(site, &payload).finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    /// Checks a cookie value's signature for `site` and reads it.
    pub fn verify(&self, site: &str, value: &str) -> Result<ConsentCookie, InvalidConsentCookie> {
        let (payload, signature) = value
            .rsplit_once('.')
            .ok_or(InvalidConsentCookie::Malformed)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| InvalidConsentCookie::Malformed)?;
        self.mac(site, payload)
            .verify_slice(&signature)
            .map_err(|_| InvalidConsentCookie::BadSignature)?;
        let mut parts = payload.split('.');
        let (Some(FORMAT_VERSION), Some(id), Some(bits), Some(policy), Some(issued), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(InvalidConsentCookie::Malformed);
        };
        let grants = bits
            .parse()
            .ok()
            .and_then(Grants::from_bits)
            .ok_or(InvalidConsentCookie::Malformed)?;
        Ok(ConsentCookie {
            consent_id: id.to_owned(),
            grants,
            policy_version: policy
                .parse()
                .map_err(|_| InvalidConsentCookie::Malformed)?,
            issued_at: issued
                .parse()
                .map_err(|_| InvalidConsentCookie::Malformed)?,
        })
    }
}

/// A new consent id from 16 random bytes.
pub fn consent_id_from(random: [u8; 16]) -> String {
    URL_SAFE_NO_PAD.encode(random)
}

#[cfg(test)]
mod tests {
    use consentry_config::Category;

    use super::*;

    fn cookie() -> ConsentCookie {
        ConsentCookie {
            consent_id: consent_id_from([7; 16]),
            grants: Grants::of([Category::Analytics]),
            policy_version: 3,
            issued_at: 1_700_000_000,
        }
    }

    #[test]
    fn signed_cookies_verify_and_round_trip() {
        let signer = CookieSigner::new(vec![1; 32]);
        let value = signer.sign("shop", &cookie());
        assert!(value
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b';' && b != b','));
        assert_eq!(signer.verify("shop", &value), Ok(cookie()));
    }

    #[test]
    fn tampering_other_sites_and_other_keys_are_refused() {
        let signer = CookieSigner::new(vec![1; 32]);
        let value = signer.sign("shop", &cookie());
        let upgraded = value.replacen(".5.", ".15.", 1);
        assert_ne!(upgraded, value);
        assert_eq!(
            signer.verify("shop", &upgraded),
            Err(InvalidConsentCookie::BadSignature)
        );
        assert_eq!(
            signer.verify("blog", &value),
            Err(InvalidConsentCookie::BadSignature)
        );
        assert_eq!(
            CookieSigner::new(vec![2; 32]).verify("shop", &value),
            Err(InvalidConsentCookie::BadSignature)
        );
        assert_eq!(
            signer.verify("shop", "garbage"),
            Err(InvalidConsentCookie::Malformed)
        );
        assert_eq!(
            signer.verify("shop", ""),
            Err(InvalidConsentCookie::Malformed)
        );
    }
}
