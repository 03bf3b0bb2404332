//! The workload driver: bulk-load episodes, then run a concurrent mix of reads (Zipf-skewed over
//! the episodes) and writes against one backend, and measure the seed plan's table.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use larder::LatencyHistogram;
use serde::Serialize;
use uuid::Uuid;

use crate::plain::Plain;
use crate::{sample_episode, Episode, Memory};

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    /// Episodes loaded before the mixed workload.
    pub episodes: u64,
    /// Share of operations that write, in `[0, 1]`.
    pub write_fraction: f64,
    /// Zipf exponent of the episode reads.
    pub zipf: f64,
    /// How long the mixed workload runs.
    pub duration: Duration,
    /// Concurrent tasks.
    pub tasks: usize,
}

/// One backend's measurements.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    /// Which backend.
    pub name: String,
    /// Episode reads answered from the cache, in `[0, 1]` (0 without a cache).
    pub cache_hit_rate: f64,
    /// Median latency of an episode read, µs.
    pub read_p50_us: f64,
    /// 99th percentile of an episode read, µs.
    pub read_p99_us: f64,
    /// Rows per second of the bulk load.
    pub bulk_insert_rows_per_s: f64,
    /// Time spent preparing statements, per call, µs (larder: statements prepared per call × the
    /// cost of one prepare measured on the plain side).
    pub statement_prep_us_per_call: f64,
    /// 99th percentile over every operation of the mixed workload, µs.
    pub p99_all_us: f64,
    /// Approximate bytes held by the result caches.
    pub cache_bytes: u64,
    /// Entries evicted per entry inserted, in `[0, 1]`.
    pub eviction_rate: f64,
    /// Operations run in the mixed workload.
    pub operations: u64,
    /// Operations that failed.
    pub errors: u64,
}

/// Both backends, measured in the same run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Episodes loaded.
    pub episodes: u64,
    /// Seconds of mixed workload per backend.
    pub seconds: f64,
    /// Hand-written libSQL.
    pub plain: Measured,
    /// larder.
    pub larder: Measured,
}

/// The operations the workload needs from a backend.
pub trait Backend: Send + Sync + 'static {
    /// One episode by id.
    fn episode(&self, id: Uuid) -> impl Future<Output = Result<Option<Episode>, String>> + Send;
    /// Episodes since a time.
    fn since(&self, at: DateTime<Utc>) -> impl Future<Output = Result<usize, String>> + Send;
    /// Patterns of a type.
    fn patterns(&self, kind: &str) -> impl Future<Output = Result<usize, String>> + Send;
    /// One pattern use.
    fn use_pattern(
        &self,
        id: i64,
        success: bool,
    ) -> impl Future<Output = Result<(), String>> + Send;
    /// One new episode.
    fn store(&self, e: Episode) -> impl Future<Output = Result<(), String>> + Send;
    /// Load episodes (the bulk path each backend offers).
    fn load(&self, episodes: &[Episode]) -> impl Future<Output = Result<(), String>> + Send;
    /// Add pattern `id`.
    fn add_pattern(&self, id: i64, kind: &str) -> impl Future<Output = Result<(), String>> + Send;
}

