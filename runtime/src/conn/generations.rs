//! Table generations: counters per table, and the writes in flight on them.
//!
//! A write is published in two phases. Before it can commit (before an autocommit statement
//! runs, before a transaction's `COMMIT`) the tables it writes are marked **in flux**; after the
//! commit their counters are bumped, then the mark is lifted. A cached entry records the counters
//! of the tables its query reads, taken *before* the query runs; a lookup serves it only if no
//! table it reads is in flux and the counters have not moved since. So once a commit has happened
//! — once any reader could have seen its rows — no entry older than it is served: until the bump
//! its tables are in flux, after it the counters moved.
//!
//! The flux marks are read before the counters (both `SeqCst`): a reader that sees no mark has
//! seen the lift, which follows the bump.
//!
//! Each table has two counters: every write moves `writes`; only writes that may change existing
//! rows (updates, deletes, replaces, anything not known to be a plain insert) move `changes`. A
//! lookup by a unique key that found its row cannot be changed by inserts of other rows, so its
//! entry is stamped with `changes` only; every other entry with `writes`. The flux marks come in
//! the same two kinds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, PoisonError, RwLock};

/// The counters of one table.
#[derive(Debug, Default)]
pub(crate) struct TableGenerations {
    writes: AtomicU64,
    changes: AtomicU64,
    /// Writes in flight (marked, not yet published).
    writing: AtomicU64,
    /// Writes in flight that may change rows.
    changing: AtomicU64,
}

/// The counters of one cached method, moved by `#[invalidates]` (writes larder cannot see).
#[derive(Debug, Default)]
pub(crate) struct MethodGenerations {
    /// Bumped when every entry of the method is invalidated.
    all: AtomicU64,
    /// `#[invalidates]` bodies running (the invalidated data may be changing).
    in_flux: AtomicU64,
}

impl MethodGenerations {
    /// Marks the method in flux until the returned guard is dropped.
    pub(crate) fn enter(self: &Arc<Self>) -> MethodFlux {
        self.in_flux.fetch_add(1, SeqCst);
        MethodFlux(Arc::clone(self))
    }

    /// Every entry is stale.
    pub(crate) fn bump_all(&self) {
        self.all.fetch_add(1, SeqCst);
    }
}

/// An `#[invalidates]` body in progress; lifts its mark when dropped.
pub(crate) struct MethodFlux(Arc<MethodGenerations>);

impl Drop for MethodFlux {
    fn drop(&mut self) {
        self.0.in_flux.fetch_sub(1, SeqCst);
    }
}

/// The counters of one `Db`.
#[derive(Debug, Default)]
pub(crate) struct Generations {
    tables: RwLock<HashMap<String, Arc<TableGenerations>>>,
    /// Bumped by writes no table list describes (raw SQL batches, DDL, external writes): every
    /// entry is stale.
    all: AtomicU64,
    /// Bumped by every write of any kind, for queries whose tables are not known.
    any: AtomicU64,
    /// Writes of everything in flight.
    all_in_flux: AtomicU64,
    /// Writes of any kind in flight.
    any_in_flux: AtomicU64,
    /// Bumped by every change of the schema: what was derived from it must be derived again.
    schema: AtomicU64,
}

/// What a cached query depends on.
#[derive(Debug, Clone)]
pub(crate) enum Dependencies {
    /// These tables' counters (and the "all" counter).
    Tables(Vec<Arc<TableGenerations>>),
    /// A lookup by a unique key of this table: a found row is stamped with the table's `changes`,
    /// a missing one with its `writes` (an insert may add it).
    Point(Arc<TableGenerations>),
    /// Any write at all (the tables read are not known).
    Anything,
}

/// One stamp: the sum of the counters, and whether one of them was in flux when it was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub(crate) value: u64,
    /// Nothing it covers was in flux: an entry with this stamp may be served.
    pub(crate) settled: bool,
}

/// The stamps of one lookup, taken before its query: which one an entry keeps depends on
/// whether the query found its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamps {
    pub(crate) found: Stamp,
    pub(crate) missing: Stamp,
}

impl Stamps {
    pub(crate) fn get(&self, found: bool) -> Stamp {
        if found {
            self.found
        } else {
            self.missing
        }
    }

    /// Whether an entry stamped `value` (for `found`) may be served under these stamps.
    pub(crate) fn serves(&self, value: u64, found: bool) -> bool {
        let stamp = self.get(found);
        stamp.settled && stamp.value == value
    }
}

/// One table of a write: its name and whether the write only inserted into it.
pub(crate) type Written = (String, bool);

