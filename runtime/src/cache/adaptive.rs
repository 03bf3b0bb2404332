//! Adaptive time-to-live: every read recomputes how long an entry stays, from how often and how
//! recently it is read, within `[min, max]`.
//!
//! On creation an entry lives `base`. On each read, with `Δ` the time since the previous read (or
//! since creation):
//!
//! ```text
//! n       = n · exp(−Δ / base) + 1              reads, each fading with age (n starts at 0)
//! access  = min(1, n / saturation)              saturation = 100 reads
//! recency = exp(−Δ / (min / 10))                1 when read again at once, ~0 after min/2
//! score   = access_weight · access + recency_weight · recency        (0.6 and 0.4)
//! ttl     = min + score · (max − min)                                 clamped to [min, max]
//! ```
//!
//! A key read every second climbs toward `max` (n settles near base / 1 s = 300); a key read every
//! few minutes stays near `min` (n settles below 2); one never read again expires after `base`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The parameters of the adaptive TTL: base 300 s, min 60 s, max 3600 s, weights 0.6 / 0.4 unless
/// changed with the `with_*` methods (`#[cached_query(ttl_adaptive(...))]` calls them). Fields
/// can be read; new ones may be added, so it is built from [`AdaptiveTtl::DEFAULT`].
///
/// ```
/// use std::time::Duration;
/// let ttl = larder::AdaptiveTtl::default().with_min(Duration::from_secs(10));
/// assert_eq!((ttl.base, ttl.min), (Duration::from_secs(300), Duration::from_secs(10)));
/// assert!(ttl.ttl_after_read(1.0, Duration::from_secs(600)) < Duration::from_secs(90));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct AdaptiveTtl {
    /// Time to live of a new entry.
    pub base: Duration,
    /// Shortest time to live after a read.
    pub min: Duration,
    /// Longest time to live after a read.
    pub max: Duration,
    /// Weight of the access count.
    pub access_weight: f64,
    /// Weight of the recency.
    pub recency_weight: f64,
}

/// Reads after which the access factor is 1.
const SATURATION: f64 = 100.0;

impl Default for AdaptiveTtl {
    fn default() -> Self {
        AdaptiveTtl::DEFAULT
    }
}

impl AdaptiveTtl {
    /// The defaults: base 300 s, min 60 s, max 3600 s, access weight 0.6, recency weight 0.4. The
    /// one definition of them: the macros start from it and change only what the attribute names.
    pub const DEFAULT: AdaptiveTtl = AdaptiveTtl {
        base: Duration::from_secs(300),
        min: Duration::from_secs(60),
        max: Duration::from_secs(3600),
        access_weight: 0.6,
        recency_weight: 0.4,
    };

    /// With another time to live for new entries.
    ///
    /// ```
    /// let ttl = larder::AdaptiveTtl::DEFAULT.with_base(std::time::Duration::from_secs(60));
    /// assert_eq!(ttl.base.as_secs(), 60);
    /// ```
    #[must_use]
    pub const fn with_base(mut self, base: Duration) -> Self {
        self.base = base;
        self
    }

    /// With another shortest time to live after a read.
    ///
    /// ```
    /// let ttl = larder::AdaptiveTtl::DEFAULT.with_min(std::time::Duration::from_secs(1));
    /// assert_eq!(ttl.min.as_secs(), 1);
    /// ```
    #[must_use]
    pub const fn with_min(mut self, min: Duration) -> Self {
        self.min = min;
        self
    }

    /// With another longest time to live after a read.
    ///
    /// ```
    /// let ttl = larder::AdaptiveTtl::DEFAULT.with_max(std::time::Duration::from_secs(7200));
    /// assert_eq!(ttl.max.as_secs(), 7200);
    /// ```
    #[must_use]
    pub const fn with_max(mut self, max: Duration) -> Self {
        self.max = max;
        self
    }

    /// With another weight of the access count (0.0 to 1.0).
    ///
    /// ```
    /// let ttl = larder::AdaptiveTtl::DEFAULT.with_access_weight(0.9);
    /// assert_eq!(ttl.access_weight, 0.9);
    /// ```
    #[must_use]
    pub const fn with_access_weight(mut self, weight: f64) -> Self {
        self.access_weight = weight;
        self
    }