/// The operations both stores share by name; only loading differs (a `#[batch]` against one
/// autocommit insert per row).
macro_rules! backend {
    ($store:ty, |$this:ident, $episodes:ident| $load:block) => {
        impl Backend for $store {
            async fn episode(&self, id: Uuid) -> Result<Option<Episode>, String> {
                <$store>::episode(self, id).await.map_err(|e| e.to_string())
            }
            async fn since(&self, at: DateTime<Utc>) -> Result<usize, String> {
                self.episodes_since(at)
                    .await
                    .map(|v| v.len())
                    .map_err(|e| e.to_string())
            }
            async fn patterns(&self, kind: &str) -> Result<usize, String> {
                self.patterns_by_type(kind)
                    .await
                    .map(|v| v.len())
                    .map_err(|e| e.to_string())
            }
            async fn use_pattern(&self, id: i64, success: bool) -> Result<(), String> {
                let success = if success { 1.0 } else { 0.0 };
                self.update_pattern_stats(id, success, Utc::now())
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            async fn store(&self, e: Episode) -> Result<(), String> {
                self.store_episode(&e).await.map_err(|e| e.to_string())
            }
            async fn load(&self, $episodes: &[Episode]) -> Result<(), String> {
                let $this = self;
                $load
            }
            async fn add_pattern(&self, id: i64, kind: &str) -> Result<(), String> {
                self.insert_pattern(id, kind, "prefer tools that worked before", Utc::now())
                    .await
                    .map_err(|e| e.to_string())
            }
        }
    };
}

backend!(Memory, |this, episodes| {
    this.store_episodes(episodes)
        .await
        .map_err(|e| e.to_string())
});

backend!(Plain, |this, episodes| {
    for e in episodes {
        this.store_episode(e).await.map_err(|e| e.to_string())?;
    }
    Ok(())
});

/// xorshift64*: deterministic per task.
struct Rng(u64);

impl Rng {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Cumulative Zipf probabilities over `n` keys.
fn zipf_cdf(n: u64, s: f64) -> Vec<f64> {
    let weights: Vec<f64> = (1..=n).map(|k| 1.0 / (k as f64).powf(s)).collect();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect()
}

const KINDS: [&str; 4] = ["tool_choice", "decomposition", "recovery", "verification"];
const PATTERNS: i64 = 200;

/// What the mixed workload measured.
struct Mixed {
    reads: LatencyHistogram,
    all: LatencyHistogram,
    operations: u64,
    errors: u64,
}

async fn mixed<B: Backend>(backend: Arc<B>, config: &Config, base: DateTime<Utc>) -> Mixed {
    let cdf = Arc::new(zipf_cdf(config.episodes.max(1), config.zipf));
    let reads = Arc::new(LatencyHistogram::default());
    let all = Arc::new(LatencyHistogram::default());
    let deadline = Instant::now() + config.duration;
    let next_episode = Arc::new(std::sync::atomic::AtomicU64::new(config.episodes));
    let workers: Vec<_> = (0..config.tasks)
        .map(|t| {
            let (backend, cdf, reads, all, next) = (
                Arc::clone(&backend),
                Arc::clone(&cdf),
                Arc::clone(&reads),
                Arc::clone(&all),
                Arc::clone(&next_episode),
            );
            let write_fraction = config.write_fraction;
            tokio::spawn(async move {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1));
                let (mut ops, mut errors) = (0u64, 0u64);
                while Instant::now() < deadline {
                    let started = Instant::now();
                    let dice = rng.unit();
                    let result = if dice < write_fraction {
                        if rng.unit() < 0.7 {
                            backend
                                .use_pattern(
                                    1 + (rng.unit() * PATTERNS as f64) as i64 % PATTERNS,
                                    rng.unit() < 0.8,
                                )
                                .await
                        } else {
                            let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            backend.store(sample_episode(n, base)).await
                        }
                    } else {
                        let read = rng.unit();
                        if read < 0.85 {
                            let u = rng.unit();
                            let n = cdf.partition_point(|&c| c < u) as u64;
                            let r = backend.episode(sample_episode(n, base).id).await.map(drop);
                            reads.record(started.elapsed());
                            r
                        } else if read < 0.95 {
                            backend
                                .patterns(KINDS[(rng.unit() * 4.0) as usize % 4])
                                .await
                                .map(drop)
                        } else {
                            let minute = (rng.unit() * 60.0) as i64;
                            backend
                                .since(base + chrono::Duration::minutes(minute))
                                .await
                                .map(drop)
                        }
                    };
                    all.record(started.elapsed());
                    ops += 1;
                    errors += u64::from(result.is_err());
                    if ops.is_multiple_of(64) {
                        tokio::task::yield_now().await;
                    }
                }
                (ops, errors)
            })
        })
        .collect();
    let (mut operations, mut errors) = (0, 0);
    for w in workers {
        if let Ok((o, e)) = w.await {
            operations += o;
            errors += e;
        }
    }
    let take = |h: Arc<LatencyHistogram>| Arc::try_unwrap(h).unwrap_or_default();
    Mixed {
        reads: take(reads),
        all: take(all),
        operations,
        errors,
    }
}

