struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("DELETE FROM items; DELETE FROM tags")]
    async fn clear(&self) -> larder::Result<u64>;
}

fn main() {}
