//! [`Db`]: the handle that owns a database's pool, statement caches and counters.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use crate::cache::{CacheRegistry, CacheStats, Generations};
use crate::error::{Error, Result};
use crate::metrics::MetricsRegistry;
use crate::pool::{Connection, ConnectionSetup, Connector, LocalSetup, Pool, PoolStats, Pooled};
use crate::statement::{StatementRegistry, StatementStats};

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
    /// Result caches and table generations.
    pub(crate) caches: CacheRegistry,
    /// Per-method calls, errors and latency histograms.
    pub(crate) metrics: MetricsRegistry,
    /// Feature `tracing`: the level of the span around each timed call (`None`: no spans).
    #[cfg(feature = "tracing")]
    pub(crate) trace_level: Option<tracing::Level>,
    /// `PRAGMA data_version` polling for writes by other processes, when enabled.
    watch: Option<Watch>,
    /// Remote and replica databases: how long one request may wait for the server.
    #[cfg(feature = "remote")]
    pub(crate) request_timeout: Option<Duration>,
    /// Embedded replicas: sync state and counters.
    #[cfg(feature = "remote")]
    pub(crate) replica: Option<crate::replica::Replica>,
    target: String,
    /// Keeps a `Db::memory()` database alive while the pool's connections come and go.
    _keeper: Option<libsql::Connection>,
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
    pub(crate) async fn check_external_writes(&self) {
        if let Some(watch) = &self.inner.watch {
            if watch.changed().await {
                self.invalidate_all();
            }
        }
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

enum TargetKind {
    Wal,
    Other,
}

/// Where a [`DbBuilder`] connects.
#[derive(Debug, Clone)]
enum Target {
    File(PathBuf),
    Memory,
    #[cfg(feature = "remote")]
    Remote {
        url: String,
        token: String,
    },
    #[cfg(feature = "remote")]
    Replica {
        path: PathBuf,
        url: String,
        token: String,
    },
}

/// How hard SQLite works to make each commit durable (`PRAGMA synchronous`).
///
/// ```
/// let b = larder::Db::builder().synchronous(larder::Synchronous::Full);
/// # let _ = b;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// The default: in WAL mode a commit is atomic and consistent, and survives an application
    /// crash; a power loss may undo the last commits. About 10× the write rate of `Full`.
    #[default]
    Normal,
    /// Every commit is flushed to disk before it returns: survives power loss.
    Full,
    /// No flushes at all: a power loss can corrupt the database. For throwaway data only.
    Off,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
            Synchronous::Off => "OFF",
        }
    }
}

/// Options for opening a [`Db`]; start with [`Db::builder`], pick a target, then [`open`](Self::open).
///
/// | option | default |
/// |---|---|
/// | `pool_size` | 2 × available cores, between 2 and 16 |
/// | `acquire_timeout` | 5 s |
/// | `busy_timeout` | 5 s (local databases) |
/// | `statement_cache_capacity` | 64 dynamic statements per connection |
/// | `synchronous` | [`Synchronous::Normal`] |
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let db = larder::Db::builder().file(dir.path().join("a.db")).pool_size(3).open().await?;
/// assert_eq!(db.pool_stats().max_size, 3);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a builder does nothing until `.open().await`"]
pub struct DbBuilder {
    target: Option<Target>,
    pool_size: Option<usize>,
    acquire_timeout: Option<Duration>,
    busy_timeout: Option<Duration>,
    statement_capacity: Option<usize>,
    synchronous: Synchronous,
    read_only: bool,
    watch: Option<Duration>,
    max_staleness: Option<Duration>,
    request_timeout: Option<Duration>,
    #[cfg(feature = "remote")]
    sync_interval: Option<Duration>,
    #[cfg(feature = "remote")]
    read_your_writes: Option<bool>,
    #[cfg(feature = "tracing")]
    trace_level: Option<tracing::Level>,
}

/// Unique names for `Db::memory()` databases, so two `Db`s never share one.
static NEXT_MEMORY_DB: AtomicU64 = AtomicU64::new(0);

