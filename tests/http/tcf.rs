//! IAB TCF over HTTP, on both hosts: a site that enables it gives ad tech a TC string derived
//! from the gateway's own decision (in the page's `__tcfapi` data, the answer to a decision
//! and the `euconsent-v2` cookie), keeps its vendors without consent inert on the server
//! whatever their category, and never trusts a string a browser sends.

use consentry_engine::tcf;

use crate::support::{client, cookie_pair, Gateway, Origin};

/// A Global Vendor List v3 of two vendors (list version 15), from the IAB's reference
/// libraries' test data (see gateway/engine/src/tcf/testdata/SOURCES.md).
const VENDOR_LIST: &str =
    include_str!("../../gateway/engine/src/tcf/testdata/gvl/vendor-list-v15.json");

fn config(origin: &Origin, tcf: bool) -> String {
    let site_tcf = if tcf {
        "[site.tcf]\nvendors = [1, 2]\n[site.tcf.hosts]\n1 = [\"securepubads.g.doubleclick.net\"]\n2 = [\"ads.vendor-two.test\"]\n"
    } else {
        ""
    };
    format!(
        "[server]\nlisten = \"127.0.0.1:0\"\ndata_dir = \"{{data_dir}}\"\n\n\
         [tcf]\ncmp_id = 300\ncmp_version = 2\npublisher_cc = \"NL\"\n\n\
         [[site]]\nhosts = [\"*\"]\nupstream = \"{}\"\n{site_tcf}",
        origin.url()
    )
}

/// The opening tag of the script whose tag holds `needle`.
fn script_tag<'h>(html: &'h str, needle: &str) -> &'h str {
    let at = html
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in the page: {html}"));
    let start = html[..at].rfind("<script").expect("a script");
    &html[start..=start + html[start..].find('>').expect("tag ends")]
}

fn inert(html: &str, needle: &str) -> bool {
    script_tag(html, needle).contains(r#"type="text/plain""#)
}

const GOOGLE: &str = "securepubads.g.doubleclick.net";
const VENDOR_TWO: &str = "ads.vendor-two.test";
const META: &str = "connect.facebook.net";

/// The page's TC data block.
fn tc_data(html: &str) -> serde_json::Value {
    let open = r#"<script type="application/json" id="consentry-tcf">"#;
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("no TC data: {html}"))
        + open.len();
    let end = start + html[start..].find("</script>").expect("block ends");
    serde_json::from_str(&html[start..end]).expect("TC data is JSON")
}

async fn page(gateway: &Gateway, cookie: Option<&str>) -> (reqwest::header::HeaderMap, String) {
    let mut request = client().get(gateway.at("/ads"));
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = request.send().await.expect("page");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.text().await.expect("body"))
}

/// Decides with a JSON post; returns the answer and the `Set-Cookie` pairs it came with.
async fn decide(
    gateway: &Gateway,
    body: serde_json::Value,
) -> (serde_json::Value, String, Option<String>) {
    let response = client()
        .post(gateway.at("/__consentry/consent"))
        .json(&body)
        .send()
        .await
        .expect("decision");
    assert_eq!(response.status(), 200);
    let consent = cookie_pair(response.headers(), "consentry").expect("consent cookie");
    let tc = cookie_pair(response.headers(), "euconsent-v2");
    (response.json().await.expect("json"), consent, tc)
}

