//! `#[batch]` / `#[transactional]` and `Db::transaction`: all-or-nothing on real file databases,
//! whatever way the work ends.

mod common;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use common::{with_schema, Items};
use larder::{Error, TxMode};

struct Store {
    db: larder::Db,
    items: Items,
}

#[larder::storage(db = items.db)]
impl Store {
    /// Inserts `n` rows; the row numbered `fail_at` reuses a name and violates UNIQUE.
    #[batch]
    async fn insert_many(&self, n: i64, fail_at: Option<i64>) -> larder::Result<()> {
        for i in 1..=n {
            let name = if Some(i) == fail_at {
                "item 1".to_owned()
            } else {
                format!("item {i}")
            };
            self.items.insert(i, &name, i, None).await?;
        }
        Ok(())
    }

    /// Inserts rows, yielding to the scheduler after each one (so a test can stop it anywhere).
    #[transactional(mode = "immediate")]
    async fn insert_slowly(&self, n: i64) -> larder::Result<u64> {
        let mut done = 0;
        for i in 1..=n {
            done += self.items.insert(i, &format!("slow {i}"), i, None).await?;
            tokio::task::yield_now().await;
        }
        Ok(done)
    }

    #[transactional]
    async fn insert_then_panic(&self) -> larder::Result<()> {
        self.items.insert(1, "doomed", 1, None).await?;
        panic!("boom");
    }

    /// An inner transaction whose failure the outer one handles: only the inner part is undone.
    #[transactional(mode = "deferred")]
    async fn outer_handles_inner_failure(&self) -> larder::Result<bool> {
        self.items.insert(1, "outer", 1, None).await?;
        let inner = self.inner(2, true).await;
        self.items.insert(3, "after", 3, None).await?;
        Ok(inner.is_err())
    }

    #[transactional]
    async fn outer_propagates_inner_failure(&self) -> larder::Result<()> {
        self.items.insert(1, "outer", 1, None).await?;
        self.inner(2, true).await?;
        Ok(())
    }

    #[transactional]
    async fn inner(&self, id: i64, fail: bool) -> larder::Result<()> {
        self.items
            .insert(id, &format!("inner {id}"), id, None)
            .await?;
        self.items
            .insert(id + 100, &format!("inner {}", id + 100), id, None)
            .await?;
        if fail {
            self.items.insert(id + 200, "outer", id, None).await?; // duplicate name
        }
        Ok(())
    }
}

async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = with_schema(
        larder::Db::builder()
            .file(dir.path().join("tx.db"))
            .pool_size(3),
    )
    .await;
    (
        Store {
            db: db.clone(),
            items: Items { db },
        },
        dir,
    )
}

/// The pool holds every connection it opened, none in use, and a write goes through.
async fn assert_pool_clean(store: &Store) {
    let stats = store.db.pool_stats();
    assert_eq!(stats.in_use, 0, "{stats}");
    assert_eq!(stats.idle, stats.open, "{stats}");
    assert!(!store.db.in_transaction());
    store.items.insert(9999, "probe", 0, None).await.unwrap();
    store
        .db
        .execute("DELETE FROM items WHERE id = 9999", &[])
        .await
        .unwrap();
}

#[tokio::test]
async fn a_batch_commits_every_row() {
    let (store, _dir) = store().await;
    store.insert_many(1000, None).await.unwrap();
    assert_eq!(store.items.count().await.unwrap(), 1000);
    assert_pool_clean(&store).await;
}

#[tokio::test]
async fn an_error_on_the_500th_insert_leaves_no_row() {
    let (store, _dir) = store().await;
    let err = store.insert_many(1000, Some(500)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Sql { statement, .. } if statement == "Items::insert"),
        "{err}"
    );
    assert_eq!(store.items.count().await.unwrap(), 0);
    assert_pool_clean(&store).await;
}

