//! Point select by primary key on a 10k-row file table (WAL), side by side:
//! (a) a `#[prepared]` method, (b) hand-written libSQL that prepares every call,
//! (c) hand-written libSQL that reuses one `Statement` (reset before each use), and
//! (d) the same with (a)'s guarantees: a check for a second row, and a reset after use.
//!
//! Run: `cargo bench -p larder-benches --bench point_select`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use larder_benches::{cycle, episodes_10k, Episode};
use libsql::Value;

const ROWS: i64 = 10_000;
const SQL: &str = "SELECT id, task, reward FROM episodes WHERE id = ?1";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, task, reward FROM episodes WHERE id = ?1")]
    async fn episode(&self, id: i64) -> larder::Result<Option<Episode>>;
}

/// Reads a row the way hand-written libSQL code does.
fn episode_from(row: &libsql::Row) -> Episode {
    let reward = match row.get_value(2).expect("reward") {
        Value::Real(r) => Some(r),
        _ => None,
    };
    Episode {
        id: row.get(0).expect("id"),
        task: row.get(1).expect("task"),
        reward,
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let (store, conn) = rt.block_on(async {
        let db = episodes_10k(&path).await.expect("open");
        let raw = libsql::Builder::new_local(&path)
            .build()
            .await
            .expect("raw db");
        let conn = raw.connect().expect("raw connection");
        (Store { db }, conn)
    });

    let mut group = c.benchmark_group("point_select");
    let mut next = cycle(ROWS);
    group.bench_function("a_larder_prepared_method", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let store = &store;
            async move { black_box(store.episode(id).await.expect("query")) }
        })
    });
    group.bench_function("b_libsql_prepare_every_call", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let conn = &conn;
            async move {
                let stmt = conn.prepare(SQL).await.expect("prepare");
                let mut rows = stmt.query([id]).await.expect("query");
                let row = rows.next().await.expect("row").map(|r| episode_from(&r));
                black_box(row)
            }
        })
    });
    let stmt = rt.block_on(conn.prepare(SQL)).expect("prepare");
    group.bench_function("c_libsql_reused_statement", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let stmt = &stmt;
            async move {
                stmt.reset();
                let mut rows = stmt.query([id]).await.expect("query");
                let row = rows.next().await.expect("row").map(|r| episode_from(&r));
                black_box(row)
            }
        })
    });
    // (c) leaves its statement inside a read transaction; a lock held by one connection spares
    // the others of this process their file-lock system calls and would flatter (d).
    stmt.reset();
    drop(stmt);
    let checked = rt.block_on(conn.prepare(SQL)).expect("prepare");
    group.bench_function("d_libsql_reused_statement_checked", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let stmt = &checked;
            async move {
                // What (a) guarantees: a fresh reset, at most one row, and the statement reset
                // after use so no read transaction stays open.
                stmt.reset();
                let mut rows = stmt.query([id]).await.expect("query");
                let row = rows.next().await.expect("row").map(|r| episode_from(&r));
                assert!(rows.next().await.expect("second row").is_none());
                stmt.reset();
                black_box(row)
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
