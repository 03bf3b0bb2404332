//! Table generations: counters per table, bumped after every committed write to it.
//!
//! A cached entry records the generations of the tables its query reads, taken *before* the query
//! runs; a lookup whose generations have moved since is a miss. Because the bump happens after the
//! commit and the stamp is taken before the read, an entry can be stale only if its stamp is
//! already behind — so a stale value is never served.
//!
//! Each table has two counters: every write moves `writes`; only writes that may change existing
//! rows (updates, deletes, replaces, anything not known to be a plain insert) move `changes`. A
//! lookup by a unique key that found its row cannot be changed by inserts of other rows, so its
//! entry is stamped with `changes` only; every other entry with `writes`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// The two counters of one table.
#[derive(Debug, Default)]
pub(crate) struct TableGenerations {
    writes: AtomicU64,
    changes: AtomicU64,
}

/// The counters of one `Db`.
#[derive(Debug, Default)]
pub(crate) struct Generations {
    tables: RwLock<HashMap<String, Arc<TableGenerations>>>,
    /// Bumped by writes the SQL does not describe (raw SQL, external writes): every entry is stale.
    all: AtomicU64,
    /// Bumped by every write of any kind, for queries whose tables are not known.
    any: AtomicU64,
}

/// What a cached query depends on.
#[derive(Debug, Clone)]
pub(crate) enum Dependencies {
    /// These tables' counters (and the "all" counter).
    Tables(Vec<Arc<TableGenerations>>),
    /// A lookup by a unique key of this table: a found row is stamped with the table's `changes`,
    /// a missing one with its `writes` (an insert may add it).
    Point(Arc<TableGenerations>),
    /// Any write at all (the tables read are not known, or include a view).
    Anything,
}

/// The stamps of one lookup, taken before its query: which one an entry keeps depends on
/// whether the query found its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamps {
    pub(crate) found: u64,
    pub(crate) missing: u64,
}

impl Stamps {
    pub(crate) fn get(&self, found: bool) -> u64 {
        if found {
            self.found
        } else {
            self.missing
        }
    }
}

impl Generations {
    /// The counters of `table` (lower case), created at 0 the first time it is named.
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

    /// After a committed write to `table`; `insert_only` when it only added rows.
    pub(crate) fn bump(&self, table: &str, insert_only: bool) {
        let counters = self.counter(table);
        counters.writes.fetch_add(1, Ordering::SeqCst);
        if !insert_only {
            counters.changes.fetch_add(1, Ordering::SeqCst);
        }
        self.any.fetch_add(1, Ordering::SeqCst);
    }

    /// After a write larder cannot describe: every cached entry becomes stale.
    pub(crate) fn bump_all(&self) {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.any.fetch_add(1, Ordering::SeqCst);
    }

    /// The stamps of a query with these dependencies: each changes whenever one of the counters
    /// it covers is bumped (counters only grow, so a sum changes when any term does).
    pub(crate) fn stamps(&self, deps: &Dependencies) -> Stamps {
        let all = self.all.load(Ordering::SeqCst);
        match deps {
            Dependencies::Tables(counters) => {
                let sum = counters.iter().fold(all, |sum, c| {
                    sum.wrapping_add(c.writes.load(Ordering::SeqCst))
                });
                Stamps {
                    found: sum,
                    missing: sum,
                }
            }
            Dependencies::Point(table) => Stamps {
                found: all.wrapping_add(table.changes.load(Ordering::SeqCst)),
                missing: all.wrapping_add(table.writes.load(Ordering::SeqCst)),
            },
            Dependencies::Anything => {
                let any = self.any.load(Ordering::SeqCst);
                Stamps {
                    found: any,
                    missing: any,
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
        let a = Dependencies::Tables(vec![g.counter("a")]);
        let ab = Dependencies::Tables(vec![g.counter("A"), g.counter("b")]);
        let (sa, sab, sany) = (
            g.stamps(&a),
            g.stamps(&ab),
            g.stamps(&Dependencies::Anything),
        );
        g.bump("b", false);
        assert_eq!(g.stamps(&a), sa);
        assert_ne!(g.stamps(&ab), sab);
        assert_ne!(g.stamps(&Dependencies::Anything), sany);
        let sa = g.stamps(&a);
        g.bump_all();
        assert_ne!(g.stamps(&a), sa);
    }

    #[test]
    fn inserts_move_only_the_missing_stamp_of_a_point_lookup() {
        let g = Generations::default();
        let point = Dependencies::Point(g.counter("t"));
        let before = g.stamps(&point);
        g.bump("t", true);
        let after_insert = g.stamps(&point);
        assert_eq!(after_insert.found, before.found);
        assert_ne!(after_insert.missing, before.missing);
        g.bump("t", false);
        assert_ne!(g.stamps(&point).found, after_insert.found);
    }
}
