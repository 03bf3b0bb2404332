//! A time to live of zero would never hit.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query(ttl = "0s")]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;

    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query(ttl_adaptive(base = "0s", min = "0s", max = "0s"))]
    async fn other(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
