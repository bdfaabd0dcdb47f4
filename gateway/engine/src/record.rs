//! The consent record: what is kept as proof of one decision. It holds nothing that
//! identifies a person by itself: the consent id is random and lives only in the visitor's
//! cookie, the IP address is truncated (or left out) and the browser is named by family only.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::Grants;
use consentry_config::Category;

/// What a record stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// Every category granted.
    AcceptAll,
    /// Only what is necessary.
    RejectAll,
    /// The categories chosen one by one.
    Custom,
    /// Consent given before taken back.
    Withdraw,
    /// The visitor's decision expired or the policy changed: they are asked again.
    Reprompt,
    /// A visitor's records were erased (their personal fields removed).
    Erasure,
    /// The visitor opted out of the sale and sharing of their data (marketing off).
    OptOut,
}

impl RecordKind {
    /// Every kind, for reports.
    pub const ALL: [RecordKind; 7] = [
        RecordKind::AcceptAll,
        RecordKind::RejectAll,
        RecordKind::Custom,
        RecordKind::Withdraw,
        RecordKind::Reprompt,
        RecordKind::Erasure,
        RecordKind::OptOut,
    ];

    /// The name used in the log, exports and JSON.
    pub const fn as_str(self) -> &'static str {
        match self {
            RecordKind::AcceptAll => "accept_all",
            RecordKind::RejectAll => "reject_all",
            RecordKind::Custom => "custom",
            RecordKind::Withdraw => "withdraw",
            RecordKind::Reprompt => "reprompt",
            RecordKind::Erasure => "erasure",
            RecordKind::OptOut => "opt_out",
        }
    }

    /// The kind named `text`.
    pub fn parse(text: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Whether recorded IP addresses are truncated or left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IpRecording {
    /// IPv4 to its /24, IPv6 to its /48.
    #[default]
    Truncated,
    /// No address at all.
    Omitted,
}

/// One decision (or event) in the consent log, before it is chained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// A random id of this record.
    pub record_id: String,
    /// The random id in the visitor's consent cookie; empty once erased, and for an erasure.
    pub consent_id: String,
    /// When, in seconds since the Unix epoch.
    pub recorded_at: u64,
    /// The site's name.
    pub site: String,
    /// The policy version the decision was made under.
    pub policy_version: u32,
    /// SHA-256 (hex) of the exact banner the visitor was shown; empty where none was.
    pub banner_hash: String,
    /// The banner's language.
    pub language: String,
    /// What happened.
    pub kind: RecordKind,
    /// Given through the form without JavaScript.
    pub via_form: bool,
    /// The browser sent `Sec-GPC: 1`.
    pub gpc: bool,
    /// Preferences granted.
    pub preferences: bool,
    /// Analytics granted.
    pub analytics: bool,
    /// Marketing granted.
    pub marketing: bool,
    /// Two-letter country, when known.
    pub country: Option<String>,
    /// The visitor's network: IPv4 /24 or IPv6 /48, or nothing.
    pub ip_prefix: Option<String>,
    /// The browser family ("Chrome", "Firefox", ...), never the full user agent.
    pub browser: Option<String>,
    /// Free text: why a re-prompt happened, what an erasure covered.
    pub detail: String,
    /// The consent regime that applied where the visitor was (`opt-in`, `opt-out`, `notice`,
    /// `none`); empty in records made before regimes were kept.
    pub regime: String,
    /// The IAB TCF TC string the decision gave ad tech, on a site with TCF; empty elsewhere.
    pub tc_string: String,
}

impl ConsentRecord {
    /// A record of `kind` with every other field empty, nothing granted: where each record
    /// starts, so that a new field needs writing only here.
    pub fn of_kind(kind: RecordKind) -> ConsentRecord {
        ConsentRecord {
            record_id: String::new(),
            consent_id: String::new(),
            recorded_at: 0,
            site: String::new(),
            policy_version: 0,
            banner_hash: String::new(),
            language: String::new(),
            kind,
            via_form: false,
            gpc: false,
            preferences: false,
            analytics: false,
            marketing: false,
            country: None,
            ip_prefix: None,
            browser: None,
            detail: String::new(),
            regime: String::new(),
            tc_string: String::new(),
        }
    }

    /// The categories granted, necessary included.
    pub fn grants(&self) -> Grants {
        let mut grants = Grants::NECESSARY_ONLY;
        for (granted, category) in [
            (self.preferences, Category::Preferences),
            (self.analytics, Category::Analytics),
            (self.marketing, Category::Marketing),
        ] {
            if granted {
                grants = grants.with(category);
            }
        }
        grants
    }

    /// Sets the per-category decisions from a set of grants.
    pub fn set_grants(&mut self, grants: Grants) {
        self.preferences = grants.allows(Category::Preferences);
        self.analytics = grants.allows(Category::Analytics);
        self.marketing = grants.allows(Category::Marketing);
    }

    /// The granted categories as names, necessary first.
    pub fn granted_names(&self) -> Vec<&'static str> {
        std::iter::once(Category::Necessary)
            .chain(self.grants().optional())
            .map(Category::as_str)
            .collect()
    }
}

/// What the host knows about the visitor when a record is made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Visitor<'a> {
    /// The address the request came from.
    pub ip: Option<IpAddr>,
    /// The `User-Agent` header.
    pub user_agent: Option<&'a str>,
    /// The two-letter country, when the host can tell.
    pub country: Option<&'a str>,
    /// The consent regime that applies where they are.
    pub regime: consentry_config::Regime,
}

/// The network part of an address: IPv4 to /24 (`203.0.113.0/24`), IPv6 to /48.
pub fn truncate_ip(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return truncate_ip(IpAddr::V4(v4));
            }
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

/// The browser's family from a `User-Agent`, or `None` when it cannot be told.
pub fn browser_family(user_agent: &str) -> Option<String> {
    // Browsers only: crawlers and HTTP libraries are not visitors' browsers.
    crate::user_agent::UserAgent::parse(Some(user_agent))
        .browser
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_truncated_to_their_network() {
        assert_eq!(
            truncate_ip("203.0.113.77".parse().expect("ip")),
            "203.0.113.0/24"
        );
        assert_eq!(
            truncate_ip("2001:db8:abcd:12::1".parse().expect("ip")),
            "2001:db8:abcd::/48"
        );
        assert_eq!(
            truncate_ip("::ffff:198.51.100.9".parse().expect("ip")),
            "198.51.100.0/24"
        );
    }

    #[test]
    fn only_the_browser_family_is_kept() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(browser_family(chrome).as_deref(), Some("Chrome"));
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0";
        assert_eq!(browser_family(firefox).as_deref(), Some("Firefox"));
        assert_eq!(browser_family("curl/8.0"), None);
    }
}
