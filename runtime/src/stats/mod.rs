//! Counters and what they print: latency histograms, the pool, statement-cache and result-cache
//! counters with their `Display` tables, the metrics snapshot, and (feature `metrics`) the export
//! through the `metrics` facade. Plain data: uses `util` and `types` only, never a connection.

// Feature `metrics`: the export through the `metrics` facade, or its no-op twin.
#[cfg(feature = "metrics")]
pub(crate) mod facade;
#[cfg(not(feature = "metrics"))]
#[path = "facade_off.rs"]
pub(crate) mod facade;
pub(crate) mod histogram;
pub(crate) mod pool;
pub(crate) mod result_cache;
pub(crate) mod snapshot;
pub(crate) mod statement;

pub use histogram::{LatencyHistogram, HISTOGRAM_BYTES};
pub use pool::PoolStats;
pub use result_cache::{CacheStats, MethodCacheStats};
pub use snapshot::{MethodMetrics, MetricsSnapshot};
pub use statement::{StatementRow, StatementStats};
