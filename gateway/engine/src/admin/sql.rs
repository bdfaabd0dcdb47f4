//! The dashboard's statements, for every backend: `?N` placeholders (PostgreSQL's `$N` by
//! [`crate::schema::postgres_placeholders`]), and the tables of [`crate::schema::SCHEMA`]
//! (`admin_users`, `admin_sessions`, `admin_tokens`, `admin_audit`).

/// The columns of `admin_users`, in the order the statements below read them.
pub const USER_COLUMNS: &str =
    "name, password_hash, totp_secret, totp_step, failed_logins, locked_until, created_at";

/// Adds an account; nothing when the name is taken. Parameters in [`USER_COLUMNS`] order.
pub const INSERT_USER: &str = "INSERT INTO admin_users (name, password_hash, totp_secret, \
totp_step, failed_logins, locked_until, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
ON CONFLICT (name) DO NOTHING";

/// Adds or replaces an account whole. Parameters in [`USER_COLUMNS`] order.
pub const UPSERT_USER: &str = "INSERT INTO admin_users (name, password_hash, totp_secret, \
totp_step, failed_logins, locked_until, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, \
totp_secret = excluded.totp_secret, totp_step = excluded.totp_step, \
failed_logins = excluded.failed_logins, locked_until = excluded.locked_until, \
created_at = excluded.created_at";

/// One account by name.
pub const SELECT_USER: &str = "SELECT name, password_hash, totp_secret, totp_step, \
failed_logins, locked_until, created_at FROM admin_users WHERE name = ?1";

/// Counts a failed login; returns the count.
pub const COUNT_FAILED_LOGIN: &str = "UPDATE admin_users SET failed_logins = failed_logins + 1 \
WHERE name = ?1 RETURNING failed_logins";

/// Locks an account until ?2.
pub const LOCK_USER: &str =
    "UPDATE admin_users SET failed_logins = 0, locked_until = ?2 WHERE name = ?1";

/// A successful login: no failures, and the TOTP step used (never lowered).
pub const LOGIN_SUCCEEDED: &str = "UPDATE admin_users SET failed_logins = 0, \
totp_step = CASE WHEN totp_step > ?2 THEN totp_step ELSE ?2 END WHERE name = ?1";

/// Keeps a session.
pub const INSERT_SESSION: &str = "INSERT INTO admin_sessions (token_hash, user_name, csrf, \
created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";

/// Forgets sessions that ended by ?1.
pub const DELETE_EXPIRED_SESSIONS: &str = "DELETE FROM admin_sessions WHERE expires_at <= ?1";

/// A session by its token's hash, unless it ended by ?2.
pub const SELECT_SESSION: &str = "SELECT token_hash, user_name, csrf, created_at, expires_at \
FROM admin_sessions WHERE token_hash = ?1 AND expires_at > ?2";

/// Ends a session.
pub const DELETE_SESSION: &str = "DELETE FROM admin_sessions WHERE token_hash = ?1";

/// Keeps an API token's hash.
pub const INSERT_TOKEN: &str =
    "INSERT INTO admin_tokens (token_hash, user_name, created_at) VALUES (?1, ?2, ?3)";

/// The account of an API token's hash (while the account exists).
pub const SELECT_TOKEN_USER: &str = "SELECT t.user_name FROM admin_tokens t JOIN admin_users u \
ON u.name = t.user_name WHERE t.token_hash = ?1";

/// Appends to the audit log at the next position.
pub const INSERT_AUDIT: &str = "INSERT INTO admin_audit (seq, at, user_name, action, detail, \
network) SELECT COALESCE(MAX(seq), 0) + 1, CAST(?1 AS BIGINT), CAST(?2 AS TEXT), \
CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT) FROM admin_audit";

/// The newest ?1 audit entries, newest first.
pub const SELECT_AUDIT: &str = "SELECT seq, at, user_name, action, detail, network \
FROM admin_audit ORDER BY seq DESC LIMIT ?1";

/// A value written into a statement by [`with_literals`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal<'a> {
    /// A number.
    Int(i64),
    /// Text, quoted.
    Text(&'a str),
    /// `NULL`.
    Null,
}

/// A statement with its `?N` placeholders replaced by SQL literals, for a file run by
/// another tool (`wrangler d1 execute --file`): text is single-quoted with quotes doubled.
pub fn with_literals(sql: &str, values: &[Literal<'_>]) -> String {
    let mut out = String::with_capacity(sql.len() + 64);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '?' || !chars.peek().is_some_and(char::is_ascii_digit) {
            out.push(c);
            continue;
        }
        let mut n = 0usize;
        while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
            n = n * 10 + d as usize;
            chars.next();
        }
        match n.checked_sub(1).and_then(|i| values.get(i)) {
            Some(Literal::Int(v)) => out.push_str(&v.to_string()),
            Some(Literal::Text(t)) => {
                out.push('\'');
                out.push_str(&t.replace('\'', "''"));
                out.push('\'');
            }
            Some(Literal::Null) | None => out.push_str("NULL"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_replace_placeholders_and_quote_text() {
        assert_eq!(
            with_literals(
                "VALUES (?1, ?2, ?10, ?3)",
                &[
                    Literal::Text("it's"),
                    Literal::Int(7),
                    Literal::Null,
                    Literal::Int(1),
                    Literal::Int(1),
                    Literal::Int(1),
                    Literal::Int(1),
                    Literal::Int(1),
                    Literal::Int(1),
                    Literal::Int(-3),
                ]
            ),
            "VALUES ('it''s', 7, -3, NULL)"
        );
    }
}
