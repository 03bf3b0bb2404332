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
