//! The connection pool: a semaphore bounds the connections in use, a mutex-guarded stack holds
//! the idle ones, each carrying its own statement cache.
//!
//! Why not `deadpool` (a generic async pool, which larder used first): measured side by side on
//! this machine, a deadpool checkout and return costs 123 ns and this pool 41 ns, on a path every
//! query takes (a whole point query is ~2 µs). The pool needs nothing generic: one kind of
//! connection, a cleanliness check, and counters.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

use crate::conn::busy;
use crate::conn::detached::Turn;
use crate::conn::gone;
use crate::conn::lane::WriterLane;
use crate::conn::learn::{self, Recorder};
use crate::conn::statement::StatementCache;
use crate::conn::writes::{self, WriteLog};
use crate::error::{Error, Result};
use crate::stats::{LatencyHistogram, PoolStats};

/// How each new connection is set up.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionSetup {
    /// `Some` for local databases; remote connections take no PRAGMAs.
    pub(crate) local: Option<LocalSetup>,
    pub(crate) statement_capacity: usize,
    /// Remote and replica connections: how long one request may wait for the server.
    pub(crate) request_timeout: Option<Duration>,
    /// How long setting up a local connection may wait for a lock.
    pub(crate) busy_timeout: Duration,
    /// An embedded replica: reads run on the local copy, writes go to the primary.
    pub(crate) replica: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct LocalSetup {
    pub(crate) wal: bool,
    pub(crate) synchronous: &'static str,
}

/// A pooled connection and the statements prepared on it.
pub(crate) struct Connection {
    pub(crate) conn: libsql::Connection,
    pub(crate) statements: StatementCache,
    /// Savepoints open on this connection (nested transactions).
    pub(crate) savepoints: u32,
    /// Tables written and not yet published to the caches.
    pub(crate) writes: Arc<WriteLog>,
    /// The engine's authorizer record (local connections; see `learn`).
    pub(crate) recorder: Option<Arc<Recorder>>,
    /// The statement during which the engine ended this connection's transaction itself
    /// (`INSERT OR ROLLBACK`, `RAISE(ROLLBACK)`, an I/O error): nothing more runs in it.
    pub(crate) tx_ended: Option<Box<str>>,
    /// A remote (Hrana) connection: statements are not cached on it. libSQL's remote `prepare`
    /// costs a round trip (`describe`) and fixes, when prepared, whether executing the statement
    /// closes the stream — a statement prepared outside a transaction would end one it later runs
    /// in. `query` / `execute` decide that per call and need no round trip of their own.
    pub(crate) remote: bool,
    /// An embedded replica (also `remote`): its rows come from the local copy and borrow the
    /// statement, so they are read in place rather than in a detached request.
    pub(crate) replica: bool,
    /// How long one request may take (remote and replica connections; `None` locally).
    pub(crate) request_timeout: Option<Duration>,
    /// A request timed out: the connection's state on the server is unknown, so it is closed
    /// instead of going back to the pool.
    pub(crate) broken: AtomicBool,
    /// Remote connections: whose turn it is to send a request (see `detached`).
    pub(crate) turn: Turn,
}

impl Connection {
    /// Awaits `request`, one call on this connection, for at most the request timeout. One that
    /// times out is [`Error::Timeout`] and marks the connection broken.
    ///
    /// The connection is also marked broken *while* the request is in flight: when the future
    /// is dropped mid-request (a caller's `tokio::time::timeout`, a `select!`), the server may
    /// have run it and moved the stream on (a Hrana stream's baton changes with every answer),
    /// so the connection must not be reused — it is closed when its lease ends.
    pub(crate) async fn bounded<T>(
        timeout: Option<Duration>,
        broken: &AtomicBool,
        statement: &str,
        request: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let Some(limit) = timeout else {
            return request.await;
        };
        let was_broken = broken.swap(true, Relaxed);
        match tokio::time::timeout(limit, request).await {
            Ok(result) => {
                // A stream the server forgot stays broken: every later request would fail.
                let gone = result.as_ref().is_err_and(gone::stream_gone);
                broken.store(was_broken || gone, Relaxed);
                result
            }
            Err(_) => Err(Error::Timeout {
                statement: statement.to_owned(),
                after: limit,
            }),
        }
    }

    /// Runs one statement without parameters (transaction control); a remote one as a detached
    /// request, bounded by the request timeout.
    pub(crate) async fn control(&self, sql: &str, statement: &str) -> Result<()> {
        let failed = |source| Error::Sql {
            statement: statement.to_owned(),
            sql: sql.to_owned(),
            cause: source,
        };
        if self.remote {
            let owned = sql.to_owned();
            let work = |conn: libsql::Connection| async move { conn.execute(&owned, ()).await };
            return self.detached(statement, work, failed).await.map(drop);
        }
        self.conn.execute(sql, ()).await.map(drop).map_err(failed)
    }
}

