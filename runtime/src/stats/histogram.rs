//! A latency histogram with fixed memory and lock-free recording.
//!
//! Log-linear buckets: values below 64 ns have a bucket each; above, every power of two is split
//! into 64 equal buckets. A value is reported as the middle of its bucket, so the relative error
//! of any percentile is at most 1/128 < 0.8 %. Values up to 2^36 ns (68 s) are bucketed; longer
//! ones land in the last bucket (the maximum is kept exactly). Memory: 1 984 buckets × 8 bytes =
//! 15.5 KiB per histogram, whatever the number of records.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

const SUB_BITS: u32 = 6;
const SUB: u64 = 1 << SUB_BITS;
const MAX_BITS: u32 = 36;
/// Number of buckets.
pub(crate) const BUCKETS: usize = (SUB + (MAX_BITS - SUB_BITS) as u64 * SUB) as usize;

/// Bytes of one histogram's counters.
///
/// ```
/// assert_eq!(larder::HISTOGRAM_BYTES, 15_872);
/// ```
pub const HISTOGRAM_BYTES: usize = BUCKETS * std::mem::size_of::<u64>();

fn index(value: u64) -> usize {
    if value < SUB {
        return value as usize;
    }
    let bits = 64 - value.leading_zeros(); // value in [2^(bits-1), 2^bits)
    if bits > MAX_BITS {
        return BUCKETS - 1;
    }
    let shift = bits - 1 - SUB_BITS;
    let sub = (value >> shift) & (SUB - 1);
    (SUB + u64::from(shift) * SUB + sub) as usize
}

/// The smallest value of bucket `i` and its width.
fn bounds(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < SUB {
        return (i, 1);
    }
    let shift = (i - SUB) / SUB;
    let sub = (i - SUB) % SUB;
    let width = 1u64 << shift;
    ((SUB + sub) << shift, width)
}

/// A latency histogram: fixed memory ([`HISTOGRAM_BYTES`](crate::HISTOGRAM_BYTES)), lock-free
/// recording (atomic adds only), percentiles within 0.8 %. Every timed method has one; it is
/// public for code that wants to measure something else the same way.
///
/// ```
/// let h = larder::LatencyHistogram::default();
/// for micros in 1..=100 {
///     h.record(std::time::Duration::from_micros(micros));
/// }
/// assert_eq!(h.count(), 100);
/// let p50 = h.quantile(0.5).as_micros();
/// assert!((49..=51).contains(&p50));
/// ```
pub struct LatencyHistogram {
    counts: Box<[AtomicU64]>,
    count: AtomicU64,
    sum: AtomicU64,
    max: AtomicU64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        LatencyHistogram {
            counts: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum: AtomicU64::new(0),
            max: AtomicU64::new(0),
        }
    }
}

impl LatencyHistogram {
    /// Records one duration.
    ///
    /// ```
    /// let h = larder::LatencyHistogram::default();
    /// h.record(std::time::Duration::from_micros(3));
    /// assert_eq!(h.count(), 1);
    /// ```
    pub fn record(&self, latency: std::time::Duration) {
        self.record_nanos(u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX));
    }

    /// Records one duration given in nanoseconds.
    ///
    /// ```
    /// let h = larder::LatencyHistogram::default();
    /// h.record_nanos(3_000);
    /// assert_eq!(h.count(), 1);
    /// ```
    pub fn record_nanos(&self, nanos: u64) {
        self.counts[index(nanos)].fetch_add(1, Relaxed);
        self.count.fetch_add(1, Relaxed);
        self.sum.fetch_add(nanos, Relaxed);
        self.max.fetch_max(nanos, Relaxed);
    }

    /// A copy of the counters (each read once; records racing with the copy land in it or not).
    pub(crate) fn snapshot(&self) -> Counts {
        Counts {
            buckets: self.counts.iter().map(|c| c.load(Relaxed)).collect(),
            count: self.count.load(Relaxed),
            sum: self.sum.load(Relaxed),
            max: self.max.load(Relaxed),
        }
    }

    /// Records so far.
    ///
    /// ```
    /// let h = larder::LatencyHistogram::default();
    /// assert_eq!(h.count(), 0);
    /// ```
    pub fn count(&self) -> u64 {
        self.count.load(Relaxed)
    }

    /// The latency at quantile `q` in `[0, 1]` (zero when empty).
    ///
    /// ```
    /// let h = larder::LatencyHistogram::default();
    /// h.record_nanos(1_000);
    /// assert_eq!(h.quantile(0.5).as_nanos(), 1_000);
    /// ```
    pub fn quantile(&self, q: f64) -> std::time::Duration {
        std::time::Duration::from_nanos(self.snapshot().quantile(q))
    }

    pub(crate) fn reset(&self) {
        self.counts.iter().for_each(|c| c.store(0, Relaxed));
        self.count.store(0, Relaxed);
        self.sum.store(0, Relaxed);
        self.max.store(0, Relaxed);
    }
}

/// Frozen histogram counters, for percentiles and deltas.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Counts {
    buckets: Vec<u64>,
    pub(crate) count: u64,
    pub(crate) sum: u64,
    pub(crate) max: u64,
}

