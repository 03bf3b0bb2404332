//! Insert 10 000 episode rows, side by side:
//! (a) a `#[batch]` method over a `#[prepared]` insert,
//! (b) per-row autocommit through the same `#[prepared]` insert, at `synchronous = NORMAL`
//!     (larder's default) and `FULL`,
//! (c) hand-written libSQL: one transaction, one reused statement.
//!
//! (a) and (c) write to tmpfs (`/dev/shm`) when there is one, (b) to the disk.
//!
//! Run: `cargo bench -p larder-benches --bench bulk_insert`

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use larder::{Synchronous, TxMode};

const ROWS: usize = 10_000;
const SCHEMA: &str = "CREATE TABLE episodes (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, task TEXT NOT NULL, started_at TEXT NOT NULL, reward REAL)";
const INSERT: &str = "INSERT INTO episodes (id, task, started_at, reward) VALUES (?1, ?2, ?3, ?4)";

struct Episode {
    id: String,
    task: String,
    started_at: String,
    reward: f64,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO episodes (id, task, started_at, reward) VALUES (?1, ?2, ?3, ?4)")]
    async fn insert(
        &self,
        id: &str,
        task: &str,
        started_at: &str,
        reward: f64,
    ) -> larder::Result<()>;

    #[batch]
    async fn insert_all(&self, episodes: &[Episode]) -> larder::Result<()> {
        for e in episodes {
            self.insert(&e.id, &e.task, &e.started_at, e.reward).await?;
        }
        Ok(())
    }

    async fn insert_each(&self, episodes: &[Episode]) -> larder::Result<()> {
        for e in episodes {
            self.insert(&e.id, &e.task, &e.started_at, e.reward).await?;
        }
        Ok(())
    }
}

fn episodes(n: usize) -> Vec<Episode> {
    (0..n)
        .map(|i| Episode {
            id: format!("{:08x}-0000-4000-8000-{:012x}", i, i * 7919),
            task: format!("task {i}: summarise the incident report"),
            started_at: format!("2026-11-25T07:{:02}:{:02}.000000000Z", i / 60 % 60, i % 60),
            reward: i as f64 / 1000.0,
        })
        .collect()
}

async fn store(dir: &std::path::Path, name: &str, sync: Synchronous) -> Store {
    let db = larder::Db::builder()
        .file(dir.join(name))
        .synchronous(sync)
        .open()
        .await
        .expect("open");
    db.execute_batch(SCHEMA).await.expect("schema");
    Store { db }
}

/// Times `iters` runs of `work`, each on an empty table (`reset`, untimed): every run, of every
/// variant, starts from the same state whatever ran before.
async fn timed<R, W, RF, WF>(iters: u64, mut reset: R, mut work: W) -> Duration
where
    R: FnMut() -> RF,
    RF: std::future::Future<Output = ()>,
    W: FnMut() -> WF,
    WF: std::future::Future<Output = ()>,
{
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        reset().await;
        let started = Instant::now();
        work().await;
        total += started.elapsed();
    }
    total
}

const EMPTY: &str = "DELETE FROM episodes; PRAGMA wal_checkpoint(TRUNCATE);";

async fn empty(db: &larder::Db) {
    db.execute_batch(EMPTY).await.expect("empty");
}

async fn empty_raw(conn: &libsql::Connection) {
    conn.execute_batch(EMPTY).await.expect("empty");
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // On tmpfs when the machine has one: the variants write hundreds of MB one after the other,
    // and on a disk the kernel's writeback of one variant's pages slows the next (measured here:
    // the same variant took 7.8 ms alone and 10.6 ms right after another). In RAM the comparison
    // is of the code, not of the order.
    let dir = tempfile::Builder::new()
        .tempdir_in(if std::path::Path::new("/dev/shm").is_dir() {
            "/dev/shm"
        } else {
            "."
        })
        .or_else(|_| tempfile::tempdir())
        .expect("temp dir");
    let rows = episodes(ROWS);

    let mut group = c.benchmark_group("bulk_insert");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(ROWS as u64));

    let raw_db = rt.block_on(async {
        let path = dir.path().join("c.db");
        let db = libsql::Builder::new_local(&path)
            .build()
            .await
            .expect("raw db");
        let conn = db.connect().expect("connect");
        let mut wal = conn
            .query("PRAGMA journal_mode = WAL", ())
            .await
            .expect("wal");
        while wal.next().await.expect("wal row").is_some() {}
        drop(wal);
        conn.execute_batch("PRAGMA synchronous = NORMAL;")
            .await
            .expect("sync");
        conn.execute_batch(SCHEMA).await.expect("schema");
        (db, conn)
    });
    let conn = &raw_db.1;
    group.bench_function(
        BenchmarkId::new("c_libsql_transaction_reused_statement", ROWS),
        |b| {
            b.to_async(&rt).iter_custom(|iters| {
                timed(
                    iters,
                    || empty_raw(conn),
                    || async {
                        let tx = conn
                            .transaction_with_behavior(libsql::TransactionBehavior::Immediate)
                            .await
                            .expect("begin");
                        let stmt = tx.prepare(INSERT).await.expect("prepare");
                        for e in &rows {
                            stmt.reset();
                            stmt.execute((
                                e.id.as_str(),
                                e.task.as_str(),
                                e.started_at.as_str(),
                                e.reward,
                            ))
                            .await
                            .expect("insert");
                        }
                        tx.commit().await.expect("commit");
                    },
                )
            })
        },
    );

    let batch = rt.block_on(store(dir.path(), "a.db", Synchronous::Normal));
    group.bench_function(BenchmarkId::new("a_larder_batch", ROWS), |b| {
        b.to_async(&rt).iter_custom(|iters| {
            timed(
                iters,
                || empty(&batch.db),
                || async { batch.insert_all(&rows).await.expect("batch") },
            )
        })
    });

    // Per-row autocommit: one commit (and, at FULL, one fsync) per row; fewer rows per iteration.
    // On the disk: what is measured here is the cost of durability, which tmpfs does not have.
    let disk = tempfile::tempdir().expect("temp dir on disk");
    for (sync, name, n) in [
        (Synchronous::Normal, "normal", 2_000),
        (Synchronous::Full, "full", 200),
    ] {
        let each = rt.block_on(store(disk.path(), &format!("b_{name}.db"), sync));
        let some = &rows[..n];
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(BenchmarkId::new(format!("b_autocommit_{name}"), n), |b| {
            b.to_async(&rt).iter_custom(|iters| {
                timed(
                    iters,
                    || empty(&each.db),
                    || async { each.insert_each(some).await.expect("insert") },
                )
            })
        });
    }
    group.finish();
    // Deferred mode exists for read-mostly transactions; the benchmark uses the default.
    let _ = TxMode::Deferred;
}

criterion_group!(benches, bench);
criterion_main!(benches);
