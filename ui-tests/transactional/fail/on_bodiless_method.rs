struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[batch]
    #[prepared("DELETE FROM items")]
    async fn clear(&self) -> cachet::Result<u64>;
}

fn main() {}
