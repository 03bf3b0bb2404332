//! The cost of measuring, side by side:
//! - `#[timed]` on an empty async method vs the same method untimed;
//! - recording one latency: larder's histogram (through a timed method's record path is the same
//!   atomics), `hdrhistogram` (behind a `Mutex`, as it is not concurrent), and the seed plan's
//!   `RwLock<Vec<Duration>>`, from 1 and 4 threads.
//!
//! Run: `cargo bench -p larder-benches --bench timing`

use std::hint::black_box;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[timed]
    async fn timed_noop(&self) -> larder::Result<u32> {
        Ok(black_box(1))
    }

    async fn untimed_noop(&self) -> larder::Result<u32> {
        let _ = &self.db;
        Ok(black_box(1))
    }
}

/// Runs `record` `iters` times on each of `threads` threads; returns the wall time.
fn contended(threads: usize, iters: u64, record: Arc<dyn Fn(u64) + Send + Sync>) -> Duration {
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let record = Arc::clone(&record);
            std::thread::spawn(move || {
                for i in 0..iters {
                    record(1_000 + (i * 7 + t as u64) % 50_000);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("recording thread");
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let store = rt.block_on(async {
        Store {
            db: larder::Db::memory().await.expect("db"),
        }
    });

    let mut group = c.benchmark_group("timed_method");
    group.bench_function("untimed_empty_method", |b| {
        b.to_async(&rt).iter(|| store.untimed_noop())
    });
    group.bench_function("timed_empty_method", |b| {
        b.to_async(&rt).iter(|| store.timed_noop())
    });
    group.finish();

    let larder_histogram = Arc::new(larder::LatencyHistogram::default());
    let hdr = Arc::new(Mutex::new(
        hdrhistogram::Histogram::<u64>::new(3).expect("hdr"),
    ));
    let seed = Arc::new(RwLock::new(Vec::<Duration>::new()));
    for threads in [1usize, 4] {
        let mut group = c.benchmark_group(format!("record_{threads}_threads"));
        group.bench_function("larder_histogram", |b| {
            b.iter_custom(|iters| {
                let h = Arc::clone(&larder_histogram);
                contended(threads, iters, Arc::new(move |v| h.record_nanos(v)))
            })
        });
        let hdr = Arc::clone(&hdr);
        group.bench_function("hdrhistogram_in_mutex", |b| {
            let hdr = Arc::clone(&hdr);
            b.iter_custom(|iters| {
                let hdr = Arc::clone(&hdr);
                contended(
                    threads,
                    iters,
                    Arc::new(move |v| {
                        if let Ok(mut h) = hdr.lock() {
                            let _ = h.record(v);
                        }
                    }),
                )
            })
        });
        let seed_vec = Arc::clone(&seed);
        group.bench_function("rwlock_vec_of_durations", |b| {
            let seed = Arc::clone(&seed_vec);
            b.iter_custom(|iters| {
                let seed = Arc::clone(&seed);
                contended(
                    threads,
                    iters,
                    Arc::new(move |v| {
                        if let Ok(mut samples) = seed.write() {
                            samples.push(Duration::from_nanos(v));
                        }
                    }),
                )
            })
        });
        group.finish();
    }
    let samples = seed.read().map(|s| s.len()).unwrap_or(0);
    eprintln!(
        "the RwLock<Vec> holds {samples} samples ({} MB, cleared every 50 M); larder's histogram holds {} bytes",
        samples * std::mem::size_of::<Duration>() / 1_000_000,
        larder::HISTOGRAM_BYTES
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
