struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("DELETE FROM items")]
    async fn clear(&self);
}

fn main() {}
