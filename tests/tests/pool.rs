//! The connection pool: concurrency, exhaustion, open failures.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use larder::Error;

trait InUse {
    fn pool_in_use(&self) -> usize;
}

impl InUse for Items {
    fn pool_in_use(&self) -> usize {
        self.db.pool_stats().in_use
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_tasks_on_a_pool_of_four_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_schema(
        larder::Db::builder()
            .file(dir.path().join("busy.db"))
            .pool_size(4),
    )
    .await;
    let items = Arc::new(Items { db });
    let tasks: Vec<_> = (1..=200)
        .map(|i| {
            let items = Arc::clone(&items);
            tokio::spawn(async move {
                if i % 2 == 0 {
                    items.insert(i, &format!("n{i}"), i, None).await.map(drop)
                } else {
                    items.with_at_least(0).await.map(drop)
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(items.count().await.unwrap(), 100);
    let stats = items.db.pool_stats();
    assert_eq!(stats.max_size, 4);
    assert!(stats.open <= 4);
    assert_eq!(stats.in_use, 0);
    assert_eq!(stats.timeouts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_pool_times_out_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let timeout = Duration::from_millis(100);
    let db = with_schema(
        larder::Db::builder()
            .file(dir.path().join("held.db"))
            .pool_size(1)
            .acquire_timeout(timeout),
    )
    .await;
    let items = Arc::new(Items { db });

    // A transaction holds the pool's only connection until told to finish.
    let (finish, finished) = tokio::sync::oneshot::channel::<()>();
    let holder = {
        let items = Arc::clone(&items);
        tokio::spawn(async move {
            let db = items.db.clone();
            db.transaction(|_| async move {
                items.insert(1, "held", 1, None).await?;
                let _ = finished.await;
                Ok::<_, Error>(())
            })
            .await
        })
    };
    for _ in 0..1000 {
        if items.db.pool_stats().in_use == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(
        items.db.pool_stats().in_use,
        1,
        "the transaction never took the connection"
    );

    let err = items.count().await.unwrap_err();
    match &err {
        Error::PoolTimeout { waited, size } => {
            assert!(*waited >= timeout, "gave up after {waited:?}");
            assert_eq!(*size, 1);
        }
        other => panic!("expected PoolTimeout, got {other:?}"),
    }
    // Issue #21, item 9: the message names what may hold the connections, not only long
    // transactions.
    assert!(
        err.to_string()
            .contains("statements waiting for a write lock that another process holds"),
        "{err}"
    );
    assert!(
        err.to_string().contains("pool_size"),
        "the message says what to do: {err}"
    );
    let stats = items.db.pool_stats();
    assert_eq!((stats.timeouts, stats.waits), (1, 1));
    assert!(
        stats.wait_max >= timeout,
        "the wait is in the histogram: {stats}"
    );

    // Waits cancelled by the caller are counted out and still recorded.
    for _ in 0..3 {
        let cancelled = tokio::time::timeout(Duration::from_millis(20), items.count()).await;
        assert!(cancelled.is_err(), "the pool is still held");
    }
    let stats = items.db.pool_stats();
    assert_eq!(
        (stats.waiting, stats.waits, stats.open),
        (0, 4, 1),
        "no cancelled waiter stays counted: {stats}"
    );

    // Let the transaction finish: the pool works again.
    finish.send(()).unwrap();
    holder.await.unwrap().unwrap();
    assert_eq!(items.count().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_waits_for_the_lock_without_blocking_its_thread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let db = with_schema(
        larder::Db::builder()
            .file(&path)
            .busy_timeout(Duration::from_secs(10)),
    )
    .await;
    let items = Arc::new(Items { db });

    // Another connection holds the write lock.
    let raw = libsql::Builder::new_local(&path).build().await.unwrap();
    let locker = raw.connect().unwrap();
    locker.execute("BEGIN IMMEDIATE", ()).await.unwrap();
    let writer = {
        let items = Arc::clone(&items);
        tokio::spawn(async move { items.insert(1, "late", 1, None).await })
    };
    // While the writer waits, this runtime (two threads) keeps running other tasks, many times
    // over: SQLite's own busy handler would have put a thread to sleep.
    let ticks = tokio::spawn(async {
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    ticks.await.unwrap();
    assert!(
        !writer.is_finished(),
        "the writer is still waiting for the lock"
    );
    assert_eq!(items.count().await.unwrap(), 0, "reads go on meanwhile");

    locker.execute("COMMIT", ()).await.unwrap();
    assert_eq!(writer.await.unwrap().unwrap(), 1);
    assert_eq!(items.count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_writer_gives_up_after_the_busy_timeout_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("locked.db");
    let busy = Duration::from_millis(50);
    let db = with_schema(larder::Db::builder().file(&path).busy_timeout(busy)).await;
    let items = Items { db };
    let raw = libsql::Builder::new_local(&path).build().await.unwrap();
    let locker = raw.connect().unwrap();
    locker.execute("BEGIN IMMEDIATE", ()).await.unwrap();
    let started = std::time::Instant::now();
    let err = items.insert(1, "late", 1, None).await.unwrap_err();
    assert!(
        started.elapsed() >= busy,
        "gave up after {:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("database is locked"), "{err}");
    // Issue #21, item 9: it says it waited the busy timeout, and names the setting.
    match &err {
        Error::Busy {
            waited,
            busy_timeout,
            ..
        } => {
            assert!(*waited >= busy);
            assert_eq!(*busy_timeout, busy);
        }
        other => panic!("expected Busy, got {other:?}"),
    }
    assert!(err.to_string().contains("busy_timeout(..)"), "{err}");
    assert_eq!(err.sqlite_code(), Some(5));
    locker.execute("ROLLBACK", ()).await.unwrap();
    assert_eq!(items.pool_in_use(), 0);
}

#[tokio::test]
async fn opening_an_impossible_path_is_a_connect_error_naming_it() {
    let err = larder::Db::open("/nonexistent-dir/sub/x.db")
        .await
        .unwrap_err();
    match &err {
        Error::Connect { target, .. } => assert_eq!(target, "/nonexistent-dir/sub/x.db"),
        other => panic!("expected Connect, got {other:?}"),
    }
    // Issue #21, item 9: the message names the directory that is missing.
    assert!(
        err.to_string()
            .contains("the directory `/nonexistent-dir/sub` does not exist"),
        "{err}"
    );
    let err = larder::Db::builder().open().await.unwrap_err();
    assert!(err.to_string().contains(".memory()"), "{err}");
    let err = larder::Db::builder()
        .memory()
        .pool_size(0)
        .open()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err}");
    let err = larder::Db::builder()
        .memory()
        .pool_size(usize::MAX)
        .open()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("at most 1024")),
        "{err}"
    );
}

#[tokio::test]
async fn a_connection_returned_inside_a_transaction_is_rolled_back_before_reuse() {
    let db = with_schema(larder::Db::builder().memory().pool_size(1)).await;
    // Raw SQL that opens a transaction and never ends it: the connection goes back dirty.
    db.execute_batch("BEGIN; INSERT INTO items (id, name) VALUES (1, 'uncommitted');")
        .await
        .unwrap();
    let items = Items { db };
    assert_eq!(
        items.count().await.unwrap(),
        0,
        "the open transaction was rolled back"
    );
    items.insert(2, "committed", 1, None).await.unwrap();
    assert_eq!(items.count().await.unwrap(), 1);
    let stats = items.db.pool_stats();
    assert_eq!((stats.open, stats.idle), (1, 1));
}

/// Issue #21, item 10: `Db`s opened together on a new file (one switches it to WAL while the
/// others set themselves up), and `Db`s closing (the last connection's checkpoint) while others
/// open, wait for each other like any statement instead of failing with "database is locked".
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_dbs_opened_at_once_on_a_new_file_all_open() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("new-{round}.db"));
        let opens: Vec<_> = (0..8)
            .map(|i| {
                let path = path.clone();
                tokio::spawn(async move {
                    let db = larder::Db::open(&path).await?;
                    db.execute_batch("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
                        .await?;
                    db.execute("INSERT INTO t VALUES (?1)", larder::params![i])
                        .await?;
                    let n: i64 = db.fetch_one("SELECT count(*) FROM t", &[]).await?;
                    // Closed here, possibly while another is still opening.
                    Ok::<_, Error>(n)
                })
            })
            .collect();
        for open in opens {
            let n = open
                .await
                .unwrap()
                .unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert!((1..=8).contains(&n));
        }
        let db = larder::Db::open(&path).await.unwrap();
        let n: i64 = db.fetch_one("SELECT count(*) FROM t", &[]).await.unwrap();
        assert_eq!(n, 8, "round {round}: every Db wrote its row");
    }
}

/// Issue #21, item 5: a batch waits for another connection's write lock without blocking its
/// thread. On a current-thread runtime the task that releases the lock runs on the same thread:
/// had the batch slept in SQLite's busy handler, the lock would never have been released in time.
#[tokio::test(flavor = "current_thread")]
async fn execute_batch_waits_for_the_lock_without_blocking_the_executor() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("batch.db");
    let db = with_schema(
        larder::Db::builder()
            .file(&path)
            .busy_timeout(Duration::from_secs(3)),
    )
    .await;
    let raw = libsql::Builder::new_local(&path).build().await.unwrap();
    let locker = raw.connect().unwrap();
    locker.execute("BEGIN IMMEDIATE", ()).await.unwrap();
    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        locker.execute("ROLLBACK", ()).await.unwrap();
    });
    db.execute_batch(
        "INSERT INTO items (id, name) VALUES (1, 'a;b');
         INSERT INTO items (id, name) VALUES (2, 'c');",
    )
    .await
    .expect("the batch ran once the lock was free");
    assert!(release.is_finished());
    let items = Items { db };
    assert_eq!(items.count().await.unwrap(), 2);
    assert_eq!(items.get(1).await.unwrap().unwrap().name, "a;b");
}