impl DbBuilder {
    /// A database file (created if missing), in WAL mode.
    ///
    /// ```
    /// let b = larder::Db::builder().file("memory.db");
    /// # let _ = b;
    /// ```
    pub fn file(mut self, path: impl AsRef<Path>) -> Self {
        self.target = Some(Target::File(path.as_ref().to_owned()));
        self
    }

    /// A new in-memory database private to the `Db` (see [`Db::memory`]).
    ///
    /// ```
    /// let b = larder::Db::builder().memory();
    /// # let _ = b;
    /// ```
    pub fn memory(mut self) -> Self {
        self.target = Some(Target::Memory);
        self
    }

    /// A libSQL server (`sqld`) or Turso database at `url`, authenticated by `token` (may be
    /// empty for a local server without auth).
    #[cfg(feature = "remote")]
    ///
    /// ```ignore
    /// let b = larder::Db::builder().remote("http://127.0.0.1:8080", "");
    /// ```
    pub fn remote(mut self, url: impl Into<String>, token: impl Into<String>) -> Self {
        self.target = Some(Target::Remote {
            url: url.into(),
            token: token.into(),
        });
        self
    }

    /// An embedded replica (feature `remote`): a local copy at `local_path` of the primary at
    /// `url` (a `sqld` server or Turso), authenticated by `token`. Reads run on the local copy,
    /// writes and transactions go to the primary. The copy changes only when it syncs — at open,
    /// on [`Db::sync`], every [`sync_interval`](Self::sync_interval) and after each committed
    /// write with [`read_your_writes`](Self::read_your_writes) — and a sync that brought changes
    /// makes every cached entry stale before it returns. See `docs/remote.md`.
    ///
    /// ```no_run
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::builder()
    ///     .replica("replica.db", "http://127.0.0.1:8080", "")
    ///     .sync_interval(std::time::Duration::from_secs(1))
    ///     .open()
    ///     .await?;
    /// db.sync().await?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "remote")]
    pub fn replica(
        mut self,
        local_path: impl AsRef<Path>,
        url: impl Into<String>,
        token: impl Into<String>,
    ) -> Self {
        self.target = Some(Target::Replica {
            path: local_path.as_ref().to_owned(),
            url: url.into(),
            token: token.into(),
        });
        self
    }

    /// Embedded replicas: sync in the background every `interval` (off by default: the replica
    /// then changes only on [`Db::sync`] and after this instance's own writes). A failed
    /// background sync is counted in [`Db::replica_stats`] and retried at the next tick.
    ///
    /// ```
    /// # #[cfg(feature = "remote")]
    /// let b = larder::Db::builder()
    ///     .replica("replica.db", "http://127.0.0.1:8080", "")
    ///     .sync_interval(std::time::Duration::from_millis(500));
    /// ```
    #[cfg(feature = "remote")]
    pub fn sync_interval(mut self, interval: Duration) -> Self {
        self.sync_interval = Some(interval);
        self
    }

    /// Embedded replicas: whether a committed write is followed by a sync, so that this
    /// instance reads what it just wrote (default `true`). With `false` a write is visible
    /// locally only after the next sync; writes are then cheaper by one round trip.
    ///
    /// ```
    /// # #[cfg(feature = "remote")]
    /// let b = larder::Db::builder()
    ///     .replica("replica.db", "http://127.0.0.1:8080", "")
    ///     .read_your_writes(false);
    /// ```
    #[cfg(feature = "remote")]
    pub fn read_your_writes(mut self, read_your_writes: bool) -> Self {
        self.read_your_writes = Some(read_your_writes);
        self
    }

