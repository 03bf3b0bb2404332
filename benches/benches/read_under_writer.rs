//! Reads while other tasks write: the latency of a `#[prepared]` point read on a file `Db`
//! (pool of 4) whose 8 writer tasks run `#[batch]`es of 20 inserts all the time, against the
//! same read with no writer. Besides criterion's mean, prints p50 / p99 / max of every timed read (the
//! writer lane's point: writers queue without holding connections, so a read never waits for
//! one behind them).
//!
//! Run: `cargo bench -p larder-benches --bench read_under_writer`

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use hdrhistogram::Histogram;

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT v FROM kv WHERE k = ?1")]
    async fn get(&self, k: i64) -> larder::Result<Option<String>>;

    #[prepared("INSERT INTO log (v) VALUES (?1)")]
    async fn log(&self, v: &str) -> larder::Result<()>;

    /// A writer's unit of work: a transaction of 20 inserts.
    #[batch]
    async fn log_batch(&self, v: &str) -> larder::Result<()> {
        for _ in 0..20 {
            self.log(v).await?;
        }
        Ok(())
    }
}

const WRITERS: usize = 8;

/// Times `iters` reads, each into `samples`.
async fn reads(store: &Store, iters: u64, samples: &Mutex<Histogram<u64>>) -> Duration {
    let mut total = Duration::ZERO;
    let mut local = Vec::with_capacity(iters as usize);
    for i in 0..iters {
        let started = Instant::now();
        let v = store.get((i % 100) as i64).await.expect("read");
        let took = started.elapsed();
        assert!(v.is_some());
        total += took;
        local.push(took);
    }
    let mut h = samples.lock().expect("samples");
    for took in local {
        let _ = h.record(took.as_nanos() as u64);
    }
    total
}

fn print(name: &str, h: &Histogram<u64>) {
    let us = |q: f64| h.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "{name}: {} reads, p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs",
        h.len(),
        us(0.5),
        us(0.99),
        h.max() as f64 / 1000.0
    );
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = rt.block_on(async {
        let db = larder::Db::builder()
            .file(dir.path().join("rw.db"))
            .pool_size(4)
            .open()
            .await
            .expect("open");
        db.execute_batch(
            "CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL);
             CREATE TABLE log (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
             WITH RECURSIVE n(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM n WHERE x < 99)
             INSERT INTO kv SELECT x, 'value ' || x FROM n;",
        )
        .await
        .expect("schema");
        Arc::new(Store { db })
    });
    let mut group = c.benchmark_group("read_under_writer");
    for writers in [0, WRITERS] {
        let stop = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = (0..writers)
            .map(|w| {
                let store = Arc::clone(&store);
                let stop = Arc::clone(&stop);
                rt.spawn(async move {
                    let text = format!("writer {w}");
                    while !stop.load(Ordering::Relaxed) {
                        store.log_batch(&text).await.expect("write");
                    }
                })
            })
            .collect();
        let samples = Mutex::new(Histogram::<u64>::new(3).expect("histogram"));
        let name = format!("point_read_with_{writers}_writers");
        group.bench_function(&name, |b| {
            b.iter_custom(|iters| rt.block_on(reads(&store, iters, &samples)))
        });
        stop.store(true, Ordering::Relaxed);
        for task in tasks {
            rt.block_on(task).expect("writer");
        }
        print(&name, &samples.lock().expect("samples"));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
