//! `Db::execute_batch`: several statements of raw SQL, run one by one so that each can wait for
//! the write lock without blocking the thread.

use std::time::Duration;

use crate::conn::busy;
use crate::conn::pool::Connection;
use crate::conn::split;
use crate::conn::statement::Source;
use crate::db::exec::{budget, still_in_transaction};
use crate::db::publish::StatementWrites;
use crate::db::Db;
use crate::error::{Error, Result};

impl Db {
    /// Runs several `;`-separated statements without parameters (schema, migrations). Nothing is
    /// cached.
    ///
    /// # Errors
    /// [`Error::Sql`] for the first statement that fails; earlier ones stay applied unless the
    /// text wraps them in `BEGIN; ... COMMIT;`.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.execute_batch("CREATE TABLE a (x); CREATE TABLE b (y);").await?;
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn execute_batch(&self, sql: &str) -> Result<()> {
        let turn = self.writer_turn("batch").await?;
        let budget = budget(self, turn.as_ref());
        let mut lease = self.lease().await?;
        let autocommit = !lease.in_transaction();
        let conn = lease.get();
        still_in_transaction(conn, autocommit)?;
        // Raw SQL: larder cannot tell beforehand what it will write (nor whether it ends a
        // transaction), so it counts as a write of everything, marked in flux before it runs —
        // and as a change of the schema if the engine saw one while it ran (or cannot say).
        let recorder = conn.recorder.clone();
        if let Some(recorder) = &recorder {
            recorder.clear();
        }
        let mut writes = StatementWrites::new(self, conn, Source::Dynamic(sql), autocommit);
        writes.before_everything(recorder.is_none());
        let result = self.batch(conn, sql, budget).await;
        writes.returned();
        if recorder
            .and_then(|r| r.take())
            .is_some_and(|learned| learned.schema)
        {
            writes.schema_changed();
        }
        drop(writes);
        // A batch may hold its own COMMIT or ROLLBACK.
        self.engine_ended(lease.get(), Source::Dynamic(sql), autocommit);
        if autocommit {
            drop(lease);
            drop(turn);
            self.after_commit().await;
        }
        result
    }

    /// Runs a batch. Locally statement by statement, each waiting for the write lock without
    /// blocking the thread (see `busy`; one that failed with `SQLITE_BUSY` changed nothing, so it
    /// runs again, where the statements before it stay applied either way). A remote batch is
    /// one request: the server waits for its own locks.
    async fn batch(&self, conn: &Connection, sql: &str, budget: Duration) -> Result<()> {
        let failed = |statement: &str| {
            let statement = statement.trim().to_owned();
            move |source| Error::Sql {
                statement: "batch".into(),
                sql: statement,
                cause: source,
            }
        };
        if conn.remote {
            let owned = sql.to_owned();
            let work = |c: libsql::Connection| async move { c.execute_batch(&owned).await };
            return conn.detached("batch", work, failed(sql)).await.map(drop);
        }
        let started = std::time::Instant::now();
        for statement in split::statements(sql) {
            busy::retry(budget.saturating_sub(started.elapsed()), || async {
                conn.conn
                    .execute_batch(statement)
                    .await
                    .map(drop)
                    .map_err(failed(statement))
            })
            .await?;
        }
        Ok(())
    }
}
