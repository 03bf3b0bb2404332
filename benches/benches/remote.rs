//! Loopback point query against a real libSQL server (`sqld` on 127.0.0.1), side by side:
//! (a) a `#[prepared]` method on a remote `Db` (one HTTP round trip per call),
//! (a2) plain libSQL `query` on a remote connection (what (a) costs without larder),
//! (a3) plain libSQL `prepare` + `query` on a remote connection (what a remote statement cache
//!      would have to beat: `prepare` is a `describe` round trip of its own),
//! (b) the same `#[prepared]` method on an embedded replica (a local read of the synced copy),
//! (b2) plain libSQL `query` on the replica,
//! (c) a `#[cached_query]` hit on the replica.
//!
//! Needs `sqld` (`LARDER_SQLD` or on `PATH`); prints why and measures nothing without it.
//! Run: `LARDER_SQLD=../shared/bin/sqld cargo bench -p larder-benches --bench remote`

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use larder_benches::{cycle, Episode};

#[path = "../../tests/tests/sqld/mod.rs"]
mod sqld;

const KEYS: i64 = 1_000;
const SQL: &str = "SELECT id, task, reward FROM episodes WHERE id = ?1";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, task, reward FROM episodes WHERE id = ?1")]
    async fn episode(&self, id: i64) -> larder::Result<Option<Episode>>;

    #[prepared("SELECT id, task, reward FROM episodes WHERE id = ?1")]
    #[cached_query]
    async fn episode_cached(&self, id: i64) -> larder::Result<Option<Episode>>;
}

async fn raw_query(conn: &libsql::Connection, id: i64) -> Option<String> {
    let mut rows = conn.query(SQL, [id]).await.expect("query");
    let row = rows.next().await.expect("row")?;
    row.get::<String>(1).ok()
}

async fn raw_prepare_query(conn: &libsql::Connection, id: i64) -> Option<String> {
    let stmt = conn.prepare(SQL).await.expect("prepare");
    let mut rows = stmt.query([id]).await.expect("query");
    let row = rows.next().await.expect("row")?;
    row.get::<String>(1).ok()
}

fn bench(c: &mut Criterion) {
    let Some(server) = sqld::try_server() else {
        eprintln!("remote bench: nothing measured");
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let (remote, replica, raw_remote, raw_replica_db) = rt.block_on(async {
        let remote = Store {
            db: larder::Db::builder()
                .remote(server.url.clone(), "")
                .open()
                .await
                .expect("remote"),
        };
        remote
            .db
            .execute_batch(
                "CREATE TABLE episodes (id INTEGER PRIMARY KEY, task TEXT NOT NULL, reward REAL);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
                 INSERT INTO episodes SELECT i, 'task ' || i, i / 100.0 FROM n;",
            )
            .await
            .expect("schema");
        let replica = Store {
            db: larder::Db::builder()
                .replica(dir.path().join("replica.db"), server.url.clone(), "")
                .open()
                .await
                .expect("replica"),
        };
        for id in 1..=KEYS {
            replica.episode_cached(id).await.expect("warm");
        }
        let raw_remote = libsql::Builder::new_remote(server.url.clone(), String::new())
            .build()
            .await
            .expect("raw remote");
        let raw_replica = libsql::Builder::new_remote_replica(
            dir.path().join("raw-replica.db"),
            server.url.clone(),
            String::new(),
        )
        .build()
        .await
        .expect("raw replica");
        raw_replica.sync().await.expect("sync");
        (remote, replica, raw_remote, raw_replica)
    });
    let raw_remote = raw_remote.connect().expect("connect");
    let raw_replica = raw_replica_db.connect().expect("connect");

    let mut group = c.benchmark_group("remote_point_query");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    let mut next = cycle(KEYS);
    group.bench_function("a_larder_prepared_remote", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let store = &remote;
            async move { black_box(store.episode(id).await.expect("query")) }
        })
    });
    group.bench_function("a2_libsql_query_remote", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let conn = &raw_remote;
            async move { black_box(raw_query(conn, id).await) }
        })
    });
    group.bench_function("a3_libsql_prepare_and_query_remote", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let conn = &raw_remote;
            async move { black_box(raw_prepare_query(conn, id).await) }
        })
    });
    group.bench_function("b_larder_prepared_replica_local_read", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let store = &replica;
            async move { black_box(store.episode(id).await.expect("query")) }
        })
    });
    group.bench_function("b2_libsql_query_replica_local_read", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let conn = &raw_replica;
            async move { black_box(raw_query(conn, id).await) }
        })
    });
    group.bench_function("c_larder_cached_query_hit_on_replica", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let store = &replica;
            async move { black_box(store.episode_cached(id).await.expect("hit")) }
        })
    });
    group.finish();
    eprintln!("{}", replica.db.cache_stats());
}

criterion_group!(benches, bench);
criterion_main!(benches);
