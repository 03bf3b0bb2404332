//! The writer lane: one `Db`'s writers take turns, first come first served, before they take a
//! connection.
//!
//! SQLite has one writer at a time. Without a lane, every writer of a `Db` takes a pooled
//! connection and then retries `SQLITE_BUSY` until the lock is free (see `busy`): writers that
//! wait hold connections that readers need (a read fails with `PoolTimeout` behind two waiting
//! batches), an autocommit writer can fail for want of a connection long before its busy
//! timeout, and the retry loop is a lottery — under a load of batches, one can lose every draw
//! until its busy timeout while others commit thousands of rows. In the lane, a writer waits in
//! a FIFO queue (tokio's semaphore is fair) holding nothing; only the writer at the head takes a
//! connection and the write lock, so the busy-retry loop meets only other processes' (and other
//! `Db`s') writers. Readers never enter it: in WAL mode they never wait for a writer.
//!
//! The wait in the lane counts against the busy timeout: a writer waits at most that long in
//! all for the write lock, then fails with `Error::Busy`. Remote databases and replicas have no
//! lane: the server queues writers itself.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::{Error, Result};

/// The lane of one `Db`.
pub(crate) struct WriterLane {
    turn: Semaphore,
    queued: AtomicUsize,
}

/// A writer's turn in the lane, and what is left of its busy timeout.
pub(crate) struct Turn<'a> {
    _permit: SemaphorePermit<'a>,
    /// The busy timeout minus the time spent in the lane.
    pub(crate) budget: Duration,
}

impl WriterLane {
    pub(crate) fn new() -> WriterLane {
        WriterLane {
            turn: Semaphore::new(1),
            queued: AtomicUsize::new(0),
        }
    }

    /// Writers waiting for their turn (not counting the one writing).
    pub(crate) fn queued(&self) -> usize {
        self.queued.load(Relaxed)
    }

    /// Waits for this writer's turn, at most `busy_timeout`.
    pub(crate) async fn enter(&self, busy_timeout: Duration, statement: &str) -> Result<Turn<'_>> {
        match self.turn.try_acquire() {
            Ok(permit) => Ok(Turn {
                _permit: permit,
                budget: busy_timeout,
            }),
            // Boxed: the queue's timer would enlarge every write's future.
            Err(_) => Box::pin(self.wait(busy_timeout, statement)).await,
        }
    }

    async fn wait(&self, busy_timeout: Duration, statement: &str) -> Result<Turn<'_>> {
        /// Counts the writer out of the queue however the wait ends (also when dropped).
        struct Queued<'a>(&'a AtomicUsize);
        impl Drop for Queued<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Relaxed);
            }
        }
        self.queued.fetch_add(1, Relaxed);
        let queued = Queued(&self.queued);
        let started = Instant::now();
        let waited = tokio::time::timeout(busy_timeout, self.turn.acquire()).await;
        drop(queued);
        match waited {
            Ok(Ok(permit)) => Ok(Turn {
                _permit: permit,
                budget: busy_timeout.saturating_sub(started.elapsed()),
            }),
            Ok(Err(_)) => unreachable!("the lane's semaphore is never closed"),
            Err(_) => Err(Error::Busy {
                statement: statement.to_owned(),
                waited: started.elapsed(),
                busy_timeout,
            }),
        }
    }
}
