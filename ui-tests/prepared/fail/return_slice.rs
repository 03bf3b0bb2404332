struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id FROM items")]
    async fn ids(&self) -> larder::Result<[i64; 4]>;
}

fn main() {}
