//! The dashboard's accounts, sessions, API tokens and audit log in PostgreSQL, shared by
//! every gateway on the database.

use consentry_engine::admin::sql::{
    COUNT_FAILED_LOGIN, DELETE_EXPIRED_SESSIONS, DELETE_SESSION, INSERT_AUDIT, INSERT_SESSION,
    INSERT_TOKEN, INSERT_USER, LOCK_USER, LOGIN_SUCCEEDED, SELECT_AUDIT, SELECT_SESSION,
    SELECT_TOKEN_USER, SELECT_USER, UPSERT_USER,
};
use consentry_engine::admin::store::{
    audit_from, audit_values, session_from, session_values, token_values, user_from, user_values,
};
use consentry_engine::admin::{AdminSession, AdminStore, AdminUser, ApiToken, AuditEntry};
use consentry_engine::schema::postgres_placeholders as pg;
use consentry_engine::store::row::Row;
use tokio_postgres::error::SqlState;

use super::postgres::{execute, query, query_opt, Bind};
use super::{PostgresStore, StoreError, StoreFuture};

/// How often an audit line is tried when another gateway took the same position.
const AUDIT_ATTEMPTS: u32 = 10;

impl AdminStore for PostgresStore {
    fn put_user<'a>(&'a self, user: &'a AdminUser, replace: bool) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let sql = if replace { UPSERT_USER } else { INSERT_USER };
            Ok(execute(&self.reader, sql, &user_values(user)?).await? > 0)
        })
    }

    fn user<'a>(&'a self, name: &'a str) -> StoreFuture<'a, Option<AdminUser>> {
        Box::pin(async move {
            query_opt(&self.reader, SELECT_USER, &[name.into()], |r| user_from(r)).await
        })
    }

    fn count_failed_login<'a>(&'a self, name: &'a str) -> StoreFuture<'a, u32> {
        Box::pin(async move {
            let count = query_opt(&self.reader, COUNT_FAILED_LOGIN, &[name.into()], |r| {
                r.int_as::<u32>("failed_logins")
            })
            .await?;
            Ok(count.unwrap_or(0))
        })
    }

    fn lock_user<'a>(&'a self, name: &'a str, until: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            execute(&self.reader, LOCK_USER, &[name.into(), until.into()]).await?;
            Ok(())
        })
    }

    fn login_succeeded<'a>(&'a self, name: &'a str, totp_step: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            execute(
                &self.reader,
                LOGIN_SUCCEEDED,
                &[name.into(), totp_step.into()],
            )
            .await?;
            Ok(())
        })
    }

    fn create_session<'a>(&'a self, s: &'a AdminSession) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            execute(
                &self.reader,
                DELETE_EXPIRED_SESSIONS,
                &[s.created_at.into()],
            )
            .await?;
            execute(&self.reader, INSERT_SESSION, &session_values(s)?).await?;
            Ok(())
        })
    }

    fn session<'a>(
        &'a self,
        token_hash: &'a str,
        now: u64,
    ) -> StoreFuture<'a, Option<AdminSession>> {
        Box::pin(async move {
            query_opt(
                &self.reader,
                SELECT_SESSION,
                &[token_hash.into(), now.into()],
                |r| session_from(r),
            )
            .await
        })
    }

    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            execute(&self.reader, DELETE_SESSION, &[token_hash.into()]).await?;
            Ok(())
        })
    }

    fn add_token<'a>(&'a self, t: &'a ApiToken) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            execute(&self.reader, INSERT_TOKEN, &token_values(t)?).await?;
            Ok(())
        })
    }

    fn token_user<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(async move {
            query_opt(&self.reader, SELECT_TOKEN_USER, &[token_hash.into()], |r| {
                r.text("user_name")
            })
            .await
        })
    }

    fn audit<'a>(&'a self, e: &'a AuditEntry) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let sql = pg(INSERT_AUDIT);
            let values = audit_values(e);
            let mut attempt = 1;
            loop {
                // Another gateway may take the same next position at the same moment: its
                // insert wins the primary key, and this one takes the next.
                match self
                    .reader
                    .execute_raw(sql.as_str(), values.iter().map(Bind))
                    .await
                {
                    Ok(_) => return Ok(()),
                    Err(err)
                        if err.code() == Some(&SqlState::UNIQUE_VIOLATION)
                            && attempt < AUDIT_ATTEMPTS =>
                    {
                        attempt += 1;
                    }
                    Err(err) => return Err(StoreError::Database(err.to_string())),
                }
            }
        })
    }

    fn audit_log(&self, limit: u32) -> StoreFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            query(&self.reader, SELECT_AUDIT, &[limit.into()], |r| {
                audit_from(r)
            })
            .await
        })
    }
}

/// The shared admin store tests on a real PostgreSQL, when the test command provides one
/// (`CONSENTRY_TEST_POSTGRES`, a connection URL to a database the test may wipe).
#[cfg(test)]
mod tests {
    use consentry_engine::chain::ChainKey;

    use super::PostgresStore;

    #[tokio::test]
    async fn the_shared_admin_store_tests_pass_on_postgres() {
        let Ok(url) = std::env::var("CONSENTRY_TEST_POSTGRES") else {
            eprintln!(
                "CONSENTRY_TEST_POSTGRES is not set: the PostgreSQL admin store tests did not run"
            );
            return;
        };
        let store = PostgresStore::connect(&url, ChainKey::derive(b"test key"))
            .await
            .expect("connect");
        store
            .reader
            .batch_execute(
                "DELETE FROM admin_users; DELETE FROM admin_sessions; DELETE FROM admin_tokens; DELETE FROM admin_audit;",
            )
            .await
            .expect("wipe");
        super::super::tests::exercise_admin(&store).await;
    }
}
