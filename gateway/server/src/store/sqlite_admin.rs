//! The dashboard's accounts, sessions, API tokens and audit log in SQLite.

use consentry_engine::admin::sql::{
    COUNT_FAILED_LOGIN, DELETE_EXPIRED_SESSIONS, DELETE_SESSION, INSERT_AUDIT, INSERT_SESSION,
    INSERT_TOKEN, INSERT_USER, LOCK_USER, LOGIN_SUCCEEDED, SELECT_AUDIT, SELECT_SESSION,
    SELECT_TOKEN_USER, SELECT_USER, UPSERT_USER,
};
use consentry_engine::admin::{AdminSession, AdminStore, AdminUser, ApiToken, AuditEntry};
use consentry_engine::store::rows::db_time;
use rusqlite::{params, OptionalExtension, Row};

use super::sqlite::db_err;
use super::{SqliteStore, StoreFuture};

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn user_row(row: &Row<'_>) -> rusqlite::Result<AdminUser> {
    Ok(AdminUser {
        name: row.get(0)?,
        password_hash: row.get(1)?,
        totp_secret: row.get(2)?,
        totp_step: unsigned(row.get(3)?),
        failed_logins: u32::try_from(row.get::<_, i64>(4)?).unwrap_or(u32::MAX),
        locked_until: unsigned(row.get(5)?),
        created_at: unsigned(row.get(6)?),
    })
}

impl AdminStore for SqliteStore {
    fn put_user<'a>(&'a self, user: &'a AdminUser, replace: bool) -> StoreFuture<'a, bool> {
        let user = user.clone();
        Box::pin(self.with_connection(move |conn| {
            let sql = if replace { UPSERT_USER } else { INSERT_USER };
            let changed = conn
                .execute(
                    sql,
                    params![
                        user.name,
                        user.password_hash,
                        user.totp_secret,
                        db_time(user.totp_step),
                        i64::from(user.failed_logins),
                        db_time(user.locked_until),
                        db_time(user.created_at),
                    ],
                )
                .map_err(db_err)?;
            Ok(changed > 0)
        }))
    }

    fn user<'a>(&'a self, name: &'a str) -> StoreFuture<'a, Option<AdminUser>> {
        let name = name.to_owned();
        Box::pin(self.with_connection(move |conn| {
            conn.query_row(SELECT_USER, params![name], user_row)
                .optional()
                .map_err(db_err)
        }))
    }

    fn count_failed_login<'a>(&'a self, name: &'a str) -> StoreFuture<'a, u32> {
        let name = name.to_owned();
        Box::pin(self.with_connection(move |conn| {
            let count: Option<i64> = conn
                .query_row(COUNT_FAILED_LOGIN, params![name], |r| r.get(0))
                .optional()
                .map_err(db_err)?;
            Ok(count.map_or(0, |c| u32::try_from(c).unwrap_or(u32::MAX)))
        }))
    }

    fn lock_user<'a>(&'a self, name: &'a str, until: u64) -> StoreFuture<'a, ()> {
        let name = name.to_owned();
        Box::pin(self.with_connection(move |conn| {
            conn.execute(LOCK_USER, params![name, db_time(until)])
                .map_err(db_err)?;
            Ok(())
        }))
    }

    fn login_succeeded<'a>(&'a self, name: &'a str, totp_step: u64) -> StoreFuture<'a, ()> {
        let name = name.to_owned();
        Box::pin(self.with_connection(move |conn| {
            conn.execute(LOGIN_SUCCEEDED, params![name, db_time(totp_step)])
                .map_err(db_err)?;
            Ok(())
        }))
    }

    fn create_session<'a>(&'a self, session: &'a AdminSession) -> StoreFuture<'a, ()> {
        let s = session.clone();
        Box::pin(self.with_connection(move |conn| {
            conn.execute(DELETE_EXPIRED_SESSIONS, params![db_time(s.created_at)])
                .map_err(db_err)?;
            conn.execute(
                INSERT_SESSION,
                params![
                    s.token_hash,
                    s.user,
                    s.csrf,
                    db_time(s.created_at),
                    db_time(s.expires_at)
                ],
            )
            .map_err(db_err)?;
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
            conn.query_row(SELECT_SESSION, params![hash, db_time(now)], |r| {
                Ok(AdminSession {
                    token_hash: r.get(0)?,
                    user: r.get(1)?,
                    csrf: r.get(2)?,
                    created_at: unsigned(r.get(3)?),
                    expires_at: unsigned(r.get(4)?),
                })
            })
            .optional()
            .map_err(db_err)
        }))
    }

    fn delete_session<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, ()> {
        let hash = token_hash.to_owned();
        Box::pin(self.with_connection(move |conn| {
            conn.execute(DELETE_SESSION, params![hash])
                .map_err(db_err)?;
            Ok(())
        }))
    }

    fn add_token<'a>(&'a self, token: &'a ApiToken) -> StoreFuture<'a, ()> {
        let t = token.clone();
        Box::pin(self.with_connection(move |conn| {
            conn.execute(
                INSERT_TOKEN,
                params![t.token_hash, t.user, db_time(t.created_at)],
            )
            .map_err(db_err)?;
            Ok(())
        }))
    }

    fn token_user<'a>(&'a self, token_hash: &'a str) -> StoreFuture<'a, Option<String>> {
        let hash = token_hash.to_owned();
        Box::pin(self.with_connection(move |conn| {
            conn.query_row(SELECT_TOKEN_USER, params![hash], |r| r.get(0))
                .optional()
                .map_err(db_err)
        }))
    }

    fn audit<'a>(&'a self, entry: &'a AuditEntry) -> StoreFuture<'a, ()> {
        let e = entry.clone();
        // One connection serialises every write, so the next position is never taken twice.
        Box::pin(self.with_connection(move |conn| {
            conn.execute(
                INSERT_AUDIT,
                params![db_time(e.at), e.user, e.action, e.detail, e.network],
            )
            .map_err(db_err)?;
            Ok(())
        }))
    }

    fn audit_log(&self, limit: u32) -> StoreFuture<'_, Vec<AuditEntry>> {
        Box::pin(self.with_connection(move |conn| {
            let mut statement = conn.prepare(SELECT_AUDIT).map_err(db_err)?;
            let rows = statement
                .query_map(params![i64::from(limit)], |r| {
                    Ok(AuditEntry {
                        seq: unsigned(r.get(0)?),
                        at: unsigned(r.get(1)?),
                        user: r.get(2)?,
                        action: r.get(3)?,
                        detail: r.get(4)?,
                        network: r.get(5)?,
                    })
                })
                .map_err(db_err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(db_err)?;
            Ok(rows)
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