    /// With another weight of the recency (0.0 to 1.0).
    ///
    /// ```
    /// let ttl = larder::AdaptiveTtl::DEFAULT.with_recency_weight(0.1);
    /// assert_eq!(ttl.recency_weight, 0.1);
    /// ```
    #[must_use]
    pub const fn with_recency_weight(mut self, weight: f64) -> Self {
        self.recency_weight = weight;
        self
    }

    /// The faded read count after a read `since` the previous one, from the count `previous`
    /// before it: `previous · exp(−since / base) + 1`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let ttl = larder::AdaptiveTtl::default();
    /// assert_eq!(ttl.faded_reads(0.0, Duration::ZERO), 1.0);
    /// assert!(ttl.faded_reads(10.0, Duration::from_secs(3000)) < 1.001);
    /// ```
    pub fn faded_reads(&self, previous: f64, since: Duration) -> f64 {
        let fading = (-since.as_secs_f64() / self.base.as_secs_f64().max(f64::MIN_POSITIVE)).exp();
        previous * fading + 1.0
    }

    /// The time to live after a read, given the faded read count `reads` (this read included)
    /// and the time since the previous read.
    ///
    /// ```
    /// use std::time::Duration;
    /// let ttl = larder::AdaptiveTtl::default();
    /// let hot = ttl.ttl_after_read(300.0, Duration::from_secs(1));
    /// let cold = ttl.ttl_after_read(1.8, Duration::from_secs(240));
    /// assert!(hot > Duration::from_secs(3000) && cold < Duration::from_secs(120));
    /// ```
    pub fn ttl_after_read(&self, reads: f64, since_previous: Duration) -> Duration {
        let access = (reads / SATURATION).clamp(0.0, 1.0);
        let window = (self.min.as_secs_f64() / 10.0).max(f64::MIN_POSITIVE);
        let recency = (-since_previous.as_secs_f64() / window).exp();
        let score = (self.access_weight * access + self.recency_weight * recency).clamp(0.0, 1.0);
        let span = self.max.saturating_sub(self.min);
        (self.min + span.mul_f64(score)).clamp(self.min, self.max.max(self.min))
    }
}

/// Read statistics kept in each entry for the adaptive TTL.
#[derive(Debug)]
pub(crate) struct Reads {
    /// The faded read count, as `f64` bits.
    count: AtomicU64,
    /// Nanoseconds since `epoch` of the last read (or creation).
    last: AtomicU64,
}

impl Reads {
    pub(crate) fn new(epoch: Instant, now: Instant) -> Reads {
        Reads {
            count: AtomicU64::new(0f64.to_bits()),
            last: AtomicU64::new(nanos_since(epoch, now)),
        }
    }

    /// Counts a read at `now` (see [`AdaptiveTtl::faded_reads`]); returns the faded count and the
    /// time since the previous read. Two reads racing may count once: an estimate either way.
    pub(crate) fn record(
        &self,
        epoch: Instant,
        now: Instant,
        ttl: &AdaptiveTtl,
    ) -> (f64, Duration) {
        let now = nanos_since(epoch, now);
        let previous = self.last.swap(now, Ordering::Relaxed);
        let since = Duration::from_nanos(now.saturating_sub(previous));
        let count = ttl.faded_reads(f64::from_bits(self.count.load(Ordering::Relaxed)), since);
        self.count.store(count.to_bits(), Ordering::Relaxed);
        (count, since)
    }
}

fn nanos_since(epoch: Instant, now: Instant) -> u64 {
    u64::try_from(now.saturating_duration_since(epoch).as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_within_bounds_and_orders_hot_above_cold() {
        let t = AdaptiveTtl::default();
        for reads in [1.0, 2.0, 10.0, 100.0, 10_000.0] {
            for secs in [0, 1, 30, 600, 100_000] {
                let ttl = t.ttl_after_read(reads, Duration::from_secs(secs));
                assert!(ttl >= t.min && ttl <= t.max, "{reads} {secs}: {ttl:?}");
            }
        }
        assert!(t.ttl_after_read(100.0, Duration::ZERO) == t.max);
        assert!(
            t.ttl_after_read(50.0, Duration::from_secs(1))
                > t.ttl_after_read(5.0, Duration::from_secs(1))
        );
        assert!(
            t.ttl_after_read(5.0, Duration::from_secs(1))
                > t.ttl_after_read(5.0, Duration::from_secs(30))
        );
    }
}
