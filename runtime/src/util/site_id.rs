//! Dense ids for call sites (`#[prepared]` statements, `#[cached_query]` caches), assigned on first
//! use from a process-wide counter per kind of site. Only an id allocator: the state indexed by
//! these ids lives in each `Db`.

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

const UNASSIGNED: usize = usize::MAX;

/// The id of one site; `const`-constructible so it can live in a `static`.
#[derive(Debug)]
pub(crate) struct SiteId(AtomicUsize);

impl SiteId {
    pub(crate) const fn new() -> Self {
        SiteId(AtomicUsize::new(UNASSIGNED))
    }

    /// The id, taken from `counter` the first time.
    #[inline]
    pub(crate) fn get(&self, counter: &AtomicUsize) -> usize {
        match self.0.load(Relaxed) {
            UNASSIGNED => self.assign(counter),
            id => id,
        }
    }

    #[cold]
    fn assign(&self, counter: &AtomicUsize) -> usize {
        let fresh = counter.fetch_add(1, Relaxed);
        match self.0.compare_exchange(UNASSIGNED, fresh, Relaxed, Relaxed) {
            Ok(_) => fresh,
            // Another thread won the race; its id stands and ours is never used.
            Err(winner) => winner,
        }
    }
}
