//! What the dashboard keeps: accounts, sessions, API tokens and the audit log, in the same
//! database as the consent log ([`crate::schema::SCHEMA`], statements in
//! [`super::sql`]). Secrets are never stored as given: passwords as argon2id hashes,
//! session and API tokens as their SHA-256.

use crate::schema::{ADMIN_SESSIONS, ADMIN_TOKENS, ADMIN_USERS};
use crate::storage::row::{Row, Value};
use crate::storage::{MaybeSendSync, StoreError, StoreFuture};

/// An admin account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminUser {
    /// The account's name.
    pub name: String,
    /// The argon2id hash of the password, as a PHC string.
    pub password_hash: String,
    /// The TOTP secret (base32), when a second factor is enrolled.
    pub totp_secret: Option<String>,
    /// The last TOTP time step accepted, so a code is never taken twice.
    pub totp_step: u64,
    /// Failed logins since the last success or lock.
    pub failed_logins: u32,
    /// The account refuses every login until this time (seconds since the epoch).
    pub locked_until: u64,
    /// When it was added.
    pub created_at: u64,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminSession {
    /// The SHA-256 (hex) of the token in the visitor's cookie; the token itself is not kept.
    pub token_hash: String,
    /// The account.
    pub user: String,
    /// The token every form of this session carries.
    pub csrf: String,
    /// When it was made.
    pub created_at: u64,
    /// When it ends.
    pub expires_at: u64,
}

/// An API bearer token, by the SHA-256 (hex) of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// The SHA-256 (hex) of the token.
    pub token_hash: String,
    /// The account it acts for.
    pub user: String,
    /// When it was made.
    pub created_at: u64,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its position (assigned by the store; 0 when appending).
    pub seq: u64,
    /// When (seconds since the epoch).
    pub at: u64,
    /// Who: the account, or the name tried at a failed login.
    pub user: String,
    /// What: one of [`AuditAction`]'s names.
    pub action: String,
    /// Details (the table exported, the command used...).
    pub detail: String,
    /// The network it came from (IPv4 /24, IPv6 /48), when over HTTP.
    pub network: Option<String>,
}

/// The admin actions the audit log names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuditAction {
    /// A successful login.
    LoginOk,
    /// A login refused: wrong name, password or code.
    LoginFailed,
    /// A login refused because the account is locked.
    LoginLocked,
    /// Too many failed logins locked the account.
    AccountLocked,
    /// A session ended by its user.
    Logout,
    /// A table exported as CSV.
    CsvExport,
    /// An account added (or its password replaced) on the command line.
    AccountAdded,
    /// An API token made on the command line.
    TokenMade,
    /// A cookie classified by an admin.
    CookieClassified,
}

impl AuditAction {
    /// The name stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::LoginOk => "login ok",
            AuditAction::LoginFailed => "login failed",
            AuditAction::LoginLocked => "login refused: locked",
            AuditAction::AccountLocked => "account locked",
            AuditAction::Logout => "logout",
            AuditAction::CsvExport => "csv export",
            AuditAction::AccountAdded => "account added",
            AuditAction::TokenMade => "api token made",
            AuditAction::CookieClassified => "cookie classified",
        }
    }
}

/// Where the dashboard's accounts, sessions, tokens and audit log are kept: the same store
/// as the consent log, on every backend.
pub trait AdminStore: MaybeSendSync {
    /// Adds an account; with `replace`, an existing one of that name is replaced whole
    /// (new password, second factor, lock lifted). Resolves to false when the name is taken
    /// and `replace` is not set.
    fn put_user<'a>(&'a self, user: &'a AdminUser, replace: bool) -> StoreFuture<'a, bool>;

    /// The account of that name.
    fn user<'a>(&'a self, name: &'a str) -> StoreFuture<'a, Option<AdminUser>>;

    /// Counts a failed login of an existing account; resolves to the failures so far.
    fn count_failed_login<'a>(&'a self, name: &'a str) -> StoreFuture<'a, u32>;

    /// Locks an account until `until` and starts its failure count afresh.
    fn lock_user<'a>(&'a self, name: &'a str, until: u64) -> StoreFuture<'a, ()>;

    /// After a successful login: no failures, and the TOTP step just used.
    fn login_succeeded<'a>(&'a self, name: &'a str, totp_step: u64) -> StoreFuture<'a, ()>;

    /// Keeps a new session (and forgets the ones expired by `session.created_at`).
    fn create_session<'a>(&'a self, session: &'a AdminSession) -> StoreFuture<'a, ()>;

    /// The session of a token's hash, if it has not expired at `now`.
    fn session<'a>(
        &'a self,
        token_hash: &'a str,
        now: u64,
    ) -> StoreFuture<'a, Option<AdminSession>>;

    /// Ends a session.
    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, ()>;

    /// Keeps a new API token.
    fn add_token<'a>(&'a self, token: &'a ApiToken) -> StoreFuture<'a, ()>;

    /// The account an API token's hash acts for.
    fn token_user<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>>;

    /// Appends to the audit log.
    fn audit<'a>(&'a self, entry: &'a AuditEntry) -> StoreFuture<'a, ()>;

    /// The newest `limit` audit entries, newest first.
    fn audit_log(&self, limit: u32) -> StoreFuture<'_, Vec<AuditEntry>>;
}

