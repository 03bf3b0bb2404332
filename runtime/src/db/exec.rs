//! Running statements: one code path for `#[prepared]` sites and dynamic SQL.

use std::borrow::Cow;
use std::time::Duration;

use libsql::params::Params;
use libsql::Value;

use crate::conn::busy;
use crate::conn::detached;
use crate::conn::gone;
use crate::conn::lane::Turn;
use crate::conn::pool::Connection;
use crate::conn::statement::{CachedStatement, ResetOnDrop, Source, StatementRegistry};
use crate::db::learning;
use crate::db::publish::StatementWrites;
use crate::db::tx::Lease;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::types::in_list;
use crate::types::row::{ColumnMap, FromRow, RowRef};
use crate::types::value::Encode;

/// One parameter of a dynamic statement; build a list with [`params!`](crate::params!).
///
/// ```
/// let id = 7_i64;
/// let list: &[larder::Param<'_>] = larder::params![id, "text", None::<f64>];
/// assert_eq!(list.len(), 3);
/// ```
pub type Param<'a> = &'a (dyn Encode + Sync);

/// Where the rows of one call go: a `Vec` for all of them, an `Option` for at most one (a second
/// row is [`Error::TooManyRows`], found before it is decoded).
pub(crate) trait Collect<T>: Default {
    /// Whether another row would be one too many.
    fn is_full(&self) -> bool;
    fn push(&mut self, row: T);
}

impl<T> Collect<T> for Vec<T> {
    fn is_full(&self) -> bool {
        false
    }

    fn push(&mut self, row: T) {
        Vec::push(self, row);
    }
}

impl<T> Collect<T> for Option<T> {
    fn is_full(&self) -> bool {
        self.is_some()
    }

    fn push(&mut self, row: T) {
        *self = Some(row);
    }
}

impl Db {
    /// Runs `source` with `params` and reads its rows as `T`; a write in autocommit mode waits
    /// for the write lock (see `busy`). A remote read outside a transaction whose connection's
    /// stream the server forgot runs once more, on a new connection (see `gone`).
    pub(crate) async fn fetch<T: FromRow, C: Collect<T>>(
        &self,
        source: Source<'_>,
        params: Vec<Value>,
    ) -> Result<C> {
        if self.inner.remote && !source.may_write() {
            return Box::pin(self.fetch_remote_read(source, params)).await;
        }
        // Boxed: the statement's future (writer turn, lease, retry loop, libSQL's own) is
        // kilobytes, and every generated method's future would hold it by value; one allocation
        // beside a statement execution costs under 1 %.
        Box::pin(self.fetch_first(source, params)).await
    }

    async fn fetch_remote_read<T: FromRow, C: Collect<T>>(
        &self,
        source: Source<'_>,
        params: Vec<Value>,
    ) -> Result<C> {
        let again = params.clone();
        match self.fetch_first(source, params).await {
            Err(error) if gone::stream_gone(&error) => {
                self.inner.pool.forget_idle();
                if self.in_transaction() {
                    // The transaction was on the forgotten stream: it is gone with it.
                    return Err(error);
                }
                self.fetch_first(source, again).await
            }
            other => other,
        }
    }

    async fn fetch_first<T: FromRow, C: Collect<T>>(
        &self,
        source: Source<'_>,
        params: Vec<Value>,
    ) -> Result<C> {
        let turn = match source.may_write() {
            true => self.writer_turn(source.name()).await?,
            false => None,
        };
        let lease = self.lease().await?;
        let autocommit = !lease.in_transaction();
        // On WAL file databases a read never meets `SQLITE_BUSY`.
        let retry = autocommit && (!self.inner.reads_never_busy || source.may_write());
        let budget = budget(self, turn.as_ref());
        let result = self
            .retrying(retry, budget, lease, params, |lease, params| {
                self.fetch_once(lease, source, params)
            })
            .await;
        drop(turn);
        if autocommit && source.may_write() {
            self.after_commit().await;
        }
        result
    }

