//! What ad tech talks to in the page on a site with the IAB's Transparency and Consent
//! Framework enabled: the `__tcfapi` and `__gpp` stubs inlined first in `<head>`, the data block
//! that carries the visitor's TC data, and (in [`Assets::tcf`](crate::Assets::tcf)) the full
//! API, an external deferred script.
//!
//! A page of such a site starts its `<head>` with one inline script holding the Consent Mode
//! defaults and [`TCF_STUB`] (one CSP hash covers both), then [`tcf_data_block`] with the
//! visitor's TC data, and loads `<script src="{Assets::tcf.path}" defer>`. A site without TCF
//! gets none of the three.
//!
//! The data block is one JSON object: the TCData fields of the CMP API v2 (`cmpId`,
//! `cmpVersion`, `gdprApplies`, `tcString`, `tcfPolicyVersion`, `gvlVersion`,
//! `isServiceSpecific`, `useNonStandardTexts`, `publisherCC`, `purposeOneTreatment`, `purpose`,
//! `vendor` (with `disclosedVendors` where known), `specialFeatureOptins`, `publisher`), then
//! `decided` (the visitor has chosen) and `bannerShown` (the banner asks on this page), and
//! `gpp`: `gppVersion`, `supportedAPIs` (`"2:tcfeuv2"`, ...), `gppString`, `applicableSections`,
//! `parsedSections` (by API prefix, each an array of sub-section objects) and optionally
//! `sectionList` (else derived from `supportedAPIs` and `parsedSections`). The gateway's JSON
//! answer to a decision carries an object of the same shape as `tcf`; `tcf.js` takes its
//! members over those of the data block.

/// The `__tcfapi` and `__gpp` stubs (IAB TCF CMP API v2.3, GPP CMP API v1.1): they answer `ping`
/// at once (`cmpStatus` "stub"; TCF's `gdprApplies` and `displayStatus` read from the data
/// block), queue the other `__tcfapi` calls in `__tcfapi.a` and the non-generic `__gpp` calls in
/// `__gpp.queue`, register GPP listeners in `__gpp.events` (answering `listenerRegistered`),
/// answer `hasSection`, `getSection` and `getField` with `null` until loaded, add the
/// `__tcfapiLocator` and `__gppLocator` frames, and answer `__tcfapiCall` / `__gppCall`
/// messages from iframes. Plain ES5, no `<` anywhere, to be inlined in a `<script>` element as
/// it is.
pub const TCF_STUB: &str = include_str!("../assets/tcf-stub.js");

/// The `id` of the data block the stub and the full API read.
pub const TCF_DATA_ID: &str = "consentry-tcf";

/// `<script type="application/json" id="consentry-tcf">{json}</script>`: a data block, which
/// browsers do not run and CSP does not govern. `json` is the visitor's TC data, as the module
/// documentation describes it; every `<`, `>` and `&` in it is written as a JSON `\u` escape,
/// so no string in it can end the element.
pub fn tcf_data_block(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    out.push_str("<script type=\"application/json\" id=\"");
    out.push_str(TCF_DATA_ID);
    out.push_str("\">");
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out.push_str("</script>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Assets;

    #[test]
    fn the_stub_can_be_inlined_as_it_is() {
        assert!(!TCF_STUB.contains('<'), "no `<` that could end the element");
        assert!(TCF_STUB.is_ascii());
        assert!(
            TCF_STUB.len() < 2048,
            "the stub is in every page: {} bytes",
            TCF_STUB.len()
        );
        assert!(TCF_STUB.starts_with("(function(w,d){"));
        assert!(TCF_STUB.trim_end().ends_with("})(window,document);"));
        for name in [
            "__tcfapi",
            "__gpp",
            "Locator",
            "Call",
            "Return",
            TCF_DATA_ID,
        ] {
            assert!(TCF_STUB.contains(name), "{name}");
        }
    }

    #[test]
    fn the_data_block_cannot_be_ended_by_its_content() {
        let block = tcf_data_block(r#"{"publisherCC":"</script><b>&amp;"}"#);
        assert_eq!(
            block,
            "<script type=\"application/json\" id=\"consentry-tcf\">\
             {\"publisherCC\":\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026amp;\"}</script>"
        );
        assert_eq!(block.matches("</script>").count(), 1);
    }

    #[test]
    fn the_full_api_is_served_under_a_hashed_name() {
        let assets = Assets::new();
        let tcf = &assets.tcf;
        assert!(tcf.path.starts_with("/__consentry/tcf."));
        assert!(tcf.path.ends_with(".js"));
        assert_eq!(tcf.content_type, "text/javascript; charset=utf-8");
        assert_eq!(assets.get(&tcf.path).map(|a| a.body), Some(tcf.body));
        let js = std::str::from_utf8(tcf.body).expect("utf-8");
        assert!(
            js.starts_with("(function (w, d) {\n\"use strict\";"),
            "{js}"
        );
        assert!(js.ends_with("})(window, document);"));
        assert!(!js
            .lines()
            .any(|l| l.starts_with("//") || l.starts_with(' ')));
        for command in [
            "\"ping\"",
            "\"addEventListener\"",
            "\"removeEventListener\"",
            "\"getTCData\"",
            "\"hasSection\"",
            "\"getSection\"",
            "\"getField\"",
            "\"consentry:consent\"",
        ] {
            assert!(js.contains(command), "{command}");
        }
    }

    #[test]
    fn the_banner_script_hands_on_the_gateways_answer() {
        let assets = Assets::new();
        let js = std::str::from_utf8(assets.js.body).expect("utf-8");
        assert!(js.contains("detail: { granted: now, answer: answer }"));
    }
}
