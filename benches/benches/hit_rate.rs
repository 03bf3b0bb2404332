//! Hit rate of the cache *policy* under Zipf traffic, on a simulated clock: two hours at 1 000
//! requests per second over 100 000 keys, a cache of 10 000 entries, for Zipf exponents 1.0 and
//! 1.2. Compares larder's adaptive TTL (`larder::AdaptiveTtl`, the exact formula the caches use)
//! with a fixed 300 s TTL and with no TTL, beside the optimal static bound (the probability mass
//! of the 10 000 most popular keys: what a cache that always held exactly those would hit).
//!
//! A model, not the real cache: moka's clock cannot be mocked from outside the crate, and two
//! hours of real time are not a benchmark. The model evicts least-recently-used entries, where
//! moka adds TinyLFU admission (which only helps under Zipf); expiry uses the real formula.
//!
//! Then the real cache, on real time: a `#[cached_query(max_entries = 10000)]` point lookup on a
//! `Db` over a 100 000-row table, beside bare moka caches of the same capacity, on one
//! deterministic Zipf stream of 1.8 M requests (no expiry matters within the run: it lasts
//! seconds). Bare moka is measured two ways: one lookup per request (`get`, then `insert` on a
//! miss), and `get` followed by `get_with` on a miss — two counted lookups per miss, which is
//! what larder's cached path did before issue #20.
//!
//! Run: `cargo bench -p larder-benches --bench hit_rate`

use std::time::Duration;

use hashlink::LinkedHashMap;
use larder::AdaptiveTtl;

const KEYS: usize = 100_000;
const CAPACITY: usize = 10_000;
const RATE: f64 = 1_000.0;
const SECONDS: f64 = 2.0 * 3600.0;

#[derive(Clone, Copy)]
enum Policy {
    Adaptive(AdaptiveTtl),
    Fixed(Duration),
    Forever,
}

struct Entry {
    expires: f64,
    reads: f64,
    last: f64,
}

/// xorshift64*: deterministic, so every run simulates the same traffic.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn zipf_cdf(s: f64) -> Vec<f64> {
    let weights: Vec<f64> = (1..=KEYS).map(|k| 1.0 / (k as f64).powf(s)).collect();
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

fn static_bound(cdf: &[f64]) -> f64 {
    cdf[CAPACITY - 1]
}

fn simulate(cdf: &[f64], policy: Policy) -> f64 {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut cache: LinkedHashMap<usize, Entry> = LinkedHashMap::with_capacity(CAPACITY + 1);
    let requests = (RATE * SECONDS) as u64;
    let mut hits = 0u64;
    for i in 0..requests {
        let now = i as f64 / RATE;
        let u = rng.next_f64();
        let key = cdf.partition_point(|&c| c < u).min(KEYS - 1);
        let hit = match cache.get_mut(&key) {
            Some(entry) if entry.expires > now => {
                if let Policy::Adaptive(ttl) = policy {
                    let since = Duration::from_secs_f64(now - entry.last);
                    entry.reads = ttl.faded_reads(entry.reads, since);
                    entry.expires = now + ttl.ttl_after_read(entry.reads, since).as_secs_f64();
                }
                entry.last = now;
                true
            }
            _ => false,
        };
        if hit {
            hits += 1;
            cache.to_back(&key);
            continue;
        }
        let expires = match policy {
            Policy::Adaptive(ttl) => now + ttl.base.as_secs_f64(),
            Policy::Fixed(d) => now + d.as_secs_f64(),
            Policy::Forever => f64::INFINITY,
        };
        cache.replace(
            key,
            Entry {
                expires,
                reads: 0.0,
                last: now,
            },
        );
        if cache.len() > CAPACITY {
            cache.pop_front();
        }
    }
    hits as f64 / requests as f64
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT v FROM kv WHERE k = ?1")]
    #[cached_query(max_entries = 10000)]
    async fn value(&self, k: i64) -> larder::Result<Option<i64>>;
}

