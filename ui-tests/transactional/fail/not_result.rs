struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[batch]
    async fn count(&self) -> i64 {
        let _ = &self.db;
        0
    }
}

fn main() {}
