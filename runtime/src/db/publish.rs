//! Publishing what one statement writes to the caches, in two phases (see `conn::generations`):
//! in autocommit mode its tables are marked in flux before it runs and bumped after it ran; in a
//! transaction they stay on the connection's log until `COMMIT` (see `tx`).

use std::sync::Arc;
use std::time::Duration;

use crate::conn::learn::{Learned, WriteSet};
use crate::conn::pool::Connection;
use crate::conn::statement::Source;
use crate::conn::writes::{Pending, Publication, WriteLog};
use crate::db::Db;

/// The writes of one statement on one connection. Created before the statement is prepared;
/// [`before`](Self::before) runs once it is prepared (so what the engine recorded is known) and
/// before it runs; dropping it publishes — after the statement returned (also with an error: a
/// `RETURNING` write may have committed before a row failed to decode), and when the future
/// running it was dropped mid-way.
pub(crate) struct StatementWrites<'a> {
    db: &'a Db,
    source: Source<'a>,
    log: Arc<WriteLog>,
    autocommit: bool,
    /// On a remote connection, its request timeout.
    remote: Option<Duration>,
    publication: Option<Publication<'a>>,
    /// The engine recorded no write: nothing to publish.
    reads_only: bool,
    /// The statement's future ran to its end.
    returned: bool,
}

impl<'a> StatementWrites<'a> {
    pub(crate) fn new(db: &'a Db, conn: &Connection, source: Source<'a>, autocommit: bool) -> Self {
        StatementWrites {
            db,
            source,
            log: Arc::clone(&conn.writes),
            autocommit,
            remote: conn.remote.then_some(conn.request_timeout).flatten(),
            publication: None,
            reads_only: false,
            returned: false,
        }
    }

    /// Logs what the statement writes — what the engine recorded when it was prepared
    /// (`learned`), else what its SQL says — and, in autocommit mode, marks it in flux.
    pub(crate) fn before(&mut self, learned: Option<&Learned>) {
        if let Some(Learned {
            writes: WriteSet::Nothing,
            schema: false,
            ..
        }) = learned
        {
            // A read (the engine says so): nothing to log, nothing to publish.
            self.reads_only = true;
            return;
        }
        match learned {
            Some(learned) => {
                let plain_target = self.source.plain_insert_target();
                self.log
                    .learned(&learned.writes, learned.schema, plain_target)
            }
            None => self.source.record_writes(&self.log),
        }
        if self.autocommit && !self.log.is_empty() {
            self.publication = Some(self.log.enter(self.db.generations()));
        }
    }

    /// For SQL no record describes beforehand (`execute_batch`): a write of everything (and a
    /// change of the schema when `schema`), marked in flux in autocommit mode.
    pub(crate) fn before_everything(&mut self, schema: bool) {
        self.log.all();
        if schema {
            self.log.schema();
        }
        if self.autocommit {
            self.publication = Some(self.log.enter(self.db.generations()));
        }
    }

    /// The schema changed while the statement ran (published with its writes).
    pub(crate) fn schema_changed(&mut self) {
        self.log.schema();
    }

    /// The statement's future ran to its end.
    pub(crate) fn returned(&mut self) {
        self.returned = true;
    }
}

impl Drop for StatementWrites<'_> {
    fn drop(&mut self) {
        if !self.autocommit || self.reads_only {
            return;
        }
        let generations = self.db.generations();
        let publication = match self.publication.take() {
            Some(publication) => publication,
            // Nothing was expected, but the update hook logged something.
            None if !self.log.is_empty() => self.log.enter(generations),
            None => return,
        };
        match (self.remote, self.returned) {
            (Some(request_timeout), false) => {
                // Cancelled in flight: the server may apply the write after this bump.
                let (entered, written) = publication.defer();
                republish_later(self.db, entered, written, request_timeout);
            }
            _ => publication.commit(),
        }
    }
}

/// For a write whose request was dropped in flight, after it was published once: the server may
/// apply it later, and a read in between would cache the old value under the new stamp. So its
/// tables stay in flux, and `written` is bumped again after 100 ms and after `request_timeout`,
/// by which time the server has applied or dropped it; then the marks of `entered` are lifted.
/// Runs in a task that holds the `Db` only weakly (nothing to do once it is dropped). Outside a
/// Tokio runtime the marks are lifted at once.
pub(crate) fn republish_later(
    db: &Db,
    entered: Pending,
    written: Pending,
    request_timeout: Duration,
) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        entered.leave(db.generations());
        return;
    };
    let inner = Arc::downgrade(&db.inner);
    runtime.spawn(async move {
        let mut waited = Duration::ZERO;
        for delay in [Duration::from_millis(100), request_timeout] {
            tokio::time::sleep(delay.saturating_sub(waited)).await;
            waited = waited.max(delay);
            let Some(inner) = inner.upgrade() else { return };
            written.bump_again(&inner.caches.generations);
        }
        if let Some(inner) = inner.upgrade() {
            entered.leave(&inner.caches.generations);
        }
    });
}
