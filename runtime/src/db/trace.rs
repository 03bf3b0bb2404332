//! Feature `tracing`: a span around each timed call, at the level chosen with
//! `DbBuilder::trace_level`. Without the feature, `trace_off.rs` stands in, doing nothing.

use std::future::Future;

use tracing::instrument::{Instrument, Instrumented};

use super::Db;

/// What [`in_span`] gives: the body in its span.
pub(crate) type InSpan<F> = Instrumented<F>;

/// `body` inside the span of the timed method `method` (a disabled span when the level is off
/// or no subscriber wants it: entering it is a no-op).
pub(crate) fn in_span<F: Future>(db: &Db, method: &'static str, body: F) -> Instrumented<F> {
    let span = db
        .inner
        .trace_level
        .and_then(|level| span(level, method))
        .unwrap_or_else(tracing::Span::none);
    body.instrument(span)
}

/// The span of one timed call, `None` when that level is disabled.
fn span(level: tracing::Level, method: &'static str) -> Option<tracing::Span> {
    // `span!` needs its level at compile time: one call site per level.
    let span = match level {
        tracing::Level::ERROR => tracing::error_span!("larder", method),
        tracing::Level::WARN => tracing::warn_span!("larder", method),
        tracing::Level::INFO => tracing::info_span!("larder", method),
        tracing::Level::DEBUG => tracing::debug_span!("larder", method),
        tracing::Level::TRACE => tracing::trace_span!("larder", method),
    };
    (!span.is_disabled()).then_some(span)
}
