//! Google Consent Mode v2 defaults, injected at the start of `<head>` before any tag runs.
//!
//! There are eight sets of grants, so the script and its CSP hash are built once per set and
//! kept for the life of the process rather than formatted and hashed for every page.

use std::sync::OnceLock;

use base64::Engine as _;
use consentry_config::Category;
use sha2::{Digest, Sha256};

use crate::Grants;

/// The `id` of the inline script, so the banner and tests can find it.
const SCRIPT_ID: &str = "consentry-consent-mode";

/// The text of the inline script: Consent Mode's default signals from the visitor's grants.
fn script_text(grants: Grants) -> String {
    let state = |category: Category| {
        if grants.allows(category) {
            "granted"
        } else {
            "denied"
        }
    };
    let ads = state(Category::Marketing);
    let analytics = state(Category::Analytics);
    let preferences = state(Category::Preferences);
    format!(
        "window.dataLayer=window.dataLayer||[];\
function gtag(){{dataLayer.push(arguments);}}\
gtag('consent','default',{{ad_storage:'{ads}',ad_user_data:'{ads}',ad_personalization:'{ads}',\
analytics_storage:'{analytics}',functionality_storage:'{preferences}',personalization_storage:'{preferences}',\
security_storage:'granted'}});"
    )
}

/// The script element and its hash for one set of grants.
struct ConsentMode {
    html: String,
    hash: String,
}

/// The script and hash of `grants`, built on first use.
fn consent_mode(grants: Grants) -> &'static ConsentMode {
    // `Necessary` is always granted: the other three bits index the table.
    static TABLE: [OnceLock<ConsentMode>; 8] = [const { OnceLock::new() }; 8];
    TABLE[usize::from(grants.bits() >> 1) & 7].get_or_init(|| {
        let text = script_text(grants);
        ConsentMode {
            html: format!("<script id=\"{SCRIPT_ID}\">{text}</script>"),
            hash: csp_hash(&text),
        }
    })
}

/// The inline script that sets Consent Mode's default signals from the visitor's grants.
pub fn consent_mode_defaults(grants: Grants) -> String {
    consent_mode_html(grants).to_owned()
}

/// [`consent_mode_defaults`] without a copy.
pub(crate) fn consent_mode_html(grants: Grants) -> &'static str {
    &consent_mode(grants).html
}

/// The CSP source expression (`'sha256-...'`) that allows exactly the script of
/// [`consent_mode_defaults`] for these grants.
pub fn consent_mode_hash(grants: Grants) -> String {
    consent_mode(grants).hash.clone()
}

/// The CSP hash source of an inline element's text.
pub fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signals_follow_the_grants() {
        let none = consent_mode_defaults(Grants::NECESSARY_ONLY);
        assert!(none.contains("ad_storage:'denied',ad_user_data:'denied',ad_personalization:'denied',analytics_storage:'denied'"));
        let analytics = consent_mode_defaults(Grants::of([Category::Analytics]));
        assert!(analytics.contains("analytics_storage:'granted'"));
        assert!(analytics.contains("ad_storage:'denied'"));
    }

    #[test]
    fn every_set_of_grants_has_its_own_script() {
        let optional = [
            Category::Preferences,
            Category::Analytics,
            Category::Marketing,
        ];
        for bits in 0..8u8 {
            let grants = Grants::of(
                optional
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1 << i) != 0)
                    .map(|(_, c)| c),
            );
            let html = consent_mode_defaults(grants);
            assert_eq!(
                html,
                format!(
                    "<script id=\"{SCRIPT_ID}\">{}</script>",
                    script_text(grants)
                )
            );
            assert_eq!(consent_mode_hash(grants), csp_hash(&script_text(grants)));
        }
    }

    #[test]
    fn hash_covers_the_exact_script_text() {
        let html = consent_mode_defaults(Grants::NECESSARY_ONLY);
        let text = html
            .trim_start_matches("<script id=\"consentry-consent-mode\">")
            .trim_end_matches("</script>");
        assert_eq!(consent_mode_hash(Grants::NECESSARY_ONLY), csp_hash(text));
        assert_ne!(
            consent_mode_hash(Grants::NECESSARY_ONLY),
            consent_mode_hash(Grants::of([Category::Analytics]))
        );
        // The digest of the empty string, as browsers compute it.
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
