//! Metrics of generated methods: every `#[prepared]`, `#[cached_query]` and `#[batch]` method is
//! timed; `#[timed]` adds others; `timed = false` turns the default off.

use std::time::Duration;

use larder::Error;

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO t (id) VALUES (?1)")]
    async fn insert(&self, id: i64) -> larder::Result<()>;

    #[prepared("SELECT id FROM t WHERE id = ?1")]
    #[cached_query]
    async fn get(&self, id: i64) -> larder::Result<Option<i64>>;

    #[batch]
    async fn insert_many(&self, n: i64) -> larder::Result<()> {
        for i in 100..100 + n {
            self.insert(i).await?;
        }
        Ok(())
    }

    #[prepared("SELECT id FROM t WHERE id = ?1")]
    #[cached_query]
    #[timed(name = "store.renamed")]
    async fn renamed(&self, id: i64) -> larder::Result<Option<i64>>;

    #[timed(name = "store.sleepy")]
    async fn sleepy(&self, fail: bool) -> larder::Result<()> {
        tokio::time::sleep(Duration::from_millis(2)).await;
        if fail {
            Err(Error::Config("failed on purpose".into()))
        } else {
            Ok(())
        }
    }

    /// Not generated, not `#[timed]`: not measured.
    async fn plain(&self) -> larder::Result<i64> {
        self.db.fetch_one("SELECT 1", &[]).await
    }
}

struct Quiet {
    db: larder::Db,
}

#[larder::storage(timed = false)]
impl Quiet {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;
}

async fn store() -> Store {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        .await
        .unwrap();
    Store { db }
}

#[tokio::test]
async fn generated_methods_are_timed_and_errors_counted() {
    let store = store().await;
    store.insert(1).await.unwrap();
    assert!(store.insert(1).await.is_err(), "duplicate key");
    for _ in 0..9 {
        store.get(1).await.unwrap();
    }
    store.insert_many(3).await.unwrap();
    store.sleepy(false).await.unwrap();
    store.sleepy(true).await.unwrap_err();
    store.plain().await.unwrap();

    let snapshot = store.db.metrics().snapshot();
    let row = |name: &str| {
        snapshot
            .methods
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("no row {name}: {snapshot}"))
    };
    let insert = row("Store::insert");
    assert_eq!(
        (insert.calls, insert.errors),
        (5, 1),
        "2 direct + 3 inside the batch"
    );
    let get = row("Store::get");
    assert_eq!(get.calls, 9);
    assert_eq!((get.cache_hits, get.cache_misses), (Some(8), Some(1)));
    assert_eq!(get.hit_rate(), Some(8.0 / 9.0));
    assert_eq!(row("Store::insert_many").calls, 1);
    let sleepy = row("store.sleepy");
    assert_eq!((sleepy.calls, sleepy.errors), (2, 1));
    assert!(sleepy.p50_ns >= 2_000_000, "slept 2 ms: {sleepy:?}");
    assert!(sleepy.max_ns >= sleepy.p99_ns && sleepy.p99_ns >= sleepy.p50_ns);
    assert!(snapshot.methods.iter().all(|m| m.name != "Store::plain"));
    let table = snapshot.to_string();
    assert!(
        table.starts_with("method") && table.contains("store.sleepy"),
        "{table}"
    );
}

#[tokio::test]
async fn deltas_and_reset() {
    let store = store().await;
    store.insert(1).await.unwrap();
    let before = store.db.metrics().snapshot();
    store.insert(2).await.unwrap();
    store.insert(3).await.unwrap();
    let delta = store.db.metrics().snapshot().since(&before);
    let insert = delta
        .methods
        .iter()
        .find(|m| m.name == "Store::insert")
        .unwrap();
    assert_eq!((insert.calls, insert.errors), (2, 0));

    store.db.metrics().reset();
    let after = store.db.metrics().snapshot();
    assert!(after.methods.iter().all(|m| m.calls == 0));
}

#[tokio::test]
async fn timed_false_turns_the_default_off() {
    let db = larder::Db::memory().await.unwrap();
    let quiet = Quiet { db: db.clone() };
    assert_eq!(quiet.one().await.unwrap(), 1);
    assert!(db.metrics().snapshot().methods.is_empty());
}

#[tokio::test]
async fn snapshots_serialize() {
    let store = store().await;
    store.insert(1).await.unwrap();
    let json = serde_json::to_value(store.db.metrics().snapshot()).unwrap();
    assert_eq!(json["methods"][0]["name"], "Store::insert");
    assert_eq!(json["methods"][0]["calls"], 1);
    assert!(json["methods"][0]["p50_ns"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn a_cached_method_timed_under_another_name_keeps_its_cache_columns() {
    let store = store().await;
    store.insert(1).await.unwrap();
    for _ in 0..4 {
        assert_eq!(store.renamed(1).await.unwrap(), Some(1));
    }
    let snapshot = store.db.metrics().snapshot();
    let row = snapshot
        .methods
        .iter()
        .find(|m| m.name == "store.renamed")
        .expect("timed under its name");
    assert_eq!(
        (row.cache_hits, row.cache_misses),
        (Some(3), Some(1)),
        "{snapshot}"
    );
    assert_eq!(row.hit_rate(), Some(0.75));
}
