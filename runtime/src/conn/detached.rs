//! Requests to a server that finish even when their caller stops waiting.
//!
//! A Hrana stream moves on with every answer (each carries a new baton). A request dropped in
//! flight — a caller's `timeout`, a `select!`, a cancelled transaction — may have been run by the
//! server while the client never saw the new baton: the connection can then neither roll back
//! nor close its stream, and the server keeps the stream's transaction, and its write lock,
//! until it expires the stream (seconds). So every request on a remote connection runs in a task
//! of its own that reads the answer whatever happens to the caller, and holds the connection's
//! turn until then; a rollback after a cancellation takes the turn first (see `tx`).

use std::future::Future;
use std::sync::Arc;

use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::conn::pool::Connection;
use crate::error::{Error, Result};
use crate::types::row::Columns;

/// The rows of a remote statement, read to the end inside its request's task.
pub(crate) struct RemoteRows {
    pub(crate) names: Vec<String>,
    pub(crate) rows: Vec<libsql::Row>,
}

impl Columns for RemoteRows {
    fn count(&self) -> usize {
        self.names.len()
    }

    fn name(&self, index: usize) -> Option<&str> {
        self.names.get(index).map(String::as_str)
    }
}

/// Runs `sql` and reads all of its rows.
pub(crate) async fn query(
    conn: libsql::Connection,
    sql: String,
    params: libsql::params::Params,
) -> libsql::Result<RemoteRows> {
    let mut rows = conn.query(&sql, params).await?;
    let names = (0..rows.column_count())
        .map(|i| rows.column_name(i).unwrap_or_default().to_owned())
        .collect();
    let mut all = Vec::new();
    while let Some(row) = rows.next().await? {
        all.push(row);
    }
    Ok(RemoteRows { names, rows: all })
}

/// Whose turn it is to send a request on one remote connection.
pub(crate) type Turn = Arc<Mutex<()>>;

/// Waits for the turn: the request a dropped caller left running finishes first.
pub(crate) async fn take_turn(turn: &Turn) -> OwnedMutexGuard<()> {
    match Arc::clone(turn).try_lock_owned() {
        Ok(guard) => guard,
        Err(_) => Arc::clone(turn).lock_owned().await,
    }
}

impl Connection {
    /// Runs `work` on this remote connection in a task of its own, bounded (for the caller) by
    /// the request timeout; the task goes on to the server's answer if the caller is dropped.
    pub(crate) async fn detached<R, Fut>(
        &self,
        statement: &str,
        work: impl FnOnce(libsql::Connection) -> Fut,
        failed: impl FnOnce(libsql::Error) -> Error,
    ) -> Result<R>
    where
        Fut: Future<Output = libsql::Result<R>> + Send + 'static,
        R: Send + 'static,
    {
        let turn = take_turn(&self.turn).await;
        let request = work(self.conn.clone());
        let task = tokio::spawn(async move {
            let answer = request.await;
            drop(turn);
            answer
        });
        let joined = async {
            match task.await {
                Ok(answer) => answer.map_err(failed),
                Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
                Err(_) => Err(Error::Misuse(
                    "the async runtime shut down while a request to the server was in flight"
                        .into(),
                )),
            }
        };
        Connection::bounded(self.request_timeout, &self.broken, statement, joined).await
    }
}
