//! The dashboard's accounts, sessions, API tokens and audit log in SQLite.

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

use super::sqlite::{execute, query, query_opt};
use super::{SqliteStore, StoreFuture};

impl AdminStore for SqliteStore {
    fn put_user<'a>(&'a self, user: &'a AdminUser, replace: bool) -> StoreFuture<'a, bool> {
        let user = user.clone();
        Box::pin(self.with_connection(move |conn| {
            let sql = if replace { UPSERT_USER } else { INSERT_USER };
            Ok(execute(conn, sql, &user_values(&user)?)? > 0)
        }))
    }

    fn user<'a>(&'a self, name: &'a str) -> StoreFuture<'a, Option<AdminUser>> {
        let name = name.to_owned();
        Box::pin(self.with_connection(move |conn| {
            query_opt(conn, SELECT_USER, &[(&name).into()], |r| user_from(r))
        }))
    }

    fn count_failed_login<'a>(&'a self, name: &'a str) -> StoreFuture<'a, u32> {
        let name = name.to_owned();
        Box::pin(self.with_connection(move |conn| {
            let count = query_opt(conn, COUNT_FAILED_LOGIN, &[(&name).into()], |r| {
                r.int_as::<u32>("failed_logins")
            })?;
            Ok(count.unwrap_or(0))
        }))
    }

    fn lock_user<'a>(&'a self, name: &'a str, until: u64) -> StoreFuture<'a, ()> {
        let name = name.to_owned();
        Box::pin(self.with_connection(move |conn| {
            execute(conn, LOCK_USER, &[(&name).into(), until.into()])?;
            Ok(())
        }))
    }

    fn login_succeeded<'a>(&'a self, name: &'a str, totp_step: u64) -> StoreFuture<'a, ()> {
        let name = name.to_owned();
        Box::pin(self.with_connection(move |conn| {
            execute(conn, LOGIN_SUCCEEDED, &[(&name).into(), totp_step.into()])?;
            Ok(())
        }))
    }

    fn create_session<'a>(&'a self, session: &'a AdminSession) -> StoreFuture<'a, ()> {
        let s = session.clone();
        Box::pin(self.with_connection(move |conn| {
            execute(conn, DELETE_EXPIRED_SESSIONS, &[s.created_at.into()])?;
            execute(conn, INSERT_SESSION, &session_values(&s)?)?;
            Ok(())
        }))
    }

    fn session<'a>(
        &'a self,
        token_hash: &'a str,
        now: u64,
    ) -> StoreFuture<'a, Option<AdminSession>> {
        let hash = token_hash.to_owned();
        Box::pin(self.with_connection(move |conn| {
            query_opt(conn, SELECT_SESSION, &[(&hash).into(), now.into()], |r| {
                session_from(r)
            })
        }))
    }

    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, ()> {
        let hash = token_hash.to_owned();
        Box::pin(self.with_connection(move |conn| {
            execute(conn, DELETE_SESSION, &[(&hash).into()])?;
            Ok(())
        }))
    }

    fn add_token<'a>(&'a self, token: &'a ApiToken) -> StoreFuture<'a, ()> {
        let t = token.clone();
        Box::pin(self.with_connection(move |conn| {
            execute(conn, INSERT_TOKEN, &token_values(&t)?)?;
            Ok(())
        }))
    }

    fn token_user<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>> {
        let hash = token_hash.to_owned();
        Box::pin(self.with_connection(move |conn| {
            query_opt(conn, SELECT_TOKEN_USER, &[(&hash).into()], |r| {
                r.text("user_name")
            })
        }))
    }

    fn audit<'a>(&'a self, entry: &'a AuditEntry) -> StoreFuture<'a, ()> {
        let e = entry.clone();
        // One connection serialises every write, so the next position is never taken twice.
        Box::pin(self.with_connection(move |conn| {
            execute(conn, INSERT_AUDIT, &audit_values(&e))?;
            Ok(())
        }))
    }

    fn audit_log(&self, limit: u32) -> StoreFuture<'_, Vec<AuditEntry>> {
        Box::pin(self.with_connection(move |conn| {
            query(conn, SELECT_AUDIT, &[limit.into()], |r| audit_from(r))
        }))
    }
}

#[cfg(test)]
mod tests {
    use consentry_engine::chain::ChainKey;

    use super::SqliteStore;

    #[tokio::test]
    async fn the_shared_admin_store_tests_pass_on_sqlite() {
        let dir = tempfile::tempdir().expect("dir");
        let store = SqliteStore::open(dir.path(), ChainKey::derive(b"test key")).expect("open");
        super::super::tests::exercise_admin(&store).await;
    }
}
