//! [`Db::metrics`]: the per-method metrics joined with the cache, statement and pool counters.

use super::Db;
use crate::stats::snapshot::MetricsSnapshot;

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
        MetricsSnapshot {
            methods: self
                .db
                .inner
                .metrics
                .snapshot(|name| caches.method_stats(name)),
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
        self.db.inner.metrics.reset();
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
