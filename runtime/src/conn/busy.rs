//! Waiting for SQLite's write lock without blocking the async runtime.
//!
//! SQLite's own busy handler sleeps on the calling thread. Under an async runtime that thread is
//! an executor worker: while it sleeps it runs no other task — possibly the very task whose
//! transaction holds the lock, which then cannot finish. With a few workers and a few waiting
//! writers that is a stall until the busy timeout, then a failure. So larder sets SQLite's busy
//! timeout to zero and retries `SQLITE_BUSY` itself, yielding to the runtime between attempts,
//! until the configured busy timeout has passed. Retrying is safe where it is done: on `BEGIN` and
//! on single statements in autocommit mode, which change nothing when they fail with `SQLITE_BUSY`.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::error::Error;

/// `SQLITE_BUSY` (any extended code).
pub(crate) fn is_busy(error: &Error) -> bool {
    match error {
        Error::Sql {
            cause: libsql::Error::SqliteFailure(code, _),
            ..
        } => code & 0xff == 5,
        _ => false,
    }
}

/// Runs `attempt` until it succeeds, fails with something other than `SQLITE_BUSY`, or `budget`
/// has passed ([`Error::Busy`] then); waits between attempts without blocking the thread.
pub(crate) async fn retry<T, F, Fut>(budget: Duration, mut attempt: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let started = Instant::now();
    let mut pause = Duration::from_micros(250);
    loop {
        match attempt().await {
            Err(error) if is_busy(&error) && started.elapsed() < budget => {
                tokio::time::sleep(pause.min(budget.saturating_sub(started.elapsed()))).await;
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(Error::Sql {
                statement,
                cause: libsql::Error::SqliteFailure(code, _),
                ..
            }) if code & 0xff == 5 => {
                return Err(Error::Busy {
                    statement,
                    waited: started.elapsed(),
                    busy_timeout: budget,
                })
            }
            other => return other,
        }
    }
}
