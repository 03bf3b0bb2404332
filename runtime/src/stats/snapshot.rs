//! Snapshots of the metrics: serializable, printable as a table, subtractable.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use super::histogram::Counts;
use super::pool::PoolStats;
use super::result_cache::MethodCacheStats;
use super::statement::StatementStats;

/// Every counter of a `Db` at one moment, from [`Metrics::snapshot`](crate::Metrics::snapshot).
/// `Display` prints one aligned row per method: calls, errors, hit rate, p50, p95, p99, max.
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// let snapshot = db.metrics().snapshot();
/// assert!(snapshot.to_string().starts_with("method"));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct MetricsSnapshot {
    /// One row per timed method that has run, sorted by name.
    pub methods: Vec<MethodMetrics>,
    /// The statement cache.
    #[serde(skip)]
    pub statements: StatementStats,
    /// The connection pool.
    #[serde(skip)]
    pub pool: PoolStats,
}

/// The counters of one method; latencies in nanoseconds, each within 0.8 % of the exact value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// for m in db.metrics().snapshot().methods {
///     println!("{}: {} calls, p99 {} ns", m.name, m.calls, m.p99_ns);
/// }
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
pub struct MethodMetrics {
    /// `Type::method`, or the `name` given to `#[timed]`.
    pub name: String,
    /// Finished calls.
    pub calls: u64,
    /// Calls that returned `Err`.
    pub errors: u64,
    /// Median latency.
    pub p50_ns: u64,
    /// 95th percentile.
    pub p95_ns: u64,
    /// 99th percentile.
    pub p99_ns: u64,
    /// 99.9th percentile.
    pub p999_ns: u64,
    /// Slowest call (exact).
    pub max_ns: u64,
    /// Mean latency.
    pub mean_ns: u64,
    /// Result-cache hits (cached methods).
    pub cache_hits: Option<u64>,
    /// Result-cache misses, stale ones included (cached methods).
    pub cache_misses: Option<u64>,
    /// Misses because a write made the entry stale (cached methods).
    pub cache_stale: Option<u64>,
    /// Calls that took a concurrent caller's load (single flight; cached methods): neither a
    /// hit nor a query of their own.
    pub cache_coalesced: Option<u64>,
    #[serde(skip)]
    counts: Counts,
}

impl MethodMetrics {
    pub(crate) fn new(
        name: &str,
        errors: u64,
        counts: Counts,
        cache: Option<MethodCacheStats>,
    ) -> Self {
        let mean = counts.sum.checked_div(counts.count).unwrap_or(0);
        MethodMetrics {
            name: name.to_owned(),
            calls: counts.count,
            errors,
            p50_ns: counts.quantile(0.50),
            p95_ns: counts.quantile(0.95),
            p99_ns: counts.quantile(0.99),
            p999_ns: counts.quantile(0.999),
            max_ns: counts.max,
            mean_ns: mean,
            cache_hits: cache.as_ref().map(|c| c.hits),
            cache_misses: cache.as_ref().map(|c| c.misses + c.stale_misses),
            cache_stale: cache.as_ref().map(|c| c.stale_misses),
            cache_coalesced: cache.as_ref().map(|c| c.coalesced),
            counts,
        }
    }

    /// Cache hits over calls that consulted the cache, when the method is cached.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// for m in db.metrics().snapshot().methods {
    ///     if let Some(rate) = m.hit_rate() { println!("{}: {:.1}%", m.name, 100.0 * rate); }
    /// }
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn hit_rate(&self) -> Option<f64> {
        let (hits, misses) = (self.cache_hits?, self.cache_misses?);
        let calls = hits + misses + self.cache_coalesced.unwrap_or(0);
        (calls > 0).then(|| hits as f64 / calls as f64)
    }

    /// The value at any quantile in `[0, 1]`.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// for m in db.metrics().snapshot().methods {
    ///     println!("{} p90 = {:?}", m.name, m.quantile(0.9));
    /// }
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn quantile(&self, q: f64) -> Duration {
        Duration::from_nanos(self.counts.quantile(q))
    }
}

