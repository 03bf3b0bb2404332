//! [`Db`]: the handle that owns a database's pool, statement caches and counters, and everything
//! that needs one: its builder and opening, execution, transactions, the cached- and timed-call
//! entries of generated code, replicas. The only layer that names `Db`.

mod batch;
mod builder;
pub(crate) mod cached;
mod dependencies;
pub(crate) mod exec;
mod learning;
mod metrics;
pub(crate) mod migrate;
mod open;
mod publish;
#[cfg(feature = "remote")]
pub(crate) mod replica;
pub(crate) mod timed;
// Feature `tracing`: spans around timed calls, or the no-op twin.
#[cfg(feature = "tracing")]
mod trace;
#[cfg(not(feature = "tracing"))]
#[path = "trace_off.rs"]
mod trace;
pub(crate) mod tx;

pub use builder::{DbBuilder, Synchronous};
pub use exec::Param;
pub use metrics::Metrics;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::cache::watch::Look;
use crate::cache::CacheRegistry;
use crate::conn::generations::Generations;
use crate::conn::pool::{Pool, Pooled};
use crate::conn::statement::StatementRegistry;
#[cfg(doc)]
use crate::error::Error;
use crate::error::Result;
use crate::metrics::MetricsRegistry;
use crate::stats::{CacheStats, PoolStats, StatementStats};

/// A database handle: a connection pool whose connections each cache their prepared statements,
/// plus the counters that describe them. Cheap to clone (one `Arc`); clones share everything, and
/// two `Db`s opened separately share nothing (no global state).
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").await?;
/// db.execute("INSERT INTO notes (body) VALUES (?1)", larder::params!["hello"]).await?;
/// let body: String = db.fetch_one("SELECT body FROM notes WHERE id = 1", &[]).await?;
/// assert_eq!(body, "hello");
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Clone)]
pub struct Db {
    pub(crate) inner: Arc<DbInner>,
}

pub(crate) struct DbInner {
    pub(crate) pool: Arc<Pool>,
    pub(crate) statements: StatementRegistry,
    pub(crate) acquire_timeout: Duration,
    /// How long a write waits for SQLite's write lock (retried asynchronously, see `busy`).
    pub(crate) busy_timeout: Duration,
    /// WAL file databases: a read never meets `SQLITE_BUSY`, so reads skip the retry loop.
    pub(crate) reads_never_busy: bool,
    /// A remote database (every request goes to a server; see `conn::gone`); not a replica,
    /// whose reads are local.
    pub(crate) remote: bool,
    /// Result caches and table generations.
    pub(crate) caches: CacheRegistry,
    /// Per-method calls, errors and latency histograms.
    pub(crate) metrics: MetricsRegistry,
    /// Feature `tracing`: the level of the span around each timed call (`None`: no spans).
    #[cfg(feature = "tracing")]
    pub(crate) trace_level: Option<tracing::Level>,
    /// `PRAGMA data_version` polling for writes by other processes, when enabled.
    watch: Option<crate::cache::watch::Watch>,
    /// Remote and replica databases: how long one request may wait for the server.
    #[cfg(feature = "remote")]
    pub(crate) request_timeout: Option<Duration>,
    /// Embedded replicas: sync state and counters.
    #[cfg(feature = "remote")]
    pub(crate) replica: Option<crate::db::replica::Replica>,
    target: String,
    /// Keeps a `Db::memory()` database alive while the pool's connections come and go.
    _keeper: Option<libsql::Connection>,
}