/// The same Zipf stream for every cache: `REAL_REQUESTS` keys in 1..=KEYS.
fn stream(cdf: &[f64]) -> Vec<i64> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    (0..REAL_REQUESTS)
        .map(|_| {
            let u = rng.next_f64();
            cdf.partition_point(|&c| c < u).min(KEYS - 1) as i64 + 1
        })
        .collect()
}

const REAL_REQUESTS: usize = 1_800_000;

/// Hit rate of larder's cache on `keys`: hits / (hits + misses + coalesced) of its counters.
async fn larder_rate(keys: &[i64]) -> larder::Result<f64> {
    let db = larder::Db::memory().await?;
    db.execute_batch(&format!(
        "CREATE TABLE kv (k INTEGER PRIMARY KEY, v INTEGER NOT NULL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {KEYS})
         INSERT INTO kv SELECT i, i * 2 FROM n;"
    ))
    .await?;
    let store = Store { db };
    // The first call derives what the method reads and runs uncached: not counted below.
    store.value(1).await?;
    let hits_so_far =
        |store: &Store| -> u64 { store.db.cache_stats().methods.iter().map(|m| m.hits).sum() };
    let before = hits_so_far(&store);
    for &k in keys {
        store.value(k).await?;
    }
    let hits = (hits_so_far(&store) - before) as f64;
    Ok(hits / keys.len() as f64)
}

/// Hit rate of a bare moka cache of `CAPACITY` on `keys`; `double` looks a missed key up twice.
async fn moka_rate(keys: &[i64], double: bool) -> f64 {
    let cache: moka::future::Cache<i64, i64> = moka::future::Cache::new(CAPACITY as u64);
    let mut hits = 0u64;
    for &k in keys {
        if cache.get(&k).await.is_some() {
            hits += 1;
        } else if double {
            cache.get_with(k, async move { k * 2 }).await;
        } else {
            cache.insert(k, k * 2).await;
        }
    }
    hits as f64 / keys.len() as f64
}

fn real(s: f64, cdf: &[f64]) -> larder::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let keys = stream(cdf);
    let larder = rt.block_on(larder_rate(&keys))?;
    let single = rt.block_on(moka_rate(&keys, false));
    let double = rt.block_on(moka_rate(&keys, true));
    println!(
        "{:<6} {:>11.1}% {:>13.1}% {:>13.1}% {:>15.1}%",
        s,
        100.0 * static_bound(cdf),
        100.0 * larder,
        100.0 * single,
        100.0 * double
    );
    Ok(())
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench --no-run` / libtest-style listing: nothing to list.
    }
    println!(
        "Zipf over {KEYS} keys, cache of {CAPACITY}, {RATE} requests/s for {} h (simulated clock)\n",
        SECONDS / 3600.0
    );
    println!(
        "{:<6} {:>12} {:>14} {:>14} {:>10}",
        "zipf", "static bound", "adaptive TTL", "fixed 300 s", "no TTL"
    );
    for s in [1.0, 1.2] {
        let cdf = zipf_cdf(s);
        let adaptive = simulate(&cdf, Policy::Adaptive(AdaptiveTtl::default()));
        let fixed = simulate(&cdf, Policy::Fixed(Duration::from_secs(300)));
        let forever = simulate(&cdf, Policy::Forever);
        println!(
            "{:<6} {:>11.1}% {:>13.1}% {:>13.1}% {:>9.1}%",
            s,
            100.0 * static_bound(&cdf),
            100.0 * adaptive,
            100.0 * fixed,
            100.0 * forever
        );
    }
    println!("\nThe real caches: {REAL_REQUESTS} requests over {KEYS} keys, capacity {CAPACITY}\n");
    println!(
        "{:<6} {:>12} {:>14} {:>14} {:>16}",
        "zipf", "static bound", "larder", "bare moka", "moka get+get_with"
    );
    for s in [1.0, 1.2] {
        if let Err(error) = real(s, &zipf_cdf(s)) {
            eprintln!("the real-cache run failed: {error}");
            std::process::exit(1);
        }
    }
}
