//! Table generations: one counter per table, bumped after every committed write to it.
//!
//! A cached entry records the generations of the tables its query reads, taken *before* the query
//! runs; a lookup whose generations have moved since is a miss. Because the bump happens after the
//! commit and the stamp is taken before the read, an entry can be stale only if its stamp is
//! already behind — so a stale value is never served.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// The counters of one `Db`.
#[derive(Debug, Default)]
pub(crate) struct Generations {
    tables: RwLock<HashMap<String, Arc<AtomicU64>>>,
    /// Bumped by writes the SQL does not describe (raw SQL, external writes): every entry is stale.
    all: AtomicU64,
    /// Bumped by every write of any kind, for queries whose tables are not known.
    any: AtomicU64,
}

/// What a cached query depends on.
#[derive(Debug, Clone)]
pub(crate) enum Dependencies {
    /// These tables' counters (and the "all" counter).
    Tables(Vec<Arc<AtomicU64>>),
    /// Any write at all (the tables read are not known, or include a view).
    Anything,
}

impl Generations {
    /// The counter of `table` (lower case), created at 0 the first time it is named.
    pub(crate) fn counter(&self, table: &str) -> Arc<AtomicU64> {
        let table = table.to_ascii_lowercase();
        if let Some(counter) = self.read().get(&table) {
            return Arc::clone(counter);
        }
        let mut tables = self.tables.write().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(tables.entry(table).or_default())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<AtomicU64>>> {
        self.tables.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// After a committed write to `tables`.
    pub(crate) fn bump<'a>(&self, tables: impl IntoIterator<Item = &'a str>) {
        let mut any = false;
        for table in tables {
            self.counter(table).fetch_add(1, Ordering::SeqCst);
            any = true;
        }
        if any {
            self.any.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// After a write cachet cannot describe: every cached entry becomes stale.
    pub(crate) fn bump_all(&self) {
        self.all.fetch_add(1, Ordering::SeqCst);
        self.any.fetch_add(1, Ordering::SeqCst);
    }

    /// The stamp of a query with these dependencies: it changes whenever one of them is bumped
    /// (all counters only grow, so a sum changes when any term does).
    pub(crate) fn stamp(&self, deps: &Dependencies) -> u64 {
        match deps {
            Dependencies::Tables(counters) => counters
                .iter()
                .fold(self.all.load(Ordering::SeqCst), |sum, c| {
                    sum.wrapping_add(c.load(Ordering::SeqCst))
                }),
            Dependencies::Anything => self.any.load(Ordering::SeqCst),
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
        let (sa, sab, sany) = (g.stamp(&a), g.stamp(&ab), g.stamp(&Dependencies::Anything));
        g.bump(["b"]);
        assert_eq!(g.stamp(&a), sa);
        assert_ne!(g.stamp(&ab), sab);
        assert_ne!(g.stamp(&Dependencies::Anything), sany);
        let sa = g.stamp(&a);
        g.bump_all();
        assert_ne!(g.stamp(&a), sa);
    }
}