#[tokio::test]
async fn ad_tech_reads_the_decision_and_vendors_without_consent_stay_inert() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_vendor_list(&config(&origin, true), VENDOR_LIST);

    // Before a decision: the stubs first in <head>, covered by the policy's hash; the data
    // says the GDPR applies and the string grants nothing; every vendor inert.
    let (headers, html) = page(&gateway, None).await;
    let inline = {
        let open = r#"<script id="consentry-consent-mode">"#;
        let start = html.find(open).expect("inline script") + open.len();
        &html[start..start + html[start..].find("</script>").expect("ends")]
    };
    assert!(
        inline.contains("__tcfapi") && inline.contains("__gpp"),
        "{inline}"
    );
    let policy = headers["content-security-policy"].to_str().expect("csp");
    assert!(
        policy.contains(&consentry_engine::csp_hash(inline)),
        "the stubs' hash is allowed: {policy}"
    );
    let data = tc_data(&html);
    assert_eq!(data["gdprApplies"], true);
    assert_eq!(data["cmpId"], 300);
    assert_eq!(data["decided"], false);
    let before = tcf::decode(data["tcString"].as_str().expect("string")).expect("decodes");
    assert!(before.purposes_consent.is_empty());
    assert!(before.vendor_consents.vendors.is_empty());
    assert_eq!(
        before
            .disclosed_vendors
            .as_ref()
            .map(|d| d.vendors.iter().collect::<Vec<_>>()),
        Some(vec![1, 2]),
        "the site's vendors are disclosed"
    );
    assert_eq!(before.vendor_list_version, 15);
    assert_eq!(
        before.tcf_policy_version, 4,
        "the vendor list's policy version"
    );
    for vendor in [GOOGLE, VENDOR_TWO, META] {
        assert!(inert(&html, vendor), "{}", script_tag(&html, vendor));
    }

    // Accept all: every purpose and vendor, in the answer, the cookie and the page.
    let (answer, consent, tc) = decide(&gateway, serde_json::json!({"action": "accept_all"})).await;
    let tc = tc.expect("euconsent-v2 set");
    let string = tc.trim_start_matches("euconsent-v2=");
    assert_eq!(answer["tcf"]["tcString"], string);
    let all = tcf::decode(string).expect("decodes");
    assert_eq!(
        all.purposes_consent.iter().collect::<Vec<_>>(),
        (1..=11).collect::<Vec<u8>>()
    );
    assert_eq!(
        all.vendor_consents.vendors.iter().collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(all.cmp_id, 300);
    assert_eq!(all.publisher_cc.as_str(), "NL");
    let (_, html) = page(&gateway, Some(&consent)).await;
    for vendor in [GOOGLE, VENDOR_TWO, META] {
        assert!(!inert(&html, vendor), "{}", script_tag(&html, vendor));
    }
    assert_eq!(tc_data(&html)["vendor"]["consents"]["1"], true);

    // Marketing alone: both vendors also measure (analytics purposes 9 and 10), so neither
    // has consent; their tags stay inert although marketing is granted, where Meta's runs.
    let (answer, consent, _) = decide(
        &gateway,
        serde_json::json!({"action": "custom", "categories": ["marketing"]}),
    )
    .await;
    assert_eq!(answer["tcf"]["vendor"]["consents"]["1"], false);
    let (_, html) = page(&gateway, Some(&consent)).await;
    assert!(inert(&html, GOOGLE), "{}", script_tag(&html, GOOGLE));
    assert!(
        inert(&html, VENDOR_TWO),
        "{}",
        script_tag(&html, VENDOR_TWO)
    );
    assert!(!inert(&html, META), "{}", script_tag(&html, META));

    // A string the browser forges grants nothing, and a malformed one breaks nothing.
    for forged in [string, "not-a-tc-string", "CQ!!"] {
        let (_, html) = page(&gateway, Some(&format!("euconsent-v2={forged}"))).await;
        assert!(
            inert(&html, GOOGLE),
            "{forged}: {}",
            script_tag(&html, GOOGLE)
        );
    }

    // Reject all: nothing.
    let (answer, _, tc) = decide(&gateway, serde_json::json!({"action": "reject_all"})).await;
    let refused = answer["tcf"]["tcString"].as_str().expect("string");
    let none = tcf::decode(refused).expect("decodes");
    assert!(none.purposes_consent.is_empty() && none.vendor_consents.vendors.is_empty());
    assert!(tc.is_some(), "ad tech reads the refusal too");

    // The proof keeps the string each decision gave ad tech.
    let config = gateway.data_dir.path().join("consentry.toml");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let records: Vec<serde_json::Value> = loop {
        let out = std::process::Command::new(crate::support::binary())
            .args(["log", "export", "--config"])
            .arg(&config)
            .output()
            .expect("consentry log export");
        let records: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        if records.len() >= 3 || std::time::Instant::now() > deadline {
            break records;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(records.len(), 3, "{records:?}");
    assert_eq!(records[0]["tc_string"], string);
    assert_eq!(records[2]["tc_string"], refused);
}

#[tokio::test]
async fn a_site_without_tcf_sends_what_it_sent_before() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_vendor_list(&config(&origin, false), VENDOR_LIST);
    let (_, html) = page(&gateway, None).await;
    assert!(!html.contains("__tcfapi"), "{html}");
    assert!(!html.contains("consentry-tcf"), "{html}");
    let (answer, _, tc) = decide(&gateway, serde_json::json!({"action": "accept_all"})).await;
    assert!(answer.get("tcf").is_none(), "{answer}");
    assert!(tc.is_none());
}

#[tokio::test]
async fn the_settings_layer_lists_the_vendors_and_purposes_only_where_tcf_is_on() {
    let origin = Origin::start().await;
    let gateway = Gateway::with_vendor_list(&config(&origin, true), VENDOR_LIST);
    let (_, html) = page(&gateway, None).await;
    let banner = &html[html.find(r#"<div id="consentry""#).expect("the banner")..];
    let layer = &banner[banner
        .find(r#"<details class="cy-tcf">"#)
        .expect("the TCF layer")..];
    for name in [
        "Exponential Interactive, Inc d/b/a VDX.tv",
        "Captify Technologies Limited",
        "Store and/or access information on a device",
        "This site relies on no legitimate interest",
    ] {
        assert!(layer.contains(name), "{name}: {layer}");
    }
    assert!(layer.contains(r#"href="https://vdx.tv/privacy/""#));

    let plain = Gateway::with_vendor_list(&config(&origin, false), VENDOR_LIST);
    let (_, html) = page(&plain, None).await;
    for text in [
        "cy-tcf",
        "Captify",
        "Store and/or access information",
        "data-n=",
    ] {
        assert!(!html.contains(text), "{text}: {html}");
    }
}
