//! Both bounds written, in the wrong order.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query(ttl_adaptive(min = "2h", max = "10m"))]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
