//! Per-method metrics of one `Db`: calls, errors and a latency histogram for every timed method
//! (by default every `#[prepared]`, `#[cached_query]` and `#[batch]` method), joined in a
//! snapshot with the cache, statement and pool counters.

#[cfg(feature = "metrics")]
pub(crate) mod facade;
mod histogram;
mod snapshot;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};

pub use histogram::{LatencyHistogram, HISTOGRAM_BYTES};
pub use snapshot::{MethodMetrics, MetricsSnapshot};

use crate::db::Db;
use crate::site_id::SiteId;
use crate::slots::Slots;

static NEXT_TIMED_ID: AtomicUsize = AtomicUsize::new(0);

/// One timed method: its name. The macros emit one `static` per timed method; it is not meant to be
/// written by hand.
#[doc(hidden)]
#[derive(Debug)]
pub struct TimedSite {
    name: &'static str,
    id: SiteId,
}

impl TimedSite {
    /// A site that gets its id the first time it runs.
    pub const fn new(name: &'static str) -> Self {
        TimedSite {
            name,
            id: SiteId::new(),
        }
    }
}

/// The counters of one timed method.
pub(crate) struct Method {
    name: &'static str,
    errors: AtomicU64,
    latency: LatencyHistogram,
}

impl Method {
    fn record(&self, nanos: u64, ok: bool) {
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
    fn method(&self, site: &'static TimedSite) -> Option<&Method> {
        let cell = self.methods.cell(site.id.get(&NEXT_TIMED_ID))?;
        Some(cell.get_or_init(|| Method {
            name: site.name,
            errors: AtomicU64::new(0),
            latency: LatencyHistogram::default(),
        }))
    }
}

/// The metrics of a [`Db`], from [`Db::metrics`].
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// let before = db.metrics().snapshot();
/// // ... traffic ...
/// let delta = db.metrics().snapshot().since(&before);
/// println!("{delta}");
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
pub struct Metrics<'a> {
    db: &'a Db,
}

impl Metrics<'_> {
    /// A copy of every counter: one row per timed method (with its cache counters when it is
    /// cached), plus the statement cache and the pool.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// let snapshot = db.metrics().snapshot();
    /// println!("{snapshot}");
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn snapshot(&self) -> MetricsSnapshot {
        let caches = &self.db.inner.caches;
        let mut methods: Vec<MethodMetrics> = self
            .db
            .inner
            .metrics
            .methods
            .iter()
            .map(|m| {
                MethodMetrics::new(
                    m.name,
                    m.errors.load(Relaxed),
                    m.latency.snapshot(),
                    caches.method_stats(m.name),
                )
            })
            .collect();
        methods.sort_by(|a, b| a.name.cmp(&b.name));
        MetricsSnapshot {
            methods,
            statements: self.db.statement_stats(),
            pool: self.db.pool_stats(),
        }
    }

    /// Zeroes the per-method calls, errors and histograms (cache, statement and pool counters
    /// keep running: take a snapshot and use [`MetricsSnapshot::since`] for intervals).
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.metrics().reset();
    /// assert!(db.metrics().snapshot().methods.iter().all(|m| m.calls == 0));
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn reset(&self) {
        for m in self.db.inner.metrics.methods.iter() {
            m.errors.store(0, Relaxed);
            m.latency.reset();
        }
    }
}

impl Db {
    /// This `Db`'s metrics: take snapshots, reset.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert!(db.metrics().snapshot().methods.is_empty());
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn metrics(&self) -> Metrics<'_> {
        Metrics { db: self }
    }
}

/// `#[timed]` methods (and by default every generated one): times `body` and counts it, as an
/// error when it returns `Err`. A call dropped before it finishes is not recorded.
pub async fn timed<R, F>(db: &Db, site: &'static TimedSite, body: F) -> R
where
    F: std::future::Future<Output = R>,
    R: crate::__private::MethodResult,
{
    // quanta reads the CPU's time-stamp counter (calibrated once per process): ~7 ns a read,
    // against ~23 ns for `std::time::Instant`; two reads per call.
    // Debug builds keep no future in registers and copy each one through the stack, so every
    // generated layer adds its whole future to the stack of the layer above; boxing here keeps
    // deep call chains (a batch calling cached methods calling prepared ones) within a test
    // thread's stack. Release builds do not need it and skip the allocation.
    #[cfg(debug_assertions)]
    let body = Box::pin(body);
    let started = quanta::Instant::now();
    #[cfg(feature = "tracing")]
    let result = match db
        .inner
        .trace_level
        .and_then(|level| span(level, site.name))
    {
        Some(span) => tracing::Instrument::instrument(body, span).await,
        None => body.await,
    };
    #[cfg(not(feature = "tracing"))]
    let result = body.await;
    if let Some(method) = db.inner.metrics.method(site) {
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        method.record(nanos, result.is_ok());
        #[cfg(feature = "metrics")]
        facade::method(site.name, nanos, result.is_ok());
    }
    result
}

/// Feature `tracing`: the span of one timed call, at the level chosen with
/// `DbBuilder::trace_level` (`None` when that level is disabled).
#[cfg(feature = "tracing")]
fn span(level: tracing::Level, method: &'static str) -> Option<tracing::Span> {
    // `span!` needs its level at compile time: one call site per level.
    let span = match level {
        tracing::Level::ERROR => tracing::error_span!("larder", method),
        tracing::Level::WARN => tracing::warn_span!("larder", method),
        tracing::Level::INFO => tracing::info_span!("larder", method),
        tracing::Level::DEBUG => tracing::debug_span!("larder", method),
        tracing::Level::TRACE => tracing::trace_span!("larder", method),
    };
    (!span.is_disabled()).then_some(span)
}
