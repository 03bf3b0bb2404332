//! Which tables a connection changed, so that cached entries reading them become stale.
//!
//! Sources, merged: what the engine's authorizer recorded when the statement was prepared
//! (`learn`: triggers, foreign-key actions, views, TEMP objects — local connections), the tables
//! the macros derive from a write's SQL (the fallback where there is no authorizer), and libSQL's
//! update hook on local connections, which reports every changed row's table. Raw SQL that no
//! record describes marks everything.
//!
//! Publishing has two phases (see `generations`): [`WriteLog::enter`] marks the logged tables in
//! flux before the write can commit; [`Publication::commit`] bumps them after it did, then lifts
//! the marks.

use std::sync::{Arc, Mutex, PoisonError};

use super::generations::{Generations, Written};
use super::learn::WriteSet;

/// The pending writes of one connection: published after an autocommit statement, or at
/// `COMMIT`; dropped on `ROLLBACK`.
#[derive(Debug, Default)]
pub(crate) struct WriteLog {
    state: Mutex<Pending>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Pending {
    /// Written tables, each with whether it only received inserts.
    tables: Vec<Written>,
    /// Something no table list describes was written.
    all: bool,
    /// The schema changed.
    schema: bool,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.tables.is_empty() && !self.all
    }

    fn table(&mut self, table: &str, insert_only: bool) {
        match self
            .tables
            .iter_mut()
            .find(|(t, _)| t.eq_ignore_ascii_case(table))
        {
            Some((_, only)) => *only &= insert_only,
            None => self.tables.push((table.to_ascii_lowercase(), insert_only)),
        }
    }

    fn bump(&self, generations: &Generations) {
        if self.schema {
            generations.bump_schema();
        } else if self.all {
            generations.bump_all();
        } else {
            for (table, insert_only) in &self.tables {
                generations.bump(table, *insert_only);
            }
        }
    }

    /// Phase one for these writes.
    pub(crate) fn enter(&self, generations: &Generations) {
        generations.enter(&self.tables, self.all);
    }

    /// Lifts the marks of [`enter`](Self::enter).
    pub(crate) fn leave(&self, generations: &Generations) {
        generations.leave(&self.tables, self.all);
    }

    /// Bumps the counters again (a write that may still be applied, see `exec::republish_later`).
    pub(crate) fn bump_again(&self, generations: &Generations) {
        self.bump(generations);
    }
}

impl WriteLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a written table (from the SQL or the update hook); `insert_only` when the write
    /// only added rows. One write that may change rows makes the whole entry a change.
    pub(crate) fn table(&self, table: &str, insert_only: bool) {
        self.lock().table(table, insert_only);
    }

    /// Records a write larder cannot describe.
    pub(crate) fn all(&self) {
        self.lock().all = true;
    }

    /// Records a change of the schema (which also counts as a write of everything).
    pub(crate) fn schema(&self) {
        let mut pending = self.lock();
        pending.all = true;
        pending.schema = true;
    }

    /// Records what the engine says a statement writes. The engine cannot tell `INSERT OR
    /// REPLACE` from a plain `INSERT`, so only `plain_target` — the table of a statement whose SQL
    /// is a plain insert — may count as only inserted into.
    pub(crate) fn learned(&self, writes: &WriteSet, schema: bool, plain_target: Option<&str>) {
        let mut pending = self.lock();
        match writes {
            WriteSet::Nothing => {}
            WriteSet::Tables(tables) => {
                for (table, insert_only) in tables {
                    let plain = plain_target.is_some_and(|t| t.eq_ignore_ascii_case(table));
                    pending.table(table, *insert_only && plain);
                }
            }
            WriteSet::Everything => pending.all = true,
        }
        if schema {
            pending.all = true;
            pending.schema = true;
        }
    }

    /// Whether nothing is logged.
    pub(crate) fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Phase one: marks what is logged so far in flux. The returned publication bumps what is
    /// logged by then (the update hook may add tables while the statement runs) and lifts the
    /// marks; dropped without a decision it commits (the write may have happened).
    pub(crate) fn enter<'a>(self: &Arc<Self>, generations: &'a Generations) -> Publication<'a> {
        let entered = self.lock().clone();
        entered.enter(generations);
        Publication {
            log: Arc::clone(self),
            generations,
            entered: Some(entered),
        }
    }

    /// Forgets the pending writes (they were rolled back).
    pub(crate) fn discard(&self) {
        *self.lock() = Pending::default();
    }
}

/// A write between its two phases (see [`WriteLog::enter`]).
pub(crate) struct Publication<'a> {
    log: Arc<WriteLog>,
    generations: &'a Generations,
    /// What was marked in flux; `None` once decided.
    entered: Option<Pending>,
}

impl Publication<'_> {
    /// The write committed: bump what the log holds, lift the marks, empty the log.
    pub(crate) fn commit(mut self) {
        self.finish(true);
    }

    /// The write was rolled back: lift the marks, forget the log.
    pub(crate) fn rollback(mut self) {
        self.finish(false);
    }

    /// The write may be applied later (a remote request dropped in flight): bump now, and give
    /// back what was marked and what was written, whose marks the caller must lift once the
    /// write has surely been applied or dropped (after bumping again).
    pub(crate) fn defer(mut self) -> (Pending, Pending) {
        let entered = self.entered.take().unwrap_or_default();
        let written = std::mem::take(&mut *self.log.lock());
        written.bump(self.generations);
        (entered, written)
    }

    fn finish(&mut self, committed: bool) {
        let Some(entered) = self.entered.take() else {
            return;
        };
        let written = std::mem::take(&mut *self.log.lock());
        if committed {
            written.bump(self.generations);
        }
        entered.leave(self.generations);
    }
}

impl Drop for Publication<'_> {
    fn drop(&mut self) {
        self.finish(true);
    }
}

/// Installs the update hook on a local connection; remote connections have none.
pub(crate) fn install_hook(conn: &libsql::Connection, log: &Arc<WriteLog>) {
    let log = Arc::clone(log);
    let _ = conn.add_update_hook(Box::new(move |op, db, table, _rowid| {
        let key = super::learn::table_key(Some(db), table);
        log.table(&key, matches!(op, libsql::Op::Insert))
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publication_bumps_what_was_written_and_lifts_what_was_marked() {
        let g = Generations::default();
        let m = super::super::generations::MethodGenerations::default();
        let log = Arc::new(WriteLog::default());
        let t = super::super::generations::Dependencies::Tables(vec![g.counter("t")]);
        let u = super::super::generations::Dependencies::Tables(vec![g.counter("u")]);
        let before = (g.stamps(&t, &m), g.stamps(&u, &m));
        log.table("t", false);
        let publication = log.enter(&g);
        assert!(!g.stamps(&t, &m).found.settled);
        log.table("u", false); // reported by the update hook while the statement ran
        publication.commit();
        let after = (g.stamps(&t, &m), g.stamps(&u, &m));
        assert!(after.0.found.settled && after.1.found.settled);
        assert_ne!(after.0.found.value, before.0.found.value);
        assert_ne!(after.1.found.value, before.1.found.value);
        assert!(log.is_empty());
        log.table("t", false);
        log.enter(&g).rollback();
        assert_eq!(g.stamps(&t, &m), after.0);
    }
}
