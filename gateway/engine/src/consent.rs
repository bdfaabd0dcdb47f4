//! A visitor's consent as the gateway sees it on one request.

use consentry_config::{Category, Regime};

use crate::consent_cookie::{ConsentCookie, CookieSigner, InvalidConsentCookie};
use crate::Grants;

/// The site's consent policy: its version and how long a decision lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A decision made under another version does not count.
    pub version: u32,
    /// How long a decision lasts, in seconds.
    pub lifetime_secs: u64,
}

/// Why a consent cookie that was present does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disregarded {
    /// Malformed, altered or forged.
    Invalid(InvalidConsentCookie),
    /// Older than the policy's lifetime, or dated in the future.
    Expired,
    /// Made under another policy version: the visitor must be asked again.
    OldPolicy,
}

/// The consent that applies to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorConsent {
    /// The visitor's valid decision, if any.
    pub decision: Option<ConsentCookie>,
    /// What may run and be stored on this request: the decision's grants, or else what the
    /// regime allows before one.
    pub grants: Grants,
    /// The consent model that applies where the visitor is.
    pub regime: Regime,
    /// The browser sent `Sec-GPC: 1`.
    pub gpc: bool,
    /// A consent cookie was present but does not count, and why.
    pub disregarded: Option<Disregarded>,
    /// A genuine decision that lapsed (expired, or made under another policy version): the
    /// visitor is asked again, and that re-prompt is recorded under its consent id.
    pub stale: Option<ConsentCookie>,
}

impl VisitorConsent {
    /// No decision, under opt-in: only what is necessary.
    pub fn undecided(gpc: bool) -> Self {
        VisitorConsent {
            decision: None,
            grants: Grants::NECESSARY_ONLY,
            regime: Regime::OptIn,
            gpc,
            disregarded: None,
            stale: None,
        }
    }

    /// The same consent under `regime`: a visitor who has not decided gets what the regime
    /// allows before a decision. A decision stands whatever the regime.
    #[must_use]
    pub fn in_regime(mut self, regime: Regime) -> Self {
        self.regime = regime;
        if self.decision.is_none() {
            self.grants = before_decision(regime, self.gpc);
        }
        self
    }

    /// The visitor's consent id: from their valid decision, or from one that lapsed.
    pub fn consent_id(&self) -> Option<&str> {
        self.decision
            .as_ref()
            .or(self.stale.as_ref())
            .map(|c| c.consent_id.as_str())
    }

    /// Evaluates the consent cookie values a request carries (the first valid one counts).
    pub fn evaluate<'a>(
        values: impl IntoIterator<Item = &'a str>,
        site: &str,
        signer: &CookieSigner,
        policy: Policy,
        gpc: bool,
        now: u64,
    ) -> Self {
        let mut consent = VisitorConsent::undecided(gpc);
        for value in values {
            let cookie = match signer.verify(site, value) {
                Ok(cookie) => cookie,
                Err(e) => {
                    consent.disregarded = Some(Disregarded::Invalid(e));
                    continue;
                }
            };
            if cookie.policy_version != policy.version {
                consent.disregarded = Some(Disregarded::OldPolicy);
                consent.stale = Some(cookie);
                continue;
            }
            let expired = cookie.issued_at.saturating_add(policy.lifetime_secs) <= now;
            // A little leeway for clocks of several gateways that disagree.
            let from_the_future = cookie.issued_at > now.saturating_add(300);
            if expired || from_the_future {
                consent.disregarded = Some(Disregarded::Expired);
                if expired {
                    consent.stale = Some(cookie);
                }
                continue;
            }
            consent.grants = cookie.grants;
            consent.decision = Some(cookie);
            consent.disregarded = None;
            consent.stale = None;
            break;
        }
        consent
    }
}

/// What runs before a visitor decides: nothing optional under opt-in; everything under a
/// notice or no regime; everything but marketing under opt-out when the browser sends Global
/// Privacy Control (an opt-out of the sale and sharing of personal data, as US state laws
/// count it), and everything otherwise.
pub fn before_decision(regime: Regime, gpc: bool) -> Grants {
    match regime {
        Regime::OptIn => Grants::NECESSARY_ONLY,
        Regime::OptOut if gpc => Grants::ALL.without(Category::Marketing),
        Regime::OptOut | Regime::Notice | Regime::None => Grants::ALL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consent_cookie::consent_id_from;

    const POLICY: Policy = Policy {
        version: 2,
        lifetime_secs: 1000,
    };

    fn signed(signer: &CookieSigner, policy_version: u32, issued_at: u64) -> String {
        let cookie = ConsentCookie {
            consent_id: consent_id_from([1; 16]),
            grants: Grants::of([Category::Analytics]),
            policy_version,
            issued_at,
        };
        signer.sign("site", &cookie)
    }

    #[test]
    fn valid_cookie_grants_its_categories() {
        let signer = CookieSigner::new(vec![9; 32]);
        let value = signed(&signer, 2, 10_000);
        let consent =
            VisitorConsent::evaluate([value.as_str()], "site", &signer, POLICY, false, 10_500);
        assert!(consent.grants.allows(Category::Analytics));
        assert!(consent.decision.is_some());
    }

    #[test]
    fn expired_old_policy_and_forged_cookies_count_as_no_consent() {
        let signer = CookieSigner::new(vec![9; 32]);
        let cases = [
            (signed(&signer, 2, 10_000), 11_000, Disregarded::Expired),
            (signed(&signer, 2, 20_000), 10_000, Disregarded::Expired),
            (signed(&signer, 1, 10_000), 10_100, Disregarded::OldPolicy),
            (
                signed(&CookieSigner::new(vec![8; 32]), 2, 10_000),
                10_100,
                Disregarded::Invalid(InvalidConsentCookie::BadSignature),
            ),
        ];
        for (value, now, why) in cases {
            let consent =
                VisitorConsent::evaluate([value.as_str()], "site", &signer, POLICY, true, now);
            assert_eq!(consent.grants, Grants::NECESSARY_ONLY);
            assert_eq!(consent.disregarded, Some(why));
            assert!(consent.gpc);
        }
    }

    #[test]
    fn the_regime_sets_what_runs_until_the_visitor_decides() {
        let signer = CookieSigner::new(vec![9; 32]);
        let none = |gpc| VisitorConsent::evaluate([], "site", &signer, POLICY, gpc, 10);
        assert_eq!(
            none(false).in_regime(Regime::OptIn).grants,
            Grants::NECESSARY_ONLY
        );
        assert_eq!(none(false).in_regime(Regime::OptOut).grants, Grants::ALL);
        let gpc = none(true).in_regime(Regime::OptOut).grants;
        assert!(!gpc.allows(Category::Marketing) && gpc.allows(Category::Analytics));
        assert_eq!(none(true).in_regime(Regime::Notice).grants, Grants::ALL);
        // A decision stands wherever the visitor is.
        let value = signed(&signer, 2, 10_000);
        let decided =
            VisitorConsent::evaluate([value.as_str()], "site", &signer, POLICY, false, 10_500)
                .in_regime(Regime::OptOut);
        assert_eq!(decided.grants, Grants::of([Category::Analytics]));
        assert_eq!(decided.regime, Regime::OptOut);
    }
}
