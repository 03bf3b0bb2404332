//! `watch_external_writes`: notices commits by other processes through `PRAGMA data_version`.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// State of `watch_external_writes`: a dedicated connection (so that `data_version` compares
/// commits by every other connection) and when to look next.
pub(crate) struct Watch {
    conn: tokio::sync::Mutex<(libsql::Connection, Option<i64>)>,
    interval: Duration,
    epoch: std::time::Instant,
    next: AtomicU64,
}

impl Watch {
    pub(crate) fn new(conn: libsql::Connection, interval: Duration) -> Watch {
        Watch {
            conn: tokio::sync::Mutex::new((conn, None)),
            interval,
            epoch: std::time::Instant::now(),
            next: AtomicU64::new(0),
        }
    }

    /// Whether `data_version` moved since the last look; false when it is not time to look yet
    /// or another task is looking.
    pub(crate) async fn changed(&self) -> bool {
        let now = u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let due = self.next.load(Relaxed);
        if now < due {
            return false;
        }
        let next = now.saturating_add(u64::try_from(self.interval.as_nanos()).unwrap_or(u64::MAX));
        if self
            .next
            .compare_exchange(due, next, Relaxed, Relaxed)
            .is_err()
        {
            return false;
        }
        let Ok(mut guard) = self.conn.try_lock() else {
            return false;
        };
        let (conn, last) = &mut *guard;
        let version = match conn.query("PRAGMA data_version", ()).await {
            Ok(mut rows) => match rows.next().await {
                Ok(Some(row)) => row.get::<i64>(0).ok(),
                _ => None,
            },
            Err(_) => None,
        };
        match (version, *last) {
            (Some(v), Some(previous)) => {
                *last = Some(v);
                v != previous
            }
            (Some(v), None) => {
                *last = Some(v);
                false
            }
            // Could not look: assume the worst.
            (None, _) => true,
        }
    }
}
