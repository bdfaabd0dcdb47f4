//! `consentry admin ...`: dashboard accounts and API tokens, made by the engine's code and
//! kept in the configured store, or written as SQL for a Worker's D1 (`--print-sql`).

use std::io::{BufRead, IsTerminal};

use consentry_engine::admin::accounts::{self, AccountError};
use consentry_engine::admin::sql::{
    with_literals, Literal, INSERT_AUDIT, INSERT_TOKEN, INSERT_USER, UPSERT_USER,
};
use consentry_engine::admin::{totp, AdminStore, AdminUser, AuditAction};
use consentry_engine::store::rows::db_time;

use crate::random_bytes;

/// Why an admin command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdminCliError {
    /// The account or token could not be made.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// Reading the password failed.
    #[error("reading the password: {0}")]
    Input(#[from] std::io::Error),
    /// The two passwords typed differ.
    #[error("the passwords typed do not match")]
    Mismatch,
}

/// What the audit log says of changes made here.
const HOW: &str = "command line";

fn random() -> Option<[u8; 32]> {
    random_bytes::<32>().ok()
}

/// The password for `user`: asked twice without echo on a terminal, otherwise the first
/// line of standard input.
pub fn read_password(user: &str) -> Result<String, AdminCliError> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {user}: "))?;
        accounts::check_password(&first)?;
        let again = rpassword::prompt_password("Again: ")?;
        if first != again {
            return Err(AdminCliError::Mismatch);
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// A new account's hash (and TOTP secret), checked, ready to store.
pub fn new_user(
    user: &str,
    password: &str,
    with_totp: bool,
    now: u64,
) -> Result<AdminUser, AdminCliError> {
    Ok(accounts::new_user(user, password, with_totp, now, &random)?)
}

/// Stores an account (replacing one of that name with `replace`) and audits it.
pub async fn add(
    store: &dyn AdminStore,
    user: &AdminUser,
    replace: bool,
) -> Result<(), AdminCliError> {
    Ok(accounts::add_user(store, user, replace, HOW).await?)
}

/// What to tell the owner once an account is added: with TOTP, the URI and secret to give
/// to an authenticator app.
pub fn added_message(user: &AdminUser) -> String {
    let mut out = format!("added account {}\n", user.name);
    if let Some(secret) = &user.totp_secret {
        out.push_str(&format!(
            "TOTP: add this to an authenticator app (as a QR code or by hand):\n  {}\n  secret: {secret}\n",
            totp::otpauth_uri(secret, &user.name)
        ));
    }
    out
}

/// Makes a token for an existing account; resolves to its text.
pub async fn token(store: &dyn AdminStore, user: &str, now: u64) -> Result<String, AdminCliError> {
    let random =
        random().ok_or_else(|| AccountError::Hash("no randomness for the token".into()))?;
    Ok(accounts::make_token(store, user, now, random, HOW).await?)
}

fn audit_sql(user: &str, action: AuditAction, now: u64) -> String {
    with_literals(
        INSERT_AUDIT,
        &[
            Literal::Int(db_time(now)),
            Literal::Text(user),
            Literal::Text(action.as_str()),
            Literal::Text("wrangler d1 execute"),
            Literal::Null,
        ],
    )
}

/// The statements that add `user` (and audit it), for `wrangler d1 execute --file`.
pub fn add_sql(user: &AdminUser, replace: bool) -> String {
    let insert = with_literals(
        if replace { UPSERT_USER } else { INSERT_USER },
        &[
            Literal::Text(&user.name),
            Literal::Text(&user.password_hash),
            user.totp_secret
                .as_deref()
                .map_or(Literal::Null, Literal::Text),
            Literal::Int(0),
            Literal::Int(0),
            Literal::Int(0),
            Literal::Int(db_time(user.created_at)),
        ],
    );
    format!(
        "{insert};\n{};\n",
        audit_sql(&user.name, AuditAction::AccountAdded, user.created_at)
    )
}

/// A new token for `user` and the statements that keep its hash (and audit it).
pub fn token_sql(user: &str, now: u64) -> Result<(String, String), AdminCliError> {
    accounts::check_name(user)?;
    let random =
        random().ok_or_else(|| AccountError::Hash("no randomness for the token".into()))?;
    let token = accounts::token_text(accounts::API_TOKEN_PREFIX, random);
    let hash = accounts::token_hash(&token);
    let insert = with_literals(
        INSERT_TOKEN,
        &[
            Literal::Text(&hash),
            Literal::Text(user),
            Literal::Int(db_time(now)),
        ],
    );
    let sql = format!(
        "{insert};\n{};\n",
        audit_sql(user, AuditAction::TokenMade, now)
    );
    Ok((token, sql))
}