    /// This writer's turn in the `Db`'s writer lane (see `lane`), taken before a connection.
    /// `None` inside a transaction (its outermost scope holds the turn) and for remote databases.
    pub(crate) async fn writer_turn(&self, statement: &str) -> Result<Option<Turn<'_>>> {
        let Some(lane) = &self.inner.pool.lane else {
            return Ok(None);
        };
        if self.in_transaction() {
            return Ok(None);
        }
        lane.enter(self.inner.busy_timeout, statement)
            .await
            .map(Some)
    }

    /// Runs `once` with `lease`; when `retry`, again on `SQLITE_BUSY` with a fresh lease until
    /// the busy timeout (see `busy`). Only autocommit statements are retried: one that failed with
    /// `SQLITE_BUSY` changed nothing.
    async fn retrying<T, F, Fut>(
        &self,
        retry: bool,
        budget: Duration,
        lease: Lease,
        params: Vec<Value>,
        once: F,
    ) -> Result<T>
    where
        F: Fn(Lease, Vec<Value>) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        if !retry {
            return once(lease, params).await;
        }
        // Boxed: reads of WAL files and statements inside transactions (the bulk of calls) take the
        // branch above; inline, the retry loop would enlarge their futures too. Autocommit writes
        // and non-WAL reads pay one allocation here.
        let mut lease = Some(lease);
        let once = &once;
        Box::pin(busy::retry(budget, || {
            let lease = lease.take();
            let params = params.clone();
            async move {
                let lease = match lease {
                    Some(lease) => lease,
                    None => self.lease().await?,
                };
                once(lease, params).await
            }
        }))
        .await
    }

    async fn fetch_once<T: FromRow, C: Collect<T>>(
        &self,
        mut lease: Lease,
        source: Source<'_>,
        params: Vec<Value>,
    ) -> Result<C> {
        let autocommit = !lease.in_transaction();
        let conn = lease.get();
        still_in_transaction(conn, autocommit)?;
        let mut writes = StatementWrites::new(self, conn, source, autocommit);
        let schema = self.generations().schema();
        let registry = &self.inner.statements;
        let result = read_rows(conn, source, params, registry, schema, &mut writes).await;
        writes.returned();
        drop(writes);
        self.engine_ended(conn, source, autocommit);
        result
    }

    /// Inside a transaction: whether the engine ended it during `source` (see
    /// [`Connection::tx_ended`]); if so, the caches treat everything as written — whatever it
    /// committed or rolled back — and nothing more runs in it.
    pub(super) fn engine_ended(&self, conn: &mut Connection, source: Source<'_>, autocommit: bool) {
        if autocommit || conn.replica || conn.tx_ended.is_some() || !conn.conn.is_autocommit() {
            return;
        }
        conn.tx_ended = Some(source.name().into());
        conn.writes.discard();
        conn.writes.all();
        conn.writes.enter(self.generations()).commit();
    }

    /// Runs `source`, which must not return rows, and returns the number of rows it changed; in
    /// autocommit mode it waits for the write lock (see `busy`).
    pub(crate) async fn run(&self, source: Source<'_>, params: Vec<Value>) -> Result<u64> {
        // Boxed for the reason given in `fetch`.
        Box::pin(self.run_unboxed(source, params)).await
    }

    async fn run_unboxed(&self, source: Source<'_>, params: Vec<Value>) -> Result<u64> {
        let turn = self.writer_turn(source.name()).await?;
        let lease = self.lease().await?;
        let autocommit = !lease.in_transaction();
        let budget = budget(self, turn.as_ref());
        let result = self
            .retrying(autocommit, budget, lease, params, |lease, params| {
                self.run_once(lease, source, params)
            })
            .await;
        drop(turn);
        if result.as_ref().is_err_and(gone::stream_gone) {
            // Not run again: the server may have applied it before it forgot the stream.
            self.inner.pool.forget_idle();
        }
        if autocommit {
            self.after_commit().await;
        }
        result
    }

    async fn run_once(
        &self,
        mut lease: Lease,
        source: Source<'_>,
        params: Vec<Value>,
    ) -> Result<u64> {
        let autocommit = !lease.in_transaction();
        let conn = lease.get();
        still_in_transaction(conn, autocommit)?;
        let mut writes = StatementWrites::new(self, conn, source, autocommit);
        let schema = self.generations().schema();
        let registry = &self.inner.statements;
        let result = execute(conn, source, params, registry, schema, &mut writes).await;
        writes.returned();
        drop(writes);
        self.engine_ended(conn, source, autocommit);
        result
    }

    /// Runs dynamic SQL and reads every row as `T`. The statement is prepared once per
    /// connection and kept in a bounded LRU (see [`DbBuilder::statement_cache_capacity`](crate::DbBuilder::statement_cache_capacity)).
    ///
    /// # Errors
    /// [`Error::Sql`] from the database, [`Error::Decode`] / [`Error::ColumnNotFound`] when a row
    /// does not fit `T`, [`Error::Encode`] for a parameter that cannot be bound,
    /// [`Error::PoolTimeout`].
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// let squares: Vec<i64> = db
    ///     .fetch_all("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?1)
    ///                 SELECT x * x FROM n", larder::params![4])
    ///     .await?;
    /// assert_eq!(squares, [1, 4, 9, 16]);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn fetch_all<T: FromRow>(&self, sql: &str, params: &[Param<'_>]) -> Result<Vec<T>> {
        let (sql, values) = dynamic(sql, params, self.binds_by_position())?;
        self.fetch::<T, Vec<T>>(Source::Dynamic(&sql), values).await
    }

    /// Runs dynamic SQL that returns at most one row.
    ///
    /// # Errors
    /// As [`fetch_all`](Self::fetch_all), plus [`Error::TooManyRows`] for a second row.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// let none: Option<i64> = db.fetch_optional("SELECT 1 WHERE 0", &[]).await?;
    /// assert_eq!(none, None);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn fetch_optional<T: FromRow>(
        &self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<T>> {
        let (sql, values) = dynamic(sql, params, self.binds_by_position())?;
        self.fetch::<T, Option<T>>(Source::Dynamic(&sql), values)
            .await
    }

    /// Runs dynamic SQL that returns exactly one row.
    ///
    /// # Errors
    /// As [`fetch_optional`](Self::fetch_optional), plus [`Error::NotFound`] for no row.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// let n: i64 = db.fetch_one("SELECT ?1 * 2", larder::params![21]).await?;
    /// assert_eq!(n, 42);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn fetch_one<T: FromRow>(&self, sql: &str, params: &[Param<'_>]) -> Result<T> {
        let (sql, values) = dynamic(sql, params, self.binds_by_position())?;
        one(self.fetch(Source::Dynamic(&sql), values).await?, "dynamic")
    }

    /// Runs one dynamic statement that returns no rows and gives the number of rows changed.
    ///
    /// # Errors
    /// [`Error::Sql`] from the database (including "Execute returned rows" for a SELECT).
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.execute_batch("CREATE TABLE t (x INTEGER)").await?;
    /// assert_eq!(db.execute("INSERT INTO t VALUES (?1), (?2)", larder::params![1, 2]).await?, 2);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn execute(&self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let (sql, values) = dynamic(sql, params, self.binds_by_position())?;
        self.run(Source::Dynamic(&sql), values).await
    }
}

