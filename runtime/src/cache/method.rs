//! The result cache of one `#[cached_query]` method on one `Db`: a moka cache keyed by the
//! method's (key) arguments, whose entries carry the generation stamp they were read under.

use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::notification::RemovalCause;
use moka::Expiry;

use super::adaptive::{AdaptiveTtl, Reads};
use crate::conn::generations::Dependencies;

/// How long entries live.
#[derive(Debug, Clone, Copy, PartialEq)]
///
/// ```
/// let fixed = larder::Ttl::Fixed(std::time::Duration::from_secs(30));
/// assert_ne!(fixed, larder::Ttl::Adaptive(larder::AdaptiveTtl::default()));
/// ```
pub enum Ttl {
    /// Recomputed on every read (see [`AdaptiveTtl`]).
    Adaptive(AdaptiveTtl),
    /// The same for every entry, from its creation.
    Fixed(Duration),
}

/// The settings of one cached method: adaptive TTL, at most 10 000 entries, no byte bound, unless
/// changed with the `with_*` methods (`#[cached_query(...)]` calls them). Fields can be read; new
/// ones may be added, so it is built from [`CacheConfig::DEFAULT`].
///
/// ```
/// let config = larder::CacheConfig::default().with_max_entries(500);
/// assert_eq!((config.max_entries, config.max_bytes), (500, None));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CacheConfig {
    /// Expiry policy.
    pub ttl: Ttl,
    /// Most entries kept.
    pub max_entries: u64,
    /// Most approximate bytes kept (see [`Weigh`](crate::Weigh)); `None` = no byte bound.
    pub max_bytes: Option<u64>,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig::DEFAULT
    }
}

impl CacheConfig {
    /// The defaults: [`AdaptiveTtl::DEFAULT`], 10 000 entries, no byte bound. The one definition
    /// of them: the macros start from it and change only what the attribute names.
    pub const DEFAULT: CacheConfig = CacheConfig {
        ttl: Ttl::Adaptive(AdaptiveTtl::DEFAULT),
        max_entries: 10_000,
        max_bytes: None,
    };

    /// With another expiry policy.
    ///
    /// ```
    /// let fixed = larder::Ttl::Fixed(std::time::Duration::from_secs(30));
    /// assert_eq!(larder::CacheConfig::DEFAULT.with_ttl(fixed).ttl, fixed);
    /// ```
    #[must_use]
    pub const fn with_ttl(mut self, ttl: Ttl) -> Self {
        self.ttl = ttl;
        self
    }

    /// With another bound on the number of entries.
    ///
    /// ```
    /// assert_eq!(larder::CacheConfig::DEFAULT.with_max_entries(5).max_entries, 5);
    /// ```
    #[must_use]
    pub const fn with_max_entries(mut self, max_entries: u64) -> Self {
        self.max_entries = max_entries;
        self
    }

    /// Bounded by approximate bytes (see [`Weigh`](crate::Weigh)).
    ///
    /// ```
    /// assert_eq!(larder::CacheConfig::DEFAULT.with_max_bytes(1 << 20).max_bytes, Some(1 << 20));
    /// ```
    #[must_use]
    pub const fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = Some(max_bytes);
        self
    }

    /// Whether the settings can be used: an adaptive TTL's `min` is not longer than its `max`.
    /// The macros assert it at compile time, under the attribute (`__private::check_cache_config`).
    pub(crate) const fn validity(&self) -> crate::types::columns::ConstCheck {
        match self.ttl {
            Ttl::Adaptive(a) if a.min.as_nanos() > a.max.as_nanos() => crate::types::columns::message(&[
                "`ttl_adaptive`: `min` is longer than `max` (the defaults are base 5m, min 1m, \
                 max 1h); shorten `min` or lengthen `max`",
            ]),
            _ => crate::types::columns::ConstCheck::FITS,
        }
    }
}

/// One cached value with what validates it.
pub(crate) struct Entry<V> {
    pub(crate) value: V,
    /// The generation stamp taken before the query that produced `value` ran.
    pub(crate) stamp: u64,
    /// Whether the query found what it looked for (decides which stamp applies, see
    /// `generations`).
    pub(crate) found: bool,
    reads: Reads,
    weight: u32,
    /// When the value was read from the database (for `max_staleness`).
    created: Instant,
}

/// Counters of one method cache.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) hits: AtomicU64,
    pub(crate) misses: AtomicU64,
    pub(crate) stale: AtomicU64,
    pub(crate) inserts: AtomicU64,
    pub(crate) evicted_size: AtomicU64,
    pub(crate) evicted_expired: AtomicU64,
}

pub(crate) struct MethodCache<K, V> {
    pub(crate) cache: moka::future::Cache<K, Arc<Entry<V>>>,
    pub(crate) deps: Dependencies,
    pub(crate) counters: Arc<Counters>,
    epoch: Instant,
}

struct Expire {
    ttl: Ttl,
    epoch: Instant,
    max_staleness: Option<Duration>,
}

impl Expire {
    /// `ttl`, cut so that the entry expires before it is older than `max_staleness`.
    fn bounded<V>(&self, ttl: Duration, entry: &Entry<V>, now: Instant) -> Duration {
        match self.max_staleness {
            Some(max) => ttl.min(max.saturating_sub(now.saturating_duration_since(entry.created))),
            None => ttl,
        }
    }
}

impl<K, V> Expiry<K, Arc<Entry<V>>> for Expire {
    fn expire_after_create(&self, _: &K, entry: &Arc<Entry<V>>, now: Instant) -> Option<Duration> {
        let ttl = match self.ttl {
            Ttl::Adaptive(a) => a.base,
            Ttl::Fixed(d) => d,
        };
        Some(self.bounded(ttl, entry, now))
    }

