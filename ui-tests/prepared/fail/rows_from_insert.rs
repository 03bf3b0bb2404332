struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO items (name) VALUES (?1)")]
    async fn add(&self, name: &str) -> larder::Result<Option<i64>>;
}

fn main() {}
