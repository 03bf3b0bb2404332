//! Per-method metrics of one `Db`: calls, errors and a latency histogram for every timed method
//! (by default every `#[prepared]`, `#[cached_query]` and `#[batch]` method). The `Db` joins them
//! in a snapshot with the cache, statement and pool counters (`db::metrics`).

use crate::stats::facade::{MethodHandles, SiteHandles};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

use crate::stats::histogram::LatencyHistogram;
use crate::stats::snapshot::MethodMetrics;
use crate::stats::MethodCacheStats;
use crate::util::site_id::SiteId;
use crate::util::slots::Slots;

static NEXT_TIMED_ID: AtomicUsize = AtomicUsize::new(0);

/// One timed method: its name. The macros emit one `static` per timed method; it is not meant to be
/// written by hand.
#[doc(hidden)]
#[derive(Debug)]
pub struct TimedSite {
    name: &'static str,
    /// `Type::method`, the name its result cache (if any) goes by: a `#[timed(name = "...")]`
    /// row still shows the cache's columns.
    method: &'static str,
    id: SiteId,
    /// Its metrics in the `metrics` facade (feature `metrics`).
    pub(crate) facade: SiteHandles<MethodHandles>,
}

impl TimedSite {
    /// A site that gets its id the first time it runs.
    pub const fn new(name: &'static str, method: &'static str) -> Self {
        TimedSite {
            name,
            method,
            id: SiteId::new(),
            facade: SiteHandles::new(),
        }
    }

    /// The method's name, as metrics and spans show it.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }
}

/// The counters of one timed method.
pub(crate) struct Method {
    name: &'static str,
    /// The cache's name (`TimedSite::method`).
    method: &'static str,
    errors: AtomicU64,
    latency: LatencyHistogram,
}

impl Method {
    pub(crate) fn record(&self, nanos: u64, ok: bool) {
        self.latency.record_nanos(nanos);
        if !ok {
            self.errors.fetch_add(1, Relaxed);
        }
    }
}

/// The metrics of one `Db`.
#[derive(Default)]
pub(crate) struct MetricsRegistry {
    methods: Slots<Method>,
}

impl MetricsRegistry {
    /// The counters of `site`, created on first use; `None` past the slots' capacity (the call
    /// still runs, untimed).
    pub(crate) fn method(&self, site: &'static TimedSite) -> Option<&Method> {
        let cell = self.methods.cell(site.id.get(&NEXT_TIMED_ID))?;
        Some(cell.get_or_init(|| Method {
            name: site.name,
            method: site.method,
            errors: AtomicU64::new(0),
            latency: LatencyHistogram::default(),
        }))
    }

    /// One row per timed method that has run, sorted by name, each with the cache counters that
    /// `cache_stats` gives for its method (`Type::method`, whatever name it is timed under).
    pub(crate) fn snapshot(
        &self,
        cache_stats: impl Fn(&str) -> Option<MethodCacheStats>,
    ) -> Vec<MethodMetrics> {
        let mut methods: Vec<MethodMetrics> = self
            .methods
            .iter()
            .map(|m| {
                MethodMetrics::new(
                    m.name,
                    m.errors.load(Relaxed),
                    m.latency.snapshot(),
                    cache_stats(m.method),
                )
            })
            .collect();
        methods.sort_by(|a, b| a.name.cmp(&b.name));
        methods
    }

    /// Zeroes every method's errors and histogram.
    pub(crate) fn reset(&self) {
        for m in self.methods.iter() {
            m.errors.store(0, Relaxed);
            m.latency.reset();
        }
    }
}