    fn expire_after_read(
        &self,
        _: &K,
        entry: &Arc<Entry<V>>,
        read_at: Instant,
        remaining: Option<Duration>,
        _: Instant,
    ) -> Option<Duration> {
        match self.ttl {
            Ttl::Adaptive(a) => {
                let (reads, since) = entry.reads.record(self.epoch, read_at, &a);
                Some(self.bounded(a.ttl_after_read(reads, since), entry, read_at))
            }
            Ttl::Fixed(_) => remaining,
        }
    }
}

impl<K, V> MethodCache<K, V>
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub(crate) fn new(
        config: CacheConfig,
        deps: Dependencies,
        max_staleness: Option<Duration>,
    ) -> Self {
        let counters = Arc::new(Counters::default());
        let epoch = Instant::now();
        let listener_counters = Arc::clone(&counters);
        let mut builder = moka::future::Cache::builder()
            .expire_after(Expire {
                ttl: config.ttl,
                epoch,
                max_staleness,
            })
            .eviction_listener(move |_key, _value, cause| match cause {
                RemovalCause::Size => {
                    listener_counters.evicted_size.fetch_add(1, Relaxed);
                }
                RemovalCause::Expired => {
                    listener_counters.evicted_expired.fetch_add(1, Relaxed);
                }
                RemovalCause::Explicit | RemovalCause::Replaced => {}
            });
        builder = match config.max_bytes {
            Some(bytes) => builder
                .weigher(|_k, e: &Arc<Entry<V>>| e.weight)
                .max_capacity(bytes),
            None => builder.max_capacity(config.max_entries),
        };
        MethodCache {
            cache: builder.build(),
            deps,
            counters,
            epoch,
        }
    }

    pub(crate) fn entry(&self, value: V, stamp: u64, found: bool, weight: u32) -> Arc<Entry<V>> {
        let now = Instant::now();
        Arc::new(Entry {
            created: now,
            value,
            stamp,
            found,
            reads: Reads::new(self.epoch, now),
            weight,
        })
    }

    /// The expiry policy, for tests that drive it with their own clock.
    #[cfg(test)]
    fn expiry(&self, ttl: Ttl, max_staleness: Option<Duration>) -> Expire {
        Expire {
            ttl,
            epoch: self.epoch,
            max_staleness,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives the real `Expiry` implementation with synthetic instants: a hot key (read every
    /// second) climbs toward `max`, a cold key (read every few minutes) stays near `min`.
    #[test]
    fn adaptive_expiry_grows_for_hot_keys_and_stays_low_for_cold_ones() {
        let cache: MethodCache<u32, u32> =
            MethodCache::new(CacheConfig::default(), Dependencies::Anything, None);
        let expiry = cache.expiry(CacheConfig::default().ttl, None);
        let t = AdaptiveTtl::default();
        let start = Instant::now();
        let hot = cache.entry(1, 0, true, 1);
        let cold = cache.entry(2, 0, true, 1);
        assert_eq!(
            Expiry::<u32, _>::expire_after_create(&expiry, &1, &hot, start),
            Some(t.base)
        );

        let mut hot_ttl = Duration::ZERO;
        for s in 1..=200 {
            let at = start + Duration::from_secs(s);
            hot_ttl = Expiry::<u32, _>::expire_after_read(&expiry, &1, &hot, at, None, start)
                .unwrap_or_default();
        }
        let mut cold_ttl = Duration::ZERO;
        for m in 1..=5 {
            let at = start + Duration::from_secs(240 * m);
            cold_ttl = Expiry::<u32, _>::expire_after_read(&expiry, &2, &cold, at, None, start)
                .unwrap_or_default();
        }
        assert!(hot_ttl >= t.max.mul_f64(0.9), "hot key: {hot_ttl:?}");
        assert!(
            cold_ttl < t.min * 2 && cold_ttl < t.base,
            "cold key: {cold_ttl:?}"
        );
    }

    /// `max_staleness` cuts every TTL to what is left of the bound since the value was read.
    #[test]
    fn max_staleness_bounds_the_age_of_every_entry() {
        let max = Duration::from_secs(10);
        let cache: MethodCache<u32, u32> =
            MethodCache::new(CacheConfig::default(), Dependencies::Anything, Some(max));
        let expiry = cache.expiry(CacheConfig::default().ttl, Some(max));
        let entry = cache.entry(1, 0, true, 1);
        let start = entry.created;
        assert_eq!(
            Expiry::<u32, _>::expire_after_create(&expiry, &1, &entry, start),
            Some(max),
            "the base TTL (300 s) is cut to the bound"
        );
        let mut last = Duration::MAX;
        for s in 1..=9 {
            let at = start + Duration::from_secs(s);
            let ttl = Expiry::<u32, _>::expire_after_read(&expiry, &1, &entry, at, None, start)
                .unwrap_or_default();
            assert_eq!(
                ttl,
                max - Duration::from_secs(s),
                "hot reads cannot extend it"
            );
            assert!(ttl < last);
            last = ttl;
        }
        let late = start + Duration::from_secs(60);
        assert_eq!(
            Expiry::<u32, _>::expire_after_read(&expiry, &1, &entry, late, None, start),
            Some(Duration::ZERO)
        );
        let fixed = cache.expiry(Ttl::Fixed(Duration::from_secs(3)), Some(max));
        assert_eq!(
            Expiry::<u32, _>::expire_after_create(&fixed, &1, &entry, start),
            Some(Duration::from_secs(3)),
            "a shorter TTL stands"
        );
    }
}
