//! The request's `Cookie` header: parsing and filtering never panic, what is kept parses again
//! to the same cookies, and filtering the filtered header again removes nothing.
//!
//! Input: a byte of grants, then header values separated by newlines.
#![no_main]

use consentry_engine::{Grants, RequestCookies};
use http::header::{HeaderValue, COOKIE};
use http::HeaderMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&grant_bits, rest)) = data.split_first() else {
        return;
    };
    let grants = consentry_fuzz::grants(grant_bits);
    let site = consentry_fuzz::site();
    let classifier = site.classifier();

    let text = String::from_utf8_lossy(rest);
    let values: Vec<&str> = text.split('\n').collect();
    let cookies = RequestCookies::parse(values.iter().copied());
    let filter = cookies.filter(classifier, grants);
    let names: Vec<&str> = cookies.names().collect();
    for name in &filter.names {
        assert!(
            names.contains(&name.as_str()),
            "{name} was not in the request"
        );
    }
    let removed: u32 = filter.removed.iter().sum();
    assert!(removed as usize <= names.len());

    if let Some(header) = &filter.header {
        // What is kept parses to the kept cookies, and nothing more goes on a second pass.
        let again = RequestCookies::parse([header.as_str()]);
        assert_eq!(
            again.names().count() + removed as usize,
            names.len(),
            "{header:?}"
        );
        let second = again.filter(classifier, grants);
        assert_eq!(second.removed, [0; 4], "{header:?}");
        assert!(second.header.is_none(), "{header:?}");
    }
    // Everything granted removes nothing.
    assert_eq!(cookies.filter(classifier, Grants::ALL).removed, [0; 4]);

    // The same values as a host hands them in, with the consent cookie read on the way.
    let mut headers = HeaderMap::new();
    for value in rest.split(|&b| b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.append(COOKIE, value);
        }
    }
    let (consent, filter) = site.prepare_request(&mut headers, consentry_config::Regime::OptIn, 1_700_000_000);
    assert!(
        consent.decision.is_none(),
        "a forged consent cookie was accepted"
    );
    if filter.header.is_some() {
        assert!(headers.get_all(COOKIE).iter().count() <= 1);
    }
});
