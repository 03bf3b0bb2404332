struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[batch]
    #[prepared("DELETE FROM items")]
    async fn clear(&self) -> larder::Result<u64>;
}

fn main() {}
