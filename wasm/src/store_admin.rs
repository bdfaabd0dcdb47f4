//! The dashboard's accounts, sessions, API tokens and audit log in D1, with the statements
//! every backend shares. D1 runs one statement at a time, so an audit line's next position
//! is never taken twice.

use consentry_engine::admin::sql::{
    COUNT_FAILED_LOGIN, DELETE_EXPIRED_SESSIONS, DELETE_SESSION, INSERT_AUDIT, INSERT_SESSION,
    INSERT_TOKEN, INSERT_USER, LOCK_USER, LOGIN_SUCCEEDED, SELECT_AUDIT, SELECT_SESSION,
    SELECT_TOKEN_USER, SELECT_USER, UPSERT_USER,
};
use consentry_engine::admin::{AdminSession, AdminStore, AdminUser, ApiToken, AuditEntry};
use consentry_engine::store::rows::db_time;
use consentry_engine::store::{StoreError, StoreFuture};
use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::store::{db_err, int, opt_text, text, D1Store};

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// An `admin_users` row as D1 returns it.
#[derive(Deserialize)]
struct D1User {
    name: String,
    password_hash: String,
    totp_secret: Option<String>,
    totp_step: i64,
    failed_logins: i64,
    locked_until: i64,
    created_at: i64,
}

impl From<D1User> for AdminUser {
    fn from(r: D1User) -> AdminUser {
        AdminUser {
            name: r.name,
            password_hash: r.password_hash,
            totp_secret: r.totp_secret,
            totp_step: unsigned(r.totp_step),
            failed_logins: u32::try_from(r.failed_logins).unwrap_or(u32::MAX),
            locked_until: unsigned(r.locked_until),
            created_at: unsigned(r.created_at),
        }
    }
}

/// An `admin_sessions` row as D1 returns it.
#[derive(Deserialize)]
struct D1Session {
    token_hash: String,
    user_name: String,
    csrf: String,
    created_at: i64,
    expires_at: i64,
}

/// An `admin_audit` row as D1 returns it.
#[derive(Deserialize)]
struct D1Audit {
    seq: i64,
    at: i64,
    user_name: String,
    action: String,
    detail: String,
    network: Option<String>,
}

#[derive(Deserialize)]
struct D1Failures {
    failed_logins: i64,
}

#[derive(Deserialize)]
struct D1UserName {
    user_name: String,
}

impl D1Store {
    async fn rows<T: for<'de> Deserialize<'de>>(
        &self,
        sql: &str,
        values: &[JsValue],
    ) -> Result<Vec<T>, StoreError> {
        self.all(sql, values).await?.results::<T>().map_err(db_err)
    }

    async fn run(&self, sql: &str, values: &[JsValue]) -> Result<Option<usize>, StoreError> {
        let result = self.statement(sql, values)?.run().await.map_err(db_err)?;
        Ok(result.meta().map_err(db_err)?.and_then(|m| m.changes))
    }
}

impl AdminStore for D1Store {
    fn put_user<'a>(&'a self, user: &'a AdminUser, replace: bool) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let sql = if replace { UPSERT_USER } else { INSERT_USER };
            let changes = self
                .run(
                    sql,
                    &[
                        text(&user.name),
                        text(&user.password_hash),
                        opt_text(user.totp_secret.as_deref()),
                        int(db_time(user.totp_step)),
                        int(i64::from(user.failed_logins)),
                        int(db_time(user.locked_until)),
                        int(db_time(user.created_at)),
                    ],
                )
                .await?;
            match changes {
                Some(n) => Ok(n > 0),
                // Without the count, the stored hash says whether this insert was taken.
                None => Ok(self
                    .user(&user.name)
                    .await?
                    .is_some_and(|stored| stored.password_hash == user.password_hash)),
            }
        })
    }

    fn user<'a>(&'a self, name: &'a str) -> StoreFuture<'a, Option<AdminUser>> {
        Box::pin(async move {
            let rows = self.rows::<D1User>(SELECT_USER, &[text(name)]).await?;
            Ok(rows.into_iter().next().map(AdminUser::from))
        })
    }

    fn count_failed_login<'a>(&'a self, name: &'a str) -> StoreFuture<'a, u32> {
        Box::pin(async move {
            let rows = self
                .rows::<D1Failures>(COUNT_FAILED_LOGIN, &[text(name)])
                .await?;
            Ok(rows
                .first()
                .map_or(0, |r| u32::try_from(r.failed_logins).unwrap_or(u32::MAX)))
        })
    }

    fn lock_user<'a>(&'a self, name: &'a str, until: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(LOCK_USER, &[text(name), int(db_time(until))])
                .await?;
            Ok(())
        })
    }

    fn login_succeeded<'a>(&'a self, name: &'a str, totp_step: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(LOGIN_SUCCEEDED, &[text(name), int(db_time(totp_step))])
                .await?;
            Ok(())
        })
    }

    fn create_session<'a>(&'a self, s: &'a AdminSession) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let statements = vec![
                self.statement(DELETE_EXPIRED_SESSIONS, &[int(db_time(s.created_at))])?,
                self.statement(
                    INSERT_SESSION,
                    &[
                        text(&s.token_hash),
                        text(&s.user),
                        text(&s.csrf),
                        int(db_time(s.created_at)),
                        int(db_time(s.expires_at)),
                    ],
                )?,
            ];
            self.db.batch(statements).await.map_err(db_err)?;
            Ok(())
        })
    }

    fn session<'a>(
        &'a self,
        token_hash: &'a str,
        now: u64,
    ) -> StoreFuture<'a, Option<AdminSession>> {
        Box::pin(async move {
            let rows = self
                .rows::<D1Session>(SELECT_SESSION, &[text(token_hash), int(db_time(now))])
                .await?;
            Ok(rows.into_iter().next().map(|r| AdminSession {
                token_hash: r.token_hash,
                user: r.user_name,
                csrf: r.csrf,
                created_at: unsigned(r.created_at),
                expires_at: unsigned(r.expires_at),
            }))
        })
    }

    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(DELETE_SESSION, &[text(token_hash)]).await?;
            Ok(())
        })
    }

    fn add_token<'a>(&'a self, t: &'a ApiToken) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(
                INSERT_TOKEN,
                &[
                    text(&t.token_hash),
                    text(&t.user),
                    int(db_time(t.created_at)),
                ],
            )
            .await?;
            Ok(())
        })
    }

    fn token_user<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(async move {
            let rows = self
                .rows::<D1UserName>(SELECT_TOKEN_USER, &[text(token_hash)])
                .await?;
            Ok(rows.into_iter().next().map(|r| r.user_name))
        })
    }

    fn audit<'a>(&'a self, e: &'a AuditEntry) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(
                INSERT_AUDIT,
                &[
                    int(db_time(e.at)),
                    text(&e.user),
                    text(&e.action),
                    text(&e.detail),
                    opt_text(e.network.as_deref()),
                ],
            )
            .await?;
            Ok(())
        })
    }

    fn audit_log(&self, limit: u32) -> StoreFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            let rows = self
                .rows::<D1Audit>(SELECT_AUDIT, &[int(i64::from(limit))])
                .await?;
            Ok(rows
                .into_iter()
                .map(|r| AuditEntry {
                    seq: unsigned(r.seq),
                    at: unsigned(r.at),
                    user: r.user_name,
                    action: r.action,
                    detail: r.detail,
                    network: r.network,
                })
                .collect())
        })
    }
}
