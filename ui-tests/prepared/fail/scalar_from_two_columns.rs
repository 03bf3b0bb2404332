//! A scalar return reads exactly one column.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name FROM items WHERE name = ?1")]
    async fn id(&self, name: &str) -> larder::Result<Option<i64>>;
}

fn main() {}
