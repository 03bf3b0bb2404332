//! Embedded replicas: a local copy of a remote primary, read locally, written through the
//! primary, brought up to date by `sync`.
//!
//! Cache coherence rests on one rule: **every change to the local copy goes through
//! [`Db::sync`]**, and a sync that applied frames makes every cached entry stale before it
//! returns. libSQL changes the local copy in three ways — an explicit sync, its background sync
//! (`sync_interval`) and the sync it runs after each write when `read_your_writes` is on — and the
//! last two happen where larder cannot see them. So larder asks libSQL for neither: its own
//! background task calls `Db::sync` every `sync_interval`, and after each committed write
//! (autocommit statement or `COMMIT`) it calls `Db::sync` itself when `read_your_writes` is on.
//! That is also cheaper than libSQL's version, which syncs after every statement of a transaction.
//!
//! A frame carries no table names, so a sync that applied frames invalidates everything; one that
//! applied none (the common case of a periodic sync on a quiet primary) invalidates nothing.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Mutex, PoisonError, Weak};
use std::time::Duration;

use serde::Serialize;

use crate::conn::pool::Connection;
use crate::db::{Db, DbInner};
use crate::error::{Error, Result};

/// The replica state of a `Db` opened with [`DbBuilder::replica`](crate::DbBuilder::replica).
pub(crate) struct Replica {
    /// The primary's URL, for messages.
    pub(crate) primary: String,
    /// Sync after each committed write, so that this instance reads what it wrote.
    pub(crate) read_your_writes: bool,
    state: Mutex<State>,
    syncs: AtomicU64,
    advanced: AtomicU64,
    failures: AtomicU64,
    background: Mutex<Option<tokio::task::AbortHandle>>,
}

#[derive(Default)]
struct State {
    frame_no: Option<u64>,
    last_error: Option<String>,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let task = self
            .background
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(task) = task.take() {
            task.abort();
        }
    }
}

impl Replica {
    pub(crate) fn new(primary: String, read_your_writes: bool) -> Replica {
        Replica {
            primary,
            read_your_writes,
            state: Mutex::new(State::default()),
            syncs: AtomicU64::new(0),
            advanced: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            background: Mutex::new(None),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts the background sync: every `interval`, while the `Db` lives.
    pub(crate) fn start_background(&self, inner: Weak<DbInner>, interval: Duration) -> Result<()> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::Config("`sync_interval` needs a Tokio runtime to run its background sync".into())
        })?;
        let task = runtime.spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let Some(inner) = inner.upgrade() else { break };
                // A failure is counted in `replica_stats`; the next tick tries again.
                let _ = (Db { inner }).sync().await;
            }
        });
        *self
            .background
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(task.abort_handle());
        Ok(())
    }
}

/// Counters of an embedded replica, from [`Db::replica_stats`].
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// assert!(db.replica_stats().is_none(), "not a replica");
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ReplicaStats {
    /// The primary's URL.
    pub primary: String,
    /// Successful syncs (explicit, background and after writes).
    pub syncs: u64,
    /// Syncs that applied frames, and so made every cached entry stale.
    pub advanced: u64,
    /// Syncs that failed (the replica kept its state).
    pub failures: u64,
    /// The replication frame number of the local copy after the last successful sync.
    pub frame_no: Option<u64>,
    /// The message of the most recent failure, if any.
    pub last_error: Option<String>,
}

#[cfg_attr(docsrs, doc(cfg(feature = "remote")))]
impl Db {
    /// Brings an embedded replica up to date with its primary and returns the replication frame
    /// number it reached. When the sync applied frames, every cached entry of this `Db` is stale
    /// before this returns: no cached read is older than the local copy it could read.
    ///
    /// # Errors
    /// [`Error::Misuse`] when the `Db` is not a replica; [`Error::Sync`] when the primary cannot
    /// be reached, [`Error::Timeout`] when it does not answer within the request timeout. The
    /// replica keeps serving its last synced state either way.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert!(matches!(db.sync().await, Err(larder::Error::Misuse(_))));
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn sync(&self) -> Result<Option<u64>> {
        let Some(replica) = &self.inner.replica else {
            return Err(Error::Misuse(
                "`sync` is for embedded replicas: open the Db with `Db::builder().replica(path, url, token)`"
                    .into(),
            ));
        };
        let database = self.inner.pool.database();
        let request = async {
            database.sync().await.map_err(|source| Error::Sync {
                target: replica.primary.clone(),
                cause: source,
            })
        };
        let unused = std::sync::atomic::AtomicBool::new(false);
        let result =
            Connection::bounded(self.inner.request_timeout, &unused, "sync", request).await;
        match result {
            Ok(synced) => {
                let frame_no = synced.frame_no();
                let moved = {
                    let mut state = replica.state();
                    let moved = synced.frames_synced() > 0 || state.frame_no != frame_no;
                    state.frame_no = frame_no;
                    moved
                };
                replica.syncs.fetch_add(1, Relaxed);
                if moved {
                    replica.advanced.fetch_add(1, Relaxed);
                    self.invalidate_all();
                }
                Ok(frame_no)
            }
            Err(error) => {
                replica.failures.fetch_add(1, Relaxed);
                replica.state().last_error = Some(error.to_string());
                Err(error)
            }
        }
    }

    /// Sync counters of an embedded replica; `None` for other databases.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert_eq!(db.replica_stats(), None);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn replica_stats(&self) -> Option<ReplicaStats> {
        let replica = self.inner.replica.as_ref()?;
        let state = replica.state();
        Some(ReplicaStats {
            primary: replica.primary.clone(),
            syncs: replica.syncs.load(Relaxed),
            advanced: replica.advanced.load(Relaxed),
            failures: replica.failures.load(Relaxed),
            frame_no: state.frame_no,
            last_error: state.last_error.clone(),
        })
    }
}
