//! Google Consent Mode v2 defaults, injected at the start of `<head>` before any tag runs.
//!
//! There are eight sets of grants, so the script and its CSP hash are built once per set and
//! kept for the life of the process rather than formatted and hashed for every page.
//!
//! Where the visitor's regime lets tags run before a decision (opt-out, notice), the defaults
//! are per region, as Consent Mode has them: the visitor's region (`region: ['US-CA']`) gets
//! what its regime allows, and every other region the strictest regime's defaults. A tag that
//! places the visitor elsewhere than the gateway did errs on the side of denied.

use std::sync::OnceLock;

use base64::Engine as _;
use consentry_config::Category;
use sha2::{Digest, Sha256};

use crate::Grants;

/// The `id` of the inline script, so the banner and tests can find it.
const SCRIPT_ID: &str = "consentry-consent-mode";

/// The text of the inline script: Consent Mode's default signals from the visitor's grants.
fn script_text(grants: Grants) -> String {
    format!("{PRELUDE}{}", default_command(grants, &[]))
}

const PRELUDE: &str =
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}";

/// One `gtag('consent','default',...)` command, for `regions` (ISO 3166-2 or country codes)
/// or, when there are none, for everywhere.
fn default_command(grants: Grants, regions: &[String]) -> String {
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
    // Region codes are checked capitals and digits joined by `-`: nothing to escape.
    let region = if regions.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = regions.iter().map(|r| format!("'{r}'")).collect();
        format!(",region:[{}]", list.join(","))
    };
    format!(
        "gtag('consent','default',{{ad_storage:'{ads}',ad_user_data:'{ads}',ad_personalization:'{ads}',\
analytics_storage:'{analytics}',functionality_storage:'{preferences}',personalization_storage:'{preferences}',\
security_storage:'granted'{region}}});"
    )
}

/// The Consent Mode defaults of one page view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Defaults {
    /// What the visitor's consent allows on this request.
    pub grants: Grants,
    /// For a visitor who has not decided and whose regime allows more than the strictest the
    /// site uses: the strictest regime's grants for everywhere, and the visitor's region codes
    /// for `grants`.
    pub regional: Option<(Grants, Vec<String>)>,
}

impl Defaults {
    /// The defaults for `consent`, on a site whose strictest regime is `strictest`, for a
    /// visitor at `place` (when the host was asked).
    pub(crate) fn of(
        consent: &crate::VisitorConsent,
        strictest: consentry_config::Regime,
        place: Option<&crate::Place>,
    ) -> Defaults {
        let regional = match (&consent.decision, place.and_then(crate::Place::code)) {
            (None, Some(code)) if consent.regime != strictest => Some((
                crate::consent::before_decision(strictest, consent.gpc),
                vec![code],
            )),
            _ => None,
        };
        Defaults {
            grants: consent.grants,
            regional,
        }
    }

    /// The `<script>` element with `extra` (the IAB CMP stubs of a site with TCF) after the
    /// defaults, and the CSP hash of its text: one element, one hash.
    pub(crate) fn script_with(&self, extra: &str) -> (std::borrow::Cow<'static, str>, String) {
        let text = match &self.regional {
            Some((elsewhere, regions)) if !regions.is_empty() && *elsewhere != self.grants => {
                format!(
                    "{PRELUDE}{}{}{extra}",
                    default_command(*elsewhere, &[]),
                    default_command(self.grants, regions)
                )
            }
            _ if extra.is_empty() => {
                let table = consent_mode(self.grants);
                return (table.html.as_str().into(), table.hash.clone());
            }
            _ => format!("{}{extra}", script_text(self.grants)),
        };
        let html = format!("<script id=\"{SCRIPT_ID}\">{text}</script>");
        (html.into(), csp_hash(&text))
    }
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
    fn a_regime_that_runs_tags_before_a_decision_has_defaults_for_its_region() {
        let regions = vec!["US".to_owned(), "US-CA".to_owned()];
        let californian = Defaults {
            grants: Grants::ALL,
            regional: Some((Grants::NECESSARY_ONLY, regions.clone())),
        };
        let (html, hash) = californian.script_with("");
        let text = html
            .trim_start_matches("<script id=\"consentry-consent-mode\">")
            .trim_end_matches("</script>");
        assert_eq!(hash, csp_hash(text));
        // Denied everywhere else first, then granted for the visitor's region.
        let denied = text.find("ad_storage:'denied'").expect("general default");
        let granted = text.find("ad_storage:'granted'").expect("regional default");
        assert!(denied < granted, "{text}");
        assert!(text.ends_with(",region:['US','US-CA']});"), "{text}");
        // A visitor under the strictest regime gets the one general default.
        let german = Defaults {
            grants: Grants::NECESSARY_ONLY,
            regional: Some((Grants::NECESSARY_ONLY, regions)),
        };
        assert_eq!(
            german.script_with("").0,
            consent_mode_defaults(Grants::NECESSARY_ONLY)
        );
        assert!(!german.script_with("").0.contains("region"));
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
