struct Item {
    id: i64,
    name: String,
}

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT id, name FROM items")]
    async fn all(&self) -> cachet::Result<Vec<Item>>;
}

fn main() {}
