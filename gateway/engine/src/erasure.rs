//! Erasing a visitor's records at their request: the cookies that forget them and the record
//! of the erasure, the same on every host.

use consentry_banner::Language;
use http::header::HeaderMap;

use crate::consent_cookie::CONSENT_COOKIE;
use crate::record::{ConsentRecord, RecordKind, Visitor};
use crate::request::host_without_port;
use crate::request_cookies::RequestCookies;
use crate::site::SiteEngine;
use crate::Grants;

impl SiteEngine {
    /// The `Set-Cookie` values that forget a visitor whose records were erased: the consent
    /// cookie, and every cookie they carry that is not necessary (for `host` and its parent
    /// domains). `secure` says whether they came over HTTPS.
    pub fn erasure_cookies(&self, headers: &HeaderMap, host: &str, secure: bool) -> Vec<String> {
        let cookies = RequestCookies::from_headers(headers);
        let mut set_cookies = vec![format!(
            "{CONSENT_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
            if secure { "; Secure" } else { "" }
        )];
        set_cookies.extend(self.expiring_cookies(
            &cookies,
            Grants::NECESSARY_ONLY,
            host_without_port(host),
            secure,
        ));
        set_cookies
    }

    /// The record that an erasure happened, pointing to nobody: which positions were erased.
    pub fn erasure_record(
        &self,
        erased: &[u64],
        visitor: Visitor<'_>,
        now: u64,
        record_random: [u8; 16],
    ) -> ConsentRecord {
        let mut record = self.new_record(
            RecordKind::Erasure,
            String::new(),
            Language::En,
            visitor,
            now,
            record_random,
        );
        record.detail = erasure_detail(erased);
        record
    }
}

/// The erasure record's description: which positions were erased.
pub fn erasure_detail(seqs: &[u64]) -> String {
    let list: Vec<String> = seqs.iter().map(u64::to_string).collect();
    format!("erased {} record(s): {}", seqs.len(), list.join(", "))
}
