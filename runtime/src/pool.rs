//! The connection pool: deadpool's managed pool over libSQL connections, each carrying its own
//! statement cache.

use std::fmt;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

use deadpool::managed::{self, Metrics, PoolError, RecycleError, RecycleResult, Timeouts};

use crate::error::{Error, Result};
use crate::statement::StatementCache;

/// How each new connection is set up.
#[derive(Debug, Clone)]
pub(crate) struct ConnectionSetup {
    /// `Some` for local databases; remote connections take no PRAGMAs.
    pub(crate) local: Option<LocalSetup>,
    pub(crate) statement_capacity: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct LocalSetup {
    pub(crate) busy_timeout: Duration,
    pub(crate) wal: bool,
    pub(crate) synchronous: &'static str,
}

/// A pooled connection and the statements prepared on it.
pub(crate) struct Connection {
    pub(crate) conn: libsql::Connection,
    pub(crate) statements: StatementCache,
}

pub(crate) struct Manager {
    pub(crate) database: libsql::Database,
    pub(crate) target: String,
    pub(crate) setup: ConnectionSetup,
    pub(crate) held: Arc<AtomicI64>,
}

impl Manager {
    fn connect_error(&self, source: libsql::Error) -> Error {
        Error::Connect {
            target: self.target.clone(),
            source,
        }
    }

    pub(crate) async fn connect(&self) -> Result<libsql::Connection> {
        let conn = self.database.connect().map_err(|e| self.connect_error(e))?;
        if let Some(local) = &self.setup.local {
            conn.busy_timeout(local.busy_timeout)
                .map_err(|e| self.connect_error(e))?;
            if local.wal {
                // journal_mode answers with a row; read it so the statement finishes.
                let mut rows = conn
                    .query("PRAGMA journal_mode = WAL", ())
                    .await
                    .map_err(|e| self.connect_error(e))?;
                while rows
                    .next()
                    .await
                    .map_err(|e| self.connect_error(e))?
                    .is_some()
                {}
            }
            let pragmas = format!(
                "PRAGMA synchronous = {}; PRAGMA foreign_keys = ON;",
                local.synchronous
            );
            conn.execute_batch(&pragmas)
                .await
                .map_err(|e| self.connect_error(e))?;
        }
        Ok(conn)
    }
}

impl managed::Manager for Manager {
    type Type = Connection;
    type Error = Error;

    async fn create(&self) -> Result<Connection> {
        Ok(Connection {
            conn: self.connect().await?,
            statements: StatementCache::new(self.setup.statement_capacity, Arc::clone(&self.held)),
        })
    }

    async fn recycle(&self, conn: &mut Connection, _: &Metrics) -> RecycleResult<Error> {
        if conn.conn.is_autocommit() {
            return Ok(());
        }
        // A transaction was left open (its owner was dropped mid-way): roll it back, or discard
        // the connection if that fails.
        let _ = conn.conn.execute("ROLLBACK", ()).await;
        if conn.conn.is_autocommit() {
            Ok(())
        } else {
            Err(RecycleError::message(
                "connection still inside a transaction after ROLLBACK; discarded",
            ))
        }
    }
}

pub(crate) type Pool = managed::Pool<Manager>;
pub(crate) type Pooled = managed::Object<Manager>;

/// Waits and timeouts, counted by cachet (deadpool reports sizes only).
#[derive(Debug, Default)]
pub(crate) struct PoolCounters {
    waits: AtomicU64,
    timeouts: AtomicU64,
}

/// Takes a connection: at once if one is idle, else waiting at most `timeout`.
pub(crate) async fn acquire(
    pool: &Pool,
    counters: &PoolCounters,
    timeout: Duration,
) -> Result<Pooled> {
    let now = Timeouts {
        wait: Some(Duration::ZERO),
        create: Some(timeout),
        recycle: Some(timeout),
    };
    match pool.timeout_get(&now).await {
        Ok(conn) => return Ok(conn),
        Err(PoolError::Timeout(managed::TimeoutType::Wait)) => {
            counters.waits.fetch_add(1, Relaxed);
        }
        Err(other) => return Err(pool_error(other, pool, Duration::ZERO, counters)),
    }
    let started = Instant::now();
    let waiting = Timeouts {
        wait: Some(timeout),
        ..now
    };
    pool.timeout_get(&waiting)
        .await
        .map_err(|e| pool_error(e, pool, started.elapsed(), counters))
}

fn pool_error(
    error: PoolError<Error>,
    pool: &Pool,
    waited: Duration,
    counters: &PoolCounters,
) -> Error {
    match error {
        PoolError::Backend(e) => e,
        PoolError::Timeout(_) => {
            counters.timeouts.fetch_add(1, Relaxed);
            Error::PoolTimeout {
                waited,
                size: pool.status().max_size,
            }
        }
        PoolError::PostCreateHook(e) => Error::Config(format!("connection setup failed: {e}")),
        PoolError::Closed => Error::Config("the connection pool was closed".into()),
        PoolError::NoRuntimeSpecified => {
            Error::Config("the connection pool has no async runtime; this is a cachet bug".into())
        }
    }
}

pub(crate) fn stats(pool: &Pool, counters: &PoolCounters) -> PoolStats {
    let status = pool.status();
    PoolStats {
        max_size: status.max_size,
        open: status.size,
        idle: status.available,
        in_use: status.size - status.available,
        waiting: status.waiting,
        waits: counters.waits.load(Relaxed),
        timeouts: counters.timeouts.load(Relaxed),
    }
}

/// Connection-pool counters of one `Db`, from [`Db::pool_stats`](crate::Db::pool_stats).
///
/// ```
/// # async fn demo() -> cachet::Result<()> {
/// let db = cachet::Db::builder().memory().pool_size(2).open().await?;
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
    /// Acquisitions that found no idle connection and had to wait, since the `Db` opened.
    pub waits: u64,
    /// Acquisitions that gave up with [`Error::PoolTimeout`].
    pub timeouts: u64,
}

impl fmt::Display for PoolStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "pool: {} of {} open, {} idle, {} in use, {} waiting; {} waits, {} timeouts",
            self.open,
            self.max_size,
            self.idle,
            self.in_use,
            self.waiting,
            self.waits,
            self.timeouts
        )
    }
}
