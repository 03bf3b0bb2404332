//! Rolling a transaction back when its future is dropped (cancellation) or panics.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::Duration;

use super::nested::end_savepoint;
use super::rollback;
use crate::conn::detached;
use crate::conn::tx_conn::TxConn;

/// Ends the transaction, if nothing else did, when dropped: the path taken on panic and on
/// cancellation. A local connection rolls back right here. A remote one rolls back in a task
/// (nothing can be awaited in `drop`), after the request its owner was waiting for has been
/// answered (see `detached`); meanwhile the connection is not handed out, and a nested scope's
/// parent waits for it as for any open nested scope.
pub(super) struct RollbackOnDrop {
    pub(super) conn: Option<Arc<TxConn>>,
    pub(super) savepoint: Option<String>,
    /// The scope's depth: its savepoint's number, 0 for the outermost transaction.
    pub(super) depth: u32,
}

impl RollbackOnDrop {
    pub(super) fn disarm(&mut self) -> Option<Arc<TxConn>> {
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
                runtime.spawn(roll_back_later(conn, savepoint, self.depth));
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
async fn roll_back_later(conn: Arc<TxConn>, savepoint: Option<String>, depth: u32) {
    // Deeper scopes dropped with this one roll back first (each in its task).
    let mut pooled = conn.lock_at(depth).await;
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
