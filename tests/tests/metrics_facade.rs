//! Feature `metrics`: calls, errors, latencies, cache and statement counters reach whatever
//! recorder the application installs (here the Prometheus exporter's).

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO t (id) VALUES (?1)")]
    async fn insert(&self, id: i64) -> larder::Result<()>;

    #[prepared("SELECT count(*) FROM t")]
    #[cached_query]
    async fn count(&self) -> larder::Result<i64>;
}

#[tokio::test]
async fn everything_is_reported_through_the_facade() {
    let handle = metrics_exporter_prometheus::PrometheusBuilder::new()
        .install_recorder()
        .expect("the only recorder of this test binary");
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .await
        .unwrap();
    let store = Store { db };
    store.insert(1).await.unwrap();
    store.insert(1).await.unwrap_err();
    store.count().await.unwrap();
    store.count().await.unwrap();

    let text = handle.render();
    for expected in [
        r#"larder_calls_total{method="Store::insert"} 2"#,
        r#"larder_errors_total{method="Store::insert"} 1"#,
        r#"larder_cache_hits_total{method="Store::count"} 1"#,
        r#"larder_cache_misses_total{method="Store::count"} 1"#,
        r#"larder_call_seconds_count{method="Store::count"} 2"#,
        r#"larder_statement_executions_total{statement="Store::insert",prepared="true"} 1"#,
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}

/// The rendered value of `metric` in `text` (0 when absent).
fn value(text: &str, metric: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(metric)?.trim().parse().ok())
        .unwrap_or(0)
}

/// Handles are registered once per call site and recorder: samples always reach the recorder in
/// place at the call, however often it changes, and each sees exactly its own calls.
#[tokio::test]
async fn each_sample_reaches_the_recorder_in_place_when_it_is_taken() {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .await
        .unwrap();
    let store = Store { db };
    let recorders: Vec<_> = (0..3)
        .map(|_| metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder())
        .collect();
    // A deterministic but irregular order of recorders, calls on each.
    let mut expected = [0u64; 3];
    let mut seed = 7u64;
    for round in 0..40 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let which = (seed >> 33) as usize % 3;
        let calls = 1 + (seed >> 40) % 3;
        let guard = metrics::set_default_local_recorder(&recorders[which]);
        for call in 0..calls {
            store.insert(round * 10 + call as i64).await.unwrap();
            store.count().await.unwrap();
        }
        drop(guard);
        expected[which] += calls;
    }
    for (recorder, expected) in recorders.iter().zip(expected) {
        let text = recorder.handle().render();
        assert_eq!(
            value(&text, r#"larder_calls_total{method="Store::insert"}"#),
            expected,
            "{text}"
        );
        assert_eq!(
            value(&text, r#"larder_calls_total{method="Store::count"}"#),
            expected,
            "{text}"
        );
        let statements = value(
            &text,
            r#"larder_statement_executions_total{statement="Store::insert",prepared="true"}"#,
        ) + value(
            &text,
            r#"larder_statement_executions_total{statement="Store::insert",prepared="false"}"#,
        );
        assert_eq!(statements, expected, "{text}");
        let cache = ["hits", "misses", "stale", "coalesced"]
            .map(|c| {
                value(
                    &text,
                    &format!(r#"larder_cache_{c}_total{{method="Store::count"}}"#),
                )
            })
            .iter()
            .sum::<u64>();
        assert_eq!(cache, expected, "{text}");
    }
}
