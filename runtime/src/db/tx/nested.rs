//! Nested transactions: savepoints, one open at a time per depth (see [`Active`]).

use std::future::Future;
use std::sync::Arc;

use super::{ended, exec, exec_batch, with_scope, Active, RollbackOnDrop, SCOPE};
use crate::conn::pool::Pooled;
use crate::conn::tx_conn::TxConn;
use crate::db::Db;
use crate::error::{Error, Result};

/// How deep transactions may nest (savepoints under one transaction).
const MAX_NESTING: u32 = 32;

/// A nested transaction inside `parent`: a savepoint, held for the whole of `body` — sibling
/// scopes and statements of `parent` wait meanwhile (see [`Active`]).
pub(super) async fn savepoint<T, E, F>(
    db: &Db,
    parent: &Active,
    body: F,
) -> std::result::Result<T, E>
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
        depth,
    };
    let scope = with_scope(Active {
        db: db.id(),
        conn: Arc::clone(conn),
        depth,
    });
    let result = SCOPE.scope(scope, body).await;
    guard.disarm();
    // Dropped while the savepoint is being released or rolled back (a remote request in
    // flight): its outcome is unknown, so the transaction must not commit; the parent and the
    // siblings go on (to that error) instead of waiting for a scope that will never end.
    let mut ending = Ending {
        conn: Some(Arc::clone(conn)),
        name: &name,
        depth: parent.depth,
    };
    // As in `outermost`: a cancelled deeper scope's rollback finishes first.
    let mut pooled = conn.lock_at(depth).await;
    let ended = end_savepoint(&mut pooled, &name, result.is_ok()).await;
    pooled.get().savepoints = parent.depth;
    drop(pooled);
    ending.conn = None;
    conn.scope_ended();
    match (result, ended) {
        (Ok(value), Ok(())) => Ok(value),
        (Ok(_), Err(error)) => Err(E::from(error)),
        // The body's own error, not the rollback's (which ended the whole transaction).
        (Err(error), _) => Err(error),
    }
}

/// See `savepoint`: the end of a nested scope whose future was dropped before it finished.
struct Ending<'a> {
    conn: Option<Arc<TxConn>>,
    name: &'a str,
    depth: u32,
}

impl Drop for Ending<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        // The lock guard of the interrupted end is dropped before this (declared after it).
        if let Some(mut pooled) = conn.try_lock() {
            let connection = pooled.get();
            if connection.tx_ended.is_none() {
                let what = format!("the cancelled end of nested transaction {}", self.name);
                connection.tx_ended = Some(what.into());
            }
            connection.savepoints = self.depth;
        }
        conn.scope_ended();
    }
}

/// Releases the savepoint `name` — rolled back to first unless `keep`. When that fails, or the
/// engine already ended the transaction, the whole transaction is rolled back and fails (its
/// later statements are refused): what the savepoint held is unknown.
pub(super) async fn end_savepoint(pooled: &mut Pooled, name: &str, keep: bool) -> Result<()> {
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