    /// Remote and replica databases: how long one request may wait for the server before it
    /// fails with [`Error::Timeout`] (default 30 s). The connection it used is closed, so a
    /// request that timed out inside a transaction ends that transaction.
    ///
    /// ```
    /// let b = larder::Db::builder().memory().request_timeout(std::time::Duration::from_secs(5));
    /// # let _ = b;
    /// ```
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// Bounded staleness: no cached entry is returned once it is older than `max_staleness`,
    /// whatever its TTL (an adaptive TTL is cut to what is left of the bound). Use it where
    /// larder cannot see every write — a remote database other clients write to, a file other
    /// processes write to — to bound how long such a write stays invisible to cached reads.
    /// Writes made through this `Db` invalidate at once regardless.
    ///
    /// ```
    /// let b = larder::Db::builder().memory().max_staleness(std::time::Duration::from_secs(2));
    /// # let _ = b;
    /// ```
    pub fn max_staleness(mut self, max_staleness: Duration) -> Self {
        self.max_staleness = Some(max_staleness);
        self
    }

    /// The most connections the pool opens (at least 1).
    ///
    /// ```
    /// let b = larder::Db::builder().memory().pool_size(8);
    /// # let _ = b;
    /// ```
    pub fn pool_size(mut self, size: usize) -> Self {
        self.pool_size = Some(size);
        self
    }

