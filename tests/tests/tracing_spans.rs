//! Feature `tracing`: a span named `larder` with the method's name around every timed call, at the
//! level chosen with `DbBuilder::trace_level`.

use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// A subscriber that remembers the spans it is given: (name, level, method field).
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<(String, Level, String)>>>);

struct Method(String);

impl Visit for Method {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "method" {
            self.0 = value.to_owned();
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "method" {
            self.0 = format!("{value:?}").trim_matches('"').to_owned();
        }
    }
}

impl Subscriber for Spans {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= Level::INFO
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut method = Method(String::new());
        span.record(&mut method);
        let mut spans = self.0.lock().unwrap();
        spans.push((
            span.metadata().name().to_owned(),
            *span.metadata().level(),
            method.0,
        ));
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT ?1 + 1")]
    async fn plus_one(&self, x: i64) -> larder::Result<i64>;
}

#[tokio::test]
async fn timed_calls_get_a_span_at_the_chosen_level() {
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(spans.clone());

    let info = larder::Db::builder()
        .memory()
        .trace_level(Some(Level::INFO))
        .open()
        .await
        .unwrap();
    assert_eq!(Store { db: info }.plus_one(1).await.unwrap(), 2);
    // DEBUG is below what the subscriber enables: no span, no cost beyond the check.
    let debug = larder::Db::builder()
        .memory()
        .trace_level(Some(Level::DEBUG))
        .open()
        .await
        .unwrap();
    assert_eq!(Store { db: debug }.plus_one(1).await.unwrap(), 2);
    // The default: no spans at all.
    assert_eq!(
        Store {
            db: larder::Db::memory().await.unwrap()
        }
        .plus_one(1)
        .await
        .unwrap(),
        2
    );

    let seen = spans.0.lock().unwrap().clone();
    assert_eq!(
        seen,
        [(
            "larder".to_owned(),
            Level::INFO,
            "Store::plus_one".to_owned()
        )]
    );
}
