//! The dashboard and its accounts: the pages and API under `/__consentry/admin` and
//! `/__consentry/api/`, behind a login, the same on both hosts.
//!
//! A host reads the request and calls [`handle`] with the store, the settings, the clock and
//! its randomness; accounts and tokens are made by [`accounts`] (the native command line's
//! `consentry admin add` and `consentry admin token`).

pub mod accounts;
mod app;
mod cookies;
pub mod dashboard;
mod login;
mod reports;
pub mod session;
pub mod sql;
pub mod store;
pub mod totp;

pub use crate::paths::{is_admin_path, ADMIN_PATH, API_PREFIX};
pub use app::{
    handle, secure, Admin, AdminRequest, RandomSource, AUDIT_PATH, LOGIN_PATH, LOGOUT_PATH,
    MAX_ADMIN_BODY, STYLE_PATH,
};
pub use cookies::COOKIES_PATH;
pub use login::LOGIN_REFUSED;
pub use store::{AdminSession, AdminStore, AdminUser, ApiToken, AuditAction, AuditEntry};
