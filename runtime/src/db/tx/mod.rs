//! Transactions: one pooled connection, placed in a task-local scope so that every call on the
//! same `Db` made while the transaction's future runs (directly or through other methods) uses it.
//!
//! Commit on `Ok`, roll back on `Err`, on panic and when the future is dropped (cancellation).
//! Nested transactions on the same `Db` are savepoints (`nested`); the rollback of a dropped
//! transaction is in `cancel`.

use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use crate::conn::busy;
use crate::conn::pool::{Connection, Pooled};
use crate::conn::tx_conn::{TxConn, TxGuard};
use crate::conn::writes::Publication;
use crate::db::Db;
use crate::error::{Error, Result};

mod cancel;
mod nested;

use cancel::RollbackOnDrop;
use nested::savepoint;

/// How a transaction takes its locks (`BEGIN DEFERRED | IMMEDIATE | EXCLUSIVE`).
///
/// ```
/// assert_eq!(larder::TxMode::default(), larder::TxMode::Immediate);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TxMode {
    /// Locks are taken by the first read or write. A read transaction that later writes can fail
    /// with `SQLITE_BUSY` without waiting, if another connection wrote in between.
    Deferred,
    /// The default: the write lock is taken at `BEGIN`, where the busy timeout applies, so a
    /// transaction that writes never fails half-way for lack of it.
    #[default]
    Immediate,
    /// As `Immediate`; in WAL mode the two are the same.
    Exclusive,
}

impl TxMode {
    fn begin(self) -> &'static str {
        match self {
            TxMode::Deferred => "BEGIN DEFERRED",
            TxMode::Immediate => "BEGIN IMMEDIATE",
            TxMode::Exclusive => "BEGIN EXCLUSIVE",
        }
    }
}

tokio::task_local! {
    /// The transactions open in this task, innermost last.
    static SCOPE: Vec<Arc<Active>>;
}

/// An open transaction scope: its `Db` (by identity), its connection, and its depth — how many
/// savepoints are open on the connection while its own statements run (0 for the outermost).
///
/// Scopes that are siblings (two nested transactions, or a nested transaction and a plain
/// statement, run concurrently by one body with `join!`) take turns for their whole duration:
/// a statement or a nested scope of depth `d` starts only while exactly `d` savepoints are open
/// (see `TxConn::lock_at`). Without that, one sibling's statements would run inside the other's
/// savepoint, and its `ROLLBACK TO` would undo them.
pub(crate) struct Active {
    db: usize,
    conn: Arc<TxConn>,
    depth: u32,
}

/// The innermost open transaction scope of `db` in this task, if any.
fn current(db: &Db) -> Option<Arc<Active>> {
    let id = db.id();
    SCOPE
        .try_with(|scope| {
            scope
                .iter()
                .rev()
                .find(|active| active.db == id)
                .map(Arc::clone)
        })
        .ok()
        .flatten()
}

/// This task's scopes with `active` added as the innermost.
fn with_scope(active: Active) -> Vec<Arc<Active>> {
    let mut scope = SCOPE.try_with(Clone::clone).unwrap_or_default();
    scope.push(Arc::new(active));
    scope
}

/// A connection for one statement: the task's transaction on this `Db`, or one from the pool.
pub(crate) enum Lease {
    Pool(Pooled),
    Transaction(TxGuard),
}

impl Lease {
    pub(crate) fn in_transaction(&self) -> bool {
        matches!(self, Lease::Transaction(_))
    }

    pub(crate) fn get(&mut self) -> &mut Connection {
        match self {
            Lease::Pool(pooled) => pooled.get(),
            Lease::Transaction(guard) => guard.get(),
        }
    }
}

async fn exec(pooled: &mut Pooled, sql: &str) -> Result<()> {
    pooled.get().control(sql, "transaction").await
}

/// Several transaction-control statements in one request.
async fn exec_batch(pooled: &mut Pooled, sql: &str) -> Result<()> {
    let conn = pooled.get();
    let failed = |source| Error::Sql {
        statement: "transaction".into(),
        sql: sql.to_owned(),
        cause: source,
    };
    if conn.remote {
        let owned = sql.to_owned();
        let work = |c: libsql::Connection| async move { c.execute_batch(&owned).await };
        return conn.detached("transaction", work, failed).await.map(drop);
    }
    conn.conn.execute_batch(sql).await.map(drop).map_err(failed)
}

