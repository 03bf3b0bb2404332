//! Transactions: one pooled connection, placed in a task-local scope so that every call on the
//! same `Db` made while the transaction's future runs (directly or through other methods) uses it.
//!
//! Commit on `Ok`, roll back on `Err`, on panic and when the future is dropped (cancellation).
//! Nested transactions on the same `Db` are savepoints.

use std::future::Future;
use std::ops::Deref;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::Duration;

use crate::conn::busy;
use crate::conn::detached;
use crate::conn::pool::{Connection, Pooled};
use crate::conn::tx_conn::{TxConn, TxGuard};
use crate::conn::writes::Publication;
use crate::db::Db;
use crate::error::{Error, Result};

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

/// Ends the transaction, if nothing else did, when dropped: the path taken on panic and on
/// cancellation. A local connection rolls back right here. A remote one rolls back in a task
/// (nothing can be awaited in `drop`), after the request its owner was waiting for has been
/// answered (see `detached`); meanwhile the connection is not handed out, and a nested scope's
/// parent waits for it as for any open nested scope.
struct RollbackOnDrop {
    conn: Option<Arc<TxConn>>,
    savepoint: Option<String>,
}

impl RollbackOnDrop {
    fn disarm(&mut self) -> Option<Arc<TxConn>> {
        self.conn.take()
    }
}

impl Drop for RollbackOnDrop {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // Inner futures are dropped before this guard, so nobody holds the lock.
        let Some(mut pooled) = conn.try_lock() else {
            return;
        };
        let savepoint = self.savepoint.take();
        if pooled.get().remote {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                drop(pooled);
                runtime.spawn(roll_back_later(conn, savepoint));
                return;
            }
        }
        let connection = pooled.get();
        let undo = match &savepoint {
            Some(name) => format!("ROLLBACK TO {name}; RELEASE {name}"),
            None => {
                connection.writes.discard();
                connection.tx_ended = None;
                "ROLLBACK".to_owned()
            }
        };
        // A local connection finishes at once: poll once.
        let done = {
            let mut fut = pin!(connection.conn.execute_batch(&undo));
            let poll = fut.as_mut().poll(&mut Context::from_waker(Waker::noop()));
            matches!(poll, std::task::Poll::Ready(Ok(_)))
        };
        if let Some(name) = &savepoint {
            if !done && connection.tx_ended.is_none() {
                // The savepoint's writes may still be there: the transaction must not commit.
                connection.tx_ended =
                    Some(format!("the cancelled nested transaction {name}").into());
            }
            connection.savepoints = connection.savepoints.saturating_sub(1);
            drop(pooled);
            conn.scope_ended();
        }
    }
}

/// The remote half of [`RollbackOnDrop`]: waits (at most the request timeout) for the request
/// the dropped owner left in flight, then rolls back — to the savepoint, or the whole
/// transaction, so that the server lets go of its write lock now rather than when it expires the
/// stream. A connection that cannot be rolled back is closed; a savepoint that cannot be rolled
/// back fails its transaction.
async fn roll_back_later(conn: Arc<TxConn>, savepoint: Option<String>) {
    let mut pooled = conn.lock().await;
    let connection = pooled.get();
    let limit = connection
        .request_timeout
        .unwrap_or(Duration::from_secs(30));
    let answered = tokio::time::timeout(limit, detached::take_turn(&connection.turn)).await;
    let ended = match answered {
        Ok(turn) => {
            drop(turn);
            // The answer was read: the stream is where the server thinks it is.
            connection
                .broken
                .store(false, std::sync::atomic::Ordering::Relaxed);
            match &savepoint {
                Some(name) => end_savepoint(&mut pooled, name, false).await.is_ok(),
                None => rollback(&mut pooled).await,
            }
        }
        Err(_) => false,
    };
    match savepoint {
        Some(name) => {
            let connection = pooled.get();
            if !ended && connection.tx_ended.is_none() {
                connection.tx_ended =
                    Some(format!("the cancelled nested transaction {name}").into());
            }
            connection.savepoints = connection.savepoints.saturating_sub(1);
            drop(pooled);
            conn.scope_ended();
        }
        None if !ended => pooled.discard(),
        None => {}
    }
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
    };
    let scope = with_scope(Active {
        db: db.id(),
        conn: Arc::clone(&conn),
        depth: 0,
    });
    let result = SCOPE.scope(scope, body).await;
    guard.disarm();
    let mut pooled = conn.lock().await;
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

/// How deep transactions may nest (savepoints under one transaction).
const MAX_NESTING: u32 = 32;

/// A nested transaction inside `parent`: a savepoint, held for the whole of `body` — sibling
/// scopes and statements of `parent` wait meanwhile (see [`Active`]).
async fn savepoint<T, E, F>(db: &Db, parent: &Active, body: F) -> std::result::Result<T, E>
where
    F: Future<Output = std::result::Result<T, E>>,
    E: From<Error>,
{
    let conn = &parent.conn;
    let depth = parent.depth + 1;
    let name = format!("larder_{depth}");
    {
        let mut pooled = conn.lock_at(parent.depth).await;
        still_in_transaction(&mut pooled).map_err(E::from)?;
        if depth > MAX_NESTING {
            // Each level is a savepoint and a chain of poll frames: a debug build overflows a
            // 2 MiB thread between 45 and 60 levels of a recursive `Db::transaction`.
            return Err(E::from(Error::Misuse(format!(
                "transactions nested more than {MAX_NESTING} deep on one connection; larder \
                 refuses deeper nesting (each level is a savepoint and a chain of stack frames): \
                 flatten the recursion, or run the inner work without its own transaction"
            ))));
        }
        exec(&mut pooled, &format!("SAVEPOINT {name}")).await?;
        pooled.get().savepoints = depth;
    }
    let mut guard = RollbackOnDrop {
        conn: Some(Arc::clone(conn)),
        savepoint: Some(name.clone()),
    };
    let scope = with_scope(Active {
        db: db.id(),
        conn: Arc::clone(conn),
        depth,
    });
    let result = SCOPE.scope(scope, body).await;
    guard.disarm();
    let mut pooled = conn.lock().await;
    let ended = end_savepoint(&mut pooled, &name, result.is_ok()).await;
    pooled.get().savepoints = parent.depth;
    drop(pooled);
    conn.scope_ended();
    match (result, ended) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(error)) => Err(E::from(error)),
        // The body's own error, not the rollback's (which ended the whole transaction).
        (Err(error), _) => Err(error),
    }
}

/// Releases the savepoint `name` — rolled back to first unless `keep`. When that fails, or the
/// engine already ended the transaction, the whole transaction is rolled back and fails (its
/// later statements are refused): what the savepoint held is unknown.
async fn end_savepoint(pooled: &mut Pooled, name: &str, keep: bool) -> Result<()> {
    if let Some(error) = ended(pooled) {
        // No savepoint is left to roll back to or release: the whole transaction is gone.
        return Err(error);
    }
    let undo = if keep {
        format!("RELEASE {name}")
    } else {
        format!("ROLLBACK TO {name}; RELEASE {name}")
    };
    let Err(error) = exec_batch(pooled, &undo).await else {
        return Ok(());
    };
    let statement = format!("`{undo}` ({error})");
    let _ = exec(pooled, "ROLLBACK").await;
    let conn = pooled.get();
    conn.writes.discard();
    conn.tx_ended = Some(statement.as_str().into());
    Err(Error::TransactionEnded { statement })
}

/// Inside a transaction the engine ended: an error, and nothing runs.
fn still_in_transaction(pooled: &mut Pooled) -> Result<()> {
    ended(pooled).map_or(Ok(()), Err)
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
