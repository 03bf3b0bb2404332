//! Shared fixtures: a store with one method per return shape, on file and memory databases.
#![allow(dead_code)]

use larder::FromRow;

pub const SCHEMA: &str = "
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        qty INTEGER NOT NULL DEFAULT 0,
        note TEXT
    );";

#[derive(FromRow, Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub name: String,
    #[larder(rename = "qty")]
    pub quantity: i64,
    pub note: Option<String>,
}

pub struct Items {
    pub db: larder::Db,
}

#[larder::storage]
impl Items {
    #[prepared("INSERT INTO items (id, name, qty, note) VALUES (?1, ?2, ?3, ?4)")]
    pub async fn insert(
        &self,
        id: i64,
        name: &str,
        qty: i64,
        note: Option<&str>,
    ) -> larder::Result<u64>;

    #[prepared("UPDATE items SET qty = qty + :delta WHERE name = :name")]
    pub async fn add_qty(&self, name: &str, delta: i64) -> larder::Result<()>;

    #[prepared("DELETE FROM items WHERE qty < ?1")]
    pub async fn delete_below(&self, qty: i64) -> larder::Result<u64>;

    #[prepared("SELECT id, name, qty, note FROM items WHERE id = ?1")]
    pub async fn get(&self, id: i64) -> larder::Result<Option<Item>>;

    #[prepared("SELECT id, name, qty, note FROM items WHERE id = ?1")]
    pub async fn get_exactly(&self, id: i64) -> larder::Result<Item>;

    #[prepared("SELECT * FROM items WHERE qty >= ?1 ORDER BY id")]
    pub async fn with_at_least(&self, qty: i64) -> larder::Result<Vec<Item>>;

    #[prepared("SELECT name FROM items ORDER BY id")]
    pub async fn names(&self) -> larder::Result<Vec<String>>;

    #[prepared("SELECT count(*) FROM items")]
    pub async fn count(&self) -> larder::Result<i64>;

    #[prepared("SELECT note FROM items WHERE id = ?1")]
    pub async fn note(&self, id: i64) -> larder::Result<Option<Option<String>>>;

    #[prepared("SELECT id, name, qty, note FROM items WHERE qty >= ?1")]
    pub async fn one_with_at_least(&self, qty: i64) -> larder::Result<Option<Item>>;
}

/// Opens `builder`'s database and creates [`SCHEMA`] in it.
pub async fn with_schema(builder: larder::DbBuilder) -> larder::Db {
    let db = builder.open().await.expect("open");
    db.execute_batch(SCHEMA).await.expect("schema");
    db
}

/// A file database in a fresh temporary directory (kept alive by the returned guard).
pub async fn file_items() -> (Items, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = with_schema(larder::Db::builder().file(dir.path().join("items.db"))).await;
    (Items { db }, dir)
}

pub async fn memory_items() -> Items {
    Items {
        db: with_schema(larder::Db::builder().memory()).await,
    }
}

pub async fn fill(items: &Items, n: i64) {
    for i in 1..=n {
        items
            .insert(i, &format!("item {i}"), i, None)
            .await
            .expect("insert");
    }
}
