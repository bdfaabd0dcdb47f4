//! A decision posted to the consent endpoint, as JSON or as a form: any body gets an answer
//! (a decision or a reason), never a panic, and the way back stays on the site.
//!
//! Input: a byte choosing the content type, then the body.
#![no_main]

use consentry_engine::{parse_decision, safe_return_path, DecisionKind, Grants};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/json; charset=utf-8",
    "Application/X-WWW-Form-Urlencoded ; charset=iso-8859-1",
    "text/plain",
];

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(which) % CONTENT_TYPES.len()];
    let Ok(decision) = parse_decision(Some(content_type), body) else {
        return;
    };
    assert!(!content_type.starts_with("text/"));
    assert_eq!(
        decision.via_form,
        content_type.to_ascii_lowercase().contains("form")
    );
    for (gpc, before) in [(false, Grants::NECESSARY_ONLY), (true, Grants::ALL)] {
        let grants = decision.grants(gpc, before);
        assert!(Grants::from_bits(grants.bits()).is_some());
        if decision.kind == DecisionKind::RejectAll || decision.kind == DecisionKind::Withdraw {
            assert_eq!(grants, Grants::NECESSARY_ONLY);
        }
        if decision.kind == DecisionKind::OptOut {
            assert!(!grants.allows(consentry_config::Category::Marketing));
        }
    }
    let back = safe_return_path(decision.return_to.as_deref());
    assert!(back.starts_with('/') && !back.starts_with("//") && !back.starts_with("/\\"));
    assert!(
        !back.chars().any(|c| c.is_control() || c == '\\'),
        "{back:?}"
    );
    // The way back goes into a `Location` header.
    assert!(http::HeaderValue::from_str(&back).is_ok(), "{back:?}");
});
