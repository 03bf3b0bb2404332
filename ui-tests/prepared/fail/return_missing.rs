struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("DELETE FROM items")]
    async fn clear(&self);
}

fn main() {}
