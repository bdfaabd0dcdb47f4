//! Google Consent Mode v2 defaults, injected at the start of `<head>` before any tag runs.

use consentry_config::Category;

use crate::Grants;

/// The inline script that sets Consent Mode's default signals from the visitor's grants.
pub fn consent_mode_defaults(grants: Grants) -> String {
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
        "<script id=\"consentry-consent-mode\">window.dataLayer=window.dataLayer||[];\
function gtag(){{dataLayer.push(arguments);}}\
gtag('consent','default',{{ad_storage:'{ads}',ad_user_data:'{ads}',ad_personalization:'{ads}',\
analytics_storage:'{analytics}',functionality_storage:'{preferences}',personalization_storage:'{preferences}',\
security_storage:'granted'}});</script>"
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
}
