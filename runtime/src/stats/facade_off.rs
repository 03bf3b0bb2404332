//! Without feature `metrics`: the facade's twin, doing nothing, so that call sites need no `cfg`.
//! The signatures are those of `facade.rs`; the calls compile to nothing.

/// The metric handles of one call site: none without the feature.
pub(crate) struct SiteHandles<H>(std::marker::PhantomData<fn() -> H>);

impl<H> std::fmt::Debug for SiteHandles<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SiteHandles")
    }
}

impl<H> SiteHandles<H> {
    pub(crate) const fn new() -> Self {
        SiteHandles(std::marker::PhantomData)
    }
}

/// The handles of a method, a cache, a statement: none without the feature.
pub(crate) enum MethodHandles {}
/// See [`MethodHandles`].
pub(crate) enum CacheHandles {}
/// See [`MethodHandles`].
pub(crate) enum StatementHandles {}

/// One finished timed call.
#[inline(always)]
pub(crate) fn method(_: &SiteHandles<MethodHandles>, _name: &'static str, _nanos: u64, _ok: bool) {}

/// A cache lookup's outcome.
#[inline(always)]
pub(crate) fn cache(_: &SiteHandles<CacheHandles>, _name: &'static str, _outcome: CacheOutcome) {}

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
pub(crate) fn statement(_: &SiteHandles<StatementHandles>, _name: &str, _prepared: bool) {}

/// An acquisition that gave up.
#[inline(always)]
pub(crate) fn pool_timeout() {}
