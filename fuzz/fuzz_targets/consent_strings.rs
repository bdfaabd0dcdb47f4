//! The consent strings ad tech sends and reads: decoding any TC string or GPP string never
//! panics, and what decodes encodes to something that decodes to the same model.
//!
//! Input: a mode byte (even: a TC string, odd: a GPP string), then the text.
#![no_main]

use consentry_engine::{gpp, tcf};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if mode % 2 == 0 {
        if let Ok(model) = tcf::decode(text) {
            if let Ok(again) = tcf::encode(&model) {
                assert_eq!(tcf::decode(&again).ok(), Some(model), "{text} -> {again}");
            }
        }
    } else if let Ok(string) = gpp::GppString::decode(text) {
        if let Ok(again) = string.encode() {
            assert_eq!(gpp::GppString::decode(&again).ok(), Some(string), "{text} -> {again}");
        }
    }
});