impl Generations {
    /// The counters of `table` (a counter name, see `learn::table_key`), created at 0 the first
    /// time it is named.
    pub(crate) fn counter(&self, table: &str) -> Arc<TableGenerations> {
        let table = table.to_ascii_lowercase();
        if let Some(counter) = self.read().get(&table) {
            return Arc::clone(counter);
        }
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(tables.entry(table).or_default())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<TableGenerations>>> {
        self.tables.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Phase one: marks a write of `tables` (or of everything) in flux.
    pub(crate) fn enter(&self, tables: &[Written], everything: bool) {
        self.any_in_flux.fetch_add(1, SeqCst);
        if everything {
            self.all_in_flux.fetch_add(1, SeqCst);
        }
        for (table, insert_only) in tables {
            let counters = self.counter(table);
            counters.writing.fetch_add(1, SeqCst);
            if !insert_only {
                counters.changing.fetch_add(1, SeqCst);
            }
        }
    }

    /// Lifts the marks of [`enter`](Self::enter) with the same arguments (after the bump, or
    /// after a rollback).
    pub(crate) fn leave(&self, tables: &[Written], everything: bool) {
        for (table, insert_only) in tables {
            let counters = self.counter(table);
            if !insert_only {
                counters.changing.fetch_sub(1, SeqCst);
            }
            counters.writing.fetch_sub(1, SeqCst);
        }
        if everything {
            self.all_in_flux.fetch_sub(1, SeqCst);
        }
        self.any_in_flux.fetch_sub(1, SeqCst);
    }

    /// Phase two, after a committed write to `table`; `insert_only` when it only added rows.
    pub(crate) fn bump(&self, table: &str, insert_only: bool) {
        let counters = self.counter(table);
        counters.writes.fetch_add(1, SeqCst);
        if !insert_only {
            counters.changes.fetch_add(1, SeqCst);
        }
        self.any.fetch_add(1, SeqCst);
    }

    /// After a write larder cannot describe: every cached entry becomes stale.
    pub(crate) fn bump_all(&self) {
        self.all.fetch_add(1, SeqCst);
        self.any.fetch_add(1, SeqCst);
    }

    /// After a change of the schema (also makes every entry stale).
    pub(crate) fn bump_schema(&self) {
        self.schema.fetch_add(1, SeqCst);
        self.bump_all();
    }

    /// The schema's counter: facts derived under another value must be derived again.
    #[inline]
    pub(crate) fn schema(&self) -> u64 {
        self.schema.load(SeqCst)
    }

    /// The stamps of a query with these dependencies (and the method's own counters): each
    /// changes whenever one of the counters it covers is bumped (counters only grow, so a sum
    /// changes when any term does). Flux marks are read first.
    pub(crate) fn stamps(&self, deps: &Dependencies, method: &MethodGenerations) -> Stamps {
        let quiet = self.all_in_flux.load(SeqCst) == 0 && method.in_flux.load(SeqCst) == 0;
        let base = self.all.load(SeqCst).wrapping_add(method.all.load(SeqCst));
        let stamp = |settled: bool, value: u64| Stamp {
            value,
            settled: quiet && settled,
        };
        match deps {
            Dependencies::Tables(counters) => {
                let settled = counters.iter().all(|c| c.writing.load(SeqCst) == 0);
                let sum = counters
                    .iter()
                    .fold(base, |sum, c| sum.wrapping_add(c.writes.load(SeqCst)));
                let one = stamp(settled, sum);
                Stamps {
                    found: one,
                    missing: one,
                }
            }
            Dependencies::Point(table) => {
                let changing = table.changing.load(SeqCst) == 0;
                let writing = table.writing.load(SeqCst) == 0;
                Stamps {
                    found: stamp(changing, base.wrapping_add(table.changes.load(SeqCst))),
                    missing: stamp(writing, base.wrapping_add(table.writes.load(SeqCst))),
                }
            }
            Dependencies::Anything => {
                let settled = self.any_in_flux.load(SeqCst) == 0;
                let one = stamp(settled, base.wrapping_add(self.any.load(SeqCst)));
                Stamps {
                    found: one,
                    missing: one,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_move_with_their_tables_only() {
        let g = Generations::default();
        let m = MethodGenerations::default();
        let a = Dependencies::Tables(vec![g.counter("a")]);
        let ab = Dependencies::Tables(vec![g.counter("A"), g.counter("b")]);
        let (sa, sab, sany) = (
            g.stamps(&a, &m),
            g.stamps(&ab, &m),
            g.stamps(&Dependencies::Anything, &m),
        );
        g.bump("b", false);
        assert_eq!(g.stamps(&a, &m), sa);
        assert_ne!(g.stamps(&ab, &m), sab);
        assert_ne!(g.stamps(&Dependencies::Anything, &m), sany);
        let sa = g.stamps(&a, &m);
        g.bump_all();
        assert_ne!(g.stamps(&a, &m), sa);
        let sa = g.stamps(&a, &m);
        m.bump_all();
        assert_ne!(g.stamps(&a, &m), sa);
    }

    #[test]
    fn inserts_move_only_the_missing_stamp_of_a_point_lookup() {
        let g = Generations::default();
        let m = MethodGenerations::default();
        let point = Dependencies::Point(g.counter("t"));
        let before = g.stamps(&point, &m);
        g.bump("t", true);
        let after_insert = g.stamps(&point, &m);
        assert_eq!(after_insert.found, before.found);
        assert_ne!(after_insert.missing, before.missing);
        g.bump("t", false);
        assert_ne!(g.stamps(&point, &m).found, after_insert.found);
    }

    #[test]
    fn nothing_in_flux_is_served() {
        let g = Generations::default();
        let m = Arc::new(MethodGenerations::default());
        let point = Dependencies::Point(g.counter("t"));
        let other = Dependencies::Tables(vec![g.counter("u")]);
        let insert = [("t".to_owned(), true)];
        g.enter(&insert, false);
        let during = g.stamps(&point, &m);
        assert!(during.found.settled && !during.missing.settled);
        assert!(g.stamps(&other, &m).found.settled);
        assert!(!g.stamps(&Dependencies::Anything, &m).found.settled);
        g.bump("t", true);
        g.leave(&insert, false);
        assert!(g.stamps(&point, &m).missing.settled);
        g.enter(&[], true);
        assert!(!g.stamps(&other, &m).found.settled);
        g.leave(&[], true);
        let flux = m.enter();
        assert!(!g.stamps(&other, &m).found.settled);
        drop(flux);
        assert!(g.stamps(&other, &m).found.settled);
    }
}
