struct Item {
    id: i64,
    name: String,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name FROM items")]
    async fn all(&self) -> larder::Result<Vec<Item>>;
}

fn main() {}
