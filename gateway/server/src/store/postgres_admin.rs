//! The dashboard's accounts, sessions, API tokens and audit log in PostgreSQL, shared by
//! every gateway on the database.

use consentry_engine::admin::sql::{
    COUNT_FAILED_LOGIN, DELETE_EXPIRED_SESSIONS, DELETE_SESSION, INSERT_AUDIT, INSERT_SESSION,
    INSERT_TOKEN, INSERT_USER, LOCK_USER, LOGIN_SUCCEEDED, SELECT_AUDIT, SELECT_SESSION,
    SELECT_TOKEN_USER, SELECT_USER, UPSERT_USER,
};
use consentry_engine::admin::{AdminSession, AdminStore, AdminUser, ApiToken, AuditEntry};
use consentry_engine::schema::postgres_placeholders as pg;
use consentry_engine::store::rows::db_time;
use tokio_postgres::error::SqlState;
use tokio_postgres::Row;

use super::postgres::db_err;
use super::{PostgresStore, StoreFuture};

/// How often an audit line is tried when another gateway took the same position.
const AUDIT_ATTEMPTS: u32 = 10;

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn user_row(row: &Row) -> Result<AdminUser, tokio_postgres::Error> {
    Ok(AdminUser {
        name: row.try_get(0)?,
        password_hash: row.try_get(1)?,
        totp_secret: row.try_get(2)?,
        totp_step: unsigned(row.try_get(3)?),
        failed_logins: u32::try_from(row.try_get::<_, i64>(4)?).unwrap_or(u32::MAX),
        locked_until: unsigned(row.try_get(5)?),
        created_at: unsigned(row.try_get(6)?),
    })
}

impl AdminStore for PostgresStore {
    fn put_user<'a>(&'a self, user: &'a AdminUser, replace: bool) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let sql = pg(if replace { UPSERT_USER } else { INSERT_USER });
            let changed = self
                .reader
                .execute(
                    &sql,
                    &[
                        &user.name,
                        &user.password_hash,
                        &user.totp_secret,
                        &db_time(user.totp_step),
                        &i64::from(user.failed_logins),
                        &db_time(user.locked_until),
                        &db_time(user.created_at),
                    ],
                )
                .await
                .map_err(db_err)?;
            Ok(changed > 0)
        })
    }

    fn user<'a>(&'a self, name: &'a str) -> StoreFuture<'a, Option<AdminUser>> {
        Box::pin(async move {
            let row = self
                .reader
                .query_opt(&pg(SELECT_USER), &[&name])
                .await
                .map_err(db_err)?;
            row.as_ref().map(user_row).transpose().map_err(db_err)
        })
    }

    fn count_failed_login<'a>(&'a self, name: &'a str) -> StoreFuture<'a, u32> {
        Box::pin(async move {
            let row = self
                .reader
                .query_opt(&pg(COUNT_FAILED_LOGIN), &[&name])
                .await
                .map_err(db_err)?;
            let count: Option<i64> = row.map(|r| r.try_get(0)).transpose().map_err(db_err)?;
            Ok(count.map_or(0, |c| u32::try_from(c).unwrap_or(u32::MAX)))
        })
    }

    fn lock_user<'a>(&'a self, name: &'a str, until: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.reader
                .execute(&pg(LOCK_USER), &[&name, &db_time(until)])
                .await
                .map_err(db_err)?;
            Ok(())
        })
    }

    fn login_succeeded<'a>(&'a self, name: &'a str, totp_step: u64) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.reader
                .execute(&pg(LOGIN_SUCCEEDED), &[&name, &db_time(totp_step)])
                .await
                .map_err(db_err)?;
            Ok(())
        })
    }

    fn create_session<'a>(&'a self, s: &'a AdminSession) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.reader
                .execute(&pg(DELETE_EXPIRED_SESSIONS), &[&db_time(s.created_at)])
                .await
                .map_err(db_err)?;
            self.reader
                .execute(
                    &pg(INSERT_SESSION),
                    &[
                        &s.token_hash,
                        &s.user,
                        &s.csrf,
                        &db_time(s.created_at),
                        &db_time(s.expires_at),
                    ],
                )
                .await
                .map_err(db_err)?;
            Ok(())
        })
    }

    fn session<'a>(
        &'a self,
        token_hash: &'a str,
        now: u64,
    ) -> StoreFuture<'a, Option<AdminSession>> {
        Box::pin(async move {
            let row = self
                .reader
                .query_opt(&pg(SELECT_SESSION), &[&token_hash, &db_time(now)])
                .await
                .map_err(db_err)?;
            row.map(|r| -> Result<AdminSession, tokio_postgres::Error> {
                Ok(AdminSession {
                    token_hash: r.try_get(0)?,
                    user: r.try_get(1)?,
                    csrf: r.try_get(2)?,
                    created_at: unsigned(r.try_get(3)?),
                    expires_at: unsigned(r.try_get(4)?),
                })
            })
            .transpose()
            .map_err(db_err)
        })
    }

    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.reader
                .execute(&pg(DELETE_SESSION), &[&token_hash])
                .await
                .map_err(db_err)?;
            Ok(())
        })
    }

    fn add_token<'a>(&'a self, t: &'a ApiToken) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.reader
                .execute(
                    &pg(INSERT_TOKEN),
                    &[&t.token_hash, &t.user, &db_time(t.created_at)],
                )
                .await
                .map_err(db_err)?;
            Ok(())
        })
    }

    fn token_user<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>> {
        Box::pin(async move {
            let row = self
                .reader
                .query_opt(&pg(SELECT_TOKEN_USER), &[&token_hash])
                .await
                .map_err(db_err)?;
            row.map(|r| r.try_get(0)).transpose().map_err(db_err)
        })
    }

    fn audit<'a>(&'a self, e: &'a AuditEntry) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let sql = pg(INSERT_AUDIT);
            let mut attempt = 1;
            loop {
                // Another gateway may take the same next position at the same moment: its
                // insert wins the primary key, and this one takes the next.
                match self
                    .reader
                    .execute(
                        &sql,
                        &[&db_time(e.at), &e.user, &e.action, &e.detail, &e.network],
                    )
                    .await
                {
                    Ok(_) => return Ok(()),
                    Err(err)
                        if err.code() == Some(&SqlState::UNIQUE_VIOLATION)
                            && attempt < AUDIT_ATTEMPTS =>
                    {
                        attempt += 1;
                    }
                    Err(err) => return Err(db_err(err)),
                }
            }
        })
    }

    fn audit_log(&self, limit: u32) -> StoreFuture<'_, Vec<AuditEntry>> {
        Box::pin(async move {
            let rows = self
                .reader
                .query(&pg(SELECT_AUDIT), &[&i64::from(limit)])
                .await
                .map_err(db_err)?;
            rows.iter()
                .map(|r| -> Result<AuditEntry, tokio_postgres::Error> {
                    Ok(AuditEntry {
                        seq: unsigned(r.try_get(0)?),
                        at: unsigned(r.try_get(1)?),
                        user: r.try_get(2)?,
                        action: r.try_get(3)?,
                        detail: r.try_get(4)?,
                        network: r.try_get(5)?,
                    })
                })
                .collect::<Result<_, _>>()
                .map_err(db_err)
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
