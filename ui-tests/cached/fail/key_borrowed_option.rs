//! A cache key is stored, so it is owned: `Option<&str>` cannot be one.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id FROM items WHERE name = ?1 OR ?1 IS NULL")]
    #[cached_query]
    async fn find(&self, name: Option<&str>) -> larder::Result<Vec<i64>>;
}

fn main() {}