// The one mapping of the dashboard's rows, by column name, for every backend
// ([`crate::schema::ADMIN_USERS`] and the tables after it).

/// An `admin_users` row.
pub fn user_from(row: &impl Row) -> Result<AdminUser, StoreError> {
    Ok(AdminUser {
        name: row.text("name")?,
        password_hash: row.text("password_hash")?,
        totp_secret: row.opt_text("totp_secret")?,
        totp_step: row.int_as("totp_step")?,
        failed_logins: row.int_as("failed_logins")?,
        locked_until: row.int_as("locked_until")?,
        created_at: row.int_as("created_at")?,
    })
}

/// The parameters of [`super::sql::INSERT_USER`] and [`super::sql::UPSERT_USER`].
pub fn user_values(user: &AdminUser) -> Result<Vec<Value<'_>>, StoreError> {
    ADMIN_USERS.values(|column| {
        Some(match column {
            "name" => (&user.name).into(),
            "password_hash" => (&user.password_hash).into(),
            "totp_secret" => (&user.totp_secret).into(),
            "totp_step" => user.totp_step.into(),
            "failed_logins" => user.failed_logins.into(),
            "locked_until" => user.locked_until.into(),
            "created_at" => user.created_at.into(),
            _ => return None,
        })
    })
}

/// An `admin_sessions` row.
pub fn session_from(row: &impl Row) -> Result<AdminSession, StoreError> {
    Ok(AdminSession {
        token_hash: row.text("token_hash")?,
        user: row.text("user_name")?,
        csrf: row.text("csrf")?,
        created_at: row.int_as("created_at")?,
        expires_at: row.int_as("expires_at")?,
    })
}

/// The parameters of [`super::sql::INSERT_SESSION`].
pub fn session_values(session: &AdminSession) -> Result<Vec<Value<'_>>, StoreError> {
    ADMIN_SESSIONS.values(|column| {
        Some(match column {
            "token_hash" => (&session.token_hash).into(),
            "user_name" => (&session.user).into(),
            "csrf" => (&session.csrf).into(),
            "created_at" => session.created_at.into(),
            "expires_at" => session.expires_at.into(),
            _ => return None,
        })
    })
}

/// The parameters of [`super::sql::INSERT_TOKEN`].
pub fn token_values(token: &ApiToken) -> Result<Vec<Value<'_>>, StoreError> {
    ADMIN_TOKENS.values(|column| {
        Some(match column {
            "token_hash" => (&token.token_hash).into(),
            "user_name" => (&token.user).into(),
            "created_at" => token.created_at.into(),
            _ => return None,
        })
    })
}

/// An `admin_audit` row.
pub fn audit_from(row: &impl Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        seq: row.int_as("seq")?,
        at: row.int_as("at")?,
        user: row.text("user_name")?,
        action: row.text("action")?,
        detail: row.text("detail")?,
        network: row.opt_text("network")?,
    })
}

/// The parameters of [`super::sql::INSERT_AUDIT`], which takes the next position itself:
/// `at`, `user_name`, `action`, `detail`, `network`.
pub fn audit_values(entry: &AuditEntry) -> Vec<Value<'_>> {
    vec![
        entry.at.into(),
        (&entry.user).into(),
        (&entry.action).into(),
        (&entry.detail).into(),
        (&entry.network).into(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::row::stored_row;

    #[test]
    fn dashboard_rows_read_back_as_written() {
        let user = AdminUser {
            name: "ann".into(),
            password_hash: "h".into(),
            totp_secret: None,
            totp_step: 7,
            failed_logins: 2,
            locked_until: 0,
            created_at: 100,
        };
        let row = stored_row(&ADMIN_USERS, user_values(&user).expect("values"));
        assert_eq!(user_from(&row), Ok(user));
        let session = AdminSession {
            token_hash: "t".into(),
            user: "ann".into(),
            csrf: "c".into(),
            created_at: 1,
            expires_at: 2,
        };
        let row = stored_row(&ADMIN_SESSIONS, session_values(&session).expect("values"));
        assert_eq!(session_from(&row), Ok(session));
    }

    #[test]
    fn a_count_out_of_range_names_its_column() {
        let row = serde_json::json!({
            "name": "ann", "password_hash": "h", "totp_secret": null, "totp_step": 0,
            "failed_logins": 1_i64 << 40, "locked_until": 0, "created_at": 0
        });
        let e = user_from(row.as_object().expect("object")).expect_err("out of range");
        assert!(
            matches!(&e, StoreError::Column { column, .. } if column == "failed_logins"),
            "{e:?}"
        );
    }
}
