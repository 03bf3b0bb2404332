//! [`DbBuilder`]: every option of a [`Db`](super::Db), and where it connects. Opening is in `open`.

use std::path::{Path, PathBuf};
use std::time::Duration;

#[cfg(doc)]
use {super::Db, crate::error::Error};

/// Where a [`DbBuilder`] connects.
#[derive(Debug, Clone)]
pub(super) enum Target {
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

impl Target {
    /// An embedded replica.
    pub(super) fn is_replica(&self) -> bool {
        #[cfg(feature = "remote")]
        if let Target::Replica { .. } = self {
            return true;
        }
        false
    }
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
    pub(super) fn pragma(self) -> &'static str {
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
    pub(super) target: Option<Target>,
    pub(super) pool_size: Option<usize>,
    pub(super) acquire_timeout: Option<Duration>,
    pub(super) busy_timeout: Option<Duration>,
    pub(super) statement_capacity: Option<usize>,
    pub(super) synchronous: Synchronous,
    pub(super) read_only: bool,
    pub(super) watch: Option<Duration>,
    pub(super) max_staleness: Option<Duration>,
    pub(super) request_timeout: Option<Duration>,
    pub(super) migrator: Option<&'static crate::Migrator>,
    #[cfg(feature = "remote")]
    pub(super) sync_interval: Option<Duration>,
    #[cfg(feature = "remote")]
    pub(super) read_your_writes: Option<bool>,
    #[cfg(feature = "tracing")]
    pub(super) trace_level: Option<tracing::Level>,
}

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
    #[cfg_attr(docsrs, doc(cfg(feature = "remote")))]
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
    #[cfg_attr(docsrs, doc(cfg(feature = "remote")))]
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
    #[cfg_attr(docsrs, doc(cfg(feature = "remote")))]
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
    #[cfg_attr(docsrs, doc(cfg(feature = "remote")))]
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

    /// Applies `migrator`'s pending migrations when the database opens (see [`Db::migrate`]):
    /// `open` fails with their error, and the `Db` it returns is up to date.
    ///
    /// ```
    /// static MIGRATOR: larder::Migrator = larder::Migrator::new(&[
    ///     larder::Migration::new(1, "notes", "0001_notes.sql", "CREATE TABLE notes (body TEXT);"),
    /// ]);
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::builder().memory().migrate(&MIGRATOR).open().await?;
    /// db.execute("INSERT INTO notes VALUES ('ready')", &[]).await?;
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn migrate(mut self, migrator: &'static crate::Migrator) -> Self {
        self.migrator = Some(migrator);
        self
    }

    /// How long a write waits for the database's write lock — in all: behind this `Db`'s other
    /// writers in its writer lane, then for another process's lock — before it fails with
    /// `Error::Busy`. larder waits asynchronously (the thread keeps running other tasks); see
    /// `docs/transactions.md`.
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
    #[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
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
}
