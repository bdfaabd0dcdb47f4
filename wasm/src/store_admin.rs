//! The dashboard's accounts, sessions, API tokens and audit log in D1, with the statements
//! every backend shares. D1 runs one statement at a time, so an audit line's next position
//! is never taken twice.

use consentry_engine::admin::sql::{
    COUNT_FAILED_LOGIN, DELETE_EXPIRED_SESSIONS, DELETE_SESSION, INSERT_AUDIT, INSERT_SESSION,
    INSERT_TOKEN, INSERT_USER, LOCK_USER, LOGIN_SUCCEEDED, SELECT_AUDIT, SELECT_SESSION,
    SELECT_TOKEN_USER, SELECT_USER, UPSERT_USER,
};
use consentry_engine::admin::store::{
    audit_from, audit_values, session_from, session_values, token_values, user_from, user_values,
};
use consentry_engine::admin::{AdminSession, AdminStore, AdminUser, ApiToken, AuditEntry};
use consentry_engine::store::row::Row;
use consentry_engine::store::StoreFuture;

use crate::store::{db_err, D1Store};

impl AdminStore for D1Store {
    fn put_user<'a>(&'a self, user: &'a AdminUser, replace: bool) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let sql = if replace { UPSERT_USER } else { INSERT_USER };
            let changes = self.run(sql, &user_values(user)?).await?;
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
        Box::pin(async move { self.query_opt(SELECT_USER, &[name.into()], user_from).await })
    }

    fn count_failed_login<'a>(&'a self, name: &'a str) -> StoreFuture<'a, u32> {
        Box::pin(async move {
            let count = self
                .query_opt(COUNT_FAILED_LOGIN, &[name.into()], |r| {
                    r.int_as::<u32>("failed_logins")
                })
                .await?;
            Ok(count.unwrap_or(0))
        })
    }

    fn lock_user<'a>(&'a self, name: &'a str, until: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(LOCK_USER, &[name.into(), until.into()]).await?;
            Ok(())
        })
    }

    fn login_succeeded<'a>(&'a self, name: &'a str, totp_step: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(LOGIN_SUCCEEDED, &[name.into(), totp_step.into()])
                .await?;
            Ok(())
        })
    }

    fn create_session<'a>(&'a self, s: &'a AdminSession) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let statements = vec![
                self.statement(DELETE_EXPIRED_SESSIONS, &[s.created_at.into()])?,
                self.statement(INSERT_SESSION, &session_values(s)?)?,
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
            self.query_opt(
                SELECT_SESSION,
                &[token_hash.into(), now.into()],
                session_from,
            )
            .await
        })
    }

    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(DELETE_SESSION, &[token_hash.into()]).await?;
            Ok(())
        })
    }

    fn add_token<'a>(&'a self, t: &'a ApiToken) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(INSERT_TOKEN, &token_values(t)?).await?;
            Ok(())
        })
    }

    fn token_user<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(async move {
            self.query_opt(SELECT_TOKEN_USER, &[token_hash.into()], |r| {
                r.text("user_name")
            })
            .await
        })
    }

    fn audit<'a>(&'a self, e: &'a AuditEntry) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.run(INSERT_AUDIT, &audit_values(e)).await?;
            Ok(())
        })
    }

    fn audit_log(&self, limit: u32) -> StoreFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move { self.query(SELECT_AUDIT, &[limit.into()], audit_from).await })
    }
}