/// Forgets the transaction's writes and rolls it back; whether the connection is clean after it.
/// A connection whose request timed out is not asked (the server ends its transaction; waiting
/// for it would only add another timeout): it is not clean, and the caller discards it.
async fn rollback(pooled: &mut Pooled) -> bool {
    let conn = pooled.get();
    conn.writes.discard();
    if conn.broken.load(std::sync::atomic::Ordering::Relaxed) {
        return false;
    }
    if conn.tx_ended.take().is_some() && conn.conn.is_autocommit() {
        // The engine already ended it (see `Connection::tx_ended`).
        return true;
    }
    exec(pooled, "ROLLBACK").await.is_ok()
}

/// The error of a transaction the engine ended itself, if it did (see `Connection::tx_ended`).
fn ended(pooled: &mut Pooled) -> Option<Error> {
    let statement = pooled.get().tx_ended.clone()?;
    Some(Error::TransactionEnded {
        statement: statement.into(),
    })
}

/// Runs `body` inside a transaction on `db` (a savepoint when this task already has one on `db`).
pub(crate) async fn run<T, E, F>(db: &Db, mode: TxMode, body: F) -> std::result::Result<T, E>
where
    F: Future<Output = std::result::Result<T, E>>,
    E: From<Error>,
{
    // Boxed: a transaction's body holds whole call trees, and nested transactions nest them;
    // on the heap they cost one allocation per transaction instead of deep poll frames.
    let body = Box::pin(body);
    match current(db) {
        Some(parent) => Box::pin(savepoint(db, &parent, body)).await,
        None => Box::pin(outermost(db, mode, body)).await,
    }
}

async fn outermost<T, E, F>(db: &Db, mode: TxMode, body: F) -> std::result::Result<T, E>
where
    F: Future<Output = std::result::Result<T, E>>,
    E: From<Error>,
{
    // A writing transaction waits for its turn in the writer lane (see `lane`), holding no
    // connection; a deferred one (mostly reads) does not, and meets other writers at its first
    // write. Held until the transaction ends; dropped after `guard`, so after the rollback.
    let turn = match mode {
        TxMode::Deferred => None,
        TxMode::Immediate | TxMode::Exclusive => db.writer_turn("transaction").await?,
    };
    let budget = turn.as_ref().map_or(db.busy_timeout(), |turn| turn.budget);
    // BEGIN IMMEDIATE waits for the write lock here, without blocking the thread (see `busy`).
    let mut pooled = db.acquire().await?;
    let connection = pooled.get();
    // A transaction the engine ended and that was then dropped left its mark: not this one's.
    connection.tx_ended = None;
    busy::retry(budget, || connection.control(mode.begin(), "transaction")).await?;
    let conn = TxConn::new(pooled);
    let mut guard = RollbackOnDrop {
        conn: Some(Arc::clone(&conn)),
        savepoint: None,
        depth: 0,
    };
    let scope = with_scope(Active {
        db: db.id(),
        conn: Arc::clone(&conn),
        depth: 0,
    });
    let result = SCOPE.scope(scope, body).await;
    guard.disarm();
    // Waits for the rollback of a nested scope cancelled in the body, if one still runs (remote,
    // in a task of its own): nothing of it may be committed.
    let mut pooled = conn.lock_at(0).await;
    // A body that returned `Ok` although the engine ended its transaction (it handled the
    // error of the statement that did): it failed.
    let result = match (result, ended(&mut pooled)) {
        (Ok(_), Some(error)) => Err(E::from(error)),
        (result, _) => result,
    };
    match result {
        Ok(value) => match commit(db, &mut pooled).await {
            Ok(()) => {
                // Committed: the caches learned what it wrote (see `commit`).
                drop(pooled);
                db.after_commit().await;
                Ok(value)
            }
            Err(error) => {
                // A failed COMMIT (SQLITE_BUSY, disk full, read-only) leaves the transaction open.
                if !rollback(&mut pooled).await {
                    pooled.discard();
                }
                Err(E::from(commit_failed(error)))
            }
        },
        Err(error) => {
            if !rollback(&mut pooled).await {
                pooled.discard();
            }
            Err(error)
        }
    }
}

