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
}
