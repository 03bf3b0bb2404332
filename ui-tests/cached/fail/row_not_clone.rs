//! A hit returns a clone of the cached value: the row type must be `Clone`.
#[derive(larder::FromRow)]
struct Item {
    id: i64,
    name: String,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    #[cached_query]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;
}

fn main() {}
