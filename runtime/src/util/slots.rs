//! Write-once slots indexed by a site's dense id: a lookup is two atomic loads, with no lock and no
//! reference count. Room for 64 × 64 = 4 096 sites per process.

use std::sync::OnceLock;

const SEGMENT: usize = 64;

/// Per-`Db` state of each site (a cache, a metrics record), created on first use.
pub(crate) struct Slots<T> {
    segments: [OnceLock<Box<[OnceLock<T>; SEGMENT]>>; SEGMENT],
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots {
            segments: std::array::from_fn(|_| OnceLock::new()),
        }
    }
}

impl<T> Slots<T> {
    /// Most sites a process can have.
    pub(crate) const CAPACITY: usize = SEGMENT * SEGMENT;

    /// The slot of site `id`; `None` past [`CAPACITY`](Self::CAPACITY).
    pub(crate) fn cell(&self, id: usize) -> Option<&OnceLock<T>> {
        let segment = self.segments.get(id / SEGMENT)?;
        let segment = segment.get_or_init(|| Box::new(std::array::from_fn(|_| OnceLock::new())));
        segment.get(id % SEGMENT)
    }

    /// Every filled slot, in id order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.segments
            .iter()
            .filter_map(OnceLock::get)
            .flat_map(|segment| segment.iter().filter_map(OnceLock::get))
    }
}
