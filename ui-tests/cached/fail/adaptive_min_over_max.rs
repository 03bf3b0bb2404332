//! An adaptive TTL whose `min` is longer than its `max` — here the default `max` (1h): the
//! runtime owns the defaults, and asserts the settings at compile time under the attribute.

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query(ttl_adaptive(min = "2h"))]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