    /// How long a call waits for a free connection before [`Error::PoolTimeout`].
    ///
    /// ```
    /// let b = larder::Db::builder().memory().acquire_timeout(std::time::Duration::from_millis(500));
    /// # let _ = b;
    /// ```
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = Some(timeout);
        self
    }

    /// How long a write waits for the database's write lock before it fails with `SQLITE_BUSY`.
    /// larder waits asynchronously (the thread keeps running other tasks); see `docs/transactions.md`.
    ///
    /// ```
    /// let b = larder::Db::builder().memory().busy_timeout(std::time::Duration::from_secs(10));
    /// # let _ = b;
    /// ```
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = Some(timeout);
        self
    }

    /// How many dynamic-SQL statements each connection keeps prepared (LRU). `#[prepared]`
    /// methods do not count against it: each has its own slot.
    ///
    /// ```
    /// let b = larder::Db::builder().memory().statement_cache_capacity(256);
    /// # let _ = b;
    /// ```
    pub fn statement_cache_capacity(mut self, capacity: usize) -> Self {
        self.statement_capacity = Some(capacity);
        self
    }

    /// Durability of commits on local databases (see [`Synchronous`]).
    ///
    /// ```
    /// let b = larder::Db::builder().file("memory.db").synchronous(larder::Synchronous::Full);
    /// # let _ = b;
    /// ```
    pub fn synchronous(mut self, synchronous: Synchronous) -> Self {
        self.synchronous = synchronous;
        self
    }

    /// Polls `PRAGMA data_version` at most once per `interval` (on cached reads) and, when another
    /// process committed, makes every cached entry stale. Off by default: without it, writes by
    /// other processes are seen only when entries expire. SQLite cannot tell who committed, so a
    /// commit by this `Db` in the same interval also counts (safe, at the cost of hit rate under
    /// heavy writing). Local databases only.
    ///
    /// ```
    /// let b = larder::Db::builder().file("memory.db").watch_external_writes(std::time::Duration::from_millis(100));
    /// # let _ = b;
    /// ```
    pub fn watch_external_writes(mut self, interval: Duration) -> Self {
        self.watch = Some(interval);
        self
    }

    /// Feature `tracing`: wraps every timed call in a span named `larder` with a `method` field,
    /// at `level` (`None`, the default, adds no spans).
    ///
    /// ```
    /// let builder = larder::Db::builder().memory().trace_level(Some(tracing::Level::DEBUG));
    /// # let _ = builder;
    /// ```
    #[cfg(feature = "tracing")]
    pub fn trace_level(mut self, level: Option<tracing::Level>) -> Self {
        self.trace_level = level;
        self
    }

    /// Opens a local database read-only: every write fails with a clear `Error::Sql`
    /// ("attempt to write a readonly database"). The file must exist.
    ///
    /// ```
    /// let b = larder::Db::builder().file("memory.db").read_only(true);
    /// # let _ = b;
    /// ```
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Opens the database and checks that one connection can be made.
    ///
    /// # Errors
    /// [`Error::Config`] when no target or a zero pool size was given; [`Error::Connect`] when
    /// the database cannot be opened.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::builder().memory().pool_size(2).open().await?;
    /// assert_eq!(db.pool_stats().max_size, 2);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn open(self) -> Result<Db> {
        let target = self.target.clone().ok_or_else(|| {
            Error::Config(
                "no database chosen: call `.file(path)`, `.memory()`, `.remote(url, token)` \
                 or `.replica(path, url, token)`"
                    .into(),
            )
        })?;
        if self.request_timeout == Some(Duration::ZERO) {
            return Err(Error::Config(
                "request_timeout must be longer than zero: every request would time out".into(),
            ));
        }
        #[cfg(feature = "remote")]
        if self.sync_interval == Some(Duration::ZERO) {
            return Err(Error::Config(
                "sync_interval must be longer than zero; leave it unset to sync only on `Db::sync` \
                 and after writes"
                    .into(),
            ));
        }
        #[cfg(feature = "remote")]
        if !matches!(target, Target::Replica { .. })
            && (self.sync_interval.is_some() || self.read_your_writes.is_some())
        {
            return Err(Error::Config(
                "`sync_interval` and `read_your_writes` apply to embedded replicas only: \
                 open with `.replica(path, url, token)`"
                    .into(),
            ));
        }
        let pool_size = match self.pool_size {
            Some(0) => return Err(Error::Config("pool_size must be at least 1".into())),
            Some(n) => n,
            None => default_pool_size(),
        };
        let busy_timeout = self.busy_timeout.unwrap_or(Duration::from_secs(5));
        let target_kind = match &target {
            Target::File(_) if !self.read_only => TargetKind::Wal,
            _ => TargetKind::Other,
        };
        let local = LocalSetup {
            wal: matches!(target, Target::File(_)) && !self.read_only,
            synchronous: self.synchronous.pragma(),
        };
        let (database, name, local) = match &target {
            Target::File(path) => {
                let name = path.display().to_string();
                (
                    local_database(path.as_os_str(), &name, self.read_only).await?,
                    name,
                    Some(local),
                )
            }
            Target::Memory => {
                let n = NEXT_MEMORY_DB.fetch_add(1, Relaxed);
                // `:memory:` would give each connection its own database; the memdb VFS shares one
                // by name, with normal locking (busy timeout applies, unlike shared-cache mode).
                let name = format!("file:/larder-{}-{n}?vfs=memdb", std::process::id());
                (
                    local_database(name.as_ref(), &name, self.read_only).await?,
                    name,
                    Some(local),
                )
            }
            #[cfg(feature = "remote")]
            Target::Remote { url, token } => {
                let database = libsql::Builder::new_remote(url.clone(), token.clone())
                    .build()
                    .await
                    .map_err(|source| Error::Connect {
                        target: url.clone(),
                        source,
                    })?;
                (database, url.clone(), None)
            }
            #[cfg(feature = "remote")]
            Target::Replica { path, url, token } => {
                // libSQL's own `read_your_writes` and `sync_interval` stay off: they would change
                // the local copy where larder cannot see it (see `replica`).
                let database =
                    libsql::Builder::new_remote_replica(path.clone(), url.clone(), token.clone())
                        .read_your_writes(false)
                        .build()
                        .await
                        .map_err(|source| Error::Connect {
                            target: url.clone(),
                            source,
                        })?;
                let name = format!("{} (replica of {url})", path.display());
                (database, name, None)
            }
        };
        let request_timeout = match local {
            Some(_) => None,
            None => Some(self.request_timeout.unwrap_or(Duration::from_secs(30))),
        };
        let registry = StatementRegistry::default();
        let connector = Connector {
            database,
            target: name.clone(),
            setup: ConnectionSetup {
                local,
                statement_capacity: self.statement_capacity.unwrap_or(64),
                request_timeout,
            },
            held: registry.held(),
        };
        let watch = match (self.watch, &connector.setup.local) {
            (Some(interval), Some(_)) => Some(Watch::new(connector.connect().await?, interval)),
            _ => None,
        };
        let keeper = match target {
            Target::Memory => Some(connector.connect().await?),
            _ => None,
        };
        let db = Db {
            inner: Arc::new(DbInner {
                pool: Arc::new(Pool::new(connector, pool_size)),
                statements: registry,
                acquire_timeout: self.acquire_timeout.unwrap_or(Duration::from_secs(5)),
                busy_timeout,
                reads_never_busy: matches!(target_kind, TargetKind::Wal),
                caches: CacheRegistry::new(self.max_staleness),
                metrics: MetricsRegistry::default(),
                #[cfg(feature = "tracing")]
                trace_level: self.trace_level,
                watch,
                #[cfg(feature = "remote")]
                request_timeout,
                #[cfg(feature = "remote")]
                replica: match &target {
                    Target::Replica { url, .. } => Some(crate::replica::Replica::new(
                        url.clone(),
                        self.read_your_writes.unwrap_or(true),
                    )),
                    _ => None,
                },
                target: name,
                _keeper: keeper,
            }),
        };
        // Fail now, with the path in the message, rather than at the first query. A remote
        // connection is lazy: only a statement reaches the server.
        let mut pooled = db.acquire().await?;
        let conn = pooled.get()?;
        if conn.remote {
            let target = &db.inner.target;
            let probe = async {
                conn.conn
                    .query("SELECT 1", ())
                    .await
                    .map_err(|source| Error::Connect {
                        target: target.clone(),
                        source,
                    })
            };
            Connection::bounded(conn.request_timeout, &conn.broken, "open", probe).await?;
        }
        drop(pooled);
        #[cfg(feature = "remote")]
        if let Some(replica) = &db.inner.replica {
            // The local copy starts where the primary is; an unreachable primary fails here.
            db.sync().await.map_err(|error| match error {
                Error::Sync { target, source } => Error::Connect { target, source },
                other => other,
            })?;
            if let Some(interval) = self.sync_interval {
                replica.start_background(Arc::downgrade(&db.inner), interval)?;
            }
        }
        Ok(db)
    }
}

