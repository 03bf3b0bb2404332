//! The connection of an open transaction, shared by the calls its task makes.
//!
//! Only the transaction's own task uses it, one call after another, so the lock is almost never
//! contended; it exists for bodies that run calls concurrently (`join!`). An atomic flag plus a
//! `Notify` costs two uncontended atomic operations per call, where `tokio::sync::Mutex` costs a
//! semaphore acquire and a release that takes an internal lock (measured in the bulk-insert bench:
//! it was a fifth of larder's per-row overhead).

use std::cell::UnsafeCell;
use std::ops::{Deref, DerefMut};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

use crate::conn::pool::Pooled;

pub(crate) struct TxConn {
    busy: AtomicBool,
    released: Notify,
    /// A nested scope (savepoint) ended: statements and scopes of its parent may go on.
    scope_ended: Notify,
    conn: UnsafeCell<Pooled>,
}

// SAFETY: `conn` is only reached through a `TxGuard`, and at most one guard exists at a time:
// a guard is created only by the thread that swapped `busy` from false to true, and `busy`
// returns to false only when that guard is dropped (Acquire/Release order the accesses).
unsafe impl Sync for TxConn {}

impl TxConn {
    pub(crate) fn new(conn: Pooled) -> Arc<TxConn> {
        Arc::new(TxConn {
            busy: AtomicBool::new(false),
            released: Notify::new(),
            scope_ended: Notify::new(),
            conn: UnsafeCell::new(conn),
        })
    }

    /// The connection, when no other call of the transaction is using it.
    pub(crate) fn try_lock(self: &Arc<Self>) -> Option<TxGuard> {
        self.busy
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| TxGuard {
                tx: Arc::clone(self),
            })
    }

    /// The connection, waiting for a concurrent call of the same transaction to finish.
    pub(crate) async fn lock(self: &Arc<Self>) -> TxGuard {
        loop {
            if let Some(guard) = self.try_lock() {
                return guard;
            }
            let mut released = pin!(self.released.notified());
            // Registered before the second check, so a release in between is not missed.
            released.as_mut().enable();
            if let Some(guard) = self.try_lock() {
                return guard;
            }
            released.await;
        }
    }
}

impl TxConn {
    /// The connection for a statement or a nested scope of the scope at `depth` (that many
    /// savepoints open): waits, without holding the connection, while a deeper scope — a
    /// sibling's nested transaction — is open, so nothing runs inside another scope's savepoint.
    pub(crate) async fn lock_at(self: &Arc<Self>, depth: u32) -> TxGuard {
        loop {
            let mut guard = self.lock().await;
            if guard.get().savepoints <= depth {
                return guard;
            }
            let mut ended = pin!(self.scope_ended.notified());
            // Registered while the connection is held: the scope can end only after it is let go.
            ended.as_mut().enable();
            drop(guard);
            ended.await;
        }
    }

    /// A nested scope ended (its savepoint is released or rolled back): wakes everyone waiting
    /// in [`lock_at`](Self::lock_at).
    pub(crate) fn scope_ended(&self) {
        self.scope_ended.notify_waiters();
    }
}

/// Exclusive use of a transaction's connection; released when dropped.
pub(crate) struct TxGuard {
    tx: Arc<TxConn>,
}

impl Deref for TxGuard {
    type Target = Pooled;

    fn deref(&self) -> &Pooled {
        // SAFETY: this guard holds `busy` (see `TxConn`).
        unsafe { &*self.tx.conn.get() }
    }
}

impl DerefMut for TxGuard {
    fn deref_mut(&mut self) -> &mut Pooled {
        // SAFETY: this guard holds `busy` (see `TxConn`), and `&mut self` makes this the only
        // reference made through it.
        unsafe { &mut *self.tx.conn.get() }
    }
}

impl Drop for TxGuard {
    fn drop(&mut self) {
        self.tx.busy.store(false, Ordering::Release);
        self.tx.released.notify_one();
    }
}
