//! Feature `metrics`: everything larder counts is also reported through the `metrics` crate's
//! facade, so any exporter (Prometheus, StatsD, ...) installed by the application receives it.
//!
//! | name | kind | labels |
//! |---|---|---|
//! | `larder_calls_total` | counter | `method` |
//! | `larder_errors_total` | counter | `method` |
//! | `larder_call_seconds` | histogram | `method` |
//! | `larder_cache_hits_total`, `larder_cache_misses_total`, `larder_cache_stale_total`, `larder_cache_coalesced_total` | counter | `method` |
//! | `larder_statement_executions_total` | counter | `statement`, `prepared` (`"true"`: statement-cache miss) |
//! | `larder_pool_timeouts_total` | counter | — |

use std::sync::Arc;

use arc_swap::ArcSwapOption;
use metrics::{Counter, Histogram};

/// The metric handles of one call site, registered with the recorder the first time the site
/// runs under it, so that a call increments handles instead of building a key and looking it up.
/// Registered again when another recorder is in place (a local recorder in a test, a global one
/// installed after the first call), so no sample goes to a recorder that is not the current one.
pub(crate) struct SiteHandles<H> {
    cell: ArcSwapOption<(usize, H)>,
}

impl<H> std::fmt::Debug for SiteHandles<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SiteHandles")
    }
}

impl<H> SiteHandles<H> {
    pub(crate) const fn new() -> Self {
        SiteHandles {
            cell: ArcSwapOption::const_empty(),
        }
    }

    /// Runs `use_them` with the handles for the recorder in place, registering them with
    /// `register` first when they were made for another one (or never).
    fn with(&self, register: impl FnOnce() -> H, use_them: impl FnOnce(&H)) {
        let recorder = current_recorder();
        let held = self.cell.load();
        if let Some(held) = held.as_ref().filter(|held| held.0 == recorder) {
            use_them(&held.1);
            return;
        }
        drop(held);
        let handles = Arc::new((recorder, register()));
        use_them(&handles.1);
        self.cell.store(Some(handles));
    }
}

/// Which recorder `metrics` would use now: its address.
fn current_recorder() -> usize {
    metrics::with_recorder(|recorder| std::ptr::from_ref(recorder).cast::<()>() as usize)
}

/// `larder_calls_total`, `larder_errors_total`, `larder_call_seconds` of one method.
pub(crate) struct MethodHandles {
    calls: Counter,
    errors: Counter,
    seconds: Histogram,
}

/// One finished timed call.
pub(crate) fn method(
    handles: &SiteHandles<MethodHandles>,
    name: &'static str,
    nanos: u64,
    ok: bool,
) {
    let register = || MethodHandles {
        calls: metrics::counter!("larder_calls_total", "method" => name),
        errors: metrics::counter!("larder_errors_total", "method" => name),
        seconds: metrics::histogram!("larder_call_seconds", "method" => name),
    };
    handles.with(register, |h| {
        h.calls.increment(1);
        if !ok {
            h.errors.increment(1);
        }
        h.seconds.record(nanos as f64 / 1e9);
    });
}

/// The four cache counters of one cached method, in [`CacheOutcome`] order.
pub(crate) struct CacheHandles([Counter; 4]);

/// A cache lookup's outcome.
pub(crate) fn cache(
    handles: &SiteHandles<CacheHandles>,
    name: &'static str,
    outcome: CacheOutcome,
) {
    let register = || {
        CacheHandles(
            [
                "larder_cache_hits_total",
                "larder_cache_misses_total",
                "larder_cache_stale_total",
                "larder_cache_coalesced_total",
            ]
            .map(|metric| metrics::counter!(metric, "method" => name)),
        )
    };
    handles.with(register, |h| h.0[outcome as usize].increment(1));
}

/// What a cache lookup found.
#[derive(Clone, Copy)]
pub(crate) enum CacheOutcome {
    Hit = 0,
    Miss = 1,
    Stale = 2,
    Coalesced = 3,
}

/// `larder_statement_executions_total` of one statement: `prepared="false"`, then `"true"`.
pub(crate) struct StatementHandles([Counter; 2]);

/// One statement execution; `prepared` when it had to be prepared (a statement-cache miss).
pub(crate) fn statement(handles: &SiteHandles<StatementHandles>, name: &str, prepared: bool) {
    let register = || {
        StatementHandles([false, true].map(|prepared| {
            metrics::counter!(
                "larder_statement_executions_total",
                "statement" => name.to_owned(),
                "prepared" => if prepared { "true" } else { "false" }
            )
        }))
    };
    handles.with(register, |h| h.0[usize::from(prepared)].increment(1));
}

/// An acquisition that gave up.
pub(crate) fn pool_timeout() {
    metrics::counter!("larder_pool_timeouts_total").increment(1);
}
