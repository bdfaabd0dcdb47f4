//! Consentry's own paths under `/__consentry/`: where the consent endpoint, the receipt, the
//! cookie declaration and the dashboard live. The pages that link to one another and the
//! routing (`SiteEngine::route`) read them here, so no part needs another to know a path.

/// The consent endpoint's path.
pub const CONSENT_PATH: &str = "/__consentry/consent";
/// The receipt page's path.
pub const RECEIPT_PATH: &str = "/__consentry/receipt";
/// Where the erase form posts.
pub const ERASE_PATH: &str = "/__consentry/receipt/erase";
/// The opt-out page of the opt-out regime ("Do Not Sell or Share My Personal Information").
pub const OPT_OUT_PATH: &str = consentry_banner::OPT_OUT_PATH;
/// The declaration's path.
pub const DECLARATION_PATH: &str = "/__consentry/cookies";
/// The dashboard's path.
pub const ADMIN_PATH: &str = "/__consentry/admin";
/// The API's prefix.
pub const API_PREFIX: &str = "/__consentry/api/";

/// Whether a path is the dashboard's or the API's.
pub fn is_admin_path(path: &str) -> bool {
    path == ADMIN_PATH
        || path
            .strip_prefix(ADMIN_PATH)
            .is_some_and(|rest| rest.starts_with('/'))
        || path.starts_with(API_PREFIX)
}
