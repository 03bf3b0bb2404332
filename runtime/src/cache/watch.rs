//! `watch_external_writes`: notices commits by other processes through `PRAGMA data_version`.

use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::time::Duration;

/// State of `watch_external_writes`: a dedicated connection (so that `data_version` compares
/// commits by every other connection) and when to look next.
pub(crate) struct Watch {
    /// The connection, and `data_version` / `schema_version` at the last look.
    conn: tokio::sync::Mutex<(libsql::Connection, Option<(i64, i64)>)>,
    interval: Duration,
    epoch: std::time::Instant,
    next: AtomicU64,
    /// Looks in progress.
    looking: AtomicU64,
}

impl Watch {
    pub(crate) fn new(conn: libsql::Connection, interval: Duration) -> Watch {
        Watch {
            conn: tokio::sync::Mutex::new((conn, None)),
            interval,
            epoch: std::time::Instant::now(),
            next: AtomicU64::new(0),
            looking: AtomicU64::new(0),
        }
    }

    /// Whether `data_version` (or `schema_version`) moved since the last look; `invalidate` runs
    /// when one did (with whether the schema changed), before other readers stop waiting for
    /// this look.
    pub(crate) async fn look(&self, invalidate: impl FnOnce(bool)) -> Look {
        let now = u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let due = self.next.load(SeqCst);
        if now < due {
            // Not due; but a look taken by another task may still be running.
            return if self.looking.load(SeqCst) > 0 {
                Look::Elsewhere
            } else {
                Look::NotDue
            };
        }
        let next = now.saturating_add(u64::try_from(self.interval.as_nanos()).unwrap_or(u64::MAX));
        // Marked before the turn is taken, so a task that sees the turn taken sees the mark.
        self.looking.fetch_add(1, SeqCst);
        let _looking = Looking(&self.looking);
        if self
            .next
            .compare_exchange(due, next, SeqCst, SeqCst)
            .is_err()
        {
            return Look::Elsewhere;
        }
        // Boxed: two statements' futures, on the rare call that looks, would enlarge every
        // cached call's future.
        Box::pin(self.read_version(invalidate)).await
    }

    /// Reads the versions and invalidates on a change — under the connection's lock, so that a
    /// look that comes next and finds nothing new finds the invalidation done.
    async fn read_version(&self, invalidate: impl FnOnce(bool)) -> Look {
        let mut guard = self.conn.lock().await;
        let (conn, last) = &mut *guard;
        let versions = match (
            pragma(conn, "PRAGMA data_version").await,
            pragma(conn, "PRAGMA schema_version").await,
        ) {
            (Some(data), Some(schema)) => Some((data, schema)),
            _ => None,
        };
        let previous = *last;
        *last = versions;
        let found = match (versions, previous) {
            (Some((_, schema)), Some((_, before))) if schema != before => Look::SchemaChanged,
            (Some(now), Some(before)) if now != before => Look::Changed,
            (Some(_), Some(_)) => Look::Unchanged,
            // The first look has nothing to compare with: entries stored while it ran may
            // predate a commit it would have seen.
            (Some(_), None) => Look::Changed,
            // Could not look: assume the worst.
            (None, _) => Look::SchemaChanged,
        };
        match found {
            Look::Changed => invalidate(false),
            Look::SchemaChanged => invalidate(true),
            _ => {}
        }
        found
    }
}

async fn pragma(conn: &libsql::Connection, sql: &str) -> Option<i64> {
    let mut rows = conn.query(sql, ()).await.ok()?;
    rows.next().await.ok()??.get::<i64>(0).ok()
}

/// What one look found.
pub(crate) enum Look {
    /// Not time to look yet, and nobody is looking.
    NotDue,
    /// No other connection committed since the last look.
    Unchanged,
    /// Another connection committed: every entry is stale.
    Changed,
    /// Another connection changed the schema (or the look failed): every entry is stale, and
    /// what was derived from the schema must be derived again.
    SchemaChanged,
    /// Another task is looking right now: until it is done, nothing may be served.
    Elsewhere,
}

/// A look in progress; counted down when it ends, however it ends.
struct Looking<'a>(&'a AtomicU64);

impl Drop for Looking<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, SeqCst);
    }
}