/// What is left of the busy timeout after the writer lane (all of it without a turn).
pub(super) fn budget(db: &Db, turn: Option<&Turn<'_>>) -> Duration {
    turn.map_or(db.inner.busy_timeout, |turn| turn.budget)
}

/// Inside a transaction the engine ended (see [`Connection::tx_ended`]): an error, and nothing
/// runs — it would run in autocommit mode, outside the transaction.
pub(super) fn still_in_transaction(conn: &Connection, autocommit: bool) -> Result<()> {
    match (&conn.tx_ended, autocommit) {
        (Some(statement), false) => Err(Error::TransactionEnded {
            statement: statement.to_string(),
        }),
        _ => Ok(()),
    }
}

/// Runs a statement and reads its rows; the statement is reset when this returns.
async fn read_rows<T: FromRow, C: Collect<T>>(
    conn: &mut Connection,
    source: Source<'_>,
    params: Vec<Value>,
    registry: &StatementRegistry,
    schema: u64,
    writes: &mut StatementWrites<'_>,
) -> Result<C> {
    if conn.replica {
        writes.before(None);
        return read_replica(conn, source, params).await;
    }
    if conn.remote {
        writes.before(None);
        // See `Connection::remote`: no statement cache; the column map is built per call.
        let sql = source.sql().to_owned();
        let work = |c| detached::query(c, sql, Params::Positional(params));
        let fetched = conn
            .detached(source.name(), work, |e| source.sql_error(e))
            .await?;
        let mut columns = ColumnMap::default();
        let map = columns.for_type::<T>(&fetched, source.name())?;
        let mut out = C::default();
        for row in &fetched.rows {
            if out.is_full() {
                return Err(Error::TooManyRows {
                    statement: source.name().to_owned(),
                });
            }
            out.push(T::from_row(&RowRef::new(row, map, source.name()))?);
        }
        return Ok(out);
    }
    let CachedStatement { stmt, columns, .. } =
        prepared(conn, source, registry, schema, writes).await?;
    let _reset = ResetOnDrop(stmt);
    let mut rows = stmt
        .query(Params::Positional(params))
        .await
        .map_err(|e| source.sql_error(e))?;
    let map = columns.for_type::<T>(&rows, source.name())?;
    collect(&mut rows, map, source).await
}