impl Db {
    /// Whether statements go to a libSQL server (remote, or a replica's delegated writes), which
    /// binds positional values to numbered placeholders only.
    pub(crate) fn binds_by_position(&self) -> bool {
        #[cfg(feature = "remote")]
        let replica = self.inner.replica.is_some();
        #[cfg(not(feature = "remote"))]
        let replica = false;
        self.inner.remote || replica
    }
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("target", &self.inner.target)
            .field("pool", &self.pool_stats())
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens (creating if needed) a database file with the default settings: WAL journal,
    /// `synchronous = NORMAL`, foreign keys on, 5 s busy timeout.
    ///
    /// # Errors
    /// [`Error::Connect`] when the file cannot be opened or created.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = larder::Db::open(dir.path().join("memory.db")).await?;
    /// assert_eq!(db.fetch_one::<i64>("SELECT 40 + 2", &[]).await?, 42);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> Result<Db> {
        Db::builder().file(path).open().await
    }

    /// Opens a new in-memory database, shared by every pooled connection of this `Db` and
    /// private to it: two `Db::memory()` calls give two databases.
    ///
    /// # Errors
    /// [`Error::Connect`] if SQLite cannot allocate it.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let a = larder::Db::memory().await?;
    /// let b = larder::Db::memory().await?;
    /// a.execute_batch("CREATE TABLE t (x)").await?;
    /// assert!(b.execute_batch("INSERT INTO t VALUES (1)").await.is_err());
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn memory() -> Result<Db> {
        Db::builder().memory().open().await
    }

    /// A builder for every option: target, pool size, timeouts, statement-cache capacity.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// use std::time::Duration;
    /// let db = larder::Db::builder()
    ///     .memory()
    ///     .pool_size(4)
    ///     .acquire_timeout(Duration::from_secs(2))
    ///     .statement_cache_capacity(128)
    ///     .open()
    ///     .await?;
    /// assert_eq!(db.pool_stats().max_size, 4);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn builder() -> DbBuilder {
        DbBuilder::default()
    }

    /// Statement-cache counters: hits, misses, evictions and one row per statement.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert_eq!(db.statement_stats().misses, 0);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn statement_stats(&self) -> StatementStats {
        self.inner.statements.snapshot()
    }

    /// Pool counters: size, idle, in use, waits, timeouts.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert_eq!(db.pool_stats().timeouts, 0);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn pool_stats(&self) -> PoolStats {
        self.inner.pool.stats()
    }

    /// Counters of every `#[cached_query]` method called on this `Db`: hits, misses, stale
    /// misses, inserts, evictions, entries.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// println!("{}", db.cache_stats());
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn cache_stats(&self) -> CacheStats {
        self.inner.caches.stats()
    }

    /// Drops every cached entry of every method on this `Db`.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.clear_caches();
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn clear_caches(&self) {
        self.inner.caches.clear();
    }

    /// Makes every cached entry stale, as after a write larder cannot see (another program wrote
    /// to the file, say). Cheaper than [`clear_caches`](Self::clear_caches): entries are replaced
    /// when next read.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.invalidate_all();
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn invalidate_all(&self) {
        self.inner.caches.generations.bump_all();
    }

    pub(crate) fn generations(&self) -> &Generations {
        &self.inner.caches.generations
    }

    /// With `watch_external_writes`: at most once per interval, asks SQLite whether another
    /// connection committed, and if so makes every entry stale.
    /// Whether entries may be served: false while another task is asking (it may be about to
    /// find a commit).
    pub(crate) async fn check_external_writes(&self) -> bool {
        let Some(watch) = &self.inner.watch else {
            return true;
        };
        let generations = self.generations();
        let invalidate = |schema| match schema {
            true => generations.bump_schema(),
            false => generations.bump_all(),
        };
        !matches!(watch.look(invalidate).await, Look::Elsewhere)
    }

    pub(crate) fn busy_timeout(&self) -> Duration {
        self.inner.busy_timeout
    }

    /// This handle's identity: equal for clones, different for separately opened `Db`s.
    pub(crate) fn id(&self) -> usize {
        Arc::as_ptr(&self.inner) as usize
    }

    /// After a committed write: on an embedded replica with `read_your_writes`, syncs so that the
    /// write is visible locally (see `replica`). The write stands whatever happens here; a failed
    /// sync is counted in `replica_stats` and the next sync catches up.
    pub(crate) async fn after_commit(&self) {
        #[cfg(feature = "remote")]
        if self
            .inner
            .replica
            .as_ref()
            .is_some_and(|r| r.read_your_writes)
        {
            let _ = self.sync().await;
        }
    }

    /// Takes a connection from the pool, waiting at most the acquire timeout.
    pub(crate) async fn acquire(&self) -> Result<Pooled> {
        self.inner.pool.acquire(self.inner.acquire_timeout).await
    }
}