/// Loads `episodes` into `backend` in chunks, calling `tick` after each; returns rows per second.
async fn bulk<B: Backend>(
    backend: &B,
    config: &Config,
    base: DateTime<Utc>,
    tick: &dyn Fn(u64),
) -> Result<f64, String> {
    let started = Instant::now();
    let mut n = 0;
    while n < config.episodes {
        let chunk: Vec<Episode> = (n..(n + 1000).min(config.episodes))
            .map(|i| sample_episode(i, base))
            .collect();
        backend.load(&chunk).await?;
        n += chunk.len() as u64;
        tick(chunk.len() as u64);
    }
    for id in 1..=PATTERNS {
        backend.add_pattern(id, KINDS[id as usize % 4]).await?;
    }
    Ok(config.episodes as f64 / started.elapsed().as_secs_f64().max(1e-9))
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Runs both backends, each on a fresh database file in `dir`; `tick` is called with loaded rows.
///
/// # Errors
/// The first failure to open, migrate or load.
pub async fn run(config: &Config, dir: &Path, tick: &dyn Fn(&str, u64)) -> Result<Report, String> {
    let base = DateTime::parse_from_rfc3339("2026-11-25T07:00:00Z")
        .map_err(|e| e.to_string())?
        .with_timezone(&Utc);

    let plain = Arc::new(
        Plain::open(&dir.join("plain.db"))
            .await
            .map_err(|e| e.to_string())?,
    );
    let plain_bulk = bulk(&*plain, config, base, &|n| tick("plain libSQL", n)).await?;
    let plain_mixed = mixed(Arc::clone(&plain), config, base).await;
    let (prep_time, prepares) = plain.prepare_time.lock().map(|t| *t).unwrap_or_default();
    let prepare_cost = prep_time
        .checked_div(u32::try_from(prepares.max(1)).unwrap_or(u32::MAX))
        .unwrap_or_default();

    let db = larder::Db::open(dir.join("larder.db"))
        .await
        .map_err(|e| e.to_string())?;
    crate::migrate(&db).await.map_err(|e| e.to_string())?;
    let memory = Arc::new(Memory { db: db.clone() });
    let larder_bulk = bulk(&*memory, config, base, &|n| tick("larder", n)).await?;
    let before = db.cache_stats();
    let larder_mixed = mixed(Arc::clone(&memory), config, base).await;
    let caches = db.cache_stats();
    let statements = db.statement_stats();

    let episode_cache = caches.methods.iter().find(|m| m.name == "Memory::episode");
    let hits = episode_cache.map_or(0, |m| m.hits)
        - before
            .methods
            .iter()
            .find(|m| m.name == "Memory::episode")
            .map_or(0, |m| m.hits);
    let lookups = episode_cache.map_or(0, |m| m.hits + m.misses + m.stale_misses)
        - before
            .methods
            .iter()
            .find(|m| m.name == "Memory::episode")
            .map_or(0, |m| m.hits + m.misses + m.stale_misses);
    let inserts: u64 = caches.methods.iter().map(|m| m.inserts).sum();
    let evictions: u64 = caches.methods.iter().map(|m| m.evicted_by_size).sum();
    let executions = (statements.hits + statements.misses).max(1);

    Ok(Report {
        episodes: config.episodes,
        seconds: config.duration.as_secs_f64(),
        plain: Measured {
            name: "plain libSQL".into(),
            cache_hit_rate: 0.0,
            read_p50_us: us(plain_mixed.reads.quantile(0.5)),
            read_p99_us: us(plain_mixed.reads.quantile(0.99)),
            bulk_insert_rows_per_s: plain_bulk,
            statement_prep_us_per_call: us(prepare_cost),
            p99_all_us: us(plain_mixed.all.quantile(0.99)),
            cache_bytes: 0,
            eviction_rate: 0.0,
            operations: plain_mixed.operations,
            errors: plain_mixed.errors,
        },
        larder: Measured {
            name: "larder".into(),
            cache_hit_rate: hits as f64 / lookups.max(1) as f64,
            read_p50_us: us(larder_mixed.reads.quantile(0.5)),
            read_p99_us: us(larder_mixed.reads.quantile(0.99)),
            bulk_insert_rows_per_s: larder_bulk,
            statement_prep_us_per_call: us(prepare_cost) * statements.misses as f64
                / executions as f64,
            p99_all_us: us(larder_mixed.all.quantile(0.99)),
            cache_bytes: episode_cache.map_or(0, |m| m.weighted_size),
            eviction_rate: evictions as f64 / inserts.max(1) as f64,
            operations: larder_mixed.operations,
            errors: larder_mixed.errors,
        },
    })
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (p, c) = (&self.plain, &self.larder);
        writeln!(
            f,
            "{} episodes loaded; {:.0} s of mixed workload per backend\n",
            self.episodes, self.seconds
        )?;
        writeln!(
            f,
            "{:<30} {:>16} {:>14} {:>14}",
            "metric", "seed plan target", "plain libSQL", "larder"
        )?;
        let row =
            |f: &mut std::fmt::Formatter<'_>, name: &str, target: &str, a: String, b: String| {
                writeln!(f, "{name:<30} {target:>16} {a:>14} {b:>14}")
            };
        row(
            f,
            "cache hit rate",
            "85-90%",
            format!("{:.1}%", 100.0 * p.cache_hit_rate),
            format!("{:.1}%", 100.0 * c.cache_hit_rate),
        )?;
        row(
            f,
            "cached read latency p50",
            "5-10 ms",
            format!("{:.1} µs", p.read_p50_us),
            format!("{:.1} µs", c.read_p50_us),
        )?;
        row(
            f,
            "cached read latency p99",
            "",
            format!("{:.1} µs", p.read_p99_us),
            format!("{:.1} µs", c.read_p99_us),
        )?;
        row(
            f,
            "bulk insert throughput",
            "200-300/s",
            format!("{:.0}/s", p.bulk_insert_rows_per_s),
            format!("{:.0}/s", c.bulk_insert_rows_per_s),
        )?;
        row(
            f,
            "statement prep per call",
            "< 1 ms",
            format!("{:.2} µs", p.statement_prep_us_per_call),
            format!("{:.3} µs", c.statement_prep_us_per_call),
        )?;
        row(
            f,
            "P99 of all operations",
            "< 100 ms",
            format!("{:.1} µs", p.p99_all_us),
            format!("{:.1} µs", c.p99_all_us),
        )?;
        row(
            f,
            "cache memory",
            "< 500 MB",
            "-".into(),
            format!("{:.1} MB", c.cache_bytes as f64 / 1e6),
        )?;
        row(
            f,
            "eviction rate",
            "",
            "-".into(),
            format!("{:.1}%", 100.0 * c.eviction_rate),
        )?;
        row(
            f,
            "operations (errors)",
            "",
            format!("{} ({})", p.operations, p.errors),
            format!("{} ({})", c.operations, c.errors),
        )
    }
}