impl MetricsSnapshot {
    /// What happened between `earlier` and this snapshot: calls, errors and latency percentiles
    /// of the calls in between (exact deltas of the histograms), cache counters likewise. The
    /// maximum is this snapshot's (a maximum has no delta). Statement and pool fields are this
    /// snapshot's.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// let a = db.metrics().snapshot();
    /// let b = db.metrics().snapshot();
    /// assert!(b.since(&a).methods.iter().all(|m| m.calls == 0));
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn since(&self, earlier: &MetricsSnapshot) -> MetricsSnapshot {
        let methods = self
            .methods
            .iter()
            .map(|m| {
                let before = earlier.methods.iter().find(|e| e.name == m.name);
                let counts = match before {
                    Some(b) => m.counts.since(&b.counts),
                    None => m.counts.clone(),
                };
                let minus = |now: Option<u64>, then: Option<u64>| {
                    now.map(|n| n.saturating_sub(then.unwrap_or(0)))
                };
                let mut delta = MethodMetrics::new(
                    &m.name,
                    m.errors.saturating_sub(before.map_or(0, |b| b.errors)),
                    counts,
                    None,
                );
                delta.cache_hits = minus(m.cache_hits, before.and_then(|b| b.cache_hits));
                delta.cache_misses = minus(m.cache_misses, before.and_then(|b| b.cache_misses));
                delta.cache_stale = minus(m.cache_stale, before.and_then(|b| b.cache_stale));
                delta.cache_coalesced =
                    minus(m.cache_coalesced, before.and_then(|b| b.cache_coalesced));
                delta
            })
            .collect();
        MetricsSnapshot {
            methods,
            statements: self.statements.clone(),
            pool: self.pool.clone(),
        }
    }
}

/// `1.23µs`, `45.6ms`: three significant digits.
fn human(nanos: u64) -> String {
    let n = nanos as f64;
    match nanos {
        0..=999 => format!("{nanos}ns"),
        1_000..=999_999 => format!("{:.2}µs", n / 1e3),
        1_000_000..=999_999_999 => format!("{:.2}ms", n / 1e6),
        _ => format!("{:.2}s", n / 1e9),
    }
}

impl fmt::Display for MetricsSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = crate::util::table::first_column_width(
            "method",
            self.methods.iter().map(|m| m.name.as_str()),
        );
        write!(
            f,
            "{:<width$}  {:>9}  {:>6}  {:>8}  {:>9}  {:>9}  {:>9}  {:>9}",
            "method", "calls", "errors", "hit rate", "p50", "p95", "p99", "max"
        )?;
        for m in &self.methods {
            let rate = m
                .hit_rate()
                .map_or_else(|| "-".to_owned(), |r| format!("{:.1}%", 100.0 * r));
            write!(
                f,
                "\n{:<width$}  {:>9}  {:>6}  {:>8}  {:>9}  {:>9}  {:>9}  {:>9}",
                m.name,
                m.calls,
                m.errors,
                rate,
                human(m.p50_ns),
                human(m.p95_ns),
                human(m.p99_ns),
                human(m.max_ns)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::histogram::LatencyHistogram;

    fn method(name: &str, values: &[u64], errors: u64, cache: Option<(u64, u64)>) -> MethodMetrics {
        let h = LatencyHistogram::default();
        values.iter().for_each(|&v| h.record_nanos(v));
        let cache = cache.map(|(hits, misses)| MethodCacheStats {
            name: name.to_owned(),
            hits,
            misses,
            stale_misses: 0,
            coalesced: 0,
            inserts: misses,
            evicted_by_size: 0,
            expired: 0,
            entries: misses,
            weighted_size: misses,
        });
        MethodMetrics::new(name, errors, h.snapshot(), cache)
    }

    #[test]
    fn display_is_an_aligned_table() {
        let snapshot = MetricsSnapshot {
            methods: vec![
                method(
                    "Store::episode",
                    &[300, 310, 2_400, 2_500_000],
                    0,
                    Some((3, 1)),
                ),
                method("Store::insert_episodes", &[5_900_000], 1, None),
            ],
            statements: StatementStats::empty(),
            pool: PoolStats::empty(),
        };
        let expected = "\
method                      calls  errors  hit rate        p50        p95        p99        max
Store::episode                  4       0     75.0%      310ns     2.50ms     2.50ms     2.50ms
Store::insert_episodes          1       1         -     5.90ms     5.90ms     5.90ms     5.90ms";
        assert_eq!(snapshot.to_string(), expected);
    }
}
