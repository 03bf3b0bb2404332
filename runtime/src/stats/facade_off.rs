//! Without feature `metrics`: the facade's twin, doing nothing, so that call sites need no `cfg`.
//! The signatures are those of `facade.rs`; the calls compile to nothing.

/// One finished timed call.
#[inline(always)]
pub(crate) fn method(_name: &'static str, _nanos: u64, _ok: bool) {}

/// A cache lookup's outcome.
#[inline(always)]
pub(crate) fn cache(_name: &'static str, _outcome: CacheOutcome) {}

/// What a cache lookup found.
#[derive(Clone, Copy)]
pub(crate) enum CacheOutcome {
    Hit,
    Miss,
    Stale,
    Coalesced,
}

/// One statement execution; `prepared` when it had to be prepared (a statement-cache miss).
#[inline(always)]
pub(crate) fn statement(_name: &str, _prepared: bool) {}

/// An acquisition that gave up.
#[inline(always)]
pub(crate) fn pool_timeout() {}
