//! Issue #21, item 4: each `Db` has a fair writer lane. Writers queue for it (FIFO) before they
//! take a connection, so writers waiting for another process's lock leave the pool to readers,
//! an autocommit writer waits for its busy timeout rather than for a pooled connection, and under
//! a load of concurrent batches on one `Db` none starves.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{with_schema, Items};
use larder::Error;

struct Store {
    db: larder::Db,
    items: Items,
}

#[larder::storage(db = items.db)]
impl Store {
    #[batch]
    async fn insert_range(&self, from: i64, n: i64) -> larder::Result<()> {
        for id in from..from + n {
            self.items.insert(id, &format!("row {id}"), 1, None).await?;
        }
        Ok(())
    }
}

async fn locked_store(pool: usize) -> (Arc<Store>, libsql::Connection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lane.db");
    let db = with_schema(
        larder::Db::builder()
            .file(&path)
            .pool_size(pool)
            .acquire_timeout(Duration::from_millis(200))
            .busy_timeout(Duration::from_secs(10)),
    )
    .await;
    let raw = libsql::Builder::new_local(&path).build().await.unwrap();
    let locker = raw.connect().unwrap();
    locker.execute("BEGIN IMMEDIATE", ()).await.unwrap();
    let store = Store {
        db: db.clone(),
        items: Items { db },
    };
    (Arc::new(store), locker, dir)
}

/// Waits (bounded) until `n` writers are queued in the lane (behind the one that waits for the
/// other process's lock).
async fn until_queued(store: &Store, n: usize) {
    for _ in 0..500 {
        if store.db.pool_stats().writers_queued >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("{n} writers never queued: {:?}", store.db.pool_stats());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_waiting_for_another_process_leave_the_pool_to_readers() {
    let (store, locker, _dir) = locked_store(2).await;
    let batches: Vec<_> = (0..2)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.insert_range(100 * (i + 1), 5).await })
        })
        .collect();
    // One batch waits for the other process's lock; the other waits in the lane, holding no
    // connection.
    until_queued(&store, 1).await;
    assert!(store.db.pool_stats().in_use <= 1);
    for _ in 0..5 {
        assert_eq!(
            store.items.count().await.expect("a read gets a connection"),
            0
        );
    }
    locker.execute("COMMIT", ()).await.unwrap();
    for batch in batches {
        batch.await.unwrap().unwrap();
    }
    assert_eq!(store.items.count().await.unwrap(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocommit_writers_wait_for_their_busy_timeout_not_for_a_connection() {
    let (store, locker, _dir) = locked_store(2).await;
    let writers: Vec<_> = (0..6)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.items.insert(i, &format!("w {i}"), 1, None).await })
        })
        .collect();
    until_queued(&store, 5).await;
    // Far longer than the acquire timeout (200 ms), far shorter than the busy timeout (10 s).
    tokio::time::sleep(Duration::from_millis(600)).await;
    locker.execute("COMMIT", ()).await.unwrap();
    for writer in writers {
        assert_eq!(writer.await.unwrap().unwrap(), 1);
    }
    assert_eq!(store.items.count().await.unwrap(), 6);
    assert_eq!(store.db.pool_stats().timeouts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_tasks_of_batches_on_one_db_all_commit_none_starves() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_schema(
        larder::Db::builder()
            .file(dir.path().join("load.db"))
            .pool_size(4)
            // Short: without a fair queue, some batch loses the retry lottery for this long.
            .busy_timeout(Duration::from_millis(600)),
    )
    .await;
    let store = Arc::new(Store {
        db: db.clone(),
        items: Items { db },
    });
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                for round in 0..8 {
                    let from = task * 100_000 + round * 1000;
                    store.insert_range(from, 999).await?;
                    store
                        .items
                        .insert(from + 999, &format!("single {from}"), 1, None)
                        .await?;
                }
                Ok::<_, Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(store.items.count().await.unwrap(), 8 * 8 * 1000);
    let stats = store.db.pool_stats();
    assert_eq!((stats.in_use, stats.writers_queued), (0, 0), "{stats:?}");
}

#[tokio::test]
async fn a_writer_that_waits_in_the_lane_past_its_busy_timeout_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_schema(
        larder::Db::builder()
            .file(dir.path().join("slow.db"))
            .busy_timeout(Duration::from_millis(100)),
    )
    .await;
    let items = Items { db: db.clone() };
    let (held, release) = tokio::sync::oneshot::channel::<()>();
    let holder = tokio::spawn({
        let db = db.clone();
        async move {
            db.transaction(|tx| async move {
                tx.execute("INSERT INTO items (id, name) VALUES (1, 'held')", &[])
                    .await?;
                let _ = release.await;
                Ok::<_, Error>(())
            })
            .await
        }
    });
    tokio::task::yield_now().await;
    while db.pool_stats().in_use == 0 {
        tokio::task::yield_now().await;
    }
    let err = items.insert(2, "late", 1, None).await.unwrap_err();
    assert!(matches!(err, Error::Busy { .. }), "{err}");
    held.send(()).unwrap();
    holder.await.unwrap().unwrap();
    assert_eq!(items.count().await.unwrap(), 1);
}