/// Runs the PRAGMAs of a new local connection; each may meet `SQLITE_BUSY` and changes nothing
/// then, so the whole setup is retried.
async fn set_up(conn: &libsql::Connection, local: &LocalSetup) -> Result<()> {
    let failed = |sql: &str| {
        let sql = sql.to_owned();
        move |source| Error::Sql {
            statement: "connection setup".into(),
            sql,
            cause: source,
        }
    };
    if local.wal {
        // journal_mode answers with a row; read it so the statement finishes.
        let sql = "PRAGMA journal_mode = WAL";
        let mut rows = conn.query(sql, ()).await.map_err(failed(sql))?;
        while rows.next().await.map_err(failed(sql))?.is_some() {}
    }
    let pragmas = format!(
        "PRAGMA synchronous = {}; PRAGMA foreign_keys = ON;",
        local.synchronous
    );
    conn.execute_batch(&pragmas)
        .await
        .map_err(failed(&pragmas))?;
    Ok(())
}

/// Opens connections for the pool.
pub(crate) struct Connector {
    pub(crate) database: libsql::Database,
    pub(crate) target: String,
    pub(crate) setup: ConnectionSetup,
    pub(crate) held: Arc<AtomicI64>,
}

impl Connector {
    fn connect_error(&self, source: libsql::Error) -> Error {
        Error::Connect {
            target: self.target.clone(),
            cause: source,
        }
    }

    /// A new libSQL connection with larder's settings applied. Setting up waits for locks like
    /// any statement, within the busy timeout: switching a new file to WAL, or another `Db`'s last
    /// connection checkpointing as it closes, holds the file's lock for a moment.
    pub(crate) async fn connect(&self) -> Result<libsql::Connection> {
        let conn = self.database.connect().map_err(|e| self.connect_error(e))?;
        if let Some(local) = &self.setup.local {
            // SQLite's busy handler would sleep on an executor thread; larder retries itself.
            conn.busy_timeout(Duration::ZERO)
                .map_err(|e| self.connect_error(e))?;
            busy::retry(self.setup.busy_timeout, || set_up(&conn, local))
                .await
                .map_err(|error| match error {
                    Error::Sql { cause: source, .. } => self.connect_error(source),
                    other => other,
                })?;
        }
        Ok(conn)
    }

    async fn create(&self) -> Result<Connection> {
        let conn = self.connect().await?;
        let writes = Arc::new(WriteLog::default());
        let mut recorder = None;
        if self.setup.local.is_some() {
            writes::install_hook(&conn, &writes);
            recorder = learn::install(&conn);
        }
        Ok(Connection {
            conn,
            statements: StatementCache::new(self.setup.statement_capacity, Arc::clone(&self.held)),
            savepoints: 0,
            writes,
            recorder,
            tx_ended: None,
            remote: self.setup.local.is_none(),
            replica: self.setup.replica,
            request_timeout: self.setup.request_timeout,
            broken: AtomicBool::new(false),
            turn: Turn::default(),
        })
    }
}

/// The pool of one `Db`.
pub(crate) struct Pool {
    /// Local databases: the writers' queue (see `lane`).
    pub(crate) lane: Option<WriterLane>,
    permits: Arc<Semaphore>,
    idle: Mutex<Vec<Connection>>,
    connector: Connector,
    max_size: usize,
    open: AtomicUsize,
    waiting: AtomicUsize,
    waits: AtomicU64,
    timeouts: AtomicU64,
    /// How long acquisitions that had to wait waited (the others take ~40 ns).
    wait_time: LatencyHistogram,
}

impl Pool {
    pub(crate) fn new(connector: Connector, max_size: usize) -> Pool {
        Pool {
            lane: connector.setup.local.is_some().then(WriterLane::new),
            permits: Arc::new(Semaphore::new(max_size)),
            idle: Mutex::new(Vec::with_capacity(max_size)),
            connector,
            max_size,
            open: AtomicUsize::new(0),
            waiting: AtomicUsize::new(0),
            waits: AtomicU64::new(0),
            timeouts: AtomicU64::new(0),
            wait_time: LatencyHistogram::default(),
        }
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        // A panic while the lock was held cannot leave the stack half-updated (push/pop only).
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes a connection: at once if one is free, else waiting at most `timeout`. A connection
    /// left inside a transaction is rolled back (or replaced) before it is handed out.
    pub(crate) async fn acquire(self: &Arc<Self>, timeout: Duration) -> Result<Pooled> {
        // The slow paths are boxed: inline, their timers and connection setup would make every
        // call's future larger (and every call moves its future).
        let permit = match Arc::clone(&self.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::NoPermits) => Box::pin(self.wait(timeout)).await?,
            Err(TryAcquireError::Closed) => unreachable!("{CLOSED}"),
        };
        let idle = self.idle().pop();
        let conn = match idle {
            Some(conn) if conn.conn.is_autocommit() => conn,
            Some(dirty) => Box::pin(self.clean(dirty)).await?,
            None => Box::pin(self.open_one()).await?,
        };
        Ok(Pooled {
            conn: Some(conn),
            pool: Arc::clone(self),
            _permit: permit,
        })
    }

