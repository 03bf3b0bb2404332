//! larder's metrics in the Prometheus text format: install an exporter's recorder, use the store,
//! render. In a service, serve `handle.render()` on `/metrics` (or enable the exporter's
//! `http-listener` feature).
//!
//! Run: `cargo run -p prometheus`

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO patterns (kind, hits) VALUES (?1, ?2)")]
    async fn insert(&self, kind: &str, hits: i64) -> larder::Result<()>;

    #[prepared("SELECT count(*) FROM patterns WHERE kind = ?1")]
    #[cached_query(ttl = "30s")]
    async fn count(&self, kind: &str) -> larder::Result<i64>;
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let handle = metrics_exporter_prometheus::PrometheusBuilder::new().install_recorder()?;

    let db = larder::Db::memory().await?;
    db.execute_batch("CREATE TABLE patterns (id INTEGER PRIMARY KEY, kind TEXT, hits INTEGER)")
        .await?;
    let store = Store { db };
    for i in 0..10 {
        store
            .insert(if i % 2 == 0 { "plan" } else { "act" }, i)
            .await?;
    }
    for _ in 0..5 {
        store.count("plan").await?;
    }

    let text = handle.render();
    for line in text.lines().filter(|l| l.contains("larder_")) {
        println!("{line}");
    }
    Ok(())
}
