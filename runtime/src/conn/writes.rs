//! Which tables a connection changed, so that cached entries reading them become stale.
//!
//! Two sources, merged: the tables the macros derive from a write's SQL (known at compile time),
//! and libSQL's update hook on local connections, which reports every changed row's table — also
//! rows changed by triggers, foreign-key cascades and raw SQL. The hook does not fire for
//! WITHOUT ROWID tables, REPLACE-conflict deletes and the truncate optimization, so the SQL-derived
//! tables stay the base. Raw SQL through `Db::execute` / `execute_batch` marks everything.

use std::sync::{Arc, Mutex, PoisonError};

use super::generations::Generations;

/// The pending writes of one connection: flushed after an autocommit statement, or at `COMMIT`;
/// dropped on `ROLLBACK`.
#[derive(Debug, Default)]
pub(crate) struct WriteLog {
    state: Mutex<Pending>,
}

#[derive(Debug, Default, Clone)]
struct Pending {
    /// Written tables, each with whether it only received inserts.
    tables: Vec<(String, bool)>,
    all: bool,
}

impl Pending {
    fn publish(&self, generations: &Generations) {
        if self.all {
            generations.bump_all();
        } else {
            for (table, insert_only) in &self.tables {
                generations.bump(table, *insert_only);
            }
        }
    }
}

impl WriteLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a written table (from the SQL or the update hook); `insert_only` when the write
    /// only added rows. One write that may change rows makes the whole entry a change.
    pub(crate) fn table(&self, table: &str, insert_only: bool) {
        let mut pending = self.lock();
        match pending
            .tables
            .iter_mut()
            .find(|(t, _)| t.eq_ignore_ascii_case(table))
        {
            Some((_, only)) => *only &= insert_only,
            None => pending
                .tables
                .push((table.to_ascii_lowercase(), insert_only)),
        }
    }

    /// Records a write larder cannot describe.
    pub(crate) fn all(&self) {
        self.lock().all = true;
    }

    /// Publishes the pending writes (after they were committed).
    pub(crate) fn flush(&self, generations: &Generations) {
        std::mem::take(&mut *self.lock()).publish(generations);
    }

    /// Publishes the pending writes and keeps them, to publish them again later.
    pub(crate) fn flush_keeping(&self, generations: &Generations) {
        self.lock().publish(generations);
    }

    /// A copy of the pending writes.
    pub(crate) fn copy(&self) -> WriteLog {
        WriteLog {
            state: Mutex::new(self.lock().clone()),
        }
    }

    /// Forgets the pending writes (they were rolled back).
    pub(crate) fn discard(&self) {
        *self.lock() = Pending::default();
    }
}

/// Installs the update hook on a local connection; remote connections have none (the SQL-derived
/// tables are then all there is).
pub(crate) fn install_hook(conn: &libsql::Connection, log: &Arc<WriteLog>) {
    let log = Arc::clone(log);
    let _ = conn.add_update_hook(Box::new(move |op, _db, table, _rowid| {
        log.table(table, matches!(op, libsql::Op::Insert))
    }));
}
