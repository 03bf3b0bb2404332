//! `#[cached_query]` in every form, `#[invalidates]` with and without keys, strict lints.
#![deny(warnings, clippy::all)]

#[derive(larder::FromRow, Clone)]
pub struct Item {
    pub id: i64,
    pub name: String,
}

impl larder::Weigh for Item {
    fn heap_bytes(&self) -> usize {
        larder::Weigh::heap_bytes(&self.name)
    }
}

pub struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    #[cached_query]
    pub async fn item(&self, id: i64) -> larder::Result<Option<Item>>;

    #[prepared("SELECT id, name FROM items WHERE name = ?1")]
    #[cached_query(ttl_adaptive(base = "5m", min = "1m", max = "1h", access_weight = 0.5, recency_weight = 0.5))]
    pub async fn by_name(&self, name: &str) -> larder::Result<Vec<Item>>;

    #[prepared("SELECT id, name FROM items WHERE id > ?1 AND name <> ?2")]
    #[cached_query(ttl = "30s", max_bytes = 1000000, key = (after), cache_none = false)]
    pub async fn first_after(&self, after: i64, not_named: &str) -> larder::Result<Option<Item>>;

    #[cached_query(ttl = "500ms", max_entries = 10)]
    pub async fn computed(&self, ids: &[i64]) -> larder::Result<usize> {
        let _ = &self.db;
        Ok(ids.len())
    }

    #[prepared("UPDATE items SET name = ?2 WHERE id = ?1")]
    #[invalidates(by_name, item(id))]
    pub async fn rename(&self, id: i64, name: &str) -> larder::Result<u64>;

    /// Keys built from owned parameters: `String` for a `&str` key, `Vec<i64>` for `&[i64]`.
    #[invalidates(by_name(name), first_after(after), computed(ids))]
    pub async fn touch(&self, after: i64, name: String, ids: Vec<i64>) -> larder::Result<()> {
        let _ = &self.db;
        Ok(())
    }
}

fn main() {}
