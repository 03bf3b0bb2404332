struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[batch]
    async fn clear(&self) {}
}

fn main() {}
