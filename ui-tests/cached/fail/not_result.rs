struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[cached_query]
    async fn answer(&self) -> i64 {
        let _ = &self.db;
        42
    }
}

fn main() {}
