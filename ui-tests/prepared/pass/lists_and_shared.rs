//! List parameters (rewritten to `json_each`, checked against the schema) and shared results.

use std::sync::Arc;

#[derive(larder::FromRow, Clone)]
struct Item {
    id: i64,
    name: String,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name FROM items WHERE id IN (:ids) AND name NOT IN (:names)")]
    async fn some(&self, ids: &[i64], names: Vec<String>) -> larder::Result<Vec<Item>>;

    #[prepared("SELECT id, name FROM items WHERE id IN (?1)")]
    #[cached_query]
    async fn shared(&self, ids: [i64; 3]) -> larder::Result<Arc<[Item]>>;

    #[prepared("SELECT max(qty) FROM items")]
    #[cached_query]
    async fn most(&self) -> larder::Result<Option<i64>>;

    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    async fn boxed(&self, id: i64) -> larder::Result<Box<Option<Item>>>;

    #[prepared("SELECT name FROM items WHERE id = ?1")]
    async fn bytes_are_not_a_list(&self, id: &[u8]) -> larder::Result<Option<String>>;
}

fn main() {}