    async fn wait(&self, timeout: Duration) -> Result<OwnedSemaphorePermit> {
        /// Counts the wait out and records its time however it ends — also when the caller's
        /// future is dropped while it waits.
        struct Waiting<'a> {
            pool: &'a Pool,
            started: Instant,
        }
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.pool.waiting.fetch_sub(1, Relaxed);
                self.pool.wait_time.record(self.started.elapsed());
            }
        }
        self.waits.fetch_add(1, Relaxed);
        self.waiting.fetch_add(1, Relaxed);
        let started = Instant::now();
        let waiting = Waiting {
            pool: self,
            started,
        };
        let waited = tokio::time::timeout(timeout, Arc::clone(&self.permits).acquire_owned()).await;
        drop(waiting);
        match waited {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => unreachable!("{CLOSED}"),
            Err(_) => {
                self.timeouts.fetch_add(1, Relaxed);
                crate::stats::facade::pool_timeout();
                Err(Error::PoolTimeout {
                    waited: started.elapsed(),
                    size: self.max_size,
                })
            }
        }
    }

    async fn open_one(&self) -> Result<Connection> {
        let conn = self.connector.create().await?;
        self.open.fetch_add(1, Relaxed);
        Ok(conn)
    }

    /// A connection returned inside a transaction (its owner was dropped mid-way): roll back, or
    /// replace the connection when that fails.
    async fn clean(&self, dirty: Connection) -> Result<Connection> {
        /// The connection is counted open until it is handed on; dropped with it (the caller's
        /// future was dropped during the ROLLBACK, or the ROLLBACK failed), it is counted out.
        struct Counted<'a>(&'a AtomicUsize, bool);
        impl Drop for Counted<'_> {
            fn drop(&mut self) {
                if self.1 {
                    self.0.fetch_sub(1, Relaxed);
                }
            }
        }
        let mut counted = Counted(&self.open, true);
        let _ = dirty
            .control("ROLLBACK", "rollback of an abandoned transaction")
            .await;
        if !dirty.broken.load(Relaxed) && dirty.conn.is_autocommit() {
            counted.1 = false;
            let mut clean = dirty;
            clean.savepoints = 0;
            clean.tx_ended = None;
            clean.writes.discard();
            return Ok(clean);
        }
        drop(dirty);
        drop(counted);
        self.open_one().await
    }

    /// Closes every idle connection: the server forgot one of them, so it forgot them all.
    pub(crate) fn forget_idle(&self) {
        let forgotten = std::mem::take(&mut *self.idle());
        self.open.fetch_sub(forgotten.len(), Relaxed);
    }

    /// The libSQL database the connections come from.
    #[cfg(feature = "remote")]
    pub(crate) fn database(&self) -> &libsql::Database {
        &self.connector.database
    }

    pub(crate) fn stats(&self) -> PoolStats {
        let idle = self.idle().len();
        let open = self.open.load(Relaxed);
        PoolStats {
            max_size: self.max_size,
            open,
            idle,
            in_use: open.saturating_sub(idle),
            waiting: self.waiting.load(Relaxed),
            writers_queued: self.lane.as_ref().map_or(0, WriterLane::queued),
            waits: self.waits.load(Relaxed),
            timeouts: self.timeouts.load(Relaxed),
            wait_p50: self.wait_time.quantile(0.5),
            wait_p99: self.wait_time.quantile(0.99),
            wait_max: self.wait_time.quantile(1.0),
        }
    }
}

/// Why acquiring a permit cannot fail but by timing out.
const CLOSED: &str = "the pool's semaphore is never closed";

/// A connection checked out of the pool; it goes back when dropped.
pub(crate) struct Pooled {
    conn: Option<Connection>,
    pool: Arc<Pool>,
    _permit: OwnedSemaphorePermit,
}

impl Pooled {
    /// The connection.
    pub(crate) fn get(&mut self) -> &mut Connection {
        self.conn.as_mut().expect(
            "a Pooled holds its connection until it is dropped or discarded (which consumes it)",
        )
    }
}

impl Pooled {
    /// Closes the connection instead of returning it (it could not be cleaned).
    pub(crate) fn discard(&mut self) {
        if self.conn.take().is_some() {
            self.pool.open.fetch_sub(1, Relaxed);
        }
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if conn.broken.load(Relaxed) {
                self.pool.open.fetch_sub(1, Relaxed);
                return;
            }
            // Returned even when inside a transaction: the next `acquire` cleans it, where it can
            // await the ROLLBACK (a `Drop` cannot).
            self.pool.idle().push(conn);
        }
    }
}
