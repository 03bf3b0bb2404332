//! The per-connection statement cache: hit counts, reset between uses, dynamic LRU, schema
//! changes.

mod common;

use common::*;
use larder::FromRow;

async fn single_connection_items() -> (Items, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = with_schema(
        larder::Db::builder()
            .file(dir.path().join("one.db"))
            .pool_size(1),
    )
    .await;
    (Items { db }, dir)
}

fn row(items: &Items, name: &str) -> larder::StatementRow {
    items
        .db
        .statement_stats()
        .statements
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no statement {name}"))
}

#[tokio::test]
async fn hits_are_calls_minus_one_per_connection() {
    let (items, _dir) = single_connection_items().await;
    fill(&items, 10).await;
    for i in 0..50 {
        items.get(i % 10 + 1).await.unwrap();
    }
    let get = row(&items, "Items::get");
    assert_eq!((get.hits, get.misses), (49, 1));
    let insert = row(&items, "Items::insert");
    assert_eq!((insert.hits, insert.misses), (9, 1));

    // On a pool of 4 each connection prepares the statement at most once.
    let db = with_schema(larder::Db::builder().memory().pool_size(4)).await;
    let items = std::sync::Arc::new(Items { db });
    fill(&items, 10).await;
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let items = std::sync::Arc::clone(&items);
            tokio::spawn(async move { items.get(i % 10 + 1).await })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().unwrap().is_some());
    }
    let get = row(&items, "Items::get");
    assert_eq!(get.hits + get.misses, 200);
    let open = items.db.pool_stats().open as u64;
    assert!(
        (1..=open).contains(&get.misses),
        "{} misses on {open} connections",
        get.misses
    );
}

#[tokio::test]
async fn a_reused_statement_binds_new_parameters() {
    // Without a reset between uses, libSQL silently keeps the first call's parameters.
    let (items, _dir) = single_connection_items().await;
    fill(&items, 3).await;
    for id in [1, 2, 3, 2, 1] {
        assert_eq!(items.get(id).await.unwrap().unwrap().id, id);
    }
    assert_eq!(items.with_at_least(3).await.unwrap().len(), 1);
    assert_eq!(items.with_at_least(1).await.unwrap().len(), 3);
    assert_eq!(items.with_at_least(2).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_statement_that_stopped_early_holds_no_read_transaction() {
    let (items, dir) = single_connection_items().await;
    fill(&items, 3).await;
    // Stops after the second row: the statement is mid-way when the error is returned.
    assert!(items.one_with_at_least(0).await.is_err());
    assert!(items.get(1).await.unwrap().is_some());

    // Another connection writes and checkpoints the whole WAL: a reader still holding a snapshot
    // would make the checkpoint report busy.
    let raw = libsql::Builder::new_local(dir.path().join("one.db"))
        .build()
        .await
        .unwrap();
    let conn = raw.connect().unwrap();
    conn.execute("INSERT INTO items (id, name) VALUES (100, 'other')", ())
        .await
        .unwrap();
    let mut rows = conn
        .query("PRAGMA wal_checkpoint(TRUNCATE)", ())
        .await
        .unwrap();
    let row = rows.next().await.unwrap().unwrap();
    assert_eq!(
        row.get::<i64>(0).unwrap(),
        0,
        "checkpoint blocked by an open read transaction"
    );
    drop(rows);
    // And the pooled connection sees the other connection's write.
    assert_eq!(items.count().await.unwrap(), 4);
}

#[tokio::test]
async fn dynamic_sql_goes_through_a_bounded_lru() {
    let db = larder::Db::builder()
        .memory()
        .pool_size(1)
        .statement_cache_capacity(2)
        .open()
        .await
        .unwrap();
    for sql in [
        "SELECT 1", "SELECT 2", "SELECT 1", "SELECT 3", "SELECT 1", "SELECT 2",
    ] {
        let _: i64 = db.fetch_one(sql, &[]).await.unwrap();
    }
    let stats = db.statement_stats();
    // 1 miss, 2 miss, 1 hit, 3 miss (evicts 2), 1 hit, 2 miss (evicts 3).
    assert_eq!((stats.hits, stats.misses, stats.evictions), (2, 4, 2));
    assert_eq!(stats.prepared, 2);
}

#[derive(FromRow, Debug, PartialEq)]
struct OnlyC {
    c: String,
}

struct Wide {
    db: larder::Db,
}

#[larder::storage]
impl Wide {
    #[prepared("SELECT * FROM wide")]
    async fn all(&self) -> larder::Result<Vec<OnlyC>>;
}

#[tokio::test]
async fn a_schema_change_never_serves_a_stale_column_map() {
    let db = larder::Db::builder()
        .memory()
        .pool_size(1)
        .open()
        .await
        .unwrap();
    db.execute_batch("CREATE TABLE wide (a, b, c); INSERT INTO wide VALUES (1, 2, 'c');")
        .await
        .unwrap();
    let wide = Wide { db };
    assert_eq!(wide.all().await.unwrap(), [OnlyC { c: "c".into() }]);
    // `c` moves from the third column to the second under `SELECT *`.
    wide.db
        .execute_batch("ALTER TABLE wide DROP COLUMN b")
        .await
        .unwrap();
    assert_eq!(wide.all().await.unwrap(), [OnlyC { c: "c".into() }]);
    wide.db
        .execute_batch("ALTER TABLE wide DROP COLUMN c")
        .await
        .unwrap();
    let err = wide.all().await.unwrap_err();
    assert!(matches!(err, larder::Error::ColumnNotFound { .. }), "{err}");
}
