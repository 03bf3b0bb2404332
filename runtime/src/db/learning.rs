//! How a `#[cached_query]` load learns what its statement reads: the statement layer reports the
//! engine's record of each statement it runs to the load that runs it, through a task-local slot
//! (the load is the method's own body, so it runs in the caller's task).

use std::cell::RefCell;
use std::future::Future;
use std::sync::Arc;

use crate::conn::learn::Learned;

/// What the statements of one load reported.
#[derive(Debug, Default)]
pub(crate) enum Report {
    /// No statement with a record ran (a remote connection, or no statement at all).
    #[default]
    Nothing,
    /// One statement ran, with this record.
    One(Arc<Learned>),
    /// Several statements ran: what the load reads is not one statement's record.
    Several,
}

tokio::task_local! {
    static LOAD: RefCell<Report>;
}

/// Runs `load`, collecting what its statements report.
pub(crate) async fn collect<F: Future>(load: F) -> (F::Output, Report) {
    LOAD.scope(RefCell::new(Report::Nothing), async move {
        let output = load.await;
        let report = LOAD
            .try_with(|slot| std::mem::take(&mut *slot.borrow_mut()))
            .unwrap_or_default();
        (output, report)
    })
    .await
}

/// Called for each statement run: tells the load running it, if any, what it read.
#[inline]
pub(crate) fn report(learned: Option<&Arc<Learned>>) {
    let Some(learned) = learned else { return };
    let _ = LOAD.try_with(|slot| {
        let mut slot = slot.borrow_mut();
        *slot = match &*slot {
            Report::Nothing => Report::One(Arc::clone(learned)),
            _ => Report::Several,
        };
    });
}