async fn local_database(
    path: &std::ffi::OsStr,
    name: &str,
    read_only: bool,
) -> Result<libsql::Database> {
    let flags = if read_only {
        libsql::OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        libsql::OpenFlags::default()
    };
    libsql::Builder::new_local(path)
        .flags(flags)
        .build()
        .await
        .map_err(|source| Error::Connect {
            target: name.to_owned(),
            source,
        })
}

fn default_pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 2).clamp(2, 16)
}

/// State of `watch_external_writes`: a dedicated connection (so that `data_version` compares
/// commits by every other connection) and when to look next.
struct Watch {
    conn: tokio::sync::Mutex<(libsql::Connection, Option<i64>)>,
    interval: Duration,
    epoch: std::time::Instant,
    next: AtomicU64,
}

impl Watch {
    fn new(conn: libsql::Connection, interval: Duration) -> Watch {
        Watch {
            conn: tokio::sync::Mutex::new((conn, None)),
            interval,
            epoch: std::time::Instant::now(),
            next: AtomicU64::new(0),
        }
    }

    /// Whether `data_version` moved since the last look; false when it is not time to look yet
    /// or another task is looking.
    async fn changed(&self) -> bool {
        let now = u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let due = self.next.load(Relaxed);
        if now < due {
            return false;
        }
        let next = now.saturating_add(u64::try_from(self.interval.as_nanos()).unwrap_or(u64::MAX));
        if self
            .next
            .compare_exchange(due, next, Relaxed, Relaxed)
            .is_err()
        {
            return false;
        }
        let Ok(mut guard) = self.conn.try_lock() else {
            return false;
        };
        let (conn, last) = &mut *guard;
        let version = match conn.query("PRAGMA data_version", ()).await {
            Ok(mut rows) => match rows.next().await {
                Ok(Some(row)) => row.get::<i64>(0).ok(),
                _ => None,
            },
            Err(_) => None,
        };
        match (version, *last) {
            (Some(v), Some(previous)) => {
                *last = Some(v);
                v != previous
            }
            (Some(v), None) => {
                *last = Some(v);
                false
            }
            // Could not look: assume the worst.
            (None, _) => true,
        }
    }
}