/// Sends `COMMIT`, publishing the transaction's writes in two phases: in flux before it, bumped
/// after it succeeded. If the future is dropped while it is in flight (remote), or the server's
/// answer is lost, the server may have committed: the writes are published then, and again
/// later (see `publish::republish_later`).
async fn commit(db: &Db, pooled: &mut Pooled) -> Result<()> {
    struct InFlight<'a> {
        db: &'a Db,
        publication: Option<Publication<'a>>,
        request_timeout: Option<std::time::Duration>,
    }
    impl InFlight<'_> {
        fn uncertain(&mut self) {
            let Some(publication) = self.publication.take() else {
                return;
            };
            match self.request_timeout {
                Some(request_timeout) => {
                    let (entered, written) = publication.defer();
                    super::publish::republish_later(self.db, entered, written, request_timeout);
                }
                None => publication.commit(),
            }
        }
    }
    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.uncertain();
        }
    }
    let conn = pooled.get();
    let mut in_flight = InFlight {
        db,
        publication: Some(conn.writes.enter(db.generations())),
        request_timeout: conn.remote.then_some(conn.request_timeout).flatten(),
    };
    let result = exec(pooled, "COMMIT").await;
    match (&result, in_flight.request_timeout) {
        (Ok(()), _) => {
            if let Some(publication) = in_flight.publication.take() {
                publication.commit();
            }
        }
        // A remote COMMIT that failed may still have been applied (a lost answer, a dropped
        // stream): publish as if it had been.
        (Err(_), Some(_)) => in_flight.uncertain(),
        (Err(_), _) => {
            if let Some(publication) = in_flight.publication.take() {
                publication.rollback();
            }
        }
    }
    result
}

fn commit_failed(error: Error) -> Error {
    match error {
        Error::Sql {
            sql, cause: source, ..
        } => Error::Sql {
            statement: "transaction commit (rolled back; no change was kept)".into(),
            sql,
            cause: source,
        },
        other => other,
    }
}

/// The handle given to [`Db::transaction`]'s closure. It dereferences to the [`Db`]: every call
/// on it — and every `#[prepared]` method on the same `Db` — runs inside the transaction while the
/// closure's future runs.
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// db.execute_batch("CREATE TABLE t (x INTEGER)").await?;
/// db.transaction(|tx| async move {
///     tx.execute("INSERT INTO t VALUES (1)", &[]).await?;
///     tx.execute("INSERT INTO t VALUES (2)", &[]).await?;
///     Ok::<_, larder::Error>(())
/// })
/// .await?;
/// assert_eq!(db.fetch_one::<i64>("SELECT count(*) FROM t", &[]).await?, 2);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct Transaction {
    db: Db,
}

impl Deref for Transaction {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}

impl Db {
    /// Runs `f` in one transaction (`BEGIN IMMEDIATE`): commits when it returns `Ok`, rolls back
    /// when it returns `Err`, panics, or is dropped before it finishes. Calls on this `Db` made
    /// while the future runs — directly or through `#[prepared]` methods — use the transaction's
    /// connection; tasks spawned from it do not. Inside another transaction on the same `Db` it is
    /// a savepoint: its rollback undoes only its own part.
    ///
    /// # Errors
    /// `f`'s error, or [`Error::Sql`] when `BEGIN` or `COMMIT` fails (a failed commit is rolled
    /// back: nothing of the transaction stays), or [`Error::PoolTimeout`].
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.execute_batch("CREATE TABLE t (x INTEGER UNIQUE)").await?;
    /// let failed = db
    ///     .transaction(|tx| async move {
    ///         tx.execute("INSERT INTO t VALUES (1)", &[]).await?;
    ///         tx.execute("INSERT INTO t VALUES (1)", &[]).await // violates UNIQUE
    ///     })
    ///     .await;
    /// assert!(failed.is_err());
    /// assert_eq!(db.fetch_one::<i64>("SELECT count(*) FROM t", &[]).await?, 0);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn transaction<T, E, F, Fut>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(Transaction) -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        self.transaction_with(TxMode::default(), f).await
    }

    /// [`transaction`](Self::transaction) with an explicit [`TxMode`].
    ///
    /// # Errors
    /// As [`transaction`](Self::transaction).
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// let n = db
    ///     .transaction_with(larder::TxMode::Deferred, |tx| async move {
    ///         tx.fetch_one::<i64>("SELECT 1", &[]).await
    ///     })
    ///     .await?;
    /// assert_eq!(n, 1);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn transaction_with<T, E, F, Fut>(
        &self,
        mode: TxMode,
        f: F,
    ) -> std::result::Result<T, E>
    where
        F: FnOnce(Transaction) -> Fut,
        Fut: Future<Output = std::result::Result<T, E>>,
        E: From<Error>,
    {
        run(self, mode, f(Transaction { db: self.clone() })).await
    }

    /// Whether this task is inside a transaction on this `Db`.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert!(!db.in_transaction());
    /// let inside = db.transaction(|tx| async move { Ok::<_, larder::Error>(tx.in_transaction()) }).await?;
    /// assert!(inside);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn in_transaction(&self) -> bool {
        current(self).is_some()
    }

    /// The connection for one statement.
    pub(crate) async fn lease(&self) -> Result<Lease> {
        match current(self) {
            Some(active) => Ok(Lease::Transaction(active.conn.lock_at(active.depth).await)),
            None => Ok(Lease::Pool(self.acquire().await?)),
        }
    }
}
