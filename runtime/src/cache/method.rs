//! The result cache of one `#[cached_query]` method on one `Db`: a moka cache keyed by the
//! method's (key) arguments, whose entries carry the generation stamp they were read under.

use std::hash::Hash;
use std::sync::atomic::{
    AtomicU64,
    Ordering::{Relaxed, SeqCst},
};
use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::notification::RemovalCause;
use moka::Expiry;

use super::adaptive::{AdaptiveTtl, Reads};
use arc_swap::ArcSwap;

use crate::conn::generations::{Dependencies, MethodGenerations};
use crate::conn::learn::ReadSet;

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
            Ttl::Adaptive(a) if a.base.is_zero() || a.max.is_zero() => crate::types::columns::message(&[
                "`ttl_adaptive`: a zero `base` or `max` makes every entry expire as it is stored, \
                 so the cache would never hit; give them a length",
            ]),
            Ttl::Fixed(d) if d.is_zero() => crate::types::columns::message(&[
                "`ttl` is zero: every entry would expire as it is stored, so the cache would \
                 never hit; give it a length",
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
    /// The version of the method's dependencies the stamp was taken with (see [`MethodDeps`]).
    pub(crate) version: u64,
    /// Whether the query found what it looked for (decides which stamp applies, see
    /// `generations`).
    pub(crate) found: bool,
    reads: Reads,
    weight: u32,
    /// When the value was read from the database (for `max_staleness`).
    created: Instant,
    /// The method's keyed-invalidation counter when the load started, moved forward once an
    /// entry is known not to be affected by the invalidations since (see [`KeyedLog`]).
    keyed: AtomicU64,
    /// Its number among the method's entries, in the order they were made: a call that finds an
    /// entry numbered after [`MethodCache::loads_now`] at its start waited for a concurrent load.
    pub(crate) loaded: u64,
}

/// The last keyed invalidations of one method (`#[invalidates(method(key))]`), by key hash. An
/// entry whose load started before one of them for its key is stale — also one stored *after*
/// the invalidation removed the key, by a load that read before it.
#[derive(Default)]
struct KeyedLog {
    /// (sequence number, key hash), oldest first, at most [`KeyedLog::CAPACITY`].
    recent: std::collections::VecDeque<(u64, u64)>,
}

impl KeyedLog {
    const CAPACITY: usize = 1024;
}

fn key_hash<K: Hash>(key: &K) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(key)
}

/// Counters of one method cache.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) hits: AtomicU64,
    pub(crate) misses: AtomicU64,
    pub(crate) stale: AtomicU64,
    pub(crate) coalesced: AtomicU64,
    pub(crate) inserts: AtomicU64,
    pub(crate) evicted_size: AtomicU64,
    pub(crate) evicted_expired: AtomicU64,
}

/// What one method's entries depend on, as derived at one schema counter.
#[derive(Debug)]
pub(crate) struct MethodDeps {
    pub(crate) deps: Dependencies,
    /// Entries stamped under other dependencies are never served: a new version per derivation.
    pub(crate) version: u64,
    /// The schema counter they were derived under (see `Generations::schema`).
    pub(crate) schema: u64,
    /// What the engine recorded the query reading, when they were derived from that; a load
    /// that reads something else does not store its value.
    pub(crate) learned: Option<ReadSet>,
    /// Derived and usable; `false` until the query ran once where the engine can say what it
    /// reads.
    pub(crate) settled: bool,
}

