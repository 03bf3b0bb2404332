struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("DELETE FROM items; DELETE FROM tags")]
    async fn clear(&self) -> cachet::Result<u64>;
}

fn main() {}