#[tokio::test]
async fn a_panic_rolls_back_and_keeps_panicking() {
    let (store, _dir) = store().await;
    let store = Arc::new(store);
    let task = {
        let store = Arc::clone(&store);
        tokio::spawn(async move { store.insert_then_panic().await })
    };
    let joined = task.await.unwrap_err();
    assert!(joined.is_panic(), "the panic continues after the rollback");
    assert_eq!(store.items.count().await.unwrap(), 0);
    assert_pool_clean(&store).await;
}

/// Polls `fut` exactly `polls` times, then drops it: a cancellation at a chosen await point.
fn poll_then_drop<F: Future>(fut: F, polls: usize) -> Option<F::Output> {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..polls {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return Some(out);
        }
    }
    None
}

#[tokio::test]
async fn cancellation_at_any_await_point_leaves_no_row_and_a_clean_connection() {
    let (store, _dir) = store().await;
    let mut cancelled = 0;
    for polls in 0..60 {
        match poll_then_drop(store.insert_slowly(50), polls) {
            // Stopped at an await point: nothing of the batch stays.
            None => {
                cancelled += 1;
                assert_eq!(store.items.count().await.unwrap(), 0, "after {polls} polls");
            }
            // Enough polls to finish: all of it stays.
            Some(done) => {
                assert_eq!(done.unwrap(), 50);
                assert_eq!(store.items.count().await.unwrap(), 50);
                store.db.execute("DELETE FROM items", &[]).await.unwrap();
            }
        }
        assert_pool_clean(&store).await;
    }
    assert!(
        cancelled >= 50,
        "each of the 50 yields is a point where the batch was dropped"
    );
    // With `tokio::time::timeout` as well.
    let timed_out = tokio::time::timeout(
        std::time::Duration::from_millis(1),
        store.insert_slowly(100_000),
    )
    .await;
    assert!(timed_out.is_err());
    assert_eq!(store.items.count().await.unwrap(), 0);
    assert_pool_clean(&store).await;
    // And the same method still commits when it is left to finish.
    assert_eq!(store.insert_slowly(10).await.unwrap(), 10);
    assert_eq!(store.items.count().await.unwrap(), 10);
}

#[tokio::test]
async fn nested_transactions_are_savepoints() {
    let (store, _dir) = store().await;
    // The outer transaction handles the inner failure: inner rows undone, outer rows kept.
    assert!(store.outer_handles_inner_failure().await.unwrap());
    assert_eq!(store.items.names().await.unwrap(), ["outer", "after"]);

    store.db.execute("DELETE FROM items", &[]).await.unwrap();
    // The inner failure propagates: everything undone.
    assert!(store.outer_propagates_inner_failure().await.is_err());
    assert_eq!(store.items.count().await.unwrap(), 0);

    // A successful inner transaction commits with the outer one.
    store
        .db
        .transaction(|_| async {
            store.items.insert(1, "a", 1, None).await?;
            store.inner(5, false).await
        })
        .await
        .unwrap();
    assert_eq!(store.items.count().await.unwrap(), 3);
    assert_pool_clean(&store).await;
}

#[tokio::test]
async fn calls_inside_a_transaction_see_its_uncommitted_rows_and_others_do_not() {
    let (store, dir) = store().await;
    let outside = larder::Db::open(dir.path().join("tx.db")).await.unwrap();
    let other_items = Items {
        db: outside.clone(),
    };
    let (store, other_items) = (&store, &other_items);
    store
        .db
        .transaction(|tx| async move {
            store.items.insert(1, "pending", 1, None).await?;
            assert!(tx.in_transaction());
            assert_eq!(
                store.items.count().await?,
                1,
                "the transaction sees its own row"
            );
            assert_eq!(other_items.count().await?, 0, "another Db does not");
            Ok::<_, Error>(())
        })
        .await
        .unwrap();
    assert_eq!(other_items.count().await.unwrap(), 1);
}

