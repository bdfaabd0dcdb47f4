//! The signed consent cookie: verifying any value never panics and never accepts a value the
//! key did not sign; a signed cookie verifies to what was signed.
//!
//! Input: a mode byte, then either cookie values separated by newlines (checked against a
//! policy and a clock from the input) or the fields of a cookie to sign and read back.
#![no_main]

use consentry_engine::{
    consent_id_from, ConsentCookie, CookieSigner, Grants, Policy, VisitorConsent,
};
use libfuzzer_sys::fuzz_target;

const SITE: &str = "site0";

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut bytes = [0; 8];
    for (i, b) in data.iter().skip(at).take(8).enumerate() {
        bytes[i] = *b;
    }
    u64::from_le_bytes(bytes)
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let signer = CookieSigner::new(vec![7; 32]);
    if mode % 2 == 0 {
        // Values a visitor sent.
        if rest.len() < 20 {
            return;
        }
        let policy = Policy {
            version: u32::try_from(u64_at(rest, 0) & 0xffff_ffff).unwrap_or(0),
            lifetime_secs: u64_at(rest, 4),
        };
        let now = u64_at(rest, 12);
        let text = String::from_utf8_lossy(&rest[20..]);
        for value in text.split('\n') {
            if let Ok(cookie) = signer.verify(SITE, value) {
                // Only the key makes a valid signature: whatever verifies is what it signed.
                assert_eq!(signer.sign(SITE, &cookie), value);
            }
        }
        let consent =
            VisitorConsent::evaluate(text.split('\n'), SITE, &signer, policy, mode & 2 != 0, now);
        match &consent.decision {
            Some(cookie) => assert_eq!(consent.grants, cookie.grants),
            None => assert_eq!(consent.grants, Grants::NECESSARY_ONLY),
        }
    } else {
        // A cookie this gateway signs reads back the same, and only for its own site.
        if rest.len() < 29 {
            return;
        }
        let mut id = [0; 16];
        id.copy_from_slice(&rest[..16]);
        let cookie = ConsentCookie {
            consent_id: consent_id_from(id),
            grants: consentry_fuzz::grants(rest[16]),
            policy_version: u32::try_from(u64_at(rest, 17) & 0xffff_ffff).unwrap_or(0),
            issued_at: u64_at(rest, 21),
        };
        let value = signer.sign(SITE, &cookie);
        assert_eq!(signer.verify(SITE, &value), Ok(cookie.clone()));
        assert!(signer.verify("site1", &value).is_err());
        let policy = Policy {
            version: cookie.policy_version,
            lifetime_secs: 1000,
        };
        let consent = VisitorConsent::evaluate(
            [value.as_str()],
            SITE,
            &signer,
            policy,
            false,
            cookie.issued_at.saturating_add(10),
        );
        if cookie.issued_at < u64::MAX - 1000 {
            assert_eq!(consent.decision, Some(cookie));
        }
    }
});
