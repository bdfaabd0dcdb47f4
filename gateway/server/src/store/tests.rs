//! Store tests every backend must pass: the same suite on SQLite and on PostgreSQL.

use consentry_engine::chain::{verify, ChainKey};
use consentry_engine::{ConsentRecord, RecordKind};

use consentry_engine::analytics::{AggregateRow, AnalyticsStore, Sketch};

use super::{ConsentLog, LogFilter};

pub(super) fn record(consent_id: &str, site: &str, at: u64, kind: RecordKind) -> ConsentRecord {
    ConsentRecord {
        record_id: format!("{consent_id}-{at}"),
        consent_id: consent_id.to_owned(),
        recorded_at: at,
        site: site.to_owned(),
        policy_version: 1,
        banner_hash: "ab".repeat(32),
        language: "nl".into(),
        via_form: kind == RecordKind::RejectAll,
        analytics: kind == RecordKind::AcceptAll,
        marketing: kind == RecordKind::AcceptAll,
        country: Some("NL".into()),
        ip_prefix: Some("203.0.113.0/24".into()),
        browser: Some("Firefox".into()),
        ..ConsentRecord::of_kind(kind)
    }
}

/// `consent_log` as a version without its `browser` column made it.
pub(super) fn consent_log_without_browser() -> String {
    let columns: Vec<String> = consentry_engine::schema::CONSENT_LOG
        .columns
        .iter()
        .filter(|(name, _)| *name != "browser")
        .map(|(name, ty)| format!("{name} {ty}"))
        .collect();
    format!(
        "CREATE TABLE consent_log ({}, PRIMARY KEY (seq))",
        columns.join(", ")
    )
}

/// On a log made by [`consent_log_without_browser`] and opened since: the column was added
/// and records keep their browser.
pub(super) async fn exercise_upgraded(store: &dyn ConsentLog) {
    let r = record("ann", "shop", 1_000, RecordKind::AcceptAll);
    store
        .append_batch(std::slice::from_ref(&r))
        .await
        .expect("append");
    let back = store.records_for("ann").await.expect("read");
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].record, r);
}

/// Appends, reads, filters, erases, prunes and verifies.
pub(super) async fn exercise(store: &dyn ConsentLog, key: &ChainKey) {
    let first = store
        .append_batch(&[
            record("alice", "shop", 1_000, RecordKind::AcceptAll),
            record("bob", "shop", 1_001, RecordKind::RejectAll),
        ])
        .await
        .expect("append");
    assert_eq!(first, vec![1, 2]);
    let next = store
        .append_batch(&[
            record("alice", "blog", 2_000, RecordKind::Withdraw),
            record("carol", "shop", 3_000, RecordKind::Custom),
        ])
        .await
        .expect("append");
    assert_eq!(next, vec![3, 4]);

    let alice = store.records_for("alice").await.expect("alice");
    assert_eq!(alice.iter().map(|r| r.seq).collect::<Vec<_>>(), vec![1, 3]);
    assert_eq!(
        alice[0].record,
        record("alice", "shop", 1_000, RecordKind::AcceptAll)
    );
    let shop_since = store
        .export(&LogFilter {
            since: Some(1_001),
            site: Some("shop".into()),
            ..LogFilter::default()
        })
        .await
        .expect("export");
    assert_eq!(
        shop_since.iter().map(|r| r.seq).collect::<Vec<_>>(),
        vec![2, 4]
    );
    let until = store
        .export(&LogFilter {
            until: Some(2_000),
            ..LogFilter::default()
        })
        .await
        .expect("export");
    assert_eq!(until.len(), 2);

    let (checkpoint, all) = store.chain().await.expect("chain");
    assert!(checkpoint.is_none());
    assert_eq!(verify(key, None, &all).map(|v| v.records), Ok(4));

    // Erasure removes personal fields and keeps the chain verifiable.
    assert_eq!(store.erase("alice").await.expect("erase"), vec![1, 3]);
    assert!(store.records_for("alice").await.expect("gone").is_empty());
    let (_, all) = store.chain().await.expect("chain");
    assert!(
        all[0].erased && all[0].record.consent_id.is_empty() && all[0].record.ip_prefix.is_none()
    );
    assert_eq!(verify(key, None, &all).map(|v| v.erased), Ok(2));

    // Pruning keeps a signed checkpoint from which the rest verifies, and new records
    // chain on after it.
    assert_eq!(store.prune(1_500, 9_000).await.expect("prune"), 2);
    let (checkpoint, kept) = store.chain().await.expect("chain");
    let checkpoint = checkpoint.expect("checkpoint");
    assert_eq!((checkpoint.seq, kept.len()), (2, 2));
    assert_eq!(
        verify(key, Some(&checkpoint), &kept).map(|v| v.pruned_before),
        Ok(2)
    );
    assert_eq!(
        store
            .append_batch(&[record("dave", "shop", 4_000, RecordKind::Custom)])
            .await
            .expect("append"),
        vec![5]
    );
    let (checkpoint, kept) = store.chain().await.expect("chain");
    assert_eq!(
        verify(key, checkpoint.as_ref(), &kept).map(|v| v.records),
        Ok(3)
    );

    let stats = store.stats().await.expect("stats");
    assert_eq!(
        (stats.records, stats.erased, stats.pruned_up_to),
        (3, 1, Some(2))
    );
    assert!(stats.by_site.contains(&("shop".to_owned(), 2)));

    store
        .remember_functional_cookie("shop", "app_sess", 1)
        .await
        .expect("remember");
    store
        .remember_functional_cookie("shop", "app_sess", 2)
        .await
        .expect("remember twice");
    assert_eq!(
        store.functional_cookies("shop").await.expect("read"),
        vec!["app_sess".to_owned()]
    );
    assert!(store
        .functional_cookies("blog")
        .await
        .expect("read")
        .is_empty());
}

