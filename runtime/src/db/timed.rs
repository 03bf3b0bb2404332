//! The timed-call entry of generated code: `#[timed]` methods, and by default every generated one.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::trace::InSpan;
use super::Db;
use crate::metrics::TimedSite;
use crate::types::{MethodError, MethodResult};

/// `#[timed]` methods (and by default every generated one): times `body` and counts it, as an
/// error when it returns `Err`. A call dropped before it finishes is not recorded.
///
/// A hand-written future, not an `async fn`: an `async fn` keeps its argument by value in its
/// first state and the future it awaits in the next, so the body would be stored twice, and
/// every caller's future would grow by twice the body's size. The future returned holds it once.
pub fn timed<'a, R, F>(
    db: &'a Db,
    site: &'static TimedSite,
    body: F,
) -> impl Future<Output = R> + use<'a, R, F>
where
    F: Future<Output = R>,
    R: MethodResult,
    R::Err: MethodError,
{
    // Debug builds keep no future in registers and copy each one through the stack, so every
    // generated layer adds its whole future to the stack of the layer above; boxing here keeps
    // deep call chains (a batch calling cached methods calling prepared ones) within a test
    // thread's stack. Release builds do not need it and skip the allocation.
    #[cfg(debug_assertions)]
    let body = Box::pin(body);
    Timed {
        body: super::trace::in_span(db, site.name(), body),
        db,
        site,
        started: None,
    }
}

pin_project_lite::pin_project! {
    /// The future of [`timed`]: the body in its span, and when it was first polled.
    struct Timed<'a, F> {
        #[pin]
        body: InSpan<F>,
        db: &'a Db,
        site: &'static TimedSite,
        started: Option<quanta::Instant>,
    }
}

impl<F> Future for Timed<'_, F>
where
    F: Future,
    F::Output: MethodResult,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        // quanta reads the CPU's time-stamp counter (calibrated once per process): ~7 ns a read,
        // against ~23 ns for `std::time::Instant`; two reads per call.
        let started = *this.started.get_or_insert_with(quanta::Instant::now);
        let result = match this.body.poll(cx) {
            Poll::Ready(result) => result,
            Poll::Pending => return Poll::Pending,
        };
        let (db, site) = (*this.db, *this.site);
        if let Some(method) = db.inner.metrics.method(site) {
            let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            method.record(nanos, result.is_ok());
            crate::stats::facade::method(&site.facade, site.name(), nanos, result.is_ok());
        }
        Poll::Ready(result)
    }
}
