//! The strict property, under concurrency: once any read in the process has returned a committed
//! value, no cached call that starts afterwards returns an older one. A writer moves a counter up
//! through one write path while eight readers each read it uncached, note the highest value any
//! read has returned, then call the cached method: it must return at least that. One test per
//! write path: autocommit statements, transactions, raw SQL, an in-memory database, writes larder
//! cannot see declared with `#[invalidates]`, and another `Db`'s writes seen by the watch.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;

struct Counter {
    db: larder::Db,
    /// Another `Db` on the same file: its writes are invisible to `db`'s caches.
    other: Option<larder::Db>,
}

#[larder::storage]
impl Counter {
    #[prepared("SELECT n FROM counter WHERE id = 1")]
    #[cached_query]
    async fn value(&self) -> larder::Result<i64>;

    #[prepared("SELECT n FROM counter WHERE id = ?1")]
    #[cached_query]
    async fn value_of(&self, id: i64) -> larder::Result<Option<i64>>;

    #[prepared("UPDATE counter SET n = n + 1 WHERE id = 1")]
    async fn bump(&self) -> larder::Result<u64>;

    #[prepared("UPDATE counter SET n = n + 1 WHERE id = 2")]
    async fn bump_other_row(&self) -> larder::Result<u64>;

    #[transactional]
    async fn bump_in_transaction(&self) -> larder::Result<()> {
        self.bump_other_row().await?;
        self.bump().await?;
        Ok(())
    }

    /// A write larder cannot see, declared.
    #[invalidates(value, value_of(id))]
    async fn bump_elsewhere(&self, id: i64) -> larder::Result<()> {
        let other = self.other.as_ref().expect("a second Db");
        other
            .execute(
                "UPDATE counter SET n = n + 1 WHERE id = ?1",
                larder::params![id],
            )
            .await?;
        // The rest of the body (an HTTP call, say): the new value is readable meanwhile.
        tokio::time::sleep(Duration::from_micros(300)).await;
        Ok(())
    }
}

#[derive(Clone, Copy, Debug)]
enum Path {
    Autocommit,
    Transaction,
    Raw,
    Invalidates,
    Watch,
}

const READERS: usize = 8;
const READS: usize = 2000;

/// Runs the writer and the readers; returns the number of reads that broke the property, and how
/// many cached calls were hits (so that a test that never hits cannot pass by accident).
async fn race(counter: Arc<Counter>, path: Path) -> (u64, u64) {
    let seen = Arc::new(AtomicI64::new(0));
    let stale = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let counter = Arc::clone(&counter);
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            while !done.load(SeqCst) {
                match path {
                    Path::Autocommit => counter.bump().await.map(drop),
                    Path::Transaction => counter.bump_in_transaction().await,
                    Path::Raw => counter
                        .db
                        .execute("UPDATE counter SET n = n + 1 WHERE id = 1", &[])
                        .await
                        .map(drop),
                    Path::Invalidates => counter.bump_elsewhere(1).await,
                    Path::Watch => counter
                        .other
                        .as_ref()
                        .expect("a second Db")
                        .execute("UPDATE counter SET n = n + 1 WHERE id = 1", &[])
                        .await
                        .map(drop),
                }
                // A write may time out waiting for the lock (an in-memory database has no WAL,
                // readers hold it off): the property is about what reads return.
                .ok();
                // Let readers hit between writes.
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
        })
    };
    let mut readers = Vec::new();
    for reader in 0..READERS {
        let counter = Arc::clone(&counter);
        let seen = Arc::clone(&seen);
        let stale = Arc::clone(&stale);
        readers.push(tokio::spawn(async move {
            for i in 0..READS {
                let Ok(direct) = counter
                    .db
                    .fetch_one::<i64>("SELECT n FROM counter WHERE id = 1", &[])
                    .await
                else {
                    continue;
                };
                seen.fetch_max(direct, SeqCst);
                // Every read so far has returned at most this, and one returned exactly this.
                let floor = seen.load(SeqCst);
                let cached = if (reader + i) % 2 == 0 {
                    counter.value().await
                } else {
                    counter.value_of(1).await.map(|n| n.unwrap_or(0))
                };
                let Ok(cached) = cached else { continue };
                if cached < floor {
                    stale.fetch_add(1, SeqCst);
                }
                seen.fetch_max(cached, SeqCst);
            }
        }));
    }
    for reader in readers {
        reader.await.expect("a reader");
    }
    done.store(true, SeqCst);
    writer.await.expect("the writer");
    let hits = counter
        .db
        .cache_stats()
        .methods
        .iter()
        .map(|m| m.hits)
        .sum();
    (stale.load(SeqCst), hits)
}

async fn counter(path: Path, memory: bool) -> (Arc<Counter>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("race.db");
    let mut builder = if memory {
        larder::Db::builder().memory()
    } else {
        larder::Db::builder().file(&file)
    };
    if matches!(path, Path::Watch) {
        builder = builder.watch_external_writes(Duration::ZERO);
    }
    let db = builder.open().await.unwrap();
    db.execute_batch(
        "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
         INSERT INTO counter VALUES (1, 0), (2, 0);",
    )
    .await
    .unwrap();
    let other = match path {
        Path::Invalidates | Path::Watch => Some(larder::Db::open(&file).await.unwrap()),
        _ => None,
    };
    (Arc::new(Counter { db, other }), dir)
}

async fn check(path: Path, memory: bool) {
    let (counter, _dir) = counter(path, memory).await;
    let (stale, hits) = race(counter, path).await;
    assert_eq!(
        stale, 0,
        "{path:?}: cached calls older than a value already read"
    );
    // With the watch at interval zero every call looks, and concurrent lookers serve nothing.
    if !matches!(path, Path::Watch) {
        assert!(hits > 0, "{path:?}: no hit at all, the race was not run");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commit_publish_window_autocommit_serves_nothing_older() {
    check(Path::Autocommit, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commit_publish_window_transactions_serve_nothing_older() {
    check(Path::Transaction, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commit_publish_window_raw_sql_serves_nothing_older() {
    check(Path::Raw, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn commit_publish_window_in_memory_serves_nothing_older() {
    check(Path::Autocommit, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn invalidates_racing_loads_serves_nothing_older() {
    check(Path::Invalidates, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn watch_racing_readers_serves_nothing_older() {
    check(Path::Watch, false).await;
}
