//! The day's salt: unique visitors are counted from a keyed hash of site, network and user
//! agent under a salt that lives in memory for one (UTC) day and is then forgotten. It is
//! never written anywhere, so yesterday's hashes cannot be recomputed or linked to today's.

use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// The UTC day (days since the Unix epoch) of a time.
pub fn day_of(now: u64) -> u32 {
    u32::try_from(now / DAY).unwrap_or(u32::MAX)
}

/// The salt of the current day, replaced on the first use of each new day.
#[derive(Default)]
pub struct DailySalt {
    current: Mutex<Option<(u32, [u8; 32])>>,
}

impl std::fmt::Debug for DailySalt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The salt itself is never printed.
        f.debug_struct("DailySalt").finish_non_exhaustive()
    }
}

impl DailySalt {
    /// The salt of `day`; `fresh` gives 32 random bytes when a new one is needed.
    /// The salt is never written anywhere.
    fn salt(&self, day: u32, fresh: &dyn Fn() -> [u8; 32]) -> [u8; 32] {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        match *current {
            Some((d, salt)) if d == day => salt,
            _ => {
                let salt = fresh();
                *current = Some((day, salt));
                salt
            }
        }
    }

    /// The visitor hash of a person on a site today: from the site, the network the address
    /// belongs to (IPv4 /24, IPv6 /48) and the user agent.
    pub fn visitor(
        &self,
        day: u32,
        site: &str,
        ip: Option<IpAddr>,
        user_agent: &str,
        fresh: &dyn Fn() -> [u8; 32],
    ) -> u64 {
        let network = ip.map(crate::truncate_ip).unwrap_or_default();
        self.keyed(
            day,
            fresh,
            &[
                b"visitor",
                site.as_bytes(),
                network.as_bytes(),
                user_agent.as_bytes(),
            ],
        )
    }

    /// The hash of a consent id, for counting consenting visitors without keeping the id.
    pub fn consent_id(&self, day: u32, consent_id: &str, fresh: &dyn Fn() -> [u8; 32]) -> u64 {
        self.keyed(day, fresh, &[b"consent", consent_id.as_bytes()])
    }

    fn keyed(&self, day: u32, fresh: &dyn Fn() -> [u8; 32], parts: &[&[u8]]) -> u64 {
        let salt = self.salt(day, fresh);
        let mut mac = match <Hmac<Sha256>>::new_from_slice(&salt) {
            Ok(mac) => mac,
            Err(e) => unreachable!("HMAC takes a key of any length: {e}"),
        };
        for part in parts {
            mac.update(&(part.len() as u64).to_le_bytes());
            mac.update(part);
        }
        let digest = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_salt_changes_with_the_day() {
        let salt = DailySalt::default();
        let ip = Some("203.0.113.7".parse().expect("ip"));
        let a = salt.visitor(1, "shop", ip, "Firefox", &|| [1; 32]);
        let same = salt.visitor(
            1,
            "shop",
            Some("203.0.113.99".parse().expect("ip")),
            "Firefox",
            &|| [9; 32],
        );
        assert_eq!(a, same, "same network and agent on the same day");
        let tomorrow = salt.visitor(2, "shop", ip, "Firefox", &|| [2; 32]);
        assert_ne!(a, tomorrow);
        assert_ne!(a, salt.visitor(1, "other", ip, "Firefox", &|| [1; 32]));
    }
}