pub(crate) struct MethodCache<K, V> {
    pub(crate) cache: moka::future::Cache<K, Arc<Entry<V>>>,
    pub(crate) deps: ArcSwap<MethodDeps>,
    /// Moved by `#[invalidates]`.
    pub(crate) generations: Arc<MethodGenerations>,
    pub(crate) counters: Arc<Counters>,
    /// Keyed invalidations so far (their sequence numbers), and the last ones.
    keyed: AtomicU64,
    keyed_log: std::sync::Mutex<KeyedLog>,
    /// Entries made so far (see [`Entry::loaded`]).
    loads: AtomicU64,
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
        deps: MethodDeps,
        generations: Arc<MethodGenerations>,
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
            deps: ArcSwap::from_pointee(deps),
            generations,
            counters,
            keyed: AtomicU64::new(0),
            keyed_log: std::sync::Mutex::default(),
            loads: AtomicU64::new(0),
            epoch,
        }
    }

    fn keyed_log(&self) -> std::sync::MutexGuard<'_, KeyedLog> {
        self.keyed_log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The keyed-invalidation counter, for a load about to start.
    pub(crate) fn keyed_now(&self) -> u64 {
        self.keyed.load(SeqCst)
    }

    /// `#[invalidates(method(key))]`: the entry of `key` is stale, and so is any entry for it
    /// that a load which started before now stores later.
    pub(crate) async fn invalidate_key(&self, key: &K) {
        let hash = key_hash(key);
        {
            let mut log = self.keyed_log();
            let seq = self.keyed.fetch_add(1, SeqCst) + 1;
            log.recent.push_back((seq, hash));
            if log.recent.len() > KeyedLog::CAPACITY {
                log.recent.pop_front();
            }
        }
        self.cache.invalidate(key).await;
    }

    /// Whether no keyed invalidation since `entry`'s load started was for `key`.
    pub(crate) fn unaffected(&self, key: &K, entry: &Entry<V>) -> bool {
        let start = entry.keyed.load(Relaxed);
        if start == self.keyed.load(SeqCst) {
            return true;
        }
        let log = self.keyed_log();
        let now = self.keyed.load(SeqCst);
        // Invalidations `start + 1 ..= now` are the ones to look at; all must still be logged.
        let complete = log
            .recent
            .front()
            .is_some_and(|(oldest, _)| *oldest <= start + 1);
        let hash = key_hash(key);
        let affected = !complete || log.recent.iter().any(|(seq, h)| *seq > start && *h == hash);
        if !affected {
            entry.keyed.store(now, Relaxed);
        }
        !affected
    }

    pub(crate) fn entry(
        &self,
        value: V,
        (stamp, version): (u64, u64),
        found: bool,
        weight: u32,
        keyed: u64,
    ) -> Arc<Entry<V>> {
        let now = Instant::now();
        Arc::new(Entry {
            created: now,
            value,
            stamp,
            version,
            found,
            reads: Reads::new(self.epoch, now),
            weight,
            keyed: AtomicU64::new(keyed),
            loaded: self.loads.fetch_add(1, SeqCst) + 1,
        })
    }

    /// Entries made so far: read when a call starts (see [`Entry::loaded`]).
    pub(crate) fn loads_now(&self) -> u64 {
        self.loads.load(SeqCst)
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

    fn anything() -> MethodDeps {
        MethodDeps {
            deps: Dependencies::Anything,
            version: 0,
            schema: 0,
            learned: None,
            settled: true,
        }
    }

    /// Drives the real `Expiry` implementation with synthetic instants: a hot key (read every
    /// second) climbs toward `max`, a cold key (read every few minutes) stays near `min`.
    #[test]
    fn adaptive_expiry_grows_for_hot_keys_and_stays_low_for_cold_ones() {
        let cache: MethodCache<u32, u32> =
            MethodCache::new(CacheConfig::default(), anything(), Default::default(), None);
        let expiry = cache.expiry(CacheConfig::default().ttl, None);
        let t = AdaptiveTtl::default();
        let start = Instant::now();
        let hot = cache.entry(1, (0, 0), true, 1, 0);
        let cold = cache.entry(2, (0, 0), true, 1, 0);
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
        let cache: MethodCache<u32, u32> = MethodCache::new(
            CacheConfig::default(),
            anything(),
            Default::default(),
            Some(max),
        );
        let expiry = cache.expiry(CacheConfig::default().ttl, Some(max));
        let entry = cache.entry(1, (0, 0), true, 1, 0);
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
