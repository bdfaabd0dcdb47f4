//! Admin accounts: argon2id password hashes (OWASP's parameters: 19 MiB, 2 passes, 1 lane),
//! the lockout after repeated failures, the optional TOTP second factor, and API tokens.
//! Randomness comes from the host, so this runs in a Worker as natively.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use sha2::{Digest, Sha256};

use super::store::{AdminStore, AdminUser, ApiToken, AuditAction, AuditEntry};
use super::totp;
use crate::storage::StoreError;

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password accepted, in bytes (hashing work stays bounded).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest account name, in bytes.
pub const MAX_NAME_BYTES: usize = 64;
/// Memory cost in KiB (OWASP's argon2id recommendation).
const MEMORY_KIB: u32 = 19_456;
/// Passes over memory.
const PASSES: u32 = 2;
/// Lanes.
const LANES: u32 = 1;

/// Why an account or token could not be made.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// The name has characters other than letters, digits and `. _ - @`, or none.
    #[error("the user name must be 1 to {MAX_NAME_BYTES} letters, digits or . _ - @")]
    BadName,
    /// The password is too short.
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    ShortPassword,
    /// The password is too long.
    #[error("the password must be at most {MAX_PASSWORD_BYTES} bytes")]
    LongPassword,
    /// An account of that name exists.
    #[error("an account named `{0}` exists already")]
    Exists(String),
    /// No account of that name.
    #[error("no account named `{0}`")]
    NoSuchUser(String),
    /// The hash could not be computed.
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether `name` is a valid account name.
pub fn check_name(name: &str) -> Result<(), AccountError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AccountError::BadName)
    }
}

/// Whether `password` is long enough, and not too long.
pub fn check_password(password: &str) -> Result<(), AccountError> {
    if password.len() > MAX_PASSWORD_BYTES {
        Err(AccountError::LongPassword)
    } else if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(AccountError::ShortPassword)
    } else {
        Ok(())
    }
}

fn hasher() -> Result<Argon2<'static>, AccountError> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The argon2id hash of `password` with `salt`, as a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$...`).
pub fn hash_password(password: &str, salt: &[u8; 16]) -> Result<String, AccountError> {
    hasher()?
        .hash_password_with_salt(password.as_bytes(), salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether `password` matches a stored PHC hash. A malformed hash matches nothing.
pub fn verify_password(password: &str, phc: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        // The same work as a real verification, then no.
        equal_work(password);
        return false;
    }
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), phc).is_ok())
}

/// Does the work of one verification and forgets it: a login for an account that does not
/// exist takes as long as one that does, so timing does not tell which names exist.
pub fn equal_work(password: &str) {
    let bounded = &password.as_bytes()[..password.len().min(MAX_PASSWORD_BYTES)];
    if let Ok(h) = hasher() {
        let _ = h.hash_password_with_salt(bounded, &[0u8; 16]);
    }
}

/// Compares two secrets in time that depends on their length only.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A token's SHA-256, hex: what is stored of session and API tokens.
pub fn token_hash(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// A random token's text (base64url, 256 bits) with a prefix saying what it is.
pub fn token_text(prefix: &str, random: [u8; 32]) -> String {
    format!("{prefix}{}", BASE64URL_NOPAD.encode(&random))
}

/// The prefix of API tokens, so a leaked one is recognisable.
pub const API_TOKEN_PREFIX: &str = "cst_";

/// A new account, ready to store, and its TOTP secret when one is asked for.
pub fn new_user(
    name: &str,
    password: &str,
    with_totp: bool,
    now: u64,
    random: &dyn Fn() -> Option<[u8; 32]>,
) -> Result<AdminUser, AccountError> {
    check_name(name)?;
    check_password(password)?;
    let no_random = || AccountError::Hash("no randomness for the salt".into());
    let salt_bytes = random().ok_or_else(no_random)?;
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&salt_bytes[..16]);
    let totp_secret = if with_totp {
        Some(totp::new_secret(random().ok_or_else(no_random)?))
    } else {
        None
    };
    Ok(AdminUser {
        name: name.to_owned(),
        password_hash: hash_password(password, &salt)?,
        totp_secret,
        totp_step: 0,
        failed_logins: 0,
        locked_until: 0,
        created_at: now,
    })
}

/// Adds an account (replacing one of the same name with `replace`) and writes it in the
/// audit log; `how` says where from (`command line`).
pub async fn add_user(
    store: &dyn AdminStore,
    user: &AdminUser,
    replace: bool,
    how: &str,
) -> Result<(), AccountError> {
    if !store.put_user(user, replace).await? {
        return Err(AccountError::Exists(user.name.clone()));
    }
    let detail = match (replace, user.totp_secret.is_some()) {
        (false, false) => how.to_owned(),
        (false, true) => format!("{how}, with TOTP"),
        (true, false) => format!("{how}, replacing the old password"),
        (true, true) => format!("{how}, replacing the old password, with TOTP"),
    };
    store
        .audit(&AuditEntry {
            seq: 0,
            at: user.created_at,
            user: user.name.clone(),
            action: AuditAction::AccountAdded.as_str().to_owned(),
            detail,
            network: None,
        })
        .await?;
    Ok(())
}

/// Makes an API token for an existing account, keeps its hash and writes it in the audit
/// log; resolves to the token's text, which is shown once and never stored.
pub async fn make_token(
    store: &dyn AdminStore,
    user: &str,
    now: u64,
    random: [u8; 32],
    how: &str,
) -> Result<String, AccountError> {
    if store.user(user).await?.is_none() {
        return Err(AccountError::NoSuchUser(user.to_owned()));
    }
    let token = token_text(API_TOKEN_PREFIX, random);
    store
        .add_token(&ApiToken {
            token_hash: token_hash(&token),
            user: user.to_owned(),
            created_at: now,
        })
        .await?;
    store
        .audit(&AuditEntry {
            seq: 0,
            at: now,
            user: user.to_owned(),
            action: AuditAction::TokenMade.as_str().to_owned(),
            detail: how.to_owned(),
            network: None,
        })
        .await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_owasp_parameters_and_verify() {
        let hash = hash_password("correct horse battery", &[1; 16]).expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
        assert!(!verify_password("correct horse battery", "not a hash"));
    }

    #[test]
    fn names_and_passwords_are_checked() {
        assert!(check_name("ann.o-b_c@x").is_ok());
        for bad in ["", "ann o", "ann'", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            check_password("elevenchars"),
            Err(AccountError::ShortPassword)
        ));
        assert!(check_password("twelve chars").is_ok());
        assert!(matches!(
            check_password(&"x".repeat(1025)),
            Err(AccountError::LongPassword)
        ));
    }

    #[test]
    fn tokens_are_stored_as_their_hash_only() {
        let token = token_text(API_TOKEN_PREFIX, [9; 32]);
        assert!(token.starts_with("cst_") && token.len() == 4 + 43);
        let hash = token_hash(&token);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&token[4..]));
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }
}
