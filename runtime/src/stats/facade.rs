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

/// One finished timed call.
pub(crate) fn method(name: &'static str, nanos: u64, ok: bool) {
    metrics::counter!("larder_calls_total", "method" => name).increment(1);
    if !ok {
        metrics::counter!("larder_errors_total", "method" => name).increment(1);
    }
    metrics::histogram!("larder_call_seconds", "method" => name).record(nanos as f64 / 1e9);
}

/// A cache lookup's outcome.
pub(crate) fn cache(name: &'static str, outcome: CacheOutcome) {
    let metric = match outcome {
        CacheOutcome::Hit => "larder_cache_hits_total",
        CacheOutcome::Miss => "larder_cache_misses_total",
        CacheOutcome::Stale => "larder_cache_stale_total",
        CacheOutcome::Coalesced => "larder_cache_coalesced_total",
    };
    metrics::counter!(metric, "method" => name).increment(1);
}

/// What a cache lookup found.
#[derive(Clone, Copy)]
pub(crate) enum CacheOutcome {
    Hit,
    Miss,
    Stale,
    Coalesced,
}

/// One statement execution; `prepared` when it had to be prepared (a statement-cache miss).
pub(crate) fn statement(name: &str, prepared: bool) {
    metrics::counter!(
        "larder_statement_executions_total",
        "statement" => name.to_owned(),
        "prepared" => if prepared { "true" } else { "false" }
    )
    .increment(1);
}

/// An acquisition that gave up.
pub(crate) fn pool_timeout() {
    metrics::counter!("larder_pool_timeouts_total").increment(1);
}
