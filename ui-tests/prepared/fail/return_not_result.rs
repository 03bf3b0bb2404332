struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items")]
    async fn names(&self) -> Vec<String>;
}

fn main() {}
