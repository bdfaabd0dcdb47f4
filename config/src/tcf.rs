//! `[tcf]` and `[site.tcf]`: the IAB Transparency and Consent Framework, for publishers whose
//! ad tech reads consent as a TC string.
//!
//! The gateway keeps deciding from its own signed `consentry` cookie; the TC string (and the
//! `euconsent-v2` cookie) is derived from it for ad tech to read. A site enables TCF by naming
//! the Global Vendor List vendors it works with in `[site.tcf]`; a site without it sends
//! exactly what it sent before.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// `[tcf]`: the CMP's registration and the Global Vendor List.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcfSettings {
    /// The id IAB Europe gave this CMP; `0` until it is registered (ad tech then ignores
    /// the strings, and the gateway says so at start).
    pub cmp_id: u16,
    /// The CMP's version, as registered.
    pub cmp_version: u16,
    /// The Global Vendor List (GVL v3 `vendor-list.json`); its translations
    /// (`purposes-de.json`, ...) are read from beside it when present. Natively only: a Worker
    /// gets the list as its `CONSENTRY_GVL` binding.
    pub vendor_list: Option<PathBuf>,
    /// The publisher's country (ISO 3166-1 alpha-2), written into TC strings.
    pub publisher_cc: String,
}

impl Default for TcfSettings {
    fn default() -> Self {
        TcfSettings {
            cmp_id: 0,
            cmp_version: 1,
            vendor_list: None,
            publisher_cc: "AA".into(),
        }
    }
}

/// `[site.tcf]`: the vendors a site works with, and which addresses are theirs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SiteTcf {
    /// Global Vendor List ids of the site's vendors, ascending, without duplicates.
    pub vendors: Vec<u16>,
    /// For enforcement on the server: a vendor's scripts, frames and pixels, by host (and
    /// its subdomains), `host/path-prefix` or `/path-prefix`, stay inert unless the vendor
    /// has consent.
    pub hosts: BTreeMap<u16, Vec<String>>,
}

/// Whether a vendor id may appear in a TC string (16 bits, from 1).
pub(crate) fn valid_vendor(id: i64) -> Option<u16> {
    u16::try_from(id).ok().filter(|v| *v > 0)
}

/// Whether `text` is a publisher country code: two capitals (`AA` for unknown, as the
/// specification has it).
pub(crate) fn valid_country(text: &str) -> bool {
    text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase())
}