#[tokio::test]
async fn a_call_on_another_db_is_not_part_of_the_transaction() {
    let (store, _dir) = store().await;
    let other = common::memory_items().await;
    let result: larder::Result<()> = store
        .db
        .transaction(|_| async {
            other.insert(1, "elsewhere", 1, None).await?;
            store.items.insert(1, "here", 1, None).await?;
            Err(Error::Config("give up".into()))
        })
        .await;
    assert!(result.is_err());
    assert_eq!(store.items.count().await.unwrap(), 0);
    assert_eq!(
        other.count().await.unwrap(),
        1,
        "the other Db committed on its own"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_batches_on_one_file_both_commit_or_one_is_busy() {
    let (store, dir) = store().await;
    let second = larder::Db::open(dir.path().join("tx.db")).await.unwrap();
    let second = Arc::new(Store {
        db: second.clone(),
        items: Items { db: second },
    });
    let first = Arc::new(store);
    let a = {
        let s = Arc::clone(&first);
        tokio::spawn(async move { s.insert_slowly(200).await })
    };
    let b = {
        let s = Arc::clone(&second);
        tokio::spawn(async move {
            s.db.transaction(|_| async {
                for i in 1001..=1200 {
                    s.items.insert(i, &format!("b {i}"), i, None).await?;
                }
                Ok::<_, Error>(200_u64)
            })
            .await
        })
    };
    let mut committed = 0;
    for result in [a.await.unwrap(), b.await.unwrap()] {
        match result {
            Ok(n) => committed += n,
            Err(Error::Sql { cause: source, .. }) => {
                assert!(source.to_string().contains("locked"), "{source}")
            }
            Err(other) => panic!("unexpected error {other}"),
        }
    }
    assert_eq!(
        committed, 400,
        "with IMMEDIATE and a busy timeout both commit, one after the other"
    );
    assert_eq!(first.items.count().await.unwrap() as u64, committed);
    let check: String = first
        .db
        .fetch_one("PRAGMA integrity_check", &[])
        .await
        .unwrap();
    assert_eq!(check, "ok");
}

#[tokio::test]
async fn a_batch_on_a_read_only_database_is_a_clear_error() {
    let (store, dir) = store().await;
    store.items.insert(1, "kept", 1, None).await.unwrap();
    let ro = larder::Db::builder()
        .file(dir.path().join("tx.db"))
        .read_only(true)
        .open()
        .await
        .unwrap();
    let ro_store = Store {
        db: ro.clone(),
        items: Items { db: ro },
    };
    let err = ro_store.insert_many(3, None).await.unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    assert_eq!(ro_store.items.names().await.unwrap(), ["kept"]);
    assert_eq!(ro_store.db.pool_stats().in_use, 0);
}

#[tokio::test]
async fn a_failed_commit_is_rolled_back_with_a_clear_error() {
    let (store, _dir) = store().await;
    // A deferred foreign key is checked at COMMIT, which then fails and leaves the transaction open.
    store
        .db
        .execute_batch(
            "CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (id INTEGER PRIMARY KEY,
                 parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);",
        )
        .await
        .unwrap();
    let err = store
        .db
        .transaction_with(TxMode::Deferred, |tx| async move {
            tx.execute("INSERT INTO child VALUES (1, 42)", &[]).await?;
            tx.execute("INSERT INTO parent VALUES (7)", &[]).await?;
            Ok::<_, Error>(())
        })
        .await
        .unwrap_err();
    match &err {
        Error::Sql {
            statement,
            sql,
            cause: source,
        } => {
            assert!(statement.contains("commit"), "{statement}");
            assert_eq!(sql, "COMMIT");
            assert!(source.to_string().contains("FOREIGN KEY"), "{source}");
        }
        other => panic!("expected a commit error, got {other:?}"),
    }
    let rows: i64 = store
        .db
        .fetch_one(
            "SELECT (SELECT count(*) FROM child) + (SELECT count(*) FROM parent)",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows, 0, "nothing of the failed transaction stays");
    assert_pool_clean(&store).await;
}

#[tokio::test]
async fn calls_run_concurrently_inside_one_transaction_take_turns_on_its_connection() {
    let (store, _dir) = store().await;
    let items = &store.items;
    let (a, b, c, d) = store
        .db
        .transaction(|_| async move {
            let (a, b, c, d) = tokio::join!(
                items.insert(1, "one", 1, None),
                items.insert(2, "two", 2, None),
                items.with_at_least(0),
                items.insert(3, "three", 3, None),
            );
            Ok::<_, Error>((a?, b?, c?, d?))
        })
        .await
        .unwrap();
    assert_eq!((a, b, d), (1, 1, 1));
    assert!(c.len() <= 3);
    assert_eq!(items.count().await.unwrap(), 3);
    assert_pool_clean(&store).await;
}

/// Nests `depth` transactions, inserting one row at each level.
fn nest(
    db: larder::Db,
    depth: i64,
) -> std::pin::Pin<Box<dyn Future<Output = larder::Result<()>> + Send>> {
    Box::pin(async move {
        let inner = db.clone();
        db.transaction(|tx| async move {
            tx.execute(
                "INSERT INTO items (id, name, qty) VALUES (?1, ?2, 1)",
                larder::params![depth, format!("level {depth}")],
            )
            .await?;
            if depth > 1 {
                nest(inner, depth - 1).await?;
            }
            Ok::<_, Error>(())
        })
        .await
    })
}

#[tokio::test]
async fn deep_nesting_fails_with_a_clear_error_before_the_stack_runs_out() {
    let (store, _dir) = store().await;
    // 32 savepoints under the outermost transaction are fine.
    nest(store.db.clone(), 33).await.unwrap();
    assert_eq!(store.items.count().await.unwrap(), 33);
    store.db.execute("DELETE FROM items", &[]).await.unwrap();
    // One more level is refused, on a 2 MiB test thread, with a message; nothing is kept.
    let err = nest(store.db.clone(), 200).await.unwrap_err();
    assert!(
        matches!(&err, Error::Misuse(m) if m.contains("nested more than 32 deep")),
        "{err}"
    );
    assert_eq!(store.items.count().await.unwrap(), 0);
    assert_pool_clean(&store).await;
}

/// A task spawned inside a transaction is not part of it (task-locals do not cross tasks): its
/// reads see only committed rows, its writes are its own, and a write it makes waits for the
/// transaction to end (one writer at a time) — so a body that awaits such a write waits until
/// the busy timeout and gets `Error::Busy`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_spawned_inside_a_transaction_runs_outside_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_schema(
        larder::Db::builder()
            .file(dir.path().join("spawn.db"))
            .busy_timeout(std::time::Duration::from_millis(200)),
    )
    .await;
    let items = Items { db: db.clone() };
    let (seen, spawned_write) = db
        .transaction(|tx| {
            let db = db.clone();
            async move {
                tx.execute("INSERT INTO items (id, name) VALUES (1, 'in tx')", &[])
                    .await?;
                let reader = db.clone();
                let seen = tokio::spawn(async move {
                    assert!(!reader.in_transaction());
                    reader.fetch_all::<i64>("SELECT id FROM items", &[]).await
                })
                .await
                .unwrap()?;
                let writer = db.clone();
                let spawned_write = tokio::spawn(async move {
                    writer
                        .execute("INSERT INTO items (id, name) VALUES (2, 'spawned')", &[])
                        .await
                });
                Ok::<_, Error>((seen, spawned_write))
            }
        })
        .await
        .unwrap();
    assert_eq!(
        seen,
        Vec::<i64>::new(),
        "the spawned read saw no uncommitted row"
    );
    // The spawned write ran after the transaction committed, in its own autocommit.
    assert_eq!(spawned_write.await.unwrap().unwrap(), 1);
    assert_eq!(items.count().await.unwrap(), 2);

    let err = db
        .transaction(|tx| {
            let db = db.clone();
            async move {
                tx.execute("INSERT INTO items (id, name) VALUES (3, 'in tx 2')", &[])
                    .await?;
                let writer = db.clone();
                tokio::spawn(async move {
                    writer
                        .execute("INSERT INTO items (id, name) VALUES (4, 'spawned 2')", &[])
                        .await
                })
                .await
                .unwrap()
            }
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Busy { .. }), "{err}");
    assert_eq!(
        items.count().await.unwrap(),
        2,
        "neither row of the failed transaction"
    );
}
