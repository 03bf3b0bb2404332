//! Quickstart: a file database in a temporary directory, written and read through `#[prepared]`
//! methods, then the statement-cache counters as a table.
//!
//! Run: `cargo run --release -p quickstart`

use larder::FromRow;

#[derive(FromRow, Debug)]
struct Episode {
    id: i64,
    task: String,
    reward: Option<f64>,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO episodes (task, reward) VALUES (:task, :reward)")]
    async fn insert_episode(&self, task: &str, reward: Option<f64>) -> larder::Result<u64>;

    #[prepared("SELECT id, task, reward FROM episodes WHERE id = ?1")]
    async fn episode(&self, id: i64) -> larder::Result<Option<Episode>>;

    #[prepared("SELECT id, task, reward FROM episodes WHERE reward >= ?1 ORDER BY reward DESC")]
    async fn rewarded(&self, at_least: f64) -> larder::Result<Vec<Episode>>;

    #[prepared("SELECT count(*) FROM episodes")]
    async fn count(&self) -> larder::Result<i64>;
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("quickstart.db");
    let db = larder::Db::open(&path).await?;
    db.execute_batch(
        "CREATE TABLE episodes (id INTEGER PRIMARY KEY, task TEXT NOT NULL, reward REAL)",
    )
    .await?;
    let store = Store { db: db.clone() };

    for i in 0..100 {
        let reward = (i % 3 != 0).then_some(f64::from(i) / 100.0);
        store.insert_episode(&format!("task {i}"), reward).await?;
    }
    for id in 1..=1000 {
        store.episode(id % 100 + 1).await?;
    }
    println!("database: {}", path.display());
    println!("episodes: {}", store.count().await?);
    if let Some(e) = store.episode(42).await? {
        println!("episode {}: {} (reward {:?})", e.id, e.task, e.reward);
    }
    for e in store.rewarded(0.95).await? {
        println!(
            "rewarded: episode {} {:?} earned {:?}",
            e.id, e.task, e.reward
        );
    }
    println!();
    println!("{}", db.statement_stats());
    println!("{}", db.pool_stats());
    Ok(())
}