fn aggregate(value: &str, count: u64, visitors: std::ops::Range<u64>) -> AggregateRow {
    let mut sketch = Sketch::new();
    for v in visitors {
        sketch.insert(v.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    }
    AggregateRow {
        site: "shop".into(),
        day: 20_000,
        dimension: "page".into(),
        value: value.into(),
        consent: "granted".into(),
        count,
        sketch,
    }
}

/// Flushes add up per writer, sketches merge, and readers see every writer's rows.
pub(super) async fn exercise_analytics(store: &dyn AnalyticsStore) {
    store
        .add_aggregates("a", &[aggregate("/", 3, 0..3), aggregate("/x", 1, 0..1)])
        .await
        .expect("first flush");
    store
        .add_aggregates("a", &[aggregate("/", 2, 2..4)])
        .await
        .expect("second flush");
    store
        .add_aggregates("b", &[aggregate("/", 5, 10..15)])
        .await
        .expect("another writer");
    let mut rows = store
        .aggregates("shop", "page", 20_000, 20_000)
        .await
        .expect("read");
    rows.sort_by(|x, y| (x.value.as_str(), x.count).cmp(&(y.value.as_str(), y.count)));
    let seen: Vec<(&str, u64, u64)> = rows
        .iter()
        .map(|r| (r.value.as_str(), r.count, r.sketch.estimate()))
        .collect();
    assert_eq!(seen, [("/", 5, 4), ("/", 5, 5), ("/x", 1, 1)]);
    assert!(store
        .aggregates("shop", "page", 20_001, 20_010)
        .await
        .expect("read")
        .is_empty());
    assert!(store
        .aggregates("shop", "referrer", 20_000, 20_000)
        .await
        .expect("read")
        .is_empty());
}

fn admin_user(name: &str, hash: &str) -> consentry_engine::admin::AdminUser {
    consentry_engine::admin::AdminUser {
        name: name.into(),
        password_hash: hash.into(),
        totp_secret: Some("GEZDGNBV".into()),
        totp_step: 0,
        failed_logins: 0,
        locked_until: 0,
        created_at: 100,
    }
}

/// Accounts, failure counts and locks, sessions, tokens and the audit log.
pub(super) async fn exercise_admin(store: &dyn consentry_engine::admin::AdminStore) {
    use consentry_engine::admin::{AdminSession, ApiToken, AuditEntry};

    assert!(store
        .put_user(&admin_user("ann", "h1"), false)
        .await
        .expect("add"));
    assert!(
        !store
            .put_user(&admin_user("ann", "h2"), false)
            .await
            .expect("add again"),
        "a taken name is refused"
    );
    assert_eq!(
        store.user("ann").await.expect("read"),
        Some(admin_user("ann", "h1"))
    );
    assert_eq!(store.user("bob").await.expect("read"), None);

    assert_eq!(store.count_failed_login("ann").await.expect("fail"), 1);
    assert_eq!(store.count_failed_login("ann").await.expect("fail"), 2);
    assert_eq!(store.count_failed_login("bob").await.expect("no one"), 0);
    store.lock_user("ann", 5_000).await.expect("lock");
    let locked = store.user("ann").await.expect("read").expect("ann");
    assert_eq!((locked.failed_logins, locked.locked_until), (0, 5_000));
    store.count_failed_login("ann").await.expect("fail");
    store.login_succeeded("ann", 42).await.expect("ok");
    store.login_succeeded("ann", 7).await.expect("ok");
    let ok = store.user("ann").await.expect("read").expect("ann");
    assert_eq!(
        (ok.failed_logins, ok.totp_step),
        (0, 42),
        "steps never go back"
    );
    assert!(store
        .put_user(&admin_user("ann", "h3"), true)
        .await
        .expect("replace"));
    let replaced = store.user("ann").await.expect("read").expect("ann");
    assert_eq!(
        (replaced.password_hash.as_str(), replaced.totp_step),
        ("h3", 0)
    );

    let session = |hash: &str, created: u64, expires: u64| AdminSession {
        token_hash: hash.into(),
        user: "ann".into(),
        csrf: format!("csrf-{hash}"),
        created_at: created,
        expires_at: expires,
    };
    store
        .create_session(&session("s1", 100, 200))
        .await
        .expect("session");
    assert_eq!(
        store.session("s1", 150).await.expect("read"),
        Some(session("s1", 100, 200))
    );
    assert_eq!(store.session("s1", 200).await.expect("expired"), None);
    assert_eq!(store.session("nope", 150).await.expect("read"), None);
    store
        .create_session(&session("s2", 300, 400))
        .await
        .expect("another");
    assert_eq!(
        store.session("s1", 150).await.expect("read"),
        None,
        "expired sessions are forgotten"
    );
    store.delete_session("s2").await.expect("logout");
    assert_eq!(store.session("s2", 350).await.expect("read"), None);

    store
        .add_token(&ApiToken {
            token_hash: "t1".into(),
            user: "ann".into(),
            created_at: 100,
        })
        .await
        .expect("token");
    assert_eq!(
        store.token_user("t1").await.expect("read").as_deref(),
        Some("ann")
    );
    assert_eq!(store.token_user("t2").await.expect("read"), None);

    for (i, action) in ["login ok", "csv export", "logout"].into_iter().enumerate() {
        store
            .audit(&AuditEntry {
                seq: 0,
                at: 1_000 + i as u64,
                user: "ann".into(),
                action: action.into(),
                detail: String::new(),
                network: (i == 0).then(|| "203.0.113.0/24".to_owned()),
            })
            .await
            .expect("audit");
    }
    let log = store.audit_log(2).await.expect("audit log");
    let seen: Vec<(u64, &str)> = log.iter().map(|e| (e.seq, e.action.as_str())).collect();
    assert_eq!(seen, [(3, "logout"), (2, "csv export")]);
    let all = store.audit_log(10).await.expect("audit log");
    assert_eq!(all[2].network.as_deref(), Some("203.0.113.0/24"));
}

fn sighting(
    name: &str,
    set_by: consentry_engine::inventory::SetBy,
    lifetime: consentry_engine::inventory::CookieLifetime,
    seen: u64,
    path: &str,
) -> consentry_engine::inventory::CookieRow {
    consentry_engine::inventory::CookieRow {
        site: "shop".into(),
        name: name.into(),
        set_by,
        domain: String::new(),
        path: "/".into(),
        lifetime,
        http_only: false,
        secure: true,
        same_site: "Lax".into(),
        category: consentry_config::Category::Analytics,
        source: "catalogue".into(),
        first_seen: seen,
        last_seen: seen,
        paths: vec![path.into()],
    }
}

/// Flushes merge into each writer's rows, readers merge every writer's, and the owner's
/// classifications replace each other.
pub(super) async fn exercise_inventory(store: &dyn consentry_engine::inventory::InventoryStore) {
    use consentry_engine::inventory::{merge_writers, CookieLifetime, CookieOverride, SetBy};
    let two_years = CookieLifetime::Seconds(63_072_000);
    store
        .add_cookies(
            "a",
            &[
                sighting("_ga", SetBy::Origin, two_years, 100, "/a"),
                sighting(
                    "chat_open",
                    SetBy::Script,
                    CookieLifetime::Unknown,
                    100,
                    "/a",
                ),
            ],
        )
        .await
        .expect("first flush");
    store
        .add_cookies(
            "a",
            &[sighting(
                "_ga",
                SetBy::Script,
                CookieLifetime::Unknown,
                200,
                "/b",
            )],
        )
        .await
        .expect("second flush");
    store
        .add_cookies(
            "b",
            &[sighting(
                "chat_open",
                SetBy::Origin,
                CookieLifetime::Session,
                150,
                "/c",
            )],
        )
        .await
        .expect("another writer");
    assert_eq!(store.cookie_rows("shop").await.expect("read").len(), 3);
    let rows = merge_writers(store.cookie_rows("shop").await.expect("read"));
    assert_eq!(rows.len(), 2);
    let ga = rows.iter().find(|r| r.name == "_ga").expect("_ga");
    assert_eq!((ga.first_seen, ga.last_seen), (100, 200));
    assert_eq!((ga.set_by, ga.lifetime), (SetBy::Origin, two_years));
    assert_eq!(ga.paths, ["/a", "/b"]);
    assert!(ga.secure && !ga.http_only);
    let chat = rows
        .iter()
        .find(|r| r.name == "chat_open")
        .expect("chat_open");
    assert_eq!(
        (chat.set_by, chat.lifetime),
        (SetBy::Origin, CookieLifetime::Session)
    );
    assert!(store.cookie_rows("blog").await.expect("read").is_empty());

    let mut entry = CookieOverride {
        site: "shop".into(),
        name: "chat_open".into(),
        category: consentry_config::Category::Marketing,
        purpose: String::new(),
        by: "owner".into(),
        at: 300,
    };
    store.set_cookie_override(&entry).await.expect("classify");
    entry.category = consentry_config::Category::Preferences;
    entry.purpose = "Remembers the chat.".into();
    entry.at = 400;
    store
        .set_cookie_override(&entry)
        .await
        .expect("classify again");
    assert_eq!(store.cookie_overrides("shop").await.expect("read"), [entry]);
    assert!(store
        .cookie_overrides("blog")
        .await
        .expect("read")
        .is_empty());

    // Names seen only in requests: the store counts them over every writer and keeps the
    // most it allows; the origin's cookies still go in.
    let script = |name: String| {
        let mut row = sighting(&name, SetBy::Script, CookieLifetime::Unknown, 500, "/");
        row.site = "blog".into();
        row
    };
    let limit = consentry_engine::inventory::MAX_SCRIPT_COOKIES_STORED;
    let first: Vec<_> = (0..limit - 1).map(|i| script(format!("x{i}"))).collect();
    store.add_cookies("a", &first).await.expect("nearly full");
    let mut more: Vec<_> = (0..3).map(|i| script(format!("y{i}"))).collect();
    let mut origin = sighting("theme", SetBy::Origin, two_years, 500, "/");
    origin.site = "blog".into();
    more.push(origin);
    store.add_cookies("b", &more).await.expect("past the bound");
    let names: Vec<String> = merge_writers(store.cookie_rows("blog").await.expect("read"))
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names.len(), limit + 1, "{} rows", names.len());
    assert!(names.iter().any(|n| n == "y0") && names.iter().any(|n| n == "theme"));
    assert!(!names.iter().any(|n| n == "y1"));
}
