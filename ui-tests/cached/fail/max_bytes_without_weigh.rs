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
    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    #[cached_query(max_bytes = 1_000_000)]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;
}

fn main() {}