impl Counts {
    /// The value at quantile `q` in `[0, 1]` (nanoseconds), `0` when empty.
    pub(crate) fn quantile(&self, q: f64) -> u64 {
        if self.count == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &n) in self.buckets.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let (low, width) = bounds(i);
                let middle = low + width / 2;
                return if i == BUCKETS - 1 {
                    self.max
                } else {
                    middle.min(self.max)
                };
            }
        }
        self.max
    }

    /// Counts recorded since `earlier` (the maximum is the later one's: a maximum has no delta).
    pub(crate) fn since(&self, earlier: &Counts) -> Counts {
        Counts {
            buckets: self
                .buckets
                .iter()
                .zip(earlier.buckets.iter().chain(std::iter::repeat(&0)))
                .map(|(a, b)| a.saturating_sub(*b))
                .collect(),
            count: self.count.saturating_sub(earlier.count),
            sum: self.sum.saturating_sub(earlier.sum),
            max: self.max,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_falls_in_its_bucket() {
        for v in (0..10_000u64)
            .chain((0..40).map(|s| (1u64 << s) + 12345))
            .chain([u64::MAX])
        {
            let i = index(v);
            let (low, width) = bounds(i);
            if i < BUCKETS - 1 {
                assert!(
                    low <= v && v < low + width,
                    "{v}: bucket {i} = [{low}, {})",
                    low + width
                );
                // Relative error of the middle under 1/128.
                let middle = (low + width / 2) as f64;
                assert!((middle - v as f64).abs() <= v as f64 / 128.0 + 0.5, "{v}");
            }
        }
        assert_eq!(BUCKETS, 1984);
    }
}

#[cfg(test)]
mod accuracy {
    use super::*;

    /// xorshift64*: the same samples on every run.
    struct Rng(u64);

    impl Rng {
        fn unit(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn check(name: &str, samples: Vec<u64>) {
        let h = LatencyHistogram::default();
        samples.iter().for_each(|&v| h.record_nanos(v));
        let counts = h.snapshot();
        let mut sorted = samples;
        sorted.sort_unstable();
        for q in [0.5, 0.95, 0.99, 0.999] {
            let exact = sorted[((q * sorted.len() as f64).ceil() as usize).max(1) - 1] as f64;
            let estimate = counts.quantile(q) as f64;
            let error = (estimate - exact).abs() / exact.max(1.0);
            assert!(
                error <= 0.01,
                "{name} p{q}: {estimate} vs exact {exact} ({:.3}%)",
                100.0 * error
            );
        }
        assert_eq!(counts.max, *sorted.last().unwrap_or(&0));
        assert_eq!(counts.count, sorted.len() as u64);
    }

    #[test]
    fn percentiles_are_within_one_percent() {
        let mut rng = Rng(7);
        let n = 200_000;
        check(
            "uniform",
            (0..n)
                .map(|_| 1_000 + (rng.unit() * 99_000.0) as u64)
                .collect(),
        );
        check(
            "exponential",
            (0..n)
                .map(|_| (-(1.0 - rng.unit()).ln() * 50_000.0) as u64 + 1)
                .collect(),
        );
        check(
            "bimodal",
            (0..n)
                .map(|_| {
                    let base = if rng.unit() < 0.9 {
                        2_000.0
                    } else {
                        5_000_000.0
                    };
                    (base * (0.8 + 0.4 * rng.unit())) as u64
                })
                .collect(),
        );
    }

    #[test]
    fn concurrent_recording_loses_no_count() {
        let h = std::sync::Arc::new(LatencyHistogram::default());
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let h = std::sync::Arc::clone(&h);
                std::thread::spawn(move || (0..100_000u64).for_each(|i| h.record_nanos(i * 7 + t)))
            })
            .collect();
        threads
            .into_iter()
            .for_each(|t| t.join().unwrap_or_default());
        let counts = h.snapshot();
        assert_eq!(counts.count, 800_000);
        assert_eq!(counts.buckets.iter().sum::<u64>(), 800_000);
    }

    #[test]
    fn memory_does_not_grow_with_records() {
        let h = LatencyHistogram::default();
        for i in 0..10_000_000u64 {
            h.record_nanos(i % 1_000_003);
        }
        let counts = h.snapshot();
        assert_eq!(counts.count, 10_000_000);
        assert_eq!(counts.buckets.len(), BUCKETS);
        assert_eq!(std::mem::size_of_val(&*h.counts), HISTOGRAM_BYTES);
    }

    #[test]
    fn deltas_are_exact() {
        let h = LatencyHistogram::default();
        (0..1000).for_each(|v| h.record_nanos(v * 1000));
        let before = h.snapshot();
        (0..500).for_each(|v| h.record_nanos(v));
        let delta = h.snapshot().since(&before);
        assert_eq!(delta.count, 500);
        assert_eq!(delta.sum, (0..500).sum::<u64>());
        assert_eq!(delta.quantile(1.0 / 500.0), 0);
        assert!(delta.quantile(0.5) < 260 && delta.quantile(0.5) >= 240);
    }
}
