struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("INSERT INTO items (name) VALUES (?1)")]
    async fn add(&self, name: &str) -> cachet::Result<Option<i64>>;
}

fn main() {}