/// Reads an embedded replica's rows: from its local copy (bounded like any request: a read that
/// returns rows may be a write sent to the primary, `INSERT ... RETURNING`).
async fn read_replica<T: FromRow, C: Collect<T>>(
    conn: &Connection,
    source: Source<'_>,
    params: Vec<Value>,
) -> Result<C> {
    let replica = &conn.conn;
    let request = async {
        let mut rows = replica
            .query(source.sql(), Params::Positional(params))
            .await
            .map_err(|e| source.sql_error(e))?;
        let mut columns = ColumnMap::default();
        let map = columns.for_type::<T>(&rows, source.name())?;
        collect(&mut rows, map, source).await
    };
    let timeout = conn.request_timeout;
    Connection::bounded(timeout, &conn.broken, source.name(), request).await
}

/// The statement for `source` on a local connection, prepared under the `schema` counter if
/// needed; what the engine recorded of it is logged on `writes` (and, for a cached method's load,
/// reported to it) before it runs.
async fn prepared<'c>(
    conn: &'c mut Connection,
    source: Source<'_>,
    registry: &StatementRegistry,
    schema: u64,
    writes: &mut StatementWrites<'_>,
) -> Result<&'c mut CachedStatement> {
    let recorder = conn.recorder.as_deref();
    let cached = conn
        .statements
        .get(&conn.conn, recorder, schema, source, registry)
        .await?;
    writes.before(cached.learned.as_deref());
    learning::report(cached.learned.as_ref());
    Ok(cached)
}

/// Reads every row into `C`, stopping at one too many.
async fn collect<T: FromRow, C: Collect<T>>(
    rows: &mut libsql::Rows,
    map: &[usize],
    source: Source<'_>,
) -> Result<C> {
    let mut out = C::default();
    while let Some(row) = rows.next().await.map_err(|e| source.sql_error(e))? {
        if out.is_full() {
            return Err(Error::TooManyRows {
                statement: source.name().to_owned(),
            });
        }
        out.push(T::from_row(&RowRef::new(&row, map, source.name()))?);
    }
    Ok(out)
}

/// Runs a statement that returns no rows; the statement is reset when this returns.
async fn execute(
    conn: &mut Connection,
    source: Source<'_>,
    params: Vec<Value>,
    registry: &StatementRegistry,
    schema: u64,
    writes: &mut StatementWrites<'_>,
) -> Result<u64> {
    if conn.remote {
        writes.before(None);
        let sql = source.sql().to_owned();
        let work = |c: libsql::Connection| async move {
            c.execute(&sql, Params::Positional(params)).await
        };
        return conn
            .detached(source.name(), work, |e| source.sql_error(e))
            .await;
    }
    let cached = prepared(conn, source, registry, schema, writes).await?;
    let _reset = ResetOnDrop(&cached.stmt);
    let changed = cached
        .stmt
        .execute(Params::Positional(params))
        .await
        .map_err(|e| source.sql_error(e))?;
    Ok(changed as u64)
}

/// The parameters' values, and `sql` as it is run (`types::in_list::prepare`): the `IN (?N)` of
/// each list parameter rewritten to read its JSON array, and named placeholders numbered when
/// the statement goes to a server (`by_position`).
fn dynamic<'a>(
    sql: &'a str,
    params: &[Param<'_>],
    by_position: bool,
) -> Result<(Cow<'a, str>, Vec<Value>)> {
    let values = params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.encode()
                .map_err(|e| e.into_encode("dynamic", &format!("?{}", i + 1)))
        })
        .collect::<Result<Vec<Value>>>()?;
    let lists: Vec<bool> = params.iter().map(|p| p.is_list()).collect();
    let sql = in_list::prepare(sql, &lists, by_position).map_err(|(parameter, reason)| {
        Error::Encode {
            statement: "dynamic".to_owned(),
            parameter,
            reason,
        }
    })?;
    Ok((sql, values))
}

/// The only row, or [`Error::NotFound`].
pub(crate) fn one<T>(row: Option<T>, statement: &str) -> Result<T> {
    row.ok_or_else(|| Error::NotFound {
        statement: statement.to_owned(),
    })
}

/// Builds a parameter list for [`Db::fetch_all`] and friends: `larder::params![a, b, "c"]`.
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// let sum: i64 = db.fetch_one("SELECT ?1 + ?2", larder::params![40, 2]).await?;
/// assert_eq!(sum, 42);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[macro_export]
macro_rules! params {
    () => {
        &[] as &[$crate::Param<'_>]
    };
    ($($value:expr),+ $(,)?) => {
        &[$(&$value as $crate::Param<'_>),+] as &[$crate::Param<'_>]
    };
}
