//! `f64` is not `Hash + Eq`: it cannot be part of a cache key.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id FROM items WHERE qty > ?1")]
    #[cached_query]
    async fn above(&self, qty: f64) -> larder::Result<Vec<i64>>;
}

fn main() {}
