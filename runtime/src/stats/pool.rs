//! Connection-pool counters and their table.

use std::fmt;
use std::time::Duration;

#[cfg(doc)]
use crate::error::Error;

/// Connection-pool counters of one `Db`, from [`Db::pool_stats`](crate::Db::pool_stats).
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::builder().memory().pool_size(2).open().await?;
/// let stats = db.pool_stats();
/// assert_eq!(stats.max_size, 2);
/// assert_eq!(stats.in_use, 0);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoolStats {
    /// The most connections the pool opens.
    pub max_size: usize,
    /// Connections open now.
    pub open: usize,
    /// Open connections nobody holds.
    pub idle: usize,
    /// Connections held by a call or transaction.
    pub in_use: usize,
    /// Callers waiting for a connection right now.
    pub waiting: usize,
    /// Writers queued in the writer lane right now, waiting for their turn before they take a
    /// connection (not counting the one writing; always 0 for remote databases).
    pub writers_queued: usize,
    /// Acquisitions that found no free connection and had to wait, since the `Db` opened.
    pub waits: u64,
    /// Acquisitions that gave up with [`Error::PoolTimeout`].
    pub timeouts: u64,
    /// Median wait of the acquisitions that waited (zero when none did).
    pub wait_p50: Duration,
    /// 99th percentile of those waits.
    pub wait_p99: Duration,
    /// Longest of those waits.
    pub wait_max: Duration,
}

impl PoolStats {
    #[cfg(test)]
    pub(crate) fn empty() -> Self {
        PoolStats {
            max_size: 0,
            open: 0,
            idle: 0,
            in_use: 0,
            waiting: 0,
            writers_queued: 0,
            waits: 0,
            timeouts: 0,
            wait_p50: Duration::ZERO,
            wait_p99: Duration::ZERO,
            wait_max: Duration::ZERO,
        }
    }
}

impl fmt::Display for PoolStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pool: {} of {} open, {} idle, {} in use, {} waiting; {} waits (p50 {:?}, p99 {:?}, max {:?}), {} timeouts",
            self.open,
            self.max_size,
            self.idle,
            self.in_use,
            self.waiting,
            self.waits,
            self.wait_p50,
            self.wait_p99,
            self.wait_max,
            self.timeouts
        )
    }
}
