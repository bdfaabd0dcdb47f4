//! The origin's `Set-Cookie` headers: every header is either kept, removed by category or
//! counted as malformed, exactly the kept ones remain, and nothing panics.
//!
//! Input: a byte of grants, eight bytes of "now", then header values separated by newlines.
#![no_main]

use consentry_engine::filter_set_cookies;
use http::header::{HeaderValue, SET_COOKIE};
use http::HeaderMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let grants = consentry_fuzz::grants(data[0]);
    let mut now = [0; 8];
    now.copy_from_slice(&data[1..9]);
    let now = u64::from_le_bytes(now);
    let site = consentry_fuzz::site();

    let mut headers = HeaderMap::new();
    let mut given = 0u32;
    for value in data[9..].split(|&b| b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(SET_COOKIE, value);
            given += 1;
        }
    }
    let report = filter_set_cookies(&mut headers, site.classifier(), grants, now);
    let removed: u32 = report.removed.iter().sum();
    assert_eq!(report.kept + removed + report.malformed, given);
    assert_eq!(
        headers.get_all(SET_COOKIE).iter().count(),
        report.kept as usize
    );
    assert!(report.cookies.len() <= given as usize);
});
